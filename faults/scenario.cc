#include "faults/scenario.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <sstream>

#include "faults/swarm_nemesis.h"

namespace vsrsim::faults {

sim::RunOptions ScriptedOptions(sim::RunOptions options) {
  // The schedule replaces the swarm nemesis; these rates only drive it.
  options.faults.partition = {0, 1};
  options.faults.crash = {0, 1};
  options.faults.disconnect = {0, 1};
  options.faults.clog = {0, 1};
  options.faults.replay = {0, 1};
  options.faults.replay_after_restart = {0, 1};
  return options;
}

std::string FormatCore(const std::vector<std::size_t>& core) {
  std::string text;
  for (const std::size_t r : core) text += fmt::format("{}{}", text.empty() ? "" : ",", r);
  return "core = " + text;
}

namespace {

std::string Trim(const std::string& text) {
  const auto begin = text.find_first_not_of(" \t\r");
  if (begin == std::string::npos) return "";
  return text.substr(begin, text.find_last_not_of(" \t\r") - begin + 1);
}

}  // namespace

void ScriptedNemesis::on_tick(sim::Cluster& cluster) {
  if (scenario_.fork && !forked_ && cluster.ticks() >= scenario_.fork->tick) {
    cluster.fork_streams(scenario_.fork->salt);
    forked_ = true;
  }
  applier_.on_tick(cluster);
  while (next_ < scenario_.events.size() && scenario_.events[next_].tick <= cluster.ticks()) {
    applier_.apply(cluster, scenario_.events[next_]);
    next_++;
  }
}

std::vector<std::size_t> ScriptedNemesis::heal(sim::Cluster& cluster) {
  std::vector<std::size_t> core;
  for (const std::size_t r : scenario_.core) {
    if (r < cluster.replica_count()) core.push_back(r);
  }
  if (core.empty()) {
    for (std::size_t r = 0; r < cluster.replica_count(); r++) core.push_back(r);
  }
  HealCore(cluster, applier_, core);
  return core;
}

sim::RunResult PlayScenario(const Scenario& scenario) {
  Scenario played = scenario;
  played.options = ScriptedOptions(scenario.options);
  ScriptedNemesis nemesis(played);
  return sim::Run(played.options, &nemesis);
}

Scenario DumpScenario(const sim::RunOptions& options, sim::RunResult* result,
                      const std::function<void(const std::string&)>& observer) {
  SwarmNemesis nemesis;
  nemesis.set_observer(observer);
  sim::RunResult run = sim::Run(options, &nemesis);
  Scenario scenario{
      .options = ScriptedOptions(options), .events = nemesis.events(), .core = nemesis.core()};
  if (result != nullptr) *result = std::move(run);
  return scenario;
}

std::string FormatScenario(const Scenario& scenario) {
  std::string text = "# vsrsim scenario: play with `vsrsim run --scenario FILE`\n";
  for (const auto& [name, value] : sim::DescribeOptions(scenario.options)) {
    text += fmt::format("{} = {}\n", name, value);
  }
  text += FormatCore(scenario.core) + "\n";
  if (scenario.fork)
    text += fmt::format("fork = {} {}\n", scenario.fork->tick, scenario.fork->salt);
  text += fmt::format("# {} fault events\n", scenario.events.size());
  for (const FaultEvent& event : scenario.events) text += FormatFaultEvent(event) + "\n";
  return text;
}

Scenario WithinCluster(Scenario scenario) {
  const std::size_t replicas = scenario.options.replica_count;
  const std::size_t clients = scenario.options.client_count;
  std::erase_if(scenario.events, [&](const FaultEvent& event) {
    return !CheckFaultEvent(event, replicas, clients).empty();
  });
  std::erase_if(scenario.core, [&](std::size_t r) { return r >= replicas; });
  return scenario;
}

namespace {

// Parses `core = 0,1,2` (indices checked against the cluster once every option is read).
std::string ParseCore(const std::string& value, std::vector<std::size_t>& core) {
  std::istringstream replicas(value);
  for (std::string r; std::getline(replicas, r, ',');) {
    const std::string trimmed = Trim(r);
    if (trimmed.empty() || trimmed.size() > 1 || trimmed[0] < '0' || trimmed[0] > '9') {
      return fmt::format("core: '{}' is not a replica index", trimmed);
    }
    const auto index = static_cast<std::size_t>(trimmed[0] - '0');
    if (std::find(core.begin(), core.end(), index) != core.end()) {
      return fmt::format("core: replica {} is listed twice", index);
    }
    core.push_back(index);
  }
  return "";
}

// Parses `fork = TICK SALT` (two whole numbers).
std::string ParseFork(const std::string& value, std::optional<ScenarioFork>& fork) {
  std::istringstream words(value);
  std::string tick;
  std::string salt;
  std::string extra;
  words >> tick >> salt >> extra;
  const auto number = [](const std::string& text, std::uint64_t& out) {
    const char* end = text.data() + text.size();
    const auto [at, status] = std::from_chars(text.data(), end, out);
    return !text.empty() && status == std::errc() && at == end;
  };
  ScenarioFork parsed;
  if (!extra.empty() || !number(tick, parsed.tick) || !number(salt, parsed.salt)) {
    return fmt::format("fork: '{}' is not `TICK SALT` (two whole numbers)", value);
  }
  fork = parsed;
  return "";
}

}  // namespace

std::optional<Scenario> ParseScenario(const std::string& path, const std::string& text,
                                      std::string& error) {
  Scenario scenario;
  std::map<std::string, int> key_lines;  // Each key's line, to refuse duplicates and to blame.
  std::vector<int> event_lines;
  std::istringstream lines(text);
  std::string line;
  const auto fail = [&](int number, const std::string& problem) {
    error = number > 0 ? fmt::format("{}:{}: {}", path, number, problem)
                       : fmt::format("{}: {}", path, problem);
    return std::nullopt;
  };
  for (int number = 1; std::getline(lines, line); number++) {
    const std::string content = Trim(line.substr(0, line.find('#')));
    if (content.empty()) continue;
    std::string problem;
    if (content.rfind("at ", 0) == 0) {
      if (auto event = ParseFaultEvent(content, problem)) {
        if (!scenario.events.empty() && event->tick < scenario.events.back().tick) {
          problem = "fault events must be in tick order";
        } else {
          scenario.events.push_back(*event);
          event_lines.push_back(number);
        }
      }
    } else if (const auto equals = content.find('='); equals == std::string::npos) {
      problem = "expected `name = value` or `at TICK ...`";
    } else {
      const std::string name = Trim(content.substr(0, equals));
      const std::string value = Trim(content.substr(equals + 1));
      if (const auto [it, inserted] = key_lines.emplace(name, number); !inserted) {
        problem = fmt::format("{} is set twice (also on line {}); keep one", name, it->second);
      } else if (name == "core") {
        problem = ParseCore(value, scenario.core);
      } else if (name == "fork") {
        problem = ParseFork(value, scenario.fork);
      } else {
        problem = sim::SetOption(scenario.options, name, value);
      }
    }
    if (!problem.empty()) return fail(number, problem);
  }
  if (key_lines.empty() && scenario.events.empty()) {
    return fail(0, "the scenario is empty (write one with `vsrsim run --seed S --dump-scenario`)");
  }
  if (!key_lines.contains("seed")) return fail(0, "no `seed = ...` line");
  if (const auto problem = sim::ValidateOptions(scenario.options)) {
    // Blame the later of the lines involved (a minimum's line can make its maximum wrong).
    int number = 0;
    const auto range = sim::RangeOf(problem->name);
    for (const std::string_view key : {std::string_view(problem->name), range->at_least}) {
      if (const auto it = key_lines.find(std::string(key)); it != key_lines.end()) {
        number = std::max(number, it->second);
      }
    }
    return fail(number, problem->message);
  }
  const std::size_t replicas = scenario.options.replica_count;
  for (const std::size_t r : scenario.core) {
    if (r >= replicas) {
      return fail(key_lines.at("core"),
                  fmt::format("core: replica {} is out of range 0..{}", r, replicas - 1));
    }
  }
  for (std::size_t i = 0; i < scenario.events.size(); i++) {
    if (const std::string problem =
            CheckFaultEvent(scenario.events[i], replicas, scenario.options.client_count);
        !problem.empty()) {
      return fail(event_lines[i],
                  fmt::format("{}: {} (the scenario has {} replicas and {} clients)",
                              FormatFaultEvent(scenario.events[i]), problem, replicas,
                              scenario.options.client_count));
    }
  }
  // A replay event needs the network to remember messages; a hand-written scenario may omit it.
  for (const FaultEvent& event : scenario.events) {
    if (event.kind == FaultKind::kReplay) scenario.options.network.replay_memory = true;
  }
  return scenario;
}

}  // namespace vsrsim::faults
