#include "sim/sim_storage.h"

#include <algorithm>

#include "core/assert.h"

namespace vsrsim::sim {

void SimStorage::write_superblock(const core::Superblock& superblock) {
  pending_.emplace_back(superblock);
}

void SimStorage::write_entry(const core::LogEntry& entry) {
  VSRSIM_ASSERT_GT(entry.op, 0U);
  pending_.emplace_back(entry);
}

void SimStorage::write_checkpoint(std::uint8_t area, std::span<const std::uint64_t> words) {
  VSRSIM_ASSERT_LT(area, core::kCheckpointAreas);
  pending_.emplace_back(CheckpointWrite{area, {words.begin(), words.end()}});
}

void SimStorage::write_data(std::uint64_t offset, std::span<const std::uint64_t> entries) {
  VSRSIM_ASSERT_GT(entries.size(), 0U);
  pending_.emplace_back(DataWrite{offset, {entries.begin(), entries.end()}});
}

void SimStorage::truncate_after(core::Op op) { pending_.emplace_back(Truncate{op}); }

void SimStorage::apply(const Write& write) {
  if (const auto* superblock = std::get_if<core::Superblock>(&write)) {
    superblock_ = *superblock;
  } else if (const auto* entry = std::get_if<core::LogEntry>(&write)) {
    journal_[entry->op % journal_.size()] = *entry;
  } else if (const auto* checkpoint = std::get_if<CheckpointWrite>(&write)) {
    areas_[checkpoint->area] = checkpoint->words;
  } else if (const auto* data = std::get_if<DataWrite>(&write)) {
    // The area has no holes: a write starts at most at its end.
    VSRSIM_ASSERT_LE(data->offset, data_.size());
    const std::size_t end = data->offset + data->entries.size();
    if (data_.size() < end) data_.resize(end);
    std::copy(data->entries.begin(), data->entries.end(),
              data_.begin() + static_cast<std::ptrdiff_t>(data->offset));
  } else {
    const core::Op op = std::get<Truncate>(write).op;
    for (core::LogEntry& slot : journal_) {
      if (slot.op > op) slot = core::LogEntry{};
    }
  }
}

void SimStorage::sync() {
  for (const Write& write : pending_) apply(write);
  pending_.clear();
}

std::size_t SimStorage::crash(Prng& prng, Ratio torn_write) {
  const std::size_t kept = pending_.empty() ? 0 : prng.Below(pending_.size() + 1);
  for (std::size_t i = 0; i < kept; i++) apply(pending_[i]);
  if (kept > 0 && prng.Chance(torn_write)) {
    if (const auto* entry = std::get_if<core::LogEntry>(&pending_[kept - 1])) {
      journal_[entry->op % journal_.size()].checksum ^=
          0x5eed;  // Torn: the checksum no longer verifies.
    } else if (const auto* checkpoint = std::get_if<CheckpointWrite>(&pending_[kept - 1])) {
      std::vector<std::uint64_t>& area = areas_[checkpoint->area];
      area[prng.Below(area.size())] ^= 0x5eed;  // Torn: the checkpoint's checksum fails.
    } else if (const auto* data = std::get_if<DataWrite>(&pending_[kept - 1])) {
      // Torn: the digest of a checkpoint covering the entry fails.
      data_[data->offset + prng.Below(data->entries.size())] ^= 0x5eed;
    }
  }
  const std::size_t lost = pending_.size() - kept;
  pending_.clear();
  return lost;
}

std::vector<std::uint64_t> SimStorage::read_data(std::uint64_t offset, std::uint64_t count) const {
  if (offset >= data_.size()) return {};
  const std::uint64_t end = std::min<std::uint64_t>(data_.size(), offset + count);
  return {data_.begin() + static_cast<std::ptrdiff_t>(offset),
          data_.begin() + static_cast<std::ptrdiff_t>(end)};
}

std::vector<core::LogEntry> SimStorage::read_journal() const {
  std::vector<core::LogEntry> written;
  for (const core::LogEntry& slot : journal_) {
    if (slot.op > 0) written.push_back(slot);
  }
  return written;
}

}  // namespace vsrsim::sim
