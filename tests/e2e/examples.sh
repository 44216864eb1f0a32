#!/usr/bin/env bash
# Issue 7: examples/quickstart.sh (what 'tools/setup.sh demo' runs) works
# against a temporary register, with 'caseload' found on PATH as a user has it.
# (examples/bulk-import.sh and nightly-import.sh have their own test.)
. "$(dirname "$0")/lib.sh"
SOURCE_DIR=${CASELOAD_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
mkdir -p "$SCRATCH/bin"
ln -s "$(cd "$(dirname "$CASELOAD_BIN")" && pwd)/$(basename "$CASELOAD_BIN")" "$SCRATCH/bin/caseload"
export PATH="$SCRATCH/bin:$PATH"

t "quickstart.sh"
new_register quickstart
(cd "$SCRATCH" && bash "$SOURCE_DIR/examples/quickstart.sh") >"$SCRATCH/stdout" 2>"$SCRATCH/stderr" </dev/null
status=$?
out=$(cat "$SCRATCH/stdout")
err=$(cat "$SCRATCH/stderr")
expect_status 0
expect_err_lacks "unexpected failure"
[ -f "$CASELOAD_DB" ] && pass || fail "quickstart.sh made no register at \$CASELOAD_DB"

t "the register quickstart.sh leaves"
run su list --format csv
expect_status 0
expect_out_has "HOM-0001,HOM,wyn"
rows=$(printf '%s\n' "$out" | tail -n +2 | grep -c .)
if [ "$rows" -ge 2 ]; then pass; else fail "expected at least 2 service users, got $rows"; fi
run staff list --format csv
for who in ana mo wes wyn; do expect_out_has "$who,"; done
run db check
expect_status 0
run log --format csv
expect_status 0
expect_out_has "lead ana as wes"

t "quickstart.sh refuses to run without CASELOAD_DB"
(unset CASELOAD_DB; bash "$SOURCE_DIR/examples/quickstart.sh") >/dev/null 2>"$SCRATCH/stderr" </dev/null
status=$?
err=$(cat "$SCRATCH/stderr")
if [ "$status" -ne 0 ]; then pass; else fail "quickstart.sh ran without CASELOAD_DB"; fi
expect_err_has "CASELOAD_DB"

t "every example script is valid shell"
for script in "$SOURCE_DIR"/examples/*.sh; do
    if bash -n "$script" 2>"$SCRATCH/stderr"; then pass; else fail "$(basename "$script"): $(cat "$SCRATCH/stderr")"; fi
done

finish
