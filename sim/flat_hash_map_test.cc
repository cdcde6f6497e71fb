#include "sim/flat_hash_map.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "sim/prng.h"

namespace vsrsim::sim {
namespace {

struct MixedHash {
  std::uint64_t operator()(std::uint64_t key) const { return MixBits(key); }
};

// Every key in one bucket: probing alone has to tell them apart.
struct CollidingHash {
  std::uint64_t operator()(std::uint64_t) const { return 7; }
};

template <typename Hash>
void AgreesWithStdMap(std::uint64_t seed, std::uint64_t key_range, int inserts) {
  FlatHashMap<std::uint64_t, std::uint64_t, Hash> map;
  std::map<std::uint64_t, std::uint64_t> model;
  Prng prng(seed);
  for (int i = 0; i < inserts; i++) {
    const std::uint64_t key = prng.Below(key_range);
    const std::uint64_t value = prng.Next() | 1;
    const auto [stored, inserted] = map.try_emplace(key, value);
    const auto [it, model_inserted] = model.try_emplace(key, value);
    ASSERT_EQ(inserted, model_inserted) << key;
    ASSERT_EQ(*stored, it->second) << key;
    ASSERT_EQ(map.size(), model.size());
  }
  for (std::uint64_t key = 0; key < key_range; key++) {
    const auto it = model.find(key);
    const std::uint64_t* value = map.find(key);
    ASSERT_EQ(value != nullptr, it != model.end()) << key;
    ASSERT_EQ(map.contains(key), it != model.end()) << key;
    if (value != nullptr) {
      ASSERT_EQ(*value, it->second) << key;
    }
  }
}

TEST(FlatHashMapTest, AgreesWithStdMap) {
  // Random inserts (about half of them of keys already present) and a lookup of every key in the
  // range give the same answers as std::map, through many growths from empty.
  AgreesWithStdMap<MixedHash>(1, 20000, 40000);
}

TEST(FlatHashMapTest, AgreesWithStdMapWhenEveryKeyCollides) {
  // With one hash value for all keys, linear probing still finds each key and only it.
  AgreesWithStdMap<CollidingHash>(2, 300, 600);
}

TEST(FlatHashMapTest, KeepsTheFirstValue) {
  // try_emplace of a present key changes nothing and returns the stored value.
  FlatHashMap<std::uint64_t, int, MixedHash> map;
  EXPECT_FALSE(map.contains(5));
  EXPECT_EQ(map.find(5), nullptr);
  EXPECT_TRUE(map.try_emplace(5, 1).second);
  const auto [value, inserted] = map.try_emplace(5, 2);
  EXPECT_FALSE(inserted);
  EXPECT_EQ(*value, 1);
  EXPECT_EQ(*map.find(5), 1);
  EXPECT_EQ(map.size(), 1U);
}

TEST(FlatHashMapTest, RefusesTheEmptyValue) {
  // Value{} marks an empty slot, so storing it would lose the key: it is a programmer error.
  FlatHashMap<std::uint64_t, std::uint64_t, MixedHash> map;
  EXPECT_DEATH(map.try_emplace(1, 0), "");
}

TEST(FlatHashMapTest, ReserveMeansNoGrowth) {
  // After reserve(n), n inserts never grow the slot array (so they never allocate), and the map
  // stays at most half full.
  FlatHashMap<std::uint64_t, std::uint64_t, MixedHash> map;
  map.reserve(1000);
  const std::size_t capacity = map.capacity();
  EXPECT_GE(capacity, 2000U);
  for (std::uint64_t key = 0; key < 1000; key++) map.try_emplace(key << 40, key + 1);
  EXPECT_EQ(map.capacity(), capacity);
  EXPECT_EQ(map.size(), 1000U);
  map.try_emplace(~std::uint64_t{0}, 1);  // One more than reserved: it may grow, and still works.
  EXPECT_EQ(map.size(), 1001U);
  for (std::uint64_t key = 0; key < 1000; key++) ASSERT_EQ(*map.find(key << 40), key + 1);
}

// --- SequenceMap and PayloadMap ---------------------------------------------------------------

// Random inserts over a few streams, each key either the stream's next sequence (a run), a repeat
// of an earlier one, or a far one (beyond the dense gap): the answers are std::map's, for inserts
// and for lookups of every key tried, present or not.
TEST(SequenceMapTest, AgreesWithStdMap) {
  SequenceMap<std::uint64_t, std::uint64_t, MixedHash> map;
  std::map<std::pair<std::uint64_t, std::uint64_t>, std::uint64_t> model;
  std::array<std::uint64_t, 5> next{};
  std::vector<std::pair<std::uint64_t, std::uint64_t>> tried;
  Prng prng(3);
  for (int i = 0; i < 30000; i++) {
    const std::uint64_t stream = prng.Below(next.size()) * 0x9e3779b97f4a7c15ULL;
    std::uint64_t& run = next[stream % next.size()];
    std::uint64_t sequence = 0;
    switch (prng.Below(4)) {
      case 0:
      case 1:
        sequence = run++;  // The stream's run.
        break;
      case 2:
        sequence = prng.Below(run + 1);  // Most likely a repeat.
        break;
      default:
        sequence = run + prng.Between(1, 4 * decltype(map)::kDenseGapMax);  // Far, or soon dense.
        break;
    }
    const std::uint64_t value = prng.Next() | 1;
    tried.emplace_back(stream, sequence);
    const auto [stored, inserted] = map.try_emplace(stream, sequence, value);
    const auto [it, model_inserted] = model.try_emplace({stream, sequence}, value);
    ASSERT_EQ(inserted, model_inserted) << stream << " " << sequence;
    ASSERT_EQ(*stored, it->second) << stream << " " << sequence;
    ASSERT_EQ(map.size(), model.size());
  }
  EXPECT_GT(map.sparse_size(), 0U);              // The fallback was used ...
  EXPECT_LT(map.sparse_size(), map.size() / 2);  // ... for the few far keys only.
  for (const auto& [stream, sequence] : tried) {
    for (const std::uint64_t probe : {sequence, sequence + 1, sequence + 1000}) {
      const auto it = model.find({stream, probe});
      const std::uint64_t* value = map.find(stream, probe);
      ASSERT_EQ(value != nullptr, it != model.end()) << stream << " " << probe;
      if (value != nullptr) {
        ASSERT_EQ(*value, it->second);
      }
    }
  }
}

// A far key lands in the fallback; when the stream's run later reaches it, it is still found
// there and is not inserted a second time.
TEST(SequenceMapTest, AFarKeyStaysOneKeyWhenTheRunReachesIt) {
  SequenceMap<std::uint64_t, std::uint64_t, MixedHash> map;
  const std::uint64_t far = 10 * decltype(map)::kDenseGapMax;
  EXPECT_TRUE(map.try_emplace(7, far, 99).second);
  EXPECT_EQ(map.sparse_size(), 1U);
  for (std::uint64_t sequence = 0; sequence < far; sequence++) {
    ASSERT_TRUE(map.try_emplace(7, sequence, sequence + 1).second);
  }
  EXPECT_EQ(map.sparse_size(), 1U);  // The run stayed dense.
  const auto [value, inserted] = map.try_emplace(7, far, 5);
  EXPECT_FALSE(inserted);
  EXPECT_EQ(*value, 99U);
  EXPECT_EQ(*map.find(7, far), 99U);
  EXPECT_EQ(map.size(), static_cast<std::size_t>(far + 1));
  EXPECT_EQ(map.find(8, 0), nullptr);  // Another stream holds nothing.
}

TEST(SequenceMapTest, RefusesTheEmptyValue) {
  SequenceMap<std::uint64_t, std::uint64_t, MixedHash> map;
  EXPECT_DEATH(map.try_emplace(1, 1, 0), "");
}

// The workload's payloads (a client's tag above a counter) are dense; any other 64-bit entry is
// kept exactly as well.
TEST(PayloadMapTest, KeepsWorkloadAndForeignEntries) {
  PayloadMap<std::uint64_t> map;
  for (std::uint64_t client = 1; client <= 4; client++) {
    for (std::uint64_t n = 0; n < 500; n++) {
      ASSERT_TRUE(map.try_emplace((client << kPayloadTagShift) | n, n + 1).second);
    }
  }
  EXPECT_EQ(map.sparse_size(), 0U);
  Prng prng(5);
  std::map<std::uint64_t, std::uint64_t> foreign;
  for (int i = 0; i < 200; i++) {
    const std::uint64_t entry = prng.Next();
    const std::uint64_t value = prng.Next() | 1;
    const auto [it, fresh] = foreign.try_emplace(entry, value);
    ASSERT_EQ(map.try_emplace(entry, value).second, fresh);
  }
  EXPECT_GT(map.sparse_size(), 0U);
  for (const auto& [entry, value] : foreign) ASSERT_EQ(*map.find(entry), value);
  for (std::uint64_t client = 1; client <= 4; client++) {
    ASSERT_EQ(*map.find((client << kPayloadTagShift) | 499), 500U);
    ASSERT_FALSE(map.try_emplace((client << kPayloadTagShift) | 7, 1).second);
  }
}

}  // namespace
}  // namespace vsrsim::sim
