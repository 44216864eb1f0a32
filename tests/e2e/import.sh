#!/usr/bin/env bash
# Issue 5: caseload su import — every option and every refusal, end to end.
. "$(dirname "$0")/lib.sh"
standard_register

H="id,service,keyworker,date_of_birth,age_band,gender,ethnicity,needs"
count() { sqlite3 "$CASELOAD_DB" "SELECT count(*) FROM service_user"; }
events() { sqlite3 "$CASELOAD_DB" "SELECT count(*) FROM event WHERE action = 'su.import'"; }
# rows N [PREFIX [FIRST]]: N good HOM rows for wes and wyn.
rows() {
    awk -v n="$1" -v p="${2:-HOM-}" -v first="${3:-1}" 'BEGIN {
        for (i = 0; i < n; i++)
            printf "%s%07d,HOM,%s,,25-34,female,,money\n", p, first + i, (i % 2 ? "wes" : "wyn") }'
}

t "a spreadsheet file: BOM, CRLF, quotes, an embedded comma and line break"
printf '\xef\xbb\xbf%s\r\n"HOM-0101",HOM,wes,23/04/1990,,female,,"rough-sleeping;money"\r\nHOM-0102,"HOM",wyn,,"25-34",,"white-irish","money;\r\nself-care"\r\nHOM-0103,HOM,wes,,,,,\r\n' "$H" >"$SCRATCH/sheet.csv"
run su import --confirm-anonymous "$SCRATCH/sheet.csv"
expect_status 0
expect_out ""
expect_err_has "Imported sheet.csv: 3 added, 0 skipped, 0 rejected in"
run su show HOM-0101 --format json
expect_out_has '"date_of_birth": "1990-04-23"'
expect_out_has '"keyworker": "wes"'
run su show hom-0102 --format jsonl
expect_out_has '"needs":["self-care","money"]'
expect_out_has '"ethnicity":"white-irish"'

t "one audit event per import; every row points at it"
expect_eq "$(events)" "1"
expect_eq "$(sqlite3 "$CASELOAD_DB" "SELECT detail FROM event WHERE action = 'su.import'")" "3 added from sheet.csv"
expect_eq "$(sqlite3 "$CASELOAD_DB" "SELECT count(*) FROM service_user WHERE created_event = (SELECT id FROM event WHERE action = 'su.import')")" "3"
run log --format csv
expect_out_has "su.import"

t "bad rows spread through a file: every one reported with its line and column; nothing written"
{
    echo "$H"
    rows 40 HOM- 1000                                       # lines 2-41
    echo 'Room12,HOM,wes,,,,,'                              # line 42
    rows 50 HOM- 2000                                       # lines 43-92
    printf '"HOM-3000",HOM,wes,,,,,"money;\nhousing"\n'     # lines 93-94
    rows 50 HOM- 4000                                       # lines 95-144
    echo 'HOM-5000,HOM,w99,1990-13-01,,woman,,'             # line 145
    rows 10 HOM- 6000                                       # lines 146-155
    echo 'hom-0001010,HOM,wes,,,,,'                         # line 156: in the file already (line 12)
    echo 'HOM-0101,HOM,wes,,,,,'                            # line 157: in the register already
} >"$SCRATCH/bad.csv"
refused 3 "5 of 155 rows are bad; nothing was imported." su import --confirm-anonymous "$SCRATCH/bad.csv"
expect_err_has "line 42, column id: 'Room12' can't be used as an ID: address \"Room12\""
expect_err_has "line 93, column needs: 'housing' is not a need of the homelessness Star (see 'caseload star show homelessness')"
expect_err_has "line 145, column keyworker: 'w99' is not a worker of HOM (workers: wes, wyn)"
expect_err_has "line 145, column date_of_birth: date of birth '1990-13-01' is not a date"
expect_err_has "line 145, column gender: 'woman' is not a gender value"
expect_err_has "line 156, column id: 'hom-0001010' is already on line 12 of this file (as 'HOM-0001010'; IDs ignore case)"
expect_err_has "line 157, column id: the ID 'HOM-0101' is already in use"
expect_err_has "hint: fix them and run again, or use --on-error skip --rejects rejects.csv"
expect_err_has "bad.csv: 0 added, 0 skipped, 5 rejected"
# In line order.
expect_eq "$(printf '%s\n' "$err" | grep -o '^line [0-9]*' | awk '{print $2}' | sort -n -c && echo sorted)" "sorted"

t "--on-error skip writes the good rows, --rejects the bad ones (0600), exit 8"
run su import --confirm-anonymous "$SCRATCH/bad.csv" --on-error skip --rejects "$SCRATCH/rejects.csv"
expect_status 8
expect_err_has "150 added, 0 skipped, 5 rejected"
expect_err_has "5 of 155 rows were rejected; 150 were imported."
expect_err_has "The rejected rows are in $SCRATCH/rejects.csv."
expect_eq "$(count)" "153"
expect_eq "$(stat -c %a "$SCRATCH/rejects.csv")" "600"
expect_eq "$(head -1 "$SCRATCH/rejects.csv")" "line,$H,error"
expect_eq "$(($(wc -l <"$SCRATCH/rejects.csv")))" "7"
sed -n 2p "$SCRATCH/rejects.csv" | grep -qF "Room12,HOM,wes,,,,,,\"id: 'Room12' can't be used as an ID: address \"\"Room12\"\"" && pass || fail "reject line: $(sed -n 2p "$SCRATCH/rejects.csv")"
grep -q '^[0-9]*,"HOM-3000",\|^[0-9]*,HOM-3000,HOM,wes,,,,,"money;' "$SCRATCH/rejects.csv" && pass || fail "the multi-line reject is missing"

