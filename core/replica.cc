#include "core/replica.h"

#include <algorithm>

#include "core/assert.h"

namespace vsrsim::core {

namespace {

std::uint8_t Bit(ReplicaIndex replica) { return static_cast<std::uint8_t>(1U << Raw(replica)); }

// The replicas in a mask of Bit()s. Not std::popcount: on the baseline x86-64 target that is a
// libgcc call, more work than clearing the few bits set in a byte.
std::size_t CountReplicas(std::uint8_t mask) {
  std::size_t count = 0;
  for (; mask != 0; mask = static_cast<std::uint8_t>(mask & (mask - 1))) count++;
  return count;
}

}  // namespace

const char* StatusName(Status status) {
  switch (status) {
    case Status::kNormal:
      return "normal";
    case Status::kViewChange:
      return "view_change";
    case Status::kRecovering:
      return "recovering";
  }
  return "unknown";
}

Replica::Replica(const ReplicaOptions& options, Storage& storage, Bus& bus,
                 std::uint64_t restart_nonce)
    : options_(options),
      storage_(storage),
      bus_(bus),
      mutants_(options.mutants),
      log_(options.journal_slots),
      table_(options.clients_max, options.mutants),
      restart_nonce_(restart_nonce),
      nonce_(restart_nonce) {
  VSRSIM_ASSERT_GE(options.replica_count, 1U);
  VSRSIM_ASSERT_LE(options.replica_count, kReplicasMax);
  VSRSIM_ASSERT_LT(Raw(options.index), options.replica_count);
  VSRSIM_ASSERT_GT(options.heartbeat_ticks, 0U);
  VSRSIM_ASSERT_LT(options.heartbeat_ticks, options.view_change_timeout_ticks);
  VSRSIM_ASSERT_LT(options.retry_ticks, options.view_change_timeout_ticks);
  // The journal holds a checkpoint interval and a full pipeline above the checkpoint, so the
  // primary can always propose once it has checkpointed.
  VSRSIM_ASSERT_GE(options.journal_slots, options.checkpoint_ops + kPipelineMax);
  outbox_.reserve(64);
  state_machine_.reserve(options.ops_reserved * kBatchEntriesMax);
  do_view_change_from_.resize(options.replica_count);
  if (restart_nonce == 0) return;

  restore_from_storage();
}

void Replica::on_message(const Message& message) {
  VisitMessage(
      [this](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, Request>) on_request(m);
        if constexpr (std::is_same_v<T, Reply>) on_reply(m);
        if constexpr (std::is_same_v<T, Eviction>) on_eviction(m);
        if constexpr (std::is_same_v<T, Prepare>) on_prepare(m);
        if constexpr (std::is_same_v<T, PrepareOk>) on_prepare_ok(m);
        if constexpr (std::is_same_v<T, Commit>) on_commit(m);
        if constexpr (std::is_same_v<T, StartViewChange>) on_start_view_change(m);
        if constexpr (std::is_same_v<T, DoViewChange>) on_do_view_change(m);
        if constexpr (std::is_same_v<T, StartView>) on_start_view(m);
        if constexpr (std::is_same_v<T, RequestStartView>) on_request_start_view(m);
        if constexpr (std::is_same_v<T, RequestPrepare>) on_request_prepare(m);
        if constexpr (std::is_same_v<T, RequestCheckpoint>) on_request_checkpoint(m);
        if constexpr (std::is_same_v<T, SyncCheckpoint>) on_sync_checkpoint(m);
        if constexpr (std::is_same_v<T, RequestEntry>) on_request_entry(m);
        if constexpr (std::is_same_v<T, RepairEntry>) on_repair_entry(m);
      },
      message);
  end_batch();
}

// --- Sending and persistence ---------------------------------------------------------------------

void Replica::send(ReplicaIndex to, const Message& message) {
  VSRSIM_ASSERT_NE(Raw(to), Raw(options_.index));
  if (dirty_ && !mutants_.Has(Mutant::kAckBeforeDurable)) {
    // Copied as its kind: the variant's own copy constructor is a call through a table.
    VisitMessage([&](const auto& m) { outbox_.emplace_back(to, m); }, message);
  } else {
    bus_.send_to_replica(to, message);
  }
}

