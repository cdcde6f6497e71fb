#include "reports/html_report.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "faults/swarm.h"
#include "faults/swarm_nemesis.h"
#include "reports/junit_report.h"
#include "reports/markdown_report.h"
#include "reports/space_time_svg.h"
#include "reports/text_trace.h"
#include "sim/runner.h"

namespace vsrsim::reports {
namespace {

sim::RunResult PlayWithTrace(std::uint64_t seed, std::optional<core::Mutant> mutant) {
  sim::RunOptions options = faults::DrawOptions(seed, faults::Profile::kNetwork);
  if (mutant) options.mutants.Add(*mutant);
  options.keep_trace = true;
  faults::SwarmNemesis nemesis;
  return sim::Run(options, &nemesis);
}

// The first of seeds 1..64 whose silent-eviction run fails, with its trace.
sim::RunResult FailingMutantRun() {
  for (std::uint64_t seed = 1; seed <= 64; seed++) {
    sim::RunResult result = PlayWithTrace(seed, core::Mutant::kSilentEviction);
    if (result.outcome != sim::Outcome::kPass) return result;
  }
  ADD_FAILURE() << "no seed in 1..64 fails with silent-eviction";
  return {};
}

std::size_t Count(const std::string& text, const std::string& needle) {
  std::size_t count = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos;
       at = text.find(needle, at + needle.size())) {
    count++;
  }
  return count;
}

void ExpectEveryLane(const std::string& page, const sim::RunOptions& options) {
  for (std::size_t p = 0; p < std::size_t{options.replica_count} + options.client_count; p++) {
    const std::string id =
        "id=\"lane-" + ProcessName(static_cast<std::uint8_t>(p), options.replica_count) + "\"";
    EXPECT_EQ(Count(page, "<g class=\"lane\" " + id), 1U) << id;
  }
}

// Any reference to a resource outside the page: a URL with a scheme or a protocol-relative one in
// an attribute or CSS url(), or an element that loads something.
void ExpectSelfContained(const std::string& page) {
  EXPECT_EQ(page.find("http:"), std::string::npos);
  EXPECT_EQ(page.find("https:"), std::string::npos);
  const std::regex external(R"((src|href)\s*=\s*"(?!#))", std::regex::icase);
  EXPECT_FALSE(std::regex_search(page, external));
  const std::regex css_url(R"(url\((?!#))");
  EXPECT_FALSE(std::regex_search(page, css_url));
  for (const char* tag : {"<link", "<img", "<iframe", "<object", "<embed", "@import"}) {
    EXPECT_EQ(page.find(tag), std::string::npos) << tag;
  }
}

TEST(HtmlReportTest, FailingRunHasEveryLaneAndTheHighlightedViolatingEvent) {
  // A failing mutant run renders a self-contained page with one lane per replica and client and
  // exactly one id="violation" element, drawn around the record just before the violation.
  const sim::RunResult result = FailingMutantRun();
  ASSERT_NE(result.outcome, sim::Outcome::kPass);
  ASSERT_FALSE(result.records.empty());
  const std::string page = SpaceTimeHtml(result, "vsrsim run --seed 1 --mutant silent-eviction");
  ExpectEveryLane(page, result.options);
  EXPECT_EQ(Count(page, "id=\"violation\""), 1U);
  EXPECT_EQ(Count(page, "<g id=\"violation\" class=\"hl\">"), 1U);
  EXPECT_NE(page.find("id=\"violation-line\""), std::string::npos);
  EXPECT_NE(page.find("FAIL seed=" + std::to_string(result.options.seed)), std::string::npos);
  EXPECT_NE(page.find(XmlEscape(result.message)), std::string::npos);
  EXPECT_NE(page.find("--mutant silent-eviction"), std::string::npos);
  EXPECT_NE(page.find("network_delay_min_us"), std::string::npos) << "drawn options missing";
  ExpectSelfContained(page);
  // The violating event's own description is inside the highlighted group.
  const SpaceTimeWindow window = ChooseSpaceTimeWindow(result.records);
  ASSERT_TRUE(window.highlighted.has_value());
  const std::string described =
      XmlEscape(DescribeRecord(result.records[*window.highlighted], result.options.replica_count));
  const std::size_t group = page.find("<g id=\"violation\"");
  EXPECT_NE(page.find(described, group), std::string::npos);
  EXPECT_LT(page.find(described, group), page.find("</g>\n", group));
}

TEST(HtmlReportTest, PassingRunHasLanesButNoViolation) {
  // A passing network-profile run draws every lane, its messages, and no violation at all.
  const sim::RunResult result = PlayWithTrace(3, std::nullopt);
  ASSERT_EQ(result.outcome, sim::Outcome::kPass) << result.message;
  const std::string page = SpaceTimeHtml(result, "vsrsim run --seed 3 --profile network");
  ExpectEveryLane(page, result.options);
  EXPECT_EQ(page.find("id=\"violation"), std::string::npos);
  EXPECT_NE(page.find("PASS seed=3"), std::string::npos);
  EXPECT_GT(Count(page, "<line class=\""), 10U) << "no message arrows";
  ExpectSelfContained(page);
}

TEST(HtmlReportTest, LongRunIsCappedAndSaysSo) {
  // A run with more records than the cap draws only the last kSpaceTimeRecordsMax of them and
  // names how many it left out, so the page stays small.
  sim::RunResult result;
  for (std::uint64_t seed = 1; seed <= 40 && result.records.size() <= kSpaceTimeRecordsMax;
       seed++) {
    result = PlayWithTrace(seed, std::nullopt);
  }
  ASSERT_GT(result.records.size(), kSpaceTimeRecordsMax);
  const std::string page = SpaceTimeHtml(result, "vsrsim run");
  const std::size_t left_out = result.records.size() - kSpaceTimeRecordsMax;
  EXPECT_NE(page.find("Only the last " + std::to_string(kSpaceTimeRecordsMax) + " records"),
            std::string::npos);
  EXPECT_NE(page.find("the " + std::to_string(left_out) + " before them"), std::string::npos);
  EXPECT_LT(page.size(), 200 * kSpaceTimeRecordsMax) << "more than 200 bytes per record";
  ExpectEveryLane(page, result.options);
}

// Whether `records` hold more than `count` executions of one replica at one instant (a restarted
// replica replaying its log).
bool HasExecuteRun(const std::vector<sim::TraceRecord>& records, std::size_t count) {
  std::size_t run = 0;
  for (std::size_t i = 0; i < records.size(); i++) {
    const bool continues = i > 0 && records[i - 1].kind == sim::TraceKind::kExecute &&
                           records[i - 1].time_us == records[i].time_us &&
                           records[i - 1].from == records[i].from;
    run = records[i].kind != sim::TraceKind::kExecute ? 0 : continues ? run + 1 : 1;
    if (run > count) return true;
  }
  return false;
}

TEST(HtmlReportTest, LogReplayAfterRestartIsCollapsed) {
  // A restarted replica's replay (many executions at one instant) is drawn as a few executions
  // and a count of the rest, not as a tall column of markers.
  sim::RunResult result;
  for (std::uint64_t seed = 1; seed <= 40; seed++) {
    sim::RunOptions options = faults::DrawOptions(seed, faults::Profile::kFull);
    options.keep_trace = true;
    faults::SwarmNemesis nemesis;
    result = sim::Run(options, &nemesis);
    const SpaceTimeWindow window = ChooseSpaceTimeWindow(result.records);
    const std::vector<sim::TraceRecord> drawn(
        result.records.begin() + static_cast<std::ptrdiff_t>(window.begin),
        result.records.begin() + static_cast<std::ptrdiff_t>(window.end));
    if (HasExecuteRun(drawn, 10)) break;
    result.records.clear();
  }
  ASSERT_FALSE(result.records.empty()) << "no seed in 1..40 replays a log of over 10 ops";
  const std::string page = SpaceTimeHtml(result, "vsrsim run");
  EXPECT_NE(page.find("more executed, ops "), std::string::npos);
  std::size_t executions = 0;
  for (const sim::TraceRecord& record : result.records) {
    if (record.kind == sim::TraceKind::kExecute) executions++;
  }
  EXPECT_LT(Count(page, "<rect class=\"ex"), executions);
}

TEST(HtmlReportTest, RunWithoutRecordsSaysWhyThereIsNoDiagram) {
  // A crashed run (its trace died with the child) still gives the header, and says why there is
  // no diagram; markup in its message is escaped.
  sim::RunResult result;
  result.options = faults::DrawOptions(9, faults::Profile::kFull);
  result.outcome = sim::Outcome::kCrash;
  result.checker = "crash";
  result.message = "a replica aborted: <script>alert(1)</script> & \"more\"";
  const std::string page = SpaceTimeHtml(result, "vsrsim run --seed 9");
  EXPECT_NE(page.find("No diagram: the run crashed"), std::string::npos);
  EXPECT_EQ(page.find("<svg class=\"diagram\""), std::string::npos);
  EXPECT_EQ(page.find("<script>alert"), std::string::npos);
  EXPECT_NE(page.find("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;more&quot;"),
            std::string::npos);
}

}  // namespace
}  // namespace vsrsim::reports
