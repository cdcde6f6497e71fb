#pragma once
// The project's PRNG: xoshiro256** (Blackman and Vigna), bit-exact on every platform and standard
// library. Standard distributions and std::shuffle differ between libraries, so every draw goes
// through the integer helpers here.
//
// Streams: Fork(name) derives an independent generator from this one's seed and a name (XXH3 of
// both, expanded by SplitMix64), without drawing from this one. Each component forks its own
// stream, so a new draw in one component never shifts another's.

#include <cstdint>
#include <string_view>

#include "core/assert.h"

namespace vsrsim::sim {

// A probability as an integer ratio numerator/denominator (no floating point anywhere in a run).
struct Ratio {
  std::uint32_t numerator = 0;
  std::uint32_t denominator = 1;
  bool operator==(const Ratio&) const = default;
};

// The draws are defined here, in the header, so they inline into the simulator's hot paths (a
// network send draws three to five times).
class Prng {
 public:
  explicit Prng(std::uint64_t seed);
  Prng Fork(std::string_view name) const;

  std::uint64_t Next() {
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

  // Uniform in [0, bound). Requires: bound > 0. Unbiased (Lemire's multiply-and-reject).
  std::uint64_t Below(std::uint64_t bound) {
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

  // Uniform in [min, max]. Requires: min <= max.
  std::uint64_t Between(std::uint64_t min, std::uint64_t max) {
    VSRSIM_ASSERT_LE(min, max);
    if (max - min == UINT64_MAX) return Next();
    return min + Below(max - min + 1);
  }

  // True with probability ratio.numerator / ratio.denominator. A zero chance returns without
  // drawing: every fingerprint depends on which draws happen, and most of a seed's fault rates are
  // off, so this is also the common, cheap path.
  bool Chance(Ratio ratio) {
    VSRSIM_ASSERT_GT(ratio.denominator, 0U);
    VSRSIM_ASSERT_LE(ratio.numerator, ratio.denominator);
    if (ratio.numerator == 0) return false;
    return Below(ratio.denominator) < ratio.numerator;
  }

  bool Coin() { return (Next() >> 63) != 0; }

  std::uint64_t seed() const { return seed_; }

 private:
  // 128-bit products for Lemire's method; `__extension__` marks the one non-ISO type as intended.
  __extension__ using Uint128 = unsigned __int128;

  static constexpr std::uint64_t Rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

  std::uint64_t seed_;
  std::uint64_t state_[4];
};

}  // namespace vsrsim::sim
