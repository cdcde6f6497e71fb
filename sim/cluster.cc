#include "sim/cluster.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/assert.h"

namespace vsrsim::sim {

namespace {

// Per-op storage (logs, journals, the history and the checkers' indexes) is reserved up front for
// the workload, so a run does not allocate as it goes; a workload larger than this reserves this
// much and grows past it as usual (an option may ask for any workload, however large).
constexpr std::size_t kOpsReservedMax = std::size_t{1} << 18;
// Trace records per op, generously: a fault-free op takes about 16.
constexpr std::size_t kRecordsPerOpExpected = 32;

// The workload's ops: every request of every client and a register each.
ObserverSizes SizesFor(const RunOptions& options) {
  const std::size_t appends = std::min<std::size_t>(
      std::size_t{options.client_count} * options.requests_per_client, kOpsReservedMax);
  return {.appends = appends, .ops = appends + options.client_count};
}

}  // namespace

class Cluster::ReplicaBus final : public core::Bus {
 public:
  ReplicaBus(Cluster& cluster, std::size_t index) : cluster_(cluster), index_(index) {}

  // A replica whose crash point fired is dead for the rest of the event: what it still does goes
  // nowhere (Cluster::arm_crash_point).
  void send_to_replica(core::ReplicaIndex to, const core::Message& message) override {
    if (cluster_.dying_[index_] != 0) return;
    cluster_.send(static_cast<Process>(index_), core::Raw(to), message);
  }
  core::SendStatus send_to_client(core::ClientId to, const core::Message& message) override {
    if (cluster_.dying_[index_] != 0) return core::SendStatus::kSent;
    // Client ids are random; the cluster maps them to processes (few clients: a linear scan).
    for (std::size_t c = 0; c < cluster_.clients_.size(); c++) {
      if (cluster_.clients_[c].id() != to) continue;
      const Process process = cluster_.client_process(c);
      if (!cluster_.network_.connected(static_cast<Process>(index_), process)) {
        return core::SendStatus::kConnectionClosed;
      }
      cluster_.send(static_cast<Process>(index_), process, message);
      return core::SendStatus::kSent;
    }
    return core::SendStatus::kConnectionClosed;
  }
  void request_sync() override {
    if (cluster_.dying_[index_] == 0) cluster_.request_sync(index_);
  }
  void on_execute(const core::Execution& execution) override {
    if (cluster_.dying_[index_] == 0) cluster_.on_execute(execution);
  }
  void on_checkpoint_installed(const core::CheckpointInstalled& installed) override {
    if (cluster_.dying_[index_] == 0) cluster_.on_checkpoint_installed(installed);
  }

