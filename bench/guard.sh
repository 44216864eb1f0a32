#!/usr/bin/env bash
# The guard's speed (spec §9): `caseload id check -` over 1,000,000 IDs, half
# generated-looking and half identifying, beside `grep -i -F -f` over the same
# input with the lexicon's names of 4+ letters. Prints the ratio (target: <= 1).
# Then (issue 13): the guard's evaluation table (build/tests/guard-eval.tsv, seen and
# unseen names apart), the same on a fresh seed of tools/make_guard_eval.py, the time on one core (CASELOAD_THREADS=1, target
# < 0.5 s), the peak memory (target < 64 MB) and the binary's size, beside
# BASE_CASELOAD (another build, e.g. of main) when given.
# Usage: [BASE_CASELOAD=path] bench/guard.sh [BUILD_DIR] [COUNT]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
count=${2:-1000000}
caseload=$(cd "$build" && pwd)/caseload
lexicon=$here/../data/lexicon
work=$(mktemp -d /tmp/caseload-guard-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

cat "$lexicon"/given-names.txt "$lexicon"/surnames.txt "$lexicon"/nicknames.txt "$lexicon"/listed-names.txt |
    grep -v '^#' | awk 'length($0) >= 4' | sort -u >"$work/names.txt"
echo "names of 4+ letters for grep: $(wc -l <"$work/names.txt")"

# Deterministic input: a seeded generator, no real data.
python3 - "$work/names.txt" "$count" >"$work/ids.txt" <<'PY'
import random, sys
names = [l.strip() for l in open(sys.argv[1]) if l.strip()]
count = int(sys.argv[2])
rng = random.Random(20261126)
symbols = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
out = []
for i in range(count):
    kind = i % 8
    if kind < 4:   # generated-looking codes, some with a service prefix
        code = "".join(rng.choice(symbols) for _ in range(8))
        out.append(("HOM-" if kind < 2 else "") + code + "-" + rng.choice(symbols))
    elif kind == 4:  # first name + surname
        out.append(rng.choice(names).capitalize() + rng.choice(names).capitalize())
    elif kind == 5:  # initial + surname + digits
        out.append(rng.choice("abcdefghjkmnprstw") + rng.choice(names) + str(rng.randint(1, 99)))
    elif kind == 6:  # service serials
        out.append("REC-%06d" % rng.randint(0, 999999))
    else:            # rooms and dates
        out.append(rng.choice(["Room", "rm-", "Flat", "JB-"]) + str(rng.randint(1, 1999)))
print("\n".join(out))
PY
echo "input: $(wc -l <"$work/ids.txt") IDs"

time_of() { # time_of INPUT COMMAND...: seconds of wall time, best of 3
    local input=$1 best=""
    shift
    for _ in $(seq "${RUNS:-3}"); do
        local start end
        start=$(date +%s.%N)
        # Output to a real file: GNU grep stops at the first match when it
        # sees /dev/null, which would flatter it.
        "$@" <"$input" >"$work/out" || true
        end=$(date +%s.%N)
        best=$(python3 -c "a=$end-$start; b='$best'; print(a if not b or a < float(b) else b)")
    done
    echo "$best"
}

ids=$work/ids.txt
grep_s=$(time_of "$ids" env LC_ALL=C grep -i -F -f "$work/names.txt")
# grep in a UTF-8 locale takes minutes with a list this long: only on request.
utf8_s=nan
if [ -n "${GUARD_BENCH_UTF8:-}" ]; then
    utf8_s=$(RUNS=1 time_of "$ids" env LC_ALL=C.UTF-8 grep -i -F -f "$work/names.txt")
fi
table_s=$(time_of "$ids" env CASELOAD_DB=/nonexistent "$caseload" id check -)
jsonl_s=$(time_of "$ids" env CASELOAD_DB=/nonexistent "$caseload" id check - --format jsonl)
printf 'grep -i -F -f (LC_ALL=C):          %.2f s\n' "$grep_s"
[ "$utf8_s" = nan ] || printf 'grep -i -F -f (LC_ALL=C.UTF-8):    %.2f s\n' "$utf8_s"
printf 'caseload id check - (table):       %.2f s   ratio %.2f\n' "$table_s" "$(python3 -c "print($table_s/$grep_s)")"
printf 'caseload id check - --format jsonl: %.2f s   ratio %.2f\n' "$jsonl_s" "$(python3 -c "print($jsonl_s/$grep_s)")"
echo "(target: ratio <= 1.00 against the C-locale grep; caseload checks names, addresses,"
echo " identifiers, dates and initials, grep only names)"

echo
echo "== the guard's evaluation (build/tests/guard-eval.tsv: tools/make_guard_eval.py 20261202)"
unit=$(cd "$build" && pwd)/tests/caseload_unit_tests
if [ -x "$unit" ]; then
    CASELOAD_GUARD_TABLE=1 "$unit" -tc='guard evaluation: identifying*' 2>&1 | grep -v '^\[doctest\]' | grep -v '^=*$' || true
    # A fresh seed (the rules were set on others): the rates should hold.
    fresh=${GUARD_EVAL_SEED:-$(date +%s)}
    python3 "$here/../tools/make_guard_eval.py" "$fresh" "$work/eval.tsv" >/dev/null
    echo
    echo "== a fresh evaluation set: tools/make_guard_eval.py $fresh (GUARD_EVAL_SEED=N for another)"
    CASELOAD_GUARD_EVAL=$work/eval.tsv CASELOAD_GUARD_TABLE=1 "$unit" -tc='guard evaluation: identifying*' 2>&1 |
        grep -v '^\[doctest\]' | grep -v '^=*$' || true
else
    echo "(no $unit: build the unit tests to print the table)"
fi

echo
echo "== one core (CASELOAD_THREADS=1), peak memory, size"
one_s=$(time_of "$ids" env CASELOAD_THREADS=1 CASELOAD_DB=/nonexistent "$caseload" id check -)
printf 'caseload id check - on one core:   %.2f s for %s IDs (target < 0.5 s for 1,000,000)\n' "$one_s" "$count"
peak_kb=$({ env CASELOAD_THREADS=1 CASELOAD_DB=/nonexistent /usr/bin/time -f %M "$caseload" id check - \
    <"$ids" >/dev/null; } 2>&1 | tail -1 || true)
printf 'peak memory (max RSS), one core:   %.1f MB (target < 64 MB)\n' "$(python3 -c "print($peak_kb/1024)")"
size=$(stat -c %s "$caseload")
printf 'binary size:                       %.2f MB (%s)\n' "$(python3 -c "print($size/1048576)")" "$caseload"
if [ -n "${BASE_CASELOAD:-}" ]; then
    base_size=$(stat -c %s "$BASE_CASELOAD")
    base_s=$(time_of "$ids" env CASELOAD_THREADS=1 CASELOAD_DB=/nonexistent "$BASE_CASELOAD" id check -)
    printf 'base binary:                       %.2f MB, one core %.2f s; size change %+.2f MB\n' \
        "$(python3 -c "print($base_size/1048576)")" "$base_s" "$(python3 -c "print(($size-$base_size)/1048576)")"
fi
