// `vsrsim shrink`: turns a failing seed (or scenario) into an explicit scenario and minimises it,
// keeping the same outcome and checker. Every candidate plays in a forked child.

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "faults/shrink.h"
#include "reports/atomic_file.h"
#include "reports/cli/commands.h"
#include "reports/cli/isolate.h"

namespace vsrsim::reports {

namespace {

// Dumps the seed's swarm run as a scenario. The child writes each fault line to a file as it is
// decided, so even a run that aborts a replica leaves its schedule behind.
std::optional<faults::Scenario> DumpInChild(const sim::RunOptions& options, std::string& error) {
  char path[] = "/tmp/vsrsim-dump-XXXXXX";
  const int fd = ::mkstemp(path);
  if (fd < 0) {
    error = "cannot create a temporary file for the dump";
    return std::nullopt;
  }
  ::close(fd);
  RunIsolated(
      options,
      [&]() {
        std::FILE* file = std::fopen(path, "w");
        sim::RunResult result;
        faults::DumpScenario(options, &result, [file](const std::string& line) {
          std::fputs((line + "\n").c_str(), file);
          std::fflush(file);
        });
        std::fclose(file);
        return result;
      },
      60'000);
  std::string lines;
  (void)ReadFile(path, lines);
  std::remove(path);
  // The options, then the core and fault lines the child wrote as the run decided them.
  std::string text;
  for (const auto& [name, value] : sim::DescribeOptions(faults::ScriptedOptions(options))) {
    text += fmt::format("{} = {}\n", name, value);
  }
  return faults::ParseScenario("(dump)", text + lines, error);
}

// A run that could not finish within its time says nothing about the candidate: unknown.
std::optional<faults::Verdict> Evaluate(const faults::Scenario& candidate,
                                        std::uint64_t timeout_ms) {
  const IsolatedRun run = RunIsolated(
      candidate.options, [&] { return faults::PlayScenario(candidate); }, timeout_ms);
  if (run.result.outcome == sim::Outcome::kTimeout) return std::nullopt;
  return faults::Verdict{run.result.outcome, run.result.checker};
}

std::string DescribeVerdict(const std::optional<faults::Verdict>& verdict) {
  if (!verdict) return "unknown (it ran out of time)";
  return fmt::format("{} ({})", sim::OutcomeName(verdict->outcome), verdict->checker);
}

// A candidate's own limit on wall time: a run far longer than the whole failure is not a smaller
// reproducer. The final replay gets the same, never the shrink's deadline.
constexpr std::uint64_t kCandidateTimeoutMs = 20'000;

// Plays the scenario text that was written, parsed back as a user's `run --scenario` would, and
// checks it fails like the target. Returns 0, or the exit code with one line printed.
int ReplayWritten(const std::string& name, const std::string& text, const faults::Verdict& target) {
  std::string error;
  const auto written = faults::ParseScenario(name, text, error);
  if (!written) {
    fmt::print(stderr, "vsrsim: the written scenario does not parse back: {}\n", error);
    return kExitBadData;
  }
  const auto verdict = Evaluate(*written, kCandidateTimeoutMs);
  if (verdict != target) {
    fmt::print(stderr, "vsrsim: {} replays to {}, not to the target {}; do not trust it\n", name,
               DescribeVerdict(verdict), DescribeVerdict(target));
    return sim::ExitCodeOf(sim::Outcome::kNondeterministic);
  }
  fmt::print("verified: {} replays to {}\n", name, DescribeVerdict(verdict));
  return 0;
}

}  // namespace

int ShrinkCommand(const ShrinkArguments& arguments) {
  const std::uint64_t started = MonotonicMs();
  std::optional<faults::Scenario> scenario;
  std::string error;
  if (!arguments.scenario_path.empty()) {
    std::string text;
    if (error = ReadFile(arguments.scenario_path, text); !error.empty()) {
      fmt::print(stderr, "vsrsim: {}\n", error);
      return kExitIo;
    }
    scenario = faults::ParseScenario(arguments.scenario_path, text, error);
    if (!scenario) {
      fmt::print(stderr, "vsrsim: {}\n", error);
      return kExitBadData;
    }
    for (const core::MutantInfo& info : core::kMutants) {
      if (arguments.mutants.Has(info.mutant)) scenario->options.mutants.Add(info.mutant);
    }
  } else {
    scenario =
        DumpInChild(ResolveOptions(*arguments.seed, arguments.mutants, arguments.overrides), error);
    if (!scenario) {
      fmt::print(stderr, "vsrsim: {}\n", error);
      return kExitIo;
    }
  }
  const std::uint64_t run_started = MonotonicMs();
  const std::optional<faults::Verdict> target = Evaluate(*scenario, kCandidateTimeoutMs);
  const std::uint64_t run_ms = MonotonicMs() - run_started;
  if (!target) {
    fmt::print(stderr,
               "vsrsim: the scenario ran longer than {} ms, so there is no verified "
               "failure to shrink\n",
               kCandidateTimeoutMs);
    return sim::ExitCodeOf(sim::Outcome::kTimeout);
  }
  if (target->outcome == sim::Outcome::kPass) {
    fmt::print(stderr, "vsrsim: the run passes, so there is nothing to shrink\n");
    return kExitBadData;
  }
  const bool limited = arguments.time_limit_ms != 0;
  const std::uint64_t deadline = started + arguments.time_limit_ms;
  if (limited && MonotonicMs() >= deadline) {
    fmt::print(stderr,
               "vsrsim: --time-limit-ms {} is shorter than one run of this scenario ({} ms); give "
               "at least {}, or 0 for no limit\n",
               arguments.time_limit_ms, run_ms, 2 * (MonotonicMs() - started) + 1);
    return kExitUsage;
  }
  fmt::print("shrinking a {} failure: {}\n", DescribeVerdict(target),
             faults::DescribeSize(*scenario));
  std::fflush(stdout);
  faults::ShrinkStats stats;
  const faults::ShrinkLimits limits{.candidates_max = arguments.candidates_max,
                                    .stop = [&] { return limited && MonotonicMs() >= deadline; }};
  const faults::Scenario shrunk = faults::Shrink(
      *scenario, *target,
      [&](const faults::Scenario& candidate) {
        const std::uint64_t now = MonotonicMs();
        return Evaluate(candidate,
                        limited ? std::clamp<std::uint64_t>(deadline - now, 1, kCandidateTimeoutMs)
                                : kCandidateTimeoutMs);
      },
      limits, stats);
  fmt::print("before: {}\nafter:  {}\n", faults::DescribeSize(*scenario),
             faults::DescribeSize(shrunk));
  fmt::print("{} candidates played ({} unknown), {} steps kept, {:.1f} s{}\n", stats.candidates,
             stats.unknown, stats.accepted, static_cast<double>(MonotonicMs() - started) / 1000.0,
             stats.stopped ? "; the time limit ended the search, so this is the smallest verified "
                             "failure found so far"
                           : "");
  const std::string text = faults::FormatScenario(shrunk);
  std::string name = "the shrunk scenario";
  if (!arguments.out_path.empty()) {
    if (error = WriteFileAtomically(arguments.out_path, text); !error.empty()) {
      fmt::print(stderr, "vsrsim: {}\n", error);
      return kExitIo;
    }
    name = arguments.out_path;
  } else {
    fmt::print("{}", text);
  }
  std::fflush(stdout);
  std::string written = text;
  if (!arguments.out_path.empty()) {
    written.clear();
    if (error = ReadFile(arguments.out_path, written); !error.empty()) {
      fmt::print(stderr, "vsrsim: {}\n", error);
      return kExitIo;
    }
  }
  if (const int status = ReplayWritten(name, written, *target); status != 0) return status;
  if (!arguments.out_path.empty()) {
    fmt::print("replay: {}\n", ScenarioReproduceCommand(arguments.out_path, arguments.mutants));
  }
  return sim::ExitCodeOf(target->outcome);
}

}  // namespace vsrsim::reports
