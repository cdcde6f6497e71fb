#include "sim/linearizability.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/assert.h"

namespace vsrsim::sim {

void LinearizabilityChecker::on_invoke(core::ClientId client) {
  invoked_after_[core::Raw(client)] = acknowledged_op_max_;
}

std::uint64_t LinearizabilityChecker::model_offset(core::Op op) {
  const auto& history = history_.history();
  VSRSIM_ASSERT_LE(op, history.size());
  while (model_offsets_.size() < op) {
    const HistoryEntry& entry = history[model_offsets_.size()];
    model_offsets_.push_back(model_next_offset_);
    if (entry.applied && entry.request.operation == core::Operation::kAppend) {
      model_next_offset_ += entry.request.entry_count;
    }
  }
  return model_offsets_[op - 1];
}

Finding LinearizabilityChecker::on_acknowledge(const core::Reply& reply) {
  // The reply-caching checker has already matched the reply with its op's execution.
  if (reply.op == 0 || reply.op > history_.history().size()) return std::nullopt;
  const std::uint64_t expected = model_offset(reply.op);
  const bool append =
      history_.history()[reply.op - 1].request.operation == core::Operation::kAppend;
  if (append && reply.first_offset != expected) {
    return Violation{Outcome::kSafety, "linearizability",
                     fmt::format("client {} request {} was acknowledged at offset {} (op {}), but "
                                 "the sequential partition log puts op {} at offset {}",
                                 core::Raw(reply.client), reply.request, reply.first_offset,
                                 reply.op, reply.op, expected)};
  }
  const auto invoked = invoked_after_.find(core::Raw(reply.client));
  if (invoked != invoked_after_.end() && reply.op <= invoked->second) {
    return Violation{
        Outcome::kSafety, "linearizability",
        fmt::format("client {} request {} committed at op {}, but it was sent after "
                    "op {} had been acknowledged: real-time order broken",
                    core::Raw(reply.client), reply.request, reply.op, invoked->second)};
  }
  acknowledged_op_max_ = std::max(acknowledged_op_max_, reply.op);
  return std::nullopt;
}

}  // namespace vsrsim::sim
