#pragma once
// Simulated durable storage for one replica: a superblock, two checkpoint areas, the data area of
// the state machine's entries (append-only, written at offsets) and a journal of prepares in a
// ring of fixed size (the journal's memory bounded by its slots, not by the run; the data area
// holds the partition log once, as the state machine itself does).
//
// Fault model: writes wait in a pending list until sync(); only then are they durable. A crash
// keeps a random prefix of the pending writes (a disk may have written some of them) and loses the
// rest; with the torn-write chance, the last write it keeps is torn: a journal entry's checksum no
// longer matches (a restart cuts the journal there), a checkpoint area holds a word flipped (its
// checksum no longer verifies), a data write has one of its words flipped (the digest of a
// checkpoint that covers it no longer verifies). Guarantee kept: synced data is never lost or
// changed, and writes reach the disk in the order they were issued, so a superblock that reached
// the disk found the checkpoint it names there before it.
//
// Storage faults (issue 17), each injected by a fault event (faults/storage_nemesis.h):
// - a sector error: journal slots [first, first + count) read back corrupt (a word of the entry
//   flipped, so its checksum fails) until each is written again (a write remaps the sector);
// - a corrupt read: the next read of the journal returns one slot corrupt (the disk still holds
//   it intact; a later read would succeed);
// - a misdirected write: the next entry write lands in another slot, over whatever it held, and
//   its own slot keeps its old content;
// - a failed sync: the disk writes a random prefix of the pending writes and loses the rest (as a
//   crash would, without tearing), and the sync reports failure (Replica::on_sync_failed);
// - a corrupt checkpoint read: the next read of a checkpoint area returns it with a word flipped
//   (its checksum fails; the disk still holds it intact).
// The disk keeps a shadow journal, the slots as they would be without sector errors, corrupt
// reads and misdirected writes (crashes and failed syncs included): what the replica made durable.
// The durability oracle reads it (sim/durability.h); the replica never does. Not modelled: a
// write-back cache that loses synced data on power loss, faults in the superblock and the data
// area, and sector errors or misdirected writes in the checkpoint areas (core/storage.h).
//
// Crash points (issue 17, `vsrsim crashpoints`): every operation the replica issues (a superblock,
// entry, truncate, checkpoint or data write, and the completion of a sync) has an index, counted
// from the disk's creation across every incarnation. A crash point armed at index k kills the
// replica's process at that operation, deterministically: kBefore, op k is not issued; kAfter, it
// is (for a sync: the disk made every pending write durable, but the replica is never told);
// kTorn, an entry, checkpoint or data write lands torn (as above). Writes issued before the point
// reach the disk in full (writes reach it in order, so a crash point at each index covers every
// prefix of the pending writes the disk could hold, and kBefore of a sync the case where it held
// none of them). From the point on the process is dead: later operations of the same event are
// ignored, and the cluster crashes the replica when the event ends (see Cluster::storage_died).

#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <span>
#include <variant>
#include <vector>

#include "core/storage.h"
#include "sim/prng.h"

namespace vsrsim::sim {

enum class StorageOpKind : std::uint8_t {
  kSuperblock,
  kEntry,
  kTruncate,
  kSync,
  kCheckpoint,
  kData
};
inline constexpr std::size_t kStorageOpKindCount = 6;
const char* StorageOpKindName(StorageOpKind kind);

enum class SyncResult : std::uint8_t {
  kDone,    // Every pending write is durable.
  kFailed,  // A failed sync (a fault): some pending writes reached the disk, the rest are lost.
  kDied,    // A crash point fired at this sync: the replica must not learn of it.
};

// The syncs an armed crash-before-sync waits for (sim::Cluster::crash_before_sync).
enum class SyncWindow : std::uint8_t { kNone, kAny, kCheckpoint };

enum class CrashMode : std::uint8_t { kBefore, kAfter, kTorn };
inline constexpr std::size_t kCrashModeCount = 3;
const char* CrashModeName(CrashMode mode);
// Which modes apply to an operation: a sync cannot be torn, nor can a superblock or a truncate
// (the core writes neither as more than one block); entry, checkpoint and data writes can.
bool CrashModeApplies(StorageOpKind kind, CrashMode mode);

struct CrashPoint {
  std::uint64_t op = 0;  // The operation's index (see above).
  CrashMode mode = CrashMode::kBefore;
  bool operator==(const CrashPoint&) const = default;
};

class SimStorage final : public core::Storage {
 public:
  // A journal ring of `journal_slots` slots: op k goes to slot k % journal_slots, over whatever it
  // held.
  explicit SimStorage(std::size_t journal_slots = 1024)
      : journal_(journal_slots),
        shadow_(journal_slots),
        removed_(journal_slots, 0),
        unreadable_(journal_slots, 0) {}

