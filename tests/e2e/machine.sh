#!/usr/bin/env bash
# Issue 16: one machine interface for scripts and cron. Output formats, the
# JSON vocabulary (checked against man caseload's shapes by json_shapes.py),
# nothing lost when output fails, rejects files that never clobber, one
# confirmation rule for import, ref and line for traceability, scope errors.
. "$(dirname "$0")/lib.sh"
standard_register
SHAPES="$(dirname "$0")/json_shapes.py"
# shape NAME [jsonl]: $out has the documented shape.
shape() {
    local why
    if why=$(printf '%s' "$out" | python3 "$SHAPES" "$@" 2>&1); then pass; else fail "not a $1: $why"; fi
}
count() { sqlite3 "$CASELOAD_DB" "SELECT count(*) FROM service_user"; }
jq_py() { printf '%s' "$out" | python3 -c "import json,sys; v=json.load(sys.stdin); print($1)"; }

t "su import: --input-format says what the file holds; the global --format what is printed"
printf 'id,service,keyworker\nHOM-0001,HOM,wes\n' >"$SCRATCH/a.csv"
run --format jsonl su import "$SCRATCH/a.csv" --confirm-anonymous
expect_status 0
shape import_summary jsonl
expect_out_has '"added":1'
printf 'id,service,keyworker\nHOM-0002,HOM,wes\n' >"$SCRATCH/b.csv"
run su import "$SCRATCH/b.csv" --confirm-anonymous --format json
expect_status 0
shape import_summary
expect_eq "$(jq_py 'v["added"], v["rejected"], v["committed"], v["rejects"]')" "1 0 True None"
printf 'id,service,keyworker\nHOM-0003,HOM,wes\n' >"$SCRATCH/c.csv"
run --json su import "$SCRATCH/c.csv" --confirm-anonymous
shape import_summary
printf '{"id":"HOM-0004","service":"HOM","keyworker":"wes"}\n' >"$SCRATCH/d.txt"
run su import "$SCRATCH/d.txt" --input-format jsonl --confirm-anonymous --json
expect_status 0
expect_eq "$(jq_py 'v["added"]')" "1"
refused 2 "xml" su import "$SCRATCH/d.txt" --input-format xml

t "su import --generate-ids: the summary's generated IDs carry line and ref"
printf 'ref,service,keyworker\nA-17,HOM,wes\nB-18,HOM,wyn\n' >"$SCRATCH/gen.csv"
run su import "$SCRATCH/gen.csv" --generate-ids --json
expect_status 0
shape import_summary
expect_eq "$(jq_py '[(g["line"], g["ref"]) for g in v["generated"]]')" "[(2, 'A-17'), (3, 'B-18')]"
id=$(jq_py 'v["generated"][0]["id"]')
run su show "$id" --json
shape service_user
run su import "$SCRATCH/gen.csv" --generate-ids
expect_out_has "line 2 (ref A-17) -> HOM-"
run su import "$SCRATCH/gen.csv" --generate-ids --format csv
expect_out_has "line,ref,id"
expect_out_has "2,A-17,HOM-"

t "every command that prints a service user prints the one object"
run su show HOM-0001 --json
shape service_user
run su list --json
shape service_users
run su list --format jsonl
shape service_users jsonl
run su export --json
shape service_users
run su export --format jsonl
shape service_users jsonl
run su add HOM-0010 --service HOM --keyworker wes --confirm-anonymous --json
expect_status 0
shape service_user
run su add --generate --service HOM --keyworker wes --json
expect_status 0
shape service_user
run su rename HOM-0010 HOM-0011 --confirm-anonymous --json
shape service_user
expect_eq "$(jq_py 'v["id"]')" "HOM-0011"
run su allocate HOM-0011 --to wyn --json
shape service_user
expect_eq "$(jq_py 'v["keyworker"]')" "wyn"
run su edit HOM-0011 --gender female --json
shape service_user
run su needs HOM-0011 --add money --json
shape service_user
run su needs HOM-0011 --json
shape service_user
expect_eq "$(jq_py 'v["needs"]')" "['money']"
run su leave HOM-0011 --json
shape service_user
expect_eq "$(jq_py 'v["status"]')" "left"
run su return HOM-0011 --json
shape service_user
run id new -n 3 --json
shape ids
run id new --format jsonl
shape ids jsonl
run report --by gender --json
shape report
expect_eq "$(jq_py 'v["total"]["count"]')" "$(sqlite3 "$CASELOAD_DB" "SELECT count(*) FROM service_user WHERE status = 'active'")"
t "without a format, commands that change data print nothing"
run su allocate HOM-0011 --to wes
expect_out ""
run su edit HOM-0011 --gender male
expect_out ""