void Replica::send_to_others(const Message& message) {
  for (std::uint8_t r = 0; r < options_.replica_count; r++) {
    if (r != Raw(options_.index)) send(ReplicaIndex{r}, message);
  }
}

void Replica::send_to_client(ClientId client, const Message& message) {
  if (bus_.send_to_client(client, message) == SendStatus::kConnectionClosed) {
    counters_.client_sends_dropped++;
  }
}

Superblock Replica::make_superblock() const {
  return {.view = view_,
          .log_view = log_view_,
          .commit = commit_min_,
          .checkpoint = checkpoint_,
          .op = damaged_ ? damage_head_ : op(),
          .op_checksum = damaged_ ? damage_head_checksum_ : log_.back().checksum};
}

void Replica::persist_superblock() {
  superblock_written_ = make_superblock();
  storage_.write_superblock(superblock_written_);
  dirty_ = true;
}

// Every event that wrote ends with a superblock naming the journal's head, so whatever a later
// sync makes durable ends in one (writes reach the disk in order): a durable superblock vouches
// for every journal entry up to its head.
void Replica::end_batch() {
  if (!dirty_ || halted_) return;
  if (make_superblock() != superblock_written_) persist_superblock();
  if (!sync_requested_) {
    sync_requested_ = true;
    bus_.request_sync();
  }
}

void Replica::on_sync_failed() {
  VSRSIM_ASSERT(sync_requested_);
  counters_.sync_failures++;
  if (mutants_.Has(Mutant::kSyncFailureIgnored)) {
    on_sync_done();
    return;
  }
  // What the sync covered may or may not be on the disk; retrying would report success for
  // writes the disk already dropped. Only a restart learns what the disk holds.
  halted_ = true;
  outbox_.clear();
}

void Replica::on_sync_done() {
  VSRSIM_ASSERT(sync_requested_);
  sync_requested_ = false;
  dirty_ = false;
  checkpoint_unsynced_ = false;
  op_durable_ = op();
  // A checkpoint deferred while the previous one was unsynced is due now: without it a journal
  // that is full stays full.
  const Op checkpoint_before = checkpoint_.op;
  maybe_checkpoint();
  if (checkpoint_.op != checkpoint_before) persist_superblock();
  for (const auto& [to, message] : outbox_) bus_.send_to_replica(to, message);
  outbox_.clear();
  if (status_ == Status::kNormal && is_primary()) maybe_commit();
  end_batch();
}

void Replica::journal(const LogEntry& entry) {
  VSRSIM_ASSERT(journal_has_room(entry.op));
  // The ring slot held the op `slots` below: at or below the checkpoint, so no longer needed.
  if (entry.op > options_.journal_slots) counters_.journal_wraps++;
  log_.push_back(entry);
  storage_.write_entry(entry);
  dirty_ = true;
}

bool Replica::joins(Op base, std::uint64_t base_checksum, const std::vector<LogEntry>& log) const {
  const Op last = base + log.size();
  if (!journal_has_room(last)) return false;
  if (base >= log_.first()) return base <= op() && log_[base].checksum == base_checksum;
  // The new log begins below this replica's anchor: it must hold the anchor, with its checksum.
  return last >= log_.first() &&
         log[log_.first() - base - 1].checksum == log_[log_.first()].checksum;
}

// Replaces the log above where `log` (ops base + 1..) joins it. Executed ops must agree: a new log
// never replaces them.
void Replica::adopt_log(Op base, std::uint64_t base_checksum, const std::vector<LogEntry>& log) {
  VSRSIM_ASSERT(joins(base, base_checksum, log));
  const Op last = base + log.size();
  VSRSIM_ASSERT_GE(last, commit_min_);
  const Op start = std::max(base, log_.first());
  for (Op op = start + 1; op <= commit_min_; op++) {
    VSRSIM_ASSERT_EQ(log[op - base - 1].checksum, log_[op].checksum);
  }
  Op same = start;
  while (same < last && same < op() && log[same - base] == log_[same + 1]) same++;
  log_.truncate_after(same);
  // Acknowledgements of another view never count in this one.
  for (Op op = commit_min_ + 1; op <= same; op++) log_.acks(op) = 0;
  // The journal's head comes down before the entries above it go, so a crash in between leaves
  // no superblock naming an entry the disk no longer holds.
  if (superblock_written_.op > same) persist_superblock();
  storage_.truncate_after(same);
  for (Op op = same + 1; op <= last; op++) journal(log[op - base - 1]);
  op_durable_ = std::min(op_durable_, same);
  dirty_ = true;
}

