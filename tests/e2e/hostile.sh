#!/usr/bin/env bash
# Issue 8: the hostile-input catalogue. Each input is refused with a clear
# message and the right exit code, and nothing is written (the 'refused'
# helper compares the register's whole dump before and after); text that may
# legitimately hold quotes and semicolons is stored verbatim and breaks nothing.
. "$(dirname "$0")/lib.sh"

standard_register
cl --as wes su add HOM-K3Q7-0042 --confirm-anonymous -q

HEADER="id,service,keyworker,age_band,gender,ethnicity,needs"
# csv NAME CONTENT (printf format): writes $SCRATCH/NAME.csv
csv() { printf "$2" >"$SCRATCH/$1.csv"; }
# import_refused CODE MESSAGE FILE: su import of FILE is refused, nothing written.
import_refused() { refused "$1" "$2" su import "$SCRATCH/$3" --confirm-anonymous; }

# Messages must never carry the raw hostile bytes back to the terminal.
expect_err_clean() {
    if printf '%s' "$err" | LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]\|\xe2\x80[\x8b\xae]\|\xff'; then
        fail "stderr carries raw control, bidi, zero-width or invalid bytes"
    else
        pass
    fi
}

# ---------------------------------------------------------------------------
t "invalid UTF-8 in arguments"
# (A NUL byte cannot be in an argument: argv strings end at the first NUL, so
# the program never sees one. NUL bytes are tested in files below.)
refused 3 "an invalid UTF-8 byte (\\xFF) at position 4" --as wes su add $'HOM\xff42' --confirm-anonymous
expect_err_clean
refused 3 "an invalid UTF-8 byte (\\xC3) at position 4" --as wes su add $'HOM\xc3' --confirm-anonymous
refused 3 "is not valid UTF-8" staff add ned --name $'N\xffed' --worker HOM
expect_err_clean
refused 3 "is not valid UTF-8" staff add ned --name "Ned" --login $'ned\xfe' --no-check-login
refused 3 "is not valid UTF-8" service add FAM --name $'Fam\xffily' --star family
refused 3 "is not a guard word" words add $'oak\xffwood' --kind address
# A reason is kept in the audit trail and printed by 'log --format json':
# it must be text like every other stored text.
refused 3 "reason" words add oakwood --kind address --reason $'local\xff street'
refused 3 "reason" words allow nsh --reason $'our prefix\xff'
run --as $'w\xffs' su list
expect_status 4
expect_err_has "there is no staff member 'w\\xFFs'"
run su list --service $'H\xffM'
expect_status 4
expect_err_clean
t "invalid UTF-8 in the organisation name: no register is created"
new_register bad-org
run init --organisation $'Test \xff Org' --lead boss
expect_status 3
expect_err_has "is not valid UTF-8"
[ ! -e "$CASELOAD_DB" ] && pass || fail "a refused init left a register"
new_register main
export CASELOAD_DB="$SCRATCH/register.db"

t "invalid UTF-8 in CSV cells"
csv utf8-id "$HEADER\nHOM-K3Q7-0100,HOM,wes,,,,\nHOM\xff-0101,HOM,wes,,,,\n"
import_refused 3 "line 3, column id: is not valid UTF-8 (byte \\xFF at position 4)" utf8-id.csv
expect_err_has "nothing was imported"
expect_err_clean
csv utf8-gender "$HEADER\nHOM-K3Q7-0100,HOM,wes,,fem\xc3\x28le,,\n"
import_refused 3 "line 2, column gender: is not valid UTF-8" utf8-gender.csv
csv utf8-header "id,serv\xffice\nHOM-K3Q7-0100,HOM\n"
import_refused 3 "is not valid UTF-8" utf8-header.csv
csv overlong "$HEADER\nHOM-K3Q7-0100,HOM,wes,,,\xc0\xaf,\n"
import_refused 3 "is not valid UTF-8" overlong.csv
csv surrogate "$HEADER\nHOM-K3Q7-0100,HOM,wes,,,\xed\xa0\x80,\n"
import_refused 3 "is not valid UTF-8" surrogate.csv
csv utf16 '\xff\xfei\x00d\x00\n\x00'
import_refused 3 "UTF-16" utf16.csv
printf '{"id":"HOM-K3Q7-0100","service":"HOM","keyworker":"w\xffes"}\n' >"$SCRATCH/utf8.jsonl"
import_refused 3 "line 1" utf8.jsonl

