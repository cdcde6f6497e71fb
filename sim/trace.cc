#include "sim/trace.h"

#include "core/assert.h"

// On x86, libxxhash's dispatching entry point hashes with the widest vector unit the CPU has (AVX2
// where present), about twice as fast as the baseline SSE2 code. XXH3 gives the same digest on
// every code path (xxHash tests this, and so does trace_test.cc), so the fingerprint does not
// depend on the machine.
#if (defined(__x86_64__) || defined(__i386__)) && __has_include(<xxh_x86dispatch.h>)
#define XXH_DISPATCH_DISABLE_REPLACE
#include <xxh_x86dispatch.h>
#define VSRSIM_XXH3_DISPATCH 1
#else
#define VSRSIM_XXH3_DISPATCH 0
#endif

namespace vsrsim::sim {

namespace {

void HashUpdate(XXH3_state_t* state, const void* input, std::size_t length) {
#if VSRSIM_XXH3_DISPATCH
  XXH3_64bits_update_dispatch(state, input, length);
#else
  XXH3_64bits_update(state, input, length);
#endif
}

}  // namespace

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

void Trace::flush() const {
  if (batch_words_ == 0) return;
  HashUpdate(state_, batch_.data(), batch_words_ * sizeof(std::uint64_t));
  batch_words_ = 0;
}

void Trace::on_batch_end() {
  flush();
  if (records_ % kCheckpointEvents == 0) checkpoints_.push_back(XXH3_64bits_digest(state_));
}

}  // namespace vsrsim::sim
