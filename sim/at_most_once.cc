#include "sim/at_most_once.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/assert.h"

namespace vsrsim::sim {

namespace {

// Whether the `count` words at `a` equal those at `b`. A loop, not std::equal: for words that is a
// memcmp call, more work than comparing the few words of a batch.
bool WordsEqual(const std::uint64_t* a, const std::uint64_t* b, std::size_t count) {
  for (std::size_t i = 0; i < count; i++) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

}  // namespace

void AtMostOnceChecker::reserve(std::size_t appends, std::size_t clients) {
  history_.reserve(appends + clients);
  // Each client's first session, and its payloads at one more than the mean entries per append
  // (requests draw 1..kBatchEntriesMax evenly), so a run rarely needs more; one that does grows.
  const std::size_t per_client = appends / std::max<std::size_t>(clients, 1) + 1;
  applied_.reserve(clients, per_client + 1);
  payloads_.reserve(clients, per_client * ((core::kBatchEntriesMax + 1) / 2 + 1));
}

core::Op AtMostOnceChecker::op_of(core::ClientId client, core::Session session,
                                  core::RequestNumber request) const {
  const core::Op* op = applied_.find({core::Raw(client), session}, request);
  return op == nullptr ? 0 : *op;
}

Finding AtMostOnceChecker::effect_of(const core::Execution& execution, Effect& effect) {
  VSRSIM_ASSERT(execution.state_machine != nullptr);
  const auto replica = core::Raw(execution.replica);
  VSRSIM_ASSERT_LT(replica, log_seen_.size());
  const core::LogEntry& entry = *execution.entry;
  const core::Request& request = entry.request;
  const std::vector<std::uint64_t>& log = execution.state_machine->entries();
  std::uint64_t& seen = log_seen_[replica];
  if (log.size() < seen) {
    return Violation{Outcome::kSafety, "at-most-once",
                     fmt::format("replica {}'s partition log shrank from {} to {} entries while it "
                                 "executed op {}",
                                 replica, seen, log.size(), entry.op)};
  }
  effect = {.applied = log.size() > seen, .first_offset = seen, .count = log.size() - seen};
  seen = log.size();
  if (effect.count == 0 && request.operation == core::Operation::kAppend) {
    // An empty batch appends nothing either way: only the claim can tell.
    effect.applied = request.entry_count == 0 && execution.applied;
    return std::nullopt;
  }
  if (effect.count == 0) {
    effect.applied = request.operation == core::Operation::kRegister || execution.applied;
    if (request.operation == core::Operation::kRead && execution.applied)
      return check_read(execution);
    return std::nullopt;
  }
  if (request.operation != core::Operation::kAppend || effect.count != request.entry_count ||
      !WordsEqual(log.data() + effect.first_offset, request.entries.data(), effect.count)) {
    return Violation{
        Outcome::kSafety, "at-most-once",
        fmt::format("replica {} executed op {} (client {} request {}) and its partition log gained "
                    "{} entries at offset {}, not the request's batch of {}",
                    replica, entry.op, core::Raw(request.client), request.request, effect.count,
                    effect.first_offset,
                    request.operation == core::Operation::kAppend ? request.entry_count : 0U)};
  }
  return std::nullopt;
}

Finding AtMostOnceChecker::check_read(const core::Execution& execution) const {
  // A read's reply must hold what the log holds at its offset, as many entries as exist up to its
  // maximum.
  const core::Request& request = execution.entry->request;
  const std::vector<std::uint64_t>& log = execution.state_machine->entries();
  const std::uint64_t offset = std::min<std::uint64_t>(request.read_offset, log.size());
  const std::uint64_t count = std::min<std::uint64_t>(request.entry_count, log.size() - offset);
  const auto first = log.begin() + static_cast<std::ptrdiff_t>(offset);
  if (execution.reply.first_offset == request.read_offset && execution.reply.entry_count == count &&
      std::equal(first, first + static_cast<std::ptrdiff_t>(count),
                 execution.reply.entries.begin())) {
    return std::nullopt;
  }
  return Violation{
      Outcome::kSafety, "at-most-once",
      fmt::format("replica {} answered the read of op {} (client {} request {}, offset "
                  "{}) with {} entries that are not its partition log's {} there",
                  core::Raw(execution.replica), execution.entry->op, core::Raw(request.client),
                  request.request, request.read_offset, execution.reply.entry_count, count)};
}

Finding AtMostOnceChecker::on_execute(const core::Execution& execution) {
  const core::LogEntry& entry = *execution.entry;
  const auto replica = core::Raw(execution.replica);
  VSRSIM_ASSERT_GT(entry.op, 0U);
  // Any replica's eviction counts (under mutant (a) only some replicas keep a table).
  if (execution.evicted.has_value()) {
    evicted_.try_emplace({core::Raw(execution.evicted->client), execution.evicted->session},
                         entry.op);
  }
  Effect effect;
  if (Finding finding = effect_of(execution, effect)) return finding;
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
    if (canonical.applied != effect.applied || canonical.reply != execution.reply) {
      return Violation{
          Outcome::kSafety, "at-most-once",
          fmt::format("replica {} executed op {} (client {} request {}) with a different result "
                      "than replica {} (applied {} vs {}, offset {} vs {})",
                      replica, entry.op, core::Raw(entry.request.client), entry.request.request,
                      canonical.first_replica, effect.applied, canonical.applied,
                      execution.reply.first_offset, canonical.reply.first_offset)};
    }
  } else {
    VSRSIM_ASSERT_EQ(entry.op, history_.size() + 1);
    history_.emplace_back(entry.checksum, entry.request, effect.applied, execution.reply, replica,
                          log_seen_[replica]);
    if (Finding finding = check_first(execution, effect)) return finding;
  }
  // The claims must match the effect: an append that went into the log was applied, and its reply
  // names where it went.
  if (execution.applied != effect.applied) {
    return Violation{
        Outcome::kSafety, "at-most-once",
        fmt::format("replica {} reported op {} (client {} request {}) applied {}, but "
                    "its partition log gained {} entries at offset {}",
                    replica, entry.op, core::Raw(entry.request.client), entry.request.request,
                    execution.applied, effect.count, effect.first_offset)};
  }
  if (effect.count > 0 && (execution.reply.first_offset != effect.first_offset ||
                           execution.reply.entry_count != effect.count)) {
    return Violation{
        Outcome::kSafety, "at-most-once",
        fmt::format("replica {} answered op {} (client {} request {}) with offset {} count {}, but "
                    "its partition log gained {} entries at offset {}",
                    replica, entry.op, core::Raw(entry.request.client), entry.request.request,
                    execution.reply.first_offset, execution.reply.entry_count, effect.count,
                    effect.first_offset)};
  }
  return std::nullopt;
}

Finding AtMostOnceChecker::on_install(const core::CheckpointInstalled& installed) {
  const auto replica = core::Raw(installed.replica);
  VSRSIM_ASSERT_LT(replica, log_seen_.size());
  const std::uint64_t size = installed.state_machine->entries().size();
  log_seen_[replica] = size;
  if (installed.op == 0) return std::nullopt;
  // A checkpoint is of an op some replica executed, so the history holds it.
  VSRSIM_ASSERT_LE(installed.op, history_.size());
  const std::uint64_t expected = history_[installed.op - 1].log_size;
  if (size == expected) return std::nullopt;
  return Violation{Outcome::kSafety, "at-most-once",
                   fmt::format("replica {} installed a checkpoint of op {} ({}) whose partition "
                               "log holds {} entries; the committed history's holds {} after op {}",
                               replica, installed.op, installed.synced ? "from a peer" : "its own",
                               size, expected, installed.op)};
}

Finding AtMostOnceChecker::check_first(const core::Execution& execution, const Effect& effect) {
  const core::LogEntry& entry = *execution.entry;
  const auto replica = core::Raw(execution.replica);
  const core::Request& request = entry.request;
  if (!effect.applied || request.operation == core::Operation::kRegister) return std::nullopt;
  const auto [applied_op, inserted] =
      applied_.try_emplace({core::Raw(request.client), request.session}, request.request, entry.op);
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
