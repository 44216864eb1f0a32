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
shape "service_user[]"
run su list --format jsonl
shape "service_user[]" jsonl
run su export --json
shape "service_user[]"
run su export --format jsonl
shape "service_user[]" jsonl
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
shape "id[]"
run id new --format jsonl
shape "id[]" jsonl
run report --by gender --json
shape report
expect_eq "$(jq_py 'v["total"]["count"]')" "$(sqlite3 "$CASELOAD_DB" "SELECT count(*) FROM service_user WHERE status = 'active'")"
t "report: json is {rows, total}; jsonl ends with a {\"total\": ...} line; a flow's total too"
run report --by gender --format jsonl
expect_status 0
shape report jsonl
active=$(sqlite3 "$CASELOAD_DB" "SELECT count(*) FROM service_user WHERE status = 'active'")
expect_eq "$(printf '%s\n' "$out" | tail -n 1)" "{\"total\":{\"count\":$active}}"
expect_eq "$(printf '%s\n' "$out" | grep -c '"total"')" "1"
run report --by gender --by service --format jsonl --suppress-below 8
shape report jsonl
expect_eq "$(printf '%s\n' "$out" | tail -n 1 | python3 -c 'import json,sys; print(sorted(json.load(sys.stdin)["total"]))')" "['count', 'suppressed']"
run report --flow --by quarter --since 2026-01-01 --until 2026-12-31 --json
shape report
expect_eq "$(jq_py 'list(v["total"])')" "['active_at_start', 'started', 'left', 'active_at_end']"
expect_eq "$(jq_py 'v["total"]["started"] == sum(r["started"] for r in v["rows"])')" "True"
run report --flow --by quarter --since 2026-01-01 --until 2026-12-31 --format jsonl
shape report jsonl
expect_eq "$(printf '%s\n' "$out" | wc -l | tr -d ' ')" "5"

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

t "one confirmation rule: on a terminal, one yes at a single prompt confirms the whole file"
printf 'id,service,keyworker\nHOM-0065,HOM,wes\nHOM-0066,HOM,wes\n' >"$SCRATCH/prompt.csv"
out=$( (sleep 1; printf 'y\n') | script -qec "$CASELOAD_BIN su import $SCRATCH/prompt.csv" /dev/null)
expect_eq "$(printf '%s\n' "$out" | grep -c 'to confirm')" "1"
expect_out_has "2 IDs to confirm. Are they anonymous"
expect_out_has "2 added"
expect_eq "$(sqlite3 "$CASELOAD_DB" "SELECT count(*) FROM service_user WHERE uid IN ('HOM-0065','HOM-0066')")" "2"
printf 'id,service,keyworker\nHOM-0067,HOM,wes\n' >"$SCRATCH/prompt-no.csv"
out=$( (sleep 1; printf 'n\n') | script -qec "$CASELOAD_BIN su import $SCRATCH/prompt-no.csv" /dev/null)
expect_out_has "'HOM-0067' was not confirmed as anonymous"
expect_out_has "nothing was imported"
expect_eq "$(sqlite3 "$CASELOAD_DB" "SELECT count(*) FROM service_user WHERE uid = 'HOM-0067'")" "0"

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
# (a generated ID may end in R-2: only a ref standing alone counts)
expect_eq "$(sqlite3 "$CASELOAD_DB" .dump | grep -cE '(^|[^A-Za-z0-9])R-[1-4]([^0-9]|$)')" "0"

t "scope errors agree: a filter outside your scope exits 6 in su list and su export, as in report"
refused 6 "you may not list REC" --as mia su list --service REC
expect_err_has "a lead sees all"
refused 6 "you may not list REC" --as mia su export --service REC
refused 6 "you may not list rex's caseload" --as mia su list --keyworker rex
refused 6 "you may not report on REC" --as mia report --service REC
run --as mia su list --service HOM
expect_status 0

