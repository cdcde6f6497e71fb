#include "sim/flat_hash_map.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <map>

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

}  // namespace
}  // namespace vsrsim::sim
