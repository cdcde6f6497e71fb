#pragma once
// A folder a command writes into (`sweep --report`, `--save-failures`, `--history-dir`, `merge
// --report`).
//
// Prepare() runs before any seed: it creates the folder and its missing parents (as `mkdir -p`),
// proves it writable by creating and removing a real file (access() says yes to root even on
// /proc), and refuses a folder that holds files this kind of folder never holds, so a sweep never
// deletes or mixes with what it did not write. A folder holding only an earlier output of the same
// kind is reused: ReplaceEarlier() removes the earlier per-seed files just before the new ones are
// written, so no stale seed-N.html or seed file survives. Abandon() removes the folders Prepare()
// created, when the command ends without writing anything (an early error, an interrupt before any
// seed finished): nothing is left behind. Subfolders are never touched.

#include <string>
#include <vector>

namespace vsrsim::reports {

enum class FolderKind {
  kReport,       // summary.json, junit.xml, summary.md, seed-N.html.
  kSeedFiles,    // seed-N.seed.
  kHistories,    // seed-N.jsonl (sweep --history-dir).
  kExplore,      // explore.json, finding-N.scenario, finding-N-found.scenario (explore --report).
  kCorpus,       // corpus-N.scenario (explore --corpus).
  kCrashPoints,  // crashpoints.json, crashpoint-*.scenario (crashpoints --report).
};

class OutputFolder {
 public:
  // Returns "" or one line naming `flag` and what to do.
  [[nodiscard]] std::string Prepare(const std::string& dir, const char* flag, FolderKind kind);
  // Removes the per-seed files of an earlier output. Returns "" or an error line.
  [[nodiscard]] std::string ReplaceEarlier() const;
  // Removes the folders Prepare() created, deepest first, if they are still empty.
  void Abandon();
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  FolderKind kind_ = FolderKind::kReport;
  std::vector<std::string> created_;  // Parents first.
};

}  // namespace vsrsim::reports
