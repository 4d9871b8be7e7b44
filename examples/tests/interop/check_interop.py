#!/usr/bin/env python3
"""Checks mqttwire-decode against packets made by other MQTT implementations.

    check_interop.py TOOL DIR

DIR/vectors.json lists vectors: {"file", "args", "packets": [...]} for input the tool must
decode completely (exit 0, one line per packet, each holding the listed fields with equal
values; nested values such as "properties" must be equal as a whole; more lines may follow
only if their types are listed in "may_follow"), or
{"file", "args", "rejected": {...}, "why"} for input that breaks the specification (exit 1,
an error line with the listed fields). A file ending in .hex is passed with --hex. Every line
the tool prints must be valid JSON. Prints one line per vector and a summary.
"""
import json
import os
import subprocess
import sys


def run_tool(tool, directory, vector):
    path = os.path.join(directory, vector["file"])
    args = [tool] + list(vector.get("args", []))
    if path.endswith(".hex"):
        args.append("--hex")
    args.append(path)
    proc = subprocess.run(args, capture_output=True, timeout=60, check=False)
    lines = [json.loads(line) for line in proc.stdout.decode("utf-8").splitlines()]
    return proc.returncode, lines, proc.stderr.decode("utf-8", "replace")


def mismatches(expected, actual, where):
    """Fields of `expected` that `actual` lacks or holds with another value."""
    problems = []
    for key, value in expected.items():
        if key not in actual:
            problems.append(f"{where}: no field {key!r} (expected {value!r})")
        elif actual[key] != value:
            problems.append(f"{where}: {key} = {actual[key]!r}, expected {value!r}")
    return problems


def check_vector(tool, directory, vector):
    status, lines, stderr = run_tool(tool, directory, vector)
    if "rejected" in vector:
        if status != 1 or not lines:
            return [f"exit {status}, expected 1 (rejected: {vector.get('why', '')})"]
        return mismatches(vector["rejected"], lines[-1], "error line")
    problems = []
    if status != 0:
        problems.append(f"exit {status}: {lines[-1] if lines else stderr.strip()}")
    packets = vector["packets"]
    extra = [line.get("type") for line in lines[len(packets):]]
    if len(lines) < len(packets) or any(t not in vector.get("may_follow", []) for t in extra):
        problems.append(f"{len(lines)} lines, expected {len(packets)} packets")
    for i, (want, got) in enumerate(zip(packets, lines)):
        problems += mismatches(want, got, f"packet {i} ({want.get('type')})")
    return problems


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    tool, directory = sys.argv[1], sys.argv[2]
    with open(os.path.join(directory, "vectors.json"), encoding="utf-8") as f:
        vectors = json.load(f)["vectors"]
    failed = 0
    for vector in vectors:
        try:
            problems = check_vector(tool, directory, vector)
        except (ValueError, subprocess.SubprocessError) as e:  # bad JSON, timeout
            problems = [f"{type(e).__name__}: {e}"]
        verdict = "FAIL" if problems else "ok  "
        print(f"{verdict} {vector['file']}")
        for problem in problems:
            print(f"     {problem}")
        failed += bool(problems)
    print(f"{len(vectors) - failed} passed, {failed} failed")
    return 1 if failed or not vectors else 0


if __name__ == "__main__":
    sys.exit(main())