t "the fixed rejects file imports as it is (its error column is ignored)"
sed -i -e 's/^\([0-9]*\),Room12,/\1,HOM-7001,/' -e 's/^\([0-9]*\),HOM-5000,HOM,w99,1990-13-01,,woman/\1,HOM-5000,HOM,wyn,1990-12-01,,female/' \
    -e 's/^housing"/self-care"/' -e '/^[0-9]*,hom-0001010,/d' -e '/^[0-9]*,HOM-0101,/d' "$SCRATCH/rejects.csv"
run su import --confirm-anonymous "$SCRATCH/rejects.csv"
expect_status 0
expect_err_has "3 added, 0 skipped, 0 rejected"
expect_eq "$(count)" "156"

t "--skip-existing: a re-run is safe and idempotent"
refused 5 "3 of 3 rows are bad; nothing was imported." su import --confirm-anonymous "$SCRATCH/sheet.csv"
expect_err_has "line 2, column id: the ID 'HOM-0101' is already in use (with the same data: add --skip-existing"
expect_err_has "hint: choose other IDs, or add --skip-existing"
before=$(snapshot)
run su import --confirm-anonymous "$SCRATCH/sheet.csv" --skip-existing
expect_status 0
expect_err_has "0 added, 3 skipped, 0 rejected"
run su import --confirm-anonymous "$SCRATCH/bad.csv" --skip-existing --on-error skip
expect_status 8
expect_err_has "0 added, 150 skipped, 5 rejected"
expect_err_has "line 157, column id: the ID 'HOM-0101' is already in use with different data (date_of_birth, gender, needs differ)"
expect_eq "$(snapshot)" "$before" "(a re-run changed the register)"
expect_eq "$(events)" "3"

t "--skip-existing: the same ID with different data is a conflict (exit 5), or a reject under skip"
printf '%s\nhom-0101,HOM,wes,23/04/1990,,male,,rough-sleeping;money\nHOM-0201,HOM,wes,,,,,\n' "$H" >"$SCRATCH/changed.csv"
refused 5 "1 of 2 rows is bad; nothing was imported." su import --confirm-anonymous "$SCRATCH/changed.csv" --skip-existing
expect_err_has "line 2, column id: the ID 'hom-0101' is already in use (as 'HOM-0101'; IDs ignore case) with different data (gender differs)"
run su import --confirm-anonymous "$SCRATCH/changed.csv" --skip-existing --on-error skip
expect_status 8
expect_err_has "1 added, 0 skipped, 1 rejected"

t "--dry-run does everything but keeps nothing"
before=$(snapshot)
rows 5 HOM- 8000 | sed "1i $H" >"$SCRATCH/five.csv"
run su import --confirm-anonymous "$SCRATCH/five.csv" --dry-run
expect_status 0
expect_err_has "Dry run of five.csv: 5 would be added, 0 skipped, 0 rejected"
expect_err_has "nothing was written"
expect_eq "$(snapshot)" "$before" "(a dry run changed the register)"
refused 5 "1 of 2 rows is bad; the import would be refused." su import --confirm-anonymous "$SCRATCH/changed.csv" --dry-run --skip-existing
run su import --confirm-anonymous "$SCRATCH/changed.csv" --dry-run --skip-existing --on-error skip
expect_status 8
expect_err_has "0 would be added, 1 skipped, 1 rejected"
expect_eq "$(snapshot)" "$before" "(a dry run changed the register)"

t "standard input, CSV by default"
run_in "$(printf '%s\nHOM-0301,HOM,wes,,,,,\n' "$H")" su import --confirm-anonymous -
expect_status 0
expect_err_has "Imported stdin: 1 added"
run_in "$(printf '%s\nHOM-0302,HOM,wes,,,,,\n' "$H")" su import --confirm-anonymous - --input-format jsonl
expect_status 3
expect_err_has "line 1: is not valid JSON"

t "JSON read as CSV: a JSON array (export --format json) or JSON lines without --format"
cl su export --format json >"$SCRATCH/all.json"
refused 3 "all.json holds JSON, not CSV" su import --confirm-anonymous "$SCRATCH/all.json"
expect_err_has "not a JSON array: export with 'caseload su export --format jsonl'"
printf '{"id": "HOM-0399", "service": "HOM", "keyworker": "wes"}\n' >"$SCRATCH/lines.txt"
refused 3 "lines.txt holds JSON, not CSV" su import --confirm-anonymous "$SCRATCH/lines.txt"
expect_err_has "give --input-format jsonl"

