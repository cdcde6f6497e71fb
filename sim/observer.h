#pragma once
// The observation stream: what the world publishes as a run plays, and the interface of everything
// that watches it (the checkers and the client-history recorder). The cluster publishes every
// observation to its subscribers, in the fixed order of the registry (observers.h), and knows no
// concrete subscriber; a subscriber is one file that overrides the hooks it needs and says which
// in hooks(), so an observation costs one virtual call per interested subscriber and nothing else
// (no allocation: observations are references to what the world already holds).
//
// A hook returns a Finding: the first finding of a run ends it (the cluster keeps it). Hooks never
// change the world, so subscribing cannot change a run's trace or fingerprint.
//
// Observations, in the order the world makes them within one event:
// - a message sent (before the network decides its fate) and a message delivered (before its
//   receiver handles it);
// - a client's invocation (the first send of an operation), each send of it (first or
//   retransmission, with the fault schedule's state of its link), an accepted reply, an eviction
//   acted on;
// - an execution of a committed op on a replica; a replica installing a checkpoint (its own on
//   restart, or a peer's by state sync), after which its executions continue above the
//   checkpoint's op;
// - a replica's state transition (its status or view changed), its commit (commit_min changed),
//   its crash, its restart (with the durable superblock it restarted from), the end of the faults
//   (heal); after each event a replica handled, its state (for coverage, sim/protocol_coverage.h);
// - at the end of a run, on request: the healed core converged, and quiescence.

#include <cstdint>
#include <type_traits>
#include <variant>
#include <vector>

#include "core/bus.h"
#include "core/message.h"
#include "core/replica.h"
#include "core/storage.h"
#include "sim/checker.h"
#include "sim/network.h"
#include "sim/sim_client.h"
#include "sim/sim_storage.h"

namespace vsrsim::sim {

// Which hooks a subscriber overrides, as bits of Observer::hooks().
enum class Hook : std::uint8_t {
  kMessageSent,
  kMessageDelivered,
  kClientInvoked,
  kClientSent,
  kClientAccepted,
  kClientEvicted,
  kExecuted,
  kCheckpointInstalled,
  kReplicaChanged,
  kReplicaCommitted,
  kReplicaCrashed,
  kReplicaRestarted,
  kHealed,
  kCoreConverged,
  kQuiescent,
  kReplicaStepped,
  kDiskOpened,
};
// One past the last hook. (It was 15 with 16 hooks, so kReplicaStepped had no subscribers' list
// of its own: publishing it read past the array.)
inline constexpr std::size_t kHookCount = static_cast<std::size_t>(Hook::kDiskOpened) + 1;

constexpr std::uint32_t HookBit(Hook hook) { return 1U << static_cast<unsigned>(hook); }

// Message kinds as bits (bit i: alternative i of core::Message), so a subscriber of the message
// hooks can say which kinds it takes: a message is passed only to the subscribers of its kind (one
// lookup per message instead of one call per subscriber).
inline constexpr std::size_t kMessageKindCount = std::variant_size_v<core::Message>;
static_assert(kMessageKindCount <= 32);
template <typename Kind, typename... Kinds>
constexpr std::size_t KindIndex(const std::variant<Kinds...>*) {
  constexpr bool kIs[] = {std::is_same_v<Kind, Kinds>...};
  for (std::size_t i = 0; i < sizeof...(Kinds); i++) {
    if (kIs[i]) return i;
  }
  return sizeof...(Kinds);
}
template <typename... Kinds>
constexpr std::uint32_t MessageKindBits() {
  constexpr std::size_t kIndices[] = {
      KindIndex<Kinds>(static_cast<const core::Message*>(nullptr))...};
  std::uint32_t bits = 0;
  for (const std::size_t i : kIndices) bits |= 1U << i;
  return bits;
}
inline constexpr std::uint32_t kAllMessageKinds = (1U << kMessageKindCount) - 1;

// When an observation happened: simulated time and whole ticks.
struct ObservedAt {
  std::uint64_t time_us = 0;
  std::uint64_t tick = 0;
};

// A client's send of its open operation's request.
struct ClientSent {
  std::size_t client = 0;  // The client's index (its history process).
  core::ClientId id{};
  std::size_t replica = 0;  // Where it went.
  const core::Request* request = nullptr;
  bool retransmission = false;
  // The fault schedule at the send: the link between the client and the replica is neither
  // blocked, clogged nor disconnected, either way.
  bool link_clear = false;
};

// A replica's state transition: its status or view changed.
struct ReplicaChanged {
  const core::Replica* replica = nullptr;
  bool new_view = false;
};

class Observer {
 public:
  virtual ~Observer() = default;
  // The hooks this subscriber overrides (HookBit of each); only those are called.
  virtual std::uint32_t hooks() const = 0;
  // Of the messages sent / delivered, the kinds (MessageKindBits) this subscriber takes. Read when
  // the cluster builds its subscriptions: at its start, and again when the quiescence watch starts.
  virtual std::uint32_t kinds_sent() const { return kAllMessageKinds; }
  virtual std::uint32_t kinds_delivered() const { return kAllMessageKinds; }

