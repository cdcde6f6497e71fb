#include "faults/partition_nemesis.h"

namespace vsrsim::faults {

namespace {

std::size_t ProcessCount(const sim::Cluster& cluster) {
  return cluster.replica_count() + cluster.client_count();
}

}  // namespace

void PartitionNemesis::isolate(sim::Cluster& cluster, std::size_t replica, bool outgoing,
                               bool incoming) {
  const auto r = static_cast<sim::Process>(replica);
  for (std::size_t p = 0; p < ProcessCount(cluster); p++) {
    if (p == replica) continue;
    const auto other = static_cast<sim::Process>(p);
    if (outgoing) cluster.set_blocked(r, other, true);
    if (incoming) cluster.set_blocked(other, r, true);
  }
}

void PartitionNemesis::start(sim::Cluster& cluster) {
  sim::Prng& prng = cluster.fault_prng();
  const std::size_t replicas = cluster.replica_count();
  const std::uint64_t shape = prng.Below(4);
  switch (shape) {
    case 0:
      isolate(cluster, prng.Below(replicas), true, true);
      break;
    case 1:
      isolate(cluster, cluster.current_primary().value_or(prng.Below(replicas)), true, true);
      break;
    case 2: {
      std::vector<std::uint8_t> side(replicas);
      for (auto& s : side) s = prng.Coin() ? 1 : 0;
      for (std::size_t a = 0; a < replicas; a++) {
        for (std::size_t b = 0; b < replicas; b++) {
          if (side[a] != side[b]) {
            cluster.set_blocked(static_cast<sim::Process>(a), static_cast<sim::Process>(b), true);
          }
        }
      }
      break;
    }
    default: {
      const bool outgoing = prng.Coin();
      isolate(cluster, prng.Below(replicas), outgoing, !outgoing);
      break;
    }
  }
  active_ = true;
  until_tick_ = cluster.ticks() + prng.Between(1, cluster.options().faults.partition_ticks_max);
  cluster.note_partition();
  cluster.record_fault(1, 0, 0, shape);
}

void PartitionNemesis::on_tick(sim::Cluster& cluster) {
  const sim::FaultOptions& faults = cluster.options().faults;
  sim::Prng& prng = cluster.fault_prng();
  if (active_ && cluster.ticks() >= until_tick_) {
    for (std::size_t a = 0; a < ProcessCount(cluster); a++) {
      for (std::size_t b = 0; b < ProcessCount(cluster); b++) {
        cluster.set_blocked(static_cast<sim::Process>(a), static_cast<sim::Process>(b), false);
      }
    }
    active_ = false;
  } else if (!active_ && prng.Chance(faults.partition)) {
    start(cluster);
  }
  if (cluster.replica_count() > 1 && prng.Chance(faults.clog)) {
    const auto from = static_cast<sim::Process>(prng.Below(cluster.replica_count()));
    const auto to = static_cast<sim::Process>((from + 1 + prng.Below(cluster.replica_count() - 1)) %
                                              cluster.replica_count());
    cluster.clog(from, to,
                 sim::Duration::Microseconds(cluster.options().tick_us *
                                             prng.Between(1, faults.clog_ticks_max)));
  }
}

}  // namespace vsrsim::faults
