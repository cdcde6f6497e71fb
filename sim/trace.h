#pragma once
// The run's trace: every delivery, drop and state transition is one record. Every record feeds a
// streaming XXH3-64; its digest is the run's fingerprint, so two runs with equal fingerprints took
// the same path. Records are hashed as fixed words (never struct bytes, whose padding is
// indeterminate). Keeping the records themselves (for the text trace and the HTML diagram) is off
// unless asked for. Checkpoints: the running digest is also kept every `kCheckpointEvents` records,
// so two runs that diverge can be compared window by window to name the first one that differs.

#include <xxhash.h>

#include <cstdint>
#include <string>
#include <vector>

#include "sim/time.h"

namespace vsrsim::sim {

enum class TraceKind : std::uint8_t {
  // Messages. a: message kind | drop reason << 8, b: view, c: op, d: instant it was sent (us).
  kDeliver,
  kDrop,  // Lost, refused by a full link, a partition or a closed connection (at send or later).
  kDuplicate,  // The network will deliver a second copy.
  kExecute,    // a: op, b: applied, c: client, d: request
  kReplica,    // State transition. a: status, b: view, c: commit_min, d: op
  kAccept,     // A client accepted a reply. a: session, b: request, c: op
  kEvicted,    // A client learned it was evicted. a: session
  kCrash,      // A replica crashed.
  kRestart,    // A replica restarted.
  kFault,      // A nemesis acted. a: fault kind, b, c: details
  kViolation,  // A checker fired.
};

const char* TraceKindName(TraceKind kind);

struct TraceRecord {
  std::uint64_t time_us = 0;
  TraceKind kind = TraceKind::kDeliver;
  std::uint8_t from = 0;  // Process index: replicas first, then clients.
  std::uint8_t to = 0;
  std::uint64_t a = 0;
  std::uint64_t b = 0;
  std::uint64_t c = 0;
  std::uint64_t d = 0;
};

class Trace {
 public:
  static constexpr std::uint64_t kCheckpointEvents = 4096;

  explicit Trace(bool keep_records);
  ~Trace();
  Trace(const Trace&) = delete;
  Trace& operator=(const Trace&) = delete;

  void record(const TraceRecord& record);
  std::uint64_t fingerprint() const { return XXH3_64bits_digest(state_); }
  std::uint64_t records() const { return records_; }
  const std::vector<TraceRecord>& kept() const { return kept_; }
  const std::vector<std::uint64_t>& checkpoints() const { return checkpoints_; }

 private:
  XXH3_state_t* state_;
  bool keep_records_;
  std::uint64_t records_ = 0;
  std::vector<TraceRecord> kept_;
  std::vector<std::uint64_t> checkpoints_;
};

}  // namespace vsrsim::sim
