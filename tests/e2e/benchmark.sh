#!/usr/bin/env bash
# Issue 14: benchmark files shared between organisations. Three made-up
# organisations each build their own register, export their homelessness
# benchmark, and a fourth stores them and compares with their average.
. "$(dirname "$0")/lib.sh"
export CASELOAD_TODAY=2026-11-26

H="id,service,keyworker,date_of_birth,age_band,gender,ethnicity,needs"
genders=(female male female non-binary male female male)
bands=(18-24 25-34 35-44 45-54 55-64)
needs=(money accommodation rough-sleeping "money;accommodation" "")

# people ORG_PREFIX COUNT SEED: a CSV of COUNT invented people in HOM (wes).
people() {
    local prefix=$1 count=$2 seed=$3 i
    echo "$H"
    for i in $(seq 1 "$count"); do
        local k=$((i * seed))
        echo "$prefix-$(printf %04d "$i"),HOM,wes,,${bands[$((k % 5))]},${genders[$((k % 7))]},white-british,${needs[$((k % 5))]}"
    done
}

# An organisation's register with COUNT people in HOM; its benchmark file.
organisation() {
    local name=$1 db=$2 count=$3 seed=$4
    shift 4
    export CASELOAD_DB="$SCRATCH/$db.db"
    cl init --organisation "$name" --lead boss -q
    secret_leaves_out nobody
    cl service add HOM --name Hostel --star homelessness -q
    cl staff add wes --name "Wes" --login wes-login --worker HOM --no-check-login -q
    people "Q${seed}X" "$count" "$seed" >"$SCRATCH/$db.csv"
    cl su import "$SCRATCH/$db.csv" --confirm-anonymous -q
    run benchmark export --star homelessness -o "$SCRATCH/$db.json" "$@"
    expect_status 0
    expect_err_has "Wrote the homelessness benchmark to $SCRATCH/$db.json."
}

# ---------------------------------------------------------------------------
t "export: three made-up organisations write their files"
organisation "Northside Housing" north 120 3
organisation "Eastgate Trust" east 64 7 --as-name "Org E"
organisation "Westway" west 210 11 --suppress-below 10
expect_eq "$(python3 -c '
import json, sys
for name in ("north", "east", "west"):
    f = json.load(open(sys.argv[1] + "/" + name + ".json"))
    counts = [s["count"] for d in f["segments"].values() for s in d] + [f["people"]]
    ok = all((c is None) or (c % 5 == 0 and c >= f["threshold"]) for c in counts)
    hidden_ok = all((s["count"] is None) == s["suppressed"] for d in f["segments"].values() for s in d)
    print(f["format"], f["version"], f["organisation"], f["star"], f["made_on"], f["threshold"],
          sorted(f["segments"]), ok, hidden_ok)
' "$SCRATCH")" "caseload-benchmark 1 Northside Housing homelessness 2026-11-26 8 ['age_band', 'ethnicity', 'gender', 'need', 'status'] True True
caseload-benchmark 1 Org E homelessness 2026-11-26 8 ['age_band', 'ethnicity', 'gender', 'need', 'status'] True True
caseload-benchmark 1 Westway homelessness 2026-11-26 13 ['age_band', 'ethnicity', 'gender', 'need', 'status'] True True"
# No record leaves: no ID, no keyworker, no service in the file.
if grep -q -e 'Q3X-' -e 'wes' -e 'HOM' "$SCRATCH/north.json"; then fail "a record's detail is in the file"; else pass; fi
# Eastgate's pseudonym hides its name.
if grep -q "Eastgate" "$SCRATCH/east.json"; then fail "the pseudonym did not replace the name"; else pass; fi
# Counts are protected: Northside's 120 people are shown rounded; small segments hidden.
expect_eq "$(python3 -c 'import json,sys; f=json.load(open(sys.argv[1])); print(f["people"], [s["value"] for s in f["segments"]["ethnicity"]])' "$SCRATCH/north.json")" "120 ['white-british']"

t "export: refusals"
export CASELOAD_DB="$SCRATCH/north.db"
refused 5 "$SCRATCH/north.json already exists" benchmark export --star homelessness -o "$SCRATCH/north.json"
expect_err_has "choose another file name"
refused 4 "there is no Star 'nonsense'" benchmark export --star nonsense
refused 6 "only a lead may export a benchmark of the whole organisation" --as wes benchmark export --star homelessness
refused 2 "--star is required" benchmark export
run benchmark export --star homelessness
expect_status 0
expect_out_has '"format": "caseload-benchmark"'

# ---------------------------------------------------------------------------
t "add: another organisation stores the files (lead only), audited"
new_register ours
standard_register
people "Q5X" 90 5 >"$SCRATCH/ours.csv"
cl su import "$SCRATCH/ours.csv" --confirm-anonymous -q
refused 6 "only a lead may add a benchmark file" --as mia benchmark add "$SCRATCH/north.json"
run benchmark add "$SCRATCH/north.json"
expect_status 0
expect_err_has "Stored the homelessness benchmark of Northside Housing (120 people, made 2026-11-26) as 1."
run benchmark add "$SCRATCH/east.json" --format json
expect_status 0
expect_eq "$(printf '%s' "$out" | python3 -c 'import json,sys; r=json.load(sys.stdin); print(r["id"], r["organisation"], r["star"])')" "2 Org E homelessness"
# Two organisations are not enough: one could be read off the other.
refused 3 "--compare benchmark needs files of at least 3 other organisations for the homelessness Star; 2 stored" report --by gender --service HOM --compare benchmark
expect_err_has "so that no single organisation can be read off"
run benchmark add "$SCRATCH/west.json"
expect_status 0
refused 5 "a benchmark of Westway for the homelessness Star is already stored (id 3)" benchmark add "$SCRATCH/west.json"
expect_err_has "caseload benchmark remove 3"
run log --format csv
expect_out_has "benchmark.add"
expect_out_has "3: Westway, Star homelessness, made 2026-11-26"

