#!/usr/bin/env bash
# The README's two commands, as a newcomer meets them. They are extracted from README.md (never
# copied here), so when the README changes the test follows it:
#   - the main command runs exactly as written in a fresh `git clone` of HEAD, in a temporary
#     folder (installed packages are reused; setup.sh installs nothing when all are present), and
#     must exit 0 and write summary.json in its --report folder;
#   - the test command must be the one .ci/run calls (it is not run here: it runs this test).
# Skips (exit 77) only when the build tools are missing, and says which.
#   Usage: scripts/readme_test.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

missing=()
for tool in git cmake ninja c++ pkg-config python3; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if ((${#missing[@]} > 0)); then
  echo "SKIP: build tools missing: ${missing[*]}"
  exit 77
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The commands of the fenced block under "## The two commands": every line that is not a comment.
python3 - "$work" <<'PY'
import re, sys
text = open("README.md").read()
section = text.split("## The two commands", 1)[1]
block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
commands = [line for line in block.splitlines() if line.strip() and not line.lstrip().startswith("#")]
assert len(commands) == 2, commands
main = next(c for c in commands if "vsrsim sweep" in c)
tests = next(c for c in commands if c != main)
report = re.search(r"--report\s+(\S+)", main).group(1)
open(sys.argv[1] + "/main", "w").write(main)
open(sys.argv[1] + "/tests", "w").write(tests)
open(sys.argv[1] + "/report", "w").write(report)
PY
main="$(cat "$work/main")"
tests="$(cat "$work/tests")"
report="$(cat "$work/report")"

# The test command is what CI runs.
grep -qx "exec $tests" .ci/run || { echo "FAIL: .ci/run does not call '$tests'"; cat .ci/run; exit 1; }
[[ -x "$tests" ]] || { echo "FAIL: '$tests' is not an executable file"; exit 1; }
echo "ok: the test command '$tests' is what .ci/run calls"

# The main command on a fresh clone of HEAD (what is committed, not this work tree's edits).
head="$(git rev-parse HEAD)"
git clone --quiet "$ROOT" "$work/clone"
git -C "$work/clone" checkout --quiet --detach "$head"
echo "running in a fresh clone of $head: $main"
started=$(date +%s)
if ! (cd "$work/clone" && bash -c "$main") >"$work/log" 2>&1; then
  echo "FAIL: the README's main command exited non-zero on a fresh clone:"
  tail -20 "$work/log"
  exit 1
fi
python3 - "$work/clone/$report/summary.json" <<'PY'
import json, sys
summary = json.load(open(sys.argv[1]))
assert summary["seeds"] > 0 and summary["failed"] == 0 and not summary["interrupted"], summary["seeds"]
print(f"ok: summary.json: {summary['seeds']} seeds, {summary['passed']} passed")
PY
echo "ok: the README's main command exits 0 on a fresh clone ($(($(date +%s) - started)) s)"
