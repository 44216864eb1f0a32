#!/usr/bin/env bash
# Bulk-import benchmark (spec §9, issues 5 and 19).
#
#   bench/import.sh [ROWS]          one size; ROWS defaults to 1,000,000
#   bench/import.sh sweep           100k, 1M, 3M and 5M rows, then the spread of s/M
#   bench/import.sh 100000,1000000  the sizes given, then the spread of s/M
#   RUNS=N                          runs per size (default 1), in rounds: each round
#                                   runs every size once; the medians are printed
#   CASELOAD_BIN=path/to/caseload   defaults to build/caseload
#   EXTRA_INDEX=1                   both registers get, by hand, the indexes of
#                                   migration 7->8 (issue 19: (keyworker_id, status, uid)
#                                   instead of (keyworker_id, status), and
#                                   (service_id, status, uid)): their cost, before the merge
#   FLOOR_ORDERS=1                  also time the floor with the rows in windows of
#                                   262,144 and in file order (the cost of writing
#                                   before the whole file is checked)
#   KEEP=1                          keep the scratch directory
#
# Per size it makes a deterministic CSV of service users over 2 services and
# 20 keyworkers, then times, each run:
#   - sqlite3's own `.import --csv` of the file into a plain, un-indexed table;
#   - `caseload su import` of the file into a fresh register;
#   - the floor: sqlite3 loading the rows caseload wrote (already checked, in
#     case-folded ID order) into a copy of the same fresh register: the
#     register's own schema as the binary's `init` made it (so it follows
#     every migration), the same columns, one transaction, foreign keys off and
#     a 64 MB page cache, as caseload's write has.
# It prints wall seconds, CPU seconds (user+sys: less sensitive to a loaded
# machine), peak RSS, the ratios to the floor and to .import, seconds per
# million rows (caseload's wall and CPU, and the floor's wall: the spread of
# each is printed after a sweep), and the load average. Targets (issue 19): peak RSS <= 256 MB,
# <= 1.15 x the floor at 1M and 3M rows, s/M within 20% from 100k to 5M.
#
# Figures, 2 CPUs, RelWithDebInfo, the import as on main at a18e4dd; measured
# on 2026-12-03 UNDER LOAD (other builds running; load average 3-7), so the
# ratios are rough; CPU ratios (user+sys) are the less load-sensitive ones.
#   RUNS=3 bench/import.sh sweep (medians):
#   rows   .import caseload  floor ÷floor ÷.import  s/M   RSS MB  cpu÷floor  load
#   100k     0.43    0.80    0.60   1.33    1.86    8.00     39     1.65     5.8
#   1M       4.67    9.32    7.25   1.29    2.00    9.32    190     1.45     5.9
#   3M      14.36   28.41   20.79   1.37    1.98    9.47    560     1.66     6.8
#   5M      23.68   49.50   31.93   1.55    2.09    9.90    914     1.41     6.9
#   s/M spread 24%. Peak RSS grows ~180 MB per million rows (the whole file in memory).
#   FLOOR_ORDERS=1 EXTRA_INDEX=1 bench/import.sh 3000000 (load 4.6): the floor
#   with rows in windows of 262,144 costs 1.79x the ID-order floor in CPU (2.19x
#   wall); in file order 6.1x CPU. So a write that starts before the whole file
#   is checked loses more than the 1.15 budget once migration 7->8's indexes exist.
#   EXTRA_INDEX=1 at 1M (RUNS=3, load 3.3): caseload +11% wall, +12% CPU.
#
# The streaming import (issue 19, branch import-19c: two passes, the check
# beside the write, memory bounded), 2026-12-03, UNDER LOAD (other helpers'
# builds and benches), new and old (main) binaries alternated:
#   bench/import.sh sweep (RUNS=1, load 4.1-4.6):
#   rows   .import caseload  floor ÷floor ÷.import  s/M   RSS MB  cpu÷floor  load
#   100k     0.33    0.85    0.53   1.60    2.58    8.50     47     1.77     4.1
#   1M       3.02    8.34    4.75   1.76    2.76    8.34    149     1.61     4.5
#   3M       7.48   20.30   17.58   1.15    2.71    6.77    145     1.43     4.6
#   5M      13.76   39.70   36.45   1.09    2.89    7.94    128     1.52     2.0
#   s/M spread 26%. Peak RSS 128-149 MB from 1M to 5M (was 190/560/914).
#   RUNS=3 bench/import.sh 1000000, load 1.3-1.7: new 5.76 s, floor 4.63 s:
#   1.24x (CPU 1.53x), 149 MB; old right after: 5.59 s, floor 4.97 s: 1.12x
#   (CPU 1.23x), 191 MB. bench/import.sh 3000000, load 1.6-3.0: new 28.30 s,
#   floor 20.96 s: 1.35x (CPU 1.50x), 145 MB; old: 20.53 s, floor 17.07 s: 1.20x
#   (CPU 1.29x), 560 MB. By hand at 3M, load ~3, one run each: new 19.65 s and
#   21.81 s, old 21.16 s. Under load the two threads of the new write (insert
#   and check) compete with other processes; the write waited for the check
#   only 0.01-0.03 s a run (CASELOAD_IMPORT_TIMING=1), so on a quiet machine
#   the wall time should be about scan (0.4-0.5 s/M) + the insert + commit.
#   Its CPU is about the old one's plus the second pass (~0.5 s/M): cpu÷floor
#   stays near 1.5 by design. Not yet measured quiet.
#
# Issue 19, branch import-19f (2026-12-03, UNDER LOAD: other helpers' builds and
# tests, load 3-8; the lead re-runs quiet). Pass 2 no longer reads each row from
# the input (one pread a row, ~37% of the checker's CPU): the rows' bytes travel
# with their keys in the sorted runs (spilled as key+bytes in key order when the
# input passes 48 MB; runs in memory rearranged in key order); a checked batch is
# swapped into the write's table, not copied. New (n) and old (main, o) alternated:
#   RUNS=3 bench/import.sh 1000000: n 12.52 s / floor 7.44: 1.68 (cpu 1.71), 153 MB,
#     load 6.0; o 14.54 / 8.32: 1.75 (cpu 1.77), 157 MB, load 8.5.
#   RUNS=3 bench/import.sh 3000000: n 25.26 / 16.33: 1.55 (cpu 1.60), 161 MB, load
#     6.7; o 27.76 / 15.83: 1.75 (cpu 1.79), 149 MB, load 5.2.
#   By hand, 1M, 6 pairs (load 5-7): process CPU o 7.4-8.4 s, n 6.8-7.4 s; sys
#     o 1.5-2.0, n 0.9-1.1; the insert phase's CPU o 5.7-7.1, n 5.5-6.1. 3M, 2
#     pairs: CPU o 24.1/23.3, n 21.8/19.9 (sys o 6.2/5.7, n 2.9/2.9).
#   bench/import.sh sweep (n, RUNS=1, load 2.9-4.2): ratio 1.50 (100k), 1.43 (1M),
#     1.37 (3M), 1.25 (5M); s/M 8.10, 8.03, 5.97, 6.12 (spread 36%, the small
#     sizes ran at the higher load); peak RSS 56, 153, 161, 164 MB.
# The s/M spread (issue 19): a larger page cache does not flatten it. The floor
# at 1M/3M with a 64 MB and a 160 MB cache (one run each, load 4.5-7): CPU 3.78
# and 4.37 s (1M), 11.89 and 11.12 s (3M); caseload with 160 MB peaks at 274 MB
# (1M) and 281 MB (3M), past the 256 MB budget. perf of the floor at 3M: SQLite's
# WAL-index look-ups (sqlite3WalFindFrame) are 1.5% of the samples; the floor's
# user time is flat (~3.3-3.5 s/M at 1M and 3M) and what grows is kernel time
# (0.7-0.9 s/M at 1M, 0.7-1.9 s/M at 3M: copying the WAL and database pages into
# the page cache, zeroing fresh pages), which also varies most from run to run.
# Fixed costs are small: a 10-row import takes 0.04 s (0.02 s of it the commit's
# fsyncs); 100k rows: scan 0.07 s, insert 0.56 s, commit 0.13 s.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
BIN=${CASELOAD_BIN:-$HERE/../build/caseload}
RUNS=${RUNS:-1}
[ -x "$BIN" ] || { echo "bench: no caseload binary at $BIN (build first, or set CASELOAD_BIN)" >&2; exit 2; }
for tool in sqlite3 awk /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is missing (tools/setup.sh installs it)" >&2; exit 2; }
done
case "${1:-1000000}" in
    sweep) SIZES="100000 1000000 3000000 5000000" ;;
    *[!0-9,]* | '' | ,* | *, | *,,*) echo "bench: usage: bench/import.sh [ROWS[,ROWS...] | sweep]" >&2; exit 2 ;;
    *) SIZES=$(echo "${1:-1000000}" | tr ',' ' ') ;;
