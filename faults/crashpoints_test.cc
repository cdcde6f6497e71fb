// Crash-point enumeration (issue 17): the plan lists the storage operations of the fault phase, a
// crash point fires exactly where it is armed and the replica comes back, every point of the
// corpus scenario passes on the correct core, and a core that acknowledges before its writes are
// durable (mutant ack-before-durable) fails at some point, caught by the durability oracle.

#include "faults/crashpoints.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "core/mutants.h"
#include "faults/corpus_scenario_for_test.h"
#include "sim/trace.h"

namespace vsrsim::faults {
namespace {

constexpr const char* kPath = VSRSIM_SOURCE_DIR "/seeds/recovering-rejoins-own-view.scenario";

Scenario Load() { return LoadCorpusScenario(kPath); }

TEST(CrashPoints, PlanListsTheFaultPhaseOperationsWithTheirModes) {
  const Scenario scenario = Load();
  const CrashPointPlan plan = PlanCrashPoints(scenario, 1);
  EXPECT_EQ(plan.base.outcome, sim::Outcome::kPass);
  EXPECT_EQ(plan.base.fingerprint,
            PlayScenario(scenario).fingerprint);  // Counting changes nothing.
  ASSERT_GT(plan.heal_op, plan.first_op);
  EXPECT_LE(plan.heal_op, plan.op_kinds.size());
  std::set<std::uint64_t> ops;
  std::size_t torn = 0;
  for (const CrashPointCase& c : plan.cases) {
    EXPECT_GE(c.op, plan.first_op);
    EXPECT_LT(c.op, plan.heal_op);
    EXPECT_EQ(c.kind, plan.op_kinds[c.op]);
    EXPECT_TRUE(sim::CrashModeApplies(c.kind, c.mode));
    ops.insert(c.op);
    torn += c.mode == sim::CrashMode::kTorn ? 1 : 0;
  }
  EXPECT_EQ(ops.size(), plan.heal_op - plan.first_op);  // Every operation of the phase.
  EXPECT_GT(torn, 0U);
}

TEST(CrashPoints, APointFiresWhereArmedAndTheReplicaComesBack) {
  const Scenario scenario = Load();
  const CrashPointPlan plan = PlanCrashPoints(scenario, 1);
  const CrashPointCase c = plan.cases[plan.cases.size() / 2];
  Scenario with = WithCrashPoint(scenario, 1, c, 5);
  with.options.keep_trace = true;
  const sim::RunResult result = PlayScenario(with);
  EXPECT_EQ(result.outcome, sim::Outcome::kPass) << result.checker << ": " << result.message;
  EXPECT_EQ(result.coverage.crash_points, 1U);
  bool fired = false;
  bool crashed_after = false;
  bool restarted_after = false;
  for (const sim::TraceRecord& r : result.records) {
    if (r.kind == sim::TraceKind::kFault && r.a == sim::kCrashPointFault) {
      EXPECT_EQ(r.from, 1U);
      EXPECT_EQ(r.b, c.op);
      fired = true;
    }
    crashed_after = crashed_after || (fired && r.kind == sim::TraceKind::kCrash && r.from == 1);
    restarted_after =
        restarted_after || (crashed_after && r.kind == sim::TraceKind::kRestart && r.from == 1);
  }
  EXPECT_TRUE(fired);
  EXPECT_TRUE(crashed_after);
  EXPECT_TRUE(restarted_after);
  // The scenario file form carries the point: it parses back to the same events.
  std::string error;
  const std::optional<Scenario> parsed = ParseScenario("(written)", FormatScenario(with), error);
  ASSERT_TRUE(parsed.has_value()) << error;
  EXPECT_EQ(parsed->events, with.events);
}

TEST(CrashPoints, EveryPointOfTheCorpusScenarioPassesOnTheCorrectCore) {
  const Scenario scenario = Load();
  for (std::size_t replica = 0; replica < scenario.options.replica_count; replica++) {
    const CrashPointPlan plan = PlanCrashPoints(scenario, replica);
    ASSERT_FALSE(plan.cases.empty());
    for (const CrashPointCase& c : plan.cases) {
      const sim::RunResult result = PlayScenario(WithCrashPoint(scenario, replica, c, 20));
      EXPECT_EQ(result.outcome, sim::Outcome::kPass)
          << "replica " << replica << " op " << c.op << " " << sim::CrashModeName(c.mode) << ": "
          << result.checker << ": " << result.message;
      EXPECT_EQ(result.coverage.crash_points, 1U) << "op " << c.op;
    }
  }
}

TEST(CrashPoints, AcknowledgingBeforeDurableFailsAtSomePoint) {
  // Planted: the mutant lets PrepareOks and DoViewChanges leave before their writes sync. Some
  // crash point then loses what the replica acknowledged, and the durability oracle says so.
  Scenario scenario = Load();
  scenario.options.mutants.Add(core::Mutant::kAckBeforeDurable);
  std::size_t failed = 0;
  for (std::size_t replica = 0; replica < scenario.options.replica_count; replica++) {
    const CrashPointPlan plan = PlanCrashPoints(scenario, replica);
    ASSERT_EQ(plan.base.outcome, sim::Outcome::kPass);  // Without a crash it goes unseen.
    for (const CrashPointCase& c : plan.cases) {
      const sim::RunResult result = PlayScenario(WithCrashPoint(scenario, replica, c, 20));
      if (result.outcome == sim::Outcome::kPass) continue;
      EXPECT_EQ(result.checker, "durability") << result.message;
      failed++;
    }
  }
  EXPECT_GT(failed, 0U);
}

TEST(CrashPoints, FaultEventFormAndItsErrors) {
  const FaultEvent event{.tick = 0,
                         .kind = FaultKind::kCrashPoint,
                         .a = 2,
                         .ticks = 7,
                         .storage_op = 41,
                         .crash_mode = sim::CrashMode::kTorn};
  EXPECT_EQ(FormatFaultEvent(event), "at 0 crash-point 2 41 torn for 7");
  std::string error;
  EXPECT_EQ(ParseFaultEvent("at 0 crash-point 2 41 torn for 7", error), event);
  for (const char* bad : {"at 0 crash-point 2 41 sideways for 7", "at 0 crash-point 2 41 torn",
                          "at 0 crash-point 2 x torn for 7", "at 0 crash-point 2 41 torn for 0"}) {
    error.clear();
    EXPECT_FALSE(ParseFaultEvent(bad, error).has_value()) << bad;
    EXPECT_NE(error.find("crash-point R OP MODE for T"), std::string::npos) << error;
  }
  EXPECT_NE(CheckFaultEvent(event, 2, 1), "");  // Replica 2 of a 2-replica cluster.
}

}  // namespace
}  // namespace vsrsim::faults
