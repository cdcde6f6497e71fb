#include "sim/event_queue.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "sim/prng.h"
#include "sim/time.h"

namespace vsrsim::sim {
namespace {

Instant At(std::uint64_t us) { return Instant::FromMicroseconds(us); }

struct Pushed {
  std::uint64_t instant_us;
  std::uint32_t id;
};

TEST(EventQueueTest, PopsInInstantOrder) {
  // Events pushed at random instants pop in non-decreasing instant order, all of them once.
  EventQueue<std::uint32_t> queue;
  Prng prng(1);
  std::vector<std::uint64_t> pushed;
  for (std::uint32_t i = 0; i < 5000; i++) {
    const std::uint64_t us = prng.Below(1'000'000);
    pushed.push_back(us);
    queue.push(At(us), i);
  }
  ASSERT_EQ(queue.size(), pushed.size());
  std::vector<std::uint64_t> popped;
  while (!queue.empty()) {
    const Instant top = queue.top().instant;
    const auto event = queue.pop();
    ASSERT_EQ(event.instant, top);
    ASSERT_EQ(event.instant.microseconds(), pushed[event.payload]);
    popped.push_back(event.instant.microseconds());
  }
  std::sort(pushed.begin(), pushed.end());
  EXPECT_EQ(popped, pushed);
}

TEST(EventQueueTest, EqualInstantsPopInPushOrder) {
  // Events at one instant, pushed interleaved with events before and after it, pop FIFO.
  EventQueue<std::uint32_t> queue;
  Prng prng(2);
  std::vector<Pushed> pushed;
  constexpr std::uint64_t kShared = 500;
  for (std::uint32_t i = 0; i < 3000; i++) {
    // A third at the shared instant, the rest spread before and after it (some at tiny distances).
    const std::uint64_t us = prng.Below(3) == 0 ? kShared : prng.Below(2 * kShared + 1);
    pushed.push_back({us, i});
    queue.push(At(us), i);
  }
  // The expected order: by instant, ties in push order (a stable sort of the push sequence).
  std::stable_sort(pushed.begin(), pushed.end(),
                   [](const Pushed& a, const Pushed& b) { return a.instant_us < b.instant_us; });
  std::size_t shared_count = 0;
  for (const Pushed& expected : pushed) {
    ASSERT_FALSE(queue.empty());
    const auto event = queue.pop();
    ASSERT_EQ(event.instant.microseconds(), expected.instant_us);
    ASSERT_EQ(event.payload, expected.id);
    if (expected.instant_us == kShared) shared_count++;
  }
  EXPECT_TRUE(queue.empty());
  EXPECT_GT(shared_count, 900U);  // The tie-break was exercised on many events.
}

TEST(EventQueueTest, FifoHoldsAcrossPops) {
  // An event pushed after some pops still pops after earlier-pushed events at the same instant.
  EventQueue<char> queue;
  queue.push(At(10), 'a');
  queue.push(At(5), 'x');
  queue.push(At(10), 'b');
  EXPECT_EQ(queue.pop().payload, 'x');
  queue.push(At(10), 'c');
  queue.push(At(7), 'y');
  queue.push(At(10), 'd');
  std::vector<char> order;
  while (!queue.empty()) order.push_back(queue.pop().payload);
  EXPECT_EQ(order, (std::vector<char>{'y', 'a', 'b', 'c', 'd'}));
}

TEST(EventQueueTest, SequenceNumbersFollowPushOrder) {
  // Each event carries the sequence number of its push, counting every push since construction.
  EventQueue<int> queue;
  queue.push(At(3), 0);
  queue.push(At(1), 1);
  queue.push(At(2), 2);
  EXPECT_EQ(queue.pop().sequence, 1U);
  EXPECT_EQ(queue.pop().sequence, 2U);
  EXPECT_EQ(queue.pop().sequence, 0U);
  queue.push(At(0), 3);
  EXPECT_EQ(queue.top().sequence, 3U);
  EXPECT_EQ(queue.size(), 1U);
}

TEST(EventQueueTest, ReplaceTopIsPopThenPush) {
  // replace_top returns what pop would and leaves a queue that pops exactly like pop() then push()
  // would have left it: same instants, payloads and sequence numbers, ties included.
  EventQueue<std::uint32_t> replaced;
  EventQueue<std::uint32_t> pushed;
  Prng prng(3);
  for (std::uint32_t i = 0; i < 64; i++) {
    const std::uint64_t us = prng.Below(100);
    replaced.push(At(us), i);
    pushed.push(At(us), i);
  }
  for (std::uint32_t i = 0; i < 20000; i++) {
    const std::uint64_t delay_us = prng.Below(50);  // Small delays: many equal instants.
    const Instant next = pushed.top().instant + Duration::Microseconds(delay_us);
    if (prng.Below(2) == 0) {
      const auto a = replaced.replace_top(next, i);
      const auto b = pushed.pop();
      pushed.push(next, i);
      ASSERT_EQ(a.instant, b.instant);
      ASSERT_EQ(a.sequence, b.sequence);
      ASSERT_EQ(a.payload, b.payload);
    } else {
      const auto a = replaced.pop();
      const auto b = pushed.pop();
      ASSERT_EQ(a.sequence, b.sequence);
      replaced.push(next, i);
      pushed.push(next, i);
    }
  }
  ASSERT_EQ(replaced.size(), pushed.size());
  while (!pushed.empty()) {
    const auto a = replaced.pop();
    const auto b = pushed.pop();
    ASSERT_EQ(a.instant, b.instant);
    ASSERT_EQ(a.sequence, b.sequence);
    ASSERT_EQ(a.payload, b.payload);
  }
}

TEST(EventQueueTest, ReplaceTopOfTheOnlyEvent) {
  // With one event queued, replace_top swaps it for the new one.
  EventQueue<int> queue;
  queue.push(At(4), 1);
  const auto old = queue.replace_top(At(9), 2);
  EXPECT_EQ(old.payload, 1);
  EXPECT_EQ(old.sequence, 0U);
  ASSERT_EQ(queue.size(), 1U);
  EXPECT_EQ(queue.top().instant, At(9));
  EXPECT_EQ(queue.top().sequence, 1U);
  EXPECT_EQ(queue.top().payload, 2);
}

}  // namespace
}  // namespace vsrsim::sim
