#pragma once
// The commit quorum (issue 14), a wire oracle like the durability checker: it reads only the
// messages replicas send and those delivered to them, never replica memory.
//
// VR: the primary of view v commits op n only once a replication quorum holds n in view v. Its
// backups say so with PrepareOks of view v (an acknowledgement of op m covers every op up to m),
// and the primary announces commits to its backups in Commit heartbeats and in the `commit` field
// of its Prepares. Commits it knew when it took the view (from the view change) it announces
// first, in its StartView of v (in view 0 there is none: it knew nothing). So every commit c above
// that StartView's (above 0 in view 0) that the primary of v
// announces in v is backed by PrepareOks of view v, for an op of at least c, from at least
// quorum - 1 distinct backups, delivered to it before the announcement. (Its own vote is its
// durable journal, which the wire does not show: the crash faults judge that.)
//
// The class it catches: a commit counted on acknowledgements of another view (stale ones, replayed
// or delayed), on too few of them, or on acknowledgements that never arrived.
//
// What it deliberately does not judge: whether an acknowledgement's checksum matches the primary's
// log (it counts more than the primary may, so it can miss but never wrongly fire), and Replies
// (they leave before the outbox of messages to replicas, so the wire does not yet show the
// primary's view when they do).

#include <cstdint>
#include <vector>

#include "core/message.h"
#include "sim/checker.h"
#include "sim/observer.h"

namespace vsrsim::sim {

class CommitQuorumChecker final : public Observer {
 public:
  explicit CommitQuorumChecker(std::size_t replica_count);

  std::uint32_t hooks() const override {
    return HookBit(Hook::kMessageSent) | HookBit(Hook::kMessageDelivered);
  }
  // What on_send and on_deliver look at: a primary's announcements, and the acknowledgements.
  std::uint32_t kinds_sent() const override {
    return MessageKindBits<core::StartView, core::Commit, core::Prepare>();
  }
  std::uint32_t kinds_delivered() const override { return MessageKindBits<core::PrepareOk>(); }
  Finding on_message_sent(ObservedAt, Process from, Process,
                          const core::Message& message) override {
    if (from >= replica_count_) return std::nullopt;  // Only replicas announce commits.
    return on_send(from, message);
  }
  Finding on_message_delivered(ObservedAt, Process to, const core::Message& message) override {
    on_deliver(to, message);
    return std::nullopt;
  }

  // Every message a replica sends, when it leaves.
  Finding on_send(std::size_t replica, const core::Message& message);
  // Every message delivered to a replica, before the replica handles it.
  void on_deliver(std::size_t replica, const core::Message& message);

 private:
  // What the wire shows of one replica as primary of its latest view.
  struct Primary {
    core::View view = 0;           // The view of its latest StartView (0 before any).
    core::Op commit_at_start = 0;  // That StartView's commit.
    std::vector<core::Op> acked;   // Per backup: the highest op it acknowledged in `view`.
  };
  Finding check_commit(std::size_t replica, const char* what, core::View view, core::Op commit);

  std::size_t replica_count_;
  std::vector<Primary> primaries_;
};

}  // namespace vsrsim::sim
