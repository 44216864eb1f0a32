#!/usr/bin/env bash
# Issue 17: faults around the register. A reader never stalls the writers; a
# damaged register is never written and never backed up silently; backups are
# atomic and restore as they were; a full disk, a read-only filesystem and
# locked directories are named as such; every byte that reaches a terminal is
# safe; and the small things (--wait, files that are not SQLite).
. "$(dirname "$0")/lib.sh"

standard_register
DB=$CASELOAD_DB
sql() { sqlite3 "$DB" "$@"; }

# A background sqlite3 that runs SQL, holds the register for SECONDS, then
# ends; $holder is its pid. The read or write lock is taken before this
# returns (a marker file appears once the first statement has run).
hold() {
    local seconds=$1 first=$2 db=${3:-$DB}
    rm -f "$SCRATCH/held"
    { printf '%s\n.shell touch %s\n' "$first" "$SCRATCH/held"; sleep "$seconds"; printf 'COMMIT;\n'; } |
        sqlite3 "$db" >/dev/null 2>&1 &
    holder=$!
    for _ in $(seq 100); do [ -e "$SCRATCH/held" ] && break; sleep 0.05; done
}

# ---------------------------------------------------------------------------
t "a long reader does not stall the writers"
for i in 1 2 3 4 5; do cl --as wes su add "HOM-K3Q7-010$i" --confirm-anonymous -q; done
cl db check -q 2>/dev/null  # an empty WAL: the reader below reads the database file
hold 6 "BEGIN; SELECT count(*) FROM service_user;"
start=$(date +%s%N)
"$CASELOAD_BIN" su rename HOM-K3Q7-0101 HOM-K3Q7-0201 --confirm-anonymous \
    >"$SCRATCH/rename-out" 2>"$SCRATCH/rename-err" </dev/null &
renamer=$!
sleep 0.3
run --wait 2 --as wes su add HOM-K3Q7-0106 --confirm-anonymous
expect_status 0
wait $renamer
rename_status=$?
elapsed=$((($(date +%s%N) - start) / 1000000))
expect_eq "$rename_status" "0" "(rename)"
# The rename does not wait for the reader: it gives up after about a second.
[ "$elapsed" -lt 4000 ] && pass || fail "the rename and add took ${elapsed} ms"
err=$(cat "$SCRATCH/rename-err")
expect_err_has "another program is reading the register, so the old ID's bytes stay"
t "a scrub left pending is recorded and finished by the next command"
expect_eq "$(sql 'SELECT count(*) FROM scrub_pending')" "1"
wait $holder
run --as wes su list -q
expect_status 0
expect_eq "$(sql 'SELECT count(*) FROM scrub_pending')" "0"
expect_eq "$(stat -c %s "$DB-wal" 2>/dev/null || echo 0)" "0" "(WAL bytes)"
grep -qa "HOM-K3Q7-0101" "$DB" "$DB-wal" 2>/dev/null && fail "the old ID is still in a file" || pass

t "no warning when no reader holds old pages"
run su rename HOM-K3Q7-0102 HOM-K3Q7-0202 --confirm-anonymous
expect_status 0
expect_err_lacks "warning"
expect_err_has "the old ID is no longer kept anywhere"
expect_eq "$(sql 'SELECT count(*) FROM scrub_pending')" "0"

t "a busy message names what is busy"
hold 3 "BEGIN IMMEDIATE;"
run --wait 0.5 --as wes su add HOM-K3Q7-0107 --confirm-anonymous
expect_status 7
expect_err_has "is busy: another program, sqlite3 (process $holder) is writing to it"
expect_err_has "stayed busy for 0.5 s"
wait $holder

# ---------------------------------------------------------------------------
t "a backup put back with cp is in WAL mode again"
cl db backup "$SCRATCH/restore.db" -q
expect_eq "$(sqlite3 "$SCRATCH/restore.db" 'PRAGMA journal_mode')" "delete" "(the copy)"
new_register restored
cp "$SCRATCH/restore.db" "$CASELOAD_DB"
run db check
expect_status 0
expect_err_has "was in journal mode delete, not WAL"
expect_eq "$(sqlite3 "$CASELOAD_DB" 'PRAGMA journal_mode')" "wal"
cp "$SCRATCH/restore.db" "$CASELOAD_DB"
run --as wes su list -q
expect_status 0
expect_eq "$(sqlite3 "$CASELOAD_DB" 'PRAGMA journal_mode')" "wal" "(after su list)"
export CASELOAD_DB=$DB