esac
# ROOT holds a directory per size; WORK is the one in use.
ROOT=$(mktemp -d "${TMPDIR:-/tmp}/caseload-bench.XXXXXX")
WORK=$ROOT
[ "${KEEP:-}" = 1 ] || trap 'rm -rf "$ROOT"' EXIT

# The rows: IDs are the service code and 7 digits in a scrambled order (the
# file is not sorted by ID), which the guard accepts: HOM and REC are service
# codes, and a 7-digit run is neither a date nor a year. Half the rows have a
# date of birth, half an age band; 0 to 3 needs of the service's Star.
# A Park-Miller generator with a fixed seed makes the same file everywhere.
generate() {
    awk -v rows="$1" '
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
}'
}

# A fresh register, made once by the binary: the lead 'bench' is this login;
# 10 workers in each service. Every run copies it, for caseload and the floor.
make_template() {
    local db="$WORK/template.db"
    CASELOAD_DB="$db" "$BIN" init --organisation "Bench Org" --lead bench -q
    CASELOAD_DB="$db" "$BIN" service add HOM --name Hostel --star homelessness -q
    CASELOAD_DB="$db" "$BIN" service add REC --name Recovery --star recovery -q
    for n in 01 02 03 04 05 06 07 08 09 10; do
        CASELOAD_DB="$db" "$BIN" staff add "hw$n" --name "Hostel worker $n" --worker HOM -q
        CASELOAD_DB="$db" "$BIN" staff add "rw$n" --name "Recovery worker $n" --worker REC -q
    done
    if [ "${EXTRA_INDEX:-}" = 1 ]; then
        sqlite3 "$db" "DROP INDEX IF EXISTS service_user_keyworker;
            CREATE INDEX IF NOT EXISTS bench_su_keyworker_uid ON service_user(keyworker_id, status, uid);
            CREATE INDEX IF NOT EXISTS bench_su_service_uid ON service_user(service_id, status, uid);"
    fi
    sqlite3 "$db" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
}
fresh_copy() { rm -f "$1" "$1-wal" "$1-shm"; cp "$WORK/template.db" "$1"; }

