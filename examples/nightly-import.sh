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
# Every ID must be confirmed anonymous, as in su add: a row with yes in its
# `confirmed` column is; CONFIRM_ANONYMOUS=yes confirms whole files (when the
# system that writes them is trusted to); other rows are rejected, and a
# person checks them and imports the rejects file with --confirm-anonymous.
# Each line of the log starts with the time and the file's name.
#
# Exit status: the worst outcome of any file: 3 when a file was not imported
# at all (moved to failed/; its own exit code is in the log), else 7 when the
# register stayed busy (the file waits for the next run), else 8 when rows
# were rejected, else 0.
#
#   DROP=/var/lib/caseload/drop CASELOAD_DB=/var/lib/caseload/caseload.db \
#       examples/nightly-import.sh
#
# Settings: DROP (required), LOG ($DROP/import.log), RETRIES (5),
# RETRY_WAIT seconds between tries (60), WAIT seconds each try waits for the
# lock (30), MAILTO, CONFIRM_ANONYMOUS (yes: confirm every ID of every file),
# CASELOAD (the program, default caseload).
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

confirm=()
[ "${CONFIRM_ANONYMOUS:-}" = yes ] && confirm=(--confirm-anonymous)

# The rank of an outcome: a file not imported (3) is worse than one left for
# the next run (7), which is worse than rejected rows (8), than success (0).
rank() {
    case $1 in
        0) echo 0 ;;
        8) echo 1 ;;
        7) echo 2 ;;
        *) echo 3 ;;
    esac
}

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
    log "$name: importing"
    while :; do
        output=$("$caseload" --wait "$WAIT" su import "$file" --skip-existing --on-error skip \
            "${confirm[@]}" --rejects "$rejects" 2>&1)
        status=$?
        # caseload's own lines, each with the time and the file's name.
        while IFS= read -r line; do
            [ -n "$line" ] && log "$name: $line"
        done <<<"$output"
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
    outcome=$status
    case $status in 0 | 7 | 8) ;; *) outcome=3 ;; esac
    [ "$(rank "$outcome")" -gt "$(rank "$worst")" ] && worst=$outcome
done
exit "$worst"
