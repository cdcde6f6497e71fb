#pragma once
// A simulated client: the core's client protocol driven by a workload of appends with unique
// payloads (so a duplicate execution shows as a duplicate append) and reads of the partition log.
//
// It registers, keeps one request in flight, and submits the next as soon as one completes. Each
// workload request is a read with the chance `reads` (drawn from a stream of its own, so the
// appends' payload draws stay what they were), of up to kReadEntriesMax entries from an offset at
// or below the highest offset the client has seen. After an eviction the request in flight is
// abandoned (its outcome is unknown) and the client registers again. It is done when every workload
// request has completed or been abandoned.

#include <cstdint>
#include <optional>

#include "core/client_protocol.h"
#include "sim/prng.h"

namespace vsrsim::sim {

struct ClientAccept {
  core::Reply reply;
  bool registered = false;  // The reply opened a session (else it completed an append).
};

struct ClientStep {
  std::optional<core::ClientSend> send;
  std::optional<ClientAccept> accepted;
  std::optional<core::Eviction> eviction;  // The client acted on this eviction of its session.
  bool retransmission = false;             // `send` is a retransmission of the request in flight.
};

class SimClient {
 public:
  struct Workload {
    std::uint32_t requests_total = 0;
    Ratio reads{0, 1};
  };
  SimClient(const core::ClientOptions& options, std::uint32_t index, const Workload& workload,
            Prng prng, Prng read_prng);

  ClientStep on_tick();
  ClientStep on_message(const core::Message& message);

  bool done() const { return completed_ + abandoned_ == requests_total_ && protocol_.idle(); }
  core::ClientId id() const { return options_.id; }
  std::uint32_t completed() const { return completed_; }
  std::uint32_t abandoned() const { return abandoned_; }
  std::uint32_t evictions() const { return evictions_; }
  const core::ClientProtocol& protocol() const { return protocol_; }
  // The last reply the client accepted (a registration's or a request's), if any.
  const std::optional<core::Reply>& last_accepted() const { return last_accepted_; }

 private:
  // Starts the next thing to do when idle: register, or submit the next workload request.
  std::optional<core::ClientSend> next();

  core::ClientOptions options_;
  std::uint32_t index_;
  std::uint32_t requests_total_;
  Ratio reads_;
  Prng prng_;
  Prng read_prng_;
  std::uint64_t offset_seen_ = 0;  // One above the highest offset a reply has shown.
  core::ClientProtocol protocol_;
  std::uint32_t submitted_ = 0;
  std::uint32_t completed_ = 0;
  std::uint32_t abandoned_ = 0;
  std::uint32_t evictions_ = 0;
  std::uint64_t payload_next_ = 0;
  std::optional<core::Reply> last_accepted_;
};

}  // namespace vsrsim::sim
