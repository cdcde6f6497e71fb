// Example-based tests of Replica on the tiny in-test world of replica_test_world.h.

#include "core/replica.h"

#include <gtest/gtest.h>

#include "core/replica_test_world.h"

namespace vsrsim::core {
namespace {

using namespace vsrsim::core::testing;  // NOLINT: the test world's helpers read as the tests' own.

TEST(ReplicaTest, AppendCommitsOnAllReplicasInOpOrder) {
  // A registered client's append commits on every replica, each executes ops 1 and 2 in order,
  // and all of them end with the same clients table, partition log and cached reply.
  Cluster cluster({});
  const Reply reply = RegisterAliceAndAppend(cluster);
  EXPECT_EQ(reply, (Reply{.view = 0,
                          .client = kAlice,
                          .session = 1,
                          .request = 1,
                          .op = 2,
                          .first_offset = 0,
                          .entry_count = 2}));
  for (std::size_t i = 0; i < 3; i++) {
    SCOPED_TRACE(i);
    const Replica& replica = cluster.replica(i);
    EXPECT_EQ(replica.commit_min(), 2U);
    const std::vector<Executed>& executions = cluster.bus(i).executions();
    ASSERT_EQ(executions.size(), 2U);
    EXPECT_EQ(executions[0].op, 1U);
    EXPECT_EQ(executions[1].op, 2U);
    EXPECT_TRUE(executions[0].applied && executions[1].applied);
    EXPECT_EQ(executions[1].reply, reply);
    EXPECT_EQ(replica.state_machine().entries(), (std::vector<std::uint64_t>{100, 101}));
    EXPECT_EQ(replica.clients_table(), cluster.replica(0).clients_table());
    EXPECT_EQ(replica.clients_table().Digest(), cluster.replica(0).clients_table().Digest());
    const ClientEntry* entry = replica.clients_table().find(kAlice);
    ASSERT_NE(entry, nullptr);
    EXPECT_EQ(entry->reply, reply);
  }
  EXPECT_EQ(cluster.network().sends_while_unsynced, 0U);
}

TEST(ReplicaTest, RetransmissionOfCommittedRequestGetsCachedReply) {
  // A retransmitted committed request gets the byte-identical cached reply and no new op.
  Cluster cluster({});
  const Reply reply = RegisterAliceAndAppend(cluster);
  cluster.Send(0, AppendRequest(kAlice, 1, 1));
  EXPECT_EQ(Only<Reply>(cluster.TakeClientMessages(kAlice)), reply);
  EXPECT_EQ(cluster.replica(0).counters().cached_replies, 1U);
  cluster.Converge();
  for (std::size_t i = 0; i < 3; i++) {
    EXPECT_EQ(cluster.replica(i).op(), 2U) << i;
    EXPECT_EQ(cluster.replica(i).state_machine().entries().size(), 2U) << i;
  }
}

TEST(ReplicaTest, OlderRequestIsDroppedAsStale) {
  // A request older than the client's latest committed one is dropped and counted, unanswered.
  Cluster cluster({});
  RegisterAliceAndAppend(cluster);
  cluster.Send(0, AppendRequest(kAlice, 1, 2));
  cluster.Converge();
  EXPECT_EQ(Only<Reply>(cluster.TakeClientMessages(kAlice)).request, 2U);

  cluster.Send(0, AppendRequest(kAlice, 1, 1));
  EXPECT_TRUE(cluster.TakeClientMessages(kAlice).empty());
  EXPECT_EQ(cluster.replica(0).counters().stale_dropped, 1U);
  EXPECT_EQ(cluster.replica(0).counters().cached_replies, 0U);
  EXPECT_EQ(cluster.replica(0).op(), 3U);
}

TEST(ReplicaTest, RequestOfEvictedSessionGetsEviction) {
  // When a register evicts a session, every replica reports the eviction and the evicted client's
  // next request is answered with an Eviction message and never proposed.
  Cluster cluster({.clients_max = 1});
  cluster.Send(0, RegisterRequest(kAlice));
  cluster.Send(0, RegisterRequest(kBob));
  cluster.Converge();
  for (std::size_t i = 0; i < 3; i++) {
    const std::vector<Executed>& executions = cluster.bus(i).executions();
    ASSERT_EQ(executions.size(), 2U) << i;
    ASSERT_TRUE(executions[1].evicted.has_value()) << i;
    EXPECT_EQ(executions[1].evicted->client, kAlice) << i;
    EXPECT_EQ(cluster.replica(i).clients_table().find(kAlice), nullptr) << i;
  }
  cluster.TakeClientMessages(kAlice);

  cluster.Send(0, AppendRequest(kAlice, 1, 1));
  EXPECT_EQ(Only<Eviction>(cluster.TakeClientMessages(kAlice)),
            (Eviction{.view = 0, .client = kAlice, .session = 1}));
  EXPECT_EQ(cluster.replica(0).counters().evictions_sent, 1U);
  EXPECT_EQ(cluster.replica(0).op(), 2U);
}

TEST(ReplicaTest, AppendOrderedAfterEvictingRegisterNeverExecutes) {
  // An append prepared before its session is evicted, but ordered after the evicting register,
  // executes on no replica and gets no reply.
  Cluster cluster({.clients_max = 1});
  cluster.Send(0, RegisterRequest(kAlice));
  cluster.Converge();
  cluster.TakeClientMessages(kAlice);
  // Both requests reach the primary before either commits: op 2 registers Bob, op 3 is Alice's.
  cluster.replica(0).on_message(RegisterRequest(kBob));
  cluster.replica(0).on_message(AppendRequest(kAlice, 1, 1));
  cluster.Settle();
  cluster.Converge();
  for (std::size_t i = 0; i < 3; i++) {
    const std::vector<Executed>& executions = cluster.bus(i).executions();
    ASSERT_EQ(executions.size(), 3U) << i;
    EXPECT_EQ(executions[2].op, 3U) << i;
    EXPECT_FALSE(executions[2].applied) << i;
    EXPECT_TRUE(cluster.replica(i).state_machine().entries().empty()) << i;
  }
  EXPECT_TRUE(cluster.TakeClientMessages(kAlice).empty());
  cluster.Send(0, AppendRequest(kAlice, 1, 1));
  EXPECT_EQ(Only<Eviction>(cluster.TakeClientMessages(kAlice)).session, 1U);
}

TEST(ReplicaTest, CachedReplyToClosedConnectionIsDroppedAndCounted) {
  // A cached reply to a closed client connection is dropped and counted, and the replica goes on
  // serving requests.
  Cluster cluster({});
  RegisterAliceAndAppend(cluster);
  cluster.network().closed_clients.insert(Raw(kAlice));
  cluster.Send(0, AppendRequest(kAlice, 1, 1));
  EXPECT_EQ(cluster.replica(0).counters().cached_replies, 1U);
  EXPECT_EQ(cluster.replica(0).counters().client_sends_dropped, 1U);
  EXPECT_EQ(cluster.bus(0).closed_sends(), 1U);
  EXPECT_TRUE(cluster.TakeClientMessages(kAlice).empty());

  cluster.network().closed_clients.clear();
  cluster.Send(0, AppendRequest(kAlice, 1, 2));
  cluster.Converge();
  EXPECT_EQ(Only<Reply>(cluster.TakeClientMessages(kAlice)).op, 3U);
}

TEST(ReplicaDeathTest, CachedReplyToClosedConnectionAbortsUnderResendPanicsMutant) {
  // Mutant (b): the cached reply is fine over an open connection but aborts the replica when the
  // connection is closed.
  Cluster cluster({.mutants = With(Mutant::kResendPanicsOnDisconnect)});
  const Reply reply = RegisterAliceAndAppend(cluster);
  cluster.Send(0, AppendRequest(kAlice, 1, 1));
  EXPECT_EQ(Only<Reply>(cluster.TakeClientMessages(kAlice)), reply);
  cluster.network().closed_clients.insert(Raw(kAlice));
  EXPECT_DEATH(cluster.replica(0).on_message(AppendRequest(kAlice, 1, 1)),
               "kResendPanicsOnDisconnect");
}

TEST(ReplicaTest, NoReplicaMessageLeavesWhileWriteIsUnsynced) {
  // A prepare (from the primary) and a PrepareOk (from a backup) leave only after the sender's
  // write of the entry was synced.
  Cluster cluster({});
  Network& network = cluster.network();
  cluster.replica(0).on_message(RegisterRequest(kAlice));
  EXPECT_GT(cluster.storage(0).unsynced_writes(), 0U);
  EXPECT_TRUE(cluster.replica(0).sync_pending());
  EXPECT_TRUE(cluster.bus(0).sync_requested());
  EXPECT_TRUE(network.to_replicas.empty());

  ASSERT_TRUE(cluster.CompleteSync(0));
  ASSERT_EQ(network.to_replicas.size(), 2U);
  for (const Envelope& envelope : network.to_replicas) {
    EXPECT_TRUE(std::holds_alternative<Prepare>(envelope.message));
  }

  const Envelope prepare = network.to_replicas.front();
  network.to_replicas.pop_front();
  ASSERT_EQ(Raw(prepare.to), 1U);
  cluster.replica(1).on_message(prepare.message);
  EXPECT_GT(cluster.storage(1).unsynced_writes(), 0U);
  EXPECT_EQ(network.to_replicas.size(), 1U);  // Only the prepare to replica 2 is queued.
  ASSERT_TRUE(cluster.CompleteSync(1));
  ASSERT_EQ(network.to_replicas.size(), 2U);
  EXPECT_EQ(Raw(network.to_replicas.back().from), 1U);
  EXPECT_TRUE(std::holds_alternative<PrepareOk>(network.to_replicas.back().message));

  cluster.Settle();
  cluster.Converge();
  EXPECT_EQ(cluster.replica(2).commit_min(), 1U);
  EXPECT_EQ(network.sends_while_unsynced, 0U);
}

// Stops replica 0 after Alice's request 1 committed, ticks the backups until the view change,
// and checks that it waited for the whole timeout.
void StopPrimaryAndElectReplicaOne(Cluster& cluster) {
  cluster.Stop(0);
  // Converge's last round delivered the primary's Commit, so the backups' silence starts now.
  for (std::uint32_t tick = 1; tick < kViewChangeTimeoutTicks; tick++) cluster.Tick({1, 2});
  EXPECT_EQ(cluster.replica(1).counters().view_changes_started, 0U);
  EXPECT_EQ(cluster.replica(1).view(), 0U);
  cluster.Tick({1, 2});
  EXPECT_EQ(cluster.replica(1).counters().view_changes_started, 1U);
  for (const std::size_t i : {1U, 2U}) {
    EXPECT_EQ(cluster.replica(i).view(), 1U) << i;
    EXPECT_EQ(cluster.replica(i).status(), Status::kNormal) << i;
    EXPECT_EQ(cluster.replica(i).log_view(), 1U) << i;
  }
  EXPECT_TRUE(cluster.replica(1).is_primary());
}

TEST(ReplicaTest, BackupsElectNewPrimaryKeepingCommittedOp) {
  // When the primary falls silent for view_change_timeout_ticks, the backups move to view 1 with
  // replica 1 as primary, keep the committed op, serve its cached reply and commit new requests.
  Cluster cluster({});
  const Reply reply = RegisterAliceAndAppend(cluster);
  const std::vector<LogEntry> log_before = cluster.replica(0).log().held();
  const ClientsTable table_before = cluster.replica(0).clients_table();
  StopPrimaryAndElectReplicaOne(cluster);
  for (const std::size_t i : {1U, 2U}) {
    const Replica& replica = cluster.replica(i);
    EXPECT_EQ(replica.log().held(), log_before) << i;
    EXPECT_EQ(replica.commit_min(), 2U) << i;
    EXPECT_EQ(replica.state_machine().entries(), (std::vector<std::uint64_t>{100, 101})) << i;
    EXPECT_EQ(replica.clients_table(), table_before) << i;
  }

  cluster.Send(1, AppendRequest(kAlice, 1, 1));
  EXPECT_EQ(Only<Reply>(cluster.TakeClientMessages(kAlice)), reply);
  EXPECT_EQ(cluster.replica(1).counters().cached_replies, 1U);

  cluster.Send(1, AppendRequest(kAlice, 1, 2));
  cluster.Converge();
  const Reply second = Only<Reply>(cluster.TakeClientMessages(kAlice));
  EXPECT_EQ(second.view, 1U);
  EXPECT_EQ(second.op, 3U);
  EXPECT_EQ(second.first_offset, 2U);
  EXPECT_EQ(cluster.replica(2).commit_min(), 3U);
  EXPECT_EQ(cluster.network().sends_while_unsynced, 0U);
}

TEST(ReplicaTest, PreparedOpCommitsInNewViewAndIsAnsweredOnce) {
  // An op the backups prepared but nobody committed before the primary stopped is committed by
  // the new primary from its rebuilt pipeline, executed once everywhere and answered.
  Cluster cluster({});
  RegisterAliceAndAppend(cluster);
  cluster.replica(0).on_message(AppendRequest(kAlice, 1, 2));
  ASSERT_TRUE(cluster.CompleteSync(0));  // The prepares of op 3 leave; then the primary stops.
  cluster.Stop(0);
  cluster.Settle();
  EXPECT_EQ(cluster.replica(1).op(), 3U);
  EXPECT_EQ(cluster.replica(1).commit_min(), 2U);
  EXPECT_TRUE(cluster.TakeClientMessages(kAlice).empty());

  StopPrimaryAndElectReplicaOne(cluster);
  cluster.Converge();
  EXPECT_EQ(Only<Reply>(cluster.TakeClientMessages(kAlice)), (Reply{.view = 0,
                                                                    .client = kAlice,
                                                                    .session = 1,
                                                                    .request = 2,
                                                                    .op = 3,
                                                                    .first_offset = 2,
                                                                    .entry_count = 2}));
  for (const std::size_t i : {1U, 2U}) {
    EXPECT_EQ(cluster.replica(i).commit_min(), 3U) << i;
    EXPECT_EQ(cluster.replica(i).state_machine().entries(),
              (std::vector<std::uint64_t>{100, 101, 200, 201}))
        << i;
  }
  // Its retransmission to the new primary now gets the cached reply, not a second execution.
  cluster.Send(1, AppendRequest(kAlice, 1, 2));
  EXPECT_EQ(Only<Reply>(cluster.TakeClientMessages(kAlice)).op, 3U);
  EXPECT_EQ(cluster.replica(1).op(), 3U);
}

// Issue 11, steps 1-4: in view 1 (primary P = replica 1) backup B = replica 2 acknowledges op 3,
// which P commits and answers; C = replica 0 never hears of it. B crashes and restarts (recovering,
// view = log_view = 1); a StartViewChange for view 1 from C reaches it (C stuck in view change 1
// re-broadcasts it), then a stale copy of view 1's original StartView, whose log ends at op 2.
// Returns the committed op 3 as P holds it.
LogEntry RestartedBackupHearsStaleViewMessages(Cluster& cluster) {
  RegisterAliceAndAppend(cluster);
  StopPrimaryAndElectReplicaOne(cluster);
  const std::vector<LogEntry> log_at_view_start = cluster.replica(1).log().held();
  cluster.TakeClientMessages(kAlice);
  cluster.Send(1, AppendRequest(kAlice, 1, 2));  // Op 3: B acknowledges, P commits and answers.
  EXPECT_EQ(Only<Reply>(cluster.TakeClientMessages(kAlice)).op, 3U);
  EXPECT_EQ(cluster.replica(1).commit_max(), 3U);
  EXPECT_EQ(cluster.replica(2).op(), 3U);
  const LogEntry committed = cluster.replica(1).log().at(3);

  cluster.Restart(2);
  EXPECT_EQ(cluster.replica(2).status(), Status::kRecovering);
  EXPECT_EQ(cluster.replica(2).log_view(), 1U);
  EXPECT_EQ(cluster.replica(2).op(), 3U);
  cluster.replica(2).on_message(StartViewChange{.view = 1, .replica = ReplicaIndex{0}});
  cluster.replica(2).on_message(StartView{
      .view = 1,
      .commit = 2,
      .replica = ReplicaIndex{1},
      .log = std::vector<LogEntry>(log_at_view_start.begin() + 1, log_at_view_start.end())});
  return committed;
}

// Issue 11, step 5: P is lost; C (replica 0, back from its stop with view 0's log) and B elect B,
// the primary of view 2. B's DoViewChange has the highest log_view (1), so its log is canonical.
void LosePrimaryAndElectReplicaTwo(Cluster& cluster) {
  cluster.Settle();
  cluster.Stop(1);
  cluster.Restart(0);
  for (int tick = 0; tick < 4 * static_cast<int>(kViewChangeTimeoutTicks); tick++) {
    cluster.Tick({0, 2});
    if (cluster.replica(2).view() == 2 && cluster.replica(2).status() == Status::kNormal &&
        cluster.replica(0).status() == Status::kNormal) {
      break;
    }
  }
  EXPECT_EQ(cluster.replica(2).view(), 2U);
  EXPECT_EQ(cluster.replica(2).status(), Status::kNormal);
  EXPECT_EQ(cluster.replica(0).status(), Status::kNormal);
}

TEST(ReplicaTest, RestartedBackupNeverShrinksItsLogWithinItsView) {
  // Issue 11 regression: a replica that was normal in view 1 and restarts ignores a
  // StartViewChange for view 1 and a stale StartView of view 1; it rejoins view 1 only through the
  // answer to its own probe, so the op it acknowledged, committed by the primary, survives the loss
  // of the primary.
  Cluster cluster({});
  const LogEntry committed = RestartedBackupHearsStaleViewMessages(cluster);
  EXPECT_EQ(cluster.replica(2).status(), Status::kRecovering);
  EXPECT_EQ(cluster.replica(2).op(), 3U);
  cluster.Settle();  // B's probe is answered by P.
  EXPECT_EQ(cluster.replica(2).status(), Status::kNormal);
  EXPECT_EQ(cluster.replica(2).op(), 3U);

  LosePrimaryAndElectReplicaTwo(cluster);
  for (const std::size_t i : {0U, 2U}) {
    ASSERT_GE(cluster.replica(i).op(), 3U) << i;
    EXPECT_EQ(cluster.replica(i).log().at(3), committed) << i;
  }
}

TEST(ReplicaMutantTest, RecoveringRejoinsOwnViewLosesCommittedOp) {
  // Mutant (f), issue 11's hole put back: the restarted backup re-enters view 1's view change, the
  // stale StartView truncates the op it acknowledged, and after the primary is lost the new view's
  // canonical log no longer holds the committed op 3.
  Cluster cluster({.mutants = With(Mutant::kRecoveringRejoinsOwnView)});
  const LogEntry committed = RestartedBackupHearsStaleViewMessages(cluster);
  EXPECT_EQ(cluster.replica(2).status(), Status::kNormal);
  EXPECT_EQ(cluster.replica(2).op(), 2U);
  LosePrimaryAndElectReplicaTwo(cluster);
  EXPECT_EQ(cluster.replica(2).op(), 2U);
  EXPECT_EQ(cluster.replica(0).op(), 2U);
  EXPECT_NE(cluster.replica(2).log().back(), committed);
}

TEST(ReplicaMutantTest, TablePrimaryOnlyExecutesARetransmissionTwiceAfterViewChange) {
  // Mutant (a), as reviewed: backups keep no clients table and an unknown client is New, so after
  // a view change the new primary takes the retransmission of a committed request for a new one
  // and every replica appends its payload a second time.
  Cluster cluster({.mutants = With(Mutant::kTablePrimaryOnly)});
  const Reply first = RegisterAliceAndAppend(cluster);
  EXPECT_EQ(first.op, 2U);
  ASSERT_NE(cluster.replica(0).clients_table().find(kAlice), nullptr);
  EXPECT_TRUE(cluster.replica(1).clients_table().entries().empty());
  EXPECT_TRUE(cluster.replica(2).clients_table().entries().empty());
  StopPrimaryAndElectReplicaOne(cluster);
  cluster.Send(1, AppendRequest(kAlice, 1, 1));
  cluster.Converge();
  EXPECT_EQ(cluster.replica(1).counters().cached_replies, 0U);
  // The retransmission became op 3, and its reply carries new offsets.
  const Reply second = Only<Reply>(cluster.TakeClientMessages(kAlice));
  EXPECT_EQ(second.request, 1U);
  EXPECT_EQ(second.op, 3U);
  EXPECT_EQ(second.first_offset, 2U);
  for (const std::size_t i : {1U, 2U}) {
    EXPECT_EQ(cluster.replica(i).commit_min(), 3U) << i;
    EXPECT_EQ(cluster.replica(i).state_machine().entries(),
              (std::vector<std::uint64_t>{100, 101, 100, 101}))
        << i;
  }
}

TEST(ReplicaMutantTest, StaleAsInProgressLeaksAWaiter) {
  // Mutant (c): a stale request is taken for InProgress and leaves a waiter that no commit clears.
  Cluster cluster({.mutants = With(Mutant::kStaleAsInProgress)});
  RegisterAliceAndAppend(cluster);
  cluster.Send(0, AppendRequest(kAlice, 1, 2));
  cluster.Converge();
  cluster.TakeClientMessages(kAlice);

  cluster.Send(0, AppendRequest(kAlice, 1, 1));
  EXPECT_EQ(cluster.replica(0).counters().stale_dropped, 0U);
  EXPECT_EQ(cluster.replica(0).clients_table().pending_count(), 1U);
  cluster.Send(0, AppendRequest(kAlice, 1, 3));
  cluster.Converge();
  EXPECT_EQ(Only<Reply>(cluster.TakeClientMessages(kAlice)).request, 3U);
  EXPECT_EQ(cluster.replica(0).clients_table().pending_count(), 1U);
}

}  // namespace
}  // namespace vsrsim::core
