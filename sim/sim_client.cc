#include "sim/sim_client.h"

#include <algorithm>
#include <array>

#include "core/assert.h"
#include "sim/flat_hash_map.h"

namespace vsrsim::sim {

SimClient::SimClient(const core::ClientOptions& options, std::uint32_t index,
                     const Workload& workload, Prng prng, Prng read_prng)
    : options_(options),
      index_(index),
      requests_total_(workload.requests_total),
      reads_(workload.reads),
      prng_(prng),
      read_prng_(read_prng),
      protocol_(options) {}

std::optional<core::ClientSend> SimClient::next() {
  if (!protocol_.idle() || completed_ + abandoned_ == requests_total_) return std::nullopt;
  if (!protocol_.registered()) return protocol_.start_register();
  if (read_prng_.Chance(reads_)) {
    submitted_++;
    const std::uint64_t offset = read_prng_.Below(offset_seen_ + 1);
    return protocol_.submit_read(offset, static_cast<std::uint8_t>(core::kReadEntriesMax));
  }
  std::array<std::uint64_t, core::kBatchEntriesMax> entries{};
  const auto count = static_cast<std::size_t>(prng_.Between(1, core::kBatchEntriesMax));
  for (std::size_t i = 0; i < count; i++) {
    // Unique across the run: the client's index in the high bits, a counter below.
    entries[i] = (std::uint64_t{index_ + 1} << kPayloadTagShift) | payload_next_++;
  }
  submitted_++;
  return protocol_.submit(std::span<const std::uint64_t>(entries.data(), count));
}

ClientStep SimClient::on_tick() {
  ClientStep step;
  step.send = protocol_.on_tick();
  step.retransmission = step.send.has_value();
  if (!step.send.has_value()) step.send = next();
  return step;
}

ClientStep SimClient::on_message(const core::Message& message) {
  ClientStep step;
  core::ReplyOutcome outcome = core::ReplyOutcome::kIgnored;
  if (const auto* reply = std::get_if<core::Reply>(&message)) {
    outcome = protocol_.on_reply(*reply);
    if (outcome == core::ReplyOutcome::kRegistered || outcome == core::ReplyOutcome::kCompleted) {
      step.accepted = ClientAccept{*reply, outcome == core::ReplyOutcome::kRegistered};
      last_accepted_ = *reply;
    }
    if (outcome == core::ReplyOutcome::kCompleted) {
      offset_seen_ = std::max(offset_seen_, reply->first_offset + reply->entry_count);
    }
  } else if (const auto* eviction = std::get_if<core::Eviction>(&message)) {
    const bool append_in_flight = protocol_.in_flight().has_value() &&
                                  protocol_.in_flight()->operation != core::Operation::kRegister;
    outcome = protocol_.on_eviction(*eviction);
    if (outcome == core::ReplyOutcome::kEvicted) {
      step.eviction = *eviction;
      evictions_++;
      if (append_in_flight) abandoned_++;
    }
  }
  if (outcome == core::ReplyOutcome::kCompleted) completed_++;
  if (outcome != core::ReplyOutcome::kIgnored) step.send = next();
  VSRSIM_ASSERT_LE(completed_ + abandoned_, requests_total_);
  return step;
}

}  // namespace vsrsim::sim
