#!/usr/bin/env python3
"""Checks caseload's --format json/jsonl output against the shapes that
man caseload (JSON OUTPUT) documents. Usage: json_shapes.py SHAPE [jsonl] < output
SHAPE: service_user, service_users, ids, import_summary, report.
Exit 0 when the output has the shape; else a message on stderr and exit 1."""
import json
import sys

STR, NUM, BOOL, NULL = str, (int, float), bool, type(None)

SERVICE_USER = {
    "id": STR, "service": STR, "keyworker": STR, "date_of_birth": (STR, NULL),
    "age_band": (STR, NULL), "gender": (STR, NULL), "ethnicity": (STR, NULL),
    "needs": list, "started_on": (STR, NULL), "status": STR, "left_on": (STR, NULL), "created_at": STR,
    "updated_at": STR,
}
IMPORT_SUMMARY = {
    "file": STR, "dry_run": BOOL, "committed": BOOL, "rows": int, "added": int,
    "skipped": int, "rejected": int, "seconds": NUM, "rejects": (STR, NULL), "generated": list,
}
GENERATED = {"line": int, "ref": (STR, NULL), "id": STR}


def check(obj, fields, what):
    if not isinstance(obj, dict):
        raise ValueError(f"{what}: not an object: {obj!r}")
    if list(obj.keys()) != list(fields.keys()):
        raise ValueError(f"{what}: fields {list(obj.keys())}, documented {list(fields.keys())}")
    for key, kind in fields.items():
        value = obj[key]
        if kind is int and isinstance(value, bool) or not isinstance(value, kind):
            raise ValueError(f"{what}: {key} is {value!r}")


def service_user(obj):
    check(obj, SERVICE_USER, "service user")
    if not all(isinstance(n, str) for n in obj["needs"]):
        raise ValueError("service user: needs are not codes")
    if obj["status"] not in ("active", "left"):
        raise ValueError(f"service user: status {obj['status']!r}")


def main():
    shape = sys.argv[1]
    lines = len(sys.argv) > 2 and sys.argv[2] == "jsonl"
    text = sys.stdin.read()
    values = [json.loads(l) for l in text.splitlines() if l.strip()] if lines else [json.loads(text)]
    if lines and shape in ("service_users", "ids"):
        values = [values]  # one object a line: check them as one array
    for value in values:
        if shape == "service_user":
            service_user(value)
        elif shape == "service_users":
            if not isinstance(value, list):
                raise ValueError("not an array")
            for item in value:
                service_user(item)
        elif shape == "ids":
            if not isinstance(value, list) or not value:
                raise ValueError("not a non-empty array")
            for item in value:
                check(item, {"id": STR}, "id")
        elif shape == "import_summary":
            check(value, IMPORT_SUMMARY, "import summary")
            for g in value["generated"]:
                check(g, GENERATED, "generated ID")
        elif shape == "report":
            check(value, {"rows": list, "total": dict}, "report")
            if not isinstance(value["total"].get("count"), (int, NULL)):
                raise ValueError("report: total has no count")
            for row in value["rows"]:
                if "count" not in row or "percent" not in row:
                    raise ValueError(f"report row {row!r}")
        else:
            raise SystemExit(f"unknown shape {shape}")


try:
    main()
except (ValueError, json.JSONDecodeError) as e:
    print(f"json_shapes: {e}", file=sys.stderr)
    sys.exit(1)
