// Replica: repair of a damaged journal by (op, checksum) (issue 17). A restart that finds its
// journal damaged (the chain it loads ends below the superblock's head, or reaches it with another
// checksum) still knows the chain it must rebuild: the head's op and checksum come from the
// superblock, and each entry's parent is the checksum of the op below it. So it walks down from
// the head: an intact entry its disk still holds with the checksum wanted joins the chain, else it
// asks every peer for exactly that op and checksum (RequestEntry). Any replica whose log holds the
// entry answers (RepairEntry), primary or backup, in any status: a checksum names one entry, and a
// hash chain the whole prefix below it. An answer enters only if its op and checksum are the ones
// wanted and its body hashes to that checksum; it is written to the journal at once, and the chain
// joins the log (the ops count for execution, acknowledgements and votes) only once it reaches
// the log the restart loaded. Until then the replica reports its journal damaged and never votes.
//
// What it does not do: repair below what the replica executed or below its checkpoint (a chain
// that disagrees with its committed log there waits for a view's log or a state sync), or a head
// beyond what the journal ring holds above the checkpoint.

#include <algorithm>

#include "core/assert.h"
#include "core/replica.h"

namespace vsrsim::core {

namespace {

bool ByOpThenChecksum(const LogEntry& a, const LogEntry& b) {
  return a.op != b.op ? a.op < b.op : a.checksum < b.checksum;
}

}  // namespace

std::pair<Op, std::uint64_t> Replica::repair_wanted() const {
  if (repair_chain_.empty()) return {damage_head_, damage_head_checksum_};
  const LogEntry& lowest = repair_chain_.back();
  return {lowest.op - 1, lowest.parent};
}

void Replica::advance_repair(bool ask) {
  if (!damaged_ || halted_) return;
  // The head must fit the journal above the checkpoint (a fallback to an older checkpoint may put
  // it beyond the ring); else a view's log or a state sync repairs the journal.
  if (!journal_has_room(damage_head_)) return;
  // A state sync may have moved the anchor up past the chain's lowest entries.
  while (!repair_chain_.empty() && repair_chain_.back().op <= log_.first()) {
    repair_chain_.pop_back();
  }
  // Each step takes one entry into the chain, which never holds more ops than the ring.
  for (std::uint32_t step = 0; step <= options_.journal_slots; step++) {
    const auto [op, checksum] = repair_wanted();
    if (op >= commit_min_ && log_.holds(op) && log_[op].checksum == checksum) {
      finish_repair(op);
      return;
    }
    // At or below what it executed (or its anchor), the chain disagrees with the replica's own
    // committed log: not a repair by entries.
    if (op <= std::max(commit_min_, log_.first())) return;
    const LogEntry wanted{.op = op, .checksum = checksum};
    const auto found = std::lower_bound(repair_candidates_.begin(), repair_candidates_.end(),
                                        wanted, ByOpThenChecksum);
    if (found != repair_candidates_.end() && found->op == op && found->checksum == checksum) {
      repair_chain_.push_back(*found);
      continue;
    }
    if (ask) {
      counters_.entry_requests++;
      send_to_others(
          RequestEntry{.view = view_, .op = op, .checksum = checksum, .replica = options_.index});
    }
    return;
  }
}

void Replica::finish_repair(Op join) {
  VSRSIM_ASSERT_GE(join, commit_min_);
  // Loaded entries above the join are off the chain the superblock vouches for (a stale slot the
  // restart followed): never executed, never the replica's log of its durable head.
  if (join < op()) log_.truncate_after(join);
  for (auto entry = repair_chain_.rbegin(); entry != repair_chain_.rend(); ++entry) {
    log_.push_back(*entry);  // Each entry is on the journal already (or was read intact from it).
  }
  VSRSIM_ASSERT_EQ(op(), damage_head_);
  VSRSIM_ASSERT_EQ(log_.back().checksum, damage_head_checksum_);
  op_durable_ = dirty_ ? std::min(op_durable_, join) : op();
  damaged_ = false;
  counters_.journal_repairs++;
  counters_.entry_repairs++;
  clear_repair();
  // The log is what the durable superblock vouched for: it executes up to that superblock's commit
  // again, as an undamaged restart does.
  commit_max_ = std::max(commit_max_, std::min(damage_commit_, op()));
  execute_committed();
  // It votes now. (A DoViewChange waits in the outbox for the sync of the repaired entries.)
  if (status_ == Status::kViewChange) {
    if (is_primary()) {
      do_view_change_from_[Raw(options_.index)] = make_do_view_change();
      maybe_start_view();
    } else if (do_view_change_sent_) {
      send(primary(), make_do_view_change());
    }
  }
}

void Replica::clear_repair() {
  repair_chain_.clear();
  repair_candidates_.clear();
}

void Replica::on_request_entry(const RequestEntry& message) {
  // The anchor holds only a checkpoint's header: it has no body to send.
  if (message.op <= log_.first() || !log_.holds(message.op)) return;
  const LogEntry& entry = log_[message.op];
  // Never send an entry that fails its checksum.
  if (entry.checksum != message.checksum || EntryChecksum(entry) != entry.checksum) return;
  send(message.replica, RepairEntry{.view = view_, .replica = options_.index, .entry = entry});
}

void Replica::on_repair_entry(const RepairEntry& message) {
  if (!damaged_) return;
  const auto [op, checksum] = repair_wanted();
  const LogEntry& entry = message.entry;
  const bool asked =
      entry.op == op && entry.checksum == checksum && EntryChecksum(entry) == checksum;
  // Mutant repair-accepts-wrong-op: any answer is taken as the entry asked for.
  if (!asked && !mutants_.Has(Mutant::kRepairAcceptsWrongOp)) {
    counters_.repair_answers_refused++;
    return;
  }
  if (entry.op <= std::max(commit_min_, log_.first()) || !journal_has_room(entry.op)) return;
  // Written at once, so a restart before the chain is complete finds the slot repaired.
  storage_.write_entry(entry);
  dirty_ = true;
  repair_chain_.push_back(entry);
  counters_.entries_repaired++;
  advance_repair(true);
}

}  // namespace vsrsim::core
