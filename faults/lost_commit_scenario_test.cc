// Issue 11's lost commit, through the whole simulator: seeds/recovering-rejoins-own-view.scenario
// (a plain sweep's failing seed of the mutant, shrunk) puts a restarted replica that was normal in
// its view in front of a StartViewChange of that view and then a stale StartView of it. The correct
// core passes, with the situation asserted from the trace; the mutant, which is the core before the
// fix, truncates ops it had executed and dies on the core's own assertion.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/message.h"
#include "core/mutants.h"
#include "faults/corpus_scenario_for_test.h"
#include "faults/scenario.h"
#include "sim/trace.h"

namespace vsrsim::faults {
namespace {

constexpr const char* kPath = VSRSIM_SOURCE_DIR "/seeds/recovering-rejoins-own-view.scenario";

Scenario Load() { return LoadCorpusScenario(kPath); }

// Per replica, from the trace: its status and view after each transition record.
struct ReplicaState {
  std::uint64_t status = 0;
  std::uint64_t view = 0;
};

TEST(LostCommitScenario, CorrectCorePassesAfterStaleViewMessagesReachARestartedReplica) {
  // The scenario really reaches the window: a recovering replica whose view is v receives a
  // StartViewChange of v and then a StartView of v that answers none of its probes; the correct
  // core ignores both and passes every checker.
  Scenario scenario = Load();
  ASSERT_TRUE(scenario.options.mutants.Empty());
  scenario.options.keep_trace = true;
  const sim::RunResult result = PlayScenario(scenario);
  EXPECT_EQ(result.outcome, sim::Outcome::kPass) << result.checker << ": " << result.message;

  constexpr auto kRecovering = static_cast<std::uint64_t>(core::Status::kRecovering);
  constexpr std::uint64_t kCrashed = 0xff;
  const std::uint64_t svc = core::Message(core::StartViewChange{}).index();
  const std::uint64_t start_view = core::Message(core::StartView{}).index();
  std::vector<ReplicaState> replicas(scenario.options.replica_count);
  std::vector<bool> heard_own_svc(scenario.options.replica_count, false);
  bool window_reached = false;
  for (const sim::TraceRecord& r : result.records) {
    if (r.kind == sim::TraceKind::kReplica || r.kind == sim::TraceKind::kRestart ||
        r.kind == sim::TraceKind::kCrash) {
      // A restart is recovering at its durable view (transition records follow when it changes).
      if (r.kind == sim::TraceKind::kReplica) replicas[r.from] = {r.a, r.b};
      if (r.kind == sim::TraceKind::kRestart) replicas[r.from].status = kRecovering;
      if (r.kind == sim::TraceKind::kCrash) replicas[r.from].status = kCrashed;
      if (replicas[r.from].status != kRecovering) heard_own_svc[r.from] = false;
    } else if (r.kind == sim::TraceKind::kDeliver && r.to < replicas.size()) {
      const ReplicaState& state = replicas[r.to];
      // A replica message's first summary field (c) is its view.
      if (state.status != kRecovering || (r.a & 0xff) == 0 || r.c != state.view) continue;
      if ((r.a & 0xff) == svc) heard_own_svc[r.to] = true;
      if ((r.a & 0xff) == start_view && heard_own_svc[r.to]) window_reached = true;
    }
  }
  EXPECT_TRUE(window_reached);
  EXPECT_GT(result.coverage.replays, 0U);
}

TEST(LostCommitScenarioDeathTest, CoreBeforeTheFixTruncatesExecutedOps) {
  // With mutant recovering-rejoins-own-view the restarted replica re-enters its own view's view
  // change and adopts the stale StartView's shorter log; it had executed the lost ops, so the
  // core's adopt_log assertion aborts it (a plain sweep records this as the outcome crash).
  Scenario scenario = Load();
  scenario.options.mutants.Add(core::Mutant::kRecoveringRejoinsOwnView);
  // The scenario was shrunk before checkpoints existed: with none taken, the logs it replays are
  // those it was shrunk with (a checkpoint would send the stale StartView's log above it).
  scenario.options.checkpoint_ops = 100'000;
  scenario.options.journal_slots = 100'008;
  EXPECT_DEATH(PlayScenario(scenario), "last >= commit_min_");
}

}  // namespace
}  // namespace vsrsim::faults
