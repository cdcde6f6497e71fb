#include "faults/swarm_nemesis.h"

#include <algorithm>

#include "faults/scenario.h"

namespace vsrsim::faults {

void HealCore(sim::Cluster& cluster, FaultApplier& applier, const std::vector<std::size_t>& core) {
  std::uint64_t core_mask = 0;
  for (const std::size_t r : core) core_mask |= std::uint64_t{1} << r;
  cluster.record_fault(sim::kHealFault, 0, 0, core_mask);
  cluster.heal();
  applier.clear();
  for (const std::size_t r : core) {
    if (cluster.replica(r) == nullptr) cluster.restart(r);
  }
  const std::size_t replicas = cluster.replica_count();
  const std::size_t processes = replicas + cluster.client_count();
  for (std::size_t r = 0; r < replicas; r++) {
    if (std::find(core.begin(), core.end(), r) != core.end()) continue;
    for (std::size_t p = 0; p < processes; p++) {
      if (p == r) continue;
      cluster.set_blocked(static_cast<sim::Process>(r), static_cast<sim::Process>(p), true);
      cluster.set_blocked(static_cast<sim::Process>(p), static_cast<sim::Process>(r), true);
    }
  }
}

void SwarmNemesis::on_tick(sim::Cluster& cluster) {
  applier_.on_tick(cluster);
  Emit emit;
  emit = [&](const FaultEvent& event) {
    events_.push_back(event);
    if (observer_) observer_(FormatFaultEvent(event));
    applier_.apply(cluster, event);
    if (event.kind == FaultKind::kRestart && cluster.replica(event.a) != nullptr) {
      replays_.on_restart(cluster, event.a, emit);
    }
  };
  partitions_.on_tick(cluster, emit);
  crashes_.on_tick(cluster, emit);
  clients_.on_tick(cluster, emit);
  replays_.on_tick(cluster, emit);
  storage_.on_tick(cluster, emit);
}

std::vector<std::size_t> SwarmNemesis::heal(sim::Cluster& cluster) {
  sim::Prng& prng = cluster.fault_prng();
  const std::size_t replicas = cluster.replica_count();
  core_.clear();
  const std::vector<std::size_t>& faulty = storage_.faulty();
  if (!faulty.empty()) {
    // Every healthy replica, and each faulty one with a coin.
    for (std::size_t r = 0; r < replicas; r++) {
      const bool is_faulty = std::find(faulty.begin(), faulty.end(), r) != faulty.end();
      if (!is_faulty || prng.Coin()) core_.push_back(r);
    }
  } else {
    const std::size_t size = prng.Between(core::QuorumReplication(replicas), replicas);
    // A random subset of `size` replicas (selection sampling: one pass, in index order).
    for (std::size_t r = 0; r < replicas && core_.size() < size; r++) {
      if (prng.Below(replicas - r) < size - core_.size()) core_.push_back(r);
    }
  }
  if (observer_) observer_(FormatCore(core_));
  HealCore(cluster, applier_, core_);
  return core_;
}

}  // namespace vsrsim::faults