# /usr/bin/time: "wall user sys maxrss_kb" in a file.
timed() { local out=$1; shift; /usr/bin/time -f "%e %U %S %M" -o "$out" "$@"; }

# The floor's input: exactly the rows caseload wrote, in case-folded ID order,
# with their needs keyed by the rowid they get in the floor's register, and
# each row's place in the file (fpos). FLOOR_ORDERS=1 also stages the rows in
# windows of 262,144 (file order between windows, ID order within: what a
# write that overlaps the check can do) and in file order.
stage_order() {  # name, ORDER BY
    sqlite3 "$WORK/staging.db" "ATTACH '$WORK/register.db' AS r;
        CREATE TABLE su_$1 AS SELECT * FROM su_id ORDER BY $2;
        CREATE INDEX su_$1_old ON su_$1(old);
        CREATE TABLE need_$1 AS SELECT su.rowid AS su_id, n.need_id FROM r.su_need n
            JOIN su_$1 su ON su.old = n.su_id ORDER BY 1, 2;"
}
make_staging() {
    rm -f "$WORK/staging.db"
    sqlite3 "$WORK/staging.db" "ATTACH '$WORK/register.db' AS r; ATTACH '$WORK/plain.db' AS p;
        CREATE TABLE su_id AS SELECT s.uid, s.service_id, s.keyworker_id, s.date_of_birth,
            s.age_band, s.gender, s.ethnicity, s.created_at, s.updated_at, s.created_event,
            s.started_on, s.id AS old, u.rowid AS fpos
            FROM r.service_user s JOIN p.users u ON s.uid = u.id ORDER BY s.uid COLLATE NOCASE;
        CREATE INDEX su_id_old ON su_id(old);
        CREATE TABLE need_id AS SELECT su.rowid AS su_id, n.need_id FROM r.su_need n
            JOIN su_id su ON su.old = n.su_id ORDER BY 1, 2;"
    if [ "${FLOOR_ORDERS:-}" = 1 ]; then
        stage_order window "(fpos - 1) / 262144, rowid"
        stage_order file "fpos"
    fi
}

