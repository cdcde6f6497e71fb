#include "sim/final_read_checker.h"

#include <fmt/format.h>

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace vsrsim::sim {

namespace {

Violation Wrong(std::string message) {
  return Violation{Outcome::kSafety, "final-read", std::move(message)};
}

}  // namespace

Finding CheckFinalReads(const History& history) {
  if (history.final_reads.empty()) return std::nullopt;
  const FinalRead& log = history.final_reads.front();
  for (const FinalRead& other : history.final_reads) {
    if (other.entries != log.entries) {
      return Wrong(
          fmt::format("converged replicas {} and {} hold different partition logs "
                      "({} vs {} entries)",
                      log.replica, other.replica, log.entries.size(), other.entries.size()));
    }
  }
  // Ordered containers: a finding names the same entry whichever order a hash would give.
  std::set<std::uint64_t> invoked;
  std::map<std::uint32_t, const HistoryEvent*> open;  // process -> its open append
  for (const HistoryEvent& event : history.events) {
    if (event.f != HistoryFunction::kAppend) continue;
    if (event.type == HistoryType::kInvoke) {
      invoked.insert(event.values.begin(), event.values.begin() + event.count);
      open[event.process] = &event;
      continue;
    }
    const HistoryEvent* invoke = open[event.process];
    open.erase(event.process);
    if (event.type != HistoryType::kOk || invoke == nullptr) continue;
    for (std::uint8_t i = 0; i < invoke->count; i++) {
      const std::uint64_t offset = event.offset + i;
      if (offset >= log.entries.size() || log.entries[offset] != invoke->values[i]) {
        return Wrong(fmt::format(
            "process {}'s append of {:x} was acknowledged at offset {} (at {} us), but the final "
            "log of replica {} holds {} there: an acknowledged append was lost or moved",
            event.process, invoke->values[i], offset, event.time_us, log.replica,
            offset < log.entries.size() ? fmt::format("{:x}", log.entries[offset])
                                        : std::string("nothing")));
      }
    }
  }
  std::map<std::uint64_t, std::size_t> at;
  for (std::size_t offset = 0; offset < log.entries.size(); offset++) {
    const std::uint64_t entry = log.entries[offset];
    if (const auto [first, fresh] = at.try_emplace(entry, offset); !fresh) {
      return Wrong(
          fmt::format("entry {:x} appears twice in the final log of replica {}, at "
                      "offsets {} and {}: a duplicate execution",
                      entry, log.replica, first->second, offset));
    }
    if (!invoked.contains(entry)) {
      return Wrong(
          fmt::format("entry {:x} at offset {} of replica {}'s final log was never "
                      "appended by any client",
                      entry, offset, log.replica));
    }
  }
  return std::nullopt;
}

}  // namespace vsrsim::sim
