// Property-based runs: scenarios as generated values. Safety and liveness-after-heal hold for every
// generated scenario of the correct core; under each mutant RapidCheck finds a failing scenario and
// shrinks it to a small one. (CI fixes RC_PARAMS; see scripts/test.sh.)

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/Check.h>
#include <rapidcheck/detail/Results.h>
#include <rapidcheck/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>

#include "faults/scenario.h"
#include "faults/swarm.h"

namespace vsrsim::faults {
namespace {

// A small cluster and an explicit schedule of faults, shrinkable in every part.
rc::Gen<Scenario> GenScenario() {
  return rc::gen::exec([] {
    Scenario scenario;
    scenario.options = DrawOptions(*rc::gen::arbitrary<std::uint64_t>(), Profile::kNetwork);
    sim::RunOptions& o = scenario.options;
    o.replica_count = *rc::gen::inRange<std::uint8_t>(1, 6);
    o.client_count = *rc::gen::inRange<std::uint8_t>(1, 5);
    o.clients_max = *rc::gen::inRange<std::uint32_t>(1, 4);
    o.requests_per_client = *rc::gen::inRange<std::uint32_t>(1, 21);
    o.ticks_max = 800;
    // Closing a client's connections right after it retransmits: the window of finding (b).
    o.faults.disconnect_after_retransmit = {*rc::gen::inRange<std::uint32_t>(0, 3), 2};
    o.liveness_ticks_max = 3000;
    o.network.replay_memory = true;
    const auto count = *rc::gen::inRange<std::size_t>(0, 17);
    for (std::size_t i = 0; i < count; i++) {
      FaultEvent event;
      event.tick = *rc::gen::inRange<std::uint64_t>(0, 400);
      event.kind = static_cast<FaultKind>(*rc::gen::inRange<int>(0, 8));
      event.a = *rc::gen::inRange<std::uint8_t>(0, 6);
      event.b = *rc::gen::inRange<std::uint8_t>(0, 6);
      event.ticks = *rc::gen::inRange<std::uint32_t>(1, 60);
      event.message = *rc::gen::inRange<std::uint8_t>(3, 11);  // The replica-to-replica kinds.
      event.age = *rc::gen::inRange<std::uint8_t>(0, sim::Network::kReplayAgeMax);
      scenario.events.push_back(event);
      if (event.kind != FaultKind::kCrash) continue;
      // As in the swarm's fault model, a crashed replica restarts after a while, and the restart
      // may come with stale messages meant for it (the replay nemesis's flush).
      FaultEvent restart{
          .tick = event.tick + event.ticks, .kind = FaultKind::kRestart, .a = event.a};
      scenario.events.push_back(restart);
      const auto stale = *rc::gen::inRange<std::size_t>(0, 9);
      for (std::size_t k = 0; k < stale; k++) {
        scenario.events.push_back(
            {.tick = restart.tick,
             .kind = FaultKind::kReplay,
             .a = *rc::gen::inRange<std::uint8_t>(0, 6),
             .b = restart.a,
             .message = *rc::gen::inRange<std::uint8_t>(3, 11),
             .age = *rc::gen::inRange<std::uint8_t>(0, sim::Network::kReplayAgeMax)});
      }
    }
    std::stable_sort(scenario.events.begin(), scenario.events.end(),
                     [](const FaultEvent& x, const FaultEvent& y) { return x.tick < y.tick; });
    return scenario;
  });
}

// Plays a scenario in a forked child, so a mutant that aborts a replica is a result, not a crash of
// the test. Returns the outcome.
sim::Outcome PlayForked(const Scenario& scenario) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    const sim::RunResult result = PlayScenario(scenario);
    ::_exit(static_cast<int>(result.outcome));
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!WIFEXITED(status)) return sim::Outcome::kCrash;
  return static_cast<sim::Outcome>(WEXITSTATUS(status));
}

