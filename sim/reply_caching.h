#pragma once
// Checker 2, reply caching: every reply a client accepts is byte-identical to the reply of its
// request's one execution in the canonical history (cached resends included), and no client accepts
// a reply for an op that did not commit. Every eviction a client acts on happened in the canonical
// history.

#include "core/message.h"
#include "sim/at_most_once.h"
#include "sim/checker.h"

namespace vsrsim::sim {

class ReplyCachingChecker {
 public:
  explicit ReplyCachingChecker(const AtMostOnceChecker& history) : history_(history) {}
  Finding on_accept(const core::Reply& reply) const;
  // A client acted on an Eviction: its session must really have been evicted by a committed
  // register (an eviction from a lagging replica would make the client abandon a live session).
  Finding on_eviction(const core::Eviction& eviction) const;

 private:
  const AtMostOnceChecker& history_;
};

}  // namespace vsrsim::sim
