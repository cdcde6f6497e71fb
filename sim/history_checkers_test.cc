// Tests of the outside-only checkers of the client history: each plants its violation in a history
// (a tampered one) and watches the checker fire; a faithful history passes.
#include <gtest/gtest.h>

#include <algorithm>
#include <initializer_list>
#include <string>

#include "faults/swarm.h"
#include "faults/swarm_nemesis.h"
#include "sim/final_read_checker.h"
#include "sim/history.h"
#include "sim/history_linearizability.h"
#include "sim/runner.h"

namespace vsrsim::sim {
namespace {

// Builds histories line by line; time is the line's position.
class Builder {
 public:
  Builder& append(std::uint32_t process, std::initializer_list<std::uint64_t> payload) {
    HistoryEvent event{.type = HistoryType::kInvoke,
                       .f = HistoryFunction::kAppend,
                       .process = process,
                       .time_us = time_++};
    event.count = static_cast<std::uint8_t>(payload.size());
    std::copy(payload.begin(), payload.end(), event.values.begin());
    history_.events.push_back(event);
    return *this;
  }
  Builder& appended(std::uint32_t process, std::uint64_t offset, std::uint8_t count) {
    history_.events.push_back({.type = HistoryType::kOk,
                               .f = HistoryFunction::kAppend,
                               .process = process,
                               .time_us = time_++,
                               .offset = offset,
                               .count = count});
    return *this;
  }
  Builder& info(std::uint32_t process, HistoryFunction f) {
    history_.events.push_back(
        {.type = HistoryType::kInfo, .f = f, .process = process, .time_us = time_++});
    return *this;
  }
  Builder& read(std::uint32_t process, std::uint64_t offset, std::uint8_t max) {
    history_.events.push_back({.type = HistoryType::kInvoke,
                               .f = HistoryFunction::kRead,
                               .process = process,
                               .time_us = time_++,
                               .offset = offset,
                               .count = max});
    return *this;
  }
  Builder& returned(std::uint32_t process, std::uint64_t offset,
                    std::initializer_list<std::uint64_t> entries) {
    HistoryEvent event{.type = HistoryType::kOk,
                       .f = HistoryFunction::kRead,
                       .process = process,
                       .time_us = time_++,
                       .offset = offset};
    event.count = static_cast<std::uint8_t>(entries.size());
    std::copy(entries.begin(), entries.end(), event.values.begin());
    history_.events.push_back(event);
    return *this;
  }
  Builder& final_read(std::uint32_t replica, std::vector<std::uint64_t> entries) {
    history_.final_reads.push_back({replica, std::move(entries)});
    return *this;
  }
  History build() const { return history_; }

