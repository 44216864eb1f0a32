#!/usr/bin/env bash
# Issue 15: 'report --format html' (one self-contained page) and '--format md'.
# The page is rendered by headless Chromium (Debian's chromium, installed by
# tools/setup.sh): to a PNG, with no console message, and its DOM's SVG bars
# are checked against the JSON report (counts, and widths in proportion).
# Without chromium the browser part is skipped (exit 77, ctest's "skipped"),
# unless CASELOAD_REQUIRE_CHROMIUM=1 (tools/setup.sh test sets it), where a
# missing browser fails.
. "$(dirname "$0")/lib.sh"
export CASELOAD_TODAY=2026-11-26

t "setup"
standard_register
genders=(female male female non-binary male female "" male)
for i in $(seq 1 30); do
    svc=HOM kw=wes
    [ $((i % 3)) = 0 ] && svc=REC kw=rex
    g=${genders[$((i % 8))]}
    args=(su add "$svc-$(printf %04d "$i")" --service "$svc" --keyworker "$kw" --confirm-anonymous -q
        --started "2026-$(printf %02d $((i % 11 + 1)))-10")
    [ -n "$g" ] && args+=(--gender "$g")
    cl "${args[@]}" || echo "could not add $i" >&2
done
cl su leave HOM-0001 --date 2026-10-05 -q
cl su leave HOM-0002 --date 2026-08-20 -q

# ---------------------------------------------------------------------------
t "the page is one self-contained file"
run report --by gender --format html
expect_status 0
printf '%s\n' "$out" >"$SCRATCH/gender.html"
expect_eq "$(printf '%s\n' "$out" | head -1)" "<!DOCTYPE html>"
expect_out_has "<title>Active service users on 2026-11-26, by gender — Test Org</title>"
expect_out_has "<dt>Organisation</dt><dd>Test Org</dd>"
expect_out_has "<dt>Scope</dt><dd>the whole organisation</dd>"
expect_out_has "<dt>Period</dt><dd>on 2026-11-26</dd>"
expect_out_has "<style>"
expect_out_has "<svg class=\"chart\""
expect_out_has "<tr class=\"total\"><td>total</td><td class=\"number\">28</td>"
# Nothing to fetch: no script, no link, no external source; only the SVG namespace names a URL.
expect_eq "$(printf '%s\n' "$out" | grep -ciE '<script|<link|<img|src=|href=|@import')" "0"
expect_eq "$(printf '%s\n' "$out" | grep -oE 'https?://[^" ]*' | sort -u)" "http://www.w3.org/2000/svg"
# Every gender is listed, with 0 where nobody is.
expect_out_has '<td>self-described</td><td class="number">0</td>'
run report --by gender --hide-empty --format html
expect_out_lacks '<td>self-described</td>'

t "markdown"
run report --by gender --format md
expect_status 0
expect_eq "$(printf '%s\n' "$out" | head -1)" "## Active service users on 2026-11-26, by gender"
expect_out_has "**Organisation:** Test Org"
expect_out_has "**Period:** on 2026-11-26"
expect_out_has "| gender | count | % |"
expect_out_has "| --- | ---: | ---: |"
expect_out_has "| **total** | **28** | **100.0** |"
run report --by service --by gender --format md
expect_out_has "| gender | count | % | row % |"
expect_out_has "| *HOM subtotal* |"
run report --flow --by quarter --since 2026-01-01 --format md
expect_out_has "| quarter | active at start | started | left | active at end |"
run --format html su list
expect_status 2
expect_err_has "--format html is only for 'caseload report'"

# ---------------------------------------------------------------------------
t "the browser: chromium renders each page without a console message"
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
    if [ "${CASELOAD_REQUIRE_CHROMIUM:-0}" = 1 ]; then
        fail "chromium is not installed (tools/setup.sh installs it); the page is not checked in a browser"
        finish
    fi
    echo "report_page: SKIPPED the browser checks: no chromium (apt-get install chromium)" >&2
    echo "$SUITE: $PASSED passed, $FAILED failed, browser checks skipped"
    [ "$FAILED" -eq 0 ] || exit 1
    rm -rf "$SCRATCH"
    exit 77
fi

