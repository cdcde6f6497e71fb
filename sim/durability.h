#pragma once
// Checker 5, durability of what a replica said. A wire oracle: it reads only the messages replicas
// send and the view-change logs delivered to them, as a packet capture would, never replica memory.
//
// A replica acknowledges ops (PrepareOk of view v: "my log of view v holds ops up to op, ending in
// checksum") or announces them (a primary's Prepare or StartView of view v; a DoViewChange, whose
// log is the sender's log of its log_view) only once they are durable. So, until it is handed a
// newer view's log, every later message in which it answers for view v holds all of it: a PrepareOk
// of v reaches at least that op, with the same checksum there; a DoViewChange with log_view v and a
// StartView of v hold the op with that checksum (or a checkpoint at or above it: those messages
// carry only the log above the sender's checkpoint, and what a checkpoint holds was executed, so
// committed); no DoViewChange claims a log_view below a view the
// replica acknowledged in. Restarts included: a crash may lose only what was never said.
//
// Obligations for view v end when the replica is handed a newer view's log: a StartView of a view
// above both v and every view it has spoken in, or, as that view's primary, a DoViewChange of one;
// or a checkpoint (state sync) from a replica of a view above v, which is committed state.
// Adopting the newer view's log may drop an uncommitted suffix, and a crash during the adoption may
// leave the old log_view on disk beside the shorter log; that is safe (a suffix missing from a
// newer view's canonical log was never committed), so it is not a finding.
//
// Views too (issue 14): every message a replica sends another replica speaks in a view, and VR
// persists a view before any message of it leaves. So no replica-to-replica message is of a view
// below one the replica already spoke in to a replica, restarts included: a restarted replica that
// speaks in an older view had announced a view its disk did not hold. (Replies and Evictions go
// to clients outside the outbox and carry other views: a Reply its op's; they do not count.)
//
// The disk (issue 17): on every restart the checker also reads the restarted replica's disk, as
// the simulator knows it (sim_storage.h's shadow journal: what the replica made durable, with
// crashes and failed syncs applied but sector errors, corrupt reads and misdirected writes not).
// The op of its standing claim must be there, on an intact chain above the checkpoint in force
// (or at or below that checkpoint): else it acknowledged a write before it was durable, or (if
// the replica truncated the entry itself) it must report its journal damaged: a damaged replica
// rewrites its journal from a view's log, and a crash in the middle may cost it entries. And the
// replica must have loaded it, or report its journal damaged (Replica::journal_damaged()): else a
// storage fault cost it an op it acknowledged and it did not notice, so it would vote with less.
// The second half reads the replica's reported status and log, the first only the disk and the
// wire; neither reads a mutant's private state. And the disk's commit point: the checkpoint the
// durable superblock names is in its area (and the data area gives its digest), as the disk holds
// it with no read fault applied; else a superblock reached the disk before, or over, what it
// commits (the class of sync-not-written and checkpoint-overwrites-in-force). The replica itself
// falls back to the other area when its checkpoint reads back corrupt, so a missing one no longer
// shows as a crash.
//
// The class it catches: a log that shrinks within a log_view, a journal that forgets synced writes,
// an acknowledgement sent before its write is durable (once a crash loses the write), a replica
// that answers a view change with less than it acknowledged, a view announced before it is durable
// (once a crash loses the superblock write).

#include <cstdint>
#include <vector>

#include "core/message.h"
#include "sim/checker.h"
#include "sim/observer.h"

namespace vsrsim::sim {

class DurabilityChecker final : public Observer {
 public:
  explicit DurabilityChecker(std::size_t replica_count) : replicas_(replica_count) {}

