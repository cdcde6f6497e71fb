// Forking a run keeps its past: a fork after the run's end is the plain run, fingerprint for
// fingerprint; a fork at tick 0 with another salt is another run; and a varied suffix keeps every
// event before the fork tick.

#include "faults/fork.h"

#include <gtest/gtest.h>

#include "faults/swarm.h"

namespace vsrsim::faults {
namespace {

Scenario Lossy() {
  Scenario scenario;
  scenario.options = DrawOptions(17, Profile::kNetwork);
  scenario.options.network.loss = {1, 10};
  scenario.events.push_back({.tick = 20, .kind = FaultKind::kCrash, .a = 0});
  scenario.events.push_back({.tick = 40, .kind = FaultKind::kRestart, .a = 0});
  return scenario;
}

TEST(ForkTest, AForkAfterTheEndIsThePlainRun) {
  const Scenario scenario = Lossy();
  const sim::RunResult plain = PlayScenario(scenario);
  const sim::RunResult forked = PlayForked(scenario, 100'000'000, 7);
  EXPECT_EQ(plain.fingerprint, forked.fingerprint);
}

TEST(ForkTest, AForkAtTheStartWithAnotherSaltIsAnotherRun) {
  const Scenario scenario = Lossy();
  EXPECT_NE(PlayForked(scenario, 0, 1).fingerprint, PlayForked(scenario, 0, 2).fingerprint);
  EXPECT_EQ(PlayForked(scenario, 0, 1).fingerprint, PlayForked(scenario, 0, 1).fingerprint);
}

TEST(ForkTest, AVariedSuffixKeepsThePrefix) {
  const Scenario scenario = Lossy();
  for (std::uint64_t salt = 0; salt < 20; salt++) {
    sim::Prng prng(salt);
    const Scenario varied = VarySuffix(scenario, 30, prng);
    ASSERT_FALSE(varied.events.empty());
    EXPECT_EQ(varied.events[0], scenario.events[0]);
    for (const FaultEvent& event : varied.events) {
      if (event.kind == FaultKind::kRestart) {
        EXPECT_GE(event.tick, 30U);
      }
    }
  }
}

}  // namespace
}  // namespace vsrsim::faults
