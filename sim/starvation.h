#pragma once
// Checker 6b, starvation of dropped retries (liveness): once a primary has been normal for a
// stretch of ticks and a client's link to it is clear, the client's tries of one request to it get
// a reply or an eviction within a bounded number of tries, else a liveness failure naming the
// client and the replica.
//
// What it reads: what the client did and saw (each send of its open request, to which replica,
// first or retransmission; each reply or eviction it acted on), the fault schedule (whether faults
// are off and the link between the client and the replica is neither partitioned, clogged nor
// disconnected, either way, at the send), and one input that is not a client's: which replica is
// the primary of the highest view a live replica is normal in, and since when (the cluster's
// view-normal observation, from replica state). It reads no execution report and no table.
//
// Only tries made while the faults are off (the liveness phase: a calm network, no loss) count,
// since under faults a stable primary may rightly leave a request unanswered: its backups may be
// cut off, so it cannot commit. A try counts when the replica has been that primary, in one view,
// for at least `stretch_ticks` (the longest view-change timeout: by then a healed core has settled
// into the view or left it) and the link is clear; a try that does not count (another primary, a
// blocked link) starts the count again; tries to other replicas (the client rotates its target)
// neither count nor reset. The bound: a stable primary over a calm network answers the first try
// that reaches it, unless its pipeline is full (kPipelineMax ops, committed within a round trip) or
// it is still executing what it knows committed; the client's tries to one replica are at least
// replica_count x client_retry_ticks_min ticks apart. So kTriesMax unanswered tries, spread over
// at least `span_ticks` (two view-change timeouts and a retry period: time for a view change that
// was under way to end, which resets the count), are starvation.

#include <array>
#include <cstdint>
#include <vector>

#include "core/message.h"
#include "core/types.h"
#include "sim/checker.h"
#include "sim/observer.h"

namespace vsrsim::sim {

struct StarvationBounds {
  std::uint64_t stretch_ticks = 0;  // How long the primary must have been normal in its view.
  std::uint64_t span_ticks = 0;     // The least time from the first counted try to a finding.
  std::uint32_t tries_max = 0;      // Unanswered counted tries of one request that are starvation.
};

class StarvationChecker final : public Observer {
 public:
  static constexpr std::uint32_t kTriesMax = 4;

  // The bounds for a run's options: the stretch is the longest view-change timeout.
  static StarvationBounds BoundsFor(std::uint32_t view_change_timeout_ticks_max,
                                    std::uint32_t client_retry_ticks_max);

  StarvationChecker(std::size_t replica_count, std::size_t client_count,
                    const StarvationBounds& bounds);

  std::uint32_t hooks() const override {
    return HookBit(Hook::kClientSent) | HookBit(Hook::kClientAccepted) |
           HookBit(Hook::kClientEvicted) | HookBit(Hook::kReplicaChanged) |
           HookBit(Hook::kReplicaCrashed) | HookBit(Hook::kHealed);
  }
  Finding on_client_sent(ObservedAt at, const ClientSent& sent) override {
    return on_client_send(at.tick, sent.client, sent.id, sent.replica, *sent.request,
                          sent.link_clear);
  }
  Finding on_client_accepted(ObservedAt, std::size_t client, const ClientAccept&) override {
    on_answered(client);
    return std::nullopt;
  }
  Finding on_client_evicted(ObservedAt, std::size_t client, const core::Eviction&) override {
    on_answered(client);
    return std::nullopt;
  }
  // The cluster's view-normal observation, from replica state.
  Finding on_replica_changed(ObservedAt at, const ReplicaChanged& changed) override {
    const core::Replica& replica = *changed.replica;
    on_replica(at.tick, core::Raw(replica.index()),
               replica.status() == core::Status::kNormal && replica.is_primary(), replica.view());
    return std::nullopt;
  }
  Finding on_replica_crashed(ObservedAt, std::size_t replica) override {
    on_crash(replica);
    return std::nullopt;
  }
  Finding on_healed(ObservedAt) override {
    on_heal();
    return std::nullopt;
  }

  // The view-normal observation: `replica` is now (or no longer) primary and normal in `view`.
  void on_replica(std::uint64_t tick, std::size_t replica, bool normal_primary, core::View view);
  void on_crash(std::size_t replica) { replicas_[replica] = {}; }
  // Faults stopped (the liveness phase began).
  void on_heal() { faults_off_ = true; }
  // `client` sent `request` (its open request) to replica `to`; `link_clear`: neither direction of
  // the link is blocked, clogged or disconnected.
  Finding on_client_send(std::uint64_t tick, std::size_t client, core::ClientId id, std::size_t to,
                         const core::Request& request, bool link_clear);
  // The client accepted a reply or acted on an eviction: its open request is answered.
  void on_answered(std::size_t client) { clients_[client] = {}; }

 private:
  struct ReplicaState {
    bool normal_primary = false;
    core::View view = 0;
    std::uint64_t since_tick = 0;
  };
  struct ClientState {
    core::Session session = 0;
    core::RequestNumber request = 0;
    std::uint32_t tries = 0;  // Counted tries of (session, request) to `primary` in `view`.
    std::size_t primary = 0;
    core::View view = 0;
    std::uint64_t first_tick = 0;
  };
  // The replica that is primary in the highest view a live replica is normal in, if it has been for
  // the stretch.
  bool stable_primary(std::uint64_t tick, std::size_t replica) const;

  StarvationBounds bounds_;
  bool faults_off_ = false;
  std::vector<ReplicaState> replicas_;
  std::vector<ClientState> clients_;
};

}  // namespace vsrsim::sim
