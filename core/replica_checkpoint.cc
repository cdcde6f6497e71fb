// Replica: taking checkpoints and restarting from one (the concept of core/checkpoint.h, on the
// replica's side). A checkpoint goes into the area the durable superblock does not name, and the
// superblock written right after it names it: that superblock is the commit point. A new
// checkpoint is taken only once the previous one is durable, so the area it overwrites is never
// the one a durable superblock names.
//
// The state machine's entries go to storage's data area, not into the checkpoint: a checkpoint
// writes the entries appended since the previous one, then its encoding (op, the partition's
// length and digest, the clients table), then the superblock. Its cost is what changed plus the
// table, which its capacity bounds.

#include <algorithm>

#include "core/assert.h"
#include "core/replica.h"

namespace vsrsim::core {

std::uint8_t Replica::NextCheckpointArea() const {
  // Op 0 needs no area, so the first checkpoint may take either; later ones alternate, never
  // writing over the area in force (unless the mutant puts that defect back).
  if (checkpoint_.op == 0 || mutants_.Has(Mutant::kCheckpointOverwritesInForce)) {
    return checkpoint_.area;
  }
  return static_cast<std::uint8_t>(checkpoint_.area ^ 1U);
}

void Replica::maybe_checkpoint() {
  if (options_.checkpoint_ops == 0 || checkpoint_unsynced_) return;
  if (commit_min_ < checkpoint_.op + options_.checkpoint_ops) return;
  VSRSIM_ASSERT_LE(commit_min_, op());
  const auto area = NextCheckpointArea();
  write_data_above_checkpoint(state_machine_.entries());
  // Encoded into the spare buffer, which then changes places with the encoding in force: both
  // keep their capacity, so checkpoints stop allocating once the table has grown.
  EncodeCheckpointInto(commit_min_, log_[commit_min_].checksum, state_machine_, table_,
                       {.table = mutants_.Has(Mutant::kTableNotInCheckpoint), .replies = false},
                       checkpoint_spare_);
  storage_.write_checkpoint(area, checkpoint_spare_);
  checkpoint_ = {
      .op = commit_min_, .area = area, .checksum = CheckpointChecksum(checkpoint_spare_)};
  checkpoint_partition_length_ = state_machine_.next_offset();
  checkpoint_words_.swap(checkpoint_spare_);
  checkpoint_unsynced_ = true;
  dirty_ = true;
  counters_.checkpoints++;
}

// A restart: reload the durable superblock and journal, install the checkpoint the superblock
// names, and execute the journal above it up to the durable commit again.
void Replica::restore_from_storage() {
  const Superblock superblock = storage_.read_superblock();
  view_ = superblock.view;
  log_view_ = superblock.log_view;
  status_ = Status::kRecovering;
  checkpoint_ = superblock.checkpoint;
  LogEntry anchor{};  // The root, without a checkpoint.
  const bool fell_back =
      checkpoint_.op > 0 && !restore_checkpoint(checkpoint_.area, &superblock.checkpoint, anchor);
  if (fell_back) {
    // Issue 17: the checkpoint in force read back corrupt (or its data area does not give its
    // digest). The other area holds the previous checkpoint (or a newer one no durable superblock
    // named yet): committed state either way, verified by its own checksum and digest. Failing
    // that, the root. The journal above the fallback may no longer reach the superblock's head
    // (the ring overwrote what the lost checkpoint covered): then the replica is damaged, below,
    // and a view's log or a state sync repairs it.
    counters_.checkpoint_fallbacks++;
    checkpoint_ = {};
    checkpoint_words_.clear();
    checkpoint_partition_length_ = 0;
    anchor = {};
    restore_checkpoint(static_cast<std::uint8_t>(superblock.checkpoint.area ^ 1U), nullptr, anchor);
    // The superblock it writes next names the fallback: the area it may write a new checkpoint
    // into is the one the durable superblock names until then.
    checkpoint_unsynced_ = true;
  }
  log_.reset(anchor);
  load_journal();
  superblock_written_ = superblock;
  const auto reaches_head = [&] {
    return superblock.op <= log_.first() ||
           (op() >= superblock.op && log_[superblock.op].checksum == superblock.op_checksum);
  };
  // Above a fallback checkpoint the journal may hold entries a state sync superseded (a sync
  // leaves the slots below its checkpoint as they were): the chain is the replica's log only if it
  // reaches the superblock's head with the head's checksum (a hash chain: then every entry below
  // matches too). Otherwise nothing above the fallback is trusted, let alone executed.
  if (fell_back && !reaches_head()) log_.reset(anchor);
  // Issue 17: the superblock vouches for the journal up to its head (Superblock::op). A chain that
  // ends below it, or reaches it with another checksum, lost synced entries to a storage fault:
  // the log may lack an op this replica acknowledged, so it must not vote with it (journal_
  // damaged()). Above the head, a broken chain is a crash's torn or lost unsynced write.
  if (!reaches_head() && !mutants_.Has(Mutant::kJournalDamageIgnored)) {
    damaged_ = true;
    damage_head_ = superblock.op;
    damage_head_checksum_ = superblock.op_checksum;
    damage_commit_ = superblock.commit;
    counters_.journal_damage++;
    // The entries read intact that may rebuild the chain: those above the log, up to the head.
    std::erase_if(repair_candidates_, [&](const LogEntry& entry) {
      return entry.op <= log_.first() || entry.op > damage_head_;
    });
    std::sort(repair_candidates_.begin(), repair_candidates_.end(),
              [](const LogEntry& a, const LogEntry& b) {
                return a.op != b.op ? a.op < b.op : a.checksum < b.checksum;
              });
  } else {
    repair_candidates_.clear();
  }
  op_durable_ = op();
  // (A fallback checkpoint may lie above the durable commit: one no durable superblock named.)
  // A damaged journal's chain is not proven to be the durable log: an intact entry of a view the
  // log later left may chain on its prefix (its slot never rewritten, or a copy a misdirected
  // write left in a foreign slot), and the restart may have followed it. Nothing above the
  // checkpoint executes until a repair joins the chain from the head (finish_repair) or a view's
  // log replaces it; an undamaged chain reaches the head's checksum, which proves all of it.
  commit_max_ = damaged_ ? commit_min_ : std::max(commit_min_, std::min(superblock.commit, op()));
  execute_committed();
  request_start_view(options_.index);
  advance_repair(true);
  end_batch();
}

bool Replica::restore_checkpoint(std::uint8_t area, const CheckpointRef* expected,
                                 LogEntry& anchor) {
  std::vector<std::uint64_t> words = storage_.read_checkpoint(area);
  if (expected != nullptr && CheckpointChecksum(words) != expected->checksum) return false;
  const std::optional<CheckpointState> state = DecodeCheckpoint(words);
  if (!state || state->op == 0 || (expected != nullptr && state->op != expected->op)) return false;
  // The data area below the checkpoint's length was synced before the superblock naming it, and
  // is never written again.
  std::optional<PartitionLog> partition =
      RestorePartition(*state, storage_.read_data(0, state->partition_length));
  if (!partition) return false;
  checkpoint_ = {.op = state->op, .area = area, .checksum = CheckpointChecksum(words)};
  checkpoint_words_ = std::move(words);
  anchor = LogEntry{.op = state->op, .checksum = state->entry_checksum};
  checkpoint_partition_length_ = state->partition_length;
  install_checkpoint(*state, std::move(*partition), false);
  return true;
}

// Follows the journal's hash chain up from the anchor: the ops above the checkpoint, as far as
// they are intact (a torn, corrupt, misplaced or never-written slot ends the chain).
void Replica::load_journal() {
  std::vector<LogEntry> written = storage_.read_journal();
  for (const LogEntry& entry : written) {
    if (entry.op <= log_.first()) continue;
    if (EntryChecksum(entry) != entry.checksum) {
      counters_.journal_checksum_failures++;
    } else {
      repair_candidates_.push_back(entry);  // Kept only if the journal proves damaged.
    }
  }
  const bool verify = !mutants_.Has(Mutant::kJournalTrustsBytes);
  for (const LogEntry& entry : FollowJournal(std::move(written), log_.back(), verify)) {
    // A journal that chains further than the ring holds above the anchor (a fallback to an older
    // checkpoint, on a disk whose journal is not a ring) is cut where the ring would be full.
    if (!journal_has_room(entry.op)) break;
    log_.push_back(entry);
  }
}

void Replica::write_data_above_checkpoint(std::span<const std::uint64_t> partition) {
  // checkpoint_partition_length_ is the length of the latest checkpoint written: every entry below
  // it was written before (by that checkpoint or an earlier one), and is never written again.
  VSRSIM_ASSERT_GE(partition.size(), checkpoint_partition_length_);
  if (partition.size() == checkpoint_partition_length_) return;
  storage_.write_data(checkpoint_partition_length_,
                      partition.subspan(checkpoint_partition_length_));
}

void Replica::install_checkpoint(const CheckpointState& state, PartitionLog partition,
                                 bool synced) {
  VSRSIM_ASSERT_GE(state.op, commit_min_);
  VSRSIM_ASSERT_EQ(partition.next_offset(), state.partition_length);
  VSRSIM_ASSERT_EQ(partition.Digest(), state.partition_digest);
  state_machine_ = std::move(partition);
  state_machine_.reserve(options_.ops_reserved * kBatchEntriesMax);
  table_.restore(state.table);
  commit_min_ = state.op;
  commit_max_ = std::max(commit_max_, state.op);
  bus_.on_checkpoint_installed({.replica = options_.index,
                                .op = state.op,
                                .synced = synced,
                                .state_machine = &state_machine_,
                                .table = &table_});
}

}  // namespace vsrsim::core
