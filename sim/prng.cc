#include "sim/prng.h"

#include <xxhash.h>

namespace vsrsim::sim {

namespace {

std::uint64_t SplitMix64(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

Prng::Prng(std::uint64_t seed) : seed_(seed) {
  std::uint64_t x = seed;
  for (std::uint64_t& word : state_) word = SplitMix64(x);
}

Prng Prng::Fork(std::string_view name) const {
  return Prng(XXH3_64bits_withSeed(name.data(), name.size(), seed_));
}

}  // namespace vsrsim::sim
