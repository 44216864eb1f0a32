#!/usr/bin/env bash
# Issue 6: caseload report. Every dimension and pairs of dimensions are
# checked against counts computed independently (python3) from
# 'caseload su list --include-left --format csv'; then the scope of each role,
# --compare arithmetic, suppression, each output format and the bars.
. "$(dirname "$0")/lib.sh"
export CASELOAD_TODAY=2026-11-26

# expect.py: the report computed from su list CSVs, as caseload's CSV rows
# (header dropped), sorted. Independent of caseload's code: it reads what
# 'su list' shows (age_band there is derived from the date of birth).
cat >"$SCRATCH/expect.py" <<'EOF'
import csv, sys, argparse
p = argparse.ArgumentParser()
p.add_argument("scope")
p.add_argument("--org")
p.add_argument("--by", action="append", default=[])
p.add_argument("--include-left", action="store_true")
p.add_argument("--need")
p.add_argument("--service")
p.add_argument("--keyworker")
a = p.parse_args()
FIXED = {"age-band", "gender", "ethnicity", "status"}

def people(path, narrow):
    out = []
    for r in csv.DictReader(open(path, newline="")):
        if r["status"] != "active" and not a.include_left: continue
        needs = [n for n in r["needs"].split(";") if n]
        if a.need and a.need not in needs: continue
        if narrow and a.service and r["service"] != a.service: continue
        if narrow and a.keyworker and r["keyworker"] != a.keyworker: continue
        out.append(r)
    return out

STAR = {"HOM": "homelessness", "HB": "homelessness", "REC": "recovery", "FAM": "family"}

def values(r, dim, qualify):
    if dim == "need":
        needs = [n for n in r["needs"].split(";") if n]
        if qualify: needs = [STAR[r["service"]] + "/" + n for n in needs]
        return needs or ["not-recorded"]
    if dim == "age-band": return [r["age_band"] or "unknown"]
    if dim in ("gender", "ethnicity"): return [r[dim] or "not-recorded"]
    return [r[dim]]

def tally(rows, qualify_stars=None):
    # Needs of several Stars (of the services the scope may cover): star/need,
    # each a share of its Star's people.
    stars = {STAR[r["service"]] for r in rows}
    qualify = "need" in a.by and len(qualify_stars if qualify_stars is not None else stars) > 1
    c, base = {}, {}
    for r in rows:
        keys = [()]
        for d in a.by:
            keys = [k + (v,) for k in keys for v in values(r, d, qualify)]
        for k in keys:
            c[k] = c.get(k, 0) + 1
            base[k] = next((v.split("/")[0] for v in k if "/" in v), None)
    if not a.by: c = {(): len(rows)}
    per_star = {s: sum(1 for r in rows if STAR[r["service"]] == s) for s in stars}
    bases = {k: per_star[s] if s else len(rows) for k, s in base.items()}
    return c, len(rows), bases, stars

def tenths(count, total):
    return (count * 2000 + total) // (2 * total) if total else 0

