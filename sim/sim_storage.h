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

#include <array>
#include <cstdint>
#include <span>
#include <variant>
#include <vector>

#include "core/storage.h"
#include "sim/prng.h"

namespace vsrsim::sim {

class SimStorage final : public core::Storage {
 public:
  // A journal ring of `journal_slots` slots: op k goes to slot k % journal_slots, over whatever it
  // held.
  explicit SimStorage(std::size_t journal_slots = 1024) : journal_(journal_slots) {}

  void write_superblock(const core::Superblock& superblock) override;
  void write_entry(const core::LogEntry& entry) override;
  void truncate_after(core::Op op) override;
  void write_checkpoint(std::uint8_t area, std::span<const std::uint64_t> words) override;
  void write_data(std::uint64_t offset, std::span<const std::uint64_t> entries) override;
  core::Superblock read_superblock() const override { return superblock_; }
  std::vector<std::uint64_t> read_checkpoint(std::uint8_t area) const override {
    return areas_.at(area);
  }
  std::vector<core::LogEntry> read_journal() const override;
  std::vector<std::uint64_t> read_data(std::uint64_t offset, std::uint64_t count) const override;

  // Makes every pending write durable.
  void sync();
  // Loses the unsynced writes as described above. Returns the number of pending writes lost.
  std::size_t crash(Prng& prng, Ratio torn_write);
  std::size_t pending_count() const { return pending_.size(); }

 private:
  struct Truncate {
    core::Op op;
  };
  struct CheckpointWrite {
    std::uint8_t area;
    std::vector<std::uint64_t> words;
  };
  struct DataWrite {
    std::uint64_t offset;
    std::vector<std::uint64_t> entries;
  };
  using Write =
      std::variant<core::Superblock, core::LogEntry, Truncate, CheckpointWrite, DataWrite>;
  void apply(const Write& write);

  std::vector<Write> pending_;
  core::Superblock superblock_;
  std::vector<core::LogEntry> journal_;  // journal_[op % size]; op 0 when empty.
  std::array<std::vector<std::uint64_t>, core::kCheckpointAreas> areas_;
  std::vector<std::uint64_t> data_;  // The durable data area: data_[k] is the entry at offset k.
};

}  // namespace vsrsim::sim
