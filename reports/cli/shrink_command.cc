// `vsrsim shrink`: turns a failing seed (or scenario) into an explicit scenario and minimises it,
// keeping the same outcome and checker. Every candidate plays in a forked child.

#include <fmt/format.h>
#include <unistd.h>

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
  faults::Scenario empty{.options = faults::ScriptedOptions(options), .events = {}, .core = {}};
  return faults::ParseScenario("(dump)", faults::FormatScenario(empty) + lines, error);
}

}  // namespace

int ShrinkCommand(const ShrinkArguments& arguments) {
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
  const std::uint64_t deadline = MonotonicMs() + arguments.time_limit_ms;
  const auto evaluate = [&](const faults::Scenario& candidate) -> faults::Verdict {
    if (MonotonicMs() > deadline) return {};  // Out of time: no candidate is kept any more.
    const IsolatedRun run = RunIsolated(
        candidate.options, [&] { return faults::PlayScenario(candidate); }, 20'000);
    return {run.result.outcome, run.result.checker};
  };
  const faults::Verdict verdict = evaluate(*scenario);
  if (verdict.outcome == sim::Outcome::kPass) {
    fmt::print(stderr, "vsrsim: the run passes, so there is nothing to shrink\n");
    return kExitBadData;
  }
  fmt::print("shrinking a {} failure ({}): {}\n", sim::OutcomeName(verdict.outcome),
             verdict.checker, faults::DescribeSize(*scenario));
  std::fflush(stdout);
  const std::uint64_t started = MonotonicMs();
  faults::ShrinkStats stats;
  const faults::Scenario shrunk =
      faults::Shrink(*scenario, evaluate, arguments.candidates_max, stats);
  const faults::Verdict final_verdict = evaluate(shrunk);
  fmt::print("before: {}\nafter:  {}\n", faults::DescribeSize(*scenario),
             faults::DescribeSize(shrunk));
  fmt::print("{} candidates played, {} steps kept, {:.1f} s; the result fails with {} ({})\n",
             stats.candidates, stats.accepted,
             static_cast<double>(MonotonicMs() - started) / 1000.0,
             sim::OutcomeName(final_verdict.outcome), final_verdict.checker);
  if (!arguments.out_path.empty()) {
    if (error = WriteFileAtomically(arguments.out_path, faults::FormatScenario(shrunk));
        !error.empty()) {
      fmt::print(stderr, "vsrsim: {}\n", error);
      return kExitIo;
    }
    fmt::print("replay: vsrsim run --scenario {}\n", arguments.out_path);
  } else {
    fmt::print("{}", faults::FormatScenario(shrunk));
  }
  return sim::ExitCodeOf(final_verdict.outcome);
}

}  // namespace vsrsim::reports
