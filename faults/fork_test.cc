// Forking a run keeps its past: a fork after the run's end is the plain run, fingerprint for
// fingerprint; a fork at tick 0 with another salt is another run; and a varied suffix keeps every
// event before the fork tick; a scenario's `fork` line says the same and parses back.

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

TEST(ForkTest, AForkLineRoundTripsAndABadOneNamesItsLine) {
  Scenario scenario = Lossy();
  scenario.fork = ScenarioFork{.tick = 55, .salt = 18446744073709551615ULL};
  std::string error;
  const auto parsed = ParseScenario("f.sc", FormatScenario(scenario), error);
  ASSERT_TRUE(parsed.has_value()) << error;
  EXPECT_EQ(parsed->fork, scenario.fork);
  EXPECT_EQ(PlayScenario(*parsed).fingerprint,
            PlayForked(Lossy(), 55, scenario.fork->salt).fingerprint);
  EXPECT_FALSE(ParseScenario("f.sc", "seed = 1\nfork = 5\n", error).has_value());
  EXPECT_EQ(error.rfind("f.sc:2: fork:", 0), 0U) << error;
  EXPECT_FALSE(ParseScenario("f.sc", "seed = 1\nfork = 5 -1\n", error).has_value());
}

}  // namespace
}  // namespace vsrsim::faults
