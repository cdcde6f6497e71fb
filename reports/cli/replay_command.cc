// `vsrsim replay FILE...`: re-runs seed files and checks their outcome and fingerprint.

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "reports/atomic_file.h"
#include "reports/cli/commands.h"
#include "reports/cli/isolate.h"
#include "reports/seed_file.h"

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

}  // namespace vsrsim::reports
