// Compiler hints for the decode/encode hot path. The macros change speed only, never behaviour.
#pragma once

#if defined(__GNUC__) || defined(__clang__)
// Small helpers on every packet's path: inlined so the compiler sees one straight-line decoder.
// Under -Os (__OPTIMIZE_SIZE__) they are plain `inline` and the compiler decides: forced, every
// decoder carried its own copy of the fixed-header scan and the text screen (Cortex-M4, client
// use of bench/size.sh: 18.5 KB forced, 14.9 KB left to the compiler). -O2/-O3 are unchanged.
#ifdef __OPTIMIZE_SIZE__
#define MQTTWIRE_ALWAYS_INLINE inline
#else
#define MQTTWIRE_ALWAYS_INLINE [[gnu::always_inline]] inline
#endif
// Rare paths (multi-byte UTF-8, property lists): kept out of line so the common path stays small.
#define MQTTWIRE_NOINLINE [[gnu::noinline]]
#else
#define MQTTWIRE_ALWAYS_INLINE inline
#define MQTTWIRE_NOINLINE
#endif

// MQTTWIRE_CHECKED: preconditions the caller must keep (value() of a result that holds an error,
// an index past a range) and the encoder's own size plan are checked at run time. On by default
// when NDEBUG is not defined (Debug builds), off otherwise; define it to 0 or 1 to choose. The
// CMake build also turns it on for MQTTWIRE_SANITIZE builds. Checking costs a test per access
// and per write, so Release builds leave it off: their encoder writes only after the plan has
// proved the size, and the checks are the proof that the plan is right.
#ifndef MQTTWIRE_CHECKED
#ifdef NDEBUG
#define MQTTWIRE_CHECKED 0
#else
#define MQTTWIRE_CHECKED 1
#endif
#endif

// MQTTWIRE_ASSERT_HOOK(expression_text, file, line): what a failed check does. The default traps
// (a bug in the caller or in mqttwire, never bad input: input from the network is an error value,
// never an assertion). A program may define the hook before including mqttwire to log first; if
// the hook returns, the access goes on as in an unchecked build, except that a write the plan did
// not allow for is dropped instead of made.
#ifndef MQTTWIRE_ASSERT_HOOK
#if defined(__GNUC__) || defined(__clang__)
#define MQTTWIRE_ASSERT_HOOK(expression_text, file, line) __builtin_trap()
#else
#include <cstdlib>
#define MQTTWIRE_ASSERT_HOOK(expression_text, file, line) std::abort()
#endif
#endif

// Checks `condition` in checked builds. In a constant expression a failed check is never
// reached: the hook is not constexpr, so the evaluation fails to compile instead.
#if MQTTWIRE_CHECKED
#define MQTTWIRE_ASSERT(condition)                                              \
    do {                                                                        \
        if (!(condition)) MQTTWIRE_ASSERT_HOOK(#condition, __FILE__, __LINE__); \
    } while (false)
#else
#define MQTTWIRE_ASSERT(condition) static_cast<void>(0)
#endif
