#include "sim/options.h"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <limits>
#include <map>
#include <type_traits>

#include "core/assert.h"
#include "core/types.h"

namespace vsrsim::sim {

namespace {

constexpr std::uint64_t kU64Max = std::numeric_limits<std::uint64_t>::max();

// Every numeric option's range (see OptionRange in the header for why these bounds). The README's
// table of ranges is this table; options_test.cc checks that every numeric option has a row.
constexpr std::array kRanges = {
    OptionRange{"seed", 0, kU64Max},
    OptionRange{"replica_count", 1, core::kReplicasMax},
    OptionRange{"client_count", 1, 200},
    OptionRange{"clients_max", 1, 1024},
    OptionRange{"requests_per_client", 1, 100'000},
    OptionRange{"tick_us", 1, 1'000'000},
    OptionRange{"ticks_max", 1, 10'000'000},
    OptionRange{"liveness_ticks_max", 1, 10'000'000},
    // Above the replica's heartbeat and retransmission periods (core::ReplicaOptions), which the
    // replica asserts; options_test.cc ties the two.
    OptionRange{"view_change_timeout_ticks_min", 5, 10'000},
    OptionRange{"view_change_timeout_ticks_max", 5, 10'000, "view_change_timeout_ticks_min"},
    OptionRange{"client_retry_ticks_min", 1, 10'000},
    OptionRange{"client_retry_ticks_max", 1, 10'000, "client_retry_ticks_min"},
    OptionRange{"checkpoint_ops", 1, 1'000'000},
    // At least checkpoint_ops + core::kPipelineMax (ValidateOptions checks the sum).
    OptionRange{"journal_slots", core::kPipelineMax + 1, 2'000'000},
    OptionRange{"network_delay_min_us", 0, 10'000'000},
    OptionRange{"network_delay_jitter_us", 0, 10'000'000},
    OptionRange{"network_delay_tail_max_us", 0, 60'000'000},
    OptionRange{"network_link_capacity", 1, 100'000},
    OptionRange{"storage_sync_latency_min_us", 0, 10'000'000},
    OptionRange{"storage_sync_latency_max_us", 0, 10'000'000, "storage_sync_latency_min_us"},
    OptionRange{"fault_partition_ticks_max", 1, 1'000'000},
    OptionRange{"fault_down_ticks_max", 1, 1'000'000},
    OptionRange{"fault_disconnect_ticks_max", 1, 1'000'000},
    OptionRange{"fault_clog_ticks_max", 1, 1'000'000},
    OptionRange{"fault_drift_ppm_max", 0, 100'000},
};

// Calls visit(name, field) for every option, in one fixed order: the order runs print them in and
// the names scenario files use.
template <typename Options, typename Visit>
void ForEachOption(Options& o, Visit visit) {
  visit("seed", o.seed);
  visit("mutants", o.mutants);
  visit("replica_count", o.replica_count);
  visit("client_count", o.client_count);
  visit("clients_max", o.clients_max);
  visit("requests_per_client", o.requests_per_client);
  visit("reads", o.reads);
  visit("tick_us", o.tick_us);
  visit("ticks_max", o.ticks_max);
  visit("liveness_ticks_max", o.liveness_ticks_max);
  visit("view_change_timeout_ticks_min", o.view_change_timeout_ticks_min);
  visit("view_change_timeout_ticks_max", o.view_change_timeout_ticks_max);
  visit("client_retry_ticks_min", o.client_retry_ticks_min);
  visit("client_retry_ticks_max", o.client_retry_ticks_max);
  visit("checkpoint_ops", o.checkpoint_ops);
  visit("journal_slots", o.journal_slots);
  visit("network_delay_min_us", o.network.delay_min_us);
  visit("network_delay_jitter_us", o.network.delay_jitter_us);
  visit("network_delay_tail", o.network.delay_tail);
  visit("network_delay_tail_max_us", o.network.delay_tail_max_us);
  visit("network_loss", o.network.loss);
  visit("network_duplicate", o.network.duplicate);
  visit("network_reorder", o.network.reorder);
  visit("network_link_capacity", o.network.link_capacity);
  visit("network_replay_memory", o.network.replay_memory);
  visit("storage_sync_latency_min_us", o.storage.sync_latency_min_us);
  visit("storage_sync_latency_max_us", o.storage.sync_latency_max_us);
  visit("fault_partition", o.faults.partition);
  visit("fault_partition_ticks_max", o.faults.partition_ticks_max);
  visit("fault_crash", o.faults.crash);
  visit("fault_down_ticks_max", o.faults.down_ticks_max);
  visit("fault_torn_write", o.faults.torn_write);
  visit("fault_disconnect", o.faults.disconnect);
  visit("fault_disconnect_ticks_max", o.faults.disconnect_ticks_max);
  visit("fault_disconnect_after_retransmit", o.faults.disconnect_after_retransmit);
  visit("fault_clog", o.faults.clog);
  visit("fault_clog_ticks_max", o.faults.clog_ticks_max);
  visit("fault_drift_ppm_max", o.faults.drift_ppm_max);
  visit("fault_replay", o.faults.replay);
  visit("fault_replay_after_restart", o.faults.replay_after_restart);
  visit("fault_crash_sync_window", o.faults.crash_sync_window);
  visit("fault_storage", o.faults.storage);
}

std::string Text(const core::MutantSet& mutants) {
  std::string text;
  for (const core::MutantInfo& info : core::kMutants) {
    if (!mutants.Has(info.mutant)) continue;
    if (!text.empty()) text += ",";
    text += info.name;
  }
  return text.empty() ? "none" : text;
}
std::string Text(const Ratio& ratio) {
  return fmt::format("{}/{}", ratio.numerator, ratio.denominator);
}
std::string Text(bool value) { return value ? "true" : "false"; }
template <typename T>
std::string Text(const T& value) {
  return fmt::format("{}", value);
}

template <typename T>
bool ParseUnsigned(std::string_view text, T& value) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end == text.data() + text.size();
}

// Parses `text` into `field`; returns what is wrong, or "".
std::string Parse(const std::string& text, core::MutantSet& mutants) {
  mutants = core::MutantSet{};
  if (text == "none") return "";
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    const auto mutant = core::MutantByName(text.substr(start, comma - start));
    if (!mutant) return fmt::format("unknown mutant '{}'", text.substr(start, comma - start));
    mutants.Add(*mutant);
    start = comma + 1;
  }
  return "";
}
std::string Parse(const std::string& text, Ratio& ratio) {
  const auto slash = text.find('/');
  if (slash == std::string::npos ||
      !ParseUnsigned(std::string_view(text).substr(0, slash), ratio.numerator) ||
      !ParseUnsigned(std::string_view(text).substr(slash + 1), ratio.denominator) ||
      ratio.denominator == 0 || ratio.numerator > ratio.denominator) {
    return "expected a ratio N/D with N <= D and D > 0";
  }
  return "";
}
std::string Parse(const std::string& text, bool& value) {
  if (text != "true" && text != "false") return "expected true or false";
  value = text == "true";
  return "";
}
template <typename T>
std::string Parse(const std::string& text, T& value, const OptionRange& range) {
  std::uint64_t parsed = 0;
  if (!ParseUnsigned(text, parsed)) {
    return fmt::format("expected a whole number in {}", FormatRange(range));
  }
  if (parsed < range.min || parsed > range.max) {
    return fmt::format("out of range {}", FormatRange(range));
  }
  VSRSIM_ASSERT_LE(range.max, std::numeric_limits<T>::max());
  value = static_cast<T>(parsed);
  return "";
}

}  // namespace

std::vector<std::pair<std::string, std::string>> DescribeOptions(const RunOptions& options) {
  std::vector<std::pair<std::string, std::string>> described;
  ForEachOption(options, [&](const char* name, const auto& field) {
    described.emplace_back(name, Text(field));
  });
  return described;
}

std::string SetOption(RunOptions& options, const std::string& name, const std::string& value) {
  std::string error = fmt::format("unknown option '{}'", name);
  ForEachOption(options, [&](const char* field_name, auto& field) {
    if (name != field_name) return;
    std::string problem;
    if constexpr (std::is_integral_v<std::decay_t<decltype(field)>> &&
                  !std::is_same_v<std::decay_t<decltype(field)>, bool>) {
      problem = Parse(value, field, *RangeOf(name));
    } else {
      problem = Parse(value, field);
    }
    error = problem.empty() ? "" : fmt::format("option {} = '{}': {}", name, value, problem);
  });
  return error;
}

std::span<const OptionRange> OptionRanges() { return kRanges; }

std::optional<OptionRange> RangeOf(std::string_view name) {
  for (const OptionRange& range : kRanges) {
    if (range.name == name) return range;
  }
  return std::nullopt;
}

std::string FormatRange(const OptionRange& range) {
  if (range.at_least.empty()) return fmt::format("{}..{}", range.min, range.max);
  return fmt::format("{}..{}", range.at_least, range.max);
}

std::optional<OptionProblem> ValidateOptions(const RunOptions& options) {
  std::map<std::string_view, std::uint64_t> values;
  ForEachOption(options, [&](const char* name, const auto& field) {
    using T = std::decay_t<decltype(field)>;
    if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
      values[name] = static_cast<std::uint64_t>(field);
    }
  });
  for (const OptionRange& range : kRanges) {
    const std::uint64_t value = values.at(range.name);
    if (value < range.min || value > range.max) {
      return OptionProblem{
          std::string(range.name),
          fmt::format("option {} = '{}': out of range {}", range.name, value, FormatRange(range))};
    }
    if (!range.at_least.empty() && value < values.at(range.at_least)) {
      return OptionProblem{
          std::string(range.name),
          fmt::format("option {} = '{}': below {} = {} (range {})", range.name, value,
                      range.at_least, values.at(range.at_least), FormatRange(range))};
    }
  }
  if (options.journal_slots < std::uint64_t{options.checkpoint_ops} + core::kPipelineMax) {
    return OptionProblem{
        "journal_slots",
        fmt::format(
            "option journal_slots = '{}': below checkpoint_ops + {} = {} (the journal holds "
            "a checkpoint interval and a full pipeline)",
            options.journal_slots, core::kPipelineMax,
            std::uint64_t{options.checkpoint_ops} + core::kPipelineMax)};
  }
  return std::nullopt;
}

}  // namespace vsrsim::sim
