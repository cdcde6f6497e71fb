#pragma once
// Checker 4, linearizability of acknowledged appends against a sequential partition-log model.
//
// The model replays the canonical committed history in op order: each applied append takes the next
// offsets of one sequential log. An acknowledged append must carry exactly the offsets the model
// gave its op (so its entries sit where the client was told), and it must respect real time: an
// append invoked after another was acknowledged commits at a higher op. (Each client has one
// request in flight, so per-client order follows.) Appends whose outcome is unknown (abandoned
// after an eviction) constrain nothing, as in Jepsen's :info operations.

#include <cstdint>
#include <map>
#include <vector>

#include "sim/at_most_once.h"
#include "sim/checker.h"
#include "sim/observer.h"

namespace vsrsim::sim {

class LinearizabilityChecker final : public Observer {
 public:
  explicit LinearizabilityChecker(const AtMostOnceChecker& history) : history_(history) {}
  std::uint32_t hooks() const override {
    return HookBit(Hook::kClientInvoked) | HookBit(Hook::kClientAccepted);
  }
  Finding on_client_invoked(ObservedAt, std::size_t, core::ClientId client,
                            const core::Request&) override {
    on_invoke(client);
    return std::nullopt;
  }
  Finding on_client_accepted(ObservedAt, std::size_t, const ClientAccept& accept) override {
    if (accept.registered) return std::nullopt;
    return on_acknowledge(accept.reply);
  }

  // Makes room for a history of `ops` ops, so extending the model never regrows it.
  void reserve(std::size_t ops) { model_offsets_.reserve(ops); }
  // A client sent a request for the first time (not a retransmission).
  void on_invoke(core::ClientId client);
  // A client accepted the reply of its append.
  Finding on_acknowledge(const core::Reply& reply);

 private:
  // The model's first offset of every op of the history, extended lazily.
  std::uint64_t model_offset(core::Op op);

  const AtMostOnceChecker& history_;
  std::vector<std::uint64_t> model_offsets_;  // model_offsets_[op - 1]
  std::uint64_t model_next_offset_ = 0;
  core::Op acknowledged_op_max_ = 0;
  std::map<std::uint64_t, core::Op> invoked_after_;  // client -> acknowledged_op_max_ at invoke.
};

}  // namespace vsrsim::sim
