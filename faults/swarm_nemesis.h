#pragma once
// The swarm nemesis: every fault kind the seed switched on, acting each tick of the safety phase,
// and the heal before the liveness phase.
//
// Heal: choose a random core of at least a replication quorum (which is also at least a view-change
// quorum), restart its crashed replicas, stop every fault, and cut the replicas outside the core
// off completely, so the core must converge on its own.

#include <vector>

#include "faults/client_nemesis.h"
#include "faults/crash_nemesis.h"
#include "faults/partition_nemesis.h"
#include "sim/nemesis.h"

namespace vsrsim::faults {

class SwarmNemesis final : public sim::Nemesis {
 public:
  void on_tick(sim::Cluster& cluster) override;
  std::vector<std::size_t> heal(sim::Cluster& cluster) override;

 private:
  PartitionNemesis partitions_;
  CrashNemesis crashes_;
  ClientNemesis clients_;
};

}  // namespace vsrsim::faults
