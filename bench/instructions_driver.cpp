// mqttwire_instructions: runs each benchmark case a fixed number of times for callgrind, which
// counts instructions instead of seconds (repeatable on a busy machine). Run by
// bench/instructions.sh as
//
//   valgrind --tool=callgrind --collect-atstart=no mqttwire_instructions [regex]
//
// Per case: check the answer, warm up (first calls bind PLT entries), then collect exactly the
// loop and dump it under the name "<case>@<iterations>"; the script divides. Outside valgrind
// the client requests are no-ops and the driver only checks every answer.
#include <valgrind/callgrind.h>

#include <cstdio>
#include <cstdlib>
#include <regex>
#include <string>

#include "cases.hpp"

int main(int argc, char** argv) {
    std::regex filter(".*");
    bool list = false;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--list")
            list = true;
        else
            filter = std::regex(arg);
    }
    int failures = 0;
    for (const auto& c : mqttwire_bench::all_cases()) {
        if (!std::regex_search(c->name, filter)) continue;
        if (list) {
            std::printf("%s\n", c->name.c_str());
            continue;
        }
        if (const std::string err = c->check(); !err.empty()) {
            std::fprintf(stderr, "FAIL %s: %s\n", c->name.c_str(), err.c_str());
            ++failures;
            continue;
        }
        // Enough iterations that per-operation loop overhead (2-3 instructions) and the dump
        // are noise, few enough that the 64 KiB cases stay quick under valgrind.
        const std::size_t iterations = c->bytes >= 16384 ? 20 : 1000;
        c->repeat(2);
        const std::string dump = c->name + "@" + std::to_string(iterations);
        CALLGRIND_TOGGLE_COLLECT;
        c->repeat(iterations);
        CALLGRIND_TOGGLE_COLLECT;
        CALLGRIND_DUMP_STATS_AT(dump.c_str());
    }
    if (failures) std::fprintf(stderr, "%d case(s) failed their check\n", failures);
    return failures ? EXIT_FAILURE : EXIT_SUCCESS;
}