# ---------------------------------------------------------------------------
t "a damaged register is never written"
new_register damaged
cp "$DB" "$CASELOAD_DB"
sqlite3 "$CASELOAD_DB" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
page_size=$(sqlite3 "$CASELOAD_DB" 'PRAGMA page_size')
root=$(sqlite3 "$CASELOAD_DB" "SELECT rootpage FROM sqlite_schema WHERE name = 'service_user'")
head -c "$page_size" /dev/urandom |
    dd of="$CASELOAD_DB" bs="$page_size" seek=$((root - 1)) conv=notrunc status=none
run --as wes su add HOM-K3Q7-0300 --confirm-anonymous
expect_status 3
expect_err_has "the register is damaged: run caseload db check"
t "db backup checks the copy and refuses a damaged one"
run db backup "$SCRATCH/of-damaged.db"
expect_status 3
expect_err_has "is damaged: its copy fails SQLite's integrity check"
expect_err_has "give --force"
[ ! -e "$SCRATCH/of-damaged.db" ] && pass || fail "a damaged copy was kept"
run db backup --force "$SCRATCH/of-damaged.db"
expect_status 0
expect_err_has "kept because of --force"
[ -s "$SCRATCH/of-damaged.db" ] && pass || fail "no copy with --force"
export CASELOAD_DB=$DB

# ---------------------------------------------------------------------------
t "a killed backup leaves no partial file"
# RLIMIT_FSIZE kills the backup (SIGXFSZ) once the copy reaches 16 KiB: as
# kill -9, nothing can be done in the process. (The register is held open
# meanwhile, so that its -shm, 32 KiB, exists already and is not the file
# that meets the limit.)
hold 4 "SELECT count(*) FROM sqlite_schema;"
(ulimit -f 16; exec "$CASELOAD_BIN" db backup "$SCRATCH/killed.db" -q) 2>/dev/null
expect_eq "$?" "153" "(exit status: killed by SIGXFSZ)"
wait $holder
[ ! -e "$SCRATCH/killed.db" ] && pass || fail "the killed backup left killed.db ($(stat -c %s "$SCRATCH/killed.db") bytes)"
run db backup "$SCRATCH/killed.db"
expect_status 0
expect_eq "$(sqlite3 "$SCRATCH/killed.db" 'PRAGMA integrity_check')" "ok"
expect_eq "$(find "$SCRATCH" -maxdepth 1 -name '.killed.db.partial-*' | wc -l)" "0" "(partial copies left)"
t "a backup stopped by a signal removes its partial copy"
# Many pages, so that the copy takes long enough to be stopped.
BIG=$SCRATCH/big.db
cp "$DB" "$BIG"
sqlite3 "$BIG" "CREATE TABLE filler (x BLOB); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 6000) INSERT INTO filler SELECT randomblob(4000) FROM n"
stopped=0
for _ in 1 2 3 4 5; do
    rm -f "$SCRATCH/stopped.db"
    "$CASELOAD_BIN" --db "$BIG" db backup "$SCRATCH/stopped.db" -q 2>/dev/null &
    backup=$!
    # Stopped as soon as its file appears (the copy, or the target itself).
    for _ in $(seq 5000); do
        [ -e "$SCRATCH/stopped.db" ] && break
        compgen -G "$SCRATCH/.stopped.db.partial-*" >/dev/null && break
    done
    kill -TERM $backup 2>/dev/null
    wait $backup
    if [ $? -ne 0 ]; then
        stopped=$((stopped + 1))
        [ ! -e "$SCRATCH/stopped.db" ] && pass || fail "a stopped backup left a partial stopped.db"
    fi
done
expect_eq "$(find "$SCRATCH" -maxdepth 1 -name '.stopped.db.partial-*' | wc -l)" "0" "(partial copies left)"
rm -f "$BIG" "$BIG-wal" "$BIG-shm"
[ "$stopped" -ge 1 ] && pass || fail "no backup was stopped mid-way"

# ---------------------------------------------------------------------------
t "files that are not SQLite databases"
mkfifo "$SCRATCH/fifo"
: >"$SCRATCH/empty.db"
printf 'just some text, long enough to be mistaken for a header\n' >"$SCRATCH/text.db"
for f in /dev/null "$SCRATCH/fifo" "$SCRATCH/empty.db" "$SCRATCH/text.db"; do
    CURRENT="not SQLite: $f"
    status=0
    timeout 10 "$CASELOAD_BIN" --db "$f" su list >"$SCRATCH/stdout" 2>"$SCRATCH/stderr" </dev/null || status=$?
    err=$(cat "$SCRATCH/stderr")
    expect_status 3
    expect_err_has "is not an SQLite database"
done
expect_eq "$(ls "$SCRATCH" | grep -c -e '-wal$' -e '-shm$' -e 'fifo-' -e 'empty.db-')" "0" "(files left beside them)"

