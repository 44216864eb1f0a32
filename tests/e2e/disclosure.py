#!/usr/bin/env python3
"""The differencing test of report suppression (issue 14).

Builds random registers with the real binary, runs the reports a person can
ask of them under one threshold, and collects every visible figure as a
linear constraint on the unknown counts of each kind of person ("atoms":
service and keyworker, age band, gender, ethnicity, set of needs, and the
dates support started and ended, which give the status):

  - snapshots: no dimension, each dimension, each pair; with no filter,
    --include-left, each --service, --keyworker and --need; as a lead and as
    a manager; with --compare;
  - periods: --since/--until windows (who was supported in them), --by
    month|quarter|year of started and of left, alone and with each other
    dimension;
  - flows: --flow by month, quarter and year, alone and with each other
    dimension, over the whole time and over windows.

Each figure becomes:
  - a shown count F: F - 2 <= count <= F + 2 (rounded to the nearest 5);
  - a hidden count: 0 <= count <= T - 1 (1 <= where zero rows are not listed);
  - a row that is not listed: count = 0;
  - a benchmark percentage P of B shown people: the benchmark's count lies
    around the rounded counts R with round(R / B) = P.

The figures count the register R the reports see: the real one less the
people left out by the register's secret (at most one per service, see
caseload-report(1) and disclosure.hpp). The test reads the secret from the
register (and sets it so that every service leaves one out), and first checks
that R satisfies every figure: a report that forgot to leave them out, or a
figure the test models wrongly, fails here. Then, for every distinct hidden
count, integer programming (scipy's milp) looks for a register consistent
with every figure, knowing the rule but not the secret (R plus at most one
person per service), where the real count differs from the true one. A
count for which none exists is pinned: the test fails and names it.

Without --milp, a hidden count is settled by the two registers of the proof
(caseload-report(1)) when they give it two values, and by integer
programming only when they do not; --milp solves every hidden count (slow:
minutes). --knows-left-out gives the attacker the secret (the people left
out): what rounding and hiding alone protect. --explain prints, for each
pinned count, a smallest set of figures that pins it.

The seed fixes the registers, the reports and the secret (written into the
disclosure_key table), so a run repeats exactly.

Usage: disclosure.py CASELOAD_BIN SCRATCH [--registers K] [--seed S] [--quick] [--milp]
Prints one summary line ("P pinned of H hidden cells over R reports, ...");
exit 1 when a hidden count is pinned.
"""
import argparse
import csv
import datetime
import itertools
import json
import os
import random
import re
import sqlite3
import subprocess
import sys
import time

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_matrix, hstack

TODAY = "2026-11-26"
SERVICES = {"HA": "homelessness", "HB": "homelessness", "RC": "recovery"}
NEEDS = {"homelessness": ["money", "accommodation"], "recovery": ["drug-use", "housing"]}
# (service, keyworker): ann and bob work in HA, cy in HB, dee in RC.
POSTS = [("HA", "ann"), ("HA", "bob"), ("HB", "cy"), ("RC", "dee")]
AGES = ["25-34", "35-44", "45-54"]
GENDERS = ["female", "male"]
ETHNICITIES = ["white-british", "not-recorded"]
# (started_on, left_on): across month, quarter and year boundaries.
DATES = [("2025-12-20", None), ("2025-12-20", "2026-03-31"), ("2025-12-20", "2026-08-15"),
         ("2026-02-10", None), ("2026-02-10", "2026-03-31"), ("2026-02-10", "2026-08-15"),
         ("2026-07-05", None), ("2026-07-05", "2026-08-15")]
# --since/--until windows: on, before and after the dates above.
WINDOWS = [("2025-12-20", "2026-02-09"), ("2026-01-01", "2026-03-31"),
           ("2026-04-01", "2026-08-14"), ("2026-03-31", "2026-07-05"),
           ("2026-02-10", "2026-08-15"), ("2026-08-16", TODAY), ("2025-12-21", "2026-02-10")]
DIMS = ["service", "keyworker", "age-band", "gender", "ethnicity", "need", "status"]
UNITS = ["month", "quarter", "year"]


def needsets(star):
    codes = NEEDS[star]
    return [frozenset(c) for r in range(len(codes) + 1) for c in itertools.combinations(codes, r)]


