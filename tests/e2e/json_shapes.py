#!/usr/bin/env python3
"""Checks caseload's --format json/jsonl output against the shapes that
man caseload (JSON OUTPUT) documents.

Usage: json_shapes.py SHAPE [jsonl] < output
SHAPE is a name below (one object), or NAME[] (an array of them; in jsonl one
object a line); report is the report object (in jsonl: rows, then a last
{"total": ...} line). Exit 0 when the output has the shape; else a message on
stderr and exit 1.

Every shape's fields, in their order, must also be those of an example in the
man page's JSON OUTPUT section, so that the page and this check cannot drift
apart (CASELOAD_MAN names the page; default: man/caseload.1 of this tree)."""
import json
import os
import re
import sys

STR, NUM, BOOL, NULL = str, (int, float), bool, type(None)
OPT = (str, type(None))

SHAPES = {
    "service_user": {
        "id": STR, "service": STR, "keyworker": STR, "date_of_birth": OPT,
        "age_band": OPT, "gender": OPT, "ethnicity": OPT, "needs": list,
        "started_on": OPT, "status": STR, "left_on": OPT, "created_at": STR,
        "updated_at": STR,
    },
    "import_summary": {
        "file": STR, "dry_run": BOOL, "committed": BOOL, "rows": int, "added": int,
        "skipped": int, "rejected": int, "seconds": NUM, "rejects": OPT, "generated": list,
    },
    "generated": {"line": int, "ref": OPT, "id": STR},
    "id": {"id": STR},
    "report": {"rows": list, "total": dict},
    "organisation": {"name": STR, "id_pattern": OPT, "id_pattern_description": OPT,
                     "guard_words": int},
    "service": {"code": STR, "name": STR, "star": STR, "managers": list, "workers": list,
                "active_service_users": int},
    "staff": {"username": STR, "name": STR, "login": OPT, "lead": BOOL, "active": BOOL,
              "worker": list, "manager": list, "caseload": int},
    "star": {"code": STR, "name": STR, "needs": int, "builtin": BOOL},
    "code_label": {"code": STR, "label": STR},
    "word": {"word": STR, "kind": STR, "reason": OPT},
    "id_check": {"id": STR, "ok": BOOL, "error": OPT, "findings": list},
    "id_scan": {"id": STR, "service": STR, "keyworker": STR, "severity": STR, "findings": list},
    "finding": {"kind": STR, "severity": STR, "match": STR, "message": STR},
    "event": {"at": STR, "actor": STR, "action": STR, "service_user": OPT, "detail": STR},
    "benchmark": {"id": int, "organisation": STR, "star": STR, "made_on": STR, "people": int,
                  "added_at": STR},
    "problem": {"check": STR, "problem": STR},
    "backup": {"file": STR, "pages": int, "problems": list},
    "upgrade": {"from": int, "to": int},
}
# Lists inside an object, and the shape of their items.
ITEMS = {("import_summary", "generated"): "generated", ("id_check", "findings"): "finding",
         ("id_scan", "findings"): "finding", ("backup", "problems"): "problem",
         ("service_user", "needs"): str, ("service", "managers"): str,
         ("service", "workers"): str, ("staff", "worker"): str, ("staff", "manager"): str}
# Fixed values.
VALUES = {("service_user", "status"): ("active", "left"),
          ("word", "kind"): ("name", "address", "allow"),
          ("id_scan", "severity"): ("block", "warn"),
          ("finding", "severity"): ("block", "warn")}
# Shapes documented by name rather than by an example of their own.
SUBSHAPES = {"finding"}


def documented_fields():
    """The field lists of the man page's JSON OUTPUT examples (.EX blocks)."""
    here = os.path.dirname(os.path.abspath(__file__))
    page = os.environ.get("CASELOAD_MAN") or os.path.join(here, "..", "..", "man", "caseload.1")
    text = open(page, encoding="utf-8").read()
    section = text.split('.SH "JSON OUTPUT"', 1)[1].split("\n.SH ", 1)[0]
    found = []
    for block in re.findall(r"^\.EX\n(.*?)^\.EE", section, re.S | re.M):
        example = block.replace("\\-", "-").replace("[...]", "[]").replace("{...}", "{}")
        example = re.sub(r":\s*N\b", ": 0", example)
        value = json.loads(example)
        found.append(tuple(value.keys()))
        for item in value.values():  # nested examples: {"generated": [{...}]}, findings
            if isinstance(item, list) and item and isinstance(item[0], dict):
                found.append(tuple(item[0].keys()))
    return found


