#!/usr/bin/env python3
"""Prints the totals of a build: JUnit tests run, failed, errored and skipped (from every module's Surefire and
Failsafe reports), and the Python and TypeScript client suites' counts (from the build log).
Usage: .ci/totals.py <build log>"""
import glob
import re
import sys
import xml.etree.ElementTree as ET

def junit_totals():
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    per_module = {}
    for path in glob.glob("**/target/*-reports/TEST-*.xml", recursive=True):
        suite = ET.parse(path).getroot()
        module = path.split("/target/")[0]
        counts = per_module.setdefault(module, {k: 0 for k in totals})
        for key in totals:
            value = int(float(suite.get(key, "0")))
            totals[key] += value
            counts[key] += value
    return totals, per_module

def client_totals(log):
    python = re.findall(r"^Ran (\d+) tests? in", log, re.M)
    python_failed = re.findall(r"^FAILED \((?:failures=(\d+))?(?:, )?(?:errors=(\d+))?", log, re.M)
    ts_tests = re.findall(r"^# tests (\d+)", log, re.M)
    ts_fail = re.findall(r"^# fail (\d+)", log, re.M)
    ts_skip = re.findall(r"^# skipped (\d+)", log, re.M)
    py = {"tests": sum(map(int, python)),
          "failed": sum(int(f or 0) + int(e or 0) for f, e in python_failed)}
    ts = {"tests": sum(map(int, ts_tests)), "failed": sum(map(int, ts_fail)), "skipped": sum(map(int, ts_skip))}
    return py, ts

def main():
    log = open(sys.argv[1], encoding="utf-8", errors="replace").read() if len(sys.argv) > 1 else ""
    totals, per_module = junit_totals()
    py, ts = client_totals(log)
    print("== Test totals ==")
    for module, c in sorted(per_module.items()):
        print(f"  {module:45s} run {c['tests']:4d}  failed {c['failures'] + c['errors']:3d}  skipped {c['skipped']:3d}")
    print(f"JUnit: {totals['tests']} run, {totals['failures'] + totals['errors']} failed "
          f"({totals['failures']} failures, {totals['errors']} errors), {totals['skipped']} skipped")
    print(f"Python client: {py['tests']} run, {py['failed']} failed")
    print(f"TypeScript client: {ts['tests']} run, {ts['failed']} failed, {ts['skipped']} skipped")

if __name__ == "__main__":
    main()
