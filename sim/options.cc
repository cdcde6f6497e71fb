#include "sim/options.h"

#include <fmt/format.h>

namespace vsrsim::sim {

namespace {

std::string RatioText(Ratio ratio) {
  return fmt::format("{}/{}", ratio.numerator, ratio.denominator);
}

std::string MutantsText(core::MutantSet mutants) {
  std::string text;
  for (const core::MutantInfo& info : core::kMutants) {
    if (!mutants.Has(info.mutant)) continue;
    if (!text.empty()) text += ",";
    text += info.name;
  }
  return text.empty() ? "none" : text;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> DescribeOptions(const RunOptions& o) {
  const auto n = [](auto v) { return fmt::format("{}", v); };
  return {
      {"seed", n(o.seed)},
      {"mutants", MutantsText(o.mutants)},
      {"replica_count", n(o.replica_count)},
      {"client_count", n(o.client_count)},
      {"clients_max", n(o.clients_max)},
      {"requests_per_client", n(o.requests_per_client)},
      {"tick_us", n(o.tick_us)},
      {"ticks_max", n(o.ticks_max)},
      {"liveness_ticks_max", n(o.liveness_ticks_max)},
      {"view_change_timeout_ticks_min", n(o.view_change_timeout_ticks_min)},
      {"view_change_timeout_ticks_max", n(o.view_change_timeout_ticks_max)},
      {"client_retry_ticks_min", n(o.client_retry_ticks_min)},
      {"client_retry_ticks_max", n(o.client_retry_ticks_max)},
      {"network_delay_min_us", n(o.network.delay_min_us)},
      {"network_delay_jitter_us", n(o.network.delay_jitter_us)},
      {"network_delay_tail", RatioText(o.network.delay_tail)},
      {"network_delay_tail_max_us", n(o.network.delay_tail_max_us)},
      {"network_loss", RatioText(o.network.loss)},
      {"network_duplicate", RatioText(o.network.duplicate)},
      {"network_reorder", o.network.reorder ? "true" : "false"},
      {"network_link_capacity", n(o.network.link_capacity)},
      {"storage_sync_latency_min_us", n(o.storage.sync_latency_min_us)},
      {"storage_sync_latency_max_us", n(o.storage.sync_latency_max_us)},
      {"fault_partition", RatioText(o.faults.partition)},
      {"fault_partition_ticks_max", n(o.faults.partition_ticks_max)},
      {"fault_crash", RatioText(o.faults.crash)},
      {"fault_down_ticks_max", n(o.faults.down_ticks_max)},
      {"fault_torn_write", RatioText(o.faults.torn_write)},
      {"fault_disconnect", RatioText(o.faults.disconnect)},
      {"fault_disconnect_ticks_max", n(o.faults.disconnect_ticks_max)},
      {"fault_disconnect_after_retransmit", RatioText(o.faults.disconnect_after_retransmit)},
      {"fault_clog", RatioText(o.faults.clog)},
      {"fault_clog_ticks_max", n(o.faults.clog_ticks_max)},
      {"fault_drift_ppm_max", n(o.faults.drift_ppm_max)},
  };
}

}  // namespace vsrsim::sim
