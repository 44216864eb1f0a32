#!/usr/bin/env bash
# caseload org show|pattern, and init --id-pattern: the organisation's ID
# pattern (spec §2), set, shown, cleared and audited; every refusal (the
# `refused` helper: exit code, message, and the register unchanged); and the
# pattern applied to su add, su rename and su import.
. "$(dirname "$0")/lib.sh"

export CASELOAD_TODAY=2026-11-26
standard_register

sql() { sqlite3 "$CASELOAD_DB" "$1"; }
json_field() { python3 -c "import json,sys; v=json.load(sys.stdin)['$1']; print('null' if v is None else v)"; }
add() { # ID [ARGS...]: a service user of HOM on wes's caseload
    local id=$1
    shift
    cl su add "$id" --service HOM --keyworker wes --confirm-anonymous -q "$@"
}
org_events() { sql "SELECT count(*) FROM event WHERE action LIKE 'org.%'"; }

# ---------------------------------------------------------------------------
t "show: the name and that there is no pattern, in every format"
run org show
expect_status 0
expect_out_has "Test Org"
expect_eq "$(printf '%s\n' "$out" | awk '$1 == "id" && $2 == "pattern" && NF == 3 { print $3 }')" "-" "(id pattern in the table)"
expect_err_has "No ID pattern"
run org show --format json
expect_status 0
expect_eq "$(printf '%s' "$out" | json_field name)" "Test Org"
expect_eq "$(printf '%s' "$out" | json_field id_pattern)" "null"
expect_eq "$(printf '%s' "$out" | json_field id_pattern_description)" "null"
expect_eq "$(printf '%s' "$out" | json_field guard_words)" "0"
expect_eq "$err" "" "(no note for scripts)"
run org show --json
expect_eq "$(printf '%s' "$out" | json_field id_pattern)" "null"
run org show --format jsonl
expect_eq "$(printf '%s\n' "$out" | wc -l | tr -d ' ')" "1" "(one line)"
expect_eq "$(printf '%s' "$out" | json_field name)" "Test Org"
run org show --format csv
expect_out "name,id_pattern,id_pattern_description,guard_words
Test Org,,,0"
run org show --format tsv
expect_out "$(printf 'name\tid_pattern\tid_pattern_description\tguard_words\nTest Org\t\t\t0')"
run -q org show
expect_eq "$err" "" "(-q)"

t "show: anyone may run it"
for who in wes mia rex; do
    run --as "$who" org show --format json
    expect_status 0
    expect_eq "$(printf '%s' "$out" | json_field name)" "Test Org"
done

t "show: no register"
run --db "$SCRATCH/nowhere.db" org show
expect_status 4
expect_err_has "caseload init"

# ---------------------------------------------------------------------------
t "pattern: refusals write nothing"
refused 2 "a pattern needs a description" org pattern 'HOM-[0-9]{4}'
refused 2 "which pattern? give one, or --clear" org pattern
refused 2 "which pattern? give one, or --clear" org pattern --description 'HOM- and four digits'
refused 2 "give a pattern or --clear, not both" org pattern 'HOM-[0-9]{4}' --clear
refused 2 "give a pattern or --clear, not both" org pattern --clear --description 'x'
refused 2 "--kind" org pattern 'HOM-[0-9]{4}' --description 'x' --kind name
refused 3 "'HOM-[0-9' is not a valid regular expression: the '[' at position 5 has no ']' after it" \
    org pattern 'HOM-[0-9' --description 'HOM- and four digits'
expect_err_has "hint: an ID pattern is an ECMAScript regular expression that the whole ID must match"
refused 3 "'(HOM-[0-9]{4}' is not a valid regular expression: the '(' at position 1 has no ')' after it" \
    org pattern '(HOM-[0-9]{4}' --description 'HOM- and four digits'
refused 3 "'*HOM' is not a valid regular expression: the '*' at position 1 has nothing before it to repeat" \
    org pattern '*HOM' --description 'HOM'
refused 3 "'HOM-[0-9]{4' is not a valid regular expression: mismatched '{' and '}' in the pattern" \
    org pattern 'HOM-[0-9]{4' --description 'HOM'
refused 3 "is not a valid regular expression" org pattern 'HOM-\' --description 'HOM'
refused 3 "the pattern is empty" org pattern ' ' --description 'anything'
refused 3 "the pattern description is empty" org pattern 'HOM-[0-9]{4}' --description '  '
refused 3 "contains a control character" org pattern 'HOM-[0-9]{4}' --description "$(printf 'HOM-\tfour')"
refused 3 "is not valid UTF-8 text of at most 200 bytes" org pattern 'HOM-[0-9]{4}' --description "$(printf '%0201d' 0)"
refused 3 "is not valid UTF-8 text" org pattern 'HOM-[0-9]{4}' --description "$(printf 'caf\xe9')"