 private:
  History history_;
  std::uint64_t time_ = 0;
};

std::string CheckerOf(const Finding& finding) { return finding ? finding->checker : "none"; }

History HistoryOfSeed(std::uint64_t seed) {
  RunOptions options = faults::DrawOptions(seed, faults::Profile::kFull);
  options.keep_history = true;
  faults::SwarmNemesis nemesis;
  return Run(options, &nemesis).history;
}

TEST(HistoryLinearizabilityTest, ConcurrentAppendsAndReadsLinearise) {
  // Two overlapping appends may take either order; a read sees what the order implies.
  const History history = Builder()
                              .append(0, {10})
                              .append(1, {20, 21})
                              .appended(1, 0, 2)
                              .appended(0, 2, 1)
                              .read(2, 1, 4)
                              .returned(2, 1, {21, 10})
                              .final_read(0, {20, 21, 10})
                              .build();
  EXPECT_EQ(CheckerOf(CheckLinearizable(history).finding), "none");
  EXPECT_EQ(CheckerOf(CheckFinalReads(history)), "none");
}

TEST(HistoryLinearizabilityTest, AnOrderInversionFires) {
  // An append acknowledged before another was invoked cannot sit after it in the log.
  const History history =
      Builder().append(0, {10}).appended(0, 1, 1).append(1, {20}).appended(1, 0, 1).build();
  EXPECT_EQ(CheckerOf(CheckLinearizable(history).finding), "history-linearizability");
}

TEST(HistoryLinearizabilityTest, AReadMissingAnAcknowledgedAppendFires) {
  // A read invoked after an append was acknowledged must see it.
  const History history =
      Builder().append(0, {10}).appended(0, 0, 1).read(1, 0, 4).returned(1, 0, {}).build();
  EXPECT_EQ(CheckerOf(CheckLinearizable(history).finding), "history-linearizability");
}

TEST(HistoryLinearizabilityTest, AnInfoAppendMayTakeEffectOrNot) {
  // An abandoned append may show up in a later read or in the final log, or never.
  Builder base;
  base.append(0, {10}).info(0, HistoryFunction::kAppend).append(1, {20}).appended(1, 0, 1);
  Builder seen = base;
  seen.read(2, 0, 4).returned(2, 0, {20, 10}).final_read(0, {20, 10});
  Builder unseen = base;
  unseen.read(2, 0, 4).returned(2, 0, {20}).final_read(0, {20});
  EXPECT_EQ(CheckerOf(CheckLinearizable(seen.build()).finding), "none");
  EXPECT_EQ(CheckerOf(CheckLinearizable(unseen.build()).finding), "none");
  // But not before its invocation.
  const History early = Builder()
                            .append(1, {20})
                            .appended(1, 1, 1)
                            .append(0, {10})
                            .info(0, HistoryFunction::kAppend)
                            .build();
  EXPECT_EQ(CheckerOf(CheckLinearizable(early).finding), "history-linearizability");
}

TEST(HistoryLinearizabilityTest, ALostAppendFailsTheFinalReadAsALinearizableRead) {
  // The final read is a read of the whole log after everything: a lost append fails it.
  const History history = Builder()
                              .append(0, {10})
                              .appended(0, 0, 1)
                              .append(0, {11})
                              .appended(0, 1, 1)
                              .final_read(0, {10})
                              .build();
  EXPECT_EQ(CheckerOf(CheckLinearizable(history).finding), "history-linearizability");
}

TEST(HistoryLinearizabilityTest, ExceedingTheBudgetIsUnknownNeverAPass) {
  // A search cut off by its budget reports the outcome unknown.
  const History history = HistoryOfSeed(1);
  const LinearizabilitySearch full = CheckLinearizable(history);
  ASSERT_EQ(CheckerOf(full.finding), "none");
  ASSERT_GT(full.steps, 2U);
  const LinearizabilitySearch cut = CheckLinearizable(history, 2);
  ASSERT_TRUE(cut.finding.has_value());
  EXPECT_EQ(cut.finding->outcome, Outcome::kUnknown);
}

TEST(FinalReadTest, ARealRunsHistoryPassesAndTamperedFinalReadsFire) {
  // Seed 1's exported history passes; a lost acknowledged append, a duplicate, an entry nobody
  // appended and a disagreeing replica each fire.
  const History history = HistoryOfSeed(1);
  ASSERT_GE(history.final_reads.size(), 2U);
  ASSERT_GE(history.final_reads[0].entries.size(), 2U);
  EXPECT_EQ(CheckerOf(CheckFinalReads(history)), "none");
  const auto tampered = [&](auto change) {
    History copy = history;
    for (FinalRead& read : copy.final_reads) change(read.entries);
    return CheckerOf(CheckFinalReads(copy));
  };
  EXPECT_EQ(tampered([](std::vector<std::uint64_t>& log) { log.erase(log.begin()); }),
            "final-read");
  EXPECT_EQ(tampered([](std::vector<std::uint64_t>& log) { log.push_back(log.front()); }),
            "final-read");
  EXPECT_EQ(tampered([](std::vector<std::uint64_t>& log) { log.push_back(1); }), "final-read");
  History disagree = history;
  disagree.final_reads[1].entries.pop_back();
  EXPECT_EQ(CheckerOf(CheckFinalReads(disagree)), "final-read");
}

}  // namespace
}  // namespace vsrsim::sim