t "NUL bytes in files"
csv nul-cell "$HEADER\nHOM-K3Q7-0100,HOM,w\x00es,,,,\n"
import_refused 3 "line 2, column keyworker: has a NUL byte at position 2" nul-cell.csv
csv nul-id "$HEADER\nHOM-K3Q7\x00-0100,HOM,wes,,,,\n"
import_refused 3 "has a NUL byte" nul-id.csv
csv nul-header "id,ser\x00vice\nHOM-K3Q7-0100,HOM\n"
import_refused 3 "NUL" nul-header.csv
printf '{"id":"HOM-K3Q7\\u0000-0100","service":"HOM","keyworker":"wes"}\n' >"$SCRATCH/nul.jsonl"
import_refused 3 "a control character (\\x00)" nul.jsonl
printf 'HOM-K3Q7\x00-0100\n' >"$SCRATCH/nul-ids"
"$CASELOAD_BIN" id check - <"$SCRATCH/nul-ids" >"$SCRATCH/stdout" 2>"$SCRATCH/stderr"
status=$?
out=$(tr -d '\0' <"$SCRATCH/stdout")
err=$(cat "$SCRATCH/stderr")
expect_status 3
expect_out_has "control character (\\x00)"

t "JSON lines: numbers out of range, deep nesting"
printf '{"id":"HOM-K3Q7-0100","service":"HOM","keyworker":"wes","age_band":1e999}\n' >"$SCRATCH/huge-number.jsonl"
import_refused 3 "line 1" huge-number.jsonl
expect_err_lacks "unexpected failure"
python3 -c "print('{\"id\":\"HOM-K3Q7-0100\",\"gender\":' + '[' * 100000 + ']' * 100000 + '}')" >"$SCRATCH/deep.jsonl"
import_refused 3 "line 1, column gender: must be a string" deep.jsonl

t "a 10 MB field, a 10 MB line"
python3 - "$SCRATCH" <<'PY'
import sys
d = sys.argv[1]
open(d + "/field.csv", "w").write("id,service,keyworker\nHOM-K3Q7-0100,HOM," + "w" * 10_000_000 + "\n")
open(d + "/quoted-field.csv", "w").write('id,service,keyworker\nHOM-K3Q7-0100,HOM,"' + "w,\n" * 3_400_000 + '"\n')
open(d + "/line.csv", "w").write("id,service,keyworker\n" + ",".join(["x" * 11_000] * 950) + "\n")
open(d + "/line.jsonl", "w").write('{"id":"HOM-K3Q7-0100","gender":"' + "x" * 10_000_000 + '"}\n')
open(d + "/ids-1mb", "w").write("a" * 1_048_576 + "\n")
PY
import_refused 3 "line 2, field 3: a field is longer than 1 MB" field.csv
import_refused 3 "a field is longer than 1 MB" quoted-field.csv
import_refused 3 "line 2: a record is longer than 4 MB" line.csv
import_refused 3 "line 1: a line is longer than" line.jsonl
# A 1 MB line where one ID is expected: refused as too long, and the
# message shows only the start of it.
"$CASELOAD_BIN" id check - <"$SCRATCH/ids-1mb" >"$SCRATCH/stdout" 2>"$SCRATCH/stderr"
status=$?
expect_status 3
[ "$(wc -c <"$SCRATCH/stdout")" -lt 8192 ] && [ "$(wc -c <"$SCRATCH/stderr")" -lt 8192 ] && pass ||
    fail "id check echoed a 1 MB ID ($(wc -c <"$SCRATCH/stdout") bytes out, $(wc -c <"$SCRATCH/stderr") err)"

t "100,000 columns"
python3 -c "print(','.join('c%d' % i for i in range(100000))); print('x')" >"$SCRATCH/columns.csv"
import_refused 3 "line 1: a record has more than 1,000 fields" columns.csv
python3 -c "print('id,service,keyworker'); print(','.join(['x'] * 100000))" >"$SCRATCH/row-columns.csv"
import_refused 3 "line 2: a record has more than 1,000 fields" row-columns.csv
[ "${#err}" -lt 4096 ] && pass || fail "the message for 100,000 columns is ${#err} bytes"

