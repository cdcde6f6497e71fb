#pragma once
// Checker 3, agreement and monotonicity: a replica's view, log view and commit never go back,
// across restarts too (a restarted replica is compared with what it had made durable); replicas
// that have executed the same ops hold identical clients tables and state machines. (That committed
// prefixes agree op by op is checked by the at-most-once checker's history.)
//
// Tables are compared whenever two replicas reach the same commit, not only at quiescence: each
// time a replica's commit_min changes, the digests of its clients table and partition log are
// compared with those the first replica to reach that commit recorded. The record is a ring of the
// latest kCommitsKept commits (a replica lagging further behind than that is not compared at the
// commits it passes), so memory is bounded and a comparison costs one table digest (a hash per
// table entry) and a slot lookup, at commit points only.

#include <cstdint>
#include <vector>

#include "core/replica.h"
#include "sim/checker.h"
#include "sim/observer.h"

namespace vsrsim::sim {

class AgreementChecker final : public Observer {
 public:
  static constexpr std::size_t kCommitsKept = 1024;

  explicit AgreementChecker(std::size_t replica_count)
      : last_(replica_count), commits_(kCommitsKept) {}

  std::uint32_t hooks() const override {
    return HookBit(Hook::kReplicaChanged) | HookBit(Hook::kReplicaCommitted) |
           HookBit(Hook::kReplicaRestarted) | HookBit(Hook::kCoreConverged);
  }
  Finding on_replica_changed(ObservedAt, const ReplicaChanged& changed) override {
    return on_replica(*changed.replica);
  }
  Finding on_replica_committed(ObservedAt, const core::Replica& replica) override {
    return on_replica(replica);
  }
  Finding on_replica_restarted(ObservedAt, const core::Replica& replica,
                               const core::Superblock& durable) override {
    return on_restart(replica, durable);
  }
  Finding on_core_converged(const std::vector<const core::Replica*>& replicas) override {
    return on_converged(replicas);
  }

  // After `replica`'s status, view or commit changed.
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
  // What the first replica to reach `commit` held there.
  struct CommitRecord {
    core::Op commit = 0;  // 0: unused.
    std::uint64_t table_digest = 0;
    std::uint64_t log_digest = 0;
    std::uint8_t replica = 0;
  };
  // Compares the replica's table and log at its commit_min with the record of that commit, or
  // records them.
  Finding compare_at_commit(const core::Replica& replica);

  std::vector<Seen> last_;
  std::vector<CommitRecord> commits_;  // commits_[commit % kCommitsKept]
};

}  // namespace vsrsim::sim
