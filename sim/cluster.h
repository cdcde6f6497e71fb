#pragma once
// The simulated world of one run: replicas over simulated storage, clients, the network, the event
// queue and the trace. It owns every piece of its state, so two clusters in one process never
// touch each other. It publishes what happens as one stream of observations (observer.h) to the
// subscribers the registry builds (observers.h: the checkers, the client-history recorder), in a
// fixed order, and knows none of them. Nemeses act on it through its fault methods (crash, restart,
// partitions, disconnects); the runner drives it with step().
//
// Event order is (instant, sequence); every handler runs to completion before the next event, and a
// crash happens only between events.

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "core/replica.h"
#include "sim/coverage.h"
#include "sim/event_queue.h"
#include "sim/network.h"
#include "sim/observer.h"
#include "sim/observers.h"
#include "sim/options.h"
#include "sim/sim_client.h"
#include "sim/sim_storage.h"
#include "sim/trace.h"
#include "sim/wire_contract.h"

namespace vsrsim::sim {

class Cluster {
 public:
  explicit Cluster(const RunOptions& options);
  ~Cluster();
  Cluster(const Cluster&) = delete;
  Cluster& operator=(const Cluster&) = delete;

  // Handles the next event. Returns false when the queue is empty.
  bool step();
  Instant now() const { return now_; }
  // Whole ticks elapsed: now() / tick_us, kept up to date by step() (the runner asks every step).
  std::uint64_t ticks() const { return ticks_; }
  std::uint64_t events() const { return events_; }
  const Finding& finding() const { return finding_; }
  void report(const Violation& violation);

  // Faults.
  void crash(std::size_t replica);
  void restart(std::size_t replica);
  // Issue 14: `replica` crashes right before its next sync completes (the writes of that sync at
  // risk, per the disk's rules), if it is still up and the faults still run. A crash by other means
  // disarms it.
  // With SyncWindow::kCheckpoint, only before a sync whose pending writes hold a checkpoint area
  // write (a checkpoint taken or a state sync installed: the window of a checkpoint's commit
  // point); the syncs before it complete.
  void crash_before_sync(std::size_t replica, SyncWindow window = SyncWindow::kAny) {
    crash_before_sync_[replica] = static_cast<std::uint8_t>(window);
  }
  bool crash_before_sync_armed(std::size_t replica) const {
    return crash_before_sync_[replica] != 0;
  }
  // Issue 17: `replica`'s process dies at the storage operation `point` names (sim_storage.h), if
  // the run gets there. From that operation on it sends nothing, and nothing it does is observed;
  // it crashes when the event ends (the disk as the point left it). crash_point_tick() is the tick
  // it fired at.
  void arm_crash_point(std::size_t replica, const CrashPoint& point);
  std::optional<std::uint64_t> crash_point_tick(std::size_t replica) const {
    return crash_point_ticks_[replica];
  }
  // Issue 17, storage faults on `replica`'s disk (sim/sim_storage.h), recorded in the trace:
  // journal slots [first_slot, first_slot + count) read back corrupt until written again; its next
  // journal read returns `slot` corrupt; its next entry write lands in `slot`; its next sync fails.
  void sector_error(std::size_t replica, std::size_t first_slot, std::size_t count);
  void corrupt_next_read(std::size_t replica, std::size_t slot);
  void misdirect_next_write(std::size_t replica, std::size_t slot);
  void fail_next_sync(std::size_t replica);
  // Its next read of a checkpoint area returns it corrupt.
  void corrupt_next_checkpoint_read(std::size_t replica);
  // Issue 17, an entry corrupted on its way in (faulty memory or network interface, a flip the
  // transport's checksum missed): the next Prepare or RepairEntry delivered to `replica` carries
  // its entry with the body's first meaningful word flipped (an append's first payload entry, a
  // read's offset, a register's request number) and its checksum as it was, so only the entry's
  // own checksum tells. Observers see the message as delivered, corrupt.
  void corrupt_next_entry(std::size_t replica);
  const SimStorage& storage(std::size_t replica) const { return *storages_[replica]; }
  SimStorage& storage_for_test(std::size_t replica) { return *storages_[replica]; }
  void set_blocked(Process from, Process to, bool blocked) {
    network_.set_blocked(from, to, blocked);
  }
  // Closes the client's connections for `duration`; they reopen by themselves.
  void disconnect_client(std::size_t client, Duration duration);
  // Delivers again the message of `kind` (a Message variant index) that `from` sent `to` `age`
  // sends of that kind ago, if the network remembers one (options.network.replay_memory). Returns
  // whether it did.
  bool replay(Process from, Process to, std::size_t kind, std::size_t age);
  const Network& network() const { return network_; }
  void note_partition() { coverage_.partitions++; }
  void record_fault(std::uint64_t kind, Process a, Process b, std::uint64_t detail);
  void clog(Process from, Process to, Duration duration) {
    network_.clog(from, to, now_ + duration);
  }
  // Stops every fault: heals partitions and clogs, reconnects clients, calms the network, and turns
  // off the cluster's own fault triggers. Crashed replicas stay down until restarted.
  void heal();
  // Issue 15: from now on the run's random streams (network, storage, the cluster's own) are
  // forked by `salt`, so the run so far is kept and what follows varies. Never called by a plain
  // run, so it changes no plain run's fingerprint.
  void fork_streams(std::uint64_t salt);
  bool faults_enabled() const { return faults_enabled_; }

