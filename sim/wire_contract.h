#pragma once
// The wire contract: who may send which message to whom. A wire oracle, like the durability
// checker: it sees each message as it leaves (sender, addressee, contents), as a packet capture
// would, never replica memory. It judges no history; it catches a class of bug that otherwise
// vanishes silently, because a message that reaches a process that cannot use it is just ignored
// there (a replica message sent to a client, a heartbeat naming the wrong sender).
//
// The contract (VR Revisited's roles, read off the messages alone):
// - A client sends only Requests, and only to a replica.
// - A replica sends Replies and Evictions only to clients, never a Request, and every other message
//   only to another replica (an index below replica_count, not itself).
// - A message that names its sender (`replica`) names the process that sent it.
// - Prepare, Commit and StartView of view v come from the primary of v; PrepareOk, DoViewChange and
//   RequestPrepare of view v go to the primary of v from one of its backups. (RequestEntry and
//   RepairEntry, issue 17's repair by (op, checksum), go between any two replicas.)
//
// What it deliberately does not judge: contents (the durability, reply-caching and history
// checkers do), and which replica answers a client (a Reply carries the view its op was prepared
// in, not the sender's view, so the wire alone cannot say whether its sender is a primary).

#include <cstdint>
#include <type_traits>
#include <variant>

#include "core/message.h"
#include "sim/checker.h"
#include "sim/network.h"
#include "sim/observer.h"

namespace vsrsim::sim {

class WireContractChecker final : public Observer {
 public:
  explicit WireContractChecker(std::size_t replica_count) : replica_count_(replica_count) {}

  std::uint32_t hooks() const override { return HookBit(Hook::kMessageSent); }
  Finding on_message_sent(ObservedAt, Process from, Process to,
                          const core::Message& message) override {
    // Every send of a run comes here, and nearly all keep the contract: those are told apart
    // inline, and only a send that may break it goes to on_send, which names the rule it breaks.
    if (conforms(from, to, message)) return std::nullopt;
    return on_send(from, to, message);
  }

  // Every message any process sends, when it leaves (whatever the network then does with it).
  Finding on_send(Process from, Process to, const core::Message& message) const;

 private:
  // The kinds that only the primary of their view sends, and those that go only to it.
  template <typename T>
  static constexpr bool kFromPrimary =
      std::is_same_v<T, core::Prepare> || std::is_same_v<T, core::Commit> ||
      std::is_same_v<T, core::StartView>;
  template <typename T>
  static constexpr bool kToPrimary =
      std::is_same_v<T, core::PrepareOk> || std::is_same_v<T, core::DoViewChange> ||
      std::is_same_v<T, core::RequestPrepare>;

  bool is_replica(Process process) const { return process < replica_count_; }
  // True only if on_send finds nothing: the same rules, without the words for a broken one.
  bool conforms(Process from, Process to, const core::Message& message) const {
    if (!is_replica(from)) return std::holds_alternative<core::Request>(message) && is_replica(to);
    return core::VisitMessage(
        [&](const auto& m) -> bool {
          using T = std::decay_t<decltype(m)>;
          if constexpr (std::is_same_v<T, core::Request>) {
            return false;
          } else if constexpr (std::is_same_v<T, core::Reply> ||
                               std::is_same_v<T, core::Eviction>) {
            return !is_replica(to);
          } else {
            if (!is_replica(to) || to == from) return false;
            if constexpr (requires { m.replica; }) {
              if (core::Raw(m.replica) != from) return false;
            }
            if constexpr (kFromPrimary<T>) return from == primary_of(m.view);
            if constexpr (kToPrimary<T>) return to == primary_of(m.view);
            return true;
          }
        },
        message);
  }
  Process primary_of(core::View view) const {
    return static_cast<Process>(core::Raw(core::PrimaryOf(view, replica_count_)));
  }
  Finding from_client(Process from, Process to, const core::Message& message) const;
  Finding between_replicas(Process from, Process to, const core::Message& message) const;

  std::size_t replica_count_;
};

}  // namespace vsrsim::sim
