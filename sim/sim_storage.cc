#include "sim/sim_storage.h"

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
  return mode != CrashMode::kTorn || kind == StorageOpKind::kEntry;
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
    if (std::holds_alternative<core::LogEntry>(*issued)) {
      std::get<core::LogEntry>(pending_.back()).checksum ^= 0x5eed;  // Torn, as in crash().
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
  pending_.emplace_back(entry);
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
    if (journal_.size() + 1 == entry->op) {
      journal_.push_back(*entry);  // The usual case: the next op, written once.
    } else {
      if (journal_.size() < entry->op) journal_.resize(entry->op);
      journal_[entry->op - 1] = *entry;
    }
  } else {
    const core::Op op = std::get<Truncate>(write).op;
    if (journal_.size() > op) journal_.resize(op);
  }
}

bool SimStorage::sync() {
  if (!begin_op(StorageOpKind::kSync)) return false;
  for (const Write& write : pending_) apply(write);
  pending_.clear();
  end_op(nullptr);
  return !dead_;
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
    pending_.clear();
    return lost;
  }
  const std::size_t kept = pending_.empty() ? 0 : prng.Below(pending_.size() + 1);
  for (std::size_t i = 0; i < kept; i++) apply(pending_[i]);
  if (kept > 0 && prng.Chance(torn_write)) {
    if (const auto* entry = std::get_if<core::LogEntry>(&pending_[kept - 1])) {
      journal_[entry->op - 1].checksum ^= 0x5eed;  // Torn: the checksum no longer verifies.
    }
  }
  const std::size_t lost = pending_.size() - kept;
  pending_.clear();
  return lost;
}

std::vector<core::LogEntry> SimStorage::read_journal() const {
  std::vector<core::LogEntry> chain;
  std::uint64_t parent = 0;
  for (std::size_t i = 0; i < journal_.size(); i++) {
    const core::LogEntry& entry = journal_[i];
    if (entry.op != i + 1 || entry.parent != parent ||
        core::EntryChecksum(entry) != entry.checksum) {
      break;
    }
    chain.push_back(entry);
    parent = entry.checksum;
  }
  return chain;
}

}  // namespace vsrsim::sim
