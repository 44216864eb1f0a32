# Shared helpers for the end-to-end suites: each suite sources this file, runs
# the real binary ($CASELOAD_BIN) against fresh registers in a scratch
# directory, and prints "N passed, M failed". The scratch directory is kept
# when something fails, so the registers can be inspected.
set -u
: "${CASELOAD_BIN:?set CASELOAD_BIN to the caseload binary}"
SUITE=$(basename "$0" .sh)
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/caseload-$SUITE.XXXXXX")
export CASELOAD_DB="$SCRATCH/register.db"
export HOME="$SCRATCH/home"
mkdir -p "$HOME"
unset CASELOAD_USER NO_COLOR XDG_DATA_HOME CASELOAD_TODAY
PASSED=0
FAILED=0
CURRENT="(setup)"

cl() { "$CASELOAD_BIN" "$@"; }

# under_asan: true when $CASELOAD_BIN is an AddressSanitizer build (the second
# stage of .ci/run), where each command starts about ten times slower and
# reserves terabytes of address space. ctest says so (CASELOAD_SANITIZED=1, set
# by tests/CMakeLists.txt); by hand, a GCC build shows libasan in ldd, while
# clang links its runtime in, which leaves the __asan_init symbol.
under_asan() {
    [ -n "${CASELOAD_SANITIZED:-}" ] && { [ "$CASELOAD_SANITIZED" = 1 ]; return; }
    ldd "$CASELOAD_BIN" 2>/dev/null | grep -q libasan && return 0
    grep -q -a -m1 __asan_init "$CASELOAD_BIN" 2>/dev/null
}

# run ARGS...: runs caseload with no stdin; sets $status, $out, $err.
run() {
    "$CASELOAD_BIN" "$@" >"$SCRATCH/stdout" 2>"$SCRATCH/stderr" </dev/null
    status=$?
    out=$(cat "$SCRATCH/stdout")
    err=$(cat "$SCRATCH/stderr")
}

# run_in INPUT ARGS...: as run, with INPUT on stdin.
run_in() {
    local input=$1
    shift
    printf '%s' "$input" | "$CASELOAD_BIN" "$@" >"$SCRATCH/stdout" 2>"$SCRATCH/stderr"
    status=$?
    out=$(cat "$SCRATCH/stdout")
    err=$(cat "$SCRATCH/stderr")
}

t() { CURRENT="$*"; }

fail() {
    FAILED=$((FAILED + 1))
    echo "FAIL [$CURRENT]: $*" >&2
    echo "  status: ${status:-?}" >&2
    echo "  stdout: $(printf '%s' "${out:-}" | head -c 600)" >&2
    echo "  stderr: $(printf '%s' "${err:-}" | head -c 600)" >&2
}
pass() { PASSED=$((PASSED + 1)); }

expect_status() {
    if [ "$status" -eq "$1" ]; then pass; else fail "expected exit $1, got $status"; fi
}
expect_out() {
    if [ "$out" = "$1" ]; then pass; else fail "expected stdout '$1'"; fi
}
expect_out_has() {
    if printf '%s' "$out" | grep -qF -- "$1"; then pass; else fail "stdout lacks '$1'"; fi
}
expect_out_lacks() {
    if printf '%s' "$out" | grep -qF -- "$1"; then fail "stdout has '$1'"; else pass; fi
}
expect_err_has() {
    if printf '%s' "$err" | grep -qF -- "$1"; then pass; else fail "stderr lacks '$1'"; fi
}
expect_err_lacks() {
    if printf '%s' "$err" | grep -qF -- "$1"; then fail "stderr has '$1'"; else pass; fi
}
expect_eq() {
    if [ "$1" = "$2" ]; then pass; else fail "expected '$2', got '$1' ${3:-}"; fi
}

# The register's whole content, to prove that a refusal wrote nothing.
snapshot() { sqlite3 "$CASELOAD_DB" .dump 2>/dev/null | md5sum; }

# refused CODE MESSAGE ARGS...: runs a command that must be refused with exit
# CODE and MESSAGE on stderr, and must leave the register unchanged.
refused() {
    local code=$1 message=$2
    shift 2
    local before
    before=$(snapshot)
    run "$@"
    expect_status "$code"
    expect_err_has "$message"
    if [ "$(snapshot)" = "$before" ]; then pass; else fail "the register changed"; fi
    if [ -z "$out" ]; then pass; else fail "a refusal printed data on stdout"; fi
}

# A register with two services, a manager and workers:
#   boss (lead, this OS login), mia (manager of HOM), wes, wyn (workers of HOM),
#   rex (worker of REC), max (manager of REC).
standard_register() {
    cl init --organisation "Test Org" --lead boss -q
    cl service add HOM --name Hostel --star homelessness -q
    cl service add REC --name Recovery --star recovery -q
    cl staff add mia --name "Mia" --login mia-login --no-check-login --manager HOM -q
    cl staff add wes --name "Wes" --login wes-login --no-check-login --worker HOM -q
    cl staff add wyn --name "Wyn" --login wyn-login --no-check-login --worker HOM -q
    cl staff add rex --name "Rex" --login rex-login --no-check-login --worker REC -q
    cl staff add max --name "Max" --login max-login --no-check-login --manager REC -q
    secret_leaves_out nobody
}

# Protected reports leave out at most one person per service, chosen by the
# register's random secret (caseload-report(1), "Small numbers"). Tests that
# compare figures fix it: "nobody" left out, or the "first" person (smallest
# key) of every service.
secret_leaves_out() {
    local offset=0
    [ "$1" = first ] && offset=1
    # rank = key * 2 + offset: every service's rank is even (nobody) or odd
    # (first), and a person's rank grows with their key.
    sqlite3 "$CASELOAD_DB" "UPDATE disclosure_key SET multiplier = 2, person_offset = 0,
        service_offset = $offset"
}

# A fresh, empty register path for a sub-test.
new_register() {
    export CASELOAD_DB="$SCRATCH/register-$1.db"
}

finish() {
    echo "$SUITE: $PASSED passed, $FAILED failed"
    if [ "$FAILED" -ne 0 ]; then
        echo "scratch kept in $SCRATCH" >&2
        exit 1
    fi
    rm -rf "$SCRATCH"
    exit 0
}

# hom_register_of_260_ids NAME ORG: a fresh register (new_register NAME) with
# lead boss, manager mo and worker wa of HOM, and 260 IDs: HOM-0000..HOM-0199
# and HOM-1000..HOM-1059 (these 60 share HOM-10), more than completion lists.
hom_register_of_260_ids() {
    new_register "$1"
    cl init --organisation "$2" --lead boss -q
    cl service add HOM --name Hostel --star homelessness -q
    cl staff add mo --name Mo --login mo-login --no-check-login --manager HOM -q
    cl staff add wa --name Wa --login wa-login --no-check-login --worker HOM -q
    {
        echo "id,service,keyworker"
        for i in $(seq 0 199); do printf 'HOM-%04d,HOM,wa\n' "$i"; done
        for i in $(seq 0 59); do printf 'HOM-1%03d,HOM,wa\n' "$i"; done
    } >"$SCRATCH/$1.csv"
    cl su import "$SCRATCH/$1.csv" --confirm-anonymous -q
}
