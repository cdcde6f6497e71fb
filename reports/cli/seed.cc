#include "reports/cli/seed.h"

#include <xxhash.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <string>

namespace vsrsim::reports {

namespace {

bool AllOf(std::string_view text, int (*predicate)(int)) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [predicate](char c) {
    return predicate(static_cast<unsigned char>(c)) != 0;
  });
}

std::optional<std::uint64_t> Parse(std::string_view text, int base) {
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value, base);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

std::optional<std::uint64_t> ParseSeed(std::string_view text) {
  if (text.size() > 2 && (text.substr(0, 2) == "0x" || text.substr(0, 2) == "0X")) {
    const std::string_view hex = text.substr(2);
    if (hex.size() > 16 || !AllOf(hex, isxdigit)) return std::nullopt;
    return Parse(hex, 16);
  }
  if (AllOf(text, isdigit) && text.size() <= 20) return Parse(text, 10);
  if (text.size() == 16 && AllOf(text, isxdigit)) return Parse(text, 16);
  if (text.size() == 40 && AllOf(text, isxdigit)) {
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](char c) { return static_cast<char>(std::tolower(c)); });
    return XXH3_64bits(lower.data(), lower.size());
  }
  return std::nullopt;
}

}  // namespace vsrsim::reports
