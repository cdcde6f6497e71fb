#include "core/partition_log.h"

#include <xxhash.h>

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

}  // namespace vsrsim::core
