#include "sim/runner.h"

#include <fmt/format.h>

#include <algorithm>

#include "sim/cluster.h"
#include "sim/final_read_checker.h"
#include "sim/history_linearizability.h"
#include "sim/state_table.h"

namespace vsrsim::sim {

namespace {

// Runs until `done` holds, a checker fires, or the clock reaches `deadline_ticks`. The nemesis (if
// any) acts at every tick boundary.
template <typename Done>
void RunPhase(Cluster& cluster, Nemesis* nemesis, std::uint64_t deadline_ticks, Done done) {
  std::uint64_t tick_seen = cluster.ticks();
  while (!cluster.finding().has_value() && !done() && cluster.ticks() < deadline_ticks) {
    if (!cluster.step()) break;
    if (nemesis != nullptr && cluster.ticks() != tick_seen) {
      tick_seen = cluster.ticks();
      nemesis->on_tick(cluster);
    }
  }
}

// Names why the healed core did not converge, for the liveness message.
std::string DescribeStall(const Cluster& cluster, const std::vector<std::size_t>& core) {
  std::string replicas;
  for (std::size_t index : core) {
    const core::Replica* replica = cluster.replica(index);
    if (replica == nullptr) continue;
    replicas += fmt::format(" r{}:{}/v{}/commit{}/op{}", index, core::StatusName(replica->status()),
                            replica->view(), replica->commit_min(), replica->op());
  }
  std::string clients;
  for (std::size_t c = 0; c < cluster.client_count(); c++) {
    const SimClient& client = cluster.client(c);
    if (client.done()) continue;
    const auto& in_flight = client.protocol().in_flight();
    clients +=
        fmt::format(" client {} ({} of {} done{})", core::Raw(client.id()),
                    client.completed() + client.abandoned(), cluster.options().requests_per_client,
                    in_flight ? fmt::format(", request {} session {} in flight", in_flight->request,
                                            in_flight->session)
                              : "");
  }
  return fmt::format("replicas{}; waiting{}", replicas, clients.empty() ? " none" : clients);
}

// Names a legitimate cause for a stall after healing, or returns "" when the stall is a failure.
// The one legitimate cause the model has: a healed core (a scenario may name any core) smaller than
// a replication quorum cannot commit, whatever the protocol does.
std::string LegitimateStall(const Cluster& cluster, const std::vector<std::size_t>& core) {
  const std::size_t quorum = core::QuorumReplication(cluster.replica_count());
  if (core.size() < quorum) {
    return fmt::format("the healed core has {} replica(s), fewer than the replication quorum of {}",
                       core.size(), quorum);
  }
  return "";
}

// The outside-only checkers of the whole history: final reads first (their messages are the most
// specific), then the linearizability search.
Finding CheckClientHistory(const History& history) {
  if (Finding finding = CheckFinalReads(history)) return finding;
  return CheckLinearizable(history).finding;
}

// Issue 14: the efficiency bound at quiescence (sim/quiescence.h). The settled core runs on idle:
// first until every message already in flight has arrived (a clogged link releases its queue late)
// and a while more for the answers it draws to be over, then a window in which only the primary's
// heartbeats may flow.
constexpr std::uint64_t kQuiescenceSettleTicks = 30;
constexpr std::uint64_t kQuiescenceWindowTicks = 40;

Finding CheckQuiescence(Cluster& cluster, const std::vector<std::size_t>& core) {
  const auto idle = [] { return false; };
  const std::uint64_t in_flight_ticks =
      cluster.latest_delivery().microseconds() / cluster.options().tick_us + 1;
  RunPhase(cluster, nullptr, std::max(cluster.ticks(), in_flight_ticks) + kQuiescenceSettleTicks,
           idle);
  if (cluster.finding().has_value()) return std::nullopt;
  cluster.watch_quiescence(core, kQuiescenceWindowTicks);
  RunPhase(cluster, nullptr, cluster.ticks() + kQuiescenceWindowTicks, idle);
  Finding finding = cluster.finish_quiescence();
  if (cluster.finding().has_value()) return std::nullopt;
  return finding;
}

}  // namespace

namespace {

thread_local const Cluster* running = nullptr;

// Publishes the cluster as RunningCluster() for the scope of a run.
class Running {
 public:
  explicit Running(const Cluster& cluster) : previous_(running) { running = &cluster; }
  ~Running() { running = previous_; }
  Running(const Running&) = delete;
  Running& operator=(const Running&) = delete;