// --- Normal operation: the primary -------------------------------------------------------------

bool Replica::in_pipeline(const Request& request) const {
  for (Op op = commit_max_ + 1; op <= this->op(); op++) {
    const Request& r = log_[op].request;
    if (r.client == request.client && r.session == request.session &&
        r.request == request.request && r.operation == request.operation) {
      return true;
    }
  }
  return false;
}

void Replica::on_request(const Request& request) {
  // Backups drop requests: the client finds the primary through view hints and retransmission.
  if (status_ != Status::kNormal || !is_primary()) return;
  // A new primary admits requests only once it has executed everything it knows is committed, so
  // its clients table is complete.
  if (commit_min_ < commit_max_) return;
  // A session above what this replica executed was registered where it has not caught up (it may be
  // a primary cut off in an old view): it cannot judge the request, and must not call it evicted.
  if (request.operation != Operation::kRegister && request.session > commit_min_) return;
  const Classification classification = table_.check_request(request, in_pipeline(request));
  switch (classification.status) {
    case RequestStatus::kNew:
      if (op() - commit_max_ >= kPipelineMax) return;  // Full; the client retransmits.
      if (!journal_has_room(op() + 1)) return;         // Until the next checkpoint; likewise.
      propose(request);
      return;
    case RequestStatus::kDuplicate: {
      counters_.cached_replies++;
      const SendStatus sent = bus_.send_to_client(request.client, *classification.reply);
      if (sent == SendStatus::kConnectionClosed) {
        // Mutant (b): the reviewed code unwrapped the send result and panicked.
        VSRSIM_ASSERT(!mutants_.Has(Mutant::kResendPanicsOnDisconnect));
        counters_.client_sends_dropped++;
      }
      return;
    }
    case RequestStatus::kStale:
      counters_.stale_dropped++;
      return;
    case RequestStatus::kInProgress:
      // Mutant (c): the reviewed handler awaited the commit of an InProgress request. For a request
      // that was really stale, that commit never comes and the waiter leaks.
      if (mutants_.Has(Mutant::kStaleAsInProgress)) {
        table_.register_pending(request.client, request.request);
      }
      return;
    case RequestStatus::kEvicted:
      counters_.evictions_sent++;
      send_to_client(request.client,
                     Eviction{.view = view_, .client = request.client, .session = request.session});
      return;
    case RequestStatus::kSessionAhead:
      return;
  }
}

void Replica::propose(const Request& request) {
  const LogEntry entry = MakeEntry(log_.back(), view_, request);
  journal(entry);
  // Mutant (d): the reviewed primary registered a pending waiter for every accepted request.
  if (mutants_.Has(Mutant::kPendingSurvivesViewChange) &&
      request.operation != Operation::kRegister) {
    table_.register_pending(request.client, request.request);
  }
  send_to_others(Prepare{.view = view_, .commit = commit_max_, .entry = entry});
  maybe_commit();
}

void Replica::on_prepare_ok(const PrepareOk& message) {
  if (status_ != Status::kNormal || message.view != view_ || !is_primary()) return;
  if (message.op <= commit_max_ || message.op > op()) return;
  if (log_[message.op].checksum != message.checksum) return;
  // A backup prepares in op order, so its ack of op covers every op below it.
  for (Op op = commit_max_ + 1; op <= message.op; op++) log_.acks(op) |= Bit(message.replica);
  maybe_commit();
}

void Replica::maybe_commit() {
  VSRSIM_ASSERT(is_primary());
  while (commit_max_ < op()) {
    const Op next = commit_max_ + 1;
    const std::size_t acks = CountReplicas(log_.acks(next)) + (next <= op_durable_ ? 1U : 0U);
    if (acks < quorum_replication()) break;
    commit_max_ = next;
  }
  execute_committed();
}

// --- Normal operation: backups -------------------------------------------------------------------

