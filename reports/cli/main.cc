// vsrsim: the command line. Parses arguments with CLI11 and hands each subcommand to its function
// in commands.h. A usage error prints one line naming the flag and exits 64.

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <limits>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "reports/cli/commands.h"
#include "reports/cli/seed.h"
#include "sim/options.h"
#include "sim/process_heap.h"

namespace {

using vsrsim::reports::kExitUsage;

// Converts --mutant names, or throws CLI11's validation error naming the bad one.
vsrsim::core::MutantSet ParseMutants(const std::vector<std::string>& names) {
  vsrsim::core::MutantSet set;
  for (const std::string& name : names) {
    const auto mutant = vsrsim::core::MutantByName(name);
    if (!mutant) {
      throw CLI::ValidationError("--mutant",
                                 fmt::format("unknown mutant '{}' (see 'vsrsim mutants')", name));
    }
    set.Add(*mutant);
  }
  return set;
}

std::uint64_t SeedOrThrow(const std::string& text, const std::string& flag) {
  const auto seed = vsrsim::reports::ParseSeed(text);
  if (!seed) {
    throw CLI::ValidationError(flag,
                               fmt::format("'{}' is not a seed: give a decimal number, 16 hex "
                                           "digits, or a 40-hex commit",
                                           text));
  }
  return *seed;
}

// The range of a run option, from the one table seed and scenario files are checked against.
CLI::Range RangeOf(std::string_view option) {
  const auto range = vsrsim::sim::RangeOf(option);
  return CLI::Range(range->min, range->max);
}

// The overrides of drawn options; none of them combines with `--scenario` (a scenario fixes
// every option), so each is refused next to it rather than silently ignored.
void AddOverrides(CLI::App& command, vsrsim::reports::Overrides& overrides, std::string& profile,
                  CLI::Option* scenario) {
  std::vector<CLI::Option*> added = {
      command
          .add_option("--replicas", overrides.replicas,
                      "Override the drawn replica count (replica_count)")
          ->check(RangeOf("replica_count")),
      command
          .add_option("--clients", overrides.clients,
                      "Override the drawn client count (client_count)")
          ->check(RangeOf("client_count")),
      command.add_option("--ticks", overrides.ticks, "Override the safety phase's tick budget")
          ->check(RangeOf("ticks_max")),
      command.add_option("--profile", profile, "Fault profile: full (default) or network")
          ->check(CLI::IsMember({"full", "network"})),
      command.add_flag("--unaimed", overrides.unaimed,
                       "Switch off the fault knobs aimed at review findings (disconnect after "
                       "retransmit; more clients than clients_max)")};
  command.add_flag("--outside-only", overrides.outside_only,
                   "Judge with the outside-only checkers alone (white-box findings ignored)");
  if (scenario == nullptr) return;
  for (CLI::Option* option : added) option->excludes(scenario);
}

// Wall-clock limits: 0 (none) up to a day, so no deadline arithmetic can wrap.
constexpr std::uint64_t kWallLimitMsMax = 86'400'000;

// Parses --check-determinism: a number in [0, 1] (nan and infinities refused).
std::uint32_t PerMilleOrThrow(const std::string& text) {
  std::size_t end = 0;
  double value = -1;
  try {
    value = std::stod(text, &end);
  } catch (const std::exception&) {
    end = 0;
  }
  if (end != text.size() || !(value >= 0.0 && value <= 1.0)) {
    throw CLI::ValidationError(
        "--check-determinism",
        fmt::format("'{}' is not a share: give a number from 0 to 1 (0.05 re-runs 5 %)", text));
  }
  return static_cast<std::uint32_t>(value * 1000 + 0.5);
}

// Parses "A..B" (both ends included).
std::pair<std::uint64_t, std::uint64_t> ParseRange(const std::string& text) {
  const auto dots = text.find("..");
  const auto fail = [&]() {
    return CLI::ValidationError("--seeds",
                                fmt::format("'{}' is not a range: write A..B with A <= B", text));
  };
  if (dots == std::string::npos) throw fail();
  const auto first = vsrsim::reports::ParseSeed(text.substr(0, dots));
  const auto last = vsrsim::reports::ParseSeed(text.substr(dots + 2));
  if (!first || !last || *first > *last) throw fail();
  return {*first, *last};
}

// Parses "I/N", "auto/N" or "auto" (index from JOB_COMPLETION_INDEX, a Kubernetes Indexed Job, or
// SLURM_ARRAY_TASK_ID, a Slurm job array; count from SLURM_ARRAY_TASK_COUNT or VSRSIM_SHARDS).
std::pair<std::uint32_t, std::uint32_t> ParseShard(const std::string& text) {
  const auto fail = [&](const std::string& why) {
    return CLI::ValidationError("--shard", fmt::format("'{}': {}", text, why));
  };
  const auto number = [&](const char* value, const char* what) -> std::uint32_t {
    if (value == nullptr) throw fail(fmt::format("{} is not set", what));
    const auto parsed = vsrsim::reports::ParseSeed(value);
    if (!parsed || *parsed > 1'000'000)
      throw fail(fmt::format("{}='{}' is not a number", what, value));
    return static_cast<std::uint32_t>(*parsed);
  };
  const auto slash = text.find('/');
  const std::string index_text = text.substr(0, slash);
  std::uint32_t count = 0;
  if (slash != std::string::npos) {
    count = number(text.substr(slash + 1).c_str(), "the shard count");
  } else if (index_text == "auto") {
    const char* slurm_count = std::getenv("SLURM_ARRAY_TASK_COUNT");
    count = number(slurm_count != nullptr ? slurm_count : std::getenv("VSRSIM_SHARDS"),
                   "SLURM_ARRAY_TASK_COUNT or VSRSIM_SHARDS");
  } else {
    throw fail("write I/N, auto/N or auto");
  }
  std::uint32_t index = 0;
  if (index_text == "auto") {
    const char* k8s = std::getenv("JOB_COMPLETION_INDEX");
    index = number(k8s != nullptr ? k8s : std::getenv("SLURM_ARRAY_TASK_ID"),
                   "JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID");
  } else {
    index = number(index_text.c_str(), "the shard index");
  }
  if (count == 0 || index >= count)
    throw fail("the index must be below the count, and the count above 0");
  return {index, count};
}

}  // namespace

