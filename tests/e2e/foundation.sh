#!/usr/bin/env bash
# Issue 2: init, services, staff, Stars, options, su add/show/list, log, storage rules.
. "$(dirname "$0")/lib.sh"

t "no register yet"
run su list
expect_status 4
expect_err_has "there is no register at $CASELOAD_DB"
expect_err_has "caseload init"

t "init"
run init --organisation "Test Org" --lead boss
expect_status 0
expect_err_has "Created the register"
expect_eq "$(stat -c %a "$CASELOAD_DB")" "600" "(mode of the register)"
expect_eq "$(sqlite3 "$CASELOAD_DB" 'PRAGMA journal_mode')" "wal"
expect_eq "$(sqlite3 "$CASELOAD_DB" 'PRAGMA user_version')" "8"
expect_eq "$(sqlite3 "$CASELOAD_DB" 'PRAGMA application_id')" "$((0x43534c44))"

t "init twice"
refused 5 "already exists" init --organisation "Other" --lead boss

t "init with a bad username"
new_register bad-user
run init --organisation "X" --lead "Bad User"
expect_status 3
expect_err_has "'Bad User' is not a valid username"
[ ! -e "$CASELOAD_DB" ] && pass || fail "a refused init left a file"
new_register main
cl init --organisation "Test Org" --lead boss -q

t "star catalogue"
run star list --format csv
expect_status 0
for s in homelessness recovery family work; do expect_out_has "$s,"; done
run star show homelessness --format json
expect_status 0
expect_eq "$(printf '%s' "$out" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)) >= 8)')" "True"
run star show homelesness
expect_status 4
expect_err_has "did you mean: homelessness"

t "options"
run options gender --format csv
expect_out_has "prefer-not-to-say"
run options age-band --format jsonl
expect_eq "$(printf '%s\n' "$out" | wc -l)" "9"
expect_out_has '"code":"75-plus"'
run options ethnicity --format json
expect_eq "$(printf '%s' "$out" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" "20"
# The table keeps whole labels (a 64-byte one was once cut at 60, and the
# three Black groups looked alike).
COLUMNS=80 run options ethnicity
expect_out_has "Black, Black British, Black Welsh, Caribbean or African: African"
expect_out_has "Black, Black British, Black Welsh, Caribbean or African: Other Black"
expect_out_lacks "bytes)"

t "services"
run service add HOM --name Hostel --star homelessness
expect_status 0
cl service add rec --name Recovery --star recovery -q
run service list --format csv
expect_out_has "HOM,Hostel,homelessness"
expect_out_has "REC,Recovery,recovery"
refused 5 "service HOM already exists" service add hom --name Again --star work
refused 4 "there is no Star 'homeless'" service add FAM --name Family --star homeless
refused 3 "is not a valid service code" service add "H M" --name X --star work
run service show hom --format json
expect_status 0
expect_out_has '"star": "homelessness"'

t "staff"
cl staff add mia --name "Mia" --login mia-login --no-check-login --manager HOM -q
cl staff add wes --name "Wes" --login wes-login --no-check-login --worker HOM -q
cl staff add wyn --name "Wyn" --login wyn-login --no-check-login --worker HOM -q
cl staff add rex --name "Rex" --login rex-login --no-check-login --worker REC -q
cl staff add max --name "Max" --login max-login --no-check-login --manager REC --worker HOM -q
run staff list --format csv
expect_out_has "wes,Wes,wes-login,false,true,HOM,,0"
refused 5 "staff member 'wes' already exists" staff add wes --name "Again"
refused 5 "already belongs to staff member 'wes'" staff add wez --name "Wez" --login wes-login --no-check-login
refused 4 "there is no service 'NOPE'" staff add ned --name "Ned" --worker NOPE
refused 6 "only a lead may add staff" --as mia staff add ned --name "Ned"
run staff grant wyn --worker REC
expect_status 0
run staff show wyn --format json
expect_out_has '"REC"'
run staff revoke wyn --worker REC
expect_status 0
refused 5 "the only active lead" staff revoke boss --lead
refused 2 "nothing to grant" staff grant wyn

t "who is acting"
run --as wes su list
expect_status 0
run --as nobody su list
expect_status 4
expect_err_has "there is no staff member 'nobody'"
CASELOAD_USER=wes run su list
expect_status 0