void Replica::on_prepare(const Prepare& message) {
  if (message.view < view_) return;
  if (message.view > view_) {
    request_start_view(PrimaryOf(message.view, options_.replica_count));
    return;
  }
  if (status_ != Status::kNormal || is_primary()) return;
  ticks_heard_primary_ = ticks_;
  const LogEntry& entry = message.entry;
  op_seen_ = std::max(op_seen_, entry.op);
  commit_max_ = std::max(commit_max_, message.commit);
  if (entry.op <= op()) {
    // A retransmission: our PrepareOk may have been lost.
    if (log_.holds(entry.op) && log_[entry.op].checksum == entry.checksum) {
      send(primary(), PrepareOk{.view = view_,
                                .op = op(),
                                .checksum = log_.back().checksum,
                                .replica = options_.index});
    }
  } else if (entry.op == op() + 1 && entry.parent == log_.back().checksum) {
    // Without room the prepare waits for this replica's next checkpoint (the primary resends).
    if (!journal_has_room(entry.op)) return execute_committed();
    // A body corrupted on the way fails its checksum: it is dropped as if lost (the primary
    // resends), never journaled or acknowledged.
    if (EntryChecksum(entry) != entry.checksum) {
      counters_.prepares_corrupt++;
      return execute_committed();
    }
    journal(entry);
    send(primary(),
         PrepareOk{
             .view = view_, .op = entry.op, .checksum = entry.checksum, .replica = options_.index});
  } else {
    request_repair();
  }
  execute_committed();
}

void Replica::on_commit(const Commit& message) {
  if (message.view < view_) return;
  if (message.view > view_) {
    request_start_view(PrimaryOf(message.view, options_.replica_count));
    return;
  }
  if (status_ != Status::kNormal || is_primary()) return;
  ticks_heard_primary_ = ticks_;
  commit_max_ = std::max(commit_max_, message.commit);
  op_seen_ = std::max(op_seen_, message.commit);
  if (op() < op_seen_) request_repair();
  execute_committed();
}

void Replica::request_repair() {
  counters_.repairs_requested++;
  if (op() == log_.first() && op() > 0) counters_.repairs_from_checkpoint_boundary++;
  send(primary(), RequestPrepare{.view = view_, .op = op() + 1, .replica = options_.index});
}

void Replica::on_request_prepare(const RequestPrepare& message) {
  if (status_ != Status::kNormal || message.view != view_ || !is_primary()) return;
  if (message.op == 0 || message.op > op()) return;
  if (message.op <= log_.first()) {
    // The backup is behind the oldest op this primary journals: it needs a checkpoint instead.
    send(message.replica, make_sync_checkpoint());
    return;
  }
  // Send a window of prepares, not one: a backup that fell behind (say, its link reorders) catches
  // up a window per round trip instead of one op.
  const Op last = std::min(op(), message.op + kPipelineMax - 1);
  for (Op op = message.op; op <= last; op++) {
    send(message.replica, Prepare{.view = view_, .commit = commit_max_, .entry = log_[op]});
  }
}

// --- Execution -----------------------------------------------------------------------------------

void Replica::execute_committed() {
  const Op commit_min_before = commit_min_;
  while (commit_min_ < std::min(commit_max_, op())) {
    VSRSIM_ASSERT_GE(commit_min_, log_.first());
    commit_min_++;
    execute(log_[commit_min_]);
  }
  if (commit_min_ == commit_min_before) return;
  maybe_checkpoint();
  persist_superblock();
}

void Replica::execute(const LogEntry& entry) {
  const Request& request = entry.request;
  // Mutant (a): in the reviewed code only the primary recorded committed replies.
  const bool keep_table =
      !mutants_.Has(Mutant::kTablePrimaryOnly) || (status_ == Status::kNormal && is_primary());
  Execution execution{.replica = options_.index,
                      .entry = &entry,
                      .applied = false,
                      .reply = Reply{.view = entry.view,
                                     .client = request.client,
                                     .session = request.session,
                                     .request = request.request,
                                     .op = entry.op},
                      .evicted = std::nullopt,
                      .state_machine = &state_machine_};
  if (request.operation == Operation::kRegister) {
    execution.applied = true;
    execution.reply.session = entry.op;
    if (keep_table) execution.evicted = table_.commit_register(execution.reply);
  } else {
    execution.applied = !keep_table || table_.admits(request);
    if (execution.applied) {
      apply(request, execution.reply);
      if (keep_table) table_.commit_reply(execution.reply);
    }
  }
  bus_.on_execute(execution);
  if (status_ == Status::kNormal && is_primary()) {
    table_.resolve_pending(request.client, request.request);
    if (execution.applied) send_to_client(request.client, execution.reply);
  }
}

