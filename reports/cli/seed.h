#pragma once
// Parsing a seed argument: decimal ("42"), 16 hex digits ("00000000deadbeef" with a letter, or with
// a 0x prefix), or a 40-hex git commit, hashed to 64 bits with XXH3 so "the commit under test" can
// be the seed of a nightly run. A string of 16 decimal digits is read as decimal.

#include <cstdint>
#include <optional>
#include <string_view>

namespace vsrsim::reports {

std::optional<std::uint64_t> ParseSeed(std::string_view text);

}  // namespace vsrsim::reports
