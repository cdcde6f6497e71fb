#pragma once
// Crash nemesis.
//
// Fault model: a live replica crashes between two events (never inside a handler), loses its memory
// and whatever writes it had not synced (some may have reached the disk, the last one possibly
// torn), and restarts after 1..down_ticks_max ticks from its durable superblock and journal. At
// most max(1, replica_count - replication quorum) replicas are down at once, so most seeds keep a
// quorum while the faults run. Half the crashes hit the current primary, to force view changes.
// Guarantee kept: synced writes survive; every crashed replica of the
// healed core restarts before the liveness phase.

#include <cstdint>
#include <vector>

#include "faults/fault_event.h"
#include "sim/cluster.h"

namespace vsrsim::faults {

class CrashNemesis {
 public:
  void on_tick(sim::Cluster& cluster, const Emit& emit);

 private:
  std::vector<std::uint64_t> restart_tick_;  // 0: up.
};

}  // namespace vsrsim::faults
