#include "reports/run_json.h"

#include <fmt/format.h>

#include "reports/seed_file.h"

namespace vsrsim::reports {

std::string MutantNames(core::MutantSet mutants) {
  std::string names;
  for (const core::MutantInfo& info : core::kMutants) {
    if (!mutants.Has(info.mutant)) continue;
    if (!names.empty()) names += ",";
    names += info.name;
  }
  return names;
}

namespace {

// The full form (`--json`) or the pool's (only what ParseRunJson reads): one writer for both, so
// the fields they share are written one way.
nlohmann::ordered_json RunJsonOf(const sim::RunResult& result, bool full) {
  nlohmann::ordered_json json;
  if (full) {
    json["seed"] = result.options.seed;
    json["mutants"] = nlohmann::json::array();
    for (const core::MutantInfo& info : core::kMutants) {
      if (result.options.mutants.Has(info.mutant)) json["mutants"].push_back(info.name);
    }
  }
  json["outcome"] = sim::OutcomeName(result.outcome);
  json["checker"] = result.checker;
  json["message"] = result.message;
  json["fingerprint"] = fmt::format("{:016x}", result.fingerprint);
  json["ticks"] = result.ticks;
  json["events"] = result.events;
  json["requests_committed"] = result.requests_committed;
  nlohmann::ordered_json coverage =
      full ? nlohmann::ordered_json::object() : nlohmann::ordered_json::array();
  for (const auto& [name, value] : result.coverage.Fields()) {
    if (full) {
      coverage[name] = value;
    } else {
      coverage.push_back(value);
    }
  }
  if (full) {
    nlohmann::ordered_json options;
    for (const auto& [name, value] : sim::DescribeOptions(result.options)) options[name] = value;
    json["options"] = options;
  }
  json["coverage"] = coverage;
  // The protocol coverage signature (sim/protocol_coverage.h): its hash, how many bits, the bits.
  if (full) {
    json["signature"] = fmt::format("{:016x}", result.signature.hash());
    json["signature_bits"] = result.signature.count();
  }
  json["signature_bitmap"] = result.signature.hex();
  // The running trace digest every Trace::kCheckpointEvents records: two runs of one seed that
  // differ can be compared window by window.
  nlohmann::ordered_json checkpoints = nlohmann::json::array();
  for (const std::uint64_t checkpoint : result.checkpoints) {
    checkpoints.push_back(fmt::format("{:016x}", checkpoint));
  }
  json["checkpoints"] = checkpoints;
  // A failing run's final state table (sim/state_table.h), as text.
  if (!result.state.empty()) json["state"] = result.state;
  return json;
}

}  // namespace

nlohmann::ordered_json RunJson(const sim::RunResult& result) { return RunJsonOf(result, true); }

nlohmann::ordered_json PoolRunJson(const sim::RunResult& result) {
  return RunJsonOf(result, false);
}

sim::Coverage ParseCoverage(const nlohmann::json& json) {
  sim::Coverage c;
  if (json.is_array()) {
    const auto fields = c.Fields();
    if (json.size() != fields.size()) {
      throw nlohmann::json::other_error::create(
          501, fmt::format("{} coverage counters, expected {}", json.size(), fields.size()), &json);
    }
    for (std::size_t i = 0; i < fields.size(); i++) {
      *c.Field(fields[i].first) = json[i].get<std::uint64_t>();
    }
    return c;
  }
  for (const auto& [name, value] : c.Fields()) *c.Field(name) = json.at(name).get<std::uint64_t>();
  return c;
}

sim::RunResult ParseRunJson(const nlohmann::json& json, const sim::RunOptions& options) {
  sim::RunResult result;
  result.options = options;
  const std::string outcome = json.at("outcome").get<std::string>();
  result.outcome = OutcomeByName(outcome).value_or(sim::Outcome::kCrash);
  result.checker = json.at("checker").get<std::string>();
  result.message = json.at("message").get<std::string>();
  result.fingerprint = std::stoull(json.at("fingerprint").get<std::string>(), nullptr, 16);
  result.ticks = json.at("ticks").get<std::uint64_t>();
  result.events = json.at("events").get<std::uint64_t>();
  result.requests_committed = json.at("requests_committed").get<std::uint64_t>();
  result.coverage = ParseCoverage(json.at("coverage"));
  if (json.contains("signature_bitmap")) {
    (void)sim::Signature::Parse(json.at("signature_bitmap").get<std::string>(), result.signature);
  }
  for (const auto& checkpoint : json.at("checkpoints")) {
    result.checkpoints.push_back(std::stoull(checkpoint.get<std::string>(), nullptr, 16));
  }
  if (json.contains("state")) result.state = json.at("state").get<std::string>();
  return result;
}

}  // namespace vsrsim::reports
