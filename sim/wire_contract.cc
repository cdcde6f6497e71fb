#include "sim/wire_contract.h"

#include <fmt/format.h>

#include <type_traits>
#include <variant>

namespace vsrsim::sim {

namespace {

constexpr const char* kChecker = "wire-contract";

Violation Broken(Process from, Process to, const core::Message& message, std::string_view rule) {
  return Violation{Outcome::kSafety, kChecker,
                   fmt::format("process {} sent a {} to process {}: {}", from,
                               core::MessageName(message), to, rule)};
}

}  // namespace

Finding WireContractChecker::on_send(Process from, Process to, const core::Message& message) const {
  if (!is_replica(from)) return from_client(from, to, message);
  const bool to_client = std::holds_alternative<core::Reply>(message) ||
                         std::holds_alternative<core::Eviction>(message);
  if (to_client) {
    if (is_replica(to)) return Broken(from, to, message, "a client message sent to a replica");
    return std::nullopt;
  }
  if (std::holds_alternative<core::Request>(message)) {
    return Broken(from, to, message, "a replica never sends a request");
  }
  if (!is_replica(to)) {
    return Broken(from, to, message,
                  fmt::format("a replica message sent to a process that is not a replica (there "
                              "are {} replicas)",
                              replica_count_));
  }
  if (to == from) return Broken(from, to, message, "a replica message sent to its sender");
  return between_replicas(from, to, message);
}

Finding WireContractChecker::from_client(Process from, Process to,
                                         const core::Message& message) const {
  if (!std::holds_alternative<core::Request>(message)) {
    return Broken(from, to, message, "a client sends only requests");
  }
  if (!is_replica(to)) return Broken(from, to, message, "a request sent to a non-replica");
  return std::nullopt;
}

Finding WireContractChecker::between_replicas(Process from, Process to,
                                              const core::Message& message) const {
  return core::VisitMessage(
      [&](const auto& m) -> Finding {
        using T = std::decay_t<decltype(m)>;
        if constexpr (requires { m.replica; }) {
          if (core::Raw(m.replica) != from) {
            return Broken(from, to, message,
                          fmt::format("it names replica {} as its sender", core::Raw(m.replica)));
          }
        }
        if constexpr (kFromPrimary<T>) {
          if (from != primary_of(m.view)) {
            return Broken(from, to, message,
                          fmt::format("only the primary of view {} (replica {}) sends it", m.view,
                                      primary_of(m.view)));
          }
        }
        if constexpr (kToPrimary<T>) {
          if (to != primary_of(m.view)) {
            return Broken(from, to, message,
                          fmt::format("it goes only to the primary of view {} (replica {})", m.view,
                                      primary_of(m.view)));
          }
        }
        return std::nullopt;
      },
      message);
}

}  // namespace vsrsim::sim
