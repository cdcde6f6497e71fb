#include "sim/trace.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace vsrsim::sim {
namespace {

const TraceRecord kBase{.time_us = 1000,
                        .kind = TraceKind::kDeliver,
                        .from = 1,
                        .to = 2,
                        .a = 3,
                        .b = 4,
                        .c = 5,
                        .d = 6,
                        .e = 7,
                        .f = 8,
                        .g = 9,
                        .h = 10};

std::uint64_t FingerprintOf(const std::vector<TraceRecord>& records) {
  Trace trace(false);
  for (const TraceRecord& record : records) trace.record(record);
  return trace.fingerprint();
}

TraceRecord Numbered(std::uint64_t i) {
  return {.time_us = i, .kind = TraceKind::kExecute, .a = i * 3, .d = i, .h = i * 7};
}

TEST(TraceTest, SameRecordsGiveTheSameFingerprint) {
  // Two traces of the same records agree, whether or not they keep the records.
  Trace kept(true);
  kept.record(kBase);
  kept.record(Numbered(9));
  EXPECT_EQ(kept.fingerprint(), FingerprintOf({kBase, Numbered(9)}));
  EXPECT_EQ(kept.records(), 2U);
  ASSERT_EQ(kept.kept().size(), 2U);
  EXPECT_EQ(kept.kept()[0].a, kBase.a);
  EXPECT_EQ(kept.kept()[1].time_us, 9U);
}

TEST(TraceTest, FingerprintChangesWithAnyField) {
  // Changing any one field of a record (even by one bit, or to the value of another field) changes
  // the fingerprint, and every variant differs from every other.
  std::vector<TraceRecord> variants;
  const auto vary = [&](auto change) {
    TraceRecord record = kBase;
    change(record);
    variants.push_back(record);
  };
  vary([](TraceRecord& r) { r.time_us ^= 1; });
  vary([](TraceRecord& r) { r.kind = TraceKind::kDrop; });
  vary([](TraceRecord& r) { r.kind = TraceKind::kViolation; });
  vary([](TraceRecord& r) { r.from ^= 1; });
  vary([](TraceRecord& r) { r.from = 255; });
  vary([](TraceRecord& r) { r.to ^= 1; });
  vary([](TraceRecord& r) { r.to = 255; });
  vary([](TraceRecord& r) { r.a ^= 1; });
  vary([](TraceRecord& r) { r.a ^= 1ULL << 63; });
  vary([](TraceRecord& r) { r.b ^= 1; });
  vary([](TraceRecord& r) { r.c ^= 1; });
  vary([](TraceRecord& r) { r.d ^= 1; });
  vary([](TraceRecord& r) { r.d ^= 1ULL << 63; });
  vary([](TraceRecord& r) { std::swap(r.from, r.to); });
  vary([](TraceRecord& r) { std::swap(r.a, r.b); });
  vary([](TraceRecord& r) { std::swap(r.c, r.d); });
  vary([](TraceRecord& r) { r.e ^= 1; });
  vary([](TraceRecord& r) { r.f ^= 1; });
  vary([](TraceRecord& r) { r.g ^= 1; });
  vary([](TraceRecord& r) { r.h ^= 1; });
  vary([](TraceRecord& r) { r.h ^= 1ULL << 63; });
  vary([](TraceRecord& r) { std::swap(r.e, r.h); });

  std::set<std::uint64_t> fingerprints = {FingerprintOf({kBase})};
  for (const TraceRecord& variant : variants) {
    EXPECT_TRUE(fingerprints.insert(FingerprintOf({variant})).second)
        << "time " << variant.time_us << " kind " << static_cast<int>(variant.kind) << " from "
        << int{variant.from} << " to " << int{variant.to} << " a " << variant.a << " b "
        << variant.b << " c " << variant.c << " d " << variant.d;
  }
  EXPECT_EQ(fingerprints.size(), variants.size() + 1);
}

TEST(TraceTest, SmallFieldValuesNeverAlias) {
  // Every combination of small values across the fields gives its own fingerprint, so no field's
  // bits overlap another's in the hashed words.
  std::set<std::uint64_t> fingerprints;
  std::size_t records = 0;
  constexpr auto kKinds = static_cast<std::uint8_t>(TraceKind::kViolation);
  constexpr std::array<std::uint8_t, 5> kProcesses = {0, 1, 2, 128, 255};
  for (std::uint8_t kind = 0; kind <= kKinds; kind++) {
    for (const std::uint8_t from : kProcesses) {
      for (const std::uint8_t to : kProcesses) {
        for (std::uint64_t bits = 0; bits < 32; bits++) {
          const TraceRecord record{.time_us = bits & 1,
                                   .kind = static_cast<TraceKind>(kind),
                                   .from = from,
                                   .to = to,
                                   .a = (bits >> 1) & 1,
                                   .b = (bits >> 2) & 1,
                                   .c = (bits >> 3) & 1,
                                   .d = (bits >> 4) & 1};
          fingerprints.insert(FingerprintOf({record}));
          records++;
        }
      }
    }
  }
  EXPECT_EQ(fingerprints.size(), records);
}

TEST(TraceTest, FingerprintDependsOnOrderAndCount) {
  // The fingerprint covers the order of records and how many there are.
  const TraceRecord other = Numbered(7);
  EXPECT_NE(FingerprintOf({kBase, other}), FingerprintOf({other, kBase}));
  EXPECT_NE(FingerprintOf({kBase}), FingerprintOf({kBase, kBase}));
  EXPECT_NE(FingerprintOf({}), FingerprintOf({TraceRecord{}}));
}

TEST(TraceTest, CheckpointsEveryCheckpointEventsRecords) {
  // A checkpoint is kept after every kCheckpointEvents records, holding the digest at that point.
  constexpr std::uint64_t kEvery = Trace::kCheckpointEvents;
  Trace trace(false);
  std::vector<std::uint64_t> digests_at_boundaries;
  for (std::uint64_t i = 1; i <= 3 * kEvery + 5; i++) {
    trace.record(Numbered(i));
    if (i == kEvery - 1) {
      EXPECT_TRUE(trace.checkpoints().empty());
    }
    if (i % kEvery == 0) {
      ASSERT_EQ(trace.checkpoints().size(), i / kEvery);
      digests_at_boundaries.push_back(trace.fingerprint());
    }
  }
  EXPECT_EQ(trace.records(), 3 * kEvery + 5);
  EXPECT_EQ(trace.checkpoints(), digests_at_boundaries);
  EXPECT_EQ(
      std::set<std::uint64_t>(digests_at_boundaries.begin(), digests_at_boundaries.end()).size(),
      3U);
}

TEST(TraceTest, CheckpointsLocateTheFirstDivergentWindow) {
  // Two traces that differ in one record share the checkpoints before it and differ from there on.
  constexpr std::uint64_t kEvery = Trace::kCheckpointEvents;
  Trace a(false);
  Trace b(false);
  const std::uint64_t divergent = 2 * kEvery + 17;  // In the third window.
  for (std::uint64_t i = 1; i <= 4 * kEvery; i++) {
    a.record(Numbered(i));
    TraceRecord record = Numbered(i);
    if (i == divergent) record.c = 1;
    b.record(record);
  }
  ASSERT_EQ(a.checkpoints().size(), 4U);
  ASSERT_EQ(b.checkpoints().size(), 4U);
  EXPECT_EQ(a.checkpoints()[0], b.checkpoints()[0]);
  EXPECT_EQ(a.checkpoints()[1], b.checkpoints()[1]);
  EXPECT_NE(a.checkpoints()[2], b.checkpoints()[2]);
  EXPECT_NE(a.checkpoints()[3], b.checkpoints()[3]);
}

// The ten words a record hashes to, as Trace defines them.
std::array<std::uint64_t, Trace::kWordsPerRecord> WordsOf(const TraceRecord& record) {
  return {record.time_us,
          static_cast<std::uint64_t>(record.kind) | (std::uint64_t{record.from} << 8) |
              (std::uint64_t{record.to} << 16),
          record.a,
          record.b,
          record.c,
          record.d,
          record.e,
          record.f,
          record.g,
          record.h};
}

TEST(TraceTest, BatchingGivesTheDigestOfOneUpdatePerRecord) {
  // Batched hashing is bit-identical to hashing each record's words in an update of its own, at
  // every count around the batch size and however often the fingerprint is read in between; so are
  // the checkpoints.
  constexpr std::uint64_t kEvery = Trace::kCheckpointEvents;
  for (const std::uint64_t count : {0UL, 1UL, 63UL, 64UL, 65UL, 128UL, 1000UL, 2 * kEvery + 5}) {
    for (const std::uint64_t read_every : {0UL, 37UL, 64UL}) {
      Trace trace(false);
      XXH3_state_t* reference = XXH3_createState();
      ASSERT_NE(reference, nullptr);
      XXH3_64bits_reset(reference);
      std::vector<std::uint64_t> reference_checkpoints;
      for (std::uint64_t i = 1; i <= count; i++) {
        const TraceRecord record = Numbered(i);
        trace.record(record);
        const auto words = WordsOf(record);
        XXH3_64bits_update(reference, words.data(), sizeof(words));
        if (i % kEvery == 0) reference_checkpoints.push_back(XXH3_64bits_digest(reference));
        if (read_every != 0 && i % read_every == 0) {
          EXPECT_EQ(trace.fingerprint(), XXH3_64bits_digest(reference)) << count << " at " << i;
        }
      }
      EXPECT_EQ(trace.fingerprint(), XXH3_64bits_digest(reference)) << count;
      EXPECT_EQ(trace.checkpoints(), reference_checkpoints)
          << count << " read every " << read_every;
      XXH3_freeState(reference);
    }
  }
}

TEST(TraceTest, KnownFingerprints) {
  // Pins the fingerprint's definition: these digests were computed apart from Trace, by one
  // XXH3_64bits_update per record of the ten words WordsOf lists (when records grew from six to ten
  // words to carry every message field), so a change to how records are hashed fails here first.
  Trace trace(false);
  for (std::uint64_t i = 1; i <= 5000; i++) {
    trace.record(Numbered(i));
    if (i == 1000) {
      EXPECT_EQ(trace.fingerprint(), 0x4aea0267fdd913c3U);
    }
  }
  EXPECT_EQ(trace.fingerprint(), 0x42ba33d2122e74dbU);
  ASSERT_EQ(trace.checkpoints().size(), 1U);
  EXPECT_EQ(trace.checkpoints()[0], 0xdcc8912b3b62d255U);
}

TEST(TraceTest, EveryKindHasItsOwnName) {
  // TraceKindName names every kind, each differently.
  std::set<std::string> names;
  for (std::uint8_t kind = 0; kind <= static_cast<std::uint8_t>(TraceKind::kViolation); kind++) {
    const std::string name = TraceKindName(static_cast<TraceKind>(kind));
    EXPECT_NE(name, "unknown");
    names.insert(name);
  }
  EXPECT_EQ(names.size(), static_cast<std::size_t>(TraceKind::kViolation) + 1);
}

}  // namespace
}  // namespace vsrsim::sim
