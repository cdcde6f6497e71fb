#include "faults/fork.h"

#include <algorithm>

namespace vsrsim::faults {

sim::RunResult PlayForked(const Scenario& scenario, std::uint64_t fork_tick, std::uint64_t salt) {
  Scenario forked = scenario;
  forked.fork = ScenarioFork{.tick = fork_tick, .salt = salt};
  return PlayScenario(forked);
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
