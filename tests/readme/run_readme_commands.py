#!/usr/bin/env python3
"""Runs every shell command block of README.md as written, in a scratch copy of the tree.

    run_readme_commands.py SOURCE_DIR WORK_DIR

The scratch copy, WORK_DIR/tree (made afresh each run), holds the files git tracks, as they are
in the working tree: a clone plus the uncommitted changes to tracked files, with new files
included once `git add`ed. So the commands see what a fresh clone of the next commit would see,
not the build directories beside them. (Without git, the tree is copied minus .git and build*/.)

Each ```sh block runs in order, in that tree, as one `sh -e` script with stdin closed; it must
exit 0. Where the README states what a block prints (a paragraph after the block ending in
"prints:", then a fenced block), those lines must be the last lines of its output (stdout and
stderr together, as a terminal shows them).

Recursion: a README block builds the project and runs ctest, whose test list includes this test.
The blocks run with MQTTWIRE_README_TEST=1 in their environment, and with it set this script
exits at once with status 77, which CTest reports as skipped (SKIP_RETURN_CODE), never as
passed: a nested run does not run the README again.
"""
import os
import pathlib
import re
import shutil
import subprocess
import sys
import time

GUARD = "MQTTWIRE_README_TEST"
SKIPPED = 77


def scratch_copy(source: pathlib.Path, tree: pathlib.Path) -> int:
    if tree.exists():
        shutil.rmtree(tree)
    tree.mkdir(parents=True)
    listed = subprocess.run(["git", "-C", str(source), "ls-files", "-z", "--cached"],
                            capture_output=True, check=False)
    if listed.returncode != 0:
        print("no git checkout: copying the tree without .git and build*/")
        shutil.rmtree(tree)
        shutil.copytree(source, tree, symlinks=True, ignore=lambda d, names: [
            n for n in names if n == ".git" or (d == str(source) and n.startswith("build"))])
        return sum(len(files) for _, _, files in os.walk(tree))
    count = 0
    for name in sorted(set(listed.stdout.decode().split("\0")) - {""}):
        src = source / name
        if not src.exists() and not src.is_symlink():
            continue  # deleted in the working tree
        dst = tree / name
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dst, follow_symlinks=False)
        count += 1
    return count


def command_blocks(readme: str):
    """(line number, script, expected last lines or None) for each ```sh block."""
    lines = readme.splitlines()
    blocks = []
    i = 0
    while i < len(lines):
        if lines[i].strip() != "```sh":
            i += 1
            continue
        start = i + 1
        end = start
        while end < len(lines) and lines[end].strip() != "```":
            end += 1
        if end == len(lines):
            sys.exit(f"README.md:{i + 1}: ```sh block is not closed")
        script = "\n".join(lines[start:end]) + "\n"
        # The paragraph after the block; if it ends in "prints:", the next fenced block is the
        # output.
        j = end + 1
        while j < len(lines) and not lines[j].strip():
            j += 1
        paragraph_end = j
        while paragraph_end < len(lines) and lines[paragraph_end].strip():
            paragraph_end += 1
        expected = None
        if paragraph_end > j and lines[paragraph_end - 1].rstrip().endswith("prints:"):
            k = paragraph_end
            while k < len(lines) and not lines[k].strip():
                k += 1
            if k == len(lines) or not lines[k].startswith("```"):
                sys.exit(f"README.md:{paragraph_end}: 'prints:' is not followed by a fenced block")
            close = k + 1
            while close < len(lines) and lines[close].strip() != "```":
                close += 1
            expected = lines[k + 1:close]
            if not expected:
                sys.exit(f"README.md:{k + 1}: the stated output is empty")
        blocks.append((i + 1, script, expected))
        i = end + 1
    return blocks


def main() -> int:
    if os.environ.get(GUARD):
        print(f"{GUARD} is set: this is a run inside the readme test; not running the README "
              "again")
        return SKIPPED
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    source = pathlib.Path(sys.argv[1]).resolve()
    work = pathlib.Path(sys.argv[2]).resolve()
    tree = work / "tree"
    blocks = command_blocks((source / "README.md").read_text(encoding="utf-8"))
    if not blocks:
        print("README.md has no ```sh block")
        return 1
    print(f"scratch copy of {source}: {scratch_copy(source, tree)} files in {tree}")
    env = dict(os.environ, **{GUARD: "1"})
    failed = 0
    for line, script, expected in blocks:
        log = work / f"block-{line}.log"
        print(f"\n$ {script.strip()}    (README.md:{line}, output in {log})", flush=True)
        started = time.monotonic()
        with open(log, "wb") as out:
            status = subprocess.run(["sh", "-e", "-c", script], cwd=tree, env=env,
                                    stdin=subprocess.DEVNULL, stdout=out,
                                    stderr=subprocess.STDOUT, check=False).returncode
        took = time.monotonic() - started
        output = log.read_text(encoding="utf-8", errors="replace").splitlines()
        problem = None
        if status != 0:
            problem = f"exit status {status}"
        elif expected and output[-len(expected):] != expected:
            problem = "its output does not end with the lines README.md states"
        if problem is None:
            print(f"ok in {took:.0f} s" + ("" if expected is None else
                                           f", output ends as stated ({len(expected)} lines)"))
            continue
        failed += 1
        print(f"FAILED in {took:.0f} s: {problem}; last lines of the output:")
        print("\n".join(output[-60:]))
        if expected is not None:
            print("expected the output to end with:")
            print("\n".join(expected))
    print(f"\n{len(blocks) - failed} of {len(blocks)} README command blocks passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