t "JSON lines: by file name, or --input-format jsonl; needs as a list or a ';' string"
cat >"$SCRATCH/people.jsonl" <<'EOF'
{"id": "HOM-0401", "service": "HOM", "keyworker": "wes", "needs": ["money", "self-care"], "gender": null}

{"id": "HOM-0402", "service": "HOM", "keyworker": "wyn", "needs": "money;offending", "age_band": "18-24"}
EOF
run su import --confirm-anonymous "$SCRATCH/people.jsonl"
expect_status 0
expect_err_has "2 added"
run su show HOM-0402 --format jsonl
expect_out_has '"needs":["money","offending"]'
printf '{"id": "HOM-0403", "service": "HOM", "keyworker": "wes", "colour": "red"}\n{"id": 404}\n' >"$SCRATCH/bad.ndjson"
refused 3 "2 of 2 rows are bad" su import --confirm-anonymous "$SCRATCH/bad.ndjson"
expect_err_has "line 1, column colour: is not a field of a service user; fields: id, service, keyworker"
expect_err_has "line 2, column id: must be a string; it is a number"
run_in "$(cat "$SCRATCH/people.jsonl")" su import --confirm-anonymous - --input-format jsonl --skip-existing
expect_status 0
expect_err_has "0 added, 2 skipped"

t "unknown and missing columns"
printf 'id,service,colour,Keyworker\nHOM-0501,HOM,red,wes\n' >"$SCRATCH/colour.csv"
refused 3 "colour.csv has unknown column 'colour'" su import --confirm-anonymous "$SCRATCH/colour.csv"
expect_err_has "hint: the columns are: id, service, keyworker, date_of_birth, age_band, gender, ethnicity, needs"
printf 'service,keyworker\nHOM,wes\n' >"$SCRATCH/noid.csv"
refused 3 "noid.csv has no 'id' column" su import --confirm-anonymous "$SCRATCH/noid.csv"
expect_err_has "--generate-ids"
printf 'id,ID\n' >"$SCRATCH/twice.csv"
refused 3 "names the column 'id' twice" su import --confirm-anonymous "$SCRATCH/twice.csv"
: >"$SCRATCH/empty.csv"
refused 3 "empty.csv is empty: there is no header row" su import --confirm-anonymous "$SCRATCH/empty.csv"
printf '%s\r\n' "$H" >"$SCRATCH/header-only.csv"
run su import --confirm-anonymous "$SCRATCH/header-only.csv"
expect_status 0
expect_err_has "0 added, 0 skipped, 0 rejected"

t "files that cannot be read as CSV are refused whole"
printf '%s\nHOM-0601,HOM,wes,,,,,\n"HOM-0602,HOM,wes,,,,,\nHOM-0603,HOM,wes,,,,,\n' "$H" >"$SCRATCH/open-quote.csv"
refused 3 "line 3, field 1: a quoted field starts on this line and is never closed" su import --confirm-anonymous "$SCRATCH/open-quote.csv" --on-error skip
printf '%s\rHOM-0604,HOM,wes,,,,,\r' "$H" >"$SCRATCH/mac.csv"
refused 3 "line 1: a line ends with a carriage return alone (old Mac line endings)" su import --confirm-anonymous "$SCRATCH/mac.csv"
printf '\xff\xfei\x00d\x00\n\x00' >"$SCRATCH/utf16.csv"
refused 3 "UTF-16 or UTF-32, not UTF-8" su import --confirm-anonymous "$SCRATCH/utf16.csv"
printf '%s\nHOM-0605,HOM,wes,,,f\xe9male,,\nHOM-0606,HOM,wes,,,fe\x00male,,\n' "$H" >"$SCRATCH/bytes.csv"
refused 3 "2 of 2 rows are bad" su import --confirm-anonymous "$SCRATCH/bytes.csv"
expect_err_has "line 2, column gender: is not valid UTF-8 (byte \\xE9 at position 2)"
expect_err_has "line 3, column gender: has a NUL byte at position 3"
printf '%s\nHOM-0607,HOM,wes\n' "$H" >"$SCRATCH/short.csv"
refused 3 "line 2: has 3 fields; the header has 8" su import --confirm-anonymous "$SCRATCH/short.csv"
awk 'BEGIN { printf "id,needs\nHOM-0608,\""; for (i = 0; i < 1100000; i++) printf "x"; print "\"" }' >"$SCRATCH/huge.csv"
refused 3 "line 2, field 2: a field is longer than 1 MB" su import --confirm-anonymous "$SCRATCH/huge.csv"

