// Topic Name and Topic Filter rules (3.1.1 §4.7, 5.0 §4.7 and §4.8.2 shared subscriptions),
// shared by every decoder and encoder that carries a topic.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <type_traits>

#if defined(__SSE2__) && !defined(MQTTWIRE_FORCE_SCALAR)
#include <emmintrin.h>
#endif

#include "../options.hpp"
#include "../protocol.hpp"
#include "../wire/utf8.hpp"

namespace mqttwire::detail {

/**
 * Topic Name: UTF-8 rules, no wildcards, at least one character unless `may_be_empty` (a 5.0
 * PUBLISH that carries a Topic Alias).
 * @par Statements
 * MQTT-3.3.2-2 / MQTT-4.7.0-1 (5.0) / MQTT-4.7.1-1 (3.1.1), MQTT-4.7.3-1, MQTT-4.7.3-2.
 */
template <byte_like B>
[[nodiscard]] MQTTWIRE_ALWAYS_INLINE constexpr text_fault check_topic_name(
    const B* p, std::size_t n, const leniency& lenient, bool may_be_empty = false) noexcept {
    if (n == 0 && !may_be_empty) return {errc::topic_name_empty, 0};
    return check_text(p, n, text_rules::topic_name, lenient);
}

/** Length of "$share/", the prefix of a shared subscription's Topic Filter (5.0 §4.8.2). */
inline constexpr std::size_t share_prefix_size = 7;

/** Whether p[0, n) starts with "$share/" (byte-wise, case-sensitive). */
template <byte_like B>
[[nodiscard]] MQTTWIRE_ALWAYS_INLINE constexpr bool starts_with_share_prefix(
    const B* p, std::size_t n) noexcept {
    if (n < share_prefix_size || to_u8(p[0]) != '$') return false;
    constexpr char prefix[] = "$share/";
    if (!std::is_constant_evaluated()) {
        // Two overlapping 4-byte compares, "$sha" and "are/": no loop on the hot path.
        std::uint32_t head = 0, tail = 0, want_head = 0, want_tail = 0;
        std::memcpy(&head, p, 4);
        std::memcpy(&tail, p + 3, 4);
        std::memcpy(&want_head, prefix, 4);
        std::memcpy(&want_tail, prefix + 3, 4);
        return head == want_head && tail == want_tail;
    }
    for (std::size_t i = 1; i < share_prefix_size; ++i)
        if (to_u8(p[i]) != std::uint8_t(prefix[i])) return false;
    return true;
}

#if defined(__SSE2__) && !defined(MQTTWIRE_FORCE_SCALAR)
/** 0xFF in each lane holding '+' or '#': the only bytes that are 0x2B with bit 3 set. */
[[nodiscard]] MQTTWIRE_ALWAYS_INLINE __m128i wild_bytes(__m128i v) noexcept {
    return _mm_cmpeq_epi8(_mm_or_si128(v, _mm_set1_epi8(0x08)), _mm_set1_epi8(0x2B));
}
#endif

/**
 * The ShareName rule on a filter that starts "$share/": a ShareName of at least one character
 * free of '+' and '#', ended by the first '/', which a non-empty Topic Filter follows. On
 * success `filter_start` is that Topic Filter's offset. The one ShareName rule: the filter
 * rules, their fast screen and split_shared_subscription all call it.
 * @par Statements
 * MQTT-4.8.2-1 (offset 7: empty ShareName), MQTT-4.8.2-2 (a wildcard in it, or no "/filter").
 */
template <byte_like B>
[[nodiscard]] MQTTWIRE_ALWAYS_INLINE constexpr text_fault check_share_name(
    const B* p, std::size_t n, std::size_t& filter_start) noexcept {
    constexpr std::size_t first = share_prefix_size;
    std::size_t end = first;
#if defined(__SSE2__) && !defined(MQTTWIRE_FORCE_SCALAR)
    // At run time a ShareName ending within 16 bytes is found with one load: the window starts
    // at the name, or ends at the filter's end when that is closer, and reads nothing past it.
    // A ShareName longer than the window is left to the loop below.
    if (!std::is_constant_evaluated() && n >= 16) {
        const std::size_t at = n >= first + 16 ? first : n - 16;
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + at));
        const unsigned drop = static_cast<unsigned>(first - at);  // bytes before the name
        const unsigned slash =
            static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('/')))) >> drop;
        if (slash != 0) {
            const unsigned k = static_cast<unsigned>(__builtin_ctz(slash));
            const unsigned wild =
                (static_cast<unsigned>(_mm_movemask_epi8(wild_bytes(v))) >> drop) & ((1u << k) - 1);
            if (wild != 0)
                return {errc::shared_subscription_invalid,
                        first + static_cast<std::size_t>(__builtin_ctz(wild))};
            end = first + k;
            if (k == 0) return {errc::shared_subscription_invalid, first};
        }
    }
