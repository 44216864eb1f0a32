#!/usr/bin/env bash
# Issue 4: the role rules of spec §1 for every command that shows or changes a
# service user, run as each of six staff members against a fresh service user
# (of HOM, on wes's caseload):
#   lead          boss, the OS login (no --as)
#   manager       mia, manager of HOM
#   other-manager max, manager of REC
#   keyworker     wes, worker of HOM and the keyworker
#   co-worker     wyn, another worker of HOM
#   outsider      rex, worker of REC
# Workers: show, edit, needs, rename, leave/return on their own caseload.
# Managers: all of those within their services, plus allocate. Leads:
# everything, plus erase. A refusal is exit 6 and leaves the register unchanged.
. "$(dirname "$0")/lib.sh"

standard_register

# command role expected (an exit code; for `list`, seen or hidden)
TABLE="
show      lead          0
show      manager       0
show      other-manager 6
show      keyworker     0
show      co-worker     6
show      outsider      6
edit      lead          0
edit      manager       0
edit      other-manager 6
edit      keyworker     0
edit      co-worker     6
edit      outsider      6
needs     lead          0
needs     manager       0
needs     other-manager 6
needs     keyworker     0
needs     co-worker     6
needs     outsider      6
needs-add lead          0
needs-add manager       0
needs-add other-manager 6
needs-add keyworker     0
needs-add co-worker     6
needs-add outsider      6
rename    lead          0
rename    manager       0
rename    other-manager 6
rename    keyworker     0
rename    co-worker     6
rename    outsider      6
leave     lead          0
leave     manager       0
leave     other-manager 6
leave     keyworker     0
leave     co-worker     6
leave     outsider      6
return    lead          0
return    manager       0
return    other-manager 6
return    keyworker     0
return    co-worker     6
return    outsider      6
allocate  lead          0
allocate  manager       0
allocate  other-manager 6
allocate  keyworker     6
allocate  co-worker     6
allocate  outsider      6
erase     lead          0
erase     manager       6
erase     other-manager 6
erase     keyworker     6
erase     co-worker     6
erase     outsider      6
log       lead          0
log       manager       0
log       other-manager 6
log       keyworker     0
log       co-worker     6
log       outsider      6
list      lead          seen
list      manager       seen
list      other-manager hidden
list      keyworker     seen
list      co-worker     hidden
list      outsider      hidden
"

username() {
    case $1 in
        lead) echo boss ;;
        manager) echo mia ;;
        other-manager) echo max ;;
        keyworker) echo wes ;;
        co-worker) echo wyn ;;
        outsider) echo rex ;;
    esac
}

field() { cl su show "$1" --format json | python3 -c "import json,sys; v=json.load(sys.stdin)['$2']; print(';'.join(v) if isinstance(v, list) else v)"; }
last_actor() { sqlite3 "$CASELOAD_DB" "SELECT s.username FROM event e JOIN staff s ON s.id = e.actor_id ORDER BY e.id DESC LIMIT 1"; }

# The arguments of a command against ID.
args_of() {
    local command=$1 id=$2
    case $command in
        show) echo "su show $id" ;;
        edit) echo "su edit $id --gender female" ;;
        needs) echo "su needs $id" ;;
        needs-add) echo "su needs $id --add money" ;;
        rename) echo "su rename $id --generate" ;;
        leave) echo "su leave $id" ;;
        return) echo "su return $id" ;;
        allocate) echo "su allocate $id --to wyn" ;;
        erase) echo "su erase $id --confirm $id" ;;
        log) echo "log --su $id" ;;
        list) echo "su list --format csv" ;;
    esac
}

# What a successful command must have done.
check_effect() {
    local command=$1 id=$2 who=$3
    case $command in
        show) expect_out_has "$id" ;;
        edit) expect_eq "$(field "$id" gender)" "female" ;;
        needs) expect_out_has "rough-sleeping" ;;
        needs-add) expect_eq "$(field "$id" needs)" "money;rough-sleeping" ;;
        rename)
            local new=${out#"$id -> "}
            [ "$new" != "$out" ] && [ -n "$new" ] && pass || fail "no 'OLD -> NEW' line"
            expect_eq "$(field "$new" id)" "$new"
            run su show "$id"
            expect_status 4
            ;;
        leave) expect_eq "$(field "$id" status)" "left" ;;
        return) expect_eq "$(field "$id" status)" "active" ;;
        allocate) expect_eq "$(field "$id" keyworker)" "wyn" ;;
        erase)
            run su show "$id"
            expect_status 4
            ;;
        log) expect_out_has "su.add" ;;
    esac
    case $command in
        edit | needs-add | rename | leave | return | allocate | erase)
            expect_eq "$(last_actor)" "$who" "(the event's actor)" ;;
    esac
}

rows=0
while read -r command role expected; do
    [ -z "$command" ] && continue
    rows=$((rows + 1))
    t "$command as $role"
    who=$(username "$role")
    as=()
    [ "$role" != lead ] && as=(--as "$who")
    id=$(cl su add --generate --service HOM --keyworker wes --need rough-sleeping -q)
    [ "$command" = return ] && cl su leave "$id" -q
    read -r -a argv <<<"$(args_of "$command" "$id")"
    case $expected in
        seen | hidden)
            run "${as[@]}" "${argv[@]}"
            expect_status 0
            if [ "$expected" = seen ]; then expect_out_has "$id"; else expect_out_lacks "$id"; fi
            ;;
        0)
            run "${as[@]}" "${argv[@]}"
            expect_status 0
            check_effect "$command" "$id" "$who"
            ;;
        *)
            refused "$expected" "$id" "${as[@]}" "${argv[@]}"
            expect_err_has "may"
            ;;
    esac
done <<<"$TABLE"

t "the table covers every command for every role"
expect_eq "$rows" "66"

finish
