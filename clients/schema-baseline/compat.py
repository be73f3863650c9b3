#!/usr/bin/env python3
"""Do the current schemas still fit the clients? Compares contracts/schemas with this baseline.

The baseline (``*.schema.json`` next to this file) is the schema of each record the clients use, as
they were written against. Without a ``schemaVersion`` bump, a record may only gain optional
fields, enum values or variants. Anything else breaks a client and is reported, naming record and field:
a removed property, definition or variant, a changed type, a newly required field, a field that is
no longer required (readers count on it), a removed enum value.

When a record's ``schemaVersion`` const changed, the change is deliberate: the record is reported as
bumped (update the clients, then copy the new schema here) and not compared.

    python3 clients/schema-baseline/compat.py [CURRENT_DIR [BASELINE_DIR]]
"""

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CURRENT = os.path.join(HERE, "..", "..", "contracts", "schemas")

# The keywords that make up a property's type; documentation keywords are free to change.
TYPE_KEYWORDS = ("type", "format", "$ref", "const", "items", "additionalProperties", "oneOf")


def load_dir(directory):
    schemas = {}
    for name in sorted(os.listdir(directory)):
        if name.endswith(".schema.json"):
            with open(os.path.join(directory, name), encoding="utf-8") as f:
                schemas[name[: -len(".schema.json")]] = json.load(f)
    return schemas


def version_of(schema):
    return schema.get("properties", {}).get("schemaVersion", {}).get("const")


def compare(record, baseline, current):
    """The breaking differences of one record's schema, as human-readable lines."""
    problems = []
    objects = [(record, baseline, current)]
    base_defs, cur_defs = baseline.get("$defs", {}), current.get("$defs", {})
    for name, definition in base_defs.items():
        if name not in cur_defs:
            problems.append("%s: definition %s was removed" % (record, name))
        else:
            objects.append(("%s.%s" % (record, name), definition, cur_defs[name]))
    for where, old, new in objects:
        problems.extend(compare_object(where, old, new))
    return problems


def compare_object(where, old, new):
    problems = []
    old_props, new_props = old.get("properties", {}), new.get("properties", {})
    old_req, new_req = set(old.get("required", [])), set(new.get("required", []))
    for field, old_prop in old_props.items():
        if field not in new_props:
            problems.append("%s: field '%s' was removed" % (where, field))
            continue
        new_prop = new_props[field]
        old_type = {k: old_prop[k] for k in TYPE_KEYWORDS if k in old_prop}
        new_type = {k: new_prop[k] for k in TYPE_KEYWORDS if k in new_prop}
        if old_type != new_type:
            problems.append("%s: field '%s' changed type from %s to %s"
                            % (where, field, json.dumps(old_type, sort_keys=True), json.dumps(new_type, sort_keys=True)))
        removed_values = [v for v in old_prop.get("enum", []) if v not in new_prop.get("enum", [])]
        if removed_values:
            problems.append("%s: field '%s' lost enum values %s" % (where, field, removed_values))
        if field in old_req and field not in new_req:
            problems.append("%s: field '%s' is no longer required" % (where, field))
    for field in sorted(new_req - old_req):
        problems.append("%s: field '%s' is newly required" % (where, field))
    old_variants = [v.get("$ref") for v in old.get("oneOf", [])]
    new_variants = [v.get("$ref") for v in new.get("oneOf", [])]
    for ref in old_variants:
        if ref not in new_variants:
            problems.append("%s: variant %s was removed" % (where, ref))
    return problems


def check(current_dir=CURRENT, baseline_dir=HERE):
    """(problems, notes): breaking changes without a version bump, and records that were bumped."""
    baseline, current = load_dir(baseline_dir), load_dir(current_dir)
    problems, notes = [], []
    for record, old in baseline.items():
        new = current.get(record)
        if new is None:
            problems.append("%s: the record's schema was removed from %s" % (record, current_dir))
        elif version_of(old) != version_of(new):
            notes.append("%s: schemaVersion %s -> %s; update the clients, then copy the new schema to %s"
                         % (record, version_of(old), version_of(new), baseline_dir))
        else:
            problems.extend("%s (schemaVersion %s unchanged)" % (p, version_of(new)) for p in compare(record, old, new))
    return problems, notes


def main(argv):
    problems, notes = check(*argv[1:3])
    for note in notes:
        print("note: " + note)
    for problem in problems:
        print("BREAKING: " + problem)
    if problems:
        print("A record the clients use changed incompatibly. Bump its SCHEMA_VERSION (and update clients/), "
              "or make the change additive (a new optional field).")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
