#pragma once
// Crash nemesis.
//
// Fault model: a live replica crashes between two events (never inside a handler), loses its memory
// and whatever writes it had not synced (some may have reached the disk, the last one possibly
// torn), and restarts after 1..down_ticks_max ticks from its durable superblock and journal. At
// most max(1, replica_count - replication quorum) replicas are down at once, so most seeds keep a
// quorum while the faults run. Half the crashes hit the current primary, to force view changes.
//
// Crashes in the sync window (issue 14): with the chance `crash_sync_window` per tick, a live
// replica (half the time the primary) is armed to crash right before its next sync completes, so
// the writes of that sync are at risk (the disk's rules above decide which survive) and whatever
// it sent while they were pending has left. Random crashes rarely land there, yet it is where a
// replica that said something before it was durable (an acknowledgement, a view, a commit counted
// on its own unsynced write, a log rewrite out of order) is caught out. An armed replica counts
// against the budget of down replicas; once it crashed it restarts like the others. These draws
// come from their own stream, so switching the fault on shifts no other fault's draws.
//
// Guarantee kept: synced writes survive; every crashed replica of the healed core restarts before
// the liveness phase.

#include <cstdint>
#include <optional>
#include <vector>

#include "faults/fault_event.h"
#include "sim/cluster.h"
#include "sim/prng.h"

namespace vsrsim::faults {

class CrashNemesis {
 public:
  void on_tick(sim::Cluster& cluster, const Emit& emit);

 private:
  // Crashes `victim` (up, within the budget checked by the caller) until a drawn tick.
  void crash(sim::Cluster& cluster, std::size_t victim, std::uint64_t down_ticks, const Emit& emit);
  std::size_t down_count() const;
  std::size_t down_max(const sim::Cluster& cluster) const;
  void maybe_crash_in_sync_window(sim::Cluster& cluster, const Emit& emit);

  std::vector<std::uint64_t> restart_tick_;  // 0: up.
  std::vector<std::uint8_t> armed_;          // Armed to crash before its next sync completes.
  std::optional<sim::Prng> sync_window_prng_;
};

}  // namespace vsrsim::faults