def text(t):
    return ("-" if t < 0 else "") + "%d.%d" % (abs(t) // 10, abs(t) % 10)

all_rows = list(csv.DictReader(open(a.scope, newline="")))
scope_stars = {STAR[a.service]} if a.service else {STAR[r["service"]] for r in all_rows}
scope, total, bases, stars = tally(people(a.scope, True), scope_stars)
org = org_total = None
if a.org:
    # The benchmark: the people on the same Star as the scope's.
    if len(stars) > 1:
        print("REFUSED"); sys.exit(0)
    org, org_total, _, _ = tally([r for r in people(a.org, False) if STAR[r["service"]] in stars])
    if org_total == total:
        org = None  # only yourself: no benchmark figures
    elif a.by and all(d in FIXED for d in a.by):
        for k in org: scope.setdefault(k, 0)
lines = []
for k, n in scope.items():
    cells = list(k) + [str(n), text(tenths(n, bases.get(k, total)))]
    if org is not None:
        o = tenths(org.get(k, 0), org_total)
        cells += [text(o), text(tenths(n, total) - o)]
    elif a.org:
        cells += ["", ""]
    lines.append(",".join(cells))
print("\n".join(sorted(lines)))
EOF
expect_report() { python3 "$SCRATCH/expect.py" "$@"; }
body_sorted() { printf '%s\n' "$out" | tail -n +2 | LC_ALL=C sort; }
# Two dimensions: without the row_percent column (expect.py has none).
body2_sorted() { printf '%s\n' "$out" | tail -n +2 | cut -d, -f1-4 | LC_ALL=C sort; }
expected_sorted() { expect_report "$@" | LC_ALL=C sort; }

# ---------------------------------------------------------------------------
t "setup: a register with people of every kind"
standard_register
cl service add FAM --name Family --star family -q
cl staff add fay --name "Fay" --login fay-login --worker FAM --no-check-login -q
cl staff grant max --worker HOM -q  # max: manager of REC and worker of HOM
genders=(female male non-binary self-described prefer-not-to-say "")
ethnicities=(white-british asian-indian black-african mixed-other arab prefer-not-to-say "" white-irish)
bands=(under-18 18-24 25-34 35-44 45-54 55-64 65-74 75-plus unknown)
dobs=(1990-04-23 2008-11-26 2008-11-27 1951-11-26 1951-11-27 2004-02-29 23/04/1972 01/12/1961 1999-11-25)
hom_needs=(money rough-sleeping mental-health physical-health offending accommodation)
rec_needs=(drug-use mental-health alcohol-use offending housing physical-health)
places=("HOM wes" "HOM wyn" "HOM wes" "REC rex" "HOM max" "REC rex" "FAM fay" "HOM wyn")
added=0
for i in $(seq 1 80); do
    set -- ${places[$((i % 8))]}
    svc=$1 kw=$2
    args=(su add "$svc-$(printf %04d "$i")" --service "$svc" --keyworker "$kw" --confirm-anonymous -q)
    case $((i % 3)) in
        0) args+=(--dob "${dobs[$((i / 3 % 9))]}") ;;
        1) args+=(--age-band "${bands[$((i / 3 % 9))]}") ;;
    esac
    g=${genders[$((i % 6))]}
    [ -n "$g" ] && args+=(--gender "$g")
    e=${ethnicities[$((i / 2 % 8))]}
    [ -n "$e" ] && args+=(--ethnicity "$e")
    case $svc in
        HOM) for k in $(seq 0 $((i % 4))); do [ "$k" -gt 0 ] && args+=(--need "${hom_needs[$(((i + k * 5) % 6))]}"); done ;;
        REC) for k in $(seq 0 $((i % 3))); do [ "$k" -gt 0 ] && args+=(--need "${rec_needs[$(((i + k) % 6))]}"); done ;;
    esac
    if cl "${args[@]}"; then added=$((added + 1)); else echo "could not add $i: ${args[*]}" >&2; fi
done
# A worker and a manager add some too (the usual way).
run --as wes su add HOM-0101 --gender female --need money --confirm-anonymous -q
expect_status 0
run --as mia su add HOM-0102 --keyworker wyn --age-band 25-34 --gender male --confirm-anonymous -q
expect_status 0
expect_eq "$added" "80" "(people added)"
# Some have left (su leave belongs to another issue; SQL does it here).
sqlite3 "$CASELOAD_DB" "UPDATE service_user SET status = 'left', left_on = '2026-01-01' WHERE id % 7 = 0"
cl su list --include-left --format csv >"$SCRATCH/all.csv"
expect_eq "$(tail -n +2 "$SCRATCH/all.csv" | wc -l)" "82" "(su list rows)"
expect_eq "$(grep -c ',left,' "$SCRATCH/all.csv")" "11" "(people who left)"

# ---------------------------------------------------------------------------
t "every dimension, as the lead, against su list"
for dim in service keyworker age-band gender ethnicity need status; do
    run report --by "$dim" --hide-empty --format csv
    expect_status 0
    expect_eq "$(printf '%s\n' "$out" | head -1)" "$(echo "$dim" | tr - _),count,percent" "(header for $dim)"
    expect_eq "$(body_sorted)" "$(expected_sorted "$SCRATCH/all.csv" --by "$dim")" "(counts by $dim)"
    run report --by "$dim" --include-left --hide-empty --format csv
    expect_eq "$(body_sorted)" "$(expected_sorted "$SCRATCH/all.csv" --by "$dim" --include-left)" "(counts by $dim, with those who left)"
done

t "pairs of dimensions"
for pair in "service gender" "age-band need" "keyworker status" "need ethnicity" "gender age-band"; do
    set -- $pair
    run report --by "$1" --by "$2" --include-left --hide-empty --format csv
    expect_status 0
    expect_eq "$(body2_sorted)" "$(expected_sorted "$SCRATCH/all.csv" --by "$1" --by "$2" --include-left)" "(counts by $1 and $2)"
