#include "sim/coverage.h"

namespace vsrsim::sim {

namespace {

// Calls visit(name, counter) for every counter, in the one fixed order of Fields().
template <typename C, typename Visit>
void ForEachCounter(C& c, Visit visit) {
  visit("view_changes", c.view_changes);
  visit("crashes", c.crashes);
  visit("restarts", c.restarts);
  visit("partitions", c.partitions);
  visit("client_disconnects", c.client_disconnects);
  visit("evictions", c.evictions);
  visit("cached_replies", c.cached_replies);
  visit("stale_dropped", c.stale_dropped);
  visit("state_transfers", c.state_transfers);
  visit("messages_dropped", c.messages_dropped);
  visit("messages_duplicated", c.messages_duplicated);
  visit("client_sends_dropped", c.client_sends_dropped);
  visit("writes_lost", c.writes_lost);
  visit("repairs", c.repairs);
  visit("retransmissions", c.retransmissions);
  visit("replays", c.replays);
  visit("crashes_in_sync_window", c.crashes_in_sync_window);
  visit("checkpoints", c.checkpoints);
  visit("state_syncs", c.state_syncs);
  visit("journal_wraps", c.journal_wraps);
  visit("repairs_from_checkpoint_boundary", c.repairs_from_checkpoint_boundary);
  visit("crash_points", c.crash_points);
  visit("corrupt_reads", c.corrupt_reads);
  visit("misdirected_writes", c.misdirected_writes);
  visit("sync_failures", c.sync_failures);
  visit("sector_errors", c.sector_errors);
  visit("checksum_failures", c.checksum_failures);
  visit("journal_damage", c.journal_damage);
  visit("journal_repairs", c.journal_repairs);
  visit("corrupt_checkpoint_reads", c.corrupt_checkpoint_reads);
  visit("checkpoint_fallbacks", c.checkpoint_fallbacks);
  visit("crashes_in_checkpoint_window", c.crashes_in_checkpoint_window);
  visit("entry_requests", c.entry_requests);
  visit("entries_repaired", c.entries_repaired);
  visit("repair_answers_refused", c.repair_answers_refused);
  visit("entry_repairs", c.entry_repairs);
  visit("entries_corrupted", c.entries_corrupted);
  visit("prepares_corrupt", c.prepares_corrupt);
}

}  // namespace

std::vector<std::pair<std::string, std::uint64_t>> Coverage::Fields() const {
  std::vector<std::pair<std::string, std::uint64_t>> fields;
  ForEachCounter(*this,
                 [&](const char* name, std::uint64_t value) { fields.emplace_back(name, value); });
  return fields;
}

std::uint64_t* Coverage::Field(std::string_view name) {
  std::uint64_t* found = nullptr;
  ForEachCounter(*this, [&](const char* counter, std::uint64_t& value) {
    if (name == counter) found = &value;
  });
  return found;
}

}  // namespace vsrsim::sim
