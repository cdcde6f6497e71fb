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
// Its indexes are flat hash maps, reserved for the run's workload (reserve()), so that checking an
// op allocates nothing in the steady state. They are only ever looked up, never iterated.

#include <cstdint>
#include <vector>

#include "core/bus.h"
#include "sim/checker.h"
#include "sim/flat_hash_map.h"

namespace vsrsim::sim {

struct HistoryEntry {
  std::uint64_t checksum = 0;
  core::Request request{};
  bool applied = false;
  core::Reply reply{};
  std::uint8_t first_replica = 0;
};

class AtMostOnceChecker {
 public:
  // Makes room for a workload of `appends` append requests (and a register per client), so the
  // checker does not allocate while it checks them. Larger workloads still work: the indexes grow.
  void reserve(std::size_t appends, std::size_t clients);

  Finding on_execute(const core::Execution& execution);

  // The canonical committed history: history()[op - 1].
  const std::vector<HistoryEntry>& history() const { return history_; }
  // The op at which (client, session, request) was applied, or 0.
  core::Op op_of(core::ClientId client, core::Session session, core::RequestNumber request) const;
  // Whether a committed register evicted (client, session).
  bool evicted(core::ClientId client, core::Session session) const {
    return evicted_.contains({core::Raw(client), session, 0});
  }

 private:
  // (client, session, request); evictions use request 0.
  struct RequestKey {
    std::uint64_t client = 0;
    core::Session session = 0;
    core::RequestNumber request = 0;
    bool operator==(const RequestKey&) const = default;
  };
  struct RequestKeyHash {
    std::uint64_t operator()(const RequestKey& key) const {
      return MixBits(key.client ^ MixBits(key.session ^ MixBits(key.request)));
    }
  };
  struct PayloadHash {
    std::uint64_t operator()(std::uint64_t payload) const { return MixBits(payload); }
  };

  std::vector<HistoryEntry> history_;
  FlatHashMap<RequestKey, core::Op, RequestKeyHash> applied_;   // Applied append -> its op.
  FlatHashMap<std::uint64_t, core::Op, PayloadHash> payloads_;  // Payload entry -> op appending it.
  // Evicted (client, session) -> op of the register that evicted it.
  FlatHashMap<RequestKey, core::Op, RequestKeyHash> evicted_;
};

}  // namespace vsrsim::sim
