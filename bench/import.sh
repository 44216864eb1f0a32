#!/usr/bin/env bash
# Bulk-import benchmark (spec §9, issue 5). Makes a deterministic CSV of
# service users over 2 services and 20 keyworkers, then times, in one run:
#   - sqlite3's own `.import --csv` of the file into a plain, un-indexed table
#     of a fresh file database (the baseline), and
#   - `caseload su import` of the same file into a fresh register (every row
#     checked by the rules of su add, the register's indexes kept),
# and prints both wall times, the ratio and caseload's peak RSS, measured with
# /usr/bin/time -v. Targets: ratio <= 1.0 and peak RSS <= 256 MB. It also
# prints where caseload's time goes and the floor: the sqlite3 shell itself
# writing the already-checked rows into the register's schema.
#
#   bench/import.sh [ROWS]          ROWS defaults to 1,000,000
#   CASELOAD_BIN=path/to/caseload   defaults to build/caseload
#   KEEP=1                          keep the scratch directory
set -euo pipefail
ROWS=${1:-1000000}
HERE=$(cd "$(dirname "$0")" && pwd)
BIN=${CASELOAD_BIN:-$HERE/../build/caseload}
[ -x "$BIN" ] || { echo "bench: no caseload binary at $BIN (build first, or set CASELOAD_BIN)" >&2; exit 2; }
for tool in sqlite3 awk /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is missing (tools/setup.sh installs it)" >&2; exit 2; }
done
WORK=$(mktemp -d "${TMPDIR:-/tmp}/caseload-bench.XXXXXX")
[ "${KEEP:-}" = 1 ] || trap 'rm -rf "$WORK"' EXIT

# The rows: IDs are the service code and 7 digits in a scrambled order (the
# file is not sorted by ID), which the guard accepts: HOM and REC are service
# codes, and a 7-digit run is neither a date nor a year. Half the rows have a
# date of birth, half an age band; 0 to 3 needs of the service's Star.
# A Park-Miller generator with a fixed seed makes the same file everywhere.
echo "bench: generating $ROWS rows..." >&2
awk -v rows="$ROWS" '
function rnd(n) { seed = (seed * 48271) % 2147483647; return seed % n }
BEGIN {
    seed = 20261126
    split("self-care money social-networks substance-use physical-health mental-health " \
          "meaningful-use-of-time accommodation offending rough-sleeping", hom, " ")
    split("drug-use alcohol-use physical-health mental-health housing relationships offending " \
          "work-and-learning identity-and-self-esteem trust-and-hope", rec, " ")
    split("female male non-binary self-described prefer-not-to-say", genders, " ")
    split("asian-bangladeshi asian-chinese asian-indian asian-pakistani asian-other " \
          "black-african black-caribbean black-other mixed-white-asian mixed-white-black-african " \
          "mixed-white-black-caribbean mixed-other white-british white-irish " \
          "white-gypsy-irish-traveller white-roma white-other arab other prefer-not-to-say", eths, " ")
    split("under-18 18-24 25-34 35-44 45-54 55-64 65-74 75-plus unknown", bands, " ")
    print "id,service,keyworker,date_of_birth,age_band,gender,ethnicity,needs"
    for (i = 0; i < rows; i++) {
        num = (i * 7368787 + 1234567) % 10000000   # a bijection on 7 digits
        if (rnd(2) == 0) { svc = "HOM"; kw = sprintf("hw%02d", rnd(10) + 1) }
        else             { svc = "REC"; kw = sprintf("rw%02d", rnd(10) + 1) }
        dob = ""; band = ""
        if (rnd(2) == 0) dob = sprintf("%04d-%02d-%02d", 1950 + rnd(55), rnd(12) + 1, rnd(28) + 1)
        else band = bands[rnd(9) + 1]
        k = rnd(4); needs = ""; used = ""
        for (j = 0; j < k; j++) {
            x = rnd(10) + 1
            if (index(used, "," x ",")) continue
            used = used "," x ","
            needs = needs (needs == "" ? "" : ";") (svc == "HOM" ? hom[x] : rec[x])
        }
        printf "%s-%07d,%s,%s,%s,%s,%s,%s,%s\n", svc, num, svc, kw, dob, band,
               genders[rnd(5) + 1], eths[rnd(20) + 1], needs
    }
}' >"$WORK/users.csv"

# A fresh register: the lead 'bench' is this login; 10 workers in each service.
export CASELOAD_DB="$WORK/register.db"
"$BIN" init --organisation "Bench Org" --lead bench -q
"$BIN" service add HOM --name Hostel --star homelessness -q
"$BIN" service add REC --name Recovery --star recovery -q
for n in 01 02 03 04 05 06 07 08 09 10; do
    "$BIN" staff add "hw$n" --name "Hostel worker $n" --worker HOM -q
    "$BIN" staff add "rw$n" --name "Recovery worker $n" --worker REC -q
done

# Same starting point for both: the file in the page cache, no dirty pages.
cat "$WORK/users.csv" >/dev/null
sync

# /usr/bin/time -v: wall clock as [h:]mm:ss.ss, peak RSS in KB.
wall_seconds() {
    awk -F': ' '/Elapsed \(wall clock\)/ {
        n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$1"
}
peak_kb() { awk -F': ' '/Maximum resident set size/ { print $2 }' "$1"; }

