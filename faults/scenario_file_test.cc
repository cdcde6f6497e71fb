// Scenario files as a user writes them: every swarm draw lies inside the option ranges and every
// dumped run parses back; duplicate keys, empty files, values out of range and fault events or
// core members the cluster does not have are refused, naming the file, the line and the range.

#include <gtest/gtest.h>

#include <string>

#include "faults/scenario.h"
#include "faults/swarm.h"

namespace vsrsim::faults {
namespace {

// A small valid scenario: 3 replicas, 2 clients.
const std::string kBase =
    "seed = 9\nreplica_count = 3\nclient_count = 2\nclients_max = 4\ncore = 0,1\n";

std::string ErrorOf(const std::string& text) {
  std::string error;
  const auto scenario = ParseScenario("f.sc", text, error);
  EXPECT_FALSE(scenario.has_value()) << text;
  return error;
}

TEST(ScenarioFileTest, SwarmDrawsLieInsideTheRanges) {
  for (std::uint64_t seed = 1; seed <= 3000; seed++) {
    for (const Profile profile : {Profile::kFull, Profile::kNetwork}) {
      const auto problem = sim::ValidateOptions(DrawOptions(seed, profile));
      ASSERT_FALSE(problem.has_value()) << "seed " << seed << ": " << problem->message;
    }
  }
}

TEST(ScenarioFileTest, DumpedRunsParseBackToTheSameScenario) {
  for (std::uint64_t seed = 1; seed <= 40; seed++) {
    const Scenario dumped = DumpScenario(DrawOptions(seed, Profile::kFull), nullptr);
    std::string error;
    const auto parsed = ParseScenario("dump", FormatScenario(dumped), error);
    ASSERT_TRUE(parsed.has_value()) << "seed " << seed << ": " << error;
    EXPECT_EQ(FormatScenario(*parsed), FormatScenario(dumped));
  }
}

TEST(ScenarioFileTest, TheBaseParses) {
  std::string error;
  EXPECT_TRUE(ParseScenario("f.sc", kBase + "at 5 crash 2\nat 6 disconnect 1 for 3\n", error))
      << error;
}

TEST(ScenarioFileTest, AnEmptyFileIsRefused) {
  EXPECT_NE(ErrorOf("").find("empty"), std::string::npos);
  EXPECT_NE(ErrorOf("# only a comment\n\n").find("empty"), std::string::npos);
  EXPECT_NE(ErrorOf("replica_count = 3\n").find("no `seed"), std::string::npos);
}

TEST(ScenarioFileTest, ADuplicateKeyNamesBothLines) {
  EXPECT_EQ(ErrorOf(kBase + "replica_count = 4\n"),
            "f.sc:6: replica_count is set twice (also on line 2); keep one");
  EXPECT_NE(ErrorOf(kBase + "core = 0\n").find("f.sc:6: core is set twice"), std::string::npos);
}

TEST(ScenarioFileTest, AValueOutOfRangeNamesLineKeyValueAndRange) {
  EXPECT_EQ(ErrorOf(kBase + "tick_us = 0\n"),
            "f.sc:6: option tick_us = '0': out of range 1..1000000");
  EXPECT_EQ(ErrorOf(kBase + "network_delay_min_us = 18446744073709503230\n"),
            "f.sc:6: option network_delay_min_us = '18446744073709503230': out of range "
            "0..10000000");
  // A minimum above the default maximum blames the minimum's line.
  EXPECT_EQ(ErrorOf(kBase + "client_retry_ticks_min = 100\n"),
            "f.sc:6: option client_retry_ticks_max = '64': below client_retry_ticks_min = 100 "
            "(range client_retry_ticks_min..10000)");
}

TEST(ScenarioFileTest, FaultEventsOutOfRangeForTheClusterAreRefused) {
  EXPECT_EQ(ErrorOf(kBase + "at 5 crash 9\n"),
            "f.sc:6: at 5 crash 9: replica 9 is out of range 0..2 (the scenario has 3 replicas "
            "and 2 clients)");
  EXPECT_NE(ErrorOf(kBase + "at 5 crash 257\n").find("f.sc:6: index 257 is out of range"),
            std::string::npos);
  EXPECT_NE(ErrorOf(kBase + "at 5 disconnect 2 for 3\n").find("client 2 is out of range 0..1"),
            std::string::npos);
  EXPECT_NE(ErrorOf(kBase + "at 5 block 0 5 for 3\n").find("process 5 is out of range 0..4"),
            std::string::npos);
  EXPECT_NE(ErrorOf(kBase + "at 5 clog 0 3 for 3\n").find("replica 3 is out of range 0..2"),
            std::string::npos);
  EXPECT_NE(ErrorOf(kBase + "at 5 isolate 1 for 0\n").find("duration 0 is out of range"),
            std::string::npos);
  // Options after the events still bound them.
  EXPECT_NE(ErrorOf("seed = 1\nat 5 crash 2\nreplica_count = 2\n").find("f.sc:2:"),
            std::string::npos);
}

TEST(ScenarioFileTest, ACoreMemberTheClusterLacksIsRefused) {
  EXPECT_EQ(ErrorOf("seed = 1\nreplica_count = 2\ncore = 0,2\n"),
            "f.sc:3: core: replica 2 is out of range 0..1");
}

TEST(ScenarioFileTest, WithinClusterDropsWhatTheClusterLacks) {
  std::string error;
  auto scenario = ParseScenario("f.sc", kBase + "at 5 crash 2\nat 6 disconnect 1 for 3\n", error);
  ASSERT_TRUE(scenario.has_value()) << error;
  scenario->options.replica_count = 2;
  scenario->options.client_count = 1;
  const Scenario cut = WithinCluster(*scenario);
  EXPECT_TRUE(cut.events.empty());
  EXPECT_EQ(cut.core, (std::vector<std::size_t>{0, 1}));
  EXPECT_TRUE(ParseScenario("cut", FormatScenario(cut), error).has_value()) << error;
}

}  // namespace
}  // namespace vsrsim::faults
