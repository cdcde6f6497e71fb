#pragma once
// Checker 2, reply caching: every reply a client accepts is byte-identical to the reply of its
// request's one execution in the canonical history (cached resends included), and no client accepts
// a reply for an op that did not commit. Every eviction a client acts on happened in the canonical
// history.

#include "core/message.h"
#include "sim/at_most_once.h"
#include "sim/checker.h"
#include "sim/observer.h"

namespace vsrsim::sim {

class ReplyCachingChecker final : public Observer {
 public:
  explicit ReplyCachingChecker(const AtMostOnceChecker& history) : history_(history) {}
  std::uint32_t hooks() const override {
    return HookBit(Hook::kClientAccepted) | HookBit(Hook::kClientEvicted);
  }
  Finding on_client_accepted(ObservedAt, std::size_t, const ClientAccept& accept) override {
    return on_accept(accept.reply);
  }
  Finding on_client_evicted(ObservedAt, std::size_t, const core::Eviction& eviction) override {
    return on_eviction(eviction);
  }

  Finding on_accept(const core::Reply& reply) const;
  // A client acted on an Eviction: its session must really have been evicted by a committed
  // register (an eviction from a lagging replica would make the client abandon a live session).
  Finding on_eviction(const core::Eviction& eviction) const;

 private:
  const AtMostOnceChecker& history_;
};

}  // namespace vsrsim::sim
