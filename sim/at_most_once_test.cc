#include "sim/at_most_once.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/bus.h"
#include "core/message.h"
#include "core/partition_log.h"

namespace vsrsim::sim {
namespace {

constexpr core::ClientId kClient{0x1234};
constexpr core::ClientId kOtherClient{0x5679};

core::Request Register(core::ClientId client) {
  return core::Request{.client = client, .operation = core::Operation::kRegister};
}

core::Request Append(core::ClientId client, core::Session session, core::RequestNumber request,
                     std::uint64_t payload) {
  return core::Request{.client = client,
                       .session = session,
                       .request = request,
                       .operation = core::Operation::kAppend,
                       .entry_count = 1,
                       .entries = {payload, 0, 0, 0}};
}

// A committed history as a replica sees it: hash-chained entries, each with the result of
// executing it on a partition log that starts empty (the reply the replica would report). Each
// replica's partition log is kept here, so an execution shows the checker what it appended.
class History {
 public:
  // Appends the next op; returns its op number.
  core::Op Add(const core::Request& request, bool applied = true) {
    entries_.push_back(core::MakeEntry(entries_.back(), 1, request));
    core::Reply reply{.view = 1,
                      .client = request.client,
                      .session = request.session,
                      .request = request.request,
                      .op = entries_.back().op};
    if (request.operation == core::Operation::kRegister) {
      reply.session = reply.op;
    } else if (applied) {
      reply.first_offset = offset_;
      reply.entry_count = request.entry_count;
      offset_ += request.entry_count;
    }
    applied_.push_back(applied);
    replies_.push_back(reply);
    return entries_.back().op;
  }

  const core::LogEntry& entry(core::Op op) const { return entries_[op]; }
  // Replica `replica` executes `op`: its partition log gains the batch if `appends` (by default,
  // if the op was applied), and it reports the recorded claim and reply.
  core::Execution ExecutionOf(core::Op op, std::uint8_t replica,
                              std::optional<bool> appends = std::nullopt) {
    const core::Request& request = entries_[op].request;
    if (appends.value_or(applied_[op - 1]) && request.operation == core::Operation::kAppend) {
      logs_[replica].append(
          std::span<const std::uint64_t>(request.entries.data(), request.entry_count));
    }
    return core::Execution{.replica = core::ReplicaIndex{replica},
                           .entry = &entries_[op],
                           .applied = applied_[op - 1],
                           .reply = replies_[op - 1],
                           .evicted = std::nullopt,
                           .state_machine = &logs_[replica]};
  }
  core::Op size() const { return entries_.size() - 1; }

