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

// A map from (stream, sequence) keys to values for keys that mostly arrive in runs: each stream's
// sequences dense from near 0 (a client's request numbers within a session, a client's payload
// counter). Such a key's value sits in its stream's own array, indexed by the sequence, so
// consecutive keys of a stream touch consecutive memory instead of one random slot of a large
// table each (the hash map's cache and TLB misses were 7 % of a fault-free run's time). Any other
// key (a sequence far beyond its stream's array: what a defective core or workload could make) goes
// to a FlatHashMap, so the map is exact for every key; only its speed assumes runs.
//
// Like FlatHashMap: lookups and inserts only, never iterated, a fixed layout in every run; a
// stored value is never Value{} (that marks an empty place). Requires of Stream: equality and a
// StreamHash functor giving a std::uint64_t.
template <typename Stream, typename Value, typename StreamHash>
class SequenceMap {
 public:
  // A sequence at most this far beyond its stream's array extends the array (to it and every
  // sequence below it); one further away is kept in the fallback map. It bounds the memory one
  // key can cost at kDenseGapMax values.
  static constexpr std::uint64_t kDenseGapMax = 256;

  // Makes room for `streams` streams without growing the stream index, and for `per_stream`
  // sequences in each of the first `streams` streams to appear, so that a workload of that size
  // inserts without allocating once its streams exist. (Later streams grow as they go: a bound on
  // memory when a run has far more streams than expected.)
  void reserve(std::size_t streams, std::size_t per_stream) {
    index_.reserve(streams);
    dense_.reserve(streams);
    streams_reserved_ = streams;
    per_stream_reserved_ = per_stream;
  }

  // Inserts ((stream, sequence), value) unless the key is present. Returns the value now stored
  // for the key and whether this call inserted it. The pointer is valid until the next insert.
  // Requires: value != Value{}.
  std::pair<const Value*, bool> try_emplace(const Stream& stream, std::uint64_t sequence,
                                            const Value& value) {
    VSRSIM_ASSERT(!(value == Value{}));
    std::vector<Value>& dense = dense_of(stream);
    if (sequence < dense.size() && !(dense[sequence] == Value{})) return {&dense[sequence], false};
    if (sparse_.size() != 0) {
      if (const Value* found = sparse_.find({stream, sequence}); found != nullptr) {
        return {found, false};
      }
    }
    if (sequence < dense.size() + kDenseGapMax) {
      if (sequence >= dense.size()) dense.resize(sequence + 1);
      dense[sequence] = value;
      size_++;
      return {&dense[sequence], true};
    }
    size_++;
    return sparse_.try_emplace({stream, sequence}, value);
  }

  // The value stored for (stream, sequence), or nullptr.
  const Value* find(const Stream& stream, std::uint64_t sequence) const {
    if (const std::uint32_t* at = index_.find(stream); at != nullptr) {
      const std::vector<Value>& dense = dense_[*at - 1];
      if (sequence < dense.size() && !(dense[sequence] == Value{})) return &dense[sequence];
    }
    return sparse_.size() == 0 ? nullptr : sparse_.find({stream, sequence});
  }
  // The value may be changed, never to Value{}.
  Value* find(const Stream& stream, std::uint64_t sequence) {
    return const_cast<Value*>(std::as_const(*this).find(stream, sequence));
  }
  bool contains(const Stream& stream, std::uint64_t sequence) const {
    return find(stream, sequence) != nullptr;
  }
  std::size_t size() const { return size_; }
  // Keys kept in the fallback map (tests: it is exercised).
  std::size_t sparse_size() const { return sparse_.size(); }

 private:
  struct Key {
    Stream stream{};
    std::uint64_t sequence = 0;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    std::uint64_t operator()(const Key& key) const {
      return MixBits(StreamHash{}(key.stream) ^ MixBits(key.sequence));
    }
  };

  std::vector<Value>& dense_of(const Stream& stream) {
    // The stream's array index + 1 (FlatHashMap's empty value is 0).
    const auto [at, inserted] =
        index_.try_emplace(stream, static_cast<std::uint32_t>(dense_.size() + 1));
    if (inserted) {
      dense_.emplace_back();
      if (dense_.size() <= streams_reserved_) dense_.back().reserve(per_stream_reserved_);
    }
    return dense_[*at - 1];
  }

  FlatHashMap<Stream, std::uint32_t, StreamHash> index_;
  std::vector<std::vector<Value>> dense_;
  FlatHashMap<Key, Value, KeyHash> sparse_;
  std::size_t size_ = 0;
  std::size_t streams_reserved_ = 0;
  std::size_t per_stream_reserved_ = 0;
};

// The workload's payload entries (sim/sim_client.cc): the client's tag (its index + 1) above bit
// kPayloadTagShift, a counter of the client's payloads below, so every payload of a run is unique.
inline constexpr unsigned kPayloadTagShift = 40;

// A map keyed by payload entries, each client's payloads one dense stream of a SequenceMap. Exact
// for any 64-bit key; fast for the workload's.
template <typename Value>
class PayloadMap {
 public:
  // Room for `per_client` payloads of each of `clients` clients (SequenceMap::reserve).
  void reserve(std::size_t clients, std::size_t per_client) { map_.reserve(clients, per_client); }
  std::pair<const Value*, bool> try_emplace(std::uint64_t payload, const Value& value) {
    return map_.try_emplace(payload >> kPayloadTagShift, payload & kCounterMask, value);
  }
  const Value* find(std::uint64_t payload) const {
    return map_.find(payload >> kPayloadTagShift, payload & kCounterMask);
  }
  Value* find(std::uint64_t payload) {
    return map_.find(payload >> kPayloadTagShift, payload & kCounterMask);
  }
  std::size_t size() const { return map_.size(); }
  std::size_t sparse_size() const { return map_.sparse_size(); }

 private:
  static constexpr std::uint64_t kCounterMask = (std::uint64_t{1} << kPayloadTagShift) - 1;
  struct TagHash {
    std::uint64_t operator()(std::uint64_t tag) const { return MixBits(tag); }
  };
  SequenceMap<std::uint64_t, Value, TagHash> map_;
};

}  // namespace vsrsim::sim
