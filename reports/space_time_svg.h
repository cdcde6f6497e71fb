#pragma once
// The space-time diagram of one run's trace records, as inline SVG for the HTML report (see
// html_report.h for what the page shows and why).
//
// Lanes: one vertical lane per process, replicas r0.. then clients c0.., each a <g class="lane"
// id="lane-r0">. Time runs down. Every distinct instant gets a row; records of one lane at one
// instant stack a few pixels apart, and the time between two instants adds at most kGapMax pixels,
// so the axis is monotone but compressed where nothing happens. A message's arrow starts below its
// sender's records of the instant it was sent (a send happens while they are handled).
//
// Drawn: deliveries (arrows, coloured by protocol: client, normal operation, view change, repair;
// dashed when the receiver is down), drops (a stub ending in an X), duplications, executions,
// accepted replies, replica view/status changes (commit-only progress is left to the text trace),
// crashes and restarts (the lane is shaded while down), nemesis faults (a client's disconnection
// shades its lane for the time it lasts), and the violation as a line across every lane. The
// violating event (the record before the violation) is drawn inside <g id="violation"> in a colour
// of its own; when there is none to draw, the violation line carries that id.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "sim/runner.h"

namespace vsrsim::reports {

inline constexpr std::size_t kSpaceTimeRecordsMax = 3000;

// Which records are drawn: at most kSpaceTimeRecordsMax, ending with the first violation (or the
// last record).
struct SpaceTimeWindow {
  std::size_t begin = 0;
  std::size_t end = 0;  // One past the violation record, or the number of records.
  std::optional<std::size_t> violation;
  std::optional<std::size_t> highlighted;  // The violating event: the record before the violation.
};

SpaceTimeWindow ChooseSpaceTimeWindow(const std::vector<sim::TraceRecord>& records);

struct SpaceTimeSvg {
  std::string heads;    // The lane names, to keep in view above the diagram while it scrolls.
  std::string diagram;  // The <svg> element.
};

// Requires: `window` came from ChooseSpaceTimeWindow(result.records).
SpaceTimeSvg RenderSpaceTime(const sim::RunResult& result, const SpaceTimeWindow& window);

}  // namespace vsrsim::reports
