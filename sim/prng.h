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

namespace vsrsim::sim {

// A probability as an integer ratio numerator/denominator (no floating point anywhere in a run).
struct Ratio {
  std::uint32_t numerator = 0;
  std::uint32_t denominator = 1;
  bool operator==(const Ratio&) const = default;
};

class Prng {
 public:
  explicit Prng(std::uint64_t seed);
  Prng Fork(std::string_view name) const;

  std::uint64_t Next();
  // Uniform in [0, bound). Requires: bound > 0. Unbiased (Lemire's multiply-and-reject).
  std::uint64_t Below(std::uint64_t bound);
  // Uniform in [min, max]. Requires: min <= max.
  std::uint64_t Between(std::uint64_t min, std::uint64_t max);
  // True with probability ratio.numerator / ratio.denominator.
  bool Chance(Ratio ratio);
  bool Coin() { return (Next() >> 63) != 0; }

  std::uint64_t seed() const { return seed_; }

 private:
  std::uint64_t seed_;
  std::uint64_t state_[4];
};

}  // namespace vsrsim::sim
