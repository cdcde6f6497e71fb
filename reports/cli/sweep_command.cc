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
#include <map>

#include "reports/atomic_file.h"
#include "reports/cli/commands.h"
#include "reports/cli/isolate.h"
#include "reports/history_jsonl.h"
#include "reports/html_report.h"
#include "reports/run_json.h"
#include "reports/seed_file.h"
#include "reports/summary.h"

namespace vsrsim::reports {

namespace {

volatile sig_atomic_t g_interrupted = 0;

void OnSignal(int) { g_interrupted = 1; }

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

class Progress {
 public:
  Progress(std::size_t total, bool quiet)
      : total_(total),
        quiet_(quiet),
        tty_(::isatty(STDERR_FILENO) != 0),
        start_(MonotonicSeconds()) {}

  void update(std::size_t done, std::size_t failed, bool final) {
    if (quiet_) return;
    const double now = MonotonicSeconds();
    if (!final && now - last_ < (tty_ ? 0.2 : 5.0)) return;
    last_ = now;
    const double elapsed = now - start_;
    const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0;
    const double eta = rate > 0 ? static_cast<double>(total_ - done) / rate : 0;
    if (tty_) {
      constexpr std::size_t kWidth = 30;
      const std::size_t filled = total_ == 0 ? kWidth : done * kWidth / total_;
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
  std::size_t total_;
  bool quiet_;
  bool tty_;
  double start_;
  double last_ = 0;
};

// At most this many failing seeds get a space-time page: each is a re-run and up to half a MB.
constexpr std::size_t kFailurePagesMax = 100;

// Writes DIR/seed-N.html (--report) and HISTORY_DIR/seed-N.jsonl (--history-dir, the client
// history) for the failing seeds: each is re-run with its trace or history kept, in a forked
// child that writes the page itself (the records never cross the pipe), so a seed that crashes
// again cannot take the sweep down; its page is then written here, without the diagram. A seed
// that timed out is not re-run (it would only time out again), nor one that was killed from
// outside twice (its re-run would show a run that is not the one recorded). Returns kExitIo if a
// page could not be written, else 0.
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
    if (entry.outcome != sim::Outcome::kTimeout && entry.outcome != sim::Outcome::kKilled) {
      reruns.push_back(&entry);
      continue;
    }
    sim::RunResult result;
    result.options = ResolveOptions(entry.seed, arguments.mutants, arguments.overrides);
    result.outcome = entry.outcome;
    result.checker = entry.checker;
    result.message = entry.message;
    write(entry, result);
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
      [] { return g_interrupted != 0; });
  return status;
}

}  // namespace

int SweepCommand(const SweepArguments& arguments) {
  for (const auto& [dir, flag] : {std::pair{arguments.report_dir, "--report"},
                                  std::pair{arguments.save_failures_dir, "--save-failures"},
                                  std::pair{arguments.history_dir, "--history-dir"}}) {
    if (dir.empty()) continue;
    if (const std::string error = EnsureDirectory(dir, flag); !error.empty()) {
      fmt::print(stderr, "vsrsim: {}\n", error);
      return kExitIo;
    }
  }
  std::vector<std::uint64_t> seeds;
  for (std::uint64_t seed = arguments.first, position = 0;; seed++, position++) {
    if (position % arguments.shard_count == arguments.shard_index) seeds.push_back(seed);
    if (seed == arguments.last) break;
  }
  const std::size_t jobs =
      arguments.jobs != 0 ? arguments.jobs
                          : static_cast<std::size_t>(std::max(1L, ::sysconf(_SC_NPROCESSORS_ONLN)));
  // Work items: every seed once, and the re-checked seeds a second time.
  std::vector<std::size_t> items;
  for (std::size_t i = 0; i < seeds.size(); i++) items.push_back(i);
  for (std::size_t i = 0; i < seeds.size(); i++) {
    if (RecheckSeed(seeds[i], arguments.check_determinism_per_mille)) items.push_back(i);
  }

  struct sigaction action {};
  action.sa_handler = OnSignal;
  ::sigaction(SIGINT, &action, nullptr);
  ::sigaction(SIGTERM, &action, nullptr);

  std::vector<SweepEntry> entries(seeds.size());
  std::vector<std::vector<std::uint64_t>> checkpoints(seeds.size());
  std::vector<bool> finished(seeds.size(), false);
  std::map<std::size_t, sim::RunResult> reruns;
  std::size_t done = 0;
  std::size_t failed = 0;
  Progress progress(items.size(), arguments.quiet);
  const auto options_of = [&](std::size_t item) {
    return ResolveOptions(seeds[items[item]], arguments.mutants, arguments.overrides);
  };
  RunPool(
      items.size(), {.jobs = jobs, .timeout_ms = arguments.timeout_ms}, options_of,
      [&](std::size_t item) {
        sim::RunOptions options = options_of(item);
        // A planted violation for the determinism check's own test (see reports/cli_test.sh): the
        // worker mixes its process id and how many runs it has played into one option, so two
        // runs of a seed differ. Only the CLI reads the environment; the simulation never does.
        if (std::getenv("VSRSIM_PLANT_NONDETERMINISM") != nullptr) {
          static std::uint64_t runs_in_worker = 0;
          options.network.delay_min_us +=
              (static_cast<std::uint64_t>(::getpid()) + runs_in_worker++) % 7;
        }
        return PlayRun(options);
      },
      [&](std::size_t item, IsolatedRun&& run) {
        const std::size_t index = items[item];
        done++;
        if (item >= seeds.size()) {
          reruns[index] = std::move(run.result);
        } else {
          SweepEntry& entry = entries[index];
          entry.seed = seeds[index];
          entry.outcome = run.result.outcome;
          entry.checker = run.result.checker;
          entry.message = run.result.message;
          entry.fingerprint = run.result.fingerprint;
          entry.coverage = run.result.coverage;
          checkpoints[index] = run.result.checkpoints;
          entry.reproduce = ReproduceCommand(seeds[index], arguments.mutants, arguments.overrides);
          finished[index] = true;
          if (entry.outcome != sim::Outcome::kPass) {
            failed++;
            if (!arguments.quiet) fmt::print(stderr, "\n");
            fmt::print("FAIL seed={} kind={} checker={}: {}\n  reproduce: {}\n", entry.seed,
                       sim::OutcomeName(entry.outcome), entry.checker, entry.message,
                       entry.reproduce);
            std::fflush(stdout);
          }
        }
        progress.update(done, failed, false);
      },
      [] { return g_interrupted != 0; });
  progress.update(done, failed, true);

  SweepSummary summary;
  summary.mutants = MutantNames(arguments.mutants);
  summary.shard = fmt::format("{}/{}", arguments.shard_index, arguments.shard_count);
  summary.interrupted = g_interrupted != 0;
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
      entry.outcome = sim::Outcome::kNondeterministic;
      entry.checker = "determinism";
      fmt::print("FAIL seed={} kind=determinism checker=determinism: {}\n", entry.seed,
                 entry.message);
    }
    summary.entries.push_back(entry);
  }

  int io_status = 0;
  if (!arguments.report_dir.empty()) {
    if (const std::string error = WriteReports(arguments.report_dir, summary); !error.empty()) {
      fmt::print(stderr, "vsrsim: {}\n", error);
      io_status = kExitIo;
    }
  }
  if (!arguments.report_dir.empty() || !arguments.history_dir.empty()) {
    if (WriteFailurePages(arguments, summary.entries, jobs) != 0) io_status = kExitIo;
  }
  if (!arguments.save_failures_dir.empty()) {
    for (const SweepEntry& entry : summary.entries) {
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
      if (const std::string error = WriteFileAtomically(path, FormatSeedFile(file));
          !error.empty()) {
        fmt::print(stderr, "vsrsim: {}\n", error);
        io_status = kExitIo;
      }
    }
  }
  const std::size_t passed = static_cast<std::size_t>(
      std::count_if(summary.entries.begin(), summary.entries.end(),
                    [](const SweepEntry& e) { return e.outcome == sim::Outcome::kPass; }));
  fmt::print("SWEEP seeds={} passed={} failed={}{} fingerprint_of_fingerprints={:016x}\n",
             summary.entries.size(), passed, summary.entries.size() - passed,
             summary.interrupted ? " INTERRUPTED" : "", FingerprintOfFingerprints(summary.entries));
  const int status = SweepExitCode(summary.entries);
  if (status != 0) return status;
  if (io_status != 0) return io_status;
  return summary.interrupted ? 130 : 0;
}

}  // namespace vsrsim::reports
