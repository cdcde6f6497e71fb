#include "faults/scenario_mutation.h"

#include <algorithm>
#include <optional>
#include <variant>

#include "core/message.h"
#include "core/types.h"
#include "faults/storage_nemesis.h"
#include "sim/network.h"

namespace vsrsim::faults {

namespace {

// The longest fault a mutation adds, in ticks: long enough to outlast a view change, short enough
// that the safety phase goes on after it.
constexpr std::uint64_t kFaultTicksAdded = 120;
constexpr std::size_t kEventsMax = 2000;  // A scenario's events, at most, after a mutation.

std::uint8_t Index(sim::Prng& prng, std::size_t count) {
  return static_cast<std::uint8_t>(prng.Below(count));
}

// A replica other than `other` (requires at least two replicas).
std::uint8_t OtherReplica(sim::Prng& prng, std::size_t replicas, std::uint8_t other) {
  const auto pick = static_cast<std::uint8_t>(prng.Below(replicas - 1));
  return pick >= other ? static_cast<std::uint8_t>(pick + 1) : pick;
}

std::uint32_t Duration(sim::Prng& prng) {
  return static_cast<std::uint32_t>(prng.Between(1, kFaultTicksAdded));
}

// The replicas whose disks some event of the scenario faults, in index order.
std::vector<std::size_t> FaultyDisks(const Scenario& scenario) {
  std::vector<std::size_t> faulty;
  for (const FaultEvent& event : scenario.events) {
    if (IsStorageFault(event.kind) &&
        std::find(faulty.begin(), faulty.end(), event.a) == faulty.end()) {
      faulty.push_back(event.a);
    }
  }
  std::sort(faulty.begin(), faulty.end());
  return faulty;
}

// A storage fault within the storage nemesis' fault model (faults/storage_nemesis.h): on a disk
// the scenario already faults, or on a new one while fewer than replica_count - replication
// quorum disks are faulty. The caller puts every healthy replica in the heal's core
// (CoreHoldsHealthy). Nothing when the cluster has no room for a faulty disk.
std::optional<FaultEvent> StorageFault(const Scenario& scenario, FaultEvent event,
                                       sim::Prng& prng) {
  const std::size_t replicas = scenario.options.replica_count;
  const std::size_t faulty_max = replicas - core::QuorumReplication(replicas);
  if (faulty_max == 0) return std::nullopt;
  const std::vector<std::size_t> faulty = FaultyDisks(scenario);
  event.a = faulty.size() < faulty_max
                ? Index(prng, replicas)
                : static_cast<std::uint8_t>(faulty[prng.Below(faulty.size())]);
  DrawStorageFault(event, std::max<std::size_t>(scenario.options.journal_slots, 1), prng);
  return event;
}

// The heal's core holds every replica whose disk no event faults (the storage fault model: a
// replication quorum of healthy disks converges on its own). An empty core already means all.
void CoreHoldsHealthy(Scenario& scenario) {
  if (scenario.core.empty()) return;
  const std::vector<std::size_t> faulty = FaultyDisks(scenario);
  for (std::size_t r = 0; r < scenario.options.replica_count; r++) {
    const bool healthy = std::find(faulty.begin(), faulty.end(), r) == faulty.end();
    if (healthy &&
        std::find(scenario.core.begin(), scenario.core.end(), r) == scenario.core.end()) {
      scenario.core.push_back(r);
    }
  }
  std::sort(scenario.core.begin(), scenario.core.end());
}

// A fault of the kinds a sweep draws, on processes of the scenario's cluster.
FaultEvent RandomEvent(const Scenario& scenario, std::uint64_t horizon, sim::Prng& prng,
                       std::string& what) {
  const std::size_t replicas = scenario.options.replica_count;
  const std::size_t clients = scenario.options.client_count;
  FaultEvent event{.tick = prng.Below(horizon)};
  // Replica-to-replica faults need two replicas; fall back to a crash or a disconnect.
  const std::uint64_t kinds = replicas >= 2 ? 9 : 3;
  switch (prng.Below(kinds)) {
    case 0:
      event.kind = FaultKind::kCrash;
      event.a = Index(prng, replicas);
      break;
    case 1:
      event.kind = prng.Coin() ? FaultKind::kCrashInCheckpointSync : FaultKind::kCrashInSync;
      event.a = Index(prng, replicas);
      break;
    case 2:
      event.kind = FaultKind::kDisconnect;
      event.a = Index(prng, clients);
      event.ticks = Duration(prng);
      break;
    case 3:
      event.kind = FaultKind::kIsolate;
      event.a = Index(prng, replicas);
      event.ticks = Duration(prng);
      break;
    case 4:
      event.kind = FaultKind::kIsolatePrimary;
      event.ticks = Duration(prng);
      break;
    case 5:
      event.kind = FaultKind::kBlock;
      event.a = Index(prng, replicas);
      event.b = OtherReplica(prng, replicas, event.a);
      event.ticks = Duration(prng);
      break;
    case 6:
      event.kind = FaultKind::kClog;
      event.a = Index(prng, replicas);
      event.b = OtherReplica(prng, replicas, event.a);
      event.ticks = Duration(prng);
      break;
    case 7:
      if (const std::optional<FaultEvent> storage = StorageFault(scenario, event, prng)) {
        what = "add storage fault";
        return *storage;
      }
      event.kind = FaultKind::kCrash;
      event.a = Index(prng, replicas);
      break;
    default: {
      event.kind = FaultKind::kReplay;
      event.a = Index(prng, replicas);
      event.b = OtherReplica(prng, replicas, event.a);
      // The replica-to-replica kinds: every alternative after Request, Reply and Eviction.
      const std::size_t kinds_total = std::variant_size_v<core::Message>;
      event.message = static_cast<std::uint8_t>(3 + prng.Below(kinds_total - 3));
      event.age = static_cast<std::uint8_t>(prng.Below(sim::Network::kReplayAgeMax));
      break;
    }
  }
  what = std::string("add ") + (event.kind == FaultKind::kReplay ? "replay" : "fault");
  return event;
}

void SortEvents(std::vector<FaultEvent>& events) {
  std::stable_sort(events.begin(), events.end(),
                   [](const FaultEvent& a, const FaultEvent& b) { return a.tick < b.tick; });
}

// Indices of the events of `kind`.
std::vector<std::size_t> EventsOf(const Scenario& scenario, FaultKind kind) {
  std::vector<std::size_t> found;
  for (std::size_t i = 0; i < scenario.events.size(); i++) {
    if (scenario.events[i].kind == kind) found.push_back(i);
  }
  return found;
}

// A ratio in [0, 3/10] (the sweep's range for loss), tenths of a percent.
sim::Ratio SmallRatio(sim::Prng& prng) {
  return {static_cast<std::uint32_t>(prng.Below(301)), 1000};
}

// Changes one of the workload's or the timers' drawn options, within the swarm's own ranges
// (faults/swarm.cc): the cluster, its processes and so every event stay valid.
std::string MutateOption(sim::RunOptions& options, sim::Prng& prng) {
  switch (prng.Below(5)) {
    case 0:
      options.clients_max = static_cast<std::uint32_t>(prng.Between(2, 6));
      return "clients_max";
    case 1:
      options.requests_per_client = static_cast<std::uint32_t>(prng.Between(5, 30));
      return "requests";
    case 2:
      options.view_change_timeout_ticks_min = static_cast<std::uint32_t>(prng.Between(10, 30));
      options.view_change_timeout_ticks_max =
          static_cast<std::uint32_t>(options.view_change_timeout_ticks_min + prng.Below(31));
      return "view change timeout";
    case 3:
      options.client_retry_ticks_min = static_cast<std::uint32_t>(prng.Between(2, 8));
      options.client_retry_ticks_max =
          options.client_retry_ticks_min * static_cast<std::uint32_t>(prng.Between(2, 16));
      return "client retry";
    default:
      options.network.reorder = !options.network.reorder;
      return "reorder";
  }
}

// What the sweep's replay nemesis does when a replica restarts (faults/replay_nemesis.h): each
// peer's remembered messages to it are flushed into it or not, and a flushed queue delivers each
// remembered message with an even chance. On a restart the scenario has, or on a new crash and
// restart when it has none.
void FlushAfterRestart(Scenario& scenario, std::uint64_t horizon, sim::Prng& prng) {
  std::vector<FaultEvent>& events = scenario.events;
  const std::size_t replicas = scenario.options.replica_count;
  std::vector<std::size_t> restarts = EventsOf(scenario, FaultKind::kRestart);
  FaultEvent restart{.tick = 0, .kind = FaultKind::kRestart};
  if (restarts.empty()) {
    const FaultEvent crash{.tick = prng.Below(horizon), .a = Index(prng, replicas)};
    restart.a = crash.a;
    restart.tick = crash.tick + prng.Between(1, 60);
    events.push_back(crash);
    events.push_back(restart);
  } else {
    restart = events[restarts[prng.Below(restarts.size())]];
  }
  scenario.options.network.replay_memory = true;
  for (std::size_t from = 0; from < replicas; from++) {
    if (from == restart.a || prng.Below(2) == 0) continue;
    for (std::size_t kind = 3; kind < std::variant_size_v<core::Message>; kind++) {
      for (std::size_t age = 0; age < sim::Network::kReplayAgeMax; age++) {
        if (prng.Below(2) == 0) continue;
        events.push_back({.tick = restart.tick,
                          .kind = FaultKind::kReplay,
                          .a = static_cast<std::uint8_t>(from),
                          .b = restart.a,
                          .message = static_cast<std::uint8_t>(kind),
                          .age = static_cast<std::uint8_t>(age)});
      }
    }
  }
  SortEvents(events);
}

// Applies one operator; returns its name.
std::string MutateOnce(Scenario& scenario, std::uint64_t horizon, sim::Prng& prng) {
  std::vector<FaultEvent>& events = scenario.events;
  const std::size_t replicas = scenario.options.replica_count;
  switch (prng.Below(16)) {
    case 0:
    case 1: {
      if (events.size() >= kEventsMax) break;
      std::string what;
      const FaultEvent event = RandomEvent(scenario, horizon, prng, what);
      if (event.kind == FaultKind::kReplay) scenario.options.network.replay_memory = true;
      events.push_back(event);
      SortEvents(events);
      if (IsStorageFault(event.kind)) CoreHoldsHealthy(scenario);
      return what;
    }
    case 2:
      if (events.empty()) break;
      events.erase(events.begin() + static_cast<std::ptrdiff_t>(prng.Below(events.size())));
      return "drop";
    case 3: {
      if (events.empty()) break;
      FaultEvent& event = events[prng.Below(events.size())];
      const std::uint64_t shift = prng.Between(1, 40);
      event.tick = prng.Below(2) == 0 ? (event.tick > shift ? event.tick - shift : 0)
                                      : std::min(event.tick + shift, horizon);
      SortEvents(events);
      return "move";
    }
    case 4: {
      if (events.empty()) break;
      FaultEvent& event = events[prng.Below(events.size())];
      if (event.ticks == 0) break;
      event.ticks = static_cast<std::uint32_t>(
          std::min<std::uint64_t>(std::uint64_t{event.ticks} * 2 + prng.Below(20), kFaultTicksMax));
      return "lengthen";
    }
    case 5:
      if (prng.Below(3) == 0) {
        scenario.options.network.loss = SmallRatio(prng);
        return "loss";
      }
      if (prng.Below(2) == 0) {
        // Up to a half, the sweep's range for duplication: duplicates are stale requests.
        scenario.options.network.duplicate = {static_cast<std::uint32_t>(prng.Below(501)), 1000};
        return "duplicate";
      }
      scenario.options.network.delay_min_us = prng.Between(0, 5000);
      scenario.options.network.delay_jitter_us = prng.Between(0, 20000);
      return "delay";
    case 6: {
      // A crash now and a restart a little later: the down window a restart-path bug needs.
      if (events.size() + 2 > kEventsMax) break;
      const FaultEvent crash{.tick = prng.Below(horizon), .a = Index(prng, replicas)};
      FaultEvent restart = crash;
      restart.kind = FaultKind::kRestart;
      restart.tick = crash.tick + prng.Between(1, 60);
      events.push_back(crash);
      events.push_back(restart);
      SortEvents(events);
      return "crash and restart";
    }
    case 7: {
      // A crash or restart that already happens, at another tick.
      std::vector<std::size_t> found = EventsOf(scenario, FaultKind::kRestart);
      const std::vector<std::size_t> crashes = EventsOf(scenario, FaultKind::kCrash);
      found.insert(found.end(), crashes.begin(), crashes.end());
      if (found.empty()) break;
      events[found[prng.Below(found.size())]].tick = prng.Below(horizon);
      SortEvents(events);
      return "retime crash/restart";
    }
    case 8: {
      if (replicas < 2 || events.size() >= kEventsMax) break;
      FaultEvent event{.tick = prng.Below(horizon), .kind = FaultKind::kReplay};
      event.a = Index(prng, replicas);
      event.b = OtherReplica(prng, replicas, event.a);
      event.message =
          static_cast<std::uint8_t>(3 + prng.Below(std::variant_size_v<core::Message> - 3));
      event.age = static_cast<std::uint8_t>(prng.Below(sim::Network::kReplayAgeMax));
      // A replay right after a restart is the moment a stale message does harm.
      const std::vector<std::size_t> restarts = EventsOf(scenario, FaultKind::kRestart);
      if (!restarts.empty() && prng.Below(2) == 0) {
        const FaultEvent& restart = events[restarts[prng.Below(restarts.size())]];
        event.b = restart.a;
        event.a = OtherReplica(prng, replicas, restart.a);
        event.tick = restart.tick + prng.Below(4);
      }
      scenario.options.network.replay_memory = true;
      events.push_back(event);
      SortEvents(events);
      return "replay";
    }
    case 9: {
      if (replicas < 2 || events.size() >= kEventsMax) break;
      FaultEvent event{.tick = prng.Below(horizon), .kind = FaultKind::kClog};
      event.a = Index(prng, replicas);
      event.b = OtherReplica(prng, replicas, event.a);
      event.ticks = Duration(prng);
      events.push_back(event);
      SortEvents(events);
      return "hold";
    }
    case 10:
    case 11:
      return MutateOption(scenario.options, prng);
    case 13:
    case 14: {
      // Keep the run up to a tick and vary only what follows: near one of its faults (where a
      // rare state begins) or anywhere.
      std::uint64_t tick = prng.Below(horizon);
      if (!events.empty() && prng.Below(2) == 0) {
        tick = events[prng.Below(events.size())].tick + prng.Below(6);
      }
      scenario.fork = ScenarioFork{.tick = tick, .salt = prng.Next()};
      return "fork";
    }
    case 12:
      if (replicas < 2 || events.size() + 64 > kEventsMax) break;
      FlushAfterRestart(scenario, horizon, prng);
      return "flush after restart";
    default:
      scenario.options.seed = prng.Next();
      return "network seed";
  }
  scenario.options.seed = prng.Next();
  return "network seed";
}

}  // namespace

Scenario MutateScenario(const Scenario& scenario, std::uint64_t horizon_ticks, sim::Prng& prng,
                        std::string& what) {
  Scenario mutant = scenario;
  const std::uint64_t horizon = std::max<std::uint64_t>(horizon_ticks, 20);
  const std::uint64_t count = 1 + prng.Below(3);
  what.clear();
  for (std::uint64_t i = 0; i < count; i++) {
    if (!what.empty()) what += ", ";
    what += MutateOnce(mutant, horizon, prng);
  }
  return mutant;
}

}  // namespace vsrsim::faults
