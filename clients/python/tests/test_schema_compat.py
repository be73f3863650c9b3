"""The client-facing schemas must stay compatible with clients/schema-baseline unless schemaVersion is bumped."""

import copy
import importlib.util
import json
import os
import shutil
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
BASELINE = os.path.join(HERE, "..", "..", "schema-baseline")
CURRENT = os.environ.get("PATINOX_SCHEMAS", os.path.join(HERE, "..", "..", "..", "contracts", "schemas"))

_spec = importlib.util.spec_from_file_location("compat", os.path.join(BASELINE, "compat.py"))
compat = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(compat)


class CurrentSchemasAreCompatible(unittest.TestCase):

    def test_the_contracts_schemas_do_not_break_the_clients(self):
        problems, _ = compat.check(CURRENT, BASELINE)
        self.assertEqual([], problems, "\n".join(problems))

    def test_the_baseline_covers_the_records_the_clients_use(self):
        self.assertEqual({"TaskSubmitted", "StepEvent", "RunResult"}, set(compat.load_dir(BASELINE)))


class TheCheckerCatchesBreakingChanges(unittest.TestCase):
    """Mutations of the baseline, each of which must be reported (or not) as stated."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="patinox-compat-")
        self.addCleanup(shutil.rmtree, self.dir)
        self.schemas = compat.load_dir(BASELINE)

    def problems_after(self, record, mutate):
        schema = copy.deepcopy(self.schemas[record])
        mutate(schema)
        for name, s in self.schemas.items():
            with open(os.path.join(self.dir, name + ".schema.json"), "w", encoding="utf-8") as f:
                json.dump(schema if name == record else s, f)
        return compat.check(self.dir, BASELINE)

    def assert_breaks(self, record, mutate, *words):
        problems, _ = self.problems_after(record, mutate)
        self.assertEqual(1, len(problems), problems)
        for word in (record,) + words:
            self.assertIn(word, problems[0])

    def test_a_removed_field(self):
        self.assert_breaks("RunResult", lambda s: s["properties"].pop("answer"), "'answer'", "removed")

    def test_a_retyped_field(self):
        self.assert_breaks("StepEvent", lambda s: s["properties"].update(stepIndex={"type": "string"}),
                           "'stepIndex'", "changed type")

    def test_a_newly_required_field(self):
        def mutate(s):
            s["properties"]["priority"] = {"type": "integer"}
            s["required"].append("priority")
        self.assert_breaks("TaskSubmitted", mutate, "'priority'", "newly required")

    def test_a_retyped_field_of_a_nested_definition(self):
        self.assert_breaks("RunResult", lambda s: s["$defs"]["Usage"]["properties"].update(costUsd={"type": "string"}),
                           "RunResult.Usage", "'costUsd'")

    def test_a_removed_enum_value(self):
        def mutate(s):
            s["properties"]["status"]["enum"].remove("DIVERTED")
        self.assert_breaks("RunResult", mutate, "'status'", "DIVERTED")

    def test_a_new_optional_field_is_compatible(self):
        problems, _ = self.problems_after("RunResult", lambda s: s["properties"].update(priority={"type": "integer"}))
        self.assertEqual([], problems)

    def test_a_version_bump_allows_anything_and_says_so(self):
        def mutate(s):
            s["properties"].pop("answer")
            s["properties"]["schemaVersion"]["const"] = 2
        problems, notes = self.problems_after("RunResult", mutate)
        self.assertEqual([], problems)
        self.assertIn("RunResult", notes[0])


if __name__ == "__main__":
    unittest.main()
