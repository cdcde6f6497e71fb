#include "sim/sim_storage.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <set>
#include <vector>

#include "core/log_ring.h"
#include "core/message.h"
#include "core/storage.h"
#include "sim/prng.h"

namespace vsrsim::sim {
namespace {

core::Request Append(std::uint64_t number, std::uint64_t payload) {
  return core::Request{.client = core::ClientId{7},
                       .session = 1,
                       .request = number,
                       .operation = core::Operation::kAppend,
                       .entry_count = 1,
                       .entries = {payload, 0, 0, 0}};
}

// A hash chain of `count` entries above `from` (log()[0] of the result is `from`).
std::vector<core::LogEntry> Chain(const core::LogEntry& from, std::size_t count,
                                  std::uint64_t payload_base) {
  std::vector<core::LogEntry> chain = {from};
  for (std::size_t i = 0; i < count; i++) {
    chain.push_back(core::MakeEntry(chain.back(), 1, Append(chain.size(), payload_base + i)));
  }
  return chain;
}

// The journal a restart reads: the intact chain from op 1 among the durable slots.
std::vector<core::LogEntry> Journal(const SimStorage& storage) {
  return core::FollowJournal(storage.read_journal(), core::LogEntry{});
}

// chain[1..count] (dropping the starting entry).
std::vector<core::LogEntry> Ops(const std::vector<core::LogEntry>& chain, std::size_t count) {
  return std::vector<core::LogEntry>(chain.begin() + 1,
                                     chain.begin() + 1 + static_cast<std::ptrdiff_t>(count));
}

// One write, so a sequence of writes can be issued again onto a second storage.
struct Write {
  enum class Kind : std::uint8_t { kSuperblock, kEntry, kTruncate } kind;
  core::Superblock superblock{};
  core::LogEntry entry{};
  core::Op truncate_op = 0;
};

void Issue(SimStorage& storage, const std::vector<Write>& writes, std::size_t count) {
  for (std::size_t i = 0; i < count; i++) {
    switch (writes[i].kind) {
      case Write::Kind::kSuperblock:
        storage.write_superblock(writes[i].superblock);
        break;
      case Write::Kind::kEntry:
        storage.write_entry(writes[i].entry);
        break;
      case Write::Kind::kTruncate:
        storage.truncate_after(writes[i].truncate_op);
        break;
    }
  }
}

Write EntryWrite(const core::LogEntry& entry) {
  return {.kind = Write::Kind::kEntry, .entry = entry};
}
Write SuperblockWrite(core::View view, core::Op commit) {
  return {.kind = Write::Kind::kSuperblock,
          .superblock = {.view = view, .log_view = view, .commit = commit}};
}
Write TruncateWrite(core::Op op) { return {.kind = Write::Kind::kTruncate, .truncate_op = op}; }

const core::Superblock kSyncedSuperblock{.view = 1, .log_view = 1, .commit = 2};

// Durable base for the crash tests: ops 1..3 of `chain` and kSyncedSuperblock, synced.
void WriteSyncedBase(SimStorage& storage, const std::vector<core::LogEntry>& chain) {
  storage.write_superblock(kSyncedSuperblock);
  for (std::size_t op = 1; op <= 3; op++) storage.write_entry(chain[op]);
  storage.sync();
}

// Two intact copies of one op (a misdirected write leaves a stale one in a foreign slot): the
// restart follows the copy that links on the chain, whatever order the slots were read in.
TEST(SimStorageTest, TheJournalFollowsTheCopyOfAnOpThatLinks) {
  const auto chain = Chain(core::LogEntry{}, 4, 100);
  const auto other = Chain(chain[1], 2, 900);  // Another op 2 and 3 on op 1.
  // A stale op 3 that links on the other op 2, not on the chain's.
  std::vector<core::LogEntry> slots = {chain[1], chain[2], other[2], chain[3], chain[4]};
  for (int order = 0; order < 2; order++) {
    EXPECT_EQ(core::FollowJournal(slots, core::LogEntry{}), Ops(chain, 4)) << order;
    std::reverse(slots.begin(), slots.end());
  }
}

TEST(SimStorageTest, WritesAreInvisibleUntilSync) {
  // Superblock, entry and truncate writes change nothing read_* returns until sync().
  const auto chain = Chain(core::LogEntry{}, 4, 100);
  SimStorage storage;
  storage.write_superblock({.view = 2, .log_view = 2, .commit = 1});
  for (std::size_t op = 1; op <= 4; op++) storage.write_entry(chain[op]);
  EXPECT_EQ(storage.pending_count(), 5U);
  EXPECT_EQ(storage.read_superblock(), core::Superblock{});
  EXPECT_TRUE(Journal(storage).empty());

  storage.sync();
  EXPECT_EQ(storage.pending_count(), 0U);
  EXPECT_EQ(storage.read_superblock(), (core::Superblock{.view = 2, .log_view = 2, .commit = 1}));
  EXPECT_EQ(Journal(storage), Ops(chain, 4));

  storage.truncate_after(2);
  storage.write_superblock({.view = 3, .log_view = 3, .commit = 2});
  EXPECT_EQ(Journal(storage), Ops(chain, 4));
  EXPECT_EQ(storage.read_superblock().view, 2U);
  storage.sync();
  EXPECT_EQ(Journal(storage), Ops(chain, 2));
  EXPECT_EQ(storage.read_superblock().view, 3U);
}

TEST(SimStorageTest, CrashKeepsAPrefixOfPendingWrites) {
  // After a crash the storage equals the synced state plus exactly the first `kept` pending writes,
  // and over many seeds every prefix length occurs, from none to all.
  const auto chain = Chain(core::LogEntry{}, 7, 100);
  const auto fork = Chain(chain[5], 2, 900);  // A different op 6 and 7, as after a view change.
  const std::vector<Write> pending = {
      EntryWrite(chain[4]), SuperblockWrite(1, 4), EntryWrite(chain[5]),
      EntryWrite(chain[6]), EntryWrite(chain[7]),  TruncateWrite(5),
      EntryWrite(fork[1]),  SuperblockWrite(2, 5), EntryWrite(fork[2]),
  };
  std::set<std::size_t> kept_seen;
  for (std::uint64_t seed = 0; seed < 300; seed++) {
    SimStorage storage;
    WriteSyncedBase(storage, chain);
    Issue(storage, pending, pending.size());
    Prng prng(seed);
    const std::size_t lost = storage.crash(prng, Ratio{0, 1});
    ASSERT_LE(lost, pending.size());
    EXPECT_EQ(storage.pending_count(), 0U);
    const std::size_t kept = pending.size() - lost;
    kept_seen.insert(kept);

    SimStorage expected;
    WriteSyncedBase(expected, chain);
    Issue(expected, pending, kept);
    expected.sync();
    ASSERT_EQ(storage.read_superblock(), expected.read_superblock()) << "seed " << seed;
    ASSERT_EQ(Journal(storage), Journal(expected)) << "seed " << seed;
  }
  EXPECT_EQ(kept_seen.size(), pending.size() + 1);
}

TEST(SimStorageTest, CrashNeverLosesSyncedData) {
  // Whatever a crash drops or tears among pending writes above the synced ops, the synced
  // superblock (or a later one) and the synced ops survive.
  const auto chain = Chain(core::LogEntry{}, 8, 100);
  const std::vector<Write> pending = {
      EntryWrite(chain[4]), EntryWrite(chain[5]), SuperblockWrite(2, 4),
      EntryWrite(chain[6]), EntryWrite(chain[7]), EntryWrite(chain[8]),
  };
  for (std::uint64_t seed = 0; seed < 300; seed++) {
    SimStorage storage;
    WriteSyncedBase(storage, chain);
    Issue(storage, pending, pending.size());
    Prng prng(seed);
    storage.crash(prng, Ratio{1, 2});
    const auto journal = Journal(storage);
    ASSERT_GE(journal.size(), 3U) << "seed " << seed;
    EXPECT_EQ(std::vector<core::LogEntry>(journal.begin(), journal.begin() + 3), Ops(chain, 3));
    const core::Superblock superblock = storage.read_superblock();
    EXPECT_TRUE(superblock == kSyncedSuperblock || superblock == pending[2].superblock);
  }
}

TEST(SimStorageTest, CrashWithNothingPendingChangesNothing) {
  // A crash right after a sync loses nothing and leaves the durable state as it was.
  const auto chain = Chain(core::LogEntry{}, 3, 100);
  SimStorage storage;
  WriteSyncedBase(storage, chain);
  Prng prng(1);
  EXPECT_EQ(storage.crash(prng, Ratio{1, 1}), 0U);
  EXPECT_EQ(Journal(storage), Ops(chain, 3));
  EXPECT_EQ(storage.read_superblock(), kSyncedSuperblock);
}

TEST(SimStorageTest, TornEntryCutsTheJournalAtItsOp) {
  // With a certain torn write, the last kept entry is torn and read_journal ends just before it.
  const auto chain = Chain(core::LogEntry{}, 10, 100);
  std::vector<Write> pending;
  for (std::size_t op = 4; op <= 10; op++) pending.push_back(EntryWrite(chain[op]));
  std::set<std::size_t> kept_seen;
  for (std::uint64_t seed = 0; seed < 200; seed++) {
    SimStorage storage;
    WriteSyncedBase(storage, chain);
    Issue(storage, pending, pending.size());
    Prng prng(seed);
    const std::size_t kept = pending.size() - storage.crash(prng, Ratio{1, 1});
    kept_seen.insert(kept);
    // Kept writes are ops 4..3+kept; the last of them is torn, so the journal ends at op 2+kept.
    const std::size_t journal_ops = kept == 0 ? 3 : 2 + kept;
    ASSERT_EQ(Journal(storage), Ops(chain, journal_ops)) << "seed " << seed;
  }
  EXPECT_GT(kept_seen.size(), 4U);
}

TEST(SimStorageTest, TornWriteOnlyTearsEntries) {
  // When the last kept write is a superblock, a torn write leaves every kept entry intact.
  const auto chain = Chain(core::LogEntry{}, 4, 100);
  const std::vector<Write> pending = {EntryWrite(chain[4]), SuperblockWrite(2, 4)};
  bool all_kept = false;
  for (std::uint64_t seed = 0; seed < 100 && !all_kept; seed++) {
    SimStorage storage;
    WriteSyncedBase(storage, chain);
    Issue(storage, pending, pending.size());
    Prng prng(seed);
    if (storage.crash(prng, Ratio{1, 1}) != 0) continue;
    all_kept = true;
    EXPECT_EQ(Journal(storage), Ops(chain, 4));
    EXPECT_EQ(storage.read_superblock(), pending[1].superblock);
  }
  EXPECT_TRUE(all_kept);
}

TEST(SimStorageTest, ReadJournalStopsAtParentChainBreak) {
  // An entry whose parent is not the previous entry's checksum ends the journal, even though
  // the entries after it chain onto it correctly.
  const auto chain = Chain(core::LogEntry{}, 4, 100);
  const auto other = Chain(core::LogEntry{}, 4, 500);  // Same ops, different payloads.
  const auto other_tail = Chain(other[3], 1, 600);     // Op 4 chained onto other's op 3.
  SimStorage storage;
  storage.write_entry(chain[1]);
  storage.write_entry(chain[2]);
  storage.write_entry(other[3]);
  storage.write_entry(other_tail[1]);
  storage.sync();
  EXPECT_EQ(Journal(storage), Ops(chain, 2));

  // The control: the same slots written from one chain read back whole.
  storage.write_entry(chain[3]);
  storage.write_entry(chain[4]);
  storage.sync();
  EXPECT_EQ(Journal(storage), Ops(chain, 4));
}

TEST(SimStorageTest, ReadJournalStopsAtGapAndBadChecksum) {
  // A missing op and an entry whose checksum does not verify each end the journal.
  const auto chain = Chain(core::LogEntry{}, 3, 100);
  SimStorage gap;
  gap.write_entry(chain[1]);
  gap.write_entry(chain[3]);
  gap.sync();
  EXPECT_EQ(Journal(gap), Ops(chain, 1));

  SimStorage corrupt;
  core::LogEntry bad = chain[2];
  bad.checksum ^= 1;
  corrupt.write_entry(chain[1]);
  corrupt.write_entry(bad);
  corrupt.write_entry(chain[3]);
  corrupt.sync();
  EXPECT_EQ(Journal(corrupt), Ops(chain, 1));
}

TEST(SimStorageTest, DataAreaWritesAreInvisibleUntilSyncAndAppendAtOffsets) {
  // Data writes land at their offsets once synced, reads stop where the area ends, and a write at
  // the end extends it.
  SimStorage storage;
  storage.write_data(0, std::vector<std::uint64_t>{1, 2, 3});
  EXPECT_TRUE(storage.read_data(0, 3).empty());
  storage.sync();
  EXPECT_EQ(storage.read_data(0, 3), (std::vector<std::uint64_t>{1, 2, 3}));
  EXPECT_EQ(storage.read_data(1, 10), (std::vector<std::uint64_t>{2, 3}));
  EXPECT_TRUE(storage.read_data(3, 1).empty());
  storage.write_data(3, std::vector<std::uint64_t>{4, 5});
  storage.write_data(2, std::vector<std::uint64_t>{3, 4, 5, 6});  // Over the tail, and beyond.
  storage.sync();
  EXPECT_EQ(storage.read_data(0, 100), (std::vector<std::uint64_t>{1, 2, 3, 4, 5, 6}));
}

TEST(SimStorageTest, CrashTearsOrLosesOnlyUnsyncedData) {
  // A crash keeps a prefix of the pending data writes and may tear the last kept one, but the
  // synced entries below are never lost or changed; over many seeds a tear lands above them.
  const std::vector<std::uint64_t> synced = {10, 11, 12, 13};
  bool torn_seen = false;
  bool lost_seen = false;
  for (std::uint64_t seed = 0; seed < 200; seed++) {
    SimStorage storage;
    storage.write_data(0, synced);
    storage.sync();
    storage.write_data(4, std::vector<std::uint64_t>{14, 15, 16});
    storage.write_superblock(kSyncedSuperblock);
    Prng prng(seed);
    const std::size_t lost = storage.crash(prng, Ratio{1, 1});
    const std::vector<std::uint64_t> data = storage.read_data(0, 100);
    ASSERT_GE(data.size(), synced.size()) << "seed " << seed;
    EXPECT_EQ(std::vector<std::uint64_t>(data.begin(), data.begin() + 4), synced);
    if (lost == 2) {
      EXPECT_EQ(data.size(), 4U);
      lost_seen = true;
    }
    if (lost == 1) {  // The data write was the last kept write: certainly torn.
      ASSERT_EQ(data.size(), 7U);
      EXPECT_NE(std::vector<std::uint64_t>(data.begin() + 4, data.end()),
                (std::vector<std::uint64_t>{14, 15, 16}));
      torn_seen = true;
    }
  }
  EXPECT_TRUE(torn_seen);
  EXPECT_TRUE(lost_seen);
}

// --- Crash points (issue 17)
// ----------------------------------------------------------------------

// Issues the base (ops 0..4: superblock, three entries, sync), then an armed tail of writes: op 5
// entry 4, op 6 superblock, op 7 entry 5, op 8 sync. Returns whether the point fired, and how
// often.
struct Armed {
  SimStorage storage;
  int died = 0;
};

void IssueTail(Armed& armed, const std::vector<core::LogEntry>& chain, const CrashPoint& point) {
  WriteSyncedBase(armed.storage, chain);
  ASSERT_EQ(armed.storage.op_count(), 5U);
  armed.storage.arm(point, [&armed] { armed.died++; });
  armed.storage.write_entry(chain[4]);
  armed.storage.write_superblock({.view = 2, .log_view = 2, .commit = 3});
  armed.storage.write_entry(chain[5]);
  armed.storage.sync();
}

TEST(SimStorageTest, OperationsAreCountedAcrossIncarnations) {
  const auto chain = Chain(core::LogEntry{}, 3, 100);
  SimStorage storage;
  storage.record_op_kinds();
  WriteSyncedBase(storage, chain);
  storage.truncate_after(2);
  Prng prng(1);
  storage.crash(prng, {0, 1});
  storage.sync();
  EXPECT_EQ(storage.op_count(), 7U);
  EXPECT_EQ(storage.op_kinds(),
            (std::vector<StorageOpKind>{StorageOpKind::kSuperblock, StorageOpKind::kEntry,
                                        StorageOpKind::kEntry, StorageOpKind::kEntry,
                                        StorageOpKind::kSync, StorageOpKind::kTruncate,
                                        StorageOpKind::kSync}));
}

TEST(SimStorageTest, CrashPointBeforeAWriteKeepsEveryEarlierWriteAndNothingAfter) {
  const auto chain = Chain(core::LogEntry{}, 5, 100);
  Armed armed;
  IssueTail(armed, chain, {.op = 6, .mode = CrashMode::kBefore});  // Before the superblock.
  EXPECT_EQ(armed.died, 1);
  EXPECT_TRUE(armed.storage.dead());
  // Dead from op 6: the later entry and the sync were ignored (the sync said so).
  EXPECT_EQ(armed.storage.op_count(), 7U);
  Prng prng(1);
  EXPECT_EQ(armed.storage.crash(prng, {1, 1}), 0U);  // No draws: the point decided.
  EXPECT_FALSE(armed.storage.dead());
  EXPECT_EQ(armed.storage.read_journal(), Ops(chain, 4));  // Entry 4 (op 5) reached the disk.
  EXPECT_EQ(armed.storage.read_superblock(), kSyncedSuperblock);  // The superblock did not.
}

TEST(SimStorageTest, CrashPointAfterAWriteKeepsIt) {
  const auto chain = Chain(core::LogEntry{}, 5, 100);
  Armed armed;
  IssueTail(armed, chain, {.op = 6, .mode = CrashMode::kAfter});
  EXPECT_EQ(armed.died, 1);
  Prng prng(1);
  armed.storage.crash(prng, {0, 1});
  EXPECT_EQ(armed.storage.read_journal(), Ops(chain, 4));
  EXPECT_EQ(armed.storage.read_superblock().view, 2U);
}

TEST(SimStorageTest, CrashPointTornEntryCutsTheJournalThere) {
  const auto chain = Chain(core::LogEntry{}, 5, 100);
  Armed armed;
  IssueTail(armed, chain, {.op = 5, .mode = CrashMode::kTorn});  // Entry 4, torn.
  EXPECT_EQ(armed.died, 1);
  Prng prng(1);
  armed.storage.crash(prng, {0, 1});
  // The slot holds entry 4 with a checksum that no longer verifies: the chain stops before it.
  EXPECT_EQ(core::FollowJournal(armed.storage.read_journal(), core::LogEntry{}), Ops(chain, 3));
  EXPECT_EQ(armed.storage.read_journal().size(), 4U);
}

TEST(SimStorageTest, CrashPointBeforeASyncLosesEveryPendingWrite) {
  const auto chain = Chain(core::LogEntry{}, 5, 100);
  Armed armed;
  IssueTail(armed, chain, {.op = 8, .mode = CrashMode::kBefore});
  EXPECT_EQ(armed.died, 1);
  Prng prng(1);
  EXPECT_EQ(armed.storage.crash(prng, {0, 1}), 3U);
  EXPECT_EQ(armed.storage.read_journal(), Ops(chain, 3));
  EXPECT_EQ(armed.storage.read_superblock(), kSyncedSuperblock);
}

TEST(SimStorageTest, CrashPointAfterASyncKeepsItButTheSyncReportsTheDeath) {
  const auto chain = Chain(core::LogEntry{}, 5, 100);
  SimStorage storage;
  WriteSyncedBase(storage, chain);
  int died = 0;
  storage.arm({.op = 6, .mode = CrashMode::kAfter}, [&died] { died++; });
  storage.write_entry(chain[4]);
  EXPECT_EQ(storage.sync(), SyncResult::kDied);  // The replica must not learn of this sync.
  EXPECT_EQ(died, 1);
  EXPECT_EQ(storage.read_journal(), Ops(chain, 4));
  Prng prng(1);
  EXPECT_EQ(storage.crash(prng, {0, 1}), 0U);
  EXPECT_EQ(storage.read_journal(), Ops(chain, 4));
}

TEST(SimStorageTest, DisarmedOrPassedCrashPointsNeverFire) {
  const auto chain = Chain(core::LogEntry{}, 5, 100);
  Armed armed;
  WriteSyncedBase(armed.storage, chain);
  armed.storage.arm({.op = 2, .mode = CrashMode::kBefore}, [&armed] { armed.died++; });  // Passed.
  armed.storage.write_entry(chain[4]);
  armed.storage.arm({.op = 6, .mode = CrashMode::kBefore}, [&armed] { armed.died++; });
  armed.storage.disarm();
  armed.storage.write_entry(chain[5]);
  EXPECT_EQ(armed.storage.sync(), SyncResult::kDone);
  EXPECT_EQ(armed.died, 0);
  EXPECT_EQ(armed.storage.read_journal(), Ops(chain, 5));
}

TEST(SimStorageTest, CrashModesApplyWhereTheyMeanSomething) {
  for (const StorageOpKind kind : {StorageOpKind::kSuperblock, StorageOpKind::kEntry,
                                   StorageOpKind::kTruncate, StorageOpKind::kSync}) {
    EXPECT_TRUE(CrashModeApplies(kind, CrashMode::kBefore));
    EXPECT_TRUE(CrashModeApplies(kind, CrashMode::kAfter));
    EXPECT_EQ(CrashModeApplies(kind, CrashMode::kTorn), kind == StorageOpKind::kEntry);
  }
}

// --- Storage faults (issue 17) -------------------------------------------------------------------

TEST(SimStorageFaultsTest, SectorErrorReadsBackCorruptUntilTheSlotIsWrittenAgain) {
  const auto chain = Chain(core::LogEntry{}, 4, 100);
  SimStorage storage(8);
  WriteSyncedBase(storage, chain);
  storage.add_sector_error(2, 1);              // Slot 2: op 2.
  EXPECT_EQ(Journal(storage), Ops(chain, 1));  // The chain ends at the unreadable slot.
  EXPECT_EQ(Journal(storage), Ops(chain, 1));  // And stays so: the error is the disk's.
  EXPECT_EQ(storage.fault_counts().corrupt_reads, 2U);
  EXPECT_EQ(storage.shadow_holds(3, chain[3].checksum, 0), SimStorage::Held::kHeld);
  storage.write_entry(chain[2]);  // Writing the slot remaps the sector.
  storage.sync();
  EXPECT_EQ(Journal(storage), Ops(chain, 3));
}

TEST(SimStorageFaultsTest, CorruptReadHitsOneReadOnly) {
  const auto chain = Chain(core::LogEntry{}, 4, 100);
  SimStorage storage(8);
  WriteSyncedBase(storage, chain);
  storage.corrupt_next_read(3 + 8);  // Slots are taken modulo the journal's size.
  const std::vector<core::LogEntry> read = storage.read_journal();
  ASSERT_EQ(read.size(), 3U);
  EXPECT_NE(core::EntryChecksum(read[2]), read[2].checksum);  // Op 3 reads back corrupt...
  EXPECT_EQ(read[2].checksum, chain[3].checksum);             // ...under its old checksum.
  EXPECT_EQ(Journal(storage), Ops(chain, 3));                 // The next read is clean.
}

TEST(SimStorageFaultsTest, MisdirectedWriteLandsElsewhereAndTheShadowKeepsTheIntent) {
  const auto chain = Chain(core::LogEntry{}, 4, 100);
  SimStorage storage(8);
  WriteSyncedBase(storage, chain);
  storage.misdirect_next_write(2);  // Op 4's write lands over op 2.
  storage.write_entry(chain[4]);
  storage.sync();
  EXPECT_EQ(storage.fault_counts().misdirected_writes, 1U);
  EXPECT_EQ(Journal(storage), Ops(chain, 1));  // Op 2 is gone from the disk.
  // The shadow holds what the replica made durable.
  EXPECT_EQ(storage.shadow_holds(4, chain[4].checksum, 0), SimStorage::Held::kHeld);
  // A misdirection onto the entry's own slot goes to the next one instead.
  storage.misdirect_next_write(5);
  const auto more = Chain(chain[4], 1, 500);
  storage.write_entry(more[1]);
  storage.sync();
  EXPECT_EQ(storage.read_journal().size(), 4U);  // Slots 1, 2 (op 4), 3 and 6 (op 5).
}

TEST(SimStorageFaultsTest, FailedSyncKeepsAPrefixAndSaysSo) {
  const auto chain = Chain(core::LogEntry{}, 6, 100);
  std::set<std::size_t> kept_seen;
  for (std::uint64_t seed = 0; seed < 100; seed++) {
    SimStorage storage(16);
    WriteSyncedBase(storage, chain);
    for (std::size_t op = 4; op <= 6; op++) storage.write_entry(chain[op]);
    storage.fail_next_sync();
    Prng prng(seed);
    EXPECT_EQ(storage.sync(prng), SyncResult::kFailed);
    EXPECT_EQ(storage.pending_count(), 0U);
    const std::size_t kept = Journal(storage).size() - 3;
    kept_seen.insert(kept);
    EXPECT_EQ(storage.shadow_holds(3 + kept, chain[3 + kept].checksum, 0), SimStorage::Held::kHeld);
    if (kept < 3) {
      EXPECT_EQ(storage.shadow_holds(6, chain[6].checksum, 0), SimStorage::Held::kLost);
    }
    EXPECT_EQ(storage.sync(prng), SyncResult::kDone);  // Only the next sync fails.
  }
  EXPECT_EQ(kept_seen, (std::set<std::size_t>{0, 1, 2, 3}));
}

TEST(SimStorageFaultsTest, ShadowTellsATruncationFromALoss) {
  const auto chain = Chain(core::LogEntry{}, 4, 100);
  SimStorage storage(8);
  WriteSyncedBase(storage, chain);
  storage.truncate_after(1);
  storage.sync();
  EXPECT_EQ(storage.shadow_holds(3, chain[3].checksum, 0), SimStorage::Held::kRemoved);
  storage.write_entry(chain[2]);
  storage.sync();
  EXPECT_EQ(storage.shadow_holds(2, chain[2].checksum, 0), SimStorage::Held::kHeld);
  EXPECT_EQ(storage.shadow_holds(3, chain[3].checksum, 0), SimStorage::Held::kRemoved);
  storage.write_entry(chain[3]);
  storage.write_entry(chain[4]);
  Prng prng(7);
  storage.crash(prng, Ratio{0, 1});  // Whatever it kept, op 4 was never there to remove.
  if (Journal(storage).size() < 4) {
    EXPECT_EQ(storage.shadow_holds(4, chain[4].checksum, 0), SimStorage::Held::kLost);
  }
}

TEST(SimStorageFaultsTest, ShadowTellsATornRewriteOfTheDurableEntryFromATornFirstWrite) {
  // A damaged replica's repair rewrites the very entry a slot durably holds (it read the slot
  // back unreadable): a crash that tears the rewrite destroys the entry by the replica's own hand
  // (kRemoved, which the replica must report as damage). A torn first write of an entry that was
  // never durable stays a loss (kLost). Over seeds, a crash keeps and tears the last write.
  const auto chain = Chain(core::LogEntry{}, 4, 100);
  bool rewrite_torn = false;
  bool first_torn = false;
  for (std::uint64_t seed = 0; seed < 50 && !(rewrite_torn && first_torn); seed++) {
    SimStorage storage(8);
    WriteSyncedBase(storage, chain);  // Ops 1..3 durable.
    storage.write_entry(chain[2]);    // The repair's rewrite of op 2, as durable.
    Prng prng(seed);
    if (storage.crash(prng, Ratio{1, 1}) == 0) {
      EXPECT_EQ(storage.shadow_holds(3, chain[3].checksum, 0), SimStorage::Held::kRemoved);
      rewrite_torn = true;
    }
    SimStorage fresh(8);
    WriteSyncedBase(fresh, chain);
    fresh.write_entry(chain[4]);  // Op 4's first write.
    Prng prng_fresh(seed);
    if (fresh.crash(prng_fresh, Ratio{1, 1}) == 0) {
      EXPECT_EQ(fresh.shadow_holds(4, chain[4].checksum, 0), SimStorage::Held::kLost);
      EXPECT_EQ(fresh.shadow_holds(3, chain[3].checksum, 0), SimStorage::Held::kHeld);
      first_torn = true;
    }
  }
  EXPECT_TRUE(rewrite_torn);
  EXPECT_TRUE(first_torn);
}

TEST(SimStorageFaultsTest, ArmedFaultsAreClearedAndSectorErrorsStay) {
  const auto chain = Chain(core::LogEntry{}, 4, 100);
  SimStorage storage(8);
  WriteSyncedBase(storage, chain);
  storage.add_sector_error(3, 1);
  storage.corrupt_next_read(1);
  storage.misdirect_next_write(1);
  storage.fail_next_sync();
  storage.clear_armed_faults();
  storage.write_entry(chain[4]);
  EXPECT_EQ(storage.sync(), SyncResult::kDone);
  EXPECT_EQ(storage.fault_counts().misdirected_writes, 0U);
  EXPECT_EQ(Journal(storage), Ops(chain, 2));  // Op 3's sector is still unreadable.
}

TEST(SimStorageFaultsTest, CorruptCheckpointReadHitsOneReadOnly) {
  SimStorage storage(8);
  const std::vector<std::uint64_t> words = {1, 2, 3, 4};
  storage.write_checkpoint(1, words);
  storage.sync();
  storage.corrupt_next_checkpoint_read();
  EXPECT_NE(storage.read_checkpoint(1), words);
  EXPECT_EQ(storage.read_checkpoint(1), words);
  EXPECT_EQ(storage.checkpoint_area(1), words);  // The disk holds it intact throughout.
  EXPECT_EQ(storage.fault_counts().corrupt_checkpoint_reads, 1U);
}

}  // namespace
}  // namespace vsrsim::sim
