// mqttwire_bench: Google Benchmark suite over every case of cases.cpp.
//
// Global operator new/delete are replaced to count allocations; each benchmark reports the
// count per operation as the user counter `allocs_per_op`, which must be 0 (the codec never
// allocates; bench/smoke.sh fails CI otherwise). Bytes/s is packet bytes (text bytes for
// utf8/*), items/s is packets. See bench/README.md for how the published figures were made.
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <new>

#include "cases.hpp"

namespace {
std::atomic<std::uint64_t> g_allocations{0};

void* counted_alloc(std::size_t n) {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
    throw std::bad_alloc();
}

void* counted_aligned_alloc(std::size_t n, std::align_val_t align) {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    const auto a = static_cast<std::size_t>(align);
    const std::size_t rounded = (n + a - 1) / a * a;
    if (void* p = std::aligned_alloc(a, rounded == 0 ? a : rounded)) return p;
    throw std::bad_alloc();
}
}  // namespace

void* operator new(std::size_t n) { return counted_alloc(n); }
void* operator new[](std::size_t n) { return counted_alloc(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    return std::malloc(n == 0 ? 1 : n);
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    return std::malloc(n == 0 ? 1 : n);
}
void* operator new(std::size_t n, std::align_val_t a) { return counted_aligned_alloc(n, a); }
void* operator new[](std::size_t n, std::align_val_t a) { return counted_aligned_alloc(n, a); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }

int main(int argc, char** argv) {
    for (const auto& c : mqttwire_bench::all_cases()) {
        const mqttwire_bench::bench_case* bc = c.get();
        benchmark::RegisterBenchmark(bc->name.c_str(), [bc](benchmark::State& state) {
            // The answer is checked before any timing; a wrong one is reported, not timed.
            if (const std::string err = bc->check(); !err.empty()) {
                state.SkipWithError(err.c_str());
                return;
            }
            const std::uint64_t before = g_allocations.load(std::memory_order_relaxed);
            bc->run(state);
            const std::uint64_t after = g_allocations.load(std::memory_order_relaxed);
            state.counters["allocs_per_op"] = benchmark::Counter(
                static_cast<double>(after - before), benchmark::Counter::kAvgIterations);
            state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                                    static_cast<std::int64_t>(bc->bytes));
            state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                                    static_cast<std::int64_t>(bc->items));
        });
    }
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