t "CR-only line endings"
csv cr-only "id,service,keyworker\rHOM-K3Q7-0100,HOM,wes\rHOM-K3Q7-0101,HOM,wes\r"
import_refused 3 "a line ends with a carriage return alone (old Mac line endings)" cr-only.csv
csv cr-inside "id,service,keyworker\nHOM-K3Q7-0100,HOM,wes\rHOM-K3Q7-0101,HOM,wes\n"
import_refused 3 "carriage return alone" cr-inside.csv

t "an unterminated quote"
csv unterminated "$HEADER\nHOM-K3Q7-0100,HOM,wes,,,,\nHOM-K3Q7-0101,\"HOM,wes,,,,\nHOM-K3Q7-0102,HOM,wes,,,,\n"
import_refused 3 "line 3, field 2: a quoted field starts on this line and is never closed" unterminated.csv
csv after-quote "$HEADER\n\"HOM-K3Q7-0100\"x,HOM,wes,,,,\n"
import_refused 3 "has text after its closing quote" after-quote.csv

t "bidi overrides and zero-width characters in IDs"
refused 3 "a non-ASCII character (\\u{202E}) at position 4" --as wes su add $'HOM\u202e24' --confirm-anonymous
expect_err_clean
refused 3 "a non-ASCII character (\\u{200B}) at position 4" --as wes su add $'HOM\u200b42' --confirm-anonymous
expect_err_clean
refused 3 "a non-ASCII character (\\u{202E}) at position 1" --as wes su add $'\u202eHOM42' --confirm-anonymous
refused 3 "a non-ASCII character (\\u{FEFF})" --as wes su add $'\ufeffHOM42' --confirm-anonymous
refused 3 "a non-ASCII character (\\u{200D})" --as wes su rename HOM-K3Q7-0042 $'HOM\u200d42' --confirm-anonymous
expect_err_clean
refused 3 "control character (\\x1B)" --as wes su add $'HOM\e[2J42' --confirm-anonymous
expect_err_clean
csv bidi "$HEADER\n\xe2\x80\xaeHOM42,HOM,wes,,,,\nHOM\xe2\x80\x8b42,HOM,wes,,,,\n"
import_refused 3 "line 2, column id: '\\u{202E}HOM42' has a non-ASCII character (\\u{202E}) at position 1" bidi.csv
expect_err_has "line 3, column id: 'HOM\\u{200B}42' has a non-ASCII character (\\u{200B}) at position 4"
expect_err_clean
run id check $'HOM\u202e24'
expect_status 3
expect_out_has "\\u{202E}"
if printf '%s' "$out" | grep -q $'\u202e'; then fail "id check printed a raw bidi override"; else pass; fi
run id check $'HOM\e[2J42'
expect_status 3
if printf '%s' "$out" | grep -q $'\e'; then fail "id check printed a raw escape character"; else pass; fi
# A field name in a JSON-lines file is echoed in the problem line: escaped too.
printf '{"id":"HOM-K3Q7-0100","\\u001b[2Jx":"y","se\\u202Ervice":"HOM"}\n' >"$SCRATCH/keys.jsonl"
import_refused 3 "is not a field of a service user" keys.jsonl
expect_err_clean

t "SQL metacharacters: an ID cannot hold them"
BOBBY="Robert'); DROP TABLE staff;--"
refused 3 "has ''' at position 7" --as wes su add "$BOBBY" --confirm-anonymous
refused 3 "has ''' at position 4" --as wes su add "HOM'--" --confirm-anonymous
refused 3 "has ';' at position 4" --as wes su add "HOM;DROP" --confirm-anonymous
refused 3 "has '%' at position 4" --as wes su add "HOM%42" --confirm-anonymous
refused 3 "has ''' at position" --as wes su rename HOM-K3Q7-0042 "HOM' OR '1'='1" --confirm-anonymous
csv sql-id "$HEADER\n\"$BOBBY\",HOM,wes,,,,\n"
import_refused 3 "has ''' at position 7" sql-id.csv