# Every kind of person the register could hold: the unknowns.
ATOMS = [
    (svc, kw, age, g, e, ns, dates)
    for (svc, kw) in POSTS
    for age in AGES
    for g in GENDERS
    for e in ETHNICITIES
    for ns in needsets(SERVICES[svc])
    for dates in DATES
]
SERVICE_ATOMS = {s: [i for i, a in enumerate(ATOMS) if a[0] == s] for s in SERVICES}


class Caseload:
    def __init__(self, binary, db):
        self.binary, self.db = binary, db
        self.calls = 0

    def run(self, *args, check=True):
        self.calls += 1
        p = subprocess.run([self.binary, "--db", self.db, *args], capture_output=True, text=True,
                           env={**os.environ, "CASELOAD_TODAY": TODAY})
        if check and p.returncode != 0:
            sys.exit(f"caseload {' '.join(args)} failed ({p.returncode}): {p.stderr}")
        return p


def set_secret_so_every_service_leaves_one_out(db, rng):
    """The test writes the whole secret, from its seed: `init` draws a random
    one, and with it who is left out, so a run would not repeat. The secret
    chosen leaves a person out of each of the three services, so that a
    report that forgot to leave them out changes figures."""
    prime = 2147483647
    person_offset = rng.randrange(prime)
    con = sqlite3.connect(db)
    ids = [r[0] for r in con.execute("SELECT id FROM service")]
    while True:  # some multipliers allow no such offset: draw both
        m, off = rng.randrange(1, prime), rng.randrange(prime)
        if all((i * m + off) % prime % 2 == 1 for i in ids):
            break
    con.execute("UPDATE disclosure_key SET multiplier = ?, person_offset = ?, service_offset = ?",
                (m, person_offset, off))
    con.commit()
    con.close()


def left_out_atoms(db, atom_of_uid):
    """The atoms of the people the binary must leave out (disclosure.cpp)."""
    con = sqlite3.connect(db)
    m, p_off, s_off = con.execute(
        "SELECT multiplier, person_offset, service_offset FROM disclosure_key").fetchone()
    prime = 2147483647
    best = {}
    for pid, sid, uid in con.execute("SELECT id, service_id, uid FROM service_user"):
        rank = ((pid % prime) * m + p_off) % prime
        if sid not in best or (rank, pid) < best[sid][0]:
            best[sid] = ((rank, pid), uid)
    con.close()
    return [atom_of_uid[uid] for sid, (_, uid) in best.items() if (sid * m + s_off) % prime % 2 == 1]


def build_register(cl, rng, quick):
    cl.run("init", "--organisation", "Diff Org", "--lead", "boss", "-q")
    for code, star in SERVICES.items():
        cl.run("service", "add", code, "--name", f"Service {code}", "--star", star, "-q")
    for svc, kw in POSTS:
        cl.run("staff", "add", kw, "--name", kw.title(), "--worker", svc, "-q",
               "--no-check-login")
    cl.run("staff", "add", "meg", "--name", "Meg", "--manager", "HA", "-q", "--no-check-login")
    set_secret_so_every_service_leaves_one_out(cl.db, rng)
    people = rng.randint(30, 60) if quick else rng.randint(60, 160)
    # Skewed weights, so that some kinds of person are rare (small cells).
    weights = [rng.random() ** 3 for _ in ATOMS]
    chosen = rng.choices(range(len(ATOMS)), weights=weights, k=people)
    rows, leavers, atom_of_uid = [], [], {}
    for i, a in enumerate(chosen):
        svc, kw, age, g, e, ns, (started, left) = ATOMS[a]
        uid = f"Q{i:04d}-ZX"
        atom_of_uid[uid] = a
        rows.append([uid, svc, kw, age, g, "" if e == "not-recorded" else e,
                     ";".join(sorted(ns)), started])
        if left:
            leavers.append((uid, left))
    path = cl.db + ".csv"
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "service", "keyworker", "age_band", "gender", "ethnicity", "needs",
                    "started_on"])
        w.writerows(rows)
    cl.run("su", "import", path, "--confirm-anonymous", "-q")
    for uid, left in leavers:
        cl.run("su", "leave", uid, "--date", left, "-q")
    counts = [0] * len(ATOMS)
    for a in chosen:
        counts[a] += 1
    return counts, left_out_atoms(cl.db, atom_of_uid)


