#pragma once
// A scenario is a run as a value: the cluster's options (size, workload, network, timings, and a
// seed for the delays and drops that remain random), an explicit schedule of fault events, and the
// core healed before the liveness phase. The runner plays it exactly: a swarm run dumped as a
// scenario replays to the same fingerprint.
//
// Text form (human-readable, one fault per line):
//   # comment
//   option_name = value        (every name DescribeOptions prints)
//   core = 0,1,2               (empty: every replica)
//   fork = 120 77              (optional: from tick 120 the random streams are forked by salt 77)
//   at 12 crash 1              (see FormatFaultEvent)
// Malformed lines, duplicate keys, values outside an option's range (sim::OptionRanges), fault
// events or core members out of range for the scenario's cluster, and an empty file are errors
// that name the file and line.

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "faults/fault_event.h"
#include "sim/nemesis.h"
#include "sim/options.h"
#include "sim/runner.h"

namespace vsrsim::faults {

// From `tick` on, the run's random streams are forked by `salt` (sim::Cluster::fork_streams): the
// run up to there is the scenario's own, what follows a different continuation (issue 15).
struct ScenarioFork {
  std::uint64_t tick = 0;
  std::uint64_t salt = 0;
  bool operator==(const ScenarioFork&) const = default;
};

struct Scenario {
  sim::RunOptions options;
  std::vector<FaultEvent> events;  // In tick order.
  std::vector<std::size_t> core;   // Empty: every replica.
  std::optional<ScenarioFork> fork = std::nullopt;
};

// Plays a scenario's fault events at their ticks and heals its core.
class ScriptedNemesis final : public sim::Nemesis {
 public:
  explicit ScriptedNemesis(const Scenario& scenario) : scenario_(scenario) {}
  void on_tick(sim::Cluster& cluster) override;
  std::vector<std::size_t> heal(sim::Cluster& cluster) override;

 private:
  const Scenario& scenario_;
  std::size_t next_ = 0;
  bool forked_ = false;
  FaultApplier applier_;
};

// The swarm faults are replaced by the scenario's events: their rates are zeroed in the options so
// nothing but the schedule injects faults (disconnects right after a retransmission stay: they are
// part of the options, drawn from their own stream).
sim::RunResult PlayScenario(const Scenario& scenario);
// Plays the seed's swarm run and returns it as a scenario (and its result). `observer`, if given,
// receives the scenario's fault and core lines as the run decides them.
Scenario DumpScenario(const sim::RunOptions& options, sim::RunResult* result,
                      const std::function<void(const std::string&)>& observer = {});
// The options a scenario plays with: the swarm's fault rates zeroed (the schedule replaces them).
sim::RunOptions ScriptedOptions(sim::RunOptions options);
std::string FormatCore(const std::vector<std::size_t>& core);

// The scenario without the fault events and core members its cluster does not have (they would
// not apply when played): what a shrunk scenario is written as, so it parses back.
Scenario WithinCluster(Scenario scenario);

std::string FormatScenario(const Scenario& scenario);
std::optional<Scenario> ParseScenario(const std::string& path, const std::string& text,
                                      std::string& error);

}  // namespace vsrsim::faults
