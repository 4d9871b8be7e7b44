// UTF-8 Encoded String content rules (3.1.1 §1.5.3, 5.0 §1.5.4), optionally fused with the
// topic-name wildcard check so a topic is scanned once. The ASCII screen in front of them is
// text_screen.hpp's; the 16-byte block check below is a screen too: the rule is check_code_point.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>

#if defined(__SSE2__) && !defined(MQTTWIRE_FORCE_SCALAR)
#include <emmintrin.h>
#endif

#include "../detail/config.hpp"
#include "../error.hpp"
#include "../options.hpp"
#include "bytes.hpp"
#include "text_screen.hpp"

namespace mqttwire::detail {

/** Result of a text scan: errc::none, or the cause and the offset of the offending byte. */
struct text_fault {
    errc code = errc::none;
    std::size_t offset = 0;
};

/** A byte that continues a multi-byte sequence (10xxxxxx) rather than starting a code point. */
[[nodiscard]] constexpr bool is_continuation_byte(std::uint8_t b) noexcept {
    return (b & 0xC0u) == 0x80u;
}

/**
 * Checks one code point starting at p[i] (p[i] is known to need a look: non-ASCII, a control,
 * or a wildcard), returning its length, or 0 with `fault` set.
 * @par Wire format
 * Well-formed sequences per Unicode Table 3-7: C2..DF 80..BF; E0 A0..BF 80..BF; E1..EC and
 * EE..EF 80..BF 80..BF; ED 80..9F 80..BF (ED A0..BF is a surrogate); F0 90..BF, F1..F3 80..BF,
 * F4 80..8F, each then 80..BF 80..BF.
 */
template <byte_like B>
[[nodiscard]] MQTTWIRE_ALWAYS_INLINE constexpr std::size_t check_code_point(
    const B* p, std::size_t n, std::size_t i, text_rules rules, const leniency& lenient,
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
        if (rules == text_rules::topic_name && is_wildcard(b0)) {
            fault = {errc::topic_name_has_wildcard, i};
            return 0;
        }
        return 1;
    }
    // The rules below are tested on the bytes, without decoding the value: U+0080..U+009F is
    // C2 80..9F, U+FDD0..U+FDEF is EF B7 90..AF, U+xFFFE/U+xFFFF is EF BF BE..BF or a 4-byte
    // sequence x?F BF BE..BF.
    if (b0 < 0xE0) {
        if (b0 < 0xC2 || n - i < 2 || !is_continuation_byte(to_u8(p[i + 1]))) {
            fault = {errc::utf8_ill_formed, i};
            return 0;
        }
        if (b0 == 0xC2 && to_u8(p[i + 1]) < 0xA0 && !lenient.allow_control_characters) {
            fault = {errc::utf8_control_character, i};
            return 0;
        }
        return 2;
    }
    if (b0 < 0xF0) {
        if (n - i < 3) {
            fault = {errc::utf8_ill_formed, i};
            return 0;
        }
        const std::uint8_t b1 = to_u8(p[i + 1]), b2 = to_u8(p[i + 2]);
        const std::uint8_t lo = b0 == 0xE0 ? 0xA0 : 0x80, hi = b0 == 0xED ? 0x9F : 0xBF;
        if (b1 < lo || b1 > hi || !is_continuation_byte(b2)) {
            // ED A0..BF is the only way a surrogate can be spelled; name it.
            const bool surrogate = b0 == 0xED && b1 >= 0xA0 && b1 <= 0xBF;
            fault = {surrogate ? errc::utf8_surrogate : errc::utf8_ill_formed, i};
            return 0;
        }
        if (b0 == 0xEF && !lenient.allow_noncharacters &&
            ((b1 == 0xB7 && b2 >= 0x90 && b2 <= 0xAF) || (b1 == 0xBF && b2 >= 0xBE))) {
            fault = {errc::utf8_noncharacter, i};
            return 0;
        }
        return 3;
    }
    if (b0 > 0xF4 || n - i < 4) {
        fault = {errc::utf8_ill_formed, i};
        return 0;
    }
    const std::uint8_t b1 = to_u8(p[i + 1]), b2 = to_u8(p[i + 2]), b3 = to_u8(p[i + 3]);
    const std::uint8_t lo = b0 == 0xF0 ? 0x90 : 0x80, hi = b0 == 0xF4 ? 0x8F : 0xBF;
    if (b1 < lo || b1 > hi || !is_continuation_byte(b2) || !is_continuation_byte(b3)) {
        fault = {errc::utf8_ill_formed, i};
        return 0;
    }
    if ((b1 & 0x0Fu) == 0x0Fu && b2 == 0xBF && b3 >= 0xBE && !lenient.allow_noncharacters) {
        fault = {errc::utf8_noncharacter, i};
        return 0;
    }
    return 4;
}

