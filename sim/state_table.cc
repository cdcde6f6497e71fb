#include "sim/state_table.h"

#include <fmt/format.h>

#include "core/replica.h"
#include "sim/cluster.h"

namespace vsrsim::sim {

std::string DescribeState(const Cluster& cluster, const char* when) {
  std::string text =
      fmt::format("state {} ({}.{:03} ms, tick {}):\n", when, cluster.now().microseconds() / 1000,
                  cluster.now().microseconds() % 1000, cluster.ticks());
  text += fmt::format("  {:<8}{:<13}{:>6}{:>10}{:>8}{:>12}{:>12}  {}\n", "replica", "status",
                      "view", "log_view", "op", "commit_min", "commit_max", "clients table");
  for (std::size_t r = 0; r < cluster.replica_count(); r++) {
    const core::Replica* replica = cluster.replica(r);
    if (replica == nullptr) {
      text += fmt::format("  r{:<7}{}\n", r, "down");
      continue;
    }
    std::string table;
    for (const core::ClientEntry& entry : replica->clients_table().entries()) {
      table += fmt::format("{}{} s{} r{} op{}", table.empty() ? "" : ", ", core::Raw(entry.client),
                           entry.session, entry.request, entry.commit);
    }
    // Waiters for requests in the pipeline (the clients table's pending set), if any.
    std::string pending;
    for (const auto& [client, request] : replica->clients_table().pending()) {
      pending += fmt::format("{}{} r{}", pending.empty() ? "" : ", ", client, request);
    }
    if (!pending.empty()) table += fmt::format("{}pending: {}", table.empty() ? "" : "; ", pending);
    const std::string status = fmt::format("{}{}", core::StatusName(replica->status()),
                                           replica->is_primary() ? " (p)" : "");
    text += fmt::format("  r{:<7}{:<13}{:>6}{:>10}{:>8}{:>12}{:>12}  {}\n", r, status,
                        replica->view(), replica->log_view(), replica->op(), replica->commit_min(),
                        replica->commit_max(), table.empty() ? "(empty)" : table);
  }
  text += fmt::format("  {:<8}{:<21}{:>8}  {:<34}{}\n", "client", "id", "session",
                      "in flight (retransmissions, all)", "last reply accepted");
  for (std::size_t c = 0; c < cluster.client_count(); c++) {
    const SimClient& client = cluster.client(c);
    const core::ClientProtocol& protocol = client.protocol();
    std::string in_flight = "-";
    if (const auto& request = protocol.in_flight()) {
      in_flight = fmt::format("{} request {}",
                              core::OperationName(static_cast<std::uint64_t>(request->operation)),
                              request->request);
    }
    in_flight += fmt::format(" ({})", protocol.retransmissions());
    std::string last = "-";
    if (const auto& accepted = client.last_accepted()) {
      last = fmt::format("session {} request {} op {} offset {}", accepted->session,
                         accepted->request, accepted->op, accepted->first_offset);
    }
    text += fmt::format("  c{:<7}{:<21}{:>8}  {:<34}{}\n", c, core::Raw(client.id()),
                        protocol.session(), in_flight, last);
  }
  return text;
}

}  // namespace vsrsim::sim
