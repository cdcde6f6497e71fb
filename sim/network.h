#pragma once
// The simulated network: one directed link between every pair of processes (replicas first, then
// clients).
//
// Fault model: a message may be lost, duplicated, delayed (a minimum, a uniform jitter and, with a
// small chance, a long tail), reordered (unless the options ask for FIFO links), refused by a full
// link (bounded capacity), held back by a clogged link, or dropped by a partition (checked at send
// and at arrival, so a partition also catches messages in flight). Client connections can close: a
// send on a closed connection is dropped (the replica's send learns it: fire-and-forget), and so is
// a message to a client whose connection closed while it was in flight. A request that left before
// the close still arrives (it was in the replica's socket buffer), so a replica can answer a client
// that is already gone: the window of the review's finding (b). Guarantee kept: a message is never
// corrupted and never delivered to a process it was not sent to.
//
// Messages in flight live in a pool of slots reused through a free list, so the steady state does
// not allocate per message. The pool grows by whole chunks of slots that never move, so a slot
// stays put while its message is being handled (the handler's own sends may grow the pool), and
// finding a slot is a shift and a mask.

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "core/assert.h"
#include "core/message.h"
#include "sim/options.h"
#include "sim/prng.h"
#include "sim/time.h"

namespace vsrsim::sim {

using Process = std::uint8_t;

enum class DropReason : std::uint8_t { kNone, kLoss, kCapacity, kPartition, kClosed };

struct Delivery {
  Instant instant;
  std::uint32_t slot = 0;
};

struct SendResult {
  DropReason drop = DropReason::kNone;
  std::uint8_t count = 0;  // Deliveries to schedule: 1, or 2 when duplicated.
  std::array<Delivery, 2> deliveries{};
};

struct InFlight {
  Process from = 0;
  Process to = 0;
  Instant sent;
  core::Message message;
};

struct NetworkCounters {
  std::uint64_t sent = 0;
  std::uint64_t delivered = 0;
  std::uint64_t dropped = 0;
  std::uint64_t duplicated = 0;
  std::uint64_t dropped_closed = 0;
};

class Network {
 public:
  Network(const NetworkOptions& options, std::size_t replica_count, std::size_t process_count,
          Prng prng);

  SendResult send(Instant now, Process from, Process to, const core::Message& message);
  // At a delivery's instant: the message if it may be delivered now, else the reason it is dropped.
  // Either way the caller calls release(slot) when done with it. (Inline, like release: every
  // delivery calls both.)
  DropReason arrive(std::uint32_t slot) {
    const InFlight& message = pool_slot(slot);
    DropReason drop = DropReason::kNone;
    // A request already sent reached the replica's socket buffer: only replies and evictions
    // travelling to a client are lost when its connection closes meanwhile.
    if (message.to >= replica_count_ && !connected(message.from, message.to)) {
      drop = DropReason::kClosed;
      counters_.dropped_closed++;
    } else if (blocked_[index(message.from, message.to)] != 0) {
      drop = DropReason::kPartition;
    }
    if (drop == DropReason::kNone) {
      counters_.delivered++;
    } else {
      counters_.dropped++;
    }
    return drop;
  }
  const InFlight& in_flight(std::uint32_t slot) const { return pool_slot(slot); }
  void release(std::uint32_t slot) {
    const InFlight& message = pool_slot(slot);
    const std::size_t link = index(message.from, message.to);
    VSRSIM_ASSERT_GT(link_in_flight_[link], 0U);
    link_in_flight_[link]--;
    free_.push_back(slot);
  }

  // Partitions: block or unblock the directed link from -> to.
  void set_blocked(Process from, Process to, bool blocked);
  bool blocked(Process from, Process to) const { return blocked_[index(from, to)] != 0; }
  void heal();
  // Stops loss, duplication and the long tail: the liveness phase's network.
  void calm();
  // Clogging: nothing on the link is delivered before `until`.
  void clog(Process from, Process to, Instant until) { clogged_until_[index(from, to)] = until; }
  bool clogged(Process from, Process to, Instant now) const {
    return clogged_until_[index(from, to)] > now;
  }
  // Client connections (client process, replica process).
  void set_connected(Process client, Process replica, bool connected);
  bool connected(Process a, Process b) const { return connected_[index(a, b)] != 0; }

  // Replay memory (options.replay_memory): the last kReplayAgeMax messages of each kind sent on
  // each replica-to-replica link, lost ones included. `remembered` returns the one `age` sends ago
  // (0: the latest), or nullptr; `replay` sends it again now, as a new message on its link (it may
  // be lost, refused or duplicated like any other, and is not remembered again).
  static constexpr std::size_t kReplayAgeMax = 4;
  const core::Message* remembered(Process from, Process to, std::size_t kind,
                                  std::size_t age) const;
  SendResult replay(Instant now, Process from, Process to, std::size_t kind, std::size_t age);

  const NetworkCounters& counters() const { return counters_; }
  std::size_t in_flight_count() const { return pool_size_ - free_.size(); }

  // Replaces the stream of delays and drops with one forked from it by `salt`: what comes after
  // is a different continuation of the same past (issue 15, `vsrsim inevitable`).
  void fork_stream(std::uint64_t salt) { prng_ = prng_.Fork(std::to_string(salt)); }

 private:
  std::size_t index(Process from, Process to) const { return from * process_count_ + to; }
  Instant delivery_instant(Instant now, std::size_t link);
  std::uint32_t allocate(Instant now, Process from, Process to, const core::Message& message);
  SendResult transmit(Instant now, Process from, Process to, const core::Message& message);
  struct ReplayRing {
    std::array<core::Message, kReplayAgeMax> messages;
    std::uint64_t written = 0;
  };
  std::size_t ring_index(Process from, Process to, std::size_t kind) const {
    return (from * replica_count_ + to) * std::variant_size_v<core::Message> + kind;
  }

  static constexpr std::uint32_t kChunkSlotsLog2 = 6;
  static constexpr std::uint32_t kChunkSlots = std::uint32_t{1} << kChunkSlotsLog2;
  using Chunk = std::array<InFlight, kChunkSlots>;
  InFlight& pool_slot(std::uint32_t slot) {
    return (*pool_[slot >> kChunkSlotsLog2])[slot & (kChunkSlots - 1)];
  }
  const InFlight& pool_slot(std::uint32_t slot) const {
    return (*pool_[slot >> kChunkSlotsLog2])[slot & (kChunkSlots - 1)];
  }

  NetworkOptions options_;
  std::size_t replica_count_;
  std::size_t process_count_;
  Prng prng_;
  std::vector<std::unique_ptr<Chunk>> pool_;
  std::uint32_t pool_size_ = 0;  // Slots handed out so far, in use or free: [0, pool_size_).
  std::vector<std::uint32_t> free_;
  std::vector<std::uint32_t> link_in_flight_;
  std::vector<Instant> link_last_delivery_;
  std::vector<Instant> clogged_until_;
  std::vector<std::uint8_t> blocked_;
  std::vector<std::uint8_t> connected_;    // Indexed like links; symmetric for client connections.
  std::vector<ReplayRing> replay_memory_;  // Empty unless options.replay_memory.
  NetworkCounters counters_;
};

}  // namespace vsrsim::sim
