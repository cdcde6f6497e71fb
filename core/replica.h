#pragma once
// A VSR replica (VR Revisited, Liskov and Cowling 2012), sans-IO: messages, ticks and sync
// completions in; messages, storage writes and sync requests out, through the Bus and Storage
// seams.
//
// What it implements: normal operation (4.1) with a commit heartbeat, view change (4.2) with the
// log above the sender's checkpoint in DoViewChange and StartView, restart from durable storage
// (the checkpoint in force, then the journal above it) with a nonce-checked StartView probe
// instead of VR's diskless recovery (4.3), repair of missed prepares from the primary, checkpoints
// of the state machine and the clients table every checkpoint_ops committed ops (replica_
// checkpoint.cc), a journal ring of journal_slots ops, and state sync of a peer's checkpoint when
// the ops a replica needs are no longer journaled (replica_sync.cc).
//
// Invariants (asserted):
// - view and log_view only grow, and are persisted (synced) before any view-scoped message leaves:
//   messages to replicas wait in `outbox_` while writes are unsynced.
// - commit_min <= commit_max, commit_min <= op; executed ops are never replaced by a new log.
// - Within one log_view the log never shrinks. A replica that was normal in its view and restarts
//   re-enters that view only through a nonce-checked answer to its own probe (or moves to a later
//   view); it rejoins its own view's view change only if it crashed in the middle of it
//   (log_view < view). In a view change, log_view < view always. Entering a newer view, the new
//   view is persisted before the log is rewritten for it, so a crash mid-rewrite never leaves the
//   old log_view with a partly rewritten log as the replica's own view.
// - The new primary takes the canonical log (highest log_view, then highest op) and never truncates
// a
//   committed op. It rebuilds its pipeline (ops above commit_max) from the log and admits client
//   requests only once commit_min == commit_max.
// - Every replica executes committed ops in op order and updates its clients table while doing so.
// - The journal never overwrites an op above the checkpoint: an op is journaled only if it is at
//   most journal_slots above it (a primary waits, a backup drops the prepare, a view's log that
//   does not fit is reached by state sync first).
// - Issue 17, repair by (op, checksum) (replica_repair.cc): a replica whose restart found its
//   journal damaged knows the checksum each op up to the damaged head must have (the head's from
//   the superblock, each op below from the parent of the entry above it). It takes the intact
//   entries its disk still holds on that chain, and asks every peer for exactly the op and
//   checksum it lacks next, from the head down; any replica whose log holds that entry answers.
//   An answer enters only if its op and checksum are the ones asked for and its body hashes to
//   that checksum; it is written to the journal at once, and joins the log (counts for execution
//   and votes) only when the chain reaches the log the restart loaded. Until then the replica
//   reports its journal damaged and does not vote. Every entry a replica sends, or journals from a
//   prepare, verifies its checksum: a body corrupted on the way is dropped like a lost message.
// Deliberately not implemented: view-change messages with headers only (they carry the prepares
// above the checkpoint, bodies included, so a replica that adopts a view's log needs no body
// repair), checkpoints sent in chunks, reconfiguration.

#include <cstdint>
#include <utility>
#include <vector>

#include "core/bus.h"
#include "core/checkpoint.h"
#include "core/clients_table.h"
#include "core/log_ring.h"
#include "core/message.h"
#include "core/mutants.h"
#include "core/partition_log.h"
#include "core/storage.h"
#include "core/types.h"

