#include "sim/commit_quorum.h"

#include <fmt/format.h>

#include <algorithm>
#include <variant>

namespace vsrsim::sim {

CommitQuorumChecker::CommitQuorumChecker(std::size_t replica_count)
    : replica_count_(replica_count), primaries_(replica_count) {
  for (Primary& primary : primaries_) primary.acked.assign(replica_count, 0);
}

Finding CommitQuorumChecker::on_send(std::size_t replica, const core::Message& message) {
  if (const auto* start_view = std::get_if<core::StartView>(&message)) {
    Primary& p = primaries_[replica];
    if (start_view->view > p.view) {
      p.view = start_view->view;
      p.commit_at_start = start_view->commit;
      std::fill(p.acked.begin(), p.acked.end(), 0);
    }
    return std::nullopt;
  }
  if (const auto* commit = std::get_if<core::Commit>(&message)) {
    return check_commit(replica, "Commit", commit->view, commit->commit);
  }
  if (const auto* prepare = std::get_if<core::Prepare>(&message)) {
    return check_commit(replica, "Prepare", prepare->view, prepare->commit);
  }
  return std::nullopt;
}

void CommitQuorumChecker::on_deliver(std::size_t replica, const core::Message& message) {
  const auto* ok = std::get_if<core::PrepareOk>(&message);
  if (ok == nullptr) return;
  Primary& p = primaries_[replica];
  const std::size_t backup = core::Raw(ok->replica);
  // Acknowledgements of another view than the primary's latest do not count (the wire contract
  // checks that `replica` names the sender).
  if (ok->view != p.view || backup >= replica_count_ || backup == replica) return;
  p.acked[backup] = std::max(p.acked[backup], ok->op);
}

Finding CommitQuorumChecker::check_commit(std::size_t replica, const char* what, core::View view,
                                          core::Op commit) {
  const Primary& p = primaries_[replica];
  // A primary message of another view than the replica's latest StartView's (or view 0's) is
  // left to the wire contract and the durability checker.
  if (view != p.view || commit <= p.commit_at_start) return std::nullopt;
  const std::size_t needed = core::QuorumReplication(replica_count_) - 1;
  const auto backing = static_cast<std::size_t>(
      std::count_if(p.acked.begin(), p.acked.end(), [&](core::Op op) { return op >= commit; }));
  if (backing >= needed) return std::nullopt;
  return Violation{
      Outcome::kSafety, "commit-quorum",
      fmt::format("primary {} announced commit {} in view {} (its {}), but only {} backup(s) "
                  "acknowledged op {} or above in view {} and a quorum needs {} (its StartView "
                  "of view {} carried commit {}): a commit without a quorum of its view",
                  replica, commit, view, what, backing, commit, view, needed, view,
                  p.commit_at_start)};
}

}  // namespace vsrsim::sim
