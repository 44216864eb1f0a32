#!/usr/bin/env bash
# Issue 19: su list streams. A manager who is also a keyworker reads their
# caseload and their services as index ranges merged in ID order (each person
# once); a table is aligned over its first 1,000 rows; a closed pipe stops
# the list with exit 1.
. "$(dirname "$0")/lib.sh"
standard_register
# mia manages HOM and keyworks in REC too.
cl staff grant mia --worker REC -q

# 1,200 people by SQL (faster than su add): HOM by wes, REC by rex and mia;
# every seventh has left; IDs given in a scrambled case and order.
sqlite3 "$CASELOAD_DB" "
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1200)
INSERT INTO service_user (uid, service_id, keyworker_id, status, left_on, created_at, updated_at, started_on)
SELECT CASE WHEN i % 2 THEN 'p-' ELSE 'P-' END || printf('%05d', (i * 7919) % 100000),
       CASE WHEN i % 3 = 0 THEN (SELECT id FROM service WHERE code = 'HOM') ELSE (SELECT id FROM service WHERE code = 'REC') END,
       CASE WHEN i % 3 = 0 THEN (SELECT id FROM staff WHERE username = 'wes')
            WHEN i % 3 = 1 THEN (SELECT id FROM staff WHERE username = 'rex')
            ELSE (SELECT id FROM staff WHERE username = 'mia') END,
       CASE WHEN i % 7 = 0 THEN 'left' ELSE 'active' END, CASE WHEN i % 7 = 0 THEN '2026-01-01' END,
       '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '2025-01-01'
FROM n"
expected_for() {  # the IDs mia may see, in NOCASE order (the rules of may_see)
    sqlite3 "$CASELOAD_DB" "SELECT uid FROM service_user WHERE ($2)
        AND (service_id = (SELECT id FROM service WHERE code = 'HOM')
             OR (keyworker_id = (SELECT id FROM staff WHERE username = '$1')
                 AND service_id IN (SELECT service_id FROM staff_role r JOIN staff s ON s.id = r.staff_id
                                    WHERE s.username = '$1' AND r.role = 'worker')))
        ORDER BY uid COLLATE NOCASE"
}

t "a manager and keyworker: caseload and service merged in ID order, each once"
run --as mia --no-header su list --format csv
expect_status 0
expect_eq "$(printf '%s\n' "$out" | cut -d, -f1)" "$(expected_for mia "status = 'active'")"
run --as mia --no-header su list --include-left --format csv
expect_eq "$(printf '%s\n' "$out" | cut -d, -f1)" "$(expected_for mia 1)"
run --as mia --no-header su list --left --format jsonl
expect_eq "$(printf '%s\n' "$out" | python3 -c 'import json,sys; print("\n".join(json.loads(l)["id"] for l in sys.stdin))')" "$(expected_for mia "status = 'left'")"

t "the lead: every active person, in ID order"
run --no-header su list --format csv
expect_eq "$(printf '%s\n' "$out" | wc -l)" "$(sqlite3 "$CASELOAD_DB" "SELECT count(*) FROM service_user WHERE status = 'active'")"
expect_eq "$(printf '%s\n' "$out" | cut -d, -f1)" "$(sqlite3 "$CASELOAD_DB" "SELECT uid FROM service_user WHERE status = 'active' ORDER BY uid COLLATE NOCASE")"

t "a table is aligned over its first 1,000 rows; a wider value later pushes its line along"
last=$(sqlite3 "$CASELOAD_DB" "SELECT uid FROM service_user WHERE status = 'active' ORDER BY uid COLLATE NOCASE DESC LIMIT 1")
sqlite3 "$CASELOAD_DB" "UPDATE service_user SET started_on = '2025-01-01-and-a-long-tail' WHERE uid = '$last'"
run su list --format table
expect_status 0
heading=$(printf '%s\n' "$out" | head -1)
row2=$(printf '%s\n' "$out" | sed -n 2p)
# The status column starts where the heading says, as in the first rows...
expect_eq "$(awk -v h="$heading" 'BEGIN { print index(h, "status") }')" "$(awk -v r="$row2" 'BEGIN { print index(r, "active") }')" "(row 1 under its heading)"
# ...and the widths did not grow for the long value at the end.
expect_eq "$(printf '%s\n' "$out" | tail -1 | grep -c 'long-tail  active')" "1" "(the last row pushed along)"
lastrow=$(printf '%s\n' "$out" | tail -1)
expect_eq "$(awk -v h="$heading" -v r="$lastrow" 'BEGIN { print (index(h, "status") < index(r, "active")) }')" "1" "(the heading not widened for the last row)"

t "a closed pipe: exit 1, said on stderr"
# The pipe's reader is gone before the command starts: its first write fails.
closed_pipe() {
    python3 -c 'import os, subprocess, sys
r, w = os.pipe()
os.close(r)
sys.exit(subprocess.call(sys.argv[2:], stdout=w, stderr=open(sys.argv[1], "w")))' "$SCRATCH/stderr" "$CASELOAD_BIN" "$@"
}
for command in "su list --format csv" "su list --format table" "su list --format jsonl"; do
    # shellcheck disable=SC2086
    closed_pipe $command
    status=$?
    err=$(cat "$SCRATCH/stderr")
    expect_status 1
    expect_err_has "could not write to standard output"
done
closed_pipe su export
status=$?
err=$(cat "$SCRATCH/stderr")
expect_status 1
expect_err_has "could not write the export to standard output"

finish
