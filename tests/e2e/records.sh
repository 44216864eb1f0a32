#!/usr/bin/env bash
# Issue 4: su rename, allocate, needs, edit, leave/return, erase; staff
# deactivate/activate; log "(erased)". Every refusal: exit code, message, and
# the register unchanged (the `refused` helper).
. "$(dirname "$0")/lib.sh"

export CASELOAD_TODAY=2026-11-26
standard_register

# add ID [ARGS...]: a service user of HOM on wes's caseload, added by the lead.
add() {
    local id=$1
    shift
    cl su add "$id" --service HOM --keyworker wes --confirm-anonymous -q "$@"
}
field() { cl su show "$1" --format json | python3 -c "import json,sys; v=json.load(sys.stdin)['$2']; print('null' if v is None else (';'.join(v) if isinstance(v, list) else v))"; }
sql() { sqlite3 "$CASELOAD_DB" "$1"; }

# ---------------------------------------------------------------------------
t "rename: prints OLD -> NEW once, OLD as stored"
add HOM-0042 --need rough-sleeping
run su rename hom-0042 HOM-7001 --confirm-anonymous
expect_status 0
expect_out "HOM-0042 -> HOM-7001"
expect_err_has "Update your locked list now: the old ID is no longer kept anywhere."
run su show HOM-7001
expect_status 0
expect_eq "$(field HOM-7001 needs)" "rough-sleeping" "(needs kept)"
refused 4 "no service user 'HOM-0042'" su show HOM-0042

t "rename: the audit trail follows the person, and names no ID"
run log --su HOM-7001 --format csv
expect_out_has "su.add"
expect_out_has "su.rename"
expect_out_has ",HOM-7001,"
expect_eq "$(sql "SELECT count(*) FROM event WHERE detail LIKE '%0042%' OR detail LIKE '%7001%'")" "0"
expect_eq "$(sql "SELECT count(*) FROM event WHERE action = 'su.rename' AND su_id = (SELECT id FROM service_user WHERE uid = 'HOM-7001')")" "1"

t "log --limit: the newest N events; a count below 1 or too large is a usage error"
run log --limit 1 --format csv
expect_status 0
expect_out_has "su.rename"
expect_eq "$(grep -c . "$SCRATCH/stdout")" "2" "(a header and one event)"
refused 2 "--limit: Value -1 not in range 1 to 1000000000" log --limit -1
refused 2 "--limit: Value 0 not in range 1 to 1000000000" log --limit 0
refused 2 "--limit: Value 99999999999999999999 not in range" log --limit 99999999999999999999

t "rename: -q prints only the data"
run su rename HOM-7001 HOM-7002 --confirm-anonymous -q
expect_status 0
expect_out "HOM-7001 -> HOM-7002"
expect_eq "$err" ""

t "rename: a different case of the same ID is allowed"
run su rename HOM-7002 hom-7002 --confirm-anonymous
expect_status 0
expect_out "HOM-7002 -> hom-7002"
expect_eq "$(sql "SELECT uid FROM service_user WHERE uid = 'HOM-7002'")" "hom-7002"