namespace vsrsim::core {

enum class Status : std::uint8_t { kNormal, kViewChange, kRecovering };

const char* StatusName(Status status);

struct ReplicaOptions {
  ReplicaIndex index{};
  std::uint8_t replica_count = 3;
  std::size_t clients_max = 8;
  MutantSet mutants;
  // A backup that hears nothing from its primary for this long starts a view change; a view change
  // that does not finish in this long moves on to the next view.
  std::uint32_t view_change_timeout_ticks = 20;
  std::uint32_t heartbeat_ticks = 2;
  std::uint32_t retry_ticks = 4;  // Prepare, SVC, DVC, RequestStartView and repair retransmission.
  // A capacity hint, never a limit: ops whose log slots (and state machine entries) are reserved
  // when the replica opens, so an environment that knows its workload never sees the log regrow
  // (an allocation and a copy of the whole log) while it runs. Zero reserves nothing.
  std::size_t ops_reserved = 0;
  // A checkpoint of the state machine and the clients table is taken once commit_min is this many
  // ops past the checkpoint in force (and the previous checkpoint is durable). Zero: never.
  std::uint32_t checkpoint_ops = 0;
  // The journal is a ring of this many slots: an op is written over the op `journal_slots` below
  // it, which must be at or below the checkpoint. Requires: >= checkpoint_ops + kPipelineMax.
  std::uint32_t journal_slots = 1024;
};

// Counts of what the replica did, for the run's coverage report.
struct ReplicaCounters {
  std::uint64_t view_changes_started = 0;
  std::uint64_t cached_replies = 0;
  std::uint64_t stale_dropped = 0;
  std::uint64_t evictions_sent = 0;
  std::uint64_t client_sends_dropped = 0;  // Sends to a closed client connection.
  std::uint64_t repairs_requested = 0;
  std::uint64_t state_transfers = 0;  // Committed ops learned wholesale from a StartView.
  std::uint64_t checkpoints = 0;      // Checkpoints written (each named by a superblock after it).
  std::uint64_t state_syncs = 0;      // Checkpoints installed from a peer.
  std::uint64_t journal_wraps = 0;    // Journal slots written over an older op.
  // Repairs asked for right above a checkpoint the replica holds only as an anchor (after a
  // state sync, or a log that starts at a checkpoint).
  std::uint64_t repairs_from_checkpoint_boundary = 0;
  // Issue 17: journal slots a restart read whose checksum failed (torn or corrupt), restarts that
  // found synced entries destroyed (the journal ends below the superblock's head), damaged logs
  // repaired by a view's log, and syncs that failed (after which the replica halts).
  std::uint64_t journal_checksum_failures = 0;
  std::uint64_t journal_damage = 0;
  std::uint64_t journal_repairs = 0;
  std::uint64_t sync_failures = 0;
  // Restarts whose checkpoint in force failed its checksum (or its data area its digest) and that
  // fell back to the other area's checkpoint or to none.
  std::uint64_t checkpoint_fallbacks = 0;
  // Issue 17, repair by (op, checksum): RequestEntry messages sent (each to every peer), entries
  // taken from a peer's answer, answers dropped (not the op and checksum asked for, or a body
  // that fails its checksum), and damaged journals repaired entry by entry (also counted in
  // journal_repairs).
  std::uint64_t entry_requests = 0;
  std::uint64_t entries_repaired = 0;
  std::uint64_t repair_answers_refused = 0;
  std::uint64_t entry_repairs = 0;
  // Prepares dropped because their entry failed its checksum (corrupted on the way).
  std::uint64_t prepares_corrupt = 0;

  // Adds every counter of `other` (the run's totals over replicas and their incarnations).
  ReplicaCounters& operator+=(const ReplicaCounters& other) {
    view_changes_started += other.view_changes_started;
    cached_replies += other.cached_replies;
    stale_dropped += other.stale_dropped;
    evictions_sent += other.evictions_sent;
    client_sends_dropped += other.client_sends_dropped;
    repairs_requested += other.repairs_requested;
    state_transfers += other.state_transfers;
    checkpoints += other.checkpoints;
    state_syncs += other.state_syncs;
    journal_wraps += other.journal_wraps;
    repairs_from_checkpoint_boundary += other.repairs_from_checkpoint_boundary;
    journal_checksum_failures += other.journal_checksum_failures;
    journal_damage += other.journal_damage;
    journal_repairs += other.journal_repairs;
    sync_failures += other.sync_failures;
    checkpoint_fallbacks += other.checkpoint_fallbacks;
    entry_requests += other.entry_requests;
    entries_repaired += other.entries_repaired;
    repair_answers_refused += other.repair_answers_refused;
    entry_repairs += other.entry_repairs;
    prepares_corrupt += other.prepares_corrupt;
    return *this;
  }
};

class Replica {
 public:
  // Opens the replica on `storage`. A fresh replica starts normal in view 0; a restarted one
  // (`restart_nonce` != 0) reloads its durable state and starts recovering.
  Replica(const ReplicaOptions& options, Storage& storage, Bus& bus, std::uint64_t restart_nonce);

  void on_message(const Message& message);
  void on_tick();
  void on_sync_done();
  // A sync failed: some of the writes it covered may be on the disk and some not, and the disk
  // cannot say which (a failed fsync). The replica halts: it sends nothing more, and its
  // environment restarts it from what the disk holds (halted()).
  void on_sync_failed();

