#pragma once
// Swarm testing (Groce et al., 2012): each seed switches every fault kind on or off and draws its
// rates, so across a sweep some seeds hammer one fault and others combine several, instead of every
// seed averaging everything out.
//
// Draws come from the seed's "swarm" stream only, so adding a draw elsewhere never changes a seed's
// options. Profiles narrow the swarm: kNetwork keeps network faults and turns everything else off.

#include <cstdint>

#include "sim/options.h"

namespace vsrsim::faults {

enum class Profile : std::uint8_t { kFull, kNetwork };

sim::RunOptions DrawOptions(std::uint64_t seed, Profile profile);

}  // namespace vsrsim::faults
