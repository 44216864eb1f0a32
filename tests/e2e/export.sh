#!/usr/bin/env bash
# Issue 5: caseload su export, and export -> import -> export.
. "$(dirname "$0")/lib.sh"
export CASELOAD_TODAY=2026-11-26
standard_register

H="id,service,keyworker,date_of_birth,age_band,gender,ethnicity,needs"
# What export writes: the import's columns with started_on (the day of the
# import here, when a file gives none).
HX="$H,started_on"

t "an empty register: the header alone, an empty list"
run su export
expect_status 0
expect_out "$HX"
expect_err_has "Exported 0 service users."
run su export --format json
expect_out "[]"
run su export --format jsonl
expect_out ""

cat >"$SCRATCH/people.csv" <<EOF
$H
HOM-0001,HOM,wes,1990-04-23,,female,white-irish,rough-sleeping;money
HOM-0002,HOM,wyn,,25-34,male,,
hom-0003,HOM,wes,,,,,self-care
REC-0001,REC,rex,,75-plus,,arab,drug-use;alcohol-use
EOF
cl su import "$SCRATCH/people.csv" -q

t "csv by default (the global table default means csv here), in ID order, needs joined by ';'"
expected="$HX
HOM-0001,HOM,wes,1990-04-23,,female,white-irish,money;rough-sleeping,2026-11-26
HOM-0002,HOM,wyn,,25-34,male,,,2026-11-26
hom-0003,HOM,wes,,,,,self-care,2026-11-26
REC-0001,REC,rex,,75-plus,,arab,drug-use;alcohol-use,2026-11-26"
run su export
expect_status 0
expect_out "$expected"
expect_err_has "Exported 4 service users."
run --format table su export
expect_out "$expected"
run --format csv su export -q
expect_out "$expected"
expect_eq "$err" ""

t "jsonl and json: the same fields, nulls and a list of needs"
run su export --format jsonl
expect_status 0
expect_eq "$(printf '%s\n' "$out" | head -1)" '{"id":"HOM-0001","service":"HOM","keyworker":"wes","date_of_birth":"1990-04-23","age_band":null,"gender":"female","ethnicity":"white-irish","needs":["money","rough-sleeping"],"started_on":"2026-11-26"}'
expect_eq "$(printf '%s\n' "$out" | wc -l)" "4"
run su export --json
expect_status 0
expect_eq "$(printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d), list(d[3].keys()), d[3]["needs"])')" "4 ['id', 'service', 'keyworker', 'date_of_birth', 'age_band', 'gender', 'ethnicity', 'needs', 'started_on'] ['drug-use', 'alcohol-use']"
refused 2 "su export writes csv, jsonl or json" --format tsv su export

t "the filters of su list"
run su export --service rec
expect_out "$HX
REC-0001,REC,rex,,75-plus,,arab,drug-use;alcohol-use,2026-11-26"
run su export --keyworker wes --format jsonl
expect_eq "$(printf '%s\n' "$out" | wc -l)" "2"
run su export --need money
expect_eq "$(printf '%s\n' "$out" | tail -n +2)" "HOM-0001,HOM,wes,1990-04-23,,female,white-irish,money;rough-sleeping,2026-11-26"
sqlite3 "$CASELOAD_DB" "UPDATE service_user SET status = 'left', left_on = '2026-01-01' WHERE uid = 'HOM-0002'"
run su export
expect_out_lacks "HOM-0002"
expect_err_lacks "warning"
run su export --include-left
expect_out_has "HOM-0002"
expect_err_has "caseload: warning: 1 of them has left; the file has no status column, so importing it adds them as active"
run su export --left
expect_eq "$(printf '%s\n' "$out" | tail -n +2)" "HOM-0002,HOM,wyn,,25-34,male,,,2026-11-26"
sqlite3 "$CASELOAD_DB" "UPDATE service_user SET status = 'active', left_on = NULL WHERE uid = 'HOM-0002'"
refused 4 "there is no service 'NOPE'" su export --service NOPE

t "scope: a worker exports their own caseload, a manager their service"
run --as wes su export
expect_out "$HX
HOM-0001,HOM,wes,1990-04-23,,female,white-irish,money;rough-sleeping,2026-11-26
hom-0003,HOM,wes,,,,,self-care,2026-11-26"
run --as mia su export
expect_out_has "HOM-0002"
expect_out_lacks "REC-0001"

t "export -> import -> export is byte-identical (csv)"
cl su export -q >"$SCRATCH/first.csv"
first_db=$CASELOAD_DB
new_register copy
standard_register
run su import "$SCRATCH/first.csv"
expect_status 0
expect_err_has "4 added"
cl su export -q >"$SCRATCH/second.csv"
cmp -s "$SCRATCH/first.csv" "$SCRATCH/second.csv" && pass || fail "the csv round trip differs: $(diff "$SCRATCH/first.csv" "$SCRATCH/second.csv" | head -5)"
run su import "$SCRATCH/second.csv" --skip-existing
expect_status 0
expect_err_has "0 added, 4 skipped, 0 rejected"

t "export -> import -> export is byte-identical (jsonl), and larger files stream"
awk 'BEGIN { print "id,service,keyworker,date_of_birth,age_band,gender,ethnicity,needs";
    for (i = 0; i < 5000; i++)
        printf "HOM-%06d,HOM,%s,%s,%s,female,,%s\n", (i * 7919) % 100000, (i % 2 ? "wes" : "wyn"),
            (i % 3 ? "" : "1980-02-0" (1 + i % 9)), (i % 3 ? "35-44" : ""), (i % 5 ? "money" : "money;offending;self-care") }' >"$SCRATCH/many.csv"
cl su import "$SCRATCH/many.csv" -q
cl --db "$first_db" su import "$SCRATCH/many.csv" -q
cl --db "$first_db" su export -q --format jsonl >"$SCRATCH/first.jsonl"
new_register third
standard_register
run su import "$SCRATCH/first.jsonl"
expect_status 0
expect_err_has "5,004 added"
cl su export -q --format jsonl >"$SCRATCH/second.jsonl"
cmp -s "$SCRATCH/first.jsonl" "$SCRATCH/second.jsonl" && pass || fail "the jsonl round trip differs"
expect_eq "$(wc -l <"$SCRATCH/second.jsonl")" "5004"
cl su export -q >"$SCRATCH/third.csv"
CASELOAD_DB="$SCRATCH/register-copy.db" cl su export -q >"$SCRATCH/copy.csv"
cmp -s "$SCRATCH/third.csv" "$SCRATCH/copy.csv" && pass || fail "csv exports of the same people differ"

finish
