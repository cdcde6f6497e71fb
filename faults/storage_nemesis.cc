#include "faults/storage_nemesis.h"

#include "core/assert.h"

namespace vsrsim::faults {

bool IsStorageFault(FaultKind kind) {
  return kind == FaultKind::kSectorError || kind == FaultKind::kCorruptRead ||
         kind == FaultKind::kMisdirect || kind == FaultKind::kSyncFail ||
         kind == FaultKind::kCorruptCheckpoint || kind == FaultKind::kCorruptEntry;
}

void DrawStorageFault(FaultEvent& event, std::size_t slots, sim::Prng& prng) {
  VSRSIM_ASSERT_GE(slots, 1U);
  switch (prng.Below(6)) {
    case 0:
      event.kind = FaultKind::kSectorError;
      event.slot = static_cast<std::uint32_t>(prng.Below(slots));
      event.slots =
          static_cast<std::uint32_t>(prng.Between(1, StorageNemesis::kSectorErrorSlotsDrawn));
      break;
    case 1:
      event.kind = FaultKind::kCorruptRead;
      event.slot = static_cast<std::uint32_t>(prng.Below(slots));
      break;
    case 2:
      event.kind = FaultKind::kMisdirect;
      event.slot = static_cast<std::uint32_t>(prng.Below(slots));
      break;
    case 3:
      event.kind = FaultKind::kSyncFail;
      break;
    case 4:
      event.kind = FaultKind::kCorruptCheckpoint;
      break;
    default:
      event.kind = FaultKind::kCorruptEntry;
      break;
  }
}

void StorageNemesis::on_tick(sim::Cluster& cluster, const Emit& emit) {
  const sim::Ratio rate = cluster.options().faults.storage;
  if (rate.numerator == 0) return;
  const std::size_t replicas = cluster.replica_count();
  const std::size_t faulty_max = replicas - core::QuorumReplication(replicas);
  if (faulty_max == 0) return;
  if (!prng_) {
    prng_ = sim::Prng(cluster.options().seed).Fork("storage-faults");
    const std::size_t count = prng_->Between(1, faulty_max);
    // A random subset of `count` replicas (selection sampling: one pass, in index order).
    for (std::size_t r = 0; r < replicas && faulty_.size() < count; r++) {
      if (prng_->Below(replicas - r) < count - faulty_.size()) faulty_.push_back(r);
    }
  }
  sim::Prng& prng = *prng_;
  if (!prng.Chance(rate)) return;
  const auto replica = static_cast<std::uint8_t>(faulty_[prng.Below(faulty_.size())]);
  const std::size_t slots = cluster.options().journal_slots;
  FaultEvent event{.tick = cluster.ticks(), .a = replica};
  DrawStorageFault(event, slots, prng);
  emit(event);
}

}  // namespace vsrsim::faults
