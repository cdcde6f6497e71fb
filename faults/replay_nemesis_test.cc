// Tests of the replay fault: its events format and parse back, the nemesis replays only messages
// the network remembers, and a swarm run with the fault on replays stale messages and still
// dumps as a scenario that plays to the same fingerprint.

#include "faults/replay_nemesis.h"

#include <gtest/gtest.h>

#include <string>

#include "core/message.h"
#include "faults/fault_event.h"
#include "faults/scenario.h"
#include "faults/swarm.h"

namespace vsrsim::faults {
namespace {

TEST(ReplayFaultTest, EventFormatsAndParsesBack) {
  // `at TICK replay FROM TO KIND AGE` with the message kind by name.
  const FaultEvent event{
      .tick = 12,
      .kind = FaultKind::kReplay,
      .a = 2,
      .b = 1,
      .message = static_cast<std::uint8_t>(core::Message(core::StartView{}).index()),
      .age = 3};
  EXPECT_EQ(FormatFaultEvent(event), "at 12 replay 2 1 start_view 3");
  std::string error;
  const std::optional<FaultEvent> parsed = ParseFaultEvent("at 12 replay 2 1 start_view 3", error);
  ASSERT_TRUE(parsed.has_value()) << error;
  EXPECT_EQ(*parsed, event);
}

TEST(ReplayFaultTest, MalformedReplayEventsAreRefusedWithTheExpectedForm) {
  // An unknown kind, an age beyond the memory, or a missing operand names the form it expects.
  for (const char* text : {"at 1 replay 0 1 nonsense 0", "at 1 replay 0 1 start_view 4",
                           "at 1 replay 0 1 start_view"}) {
    std::string error;
    EXPECT_FALSE(ParseFaultEvent(text, error).has_value()) << text;
    EXPECT_NE(error.find("replay FROM TO KIND AGE"), std::string::npos) << error;
  }
}

// The first swarm seed (full profile) with both replay rates on and at least one crash.
std::uint64_t SeedWithReplays() {
  for (std::uint64_t seed = 1; seed < 10'000; seed++) {
    const sim::RunOptions options = DrawOptions(seed, Profile::kFull);
    if (options.faults.replay.numerator > 0 && options.faults.replay_after_restart.numerator > 0 &&
        options.faults.crash.numerator > 0 && options.replica_count >= 3) {
      return seed;
    }
  }
  return 0;
}

TEST(ReplayFaultTest, SwarmRunReplaysStaleMessagesAndDumpsToAnExactScenario) {
  // The swarm turns the fault on per seed; its replays are recorded as events, so the dumped
  // scenario plays to the very same run.
  const std::uint64_t seed = SeedWithReplays();
  ASSERT_NE(seed, 0U);
  sim::RunOptions options = DrawOptions(seed, Profile::kFull);
  EXPECT_TRUE(options.network.replay_memory);
  sim::RunResult swarm;
  const Scenario scenario = DumpScenario(options, &swarm);
  EXPECT_EQ(swarm.outcome, sim::Outcome::kPass) << swarm.message;
  EXPECT_GT(swarm.coverage.replays, 0U);
  std::size_t replay_events = 0;
  for (const FaultEvent& event : scenario.events) {
    if (event.kind == FaultKind::kReplay) replay_events++;
  }
  EXPECT_EQ(replay_events, swarm.coverage.replays);
  std::string error;
  const std::optional<Scenario> parsed = ParseScenario("dumped", FormatScenario(scenario), error);
  ASSERT_TRUE(parsed.has_value()) << error;
  const sim::RunResult played = PlayScenario(*parsed);
  EXPECT_EQ(played.fingerprint, swarm.fingerprint);
  EXPECT_EQ(played.coverage.replays, swarm.coverage.replays);
}

}  // namespace
}  // namespace vsrsim::faults
