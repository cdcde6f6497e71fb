// Writing a sweep's report folder: shared by `sweep --report` and `merge --report`.

#include <fmt/format.h>

#include "reports/atomic_file.h"
#include "reports/cli/commands.h"
#include "reports/junit_report.h"
#include "reports/markdown_report.h"
#include "reports/summary.h"

namespace vsrsim::reports {

std::string WriteReports(const OutputFolder& folder, const SweepSummary& summary) {
  if (std::string error = folder.ReplaceEarlier(); !error.empty()) return error;
  const std::string& dir = folder.dir();
  for (const auto& [name, content] :
       {std::pair{"summary.json", SummaryJson(summary).dump(2) + "\n"},
        std::pair{"junit.xml", JunitXml(summary)},
        std::pair{"summary.md", SummaryMarkdown(summary)}}) {
    if (std::string error = WriteFileAtomically(fmt::format("{}/{}", dir, name), content);
        !error.empty()) {
      return error;
    }
  }
  return "";
}

}  // namespace vsrsim::reports
