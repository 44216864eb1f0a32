#!/usr/bin/env bash
# Issue 4 / spec §9 "privacy": after su rename, and after su erase, no byte of
# the old ID is left in the register's files (the .db, its -wal and -shm),
# searched case-insensitively in the raw bytes. Each check first proves that
# the bytes ARE there before the change, so the search can fail.
#
# A reader keeps a connection open while the commands run, as another staff
# member's session or cron would: then closing caseload's own connection does
# not checkpoint, and only caseload's explicit checkpoint clears the WAL.
. "$(dirname "$0")/lib.sh"

# count_bytes ID: occurrences of ID, any case, in the register's files.
count_bytes() {
    python3 - "$1" "$CASELOAD_DB" "$CASELOAD_DB-wal" "$CASELOAD_DB-shm" <<'EOF'
import os, sys
needle = sys.argv[1].lower().encode()
total = 0
for path in sys.argv[2:]:
    if os.path.exists(path):
        with open(path, "rb") as f:
            total += f.read().lower().count(needle)
print(total)
EOF
}
# where_bytes ID: which files hold it, for failure messages.
where_bytes() {
    for f in "$CASELOAD_DB" "$CASELOAD_DB-wal" "$CASELOAD_DB-shm"; do
        [ -e "$f" ] && printf '%s:%s ' "$(basename "$f")" "$(grep -c -a -i -F -- "$1" "$f")"
    done
}
expect_bytes_present() {
    if [ "$(count_bytes "$1")" -gt 0 ]; then pass; else fail "the bytes of '$1' are not in the files before the change: the search cannot fail"; fi
}
expect_bytes_absent() {
    if [ "$(count_bytes "$1")" -eq 0 ]; then pass; else fail "the bytes of '$1' are still in $(where_bytes "$1")"; fi
}

# A reader with an open connection, until stopped: with no open transaction,
# or (start_holder snapshot) inside a read transaction, as a long export or
# an sqlite3 session would hold one.
HOLDER=""
start_holder() {
    rm -f "$SCRATCH/holder-ready"
    python3 -c '
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
if sys.argv[3] == "snapshot":
    c.execute("BEGIN")
c.execute("SELECT count(*) FROM service_user").fetchall()
open(sys.argv[2], "w").close()
time.sleep(600)
' "$CASELOAD_DB" "$SCRATCH/holder-ready" "${1:-connection}" &
    HOLDER=$!
    for _ in $(seq 100); do [ -e "$SCRATCH/holder-ready" ] && break; sleep 0.05; done
    [ -e "$SCRATCH/holder-ready" ] || { echo "the reader did not start" >&2; exit 1; }
}
stop_holder() {
    if [ -n "$HOLDER" ]; then
        kill "$HOLDER" 2>/dev/null
        wait "$HOLDER" 2>/dev/null
        HOLDER=""
    fi
}
trap stop_holder EXIT

# A register with enough service users for the ID index to span many pages,
# so that a rename moves the index entry to another page.
filled_register() {
    new_register "$1"
    standard_register
    sqlite3 "$CASELOAD_DB" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
        INSERT INTO service_user (uid, service_id, keyworker_id, created_at, updated_at)
        SELECT printf('FILL-%05d', i), (SELECT id FROM service WHERE code = 'HOM'),
               (SELECT id FROM staff WHERE username = 'wes'), 'x', 'x' FROM n"
}

OLD=QZ7W-KT4M-PX9V
NEW=HOM-8000

t "control: without a checkpoint the WAL keeps an overwritten ID (the test can fail)"
filled_register control
cl su add "$OLD" --service HOM --keyworker wes --confirm-anonymous -q
start_holder
expect_bytes_present "$OLD"
sqlite3 "$CASELOAD_DB" "PRAGMA secure_delete = ON; UPDATE service_user SET uid = '$NEW' WHERE uid = '$OLD'" >/dev/null
# secure_delete alone is not enough: the WAL still holds the old page images.
[ "$(count_bytes "$OLD")" -gt 0 ] && pass || fail "expected the old ID in the WAL before a checkpoint"
stop_holder

