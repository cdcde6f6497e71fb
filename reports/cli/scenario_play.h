#pragma once
// Playing scenarios in forked children, for the commands that search over them (shrink, explore,
// inevitable): a candidate that aborts a replica is judged, never fatal to the command, and a
// written scenario is read back and replayed before anyone is told it fails.

#include <cstdint>
#include <optional>
#include <string>

#include "core/mutants.h"
#include "faults/scenario.h"
#include "faults/shrink.h"
#include "sim/options.h"

namespace vsrsim::reports {

// A candidate's own limit on wall time: a run far longer than the whole failure is not a smaller
// reproducer. The final replay gets the same.
inline constexpr std::uint64_t kCandidateTimeoutMs = 20'000;

// Plays `candidate` in a forked child. nullopt: the verdict is unknown (it ran out of time).
std::optional<faults::Verdict> EvaluateIsolated(const faults::Scenario& candidate,
                                                std::uint64_t timeout_ms);
std::string DescribeVerdict(const std::optional<faults::Verdict>& verdict);

// Reads and parses a scenario file and puts `mutants` into its options. On failure prints one line
// (the file and line, or why it cannot be read), sets `exit_code` (kExitIo, kExitBadData) and
// returns nullopt.
std::optional<faults::Scenario> LoadScenarioFile(const std::string& path, core::MutantSet mutants,
                                                 int& exit_code);

// Dumps the seed's swarm run as a scenario, in a child that writes each fault line to a file as it
// is decided, so even a run that aborts a replica leaves its schedule behind.
std::optional<faults::Scenario> DumpInChild(const sim::RunOptions& options, std::string& error);
// What a worker calls to dump a swarm run into `path` (one fault or core line at a time).
sim::RunResult DumpToFile(const sim::RunOptions& options, const std::string& path);
// Reads what DumpToFile wrote into a scenario with the options of `options`.
std::optional<faults::Scenario> ReadDump(const sim::RunOptions& options, const std::string& path,
                                         std::string& error);

// Plays the scenario text that was written, parsed back as a user's `run --scenario` would, and
// checks it fails like the target. Returns 0 (and prints `verified: NAME replays to ...`), or the
// exit code with one line printed.
int ReplayWritten(const std::string& name, const std::string& text, const faults::Verdict& target);

}  // namespace vsrsim::reports
