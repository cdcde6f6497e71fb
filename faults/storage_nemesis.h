#pragma once
// Storage nemesis (issue 17): sector errors, corrupt reads, misdirected writes and failed syncs
// (sim/sim_storage.h) on the disks of a few replicas, and entries corrupted on their way into
// those replicas (sim/cluster.h: faulty hardware, its memory or network interface).
//
// Fault model: the disks of at most replica_count - replication quorum replicas are faulty
// (drawn once per run, at least one when the cluster has room for one); the others never see a
// storage fault. With the chance `faults.storage` per tick, one faulty disk gets one fault, its
// kind drawn evenly: a sector error over 1..8 journal slots, a corrupt read of one slot at its
// next restart, a misdirected next entry write, a failed next sync (after which the replica
// halts and restarts from its disk), a corrupt read of its checkpoint at its next restart, or the
// next entry it is delivered (a Prepare's or a RepairEntry's) arriving with a corrupt body. The
// heal's core holds every healthy replica (SwarmNemesis::heal), so a replication quorum of healthy
// disks converges on its own: a committed op is on a replication quorum of disks, and at least one
// of them in any view-change quorum of the healthy is intact. A replica that finds its journal
// damaged waits to be repaired by them.
//
// What it does not do: faults in the superblock, the checkpoint areas or the data area (outside
// the fault model: core/storage.h), a write-back cache (power loss never loses synced data).
// These draws come from their own stream, so switching the fault on shifts no other fault's draws.

#include <cstdint>
#include <optional>
#include <vector>

#include "faults/fault_event.h"
#include "sim/cluster.h"
#include "sim/prng.h"

namespace vsrsim::faults {

// Whether `kind` is one of the storage faults below (a fault of its replica's disk or of entries
// on their way into it).
bool IsStorageFault(FaultKind kind);

// Makes `event` one storage fault on its replica `event.a`: its kind drawn evenly over the six
// kinds above, and where one lands in a journal of `slots` slots (slots >= 1). The one draw of a
// storage fault, shared by the nemesis and `explore`'s mutations (faults/scenario_mutation.cc),
// so both draw from the same fault model.
void DrawStorageFault(FaultEvent& event, std::size_t slots, sim::Prng& prng);

class StorageNemesis {
 public:
  void on_tick(sim::Cluster& cluster, const Emit& emit);
  // The replicas whose disks are faulty (empty until the first tick with the fault on).
  const std::vector<std::size_t>& faulty() const { return faulty_; }

  static constexpr std::uint64_t kSectorErrorSlotsDrawn = 8;

 private:
  std::optional<sim::Prng> prng_;
  std::vector<std::size_t> faulty_;
};

}  // namespace vsrsim::faults
