#pragma once
// Coverage of the protocol, not of lines (issue 15): the signature of a run is a fixed-size bitmap
// of the abstract states and transitions it reached, so a guided search (vsrsim explore) can tell a
// run that went somewhere new from one that repeated the easy states, and a sweep can say how many
// distinct signatures it reached.
//
// What sets a bit (every bit is a fact about the run, never a count):
// - a replica's abstract state after each event it handled: status, view - log_view (0, 1, 2, 3+),
//   pipeline depth (op - commit_max: 0, 1, 2-3, 4+), commit_min < commit_max, a repair
//   outstanding, primary or backup;
// - in a view change: how many DoViewChange messages the replica holds (0..7);
// - a state transfer, a full clients table, an eviction, and a recovering replica whose log_view
//   equals its view (the window of issue 11);
// - a client's send: its retransmissions of that request (0, 1, 2-3, 4+) and whether its link was
//   clear; a reply sent to a client whose last send went over a link that was not clear;
// - a replica's event (crash, restart, status changes, state transfer, repair, and view-change
//   messages delivered to it, by their view against its own: older, own, newer), alone and paired
//   with the replica's previous event ("restarted, then StartViewChange of its own view").
//
// Invariants: the bitmap depends only on what the run did (no pointer, no unordered order); the
// observer never reports a finding and never touches the world, so subscribing to it changes no
// trace and no fingerprint. It reads replica internals (coverage is not a checker).

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/observer.h"

namespace vsrsim::sim {

// 1,024 bits of states, facts and single events, then one per pair of 40 replica events.
inline constexpr std::size_t kSignatureBits = 1024 + 40 * 40;
inline constexpr std::size_t kSignatureWords = kSignatureBits / 64;

// A run's coverage signature.
struct Signature {
  std::array<std::uint64_t, kSignatureWords> words{};

  void set(std::size_t bit) { words[bit / 64] |= std::uint64_t{1} << (bit % 64); }
  bool test(std::size_t bit) const { return ((words[bit / 64] >> (bit % 64)) & 1U) != 0; }
  std::size_t count() const;
  // Bits of `this` that `seen` does not have.
  std::size_t count_new(const Signature& seen) const;
  void merge(const Signature& other);
  // A 64-bit hash (XXH3) of the bitmap: two runs with equal signatures have equal hashes.
  std::uint64_t hash() const;
  // kSignatureWords x 16 hex digits (656), word 0 first; Parse reads it back (false on anything
  // else).
  std::string hex() const;
  static bool Parse(const std::string& text, Signature& signature);
  bool operator==(const Signature&) const = default;
};

class ProtocolCoverage final : public Observer {
 public:
  ProtocolCoverage(std::size_t replica_count, std::size_t client_count);

  std::uint32_t hooks() const override {
    return HookBit(Hook::kReplicaStepped) | HookBit(Hook::kMessageDelivered) |
           HookBit(Hook::kMessageSent) | HookBit(Hook::kClientSent) |
           HookBit(Hook::kClientEvicted) | HookBit(Hook::kReplicaCrashed) |
           HookBit(Hook::kReplicaRestarted) | HookBit(Hook::kExecuted);
  }
  // Sent: only replies (on_message_sent); delivered: only replica-to-replica messages.
  std::uint32_t kinds_sent() const override { return MessageKindBits<core::Reply>(); }
  std::uint32_t kinds_delivered() const override {
    return kAllMessageKinds & ~MessageKindBits<core::Request, core::Reply, core::Eviction>();
  }
  Finding on_replica_stepped(ObservedAt, const core::Replica& replica) override;
  Finding on_message_delivered(ObservedAt, Process to, const core::Message& message) override;
  Finding on_message_sent(ObservedAt, Process from, Process to,
                          const core::Message& message) override;
  Finding on_client_sent(ObservedAt, const ClientSent& sent) override;
  Finding on_client_evicted(ObservedAt, std::size_t client, const core::Eviction&) override;
  Finding on_replica_crashed(ObservedAt, std::size_t replica) override;
  Finding on_replica_restarted(ObservedAt, const core::Replica& replica,
                               const core::Superblock&) override;
  Finding on_executed(ObservedAt, const core::Execution& execution) override;

  const Signature& signature() const { return signature_; }

 private:
  // What the observer remembers of a replica between its events.
  struct ReplicaMemory {
    std::uint8_t last_event = 0xff;  // None yet.
    std::uint8_t status = 0;
    std::uint64_t view = 0;
    bool repair = false;
    std::uint64_t state_transfers = 0;
  };
  void event(std::size_t replica, std::uint8_t event, bool recovering);

  std::size_t replica_count_;
  std::vector<ReplicaMemory> replicas_;
  std::vector<std::uint8_t> client_link_clear_;  // Of each client's latest send.
  Signature signature_;
};

}  // namespace vsrsim::sim
