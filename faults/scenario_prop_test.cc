// Property-based runs: scenarios as generated values. Safety and liveness-after-heal hold for every
// generated scenario of the correct core; under each mutant RapidCheck finds a failing scenario and
// shrinks it to a small one. (CI fixes RC_PARAMS; see scripts/test.sh.)

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

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
    o.requests_per_client = *rc::gen::inRange<std::uint32_t>(1, 9);
    o.ticks_max = 400;
    // Closing a client's connections right after it retransmits: the window of finding (b).
    o.faults.disconnect_after_retransmit = {*rc::gen::inRange<std::uint32_t>(0, 3), 2};
    o.liveness_ticks_max = 3000;
    const auto count = *rc::gen::inRange<std::size_t>(0, 12);
    for (std::size_t i = 0; i < count; i++) {
      FaultEvent event;
      event.tick = *rc::gen::inRange<std::uint64_t>(0, 300);
      event.kind = static_cast<FaultKind>(*rc::gen::inRange<int>(0, 7));
      event.a = *rc::gen::inRange<std::uint8_t>(0, 6);
      event.b = *rc::gen::inRange<std::uint8_t>(0, 6);
      event.ticks = *rc::gen::inRange<std::uint32_t>(1, 60);
      scenario.events.push_back(event);
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

struct Smallest {
  std::size_t events = SIZE_MAX;
  std::size_t clients = SIZE_MAX;
  std::size_t failures = 0;
};

class MutantProperty : public ::testing::TestWithParam<core::Mutant> {};

// Under each mutant RapidCheck finds a failing scenario and shrinks it: the property fails, and the
// smallest failing scenario it met has at most 6 fault events and 3 clients.
TEST_P(MutantProperty, FailsAndShrinks) {
  const core::Mutant mutant = GetParam();
  Smallest smallest;
  const bool passed = rc::check(std::string(core::InfoOf(mutant).name), [&] {
    Scenario scenario = *GenScenario();
    scenario.options.mutants.Add(mutant);
    if (PlayForked(scenario) != sim::Outcome::kPass) {
      smallest.failures++;
      // Shrinking only moves to smaller failing scenarios, so the last one is the smallest.
      smallest.events = scenario.events.size();
      smallest.clients = scenario.options.client_count;
      RC_FAIL("the mutant was caught");
    }
  });
  EXPECT_FALSE(passed) << "no generated scenario caught " << core::InfoOf(mutant).name;
  EXPECT_GE(smallest.failures, 1U);
  EXPECT_LE(smallest.events, 6U);
  EXPECT_LE(smallest.clients, 3U);
}

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
