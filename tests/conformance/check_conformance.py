#!/usr/bin/env python3
"""Keeps tests/CONFORMANCE.md honest.

Checks that every test it names exists in tests/ (as TEST/TEST_F/TEST_P(Suite, Name)), and, when
the specification tables are at hand (../shared/spec beside the checkout), that every statement
classed `codec` or `codec-encode` there has a row. Exit status 1 on any mismatch, with the list.
"""
import pathlib
import re
import sys

root = pathlib.Path(__file__).resolve().parents[2]
table = (root / "tests" / "CONFORMANCE.md").read_text(encoding="utf-8")

tests = set()
for src in (root / "tests").rglob("*.cpp"):
    for suite, name in re.findall(r"\bTEST(?:_F|_P)?\(\s*(\w+)\s*,\s*(\w+)\s*\)",
                                  src.read_text(encoding="utf-8")):
        tests.add(f"{suite}.{name}")

problems = []
rows = {}  # (version, statement id) -> row text
for line in table.splitlines():
    m = re.match(r"\|\s*(3\.1\.1|5\.0)\s*\|\s*(MQTT-[0-9.]+-\d+)\s*\|", line)
    if not m:
        continue
    rows[(m.group(1), m.group(2))] = line
    for ref in re.findall(r"`(\w+\.\w+)`", line):
        if ref not in tests:
            problems.append(f"{m.group(2)} ({m.group(1)}): names {ref}, which is no test in tests/")

spec = root.parent / "shared" / "spec"
if len(sys.argv) > 1:
    spec = pathlib.Path(sys.argv[1])
if spec.is_dir():
    for version, file in (("3.1.1", "mqtt-3.1.1.md"), ("5.0", "mqtt-5.0.md")):
        text = (spec / file).read_text(encoding="utf-8")
        for sid, cls in re.findall(r"^\| (MQTT-[0-9.]+-\d+) \|.*\| `(codec(?:-encode)?)` \|$", text,
                                   flags=re.M):
            if (version, sid) not in rows:
                problems.append(f"{sid} ({version}, {cls}): no row in tests/CONFORMANCE.md")
else:
    print(f"note: {spec} not found; only the test names were checked")

if problems:
    print("tests/CONFORMANCE.md is out of date:")
    for p in problems:
        print("  " + p)
    sys.exit(1)
print(f"tests/CONFORMANCE.md: {len(rows)} statements, every named test exists")
