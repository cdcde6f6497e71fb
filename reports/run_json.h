#pragma once
// The JSON form of one run's result (the `--json` contract in DESIGN.md), and its parse back (a
// sweep's workers send their results to the parent in this form).

#include <nlohmann/json.hpp>

#include "sim/runner.h"

namespace vsrsim::reports {

nlohmann::ordered_json RunJson(const sim::RunResult& result);
// Reads what RunJson wrote. Options are not parsed back: the caller has them.
sim::RunResult ParseRunJson(const nlohmann::json& json, const sim::RunOptions& options);
sim::Coverage ParseCoverage(const nlohmann::json& json);
std::string MutantNames(core::MutantSet mutants);

}  // namespace vsrsim::reports
