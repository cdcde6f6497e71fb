#include "faults/swarm.h"

#include <array>

#include "core/types.h"
#include "sim/prng.h"

namespace vsrsim::faults {

namespace {

// A rate switched on with probability 1/2, then drawn up to numerator_max / denominator.
sim::Ratio MaybeRate(sim::Prng& prng, std::uint32_t numerator_max, std::uint32_t denominator) {
  if (!prng.Coin()) return {0, 1};
  return {static_cast<std::uint32_t>(prng.Between(1, numerator_max)), denominator};
}

void DrawNetwork(sim::Prng& prng, sim::NetworkOptions& network) {
  network.delay_min_us = prng.Between(100, 2000);
  network.delay_jitter_us = prng.Between(0, 5000);
  network.delay_tail = {static_cast<std::uint32_t>(prng.Between(0, 10)), 100};
  network.delay_tail_max_us = prng.Between(5000, 60000);
  network.loss = MaybeRate(prng, 30, 100);       // Up to 30%.
  network.duplicate = MaybeRate(prng, 50, 100);  // Up to 50%.
  network.reorder = prng.Coin();
  network.link_capacity = static_cast<std::uint32_t>(prng.Between(8, 128));
}

void DrawFaults(sim::Prng& prng, sim::FaultOptions& faults) {
  faults.partition = MaybeRate(prng, 20, 1000);
  faults.partition_ticks_max = static_cast<std::uint32_t>(prng.Between(10, 200));
  faults.crash = MaybeRate(prng, 10, 1000);
  faults.down_ticks_max = static_cast<std::uint32_t>(prng.Between(10, 200));
  faults.torn_write = MaybeRate(prng, 1, 2);
  faults.disconnect = MaybeRate(prng, 20, 1000);
  faults.disconnect_ticks_max = static_cast<std::uint32_t>(prng.Between(2, 50));
  faults.disconnect_after_retransmit = MaybeRate(prng, 1, 4);
  faults.clog = MaybeRate(prng, 20, 1000);
  faults.clog_ticks_max = static_cast<std::uint32_t>(prng.Between(5, 60));
  faults.drift_ppm_max = prng.Coin() ? static_cast<std::uint32_t>(prng.Between(1, 50'000)) : 0;
}

}  // namespace

sim::RunOptions DrawOptions(std::uint64_t seed, Profile profile) {
  sim::Prng prng = sim::Prng(seed).Fork("swarm");
  sim::RunOptions options;
  options.seed = seed;
  // 1 to 6 replicas, weighted towards the sizes where view changes and quorums are interesting:
  // 1: 5%, 2: 10%, 3: 30%, 4: 20%, 5: 20%, 6: 15%.
  static constexpr std::array<std::uint32_t, core::kReplicasMax> kWeights = {5, 10, 30, 20, 20, 15};
  std::uint64_t draw = prng.Below(100);
  options.replica_count = 1;
  for (std::size_t i = 0; i < kWeights.size() && draw >= kWeights[i]; i++) {
    draw -= kWeights[i];
    options.replica_count++;
  }
  // A small clients_max and up to 2 * clients_max - 1 clients, so registration evicts sessions.
  options.clients_max = static_cast<std::uint32_t>(prng.Between(2, 6));
  options.client_count = static_cast<std::uint8_t>(prng.Between(1, 2 * options.clients_max - 1));
  options.requests_per_client = static_cast<std::uint32_t>(prng.Between(5, 30));
  options.view_change_timeout_ticks_min = static_cast<std::uint32_t>(prng.Between(10, 30));
  options.view_change_timeout_ticks_max =
      options.view_change_timeout_ticks_min + static_cast<std::uint32_t>(prng.Between(0, 30));
  options.client_retry_ticks_min = static_cast<std::uint32_t>(prng.Between(2, 8));
  options.client_retry_ticks_max =
      options.client_retry_ticks_min * static_cast<std::uint32_t>(prng.Between(2, 16));
  options.storage.sync_latency_min_us = prng.Between(10, 500);
  options.storage.sync_latency_max_us = options.storage.sync_latency_min_us + prng.Between(0, 3000);
  DrawNetwork(prng, options.network);
  sim::FaultOptions faults;
  DrawFaults(prng, faults);  // Always drawn, so a profile never shifts the other draws.
  // Drawn after everything else, so the draws above stay what they were before this fault existed.
  faults.replay = MaybeRate(prng, 30, 1000);
  faults.replay_after_restart = MaybeRate(prng, 4, 4);
  // Drawn last of all, for the same reason: the share of workload requests that are reads.
  options.reads = {static_cast<std::uint32_t>(prng.Between(0, 50)), 100};
  // Issue 14, drawn after the reads for the same reason: crashes aimed at the sync window.
  faults.crash_sync_window = MaybeRate(prng, 60, 1000);
  // Issue 16, drawn last for the same reason: small, so most runs checkpoint several times.
  options.checkpoint_ops = static_cast<std::uint32_t>(prng.Between(4, 32));
  // A journal just above its minimum, so it wraps in most runs.
  options.journal_slots =
      options.checkpoint_ops + static_cast<std::uint32_t>(core::kPipelineMax + prng.Between(0, 24));
  // Issue 17, drawn last for the same reason: storage faults, on in three seeds of four.
  faults.storage = prng.Below(4) == 0
                       ? sim::Ratio{0, 1}
                       : sim::Ratio{static_cast<std::uint32_t>(prng.Between(5, 50)), 1000};
  if (profile == Profile::kFull) {
    options.faults = faults;
    options.network.replay_memory =
        faults.replay.numerator > 0 || faults.replay_after_restart.numerator > 0;
  }
  return options;
}

}  // namespace vsrsim::faults
