#pragma once
// Outside-only checker: the final reads of the client history (history.h), each healed replica's
// whole partition log read directly once the core converged, against what the clients saw:
// - converged replicas agree: every final read is the same log;
// - every acknowledged append's payload sits at its acknowledged offsets;
// - no payload entry appears twice (payloads are unique across a run: a duplicate is a duplicate
//   execution);
// - no entry appears that no client appended (an invocation with that payload).
// It reads nothing but the history. Without final reads (the core did not converge) it checks
// nothing.

#include "sim/checker.h"
#include "sim/history.h"

namespace vsrsim::sim {

Finding CheckFinalReads(const History& history);

}  // namespace vsrsim::sim
