#include "reports/seed_file.h"

#include <fmt/format.h>

#include <charconv>
#include <map>
#include <sstream>

#include "reports/run_json.h"
#include "sim/options.h"

namespace vsrsim::reports {

namespace {

std::string Trim(const std::string& text) {
  const auto begin = text.find_first_not_of(" \t\r");
  if (begin == std::string::npos) return "";
  const auto end = text.find_last_not_of(" \t\r");
  return text.substr(begin, end - begin + 1);
}

template <typename T>
bool ParseNumber(const std::string& text, T& value, int base = 10) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value, base);
  return error == std::errc() && end == text.data() + text.size();
}

}  // namespace

std::optional<sim::Outcome> OutcomeByName(const std::string& name) {
  for (const sim::Outcome o : sim::kOutcomes) {
    if (name == sim::OutcomeName(o)) return o;
  }
  return std::nullopt;
}

std::string FormatSeedFile(const SeedFile& file) {
  std::string text = "# vsrsim seed file: replay with `vsrsim replay FILE`\n";
  text += fmt::format("seed = {}\n", file.seed);
  const std::string mutants = MutantNames(file.mutants);
  text += fmt::format("mutants = {}\n", mutants.empty() ? "none" : mutants);
  text += fmt::format("profile = {}\n", file.profile);
  if (file.replicas) text += fmt::format("replicas = {}\n", *file.replicas);
  if (file.clients) text += fmt::format("clients = {}\n", *file.clients);
  if (file.ticks) text += fmt::format("ticks = {}\n", *file.ticks);
  text += fmt::format("expect = {}\n", sim::OutcomeName(file.expect));
  if (file.fingerprint) text += fmt::format("fingerprint = {:016x}\n", *file.fingerprint);
  if (!file.reason.empty()) {
    std::string reason = file.reason;
    for (char& c : reason) {
      if (c == '\n') c = ' ';
    }
    text += fmt::format("reason = {}\n", reason);
  }
  return text;
}

std::optional<SeedFile> ParseSeedFile(const std::string& path, const std::string& text,
                                      std::string& error) {
  SeedFile file;
  bool has_seed = false;
  std::map<std::string, int> key_lines;  // Each key's line, to refuse duplicates.
  std::istringstream lines(text);
  std::string line;
  for (int number = 1; std::getline(lines, line); number++) {
    const auto fail = [&](const std::string& what) {
      error = fmt::format("{}:{}: {}", path, number, what);
      return std::nullopt;
    };
    const std::string content = Trim(line.substr(0, line.find('#')));
    if (content.empty()) continue;
    const auto equals = content.find('=');
    if (equals == std::string::npos) return fail("expected `key = value`");
    const std::string key = Trim(content.substr(0, equals));
    const std::string value = Trim(content.substr(equals + 1));
    if (const auto [it, inserted] = key_lines.emplace(key, number); !inserted) {
      return fail(fmt::format("{} is set twice (also on line {}); keep one", key, it->second));
    }
    if (key == "seed") {
      if (!ParseNumber(value, file.seed))
        return fail(fmt::format("seed '{}' is not a decimal number", value));
      has_seed = true;
    } else if (key == "mutants") {
      if (value == "none" || value.empty()) continue;
      std::istringstream names(value);
      std::string name;
      while (std::getline(names, name, ',')) {
        const auto mutant = core::MutantByName(Trim(name));
        if (!mutant)
          return fail(fmt::format("unknown mutant '{}' (see 'vsrsim mutants')", Trim(name)));
        file.mutants.Add(*mutant);
      }
    } else if (key == "profile") {
      if (value != "full" && value != "network") return fail("profile must be full or network");
      file.profile = value;
    } else if (key == "replicas" || key == "clients" || key == "ticks") {
      // The overrides share the run options' ranges (sim::OptionRanges) with the CLI's flags.
      const sim::OptionRange range = *sim::RangeOf(key == "replicas"  ? "replica_count"
                                                   : key == "clients" ? "client_count"
                                                                      : "ticks_max");
      std::uint64_t n = 0;
      if (!ParseNumber(value, n) || n < range.min || n > range.max) {
        return fail(fmt::format("{} = '{}' is out of range {} (the range of {})", key, value,
                                sim::FormatRange(range), range.name));
      }
      if (key == "ticks") {
        file.ticks = n;
      } else {
        (key == "replicas" ? file.replicas : file.clients) = static_cast<std::uint32_t>(n);
      }
    } else if (key == "expect") {
      const auto outcome = OutcomeByName(value);
      if (!outcome)
        return fail(fmt::format(
            "expect '{}' is not an outcome (pass, safety, liveness, crash, timeout)", value));
      file.expect = *outcome;
    } else if (key == "fingerprint") {
      std::uint64_t fingerprint = 0;
      if (value.size() != 16 || !ParseNumber(value, fingerprint, 16))
        return fail("fingerprint must be 16 hex digits");
      file.fingerprint = fingerprint;
    } else if (key == "reason") {
      file.reason = value;
    } else {
      return fail(
          fmt::format("unknown key '{}' (known: seed, mutants, profile, replicas, clients, ticks, "
                      "expect, fingerprint, reason)",
                      key));
    }
  }
  if (!has_seed) {
    error = fmt::format("{}: no `seed = ...` line", path);
    return std::nullopt;
  }
  return file;
}

}  // namespace vsrsim::reports
