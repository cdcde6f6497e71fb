#pragma once
// The run's trace: every delivery, drop and state transition is one record. Every record feeds a
// streaming XXH3-64; its digest is the run's fingerprint, so two runs with equal fingerprints took
// the same path. Records are hashed as fixed words (never struct bytes, whose padding is
// indeterminate). Keeping the records themselves (for the text trace and the HTML diagram) is off
// unless asked for. Checkpoints: the running digest is also kept every `kCheckpointEvents` records,
// so two runs that diverge can be compared window by window to name the first one that differs.
//
// Records are hashed in batches: their words wait in a fixed buffer and reach XXH3 in one update
// per `kBatchRecords` records, because one update per record cost more than the hashing itself.
// XXH3's streaming digest does not depend on how its input is split into updates, so the
// fingerprint and the checkpoints are bit-identical to hashing each record on its own.

#include <xxhash.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/message.h"
#include "sim/time.h"

namespace vsrsim::sim {

enum class TraceKind : std::uint8_t {
  // Messages. a: message kind | drop reason << 8, b: instant it was sent (us), c..h: the
  // message's summary fields (core::Summarize, named by core::MessageFieldNames).
  kDeliver,
  // Lost, refused by a full link, a partition or a closed connection (at send or later), or
  // arriving at a replica that is down.
  kDrop,
  kDuplicate,  // The network will deliver a second copy.
  kExecute,    // a: op, b: applied, c: client, d: request, e: session
  kReplica,    // State transition. a: status, b: view, c: commit_min, d: op
  kAccept,     // A client accepted a reply. a: session, b: request, c: op
  kEvicted,    // A client learned it was evicted. a: session
  kCrash,      // A replica crashed.
  kRestart,    // A replica restarted.
  kFault,      // A nemesis acted. a: fault kind, b, c: details
  kViolation,  // A checker fired.
};

const char* TraceKindName(TraceKind kind);

// The fault kinds of kFault records (0 and 1 are not used: crashes and restarts have their own
// record kinds).
inline constexpr std::uint64_t kDisconnectFault = 2;  // from: the client; b: duration (us).
// from -> to: a stale message; b: kind << 8 | age.
inline constexpr std::uint64_t kReplayFault = 3;
inline constexpr std::uint64_t kIsolateFault = 4;  // from: the replica; b: duration (ticks).
inline constexpr std::uint64_t kBlockFault = 5;    // from -> to blocked; b: duration (ticks).
inline constexpr std::uint64_t kClogFault = 6;     // from -> to clogged; b: duration (ticks).
// The liveness phase began: every fault stopped; b: the healed core, one bit per replica.
inline constexpr std::uint64_t kHealFault = 7;
// from: a replica armed to crash right before its next sync completes (its unsynced writes at
// risk).
inline constexpr std::uint64_t kCrashInSyncFault = 8;
// from: a replica whose storage crash point fired (issue 17); b: the index of the storage
// operation it died at.
inline constexpr std::uint64_t kCrashPointFault = 9;
// Storage faults (issue 17), from: the replica. b: first slot << 32 | count.
inline constexpr std::uint64_t kSectorErrorFault = 10;
inline constexpr std::uint64_t kCorruptReadFault =
    11;                                               // b: the slot its next read returns corrupt.
inline constexpr std::uint64_t kMisdirectFault = 12;  // b: the slot its next entry write lands in.
inline constexpr std::uint64_t kSyncFailFault = 13;   // Its next sync fails.
inline constexpr std::uint64_t kCorruptCheckpointFault =
    14;  // Its next checkpoint read is corrupt.
// The next Prepare or RepairEntry delivered to it arrives with its entry's body corrupt.
inline constexpr std::uint64_t kCorruptEntryFault = 15;
// Drop reasons of message records beyond the network's own (sim::DropReason): the receiving
// replica is down.
inline constexpr std::uint64_t kDropReplicaDown = 5;

struct TraceRecord {
  std::uint64_t time_us = 0;
  TraceKind kind = TraceKind::kDeliver;
  std::uint8_t from = 0;  // Process index: replicas first, then clients.
  std::uint8_t to = 0;
  std::uint64_t a = 0;
  std::uint64_t b = 0;
  std::uint64_t c = 0;
  std::uint64_t d = 0;
  std::uint64_t e = 0;
  std::uint64_t f = 0;
  std::uint64_t g = 0;
  std::uint64_t h = 0;
};

// A message record: `kind` kDeliver, kDrop or kDuplicate; `drop` a DropReason's value (or
// kDropReplicaDown).
inline TraceRecord MessageRecord(TraceKind kind, std::uint64_t time_us, std::uint8_t from,
                                 std::uint8_t to, std::uint64_t drop, std::uint64_t sent_us,
                                 const core::MessageSummary& summary) {
  return TraceRecord{.time_us = time_us,
                     .kind = kind,
                     .from = from,
                     .to = to,
                     .a = summary.kind | (drop << 8),
                     .b = sent_us,
                     .c = summary.fields[0],
                     .d = summary.fields[1],
                     .e = summary.fields[2],
                     .f = summary.fields[3],
                     .g = summary.fields[4],
                     .h = summary.fields[5]};
}

class Trace {
 public:
  static constexpr std::uint64_t kCheckpointEvents = 4096;
  static constexpr std::size_t kBatchRecords = 64;
  static constexpr std::size_t kWordsPerRecord = 10;

