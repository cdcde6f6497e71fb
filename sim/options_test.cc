// The one table of option ranges: every numeric option has a row, the defaults lie inside it,
// values outside it (and values that would wrap a field) are refused with the value and the range
// named, and the relations between a minimum and its maximum hold.

#include "sim/options.h"

#include <gtest/gtest.h>

#include <string>

#include "core/replica.h"

namespace vsrsim::sim {
namespace {

// Ratios, booleans and the mutant set have their own syntax; everything else is a number.
bool IsNumeric(const std::string& name, const std::string& value) {
  return name != "mutants" && value != "true" && value != "false" &&
         value.find('/') == std::string::npos;
}

TEST(OptionsTest, EveryNumericOptionHasARangeAndNoRangeIsOrphaned) {
  std::size_t numeric = 0;
  for (const auto& [name, value] : DescribeOptions(RunOptions{})) {
    if (!IsNumeric(name, value)) continue;
    numeric++;
    EXPECT_TRUE(RangeOf(name).has_value()) << name << " has no range in OptionRanges()";
  }
  EXPECT_EQ(numeric, OptionRanges().size());
}

TEST(OptionsTest, DefaultsAreInRange) { EXPECT_FALSE(ValidateOptions(RunOptions{}).has_value()); }

TEST(OptionsTest, EveryBoundIsAcceptedAndOneBeyondIsRefusedNamingTheRange) {
  for (const OptionRange& range : OptionRanges()) {
    const std::string name(range.name);
    RunOptions options;
    EXPECT_EQ(SetOption(options, name, std::to_string(range.max)), "") << name;
    if (range.at_least.empty()) {
      EXPECT_EQ(SetOption(options, name, std::to_string(range.min)), "") << name;
    }
    if (range.max != UINT64_MAX) {
      const std::string error = SetOption(options, name, std::to_string(range.max + 1));
      EXPECT_NE(error.find(FormatRange(range)), std::string::npos) << name << ": " << error;
    }
    if (range.min > 0) {
      const std::string error = SetOption(options, name, std::to_string(range.min - 1));
      EXPECT_NE(error.find(FormatRange(range)), std::string::npos) << name << ": " << error;
    }
  }
}

TEST(OptionsTest, ValuesThatWouldWrapAFieldAreRefused) {
  RunOptions options;
  // replica_count is 8 bits: 259 once wrapped to 3.
  EXPECT_NE(SetOption(options, "replica_count", "259"), "");
  EXPECT_EQ(options.replica_count, RunOptions{}.replica_count);
  EXPECT_NE(SetOption(options, "client_count", "100000"), "");
  EXPECT_NE(SetOption(options, "network_delay_min_us", "18446744073709503230"), "");
  EXPECT_NE(SetOption(options, "seed", "18446744073709551616"), "");
  EXPECT_NE(SetOption(options, "tick_us", "-1"), "");
}

TEST(OptionsTest, AMaximumBelowItsMinimumIsNamed) {
  RunOptions options;
  options.view_change_timeout_ticks_min = 50;
  options.view_change_timeout_ticks_max = 40;
  const auto problem = ValidateOptions(options);
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(problem->name, "view_change_timeout_ticks_max");
  EXPECT_NE(problem->message.find("view_change_timeout_ticks_min = 50"), std::string::npos);
  options = RunOptions{};
  options.storage.sync_latency_min_us = 10;
  options.storage.sync_latency_max_us = 9;
  ASSERT_TRUE(ValidateOptions(options).has_value());
  EXPECT_EQ(ValidateOptions(options)->name, "storage_sync_latency_max_us");
}

TEST(OptionsTest, ViewChangeTimeoutRangeClearsTheReplicasOwnPeriods) {
  // The replica asserts its view-change timeout exceeds its heartbeat and retry periods.
  const core::ReplicaOptions replica;
  EXPECT_GT(RangeOf("view_change_timeout_ticks_min")->min, replica.retry_ticks);
  EXPECT_GT(RangeOf("view_change_timeout_ticks_min")->min, replica.heartbeat_ticks);
}

}  // namespace
}  // namespace vsrsim::sim
