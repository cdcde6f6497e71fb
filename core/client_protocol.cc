#include "core/client_protocol.h"

#include <algorithm>

#include "core/assert.h"

namespace vsrsim::core {

ClientProtocol::ClientProtocol(const ClientOptions& options) : options_(options) {
  VSRSIM_ASSERT_GT(options.replica_count, 0U);
  VSRSIM_ASSERT_GT(options.retry_ticks_min, 0U);
  VSRSIM_ASSERT_LE(options.retry_ticks_min, options.retry_ticks_max);
}

ClientSend ClientProtocol::send_in_flight() {
  VSRSIM_ASSERT(in_flight_.has_value());
  ticks_waiting_ = 0;
  return {.to = ReplicaIndex{target_}, .request = *in_flight_};
}

ClientSend ClientProtocol::start_register() {
  VSRSIM_ASSERT(idle());
  session_ = 0;
  request_ = 0;
  in_flight_ = Request{.client = options_.id, .operation = Operation::kRegister};
  timeout_ticks_ = options_.retry_ticks_min;
  target_ = Raw(PrimaryOf(view_, options_.replica_count));
  return send_in_flight();
}

ClientSend ClientProtocol::submit_request(Request request) {
  VSRSIM_ASSERT(idle());
  VSRSIM_ASSERT(registered());
  request_++;
  request.client = options_.id;
  request.session = session_;
  request.request = request_;
  in_flight_ = request;
  timeout_ticks_ = options_.retry_ticks_min;
  target_ = Raw(PrimaryOf(view_, options_.replica_count));
  return send_in_flight();
}

ClientSend ClientProtocol::submit(std::span<const std::uint64_t> entries) {
  VSRSIM_ASSERT_GT(entries.size(), 0U);
  VSRSIM_ASSERT_LE(entries.size(), kBatchEntriesMax);
  Request request{.operation = Operation::kAppend,
                  .entry_count = static_cast<std::uint8_t>(entries.size())};
  std::copy(entries.begin(), entries.end(), request.entries.begin());
  return submit_request(request);
}

ClientSend ClientProtocol::submit_read(std::uint64_t offset, std::uint8_t max) {
  VSRSIM_ASSERT_GT(max, 0U);
  VSRSIM_ASSERT_LE(max, kReadEntriesMax);
  return submit_request(
      Request{.operation = Operation::kRead, .entry_count = max, .read_offset = offset});
}

ReplyOutcome ClientProtocol::on_reply(const Reply& reply) {
  if (!in_flight_.has_value() || reply.client != options_.id) return ReplyOutcome::kIgnored;
  const Request& request = *in_flight_;
  if (reply.request != request.request) return ReplyOutcome::kIgnored;
  view_ = std::max(view_, reply.view);
  if (request.operation == Operation::kRegister) {
    VSRSIM_ASSERT_GT(reply.session, 0U);
    // A late copy of the reply to an earlier registration names a session that was since evicted:
    // sessions only grow, so the new one is above every session this client had.
    if (reply.session <= session_evicted_) return ReplyOutcome::kIgnored;
    session_ = reply.session;
    in_flight_.reset();
    return ReplyOutcome::kRegistered;
  }
  if (reply.session != request.session) return ReplyOutcome::kIgnored;
  in_flight_.reset();
  return ReplyOutcome::kCompleted;
}

ReplyOutcome ClientProtocol::on_eviction(const Eviction& eviction) {
  if (eviction.client != options_.id || session_ == 0 || eviction.session != session_) {
    return ReplyOutcome::kIgnored;
  }
  view_ = std::max(view_, eviction.view);
  session_evicted_ = session_;
  session_ = 0;
  in_flight_.reset();
  return ReplyOutcome::kEvicted;
}

std::optional<ClientSend> ClientProtocol::on_tick() {
  if (!in_flight_.has_value()) return std::nullopt;
  ticks_waiting_++;
  if (ticks_waiting_ < timeout_ticks_) return std::nullopt;
  // The replica we tried is silent: it may not be the primary, or it may be down. Try the next one,
  // and back off so a slow cluster is not flooded.
  retransmissions_++;
  target_ = static_cast<std::uint8_t>((target_ + 1) % options_.replica_count);
  timeout_ticks_ = std::min(timeout_ticks_ * 2, options_.retry_ticks_max);
  return send_in_flight();
}

}  // namespace vsrsim::core
