// `vsrsim sweep`: many seeds, played by long-lived forked workers (reports/cli/isolate.h), with a
// summary, optional reports and the failing seeds kept as seed files.

#include <fmt/format.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <map>
#include <tuple>

#include "reports/atomic_file.h"
#include "reports/cli/commands.h"
#include "reports/cli/isolate.h"
#include "reports/cli/output_folder.h"
#include "reports/cli/stop_signals.h"
#include "reports/history_jsonl.h"
#include "reports/html_report.h"
#include "reports/run_json.h"
#include "reports/seed_file.h"
#include "reports/summary.h"

namespace vsrsim::reports {

namespace {

double MonotonicSeconds() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

// Whether `seed` is among the share re-run by --check-determinism (a hash, not a PRNG: the choice
// depends on the seed alone, so shards agree).
bool RecheckSeed(std::uint64_t seed, std::uint32_t per_mille) {
  if (per_mille == 0) return false;
  return XXH3_64bits_withSeed(&seed, sizeof(seed), 0xde7e) % 1000 < per_mille;
}

// Names the first window of trace records in which two runs of one seed differ.
std::string FirstDivergence(const std::vector<std::uint64_t>& a,
                            const std::vector<std::uint64_t>& b) {
  const std::size_t common = std::min(a.size(), b.size());
  std::size_t window = 0;
  while (window < common && a[window] == b[window]) window++;
  const std::uint64_t first = window * sim::Trace::kCheckpointEvents;
  if (window == common && a.size() == b.size()) {
    return fmt::format("they first differ after trace record {}", first);
  }
  return fmt::format("they first differ in trace records {}..{}", first,
                     first + sim::Trace::kCheckpointEvents - 1);
}

// The shard's seeds, generated as they are consumed, so a range of any size streams: only a batch
// of seeds (and the results of those finished) is ever in memory.
class SeedStream {
 public:
  explicit SeedStream(const SweepArguments& arguments)
      : next_(arguments.first + arguments.shard_index),
        last_(arguments.last),
        step_(arguments.shard_count),
        done_(arguments.shard_index > arguments.last - arguments.first) {}

  // Seeds in the shard, saturated at 2^64 - 1 (a progress figure, never a loop bound).
  static std::uint64_t Count(const SweepArguments& arguments) {
    const std::uint64_t span = arguments.last - arguments.first;
    if (arguments.shard_index > span) return 0;
    const std::uint64_t count = (span - arguments.shard_index) / arguments.shard_count;
    return count == std::numeric_limits<std::uint64_t>::max() ? count : count + 1;
  }

  // Appends up to `max` more seeds to `seeds`.
  void Take(std::size_t max, std::vector<std::uint64_t>& seeds) {
    for (std::size_t taken = 0; taken < max && !done_; taken++) {
      seeds.push_back(next_);
      if (last_ - next_ < step_) {
        done_ = true;
      } else {
        next_ += step_;
      }
    }
  }

 private:
  std::uint64_t next_;
  std::uint64_t last_;
  std::uint64_t step_;
  bool done_;
};

// Seeds per batch: the pool drains at the end of each, so a batch is long enough (seconds) that
// the drain costs nothing, and short enough that memory stays flat.
constexpr std::size_t kBatchSeeds = 4096;

class Progress {
 public:
  Progress(std::uint64_t total, bool quiet)
      : total_(total),
        quiet_(quiet),
        tty_(::isatty(STDERR_FILENO) != 0),
        start_(MonotonicSeconds()) {}

