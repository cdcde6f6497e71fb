#pragma once
// A flat hash map for the checkers' indexes: open addressing with linear probing over one array of
// slots whose size is a power of two, kept at most half full. Once reserved for the run's workload
// it inserts without allocating, which the std::map it replaces could not (one node per insert).
//
// It offers lookups and inserts only: no erase, and deliberately no iteration, so nothing can ever
// depend on the order of its slots (DESIGN.md: no behaviour may depend on the iteration order of an
// unordered container). The hash is a fixed function of the key, never of a pointer or a seed of
// its own, so the layout is the same in every run as well, though nothing observable depends on it.
//
// Requires of Key: equality (==) and a Hash functor giving a std::uint64_t; Key and Value are
// default-constructible and copyable. A slot is empty when its value is Value{}, which saves a flag
// per slot; so a stored value is never Value{} (the checkers store ops, and op 0 is the root).

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "core/assert.h"

namespace vsrsim::sim {

// The 64-bit finalizer of MurmurHash3: every input bit affects every output bit, so keys that
// differ only in their high bits (the workload's payloads carry the client there) spread well.
constexpr std::uint64_t MixBits(std::uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

template <typename Key, typename Value, typename Hash>
class FlatHashMap {
 public:
  FlatHashMap() = default;

  // Makes room for `count` keys in all, so that inserting up to that many never allocates.
  void reserve(std::size_t count) {
    std::size_t capacity = kCapacityMin;
    while (capacity / 2 < count) capacity *= 2;
    if (capacity > slots_.size()) rehash(capacity);
  }

  // Inserts (key, value) unless the key is present. Returns the value now stored for the key and
  // whether this call inserted it. The pointer is valid until the next insert.
  // Requires: value != Value{}.
  std::pair<const Value*, bool> try_emplace(const Key& key, const Value& value) {
    VSRSIM_ASSERT(!(value == Value{}));
    if (2 * (size_ + 1) > slots_.size()) rehash(slots_.empty() ? kCapacityMin : 2 * slots_.size());
    Slot& slot = slots_[probe(key)];
    if (slot.used()) return {&slot.value, false};
    slot.key = key;
    slot.value = value;
    size_++;
    return {&slot.value, true};
  }

  // The value stored for `key`, or nullptr.
  const Value* find(const Key& key) const {
    if (slots_.empty()) return nullptr;
    const Slot& slot = slots_[probe(key)];
    return slot.used() ? &slot.value : nullptr;
  }
  // The value may be changed, never to Value{} (that would erase the key and break probing).
  Value* find(const Key& key) {
    if (slots_.empty()) return nullptr;
    Slot& slot = slots_[probe(key)];
    return slot.used() ? &slot.value : nullptr;
  }
  bool contains(const Key& key) const { return find(key) != nullptr; }
  std::size_t size() const { return size_; }
  // Slots allocated (twice the keys it can hold without growing).
  std::size_t capacity() const { return slots_.size(); }

 private:
  static constexpr std::size_t kCapacityMin = 16;

  struct Slot {
    Key key{};
    Value value{};
    bool used() const { return !(value == Value{}); }
  };

  // The slot holding `key`, or the empty slot where it would go. Requires: a free slot exists.
  std::size_t probe(const Key& key) const {
    const std::size_t mask = slots_.size() - 1;
    std::size_t i = static_cast<std::size_t>(Hash{}(key)) & mask;
    while (slots_[i].used() && !(slots_[i].key == key)) i = (i + 1) & mask;
    return i;
  }

  // Moves every key into a new array of `capacity` slots. It walks the old slots in their order,
  // which is fine: that order only decides where keys land, and no caller can observe that.
  void rehash(std::size_t capacity) {
    VSRSIM_ASSERT_EQ(capacity & (capacity - 1), 0U);
    VSRSIM_ASSERT_GE(capacity / 2, size_);
    std::vector<Slot> old(capacity);
    old.swap(slots_);
    for (const Slot& slot : old) {
      if (slot.used()) slots_[probe(slot.key)] = slot;
    }
  }

  std::vector<Slot> slots_;
  std::size_t size_ = 0;
};

}  // namespace vsrsim::sim