t "--generate-ids fills empty id cells and prints line -> ID after the commit"
printf 'keyworker,id,service\nwes,,HOM\nwyn,HOM-0701,HOM\nwyn,,HOM\n' >"$SCRATCH/gen.csv"
before=$(snapshot)
run su import --confirm-anonymous "$SCRATCH/gen.csv" --generate-ids --dry-run
expect_status 0
expect_out ""
expect_err_has "2 IDs would be generated; a real import prints them."
expect_eq "$(snapshot)" "$before" "(a dry run changed the register)"
run su import --confirm-anonymous "$SCRATCH/gen.csv" --generate-ids
expect_status 0
expect_eq "$(printf '%s\n' "$out" | wc -l)" "2"
expect_eq "$(printf '%s\n' "$out" | sed -n 1p | grep -cE '^line 2 -> HOM-[0-9A-HJKMNP-TV-Z]{8}-[0-9A-HJKMNP-TV-Z]$')" "1"
expect_eq "$(printf '%s\n' "$out" | sed -n 2p | grep -cE '^line 4 -> HOM-')" "1"
expect_err_has "Write the generated IDs on your locked list now."
generated=$(printf '%s\n' "$out" | sed -n 1p | awk '{print $4}')
run su show "$generated" --format jsonl
expect_out_has '"keyworker":"wes"'
printf 'keyworker,id,service\nwes,,HOM\n' >"$SCRATCH/nogen.csv"
refused 3 "line 2, column id: the ID is empty (give an ID of 3 to 32 characters, or use --generate-ids)" su import --confirm-anonymous "$SCRATCH/nogen.csv"

t "guard warnings: without a terminal they need --confirm-anonymous"
printf '%s\nQX-1985,HOM,wes,,,,,\nHOM-0801,HOM,wes,,,,,\n' "$H" >"$SCRATCH/warn.csv"
refused 3 "2 of 2 rows are bad" su import "$SCRATCH/warn.csv"
expect_err_has "line 2, column id: 'QX-1985' may identify someone:"
expect_err_has "line 3, column id: 'HOM-0801' was not confirmed as anonymous"
expect_err_has "if it is anonymous, run again with --confirm-anonymous"
run su import "$SCRATCH/warn.csv" --confirm-anonymous
expect_status 0
expect_err_has "(accepted: --confirm-anonymous)"
expect_err_has "2 added"
refused 3 "can't be used as an ID" su import "$SCRATCH/bad.csv" --confirm-anonymous --skip-existing

t "a worker's rows go on their own caseload; naming another keyworker is refused"
printf 'id,keyworker\nHOM-0901,\nHOM-0902,wes\n' >"$SCRATCH/worker.csv"
run --as wes su import --confirm-anonymous "$SCRATCH/worker.csv"
expect_status 0
expect_eq "$(sqlite3 "$CASELOAD_DB" "SELECT s.username FROM service_user u JOIN staff s ON s.id = u.keyworker_id WHERE u.uid IN ('HOM-0901', 'HOM-0902') GROUP BY 1")" "wes"
printf 'id,keyworker\nHOM-0903,wyn\n' >"$SCRATCH/other.csv"
refused 6 "1 of 1 row is bad; nothing was imported." --as wes su import --confirm-anonymous "$SCRATCH/other.csv"
expect_err_has "line 2, column keyworker: a worker's new service users go on their own caseload; you cannot name 'wyn' as keyworker (leave the keyworker column empty"
printf 'id,service\nREC-0904,REC\n' >"$SCRATCH/rec.csv"
refused 6 "you are not staff of REC" --as wes su import --confirm-anonymous "$SCRATCH/rec.csv"
printf 'id,keyworker\nHOM-0905,wyn\nBad Id,\n' >"$SCRATCH/mixed.csv"
refused 3 "2 of 2 rows are bad" --as wes su import --confirm-anonymous "$SCRATCH/mixed.csv"
printf 'id,service\nHOM-0906,HOM\n' >"$SCRATCH/manager.csv"
refused 3 "line 2, column keyworker: name the keyworker: a manager or a lead adding to HOM must fill in the keyworker column" --as mia su import --confirm-anonymous "$SCRATCH/manager.csv"

t "options and files given wrongly"
refused 2 "abort" su import --confirm-anonymous "$SCRATCH/five.csv" --on-error maybe
refused 2 "format" su import --confirm-anonymous "$SCRATCH/five.csv" --format xml
refused 2 "" su import
refused 4 "cannot open $SCRATCH/nope.csv" su import --confirm-anonymous "$SCRATCH/nope.csv"
refused 2 "is a directory" su import --confirm-anonymous "$SCRATCH"
refused 2 "is the input file itself" su import --confirm-anonymous "$SCRATCH/five.csv" --rejects "$SCRATCH/five.csv"
refused 2 "cannot create the rejects file" su import --confirm-anonymous "$SCRATCH/five.csv" --rejects "$SCRATCH/no/such/dir/r.csv"
refused 3 "unknown column" su import --confirm-anonymous "$SCRATCH/colour.csv" --rejects "$SCRATCH/left.csv"
[ -e "$SCRATCH/left.csv" ] && fail "a refused import left a rejects file" || pass

t "busy: the import waits --wait, then exit 7 with nothing written"
rows 20 HOM- 9000 | sed "1i $H" >"$SCRATCH/busy.csv"
(sqlite3 "$CASELOAD_DB" "BEGIN IMMEDIATE; SELECT 1;" ".shell sleep 3" "COMMIT;" >/dev/null 2>&1 &)
sleep 0.5
refused 7 "is busy" --wait 1 su import --confirm-anonymous "$SCRATCH/busy.csv"
expect_err_lacks "added"
sleep 3
run su import --confirm-anonymous "$SCRATCH/busy.csv"
expect_status 0

