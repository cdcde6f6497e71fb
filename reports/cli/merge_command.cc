// `vsrsim merge --report OUT DIR... [--allow-partial]`: shard report folders merged into the
// report the unsharded sweep of the same range writes, byte for byte. Every input is checked
// before anything is written: each summary parses field by field; the shards are one sweep (same
// range, mutants, profile, overrides and shard count) and each shard comes once; the set is
// complete unless --allow-partial (then the summary names the missing shards); and OUT is none of
// the inputs.

#include <fmt/format.h>
#include <stdlib.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <set>

#include "reports/cli/commands.h"
#include "reports/cli/output_folder.h"
#include "reports/summary.h"

namespace vsrsim::reports {

namespace {

// Parses "I/N" or a partial merge's "I+J+.../N" into the shard indices and N.
bool ParseShards(const std::string& text, std::set<std::uint32_t>& indices, std::uint32_t& count) {
  const auto slash = text.find('/');
  if (slash == std::string::npos) return false;
  const auto number = [](const std::string& digits, std::uint32_t& value) {
    if (digits.empty() || digits.size() > 7 ||
        digits.find_first_not_of("0123456789") != std::string::npos) {
      return false;
    }
    value = static_cast<std::uint32_t>(std::stoul(digits));
    return true;
  };
  if (!number(text.substr(slash + 1), count) || count == 0) return false;
  std::size_t start = 0;
  while (start <= slash) {
    const std::size_t plus = std::min(text.find('+', start), slash);
    std::uint32_t index = 0;
    if (!number(text.substr(start, plus - start), index) || index >= count ||
        !indices.insert(index).second) {
      return false;
    }
    start = plus + 1;
  }
  return true;
}

std::string RealPath(const std::string& path) {
  char resolved[PATH_MAX];
  return ::realpath(path.c_str(), resolved) != nullptr ? std::string(resolved) : std::string();
}

// Reads and checks one shard's summary. Returns the exit code, 0 when `shard` is good.
int ReadShard(const std::string& dir, SweepSummary& shard, std::set<std::uint32_t>& indices,
              std::uint32_t& count) {
  const std::string path = dir + "/summary.json";
  std::string text;
  if (const std::string error = ReadFile(path, text); !error.empty()) {
    fmt::print(stderr, "vsrsim: {}\n", error);
    return kExitIo;
  }
  const nlohmann::json json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) {
    fmt::print(stderr, "vsrsim: {}: not JSON (is it a sweep's summary.json?)\n", path);
    return kExitBadData;
  }
  std::string error;
  auto parsed = ParseSummaryJson(json, error);
  if (!parsed) {
    fmt::print(stderr, "vsrsim: {}: {}\n", path, error);
    return kExitBadData;
  }
  shard = std::move(*parsed);
  if (!ParseShards(shard.shard, indices, count)) {
    fmt::print(stderr, "vsrsim: {}: shard: '{}' is not I/N\n", path, shard.shard);
    return kExitBadData;
  }
  return 0;
}

}  // namespace