done
run report --by service,gender --hide-empty --format csv
expect_eq "$(body2_sorted)" "$(expected_sorted "$SCRATCH/all.csv" --by service --by gender)" "(--by A,B)"

t "filters"
run report --by gender --service HOM --hide-empty --format csv
expect_eq "$(body_sorted)" "$(expected_sorted "$SCRATCH/all.csv" --by gender --service HOM)"
run report --by age-band --keyworker rex --include-left --hide-empty --format csv
expect_eq "$(body_sorted)" "$(expected_sorted "$SCRATCH/all.csv" --by age-band --keyworker rex --include-left)"
run report --by service --need mental-health --hide-empty --format csv
expect_eq "$(body_sorted)" "$(expected_sorted "$SCRATCH/all.csv" --by service --need mental-health)"
expect_out_has "REC,"  # a need of two Stars counts in both
expect_out_has "HOM,"
run report --by need --need offending --hide-empty --format csv
expect_eq "$(body_sorted)" "$(expected_sorted "$SCRATCH/all.csv" --by need --need offending)"

t "no --by: one row, everyone counted"
run report --format csv
expect_eq "$out" "count,percent
$(tail -n +2 "$SCRATCH/all.csv" | grep -c ',active,'),100.0"
run report --json
expect_eq "$(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin))')" "{'rows': [{'count': 71, 'percent': 100.0}], 'total': {'count': 71}}"

t "age bands follow the date of birth as of today"
# 2008-11-26 turns 18 today; 2008-11-27 is 17 until tomorrow; 1951-11-26 is 75.
[ "$(grep -c ',2008-11-27,' "$SCRATCH/all.csv")" -gt 0 ] && pass || fail "no one born 2008-11-27"
expect_eq "$(grep -c ',2008-11-26,18-24,' "$SCRATCH/all.csv")" "$(grep -c ',2008-11-26,' "$SCRATCH/all.csv")"
expect_eq "$(grep -c ',2008-11-27,under-18,' "$SCRATCH/all.csv")" "$(grep -c ',2008-11-27,' "$SCRATCH/all.csv")"
run report --by age-band --include-left --hide-empty --format csv
expect_eq "$(body_sorted)" "$(expected_sorted "$SCRATCH/all.csv" --by age-band --include-left)"
CASELOAD_TODAY=2026-11-27 run report --by age-band --include-left --format csv
under18_tomorrow=$(printf '%s\n' "$out" | grep '^under-18,' | cut -d, -f2)
CASELOAD_TODAY=2026-11-26 run report --by age-band --include-left --format csv
under18_today=$(printf '%s\n' "$out" | grep '^under-18,' | cut -d, -f2)
expect_eq "$((under18_today - under18_tomorrow))" "$(grep -c ',2008-11-27,' "$SCRATCH/all.csv")" "(birthdays tomorrow leave under-18)"

t "rows in natural order"
run report --by age-band --include-left --format csv
order=$(printf '%s\n' "$out" | tail -n +2 | cut -d, -f1 | tr '\n' ' ')
expect_eq "$order" "under-18 18-24 25-34 35-44 45-54 55-64 65-74 75-plus unknown "
run report --by gender --format csv
order=$(printf '%s\n' "$out" | tail -n +2 | cut -d, -f1 | tr '\n' ' ')
expect_eq "$order" "female male non-binary self-described prefer-not-to-say not-recorded "
run report --by keyworker --format csv
order=$(printf '%s\n' "$out" | tail -n +2 | cut -d, -f1 | tr '\n' ' ')
expect_eq "$order" "fay max rex wes wyn "
run report --by need --format csv
expect_eq "$(printf '%s\n' "$out" | tail -1 | cut -d, -f1)" "not-recorded"
expect_eq "$(printf '%s\n' "$out" | tail -n +2 | head -n -1 | cut -d, -f1)" "$(printf '%s\n' "$out" | tail -n +2 | head -n -1 | cut -d, -f1 | LC_ALL=C sort)" "(needs by code)"

# ---------------------------------------------------------------------------
t "scope: a worker sees their own caseload"
cl --as wes su list --include-left --format csv >"$SCRATCH/wes.csv"
for dim in service gender need status; do
    run --as wes report --by "$dim" --include-left --hide-empty --format csv
    expect_status 0
    expect_eq "$(body_sorted)" "$(expected_sorted "$SCRATCH/wes.csv" --by "$dim" --include-left)" "(wes by $dim)"
