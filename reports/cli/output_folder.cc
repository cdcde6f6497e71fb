#include "reports/cli/output_folder.h"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace vsrsim::reports {

namespace {

bool IsDirectory(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode);
}

bool StartsWith(const std::string& text, const char* prefix) { return text.rfind(prefix, 0) == 0; }
bool EndsWith(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}
bool IsDecimal(const std::string& text) {
  return !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
}

// seed-N<suffix>, the name of one seed's file.
bool IsPerSeed(const std::string& name, const std::string& suffix) {
  return StartsWith(name, "seed-") && EndsWith(name, suffix) &&
         IsDecimal(name.substr(5, name.size() - 5 - suffix.size()));
}

// <prefix>N<suffix>, a numbered file of an explore's output.
bool IsNumbered(const std::string& name, const char* prefix, const std::string& suffix) {
  const std::size_t start = std::string(prefix).size();
  return StartsWith(name, prefix) && name.size() > start + suffix.size() &&
         EndsWith(name, suffix) &&
         IsDecimal(name.substr(start, name.size() - start - suffix.size()));
}

// Whether `name` is a file an output of this kind holds: its own files, and what a killed command
// leaves behind (an atomic write's NAME.tmp.PID, a writability probe).
bool Belongs(std::string name, FolderKind kind) {
  if (StartsWith(name, ".vsrsim-probe.")) return true;  // A probe whose command was killed.
  if (const auto tmp = name.find(".tmp."); tmp != std::string::npos) name = name.substr(0, tmp);
  if (kind == FolderKind::kSeedFiles) return IsPerSeed(name, ".seed");
  if (kind == FolderKind::kHistories) return IsPerSeed(name, ".jsonl");
  if (kind == FolderKind::kCorpus) return IsNumbered(name, "corpus-", ".scenario");
  if (kind == FolderKind::kCrashPoints) {
    return name == "crashpoints.json" ||
           (StartsWith(name, "crashpoint-") && EndsWith(name, ".scenario"));
  }
  if (kind == FolderKind::kExplore) {
    return name == "explore.json" || IsNumbered(name, "finding-", ".scenario") ||
           IsNumbered(name, "finding-", "-found.scenario");
  }
  return name == "summary.json" || name == "junit.xml" || name == "summary.md" ||
         IsPerSeed(name, ".html");
}

// The files in `dir` (not subfolders), or an error.
std::string ListFiles(const std::string& dir, std::vector<std::string>& files) {
  DIR* handle = ::opendir(dir.c_str());
  if (handle == nullptr) return std::strerror(errno);
  while (const dirent* entry = ::readdir(handle)) {
    const std::string name = entry->d_name;
    if (name == "." || name == ".." || IsDirectory(dir + "/" + name)) continue;
    files.push_back(name);
  }
  ::closedir(handle);
  return "";
}

}  // namespace

std::string OutputFolder::Prepare(const std::string& dir, const char* flag, FolderKind kind) {
  dir_ = dir;
  kind_ = kind;
  // mkdir -p, remembering what was created so that Abandon() can take it back.
  for (std::size_t slash = dir.find('/', 1);; slash = dir.find('/', slash + 1)) {
    const std::string prefix = dir.substr(0, slash);
    if (!prefix.empty() && ::mkdir(prefix.c_str(), 0755) == 0) {
      created_.push_back(prefix);
    } else if (!prefix.empty() && errno != EEXIST) {
      const std::string error = fmt::format("{} {}: cannot create the folder {}: {}", flag, dir,
                                            prefix, std::strerror(errno));
      Abandon();
      return error;
    }
    if (slash == std::string::npos) break;
  }
  if (!IsDirectory(dir)) {
    Abandon();
    return fmt::format("{} {}: not a folder", flag, dir);
  }
  const std::string probe = fmt::format("{}/.vsrsim-probe.{}", dir, ::getpid());
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0644);
  const bool written = fd >= 0 && ::write(fd, "x", 1) == 1;
  const int error_number = errno;
  if (fd >= 0) ::close(fd);
  ::unlink(probe.c_str());
  if (!written) {
    Abandon();
    return fmt::format("{} {}: the folder is not writable: {}", flag, dir,
                       std::strerror(error_number));
  }
  std::vector<std::string> files;
  if (const std::string error = ListFiles(dir, files); !error.empty()) {
    Abandon();
    return fmt::format("{} {}: cannot list the folder: {}", flag, dir, error);
  }
  for (const std::string& name : files) {
    if (Belongs(name, kind)) continue;
    return fmt::format(
        "{} {}: the folder holds {}, which vsrsim did not write there; give an empty or new "
        "folder, or one that holds only an earlier {}",
        flag, dir, name,
        kind == FolderKind::kReport        ? "report"
        : kind == FolderKind::kSeedFiles   ? "sweep's seed files"
        : kind == FolderKind::kExplore     ? "explore report"
        : kind == FolderKind::kCorpus      ? "explore corpus"
        : kind == FolderKind::kCrashPoints ? "crashpoints report"
                                           : "sweep's histories");
  }
  return "";
}

std::string OutputFolder::ReplaceEarlier() const {
  std::vector<std::string> files;
  if (const std::string error = ListFiles(dir_, files); !error.empty()) {
    return fmt::format("cannot list {}: {}", dir_, error);
  }
  for (const std::string& name : files) {
    const bool replaced_by_rename = name == "summary.json" || name == "junit.xml" ||
                                    name == "summary.md" || name == "explore.json";
    if (!Belongs(name, kind_) || replaced_by_rename) continue;
    const std::string path = dir_ + "/" + name;
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
      return fmt::format("cannot remove the earlier {}: {}", path, std::strerror(errno));
    }
  }
  return "";
}

void OutputFolder::Abandon() {
  for (auto it = created_.rbegin(); it != created_.rend(); ++it) ::rmdir(it->c_str());
  created_.clear();
}

}  // namespace vsrsim::reports
