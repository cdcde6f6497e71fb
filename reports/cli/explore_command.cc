// `vsrsim explore`: the coverage-guided search of issue 15. The explorer (faults/explorer.h)
// proposes a batch of candidates from its own PRNG; the batch plays in forked workers (a mutant
// may abort a replica); the results are folded back in candidate order, so the corpus, the
// findings and the report are the same whatever --jobs is. The first failure ends the search: it
// is shrunk, written as a scenario, read back and replayed, and reported only once it replays to
// the same outcome and checker.

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "faults/explorer.h"
#include "reports/atomic_file.h"
#include "reports/cli/commands.h"
#include "reports/cli/isolate.h"
#include "reports/cli/scenario_play.h"
#include "reports/cli/stop_signals.h"
#include "reports/run_json.h"

namespace vsrsim::reports {

namespace {

// Candidates per batch: fixed, never derived from --jobs, so results do not depend on it.
constexpr std::size_t kBatch = 8;

struct Failure {
  std::uint64_t run = 0;  // 1-based.
  faults::Verdict verdict;
  std::string message;
  std::string what;
  faults::Scenario scenario;
};

// Plays one batch in workers; returns the played results in candidate order, or nullopt when a
// stop signal ended it.
std::optional<std::vector<IsolatedRun>> PlayBatch(const std::vector<faults::Candidate>& batch,
                                                  const std::vector<sim::RunOptions>& options,
                                                  const std::string& temp_dir, std::size_t jobs) {
  std::vector<IsolatedRun> runs(batch.size());
  RunPool(
      batch.size(), {.jobs = jobs, .timeout_ms = kCandidateTimeoutMs},
      [&](std::size_t i) { return options[i]; },
      [&, parent = ::getpid()](std::size_t i) {
        DieWithParent(parent);
        if (batch[i].fresh_seed) {
          return DumpToFile(options[i], fmt::format("{}/dump-{}", temp_dir, i));
        }
        return faults::PlayScenario(batch[i].scenario);
      },
      [&](std::size_t i, IsolatedRun&& run) { runs[i] = std::move(run); },
      [] { return StopSignal() != 0; });
  if (StopSignal() != 0) return std::nullopt;
  return runs;
}

bool IsFinding(sim::Outcome outcome) {
  return outcome != sim::Outcome::kPass && outcome != sim::Outcome::kTimeout &&
         outcome != sim::Outcome::kKilled;
}

std::string Header(const std::vector<std::string>& lines) {
  std::string text;
  for (std::string line : lines) {
    std::replace(line.begin(), line.end(), '\n', ' ');
    text += "# " + line + "\n";
  }
  return text;
}

// Writes the corpus as corpus-N.scenario, N from 1 in the order entries joined.
std::string WriteCorpus(const OutputFolder& folder, const faults::Explorer& explorer) {
  if (std::string error = folder.ReplaceEarlier(); !error.empty()) return error;
  const auto& corpus = explorer.corpus();
  for (std::size_t i = 0; i < corpus.size(); i++) {
    const faults::CorpusEntry& entry = corpus[i];
    const std::string text =
        Header({fmt::format("explore corpus entry {}: run {}, {} new bits ({} in all), from: {}",
                            i + 1, entry.found_at, entry.new_bits, entry.signature.count(),
                            entry.what)}) +
        faults::FormatScenario(entry.scenario);
    const std::string path = fmt::format("{}/corpus-{}.scenario", folder.dir(), i + 1);
    if (std::string error = WriteFileAtomically(path, text); !error.empty()) return error;
  }
  return "";
}

nlohmann::ordered_json ReportJson(const ExploreArguments& arguments,
                                  const faults::Explorer& explorer, const Failure* failure,
                                  const nlohmann::ordered_json& finding) {
  nlohmann::ordered_json json;
  json["seed"] = arguments.seed;
  json["budget"] = arguments.budget;
  json["mutants"] = MutantNames(arguments.mutants);
  json["batch"] = kBatch;
  json["runs"] = explorer.runs();
  json["corpus"] = explorer.corpus().size();
  json["bits"] = explorer.reached().count();
  json["signatures"] = explorer.distinct_signatures();
  json["first_failure_run"] = failure != nullptr ? nlohmann::ordered_json(failure->run) : nullptr;
  json["finding"] = finding;
  nlohmann::ordered_json timeline = nlohmann::json::array();
  for (const faults::ExplorePoint& point : explorer.timeline()) {
    timeline.push_back({{"runs", point.runs},
                        {"bits", point.bits},
                        {"signatures", point.signatures},
                        {"corpus", point.corpus}});
  }
  json["timeline"] = timeline;
  nlohmann::ordered_json corpus = nlohmann::json::array();
  for (const faults::CorpusEntry& entry : explorer.corpus()) {
    corpus.push_back({{"run", entry.found_at},
                      {"new_bits", entry.new_bits},
                      {"bits", entry.signature.count()},
                      {"events", entry.scenario.events.size()},
                      {"from", entry.what}});
  }
  json["corpus_entries"] = corpus;
  json["reached"] = explorer.reached().hex();
  return json;
}

// Shrinks the failure, writes it (and the scenario as found) and replays the written file.
// Returns the exit code and fills `finding` for the report.
int ReportFailure(const ExploreArguments& arguments, const Failure& failure,
                  nlohmann::ordered_json& finding) {
  // The candidate as found must fail the same way when replayed as a scenario: that is what the
  // shrink keeps.
  const std::optional<faults::Verdict> replayed =
      EvaluateIsolated(failure.scenario, kCandidateTimeoutMs);
  finding = {{"run", failure.run},
             {"outcome", sim::OutcomeName(failure.verdict.outcome)},
             {"checker", failure.verdict.checker},
             {"message", failure.message},
             {"from", failure.what}};
  if (replayed != failure.verdict) {
    fmt::print(stderr, "vsrsim: run {} failed with {}, but its scenario replays to {}\n",
               failure.run, DescribeVerdict(failure.verdict), DescribeVerdict(replayed));
    finding["verified"] = false;
    return sim::ExitCodeOf(sim::Outcome::kNondeterministic);
  }
  faults::ShrinkStats stats;
  const faults::Scenario shrunk = faults::Shrink(
      failure.scenario, failure.verdict,
      [](const faults::Scenario& candidate) {
        return EvaluateIsolated(candidate, kCandidateTimeoutMs);
      },
      {.candidates_max = arguments.shrink_candidates, .stop = [] { return StopSignal() != 0; }},
      stats);
  finding["found_size"] = faults::DescribeSize(failure.scenario);
  finding["shrunk_size"] = faults::DescribeSize(shrunk);
  finding["shrink_candidates"] = stats.candidates;
  const std::vector<std::string> header = {
      fmt::format("vsrsim explore --seed {}: run {} failed: {} ({})", arguments.seed, failure.run,
                  sim::OutcomeName(failure.verdict.outcome), failure.verdict.checker),
      failure.message};
  const std::string found_text = Header(header) + faults::FormatScenario(failure.scenario);
  const std::string shrunk_text = Header(header) + "# shrunk from " +
                                  faults::DescribeSize(failure.scenario) + "\n" +
                                  faults::FormatScenario(faults::WithinCluster(shrunk));
  std::string name = "the shrunk scenario";
  std::string written = shrunk_text;
  if (!arguments.report_dir.empty()) {
    const std::string found_path = arguments.report_dir + "/finding-1-found.scenario";
    name = arguments.report_dir + "/finding-1.scenario";
    for (const auto& [path, text] : {std::pair{found_path, found_text}, {name, shrunk_text}}) {
      if (std::string error = WriteFileAtomically(path, text); !error.empty()) {
        fmt::print(stderr, "vsrsim: {}\n", error);
        fmt::print("{}", shrunk_text);  // A failing result is never lost.
        return kExitIo;
      }
    }
    written.clear();
    if (std::string error = ReadFile(name, written); !error.empty()) {
      fmt::print(stderr, "vsrsim: {}\n", error);
      return kExitIo;
    }
    finding["scenario"] = "finding-1.scenario";
    finding["found_scenario"] = "finding-1-found.scenario";
  } else {
    fmt::print("{}", shrunk_text);
  }
  fmt::print("shrunk: {} -> {} ({} candidates)\n", faults::DescribeSize(failure.scenario),
             faults::DescribeSize(shrunk), stats.candidates);
  const int status = ReplayWritten(name, written, failure.verdict);
  finding["verified"] = status == 0;
  if (status != 0) return status;
  if (!arguments.report_dir.empty()) {
    fmt::print("replay: {}\n", ScenarioReproduceCommand(name, {}));
  }
  return sim::ExitCodeOf(failure.verdict.outcome);
}

}  // namespace

int ExploreCommand(const ExploreArguments& arguments) {
  OutputFolder report;
  OutputFolder corpus;
  if (!arguments.report_dir.empty()) {
    if (std::string error = report.Prepare(arguments.report_dir, "--report", FolderKind::kExplore);
        !error.empty()) {
      fmt::print(stderr, "vsrsim: {}\n", error);
      return kExitIo;
    }
  }
  if (!arguments.corpus_dir.empty()) {
    if (std::string error = corpus.Prepare(arguments.corpus_dir, "--corpus", FolderKind::kCorpus);
        !error.empty()) {
      fmt::print(stderr, "vsrsim: {}\n", error);
      report.Abandon();
      return kExitIo;
    }
  }
  char temp[] = "/tmp/vsrsim-explore-XXXXXX";
  if (::mkdtemp(temp) == nullptr) {
    fmt::print(stderr, "vsrsim: cannot create a temporary folder under /tmp\n");
    return kExitIo;
  }
  const std::string temp_dir = temp;
  InstallStopSignals();
  const std::size_t jobs =
      arguments.jobs != 0 ? arguments.jobs
                          : static_cast<std::size_t>(std::max(1L, ::sysconf(_SC_NPROCESSORS_ONLN)));
  faults::Explorer explorer({.seed = arguments.seed});
  std::optional<Failure> failure;
  std::string error;
  while (explorer.runs() < arguments.budget && !failure) {
    const std::size_t count = std::min<std::uint64_t>(kBatch, arguments.budget - explorer.runs());
    const std::vector<faults::Candidate> batch = explorer.next_batch(count);
    std::vector<sim::RunOptions> options;
    for (const faults::Candidate& candidate : batch) {
      options.push_back(candidate.fresh_seed
                            ? ResolveOptions(*candidate.fresh_seed, arguments.mutants, {})
                            : candidate.scenario.options);
    }
    const auto runs = PlayBatch(batch, options, temp_dir, jobs);
    if (!runs) break;
    for (std::size_t i = 0; i < batch.size() && !failure; i++) {
      faults::Played played{.outcome = (*runs)[i].result.outcome,
                            .signature = (*runs)[i].result.signature,
                            .ticks = (*runs)[i].result.ticks,
                            .scenario = batch[i].scenario};
      if (batch[i].fresh_seed) {
        const std::string path = fmt::format("{}/dump-{}", temp_dir, i);
        auto dumped = ReadDump(options[i], path, error);
        std::remove(path.c_str());
        if (!dumped) break;
        played.scenario = std::move(*dumped);
      }
      explorer.fold(batch[i], played);
      if (IsFinding(played.outcome)) {
        failure =
            Failure{.run = explorer.runs(),
                    .verdict = {played.outcome, (*runs)[i].result.checker},
                    .message = (*runs)[i].result.message,
                    .what = batch[i].fresh_seed ? fmt::format("fresh seed {}", *batch[i].fresh_seed)
                                                : batch[i].what,
                    .scenario = played.scenario};
      }
    }
    if (!error.empty()) break;
    explorer.mark();
    if (!arguments.quiet && (explorer.timeline().size() % 25 == 0 || failure)) {
      fmt::print("explore: runs={} corpus={} bits={} signatures={}\n", explorer.runs(),
                 explorer.corpus().size(), explorer.reached().count(),
                 explorer.distinct_signatures());
      std::fflush(stdout);
    }
  }
  for (std::size_t i = 0; i < kBatch; i++) {
    std::remove(fmt::format("{}/dump-{}", temp_dir, i).c_str());
  }
  ::rmdir(temp_dir.c_str());
  if (!error.empty()) {
    fmt::print(stderr, "vsrsim: a dumped swarm run does not parse back: {}\n", error);
    return kExitIo;
  }
  if (StopSignal() != 0) {
    fmt::print(stderr, "vsrsim: stopped by {} after {} runs; nothing written\n",
               SignalName(StopSignal()), explorer.runs());
    report.Abandon();
    corpus.Abandon();
    return ExitCodeOfSignal(StopSignal());
  }
  if (failure) {
    fmt::print("FAIL run={} kind={} checker={}: {}\n", failure->run,
               sim::OutcomeName(failure->verdict.outcome), failure->verdict.checker,
               failure->message);
    std::fflush(stdout);
  }
  nlohmann::ordered_json finding = nullptr;
  if (!arguments.report_dir.empty()) {
    if (error = report.ReplaceEarlier(); !error.empty()) {
      fmt::print(stderr, "vsrsim: {}\n", error);
      return kExitIo;
    }
  }
  const int status = failure ? ReportFailure(arguments, *failure, finding) : 0;
  if (!arguments.corpus_dir.empty()) {
    if (error = WriteCorpus(corpus, explorer); !error.empty()) {
      fmt::print(stderr, "vsrsim: {}\n", error);
      return kExitIo;
    }
  }
  if (!arguments.report_dir.empty()) {
    const std::string text =
        ReportJson(arguments, explorer, failure ? &*failure : nullptr, finding).dump(2) + "\n";
    if (error = WriteFileAtomically(arguments.report_dir + "/explore.json", text); !error.empty()) {
      fmt::print(stderr, "vsrsim: {}\n", error);
      return kExitIo;
    }
  }
  fmt::print("EXPLORE seed={} runs={} corpus={} bits={} signatures={} first_failure={}\n",
             arguments.seed, explorer.runs(), explorer.corpus().size(), explorer.reached().count(),
             explorer.distinct_signatures(), failure ? std::to_string(failure->run) : "none");
  return status;
}

}  // namespace vsrsim::reports