t "completion never invents a prefix: with more matches than the limit, only what all share"
hom_register_of_260_ids many "Many"
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
# The report's table: no title, scope or headings; the rows and the total.
run report --by gender
expect_out_has "gender"
run --no-header report --by gender
expect_status 0
expect_out_lacks "Active service users on"
expect_out_lacks "Test Org"
expect_eq "$(printf '%s\n' "$out" | head -n 1 | awk '{print $1}')" "female"
expect_eq "$(printf '%s\n' "$out" | tail -n 1 | awk '{print $1}')" "total"
run --no-header report --flow --by quarter --since 2026-01-01 --until 2026-12-31
expect_out_lacks "Flow of service users"
expect_out_lacks "active at start"
expect_eq "$(printf '%s\n' "$out" | head -n 1 | awk '{print $1}')" "2026-Q1"
run --no-header report --by gender --format csv
expect_out_lacks "gender,count"
# Every table, csv and tsv: the heading line (with its column names) is gone.
for format in table csv tsv; do
    for command in "staff list" "service list" "star list" "star show homelessness" \
        "options gender" "su list" "words list" "log --limit 1" "id check HOM-0001" \
        "su needs HOM-0001" "org show" "staff show wes" "benchmark list"; do
        # shellcheck disable=SC2086
        with=$(cl --format "$format" $command 2>/dev/null)
        # shellcheck disable=SC2086
        without=$(cl --no-header --format "$format" $command 2>/dev/null)
        if [ "$format" != table ] || [ "$(printf '%s\n' "$with" | wc -l)" -gt 1 ]; then
            # csv/tsv and multi-line tables: one line fewer, the first.
            case $command in
                "org show" | "staff show wes") [ "$format" = table ] && continue ;;
            esac
            expect_eq "$(printf '%s\n' "$without" | tr -s ' ')" "$(printf '%s\n' "$with" | tail -n +2 | tr -s ' ')" \
                "(--no-header --format $format $command)"
        fi
    done
done

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

t "every command's --format json (and jsonl) has a shape that man caseload documents"
# json_of COMMAND SHAPE ARGS...: runs ARGS with --json, exit 0, output of
# SHAPE; arrays again in jsonl. COMMAND is written down as covered.
: >"$SCRATCH/covered"
json_of() {
    local command=$1 shape_name=$2
    shift 2
    echo "$command" >>"$SCRATCH/covered"
    run --json "$@"
    expect_status "${JSON_STATUS:-0}"
    shape "$shape_name"
    case $command in words\ *) [ "$command" != "words list" ] && return ;; esac  # changes: once
    case $shape_name in
        *"[]" | report)
            local json_out=$out
            run --format jsonl "$@"
            expect_status "${JSON_STATUS:-0}"
            shape "$shape_name" jsonl
            out=$json_out
            ;;
    esac
}
new_register every
json_of "init" organisation init --organisation "Every" --lead boss
json_of "service add" service service add HOM --name Hostel --star homelessness
json_of "service list" "service[]" service list
json_of "service show" service service show HOM
json_of "staff add" staff staff add wes --name Wes --login wes-login --no-check-login --worker HOM
json_of "staff grant" staff staff grant wes --manager HOM
json_of "staff revoke" staff staff revoke wes --manager HOM
cl staff add old --name Old --login old-login --no-check-login --worker HOM -q
json_of "staff deactivate" staff staff deactivate old
expect_eq "$(jq_py 'v["active"]')" "False"
json_of "staff activate" staff staff activate old
json_of "staff list" "staff[]" staff list
json_of "staff show" staff staff show wes
printf 'code = ours\nname = Our Star\nneed rest = Rest\n' >"$SCRATCH/ours.star"
json_of "star add" star star add "$SCRATCH/ours.star"
json_of "star list" "star[]" star list
json_of "star show" "code_label[]" star show homelessness
for kind in gender ethnicity age-band; do
    json_of "options $kind" "code_label[]" options "$kind"
