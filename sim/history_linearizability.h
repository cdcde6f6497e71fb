#pragma once
// Outside-only checker: linearizability of the client history (history.h) by search, against a
// sequential partition-log model. It reads nothing but the history: no execution reports, no
// replica state.
//
// The model: a log of u64 entries, empty at first. append(payload) adds the payload at the next
// offsets and returns (first offset, count); read(offset, max) returns entries[offset,
// offset + max) that exist. A final read is a read of the whole log, invoked after every other
// operation completed (each healed replica's log, read directly at the end).
//
// The search is Wing and Gong's (1993) with Lowe's memoisation (2017), as in Knossos and
// Porcupine: walk the calls and returns in history order; try to linearise each pending call
// whose model step matches its result; at a return whose call is not linearised yet, backtrack.
// A configuration (the set of linearised operations, the model state as the log's
// length and a hash of its entries) seen once is never explored again. An `info` operation may
// take effect at any point after its invocation, or never: it has no return, so nothing forces it
// in, and the search succeeds once every `ok` operation is linearised. An info read constrains
// nothing and changes nothing, so it is left out; registrations do not touch the log and are left
// out too.
//
// Budget: at most `steps_max` search steps (each a model step tried or a backtrack). A history
// that needs more ends with the outcome `unknown` (Outcome::kUnknown): reported like a finding,
// never a pass. The workload keeps histories small (~20 operations per client, one open per
// client), so the correct core's histories take a few steps per operation.

#include <cstdint>

#include "sim/checker.h"
#include "sim/history.h"

namespace vsrsim::sim {

struct LinearizabilitySearch {
  Finding finding;          // A violation, `unknown` when the budget ran out, or none.
  std::uint64_t steps = 0;  // Search steps taken.
};

inline constexpr std::uint64_t kSearchStepsMax = 2'000'000;

LinearizabilitySearch CheckLinearizable(const History& history,
                                        std::uint64_t steps_max = kSearchStepsMax);

}  // namespace vsrsim::sim
