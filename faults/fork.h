#pragma once
// Forking a run at a tick (issue 15): since a scenario replays exactly, playing it to tick k and
// only then changing what is random (the network's delays and drops, the storage's latencies) and
// what faults remain explores the continuations of one past at the cost of the suffix. `vsrsim
// inevitable` charts, per k, how many continuations of a failing run still fail.
//
// Invariants: up to tick k a forked run is the scenario's run, event for event; the fork itself
// is a pure function of (scenario, k, salt), so every chart replays.

#include <cstdint>

#include "faults/scenario.h"
#include "sim/prng.h"
#include "sim/runner.h"

namespace vsrsim::faults {

// Plays `scenario` (its events as given) and, at the first tick boundary at or after `fork_tick`,
// forks the cluster's random streams by `salt`.
sim::RunResult PlayForked(const Scenario& scenario, std::uint64_t fork_tick, std::uint64_t salt);

// The scenario with its events before `fork_tick` kept as they are and each later one kept with
// a chance of 3 in 4, moved by up to 5 ticks either way (never before `fork_tick`).
Scenario VarySuffix(const Scenario& scenario, std::uint64_t fork_tick, sim::Prng& prng);

}  // namespace vsrsim::faults
