#include "reports/text_trace.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "core/message.h"
#include "core/replica.h"

namespace vsrsim::reports {

namespace {

const char* DropName(std::uint64_t reason) {
  switch (reason) {
    case 1:
      return "lost";
    case 2:
      return "link full";
    case 3:
      return "partition";
    case 4:
      return "connection closed";
    case sim::kDropReplicaDown:
      return "replica down";
    default:
      return "dropped";
  }
}

// A message record's fields by name: a request's operation by name, payload entries in hex. Client
// ids are decimal, as the checkers' messages write them, so a finding's client can be searched.
std::string MessageFields(const sim::TraceRecord& r) {
  const std::uint64_t kind = r.a & 0xff;
  const std::array<std::uint64_t, core::kMessageFieldsMax> values = {r.c, r.d, r.e, r.f, r.g, r.h};
  const auto& names = core::MessageFieldNames(kind);
  std::string text = core::MessageKindName(kind);
  const bool request = kind == 0;
  for (std::size_t i = 0; i < names.size() && names[i] != nullptr; i++) {
    const std::string_view name = names[i];
    if (request && name == "operation") {
      text += fmt::format(" {}", core::OperationName(values[i]));
    } else if (request && name == "arg") {
      // A register carries nothing; a read its offset; an append its first payload entry.
      if (values[3] == static_cast<std::uint64_t>(core::Operation::kRead)) {
        text += fmt::format(" offset={}", values[i]);
      } else if (values[3] == static_cast<std::uint64_t>(core::Operation::kAppend)) {
        text += fmt::format(" first_entry={:x}", values[i]);
      }
    } else if (request && name == "entries" &&
               values[3] == static_cast<std::uint64_t>(core::Operation::kRegister)) {
      continue;
    } else {
      text += fmt::format(" {}={}", name, values[i]);
    }
  }
  return text;
}

std::string Ticks(std::uint64_t ticks) {
  return fmt::format("{} tick{}", ticks, ticks == 1 ? "" : "s");
}

std::string FaultInWords(const sim::TraceRecord& r, const std::string& from, const std::string& to,
                         std::size_t replica_count) {
  switch (r.a) {
    case sim::kDisconnectFault:
      return fmt::format("disconnect {} from every replica for {}.{:03} ms", from, r.b / 1000,
                         r.b % 1000);
    case sim::kReplayFault:
      return fmt::format("{} -> {} REPLAY of a stale {} ({} sends of its kind ago)", from, to,
                         core::MessageKindName(r.b >> 8), r.b & 0xff);
    case sim::kIsolateFault:
      return fmt::format("isolate {} for {}", from, Ticks(r.b));
    case sim::kBlockFault:
      return fmt::format("block {} -> {} for {}", from, to, Ticks(r.b));
    case sim::kClogFault:
      return fmt::format("clog {} -> {} for {} (held, then delivered)", from, to, Ticks(r.b));
    case sim::kCrashInSyncFault:
      return r.b == 1 ? fmt::format(
                            "arm {} to crash right before its next sync of a checkpoint area write",
                            from)
                      : fmt::format("arm {} to crash right before its next sync completes", from);
    case sim::kCrashPointFault:
      return fmt::format("{} dies at its crash point, storage operation {}", from, r.b);
    case sim::kSectorErrorFault:
      return fmt::format("{}'s journal slots {}..{} read back corrupt (sector error)", from,
                         r.b >> 32, (r.b >> 32) + (r.b & 0xffffffffU) - 1);
    case sim::kCorruptReadFault:
      return fmt::format("{}'s next journal read returns slot {} corrupt", from, r.b);
    case sim::kMisdirectFault:
      return fmt::format("{}'s next entry write lands in slot {}", from, r.b);
    case sim::kSyncFailFault:
      return fmt::format("{}'s next sync fails", from);
    case sim::kCorruptCheckpointFault:
      return fmt::format("{}'s next checkpoint read returns it corrupt", from);
    case sim::kCorruptEntryFault:
      return fmt::format("{}'s next delivered entry (prepare or repair) arrives corrupt", from);
    case sim::kHealFault: {
      std::string core;
      for (std::size_t i = 0; i < 64; i++) {
        if ((r.b >> i & 1) == 0) continue;
        core += fmt::format("{}{}", core.empty() ? "" : ",",
                            ProcessName(static_cast<std::uint8_t>(i), replica_count));
      }
      return fmt::format("heal: faults stop, the liveness phase begins with core {{{}}}", core);
    }
    default:
      return fmt::format("fault {} {} {} {}", r.a, from, to, r.b);
  }
}

// The client ids of the processes in `only`, learned from their requests in the trace (a request
// record's first field is its client id), so that executions of their requests count as theirs.
std::vector<std::uint64_t> ClientIdsOf(const std::vector<sim::TraceRecord>& records,
                                       const std::vector<std::uint8_t>& only,
                                       std::size_t replica_count) {
  std::vector<std::uint64_t> ids;
  for (const sim::TraceRecord& r : records) {
    const bool request = (r.kind == sim::TraceKind::kDeliver || r.kind == sim::TraceKind::kDrop ||
                          r.kind == sim::TraceKind::kDuplicate) &&
                         (r.a & 0xff) == 0 && r.from >= replica_count;
    if (!request || std::find(only.begin(), only.end(), r.from) == only.end()) continue;
    if (std::find(ids.begin(), ids.end(), r.c) == ids.end()) ids.push_back(r.c);
  }
  return ids;
}

bool Involves(const sim::TraceRecord& r, const std::vector<std::uint8_t>& only,
              const std::vector<std::uint64_t>& client_ids) {
  if (only.empty() || r.kind == sim::TraceKind::kViolation) return true;
  if (r.kind == sim::TraceKind::kExecute &&
      std::find(client_ids.begin(), client_ids.end(), r.c) != client_ids.end()) {
    return true;  // An execution of one of their requests.
  }
  // Records between two processes: messages, and the faults on a link.
  const bool two =
      r.kind == sim::TraceKind::kDeliver || r.kind == sim::TraceKind::kDrop ||
      r.kind == sim::TraceKind::kDuplicate ||
      (r.kind == sim::TraceKind::kFault &&
       (r.a == sim::kReplayFault || r.a == sim::kBlockFault || r.a == sim::kClogFault));
  if (r.kind == sim::TraceKind::kFault && r.a == sim::kHealFault) return true;
  for (const std::uint8_t p : only) {
    if (r.from == p || (two && r.to == p)) return true;
  }
  return false;
}

}  // namespace

std::string ProcessName(std::uint8_t process, std::size_t replica_count) {
  if (process < replica_count) return fmt::format("r{}", process);
  return fmt::format("c{}", process - replica_count);
}

std::optional<std::vector<std::uint8_t>> ParseProcessList(const std::string& text,
                                                          std::size_t replica_count,
                                                          std::size_t client_count,
                                                          std::string& error) {
  std::vector<std::uint8_t> processes;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    const std::string item = text.substr(start, comma - start);
    std::size_t index = 0;
    const bool named = item.size() >= 2 && (item[0] == 'r' || item[0] == 'c');
    const auto [end, ec] = named
                               ? std::from_chars(item.data() + 1, item.data() + item.size(), index)
                               : std::from_chars(item.data(), item.data(), index);
    const std::size_t limit = named && item[0] == 'r' ? replica_count : client_count;
    if (!named || ec != std::errc{} || end != item.data() + item.size() || index >= limit) {
      error = fmt::format(
          "'{}' is not a process of this run: name replicas r0..r{} and clients c0..c{}, "
          "separated by commas (e.g. r0,c3)",
          item, replica_count - 1, client_count - 1);
      return std::nullopt;
    }
    const std::size_t process = item[0] == 'r' ? index : replica_count + index;
    processes.push_back(static_cast<std::uint8_t>(process));
    start = comma + 1;
  }
  return processes;
}