void Replica::apply(const Request& request, Reply& reply) {
  if (request.operation == Operation::kAppend) {
    reply.first_offset = state_machine_.append(
        std::span<const std::uint64_t>(request.entries.data(), request.entry_count));
    reply.entry_count = request.entry_count;
    return;
  }
  VSRSIM_ASSERT(request.operation == Operation::kRead);
  VSRSIM_ASSERT_LE(request.entry_count, kReadEntriesMax);
  reply.first_offset = request.read_offset;
  reply.entry_count = static_cast<std::uint8_t>(state_machine_.read(
      request.read_offset, std::span<std::uint64_t>(reply.entries.data(), request.entry_count)));
}

// --- View change ---------------------------------------------------------------------------------

void Replica::start_view_change(View view) {
  VSRSIM_ASSERT(view > view_ || (view == view_ && status_ == Status::kRecovering));
  view_ = view;
  // In a view change the replica was never normal in its view: it acknowledged nothing in it, so a
  // StartView of the view may replace its log. (Issue 11: a replica that was normal in v and
  // restarted once re-entered v's view change here, and a stale StartView of v shrank its log.)
  if (!mutants_.Has(Mutant::kRecoveringRejoinsOwnView)) VSRSIM_ASSERT_LT(log_view_, view_);
  status_ = Status::kViewChange;
  counters_.view_changes_started++;
  ticks_heard_primary_ = ticks_;
  start_view_change_from_ = Bit(options_.index);
  for (DoViewChange& dvc : do_view_change_from_) dvc = DoViewChange{};
  do_view_change_sent_ = false;
  // The pipeline of the old view is discarded with the view (finding (d)); the reviewed code's
  // pending map is cleared with it, unless mutant (d) puts the defect back.
  if (!mutants_.Has(Mutant::kPendingSurvivesViewChange)) table_.clear_pending();
  persist_superblock();
  send_to_others(StartViewChange{.view = view_, .replica = options_.index});
  // A damaged replica's log may lack an op it acknowledged: it never counts it in a view change.
  if (is_primary() && !damaged_) do_view_change_from_[Raw(options_.index)] = make_do_view_change();
  maybe_send_do_view_change();
}

DoViewChange Replica::make_do_view_change() const {
  return DoViewChange{.view = view_,
                      .log_view = log_view_,
                      .op = op(),
                      .commit = commit_min_,
                      .replica = options_.index,
                      .checkpoint = checkpoint_.op,
                      .checkpoint_checksum = log_[checkpoint_.op].checksum,
                      .log = log_.suffix(checkpoint_.op)};
}

StartView Replica::make_start_view(std::uint64_t nonce) const {
  return StartView{.view = view_,
                   .commit = commit_max_,
                   .nonce = nonce,
                   .replica = options_.index,
                   .checkpoint = checkpoint_.op,
                   .checkpoint_checksum = log_[checkpoint_.op].checksum,
                   .log = log_.suffix(checkpoint_.op)};
}

void Replica::on_start_view_change(const StartViewChange& message) {
  if (message.view < view_) return;
  // A restarted replica rejoins its own view's view change only if it crashed in the middle of it
  // (log_view < view). One that was normal in its view acknowledged ops in it, and rejoins that
  // view only through a nonce-checked answer to its own probe (or moves on to a later view).
  const bool rejoins = message.view == view_ && status_ == Status::kRecovering &&
                       (log_view_ < view_ || mutants_.Has(Mutant::kRecoveringRejoinsOwnView));
  if (message.view > view_ || rejoins) start_view_change(message.view);
  if (status_ != Status::kViewChange || message.view != view_) return;
  start_view_change_from_ |= Bit(message.replica);
  maybe_send_do_view_change();
}

