#pragma once
// Mutating a scenario (issue 15): the small changes a guided search (faults/explorer.h) makes to
// a scenario it already played, to reach states the original did not. Each operator changes one
// thing: add, drop, move or lengthen a fault event; change a link's delay or loss; crash or
// restart a replica at another tick; hold (clog) or replay a link's messages; change the seed of
// the run's remaining randomness (the network stream).
//
// Invariants: a mutant is always a valid scenario of the same cluster (every event passes
// CheckFaultEvent, every option stays within sim::OptionRanges, events stay in tick order), and
// the result depends only on the scenario and the PRNG's state, so a search is reproducible.
// It deliberately aims at nothing: the faults it adds are the kinds a plain sweep draws.

#include <cstdint>
#include <string>

#include "faults/scenario.h"
#include "sim/prng.h"

namespace vsrsim::faults {

// Applies one to three random operators to `scenario` and returns the mutant; `what` gets the
// operators' names, comma-separated ("add crash, move"). New and moved events land in ticks
// [0, horizon_ticks) (the caller passes how long the scenario's run lasted).
Scenario MutateScenario(const Scenario& scenario, std::uint64_t horizon_ticks, sim::Prng& prng,
                        std::string& what);

}  // namespace vsrsim::faults
