// Tests of the commit-quorum wire oracle on planted message streams: a commit announced on
// acknowledgements of the primary's view passes, one counted on a stale view's acknowledgement
// or on too few fires, and commits the primary learned in the view change (its StartView's) need
// no acknowledgement.

#include "sim/commit_quorum.h"

#include <gtest/gtest.h>

#include <string>

#include "core/message.h"

namespace vsrsim::sim {
namespace {

constexpr std::size_t kReplicas = 5;  // A replication quorum of 3: the primary and 2 backups.
constexpr std::size_t kPrimary = 1;   // The primary of views 1 and 6.

core::PrepareOk Ack(core::View view, core::Op op, std::uint8_t backup) {
  return {.view = view, .op = op, .checksum = 0, .replica = core::ReplicaIndex{backup}};
}

core::Commit CommitOf(core::View view, core::Op commit) {
  return {.view = view, .commit = commit, .replica = core::ReplicaIndex{kPrimary}};
}

core::StartView StartViewOf(core::View view, core::Op commit) {
  return {.view = view, .commit = commit, .replica = core::ReplicaIndex{kPrimary}, .log = {}};
}

void ExpectFires(const Finding& finding, const std::string& mention) {
  ASSERT_TRUE(finding.has_value());
  EXPECT_EQ(finding->outcome, Outcome::kSafety);
  EXPECT_EQ(finding->checker, "commit-quorum");
  EXPECT_NE(finding->message.find(mention), std::string::npos) << finding->message;
}

TEST(CommitQuorumTest, CommitsBackedByAcknowledgementsOfTheViewPass) {
  // Two backups acknowledge op 3 of view 1 (one of them op 4): commit 3 is backed, in a Commit and
  // in a Prepare's commit field.
  CommitQuorumChecker checker(kReplicas);
  EXPECT_FALSE(checker.on_send(kPrimary, StartViewOf(1, 0)));
  checker.on_deliver(kPrimary, Ack(1, 3, 2));
  checker.on_deliver(kPrimary, Ack(1, 4, 3));
  EXPECT_FALSE(checker.on_send(kPrimary, CommitOf(1, 3)));
  EXPECT_FALSE(checker.on_send(kPrimary, core::Prepare{.view = 1, .commit = 3, .entry = {}}));
}

TEST(CommitQuorumTest, CommitsKnownFromTheViewChangeNeedNoAcknowledgement) {
  // The StartView of view 6 carries commit 9 (learned from the DoViewChanges): announcing it again
  // needs nothing from view 6.
  CommitQuorumChecker checker(kReplicas);
  EXPECT_FALSE(checker.on_send(kPrimary, StartViewOf(6, 9)));
  EXPECT_FALSE(checker.on_send(kPrimary, CommitOf(6, 9)));
}

TEST(CommitQuorumTest, ACommitCountedOnAStaleViewsAcknowledgementFires) {
  // Backup 2 acknowledged op 5 in view 1; in view 6 only backup 3 did. A commit of 5 in view 6 was
  // counted on the stale acknowledgement.
  CommitQuorumChecker checker(kReplicas);
  EXPECT_FALSE(checker.on_send(kPrimary, StartViewOf(1, 0)));
  checker.on_deliver(kPrimary, Ack(1, 5, 2));
  EXPECT_FALSE(checker.on_send(kPrimary, StartViewOf(6, 4)));
  checker.on_deliver(kPrimary, Ack(6, 5, 3));
  checker.on_deliver(kPrimary, Ack(1, 5, 2));  // The stale one again (a replay).
  ExpectFires(checker.on_send(kPrimary, CommitOf(6, 5)), "only 1 backup(s) acknowledged op 5");
}

TEST(CommitQuorumTest, ACommitAboveWhatTheBackupsAcknowledgedFires) {
  // View 0 (primary 0, no StartView): two backups, but one only up to op 2, so commit 3 has one
  // backer.
  CommitQuorumChecker checker(kReplicas);
  checker.on_deliver(0, Ack(0, 3, 2));
  checker.on_deliver(0, Ack(0, 2, 3));
  EXPECT_FALSE(checker.on_send(0, core::Commit{.view = 0, .commit = 2, .replica = {}}));
  ExpectFires(checker.on_send(0, core::Prepare{.view = 0, .commit = 3, .entry = {}}),
              "a commit without a quorum of its view");
}

}  // namespace
}  // namespace vsrsim::sim
