"""The mutation report: mutants.json (one row per mutant), mutants.md (the score, a table per
function, the survivors with their diff and triage), the one-line summary, and the triage file
(core/MUTANTS.md) that records a decision for every surviving mutant."""

import json
import os
import re
import tempfile

DECISIONS = ("equivalent", "gap closed", "accepted", "gap open")
TRIAGE_ROW = re.compile(
    r"^\|\s*`([^`]+)`\s*\|\s*([^|]+?)\s*\|\s*(.*?)\s*\|(?:\s*`([^`]*)`\s*\|)?\s*$")


def write_atomic(path, text):
    folder = os.path.dirname(path) or "."
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def read_triage(path):
    """Mutant id (and line-free key) -> (decision, reason), from the table rows
    `| `id` | decision | reason | `key` |` (the key column is optional)."""
    triage = {}
    if not os.path.exists(path):
        return triage
    for number, line in enumerate(open(path), 1):
        match = TRIAGE_ROW.match(line.rstrip("\n"))
        if not match:
            continue
        mutant, decision, reason, key = match.groups()
        if decision not in DECISIONS:
            raise ValueError(f"{path}:{number}: decision {decision!r} is not one of {DECISIONS}")
        triage[mutant] = (decision, reason)
        if key:
            triage["key:" + key] = (decision, reason)
    return triage


def summarize(rows):
    count = {s: sum(1 for r in rows if r["status"] == s)
             for s in ("killed", "survived", "unchanged", "invalid")}
    judged = count["killed"] + count["survived"]
    score = 100.0 * count["killed"] / judged if judged else 0.0
    return {"total": len(rows), **count, "trivial": sum(1 for r in rows if r.get("trivial")),
            "score": round(score, 1)}


def summary_line(summary):
    s = summary
    return (f"MUTANTS total={s['total']} killed={s['killed']} survived={s['survived']} "
            f"unchanged={s['unchanged']} invalid={s['invalid']} score={s['score']:.1f}%")


def decision_of(row, triage):
    """The row's triage: by id, else by its line-free key (the mutant moved lines)."""
    return triage.get(row["id"]) or triage.get("key:" + row.get("key", ""))


def attach_triage(rows, triage):
    for row in rows:
        row.pop("triage", None)
        found = decision_of(row, triage) if row["status"] == "survived" else None
        if found:
            row["triage"] = {"decision": found[0], "reason": found[1]}


def write_reports(out_dir, meta, rows, triage):
    """Writes mutants.json and mutants.md into out_dir; returns the summary."""
    rows = sorted(rows, key=lambda r: r["order"])
    attach_triage(rows, triage)
    summary = summarize(rows)
    document = dict(meta, summary=summary, mutants=rows)
    write_atomic(os.path.join(out_dir, "mutants.json"), json.dumps(document, indent=1) + "\n")
    write_atomic(os.path.join(out_dir, "mutants.md"), markdown(meta, summary, rows))
    return summary


def markdown(meta, summary, rows):
    lines = ["# Mutation testing of the core", "",
             f"`{summary_line(summary)}`", "",
             f"Seeds {meta['seeds']}; files {', '.join(meta['files'])}; "
             f"{summary['trivial']} of the killed are trivial (an assertion on the first seed). "
             "Score = killed / (killed + survived); unchanged mutants (every fingerprint equal to "
             "the unmutated core's) and invalid ones (do not compile) are counted apart.", "",
             "## Per function", "",
             "| file | function | mutants | killed | survived | unchanged | invalid | score |",
             "|---|---|---|---|---|---|---|---|"]
    groups = {}
    for row in rows:
        groups.setdefault((row["file"], row["function"]), []).append(row)
    for (path, function), group in groups.items():
        s = summarize(group)
        score = f"{s['score']:.0f} %" if s["killed"] + s["survived"] else "-"
        lines.append(f"| {path} | `{function}` | {s['total']} | {s['killed']} | {s['survived']} "
                     f"| {s['unchanged']} | {s['invalid']} | {score} |")
    checkers = {}
    for row in rows:
        if row["status"] == "killed":
            key = f"{row['first_failure']['outcome']} / {row['first_failure']['checker'] or '-'}"
            checkers[key] = checkers.get(key, 0) + 1
    lines += ["", "## Killed: the first failure's outcome and checker", "",
              "| outcome / checker | mutants |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in sorted(checkers.items(), key=lambda kv: -kv[1])]
    survivors = [r for r in rows if r["status"] == "survived"]
    lines += ["", f"## Survivors ({len(survivors)})", ""]
    for row in survivors:
        triage = row.get("triage")
        decision = f"**{triage['decision']}**: {triage['reason']}" if triage else (
            "**no decision yet** (add it to core/MUTANTS.md)")
        lines += [f"### `{row['id']}` in `{row['function']}`", "", decision, "", "```diff"]
        lines += ["-" + x for x in row["original"].splitlines()]
        lines += ["+" + x for x in row["mutated"].splitlines()]
        lines += ["```", ""]
    timed = sorted((r for r in rows if r.get("seconds") is not None), key=lambda r: -r["seconds"])
    if timed:
        total = sum(r["seconds"] for r in timed)
        lines += ["## Time", "", f"{total:.0f} s of builds and sweeps over {len(timed)} mutants "
                  "(one worker each); the slowest:", ""]
        lines += [f"- `{r['id']}` ({r['status']}): {r['seconds']:.1f} s" for r in timed[:5]]
        lines.append("")
    invalid = [r for r in rows if r["status"] == "invalid"]
    if invalid:
        lines += [f"## Invalid ({len(invalid)})", ""]
        lines += [f"- `{r['id']}`: `{r['mutated'].strip()}`" for r in invalid]
        lines.append("")
    return "\n".join(lines) + "\n"
