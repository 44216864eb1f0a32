#!/usr/bin/env bash
# Issue 15: start dates, periods and flows. A register whose people have known
# start and leaving dates across month, quarter and year boundaries; every
# flow and period count is checked against a count made here (python3) from
# the same list of dates, by the definitions of the man page.
. "$(dirname "$0")/lib.sh"
export CASELOAD_TODAY=2026-12-15

# id service start leave(- = still active)
PEOPLE="HOM-0001 HOM 2026-01-15 -
HOM-0002 HOM 2026-03-31 2026-04-01
HOM-0003 HOM 2026-04-01 2026-06-30
HOM-0004 HOM 2026-06-30 2026-07-01
HOM-0005 HOM 2026-07-01 -
HOM-0006 HOM 2026-09-30 2026-09-30
HOM-0007 HOM 2026-10-01 -
HOM-0008 HOM 2025-12-31 2026-01-01
HOM-0009 HOM 2026-12-15 -
HOM-0010 HOM 2025-06-01 2025-12-31
HOM-0011 HOM 2026-02-28 2026-10-31
REC-0001 REC 2026-05-05 -
REC-0002 REC 2026-11-30 2026-12-01
REC-0003 REC 2024-02-29 -"

t "setup: people with known dates"
standard_register
while read -r id svc start leave; do
    kw=wes
    [ "$svc" = REC ] && kw=rex
    run su add "$id" --service "$svc" --keyworker "$kw" --started "$start" --confirm-anonymous -q
    expect_status 0
    if [ "$leave" != - ]; then
        run su leave "$id" --date "$leave" -q
        expect_status 0
    fi
done <<<"$PEOPLE"
printf '%s\n' "$PEOPLE" >"$SCRATCH/people.txt"

# flow.py UNIT FROM TO [SERVICE]: the flow rows as caseload's CSV would give
# them (from,to,label,active_at_start,started,left,active_at_end), counted
# straight from the definitions, one period at a time.
cat >"$SCRATCH/flow.py" <<'EOF'
import sys, datetime as dt
unit, since, until = sys.argv[1], dt.date.fromisoformat(sys.argv[2]), dt.date.fromisoformat(sys.argv[3])
only = sys.argv[4] if len(sys.argv) > 4 else None
people = []
for line in open(sys.argv[5] if len(sys.argv) > 5 else "people.txt"):
    i, svc, s, l = line.split()
    if only and svc != only: continue
    people.append((dt.date.fromisoformat(s), None if l == "-" else dt.date.fromisoformat(l)))