t "pattern: only a lead (exit 6), also to clear"
refused 6 "only a lead may set the ID pattern" --as wes org pattern 'HOM-[0-9]{4}' --description 'HOM- and four digits'
expect_err_has "hint: ask a lead"
refused 6 "only a lead may set the ID pattern" --as mia org pattern 'HOM-[0-9]{4}' --description 'HOM- and four digits'
refused 6 "only a lead may clear the ID pattern" --as wes org pattern --clear
CASELOAD_USER=rex refused 6 "only a lead may set the ID pattern" org pattern 'REC-.*' --description 'REC-'
expect_eq "$(sql "SELECT id_pattern IS NULL FROM organisation")" "1"

# ---------------------------------------------------------------------------
t "pattern: set, with a warning for the stored IDs that do not match"
add HOM-0001
add HOM-0002
add hom-7
add Zqxv-9000
cl su leave Zqxv-9000 -q
cl su add REC-0001 --service REC --keyworker rex --confirm-anonymous -q
run org pattern 'HOM-[0-9]{4}' --description 'HOM- and four digits'
expect_status 0
expect_out ""
expect_err_has "Set the ID pattern: HOM-[0-9]{4} (HOM- and four digits)."
expect_err_has "caseload: warning: 3 of 5 stored IDs do not match the new pattern (2 of them active). Stored IDs stay valid; new IDs and renames must match."
expect_err_has "caseload: warning: IDs made by --generate (e.g. HOM-"
expect_eq "$(sql "SELECT id_pattern || '|' || id_pattern_description FROM organisation")" "HOM-[0-9]{4}|HOM- and four digits"

t "pattern: the warnings are shown with -q too, the note is not"
run -q org pattern 'HOM-[0-9]{4}' --description 'HOM-, then four digits'
expect_status 0
expect_err_lacks "Set the ID pattern"
expect_err_has "3 of 5 stored IDs do not match the new pattern (2 of them active)"

t "pattern: show it"
run org show
expect_status 0
expect_out_has "HOM-[0-9]{4}"
expect_out_has "HOM-, then four digits"
expect_err_lacks "No ID pattern"
run --as rex org show --format json
expect_eq "$(printf '%s' "$out" | json_field id_pattern)" "HOM-[0-9]{4}"
expect_eq "$(printf '%s' "$out" | json_field id_pattern_description)" "HOM-, then four digits"
run org show --format csv
expect_out "name,id_pattern,id_pattern_description,guard_words
Test Org,HOM-[0-9]{4},\"HOM-, then four digits\",0"

t "pattern: every change is in the audit trail, with what it was"
run log --format csv
expect_out_has 'boss,org.pattern,,HOM-[0-9]{4} (HOM- and four digits); there was none'
expect_out_has 'boss,org.pattern,,"HOM-[0-9]{4} (HOM-, then four digits); was HOM-[0-9]{4} (HOM- and four digits)"'
expect_eq "$(org_events)" "2"

t "pattern: the same again changes nothing and records nothing"
run org pattern ' HOM-[0-9]{4} ' --description 'HOM-, then four digits'
expect_status 0
expect_err_has "already that; nothing changed"
expect_err_lacks "warning"
expect_eq "$(org_events)" "2"

t "pattern: a lead acting as another staff member is refused"
refused 6 "only a lead may set the ID pattern" --as wes org pattern 'X-.*' --description 'X-'

# ---------------------------------------------------------------------------
t "su add: a new ID must match"
refused 3 "'HOM-42' does not match your organisation's ID pattern" su add HOM-42 --service HOM --keyworker wes --confirm-anonymous
expect_err_has "hint: IDs here are: HOM-, then four digits"
refused 3 "'hom-0042' does not match your organisation's ID pattern" --as wes su add hom-0042 --confirm-anonymous
refused 3 "'REC-0002' does not match your organisation's ID pattern" --as rex su add REC-0002 --confirm-anonymous
run --as wes su add HOM-0042 --confirm-anonymous
expect_status 0

t "su rename: the new ID must match"
refused 3 "'HOM-77' does not match your organisation's ID pattern" su rename HOM-0042 HOM-77 --confirm-anonymous
expect_err_has "IDs here are: HOM-, then four digits"
refused 3 "'REC-0042' does not match your organisation's ID pattern" su rename REC-0001 REC-0042 --confirm-anonymous
run su rename HOM-0042 HOM-0043 --confirm-anonymous
expect_status 0
expect_out "HOM-0042 -> HOM-0043"

t "--generate: refused when the pattern does not allow generated IDs"
refused 3 "your organisation's ID pattern (HOM-, then four digits) does not allow generated IDs such as 'HOM-" su add --generate --service HOM --keyworker wes --confirm-anonymous
expect_err_has "enter an ID that fits the pattern instead of --generate"
refused 3 "does not allow generated IDs such as 'HOM-" su rename HOM-0043 --generate
printf 'id,service,keyworker\n,HOM,wes\n' >"$SCRATCH/blank.csv"
refused 3 "does not allow generated IDs such as 'HOM-" su import "$SCRATCH/blank.csv" --generate-ids --confirm-anonymous

