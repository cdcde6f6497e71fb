#include "reports/cli/isolate.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "reports/cli/commands.h"

namespace vsrsim::reports {
namespace {

constexpr std::uint64_t kSeeds = 300;

sim::RunOptions SeedOptions(std::size_t i) {
  return ResolveOptions(static_cast<std::uint64_t>(i) + 1, {}, {});
}

// Runs `count` items of `body` in a pool and returns each item's run.
std::map<std::size_t, IsolatedRun> Pool(std::size_t count, const PoolOptions& options,
                                        const std::function<sim::RunResult(std::size_t)>& body) {
  std::map<std::size_t, IsolatedRun> runs;
  RunPool(
      count, options, SeedOptions, body,
      [&](std::size_t i, IsolatedRun&& run) {
        EXPECT_TRUE(runs.emplace(i, std::move(run)).second) << "item " << i << " reported twice";
      },
      [] { return false; });
  EXPECT_EQ(runs.size(), count);
  return runs;
}

// A fresh path for a marker file.
std::string TemporaryPath() {
  char path[] = "/tmp/vsrsim-isolate-test-XXXXXX";
  const int fd = ::mkstemp(path);
  EXPECT_GE(fd, 0);
  ::close(fd);
  std::remove(path);
  return path;
}

TEST(IsolateTest, ASeedRunsTheSameInALongLivedWorkerAsAloneInAProcess) {
  // Seeds 1..300 played one after another in one worker give, seed by seed, the fingerprint,
  // checkpoints and event count of the same seed played first in a fresh process: nothing of one
  // run leaks into the next.
  const auto in_one_worker = Pool(kSeeds, {.jobs = 1, .timeout_ms = 0},
                                  [](std::size_t i) { return PlayRun(SeedOptions(i)); });
  for (std::size_t i = 0; i < kSeeds; i++) {
    const sim::RunOptions options = SeedOptions(i);
    const IsolatedRun alone = RunIsolated(
        options, [&] { return PlayRun(options); }, 0);
    const sim::RunResult& pooled = in_one_worker.at(i).result;
    EXPECT_EQ(pooled.fingerprint, alone.result.fingerprint) << "seed " << options.seed;
    EXPECT_EQ(pooled.checkpoints, alone.result.checkpoints) << "seed " << options.seed;
    EXPECT_EQ(pooled.events, alone.result.events) << "seed " << options.seed;
    EXPECT_EQ(pooled.outcome, alone.result.outcome) << "seed " << options.seed;
  }
}

TEST(IsolateTest, APooledResultCarriesEveryFieldTheParentReads) {
  // A worker sends its result in the pool's compact form (PoolRunJson: no options, coverage as an
  // array): every field the parent reads arrives as the body returned it, each coverage counter
  // in its own place.
  const auto runs = Pool(3, {.jobs = 2, .timeout_ms = 0}, [](std::size_t i) {
    sim::RunResult result;
    result.options = SeedOptions(i);
    result.outcome = i == 1 ? sim::Outcome::kSafety : sim::Outcome::kPass;
    result.checker = i == 1 ? "agreement" : "";
    result.message = fmt::format("item {} \"quoted\"\nline", i);
    result.fingerprint = 0xfedcba9876543210ULL + i;
    result.ticks = 11 + i;
    result.events = 22 + i;
    result.requests_committed = 33 + i;
    std::uint64_t n = 1;
    for (const auto& [name, value] : result.coverage.Fields())
      *result.coverage.Field(name) = n++ * 7 + i;
    result.signature.set(3 + i);
    result.signature.set(sim::kSignatureBits - 1);
    result.checkpoints = {0x1234 + i, 0xffffffffffffffffULL};
    result.state = i == 1 ? "replica 0: normal" : "";
    return result;
  });
  for (std::size_t i = 0; i < 3; i++) {
    const sim::RunResult& got = runs.at(i).result;
    EXPECT_EQ(got.options.seed, SeedOptions(i).seed);
    EXPECT_EQ(got.outcome, i == 1 ? sim::Outcome::kSafety : sim::Outcome::kPass);
    EXPECT_EQ(got.checker, i == 1 ? "agreement" : "");
    EXPECT_EQ(got.message, fmt::format("item {} \"quoted\"\nline", i));
    EXPECT_EQ(got.fingerprint, 0xfedcba9876543210ULL + i);
    EXPECT_EQ(got.ticks, 11 + i);
    EXPECT_EQ(got.events, 22 + i);
    EXPECT_EQ(got.requests_committed, 33 + i);
    std::uint64_t n = 1;
    for (const auto& [name, value] : got.coverage.Fields()) EXPECT_EQ(value, n++ * 7 + i) << name;
    sim::Signature signature;
    signature.set(3 + i);
    signature.set(sim::kSignatureBits - 1);
    EXPECT_EQ(got.signature, signature);
    EXPECT_EQ(got.checkpoints, (std::vector<std::uint64_t>{0x1234 + i, 0xffffffffffffffffULL}));
    EXPECT_EQ(got.state, i == 1 ? "replica 0: normal" : "");
  }
}

TEST(IsolateTest, ASmallPoolSpreadsOverEveryWorker) {
  // Eight items with two jobs (explore's batch) run in two workers, not all in the first one: a
  // worker takes at most its fair share of what is left.
  const auto runs = Pool(8, {.jobs = 2, .timeout_ms = 0}, [](std::size_t i) {
    sim::RunResult result;
    result.options = SeedOptions(i);
    result.ticks = static_cast<std::uint64_t>(::getpid());
    return result;
  });
  std::set<std::uint64_t> workers;
  for (const auto& [item, run] : runs) workers.insert(run.result.ticks);
  EXPECT_EQ(workers.size(), 2U);
}

TEST(IsolateTest, AnAbortingItemIsACrashWithItsAssertionAndTheOthersContinue) {
  // Item 3 aborts after printing an assertion line; it is a crash naming that line, its worker is
  // replaced, and every other item passes with only its own stderr.
  const auto runs = Pool(8, {.jobs = 2, .timeout_ms = 0}, [](std::size_t i) {
    if (i == 3) {
      std::fprintf(stderr, "planted.cc:1: assertion failed: planted\n");
      std::abort();
    }
    std::fprintf(stderr, "item %zu\n", i);
    return PlayRun(SeedOptions(i));
  });
  for (const auto& [i, run] : runs) {
    if (i == 3) {
      EXPECT_EQ(run.result.outcome, sim::Outcome::kCrash);
      EXPECT_NE(run.result.message.find("signal 6"), std::string::npos) << run.result.message;
      EXPECT_NE(run.result.message.find("assertion failed: planted"), std::string::npos)
          << run.result.message;
    } else {
      EXPECT_EQ(run.result.outcome, sim::Outcome::kPass) << "item " << i;
      EXPECT_EQ(run.child_stderr, "item " + std::to_string(i) + "\n");
    }
  }
}

TEST(IsolateTest, AHangingItemTimesOutAndTheOthersContinue) {
  // Item 1 never ends; after the limit it is a timeout and the other items pass.
  const auto runs = Pool(5, {.jobs = 2, .timeout_ms = 300}, [](std::size_t i) {
    while (i == 1) ::pause();
    return PlayRun(SeedOptions(i));
  });
  for (const auto& [i, run] : runs) {
    EXPECT_EQ(run.result.outcome, i == 1 ? sim::Outcome::kTimeout : sim::Outcome::kPass)
        << "item " << i;
  }
}

TEST(IsolateTest, AWorkerKilledFromOutsideOnceReRunsItsItem) {
  // The first run of item 2 is killed with SIGKILL (no crash record: a kill from outside); the
  // item runs again in a fresh worker and gets its true outcome.
  const std::string marker = TemporaryPath();
  const auto runs = Pool(4, {.jobs = 1, .timeout_ms = 0}, [&](std::size_t i) {
    if (i == 2 && ::access(marker.c_str(), F_OK) != 0) {
      std::fclose(std::fopen(marker.c_str(), "w"));
      ::kill(::getpid(), SIGKILL);
    }
    return PlayRun(SeedOptions(i));
  });
  std::remove(marker.c_str());
  for (const auto& [i, run] : runs) {
    EXPECT_EQ(run.result.outcome, sim::Outcome::kPass) << "item " << i;
  }
  EXPECT_EQ(runs.at(2).result.fingerprint, PlayRun(SeedOptions(2)).fingerprint);
}

TEST(IsolateTest, AWorkerKilledTwiceIsKilledNotACrash) {
  // An item whose worker is killed on every run is `killed` after one re-run, not `crash`.
  const auto runs = Pool(3, {.jobs = 2, .timeout_ms = 0}, [](std::size_t i) {
    if (i == 0) ::kill(::getpid(), SIGKILL);
    return PlayRun(SeedOptions(i));
  });
  EXPECT_EQ(runs.at(0).result.outcome, sim::Outcome::kKilled) << runs.at(0).result.message;
  EXPECT_EQ(runs.at(0).result.checker, "killed");
  EXPECT_EQ(runs.at(1).result.outcome, sim::Outcome::kPass);
  EXPECT_EQ(runs.at(2).result.outcome, sim::Outcome::kPass);
}

TEST(IsolateTest, AnAbortSentFromOutsideIsNotACrash) {
  // SIGABRT sent by another process (a helper the worker forks) is a kill from outside, not an
  // abort: the crash handler sees the sender's pid and writes no crash record.
  const auto runs = Pool(1, {.jobs = 1, .timeout_ms = 0}, [](std::size_t i) -> sim::RunResult {
    const pid_t self = ::getpid();
    if (::fork() == 0) {
      ::kill(self, SIGABRT);
      ::_exit(0);
    }
    for (;;) ::pause();
    return PlayRun(SeedOptions(i));
  });
  EXPECT_EQ(runs.at(0).result.outcome, sim::Outcome::kKilled) << runs.at(0).result.message;
}

}  // namespace
}  // namespace vsrsim::reports