done
run --as wes report --by keyworker --format csv
expect_eq "$(printf '%s\n' "$out" | tail -n +2 | cut -d, -f1 | sort -u)" "wes"

t "scope: a manager sees their services (and their own caseload)"
cl --as mia su list --include-left --format csv >"$SCRATCH/mia.csv"
run --as mia report --by keyworker --by gender --include-left --hide-empty --format csv
expect_eq "$(body2_sorted)" "$(expected_sorted "$SCRATCH/mia.csv" --by keyworker --by gender --include-left)"
expect_out_lacks "rex"
expect_out_lacks "fay"
# max manages REC and works in HOM: all of REC, and his own HOM caseload.
cl --as max su list --format csv >"$SCRATCH/max.csv"
run --as max report --by service --by keyworker --format csv
expect_eq "$(body2_sorted)" "$(expected_sorted "$SCRATCH/max.csv" --by service --by keyworker)"
expect_out_has "HOM,max,"
expect_out_lacks "HOM,wes,"

t "scope: a lead sees everything; --as narrows to that person"
run report --by service --format csv
expect_out_has "FAM,"
run --as fay report --by service --format csv
expect_eq "$(printf '%s\n' "$out" | tail -n +2 | cut -d, -f1 | sort -u)" "FAM"

t "scope: filters outside it are refused, and nothing is shown"
refused 6 "you may not report on REC: you are not staff of it" --as wes report --by gender --service REC
expect_err_has "your own caseload and the services you manage"
refused 6 "you may not report on wyn's caseload" --as wes report --by gender --keyworker wyn
refused 6 "you may not report on FAM" --as mia report --service FAM
refused 6 "you may not report on rex's caseload" --as mia report --keyworker rex --format json
refused 4 "there is no service 'NOPE'" report --service NOPE
refused 4 "there is no staff member 'nobody'" report --keyworker nobody
refused 4 "no Star has a need 'flying'" report --need flying
# Inside it: allowed.
run --as wes report --service HOM --format csv
expect_status 0
expect_eq "$(printf '%s\n' "$out" | tail -1 | cut -d, -f1)" "$(tail -n +2 "$SCRATCH/wes.csv" | grep -c ',active,')"
run --as mia report --keyworker wyn --format csv
expect_status 0
run --as max report --keyworker rex --format csv
expect_status 0

# ---------------------------------------------------------------------------
t "--compare: the people on the same Star, and the difference"
# A second service on the homelessness Star, so that HOM has others to compare with.
cl service add HB --name "Hostel B" --star homelessness -q
cl staff add hal --name "Hal" --login hal-login --worker HB --no-check-login -q
hb_genders=(female female male non-binary female male)
hb_needs=(money accommodation rough-sleeping money)
for i in $(seq 1 12); do
    cl su add "HB-$(printf %04d "$i")" --service HB --keyworker hal --gender "${hb_genders[$((i % 6))]}" \
        --age-band "${bands[$((i % 9))]}" --need "${hb_needs[$((i % 4))]}" --confirm-anonymous -q
done
cl su list --include-left --format csv >"$SCRATCH/all.csv"
cl --as mia su list --include-left --format csv >"$SCRATCH/mia.csv"
cl --as wes su list --include-left --format csv >"$SCRATCH/wes.csv"
for dim in gender age-band need; do
    run --as mia report --by "$dim" --compare --hide-empty --format csv
    expect_status 0
    expect_eq "$(printf '%s\n' "$out" | head -1)" "$(echo "$dim" | tr - _),count,percent,organisation_percent,difference"
    expect_eq "$(body_sorted)" "$(expected_sorted "$SCRATCH/mia.csv" --org "$SCRATCH/all.csv" --by "$dim")" "(mia by $dim)"
    expect_err_has "people on the homelessness Star"