t "su import: each row's ID must match"
printf 'id,service,keyworker\nHOM-0100,HOM,wes\nHOM-101,HOM,wes\n' >"$SCRATCH/rows.csv"
refused 3 "line 3, column id: 'HOM-101' does not match your organisation's ID pattern" su import "$SCRATCH/rows.csv" --confirm-anonymous

t "pattern: stored IDs that do not match stay valid"
run su show hom-7
expect_status 0
run su edit hom-7 --gender female
expect_status 0
run su return Zqxv-9000
expect_status 0
run su show REC-0001 --format json
expect_status 0

# ---------------------------------------------------------------------------
t "pattern --clear: any valid ID again, audited"
run org pattern --clear
expect_status 0
expect_out ""
expect_err_has "Cleared the ID pattern"
expect_eq "$(sql "SELECT id_pattern IS NULL AND id_pattern_description IS NULL FROM organisation")" "1"
run log --format csv
expect_out_has 'boss,org.pattern.clear,,"was HOM-[0-9]{4} (HOM-, then four digits)"'
expect_eq "$(org_events)" "3"
run org show --format json
expect_eq "$(printf '%s' "$out" | json_field id_pattern)" "null"
run su add HOM-42 --service HOM --keyworker wes --confirm-anonymous
expect_status 0

t "pattern --clear: again, nothing to do"
run org pattern --clear
expect_status 0
expect_err_has "There is no ID pattern; nothing changed."
expect_eq "$(org_events)" "3"

t "pattern: no warnings when everything matches"
run org pattern '[A-Za-z]+-[0-9A-Za-z-]+' --description 'letters, a dash, then letters and digits'
expect_status 0
expect_err_lacks "warning"

t "pattern: a busy register waits --wait, then exit 7"
(sqlite3 "$CASELOAD_DB" "BEGIN IMMEDIATE; SELECT 1;" ".shell sleep 3" "COMMIT;" >/dev/null 2>&1 &)
sleep 0.5
refused 7 "is busy" --wait 1 org pattern --clear
sleep 3

# ---------------------------------------------------------------------------
t "init --id-pattern: set when the register is created"
new_register init
run init --organisation "Northside" --lead ana --id-pattern 'NS-[0-9]{4}' --id-pattern-description 'NS- and four digits'
expect_status 0
expect_err_has "New IDs must match NS-[0-9]{4} (NS- and four digits)."
run org show --format json
expect_eq "$(printf '%s' "$out" | json_field name)" "Northside"
expect_eq "$(printf '%s' "$out" | json_field id_pattern)" "NS-[0-9]{4}"
expect_eq "$(printf '%s' "$out" | json_field id_pattern_description)" "NS- and four digits"
expect_eq "$(sql "SELECT action || ': ' || detail FROM event ORDER BY id")" "register.init: organisation Northside, lead ana (login $(id -un))
org.pattern: NS-[0-9]{4} (NS- and four digits); there was none"
cl service add NS --name Northside --star homelessness -q
cl staff add wes --name Wes --login wes-login --no-check-login --worker NS -q
refused 3 "'NS-12' does not match your organisation's ID pattern" su add NS-12 --service NS --keyworker wes --confirm-anonymous
expect_err_has "IDs here are: NS- and four digits"

t "init --id-pattern: refusals create no register"
for args in "--id-pattern NS-.*" "--id-pattern-description x"; do
    new_register "half-${args%% *}"
    run init --organisation "Northside" --lead ana $args
    expect_status 2
    expect_err_has "give --id-pattern REGEX and --id-pattern-description TEXT together"
    [ -e "$CASELOAD_DB" ] && fail "a refused init created $CASELOAD_DB" || pass
done
new_register bad
run init --organisation "Northside" --lead ana --id-pattern 'NS-[0-9' --id-pattern-description 'NS- and four digits'
expect_status 3
expect_err_has "'NS-[0-9' is not a valid regular expression: the '[' at position 4 has no ']' after it"
[ -e "$CASELOAD_DB" ] && fail "a refused init created $CASELOAD_DB" || pass
run init --organisation "Northside" --lead ana --id-pattern 'NS-.*' --id-pattern-description ''
expect_status 3
expect_err_has "the pattern description is empty"
[ -e "$CASELOAD_DB" ] && fail "a refused init created $CASELOAD_DB" || pass

# ---------------------------------------------------------------------------
t "help"
run org --help
expect_status 0
expect_out_has "show"
expect_out_has "pattern"
run org pattern --help
expect_status 0
expect_out_has "--description"
expect_out_has "--clear"
expect_out_has "Examples:"
run org
expect_status 2
expect_err_has "'caseload org' needs a command: show, pattern"

finish
