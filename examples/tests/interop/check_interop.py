#!/usr/bin/env python3
"""Checks mqttwire-decode against packets made by other MQTT implementations.

    check_interop.py TOOL DIR

DIR/vectors.json lists vectors: {"file", "args", "packets": [...]} for input the tool must
decode completely (exit 0, one line per packet, each holding the listed fields with equal
values; nested values such as "properties" must be equal as a whole; more lines may follow
only if their types are listed in "may_follow"), or {"file", "args", "in_order": [...]}
for input whose listed packets must appear in that order among the lines (exit 0), or
{"file", "args", "all_of": [...]} where each must match a different line, in any order, or
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


def find_in_order(wanted, lines):
    """Problems unless each wanted packet matches a line after the previous one's."""
    at = 0
    for i, want in enumerate(wanted):
        candidates = [j for j in range(at, len(lines)) if lines[j].get("type") == want["type"]]
        match = next((j for j in candidates if not mismatches(want, lines[j], "")), None)
        if match is None:
            near = mismatches(want, lines[candidates[0]], "") if candidates else ["no such line"]
            return [f"packet {i} ({want['type']}) not found after line {at}: "
                    + "; ".join(near)]
        at = match + 1
    return []


def find_all(wanted, lines):
    """Problems unless each wanted packet matches a line no other one matched."""
    free = list(range(len(lines)))
    for i, want in enumerate(wanted):
        match = next((j for j in free if not mismatches(want, lines[j], "")), None)
        if match is None:
            same = [j for j in free if lines[j].get("type") == want["type"]]
            near = mismatches(want, lines[same[0]], "") if same else ["no such line"]
            return [f"packet {i} ({want['type']}) not found: " + "; ".join(near)]
        free.remove(match)
    return []


def check_vector(tool, directory, vector):
    status, lines, stderr = run_tool(tool, directory, vector)
    if "rejected" in vector:
        if status != 1 or not lines:
            return [f"exit {status}, expected 1 (rejected: {vector.get('why', '')})"]
        return mismatches(vector["rejected"], lines[-1], "error line")
    problems = []
    if "in_order" in vector or "all_of" in vector:
        if status != 0:
            problems.append(f"exit {status}: {lines[-1] if lines else stderr.strip()}")
        if "in_order" in vector:
            return problems + find_in_order(vector["in_order"], lines)
        return problems + find_all(vector["all_of"], lines)
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