t "a worker adds: the person lands on their caseload"
run --as wes su add HOM-0042 --age-band 25-34 --gender female --need rough-sleeping --confirm-anonymous
expect_status 0
expect_err_has "Added HOM-0042 to HOM (Hostel), keyworker wes."
run su show HOM-0042 --format json
expect_out_has '"keyworker": "wes"'
expect_out_has '"needs": ['
expect_out_has '"rough-sleeping"'
expect_out_has '"status": "active"'

t "a worker may not name another keyworker"
refused 6 "a worker's new service users go on their own caseload" --as wes su add HOM-0043 --keyworker wyn --confirm-anonymous

t "a manager adds naming the keyworker"
run --as mia su add HOM-0044 --keyworker wyn --dob 1990-04-23 --confirm-anonymous
expect_status 0
expect_err_has "keyworker wyn"
refused 3 "name the keyworker" --as mia su add HOM-0045 --confirm-anonymous
refused 3 "'rex' is not a worker of HOM" --as mia su add HOM-0045 --keyworker rex --confirm-anonymous
refused 6 "you are not staff of REC" --as mia su add REC-0001 --service REC --keyworker rex --confirm-anonymous

t "a lead must name a keyworker; the service is required when not unique"
refused 3 "which service?" su add HOM-0046 --keyworker wes --confirm-anonymous
refused 3 "name the keyworker" su add HOM-0046 --service HOM --confirm-anonymous
run su add REC-0001 --service REC --keyworker rex --confirm-anonymous -q
expect_status 0
expect_eq "$err" ""

t "--service defaults to the actor's only service"
run --as rex su add REC-0002 --confirm-anonymous
expect_status 0
expect_err_has "to REC (Recovery)"

t "lookup in another case"
run --as wes su show hom-0042
expect_status 0
expect_out_has "HOM-0042"
run --as wes su show Hom-0042 --format jsonl
expect_out_has '"id":"HOM-0042"'

t "IDs are unique in any case"
refused 5 "the ID 'hom-0042' is already in use (as 'HOM-0042'; IDs ignore case)" --as wes su add hom-0042 --confirm-anonymous

t "ID format refusals"
refused 3 "'HOM 42' has a space at position 4" --as wes su add "HOM 42" --confirm-anonymous
refused 3 "has a non-ASCII character (\\u{00E9}) at position 2" --as wes su add "Hé-42" --confirm-anonymous
refused 3 "is too short (2 characters)" --as wes su add "H4" --confirm-anonymous
refused 3 "is too long (33 characters)" --as wes su add "A23456789012345678901234567890123" --confirm-anonymous
refused 3 "starts with '-'" --as wes su add --confirm-anonymous -- "-HOM42"
refused 3 "has '/' at position 4" --as wes su add "HOM/42" --confirm-anonymous
run --as wes su add "  HOM-0050  " --confirm-anonymous
expect_status 0
expect_err_has "Added HOM-0050 to HOM"

t "confirmation"
refused 3 "confirm that 'HOM-0051' is anonymous: give --confirm-anonymous" --as wes su add HOM-0051

t "needs must belong to the service's Star"
refused 3 "'drug-use' is not a need of the homelessness Star" --as wes su add HOM-0052 --need drug-use --confirm-anonymous
expect_err_has "caseload star show homelessness"

t "dates"
run --as wes su add HOM-0053 --dob 23/04/1990 --confirm-anonymous
expect_status 0
run su show HOM-0053 --format json
expect_out_has '"date_of_birth": "1990-04-23"'
refused 3 "date of birth '1990-13-01' is not a date" --as wes su add HOM-0054 --dob 1990-13-01 --confirm-anonymous
refused 3 "is in the future" --as wes su add HOM-0054 --dob 2999-01-01 --confirm-anonymous
refused 3 "more than 120 years ago" --as wes su add HOM-0054 --dob 1880-01-01 --confirm-anonymous
refused 3 "is not a date" --as wes su add HOM-0054 --dob 31/02/1990 --confirm-anonymous
refused 2 "excludes" --as wes su add HOM-0054 --dob 1990-01-01 --age-band 25-34 --confirm-anonymous

t "drop-down values"
refused 3 "'woman' is not a gender value" --as wes su add HOM-0055 --gender woman --confirm-anonymous
expect_err_has "caseload options gender"
refused 3 "'old' is not an age band value" --as wes su add HOM-0055 --age-band old --confirm-anonymous
refused 3 "is not an ethnicity value" --as wes su add HOM-0055 --ethnicity martian --confirm-anonymous

