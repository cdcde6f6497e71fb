#!/usr/bin/env bash
# Proves that the space-time page a failing seed gets (from `vsrsim run --html` and from `sweep
# --report`, byte-identical) renders in a real browser, headless Chromium: every lane laid out, the
# violating event highlighted and scrolled into view, the page's script run, and nothing fetched
# from the network.   Usage: reports/html_browser_test.sh PATH/TO/vsrsim
# Chromium is a setup dependency (scripts/setup.sh), so a missing browser FAILS this test.
set -uo pipefail
V="$1"
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

fail() {
  echo "FAIL: $*"
  exit 1
}
ok() { echo "ok: $*"; }

[[ -x "$CHROMIUM" ]] || fail "$CHROMIUM not found: run scripts/setup.sh (apt-get install chromium)"

chrome() {
  timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$(mktemp -d -p "$work")" --window-size=1400,900 "$@" 2>>"$work/chromium.err"
}

# A sweep with the silent-eviction mutant finds a failing seed and writes its report folder.
"$V" sweep --seeds 1..40 --mutant silent-eviction --jobs 4 --quiet --report "$work/report" \
  >"$work/sweep.out" 2>"$work/sweep.err"
rc=$?
[[ $rc == 1 ]] || fail "sweep exited $rc, expected 1 (a safety failure): $(cat "$work/sweep.err")"
seed=$(sed -n 's/^FAIL seed=\([0-9]*\) .*/\1/p' "$work/sweep.out" | sort -n | head -n 1)
[[ -n "$seed" ]] || fail "no seed in 1..40 failed with silent-eviction"
for file in summary.json junit.xml summary.md "seed-$seed.html"; do
  [[ -s "$work/report/$file" ]] || fail "sweep --report did not write $file"
done
failed=$(grep -c '^FAIL seed=' "$work/sweep.out")
pages=$(find "$work/report" -name 'seed-*.html' | wc -l)
[[ $pages == "$failed" ]] || fail "$failed seeds failed but $pages pages were written"
grep -q "<testcase name=\"seed $seed\" classname=\"vsrsim.sweep\"" "$work/report/junit.xml" ||
  fail "junit.xml has no testcase for seed $seed"
grep -q "| $seed | safety |" "$work/report/summary.md" || fail "summary.md does not list seed $seed"
ok "sweep --report: summary.json, junit.xml, summary.md and $pages pages (first failing seed $seed)"

# `vsrsim run --html` writes the same page.
"$V" run --seed "$seed" --mutant silent-eviction --html "$work/page.html" >"$work/run.out" 2>&1
rc=$?
[[ $rc == 1 ]] || fail "run --seed $seed exited $rc, expected 1"
cmp -s "$work/page.html" "$work/report/seed-$seed.html" ||
  fail "run --html and sweep --report wrote different pages for seed $seed"
if grep -Eq 'https?:|src=|<link|@import' "$work/page.html"; then
  fail "the page references an outside resource: $(grep -Eo '.{30}(https?:|src=|<link|@import).{30}' "$work/page.html" | head -n 3)"
fi
ok "run --html: the sweep's page, byte for byte, self-contained ($(wc -c <"$work/page.html") bytes)"

replicas=$(sed -n 's/^  replica_count = //p' "$work/run.out")
clients=$(sed -n 's/^  client_count = //p' "$work/run.out")
[[ -n "$replicas" && -n "$clients" ]] || fail "run did not print replica_count and client_count"
lanes=()
for ((i = 0; i < replicas; i++)); do lanes+=("lane-r$i"); done
for ((i = 0; i < clients; i++)); do lanes+=("lane-c$i"); done

# The DOM after the page's script ran: every lane, the violating event, and the read-out the
# script fills in on load.
chrome --dump-dom "file://$work/page.html" >"$work/dom.html" || fail "chromium --dump-dom failed"
for lane in "${lanes[@]}"; do
  grep -q "<g class=\"lane\" id=\"$lane\"" "$work/dom.html" || fail "the DOM has no $lane"