int MergeCommand(const std::string& out_dir, const std::vector<std::string>& dirs,
                 bool allow_partial) {
  const std::string out_real = RealPath(out_dir);
  std::set<std::string> inputs;
  for (const std::string& dir : dirs) {
    const std::string real = RealPath(dir);
    if (!real.empty() && real == out_real) {
      fmt::print(stderr, "vsrsim: --report {} is also an input; write the merge to a new folder\n",
                 out_dir);
      return kExitUsage;
    }
    if (!real.empty() && !inputs.insert(real).second) {
      fmt::print(stderr, "vsrsim: merge: {} is given twice\n", dir);
      return kExitUsage;
    }
  }
  SweepSummary merged;
  std::set<std::uint32_t> covered;
  std::uint32_t count = 0;
  std::set<std::uint64_t> seen;
  for (std::size_t i = 0; i < dirs.size(); i++) {
    SweepSummary shard;
    std::set<std::uint32_t> indices;
    std::uint32_t shard_count = 0;
    if (const int status = ReadShard(dirs[i], shard, indices, shard_count); status != 0) {
      return status;
    }
    const std::string path = dirs[i] + "/summary.json";
    if (i == 0) {
      merged.mutants = shard.mutants;
      merged.range = shard.range;
      merged.profile = shard.profile;
      merged.overrides = shard.overrides;
      count = shard_count;
    }
    for (const auto& [field, mine, theirs] :
         {std::tuple{"range", &shard.range, &merged.range},
          std::tuple{"mutants", &shard.mutants, &merged.mutants},
          std::tuple{"profile", &shard.profile, &merged.profile},
          std::tuple{"overrides", &shard.overrides, &merged.overrides}}) {
      if (*mine != *theirs) {
        fmt::print(stderr, "vsrsim: {}: {} '{}' differs from {}'s '{}'; merge one sweep's shards\n",
                   path, field, *mine, dirs[0], *theirs);
        return kExitBadData;
      }
    }
    if (shard_count != count) {
      fmt::print(stderr, "vsrsim: {}: shard {} is not one of {}'s {} shards\n", path, shard.shard,
                 dirs[0], count);
      return kExitBadData;
    }
    for (const std::uint32_t index : indices) {
      if (!covered.insert(index).second) {
        fmt::print(stderr, "vsrsim: {}: shard {} of {} is also in another input\n", path, index,
                   count);
        return kExitBadData;
      }
    }
    merged.interrupted = merged.interrupted || shard.interrupted;
    merged.reached.merge(shard.reached);
    for (SweepEntry& entry : shard.entries) {
      if (!seen.insert(entry.seed).second) {
        fmt::print(stderr, "vsrsim: {}: seed {} is also in another shard\n", path, entry.seed);
        return kExitBadData;
      }
      merged.entries.push_back(std::move(entry));
    }
  }
  for (std::uint32_t index = 0; index < count; index++) {
    if (!covered.contains(index)) merged.missing_shards.push_back(index);
  }
  if (merged.missing_shards.empty()) {
    merged.shard = "0/1";
  } else {
    std::string present;
    for (const std::uint32_t index : covered) {
      present += fmt::format("{}{}", present.empty() ? "" : "+", index);
    }
    merged.shard = fmt::format("{}/{}", present, count);
    std::string missing;
    for (const std::uint32_t index : merged.missing_shards) {
      missing += fmt::format("{}{}", missing.empty() ? "" : ", ", index);
    }
    if (!allow_partial) {
      fmt::print(stderr,
                 "vsrsim: merge: shards {} of {} are missing, so this is not the whole sweep; add "
                 "them, or pass --allow-partial\n",
                 missing, count);
      return kExitBadData;
    }
    fmt::print(stderr, "vsrsim: merge: a partial merge, without shards {} of {}\n", missing, count);
  }
  std::sort(merged.entries.begin(), merged.entries.end(),
            [](const SweepEntry& a, const SweepEntry& b) { return a.seed < b.seed; });
  OutputFolder out;
  if (std::string error = out.Prepare(out_dir, "--report", FolderKind::kReport); !error.empty()) {
    fmt::print(stderr, "vsrsim: {}\n", error);
    return kExitIo;
  }
  if (const std::string error = WriteReports(out, merged); !error.empty()) {
    fmt::print(stderr, "vsrsim: {}\n", error);
    return kExitIo;
  }
  fmt::print("MERGE shards={} seeds={} failed={}{} fingerprint_of_fingerprints={:016x}\n",
             dirs.size(), merged.entries.size(),
             std::count_if(merged.entries.begin(), merged.entries.end(),
                           [](const SweepEntry& e) { return e.outcome != sim::Outcome::kPass; }),
             merged.missing_shards.empty() ? "" : " PARTIAL",
             FingerprintOfFingerprints(merged.entries));
  return SweepExitCode(merged.entries);
}

}  // namespace vsrsim::reports
