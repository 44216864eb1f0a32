#!/usr/bin/env bash
# ID completion at scale (issue 19, target 2): `caseload _complete values id
# PREFIX` for every role (lead, manager, worker) and prefixes from none to
# one ID, with and without --status, on registers of 1M and 3M service
# users. Each time is the median of BENCH_RUNS whole runs of the program
# (start-up included). Target: <= 10 ms each.
#
#   bench/complete.sh [CASELOAD_BIN]
#   BENCH_SIZES (default "1000000 3000000"), BENCH_RUNS (default 7), BENCH_DIR
#   OLD_BIN   also time this binary, alternated, on its own register
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/lib.sh
source "$here/lib.sh"
bin=${1:-${CASELOAD_BIN:-$here/../build/caseload}}
[ -x "$bin" ] || { echo "bench: no caseload binary at $bin" >&2; exit 2; }
runs=${BENCH_RUNS:-7}
bench_need sqlite3 python3
if [ -n "${BENCH_DIR:-}" ]; then dir=$BENCH_DIR; mkdir -p "$dir"; else
    dir=$(mktemp -d "${TMPDIR:-/tmp}/caseload-bench-complete.XXXXXX")
    trap 'rm -rf "$dir"' EXIT
fi
unset CASELOAD_DB CASELOAD_USER
# Who and what: the lead; a manager of one service; a worker (about 1% of
# the rows); a worker typing a prefix of IDs that are nearly all others'.
cases=(
    "boss|" "boss|B" "boss|B0000" "boss|B00001234" "boss|B0000|--status left"
    "mgr01|" "mgr01|B" "mgr01|B0000" "mgr01|B00001234" "mgr01|B0000|--status left"
    "kw0101|" "kw0101|B" "kw0101|B0000" "kw0101|B00001234" "kw0101|B0000|--status active"
    "kw0101|B000012"
)
echo "load before: $(bench_load); $(bench_cores) cores" >&2
for rows in ${BENCH_SIZES:-1000000 3000000}; do
    db=$dir/register-$rows-new.db
    bench_register "$bin" "$db" "$rows"
    if [ -n "${OLD_BIN:-}" ]; then
        old_db=$dir/register-$rows.db
        bench_register "$OLD_BIN" "$old_db" "$rows"
    fi
    # The program's start-up alone (no register query), for reference.
    commands=(startup "$bin --db $db --as boss _complete values gender >/dev/null")
    i=0
    for c in "${cases[@]}"; do
        IFS='|' read -r who prefix extra <<<"$c"
        commands+=("new$i" "$bin --db $db --as $who _complete values id '$prefix' $extra >/dev/null")
        [ -n "${OLD_BIN:-}" ] &&
            commands+=("old$i" "$OLD_BIN --db $old_db --as $who _complete values id '$prefix' $extra >/dev/null")
        i=$((i + 1))
    done
    python3 "$here/timing.py" --runs "$runs" "${commands[@]}" >"$dir/complete-times"
    echo "completion at $(printf "%'d" "$rows") rows, median of $runs runs, alternated (wall ms of the whole program, cpu ms; load $(bench_load)):"
    awk '$1 == "startup" { printf "  start-up alone (values gender)       %7.1f ms  cpu %5.1f\n", $2, $4 }' "$dir/complete-times"
    i=0
    for c in "${cases[@]}"; do
        IFS='|' read -r who prefix extra <<<"$c"
        new=$(awk -v k="new$i" '$1 == k { print $2 }' "$dir/complete-times")
        cpu=$(awk -v k="new$i" '$1 == k { print $4 }' "$dir/complete-times")
        old=$(awk -v k="old$i" '$1 == k { printf "%.1f ms, cpu %.1f", $2, $4 }' "$dir/complete-times")
        printf '  %-7s %-10s %-16s %7.1f ms  cpu %5.1f%s%s\n' "$who" "'$prefix'" "$extra" "$new" "$cpu" \
            "${old:+  (old $old)}" "$(awk -v n="$new" 'BEGIN { print (n <= 10 ? "" : "  NOT MET") }')"
        i=$((i + 1))
    done
done