done
[[ $(grep -o 'id="violation"' "$work/dom.html" | wc -l) == 1 ]] ||
  fail "the DOM does not hold exactly one id=\"violation\" element"
grep -q '<footer id="info">Violating event: ' "$work/dom.html" ||
  fail "the page's script did not run (the read-out does not name the violating event)"
ok "DOM: ${#lanes[@]} lanes, the violating event, the script ran"

# Layout, measured by the browser: the page in a frame, boxes read out by a probe script.
cat >"$work/probe.html" <<'EOF'
<!DOCTYPE html><html><body style="margin:0">
<iframe id="f" src="page.html" style="width:1400px;height:900px;border:0"></iframe>
<pre id="result">probe did not run</pre>
<script>
window.addEventListener('load', function () {
  var out = [];
  function box(name, element) {
    var b = element.getBoundingClientRect();
    out.push([name, Math.round(b.left), Math.round(b.top), Math.round(b.right),
              Math.round(b.bottom)].join(' '));
  }
  try {
    var doc = document.getElementById('f').contentDocument;
    box('diagram', doc.getElementById('diagram'));
    doc.querySelectorAll('g.lane').forEach(function (g) { box(g.id, g); });
    var v = doc.getElementById('violation');
    box('violation', v);
    var mark = v.querySelector('rect, line, path, circle');
    var style = doc.defaultView.getComputedStyle(mark);
    out.push('colour ' + (style.fill === 'none' ? style.stroke : style.fill).replace(/ /g, ''));
  } catch (e) {
    out.push('error ' + e);
  }
  document.getElementById('result').textContent = out.join('\n');
});
</script></body></html>
EOF
chrome --allow-file-access-from-files --dump-dom "file://$work/probe.html" >"$work/probe.out" ||
  fail "chromium --dump-dom of the probe failed"
sed -n '/<pre id="result">/,/<\/pre>/p' "$work/probe.out" | sed 's/<[^>]*>//g' >"$work/boxes"
grep -q '^error' "$work/boxes" && fail "probe: $(cat "$work/boxes")"
read -r _ d_left d_top d_right d_bottom < <(grep '^diagram ' "$work/boxes") ||
  fail "probe: no diagram box: $(cat "$work/boxes")"
for lane in "${lanes[@]}"; do
  read -r _ left top right bottom < <(grep "^$lane " "$work/boxes") || fail "probe: $lane not laid out"
  ((bottom - top > 100)) || fail "$lane is $((bottom - top)) px tall"
  ((left >= d_left && right <= d_right)) || fail "$lane lies outside the diagram's view"
done
read -r _ left top right bottom < <(grep '^violation ' "$work/boxes") || fail "probe: no violation"
((right > left && bottom > top)) || fail "the violating event has an empty box"
((left >= d_left && right <= d_right && top >= d_top && bottom <= d_bottom)) ||
  fail "the violating event ($left,$top)-($right,$bottom) is not scrolled into the diagram's view ($d_left,$d_top)-($d_right,$d_bottom)"
grep -q '^colour rgb(224,0,224)$' "$work/boxes" ||
  fail "the violating event is not in the highlight colour: $(grep '^colour' "$work/boxes")"
ok "layout: every lane drawn, the violating event highlighted and in view"

# A screenshot: a real picture, not a blank page.
(cd "$work" && chrome --screenshot="$work/out.png" "file://$work/page.html" >/dev/null) ||
  fail "chromium --screenshot failed"
[[ -s "$work/out.png" ]] || fail "no screenshot written"
[[ $(head -c 8 "$work/out.png" | od -An -tx1 | tr -d ' \n') == 89504e470d0a1a0a ]] ||
  fail "the screenshot is not a PNG"
size=$(wc -c <"$work/out.png")
((size > 20000)) || fail "the screenshot is only $size bytes: a blank page?"
ok "screenshot: $size bytes"
if [[ -n "${VSRSIM_KEEP_SCREENSHOT:-}" ]]; then cp "$work/out.png" "$VSRSIM_KEEP_SCREENSHOT"; fi
echo "PASS"
