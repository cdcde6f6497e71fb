#include "reports/run_json.h"

#include <fmt/format.h>

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

nlohmann::ordered_json RunJson(const sim::RunResult& result) {
  nlohmann::ordered_json json;
  json["seed"] = result.options.seed;
  json["mutants"] = nlohmann::json::array();
  for (const core::MutantInfo& info : core::kMutants) {
    if (result.options.mutants.Has(info.mutant)) json["mutants"].push_back(info.name);
  }
  json["outcome"] = sim::OutcomeName(result.outcome);
  json["checker"] = result.checker;
  json["message"] = result.message;
  json["fingerprint"] = fmt::format("{:016x}", result.fingerprint);
  json["ticks"] = result.ticks;
  json["events"] = result.events;
  json["requests_committed"] = result.requests_committed;
  nlohmann::ordered_json options;
  for (const auto& [name, value] : sim::DescribeOptions(result.options)) options[name] = value;
  json["options"] = options;
  nlohmann::ordered_json coverage;
  for (const auto& [name, value] : result.coverage.Fields()) coverage[name] = value;
  json["coverage"] = coverage;
  return json;
}

sim::RunResult ParseRunJson(const nlohmann::json& json, const sim::RunOptions& options) {
  sim::RunResult result;
  result.options = options;
  const std::string outcome = json.at("outcome").get<std::string>();
  for (const sim::Outcome o : {sim::Outcome::kPass, sim::Outcome::kSafety, sim::Outcome::kLiveness,
                               sim::Outcome::kCrash, sim::Outcome::kTimeout}) {
    if (outcome == sim::OutcomeName(o)) result.outcome = o;
  }
  result.checker = json.at("checker").get<std::string>();
  result.message = json.at("message").get<std::string>();
  result.fingerprint = std::stoull(json.at("fingerprint").get<std::string>(), nullptr, 16);
  result.ticks = json.at("ticks").get<std::uint64_t>();
  result.events = json.at("events").get<std::uint64_t>();
  result.requests_committed = json.at("requests_committed").get<std::uint64_t>();
  const auto& coverage = json.at("coverage");
  sim::Coverage& c = result.coverage;
  c.view_changes = coverage.at("view_changes");
  c.crashes = coverage.at("crashes");
  c.restarts = coverage.at("restarts");
  c.partitions = coverage.at("partitions");
  c.client_disconnects = coverage.at("client_disconnects");
  c.evictions = coverage.at("evictions");
  c.cached_replies = coverage.at("cached_replies");
  c.stale_dropped = coverage.at("stale_dropped");
  c.state_transfers = coverage.at("state_transfers");
  c.messages_dropped = coverage.at("messages_dropped");
  c.messages_duplicated = coverage.at("messages_duplicated");
  c.client_sends_dropped = coverage.at("client_sends_dropped");
  c.writes_lost = coverage.at("writes_lost");
  c.repairs = coverage.at("repairs");
  c.retransmissions = coverage.at("retransmissions");
  return result;
}

}  // namespace vsrsim::reports
