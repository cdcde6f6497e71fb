#pragma once
// Shrinking a failing scenario to a minimal reproducer (delta debugging, Zeller and Hildebrandt
// 2002, applied greedily to the parts of a scenario): drop fault events (in chunks, then one by
// one), remove clients, replicas and workload requests, switch off the remaining random network
// faults, and shorten the run, keeping each step only while the scenario still fails with the same
// outcome and checker.
//
// The caller decides how a candidate is played (the CLI plays each in a forked child, so a
// candidate that aborts a replica is judged, not fatal). A candidate whose verdict is unknown (it
// ran out of time) is never kept: the result is always a scenario whose failure was seen. Without
// a stop, shrinking is deterministic: the same failing scenario always shrinks to the same result.

#include <cstdint>
#include <functional>
#include <optional>
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
  std::uint64_t unknown = 0;     // Candidates whose verdict was unknown (not kept).
  bool stopped = false;          // The search ended because `stop` said so.
};

// nullopt: the verdict is unknown (the candidate ran out of time).
using Evaluate = std::function<std::optional<Verdict>(const Scenario&)>;

struct ShrinkLimits {
  std::uint64_t candidates_max = 3000;
  std::function<bool()> stop;  // Polled before each candidate; true ends the search. May be empty.
};

// Requires: `target` is the verdict the caller saw `scenario` fail with (not a pass). Returns the
// smallest scenario found whose verdict was `target`, `scenario` itself at worst.
Scenario Shrink(const Scenario& scenario, const Verdict& target, const Evaluate& evaluate,
                const ShrinkLimits& limits, ShrinkStats& stats);

// Size of a scenario, for "before and after".
std::string DescribeSize(const Scenario& scenario);

}  // namespace vsrsim::faults