t "a file changed while it is imported (read again, not copied) is refused: exit 1, nothing written"
# The import reads the file, then waits for the write lock held here; the file
# grows meanwhile. A pipe is copied as it is read: a change cannot reach it.
rows 20 HOM- 9100 | sed "1i $H" >"$SCRATCH/growing.csv"
before=$(snapshot)
(sqlite3 "$CASELOAD_DB" "BEGIN IMMEDIATE; SELECT 1;" ".shell sleep 2" "COMMIT;" >/dev/null 2>&1 &)
sleep 0.5
"$CASELOAD_BIN" --wait 10 su import --confirm-anonymous "$SCRATCH/growing.csv" >/dev/null 2>"$SCRATCH/growing.err" &
pid=$!
sleep 0.8
rows 1 HOM- 9200 >>"$SCRATCH/growing.csv"
wait "$pid"
status=$?
err=$(cat "$SCRATCH/growing.err")
expect_status 1
expect_err_has "caseload: error: growing.csv changed while it was imported (its size or time of change is not what it was); nothing was imported"
expect_err_has "hint: import it again once nothing else writes to it"
expect_eq "$(snapshot)" "$before" "(an import of a changed file wrote)"
sleep 1.5
run_in "$(cat "$SCRATCH/growing.csv")" su import --confirm-anonymous -
expect_status 0
expect_err_has "21 added"

t "the progress line only on a terminal; -q keeps only errors"
run su import --confirm-anonymous "$SCRATCH/busy.csv" --skip-existing
expect_err_lacks "checking:"
run -q su import --confirm-anonymous "$SCRATCH/busy.csv" --skip-existing
expect_status 0
expect_eq "$err" ""
if command -v script >/dev/null; then
    rows 30000 HOM- 100000 | sed "1i $H" >"$SCRATCH/tty.csv"
    script -qec "$CASELOAD_BIN su import --confirm-anonymous $SCRATCH/tty.csv --dry-run" /dev/null >"$SCRATCH/tty.out" 2>&1
    grep -q "30,000 would be added" "$SCRATCH/tty.out" && pass || fail "no summary on a terminal: $(head -c 300 "$SCRATCH/tty.out")"
fi

t "the import with its runs spilled to disk gives what it gives with them in memory"
# Issue 19: rows reach the write in ID order from sorted runs; CASELOAD_IMPORT_RUN_KEYS=7
# makes the runs tiny, so they spill and merge (mode spilled: a file, larger than
# the runs' memory, each run spilled once sorted; mode piped: from a pipe, size
# unknown, the runs held spilled together past their memory); one run in memory
# (mode memory). Duplicates in other cases far apart, long IDs sharing their
# first 16 characters, bad rows, a blank line, a quoted line break, rows in the register.
{
    echo "$H,ref"
    rows 300 HOM- 70000 | sed 's/$/,r/'
    echo 'hom-0070007,HOM,wes,,25-34,female,,money,dup'
    echo 'HOM-LONG-PREFIX-0001,HOM,wes,,,,,,a'
    echo 'HOM-LONG-PREFIX-0002,HOM,wyn,,,,,,b'
    echo ''
    echo 'Room12,HOM,wes,,,,,,bad'
    printf '"HOM-0079999",HOM,wes,,,,,"money;\nself-care",q\n'
    echo 'hom-long-prefix-0001,HOM,wes,,,,,,dup-long'
    echo 'HOM-0101,HOM,wes,,,,,,in-register'
    rows 300 HOM- 71000 | sed 's/$/,s/'
    echo 'HOM-0071000,HOM,wes,,,,,,dup-other-data'
} >"$SCRATCH/runs.csv"
sqlite3 "$CASELOAD_DB" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
for mode in memory spilled piped; do
    cp "$CASELOAD_DB" "$SCRATCH/runs-$mode.db"
    for opts in "--on-error skip --skip-existing" "--on-error skip" ""; do
        if [ $mode = piped ]; then
            cat "$SCRATCH/runs.csv" | env CASELOAD_DB="$SCRATCH/runs-$mode.db" CASELOAD_IMPORT_RUN_KEYS=7 \
                "$CASELOAD_BIN" su import --confirm-anonymous $opts --rejects "$SCRATCH/runs-$mode.rej" \
                --force - >>"$SCRATCH/runs-$mode.out" 2>&1
        else
            env CASELOAD_DB="$SCRATCH/runs-$mode.db" \
                CASELOAD_IMPORT_RUN_KEYS=$([ $mode = memory ] || echo 7) "$CASELOAD_BIN" su import --confirm-anonymous $opts \
                --rejects "$SCRATCH/runs-$mode.rej" --force "$SCRATCH/runs.csv" </dev/null \
                >>"$SCRATCH/runs-$mode.out" 2>&1
        fi
        echo "exit $?" >>"$SCRATCH/runs-$mode.out"
        cat "$SCRATCH/runs-$mode.rej" >>"$SCRATCH/runs-$mode.out" 2>/dev/null
    done
    sed -i "s/ in [0-9.]* *m\?s\([.;]\)/\1/; s/runs-$mode/runs-X/g; s/^\(Imported \)\?stdin:/\1runs.csv:/" \
        "$SCRATCH/runs-$mode.out"
    sqlite3 "$SCRATCH/runs-$mode.db" "SELECT uid, service_id, keyworker_id, date_of_birth,
        (SELECT group_concat(need_id) FROM su_need WHERE su_id = s.id) FROM service_user s
        ORDER BY uid" >"$SCRATCH/runs-$mode.rows"
