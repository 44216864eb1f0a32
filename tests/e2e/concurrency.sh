#!/usr/bin/env bash
# Issue 8, spec §9 "concurrency": 8 processes write to one register at once,
# each adding 200 service users as its own worker, renaming some and having
# its manager reallocate some. With the default --wait every command succeeds,
# or exits 7 (busy) and is run again. No write is lost: the rows and IDs are
# exactly those that succeeded, the audit events equal the changes, and
# 'db check' passes.
. "$(dirname "$0")/lib.sh"

PROCESSES=8
ADDS=${CASELOAD_CONCURRENCY_ADDS:-200}
# Under AddressSanitizer (the second stage of .ci/run) each command starts
# ten times slower: the same 8 writers, with fewer adds each.
if under_asan; then ADDS=${CASELOAD_CONCURRENCY_ADDS:-60}; fi
RENAME_EVERY=10  # the 10th, 20th, ... user of each process is renamed (--generate)
ALLOCATE_EVERY=20  # the 5th, 25th, ... is reallocated to the next worker of the service

standard_register
for i in 1 2 3 4; do cl staff add "w$i" --name "Worker $i" --worker HOM -q; done
for i in 5 6 7 8; do cl staff add "w$i" --name "Worker $i" --worker REC -q; done
service_of() { [ "$1" -le 4 ] && echo HOM || echo REC; }
manager_of() { [ "$1" -le 4 ] && echo mia || echo max; }
partner_of() { [ "$1" -le 4 ] && echo "w$(( $1 % 4 + 1 ))" || echo "w$(( ($1 - 4) % 4 + 5 ))"; }
for i in $(seq $PROCESSES); do cl id new -n "$ADDS" --service "$(service_of "$i")" >"$SCRATCH/ids-$i"; done
[ "$(cat "$SCRATCH"/ids-* | sort -u | wc -l)" -eq $((PROCESSES * ADDS)) ] && pass || fail "duplicate generated IDs"

# attempt LOG ARGS...: runs caseload until it exits other than 7 (busy);
# stdout goes to $SCRATCH/p-out-$P, and the attempts and exit codes to LOG.
attempt() {
    local log=$1 rc tries=0
    shift
    while :; do
        tries=$((tries + 1))
        "$CASELOAD_BIN" "$@" >"$SCRATCH/p-out-$P" 2>"$SCRATCH/p-err-$P" </dev/null
        rc=$?
        if [ $rc -eq 7 ] && [ $tries -lt 1000 ]; then
            echo busy >>"$log"
            sleep "0.00$((RANDOM % 10))"  # a little back-off
            continue
        fi
        break
    done
    if [ $rc -ne 0 ]; then
        { echo "FAILED($rc): $*"; cat "$SCRATCH/p-err-$P"; } >>"$log"
    fi
    return $rc
}

# One writer process: worker w$P.
writer() {
    P=$1
    local me="w$P" manager partner log="$SCRATCH/log-$P" k=0 id new
    manager=$(manager_of "$P")
    partner=$(partner_of "$P")
    : >"$log"
    : >"$SCRATCH/final-$P"
    local adds=0 renames=0 allocations=0
    while read -r id; do
        k=$((k + 1))
        attempt "$log" --as "$me" su add "$id" --confirm-anonymous -q || continue
        adds=$((adds + 1))
        if [ $((k % RENAME_EVERY)) -eq 0 ]; then
            if attempt "$log" --as "$me" su rename "$id" --generate --confirm-anonymous -q; then
                new=$(sed -n 's/^.* -> //p' "$SCRATCH/p-out-$P")
                if [ -n "$new" ]; then
                    renames=$((renames + 1))
                    id=$new
                else
                    echo "FAILED: rename printed no 'OLD -> NEW'" >>"$log"
                fi
            fi
        fi
        local keyworker=$me
        if [ $((k % ALLOCATE_EVERY)) -eq 5 ]; then
            if attempt "$log" --as "$manager" su allocate "$id" --to "$partner" -q; then
                allocations=$((allocations + 1))
                keyworker=$partner
            fi
        fi
        echo "$id,$keyworker" >>"$SCRATCH/final-$P"
    done <"$SCRATCH/ids-$P"
    echo "$adds $renames $allocations" >"$SCRATCH/counts-$P"
}

t "$PROCESSES processes write at once"
started=$(date +%s)
pids=()
for i in $(seq $PROCESSES); do
    writer "$i" &
    pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
