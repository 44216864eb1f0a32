#!/usr/bin/env bash
# Issue 8, spec §9 "crashes": kill -9 at random moments of large imports and
# of single commands. After each kill the register opens, passes 'db check',
# and holds all or none of each change: an import's N rows or none of them, a
# command's row or none, always with its audit event in step.
#
# CASELOAD_CRASH_IMPORTS (default 6) and CASELOAD_CRASH_COMMANDS (default 8)
# set the trials; CASELOAD_CRASH_ROWS (default 50000) the rows of an import.
# bench/crash.sh runs many more and prints the tally.
. "$(dirname "$0")/lib.sh"

IMPORTS=${CASELOAD_CRASH_IMPORTS:-6}
COMMANDS=${CASELOAD_CRASH_COMMANDS:-8}
ROWS=${CASELOAD_CRASH_ROWS:-50000}
# Under AddressSanitizer (the second stage of .ci/run) an import is ten
# times slower: the same trials, on smaller imports.
if under_asan; then ROWS=${CASELOAD_CRASH_ROWS:-10000}; fi
TALLY="$SCRATCH/tally"
: >"$TALLY"

standard_register

count() { sqlite3 "$CASELOAD_DB" "SELECT count(*) FROM $1"; }
events() { sqlite3 "$CASELOAD_DB" "SELECT count(*) FROM event WHERE action = '$1'"; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# A random delay of 0..$1 milliseconds, as a sleep argument.
random_delay() { printf '%d.%03d' $(($2 / 1000)) $(($2 % 1000)); }

# kill_at MS ARGS...: starts caseload ARGS in the background, sends it SIGKILL
# after MS milliseconds; sets $outcome: killed (137) or finished (its exit code).
kill_at() {
    local ms=$1
    shift
    "$CASELOAD_BIN" "$@" >/dev/null 2>"$SCRATCH/killed-stderr" </dev/null &
    local pid=$!
    sleep "$(random_delay 0 "$ms")"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null  # no "Killed" from the shell
    local rc=$?
    if [ $rc -eq 137 ]; then outcome=killed; else outcome="finished($rc)"; fi
}

# After every trial: the register opens, passes db check, and takes a write.
healthy() {
    run db check
    expect_status 0
    [ ! -e "$CASELOAD_DB-journal" ] && pass || fail "a rollback journal was left behind"
}

# A CSV of $ROWS new IDs (not in use: 'id new' checks the register).
new_import_file() {
    if ! cl id new -n "$ROWS" --service HOM >"$SCRATCH/import-ids" ||
        [ "$(wc -l <"$SCRATCH/import-ids")" -ne "$ROWS" ]; then
        fail "could not generate $ROWS IDs for the import file"
        finish
    fi
    { echo "id,service,keyworker,age_band,needs"; sed 's/$/,HOM,wes,25-34,rough-sleeping/' "$SCRATCH/import-ids"; } >"$SCRATCH/import.csv"
}

t "a whole import, to time it"
new_import_file
before=$(now_ms)
run su import "$SCRATCH/import.csv" --confirm-anonymous -q
expect_status 0
IMPORT_MS=$(( $(now_ms) - before ))
expect_eq "$(count service_user)" "$ROWS"
echo "crash: an import of $ROWS rows takes ${IMPORT_MS} ms here" >&2
new_import_file

for trial in $(seq "$IMPORTS"); do
    t "import killed, trial $trial"
    rows=$(count service_user)
    imports=$(events su.import)
    # Anywhere from the start to a little after the import would have ended.
    at=$((RANDOM * 32768 + RANDOM))
    at=$((at % (IMPORT_MS * 12 / 10 + 1)))
    kill_at "$at" su import "$SCRATCH/import.csv" --confirm-anonymous -q
    healthy
    after=$(count service_user)
    if [ "$after" -eq "$rows" ]; then
        expect_eq "$(events su.import)" "$imports" "(an import event without its rows)"
        state="none"
    elif [ "$after" -eq $((rows + ROWS)) ]; then
        expect_eq "$(events su.import)" "$((imports + 1))" "(rows without their import event)"
        # Every row of this import points at its one event.
        expect_eq "$(sqlite3 "$CASELOAD_DB" "SELECT count(*) FROM service_user WHERE created_event = (SELECT max(id) FROM event WHERE action = 'su.import')")" "$ROWS"
        state="all"
        new_import_file  # its IDs are now in use
    else
        fail "the import left $((after - rows)) of its $ROWS rows"
        state="PART"
    fi
    echo "import $outcome at ${at}ms: $state" >>"$TALLY"
done

# Single commands: each trial picks one, kills it at 0-40 ms (a command takes
# a few ms), and checks the table it writes: one more row with its event, or
# nothing.
cl id new -n "$COMMANDS" --service HOM >"$SCRATCH/cmd-ids"
cl id new -n "$COMMANDS" --service HOM >"$SCRATCH/rename-ids"
cl --as wes su add HOM-K3Q7-0001 --confirm-anonymous -q
current=HOM-K3Q7-0001
for trial in $(seq "$COMMANDS"); do
    id=$(sed -n "${trial}p" "$SCRATCH/cmd-ids")
    new=$(sed -n "${trial}p" "$SCRATCH/rename-ids")
    at=$((RANDOM % 41))
    case $((trial % 4)) in
        1)
            t "su add killed, trial $trial"
            rows=$(count service_user) ev=$(events su.add)
            kill_at "$at" --as wes su add "$id" --need rough-sleeping --confirm-anonymous
            healthy
            d=$(( $(count service_user) - rows ))
            expect_eq "$(( $(events su.add) - ev ))" "$d" "(su.add events and rows)"
            if [ "$d" -eq 1 ]; then
                expect_eq "$(sqlite3 "$CASELOAD_DB" "SELECT count(*) FROM su_need x JOIN service_user su ON su.id = x.su_id WHERE su.uid = '$id'")" "1" "(the need of the new row)"
            fi
            what="su add"
            ;;
        2)
            t "su rename killed, trial $trial"
            ev=$(events su.rename) rows=$(count service_user)
            kill_at "$at" --as wes su rename "$current" "$new" --confirm-anonymous
            healthy
            expect_eq "$(count service_user)" "$rows" "(a rename changed the rows)"
            has_old=$(sqlite3 "$CASELOAD_DB" "SELECT count(*) FROM service_user WHERE uid = '$current'")
            has_new=$(sqlite3 "$CASELOAD_DB" "SELECT count(*) FROM service_user WHERE uid = '$new'")
            expect_eq "$((has_old + has_new))" "1" "(old $has_old, new $has_new)"
            expect_eq "$(( $(events su.rename) - ev ))" "$has_new" "(su.rename events)"
            [ "$has_new" -eq 1 ] && current=$new
            d=$has_new
            what="su rename"
            ;;
        3)
            t "staff add killed, trial $trial"
            rows=$(count staff) ev=$(events staff.add)
            kill_at "$at" staff add "crash$trial" --name "Crash $trial" --worker HOM
            healthy
            d=$(( $(count staff) - rows ))
            expect_eq "$(( $(events staff.add) - ev ))" "$d" "(staff.add events and rows)"
            if [ "$d" -eq 1 ]; then
                expect_eq "$(sqlite3 "$CASELOAD_DB" "SELECT count(*) FROM staff_role r JOIN staff s ON s.id = r.staff_id WHERE s.username = 'crash$trial'")" "1" "(the role of the new member)"
            fi
            what="staff add"
            ;;
        0)
            t "words add killed, trial $trial"
            rows=$(count guard_word) ev=$(sqlite3 "$CASELOAD_DB" "SELECT count(*) FROM event WHERE action LIKE 'words.%'")
            letters=$(echo "$trial" | tr 0-9 a-j)
            kill_at "$at" words add "crashword$letters" "crashroad$letters" --kind address --reason "trial $trial"
            healthy
            d=$(( $(count guard_word) - rows ))
            [ "$d" -eq 0 ] || [ "$d" -eq 2 ] && pass || fail "words add left $d of its 2 words"
            evd=$(( $(sqlite3 "$CASELOAD_DB" "SELECT count(*) FROM event WHERE action LIKE 'words.%'") - ev ))
            expect_eq "$evd" "$d" "(words events and rows)"
            what="words add"
            ;;
    esac
    [ "$d" -gt 0 ] && state=done || state=none
    echo "$what $outcome at ${at}ms: $state" >>"$TALLY"
done

t "after all the kills the register takes writes"
run --as wes su add HOM-K3Q7-9999 --confirm-anonymous
expect_status 0
run db check
expect_status 0

echo "crash: $(wc -l <"$TALLY") trials:" >&2
sed -E 's/ at [0-9]+ms//' "$TALLY" | sort | uniq -c | sed 's/^/  /' >&2
finish
