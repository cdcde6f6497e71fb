#include "reports/summary.h"

#include <fmt/format.h>
#include <xxhash.h>

#include <algorithm>
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

std::size_t DistinctSignatures(const std::vector<SweepEntry>& entries) {
  std::vector<std::uint64_t> hashes;
  for (const SweepEntry& entry : entries) {
    if (entry.signature != 0) hashes.push_back(entry.signature);
  }
  std::sort(hashes.begin(), hashes.end());
  return static_cast<std::size_t>(std::unique(hashes.begin(), hashes.end()) - hashes.begin());
}

std::uint64_t SignatureHash(const sim::Signature& signature) {
  return signature.count() == 0 ? 0 : signature.hash();
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
    result["signature"] = fmt::format("{:016x}", entry.signature);
    results.push_back(result);
  }
  json["seeds"] = summary.entries.size();
  json["passed"] = passed;
  json["failed"] = summary.entries.size() - passed;
  json["outcomes"] = outcomes;
  nlohmann::ordered_json coverage_json;
  for (const auto& [name, value] : coverage) coverage_json[name] = value;
  json["coverage"] = coverage_json;
  json["signatures_distinct"] = DistinctSignatures(summary.entries);
  json["signature_bits"] = summary.reached.count();
  json["signature_union"] = summary.reached.hex();
  json["failures"] = failures;
  json["mutants"] = summary.mutants;
  json["shard"] = summary.shard;
  json["range"] = summary.range;
  json["profile"] = summary.profile;
  json["overrides"] = summary.overrides;
  json["missing_shards"] = summary.missing_shards;
  json["interrupted"] = summary.interrupted;
  json["fingerprint_of_fingerprints"] =
      fmt::format("{:016x}", FingerprintOfFingerprints(summary.entries));
  json["results"] = results;
  return json;
}

namespace {

// What is wrong with one field of a summary; thrown inside ParseSummaryJson only.
struct FieldError {
  std::string what;
};

const nlohmann::json& Field(const nlohmann::json& object, const std::string& path,
                            const char* key) {
  if (!object.is_object()) throw FieldError{fmt::format("{}: not an object", path)};
  const auto it = object.find(key);
  if (it == object.end()) {
    throw FieldError{fmt::format("{}{}{}: missing", path, path.empty() ? "" : ".", key)};
  }
  return *it;
}
std::string Path(const std::string& path, const char* key) {
  return path.empty() ? key : fmt::format("{}.{}", path, key);
}
std::string String(const nlohmann::json& object, const std::string& path, const char* key) {
  const nlohmann::json& value = Field(object, path, key);
  if (!value.is_string()) throw FieldError{fmt::format("{}: not a string", Path(path, key))};
  return value.get<std::string>();
}
std::uint64_t Unsigned(const nlohmann::json& object, const std::string& path, const char* key) {
  const nlohmann::json& value = Field(object, path, key);
  if (!value.is_number_unsigned()) {
    throw FieldError{fmt::format("{}: {} is not a whole number", Path(path, key), value.dump())};
  }
  return value.get<std::uint64_t>();
}
bool Bool(const nlohmann::json& object, const std::string& path, const char* key) {
  const nlohmann::json& value = Field(object, path, key);
  if (!value.is_boolean()) throw FieldError{fmt::format("{}: not true or false", Path(path, key))};
  return value.get<bool>();
}
std::uint64_t Hex16(const nlohmann::json& object, const std::string& path, const char* key) {
  const std::string text = String(object, path, key);
  if (text.size() != 16 || text.find_first_not_of("0123456789abcdef") != std::string::npos) {
    throw FieldError{fmt::format("{}: '{}' is not 16 hex digits", Path(path, key), text)};
  }
  return std::stoull(text, nullptr, 16);
}
const nlohmann::json& Array(const nlohmann::json& object, const std::string& path,
                            const char* key) {
  const nlohmann::json& value = Field(object, path, key);
  if (!value.is_array()) throw FieldError{fmt::format("{}: not an array", Path(path, key))};
  return value;
}

SweepSummary ParseFields(const nlohmann::json& json) {
  SweepSummary summary;
  summary.mutants = String(json, "", "mutants");
  summary.shard = String(json, "", "shard");
  summary.range = String(json, "", "range");
  summary.profile = String(json, "", "profile");
  summary.overrides = String(json, "", "overrides");
  const nlohmann::json& missing = Array(json, "", "missing_shards");
  for (std::size_t i = 0; i < missing.size(); i++) {
    if (!missing[i].is_number_unsigned() || missing[i].get<std::uint64_t>() > 1'000'000) {
      throw FieldError{fmt::format("missing_shards[{}]: not a shard index", i)};
    }
    summary.missing_shards.push_back(missing[i].get<std::uint32_t>());
  }
  summary.interrupted = Bool(json, "", "interrupted");
  const std::string reached = String(json, "", "signature_union");
  if (!sim::Signature::Parse(reached, summary.reached)) {
    throw FieldError{fmt::format("signature_union: not {} hex digits", sim::kSignatureWords * 16)};
  }
  std::map<std::uint64_t, std::size_t> failures;
  const nlohmann::json& failure_list = Array(json, "", "failures");
  for (std::size_t i = 0; i < failure_list.size(); i++) {
    failures[Unsigned(failure_list[i], fmt::format("failures[{}]", i), "seed")] = i;
  }
  const nlohmann::json& results = Array(json, "", "results");
  for (std::size_t i = 0; i < results.size(); i++) {
    const std::string path = fmt::format("results[{}]", i);
    const nlohmann::json& result = results[i];
    SweepEntry entry;
    entry.seed = Unsigned(result, path, "seed");
    const std::string outcome = String(result, path, "outcome");
    const auto parsed = OutcomeByName(outcome);
    if (!parsed) throw FieldError{fmt::format("{}.outcome: '{}' is not an outcome", path, outcome)};
    entry.outcome = *parsed;
    entry.fingerprint = Hex16(result, path, "fingerprint");
    const nlohmann::json& coverage = Field(result, path, "coverage");
    for (const auto& [name, value] : sim::Coverage{}.Fields()) {
      (void)Unsigned(coverage, path + ".coverage", name.c_str());
    }
    entry.coverage = ParseCoverage(coverage);
    entry.signature = Hex16(result, path, "signature");
    const auto it = failures.find(entry.seed);
    if ((it != failures.end()) != (entry.outcome != sim::Outcome::kPass)) {
      throw FieldError{fmt::format("{}: seed {} is {} but {} in failures", path, entry.seed,
                                   outcome, it == failures.end() ? "not" : "also")};
    }
    if (it != failures.end()) {
      const std::string failure_path = fmt::format("failures[{}]", it->second);
      const nlohmann::json& failure = failure_list[it->second];
      entry.checker = String(failure, failure_path, "checker");
      entry.message = String(failure, failure_path, "message");
      entry.reproduce = String(failure, failure_path, "reproduce");
    }
    summary.entries.push_back(entry);
  }
  return summary;
}

}  // namespace

std::optional<SweepSummary> ParseSummaryJson(const nlohmann::json& json, std::string& error) {
  try {
    return ParseFields(json);
  } catch (const FieldError& field) {
    error = field.what;
    return std::nullopt;
  }
}

}  // namespace vsrsim::reports
