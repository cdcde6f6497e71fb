#include "reports/cli/scenario_play.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>

#include "reports/cli/commands.h"
#include "reports/cli/isolate.h"

namespace vsrsim::reports {

sim::RunResult DumpToFile(const sim::RunOptions& options, const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "w");
  if (file == nullptr) std::exit(kExitIo);
  sim::RunResult result;
  faults::DumpScenario(options, &result, [file](const std::string& line) {
    std::fputs((line + "\n").c_str(), file);
    std::fflush(file);
  });
  std::fclose(file);
  return result;
}

std::optional<faults::Scenario> ReadDump(const sim::RunOptions& options, const std::string& path,
                                         std::string& error) {
  std::string lines;
  if (error = ReadFile(path, lines); !error.empty()) return std::nullopt;
  // The options, then the core and fault lines the child wrote as the run decided them.
  std::string text;
  for (const auto& [name, value] : sim::DescribeOptions(faults::ScriptedOptions(options))) {
    text += fmt::format("{} = {}\n", name, value);
  }
  return faults::ParseScenario("(dump)", text + lines, error);
}

std::optional<faults::Scenario> LoadScenarioFile(const std::string& path, core::MutantSet mutants,
                                                 int& exit_code) {
  std::string text;
  if (const std::string error = ReadFile(path, text); !error.empty()) {
    fmt::print(stderr, "vsrsim: {}\n", error);
    exit_code = kExitIo;
    return std::nullopt;
  }
  std::string error;
  std::optional<faults::Scenario> scenario = faults::ParseScenario(path, text, error);
  if (!scenario) {
    fmt::print(stderr, "vsrsim: {}\n", error);
    exit_code = kExitBadData;
    return std::nullopt;
  }
  for (const core::MutantInfo& info : core::kMutants) {
    if (mutants.Has(info.mutant)) scenario->options.mutants.Add(info.mutant);
  }
  return scenario;
}

std::optional<faults::Scenario> DumpInChild(const sim::RunOptions& options, std::string& error) {
  char path[] = "/tmp/vsrsim-dump-XXXXXX";
  const int fd = ::mkstemp(path);
  if (fd < 0) {
    error = "cannot create a temporary file for the dump";
    return std::nullopt;
  }
  ::close(fd);
  RunIsolated(
      options, [&]() { return DumpToFile(options, path); }, 60'000);
  auto scenario = ReadDump(options, path, error);
  std::remove(path);
  return scenario;
}

std::optional<faults::Verdict> EvaluateIsolated(const faults::Scenario& candidate,
                                                std::uint64_t timeout_ms) {
  const IsolatedRun run = RunIsolated(
      candidate.options, [&] { return faults::PlayScenario(candidate); }, timeout_ms);
  if (run.result.outcome == sim::Outcome::kTimeout) return std::nullopt;
  return faults::Verdict{run.result.outcome, run.result.checker};
}

std::string DescribeVerdict(const std::optional<faults::Verdict>& verdict) {
  if (!verdict) return "unknown (it ran out of time)";
  return fmt::format("{} ({})", sim::OutcomeName(verdict->outcome), verdict->checker);
}

int ReplayWritten(const std::string& name, const std::string& text, const faults::Verdict& target) {
  std::string error;
  const auto written = faults::ParseScenario(name, text, error);
  if (!written) {
    fmt::print(stderr, "vsrsim: the written scenario does not parse back: {}\n", error);
    return kExitBadData;
  }
  const auto verdict = EvaluateIsolated(*written, kCandidateTimeoutMs);
  if (verdict != target) {
    fmt::print(stderr, "vsrsim: {} replays to {}, not to the target {}; do not trust it\n", name,
               DescribeVerdict(verdict), DescribeVerdict(target));
    return sim::ExitCodeOf(sim::Outcome::kNondeterministic);
  }
  fmt::print("verified: {} replays to {}\n", name, DescribeVerdict(verdict));
  return 0;
}

}  // namespace vsrsim::reports