done
json_of "org show" organisation org show
json_of "org pattern" organisation org pattern 'HOM-[0-9A-Z-]+' --description 'HOM- and more'
expect_eq "$(jq_py 'v["id_pattern"]')" "HOM-[0-9A-Z-]+"
cl org pattern --clear -q
json_of "su add" service_user su add HOM-0001 --service HOM --keyworker wes --confirm-anonymous
json_of "su show" service_user su show HOM-0001
json_of "su list" "service_user[]" su list
json_of "su export" "service_user[]" su export
json_of "su rename" service_user su rename HOM-0001 HOM-0002 --confirm-anonymous
json_of "su allocate" service_user su allocate HOM-0002 --to old
json_of "su needs" service_user su needs HOM-0002 --add money
json_of "su edit" service_user su edit HOM-0002 --gender female
json_of "su leave" service_user su leave HOM-0002
json_of "su return" service_user su return HOM-0002
printf 'id,service,keyworker\nHOM-0003,HOM,wes\n' >"$SCRATCH/every.csv"
json_of "su import" import_summary su import "$SCRATCH/every.csv" --confirm-anonymous
json_of "su erase" id su erase HOM-0003 --confirm HOM-0003
expect_eq "$(jq_py 'v["id"]')" "HOM-0003"
JSON_STATUS=3 json_of "id check" "id_check[]" id check HOM-0002 JSmith1985 'a b'
expect_eq "$(jq_py '[(c["ok"], c["error"] is None, len(c["findings"]) > 0) for c in v]')" \
    "[(True, True, False), (False, True, True), (False, False, False)]"
json_of "id new" "id[]" id new -n 2
cl su add HOM-QXZV-7 --service HOM --keyworker wes --confirm-anonymous -q
json_of "words add" "word[]" words add qxzv --kind address --reason "our street"
expect_eq "$(jq_py '[(w["word"], w["kind"], w["reason"]) for w in v]')" "[('qxzv', 'address', 'our street')]"
json_of "words allow" "word[]" words allow hom --reason "our prefix"
json_of "words list" "word[]" words list
JSON_STATUS=3 json_of "id scan" "id_scan[]" id scan
expect_eq "$(jq_py '[s["id"] for s in v]')" "['HOM-QXZV-7']"
cl words add bazzer --kind name -q
json_of "words remove" "word[]" words remove bazzer
expect_eq "$(jq_py 'v')" "[{'word': 'bazzer', 'kind': 'name', 'reason': None}]"
json_of "report" report report --by gender
json_of "log" "event[]" log
# benchmark: another organisation's file, stored, listed, removed.
cl --db "$SCRATCH/other.db" init --organisation "Other" --lead boss -q
cl --db "$SCRATCH/other.db" service add OTH --name Other --star homelessness -q
cl --db "$SCRATCH/other.db" staff add wo --name Wo --login wo-login --no-check-login --worker OTH -q
cl --db "$SCRATCH/other.db" benchmark export --star homelessness -o "$SCRATCH/other.json" -q
json_of "benchmark add" benchmark benchmark add "$SCRATCH/other.json"
json_of "benchmark list" "benchmark[]" benchmark list
# Its time is local too, as every time shown (--utc: as kept).
TZ=Pacific/Auckland run benchmark list --json
case $(jq_py 'v[0]["added_at"]') in *+1[23]:00) pass ;; *) fail "added_at not in local time: $out" ;; esac
TZ=Pacific/Auckland run --utc benchmark list --json
case $(jq_py 'v[0]["added_at"]') in *Z) pass ;; *) fail "added_at with --utc not as kept: $out" ;; esac
json_of "benchmark remove" benchmark benchmark remove 1
# benchmark export writes its own documented file (caseload-benchmark(1)) whatever the format.
echo "benchmark export" >>"$SCRATCH/covered"
run benchmark export --star homelessness --as-name "Every"
plain=$out
run --json benchmark export --star homelessness --as-name "Every"
expect_eq "$(jq_py 'v["format"], v["version"]')" "caseload-benchmark 1"
expect_eq "$out" "$plain"
json_of "db check" "problem[]" db check
json_of "db backup" backup db backup "$SCRATCH/every-copy.db"
expect_eq "$(jq_py 'v["file"], v["problems"]')" "$SCRATCH/every-copy.db []"
json_of "db upgrade" upgrade db upgrade
# Every command of the program (as the bash completion lists them) was checked.
every_command=$(bash -c '
    source "$1"
    for group in $(_caseload_commands ""); do
        subs=$(_caseload_commands "$group")
        if [ -z "$subs" ]; then echo "$group"; else for s in $subs; do echo "$group $s"; done; fi
    done' bash "$(dirname "$0")/../../completions/caseload.bash" | sort -u)
expect_eq "$(sort -u "$SCRATCH/covered")" "$every_command" "(commands whose JSON is not checked)"
export CASELOAD_DB="$SCRATCH/register.db"

finish
