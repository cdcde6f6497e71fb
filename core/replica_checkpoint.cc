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
  if (checkpoint_.op > 0) {
    // Synced data is never lost or changed, and the checkpoint was durable before the superblock
    // that names it: anything else is a broken disk, not a fault the replica can handle.
    checkpoint_words_ = storage_.read_checkpoint(checkpoint_.area);
    VSRSIM_ASSERT_EQ(CheckpointChecksum(checkpoint_words_), checkpoint_.checksum);
    const std::optional<CheckpointState> state = DecodeCheckpoint(checkpoint_words_);
    VSRSIM_ASSERT(state.has_value());
    VSRSIM_ASSERT_EQ(state->op, checkpoint_.op);
    // The data area below the checkpoint's length was synced before the superblock naming it, and
    // is never written again: entries that do not give its digest are a broken disk too.
    std::optional<PartitionLog> partition =
        RestorePartition(*state, storage_.read_data(0, state->partition_length));
    VSRSIM_ASSERT(partition.has_value());
    anchor = LogEntry{.op = state->op, .checksum = state->entry_checksum};
    checkpoint_partition_length_ = state->partition_length;
    install_checkpoint(*state, std::move(*partition), false);
  }
  log_.reset(anchor);
  load_journal();
  superblock_written_ = superblock;
  // Issue 17: the superblock vouches for the journal up to its head (Superblock::op). A chain that
  // ends below it, or reaches it with another checksum, lost synced entries to a storage fault:
  // the log may lack an op this replica acknowledged, so it must not vote with it (journal_
  // damaged()). Above the head, a broken chain is a crash's torn or lost unsynced write.
  const bool intact =
      superblock.op <= checkpoint_.op ||
      (op() >= superblock.op && log_[superblock.op].checksum == superblock.op_checksum);
  if (!intact && !mutants_.Has(Mutant::kJournalDamageIgnored)) {
    damaged_ = true;
    damage_head_ = superblock.op;
    damage_head_checksum_ = superblock.op_checksum;
    counters_.journal_damage++;
  }
  op_durable_ = op();
  commit_max_ = std::min(superblock.commit, op());
  VSRSIM_ASSERT_GE(commit_max_, commit_min_);
  execute_committed();
  request_start_view(options_.index);
  end_batch();
}

// Follows the journal's hash chain up from the anchor: the ops above the checkpoint, as far as
// they are intact (a torn, corrupt, misplaced or never-written slot ends the chain).
void Replica::load_journal() {
  std::vector<LogEntry> written = storage_.read_journal();
  for (const LogEntry& entry : written) {
    if (entry.op > log_.first() && EntryChecksum(entry) != entry.checksum) {
      counters_.journal_checksum_failures++;
    }
  }
  const bool verify = !mutants_.Has(Mutant::kJournalTrustsBytes);
  for (const LogEntry& entry : FollowJournal(std::move(written), log_.back(), verify)) {
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