t "su export --format jsonl reads back into su import (the one object round-trips)"
run su export --format jsonl
printf '%s\n' "$out" >"$SCRATCH/round.jsonl"
new_register round
standard_register
run su import "$SCRATCH/round.jsonl" --confirm-anonymous
expect_status 0
expect_err_has "added"
export CASELOAD_DB="$SCRATCH/register.db"

t "lost output: a generated ID that cannot be written is not committed"
before=$(count)
"$CASELOAD_BIN" su add --generate --service HOM --keyworker wes -q >/dev/full 2>"$SCRATCH/stderr"
status=$?
err=$(cat "$SCRATCH/stderr")
expect_status 1
expect_err_has "could not write the generated ID to standard output"
expect_err_has "nothing was added"
expect_eq "$(count)" "$before" "(su add --generate committed an ID nobody saw)"
"$CASELOAD_BIN" su rename HOM-0001 --generate -q >/dev/full 2>"$SCRATCH/stderr"
status=$?
err=$(cat "$SCRATCH/stderr")
expect_status 1
expect_err_has "nothing was renamed"
expect_eq "$(sqlite3 "$CASELOAD_DB" "SELECT count(*) FROM service_user WHERE uid = 'HOM-0001'")" "1"
printf 'service,keyworker\nHOM,wes\n' >"$SCRATCH/g1.csv"
"$CASELOAD_BIN" su import "$SCRATCH/g1.csv" --generate-ids -q >/dev/full 2>"$SCRATCH/stderr"
status=$?
err=$(cat "$SCRATCH/stderr")
expect_status 1
expect_err_has "nothing was imported"
expect_eq "$(count)" "$before" "(su import --generate-ids committed IDs nobody saw)"
"$CASELOAD_BIN" su list >/dev/full 2>"$SCRATCH/stderr"
status=$?
err=$(cat "$SCRATCH/stderr")
expect_status 1
expect_err_has "could not write to standard output"
"$CASELOAD_BIN" id new >/dev/full 2>"$SCRATCH/stderr"
status=$?
expect_status 1
# A closed pipe: EPIPE, not a silent death by SIGPIPE.
"$CASELOAD_BIN" id new -n 20000 2>"$SCRATCH/stderr" | head -c 1 >/dev/null
status=${PIPESTATUS[0]}
err=$(cat "$SCRATCH/stderr")
expect_status 1
expect_err_has "could not write to standard output"

t "--ids-to: the new IDs are in the file, synced before the commit"
run su add --generate --service HOM --keyworker wes --ids-to "$SCRATCH/locked.txt"
expect_status 0
expect_eq "$(cat "$SCRATCH/locked.txt")" "$out"
expect_eq "$(stat -c %a "$SCRATCH/locked.txt")" "600"
run su rename "$out" --generate --ids-to "$SCRATCH/locked.txt"
expect_status 0
expect_eq "$(tail -n 1 "$SCRATCH/locked.txt")" "$out"
run su import "$SCRATCH/gen.csv" --generate-ids --ids-to "$SCRATCH/locked.txt"
expect_status 0
expect_eq "$(tail -n 2 "$SCRATCH/locked.txt")" "$out"
before=$(count)
"$CASELOAD_BIN" su add --generate --service HOM --keyworker wes --ids-to /dev/full >"$SCRATCH/stdout" 2>"$SCRATCH/stderr"
status=$?
err=$(cat "$SCRATCH/stderr")
expect_status 1
expect_err_has "could not write the new IDs to /dev/full"
expect_eq "$(count)" "$before"
refused 2 "--ids-to is for generated IDs" su add HOM-0099 --service HOM --keyworker wes --confirm-anonymous --ids-to "$SCRATCH/x.txt"

t "--rejects never clobbers: exit 5 unless --force; no file when nothing is rejected"
printf 'id,service,keyworker\nHOM-0050,HOM,nobody\nHOM-0051,HOM,wes\n' >"$SCRATCH/bad.csv"
echo "precious" >"$SCRATCH/rejects.csv"
refused 5 "the rejects file $SCRATCH/rejects.csv already exists" su import "$SCRATCH/bad.csv" --confirm-anonymous --on-error skip --rejects "$SCRATCH/rejects.csv"
expect_err_has "--force"
expect_eq "$(cat "$SCRATCH/rejects.csv")" "precious"
run su import "$SCRATCH/bad.csv" --confirm-anonymous --on-error skip --rejects "$SCRATCH/rejects.csv" --force
expect_status 8
expect_eq "$(head -n 1 "$SCRATCH/rejects.csv")" "line,id,service,keyworker,error"
expect_eq "$(sed -n 2p "$SCRATCH/rejects.csv" | cut -d, -f1-4)" "2,HOM-0050,HOM,nobody"
expect_eq "$(ls -A "$SCRATCH" | grep -c '^\.rejects')" "0"
printf 'id,service,keyworker\nHOM-0052,HOM,wes\n' >"$SCRATCH/good.csv"
run su import "$SCRATCH/good.csv" --confirm-anonymous --rejects "$SCRATCH/none.csv"
expect_status 0
expect_err_has "No row was rejected, so no rejects file was written"
if [ -e "$SCRATCH/none.csv" ]; then fail "an empty rejects file was left"; else pass; fi

