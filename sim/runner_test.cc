#include "sim/runner.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <string>

#include "faults/swarm.h"
#include "sim/cluster.h"

namespace vsrsim::sim {
namespace {

RunOptions NetworkProfile(std::uint64_t seed) {
  return faults::DrawOptions(seed, faults::Profile::kNetwork);
}

TEST(RunnerTest, SameSeedSameFingerprintAndDistinctAcrossSeeds) {
  // For 50 seeds a second run reproduces the first exactly, and no two seeds share a fingerprint.
  std::map<std::uint64_t, std::uint64_t> seed_of;  // fingerprint -> seed
  for (std::uint64_t seed = 1; seed <= 50; seed++) {
    const RunResult first = sim::Run(NetworkProfile(seed), nullptr);
    const RunResult second = sim::Run(NetworkProfile(seed), nullptr);
    EXPECT_EQ(first.fingerprint, second.fingerprint) << "seed " << seed;
    EXPECT_EQ(first.events, second.events) << "seed " << seed;
    EXPECT_EQ(first.ticks, second.ticks) << "seed " << seed;
    EXPECT_EQ(first.checkpoints, second.checkpoints) << "seed " << seed;
    EXPECT_EQ(first.outcome, second.outcome) << "seed " << seed;
    const auto [it, fresh] = seed_of.emplace(first.fingerprint, seed);
    EXPECT_TRUE(fresh) << "seeds " << it->second << " and " << seed << " share fingerprint "
                       << first.fingerprint;
  }
  EXPECT_EQ(seed_of.size(), 50U);
}

TEST(RunnerTest, KeepingTheTraceDoesNotChangeTheRun) {
  // Keeping records is observation only: the fingerprint is the same with and without it.
  RunOptions options = NetworkProfile(17);
  const RunResult plain = sim::Run(options, nullptr);
  options.keep_trace = true;
  const RunResult kept = sim::Run(options, nullptr);
  EXPECT_EQ(plain.fingerprint, kept.fingerprint);
  EXPECT_TRUE(plain.records.empty());
  EXPECT_FALSE(kept.records.empty());
}

TEST(RunnerTest, NetworkProfileSeeds1To500Pass) {
  // Seeds 1..500 with network faults only pass every checker and commit work.
  int failures = 0;
  for (std::uint64_t seed = 1; seed <= 500; seed++) {
    const RunResult result = sim::Run(NetworkProfile(seed), nullptr);
    if (result.outcome != Outcome::kPass) {
      failures++;
      ADD_FAILURE() << "seed " << seed << ": " << OutcomeName(result.outcome) << " "
                    << result.checker << ": " << result.message;
    }
    EXPECT_GT(result.requests_committed, 0U) << "seed " << seed;
  }
  EXPECT_EQ(failures, 0);
}

TEST(RunnerTest, CanonicalHistoryMatchesEveryReplicaLog) {
  // At the end of a passing run, every live replica's executed ops are the canonical history's,
  // checksum for checksum, and the history holds every op any replica executed.
  for (std::uint64_t seed = 1; seed <= 20; seed++) {
    bool inspected = false;
    const RunResult result = sim::Run(NetworkProfile(seed), nullptr, [&](const Cluster& cluster) {
      inspected = true;
      const auto& history = cluster.history().history();
      for (std::size_t r = 0; r < cluster.replica_count(); r++) {
        const core::Replica* replica = cluster.replica(r);
        if (replica == nullptr) continue;
        ASSERT_LE(replica->commit_min(), history.size()) << "seed " << seed << " replica " << r;
        // The replica journals the ops above its checkpoint (and a few below it).
        for (core::Op op = std::max<core::Op>(1, replica->log().first());
             op <= replica->commit_min(); op++) {
          ASSERT_EQ(replica->log().at(op).checksum, history[op - 1].checksum)
              << "seed " << seed << " replica " << r << " op " << op;
        }
      }
      EXPECT_GT(history.size(), 0U) << "seed " << seed;
    });
    EXPECT_TRUE(inspected) << "seed " << seed;
    EXPECT_EQ(result.outcome, Outcome::kPass) << "seed " << seed << ": " << result.message;
  }
}

TEST(RunnerTest, ClusterKeepsTicksAndClientsDoneCurrent) {
  // The cluster keeps ticks() and clients_done() as running values rather than computing them when
  // asked; after every step they equal the definitions (now / tick, every client done), through
  // evictions and re-registrations of the full profile's swarm options.
  std::uint64_t done_transitions = 0;
  for (std::uint64_t seed = 1; seed <= 30; seed++) {
    const RunOptions options = faults::DrawOptions(seed, faults::Profile::kFull);
    Cluster cluster(options);
    bool was_done = cluster.clients_done();
    for (int i = 0; i < 200000 && cluster.step(); i++) {
      ASSERT_EQ(cluster.ticks(), cluster.now().microseconds() / options.tick_us) << seed;
      bool all_done = true;
      for (std::size_t c = 0; c < cluster.client_count(); c++) {
        all_done = all_done && cluster.client(c).done();
      }
      ASSERT_EQ(cluster.clients_done(), all_done) << "seed " << seed << " step " << i;
      if (all_done != was_done) done_transitions++;
      was_done = all_done;
      if (all_done || cluster.finding().has_value()) break;
    }
  }
  EXPECT_GT(done_transitions, 10U);  // Workloads did complete, so the count was exercised.
}

// Steps a cluster of `options` alone for `steps` events; returns its fingerprint.
std::uint64_t SoloFingerprint(const RunOptions& options, int steps) {
  Cluster cluster(options);
  for (int i = 0; i < steps; i++) EXPECT_TRUE(cluster.step());
  return cluster.trace().fingerprint();
}

TEST(RunnerTest, InterleavedClustersDoNotAffectEachOther) {
  // Two clusters alive at once in one process, stepped in an uneven interleaving, each take the
  // path they take alone, whether they share a seed or not.
  constexpr int kSteps = 20000;
  const RunOptions one = NetworkProfile(21);
  const RunOptions two = NetworkProfile(22);
  const std::uint64_t solo_one = SoloFingerprint(one, kSteps);
  const std::uint64_t solo_two = SoloFingerprint(two, kSteps);
  ASSERT_NE(solo_one, solo_two);

  Cluster a(one);
  Cluster b(one);
  Cluster c(two);
  int a_steps = 0;
  int b_steps = 0;
  int c_steps = 0;
  for (int round = 0; a_steps < kSteps || b_steps < kSteps || c_steps < kSteps; round++) {
    // Uneven: a steps every round, b twice every third round, c in bursts.
    if (a_steps < kSteps) a_steps += a.step() ? 1 : kSteps;
    for (int i = 0; i < (round % 3 == 0 ? 2 : 0) && b_steps < kSteps; i++) {
      b_steps += b.step() ? 1 : kSteps;
    }
    for (int i = 0; i < (round % 7 == 0 ? 5 : 0) && c_steps < kSteps; i++) {
      c_steps += c.step() ? 1 : kSteps;
    }
  }
  EXPECT_EQ(a.events(), static_cast<std::uint64_t>(kSteps));
  EXPECT_EQ(a.trace().fingerprint(), solo_one);
  EXPECT_EQ(b.trace().fingerprint(), solo_one);
  EXPECT_EQ(c.trace().fingerprint(), solo_two);
  EXPECT_EQ(a.trace().checkpoints(), b.trace().checkpoints());
}

}  // namespace
}  // namespace vsrsim::sim
