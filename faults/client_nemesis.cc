#include "faults/client_nemesis.h"

namespace vsrsim::faults {

void ClientNemesis::on_tick(sim::Cluster& cluster, const Emit& emit) {
  sim::Prng& prng = cluster.fault_prng();
  const sim::FaultOptions& faults = cluster.options().faults;
  if (!prng.Chance(faults.disconnect)) return;
  emit({.tick = cluster.ticks(),
        .kind = FaultKind::kDisconnect,
        .a = static_cast<std::uint8_t>(prng.Below(cluster.client_count())),
        .ticks = static_cast<std::uint32_t>(prng.Between(1, faults.disconnect_ticks_max))});
}

}  // namespace vsrsim::faults
