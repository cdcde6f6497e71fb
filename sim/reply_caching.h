#pragma once
// Checker 2, reply caching: every reply a client accepts is byte-identical to the reply of its
// request's one execution in the canonical history (cached resends included), and no client accepts
// a reply for an op that did not commit.

#include "core/message.h"
#include "sim/at_most_once.h"
#include "sim/checker.h"

namespace vsrsim::sim {

class ReplyCachingChecker {
 public:
  explicit ReplyCachingChecker(const AtMostOnceChecker& history) : history_(history) {}
  Finding on_accept(const core::Reply& reply) const;

 private:
  const AtMostOnceChecker& history_;
};

}  // namespace vsrsim::sim
