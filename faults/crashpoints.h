#pragma once
// Crash-point enumeration (issue 17): a scenario is played once to list the storage operations
// one replica issues; then once per (operation, crash mode), with the replica dying exactly at that
// operation (sim/sim_storage.h: before it, after it, or with the write torn) and restarting a
// fixed number of ticks later. Every such run must pass on the correct core: a run that fails names
// a storage boundary the core does not survive.
//
// The crash point is an ordinary fault event (`at 0 crash-point R OP MODE for T`), so a failing
// point is a scenario file like any other: it replays, shrinks and draws like one. What this does
// not do: enumerate crash points of two replicas at once, or vary what happens after the point
// (the rest of the run is the scenario's own, so a point tests one continuation of it).

#include <cstddef>
#include <cstdint>
#include <vector>

#include "faults/scenario.h"
#include "sim/sim_storage.h"

namespace vsrsim::faults {

// One run to make: replica `replica` dies at storage operation `op` (of kind `kind`) in `mode`.
struct CrashPointCase {
  std::uint64_t op = 0;
  sim::StorageOpKind kind = sim::StorageOpKind::kSync;
  sim::CrashMode mode = sim::CrashMode::kBefore;
};

struct CrashPointPlan {
  sim::RunResult base;                       // The scenario played as it is.
  std::vector<sim::StorageOpKind> op_kinds;  // Every storage operation of the replica, in order.
  // The operations a crash point can name: [first_op, heal_op). Those before the run's first tick
  // happen before any fault event applies (the nemesis first acts at tick 1); those from the heal
  // on fall in the liveness phase, which is fault-free by contract (Cluster::heal disarms).
  std::uint64_t first_op = 0;
  std::uint64_t heal_op = 0;
  std::vector<CrashPointCase> cases;  // Every (operation, applicable mode) in that range, in order.
};

// Plays `scenario` once (in this process) and lists the crash points of `replica`.
CrashPointPlan PlanCrashPoints(const Scenario& scenario, std::size_t replica);

// `scenario` with the replica dying at `c` and restarting `down_ticks` later.
Scenario WithCrashPoint(const Scenario& scenario, std::size_t replica, const CrashPointCase& c,
                        std::uint32_t down_ticks);

}  // namespace vsrsim::faults
