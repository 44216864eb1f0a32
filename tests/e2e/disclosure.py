#!/usr/bin/env python3
"""The differencing test of report suppression (issue 14).

Builds random registers with the real binary, runs every report a person can
ask of them under one threshold (no dimension, each dimension, each pair;
with no filter, each --service, --keyworker and --need, --include-left; as a
lead and as a manager, with --compare), and collects every visible figure as
a linear constraint on the unknown counts of each kind of person ("atoms":
service and keyworker, age band, gender, ethnicity, set of needs, status):

  - a shown count F: F - 2 <= count <= F + 2 (rounded to the nearest 5);
  - a hidden count: 1 <= count <= T - 1 (0 <= where zero rows are listed:
    complete tables of fixed lists, --compare);
  - a row that is not there: count = 0;
  - a benchmark percentage P of B shown people: the benchmark's count lies
    around the rounded counts R with round(R / B) = P;
  - a benchmark hidden beside a shown row: its count is under T.

Then, for every distinct hidden count, integer programming (scipy's milp)
looks for another register, consistent with every figure, where that count
differs from the true one. A count for which none exists is pinned: the
test fails and names it. Found registers are kept and tried on the other
hidden counts first, which settles most of them without a solve.

Usage: disclosure.py CASELOAD_BIN SCRATCH [--registers K] [--seed S]
Prints one summary line; exit 1 when a hidden count is pinned.
"""
import argparse
import csv
import itertools
import json
import os
import random
import re
import subprocess
import sys
import time

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_matrix

SERVICES = {"HA": "homelessness", "HB": "homelessness", "RC": "recovery"}
NEEDS = {"homelessness": ["money", "accommodation"], "recovery": ["drug-use", "housing"]}
# (service, keyworker): ann and bob work in HA, cy in HB, dee in RC.
POSTS = [("HA", "ann"), ("HA", "bob"), ("HB", "cy"), ("RC", "dee")]
AGES = ["25-34", "35-44", "45-54"]
GENDERS = ["female", "male"]
ETHNICITIES = ["white-british", "asian-indian", "not-recorded"]
STATUSES = ["active", "left"]
DIMS = ["service", "keyworker", "age-band", "gender", "ethnicity", "need", "status"]


def needsets(star):
    codes = NEEDS[star]
    return [frozenset(c) for r in range(len(codes) + 1) for c in itertools.combinations(codes, r)]


# Every kind of person the register could hold: the unknowns.
ATOMS = [
    (svc, kw, age, g, e, ns, st)
    for (svc, kw) in POSTS
    for age in AGES
    for g in GENDERS
    for e in ETHNICITIES
    for ns in needsets(SERVICES[svc])
    for st in STATUSES
]


class Caseload:
    def __init__(self, binary, db):
        self.binary, self.db = binary, db
        self.calls = 0

    def run(self, *args, stdin=None, check=True):
        self.calls += 1
        p = subprocess.run([self.binary, "--db", self.db, *args], input=stdin,
                           capture_output=True, text=True)
        if check and p.returncode != 0:
            sys.exit(f"caseload {' '.join(args)} failed ({p.returncode}): {p.stderr}")
        return p


def build_register(cl, rng):
    cl.run("init", "--organisation", "Diff Org", "--lead", "boss", "-q")
    for code, star in SERVICES.items():
        cl.run("service", "add", code, "--name", f"Service {code}", "--star", star, "-q")
    for svc, kw in POSTS:
        cl.run("staff", "add", kw, "--name", kw.title(), "--worker", svc, "-q")
    cl.run("staff", "add", "meg", "--name", "Meg", "--manager", "HA", "-q")
    people = rng.randint(40, 140)
    # Skewed weights, so that some kinds of person are rare (small cells).
    weights = [rng.random() ** 3 for _ in ATOMS]
    chosen = rng.choices(range(len(ATOMS)), weights=weights, k=people)
    rows, leavers = [], []
    for i, a in enumerate(chosen):
        svc, kw, age, g, e, ns, st = ATOMS[a]
        uid = f"Q{i:04d}-ZX"
        rows.append([uid, svc, kw, age, g, "" if e == "not-recorded" else e, ";".join(sorted(ns))])
        if st == "left":
            leavers.append(uid)
    path = cl.db + ".csv"
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "service", "keyworker", "age_band", "gender", "ethnicity", "needs"])
        w.writerows(rows)
    cl.run("su", "import", path, "--confirm-anonymous", "-q")
    for uid in leavers:
        cl.run("su", "leave", uid, "-q")
    counts = [0] * len(ATOMS)
    for a in chosen:
        counts[a] += 1
    return counts