t "SQL metacharacters in lookups match nothing"
run su show "HOM-K3Q7-0042' OR '1'='1"
[ "$status" -eq 3 ] || [ "$status" -eq 4 ] && pass || fail "exit $status"
refused 4 "there is no service" su list --service "HOM' OR '1'='1"
refused 4 "there is no service" su list --service "%"
refused 4 "there is no staff member" su list --keyworker "%"
refused 4 "there is no staff member" log --actor "boss' OR 1=1 --"
run su list --format csv --keyworker wes
expect_out_has "HOM-K3Q7-0042"
run log --actor "_oss"
[ "$status" -ne 0 ] && pass || fail "'_' matched as a LIKE wildcard"

t "SQL metacharacters in text fields are stored verbatim"
TEXT="$BOBBY \"quoted\" %s %n \\\\ 50% _x_ ;--"
new_register sql
run init --organisation "$TEXT" --lead boss --name "$TEXT"
expect_status 0
run service add HOM --name "$TEXT" --star homelessness
expect_status 0
run staff add bobby --name "$TEXT" --login "o'brien;--" --no-check-login --worker HOM
expect_status 0
run words add oakwood --kind address --reason "$TEXT"
expect_status 0
run words allow nsh --reason "$TEXT"
expect_status 0
printf 'code = bobby\nname = %s\nneed one = %s\nneed two = Two\n' "$TEXT" "$TEXT" >"$SCRATCH/bobby.star"
run star add "$SCRATCH/bobby.star"
expect_status 0
q() { sqlite3 "$CASELOAD_DB" "$1"; }
expect_eq "$(q "SELECT name FROM organisation")" "$TEXT" "(organisation)"
expect_eq "$(q "SELECT name FROM service WHERE code = 'HOM'")" "$TEXT" "(service name)"
expect_eq "$(q "SELECT name FROM staff WHERE username = 'bobby'")" "$TEXT" "(staff name)"
expect_eq "$(q "SELECT name FROM staff WHERE username = 'boss'")" "$TEXT" "(lead's name)"
expect_eq "$(q "SELECT login FROM staff WHERE username = 'bobby'")" "o'brien;--" "(login)"
expect_eq "$(q "SELECT reason FROM guard_word WHERE word = 'oakwood'")" "$TEXT" "(reason)"
expect_eq "$(q "SELECT reason FROM guard_word WHERE word = 'nsh'")" "$TEXT" "(allow reason)"
expect_eq "$(q "SELECT name FROM star WHERE code = 'bobby'")" "$TEXT" "(Star name)"
expect_eq "$(q "SELECT label FROM star_need n JOIN star s ON s.id = n.star_id WHERE s.code = 'bobby' AND n.code = 'one'")" "$TEXT" "(need label)"
expect_eq "$(q "SELECT count(*) FROM sqlite_schema WHERE name = 'staff'")" "1" "(the staff table)"
run staff show bobby --format json
expect_status 0
expect_eq "$(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["name"])')" "$TEXT"
run service list --format json
expect_eq "$(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["name"])')" "$TEXT"
run star show bobby --format jsonl
expect_out_has '"label":"Robert'\''); DROP TABLE staff;--'
run log --format json
expect_status 0
printf '%s' "$out" | python3 -c 'import json,sys; json.load(sys.stdin)' && pass || fail "log --format json is not JSON"
cl --as bobby su add HOM-K3Q7-0001 --confirm-anonymous -q
run su list --format csv
expect_out_has "HOM-K3Q7-0001,HOM,bobby"
run db check
expect_status 0
export CASELOAD_DB="$SCRATCH/register.db"

t "a very long argument"
# Linux passes at most 128 KiB in one argument (MAX_ARG_STRLEN), so a 1 MB
# argument never reaches the program ("Argument list too long" from exec);
# the longest one that can arrive is 131,071 bytes. 1 MB values are tested
# through files above (and id check - reads one). Each refusal shows only the
# start of the value.
BIG=$(head -c 131071 /dev/zero | tr '\0' a)
long_refused() {
    refused "$@"
    [ "${#err}" -lt 2048 ] && pass || fail "the message is ${#err} bytes"
}
long_refused 3 "is too long (131071 characters)" --as wes su add "$BIG" --confirm-anonymous
long_refused 3 "is not valid UTF-8 text of at most 120 bytes" staff add ned --name "$BIG" --worker HOM
long_refused 3 "at most 64 bytes" staff add ned --name Ned --login "$BIG" --no-check-login
long_refused 3 "at most 120 bytes" service add FAM --name "$BIG" --star family
long_refused 3 "reason" words add elmwood --kind address --reason "$BIG"
long_refused 4 "there is no staff member" --as "$BIG" su list
long_refused 4 "there is no service" su list --service "$BIG"
run su show "$BIG"
[ "$status" -eq 3 ] || [ "$status" -eq 4 ] && pass || fail "su show: exit $status"
[ "${#err}" -lt 2048 ] && pass || fail "the message is ${#err} bytes"
new_register long-org
run init --organisation "$BIG" --lead boss
expect_status 3
[ ! -e "$CASELOAD_DB" ] && pass || fail "a refused init left a register"
export CASELOAD_DB="$SCRATCH/register.db"

