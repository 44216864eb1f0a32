#!/usr/bin/env bash
# Bulk import as a lead would run it: check the whole file first (--dry-run
# writes nothing), then import it, keeping the bad rows in a rejects file to
# fix and run again. Safe to run twice: --skip-existing skips the rows that
# are already in the register with the same data.
#
#   examples/bulk-import.sh FILE [REJECTS]
#
# Uses the register in $CASELOAD_DB (or caseload's default). Every ID must be
# confirmed anonymous, as in su add: on a terminal the import asks once for
# the whole file; without one, CONFIRM_ANONYMOUS=yes confirms it (once you
# have read the guard's warnings about the IDs), or a `confirmed` column with
# yes confirms a row. The rejects file of an earlier run is replaced (--force).
# Adapt freely:
#  - use --on-error abort (the default) instead of skip when the file must go
#    in whole or not at all.
set -uo pipefail
file=${1:?usage: bulk-import.sh FILE [REJECTS]}
rejects=${2:-${file%.*}.rejects.csv}
caseload=${CASELOAD:-caseload}
confirm=()
[ "${CONFIRM_ANONYMOUS:-}" = yes ] && confirm=(--confirm-anonymous)

echo "== checking $file (nothing is written)"
"$caseload" su import "$file" --dry-run --skip-existing --on-error skip "${confirm[@]}"
status=$?
case $status in
    0) echo "== every row is good" ;;
    8) echo "== some rows are bad (above); the good ones will be imported, the bad ones go to $rejects" ;;
    7) echo "== the register is busy; try again later"; exit 7 ;;
    *) echo "== the file cannot be imported (exit $status); nothing was written"; exit "$status" ;;
esac

echo "== importing $file"
"$caseload" su import "$file" --skip-existing --on-error skip "${confirm[@]}" \
    --rejects "$rejects" --force
status=$?
case $status in
    0) echo "== done" ;;
    8) echo "== done; fix the rows in $rejects and run: $0 $rejects" ;;
    *) echo "== the import failed (exit $status); nothing was written" ;;
esac
exit "$status"