t "db check on a truncated register leaves no -wal or -shm"
new_register truncated
cp "$DB" "$CASELOAD_DB"
sqlite3 "$CASELOAD_DB" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
truncate -s $(($(stat -c %s "$CASELOAD_DB") / 2)) "$CASELOAD_DB"
rm -f "$CASELOAD_DB-wal" "$CASELOAD_DB-shm"
run db check
expect_status 3
[ ! -e "$CASELOAD_DB-wal" ] && [ ! -e "$CASELOAD_DB-shm" ] && pass ||
    fail "left $(ls "$SCRATCH" | grep truncated | tr '\n' ' ')"
export CASELOAD_DB=$DB

t "an interrupted import leaves no rejects file"
# The input stays open (a FIFO held by this shell) until after the kill, so the
# import is surely mid-read when the signal comes, however loaded the machine.
mkfifo "$SCRATCH/held-input"
for signal in INT TERM; do
    CURRENT="an import stopped with SIG$signal leaves no rejects file"
    rm -f "$SCRATCH/rejects.csv" "$SCRATCH"/.rejects.csv.*
    "$CASELOAD_BIN" su import - --on-error skip --rejects "$SCRATCH/rejects.csv" \
        --confirm-anonymous -q <"$SCRATCH/held-input" >/dev/null 2>&1 &
    importer=$!
    exec 9>"$SCRATCH/held-input"
    printf 'id,service,keyworker\nHOM-K3Q7-0500,HOM,wes\nnot an id!,HOM,wes\n' >&9
    # The rejects file is written under a temporary name from the start.
    for _ in $(seq 400); do compgen -G "$SCRATCH/.rejects.csv.*" >/dev/null && break; sleep 0.05; done
    sleep 0.3
    kill -"$signal" "$importer"
    wait $importer 2>/dev/null
    exec 9>&-
    if [ -e "$SCRATCH/rejects.csv" ]; then
        fail "the rejects file is left ($(wc -l <"$SCRATCH/rejects.csv") lines)"
    elif compgen -G "$SCRATCH/.rejects.csv.*" >/dev/null; then
        fail "the temporary rejects file is left: $(ls -a "$SCRATCH" | grep rejects)"
    else
        pass
    fi
done

t "--wait takes a number of seconds"
for w in nan inf -1 1e999 abc; do
    CURRENT="--wait $w"
    run --wait "$w" su list
    expect_status 2
    expect_err_has "--wait"
done
run --wait 0.5 su list -q
expect_status 0

# ---------------------------------------------------------------------------
t "C1 and bidi controls are refused in stored text"
refused 3 "a C1 control character (U+009B)" staff add c1 --name $'Eve\u009b2J' --worker HOM
refused 3 "a bidirectional control character (U+202E)" staff add bidi --name $'Eve\u202eevE' --worker HOM
refused 3 "a bidirectional control character (U+2066)" service add ISO --name $'Hostel\u2066' --star homelessness
refused 3 "a bidirectional control character (U+202A)" words add oakwood --kind name --reason $'\u202ahidden'
refused 3 "a C1 control character (U+0085)" org pattern 'HOM-[0-9]{4}' --description $'HOM-\u0085 four digits'
printf 'code = bidi-star\nname = Bidi\nneed housing = \xe2\x80\xaeHousing\n' >"$SCRATCH/bidi.star"
refused 3 "bidirectional control character (U+202E)" star add "$SCRATCH/bidi.star"
run staff add acute --name 'Zoë Å' --worker HOM -q
expect_status 0

t "control characters are escaped on a terminal in every format"
# A hostile register: written behind caseload's back with sqlite3.
sql "UPDATE staff SET name = 'Wes' || char(27) || '[2J' || char(155) || char(8238) WHERE username = 'wes'"
on_terminal() { script -qec "$*" /dev/null </dev/null; }
for format in csv tsv json jsonl; do
    CURRENT="on a terminal: --format $format"
    out=$(on_terminal "'$CASELOAD_BIN' staff list --format $format")
    if printf '%s' "$out" | LC_ALL=C grep -qaP '\x1b|\xc2\x9b|\xe2\x80\xae'; then
        fail "a raw control character reached the terminal"
    else
        pass
    fi
done
CURRENT="not on a terminal, csv keeps the bytes"
run staff list --format csv
printf '%s' "$out" | LC_ALL=C grep -qaP '\x1b\[2J\xc2\x9b\xe2\x80\xae' && pass || fail "csv to a pipe was changed"
sql "UPDATE staff SET name = 'Wes' WHERE username = 'wes'"

