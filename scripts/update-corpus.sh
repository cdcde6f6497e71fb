#!/usr/bin/env bash
# Rebuilds the regression corpus in seeds/: for each mutant, the first seeds of a plain sweep that
# catch it, and a few pinned passing seeds of the correct core. Run it after a change that
# legitimately changes runs (the fingerprints move); review the diff before committing.
#
#   scripts/update-corpus.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${VSRSIM:-build/release/reports/vsrsim}"
[[ -x "$BIN" ]] || scripts/setup.sh release >&2
rm -f seeds/*.seed  # Scenarios (*.scenario) are hand-kept: their tests say what they pin.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for mutant in table-primary-only resend-panics-on-disconnect stale-as-in-progress \
              pending-survives-view-change silent-eviction recovering-rejoins-own-view \
              table-not-in-checkpoint sync-omits-replies checkpoint-overwrites-in-force \
              sync-not-written ack-before-durable journal-trusts-bytes \
              journal-damage-ignored sync-failure-ignored repair-accepts-wrong-op; do
  "$BIN" sweep --seeds 1..300 --mutant "$mutant" --quiet --save-failures "$work/$mutant" >/dev/null || true
  # Keep the first two failing seeds of each mutant.
  for name in $(cd "$work/$mutant" && ls seed-*.seed | sort -t- -k2 -n | head -n 2); do
    cp "$work/$mutant/$name" "seeds/${mutant}-${name}"
  done
done
# Pinned passing runs of the correct core: their fingerprints catch any unintended behaviour change.
for seed in 1 2 3 42 1000; do
  json="$("$BIN" run --seed "$seed" --json)"
  fingerprint="$(python3 -c 'import json,sys; print(json.load(sys.stdin)["fingerprint"])' <<<"$json")"
  printf '# Pinned: the correct core passes this seed with this exact trace.\nseed = %s\nmutants = none\nprofile = full\nexpect = pass\nfingerprint = %s\nreason = pinned passing run\n' \
    "$seed" "$fingerprint" > "seeds/pass-seed-$seed.seed"
done
ls seeds | wc -l
