#include "sim/hygiene.h"

#include <fmt/format.h>

namespace vsrsim::sim {

Finding HygieneChecker::on_replica_changed(ObservedAt, const ReplicaChanged& changed) {
  const core::Replica& replica = *changed.replica;
  const core::ClientsTable& table = replica.clients_table();
  if (!changed.new_view || table.pending_count() == 0) return std::nullopt;
  const auto& [client, request] = *table.pending().begin();
  return Violation{Outcome::kSafety, "hygiene",
                   fmt::format("replica {} entered view {} still holding {} pending entr{} of an "
                               "older view, e.g. client {} request {}: a retry of it would be "
                               "dropped as InProgress",
                               core::Raw(replica.index()), replica.view(), table.pending_count(),
                               table.pending_count() == 1 ? "y" : "ies", client, request)};
}

Finding HygieneChecker::on_quiescent(const std::vector<const core::Replica*>& replicas) {
  for (const core::Replica* replica : replicas) {
    const core::ClientsTable& table = replica->clients_table();
    if (table.pending_count() == 0) continue;
    const auto& [client, request] = *table.pending().begin();
    return Violation{
        Outcome::kSafety, "hygiene",
        fmt::format("replica {} still holds {} pending waiter(s) at quiescence in view "
                    "{}, e.g. client {} request {}, which will never be resolved",
                    core::Raw(replica->index()), table.pending_count(), replica->view(), client,
                    request)};
  }
  return std::nullopt;
}

}  // namespace vsrsim::sim