  // Observation.
  const RunOptions& options() const { return options_; }
  std::size_t replica_count() const { return options_.replica_count; }
  std::size_t client_count() const { return clients_.size(); }
  const core::Replica* replica(std::size_t index) const { return replicas_[index].get(); }
  core::Replica* replica_for_test(std::size_t index) { return replicas_[index].get(); }
  const SimClient& client(std::size_t index) const { return clients_[index]; }
  // Writes on the replica's disk not yet synced (issue 14: the crash nemesis aims at them).
  std::size_t unsynced_writes(std::size_t replica) const {
    return storages_[replica]->pending_count();
  }
  bool clients_done() const { return clients_done_count_ == clients_.size(); }
  // The replica that is primary in the highest view a live replica is normal in, if any.
  std::optional<std::size_t> current_primary() const;
  std::uint64_t requests_committed() const;
  // The `core` replicas are all live and normal in one view, at one commit equal to the primary's
  // op.
  bool converged(const std::vector<std::size_t>& core) const;
  // Publishes that the healed `core` converged (the agreement of their tables and logs).
  Finding check_converged(const std::vector<std::size_t>& core) const;
  // Publishes quiescence over every live replica (hygiene: nothing left pending).
  Finding check_hygiene() const;
  // Issue 14: the efficiency bound at quiescence (sim/quiescence.h). Starts watching the converged
  // `core` for `window_ticks`, then the verdict.
  void watch_quiescence(const std::vector<std::size_t>& core, std::uint64_t window_ticks);
  Finding finish_quiescence() { return observers_.quiescence->finish(); }
  // The latest instant any message sent so far is due to arrive (a clogged link's release).
  Instant latest_delivery() const { return latest_delivery_; }
  Coverage coverage() const;
  // The protocol coverage signature so far (sim/protocol_coverage.h).
  const Signature& signature() const { return observers_.protocol_coverage->signature(); }
  const Trace& trace() const { return trace_; }
  // The canonical committed history (every op's first execution).
  const AtMostOnceChecker& history() const { return *observers_.canonical; }
  // What the clients saw (history.h): recorded from the clients' observations alone.
  const History& client_history() const { return observers_.client_history->history(); }
  // Ends the client history: closes open operations as `info` and, if the healed `core` converged,
  // reads every core replica's whole partition log (the final reads).
  void finish_client_history(const std::vector<std::size_t>& core, bool converged);
  Prng& fault_prng() { return fault_prng_; }

 private:
  enum class EventKind : std::uint8_t {
    kDeliver,
    kReplicaTick,
    kClientTick,
    kSyncDone,
    kReconnect
  };
  struct EventPayload {
    EventKind kind;
    std::uint8_t process;
    std::uint32_t value;  // kDeliver: the network slot; kSyncDone: the replica's incarnation.
  };
  class ReplicaBus;

