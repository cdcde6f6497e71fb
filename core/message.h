#pragma once
// The messages of VSR (VR Revisited, Liskov and Cowling 2012) and of the client protocol.
//
// Messages are plain values with defaulted equality, so "byte-identical cached reply" is checked
// with
// `==`. The steady-state messages (Request, Prepare, PrepareOk, Commit, Reply) hold no heap
// storage: a request's batch is a fixed array (a repair's answer carries one entry, likewise).
// Only the view-change messages carry a whole log, in a vector; they are rare. `Message` is a
// variant dispatched with std::visit and no catch-all, so a new message type does not compile until
// every handler handles it.

#include <array>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "core/types.h"

namespace vsrsim::core {

enum class Operation : std::uint8_t { kRegister, kAppend, kRead };

// A client's request. `register` carries session 0 and request 0; an append or a read carries the
// session the register's reply named and a request number one above the client's previous one. An
// append carries its batch in `entries`; a read asks for up to `entry_count` entries of the
// partition log from `read_offset` (reads go through the log like appends, so they are
// linearizable).
struct Request {
  ClientId client{};
  Session session = 0;
  RequestNumber request = 0;
  Operation operation = Operation::kRegister;
  std::uint8_t entry_count = 0;
  std::uint64_t read_offset = 0;
  std::array<std::uint64_t, kBatchEntriesMax> entries{};
  bool operator==(const Request&) const = default;
};

// The reply to a committed request. It is derived only from the committed log entry and the state
// machine, never from the executing replica, so every replica caches the same bytes. `view` is the
// view the op was prepared in; clients use it as a hint of where the primary is. An append's reply
// carries the offsets assigned (first_offset, entry_count); a read's carries the read offset, the
// number of entries found there and the entries themselves.
struct Reply {
  View view = 0;
  ClientId client{};
  Session session = 0;
  RequestNumber request = 0;
  Op op = 0;
  std::uint64_t first_offset = 0;
  std::uint8_t entry_count = 0;
  std::array<std::uint64_t, kReadEntriesMax> entries{};  // A read's entries; zero otherwise.
  bool operator==(const Reply&) const = default;
};

// Tells a client that its session is no longer in the clients table: it must register again. No
// request of the evicted session will ever execute.
struct Eviction {
  View view = 0;
  ClientId client{};
  Session session = 0;
  bool operator==(const Eviction&) const = default;
};

// One log slot. `checksum` chains over `parent` (the previous entry's checksum), so two logs that
// agree on an op's checksum agree on the whole prefix up to it.
struct LogEntry {
  Op op = 0;
  View view = 0;  // The view in which the op was first prepared.
  std::uint64_t parent = 0;
  std::uint64_t checksum = 0;
  Request request{};
  bool operator==(const LogEntry&) const = default;
};

std::uint64_t EntryChecksum(const LogEntry& entry);
LogEntry MakeEntry(const LogEntry& parent, View view, const Request& request);

struct Prepare {
  View view = 0;
  Op commit = 0;
  LogEntry entry{};
  bool operator==(const Prepare&) const = default;
};

struct PrepareOk {
  View view = 0;
  Op op = 0;
  std::uint64_t checksum = 0;
  ReplicaIndex replica{};
  bool operator==(const PrepareOk&) const = default;
};

// The primary's heartbeat (VR Revisited 4.1): the commit number, sent when no prepare went out.
struct Commit {
  View view = 0;
  Op commit = 0;
  ReplicaIndex replica{};
  bool operator==(const Commit&) const = default;
};

struct StartViewChange {
  View view = 0;
  ReplicaIndex replica{};
  bool operator==(const StartViewChange&) const = default;
};

// Carries the sender's log above its checkpoint (ops checkpoint + 1..op, each chained on the
// previous; the first on `checkpoint_checksum`, the checksum of op `checkpoint`), so the new
// primary can take the canonical one (highest log_view, then highest op).
struct DoViewChange {
  View view = 0;
  View log_view = 0;
  Op op = 0;
  Op commit = 0;
  ReplicaIndex replica{};
  Op checkpoint = 0;
  std::uint64_t checkpoint_checksum = 0;
  std::vector<LogEntry> log;
  bool operator==(const DoViewChange&) const = default;
};

// The new primary's log above its checkpoint (as in DoViewChange) and commit. `nonce` is non-zero
// only in an answer to RequestStartView, and then names the request it answers, so a restarted
// replica never adopts an older answer.
struct StartView {
  View view = 0;
  Op commit = 0;
  std::uint64_t nonce = 0;
  ReplicaIndex replica{};
  Op checkpoint = 0;
  std::uint64_t checkpoint_checksum = 0;
  std::vector<LogEntry> log;
  bool operator==(const StartView&) const = default;
};

// Sent by a restarted (recovering) replica to learn the current view and log.
struct RequestStartView {
  View view = 0;
  std::uint64_t nonce = 0;
  ReplicaIndex replica{};
  bool operator==(const RequestStartView&) const = default;
};

// Sent by a backup that missed prepares: the primary resends the prepares from `op` on (a window of
// up to kPipelineMax).
struct RequestPrepare {
  View view = 0;
  Op op = 0;
  ReplicaIndex replica{};
  bool operator==(const RequestPrepare&) const = default;
};

// State sync: asks a peer for a checkpoint of op `op` or later, sent by a replica that needs ops
// no longer journaled (its log is behind the oldest op the peer holds, or does not reach the
// checkpoint a view's log starts at).
struct RequestCheckpoint {
  View view = 0;
  Op op = 0;
  ReplicaIndex replica{};
  bool operator==(const RequestCheckpoint&) const = default;
};

// State sync: the sender's latest durable checkpoint, encoded (core/checkpoint.h): its clients
// table with every cached reply and its partition's length and digest, with the partition's
// entries alongside. The receiver verifies the checksum, the op and the partition's digest before
// installing it. Rare and large: the only message whose size grows with the state.
struct SyncCheckpoint {
  View view = 0;
  Op op = 0;
  std::uint64_t checksum = 0;
  ReplicaIndex replica{};
  std::vector<std::uint64_t> words;
  std::vector<std::uint64_t> partition;  // Entries [0, the checkpoint's partition length).
  bool operator==(const SyncCheckpoint&) const = default;
};

// Issue 17, repair of one journal entry: asks every peer for op `op` with checksum `checksum`. The
// sender knows the checksum from its hash chain (the parent of the entry above, or the head its
// superblock names) but its own entry is missing or failed its checksum. Any replica, primary or
// backup, in any status, whose log holds that op with that checksum answers with a RepairEntry.
struct RequestEntry {
  View view = 0;
  Op op = 0;
  std::uint64_t checksum = 0;
  ReplicaIndex replica{};
  bool operator==(const RequestEntry&) const = default;
};

// The answer to a RequestEntry: the entry, which its sender verified (its body hashes to its
// checksum). The receiver takes it only if its op and checksum are the ones it asked for and its
// body hashes to that checksum; anything else (a late answer to an older ask, a body corrupted
// on the way) is dropped.
struct RepairEntry {
  View view = 0;
  ReplicaIndex replica{};
  LogEntry entry{};
  bool operator==(const RepairEntry&) const = default;
};

using Message = std::variant<Request, Reply, Eviction, Prepare, PrepareOk, Commit, StartViewChange,
                             DoViewChange, StartView, RequestStartView, RequestPrepare,
                             RequestCheckpoint, SyncCheckpoint, RequestEntry, RepairEntry>;

// A fixed-size summary of a message, for the trace (its hash and its text): `kind` is the variant
// index; `fields` are the message's meaningful fields in the order MessageFieldNames gives for
// the kind (unused fields are zero). Client ids are raw; an operation is core::Operation's value;
// a request's `arg` is a read's offset or an append's first payload entry.
inline constexpr std::size_t kMessageFieldsMax = 6;
struct MessageSummary {
  std::uint64_t kind = 0;
  std::array<std::uint64_t, kMessageFieldsMax> fields{};
};

MessageSummary Summarize(const Message& message);
// The names of a kind's summary fields, in order; nullptr past the kind's last field.
const std::array<const char*, kMessageFieldsMax>& MessageFieldNames(std::size_t kind);
// "register", "append" or "read" (an Operation's value), or "unknown".
const char* OperationName(std::uint64_t operation);
const char* MessageName(const Message& message);
// std::visit over a Message, compiled as a switch. libstdc++ turns std::visit of a variant with
// more than 11 alternatives into a call through a table of function pointers, one indirect call
// and no inlining per dispatch; Message has 15, and the simulator dispatches several times per
// message. `visitor` must accept every alternative (as std::visit requires). A new message kind
// fails the static_assert until it has its case here.
template <typename Visitor>
decltype(auto) VisitMessage(Visitor&& visitor, const Message& message) {
  static_assert(std::variant_size_v<Message> == 15, "give the new message kind its case");
#define VSRSIM_MESSAGE_CASE(i) \
  case i:                      \
    return visitor(*std::get_if<i>(&message));
  switch (message.index()) {
    VSRSIM_MESSAGE_CASE(0)
    VSRSIM_MESSAGE_CASE(1)
    VSRSIM_MESSAGE_CASE(2)
    VSRSIM_MESSAGE_CASE(3)
    VSRSIM_MESSAGE_CASE(4)
    VSRSIM_MESSAGE_CASE(5)
    VSRSIM_MESSAGE_CASE(6)
    VSRSIM_MESSAGE_CASE(7)
    VSRSIM_MESSAGE_CASE(8)
    VSRSIM_MESSAGE_CASE(9)
    VSRSIM_MESSAGE_CASE(10)
    VSRSIM_MESSAGE_CASE(11)
    VSRSIM_MESSAGE_CASE(12)
    VSRSIM_MESSAGE_CASE(13)
    VSRSIM_MESSAGE_CASE(14)
    default:
      break;
  }
#undef VSRSIM_MESSAGE_CASE
  std::abort();  // Valueless (a copy threw): std::visit would throw; the simulator cannot go on.
}

// The view a message names, 0 for a kind that names none. Inline: checkers call it on every send.
inline View MessageView(const Message& message) {
  return VisitMessage(
      [](const auto& m) -> View {
        if constexpr (requires { m.view; }) {
          return m.view;
        } else {
          return 0;
        }
      },
      message);
}
// The name of the message kind with variant index `kind` ("start_view", ...), or "unknown".
const char* MessageKindName(std::size_t kind);
// The variant index of the message kind named `name`, or variant_size when there is none.
std::size_t MessageKindByName(std::string_view name);
std::string Describe(const Message& message);

}  // namespace vsrsim::core
