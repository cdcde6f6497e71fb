#pragma once
// Running seeds in long-lived worker processes, so a replica's assertion (an abort), a crash or a
// hang in one seed never takes the caller down with it, and no seed is ever lost.
//
// RunPool forks at most `jobs` workers up front; each runs many items in turn: it reads an item's
// index from its command pipe, runs it, and writes the result as one JSON line to its result pipe.
// The parent hands each idle worker the next item. A worker's stderr goes to a memory file the
// parent reads, cleared before each item, so a result carries only its own item's stderr.
//
// How a worker's end is attributed:
// - it writes a result line: the result (a worker that exits with a nonzero status instead, as a
//   body may to report an I/O error, is `crash` with `child_exit` set);
// - it dies from a fatal signal it raised itself (abort() on an assertion, a fault): its signal
//   handler writes a crash record to the result pipe before the default action kills it, and the
//   item is `crash`, with the last line of its stderr (the assertion) in the message;
// - it runs past the wall-clock limit: the parent kills it, and the item is `timeout`;
// - it dies from a signal it did not raise (SIGKILL from outside, the OOM killer): the item is run
//   once more in a fresh worker, and only if that is killed too is it `killed`.
// A dead worker is replaced while items remain. Items are independent: a body must depend only on
// its index and on state fixed before RunPool was called (workers are forked from that state), and
// a run leaves nothing behind that the next run in the same worker could see (the simulator keeps
// no global state; reports/cli/isolate_test.cc compares a range run in one worker with the same
// seeds run one per process).

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "sim/runner.h"

namespace vsrsim::reports {

struct IsolatedRun {
  sim::RunResult result;
  std::string child_stderr;  // What the item printed to stderr (the assertion, if it aborted).
  int child_exit = 0;        // The worker's exit status when it exited instead of reporting.
};

struct PoolOptions {
  std::size_t jobs = 1;
  std::uint64_t timeout_ms = 0;  // Per item; 0: no wall-clock limit.
};

// Runs `body(i)` for every i in [0, count) in at most `jobs` workers at once, and calls `done(i,
// run)` in the parent as each finishes (in completion order). `options_of(i)` gives the options
// recorded in a result the worker could not report itself. `stop` is polled between events; when
// it returns true no new item starts, the workers are killed, and RunPool returns.
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
