#include "reports/markdown_report.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>

namespace vsrsim::reports {
namespace {

SweepEntry Failing(std::uint64_t seed, std::string message) {
  SweepEntry entry;
  entry.seed = seed;
  entry.outcome = sim::Outcome::kLiveness;
  entry.checker = "liveness";
  entry.message = std::move(message);
  entry.reproduce = "vsrsim run --seed " + std::to_string(seed);
  return entry;
}

TEST(MarkdownReportTest, HeadlineCountsCoverageAndFailures) {
  // The page leads with the counts and the fingerprint of fingerprints, sums coverage over every
  // seed, and lists each failure with its reproduce command as code.
  SweepSummary summary;
  summary.entries.emplace_back();
  summary.entries.back().seed = 1;
  summary.entries.back().fingerprint = 7;
  summary.entries.back().coverage.crashes = 2;
  summary.entries.push_back(Failing(2, "stalled"));
  summary.entries.back().coverage.crashes = 3;
  const std::string page = SummaryMarkdown(summary);
  EXPECT_NE(page.find("1 of 2 seeds failed"), std::string::npos);
  EXPECT_NE(page.find(fmt::format("`{:016x}`", FingerprintOfFingerprints(summary.entries))),
            std::string::npos);
  EXPECT_NE(page.find("| pass | 1 |"), std::string::npos);
  EXPECT_NE(page.find("| liveness | 1 |"), std::string::npos);
  EXPECT_NE(page.find("| `crashes` | 5 |"), std::string::npos);
  EXPECT_NE(page.find("| 2 | liveness | liveness | stalled | `vsrsim run --seed 2` |"),
            std::string::npos);
}

TEST(MarkdownReportTest, CellsCannotBreakTheTable) {
  // A pipe, a line break or markup in a message stays inside its cell, and a long message is cut.
  SweepSummary summary;
  summary.entries.push_back(Failing(5, "a|b\nc <b>d</b> " + std::string(400, 'x')));
  const std::string page = SummaryMarkdown(summary);
  EXPECT_NE(page.find("a\\|b c &lt;b&gt;d&lt;/b&gt; xxx"), std::string::npos);
  EXPECT_EQ(page.find(std::string(kMarkdownMessageMax, 'x')), std::string::npos);
  EXPECT_NE(page.find("\u2026 |"), std::string::npos);
}

TEST(MarkdownReportTest, ManyFailuresAreCapped) {
  // Past kMarkdownFailuresMax failures the table stops and the page says how many it left out.
  SweepSummary summary;
  for (std::uint64_t seed = 1; seed <= kMarkdownFailuresMax + 5; seed++) {
    summary.entries.push_back(Failing(seed, "stalled"));
  }
  const std::string page = SummaryMarkdown(summary);
  EXPECT_NE(page.find("5 more failures are not listed"), std::string::npos);
  EXPECT_EQ(page.find(fmt::format("| {} |", kMarkdownFailuresMax + 1)), std::string::npos);
}

}  // namespace
}  // namespace vsrsim::reports
