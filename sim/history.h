#pragma once
// The client-visible history of one run: what the simulated clients saw, and nothing from replica
// internals. Per logical operation (retransmissions merged) an invocation and one completion, in
// the order they happened, with simulated times:
// - `ok`: the client accepted the reply (an append's offsets, a read's entries, a session);
// - `info`: the outcome is unknown (abandoned after an eviction: it may have executed before the
//   session was evicted; or still outstanding when the run ended);
// - `fail`: known not to have taken effect (the workload produces none today).
// Then, when the healed core converged, one final read per healed replica: its whole partition log,
// read directly. This is the only input of the outside-only checkers (history_checker.h).
//
// Invariants: a process (the client's index) has at most one operation open; every completion
// follows its process's invocation and carries its function. Events are kept in a vector reserved
// for the workload, so recording allocates nothing in the steady state.

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "core/message.h"
#include "sim/observer.h"

namespace vsrsim::sim {

enum class HistoryType : std::uint8_t { kInvoke, kOk, kFail, kInfo };
enum class HistoryFunction : std::uint8_t { kRegister, kAppend, kRead };

const char* HistoryTypeName(HistoryType type);
const char* HistoryFunctionName(HistoryFunction function);

// One line of the history. What `offset`, `count` and `values` hold depends on (type, f):
// - invoke append: count payload entries in values; invoke read: offset and count = max;
// - ok append: offset = the first offset assigned, count = entries appended;
// - ok read: offset = the read offset, count entries in values;
// - ok register: offset = the session number;
// - info/fail: the value of the invocation they complete.
struct HistoryEvent {
  HistoryType type = HistoryType::kInvoke;
  HistoryFunction f = HistoryFunction::kAppend;
  std::uint32_t process = 0;
  std::uint64_t time_us = 0;
  std::uint64_t offset = 0;
  std::uint8_t count = 0;
  std::array<std::uint64_t, core::kBatchEntriesMax> values{};
  bool operator==(const HistoryEvent&) const = default;
};
static_assert(core::kReadEntriesMax <= core::kBatchEntriesMax);

struct FinalRead {
  std::uint32_t replica = 0;
  std::vector<std::uint64_t> entries;
  bool operator==(const FinalRead&) const = default;
};

struct History {
  std::vector<HistoryEvent> events;
  std::vector<FinalRead> final_reads;
  bool operator==(const History&) const = default;
};

// Records the history as the clients act: a subscriber to the clients' observations alone.
class HistoryRecorder final : public Observer {
 public:
  HistoryRecorder(std::size_t processes, std::size_t events_expected);

  std::uint32_t hooks() const override {
    return HookBit(Hook::kClientInvoked) | HookBit(Hook::kClientAccepted) |
           HookBit(Hook::kClientEvicted);
  }
  Finding on_client_invoked(ObservedAt at, std::size_t client, core::ClientId,
                            const core::Request& request) override {
    on_invoke(static_cast<std::uint32_t>(client), at.time_us, request);
    return std::nullopt;
  }
  Finding on_client_accepted(ObservedAt at, std::size_t client,
                             const ClientAccept& accept) override {
    on_ok(static_cast<std::uint32_t>(client), at.time_us, accept.reply);
    return std::nullopt;
  }
  Finding on_client_evicted(ObservedAt at, std::size_t client, const core::Eviction&) override {
    on_info(static_cast<std::uint32_t>(client), at.time_us);
    return std::nullopt;
  }

  // `process` sent `request` for the first time (not a retransmission).
  void on_invoke(std::uint32_t process, std::uint64_t time_us, const core::Request& request);
  // `process` accepted `reply` to its open operation.
  void on_ok(std::uint32_t process, std::uint64_t time_us, const core::Reply& reply);
  // `process` abandoned its open operation (if any): its outcome is unknown.
  void on_info(std::uint32_t process, std::uint64_t time_us);
  // Closes every open operation as `info` (the run ended with it outstanding).
  void finish(std::uint64_t time_us);
  void final_read(std::uint32_t replica, const std::vector<std::uint64_t>& entries);

  const History& history() const { return history_; }

 private:
  History history_;
  std::vector<std::optional<std::size_t>> open_;  // Per process: the index of its open invoke.
};

}  // namespace vsrsim::sim
