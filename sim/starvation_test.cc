// Tests of the starvation oracle on synthetic observation streams: a client retrying one request
// to a stable, connected primary with the faults off fires once it has tried tries_max times over
// the span; anything that legitimately delays the answer does not.

#include "sim/starvation.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace vsrsim::sim {
namespace {

constexpr core::ClientId kClient{0xc1};
constexpr StarvationBounds kBounds{.stretch_ticks = 20, .span_ticks = 50, .tries_max = 4};

core::Request Open(core::RequestNumber request) {
  return core::Request{.client = kClient,
                       .session = 1,
                       .request = request,
                       .operation = core::Operation::kAppend,
                       .entry_count = 1,
                       .entries = {request, 0, 0, 0}};
}

// Three replicas; replica 1 is the primary of view 1, normal since tick 100; the faults are off.
StarvationChecker StablePrimaryOne() {
  StarvationChecker checker(3, 1, kBounds);
  checker.on_replica(0, 0, true, 0);
  checker.on_replica(90, 0, false, 1);
  checker.on_replica(100, 1, true, 1);
  checker.on_heal();
  return checker;
}

// The client retries `request` to replicas 0, 1, 2, 0, 1, ... every 10 ticks from `tick`, for
// `sends` sends; returns the first finding.
Finding Retry(StarvationChecker& checker, std::uint64_t tick, int sends,
              core::RequestNumber request = 1, bool link_clear = true) {
  for (int i = 0; i < sends; i++) {
    const auto to = static_cast<std::size_t>(i % 3);
    if (Finding finding = checker.on_client_send(tick + 10 * static_cast<std::uint64_t>(i), 0,
                                                 kClient, to, Open(request), link_clear)) {
      return finding;
    }
  }
  return std::nullopt;
}

TEST(StarvationTest, RetriesUnansweredByAStablePrimaryFire) {
  // Five tries to replica 1 (sends 2, 5, 8, 11, 14 of a rotation) with no reply: the fifth finds
  // four unanswered, over more than the span: a liveness finding naming the client and replica.
  StarvationChecker checker = StablePrimaryOne();
  const Finding finding = Retry(checker, 200, 14);
  ASSERT_TRUE(finding.has_value());
  EXPECT_EQ(finding->outcome, Outcome::kLiveness);
  EXPECT_EQ(finding->checker, "starvation");
  for (const std::string& mention :
       std::vector<std::string>{fmt::format("client {} tried request 1", core::Raw(kClient)),
                                "4 times", "on replica 1", "normal in view 1 since tick 100"}) {
    EXPECT_NE(finding->message.find(mention), std::string::npos) << mention << finding->message;
  }
  EXPECT_TRUE(IsOutsideOnly(finding->checker));
}

TEST(StarvationTest, AReplyInTimeResetsTheCount) {
  // The same stream with a reply after the fourth try, then the next request tried four times:
  // no finding.
  StarvationChecker checker = StablePrimaryOne();
  EXPECT_EQ(Retry(checker, 200, 12), std::nullopt);
  checker.on_answered(0);
  EXPECT_EQ(Retry(checker, 400, 12, /*request=*/2), std::nullopt);
}

TEST(StarvationTest, ANewRequestStartsItsOwnCount) {
  // Tries of different requests do not add up.
  StarvationChecker checker = StablePrimaryOne();
  EXPECT_EQ(Retry(checker, 200, 12, 1), std::nullopt);
  EXPECT_EQ(Retry(checker, 400, 12, 2), std::nullopt);
}

TEST(StarvationTest, NothingCountsWhileFaultsAreOn) {
  // Under faults a primary may rightly not answer (its backups may be cut off).
  StarvationChecker checker(3, 1, kBounds);
  checker.on_replica(100, 1, true, 1);
  EXPECT_EQ(Retry(checker, 200, 60), std::nullopt);
}

TEST(StarvationTest, ABlockedLinkOrAYoungPrimaryDoesNotCount) {
  // Tries over a blocked link, or to a primary normal for less than the stretch, do not count.
  StarvationChecker blocked = StablePrimaryOne();
  EXPECT_EQ(Retry(blocked, 200, 60, 1, /*link_clear=*/false), std::nullopt);
  StarvationChecker young(3, 1, kBounds);
  young.on_heal();
  for (std::uint64_t tick = 0; tick < 600; tick += 10) {
    // Replica 1 becomes primary of a new view every 10 ticks: never stable for 20.
    young.on_replica(tick, 1, true, tick / 10 + 1);
    EXPECT_EQ(young.on_client_send(tick, 0, kClient, 1, Open(1), true), std::nullopt) << tick;
  }
}

TEST(StarvationTest, AHigherViewOrACrashEndsTheStretch) {
  // A replica normal in a higher view takes over as the primary to judge; a crashed primary is not
  // normal. Either way the count starts again.
  StarvationChecker checker = StablePrimaryOne();
  EXPECT_EQ(Retry(checker, 200, 12), std::nullopt);  // Four tries to replica 1.
  checker.on_replica(330, 2, true, 2);
  EXPECT_EQ(Retry(checker, 340, 3), std::nullopt);  // Replica 1 is no longer the one to judge.
  checker.on_crash(2);
  EXPECT_EQ(Retry(checker, 400, 12), std::nullopt);  // Four tries again: the count restarted.
  const Finding finding = Retry(checker, 520, 3);
  ASSERT_TRUE(finding.has_value());
  EXPECT_EQ(finding->checker, "starvation");
}

}  // namespace
}  // namespace vsrsim::sim