echo "bench: sqlite3 .import --csv into a plain table..." >&2
/usr/bin/time -v -o "$WORK/sqlite3.time" \
    sqlite3 "$WORK/plain.db" ".import --csv $WORK/users.csv users"
sync
echo "bench: caseload su import..." >&2
CASELOAD_IMPORT_TIMING=1 /usr/bin/time -v -o "$WORK/caseload.time" \
    "$BIN" su import "$WORK/users.csv" --confirm-anonymous 2>"$WORK/caseload.err"
grep -v '^timing:' "$WORK/caseload.err" >&2 || true

plain_rows=$(sqlite3 "$WORK/plain.db" "SELECT count(*) FROM users")
register_rows=$(sqlite3 "$CASELOAD_DB" "SELECT count(*) FROM service_user")
[ "$plain_rows" = "$ROWS" ] || { echo "bench: sqlite3 loaded $plain_rows rows, not $ROWS" >&2; exit 1; }
[ "$register_rows" = "$ROWS" ] || { echo "bench: caseload added $register_rows rows, not $ROWS" >&2; exit 1; }

# The write floor: the sqlite3 shell itself, given the rows already checked
# and in ID order (a staging table of exactly what caseload wrote), loading
# them into a second fresh register with the register's schema and settings
# (WAL, its indexes, su_need), with no checking at all. If this alone is
# slower than the plain .import, no amount of faster checking reaches 1.0.
echo "bench: the floor: sqlite3 writing the checked rows into the register's schema..." >&2
sqlite3 "$WORK/staging.db" "ATTACH '$CASELOAD_DB' AS r;
    CREATE TABLE su AS SELECT uid, service_id, keyworker_id, date_of_birth, age_band, gender,
        ethnicity, created_at, updated_at, created_event FROM r.service_user ORDER BY id;
    CREATE TABLE need AS SELECT su_id, need_id FROM r.su_need ORDER BY su_id, need_id;"
floor_db="$WORK/floor.db"
CASELOAD_DB="$floor_db" "$BIN" init --organisation "Bench Org" --lead bench -q
CASELOAD_DB="$floor_db" "$BIN" service add HOM --name Hostel --star homelessness -q
CASELOAD_DB="$floor_db" "$BIN" service add REC --name Recovery --star recovery -q
for n in 01 02 03 04 05 06 07 08 09 10; do
    CASELOAD_DB="$floor_db" "$BIN" staff add "hw$n" --name "Hostel worker $n" --worker HOM -q
    CASELOAD_DB="$floor_db" "$BIN" staff add "rw$n" --name "Recovery worker $n" --worker REC -q
done
cat "$WORK/staging.db" >/dev/null
sync
# Keys: the staging rows are in key order, and this register's keys start at 1 too.
/usr/bin/time -v -o "$WORK/floor.time" sqlite3 "$floor_db" "PRAGMA foreign_keys = OFF;
    PRAGMA cache_size = -65536; ATTACH '$WORK/staging.db' AS s; BEGIN IMMEDIATE;
    INSERT INTO service_user (uid, service_id, keyworker_id, date_of_birth, age_band, gender,
        ethnicity, created_at, updated_at, created_event) SELECT * FROM s.su ORDER BY rowid;
    INSERT INTO su_need (su_id, need_id) SELECT su_id, need_id FROM s.need;
    COMMIT;" >/dev/null
floor_rows=$(sqlite3 "$floor_db" "SELECT count(*) FROM service_user")
[ "$floor_rows" = "$ROWS" ] || { echo "bench: the floor loaded $floor_rows rows, not $ROWS" >&2; exit 1; }

sqlite_s=$(wall_seconds "$WORK/sqlite3.time")
floor_s=$(wall_seconds "$WORK/floor.time")
# caseload's own SQLite phases (writing the rows, then the commit).
write_s=$(awk '/^timing: (insert|commit) / { s += $3 } END { printf "%.2f", s }' "$WORK/caseload.err")
check_s=$(awk '/^timing: / && $2 != "insert" && $2 != "commit" { s += $3 } END { printf "%.2f", s }' "$WORK/caseload.err")
caseload_s=$(wall_seconds "$WORK/caseload.time")
rss_kb=$(peak_kb "$WORK/caseload.time")
awk -v rows="$ROWS" -v bytes="$(stat -c %s "$WORK/users.csv")" -v a="$sqlite_s" -v b="$caseload_s" \
    -v rss="$rss_kb" -v cpus="$(nproc)" -v check="$check_s" -v write="$write_s" -v floor="$floor_s" 'BEGIN {
    ratio = b / a; mb = rss / 1024
    printf "rows                      %d (%.1f MB of CSV, %d CPUs)\n", rows, bytes / 1048576, cpus
    printf "sqlite3 .import (plain)   %.2f s\n", a
    printf "caseload su import        %.2f s\n", b
    printf "ratio                     %.2f   (target <= 1.00: %s)\n", ratio, ratio <= 1.0 ? "met" : "NOT met"
    printf "caseload peak RSS         %.0f MB (target <= 256 MB: %s)\n", mb, mb <= 256 ? "met" : "NOT met"
    printf "  of which reading, checking and ordering  %.2f s\n", check
    printf "  of which writing and committing          %.2f s (%.2f x the plain .import)\n", write, write / a
    printf "the floor: sqlite3 writing the checked rows into the register schema  %.2f s (%.2f x the plain .import)\n", floor, floor / a
}'
