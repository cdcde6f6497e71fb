// Tests of the replica's checkpoints: taken every checkpoint_ops committed ops with the state
// machine (its new entries in the data area, its length and digest in the checkpoint) and the
// clients table, loaded on restart with the journal above them replayed, and committed only by the
// superblock that names them (a crash during a checkpoint write keeps the previous one in force;
// torn data above it is harmless; data changed below it is detected).

#include <gtest/gtest.h>

#include "core/replica.h"
#include "core/replica_test_world.h"

namespace vsrsim::core {
namespace {

using namespace vsrsim::core::testing;  // NOLINT: the test world's helpers read as the tests' own.

constexpr std::size_t kSuperblockWrite = 0;
constexpr std::size_t kCheckpointWrite = 3;
constexpr std::size_t kDataWrite = 4;

// Registers Alice (checking her session is 1) and commits her requests 1..last (ops 2..last + 1).
void AliceAppendsCheckingSession(Cluster& cluster, RequestNumber last) {
  RegisterAliceAndAppend(cluster);
  for (RequestNumber request = 2; request <= last; request++) {
    cluster.Send(0, AppendRequest(kAlice, 1, request));
    cluster.Converge();
    cluster.TakeClientMessages(kAlice);
  }
}

TEST(ReplicaCheckpointTest, EveryReplicaCheckpointsEveryCheckpointOps) {
  // With checkpoint_ops 2, five committed ops give checkpoints at ops 2 and 4 on every replica.
  Cluster cluster({.checkpoint_ops = 2});
  AliceAppendsCheckingSession(cluster, 4);
  for (std::size_t i = 0; i < 3; i++) {
    EXPECT_EQ(cluster.replica(i).commit_min(), 5U);
    EXPECT_EQ(cluster.replica(i).checkpoint().op, 4U) << "replica " << i;
    EXPECT_EQ(cluster.replica(i).counters().checkpoints, 2U) << "replica " << i;
    EXPECT_EQ(cluster.storage(i).read_superblock().checkpoint, cluster.replica(i).checkpoint());
  }
}

TEST(ReplicaCheckpointTest, RestartLoadsTheCheckpointAndReplaysOnlyTheJournalAboveIt) {
  // A restarted backup installs its checkpoint of op 4 (table and replies included) and executes
  // only op 5 again, ending with the primary's table and partition log.
  Cluster cluster({.checkpoint_ops = 2});
  AliceAppendsCheckingSession(cluster, 4);
  const std::size_t executed = cluster.bus(1).executions().size();
  cluster.Restart(1);
  ASSERT_FALSE(cluster.bus(1).installed().empty());
  EXPECT_EQ(cluster.bus(1).installed().back(), 4U);
  ASSERT_EQ(cluster.bus(1).executions().size(), executed + 1);
  EXPECT_EQ(cluster.bus(1).executions().back().op, 5U);
  EXPECT_TRUE(cluster.bus(1).executions().back().applied);
  EXPECT_EQ(cluster.replica(1).clients_table(), cluster.replica(0).clients_table());
  EXPECT_EQ(cluster.replica(1).state_machine(), cluster.replica(0).state_machine());
  cluster.Converge();
  // The restarted replica answers a retransmission as a Duplicate, with the cached reply bytes.
  EXPECT_EQ(cluster.replica(1).clients_table().find(kAlice)->reply,
            cluster.replica(0).clients_table().find(kAlice)->reply);
}

TEST(ReplicaCheckpointTest, CheckpointWritesOnlyTheEntriesAppendedSinceThePreviousOne) {
  // Each request appends two entries. The checkpoint of op 2 writes entries [0, 2) to the data
  // area; the one of op 4 writes [2, 6) only, not the history below it.
  Cluster cluster({.replica_count = 1, .checkpoint_ops = 2});
  RegisterAliceAndAppend(cluster);
  EXPECT_EQ(cluster.storage(0).data(), (std::vector<std::uint64_t>{100, 101}));
  cluster.replica(0).on_message(AppendRequest(kAlice, 1, 2));
  cluster.Converge();
  cluster.replica(0).on_message(AppendRequest(kAlice, 1, 3));
  EXPECT_TRUE(cluster.bus(0).take_sync_request());
  cluster.storage(0).sync();
  cluster.replica(0).on_sync_done();
  EXPECT_EQ(cluster.replica(0).checkpoint().op, 4U);
  EXPECT_EQ(cluster.storage(0).PendingDataWrites(),
            (std::vector<std::pair<std::uint64_t, std::uint64_t>>{{2, 6}}));
  cluster.storage(0).sync();
  EXPECT_EQ(cluster.storage(0).data(), cluster.replica(0).state_machine().entries());
}

// A one-replica cluster at op 3 with a durable checkpoint of op 2; Alice's request 3 (op 4) is
// then executed, which writes the checkpoint of op 4 (its data, then its area) and the superblock
// naming it, all unsynced.
Cluster SoloWithCheckpointWritePending() {
  Cluster cluster({.replica_count = 1, .checkpoint_ops = 2});
  AliceAppendsCheckingSession(cluster, 2);
  EXPECT_EQ(cluster.replica(0).checkpoint().op, 2U);
  cluster.replica(0).on_message(AppendRequest(kAlice, 1, 3));
  EXPECT_TRUE(cluster.bus(0).take_sync_request());
  cluster.storage(0).sync();  // The prepare of op 4 is durable; the replica commits and executes.
  cluster.replica(0).on_sync_done();
  EXPECT_EQ(cluster.replica(0).commit_min(), 4U);
  EXPECT_EQ(cluster.replica(0).checkpoint().op, 4U);
  EXPECT_EQ(cluster.storage(0).PendingKinds(),
            (std::vector<std::size_t>{kDataWrite, kCheckpointWrite, kSuperblockWrite}));
  return cluster;
}

TEST(ReplicaCheckpointTest, CrashDuringCheckpointWriteKeepsThePreviousCheckpoint) {
  // The crash lands after the data and the checkpoint area were written and before the superblock
  // naming it: the restart loads the previous checkpoint (op 2) and replays the journal above it.
  Cluster cluster = SoloWithCheckpointWritePending();
  const Reply reply = Only<Reply>(cluster.TakeClientMessages(kAlice));
  cluster.RestartAfterSyncing(0, 2);
  ASSERT_FALSE(cluster.bus(0).installed().empty());
  EXPECT_EQ(cluster.bus(0).installed().back(), 2U);
  EXPECT_EQ(cluster.replica(0).checkpoint().op, 2U);
  EXPECT_EQ(cluster.replica(0).commit_min(), 3U);  // The durable commit.
  cluster.Converge();
  // Op 4 was durable in the journal: it commits again with the same reply, and a new checkpoint
  // of it goes into the area the durable superblock does not name.
  EXPECT_EQ(cluster.replica(0).commit_min(), 4U);
  EXPECT_EQ(cluster.replica(0).clients_table().find(kAlice)->reply, reply);
  EXPECT_EQ(cluster.storage(0).read_superblock().checkpoint.op, 4U);
}

TEST(ReplicaCheckpointTest, CheckpointIsInForceOnceItsSuperblockIsDurable) {
  // The same crash one write later: the superblock reached the disk, so the new checkpoint is in
  // force and nothing is executed again.
  Cluster cluster = SoloWithCheckpointWritePending();
  const std::size_t executed = cluster.bus(0).executions().size();
  cluster.RestartAfterSyncing(0, 3);
  EXPECT_EQ(cluster.bus(0).installed().back(), 4U);
  EXPECT_EQ(cluster.replica(0).commit_min(), 4U);
  EXPECT_EQ(cluster.bus(0).executions().size(), executed);
}

TEST(ReplicaCheckpointTest, TornCheckpointAreaIsNeverNamed) {
  // A crash that keeps only the checkpoint write, torn: the superblock never named it, so the
  // restart is the same as with an intact area (the previous checkpoint).
  Cluster cluster = SoloWithCheckpointWritePending();
  cluster.storage(0).TearNextCheckpoint();
  cluster.RestartAfterSyncing(0, 2);
  EXPECT_EQ(cluster.bus(0).installed().back(), 2U);
  cluster.Converge();
  EXPECT_EQ(cluster.replica(0).commit_min(), 4U);
}

TEST(ReplicaCheckpointTest, CrashAfterOnlyTheDataWriteKeepsThePreviousCheckpoint) {
  // The crash keeps the new entries in the data area but neither the area nor the superblock:
  // the previous checkpoint (op 2, two entries) is in force and its partition verifies; op 3 is
  // replayed above it.
  Cluster cluster = SoloWithCheckpointWritePending();
  cluster.RestartAfterSyncing(0, 1);
  EXPECT_EQ(cluster.storage(0).data().size(), 6U);
  EXPECT_EQ(cluster.bus(0).installed().back(), 2U);
  EXPECT_EQ(cluster.replica(0).commit_min(), 3U);
  EXPECT_EQ(cluster.replica(0).state_machine().next_offset(), 4U);
  cluster.Converge();
  EXPECT_EQ(cluster.replica(0).commit_min(), 4U);
  EXPECT_EQ(cluster.storage(0).read_superblock().checkpoint.op, 4U);
}

TEST(ReplicaCheckpointTest, TornDataAboveTheCheckpointIsHarmless) {
  // A crash tears the entries written above the checkpoint in force: the restart reads only up to
  // that checkpoint's length, and the next checkpoint writes the torn entries again, so a second
  // restart verifies the new checkpoint's digest and holds the same partition as before.
  Cluster cluster = SoloWithCheckpointWritePending();
  const std::vector<std::uint64_t> entries = cluster.replica(0).state_machine().entries();
  cluster.storage(0).TearNextData();
  cluster.RestartAfterSyncing(0, 1);
  EXPECT_NE(cluster.storage(0).data()[2], entries[2]);  // The tear landed.
  EXPECT_EQ(cluster.bus(0).installed().back(), 2U);
  cluster.Converge();
  EXPECT_EQ(cluster.storage(0).read_superblock().checkpoint.op, 4U);
  EXPECT_EQ(cluster.storage(0).data(), entries);
  cluster.Restart(0);
  EXPECT_EQ(cluster.bus(0).installed().back(), 4U);
  EXPECT_EQ(cluster.replica(0).state_machine().entries(), entries);
}

TEST(ReplicaCheckpointTest, DataChangedBelowTheCheckpointInForceIsNeverInstalled) {
  // An entry below the in-force checkpoint's length that no longer gives its digest (a disk that
  // lost synced data, issue 17): the restart refuses to install the state it cannot verify and
  // falls back to the previous checkpoint in the other area, and replays the journal above it.
  Cluster cluster = SoloWithCheckpointWritePending();
  cluster.storage(0).sync();
  cluster.replica(0).on_sync_done();
  ASSERT_EQ(cluster.storage(0).read_superblock().checkpoint.op, 4U);
  const PartitionLog before = cluster.replica(0).state_machine();
  cluster.storage(0).CorruptData(5);
  cluster.Restart(0);
  EXPECT_EQ(cluster.replica(0).counters().checkpoint_fallbacks, 1U);
  ASSERT_FALSE(cluster.bus(0).installed().empty());
  EXPECT_LT(cluster.bus(0).installed().back(), 4U);  // Never the checkpoint it cannot verify.
  EXPECT_LT(cluster.replica(0).checkpoint().op, 4U);
  EXPECT_FALSE(cluster.replica(0).journal_damaged());
  EXPECT_EQ(cluster.replica(0).state_machine(), before);  // Rebuilt from the journal.
}

TEST(ReplicaMutantTest, TableNotInCheckpointRestartsWithAnEmptyTable) {
  // Mutant table-not-in-checkpoint: the restarted backup installs a checkpoint without Alice's
  // session, so replaying her request (op 5) does not apply it, unlike on every other replica.
  Cluster cluster({.mutants = With(Mutant::kTableNotInCheckpoint), .checkpoint_ops = 2});
  AliceAppendsCheckingSession(cluster, 4);
  const std::size_t executed = cluster.bus(1).executions().size();
  cluster.Restart(1);
  EXPECT_EQ(cluster.bus(1).installed().back(), 4U);
  ASSERT_EQ(cluster.bus(1).executions().size(), executed + 1);
  EXPECT_FALSE(cluster.bus(1).executions().back().applied);
  EXPECT_NE(cluster.replica(1).clients_table(), cluster.replica(0).clients_table());
}

}  // namespace
}  // namespace vsrsim::core
