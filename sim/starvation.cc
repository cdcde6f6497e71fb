#include "sim/starvation.h"

#include <fmt/format.h>

#include "core/assert.h"

namespace vsrsim::sim {

StarvationBounds StarvationChecker::BoundsFor(std::uint32_t view_change_timeout_ticks_max,
                                              std::uint32_t client_retry_ticks_max) {
  return {.stretch_ticks = view_change_timeout_ticks_max,
          .span_ticks = 2 * std::uint64_t{view_change_timeout_ticks_max} + client_retry_ticks_max,
          .tries_max = kTriesMax};
}

StarvationChecker::StarvationChecker(std::size_t replica_count, std::size_t client_count,
                                     const StarvationBounds& bounds)
    : bounds_(bounds), replicas_(replica_count), clients_(client_count) {
  VSRSIM_ASSERT_GT(bounds.tries_max, 0U);
}

void StarvationChecker::on_replica(std::uint64_t tick, std::size_t replica, bool normal_primary,
                                   core::View view) {
  ReplicaState& state = replicas_[replica];
  if (state.normal_primary == normal_primary && state.view == view) return;
  state = {normal_primary, view, tick};
}

bool StarvationChecker::stable_primary(std::uint64_t tick, std::size_t replica) const {
  const ReplicaState& state = replicas_[replica];
  if (!state.normal_primary || tick < state.since_tick + bounds_.stretch_ticks) return false;
  for (const ReplicaState& other : replicas_) {
    if (other.normal_primary && other.view > state.view) return false;
  }
  return true;
}

Finding StarvationChecker::on_client_send(std::uint64_t tick, std::size_t client, core::ClientId id,
                                          std::size_t to, const core::Request& request,
                                          bool link_clear) {
  ClientState& state = clients_[client];
  if (state.session != request.session || state.request != request.request) {
    state = {.session = request.session, .request = request.request};
  }
  if (!faults_off_ || !link_clear || !stable_primary(tick, to)) {
    // A try to a replica that is not the stable primary over a clear link breaks the stretch; a
    // try to another replica (the client rotates) when the primary is stable does not.
    if (state.tries > 0 && to == state.primary) state.tries = 0;
    return std::nullopt;
  }
  if (state.tries == 0 || state.primary != to || state.view != replicas_[to].view) {
    state.tries = 0;
    state.primary = to;
    state.view = replicas_[to].view;
    state.first_tick = tick;
  }
  state.tries++;
  if (state.tries <= bounds_.tries_max || tick < state.first_tick + bounds_.span_ticks) {
    return std::nullopt;
  }
  return Violation{
      Outcome::kLiveness, "starvation",
      fmt::format("client {} tried request {} (session {}) {} times over {} ticks on replica {}, "
                  "the primary normal in view {} since tick {}, over a clear link with the "
                  "faults off, and got neither a reply nor an eviction",
                  core::Raw(id), request.request, request.session, state.tries - 1,
                  tick - state.first_tick, to, state.view, replicas_[to].since_tick)};
}

}  // namespace vsrsim::sim
