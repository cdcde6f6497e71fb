#include "reports/cli/isolate.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

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