  void write_superblock(const core::Superblock& superblock) override;
  void write_entry(const core::LogEntry& entry) override;
  void truncate_after(core::Op op) override;
  void write_checkpoint(std::uint8_t area, std::span<const std::uint64_t> words) override;
  void write_data(std::uint64_t offset, std::span<const std::uint64_t> entries) override;
  core::Superblock read_superblock() const override { return superblock_; }
  std::vector<std::uint64_t> read_checkpoint(std::uint8_t area) const override;
  std::vector<core::LogEntry> read_journal() const override;
  std::vector<std::uint64_t> read_data(std::uint64_t offset, std::uint64_t count) const override;

  // Makes room for a data area of `entries` entries (as the replica's state machine does), so a
  // run's checkpoints never regrow it.
  void reserve_data(std::size_t entries) { data_.reserve(entries); }
  // Makes every pending write durable, unless a crash point fires here (kDied) or a failed sync
  // was armed (kFailed: the prefix kept is drawn from `prng`).
  SyncResult sync(Prng& prng);
  // A sync with no failed sync armed (tests).
  SyncResult sync();

  // Storage faults (above). Slots are taken modulo the journal's size.
  void add_sector_error(std::size_t first_slot, std::size_t count);
  void corrupt_next_read(std::size_t slot) { corrupt_next_read_ = slot % journal_.size() + 1; }
  void misdirect_next_write(std::size_t slot) { misdirect_next_ = slot % journal_.size() + 1; }
  void fail_next_sync() { fail_next_sync_ = true; }
  void corrupt_next_checkpoint_read() { corrupt_next_checkpoint_read_ = true; }
  // Drops the faults armed for the next read, write or sync (the heal: none fires after it).
  // Sector errors stay: they are damage the disk already has.
  void clear_armed_faults() {
    corrupt_next_read_ = 0;
    misdirect_next_ = 0;
    fail_next_sync_ = false;
    corrupt_next_checkpoint_read_ = false;
  }
  std::size_t journal_size() const { return journal_.size(); }
  // What a checkpoint area holds, as the disk holds it (no read fault applied).
  const std::vector<std::uint64_t>& checkpoint_area(std::uint8_t area) const {
    return areas_.at(area);
  }
  // The shadow journal (above): whether it holds `op` with `checksum`, on an intact chain of
  // entries down to the op above `anchor` (whose parent is not checked); if not, whether the
  // first slot missing was removed by the replica's own hand (its truncation, or a torn rewrite
  // of the very entry the slot durably held, as a damaged replica's repair rewrites a slot it
  // read back unreadable; not written again intact since) or lost (never durable, or torn on its
  // first write).
  enum class Held : std::uint8_t { kHeld, kLost, kRemoved };
  Held shadow_holds(core::Op op, std::uint64_t checksum, core::Op anchor) const;
  struct FaultCounts {
    std::uint64_t corrupt_reads = 0;  // Slots a read returned corrupt (sector errors included).
    std::uint64_t misdirected_writes = 0;
    std::uint64_t sync_failures = 0;
    std::uint64_t sector_errors = 0;  // Zones of slots made unreadable.
    std::uint64_t corrupt_checkpoint_reads = 0;
  };
  const FaultCounts& fault_counts() const { return fault_counts_; }
  // Loses the unsynced writes as described above. Returns the number of pending writes lost.
  // After a crash point fired, the disk keeps exactly what the point left (no draws).
  std::size_t crash(Prng& prng, Ratio torn_write);
  std::size_t pending_count() const { return pending_.size(); }
  // Whether a pending write goes to a checkpoint area.
  bool checkpoint_pending() const {
    return std::any_of(pending_.begin(), pending_.end(), [](const Write& write) {
      return std::holds_alternative<CheckpointWrite>(write);
    });
  }