# ---------------------------------------------------------------------------
# The register file itself.
# file_refused CODE MESSAGE FILE ARGS...: caseload --db FILE ARGS is refused
# and FILE's bytes are unchanged.
file_refused() {
    local code=$1 message=$2 file=$3 before
    shift 3
    before=$(md5sum <"$file")
    run --db "$file" "$@"
    expect_status "$code"
    expect_err_has "$message"
    expect_eq "$(md5sum <"$file")" "$before" "($file changed)"
}

t "a register file that is not SQLite"
printf 'id,service\nHOM-1,HOM\n' >"$SCRATCH/text.db"
file_refused 3 "is not an SQLite database" "$SCRATCH/text.db" su list
file_refused 3 "not an SQLite database" "$SCRATCH/text.db" --as wes su add HOM-K3Q7-0100 --confirm-anonymous
head -c 100000 /dev/urandom >"$SCRATCH/random.db"
file_refused 3 "not an SQLite database" "$SCRATCH/random.db" db check
{ printf 'SQLite format 3\0'; head -c 8000 /dev/urandom; } >"$SCRATCH/fake.db"
file_refused 3 "not an SQLite database" "$SCRATCH/fake.db" su list
: >"$SCRATCH/empty.db"
file_refused 3 "is not an SQLite database (the file is empty)" "$SCRATCH/empty.db" --as wes su add HOM-K3Q7-0100 --confirm-anonymous
expect_eq "$(stat -c %s "$SCRATCH/empty.db")" "0" "(the empty file was written)"
sqlite3 "$SCRATCH/other.db" "CREATE TABLE service_user (uid TEXT); INSERT INTO service_user VALUES ('x')"
file_refused 3 "an SQLite database but not a caseload register" "$SCRATCH/other.db" su list
run --db "$SCRATCH" su list
expect_status 3
expect_err_has "is a directory, not a register"

t "a read-only register"
# Tests run as root, and root ignores file permissions (chmod 0400 would not
# stop it). Two ways that hold for root: run caseload as an unprivileged user
# (setpriv to 'nobody', a staff member of this register, whose login cannot
# write the root-owned file), and make the file immutable (chattr +i, which
# even root cannot write through). When not root, plain chmod does it.
RO="$SCRATCH/ro"
mkdir -p "$RO"
chmod 755 "$SCRATCH" "$RO"
cp "$SCRATCH/register.db" "$RO/register.db"
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null && getent passwd 65534 >/dev/null; then
    nobody=$(getent passwd 65534 | cut -d: -f1)
    cl --db "$RO/register.db" staff add nob --name "Nob" --login "$nobody" --no-check-login --worker HOM -q
    chmod 644 "$RO/register.db"
    as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$CASELOAD_BIN" --db "$RO/register.db" "$@"; }
    before=$(md5sum <"$RO/register.db")
    as_nobody su add HOM-K3Q7-0100 --confirm-anonymous >"$SCRATCH/stdout" 2>"$SCRATCH/stderr"
    status=$? err=$(cat "$SCRATCH/stderr")
    expect_status 6
    expect_err_has "is read-only for you"
    expect_err_has "the file and its directory must be writable"
    expect_eq "$(md5sum <"$RO/register.db")" "$before" "(a read-only register changed)"
    t "a register in a directory its user cannot write"
    chmod 666 "$RO/register.db"
    as_nobody su add HOM-K3Q7-0100 --confirm-anonymous >"$SCRATCH/stdout" 2>"$SCRATCH/stderr"
    status=$? err=$(cat "$SCRATCH/stderr")
    expect_status 6
    expect_err_has "directory must be writable"
    expect_eq "$(md5sum <"$RO/register.db")" "$before" "(the register changed)"
    chmod 600 "$RO/register.db"
    t "a register its user may not open (mode 0600, another owner): exit 6, not 4"
    as_nobody su list >"$SCRATCH/stdout" 2>"$SCRATCH/stderr"
    status=$? err=$(cat "$SCRATCH/stderr")
    expect_status 6
    expect_err_has "you may not open the register $RO/register.db: Permission denied"
    expect_err_has "run the command as the login that owns it"
