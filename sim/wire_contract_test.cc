// Tests of the wire contract on planted sends: each rule fires on the send that breaks it (a
// replica message addressed to a client, a message naming another sender, a prepare from a backup,
// an acknowledgement to a backup, a client sending a replica message), and the sends the correct
// core makes in a view pass.

#include "sim/wire_contract.h"

#include <gtest/gtest.h>

#include <string>

#include "core/message.h"

namespace vsrsim::sim {
namespace {

constexpr std::size_t kReplicas = 3;
constexpr Process kClient = 3;  // The first client: replicas are processes 0..2.
// View 1: replica 1 is the primary, replicas 0 and 2 its backups.
constexpr core::View kView = 1;
constexpr Process kPrimary = 1;
constexpr Process kBackup = 2;

core::ReplicaIndex Index(Process process) { return core::ReplicaIndex{process}; }

void ExpectFires(const Finding& finding, const std::string& mention) {
  ASSERT_TRUE(finding.has_value());
  EXPECT_EQ(finding->outcome, Outcome::kSafety);
  EXPECT_EQ(finding->checker, "wire-contract");
  EXPECT_NE(finding->message.find(mention), std::string::npos) << finding->message;
}

// The sends of one view of the correct core pass.
TEST(WireContract, TheCorrectCoresSendsPass) {
  const WireContractChecker checker(kReplicas);
  EXPECT_FALSE(checker.on_send(kClient, kPrimary, core::Request{}));
  EXPECT_FALSE(checker.on_send(kPrimary, kBackup, core::Prepare{.view = kView}));
  EXPECT_FALSE(checker.on_send(kBackup, kPrimary,
                               core::PrepareOk{.view = kView, .op = 1, .replica = Index(kBackup)}));
  EXPECT_FALSE(
      checker.on_send(kPrimary, 0, core::Commit{.view = kView, .replica = Index(kPrimary)}));
  EXPECT_FALSE(checker.on_send(kPrimary, kClient, core::Reply{.view = 0}));
  EXPECT_FALSE(checker.on_send(kPrimary, kClient, core::Eviction{.view = kView}));
  EXPECT_FALSE(
      checker.on_send(0, kBackup, core::StartViewChange{.view = kView + 1, .replica = Index(0)}));
  EXPECT_FALSE(checker.on_send(
      0, kBackup, core::DoViewChange{.view = kView + 1, .replica = Index(0), .log = {}}));
  EXPECT_FALSE(checker.on_send(
      kBackup, 0, core::StartView{.view = kView + 1, .replica = Index(kBackup), .log = {}}));
  EXPECT_FALSE(checker.on_send(0, kPrimary,
                               core::RequestStartView{.view = 0, .nonce = 5, .replica = Index(0)}));
  EXPECT_FALSE(checker.on_send(0, kPrimary,
                               core::RequestPrepare{.view = kView, .op = 2, .replica = Index(0)}));
}

// A replica message sent to a process index at or above replica_count lands on a client, which
// ignores it: the misaddressed send itself is the finding.
TEST(WireContract, AReplicaMessageToAClientFires) {
  const WireContractChecker checker(kReplicas);
  ExpectFires(checker.on_send(kPrimary, kClient, core::Prepare{.view = kView}), "not a replica");
  ExpectFires(checker.on_send(0, kClient, core::StartViewChange{.view = 2, .replica = Index(0)}),
              "not a replica");
  ExpectFires(checker.on_send(kPrimary, kBackup, core::Reply{}),
              "client message sent to a replica");
  ExpectFires(
      checker.on_send(kPrimary, kPrimary, core::Commit{.view = kView, .replica = Index(kPrimary)}),
      "to its sender");
}

TEST(WireContract, AClientSendingAReplicaMessageFires) {
  const WireContractChecker checker(kReplicas);
  ExpectFires(checker.on_send(kClient, kPrimary, core::Prepare{.view = kView}), "only requests");
  ExpectFires(checker.on_send(kPrimary, kClient, core::Request{}), "never sends a request");
}

TEST(WireContract, AMessageNamingAnotherSenderFires) {
  const WireContractChecker checker(kReplicas);
  ExpectFires(checker.on_send(kBackup, kPrimary,
                              core::PrepareOk{.view = kView, .op = 1, .replica = Index(0)}),
              "names replica 0");
}

TEST(WireContract, PrimaryMessagesFromABackupFire) {
  const WireContractChecker checker(kReplicas);
  ExpectFires(checker.on_send(kBackup, 0, core::Prepare{.view = kView}), "only the primary");
  ExpectFires(checker.on_send(kBackup, 0, core::Commit{.view = kView, .replica = Index(kBackup)}),
              "only the primary");
  ExpectFires(checker.on_send(kBackup, 0,
                              core::StartView{.view = kView, .replica = Index(kBackup), .log = {}}),
              "only the primary");
}

TEST(WireContract, BackupMessagesToABackupFire) {
  const WireContractChecker checker(kReplicas);
  ExpectFires(
      checker.on_send(0, kBackup, core::PrepareOk{.view = kView, .op = 1, .replica = Index(0)}),
      "goes only to the primary");
  ExpectFires(checker.on_send(0, kBackup,
                              core::DoViewChange{.view = kView, .replica = Index(0), .log = {}}),
              "goes only to the primary");
  ExpectFires(checker.on_send(0, kBackup,
                              core::RequestPrepare{.view = kView, .op = 1, .replica = Index(0)}),
              "goes only to the primary");
}

}  // namespace
}  // namespace vsrsim::sim
