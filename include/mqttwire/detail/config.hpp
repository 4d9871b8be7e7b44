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
