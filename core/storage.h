#pragma once
// The replica's seam to durable storage (LevelDB's Env idea): a superblock, two checkpoint areas,
// an append-only data area holding the state machine's entries, and a journal of prepares.
//
// Writes are not durable when the call returns. They become durable together when the environment
// completes the sync the replica asked for through Bus::request_sync and calls
// Replica::on_sync_done. A crash before that loses, or tears, what was not synced; writes reach
// the disk in the order they were issued. The replica therefore never lets a message to another
// replica leave while it has unsynced writes (see Replica). Reads happen only when a replica
// opens: they return the durable state, which the replica verifies (the journal is a hash chain
// from the checkpoint; a checkpoint carries a checksum).
//
// Storage faults (issue 17, sim/sim_storage.h): a journal slot may read back corrupt (a latent
// sector error, or a corrupt read), an entry write may land in another slot (misdirected), and a
// sync may fail (Replica::on_sync_failed: some of its writes may have reached the disk, and the
// replica cannot know which). Every journal entry carries a checksum and is chained on its parent,
// so the replica detects a damaged slot; the superblock's journal head tells it whether the damage
// may have cost an entry it acknowledged. A checkpoint area may read back corrupt too: the replica
// then falls back to the other area's checkpoint, or to none. The superblock and the data area are
// outside this fault model (a real disk would keep the superblock in redundant copies).
//
// Checkpoints: a checkpoint is written into the area the durable superblock does not name, then
// the superblock is written to name it. The superblock write is the checkpoint's commit point: a
// crash before it leaves the previous checkpoint in force, whatever became of the new area. What
// it does not do: interpret a checkpoint's bytes (core/checkpoint.h does, and verifies them).
//
// The data area: the partition log's entries, word k at offset k. A checkpoint names a length and
// a digest of the partition (core/checkpoint.h); before its area, the replica writes the entries
// between the previous checkpoint's length and its own, so a durable superblock's checkpoint finds
// every entry below its length durable. Entries below the in-force checkpoint's length are never
// written again (they could only be written with the same values); unsynced writes above it may be
// lost or torn by a crash, and are harmless: a restart reads [0, length) and verifies the digest,
// and the next checkpoint writes over them.

#include <cstdint>
#include <span>
#include <vector>

#include "core/message.h"
#include "core/types.h"

namespace vsrsim::core {

inline constexpr std::size_t kCheckpointAreas = 2;

// Which checkpoint is in force: the op it holds the state after, the area holding it and the
// checksum of its encoding. op == 0: none (the state before op 1, which needs no area).
struct CheckpointRef {
  Op op = 0;
  std::uint8_t area = 0;
  std::uint64_t checksum = 0;
  bool operator==(const CheckpointRef&) const = default;
};

struct Superblock {
  View view = 0;
  View log_view = 0;  // The last view in which the replica's status was normal.
  // Ops up to here were executed; a restart loads the checkpoint and executes the journal above it
  // up to here again.
  Op commit = 0;
  CheckpointRef checkpoint{};
  // Issue 17: the journal's head when the superblock was written, the last op of the replica's log
  // and that op's checksum. The replica writes a superblock at the end of every batch of writes,
  // after the batch's journal entries, so a durable superblock finds every entry up to `op` durable
  // before it: a restart whose journal chain does not reach `op` (with `op_checksum`) lost synced
  // entries to a storage fault, not to a crash (a crash loses or tears only unsynced writes).
  Op op = 0;
  std::uint64_t op_checksum = 0;
  bool operator==(const Superblock&) const = default;
};

class Storage {
 public:
  virtual ~Storage() = default;
  virtual void write_superblock(const Superblock& superblock) = 0;
  // Writes a checkpoint's encoding into area `area` (< kCheckpointAreas), replacing what it held.
  virtual void write_checkpoint(std::uint8_t area, std::span<const std::uint64_t> words) = 0;
  // Writes `entries` into the data area at offsets [offset, offset + entries.size()). Requires:
  // offset is at most the end of what was written before (the area has no holes).
  virtual void write_data(std::uint64_t offset, std::span<const std::uint64_t> entries) = 0;
  // Writes the journal slot of entry.op. The journal is a ring (ReplicaOptions::journal_slots):
  // the slot may hold an older op, which the replica has checkpointed.
  virtual void write_entry(const LogEntry& entry) = 0;
  // Removes every journal entry above `op`.
  virtual void truncate_after(Op op) = 0;

  virtual Superblock read_superblock() const = 0;
  // The durable content of a checkpoint area (empty if it was never written).
  virtual std::vector<std::uint64_t> read_checkpoint(std::uint8_t area) const = 0;
  // The durable data area's entries at [offset, offset + count), fewer where it ends.
  virtual std::vector<std::uint64_t> read_data(std::uint64_t offset, std::uint64_t count) const = 0;
  // The durable journal's written slots, in any order, as the disk holds them (torn entries
  // included): the replica follows the hash chain up from its checkpoint and verifies each entry.
  virtual std::vector<LogEntry> read_journal() const = 0;
};

}  // namespace vsrsim::core
