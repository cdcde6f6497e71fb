#pragma once
// Tests only: reads a hand-kept scenario of seeds/ (the tests that play them define
// VSRSIM_SOURCE_DIR), failing the test when it does not parse.

#include <gtest/gtest.h>

#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include "faults/scenario.h"

namespace vsrsim::faults {

inline Scenario LoadCorpusScenario(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  std::string error;
  const std::optional<Scenario> scenario = ParseScenario(path, text.str(), error);
  EXPECT_TRUE(scenario.has_value()) << error;
  return scenario.value_or(Scenario{});
}

}  // namespace vsrsim::faults