floor_load() {  # the staged order, the time file
    fresh_copy "$WORK/floor.db"
    cat "$WORK/staging.db" >/dev/null
    sync
    timed "$2" sqlite3 "$WORK/floor.db" "PRAGMA foreign_keys = OFF;
        PRAGMA cache_size = -65536; ATTACH '$WORK/staging.db' AS s; BEGIN IMMEDIATE;
        INSERT INTO service_user (uid, service_id, keyworker_id, date_of_birth, age_band, gender,
            ethnicity, created_at, updated_at, created_event, started_on)
            SELECT uid, service_id, keyworker_id, date_of_birth, age_band, gender, ethnicity,
            created_at, updated_at, created_event, started_on FROM s.su_$1 ORDER BY rowid;
        INSERT INTO su_need (su_id, need_id) SELECT su_id, need_id FROM s.need_$1 ORDER BY rowid;
        COMMIT;" >/dev/null
    local got
    got=$(sqlite3 "$WORK/floor.db" "SELECT count(*) FROM service_user")
    [ "$got" = "$ROWS" ] || { echo "bench: the floor loaded $got rows, not $ROWS" >&2; exit 1; }
}

run_once() {  # rows run
    local rows=$1 i=$2
    rm -f "$WORK/plain.db"
    sync
    timed "$WORK/sqlite3.$i" sqlite3 "$WORK/plain.db" ".import --csv $WORK/users.csv users"
    fresh_copy "$WORK/register.db"
    sync
    CASELOAD_IMPORT_TIMING=1 CASELOAD_DB="$WORK/register.db" timed "$WORK/caseload.$i" \
        "$BIN" su import "$WORK/users.csv" --confirm-anonymous 2>"$WORK/caseload.err.$i"
    grep -v '^timing:' "$WORK/caseload.err.$i" >&2 || true
    local got
    got=$(sqlite3 "$WORK/register.db" "SELECT count(*) FROM service_user")
    [ "$got" = "$rows" ] || { echo "bench: caseload added $got rows, not $rows" >&2; exit 1; }
    [ -f "$WORK/staging.db" ] || make_staging
    floor_load id "$WORK/floor.$i"
    if [ "${FLOOR_ORDERS:-}" = 1 ]; then
        floor_load window "$WORK/window.$i"
        floor_load file "$WORK/file.$i"
    fi
}

