#pragma once
// A sweep's summary (DESIGN.md "Sweep summary.json"): counts per outcome, summed coverage, every
// failure with the command that reproduces it, and the fingerprint of fingerprints (XXH3 over the
// per-seed fingerprints in seed order), so two sweeps of one range compare in one line. `results`
// keeps each seed's outcome and fingerprint so shard summaries can be merged into the summary an
// unsharded sweep would have written.

#include <cstdint>
#include <nlohmann/json.hpp>
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
  double wall_ms = 0;  // Informational; not part of any fingerprint.
};

struct SweepSummary {
  std::vector<SweepEntry> entries;  // In seed order.
  std::string mutants;              // Comma-separated names, empty for none.
  std::string shard = "0/1";
  bool interrupted = false;
};

std::uint64_t FingerprintOfFingerprints(const std::vector<SweepEntry>& entries);
// The exit code of the first failing seed in seed order, or 0.
int SweepExitCode(const std::vector<SweepEntry>& entries);
nlohmann::ordered_json SummaryJson(const SweepSummary& summary);
// Reads back what SummaryJson wrote (for merge). Throws nlohmann::json::exception on bad input.
SweepSummary ParseSummaryJson(const nlohmann::json& json);

}  // namespace vsrsim::reports
