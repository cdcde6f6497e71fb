#include "reports/space_time_svg.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <iterator>
#include <map>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

#include "core/message.h"
#include "core/replica.h"
#include "reports/junit_report.h"
#include "reports/text_trace.h"

namespace vsrsim::reports {

namespace {

using sim::TraceKind;
using sim::TraceRecord;

// Layout, in pixels.
constexpr int kGutter = 96;        // Left of the first lane: the time labels.
constexpr int kTop = 14;           // Above the first instant.
constexpr int kRow = 5;            // Between records of one lane at one instant ...
constexpr int kLabelledRow = 12;   // ... after one that carries a text label.
constexpr int kGapMax = 40;        // The most an idle stretch of time adds.
constexpr int kLabelSpacing = 56;  // The least between two time labels.
constexpr int kRightMargin = 170;  // Right of the last lane: labels of the rightmost lane.
constexpr int kLaneGapMin = 40;    // Lane spacing, for many processes ...
constexpr int kLaneGapMax = 150;   // ... and for few.
constexpr int kLanesWidth = 1100;  // The width lanes share when they can.
constexpr std::size_t kExecuteRunDrawn = 3;  // Executions drawn of one replica at one instant.

template <typename T, typename Variant>
struct IndexIn;
template <typename T, typename... Ts>
struct IndexIn<T, std::variant<Ts...>> {
  static constexpr std::size_t value = [] {
    std::size_t index = 0;
    [[maybe_unused]] const bool found = ((std::is_same_v<T, Ts> || (index++, false)) || ...);
    return index;
  }();
};
template <typename T>
constexpr std::uint64_t kKindOf = IndexIn<T, core::Message>::value;

// The CSS class of a message's arrow: client traffic, normal operation, view change or repair.
const char* MessageClass(std::uint64_t kind) {
  if (kind == kKindOf<core::Request> || kind == kKindOf<core::Reply> ||
      kind == kKindOf<core::Eviction>)
    return "c";
  if (kind == kKindOf<core::Prepare> || kind == kKindOf<core::PrepareOk> ||
      kind == kKindOf<core::Commit>)
    return "n";
  if (kind == kKindOf<core::RequestPrepare> || kind == kKindOf<core::RequestCheckpoint> ||
      kind == kKindOf<core::SyncCheckpoint> || kind == kKindOf<core::RequestEntry> ||
      kind == kKindOf<core::RepairEntry>)
    return "r";
  return "v";
}

// The pixels an idle stretch between two instants adds: a few for any gap, one more per 250 us,
// at most kGapMax (a tick's idle time is already about that much).
int GapPixels(std::uint64_t gap_us) {
  return static_cast<int>(std::min<std::uint64_t>(kGapMax, 3 + gap_us / 250));
}

std::string Ms(std::uint64_t time_us) {
  return fmt::format("{}.{:03} ms", time_us / 1000, time_us % 1000);
}

class Diagram {
 public:
  Diagram(const sim::RunResult& result, const SpaceTimeWindow& window);
  // The lane headings (kept in view while scrolling) and the diagram itself.
  std::string Heads() const;
  std::string Svg() const;

 private:
  struct Collapsed {
    std::uint64_t count = 0;
    std::uint64_t first_op = 0;
    std::uint64_t last_op = 0;
  };
  struct ProcessState {
    bool known = false;
    std::uint64_t status = 0;
    std::uint64_t view = 0;
    bool down = false;
  };

  int LaneX(std::uint8_t process) const;
  std::string LaneName(std::uint8_t process) const;
  // The lane a record is marked on (a delivery on its receiver), or none.
  std::optional<std::uint8_t> MarkLane(const TraceRecord& record) const;
  std::size_t InstantIndex(std::uint64_t time_us) const;
  int RecordY(std::size_t record) const;
  int SendY(std::uint64_t time_us) const;
  int YAt(std::uint64_t time_us) const;  // Any instant, interpolated between known ones.
  void ChooseDrawn();  // Which records are drawn, and which deliveries reach a crashed replica.
  void Layout();
  void AppendBackground(std::string& svg) const;
  void AppendLanes(std::string& svg) const;
  // Appends record `i`; returns the point its highlight ring goes around.
  std::pair<int, int> AppendRecord(std::string& svg, std::size_t i) const;
  // Crashes, restarts, evictions and nemesis faults: a glyph and a label on the lane.
  void AppendMarker(std::string& svg, const TraceRecord& r, int x, int y,
                    const std::string& title) const;
  void AppendViolation(std::string& svg) const;

