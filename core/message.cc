#include "core/message.h"

#include <fmt/format.h>
// Inlined: the hashes here are of a few words, where the library call costs more than the hash.
#define XXH_INLINE_ALL
#include <xxhash.h>

#include <algorithm>
#include <initializer_list>

namespace vsrsim::core {

std::uint64_t EntryChecksum(const LogEntry& entry) {
  // Hash the fields one by one (not the struct's bytes) so padding never enters the checksum. Every
  // batch entry enters on its own, so two different batches never fold to the same words.
  std::array<std::uint64_t, 8 + kBatchEntriesMax> words = {
      entry.op,
      entry.view,
      entry.parent,
      Raw(entry.request.client),
      entry.request.session,
      entry.request.request,
      (static_cast<std::uint64_t>(entry.request.operation) << 8) | entry.request.entry_count,
      entry.request.read_offset,
  };
  std::copy(entry.request.entries.begin(), entry.request.entries.end(), words.begin() + 8);
  return XXH3_64bits(words.data(), sizeof(words));
}

LogEntry MakeEntry(const LogEntry& parent, View view, const Request& request) {
  LogEntry entry{.op = parent.op + 1, .view = view, .parent = parent.checksum, .request = request};
  entry.checksum = EntryChecksum(entry);
  return entry;
}

namespace {

// Each kind's fields, named in kFieldNames in the same order. Keep the two in step.
struct Summarizer {
  std::uint64_t kind;
  MessageSummary Of(std::initializer_list<std::uint64_t> fields) const {
    MessageSummary summary{.kind = kind};
    std::copy(fields.begin(), fields.end(), summary.fields.begin());
    return summary;
  }
  MessageSummary operator()(const Request& m) const {
    return Of({Raw(m.client), m.session, m.request, static_cast<std::uint64_t>(m.operation),
               m.entry_count, m.operation == Operation::kRead ? m.read_offset : m.entries[0]});
  }
  MessageSummary operator()(const Reply& m) const {
    return Of({m.view, Raw(m.client), m.session, m.request, m.op, m.first_offset});
  }
  MessageSummary operator()(const Eviction& m) const {
    return Of({m.view, Raw(m.client), m.session});
  }
  MessageSummary operator()(const Prepare& m) const {
    return Of({m.view, m.entry.op, m.commit, Raw(m.entry.request.client), m.entry.request.session,
               m.entry.request.request});
  }
  MessageSummary operator()(const PrepareOk& m) const { return Of({m.view, m.op, Raw(m.replica)}); }
  MessageSummary operator()(const Commit& m) const {
    return Of({m.view, m.commit, Raw(m.replica)});
  }
  MessageSummary operator()(const StartViewChange& m) const { return Of({m.view, Raw(m.replica)}); }
  MessageSummary operator()(const DoViewChange& m) const {
    return Of({m.view, m.log_view, m.op, m.commit, m.checkpoint, Raw(m.replica)});
  }
  MessageSummary operator()(const StartView& m) const {
    return Of(
        {m.view, m.commit, m.checkpoint, m.checkpoint + m.log.size(), m.nonce, Raw(m.replica)});
  }
  MessageSummary operator()(const RequestStartView& m) const {
    return Of({m.view, m.nonce, Raw(m.replica)});
  }
  MessageSummary operator()(const RequestPrepare& m) const {
    return Of({m.view, m.op, Raw(m.replica)});
  }
  MessageSummary operator()(const RequestCheckpoint& m) const {
    return Of({m.view, m.op, Raw(m.replica)});
  }
  MessageSummary operator()(const SyncCheckpoint& m) const {
    return Of({m.view, m.op, m.checksum, m.words.size(), Raw(m.replica), m.partition.size()});
  }
  MessageSummary operator()(const RequestEntry& m) const {
    return Of({m.view, m.op, m.checksum, Raw(m.replica)});
  }
  MessageSummary operator()(const RepairEntry& m) const {
    return Of({m.view, m.entry.op, m.entry.checksum, Raw(m.replica)});
  }
};

using FieldNames = std::array<const char*, kMessageFieldsMax>;
constexpr std::array<FieldNames, std::variant_size_v<Message>> kFieldNames = {{
    {"client", "session", "request", "operation", "entries", "arg"},
    {"view", "client", "session", "request", "op", "offset"},
    {"view", "client", "session"},
    {"view", "op", "commit", "client", "session", "request"},
    {"view", "op", "replica"},
    {"view", "commit", "replica"},
    {"view", "replica"},
    {"view", "log_view", "op", "commit", "checkpoint", "replica"},
    {"view", "commit", "checkpoint", "last_op", "nonce", "replica"},
    {"view", "nonce", "replica"},
    {"view", "op", "replica"},
    {"view", "op", "replica"},
    {"view", "op", "checksum", "words", "replica", "partition"},
    {"view", "op", "checksum", "replica"},
    {"view", "op", "checksum", "replica"},
}};

constexpr std::array<const char*, std::variant_size_v<Message>> kNames = {
    "request",           "reply",
    "eviction",          "prepare",
    "prepare_ok",        "commit",
    "start_view_change", "do_view_change",
    "start_view",        "request_start_view",
    "request_prepare",   "request_checkpoint",
    "sync_checkpoint",   "request_entry",
    "repair_entry"};

}  // namespace

MessageSummary Summarize(const Message& message) {
  return VisitMessage(Summarizer{message.index()}, message);
}

const char* MessageName(const Message& message) { return kNames[message.index()]; }

const char* MessageKindName(std::size_t kind) {
  return kind < kNames.size() ? kNames[kind] : "unknown";
}

std::size_t MessageKindByName(std::string_view name) {
  for (std::size_t kind = 0; kind < kNames.size(); kind++) {
    if (name == kNames[kind]) return kind;
  }
  return kNames.size();
}

const std::array<const char*, kMessageFieldsMax>& MessageFieldNames(std::size_t kind) {
  static constexpr FieldNames kNone{};
  return kind < kFieldNames.size() ? kFieldNames[kind] : kNone;
}

const char* OperationName(std::uint64_t operation) {
  switch (operation) {
    case static_cast<std::uint64_t>(Operation::kRegister):
      return "register";
    case static_cast<std::uint64_t>(Operation::kAppend):
      return "append";
    case static_cast<std::uint64_t>(Operation::kRead):
      return "read";
    default:
      return "unknown";
  }
}

std::string Describe(const Message& message) {
  const MessageSummary s = Summarize(message);
  std::string text = MessageName(message);
  const FieldNames& names = MessageFieldNames(s.kind);
  for (std::size_t i = 0; i < names.size() && names[i] != nullptr; i++) {
    text += fmt::format(" {}={}", names[i], s.fields[i]);
  }
  return text;
}

}  // namespace vsrsim::core
