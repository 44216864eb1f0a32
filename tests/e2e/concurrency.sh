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

# Issue 17: one program holding a long read must not stall the writers. A
# rename's checkpoint used to wait for that reader holding the write lock, so
# with 16 writers and 1 reader 73% of attempts exited 7. Now each attempt is
# run once with the default --wait, and at least 99% must succeed (in the
# normal build; under AddressSanitizer fewer writers, and the rate is shown).
# First the same writers without the reader: no rename may warn that
# another program is reading.
WRITERS=16
ROUNDS=${CASELOAD_READER_ROUNDS:-8}  # each round: add, and every second one a rename
BOUND=40                              # seconds: no writer starts a command after this
if under_asan; then WRITERS=6 ROUNDS=${CASELOAD_READER_ROUNDS:-4}; fi
worker_of() { echo "w$(( ($1 - 1) % 8 + 1 ))"; }
for i in $(seq $WRITERS); do
    cl id new -n $((2 * ROUNDS)) --service "$(service_of $(( ($i - 1) % 8 + 1 )))" >"$SCRATCH/rids-$i"
done
# once LOG ARGS...: one attempt; "ok", or the exit code and the error, to LOG.
once() {
    local log=$1 rc
    shift
    "$CASELOAD_BIN" "$@" >"$SCRATCH/r-out-$P" 2>"$SCRATCH/r-err-$P" </dev/null
    rc=$?
    if [ $rc -eq 0 ]; then echo ok >>"$log"; else { echo "exit $rc: $*"; head -2 "$SCRATCH/r-err-$P"; } >>"$log"; fi
    grep -q "another program is reading" "$SCRATCH/r-err-$P" && echo warned >>"$log"
    return $rc
}
# round_writer P PHASE FIRST: rounds FIRST.. of writer P.
round_writer() {
    P=$1
    local phase=$2 first=$3 me log="$SCRATCH/$2-$1" k id
    me=$(worker_of "$P")
    : >"$log"
    for k in $(seq "$first" $((first + ROUNDS - 1))); do
        [ "$(date +%s)" -ge "$stop_at" ] && break
        id=$(sed -n "${k}p" "$SCRATCH/rids-$P")
        once "$log" --as "$me" su add "$id" --confirm-anonymous -q || continue
        if [ $((k % 2)) -eq 0 ]; then once "$log" --as "$me" su rename "$id" --generate --confirm-anonymous -q; fi
    done
}
run_phase() {
    local phase=$1 first=$2 pids=() i
    stop_at=$(( $(date +%s) + BOUND ))
    for i in $(seq $WRITERS); do
        round_writer "$i" "$phase" "$first" &
        pids+=($!)
    done
    for i in "${pids[@]}"; do wait "$i"; done
}
outcomes() { cat "$SCRATCH/$1"-* | grep -v '^warned$' | grep -c -e '^ok$' -e '^exit '; }
successes() { cat "$SCRATCH/$1"-* | grep -c '^ok$'; }

t "$WRITERS writers without a reader: no false warning"
started=$(date +%s%N)
run_phase plain 1
ms=$(( ($(date +%s%N) - started) / 1000000 ))
echo "concurrency: $WRITERS writers, no reader: $(successes plain) of $(outcomes plain) attempts succeeded in ${ms} ms; $(cat "$SCRATCH"/plain-* | grep -c '^warned$') warnings" >&2
expect_eq "$(cat "$SCRATCH"/plain-* | grep -c '^warned$')" "0" "(renames that warned of a reader)"
expect_eq "$(cat "$SCRATCH"/plain-* | grep -A1 '^exit ' | head -4)" "" "(failed commands)"

t "$WRITERS writers and one long reader: the writers are not stalled"
rm -f "$SCRATCH/reading"
{ printf 'BEGIN; SELECT count(*) FROM service_user;\n.shell touch %s\n' "$SCRATCH/reading"; sleep $((BOUND + 30)); printf 'COMMIT;\n'; } |
    sqlite3 "$CASELOAD_DB" >/dev/null 2>&1 &
reader=$!
for _ in $(seq 100); do [ -e "$SCRATCH/reading" ] && break; sleep 0.05; done
started=$(date +%s%N)
run_phase reader $((ROUNDS + 1))
ms=$(( ($(date +%s%N) - started) / 1000000 ))
attempts=$(outcomes reader)
ok=$(successes reader)
kill "$reader" 2>/dev/null
wait "$reader" 2>/dev/null
echo "concurrency: $WRITERS writers and 1 long reader: $ok of $attempts attempts succeeded in ${ms} ms ($(cat "$SCRATCH"/reader-* | grep -c '^warned$') renames warned of the reader)" >&2
[ "$attempts" -ge $((WRITERS * ROUNDS)) ] && pass || fail "only $attempts attempts in ${BOUND} s"
if under_asan; then
    [ $((ok * 100)) -ge $((attempts * 90)) ] && pass || fail "$ok of $attempts attempts succeeded"
else
    [ $((ok * 100)) -ge $((attempts * 99)) ] && pass || fail "$ok of $attempts attempts succeeded (under 99%): $(cat "$SCRATCH"/reader-* | grep -A1 '^exit ' | head -6)"
fi
t "after the reader, the next command finishes the scrub"
run --as w1 su list -q
expect_status 0
expect_eq "$(sqlite3 "$CASELOAD_DB" 'SELECT count(*) FROM scrub_pending')" "0"
run db check
expect_status 0

finish
