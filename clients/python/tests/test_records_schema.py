"""Every dataclass against the JSON Schema the services generate: a schema change breaks this test."""

import dataclasses
import json
import os
import sys
import typing
import unittest
from datetime import datetime, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))

from patinox_client import records  # noqa: E402
from patinox_client.records import (ContractError, RunResult, StepEvent, TaskSubmitted, camel,  # noqa: E402
                                    from_wire, to_wire)

SCHEMAS = os.environ.get("PATINOX_SCHEMAS", os.path.join(HERE, "..", "..", "..", "contracts", "schemas"))

ENUMS = {
    ("RunResult", "status"): records.RUN_STATUSES,
    ("StepEvent", "outcome"): records.STEP_OUTCOMES,
    ("StepEvent", "verdictSource"): records.VERDICT_SOURCES,
    ("Finding", "outcome"): records.VERDICT_KINDS,
    ("ReviewDecision", "decision"): records.REVIEW_DECISIONS,
}


def load(title):
    with open(os.path.join(SCHEMAS, title + ".schema.json"), encoding="utf-8") as f:
        return json.load(f)


def expected_python_type(prop, where):
    """The annotation a schema property must have in the dataclass (without Optional)."""
    if "$ref" in prop:
        name = prop["$ref"].rsplit("/", 1)[-1]
        if name in ("Action", "Verdict"):
            return typing.Dict[str, typing.Any]
        return getattr(records, name)
    kind = prop.get("type")
    if isinstance(kind, list):
        non_null = [k for k in kind if k != "null"]
        if len(non_null) != 1:
            raise AssertionError("%s: unsupported type %s" % (where, kind))
        kind = non_null[0]
    if kind == "string":
        return datetime if prop.get("format") == "date-time" else str
    if kind == "integer":
        return int
    if kind == "number":
        return float
    if kind == "boolean":
        return bool
    if kind == "array":
        return typing.List[expected_python_type(prop["items"], where + "[]")]
    if kind == "object":
        values = prop.get("additionalProperties")
        if isinstance(values, dict) and values.get("type") == "string":
            return typing.Dict[str, str]
        return typing.Dict[str, typing.Any]
    raise AssertionError("%s: unsupported schema %s" % (where, prop))


class RecordsMatchSchemas(unittest.TestCase):

    def check(self, cls, schema, title):
        hints = typing.get_type_hints(cls)
        fields = {camel(f.name): f.name for f in dataclasses.fields(cls)}
        self.assertEqual(set(schema["properties"]), set(fields),
                         "%s: dataclass fields differ from the schema's properties" % title)
        required = {wire for wire, name in fields.items() if not records.is_optional(hints[name])}
        self.assertEqual(set(schema.get("required", [])), required,
                         "%s: required fields (non-Optional annotations) differ from the schema" % title)
        for wire, prop in schema["properties"].items():
            where = "%s.%s" % (title, wire)
            actual = records.unwrap_optional(hints[fields[wire]])
            self.assertEqual(expected_python_type(prop, where), actual, where + ": type differs from the schema")
            if "enum" in prop:
                self.assertEqual(tuple(prop["enum"]), ENUMS.get((title, wire)), where + ": enum values differ")
            if "const" in prop:
                self.assertEqual(prop["const"], records.SCHEMA_VERSION, where + ": schema version differs")

    def test_every_record_and_nested_object_matches_its_schema(self):
        for title, cls in records.RECORDS.items():
            with self.subTest(record=title):
                schema = load(title)
                self.assertEqual(title, schema["title"])
                self.check(cls, schema, title)
                for name, definition in schema.get("$defs", {}).items():
                    if hasattr(records, name) and dataclasses.is_dataclass(getattr(records, name)):
                        self.check(getattr(records, name), definition, name)

    def test_action_and_verdict_kinds_match_the_schema(self):
        defs = load("StepEvent")["$defs"]
        action_types = tuple(defs[ref["$ref"].rsplit("/", 1)[-1]]["properties"]["type"]["const"]
                             for ref in defs["Action"]["oneOf"])
        self.assertEqual(records.ACTION_TYPES, action_types)
        verdict_kinds = tuple(defs[ref["$ref"].rsplit("/", 1)[-1]]["properties"]["kind"]["const"]
                              for ref in defs["Verdict"]["oneOf"])
        self.assertEqual(tuple(k.lower() for k in records.VERDICT_KINDS), verdict_kinds)

    def test_checker_sees_a_field_the_dataclass_lacks(self):
        schema = load("TaskSubmitted")
        schema["properties"]["priority"] = {"type": "integer"}
        with self.assertRaises(AssertionError):
            self.check(TaskSubmitted, schema, "TaskSubmitted")


class WireFormat(unittest.TestCase):

    def test_a_task_is_written_with_camel_case_names_and_a_utc_instant(self):
        task = TaskSubmitted(task_id="t-1", agent="support", input="What is 17 * 23?", metadata={"user": "ada"},
                             occurred_at=datetime(2026, 1, 2, 3, 4, 5, 123456, tzinfo=timezone.utc))
        self.assertEqual({"taskId": "t-1", "agent": "support", "input": "What is 17 * 23?",
                          "metadata": {"user": "ada"}, "occurredAt": "2026-01-02T03:04:05.123456Z",
                          "schemaVersion": 1}, to_wire(task))

    def test_a_result_as_the_services_write_it_is_read(self):
        wire = {"schemaVersion": 1, "taskId": "t-1", "runId": "r-1", "agent": "support", "configVersion": "abc",
                "status": "COMPLETED", "answer": "391", "reason": None, "steps": 2,
                "usage": {"inputTokens": 10, "outputTokens": 5, "costUsd": 0},
                "model": {"provider": "scripted", "name": "calc", "scripted": True},
                "metadata": {}, "startedAt": "2026-01-02T03:04:05.123456789Z",
                "occurredAt": "2026-01-02T03:04:06Z", "addedLater": "ignored"}
        result = from_wire(RunResult, wire)
        self.assertTrue(result.completed)
        self.assertEqual(0.0, result.usage.cost_usd)
        self.assertEqual(datetime(2026, 1, 2, 3, 4, 5, 123456, tzinfo=timezone.utc), result.started_at)
        self.assertEqual(datetime(2026, 1, 2, 3, 4, 6, tzinfo=timezone.utc), result.occurred_at)
        self.assertEqual("2026-01-02T03:04:05.123456Z", to_wire(result)["startedAt"])
        self.assertIsNone(result.reason)

    def test_a_missing_required_field_is_named(self):
        with self.assertRaises(ContractError) as caught:
            from_wire(RunResult, {"schemaVersion": 1, "taskId": "t"})
        self.assertIn("runId", str(caught.exception))

    def test_a_wrong_type_is_named(self):
        step = {"schemaVersion": 1, "taskId": "t", "runId": "r", "stepIndex": "zero"}
        with self.assertRaises(ContractError) as caught:
            from_wire(StepEvent, step)
        self.assertIn("stepIndex", str(caught.exception))

    def test_another_schema_version_is_refused(self):
        task = to_wire(TaskSubmitted.new("support", "hi"))
        task["schemaVersion"] = 2
        with self.assertRaises(ContractError):
            from_wire(TaskSubmitted, task)


if __name__ == "__main__":
    unittest.main()
