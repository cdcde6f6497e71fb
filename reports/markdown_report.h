#pragma once
// A sweep as a Markdown page (`summary.md` in `sweep --report DIR`), ready to append to
// $GITHUB_STEP_SUMMARY: a headline (seeds, passed, failed, the fingerprint of fingerprints), the
// count per outcome, the summed coverage, and a table of the failures with the command that
// reproduces each.
//
// Every value is escaped for a GitHub-flavoured Markdown table cell (no pipe, line break or raw
// HTML gets through). Messages are shortened to keep the table readable; summary.json and
// junit.xml carry them whole. At most `kMarkdownFailuresMax` failures are listed, since GitHub
// refuses step summaries above 1 MiB; the page says how many were left out.

#include <cstddef>
#include <string>

#include "reports/summary.h"

namespace vsrsim::reports {

inline constexpr std::size_t kMarkdownFailuresMax = 200;
inline constexpr std::size_t kMarkdownMessageMax = 160;  // Bytes, before the ellipsis.

std::string SummaryMarkdown(const SweepSummary& summary);

}  // namespace vsrsim::reports
