#pragma once
// The swarm nemesis: every fault kind the seed switched on, acting each tick of the safety phase,
// and the heal before the liveness phase. Every fault it decides on is recorded as a FaultEvent, so
// the run can be dumped as an explicit scenario that replays identically.
//
// Heal: choose a random core of at least a replication quorum (which is also at least a view-change
// quorum), restart its crashed replicas, stop every fault, and cut the replicas outside the core
// off completely, so the core must converge on its own. With storage faults on, the core holds
// every replica whose disk is healthy and a random subset of the faulty ones (storage_nemesis.h).

#include <functional>
#include <string>
#include <vector>

#include "faults/client_nemesis.h"
#include "faults/crash_nemesis.h"
#include "faults/fault_event.h"
#include "faults/partition_nemesis.h"
#include "faults/replay_nemesis.h"
#include "faults/storage_nemesis.h"
#include "sim/nemesis.h"

namespace vsrsim::faults {

// Restarts the crashed replicas of `core`, stops every fault and cuts the other replicas off.
void HealCore(sim::Cluster& cluster, FaultApplier& applier, const std::vector<std::size_t>& core);

class SwarmNemesis final : public sim::Nemesis {
 public:
  void on_tick(sim::Cluster& cluster) override;
  std::vector<std::size_t> heal(sim::Cluster& cluster) override;

  // Called with every fault as it is decided, and with the healed core (so a run that aborts a
  // replica still leaves its schedule behind).
  void set_observer(std::function<void(const std::string& line)> observer) {
    observer_ = std::move(observer);
  }
  const std::vector<FaultEvent>& events() const { return events_; }
  const std::vector<std::size_t>& core() const { return core_; }
  // The replicas whose disks the storage nemesis made faulty (storage_nemesis.h).
  const std::vector<std::size_t>& faulty_disks() const { return storage_.faulty(); }

 private:
  FaultApplier applier_;
  PartitionNemesis partitions_;
  CrashNemesis crashes_;
  ClientNemesis clients_;
  ReplayNemesis replays_;
  StorageNemesis storage_;
  std::vector<FaultEvent> events_;
  std::vector<std::size_t> core_;
  std::function<void(const std::string&)> observer_;
};

}  // namespace vsrsim::faults
