#!/usr/bin/env bash
# Crash trials (spec §9 "crashes"), more than the test runs: kill -9 at random
# moments of large imports and of single commands (su add, su rename, staff
# add, words add); after each, the register must open, pass 'db check' and
# hold all or none of the change. Prints the tally of where the kills landed.
#   bench/crash.sh [BUILD_DIR] [IMPORT_TRIALS] [COMMAND_TRIALS] [ROWS]
# Defaults: build, 50 import trials, 100 command trials, 50,000 rows an import.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
export CASELOAD_BIN=$(cd "$build" && pwd)/caseload
export CASELOAD_CRASH_IMPORTS=${2:-50}
export CASELOAD_CRASH_COMMANDS=${3:-100}
export CASELOAD_CRASH_ROWS=${4:-50000}
echo "== $CASELOAD_CRASH_IMPORTS killed imports of $CASELOAD_CRASH_ROWS rows, $CASELOAD_CRASH_COMMANDS killed commands"
started=$(date +%s)
set +e
bash "$here/../tests/e2e/crash.sh"
rc=$?
set -e
echo "== $(( $(date +%s) - started )) s; $([ $rc -eq 0 ] && echo 'every trial held all or none and passed db check' || echo 'FAILURES above')"
exit $rc
