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
  seen = {replica.view(), replica.log_view(), replica.commit_min()};
  return std::nullopt;
}

Finding AgreementChecker::on_restart(const core::Replica& replica,
                                     const core::Superblock& durable_before) {
  const auto index = core::Raw(replica.index());
  if (replica.view() < durable_before.view || replica.log_view() < durable_before.log_view ||
      replica.commit_min() < durable_before.commit) {
    return Violation{
        Outcome::kSafety, "agreement",
        fmt::format("replica {} restarted at view {} log view {} commit {}, behind its "
                    "durable view {} log view {} commit {}",
                    index, replica.view(), replica.log_view(), replica.commit_min(),
                    durable_before.view, durable_before.log_view, durable_before.commit)};
  }
  last_[index] = {replica.view(), replica.log_view(), replica.commit_min()};
  return std::nullopt;
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
