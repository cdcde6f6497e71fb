#include "sim/at_most_once.h"

#include <fmt/format.h>

#include "core/assert.h"

namespace vsrsim::sim {

void AtMostOnceChecker::reserve(std::size_t appends, std::size_t clients) {
  history_.reserve(appends + clients);
  applied_.reserve(appends);
  // Half the most a workload could append: requests draw 1..kBatchEntriesMax entries, so a run
  // rarely needs more, and one that does grows the table once.
  payloads_.reserve(appends * core::kBatchEntriesMax / 2);
}

core::Op AtMostOnceChecker::op_of(core::ClientId client, core::Session session,
                                  core::RequestNumber request) const {
  const core::Op* op = applied_.find({core::Raw(client), session, request});
  return op == nullptr ? 0 : *op;
}

Finding AtMostOnceChecker::on_execute(const core::Execution& execution) {
  const core::LogEntry& entry = *execution.entry;
  const auto replica = core::Raw(execution.replica);
  VSRSIM_ASSERT_GT(entry.op, 0U);
  // Any replica's eviction counts (under mutant (a) only some replicas keep a table).
  if (execution.evicted.has_value()) {
    evicted_.try_emplace({core::Raw(execution.evicted->client), execution.evicted->session, 0},
                         entry.op);
  }
  if (entry.op <= history_.size()) {
    const HistoryEntry& canonical = history_[entry.op - 1];
    if (canonical.checksum != entry.checksum) {
      return Violation{
          Outcome::kSafety, "at-most-once",
          fmt::format("replica {} committed op {} with checksum {:016x}, but replica {} "
                      "committed it with {:016x}: committed histories diverge",
                      replica, entry.op, entry.checksum, canonical.first_replica,
                      canonical.checksum)};
    }
    if (canonical.applied != execution.applied || canonical.reply != execution.reply) {
      return Violation{
          Outcome::kSafety, "at-most-once",
          fmt::format("replica {} executed op {} (client {} request {}) with a different result "
                      "than replica {} (applied {} vs {}, offset {} vs {})",
                      replica, entry.op, core::Raw(entry.request.client), entry.request.request,
                      canonical.first_replica, execution.applied, canonical.applied,
                      execution.reply.first_offset, canonical.reply.first_offset)};
    }
    return std::nullopt;
  }
  VSRSIM_ASSERT_EQ(entry.op, history_.size() + 1);
  history_.push_back(
      HistoryEntry{entry.checksum, entry.request, execution.applied, execution.reply, replica});
  const core::Request& request = entry.request;
  if (!execution.applied || request.operation == core::Operation::kRegister) return std::nullopt;
  const auto [applied_op, inserted] =
      applied_.try_emplace({core::Raw(request.client), request.session, request.request}, entry.op);
  if (!inserted) {
    return Violation{Outcome::kSafety, "at-most-once",
                     fmt::format("client {} request {} (session {}) executed twice: at op {} and "
                                 "again at op {} (first seen on replica {})",
                                 core::Raw(request.client), request.request, request.session,
                                 *applied_op, entry.op, replica)};
  }
  if (request.operation != core::Operation::kAppend) return std::nullopt;
  for (std::uint8_t i = 0; i < request.entry_count; i++) {
    const auto [payload_op, fresh] = payloads_.try_emplace(request.entries[i], entry.op);
    if (!fresh) {
      return Violation{
          Outcome::kSafety, "at-most-once",
          fmt::format("payload {:x} of client {} appended twice: at op {} and again at "
                      "op {} (request {}, session {}): a duplicate execution",
                      request.entries[i], core::Raw(request.client), *payload_op, entry.op,
                      request.request, request.session)};
    }
  }
  return std::nullopt;
}

}  // namespace vsrsim::sim
