// Tests of the durability checker on planted message streams: each rule fires on the message that
// breaks it, names the replica, view and op, and stays quiet on the streams the correct core sends
// (a log that only grows, and a shorter log once a newer view's log was handed over).

#include "sim/durability.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "core/message.h"
#include "core/replica.h"
#include "sim/sim_storage.h"

namespace vsrsim::sim {
namespace {

constexpr std::size_t kReplicas = 3;
constexpr std::size_t kBackup = 2;  // A backup of views 1 (primary 1) and 3 (primary 0).

// Ops 1..n of a hash-chained log whose requests are numbered from `first_request`.
std::vector<core::LogEntry> Log(std::size_t n, core::View view, core::RequestNumber first = 1) {
  std::vector<core::LogEntry> log;
  core::LogEntry parent{};
  for (std::size_t i = 0; i < n; i++) {
    const core::Request request{.client = core::ClientId{7},
                                .session = 1,
                                .request = first + i,
                                .operation = core::Operation::kAppend,
                                .entry_count = 1,
                                .entries = {first + i, 0, 0, 0}};
    log.push_back(core::MakeEntry(parent, view, request));
    parent = log.back();
  }
  return log;
}

core::PrepareOk Ack(core::View view, const std::vector<core::LogEntry>& log, core::Op op) {
  return {.view = view,
          .op = op,
          .checksum = log[op - 1].checksum,
          .replica = core::ReplicaIndex{kBackup}};
}

core::DoViewChange Dvc(core::View view, core::View log_view, std::vector<core::LogEntry> log) {
  return {.view = view,
          .log_view = log_view,
          .op = log.size(),
          .commit = 0,
          .replica = core::ReplicaIndex{kBackup},
          .log = std::move(log)};
}

void ExpectFires(const Finding& finding, const std::vector<std::string>& mentions) {
  ASSERT_TRUE(finding.has_value());
  EXPECT_EQ(finding->outcome, Outcome::kSafety);
  EXPECT_EQ(finding->checker, "durability");
  for (const std::string& mention : mentions) {
    EXPECT_NE(finding->message.find(mention), std::string::npos)
        << "'" << mention << "' not in: " << finding->message;
  }
}

TEST(DurabilityTest, GrowingAcknowledgementsAndDoViewChangeThatHoldsThemPass) {
  // A backup that acknowledges ops 1..5 of view 1 in order and then answers view 2's change with
  // its whole log satisfies every rule.
  DurabilityChecker checker(kReplicas);
  const std::vector<core::LogEntry> log = Log(5, 1);
  for (core::Op op = 1; op <= 5; op++) EXPECT_FALSE(checker.on_send(kBackup, Ack(1, log, op)));
  EXPECT_FALSE(checker.on_send(kBackup, Ack(1, log, 5)));  // A retransmitted acknowledgement.
  EXPECT_FALSE(checker.on_send(kBackup, Dvc(2, 1, log)));
}

TEST(DurabilityTest, AcknowledgementBelowAnEarlierOneInTheSameViewFires) {
  // Issue 11's symptom: after acknowledging op 5 of view 1 the backup acknowledges op 3 of view 1.
  DurabilityChecker checker(kReplicas);
  const std::vector<core::LogEntry> log = Log(5, 1);
  EXPECT_FALSE(checker.on_send(kBackup, Ack(1, log, 5)));
  ExpectFires(checker.on_send(kBackup, Ack(1, log, 3)),
              {"replica 2", "op 3", "view 1", "op 5", "shrank"});
}

TEST(DurabilityTest, AcknowledgementOfTheSameOpWithAnotherChecksumFires) {
  // The op the backup acknowledged changed under it within the view.
  DurabilityChecker checker(kReplicas);
  EXPECT_FALSE(checker.on_send(kBackup, Ack(1, Log(5, 1), 5)));
  ExpectFires(checker.on_send(kBackup, Ack(1, Log(5, 1, 100), 5)), {"op 5", "changed"});
}

TEST(DurabilityTest, DoViewChangeMissingAnAcknowledgedOpFires) {
  // The backup acknowledged op 5 of view 1, then its DoViewChange for view 2 says its log of view 1
  // ends at op 3: it answers for view 1 with less than it acknowledged in it.
  DurabilityChecker checker(kReplicas);
  const std::vector<core::LogEntry> log = Log(5, 1);
  EXPECT_FALSE(checker.on_send(kBackup, Ack(1, log, 5)));
  ExpectFires(checker.on_send(kBackup, Dvc(2, 1, Log(3, 1))),
              {"replica 2", "DoViewChange", "no longer holds op 5", "less than"});
}

TEST(DurabilityTest, DoViewChangeWithADifferentOpFires) {
  // Same length, but op 5 is another entry than the acknowledged one.
  DurabilityChecker checker(kReplicas);
  EXPECT_FALSE(checker.on_send(kBackup, Ack(1, Log(5, 1), 5)));
  ExpectFires(checker.on_send(kBackup, Dvc(2, 1, Log(5, 1, 100))), {"changed op 5"});
}

TEST(DurabilityTest, DoViewChangeClaimingAnOlderLogViewFires) {
  // The backup acknowledged in view 1 but its DoViewChange claims log_view 0.
  DurabilityChecker checker(kReplicas);
  EXPECT_FALSE(checker.on_send(kBackup, Ack(1, Log(5, 1), 5)));
  ExpectFires(checker.on_send(kBackup, Dvc(2, 0, Log(5, 0))), {"view 0", "older view"});
}

TEST(DurabilityTest, PrimaryPreparingAnOpTwiceDifferentlyFires) {
  // The primary of view 1 announces op 2 and then a different op 2 in the same view.
  DurabilityChecker checker(kReplicas);
  const std::vector<core::LogEntry> a = Log(2, 1);
  const std::vector<core::LogEntry> b = Log(2, 1, 100);
  EXPECT_FALSE(checker.on_send(1, core::Prepare{.view = 1, .commit = 0, .entry = a[1]}));
  ExpectFires(checker.on_send(1, core::Prepare{.view = 1, .commit = 0, .entry = b[1]}),
              {"primary 1", "op 2", "twice"});
}

TEST(DurabilityTest, StartViewMissingWhatThePrimaryPreparedFires) {
  // The primary of view 1 prepared op 4, then answers a probe with a StartView of view 1 ending at
  // op 2.
  DurabilityChecker checker(kReplicas);
  const std::vector<core::LogEntry> log = Log(4, 1);
  EXPECT_FALSE(checker.on_send(1, core::Prepare{.view = 1, .commit = 0, .entry = log[3]}));
  ExpectFires(checker.on_send(1, core::StartView{.view = 1,
                                                 .commit = 0,
                                                 .nonce = 9,
                                                 .replica = core::ReplicaIndex{1},
                                                 .log = Log(2, 1)}),
              {"StartView", "op 4"});
}

TEST(DurabilityTest, ObligationsEndWhenANewerViewsLogIsHandedOver) {
  // Once the backup is handed view 3's log (a StartView of 3, above every view it spoke in), a
  // shorter log of its old view is no longer a finding: adopting view 3's log may drop an
  // uncommitted suffix, and a crash mid-adoption may leave the old log_view beside it.
  DurabilityChecker checker(kReplicas);
  EXPECT_FALSE(checker.on_send(kBackup, Ack(1, Log(5, 1), 5)));
  checker.on_deliver(kBackup,
                     core::StartView{.view = 3, .replica = core::ReplicaIndex{0}, .log = {}});
  EXPECT_FALSE(checker.on_send(kBackup, Dvc(4, 1, Log(3, 1))));
}

TEST(DurabilityTest, ObligationsEndWhenANewerViewsCheckpointIsSynced) {
  // A checkpoint synced from a replica of view 3 is committed state: the backup may drop its
  // view-1 log above it for it, so the shorter DoViewChange that follows is no finding. A sync of
  // view 1 itself ends nothing, and the same DoViewChange fires.
  const auto sync = [](core::View view) {
    return core::SyncCheckpoint{
        .view = view, .op = 2, .replica = core::ReplicaIndex{0}, .words = {}, .partition = {}};
  };
  DurabilityChecker newer(kReplicas);
  EXPECT_FALSE(newer.on_send(kBackup, Ack(1, Log(5, 1), 5)));
  newer.on_deliver(kBackup, sync(3));
  EXPECT_FALSE(newer.on_send(kBackup, Dvc(4, 1, Log(3, 1))));
  DurabilityChecker same(kReplicas);
  EXPECT_FALSE(same.on_send(kBackup, Ack(1, Log(5, 1), 5)));
  same.on_deliver(kBackup, sync(1));
  ExpectFires(same.on_send(kBackup, Dvc(4, 1, Log(3, 1))), {"no longer holds op 5"});
}

TEST(DurabilityTest, SubscribesToEveryKindItsDeliveriesRead) {
  // The cluster passes a delivered message only to the subscribers of its kind: the checker must
  // take StartView, DoViewChange and SyncCheckpoint, or the obligations they end would stand
  // (regression: the merge with the kind subscriptions left SyncCheckpoint out, and seeds 2086,
  // 2459, 10296 and 13057 failed the correct core).
  const DurabilityChecker checker(kReplicas);
  EXPECT_NE(checker.kinds_delivered() & MessageKindBits<core::StartView>(), 0U);
  EXPECT_NE(checker.kinds_delivered() & MessageKindBits<core::DoViewChange>(), 0U);
  EXPECT_NE(checker.kinds_delivered() & MessageKindBits<core::SyncCheckpoint>(), 0U);
}

TEST(DurabilityTest, AStaleStartViewOfTheSameViewEndsNothing) {
  // A StartView of view 1 itself (a stale copy, issue 11's trigger) hands over no newer log: the
  // shrunken acknowledgement that follows still fires.
  DurabilityChecker checker(kReplicas);
  const std::vector<core::LogEntry> log = Log(5, 1);
  EXPECT_FALSE(checker.on_send(kBackup, Ack(1, log, 5)));
  checker.on_deliver(kBackup,
                     core::StartView{.view = 1, .replica = core::ReplicaIndex{1}, .log = {}});
  ExpectFires(checker.on_send(kBackup, Ack(1, log, 3)), {"shrank"});
}

TEST(DurabilityTest, AStartViewOfAViewItAlreadyMovedPastEndsNothing) {
  // The backup already speaks in view 4 (its StartViewChange), so a StartView of view 3 is one it
  // ignores: its obligations for view 1 stand.
  DurabilityChecker checker(kReplicas);
  EXPECT_FALSE(checker.on_send(kBackup, Ack(1, Log(5, 1), 5)));
  EXPECT_FALSE(
      checker.on_send(kBackup, core::StartViewChange{.view = 4, .replica = core::ReplicaIndex{2}}));
  checker.on_deliver(kBackup,
                     core::StartView{.view = 3, .replica = core::ReplicaIndex{0}, .log = {}});
  ExpectFires(checker.on_send(kBackup, Dvc(4, 1, Log(3, 1))), {"no longer holds op 5"});
}

TEST(DurabilityTest, AMessageOfAnOlderViewThanOneAnnouncedFires) {
  // Announce-before-durable: the backup announced view 3 (its StartViewChange left before the
  // superblock write of view 3 was synced), crashed, lost the write and restarted in view 2: its
  // probe of view 2 goes back to a view older than one it spoke in.
  DurabilityChecker checker(kReplicas);
  EXPECT_FALSE(
      checker.on_send(kBackup, core::StartViewChange{.view = 3, .replica = core::ReplicaIndex{2}}));
  ExpectFires(
      checker.on_send(kBackup, core::RequestStartView{.view = 2,
                                                      .nonce = (std::uint64_t{1} << 32) + 1,
                                                      .replica = core::ReplicaIndex{2}}),
      {"replica 2", "request_start_view of view 2", "start_view_change of view 3", "older view"});
}

TEST(DurabilityTest, RepliesAndEvictionsOfOlderViewsDoNotCount) {
  // A Reply carries its op's view, and an Eviction leaves outside the outbox: neither is a
  // message to a replica, so neither sets nor breaks the view a replica announced.
  DurabilityChecker checker(kReplicas);
  EXPECT_FALSE(
      checker.on_send(kBackup, core::StartViewChange{.view = 3, .replica = core::ReplicaIndex{2}}));
  EXPECT_FALSE(checker.on_send(kBackup, core::Reply{.view = 1}));
  EXPECT_FALSE(checker.on_send(kBackup, core::Eviction{.view = 5}));
  EXPECT_FALSE(
      checker.on_send(kBackup, core::StartViewChange{.view = 3, .replica = core::ReplicaIndex{2}}));
  EXPECT_FALSE(
      checker.on_send(kBackup, core::StartViewChange{.view = 4, .replica = core::ReplicaIndex{2}}));
}

// --- The disk's side (issue 17): the checker reads the restarted replica's disk ------------------

class NullBus final : public core::Bus {
 public:
  void send_to_replica(core::ReplicaIndex, const core::Message&) override {}
  core::SendStatus send_to_client(core::ClientId, const core::Message&) override {
    return core::SendStatus::kSent;
  }
  void request_sync() override {}
  void on_execute(const core::Execution&) override {}
  void on_checkpoint_installed(const core::CheckpointInstalled&) override {}
};

// The backup's disk: ops 1..durable of `log` synced under a superblock of view 1 naming head
// `head`; ops durable + 1..pending written but lost by a crash.
struct Disk {
  SimStorage storage{1024};
  NullBus bus;
  std::unique_ptr<core::Replica> replica;

