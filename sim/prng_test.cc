#include "sim/prng.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <initializer_list>
#include <set>
#include <vector>

namespace vsrsim::sim {
namespace {

// A reference written from the published algorithms, independently of sim/prng.cc: SplitMix64
// (Vigna, splitmix64.c) seeds the state, as sim/prng.cc documents (the state words are successive
// SplitMix64 outputs starting from x = seed), and the step is xoshiro256** 1.0 (Blackman and Vigna,
// xoshiro256starstar.c).
class Reference {
 public:
  explicit Reference(std::uint64_t seed) {
    std::uint64_t x = seed;
    for (std::uint64_t& word : s_) word = SplitMix64Next(x);
  }

  static std::uint64_t SplitMix64Next(std::uint64_t& x) {
    x += 0x9e3779b97f4a7c15ULL;
    std::uint64_t z = x;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  std::uint64_t Next() {
    const std::uint64_t result = RotateLeft(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = RotateLeft(s_[3], 45);
    return result;
  }

  // Lemire, "Fast Random Integer Generation in an Interval" (2019), algorithm 5.
  std::uint64_t Below(std::uint64_t bound) {
    __extension__ using Uint128 = unsigned __int128;
    Uint128 product = static_cast<Uint128>(Next()) * bound;
    auto low = static_cast<std::uint64_t>(product);
    if (low < bound) {
      const std::uint64_t threshold = (0 - bound) % bound;
      while (low < threshold) {
        product = static_cast<Uint128>(Next()) * bound;
        low = static_cast<std::uint64_t>(product);
      }
    }
    return static_cast<std::uint64_t>(product >> 64);
  }

 private:
  static std::uint64_t RotateLeft(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::array<std::uint64_t, 4> s_{};
};

// Computed once with Reference above; they pin the generator so a change to it is caught.
constexpr std::array<std::uint64_t, 5> kSeed0 = {
    0x99ec5f36cb75f2b4ULL, 0xbf6e1f784956452aULL, 0x1a5f849d4933e6e0ULL,
    0x6aa594f1262d2d2cULL, 0xbba5ad4a1f842e59ULL,
};
constexpr std::array<std::uint64_t, 5> kSeed42 = {
    0x15780b2e0c2ec716ULL, 0x6104d9866d113a7eULL, 0xae17533239e499a1ULL,
    0xecb8ad4703b360a1ULL, 0xfde6dc7fe2ec5e64ULL,
};

std::vector<std::uint64_t> Draw(Prng prng, std::size_t count) {
  std::vector<std::uint64_t> values;
  for (std::size_t i = 0; i < count; i++) values.push_back(prng.Next());
  return values;
}

TEST(PrngTest, ReferenceSplitMix64MatchesPublishedOutputs) {
  // The reference's seeding half reproduces SplitMix64's published outputs for x = 0.
  std::uint64_t x = 0;
  EXPECT_EQ(Reference::SplitMix64Next(x), 0xe220a8397b1dcdafULL);
  EXPECT_EQ(Reference::SplitMix64Next(x), 0x6e789e6aa1b965f4ULL);
  EXPECT_EQ(Reference::SplitMix64Next(x), 0x06c45d188009454fULL);
  EXPECT_EQ(Reference::SplitMix64Next(x), 0xf88bb8a8724c81ecULL);
}

TEST(PrngTest, ReferenceProducesTheKnownAnswers) {
  // The hard-coded known answers are what the published algorithms give, not what prng.cc gives.
  Reference seed0(0);
  Reference seed42(42);
  for (std::size_t i = 0; i < kSeed0.size(); i++) {
    EXPECT_EQ(seed0.Next(), kSeed0[i]) << "seed 0, output " << i;
    EXPECT_EQ(seed42.Next(), kSeed42[i]) << "seed 42, output " << i;
  }
}

TEST(PrngTest, KnownAnswersSeed0) {
  // Prng(0) yields the pinned first five xoshiro256** outputs.
  Prng prng(0);
  for (std::size_t i = 0; i < kSeed0.size(); i++) EXPECT_EQ(prng.Next(), kSeed0[i]) << i;
}

TEST(PrngTest, KnownAnswersSeed42) {
  // Prng(42) yields the pinned first five xoshiro256** outputs.
  Prng prng(42);
  for (std::size_t i = 0; i < kSeed42.size(); i++) EXPECT_EQ(prng.Next(), kSeed42[i]) << i;
}

TEST(PrngTest, MatchesReferenceOverLongStreams) {
  // Next() equals the reference for thousands of outputs and seeds across the 64-bit range.
  for (const std::uint64_t seed :
       {0ULL, 1ULL, 42ULL, 0xdeadbeefULL, 0x8000000000000000ULL, 0xffffffffffffffffULL}) {
    Prng prng(seed);
    Reference reference(seed);
    for (int i = 0; i < 5000; i++) ASSERT_EQ(prng.Next(), reference.Next()) << seed << " " << i;
  }
}

TEST(PrngTest, BelowMatchesLemireReferenceIncludingRejections) {
  // Below() is bit-exact with Lemire's method, also for bounds where half the draws are rejected.
  const std::array<std::uint64_t, 6> bounds = {
      1, 10, 1000003, (1ULL << 63) + 1, 0xc000000000000000ULL, 0xffffffffffffffffULL};
  for (const std::uint64_t bound : bounds) {
    Prng prng(7);
    Reference reference(7);
    for (int i = 0; i < 2000; i++) ASSERT_EQ(prng.Below(bound), reference.Below(bound)) << bound;
    // Both consumed the same number of raw outputs, rejections included.
    ASSERT_EQ(prng.Next(), reference.Next()) << bound;
  }
}

TEST(PrngTest, ForkWithTheSameNameGivesTheSameStream) {
  // Two forks of one seed under one name are the same stream.
  const Prng parent(1234);
  EXPECT_EQ(Draw(parent.Fork("network"), 100), Draw(parent.Fork("network"), 100));
  EXPECT_EQ(Draw(Prng(1234).Fork("network"), 100), Draw(parent.Fork("network"), 100));
}

TEST(PrngTest, ForksWithDifferentNamesDiffer) {
  // Different names, and the same name under different seeds, give different streams.
  const Prng parent(1234);
  const auto network = Draw(parent.Fork("network"), 100);
  EXPECT_NE(network, Draw(parent.Fork("storage"), 100));
  EXPECT_NE(network, Draw(parent.Fork("networ"), 100));
  EXPECT_NE(network, Draw(parent.Fork(""), 100));
  EXPECT_NE(network, Draw(Prng(1235).Fork("network"), 100));
  EXPECT_NE(network, Draw(parent, 100));
}

TEST(PrngTest, ForkDoesNotAdvanceTheParent) {
  // Forking draws nothing from the parent, and a fork depends only on the parent's seed and name.
  Prng forked(99);
  const Prng untouched(99);
  const Prng child_before = forked.Fork("child");
  forked.Fork("other").Next();
  EXPECT_EQ(Draw(forked, 100), Draw(untouched, 100));
  forked.Next();
  EXPECT_EQ(Draw(forked.Fork("child"), 100), Draw(child_before, 100));
  EXPECT_EQ(forked.Fork("child").seed(), child_before.seed());
}

TEST(PrngTest, BelowStaysInRange) {
  // Below(bound) is always in [0, bound), for small, odd and huge bounds.
  Prng prng(5);
  for (const std::uint64_t bound :
       {1ULL, 2ULL, 3ULL, 7ULL, 10ULL, 1ULL << 32, (1ULL << 63) + 1, 0xffffffffffffffffULL}) {
    for (int i = 0; i < 10000; i++) ASSERT_LT(prng.Below(bound), bound);
  }
}

TEST(PrngTest, BelowIsRoughlyUniform) {
  // 100k draws of Below(10) pass a loose chi-square test (9 degrees of freedom).
  Prng prng(2024);
  constexpr int kDraws = 100000;
  std::array<int, 10> counts{};
  for (int i = 0; i < kDraws; i++) counts[prng.Below(10)]++;
  const double expected = kDraws / 10.0;
  double chi_square = 0;
  for (const int count : counts) {
    chi_square += (count - expected) * (count - expected) / expected;
    EXPECT_GT(count, 9500);
    EXPECT_LT(count, 10500);
  }
  // The 0.1% critical value for 9 degrees of freedom is 27.9.
  EXPECT_LT(chi_square, 27.9);
}

TEST(PrngTest, BetweenIsInclusive) {
  // Between(min, max) hits both ends and nothing outside them.
  Prng prng(11);
  std::set<std::uint64_t> seen;
  for (int i = 0; i < 10000; i++) {
    const std::uint64_t value = prng.Between(3, 5);
    ASSERT_GE(value, 3U);
    ASSERT_LE(value, 5U);
    seen.insert(value);
  }
  EXPECT_EQ(seen, (std::set<std::uint64_t>{3, 4, 5}));
  EXPECT_EQ(prng.Between(17, 17), 17U);
  EXPECT_EQ(prng.Between(UINT64_MAX, UINT64_MAX), UINT64_MAX);
}

TEST(PrngTest, BetweenTheFullRangeIsNext) {
  // Between(0, UINT64_MAX) cannot compute max - min + 1, so it must be exactly Next().
  Prng a(3);
  Prng b(3);
  for (int i = 0; i < 100; i++) ASSERT_EQ(a.Between(0, UINT64_MAX), b.Next());
}

TEST(PrngTest, ChanceZeroNeverOneAlways) {
  // Chance(0/1) is never true and Chance(1/1) always is.
  Prng prng(8);
  for (int i = 0; i < 100000; i++) {
    ASSERT_FALSE(prng.Chance(Ratio{0, 1}));
    ASSERT_TRUE(prng.Chance(Ratio{1, 1}));
    ASSERT_FALSE(prng.Chance(Ratio{0, 1000}));
    ASSERT_TRUE(prng.Chance(Ratio{1000, 1000}));
  }
}

TEST(PrngTest, ChanceOneQuarterIsAboutOneQuarter) {
  // Chance(1/4) comes up between 23% and 27% of 100k draws.
  Prng prng(31);
  int hits = 0;
  for (int i = 0; i < 100000; i++) hits += prng.Chance(Ratio{1, 4}) ? 1 : 0;
  EXPECT_GE(hits, 23000);
  EXPECT_LE(hits, 27000);
}

TEST(PrngTest, CoinIsAboutHalf) {
  // Coin() comes up heads between 49% and 51% of 100k draws.
  Prng prng(32);
  int heads = 0;
  for (int i = 0; i < 100000; i++) heads += prng.Coin() ? 1 : 0;
  EXPECT_GE(heads, 49000);
  EXPECT_LE(heads, 51000);
}

}  // namespace
}  // namespace vsrsim::sim