t "rename: --generate"
run su rename HOM-7002 --generate
expect_status 0
new=${out#hom-7002 -> }
expect_out "hom-7002 -> $new"
[[ "$new" =~ ^HOM-[0-9A-HJKMNP-TV-Z]{8}-[0-9A-HJKMNP-TV-Z]$ ]] && pass || fail "not a generated HOM ID: '$new'"
run su show "$new"
expect_status 0
run su rename "$new" HOM-7003 --confirm-anonymous --format json
expect_status 0
expect_eq "$(printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["old_id"], d["id"])')" "$new HOM-7003"

t "rename: refusals"
add HOM-0050
refused 5 "the ID 'hom-0050' is already in use (as 'HOM-0050'; IDs ignore case)" su rename HOM-7003 hom-0050 --confirm-anonymous
refused 2 "'HOM-7003' already has this ID; nothing to change" su rename hom-7003 HOM-7003 --confirm-anonymous
refused 3 "'HOM-Room12' can't be used as an ID" su rename HOM-7003 HOM-Room12 --confirm-anonymous
expect_err_has "a room number"
refused 3 "'HOM 12' has a space at position 4" su rename HOM-7003 "HOM 12" --confirm-anonymous
refused 3 "confirm that 'HOM-7004' is anonymous: give --confirm-anonymous" su rename HOM-7003 HOM-7004
refused 3 "confirm that 'HOM-1985' is anonymous" su rename HOM-7003 HOM-1985
expect_err_has "may be a year of birth"
refused 2 "give a new ID or --generate, not both" su rename HOM-7003 HOM-7004 --generate
refused 2 "which new ID?" su rename HOM-7003 --confirm-anonymous
refused 4 "no service user 'HOM-7004'" su rename HOM-7004 HOM-7005 --confirm-anonymous
expect_err_has "did you mean: HOM-7003"
refused 6 "you may not rename 'HOM-7003'" --as rex su rename HOM-7003 HOM-7005 --confirm-anonymous
refused 6 "you may not rename 'HOM-7003'" --as wyn su rename HOM-7003 HOM-7005 --confirm-anonymous

t "rename: a warning is accepted when confirmed"
run su rename HOM-7003 HOM-1985 --confirm-anonymous
expect_status 0
expect_out "HOM-7003 -> HOM-1985"
expect_err_has "may be a year of birth"
cl su rename HOM-1985 HOM-7003 --confirm-anonymous -q >/dev/null

t "rename: the organisation's ID pattern applies"
sql "UPDATE organisation SET id_pattern = 'HOM-[0-9]{4}', id_pattern_description = 'HOM- and four digits'"
refused 3 "'HOM-77A' does not match your organisation's ID pattern" su rename HOM-7003 HOM-77A --confirm-anonymous
expect_err_has "IDs here are: HOM- and four digits"
sql "UPDATE organisation SET id_pattern = NULL, id_pattern_description = NULL"

t "rename: updated_at moves, created_at stays"
sql "UPDATE service_user SET updated_at = '2000-01-01T00:00:00Z' WHERE uid = 'HOM-7003'"
created=$(field HOM-7003 created_at)
cl su rename HOM-7003 HOM-7004 --confirm-anonymous -q >/dev/null
expect_eq "$(field HOM-7004 created_at)" "$created"
[ "$(field HOM-7004 updated_at)" != "2000-01-01T00:00:00Z" ] && pass || fail "updated_at not set"

# ---------------------------------------------------------------------------
t "allocate: a manager moves a service user to another worker of the service"
add HOM-0100
run --as mia su allocate hom-0100 --to wyn
expect_status 0
expect_err_has "Reallocated HOM-0100 from wes to wyn."
expect_eq "$(field HOM-0100 keyworker)" "wyn"
run log --su HOM-0100 --format csv
expect_out_has "lead boss as mia,su.allocate,HOM-0100,keyworker wes -> wyn"

t "allocate: the same keyworker changes nothing"
before=$(snapshot)
run su allocate HOM-0100 --to WYN
expect_status 0
expect_err_has "wyn is already the keyworker of HOM-0100; nothing changed."
expect_eq "$(snapshot)" "$before" "(register unchanged)"
expect_out ""

t "allocate: refusals"
refused 3 "'rex' is not a worker of HOM" su allocate HOM-0100 --to rex
expect_err_has "workers of HOM: wes, wyn"
refused 3 "'nobody' is not a worker of HOM" su allocate HOM-0100 --to nobody
refused 3 "'mia' is not a worker of HOM" su allocate HOM-0100 --to mia
refused 6 "you may not reallocate 'HOM-0100': workers cannot reallocate" --as wyn su allocate HOM-0100 --to wes
refused 6 "you may not reallocate 'HOM-0100': you do not manage HOM" --as max su allocate HOM-0100 --to wes
refused 6 "you may not reallocate 'HOM-0100'" --as wes su allocate HOM-0100 --to wes
refused 4 "no service user 'HOM-0101'" su allocate HOM-0101 --to wes
expect_err_has "did you mean: HOM-0100"
refused 2 "--to is required" su allocate HOM-0100

# ---------------------------------------------------------------------------
t "needs: list"
add HOM-0200 --need money --need rough-sleeping
run --as wes su needs hom-0200
expect_status 0
expect_out_has "money"
expect_out_has "Managing money and personal administration"
run su needs HOM-0200 --format json
expect_eq "$(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin))')" "[{'code': 'money', 'label': 'Managing money and personal administration'}, {'code': 'rough-sleeping', 'label': 'Rough sleeping and street safety'}]"
run su needs HOM-0200 --format csv
expect_eq "$(printf '%s\n' "$out" | head -1)" "code,label"

t "needs: --add and --remove, repeatable, kept in the Star's order"
run --as wes su needs HOM-0200 --add physical-health --add self-care --remove money
expect_status 0
expect_out ""
expect_err_has "Needs of HOM-0200: self-care, physical-health, rough-sleeping (added self-care, physical-health; removed money)."
expect_eq "$(field HOM-0200 needs)" "self-care;physical-health;rough-sleeping"
run log --su HOM-0200 --format csv
expect_out_has 'su.needs,HOM-0200,"2 added, 1 removed, 3 now"' 

t "needs: --set replaces, --set '' clears"
run su needs HOM-0200 --set "money, offending"
expect_status 0
expect_eq "$(field HOM-0200 needs)" "money;offending"
run su needs HOM-0200 --set ''
expect_status 0
expect_eq "$(field HOM-0200 needs)" ""
expect_eq "$(sql "SELECT count(*) FROM su_need WHERE su_id = (SELECT id FROM service_user WHERE uid = 'HOM-0200')")" "0"
run su needs HOM-0200 --format json
expect_eq "$(printf '%s' "$out" | tr -d ' \n')" "[]"
run su needs HOM-0200
expect_status 0
expect_err_has "HOM-0200 has no support needs recorded."

t "needs: adding one already held changes nothing"
cl su needs HOM-0200 --add money -q
before=$(snapshot)
run su needs HOM-0200 --add money --remove offending
expect_status 0
expect_err_has "Nothing changed: HOM-0200 has money."
expect_eq "$(snapshot)" "$before" "(register unchanged)"

t "needs: refusals"
refused 3 "'drug-use' is not a need of the homelessness Star" su needs HOM-0200 --add drug-use
expect_err_has "see 'caseload star show homelessness'"
refused 3 "'mony' is not a need of the homelessness Star" su needs HOM-0200 --set mony,offending
expect_err_has "did you mean 'money'?"
refused 3 "'bogus' is not a need of the homelessness Star" su needs HOM-0200 --remove bogus
refused 2 "give --set, or --add and --remove, not both" su needs HOM-0200 --set money --add offending
refused 2 "'money' is both added and removed" su needs HOM-0200 --add money --remove money
refused 6 "you may not change the needs of 'HOM-0200'" --as wyn su needs HOM-0200 --add offending
refused 6 "you may not see 'HOM-0200'" --as rex su needs HOM-0200
refused 4 "no service user 'HOM-0201'" su needs HOM-0201 --add money
expect_err_has "did you mean: HOM-0200"

# ---------------------------------------------------------------------------
t "edit: set details"
add HOM-0300 --age-band 25-34
run --as wes su edit hom-0300 --gender female --ethnicity prefer-not-to-say
expect_status 0
expect_out ""
expect_err_has "Updated HOM-0300: gender, ethnicity."
expect_eq "$(field HOM-0300 gender)" "female"
expect_eq "$(field HOM-0300 ethnicity)" "prefer-not-to-say"
expect_eq "$(field HOM-0300 age_band)" "25-34"
run log --su HOM-0300 --format csv
expect_out_has "su.edit,HOM-0300,\"changed gender, ethnicity\""
expect_out_lacks "female"

t "edit: a date of birth replaces the age band, and the other way round"
run su edit HOM-0300 --dob 23/04/1990
expect_status 0
expect_eq "$(field HOM-0300 date_of_birth)" "1990-04-23"
# Stored: no band. Shown (su show, su list): the band the date gives today.
expect_eq "$(sql "SELECT age_band IS NULL FROM service_user WHERE uid = 'HOM-0300'")" "1"
expect_eq "$(CASELOAD_TODAY=2026-11-26 field HOM-0300 age_band)" "35-44"
expect_eq "$(CASELOAD_TODAY=2026-11-26 cl su list --format csv | grep '^HOM-0300,' | cut -d, -f5)" "35-44"
expect_eq "$(cl su export --format csv | grep '^HOM-0300,' | cut -d, -f5)" "" "(export: the stored fields)"
run su edit HOM-0300 --age-band 35-44
expect_status 0
expect_eq "$(field HOM-0300 date_of_birth)" "null"
expect_eq "$(field HOM-0300 age_band)" "35-44"

t "edit: --clear"
run su edit HOM-0300 --clear gender --clear age-band
expect_status 0
expect_err_has "Updated HOM-0300: age_band, gender."
expect_eq "$(field HOM-0300 gender)" "null"
expect_eq "$(field HOM-0300 age_band)" "null"
expect_eq "$(field HOM-0300 ethnicity)" "prefer-not-to-say"

t "edit: the same values change nothing"
before=$(snapshot)
run su edit HOM-0300 --ethnicity prefer-not-to-say --clear gender
expect_status 0
expect_err_has "Nothing changed"
expect_eq "$(snapshot)" "$before" "(register unchanged)"

t "edit: refusals"
refused 2 "nothing to change" su edit HOM-0300
refused 3 "'woman' is not a gender value" su edit HOM-0300 --gender woman
expect_err_has "caseload options gender"
refused 3 "'old' is not an age band value" su edit HOM-0300 --age-band old
refused 3 "is not an ethnicity value" su edit HOM-0300 --ethnicity martian
refused 3 "is in the future" su edit HOM-0300 --dob 2999-01-01
refused 3 "date of birth '31/02/1990' is not a date" su edit HOM-0300 --dob 31/02/1990
refused 2 "excludes" su edit HOM-0300 --dob 1990-01-01 --age-band 25-34
refused 2 "--gender is both set and cleared" su edit HOM-0300 --gender male --clear gender
refused 2 "--clear: height not in" su edit HOM-0300 --clear height
refused 6 "you may not edit 'HOM-0300'" --as wyn su edit HOM-0300 --gender male
refused 6 "you may not edit 'HOM-0300'" --as max su edit HOM-0300 --gender male
refused 4 "no service user 'HOM-0310'" su edit HOM-0310 --gender male
expect_err_has "did you mean: HOM-0300"

# ---------------------------------------------------------------------------
t "leave: today by default; hidden from lists unless asked"
add HOM-0400
run --as wes su leave hom-0400
expect_status 0
expect_err_has "HOM-0400 left on 2026-11-26"
expect_eq "$(field HOM-0400 status)" "left"
expect_eq "$(field HOM-0400 left_on)" "2026-11-26"
run su list --format csv
expect_out_lacks "HOM-0400"
run su list --include-left --format csv
expect_out_has "HOM-0400"
run su list --left --format csv
expect_out_has "HOM-0400"
expect_out_lacks "HOM-0300"
run --as wes su list --include-left --format csv
expect_out_has "HOM-0400"

t "leave: refusals"
refused 5 "'HOM-0400' already left on 2026-11-26" su leave HOM-0400
expect_err_has "caseload su return HOM-0400"
add HOM-0410 --started 2000-01-01  # leaving dates below go back to 2001
refused 3 "the leaving date 2026-11-27 is in the future" su leave HOM-0410 --date 2026-11-27
refused 3 "leaving date '2026-13-01' is not a date" su leave HOM-0410 --date 2026-13-01
refused 3 "the leaving date 1901-01-01 is more than 120 years ago" su leave HOM-0410 --date 1901-01-01
add HOM-0412 --dob 1990-04-23 --started 2000-01-01
refused 3 "the leaving date 1990-04-22 is before HOM-0412's date of birth (1990-04-23)" su leave HOM-0412 --date 22/04/1990
run su leave HOM-0412 --date 2001-09-30 -q
expect_status 0
refused 6 "you may not mark the leaving or return of 'HOM-0410'" --as wyn su leave HOM-0410
refused 4 "no service user 'HOM-0411'" su leave HOM-0411
expect_err_has "did you mean: HOM-0410"

t "leave: a date in UK form"
run su leave HOM-0410 --date 31/10/2026
expect_status 0
expect_eq "$(field HOM-0410 left_on)" "2026-10-31"

t "return"
run --as wes su return HOM-0400
expect_status 0
expect_err_has "HOM-0400 is active again, keyworker wes."
expect_eq "$(field HOM-0400 status)" "active"
expect_eq "$(field HOM-0400 left_on)" "null"
run log --su HOM-0400 --format csv
expect_out_has "su.leave"
expect_out_has "su.return"
refused 5 "'HOM-0400' has not left; it is active" su return HOM-0400
refused 6 "you may not mark the leaving or return of 'HOM-0410'" --as rex su return HOM-0410
refused 4 "no service user 'HOM-0401'" su return HOM-0401

# ---------------------------------------------------------------------------
t "staff deactivate: refused while they keywork an active caseload"
new_register staff
standard_register
add HOM-0500
add HOM-0501
refused 5 "'wes' still keyworks 2 active service users" staff deactivate wes
expect_err_has "caseload su allocate"
refused 6 "only a lead may deactivate staff" --as mia staff deactivate wyn
refused 4 "there is no staff member 'wse'" staff deactivate wse
expect_err_has "did you mean: wes"
refused 5 "'boss' is the only active lead; the register needs one" staff deactivate boss

t "staff deactivate: people who left do not count; the deactivated cannot act or keywork"
cl su allocate HOM-0500 --to wyn -q
cl su leave HOM-0501 -q
run staff deactivate wes
expect_status 0
expect_err_has "Deactivated wes"
run staff show wes --format json
expect_out_has '"active": false'
refused 6 "staff member 'wes' is deactivated and cannot act" --as wes su list
refused 3 "'wes' is not an active worker of HOM" su add HOM-0502 --service HOM --keyworker wes --confirm-anonymous
refused 3 "'wes' is not an active worker of HOM" su allocate HOM-0500 --to wes
refused 5 "'wes' is already deactivated" staff deactivate wes
expect_err_has "caseload staff activate wes"
run log --format csv
expect_out_has "staff.deactivate,,wes"

t "return: refused while the keyworker is deactivated; allocate first"
refused 5 "'HOM-0501' cannot return to keyworker wes: they are no longer an active worker of HOM" su return HOM-0501
expect_err_has "caseload su allocate HOM-0501 --to USERNAME"
run su allocate HOM-0501 --to wyn
expect_status 0
run su return HOM-0501
expect_status 0
expect_err_has "keyworker wyn"

t "staff activate"
refused 6 "only a lead may activate staff" --as mia staff activate wes
run staff activate wes
expect_status 0
expect_err_has "Reactivated wes."
run --as wes su list
expect_status 0
refused 5 "'wes' is already active" staff activate wes

t "staff deactivate: a lead, when another lead remains"
cl staff grant mia --lead -q
run staff deactivate mia
expect_status 0
run db check
expect_status 0
cl staff activate mia -q && cl staff revoke mia --lead -q

# ---------------------------------------------------------------------------
t "erase: refusals"
add HOM-0600 --need money --gender male
refused 6 "only a lead may erase a service user ('HOM-0600')" --as mia su erase HOM-0600 --confirm HOM-0600
refused 6 "only a lead may erase" --as wes su erase HOM-0600 --confirm HOM-0600
refused 3 "--confirm 'HOM-0601' does not repeat the ID 'HOM-0600'; nothing was erased" su erase HOM-0600 --confirm HOM-0601
refused 2 "--confirm is required" su erase HOM-0600
refused 4 "no service user 'HOM-0601'" su erase HOM-0601 --confirm HOM-0601
expect_err_has "did you mean: HOM-0501, HOM-0600"

t "erase: the record and its needs are gone; the trail says (erased)"
key=$(sql "SELECT id FROM service_user WHERE uid = 'HOM-0600'")
cl su edit HOM-0600 --ethnicity prefer-not-to-say -q
run su erase hom-0600 --confirm Hom-0600
expect_status 0
expect_out ""
expect_err_has "Erased HOM-0600"
expect_eq "$(sql "SELECT count(*) FROM service_user WHERE id = $key")" "0"
expect_eq "$(sql "SELECT count(*) FROM su_need WHERE su_id = $key")" "0"
expect_eq "$(sql "SELECT count(*) FROM event WHERE su_id = $key AND action = 'su.erase'")" "1"
expect_eq "$(sql "SELECT count(*) FROM event WHERE detail LIKE '%0600%'")" "0"
refused 4 "no service user 'HOM-0600'" su show HOM-0600
run log --format csv
expect_out_has ",su.add,(erased),"
expect_out_has ",su.edit,(erased),"
expect_out_has ",su.erase,(erased),"
expect_out_lacks "HOM-0600"
run log --format json
expect_eq "$(printf '%s' "$out" | python3 -c 'import json,sys; print(sorted({e["action"] for e in json.load(sys.stdin) if e["service_user"] == "(erased)"}))')" "['su.add', 'su.edit', 'su.erase']"
run db check
expect_status 0

t "erase: the ID is free again, and a new person with it has a new trail"
add HOM-0600
run log --su HOM-0600 --format jsonl
expect_eq "$(printf '%s\n' "$out" | wc -l)" "1"
expect_out_has '"action":"su.add"'
[ "$(sql "SELECT id FROM service_user WHERE uid = 'HOM-0600'")" -gt "$key" ] && pass || fail "the key was reused"

t "log: a worker does not see erased people's events"
add HOM-0700
cl su erase HOM-0700 --confirm HOM-0700 -q
run --as wes log --format csv
expect_status 0
expect_out_lacks "(erased)"

finish
