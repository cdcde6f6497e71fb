// Writing a sweep's report folder: shared by `sweep --report` and `merge --report`.

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "reports/atomic_file.h"
#include "reports/cli/commands.h"
#include "reports/junit_report.h"
#include "reports/markdown_report.h"
#include "reports/summary.h"

namespace vsrsim::reports {

std::string EnsureDirectory(const std::string& dir, const char* flag) {
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
    return fmt::format("{} {}: cannot create the folder: {}", flag, dir, std::strerror(errno));
  }
  struct stat info {};
  if (::stat(dir.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) {
    return fmt::format("{} {}: not a folder", flag, dir);
  }
  if (::access(dir.c_str(), W_OK) != 0) {
    return fmt::format("{} {}: the folder is not writable", flag, dir);
  }
  return "";
}

std::string WriteReports(const std::string& dir, const SweepSummary& summary) {
  if (std::string error = EnsureDirectory(dir, "--report"); !error.empty()) return error;
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
