// Topic Name and Topic Filter rules (3.1.1 §4.7, 5.0 §4.7 and §4.8.2 shared subscriptions),
// shared by every decoder and encoder that carries a topic.
#pragma once

#include <bit>
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

/**
 * The placement rule of the wildcard p[j] ('+' or '#'): it is a whole level (the filter's start
 * or a '/' before it, its end or a '/' after it), and '#' is the last level. The one wildcard
 * rule: the exact filter rules and their fast screen both call it.
 * @par Statements
 * 3.1.1 MQTT-4.7.1-2, MQTT-4.7.1-3; 5.0 MQTT-4.7.1-1, MQTT-4.7.1-2.
 */
template <byte_like B>
[[nodiscard]] MQTTWIRE_ALWAYS_INLINE constexpr errc wildcard_fault(const B* p, std::size_t n,
                                                                   std::size_t j) noexcept {
    const bool level_start = j == 0 || to_u8(p[j - 1]) == '/';
    if (to_u8(p[j]) == '#')
        return level_start && j + 1 == n ? errc::none : errc::multi_level_wildcard_misplaced;
    return level_start && (j + 1 == n || to_u8(p[j + 1]) == '/')
               ? errc::none
               : errc::single_level_wildcard_misplaced;
}

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
                (static_cast<unsigned>(_mm_movemask_epi8(wildcard_lanes(v))) >> drop) & ((1u << k) - 1);
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
            if (is_wildcard(to_u8(p[end]))) return {errc::shared_subscription_invalid, end};
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
    // After a ShareName, p[start - 1] is the '/' ending it: the filter's first level starts there.
    for (std::size_t i = start; i < n; ++i) {
        if (!is_wildcard(to_u8(p[i]))) continue;
        if (const errc e = wildcard_fault(p, n, i); e != errc::none) return {e, i};
    }
    return {};
}

// The screen is inlined into each filter loop (SUBSCRIBE, UNSUBSCRIBE, decode and encode) for
// speed, except where size is asked for (-Os): there one copy serves them all.
#if defined(__OPTIMIZE_SIZE__)
#define MQTTWIRE_TOPIC_SCREEN_INLINE inline
#else
#define MQTTWIRE_TOPIC_SCREEN_INLINE MQTTWIRE_ALWAYS_INLINE
#endif

/**
 * The common case at run time: true when the filter passes the ASCII screen but for its
 * wildcards, any 5.0 "$share/" prefix is well formed (`shared` then set) and wildcard_fault
 * finds nothing at each wildcard the screen flags. Printable ASCII breaks no UTF-8 rule under any
 * leniency, so that is every rule. false says nothing: the exact rules then decide and report.
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
        // Topic Name screening flags the wildcards too: each is judged where it stands.
        for (unsigned m = screen_chunk<true>(p, n, i, text_rules::topic_name); m != 0;
             m &= m - 1) {
            const std::size_t j = i + static_cast<std::size_t>(std::countr_zero(m));
            if (!is_wildcard(to_u8(p[j])) || wildcard_fault(p, n, j) != errc::none) return false;
        }
    }
    return true;
}

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
    if (!std::is_constant_evaluated() && plain_topic_filter(p, n, version, shared)) return {};
    return check_topic_filter_rules(p, n, version, lenient, shared);
}

}  // namespace mqttwire::detail

namespace mqttwire {

/**
 * Whether `name` may be sent as a Topic Name (a topic typed by a user, read from a file, made
 * by an application): errc::none, or the first fault with its offset into `name` and the
 * statement of `version`: empty, longer than a UTF-8 Encoded String can be, ill-formed UTF-8,
 * or a '+' / '#' in it. The decoders and encoders apply this very rule to every PUBLISH.
 * @par Statements
 * MQTT-3.3.2-2 / MQTT-4.7.0-1 (5.0) / MQTT-4.7.1-1 (3.1.1), MQTT-4.7.3-1, MQTT-4.7.3-2,
 * MQTT-1.5.3-1 / MQTT-1.5.4-1.
 */
[[nodiscard]] constexpr error check_topic_name(std::string_view name, protocol_version version,
                                               const leniency& lenient = {}) noexcept {
    if (name.size() > max_field_length)
        return detail::to_error(detail::make_fault(errc::field_too_long, 0), version);
    const detail::text_fault f = detail::check_topic_name(name.data(), name.size(), lenient);
    return detail::to_error(detail::make_fault(f.code, f.offset), version);
}

/**
 * Whether `filter` may be subscribed to under `version`: errc::none, or the first fault with
 * its offset and statement: empty, too long, ill-formed UTF-8, a misplaced '+' or '#', or
 * under 5.0 a "$share/" filter without a valid ShareName and filter. (3.1.1 has no shared
 * subscriptions: there "$share/..." is an ordinary filter.) The decoders and encoders apply this
 * very rule to every SUBSCRIBE and UNSUBSCRIBE; split_shared_subscription (topic_match.hpp)
 * splits a valid shared one.
 * @par Statements
 * 3.1.1 MQTT-4.7.1-2, MQTT-4.7.1-3; 5.0 MQTT-4.7.1-1, MQTT-4.7.1-2, MQTT-4.8.2-1, MQTT-4.8.2-2;
 * both MQTT-4.7.3-1, MQTT-4.7.3-2.
 */
[[nodiscard]] constexpr error check_topic_filter(std::string_view filter,
                                                 protocol_version version,
                                                 const leniency& lenient = {}) noexcept {
    if (filter.size() > max_field_length)
        return detail::to_error(detail::make_fault(errc::field_too_long, 0), version);
    bool shared = false;
    const detail::text_fault f =
        detail::check_topic_filter(filter.data(), filter.size(), version, lenient, shared);
    return detail::to_error(detail::make_fault(f.code, f.offset), version);
}

}  // namespace mqttwire
