#!/usr/bin/env bash
# Issue 5: the bulk examples (examples/bulk-import.sh, examples/nightly-import.sh,
# examples/spreadsheet.csv) run against a temporary register.
. "$(dirname "$0")/lib.sh"
SOURCE=${CASELOAD_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
EXAMPLES="$SOURCE/examples"
# The examples call 'caseload': the binary under test.
mkdir -p "$SCRATCH/bin"
ln -s "$CASELOAD_BIN" "$SCRATCH/bin/caseload"
export PATH="$SCRATCH/bin:$PATH"
standard_register
H="id,service,keyworker,date_of_birth,age_band,gender,ethnicity,needs"

t "the spreadsheet example: a BOM, CRLF, quotes, commas and a line break in cells"
head -c 3 "$EXAMPLES/spreadsheet.csv" | od -An -tx1 | grep -q "ef bb bf" && pass || fail "no BOM"
grep -q $'\r$' "$EXAMPLES/spreadsheet.csv" && pass || fail "no CRLF"
run su import "$EXAMPLES/spreadsheet.csv" --dry-run --confirm-anonymous
expect_status 0
expect_err_has "4 would be added, 0 skipped, 0 rejected"

t "bulk-import.sh: checks, imports, and is safe to run again"
cp "$EXAMPLES/spreadsheet.csv" "$SCRATCH/intake.csv"
out=$(CONFIRM_ANONYMOUS=yes bash "$EXAMPLES/bulk-import.sh" "$SCRATCH/intake.csv" 2>&1)
status=$?
expect_status 0
expect_out_has "== every row is good"
expect_out_has "Imported intake.csv: 4 added"
expect_out_has "== done"
run su show example-0002 --format jsonl
expect_out_has '"needs":["self-care","accommodation"]'
run su show EXAMPLE-0001 --format jsonl
expect_out_has '"date_of_birth":"1988-06-14"'
expect_out_has '"needs":["money","rough-sleeping"]'
out=$(CONFIRM_ANONYMOUS=yes bash "$EXAMPLES/bulk-import.sh" "$SCRATCH/intake.csv" 2>&1)
status=$?
expect_status 0
expect_out_has "0 added, 4 skipped, 0 rejected"

t "bulk-import.sh: bad rows go to the rejects file, to fix and run again"
printf '%s\nEXAMPLE-0101,HOM,wes,,,,,\nRoom12,HOM,wes,,,,,\nEXAMPLE-0102,HOM,w99,,,,,\n' "$H" >"$SCRATCH/second.csv"
out=$(CONFIRM_ANONYMOUS=yes bash "$EXAMPLES/bulk-import.sh" "$SCRATCH/second.csv" 2>&1)
status=$?
expect_status 8
expect_out_has "== some rows are bad"
expect_out_has "fix the rows in $SCRATCH/second.rejects.csv"
expect_eq "$(($(wc -l <"$SCRATCH/second.rejects.csv")))" "3"
sed -i -e 's/,Room12,/,EXAMPLE-0103,/' -e 's/,w99,/,wyn,/' "$SCRATCH/second.rejects.csv"
out=$(CONFIRM_ANONYMOUS=yes bash "$EXAMPLES/bulk-import.sh" "$SCRATCH/second.rejects.csv" 2>&1)
status=$?
expect_status 0
expect_out_has "2 added"
expect_eq "$(sqlite3 "$CASELOAD_DB" "SELECT count(*) FROM service_user")" "7"

t "nightly-import.sh: a drop folder, a busy register retried, rejects logged"
DROP="$SCRATCH/drop"
mkdir -p "$DROP"
printf '%s\nNIGHT-0001,HOM,wes,,,,,money\nNIGHT-0002,HOM,wyn,,18-24,,,\n' "$H" >"$DROP/monday.csv"
printf '{"id":"NIGHT-0003","service":"HOM","keyworker":"wes"}\n{"id":"NIGHT-0004","service":"HOM","keyworker":"nobody"}\n' >"$DROP/tuesday.jsonl"
printf 'id,colour\nNIGHT-0005,red\n' >"$DROP/broken.csv"
# Hold the register's write lock for 2 s: the first tries find it busy.
(sqlite3 "$CASELOAD_DB" "BEGIN IMMEDIATE; SELECT 1;" ".shell sleep 2" "COMMIT;" >/dev/null 2>&1 &)
sleep 0.3
DROP="$DROP" WAIT=0.2 RETRY_WAIT=1 RETRIES=10 CONFIRM_ANONYMOUS=yes bash "$EXAMPLES/nightly-import.sh"
status=$?
# Issue 16: the worst outcome, not the highest code: a file not imported (3)
# is worse than rows rejected (8).
expect_status 3
log=$(cat "$DROP/import.log")
printf '%s' "$log" | grep -q "the register is busy (try 1 of 10)" && pass || fail "no retry logged: $log"
printf '%s' "$log" | grep -q "monday.csv: imported$" && pass || fail "monday not imported: $log"
# Every line of caseload's output carries the time and the file's name.
printf '%s' "$log" | grep -Eq "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8} tuesday.jsonl: line 2, column keyworker" && pass || fail "caseload's lines lack the time and file name: $log"
printf '%s' "$log" | grep -Eq "^[0-9-]{10}T[0-9:]{8} monday.csv: Imported monday.csv: 2 added" && pass || fail "the summary lacks the file name: $log"
printf '%s' "$log" | grep -q "tuesday.jsonl: imported, with rejected rows in $DROP/rejects/tuesday\." && pass || fail "tuesday's rejects not logged: $log"
printf '%s' "$log" | grep -q "line 2, column keyworker: 'nobody' is not a worker of HOM" && pass || fail "the reject's reason is not in the log: $log"
printf '%s' "$log" | grep -q "broken.csv: not imported (exit 3); moved to failed/" && pass || fail "broken not failed: $log"
expect_eq "$(ls "$DROP/done" | tr '\n' ' ')" "monday.csv tuesday.jsonl "
expect_eq "$(ls "$DROP/failed")" "broken.csv"
expect_eq "$(ls "$DROP/rejects" | wc -l)" "1"
expect_eq "$(stat -c %a "$DROP/rejects/"*)" "600"
expect_eq "$(sqlite3 "$CASELOAD_DB" "SELECT count(*) FROM service_user WHERE uid LIKE 'NIGHT-%'")" "3"

t "nightly-import.sh: the worst outcome: 7 (left for the next run) outranks 8; unconfirmed rows are rejected"
DROP="$SCRATCH/drop2"
mkdir -p "$DROP"
printf 'id,service,keyworker,confirmed\nNIGHT-0101,HOM,wes,yes\nNIGHT-0102,HOM,wes,\n' >"$DROP/a.csv"
printf 'id,service,keyworker,confirmed\nNIGHT-0103,HOM,wes,yes\n' >"$DROP/b.csv"
DROP="$DROP" bash "$EXAMPLES/nightly-import.sh"
status=$?
expect_status 8
grep -q "a.csv: line 3, column id: 'NIGHT-0102' was not confirmed as anonymous" "$DROP/import.log" && pass || fail "the unconfirmed row is not logged: $(cat "$DROP/import.log")"
printf 'id,service,keyworker,confirmed\nNIGHT-0104,HOM,wes,yes\nNIGHT-0105,HOM,nobody,yes\n' >"$DROP/c.csv"
printf 'id,service,keyworker,confirmed\nNIGHT-0106,HOM,wes,yes\n' >"$DROP/d.csv"
# d.csv finds the register busy on every try: 7 outranks c.csv's 8.
fake="$SCRATCH/fake-caseload"
printf '#!/usr/bin/env bash\ncase "$*" in *d.csv*) echo "caseload: error: busy" >&2; exit 7 ;; esac\nexec "%s" "$@"\n' "$CASELOAD_BIN" >"$fake"
chmod +x "$fake"
DROP="$DROP" CASELOAD="$fake" RETRIES=2 RETRY_WAIT=0 bash "$EXAMPLES/nightly-import.sh"
status=$?
expect_status 7
grep -q "d.csv: the register stayed busy after 2 tries" "$DROP/import.log" && pass || fail "busy not logged"
# A file not imported at all (3) outranks one left busy (7), whatever their order.
printf 'id,colour\nNIGHT-0107,red\n' >"$DROP/e.csv"
DROP="$DROP" CASELOAD="$fake" RETRIES=2 RETRY_WAIT=0 bash "$EXAMPLES/nightly-import.sh"
status=$?
expect_status 3
expect_eq "$(ls "$DROP/failed")" "e.csv"
grep -q "e.csv: not imported (exit 3); moved to failed/" "$DROP/import.log" && pass || fail "e.csv's failure not logged"

t "nightly-import.sh: an empty drop folder is a quiet success"
DROP="$SCRATCH/drop3"
mkdir -p "$DROP"
DROP="$DROP" bash "$EXAMPLES/nightly-import.sh"
status=$?
expect_status 0

t "the crontab line runs the nightly script with a drop folder and a register"
grep -E '^[0-9]+ +[0-9]+ +\* +\* +\* +DROP=[^ ]+ CASELOAD_DB=[^ ]+ .*nightly-import\.sh$' "$EXAMPLES/crontab.txt" >/dev/null && pass || fail "no crontab line"

finish