 private:
  std::vector<core::LogEntry> entries_ = {core::LogEntry{}};
  std::vector<bool> applied_;
  std::vector<core::Reply> replies_;
  std::uint64_t offset_ = 0;
  std::array<core::PartitionLog, 3> logs_;
};

// Feeds ops 1..size of `history` as executed by `replica`; returns the first finding.
Finding Replay(AtMostOnceChecker& checker, History& history, std::uint8_t replica) {
  for (core::Op op = 1; op <= history.size(); op++) {
    if (Finding finding = checker.on_execute(history.ExecutionOf(op, replica))) return finding;
  }
  return std::nullopt;
}

void ExpectViolation(const Finding& finding, const std::vector<std::string>& mentions) {
  ASSERT_TRUE(finding.has_value());
  EXPECT_EQ(finding->outcome, Outcome::kSafety);
  EXPECT_EQ(finding->checker, "at-most-once");
  for (const std::string& mention : mentions) {
    EXPECT_NE(finding->message.find(mention), std::string::npos)
        << "'" << mention << "' not in: " << finding->message;
  }
}

TEST(AtMostOnceTest, CleanHistoryOnEveryReplicaPasses) {
  // A history without duplicates, executed identically by three replicas, never fires.
  History history;
  history.Add(Register(kClient));
  history.Add(Register(kOtherClient));
  history.Add(Append(kClient, 1, 1, 11));
  history.Add(Append(kOtherClient, 2, 1, 21));
  history.Add(Append(kClient, 1, 2, 12));
  AtMostOnceChecker checker;
  for (std::uint8_t replica = 0; replica < 3; replica++) {
    EXPECT_EQ(Replay(checker, history, replica), std::nullopt) << "replica " << int{replica};
  }
  ASSERT_EQ(checker.history().size(), 5U);
  EXPECT_EQ(checker.history()[2].checksum, history.entry(3).checksum);
  EXPECT_EQ(checker.history()[2].first_replica, 0U);
  EXPECT_EQ(checker.op_of(kClient, 1, 1), 3U);
  EXPECT_EQ(checker.op_of(kClient, 1, 2), 5U);
  EXPECT_EQ(checker.op_of(kOtherClient, 2, 1), 4U);
  EXPECT_EQ(checker.op_of(kClient, 1, 3), 0U);
}

TEST(AtMostOnceTest, SameRequestAppliedAtTwoOpsFires) {
  // (client, session, request) applied at op 2 and again at op 3 is a violation naming both ops.
  History history;
  history.Add(Register(kClient));
  history.Add(Append(kClient, 1, 1, 11));
  history.Add(Append(kClient, 1, 1, 12));  // A fresh payload: only the request repeats.
  AtMostOnceChecker checker;
  EXPECT_EQ(checker.on_execute(history.ExecutionOf(1, 0)), std::nullopt);
  EXPECT_EQ(checker.on_execute(history.ExecutionOf(2, 0)), std::nullopt);
  ExpectViolation(checker.on_execute(history.ExecutionOf(3, 0)),
                  {fmt::format("client {} request 1", core::Raw(kClient)), "at op 2",
                   "again at op 3", "executed twice"});
}

TEST(AtMostOnceTest, SameRequestNumberInAnotherSessionOrClientPasses) {
  // The control: request 1 again under a new session or of another client is not a duplicate.
  History history;
  history.Add(Register(kClient));
  history.Add(Register(kOtherClient));
  history.Add(Append(kClient, 1, 1, 11));
  history.Add(Append(kOtherClient, 2, 1, 21));
  history.Add(Register(kClient));  // Re-registration (after an eviction): session 5.
  history.Add(Append(kClient, 5, 1, 12));
  AtMostOnceChecker checker;
  EXPECT_EQ(Replay(checker, history, 0), std::nullopt);
}

TEST(AtMostOnceTest, SamePayloadAppendedAtTwoOpsFires) {
  // A payload entry appended by two different requests is a duplicate execution.
  History history;
  history.Add(Register(kClient));
  history.Add(Append(kClient, 1, 1, 0xabc));
  history.Add(Append(kClient, 1, 2, 0xabc));
  AtMostOnceChecker checker;
  ExpectViolation(
      Replay(checker, history, 0),
      {"payload abc", fmt::format("client {}", core::Raw(kClient)), "at op 2", "again at op 3"});
}

TEST(AtMostOnceTest, SamePayloadWithinOneBatchFires) {
  // A payload appearing twice in one request's batch is also appended twice.
  History history;
  history.Add(Register(kClient));
  core::Request request = Append(kClient, 1, 1, 0xdef);
  request.entry_count = 2;
  request.entries[1] = 0xdef;
  history.Add(request);
  AtMostOnceChecker checker;
  ExpectViolation(Replay(checker, history, 0), {"payload def", "at op 2"});
}

TEST(AtMostOnceTest, DivergentChecksumOnSecondReplicaFires) {
  // A second replica committing op 2 with a different entry (so a different checksum) fires.
  History history;
  history.Add(Register(kClient));
  history.Add(Append(kClient, 1, 1, 11));
  History divergent;
  divergent.Add(Register(kClient));
  divergent.Add(Append(kClient, 1, 1, 99));  // Same request, different payload.
  AtMostOnceChecker checker;
  EXPECT_EQ(Replay(checker, history, 0), std::nullopt);
  EXPECT_EQ(checker.on_execute(divergent.ExecutionOf(1, 2)), std::nullopt);
  ExpectViolation(checker.on_execute(divergent.ExecutionOf(2, 2)),
                  {"replica 2 committed op 2", "replica 0", "diverge",
                   fmt::format("{:016x}", history.entry(2).checksum),
                   fmt::format("{:016x}", divergent.entry(2).checksum)});
}

TEST(AtMostOnceTest, DivergentParentOnSecondReplicaFires) {
  // Equal requests on a different prefix still diverge: the checksum chains over the parent.
  History history;
  history.Add(Register(kClient));
  history.Add(Register(kOtherClient));
  History divergent;
  divergent.Add(Register(kOtherClient));
  divergent.Add(Register(kOtherClient));
  AtMostOnceChecker checker;
  EXPECT_EQ(Replay(checker, history, 0), std::nullopt);
  // Replica 1 skips reporting op 1 (a restart may execute from the journal): op 2 alone fires.
  ExpectViolation(checker.on_execute(divergent.ExecutionOf(2, 1)), {"op 2", "diverge"});
}

TEST(AtMostOnceTest, DifferentReplyOnSecondReplicaFires) {
  // A second replica executing the same entry with a different reply fires, naming both replicas.
  History history;
  history.Add(Register(kClient));
  history.Add(Append(kClient, 1, 1, 11));
  AtMostOnceChecker checker;
  EXPECT_EQ(Replay(checker, history, 0), std::nullopt);
  EXPECT_EQ(checker.on_execute(history.ExecutionOf(1, 1)), std::nullopt);
  core::Execution execution = history.ExecutionOf(2, 1);
  execution.reply.first_offset += 5;
  ExpectViolation(checker.on_execute(execution),
                  {"replica 1 executed op 2", "than replica 0", "offset 5 vs 0",
                   fmt::format("client {}", core::Raw(kClient))});
}

TEST(AtMostOnceTest, DifferentAppliedOnSecondReplicaFires) {
  // A second replica that did not apply an op the first one applied fires.
  History history;
  history.Add(Register(kClient));
  history.Add(Append(kClient, 1, 1, 11));
  AtMostOnceChecker checker;
  EXPECT_EQ(Replay(checker, history, 0), std::nullopt);
  core::Execution execution = history.ExecutionOf(2, 1, /*appends=*/false);
  execution.applied = false;
  ExpectViolation(checker.on_execute(execution), {"op 2", "applied false vs true"});
}

TEST(AtMostOnceTest, AppendedDuplicateClaimedNotAppliedFires) {
  // A repeated request that appends nothing (its session is gone) is no execution; one that
  // appends while it reports applied = false is judged by what its replica's log gained: a
  // duplicate execution.
  History history;
  history.Add(Register(kClient));
  history.Add(Append(kClient, 1, 1, 11));
  history.Add(Append(kClient, 1, 1, 11), /*applied=*/false);
  history.Add(Append(kClient, 1, 1, 11), /*applied=*/false);
  AtMostOnceChecker checker;
  for (core::Op op = 1; op <= 3; op++) {
    EXPECT_EQ(checker.on_execute(history.ExecutionOf(op, 0)), std::nullopt) << op;
  }
  EXPECT_FALSE(checker.history()[2].applied);
  const core::Execution planted = history.ExecutionOf(4, 0, /*appends=*/true);
  EXPECT_FALSE(planted.applied);
  ExpectViolation(checker.on_execute(planted),
                  {fmt::format("client {} request 1", core::Raw(kClient)), "at op 2",
                   "again at op 4", "executed twice"});
}

TEST(AtMostOnceTest, AppendClaimedNotAppliedFires) {
  // A fresh append that went into the log while its replica reports applied = false is a finding
  // of its own, on the first replica and on a later one alike.
  History history;
  history.Add(Register(kClient));
  history.Add(Append(kClient, 1, 1, 11), /*applied=*/false);
  AtMostOnceChecker first;
  EXPECT_EQ(first.on_execute(history.ExecutionOf(1, 0)), std::nullopt);
  ExpectViolation(first.on_execute(history.ExecutionOf(2, 0, /*appends=*/true)),
                  {"replica 0 reported op 2", "applied false", "gained 1 entries at offset 0"});
  EXPECT_TRUE(first.history()[1].applied);
}

TEST(AtMostOnceTest, ReplyNotNamingWhereTheEntriesWentFires) {
  // The reply's offsets are checked against the log: a reply claiming offset 7 for entries that
  // went to offset 0 fires.
  History history;
  history.Add(Register(kClient));
  history.Add(Append(kClient, 1, 1, 11));
  AtMostOnceChecker checker;
  EXPECT_EQ(checker.on_execute(history.ExecutionOf(1, 0)), std::nullopt);
  core::Execution execution = history.ExecutionOf(2, 0);
  execution.reply.first_offset = 7;
  ExpectViolation(checker.on_execute(execution),
                  {"replica 0 answered op 2", "offset 7 count 1", "gained 1 entries at offset 0"});
}

TEST(AtMostOnceTest, RegisterThatAppendsFires) {
  // A register appends nothing; a log that gained an entry by the time one executes fires.
  History history;
  history.Add(Register(kClient));
  core::PartitionLog log;
  const std::uint64_t stray = 11;
  log.append(std::span<const std::uint64_t>(&stray, 1));
  core::Execution execution = history.ExecutionOf(1, 0);
  execution.state_machine = &log;
  AtMostOnceChecker checker;
  ExpectViolation(checker.on_execute(execution),
                  {"replica 0 executed op 1", "gained 1 entries at offset 0"});
}

TEST(AtMostOnceTest, ReadAnsweredWithEntriesNotInTheLogFires) {
  // A read's reply must hold the log's entries at its offset.
  History history;
  history.Add(Register(kClient));
  history.Add(Append(kClient, 1, 1, 11));
  const core::Request read{.client = kClient,
                           .session = 1,
                           .request = 2,
                           .operation = core::Operation::kRead,
                           .entry_count = 2,
                           .read_offset = 0};
  history.Add(read);
  AtMostOnceChecker checker;
  EXPECT_EQ(checker.on_execute(history.ExecutionOf(1, 0)), std::nullopt);
  EXPECT_EQ(checker.on_execute(history.ExecutionOf(2, 0)), std::nullopt);
  core::Execution execution = history.ExecutionOf(3, 0);
  execution.reply.first_offset = 0;
  execution.reply.entry_count = 1;
  execution.reply.entries = {11, 0, 0, 0};
  EXPECT_EQ(checker.on_execute(execution), std::nullopt);
  AtMostOnceChecker second;
  History again;
  again.Add(Register(kClient));
  again.Add(Append(kClient, 1, 1, 11));
  again.Add(read);
  EXPECT_EQ(second.on_execute(again.ExecutionOf(1, 0)), std::nullopt);
  EXPECT_EQ(second.on_execute(again.ExecutionOf(2, 0)), std::nullopt);
  core::Execution wrong = again.ExecutionOf(3, 0);
  wrong.reply.first_offset = 0;
  wrong.reply.entry_count = 1;
  wrong.reply.entries = {12, 0, 0, 0};
  ExpectViolation(second.on_execute(wrong), {"replica 0 answered the read of op 3", "offset 0"});
}

TEST(AtMostOnceTest, CrashResetsTheReplicasLog) {
  // After a crash the replica's next incarnation executes again from an empty log: no finding;
  // without the crash, a log that starts again from empty has shrunk.
  History history;
  history.Add(Register(kClient));
  history.Add(Append(kClient, 1, 1, 11));
  History restarted = history;
  History shrunk = history;
  AtMostOnceChecker checker;
  EXPECT_EQ(Replay(checker, history, 1), std::nullopt);
  checker.on_crash(1);
  EXPECT_EQ(Replay(checker, restarted, 1), std::nullopt);
  ExpectViolation(checker.on_execute(shrunk.ExecutionOf(1, 1)),
                  {"replica 1's partition log shrank from 1 to 0"});
}

TEST(AtMostOnceTest, NonAppliedFirstDoesNotHideALaterDuplicate) {
  // A non-applied op records nothing, so its request applied later once is fine, twice fires.
  History history;
  history.Add(Register(kClient));
  history.Add(Append(kClient, 1, 1, 11), /*applied=*/false);
  history.Add(Append(kClient, 1, 1, 11));
  history.Add(Append(kClient, 1, 1, 11));
  AtMostOnceChecker checker;
  EXPECT_EQ(checker.on_execute(history.ExecutionOf(1, 0)), std::nullopt);
  EXPECT_EQ(checker.on_execute(history.ExecutionOf(2, 0)), std::nullopt);
  EXPECT_EQ(checker.on_execute(history.ExecutionOf(3, 0)), std::nullopt);
  ExpectViolation(checker.on_execute(history.ExecutionOf(4, 0)), {"at op 3", "again at op 4"});
}

TEST(AtMostOnceTest, CheckpointInstallContinuesAboveItsOpAndChecksItsLength) {
  // A replica that installs a checkpoint of op 3 continues at op 4 judged against the checkpoint's
  // log; a checkpoint whose log lost an append (one entry short of the history's) is a finding.
  History history;
  history.Add(Register(kClient));
  history.Add(Append(kClient, 1, 1, 11));
  history.Add(Append(kClient, 1, 2, 12));
  history.Add(Append(kClient, 1, 3, 13));
  AtMostOnceChecker checker;
  ASSERT_EQ(Replay(checker, history, 0), std::nullopt);
  core::PartitionLog checkpoint;
  const std::array<std::uint64_t, 2> payloads = {11, 12};
  checkpoint.append(payloads);
  EXPECT_EQ(checker.on_install({.replica = core::ReplicaIndex{1},
                                .op = 3,
                                .synced = true,
                                .state_machine = &checkpoint,
                                .table = nullptr}),
            std::nullopt);
  // Replica 1's next execution is op 4, appended to the installed log: no finding.
  checkpoint.append(std::span<const std::uint64_t>(&history.entry(4).request.entries[0], 1));
  core::Execution execution = history.ExecutionOf(4, 0, false);
  execution.replica = core::ReplicaIndex{1};
  execution.state_machine = &checkpoint;
  EXPECT_EQ(checker.on_execute(execution), std::nullopt);
  // The planted defect: a checkpoint of op 3 that holds only one entry.
  core::PartitionLog short_log;
  short_log.append(std::span<const std::uint64_t>(payloads.data(), 1));
  ExpectViolation(checker.on_install({.replica = core::ReplicaIndex{2},
                                      .op = 3,
                                      .synced = true,
                                      .state_machine = &short_log,
                                      .table = nullptr}),
                  {"replica 2", "checkpoint of op 3", "holds 1 entries", "holds 2 after op 3"});
}

}  // namespace
}  // namespace vsrsim::sim
