#pragma once
// The readable text trace (`--trace FILE`): one line per trace record, with simulated time, the
// processes involved and what happened. Built only when asked for.

#include <cstddef>
#include <string>
#include <vector>

#include "sim/trace.h"

namespace vsrsim::reports {

std::string ProcessName(std::uint8_t process, std::size_t replica_count);
std::string DescribeRecord(const sim::TraceRecord& record, std::size_t replica_count);
std::string RenderTextTrace(const std::vector<sim::TraceRecord>& records,
                            std::size_t replica_count);

}  // namespace vsrsim::reports
