#pragma once
// The seam between the world's mechanisms (sim/) and the fault policies (faults/): the runner calls
// a nemesis once per tick of the safety phase, and once to heal before the liveness phase.

#include <cstdint>
#include <string>
#include <vector>

namespace vsrsim::sim {

class Cluster;

class Nemesis {
 public:
  virtual ~Nemesis() = default;
  virtual void on_tick(Cluster& cluster) = 0;
  // Heals a core of replicas (at least a view-change quorum) and returns their indexes; the core
  // must then converge.
  virtual std::vector<std::size_t> heal(Cluster& cluster) = 0;
};

}  // namespace vsrsim::sim
