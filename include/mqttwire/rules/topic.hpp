// Topic Name and Topic Filter rules (3.1.1 §4.7, 5.0 §4.7 and §4.8.2 shared subscriptions),
// shared by every decoder and encoder that carries a topic.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

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

/**
 * Topic Filter: UTF-8 rules, non-empty, '#' only as a whole last level, '+' only as a whole
 * level; under 5.0 a filter starting "$share/" must be $share/{ShareName}/{filter} with a
 * non-empty ShareName free of '/', '+', '#'. `shared` reports whether it is one.
 * @par Statements
 * 3.1.1 MQTT-4.7.1-2, MQTT-4.7.1-3; 5.0 MQTT-4.7.1-1, MQTT-4.7.1-2, MQTT-4.8.2-1, MQTT-4.8.2-2;
 * both MQTT-4.7.3-1, MQTT-4.7.3-2.
 */
template <byte_like B>
[[nodiscard]] constexpr text_fault check_topic_filter(const B* p, std::size_t n,
                                                      protocol_version version,
                                                      const leniency& lenient,
                                                      bool& shared) noexcept {
    shared = false;
    if (n == 0) return {errc::topic_filter_empty, 0};
    const text_fault f = check_text(p, n, text_rules::string, lenient);
    if (f.code != errc::none) return f;

    std::size_t start = 0;
    if (version == protocol_version::v5 && n >= 7 && to_u8(p[0]) == '$') {
        constexpr char prefix[] = "$share/";
        bool match = true;
        for (std::size_t i = 1; i < 7 && match; ++i) match = to_u8(p[i]) == std::uint8_t(prefix[i]);
        if (match) {
            shared = true;
            std::size_t i = 7;
            while (i < n && to_u8(p[i]) != '/') {
                const std::uint8_t c = to_u8(p[i]);
                if (c == '+' || c == '#') return {errc::shared_subscription_invalid, i};
                ++i;
            }
            // MQTT-4.8.2-1: ShareName at least one character; MQTT-4.8.2-2: then '/' and a
            // Topic Filter.
            if (i == 7) return {errc::shared_subscription_invalid, 7};
            if (i + 1 >= n) return {errc::shared_subscription_invalid, i};
            start = i + 1;
        }
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

}  // namespace mqttwire::detail
