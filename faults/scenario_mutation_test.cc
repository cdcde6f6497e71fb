// Every mutant of a scenario is a valid scenario of the same cluster (its events in range and in
// tick order, its options within their ranges, its text parses back), and mutation is a function
// of the scenario and the PRNG's state alone.

#include "faults/scenario_mutation.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "core/types.h"
#include "faults/swarm.h"

namespace vsrsim::faults {
namespace {

Scenario Base(std::uint64_t seed) {
  Scenario scenario;
  scenario.options = ScriptedOptions(DrawOptions(seed, Profile::kFull));
  scenario.events.push_back({.tick = 30, .kind = FaultKind::kCrash, .a = 0});
  scenario.events.push_back({.tick = 50, .kind = FaultKind::kRestart, .a = 0});
  return scenario;
}

TEST(ScenarioMutationTest, EveryMutantIsAValidScenarioOfTheSameCluster) {
  for (std::uint64_t seed = 1; seed <= 20; seed++) {
    Scenario scenario = Base(seed);
    sim::Prng prng(seed);
    for (int step = 0; step < 200; step++) {
      std::string what;
      scenario = MutateScenario(scenario, 300, prng, what);
      ASSERT_FALSE(what.empty());
      ASSERT_EQ(scenario.options.replica_count, Base(seed).options.replica_count);
      for (std::size_t i = 0; i < scenario.events.size(); i++) {
        ASSERT_EQ(CheckFaultEvent(scenario.events[i], scenario.options.replica_count,
                                  scenario.options.client_count),
                  "")
            << FormatFaultEvent(scenario.events[i]);
        if (i > 0) {
          ASSERT_LE(scenario.events[i - 1].tick, scenario.events[i].tick);
        }
      }
      ASSERT_FALSE(sim::ValidateOptions(scenario.options).has_value()) << what;
      std::string error;
      ASSERT_TRUE(ParseScenario("(mutant)", FormatScenario(scenario), error).has_value()) << error;
    }
  }
}

// Explore adds storage faults only within the storage nemesis' fault model: at most
// replica_count - replication quorum faulty disks, and a heal core that holds every healthy one.
TEST(ScenarioMutationTest, StorageFaultsStayWithinTheFaultModel) {
  std::size_t storage_faults = 0;
  std::set<FaultKind> kinds_seen;
  for (std::uint64_t seed = 1; seed <= 20; seed++) {
    Scenario scenario = Base(seed);
    scenario.core = {0};
    const std::size_t replicas = scenario.options.replica_count;
    const std::size_t faulty_max = replicas - core::QuorumReplication(replicas);
    sim::Prng prng(seed);
    for (int step = 0; step < 300; step++) {
      std::string what;
      scenario = MutateScenario(scenario, 300, prng, what);
      std::vector<std::size_t> faulty;
      for (const FaultEvent& event : scenario.events) {
        const bool storage =
            event.kind == FaultKind::kSectorError || event.kind == FaultKind::kCorruptRead ||
            event.kind == FaultKind::kMisdirect || event.kind == FaultKind::kSyncFail ||
            event.kind == FaultKind::kCorruptCheckpoint || event.kind == FaultKind::kCorruptEntry;
        if (!storage) continue;
        storage_faults++;
        kinds_seen.insert(event.kind);
        if (std::find(faulty.begin(), faulty.end(), event.a) == faulty.end()) {
          faulty.push_back(event.a);
        }
      }
      ASSERT_LE(faulty.size(), faulty_max) << FormatScenario(scenario);
      if (faulty.empty() || scenario.core.empty()) continue;
      for (std::size_t r = 0; r < replicas; r++) {
        if (std::find(faulty.begin(), faulty.end(), r) != faulty.end()) continue;
        ASSERT_NE(std::find(scenario.core.begin(), scenario.core.end(), r), scenario.core.end())
            << "healthy replica " << r << " is not in the heal's core\n"
            << FormatScenario(scenario);
      }
    }
  }
  EXPECT_GT(storage_faults, 0U);  // The operator is reachable.
  // It draws every kind the storage nemesis draws (one shared draw: DrawStorageFault).
  EXPECT_EQ(kinds_seen.size(), 6U);
}

TEST(ScenarioMutationTest, TheSamePrngStateGivesTheSameMutant) {
  const Scenario base = Base(4);
  sim::Prng a(99);
  sim::Prng b(99);
  std::string what_a;
  std::string what_b;
  for (int i = 0; i < 50; i++) {
    EXPECT_EQ(FormatScenario(MutateScenario(base, 200, a, what_a)),
              FormatScenario(MutateScenario(base, 200, b, what_b)));
    EXPECT_EQ(what_a, what_b);
  }
}

}  // namespace
}  // namespace vsrsim::faults
