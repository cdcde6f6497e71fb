#include "reports/markdown_report.h"

#include <fmt/format.h>

#include <array>
#include <iterator>
#include <string_view>

namespace vsrsim::reports {

namespace {

using sim::kOutcomes;

// Escapes text for a table cell: a pipe would end the cell, a line break the row, and `<`, `>`
// and `&` could open raw HTML or an entity; backslashes and the characters that start emphasis,
// links or code are escaped so a message renders as the text it is.
std::string Cell(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '|':
      case '\\':
      case '*':
      case '_':
      case '`':
      case '[':
      case ']':
      case '#':
        out += '\\';
        out += c;
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '\n':
      case '\r':
      case '\t':
        out += ' ';
        break;
      default:
        out += c;
    }
  }
  return out;
}

// A code span in a table cell: backticks cannot be escaped inside one, so they become quotes; a
// pipe must still be escaped (GitHub splits cells before it parses code spans).
std::string CodeCell(std::string_view text) {
  std::string out = "`";
  for (const char c : text) {
    if (c == '`') {
      out += '\'';
    } else if (c == '|') {
      out += "\\|";
    } else if (c == '\n' || c == '\r' || c == '\t') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out + "`";
}

// Cuts `text` to at most `max` bytes, never inside a UTF-8 sequence, and marks the cut.
std::string Shorten(std::string_view text, std::size_t max) {
  if (text.size() <= max) return std::string(text);
  std::size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) end--;
  return std::string(text.substr(0, end)) + "\u2026";
}

void AppendFailures(std::string& page, const SweepSummary& summary, std::size_t failed) {
  if (failed == 0) return;
  page += "\n### Failures\n\n";
  page += "| seed | outcome | checker | message | reproduce |\n";
  page += "|---:|---|---|---|---|\n";
  std::size_t listed = 0;
  for (const SweepEntry& entry : summary.entries) {
    if (entry.outcome == sim::Outcome::kPass) continue;
    if (listed == kMarkdownFailuresMax) break;
    listed++;
    fmt::format_to(std::back_inserter(page), "| {} | {} | {} | {} | {} |\n", entry.seed,
                   sim::OutcomeName(entry.outcome), Cell(entry.checker),
                   Cell(Shorten(entry.message, kMarkdownMessageMax)), CodeCell(entry.reproduce));
  }
  if (listed < failed) {
    fmt::format_to(std::back_inserter(page),
                   "\n{} more failures are not listed here; summary.json and junit.xml have them "
                   "all.\n",
                   failed - listed);
  }
}

}  // namespace

std::string SummaryMarkdown(const SweepSummary& summary) {
  std::array<std::size_t, kOutcomes.size()> counts{};
  std::vector<std::pair<std::string, std::uint64_t>> coverage = sim::Coverage{}.Fields();
  for (const SweepEntry& entry : summary.entries) {
    for (std::size_t i = 0; i < kOutcomes.size(); i++) {
      if (entry.outcome == kOutcomes[i]) counts[i]++;
    }
    const auto fields = entry.coverage.Fields();
    for (std::size_t i = 0; i < fields.size(); i++) coverage[i].second += fields[i].second;
  }
  const std::size_t seeds = summary.entries.size();
  const std::size_t passed = counts[0];
  const std::size_t failed = seeds - passed;

  std::string page;
  if (failed > 0) {
    fmt::format_to(std::back_inserter(page), "## \u274c vsrsim sweep: {} of {} seeds failed\n\n",
                   failed, seeds);
  } else {
    fmt::format_to(std::back_inserter(page), "## \u2705 vsrsim sweep: all {} seeds passed\n\n",
                   seeds);
  }
  if (summary.interrupted) {
    page += "> **Interrupted:** the sweep was stopped before every seed ran.\n\n";
  }
  page += "| seeds | passed | failed | mutants | shard | fingerprint_of_fingerprints |\n";
  page += "|---:|---:|---:|---|---|---|\n";
  fmt::format_to(std::back_inserter(page), "| {} | {} | {} | {} | {} | `{:016x}` |\n", seeds,
                 passed, failed, summary.mutants.empty() ? "none" : Cell(summary.mutants),
                 Cell(summary.shard), FingerprintOfFingerprints(summary.entries));

  page += "\n### Outcomes\n\n| outcome | seeds |\n|---|---:|\n";
  for (std::size_t i = 0; i < kOutcomes.size(); i++) {
    fmt::format_to(std::back_inserter(page), "| {} | {} |\n", sim::OutcomeName(kOutcomes[i]),
                   counts[i]);
  }
  page += "\n### Coverage (sums over all seeds)\n\n| counter | sum |\n|---|---:|\n";
  for (const auto& [name, value] : coverage) {
    fmt::format_to(std::back_inserter(page), "| {} | {} |\n", CodeCell(name), value);
  }
  AppendFailures(page, summary, failed);
  return page;
}

}  // namespace vsrsim::reports
