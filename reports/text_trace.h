#pragma once
// The readable text trace (`--trace FILE`): one line per trace record, with simulated time, the
// processes involved and what happened, every message with its meaningful fields by name. Built
// only when asked for.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "sim/trace.h"

namespace vsrsim::reports {

std::string ProcessName(std::uint8_t process, std::size_t replica_count);
// Parses a `--trace-only` list ("r0,c3"): the process indices it names, or an error naming the
// item that is not a replica or client of a cluster of that size.
std::optional<std::vector<std::uint8_t>> ParseProcessList(const std::string& text,
                                                          std::size_t replica_count,
                                                          std::size_t client_count,
                                                          std::string& error);
// One record in words. `violation`: the checker's finding, for the violation record.
std::string DescribeRecord(const sim::TraceRecord& record, std::size_t replica_count,
                           const std::string& violation = "");

// A record involves a process when it is from it or (messages, and faults on a link) to it;
// executions are the replica's and, for a client whose requests the trace shows, that client's
// too. The violation and the heal are always kept.
struct TraceFilter {
  std::vector<std::uint8_t> only;  // Processes a record must involve (empty: all records).
  std::size_t last = 0;            // Keep only the last N records that pass `only` (0: all).
};
std::string RenderTextTrace(const std::vector<sim::TraceRecord>& records, std::size_t replica_count,
                            const std::string& violation = "", const TraceFilter& filter = {});

}  // namespace vsrsim::reports
