#!/bin/sh
# Runs mqttwire-decode on one fixture and compares its stdout and exit status with the expected.
#
#   check_case.sh TOOL PYTHON CASE
#
# CASE is a path without extension. The input is CASE.hex (given with --hex) or CASE.bin (raw
# bytes); with neither, stdin is empty. CASE.expect holds the expected stdout, one JSON object
# per line, and directive lines:
#   # args: ARG...     more arguments for the tool (split on blanks)
#   # exit: N          expected exit status (default 0)
#   # stdin            feed the input on stdin instead of naming the file
#   # stderr: TEXT     stderr must contain TEXT (otherwise stderr must be empty)
#   # stdout: TEXT     stdout is not JSON but text that must contain TEXT (for --help)
# Other lines starting with '#' and blank lines are comments. Every stdout line is parsed as
# JSON with PYTHON (skipped when PYTHON is empty).
#
# After a deliberate change of the output (an error's statement, say), run the tests with
# MQTTWIRE_UPDATE_EXPECT=1 in the environment: the JSON lines of each CASE.expect are then
# replaced by what the tool printed (its '#' lines are kept), and the diff is yours to review.
set -u

tool=$1
python=$2
case=$3
expect=$case.expect
name=$(basename "$case")
work=${TMPDIR:-/tmp}/mqttwire-decode-case.$$
mkdir -p "$work" || exit 1
trap 'rm -rf "$work"' EXIT

fail() {
    echo "FAIL $name: $*"
    exit 1
}

[ -f "$expect" ] || fail "no $expect"

input=
hex=
if [ -f "$case.hex" ]; then
    input=$case.hex
    hex=--hex
elif [ -f "$case.bin" ]; then
    input=$case.bin
fi

args=$(sed -n 's/^# args: //p' "$expect")
want_status=$(sed -n 's/^# exit: //p' "$expect")
want_status=${want_status:-0}
want_stderr=$(sed -n 's/^# stderr: //p' "$expect")
want_stdout=$(sed -n 's/^# stdout: //p' "$expect")
grep -v -e '^#' -e '^[[:space:]]*$' "$expect" >"$work/expected"

# $hex and $args are split on blanks on purpose.
# shellcheck disable=SC2086
if [ -z "$input" ]; then
    "$tool" $hex $args </dev/null >"$work/stdout" 2>"$work/stderr"
elif grep -q '^# stdin$' "$expect"; then
    "$tool" $hex $args <"$input" >"$work/stdout" 2>"$work/stderr"
else
    "$tool" $hex $args "$input" >"$work/stdout" 2>"$work/stderr"
fi
status=$?

echo "$ $tool $hex $args ${input:-</dev/null}  -> exit $status"
cat "$work/stdout"
cat "$work/stderr"

[ "$status" = "$want_status" ] || fail "exit status $status, expected $want_status"
if [ -n "$want_stderr" ]; then
    grep -qF -e "$want_stderr" "$work/stderr" || fail "stderr lacks '$want_stderr'"
elif [ -s "$work/stderr" ]; then
    fail "unexpected stderr"
fi
if [ -n "$want_stdout" ]; then
    grep -qF -e "$want_stdout" "$work/stdout" || fail "stdout lacks '$want_stdout'"
    echo "PASS $name"
    exit 0
fi
if [ -n "$python" ]; then
    "$python" -c 'import json, sys; [json.loads(line) for line in sys.stdin]' <"$work/stdout" ||
        fail "stdout is not one JSON value per line"
fi
if [ "${MQTTWIRE_UPDATE_EXPECT:-0}" = 1 ] && ! cmp -s "$work/expected" "$work/stdout"; then
    { grep -e '^#' "$expect"; cat "$work/stdout"; } >"$work/updated" && cp "$work/updated" "$expect"
    echo "UPDATED $expect"
fi
diff -u "$work/expected" "$work/stdout" || fail "stdout differs from $expect (- expected, + actual)"
echo "PASS $name"
