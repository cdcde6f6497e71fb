#pragma once
// The runner plays one seed's run in two phases.
// Safety: the nemesis acts every tick until every workload request is answered or the tick budget
// ends; the checkers watch every event.
// Liveness: the nemesis heals a core of at least a view-change quorum; the core must converge (one
// view, one commit, identical clients tables) and every outstanding request must complete within
// `liveness_ticks_max`. A stall is a liveness failure unless the classifier names a legitimate
// cause; then the run passes and its message says which.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "sim/checker.h"
#include "sim/coverage.h"
#include "sim/history.h"
#include "sim/nemesis.h"
#include "sim/options.h"
#include "sim/protocol_coverage.h"
#include "sim/trace.h"

namespace vsrsim::sim {

class Cluster;

struct RunResult {
  RunOptions options;
  Outcome outcome = Outcome::kPass;
  std::string checker;
  std::string message;
  std::uint64_t fingerprint = 0;
  std::uint64_t ticks = 0;
  std::uint64_t events = 0;
  std::uint64_t requests_committed = 0;
  Coverage coverage;
  Signature signature;  // The protocol coverage signature (sim/protocol_coverage.h).
  std::vector<std::uint64_t> checkpoints;
  std::vector<TraceRecord> records;  // Only when options.keep_trace.
  History history;                   // Only when options.keep_history.
  std::string state;  // A failing run's final state (sim/state_table.h); empty when it passed.
};

// `nemesis` may be null: a run with network faults only. `inspect`, if given, sees the cluster at
// the end of the run (tests use it to assert on the history and the replicas).
RunResult Run(const RunOptions& options, Nemesis* nemesis,
              const std::function<void(const Cluster&)>& inspect = {});
// The cluster of the run in progress on this thread, or null: for an assertion hook (core/assert.h)
// to report what it can of a run that aborts. Never read by a run itself.
const Cluster* RunningCluster();

}  // namespace vsrsim::sim
