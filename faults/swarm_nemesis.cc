#include "faults/swarm_nemesis.h"

#include <algorithm>

namespace vsrsim::faults {

void SwarmNemesis::on_tick(sim::Cluster& cluster) {
  partitions_.on_tick(cluster);
  crashes_.on_tick(cluster);
  clients_.on_tick(cluster);
}

std::vector<std::size_t> SwarmNemesis::heal(sim::Cluster& cluster) {
  sim::Prng& prng = cluster.fault_prng();
  const std::size_t replicas = cluster.replica_count();
  const std::size_t size = prng.Between(core::QuorumReplication(replicas), replicas);
  // A random subset of `size` replicas (selection sampling: one pass, in index order).
  std::vector<std::size_t> core;
  for (std::size_t r = 0; r < replicas && core.size() < size; r++) {
    if (prng.Below(replicas - r) < size - core.size()) core.push_back(r);
  }
  cluster.heal();
  crashes_.heal(cluster, core);
  const std::size_t processes = replicas + cluster.client_count();
  for (std::size_t r = 0; r < replicas; r++) {
    if (std::find(core.begin(), core.end(), r) != core.end()) continue;
    for (std::size_t p = 0; p < processes; p++) {
      if (p == r) continue;
      cluster.set_blocked(static_cast<sim::Process>(r), static_cast<sim::Process>(p), true);
      cluster.set_blocked(static_cast<sim::Process>(p), static_cast<sim::Process>(r), true);
    }
  }
  return core;
}

}  // namespace vsrsim::faults
