#include "reports/summary.h"

#include <fmt/format.h>
#include <xxhash.h>

#include <map>

#include "reports/run_json.h"
#include "reports/seed_file.h"

namespace vsrsim::reports {

std::uint64_t FingerprintOfFingerprints(const std::vector<SweepEntry>& entries) {
  std::vector<std::uint64_t> fingerprints;
  fingerprints.reserve(entries.size());
  for (const SweepEntry& entry : entries) fingerprints.push_back(entry.fingerprint);
  return XXH3_64bits(fingerprints.data(), fingerprints.size() * sizeof(std::uint64_t));
}

int SweepExitCode(const std::vector<SweepEntry>& entries) {
  for (const SweepEntry& entry : entries) {
    if (entry.outcome != sim::Outcome::kPass) return sim::ExitCodeOf(entry.outcome);
  }
  return 0;
}

nlohmann::ordered_json SummaryJson(const SweepSummary& summary) {
  nlohmann::ordered_json json;
  std::size_t passed = 0;
  nlohmann::ordered_json outcomes;
  for (const sim::Outcome o : sim::kOutcomes) {
    outcomes[sim::OutcomeName(o)] = 0;
  }
  std::vector<std::pair<std::string, std::uint64_t>> coverage = sim::Coverage{}.Fields();
  nlohmann::ordered_json failures = nlohmann::json::array();
  nlohmann::ordered_json results = nlohmann::json::array();
  for (const SweepEntry& entry : summary.entries) {
    outcomes[sim::OutcomeName(entry.outcome)] =
        outcomes[sim::OutcomeName(entry.outcome)].get<int>() + 1;
    if (entry.outcome == sim::Outcome::kPass) passed++;
    const auto fields = entry.coverage.Fields();
    for (std::size_t i = 0; i < fields.size(); i++) coverage[i].second += fields[i].second;
    if (entry.outcome != sim::Outcome::kPass) {
      failures.push_back({{"seed", entry.seed},
                          {"outcome", sim::OutcomeName(entry.outcome)},
                          {"checker", entry.checker},
                          {"message", entry.message},
                          {"fingerprint", fmt::format("{:016x}", entry.fingerprint)},
                          {"reproduce", entry.reproduce}});
    }
    nlohmann::ordered_json result = {{"seed", entry.seed},
                                     {"outcome", sim::OutcomeName(entry.outcome)},
                                     {"fingerprint", fmt::format("{:016x}", entry.fingerprint)}};
    nlohmann::ordered_json cov;
    for (const auto& [name, value] : fields) cov[name] = value;
    result["coverage"] = cov;
    results.push_back(result);
  }
  json["seeds"] = summary.entries.size();
  json["passed"] = passed;
  json["failed"] = summary.entries.size() - passed;
  json["outcomes"] = outcomes;
  nlohmann::ordered_json coverage_json;
  for (const auto& [name, value] : coverage) coverage_json[name] = value;
  json["coverage"] = coverage_json;
  json["failures"] = failures;
  json["mutants"] = summary.mutants;
  json["shard"] = summary.shard;
  json["interrupted"] = summary.interrupted;
  json["fingerprint_of_fingerprints"] =
      fmt::format("{:016x}", FingerprintOfFingerprints(summary.entries));
  json["results"] = results;
  return json;
}

SweepSummary ParseSummaryJson(const nlohmann::json& json) {
  SweepSummary summary;
  summary.mutants = json.at("mutants").get<std::string>();
  summary.shard = json.at("shard").get<std::string>();
  summary.interrupted = json.at("interrupted").get<bool>();
  std::map<std::uint64_t, const nlohmann::json*> failures;
  for (const auto& failure : json.at("failures"))
    failures[failure.at("seed").get<std::uint64_t>()] = &failure;
  for (const auto& result : json.at("results")) {
    SweepEntry entry;
    entry.seed = result.at("seed").get<std::uint64_t>();
    entry.outcome =
        OutcomeByName(result.at("outcome").get<std::string>()).value_or(sim::Outcome::kCrash);
    entry.fingerprint = std::stoull(result.at("fingerprint").get<std::string>(), nullptr, 16);
    entry.coverage = ParseCoverage(result.at("coverage"));
    if (const auto it = failures.find(entry.seed); it != failures.end()) {
      entry.checker = it->second->at("checker").get<std::string>();
      entry.message = it->second->at("message").get<std::string>();
      entry.reproduce = it->second->at("reproduce").get<std::string>();
    }
    summary.entries.push_back(entry);
  }
  return summary;
}

}  // namespace vsrsim::reports
