#include "sim/history.h"

#include <algorithm>

#include "core/assert.h"

namespace vsrsim::sim {

const char* HistoryTypeName(HistoryType type) {
  switch (type) {
    case HistoryType::kInvoke:
      return "invoke";
    case HistoryType::kOk:
      return "ok";
    case HistoryType::kFail:
      return "fail";
    case HistoryType::kInfo:
      return "info";
  }
  return "unknown";
}

const char* HistoryFunctionName(HistoryFunction function) {
  switch (function) {
    case HistoryFunction::kRegister:
      return "register";
    case HistoryFunction::kAppend:
      return "append";
    case HistoryFunction::kRead:
      return "read";
  }
  return "unknown";
}

HistoryRecorder::HistoryRecorder(std::size_t processes, std::size_t events_expected)
    : open_(processes) {
  history_.events.reserve(events_expected);
}

void HistoryRecorder::on_invoke(std::uint32_t process, std::uint64_t time_us,
                                const core::Request& request) {
  VSRSIM_ASSERT_LT(process, open_.size());
  VSRSIM_ASSERT(!open_[process].has_value());
  HistoryEvent event{.type = HistoryType::kInvoke, .process = process, .time_us = time_us};
  switch (request.operation) {
    case core::Operation::kRegister:
      event.f = HistoryFunction::kRegister;
      break;
    case core::Operation::kAppend:
      event.f = HistoryFunction::kAppend;
      event.count = request.entry_count;
      event.values = request.entries;
      break;
    case core::Operation::kRead:
      event.f = HistoryFunction::kRead;
      event.offset = request.read_offset;
      event.count = request.entry_count;
      break;
  }
  open_[process] = history_.events.size();
  history_.events.push_back(event);
}

void HistoryRecorder::on_ok(std::uint32_t process, std::uint64_t time_us,
                            const core::Reply& reply) {
  VSRSIM_ASSERT_LT(process, open_.size());
  VSRSIM_ASSERT(open_[process].has_value());
  const HistoryFunction f = history_.events[*open_[process]].f;
  HistoryEvent event{.type = HistoryType::kOk, .f = f, .process = process, .time_us = time_us};
  switch (f) {
    case HistoryFunction::kRegister:
      event.offset = reply.session;
      break;
    case HistoryFunction::kAppend:
      event.offset = reply.first_offset;
      event.count = reply.entry_count;
      break;
    case HistoryFunction::kRead:
      event.offset = reply.first_offset;
      event.count = reply.entry_count;
      std::copy(reply.entries.begin(), reply.entries.end(), event.values.begin());
      break;
  }
  open_[process].reset();
  history_.events.push_back(event);
}

void HistoryRecorder::on_info(std::uint32_t process, std::uint64_t time_us) {
  VSRSIM_ASSERT_LT(process, open_.size());
  if (!open_[process].has_value()) return;
  HistoryEvent event = history_.events[*open_[process]];
  event.type = HistoryType::kInfo;
  event.time_us = time_us;
  open_[process].reset();
  history_.events.push_back(event);
}

void HistoryRecorder::finish(std::uint64_t time_us) {
  for (std::uint32_t process = 0; process < open_.size(); process++) on_info(process, time_us);
}

void HistoryRecorder::final_read(std::uint32_t replica, const std::vector<std::uint64_t>& entries) {
  history_.final_reads.push_back(FinalRead{replica, entries});
}

}  // namespace vsrsim::sim
