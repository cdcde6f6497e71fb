// Reading a sweep's summary.json back (what merge does) is defensive: what SummaryJson writes
// parses back to the same summary, and a damaged field is named, never thrown as an exception.

#include "reports/summary.h"

#include <gtest/gtest.h>

#include <string>

namespace vsrsim::reports {
namespace {

SweepSummary TwoSeeds() {
  SweepSummary summary;
  summary.range = "1..2";
  summary.shard = "1/4";
  SweepEntry pass;
  pass.seed = 1;
  pass.fingerprint = 0x1234;
  SweepEntry fail;
  fail.seed = 2;
  fail.outcome = sim::Outcome::kSafety;
  fail.checker = "at-most-once";
  fail.message = "twice";
  fail.fingerprint = 0xabcd;
  fail.reproduce = "vsrsim run --seed 2";
  summary.entries = {pass, fail};
  return summary;
}

std::string ErrorOf(const nlohmann::json& json) {
  std::string error;
  EXPECT_FALSE(ParseSummaryJson(json, error).has_value());
  return error;
}

TEST(SummaryTest, WhatIsWrittenParsesBackToTheSameJson) {
  const std::string written = SummaryJson(TwoSeeds()).dump();
  std::string error;
  const auto parsed = ParseSummaryJson(nlohmann::json::parse(written), error);
  ASSERT_TRUE(parsed.has_value()) << error;
  EXPECT_EQ(SummaryJson(*parsed).dump(), written);
}

TEST(SummaryTest, ADamagedFieldIsNamed) {
  nlohmann::json json = SummaryJson(TwoSeeds());
  json["results"][1]["fingerprint"] = "zzzz";
  EXPECT_EQ(ErrorOf(json), "results[1].fingerprint: 'zzzz' is not 16 hex digits");
  json = SummaryJson(TwoSeeds());
  json["results"][0].erase("seed");
  EXPECT_EQ(ErrorOf(json), "results[0].seed: missing");
  json = SummaryJson(TwoSeeds());
  json["results"][0]["seed"] = -3;
  EXPECT_EQ(ErrorOf(json), "results[0].seed: -3 is not a whole number");
  json = SummaryJson(TwoSeeds());
  json["results"][0]["coverage"]["crashes"] = "many";
  EXPECT_EQ(ErrorOf(json), "results[0].coverage.crashes: \"many\" is not a whole number");
  json = SummaryJson(TwoSeeds());
  json["failures"] = nlohmann::json::array();
  EXPECT_NE(ErrorOf(json).find("results[1]: seed 2 is safety but not in failures"),
            std::string::npos);
  EXPECT_EQ(ErrorOf(nlohmann::json::array()), ": not an object");
}

}  // namespace
}  // namespace vsrsim::reports
