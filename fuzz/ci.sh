#!/usr/bin/env bash
# The fuzz stage of .ci/run: build every libFuzzer target with clang (ASan + UBSan), replay the
# seed corpus, then fuzz each target for a short bounded time, two at a time (the machine has 2
# cores). Any crash, sanitizer report, failed check, leak or timeout fails the stage.
#
#   fuzz/ci.sh [build-dir]          (default build-fuzz; seconds per target: FUZZ_SECONDS=20)
#
# The runs grow a copy of the corpus inside the build directory, never fuzz/corpus itself.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

build=${1:-build-fuzz}
seconds=${FUZZ_SECONDS:-20}
targets=(fuzz_decode fuzz_frame_split fuzz_publish_head fuzz_roundtrip fuzz_structured
    fuzz_properties fuzz_utf8_differential fuzz_topic fuzz_topic_match fuzz_broker fuzz_websocket)

CXX=clang++ cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DMQTTWIRE_BUILD_FUZZERS=ON -DMQTTWIRE_BUILD_TESTS=OFF -DMQTTWIRE_BUILD_EXAMPLES=OFF \
    -DMQTTWIRE_BUILD_BENCHMARKS=OFF -DMQTTWIRE_SANITIZE=address,undefined >/dev/null
cmake --build "$build" -j2 --target "${targets[@]}"

# Flags shared by every run. The timeout is generous: CI machines are shared and a slow unit
# there is not a finding (a real hang still trips it).
common=(-dict=fuzz/mqtt.dict -timeout=60 -rss_limit_mb=2048 -print_final_stats=1)
logs="$build/fuzz-logs"
rm -rf "$logs" "$build/fuzz-corpus" "$build/fuzz-artifacts"
mkdir -p "$logs"

# 1. Replay: every seed, once.
for t in "${targets[@]}"; do
    if ! "$build/fuzz/$t" "${common[@]}" -runs=0 "fuzz/corpus/$t" >"$logs/$t.replay.log" 2>&1; then
        cat "$logs/$t.replay.log"
        echo "error: $t fails on its seed corpus" >&2
        exit 1
    fi
done
echo "replay: ${#targets[@]} targets, $(find fuzz/corpus -type f | wc -l) seeds, no failure"

# 2. Bounded runs, two at a time.
run() {
    local t=$1
    mkdir -p "$build/fuzz-corpus/$t" "$build/fuzz-artifacts/$t"
    cp "fuzz/corpus/$t/"* "$build/fuzz-corpus/$t/"
    "$build/fuzz/$t" "${common[@]}" -max_total_time="$seconds" \
        -artifact_prefix="$build/fuzz-artifacts/$t/" "$build/fuzz-corpus/$t" >"$logs/$t.log" 2>&1
}
failed=()
passed=0
for ((i = 0; i < ${#targets[@]}; i += 2)); do
    pids=()
    for t in "${targets[@]:i:2}"; do
        run "$t" &
        pids+=("$!:$t")
    done
    for entry in "${pids[@]}"; do
        if wait "${entry%%:*}"; then
            passed=$((passed + 1))
        else
            failed+=("${entry#*:}")
        fi
    done
done
for t in "${targets[@]}"; do
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$logs/$t.log")
    cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$logs/$t.log" | tail -n 1)
    printf '%-24s %10s runs  %s\n' "$t" "${execs:-?}" "${cov:-?}"
done
for t in "${failed[@]}"; do
    grep -v -e '^#' -e 'NEW_FUNC' "$logs/$t.log" | head -n 60
    echo "error: $t failed; its input is in $build/fuzz-artifacts/$t/" >&2
done
echo "fuzz: ${passed} passed, ${#failed[@]} failed"
((${#failed[@]} == 0))
