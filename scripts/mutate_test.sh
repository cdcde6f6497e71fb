#!/usr/bin/env bash
# Proves scripts/mutate.py works end to end on a small sample: 8 mutants and one known-killable
# mutant (deleting the call that executes a committed op) over 200 seeds, built on this build
# folder's objects; the summary line is printed, mutants.json is valid and agrees with it, the
# known-killable mutant is killed, a second run resumes without sweeping again, and two shards
# merge into the unsharded report byte for byte.   Usage: scripts/mutate_test.sh BUILD_DIR
set -euo pipefail
cd "$(dirname "$0")/.."
build="$(realpath "$1")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mutate=(scripts/mutate.py --build-dir "$build" --work "$build/mutate-test" --no-build
  --seeds 1..200 --triage "$work/no-triage.md")
fail() {
  echo "FAIL: $*" >&2
  exit 1
}

"${mutate[@]}" --sample 8 --out "$work/sample" >"$work/sample.txt" 2>"$work/sample.err" ||
  fail "mutate.py --sample 8 exited $?: $(tail -5 "$work/sample.err")"
line="$(grep '^MUTANTS ' "$work/sample.txt")" || fail "no MUTANTS line: $(cat "$work/sample.txt")"
echo "$line"
/usr/bin/python3 - "$work/sample/mutants.json" "$line" <<'PY'
import json, sys
document = json.load(open(sys.argv[1]))
rows, summary = document["mutants"], document["summary"]
assert len(rows) == 8 == summary["total"], summary
assert all(r["status"] in ("killed", "survived", "unchanged", "invalid") for r in rows), rows
assert sys.argv[2].startswith(f"MUTANTS total=8 killed={summary['killed']} "), sys.argv[2]
assert all(r["first_failure"]["seed"] for r in rows if r["status"] == "killed")
PY

"${mutate[@]}" --only Replica::execute_committed:index-plus-one --out "$work/known" >"$work/known.txt" \
  2>"$work/known.err" || fail "mutate.py --only exited $?: $(tail -5 "$work/known.err")"
/usr/bin/python3 - "$work/known/mutants.json" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))["mutants"]
assert len(rows) == 1 and rows[0]["status"] == "killed", rows
PY

# Resumed: every result is kept, nothing is built or swept again, the report is the same.
cp "$work/sample/mutants.json" "$work/first.json"
"${mutate[@]}" --sample 8 --out "$work/sample" >/dev/null 2>"$work/again.err"
grep -q '8 already done' "$work/again.err" || fail "not resumed: $(cat "$work/again.err")"
cmp "$work/first.json" "$work/sample/mutants.json"

# Sharded (each shard resumes from a copy of the results) and merged: the unsharded report.
for shard in 0 1; do
  mkdir -p "$work/shard-$shard" && cp -r "$work/sample/results" "$work/shard-$shard/"
  "${mutate[@]}" --sample 8 --shard "$shard/2" --out "$work/shard-$shard" >/dev/null 2>&1
done
scripts/mutate.py --merge "$work/shard-0" "$work/shard-1" --out "$work/merged" \
  --triage "$work/no-triage.md" >/dev/null 2>&1
cmp "$work/sample/mutants.json" "$work/merged/mutants.json"
cmp "$work/sample/mutants.md" "$work/merged/mutants.md"
echo "ok: sample swept and classified, known mutant killed, resumed, shards merged"