  // Arms a crash point; `died` is called once, when it fires, from inside the operation.
  void arm(const CrashPoint& point, std::function<void()> died);
  void disarm() {
    armed_ = false;
    update_watched();
  }
  // Operations issued so far (the next one's index).
  std::uint64_t op_count() const { return op_count_; }
  // With recording on, the kind of every operation from then on (for `vsrsim crashpoints`).
  void record_op_kinds() {
    record_kinds_ = true;
    update_watched();
  }
  const std::vector<StorageOpKind>& op_kinds() const { return op_kinds_; }
  // The armed point fired, and the process has not been crashed since.
  bool dead() const { return dead_; }

 private:
  struct Truncate {
    core::Op op;
  };
  // The words of pending checkpoint and data writes wait in one arena, pending_words_ [begin,
  // begin + count), reused from sync to sync: a write allocates nothing once the arena has grown.
  struct CheckpointWrite {
    std::uint8_t area;
    std::size_t begin;
    std::size_t count;
  };
  struct DataWrite {
    std::uint64_t offset;
    std::size_t begin;
    std::size_t count;
  };
  std::span<const std::uint64_t> words_of(std::size_t begin, std::size_t count) const {
    return {pending_words_.data() + begin, count};
  }
  // Ends a batch of pending writes (after a sync or a crash).
  void clear_pending() {
    pending_.clear();
    pending_words_.clear();
  }
  // An entry write that lands in `slot`, not its own (a misdirected write).
  struct Misdirected {
    core::LogEntry entry;
    std::size_t slot;
  };
  using Write = std::variant<core::Superblock, core::LogEntry, Truncate, CheckpointWrite, DataWrite,
                             Misdirected>;
  void apply(const Write& write);
  void write_shadow(const core::LogEntry& entry);
  // Counts an operation; false if the process is dead (or dies here, before it). Inline: every
  // write and sync passes here, and with no point armed and no recording it only counts.
  bool begin_op(StorageOpKind kind) {
    op_count_++;
    return !watched_ || begin_op_watched(kind);
  }
  bool begin_op_watched(StorageOpKind kind);
  // Whether an armed kAfter/kTorn point fires at the operation just issued.
  void end_op(const Write* issued) {
    if (armed_) end_op_armed(issued);
  }
  void end_op_armed(const Write* issued);
  void update_watched() { watched_ = armed_ || dead_ || record_kinds_; }

  std::vector<Write> pending_;
  std::vector<std::uint64_t> pending_words_;
  core::Superblock superblock_;
  std::vector<core::LogEntry> journal_;  // journal_[op % size]; op 0 when empty.
  std::vector<core::LogEntry> shadow_;   // journal_ without storage faults (above).
  // Per shadow slot: truncated or its durable entry torn by a rewrite, not written intact since.
  std::vector<std::uint8_t> removed_;
  std::vector<std::uint8_t> unreadable_;       // Per slot: a sector error.
  mutable std::size_t corrupt_next_read_ = 0;  // slot + 1; 0: none.
  std::size_t misdirect_next_ = 0;             // slot + 1; 0: none.
  bool fail_next_sync_ = false;
  mutable bool corrupt_next_checkpoint_read_ = false;
  mutable FaultCounts fault_counts_;
  std::array<std::vector<std::uint64_t>, core::kCheckpointAreas> areas_;
  std::vector<std::uint64_t> data_;  // The durable data area: data_[k] is the entry at offset k.
  std::uint64_t op_count_ = 0;
  bool record_kinds_ = false;
  std::vector<StorageOpKind> op_kinds_;
  bool armed_ = false;
  bool watched_ = false;  // armed_ || dead_ || record_kinds_: begin_op's slow path.
  CrashPoint point_{};
  std::function<void()> died_;
  bool dead_ = false;
  bool lose_pending_ = false;
};

}  // namespace vsrsim::sim
