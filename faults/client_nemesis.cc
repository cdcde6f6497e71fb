#include "faults/client_nemesis.h"

namespace vsrsim::faults {

void ClientNemesis::on_tick(sim::Cluster& cluster) {
  sim::Prng& prng = cluster.fault_prng();
  const sim::FaultOptions& faults = cluster.options().faults;
  if (!prng.Chance(faults.disconnect)) return;
  const std::size_t client = prng.Below(cluster.client_count());
  cluster.disconnect_client(
      client, sim::Duration::Microseconds(cluster.options().tick_us *
                                          prng.Between(1, faults.disconnect_ticks_max)));
}

}  // namespace vsrsim::faults
