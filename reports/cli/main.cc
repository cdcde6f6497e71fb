// vsrsim: the command line. Parses arguments with CLI11 and hands each subcommand to its function
// in commands.h. A usage error prints one line naming the flag and exits 64.

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "reports/cli/commands.h"
#include "reports/cli/seed.h"

namespace {

using vsrsim::reports::kExitUsage;

// Converts --mutant names, or throws CLI11's validation error naming the bad one.
vsrsim::core::MutantSet ParseMutants(const std::vector<std::string>& names) {
  vsrsim::core::MutantSet set;
  for (const std::string& name : names) {
    const auto mutant = vsrsim::core::MutantByName(name);
    if (!mutant) {
      throw CLI::ValidationError("--mutant",
                                 fmt::format("unknown mutant '{}' (see 'vsrsim mutants')", name));
    }
    set.Add(*mutant);
  }
  return set;
}

std::uint64_t SeedOrThrow(const std::string& text, const std::string& flag) {
  const auto seed = vsrsim::reports::ParseSeed(text);
  if (!seed) {
    throw CLI::ValidationError(flag,
                               fmt::format("'{}' is not a seed: give a decimal number, 16 hex "
                                           "digits, or a 40-hex commit",
                                           text));
  }
  return *seed;
}

void AddOverrides(CLI::App& command, vsrsim::reports::Overrides& overrides, std::string& profile) {
  command.add_option("--replicas", overrides.replicas, "Override the drawn replica count (1-6)")
      ->check(CLI::Range(1, 6));
  command.add_option("--clients", overrides.clients, "Override the drawn client count (1-200)")
      ->check(CLI::Range(1, 200));
  command.add_option("--ticks", overrides.ticks, "Override the safety phase's tick budget")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{10'000'000}));
  command.add_option("--profile", profile, "Fault profile: full (default) or network")
      ->check(CLI::IsMember({"full", "network"}));
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"vsrsim: deterministic simulation testing of a VSR core and its clients table"};
  app.require_subcommand(1);

  vsrsim::reports::RunArguments run;
  std::string run_seed;
  std::vector<std::string> run_mutants;
  std::string run_profile = "full";
  CLI::App* run_command = app.add_subcommand("run", "Play one seed and check it");
  run_command->add_option("--seed", run_seed, "Seed: decimal, 16 hex digits, or a 40-hex commit")
      ->required();
  run_command->add_option("--mutant", run_mutants, "Put a reviewed defect back (repeatable)");
  run_command->add_flag("--json", run.json, "Print the result as one JSON object");
  run_command->add_option("--trace", run.trace_path, "Write a readable text trace to FILE");
  AddOverrides(*run_command, run.overrides, run_profile);

  app.add_subcommand("mutants",
                     "List the mutants, their findings and the checker that catches them");

  try {
    app.parse(argc, argv);
    if (run_command->parsed()) {
      run.seed = SeedOrThrow(run_seed, "--seed");
      run.mutants = ParseMutants(run_mutants);
      if (run_profile == "network") run.overrides.profile = vsrsim::faults::Profile::kNetwork;
    }
  } catch (const CLI::CallForHelp&) {
    fmt::print("{}", app.help());
    return 0;
  } catch (const CLI::CallForAllHelp&) {
    fmt::print("{}", app.help("", CLI::AppFormatMode::All));
    return 0;
  } catch (const CLI::ParseError& error) {
    // One line: what was wrong, and what to do.
    std::string what = error.what();
    for (char& c : what) {
      if (c == '\n') c = ' ';
    }
    fmt::print(stderr, "vsrsim: {} (see 'vsrsim --help')\n", what);
    return kExitUsage;
  }
  if (run_command->parsed()) return vsrsim::reports::RunCommand(run);
  return vsrsim::reports::MutantsCommand();
}
