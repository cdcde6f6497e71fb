// Tests of the quiescence efficiency bound on planted sends: an idle core whose primary sends one
// heartbeat per period passes; a heartbeat every tick, or any other message between core replicas
// (a repair request, an acknowledgement), fires; messages to or from replicas outside the core do
// not count.

#include "sim/quiescence.h"

#include <gtest/gtest.h>

#include <string>

#include "core/message.h"

namespace vsrsim::sim {
namespace {

constexpr std::uint64_t kWindowTicks = 40;

core::Commit Heartbeat() { return {.view = 3, .commit = 7, .replica = core::ReplicaIndex{0}}; }

TEST(QuiescenceTest, OneHeartbeatPerPeriodPasses) {
  // Core {0, 1, 2} (primary 0) of four replicas; replica 3 is cut off and chatters.
  QuiescenceChecker checker;
  checker.watch({0, 1, 2}, 0, kWindowTicks, 0);
  for (std::uint64_t tick = 0; tick < kWindowTicks; tick += 2) {
    checker.on_send(0, 1, Heartbeat());
    checker.on_send(0, 2, Heartbeat());
    checker.on_send(0, 3, Heartbeat());
    checker.on_send(3, 1, core::StartViewChange{.view = 4, .replica = core::ReplicaIndex{3}});
  }
  EXPECT_FALSE(checker.finish());
  EXPECT_FALSE(checker.watching());
}

TEST(QuiescenceTest, AHeartbeatEveryTickFires) {
  QuiescenceChecker checker;
  checker.watch({0, 1, 2}, 0, kWindowTicks, 50'000);
  for (std::uint64_t tick = 0; tick < kWindowTicks; tick++) checker.on_send(0, 1, Heartbeat());
  const Finding finding = checker.finish();
  ASSERT_TRUE(finding.has_value());
  EXPECT_EQ(finding->outcome, Outcome::kLiveness);
  EXPECT_EQ(finding->checker, "quiescence");
  EXPECT_NE(finding->message.find("40 heartbeats"), std::string::npos) << finding->message;
}

TEST(QuiescenceTest, AnyOtherMessageBetweenCoreReplicasFires) {
  QuiescenceChecker checker;
  checker.watch({0, 1, 2}, 0, kWindowTicks, 0);
  checker.on_send(2, 0, core::RequestPrepare{.view = 3, .op = 8, .replica = core::ReplicaIndex{2}});
  const Finding finding = checker.finish();
  ASSERT_TRUE(finding.has_value());
  EXPECT_NE(finding->message.find("replica 2 sent replica 0 a request_prepare"), std::string::npos)
      << finding->message;
}

TEST(QuiescenceTest, NothingCountsBeforeWatching) {
  QuiescenceChecker checker;
  checker.on_send(2, 0, core::RequestPrepare{.view = 3, .op = 8, .replica = core::ReplicaIndex{2}});
  checker.watch({0, 1, 2}, 0, kWindowTicks, 0);
  EXPECT_FALSE(checker.finish());
}

}  // namespace
}  // namespace vsrsim::sim