done
# HB's needs count in HOM's benchmark; REC's (another Star, some of the same codes) never.
run --as mia report --by need --compare --format csv
expect_out_lacks "drug-use"
expect_out_has "accommodation,"
run --as wes report --by gender --need money --include-left --compare --hide-empty --format csv
expect_eq "$(body_sorted)" "$(expected_sorted "$SCRATCH/wes.csv" --org "$SCRATCH/all.csv" --by gender --need money --include-left)" "(wes, with need and left)"
# The arithmetic in the JSON itself: difference = percent - organisation_percent.
run --as mia report --by gender --compare --json
expect_eq "$(printf '%s' "$out" | python3 -c '
import json, sys
rows = json.load(sys.stdin)["rows"]
print(all(round(r["percent"] - r["organisation_percent"], 1) == r["difference"] for r in rows),
      round(sum(r["percent"] for r in rows)) == 100, sorted(rows[0].keys()))')" "True True ['count', 'difference', 'gender', 'organisation_percent', 'percent']"
# Keyworkers outside the scope never appear, not even those of the benchmark.
run --as mia report --by keyworker --compare --format csv
expect_out_lacks "rex"
expect_out_lacks "fay"
expect_out_lacks "hal"

t "--compare: only yourself, or several Stars"
# REC is the only service on the recovery Star: no benchmark, and it says so.
run report --by ethnicity --service REC --compare --hide-empty --format csv
expect_status 0
expect_eq "$(body_sorted)" "$(expected_sorted "$SCRATCH/all.csv" --org "$SCRATCH/all.csv" --by ethnicity --service REC)" "(REC: no benchmark)"
expect_out_lacks ",0.0,"
expect_err_has "No benchmark: every person on the recovery Star is in this report"
run report --by ethnicity --service REC --compare
expect_out_has "No benchmark: every person on the recovery Star is in this report"
expect_out_lacks "+0.0"
# The lead's whole organisation spans three Stars; max's scope two.
refused 2 "--compare compares with the people on one Star, and this report's people are on 3: family (FAM); homelessness (HB, HOM); recovery (REC)" report --by gender --compare
expect_err_has "narrow it to one Star with --service CODE"
refused 2 "this report's people are on 2" --as max report --by service --compare
# --by service on one Star: each service's share of the Star.
run report --by service --need rough-sleeping --service HB --compare --format csv
expect_status 0
expect_out_has "HB,"
# Once a lead's --compare --by service showed 0.0 everywhere: HB is 100% of
# its report and a share of the homelessness Star's people (HB and HOM).
run report --by service --service HB --compare --format csv
expect_status 0
expect_eq "$(body_sorted)" "$(expected_sorted "$SCRATCH/all.csv" --org "$SCRATCH/all.csv" --by service --service HB)" "(the lead by service, on one Star)"
expect_eq "$(printf '%s\n' "$out" | tail -n +2 | cut -d, -f3,5)" "100.0,$(python3 -c '
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["status"] == "active"]
star = [r for r in rows if r["service"] in ("HB", "HOM")]
hb = sum(1 for r in star if r["service"] == "HB")
print(round(100 - round(hb * 1000 / len(star)) / 10, 1))' "$SCRATCH/all.csv")"
refused 2 "--compare takes nothing or 'benchmark', not 'others'" report --by gender --compare others

# Needs of several Stars are keyed by Star: the lead's report by need.
run report --by need --hide-empty --format csv
expect_out_has "homelessness/mental-health,"
expect_out_has "recovery/mental-health,"
expect_eq "$(body_sorted)" "$(expected_sorted "$SCRATCH/all.csv" --by need)" "(needs by Star)"
run report --by need
expect_out_has "Needs of several Stars are shown as star/need"

