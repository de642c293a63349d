#!/usr/bin/env python3
"""Adds up meson test logs (testlog.json) and pytest JUnit XML files into the
suite's last line: "N passed, N failed, N skipped". Exit 1 if anything failed.

An argument "FAILED:<why>" counts one failure (a step that could not run).
A missing result file counts as one failure: a step that produced nothing
must not look like a pass."""
import json
import os
import sys
import xml.etree.ElementTree as ET


def meson_counts(path):
    passed = failed = skipped = 0
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            r = json.loads(line).get("result", "")
            if r in ("OK", "EXPECTEDFAIL"):
                passed += 1
            elif r == "SKIP":
                skipped += 1
            else:
                failed += 1
                print(f"FAILED: {json.loads(line).get('name')} ({r}) in {path}")
    return passed, failed, skipped


def junit_counts(path):
    passed = failed = skipped = 0
    root = ET.parse(path).getroot()
    for case in root.iter("testcase"):
        kinds = {child.tag for child in case}
        name = f"{case.get('classname')}::{case.get('name')}"
        if "failure" in kinds or "error" in kinds:
            failed += 1
            print(f"FAILED: {name}")
        elif "skipped" in kinds:
            skipped += 1
        else:
            passed += 1
    return passed, failed, skipped


def main(args):
    total = [0, 0, 0]
    for a in args:
        if a.startswith("FAILED:"):
            print(f"FAILED: step {a[7:]}")
            total[1] += 1
            continue
        if not os.path.exists(a):
            print(f"FAILED: no results in {a}")
            total[1] += 1
            continue
        c = meson_counts(a) if a.endswith(".json") else junit_counts(a)
        for i in range(3):
            total[i] += c[i]
    line = f"{total[0]} passed, {total[1]} failed"
    if total[2]:
        line += f", {total[2]} skipped"
    print(line)
    return 1 if total[1] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