# render NAME ARGS...: the DOM after loading $SCRATCH/NAME.html (to NAME.dom),
# its console messages (NAME.console) and a screenshot (NAME.png).
render() {
    local name=$1 profile
    profile=$(mktemp -d "$SCRATCH/profile.XXXXXX")
    local flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
        --disable-background-networking --disable-component-update --disable-sync
        --disable-dev-shm-usage --user-data-dir="$profile" --enable-logging=stderr --v=0)
    timeout 120 "$browser" "${flags[@]}" --dump-dom "file://$SCRATCH/$name.html" \
        >"$SCRATCH/$name.dom" 2>"$SCRATCH/$name.log"
    grep ':CONSOLE' "$SCRATCH/$name.log" >"$SCRATCH/$name.console"
    rm -rf "$profile"
    profile=$(mktemp -d "$SCRATCH/profile.XXXXXX")
    flags[-3]=--user-data-dir="$profile"
    (cd "$SCRATCH" && timeout 120 "$browser" "${flags[@]}" --hide-scrollbars --window-size=900,1500 \
        --screenshot="$SCRATCH/$name.png" "file://$SCRATCH/$name.html" >/dev/null 2>&1)
    rm -rf "$profile"
}

# check_bars NAME JSONFILE: the bars of every chart of NAME.dom against the
# JSON report: the same counts for the same values, widths in proportion to
# the counts within a chart, suppressed cells drawn as suppressed.
cat >"$SCRATCH/bars.py" <<'EOF'
import json, sys
from html.parser import HTMLParser
dom, report, kind = sys.argv[1], (lambda d: d["rows"] if isinstance(d, dict) else d)(json.load(open(sys.argv[2]))), sys.argv[3]
class Bars(HTMLParser):
    def __init__(self):
        super().__init__(); self.bars = []; self.charts = 0
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "svg" and "chart" in a.get("class", ""): self.charts += 1
        if tag == "rect" and "bar" in a.get("class", "").split(): self.bars.append(a)
p = Bars(); p.feed(open(dom).read())
problems = []
charts = {}
for b in p.bars: charts.setdefault(b["data-chart"], []).append(b)
for name, bars in charts.items():
    ratios = [float(b["width"]) / int(b["data-count"]) for b in bars if "data-count" in b and int(b["data-count"]) > 0]
    if ratios and max(ratios) - min(ratios) > 0.02:
        problems.append("%s: widths not in proportion %s" % (name, ratios))
    for b in bars:
        if "data-count" in b and int(b["data-count"]) == 0 and float(b["width"]) != 0:
            problems.append("%s: a zero bar has width %s" % (name, b["width"]))
if kind == "one":  # --by DIM: one chart, a bar per row
    dim = [k for k in report[0] if k not in ("count", "percent", "organisation_percent", "difference", "suppressed", "from", "to")][0]
    want = {r[dim]: r["count"] for r in report}
    bars = list(charts.values())[0]
    got = {b["data-value"]: (int(b["data-count"]) if "data-count" in b else None) for b in bars}
    if got != want: problems.append("bars %s, report %s" % (got, want))
    for b in bars:
        if (b.get("data-suppressed") == "true") != (want[b["data-value"]] is None):
            problems.append("%s: suppressed on one side only" % b["data-value"])
elif kind == "two":  # --by A --by B: the first alone, then both grouped
    a, b2 = [k for k in report[0] if k not in ("count", "percent", "row_percent", "from", "to")][:2]
    want = {(r[a], r[b2]): r["count"] for r in report}
    grouped = [bs for bs in charts.values() if bs[0]["data-group"]][0]
    got = {(x["data-group"], x["data-value"]): int(x["data-count"]) for x in grouped}
    if got != want: problems.append("grouped bars %s, report %s" % (got, want))
    firsts = [bs for bs in charts.values() if not bs[0]["data-group"]][0]
    sums = {}
    for (g, _), n in want.items(): sums[g] = sums.get(g, 0) + n
    got = {x["data-value"]: int(x["data-count"]) for x in firsts}
    if got != sums: problems.append("first-dimension bars %s, sums %s" % (got, sums))
elif kind == "flow":
    want = {}
    for r in report:
        for s in ("active_at_end", "started", "left"): want[(r["quarter"], s.replace("_", " "))] = r[s]
    got = {(x["data-group"], x["data-series"]): int(x["data-count"]) for x in p.bars}
    if got != want: problems.append("flow bars %s, report %s" % (got, want))
print("ok %d charts %d bars" % (p.charts, len(p.bars)) if not problems else "\n".join(problems))
EOF
check_bars() { python3 "$SCRATCH/bars.py" "$SCRATCH/$1.dom" "$SCRATCH/$1.json" "$2"; }
png_ok() { python3 -c 'import sys; d=open(sys.argv[1],"rb").read(); print(d[:8]==b"\x89PNG\r\n\x1a\n" and len(d) > 20000)' "$1"; }

# A page with a script: the console check must see its message (a check
# that could not fail would prove nothing).
printf '<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src %s"></head><body><script>console.error("x")</script></body></html>\n' "'none'" >"$SCRATCH/control.html"
render control
if [ -s "$SCRATCH/control.console" ]; then pass; else fail "the console check saw nothing on a page that logs"; fi