std::string DescribeRecord(const sim::TraceRecord& r, std::size_t replica_count,
                           const std::string& violation) {
  const std::string from = ProcessName(r.from, replica_count);
  const std::string to = ProcessName(r.to, replica_count);
  switch (r.kind) {
    case sim::TraceKind::kDeliver:
      return fmt::format("{} -> {} {}", from, to, MessageFields(r));
    case sim::TraceKind::kDrop:
      return fmt::format("{} -> {} {} DROPPED ({})", from, to, MessageFields(r),
                         DropName(r.a >> 8));
    case sim::TraceKind::kDuplicate:
      return fmt::format("{} -> {} {} duplicated by the network", from, to, MessageFields(r));
    case sim::TraceKind::kExecute:
      return fmt::format("{} executes op {} (client {} session {} request {}){}", from, r.a, r.c,
                         r.e, r.d, r.b != 0 ? "" : " NOT APPLIED (session evicted)");
    case sim::TraceKind::kReplica:
      return fmt::format("{} status={} view={} commit={} op={}", from,
                         core::StatusName(static_cast<core::Status>(r.a)), r.b, r.c, r.d);
    case sim::TraceKind::kAccept:
      return fmt::format("{} accepts reply session={} request={} op={}", from, r.a, r.b, r.c);
    case sim::TraceKind::kEvicted:
      return fmt::format("{} learns its session {} was evicted", from, r.a);
    case sim::TraceKind::kCrash:
      return fmt::format("{} CRASHES", from);
    case sim::TraceKind::kRestart:
      return fmt::format("{} restarts", from);
    case sim::TraceKind::kFault:
      return FaultInWords(r, from, to, replica_count);
    case sim::TraceKind::kViolation:
      return violation.empty() ? "VIOLATION" : "VIOLATION " + violation;
  }
  return "?";
}

std::string RenderTextTrace(const std::vector<sim::TraceRecord>& records, std::size_t replica_count,
                            const std::string& violation, const TraceFilter& filter) {
  const std::vector<std::uint64_t> client_ids =
      filter.only.empty() ? std::vector<std::uint64_t>{}
                          : ClientIdsOf(records, filter.only, replica_count);
  std::vector<const sim::TraceRecord*> shown;
  for (const sim::TraceRecord& record : records) {
    if (Involves(record, filter.only, client_ids)) shown.push_back(&record);
  }
  std::size_t first = 0;
  std::string text;
  if (filter.last != 0 && shown.size() > filter.last) {
    first = shown.size() - filter.last;
    text += fmt::format("... {} earlier records left out (--trace-last {})\n", first, filter.last);
  }
  for (std::size_t i = first; i < shown.size(); i++) {
    const sim::TraceRecord& record = *shown[i];
    text += fmt::format("{:>8}.{:03} ms  {}\n", record.time_us / 1000, record.time_us % 1000,
                        DescribeRecord(record, replica_count, violation));
  }
  return text;
}

}  // namespace vsrsim::reports