#endif
    if (end == first) {
        while (end < n && to_u8(p[end]) != '/') {
            const std::uint8_t c = to_u8(p[end]);
            if (c == '+' || c == '#') return {errc::shared_subscription_invalid, end};
            ++end;
        }
        if (end == first) return {errc::shared_subscription_invalid, first};
    }
    if (end + 1 >= n) return {errc::shared_subscription_invalid, end};
    filter_start = end + 1;
    return {};
}

/**
 * The Topic Filter rules one by one, in the order that decides which fault is reported: the text
 * first (any UTF-8 fault anywhere wins), then a 5.0 "$share/" prefix, then each wildcard in
 * order. Every filter the fast screen below does not pass comes here.
 */
template <byte_like B>
[[nodiscard]] MQTTWIRE_NOINLINE constexpr text_fault check_topic_filter_rules(
    const B* p, std::size_t n, protocol_version version, const leniency& lenient,
    bool& shared) noexcept {
#ifdef __OPTIMIZE_SIZE__
    // One copy serves every byte type (the encoder's char filters, the decoder's bytes).
    if constexpr (!std::is_same_v<B, std::byte>) {
        if (!std::is_constant_evaluated())
            return check_topic_filter_rules(reinterpret_cast<const std::byte*>(p), n, version,
                                            lenient, shared);
    }
#endif
    shared = false;
    const text_fault f = check_text(p, n, text_rules::string, lenient);
    if (f.code != errc::none) return f;

    std::size_t start = 0;
    if (version == protocol_version::v5 && starts_with_share_prefix(p, n)) {
        shared = true;
        const text_fault s = check_share_name(p, n, start);
        if (s.code != errc::none) return s;
    }
    std::size_t level_start = start;
    for (std::size_t i = start; i < n; ++i) {
        const std::uint8_t c = to_u8(p[i]);
        if (c == '/') {
            level_start = i + 1;
        } else if (c == '#') {
            if (i != level_start || i + 1 != n) return {errc::multi_level_wildcard_misplaced, i};
        } else if (c == '+') {
            if (i != level_start || (i + 1 != n && to_u8(p[i + 1]) != '/'))
                return {errc::single_level_wildcard_misplaced, i};
        }
    }
    return {};
}

#if defined(__SSE2__) && !defined(MQTTWIRE_FORCE_SCALAR)
// The screen is inlined into each filter loop (SUBSCRIBE, UNSUBSCRIBE, decode and encode) for
// speed, except where size is asked for (-Os): there one copy serves them all.
#if defined(__OPTIMIZE_SIZE__)
#define MQTTWIRE_TOPIC_SCREEN_INLINE inline
#else
#define MQTTWIRE_TOPIC_SCREEN_INLINE MQTTWIRE_ALWAYS_INLINE
#endif

/** Per-byte marks of up to 32 bytes of a filter (bit k = byte k of the chunk). */
struct filter_marks {
    unsigned odd;   // not printable ASCII: needs the UTF-8 rules
    unsigned wild;  // '+' or '#'
};

[[nodiscard]] MQTTWIRE_ALWAYS_INLINE filter_marks mark_filter_bytes(__m128i v) noexcept {
    // Printable ASCII 0x20..0x7E plus one is 0x21..0x7F, the only bytes then above 0x20 as signed
    // bytes (0x7F and every byte from 0x80 wrap to negative or 0).
    const __m128i good = _mm_cmpgt_epi8(_mm_add_epi8(v, _mm_set1_epi8(1)), _mm_set1_epi8(0x20));
    return {static_cast<unsigned>(_mm_movemask_epi8(good)) ^ 0xFFFFu,
            static_cast<unsigned>(_mm_movemask_epi8(wild_bytes(v)))};
}

/**
 * Marks of bytes [i, min(i + 32, n)) of p, bit k for byte i + k, no bit at or past n. Never reads
 * outside p[0, n): past the first 16 bytes a load ends at p + n and overlaps what was already
 * loaded (a byte marked twice lands on the same bit); a text shorter than 16 bytes is two
 * overlapping 8- or 4-byte loads or, under 4 bytes, byte loads.
 */
