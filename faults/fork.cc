#include "faults/fork.h"

#include <algorithm>

#include "sim/cluster.h"

namespace vsrsim::faults {

namespace {

// The scenario's schedule, with the streams forked once the run reaches the fork tick.
class ForkingNemesis final : public sim::Nemesis {
 public:
  ForkingNemesis(const Scenario& scenario, std::uint64_t fork_tick, std::uint64_t salt)
      : scripted_(scenario), fork_tick_(fork_tick), salt_(salt) {}
  void on_tick(sim::Cluster& cluster) override {
    if (!forked_ && cluster.ticks() >= fork_tick_) {
      cluster.fork_streams(salt_);
      forked_ = true;
    }
    scripted_.on_tick(cluster);
  }
  std::vector<std::size_t> heal(sim::Cluster& cluster) override { return scripted_.heal(cluster); }

 private:
  ScriptedNemesis scripted_;
  std::uint64_t fork_tick_;
  std::uint64_t salt_;
  bool forked_ = false;
};

}  // namespace

sim::RunResult PlayForked(const Scenario& scenario, std::uint64_t fork_tick, std::uint64_t salt) {
  Scenario played = scenario;
  played.options = ScriptedOptions(scenario.options);
  ForkingNemesis nemesis(played, fork_tick, salt);
  return sim::Run(played.options, &nemesis);
}

Scenario VarySuffix(const Scenario& scenario, std::uint64_t fork_tick, sim::Prng& prng) {
  Scenario varied = scenario;
  varied.events.clear();
  for (const FaultEvent& event : scenario.events) {
    if (event.tick < fork_tick) {
      varied.events.push_back(event);
      continue;
    }
    if (prng.Below(4) == 0) continue;
    FaultEvent moved = event;
    const std::uint64_t shift = prng.Below(11);
    moved.tick = std::max(fork_tick, moved.tick + shift >= 5 ? moved.tick + shift - 5 : 0);
    varied.events.push_back(moved);
  }
  std::stable_sort(varied.events.begin(), varied.events.end(),
                   [](const FaultEvent& a, const FaultEvent& b) { return a.tick < b.tick; });
  return varied;
}

}  // namespace vsrsim::faults
