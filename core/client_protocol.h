#pragma once
// The client side of the protocol, sans-IO: registration, one request in flight, retransmission
// with backoff, view hints, trying other replicas when the primary is silent, and re-registration
// after eviction.
//
// Invariants: at most one request in flight; request numbers of a session grow by one; a request's
// payload is sent under one (session, request) only. After an Eviction the in-flight request's
// outcome is unknown (it may have executed before the eviction), so it is abandoned, never
// resubmitted: resubmitting could execute the same payload twice.

#include <array>
#include <cstdint>
#include <optional>
#include <span>

#include "core/message.h"
#include "core/types.h"

namespace vsrsim::core {

struct ClientOptions {
  ClientId id{};
  std::uint8_t replica_count = 3;
  std::uint32_t retry_ticks_min = 4;
  std::uint32_t retry_ticks_max = 64;
};

// What the caller must send, and where.
struct ClientSend {
  ReplicaIndex to{};
  Request request{};
};

enum class ReplyOutcome : std::uint8_t {
  kIgnored,     // Not for the request in flight (late, duplicate, or another session's).
  kRegistered,  // The register committed: a session is open.
  kCompleted,   // The append or read in flight completed.
  kEvicted,     // The session was evicted; the request in flight is abandoned.
};

class ClientProtocol {
 public:
  explicit ClientProtocol(const ClientOptions& options);

  // Requires: idle. Starts registration (again, after eviction).
  ClientSend start_register();
  // Requires: registered and idle. Appends `entries` (1..kBatchEntriesMax of them).
  ClientSend submit(std::span<const std::uint64_t> entries);
  // Requires: registered and idle. Reads up to `max` (1..kReadEntriesMax) entries from `offset`.
  ClientSend submit_read(std::uint64_t offset, std::uint8_t max);
  ReplyOutcome on_reply(const Reply& reply);
  ReplyOutcome on_eviction(const Eviction& eviction);
  // Returns a retransmission when the request in flight timed out.
  std::optional<ClientSend> on_tick();

  bool registered() const { return session_ != 0; }
  bool idle() const { return !in_flight_.has_value(); }
  Session session() const { return session_; }
  const std::optional<Request>& in_flight() const { return in_flight_; }
  std::uint64_t retransmissions() const { return retransmissions_; }

 private:
  ClientSend send_in_flight();
  // Sends `request` as the session's next request.
  ClientSend submit_request(Request request);

  ClientOptions options_;
  Session session_ = 0;
  Session session_evicted_ = 0;  // The latest session evicted; a new one must be above it.
  RequestNumber request_ = 0;
  View view_ = 0;
  std::uint8_t target_ = 0;
  std::optional<Request> in_flight_;
  std::uint32_t ticks_waiting_ = 0;
  std::uint32_t timeout_ticks_ = 0;
  std::uint64_t retransmissions_ = 0;
};

}  // namespace vsrsim::core
