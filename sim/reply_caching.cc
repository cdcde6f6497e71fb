#include "sim/reply_caching.h"

#include <fmt/format.h>

namespace vsrsim::sim {

Finding ReplyCachingChecker::on_accept(const core::Reply& reply) const {
  const auto& history = history_.history();
  if (reply.op == 0 || reply.op > history.size()) {
    return Violation{Outcome::kSafety, "reply-caching",
                     fmt::format("client {} accepted a reply for request {} at op {}, which no "
                                 "replica committed",
                                 core::Raw(reply.client), reply.request, reply.op)};
  }
  const HistoryEntry& executed = history[reply.op - 1];
  if (!executed.applied || executed.request.client != reply.client ||
      executed.request.request != reply.request) {
    return Violation{Outcome::kSafety, "reply-caching",
                     fmt::format("client {} accepted a reply for request {} at op {}, but op {} "
                                 "executed client {} request {} (applied {})",
                                 core::Raw(reply.client), reply.request, reply.op, reply.op,
                                 core::Raw(executed.request.client), executed.request.request,
                                 executed.applied)};
  }
  if (executed.reply != reply) {
    return Violation{
        Outcome::kSafety, "reply-caching",
        fmt::format("client {} accepted a reply for request {} (op {}) that differs from the reply "
                    "of its execution: offset {} vs {}, session {} vs {}, view {} vs {}",
                    core::Raw(reply.client), reply.request, reply.op, reply.first_offset,
                    executed.reply.first_offset, reply.session, executed.reply.session, reply.view,
                    executed.reply.view)};
  }
  return std::nullopt;
}

Finding ReplyCachingChecker::on_eviction(const core::Eviction& eviction) const {
  if (history_.evicted(eviction.client, eviction.session)) return std::nullopt;
  return Violation{Outcome::kSafety, "reply-caching",
                   fmt::format("client {} was told its session {} was evicted (view {}), but no "
                               "committed register evicted it",
                               core::Raw(eviction.client), eviction.session, eviction.view)};
}

}  // namespace vsrsim::sim