# The median of the numbers on stdin.
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
field() {  # tool field(1 wall, 2 user, 3 sys, 4 rss, 5 cpu)
    for i in $(seq 1 "$RUNS"); do
        awk -v f="$2" '{ print f == 5 ? $2 + $3 : $f }' "$WORK/$1.$i"
    done | median
}

printf '%-8s %8s %8s %8s %7s %8s %6s %6s %8s %8s %7s %7s  %s\n' rows '.import' caseload floor '÷floor' '÷.import' 's/M' 'RSS' 'cpu÷fl' 'cpu÷imp' 'cpu s/M' 'fl s/M' 'load (1 5 15 min)'
SUMMARY=$WORK/summary
: >"$SUMMARY"
# Every size's files first, then the runs in rounds (each round runs every
# size once, smallest first): the machine's speed drifts by a third within an
# hour here, and a sweep that ran all of one size before the next measured
# each size in a different hour (issue 19's s/M spread).
for ROWS in $SIZES; do
    WORK=$ROOT/$ROWS
    mkdir -p "$WORK"
    echo "bench: $ROWS rows: generating" >&2
    generate "$ROWS" >"$WORK/users.csv"
    make_template
done
for i in $(seq 1 "$RUNS"); do
    for ROWS in $SIZES; do
        WORK=$ROOT/$ROWS
        echo "bench: $ROWS rows: run $i of $RUNS" >&2
        [ "$i" = 1 ] && cut -d' ' -f1-3 /proc/loadavg >"$WORK/load"
        run_once "$ROWS" "$i"
    done
done
for ROWS in $SIZES; do
    WORK=$ROOT/$ROWS
    load=$(cat "$WORK/load")
    [ "$RUNS" = 1 ] && sed 's/^/  /' "$WORK/caseload.err.1" >&2
    awk -v rows="$ROWS" -v a="$(field sqlite3 1)" -v b="$(field caseload 1)" -v f="$(field floor 1)" \
        -v rss="$(field caseload 4)" -v ca="$(field sqlite3 5)" -v cb="$(field caseload 5)" \
        -v cf="$(field floor 5)" -v load="$load" 'BEGIN {
        printf "%-8d %8.2f %8.2f %8.2f %7.2f %8.2f %6.2f %6.0f %8.2f %8.2f %7.2f %7.2f  %s\n",
            rows, a, b, f, b / f, b / a, b / rows * 1e6, rss / 1024, cb / cf, cb / ca,
            cb / rows * 1e6, f / rows * 1e6, load
    }' | tee -a "$SUMMARY"
    if [ "${FLOOR_ORDERS:-}" = 1 ]; then
        awk -v f="$(field floor 1)" -v w="$(field window 1)" -v x="$(field file 1)" \
            -v cf="$(field floor 5)" -v cw="$(field window 5)" -v cx="$(field file 5)" 'BEGIN {
            printf "  the floor with the rows in windows of 262,144: %.2f s (%.2f x; cpu %.2f x)\n", w, w / f, cw / cf
            printf "  the floor with the rows in file order:         %.2f s (%.2f x; cpu %.2f x)\n", x, x / f, cx / cf
        }'
    fi
    rm -f "$WORK/staging.db"
done
WORK=$ROOT
if [ "$(wc -l <"$SUMMARY")" -gt 1 ]; then
    # The target is caseload's wall s/M; beside it, for judging it, caseload's
    # CPU (user+sys) s/M and the floor's own wall s/M (SQLite alone).
    spread() {  # column, label
        awk -v c="$1" -v label="$2" '{ s = $c; if (min == "" || s < min) min = s; if (s > max) max = s }
            END { printf "%s from %.2f to %.2f: spread %.0f%%\n", label, min, max, (max - min) / min * 100 }' "$SUMMARY"
    }
    spread 7 "s/M" | sed 's/$/ (target <= 20%)/'
    spread 11 "cpu s/M"
    spread 12 "floor s/M"
fi