done
cmp -s "$SCRATCH/runs-memory.rows" "$SCRATCH/runs-spilled.rows" && pass || fail "other rows written"
cmp -s "$SCRATCH/runs-memory.out" "$SCRATCH/runs-spilled.out" && pass ||
    fail "other messages or rejects: $(diff "$SCRATCH/runs-memory.out" "$SCRATCH/runs-spilled.out" | head -20)"
cmp -s "$SCRATCH/runs-memory.rows" "$SCRATCH/runs-piped.rows" && pass || fail "other rows written from a pipe"
cmp -s "$SCRATCH/runs-memory.out" "$SCRATCH/runs-piped.out" && pass ||
    fail "other messages or rejects from a pipe: $(diff "$SCRATCH/runs-memory.out" "$SCRATCH/runs-piped.out" | head -20)"
# The first import: the two duplicates with the same data skipped, three rows refused.
for problem in "Imported runs.csv: 603 added, 2 skipped, 3 rejected." \
    "line 306, column id: 'Room12' can't be used as an ID" \
    "line 310, column id: the ID 'HOM-0101' is already in use with different data" \
    "line 611, column id: 'HOM-0071000' is already on line 311 of this file"; do
    grep -qF "$problem" "$SCRATCH/runs-spilled.out" && pass || fail "no '$problem'"
done

t "wide rows: memory is bounded by the rows' bytes held, not their count (issue 19)"
# 150,000 rows of about 1 KB (a needs cell of 171 needs): 160 MB. A run that
# ended only at its count of keys held the whole file: 328 MB at its peak.
if under_asan; then
    echo "  (skipped under the sanitizers: their memory is not the program's)"