t "CSV cells that a spreadsheet would run are neutralised"
sql "UPDATE service SET name = '=HYPERLINK(\"http://x\",\"y\")' WHERE code = 'HOM'"
sql "UPDATE service SET name = '-2+3' WHERE code = 'REC'"
run service list --format csv
expect_out_has "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""
expect_out_has "'-2+3"
run service list --format json
expect_out_has '"=HYPERLINK('
sql "UPDATE service SET name = 'Hostel' WHERE code = 'HOM'; UPDATE service SET name = 'Recovery' WHERE code = 'REC'"

# ---------------------------------------------------------------------------
t "a register others may read is warned about and reported"
chmod 644 "$DB"
run --as wes su list
expect_status 0
expect_err_has "others may read the register's files: $DB (mode 0644)"
expect_err_has "chmod o-rwx"
run db check
expect_status 3
expect_out_has "permissions"
chmod 600 "$DB" "$DB-wal" "$DB-shm" 2>/dev/null
run --as wes su list
expect_err_lacks "others may read"

# As another login (root ignores file permissions): setpriv to uid 65534.
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null && getent passwd 65534 >/dev/null; then
    nobody=$(getent passwd 65534 | cut -d: -f1)
    as_nobody() {
        setpriv --reuid=65534 --regid=65534 --clear-groups "$CASELOAD_BIN" "$@" \
            >"$SCRATCH/stdout" 2>"$SCRATCH/stderr" </dev/null
        status=$?
        out=$(cat "$SCRATCH/stdout")
        err=$(cat "$SCRATCH/stderr")
    }
    chmod 755 "$SCRATCH"
    t "a register in a directory you may not enter"
    mkdir -m 700 "$SCRATCH/locked"
    cp "$DB" "$SCRATCH/locked/register.db"
    as_nobody --db "$SCRATCH/locked/register.db" su list
    expect_status 6
    expect_err_has "you may not enter the directory $SCRATCH/locked"
    t "a stale -shm file another login left read-only"
    mkdir -m 777 "$SCRATCH/shared"
    cp "$DB" "$SCRATCH/shared/register.db"
    cl --db "$SCRATCH/shared/register.db" staff add nob --name "Nob" --login "$nobody" --worker HOM -q
    chmod 666 "$SCRATCH/shared/register.db"
    rm -f "$SCRATCH/shared/register.db-wal" "$SCRATCH/shared/register.db-shm"
    : >"$SCRATCH/shared/register.db-shm"
    chmod 644 "$SCRATCH/shared/register.db-shm"
    as_nobody --db "$SCRATCH/shared/register.db" --as nob su add HOM-K3Q7-0600 --confirm-anonymous
    expect_status 6
    expect_err_has "shared-memory file $SCRATCH/shared/register.db-shm is read-only for you"
    chmod 700 "$SCRATCH"
else
    echo "faults: skipped the tests as another login: not root, or no setpriv or uid 65534" >&2
fi

# ---------------------------------------------------------------------------
# A small filesystem of its own (root, and a sandbox that allows mount).
MNT="$SCRATCH/mnt"
mkdir -p "$MNT"
if [ "$(id -u)" -eq 0 ] && mount -t tmpfs -o size=2m tmpfs "$MNT" 2>/dev/null; then
    trap 'umount "$MNT" 2>/dev/null' EXIT
    t "a read-only filesystem is named"
    cp "$DB" "$MNT/register.db"
    mount -o remount,ro "$MNT"
    run --db "$MNT/register.db" su list
    expect_status 6
    expect_err_has "is on a read-only filesystem"
    expect_err_lacks "the login that owns it"
    mount -o remount,rw "$MNT"
    t "a full disk is named as such"
    rm -f "$MNT"/register.db*
    cp "$DB" "$MNT/register.db"
    # Fill the rest of the filesystem (ENOSPC, as a real disk full).
    dd if=/dev/zero of="$MNT/filler" bs=4k status=none 2>/dev/null
    run --db "$MNT/register.db" --as wes su list
    expect_status 1
    expect_err_has "the disk holding $MNT/register.db is full"
    expect_err_lacks "report it"
    run --db "$MNT/register.db" --as wes su add HOM-K3Q7-0400 --confirm-anonymous
    expect_status 1
    expect_err_has "is full"
    rm -f "$MNT/filler"
    run --db "$MNT/register.db" --as wes su add HOM-K3Q7-0400 --confirm-anonymous
    expect_status 0
    umount "$MNT"
    trap - EXIT
else
    echo "faults: skipped the full-disk and read-only filesystem tests: cannot mount a tmpfs" >&2
fi

t "after all of it the register is whole"
run db check
expect_status 0

finish
