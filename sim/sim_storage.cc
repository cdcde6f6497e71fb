#include "sim/sim_storage.h"

#include <algorithm>

#include "core/assert.h"

namespace vsrsim::sim {

const char* StorageOpKindName(StorageOpKind kind) {
  switch (kind) {
    case StorageOpKind::kSuperblock:
      return "superblock";
    case StorageOpKind::kEntry:
      return "entry";
    case StorageOpKind::kTruncate:
      return "truncate";
    case StorageOpKind::kSync:
      return "sync";
    case StorageOpKind::kCheckpoint:
      return "checkpoint";
    case StorageOpKind::kData:
      return "data";
  }
  return "?";
}

const char* CrashModeName(CrashMode mode) {
  switch (mode) {
    case CrashMode::kBefore:
      return "before";
    case CrashMode::kAfter:
      return "after";
    case CrashMode::kTorn:
      return "torn";
  }
  return "?";
}

bool CrashModeApplies(StorageOpKind kind, CrashMode mode) {
  return mode != CrashMode::kTorn || kind == StorageOpKind::kEntry ||
         kind == StorageOpKind::kCheckpoint || kind == StorageOpKind::kData;
}

void SimStorage::arm(const CrashPoint& point, std::function<void()> died) {
  armed_ = true;
  point_ = point;
  died_ = std::move(died);
  update_watched();
}

bool SimStorage::begin_op_watched(StorageOpKind kind) {
  if (dead_) {
    op_count_--;  // A dead process issues nothing.
    return false;
  }
  const std::uint64_t index = op_count_ - 1;
  if (record_kinds_) op_kinds_.push_back(kind);
  if (armed_ && index == point_.op && point_.mode == CrashMode::kBefore) {
    armed_ = false;
    dead_ = true;
    update_watched();
    // Before a sync: the disk wrote none of the pending writes. Before a write: all before it.
    lose_pending_ = kind == StorageOpKind::kSync;
    died_();
    return false;
  }
  return true;
}

void SimStorage::end_op_armed(const Write* issued) {
  if (op_count_ - 1 != point_.op) return;
  if (point_.mode == CrashMode::kTorn && issued != nullptr) {
    // Torn as in crash(), on the write's last word: an entry's checksum, a checkpoint's checksum
    // word, a data write's last entry (which the digest of a checkpoint covering it then fails).
    Write& write = pending_.back();
    if (auto* entry = std::get_if<core::LogEntry>(&write)) {
      entry->checksum ^= 0x5eed;
    } else if (auto* checkpoint = std::get_if<CheckpointWrite>(&write)) {
      if (checkpoint->count > 0)
        pending_words_[checkpoint->begin + checkpoint->count - 1] ^= 0x5eed;
    } else if (auto* data = std::get_if<DataWrite>(&write)) {
      pending_words_[data->begin + data->count - 1] ^= 0x5eed;
    }
  }
  armed_ = false;
  dead_ = true;
  update_watched();
  lose_pending_ = false;
  died_();
}

void SimStorage::write_superblock(const core::Superblock& superblock) {
  if (!begin_op(StorageOpKind::kSuperblock)) return;
  pending_.emplace_back(superblock);
  end_op(&pending_.back());
}

void SimStorage::write_entry(const core::LogEntry& entry) {
  VSRSIM_ASSERT_GT(entry.op, 0U);
  if (!begin_op(StorageOpKind::kEntry)) return;
  if (misdirect_next_ != 0) {
    std::size_t slot = misdirect_next_ - 1;
    if (slot == entry.op % journal_.size()) slot = (slot + 1) % journal_.size();
    misdirect_next_ = 0;
    fault_counts_.misdirected_writes++;
    pending_.emplace_back(Misdirected{entry, slot});
  } else {
    pending_.emplace_back(entry);
  }
  end_op(&pending_.back());
}

void SimStorage::add_sector_error(std::size_t first_slot, std::size_t count) {
  for (std::size_t i = 0; i < count && i < journal_.size(); i++) {
    unreadable_[(first_slot + i) % journal_.size()] = 1;
  }
  fault_counts_.sector_errors++;
}

SimStorage::Held SimStorage::shadow_holds(core::Op op, std::uint64_t checksum,
                                          core::Op anchor) const {
  std::uint64_t expected = checksum;
  for (core::Op at = op; at > anchor; at--) {
    const std::size_t index = at % shadow_.size();
    const core::LogEntry& slot = shadow_[index];
    if (slot.op != at || slot.checksum != expected || core::EntryChecksum(slot) != slot.checksum) {
      return removed_[index] != 0 ? Held::kRemoved : Held::kLost;
    }
    expected = slot.parent;
  }
  return Held::kHeld;
}

void SimStorage::write_shadow(const core::LogEntry& entry) {
  const std::size_t slot = entry.op % shadow_.size();
  const bool intact = core::EntryChecksum(entry) == entry.checksum;
  // A torn rewrite (a crash point's) of the entry the slot durably held: the replica's own write
  // destroyed it, as a truncation would (shadow_holds).
  const core::LogEntry& held = shadow_[slot];
  if (!intact && held.op == entry.op && core::EntryChecksum(held) == held.checksum &&
      held.view == entry.view && held.parent == entry.parent && held.request == entry.request) {
    removed_[slot] = 1;
  }
  shadow_[slot] = entry;
  if (removed_[slot] != 0 && intact) removed_[slot] = 0;
}

void SimStorage::write_checkpoint(std::uint8_t area, std::span<const std::uint64_t> words) {
  VSRSIM_ASSERT_LT(area, core::kCheckpointAreas);
  if (!begin_op(StorageOpKind::kCheckpoint)) return;
  pending_.emplace_back(CheckpointWrite{area, pending_words_.size(), words.size()});
  pending_words_.insert(pending_words_.end(), words.begin(), words.end());
  end_op(&pending_.back());
}

void SimStorage::write_data(std::uint64_t offset, std::span<const std::uint64_t> entries) {
  VSRSIM_ASSERT_GT(entries.size(), 0U);
  if (!begin_op(StorageOpKind::kData)) return;
  pending_.emplace_back(DataWrite{offset, pending_words_.size(), entries.size()});
  pending_words_.insert(pending_words_.end(), entries.begin(), entries.end());
  end_op(&pending_.back());
}

void SimStorage::truncate_after(core::Op op) {
  if (!begin_op(StorageOpKind::kTruncate)) return;
  pending_.emplace_back(Truncate{op});
  end_op(&pending_.back());
}

void SimStorage::apply(const Write& write) {
  if (const auto* superblock = std::get_if<core::Superblock>(&write)) {
    superblock_ = *superblock;
  } else if (const auto* entry = std::get_if<core::LogEntry>(&write)) {
    const std::size_t slot = entry->op % journal_.size();
    journal_[slot] = *entry;
    write_shadow(*entry);
    unreadable_[slot] = 0;
  } else if (const auto* misdirected = std::get_if<Misdirected>(&write)) {
    journal_[misdirected->slot] = misdirected->entry;
    unreadable_[misdirected->slot] = 0;
    write_shadow(misdirected->entry);
  } else if (const auto* checkpoint = std::get_if<CheckpointWrite>(&write)) {
    const std::span<const std::uint64_t> words = words_of(checkpoint->begin, checkpoint->count);
    areas_[checkpoint->area].assign(words.begin(), words.end());
  } else if (const auto* data = std::get_if<DataWrite>(&write)) {
    // The area has no holes: a write starts at most at its end.
    VSRSIM_ASSERT_LE(data->offset, data_.size());
    const std::span<const std::uint64_t> entries = words_of(data->begin, data->count);
    const std::size_t end = data->offset + entries.size();
    if (data_.size() < end) data_.resize(end);
    std::copy(entries.begin(), entries.end(),
              data_.begin() + static_cast<std::ptrdiff_t>(data->offset));
  } else {
    const core::Op op = std::get<Truncate>(write).op;
    for (core::LogEntry& slot : journal_) {
      if (slot.op > op) slot = core::LogEntry{};
    }
    for (std::size_t slot = 0; slot < shadow_.size(); slot++) {
      if (shadow_[slot].op <= op) continue;
      shadow_[slot] = core::LogEntry{};
      removed_[slot] = 1;
    }
  }
}

SyncResult SimStorage::sync() {
  VSRSIM_ASSERT(!fail_next_sync_);
  Prng unused(0);
  return sync(unused);
}

SyncResult SimStorage::sync(Prng& prng) {
  if (!begin_op(StorageOpKind::kSync)) return SyncResult::kDied;
  if (fail_next_sync_) {
    fail_next_sync_ = false;
    fault_counts_.sync_failures++;
    const std::size_t kept = pending_.empty() ? 0 : prng.Below(pending_.size() + 1);
    for (std::size_t i = 0; i < kept; i++) apply(pending_[i]);
    clear_pending();
    end_op(nullptr);
    return dead_ ? SyncResult::kDied : SyncResult::kFailed;
  }
  // Each superblock write replaces the one before and no other write reads it, so only the batch's
  // last superblock is copied to the disk (most events end in one: a sync holds several).
  std::size_t last_superblock = pending_.size();
  for (std::size_t i = pending_.size(); i-- > 0;) {
    if (std::holds_alternative<core::Superblock>(pending_[i])) {
      last_superblock = i;
      break;
    }
  }
  for (std::size_t i = 0; i < pending_.size(); i++) {
    if (i < last_superblock && std::holds_alternative<core::Superblock>(pending_[i])) continue;
    apply(pending_[i]);
  }
  clear_pending();
  end_op(nullptr);
  return dead_ ? SyncResult::kDied : SyncResult::kDone;
}

std::size_t SimStorage::crash(Prng& prng, Ratio torn_write) {
  if (dead_) {
    // The crash point decided what the disk holds: every pending write, or (before a sync) none.
    dead_ = false;
    update_watched();
    const std::size_t lost = lose_pending_ ? pending_.size() : 0;
    if (!lose_pending_) {
      for (const Write& write : pending_) apply(write);
    }
    clear_pending();
    return lost;
  }
  const std::size_t kept = pending_.empty() ? 0 : prng.Below(pending_.size() + 1);
  std::uint8_t removed_before_last = 0;
  for (std::size_t i = 0; i < kept; i++) {
    if (i + 1 == kept) {
      if (const auto* entry = std::get_if<core::LogEntry>(&pending_[i])) {
        const std::size_t slot = entry->op % removed_.size();
        // A rewrite of the very entry the slot durably holds (a damaged replica's repair), torn
        // below, destroys it by the replica's own hand (shadow_holds).
        removed_before_last = shadow_[slot] == *entry ? 1 : removed_[slot];
      }
    }
    apply(pending_[i]);
  }
  if (kept > 0 && prng.Chance(torn_write)) {
    if (const auto* entry = std::get_if<core::LogEntry>(&pending_[kept - 1])) {
      // Torn: the checksum no longer verifies (and a slot truncated before stays so).
      const std::size_t slot = entry->op % journal_.size();
      journal_[slot].checksum ^= 0x5eed;
      shadow_[slot].checksum ^= 0x5eed;
      removed_[slot] = removed_before_last;
    } else if (const auto* checkpoint = std::get_if<CheckpointWrite>(&pending_[kept - 1])) {
      std::vector<std::uint64_t>& area = areas_[checkpoint->area];
      area[prng.Below(area.size())] ^= 0x5eed;  // Torn: the checkpoint's checksum fails.
    } else if (const auto* data = std::get_if<DataWrite>(&pending_[kept - 1])) {
      // Torn: the digest of a checkpoint covering the entry fails.
      data_[data->offset + prng.Below(data->count)] ^= 0x5eed;
    }
  }
  const std::size_t lost = pending_.size() - kept;
  clear_pending();
  return lost;
}

std::vector<std::uint64_t> SimStorage::read_data(std::uint64_t offset, std::uint64_t count) const {
  if (offset >= data_.size()) return {};
  const std::uint64_t end = std::min<std::uint64_t>(data_.size(), offset + count);
  return {data_.begin() + static_cast<std::ptrdiff_t>(offset),
          data_.begin() + static_cast<std::ptrdiff_t>(end)};
}

namespace {

// A slot read back corrupt: a word the entry's checksum covers is flipped, one that execution
// reads (an appended entry, or else the request number), so an entry trusted as read executes
// differently.
core::LogEntry Corrupted(core::LogEntry entry) {
  if (entry.request.operation == core::Operation::kAppend && entry.request.entry_count > 0) {
    entry.request.entries[0] ^= 0x5eed;
  } else {
    entry.request.request ^= 1;
  }
  return entry;
}

}  // namespace

std::vector<std::uint64_t> SimStorage::read_checkpoint(std::uint8_t area) const {
  std::vector<std::uint64_t> words = areas_.at(area);
  if (corrupt_next_checkpoint_read_ && !words.empty()) {
    corrupt_next_checkpoint_read_ = false;
    fault_counts_.corrupt_checkpoint_reads++;
    words[words.size() / 2] ^= 0x5eed;
  }
  return words;
}

std::vector<core::LogEntry> SimStorage::read_journal() const {
  std::vector<core::LogEntry> written;
  for (std::size_t slot = 0; slot < journal_.size(); slot++) {
    if (journal_[slot].op == 0) continue;
    if (unreadable_[slot] != 0 || corrupt_next_read_ == slot + 1) {
      fault_counts_.corrupt_reads++;
      written.push_back(Corrupted(journal_[slot]));
    } else {
      written.push_back(journal_[slot]);
    }
  }
  corrupt_next_read_ = 0;
  return written;
}

}  // namespace vsrsim::sim
