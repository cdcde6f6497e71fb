#include "sim/network.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "core/message.h"
#include "sim/options.h"
#include "sim/prng.h"
#include "sim/time.h"

namespace vsrsim::sim {
namespace {

constexpr std::size_t kReplicas = 3;
constexpr std::size_t kProcesses = 5;  // Replicas 0..2, clients 3 and 4.

// Options with no faults and a fixed delay, so each test turns on only what it measures.
NetworkOptions Quiet() {
  NetworkOptions options;
  options.delay_min_us = 1000;
  options.delay_jitter_us = 0;
  options.delay_tail = Ratio{0, 1};
  options.loss = Ratio{0, 1};
  options.duplicate = Ratio{0, 1};
  options.reorder = true;
  options.link_capacity = 64;
  return options;
}

Network MakeNetwork(const NetworkOptions& options, std::uint64_t seed = 1) {
  return Network(options, kReplicas, kProcesses, Prng(seed).Fork("network"));
}

core::Message CommitMessage(core::Op commit) {
  return core::Commit{.view = 1, .commit = commit, .replica = core::ReplicaIndex{0}};
}

Instant At(std::uint64_t us) { return Instant::FromMicroseconds(us); }

// Delivers (or drops at arrival) every copy a send scheduled, freeing the link.
void Settle(Network& network, const SendResult& result) {
  for (std::uint8_t i = 0; i < result.count; i++) {
    network.arrive(result.deliveries[i].slot);
    network.release(result.deliveries[i].slot);
  }
}

TEST(NetworkTest, LossOneTenthDropsAboutTenPercent) {
  // With loss 1/10, between 8% and 12% of 100k sends are dropped, each for loss.
  NetworkOptions options = Quiet();
  options.loss = Ratio{1, 10};
  Network network = MakeNetwork(options);
  constexpr int kSends = 100000;
  int lost = 0;
  for (int i = 0; i < kSends; i++) {
    const SendResult result =
        network.send(At(static_cast<std::uint64_t>(i)), 0, 1, CommitMessage(1));
    if (result.drop != DropReason::kNone) {
      ASSERT_EQ(result.drop, DropReason::kLoss);
      ASSERT_EQ(result.count, 0U);
      lost++;
    } else {
      ASSERT_EQ(result.count, 1U);
    }
    Settle(network, result);
  }
  EXPECT_GE(lost, kSends * 8 / 100);
  EXPECT_LE(lost, kSends * 12 / 100);
  EXPECT_EQ(network.counters().sent, static_cast<std::uint64_t>(kSends));
  EXPECT_EQ(network.counters().dropped, static_cast<std::uint64_t>(lost));
  EXPECT_EQ(network.counters().delivered, static_cast<std::uint64_t>(kSends - lost));
}

TEST(NetworkTest, NoLossDropsNothing) {
  // With loss 0 and room on the link, every send is delivered exactly once.
  Network network = MakeNetwork(Quiet());
  for (int i = 0; i < 10000; i++) {
    const SendResult result = network.send(At(0), 1, 2, CommitMessage(1));
    ASSERT_EQ(result.drop, DropReason::kNone);
    ASSERT_EQ(result.count, 1U);
    Settle(network, result);
  }
  EXPECT_EQ(network.counters().dropped, 0U);
  EXPECT_EQ(network.counters().delivered, 10000U);
}

TEST(NetworkTest, DuplicationOneFifthDuplicatesAboutTwentyPercent) {
  // With duplicate 1/5, between 18% and 22% of 100k sends deliver two identical copies.
  NetworkOptions options = Quiet();
  options.duplicate = Ratio{1, 5};
  Network network = MakeNetwork(options);
  constexpr int kSends = 100000;
  int doubles = 0;
  for (int i = 0; i < kSends; i++) {
    const core::Message message = CommitMessage(static_cast<core::Op>(i));
    const SendResult result = network.send(At(0), 2, 0, message);
    ASSERT_EQ(result.drop, DropReason::kNone);
    if (result.count == 2) {
      doubles++;
      ASSERT_NE(result.deliveries[0].slot, result.deliveries[1].slot);
    }
    for (std::uint8_t c = 0; c < result.count; c++) {
      const InFlight& copy = network.in_flight(result.deliveries[c].slot);
      ASSERT_EQ(copy.message, message);
      ASSERT_EQ(copy.from, 2U);
      ASSERT_EQ(copy.to, 0U);
    }
    Settle(network, result);
  }
  EXPECT_GE(doubles, kSends * 18 / 100);
  EXPECT_LE(doubles, kSends * 22 / 100);
  EXPECT_EQ(network.counters().duplicated, static_cast<std::uint64_t>(doubles));
  EXPECT_EQ(network.counters().delivered, static_cast<std::uint64_t>(kSends + doubles));
}

// Sends `count` messages on every replica link with wide jitter, a long tail and duplication, and
// returns the number of links whose delivery instants, in send order, ever went backwards.
int LinksDeliveredOutOfOrder(bool reorder, int count) {
  NetworkOptions options = Quiet();
  options.delay_jitter_us = 5000;
  options.delay_tail = Ratio{1, 10};
  options.delay_tail_max_us = 30000;
  options.duplicate = Ratio{1, 10};
  options.reorder = reorder;
  Network network = MakeNetwork(options, 7);
  std::map<std::pair<Process, Process>, std::vector<std::uint64_t>> instants;
  for (int i = 0; i < count; i++) {
    for (Process from = 0; from < kReplicas; from++) {
      for (Process to = 0; to < kReplicas; to++) {
        if (from == to) continue;
        const Instant now = At(static_cast<std::uint64_t>(i) * 100);
        const SendResult result = network.send(now, from, to, CommitMessage(1));
        for (std::uint8_t c = 0; c < result.count; c++) {
          EXPECT_GE(result.deliveries[c].instant, now);
          instants[{from, to}].push_back(result.deliveries[c].instant.microseconds());
        }
        Settle(network, result);
      }
    }
  }
  int out_of_order = 0;
  for (const auto& [link, link_instants] : instants) {
    if (!std::is_sorted(link_instants.begin(), link_instants.end())) out_of_order++;
  }
  return out_of_order;
}

TEST(NetworkTest, WithoutReorderEachLinkDeliversInSendOrder) {
  // reorder=false: on every link, delivery instants in send order never decrease.
  EXPECT_EQ(LinksDeliveredOutOfOrder(false, 2000), 0);
}

TEST(NetworkTest, WithReorderLinksDoReorder) {
  // The control for the test above: the same traffic with reorder=true does reorder every link.
  EXPECT_EQ(LinksDeliveredOutOfOrder(true, 2000), static_cast<int>(kReplicas * (kReplicas - 1)));
}

TEST(NetworkTest, DelayStaysWithinItsBounds) {
  // Without the tail, every delivery lands within [delay_min, delay_min + jitter] of the send.
  NetworkOptions options = Quiet();
  options.delay_min_us = 300;
  options.delay_jitter_us = 700;
  Network network = MakeNetwork(options);
  std::uint64_t low = UINT64_MAX;
  std::uint64_t high = 0;
  for (std::uint64_t i = 0; i < 20000; i++) {
    const SendResult result = network.send(At(i * 10), 0, 2, CommitMessage(1));
    ASSERT_EQ(result.count, 1U);
    const std::uint64_t delay_us = (result.deliveries[0].instant - At(i * 10)).microseconds();
    low = std::min(low, delay_us);
    high = std::max(high, delay_us);
    Settle(network, result);
  }
  EXPECT_EQ(low, 300U);
  EXPECT_EQ(high, 1000U);
}

TEST(NetworkTest, LinkCapacityRefusesSendsUntilRelease) {
  // A full link refuses sends with kCapacity until a message on it is released; other links are
  // unaffected.
  NetworkOptions options = Quiet();
  options.link_capacity = 4;
  Network network = MakeNetwork(options);
  std::vector<std::uint32_t> slots;
  for (int i = 0; i < 4; i++) {
    const SendResult result = network.send(At(0), 0, 1, CommitMessage(1));
    ASSERT_EQ(result.drop, DropReason::kNone) << i;
    slots.push_back(result.deliveries[0].slot);
  }
  EXPECT_EQ(network.in_flight_count(), 4U);
  for (int i = 0; i < 3; i++) {
    const SendResult refused = network.send(At(0), 0, 1, CommitMessage(1));
    EXPECT_EQ(refused.drop, DropReason::kCapacity);
    EXPECT_EQ(refused.count, 0U);
  }
  EXPECT_EQ(network.counters().dropped, 3U);
  EXPECT_EQ(network.send(At(0), 1, 0, CommitMessage(1)).drop, DropReason::kNone);
  EXPECT_EQ(network.send(At(0), 0, 2, CommitMessage(1)).drop, DropReason::kNone);

  // Arrival alone does not free the link: the slot is held until release.
  EXPECT_EQ(network.arrive(slots[0]), DropReason::kNone);
  EXPECT_EQ(network.send(At(0), 0, 1, CommitMessage(1)).drop, DropReason::kCapacity);
  network.release(slots[0]);
  const SendResult again = network.send(At(0), 0, 1, CommitMessage(2));
  EXPECT_EQ(again.drop, DropReason::kNone);
  EXPECT_EQ(network.send(At(0), 0, 1, CommitMessage(1)).drop, DropReason::kCapacity);
}

TEST(NetworkTest, DuplicationNeverExceedsLinkCapacity) {
  // A duplicate is made only while the link has room: in flight never exceeds the capacity.
  NetworkOptions options = Quiet();
  options.link_capacity = 3;
  options.duplicate = Ratio{1, 1};
  Network network = MakeNetwork(options);
  const SendResult first = network.send(At(0), 0, 1, CommitMessage(1));
  EXPECT_EQ(first.count, 2U);
  const SendResult second = network.send(At(0), 0, 1, CommitMessage(2));
  EXPECT_EQ(second.count, 1U);  // The link is full after its first copy.
  EXPECT_EQ(network.send(At(0), 0, 1, CommitMessage(3)).drop, DropReason::kCapacity);
  EXPECT_EQ(network.in_flight_count(), 3U);
}

TEST(NetworkTest, ReleasedSlotsAreReused) {
  // The pool does not grow when every message is released before the next send.
  Network network = MakeNetwork(Quiet());
  for (int i = 0; i < 1000; i++) Settle(network, network.send(At(0), 0, 1, CommitMessage(1)));
  EXPECT_EQ(network.in_flight_count(), 0U);
  const SendResult result = network.send(At(0), 0, 1, CommitMessage(1));
  EXPECT_EQ(result.deliveries[0].slot, 0U);
}

TEST(NetworkTest, SlotsStayPutWhileThePoolGrows) {
  // A message being handled keeps its address and content while the handler's sends grow the pool
  // by many slots, as the cluster relies on.
  NetworkOptions options = Quiet();
  options.link_capacity = 1000;
  Network network = MakeNetwork(options);
  const SendResult first = network.send(At(0), 0, 1, CommitMessage(7));
  const InFlight* held = &network.in_flight(first.deliveries[0].slot);
  std::vector<std::uint32_t> slots = {first.deliveries[0].slot};
  for (core::Op op = 1; op <= 500; op++) {
    const SendResult result = network.send(At(0), 1 + op % 2, 0, CommitMessage(op));
    ASSERT_EQ(result.count, 1U);
    slots.push_back(result.deliveries[0].slot);
  }
  EXPECT_EQ(&network.in_flight(first.deliveries[0].slot), held);
  EXPECT_EQ(held->message, CommitMessage(7));
  EXPECT_EQ(network.in_flight_count(), 501U);
  std::sort(slots.begin(), slots.end());
  EXPECT_EQ(std::adjacent_find(slots.begin(), slots.end()), slots.end());  // All distinct.
  for (core::Op op = 1; op <= 500; op++) {
    EXPECT_EQ(network.in_flight(static_cast<std::uint32_t>(op)).message, CommitMessage(op));
  }
}

TEST(NetworkTest, BlockedLinkDropsAtSend) {
  // A blocked link drops sends as a partition; blocking is one-way, and unblocking restores it.
  Network network = MakeNetwork(Quiet());
  EXPECT_EQ(network.send(At(0), 0, 1, CommitMessage(1)).drop, DropReason::kNone);
  network.set_blocked(0, 1, true);
  EXPECT_TRUE(network.blocked(0, 1));
  EXPECT_FALSE(network.blocked(1, 0));
  EXPECT_EQ(network.send(At(0), 0, 1, CommitMessage(1)).drop, DropReason::kPartition);
  EXPECT_EQ(network.send(At(0), 1, 0, CommitMessage(1)).drop, DropReason::kNone);
  EXPECT_EQ(network.send(At(0), 0, 2, CommitMessage(1)).drop, DropReason::kNone);
  network.set_blocked(0, 1, false);
  EXPECT_EQ(network.send(At(0), 0, 1, CommitMessage(1)).drop, DropReason::kNone);
  EXPECT_EQ(network.counters().dropped, 1U);
}

TEST(NetworkTest, BlockedLinkDropsAtArrive) {
  // A partition that starts while a message is in flight drops it when it arrives.
  Network network = MakeNetwork(Quiet());
  const SendResult blocked_later = network.send(At(0), 0, 1, CommitMessage(1));
  const SendResult other_link = network.send(At(0), 1, 0, CommitMessage(1));
  ASSERT_EQ(blocked_later.drop, DropReason::kNone);
  network.set_blocked(0, 1, true);
  EXPECT_EQ(network.arrive(blocked_later.deliveries[0].slot), DropReason::kPartition);
  EXPECT_EQ(network.arrive(other_link.deliveries[0].slot), DropReason::kNone);
  EXPECT_EQ(network.counters().dropped, 1U);
  EXPECT_EQ(network.counters().delivered, 1U);
}

TEST(NetworkTest, HealUnblocksAndUnclogs) {
  // heal() lifts every partition and clog.
  Network network = MakeNetwork(Quiet());
  network.set_blocked(0, 1, true);
  network.set_blocked(2, 0, true);
  network.clog(1, 2, At(1'000'000));
  network.heal();
  EXPECT_FALSE(network.blocked(0, 1));
  EXPECT_FALSE(network.blocked(2, 0));
  const SendResult result = network.send(At(0), 1, 2, CommitMessage(1));
  EXPECT_EQ(result.drop, DropReason::kNone);
  EXPECT_EQ(result.deliveries[0].instant, At(1000));
}

TEST(NetworkTest, ClogHoldsDeliveriesUntilItEnds) {
  // Nothing on a clogged link is delivered before the clog ends; other links keep their delay.
  Network network = MakeNetwork(Quiet());
  network.clog(0, 1, At(50'000));
  const SendResult clogged = network.send(At(0), 0, 1, CommitMessage(1));
  const SendResult free_link = network.send(At(0), 1, 0, CommitMessage(1));
  EXPECT_EQ(clogged.deliveries[0].instant, At(50'000));
  EXPECT_EQ(free_link.deliveries[0].instant, At(1000));
}

TEST(NetworkTest, CalmStopsLossAndDuplication) {
  // After calm(), a network with certain loss and duplication delivers every send once.
  NetworkOptions options = Quiet();
  options.loss = Ratio{1, 2};
  options.duplicate = Ratio{1, 2};
  Network network = MakeNetwork(options);
  network.calm();
  for (int i = 0; i < 1000; i++) {
    const SendResult result = network.send(At(0), 0, 1, CommitMessage(1));
    ASSERT_EQ(result.drop, DropReason::kNone);
    ASSERT_EQ(result.count, 1U);
    Settle(network, result);
  }
}

TEST(NetworkTest, SetConnectedIsSymmetric) {
  // Closing a client connection closes both directions of that one client-replica pair only.
  Network network = MakeNetwork(Quiet());
  network.set_connected(3, 1, false);
  EXPECT_FALSE(network.connected(3, 1));
  EXPECT_FALSE(network.connected(1, 3));
  EXPECT_TRUE(network.connected(3, 0));
  EXPECT_TRUE(network.connected(0, 3));
  EXPECT_TRUE(network.connected(4, 1));
  EXPECT_TRUE(network.connected(1, 4));
  network.set_connected(3, 1, true);
  EXPECT_TRUE(network.connected(3, 1));
  EXPECT_TRUE(network.connected(1, 3));
}

TEST(NetworkTest, ClosedConnectionDropsBothWays) {
  // Messages to and from a closed client connection are dropped at send and counted as closed.
  Network network = MakeNetwork(Quiet());
  network.set_connected(4, 2, false);
  EXPECT_EQ(network.send(At(0), 4, 2, CommitMessage(1)).drop, DropReason::kClosed);
  EXPECT_EQ(network.send(At(0), 2, 4, CommitMessage(1)).drop, DropReason::kClosed);
  EXPECT_EQ(network.send(At(0), 4, 0, CommitMessage(1)).drop, DropReason::kNone);
  EXPECT_EQ(network.counters().dropped_closed, 2U);
  EXPECT_EQ(network.counters().dropped, 2U);
  network.set_connected(4, 2, true);
  EXPECT_EQ(network.send(At(0), 2, 4, CommitMessage(1)).drop, DropReason::kNone);
}

TEST(NetworkTest, ClosedConnectionDropsInFlightRepliesOnly) {
  // A message to a client whose connection closes in flight is dropped at arrival; a request that
  // left the client before the close still reaches the replica (it was in the socket buffer).
  Network network = MakeNetwork(Quiet());
  const SendResult to_replica = network.send(At(0), 3, 0, CommitMessage(1));
  const SendResult to_client = network.send(At(0), 0, 3, CommitMessage(1));
  const SendResult other_client = network.send(At(0), 0, 4, CommitMessage(1));
  network.set_connected(3, 0, false);
  EXPECT_EQ(network.arrive(to_replica.deliveries[0].slot), DropReason::kNone);
  EXPECT_EQ(network.arrive(to_client.deliveries[0].slot), DropReason::kClosed);
  EXPECT_EQ(network.arrive(other_client.deliveries[0].slot), DropReason::kNone);
  EXPECT_EQ(network.counters().dropped_closed, 1U);
  EXPECT_EQ(network.counters().delivered, 2U);
}

}  // namespace
}  // namespace vsrsim::sim

namespace vsrsim::sim {
namespace {

TEST(NetworkReplayTest, RemembersTheLastMessagesOfEachKindPerLinkAndReplaysThem) {
  // With replay memory on, each replica-to-replica link keeps the last kReplayAgeMax messages of
  // each kind (lost ones too); a replay sends a true copy again as a new message, and is not
  // remembered itself. Links to clients and other kinds keep their own memories.
  NetworkOptions options = Quiet();
  options.replay_memory = true;
  Network network = MakeNetwork(options);
  const std::size_t commit = CommitMessage(0).index();
  for (core::Op op = 1; op <= 6; op++)
    Settle(network, network.send(At(op), 0, 1, CommitMessage(op)));
  Settle(network, network.send(At(7), 0, 3, CommitMessage(99)));  // To a client: not remembered.
  EXPECT_EQ(network.remembered(0, 1, commit, 0)->index(), commit);
  EXPECT_EQ(std::get<core::Commit>(*network.remembered(0, 1, commit, 0)).commit, 6U);
  EXPECT_EQ(std::get<core::Commit>(*network.remembered(0, 1, commit, 3)).commit, 3U);
  EXPECT_EQ(network.remembered(0, 1, commit, Network::kReplayAgeMax), nullptr);
  EXPECT_EQ(network.remembered(1, 0, commit, 0), nullptr);
  EXPECT_EQ(network.remembered(0, 1, core::Message(core::StartView{}).index(), 0), nullptr);

  const SendResult replayed = network.replay(At(100), 0, 1, commit, 2);
  ASSERT_EQ(replayed.count, 1);
  EXPECT_EQ(network.in_flight(replayed.deliveries[0].slot).message, CommitMessage(4));
  EXPECT_EQ(replayed.deliveries[0].instant, At(1100));
  Settle(network, replayed);
  EXPECT_EQ(std::get<core::Commit>(*network.remembered(0, 1, commit, 0)).commit, 6U);
}

TEST(NetworkReplayTest, WithoutReplayMemoryNothingIsRemembered) {
  // The default network keeps no copies, so runs without the fault pay nothing for it.
  Network network = MakeNetwork(Quiet());
  Settle(network, network.send(At(1), 0, 1, CommitMessage(1)));
  EXPECT_EQ(network.remembered(0, 1, CommitMessage(0).index(), 0), nullptr);
}

}  // namespace
}  // namespace vsrsim::sim
