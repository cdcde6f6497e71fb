#include "sim/prng.h"

#include <xxhash.h>

#include "core/assert.h"

namespace vsrsim::sim {

namespace {

std::uint64_t SplitMix64(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// 128-bit products for Lemire's method; `__extension__` marks the one non-ISO type as intended.
__extension__ using Uint128 = unsigned __int128;

constexpr std::uint64_t Rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

}  // namespace

Prng::Prng(std::uint64_t seed) : seed_(seed) {
  std::uint64_t x = seed;
  for (std::uint64_t& word : state_) word = SplitMix64(x);
}

Prng Prng::Fork(std::string_view name) const {
  return Prng(XXH3_64bits_withSeed(name.data(), name.size(), seed_));
}

std::uint64_t Prng::Next() {
  const std::uint64_t result = Rotl(state_[1] * 5, 7) * 9;
  const std::uint64_t t = state_[1] << 17;
  state_[2] ^= state_[0];
  state_[3] ^= state_[1];
  state_[1] ^= state_[2];
  state_[0] ^= state_[3];
  state_[2] ^= t;
  state_[3] = Rotl(state_[3], 45);
  return result;
}

std::uint64_t Prng::Below(std::uint64_t bound) {
  VSRSIM_ASSERT_GT(bound, 0U);
  // Lemire: the high 64 bits of a 128-bit product, rejecting the biased low range.
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

std::uint64_t Prng::Between(std::uint64_t min, std::uint64_t max) {
  VSRSIM_ASSERT_LE(min, max);
  if (max - min == UINT64_MAX) return Next();
  return min + Below(max - min + 1);
}

bool Prng::Chance(Ratio ratio) {
  VSRSIM_ASSERT_GT(ratio.denominator, 0U);
  VSRSIM_ASSERT_LE(ratio.numerator, ratio.denominator);
  if (ratio.numerator == 0) return false;
  return Below(ratio.denominator) < ratio.numerator;
}

}  // namespace vsrsim::sim
