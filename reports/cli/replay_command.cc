// `vsrsim replay FILE...` and `vsrsim merge --report OUT DIR...`.

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <set>

#include "reports/atomic_file.h"
#include "reports/cli/commands.h"
#include "reports/cli/isolate.h"
#include "reports/seed_file.h"
#include "reports/summary.h"

namespace vsrsim::reports {

std::string ReadFile(const std::string& path, std::string& text) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return fmt::format("cannot read {}: {}", path, std::strerror(errno));
  char buffer[65536];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof(buffer), file)) > 0;) {
    text.append(buffer, n);
  }
  std::fclose(file);
  return "";
}

int ReplayCommand(const std::vector<std::string>& paths) {
  // Parse every file first: a malformed one stops the replay before anything runs.
  std::vector<SeedFile> files;
  for (const std::string& path : paths) {
    std::string text;
    if (const std::string error = ReadFile(path, text); !error.empty()) {
      fmt::print(stderr, "vsrsim: {}\n", error);
      return kExitIo;
    }
    std::string error;
    const auto file = ParseSeedFile(path, text, error);
    if (!file) {
      fmt::print(stderr, "vsrsim: {} (fix the line; the format is in the README)\n", error);
      return kExitBadData;
    }
    files.push_back(*file);
  }
  int status = 0;
  for (std::size_t i = 0; i < files.size(); i++) {
    const SeedFile& file = files[i];
    Overrides overrides{
        .replicas = file.replicas,
        .clients = file.clients,
        .ticks = file.ticks,
        .profile = file.profile == "network" ? faults::Profile::kNetwork : faults::Profile::kFull};
    const sim::RunOptions options = ResolveOptions(file.seed, file.mutants, overrides);
    const IsolatedRun run = RunIsolated(
        options, [&] { return PlayRun(options); }, 60'000);
    const sim::RunResult& result = run.result;
    const bool outcome_ok = result.outcome == file.expect;
    const bool fingerprint_ok = !file.fingerprint || *file.fingerprint == result.fingerprint ||
                                result.outcome == sim::Outcome::kCrash;
    if (outcome_ok && fingerprint_ok) {
      fmt::print("OK   {}: {} fingerprint={:016x}\n", paths[i], sim::OutcomeName(result.outcome),
                 result.fingerprint);
      continue;
    }
    fmt::print("FAIL {}: expected {}{}, got {} fingerprint={:016x}{}{}\n  reproduce: {}\n",
               paths[i], sim::OutcomeName(file.expect),
               file.fingerprint ? fmt::format(" fingerprint={:016x}", *file.fingerprint) : "",
               sim::OutcomeName(result.outcome), result.fingerprint,
               result.message.empty() ? "" : ": ", result.message,
               ReproduceCommand(file.seed, file.mutants, overrides));
    if (status == 0) {
      status = !outcome_ok ? std::max(1, sim::ExitCodeOf(result.outcome))
                           : sim::ExitCodeOf(sim::Outcome::kNondeterministic);
    }
  }
  return status;
}

int MergeCommand(const std::string& out_dir, const std::vector<std::string>& dirs) {
  SweepSummary merged;
  merged.shard = "0/1";
  std::set<std::uint64_t> seen;
  for (std::size_t i = 0; i < dirs.size(); i++) {
    const std::string path = dirs[i] + "/summary.json";
    std::string text;
    if (const std::string error = ReadFile(path, text); !error.empty()) {
      fmt::print(stderr, "vsrsim: {}\n", error);
      return kExitIo;
    }
    SweepSummary shard;
    try {
      shard = ParseSummaryJson(nlohmann::json::parse(text));
    } catch (const nlohmann::json::exception& e) {
      fmt::print(stderr, "vsrsim: {}: not a sweep summary ({})\n", path, e.what());
      return kExitBadData;
    }
    if (i > 0 && shard.mutants != merged.mutants) {
      fmt::print(stderr, "vsrsim: {}: mutants '{}' differ from the other shards' '{}'\n", path,
                 shard.mutants, merged.mutants);
      return kExitBadData;
    }
    merged.mutants = shard.mutants;
    merged.interrupted = merged.interrupted || shard.interrupted;
    for (SweepEntry& entry : shard.entries) {
      if (!seen.insert(entry.seed).second) {
        fmt::print(stderr, "vsrsim: {}: seed {} is also in another shard\n", path, entry.seed);
        return kExitBadData;
      }
      merged.entries.push_back(std::move(entry));
    }
  }
  std::sort(merged.entries.begin(), merged.entries.end(),
            [](const SweepEntry& a, const SweepEntry& b) { return a.seed < b.seed; });
  if (const std::string error = WriteReports(out_dir, merged); !error.empty()) {
    fmt::print(stderr, "vsrsim: {}\n", error);
    return kExitIo;
  }
  fmt::print("MERGE shards={} seeds={} failed={} fingerprint_of_fingerprints={:016x}\n",
             dirs.size(), merged.entries.size(),
             std::count_if(merged.entries.begin(), merged.entries.end(),
                           [](const SweepEntry& e) { return e.outcome != sim::Outcome::kPass; }),
             FingerprintOfFingerprints(merged.entries));
  return SweepExitCode(merged.entries);
}

}  // namespace vsrsim::reports