#if defined(__SSE2__) && !defined(MQTTWIRE_FORCE_SCALAR)
[[nodiscard]] MQTTWIRE_ALWAYS_INLINE __m128i splat8(std::uint8_t b) noexcept {
    return _mm_set1_epi8(static_cast<char>(b));
}

/** The constants of the block check; leniency is folded in here, once per text. */
struct block_consts {
    __m128i ctl_limit, del, c1_lead, nc_ef, nc_bf;
    explicit block_consts(const leniency& lenient) noexcept
        // A relaxed rule gets a value whose pattern is flagged anyway (NUL, E0 followed by
        // 80..9F), so the block check keeps one shape for every leniency.
        : ctl_limit(splat8(lenient.allow_control_characters ? 0x01 : 0x20)),
          del(splat8(lenient.allow_control_characters ? 0x00 : 0x7F)),
          c1_lead(splat8(lenient.allow_control_characters ? 0xE0 : 0xC2)),
          nc_ef(splat8(lenient.allow_noncharacters ? 0x00 : 0xEF)),
          nc_bf(splat8(lenient.allow_noncharacters ? 0x00 : 0xBF)) {}
};

/**
 * Checks the 16 bytes at p, with the 3 bytes before p as context (they must be readable and
 * belong to text whose code points before p were checked). Returns 0 when every byte passes;
 * otherwise a byte may be at fault, or may only be rare (F4 leads, EF B7, BF BE, C2 80..9F with
 * controls allowed...), and the scalar check must decide. Everything is tested at the byte it
 * concerns, so a pass means: no fault in any code point ending in the block, and the block's
 * last code point may continue into the next one.
 */
template <bool topic>
[[nodiscard]] MQTTWIRE_ALWAYS_INLINE unsigned block_flags(const unsigned char* p,
                                                          const block_consts& k) noexcept {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i zero = _mm_setzero_si128();
    const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p - 1));
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p - 2));
    const __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p - 3));
    // Most tests give "non-zero = flagged" (unsigned saturating subtracts, ANDs with a mask):
    // they are ORed together and tested once.
    // Structure: a byte must be a continuation (80..BF) exactly when the byte 1 before is a
    // lead of 2+ bytes (>= C0), or 2 before one of 3+ (>= E0), or 3 before one of 4 (>= F0).
    const __m128i must =
        _mm_or_si128(_mm_or_si128(_mm_subs_epu8(a, splat8(0xBF)), _mm_subs_epu8(b, splat8(0xDF))),
                     _mm_subs_epu8(c, splat8(0xEF)));
    const __m128i is_cont = _mm_cmplt_epi8(v, splat8(0xC0));  // signed: 80..BF only
    __m128i bad = _mm_cmpeq_epi8(_mm_cmpeq_epi8(must, zero), is_cont);
    // Bytes never in well-formed text (C0, C1, F5..FF) and the rare F4 (plane 16).
    bad = _mm_or_si128(bad, _mm_subs_epu8(v, splat8(0xF3)));
    bad = _mm_or_si128(bad, _mm_cmpeq_epi8(_mm_and_si128(v, splat8(0xFE)), splat8(0xC0)));
    // Second bytes: E0 80..9F overlong, C2 80..9F a C1 control, ED A0..BF a surrogate, F0
    // 80..8F overlong (a lead followed by ASCII is flagged here too, harmlessly).
    const __m128i below_a0 = _mm_subs_epu8(splat8(0xA0), v);
    bad = _mm_or_si128(bad, _mm_and_si128(_mm_or_si128(_mm_cmpeq_epi8(a, splat8(0xE0)),
                                                       _mm_cmpeq_epi8(a, k.c1_lead)),
                                          below_a0));
    bad = _mm_or_si128(
        bad, _mm_and_si128(_mm_cmpeq_epi8(a, splat8(0xED)), _mm_subs_epu8(v, splat8(0x9F))));
    bad = _mm_or_si128(
        bad, _mm_and_si128(_mm_cmpeq_epi8(a, splat8(0xF0)), _mm_subs_epu8(splat8(0x90), v)));
    // ASCII controls and NUL (below the limit), DEL.
    bad = _mm_or_si128(bad, _mm_subs_epu8(k.ctl_limit, v));
    bad = _mm_or_si128(bad, _mm_cmpeq_epi8(v, k.del));
    // Noncharacters: U+FDD0..FDEF is EF B7 90..AF; U+xFFFE/xFFFF end in BF BE / BF BF.
    bad = _mm_or_si128(bad,
                       _mm_and_si128(_mm_cmpeq_epi8(a, k.nc_ef), _mm_cmpeq_epi8(v, splat8(0xB7))));
    bad = _mm_or_si128(bad,
                       _mm_and_si128(_mm_cmpeq_epi8(a, k.nc_bf), _mm_subs_epu8(v, splat8(0xBD))));
    if constexpr (topic) {
        bad = _mm_or_si128(
            bad, _mm_or_si128(_mm_cmpeq_epi8(v, splat8('+')), _mm_cmpeq_epi8(v, splat8('#'))));
    }
    return static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(bad, zero))) ^ 0xFFFFu;
}

