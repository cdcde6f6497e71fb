#include "sim/final_read_checker.h"

#include <fmt/format.h>

#include <algorithm>
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
  // Sorted vectors, not trees or hashes: a long run has tens of thousands of entries, and a
  // finding names the same entry whatever the order of a hash.
  std::vector<std::uint64_t> invoked;
  std::vector<const HistoryEvent*> open;  // process -> its open append
  for (const HistoryEvent& event : history.events) {
    if (event.f != HistoryFunction::kAppend) continue;
    if (event.process >= open.size()) open.resize(event.process + 1, nullptr);
    if (event.type == HistoryType::kInvoke) {
      invoked.insert(invoked.end(), event.values.begin(), event.values.begin() + event.count);
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
  std::sort(invoked.begin(), invoked.end());
  // first_at[offset]: the first offset holding the same entry (itself unless a duplicate).
  std::vector<std::pair<std::uint64_t, std::size_t>> by_entry;
  by_entry.reserve(log.entries.size());
  for (std::size_t offset = 0; offset < log.entries.size(); offset++) {
    by_entry.emplace_back(log.entries[offset], offset);
  }
  std::sort(by_entry.begin(), by_entry.end());
  std::vector<std::size_t> first_at(log.entries.size());
  for (std::size_t k = 0; k < by_entry.size(); k++) {
    const bool repeat = k > 0 && by_entry[k].first == by_entry[k - 1].first;
    first_at[by_entry[k].second] = repeat ? first_at[by_entry[k - 1].second] : by_entry[k].second;
  }
  for (std::size_t offset = 0; offset < log.entries.size(); offset++) {
    const std::uint64_t entry = log.entries[offset];
    if (first_at[offset] != offset) {
      return Wrong(
          fmt::format("entry {:x} appears twice in the final log of replica {}, at "
                      "offsets {} and {}: a duplicate execution",
                      entry, log.replica, first_at[offset], offset));
    }
    if (!std::binary_search(invoked.begin(), invoked.end(), entry)) {
      return Wrong(
          fmt::format("entry {:x} at offset {} of replica {}'s final log was never "
                      "appended by any client",
                      entry, offset, log.replica));
    }
  }
  return std::nullopt;
}

}  // namespace vsrsim::sim
