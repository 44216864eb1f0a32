#!/usr/bin/env bash
# One command on a big register (spec §9): `caseload su show` and `caseload su
# add` on a register of 1,000,000 service users, beside the sqlite3 shell doing
# the bare indexed SELECT and the bare INSERT on the same database. Prints both
# ratios (target: <= 1.25). Usage: bench/one-command.sh [BUILD_DIR] [ROWS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
rows=${2:-1000000}
caseload=$(cd "$build" && pwd)/caseload
command -v hyperfine >/dev/null || { echo "needs hyperfine (apt-get install hyperfine)" >&2; exit 2; }
work=$(mktemp -d /tmp/caseload-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
export CASELOAD_DB=$work/register.db

echo "== making a register of $rows service users"
"$caseload" init --organisation "Bench" --lead boss -q
"$caseload" service add HOM --name Hostel --star homelessness -q
"$caseload" service add REC --name Recovery --star recovery -q
for i in $(seq 0 9); do "$caseload" staff add "w$i" --name "Worker $i" --login "bench-w$i" --no-check-login --worker HOM --worker REC -q; done
# Deterministic rows, straight into the schema (the import is benched on its own).
sqlite3 "$CASELOAD_DB" <<SQL
PRAGMA synchronous = OFF;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $rows)
INSERT INTO service_user (uid, service_id, keyworker_id, age_band, gender, created_at, updated_at)
SELECT printf('%s-%07d', CASE WHEN i % 2 THEN 'HOM' ELSE 'REC' END, i),
       1 + i % 2,
       (SELECT id FROM staff WHERE username = 'w' || (i % 10)),
       CASE i % 4 WHEN 0 THEN '25-34' WHEN 1 THEN '35-44' WHEN 2 THEN '18-24' ELSE NULL END,
       CASE i % 3 WHEN 0 THEN 'female' WHEN 1 THEN 'male' ELSE NULL END,
       '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'
FROM n;
COMMIT;
PRAGMA wal_checkpoint(TRUNCATE);
SQL
sqlite3 "$CASELOAD_DB" "SELECT count(*) || ' service users' FROM service_user"
kw=$(sqlite3 "$CASELOAD_DB" "SELECT id FROM staff WHERE username = 'w1'")

json=$work/show.json
echo "== su show (indexed lookup) vs sqlite3 SELECT"
hyperfine -N --warmup 20 --runs 300 --export-json "$json" \
    "$caseload su show hom-0500001 --format csv" \
    "sqlite3 $CASELOAD_DB \"SELECT * FROM service_user WHERE uid = 'hom-0500001'\"" >/dev/null
show=$(python3 "$here/ratio.py" "$json")
read -r show_ms sql_show_ms show_ratio <<<"$show"
echo "caseload su show: $show_ms ms   sqlite3 SELECT: $sql_show_ms ms   ratio $show_ratio"

echo "== su add vs sqlite3 INSERT (each run adds a row; the prepare step removes it)"
json=$work/add.json
hyperfine -N --warmup 5 --runs 100 --export-json "$json" \
    --prepare "sqlite3 $CASELOAD_DB \"DELETE FROM service_user WHERE uid IN ('HOM-9000001', 'HOM-9000002')\"" \
    "$caseload su add HOM-9000001 --service HOM --keyworker w1 --age-band 25-34 --confirm-anonymous -q" \
    "sqlite3 $CASELOAD_DB \"INSERT INTO service_user (uid, service_id, keyworker_id, age_band, created_at, updated_at) VALUES ('HOM-9000002', 1, $kw, '25-34', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')\"" >/dev/null
add=$(python3 "$here/ratio.py" "$json")
read -r add_ms sql_add_ms add_ratio <<<"$add"
echo "caseload su add:  $add_ms ms   sqlite3 INSERT: $sql_add_ms ms   ratio $add_ratio"
echo
echo "ratios (target <= 1.25): su show $show_ratio, su add $add_ratio"