render gender
cl report --by gender --json >"$SCRATCH/gender.json"
expect_eq "$(cat "$SCRATCH/gender.console")" "" "(console messages of the page)"
expect_eq "$(check_bars gender one)" "ok 1 charts 6 bars"
expect_eq "$(png_ok "$SCRATCH/gender.png")" "True" "(a PNG screenshot)"

t "the browser: two dimensions, subtotals, grouped bars"
cl report --by service --by gender --format html >"$SCRATCH/two.html"
cl report --by service --by gender --json >"$SCRATCH/two.json"
render two
expect_eq "$(cat "$SCRATCH/two.console")" ""
expect_eq "$(check_bars two two)" "ok 2 charts 14 bars"
expect_eq "$(grep -c '<tr class="subtotal">' "$SCRATCH/two.dom")" "2"
expect_eq "$(png_ok "$SCRATCH/two.png")" "True"

t "the browser: the comparison, marked as such, and suppressed cells"
# A second service on the homelessness Star, so that HOM has others to be compared with.
cl service add HB --name "Hostel B" --star homelessness -q
cl staff add hal --name "Hal" --login hal-login --worker HB --no-check-login -q
for i in $(seq 1 30); do
    g=${genders[$((i % 8))]}
    args=(su add "HB-$(printf %04d "$i")" --service HB --keyworker hal --confirm-anonymous -q)
    [ -n "$g" ] && args+=(--gender "$g")
    cl "${args[@]}" || echo "could not add HB $i" >&2
done
# Enough women and men in HOM for counts that are shown beside hidden ones.
for i in $(seq 101 122); do
    g=female
    [ $((i % 2)) = 0 ] && g=male
    cl su add "HOM-$(printf %04d "$i")" --service HOM --keyworker wes --gender "$g" --confirm-anonymous -q
done
cl report --by gender --service HOM --compare --suppress-below 3 --format html >"$SCRATCH/compare.html"
cl report --by gender --service HOM --compare --suppress-below 3 --json >"$SCRATCH/compare.json"
render compare
expect_eq "$(cat "$SCRATCH/compare.console")" ""
expect_eq "$(check_bars compare one)" "ok 1 charts 6 bars"
expect_eq "$(grep -c 'class="benchmark"' "$SCRATCH/compare.dom")" "$(( $(python3 -c 'import json,sys; print(sum(1 for r in (lambda d: d["rows"] if isinstance(d, dict) else d)(json.load(open(sys.argv[1]))) if r["organisation_percent"] is not None))' "$SCRATCH/compare.json") + 1 ))" "(a marker per compared bar, and the legend's)"
expect_eq "$(grep -c '<dt>Comparison</dt>' "$SCRATCH/compare.dom")" "1"
expect_eq "$(grep -o '<th scope="col" class="number comparison">[^<]*<small>(comparison)</small>' "$SCRATCH/compare.dom" | wc -l)" "2"
expect_eq "$(grep -o 'data-suppressed="true"' "$SCRATCH/compare.dom" | wc -l)" "$(python3 -c 'import json,sys; print(sum(1 for r in (lambda d: d["rows"] if isinstance(d, dict) else d)(json.load(open(sys.argv[1]))) if r["suppressed"]))' "$SCRATCH/compare.json")"
expect_eq "$(grep -o '<td class="number suppressed" title="suppressed: fewer than 8">&lt;8</td>' "$SCRATCH/compare.dom" | wc -l | tr -d ' ')" \
    "$(python3 -c 'import json,sys; print(sum(1 for r in (lambda d: d["rows"] if isinstance(d, dict) else d)(json.load(open(sys.argv[1]))) if r["suppressed"]))' "$SCRATCH/compare.json")"
expect_eq "$(png_ok "$SCRATCH/compare.png")" "True"

t "the browser: a flow"
cl report --flow --by quarter --since 2026-01-01 --until 2026-12-31 --format html >"$SCRATCH/flow.html"
cl report --flow --by quarter --since 2026-01-01 --until 2026-12-31 --json >"$SCRATCH/flow.json"
render flow
expect_eq "$(cat "$SCRATCH/flow.console")" ""
expect_eq "$(check_bars flow flow)" "ok 1 charts 12 bars"
expect_eq "$(png_ok "$SCRATCH/flow.png")" "True"
# For a person to look at: CASELOAD_KEEP_PAGES=DIR keeps the pages and PNGs.
if [ -n "${CASELOAD_KEEP_PAGES:-}" ]; then
    mkdir -p "$CASELOAD_KEEP_PAGES" && cp "$SCRATCH"/*.html "$SCRATCH"/*.png "$CASELOAD_KEEP_PAGES"/
fi

finish
