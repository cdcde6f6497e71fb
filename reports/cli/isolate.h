#pragma once
// Running one seed in a forked child, so a replica's assertion (an abort), a crash or a hang in
// that seed never takes the caller down with it. The child runs the seed and writes its result as
// one JSON line to a pipe; the parent reads it, or records the abnormal end as a `crash` (with the
// tail of the child's stderr, which holds the assertion) or a `timeout` (after the wall-clock
// limit).

#include <cstdint>
#include <functional>
#include <string>

#include "sim/runner.h"

namespace vsrsim::reports {

struct IsolatedRun {
  sim::RunResult result;
  std::string child_stderr;  // What the child printed to stderr (the assertion, if it aborted).
  int child_exit = 0;        // The child's exit status when it exited (not killed).
};

// `body` runs in the child and returns the result. `timeout_ms` 0 means no wall-clock limit.
IsolatedRun RunIsolated(const sim::RunOptions& options, const std::function<sim::RunResult()>& body,
                        std::uint64_t timeout_ms);

}  // namespace vsrsim::reports
