// `vsrsim inevitable --scenario F`: when did a failing run become doomed? For prefix lengths k
// spread over the run, it plays the scenario exactly to tick k, then forks the random streams and
// varies the remaining faults (faults/fork.h), and counts how many of the variants still fail
// the same way (outcome and checker). Every variant plays in a forked worker; the variants are a
// pure function of (scenario, k, sample), so the chart replays.

#include <fmt/format.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <array>

#include "faults/fork.h"
#include "reports/atomic_file.h"
#include "reports/cli/commands.h"
#include "reports/cli/isolate.h"
#include "reports/cli/scenario_play.h"
#include "reports/cli/stop_signals.h"
#include "reports/html_report.h"

namespace vsrsim::reports {

namespace {

struct Variant {
  std::uint64_t fork_tick = 0;
  std::uint64_t salt = 0;
  faults::Scenario scenario;
};

std::uint64_t SaltOf(std::uint64_t fork_tick, std::uint64_t sample) {
  const std::array<std::uint64_t, 2> words = {fork_tick, sample};
  return XXH3_64bits(words.data(), sizeof(words));
}

// The tick the failure showed at. A replica's abort kills its child before it reports a result,
// but the assertion hook's state header names the tick ("state when the assertion failed (...,
// tick 882)"); without one, the scenario's last fault event stands in.
std::uint64_t FailureTick(const IsolatedRun& run, const faults::Scenario& scenario) {
  if (run.result.ticks != 0) return run.result.ticks;
  const std::string& text = run.child_stderr;
  const std::size_t at = text.find("state when the assertion failed");
  const std::size_t tick = at == std::string::npos ? at : text.find("tick ", at);
  if (tick != std::string::npos) {
    std::uint64_t value = 0;
    std::size_t digit = tick + 5;
    for (; digit < text.size() && text[digit] >= '0' && text[digit] <= '9'; digit++) {
      value = value * 10 + static_cast<std::uint64_t>(text[digit] - '0');
    }
    if (digit > tick + 5) return value;
  }
  return scenario.events.empty() ? 1 : std::max<std::uint64_t>(scenario.events.back().tick, 1);
}

// Writes the failing run's page with the strip: in a child that replays the run with its trace
// kept (a run that aborts takes its trace with it, so then the page has the strip alone).
int WriteHtml(const InevitableArguments& arguments, const faults::Scenario& scenario,
              const std::vector<InevitablePoint>& strip) {
  sim::RunOptions options = scenario.options;
  options.keep_trace = true;
  faults::Scenario traced = scenario;
  traced.options = options;
  const std::string reproduce =
      ScenarioReproduceCommand(arguments.scenario_path, arguments.mutants);
  const IsolatedRun run = RunIsolated(
      options,
      [&] {
        sim::RunResult result = faults::PlayScenario(traced);
        if (!WriteFileAtomically(arguments.html_path, SpaceTimeHtml(result, reproduce, strip))
                 .empty()) {
          std::exit(kExitIo);
        }
        return result;
      },
      kCandidateTimeoutMs);
  if (run.child_exit == kExitIo) {
    fmt::print(stderr, "vsrsim: cannot write {}\n", arguments.html_path);
    return kExitIo;
  }
  if (run.result.outcome == sim::Outcome::kCrash) {
    if (std::string error =
            WriteFileAtomically(arguments.html_path, SpaceTimeHtml(run.result, reproduce, strip));
        !error.empty()) {
      fmt::print(stderr, "vsrsim: {}\n", error);
      return kExitIo;
    }
  }
  fmt::print("wrote {}\n", arguments.html_path);
  return 0;
}

}  // namespace

int InevitableCommand(const InevitableArguments& arguments) {
  int exit_code = 0;
  std::optional<faults::Scenario> scenario =
      LoadScenarioFile(arguments.scenario_path, arguments.mutants, exit_code);
  if (!scenario) return exit_code;
  InstallStopSignals();
  const IsolatedRun target_run = RunIsolated(
      scenario->options, [&] { return faults::PlayScenario(*scenario); }, kCandidateTimeoutMs);
  const sim::RunResult& target = target_run.result;
  if (target.outcome == sim::Outcome::kTimeout) {
    fmt::print(stderr, "vsrsim: {} ran longer than {} ms, so it has no verified failure\n",
               arguments.scenario_path, kCandidateTimeoutMs);
    return sim::ExitCodeOf(sim::Outcome::kTimeout);
  }
  if (target.outcome == sim::Outcome::kPass) {
    fmt::print(stderr,
               "vsrsim: {} passes, so nothing in it became inevitable; give a failing "
               "scenario (one `vsrsim explore` or `vsrsim shrink` wrote)\n",
               arguments.scenario_path);
    return kExitBadData;
  }
  const std::uint64_t end_tick = FailureTick(target_run, *scenario);
  fmt::print("target: {} ({}) at tick {}\n", sim::OutcomeName(target.outcome), target.checker,
             end_tick);
  std::vector<Variant> variants;
  for (std::uint64_t point = 0; point <= arguments.points; point++) {
    // The last fork tick is just after the failure: every variant must fail there (the prefix
    // holds the failure), which proves the forked runs replay their prefix.
    const std::uint64_t fork_tick = (end_tick + 1) * point / arguments.points;
    for (std::uint64_t sample = 0; sample < arguments.samples; sample++) {
      const std::uint64_t salt = SaltOf(fork_tick, sample);
      sim::Prng prng = sim::Prng(salt).Fork("inevitable");
      variants.push_back({fork_tick, salt, faults::VarySuffix(*scenario, fork_tick, prng)});
    }
  }
  std::vector<std::uint8_t> same(variants.size(), 0);
  std::vector<std::uint8_t> unknown(variants.size(), 0);
  std::vector<std::uint8_t> other(variants.size(), 0);
  const std::size_t jobs =
      arguments.jobs != 0 ? arguments.jobs
                          : static_cast<std::size_t>(std::max(1L, ::sysconf(_SC_NPROCESSORS_ONLN)));
  RunPool(
      variants.size(), {.jobs = jobs, .timeout_ms = kCandidateTimeoutMs},
      [&](std::size_t i) { return variants[i].scenario.options; },
      [&, parent = ::getpid()](std::size_t i) {
        DieWithParent(parent);
        return faults::PlayForked(variants[i].scenario, variants[i].fork_tick, variants[i].salt);
      },
      [&](std::size_t i, IsolatedRun&& run) {
        same[i] = run.result.outcome == target.outcome && run.result.checker == target.checker;
        unknown[i] = run.result.outcome == sim::Outcome::kTimeout;
        other[i] = !same[i] && !unknown[i] && run.result.outcome != sim::Outcome::kPass;
      },
      [] { return StopSignal() != 0; });
  if (StopSignal() != 0) {
    fmt::print(stderr, "vsrsim: stopped by {}\n", SignalName(StopSignal()));
    return ExitCodeOfSignal(StopSignal());
  }
  fmt::print("{:>8}  {:>6}  {}\n", "tick", "share", "fails like the target / variants");
  std::optional<std::uint64_t> doomed_from;
  std::vector<InevitablePoint> strip;
  for (std::uint64_t point = 0; point <= arguments.points; point++) {
    std::uint64_t fails = 0;
    std::uint64_t unknowns = 0;
    std::uint64_t others = 0;
    for (std::uint64_t sample = 0; sample < arguments.samples; sample++) {
      fails += same[point * arguments.samples + sample];
      unknowns += unknown[point * arguments.samples + sample];
      others += other[point * arguments.samples + sample];
    }
    const std::uint64_t fork_tick = variants[point * arguments.samples].fork_tick;
    strip.push_back({.tick = fork_tick, .fails = fails, .samples = arguments.samples});
    fmt::print("{:>8}  {:>5.0f}%  {}/{}{}{}\n", fork_tick,
               100.0 * static_cast<double>(fails) / static_cast<double>(arguments.samples), fails,
               arguments.samples, others != 0 ? fmt::format(" ({} fail otherwise)", others) : "",
               unknowns != 0 ? fmt::format(" ({} unknown)", unknowns) : "");
    if (fails == arguments.samples) {
      if (!doomed_from) doomed_from = fork_tick;
    } else {
      doomed_from.reset();
    }
  }
  if (doomed_from) {
    fmt::print(
        "INEVITABLE from tick {}: every variant forked there or later fails like the "
        "target\n",
        *doomed_from);
  } else {
    fmt::print("INEVITABLE never: some variants forked at the last tick still pass\n");
  }
  if (!arguments.html_path.empty()) return WriteHtml(arguments, *scenario, strip);
  return 0;
}

}  // namespace vsrsim::reports
