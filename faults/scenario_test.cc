// Hand-written scenarios for the five findings of the PR #3023 review (shared/origin/): for each,
// an explicit fault schedule that puts the cluster into the finding's situation. Against the
// correct core the scenario passes and the test checks that the situation really happened and was
// handled (from the run's trace and the cluster at its end); with the finding's mutant the same
// scenario fails, caught by the checker core/mutants.h names.
//
// Each scenario pins its seed (the delays that remain random) and every timing option, so the run
// is the same in every build. The situation checks are there so that a change of timing that
// quietly moves a scenario off its target fails here instead of passing vacuously.

#include "faults/scenario.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "core/mutants.h"
#include "sim/cluster.h"
#include "sim/network.h"
#include "sim/trace.h"

namespace vsrsim::faults {
namespace {

using sim::TraceKind;
using sim::TraceRecord;

constexpr std::uint8_t kReplicas = 3;

// 3 replicas, no loss, no duplication and every timing option pinned, so a scenario does not move
// when a default changes. The trace is kept: the tests read what happened from it.
sim::RunOptions SmallOptions(std::uint64_t seed, std::uint8_t clients, std::uint32_t requests) {
  sim::RunOptions options;
  options.seed = seed;
  options.replica_count = kReplicas;
  options.client_count = clients;
  options.clients_max = 8;
  options.requests_per_client = requests;
  options.tick_us = 10000;
  options.ticks_max = 2000;
  options.liveness_ticks_max = 2000;
  options.view_change_timeout_ticks_min = 15;
  options.view_change_timeout_ticks_max = 40;
  options.client_retry_ticks_min = 4;
  options.client_retry_ticks_max = 64;
  options.network = sim::NetworkOptions{.delay_min_us = 500,
                                        .delay_jitter_us = 1500,
                                        .delay_tail = {1, 20},
                                        .delay_tail_max_us = 30000,
                                        .loss = {0, 1},
                                        .duplicate = {0, 1},
                                        .reorder = true,
                                        .link_capacity = 64};
  options.storage = sim::StorageOptions{.sync_latency_min_us = 100, .sync_latency_max_us = 2000};
  options.faults = sim::FaultOptions{};
  options.keep_trace = true;
  return options;
}

Scenario WithMutant(Scenario scenario, core::Mutant mutant) {
  scenario.options.mutants.Add(mutant);
  return scenario;
}

// What the tests read from the cluster at the end of a run.
struct End {
  std::vector<sim::HistoryEntry> history;                      // history[op - 1].
  std::vector<std::optional<core::ReplicaCounters>> counters;  // nullopt: down at the end.
  std::size_t pending = 0;  // Pending entries (waiters) left in the live replicas' tables.
  std::vector<core::ClientId> clients;
  std::vector<std::uint64_t> retransmissions;  // Per client.
  std::vector<std::uint32_t> abandoned;        // Per client: requests given up after an eviction.
  std::set<std::pair<std::uint64_t, core::Session>> evicted;  // Sessions a register evicted.
};

struct Played {
  sim::RunResult result;
  End end;
};

// Plays `scenario` as PlayScenario does (the options here carry no swarm fault rates to zero; the
// PlayIsPlayScenario test holds it to that) and reads the cluster at the end of the run.
Played Play(const Scenario& scenario) {
  ScriptedNemesis nemesis(scenario);
  End end;
  const auto inspect = [&end](const sim::Cluster& cluster) {
    end.history = cluster.history().history();
    for (std::size_t r = 0; r < cluster.replica_count(); r++) {
      const core::Replica* replica = cluster.replica(r);
      end.counters.push_back(replica == nullptr ? std::nullopt
                                                : std::optional(replica->counters()));
      if (replica != nullptr) end.pending += replica->clients_table().pending_count();
    }
    for (std::size_t c = 0; c < cluster.client_count(); c++) {
      end.clients.push_back(cluster.client(c).id());
      end.retransmissions.push_back(cluster.client(c).protocol().retransmissions());
      end.abandoned.push_back(cluster.client(c).abandoned());
    }
    for (const sim::HistoryEntry& entry : end.history) {
      if (entry.request.operation == core::Operation::kRegister &&
          cluster.history().evicted(entry.request.client, entry.reply.session)) {
        end.evicted.insert({core::Raw(entry.request.client), entry.reply.session});
      }
    }
  };
  sim::RunResult result = sim::Run(scenario.options, &nemesis, inspect);
  return {std::move(result), std::move(end)};
}

std::string Describe(const sim::RunResult& result) {
  return std::string(sim::OutcomeName(result.outcome)) + " " + result.checker + ": " +
         result.message;
}

// The correct core passes: outcome pass, and no note (a pass with a note is a stall the runner
// excused as legitimate, which none of these scenarios should need).
::testing::AssertionResult Passed(const sim::RunResult& result) {
  if (result.outcome == sim::Outcome::kPass && result.message.empty()) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << Describe(result);
}

// A mutant's run fails with the outcome and the checker core/mutants.h expects for it, and the
// message names the review finding.
void ExpectCaught(const sim::RunResult& result, core::Mutant mutant, sim::Outcome outcome) {
  const core::MutantInfo& info = core::InfoOf(mutant);
  EXPECT_STREQ(sim::OutcomeName(result.outcome), sim::OutcomeName(outcome)) << Describe(result);
  EXPECT_EQ(result.checker, info.expected_checker) << Describe(result);
  EXPECT_NE(result.message.find("mutant " + std::string(info.name)), std::string::npos)
      << result.message;
}

sim::Process ClientProcess(std::size_t client) {
  return static_cast<sim::Process>(kReplicas + client);
}

// --- Reading the history and the trace ---------------------------------------------------------

using AppendKey = std::tuple<std::uint64_t, core::Session, core::RequestNumber>;

AppendKey KeyOf(const core::Request& request) {
  return {core::Raw(request.client), request.session, request.request};
}

// How often each (client, session, request) append was applied in the canonical history.
std::map<AppendKey, int> AppliedAppends(const std::vector<sim::HistoryEntry>& history) {
  std::map<AppendKey, int> applied;
  for (const sim::HistoryEntry& entry : history) {
    if (entry.applied && entry.request.operation == core::Operation::kAppend) {
      applied[KeyOf(entry.request)]++;
    }
  }
  return applied;
}

// Every append in the history was applied exactly once, and there was work.
void ExpectEachAppendAppliedOnce(const std::vector<sim::HistoryEntry>& history) {
  const std::map<AppendKey, int> applied = AppliedAppends(history);
  EXPECT_FALSE(applied.empty());
  for (const auto& [key, count] : applied) {
    EXPECT_EQ(count, 1) << "client " << std::get<0>(key) << " session " << std::get<1>(key)
                        << " request " << std::get<2>(key);
  }
}

std::vector<TraceRecord> RecordsOf(const std::vector<TraceRecord>& records, TraceKind kind) {
  std::vector<TraceRecord> kept;
  for (const TraceRecord& record : records) {
    if (record.kind == kind) kept.push_back(record);
  }
  return kept;
}

// Ops `replica` executed before `before_us` (all of them if no time is given).
std::set<core::Op> ExecutedBy(const std::vector<TraceRecord>& records, sim::Process replica,
                              std::uint64_t before_us = std::numeric_limits<std::uint64_t>::max()) {
  std::set<core::Op> ops;
  for (const TraceRecord& r : RecordsOf(records, TraceKind::kExecute)) {
    if (r.from == replica && r.time_us < before_us) ops.insert(r.a);
  }
  return ops;
}

// Views in which `replica` was normal.
std::set<core::View> ViewsNormal(const std::vector<TraceRecord>& records, sim::Process replica) {
  std::set<core::View> views;
  for (const TraceRecord& r : RecordsOf(records, TraceKind::kReplica)) {
    if (r.from == replica && r.a == static_cast<std::uint64_t>(core::Status::kNormal)) {
      views.insert(r.b);
    }
  }
  return views;
}

std::uint64_t MessageKind(const core::Message& message) { return core::Summarize(message).kind; }

// The instant replica 0 crashed, and the ops it had executed by then that no other replica had:
// committed on the primary alone.
struct CrashWindow {
  std::uint64_t crash_us = 0;
  std::set<core::Op> only_primary;
};

CrashWindow OnlyOnPrimaryAtCrash(const std::vector<TraceRecord>& records) {
  CrashWindow window;
  const std::vector<TraceRecord> crashes = RecordsOf(records, TraceKind::kCrash);
  if (crashes.size() != 1 || crashes[0].from != 0) return window;
  window.crash_us = crashes[0].time_us;
  window.only_primary = ExecutedBy(records, 0, window.crash_us);
  for (sim::Process backup = 1; backup < kReplicas; backup++) {
    for (const core::Op op : ExecutedBy(records, backup, window.crash_us)) {
      window.only_primary.erase(op);
    }
  }
  return window;
}

// --- The scenarios -------------------------------------------------------------------------------

// (a) Three clients keep the primary busy. At tick 20 replica 0 is cut off and crashes, so what it
// sent that was still in flight (replies, the commit number) is lost: the op it had just committed
// is prepared on the backups but executed nowhere else. The clients are disconnected from tick 20
// to tick 70, past the view change, so they retry on the new primary once it has taken over.
// Replica 0 restarts at tick 80, as its isolation ends.
constexpr std::uint64_t kCrashTick = 20;
constexpr std::uint32_t kClientsAwayTicks = 50;

Scenario PrimaryCrashesAfterCommitting() {
  Scenario scenario;
  scenario.options = SmallOptions(2, 3, 20);
  scenario.events = {
      {.tick = kCrashTick, .kind = FaultKind::kIsolate, .a = 0, .ticks = 60},
      {.tick = kCrashTick, .kind = FaultKind::kCrash, .a = 0},
      {.tick = kCrashTick, .kind = FaultKind::kDisconnect, .a = 0, .ticks = kClientsAwayTicks},
      {.tick = kCrashTick, .kind = FaultKind::kDisconnect, .a = 1, .ticks = kClientsAwayTicks},
      {.tick = kCrashTick, .kind = FaultKind::kDisconnect, .a = 2, .ticks = kClientsAwayTicks},
      {.tick = 80, .kind = FaultKind::kRestart, .a = 0},
  };
  return scenario;
}

// (b) From tick 5, replica 0's replies to client 0 are lost for 30 ticks, so the client retransmits
// a request that committed. Every retransmission closes the client's connections right after it
// leaves, for up to a tick, so the primary's cached reply often meets a closed connection.
Scenario ClientGoneBeforeCachedReply() {
  Scenario scenario;
  scenario.options = SmallOptions(1, 1, 10);
  scenario.options.client_retry_ticks_max = 8;
  scenario.options.faults.disconnect_after_retransmit = {1, 1};
  scenario.options.faults.disconnect_ticks_max = 1;
  scenario.events = {
      {.tick = 5, .kind = FaultKind::kBlock, .a = 0, .b = ClientProcess(0), .ticks = 30},
  };
  return scenario;
}

// (c) Half the messages are delivered twice and a quarter take a tail of up to 100 ms, so a late
// copy of one of the client's requests reaches the primary after a later request committed. No
// fault events: the network alone delays the copy.
Scenario DelayedCopyOfOlderRequest() {
  Scenario scenario;
  scenario.options = SmallOptions(1, 1, 10);
  scenario.options.network.duplicate = {1, 2};
  scenario.options.network.delay_tail = {1, 4};
  scenario.options.network.delay_tail_max_us = 100000;
  return scenario;
}

// (d) The primary is cut off three times, for 30 ticks each, while two clients keep working: view
// 1 goes to replica 1, view 2 to replica 2 and view 3 (3 mod 3 = 0) to replica 0 again. Each cut
// strands the requests in the old primary's pipeline, which the clients retry elsewhere.
Scenario PrimaryAgainAfterTwoViewChanges() {
  Scenario scenario;
  scenario.options = SmallOptions(1, 2, 200);
  scenario.options.view_change_timeout_ticks_min = 10;
  scenario.options.view_change_timeout_ticks_max = 12;
  scenario.events = {
      {.tick = 10, .kind = FaultKind::kIsolatePrimary, .ticks = 30},
      {.tick = 60, .kind = FaultKind::kIsolatePrimary, .ticks = 30},
      {.tick = 110, .kind = FaultKind::kIsolatePrimary, .ticks = 30},
  };
  return scenario;
}

// (e) Three clients share a clients table of two, so registrations evict the session with the
// oldest commit, and evicted clients register again. From tick 5, replica 0's replies to client 0
// are lost for 20 ticks, so client 0 retries a request that committed while the churn goes on.
Scenario EvictionChurn() {
  Scenario scenario;
  scenario.options = SmallOptions(2, 3, 5);
  scenario.options.clients_max = 2;
  scenario.events = {
      {.tick = 5, .kind = FaultKind::kBlock, .a = 0, .b = ClientProcess(0), .ticks = 20},
  };
  return scenario;
}

// --- The tests -----------------------------------------------------------------------------------

TEST(ScenarioTest, PlayIsPlayScenario) {
  // The tests' Play (which reads the cluster at the end) plays exactly the run PlayScenario plays.
  const Scenario scenario = PrimaryCrashesAfterCommitting();
  const Played played = Play(scenario);
  const sim::RunResult reference = PlayScenario(scenario);
  EXPECT_EQ(played.result.fingerprint, reference.fingerprint);
  EXPECT_EQ(played.result.events, reference.events);
  EXPECT_EQ(played.result.outcome, reference.outcome);
}

TEST(ScenarioTest, OpCommittedOnlyOnCrashedPrimaryExecutesOnceAndIsAnswered) {
  // (a) An op the primary committed just before it crashed is committed by the new primary with the
  // same result, executed once, and its client's retry there gets the cached reply.
  const Played played = Play(PrimaryCrashesAfterCommitting());
  const sim::RunResult& result = played.result;
  const End& end = played.end;
  ASSERT_TRUE(Passed(result));
  EXPECT_TRUE(ViewsNormal(result.records, 1).contains(1));  // Replica 1 took over in view 1.
  const CrashWindow window = OnlyOnPrimaryAtCrash(result.records);
  ASSERT_FALSE(window.only_primary.empty()) << "the crash missed the window between the primary's "
                                               "commit and the backups'";

  const std::map<AppendKey, int> applied = AppliedAppends(end.history);
  const std::uint64_t clients_back_us = (kCrashTick + kClientsAwayTicks) * result.options.tick_us;
  const std::set<core::Op> executed_by_new_primary = ExecutedBy(result.records, 1);
  const std::set<core::Op> executed_while_away = ExecutedBy(result.records, 1, clients_back_us);
  std::size_t answered_on_retry = 0;
  for (const core::Op op : window.only_primary) {
    ASSERT_LE(op, end.history.size());
    const sim::HistoryEntry& entry = end.history[op - 1];
    ASSERT_EQ(entry.request.operation, core::Operation::kAppend) << "op " << op;
    EXPECT_TRUE(entry.applied) << "op " << op;
    EXPECT_EQ(applied.at(KeyOf(entry.request)), 1) << "op " << op;
    EXPECT_TRUE(executed_by_new_primary.contains(op)) << "op " << op;
    const auto client = static_cast<std::size_t>(
        std::find(end.clients.begin(), end.clients.end(), entry.request.client) -
        end.clients.begin());
    ASSERT_LT(client, end.clients.size());
    std::vector<std::uint64_t> accepted_us;
    for (const TraceRecord& accept : RecordsOf(result.records, TraceKind::kAccept)) {
      if (accept.from == ClientProcess(client) && accept.c == op) {
        accepted_us.push_back(accept.time_us);
      }
    }
    ASSERT_EQ(accepted_us.size(), 1U) << "op " << op;
    // The new primary executed it while the client was away (that reply met a closed connection),
    // and the client accepted a reply only once it was back: the cached answer to its retry.
    if (accepted_us[0] >= clients_back_us && executed_while_away.contains(op)) {
      answered_on_retry++;
      EXPECT_GT(end.retransmissions[client], 0U) << "op " << op;
    }
  }
  EXPECT_GT(answered_on_retry, 0U);
  ASSERT_TRUE(end.counters[1].has_value());
  EXPECT_GT(end.counters[1]->cached_replies, 0U);
  ExpectEachAppendAppliedOnce(end.history);
}

TEST(ScenarioTest, OpCommittedOnlyOnCrashedPrimaryCatchesTablePrimaryOnly) {
  // (a) As reviewed: backups keep no clients table (and an unknown client is New). The agreement
  // checker compares tables whenever two replicas reach the same commit, so it sees the primary's
  // table differ from the backups' at the first commit they share, long before the crash. (The
  // double execution itself is shown by core/replica_test.cc's
  // TablePrimaryOnlyExecutesARetransmissionTwiceAfterViewChange.)
  const Played played =
      Play(WithMutant(PrimaryCrashesAfterCommitting(), core::Mutant::kTablePrimaryOnly));
  ExpectCaught(played.result, core::Mutant::kTablePrimaryOnly, sim::Outcome::kSafety);
  EXPECT_NE(played.result.message.find("different clients tables"), std::string::npos)
      << played.result.message;
}

TEST(ScenarioTest, CachedReplyToClosedConnectionIsDroppedAndCounted) {
  // (b) A cached reply to a client that disconnected right after its retransmission is dropped and
  // counted without a crash, and a later retransmission gets the cached bytes.
  const Played played = Play(ClientGoneBeforeCachedReply());
  const sim::RunResult& result = played.result;
  ASSERT_TRUE(Passed(result));
  EXPECT_EQ(result.coverage.crashes, 0U);
  EXPECT_EQ(result.coverage.view_changes, 0U);  // Replica 0 was the primary throughout.
  ASSERT_TRUE(played.end.counters[0].has_value());
  const core::ReplicaCounters& primary = *played.end.counters[0];
  EXPECT_GT(primary.cached_replies, 0U);
  EXPECT_GT(primary.client_sends_dropped, 0U);
  EXPECT_GT(result.coverage.client_sends_dropped, 0U);

  // The reply the primary sent when it executed the append was lost to the block; the client then
  // accepted a reply for that op, which can only be a cached resend (the reply-caching checker
  // holds it byte-identical to the execution's reply).
  const std::uint64_t reply_kind = MessageKind(core::Reply{});
  std::optional<TraceRecord> lost;
  for (const TraceRecord& drop : RecordsOf(result.records, TraceKind::kDrop)) {
    if (drop.from == 0 && drop.to == ClientProcess(0) && (drop.a & 0xFF) == reply_kind &&
        (drop.a >> 8) == static_cast<std::uint64_t>(sim::DropReason::kPartition)) {
      lost = drop;
      break;
    }
  }
  ASSERT_TRUE(lost.has_value());
  const core::Op op = lost->g;  // A reply's fields: view, client, session, request, op, offset.
  ASSERT_LE(op, played.end.history.size());
  EXPECT_EQ(played.end.history[op - 1].request.operation, core::Operation::kAppend);
  std::size_t accepted = 0;
  for (const TraceRecord& accept : RecordsOf(result.records, TraceKind::kAccept)) {
    if (accept.from == ClientProcess(0) && accept.c == op) {
      EXPECT_GT(accept.time_us, lost->time_us);
      accepted++;
    }
  }
  EXPECT_EQ(accepted, 1U);
  EXPECT_GT(played.end.retransmissions[0], 0U);
  ExpectEachAppendAppliedOnce(played.end.history);
}

TEST(ScenarioDeathTest, CachedReplyToClosedConnectionAbortsUnderResendPanics) {
  // (b) With the reviewed unwrap on the cached reply's send, the same scenario aborts the primary.
  const Scenario scenario =
      WithMutant(ClientGoneBeforeCachedReply(), core::Mutant::kResendPanicsOnDisconnect);
  EXPECT_DEATH(PlayScenario(scenario), "kResendPanicsOnDisconnect");
}

TEST(ScenarioTest, DelayedCopyOfOlderRequestIsDroppedAsStale) {
  // (c) A late copy of a request older than the client's latest committed one is dropped as Stale,
  // executes nothing, and leaves no waiter behind.
  const Played played = Play(DelayedCopyOfOlderRequest());
  const sim::RunResult& result = played.result;
  ASSERT_TRUE(Passed(result));
  EXPECT_EQ(result.coverage.view_changes, 0U);  // Replica 0 was the primary throughout.
  EXPECT_GT(result.coverage.messages_duplicated, 0U);
  ASSERT_TRUE(played.end.counters[0].has_value());
  EXPECT_GT(played.end.counters[0]->stale_dropped, 0U);
  EXPECT_EQ(played.end.pending, 0U);
  EXPECT_EQ(result.requests_committed, 10U);
  ExpectEachAppendAppliedOnce(played.end.history);
}

TEST(ScenarioTest, DelayedCopyOfOlderRequestCatchesStaleAsInProgress) {
  // (c) Taking the stale copy for InProgress leaves a waiter no commit resolves; hygiene catches
  // it.
  const sim::RunResult result =
      PlayScenario(WithMutant(DelayedCopyOfOlderRequest(), core::Mutant::kStaleAsInProgress));
  ExpectCaught(result, core::Mutant::kStaleAsInProgress, sim::Outcome::kSafety);
}

TEST(ScenarioTest, SameReplicaPrimaryAgainServesRetries) {
  // (d) Replica 0 is primary in view 0 and again in view 3, nothing pending survives the view
  // changes, and the clients, having retried, complete their work with replica 0 committing again.
  const Played played = Play(PrimaryAgainAfterTwoViewChanges());
  const sim::RunResult& result = played.result;
  ASSERT_TRUE(Passed(result));
  const std::set<core::View> views_zero = ViewsNormal(result.records, 0);
  EXPECT_TRUE(views_zero.contains(0));
  EXPECT_TRUE(views_zero.contains(3));
  EXPECT_TRUE(ViewsNormal(result.records, 1).contains(1));
  EXPECT_TRUE(ViewsNormal(result.records, 2).contains(2));
  EXPECT_GE(result.coverage.view_changes, 3U);
  // Ops prepared in view 3 were proposed by replica 0, primary again, and applied.
  std::size_t applied_in_view_three = 0;
  for (const sim::HistoryEntry& entry : played.end.history) {
    if (entry.reply.view == 3 && entry.applied) applied_in_view_three++;
  }
  EXPECT_GT(applied_in_view_three, 0U);
  for (const std::uint64_t retransmissions : played.end.retransmissions) {
    EXPECT_GT(retransmissions, 0U);
  }
  EXPECT_EQ(played.end.pending, 0U);
  EXPECT_EQ(result.requests_committed, 400U);
  ExpectEachAppendAppliedOnce(played.end.history);
}

TEST(ScenarioTest, SameReplicaPrimaryAgainCatchesPendingSurvivesViewChange) {
  // (d) With pending entries kept across a view change, a replica enters a new view still holding
  // an entry of the old one (whose retry it would drop as InProgress); hygiene catches it there,
  // before the stall the review describes can become a liveness failure.
  const sim::RunResult result = PlayScenario(
      WithMutant(PrimaryAgainAfterTwoViewChanges(), core::Mutant::kPendingSurvivesViewChange));
  EXPECT_STREQ(sim::OutcomeName(result.outcome), "safety") << Describe(result);
  EXPECT_EQ(result.checker, "hygiene") << Describe(result);
  EXPECT_NE(result.message.find("pending entr"), std::string::npos) << result.message;
  EXPECT_NE(result.message.find("mutant pending-survives-view-change"), std::string::npos);
}

TEST(ScenarioTest, EvictedClientIsToldAndItsRequestNeverExecutes) {
  // (e) An evicted client's retry is answered with an Eviction, and no request of an evicted
  // session executes after the eviction, not even one already in the log.
  const Played played = Play(EvictionChurn());
  const sim::RunResult& result = played.result;
  const End& end = played.end;
  ASSERT_TRUE(Passed(result));
  EXPECT_GT(result.coverage.evictions, 0U);
  const std::map<AppendKey, int> applied = AppliedAppends(end.history);

  // A request of an evicted session that was in the log when its session was evicted reached
  // execution and was refused (not applied).
  std::size_t refused = 0;
  for (const sim::HistoryEntry& entry : end.history) {
    const auto session = std::pair(core::Raw(entry.request.client), entry.request.session);
    if (!entry.applied && entry.request.operation == core::Operation::kAppend) {
      EXPECT_TRUE(end.evicted.contains(session)) << "op " << entry.reply.op;
      refused++;
    }
  }
  EXPECT_GT(refused, 0U);

  // Each client that learned of its eviction abandoned the request in flight (the one after the
  // last it completed in that session). If that request executed at all, it was before the client
  // was told, never because of the retry; in this scenario one of them never executed at all.
  const std::vector<TraceRecord> executes = RecordsOf(result.records, TraceKind::kExecute);
  std::size_t evictions = 0;
  std::size_t abandoned_never_applied = 0;
  for (const TraceRecord& eviction : RecordsOf(result.records, TraceKind::kEvicted)) {
    evictions++;
    const std::size_t client = eviction.from - kReplicas;
    ASSERT_LT(client, end.clients.size());
    const std::uint64_t id = core::Raw(end.clients[client]);
    const core::Session session = eviction.a;
    EXPECT_TRUE(end.evicted.contains({id, session})) << "no register evicted session " << session;
    EXPECT_GT(end.abandoned[client], 0U);
    core::RequestNumber completed = 0;
    for (const TraceRecord& accept : RecordsOf(result.records, TraceKind::kAccept)) {
      if (accept.from == eviction.from && accept.a == session &&
          accept.time_us < eviction.time_us) {
        completed = std::max(completed, accept.b);
      }
    }
    const AppendKey abandoned{id, session, completed + 1};
    if (!applied.contains(abandoned)) abandoned_never_applied++;
    for (const sim::HistoryEntry& entry : end.history) {
      if (!entry.applied || KeyOf(entry.request) != abandoned) continue;
      for (const TraceRecord& execute : executes) {
        if (execute.a == entry.reply.op) {
          EXPECT_LT(execute.time_us, eviction.time_us) << "op " << entry.reply.op;
          break;
        }
      }
    }
  }
  EXPECT_GT(evictions, 0U);
  EXPECT_GT(abandoned_never_applied, 0U);
  ExpectEachAppendAppliedOnce(end.history);
}

TEST(ScenarioTest, EvictedClientRetryCatchesSilentEviction) {
  // (e) With silent eviction, a client evicted while it retries a committed request has that retry
  // taken for New and executed again; the at-most-once checker catches it.
  const Played played = Play(WithMutant(EvictionChurn(), core::Mutant::kSilentEviction));
  ExpectCaught(played.result, core::Mutant::kSilentEviction, sim::Outcome::kSafety);
  // The request executed twice is client 0's, the client whose replies were lost.
  const std::string client_zero = "client " + std::to_string(core::Raw(played.end.clients[0]));
  EXPECT_NE(played.result.message.find(client_zero + " request"), std::string::npos)
      << played.result.message;
  EXPECT_NE(played.result.message.find("executed twice"), std::string::npos);
}

}  // namespace
}  // namespace vsrsim::faults
