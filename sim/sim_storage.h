#pragma once
// Simulated durable storage for one replica: a superblock and a journal of prepares.
//
// Fault model: writes wait in a pending list until sync(); only then are they durable. A crash
// keeps a random prefix of the pending writes (a disk may have written some of them) and loses the
// rest; with the torn-write chance, the last write it keeps is torn (its entry's checksum no longer
// matches, so a restart cuts the journal there). Guarantee kept: synced data is never lost or
// changed, and writes reach the disk in the order they were issued.

#include <cstdint>
#include <variant>
#include <vector>

#include "core/storage.h"
#include "sim/prng.h"

namespace vsrsim::sim {

class SimStorage final : public core::Storage {
 public:
  void write_superblock(const core::Superblock& superblock) override;
  void write_entry(const core::LogEntry& entry) override;
  void truncate_after(core::Op op) override;
  core::Superblock read_superblock() const override { return superblock_; }
  std::vector<core::LogEntry> read_journal() const override;

  // Makes room for a journal of `ops` ops, so writing them never regrows it.
  void reserve(std::size_t ops) { journal_.reserve(ops); }
  // Makes every pending write durable.
  void sync();
  // Loses the unsynced writes as described above. Returns the number of pending writes lost.
  std::size_t crash(Prng& prng, Ratio torn_write);
  std::size_t pending_count() const { return pending_.size(); }

 private:
  struct Truncate {
    core::Op op;
  };
  using Write = std::variant<core::Superblock, core::LogEntry, Truncate>;
  void apply(const Write& write);

  std::vector<Write> pending_;
  core::Superblock superblock_;
  std::vector<core::LogEntry> journal_;  // journal_[i] is op i + 1's slot (op 0 when empty).
};

}  // namespace vsrsim::sim
