#include "sim/final_read_checker.h"

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "sim/flat_hash_map.h"

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
  // A payload map, looked up only (never iterated), so a finding names the same entry in every
  // run: a long run has tens of thousands of entries, too many for trees or sorting at its end.
  // One table for both passes: entry -> kInvoked once a client invoked an append of it, then
  // (offset + kOffsetBase) once the final log showed it at offset.
  constexpr std::uint64_t kInvoked = 1;
  constexpr std::uint64_t kOffsetBase = 2;
  PayloadMap<std::uint64_t> entries;
  std::vector<const HistoryEvent*> open;  // process -> its open append
  for (const HistoryEvent& event : history.events) {
    if (event.f != HistoryFunction::kAppend) continue;
    if (event.process >= open.size()) open.resize(event.process + 1, nullptr);
    if (event.type == HistoryType::kInvoke) {
      for (std::uint8_t i = 0; i < event.count; i++) entries.try_emplace(event.values[i], kInvoked);
      open[event.process] = &event;
      continue;
    }
    const HistoryEvent* invoke = std::exchange(open[event.process], nullptr);
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
  for (std::size_t offset = 0; offset < log.entries.size(); offset++) {
    const std::uint64_t entry = log.entries[offset];
    std::uint64_t* state = entries.find(entry);
    if (state == nullptr) {
      return Wrong(
          fmt::format("entry {:x} at offset {} of replica {}'s final log was never "
                      "appended by any client",
                      entry, offset, log.replica));
    }
    if (*state != kInvoked) {
      return Wrong(
          fmt::format("entry {:x} appears twice in the final log of replica {}, at "
                      "offsets {} and {}: a duplicate execution",
                      entry, log.replica, *state - kOffsetBase, offset));
    }
    *state = offset + kOffsetBase;
  }
  return std::nullopt;
}

}  // namespace vsrsim::sim