 private:
  Cluster& cluster_;
  std::size_t index_;
};

Cluster::Cluster(const RunOptions& options)
    : options_(options),
      prng_(Prng(options.seed).Fork("cluster")),
      fault_prng_(Prng(options.seed).Fork("faults")),
      storage_prng_(Prng(options.seed).Fork("storage")),
      retransmit_prng_(Prng(options.seed).Fork("retransmit-disconnects")),
      network_(options.network, options.replica_count,
               std::size_t{options.replica_count} + options.client_count,
               Prng(options.seed).Fork("network")),
      trace_(options.keep_trace),
      observers_(MakeObservers(options, SizesFor(options))) {
  VSRSIM_ASSERT_GE(options.replica_count, 1U);
  VSRSIM_ASSERT_LE(options.replica_count, core::kReplicasMax);
  VSRSIM_ASSERT_GE(options.client_count, 1U);
  VSRSIM_ASSERT_GT(options.tick_us, 0U);
  VSRSIM_ASSERT_LE(options.tick_us, 1'000'000U);
  tick_next_us_ = options.tick_us;
  queue_.reserve(4096);
  for (const std::unique_ptr<Observer>& observer : observers_.all) {
    for (std::size_t hook = 0; hook < kHookCount; hook++) {
      if ((observer->hooks() >> hook) & 1U) subscribers_[hook].push_back(observer.get());
    }
  }
  sent_subscribers_ = ByMessageKind(observers_.all, Hook::kMessageSent);
  delivered_subscribers_ = ByMessageKind(observers_.all, Hook::kMessageDelivered);
  const std::size_t ops = SizesFor(options).ops;
  trace_.reserve(ops * kRecordsPerOpExpected);
  Prng timing = Prng(options.seed).Fork("replica-timing");
  for (std::size_t r = 0; r < options.replica_count; r++) {
    const auto drift_max = static_cast<std::int64_t>(options.faults.drift_ppm_max);
    drift_ppm_.push_back(
        static_cast<std::int64_t>(timing.Below(static_cast<std::uint64_t>(2 * drift_max + 1))) -
        drift_max);
    core::ReplicaOptions replica_options{
        .index = core::ReplicaIndex{static_cast<std::uint8_t>(r)},
        .replica_count = options.replica_count,
        .clients_max = options.clients_max,
        .mutants = options.mutants,
        .view_change_timeout_ticks = static_cast<std::uint32_t>(timing.Between(
            options.view_change_timeout_ticks_min, options.view_change_timeout_ticks_max)),
        .ops_reserved = ops,
        .checkpoint_ops = options.checkpoint_ops,
        .journal_slots = options.journal_slots,
    };
    replica_options_.push_back(replica_options);
    storages_.push_back(std::make_unique<SimStorage>(options.journal_slots));
    storages_.back()->reserve_data(ops * core::kBatchEntriesMax);
    if (options.record_storage_ops) storages_.back()->record_op_kinds();
    buses_.push_back(std::make_unique<ReplicaBus>(*this, r));
    replicas_.push_back(nullptr);
    incarnations_.push_back(0);
    crash_before_sync_.push_back(0);
    dying_.push_back(0);
    crash_point_ticks_.emplace_back();
    snapshots_.emplace_back();
    stepped_.emplace_back();
    open_replica(r, 0);
    // Replica clocks start at different phases, so their ticks interleave.
    queue_.push(now_ + Duration::Microseconds(timing.Below(options.tick_us)),
                {EventKind::kReplicaTick, static_cast<std::uint8_t>(r), 0});
  }
  Prng client_prng = Prng(options.seed).Fork("clients");
  for (std::size_t c = 0; c < options.client_count; c++) {
    const core::ClientOptions client_options{
        .id = core::ClientId{client_prng.Next() | 1},
        .replica_count = options.replica_count,
        .retry_ticks_min = options.client_retry_ticks_min,
        .retry_ticks_max = options.client_retry_ticks_max,
    };
    clients_.emplace_back(
        client_options, static_cast<std::uint32_t>(c),
        SimClient::Workload{.requests_total = options.requests_per_client, .reads = options.reads},
        client_prng.Fork(fmt::format("client-{}", c)),
        client_prng.Fork(fmt::format("client-{}-reads", c)));
    queue_.push(now_ + Duration::Microseconds(client_prng.Below(options.tick_us * 4)),
                {EventKind::kClientTick, static_cast<std::uint8_t>(client_process(c)), 0});
    client_done_.push_back(0);
    update_client_done(c);
  }
}

Cluster::~Cluster() = default;

Duration Cluster::tick_period(std::size_t replica) const {
  const auto tick = static_cast<std::int64_t>(options_.tick_us);
  return Duration::Microseconds(
      static_cast<std::uint64_t>(tick + tick * drift_ppm_[replica] / 1'000'000));
}

void Cluster::open_replica(std::size_t index, std::uint64_t restart_nonce) {
  VSRSIM_ASSERT(replicas_[index] == nullptr);
  replicas_[index] = std::make_unique<core::Replica>(replica_options_[index], *storages_[index],
                                                     *buses_[index], restart_nonce);
}

void Cluster::report(const Violation& violation) {
  if (finding_.has_value()) return;  // The first finding ends the run; keep it.
  if (options_.outside_only && !IsOutsideOnly(violation.checker)) return;
  finding_ = violation;
  trace_.record({.time_us = now_.microseconds(), .kind = TraceKind::kViolation});
}

void Cluster::send(Process from, Process to, const core::Message& message) {
  publish_message(sent_subscribers_, message,
                  [&](Observer& o) { return o.on_message_sent(observed_at(), from, to, message); });
  const SendResult result = network_.send(now_, from, to, message);
  if (result.drop != DropReason::kNone || result.count > 1) {
    trace_.record(MessageRecord(
        result.count > 1 ? TraceKind::kDuplicate : TraceKind::kDrop, now_.microseconds(), from, to,
        static_cast<std::uint64_t>(result.drop), now_.microseconds(), core::Summarize(message)));
  }
  schedule(to, result);
}

bool Cluster::step() {
  if (queue_.empty()) return false;
  const EventQueue<EventPayload>::Event event = queue_.top();
  VSRSIM_ASSERT(event.instant >= now_);
  now_ = event.instant;
  if (now_.microseconds() >= tick_next_us_) {
    // One division per tick instead of one per question.
    ticks_ = now_.microseconds() / options_.tick_us;
    tick_next_us_ = (ticks_ + 1) * options_.tick_us;
  }
  events_++;
  const std::size_t process = event.payload.process;
  switch (event.payload.kind) {
    case EventKind::kDeliver:
      queue_.pop();
      deliver(event.payload.value);
      break;
    case EventKind::kReplicaTick:
      // A tick re-arms itself before anything else happens, so replacing the top is the same as
      // popping it and pushing the next tick (the same sequence number, the same order after).
      queue_.replace_top(now_ + tick_period(process), event.payload);
      if (replicas_[process] != nullptr) {
        replicas_[process]->on_tick();
        on_replica_event(process);
      }
      break;
    case EventKind::kClientTick: {
      queue_.replace_top(now_ + Duration::Microseconds(options_.tick_us), event.payload);
      const std::size_t client = process - options_.replica_count;
      on_client_step(client, clients_[client].on_tick());
      break;
    }
    case EventKind::kReconnect:
      queue_.pop();
      set_client_connected(process - options_.replica_count, true);
      break;
    case EventKind::kSyncDone:
      queue_.pop();
      if (replicas_[process] != nullptr && incarnations_[process] == event.payload.value) {
        const auto window = static_cast<SyncWindow>(crash_before_sync_[process]);
        if (faults_enabled_ &&
            (window == SyncWindow::kAny ||
             (window == SyncWindow::kCheckpoint && storages_[process]->checkpoint_pending()))) {
          crash(process);  // Issue 14: an armed crash lands in the sync window.
          break;
        }
        switch (storages_[process]->sync(storage_prng_)) {
          case SyncResult::kDone:
            replicas_[process]->on_sync_done();
            on_replica_event(process);
            break;
          case SyncResult::kFailed:
            replicas_[process]->on_sync_failed();
            if (replicas_[process]->halted()) {
              // The replica stopped on the failed sync: its process restarts from the disk.
              crash(process);
              restart(process);
            } else {
              on_replica_event(process);
            }
            break;
          case SyncResult::kDied:
            break;
        }
      }
      break;
  }
  if (any_dying_) crash_dying();
  return true;
}

void Cluster::arm_crash_point(std::size_t replica, const CrashPoint& point) {
  storages_[replica]->arm(point, [this, replica] { storage_died(replica); });
}

void Cluster::sector_error(std::size_t replica, std::size_t first_slot, std::size_t count) {
  record_fault(kSectorErrorFault, static_cast<Process>(replica), 0,
               (std::uint64_t{first_slot} << 32) | count);
  storages_[replica]->add_sector_error(first_slot, count);
}

void Cluster::corrupt_next_read(std::size_t replica, std::size_t slot) {
  record_fault(kCorruptReadFault, static_cast<Process>(replica), 0, slot);
  storages_[replica]->corrupt_next_read(slot);
}

void Cluster::misdirect_next_write(std::size_t replica, std::size_t slot) {
  record_fault(kMisdirectFault, static_cast<Process>(replica), 0, slot);
  storages_[replica]->misdirect_next_write(slot);
}

void Cluster::fail_next_sync(std::size_t replica) {
  record_fault(kSyncFailFault, static_cast<Process>(replica), 0, 0);
  storages_[replica]->fail_next_sync();
}

void Cluster::corrupt_next_checkpoint_read(std::size_t replica) {
  record_fault(kCorruptCheckpointFault, static_cast<Process>(replica), 0, 0);
  storages_[replica]->corrupt_next_checkpoint_read();
}

void Cluster::corrupt_next_entry(std::size_t replica) {
  record_fault(kCorruptEntryFault, static_cast<Process>(replica), 0, 0);
  corrupt_entry_armed_ |= std::uint64_t{1} << replica;
}

namespace {

// The entry a Prepare or RepairEntry carries, or nullptr.
core::LogEntry* CarriedEntry(core::Message& message) {
  if (auto* prepare = std::get_if<core::Prepare>(&message)) return &prepare->entry;
  if (auto* repair = std::get_if<core::RepairEntry>(&message)) return &repair->entry;
  return nullptr;
}

void CorruptBody(core::LogEntry& entry) {
  core::Request& request = entry.request;
  if (request.operation == core::Operation::kAppend) {
    request.entries[0] ^= 1;
  } else if (request.operation == core::Operation::kRead) {
    request.read_offset ^= 1;
  } else {
    request.request ^= 1;
  }
}

}  // namespace

void Cluster::storage_died(std::size_t replica) {
  dying_[replica] = 1;
  any_dying_ = true;
  crash_point_ticks_[replica] = ticks_;
  coverage_.crash_points++;
  record_fault(kCrashPointFault, static_cast<Process>(replica), 0,
               storages_[replica]->op_count() - 1);
}

void Cluster::crash_dying() {
  any_dying_ = false;
  for (std::size_t r = 0; r < dying_.size(); r++) {
    if (dying_[r] != 0 && replicas_[r] != nullptr) crash(r);
    dying_[r] = 0;
  }
}

void Cluster::deliver(std::uint32_t slot) {
  const DropReason drop = network_.arrive(slot);
  const InFlight& in_flight = network_.in_flight(slot);
  const Process to = in_flight.to;
  // A message that reaches a replica which is down is dropped there (traced as such).
  const bool down =
      drop == DropReason::kNone && to < options_.replica_count && replicas_[to] == nullptr;
  trace_.record(
      MessageRecord(drop == DropReason::kNone && !down ? TraceKind::kDeliver : TraceKind::kDrop,
                    now_.microseconds(), in_flight.from, to,
                    down ? kDropReplicaDown : static_cast<std::uint64_t>(drop),
                    in_flight.sent.microseconds(), core::Summarize(in_flight.message)));
  if (drop == DropReason::kNone && !down) {
    if (to < options_.replica_count) {
      if ((corrupt_entry_armed_ >> to & 1) != 0) [[unlikely]] {
        deliver_corrupted(to, in_flight.message);
      } else {
        deliver_to_replica(to, in_flight.message);
      }
    } else {
      const std::size_t client = to - options_.replica_count;
      on_client_step(client, clients_[client].on_message(in_flight.message));
    }
  }
  network_.release(slot);
}

void Cluster::deliver_to_replica(Process to, const core::Message& message) {
  publish_message(delivered_subscribers_, message,
                  [&](Observer& o) { return o.on_message_delivered(observed_at(), to, message); });
  replicas_[to]->on_message(message);
  on_replica_event(to);
}

// Out of line: the copy is built only when the fault is armed, so a delivery constructs and
// destroys no message (and deliver() initializes no room for one).
[[gnu::noinline]] void Cluster::deliver_corrupted(Process to, const core::Message& message) {
  core::Message corrupted = message;
  core::LogEntry* entry = CarriedEntry(corrupted);
  if (entry == nullptr) {
    // The fault stays armed for the next message that carries an entry.
    deliver_to_replica(to, message);
    return;
  }
  CorruptBody(*entry);
  corrupt_entry_armed_ &= ~(std::uint64_t{1} << to);
  coverage_.entries_corrupted++;
  deliver_to_replica(to, corrupted);
}

void Cluster::update_client_done(std::size_t client) {
  const std::uint8_t done = clients_[client].done() ? 1 : 0;
  if (done == client_done_[client]) return;
  client_done_[client] = done;
  if (done != 0) {
    clients_done_count_++;
  } else {
    clients_done_count_--;
  }
}

void Cluster::on_client_step(std::size_t client, const ClientStep& step) {
  update_client_done(client);
  const Process process = client_process(client);
  if (step.accepted.has_value()) {
    const core::Reply& reply = step.accepted->reply;
    trace_.record({.time_us = now_.microseconds(),
                   .kind = TraceKind::kAccept,
                   .from = process,
                   .a = reply.session,
                   .b = reply.request,
                   .c = reply.op});
    publish(Hook::kClientAccepted, [&](Observer& o) {
      return o.on_client_accepted(observed_at(), client, *step.accepted);
    });
  }
  if (step.eviction.has_value()) {
    coverage_.evictions++;
    trace_.record({.time_us = now_.microseconds(),
                   .kind = TraceKind::kEvicted,
                   .from = process,
                   .a = step.eviction->session});
    publish(Hook::kClientEvicted, [&](Observer& o) {
      return o.on_client_evicted(observed_at(), client, *step.eviction);
    });
  }
  if (step.send.has_value()) {
    if (!step.retransmission) {
      publish(Hook::kClientInvoked, [&](Observer& o) {
        return o.on_client_invoked(observed_at(), client, clients_[client].id(),
                                   step.send->request);
      });
    }
    const Process to = core::Raw(step.send->to);
    const bool link_clear = network_.connected(process, to) && !network_.blocked(process, to) &&
                            !network_.blocked(to, process) &&
                            !network_.clogged(process, to, now_) &&
                            !network_.clogged(to, process, now_);
    const ClientSent sent{.client = client,
                          .id = clients_[client].id(),
                          .replica = to,
                          .request = &step.send->request,
                          .retransmission = step.retransmission,
                          .link_clear = link_clear};
    publish(Hook::kClientSent, [&](Observer& o) { return o.on_client_sent(observed_at(), sent); });
    send(process, to, step.send->request);
    if (step.retransmission && faults_enabled_ &&
        retransmit_prng_.Chance(options_.faults.disconnect_after_retransmit)) {
      disconnect_client(client, Duration::Microseconds(retransmit_prng_.Between(
                                    1, options_.tick_us * options_.faults.disconnect_ticks_max)));
    }
  }
}

bool Cluster::replay(Process from, Process to, std::size_t kind, std::size_t age) {
  if (network_.remembered(from, to, kind, age) == nullptr) return false;
  coverage_.replays++;
  record_fault(kReplayFault, from, to, (kind << 8) | age);
  schedule(to, network_.replay(now_, from, to, kind, age));
  return true;
}

void Cluster::disconnect_client(std::size_t client, Duration duration) {
  set_client_connected(client, false);
  record_fault(kDisconnectFault, client_process(client), 0, duration.microseconds());
  queue_.push(now_ + duration, {EventKind::kReconnect, client_process(client), 0});
}

void Cluster::record_fault(std::uint64_t kind, Process a, Process b, std::uint64_t detail) {
  trace_.record({.time_us = now_.microseconds(),
                 .kind = TraceKind::kFault,
                 .from = a,
                 .to = b,
                 .a = kind,
                 .b = detail});
}

void Cluster::on_execute(const core::Execution& execution) {
  trace_.record({.time_us = now_.microseconds(),
                 .kind = TraceKind::kExecute,
                 .from = core::Raw(execution.replica),
                 .a = execution.entry->op,
                 .b = execution.applied ? 1U : 0U,
                 .c = core::Raw(execution.entry->request.client),
                 .d = execution.entry->request.request,
                 .e = execution.entry->request.session});
  publish(Hook::kExecuted, [&](Observer& o) { return o.on_executed(observed_at(), execution); });
}

void Cluster::on_checkpoint_installed(const core::CheckpointInstalled& installed) {
  publish(Hook::kCheckpointInstalled,
          [&](Observer& o) { return o.on_checkpoint_installed(observed_at(), installed); });
}

void Cluster::on_replica_event(std::size_t index) {
  if (dying_[index] != 0) return;  // Its state past the crash point dies with it.
  const core::Replica& replica = *replicas_[index];
  ReplicaSnapshot& snapshot = snapshots_[index];
  const ReplicaSnapshot now{replica.status(), replica.view(), replica.commit_min(), replica.op()};
  // A step in normal status that changed none of status, view, op, commit_min, commit_max and
  // whether a repair is outstanding leaves the replica as the last step published it, so it is not
  // published (protocol_coverage.h: it would set no new bit). Outside normal status every step is.
  const Stepped stepped{replica.commit_max(), replica.repair_outstanding()};
  // Whether the snapshot moved, decided once: both publications below ask.
  const bool moved = now.status != snapshot.status || now.view != snapshot.view ||
                     now.commit_min != snapshot.commit_min || now.op != snapshot.op;
  Stepped& last = stepped_[index];
  if (moved || now.status != core::Status::kNormal || stepped.commit_max != last.commit_max ||
      stepped.repair != last.repair) {
    last = stepped;
    publish(Hook::kReplicaStepped,
            [&](Observer& o) { return o.on_replica_stepped(observed_at(), replica); });
  }
  if (moved) {
    trace_.record({.time_us = now_.microseconds(),
                   .kind = TraceKind::kReplica,
                   .from = static_cast<std::uint8_t>(index),
                   .a = static_cast<std::uint64_t>(now.status),
                   .b = now.view,
                   .c = now.commit_min,
                   .d = now.op});
    if (now.status == core::Status::kNormal && replica.is_primary() &&
        now.view > view_normal_max_) {
      view_normal_max_ = now.view;
      coverage_.view_changes++;
    }
    const ReplicaChanged changed{.replica = &replica, .new_view = now.view != snapshot.view};
    const bool transition = now.status != snapshot.status || changed.new_view;
    const bool committed = now.commit_min != snapshot.commit_min;
    snapshot = now;
    if (transition) {
      publish(Hook::kReplicaChanged,
              [&](Observer& o) { return o.on_replica_changed(observed_at(), changed); });
    }
    if (committed) {
      publish(Hook::kReplicaCommitted,
              [&](Observer& o) { return o.on_replica_committed(observed_at(), replica); });
    }
  }
}

void Cluster::request_sync(std::size_t replica) {
  const Duration latency = Duration::Microseconds(storage_prng_.Between(
      options_.storage.sync_latency_min_us, options_.storage.sync_latency_max_us));
  queue_.push(now_ + latency,
              {EventKind::kSyncDone, static_cast<std::uint8_t>(replica), incarnations_[replica]});
}

void Cluster::crash(std::size_t index) {
  VSRSIM_ASSERT(replicas_[index] != nullptr);
  retired_ += replicas_[index]->counters();
  replicas_[index].reset();
  publish(Hook::kReplicaCrashed,
          [&](Observer& o) { return o.on_replica_crashed(observed_at(), index); });
  incarnations_[index]++;
  crash_before_sync_[index] = 0;
  dying_[index] = 0;
  coverage_.crashes++;
  // Issue 14: a crash that lands in the sync window, with writes at risk.
  if (storages_[index]->pending_count() > 0) coverage_.crashes_in_sync_window++;
  if (storages_[index]->checkpoint_pending()) coverage_.crashes_in_checkpoint_window++;
  coverage_.writes_lost += storages_[index]->crash(storage_prng_, options_.faults.torn_write);
  trace_.record({.time_us = now_.microseconds(),
                 .kind = TraceKind::kCrash,
                 .from = static_cast<std::uint8_t>(index)});
}

void Cluster::restart(std::size_t index) {
  const core::Superblock durable = storages_[index]->read_superblock();
  // Nonces of incarnation k lie above k << 32, so no answer to an older incarnation's probe
  // matches.
  open_replica(index, (std::uint64_t{incarnations_[index]} << 32) | 1);
  coverage_.restarts++;
  trace_.record({.time_us = now_.microseconds(),
                 .kind = TraceKind::kRestart,
                 .from = static_cast<std::uint8_t>(index)});
  publish(Hook::kDiskOpened, [&](Observer& o) {
    return o.on_disk_opened(observed_at(), index, *storages_[index], *replicas_[index]);
  });
  publish(Hook::kReplicaRestarted, [&](Observer& o) {
    return o.on_replica_restarted(observed_at(), *replicas_[index], durable);
  });
  on_replica_event(index);
}

void Cluster::set_client_connected(std::size_t client, bool connected) {
  for (std::size_t r = 0; r < options_.replica_count; r++) {
    network_.set_connected(client_process(client), static_cast<Process>(r), connected);
  }
  if (!connected) coverage_.client_disconnects++;
}

void Cluster::fork_streams(std::uint64_t salt) {
  const std::string name = fmt::format("fork-{}", salt);
  prng_ = prng_.Fork(name);
  storage_prng_ = storage_prng_.Fork(name);
  retransmit_prng_ = retransmit_prng_.Fork(name);
  network_.fork_stream(salt);
}

void Cluster::heal() {
  // A crash point is a fault: none fires in the liveness phase.
  for (const std::unique_ptr<SimStorage>& storage : storages_) {
    storage->disarm();
    storage->clear_armed_faults();
  }
  faults_enabled_ = false;
  std::fill(crash_before_sync_.begin(), crash_before_sync_.end(), 0);
  publish(Hook::kHealed, [&](Observer& o) { return o.on_healed(observed_at()); });
  network_.heal();
  network_.calm();
  for (std::size_t c = 0; c < clients_.size(); c++) {
    for (std::size_t r = 0; r < options_.replica_count; r++) {
      network_.set_connected(client_process(c), static_cast<Process>(r), true);
    }
  }
}

std::optional<std::size_t> Cluster::current_primary() const {
  std::optional<std::size_t> primary;
  for (std::size_t r = 0; r < replicas_.size(); r++) {
    const core::Replica* replica = replicas_[r].get();
    if (replica == nullptr || replica->status() != core::Status::kNormal ||
        !replica->is_primary()) {
      continue;
    }
    if (!primary || replica->view() > replicas_[*primary]->view()) primary = r;
  }
  return primary;
}

std::uint64_t Cluster::requests_committed() const {
  std::uint64_t committed = 0;
  for (const SimClient& client : clients_) committed += client.completed();
  return committed;
}

bool Cluster::converged(const std::vector<std::size_t>& core) const {
  const core::Replica* primary = nullptr;
  for (const std::size_t index : core) {
    const core::Replica* replica = replicas_[index].get();
    if (replica == nullptr) return false;
    if (replica->status() == core::Status::kNormal && replica->is_primary()) primary = replica;
  }
  if (primary == nullptr) return false;
  return std::all_of(core.begin(), core.end(), [this, primary](std::size_t index) {
    const core::Replica& replica = *replicas_[index];
    return replica.status() == core::Status::kNormal && replica.view() == primary->view() &&
           replica.commit_min() == primary->op() && !replica.sync_pending();
  });
}

Finding Cluster::check_converged(const std::vector<std::size_t>& core) const {
  std::vector<const core::Replica*> live;
  for (const std::size_t index : core) {
    if (replicas_[index] != nullptr) live.push_back(replicas_[index].get());
  }
  return first_finding(Hook::kCoreConverged,
                       [&](Observer& o) { return o.on_core_converged(live); });
}

void Cluster::finish_client_history(const std::vector<std::size_t>& core, bool converged) {
  observers_.client_history->finish(now_.microseconds());
  if (!converged) return;
  for (const std::size_t index : core) {
    observers_.client_history->final_read(static_cast<std::uint32_t>(index),
                                          replicas_[index]->state_machine().entries());
  }
}

Finding Cluster::check_hygiene() const {
  std::vector<const core::Replica*> live;
  for (const auto& replica : replicas_) {
    if (replica != nullptr) live.push_back(replica.get());
  }
  return first_finding(Hook::kQuiescent, [&](Observer& o) { return o.on_quiescent(live); });
}

void Cluster::watch_quiescence(const std::vector<std::size_t>& core, std::uint64_t window_ticks) {
  std::size_t primary = core.front();
  for (const std::size_t index : core) {
    if (replicas_[index] != nullptr && replicas_[index]->is_primary()) primary = index;
  }
  observers_.quiescence->watch(core, primary, window_ticks, options_.faults.drift_ppm_max);
  // The quiescence bound takes sends only while it watches (QuiescenceChecker::kinds_sent).
  sent_subscribers_ = ByMessageKind(observers_.all, Hook::kMessageSent);
}

Coverage Cluster::coverage() const {
  Coverage coverage = coverage_;
  core::ReplicaCounters sum = retired_;
  for (const auto& replica : replicas_) {
    if (replica == nullptr) continue;
    sum += replica->counters();
  }
  coverage.checkpoint_fallbacks = sum.checkpoint_fallbacks;
  coverage.checksum_failures = sum.journal_checksum_failures;
  coverage.journal_damage = sum.journal_damage;
  coverage.journal_repairs = sum.journal_repairs;
  coverage.entry_requests = sum.entry_requests;
  coverage.entries_repaired = sum.entries_repaired;
  coverage.repair_answers_refused = sum.repair_answers_refused;
  coverage.entry_repairs = sum.entry_repairs;
  coverage.prepares_corrupt = sum.prepares_corrupt;
  for (const std::unique_ptr<SimStorage>& storage : storages_) {
    const SimStorage::FaultCounts& f = storage->fault_counts();
    coverage.corrupt_reads += f.corrupt_reads;
    coverage.misdirected_writes += f.misdirected_writes;
    coverage.sync_failures += f.sync_failures;
    coverage.sector_errors += f.sector_errors;
    coverage.corrupt_checkpoint_reads += f.corrupt_checkpoint_reads;
  }
  coverage.cached_replies = sum.cached_replies;
  coverage.stale_dropped = sum.stale_dropped;
  coverage.client_sends_dropped = sum.client_sends_dropped + network_.counters().dropped_closed;
  coverage.repairs = sum.repairs_requested;
  coverage.state_transfers = sum.state_transfers;
  coverage.checkpoints = sum.checkpoints;
  coverage.repairs_from_checkpoint_boundary = sum.repairs_from_checkpoint_boundary;
  coverage.journal_wraps = sum.journal_wraps;
  coverage.state_syncs = sum.state_syncs;
  coverage.messages_dropped = network_.counters().dropped;
  coverage.messages_duplicated = network_.counters().duplicated;
  for (const SimClient& client : clients_) {
    coverage.retransmissions += client.protocol().retransmissions();
  }
  return coverage;
}

}  // namespace vsrsim::sim
