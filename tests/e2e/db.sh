#!/usr/bin/env bash
# Issue 8: 'caseload db check' (each invariant broken on purpose with sqlite3)
# and 'caseload db backup' (mode 0600, self-contained, never overwrites,
# consistent while other processes write).
. "$(dirname "$0")/lib.sh"

standard_register
cl --as wes su add HOM-K3Q7-0042 --need rough-sleeping --confirm-anonymous -q
cl --as wes su add HOM-K3Q7-0043 --confirm-anonymous -q
cl --as wyn su add HOM-K3Q7-0044 --confirm-anonymous -q
cl --as rex su add REC-K3Q7-0001 --need drug-use --confirm-anonymous -q
GOOD="$SCRATCH/good.db"
cp "$CASELOAD_DB" "$GOOD"

# A copy of the healthy register to break; db check must exit 3 and name it.
broken() {
    export CASELOAD_DB="$SCRATCH/broken-$1.db"
    rm -f "$CASELOAD_DB"
    cp "$GOOD" "$CASELOAD_DB"
    sqlite3 "$CASELOAD_DB" "$2"
}

# check_finds CHECK TEXT: db check exits 3, lists a problem of CHECK that
# holds TEXT, and writes nothing.
check_finds() {
    local before
    before=$(snapshot)
    run db check --format csv
    expect_status 3
    expect_out_has "$1,"
    expect_out_has "$2"
    expect_err_has "problem"
    expect_eq "$(snapshot)" "$before" "(db check changed the register)"
}

t "a healthy register passes"
run db check
expect_status 0
expect_err_has "all checks passed"
expect_eq "$out" "" "(no problems listed)"
run db check --format json
expect_status 0
expect_out "[]"

t "only a lead checks"
refused 6 "lead" --as mia db check
refused 6 "lead" --as wes db check

t "keyworker no longer active"
broken inactive "UPDATE staff SET active = 0 WHERE username = 'wes'"
check_finds keyworker "'HOM-K3Q7-0042': keyworker wes is not an active worker of HOM"
expect_out_has "HOM-K3Q7-0043"
expect_out_lacks "HOM-K3Q7-0044"

t "keyworker not a worker of the service"
broken not-worker "UPDATE service_user SET keyworker_id = (SELECT id FROM staff WHERE username = 'rex') WHERE uid = 'HOM-K3Q7-0044'"
check_finds keyworker "'HOM-K3Q7-0044': keyworker rex is not an active worker of HOM"

t "a keyworker whose role was revoked behind the tool's back"
broken revoked "DELETE FROM staff_role WHERE staff_id = (SELECT id FROM staff WHERE username = 'wyn')"
check_finds keyworker "keyworker wyn"

t "a left service user may keep a deactivated keyworker"
broken left "UPDATE service_user SET status = 'left', left_on = '2024-01-01' WHERE keyworker_id = (SELECT id FROM staff WHERE username = 'wyn'); UPDATE staff SET active = 0 WHERE username = 'wyn'"
run db check
expect_status 0

t "a need of another Star"
broken need "INSERT INTO su_need (su_id, need_id) SELECT su.id, n.id FROM service_user su, star_need n JOIN star s ON s.id = n.star_id WHERE su.uid = 'HOM-K3Q7-0043' AND s.code = 'recovery' AND n.code = 'drug-use'"
check_finds needs "'HOM-K3Q7-0043': need drug-use is not of the Star of HOM"

t "IDs not in normal form"
broken space "UPDATE service_user SET uid = 'HOM K3Q7-0042' WHERE uid = 'HOM-K3Q7-0042'"
check_finds ids "'HOM K3Q7-0042' has a space at position 4"
broken dash "UPDATE service_user SET uid = '-HOMK3Q70042' WHERE uid = 'HOM-K3Q7-0042'"
check_finds ids "starts with '-'"
broken padded "UPDATE service_user SET uid = ' HOM-K3Q7-0042' WHERE uid = 'HOM-K3Q7-0042'"
check_finds ids "HOM-K3Q7-0042"
broken short "UPDATE service_user SET uid = 'H4' WHERE uid = 'HOM-K3Q7-0042'"
check_finds ids "'H4' is too short"
broken bidi "UPDATE service_user SET uid = 'HOM' || char(0x202E) || '42' WHERE uid = 'HOM-K3Q7-0042'"
check_finds ids "non-ASCII character"
expect_out_lacks $'\u202e'
broken escape "UPDATE service_user SET uid = 'HOM' || char(27) || '[2J42' WHERE uid = 'HOM-K3Q7-0042'"
check_finds ids "control character"
expect_out_lacks $'\e'

