#pragma once
// Checker 1, at-most-once: the canonical committed history, and that nothing in it executes twice.
//
// Every replica reports every op it executes. The first report of an op extends the history (ops
// arrive in order: a replica executes op k only after op k-1, so some replica reported k-1 first).
// Later reports must match the history's entry (same checksum, so the replica's committed ops are a
// prefix of one hash-chained history) and its result (applied or not, the same reply bytes).
// At-most-once: no (client, session, request) appears twice among applied appends, and no payload
// entry is appended twice. It stays on after evictions.

#include <cstdint>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "core/bus.h"
#include "sim/checker.h"

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
  Finding on_execute(const core::Execution& execution);

  // The canonical committed history: history()[op - 1].
  const std::vector<HistoryEntry>& history() const { return history_; }
  // The op at which (client, session, request) was applied, or 0.
  core::Op op_of(core::ClientId client, core::Session session, core::RequestNumber request) const;
  // Whether a committed register evicted (client, session).
  bool evicted(core::ClientId client, core::Session session) const {
    return evicted_.contains({core::Raw(client), session});
  }

 private:
  using Key = std::pair<std::uint64_t, std::pair<core::Session, core::RequestNumber>>;
  std::vector<HistoryEntry> history_;
  std::map<Key, core::Op> applied_;
  std::map<std::uint64_t, core::Op> payloads_;  // Payload entry -> op that appended it.
  std::set<std::pair<std::uint64_t, core::Session>> evicted_;
};

}  // namespace vsrsim::sim
