#include "reports/history_jsonl.h"

#include <gtest/gtest.h>

#include <string>

#include "faults/swarm.h"
#include "faults/swarm_nemesis.h"
#include "sim/runner.h"

namespace vsrsim::reports {
namespace {

sim::History HistoryOfSeed(std::uint64_t seed) {
  sim::RunOptions options = faults::DrawOptions(seed, faults::Profile::kFull);
  options.keep_history = true;
  faults::SwarmNemesis nemesis;
  return sim::Run(options, &nemesis).history;
}

TEST(HistoryJsonLinesTest, ASeedsHistoryRoundTripsThroughTheFile) {
  // What the writer writes, the parser reads back to the same history, final reads included.
  const sim::History history = HistoryOfSeed(1);
  ASSERT_FALSE(history.events.empty());
  ASSERT_FALSE(history.final_reads.empty());
  std::string error;
  const auto parsed = ParseHistoryJsonLines(HistoryJsonLines(history), error);
  ASSERT_TRUE(parsed.has_value()) << error;
  EXPECT_EQ(*parsed, history);
}

TEST(HistoryJsonLinesTest, LinesHaveTheContractsFieldsInItsOrder) {
  // The format of README "The history": type, f, process, time_us, value; final reads last.
  sim::History history;
  history.events.push_back({.type = sim::HistoryType::kInvoke,
                            .f = sim::HistoryFunction::kAppend,
                            .process = 2,
                            .time_us = 7,
                            .count = 2,
                            .values = {5, 6}});
  history.events.push_back({.type = sim::HistoryType::kOk,
                            .f = sim::HistoryFunction::kAppend,
                            .process = 2,
                            .time_us = 9,
                            .offset = 3,
                            .count = 2});
  history.events.push_back({.type = sim::HistoryType::kInvoke,
                            .f = sim::HistoryFunction::kRead,
                            .process = 1,
                            .time_us = 10,
                            .offset = 3,
                            .count = 4});
  history.events.push_back({.type = sim::HistoryType::kOk,
                            .f = sim::HistoryFunction::kRead,
                            .process = 1,
                            .time_us = 12,
                            .offset = 3,
                            .count = 2,
                            .values = {5, 6}});
  history.final_reads.push_back({.replica = 0, .entries = {1, 2, 3, 5, 6}});
  EXPECT_EQ(HistoryJsonLines(history),
            "{\"type\":\"invoke\",\"f\":\"append\",\"process\":2,\"time_us\":7,"
            "\"value\":{\"payload\":[5,6]}}\n"
            "{\"type\":\"ok\",\"f\":\"append\",\"process\":2,\"time_us\":9,"
            "\"value\":{\"offset\":3,\"count\":2}}\n"
            "{\"type\":\"invoke\",\"f\":\"read\",\"process\":1,\"time_us\":10,"
            "\"value\":{\"offset\":3,\"max\":4}}\n"
            "{\"type\":\"ok\",\"f\":\"read\",\"process\":1,\"time_us\":12,"
            "\"value\":{\"offset\":3,\"entries\":[5,6]}}\n"
            "{\"type\":\"final-read\",\"replica\":0,\"entries\":[1,2,3,5,6]}\n");
}

TEST(HistoryJsonLinesTest, AMalformedLineIsNamed) {
  // A line that is not a history object is an error naming its line.
  std::string error;
  EXPECT_FALSE(
      ParseHistoryJsonLines("{\"type\":\"final-read\",\"replica\":0,\"entries\":[]}\n{}\n", error)
          .has_value());
  EXPECT_NE(error.find("line 2"), std::string::npos) << error;
}

}  // namespace
}  // namespace vsrsim::reports