int main(int argc, char** argv) {
  // A sweep worker plays many seeds in one process: let each reuse the heap of the last.
  vsrsim::sim::RetainFreedHeap();
  CLI::App app{"vsrsim: deterministic simulation testing of a VSR core and its clients table"};
  app.require_subcommand(1);

  vsrsim::reports::RunArguments run;
  std::string run_seed;
  std::vector<std::string> run_mutants;
  std::string run_profile = "full";
  CLI::App* run_command = app.add_subcommand("run", "Play one seed and check it");
  auto* seed_option = run_command->add_option("--seed", run_seed,
                                              "Seed: decimal, 16 hex digits, or a 40-hex commit");
  auto* scenario_option = run_command->add_option("--scenario", run.scenario_path,
                                                  "Play an explicit scenario file instead");
  seed_option->excludes(scenario_option);
  run_command
      ->add_option("--dump-scenario", run.dump_scenario_path,
                   "Write the run as an explicit scenario to FILE")
      ->excludes(scenario_option);
  run_command->add_option("--mutant", run_mutants, "Put a reviewed defect back (repeatable)");
  run_command->add_flag("--json", run.json, "Print the result as one JSON object");
  auto* trace_option =
      run_command->add_option("--trace", run.trace_path, "Write a readable text trace to FILE");
  run_command
      ->add_option("--trace-only", run.trace_only,
                   "Trace only records involving these processes, e.g. r0,c3")
      ->needs(trace_option);
  run_command
      ->add_option("--trace-last", run.trace_last,
                   "Trace only the last N records (before the end or the violation)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{100'000'000}))
      ->needs(trace_option);
  run_command->add_option("--html", run.html_path,
                          "Write the run as a space-time diagram (one HTML page) to FILE");
  run_command->add_option("--history", run.history_path,
                          "Write the client history (JSON Lines, see README) to FILE");
  run_command
      ->add_option("--timeout-ms", run.timeout_ms,
                   "Wall-clock limit on the run (default 60000; 0: none; at most 86400000)")
      ->check(CLI::Range(std::uint64_t{0}, kWallLimitMsMax));
  AddOverrides(*run_command, run.overrides, run_profile, scenario_option);

  vsrsim::reports::SweepArguments sweep;
  std::string sweep_seeds;
  std::optional<std::uint64_t> sweep_count;
  std::string sweep_start = "1";
  std::vector<std::string> sweep_mutants;
  std::string sweep_profile = "full";
  std::string sweep_shard;
  std::string sweep_recheck = "0";
  CLI::App* sweep_command = app.add_subcommand("sweep", "Play many seeds, each in its own process");
  auto* seeds_option =
      sweep_command->add_option("--seeds", sweep_seeds, "Seed range A..B (both included)");
  auto* count_option = sweep_command->add_option("--count", sweep_count, "Number of seeds")
                           ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{100'000'000}));
  seeds_option->excludes(count_option);
  sweep_command->add_option("--start", sweep_start, "First seed with --count (default 1)")
      ->needs(count_option);
  sweep_command->add_option("--jobs", sweep.jobs, "Parallel workers (default: all cores)")
      ->check(CLI::Range(1, 1024));
  sweep_command->add_option("--mutant", sweep_mutants, "Put a reviewed defect back (repeatable)");
  sweep_command->add_option("--shard", sweep_shard, "Run shard I of N: I/N, auto/N or auto");
  sweep_command->add_option("--report", sweep.report_dir, "Write summary.json (and more) to DIR");
  sweep_command->add_option("--save-failures", sweep.save_failures_dir,
                            "Write every failing seed as a seed file to DIR");
  sweep_command->add_option("--check-determinism", sweep_recheck,
                            "Re-run this share of seeds (0..1) and compare fingerprints");
  sweep_command->add_option("--history-dir", sweep.history_dir,
                            "Write every failing seed's client history to DIR/seed-N.jsonl");
  sweep_command
      ->add_option("--timeout-ms", sweep.timeout_ms,
                   "Wall-clock limit per seed (default 60000; 0: none; at most 86400000)")
      ->check(CLI::Range(std::uint64_t{0}, kWallLimitMsMax));
  sweep_command->add_flag("--quiet", sweep.quiet, "No progress output");
  AddOverrides(*sweep_command, sweep.overrides, sweep_profile, nullptr);

  std::vector<std::string> replay_files;
  CLI::App* replay_command =
      app.add_subcommand("replay", "Re-run seed files and check their outcome and fingerprint");
  replay_command->add_option("files", replay_files, "Seed files")->required();

  std::string merge_out;
  std::vector<std::string> merge_dirs;
  CLI::App* merge_command = app.add_subcommand(
      "merge", "Merge shard report folders into the report of the unsharded sweep");
  merge_command->add_option("--report", merge_out, "Write the merged report to DIR")->required();
  merge_command->add_option("dirs", merge_dirs, "Shard report folders")->required();
  bool merge_allow_partial = false;
  merge_command->add_flag("--allow-partial", merge_allow_partial,
                          "Merge an incomplete set of shards; the summary names the missing ones");

  vsrsim::reports::ShrinkArguments shrink;
  std::string shrink_seed;
  std::vector<std::string> shrink_mutants;
  std::string shrink_profile = "full";
  CLI::App* shrink_command =
      app.add_subcommand("shrink", "Minimise a failing seed or scenario to a small scenario");
  auto* shrink_seed_option = shrink_command->add_option("--seed", shrink_seed, "A failing seed");
  auto* shrink_scenario_option =
      shrink_command->add_option("--scenario", shrink.scenario_path, "A failing scenario file")
          ->excludes(shrink_seed_option);
  shrink_command->add_option("--mutant", shrink_mutants, "Put a reviewed defect back (repeatable)");
  shrink_command->add_option("--out", shrink.out_path, "Write the minimal scenario to FILE");
  shrink_command
      ->add_option("--candidates", shrink.candidates_max,
                   "At most this many candidate runs (default 3000)")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1'000'000}));
  shrink_command
      ->add_option("--time-limit-ms", shrink.time_limit_ms,
                   "Stop shrinking after this long and keep the smallest verified failure "
                   "(default 55000; 0: none; at most 86400000)")
      ->check(CLI::Range(std::uint64_t{0}, kWallLimitMsMax));
  AddOverrides(*shrink_command, shrink.overrides, shrink_profile, shrink_scenario_option);

  vsrsim::reports::ExploreArguments explore;
  std::string explore_seed;
  std::vector<std::string> explore_mutants;
  CLI::App* explore_command =
      app.add_subcommand("explore", "Coverage-guided search over scenarios (issue 15)");
  explore_command->add_option("--seed", explore_seed, "The search's seed (and first fresh seed)")
      ->required();
  explore_command->add_option("--budget", explore.budget, "Runs to play, at most")
      ->required()
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{10'000'000}));
  explore_command->add_option("--mutant", explore_mutants,
                              "Put a reviewed defect back (repeatable)");
  explore_command->add_option("--corpus", explore.corpus_dir,
                              "Write the corpus as DIR/corpus-N.scenario");
  explore_command->add_option("--report", explore.report_dir,
                              "Write explore.json and the finding's scenarios to DIR");
  explore_command->add_option("--jobs", explore.jobs, "Parallel workers (default: all cores)")
      ->check(CLI::Range(1, 1024));
  explore_command
      ->add_option("--shrink-candidates", explore.shrink_candidates,
                   "At most this many runs to shrink a finding (default 500)")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1'000'000}));
  explore_command->add_flag("--quiet", explore.quiet, "No progress lines");

  vsrsim::reports::InevitableArguments inevitable;
  std::vector<std::string> inevitable_mutants;
  CLI::App* inevitable_command = app.add_subcommand(
      "inevitable", "Per tick, the share of varied continuations of a failing run that still fail");
  inevitable_command->add_option("--scenario", inevitable.scenario_path, "A failing scenario file")
      ->required();
  inevitable_command->add_option("--mutant", inevitable_mutants,
                                 "Put a reviewed defect back (repeatable)");
  inevitable_command
      ->add_option("--samples", inevitable.samples, "Variants per fork tick (default 20)")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{10'000}));
  inevitable_command
      ->add_option("--points", inevitable.points, "Fork ticks over the run, minus one (default 10)")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1'000}));
  inevitable_command->add_option("--jobs", inevitable.jobs, "Parallel workers (default: all cores)")
      ->check(CLI::Range(1, 1024));
  inevitable_command->add_option("--html", inevitable.html_path,
                                 "Write the run's page with the inevitability strip to FILE");

  vsrsim::reports::CrashPointsArguments crashpoints;
  std::vector<std::string> crashpoints_mutants;
  CLI::App* crashpoints_command = app.add_subcommand(
      "crashpoints",
      "Replay a scenario once per storage operation of a replica, crashing it there (issue 17)");
  std::string crashpoints_seed;
  auto* crashpoints_scenario = crashpoints_command->add_option(
      "--scenario", crashpoints.scenario_path, "A passing scenario file");
  crashpoints_command
      ->add_option("--seed", crashpoints_seed, "A passing seed (its swarm run, as a scenario)")
      ->excludes(crashpoints_scenario);
  crashpoints_command
      ->add_option("--replica", crashpoints.replica, "The replica that crashes (default 0)")
      ->check(CLI::Range(0, 255));
  crashpoints_command->add_option("--mutant", crashpoints_mutants,
                                  "Put a reviewed defect back (repeatable)");
  crashpoints_command
      ->add_option("--down", crashpoints.down_ticks,
                   "Ticks from the crash point to the restart (default 20)")
      ->check(CLI::Range(1, 1'000'000));
  crashpoints_command
      ->add_option("--jobs", crashpoints.jobs, "Parallel workers (default: all cores)")
      ->check(CLI::Range(1, 1024));
  crashpoints_command->add_option(
      "--report", crashpoints.report_dir,
      "Write crashpoints.json and each failing point's scenario (replayed to verify) to DIR");

  app.add_subcommand("mutants",
                     "List the mutants, their findings and the checker that catches them");

  try {
    app.parse(argc, argv);
    if (run_command->parsed()) {
      if (run_seed.empty() && run.scenario_path.empty()) {
        throw CLI::ValidationError("run", "give --seed S or --scenario FILE");
      }
      if (!run_seed.empty()) run.seed = SeedOrThrow(run_seed, "--seed");
      run.mutants = ParseMutants(run_mutants);
      if (run_profile == "network") run.overrides.profile = vsrsim::faults::Profile::kNetwork;
    }
    if (shrink_command->parsed()) {
      if (shrink_seed.empty() == shrink.scenario_path.empty()) {
        throw CLI::ValidationError("shrink", "give --seed S or --scenario FILE");
      }
      if (!shrink_seed.empty()) shrink.seed = SeedOrThrow(shrink_seed, "--seed");
      shrink.mutants = ParseMutants(shrink_mutants);
      if (shrink_profile == "network") shrink.overrides.profile = vsrsim::faults::Profile::kNetwork;
    }
    if (explore_command->parsed()) {
      explore.seed = SeedOrThrow(explore_seed, "--seed");
      explore.mutants = ParseMutants(explore_mutants);
    }
    if (inevitable_command->parsed()) inevitable.mutants = ParseMutants(inevitable_mutants);
    if (crashpoints_command->parsed()) {
      if (crashpoints_seed.empty() == crashpoints.scenario_path.empty()) {
        throw CLI::ValidationError("crashpoints", "give --seed S or --scenario FILE");
      }
      if (!crashpoints_seed.empty()) crashpoints.seed = SeedOrThrow(crashpoints_seed, "--seed");
      crashpoints.mutants = ParseMutants(crashpoints_mutants);
    }
    if (sweep_command->parsed()) {
      if (sweep_seeds.empty() && !sweep_count) {
        throw CLI::ValidationError("sweep", "give --seeds A..B or --count N");
      }
      if (!sweep_seeds.empty()) {
        std::tie(sweep.first, sweep.last) = ParseRange(sweep_seeds);
      } else {
        sweep.first = SeedOrThrow(sweep_start, "--start");
        if (*sweep_count - 1 > std::numeric_limits<std::uint64_t>::max() - sweep.first) {
          throw CLI::ValidationError(
              "--count",
              fmt::format("{} seeds from --start {} go past the last seed, {}", *sweep_count,
                          sweep.first, std::numeric_limits<std::uint64_t>::max()));
        }
        sweep.last = sweep.first + *sweep_count - 1;
      }
      sweep.mutants = ParseMutants(sweep_mutants);
      if (sweep_profile == "network") sweep.overrides.profile = vsrsim::faults::Profile::kNetwork;
      if (!sweep_shard.empty())
        std::tie(sweep.shard_index, sweep.shard_count) = ParseShard(sweep_shard);
      sweep.check_determinism_per_mille = PerMilleOrThrow(sweep_recheck);
    }
  } catch (const CLI::CallForHelp&) {
    fmt::print("{}", app.help());
    return 0;
  } catch (const CLI::CallForAllHelp&) {
    fmt::print("{}", app.help("", CLI::AppFormatMode::All));
    return 0;
  } catch (const CLI::ParseError& error) {
    // One line: what was wrong, and what to do.
    std::string what = error.what();
    for (char& c : what) {
      if (c == '\n') c = ' ';
    }
    fmt::print(stderr, "vsrsim: {} (see 'vsrsim --help')\n", what);
    return kExitUsage;
  }
  if (run_command->parsed()) return vsrsim::reports::RunCommand(run);
  if (sweep_command->parsed()) return vsrsim::reports::SweepCommand(sweep);
  if (replay_command->parsed()) return vsrsim::reports::ReplayCommand(replay_files);
  if (shrink_command->parsed()) return vsrsim::reports::ShrinkCommand(shrink);
  if (explore_command->parsed()) return vsrsim::reports::ExploreCommand(explore);
  if (inevitable_command->parsed()) return vsrsim::reports::InevitableCommand(inevitable);
  if (crashpoints_command->parsed()) return vsrsim::reports::CrashPointsCommand(crashpoints);
  if (merge_command->parsed())
    return vsrsim::reports::MergeCommand(merge_out, merge_dirs, merge_allow_partial);
  return vsrsim::reports::MutantsCommand();
}
