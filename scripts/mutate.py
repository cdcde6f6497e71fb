#!/usr/bin/python3
"""Mutation testing of the core: a mutation score for the harness.

Generates single-change mutants of core/*.cc (scripts/mutation/sites.py says which changes), builds
them all at once as a mutant schemata (each site a runtime choice on the VSRSIM_MUTATION environment
variable, read once per process in that generated build only; the committed core never reads it),
sweeps each mutant on a seed range, and classifies it:

- killed: some seed fails (the first failing seed, its outcome and checker are kept); trivial if
  the range's first seed already fails by an assertion (outcome crash),
- survived: every seed passes, and some fingerprint differs from the unmutated core's,
- unchanged: every seed passes with the unmutated core's fingerprint (equivalent on this range),
- invalid: does not compile (a site the schemata cannot hold is built alone to find out).

Score = killed / (killed + survived). Writes OUT/mutants.json and OUT/mutants.md atomically and
prints `MUTANTS total=.. killed=.. survived=.. unchanged=.. invalid=.. score=..%`, then every
survivor that has no decision in core/MUTANTS.md. Resumable (each mutant's result is kept in
OUT/results/), shardable (--shard I/N), and `--merge DIR...` merges shard reports into the
unsharded one.

    scripts/mutate.py [--files core/replica.cc,...] [--seeds A..B] [--jobs N] [--sample K]
                      [--only TEXT,...] [--shard I/N] [--out DIR] [--build-dir DIR]
                      [--timeout-ms MS]
    scripts/mutate.py --merge DIR... [--out DIR]
"""

import argparse
import concurrent.futures
import glob
import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mutation import build, report, schemata, sites  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_FILES = "core/replica.cc,core/clients_table.cc"
EXIT_USAGE, EXIT_IO = 64, 74


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--files", default=DEFAULT_FILES, help="core files to mutate, comma-separated")
    p.add_argument("--seeds", default="1..1000", help="seed range A..B (both included)")
    p.add_argument("--jobs", type=int, default=2, help="mutants swept at once")
    p.add_argument("--sample", type=int, help="only K mutants, chosen by a hash of their id")
    p.add_argument("--only", help="only the mutants whose id, or FUNCTION:KIND, contains one of "
                   "these comma-separated texts (e.g. Replica::maybe_commit:delete-break)")
    p.add_argument("--shard", default="0/1", help="only the mutants at positions I mod N")
    p.add_argument("--out", default=os.path.join(ROOT, "reports/out/mutants"))
    p.add_argument("--build-dir", default=os.path.join(ROOT, "build/release"),
                   help="the build folder whose objects and flags the mutants reuse")
    p.add_argument("--work", help="generated sources and binaries (default BUILD-DIR/mutate)")
    p.add_argument("--no-build", action="store_true", help="do not (re)build the reference")
    p.add_argument("--timeout-ms", type=int, default=5000, help="wall-clock limit per seed")
    p.add_argument("--triage", default=os.path.join(ROOT, "core/MUTANTS.md"))
    p.add_argument("--merge", nargs="+", metavar="DIR", help="merge shard reports into --out")
    p.add_argument("--verbose", action="store_true", help="one line per mutant")
    args = p.parse_args(argv)
    try:
        first, last = (int(x) for x in args.seeds.split(".."))
        index, count = (int(x) for x in args.shard.split("/"))
    except ValueError:
        p.error("--seeds takes A..B and --shard I/N (decimal numbers)")
    if not (1 <= first <= last) or not (0 <= index < count) or args.jobs < 1:
        p.error("need 1 <= A <= B, 0 <= I < N and --jobs >= 1")
    args.range, args.shard_pair = (first, last), (index, count)
    args.work = args.work or os.path.join(args.build_dir, "mutate")
    return args


# --- The mutants ----------------------------------------------------------------------------------


