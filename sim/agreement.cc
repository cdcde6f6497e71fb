#include "sim/agreement.h"

#include <fmt/format.h>

namespace vsrsim::sim {

Finding AgreementChecker::on_replica(const core::Replica& replica) {
  Seen& seen = last_[core::Raw(replica.index())];
  const auto index = core::Raw(replica.index());
  if (replica.view() < seen.view || replica.log_view() < seen.log_view) {
    return Violation{
        Outcome::kSafety, "agreement",
        fmt::format("replica {} went back from view {} (log view {}) to view {} (log "
                    "view {})",
                    index, seen.view, seen.log_view, replica.view(), replica.log_view())};
  }
  if (replica.commit_min() < seen.commit_min) {
    return Violation{Outcome::kSafety, "agreement",
                     fmt::format("replica {} went back from commit {} to commit {}", index,
                                 seen.commit_min, replica.commit_min())};
  }
  const bool commit_changed = replica.commit_min() != seen.commit_min;
  seen = {replica.view(), replica.log_view(), replica.commit_min()};
  if (commit_changed) return compare_at_commit(replica);
  return std::nullopt;
}

Finding AgreementChecker::compare_at_commit(const core::Replica& replica) {
  const core::Op commit = replica.commit_min();
  if (commit == 0) return std::nullopt;
  CommitRecord& record = commits_[commit % kCommitsKept];
  const auto index = core::Raw(replica.index());
  if (record.commit != commit) {
    // A newer commit takes the slot; an older one (a replica far behind) finds it taken.
    if (record.commit < commit) {
      record = {commit, replica.clients_table().Digest(), replica.state_machine().Digest(), index};
    }
    return std::nullopt;
  }
  const std::uint64_t table_digest = replica.clients_table().Digest();
  if (table_digest != record.table_digest) {
    return Violation{
        Outcome::kSafety, "agreement",
        fmt::format("replicas {} and {} both reached commit {} but hold different clients "
                    "tables (digest {:016x} vs {:016x}; replica {} holds {} entries)",
                    record.replica, index, commit, record.table_digest, table_digest, index,
                    replica.clients_table().entries().size())};
  }
  if (replica.state_machine().Digest() != record.log_digest) {
    return Violation{Outcome::kSafety, "agreement",
                     fmt::format("replicas {} and {} both reached commit {} but their partition "
                                 "logs differ (digest {:016x} vs {:016x})",
                                 record.replica, index, commit, record.log_digest,
                                 replica.state_machine().Digest())};
  }
  return std::nullopt;
}

Finding AgreementChecker::on_restart(const core::Replica& replica,
                                     const core::Superblock& durable_before) {
  const auto index = core::Raw(replica.index());
  // A replica that reports its journal damaged (issue 17: a storage fault destroyed entries it had
  // executed) cannot execute up to its durable commit again until a view's log repairs it.
  if (replica.view() < durable_before.view || replica.log_view() < durable_before.log_view ||
      (replica.commit_min() < durable_before.commit && !replica.journal_damaged())) {
    return Violation{
        Outcome::kSafety, "agreement",
        fmt::format("replica {} restarted at view {} log view {} commit {}, behind its "
                    "durable view {} log view {} commit {}",
                    index, replica.view(), replica.log_view(), replica.commit_min(),
                    durable_before.view, durable_before.log_view, durable_before.commit)};
  }
  last_[index] = {replica.view(), replica.log_view(), replica.commit_min()};
  return compare_at_commit(replica);
}

Finding AgreementChecker::on_converged(const std::vector<const core::Replica*>& replicas) const {
  for (const core::Replica* a : replicas) {
    for (const core::Replica* b : replicas) {
      if (core::Raw(a->index()) >= core::Raw(b->index()) || a->commit_min() != b->commit_min()) {
        continue;
      }
      if (a->clients_table() != b->clients_table()) {
        return Violation{
            Outcome::kSafety, "agreement",
            fmt::format("replicas {} and {} both executed up to op {} but hold "
                        "different clients tables ({} vs {} entries, digest {:016x} vs "
                        "{:016x})",
                        core::Raw(a->index()), core::Raw(b->index()), a->commit_min(),
                        a->clients_table().entries().size(), b->clients_table().entries().size(),
                        a->clients_table().Digest(), b->clients_table().Digest())};
      }
      if (a->state_machine().Digest() != b->state_machine().Digest()) {
        return Violation{
            Outcome::kSafety, "agreement",
            fmt::format("replicas {} and {} both executed up to op {} but their "
                        "partition logs differ",
                        core::Raw(a->index()), core::Raw(b->index()), a->commit_min())};
      }
    }
  }
  return std::nullopt;
}

}  // namespace vsrsim::sim
