#!/usr/bin/env bash
# Shared helpers of the bench scripts (sourced, not run).
#
#   bench_register BIN DB ROWS   a deterministic register of ROWS service users
#                                (BENCH_SERVICES services of BENCH_WORKERS workers
#                                and one manager each), made by BIN's init,
#                                service add and staff add, the rows by SQL
#   bench_plain DB PLAIN         the same rows in a plain table (names, no keys,
#                                no indexes), for the GROUP BY baselines
#   bench_load                   the load averages, for the figures
#   bench_cores                  the core count
#
# The rows do not depend on the binary: the same ROWS give the same register.
# A register kept in BENCH_DIR is reused when it has the rows asked for.

bench_need() {
    local tool
    for tool in "$@"; do
        command -v "$tool" >/dev/null || { echo "bench: $tool is needed" >&2; exit 2; }
    done
}

bench_load() { cut -d' ' -f1-3 /proc/loadavg; }
bench_cores() { nproc; }

# The register's schema version (PRAGMA user_version).
bench_schema() { sqlite3 "$1" 'PRAGMA user_version'; }

bench_register() {
    local bin=$1 db=$2 rows=$3
    local services=${BENCH_SERVICES:-10} workers=${BENCH_WORKERS:-10}
    if [ -f "$db" ] && [ "$(sqlite3 "$db" 'SELECT count(*) FROM service_user' 2>/dev/null)" = "$rows" ]; then
        echo "bench: reusing $db ($rows service users)" >&2
        return 0
    fi
    rm -f "$db" "$db-wal" "$db-shm"
    echo "bench: building a register of $rows service users ($services services, $((services * workers)) keyworkers) at $db" >&2
    local start s w code
    start=$(date +%s)
    local stars=(homelessness recovery family work)
    CASELOAD_DB=$db "$bin" init --organisation "Bench" --lead boss -q
    for s in $(seq 1 "$services"); do
        code=$(printf 'S%02d' "$s")
        CASELOAD_DB=$db "$bin" --as boss service add "$code" --name "Service $s" --star "${stars[$(((s - 1) % 4))]}" -q
        for w in $(seq 1 "$workers"); do
            CASELOAD_DB=$db "$bin" --as boss staff add "$(printf 'kw%02d%02d' "$s" "$w")" --name "Worker $s.$w" --worker "$code" -q
        done
        CASELOAD_DB=$db "$bin" --as boss staff add "$(printf 'mgr%02d' "$s")" --name "Manager $s" --manager "$code" -q
    done
    # Every worker gets about the same share; two thirds have a date of birth,
    # some only a band, some neither; a tenth have left; one or two needs of
    # their service's Star each.
    sqlite3 "$db" >/dev/null <<SQL
PRAGMA journal_mode = WAL;
PRAGMA synchronous = OFF;
BEGIN;
CREATE TEMP TABLE w(k INTEGER PRIMARY KEY, staff_id INTEGER, service_id INTEGER);
INSERT INTO w SELECT row_number() OVER (ORDER BY r.staff_id) - 1, r.staff_id, r.service_id
  FROM staff_role r WHERE r.role = 'worker';
CREATE TEMP TABLE g(k INTEGER PRIMARY KEY, v TEXT);
INSERT INTO g VALUES (0, 'female'), (1, 'male'), (2, 'female'), (3, 'male'), (4, 'non-binary'),
  (5, 'prefer-not-to-say'), (6, NULL);
CREATE TEMP TABLE e(k INTEGER PRIMARY KEY, v TEXT);
INSERT INTO e VALUES (0, 'white-british'), (1, 'white-british'), (2, 'white-other'), (3, 'asian-indian'),
  (4, 'black-african'), (5, 'mixed-other'), (6, 'asian-pakistani'), (7, 'black-caribbean'),
  (8, 'white-irish'), (9, 'arab'), (10, NULL);
CREATE TEMP TABLE b(k INTEGER PRIMARY KEY, v TEXT);
INSERT INTO b VALUES (0, '18-24'), (1, '25-34'), (2, '35-44'), (3, '45-54'), (4, 'unknown');
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $rows)
INSERT INTO service_user (uid, service_id, keyworker_id, date_of_birth, age_band, gender, ethnicity,
                          status, left_on, created_at, updated_at, started_on)
SELECT printf('B%08d', i), (SELECT service_id FROM w WHERE k = (i * 7 + i / 10) % $((services * workers))),
       (SELECT staff_id FROM w WHERE k = (i * 7 + i / 10) % $((services * workers))),
       CASE WHEN i % 3 <> 0 THEN date('1936-01-01', '+' || ((i * 7919) % 29000) || ' days') END,
       CASE WHEN i % 3 = 0 AND i % 5 <> 0 THEN (SELECT v FROM b WHERE k = i % 5) END,
       (SELECT v FROM g WHERE k = i % 7),
       (SELECT v FROM e WHERE k = i % 11),
       CASE WHEN i % 10 = 0 THEN 'left' ELSE 'active' END,
       CASE WHEN i % 10 = 0 THEN '2026-01-01' END,
       '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z',
       date('2020-01-01', '+' || ((i * 37) % 2000) || ' days')
FROM n;
INSERT INTO su_need (su_id, need_id)
SELECT su.id, sn.id FROM service_user su JOIN service s ON s.id = su.service_id
  JOIN star_need sn ON sn.star_id = s.star_id
  WHERE sn.position = 1 + su.id % 10 OR (su.id % 2 = 0 AND sn.position = 1 + (su.id * 3 + 1) % 10);
COMMIT;
PRAGMA wal_checkpoint(TRUNCATE);
ANALYZE;
SQL
    echo "bench: built in $(($(date +%s) - start)) s; $(du -h "$db" | cut -f1)" >&2
}

# A copy of DB at PATH, upgraded by BIN to its schema (for an old/new pair:
# the old binary keeps DB at its version, the new one reads the copy).
bench_upgraded_copy() {
    local bin=$1 db=$2 copy=$3
    if [ -f "$copy" ] && [ "$copy" -nt "$db" ]; then return 0; fi
    rm -f "$copy" "$copy-wal" "$copy-shm"
    sqlite3 "$db" ".backup '$copy'"
    chmod 600 "$copy"
    CASELOAD_DB=$copy "$bin" --as boss db upgrade -q >&2 || true
    sqlite3 "$copy" 'ANALYZE' >/dev/null
}

bench_plain() {
    local db=$1 plain=$2
    if [ -f "$plain" ] && [ "$plain" -nt "$db" ]; then return 0; fi
    rm -f "$plain"
    sqlite3 "$plain" <<SQL
ATTACH '$db' AS reg;
CREATE TABLE plain AS
  SELECT su.uid AS id, s.code AS service, st.username AS keyworker, su.date_of_birth,
         su.age_band, su.gender, su.ethnicity, su.status
  FROM reg.service_user su JOIN reg.service s ON s.id = su.service_id
  JOIN reg.staff st ON st.id = su.keyworker_id;
SQL
}