// Safety and liveness after healing hold for every generated scenario of the correct core.
RC_GTEST_PROP(ScenarioProperty, CorrectCorePassesEveryScenario, ()) {
  const Scenario scenario = *GenScenario();
  const sim::RunResult result = PlayScenario(scenario);
  RC_ASSERT(result.outcome == sim::Outcome::kPass);
}

// A dumped swarm run replays to the same fingerprint when played as a scenario.
RC_GTEST_PROP(ScenarioProperty, DumpedRunsReplayExactly, (std::uint64_t seed)) {
  sim::RunResult swarm;
  const Scenario scenario = DumpScenario(DrawOptions(seed % 100'000, Profile::kFull), &swarm);
  const sim::RunResult replayed = PlayScenario(scenario);
  RC_ASSERT(replayed.fingerprint == swarm.fingerprint);
  RC_ASSERT(replayed.outcome == swarm.outcome);
}

// The failing scenarios RapidCheck met: the first one, and the last (smallest) one while shrinking.
struct Failures {
  std::size_t count = 0;
  std::size_t first_size = 0;
  std::size_t smallest_size = SIZE_MAX;
};

std::size_t Size(const Scenario& scenario) {
  return scenario.events.size() + scenario.options.client_count + scenario.options.replica_count +
         scenario.options.requests_per_client;
}

class MutantProperty : public ::testing::TestWithParam<core::Mutant> {};

// Under each mutant RapidCheck finds a scenario where the property "the run passes" fails, and
// shrinks it: the reported counterexample is no larger than the first failing scenario. The search
// runs up to 1000 cases with the run's RC_PARAMS seed, so it is reproducible.
TEST_P(MutantProperty, FailsAndShrinks) {
  const core::Mutant mutant = GetParam();
  Failures failures;
  rc::detail::TestParams params = rc::detail::configuration().testParams;
  params.maxSuccess = std::max(params.maxSuccess, 1000);
  rc::detail::TestMetadata metadata;
  metadata.id = std::string(core::InfoOf(mutant).name);
  metadata.description = metadata.id;
  const rc::detail::TestResult result = rc::detail::checkTestable(
      [&] {
        Scenario scenario = *GenScenario();
        scenario.options.mutants.Add(mutant);
        if (PlayForked(scenario) == sim::Outcome::kPass) return;
        if (failures.count++ == 0) failures.first_size = Size(scenario);
        // Shrinking only moves to smaller failing scenarios, so the last one is the smallest.
        failures.smallest_size = Size(scenario);
        RC_FAIL("the mutant was caught");
      },
      metadata, params);
  rc::detail::FailureResult failure;
  ASSERT_TRUE(result.match(failure)) << "no generated scenario caught " << metadata.id;
  EXPECT_GE(failures.count, 1U);
  EXPECT_LE(failures.smallest_size, failures.first_size);
  std::cerr << metadata.id << ": caught after " << failure.numSuccess + 1 << " cases; size "
            << failures.first_size << " shrunk to " << failures.smallest_size
            << "; counterexample:\n";
  for (const auto& [type, value] : failure.counterExample) std::cerr << value << "\n";
}

// Not recovering-rejoins-own-view: its window (a view change, acknowledged ops, then a restart met
// by stale view-change messages) lines up in about one generated scenario in 3,000 (found within
// 3,000 cases for 1 of 6 RapidCheck seeds tried), too rare for a property that must pass with any
// seed; plain sweeps catch it in 1.2 % of seeds (scripts/mutation-matrix.sh).
INSTANTIATE_TEST_SUITE_P(AllMutants, MutantProperty,
                         ::testing::Values(core::Mutant::kTablePrimaryOnly,
                                           core::Mutant::kResendPanicsOnDisconnect,
                                           core::Mutant::kStaleAsInProgress,
                                           core::Mutant::kPendingSurvivesViewChange,
                                           core::Mutant::kSilentEviction),
                         [](const auto& param_info) {
                           std::string name(core::InfoOf(param_info.param).name);
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

}  // namespace
}  // namespace vsrsim::faults
