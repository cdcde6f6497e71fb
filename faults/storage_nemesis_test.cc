// Tests of the storage nemesis (issue 17): its faults land only on the faulty disks, never on more
// than replica_count - replication quorum replicas; the heal's core holds every healthy replica;
// the four fault events format and parse back; and a swarm run with storage faults dumps to a
// scenario that plays to the same fingerprint.

#include "faults/storage_nemesis.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

#include "faults/fault_event.h"
#include "faults/scenario.h"
#include "faults/swarm.h"
#include "faults/swarm_nemesis.h"

namespace vsrsim::faults {
namespace {

TEST(StorageNemesisTest, FaultsLandOnlyOnTheFaultyDisksWithinTheBudget) {
  for (std::uint8_t replicas = 1; replicas <= 6; replicas++) {
    sim::RunOptions options;
    options.seed = 11;
    options.replica_count = replicas;
    options.faults.storage = {1, 1};
    sim::Cluster cluster(options);
    StorageNemesis nemesis;
    FaultApplier applier;
    std::set<std::size_t> hit;
    std::set<FaultKind> kinds;
    const Emit emit = [&](const FaultEvent& event) {
      hit.insert(event.a);
      kinds.insert(event.kind);
      EXPECT_EQ(CheckFaultEvent(event, replicas, options.client_count), "");
      applier.apply(cluster, event);
    };
    std::uint64_t tick_seen = 0;
    while (cluster.ticks() < 300 && cluster.step()) {
      if (cluster.ticks() == tick_seen) continue;
      tick_seen = cluster.ticks();
      nemesis.on_tick(cluster, emit);
    }
    const std::size_t budget = replicas - core::QuorumReplication(replicas);
    EXPECT_LE(nemesis.faulty().size(), budget) << int{replicas};
    EXPECT_EQ(nemesis.faulty().empty(), budget == 0) << int{replicas};
    for (const std::size_t r : hit) {
      EXPECT_NE(std::find(nemesis.faulty().begin(), nemesis.faulty().end(), r),
                nemesis.faulty().end());
    }
    if (budget > 0) {
      EXPECT_EQ(kinds.size(), 6U) << "every kind drawn, " << int{replicas};
    }
  }
}

TEST(StorageNemesisTest, SwitchedOffItDrawsNothing) {
  sim::RunOptions options;
  options.seed = 7;
  sim::Cluster cluster(options);
  StorageNemesis nemesis;
  const Emit emit = [](const FaultEvent& event) { ADD_FAILURE() << FormatFaultEvent(event); };
  std::uint64_t tick_seen = 0;
  while (cluster.ticks() < 200 && cluster.step()) {
    if (cluster.ticks() == tick_seen) continue;
    tick_seen = cluster.ticks();
    nemesis.on_tick(cluster, emit);
  }
  EXPECT_TRUE(nemesis.faulty().empty());
}

TEST(StorageNemesisTest, EventsFormatAndParseBack) {
  const std::vector<std::pair<FaultEvent, std::string>> cases = {
      {{.tick = 5, .kind = FaultKind::kSectorError, .a = 1, .slot = 7, .slots = 3},
       "at 5 sector-error 1 7 3"},
      {{.tick = 6, .kind = FaultKind::kCorruptRead, .a = 2, .slot = 40}, "at 6 corrupt-read 2 40"},
      {{.tick = 7, .kind = FaultKind::kMisdirect, .a = 0, .slot = 9}, "at 7 misdirect 0 9"},
      {{.tick = 8, .kind = FaultKind::kSyncFail, .a = 2}, "at 8 sync-fail 2"},
      {{.tick = 9, .kind = FaultKind::kCorruptCheckpoint, .a = 1}, "at 9 corrupt-checkpoint 1"},
      {{.tick = 10, .kind = FaultKind::kCorruptEntry, .a = 2}, "at 10 corrupt-entry 2"},
  };
  for (const auto& [event, text] : cases) {
    EXPECT_EQ(FormatFaultEvent(event), text);
    std::string error;
    const std::optional<FaultEvent> parsed = ParseFaultEvent(text, error);
    ASSERT_TRUE(parsed.has_value()) << text << ": " << error;
    EXPECT_EQ(*parsed, event) << text;
    EXPECT_EQ(CheckFaultEvent(event, 3, 1), "");
    EXPECT_NE(CheckFaultEvent(event, event.a, 1), "") << text;  // Replica out of range.
  }
  for (const std::string bad :
       {"at 5 sector-error 1 7", "at 5 sector-error 1 7 0", "at 5 sector-error 1 7 1025",
        "at 5 corrupt-read 1", "at 5 misdirect 1 2000000", "at 5 sync-fail",
        "at 5 corrupt-entry"}) {
    std::string error;
    EXPECT_FALSE(ParseFaultEvent(bad, error).has_value()) << bad;
    EXPECT_NE(error, "") << bad;
  }
}

// The first swarm seed (full profile) with storage faults on and a cluster with room for one.
std::uint64_t SeedWithStorageFaults() {
  for (std::uint64_t seed = 1; seed < 10'000; seed++) {
    const sim::RunOptions options = DrawOptions(seed, Profile::kFull);
    if (options.faults.storage.numerator > 0 && options.replica_count >= 3) return seed;
  }
  return 0;
}

TEST(StorageNemesisTest, SwarmRunWithStorageFaultsHealsAroundTheHealthyAndReplaysExactly) {
  const std::uint64_t seed = SeedWithStorageFaults();
  ASSERT_NE(seed, 0U);
  const sim::RunOptions options = DrawOptions(seed, Profile::kFull);
  sim::RunResult swarm;
  const Scenario scenario = DumpScenario(options, &swarm);
  EXPECT_EQ(swarm.outcome, sim::Outcome::kPass) << swarm.message;
  const std::uint64_t faults = swarm.coverage.corrupt_reads + swarm.coverage.sector_errors +
                               swarm.coverage.misdirected_writes + swarm.coverage.sync_failures;
  EXPECT_GT(faults, 0U);
  std::string error;
  const std::optional<Scenario> parsed = ParseScenario("dumped", FormatScenario(scenario), error);
  ASSERT_TRUE(parsed.has_value()) << error;
  const sim::RunResult played = PlayScenario(*parsed);
  EXPECT_EQ(played.fingerprint, swarm.fingerprint);
  EXPECT_EQ(played.coverage.journal_damage, swarm.coverage.journal_damage);
}

TEST(StorageNemesisTest, HealCoreHoldsEveryHealthyReplica) {
  // Over many seeds with storage faults, every healthy replica is in the core.
  std::size_t checked = 0;
  for (std::uint64_t seed = 1; seed < 400 && checked < 20; seed++) {
    sim::RunOptions options = DrawOptions(seed, Profile::kFull);
    if (options.faults.storage.numerator == 0 || options.replica_count < 3) continue;
    options.ticks_max = 300;
    sim::Cluster cluster(options);
    SwarmNemesis nemesis;
    std::uint64_t tick_seen = 0;
    while (cluster.ticks() < 300 && cluster.step()) {
      if (cluster.ticks() == tick_seen) continue;
      tick_seen = cluster.ticks();
      nemesis.on_tick(cluster);
    }
    const std::vector<std::size_t> core = nemesis.heal(cluster);
    const std::vector<std::size_t>& faulty = nemesis.faulty_disks();
    ASSERT_FALSE(faulty.empty()) << "seed " << seed;
    for (const FaultEvent& event : nemesis.events()) {
      if (event.kind == FaultKind::kSectorError || event.kind == FaultKind::kCorruptRead ||
          event.kind == FaultKind::kMisdirect || event.kind == FaultKind::kSyncFail ||
          event.kind == FaultKind::kCorruptCheckpoint || event.kind == FaultKind::kCorruptEntry) {
        EXPECT_NE(std::find(faulty.begin(), faulty.end(), event.a), faulty.end());
      }
    }
    for (std::size_t r = 0; r < options.replica_count; r++) {
      if (std::find(faulty.begin(), faulty.end(), r) != faulty.end()) continue;
      EXPECT_NE(std::find(core.begin(), core.end(), r), core.end()) << "seed " << seed;
    }
    checked++;
  }
  EXPECT_EQ(checked, 20U);
}

}  // namespace
}  // namespace vsrsim::faults
