#!/usr/bin/env bash
# Benchmark smoke test (CI): runs every benchmark of mqttwire_bench once, briefly, to check
# answers and allocations, not speed. Fails when
#   - a benchmark reports an error (each one checks its answer first: SkipWithError),
#   - a benchmark's allocs_per_op is not 0, or lacks the counter,
#   - fewer benchmarks ran than are registered.
#
#   bench/smoke.sh build/bench/mqttwire_bench [extra Google Benchmark flags]
set -euo pipefail

bin=${1:?usage: bench/smoke.sh path/to/mqttwire_bench [flags]}
shift
json=$(mktemp)
trap 'rm -f "$json"' EXIT

listed=$("$bin" --benchmark_list_tests=true "$@" | grep -c .)
"$bin" --benchmark_min_time=0.01 --benchmark_out="$json" --benchmark_out_format=json "$@"

ran=$(grep -c '"run_type": "iteration"' "$json" || true)
errors=$(grep -c '"error_occurred": true' "$json" || true)
counted=$(grep -c '"allocs_per_op":' "$json" || true)
allocating=$(awk -F': ' '/"allocs_per_op":/ { v = $2; sub(/,$/, "", v); if (v + 0 != 0) n++ }
    END { print n + 0 }' "$json")

status=0
if ((errors != 0)); then
    echo "error: $errors benchmark(s) failed their answer check:" >&2
    grep -B3 '"error_message"' "$json" | grep -E '"(name|error_message)"' >&2 || true
    status=1
fi
if ((allocating != 0)); then
    echo "error: $allocating benchmark(s) allocate (allocs_per_op != 0):" >&2
    awk -F': ' '/"name":/ { name = $2 } /"allocs_per_op":/ { v = $2; sub(/,$/, "", v);
        if (v + 0 != 0) print "  " name " allocs_per_op=" v }' "$json" >&2
    status=1
fi
if ((ran != listed || counted != ran - errors)); then
    echo "error: $listed benchmarks registered, $ran ran, $counted reported allocs_per_op" >&2
    status=1
fi
if ((status == 0)); then
    echo "bench smoke: all $ran benchmarks ran, every answer checked, allocs_per_op = 0 in all"
fi
exit "$status"
