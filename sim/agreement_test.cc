#include "sim/agreement.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/bus.h"
#include "core/replica.h"
#include "core/storage.h"
#include "faults/swarm.h"
#include "sim/cluster.h"
#include "sim/sim_storage.h"

namespace vsrsim::sim {
namespace {

constexpr core::ClientId kStranger{0xfeedface0001};
const std::vector<std::size_t> kAll = {0, 1, 2};

RunOptions ThreeReplicas(std::uint64_t seed) {
  RunOptions options = faults::DrawOptions(seed, faults::Profile::kNetwork);
  options.replica_count = 3;
  return options;
}

// Steps `cluster` until `done` holds; false if the step budget runs out or a checker fires first.
bool StepUntil(Cluster& cluster, const std::function<bool()>& done) {
  for (int i = 0; i < 2'000'000 && !done(); i++) {
    if (!cluster.step() || cluster.finding().has_value()) return false;
  }
  return done();
}

// Every replica has executed at least a few ops (registers and appends).
bool AllCommitted(const Cluster& cluster) {
  for (std::size_t r = 0; r < cluster.replica_count(); r++) {
    if (cluster.replica(r)->commit_min() < 5) return false;
  }
  return true;
}

// Two replicas at the same commit_min, or {0, 0} if there are none.
std::pair<std::size_t, std::size_t> EqualPair(const Cluster& cluster) {
  for (std::size_t a = 0; a < cluster.replica_count(); a++) {
    for (std::size_t b = a + 1; b < cluster.replica_count(); b++) {
      if (cluster.replica(a)->commit_min() == cluster.replica(b)->commit_min()) return {a, b};
    }
  }
  return {0, 0};
}

void ExpectViolation(const Finding& finding, const std::string& checker,
                     const std::vector<std::string>& mentions) {
  ASSERT_TRUE(finding.has_value());
  EXPECT_EQ(finding->outcome, Outcome::kSafety);
  EXPECT_EQ(finding->checker, checker);
  for (const std::string& mention : mentions) {
    EXPECT_NE(finding->message.find(mention), std::string::npos)
        << "'" << mention << "' not in: " << finding->message;
  }
}

// A bus that goes nowhere, for replicas built outside a cluster.
class NullBus final : public core::Bus {
 public:
  void send_to_replica(core::ReplicaIndex, const core::Message&) override {}
  core::SendStatus send_to_client(core::ClientId, const core::Message&) override {
    return core::SendStatus::kSent;
  }
  void request_sync() override {}
  void on_execute(const core::Execution&) override {}
  void on_checkpoint_installed(const core::CheckpointInstalled&) override {}
};

SimStorage DurableStorage(const core::Superblock& superblock) {
  SimStorage storage;
  storage.write_superblock(superblock);
  storage.sync();
  return storage;
}

core::ReplicaOptions ReplicaZeroOfThree() {
  core::ReplicaOptions options;
  options.index = core::ReplicaIndex{0};
  options.replica_count = 3;
  return options;
}

// A replica 0 of three, restarted from a storage whose durable superblock is `superblock`.
struct RestartedReplica {
  explicit RestartedReplica(const core::Superblock& superblock)
      : storage(DurableStorage(superblock)),
        replica(ReplicaZeroOfThree(), storage, bus, /*restart_nonce=*/1) {}
  SimStorage storage;
  NullBus bus;
  core::Replica replica;
};

TEST(AgreementTest, ConvergedReplicasWithDifferentTablesFire) {
  // Two replicas at the same commit_min whose clients tables differ by one planted register fire;
  // untouched, they do not.
  Cluster cluster(ThreeReplicas(3));
  ASSERT_TRUE(StepUntil(cluster, [&] {
    return AllCommitted(cluster) && EqualPair(cluster) != std::pair<std::size_t, std::size_t>{};
  }));
  EXPECT_EQ(cluster.check_converged(kAll), std::nullopt);
  const auto [a, b] = EqualPair(cluster);
  const core::Op commit = cluster.replica(a)->commit_min();
  ASSERT_EQ(cluster.replica(a)->clients_table(), cluster.replica(b)->clients_table());

  const core::Op op = commit + 1000;
  cluster.replica_for_test(b)->clients_table_for_test().commit_register(
      core::Reply{.client = kStranger, .session = op, .request = 0, .op = op});
  ExpectViolation(cluster.check_converged(kAll), "agreement",
                  {fmt::format("replicas {} and {}", a, b),
                   fmt::format("executed up to op {}", commit), "different clients tables"});
}

TEST(AgreementTest, ReplicasReachingTheSameCommitWithDifferentTablesFire) {
  // Tables are compared whenever a second replica reaches a commit another replica recorded, not
  // only at quiescence: untouched, the second report passes; with a planted register in its table,
  // it fires, naming both replicas and the commit.
  Cluster cluster(ThreeReplicas(3));
  ASSERT_TRUE(StepUntil(cluster, [&] {
    return AllCommitted(cluster) && EqualPair(cluster) != std::pair<std::size_t, std::size_t>{};
  }));
  const auto [a, b] = EqualPair(cluster);
  const core::Op commit = cluster.replica(a)->commit_min();
  AgreementChecker untouched(3);
  EXPECT_EQ(untouched.on_replica(*cluster.replica(a)), std::nullopt);
  EXPECT_EQ(untouched.on_replica(*cluster.replica(b)), std::nullopt);

  AgreementChecker checker(3);
  EXPECT_EQ(checker.on_replica(*cluster.replica(a)), std::nullopt);
  const core::Op op = commit + 1000;
  cluster.replica_for_test(b)->clients_table_for_test().commit_register(
      core::Reply{.client = kStranger, .session = op, .request = 0, .op = op});
  ExpectViolation(checker.on_replica(*cluster.replica(b)), "agreement",
                  {fmt::format("replicas {} and {}", a, b),
                   fmt::format("both reached commit {}", commit), "different clients tables"});
}

TEST(AgreementTest, TheRunItselfComparesTablesAtEveryCommit) {
  // In a running cluster the comparison happens as replicas commit: a register planted in one
  // replica's table fires at the next commit both it and another replica reach. (A table with room
  // for the stranger, so that planting it evicts nobody.)
  RunOptions options = ThreeReplicas(3);
  options.clients_max = 64;
  Cluster cluster(options);
  ASSERT_TRUE(StepUntil(cluster, [&] { return AllCommitted(cluster); }));
  std::size_t behind = 0;
  for (std::size_t r = 1; r < cluster.replica_count(); r++) {
    if (cluster.replica(r)->commit_min() < cluster.replica(behind)->commit_min()) behind = r;
  }
  cluster.replica_for_test(behind)->clients_table_for_test().commit_register(
      core::Reply{.client = kStranger, .session = 1'000'000, .request = 0, .op = 1'000'000});
  for (int i = 0; i < 2'000'000 && !cluster.finding().has_value(); i++) {
    if (!cluster.step()) break;
  }
  ExpectViolation(cluster.finding(), "agreement",
                  {"both reached commit", "different clients tables"});
}

TEST(AgreementTest, ReplicasAtDifferentCommitsAreNotCompared) {
  // Tables of replicas at different commit_min may differ: on_converged compares equal commits
  // only.
  Cluster cluster(ThreeReplicas(4));
  ASSERT_TRUE(StepUntil(cluster, [&] { return AllCommitted(cluster); }));
  Cluster fresh(ThreeReplicas(4));
  AgreementChecker checker(3);
  // Replica 0 of the stepped cluster has executed ops; replica 1 of the fresh one has not.
  std::vector<const core::Replica*> replicas = {cluster.replica(0), fresh.replica(1)};
  ASSERT_NE(replicas[0]->clients_table(), replicas[1]->clients_table());
  EXPECT_EQ(checker.on_converged(replicas), std::nullopt);
  // The same pair at equal commits (two fresh replicas vs one tampered) does fire.
  Cluster other(ThreeReplicas(4));
  other.replica_for_test(1)->clients_table_for_test().commit_register(
      core::Reply{.client = kStranger, .session = 7, .request = 0, .op = 7});
  ExpectViolation(checker.on_converged({fresh.replica(0), other.replica(1)}), "agreement",
                  {"replicas 0 and 1", "executed up to op 0"});
}

TEST(AgreementTest, CommitGoingBackFires) {
  // A replica reported at commit k > 0 and then (as another object with the same index) at commit
  // 0 fires; reports in non-decreasing order do not.
  Cluster ahead(ThreeReplicas(5));
  ASSERT_TRUE(StepUntil(ahead, [&] { return ahead.replica(0)->commit_min() > 0; }));
  const Cluster behind(ThreeReplicas(5));
  const core::Op commit = ahead.replica(0)->commit_min();

  AgreementChecker checker(3);
  EXPECT_EQ(checker.on_replica(*behind.replica(0)), std::nullopt);
  EXPECT_EQ(checker.on_replica(*ahead.replica(0)), std::nullopt);
  EXPECT_EQ(checker.on_replica(*ahead.replica(0)), std::nullopt);
  // Replica 1 is tracked on its own: it has seen nothing yet.
  EXPECT_EQ(checker.on_replica(*behind.replica(1)), std::nullopt);
  ExpectViolation(checker.on_replica(*behind.replica(0)), "agreement",
                  {"replica 0", fmt::format("went back from commit {} to commit 0", commit)});
}

TEST(AgreementTest, ViewGoingBackFires) {
  // A replica reported in a view and then in a lower one fires; so does a log view going back.
  const RestartedReplica view5({.view = 5, .log_view = 5, .commit = 0});
  const RestartedReplica view5_log3({.view = 5, .log_view = 3, .commit = 0});
  const RestartedReplica view0({});
  ASSERT_EQ(view5.replica.view(), 5U);
  ASSERT_EQ(view5_log3.replica.log_view(), 3U);

  AgreementChecker checker(3);
  EXPECT_EQ(checker.on_replica(view0.replica), std::nullopt);
  EXPECT_EQ(checker.on_replica(view5_log3.replica), std::nullopt);
  EXPECT_EQ(checker.on_replica(view5.replica), std::nullopt);
  ExpectViolation(checker.on_replica(view5_log3.replica), "agreement",
                  {"replica 0", "went back from view 5 (log view 5) to view 5 (log view 3)"});

  // The view alone going back (log view unchanged) fires as well.
  const RestartedReplica view3_log2({.view = 3, .log_view = 2, .commit = 0});
  const RestartedReplica view5_log2({.view = 5, .log_view = 2, .commit = 0});
  AgreementChecker view_checker(3);
  EXPECT_EQ(view_checker.on_replica(view3_log2.replica), std::nullopt);
  EXPECT_EQ(view_checker.on_replica(view5_log2.replica), std::nullopt);
  ExpectViolation(view_checker.on_replica(view3_log2.replica), "agreement",
                  {"went back from view 5 (log view 2) to view 3 (log view 2)"});
}

TEST(AgreementTest, RestartBehindDurableStateFires) {
  // A replica that restarts behind the superblock it had synced fires, in view, log view or commit.
  const RestartedReplica restarted({.view = 5, .log_view = 4, .commit = 0});
  AgreementChecker checker(3);
  EXPECT_EQ(checker.on_restart(restarted.replica, {.view = 5, .log_view = 4, .commit = 0}),
            std::nullopt);
  EXPECT_EQ(checker.on_restart(restarted.replica, {.view = 3, .log_view = 2, .commit = 0}),
            std::nullopt);
  ExpectViolation(checker.on_restart(restarted.replica, {.view = 6, .log_view = 4, .commit = 0}),
                  "agreement", {"replica 0 restarted at view 5", "behind its durable view 6"});
  ExpectViolation(checker.on_restart(restarted.replica, {.view = 5, .log_view = 5, .commit = 0}),
                  "agreement", {"log view 5"});

  Cluster cluster(ThreeReplicas(6));
  ASSERT_TRUE(StepUntil(cluster, [&] { return cluster.replica(2)->commit_min() > 0; }));
  const core::Replica& replica = *cluster.replica(2);
  const core::Op commit = replica.commit_min();
  EXPECT_EQ(checker.on_restart(replica, {.view = replica.view(), .commit = commit}), std::nullopt);
  ExpectViolation(checker.on_restart(replica, {.view = replica.view(), .commit = commit + 1}),
                  "agreement",
                  {fmt::format("commit {}, behind", commit), fmt::format("commit {}", commit + 1)});
}

TEST(AgreementTest, RestartResetsWhatOnReplicaComparesWith) {
  // After a legitimate restart, the replica is compared with its restarted state, not with the
  // volatile commit it had before the crash.
  Cluster ahead(ThreeReplicas(5));
  ASSERT_TRUE(StepUntil(ahead, [&] { return ahead.replica(0)->commit_min() > 0; }));
  const RestartedReplica restarted({});
  AgreementChecker checker(3);
  EXPECT_EQ(checker.on_replica(*ahead.replica(0)), std::nullopt);
  EXPECT_EQ(checker.on_restart(restarted.replica, core::Superblock{}), std::nullopt);
  EXPECT_EQ(checker.on_replica(restarted.replica), std::nullopt);

  // The control: without the restart, the same two reports fire.
  AgreementChecker without_restart(3);
  EXPECT_EQ(without_restart.on_replica(*ahead.replica(0)), std::nullopt);
  ExpectViolation(without_restart.on_replica(restarted.replica), "agreement",
                  {"went back from commit"});
}

TEST(AgreementTest, HygieneFiresOnAPendingWaiter) {
  // check_hygiene() passes on a healthy cluster and fires once a waiter is planted in a table.
  Cluster cluster(ThreeReplicas(7));
  ASSERT_TRUE(StepUntil(cluster, [&] { return AllCommitted(cluster); }));
  EXPECT_EQ(cluster.check_hygiene(), std::nullopt);
  cluster.replica_for_test(1)->clients_table_for_test().register_pending(kStranger, 3);
  ExpectViolation(
      cluster.check_hygiene(), "hygiene",
      {"replica 1", "1 pending waiter", fmt::format("client {} request 3", core::Raw(kStranger))});
  cluster.replica_for_test(1)->clients_table_for_test().clear_pending();
  EXPECT_EQ(cluster.check_hygiene(), std::nullopt);
}

}  // namespace
}  // namespace vsrsim::sim
