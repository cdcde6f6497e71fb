#include "reports/text_trace.h"

#include <fmt/format.h>

#include "core/message.h"
#include "core/replica.h"

namespace vsrsim::reports {

namespace {

const char* MessageKindName(std::uint64_t kind) {
  static constexpr std::array<const char*, std::variant_size_v<core::Message>> kNames = {
      "request",           "reply",
      "eviction",          "prepare",
      "prepare_ok",        "commit",
      "start_view_change", "do_view_change",
      "start_view",        "request_start_view",
      "request_prepare"};
  return kind < kNames.size() ? kNames[kind] : "?";
}

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
    default:
      return "dropped";
  }
}

}  // namespace

std::string ProcessName(std::uint8_t process, std::size_t replica_count) {
  if (process < replica_count) return fmt::format("r{}", process);
  return fmt::format("c{}", process - replica_count);
}

std::string DescribeRecord(const sim::TraceRecord& r, std::size_t replica_count) {
  const std::string from = ProcessName(r.from, replica_count);
  const std::string to = ProcessName(r.to, replica_count);
  switch (r.kind) {
    case sim::TraceKind::kDeliver:
      return fmt::format("{} -> {} {} view={} op={}", from, to, MessageKindName(r.a & 0xff), r.b,
                         r.c);
    case sim::TraceKind::kDrop:
      return fmt::format("{} -> {} {} DROPPED ({})", from, to, MessageKindName(r.a & 0xff),
                         DropName(r.a >> 8));
    case sim::TraceKind::kDuplicate:
      return fmt::format("{} -> {} {} duplicated by the network", from, to,
                         MessageKindName(r.a & 0xff));
    case sim::TraceKind::kExecute:
      return fmt::format("{} executes op {} (client {:x} request {}){}", from, r.a, r.c, r.d,
                         r.b != 0 ? "" : " NOT APPLIED (session evicted)");
    case sim::TraceKind::kReplica:
      return fmt::format("{} status={} view={} commit={} op={}", from,
                         core::StatusName(static_cast<core::Status>(r.a)), r.b, r.c, r.d);
    case sim::TraceKind::kAccept:
      return fmt::format("{} accepts reply session={} request={} op={}", from, r.a, r.b, r.c);
    case sim::TraceKind::kEvicted:
      return fmt::format("{} learns its session was evicted", from);
    case sim::TraceKind::kCrash:
      return fmt::format("{} CRASHES", from);
    case sim::TraceKind::kRestart:
      return fmt::format("{} restarts", from);
    case sim::TraceKind::kFault:
      if (r.a == sim::kReplayFault) {
        return fmt::format("{} -> {} REPLAY of a stale {} ({} sends of its kind ago)", from, to,
                           core::MessageKindName(r.b >> 8), r.b & 0xff);
      }
      return fmt::format("fault {} {} {} {}", r.a, from, to, r.b);
    case sim::TraceKind::kViolation:
      return "VIOLATION";
  }
  return "?";
}

std::string RenderTextTrace(const std::vector<sim::TraceRecord>& records,
                            std::size_t replica_count) {
  std::string text;
  for (const sim::TraceRecord& record : records) {
    text += fmt::format("{:>8}.{:03} ms  {}\n", record.time_us / 1000, record.time_us % 1000,
                        DescribeRecord(record, replica_count));
  }
  return text;
}

}  // namespace vsrsim::reports
