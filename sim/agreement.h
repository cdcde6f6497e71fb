#pragma once
// Checker 3, agreement and monotonicity: a replica's view, log view and commit never go back,
// across restarts too (a restarted replica is compared with what it had made durable); replicas
// that have executed the same ops hold identical clients tables and state machines. (That committed
// prefixes agree op by op is checked by the at-most-once checker's history.)

#include <cstdint>
#include <vector>

#include "core/replica.h"
#include "sim/checker.h"

namespace vsrsim::sim {

class AgreementChecker {
 public:
  explicit AgreementChecker(std::size_t replica_count) : last_(replica_count) {}

  // After every event that touched `replica`.
  Finding on_replica(const core::Replica& replica);
  // When `replica` restarts: it continues from its durable state, which must not be older than what
  // it had synced before the crash.
  Finding on_restart(const core::Replica& replica, const core::Superblock& durable_before);
  // Replicas at the same commit_min must hold equal clients tables and state machines.
  Finding on_converged(const std::vector<const core::Replica*>& replicas) const;

 private:
  struct Seen {
    core::View view = 0;
    core::View log_view = 0;
    core::Op commit_min = 0;
  };
  std::vector<Seen> last_;
};

}  // namespace vsrsim::sim
