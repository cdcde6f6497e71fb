#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>

#include "faults/scenario.h"
#include "faults/swarm_nemesis.h"
#include "reports/atomic_file.h"
#include "reports/cli/commands.h"
#include "reports/cli/isolate.h"
#include "reports/cli/stop_signals.h"
#include "reports/history_jsonl.h"
#include "reports/html_report.h"
#include "reports/run_json.h"
#include "reports/text_trace.h"
#include "sim/cluster.h"
#include "sim/state_table.h"

namespace vsrsim::reports {

sim::RunOptions ResolveOptions(std::uint64_t seed, core::MutantSet mutants,
                               const Overrides& overrides) {
  sim::RunOptions options = faults::DrawOptions(seed, overrides.profile);
  options.mutants = mutants;
  if (overrides.replicas) options.replica_count = static_cast<std::uint8_t>(*overrides.replicas);
  if (overrides.clients) options.client_count = static_cast<std::uint8_t>(*overrides.clients);
  if (overrides.ticks) options.ticks_max = *overrides.ticks;
  if (overrides.unaimed) {
    options.faults.disconnect_after_retransmit = {0, 1};
    options.client_count = static_cast<std::uint8_t>(
        std::min<std::uint32_t>(options.client_count, options.clients_max));
  }
  options.outside_only = overrides.outside_only;
  return options;
}

sim::RunResult PlayRun(const sim::RunOptions& options) {
  faults::SwarmNemesis nemesis;
  return sim::Run(options, &nemesis);
}

std::string ReproduceCommand(std::uint64_t seed, core::MutantSet mutants,
                             const Overrides& overrides) {
  std::string command = fmt::format("vsrsim run --seed {}", seed);
  for (const core::MutantInfo& info : core::kMutants) {
    if (mutants.Has(info.mutant)) command += fmt::format(" --mutant {}", info.name);
  }
  if (overrides.profile == faults::Profile::kNetwork) command += " --profile network";
  if (const std::string flags = OverrideFlags(overrides); !flags.empty()) command += " " + flags;
  return command;
}

std::string OverrideFlags(const Overrides& overrides) {
  std::string flags;
  const auto add = [&](const char* flag, const auto& value) {
    if (value) flags += fmt::format("{}{} {}", flags.empty() ? "" : " ", flag, *value);
  };
  add("--replicas", overrides.replicas);
  add("--clients", overrides.clients);
  add("--ticks", overrides.ticks);
  if (overrides.unaimed) flags += flags.empty() ? "--unaimed" : " --unaimed";
  if (overrides.outside_only) flags += flags.empty() ? "--outside-only" : " --outside-only";
  return flags;
}

std::string ScenarioReproduceCommand(const std::string& path, core::MutantSet mutants) {
  std::string command = fmt::format("vsrsim run --scenario {}", path);
  for (const core::MutantInfo& info : core::kMutants) {
    if (mutants.Has(info.mutant)) command += fmt::format(" --mutant {}", info.name);
  }
  return command;
}

namespace {

// What the assertion hook of a `run` child needs: where the text trace goes, and its filter.
std::string abort_trace_path;
TraceFilter abort_trace_filter;

// Runs in the child when a replica's assertion fails, before the abort: the state table to stderr
// (which the parent prints with the crash) and the trace up to the aborting event to --trace.
void OnAssertionAbort() {
  const sim::Cluster* cluster = sim::RunningCluster();
  if (cluster == nullptr) return;
  fmt::print(stderr, "{}", sim::DescribeState(*cluster, "when the assertion failed"));
  std::fflush(stderr);
  if (abort_trace_path.empty()) return;
  std::string text =
      RenderTextTrace(cluster->trace().kept(), cluster->replica_count(), "", abort_trace_filter);
  text += fmt::format(
      "{:>8}.{:03} ms  ABORT: an assertion failed while the run handled its last event (the "
      "assertion and the state table are on stderr)\n",
      cluster->now().microseconds() / 1000, cluster->now().microseconds() % 1000);
  (void)WriteFileAtomically(abort_trace_path, text);
}

}  // namespace

int RunCommand(const RunArguments& arguments) {
  sim::RunOptions options = ResolveOptions(arguments.seed, arguments.mutants, arguments.overrides);
  std::optional<faults::Scenario> scenario;
  if (!arguments.scenario_path.empty()) {
    std::string text;
    if (const std::string error = ReadFile(arguments.scenario_path, text); !error.empty()) {
      fmt::print(stderr, "vsrsim: {}\n", error);
      return kExitIo;
    }
    std::string error;
    scenario = faults::ParseScenario(arguments.scenario_path, text, error);
    if (!scenario) {
      fmt::print(stderr, "vsrsim: {} (fix the line, or dump a fresh one with --dump-scenario)\n",
                 error);
      return kExitBadData;
    }
    for (const core::MutantInfo& info : core::kMutants) {
      if (arguments.mutants.Has(info.mutant)) scenario->options.mutants.Add(info.mutant);
    }
    scenario->options.outside_only = arguments.overrides.outside_only;
    options = scenario->options;
  }
  TraceFilter trace_filter;
  trace_filter.last = arguments.trace_last;
  if (!arguments.trace_only.empty()) {
    std::string error;
    const auto only =
        ParseProcessList(arguments.trace_only, options.replica_count, options.client_count, error);
    if (!only) {
      fmt::print(stderr, "vsrsim: --trace-only: {}\n", error);
      return kExitUsage;
    }
    trace_filter.only = *only;
  }
  options.keep_trace = !arguments.trace_path.empty() || !arguments.html_path.empty();
  options.keep_history = !arguments.history_path.empty();
  const std::string reproduce =
      scenario ? ScenarioReproduceCommand(arguments.scenario_path, arguments.mutants)
               : ReproduceCommand(arguments.seed, arguments.mutants, arguments.overrides);
  if (!arguments.json) {
    fmt::print("seed = {}\n", options.seed);
    for (const auto& [name, value] : sim::DescribeOptions(options)) {
      fmt::print("  {} = {}\n", name, value);
    }
    std::fflush(stdout);
  }
  // The child is killed and waited for on SIGINT/SIGTERM, so a run never outlives its command.
  InstallStopSignals();
  const int parent = ::getpid();
  std::optional<IsolatedRun> isolated;
  RunPool(
      1, {.jobs = 1, .timeout_ms = arguments.timeout_ms}, [&](std::size_t) { return options; },
      [&](std::size_t) {
        DieWithParent(parent);
        abort_trace_path = arguments.trace_path;
        abort_trace_filter = trace_filter;
        core::AssertHookSlot() = OnAssertionAbort;
        const auto write_or_exit = [](const std::string& path, const std::string& text) {
          if (const std::string error = WriteFileAtomically(path, text); !error.empty()) {
            fmt::print(stderr, "vsrsim: {}\n", error);
            std::fflush(stderr);
            ::_exit(kExitIo);
          }
        };
        sim::RunResult result;
        if (scenario) {
          scenario->options.keep_trace = options.keep_trace;
          scenario->options.keep_history = options.keep_history;
          result = faults::PlayScenario(*scenario);
        } else if (!arguments.dump_scenario_path.empty()) {
          const faults::Scenario dumped = faults::DumpScenario(options, &result);
          write_or_exit(arguments.dump_scenario_path, faults::FormatScenario(dumped));
        } else {
          result = PlayRun(options);
        }
        // Written here, where the records are: only the result crosses back to the parent.
        if (!arguments.trace_path.empty()) {
          write_or_exit(arguments.trace_path,
                        RenderTextTrace(result.records, options.replica_count,
                                        result.outcome == sim::Outcome::kPass
                                            ? ""
                                            : fmt::format("{}: {}", result.checker, result.message),
                                        trace_filter));
        }
        if (!arguments.html_path.empty()) {
          write_or_exit(arguments.html_path, SpaceTimeHtml(result, reproduce));
        }
        if (!arguments.history_path.empty()) {
          write_or_exit(arguments.history_path, HistoryJsonLines(result.history));
        }
        return result;
      },
      [&](std::size_t, IsolatedRun&& run) { isolated = std::move(run); },
      [] { return StopSignal() != 0; });
  if (!isolated) {
    fmt::print(stderr, "vsrsim: stopped by {}; the run was killed before it finished\n",
               SignalName(StopSignal()));
    return ExitCodeOfSignal(StopSignal());
  }
  const IsolatedRun& run = *isolated;
  if (run.child_exit == kExitIo) {
    fmt::print(stderr, "{}", run.child_stderr);
    return kExitIo;
  }
  const sim::RunResult& result = run.result;
  if (result.outcome == sim::Outcome::kCrash) fmt::print(stderr, "{}", run.child_stderr);
  if (!arguments.html_path.empty() && result.outcome == sim::Outcome::kCrash) {
    // The child died before it could write the page: write it here, without the diagram.
    if (const std::string error =
            WriteFileAtomically(arguments.html_path, SpaceTimeHtml(result, reproduce));
        !error.empty()) {
      fmt::print(stderr, "vsrsim: {}\n", error);
      return kExitIo;
    }
    fmt::print(stderr, "vsrsim: the run crashed, so {} has no diagram\n", arguments.html_path);
  }
  if (arguments.json) {
    fmt::print("{}\n", RunJson(result).dump());
  } else if (result.outcome == sim::Outcome::kPass) {
    fmt::print("PASS seed={} fingerprint={:016x} ticks={} events={} requests_committed={}{}{}\n",
               result.options.seed, result.fingerprint, result.ticks, result.events,
               result.requests_committed, result.message.empty() ? "" : " note: ", result.message);
    fmt::print("reproduce: {}\n", reproduce);
  } else {
    fmt::print("FAIL seed={} kind={} checker={}: {}\n", result.options.seed,
               sim::OutcomeName(result.outcome), result.checker, result.message);
    if (!result.state.empty()) fmt::print("{}", result.state);
    fmt::print("reproduce: {}\n", reproduce);
  }
  return sim::ExitCodeOf(result.outcome);
}

int MutantsCommand() {
  fmt::print("{:<30} {:<8} {:<14} {}\n", "mutant", "finding", "caught by", "reviewed behaviour");
  for (const core::MutantInfo& info : core::kMutants) {
    fmt::print("{:<30} ({})      {:<14} {}\n", info.name, info.finding, info.expected_checker,
               info.description);
  }
  return 0;
}

}  // namespace vsrsim::reports
