// `vsrsim crashpoints --scenario F [--replica R]`: crash-point enumeration (issue 17,
// faults/crashpoints.h). The scenario is played once to list replica R's storage operations, then
// once per operation and crash mode, R dying exactly there and restarting `--down` ticks later.
// Every run plays in a forked worker (an abort is a finding, not the end of the tool). A run whose
// crash point did not fire means the replay did not follow the first run: the tool says so and
// does not count it as a pass. Failing points are written as scenario files, each replayed once
// more before it is reported, so what is printed as a failure reproduces.

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>

#include "faults/crashpoints.h"
#include "reports/atomic_file.h"
#include "reports/cli/commands.h"
#include "reports/cli/isolate.h"
#include "reports/cli/scenario_play.h"
#include "reports/cli/stop_signals.h"

namespace vsrsim::reports {

namespace {

struct CaseResult {
  sim::Outcome outcome = sim::Outcome::kPass;
  std::string checker;
  std::string message;
  bool fired = false;
};

std::string CaseName(const faults::CrashPointCase& c) {
  return fmt::format("op {} ({}, {})", c.op, sim::StorageOpKindName(c.kind),
                     sim::CrashModeName(c.mode));
}

std::string FileName(std::size_t replica, const faults::CrashPointCase& c) {
  return fmt::format("crashpoint-r{}-op{}-{}.scenario", replica, c.op, sim::CrashModeName(c.mode));
}

}  // namespace

int CrashPointsCommand(const CrashPointsArguments& arguments) {
  std::optional<faults::Scenario> scenario;
  std::string error;
  // What the output names the scenario by.
  const std::string name =
      arguments.seed ? fmt::format("seed {}", *arguments.seed) : arguments.scenario_path;
  if (arguments.seed) {
    scenario = DumpInChild(ResolveOptions(*arguments.seed, arguments.mutants, {}), error);
    if (!scenario) {
      fmt::print(stderr, "vsrsim: {}\n", error);
      return kExitIo;
    }
  } else {
    int exit_code = 0;
    scenario = LoadScenarioFile(arguments.scenario_path, arguments.mutants, exit_code);
    if (!scenario) return exit_code;
  }
  if (arguments.replica >= scenario->options.replica_count) {
    fmt::print(stderr, "vsrsim: --replica {}: {} has replicas 0..{}\n", arguments.replica, name,
               scenario->options.replica_count - 1);
    return kExitUsage;
  }
  OutputFolder report;
  if (!arguments.report_dir.empty()) {
    if (std::string problem =
            report.Prepare(arguments.report_dir, "--report", FolderKind::kCrashPoints);
        !problem.empty()) {
      fmt::print(stderr, "vsrsim: {}\n", problem);
      return kExitIo;
    }
  }
  InstallStopSignals();
  const std::uint64_t started_ms = MonotonicMs();

  // The first run: the scenario as it is, listing the replica's storage operations. It runs in a
  // child too (the plan comes back through a file), so a scenario that aborts is reported, not
  // fatal.
  faults::CrashPointPlan plan;
  {
    const IsolatedRun base = RunIsolated(
        scenario->options,
        [&] {
          plan = faults::PlanCrashPoints(*scenario, arguments.replica);
          return plan.base;
        },
        kCandidateTimeoutMs);
    if (base.result.outcome != sim::Outcome::kPass) {
      fmt::print(stderr,
                 "vsrsim: {} does not pass as it is ({}{}{}); crash points test a passing "
                 "scenario\n",
                 name, sim::OutcomeName(base.result.outcome),
                 base.result.checker.empty() ? "" : ", ", base.result.checker);
      report.Abandon();
      return kExitBadData;
    }
    // The plan itself is computed again here: the child's copy went with it, and the run is a pure
    // function of the scenario (its outcome just matched).
    plan = faults::PlanCrashPoints(*scenario, arguments.replica);
    if (plan.base.fingerprint != base.result.fingerprint) {
      fmt::print(stderr, "vsrsim: {} played twice gave two fingerprints ({:016x}, {:016x})\n", name,
                 base.result.fingerprint, plan.base.fingerprint);
      return sim::ExitCodeOf(sim::Outcome::kNondeterministic);
    }
  }
  std::array<std::uint64_t, sim::kStorageOpKindCount> kinds{};
  for (const sim::StorageOpKind kind : plan.op_kinds) kinds[static_cast<std::size_t>(kind)]++;
  std::string by_kind;
  for (std::size_t k = 0; k < kinds.size(); k++) {
    by_kind += fmt::format("{}{} {}", k == 0 ? "" : ", ",
                           sim::StorageOpKindName(static_cast<sim::StorageOpKind>(k)), kinds[k]);
  }
  fmt::print(
      "replica {}: {} storage operations ({}); ops {}..{} fall in the fault phase: {} crash "
      "points\n",
      arguments.replica, plan.op_kinds.size(), by_kind, plan.first_op,
      plan.heal_op == 0 ? 0 : plan.heal_op - 1, plan.cases.size());
  std::fflush(stdout);

  std::vector<faults::Scenario> cases;
  cases.reserve(plan.cases.size());
  for (const faults::CrashPointCase& c : plan.cases) {
    cases.push_back(faults::WithCrashPoint(*scenario, arguments.replica, c, arguments.down_ticks));
  }
  std::vector<CaseResult> results(cases.size());
  const std::size_t jobs =
      arguments.jobs != 0 ? arguments.jobs
                          : static_cast<std::size_t>(std::max(1L, ::sysconf(_SC_NPROCESSORS_ONLN)));
  RunPool(
      cases.size(), {.jobs = jobs, .timeout_ms = kCandidateTimeoutMs},
      [&](std::size_t i) { return cases[i].options; },
      [&, parent = ::getpid()](std::size_t i) {
        DieWithParent(parent);
        return faults::PlayScenario(cases[i]);
      },
      [&](std::size_t i, IsolatedRun&& run) {
        // A replica that aborts takes the coverage with it; its crash point fired if it got that
        // far, which the abort itself cannot tell: an abort counts as fired (it is a finding).
        results[i] = {.outcome = run.result.outcome,
                      .checker = run.result.checker,
                      .message = run.result.message,
                      .fired = run.result.coverage.crash_points == 1 ||
                               run.result.outcome == sim::Outcome::kCrash};
      },
      [] { return StopSignal() != 0; });
  if (StopSignal() != 0) {
    fmt::print(stderr, "vsrsim: stopped by {}; no result\n", SignalName(StopSignal()));
    report.Abandon();
    return ExitCodeOfSignal(StopSignal());
  }

  std::size_t passed = 0;
  std::size_t not_fired = 0;
  int status = 0;
  nlohmann::json failures = nlohmann::json::array();
  for (std::size_t i = 0; i < cases.size(); i++) {
    const faults::CrashPointCase& c = plan.cases[i];
    const CaseResult& r = results[i];
    if (!r.fired) {
      not_fired++;
      fmt::print("NOT REACHED {}: the replay never got to the operation the first run listed\n",
                 CaseName(c));
      if (status == 0) status = sim::ExitCodeOf(sim::Outcome::kNondeterministic);
      continue;
    }
    if (r.outcome == sim::Outcome::kPass) {
      passed++;
      continue;
    }
    fmt::print("FAIL {}: {} ({}){}{}\n", CaseName(c), sim::OutcomeName(r.outcome), r.checker,
               r.message.empty() ? "" : ": ", r.message);
    nlohmann::json failure = {{"op", c.op},
                              {"kind", sim::StorageOpKindName(c.kind)},
                              {"mode", sim::CrashModeName(c.mode)},
                              {"outcome", sim::OutcomeName(r.outcome)},
                              {"checker", r.checker},
                              {"message", r.message}};
    if (!arguments.report_dir.empty()) {
      const std::string path = report.dir() + "/" + FileName(arguments.replica, c);
      const std::string written = faults::FormatScenario(cases[i]);
      if (std::string problem = WriteFileAtomically(path, written); !problem.empty()) {
        fmt::print(stderr, "vsrsim: {}\n", problem);
        return kExitIo;
      }
      // What is reported must reproduce: the file, parsed back, fails the same way.
      if (const int replayed = ReplayWritten(path, written, {r.outcome, r.checker});
          replayed != 0) {
        return replayed;
      }
      fmt::print("  reproduce: {}\n", ScenarioReproduceCommand(path, arguments.mutants));
      failure["scenario"] = path;
    }
    failures.push_back(failure);
    if (status == 0) status = std::max(1, sim::ExitCodeOf(r.outcome));
  }
  const double seconds = static_cast<double>(MonotonicMs() - started_ms) / 1000.0;
  const std::size_t failed = cases.size() - passed - not_fired;
  if (!arguments.report_dir.empty()) {
    const nlohmann::json summary = {{"scenario", name},
                                    {"replica", arguments.replica},
                                    {"down_ticks", arguments.down_ticks},
                                    {"storage_operations", plan.op_kinds.size()},
                                    {"crash_points", cases.size()},
                                    {"passed", passed},
                                    {"failed", failed},
                                    {"not_reached", not_fired},
                                    {"failures", failures}};
    if (std::string problem =
            WriteFileAtomically(report.dir() + "/crashpoints.json", summary.dump(2) + "\n");
        !problem.empty()) {
      fmt::print(stderr, "vsrsim: {}\n", problem);
      return kExitIo;
    }
  }
  fmt::print("CRASHPOINTS replica={} ops={} points={} pass={} fail={} not_reached={} in {:.1f} s\n",
             arguments.replica, plan.op_kinds.size(), cases.size(), passed, failed, not_fired,
             seconds);
  return status;
}

}  // namespace vsrsim::reports