def check(obj, name, what=None):
    fields = SHAPES[name]
    what = what or name.replace("_", " ")
    if not isinstance(obj, dict):
        raise ValueError(f"{what}: not an object: {obj!r}")
    if list(obj.keys()) != list(fields.keys()):
        raise ValueError(f"{what}: fields {list(obj.keys())}, documented {list(fields.keys())}")
    for key, kind in fields.items():
        value = obj[key]
        if kind is int and isinstance(value, bool) or not isinstance(value, kind):
            raise ValueError(f"{what}: {key} is {value!r}")
        if (name, key) in VALUES and value not in VALUES[(name, key)]:
            raise ValueError(f"{what}: {key} is {value!r}")
        item = ITEMS.get((name, key))
        if item is str and not all(isinstance(v, str) for v in value):
            raise ValueError(f"{what}: {key} holds other than text: {value!r}")
        if isinstance(item, str):
            for v in value:
                check(v, item)


def check_report(value, total_line=None):
    check(value, "report")
    total = value["total"]
    counts = ("active_at_start", "started", "left", "active_at_end")
    if "count" in total:
        keys = ["count"]
    elif all(k in total for k in counts):
        keys = list(counts)
    else:
        raise ValueError(f"report: total {total!r} has no count")
    if [k for k in total if k != "suppressed"] != keys:
        raise ValueError(f"report: total has fields {list(total)}")
    for k in keys:
        if not isinstance(total[k], (int, NULL)) or isinstance(total[k], bool):
            raise ValueError(f"report: total {k} is {total[k]!r}")
    for row in value["rows"]:
        if not isinstance(row, dict) or "total" in row:
            raise ValueError(f"report row {row!r}")
        if keys == ["count"] and ("count" not in row or "percent" not in row):
            raise ValueError(f"report row {row!r}")
        if keys != ["count"] and not all(k in row for k in counts):
            raise ValueError(f"flow row {row!r}")


def main():
    shape = sys.argv[1]
    lines = len(sys.argv) > 2 and sys.argv[2] == "jsonl"
    name, many = (shape[:-2], True) if shape.endswith("[]") else (shape, False)
    if name not in SHAPES:
        raise SystemExit(f"unknown shape {shape}")
    documented = documented_fields()
    for n in [name] + [v for (o, _), v in ITEMS.items() if o == name and isinstance(v, str)]:
        if tuple(SHAPES[n]) not in documented:
            raise ValueError(f"{n}: fields {list(SHAPES[n])} are not an example in man caseload")
    text = sys.stdin.read()
    if lines:
        values = [json.loads(l) for l in text.splitlines()]
        if any(not l.strip() for l in text.splitlines()):
            raise ValueError("an empty line in jsonl")
    else:
        values = [json.loads(text)]
    if name == "report" and lines:
        if not values or list(values[-1].keys()) != ["total"]:
            raise ValueError("report jsonl: the last line is not {\"total\": ...}")
        check_report({"rows": values[:-1], "total": values[-1]["total"]})
        return
    if many and lines:
        values = [values]  # one object a line: check them as one array
    if many and len(values) != 1:
        raise ValueError("not one array")
    if not many and len(values) != 1:
        raise ValueError(f"{len(values)} values, not one {name}")
    for value in values:
        if many and not isinstance(value, list):
            raise ValueError(f"not an array of {name}: {str(value)[:100]}")
        for item in value if many else [value]:
            if name == "report":
                check_report(item)
            else:
                check(item, name)


try:
    main()
except (ValueError, json.JSONDecodeError) as e:
    print(f"json_shapes: {e}", file=sys.stderr)
    sys.exit(1)