# ---------------------------------------------------------------------------
t "suppression"
new_register small
standard_register
for i in 1 2 3 4 5 6 7; do cl su add "HOM-71$i" --service HOM --keyworker wes --gender female --confirm-anonymous -q; done
for i in 1 2 3 4 5 6; do cl su add "HOM-72$i" --service HOM --keyworker wyn --gender male --confirm-anonymous -q; done
for i in 1 2; do cl su add "HOM-73$i" --service HOM --keyworker wyn --gender non-binary --confirm-anonymous -q; done
cl su add "REC-0001" --service REC --keyworker rex --need drug-use --confirm-anonymous -q
run report --by gender --service HOM --hide-empty --format csv
expect_out "gender,count,percent
female,7,46.7
male,6,40.0
non-binary,2,13.3"
# A bigger register for suppression: HOM female 23, male 11, non-binary 2.
new_register supp
standard_register
{
    echo "id,service,keyworker,gender"
    for i in $(seq 1 23); do echo "HOM-81$(printf %02d "$i"),HOM,wes,female"; done
    for i in $(seq 1 11); do echo "HOM-82$(printf %02d "$i"),HOM,wyn,male"; done
    for i in 1 2; do echo "HOM-830$i,HOM,wyn,non-binary"; done
} >"$SCRATCH/supp.csv"
cl su import "$SCRATCH/supp.csv" --confirm-anonymous -q
run report --by gender --service HOM --suppress-below 8 --hide-empty --format csv
# non-binary (2) is hidden: an empty count, never "<8"; the others and the
# total (36) are rounded to 5, and percentages come from the rounded figures.
expect_out "gender,count,percent,suppressed
female,25,71.4,false
male,10,28.6,false
non-binary,,,true"
run report --by gender --service HOM --suppress-below 8 --hide-empty --format tsv
expect_eq "$(printf '%s\n' "$out" | tail -1)" "non-binary			true"
run report --by gender --service HOM --suppress-below 8 --hide-empty --json
expect_eq "$(printf '%s' "$out" | python3 -c '
import json, sys
for r in json.load(sys.stdin)["rows"]: print(r["gender"], r["count"], r["percent"], r["suppressed"])')" "female 25 71.4 False
male 10 28.6 False
non-binary None None True"
# A threshold is raised to at least 8, and to the next of 8, 13, 18, ...: 2 hides what 8 hides.
run report --by gender --service HOM --suppress-below 2 --hide-empty --format csv
expect_out "gender,count,percent,suppressed
female,25,71.4,false
male,10,28.6,false
non-binary,,,true"
run report --by gender --service HOM --suppress-below 12 --hide-empty --format csv
expect_out_has "male,,,true"  # 11, under 13
run report --by service --suppress-below 40 --format csv
expect_out "service,count,percent,suppressed
HOM,,,true"
# Complete tables: the genders nobody has are listed, hidden like any count under 8.
run report --by gender --service HOM --suppress-below 8 --format csv
expect_out_has "self-described,,,true"
# HOM is alone on its Star: no benchmark, whatever is hidden.
run report --by gender --service HOM --suppress-below 8 --compare --hide-empty --format csv
expect_out_has "non-binary,,,,,true"  # as without --compare
expect_out_has "female,25,71.4,,,false"
expect_err_has "No benchmark"
run report --by gender --service HOM --suppress-below 10
expect_out_has "Counts under 13 (--suppress-below 10 raised to 13) are shown as <13"
expect_out_has "rounded to the nearest 5"
expect_eq "$(printf '%s\n' "$out" | grep '^total' | tr -s ' ')" "total 35 100.0"
export CASELOAD_DB="$SCRATCH/register-small.db"
refused 2 "suppress-below" report --suppress-below 0
refused 2 "suppress-below" report --suppress-below many
run report --by gender --format csv
expect_out_lacks "suppressed"  # no suppression by default

# ---------------------------------------------------------------------------
t "formats"
run report --by gender --by service --hide-empty --format json
expect_status 0
expect_eq "$(printf '%s' "$out" | python3 -c '
import json, sys
rows = json.load(sys.stdin)["rows"]
print(len(rows), list(rows[0].keys()), type(rows[0]["count"]).__name__, type(rows[0]["percent"]).__name__)')" "4 ['gender', 'service', 'count', 'percent', 'row_percent'] int float"
run report --by gender --hide-empty --format jsonl
expect_eq "$(printf '%s\n' "$out" | wc -l)" "5"
expect_eq "$(printf '%s\n' "$out" | head -1)" '{"gender":"female","count":7,"percent":43.8}'
expect_eq "$(printf '%s\n' "$out" | tail -1)" '{"total":{"count":16}}'
run report --by gender --format tsv
expect_eq "$(printf '%s\n' "$out" | head -2)" "gender	count	percent
female	7	43.8"
run report --by need --service HOM --compare --format tsv
expect_eq "$(printf '%s\n' "$out" | head -1)" "need	count	percent	organisation_percent	difference"
run report --by gender --service HOM --compare --json
expect_eq "$(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["rows"][0])')" "{'gender': 'female', 'count': 7, 'percent': 46.7, 'organisation_percent': None, 'difference': None}"
run report --by gender --format table
expect_status 0
expect_eq "$(printf '%s\n' "$out" | head -2)" "Active service users on 2026-11-26, by gender
Test Org: the whole organisation"
expect_eq "$(printf '%s\n' "$out" | sed -n 4p | tr -s ' ')" "gender count %"
expect_eq "$(printf '%s\n' "$out" | grep '^total' | tr -s ' ')" "total 16 100.0"
run report --by gender --service HOM --compare
expect_eq "$(printf '%s\n' "$out" | sed -n 2p)" "Test Org: service HOM (Hostel)"
expect_eq "$(printf '%s\n' "$out" | sed -n 4p | tr -s ' ')" "gender count % org % diff"
expect_out_has "No benchmark: every person on the homelessness Star is in this report"
run report
expect_eq "$(printf '%s\n' "$out" | tail -1 | tr -s ' ')" "total 16 100.0"
run --as rex report --by gender --hide-empty --format jsonl
expect_eq "$out" '{"gender":"not-recorded","count":1,"percent":100.0}
{"total":{"count":1}}'
# An empty scope: valid, empty output, a note on stderr.
cl staff add nia --name "Nia" --login nia-login --worker REC --no-check-login -q
run --as nia report --by gender --hide-empty --json
expect_status 0
expect_eq "$(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin))')" "{'rows': [], 'total': {'count': 0}}"
expect_err_has "No service users to count"
run --as nia report --by gender --hide-empty --format csv
expect_eq "$out" "gender,count,percent"
# Without --hide-empty every gender is listed, with 0.
run --as nia report --by gender --format csv
expect_eq "$(printf '%s\n' "$out" | tail -n +2 | cut -d, -f1,2 | tr '\n' ' ')" "female,0 male,0 non-binary,0 self-described,0 prefer-not-to-say,0 "

