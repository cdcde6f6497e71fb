// Issue 17, the replica's side of storage faults: a restart whose journal ends below the
// superblock's head (a slot read back corrupt) reports its journal damaged, takes no part in a
// view change as a voter, and is repaired by a view's log; a torn write above the head is only a
// crash's loss; a failed sync halts the replica before anything it vouches for leaves. Each
// storage mutant is shown doing what it is named for.

#include <gtest/gtest.h>

#include <variant>

#include "core/replica.h"
#include "core/replica_test_world.h"

namespace vsrsim::core {
namespace {

using namespace vsrsim::core::testing;  // NOLINT: the test world's helpers read as the tests' own.

bool QueuedFrom(Cluster& cluster, std::size_t replica, std::size_t kind) {
  for (const Envelope& envelope : cluster.network().to_replicas) {
    if (Raw(envelope.from) == replica && envelope.message.index() == kind) return true;
  }
  return false;
}

constexpr std::size_t kDoViewChange = Message(DoViewChange{}).index();
constexpr std::size_t kPrepareOk = Message(PrepareOk{}).index();
constexpr std::size_t kRepairEntry = Message(RepairEntry{}).index();

TEST(ReplicaStorageFaultsTest, CorruptSlotBelowTheHeadIsReportedAndRepairedByAStartView) {
  Cluster cluster(ClusterOptions{});
  AliceAppends(cluster, 5);  // Ops 1..6 on every disk; the superblocks name head 6.
  cluster.storage(2).CorruptJournal(3);
  cluster.Restart(2);
  const Replica& restarted = cluster.replica(2);
  EXPECT_TRUE(restarted.journal_damaged());
  EXPECT_EQ(restarted.op(), 2U);  // The chain ends at the corrupt slot.
  EXPECT_EQ(restarted.counters().journal_checksum_failures, 1U);
  EXPECT_EQ(restarted.counters().journal_damage, 1U);
  // Its superblock keeps naming the damaged head until a view's log repairs the journal.
  cluster.Settle();
  cluster.Converge();
  EXPECT_FALSE(cluster.replica(2).journal_damaged());
  EXPECT_EQ(cluster.replica(2).counters().journal_repairs, 1U);
  EXPECT_EQ(cluster.replica(2).commit_min(), 6U);
  EXPECT_EQ(cluster.replica(2).state_machine(), cluster.replica(0).state_machine());
  EXPECT_EQ(cluster.storage(2).read_superblock().op, 6U);
}

TEST(ReplicaStorageFaultsTest, DamageSurvivesAnotherRestartBeforeTheRepair) {
  Cluster cluster(ClusterOptions{});
  AliceAppends(cluster, 5);
  cluster.storage(2).CorruptJournal(3);
  cluster.Restart(2);
  ASSERT_TRUE(cluster.replica(2).journal_damaged());
  // A view change makes it write a superblock; it must still name head 6, not the short log.
  cluster.replica(2).on_message(StartViewChange{.view = 1, .replica = ReplicaIndex{1}});
  ASSERT_TRUE(cluster.CompleteSync(2));
  EXPECT_EQ(cluster.storage(2).read_superblock().view, 1U);
  EXPECT_EQ(cluster.storage(2).read_superblock().op, 6U);
  cluster.Restart(2);
  EXPECT_TRUE(cluster.replica(2).journal_damaged());
}

TEST(ReplicaStorageFaultsTest, CorruptSlotAboveTheHeadIsACrashsLossNotDamage) {
  // Replica 2 journals op 7; the entry reaches its disk but the superblock after it does not,
  // and the entry then reads back corrupt: nothing it vouched for is missing.
  Cluster cluster(ClusterOptions{});
  AliceAppends(cluster, 5);
  cluster.replica(0).on_message(AppendRequest(kAlice, 1, 6));
  ASSERT_TRUE(cluster.StepUntil(2, [&] { return cluster.replica(2).op() == 7; }));
  ASSERT_GE(cluster.storage(2).pending_count(), 2U);
  cluster.RestartAfterSyncing(2, cluster.storage(2).pending_count() - 1);
  EXPECT_FALSE(cluster.replica(2).journal_damaged());
  EXPECT_EQ(cluster.replica(2).op(), 7U);
  cluster.storage(2).CorruptJournal(7);
  cluster.Restart(2);
  EXPECT_FALSE(cluster.replica(2).journal_damaged());
  EXPECT_EQ(cluster.replica(2).op(), 6U);
}

TEST(ReplicaStorageFaultsTest, DamagedReplicaNeverSendsADoViewChange) {
  // The primary stops; replica 1 and the damaged replica 2 cannot form a view change on their
  // own (2's vote does not count), so no view starts until the primary comes back. Every answer
  // to 2's repair requests is lost, so it stays damaged (replica_repair_test.cc repairs it).
  Cluster cluster(ClusterOptions{});
  AliceAppends(cluster, 5);
  cluster.storage(2).CorruptJournal(3);
  cluster.Restart(2);
  cluster.Stop(0);
  for (std::uint32_t tick = 0; tick < 4 * kViewChangeTimeoutTicks; tick++) {
    cluster.replica(1).on_tick();
    cluster.replica(2).on_tick();
    for (std::size_t i = 1; i <= 2; i++) cluster.CompleteSync(i);
    EXPECT_FALSE(QueuedFrom(cluster, 2, kDoViewChange)) << "tick " << tick;
    // Deliver what is queued, except to the stopped primary.
    while (!cluster.network().to_replicas.empty()) {
      const Envelope envelope = cluster.network().to_replicas.front();
      cluster.network().to_replicas.pop_front();
      const bool lost = envelope.message.index() == kRepairEntry;
      if (Raw(envelope.to) != 0 && !lost) {
        cluster.replica(Raw(envelope.to)).on_message(envelope.message);
      }
      for (std::size_t i = 1; i <= 2; i++) cluster.CompleteSync(i);
      EXPECT_FALSE(QueuedFrom(cluster, 2, kDoViewChange)) << "tick " << tick;
    }
    EXPECT_FALSE(cluster.replica(1).status() == Status::kNormal && cluster.replica(1).view() > 0);
    EXPECT_TRUE(cluster.replica(2).journal_damaged());
  }
  EXPECT_GT(cluster.replica(2).counters().entry_requests, 1U);  // It kept asking.
  cluster.Resume(0);
  cluster.Converge();
  EXPECT_FALSE(cluster.replica(2).journal_damaged());
  EXPECT_EQ(cluster.replica(2).commit_min(), 6U);
}

TEST(ReplicaStorageFaultsTest, FailedSyncHaltsBeforeTheAcknowledgementLeaves) {
  Cluster cluster(ClusterOptions{});
  AliceAppends(cluster, 5);
  cluster.replica(0).on_message(AppendRequest(kAlice, 1, 6));
  ASSERT_TRUE(cluster.StepUntil(2, [&] { return cluster.replica(2).op() == 7; }));
  ASSERT_TRUE(cluster.bus(2).take_sync_request());
  cluster.replica(2).on_sync_failed();
  EXPECT_TRUE(cluster.replica(2).halted());
  EXPECT_EQ(cluster.replica(2).counters().sync_failures, 1U);
  EXPECT_FALSE(QueuedFrom(cluster, 2, kPrepareOk));
  cluster.Restart(2);  // Its environment restarts it from the disk.
  cluster.Converge();
  EXPECT_EQ(cluster.replica(2).commit_min(), 7U);
}

TEST(ReplicaStorageFaultsMutantTest, SyncFailureIgnoredAcknowledgesWhatMayBeLost) {
  Cluster cluster(ClusterOptions{.mutants = With(Mutant::kSyncFailureIgnored)});
  AliceAppends(cluster, 5);
  cluster.replica(0).on_message(AppendRequest(kAlice, 1, 6));
  ASSERT_TRUE(cluster.StepUntil(2, [&] { return cluster.replica(2).op() == 7; }));
  ASSERT_TRUE(cluster.bus(2).take_sync_request());
  cluster.replica(2).on_sync_failed();
  EXPECT_FALSE(cluster.replica(2).halted());
  EXPECT_TRUE(QueuedFrom(cluster, 2, kPrepareOk));
}

TEST(ReplicaStorageFaultsMutantTest, JournalDamageIgnoredTakesTheDamageForATornWrite) {
  Cluster cluster(ClusterOptions{.mutants = With(Mutant::kJournalDamageIgnored)});
  AliceAppends(cluster, 5);
  cluster.storage(2).CorruptJournal(3);
  cluster.Restart(2);
  EXPECT_FALSE(cluster.replica(2).journal_damaged());
  EXPECT_EQ(cluster.replica(2).op(), 2U);
}

TEST(ReplicaStorageFaultsMutantTest, JournalTrustsBytesLoadsTheCorruptEntry) {
  Cluster cluster(ClusterOptions{.mutants = With(Mutant::kJournalTrustsBytes)});
  AliceAppends(cluster, 5);
  cluster.storage(2).CorruptJournal(3);
  cluster.Restart(2);
  EXPECT_EQ(cluster.replica(2).op(), 6U);
  EXPECT_FALSE(cluster.replica(2).journal_damaged());
  // It executed op 3 as it read back: its state machine differs from the primary's.
  EXPECT_EQ(cluster.replica(2).commit_min(), 6U);
  EXPECT_NE(cluster.replica(2).state_machine(), cluster.replica(0).state_machine());
}

TEST(ReplicaStorageFaultsTest, CorruptCheckpointFallsBackToThePreviousOne) {
  // Checkpoints every 2 ops and a journal that does not wrap: the checkpoint in force reads back
  // corrupt, the replica installs the previous one and replays the journal above it to the head.
  Cluster cluster(ClusterOptions{.checkpoint_ops = 2});
  AliceAppends(cluster, 9);  // Ops 1..10.
  const CheckpointRef in_force = cluster.replica(2).checkpoint();
  ASSERT_GE(in_force.op, 4U);
  cluster.storage(2).CorruptCheckpointReads(in_force.area);
  cluster.Restart(2);
  const Replica& restarted = cluster.replica(2);
  EXPECT_EQ(restarted.counters().checkpoint_fallbacks, 1U);
  EXPECT_LT(restarted.checkpoint().op, in_force.op);
  EXPECT_NE(restarted.checkpoint().area, in_force.area);
  EXPECT_FALSE(restarted.journal_damaged());  // The journal above it reaches the head.
  EXPECT_EQ(restarted.commit_min(), 10U);
  EXPECT_EQ(restarted.state_machine(), cluster.replica(0).state_machine());
  EXPECT_EQ(restarted.clients_table(), cluster.replica(0).clients_table());
  cluster.storage(2).HealCheckpointReads();
  cluster.Converge();
  EXPECT_EQ(cluster.replica(2).commit_min(), 10U);
}

TEST(ReplicaStorageFaultsTest, BothCheckpointsCorruptFallsBackToTheRootAndSyncs) {
  // A journal ring that wrapped: with both areas unreadable the replica starts from the root, its
  // journal no longer reaches its head, so it is damaged until a state sync and the view's log
  // repair it.
  Cluster cluster(ClusterOptions{.checkpoint_ops = 2, .journal_slots = 10});
  AliceAppends(cluster, 29);  // Ops 1..30 through a ten-slot ring.
  cluster.storage(2).CorruptCheckpointReads(0);
  cluster.storage(2).CorruptCheckpointReads(1);
  cluster.Restart(2);
  EXPECT_EQ(cluster.replica(2).checkpoint().op, 0U);
  EXPECT_EQ(cluster.replica(2).commit_min(), 0U);
  EXPECT_TRUE(cluster.replica(2).journal_damaged());
  cluster.storage(2).HealCheckpointReads();
  cluster.Converge();
  EXPECT_FALSE(cluster.replica(2).journal_damaged());
  EXPECT_GE(cluster.replica(2).counters().state_syncs, 1U);
  EXPECT_EQ(cluster.replica(2).commit_min(), 30U);
  EXPECT_EQ(cluster.replica(2).state_machine(), cluster.replica(0).state_machine());
}

}  // namespace
}  // namespace vsrsim::core
