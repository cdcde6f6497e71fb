#pragma once
// Shrinking a failing scenario to a minimal reproducer (delta debugging, Zeller and Hildebrandt
// 2002, applied greedily to the parts of a scenario): drop fault events (in chunks, then one by
// one), remove clients, replicas and workload requests, switch off the remaining random network
// faults, and shorten the run, keeping each step only while the scenario still fails with the same
// outcome and checker.
//
// The caller decides how a candidate is played (the CLI plays each in a forked child, so a
// candidate that aborts a replica is judged, not fatal). Shrinking is deterministic: the same
// failing scenario always shrinks to the same result.

#include <cstdint>
#include <functional>
#include <string>

#include "faults/scenario.h"
#include "sim/checker.h"

namespace vsrsim::faults {

struct Verdict {
  sim::Outcome outcome = sim::Outcome::kPass;
  std::string checker;
  bool operator==(const Verdict&) const = default;
};

struct ShrinkStats {
  std::uint64_t candidates = 0;  // Scenarios played.
  std::uint64_t accepted = 0;    // Steps that kept the failure.
};

// Requires: evaluate(scenario) is the failure to keep (not a pass). Stops after `candidates_max`
// candidates.
Scenario Shrink(const Scenario& scenario, const std::function<Verdict(const Scenario&)>& evaluate,
                std::uint64_t candidates_max, ShrinkStats& stats);

// Size of a scenario, for "before and after".
std::string DescribeSize(const Scenario& scenario);

}  // namespace vsrsim::faults