/**
 * Advances p over 16-byte blocks that pass the ASCII screen while p < last (the block before p
 * must be ASCII too: then no lead asks for a continuation in them).
 */
template <bool topic>
[[nodiscard]] MQTTWIRE_ALWAYS_INLINE const unsigned char* ascii_run(
    const unsigned char* p, const unsigned char* last) noexcept {
    constexpr text_rules rules = topic ? text_rules::topic_name : text_rules::string;
    for (; p < last; p += 16)
        if (flagged_in_block(p, rules) != 0) break;
    return p;
}

/**
 * The runtime check past the first byte the ASCII screen stopped at: 16-byte blocks, and the
 * scalar check from the last code point boundary before a flagged block (or before the start,
 * or for a text too short for a block) until it is past that block.
 */
template <bool topic>
[[nodiscard]] MQTTWIRE_NOINLINE inline text_fault check_text_blocks(
    const void* text, std::size_t n, std::size_t i, const leniency& lenient) noexcept {
    // Not a template on the byte type: char, unsigned char and std::byte text share one copy.
    constexpr text_rules rules = topic ? text_rules::topic_name : text_rules::string;
    const auto* p = static_cast<const unsigned char*>(text);
    const block_consts k(lenient);
    text_fault fault{};
    for (;;) {
        // i is a code point boundary and every code point before it is valid.
        std::size_t until = n;
        if (i >= 3 && n - i >= 16) {
            // Blocks start at q while q < last; the last block is the one ending the text.
            const unsigned char* q = p + i;
            const unsigned char* const last = p + n - 16;
            bool flagged = false;
            while (q < last) {
                if (block_flags<topic>(q, k) != 0) {
                    flagged = true;
                    break;
                }
                q += 16;
                // After a block of ASCII, stay on the cheaper ASCII check while it holds.
                if (_mm_movemask_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(q - 16))) ==
                    0)
                    q = ascii_run<topic>(q, last);
            }
            std::size_t s = static_cast<std::size_t>(q - p);
            if (!flagged) {
                // The last (maybe overlapping) block, then no sequence cut short by the end.
                if (block_flags<topic>(last, k) == 0 && p[n - 1] < 0xC0 && p[n - 2] < 0xE0 &&
                    p[n - 3] < 0xF0)
                    return fault;
                s = n - 16;
            } else {
                until = s + 16;
            }
            // Back to the lead of the code point holding byte s - 1: it may run into the block.
            i = s - 1;
            for (int back = 0; back < 3 && i > 0 && is_continuation_byte(p[i]); ++back) --i;
        } else if (n - i >= 16) {
            until = 3;  // too close to the start for the 3 bytes of context
        }
        while (i < until) {
            const std::uint8_t ch = p[i];
            if (passes_screen(ch, rules)) {
                ++i;
                continue;
            }
            const std::size_t len = check_code_point(p, n, i, rules, lenient, fault);
            if (len == 0) return fault;
            i += len;
        }
        if (i >= n) return fault;
    }
}
#endif

