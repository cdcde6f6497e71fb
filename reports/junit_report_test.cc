#include "reports/junit_report.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <utility>

namespace vsrsim::reports {
namespace {

std::size_t Count(const std::string& text, const std::string& needle) {
  std::size_t count = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos;
       at = text.find(needle, at + needle.size())) {
    count++;
  }
  return count;
}

SweepEntry Entry(std::uint64_t seed, sim::Outcome outcome, std::string message) {
  SweepEntry entry;
  entry.seed = seed;
  entry.outcome = outcome;
  entry.checker = outcome == sim::Outcome::kPass ? "" : "at-most-once";
  entry.message = std::move(message);
  entry.fingerprint = seed * 0x11;
  entry.reproduce = "vsrsim run --seed " + std::to_string(seed);
  return entry;
}

SweepSummary ThreeSeedsOneFailing() {
  SweepSummary summary;
  summary.mutants = "silent-eviction";
  summary.entries.push_back(Entry(1, sim::Outcome::kPass, ""));
  summary.entries.push_back(
      Entry(2, sim::Outcome::kSafety, "request <2> & \"3\" executed twice\nat op 4"));
  summary.entries.back().reproduce += " --mutant silent-eviction";
  summary.entries.push_back(Entry(3, sim::Outcome::kPass, ""));
  return summary;
}

TEST(JunitReportTest, OneCasePerFailingSeedPlusTheSweepAndCountsThatMatch) {
  // A sweep with one failing seed gives two testcases (the seed and the aggregate), both failing,
  // and the suite's counts say exactly that.
  const std::string xml = JunitXml(ThreeSeedsOneFailing());
  EXPECT_EQ(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", 0), 0U);
  EXPECT_NE(xml.find("<testsuite name=\"vsrsim.sweep\" tests=\"2\" failures=\"2\""),
            std::string::npos);
  EXPECT_EQ(Count(xml, "<testcase "), 2U);
  EXPECT_EQ(Count(xml, "<failure "), 2U);
  EXPECT_NE(xml.find("<testcase name=\"seed 2\" classname=\"vsrsim.sweep\""), std::string::npos);
  EXPECT_NE(xml.find("<testcase name=\"sweep\" classname=\"vsrsim.sweep\""), std::string::npos);
  EXPECT_EQ(xml.find("name=\"seed 1\""), std::string::npos) << "passing seeds get no testcase";
  EXPECT_NE(xml.find("type=\"safety\""), std::string::npos);
  EXPECT_NE(xml.find("reproduce: vsrsim run --seed 2 --mutant silent-eviction"), std::string::npos);
}

TEST(JunitReportTest, MessagesAreEscaped) {
  // Markup, quotes and line breaks in a message cannot break the XML: attributes keep the line
  // break as a character reference, character data escapes the markup.
  const std::string xml = JunitXml(ThreeSeedsOneFailing());
  EXPECT_EQ(xml.find("<2>"), std::string::npos);
  EXPECT_NE(xml.find("message=\"safety: at-most-once: request &lt;2&gt; &amp; &quot;3&quot; "
                     "executed twice&#10;at op 4\""),
            std::string::npos);
  EXPECT_NE(xml.find("message: request &lt;2&gt; &amp; &quot;3&quot; executed twice\nat op 4"),
            std::string::npos);
}

TEST(JunitReportTest, AllPassingSweepHasOnePassingCase) {
  // With every seed passing the report holds one passing testcase and no failure.
  SweepSummary summary = ThreeSeedsOneFailing();
  summary.entries.erase(summary.entries.begin() + 1);
  const std::string xml = JunitXml(summary);
  EXPECT_NE(xml.find("tests=\"1\" failures=\"0\""), std::string::npos);
  EXPECT_EQ(xml.find("<failure"), std::string::npos);
  summary.interrupted = true;
  EXPECT_NE(JunitXml(summary).find("type=\"interrupted\""), std::string::npos)
      << "an interrupted sweep must not look green";
}

TEST(JunitReportTest, XmlEscapeReplacesWhatXmlCannotCarry) {
  // Control characters and invalid UTF-8 become U+FFFD; valid UTF-8 passes through unchanged.
  EXPECT_EQ(XmlEscape("a\x01z"), "a\xEF\xBF\xBDz");
  EXPECT_EQ(XmlEscape("\xC3\xA9t\xC3\xA9"), "\xC3\xA9t\xC3\xA9");
  EXPECT_EQ(XmlEscape("\xC3("), "\xEF\xBF\xBD(");
  EXPECT_EQ(XmlEscape("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // A surrogate.
  EXPECT_EQ(XmlEscape("'\t\r"), "&#39;&#9;&#13;");
}

}  // namespace
}  // namespace vsrsim::reports
