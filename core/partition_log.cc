#include "core/partition_log.h"

// Inlined: the hashes here are of a few words, where the library call costs more than the hash.
#define XXH_INLINE_ALL
#include <xxhash.h>

#include <algorithm>
#include <array>

namespace vsrsim::core {

std::uint64_t PartitionLog::append(std::span<const std::uint64_t> entries) {
  const std::uint64_t first_offset = entries_.size();
  for (const std::uint64_t entry : entries) {
    entries_.push_back(entry);
    const std::array<std::uint64_t, 2> words = {digest_, entry};
    digest_ = XXH3_64bits(words.data(), sizeof(words));
  }
  return first_offset;
}

void PartitionLog::restore(std::span<const std::uint64_t> entries) {
  entries_.clear();
  entries_.reserve(entries.size());
  digest_ = 0;
  append(entries);
}

std::size_t PartitionLog::read(std::uint64_t offset, std::span<std::uint64_t> out) const {
  if (offset >= entries_.size()) return 0;
  const std::size_t count = std::min<std::size_t>(out.size(), entries_.size() - offset);
  std::copy_n(entries_.begin() + static_cast<std::ptrdiff_t>(offset), count, out.begin());
  return count;
}

}  // namespace vsrsim::core