def all_mutants(files):
    """Every mutant of `files`, in a stable order, and the (source, tokens) of each file."""
    headers = [open(p).read() for p in sorted(glob.glob(os.path.join(ROOT, "core/*.h")))]
    rows, parsed = [], {}
    for path in files:
        source = open(os.path.join(ROOT, path)).read()
        tokens, found = sites.find_sites(path, source, headers)
        parsed[path] = (source, tokens)
        rows += found
    for order, row in enumerate(rows):
        row["order"] = order
    return rows, parsed


def select(rows, sample, shard, only=None):
    if only:
        texts = [t for t in only.split(",") if t]
        rows = [r for r in rows if any(t in r["id"] or t in f"{r['function']}:{r['kind']}"
                                       for t in texts)]
    if sample is not None:
        key = lambda r: hashlib.sha256(r["id"].encode()).hexdigest()  # noqa: E731
        rows = sorted(sorted(rows, key=key)[:sample], key=lambda r: r["order"])
    index, count = shard
    return [r for position, r in enumerate(rows) if position % count == index]


def public(row):
    return {k: v for k, v in row.items() if k not in ("site",)}


# --- Sweeps ---------------------------------------------------------------------------------------


FAIL_LINE = re.compile(r"^FAIL seed=(\S+) kind=(\S+) checker=([^:]*): (.*)$")


def sweep(binary, first, last, timeout_ms, mutation=None, stop_at_failure=False, jobs=1):
    """Runs one sweep (on one worker unless `jobs`: seeds in order). Returns its summary.json as a
    dict, or with `stop_at_failure` the first failure as soon as the sweep prints it (the sweep is
    then ended)."""
    env = dict(os.environ)
    env.pop("VSRSIM_MUTATION", None)
    if mutation is not None:
        env["VSRSIM_MUTATION"] = str(mutation)
    with tempfile.TemporaryDirectory(prefix="vsrsim-mutate-") as folder:
        command = [binary, "sweep", "--seeds", f"{first}..{last}", "--jobs", str(jobs), "--quiet",
                   "--timeout-ms", str(timeout_ms), "--report", folder]
        process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE,
                                   stderr=subprocess.DEVNULL, text=True, start_new_session=True)
        try:
            for line in process.stdout:
                match = FAIL_LINE.match(line.rstrip("\n"))
                if stop_at_failure and match and match.group(2) != "killed":
                    seed, outcome, checker, message = match.groups()
                    return {"failure": {"seed": int(seed), "outcome": outcome,
                                        "checker": checker, "message": message}}
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
            process.stdout.close()
            code = process.wait()
        path = os.path.join(folder, "summary.json")
        if code in (EXIT_USAGE, 65, EXIT_IO) or not os.path.exists(path):
            raise RuntimeError(f"{' '.join(command)} exited {code}")
        return json.load(open(path))


def classify(binary, mutation, args, baseline):
    """Sweeps one mutant until its first failing seed; returns the result fields of its row."""
    first, last = args.range
    summary = sweep(binary, first, last, args.timeout_ms, mutation, stop_at_failure=True)
    if "failure" in summary:
        f = summary["failure"]
        return {"status": "killed", "seeds_run": f["seed"] - first + 1,
                "trivial": f["seed"] == first and f["outcome"] == "crash", "first_failure": f}
    if summary.get("interrupted"):
        raise KeyboardInterrupt
    if summary["failures"]:
        raise RuntimeError(f"mutant {mutation}: a worker was killed from outside; run again")
    changed = any(r["fingerprint"] != baseline[int(r["seed"])] for r in summary["results"])
    return {"status": "survived" if changed else "unchanged", "seeds_run": last - first + 1,
            "trivial": False, "first_failure": None}


# --- Builds ---------------------------------------------------------------------------------------