void Replica::maybe_send_do_view_change() {
  if (do_view_change_sent_) return;
  if (CountReplicas(start_view_change_from_) < quorum_view_change()) {
    return;
  }
  do_view_change_sent_ = true;
  if (is_primary()) {
    maybe_start_view();
  } else if (!damaged_) {
    send(primary(), make_do_view_change());
  }
}

void Replica::on_do_view_change(const DoViewChange& message) {
  if (message.view < view_) return;
  if (message.view > view_) start_view_change(message.view);
  if (!is_primary()) return;
  if (status_ == Status::kNormal) {
    // The sender missed our StartView.
    send(message.replica, make_start_view(0));
    return;
  }
  if (status_ != Status::kViewChange) return;
  do_view_change_from_[Raw(message.replica)] = message;
  maybe_start_view();
}

void Replica::maybe_start_view() {
  std::size_t count = 0;
  const DoViewChange* canonical = nullptr;
  Op commit = 0;
  for (const DoViewChange& dvc : do_view_change_from_) {
    if (dvc.view != view_) continue;
    count++;
    commit = std::max(commit, dvc.commit);
    if (canonical == nullptr || dvc.log_view > canonical->log_view ||
        (dvc.log_view == canonical->log_view && dvc.op > canonical->op)) {
      canonical = &dvc;
    }
  }
  if (count < quorum_view_change() || !do_view_change_sent_) return;
  VSRSIM_ASSERT(canonical != nullptr);
  // The canonical log holds every committed op: it never truncates one.
  VSRSIM_ASSERT_GE(canonical->op, commit);
  if (!joins(canonical->checkpoint, canonical->checkpoint_checksum, canonical->log)) {
    // The canonical log starts above this replica's log (or beyond its journal): state sync first,
    // then the view starts when the checkpoint is installed.
    request_checkpoint(canonical->replica, canonical->checkpoint);
    return;
  }
  const DoViewChange chosen = *canonical;  // Copy: enter_normal clears the DVCs.
  enter_normal(view_, chosen.checkpoint, chosen.checkpoint_checksum, chosen.log, commit);
  send_to_others(make_start_view(0));
  maybe_commit();
}

void Replica::enter_normal(View view, Op base, std::uint64_t base_checksum,
                           const std::vector<LogEntry>& log, Op commit) {
  VSRSIM_ASSERT_GE(view, view_);
  VSRSIM_ASSERT_GE(view, log_view_);
  if (view == log_view_ && !mutants_.Has(Mutant::kRecoveringRejoinsOwnView)) {
    // Within one log_view a replica's log never shrinks: the adopted log holds every local op, and
    // (a hash chain) agrees with the local log at its last op, so on the whole prefix.
    VSRSIM_ASSERT_GE(base + log.size(), op());
    if (op() > base) VSRSIM_ASSERT_EQ(log[op() - base - 1].checksum, log_.back().checksum);
    if (op() == base) VSRSIM_ASSERT_EQ(base_checksum, log_.back().checksum);
  }
  if (view > view_) {
    // The new view reaches the disk before the log rewritten for it (writes land in order): a
    // crash in the middle of the rewrite then leaves view > log_view, so the replica can never
    // rejoin its old view with a partly rewritten log; it takes part in the new view's change.
    view_ = view;
    persist_superblock();
  }
  view_ = view;
  status_ = Status::kNormal;
  ticks_heard_primary_ = ticks_;
  ticks_last_commit_sent_ = ticks_;
  op_seen_ = 0;
  for (DoViewChange& dvc : do_view_change_from_) dvc = DoViewChange{};
  // The rewrite keeps the old log_view on disk (and, if damaged, the damaged head): a superblock
  // it writes before its truncation lowers the head, never claims the new view for a log that
  // still holds the old one's entries.
  adopt_log(base, base_checksum, log);
  log_view_ = view;
  // A view's log holds every op committed before the view: it repairs a damaged journal once the
  // superblock after it is durable.
  if (damaged_) {
    damaged_ = false;
    counters_.journal_repairs++;
    clear_repair();
  }
  commit_max_ = std::max({commit_max_, commit, commit_min_});
  if (!mutants_.Has(Mutant::kPendingSurvivesViewChange)) table_.clear_pending();
  persist_superblock();
}

