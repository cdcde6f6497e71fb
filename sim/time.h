#pragma once
// Simulated time. An Instant is a point on the simulated clock, a Duration a span of it, both in
// whole microseconds. Separate types so an instant is never added to an instant. Replica timers
// count ticks (a tick is a Duration of the run's options); network and storage latencies are
// finer-grained, so events inside one tick interleave. Raw integers appear only at boundaries, with
// the unit in the name.

#include <compare>
#include <cstdint>

namespace vsrsim::sim {

class Duration {
 public:
  constexpr Duration() = default;
  static constexpr Duration Microseconds(std::uint64_t us) { return Duration(us); }
  static constexpr Duration Milliseconds(std::uint64_t ms) { return Duration(ms * 1000); }
  constexpr std::uint64_t microseconds() const { return us_; }
  constexpr Duration operator+(Duration other) const { return Duration(us_ + other.us_); }
  constexpr Duration operator*(std::uint64_t factor) const { return Duration(us_ * factor); }
  constexpr auto operator<=>(const Duration&) const = default;

 private:
  constexpr explicit Duration(std::uint64_t us) : us_(us) {}
  std::uint64_t us_ = 0;
};

class Instant {
 public:
  constexpr Instant() = default;
  static constexpr Instant FromMicroseconds(std::uint64_t us) { return Instant(us); }
  constexpr std::uint64_t microseconds() const { return us_; }
  constexpr Instant operator+(Duration d) const { return Instant(us_ + d.microseconds()); }
  constexpr Duration operator-(Instant earlier) const {
    return Duration::Microseconds(us_ - earlier.us_);
  }
  constexpr auto operator<=>(const Instant&) const = default;

 private:
  constexpr explicit Instant(std::uint64_t us) : us_(us) {}
  std::uint64_t us_ = 0;
};

}  // namespace vsrsim::sim
