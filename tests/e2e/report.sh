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

def values(r, dim):
    if dim == "need":
        return [n for n in r["needs"].split(";") if n] or ["not-recorded"]
    if dim == "age-band": return [r["age_band"] or "unknown"]
    if dim in ("gender", "ethnicity"): return [r[dim] or "not-recorded"]
    return [r[dim]]

def tally(rows):
    c = {}
    for r in rows:
        keys = [()]
        for d in a.by:
            keys = [k + (v,) for k in keys for v in values(r, d)]
        for k in keys: c[k] = c.get(k, 0) + 1
    if not a.by: c = {(): len(rows)}
    return c, len(rows)

def tenths(count, total):
    return (count * 2000 + total) // (2 * total) if total else 0

def text(t):
    return ("-" if t < 0 else "") + "%d.%d" % (abs(t) // 10, abs(t) % 10)

scope, total = tally(people(a.scope, True))
org = org_total = None
if a.org:
    org, org_total = tally(people(a.org, False))
    if a.by and all(d in FIXED for d in a.by):
        for k in org: scope.setdefault(k, 0)
lines = []
for k, n in scope.items():
    cells = list(k) + [str(n), text(tenths(n, total))]
    if org is not None:
        o = tenths(org.get(k, 0), org_total)
        cells += [text(o), text(tenths(n, total) - o)]
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
cl staff add fay --name "Fay" --login fay-login --worker FAM -q
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
expect_eq "$(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin))')" "[{'count': 71, 'percent': 100.0}]"

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
t "--compare: the organisation's percentages and the difference"
for dim in gender age-band need; do
    run --as mia report --by "$dim" --compare --hide-empty --format csv
    expect_status 0
    expect_eq "$(printf '%s\n' "$out" | head -1)" "$(echo "$dim" | tr - _),count,percent,organisation_percent,difference"
    expect_eq "$(body_sorted)" "$(expected_sorted "$SCRATCH/mia.csv" --org "$SCRATCH/all.csv" --by "$dim")" "(mia by $dim)"
done
run report --by ethnicity --service REC --compare --hide-empty --format csv
expect_eq "$(body_sorted)" "$(expected_sorted "$SCRATCH/all.csv" --org "$SCRATCH/all.csv" --by ethnicity --service REC)" "(lead, REC against all)"
run --as wes report --by gender --need money --include-left --compare --hide-empty --format csv
expect_eq "$(body_sorted)" "$(expected_sorted "$SCRATCH/wes.csv" --org "$SCRATCH/all.csv" --by gender --need money --include-left)" "(wes, with need and left)"
# The arithmetic in the JSON itself: difference = percent - organisation_percent.
run --as mia report --by gender --compare --json
expect_eq "$(printf '%s' "$out" | python3 -c '
import json, sys
rows = json.load(sys.stdin)
print(all(round(r["percent"] - r["organisation_percent"], 1) == r["difference"] for r in rows),
      round(sum(r["percent"] for r in rows)) == 100, sorted(rows[0].keys()))')" "True True ['count', 'difference', 'gender', 'organisation_percent', 'percent']"
# Keyworkers outside the scope never appear, not even in the benchmark.
run --as mia report --by keyworker --compare --format csv
expect_out_lacks "rex"
expect_out_lacks "fay"

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
run report --by gender --service HOM --suppress-below 3 --hide-empty --format csv
# non-binary (2) is hidden; so is the next smallest, else total - the others gives it away.
expect_out "gender,count,percent,suppressed
female,7,46.7,false
male,<3,,true
non-binary,<3,,true"
run report --by gender --service HOM --suppress-below 3 --hide-empty --json
expect_eq "$(printf '%s' "$out" | python3 -c '
import json, sys
for r in json.load(sys.stdin): print(r["gender"], r["count"], r["percent"], r["suppressed"])')" "female 7 46.7 False
male None None True
non-binary None None True"
run report --by gender --service HOM --suppress-below 2 --hide-empty --format csv
expect_out "gender,count,percent,suppressed
female,7,46.7,false
male,6,40.0,false
non-binary,2,13.3,false"
run report --by service --suppress-below 20 --format csv
expect_out "service,count,percent,suppressed
HOM,<20,,true
REC,<20,,true"
run report --by gender --service HOM --suppress-below 3 --compare --format csv
expect_out_has "male,<3,,,,true"  # as without --compare
expect_out_has "not-recorded,<3,,,,true"  # REC's one person: a zero row of the benchmark
expect_out_has "female,7,46.7,43.8,2.9,false"
run report --by gender --service HOM --suppress-below 3
expect_out_has "Counts under 3 are shown as <3"
expect_out_has "<3"
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
rows = json.load(sys.stdin)
print(len(rows), list(rows[0].keys()), type(rows[0]["count"]).__name__, type(rows[0]["percent"]).__name__)')" "4 ['gender', 'service', 'count', 'percent', 'row_percent'] int float"
run report --by gender --hide-empty --format jsonl
expect_eq "$(printf '%s\n' "$out" | wc -l)" "4"
expect_eq "$(printf '%s\n' "$out" | head -1)" '{"gender":"female","count":7,"percent":43.8}'
run report --by gender --format tsv
expect_eq "$(printf '%s\n' "$out" | head -2)" "gender	count	percent
female	7	43.8"
run report --by need --compare --format tsv
expect_eq "$(printf '%s\n' "$out" | head -1)" "need	count	percent	organisation_percent	difference"
run report --by gender --service HOM --compare --json
expect_eq "$(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0])')" "{'gender': 'female', 'count': 7, 'percent': 46.7, 'organisation_percent': 43.8, 'difference': 2.9}"
run report --by gender --format table
expect_status 0
expect_eq "$(printf '%s\n' "$out" | head -2)" "Active service users on 2026-11-26, by gender
Test Org: the whole organisation"
expect_eq "$(printf '%s\n' "$out" | sed -n 4p | tr -s ' ')" "gender count %"
expect_eq "$(printf '%s\n' "$out" | grep '^total' | tr -s ' ')" "total 16 100.0"
run report --by gender --service HOM --compare
expect_eq "$(printf '%s\n' "$out" | sed -n 2p)" "Test Org: service HOM (Hostel)"
expect_eq "$(printf '%s\n' "$out" | sed -n 4p | tr -s ' ')" "gender count % org % diff"
expect_out_has "+2.9"
expect_out_has "org % is the same segment's share of the whole organisation"
run report
expect_eq "$(printf '%s\n' "$out" | tail -1 | tr -s ' ')" "total 16 100.0"
run --as rex report --by gender --hide-empty --format jsonl
expect_eq "$out" '{"gender":"not-recorded","count":1,"percent":100.0}'
# An empty scope: valid, empty output, a note on stderr.
cl staff add nia --name "Nia" --login nia-login --worker REC -q
run --as nia report --by gender --hide-empty --json
expect_status 0
expect_eq "$out" "[]"
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
cl su add REC-4002 --service REC --keyworker rex --gender female --confirm-anonymous -q
# HOM has nobody female, the organisation one: a minus; not-recorded a plus.
run report --by gender --service HOM --compare --color always
expect_eq "$(printf '%s\n' "$out" | python3 "$SCRATCH/colours.py")" "True True False ['31', '32', '36']"
NO_COLOR=1 run report --by keyworker --color always
expect_out_has $'\x1b[36m'  # an explicit --color always wins over NO_COLOR
refused 2 "--color" report --color sometimes

t "two dimensions: subtotals and row percentages in the table"
NO_COLOR=1 run report --by service --by keyworker
expect_eq "$(printf '%s\n' "$out" | sed -n 4p | tr -s ' ')" "service keyworker count % row %"
expect_eq "$(printf '%s\n' "$out" | grep '^ *subtotal' | tr -s ' ' | sed 's/^ //')" "subtotal 65 92.9 100.0
subtotal 5 7.1 100.0"
expect_eq "$(printf '%s\n' "$out" | grep '^HOM' | tr -s ' ' | cut -d' ' -f1-5)" "HOM wes 40 57.1 61.5"
expect_out_has "row % is the share of the subtotal of the row's service."

finish
