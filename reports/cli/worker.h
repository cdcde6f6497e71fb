#pragma once
// The worker side of RunPool (reports/cli/isolate.h): a forked process that runs many items in
// turn. It reads each item's index (8 bytes, native order) from its command pipe, clears its stderr
// file, runs the item, and writes what the item printed to stderr (a stderr record, if anything)
// and the result as one JSON line to its result pipe; it exits when the command pipe ends. Before
// that, it arms a handler for the fatal signals a run can raise itself (SIGABRT from abort() on an
// assertion, SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP): the handler writes a crash record (`!crash
// <signal>`) to the result pipe, then lets the signal kill the worker. A signal sent from another
// process (kill -9, the OOM killer) writes nothing, so the parent can tell the two apart.

#include <cstddef>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "sim/runner.h"

namespace vsrsim::reports {

struct WorkerPipes {
  int command_fd = -1;  // Read end: item indices.
  int result_fd = -1;   // Write end: result lines and crash records.
  int stderr_fd = -1;   // A file (memfd) that becomes the worker's stderr.
};

// Runs the worker loop; never returns.
[[noreturn]] void WorkerMain(const WorkerPipes& pipes,
                             const std::function<sim::RunResult(std::size_t)>& body);

// The whole of a worker's stderr file (a worker's own, or a dead worker's, read by the parent).
std::string ReadStderrFile(int fd);

// The parent's side of the protocol: the items, in order, in one write. Returns false when the
// worker is gone.
bool SendItems(int command_fd, std::span<const std::size_t> items);
// Whether `line` is a stderr record (what the item printed, written just before its result line);
// if so, sets `text` to it.
bool ParseStderrRecord(std::string_view line, std::string& text);
// The signal of a crash record, or nullopt for any other line.
std::optional<int> ParseCrashRecord(std::string_view line);

}  // namespace vsrsim::reports
