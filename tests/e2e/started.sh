#!/usr/bin/env bash
# Issue 15: started_on, the day support began. su add --started (default
# today), su edit --started, the checks (not in the future, not before the
# date of birth, not after leaving; leaving not before the start), su show and
# su list, and the import/export column.
. "$(dirname "$0")/lib.sh"
export CASELOAD_TODAY=2026-11-26

t "setup"
standard_register

t "su add: today by default, or --started"
run su add HOM-0001 --service HOM --keyworker wes --confirm-anonymous -q
expect_status 0
run su show HOM-0001 --format json
expect_eq "$(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["started_on"])')" "2026-11-26"
run su add HOM-0002 --service HOM --keyworker wes --started 01/10/2026 --dob 1990-04-23 --confirm-anonymous -q
expect_status 0
run su show HOM-0002
expect_out_has "started on     2026-10-01"
expect_out_has "2026-10-01"
run su list --format csv
expect_eq "$(printf '%s\n' "$out" | head -1)" "id,service,keyworker,date_of_birth,age_band,gender,ethnicity,needs,started_on,status,left_on,created_at,updated_at"
expect_out_has "HOM-0002,HOM,wes,1990-04-23,35-44,,,,2026-10-01,active"
run su list
expect_eq "$(printf '%s\n' "$out" | head -1 | tr -s ' ')" "id service keyworker age band gender needs started on status"

t "su add: refusals"
refused 3 "the start date 2026-11-27 is in the future (today is 2026-11-26)" su add HOM-0003 --service HOM --keyworker wes --started 2026-11-27 --confirm-anonymous
refused 3 "the start date 1989-01-01 is before the date of birth (1990-04-23)" su add HOM-0003 --service HOM --keyworker wes --started 1989-01-01 --dob 1990-04-23 --confirm-anonymous
refused 3 "start date '2026-02-30' is not a date" su add HOM-0003 --service HOM --keyworker wes --started 2026-02-30 --confirm-anonymous
refused 3 "more than 120 years ago" su add HOM-0003 --service HOM --keyworker wes --started 1900-01-01 --confirm-anonymous

t "su edit --started"
run su edit HOM-0001 --started 2026-09-15
expect_status 0
expect_err_has "Updated HOM-0001: started_on."
expect_eq "$(cl su show HOM-0001 --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["started_on"])')" "2026-09-15"
expect_eq "$(cl log --su HOM-0001 --action su.edit --format csv | tail -1 | cut -d, -f3,5)" "su.edit,changed started_on"
refused 3 "is in the future" su edit HOM-0001 --started 2027-01-01
refused 3 "the start date 1980-01-01 is before the date of birth (1990-04-23)" su edit HOM-0002 --started 1980-01-01
# A new date of birth after the start date is refused too.
refused 3 "the start date 2026-10-01 is before the date of birth (2026-10-02)" su edit HOM-0002 --dob 2026-10-02
refused 2 "nothing to change" su edit HOM-0001

t "leaving and the start date"
refused 3 "the leaving date 2026-09-01 is before HOM-0001's start date (2026-09-15)" su leave HOM-0001 --date 2026-09-01
run su leave HOM-0001 --date 2026-10-31 -q
expect_status 0
refused 3 "the start date 2026-11-01 is after the leaving date (2026-10-31)" su edit HOM-0001 --started 2026-11-01
run su edit HOM-0001 --started 2026-10-31
expect_status 0

t "export and import: the started_on column"
run su export --include-left
expect_eq "$(printf '%s\n' "$out" | head -1)" "id,service,keyworker,date_of_birth,age_band,gender,ethnicity,needs,started_on"
expect_out_has "HOM-0002,HOM,wes,1990-04-23,,,,,2026-10-01"
run su export --format jsonl
expect_eq "$(printf '%s\n' "$out" | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["started_on"])')" "2026-10-01"
cat >"$SCRATCH/in.csv" <<'EOF'
id,service,keyworker,started_on
HOM-0101,HOM,wes,2025-12-31
HOM-0102,HOM,wes,
HOM-0103,HOM,wes,31/01/2026
EOF
run su import "$SCRATCH/in.csv" --confirm-anonymous
expect_status 0
expect_eq "$(cl su list --format csv | grep '^HOM-010' | cut -d, -f1,9)" "HOM-0101,2025-12-31
HOM-0102,2026-11-26
HOM-0103,2026-01-31"
# A bad start date is a bad row, named by its column.
printf 'id,service,keyworker,date_of_birth,started_on\nHOM-0201,HOM,wes,,2027-01-01\nHOM-0202,HOM,wes,2000-01-01,1999-12-31\n' >"$SCRATCH/bad.csv"
refused 3 "line 2, column started_on: the start date 2027-01-01 is in the future" su import "$SCRATCH/bad.csv" --confirm-anonymous
expect_err_has "line 3, column started_on: the start date 1999-12-31 is before the date of birth (2000-01-01)"
# --skip-existing: a row without a start date matches the stored one; a different one conflicts.
printf 'id,service,keyworker\nHOM-0101,HOM,wes\n' >"$SCRATCH/again.csv"
run su import "$SCRATCH/again.csv" --skip-existing --confirm-anonymous
expect_status 0
printf 'id,service,keyworker,started_on\nHOM-0101,HOM,wes,2026-01-01\n' >"$SCRATCH/moved.csv"
run su import "$SCRATCH/moved.csv" --skip-existing --confirm-anonymous
expect_status 5
expect_err_has "started_on differs"
# Round trip: export, erase nothing, import into a fresh register.
cl su export >"$SCRATCH/all.csv"
new_register copy
standard_register
run su import "$SCRATCH/all.csv" --confirm-anonymous
expect_status 0
expect_eq "$(cl su export)" "$(cat "$SCRATCH/all.csv")" "(export -> import -> export)"

# ---------------------------------------------------------------------------
t "log: --action, --until, and today, yesterday, Nd"
export CASELOAD_DB="$SCRATCH/register.db"
unset CASELOAD_TODAY  # events carry the real time
run log --action su.edit --format csv
expect_status 0
expect_eq "$(printf '%s\n' "$out" | tail -n +2 | cut -d, -f3 | sort -u)" "su.edit"
expect_eq "$(printf '%s\n' "$out" | tail -n +2 | wc -l)" "2"
run log --action su --format csv
expect_eq "$(printf '%s\n' "$out" | tail -n +2 | cut -d, -f3 | sort -u | tr '\n' ' ')" "su.add su.edit su.import su.leave "
run log --action STAFF --format csv
expect_eq "$(printf '%s\n' "$out" | tail -n +2 | cut -d, -f3 | sort -u)" "staff.add"
all=$(cl log --format csv | wc -l)
run log --since today --format csv
expect_eq "$(printf '%s\n' "$out" | wc -l)" "$all"
run log --since 1d --until today --format csv
expect_eq "$(printf '%s\n' "$out" | wc -l)" "$all"
run log --until yesterday --format csv
expect_eq "$out" "at,actor,action,service_user,detail"
run log --since "$(date -u +%Y-%m-%d)" --until "$(date -u +%d/%m/%Y)" --action su.leave --format csv
expect_eq "$(printf '%s\n' "$out" | tail -n +2 | wc -l)" "1"
refused 2 "'su.delete' is not an action of the audit trail" log --action su.delete
refused 2 "--since 'tomorrow' is not a day" log --since tomorrow
refused 2 "is after --until" log --since today --until yesterday
refused 2 "--until 'x7d' is not a day" log --until x7d

finish