t "add: files that are not valid benchmark files are refused"
printf 'not json' >"$SCRATCH/bad1.json"
refused 3 "bad1.json is not a valid benchmark file: it is not JSON" benchmark add "$SCRATCH/bad1.json"
expect_err_has "what 'caseload benchmark export' writes"
python3 -c 'import json,sys; f=json.load(open(sys.argv[1])); f["version"]=2; f["organisation"]="V2"; json.dump(f, open(sys.argv[2],"w"))' "$SCRATCH/north.json" "$SCRATCH/bad2.json"
refused 3 "its version is 2, and this caseload reads version 1" benchmark add "$SCRATCH/bad2.json"
python3 -c 'import json,sys; f=json.load(open(sys.argv[1])); f["organisation"]="Raw"; f["segments"]["gender"][0]["count"]=7; json.dump(f, open(sys.argv[2],"w"))' "$SCRATCH/north.json" "$SCRATCH/bad3.json"
refused 3 "has the count 7, which is not protected" benchmark add "$SCRATCH/bad3.json"
python3 -c 'import json,sys; f=json.load(open(sys.argv[1])); f["organisation"]="Odd"; f["segments"]["need"].append({"value":"drug-use","count":20,"suppressed":False}); json.dump(f, open(sys.argv[2],"w"))' "$SCRATCH/north.json" "$SCRATCH/bad4.json"
refused 3 "'drug-use' is not a need of the homelessness Star" benchmark add "$SCRATCH/bad4.json"
python3 -c 'import json,sys; f=json.load(open(sys.argv[1])); f["organisation"]="Starry"; f["star"]="moon"; json.dump(f, open(sys.argv[2],"w"))' "$SCRATCH/north.json" "$SCRATCH/bad5.json"
refused 4 "is for the Star 'moon', which this register does not have" benchmark add "$SCRATCH/bad5.json"
python3 -c 'import json,sys; f=json.load(open(sys.argv[1])); f["organisation"]="Test Org"; json.dump(f, open(sys.argv[2],"w"))' "$SCRATCH/north.json" "$SCRATCH/own.json"
refused 3 "is this organisation's own file (Test Org)" benchmark add "$SCRATCH/own.json"
refused 4 "cannot read $SCRATCH/missing.json" benchmark add "$SCRATCH/missing.json"

# ---------------------------------------------------------------------------
t "report --compare benchmark: the weighted average of the other organisations"
run report --by gender --service HOM --compare benchmark --hide-empty --format csv
expect_status 0
expect_err_has "org % is the average of 3 other organisations on the homelessness Star"
# Weighted by their totals: the pooled counts over the pooled people.
expected=$(python3 -c '
import json, sys
files = [json.load(open(sys.argv[1] + "/" + n + ".json")) for n in ("north", "east", "west")]
people = sum(f["people"] for f in files)
counts = {}
for f in files:
    for s in f["segments"]["gender"]:
        counts[s["value"]] = counts.get(s["value"], 0) + (s["count"] or 0)
print(people)
for v in sorted(counts):
    print(v, (counts[v] * 2000 + people) // (2 * people))
' "$SCRATCH")
expect_err_has "($(printf '%s\n' "$expected" | head -1) people)"
got=$(printf '%s\n' "$out" | tail -n +2 | python3 -c '
import csv, sys
for r in csv.reader(sys.stdin):
    if r[3]: print(r[0], round(float(r[3]) * 10))
' | sort)
expect_eq "$got" "$(printf '%s\n' "$expected" | tail -n +2 | sort)" "(benchmark percentages)"
run report --by gender --service HOM --compare benchmark
expect_out_has "org % is the average of 3 other organisations on the homelessness Star"
run report --by status --include-left --service HOM --compare benchmark --format csv
expect_status 0
refused 2 "--compare benchmark compares one dimension" report --by gender --by age-band --service HOM --compare benchmark
refused 2 "--compare benchmark compares one dimension" report --by keyworker --service HOM --compare benchmark
refused 2 "--compare benchmark compares active people without --need" report --by gender --need money --service HOM --compare benchmark
cl su add REC-0001 --service REC --keyworker rex --confirm-anonymous -q
refused 2 "this report's people are on 2" report --by gender --compare benchmark

t "list and remove"
run benchmark list --format csv
expect_eq "$(printf '%s\n' "$out" | cut -d, -f1-3)" "id,organisation,star
1,Northside Housing,homelessness
2,Org E,homelessness
3,Westway,homelessness"
run --as wes benchmark list --star recovery --format csv
expect_out "id,organisation,star,made_on,people,added_at"
refused 6 "only a lead may remove a benchmark file" --as mia benchmark remove 2
refused 4 "there is no stored benchmark 9" benchmark remove 9
run benchmark remove 2
expect_status 0
expect_err_has "Removed the homelessness benchmark of Org E (2)."
run log --format csv
expect_out_has "benchmark.remove"
refused 3 "2 stored" report --by gender --service HOM --compare benchmark

finish