 private:
  const Cluster* previous_;
};

}  // namespace

const Cluster* RunningCluster() { return running; }

RunResult Run(const RunOptions& options, Nemesis* nemesis,
              const std::function<void(const Cluster&)>& inspect) {
  Cluster cluster(options);
  const Running published(cluster);
  RunPhase(cluster, nemesis, options.ticks_max, [&] { return cluster.clients_done(); });
  std::string stall_note;
  std::vector<std::size_t> core;
  bool settled = false;  // The healed core converged and every client is done.

  if (!cluster.finding().has_value()) {
    if (nemesis != nullptr) {
      core = nemesis->heal(cluster);
    } else {
      cluster.heal();
      for (std::size_t r = 0; r < cluster.replica_count(); r++) core.push_back(r);
    }
    const std::uint64_t deadline = cluster.ticks() + options.liveness_ticks_max;
    RunPhase(cluster, nullptr, deadline,
             [&] { return cluster.clients_done() && cluster.converged(core); });
    settled = cluster.clients_done() && cluster.converged(core);
    cluster.finish_client_history(core, settled);
    if (!cluster.finding().has_value()) {
      const std::string legitimate = LegitimateStall(cluster, core);
      // Judge from the outside first: the client history alone.
      if (Finding outside = CheckClientHistory(cluster.client_history())) {
        cluster.report(*outside);
      } else if (!settled && !legitimate.empty()) {
        stall_note = "stalled for a legitimate cause: " + legitimate;
      } else if (!settled) {
        // A client still waiting is what a client sees (outside); replicas that never converge
        // while every client is done only the replicas' state shows (white-box).
        cluster.report({Outcome::kLiveness, cluster.clients_done() ? "convergence" : "liveness",
                        fmt::format("no convergence within {} ticks after healing: {}",
                                    options.liveness_ticks_max, DescribeStall(cluster, core))});
      } else if (Finding finding = cluster.check_converged(core)) {
        cluster.report(*finding);
      } else if (Finding hygiene = cluster.check_hygiene()) {
        cluster.report(*hygiene);
      } else if (Finding idle = CheckQuiescence(cluster, core)) {
        cluster.report(*idle);
      }
    }
  } else {
    cluster.finish_client_history(core, false);
  }

  if (inspect) inspect(cluster);
  RunResult result;
  result.options = options;
  result.message = stall_note;
  if (cluster.finding().has_value()) {
    result.outcome = cluster.finding()->outcome;
    result.checker = cluster.finding()->checker;
    result.message = cluster.finding()->message;
    // Name the review finding each active mutant puts back, so a mutant's failure points at it.
    for (const core::MutantInfo& info : core::kMutants) {
      if (options.mutants.Has(info.mutant)) {
        result.message += fmt::format(" [mutant {}: review finding ({}), {}]", info.name,
                                      info.finding, info.description);
      }
    }
    result.state = DescribeState(cluster);
  }
  result.fingerprint = cluster.trace().fingerprint();
  result.ticks = cluster.ticks();
  result.events = cluster.events();
  result.requests_committed = cluster.requests_committed();
  result.coverage = cluster.coverage();
  result.signature = cluster.signature();
  result.checkpoints = cluster.trace().checkpoints();
  result.records = cluster.trace().kept();
  if (options.keep_history) result.history = cluster.client_history();
  return result;
}

}  // namespace vsrsim::sim
