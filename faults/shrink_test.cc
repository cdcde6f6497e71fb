// Shrinking never trusts what it did not see: a candidate whose verdict is unknown (it ran out of
// time) is never kept, a stop ends the search with the smallest failure verified so far, and what
// is kept fits its cluster. The verdicts here are stubs, so no run is played.

#include "faults/shrink.h"

#include <gtest/gtest.h>

#include <optional>

namespace vsrsim::faults {
namespace {

Scenario FourEvents() {
  Scenario scenario;
  scenario.options.replica_count = 3;
  scenario.options.client_count = 2;
  for (std::uint64_t tick = 10; tick <= 40; tick += 10) {
    scenario.events.push_back({.tick = tick, .kind = FaultKind::kCrash, .a = 2});
  }
  scenario.core = {0, 1, 2};
  return scenario;
}

const Verdict kTarget{sim::Outcome::kSafety, "at-most-once"};

TEST(ShrinkTest, AnUnknownVerdictIsNeverKept) {
  ShrinkStats stats;
  const Scenario input = FourEvents();
  const Scenario result = Shrink(
      input, kTarget, [](const Scenario&) -> std::optional<Verdict> { return std::nullopt; },
      {.candidates_max = 100, .stop = {}}, stats);
  EXPECT_EQ(FormatScenario(result), FormatScenario(input));
  EXPECT_EQ(stats.accepted, 0U);
  EXPECT_GT(stats.unknown, 0U);
  EXPECT_EQ(stats.unknown, stats.candidates);
}

TEST(ShrinkTest, AStopEndsTheSearchWithTheLastVerifiedFailure) {
  ShrinkStats stats;
  std::uint64_t played = 0;
  const Scenario result = Shrink(
      FourEvents(), kTarget,
      [&](const Scenario&) -> std::optional<Verdict> {
        played++;
        return kTarget;  // Every candidate fails the same way...
      },
      {.candidates_max = 100, .stop = [&] { return played >= 1; }},  // ...but only one is played.
      stats);
  EXPECT_TRUE(stats.stopped);
  EXPECT_EQ(stats.candidates, 1U);
  EXPECT_EQ(stats.accepted, 1U);
  EXPECT_LT(result.events.size(), 4U);
}

TEST(ShrinkTest, WhatIsKeptFitsItsCluster) {
  ShrinkStats stats;
  // Everything fails: the shrinker cuts the cluster to one replica, and the crashes of replica 2
  // and the core members beyond it go with it, so the result parses back.
  const Scenario result = Shrink(
      FourEvents(), kTarget, [](const Scenario&) -> std::optional<Verdict> { return kTarget; },
      {.candidates_max = 1000, .stop = {}}, stats);
  EXPECT_EQ(result.options.replica_count, 1U);
  EXPECT_TRUE(result.events.empty());
  std::string error;
  EXPECT_TRUE(ParseScenario("shrunk", FormatScenario(result), error).has_value()) << error;
}

}  // namespace
}  // namespace vsrsim::faults
