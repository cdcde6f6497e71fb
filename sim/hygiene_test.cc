// Tests of the hygiene checker (white-box): a pending waiter planted in a replica's table fires
// when the replica enters a new view and at quiescence; without one, or without a new view, it
// does not.

#include "sim/hygiene.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "faults/swarm.h"
#include "sim/cluster.h"

namespace vsrsim::sim {
namespace {

constexpr core::ClientId kStranger{0xfeedface0002};

void ExpectHygiene(const Finding& finding, const std::vector<std::string>& mentions) {
  ASSERT_TRUE(finding.has_value());
  EXPECT_EQ(finding->outcome, Outcome::kSafety);
  EXPECT_EQ(finding->checker, "hygiene");
  EXPECT_FALSE(IsOutsideOnly(finding->checker));
  for (const std::string& mention : mentions) {
    EXPECT_NE(finding->message.find(mention), std::string::npos)
        << "'" << mention << "' not in: " << finding->message;
  }
}

TEST(HygieneTest, PendingEntryIntoANewViewAndAtQuiescenceFires) {
  RunOptions options = faults::DrawOptions(8, faults::Profile::kNetwork);
  options.replica_count = 3;
  Cluster cluster(options);
  for (int i = 0; i < 100'000 && cluster.replica(1)->commit_min() < 3; i++) {
    ASSERT_TRUE(cluster.step());
    ASSERT_FALSE(cluster.finding().has_value());
  }
  HygieneChecker checker;
  const core::Replica& replica = *cluster.replica(1);
  EXPECT_EQ(checker.on_replica_changed({}, {.replica = &replica, .new_view = true}), std::nullopt);
  EXPECT_EQ(checker.on_quiescent({&replica}), std::nullopt);

  cluster.replica_for_test(1)->clients_table_for_test().register_pending(kStranger, 4);
  EXPECT_EQ(checker.on_replica_changed({}, {.replica = &replica, .new_view = false}), std::nullopt);
  ExpectHygiene(checker.on_replica_changed({}, {.replica = &replica, .new_view = true}),
                {"replica 1 entered view", "1 pending entry",
                 fmt::format("client {} request 4", core::Raw(kStranger))});
  ExpectHygiene(checker.on_quiescent({cluster.replica(0), &replica}),
                {"replica 1 still holds 1 pending waiter"});
}

}  // namespace
}  // namespace vsrsim::sim
