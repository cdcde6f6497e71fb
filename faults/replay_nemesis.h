#pragma once
// Replay nemesis: stale messages.
//
// Fault model: a message a replica sent another replica may arrive again long after it was sent
// (a packet stuck in a switch queue, a retransmission buffer or an old connection flushed), any
// number of views and restarts later. The network remembers the last few messages of each kind on
// each replica-to-replica link (sim::Network's replay memory); the nemesis picks one by link, kind
// and age and delivers it again, through the network's ordinary loss, partitions and delays.
// - Per tick, with the chance `replay`, one remembered message on a random link.
// - When a replica restarts, with the chance `replay_after_restart`, a flush: each peer's queue to
//   it is flushed with an even chance, and a flushed queue delivers each message the link
//   remembers with an even chance, in the order the network's delays give. Recovery is where a
//   replica is least able to tell a stale message from a fresh one.
// Kinds are drawn uniformly among those the link remembers, so a rare kind (a StartView, a
// DoViewChange) comes back as often as a heartbeat. A replayed message is a true copy: the fault
// never forges or corrupts one. Decisions come from their own stream, so switching the fault on
// shifts no other fault's draws.

#include <cstdint>
#include <optional>

#include "faults/fault_event.h"
#include "sim/cluster.h"
#include "sim/prng.h"

namespace vsrsim::faults {

class ReplayNemesis {
 public:
  void on_tick(sim::Cluster& cluster, const Emit& emit);
  // After `replica` restarted.
  void on_restart(sim::Cluster& cluster, std::size_t replica, const Emit& emit);

 private:
  sim::Prng& prng(const sim::Cluster& cluster);
  // Emits a replay of a random remembered message from -> to, if the link remembers any.
  void replay_one(sim::Cluster& cluster, std::size_t from, std::size_t to, const Emit& emit);

  std::optional<sim::Prng> prng_;
};

}  // namespace vsrsim::faults