  Process client_process(std::size_t client) const {
    return static_cast<Process>(options_.replica_count + client);
  }
  void set_client_connected(std::size_t client, bool connected);
  void send(Process from, Process to, const core::Message& message);
  // Inline: every send ends here.
  void schedule(Process to, const SendResult& result) {
    for (std::uint8_t i = 0; i < result.count; i++) {
      latest_delivery_ = std::max(latest_delivery_, result.deliveries[i].instant);
      queue_.push(result.deliveries[i].instant,
                  {EventKind::kDeliver, to, result.deliveries[i].slot});
    }
  }
  void deliver(std::uint32_t slot);
  void deliver_to_replica(Process to, const core::Message& message);
  // deliver_to_replica() of a copy whose carried entry has a corrupt body (corrupt_next_entry).
  void deliver_corrupted(Process to, const core::Message& message);
  void on_replica_event(std::size_t index);  // Trace state transitions and run the checkers.
  void on_client_step(std::size_t client, const ClientStep& step);
  // Recounts whether `client` is done; call it after anything the client handled.
  void update_client_done(std::size_t client);
  void on_execute(const core::Execution& execution);
  void on_checkpoint_installed(const core::CheckpointInstalled& installed);
  void request_sync(std::size_t replica);
  // A crash point fired inside `replica`'s storage (arm_crash_point).
  void storage_died(std::size_t replica);
  void crash_dying();
  void open_replica(std::size_t index, std::uint64_t restart_nonce);
  Duration tick_period(std::size_t replica) const;
  ObservedAt observed_at() const { return {now_.microseconds(), ticks_}; }
  // Calls `call` on every subscriber of `hook`, in registry order, and reports their findings.
  template <typename Call>
  void publish(Hook hook, const Call& call) {
    for (Observer* observer : subscribers_[static_cast<std::size_t>(hook)]) {
      if (Finding finding = call(*observer)) report(*finding);
    }
  }
  // publish() for a message hook: only the subscribers of the message's kind.
  template <typename Call>
  void publish_message(const SubscribersByKind& subscribers, const core::Message& message,
                       const Call& call) {
    for (Observer* observer : subscribers[message.index()]) {
      if (Finding finding = call(*observer)) report(*finding);
    }
  }
  template <typename Call>
  Finding first_finding(Hook hook, const Call& call) const {
    for (Observer* observer : subscribers_[static_cast<std::size_t>(hook)]) {
      if (Finding finding = call(*observer)) return finding;
    }
    return std::nullopt;
  }

  RunOptions options_;
  Prng prng_;
  Prng fault_prng_;
  Prng storage_prng_;
  Prng retransmit_prng_;  // Disconnects timed right after a retransmission.
  Instant now_;
  std::uint64_t ticks_ = 0;
  std::uint64_t tick_next_us_ = 0;  // Where ticks_ next goes up: (ticks_ + 1) * tick_us.
  std::uint64_t events_ = 0;
  EventQueue<EventPayload> queue_;
  Network network_;
  Trace trace_;
  std::vector<std::unique_ptr<SimStorage>> storages_;
  std::vector<std::unique_ptr<ReplicaBus>> buses_;
  std::vector<std::unique_ptr<core::Replica>> replicas_;
  std::vector<core::ReplicaOptions> replica_options_;
  std::vector<std::uint32_t> incarnations_;
  std::vector<std::uint8_t>
      crash_before_sync_;  // Issue 14: armed crash_before_sync(), a SyncWindow.
  // Issue 17: replicas whose crash point fired in the current event (crashed when it ends).
  std::vector<std::uint8_t> dying_;
  bool any_dying_ = false;
  std::uint64_t corrupt_entry_armed_ = 0;  // One bit per replica (corrupt_next_entry).
  std::vector<std::optional<std::uint64_t>> crash_point_ticks_;
  std::vector<std::int64_t> drift_ppm_;
  std::vector<SimClient> clients_;
  // Which clients are done, and how many: kept as they change, so the runner's check after every
  // step does not have to ask every client.
  std::vector<std::uint8_t> client_done_;
  std::size_t clients_done_count_ = 0;
  Observers observers_;
  std::array<std::vector<Observer*>, kHookCount> subscribers_;  // Per hook, in registry order.
  // The subscribers of kMessageSent / kMessageDelivered per message kind, in registry order.
  SubscribersByKind sent_subscribers_;
  SubscribersByKind delivered_subscribers_;
  Instant latest_delivery_;  // Issue 14: when the last message sent so far arrives.
  Finding finding_;
  bool faults_enabled_ = true;

  struct ReplicaSnapshot {
    core::Status status = core::Status::kNormal;
    core::View view = 0;
    core::Op commit_min = 0;
    core::Op op = 0;
  };
  std::vector<ReplicaSnapshot> snapshots_;
  // Per replica, what on_replica_event compares beyond the snapshot, as of its last
  // kReplicaStepped.
  struct Stepped {
    core::Op commit_max = ~core::Op{0};  // None yet: a replica's first step is published.
    bool repair = false;
  };
  std::vector<Stepped> stepped_;
  core::View view_normal_max_ = 0;
  Coverage coverage_;                // Counted by the cluster itself.
  core::ReplicaCounters retired_{};  // Counters of replicas that crashed.
};

}  // namespace vsrsim::sim
