#pragma once
// One run as a self-contained HTML page (`vsrsim run --html FILE`, and seed-N.html for each failing
// seed of `sweep --report DIR`): on top the seed, the outcome line (the checker and its message),
// the command that reproduces the run and every drawn option; below, the space-time diagram of the
// run (space_time_svg.h) as inline SVG, scrolled on load to the violating event (id="violation").
//
// The page references no network resource: CSS, SVG and a small script (the scroll and a hover
// read-out; the diagram is complete without it) are inline. Long runs draw only the last
// kSpaceTimeRecordsMax records up to the violation (or the end), and the page says so; the text
// trace (`--trace`) has them all. A result without records (keep_trace off, or a child that crashed
// and took its trace with it) gives the page without a diagram and a sentence saying why.

#include <cstdint>
#include <string>
#include <vector>

#include "sim/runner.h"

namespace vsrsim::reports {

// One row of `vsrsim inevitable`: of `samples` continuations forked at `tick`, `fails` failed like
// the run.
struct InevitablePoint {
  std::uint64_t tick = 0;
  std::uint64_t fails = 0;
  std::uint64_t samples = 0;
};

// `strip`, if not empty, is drawn in the header as a strip over the run's ticks (linear, from 0 to
// the last point), one cell per fork tick, from green (no continuation fails) to red (all do).
std::string SpaceTimeHtml(const sim::RunResult& result, const std::string& reproduce,
                          const std::vector<InevitablePoint>& strip = {});

}  // namespace vsrsim::reports
