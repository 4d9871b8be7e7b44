// The one ASCII/wildcard screen. Printable ASCII (0x20..0x7E) breaks no UTF-8 String rule under
// any leniency, and no Topic rule but for the wildcards '+' and '#'; the screen finds the bytes
// outside that set, so the rule functions (check_code_point, the Topic Filter rules) only look
// at the texts that hold one. A screen never decides a fault: a flagged byte goes to the rules.
// One test in three forms: byte by byte (constant evaluation, MQTTWIRE_FORCE_SCALAR), 64-bit
// words (SWAR, any target) and 16-byte SSE2 vectors; every form flags exactly the same bytes.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#if defined(__SSE2__) && !defined(MQTTWIRE_FORCE_SCALAR)
#include <emmintrin.h>
#endif

#include "../detail/config.hpp"
#include "bytes.hpp"

namespace mqttwire::detail {

/** What a text check rejects besides the UTF-8 rules. */
enum class text_rules : std::uint8_t { string, topic_name };

/** '+' or '#', the Topic Filter wildcards (3.1.1 §4.7.1, 5.0 §4.7.1). */
[[nodiscard]] constexpr bool is_wildcard(std::uint8_t c) noexcept { return c == '+' || c == '#'; }

/** The screen's definition: the byte surely passes the `rules` (the other forms follow it). */
[[nodiscard]] constexpr bool passes_screen(std::uint8_t c, text_rules rules) noexcept {
    return c >= 0x20 && c < 0x7F && !(rules == text_rules::topic_name && is_wildcard(c));
}

/** How the screen reads a text; `native_screen` is the form of this build. */
enum class screen_form : std::uint8_t { bytes, words, vectors };

#if defined(MQTTWIRE_FORCE_SCALAR)
inline constexpr screen_form native_screen = screen_form::bytes;
#elif defined(__SSE2__)
inline constexpr screen_form native_screen = screen_form::vectors;
#else
inline constexpr screen_form native_screen = screen_form::words;
#endif

/**
 * Word form: bit 8k + 7 set exactly where byte k (in memory order on a little-endian target: the
 * k-th least significant) fails passes_screen. Each byte is tested on its own 7 low bits, so no
 * carry or borrow crosses into the next byte.
 */
[[nodiscard]] constexpr std::uint64_t flagged_in_word(std::uint64_t w, text_rules rules) noexcept {
    constexpr std::uint64_t ones = 0x0101010101010101ull;
    constexpr std::uint64_t low7 = 0x7F7F7F7F7F7F7F7Full;
    const std::uint64_t l = w & low7;
    // Bit 7 of l + 0x60 is set for l >= 0x20; of l + 1 for l == 0x7F; w's own for bytes >= 0x80.
    std::uint64_t bad = ~(l + ones * 0x60) | (l + ones) | w;
    if (rules == text_rules::topic_name) {
        // '#' (0x23) and '+' (0x2B) differ in bit 3 alone: (w | 8) ^ 0x2B is 0 for both.
        const std::uint64_t t = (w | ones * 0x08) ^ (ones * 0x2B);
        bad |= ~(((t & low7) + low7) | t);
    }
    return bad & ~low7;
}

/** The bit 8k + 7 of each byte k of a word screen result, packed into bit k. */
[[nodiscard]] constexpr unsigned pack_word_flags(std::uint64_t flags) noexcept {
    // Each set bit 8k lands on bit 56 + k of the product and no two partial products meet.
    return static_cast<unsigned>(((flags >> 7) * 0x0102040810204080ull) >> 56);
}

template <byte_like B>
[[nodiscard]] MQTTWIRE_ALWAYS_INLINE std::uint64_t load_word(const B* p) noexcept {
    std::uint64_t w = 0;
    std::memcpy(&w, p, 8);
    if constexpr (std::endian::native == std::endian::big) w = __builtin_bswap64(w);
    return w;
}

template <byte_like B>
[[nodiscard]] MQTTWIRE_ALWAYS_INLINE std::uint32_t load_half_word(const B* p) noexcept {
    std::uint32_t w = 0;
    std::memcpy(&w, p, 4);
    if constexpr (std::endian::native == std::endian::big) w = __builtin_bswap32(w);
    return w;
}

#if defined(__SSE2__) && !defined(MQTTWIRE_FORCE_SCALAR)
/** 0xFF in each lane of v holding '+' or '#'. */
[[nodiscard]] MQTTWIRE_ALWAYS_INLINE __m128i wildcard_lanes(__m128i v) noexcept {
    // '#' (0x23) and '+' (0x2B) differ in bit 3 alone: they are the bytes with v | 8 == 0x2B.
    return _mm_cmpeq_epi8(_mm_or_si128(v, _mm_set1_epi8(0x08)), _mm_set1_epi8(0x2B));
}

/** Vector form: 0xFF in each lane that passes the screen. */
[[nodiscard]] MQTTWIRE_ALWAYS_INLINE __m128i clean_lanes(__m128i v, text_rules rules) noexcept {
    // v + 1 > 0x20 (signed) exactly for 0x20 <= v <= 0x7E: 0x7F and every byte from 0x80 wrap.
    __m128i good = _mm_cmpgt_epi8(_mm_add_epi8(v, _mm_set1_epi8(1)), _mm_set1_epi8(0x20));
    if (rules == text_rules::topic_name) good = _mm_andnot_si128(wildcard_lanes(v), good);
    return good;
}

/** Bit k set where byte k of the 16 at p fails the screen. */
template <byte_like B>
[[nodiscard]] MQTTWIRE_ALWAYS_INLINE unsigned flagged_in_block(const B* p,
                                                               text_rules rules) noexcept {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    return static_cast<unsigned>(_mm_movemask_epi8(clean_lanes(v, rules))) ^ 0xFFFFu;
}

/** Bit k set where lane k of v fails the screen. */
[[nodiscard]] MQTTWIRE_ALWAYS_INLINE unsigned flagged_in_lanes(__m128i v,
                                                               text_rules rules) noexcept {
    return static_cast<unsigned>(_mm_movemask_epi8(clean_lanes(v, rules))) ^ 0xFFFFu;
}
#endif

/**
 * The screen of bytes [i, min(i + 32, n)) of p: with `Exact`, bit k set exactly where byte i + k
 * fails; without, a non-zero result when some byte of them fails (and, for a text under 16
 * bytes, maybe when a byte before i does: callers then leave the verdict to the rules). Reads
 * nothing outside p[0, n): a load that would pass the end ends at p + n and overlaps bytes
 * already read, and a text under 4 bytes is read byte by byte.
 */
template <screen_form Form, bool Exact, byte_like B>
[[nodiscard]] MQTTWIRE_ALWAYS_INLINE constexpr unsigned screen_chunk_as(const B* p, std::size_t n,
                                                                        std::size_t i,
                                                                        text_rules rules) noexcept {
    const std::size_t rest = n - i;
    if constexpr (Form == screen_form::bytes) {
        unsigned flags = 0;
        const std::size_t count = rest < 32 ? rest : 32;
        for (std::size_t k = 0; k < count; ++k)
            flags |= unsigned{!passes_screen(to_u8(p[i + k]), rules)} << k;
        return flags;
    } else if constexpr (Form == screen_form::words) {
        if (n >= 8) {
            unsigned flags = 0;
            const std::size_t count = rest < 32 ? rest : 32;
            for (std::size_t k = 0; k < count; k += 8) {
                const std::size_t at = rest - k >= 8 ? i + k : n - 8;
                const unsigned f = pack_word_flags(flagged_in_word(load_word(p + at), rules));
                flags |= at >= i ? f << (at - i) : f >> (i - at);
            }
            return flags;
        }
        if (n >= 4) {  // two overlapping halves: byte k in bit k (low half) or k - n + 8
            const std::uint64_t w =
                load_half_word(p) | (std::uint64_t{load_half_word(p + n - 4)} << 32);
            const unsigned f = pack_word_flags(flagged_in_word(w, rules));
            return ((f & 0xFu) | ((f >> 4) << (n - 4))) >> i;
        }
        return screen_chunk_as<screen_form::bytes, Exact>(p, n, i, rules);
    } else {
#if defined(__SSE2__) && !defined(MQTTWIRE_FORCE_SCALAR)
        if (rest >= 16) {
            const std::size_t hi_at = rest >= 32 ? i + 16 : n - 16;
            if constexpr (Exact) {
                return flagged_in_block(p + i, rules) |
                       (flagged_in_block(p + hi_at, rules) << (hi_at - i));
            } else {
                const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
                const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + hi_at));
                const __m128i both = _mm_and_si128(clean_lanes(a, rules), clean_lanes(b, rules));
                return static_cast<unsigned>(_mm_movemask_epi8(both)) ^ 0xFFFFu;
            }
        }
        if (n >= 16) return flagged_in_block(p + n - 16, rules) >> (16 - rest);
        // n < 16: byte k of the text lands in lane k (low half) or k - n + 8 (high half).
        if (n >= 8) {
            const __m128i v = _mm_set_epi64x(static_cast<long long>(load_word(p + n - 8)),
                                             static_cast<long long>(load_word(p)));
            const unsigned f = flagged_in_lanes(v, rules);
            if constexpr (Exact)
                return ((f & 0xFFu) | ((f >> 8) << (n - 8))) >> i;
            else
                return f;
        }
        if (n >= 4) {
            const std::uint64_t w =
                load_half_word(p) | (std::uint64_t{load_half_word(p + n - 4)} << 32);
            if constexpr (Exact) {
                const unsigned f =
                    flagged_in_lanes(_mm_set_epi64x(0, static_cast<long long>(w)), rules);
                return ((f & 0xFu) | (((f >> 4) & 0xFu) << (n - 4))) >> i;
            } else {
                return flagged_in_lanes(_mm_set1_epi64x(static_cast<long long>(w)), rules);
            }
        }
        if constexpr (!Exact) {
            if (n == 0) return 0;
            // First, middle and last byte cover every byte of 1..3 (some twice), in one vector.
            const std::uint32_t b0 = to_u8(p[0]), b1 = to_u8(p[n / 2]), b2 = to_u8(p[n - 1]);
            const std::uint32_t w = b0 | (b1 << 8) | (b2 << 16) | (b0 << 24);
            return flagged_in_lanes(_mm_set1_epi32(static_cast<int>(w)), rules);
        }
#endif
        return screen_chunk_as<screen_form::bytes, Exact>(p, n, i, rules);
    }
}

