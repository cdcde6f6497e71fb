// Tests of crashes aimed at the sync window: the nemesis crashes only a replica whose disk holds
// unsynced writes (so those writes are at risk), keeps its budget of down replicas, restarts what
// it crashed, and a swarm run with the fault on lands crashes in the window and still dumps as a
// scenario that plays to the same fingerprint.

#include "faults/crash_nemesis.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "faults/fault_event.h"
#include "faults/scenario.h"
#include "faults/swarm.h"

namespace vsrsim::faults {
namespace {

TEST(CrashNemesisTest, SyncWindowCrashesLandBeforeASyncWithWritesAtRisk) {
  // Only the sync-window crashes on, at every tick: each armed replica crashes at its next sync,
  // with writes on its disk not synced yet, restarts, and no more than the budget of replicas is
  // down (or armed) at once.
  sim::RunOptions options;
  options.seed = 7;
  options.replica_count = 5;
  options.faults.crash_sync_window = {1, 1};
  options.faults.down_ticks_max = 5;
  sim::Cluster cluster(options);
  CrashNemesis nemesis;
  FaultApplier applier;
  std::size_t armed = 0;
  std::size_t restarts = 0;
  const std::size_t down_max =
      options.replica_count - core::QuorumReplication(options.replica_count);
  const Emit emit = [&](const FaultEvent& event) {
    if (event.kind == FaultKind::kCrashInSync || event.kind == FaultKind::kCrashInCheckpointSync) {
      ASSERT_NE(cluster.replica(event.a), nullptr);
      EXPECT_FALSE(cluster.crash_before_sync_armed(event.a));
      armed++;
    } else {
      ASSERT_EQ(event.kind, FaultKind::kRestart) << FormatFaultEvent(event);
      ASSERT_EQ(cluster.replica(event.a), nullptr);
      restarts++;
    }
    applier.apply(cluster, event);
  };
  std::uint64_t tick_seen = 0;
  while (cluster.ticks() < 400 && !cluster.finding().has_value() && cluster.step()) {
    if (cluster.ticks() == tick_seen) continue;
    tick_seen = cluster.ticks();
    nemesis.on_tick(cluster, emit);
    std::size_t down_or_armed = 0;
    for (std::size_t r = 0; r < options.replica_count; r++) {
      if (cluster.replica(r) == nullptr || cluster.crash_before_sync_armed(r)) down_or_armed++;
    }
    EXPECT_LE(down_or_armed, down_max);
  }
  EXPECT_FALSE(cluster.finding().has_value()) << cluster.finding()->message;
  const sim::Coverage coverage = cluster.coverage();
  EXPECT_GT(coverage.crashes, 5U);
  EXPECT_EQ(coverage.crashes_in_sync_window, coverage.crashes);
  EXPECT_GE(armed, coverage.crashes);
  EXPECT_GE(restarts + down_max, coverage.crashes);
  EXPECT_GT(coverage.writes_lost, 0U);
}

TEST(CrashNemesisTest, AnArmedCrashDisarmsAtHealAndAtAnotherCrash) {
  // heal() stops the faults, armed ones included; a replica crashed by other means is disarmed.
  sim::RunOptions options;
  options.seed = 7;
  sim::Cluster cluster(options);
  cluster.crash_before_sync(0);
  cluster.crash_before_sync(1);
  cluster.crash(1);
  EXPECT_FALSE(cluster.crash_before_sync_armed(1));
  cluster.heal();
  EXPECT_FALSE(cluster.crash_before_sync_armed(0));
  while (cluster.ticks() < 100 && cluster.step()) {
  }
  EXPECT_NE(cluster.replica(0), nullptr);
}

TEST(CrashNemesisTest, ACheckpointSyncCrashWaitsForACheckpointAreaWrite) {
  // Armed for the checkpoint window, a replica lets every sync of plain journal writes complete
  // and crashes right before the first sync that holds a checkpoint area write.
  sim::RunOptions options;
  options.seed = 7;
  options.checkpoint_ops = 4;
  sim::Cluster cluster(options);
  cluster.crash_before_sync(1, sim::SyncWindow::kCheckpoint);
  core::Op executed = 0;
  while (cluster.ticks() < 2000 && cluster.replica(1) != nullptr && cluster.step()) {
    if (cluster.replica(1) != nullptr) executed = cluster.replica(1)->commit_min();
  }
  ASSERT_EQ(cluster.replica(1), nullptr) << "replica 1 never crashed";
  EXPECT_EQ(cluster.coverage().crashes, 1U);
  EXPECT_EQ(cluster.coverage().crashes_in_checkpoint_window, 1U);
  // The syncs before it completed: it executed up to its first checkpoint.
  EXPECT_GE(executed, options.checkpoint_ops);
}

TEST(CrashNemesisTest, CrashInCheckpointSyncEventFormatsAndParsesBack) {
  const FaultEvent event{.tick = 5, .kind = FaultKind::kCrashInCheckpointSync, .a = 1};
  EXPECT_EQ(FormatFaultEvent(event), "at 5 crash-in-checkpoint-sync 1");
  std::string error;
  const std::optional<FaultEvent> parsed =
      ParseFaultEvent("at 5 crash-in-checkpoint-sync 1", error);
  ASSERT_TRUE(parsed.has_value()) << error;
  EXPECT_EQ(*parsed, event);
  EXPECT_NE(CheckFaultEvent(event, 1, 1), "");
}

TEST(CrashNemesisTest, CrashInSyncEventFormatsAndParsesBack) {
  const FaultEvent event{.tick = 12, .kind = FaultKind::kCrashInSync, .a = 2};
  EXPECT_EQ(FormatFaultEvent(event), "at 12 crash-in-sync 2");
  std::string error;
  const std::optional<FaultEvent> parsed = ParseFaultEvent("at 12 crash-in-sync 2", error);
  ASSERT_TRUE(parsed.has_value()) << error;
  EXPECT_EQ(*parsed, event);
  EXPECT_NE(CheckFaultEvent(event, 2, 1), "");
}

TEST(CrashNemesisTest, SwitchedOffItDrawsNothing) {
  // With the rate at 0 the nemesis never crashes in the sync window (and never creates its
  // stream), so seeds that do not draw the fault play as before it existed.
  sim::RunOptions options;
  options.seed = 7;
  sim::Cluster cluster(options);
  CrashNemesis nemesis;
  const Emit emit = [](const FaultEvent& event) { ADD_FAILURE() << FormatFaultEvent(event); };
  std::uint64_t tick_seen = 0;
  while (cluster.ticks() < 200 && cluster.step()) {
    if (cluster.ticks() == tick_seen) continue;
    tick_seen = cluster.ticks();
    nemesis.on_tick(cluster, emit);
  }
}

// The first swarm seed (full profile) with the sync-window crashes on and random crashes off.
std::uint64_t SeedWithSyncWindowCrashesOnly() {
  for (std::uint64_t seed = 1; seed < 10'000; seed++) {
    const sim::RunOptions options = DrawOptions(seed, Profile::kFull);
    if (options.faults.crash_sync_window.numerator > 0 && options.faults.crash.numerator == 0 &&
        options.replica_count >= 3) {
      return seed;
    }
  }
  return 0;
}

TEST(CrashNemesisTest, SwarmRunCrashesInTheSyncWindowAndDumpsToAnExactScenario) {
  // The swarm turns the fault on per seed; its crashes are ordinary crash events, so the dumped
  // scenario plays to the very same run.
  const std::uint64_t seed = SeedWithSyncWindowCrashesOnly();
  ASSERT_NE(seed, 0U);
  const sim::RunOptions options = DrawOptions(seed, Profile::kFull);
  sim::RunResult swarm;
  const Scenario scenario = DumpScenario(options, &swarm);
  EXPECT_EQ(swarm.outcome, sim::Outcome::kPass) << swarm.message;
  EXPECT_GT(swarm.coverage.crashes_in_sync_window, 0U);
  std::string error;
  const std::optional<Scenario> parsed = ParseScenario("dumped", FormatScenario(scenario), error);
  ASSERT_TRUE(parsed.has_value()) << error;
  const sim::RunResult played = PlayScenario(*parsed);
  EXPECT_EQ(played.fingerprint, swarm.fingerprint);
  EXPECT_EQ(played.coverage.crashes_in_sync_window, swarm.coverage.crashes_in_sync_window);
}

}  // namespace
}  // namespace vsrsim::faults
