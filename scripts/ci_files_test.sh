#!/usr/bin/env bash
# Checks that the nightly workflow and the Kubernetes Job are valid YAML and that their commands are
# exactly the ones this test runs: the shard commands are executed (with a small count and a fixed
# seed base), their reports merged with the merge command, and the result compared with the
# unsharded sweep.   Usage: scripts/ci_files_test.sh PATH/TO/vsrsim
set -euo pipefail
cd "$(dirname "$0")/.."
export VSRSIM="$(realpath "$1")" NIGHTLY_COUNT=40 NIGHTLY_BASE=5000
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Extract the commands (python3-yaml parses both files; a syntax error fails here).
/usr/bin/python3 - "$work" <<'PY'
import sys, yaml
work = sys.argv[1]
wf = yaml.safe_load(open(".github/workflows/nightly-sweep.yml"))
sweep = next(s["run"] for s in wf["jobs"]["sweep"]["steps"] if s.get("name") == "sweep")
merge = next(s["run"] for s in wf["jobs"]["merge"]["steps"] if s.get("name") == "merge")
assert wf["jobs"]["sweep"]["strategy"]["matrix"]["shard"] == [0, 1, 2, 3]
assert sweep == "scripts/nightly-sweep.sh --shard ${{ matrix.shard }}/4 --out reports/out/shard-${{ matrix.shard }}", sweep
prefix = "scripts/setup.sh release && "
assert merge.startswith(prefix), merge
job = yaml.safe_load(open("scripts/k8s-sweep-job.yaml"))
assert job["kind"] == "Job" and job["spec"]["completionMode"] == "Indexed"
assert job["spec"]["completions"] == 4
args = job["spec"]["template"]["spec"]["containers"][0]["args"][0]
k8s = args.split("&&")[-1].strip()
assert k8s == "scripts/nightly-sweep.sh --shard auto/4 --out /out/shard-$JOB_COMPLETION_INDEX", k8s
# The mutation jobs: 4 shards of scripts/mutate.py on a fixed range, merged (run by the mutation
# ctest, scripts/mutate_test.sh, on a sample; too long to run here in full).
steps = {s.get("name"): s["run"] for j in ("mutants", "mutants-merge") for s in wf["jobs"][j]["steps"]
         if "run" in s}
assert wf["jobs"]["mutants"]["strategy"]["matrix"]["shard"] == [0, 1, 2, 3]
assert steps["mutants"] == ("scripts/setup.sh release && scripts/mutate.py --seeds 1..1000 --shard "
                            "${{ matrix.shard }}/4 --out reports/out/mutants-${{ matrix.shard }}"), steps
assert steps["merge"] == "scripts/mutate.py --merge " + " ".join(
    f"reports/out/mutants-{i}" for i in range(4)) + " --out reports/out/mutants", steps
assert "mutants/mutants.md" in steps["job summary"], steps
open(work + "/cmd-sweep", "w").write(sweep)
open(work + "/cmd-merge", "w").write(merge[len(prefix):])
open(work + "/cmd-k8s", "w").write(k8s)
PY

# The workflow's shard commands, run as the matrix would, then its merge command.
for shard in 0 1 2 3; do
  cmd="$(sed "s/\${{ matrix.shard }}/$shard/g; s#reports/out#$work/gh#g" "$work/cmd-sweep")"
  bash -c "$cmd" >/dev/null 2>&1
done
merge="$(sed "s#build/release/reports/vsrsim#$VSRSIM#; s#reports/out#$work/gh#g" "$work/cmd-merge")"
bash -c "$merge" >/dev/null

# The Kubernetes Job's command, as each indexed pod would run it.
for index in 0 1 2 3; do
  cmd="$(sed "s#/out#$work/k8s#g" "$work/cmd-k8s")"
  JOB_COMPLETION_INDEX=$index bash -c "$cmd" >/dev/null
done
"$VSRSIM" merge --report "$work/k8s/merged" "$work"/k8s/shard-{0,1,2,3} >/dev/null

# Both equal the unsharded sweep of the same range.
scripts/nightly-sweep.sh --out "$work/all" >/dev/null 2>&1
cmp "$work/all/summary.json" "$work/gh/merged/summary.json"
cmp "$work/all/summary.json" "$work/k8s/merged/summary.json"
echo "ok: workflow and Kubernetes commands run, and their merged reports equal the unsharded sweep"