/** screen_chunk_as in this build's form; byte by byte in constant evaluation. */
template <bool Exact, byte_like B>
[[nodiscard]] MQTTWIRE_ALWAYS_INLINE constexpr unsigned screen_chunk(const B* p, std::size_t n,
                                                                     std::size_t i,
                                                                     text_rules rules) noexcept {
    if (std::is_constant_evaluated())
        return screen_chunk_as<screen_form::bytes, Exact>(p, n, i, rules);
    return screen_chunk_as<native_screen, Exact>(p, n, i, rules);
}

/**
 * Advances `i` over bytes that pass the screen; true when all of p[i, n) pass. false leaves `i`
 * at or before the first byte that fails, on a byte that follows only passing ones (so a code
 * point boundary of a text checked from the start).
 */
template <screen_form Form = native_screen, byte_like B>
[[nodiscard]] MQTTWIRE_ALWAYS_INLINE constexpr bool skip_clean_ascii(const B* p, std::size_t n,
                                                                     std::size_t& i,
                                                                     text_rules rules) noexcept {
    if (std::is_constant_evaluated()) {
        while (i < n && passes_screen(to_u8(p[i]), rules)) ++i;
        return i == n;
    }
    while (n - i > 32) {
        if (screen_chunk_as<Form, false>(p, n, i, rules) != 0) return false;
        i += 32;
    }
    return screen_chunk_as<Form, false>(p, n, i, rules) == 0;
}

/**
 * The short text p[0, n) (0..32 bytes: topics, client ids, property strings) passes the screen
 * whole; one chunk, no loop. false says nothing.
 */
template <byte_like B>
[[nodiscard]] MQTTWIRE_ALWAYS_INLINE constexpr bool short_text_clean(const B* p, std::size_t n,
                                                                     text_rules rules) noexcept {
    return n <= 32 && screen_chunk<false>(p, n, 0, rules) == 0;
}

}  // namespace mqttwire::detail
