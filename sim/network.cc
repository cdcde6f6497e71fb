#include "sim/network.h"

#include <algorithm>

#include "core/assert.h"

namespace vsrsim::sim {

Network::Network(const NetworkOptions& options, std::size_t replica_count,
                 std::size_t process_count, Prng prng)
    : options_(options),
      replica_count_(replica_count),
      process_count_(process_count),
      prng_(prng),
      link_in_flight_(process_count * process_count, 0),
      link_last_delivery_(process_count * process_count),
      clogged_until_(process_count * process_count),
      blocked_(process_count * process_count, 0),
      connected_(process_count * process_count, 1) {
  VSRSIM_ASSERT_LE(process_count, 256U);
  VSRSIM_ASSERT_GT(options.link_capacity, 0U);
  free_.reserve(1024);
  if (options.replay_memory) {
    replay_memory_.resize(replica_count * replica_count * std::variant_size_v<core::Message>);
  }
}

const core::Message* Network::remembered(Process from, Process to, std::size_t kind,
                                         std::size_t age) const {
  if (replay_memory_.empty() || from >= replica_count_ || to >= replica_count_ ||
      kind >= std::variant_size_v<core::Message> || age >= kReplayAgeMax) {
    return nullptr;
  }
  const ReplayRing& r = replay_memory_[ring_index(from, to, kind)];
  if (age >= r.written) return nullptr;
  return &r.messages[(r.written - 1 - age) % kReplayAgeMax];
}

SendResult Network::replay(Instant now, Process from, Process to, std::size_t kind,
                           std::size_t age) {
  const core::Message* message = remembered(from, to, kind, age);
  VSRSIM_ASSERT(message != nullptr);
  return transmit(now, from, to, *message);
}

// The per-send steps are inline hints (the compiler takes them where the step is small): a send
// should pay for its draws and its copy, not for calls.
inline Instant Network::delivery_instant(Instant now, std::size_t link) {
  std::uint64_t delay_us = options_.delay_min_us + prng_.Between(0, options_.delay_jitter_us);
  if (prng_.Chance(options_.delay_tail)) delay_us += prng_.Between(0, options_.delay_tail_max_us);
  Instant at = std::max(now + Duration::Microseconds(delay_us), clogged_until_[link]);
  if (!options_.reorder) at = std::max(at, link_last_delivery_[link]);
  link_last_delivery_[link] = std::max(link_last_delivery_[link], at);
  return at;
}

inline std::uint32_t Network::allocate(Instant now, Process from, Process to,
                                       const core::Message& message) {
  link_in_flight_[index(from, to)]++;
  std::uint32_t slot = 0;
  if (!free_.empty()) {
    slot = free_.back();
    free_.pop_back();
  } else {
    if (pool_size_ == pool_.size() * kChunkSlots) pool_.push_back(std::make_unique<Chunk>());
    slot = pool_size_++;
  }
  InFlight& in_flight = pool_slot(slot);
  in_flight.from = from;
  in_flight.to = to;
  in_flight.sent = now;
  in_flight.message = message;
  return slot;
}

inline SendResult Network::transmit(Instant now, Process from, Process to,
                                    const core::Message& message) {
  counters_.sent++;
  SendResult result;
  const std::size_t link = index(from, to);
  if (!connected(from, to)) {
    result.drop = DropReason::kClosed;
  } else if (blocked_[link] != 0) {
    result.drop = DropReason::kPartition;
  } else if (prng_.Chance(options_.loss)) {
    result.drop = DropReason::kLoss;
  } else if (link_in_flight_[link] >= options_.link_capacity) {
    result.drop = DropReason::kCapacity;
  }
  if (result.drop != DropReason::kNone) {
    counters_.dropped++;
    if (result.drop == DropReason::kClosed) counters_.dropped_closed++;
    return result;
  }
  result.deliveries[0] = {delivery_instant(now, link), allocate(now, from, to, message)};
  result.count = 1;
  if (link_in_flight_[link] < options_.link_capacity && prng_.Chance(options_.duplicate)) {
    counters_.duplicated++;
    result.deliveries[1] = {delivery_instant(now, link), allocate(now, from, to, message)};
    result.count = 2;
  }
  return result;
}

SendResult Network::send(Instant now, Process from, Process to, const core::Message& message) {
  VSRSIM_ASSERT_LT(from, process_count_);
  VSRSIM_ASSERT_LT(to, process_count_);
  VSRSIM_ASSERT_NE(from, to);
  if (!replay_memory_.empty() && from < replica_count_ && to < replica_count_) {
    ReplayRing& r = replay_memory_[ring_index(from, to, message.index())];
    r.messages[r.written % kReplayAgeMax] = message;
    r.written++;
  }
  return transmit(now, from, to, message);
}

void Network::set_blocked(Process from, Process to, bool blocked) {
  blocked_[index(from, to)] = blocked ? 1 : 0;
}

void Network::heal() {
  std::fill(blocked_.begin(), blocked_.end(), 0);
  std::fill(clogged_until_.begin(), clogged_until_.end(), Instant{});
}

void Network::calm() {
  options_.loss = Ratio{0, 1};
  options_.duplicate = Ratio{0, 1};
  options_.delay_tail = Ratio{0, 1};
}

void Network::set_connected(Process client, Process replica, bool connected) {
  VSRSIM_ASSERT_GE(client, replica_count_);
  VSRSIM_ASSERT_LT(replica, replica_count_);
  connected_[index(client, replica)] = connected ? 1 : 0;
  connected_[index(replica, client)] = connected ? 1 : 0;
}

}  // namespace vsrsim::sim
