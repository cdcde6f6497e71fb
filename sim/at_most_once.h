#pragma once
// Checker 1, at-most-once: the canonical committed history, and that nothing in it executes twice.
//
// Every replica reports every op it executes. The first report of an op extends the history (ops
// arrive in order: a replica executes op k only after op k-1, so some replica reported k-1 first).
// Later reports must match the history's entry (same checksum, so the replica's committed ops are a
// prefix of one hash-chained history) and its result (applied or not, the same reply bytes).
// At-most-once: no (client, session, request) appears twice among applied appends, and no payload
// entry is appended twice. It stays on after evictions.
//
// "Applied" is judged by the effect, not the claim: the checker reads what the replica's partition
// log gained since its previous execution (each replica's log only grows by executions, and starts
// empty at each incarnation: on_crash resets it, or at the checkpoint it installs, whose length
// is checked against the history). An execution that appends while it reports
// `applied = false` is checked as the append it is, and the false claim is itself a finding; so is
// a reply whose offsets are not where the entries went, and a register or read that appends.
//
// Its indexes are flat hash maps, reserved for the run's workload (reserve()), so that checking an
// op allocates nothing in the steady state. They are only ever looked up, never iterated.

#include <array>
#include <cstdint>
#include <vector>

#include "core/bus.h"
#include "sim/checker.h"
#include "sim/flat_hash_map.h"
#include "sim/observer.h"

namespace vsrsim::sim {

struct HistoryEntry {
  std::uint64_t checksum = 0;
  core::Request request{};
  bool applied = false;
  core::Reply reply{};
  std::uint8_t first_replica = 0;
  std::uint64_t log_size = 0;  // The partition log's length after this op.
};

class AtMostOnceChecker final : public Observer {
 public:
  std::uint32_t hooks() const override {
    return HookBit(Hook::kExecuted) | HookBit(Hook::kReplicaCrashed) |
           HookBit(Hook::kCheckpointInstalled);
  }
  Finding on_checkpoint_installed(ObservedAt, const core::CheckpointInstalled& installed) override {
    return on_install(installed);
  }
  Finding on_executed(ObservedAt, const core::Execution& execution) override {
    return on_execute(execution);
  }
  Finding on_replica_crashed(ObservedAt, std::size_t replica) override {
    on_crash(replica);
    return std::nullopt;
  }

  // Makes room for a workload of `appends` append requests (and a register per client), so the
  // checker does not allocate while it checks them. Larger workloads still work: the indexes grow.
  void reserve(std::size_t appends, std::size_t clients);

  // Requires: execution.state_machine is the executing replica's partition log, after it.
  Finding on_execute(const core::Execution& execution);
  // The replica crashed: its next incarnation's partition log starts empty.
  void on_crash(std::size_t replica) { log_seen_[replica] = 0; }
  // The replica installed a checkpoint of op N: its executions continue at op N + 1 from the
  // checkpoint's partition log, which must be as long as the canonical history's after op N (the
  // length is what the effects of later executions are read against, so a checkpoint that lost or
  // doubled appends is itself a finding).
  Finding on_install(const core::CheckpointInstalled& installed);

  // The canonical committed history: history()[op - 1].
  const std::vector<HistoryEntry>& history() const { return history_; }
  // The op at which (client, session, request) was applied, or 0.
  core::Op op_of(core::ClientId client, core::Session session, core::RequestNumber request) const;
  // Whether a committed register evicted (client, session).
  bool evicted(core::ClientId client, core::Session session) const {
    return evicted_.contains({core::Raw(client), session});
  }

 private:
  // A session: the stream of its requests (their sequence the request number), and the key of
  // an eviction.
  struct SessionKey {
    std::uint64_t client = 0;
    core::Session session = 0;
    bool operator==(const SessionKey&) const = default;
  };
  struct SessionKeyHash {
    std::uint64_t operator()(const SessionKey& key) const {
      return MixBits(key.client ^ MixBits(key.session));
    }
  };

  // What the execution appended, and whether that (the effect) applied the op.
  struct Effect {
    bool applied = false;
    std::uint64_t first_offset = 0;
    std::uint64_t count = 0;
  };
  // Reads the effect off the replica's partition log and checks it against the entry and the claim.
  Finding effect_of(const core::Execution& execution, Effect& effect);
  Finding check_first(const core::Execution& execution, const Effect& effect);
  // A read's reply against the log it read.
  Finding check_read(const core::Execution& execution) const;

  std::vector<HistoryEntry> history_;
  // Per replica: the length of its partition log at its latest execution.
  std::array<std::uint64_t, core::kReplicasMax> log_seen_{};
  // Applied (client, session, request) -> its op.
  SequenceMap<SessionKey, core::Op, SessionKeyHash> applied_;
  PayloadMap<core::Op> payloads_;  // Payload entry -> the op appending it.
  // Evicted (client, session) -> op of the register that evicted it.
  FlatHashMap<SessionKey, core::Op, SessionKeyHash> evicted_;
};

}  // namespace vsrsim::sim
