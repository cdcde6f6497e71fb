#include "faults/crash_nemesis.h"

#include <algorithm>

namespace vsrsim::faults {

std::size_t CrashNemesis::down_count() const {
  std::size_t down = 0;
  for (std::size_t r = 0; r < restart_tick_.size(); r++) {
    // An armed replica counts as down: it will crash at its next sync.
    if (restart_tick_[r] != 0 || armed_[r] != 0) down++;
  }
  return down;
}

std::size_t CrashNemesis::down_max(const sim::Cluster& cluster) const {
  const std::size_t replicas = cluster.replica_count();
  return std::max<std::size_t>(1, replicas - core::QuorumReplication(replicas));
}

void CrashNemesis::crash(sim::Cluster& cluster, std::size_t victim, std::uint64_t down_ticks,
                         const Emit& emit) {
  emit(
      {.tick = cluster.ticks(), .kind = FaultKind::kCrash, .a = static_cast<std::uint8_t>(victim)});
  restart_tick_[victim] = cluster.ticks() + down_ticks;
}

void CrashNemesis::on_tick(sim::Cluster& cluster, const Emit& emit) {
  const std::size_t replicas = cluster.replica_count();
  restart_tick_.resize(replicas, 0);
  armed_.resize(replicas, 0);
  sim::Prng& prng = cluster.fault_prng();
  for (std::size_t r = 0; r < replicas; r++) {
    if (restart_tick_[r] != 0 && cluster.ticks() >= restart_tick_[r]) {
      restart_tick_[r] = 0;
      emit({.tick = cluster.ticks(),
            .kind = FaultKind::kRestart,
            .a = static_cast<std::uint8_t>(r)});
    }
  }
  // Random crashes first, then the sync window's, so a seed without the latter plays as before.
  if (prng.Chance(cluster.options().faults.crash) && down_count() < down_max(cluster)) {
    // Half the crashes hit the primary: the crash that forces a view change is the interesting
    // one.
    const auto primary = cluster.current_primary();
    const std::size_t victim = primary && prng.Coin() ? *primary : prng.Below(replicas);
    if (restart_tick_[victim] == 0 && armed_[victim] == 0) {
      crash(cluster, victim, prng.Between(1, cluster.options().faults.down_ticks_max), emit);
    }
  }
  maybe_crash_in_sync_window(cluster, emit);
}

void CrashNemesis::maybe_crash_in_sync_window(sim::Cluster& cluster, const Emit& emit) {
  const sim::Ratio rate = cluster.options().faults.crash_sync_window;
  if (rate.numerator == 0) return;
  if (!sync_window_prng_) {
    sync_window_prng_ = sim::Prng(cluster.options().seed).Fork("sync-window-crashes");
  }
  sim::Prng& prng = *sync_window_prng_;
  // An armed replica that crashed in its sync window restarts like any crashed replica.
  for (std::size_t r = 0; r < armed_.size(); r++) {
    if (armed_[r] == 0 || cluster.crash_before_sync_armed(r)) continue;
    armed_[r] = 0;
    if (cluster.replica(r) == nullptr && restart_tick_[r] == 0) {
      restart_tick_[r] = cluster.ticks() + prng.Between(1, cluster.options().faults.down_ticks_max);
    }
  }
  if (!prng.Chance(rate) || down_count() >= down_max(cluster)) return;
  // Half of them hit the primary, whose own unsynced prepare is the one it may count too early.
  const auto primary = cluster.current_primary();
  const std::size_t victim =
      primary && prng.Coin() ? *primary : prng.Below(cluster.replica_count());
  if (cluster.replica(victim) == nullptr || armed_[victim] != 0) return;
  armed_[victim] = 1;
  // Half of them wait for a sync that makes a checkpoint area write durable: the commit point of
  // a checkpoint or a state sync, where a replica that wrote over the area in force or left its
  // superblock out is caught out (a few syncs in a hundred carry one).
  emit({.tick = cluster.ticks(),
        .kind = prng.Coin() ? FaultKind::kCrashInCheckpointSync : FaultKind::kCrashInSync,
        .a = static_cast<std::uint8_t>(victim)});
}

}  // namespace vsrsim::faults