  explicit Trace(bool keep_records);
  ~Trace();
  Trace(const Trace&) = delete;
  Trace& operator=(const Trace&) = delete;

  void record(const TraceRecord& record) {
    std::uint64_t* words = &batch_[batch_words_];
    words[0] = record.time_us;
    words[1] = static_cast<std::uint64_t>(record.kind) | (std::uint64_t{record.from} << 8) |
               (std::uint64_t{record.to} << 16);
    words[2] = record.a;
    words[3] = record.b;
    words[4] = record.c;
    words[5] = record.d;
    words[6] = record.e;
    words[7] = record.f;
    words[8] = record.g;
    words[9] = record.h;
    batch_words_ += kWordsPerRecord;
    records_++;
    // fingerprint() may drain a batch early, so a checkpoint does not always fall on a full one.
    if (batch_words_ == batch_.size() || records_ % kCheckpointEvents == 0) on_batch_end();
    if (keep_records_) kept_.push_back(record);
  }
  // Makes room for the checkpoints of a run of about `records` records.
  void reserve(std::uint64_t records) {
    checkpoints_.reserve(static_cast<std::size_t>(records / kCheckpointEvents) + 1);
  }
  // The digest of every record so far. It hashes the records still waiting in the batch first;
  // that changes no observable value (the digest is the same however the input is split), which is
  // why it may do so in a const method. (So even const calls must not race on one Trace; a run's
  // trace belongs to its one thread.)
  std::uint64_t fingerprint() const {
    flush();
    return XXH3_64bits_digest(state_);
  }
  std::uint64_t records() const { return records_; }
  const std::vector<TraceRecord>& kept() const { return kept_; }
  const std::vector<std::uint64_t>& checkpoints() const { return checkpoints_; }

 private:
  void flush() const;
  // Hashes the batch and keeps a checkpoint when one is due.
  void on_batch_end();

  XXH3_state_t* state_;
  // Words of the records not yet hashed: batch_[0, batch_words_). Mutable because fingerprint()
  // drains them (see there).
  mutable std::array<std::uint64_t, kBatchRecords * kWordsPerRecord> batch_{};
  mutable std::size_t batch_words_ = 0;
  bool keep_records_;
  std::uint64_t records_ = 0;
  std::vector<TraceRecord> kept_;
  std::vector<std::uint64_t> checkpoints_;
};

}  // namespace vsrsim::sim