def build_schemata(builder, rows, parsed, log):
    """Builds every mutant of `rows` into one binary; returns it and the rows it could not hold."""
    objects, alone = [], []
    for path in sorted({r["file"] for r in rows}):
        source, tokens = parsed[path]
        active = [r for r in rows if r["file"] == path]
        for _ in range(60):
            ids = {id(r["site"]): r["order"] for r in active}
            text, crossing = schemata.schemata_source(source, tokens, [r["site"] for r in active],
                                                      ids)
            crossing_ids = {id(s) for s in crossing}
            moved = [r for r in active if id(r["site"]) in crossing_ids]
            alone += moved
            active = [r for r in active if id(r["site"]) not in crossing_ids]
            obj, errors = builder.compile_source(path, text)
            if obj:
                objects.append(obj)
                break
            bad = culprits(active, tokens, build.error_lines(errors, os.path.basename(path)))
            if not bad:
                raise build.BuildError(
                    f"the schemata of {path} does not compile:\n{errors[-3000:]}")
            log(f"schemata {path}: {len(bad)} site(s) moved to single builds")
            alone += bad
            active = [r for r in active if r not in bad]
        else:
            raise build.BuildError(f"the schemata of {path} never compiled")
    name = "schemata-" + hashlib.sha256("".join(objects).encode()).hexdigest()[:12]
    return builder.link_binary(objects, name), alone


def culprits(active, tokens, lines):
    """The sites an error on `lines` may come from: those editing it, else those spanning it."""
    bad = []
    for line in lines:
        editing = [r for r in active if r["line"] <= line <= tokens[r["site"].edit_end - 1].line]
        spanning = [r for r in active if tokens[r["site"].start].line <= line <=
                    tokens[r["site"].end - 1].line]
        for r in editing or spanning:
            if r not in bad:
                bad.append(r)
    return bad


def build_alone(builder, row, parsed):
    """Builds one mutant on its own; returns its binary, or None if it does not compile."""
    source, tokens = parsed[row["file"]]
    patched = schemata.single_source(source, tokens, row["site"])
    obj, _ = builder.compile_source(row["file"], patched)
    if obj is None:
        return None
    return builder.link_binary([obj], "alone-" + row["digest"])


# --- The run --------------------------------------------------------------------------------------


class Results:
    """Each mutant's result, one file per mutant in OUT/results: an interrupted run continues."""

    def __init__(self, out_dir, seeds):
        self.folder = os.path.join(out_dir, "results")
        self.seeds = seeds
        os.makedirs(self.folder, exist_ok=True)

    def path(self, row):
        return os.path.join(self.folder, row["digest"] + ".json")

    def get(self, row):
        try:
            result = json.load(open(self.path(row)))
        except (OSError, ValueError):
            return None
        same = result.get("seeds") == self.seeds and result.get("id") == row["id"]
        return result if same else None

    def put(self, row, result):
        text = json.dumps(dict(result, id=row["id"], seeds=self.seeds))
        report.write_atomic(self.path(row), text)


def run(args):
    started = time.monotonic()
    log = lambda text: print(text, file=sys.stderr, flush=True)  # noqa: E731
    files = [f.strip() for f in args.files.split(",") if f.strip()]
    for f in files:
        if not os.path.exists(os.path.join(ROOT, f)) or not f.startswith("core/"):
            print(f"mutate: --files: {f} is not a file of core/", file=sys.stderr)
            return EXIT_USAGE
    rows, parsed = all_mutants(files)
    selected = select(rows, args.sample, args.shard_pair, args.only)
    seeds = f"{args.range[0]}..{args.range[1]}"
    results = Results(args.out, seeds)
    todo = [r for r in selected if results.get(r) is None]
    log(f"mutate: {len(selected)} mutants ({len(rows)} in all), {len(selected) - len(todo)} "
        f"already done, seeds {seeds}")
    if todo:
        builder = build.Builder(ROOT, args.build_dir, args.work)
        if not args.no_build:
            builder.ensure_reference("release")
            builder = build.Builder(ROOT, args.build_dir, args.work)
        sweep_all(builder, todo, parsed, args, results, log)
    finished = []
    for row in selected:
        result = results.get(row)
        finished.append(dict(public(row), **{k: v for k, v in result.items()
                                              if k not in ("id", "seeds")}))
    meta = {"seeds": seeds, "files": files, "sample": args.sample, "only": args.only,
            "shard": f"{args.shard_pair[0]}/{args.shard_pair[1]}"}
    return finish(args.out, meta, finished, args.triage, time.monotonic() - started)


