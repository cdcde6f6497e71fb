#pragma once
// The CLI's subcommands. Each returns the process exit code (DESIGN.md "Exit codes").

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/mutants.h"
#include "faults/swarm.h"
#include "reports/cli/output_folder.h"
#include "reports/summary.h"
#include "sim/runner.h"

namespace vsrsim::reports {

inline constexpr int kExitUsage = 64;
inline constexpr int kExitBadData = 65;
inline constexpr int kExitIo = 74;

// Options a user may override on top of the seed's drawn ones.
struct Overrides {
  std::optional<std::uint32_t> replicas;
  std::optional<std::uint32_t> clients;
  std::optional<std::uint64_t> ticks;
  faults::Profile profile = faults::Profile::kFull;
  // Only the outside-only checkers judge (sim::IsOutsideOnly); white-box findings are ignored.
  bool outside_only = false;
  // The fault knobs aimed at review findings off: no disconnect right after a retransmission
  // ((b)), and no more clients than the table holds ((e)). The other draws stay as drawn.
  bool unaimed = false;
};

struct RunArguments {
  std::uint64_t seed = 0;
  core::MutantSet mutants;
  Overrides overrides;
  bool json = false;
  std::string trace_path;
  std::string trace_only;             // --trace-only: "r0,c3" (text_trace.h ParseProcessList).
  std::size_t trace_last = 0;         // --trace-last: the last N records only (0: all).
  std::string html_path;              // The space-time page (html_report.h).
  std::string scenario_path;          // Play this scenario instead of the seed's swarm run.
  std::string dump_scenario_path;     // Write the swarm run as an explicit scenario.
  std::uint64_t timeout_ms = 60'000;  // 0: none.
  std::string history_path;           // Write the client history as JSON Lines (history_jsonl.h).
};

// The seed's options with the mutants and overrides applied.
sim::RunOptions ResolveOptions(std::uint64_t seed, core::MutantSet mutants,
                               const Overrides& overrides);
// Plays one run in this process (no isolation): what a forked worker calls.
sim::RunResult PlayRun(const sim::RunOptions& options);
// The command line that reproduces a run.
std::string ReproduceCommand(std::uint64_t seed, core::MutantSet mutants,
                             const Overrides& overrides);
// The --replicas/--clients/--ticks flags that give `overrides` ("" for none).
std::string OverrideFlags(const Overrides& overrides);
// The command line that replays a scenario file with the mutants given on the command line.
std::string ScenarioReproduceCommand(const std::string& path, core::MutantSet mutants);

struct SweepArguments {
  std::uint64_t first = 1;  // Seeds first..last, both included, before sharding.
  std::uint64_t last = 1;
  std::size_t jobs = 0;  // 0: all cores.
  core::MutantSet mutants;
  Overrides overrides;
  std::uint32_t shard_index = 0;
  std::uint32_t shard_count = 1;
  std::string report_dir;
  std::string save_failures_dir;
  std::string history_dir;  // Write each failing seed's client history to DIR/seed-N.jsonl.
  std::uint32_t check_determinism_per_mille = 0;
  std::uint64_t timeout_ms = 60'000;
  bool quiet = false;  // No progress output.
};

// Reads a whole file into `text`; returns an error line or "".
std::string ReadFile(const std::string& path, std::string& text);
// Writes a sweep's report files into a prepared folder, replacing an earlier report there (its
// stale seed-N.html removed); returns an error line or "".
std::string WriteReports(const OutputFolder& folder, const SweepSummary& summary);

struct ShrinkArguments {
  std::optional<std::uint64_t> seed;
  std::string scenario_path;
  core::MutantSet mutants;
  Overrides overrides;
  std::string out_path;
  std::uint64_t candidates_max = 3000;
  std::uint64_t time_limit_ms = 55'000;  // 0: no limit.
};

struct ExploreArguments {
  std::uint64_t seed = 1;
  std::uint64_t budget = 0;  // Runs, at most.
  core::MutantSet mutants;
  std::string corpus_dir;  // Write the corpus there as corpus-N.scenario.
  std::string report_dir;  // Write explore.json and the finding's scenarios there.
  std::size_t jobs = 0;    // 0: all cores.
  std::uint64_t shrink_candidates = 500;
  bool quiet = false;
};

struct InevitableArguments {
  std::string scenario_path;
  core::MutantSet mutants;
  std::uint64_t samples = 20;  // Variants per prefix length.
  std::uint64_t points = 10;   // Prefix lengths, evenly over the run.
  std::size_t jobs = 0;
  std::string html_path;  // Also write the run's page with the strip (html_report.h).
};

struct CrashPointsArguments {
  std::optional<std::uint64_t> seed;  // The seed's swarm run, dumped as a scenario; or:
  std::string scenario_path;
  std::size_t replica = 0;
  core::MutantSet mutants;
  std::uint32_t down_ticks = 20;  // Ticks between a replica's crash point and its restart.
  std::size_t jobs = 0;
  std::string report_dir;  // crashpoints.json and the failing points' scenarios.
};

int RunCommand(const RunArguments& arguments);
int CrashPointsCommand(const CrashPointsArguments& arguments);
int ExploreCommand(const ExploreArguments& arguments);
int InevitableCommand(const InevitableArguments& arguments);
int ShrinkCommand(const ShrinkArguments& arguments);
int ReplayCommand(const std::vector<std::string>& paths);
int MergeCommand(const std::string& out_dir, const std::vector<std::string>& dirs,
                 bool allow_partial);
int SweepCommand(const SweepArguments& arguments);
int MutantsCommand();

}  // namespace vsrsim::reports