t "an ID stored twice by key"
# The unique index (COLLATE NOCASE) stops this; only a register whose index
# was dropped behind the tool's back can hold it. Rebuild the table without it.
broken twice "PRAGMA foreign_keys = OFF; BEGIN;
  CREATE TABLE su2 AS SELECT * FROM service_user;
  DROP TABLE service_user;
  CREATE TABLE service_user (id INTEGER PRIMARY KEY AUTOINCREMENT, uid TEXT NOT NULL, service_id INTEGER NOT NULL REFERENCES service(id), keyworker_id INTEGER NOT NULL REFERENCES staff(id), date_of_birth TEXT, age_band TEXT, gender TEXT, ethnicity TEXT, status TEXT NOT NULL DEFAULT 'active', left_on TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, created_event INTEGER, started_on TEXT);
  INSERT INTO service_user SELECT * FROM su2; DROP TABLE su2;
  UPDATE service_user SET uid = 'hom-k3q7-0042' WHERE uid = 'HOM-K3Q7-0043';
  COMMIT;"
check_finds ids "'hom-k3q7-0042' is stored 2 times"

t "an event about a key that never existed"
broken event "INSERT INTO event (at, actor_id, action, su_id, detail) VALUES ('2024-01-01T00:00:00Z', 1, 'su.edit', 9999, '')"
check_finds events "refers to service user key 9999"

t "events of an erased service user are fine"
export CASELOAD_DB="$SCRATCH/erased.db"
cp "$GOOD" "$CASELOAD_DB"
cl su erase HOM-K3Q7-0043 --confirm HOM-K3Q7-0043 -q
expect_eq "$(sqlite3 "$CASELOAD_DB" "SELECT count(*) FROM event WHERE su_id IS NOT NULL AND su_id NOT IN (SELECT id FROM service_user)")" "2" "(events of the erased key)"
run db check
expect_status 0

t "a dangling reference (foreign_key_check)"
broken fk "INSERT INTO su_need (su_id, need_id) SELECT id, 99999 FROM service_user WHERE uid = 'HOM-K3Q7-0042'"
check_finds foreign-keys "refers to a missing row of star_need"

t "a damaged index (integrity_check)"
# Point the index of events by service user at another column: its stored
# entries no longer match the rows.
broken index "PRAGMA writable_schema = ON; UPDATE sqlite_schema SET sql = 'CREATE INDEX event_su ON event(actor_id)' WHERE name = 'event_su'"
check_finds integrity "event_su"

t "every problem is listed, and the summary counts them"
broken many "UPDATE staff SET active = 0 WHERE username = 'wes'; UPDATE service_user SET uid = 'REC K3Q7-0001' WHERE uid = 'REC-K3Q7-0001'"
run db check --format jsonl
expect_status 3
expect_eq "$(printf '%s\n' "$out" | wc -l)" "3"
expect_err_has "has 3 problems"

# ---------------------------------------------------------------------------
export CASELOAD_DB="$SCRATCH/register.db"

t "backup: a self-contained copy, mode 0600"
run db backup "$SCRATCH/copy.db"
expect_status 0
expect_err_has "Backed up"
expect_eq "$(stat -c %a "$SCRATCH/copy.db")" "600" "(mode of the backup)"
[ ! -e "$SCRATCH/copy.db-wal" ] && pass || fail "a -wal file beside the backup"
[ ! -e "$SCRATCH/copy.db-journal" ] && pass || fail "a -journal file beside the backup"
# Moved alone to another place, it is complete.
mkdir -p "$SCRATCH/elsewhere"
mv "$SCRATCH/copy.db" "$SCRATCH/elsewhere/copy.db"
expect_eq "$(sqlite3 "$SCRATCH/elsewhere/copy.db" 'PRAGMA journal_mode')" "delete"
expect_eq "$(sqlite3 "$SCRATCH/elsewhere/copy.db" 'PRAGMA integrity_check')" "ok"
expect_eq "$(sqlite3 "$SCRATCH/elsewhere/copy.db" 'SELECT count(*) FROM service_user')" "4"
expect_eq "$(sqlite3 "$SCRATCH/elsewhere/copy.db" .dump)" "$(sqlite3 "$CASELOAD_DB" .dump)" "(backup differs from the register)"
run --db "$SCRATCH/elsewhere/copy.db" db check
expect_status 0
run --db "$SCRATCH/elsewhere/copy.db" su show HOM-K3Q7-0042 --format json
expect_status 0
expect_out_has '"keyworker": "wes"'

t "backup: mode 0600 whatever the umask"
(umask 000; "$CASELOAD_BIN" db backup "$SCRATCH/umask.db" -q)
expect_eq "$(stat -c %a "$SCRATCH/umask.db")" "600" "(mode with umask 000)"

