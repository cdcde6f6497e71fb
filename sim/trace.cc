#include "sim/trace.h"

#include <array>

#include "core/assert.h"

namespace vsrsim::sim {

const char* TraceKindName(TraceKind kind) {
  switch (kind) {
    case TraceKind::kDeliver:
      return "deliver";
    case TraceKind::kDrop:
      return "drop";
    case TraceKind::kDuplicate:
      return "duplicate";
    case TraceKind::kExecute:
      return "execute";
    case TraceKind::kReplica:
      return "replica";
    case TraceKind::kAccept:
      return "accept";
    case TraceKind::kEvicted:
      return "evicted";
    case TraceKind::kCrash:
      return "crash";
    case TraceKind::kRestart:
      return "restart";
    case TraceKind::kFault:
      return "fault";
    case TraceKind::kViolation:
      return "violation";
  }
  return "unknown";
}

Trace::Trace(bool keep_records) : state_(XXH3_createState()), keep_records_(keep_records) {
  VSRSIM_ASSERT(state_ != nullptr);
  XXH3_64bits_reset(state_);
}

Trace::~Trace() { XXH3_freeState(state_); }

void Trace::record(const TraceRecord& record) {
  const std::array<std::uint64_t, 6> words = {record.time_us,
                                              static_cast<std::uint64_t>(record.kind) |
                                                  (std::uint64_t{record.from} << 8) |
                                                  (std::uint64_t{record.to} << 16),
                                              record.a,
                                              record.b,
                                              record.c,
                                              record.d};
  XXH3_64bits_update(state_, words.data(), sizeof(words));
  records_++;
  if (records_ % kCheckpointEvents == 0) checkpoints_.push_back(fingerprint());
  if (keep_records_) kept_.push_back(record);
}

}  // namespace vsrsim::sim
