#include "faults/shrink.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/assert.h"

namespace vsrsim::faults {

namespace {

class Shrinker {
 public:
  Shrinker(const Scenario& scenario, const Verdict& target, const Evaluate& evaluate,
           const ShrinkLimits& limits, ShrinkStats& stats)
      : best_(scenario), evaluate_(evaluate), limits_(limits), stats_(stats), target_(target) {
    VSRSIM_ASSERT(target_.outcome != sim::Outcome::kPass);
  }

  // Keeps `candidate` if it fails the same way (an unknown verdict does not). Returns whether it
  // was kept. The candidate is first cut to its cluster, so what is kept is what a file holds.
  bool attempt(const Scenario& proposed) {
    if (stats_.stopped || stats_.candidates >= limits_.candidates_max) return false;
    const Scenario candidate = WithinCluster(proposed);
    if (FormatScenario(candidate) == FormatScenario(best_)) return false;  // No change: no step.
    if (limits_.stop && limits_.stop()) {
      stats_.stopped = true;
      return false;
    }
    stats_.candidates++;
    const std::optional<Verdict> verdict = evaluate_(candidate);
    if (!verdict) {
      stats_.unknown++;
      return false;
    }
    if (*verdict != target_) return false;
    best_ = candidate;
    stats_.accepted++;
    return true;
  }

  // ddmin over the fault events: at chunk sizes halving down to one event, first try keeping one
  // chunk alone (a failure often needs one fault, not the whole schedule), then removing one chunk.
  void shrink_events() {
    for (std::size_t chunk = std::max<std::size_t>(1, best_.events.size() / 2); chunk >= 1;
         chunk /= 2) {
      for (std::size_t start = 0; start < best_.events.size() && chunk < best_.events.size();
           start += chunk) {
        Scenario candidate = best_;
        const std::size_t end = std::min(start + chunk, candidate.events.size());
        candidate.events.assign(best_.events.begin() + static_cast<std::ptrdiff_t>(start),
                                best_.events.begin() + static_cast<std::ptrdiff_t>(end));
        if (attempt(candidate)) break;
      }
      for (std::size_t start = 0; start < best_.events.size();) {
        Scenario candidate = best_;
        const std::size_t end = std::min(start + chunk, candidate.events.size());
        candidate.events.erase(candidate.events.begin() + static_cast<std::ptrdiff_t>(start),
                               candidate.events.begin() + static_cast<std::ptrdiff_t>(end));
        if (!attempt(candidate)) start += chunk;
      }
      if (chunk == 1) break;
    }
  }

  // Tries smaller values of one numeric option: the minimum, then halving, then minus one.
  template <typename T, typename Get>
  void shrink_number(Get get, T minimum) {
    while (get(best_) > minimum) {
      const T current = get(best_);
      bool kept = false;
      for (const T value : {minimum, static_cast<T>(minimum + (current - minimum) / 2),
                            static_cast<T>(current - 1)}) {
        if (value >= current) continue;
        Scenario candidate = best_;
        get(candidate) = value;
        if (attempt(candidate)) {
          kept = true;
          break;
        }
      }
      if (!kept) return;
    }
  }

  // Shorter faults: halve each event's duration while the failure stays.
  void shrink_durations() {
    for (std::size_t i = 0; i < best_.events.size(); i++) {
      while (best_.events[i].ticks > 1) {
        Scenario candidate = best_;
        candidate.events[i].ticks /= 2;
        if (!attempt(candidate)) break;
      }
    }
  }

  void simplify_network() {
    const auto off = [this](auto set) {
      Scenario candidate = best_;
      set(candidate.options);
      attempt(candidate);
    };
    off([](sim::RunOptions& o) { o.network.loss = {0, 1}; });
    off([](sim::RunOptions& o) { o.network.duplicate = {0, 1}; });
    off([](sim::RunOptions& o) { o.network.delay_tail = {0, 1}; });
    off([](sim::RunOptions& o) { o.faults.disconnect_after_retransmit = {0, 1}; });
    off([](sim::RunOptions& o) { o.faults.drift_ppm_max = 0; });
    off([](sim::RunOptions& o) { o.faults.torn_write = {0, 1}; });
  }

  // Fewer clients together with a smaller table, so an eviction can still happen among them.
  void shrink_clients_with_table() {
    for (std::uint8_t clients = 1; clients < best_.options.client_count; clients++) {
      Scenario candidate = best_;
      candidate.options.client_count = clients;
      candidate.options.clients_max = std::max<std::uint32_t>(1, clients - 1U);
      if (attempt(candidate)) return;
    }
  }

  Scenario run() {
    // Repeat the passes while any of them made progress: a smaller cluster may let more events go.
    for (std::uint64_t accepted = ~0ULL; accepted != stats_.accepted && !stats_.stopped;) {
      accepted = stats_.accepted;
      shrink_events();
      shrink_number<std::uint8_t>(
          [](Scenario& s) -> std::uint8_t& { return s.options.client_count; }, 1);
      shrink_clients_with_table();
      shrink_number<std::uint32_t>(
          [](Scenario& s) -> std::uint32_t& { return s.options.requests_per_client; }, 1);
      shrink_number<std::uint32_t>(
          [](Scenario& s) -> std::uint32_t& { return s.options.clients_max; }, 1);
      shrink_number<std::uint8_t>(
          [](Scenario& s) -> std::uint8_t& { return s.options.replica_count; }, 1);
      shrink_number<std::uint64_t>(
          [](Scenario& s) -> std::uint64_t& { return s.options.ticks_max; }, 1);
      shrink_durations();
      simplify_network();
    }
    return best_;
  }

 private:
  Scenario best_;
  const Evaluate& evaluate_;
  const ShrinkLimits& limits_;
  ShrinkStats& stats_;
  Verdict target_;
};

}  // namespace

Scenario Shrink(const Scenario& scenario, const Verdict& target, const Evaluate& evaluate,
                const ShrinkLimits& limits, ShrinkStats& stats) {
  return Shrinker(scenario, target, evaluate, limits, stats).run();
}

std::string DescribeSize(const Scenario& s) {
  return fmt::format("{} fault events, {} replicas, {} clients, {} requests per client, {} ticks",
                     s.events.size(), s.options.replica_count, s.options.client_count,
                     s.options.requests_per_client, s.options.ticks_max);
}

}  // namespace vsrsim::faults
