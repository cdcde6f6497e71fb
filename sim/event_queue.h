#pragma once
// The simulator's event queue: a binary min-heap ordered by (instant, sequence). The sequence
// number is assigned at push, so events at the same instant pop in the order they were pushed
// (FIFO), and the order never depends on the heap's internals or on a pointer value. Payloads are
// small values (an index into a pool, a kind); the queue never allocates once its capacity has
// grown to the run's peak.

#include <cstdint>
#include <utility>
#include <vector>

#include "core/assert.h"
#include "sim/time.h"

namespace vsrsim::sim {

template <typename Payload>
class EventQueue {
 public:
  struct Event {
    Instant instant;
    std::uint64_t sequence;
    Payload payload;
  };

  void push(Instant instant, const Payload& payload) {
    heap_.push_back(Event{instant, sequence_next_++, payload});
    sift_up(heap_.size() - 1);
  }

  // Requires: !empty().
  Event pop() {
    VSRSIM_ASSERT(!heap_.empty());
    Event top = std::move(heap_.front());
    Event last = std::move(heap_.back());
    heap_.pop_back();
    if (!heap_.empty()) sift_down(0, std::move(last));
    return top;
  }

  // pop() followed by push(instant, payload), in one pass down the heap instead of one down and
  // one up. The new event takes the next sequence number, exactly as that push would, so the order
  // in which events pop is the same. The popped event is returned. Requires: !empty().
  Event replace_top(Instant instant, const Payload& payload) {
    VSRSIM_ASSERT(!heap_.empty());
    Event top = std::move(heap_.front());
    sift_down(0, Event{instant, sequence_next_++, payload});
    return top;
  }

  const Event& top() const {
    VSRSIM_ASSERT(!heap_.empty());
    return heap_.front();
  }
  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  void reserve(std::size_t capacity) { heap_.reserve(capacity); }

 private:
  static bool Before(const Event& a, const Event& b) {
    if (a.instant != b.instant) return a.instant < b.instant;
    return a.sequence < b.sequence;
  }

  // Both sifts move a hole instead of swapping: each level moves one event, and the sifted event is
  // written once, where it ends.
  void sift_up(std::size_t i) {
    Event event = std::move(heap_[i]);
    while (i > 0) {
      const std::size_t parent = (i - 1) / 2;
      if (!Before(event, heap_[parent])) break;
      heap_[i] = std::move(heap_[parent]);
      i = parent;
    }
    heap_[i] = std::move(event);
  }

  // Places `event` in the subtree whose root slot `i` is a hole (its old content already moved
  // out).
  void sift_down(std::size_t i, Event event) {
    const std::size_t n = heap_.size();
    while (true) {
      const std::size_t left = 2 * i + 1;
      if (left >= n) break;
      std::size_t smallest = left;
      if (left + 1 < n && Before(heap_[left + 1], heap_[left])) smallest = left + 1;
      if (!Before(heap_[smallest], event)) break;
      heap_[i] = std::move(heap_[smallest]);
      i = smallest;
    }
    heap_[i] = std::move(event);
  }

  std::vector<Event> heap_;
  std::uint64_t sequence_next_ = 0;
};

}  // namespace vsrsim::sim
