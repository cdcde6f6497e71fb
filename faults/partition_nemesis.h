#pragma once
// Partition nemesis.
//
// Fault model: at most one partition at a time, lasting 1..partition_ticks_max ticks, of one of
// four shapes: one replica isolated (from replicas and clients), the primary isolated (forces a
// view change), a random split of the replicas into two sides, or a one-way partition (one replica
// can hear but not speak, or speak but not hear). Independently, one link between two replicas may
// be clogged (nothing delivered for a while, then everything at once). Guarantee kept: every
// partition ends, and the liveness phase heals them all.

#include <cstdint>
#include <vector>

#include "faults/fault_event.h"
#include "sim/cluster.h"

namespace vsrsim::faults {

class PartitionNemesis {
 public:
  void on_tick(sim::Cluster& cluster, const Emit& emit);

 private:
  void start(sim::Cluster& cluster, const Emit& emit);

  std::uint64_t until_tick_ = 0;
};

}  // namespace vsrsim::faults