  void update(std::uint64_t done, std::size_t failed, bool final) {
    if (quiet_) return;
    const double now = MonotonicSeconds();
    if (!final && now - last_ < (tty_ ? 0.2 : 5.0)) return;
    last_ = now;
    const double elapsed = now - start_;
    const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0;
    const double eta = rate > 0 ? static_cast<double>(total_ - std::min(done, total_)) / rate : 0;
    if (tty_) {
      constexpr std::size_t kWidth = 30;
      const auto filled = std::min(
          kWidth, static_cast<std::size_t>(total_ == 0 ? kWidth
                                                       : static_cast<double>(done) * kWidth /
                                                             static_cast<double>(total_)));
      fmt::print(stderr, "\r[{}{}] {}/{} failed={} {:.0f} seeds/s ETA {:.0f}s   ",
                 std::string(filled, '#'), std::string(kWidth - filled, '.'), done, total_, failed,
                 rate, eta);
      if (final) fmt::print(stderr, "\n");
    } else {
      fmt::print(stderr, "progress: {}/{} seeds, {} failed, {:.0f} seeds/s, ETA {:.0f}s\n", done,
                 total_, failed, rate, eta);
    }
  }

 private:
  std::uint64_t total_;
  bool quiet_;
  bool tty_;
  double start_;
  double last_ = 0;
};

// At most this many failing seeds get a space-time page: each is a re-run and up to half a MB.
constexpr std::size_t kFailurePagesMax = 100;

// The page of a seed whose diagram cannot be drawn (it timed out, crashed again on its re-run, or
// the sweep was stopped): the outcome, options and reproduce command, without the diagram.
sim::RunResult WithoutDiagram(const SweepArguments& arguments, const SweepEntry& entry) {
  sim::RunResult result;
  result.options = ResolveOptions(entry.seed, arguments.mutants, arguments.overrides);
  result.outcome = entry.outcome;
  result.checker = entry.checker;
  result.message = entry.message;
  return result;
}

// Writes DIR/seed-N.html (--report) and HISTORY_DIR/seed-N.jsonl (--history-dir, the client
// history) for the failing seeds: each is re-run with its trace or history kept, in a forked
// child that writes the page itself (the records never cross the pipe), so a seed that crashes
// again cannot take the sweep down; its page is then written here, without the diagram. A seed
// that timed out is not re-run (it would only time out again), nor one that was killed from
// outside twice (its re-run would show a run that is not the one recorded), nor is any once the
// sweep is stopped. Returns kExitIo if a page could not be written, else 0.
int WriteFailurePages(const SweepArguments& arguments, const std::vector<SweepEntry>& entries,
                      std::size_t jobs) {
  int status = 0;
  const auto path_of = [&](const SweepEntry& entry) {
    return fmt::format("{}/seed-{}.html", arguments.report_dir, entry.seed);
  };
  const auto write = [&](const SweepEntry& entry, const sim::RunResult& result) {
    if (arguments.report_dir.empty()) return;
    if (const std::string error =
            WriteFileAtomically(path_of(entry), SpaceTimeHtml(result, entry.reproduce));
        !error.empty()) {
      fmt::print(stderr, "vsrsim: {}\n", error);
      status = kExitIo;
    }
  };
  std::vector<const SweepEntry*> reruns;
  std::size_t failed = 0;
  for (const SweepEntry& entry : entries) {
    if (entry.outcome == sim::Outcome::kPass || failed++ >= kFailurePagesMax) continue;
    if (entry.outcome != sim::Outcome::kTimeout && entry.outcome != sim::Outcome::kKilled &&
        StopSignal() == 0) {
      reruns.push_back(&entry);
    } else {
      write(entry, WithoutDiagram(arguments, entry));
    }
  }
  if (failed > kFailurePagesMax) {
    fmt::print(stderr, "vsrsim: wrote space-time pages for the first {} of {} failing seeds\n",
               kFailurePagesMax, failed);
  }
  const auto options_of = [&](std::size_t i) {
    sim::RunOptions options =
        ResolveOptions(reruns[i]->seed, arguments.mutants, arguments.overrides);
    options.keep_trace = !arguments.report_dir.empty();
    options.keep_history = !arguments.history_dir.empty();
    return options;
  };
  std::vector<bool> written(reruns.size(), false);
  RunPool(
      reruns.size(), {.jobs = jobs, .timeout_ms = arguments.timeout_ms}, options_of,
      [&](std::size_t i) {
        const sim::RunResult result = PlayRun(options_of(i));
        std::string error;
        if (!arguments.report_dir.empty()) {
          error =
              WriteFileAtomically(path_of(*reruns[i]), SpaceTimeHtml(result, reruns[i]->reproduce));
        }
        if (error.empty() && !arguments.history_dir.empty()) {
          error = WriteFileAtomically(
              fmt::format("{}/seed-{}.jsonl", arguments.history_dir, reruns[i]->seed),
              HistoryJsonLines(result.history));
        }
        if (!error.empty()) {
          fmt::print(stderr, "vsrsim: {}\n", error);
          std::fflush(stderr);
          ::_exit(kExitIo);
        }
        return result;
      },
      [&](std::size_t i, IsolatedRun&& run) {
        written[i] = true;
        if (run.child_exit == kExitIo) {
          fmt::print(stderr, "{}", run.child_stderr);
          status = kExitIo;
        } else if (run.result.outcome == sim::Outcome::kCrash ||
                   run.result.outcome == sim::Outcome::kTimeout) {
          fmt::print(stderr, "vsrsim: seed {} {} on its re-run, so it has no diagram{}\n",
                     reruns[i]->seed,
                     run.result.outcome == sim::Outcome::kCrash ? "crashed" : "timed out",
                     arguments.history_dir.empty() ? "" : " and no history file");
          write(*reruns[i], run.result);
        }
      },
      [] { return StopSignal() != 0; });
  for (std::size_t i = 0; i < reruns.size(); i++) {
    if (!written[i]) write(*reruns[i], WithoutDiagram(arguments, *reruns[i]));
  }
  return status;
}

// Writes each failing seed as DIR/seed-N.seed. Returns kExitIo if one could not be written.
int SaveFailures(const SweepArguments& arguments, const std::vector<SweepEntry>& entries) {
  int status = 0;
  for (const SweepEntry& entry : entries) {
    // A killed seed is not known to fail: it is never a regression seed.
    if (entry.outcome == sim::Outcome::kPass || entry.outcome == sim::Outcome::kKilled) continue;
    SeedFile file{
        .seed = entry.seed,
        .mutants = arguments.mutants,
        .profile = arguments.overrides.profile == faults::Profile::kNetwork ? "network" : "full",
        .replicas = arguments.overrides.replicas,
        .clients = arguments.overrides.clients,
        .ticks = arguments.overrides.ticks,
        .expect = entry.outcome,
        .fingerprint = entry.fingerprint,
        .reason = fmt::format("{}: {}", entry.checker, entry.message)};
    const std::string path =
        fmt::format("{}/seed-{}.seed", arguments.save_failures_dir, entry.seed);
    if (const std::string error = WriteFileAtomically(path, FormatSeedFile(file)); !error.empty()) {
      fmt::print(stderr, "vsrsim: {}\n", error);
      status = kExitIo;
    }
  }
  return status;
}

// Plays one batch of seeds (and the re-checked ones a second time) and appends their entries to
// `summary`, in seed order. Seeds a stop left unplayed get no entry.
void PlayBatch(const SweepArguments& arguments, std::size_t jobs,
               const std::vector<std::uint64_t>& seeds, SweepSummary& summary, Progress& progress,
               std::uint64_t& done, std::size_t& failed) {
  // Work items: every seed once, and the re-checked seeds a second time.
  std::vector<std::size_t> items;
  for (std::size_t i = 0; i < seeds.size(); i++) items.push_back(i);
  for (std::size_t i = 0; i < seeds.size(); i++) {
    if (RecheckSeed(seeds[i], arguments.check_determinism_per_mille)) items.push_back(i);
  }
  std::vector<SweepEntry> entries(seeds.size());
  std::vector<std::vector<std::uint64_t>> checkpoints(seeds.size());
  std::vector<bool> finished(seeds.size(), false);
  std::map<std::size_t, sim::RunResult> reruns;
  const auto options_of = [&](std::size_t item) {
    return ResolveOptions(seeds[items[item]], arguments.mutants, arguments.overrides);
  };
  RunPool(
      items.size(), {.jobs = jobs, .timeout_ms = arguments.timeout_ms}, options_of,
      [&, parent = ::getpid()](std::size_t item) {
        DieWithParent(parent);
        sim::RunOptions options = options_of(item);
        // A planted violation for the determinism check's own test (see reports/cli_test.sh): a
        // seed's second run gets one option changed, so its two runs always differ (a process id
        // mixed in instead can coincide). Only the CLI reads the environment; the simulation
        // never does.
        if (std::getenv("VSRSIM_PLANT_NONDETERMINISM") != nullptr && item >= seeds.size()) {
          options.network.delay_min_us += 1;
        }
        return PlayRun(options);
      },
      [&](std::size_t item, IsolatedRun&& run) {
        const std::size_t index = items[item];
        if (item >= seeds.size()) {
          reruns[index] = std::move(run.result);
          return;
        }
        done++;
        SweepEntry& entry = entries[index];
        entry.seed = seeds[index];
        entry.outcome = run.result.outcome;
        entry.checker = run.result.checker;
        entry.message = run.result.message;
        entry.fingerprint = run.result.fingerprint;
        entry.coverage = run.result.coverage;
        entry.signature = SignatureHash(run.result.signature);
        summary.reached.merge(run.result.signature);
        if (RecheckSeed(entry.seed, arguments.check_determinism_per_mille)) {
          checkpoints[index] = run.result.checkpoints;
        }
        finished[index] = true;
        if (entry.outcome != sim::Outcome::kPass) {
          // Only failures carry their reproduce command: a passing seed's entry stays small.
          entry.reproduce = ReproduceCommand(seeds[index], arguments.mutants, arguments.overrides);
          failed++;
          if (!arguments.quiet) fmt::print(stderr, "\n");
          fmt::print("FAIL seed={} kind={} checker={}: {}\n  reproduce: {}\n", entry.seed,
                     sim::OutcomeName(entry.outcome), entry.checker, entry.message,
                     entry.reproduce);
          std::fflush(stdout);
        }
        progress.update(done, failed, false);
      },
      [] { return StopSignal() != 0; });
  for (std::size_t i = 0; i < seeds.size(); i++) {
    if (!finished[i]) continue;
    SweepEntry& entry = entries[i];
    const auto rerun = reruns.find(i);
    if (rerun != reruns.end() && rerun->second.fingerprint != entry.fingerprint &&
        entry.outcome != sim::Outcome::kTimeout &&
        rerun->second.outcome != sim::Outcome::kTimeout) {
      entry.message =
          fmt::format("seed {} ran twice with fingerprints {:016x} and {:016x}; {} ({})",
                      entry.seed, entry.fingerprint, rerun->second.fingerprint,
                      FirstDivergence(checkpoints[i], rerun->second.checkpoints), entry.message);
      if (entry.outcome == sim::Outcome::kPass) failed++;
      entry.outcome = sim::Outcome::kNondeterministic;
      entry.checker = "determinism";
      entry.reproduce = ReproduceCommand(entry.seed, arguments.mutants, arguments.overrides);
      fmt::print("FAIL seed={} kind=determinism checker=determinism: {}\n", entry.seed,
                 entry.message);
    }
    summary.entries.push_back(std::move(entry));
  }
}

}  // namespace

int SweepCommand(const SweepArguments& arguments) {
  InstallStopSignals();
  OutputFolder report;
  OutputFolder failures;
  OutputFolder histories;
  const auto abandon = [&] {
    histories.Abandon();
    failures.Abandon();
    report.Abandon();
  };
  for (auto [folder, dir, flag, kind] :
       {std::tuple{&report, arguments.report_dir, "--report", FolderKind::kReport},
        std::tuple{&failures, arguments.save_failures_dir, "--save-failures",
                   FolderKind::kSeedFiles},
        std::tuple{&histories, arguments.history_dir, "--history-dir", FolderKind::kHistories}}) {
    if (dir.empty()) continue;
    if (const std::string error = folder->Prepare(dir, flag, kind); !error.empty()) {
      fmt::print(stderr, "vsrsim: {}\n", error);
      abandon();
      return kExitIo;
    }
  }
  const std::size_t jobs =
      arguments.jobs != 0 ? arguments.jobs
                          : static_cast<std::size_t>(std::max(1L, ::sysconf(_SC_NPROCESSORS_ONLN)));
  SweepSummary summary;
  summary.mutants = MutantNames(arguments.mutants);
  summary.shard = fmt::format("{}/{}", arguments.shard_index, arguments.shard_count);
  summary.range = fmt::format("{}..{}", arguments.first, arguments.last);
  summary.profile = arguments.overrides.profile == faults::Profile::kNetwork ? "network" : "full";
  summary.overrides = OverrideFlags(arguments.overrides);
  SeedStream stream(arguments);
  Progress progress(SeedStream::Count(arguments), arguments.quiet);
  std::uint64_t done = 0;
  std::size_t failed = 0;
  for (std::vector<std::uint64_t> seeds; StopSignal() == 0;) {
    seeds.clear();
    stream.Take(kBatchSeeds, seeds);
    if (seeds.empty()) break;
    PlayBatch(arguments, jobs, seeds, summary, progress, done, failed);
  }
  progress.update(done, failed, true);
  const int stop = StopSignal();
  summary.interrupted = stop != 0;
  if (stop != 0 && summary.entries.empty()) {
    abandon();
    fmt::print(stderr, "vsrsim: stopped by {} before any seed finished; nothing written\n",
               SignalName(stop));
    return ExitCodeOfSignal(stop);
  }

  int io_status = 0;
  bool pages = true;
  if (!arguments.report_dir.empty()) {
    if (const std::string error = WriteReports(report, summary); !error.empty()) {
      fmt::print(stderr, "vsrsim: {}\n", error);
      io_status = kExitIo;
      pages = false;
    }
  }
  if (!arguments.history_dir.empty()) {
    if (const std::string error = histories.ReplaceEarlier(); !error.empty()) {
      fmt::print(stderr, "vsrsim: {}\n", error);
      io_status = kExitIo;
      pages = false;
    }
  }
  if (pages && (!arguments.report_dir.empty() || !arguments.history_dir.empty()) &&
      WriteFailurePages(arguments, summary.entries, jobs) != 0) {
    io_status = kExitIo;
  }
  if (!arguments.save_failures_dir.empty()) {
    if (const std::string error = failures.ReplaceEarlier(); !error.empty()) {
      fmt::print(stderr, "vsrsim: {}\n", error);
      io_status = kExitIo;
    } else if (SaveFailures(arguments, summary.entries) != 0) {
      io_status = kExitIo;
    }
  }
  const std::size_t passed = static_cast<std::size_t>(
      std::count_if(summary.entries.begin(), summary.entries.end(),
                    [](const SweepEntry& e) { return e.outcome == sim::Outcome::kPass; }));
  fmt::print(
      "SWEEP seeds={} passed={} failed={}{} signatures={} bits={} "
      "fingerprint_of_fingerprints={:016x}\n",
      summary.entries.size(), passed, summary.entries.size() - passed,
      summary.interrupted ? " INTERRUPTED" : "", DistinctSignatures(summary.entries),
      summary.reached.count(), FingerprintOfFingerprints(summary.entries));
  if (stop != 0) {
    fmt::print(stderr,
               "vsrsim: stopped by {} after {} seeds; the report holds the seeds that "
               "finished\n",
               SignalName(stop), summary.entries.size());
    return ExitCodeOfSignal(stop);
  }
  const int status = SweepExitCode(summary.entries);
  if (status != 0) return status;
  return io_status;
}

}  // namespace vsrsim::reports
