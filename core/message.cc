#include "core/message.h"

#include <fmt/format.h>
#include <xxhash.h>

#include <algorithm>

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

struct Summarizer {
  std::uint64_t kind;
  MessageSummary operator()(const Request& m) const {
    return {kind, 0, 0, 0, Raw(m.client), m.request};
  }
  MessageSummary operator()(const Reply& m) const {
    return {kind, m.view, m.op, 0, Raw(m.client), m.request};
  }
  MessageSummary operator()(const Eviction& m) const {
    return {kind, m.view, 0, 0, Raw(m.client), m.session};
  }
  MessageSummary operator()(const Prepare& m) const {
    return {
        kind, m.view, m.entry.op, m.commit, Raw(m.entry.request.client), m.entry.request.request};
  }
  MessageSummary operator()(const PrepareOk& m) const {
    return {kind, m.view, m.op, 0, Raw(m.replica), 0};
  }
  MessageSummary operator()(const Commit& m) const { return {kind, m.view, 0, m.commit, 0, 0}; }
  MessageSummary operator()(const StartViewChange& m) const { return {kind, m.view, 0, 0, 0, 0}; }
  MessageSummary operator()(const DoViewChange& m) const {
    return {kind, m.view, m.op, m.commit, m.log_view, 0};
  }
  MessageSummary operator()(const StartView& m) const {
    return {kind, m.view, m.log.size(), m.commit, m.nonce, 0};
  }
  MessageSummary operator()(const RequestStartView& m) const {
    return {kind, m.view, 0, 0, m.nonce, 0};
  }
  MessageSummary operator()(const RequestPrepare& m) const { return {kind, m.view, m.op, 0, 0, 0}; }
};

constexpr std::array<const char*, std::variant_size_v<Message>> kNames = {
    "request",           "reply",
    "eviction",          "prepare",
    "prepare_ok",        "commit",
    "start_view_change", "do_view_change",
    "start_view",        "request_start_view",
    "request_prepare"};

}  // namespace

MessageSummary Summarize(const Message& message) {
  return std::visit(Summarizer{message.index()}, message);
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

std::string Describe(const Message& message) {
  const MessageSummary s = Summarize(message);
  return fmt::format("{} view={} op={} commit={} client={} request={}", MessageName(message),
                     s.view, s.op, s.commit, s.client, s.request);
}

}  // namespace vsrsim::core