  const sim::RunResult& result_;
  const std::vector<TraceRecord>& records_;
  SpaceTimeWindow window_;
  std::size_t replicas_;
  std::size_t processes_;
  int lane_gap_;
  int width_;
  int height_ = 0;
  std::vector<std::uint64_t> instants_;  // Sorted, distinct.
  std::vector<int> instant_y_;
  std::vector<int> instant_extent_;     // Below instant_y_: where its last record is drawn.
  std::vector<int> offset_;             // Per window record: below its instant's y.
  std::vector<bool> drawn_;             // Per window record.
  std::vector<bool> receiver_down_;     // Per window record: a delivery to a crashed replica.
  std::vector<ProcessState> at_begin_;  // Each process's state before the window.
  std::map<std::size_t, Collapsed> collapsed_;  // By the execution drawn last before them.
};

Diagram::Diagram(const sim::RunResult& result, const SpaceTimeWindow& window)
    : result_(result),
      records_(result.records),
      window_(window),
      replicas_(result.options.replica_count),
      processes_(std::size_t{result.options.replica_count} + result.options.client_count),
      lane_gap_(std::clamp(kLanesWidth / std::max(1, static_cast<int>(processes_)), kLaneGapMin,
                           kLaneGapMax)),
      width_(LaneX(static_cast<std::uint8_t>(processes_ == 0 ? 0 : processes_ - 1)) + kRightMargin),
      at_begin_(processes_) {
  for (std::size_t i = 0; i < window_.begin; i++) {
    const TraceRecord& r = records_[i];
    if (r.from >= processes_) continue;
    ProcessState& state = at_begin_[r.from];
    if (r.kind == TraceKind::kReplica) state = {true, r.a, r.b, state.down};
    if (r.kind == TraceKind::kCrash) state.down = true;
    if (r.kind == TraceKind::kRestart) state.down = false;
  }
  Layout();
}

int Diagram::LaneX(std::uint8_t process) const {
  const int group_gap = process >= replicas_ ? lane_gap_ / 2 : 0;  // Replicas apart from clients.
  return kGutter + lane_gap_ / 2 + process * lane_gap_ + group_gap;
}

std::string Diagram::LaneName(std::uint8_t process) const {
  return ProcessName(process, replicas_);
}

std::optional<std::uint8_t> Diagram::MarkLane(const TraceRecord& record) const {
  if (record.kind == TraceKind::kViolation) return std::nullopt;
  const std::uint8_t lane = record.kind == TraceKind::kDeliver ? record.to : record.from;
  if (record.from >= processes_ || record.to >= processes_) return std::nullopt;
  return lane;
}

std::size_t Diagram::InstantIndex(std::uint64_t time_us) const {
  return static_cast<std::size_t>(std::lower_bound(instants_.begin(), instants_.end(), time_us) -
                                  instants_.begin());
}

int Diagram::RecordY(std::size_t record) const {
  const std::size_t index = InstantIndex(records_[record].time_us);
  return instant_y_[index] + offset_[record - window_.begin];
}

int Diagram::SendY(std::uint64_t time_us) const {
  // A send happens while its instant's events are handled: start the arrow below them.
  const std::size_t index = InstantIndex(time_us);
  return instant_y_[index] + instant_extent_[index];
}

int Diagram::YAt(std::uint64_t time_us) const {
  const std::size_t index = InstantIndex(time_us);
  if (index == instants_.size()) return height_ - kTop;
  if (instants_[index] == time_us || index == 0) return instant_y_[index];
  const int from = SendY(instants_[index - 1]);
  const int to = instant_y_[index];
  const std::uint64_t span = instants_[index] - instants_[index - 1];
  return from + static_cast<int>(static_cast<std::uint64_t>(to - from) *
                                 (time_us - instants_[index - 1]) / span);
}

void Diagram::ChooseDrawn() {
  std::vector<ProcessState> state = at_begin_;
  drawn_.assign(window_.end - window_.begin, false);
  receiver_down_.assign(window_.end - window_.begin, false);
  std::size_t execute_run = 0;     // Executions so far at this instant on this replica.
  std::size_t execute_anchor = 0;  // The last of them drawn.
  for (std::size_t i = window_.begin; i < window_.end; i++) {
    const TraceRecord& r = records_[i];
    if (r.from < processes_ && r.kind == TraceKind::kCrash) state[r.from].down = true;
    if (r.from < processes_ && r.kind == TraceKind::kRestart) state[r.from].down = false;
    // A message that reached a crashed replica (a drop, reason "replica down") is drawn all the
    // way to it, dashed.
    receiver_down_[i - window_.begin] =
        r.kind == TraceKind::kDrop && (r.a >> 8) == sim::kDropReplicaDown && r.to < processes_;
    bool drawn = MarkLane(r).has_value();
    if (drawn && r.kind == TraceKind::kReplica) {
      // Commit and op progress is frequent and in the text trace; view and status changes show.
      ProcessState& s = state[r.from];
      drawn = !s.known || s.status != r.a || s.view != r.b || window_.highlighted == i;
      s = {true, r.a, r.b, s.down};
    }
    if (drawn && r.kind == TraceKind::kExecute) {
      // A restarted replica replays its whole log at one instant: draw the first few executions
      // of such a run and count the rest on the last one drawn.
      const TraceRecord* previous = i > window_.begin ? &records_[i - 1] : nullptr;
      const bool continues = previous != nullptr && previous->kind == TraceKind::kExecute &&
                             previous->time_us == r.time_us && previous->from == r.from;
      execute_run = continues ? execute_run + 1 : 1;
      if (execute_run > kExecuteRunDrawn && window_.highlighted != i) {
        Collapsed& collapsed = collapsed_[execute_anchor];
        if (collapsed.count++ == 0) collapsed.first_op = r.a;
        collapsed.last_op = r.a;
        drawn = false;
      } else {
        execute_anchor = i;
      }
    }
    drawn_[i - window_.begin] = drawn;
  }
}

void Diagram::Layout() {
  ChooseDrawn();
  for (std::size_t i = window_.begin; i < window_.end; i++) {
    const TraceRecord& r = records_[i];
    instants_.push_back(r.time_us);
    if (r.kind == TraceKind::kDeliver || r.kind == TraceKind::kDrop ||
        r.kind == TraceKind::kDuplicate) {
      instants_.push_back(std::min(r.b, r.time_us));
    }
  }
  std::sort(instants_.begin(), instants_.end());
  instants_.erase(std::unique(instants_.begin(), instants_.end()), instants_.end());
  instant_extent_.assign(instants_.size(), 0);
  offset_.assign(window_.end - window_.begin, 0);
  std::map<std::pair<std::size_t, std::uint8_t>, int> used;
  for (std::size_t i = window_.begin; i < window_.end; i++) {
    if (!drawn_[i - window_.begin]) continue;
    const std::size_t index = InstantIndex(records_[i].time_us);
    int& next = used[{index, *MarkLane(records_[i])}];
    offset_[i - window_.begin] = next;
    instant_extent_[index] = std::max(instant_extent_[index], next);
    const TraceKind kind = records_[i].kind;
    const bool labelled = kind == TraceKind::kReplica || kind == TraceKind::kCrash ||
                          kind == TraceKind::kRestart || kind == TraceKind::kFault ||
                          kind == TraceKind::kEvicted || collapsed_.contains(i);
    next += labelled ? kLabelledRow : kRow;
  }
  instant_y_.resize(instants_.size());
  int y = kTop;
  for (std::size_t i = 0; i < instants_.size(); i++) {
    if (i > 0) y += instant_extent_[i - 1] + kRow + GapPixels(instants_[i] - instants_[i - 1]);
    instant_y_[i] = y;
  }
  height_ = y + (instants_.empty() ? 0 : instant_extent_.back() + kRow) + 3 * kTop;
}

void Diagram::AppendBackground(std::string& svg) const {
  auto out = std::back_inserter(svg);
  std::string grid;
  int labelled_y = -kLabelSpacing;
  for (std::size_t i = 0; i < instants_.size(); i++) {
    if (instant_y_[i] - labelled_y < kLabelSpacing) continue;
    labelled_y = instant_y_[i];
    fmt::format_to(std::back_inserter(grid), "M{} {}h{}", kGutter, labelled_y, width_ - kGutter);
    fmt::format_to(out, "<text class=\"time\" x=\"{}\" y=\"{}\">{}</text>\n", kGutter - 6,
                   labelled_y + 3, Ms(instants_[i]));
  }
  fmt::format_to(out, "<path class=\"grid\" d=\"{}\"/>\n", grid);
  // A client's disconnection, as a band over the time its connections stay closed.
  for (std::size_t i = window_.begin; i < window_.end; i++) {
    const TraceRecord& r = records_[i];
    if (r.kind != TraceKind::kFault || r.a != sim::kDisconnectFault || r.from >= processes_)
      continue;
    const int top = YAt(r.time_us);
    const int bottom = std::max(top + kRow, YAt(r.time_us + r.b));
    fmt::format_to(out, "<rect class=\"band\" x=\"{}\" y=\"{}\" width=\"12\" height=\"{}\"/>\n",
                   LaneX(r.from) - 6, top, bottom - top);
  }
}

void Diagram::AppendLanes(std::string& svg) const {
  auto out = std::back_inserter(svg);
  for (std::size_t p = 0; p < processes_; p++) {
    const auto process = static_cast<std::uint8_t>(p);
    const int x = LaneX(process);
    fmt::format_to(out,
                   "<g class=\"lane\" id=\"lane-{}\"><title>{} {}</title>"
                   "<line x1=\"{}\" y1=\"0\" x2=\"{}\" y2=\"{}\"/>",
                   LaneName(process), p < replicas_ ? "replica" : "client",
                   p < replicas_ ? p : p - replicas_, x, x, height_);
    // A crashed replica's lane is struck through until it restarts.
    // -1: up. (An int sentinel, not std::optional: GCC 12 at -O3 warns falsely on the optional.)
    int down_from = at_begin_[p].down ? 0 : -1;
    for (std::size_t i = window_.begin; i < window_.end; i++) {
      const TraceRecord& r = records_[i];
      if (r.from != process) continue;
      if (r.kind == TraceKind::kCrash && down_from < 0) down_from = YAt(r.time_us);
      if (r.kind == TraceKind::kRestart && down_from >= 0) {
        fmt::format_to(out, "<rect class=\"down\" x=\"{}\" y=\"{}\" width=\"8\" height=\"{}\"/>",
                       x - 4, down_from, YAt(r.time_us) - down_from);
        down_from = -1;
      }
    }
    if (down_from >= 0) {
      fmt::format_to(out, "<rect class=\"down\" x=\"{}\" y=\"{}\" width=\"8\" height=\"{}\"/>",
                     x - 4, down_from, height_ - down_from);
    }
    svg += "</g>\n";
  }
}

std::pair<int, int> Diagram::AppendRecord(std::string& svg, std::size_t i) const {
  const TraceRecord& r = records_[i];
  auto out = std::back_inserter(svg);
  const std::string title =
      fmt::format("<title>{}  {}</title>", Ms(r.time_us), XmlEscape(DescribeRecord(r, replicas_)));
  const int x = LaneX(*MarkLane(r));
  const int y = RecordY(i);
  switch (r.kind) {
    case TraceKind::kDeliver: {
      const int x1 = LaneX(r.from);
      fmt::format_to(out, "<line class=\"{}{}\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\">{}</line>",
                     MessageClass(r.a & 0xff), receiver_down_[i - window_.begin] ? " dn" : "", x1,
                     SendY(std::min(r.b, r.time_us)), x, y, title);
      return {x, y};
    }
    case TraceKind::kDrop: {
      if (receiver_down_[i - window_.begin]) {
        const int x2 = LaneX(r.to);
        fmt::format_to(
            out, "<line class=\"{} dn\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\">{}</line>",
            MessageClass(r.a & 0xff), LaneX(r.from), SendY(std::min(r.b, r.time_us)), x2, y, title);
        return {x2, y};
      }
      // Dropped at send: a short stub toward the receiver; dropped in flight: most of the way.
      const int y1 = SendY(std::min(r.b, r.time_us));
      const int dx = LaneX(r.to) - x;
      const bool at_send = r.time_us <= r.b;
      const int reach = at_send ? std::clamp(std::abs(dx) / 3, 14, 48) : std::abs(dx) * 3 / 5;
      const int x2 = x + (dx < 0 ? -reach : reach);
      const int y2 = at_send ? y1 + 8 : y;
      fmt::format_to(out, "<path class=\"x\" d=\"M{} {}L{} {}m-3 -3l7 7m0 -7l-7 7\">{}</path>", x,
                     y1, x2, y2, title);
      return {x2, y2};
    }
    case TraceKind::kDuplicate:
      fmt::format_to(out, "<circle class=\"dup\" cx=\"{}\" cy=\"{}\" r=\"3\">{}</circle>", x, y,
                     title);
      break;
    case TraceKind::kExecute:
      fmt::format_to(out,
                     "<rect class=\"ex{}\" x=\"{}\" y=\"{}\" width=\"5\" height=\"5\">{}</rect>",
                     r.b != 0 ? "" : " na", x - 2, y - 2, title);
      if (const auto collapsed = collapsed_.find(i); collapsed != collapsed_.end()) {
        fmt::format_to(out,
                       "<text class=\"more\" x=\"{}\" y=\"{}\">+{} more executed, ops {}-{}</text>",
                       x + 7, y + 4, collapsed->second.count, collapsed->second.first_op,
                       collapsed->second.last_op);
      }
      break;
    case TraceKind::kAccept:
      fmt::format_to(out, "<circle class=\"ac\" cx=\"{}\" cy=\"{}\" r=\"2.5\">{}</circle>", x, y,
                     title);
      break;
    case TraceKind::kReplica:
      fmt::format_to(out,
                     "<g class=\"st\">{}<path d=\"M{} {}l4 4l-4 4l-4 -4z\"/>"
                     "<text x=\"{}\" y=\"{}\">v{} {}</text></g>",
                     title, x, y - 4, x + 7, y + 3, r.b,
                     core::StatusName(static_cast<core::Status>(r.a)));
      break;
    default:
      AppendMarker(svg, r, x, y, title);
  }
  return {x, y};
}

void Diagram::AppendMarker(std::string& svg, const TraceRecord& r, int x, int y,
                           const std::string& title) const {
  // Crash: an X; restart: a triangle; eviction: a ring; a nemesis fault: a zigzag.
  const bool crash = r.kind == TraceKind::kCrash;
  const bool restart = r.kind == TraceKind::kRestart;
  const bool evicted = r.kind == TraceKind::kEvicted;
  const std::string label =
      crash                          ? "crash"
      : restart                      ? "restart"
      : evicted                      ? "evicted"
      : r.a == sim::kDisconnectFault ? fmt::format("disconnected {}", Ms(r.b))
      : r.a == sim::kReplayFault
          ? fmt::format("stale {} from {} replayed", core::MessageKindName(r.b >> 8), r.from)
      : r.a == sim::kIsolateFault     ? fmt::format("isolated {} ticks", r.b)
      : r.a == sim::kBlockFault       ? fmt::format("blocked to {} {} ticks", LaneName(r.to), r.b)
      : r.a == sim::kClogFault        ? fmt::format("clogged to {} {} ticks", LaneName(r.to), r.b)
      : r.a == sim::kHealFault        ? std::string("heal")
      : r.a == sim::kCrashInSyncFault ? std::string(r.b == 1 ? "armed: crash before checkpoint sync"
                                                             : "armed: crash before sync")
      : r.a == sim::kCrashPointFault  ? fmt::format("dies at storage op {}", r.b)
      : r.a == sim::kSectorErrorFault ? std::string("sector error")
      : r.a == sim::kCorruptReadFault ? std::string("armed: corrupt read")
      : r.a == sim::kMisdirectFault   ? std::string("armed: misdirected write")
      : r.a == sim::kSyncFailFault    ? std::string("armed: failed sync")
      : r.a == sim::kCorruptCheckpointFault ? std::string("armed: corrupt checkpoint read")
      : r.a == sim::kCorruptEntryFault      ? std::string("armed: corrupt entry delivery")
                                            : fmt::format("fault {}", r.a);
  const std::string glyph = crash     ? fmt::format("M{} {}l10 10m0 -10l-10 10", x - 5, y - 5)
                            : restart ? fmt::format("M{} {}l6 10h-12z", x, y - 6)
                            : evicted ? fmt::format("M{} {}a4 4 0 1 0 8 0a4 4 0 1 0 -8 0", x - 4, y)
                                      : fmt::format("M{} {}l7 5l-6 2l7 5", x - 4, y - 6);
  fmt::format_to(std::back_inserter(svg),
                 "<g class=\"{}\">{}<path d=\"{}\"/><text x=\"{}\" y=\"{}\">{}</text></g>",
                 crash     ? "cr"
                 : restart ? "rs"
                 : evicted ? "ev"
                           : "ft",
                 title, glyph, x + 8, y + 4, label);
}

void Diagram::AppendViolation(std::string& svg) const {
  // Without a drawable violating event, the line itself is what the page scrolls to.
  const bool highlight_drawn = window_.highlighted && drawn_[*window_.highlighted - window_.begin];
  const TraceRecord& r = records_[*window_.violation];
  const int y = YAt(r.time_us);
  fmt::format_to(std::back_inserter(svg),
                 "<g id=\"{}\" class=\"vl\"><title>{}  the checker fired</title>"
                 "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>"
                 "<text x=\"{}\" y=\"{}\">VIOLATION: {}</text></g>\n",
                 highlight_drawn ? "violation-line" : "violation", Ms(r.time_us), kGutter, y,
                 width_ - 8, y, kGutter + 4, y - 5, XmlEscape(result_.checker));
}

std::string Diagram::Heads() const {
  std::string svg = fmt::format("<svg class=\"heads\" width=\"{}\" height=\"20\">", width_);
  for (std::size_t p = 0; p < processes_; p++) {
    const auto process = static_cast<std::uint8_t>(p);
    fmt::format_to(std::back_inserter(svg), "<text x=\"{}\" y=\"15\">{}</text>", LaneX(process),
                   LaneName(process));
  }
  return svg + "</svg>\n";
}

std::string Diagram::Svg() const {
  std::string svg = fmt::format(
      "<svg class=\"diagram\" width=\"{}\" height=\"{}\">\n"
      "<defs>",
      width_, height_);
  for (const auto& [id, color] :
       {std::pair{"c", "#1f77b4"}, std::pair{"n", "#2ca02c"}, std::pair{"v", "#ff7f0e"},
        std::pair{"r", "#9467bd"}, std::pair{"h", "#e000e0"}}) {
    fmt::format_to(std::back_inserter(svg),
                   "<marker id=\"a-{}\" viewBox=\"0 0 8 8\" refX=\"8\" refY=\"4\" "
                   "markerUnits=\"userSpaceOnUse\" markerWidth=\"7\" markerHeight=\"7\" "
                   "orient=\"auto\"><path d=\"M0 0L8 4L0 8z\" fill=\"{}\"/></marker>",
                   id, color);
  }
  svg += "</defs>\n";
  AppendBackground(svg);
  AppendLanes(svg);
  for (std::size_t i = window_.begin; i < window_.end; i++) {
    if (!drawn_[i - window_.begin]) continue;
    if (window_.highlighted == i) {
      svg += "<g id=\"violation\" class=\"hl\">";
      const auto [x, y] = AppendRecord(svg, i);
      fmt::format_to(std::back_inserter(svg),
                     "<circle class=\"ring\" cx=\"{}\" cy=\"{}\" r=\"11\"/>"
                     "<text x=\"{}\" y=\"{}\">violating event</text></g>\n",
                     x, y, x + 14, y + 16);
      continue;
    }
    AppendRecord(svg, i);
    svg += '\n';
  }
  if (window_.violation) AppendViolation(svg);
  return svg + "</svg>\n";
}

}  // namespace

SpaceTimeWindow ChooseSpaceTimeWindow(const std::vector<sim::TraceRecord>& records) {
  SpaceTimeWindow window;
  window.end = records.size();
  for (std::size_t i = 0; i < records.size(); i++) {
    if (records[i].kind == sim::TraceKind::kViolation) {
      window.violation = i;
      window.end = i + 1;
      break;
    }
  }
  window.begin = window.end > kSpaceTimeRecordsMax ? window.end - kSpaceTimeRecordsMax : 0;
  if (window.violation && *window.violation > window.begin) {
    window.highlighted = *window.violation - 1;
  }
  return window;
}

SpaceTimeSvg RenderSpaceTime(const sim::RunResult& result, const SpaceTimeWindow& window) {
  const Diagram diagram(result, window);
  return {.heads = diagram.Heads(), .diagram = diagram.Svg()};
}

}  // namespace vsrsim::reports
