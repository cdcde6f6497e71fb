// Issue 17, repair by (op, checksum): a replica whose restart found its journal damaged rebuilds
// the chain down from its durable head, from the intact entries its disk still holds and from
// exactly the op and checksum it lacks, asked of every peer. Any replica that holds the entry
// answers (here a backup, with the primary stopped); an answer of another op, another checksum or
// a corrupt body is refused; once repaired the replica votes again. The mutant
// repair-accepts-wrong-op is shown taking a corrupt body and executing it.

#include <gtest/gtest.h>

#include <variant>

#include "core/replica.h"
#include "core/replica_test_world.h"

namespace vsrsim::core {
namespace {

using namespace vsrsim::core::testing;  // NOLINT: the test world's helpers read as the tests' own.

constexpr std::size_t kRequestEntry = Message(RequestEntry{}).index();
constexpr std::size_t kRepairEntry = Message(RepairEntry{}).index();

// Removes and returns the queued messages of kind `kind` to replica `to`.
std::vector<Message> TakeQueued(Cluster& cluster, std::size_t to, std::size_t kind) {
  std::vector<Message> taken;
  std::deque<Envelope> kept;
  for (Envelope& envelope : cluster.network().to_replicas) {
    if (Raw(envelope.to) == to && envelope.message.index() == kind) {
      taken.push_back(envelope.message);
    } else {
      kept.push_back(envelope);
    }
  }
  cluster.network().to_replicas = kept;
  return taken;
}

// Ops 1..6 on every disk; replica 2's slot of `op` reads back corrupt; the primary stops and
// replica 2 restarts, damaged. Its repair requests wait in the queue.
void DamageReplica2WithThePrimaryStopped(Cluster& cluster, std::initializer_list<Op> ops) {
  AliceAppends(cluster, 5);
  for (const Op op : ops) cluster.storage(2).CorruptJournal(op);
  cluster.Stop(0);
  cluster.Restart(2);
  ASSERT_TRUE(cluster.replica(2).journal_damaged());
  // It executes nothing above its checkpoint while damaged, so its restart wrote nothing and its
  // requests left at once.
  EXPECT_EQ(cluster.replica(2).commit_min(), 0U);
  EXPECT_FALSE(cluster.replica(2).sync_pending());
}

TEST(ReplicaRepairTest, ACorruptEntryIsRepairedFromABackup) {
  Cluster cluster(ClusterOptions{});
  DamageReplica2WithThePrimaryStopped(cluster, {3});
  EXPECT_EQ(cluster.replica(2).op(), 2U);
  // It asks for op 3 with the checksum of op 4's parent, read intact from its own disk.
  const std::vector<Message> asked = TakeQueued(cluster, 1, kRequestEntry);
  ASSERT_EQ(asked.size(), 1U);
  const auto& request = std::get<RequestEntry>(asked[0]);
  EXPECT_EQ(request.op, 3U);
  EXPECT_EQ(request.checksum, cluster.replica(1).log()[3].checksum);
  cluster.replica(1).on_message(request);
  // Backup 1 answers (the primary is stopped); replica 2 takes it and is whole again.
  const std::vector<Message> answers = TakeQueued(cluster, 2, kRepairEntry);
  ASSERT_EQ(answers.size(), 1U);
  EXPECT_EQ(Raw(std::get<RepairEntry>(answers[0]).replica), 1U);
  cluster.replica(2).on_message(answers[0]);
  const Replica& repaired = cluster.replica(2);
  EXPECT_FALSE(repaired.journal_damaged());
  EXPECT_EQ(repaired.op(), 6U);
  EXPECT_EQ(repaired.log().back().checksum, cluster.replica(1).log().back().checksum);
  EXPECT_EQ(repaired.commit_min(), 6U);  // Its durable commit, executed again.
  EXPECT_EQ(repaired.state_machine(), cluster.replica(1).state_machine());
  EXPECT_EQ(repaired.counters().entries_repaired, 1U);
  EXPECT_EQ(repaired.counters().entry_repairs, 1U);
  EXPECT_EQ(repaired.counters().journal_repairs, 1U);
  // The slot is written again: after the sync a restart finds the journal intact.
  ASSERT_TRUE(cluster.CompleteSync(2));
  cluster.Restart(2);
  EXPECT_FALSE(cluster.replica(2).journal_damaged());
  EXPECT_EQ(cluster.replica(2).op(), 6U);
}

TEST(ReplicaRepairTest, ARepairedReplicaVotesWithoutThePrimary) {
  // With the primary down, backup 1 and the damaged replica 2 form a view change only once 2 has
  // repaired its journal (a damaged replica's vote does not count).
  Cluster cluster(ClusterOptions{});
  DamageReplica2WithThePrimaryStopped(cluster, {3, 5});
  for (int tick = 0; tick < 4 * static_cast<int>(kViewChangeTimeoutTicks); tick++) {
    cluster.Tick({1, 2});
    if (cluster.replica(1).status() == Status::kNormal && cluster.replica(1).view() > 0) break;
  }
  EXPECT_FALSE(cluster.replica(2).journal_damaged());
  EXPECT_EQ(cluster.replica(2).counters().entries_repaired, 2U);  // Op 5 first, then op 3.
  EXPECT_EQ(cluster.replica(1).status(), Status::kNormal);
  EXPECT_GT(cluster.replica(1).view(), 0U);
  cluster.Converge();
  EXPECT_EQ(cluster.replica(2).commit_min(), 6U);
  EXPECT_EQ(cluster.replica(2).state_machine(), cluster.replica(1).state_machine());
}

TEST(ReplicaRepairTest, RefusesAnAnswerOfAnotherOpChecksumOrBody) {
  Cluster cluster(ClusterOptions{});
  DamageReplica2WithThePrimaryStopped(cluster, {3});
  Replica& damaged = cluster.replica(2);
  const LogEntry right = cluster.replica(1).log()[3];
  // Another op (a late answer to another ask), another entry for op 3 (another view's), and op 3
  // with its checksum but a body corrupted on the way.
  LogEntry other_op = cluster.replica(1).log()[4];
  LogEntry other_entry = MakeEntry(cluster.replica(1).log()[2], 7, AppendRequest(kAlice, 1, 9));
  LogEntry corrupt = right;
  corrupt.request.entries[1] ^= 1;
  for (const LogEntry& wrong : {other_op, other_entry, corrupt}) {
    damaged.on_message(RepairEntry{.view = 0, .replica = ReplicaIndex{1}, .entry = wrong});
    EXPECT_TRUE(damaged.journal_damaged());
    EXPECT_EQ(damaged.op(), 2U);
  }
  EXPECT_EQ(damaged.counters().repair_answers_refused, 3U);
  EXPECT_EQ(damaged.counters().entries_repaired, 0U);
  damaged.on_message(RepairEntry{.view = 0, .replica = ReplicaIndex{1}, .entry = right});
  EXPECT_FALSE(damaged.journal_damaged());
  EXPECT_EQ(damaged.state_machine(), cluster.replica(1).state_machine());
}

TEST(ReplicaRepairTest, APeerAnswersOnlyForTheChecksumAskedFor) {
  Cluster cluster(ClusterOptions{});
  AliceAppends(cluster, 5);
  const Op op = 3;
  const std::uint64_t checksum = cluster.replica(1).log()[op].checksum;
  cluster.replica(1).on_message(
      RequestEntry{.view = 0, .op = op, .checksum = checksum ^ 1, .replica = ReplicaIndex{2}});
  cluster.replica(1).on_message(
      RequestEntry{.view = 0, .op = 7, .checksum = checksum, .replica = ReplicaIndex{2}});
  EXPECT_TRUE(TakeQueued(cluster, 2, kRepairEntry).empty());
  cluster.replica(1).on_message(
      RequestEntry{.view = 0, .op = op, .checksum = checksum, .replica = ReplicaIndex{2}});
  const std::vector<Message> answers = TakeQueued(cluster, 2, kRepairEntry);
  ASSERT_EQ(answers.size(), 1U);
  EXPECT_EQ(std::get<RepairEntry>(answers[0]).entry, cluster.replica(1).log()[op]);
}

TEST(ReplicaRepairTest, APrepareWithACorruptBodyIsNeitherJournaledNorAcknowledged) {
  Cluster cluster(ClusterOptions{});
  AliceAppends(cluster, 2);  // Ops 1..3.
  Prepare prepare{
      .view = 0,
      .commit = 3,
      .entry = MakeEntry(cluster.replica(0).log().back(), 0, AppendRequest(kAlice, 1, 3))};
  prepare.entry.request.entries[0] ^= 1;
  cluster.replica(2).on_message(prepare);
  EXPECT_EQ(cluster.replica(2).op(), 3U);
  EXPECT_EQ(cluster.replica(2).counters().prepares_corrupt, 1U);
  EXPECT_TRUE(TakeQueued(cluster, 0, Message(PrepareOk{}).index()).empty());
}

TEST(ReplicaRepairMutantTest, RepairAcceptsWrongOpExecutesACorruptBody) {
  Cluster cluster(ClusterOptions{.mutants = With(Mutant::kRepairAcceptsWrongOp)});
  DamageReplica2WithThePrimaryStopped(cluster, {3});
  LogEntry corrupt = cluster.replica(1).log()[3];
  corrupt.request.entries[1] ^= 1;
  cluster.replica(2).on_message(
      RepairEntry{.view = 0, .replica = ReplicaIndex{1}, .entry = corrupt});
  // It took the corrupt body for op 3, called its journal repaired and executed it.
  EXPECT_FALSE(cluster.replica(2).journal_damaged());
  EXPECT_EQ(cluster.replica(2).commit_min(), 6U);
  EXPECT_NE(cluster.replica(2).state_machine(), cluster.replica(1).state_machine());
}

}  // namespace
}  // namespace vsrsim::core