elapsed=$(( $(date +%s) - started ))
echo "concurrency: $PROCESSES processes, $((PROCESSES * ADDS)) adds in ${elapsed}s; busy retries: $(cat "$SCRATCH"/log-* | grep -c '^busy$')" >&2

failures=$(cat "$SCRATCH"/log-* | grep -v '^busy$')
CURRENT="every command succeeded (exit 7 retried)"
expect_eq "$failures" "" "(failed commands)"

adds=0 renames=0 allocations=0
for i in $(seq $PROCESSES); do
    read -r a r l <"$SCRATCH/counts-$i"
    adds=$((adds + a)) renames=$((renames + r)) allocations=$((allocations + l))
done
t "no write lost"
expect_eq "$adds" "$((PROCESSES * ADDS))" "(successful adds)"
expect_eq "$renames" "$((PROCESSES * (ADDS / RENAME_EVERY)))" "(successful renames)"
expect_eq "$allocations" "$((PROCESSES * ((ADDS + ALLOCATE_EVERY - 5) / ALLOCATE_EVERY)))" "(successful allocations)"
expect_eq "$(sqlite3 "$CASELOAD_DB" 'SELECT count(*) FROM service_user')" "$adds" "(rows)"
# Every ID and keyworker is the one the writers were told they got.
sort "$SCRATCH"/final-* >"$SCRATCH/expected"
sqlite3 -csv "$CASELOAD_DB" "SELECT su.uid, st.username FROM service_user su JOIN staff st ON st.id = su.keyworker_id" | sort >"$SCRATCH/actual"
if cmp -s "$SCRATCH/expected" "$SCRATCH/actual"; then pass; else
    fail "IDs or keyworkers differ: $(diff "$SCRATCH/expected" "$SCRATCH/actual" | head -5)"
fi

t "the audit events equal the changes"
events() { sqlite3 "$CASELOAD_DB" "SELECT count(*) FROM event WHERE action = '$1'"; }
expect_eq "$(events su.add)" "$adds" "(su.add events)"
expect_eq "$(events su.rename)" "$renames" "(su.rename events)"
expect_eq "$(events su.allocate)" "$allocations" "(su.allocate events)"
# Each event is about a row that exists (nobody was erased here).
expect_eq "$(sqlite3 "$CASELOAD_DB" "SELECT count(*) FROM event WHERE action LIKE 'su.%' AND su_id NOT IN (SELECT id FROM service_user)")" "0"
# Who did what: each worker's adds are their own, allocations are the managers'.
expect_eq "$(sqlite3 "$CASELOAD_DB" "SELECT count(*) FROM event e JOIN staff s ON s.id = e.actor_id WHERE e.action = 'su.allocate' AND s.username NOT IN ('mia', 'max')")" "0"

t "db check passes"
run db check
expect_status 0
expect_eq "$(sqlite3 "$CASELOAD_DB" 'PRAGMA integrity_check')" "ok"

# With --wait 0 the writers meet a busy register often: each exit 7 must
# have written nothing (else the retry would find its ID in use, exit 5).
t "--wait 0: busy commands write nothing and succeed when retried"
QUICK=$((ADDS / 5))
for i in $(seq $PROCESSES); do cl id new -n $QUICK --service "$(service_of "$i")" >"$SCRATCH/quick-$i"; done
quick() {
    P=$1
    local n=0 id
    : >"$SCRATCH/qlog-$P"
    while read -r id; do
        attempt "$SCRATCH/qlog-$P" --wait 0 --as "w$P" su add "$id" --confirm-anonymous -q && n=$((n + 1))
    done <"$SCRATCH/quick-$P"
    echo "$n" >"$SCRATCH/qcount-$P"
}
pids=()
for i in $(seq $PROCESSES); do
    quick "$i" &
    pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
echo "concurrency: --wait 0: $((PROCESSES * QUICK)) adds; busy retries: $(cat "$SCRATCH"/qlog-* | grep -c '^busy$')" >&2
expect_eq "$(cat "$SCRATCH"/qlog-* | grep -v '^busy$')" "" "(failed commands)"
expect_eq "$(cat "$SCRATCH"/qcount-* | awk '{ s += $1 } END { print s }')" "$((PROCESSES * QUICK))"
expect_eq "$(sqlite3 "$CASELOAD_DB" 'SELECT count(*) FROM service_user')" "$((adds + PROCESSES * QUICK))" "(rows)"
expect_eq "$(events su.add)" "$((adds + PROCESSES * QUICK))" "(su.add events)"
run db check
expect_status 0

finish
