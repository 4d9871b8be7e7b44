// The measured operations, shared by the Google Benchmark binary (mqttwire_bench) and the
// callgrind driver (mqttwire_instructions), so timings and instruction counts are of the same
// code. Names follow `<direction>/<case>/<version>` (STYLE.md): `decode/P1/v5`,
// `frame_decode/stream_1KiB/v311`, `memcpy/P1/v5`.
#pragma once

#include <benchmark/benchmark.h>

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace mqttwire_bench {

/** One operation: a check of its answer and the operation itself, run in a loop. */
class bench_case {
public:
    bench_case() = default;
    bench_case(const bench_case&) = delete;
    bench_case& operator=(const bench_case&) = delete;
    virtual ~bench_case() = default;

    std::string name;
    /** Bytes handled by one operation (packet bytes, or text bytes for UTF-8 validation). */
    std::size_t bytes = 0;
    /** Packets handled by one operation (1, or the packets of a stream). */
    std::size_t items = 1;

    /** Empty when one run of the operation gives the expected answer; else what is wrong. */
    [[nodiscard]] virtual std::string check() const = 0;
    /** The operation under Google Benchmark's timing loop. */
    virtual void run(benchmark::State& state) const = 0;
    /** The operation `n` times in a plain loop (callgrind driver). */
    virtual void repeat(std::size_t n) const = 0;
};

/** Every case, in a stable order; built on first use (allocations happen here, not in loops). */
[[nodiscard]] const std::vector<std::unique_ptr<bench_case>>& all_cases();

}  // namespace mqttwire_bench