  ReplicaIndex index() const { return options_.index; }
  Status status() const { return status_; }
  View view() const { return view_; }
  View log_view() const { return log_view_; }
  Op op() const { return log_.last(); }
  Op commit_min() const { return commit_min_; }
  Op commit_max() const { return commit_max_; }
  bool is_primary() const { return PrimaryOf(view_, options_.replica_count) == options_.index; }
  bool sync_pending() const { return dirty_; }
  // The replica's own report (its status, as an operator would read it), issue 17: its restart
  // found that a storage fault destroyed journal entries it may have acknowledged, and it has not
  // yet been repaired (by a view's log, a synced checkpoint at or above the damaged head, or entry
  // by entry from its peers). While damaged it takes no part in a view change as a voter
  // (its log may lack an op it acknowledged): it waits for a StartView, or, as a new view's
  // primary, for a view-change quorum of DoViewChanges from the others.
  bool journal_damaged() const { return damaged_; }
  // A sync failed and the replica stopped (on_sync_failed): restart it.
  bool halted() const { return halted_; }
  const LogRing& log() const { return log_; }
  const ClientsTable& clients_table() const { return table_; }
  ClientsTable& clients_table_for_test() { return table_; }
  const PartitionLog& state_machine() const { return state_machine_; }
  const ReplicaCounters& counters() const { return counters_; }
  // For coverage (sim/protocol_coverage.h), never for decisions: whether a repair of missed
  // prepares is outstanding, and how many DoViewChange messages of its view the replica holds.
  bool repair_outstanding() const { return op() < op_seen_; }
  std::size_t do_view_change_count() const {
    std::size_t count = 0;
    for (const DoViewChange& dvc : do_view_change_from_) count += dvc.view == view_ ? 1 : 0;
    return count;
  }
  // The checkpoint the latest superblock written names (durable once no sync is pending).
  const CheckpointRef& checkpoint() const { return checkpoint_; }

  // One handler per message type (VR's names).
  void on_request(const Request& request);
  void on_prepare(const Prepare& prepare);
  void on_prepare_ok(const PrepareOk& prepare_ok);
  void on_commit(const Commit& commit);
  void on_start_view_change(const StartViewChange& message);
  void on_do_view_change(const DoViewChange& message);
  void on_start_view(const StartView& message);
  void on_request_start_view(const RequestStartView& message);
  void on_request_prepare(const RequestPrepare& message);
  void on_request_checkpoint(const RequestCheckpoint& message);
  void on_sync_checkpoint(const SyncCheckpoint& message);
  void on_request_entry(const RequestEntry& message);
  void on_repair_entry(const RepairEntry& message);
  void on_reply(const Reply&) {}        // Replies and evictions go to clients, never to replicas.
  void on_eviction(const Eviction&) {}  // (The network never routes them here.)

 private:
  ReplicaIndex primary() const { return PrimaryOf(view_, options_.replica_count); }
  std::size_t quorum_replication() const { return QuorumReplication(options_.replica_count); }
  std::size_t quorum_view_change() const { return QuorumViewChange(options_.replica_count); }

  void send(ReplicaIndex to, const Message& message);
  void send_to_others(const Message& message);
  void send_to_client(ClientId client, const Message& message);
  void persist_superblock();
  // Ends an event's writes: the superblock naming the journal's head (if it changed), then the
  // sync request.
  void end_batch();
  Superblock make_superblock() const;
  // replica_checkpoint.cc: taking a checkpoint, and installing one on restart.
  void maybe_checkpoint();
  // The area a new checkpoint goes to: the one the superblock in force does not name.
  std::uint8_t NextCheckpointArea() const;
  void restore_from_storage();
  // Installs the checkpoint in `area` if it verifies (against `expected`, if given, else by its
  // own checksum) and the data area gives its digest; sets `anchor` to its op. Returns whether it
  // did (issue 17: a checkpoint may read back corrupt).
  bool restore_checkpoint(std::uint8_t area, const CheckpointRef* expected, LogEntry& anchor);
  void load_journal();
  // Writes the data area's entries of `partition` above the latest checkpoint written.
  void write_data_above_checkpoint(std::span<const std::uint64_t> partition);
  void install_checkpoint(const CheckpointState& state, PartitionLog partition, bool synced);
  // replica_sync.cc: state sync.
  void request_checkpoint(ReplicaIndex from, Op op);
  SyncCheckpoint make_sync_checkpoint() const;
  // Whether a log of ops base + 1.. (chained on base_checksum) joins this replica's log where it
  // begins, and fits its journal above its checkpoint.
  bool joins(Op base, std::uint64_t base_checksum, const std::vector<LogEntry>& log) const;
  void adopt_log(Op base, std::uint64_t base_checksum, const std::vector<LogEntry>& log);
  // replica_repair.cc: repair of a damaged journal by (op, checksum). The op and checksum the
  // repair needs next: the damaged head's, or the parent of the lowest entry of the chain so far.
  std::pair<Op, std::uint64_t> repair_wanted() const;
  // Extends the chain down from the disk's intact entries, joins it to the log when it reaches
  // it, else asks the peers for the entry it lacks (`ask`: also when it asked before).
  void advance_repair(bool ask);
  void finish_repair(Op join);
  void clear_repair();
  // Journals `entry` (op() + 1) in memory and on storage.
  void journal(const LogEntry& entry);
  // Whether op may be journaled: the op it would overwrite in the ring is at or below the
  // checkpoint.
  bool journal_has_room(Op op) const { return op <= checkpoint_.op + options_.journal_slots; }

