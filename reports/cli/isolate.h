#pragma once
// Running seeds in forked children, so a replica's assertion (an abort), a crash or a hang in one
// seed never takes the caller down with it, and no seed is ever lost. Each child runs its seed and
// writes the result as one JSON line to a pipe; the parent reads it, or records the abnormal end as
// a `crash` (with the tail of the child's stderr, which holds the assertion) or a `timeout` (after
// the wall-clock limit, when the child is killed).

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "sim/runner.h"

namespace vsrsim::reports {

struct IsolatedRun {
  sim::RunResult result;
  std::string child_stderr;  // What the child printed to stderr (the assertion, if it aborted).
  int child_exit = 0;        // The child's exit status when it exited (not killed).
};

struct PoolOptions {
  std::size_t jobs = 1;
  std::uint64_t timeout_ms = 0;  // 0: no wall-clock limit.
};

// Runs `body(i)` for every i in [0, count) in at most `jobs` children at once, and calls `done(i,
// run)` in the parent as each finishes (in completion order). `options_of(i)` gives the options
// recorded in a result the child could not report itself. `stop` is polled between events; when it
// returns true no new child starts, running children are killed, and RunPool returns.
void RunPool(std::size_t count, const PoolOptions& pool,
             const std::function<sim::RunOptions(std::size_t)>& options_of,
             const std::function<sim::RunResult(std::size_t)>& body,
             const std::function<void(std::size_t, IsolatedRun&&)>& done,
             const std::function<bool()>& stop);

// Wall-clock milliseconds on a monotonic clock: for timeouts and progress at the CLI's edge only,
// never inside a simulation.
std::uint64_t MonotonicMs();

// One run in one child.
IsolatedRun RunIsolated(const sim::RunOptions& options, const std::function<sim::RunResult()>& body,
                        std::uint64_t timeout_ms);

}  // namespace vsrsim::reports