t "one confirmation rule: every imported ID needs confirming, as in su add"
printf 'id,service,keyworker\nHOM-0060,HOM,wes\nHOM-0061,HOM,wes\n' >"$SCRATCH/plain.csv"
refused 3 "'HOM-0060' was not confirmed as anonymous" su import "$SCRATCH/plain.csv"
expect_err_has "--confirm-anonymous"
printf 'id,service,keyworker,confirmed\nHOM-0062,HOM,wes,yes\nHOM-0063,HOM,wes,\nQX-1985,HOM,wes,yes\n' >"$SCRATCH/rows.csv"
run su import "$SCRATCH/rows.csv" --on-error skip
expect_status 8
expect_err_has "(accepted: confirmed yes)"
expect_eq "$(sqlite3 "$CASELOAD_DB" "SELECT group_concat(uid) FROM (SELECT uid FROM service_user WHERE uid IN ('HOM-0062','HOM-0063','QX-1985') ORDER BY uid)")" "HOM-0062,QX-1985"
printf 'id,service,keyworker,confirmed\nHOM-0064,HOM,wes,maybe\n' >"$SCRATCH/maybe.csv"
refused 3 "'maybe' is not yes or no" su import "$SCRATCH/maybe.csv" --confirm-anonymous

t "traceability: rejects carry the original line; a fixed rejects file keeps it"
printf 'ref,id,service,keyworker\nR-1,HOM-0070,HOM,wes\nR-2,HOM-0071,HOM,nobody\nR-3,HOM-0070,HOM,wes\nR-4,,HOM,wes\n' >"$SCRATCH/trace.csv"
run su import "$SCRATCH/trace.csv" --confirm-anonymous --on-error skip --rejects "$SCRATCH/trace-rejects.csv"
expect_status 8
expect_eq "$(cut -d, -f1-5 "$SCRATCH/trace-rejects.csv" | sort)" "3,R-2,HOM-0071,HOM,nobody
4,R-3,HOM-0070,HOM,wes
5,R-4,,HOM,wes
line,ref,id,service,keyworker"
# Fix the keyworker and the duplicate; generate the empty ID: the map names line 5 of trace.csv.
sed -e 's/nobody/wyn/' -e 's/HOM-0070,HOM,wes,/HOM-0072,HOM,wes,/' "$SCRATCH/trace-rejects.csv" >"$SCRATCH/fixed.csv"
run su import "$SCRATCH/fixed.csv" --confirm-anonymous --generate-ids --json
expect_status 0
expect_eq "$(jq_py 'v["added"], [(g["line"], g["ref"]) for g in v["generated"]]')" "3 [(5, 'R-4')]"
# The refs are never stored.
expect_eq "$(sqlite3 "$CASELOAD_DB" .dump | grep -c 'R-[1-4]')" "0"

t "scope errors agree: a filter outside your scope exits 6 in su list and su export, as in report"
refused 6 "you may not list REC" --as mia su list --service REC
expect_err_has "a lead sees all"
refused 6 "you may not list REC" --as mia su export --service REC
refused 6 "you may not list rex's caseload" --as mia su list --keyworker rex
refused 6 "you may not report on REC" --as mia report --service REC
run --as mia su list --service HOM
expect_status 0

t "completion never invents a prefix: with more matches than the limit, only what all share"
new_register many
cl init --organisation "Many" --lead boss -q
cl service add HOM --name Hostel --star homelessness -q
cl staff add mo --name Mo --login mo-login --no-check-login --manager HOM -q
cl staff add wa --name Wa --login wa-login --no-check-login --worker HOM -q
{
    echo "id,service,keyworker"
    for i in $(seq 0 199); do printf 'HOM-%04d,HOM,wa\n' "$i"; done
    for i in $(seq 0 59); do printf 'HOM-1%03d,HOM,wa\n' "$i"; done
} >"$SCRATCH/many.csv"
cl su import "$SCRATCH/many.csv" --confirm-anonymous -q
for who in boss mo wa; do
    run --as "$who" _complete values id HOM-
    expect_out ""  # HOM-0000 .. HOM-1059 share only what was typed
    run --as "$who" _complete values id HOM-0
    expect_out ""  # 200 matches share only HOM-0, which was typed
    run --as "$who" _complete values id hom-1
    expect_out "HOM-10"  # 60 matches, HOM-1000 .. HOM-1059: all share HOM-10
    run --as "$who" _complete values id hom-10
    expect_out ""
