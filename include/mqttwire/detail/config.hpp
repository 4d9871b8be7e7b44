// Compiler hints for the decode/encode hot path. The macros change speed only, never behaviour.
#pragma once

#if defined(__GNUC__) || defined(__clang__)
// Small helpers on every packet's path: inlined so the compiler sees one straight-line decoder.
#define MQTTWIRE_ALWAYS_INLINE [[gnu::always_inline]] inline
// Rare paths (multi-byte UTF-8, property lists): kept out of line so the common path stays small.
#define MQTTWIRE_NOINLINE [[gnu::noinline]]
#else
#define MQTTWIRE_ALWAYS_INLINE inline
#define MQTTWIRE_NOINLINE
#endif