  void propose(const Request& request);
  bool in_pipeline(const Request& request) const;
  void maybe_commit();
  void execute_committed();
  void execute(const LogEntry& entry);
  // Applies an admitted append or read to the state machine and fills in its reply's result.
  void apply(const Request& request, Reply& reply);

  void start_view_change(View view);
  DoViewChange make_do_view_change() const;
  StartView make_start_view(std::uint64_t nonce) const;
  void maybe_send_do_view_change();
  void maybe_start_view();
  void enter_normal(View view, Op base, std::uint64_t base_checksum,
                    const std::vector<LogEntry>& log, Op commit);
  void request_start_view(ReplicaIndex to);
  void request_repair();

  ReplicaOptions options_;
  Storage& storage_;
  Bus& bus_;
  MutantSet mutants_;

  Status status_ = Status::kNormal;
  View view_ = 0;
  View log_view_ = 0;
  LogRing log_;
  Op commit_min_ = 0;  // Executed.
  Op commit_max_ = 0;  // Known committed.
  Op op_durable_ = 0;  // Journal entries up to here are synced (the primary counts its own ack).
  ClientsTable table_;
  PartitionLog state_machine_;
  CheckpointRef checkpoint_;                       // Named by the latest superblock written.
  std::vector<std::uint64_t> checkpoint_words_;    // Its encoding (bounded by the table), for sync.
  std::vector<std::uint64_t> checkpoint_spare_;    // The next encoding's buffer (maybe_checkpoint).
  std::uint64_t checkpoint_partition_length_ = 0;  // Its partition's length: data area written.
  std::uint64_t ticks_checkpoint_requested_ = 0;   // Rate-limits RequestCheckpoint.
  bool checkpoint_requested_ = false;
  bool checkpoint_unsynced_ = false;  // checkpoint_'s area or superblock is not yet durable.

  // View change state, for view_.
  std::uint8_t start_view_change_from_ = 0;  // Bitmask.
  std::vector<DoViewChange> do_view_change_from_;
  bool do_view_change_sent_ = false;

  std::uint64_t restart_nonce_ = 0;  // Nonces of this incarnation are above it.
  std::uint64_t nonce_ = 0;
  std::uint64_t ticks_ = 0;
  std::uint64_t ticks_heard_primary_ =
      0;  // Tick of the last message from the primary / view start.
  std::uint64_t ticks_last_commit_sent_ = 0;
  Op commit_sent_ = 0;
  Op op_seen_ = 0;  // Highest op a prepare or commit of this view mentioned (for repair).

  Superblock superblock_written_{};  // The latest superblock written.
  // Issue 17: a restart found the journal damaged below damage_head_ (the durable superblock's
  // head), which every superblock written keeps naming until a view's log repairs the journal.
  bool damaged_ = false;
  Op damage_head_ = 0;
  std::uint64_t damage_head_checksum_ = 0;
  Op damage_commit_ = 0;  // The durable superblock's commit at that restart.
  // Issue 17, repair by (op, checksum) while damaged: the entries the restart read intact (each
  // hashes to its checksum) above its checkpoint, sorted by (op, checksum), whichever chain they
  // are on; and the chain from the damaged head down (repair_chain_[0] is the head's entry, each
  // next one the parent of the one before), verified, written to the journal, not yet in log_.
  std::vector<LogEntry> repair_candidates_;
  std::vector<LogEntry> repair_chain_;
  bool halted_ = false;
  bool dirty_ = false;  // Unsynced writes exist; replica messages wait in outbox_.
  bool sync_requested_ = false;
  std::vector<std::pair<ReplicaIndex, Message>> outbox_;
  ReplicaCounters counters_;
};

}  // namespace vsrsim::core
