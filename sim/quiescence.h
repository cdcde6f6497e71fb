#pragma once
// Quiescence, an efficiency bound (issue 14), a wire oracle: once the healed core has converged
// and every client is done, nothing is left to do, and VR's only traffic is the primary's Commit
// heartbeat to each backup, one per heartbeat period. Watched over a window after a settling time
// (so messages still in flight, and the answers they draw, are over), the core's replicas send one
// another nothing else, and the primary no more heartbeats than its period allows (with the
// clock drift's margin).
//
// It judges no safety and no client-visible liveness: a core that chatters while idle (a heartbeat
// every tick, repairs asked for with nothing missing, retransmissions of committed prepares)
// wastes messages but serves its clients. It is labelled an efficiency bound (outcome liveness,
// checker "quiescence"), and it reads only the wire: sender, addressee and kind of each message.

#include <cstdint>
#include <vector>

#include "core/message.h"
#include "sim/checker.h"
#include "sim/network.h"
#include "sim/observer.h"

namespace vsrsim::sim {

class QuiescenceChecker final : public Observer {
 public:
  std::uint32_t hooks() const override { return HookBit(Hook::kMessageSent); }
  // Sends matter only while watching (the cluster subscribes it again when the watch starts).
  std::uint32_t kinds_sent() const override { return watching_ ? kAllMessageKinds : 0; }
  Finding on_message_sent(ObservedAt, Process from, Process to,
                          const core::Message& message) override {
    if (watching_) on_send(from, to, message);
    return std::nullopt;
  }

  // Starts watching the `core` replicas, whose primary is `primary`, for `window_ticks` ticks of
  // the primary's clock at most `drift_ppm_max` parts per million fast.
  void watch(const std::vector<std::size_t>& core, std::size_t primary, std::uint64_t window_ticks,
             std::uint64_t drift_ppm_max);
  bool watching() const { return watching_; }
  // Every message any process sends while watching.
  void on_send(Process from, Process to, const core::Message& message);
  // The verdict at the end of the window; stops watching.
  Finding finish();

 private:
  bool in_core(Process process) const {
    return process < in_core_.size() && in_core_[process] != 0;
  }

  bool watching_ = false;
  std::vector<std::uint8_t> in_core_;
  std::size_t primary_ = 0;
  std::uint64_t heartbeats_max_ = 0;       // Per backup, over the window.
  std::vector<std::uint64_t> heartbeats_;  // Per replica: Commits the primary sent it.
  std::uint64_t others_ = 0;               // Other messages between core replicas.
  std::string first_other_;                // The first of them, for the finding.
};

}  // namespace vsrsim::sim
