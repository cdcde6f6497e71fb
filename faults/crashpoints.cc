#include "faults/crashpoints.h"

#include <algorithm>

#include "core/assert.h"

namespace vsrsim::faults {

namespace {

// The scenario's own nemesis, noting where the replica's storage operations stood when faults
// could first apply and when they stopped.
class CountingNemesis final : public sim::Nemesis {
 public:
  CountingNemesis(const Scenario& scenario, std::size_t replica, CrashPointPlan& plan)
      : inner_(scenario), replica_(replica), plan_(plan) {}
  void on_tick(sim::Cluster& cluster) override {
    if (!ticked_) plan_.first_op = cluster.storage(replica_).op_count();
    ticked_ = true;
    inner_.on_tick(cluster);
  }
  std::vector<std::size_t> heal(sim::Cluster& cluster) override {
    plan_.heal_op = cluster.storage(replica_).op_count();
    healed_ = true;
    return inner_.heal(cluster);
  }
  bool healed() const { return healed_; }

 private:
  ScriptedNemesis inner_;
  std::size_t replica_;
  CrashPointPlan& plan_;
  bool ticked_ = false;
  bool healed_ = false;
};

}  // namespace

CrashPointPlan PlanCrashPoints(const Scenario& scenario, std::size_t replica) {
  VSRSIM_ASSERT_LT(replica, scenario.options.replica_count);
  Scenario played = scenario;
  played.options = ScriptedOptions(scenario.options);
  played.options.record_storage_ops = true;
  CrashPointPlan plan;
  CountingNemesis nemesis(played, replica, plan);
  plan.base = sim::Run(played.options, &nemesis, [&](const sim::Cluster& cluster) {
    plan.op_kinds = cluster.storage(replica).op_kinds();
  });
  // A run that ends in its safety phase (a finding) never heals: every operation was in it.
  if (!nemesis.healed()) plan.heal_op = plan.op_kinds.size();
  for (std::uint64_t op = plan.first_op; op < plan.heal_op; op++) {
    for (std::size_t m = 0; m < sim::kCrashModeCount; m++) {
      const auto mode = static_cast<sim::CrashMode>(m);
      if (sim::CrashModeApplies(plan.op_kinds[op], mode)) {
        plan.cases.push_back({.op = op, .kind = plan.op_kinds[op], .mode = mode});
      }
    }
  }
  return plan;
}

Scenario WithCrashPoint(const Scenario& scenario, std::size_t replica, const CrashPointCase& c,
                        std::uint32_t down_ticks) {
  Scenario with = scenario;
  // Armed before anything else happens (tick 0, first among the events of that tick): the point
  // names an operation by its index from the disk's creation.
  with.events.insert(with.events.begin(), FaultEvent{.tick = 0,
                                                     .kind = FaultKind::kCrashPoint,
                                                     .a = static_cast<std::uint8_t>(replica),
                                                     .ticks = down_ticks,
                                                     .storage_op = c.op,
                                                     .crash_mode = c.mode});
  return with;
}

}  // namespace vsrsim::faults