t "backup: never overwrites"
printf 'precious' > "$SCRATCH/precious"
refused 5 "already exists" db backup "$SCRATCH/precious"
expect_eq "$(cat "$SCRATCH/precious")" "precious" "(the existing file was changed)"
refused 5 "already exists" db backup "$CASELOAD_DB"
ln -s "$SCRATCH/precious" "$SCRATCH/link"
refused 5 "already exists" db backup "$SCRATCH/link"
ln -s "$SCRATCH/nowhere" "$SCRATCH/dangling"
refused 5 "already exists" db backup "$SCRATCH/dangling"
[ ! -e "$SCRATCH/nowhere" ] && pass || fail "the backup followed a dangling symbolic link"

t "backup: refusals leave no file"
refused 4 "does not exist" db backup "$SCRATCH/no/such/dir/copy.db"
refused 6 "lead" --as mia db backup "$SCRATCH/by-mia.db"
[ ! -e "$SCRATCH/by-mia.db" ] && pass || fail "a refused backup left a file"
refused 2 "" db backup
run db backup "$SCRATCH"
expect_status 5

t "backup: consistent while other processes write"
# Under AddressSanitizer each command starts ten times slower: fewer writes.
MORE=400
if under_asan; then MORE=100; fi
new_register busy
standard_register
# A few thousand rows, so that the copy takes several steps.
cl id new -n 3000 >"$SCRATCH/ids"
{ echo "id,service,keyworker"; sed 's/$/,HOM,wes/' "$SCRATCH/ids"; } >"$SCRATCH/bulk.csv"
cl su import "$SCRATCH/bulk.csv" --confirm-anonymous -q
cl id new -n $MORE >"$SCRATCH/more"
writer() {  # adds its share of IDs one command at a time, retrying on exit 7
    local n=0 id rc
    while read -r id; do
        for _ in 1 2 3 4 5 6 7 8 9 10; do
            "$CASELOAD_BIN" --as "$2" su add "$id" --confirm-anonymous -q 2>>"$SCRATCH/writer-errors"
            rc=$?
            [ $rc -eq 7 ] || break
        done
        [ $rc -eq 0 ] && n=$((n + 1))
    done < <(sed -n "$1~4p" "$SCRATCH/more")
    echo "$n" >"$SCRATCH/writer-$1.count"
}
writer 1 wes & writer 2 wyn & writer 3 wes & writer 4 wyn &
sleep 1
taken=0
for i in 1 2 3; do
    run db backup "$SCRATCH/live-$i.db"
    expect_status 0
    [ $status -eq 0 ] && taken=$((taken + 1))
    sleep 0.5
done
wait
total=$(cat "$SCRATCH"/writer-*.count | awk '{ s += $1 } END { print s }')
expect_eq "$total" "$MORE" "(writes during the backups)"
final=$(sqlite3 "$CASELOAD_DB" 'SELECT count(*) FROM service_user')
expect_eq "$final" "$((3000 + MORE))"
for i in 1 2 3; do
    b="$SCRATCH/live-$i.db"
    expect_eq "$(sqlite3 "$b" 'PRAGMA integrity_check')" "ok" "(backup $i)"
    [ ! -e "$b-wal" ] && pass || fail "backup $i has a -wal file"
    rows=$(sqlite3 "$b" 'SELECT count(*) FROM service_user')
    [ "$rows" -ge 3000 ] && [ "$rows" -le $((3000 + MORE)) ] && pass || fail "backup $i holds $rows rows"
    # Each su add writes its row and its event in one transaction: a
    # consistent copy holds both or neither of each.
    adds=$(sqlite3 "$b" "SELECT count(*) FROM event WHERE action = 'su.add'")
    expect_eq "$((rows - 3000))" "$adds" "(rows and su.add events in backup $i)"
    run --db "$b" db check
    expect_status 0
done
expect_eq "$(cat "$SCRATCH/writer-errors" 2>/dev/null)" "" "(writer errors)"
run db check
expect_status 0

t "a damaged file: db check lists what SQLite finds, exit 3"
cl db backup "$SCRATCH/damaged.db" -q
pages=$(sqlite3 "$SCRATCH/damaged.db" 'PRAGMA page_count')
size=$(sqlite3 "$SCRATCH/damaged.db" 'PRAGMA page_size')
dd if=/dev/zero of="$SCRATCH/damaged.db" bs="$size" seek=$((pages / 2)) count=2 conv=notrunc 2>/dev/null
run --db "$SCRATCH/damaged.db" db check --format csv
expect_status 3
expect_out_has "integrity,"
expect_out_has "Page $((pages / 2 + 1))"
expect_err_has "problems"
t "a truncated file: db check says it cannot be read, exit 3"
head -c $((size * 3)) "$SCRATCH/damaged.db" >"$SCRATCH/truncated.db"
run --db "$SCRATCH/truncated.db" su list
expect_status 3
expect_err_has "the register is damaged: run caseload db check"
run --db "$SCRATCH/truncated.db" db check --format csv
expect_status 3
expect_out_has "integrity,the file cannot be read: database disk image is malformed"
expect_err_has "is damaged"
expect_err_has "restore it from a backup"

finish
