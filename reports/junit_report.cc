#include "reports/junit_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iterator>

namespace vsrsim::reports {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD in UTF-8.

// The length of the valid UTF-8 sequence starting at text[i] (2 to 4), or 0 if it is not one.
// Surrogates, overlong forms, code points above U+10FFFF and the XML non-characters U+FFFE and
// U+FFFF are all rejected.
std::size_t Utf8SequenceLength(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<std::uint8_t>(text[i + k]); };
  const std::uint8_t lead = byte(0);
  std::size_t length = 0;
  std::uint8_t second_min = 0x80;
  std::uint8_t second_max = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) second_min = 0xA0;
    if (lead == 0xED) second_max = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) second_min = 0x90;
    if (lead == 0xF4) second_max = 0x8F;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  if (byte(1) < second_min || byte(1) > second_max) return 0;
  for (std::size_t k = 2; k < length; k++) {
    if (byte(k) < 0x80 || byte(k) > 0xBF) return 0;
  }
  if (length == 3 && lead == 0xEF && byte(1) == 0xBF && byte(2) >= 0xBE) return 0;
  return length;
}

std::string Escape(std::string_view text, bool keep_line_breaks) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<std::uint8_t>(text[i]);
    if (c >= 0x80) {
      const std::size_t length = Utf8SequenceLength(text, i);
      if (length == 0) {
        out += kReplacement;
        i++;
      } else {
        out.append(text.substr(i, length));
        i += length;
      }
      continue;
    }
    i++;
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      case '\t':
        out += "&#9;";
        break;
      case '\n':
        out += keep_line_breaks ? "\n" : "&#10;";
        break;
      case '\r':
        out += "&#13;";
        break;
      default:
        if (c < 0x20) {
          out += kReplacement;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out;
}

// Character data keeps its line breaks literally, so the report stays readable as a file.
std::string EscapeText(std::string_view text) { return Escape(text, true); }

// "3.250" seconds from milliseconds, the unit JUnit's `time` attributes use.
std::string Seconds(double ms) { return fmt::format("{:.3f}", std::max(0.0, ms) / 1000.0); }

void AppendSeedCase(std::string& xml, const SweepEntry& entry) {
  const std::string outcome = sim::OutcomeName(entry.outcome);
  const std::string headline = fmt::format("{}: {}: {}", outcome, entry.checker, entry.message);
  const std::string body = fmt::format(
      "seed: {}\noutcome: {}\nchecker: {}\nmessage: {}\nfingerprint: {:016x}\n"
      "reproduce: {}\n",
      entry.seed, outcome, entry.checker, entry.message, entry.fingerprint, entry.reproduce);
  fmt::format_to(std::back_inserter(xml),
                 "    <testcase name=\"seed {}\" classname=\"vsrsim.sweep\" time=\"{}\">\n"
                 "      <failure message=\"{}\" type=\"{}\">{}</failure>\n"
                 "    </testcase>\n",
                 entry.seed, Seconds(entry.wall_ms), XmlEscape(headline), XmlEscape(outcome),
                 EscapeText(body));
}

void AppendSweepCase(std::string& xml, const SweepSummary& summary, std::size_t failed,
                     double wall_ms) {
  const std::size_t seeds = summary.entries.size();
  const std::string counts = fmt::format(
      "{} seeds, {} passed, {} failed{}; mutants: {}; shard {}; "
      "fingerprint_of_fingerprints {:016x}",
      seeds, seeds - failed, failed, summary.interrupted ? ", interrupted" : "",
      summary.mutants.empty() ? "none" : summary.mutants, summary.shard,
      FingerprintOfFingerprints(summary.entries));
  fmt::format_to(std::back_inserter(xml),
                 "    <testcase name=\"sweep\" classname=\"vsrsim.sweep\" time=\"{}\">\n",
                 Seconds(wall_ms));
  if (failed > 0 || summary.interrupted) {
    std::string failing;
    for (const SweepEntry& entry : summary.entries) {
      if (entry.outcome == sim::Outcome::kPass) continue;
      failing += fmt::format("seed {} {} {}: {}\n", entry.seed, sim::OutcomeName(entry.outcome),
                             entry.checker, entry.reproduce);
    }
    const std::string message =
        failed > 0 ? fmt::format("{} of {} seeds failed", failed, seeds)
                   : fmt::format("the sweep was interrupted after {} seeds", seeds);
    fmt::format_to(std::back_inserter(xml),
                   "      <failure message=\"{}\" type=\"{}\">{}</failure>\n", XmlEscape(message),
                   failed > 0 ? "sweep" : "interrupted", EscapeText(counts + "\n" + failing));
  }
  fmt::format_to(std::back_inserter(xml),
                 "      <system-out>{}</system-out>\n"
                 "    </testcase>\n",
                 EscapeText(counts + "\n"));
}

}  // namespace

std::string XmlEscape(std::string_view text) { return Escape(text, false); }

std::string JunitXml(const SweepSummary& summary) {
  std::size_t failed = 0;
  double wall_ms = 0;
  for (const SweepEntry& entry : summary.entries) {
    if (entry.outcome != sim::Outcome::kPass) failed++;
    wall_ms += entry.wall_ms;
  }
  const bool sweep_failed = failed > 0 || summary.interrupted;
  const std::size_t tests = failed + 1;
  const std::size_t failures = failed + (sweep_failed ? 1 : 0);
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  fmt::format_to(std::back_inserter(xml),
                 "<testsuites name=\"vsrsim\" tests=\"{}\" failures=\"{}\" errors=\"0\" "
                 "skipped=\"0\" time=\"{}\">\n"
                 "  <testsuite name=\"vsrsim.sweep\" tests=\"{}\" failures=\"{}\" errors=\"0\" "
                 "skipped=\"0\" time=\"{}\">\n"
                 "    <properties>\n"
                 "      <property name=\"mutants\" value=\"{}\"/>\n"
                 "      <property name=\"shard\" value=\"{}\"/>\n"
                 "      <property name=\"seeds\" value=\"{}\"/>\n"
                 "      <property name=\"fingerprint_of_fingerprints\" value=\"{:016x}\"/>\n"
                 "    </properties>\n",
                 tests, failures, Seconds(wall_ms), tests, failures, Seconds(wall_ms),
                 XmlEscape(summary.mutants), XmlEscape(summary.shard), summary.entries.size(),
                 FingerprintOfFingerprints(summary.entries));
  for (const SweepEntry& entry : summary.entries) {
    if (entry.outcome != sim::Outcome::kPass) AppendSeedCase(xml, entry);
  }
  AppendSweepCase(xml, summary, failed, wall_ms);
  xml += "  </testsuite>\n</testsuites>\n";
  return xml;
}

}  // namespace vsrsim::reports