void Replica::on_start_view(const StartView& message) {
  // Any probe of this incarnation will do: while recovering the replica acknowledges nothing, so
  // every answer given after the restart reflects all that it acknowledged before the crash.
  const bool answers_probe = status_ == Status::kRecovering && message.nonce > restart_nonce_ &&
                             message.nonce <= nonce_ && message.view >= view_;
  const bool newer =
      message.view > view_ || (message.view == view_ && status_ == Status::kViewChange);
  if (!answers_probe && !newer) return;
  VSRSIM_ASSERT_EQ(Raw(message.replica), Raw(PrimaryOf(message.view, options_.replica_count)));
  if (!joins(message.checkpoint, message.checkpoint_checksum, message.log)) {
    // The view's log starts above this replica's log (or beyond its journal): state sync first;
    // the installed checkpoint then asks for the view's log again.
    request_checkpoint(message.replica, message.checkpoint);
    return;
  }
  if (message.commit > commit_min_) counters_.state_transfers++;
  enter_normal(message.view, message.checkpoint, message.checkpoint_checksum, message.log,
               message.commit);
  // Acknowledge the uncommitted suffix so the new primary can commit it.
  if (op() > commit_max_) {
    send(primary(), PrepareOk{.view = view_,
                              .op = op(),
                              .checksum = log_.back().checksum,
                              .replica = options_.index});
  }
  execute_committed();
}

void Replica::request_start_view(ReplicaIndex to) {
  nonce_++;
  const RequestStartView message{.view = view_, .nonce = nonce_, .replica = options_.index};
  if (to == options_.index) {
    send_to_others(message);
  } else {
    send(to, message);
  }
}

void Replica::on_request_start_view(const RequestStartView& message) {
  if (status_ != Status::kNormal || !is_primary() || message.view > view_) return;
  send(message.replica, make_start_view(message.nonce));
}

// --- Timers --------------------------------------------------------------------------------------

void Replica::on_tick() {
  ticks_++;
  const std::uint64_t silent_ticks = ticks_ - ticks_heard_primary_;
  switch (status_) {
    case Status::kNormal:
      if (is_primary()) {
        if (ticks_ - ticks_last_commit_sent_ >= options_.heartbeat_ticks ||
            commit_sent_ != commit_max_) {
          ticks_last_commit_sent_ = ticks_;
          commit_sent_ = commit_max_;
          send_to_others(Commit{.view = view_, .commit = commit_max_, .replica = options_.index});
        }
        if (ticks_ % options_.retry_ticks == 0) {
          for (Op op = commit_max_ + 1; op <= this->op(); op++) {
            for (std::uint8_t r = 0; r < options_.replica_count; r++) {
              if (r == Raw(options_.index) || (log_.acks(op) & Bit(ReplicaIndex{r})) != 0) continue;
              send(ReplicaIndex{r},
                   Prepare{.view = view_, .commit = commit_max_, .entry = log_[op]});
            }
          }
        }
      } else if (silent_ticks >= options_.view_change_timeout_ticks) {
        start_view_change(view_ + 1);
      } else if (op() < op_seen_ && ticks_ % options_.retry_ticks == 0) {
        request_repair();
      }
      break;
    case Status::kViewChange:
      if (silent_ticks >= options_.view_change_timeout_ticks) {
        start_view_change(view_ + 1);
      } else if (ticks_ % options_.retry_ticks == 0) {
        send_to_others(StartViewChange{.view = view_, .replica = options_.index});
        if (do_view_change_sent_ && !is_primary() && !damaged_) {
          send(primary(), make_do_view_change());
        }
      }
      break;
    case Status::kRecovering:
      if (silent_ticks >= options_.view_change_timeout_ticks) {
        start_view_change(view_ + 1);
      } else if (ticks_ % options_.retry_ticks == 0) {
        request_start_view(options_.index);
      }
      break;
  }
  // Issue 17: a damaged journal asks its peers again for the entry its repair lacks.
  if (damaged_ && ticks_ % options_.retry_ticks == 0) advance_repair(true);
  end_batch();
}

}  // namespace vsrsim::core
