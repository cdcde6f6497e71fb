#pragma once
// A sweep's summary (DESIGN.md "Sweep summary.json"): counts per outcome, summed coverage, every
// failure with the command that reproduces it, and the fingerprint of fingerprints (XXH3 over the
// per-seed fingerprints in seed order), so two sweeps of one range compare in one line. `results`
// keeps each seed's outcome and fingerprint so shard summaries can be merged into the summary an
// unsharded sweep would have written.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sim/runner.h"

namespace vsrsim::reports {

struct SweepEntry {
  std::uint64_t seed = 0;
  sim::Outcome outcome = sim::Outcome::kPass;
  std::string checker;
  std::string message;
  std::uint64_t fingerprint = 0;
  std::string reproduce;
  sim::Coverage coverage;
  // The hash of the run's protocol coverage signature (sim/protocol_coverage.h); 0 when the run
  // left none (its worker died before it could report).
  std::uint64_t signature = 0;
  double wall_ms = 0;  // Informational; not part of any fingerprint.
};

struct SweepSummary {
  std::vector<SweepEntry> entries;  // In seed order.
  std::string mutants;              // Comma-separated names, empty for none.
  std::string shard = "0/1";        // I/N; a partial merge lists its shards, "0+2/4".
  std::string range;                // The sweep's seeds before sharding, "A..B".
  std::string profile = "full";
  std::string overrides;  // The override flags, "--replicas 3"; empty for none.
  std::vector<std::uint32_t>
      missing_shards;  // A partial merge's absent shards (merge --allow-partial).
  bool interrupted = false;
  // Every coverage bit some run reached (sim/protocol_coverage.h); a merge takes the union.
  sim::Signature reached;
};

std::uint64_t FingerprintOfFingerprints(const std::vector<SweepEntry>& entries);
// How many distinct coverage signatures the entries reached (runs without one not counted).
std::size_t DistinctSignatures(const std::vector<SweepEntry>& entries);
// The hash a sweep entry keeps of a run's signature (0 for an empty one).
std::uint64_t SignatureHash(const sim::Signature& signature);
// The exit code of the first failing seed in seed order, or 0.
int SweepExitCode(const std::vector<SweepEntry>& entries);
nlohmann::ordered_json SummaryJson(const SweepSummary& summary);
// Reads back what SummaryJson wrote (for merge). On bad input returns nullopt and sets `error` to
// the field at fault and what is wrong with it ("results[3].fingerprint: 'zzzz' is not 16 hex
// digits").
std::optional<SweepSummary> ParseSummaryJson(const nlohmann::json& json, std::string& error);

}  // namespace vsrsim::reports
