// UTF-8 Encoded String content rules (3.1.1 §1.5.3, 5.0 §1.5.4), optionally fused with the
// topic-name wildcard check so a topic is scanned once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#if defined(__SSE2__) && !defined(MQTTWIRE_FORCE_SCALAR)
#include <emmintrin.h>
#endif

#include "../detail/config.hpp"
#include "../error.hpp"
#include "../options.hpp"
#include "bytes.hpp"

namespace mqttwire::detail {

/** Result of a text scan: errc::none, or the cause and the offset of the offending byte. */
struct text_fault {
    errc code = errc::none;
    std::size_t offset = 0;
};

/** What else a text scan rejects besides the UTF-8 rules. */
enum class text_rules : std::uint8_t { string, topic_name };

/**
 * Checks one code point starting at p[i] (p[i] is known to need a look: non-ASCII, a control,
 * or a wildcard), returning its length, or 0 with `fault` set.
 * @par Wire format
 * Well-formed sequences per Unicode Table 3-7: C2..DF 80..BF; E0 A0..BF 80..BF; E1..EC and
 * EE..EF 80..BF 80..BF; ED 80..9F 80..BF (ED A0..BF is a surrogate); F0 90..BF, F1..F3 80..BF,
 * F4 80..8F, each then 80..BF 80..BF.
 */
template <byte_like B>
[[nodiscard]] constexpr std::size_t check_code_point(const B* p, std::size_t n, std::size_t i,
                                                     text_rules rules, const leniency& lenient,
                                                     text_fault& fault) noexcept {
    const std::uint8_t b0 = to_u8(p[i]);
    if (b0 < 0x80) {
        if (b0 == 0) {
            fault = {errc::utf8_null_character, i};
            return 0;
        }
        if ((b0 < 0x20 || b0 == 0x7F) && !lenient.allow_control_characters) {
            fault = {errc::utf8_control_character, i};
            return 0;
        }
        if (rules == text_rules::topic_name && (b0 == '+' || b0 == '#')) {
            fault = {errc::topic_name_has_wildcard, i};
            return 0;
        }
        return 1;
    }
    std::size_t len = 0;
    std::uint8_t lo = 0x80, hi = 0xBF;
    std::uint32_t cp = 0;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        len = 2;
        cp = b0 & 0x1Fu;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        len = 3;
        cp = b0 & 0x0Fu;
        if (b0 == 0xE0) lo = 0xA0;
        if (b0 == 0xED) hi = 0x9F;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        len = 4;
        cp = b0 & 0x07u;
        if (b0 == 0xF0) lo = 0x90;
        if (b0 == 0xF4) hi = 0x8F;
    } else {
        fault = {errc::utf8_ill_formed, i};
        return 0;
    }
    if (n - i < len) {
        fault = {errc::utf8_ill_formed, i};
        return 0;
    }
    const std::uint8_t b1 = to_u8(p[i + 1]);
    if (b1 < lo || b1 > hi) {
        // ED A0..BF is the only way a surrogate can be spelled; name it.
        const bool surrogate = b0 == 0xED && b1 >= 0xA0 && b1 <= 0xBF;
        fault = {surrogate ? errc::utf8_surrogate : errc::utf8_ill_formed, i};
        return 0;
    }
    cp = (cp << 6) | (b1 & 0x3Fu);
    for (std::size_t k = 2; k < len; ++k) {
        const std::uint8_t bk = to_u8(p[i + k]);
        if (bk < 0x80 || bk > 0xBF) {
            fault = {errc::utf8_ill_formed, i};
            return 0;
        }
        cp = (cp << 6) | (bk & 0x3Fu);
    }
    if (cp <= 0x9F && !lenient.allow_control_characters) {  // C1 controls U+0080..U+009F
        fault = {errc::utf8_control_character, i};
        return 0;
    }
    if (!lenient.allow_noncharacters &&
        ((cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFEu) == 0xFFFEu)) {
        fault = {errc::utf8_noncharacter, i};
        return 0;
    }
    return len;
}

/** Word-at-a-time screen: non-zero when any of the 8 bytes may need the scalar check. */
[[nodiscard]] constexpr std::uint64_t needs_scalar(std::uint64_t w, text_rules rules) noexcept {
    constexpr std::uint64_t ones = 0x0101010101010101ull;
    constexpr std::uint64_t high = 0x8080808080808080ull;
    // Any byte >= 0x80, any byte < 0x20 (controls and NUL), any byte == 0x7F. Both tests may
    // flag a clean byte next to a flagged one; the scalar check is the truth, so that is safe.
    const std::uint64_t del = w ^ (ones * 0x7F);
    std::uint64_t m = (w | ((w - ones * 0x20) & ~w) | ((del - ones) & ~del)) & high;
    if (rules == text_rules::topic_name) {
        const std::uint64_t plus = w ^ (ones * '+');
        const std::uint64_t hash = w ^ (ones * '#');
        m |= (((plus - ones) & ~plus) | ((hash - ones) & ~hash)) & high;
    }
    return m;
}