t "the need footnote"
run report --by need
expect_out_has "A person with several needs counts once under each need"
run report --by gender
expect_out_lacks "several needs"

# ---------------------------------------------------------------------------
t "usage: bad dimensions"
refused 2 "'sex' is not a report dimension; use one of: service, keyworker, age-band, gender, ethnicity, need, status" report --by sex
refused 2 "did you mean '--by gender'?" report --by gendr
refused 2 "at most 2 dimensions; 3 --by were given" report --by service --by gender --by need
refused 2 "at most 2 dimensions" report --by service,gender,need
refused 2 "--by gender was given twice" report --by gender --by GENDER
run report --by age_band --format csv
expect_status 0

# ---------------------------------------------------------------------------
t "bars: proportional, Unicode eighths, fitted to the width"
new_register bars
standard_register
for i in $(seq 1 40); do cl su add "HOM-1$(printf %03d "$i")" --service HOM --keyworker wes --confirm-anonymous -q; done
for i in $(seq 1 25); do cl su add "HOM-5$(printf %03d "$i")" --service HOM --keyworker wyn --confirm-anonymous -q; done
for i in $(seq 1 3); do cl su add "REC-3$(printf %03d "$i")" --service REC --keyworker rex --confirm-anonymous -q; done
cl su add "REC-4001" --service REC --keyworker rex --confirm-anonymous -q
NO_COLOR=1 COLUMNS=60 run report --by keyworker
expect_status 0
printf '%s\n' "$out" >"$SCRATCH/bars.txt"
expect_eq "$(python3 - "$SCRATCH/bars.txt" 60 <<'EOF'
import sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
width = int(sys.argv[2])
blocks = "▏▎▍▌▋▊▉"
rows = {}
for line in lines[4:]:  # after the title, the scope, a blank line and the heading
    cells = line.split()
    if not cells or cells[0] == "total": continue
    bar = cells[-1]
    eighths = 8 * bar.count("█") + (blocks.index(bar[-1]) + 1 if bar[-1] in blocks else 0)
    rows[cells[0]] = (int(cells[1]), eighths)
