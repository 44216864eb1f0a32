#!/usr/bin/env bash
# su list at scale (issue 19, target 1): on a register of BENCH_ROWS service
# users (default 1,000,000), in one run, alternating:
#   - all active rows to CSV: `caseload su list --format csv` (as the lead)
#     against sqlite3 writing the same SELECT to CSV, and the two files must
#     be the same bytes;
#   - one keyworker's caseload, the same way;
#   - the first row of `su list` (CSV, and the table) and of `su export`;
#   - the peak RSS of `su list` (flat: it streams).
# Targets: ratios <= 1.1; first row <= 50 ms.
#
#   bench/list.sh [CASELOAD_BIN]
#   BENCH_ROWS, BENCH_RUNS (default 5), BENCH_DIR (keep the registers there)
#   OLD_BIN   also time this binary (an older schema: it gets its own register)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/lib.sh
source "$here/lib.sh"
bin=${1:-${CASELOAD_BIN:-$here/../build/caseload}}
[ -x "$bin" ] || { echo "bench: no caseload binary at $bin" >&2; exit 2; }
rows=${BENCH_ROWS:-1000000}
runs=${BENCH_RUNS:-5}
bench_need sqlite3 python3 cmp
if [ -n "${BENCH_DIR:-}" ]; then dir=$BENCH_DIR; mkdir -p "$dir"; else
    dir=$(mktemp -d "${TMPDIR:-/tmp}/caseload-bench-list.XXXXXX")
    trap 'rm -rf "$dir"' EXIT
fi
old_db=$dir/register-$rows.db
db=$dir/register-$rows-new.db
bench_register "$bin" "$db" "$rows"
export TZ=UTC CASELOAD_USER=boss
unset CASELOAD_DB

# The same rows as su list writes them (--utc): age_band from a date of
# birth is the band it gives today.
age="(CAST(strftime('%Y', 'now') AS INT) - CAST(substr(su.date_of_birth, 1, 4) AS INT)
      - (strftime('%m-%d', 'now') < substr(su.date_of_birth, 6, 5)))"
select="SELECT su.uid AS id, s.code AS service, st.username AS keyworker, su.date_of_birth,
  CASE WHEN su.age_band IS NOT NULL OR su.date_of_birth IS NULL THEN su.age_band
       WHEN $age < 18 THEN 'under-18' WHEN $age <= 24 THEN '18-24' WHEN $age <= 34 THEN '25-34'
       WHEN $age <= 44 THEN '35-44' WHEN $age <= 54 THEN '45-54' WHEN $age <= 64 THEN '55-64'
       WHEN $age <= 74 THEN '65-74' ELSE '75-plus' END AS age_band,
  su.gender, su.ethnicity,
  (SELECT group_concat(code, ';') FROM (SELECT n.code FROM su_need x JOIN star_need n
     ON n.id = x.need_id WHERE x.su_id = su.id ORDER BY n.position)) AS needs,
  su.started_on, su.status, su.left_on, su.created_at, su.updated_at
FROM service_user su JOIN service s ON s.id = su.service_id JOIN staff st ON st.id = su.keyworker_id
WHERE su.status = 'active'"
kw=kw0101
kw_key=$(sqlite3 "$db" "SELECT id FROM staff WHERE username = '$kw'")

ours_all="$bin --db $db --utc su list --format csv"
ours_kw="$bin --db $db --utc su list --keyworker $kw --format csv"
theirs_all="sqlite3 -csv -header $db \"$select ORDER BY su.uid\""
theirs_kw="sqlite3 -csv -header $db \"$select AND su.keyworker_id = $kw_key ORDER BY su.uid\""

eval "$ours_all" >"$dir/ours.csv"
eval "$theirs_all" >"$dir/theirs.csv"
cmp "$dir/ours.csv" "$dir/theirs.csv" >&2 || { echo "bench: su list and sqlite3 differ" >&2; exit 1; }
eval "$ours_kw" >"$dir/ours-kw.csv"
eval "$theirs_kw" >"$dir/theirs-kw.csv"
cmp "$dir/ours-kw.csv" "$dir/theirs-kw.csv" >&2 || { echo "bench: su list --keyworker and sqlite3 differ" >&2; exit 1; }
echo "bench: the same bytes: $(wc -l <"$dir/ours.csv") lines, $(wc -c <"$dir/ours.csv") bytes; $kw: $(wc -l <"$dir/ours-kw.csv") lines" >&2