else
    new_register wide
    cl init --organisation "Test Org" --lead boss -q
    cl service add HOM --name Hostel --star homelessness -q
    cl staff add wes --name "Wes" --login wes-login --no-check-login --worker HOM -q
    awk 'BEGIN { n = "money"; for (k = 0; k < 170; k++) n = n ";money"
        print "id,service,keyworker,date_of_birth,age_band,gender,ethnicity,needs"
        for (i = 0; i < 150000; i++) printf "HOM-%07d,HOM,wes,,25-34,female,,\"%s\"\n", i, n }' \
        >"$SCRATCH/wide.csv"
    # The peak of the child's resident memory, in KB (python3: no package for time(1)).
    peak_kb=$(python3 -c 'import resource, subprocess, sys
subprocess.run(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=open(sys.argv[1], "w"))
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' \
        "$SCRATCH/wide.err" "$CASELOAD_BIN" su import --confirm-anonymous "$SCRATCH/wide.csv" 2>/dev/null)
    expect_eq "$(grep -c 'Imported wide.csv: 150,000 added' "$SCRATCH/wide.err")" "1"
    expect_eq "$([ "$peak_kb" -lt 200000 ] && echo bounded || echo "$peak_kb KB")" "bounded"
    rm -f "$SCRATCH/wide.csv"
fi
export CASELOAD_DB="$SCRATCH/register.db"

t "--generate-ids streams: IDs made after pass 1, in ID order with the given ones (issue 19)"
# Tiny runs (CASELOAD_IMPORT_RUN_KEYS=7): the generated keys spill and merge with the
# given ones. Refused rows (a bad keyworker, no service) get no ID in the map.
{
    echo "$H,ref"
    awk 'BEGIN { for (i = 1; i <= 40; i++) printf ",HOM,wes,,25-34,female,,money,g%d\n", i }'
    rows 30 HOM- 90000 | sed 's/$/,given/'
    echo ',HOM,nobody,,,,,,bad-keyworker'
    echo ',,wes,,,,,,no-service'
    awk 'BEGIN { for (i = 41; i <= 60; i++) printf ",HOM,wyn,,,,,,g%d\n", i }'
} >"$SCRATCH/gen-big.csv"
n0=$(count)
CASELOAD_IMPORT_RUN_KEYS=7 CASELOAD_IMPORT_TIMING=1 "$CASELOAD_BIN" su import --confirm-anonymous \
    "$SCRATCH/gen-big.csv" --generate-ids --on-error skip --ids-to "$SCRATCH/gen-big.ids" \
    >"$SCRATCH/gen-big.out" 2>"$SCRATCH/gen-big.err"
expect_eq "$?" "8" "(two rows refused under skip)"
grep -q "timing: scan" "$SCRATCH/gen-big.err" && pass || fail "--generate-ids did not stream (no pass 1)"
grep -qF "Imported gen-big.csv: 90 added, 0 skipped, 2 rejected" "$SCRATCH/gen-big.err" && pass ||
    fail "not 90 added: $(tail -n 3 "$SCRATCH/gen-big.err")"
expect_eq "$(count)" "$((n0 + 90))"
expect_eq "$(wc -l <"$SCRATCH/gen-big.out")" "60"
# Line order, each with its own row's ref; the refused lines 72 and 73 left out.
expect_eq "$(awk '{print $2, $4}' "$SCRATCH/gen-big.out" | tr -d ')' | md5sum)" \
    "$( (seq 2 41 | awk '{print $1, "g" $1 - 1}'; seq 74 93 | awk '{print $1, "g" $1 - 33}') | md5sum)"
grep -vqE '^line [0-9]+ \(ref g[0-9]+\) -> HOM-[0-9A-HJKMNP-TV-Z]{8}-[0-9A-HJKMNP-TV-Z]$' \
    "$SCRATCH/gen-big.out" && fail "a line of the ID map has another shape" || pass
awk '{print $NF}' "$SCRATCH/gen-big.out" >"$SCRATCH/gen-big.list"
expect_eq "$(sort -u "$SCRATCH/gen-big.list" | wc -l)" "60" "(generated IDs not unique)"
expect_eq "$(cat "$SCRATCH/gen-big.ids")" "$(cat "$SCRATCH/gen-big.out")" "(--ids-to differs from stdout)"
# Every one is in the register with its row's data, and clean by the guard.
expect_eq "$(sqlite3 "$CASELOAD_DB" "SELECT count(*) FROM service_user WHERE uid IN ($(sed "s/.*/'&'/" "$SCRATCH/gen-big.list" | paste -sd,))")" "60"
g41=$(grep '(ref g41)' "$SCRATCH/gen-big.out" | awk '{print $NF}')
run su show "$g41" --format jsonl
expect_out_has '"keyworker":"wyn"'
run id check - <"$SCRATCH/gen-big.list"
expect_status 0
# Again, with the generated IDs in the file as given ones beside new empty cells: the
# new IDs miss them (and the given ones are refused as in the register).
{
    echo "$H"
    sed 's/$/,HOM,wes,,,,,/' "$SCRATCH/gen-big.list"
    awk 'BEGIN { for (i = 0; i < 30; i++) print ",HOM,wes,,,,," }'
} >"$SCRATCH/gen-again.csv"
CASELOAD_IMPORT_RUN_KEYS=7 "$CASELOAD_BIN" su import --confirm-anonymous "$SCRATCH/gen-again.csv" \
    --generate-ids --on-error skip >"$SCRATCH/gen-again.out" 2>"$SCRATCH/gen-again.err"
expect_eq "$?" "8"
grep -qF "30 added, 0 skipped, 60 rejected" "$SCRATCH/gen-again.err" && pass ||
    fail "$(tail -n 2 "$SCRATCH/gen-again.err")"
expect_eq "$(awk '{print $NF}' "$SCRATCH/gen-again.out" | sort -u | wc -l)" "30"
expect_eq "$(awk '{print $NF}' "$SCRATCH/gen-again.out" "$SCRATCH/gen-big.list" | sort -u | wc -l)" "90"
# A dry run generates and counts them, and prints none.
run su import --confirm-anonymous "$SCRATCH/gen-again.csv" --generate-ids --on-error skip --dry-run
expect_status 8
expect_out ""
expect_err_has "30 IDs would be generated; a real import prints them."
# Under abort, a refused row: nothing written, no map.
before=$(snapshot)
run su import --confirm-anonymous "$SCRATCH/gen-again.csv" --generate-ids
expect_status 5
expect_out ""
expect_eq "$(snapshot)" "$before"

if command -v script >/dev/null; then
    t "the confirm question at a terminal: one pass that only checks, one question, then the write"
    # Tiny runs: the runs are read twice (the question's pass, then the write's).
    {
        echo "$H,confirmed"
        rows 20 HOM- 95000 | sed 's/$/,/'
        echo 'hom-0095003,HOM,wes,,,,,,'
        echo 'QX-1986,HOM,wes,,,,,,'
        echo 'HOM-0095100,HOM,wes,,,,,,yes'
    } >"$SCRATCH/ask.csv"
    ask() { # ask ANSWER ARGS...: the import on a terminal, ANSWER typed at the question.
        local answer=$1
        shift
        out=$( (sleep 1; printf '%s\n' "$answer") | CASELOAD_IMPORT_RUN_KEYS=7 \
            script -qec "$CASELOAD_BIN su import $SCRATCH/ask.csv $*; echo exit \$?" /dev/null)
    }
    before=$(snapshot)
    ask n
    expect_eq "$(printf '%s\n' "$out" | grep -c 'to confirm')" "1"
    # 21 IDs to confirm: the duplicate counts once, the confirmed one not at all.
    expect_out_has "21 IDs to confirm (1 with the guard warnings above). Are they anonymous"
    expect_out_has "line 23, column id: 'QX-1986' may identify someone"
    expect_out_has "line 22, column id: 'hom-0095003' is already on line 5 of this file"
    expect_out_has "nothing was imported"
    expect_out_has "exit 3"
    expect_eq "$(snapshot)" "$before" "(no at the question under abort changed the register)"
    out=$( (sleep 1; printf 'n\n') | CASELOAD_IMPORT_RUN_KEYS=7 CASELOAD_IMPORT_TIMING=1 \
        script -qec "$CASELOAD_BIN su import $SCRATCH/ask.csv --on-error skip --rejects $SCRATCH/ask-rejects.csv; echo exit \$?" /dev/null)
    expect_out_has "timing: confirm"  # its own pass (issue 19), before the write's
    expect_out_has "1 added, 0 skipped, 22 rejected"
    expect_out_has "exit 8"
    expect_eq "$(sqlite3 "$CASELOAD_DB" "SELECT count(*) FROM service_user WHERE uid IN ('HOM-0095100', 'HOM-0095001', 'QX-1986')")" "1"
    expect_eq "$(grep -c 'was not confirmed as anonymous' "$SCRATCH/ask-rejects.csv")" "21"
    ask y --on-error skip --skip-existing
    expect_out_has "21 added, 1 skipped, 1 rejected"
    expect_out_has "exit 8"
    expect_eq "$(sqlite3 "$CASELOAD_DB" "SELECT count(*) FROM service_user WHERE uid IN ('HOM-0095001', 'HOM-0095019', 'QX-1986')")" "3"
    # Every ID confirmed in its cell: no question, and no pass for one.
    printf '%s,confirmed\nHOM-0097001,HOM,wes,,,,,,yes\n' "$H" >"$SCRATCH/ask-yes.csv"
    out=$(CASELOAD_IMPORT_TIMING=1 script -qec "$CASELOAD_BIN su import $SCRATCH/ask-yes.csv; echo exit \$?" /dev/null </dev/null)
    expect_out_has "exit 0"
    expect_out_lacks "to confirm"
    expect_out_lacks "timing: confirm"
    # Yes under abort, all good: every row written.
    sed -e '/hom-0095003/d' -e 's/HOM-00950/HOM-00960/; s/QX-1986/QX-1987/; s/HOM-0095100/HOM-0096100/' \
        "$SCRATCH/ask.csv" >"$SCRATCH/ask2.csv"
    cp "$SCRATCH/ask2.csv" "$SCRATCH/ask.csv"
    ask y
    expect_out_has "21 IDs to confirm (1 with the guard warnings above)"
    expect_out_has "22 added, 0 skipped, 0 rejected"
    expect_out_has "exit 0"
fi

t "a killed import leaves the register as it was, and it passes db check"
rows 200000 HOM- 1000000 | sed "1i $H" >"$SCRATCH/big.csv"
n0=$(count)
before=$(snapshot)
# Kill it while it inserts: the engine announces each phase with CASELOAD_IMPORT_TIMING.
CASELOAD_IMPORT_TIMING=1 "$CASELOAD_BIN" su import --confirm-anonymous "$SCRATCH/big.csv" >/dev/null 2>"$SCRATCH/kill.err" &
pid=$!
for _ in $(seq 1 600); do
    grep -q "timing: existing" "$SCRATCH/kill.err" && break
    sleep 0.02
done
sleep 0.1
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
status=$?
expect_eq "$status" "137" "(the import was not killed mid-way)"
grep -q "timing: insert" "$SCRATCH/kill.err" && fail "the kill came after the insert" || pass
expect_eq "$(snapshot)" "$before" "(a killed import changed the register)"
run db check
expect_status 0
# And once more while the WAL grows (the commit writing its pages), when that can be caught.
caught=no
for attempt in 1 2 3; do
    wal_before=$(stat -c %s "$CASELOAD_DB-wal" 2>/dev/null || echo 0)
    "$CASELOAD_BIN" su import --confirm-anonymous "$SCRATCH/big.csv" >/dev/null 2>&1 &
    pid=$!
    while kill -0 "$pid" 2>/dev/null; do
        size=$(stat -c %s "$CASELOAD_DB-wal" 2>/dev/null || echo 0)
        if [ "$size" -gt $((wal_before + 2000000)) ]; then
            kill -9 "$pid" 2>/dev/null
            break
        fi
    done
    wait "$pid" 2>/dev/null
    if [ $? -eq 137 ]; then
        caught=yes
        break
    fi
    # It finished first: take the rows out again for the next attempt.
    sqlite3 "$CASELOAD_DB" "PRAGMA foreign_keys = ON; DELETE FROM su_need WHERE su_id IN (SELECT id FROM service_user WHERE created_event = (SELECT max(id) FROM event)); DELETE FROM service_user WHERE created_event = (SELECT max(id) FROM event); DELETE FROM event WHERE id = (SELECT max(id) FROM event)"
    before=$(snapshot)
done
if [ "$caught" = yes ]; then
    expect_eq "$(snapshot)" "$before" "(an import killed while writing its WAL changed the register)"
    run db check
    expect_status 0
else
    echo "note: the import finished before the WAL could be caught growing; the kill during the insert was tested" >&2
fi
run su import --confirm-anonymous "$SCRATCH/big.csv" -q
expect_status 0
expect_eq "$(count)" "$((n0 + 200000))"
run db check
expect_status 0

finish
