#pragma once
// The state machine under VSR: one partition log. An append request adds its batch of entries at
// the next offsets and the reply carries the first offset assigned, so executing a request twice
// shows as a duplicate append (the same payload at two offsets). Invariant: offsets are dense, from
// 0. It keeps a running digest rather than relying on comparisons of the whole vector, so replicas
// can be compared cheaply.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace vsrsim::core {

class PartitionLog {
 public:
  // Returns the offset of the first appended entry.
  std::uint64_t append(std::span<const std::uint64_t> entries);
  // Makes room for `entries` entries in all (capacity only: nothing observable changes).
  void reserve(std::size_t entries) { entries_.reserve(entries); }
  // Copies the entries at [offset, offset + out.size()) that exist into `out`; returns how many.
  std::size_t read(std::uint64_t offset, std::span<std::uint64_t> out) const;
  std::uint64_t next_offset() const { return entries_.size(); }
  const std::vector<std::uint64_t>& entries() const { return entries_; }
  // Replaces the log with `entries` (a checkpoint's), recomputing the digest as appends would.
  void restore(std::span<const std::uint64_t> entries);
  std::uint64_t Digest() const { return digest_; }
  bool operator==(const PartitionLog&) const = default;

 private:
  std::vector<std::uint64_t> entries_;
  std::uint64_t digest_ = 0;
};

}  // namespace vsrsim::core
