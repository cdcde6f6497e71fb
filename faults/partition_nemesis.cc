#include "faults/partition_nemesis.h"

namespace vsrsim::faults {

void PartitionNemesis::start(sim::Cluster& cluster, const Emit& emit) {
  sim::Prng& prng = cluster.fault_prng();
  const std::size_t replicas = cluster.replica_count();
  const std::size_t processes = replicas + cluster.client_count();
  const auto ticks =
      static_cast<std::uint32_t>(prng.Between(1, cluster.options().faults.partition_ticks_max));
  const std::uint64_t now = cluster.ticks();
  const auto block = [&](std::size_t from, std::size_t to) {
    emit({.tick = now,
          .kind = FaultKind::kBlock,
          .a = static_cast<std::uint8_t>(from),
          .b = static_cast<std::uint8_t>(to),
          .ticks = ticks});
  };
  switch (prng.Below(4)) {
    case 0:
      emit({.tick = now,
            .kind = FaultKind::kIsolate,
            .a = static_cast<std::uint8_t>(prng.Below(replicas)),
            .ticks = ticks});
      break;
    case 1:
      emit({.tick = now, .kind = FaultKind::kIsolatePrimary, .ticks = ticks});
      break;
    case 2: {
      std::vector<std::uint8_t> side(replicas);
      for (auto& s : side) s = prng.Coin() ? 1 : 0;
      for (std::size_t a = 0; a < replicas; a++) {
        for (std::size_t b = 0; b < replicas; b++) {
          if (side[a] != side[b]) block(a, b);
        }
      }
      break;
    }
    default: {
      // One way: the replica hears but cannot speak, or speaks but cannot hear.
      const bool outgoing = prng.Coin();
      const std::size_t replica = prng.Below(replicas);
      for (std::size_t p = 0; p < processes; p++) {
        if (p == replica) continue;
        if (outgoing) {
          block(replica, p);
        } else {
          block(p, replica);
        }
      }
      break;
    }
  }
  until_tick_ = now + ticks;
}

void PartitionNemesis::on_tick(sim::Cluster& cluster, const Emit& emit) {
  const sim::FaultOptions& faults = cluster.options().faults;
  sim::Prng& prng = cluster.fault_prng();
  if (cluster.ticks() >= until_tick_ && prng.Chance(faults.partition)) start(cluster, emit);
  if (cluster.replica_count() > 1 && prng.Chance(faults.clog)) {
    const auto from = static_cast<std::uint8_t>(prng.Below(cluster.replica_count()));
    const auto to = static_cast<std::uint8_t>((from + 1 + prng.Below(cluster.replica_count() - 1)) %
                                              cluster.replica_count());
    emit({.tick = cluster.ticks(),
          .kind = FaultKind::kClog,
          .a = from,
          .b = to,
          .ticks = static_cast<std::uint32_t>(prng.Between(1, faults.clog_ticks_max))});
  }
}

}  // namespace vsrsim::faults