  virtual Finding on_message_sent(ObservedAt, Process /*from*/, Process /*to*/,
                                  const core::Message&) {
    return std::nullopt;
  }
  virtual Finding on_message_delivered(ObservedAt, Process /*to*/, const core::Message&) {
    return std::nullopt;
  }
  // The first send of a client's operation.
  virtual Finding on_client_invoked(ObservedAt, std::size_t /*client*/, core::ClientId,
                                    const core::Request&) {
    return std::nullopt;
  }
  virtual Finding on_client_sent(ObservedAt, const ClientSent&) { return std::nullopt; }
  virtual Finding on_client_accepted(ObservedAt, std::size_t /*client*/, const ClientAccept&) {
    return std::nullopt;
  }
  virtual Finding on_client_evicted(ObservedAt, std::size_t /*client*/, const core::Eviction&) {
    return std::nullopt;
  }
  virtual Finding on_executed(ObservedAt, const core::Execution&) { return std::nullopt; }
  virtual Finding on_checkpoint_installed(ObservedAt, const core::CheckpointInstalled&) {
    return std::nullopt;
  }
  virtual Finding on_replica_changed(ObservedAt, const ReplicaChanged&) { return std::nullopt; }
  // The replica's commit_min changed (it executed up to a new op, or, wrongly, went back).
  virtual Finding on_replica_committed(ObservedAt, const core::Replica&) { return std::nullopt; }
  virtual Finding on_replica_crashed(ObservedAt, std::size_t /*replica*/) { return std::nullopt; }
  // `replica` restarted from its durable superblock `durable`.
  virtual Finding on_replica_restarted(ObservedAt, const core::Replica&,
                                       const core::Superblock& /*durable*/) {
    return std::nullopt;
  }
  // Issue 17: `replica` opened `disk` on a restart (reading it); `opened` is the replica as it
  // came up. The disk is the simulator's truth (its shadow journal: sim_storage.h).
  virtual Finding on_disk_opened(ObservedAt, std::size_t /*replica*/, const SimStorage& /*disk*/,
                                 const core::Replica& /*opened*/) {
    return std::nullopt;
  }
  virtual Finding on_healed(ObservedAt) { return std::nullopt; }
  // The replica handled an event (a message, a tick, a sync, its restart): its state after it.
  virtual Finding on_replica_stepped(ObservedAt, const core::Replica&) { return std::nullopt; }
  // The healed core's live replicas, once it converged.
  virtual Finding on_core_converged(const std::vector<const core::Replica*>&) {
    return std::nullopt;
  }
  // Every live replica, at quiescence.
  virtual Finding on_quiescent(const std::vector<const core::Replica*>&) { return std::nullopt; }
};

}  // namespace vsrsim::sim