def atom_value(atom, dim):
    svc, kw, age, g, e, ns, st = atom
    return {"service": svc, "keyworker": kw, "age-band": age, "gender": g,
            "ethnicity": e, "status": st}[dim]


def matches(atom, dim, value):
    """Whether an atom counts in the segment dim = value."""
    if dim == "need":
        if "/" in value:  # star/need: needs of several Stars
            star, value = value.split("/", 1)
            if SERVICES[atom[0]] != star:
                return False
        return (not atom[5]) if value == "not-recorded" else value in atom[5]
    return atom_value(atom, dim) == value


def in_population(atom, filters, scope):
    svc, kw, age, g, e, ns, st = atom
    if st == "left" and "include_left" not in filters:
        return False
    if "service" in filters and svc != filters["service"]:
        return False
    if "keyworker" in filters and kw != filters["keyworker"]:
        return False
    if "need" in filters and filters["need"] not in ns:
        return False
    return scope is None or svc in scope


def values_of(dim):
    return {"service": list(SERVICES), "keyworker": [k for _, k in POSTS], "age-band": AGES,
            "gender": GENDERS, "ethnicity": ETHNICITIES, "status": STATUSES}.get(dim)


class Constraints:
    def __init__(self):
        self.rows = {}  # atom tuple -> [lo, hi]
        self.hidden = {}  # atom tuple -> (lo, hi, first report that hid it)

    def add(self, atoms, lo, hi):
        key = tuple(atoms)
        if key in self.rows:
            old = self.rows[key]
            self.rows[key] = [max(old[0], lo), min(old[1], hi)]
        else:
            self.rows[key] = [lo, hi]

    def add_hidden(self, atoms, lo, hi, where):
        self.add(atoms, lo, hi)
        self.hidden.setdefault(tuple(atoms), where)


def report_args(by, filters, as_user, compare, threshold):
    args = ["report", "--format", "json", "--suppress-below", str(threshold)]
    for d in by:
        args += ["--by", d]
    for k, v in filters.items():
        args += ["--include-left"] if k == "include_left" else [f"--{k}", v]
    if as_user:
        args += ["--as", as_user]
    if compare:
        args += ["--compare"]
    return args


def collect_report(cl, cons, by, filters, as_user, compare, threshold):
    """Runs one report and adds its figures; False when it was refused."""
    args = report_args(by, filters, as_user, compare, threshold)
    p = cl.run(*args, check=False)
    if p.returncode != 0:
        if compare and p.returncode == 2 and "one Star" in p.stderr:
            return False  # a report over several Stars has no benchmark
        sys.exit(f"caseload {' '.join(args)} failed ({p.returncode}): {p.stderr}")
    data = json.loads(p.stdout or "[]")
    rows = data["rows"] if isinstance(data, dict) else data  # {"rows", "total"}
    scope = {"HA"} if as_user == "meg" else None
    population = [i for i, a in enumerate(ATOMS) if in_population(a, filters, scope)]
    where = " ".join(args[5:])
    fields = [d.replace("-", "_") for d in by]
    listed = set()
    bench_people = None
    m = re.search(r"share of the ([\d,]+) people on the (\S+) Star", p.stderr)
    if m:
        bench_people = int(m.group(1).replace(",", ""))
        bench_star = m.group(2)
    for row in rows:
        values = tuple(row[f] for f in fields)
        listed.add(values)
        atoms = [i for i in population if all(matches(ATOMS[i], d, v) for d, v in zip(by, values))]
        if row["suppressed"]:
            # Complete tables list every value of a fixed list (and the
            # Stars' needs), count 0 included: such a hidden row may be 0.
            listed_zeros = compare or any(d not in ("service", "keyworker") for d in by)
            cons.add_hidden(atoms, 0 if listed_zeros else 1, threshold - 1, where)
        else:
            cons.add(atoms, row["count"] - 2, row["count"] + 2)
            if compare and bench_people is not None:
                add_benchmark_figure(cons, row, by, values, filters, bench_star, bench_people,
                                     threshold)
    if not compare:
        # A row that is not listed has nobody.
        for values in itertools.product(*[values_of(d) or [] for d in by]):
            if values not in listed:
                atoms = [i for i in population
                         if all(matches(ATOMS[i], d, v) for d, v in zip(by, values))]
                if atoms:
                    cons.add(atoms, 0, 0)
    return True