longest = max(len(l) for l in lines)
big = max(c for c, e in rows.values())
full = rows[[k for k, v in rows.items() if v[0] == big][0]][1]
ok = all(abs(e - round(c * full / big)) <= 1 for c, e in rows.values())
print(longest == width - 1, ok, sorted(rows), "\x1b" in "".join(lines))
EOF
)" "True True ['rex', 'wes', 'wyn'] False"
NO_COLOR=1 COLUMNS=100 run report --by keyworker
expect_eq "$(printf '%s\n' "$out" | python3 -c 'import sys; print(max(len(l) for l in sys.stdin.read().splitlines()))')" "99"
expect_out_has "█"
# The smallest still shows; partial blocks appear.
expect_eq "$(printf '%s\n' "$out" | grep '^rex' | grep -c '[▏▎▍▌▋▊▉█]')" "1"
COLUMNS= run report --by keyworker
expect_eq "$(printf '%s\n' "$out" | python3 -c 'import sys; print(max(len(l) for l in sys.stdin.read().splitlines()))')" "79" "(80 columns when nothing says otherwise)"
expect_out_lacks $'\x1b'
# On a terminal: colour unless NO_COLOR, and the width of the window.
cat >"$SCRATCH/on_tty.py" <<'EOF'
import fcntl, os, pty, struct, subprocess, sys, termios
cols = int(sys.argv[1])
master, slave = pty.openpty()
fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, cols, 0, 0))
p = subprocess.Popen(sys.argv[2:], stdout=slave, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
# The slave stays open here until the output is drained: once every slave fd
# is closed, a read of the master may fail (EIO) before the last bytes are read.
import select
data = b""
def drain():
    global data
    while select.select([master], [], [], 0)[0]:
        chunk = os.read(master, 65536)
        if not chunk: break
        data += chunk
while p.poll() is None:
    select.select([master], [], [], 0.05)
    drain()
drain()
os.close(slave)
text = data.decode("utf-8").replace("\r\n", "\n")
import re
plain = re.sub("\x1b\\[[0-9;]*m", "", text)
print("\x1b" in text, max(len(l) for l in plain.splitlines()))
EOF
expect_eq "$(env -u NO_COLOR COLUMNS=200 TERM=xterm python3 "$SCRATCH/on_tty.py" 50 "$CASELOAD_BIN" report --by keyworker)" "True 49"
expect_eq "$(NO_COLOR=1 TERM=xterm python3 "$SCRATCH/on_tty.py" 70 "$CASELOAD_BIN" report --by keyworker)" "False 69"

t "colour: only the bars and the sign of a difference; --color never|always|auto"
expect_eq "$(env -u NO_COLOR TERM=xterm python3 "$SCRATCH/on_tty.py" 50 "$CASELOAD_BIN" report --by keyworker --color never)" "False 49"
expect_eq "$(env -u NO_COLOR TERM=xterm python3 "$SCRATCH/on_tty.py" 50 "$CASELOAD_BIN" report --by keyworker --colour auto)" "True 49"
run report --by keyworker --color auto
expect_out_lacks $'\x1b'
cat >"$SCRATCH/colours.py" <<'EOF'
import re, sys
text = sys.stdin.read()
painted = re.findall("\x1b\\[(\\d+)m(.*?)\x1b\\[0m", text)
rest = re.sub("\x1b\\[\\d+m.*?\x1b\\[0m", "", text)
ok = all((c == "36" and set(t) <= set("█▏▎▍▌▋▊▉")) or (c == "32" and re.fullmatch(r"\+\d+\.\d", t))
         or (c == "31" and re.fullmatch(r"-\d+\.\d", t)) for c, t in painted)
print(len(painted) > 0, ok, "\x1b" in rest, sorted({c for c, _ in painted}))
EOF
cl service add HB --name "Hostel B" --star homelessness -q
cl staff add hal --name "Hal" --login hal-login --worker HB --no-check-login -q
cl su add HB-4002 --service HB --keyworker hal --gender female --confirm-anonymous -q
# HOM has nobody female, its Star one: a minus; not-recorded a plus.
run report --by gender --service HOM --compare --color always
expect_eq "$(printf '%s\n' "$out" | python3 "$SCRATCH/colours.py")" "True True False ['31', '32', '36']"
NO_COLOR=1 run report --by keyworker --color always
expect_out_has $'\x1b[36m'  # an explicit --color always wins over NO_COLOR
refused 2 "--color" report --color sometimes

t "two dimensions: subtotals and row percentages in the table"
NO_COLOR=1 run report --by service --by keyworker
expect_eq "$(printf '%s\n' "$out" | sed -n 4p | tr -s ' ')" "service keyworker count % row %"
expect_eq "$(printf '%s\n' "$out" | grep -E '^ *subtotal ' | tr -s ' ' | sed 's/^ //')" "subtotal 1 1.4 100.0
subtotal 65 92.9 100.0
subtotal 4 5.7 100.0"
expect_eq "$(printf '%s\n' "$out" | grep '^HOM' | tr -s ' ' | cut -d' ' -f1-5)" "HOM wes 40 57.1 61.5"
expect_out_has "row % is the share of the subtotal of the row's service."

finish
