#include "faults/replay_nemesis.h"

#include <array>
#include <variant>

namespace vsrsim::faults {

sim::Prng& ReplayNemesis::prng(const sim::Cluster& cluster) {
  if (!prng_) prng_ = sim::Prng(cluster.options().seed).Fork("replay-faults");
  return *prng_;
}

void ReplayNemesis::replay_one(sim::Cluster& cluster, std::size_t from, std::size_t to,
                               const Emit& emit) {
  constexpr std::size_t kKinds = std::variant_size_v<core::Message>;
  std::array<std::uint8_t, kKinds> kinds{};
  std::size_t kind_count = 0;
  for (std::size_t kind = 0; kind < kKinds; kind++) {
    if (cluster.network().remembered(static_cast<sim::Process>(from), static_cast<sim::Process>(to),
                                     kind, 0) != nullptr) {
      kinds[kind_count++] = static_cast<std::uint8_t>(kind);
    }
  }
  if (kind_count == 0) return;
  sim::Prng& p = prng(cluster);
  const std::uint8_t kind = kinds[p.Below(kind_count)];
  std::size_t ages = 0;
  while (ages < sim::Network::kReplayAgeMax &&
         cluster.network().remembered(static_cast<sim::Process>(from),
                                      static_cast<sim::Process>(to), kind, ages) != nullptr) {
    ages++;
  }
  emit({.tick = cluster.ticks(),
        .kind = FaultKind::kReplay,
        .a = static_cast<std::uint8_t>(from),
        .b = static_cast<std::uint8_t>(to),
        .message = kind,
        .age = static_cast<std::uint8_t>(p.Below(ages))});
}

void ReplayNemesis::on_tick(sim::Cluster& cluster, const Emit& emit) {
  const std::size_t replicas = cluster.replica_count();
  if (replicas < 2 || cluster.options().faults.replay.numerator == 0) return;
  sim::Prng& p = prng(cluster);
  if (!p.Chance(cluster.options().faults.replay)) return;
  const std::size_t from = p.Below(replicas);
  const std::size_t to = (from + 1 + p.Below(replicas - 1)) % replicas;
  replay_one(cluster, from, to, emit);
}

void ReplayNemesis::on_restart(sim::Cluster& cluster, std::size_t replica, const Emit& emit) {
  const std::size_t replicas = cluster.replica_count();
  if (replicas < 2 || cluster.options().faults.replay_after_restart.numerator == 0) return;
  sim::Prng& p = prng(cluster);
  if (!p.Chance(cluster.options().faults.replay_after_restart)) return;
  // Each peer's queue to the replica is flushed or not; a flushed queue delivers each message it
  // remembers with an even chance.
  for (std::size_t from = 0; from < replicas; from++) {
    if (from == replica || !p.Coin()) continue;
    for (std::size_t kind = 0; kind < std::variant_size_v<core::Message>; kind++) {
      for (std::size_t age = 0; age < sim::Network::kReplayAgeMax; age++) {
        if (cluster.network().remembered(static_cast<sim::Process>(from),
                                         static_cast<sim::Process>(replica), kind,
                                         age) == nullptr) {
          break;
        }
        if (!p.Coin()) continue;
        emit({.tick = cluster.ticks(),
              .kind = FaultKind::kReplay,
              .a = static_cast<std::uint8_t>(from),
              .b = static_cast<std::uint8_t>(replica),
              .message = static_cast<std::uint8_t>(kind),
              .age = static_cast<std::uint8_t>(age)});
      }
    }
  }
}

}  // namespace vsrsim::faults
