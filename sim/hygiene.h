#pragma once
// Checker 7, hygiene (white-box): no pending entry of the clients table outlives its view, and
// nothing is pending at quiescence. It reads the reviewed code's pending-waiter map, which only
// mutants (c) and (d) fill: on the correct core it is always empty, so it is a detector of those
// mutants' leaks (it flags (d) at the first view change, before any harm) rather than a property
// a client could see.

#include <cstdint>
#include <vector>

#include "sim/checker.h"
#include "sim/observer.h"

namespace vsrsim::sim {

class HygieneChecker final : public Observer {
 public:
  std::uint32_t hooks() const override {
    return HookBit(Hook::kReplicaChanged) | HookBit(Hook::kQuiescent);
  }
  // A replica that entered a new view still holds pending entries of an older one.
  Finding on_replica_changed(ObservedAt, const ReplicaChanged& changed) override;
  // Any live replica still holding a pending waiter at quiescence.
  Finding on_quiescent(const std::vector<const core::Replica*>& replicas) override;
};

}  // namespace vsrsim::sim
