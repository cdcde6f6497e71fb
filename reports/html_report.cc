#include "reports/html_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <iterator>
#include <map>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "reports/junit_report.h"
#include "reports/space_time_svg.h"

namespace vsrsim::reports {

namespace {
constexpr std::string_view kCss = R"css(
*{box-sizing:border-box}
body{margin:0;height:100vh;display:flex;flex-direction:column;font:13px/1.35 system-ui,sans-serif;color:#222}
header{flex:none;max-height:48vh;overflow:auto;padding:8px 14px;border-bottom:1px solid #ccc;background:#fafafa}
h1{font-size:17px;margin:0 0 4px}
.outcome{padding:4px 6px;margin:4px 0;border-radius:3px;white-space:pre-wrap;word-break:break-word}
.outcome b{font:600 12px ui-monospace,monospace}
.fail{background:#fde2e2;border-left:4px solid #d62728}.pass{background:#e2f5e2;border-left:4px solid #2ca02c}
table{border-collapse:collapse}th{text-align:left;font-weight:600;padding:1px 10px 1px 0;vertical-align:top}
td{padding:1px 14px 1px 0;vertical-align:top}code{font:12px ui-monospace,monospace;background:#eee;padding:1px 4px;user-select:all}
.opts td,.opts th{font:11px ui-monospace,monospace;padding:0 6px 0 0}.opts th{color:#666;font-weight:400}.opts td{padding-right:18px}
details{margin:4px 0}summary{cursor:pointer;color:#444}.note{margin:4px 0;color:#444}
.legend span{margin-right:12px;white-space:nowrap}.legend i{display:inline-block;width:22px;height:3px;vertical-align:middle;margin-right:4px}
main{flex:1;overflow:auto;position:relative;background:#fff}
.sticky{position:sticky;top:0;z-index:1;background:#fffe;border-bottom:1px solid #ddd;width:max-content}
.heads text{font:600 12px sans-serif;text-anchor:middle}
footer{flex:none;font:12px ui-monospace,monospace;padding:4px 14px;border-top:1px solid #ccc;background:#fafafa;min-height:24px;white-space:pre}
.state{font:11px ui-monospace,monospace;margin:4px 14px;padding:4px 6px;background:#f4f4f4;border:1px solid #ddd;overflow-x:auto;max-height:30vh}
svg text{font:10px sans-serif;paint-order:stroke;stroke:#fff;stroke-width:3px}
.lane line{stroke:#bbb;stroke-width:2}.down{fill:#d62728;fill-opacity:.25}
.grid{stroke:#f0f0f0}.time{text-anchor:end;fill:#777}.band{fill:#9467bd;fill-opacity:.18}
line.c,line.n,line.v,line.r{stroke-width:1.2}
line.c{stroke:#1f77b4;marker-end:url(#a-c)}line.n{stroke:#2ca02c;stroke-opacity:.6;marker-end:url(#a-n)}
line.v{stroke:#ff7f0e;marker-end:url(#a-v)}line.r{stroke:#9467bd;marker-end:url(#a-r)}line.dn{stroke-dasharray:4 3}
.x{fill:none;stroke:#d62728;stroke-width:1.5;stroke-opacity:.8}
.more{fill:#1a6e1a}.dup{fill:#fff;stroke:#8c564b;stroke-width:1.5}.ex{fill:#2ca02c}.ex.na{fill:#ff7f0e}.ac{fill:#1f77b4}
.st path{fill:#ff7f0e}.st text{fill:#a34f00}
.cr path{stroke:#d62728;stroke-width:3}.cr text{fill:#d62728;font-weight:700}
.rs path{fill:#2ca02c}.rs text{fill:#1a6e1a;font-weight:700}
.ft path,.ev path{fill:none;stroke:#9467bd;stroke-width:2}.ft text,.ev text{fill:#6b3fa0}
.vl line{stroke:#d62728;stroke-width:1.5;stroke-dasharray:6 3}.vl text{fill:#d62728;font-weight:700;font-size:12px}
.hl line{stroke:#e000e0!important;stroke-width:3!important;stroke-opacity:1!important;marker-end:url(#a-h)!important}
.hl path{stroke:#e000e0!important;fill:#e000e0!important}.hl path.x{fill:none!important}.hl rect,.hl circle{fill:#e000e0!important}
.hl .ring{fill:none!important;stroke:#e000e0;stroke-width:3}.hl text{fill:#e000e0!important;font-weight:700;font-size:12px}
)css";

// Scrolls the diagram to the violating event, names it in the read-out below the diagram, and
// shows there whatever the pointer is over. The diagram needs none of it: every element carries
// its own <title>.
constexpr std::string_view kScript = R"js(
(function(){
var d=document.getElementById('diagram'),v=document.getElementById('violation'),info=document.getElementById('info');
function titleOf(n){for(;n&&n!==d;n=n.parentNode){var t=n.querySelector&&n.querySelector(':scope>title');if(t)return t.textContent;}return null;}
if(d&&v){var r=v.getBoundingClientRect(),c=d.getBoundingClientRect();
d.scrollTop+=r.top-c.top-d.clientHeight/2;d.scrollLeft+=r.left-c.left-d.clientWidth/2;
var t=v.querySelector('title');if(info&&t)info.textContent='Violating event: '+t.textContent;}
if(d&&info)d.addEventListener('mouseover',function(e){var t=titleOf(e.target);if(t)info.textContent=t;});
})();
)js";

// The run's outcome line as `vsrsim run` prints it, with the message in an element of its own.
std::string OutcomeHtml(const sim::RunResult& result) {
  if (result.outcome == sim::Outcome::kPass) {
    return fmt::format(
        "<div class=\"outcome pass\"><b>PASS seed={} fingerprint={:016x} ticks={} events={} "
        "requests_committed={}</b></div>\n",
        result.options.seed, result.fingerprint, result.ticks, result.events,
        result.requests_committed);
  }
  return fmt::format(
      "<div class=\"outcome fail\"><b>FAIL seed={} kind={} checker={}:</b> "
      "<span class=\"message\">{}</span></div>\n",
      result.options.seed, sim::OutcomeName(result.outcome), XmlEscape(result.checker),
      XmlEscape(result.message));
}

std::string OptionsTable(const sim::RunOptions& options) {
  constexpr std::size_t kColumns = 4;
  const auto described = sim::DescribeOptions(options);
  std::string table =
      fmt::format("<details open><summary>drawn options ({})</summary><table class=\"opts\">",
                  described.size());
  for (std::size_t i = 0; i < described.size(); i++) {
    if (i % kColumns == 0) table += i == 0 ? "<tr>" : "</tr><tr>";
    fmt::format_to(std::back_inserter(table), "<th>{}</th><td>{}</td>",
                   XmlEscape(described[i].first), XmlEscape(described[i].second));
  }
  return table + "</tr></table></details>\n";
}

std::string Header(const sim::RunResult& result, const std::string& reproduce) {
  const bool pass = result.outcome == sim::Outcome::kPass;
  std::string header =
      fmt::format("<header>\n<h1>vsrsim seed {}: {}</h1>\n{}<table>", result.options.seed,
                  pass ? "PASS" : fmt::format("FAIL ({})", sim::OutcomeName(result.outcome)),
                  OutcomeHtml(result));
  const auto row = [&](std::string_view name, const std::string& html) {
    fmt::format_to(std::back_inserter(header), "<tr><th>{}</th><td>{}</td></tr>", name, html);
  };
  if (!pass) row("checker", XmlEscape(result.checker));
  row("reproduce", fmt::format("<code>{}</code>", XmlEscape(reproduce)));
  row("run",
      fmt::format("fingerprint {:016x}, {} ticks, {} events, {} requests committed",
                  result.fingerprint, result.ticks, result.events, result.requests_committed));
  header += "</table>\n" + OptionsTable(result.options);
  return header;
}

constexpr std::string_view kLegend =
    "<p class=\"note legend\">"
    "<span><i style=\"background:#1f77b4\"></i>request / reply / eviction</span>"
    "<span><i style=\"background:#2ca02c\"></i>prepare / prepare_ok / commit</span>"
    "<span><i style=\"background:#ff7f0e\"></i>view change</span>"
    "<span><i style=\"background:#9467bd\"></i>repair</span>"
    "<span><b style=\"color:#d62728\">&#215;</b> dropped</span>"
    "<span><b style=\"color:#8c564b\">&#9675;</b> duplicated</span>"
    "<span><b style=\"color:#2ca02c\">&#9632;</b> executed "
    "(<b style=\"color:#ff7f0e\">&#9632;</b> not applied)</span>"
    "<span><b style=\"color:#1f77b4\">&#9679;</b> reply accepted</span>"
    "<span><b style=\"color:#ff7f0e\">&#9670;</b> view / status change</span>"
    "<span><b style=\"color:#d62728\">&#10006;</b> crash</span>"
    "<span><b style=\"color:#2ca02c\">&#9650;</b> restart</span>"
    "<span><i style=\"background:#f4b8b8;height:8px\"></i>replica down (dashed arrows reach it "
    "unread)</span>"
    "<span><b style=\"color:#9467bd\">&#8623;</b> nemesis fault</span>"
    "<span><i style=\"background:#dccfea;height:8px\"></i>client disconnected</span>"
    "<span><b style=\"color:#9467bd\">&#9675;</b> evicted</span>"
    "<span><i style=\"background:#e000e0\"></i>violating event</span></p>\n";

// Why there is no diagram, for a result without records.
std::string NoDiagramNote(const sim::RunResult& result) {
  switch (result.outcome) {
    case sim::Outcome::kCrash:
      return "No diagram: the run crashed (a replica aborted; the message above names the "
             "assertion), and its trace died with its process.";
    case sim::Outcome::kKilled:
      return "No diagram: the process running the seed was killed from outside (twice), so the "
             "run never finished; the seed itself is not known to fail.";
    case sim::Outcome::kTimeout:
      return "No diagram: the run did not finish within its wall-clock limit, so no trace was "
             "kept.";
    default:
      return "No diagram: this run kept no trace (run it with --html or --trace to keep one).";
  }
}

std::string WindowNote(const sim::RunResult& result, const SpaceTimeWindow& window) {
  const std::size_t total = result.records.size();
  std::string note = fmt::format(
      "Time runs down, labelled in simulated ms; idle stretches are compressed. Hover an event "
      "for its details. Drawn: records {} to {} of {}.",
      window.begin + 1, window.end, total);
  if (window.begin > 0) {
    note += fmt::format(
        " <b>Only the last {} records up to the {} are drawn</b>; the {} before them are in the "
        "text trace (--trace FILE).",
        window.end - window.begin, window.violation ? "violation" : "end of the run", window.begin);
  }
  if (window.end < total) {
    note += fmt::format(" The {} record{} after the violation {} not drawn.", total - window.end,
                        total - window.end == 1 ? "" : "s", total - window.end == 1 ? "is" : "are");
  }
  return note;
}

}  // namespace

// The inevitability strip: each cell spans from its fork tick to the next one's.
std::string InevitableStrip(const std::vector<InevitablePoint>& strip) {
  constexpr double kWidth = 800;
  constexpr double kHeight = 18;
  const double last = static_cast<double>(std::max<std::uint64_t>(strip.back().tick, 1));
  std::string cells;
  for (std::size_t i = 0; i < strip.size(); i++) {
    const InevitablePoint& point = strip[i];
    const double share =
        point.samples == 0 ? 0.0
                           : static_cast<double>(point.fails) / static_cast<double>(point.samples);
    const double x = kWidth * static_cast<double>(point.tick) / last;
    const double next =
        i + 1 < strip.size() ? kWidth * static_cast<double>(strip[i + 1].tick) / last : kWidth + 12;
    cells += fmt::format(
        "<rect x=\"{:.1f}\" y=\"0\" width=\"{:.1f}\" height=\"{}\" "
        "fill=\"rgb({},{},60)\"><title>fork at tick {}: {} of {} continuations fail like the "
        "run</title></rect>\n",
        x, std::max(next - x, 1.0), kHeight, static_cast<int>(60 + 180 * share),
        static_cast<int>(180 - 120 * share), point.tick, point.fails, point.samples);
  }
  return fmt::format(
      "<p class=\"note\"><b>When it became inevitable</b> (<code>vsrsim inevitable</code>): per "
      "fork tick, the share of continuations (the prefix replayed, the rest varied) that still "
      "fail like this run; ticks 0 to {} left to right, green none, red all.</p>\n"
      "<svg class=\"inevitable\" width=\"{}\" height=\"{}\" role=\"img\">\n{}</svg>\n",
      strip.back().tick, kWidth + 12, kHeight, cells);
}

std::string SpaceTimeHtml(const sim::RunResult& result, const std::string& reproduce,
                          const std::vector<InevitablePoint>& strip) {
  const bool pass = result.outcome == sim::Outcome::kPass;
  std::string page = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>vsrsim seed {}: {}</title>\n<style>{}</style>\n</head>\n<body>\n",
      result.options.seed, pass ? "PASS" : fmt::format("FAIL {}", XmlEscape(result.checker)), kCss);
  page += Header(result, reproduce);
  if (!strip.empty()) page += InevitableStrip(strip);
  if (!result.state.empty()) {
    page += fmt::format("<pre class=\"state\">{}</pre>\n", XmlEscape(result.state));
  }
  if (result.records.empty()) {
    page += fmt::format("<p class=\"note\"><b>{}</b></p>\n</header>\n", NoDiagramNote(result));
    return page + "</body>\n</html>\n";
  }
  const SpaceTimeWindow window = ChooseSpaceTimeWindow(result.records);
  const SpaceTimeSvg diagram = RenderSpaceTime(result, window);
  page +=
      fmt::format("<p class=\"note\">{}{}</p>\n", WindowNote(result, window),
                  window.violation ? " <a href=\"#violation\">Go to the violating event.</a>" : "");
  page += kLegend;
  page += "</header>\n<main id=\"diagram\">\n<div class=\"sticky\">" + diagram.heads + "</div>\n";
  page += diagram.diagram;
  page += "</main>\n<footer id=\"info\">Hover an event to see it here.</footer>\n";
  page += fmt::format("<script>{}</script>\n</body>\n</html>\n", kScript);
  return page;
}

}  // namespace vsrsim::reports