#if defined(__SSE2__) && !defined(MQTTWIRE_FORCE_SCALAR)
/** 16-byte screen: bit i set when byte i may need the scalar check. */
[[nodiscard]] MQTTWIRE_ALWAYS_INLINE unsigned needs_scalar16(const void* p,
                                                             text_rules rules) noexcept {
    const __m128i v = _mm_loadu_si128(static_cast<const __m128i*>(p));
    // Signed compare: bytes >= 0x80 are negative, so "< 0x20" also catches every non-ASCII byte.
    __m128i bad = _mm_or_si128(_mm_cmplt_epi8(v, _mm_set1_epi8(0x20)),
                               _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7F)));
    if (rules == text_rules::topic_name) {
        bad = _mm_or_si128(bad, _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('+')),
                                             _mm_cmpeq_epi8(v, _mm_set1_epi8('#'))));
    }
    return static_cast<unsigned>(_mm_movemask_epi8(bad));
}
#endif

/**
 * Runtime screen: advances `i` over clean printable ASCII and returns true when the rest of the
 * text is clean; false leaves `i` at or before the first byte that needs the scalar check.
 */
template <byte_like B>
[[nodiscard]] MQTTWIRE_ALWAYS_INLINE bool skip_clean_ascii(const B* p, std::size_t n,
                                                           std::size_t& i,
                                                           text_rules rules) noexcept {
    std::uint64_t w = 0;
#if defined(__SSE2__) && !defined(MQTTWIRE_FORCE_SCALAR)
    while (n - i >= 16) {
        if (needs_scalar16(p + i, rules) != 0) return false;
        i += 16;
    }
    if (i == n) return true;
    // A short tail of a long text: one overlapping load of the last 16 bytes covers it (bytes
    // checked twice are fine: the screen only ever passes clean ASCII).
    if (n >= 16) return needs_scalar16(p + n - 16, rules) == 0;
#endif
    while (n - i >= 8) {
        std::memcpy(&w, p + i, 8);
        if (needs_scalar(w, rules) != 0) return false;
        i += 8;
    }
    if (i == n) return true;
    if (n >= 8) {  // fewer than 8 left of a longer text: overlap the last 8 bytes
        std::memcpy(&w, p + n - 8, 8);
        return needs_scalar(w, rules) == 0;
    }
    // A short text (fewer than 8 bytes in all): two overlapping 4-byte loads make one word.
    if (n - i >= 4) {
        std::uint32_t lo = 0, hi = 0;
        std::memcpy(&lo, p + i, 4);
        std::memcpy(&hi, p + n - 4, 4);
        return needs_scalar(lo | (std::uint64_t{hi} << 32), rules) == 0;
    }
    for (; i < n; ++i) {  // at most 3 bytes
        const std::uint8_t b = to_u8(p[i]);
        if (b < 0x20 || b >= 0x7F || (rules == text_rules::topic_name && (b == '+' || b == '#')))
            return false;
    }
    return true;
}

template <byte_like B>
[[nodiscard]] MQTTWIRE_NOINLINE constexpr text_fault check_text_from(
    const B* p, std::size_t n, std::size_t i, text_rules rules, const leniency& lenient) noexcept {
    text_fault fault{};
#ifndef MQTTWIRE_FORCE_SCALAR
    std::size_t rescreen = i;  // no block screen before here: the last one found a flag in it
#endif
    while (i < n) {
#ifndef MQTTWIRE_FORCE_SCALAR
        // Back to the block screen where an ASCII run may start, but not inside the block the
        // last screen flagged, nor inside non-ASCII text: both would be flagged again at once.
        if (i >= rescreen && to_u8(p[i]) < 0x80 && !std::is_constant_evaluated()) {
            if (skip_clean_ascii(p, n, i, rules)) return fault;
            rescreen = i + 16;
        }
#endif
        const std::uint8_t c = to_u8(p[i]);
        if (c >= 0x20 && c < 0x7F && !(rules == text_rules::topic_name && (c == '+' || c == '#'))) {
            ++i;
            continue;
        }
        const std::size_t len = check_code_point(p, n, i, rules, lenient, fault);
        if (len == 0) return fault;
        i += len;
    }
    return fault;
}

/**
 * Validates a UTF-8 Encoded String's content (and, for topic names, the absence of '+' and '#').
 * @par Statements
 * 3.1.1 MQTT-1.5.3-1, MQTT-1.5.3-2; 5.0 MQTT-1.5.4-1, MQTT-1.5.4-2; MQTT-1.5.x-3 holds since
 * EF BB BF is validated and kept like any other code point. Topic names: MQTT-3.3.2-2.
 */
template <byte_like B>
[[nodiscard]] MQTTWIRE_ALWAYS_INLINE constexpr text_fault check_text(
    const B* p, std::size_t n, text_rules rules, const leniency& lenient) noexcept {
#ifdef __OPTIMIZE_SIZE__
    // One copy of the check serves every byte type (the encoder's char text, the decoder's
    // bytes); std::byte may alias any object.
    if constexpr (!std::is_same_v<B, std::byte>) {
        if (!std::is_constant_evaluated())
            return check_text(reinterpret_cast<const std::byte*>(p), n, rules, lenient);
    }
#endif
    std::size_t i = 0;
#ifndef MQTTWIRE_FORCE_SCALAR
    // The screen is inlined at each call; only text that needs a closer look leaves the path.
    if (!std::is_constant_evaluated() && skip_clean_ascii(p, n, i, rules)) return {};
#endif
    return check_text_from(p, n, i, rules, lenient);
}

}  // namespace mqttwire::detail
