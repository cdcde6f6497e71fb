#pragma once
// The JSON form of one run's result (the `--json` contract in DESIGN.md), and its parse back (a
// sweep's workers send their results to the parent in this form).

#include <nlohmann/json.hpp>

#include "sim/runner.h"

namespace vsrsim::reports {

nlohmann::ordered_json RunJson(const sim::RunResult& result);
// The form a sweep's worker sends its parent (reports/cli/worker.h): only what ParseRunJson reads,
// with the coverage counters as an array in Coverage::Fields() order (both ends are one binary).
// The parent has the options already, so they are not sent: the parent's parse of every seed's
// result was a tenth of a two-job sweep's CPU, and the options were half of each line.
nlohmann::ordered_json PoolRunJson(const sim::RunResult& result);
// Reads what RunJson or PoolRunJson wrote. Options are not parsed back: the caller has them.
sim::RunResult ParseRunJson(const nlohmann::json& json, const sim::RunOptions& options);
// Coverage counters as RunJson (an object by name) or PoolRunJson (an array) wrote them.
sim::Coverage ParseCoverage(const nlohmann::json& json);
std::string MutantNames(core::MutantSet mutants);

}  // namespace vsrsim::reports