def add_benchmark_figure(cons, row, by, values, filters, star, people, threshold):
    bench = [i for i, a in enumerate(ATOMS)
             if SERVICES[a[0]] == star and in_population(a, {k: v for k, v in filters.items()
                                                              if k in ("need", "include_left")},
                                                         None)
             and all(matches(a, d, v) for d, v in zip(by, values))]
    share = row.get("organisation_percent")
    if share is None:
        cons.add(bench, 0, threshold - 1)
        return
    tenths = round(share * 10)
    candidates = [r for r in range(0, people + 1, 5)
                  if r >= threshold - 2 and (r * 2000 + people) // (2 * people) == tenths]
    if candidates:
        cons.add(bench, min(candidates) - 2, max(candidates) + 2)


def all_reports(cl, cons, threshold):
    bys = [[]] + [[d] for d in DIMS] + [list(p) for p in itertools.combinations(DIMS, 2)]
    filters = [{}, {"include_left": True}]
    filters += [{"service": s} for s in SERVICES] + [{"keyworker": k} for _, k in POSTS]
    filters += [{"need": n} for n in ["money", "drug-use"]]
    done = 0
    for by in bys:
        for f in filters:
            done += collect_report(cl, cons, by, f, None, False, threshold)
        done += collect_report(cl, cons, by, {"service": "HA"}, None, True, threshold)
        done += collect_report(cl, cons, by, {}, "meg", True, threshold)
        done += collect_report(cl, cons, by, {"include_left": True}, "meg", True, threshold)
    return done


def check_register(cons, truth, stats):
    keys = list(cons.rows)
    n = len(ATOMS)
    data, cols, ptr = [], [], [0]
    for key in keys:
        cols.extend(key)
        data.extend([1.0] * len(key))
        ptr.append(len(cols))
    A = csr_matrix((data, cols, ptr), shape=(len(keys), n))
    lo = np.array([cons.rows[k][0] for k in keys], dtype=float)
    hi = np.array([cons.rows[k][1] for k in keys], dtype=float)
    truth = np.array(truth, dtype=float)
    assert np.all(A @ truth >= lo - 1e-9) and np.all(A @ truth <= hi + 1e-9), \
        "the true register breaks a constraint: the test's model of the reports is wrong"
    bounds = Bounds(np.zeros(n), np.full(n, truth.sum() + 10))
    integrality = np.ones(n)
    found = [truth]  # consistent registers found so far
    pinned = []
    for key, where in cons.hidden.items():
        if not key:
            continue  # a listed value outside the test's universe of atoms: 0 by construction
        stats["hidden"] += 1
        cell = np.zeros(n)
        cell[list(key)] = 1.0
        true_value = cell @ truth
        if any(cell @ x != true_value for x in found[1:]):
            continue
        other = None
        for direction in (+1, -1):
            # A register consistent with every figure where this count is
            # true_value + 1 or more (true_value - 1 or less).
            limit = (LinearConstraint(cell, true_value + 1, np.inf) if direction > 0
                     else LinearConstraint(cell, -np.inf, true_value - 1))
            res = milp(np.zeros(n), constraints=[LinearConstraint(A, lo, hi), limit],
                       integrality=integrality, bounds=bounds, options={"time_limit": 20})
            stats["solves"] += 1
            if res.status == 0:
                other = np.round(res.x)
                break
            if res.status not in (2,):  # 2: infeasible
                sys.exit(f"milp gave status {res.status} ({res.message}) for {where}")
        if other is None:
            pinned.append((where, int(true_value)))
        else:
            found.append(other)
    return pinned


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("scratch")
    ap.add_argument("--registers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=14)
    a = ap.parse_args()
    started = time.time()
    stats = {"registers": 0, "reports": 0, "hidden": 0, "solves": 0, "constraints": 0}
    all_pinned = []
    for r in range(a.registers):
        rng = random.Random(a.seed * 1000 + r)
        threshold = rng.choice([8, 13])
        db = os.path.join(a.scratch, f"diff-{r}.db")
        cl = Caseload(a.binary, db)
        truth = build_register(cl, rng)
        cons = Constraints()
        stats["reports"] += all_reports(cl, cons, threshold)
        stats["constraints"] += len(cons.rows)
        stats["registers"] += 1
        for where, value in check_register(cons, truth, stats):
            all_pinned.append(f"register {r} (threshold {threshold}): '{where}' hides {value}")
    print(f"{stats['registers']} registers, {stats['reports']} reports, "
          f"{stats['constraints']} distinct figures, {stats['hidden']} distinct hidden counts, "
          f"{stats['solves']} integer programs, {len(all_pinned)} pinned "
          f"({time.time() - started:.0f} s)")
    for p in all_pinned:
        print("PINNED:", p)
    sys.exit(1 if all_pinned else 0)


if __name__ == "__main__":
    main()