def sweep_all(builder, todo, parsed, args, results, log):
    first, last = args.range
    binary, alone = build_schemata(builder, todo, parsed, log)
    alone_ids = {r["id"] for r in alone}
    reference = sweep(builder.reference_binary, first, last, args.timeout_ms, jobs=args.jobs)
    baseline = {int(r["seed"]): r["fingerprint"] for r in reference["results"]}
    check = sweep(binary, first, last, args.timeout_ms, jobs=args.jobs)
    if check["fingerprint_of_fingerprints"] != reference["fingerprint_of_fingerprints"]:
        raise build.BuildError(
            f"self-check failed: with no mutation active the schemata build gives "
            f"fingerprint_of_fingerprints {check['fingerprint_of_fingerprints']}, the unmutated "
            f"core {reference['fingerprint_of_fingerprints']} (the rewrite changed behaviour)")
    log(f"mutate: self-check ok (fingerprint_of_fingerprints "
        f"{reference['fingerprint_of_fingerprints']}); {len(alone)} mutant(s) built alone")
    done, lock = [0], threading.Lock()

    def one(row):
        started = time.monotonic()
        if row["id"] in alone_ids:
            single = build_alone(builder, row, parsed)
            if single is None:
                result = {"status": "invalid", "seeds_run": 0, "trivial": False,
                          "first_failure": None, "build": "alone"}
            else:
                result = dict(classify(single, None, args, baseline), build="alone")
        else:
            result = dict(classify(binary, row["order"], args, baseline), build="schemata")
        result["seconds"] = round(time.monotonic() - started, 2)
        results.put(row, result)
        with lock:
            done[0] += 1
            if args.verbose or done[0] % 50 == 0 or done[0] == len(todo):
                log(f"mutate: {done[0]}/{len(todo)} {row['id']} {result['status']}")

    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = [pool.submit(one, row) for row in todo]
        try:
            for future in concurrent.futures.as_completed(futures):
                future.result()
        except BaseException:
            for future in futures:
                future.cancel()
            raise


def finish(out_dir, meta, rows, triage_path, seconds):
    triage = report.read_triage(triage_path)
    summary = report.write_reports(out_dir, meta, rows, triage)
    print(report.summary_line(summary))
    for row in sorted(rows, key=lambda r: r["order"]):
        if row["status"] == "survived" and report.decision_of(row, triage) is None:
            print(f"UNTRIAGED {row['id']} ({row['function']}): {row['mutated'].strip()}")
    print(f"mutate: {seconds:.0f} s; report {os.path.join(out_dir, 'mutants.md')}",
          file=sys.stderr)
    return 0


def merge(args):
    """Merges shard reports (their mutants.json) into the report of the unsharded run."""
    rows, meta = {}, None
    for folder in args.merge:
        try:
            document = json.load(open(os.path.join(folder, "mutants.json")))
        except (OSError, ValueError) as error:
            print(f"mutate: --merge: {folder}: {error}", file=sys.stderr)
            return EXIT_IO
        shard_meta = {k: document[k] for k in ("seeds", "files", "sample", "only")}
        if meta is not None and shard_meta != meta:
            print(f"mutate: --merge: {folder} swept {shard_meta}, not {meta}", file=sys.stderr)
            return EXIT_USAGE
        meta = shard_meta
        for row in document["mutants"]:
            rows[row["id"]] = row
    meta = dict(meta, shard="0/1")
    return finish(args.out, meta, list(rows.values()), args.triage, 0)


def main(argv):
    args = parse_args(argv)
    try:
        return merge(args) if args.merge else run(args)
    except build.BuildError as error:
        print(f"mutate: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("mutate: interrupted; run the same command again to continue", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