template <byte_like B>
[[nodiscard]] MQTTWIRE_NOINLINE constexpr text_fault check_text_from(
    const B* p, std::size_t n, std::size_t i, text_rules rules, const leniency& lenient) noexcept {
#ifdef __OPTIMIZE_SIZE__
    // One copy serves every byte type (the encoder's char text, the decoder's bytes).
    if constexpr (!std::is_same_v<B, std::byte>) {
        if (!std::is_constant_evaluated())
            return check_text_from(reinterpret_cast<const std::byte*>(p), n, i, rules, lenient);
    }
#endif
#if defined(__SSE2__) && !defined(MQTTWIRE_FORCE_SCALAR)
    if (!std::is_constant_evaluated()) {
        const void* text = p;
        return rules == text_rules::topic_name ? check_text_blocks<true>(text, n, i, lenient)
                                               : check_text_blocks<false>(text, n, i, lenient);
    }
#endif
    text_fault fault{};
    std::size_t rescreen = i;  // no screen before here: the last one found a flag in it
    while (i < n) {
        // Back to the screen where an ASCII run may start, but not inside the chunk the last
        // screen flagged, nor inside non-ASCII text: both would be flagged again at once.
        if (i >= rescreen && to_u8(p[i]) < 0x80 && !std::is_constant_evaluated()) {
            if (skip_clean_ascii(p, n, i, rules)) return fault;
            rescreen = i + 32;
        }
        const std::uint8_t c = to_u8(p[i]);
        if (passes_screen(c, rules)) {
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
    // The screen is inlined at each call; only text that needs a closer look leaves the path.
    if (!std::is_constant_evaluated() && skip_clean_ascii(p, n, i, rules)) return {};
    return check_text_from(p, n, i, rules, lenient);
}

}  // namespace mqttwire::detail

namespace mqttwire {

/**
 * Whether `text` is well-formed UTF-8 by the rules of an MQTT UTF-8 Encoded String, at any
 * length: what a PUBLISH payload with Payload Format Indicator 1 must be (5.0 MQTT-3.3.2-4; a
 * receiver that checks it answers 0x99 Payload format invalid), or a payload to be shown as text.
 * errc::none, or the first fault with its offset into `text` and the statement of `version`.
 * @par Statements
 * 3.1.1 MQTT-1.5.3-1, MQTT-1.5.3-2; 5.0 MQTT-1.5.4-1, MQTT-1.5.4-2.
 */
[[nodiscard]] constexpr error check_utf8_character_data(std::string_view text,
                                                        protocol_version version,
                                                        const leniency& lenient = {}) noexcept {
    const detail::text_fault f =
        detail::check_text(text.data(), text.size(), detail::text_rules::string, lenient);
    return detail::to_error(detail::make_fault(f.code, f.offset), version);
}

/**
 * Whether `text` may be sent as an MQTT UTF-8 Encoded String (a client id, a user name, a User
 * Property typed by a user): check_utf8_character_data within the 65,535 bytes a string's
 * two-byte length allows. The decoders and encoders apply the same rule to every string.
 * @par Statements
 * 3.1.1 MQTT-1.5.3-1, MQTT-1.5.3-2 (and §1.5.3's length limit); 5.0 MQTT-1.5.4-1, MQTT-1.5.4-2.
 */
[[nodiscard]] constexpr error check_utf8_string(std::string_view text, protocol_version version,
                                                const leniency& lenient = {}) noexcept {
    if (text.size() > max_field_length)
        return detail::to_error(detail::make_fault(errc::field_too_long, 0), version);
    return check_utf8_character_data(text, version, lenient);
}

}  // namespace mqttwire
