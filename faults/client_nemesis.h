#pragma once
// Client nemesis.
//
// Fault model: a client's connections to every replica close for 1..disconnect_ticks_max ticks and
// then reopen. While closed, the client's sends are lost and so are replies travelling to it; a
// request that left before the close still reaches its replica, whose reply then meets a closed
// connection. (The cluster also closes a client's connections right after a retransmission with its
// own drawn chance: the timing of the review's finding (b).)
// Guarantee kept: every connection reopens; the liveness phase reopens them all.

#include "faults/fault_event.h"
#include "sim/cluster.h"

namespace vsrsim::faults {

class ClientNemesis {
 public:
  void on_tick(sim::Cluster& cluster, const Emit& emit);
};

}  // namespace vsrsim::faults