done
run --as wa _complete values id HOM-100
expect_eq "$(printf '%s\n' "$out" | wc -l | tr -d ' ')" "10"
export CASELOAD_DB="$SCRATCH/register.db"

t "caseload help CMD shows the command's help (its man page on a terminal); exit 0"
run help su
expect_status 0
expect_out_has "Service users"
run help su import
expect_status 0
expect_out_has "--input-format"
run help
expect_status 0
expect_out_has "Subcommands:"
run help frobnicate
expect_status 2
expect_err_has "'frobnicate' is not a command"

t "--no-header for tables, csv and tsv"
run --no-header su list --format csv
expect_status 0
expect_out_lacks "id,service"
expect_out_has "HOM-0001,HOM,wes"
run --no-header su list
expect_out_lacks "keyworker"
run --no-header su export
expect_out_lacks "id,service"
run --no-header staff list --format tsv
expect_out_lacks "username"
run --no-header id check HOM-0001 --format csv
expect_status 0
expect_out_lacks "id,ok"
expect_out_has "HOM-0001"

t "did you mean, for every unknown subcommand"
refused 2 "'delete' is not a command of caseload staff" staff delete wes
expect_err_has "did you mean 'caseload staff deactivate'?"
refused 2 "'ls' is not a command of caseload su" su ls
expect_err_has "did you mean 'caseload su list'?"
refused 2 "is not a command of caseload su" su remove HOM-0001
expect_err_has "did you mean 'caseload su erase'?"

t "staff add --login: the OS login must exist, unless --no-check-login"
refused 3 "there is no OS login 'no-such-login-16'" staff add zed --name Zed --login no-such-login-16 --worker HOM
expect_err_has "--no-check-login"
run staff add zed --name Zed --login "$(id -un)x" --no-check-login --worker HOM
expect_status 0
run staff add zoe --name Zoe --login nobody --worker HOM,REC
expect_status 0
run staff show zoe --json
expect_out_has '"worker": ['
expect_eq "$(jq_py 'sorted(v["worker"])')" "['HOM', 'REC']"
run staff grant zed --manager HOM,REC
expect_status 0

t "times are shown in local time; --utc shows them as kept"
stored=$(sqlite3 "$CASELOAD_DB" "SELECT created_at FROM service_user WHERE uid = 'HOM-0001'")
run --utc su show HOM-0001 --json
expect_eq "$(jq_py 'v["created_at"]')" "$stored"
TZ=Pacific/Auckland run su show HOM-0001 --json
local_time=$(jq_py 'v["created_at"]')
case $local_time in *+1[23]:00) pass ;; *) fail "created_at not in local time: $local_time (stored $stored)" ;; esac
expect_eq "$(date -u -d "$local_time" '+%Y-%m-%dT%H:%M:%SZ')" "$stored"
TZ=Pacific/Auckland run --utc log --format csv
expect_out_has "Z,"

t "spreadsheet hints: MM/DD/YYYY, Excel's midnight, a ';'-separated file"
refused 3 "date of birth '12/25/1985' looks like MM/DD/YYYY; use DD/MM/YYYY or YYYY-MM-DD" su add HOM-0201 --service HOM --keyworker wes --dob 12/25/1985 --confirm-anonymous
expect_err_has "25/12/1985 or 1985-12-25"
printf 'id,service,keyworker,date_of_birth\nHOM-0202,HOM,wes,14/06/1988 00:00\nHOM-0203,HOM,wes,12/25/1985\n' >"$SCRATCH/excel.csv"
run su import "$SCRATCH/excel.csv" --confirm-anonymous --on-error skip
expect_status 8
expect_err_has "line 3, column date_of_birth: date of birth '12/25/1985' looks like MM/DD/YYYY"
run su show HOM-0202 --json
expect_eq "$(jq_py 'v["date_of_birth"]')" "1988-06-14"
printf 'id;service;keyworker;date_of_birth\nHOM-0204;HOM;wes;14/06/1988\n' >"$SCRATCH/semi.csv"
refused 3 "semi.csv is separated by ';', not ','" su import "$SCRATCH/semi.csv" --confirm-anonymous
expect_err_has "CSV UTF-8 (Comma delimited)"

finish