elif [ "$(id -u)" -ne 0 ]; then
    chmod 400 "$RO/register.db"
    file_refused 6 "is read-only for you" "$RO/register.db" --as wes su add HOM-K3Q7-0100 --confirm-anonymous
    chmod 600 "$RO/register.db"
else
    echo "hostile: skipped the read-only test as another user: no setpriv or no uid 65534" >&2
fi
t "an immutable register (chattr +i, which binds root too)"
if [ "$(id -u)" -eq 0 ] && chattr +i "$RO/register.db" 2>/dev/null; then
    file_refused 6 "is read-only for you" "$RO/register.db" --as wes su add HOM-K3Q7-0100 --confirm-anonymous
    run --db "$RO/register.db" su list --format csv
    expect_status 0
    expect_out_has "HOM-K3Q7-0042"
    chattr -i "$RO/register.db"
    rm -f "$RO/register.db-wal" "$RO/register.db-shm"
    t "a register in an immutable directory"
    chattr +i "$RO"
    file_refused 4 "cannot open the register" "$RO/register.db" --as wes su add HOM-K3Q7-0100 --confirm-anonymous
    expect_err_has "directory"
    chattr -i "$RO"
    t "init in an immutable directory"
    chattr +i "$RO"
    run --db "$RO/new/register.db" init --organisation Test --lead boss
    expect_status 6
    expect_err_has "cannot create the directory $RO/new"
    run --db "$RO/new.db" init --organisation Test --lead boss
    expect_status 6
    expect_err_has "cannot create $RO/new.db"
    chattr -i "$RO"
    [ ! -e "$RO/new" ] && [ ! -e "$RO/new.db" ] && pass || fail "a refused init left files"
else
    echo "hostile: skipped the chattr +i tests (not root, or the filesystem or container does not allow it)" >&2
fi

t "init where no directory can be made"
printf 'x' >"$SCRATCH/plain-file"
run --db "$SCRATCH/plain-file/sub/register.db" init --organisation Test --lead boss
expect_status 3
expect_err_has "cannot create the directory $SCRATCH/plain-file/sub"
expect_err_has "choose another path with --db"

t "a register in a missing directory"
run --db "$SCRATCH/no/such/dir/register.db" su list
expect_status 4
expect_err_has "there is no register at $SCRATCH/no/such/dir/register.db"
expect_err_has "caseload init"
[ ! -e "$SCRATCH/no" ] && pass || fail "a lookup created the directory"
run --db "$SCRATCH/text.db/register.db" su list
expect_status 4
run --db $'/nonexistent/\e[2J/register.db' su list
expect_status 4
expect_err_clean

t "a register from a newer schema version"
cp "$SCRATCH/register.db" "$SCRATCH/newer.db"
sqlite3 "$SCRATCH/newer.db" "PRAGMA user_version = 99"
export CASELOAD_DB="$SCRATCH/newer.db"
refused 3 "has schema version 99, newer than this caseload knows (8)" su list
expect_err_has "it was not changed"
refused 3 "newer than this caseload knows" --as wes su add HOM-K3Q7-0100 --confirm-anonymous
refused 3 "newer than this caseload knows" db upgrade
refused 3 "newer than this caseload knows" db check
expect_eq "$(sqlite3 "$CASELOAD_DB" 'PRAGMA user_version')" "99"
export CASELOAD_DB="$SCRATCH/register.db"

t "after all of it the register is whole"
run db check
expect_status 0
expect_eq "$(sqlite3 "$CASELOAD_DB" 'SELECT count(*) FROM service_user')" "1"

finish
