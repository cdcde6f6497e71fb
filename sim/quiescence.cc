#include "sim/quiescence.h"

#include <fmt/format.h>

#include <algorithm>
#include <variant>

#include "core/replica.h"

namespace vsrsim::sim {

void QuiescenceChecker::watch(const std::vector<std::size_t>& core, std::size_t primary,
                              std::uint64_t window_ticks, std::uint64_t drift_ppm_max) {
  const std::size_t replicas = *std::max_element(core.begin(), core.end()) + 1;
  in_core_.assign(replicas, 0);
  for (const std::size_t r : core) in_core_[r] = 1;
  heartbeats_.assign(replicas, 0);
  primary_ = primary;
  // The primary's clock runs at most drift_ppm_max fast, and the window's ends cut at most one
  // heartbeat period each.
  const std::uint64_t heartbeat_ticks = core::ReplicaOptions{}.heartbeat_ticks;
  const std::uint64_t primary_ticks = window_ticks + window_ticks * drift_ppm_max / 1'000'000 + 1;
  heartbeats_max_ = primary_ticks / heartbeat_ticks + 2;
  others_ = 0;
  first_other_.clear();
  watching_ = true;
}

void QuiescenceChecker::on_send(Process from, Process to, const core::Message& message) {
  if (!watching_ || !in_core(from) || !in_core(to)) return;
  if (from == primary_ && std::holds_alternative<core::Commit>(message)) {
    heartbeats_[to]++;
    return;
  }
  if (others_++ == 0) {
    first_other_ =
        fmt::format("replica {} sent replica {} a {}", from, to, core::MessageName(message));
  }
}

Finding QuiescenceChecker::finish() {
  watching_ = false;
  if (others_ > 0) {
    return Violation{Outcome::kLiveness, "quiescence",
                     fmt::format("efficiency bound: the converged, idle core sent {} message(s) "
                                 "besides the primary's heartbeats (first: {})",
                                 others_, first_other_)};
  }
  for (std::size_t r = 0; r < heartbeats_.size(); r++) {
    if (heartbeats_[r] > heartbeats_max_) {
      return Violation{Outcome::kLiveness, "quiescence",
                       fmt::format("efficiency bound: the idle primary {} sent replica {} {} "
                                   "heartbeats in the window, more than its period allows ({})",
                                   primary_, r, heartbeats_[r], heartbeats_max_)};
    }
  }
  return std::nullopt;
}

}  // namespace vsrsim::sim
