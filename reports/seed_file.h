#pragma once
// Seed files: the regression corpus format (DESIGN.md "Seed file"). Text, one `key = value` per
// line,
// `#` starts a comment. Keys: seed, mutants (comma-separated names or "none"), profile, replicas,
// clients, ticks (option overrides), expect (an outcome), fingerprint (16 hex), reason (free text).
// Unknown keys and malformed lines are errors that name the file and line.

#include <cstdint>
#include <optional>
#include <string>

#include "core/mutants.h"
#include "sim/checker.h"

namespace vsrsim::reports {

struct SeedFile {
  std::uint64_t seed = 0;
  core::MutantSet mutants;
  std::string profile = "full";
  std::optional<std::uint32_t> replicas;
  std::optional<std::uint32_t> clients;
  std::optional<std::uint64_t> ticks;
  sim::Outcome expect = sim::Outcome::kPass;
  std::optional<std::uint64_t> fingerprint;
  std::string reason;
};

std::string FormatSeedFile(const SeedFile& file);
// Parses `text` read from `path`. On error returns nullopt and sets `error` to one line naming
// path:line and what to do.
std::optional<SeedFile> ParseSeedFile(const std::string& path, const std::string& text,
                                      std::string& error);
std::optional<sim::Outcome> OutcomeByName(const std::string& name);

}  // namespace vsrsim::reports