def period_label(unit, date):
    y, m = date[:4], int(date[5:7])
    return {"month": date[:7], "quarter": f"{y}-Q{(m - 1) // 3 + 1}", "year": y}[unit]


def next_period(unit, start):
    d = datetime.date.fromisoformat(start)
    step = {"month": 1, "quarter": 3, "year": 12}[unit]
    month = d.month - 1 + step
    return datetime.date(d.year + month // 12, month % 12 + 1, 1).isoformat()


def period_start(unit, date):
    d = datetime.date.fromisoformat(date)
    month = {"month": d.month, "quarter": (d.month - 1) // 3 * 3 + 1, "year": 1}[unit]
    return datetime.date(d.year, month, 1).isoformat()


def periods_between(unit, frm, to):
    """[(label, from, to)] clipped to frm..to, as report.cpp's periods_between."""
    out, start = [], period_start(unit, frm)
    while start <= to:
        end = (datetime.date.fromisoformat(next_period(unit, start)) -
               datetime.timedelta(days=1)).isoformat()
        out.append((period_label(unit, start), max(start, frm), min(end, to)))
        start = next_period(unit, start)
    return out


def atom_value(atom, dim, of="started"):
    svc, kw, age, g, e, ns, (started, left) = atom
    if dim in UNITS:
        date = left if of == "left" else started
        return period_label(dim, date) if date else None
    return {"service": svc, "keyworker": kw, "age-band": age, "gender": g,
            "ethnicity": e, "status": "left" if left else "active"}[dim]


def matches(atom, dim, value, of="started"):
    """Whether an atom counts in the segment dim = value."""
    if dim == "need":
        if "/" in value:  # star/need: needs of several Stars
            star, value = value.split("/", 1)
            if SERVICES[atom[0]] != star:
                return False
        return (not atom[5]) if value == "not-recorded" else value in atom[5]
    return atom_value(atom, dim, of) == value


class Request:
    def __init__(self, by=(), filters=None, as_user=None, compare=False, since=None, until=None,
                 of="started", flow=False):
        self.by, self.filters, self.as_user, self.compare = list(by), filters or {}, as_user, compare
        self.since, self.until, self.of, self.flow = since, until, of, flow

    def args(self, threshold):
        args = ["report", "--format", "json", "--suppress-below", str(threshold)]
        for d in self.by:
            args += ["--by", d]
        for k, v in self.filters.items():
            args += ["--include-left"] if k == "include_left" else [f"--{k}", v]
        if self.as_user:
            args += ["--as", self.as_user]
        if self.compare:
            args += ["--compare"]
        if self.since:
            args += ["--since", self.since]
        if self.until:
            args += ["--until", self.until]
        if self.of != "started":
            args += ["--of", self.of]
        if self.flow:
            args += ["--flow"]
        return args

    def date_filter(self):
        if self.flow:
            return "flow"
        if any(d in UNITS for d in self.by):
            return "left_in" if self.of == "left" else "started_in"
        return "active_during" if (self.since or self.until) else "none"

    def in_population(self, atom):
        svc, kw, age, g, e, ns, (started, left) = atom
        f, to, frm = self.filters, self.until or TODAY, self.since
        kind = self.date_filter()
        if kind == "none" and left and "include_left" not in f:
            return False
        if kind in ("active_during", "flow"):
            if started > to or (frm and left and left < frm):
                return False
        if kind in ("started_in", "left_in"):
            date = left if kind == "left_in" else started
            if date is None or date > to or (frm and date < frm):
                return False
        if "service" in f and svc != f["service"]:
            return False
        if "keyworker" in f and kw != f["keyworker"]:
            return False
        if "need" in f and f["need"] not in ns:
            return False
        return self.as_user != "meg" or svc == "HA"


def values_of(dim):
    if dim in UNITS:
        return [p[0] for p in periods_between(dim, "2025-01-01", TODAY)]
    return {"service": list(SERVICES), "keyworker": [k for _, k in POSTS],
            "age-band": AGES, "gender": GENDERS, "ethnicity": ETHNICITIES,
            "status": ["active", "left"]}.get(dim)


class Constraints:
    def __init__(self):
        self.rows = {}  # atom tuple -> [lo, hi]
        self.origin = {}  # atom tuple -> the first figure that gave it
        self.hidden = {}  # atom tuple -> the first report that hid it

    def add(self, atoms, lo, hi, where):
        key = tuple(atoms)
        self.origin.setdefault(key, where)
        old = self.rows.get(key, [lo, hi])
        self.rows[key] = [max(old[0], lo), min(old[1], hi)]

    def figure(self, atoms, value, threshold, where, zero_listed=True):
        """A count as shown: None when hidden."""
        if value is None:
            self.add(atoms, 0 if zero_listed else 1, threshold - 1, where)
            self.hidden.setdefault(tuple(atoms), where)
        else:
            self.add(atoms, value - 2, value + 2, f"{where}: {value}")


def run_json(cl, req, threshold):
    args = req.args(threshold)
    p = cl.run(*args, check=False)
    if p.returncode != 0:
        if req.compare and p.returncode == 2 and "one Star" in p.stderr:
            return None, p  # a report over several Stars has no benchmark
        sys.exit(f"caseload {' '.join(args)} failed ({p.returncode}): {p.stderr}")
    return json.loads(p.stdout or "[]"), p


def collect_report(cl, cons, req, threshold):
    """Runs one report and adds its figures; False when it was refused."""
    data, p = run_json(cl, req, threshold)
    if data is None:
        return False
    where = " ".join(req.args(threshold)[5:])
    if req.flow:
        collect_flow(cons, req, data, threshold, where)
        return True
    rows = data["rows"]
    population = [i for i, a in enumerate(ATOMS) if req.in_population(a)]
    cons.figure(population, data["total"]["count"], threshold, where + " total", True)
    fields = [d.replace("-", "_") for d in req.by]
    listed = set()
    bench = None
    m = re.search(r"share of the ([\d,]+) people on the (\S+) Star", p.stderr)
    if m:
        bench = (m.group(2), int(m.group(1).replace(",", "")))
    # Complete tables list every value of a fixed list (and the Stars'
    # needs), count 0 included: such a hidden row may be 0.
    zero_listed = req.compare or any(d not in ("service", "keyworker") for d in req.by)
    for row in rows:
        values = tuple(row[f] for f in fields)
        listed.add(values)
        atoms = [i for i in population
                 if all(matches(ATOMS[i], d, v, req.of) for d, v in zip(req.by, values))]
        cons.figure(atoms, None if row["suppressed"] else row["count"], threshold,
                    f"{where} {values}", zero_listed)
        if req.compare and bench and not row["suppressed"]:
            add_benchmark_figure(cons, row, req, values, bench, threshold, where)
    if not req.compare:
        for values in itertools.product(*[values_of(d) or [] for d in req.by]):
            if values not in listed:  # a row that is not listed has nobody
                atoms = [i for i in population
                         if all(matches(ATOMS[i], d, v, req.of) for d, v in zip(req.by, values))]
                if atoms:
                    cons.add(atoms, 0, 0, f"{where} {values} not listed")
    return True


def add_benchmark_figure(cons, row, req, values, bench, threshold, where):
    star, people = bench
    same = Request(filters={k: v for k, v in req.filters.items() if k in ("need", "include_left")})
    atoms = [i for i, a in enumerate(ATOMS)
             if SERVICES[a[0]] == star and same.in_population(a)
             and all(matches(a, d, v) for d, v in zip(req.by, values))]
    share = row.get("organisation_percent")
    if share is None:
        cons.add(atoms, 0, threshold - 1, f"{where} {values} benchmark hidden")
        return
    tenths = round(share * 10)
    candidates = [r for r in range(0, people + 1, 5)
                  if r >= threshold - 2 and (r * 2000 + people) // (2 * people) == tenths]
    if candidates:
        cons.add(atoms, min(candidates) - 2, max(candidates) + 2,
                 f"{where} {values} benchmark {share}%")


def flow_index(spans, date):
    """report.cpp's index_of: the period holding date; -1 before, n after."""
    if date < spans[0][1]:
        return -1
    for i, (_, _, end) in enumerate(spans):
        if end >= date:
            return i
    return len(spans)


def collect_flow(cons, req, data, threshold, where):
    rows = data["rows"]
    unit = next((d for d in req.by if d in UNITS), None)
    other = next((d for d in req.by if d not in UNITS), None)
    population = [i for i, a in enumerate(ATOMS) if req.in_population(a)]
    frm = rows[0]["from"] if rows else None
    if frm is None:
        return
    if not req.since:  # from the first start there is: nobody started earlier
        cons.add([i for i in population if ATOMS[i][6][0] < frm], 0, 0, f"{where} from {frm}")
    to = req.until or TODAY
    spans = periods_between(unit, frm, to) if unit else [(None, frm, to)]
    n = len(spans)
    labels = [s[0] for s in spans]
    field = other.replace("-", "_") if other else None
    for row in rows:
        i = labels.index(row[unit]) if unit else 0
        atoms = [a for a in population if not other or matches(ATOMS[a], other, row[field])]
        cells = {"active_at_start": [], "started": [], "left": [], "active_at_end": []}
        for a in atoms:
            started, left = ATOMS[a][6]
            s = flow_index(spans, started)
            lv = n if left is None else flow_index(spans, left)
            if s + 1 <= i <= lv:
                cells["active_at_start"].append(a)
            if s <= i <= lv - 1:
                cells["active_at_end"].append(a)
            if s == i:
                cells["started"].append(a)
            if left is not None and lv == i:
                cells["left"].append(a)
        name = f"{where} {row.get(unit, '')} {row.get(field, '') if field else ''}"
        for figure, cell in cells.items():
            cons.figure(cell, row[figure], threshold, f"{name} {figure}", True)
    # The total: active at the start of the first period and at the end of
    # the last, started and left over all of them, each person once (by need
    # too, where a person with two needs is in two rows).
    total = data["total"]
    cells = {"active_at_start": [], "started": [], "left": [], "active_at_end": []}
    for a in population:
        started, left = ATOMS[a][6]
        s = flow_index(spans, started)
        lv = n if left is None else flow_index(spans, left)
        if s + 1 <= 0 <= lv:
            cells["active_at_start"].append(a)
        if s <= n - 1 <= lv - 1:
            cells["active_at_end"].append(a)
        if 0 <= s < n:
            cells["started"].append(a)
        if left is not None and 0 <= lv < n:
            cells["left"].append(a)
    for figure, cell in cells.items():
        cons.figure(cell, total[figure], threshold, f"{where} total {figure}", True)


def requests(quick):
    """Every report the test asks of a register."""
    bys = [[]] + [[d] for d in DIMS]
    pairs = [list(p) for p in itertools.combinations(DIMS, 2)]
    filters = [{}, {"include_left": True}] + [{"service": s} for s in SERVICES]
    filters += [{"keyworker": k} for _, k in POSTS] + [{"need": n} for n in ["money", "drug-use"]]
    if quick:
        filters = [{}, {"include_left": True}, {"service": "HA"}, {"need": "money"}]
        pairs = [["service", "age-band"], ["age-band", "need"], ["keyworker", "status"]]
    out = []
    for by in bys + pairs:
        out += [Request(by, f) for f in filters]
        out.append(Request(by, {"service": "HA"}, compare=True))
        out.append(Request(by, {}, "meg", compare=True))
        out.append(Request(by, {"include_left": True}, "meg", compare=True))
    windows = WINDOWS[:3] if quick else WINDOWS
    for since, until in windows:
        for by in bys:
            out.append(Request(by, since=since, until=until))
        out.append(Request(["age-band"], {"service": "HA"}, since=since, until=until))
    for unit in (["quarter"] if quick else UNITS):
        for other in [None] + DIMS:
            by = [unit] + ([other] if other else [])
            for of in ("started", "left"):
                out.append(Request(by, of=of))
                out.append(Request(by, of=of, since=WINDOWS[1][0], until=WINDOWS[2][1]))
            out.append(Request(by, flow=True))
            out.append(Request(by, {"service": "HA"}, flow=True))
            if not quick:
                out.append(Request(by, {}, "meg", flow=True))
                out.append(Request(by, flow=True, since=WINDOWS[1][0], until=WINDOWS[4][1]))
    for since, until in windows[:2]:
        out.append(Request([], flow=True, since=since, until=until))
    return out


def all_reports(cl, cons, threshold, quick):
    return sum(collect_report(cl, cons, req, threshold) for req in requests(quick))


def matrix(cons):
    keys = list(cons.rows)
    data, cols, ptr = [], [], [0]
    for key in keys:
        cols.extend(key)
        data.extend([1.0] * len(key))
        ptr.append(len(cols))
    A = csr_matrix((data, cols, ptr), shape=(len(keys), len(ATOMS)))
    lo = np.array([cons.rows[k][0] for k in keys], dtype=float)
    hi = np.array([cons.rows[k][1] for k in keys], dtype=float)
    return keys, A, lo, hi


def check_register(cons, truth, left_out, knows_left_out, explain, stats, always_milp=False,
                   time_limit=60):
    """The hidden counts of the real register that every figure pins."""
    keys, A, lo, hi = matrix(cons)
    n = len(ATOMS)
    real = np.array(truth, dtype=float)
    gone = np.zeros(n)
    for a in left_out:
        gone[a] += 1
    counted = real - gone  # the register R the reports count
    bad = [f"{cons.origin[keys[r]]} (R {int(A[r] @ counted)}, real {int(A[r] @ real)}, "
           f"allowed {int(lo[r])}..{int(hi[r])})" for r in np.nonzero((A @ counted < lo - 1e-9) |
                                                    (A @ counted > hi + 1e-9))[0]]
    assert not bad, f"the counted register breaks {len(bad)} figures, e.g. {bad[:3]}: a " \
                    "report counts other people, or the test models it wrongly"
    changed = int(np.sum((A @ real < lo - 1e-9) | (A @ real > hi + 1e-9)))
    stats["changed"] += changed
    # Unknowns: R's counts (integers), then who was left out (0/1, at most
    # one per service); the real register is their sum.
    if knows_left_out:
        extra_bounds = (gone, gone)
    else:
        extra_bounds = (np.zeros(n), np.ones(n))
    figures = LinearConstraint(hstack([A, csr_matrix((A.shape[0], n))]).tocsr(), lo, hi)
    per_service = np.zeros((len(SERVICES), 2 * n))
    for k, s in enumerate(SERVICES):
        per_service[k, [n + a for a in SERVICE_ATOMS[s]]] = 1.0
    one_each = LinearConstraint(per_service, 0, 1)
    bounds = Bounds(np.concatenate([np.zeros(n), extra_bounds[0]]),
                    np.concatenate([np.full(n, real.sum() + 10), extra_bounds[1]]))
    found = [real]  # real registers consistent with every figure, found so far
    pinned = []
    for key, where in cons.hidden.items():
        if not key:
            continue  # a listed value outside the test's universe of atoms
        stats["hidden"] += 1
        cell = np.zeros(n)
        cell[list(key)] = 1.0
        true_value = cell @ real
        if any(cell @ x != true_value for x in found[1:]):
            continue
        if not knows_left_out and not always_milp:
            # The two registers of the proof (caseload-report(1)): R itself
            # (nobody left out), and R plus one person of the cell (the one
            # left out of its service). Both satisfy every figure, since the
            # figures count R alone (checked above); one differs here.
            one_more = counted.copy()
            one_more[key[0]] += 1
            if cell @ counted != true_value or cell @ one_more != true_value:
                stats["constructed"] += 1
                continue
        other, undecided = None, False
        both = np.concatenate([cell, cell])
        for direction in (+1, -1):
            limit = (LinearConstraint(both, true_value + 1, np.inf) if direction > 0
                     else LinearConstraint(both, -np.inf, true_value - 1))
            res = milp(np.zeros(2 * n), constraints=[figures, one_each, limit],
                       integrality=np.ones(2 * n), bounds=bounds,
                       options={"time_limit": time_limit})
            stats["solves"] += 1
            if res.status == 0:
                x = np.round(res.x)
                other = x[:n] + x[n:]
                break
            if res.status == 1:  # the time limit, no answer: neither pinned nor shown free
                undecided = True
            elif res.status != 2:  # 2: infeasible
                sys.exit(f"milp gave status {res.status} ({res.message}) for {where}")
        if undecided and other is None:
            stats["undecided"] += 1
            print(f"UNDECIDED (time limit {time_limit} s): '{where}'", flush=True)
        elif other is None:
            pinned.append((where, int(true_value)))
            if explain:
                explain_pin(keys, cons, A, lo, hi, cell, cell @ counted, real.sum() + 10, where)
        else:
            found.append(other)
    return pinned


def explain_pin(keys, cons, A, lo, hi, cell, true_value, most, where):
    """Prints a smallest set of figures (a deletion filter) that pins a count,
    for an attacker who knows who was left out (R's counts)."""
    n = A.shape[1]
    bounds = Bounds(np.zeros(n), np.full(n, most))
    print(f"PINNED '{where}' = {int(true_value)} by:")
    for direction in (+1, -1):
        limit = (LinearConstraint(cell, true_value + 1, np.inf) if direction > 0
                 else LinearConstraint(cell, -np.inf, true_value - 1))

        def infeasible(rows):
            c = ([LinearConstraint(A[rows], lo[rows], hi[rows])] if rows else []) + [limit]
            return milp(np.zeros(n), constraints=c, integrality=np.ones(n), bounds=bounds,
                        options={"time_limit": 20}).status == 2

        rows, chunk = list(range(len(keys))), max(1, len(keys) // 2)
        while True:
            i = 0
            while i < len(rows):
                trial = rows[:i] + rows[i + chunk:]
                if infeasible(trial):
                    rows = trial
                else:
                    i += chunk
            if chunk == 1:
                break
            chunk //= 2
        print(f"  not {'more' if direction > 0 else 'less'}, from {len(rows)} figures:")
        for r in rows:
            print(f"    {int(lo[r])} <= {len(keys[r])} kinds of person <= {int(hi[r])}: "
                  f"{cons.origin[keys[r]]}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("scratch")
    ap.add_argument("--registers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("--quick", action="store_true", help="one small register, fewer reports")
    ap.add_argument("--knows-left-out", action="store_true",
                    help="the attacker knows who was left out: rounding and hiding alone")
    ap.add_argument("--milp", action="store_true",
                    help="integer programming for every hidden count, not only where the two "
                         "registers of the proof do not settle it")
    ap.add_argument("--explain", action="store_true")
    ap.add_argument("--time-limit", type=float, default=60,
                    help="seconds per integer program; one that runs out leaves its cell "
                         "undecided (counted apart, and the run fails)")
    a = ap.parse_args()
    started = time.time()
    stats = {"registers": 0, "reports": 0, "hidden": 0, "solves": 0, "constraints": 0,
             "changed": 0, "constructed": 0, "undecided": 0}
    all_pinned = []
    for r in range(a.registers):
        rng = random.Random(a.seed * 1000 + r)
        threshold = rng.choice([8, 13])
        db = os.path.join(a.scratch, f"diff-{a.seed}-{r}.db")
        cl = Caseload(a.binary, db)
        truth, left_out = build_register(cl, rng, a.quick)
        cons = Constraints()
        stats["reports"] += all_reports(cl, cons, threshold, a.quick)
        stats["constraints"] += len(cons.rows)
        stats["registers"] += 1
        for where, value in check_register(cons, truth, left_out, a.knows_left_out, a.explain,
                                           stats, a.milp, a.time_limit):
            all_pinned.append(f"register {r} (threshold {threshold}): '{where}' hides {value}")
    print(f"{len(all_pinned)} pinned of {stats['hidden']} hidden cells over {stats['reports']} "
          f"reports: {stats['registers']} registers (seed {a.seed}{', quick' if a.quick else ''}"
          f"{', integer programming only' if a.milp else ''}), "
          f"{stats['constraints']} distinct figures ({stats['changed']} of them other had "
          f"nobody been left out), {stats['constructed']} hidden cells settled by the two "
          f"registers of the proof, {stats['solves']} integer programs, "
          f"{stats['undecided']} undecided ({time.time() - started:.0f} s)")
    for p in all_pinned:
        print("PINNED:", p)
    sys.exit(1 if all_pinned or stats["undecided"] else 0)


if __name__ == "__main__":
    main()
