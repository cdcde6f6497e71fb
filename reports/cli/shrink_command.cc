// `vsrsim shrink`: turns a failing seed (or scenario) into an explicit scenario and minimises it,
// keeping the same outcome and checker. Every candidate plays in a forked child.

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>

#include "faults/shrink.h"
#include "reports/atomic_file.h"
#include "reports/cli/commands.h"
#include "reports/cli/isolate.h"
#include "reports/cli/scenario_play.h"

namespace vsrsim::reports {

int ShrinkCommand(const ShrinkArguments& arguments) {
  const std::uint64_t started = MonotonicMs();
  std::optional<faults::Scenario> scenario;
  std::string error;
  if (!arguments.scenario_path.empty()) {
    int exit_code = 0;
    scenario = LoadScenarioFile(arguments.scenario_path, arguments.mutants, exit_code);
    if (!scenario) return exit_code;
  } else {
    scenario =
        DumpInChild(ResolveOptions(*arguments.seed, arguments.mutants, arguments.overrides), error);
    if (!scenario) {
      fmt::print(stderr, "vsrsim: {}\n", error);
      return kExitIo;
    }
  }
  const std::uint64_t run_started = MonotonicMs();
  const std::optional<faults::Verdict> target = EvaluateIsolated(*scenario, kCandidateTimeoutMs);
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
        return EvaluateIsolated(
            candidate, limited ? std::clamp<std::uint64_t>(deadline - now, 1, kCandidateTimeoutMs)
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