commands=(all "$ours_all >/dev/null" all-sqlite3 "$theirs_all >/dev/null"
          kw "$ours_kw >/dev/null" kw-sqlite3 "$theirs_kw >/dev/null")
if [ -n "${OLD_BIN:-}" ]; then
    bench_register "$OLD_BIN" "$old_db" "$rows"
    commands+=(all-old "$OLD_BIN --db $old_db --utc su list --format csv >/dev/null"
               kw-old "$OLD_BIN --db $old_db --utc su list --keyworker $kw --format csv >/dev/null")
fi
echo "load before: $(bench_load); $(bench_cores) cores" >&2
python3 "$here/timing.py" --runs "$runs" "${commands[@]}" >"$dir/times"
first=(csv "$ours_all" table "$bin --db $db --utc su list --format table"
       export "$bin --db $db su export" jsonl "$bin --db $db --utc su list --format jsonl")
[ -n "${OLD_BIN:-}" ] && first+=(csv-old "$OLD_BIN --db $old_db --utc su list --format csv")
python3 "$here/timing.py" --runs 3 --first-row "${first[@]}" >"$dir/first"
echo "load after: $(bench_load)" >&2
# Peak memory of one run each (it streams: flat, whatever the rows).
rss() { /usr/bin/time -f %M bash -c "exec $1 >/dev/null" 2>&1 >/dev/null | tail -1; }
{
    echo "csv $(rss "$ours_all")"
    echo "table $(rss "$bin --db $db --utc su list --format table")"
    echo "sqlite3 $(rss "$theirs_all")"
    if [ -n "${OLD_BIN:-}" ]; then
        echo "csv-old $(rss "$OLD_BIN --db $old_db --utc su list --format csv")"
        echo "table-old $(rss "$OLD_BIN --db $old_db --utc su list --format table")"
    fi
} >"$dir/rss"
python3 - "$dir/times" "$dir/first" "$dir/rss" "$rows" "$runs" <<'PY'
import sys
t = {l.split()[0]: l.split()[1:] for l in open(sys.argv[1])}
f = {l.split()[0]: l.split()[1:] for l in open(sys.argv[2])}
m = {l.split()[0]: int(l.split()[1]) for l in open(sys.argv[3])}
rows, runs = int(sys.argv[4]), int(sys.argv[5])
ms = lambda k: float(t[k][0])
cpu = lambda k: float(t[k][2])
print(f"su list over {rows:,} service users, median of {runs} runs, alternated (wall; cpu = user + system):")
for k, label in (("all", "all active rows to CSV"), ("kw", "one keyworker's caseload to CSV")):
    r = ms(k) / ms(k + "-sqlite3")
    print(f"  {label:<32} {ms(k):8.1f} ms  sqlite3 {ms(k + '-sqlite3'):8.1f} ms  ratio {r:.2f} "
          f"(target <= 1.1: {'met' if r <= 1.1 else 'NOT MET'}); cpu {cpu(k):.0f} / {cpu(k + '-sqlite3'):.0f} ms = "
          f"{cpu(k) / cpu(k + '-sqlite3'):.2f}")
    if k + "-old" in t:
        print(f"  {'  old binary':<32} {ms(k + '-old'):8.1f} ms, ratio {ms(k + '-old') / ms(k + '-sqlite3'):.2f}; "
              f"cpu {cpu(k + '-old'):.0f} ms = {cpu(k + '-old') / cpu(k + '-sqlite3'):.2f}")
for k, v in f.items():
    print(f"  first row: {k:<10} {float(v[0]):8.1f} ms (target <= 50)")
for k, v in m.items():
    print(f"  peak RSS:  {k:<10} {v / 1024:8.1f} MB")
PY