def periods():
    d = since
    while d <= until:
        if unit == "month": start = d.replace(day=1); months = 1; label = "%04d-%02d" % (d.year, d.month)
        elif unit == "quarter": start = d.replace(month=(d.month - 1) // 3 * 3 + 1, day=1); months = 3; label = "%04d-Q%d" % (d.year, (d.month + 2) // 3)
        else: start = d.replace(month=1, day=1); months = 12; label = "%04d" % d.year
        m = start.month - 1 + months
        nxt = dt.date(start.year + m // 12, m % 12 + 1, 1)
        yield label, max(start, since), min(nxt - dt.timedelta(days=1), until)
        d = nxt
for label, a, b in periods():
    at_start = sum(1 for s, l in people if s < a and (l is None or l >= a))
    started = sum(1 for s, l in people if a <= s <= b)
    left = sum(1 for s, l in people if l is not None and a <= l <= b)
    at_end = sum(1 for s, l in people if s <= b and (l is None or l > b))
    assert at_end == at_start + started - left
    print(",".join([a.isoformat(), b.isoformat(), label] + [str(n) for n in (at_start, started, left, at_end)]))
EOF
expect_flow() { (cd "$SCRATCH" && python3 flow.py "$@"); }

# ---------------------------------------------------------------------------
t "flows by month, quarter and year, against the definitions"
for unit in month quarter year; do
    run report --flow --by "$unit" --since 2026-01-01 --until 2026-12-31 --format csv
    expect_status 0
    expect_eq "$(printf '%s\n' "$out" | head -1)" "from,to,$unit,active_at_start,started,left,active_at_end" "(header by $unit)"
    expect_eq "$(printf '%s\n' "$out" | tail -n +2)" "$(expect_flow "$unit" 2026-01-01 2026-12-31)" "(flow by $unit)"
done
# Figures worked by hand, so that the check above is not only python against C++.
run report --flow --by quarter --since 2026-01-01 --until 2026-12-31 --format csv
expect_out_has "2026-01-01,2026-03-31,2026-Q1,2,3,1,4"
expect_out_has "2026-04-01,2026-06-30,2026-Q2,4,3,2,5"
expect_out_has "2026-07-01,2026-09-30,2026-Q3,5,2,2,5"
expect_out_has "2026-10-01,2026-12-31,2026-Q4,5,3,2,6"

t "a flow starting mid-month is clipped; --until defaults to today"
run report --flow --by month --since 2026-03-15 --format csv
expect_status 0
expect_eq "$(printf '%s\n' "$out" | tail -n +2)" "$(expect_flow month 2026-03-15 2026-12-15)"
expect_eq "$(printf '%s\n' "$out" | sed -n 2p | cut -d, -f1-3)" "2026-03-15,2026-03-31,2026-03"

t "a flow of one service, and a flow by service"
run report --flow --by quarter --since 2026-01-01 --until 2026-12-31 --service REC --format csv
expect_eq "$(printf '%s\n' "$out" | tail -n +2)" "$(expect_flow quarter 2026-01-01 2026-12-31 REC)"
run report --flow --by quarter --by service --since 2026-01-01 --until 2026-12-31 --format csv
expect_status 0
expect_eq "$(printf '%s\n' "$out" | head -1)" "from,to,quarter,service,active_at_start,started,left,active_at_end"
expect_eq "$(printf '%s\n' "$out" | awk -F, '$4 == "REC"' | cut -d, -f1-3,5-)" "$(expect_flow quarter 2026-01-01 2026-12-31 REC)"
expect_eq "$(printf '%s\n' "$out" | awk -F, '$4 == "HOM"' | cut -d, -f1-3,5-)" "$(expect_flow quarter 2026-01-01 2026-12-31 HOM)"
# The period first, whichever --by came first.
run report --flow --by service --by quarter --since 2026-10-01 --until 2026-12-31 --format csv
expect_eq "$(printf '%s\n' "$out" | head -1)" "from,to,quarter,service,active_at_start,started,left,active_at_end"

t "a flow without a period unit: one row for the whole period"
run report --flow --since 2026-04-01 --until 2026-06-30 --format csv
expect_eq "$out" "from,to,period,active_at_start,started,left,active_at_end
2026-04-01,2026-06-30,2026-04-01 to 2026-06-30,4,3,2,5"

t "the flow table states its period and has a total"
run report --flow --by quarter --since 2026-01-01 --until 2026-12-31
expect_status 0
expect_eq "$(printf '%s\n' "$out" | head -1)" "Flow of service users, 2026-01-01 to 2026-12-31, by quarter"
expect_eq "$(printf '%s\n' "$out" | sed -n 2p)" "Test Org: the whole organisation"
expect_eq "$(printf '%s\n' "$out" | grep '^total' | tr -s ' ')" "total 2 11 7 6"
expect_out_has "End = start + started - left"
run report --flow --by quarter --since 2026-01-01 --until 2026-12-31 --json
expect_eq "$(printf '%s' "$out" | python3 -c 'import json,sys; r=json.load(sys.stdin)["rows"]; print(len(r), r[0])')" \
    "4 {'from': '2026-01-01', 'to': '2026-03-31', 'quarter': '2026-Q1', 'active_at_start': 2, 'started': 3, 'left': 1, 'active_at_end': 4}"
expect_eq "$(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')" \
    "{'active_at_start': 2, 'started': 11, 'left': 7, 'active_at_end': 6}"

# ---------------------------------------------------------------------------
t "--by month: who started each month, every month listed"
run report --by month --since 2026-01-01 --until 2026-06-30 --format csv
expect_status 0
expect_eq "$out" "from,to,month,count,percent
2026-01-01,2026-06-30,2026-01,1,16.7
2026-01-01,2026-06-30,2026-02,1,16.7
2026-01-01,2026-06-30,2026-03,1,16.7
2026-01-01,2026-06-30,2026-04,1,16.7
2026-01-01,2026-06-30,2026-05,1,16.7
2026-01-01,2026-06-30,2026-06,1,16.7"
run report --by month --since 2026-07-01 --until 2026-09-30 --service REC --format csv
expect_eq "$(printf '%s\n' "$out" | tail -n +2 | cut -d, -f3,4)" "2026-07,0
2026-08,0
2026-09,0"
run report --by month --since 2026-07-01 --until 2026-09-30 --service REC --hide-empty --format csv
expect_eq "$out" "from,to,month,count,percent"

t "--by quarter --of left: who left each quarter, whatever their status now"
run report --by quarter --of left --since 2026-01-01 --until 2026-12-31 --format csv
expect_eq "$(printf '%s\n' "$out" | tail -n +2 | cut -d, -f3,4)" "2026-Q1,1
2026-Q2,2
2026-Q3,2
2026-Q4,2"
run report --by year --format csv
expect_eq "$(printf '%s\n' "$out" | tail -n +2 | cut -d, -f3,4)" "2024,1
2025,2
2026,11" "(from the first start, to today)"

t "--by quarter with another dimension"
run report --by quarter --by service --since 2026-01-01 --until 2026-12-31 --format csv
expect_eq "$(printf '%s\n' "$out" | head -1)" "from,to,quarter,service,count,percent,row_percent"
expect_out_has "2026-Q2,REC,1,"
expect_out_has "2026-Q4,HOM,2,"

t "--since/--until without a period: everyone supported in the period"
run report --by service --since 2026-04-01 --until 2026-06-30 --format csv
# HOM: 0001 0002 0003 0004 0011 (0002 left on 2026-04-01, in the period); REC: 0001 0003
expect_eq "$(printf '%s\n' "$out" | tail -n +2 | cut -d, -f3,4)" "HOM,5
REC,2"
run report --since 2026-04-01 --until 2026-06-30
expect_eq "$(printf '%s\n' "$out" | head -1)" "Service users supported, 2026-04-01 to 2026-06-30"
expect_eq "$(printf '%s\n' "$out" | grep '^total' | tr -s ' ')" "total 7 100.0"
run report --by status --since 2026-12-01 --format csv
expect_eq "$(printf '%s\n' "$out" | tail -n +2 | cut -d, -f3,4)" "active,6
left,1" "(REC-0002 left on 2026-12-01: supported in the period)"

t "a snapshot report states its day"
run report --by service
expect_eq "$(printf '%s\n' "$out" | head -1)" "Active service users on 2026-12-15, by service"
run report --by service --include-left
expect_eq "$(printf '%s\n' "$out" | head -1)" "Service users, active and left, on 2026-12-15, by service"

t "a flow by need over two Stars keys needs by Star and code"
# offending is a need of both Stars; accommodation of homelessness only.
# Once, flows named needs by bare code: the two Stars' offending merged, and
# every count sat in a bare row beside an empty star/code row.
new_register flow-needs
standard_register
printf '%s\n' "id,service,keyworker,needs,started_on" \
    "HOM-0001,HOM,wes,offending;accommodation,2026-02-01" \
    "HOM-0002,HOM,wes,offending,2026-05-01" \
    "REC-0001,REC,rex,offending,2026-05-01" >"$SCRATCH/flow-needs.csv"
cl su import "$SCRATCH/flow-needs.csv" --confirm-anonymous -q
run report --flow --by quarter --by need --since 2026-01-01 --until 2026-12-31 --format csv
expect_status 0
expect_out_has "2026-04-01,2026-06-30,2026-Q2,homelessness/offending,1,1,0,2"
expect_out_has "2026-04-01,2026-06-30,2026-Q2,recovery/offending,0,1,0,1"
expect_out_has "2026-01-01,2026-03-31,2026-Q1,homelessness/accommodation,0,1,0,1"
expect_eq "$(printf '%s\n' "$out" | tail -n +2 | cut -d, -f4 | grep -vc /)" "0" "(needs without their Star)"
# The total counts people once: HOM-0001 has two needs, so it is in two rows.
run report --flow --by quarter --by need --since 2026-01-01 --until 2026-12-31 --json
expect_eq "$(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')" \
    "{'active_at_start': 0, 'started': 3, 'left': 0, 'active_at_end': 3}"
# One Star: bare codes, as in the other reports.
run report --flow --by year --by need --service REC --since 2026-01-01 --until 2026-12-31 --format csv
expect_out_has "2026-01-01,2026-12-31,2026,offending,0,1,0,1"

t "a protected flow without --since starts at the first start of the people it counts"
# The left-out person (the first key of HOM) started first, in 2019: the
# flow starts at the next start, 1 February 2024, as if they were not there.
new_register first-start
standard_register
secret_leaves_out first
run su add HOM-0901 --service HOM --keyworker wes --started 2019-05-01 --confirm-anonymous -q
for n in $(seq 902 920); do
    run su add "HOM-0$n" --service HOM --keyworker wes --started 2024-02-01 --confirm-anonymous -q
done
run report --flow --by year --suppress-below 10 --format csv
expect_status 0
expect_eq "$(printf '%s\n' "$out" | sed -n 2p | cut -d, -f1-3)" "2024-02-01,2024-12-31,2024"
run report --flow --by year --format csv
expect_eq "$(printf '%s\n' "$out" | sed -n 2p | cut -d, -f1-3)" "2019-05-01,2019-12-31,2019" "(unprotected)"

t "refusals"
refused 2 "--since 2026-12-01 is after --until 2026-11-01" report --since 2026-12-01 --until 2026-11-01
refused 2 "is in the future" report --since 2027-01-01
refused 3 "--until '2026-13-01' is not a date" report --until 2026-13-01
refused 2 "--of needs --by month, quarter or year" report --by service --of left
refused 2 "--of does not apply to --flow" report --flow --by month --of left
refused 2 "give one period" report --by month --by year
refused 2 "--flow takes a period and at most one other dimension" report --flow --by service --by gender
refused 2 "more than 1200 periods" report --by month --since 1900-01-01
refused 2 "'weekly' is not a report dimension" report --by weekly

finish