template <byte_like B>
[[nodiscard]] MQTTWIRE_ALWAYS_INLINE filter_marks mark_filter_chunk(const B* p, std::size_t n,
                                                                    std::size_t i) noexcept {
    const std::size_t rest = n - i;
    const auto load16 = [p](std::size_t at) {
        return mark_filter_bytes(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + at)));
    };
    if (rest >= 16) {
        const filter_marks lo = load16(i);
        const std::size_t hi_at = rest >= 32 ? i + 16 : n - 16;
        const filter_marks hi = load16(hi_at);
        const unsigned up = static_cast<unsigned>(hi_at - i);
        return {lo.odd | (hi.odd << up), lo.wild | (hi.wild << up)};
    }
    if (n >= 16) {  // the last few bytes of a long text
        const filter_marks m = load16(n - 16);
        const unsigned down = static_cast<unsigned>(16 - rest);
        return {m.odd >> down, m.wild >> down};
    }
    // n < 16, so i == 0. Byte k of the text lands in lane k (low half) or k - n + 8 (high half).
    if (n >= 8) {
        std::uint64_t lo = 0, hi = 0;
        std::memcpy(&lo, p, 8);
        std::memcpy(&hi, p + n - 8, 8);
        const filter_marks m = mark_filter_bytes(
            _mm_set_epi64x(static_cast<long long>(hi), static_cast<long long>(lo)));
        const unsigned up = static_cast<unsigned>(n - 8);
        return {(m.odd & 0xFFu) | ((m.odd >> 8) << up), (m.wild & 0xFFu) | ((m.wild >> 8) << up)};
    }
    if (n >= 4) {
        std::uint32_t lo = 0, hi = 0;
        std::memcpy(&lo, p, 4);
        std::memcpy(&hi, p + n - 4, 4);
        const filter_marks m = mark_filter_bytes(
            _mm_set_epi64x(0, static_cast<long long>(lo | (std::uint64_t{hi} << 32))));
        const unsigned up = static_cast<unsigned>(n - 4);
        return {(m.odd & 0xFu) | (((m.odd >> 4) & 0xFu) << up),
                (m.wild & 0xFu) | (((m.wild >> 4) & 0xFu) << up)};
    }
    filter_marks m{0, 0};
    for (std::size_t k = 0; k < n; ++k) {
        const std::uint8_t c = to_u8(p[k]);
        m.odd |= unsigned{c < 0x20 || c >= 0x7F} << k;
        m.wild |= unsigned{c == '+' || c == '#'} << k;
    }
    return m;
}

/**
 * The common case at run time: true when the filter is printable ASCII, any 5.0 "$share/"
 * prefix is well formed (`shared` then set) and every wildcard is well placed. Printable ASCII
 * breaks no UTF-8 rule under any leniency, so only the wildcards need a look, each where the
 * block screen finds it: a level holding '+' or '#' must be that one character, so '+' needs '/'
 * (or the start) before and '/' (or the end) after it, and '#' needs '/' (or the start) before
 * it and the end after it. false says nothing: the exact rules then decide and report.
 */
template <byte_like B>
[[nodiscard]] MQTTWIRE_TOPIC_SCREEN_INLINE bool plain_topic_filter(const B* p, std::size_t n,
                                                                   protocol_version version,
                                                                   bool& shared) noexcept {
    if (version == protocol_version::v5 && n >= share_prefix_size && to_u8(p[0]) == '$' &&
        starts_with_share_prefix(p, n)) {
        // Wildcards after the ShareName are checked below as in any filter: the '/' ending it
        // stands in for the start.
        std::size_t start = 0;
        if (check_share_name(p, n, start).code != errc::none) return false;
        shared = true;
    }
    for (std::size_t i = 0; i < n; i += 32) {
        filter_marks m = mark_filter_chunk(p, n, i);
        if (m.odd != 0) return false;
        while (m.wild != 0) {
            const std::size_t j = i + static_cast<std::size_t>(__builtin_ctz(m.wild));
            m.wild &= m.wild - 1;
            const bool alone_before = j == 0 || to_u8(p[j - 1]) == '/';
            const bool alone_after = j + 1 == n || (to_u8(p[j]) == '+' && to_u8(p[j + 1]) == '/');
            if (!(alone_before && alone_after)) return false;
        }
    }
    return true;
}
#endif

/**
 * Topic Filter: UTF-8 rules, non-empty, '#' only as a whole last level, '+' only as a whole
 * level; under 5.0 a filter starting "$share/" must be $share/{ShareName}/{filter} with a
 * non-empty ShareName free of '/', '+', '#'. `shared` reports whether it is one.
 * @par Statements
 * 3.1.1 MQTT-4.7.1-2, MQTT-4.7.1-3; 5.0 MQTT-4.7.1-1, MQTT-4.7.1-2, MQTT-4.8.2-1, MQTT-4.8.2-2;
 * both MQTT-4.7.3-1, MQTT-4.7.3-2.
 */
template <byte_like B>
[[nodiscard]] MQTTWIRE_ALWAYS_INLINE constexpr text_fault check_topic_filter(
    const B* p, std::size_t n, protocol_version version, const leniency& lenient,
    bool& shared) noexcept {
    shared = false;
    if (n == 0) return {errc::topic_filter_empty, 0};
#if defined(__SSE2__) && !defined(MQTTWIRE_FORCE_SCALAR)
    if (!std::is_constant_evaluated() && plain_topic_filter(p, n, version, shared)) return {};
#endif
    return check_topic_filter_rules(p, n, version, lenient, shared);
}

}  // namespace mqttwire::detail
