#!/usr/bin/env python3
"""Keeps tests/CONFORMANCE.md honest.

Checks that every test it names exists in tests/ (as TEST/TEST_F/TEST_P(Suite, Name)), and, when
the specification tables are at hand (../shared/spec beside the checkout), that every statement
classed `codec` or `codec-encode` there has a row; and that the table of errc reason codes has a
row for every errc with the reason code and statements of error.hpp's errc_table. Exit status 1 on any mismatch, with the list.
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

# The errc table: one row per errc, its reason code and default statements as the code says.
source = (root / "include" / "mqttwire" / "error.hpp").read_text(encoding="utf-8")
codes = dict((n, int(v, 16)) for n, v in re.findall(
    r"^\s*(\w+) = (0x[0-9A-Fa-f]{2}),",
    (root / "include" / "mqttwire" / "reason_code.hpp").read_text(encoding="utf-8"), re.M))
enum = re.search(r"enum class errc : std::uint8_t \{(.*?)\};", source, re.S).group(1)
enumerators = re.findall(r"^\s*(\w+)(?: = \d+)?,", enum, re.M)
body = source[source.index("inline constexpr errc_info errc_table[] = {"):]
body = body[:body.index("\n};")]
in_code = {name: (codes[rc], s311 or "—", s5 or "—") for name, rc, s311, s5 in re.findall(
    r'\{"(\w+)",\s*(?:"(?:[^"\\]|\\.)*"\s*)+,\s*rc::(\w+),\s*"([^"]*)",\s*"([^"]*)"\}', body, re.S)}
if list(in_code) != enumerators:
    problems.append("error.hpp: errc_table does not list the errc enumerators in their order")
in_doc = {}
for name, rc, s311, s5 in re.findall(
        r"^\| `(\w+)` \| 0x([0-9A-F]{2}) \w+ \| (\S+) / (\S+) \|", table, re.M):
    in_doc[name] = (int(rc, 16), s311, s5)
for name, row in in_code.items():
    if name not in in_doc:
        problems.append(f"errc {name}: no row in the reason-code table")
    elif in_doc[name] != row:
        problems.append(f"errc {name}: the table says 0x{in_doc[name][0]:02X} {in_doc[name][1]} / "
                        f"{in_doc[name][2]}, the code 0x{row[0]:02X} {row[1]} / {row[2]}")
for name in in_doc.keys() - in_code.keys():
    problems.append(f"errc {name}: in the reason-code table, but no such errc")

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
print(f"tests/CONFORMANCE.md: {len(rows)} statements, every named test exists; "
      f"{len(in_doc)} errc rows agree with error.hpp")
