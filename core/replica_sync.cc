// Replica: state sync. A replica that needs ops no peer journals any longer (its log is behind
// the oldest op the primary holds, or does not reach the checkpoint a view's log starts at) asks
// a peer for its checkpoint, verifies the checksum and the op, installs the state machine and the
// clients table (cached replies included), writes the checkpoint to its own storage with the
// superblock naming it (the sync's commit point, as for its own checkpoints), and repairs the
// journal above it from the primary.

#include <algorithm>

#include "core/assert.h"
#include "core/replica.h"

namespace vsrsim::core {

void Replica::request_checkpoint(ReplicaIndex from, Op op) {
  // One request per retransmission period: the answer is large, and a lost one is asked again.
  if (checkpoint_requested_ && ticks_ - ticks_checkpoint_requested_ < options_.retry_ticks) return;
  checkpoint_requested_ = true;
  ticks_checkpoint_requested_ = ticks_;
  send(from, RequestCheckpoint{.view = view_, .op = op, .replica = options_.index});
}

SyncCheckpoint Replica::make_sync_checkpoint() const {
  // The partition is append-only and the state machine is at or past the checkpoint, so the
  // checkpoint's partition is the state machine's prefix of its length. The whole of it is
  // shipped: a sync is rare, and the receiver verifies it against the checkpoint's digest.
  VSRSIM_ASSERT_GE(state_machine_.next_offset(), checkpoint_partition_length_);
  std::vector<std::uint64_t> partition(
      state_machine_.entries().begin(),
      state_machine_.entries().begin() + static_cast<std::ptrdiff_t>(checkpoint_partition_length_));
  // Mutant sync-omits-replies: the sync carries sessions but not their cached replies.
  if (mutants_.Has(Mutant::kSyncOmitsReplies)) {
    const std::optional<CheckpointState> state = DecodeCheckpoint(checkpoint_words_);
    VSRSIM_ASSERT(state.has_value());
    std::vector<std::uint64_t> words = EncodeCheckpoint(*state, {.replies = true});
    const std::uint64_t checksum = CheckpointChecksum(words);
    return SyncCheckpoint{.view = view_,
                          .op = checkpoint_.op,
                          .checksum = checksum,
                          .replica = options_.index,
                          .words = std::move(words),
                          .partition = std::move(partition)};
  }
  return SyncCheckpoint{.view = view_,
                        .op = checkpoint_.op,
                        .checksum = checkpoint_.checksum,
                        .replica = options_.index,
                        .words = checkpoint_words_,
                        .partition = std::move(partition)};
}

void Replica::on_request_checkpoint(const RequestCheckpoint& message) {
  // Only a checkpoint at or above the op asked for helps; a replica without one stays silent.
  if (checkpoint_.op == 0 || checkpoint_.op < message.op) return;
  send(message.replica, make_sync_checkpoint());
}

void Replica::on_sync_checkpoint(const SyncCheckpoint& message) {
  // Nothing to gain from a checkpoint below what this replica executed (it never goes back) or at
  // or below its own; one at its commit still frees its journal (a view's log may need the room).
  if (message.op < commit_min_ || message.op <= checkpoint_.op) return;
  if (status_ == Status::kNormal && is_primary() && message.view <= view_) return;
  // A normal backup takes a checkpoint from its own view's primary, or from a newer view (it fell
  // behind a view change); never from an older view.
  if (status_ == Status::kNormal && message.view < view_) return;
  if (status_ == Status::kNormal && message.view == view_ && message.replica != primary()) return;
  // The area the new checkpoint goes to may be named by a superblock not yet durable: wait.
  if (checkpoint_unsynced_) return;
  const std::optional<CheckpointState> state = DecodeCheckpoint(message.words);
  if (!state || state->op != message.op || CheckpointChecksum(message.words) != message.checksum) {
    return;
  }
  std::optional<PartitionLog> partition = RestorePartition(*state, message.partition);
  if (!partition) return;
  // The log above the checkpoint stays if it continues the checkpoint's op; otherwise it was never
  // committed (the committed op there differs), and the log restarts at the checkpoint.
  const bool reset = !log_.holds(state->op) || log_[state->op].checksum != state->entry_checksum;
  if (reset) {
    log_.reset(LogEntry{.op = state->op, .checksum = state->entry_checksum});
    op_durable_ = std::min(op_durable_, op());
  }
  // A replica of an older view (it fell behind a view change) stops answering for that view and
  // asks for the current one, as after a restart.
  if (status_ == Status::kNormal && message.view > view_) status_ = Status::kRecovering;
  const auto area = NextCheckpointArea();
  // The data area first (the entries above this replica's latest checkpoint), then the area.
  write_data_above_checkpoint(message.partition);
  if (!mutants_.Has(Mutant::kSyncNotWritten)) storage_.write_checkpoint(area, message.words);
  checkpoint_ = {.op = state->op, .area = area, .checksum = message.checksum};
  checkpoint_partition_length_ = state->partition_length;
  checkpoint_words_ = message.words;
  checkpoint_unsynced_ = true;
  checkpoint_requested_ = false;
  counters_.state_syncs++;
  install_checkpoint(*state, std::move(*partition), true);
  // Committed state at or above the damaged head holds every op the replica may have lost (ops
  // of its view up to there are the committed ones): the damage is repaired.
  if (damaged_ && checkpoint_.op >= damage_head_) {
    damaged_ = false;
    counters_.journal_repairs++;
    clear_repair();
  }
  execute_committed();
  persist_superblock();
  // The journal above the checkpoint goes after the superblock naming the checkpoint (and the
  // journal's head at it), so no durable superblock ever names an entry that is gone.
  if (reset) storage_.truncate_after(state->op);
  switch (status_) {
    case Status::kNormal:
      if (op() < std::max(commit_max_, op_seen_)) request_repair();
      break;
    case Status::kViewChange:
      if (is_primary()) maybe_start_view();
      if (!is_primary()) request_start_view(primary());
      break;
    case Status::kRecovering:
      request_start_view(options_.index);
      break;
  }
}

}  // namespace vsrsim::core