  std::uint32_t hooks() const override {
    return HookBit(Hook::kMessageSent) | HookBit(Hook::kMessageDelivered) |
           HookBit(Hook::kDiskOpened);
  }
  // A request says nothing of a replica (only clients send them); of deliveries, only a handed-over
  // log ends an obligation (on_deliver).
  std::uint32_t kinds_sent() const override {
    return kAllMessageKinds & ~MessageKindBits<core::Request>();
  }
  std::uint32_t kinds_delivered() const override {
    // Every kind on_deliver reads: a kind left out here is never passed to it, and the obligations
    // it would end stand (a SyncCheckpoint of a newer view ends them).
    return MessageKindBits<core::StartView, core::DoViewChange, core::SyncCheckpoint>();
  }
  Finding on_message_sent(ObservedAt, Process from, Process,
                          const core::Message& message) override {
    if (from >= replicas_.size()) return std::nullopt;  // A client's message says nothing.
    return on_send(from, message);
  }
  Finding on_message_delivered(ObservedAt, Process to, const core::Message& message) override {
    if (to < replicas_.size()) on_deliver(to, message);
    return std::nullopt;
  }

  // Issue 17, the disk's side: on every restart, the op the replica's claim stands on must be on
  // its disk (the shadow journal: what it made durable, storage faults aside), and the replica
  // must have loaded it or report its journal damaged.
  Finding on_disk_opened(ObservedAt, std::size_t replica, const SimStorage& disk,
                         const core::Replica& opened) override;

  // Every message a replica sends, when it leaves (whatever the network then does with it).
  Finding on_send(std::size_t replica, const core::Message& message);
  // Every message delivered to a replica, before the replica handles it.
  void on_deliver(std::size_t replica, const core::Message& message);

 private:
  // The most the replica has said about its log in its highest view so far.
  struct Claim {
    bool active = false;         // False until it says something, and after its obligations end.
    core::View view = 0;         // The view the claim is about.
    core::Op op = 0;             // The highest op it acknowledged or announced in `view`.
    std::uint64_t checksum = 0;  // That op's checksum.
    const char* what = "";       // The message that made the claim, for the finding.
    core::View view_spoken = 0;  // The highest view of any message it sent.
    // The highest view of a message it sent another replica, and that message's name.
    core::View view_announced = 0;
    const char* view_announced_by = "";
    // The highest view whose log it was handed (which ended its obligations): a later claim
    // about an older view is a message made before the handover and released after it (the
    // outbox waits for a sync), describing a log the newer view's already superseded.
    core::View view_handed = 0;
  };
  // The findings of on_send, out of its way: a replica-to-replica message of a view below one
  // the replica announced; a PrepareOk below or beside the claim of its view; a second Prepare
  // of the claimed op with another checksum.
  [[gnu::cold, gnu::noinline]] Finding went_back(std::size_t replica, const core::Message& message,
                                                 core::View view) const;
  [[gnu::cold, gnu::noinline]] Finding log_changed(std::size_t replica,
                                                   const core::PrepareOk& ok) const;
  [[gnu::cold, gnu::noinline]] Finding prepared_twice(std::size_t replica,
                                                      const core::Prepare& prepare) const;
  Finding on_send_of(std::size_t replica, const core::PrepareOk& ok);
  Finding on_send_of(std::size_t replica, const core::Prepare& prepare);
  Finding on_send_of(std::size_t replica, const core::DoViewChange& dvc);
  Finding on_send_of(std::size_t replica, const core::StartView& start_view);
  // Every other message: only the view it speaks in counts.
  template <typename Other>
  Finding on_send_of(std::size_t replica, const Other& other);
  // A view-change message's log: the ops above its checkpoint `base`.
  struct LogSuffix {
    core::Op base = 0;
    std::uint64_t base_checksum = 0;
    const std::vector<core::LogEntry>* entries = nullptr;
    core::Op last() const { return base + entries->size(); }
    std::uint64_t last_checksum() const {
      return entries->empty() ? base_checksum : entries->back().checksum;
    }
  };
  Finding check_log(std::size_t replica, const char* what, core::View view,
                    const LogSuffix& log) const;
  // The durable superblock's checkpoint is on the disk (its area, and the data area below its
  // length): a commit point never reaches the disk before what it commits.
  Finding check_commit_point(std::size_t replica, const SimStorage& disk,
                             const core::Superblock& superblock) const;
  void claim(std::size_t replica, const char* what, core::View view, core::Op op,
             std::uint64_t checksum);

  std::vector<Claim> replicas_;
};

}  // namespace vsrsim::sim
