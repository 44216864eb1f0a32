#!/usr/bin/env bash
# Nightly import of a drop folder, for cron: no terminal, no prompts, and
# exit codes that mean something (see examples/crontab.txt).
#
# Every *.csv, *.jsonl and *.ndjson file in $DROP is imported with
# --skip-existing (a re-run is safe) and --on-error skip. A busy register
# (exit 7) is retried. The file then moves to done/ (imported, maybe with
# rejects) or failed/ (nothing imported); the bad rows go to rejects/, and
# every step is logged to $LOG. With $MAILTO set and mail(1) installed, the
# rejects are mailed too (they hold anonymous IDs and codes, no names).
# IDs with guard warnings are rejected: a person checks them and re-runs the
# rejects file with --confirm-anonymous.
#
#   DROP=/var/lib/caseload/drop CASELOAD_DB=/var/lib/caseload/caseload.db \
#       examples/nightly-import.sh
#
# Settings: DROP (required), LOG ($DROP/import.log), RETRIES (5),
# RETRY_WAIT seconds between tries (60), WAIT seconds each try waits for the
# lock (30), MAILTO, CASELOAD (the program, default caseload).
set -uo pipefail
DROP=${DROP:?set DROP to the drop folder}
LOG=${LOG:-$DROP/import.log}
RETRIES=${RETRIES:-5}
RETRY_WAIT=${RETRY_WAIT:-60}
WAIT=${WAIT:-30}
caseload=${CASELOAD:-caseload}
umask 077
mkdir -p "$DROP/done" "$DROP/failed" "$DROP/rejects"

log() { printf '%s %s\n' "$(date '+%Y-%m-%dT%H:%M:%S')" "$*" >>"$LOG"; }

# One run at a time.
exec 9>"$DROP/.lock"
if ! flock -n 9; then
    log "another nightly import is still running; not starting"
    exit 7
fi

shopt -s nullglob
worst=0
for file in "$DROP"/*.csv "$DROP"/*.jsonl "$DROP"/*.ndjson; do
    name=$(basename "$file")
    rejects="$DROP/rejects/${name%.*}.$(date '+%Y%m%d-%H%M%S').rejects.csv"
    attempt=1
    while :; do
        "$caseload" --wait "$WAIT" su import "$file" --skip-existing --on-error skip \
            --rejects "$rejects" >>"$LOG" 2>&1
        status=$?
        if [ "$status" -eq 7 ] && [ "$attempt" -lt "$RETRIES" ]; then
            log "$name: the register is busy (try $attempt of $RETRIES); trying again in $RETRY_WAIT s"
            sleep "$RETRY_WAIT"
            attempt=$((attempt + 1))
            continue
        fi
        break
    done
    case $status in
        0)
            mv "$file" "$DROP/done/"
            log "$name: imported"
            ;;
        8)
            mv "$file" "$DROP/done/"
            log "$name: imported, with rejected rows in $rejects"
            if [ -n "${MAILTO:-}" ] && command -v mail >/dev/null; then
                mail -s "caseload: rows rejected from $name" "$MAILTO" <"$rejects"
            fi
            ;;
        7)
            log "$name: the register stayed busy after $RETRIES tries; left for the next run"
            ;;
        *)
            mv "$file" "$DROP/failed/"
            log "$name: not imported (exit $status); moved to failed/"
            ;;
    esac
    [ "$status" -gt "$worst" ] && worst=$status
done
exit "$worst"
