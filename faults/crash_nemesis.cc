#include "faults/crash_nemesis.h"

#include <algorithm>

namespace vsrsim::faults {

void CrashNemesis::on_tick(sim::Cluster& cluster, const Emit& emit) {
  const std::size_t replicas = cluster.replica_count();
  restart_tick_.resize(replicas, 0);
  sim::Prng& prng = cluster.fault_prng();
  for (std::size_t r = 0; r < replicas; r++) {
    if (restart_tick_[r] != 0 && cluster.ticks() >= restart_tick_[r]) {
      restart_tick_[r] = 0;
      emit({.tick = cluster.ticks(),
            .kind = FaultKind::kRestart,
            .a = static_cast<std::uint8_t>(r)});
    }
  }
  if (!prng.Chance(cluster.options().faults.crash)) return;
  const auto down = static_cast<std::size_t>(
      std::count_if(restart_tick_.begin(), restart_tick_.end(), [](auto t) { return t != 0; }));
  const std::size_t down_max =
      std::max<std::size_t>(1, replicas - core::QuorumReplication(replicas));
  if (down >= down_max) return;
  // Half the crashes hit the primary: the crash that forces a view change is the interesting one.
  const auto primary = cluster.current_primary();
  const std::size_t victim = primary && prng.Coin() ? *primary : prng.Below(replicas);
  if (restart_tick_[victim] != 0) return;
  emit(
      {.tick = cluster.ticks(), .kind = FaultKind::kCrash, .a = static_cast<std::uint8_t>(victim)});
  restart_tick_[victim] =
      cluster.ticks() + prng.Between(1, cluster.options().faults.down_ticks_max);
}

}  // namespace vsrsim::faults
