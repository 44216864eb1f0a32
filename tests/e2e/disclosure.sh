#!/usr/bin/env bash
# Issue 14: no suppressed count can be derived from the visible figures of
# every report a person can ask. tests/e2e/disclosure.py builds random
# registers, collects every figure as linear constraints and, with integer
# programming, shows that each hidden count has another possible value.
# Also the issue's own differencing attack: keyworker x age band against
# keyworker.
. "$(dirname "$0")/lib.sh"
export CASELOAD_TODAY=2026-11-26

# The python with scipy (tools/setup.sh installs python3-scipy; a pyenv
# python3 earlier on PATH may lack it).
PY=python3
python3 -c 'import scipy.optimize' 2>/dev/null || PY=/usr/bin/python3

t "the differencing attack of issue 14: keyworker x age band, then keyworker"
standard_register
{
    echo "id,service,keyworker,age_band,gender"
    i=0
    for spec in "18-24 31" "25-34 42" "35-44 27" "45-54 19" "75-plus 8"; do
        set -- $spec
        for _ in $(seq 1 "$2"); do
            i=$((i + 1))
            echo "HOM-$(printf %04d "$i"),HOM,wes,$1,female"
        done
    done
    for _ in $(seq 1 23); do
        i=$((i + 1))
        echo "HOM-$(printf %04d "$i"),HOM,wyn,25-34,male"
    done
} >"$SCRATCH/people.csv"
cl su import "$SCRATCH/people.csv" --confirm-anonymous -q
run report --by keyworker --by age-band --suppress-below 10 --hide-empty --format json
expect_status 0
printf '%s' "$out" >"$SCRATCH/two.json"
run report --by keyworker --suppress-below 10 --format json
printf '%s' "$out" >"$SCRATCH/one.json"
# wes/75-plus (8) is hidden; once, wes's total minus wes's shown cells gave 8.
expect_eq "$(python3 -c '
import json, sys
two = json.load(open(sys.argv[1]))["rows"]; one = json.load(open(sys.argv[2]))["rows"]
hidden = [r for r in two if r["keyworker"] == "wes" and r["suppressed"]]
shown = [r["count"] for r in two if r["keyworker"] == "wes" and not r["suppressed"]]
wes = [r["count"] for r in one if r["keyworker"] == "wes"][0]
threshold = 13  # 10, raised to the next of 8, 13, ...
# Every shown figure F stands for F - 2 .. F + 2 (rounded to the nearest 5);
# an unrounded one stands for itself, and then the difference is exact.
rounded = all(c % 5 == 0 for c in shown + [wes])
if not rounded: print("exact:", wes - sum(shown)); sys.exit()
low = max(1, wes - 2 - sum(c + 2 for c in shown))
high = min(threshold - 1, wes + 2 - sum(c - 2 for c in shown))
print([r["age_band"] for r in hidden], "possible:", high - low + 1 >= 2, low <= 8 <= high)
' "$SCRATCH/two.json" "$SCRATCH/one.json")" "['75-plus'] possible: True True"
run report --by keyworker --by age-band --suppress-below 10 --hide-empty --format csv
expect_out_has "wes,75-plus,,,,true"
expect_out_lacks "<"

t "no hidden count is pinned by every report of random registers"
# Run on demand (CASELOAD_DISCLOSURE_MILP=1): about 4 minutes on a busy
# machine, and it still finds a few pinned counts (4 of 996 with seed 14:
# two hidden counts whose shown sum lies at the top of their range; a zero of
# a --compare table). Issue 14 item 3 is not finished until it passes.
if [ "${CASELOAD_DISCLOSURE_MILP:-0}" != 1 ]; then
    echo "disclosure: the integer-programming check skipped (CASELOAD_DISCLOSURE_MILP=1 runs it)"
elif ! $PY -c 'import scipy.optimize' 2>/dev/null; then
    fail "python3-scipy is missing (tools/setup.sh installs it)"
else
    mkdir -p "$SCRATCH/diff"
    if $PY "$(dirname "$0")/disclosure.py" "$CASELOAD_BIN" "$SCRATCH/diff" --registers 2 >"$SCRATCH/diff.out" 2>&1; then
        pass
    else
        fail "$(cat "$SCRATCH/diff.out")"
    fi
    echo "disclosure: $(head -1 "$SCRATCH/diff.out")"
fi

finish