t "rename, with another reader connected"
filled_register rename
cl su add "$OLD" --service HOM --keyworker wes --confirm-anonymous --need money -q
start_holder
expect_bytes_present "$OLD"
run su rename "$OLD" "$NEW" --confirm-anonymous
expect_status 0
expect_out "$OLD -> $NEW"
expect_bytes_absent "$OLD"
expect_bytes_present "$NEW"
expect_eq "$(stat -c %s "$CASELOAD_DB-wal")" "0" "(the WAL was truncated)"
stop_holder
run db check
expect_status 0

t "rename, lower case searched too"
start_holder
run su rename "$NEW" qz7w-kt4m-px9w --confirm-anonymous
expect_status 0
expect_bytes_absent "$NEW"
expect_bytes_absent "${NEW,,}"
expect_bytes_present "QZ7W-KT4M-PX9W"
stop_holder

t "rename while another program holds a read transaction: warned, not claimed, cleared by db check"
filled_register snapshot-rename
cl su add "$OLD" --service HOM --keyworker wes --confirm-anonymous -q
start_holder snapshot
run --wait 1 -q su rename "$OLD" "$NEW" --confirm-anonymous
expect_status 0
expect_out "$OLD -> $NEW"
expect_err_has "caseload: warning: another program is reading the register, so the old ID's bytes stay in the database file until it finishes"
expect_err_has "hint: the next caseload command after it has finished clears them (or a lead's 'caseload db check')"
expect_err_lacks "no longer kept anywhere"
expect_bytes_present "$OLD"
run --wait 1 db check
expect_status 0
expect_err_has "caseload: warning: another program is reading the register, so the database file may still hold bytes of renamed or erased IDs"
stop_holder
run db check
expect_status 0
expect_err_lacks "warning"
expect_bytes_absent "$OLD"
expect_bytes_present "$NEW"

t "erase while another program holds a read transaction: warned, cleared by db check"
filled_register snapshot-erase
cl su add "$OLD" --service HOM --keyworker wes --confirm-anonymous -q
start_holder snapshot
run --wait 1 su erase "$OLD" --confirm "$OLD"
expect_status 0
expect_err_has "Erased $OLD"
expect_err_has "so the erased ID's bytes stay in the database file until it finishes"
expect_bytes_present "$OLD"
stop_holder
run db check
expect_status 0
expect_bytes_absent "$OLD"

t "rename, alone"
filled_register alone
cl su add "$OLD" --service HOM --keyworker wes --confirm-anonymous -q
expect_bytes_present "$OLD"
run su rename "$OLD" --generate
expect_status 0
expect_bytes_absent "$OLD"

t "rename after edits, needs, reallocation and leaving"
filled_register busy
cl su add "$OLD" --service HOM --keyworker wes --confirm-anonymous --need money -q
start_holder
cl su edit "$OLD" --gender male --dob 1990-01-01 -q
cl su needs "$OLD" --add self-care -q
cl su allocate "$OLD" --to wyn -q
cl su leave "$OLD" -q
expect_bytes_present "$OLD"
run su rename "$OLD" "$NEW" --confirm-anonymous
expect_status 0
expect_bytes_absent "$OLD"
stop_holder

t "erase, with another reader connected"
filled_register erase
cl su add "$OLD" --service HOM --keyworker wes --confirm-anonymous --need money --need self-care -q
cl su edit "$OLD" --ethnicity prefer-not-to-say -q
start_holder
expect_bytes_present "$OLD"
run su erase "$OLD" --confirm "${OLD,,}"
expect_status 0
expect_bytes_absent "$OLD"
expect_eq "$(stat -c %s "$CASELOAD_DB-wal")" "0" "(the WAL was truncated)"
stop_holder
expect_eq "$(sqlite3 "$CASELOAD_DB" "SELECT count(*) FROM su_need")" "0"
run db check
expect_status 0

t "erase, alone"
filled_register erase-alone
cl su add "$OLD" --service HOM --keyworker wes --confirm-anonymous -q
expect_bytes_present "$OLD"
run su erase "$OLD" --confirm "$OLD"
expect_status 0
expect_bytes_absent "$OLD"

t "erase of a renamed person: neither ID is left"
filled_register both
cl su add "$OLD" --service HOM --keyworker wes --confirm-anonymous -q
start_holder
cl su rename "$OLD" "$NEW" --confirm-anonymous -q >/dev/null
expect_bytes_present "$NEW"
run su erase "$NEW" --confirm "$NEW"
expect_status 0
expect_bytes_absent "$OLD"
expect_bytes_absent "$NEW"
stop_holder

finish