  Disk(const std::vector<core::LogEntry>& log, core::Op durable, core::Op head) {
    for (core::Op op = 1; op <= durable; op++) storage.write_entry(log[op - 1]);
    storage.write_superblock(
        {.view = 1, .log_view = 1, .op = head, .op_checksum = log[head - 1].checksum});
    storage.sync();
  }
  // Opens the backup on the disk as a restart does.
  const core::Replica& Open(core::MutantSet mutants = {}) {
    replica = std::make_unique<core::Replica>(
        core::ReplicaOptions{.index = core::ReplicaIndex{kBackup}, .mutants = mutants}, storage,
        bus, (std::uint64_t{1} << 32) | 1);
    return *replica;
  }
};

core::MutantSet WithMutant(core::Mutant mutant) {
  core::MutantSet mutants{};
  mutants.Add(mutant);
  return mutants;
}

TEST(DurabilityDiskTest, RestartHoldingWhatItAcknowledgedPasses) {
  DurabilityChecker checker(kReplicas);
  const std::vector<core::LogEntry> log = Log(5, 1);
  EXPECT_FALSE(checker.on_send(kBackup, Ack(1, log, 5)));
  Disk disk(log, 5, 5);
  EXPECT_FALSE(checker.on_disk_opened({}, kBackup, disk.storage, disk.Open()));
}

TEST(DurabilityDiskTest, AcknowledgedOpMissingFromTheDiskFires) {
  // The acknowledgement of op 5 left before op 5 reached the disk (ack-before-durable).
  DurabilityChecker checker(kReplicas);
  const std::vector<core::LogEntry> log = Log(5, 1);
  EXPECT_FALSE(checker.on_send(kBackup, Ack(1, log, 5)));
  Disk disk(log, 4, 4);  // Op 5 never reached the disk.
  ExpectFires(
      checker.on_disk_opened({}, kBackup, disk.storage, disk.Open()),
      {"replica 2", "does not hold op 5", "PrepareOk of view 1", "before the write was durable"});
}

TEST(DurabilityDiskTest, UnreadableAcknowledgedOpNeedsTheReplicaToReportDamage) {
  // A sector error hides op 3: the correct replica reports its journal damaged and passes; one
  // that takes the damage for a torn write (journal-damage-ignored) fires.
  DurabilityChecker checker(kReplicas);
  const std::vector<core::LogEntry> log = Log(5, 1);
  EXPECT_FALSE(checker.on_send(kBackup, Ack(1, log, 5)));
  Disk disk(log, 5, 5);
  disk.storage.add_sector_error(3, 1);
  const core::Replica& correct = disk.Open();
  EXPECT_TRUE(correct.journal_damaged());
  EXPECT_FALSE(checker.on_disk_opened({}, kBackup, disk.storage, correct));
  const core::Replica& mutant = disk.Open(WithMutant(core::Mutant::kJournalDamageIgnored));
  ExpectFires(checker.on_disk_opened({}, kBackup, disk.storage, mutant),
              {"replica 2", "without op 5", "did not read back", "log ends at op 2",
               "does not report its journal damaged"});
}

TEST(DurabilityDiskTest, AcknowledgedOpTheReplicaTruncatedNeedsItToReportDamage) {
  // The disk's journal was truncated above op 2 (a damaged replica's rewrite, cut short by a
  // crash): with the superblock still naming head 5 the replica reports damage and passes; one
  // that ignores it fires.
  DurabilityChecker checker(kReplicas);
  const std::vector<core::LogEntry> log = Log(5, 1);
  EXPECT_FALSE(checker.on_send(kBackup, Ack(1, log, 5)));
  Disk disk(log, 5, 5);
  disk.storage.truncate_after(2);
  disk.storage.sync();
  EXPECT_FALSE(checker.on_disk_opened({}, kBackup, disk.storage, disk.Open()));
  ExpectFires(checker.on_disk_opened({}, kBackup, disk.storage,
                                     disk.Open(WithMutant(core::Mutant::kJournalDamageIgnored))),
              {"replica 2", "truncated below op 5", "does not report its journal damaged"});
}

TEST(DurabilityDiskTest, NoStandingClaimNoFinding) {
  // Obligations ended by a newer view's log: the disk may hold less.
  DurabilityChecker checker(kReplicas);
  const std::vector<core::LogEntry> log = Log(5, 1);
  EXPECT_FALSE(checker.on_send(kBackup, Ack(1, log, 5)));
  checker.on_deliver(kBackup,
                     core::StartView{.view = 2, .replica = core::ReplicaIndex{2}, .log = {}});
  Disk disk(log, 2, 2);
  EXPECT_FALSE(checker.on_disk_opened({}, kBackup, disk.storage, disk.Open()));
  // A stale message of view 1 released after the handover claims nothing.
  EXPECT_FALSE(checker.on_send(kBackup, Dvc(2, 1, log)));
  EXPECT_FALSE(checker.on_disk_opened({}, kBackup, disk.storage, disk.Open()));
}

TEST(DurabilityDiskTest, SuperblockNamingACheckpointItsAreaDoesNotHoldFires) {
  // A commit point that reached the disk without its checkpoint (sync-not-written), or over it
  // (checkpoint-overwrites-in-force), whatever the replica makes of it on its restart.
  DurabilityChecker checker(kReplicas);
  const std::vector<core::LogEntry> log = Log(4, 1);
  Disk disk(log, 4, 4);
  disk.storage.write_superblock({.view = 1,
                                 .log_view = 1,
                                 .commit = 4,
                                 .checkpoint = {.op = 4, .area = 1, .checksum = 0x1234},
                                 .op = 4,
                                 .op_checksum = log[3].checksum});
  disk.storage.sync();
  ExpectFires(checker.on_disk_opened({}, kBackup, disk.storage, disk.Open()),
              {"replica 2", "checkpoint of op 4", "area 1", "does not hold"});
}

}  // namespace
}  // namespace vsrsim::sim
