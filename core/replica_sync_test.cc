// Tests of the bounded journal and state sync: the in-memory log is a ring over checkpointed ops;
// a backup that fell behind the oldest op the primary journals installs the primary's checkpoint
// (state machine and clients table, cached replies included; a partition that does not give the
// checkpoint's digest is refused), repairs the journal above it and
// converges; a sync interrupted halfway (the crash lands between the checkpoint write and the
// superblock naming it) leaves the previous state in force, and the replica syncs again.

#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <variant>

#include "core/replica.h"
#include "core/replica_test_world.h"

namespace vsrsim::core {
namespace {

using namespace vsrsim::core::testing;  // NOLINT: the test world's helpers read as the tests' own.

constexpr std::size_t kCheckpointWrite = 3;
constexpr ClusterOptions kRing{.checkpoint_ops = 2, .journal_slots = 10};

TEST(ReplicaSyncTest, JournalIsARingOverCheckpointedOps) {
  // Thirty ops through a ten-slot journal: every replica holds at most ten ops above its anchor,
  // wrapped its ring, and still restarts from its checkpoint and the ring above it.
  Cluster cluster(kRing);
  AliceAppends(cluster, 29);
  for (std::size_t i = 0; i < 3; i++) {
    const Replica& replica = cluster.replica(i);
    EXPECT_EQ(replica.commit_min(), 30U);
    EXPECT_LE(replica.log().last() - replica.log().first(), 10U);
    EXPECT_LE(replica.log().first(), replica.checkpoint().op);
    EXPECT_GT(replica.counters().journal_wraps, 0U) << "replica " << i;
  }
  cluster.Restart(1);
  EXPECT_EQ(cluster.bus(1).installed().back(), cluster.replica(1).checkpoint().op);
  cluster.Converge();
  EXPECT_EQ(cluster.replica(1).clients_table(), cluster.replica(0).clients_table());
  EXPECT_EQ(cluster.replica(1).state_machine(), cluster.replica(0).state_machine());
}

TEST(ReplicaSyncTest, BackupBehindThePrimarysJournalSyncsItsCheckpoint) {
  // Replica 2 misses 31 ops; the primary no longer journals the first op it lacks, so it
  // answers the repair with its checkpoint. Replica 2 installs it, repairs from the checkpoint
  // boundary up, and ends with the primary's table (cached reply included) and partition log.
  Cluster cluster(kRing);
  cluster.Stop(2);
  AliceAppends(cluster, 30);  // 31 ops: the primary's checkpoint is at op 30, one op below it.
  cluster.Resume(2);
  cluster.Converge();
  const Replica& synced = cluster.replica(2);
  EXPECT_EQ(synced.counters().state_syncs, 1U);
  EXPECT_GE(synced.counters().repairs_from_checkpoint_boundary, 1U);
  ASSERT_EQ(cluster.bus(2).installed().size(), 1U);
  // Its executions start above the checkpoint it installed.
  EXPECT_EQ(cluster.bus(2).executions().front().op, cluster.bus(2).installed().front() + 1);
  EXPECT_EQ(synced.commit_min(), 31U);
  EXPECT_EQ(synced.clients_table(), cluster.replica(0).clients_table());
  EXPECT_EQ(synced.state_machine(), cluster.replica(0).state_machine());
  EXPECT_EQ(cluster.storage(2).read_superblock().checkpoint, synced.checkpoint());
}

TEST(ReplicaSyncTest, SyncInterruptedHalfwayKeepsThePreviousStateAndSyncsAgain) {
  // The crash lands after the synced checkpoint reached replica 2's disk and before the superblock
  // naming it: the restart finds the previous state (nothing, here), and the replica syncs again.
  Cluster cluster(kRing);
  cluster.Stop(2);
  AliceAppends(cluster, 29);
  cluster.Resume(2);
  ASSERT_TRUE(cluster.StepUntil(2, [&] { return cluster.replica(2).counters().state_syncs == 1; }));
  const std::vector<std::size_t> kinds = cluster.storage(2).PendingKinds();
  const auto checkpoint = std::find(kinds.begin(), kinds.end(), kCheckpointWrite);
  ASSERT_NE(checkpoint, kinds.end());
  cluster.RestartAfterSyncing(2, static_cast<std::size_t>(checkpoint - kinds.begin()) + 1);
  EXPECT_EQ(cluster.replica(2).commit_min(), 0U);
  EXPECT_EQ(cluster.replica(2).checkpoint().op, 0U);
  EXPECT_EQ(cluster.bus(2).installed().size(), 1U);  // Only the interrupted sync's install.
  cluster.Converge();
  EXPECT_EQ(cluster.replica(2).counters().state_syncs, 1U);  // This incarnation's sync.
  EXPECT_EQ(cluster.bus(2).installed().size(), 2U);
  EXPECT_EQ(cluster.replica(2).clients_table(), cluster.replica(0).clients_table());
  EXPECT_EQ(cluster.replica(2).state_machine(), cluster.replica(0).state_machine());
}

TEST(ReplicaSyncTest, SyncWhosePartitionDoesNotGiveTheDigestIsRefused) {
  // A SyncCheckpoint with intact words but a changed or shortened partition does not give the
  // checkpoint's digest: replica 2 refuses it (nothing installed, nothing written), asks again,
  // and installs the intact one, writing the partition into its data area; a restart verifies it.
  Cluster cluster(kRing);
  cluster.Stop(2);
  AliceAppends(cluster, 29);
  cluster.Resume(2);
  std::deque<Envelope>& queue = cluster.network().to_replicas;
  const auto sync_to_2_next = [&] {
    return !queue.empty() && Raw(queue.front().to) == 2 &&
           std::holds_alternative<SyncCheckpoint>(queue.front().message);
  };
  ASSERT_TRUE(cluster.StepUntil(2, sync_to_2_next));
  SyncCheckpoint changed = std::get<SyncCheckpoint>(queue.front().message);
  queue.pop_front();
  ASSERT_GT(changed.partition.size(), 1U);
  SyncCheckpoint shortened = changed;
  shortened.partition.pop_back();
  changed.partition[1] ^= 1;
  const std::size_t pending = cluster.storage(2).unsynced_writes();
  cluster.replica(2).on_message(changed);
  cluster.replica(2).on_message(shortened);
  EXPECT_EQ(cluster.replica(2).counters().state_syncs, 0U);
  EXPECT_TRUE(cluster.bus(2).installed().empty());
  EXPECT_EQ(cluster.storage(2).unsynced_writes(), pending);
  cluster.Converge();
  EXPECT_EQ(cluster.replica(2).counters().state_syncs, 1U);
  const std::uint64_t length = cluster.storage(2).data().size();
  const std::vector<std::uint64_t>& primary = cluster.replica(0).state_machine().entries();
  ASSERT_LE(length, primary.size());
  EXPECT_TRUE(std::equal(cluster.storage(2).data().begin(), cluster.storage(2).data().end(),
                         primary.begin()));
  cluster.Restart(2);
  EXPECT_EQ(cluster.bus(2).installed().back(), cluster.replica(2).checkpoint().op);
  cluster.Converge();
  EXPECT_EQ(cluster.replica(2).state_machine(), cluster.replica(0).state_machine());
}

TEST(ReplicaMutantTest, SyncOmitsRepliesLeavesTheSyncedReplicaWithBlankReplies) {
  // Mutant sync-omits-replies: the synced replica holds Alice's session but not her cached reply,
  // so it would answer her retransmission with a reply of no op.
  Cluster cluster(
      {.mutants = With(Mutant::kSyncOmitsReplies), .checkpoint_ops = 2, .journal_slots = 10});
  cluster.Stop(2);
  AliceAppends(cluster, 29);
  cluster.Resume(2);
  ASSERT_TRUE(cluster.StepUntil(2, [&] { return cluster.replica(2).counters().state_syncs == 1; }));
  const ClientEntry* entry = cluster.replica(2).clients_table().find(kAlice);
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(entry->session, 1U);
  EXPECT_EQ(entry->reply, Reply{});
}

}  // namespace
}  // namespace vsrsim::core
