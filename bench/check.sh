#!/usr/bin/env bash
# db check at scale (issue 19, target 4): `caseload db check` on a register of
# BENCH_ROWS service users (default 1,000,000) against sqlite3's
# `PRAGMA integrity_check` of the same file, alternated; prints the ratio.
# Target: <= 1.2.
#
#   bench/check.sh [CASELOAD_BIN]
#   BENCH_ROWS, BENCH_RUNS (default 5), BENCH_DIR
#   OLD_BIN   also time this binary, on its own register
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/lib.sh
source "$here/lib.sh"
bin=${1:-${CASELOAD_BIN:-$here/../build/caseload}}
[ -x "$bin" ] || { echo "bench: no caseload binary at $bin" >&2; exit 2; }
rows=${BENCH_ROWS:-1000000}
runs=${BENCH_RUNS:-5}
bench_need sqlite3 python3
if [ -n "${BENCH_DIR:-}" ]; then dir=$BENCH_DIR; mkdir -p "$dir"; else
    dir=$(mktemp -d "${TMPDIR:-/tmp}/caseload-bench-check.XXXXXX")
    trap 'rm -rf "$dir"' EXIT
fi
unset CASELOAD_DB CASELOAD_USER
db=$dir/register-$rows-new.db
bench_register "$bin" "$db" "$rows"
commands=(check "$bin --db $db --as boss db check -q >/dev/null"
          integrity "sqlite3 $db 'PRAGMA integrity_check' >/dev/null")
if [ -n "${OLD_BIN:-}" ]; then
    old_db=$dir/register-$rows.db
    bench_register "$OLD_BIN" "$old_db" "$rows"
    commands+=(check-old "$OLD_BIN --db $old_db --as boss db check -q >/dev/null"
               integrity-old "sqlite3 $old_db 'PRAGMA integrity_check' >/dev/null")
fi
echo "load before: $(bench_load); $(bench_cores) cores" >&2
python3 "$here/timing.py" --runs "$runs" "${commands[@]}" >"$dir/check-times"
echo "load after: $(bench_load)" >&2
python3 - "$dir/check-times" "$rows" "$runs" <<'PY'
import sys
t = {l.split()[0]: float(l.split()[1]) for l in open(sys.argv[1])}
rows, runs = int(sys.argv[2]), int(sys.argv[3])
r = t["check"] / t["integrity"]
print(f"db check over {rows:,} service users, median of {runs} runs, alternated:")
print(f"  caseload db check          {t['check']:8.1f} ms")
print(f"  PRAGMA integrity_check     {t['integrity']:8.1f} ms")
print(f"  ratio {r:.2f} (target <= 1.2: {'met' if r <= 1.2 else 'NOT MET'})")
if "check-old" in t:
    print(f"  old binary (its register): {t['check-old']:8.1f} ms, ratio "
          f"{t['check-old'] / t['integrity-old']:.2f} to that register's integrity_check")
PY