t "scope of su list"
run --as wes su list --format csv
expect_out_has "HOM-0042"
expect_out_lacks "HOM-0044"
expect_out_lacks "REC-0001"
run --as mia su list --format csv
expect_out_has "HOM-0042"
expect_out_has "HOM-0044"
expect_out_lacks "REC-0001"
run su list --format csv
expect_out_has "REC-0001"
expect_out_has "HOM-0044"
run --as rex su show HOM-0042
expect_status 6
expect_err_has "not on your caseload"

t "su list filters and formats"
run su list --keyworker wyn --format jsonl
expect_eq "$(printf '%s\n' "$out" | wc -l)" "1"
run su list --need rough-sleeping --format csv
expect_eq "$(printf '%s\n' "$out" | head -1)" "id,service,keyworker,date_of_birth,age_band,gender,ethnicity,needs,started_on,status,left_on,created_at,updated_at"
expect_out_has "HOM-0042,HOM,wes,,25-34,female,,rough-sleeping,$(date +%Y-%m-%d),active"
run su list --service REC --format json
expect_eq "$(printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d), sorted(d[0].keys()))')" "2 ['age_band', 'created_at', 'date_of_birth', 'ethnicity', 'gender', 'id', 'keyworker', 'left_on', 'needs', 'service', 'started_on', 'status', 'updated_at']"
run su list --format tsv --service REC
expect_eq "$(printf '%s\n' "$out" | head -1 | tr '\t' ',')" "id,service,keyworker,date_of_birth,age_band,gender,ethnicity,needs,started_on,status,left_on,created_at,updated_at"
run su list --json --keyworker nobody
expect_status 4

t "not found, with did you mean"
run --as wes su show HOM-0043
expect_status 4
expect_err_has "no service user 'HOM-0043'"
expect_err_has "did you mean: HOM-0042"
run --as rex su show HOM-0043
expect_status 4
expect_err_lacks "HOM-0042"

t "audit log"
run log --format csv
expect_out_has "su.add"
expect_out_has "register.init"
run log --su hom-0042 --format jsonl
expect_eq "$(printf '%s\n' "$out" | wc -l)" "1"
expect_out_has '"actor":"lead boss as wes"'
expect_out_has '"service_user":"HOM-0042"'
run log --actor mia --format csv
expect_out_has "service HOM, keyworker wyn"
run log --since 2999-01-01 --format csv
expect_eq "$(printf '%s\n' "$out" | wc -l)" "1"
expect_eq "$(sqlite3 "$CASELOAD_DB" "SELECT count(*) FROM event WHERE action = 'su.add'")" "$(sqlite3 "$CASELOAD_DB" "SELECT count(*) FROM service_user")"

t "usage errors are exit 2"
run su add --bogus
expect_status 2
expect_err_has "caseload: error:"
run sohw
expect_status 2
run su shwo X
expect_status 2
expect_err_has "did you mean 'caseload su show'"
run su
expect_status 2
expect_err_has "needs a command"
refused 2 "'--servce' is not an option of caseload su list" su list --servce HOM
expect_err_has "did you mean '--service'? see 'caseload su list --help'"
refused 2 "'--formt' is not an option of caseload su list" su list --formt=json
expect_err_has "did you mean '--format'?"
refused 2 "'--zzzzzz' is not an option of caseload su list" su list --zzzzzz
expect_err_lacks "did you mean"
refused 2 "caseload id check needs IDS: IDs to check, or - for one a line on stdin" id check
refused 2 "caseload su rename needs OLD" su rename
printf 'code = nameless\nneed one = One\n' >"$SCRATCH/nameless.star"
refused 3 "nameless.star: the file has no 'name = ...' line" star add "$SCRATCH/nameless.star"
expect_err_lacks "line 0"
run --format xml su list
expect_status 2
run --version
expect_status 0
expect_out_has "caseload 0.1.0"
run
expect_status 0
expect_out_has "su"

t "busy: a writer waits --wait, then exit 7"
( sqlite3 "$CASELOAD_DB" "BEGIN IMMEDIATE; SELECT 1; " ".shell sleep 3" "COMMIT;" >/dev/null 2>&1 & )
sleep 0.5
before=$(date +%s%N)
refused 7 "is busy" --wait 1 --as wes su add HOM-0060 --confirm-anonymous
elapsed=$(( ($(date +%s%N) - before) / 1000000 ))
[ "$elapsed" -ge 900 ] && pass || fail "did not wait (${elapsed} ms)"
sleep 3

t "schema versions"
cp "$CASELOAD_DB" "$SCRATCH/newer.db"
sqlite3 "$SCRATCH/newer.db" "PRAGMA user_version = 99"
run --db "$SCRATCH/newer.db" su list
expect_status 3
expect_err_has "has schema version 99, newer than this caseload knows (8)"
cp "$CASELOAD_DB" "$SCRATCH/older.db"
# A register as version 1 made it: no indexes for 'log', and the indexes by
# service and by need that version 3 drops, no started_on (version 4), the
# indexes by keyworker and by service without uid (version 8).
sqlite3 "$SCRATCH/older.db" "DROP INDEX event_su; DROP INDEX event_at;
    ALTER TABLE service_user DROP COLUMN started_on;
    UPDATE service_user SET created_at = '2025-03-04T23:59:59Z';
    DROP INDEX service_user_service; DROP INDEX service_user_keyworker;
    CREATE INDEX service_user_keyworker ON service_user(keyworker_id, status);
    CREATE INDEX service_user_service ON service_user(service_id, status);
    CREATE INDEX su_need_need ON su_need(need_id); PRAGMA user_version = 1"
run --db "$SCRATCH/older.db" su list
expect_status 5
expect_err_has "caseload db upgrade"
run --db "$SCRATCH/older.db" db upgrade
expect_status 0
expect_err_has "from schema version 1 to 8"
expect_eq "$(sqlite3 "$SCRATCH/older.db" "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY name)")" "event_at event_su service_user_keyworker service_user_service" "(indexes after the upgrade)"
# Version 8: both end in the ID, so a caseload or a service is walked in ID order.
expect_eq "$(sqlite3 "$SCRATCH/older.db" "SELECT group_concat(name, ' ') FROM pragma_index_info('service_user_keyworker')")" "keyworker_id status uid" "(the keyworker index)"
expect_eq "$(sqlite3 "$SCRATCH/older.db" "SELECT group_concat(name, ' ') FROM pragma_index_info('service_user_service')")" "service_id status uid" "(the service index)"
expect_eq "$(sqlite3 "$SCRATCH/older.db" 'PRAGMA user_version')" "8"
expect_eq "$(sqlite3 "$SCRATCH/older.db" "SELECT DISTINCT started_on FROM service_user")" "2025-03-04" "(started_on from created_at's date)"
run --db "$SCRATCH/older.db" su list --format csv
expect_status 0
expect_out_has "HOM-0042"

t "not a register"
printf 'hello' > "$SCRATCH/text.db"
run --db "$SCRATCH/text.db" su list
expect_status 3
expect_err_has "is not an SQLite database"
sqlite3 "$SCRATCH/other.db" "CREATE TABLE t(x)"
run --db "$SCRATCH/other.db" su list
expect_status 3
expect_err_has "an SQLite database but not a caseload register"

t "only a lead may act as someone else"
new_register not-lead
cl init --organisation "X" --lead boss --login somebody-else -q
cl --as boss staff list >/dev/null 2>&1
sqlite3 "$CASELOAD_DB" "INSERT INTO staff (username, name, login, created_at) VALUES ('me', 'Me', '$(id -un)', 'now')"
refused 6 "only a lead may act as another staff member (--as boss)" --as boss su list
CASELOAD_USER=boss refused 6 "only a lead may act as another staff member" su list
run su list
expect_status 0
sqlite3 "$CASELOAD_DB" "UPDATE staff SET active = 0 WHERE username = 'me'"
refused 6 "staff member 'me' is deactivated" su list

t "drop-down codes ignore case"
new_register dropdown
standard_register
# Codes ignore case, as needs do, and are stored as listed.
run --as wes su add HOM-0056 --gender Female --ethnicity WHITE-british --age-band 25-34 --confirm-anonymous -q
expect_status 0
expect_eq "$(sqlite3 "$CASELOAD_DB" "SELECT gender || ',' || ethnicity FROM service_user WHERE uid = 'HOM-0056'")" "female,white-british"
run --as wes su edit HOM-0056 --gender Non-Binary -q
expect_status 0
expect_eq "$(sqlite3 "$CASELOAD_DB" "SELECT gender FROM service_user WHERE uid = 'HOM-0056'")" "non-binary"

t "default location follows XDG_DATA_HOME"
( unset CASELOAD_DB; export XDG_DATA_HOME="$SCRATCH/xdg"; "$CASELOAD_BIN" init --organisation X --lead boss -q )
[ -f "$SCRATCH/xdg/caseload/caseload.db" ] && pass || fail "no register under XDG_DATA_HOME"

finish
