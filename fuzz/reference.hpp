// Plain reference implementations of the UTF-8 string and topic rules, written for the fuzzers
// from the Unicode Standard (§3.9, Table 3-7) and the MQTT text, deliberately unlike the
// library: decode each code point first, then classify it by value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include <mqttwire/error.hpp>
#include <mqttwire/protocol.hpp>

namespace fuzz::reference {

struct outcome {
    mqttwire::errc code = mqttwire::errc::none;
    std::size_t offset = 0;
    bool shared = false;
};

/**
 * One UTF-8 string. Conventions shared with mqttwire (documented in fuzz/README.md): the offset
 * is that of the first byte of the offending sequence; a sequence cut short by the end of the
 * string is ill-formed; a lead ED followed by A0..BF (the only spelling of a surrogate) is
 * reported as a surrogate.
 */
inline outcome check_text(const unsigned char* p, std::size_t n, bool topic_name,
                          bool allow_control, bool allow_noncharacters) {
    using mqttwire::errc;
    std::size_t i = 0;
    while (i < n) {
        const unsigned b0 = p[i];
        std::size_t len = 0;
        std::uint32_t cp = 0;
        std::uint32_t min = 0;
        if (b0 < 0x80) {
            len = 1;
            cp = b0;
        } else if ((b0 & 0xE0u) == 0xC0u) {
            len = 2;
            cp = b0 & 0x1Fu;
            min = 0x80;
        } else if ((b0 & 0xF0u) == 0xE0u) {
            len = 3;
            cp = b0 & 0x0Fu;
            min = 0x800;
        } else if ((b0 & 0xF8u) == 0xF0u) {
            len = 4;
            cp = b0 & 0x07u;
            min = 0x10000;
        } else {
            return {errc::utf8_ill_formed, i};  // a continuation byte or F8..FF
        }
        if (n - i < len) return {errc::utf8_ill_formed, i};
        if (len == 3 && b0 == 0xED && p[i + 1] >= 0xA0 && p[i + 1] <= 0xBF)
            return {errc::utf8_surrogate, i};
        for (std::size_t k = 1; k < len; ++k) {
            if ((p[i + k] & 0xC0u) != 0x80u) return {errc::utf8_ill_formed, i};
            cp = (cp << 6) | (p[i + k] & 0x3Fu);
        }
        if (cp < min || cp > 0x10FFFF) return {errc::utf8_ill_formed, i};  // overlong, too big
        if (cp >= 0xD800 && cp <= 0xDFFF) return {errc::utf8_surrogate, i};
        if (cp == 0) return {errc::utf8_null_character, i};
        const bool control = cp <= 0x1F || (cp >= 0x7F && cp <= 0x9F);
        if (control && !allow_control) return {errc::utf8_control_character, i};
        const bool noncharacter = (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFF) == 0xFFFE ||
                                  (cp & 0xFFFF) == 0xFFFF;
        if (noncharacter && !allow_noncharacters) return {errc::utf8_noncharacter, i};
        if (topic_name && (cp == '+' || cp == '#')) return {errc::topic_name_has_wildcard, i};
        i += len;
    }
    return {};
}

/** Topic Name: non-empty (unless a 5.0 Topic Alias stands in), UTF-8, no wildcard. */
inline outcome check_topic_name(const unsigned char* p, std::size_t n, bool allow_control,
                                bool allow_noncharacters, bool may_be_empty) {
    if (n == 0 && !may_be_empty) return {mqttwire::errc::topic_name_empty, 0};
    return check_text(p, n, true, allow_control, allow_noncharacters);
}

/**
 * Topic Filter: non-empty UTF-8; split into levels at '/'; a level holding '#' must be exactly
 * "#" and the last; a level holding '+' must be exactly "+". Under 5.0, "$share/" starts a
 * shared subscription: a ShareName of at least one character without '/', '+', '#', then '/',
 * then a non-empty filter under the same rules.
 */
inline outcome check_topic_filter(const unsigned char* p, std::size_t n,
                                  mqttwire::protocol_version version, bool allow_control,
                                  bool allow_noncharacters) {
    using mqttwire::errc;
    if (n == 0) return {errc::topic_filter_empty, 0};
    outcome o = check_text(p, n, false, allow_control, allow_noncharacters);
    if (o.code != errc::none) return o;
    std::size_t start = 0;
    static constexpr unsigned char share[] = {'$', 's', 'h', 'a', 'r', 'e', '/'};
    bool is_shared = version == mqttwire::protocol_version::v5 && n >= 7;
    for (std::size_t i = 0; is_shared && i < 7; ++i) is_shared = p[i] == share[i];
    if (is_shared) {
        o.shared = true;
        std::size_t end = 7;
        while (end < n && p[end] != '/') {
            if (p[end] == '+' || p[end] == '#') return {errc::shared_subscription_invalid, end, true};
            ++end;
        }
        if (end == 7) return {errc::shared_subscription_invalid, 7, true};
        if (end == n || end + 1 == n) return {errc::shared_subscription_invalid, end, true};
        start = end + 1;
    }
    // Level by level.
    std::size_t level = start;
    while (true) {
        std::size_t end = level;
        while (end < n && p[end] != '/') ++end;
        const std::size_t len = end - level;
        for (std::size_t i = level; i < end; ++i) {
            if (p[i] == '#' && !(len == 1 && end == n))
                return {errc::multi_level_wildcard_misplaced, i, o.shared};
            if (p[i] == '+' && len != 1) return {errc::single_level_wildcard_misplaced, i, o.shared};
        }
        if (end == n) break;
        level = end + 1;
    }
    return o;
}

/** The levels of a topic: the texts between '/' separators ("a//b" has three, "" has one). */
inline std::vector<std::string_view> levels(std::string_view topic) {
    std::vector<std::string_view> out;
    std::size_t from = 0;
    while (true) {
        const std::size_t slash = topic.find('/', from);
        if (slash == std::string_view::npos) break;
        out.push_back(topic.substr(from, slash - from));
        from = slash + 1;
    }
    out.push_back(topic.substr(from));
    return out;
}

/**
 * Filter against name, level by level (3.1.1 and 5.0 §4.7.1, §4.7.2), for a valid filter and
 * name: a "#" level matches the rest, its parent level included; a "+" level matches any one
 * level; every other level only the same bytes. A filter whose first level is a wildcard never
 * matches a name starting with '$'.
 */
inline bool topic_matches(std::string_view filter, std::string_view topic_name) {
    const std::vector<std::string_view> f = levels(filter);
    const std::vector<std::string_view> t = levels(topic_name);
    if ((f[0] == "+" || f[0] == "#") && !topic_name.empty() && topic_name[0] == '$') return false;
    for (std::size_t i = 0; i < f.size(); ++i) {
        if (f[i] == "#") return true;
        if (i == t.size()) return false;
        if (f[i] != "+" && f[i] != t[i]) return false;
    }
    return f.size() == t.size();
}

struct shared_subscription {
    std::string_view share_name;
    std::string_view topic_filter;
};

/** "$share/{ShareName}/{filter}" (5.0 §4.8.2) with a non-empty ShareName free of '+' and '#'. */
inline std::optional<shared_subscription> split_shared_subscription(std::string_view filter) {
    constexpr std::string_view prefix = "$share/";
    if (filter.substr(0, prefix.size()) != prefix) return std::nullopt;
    const std::string_view rest = filter.substr(prefix.size());
    const std::size_t slash = rest.find('/');
    if (slash == std::string_view::npos || slash == 0 || slash + 1 == rest.size())
        return std::nullopt;
    const std::string_view name = rest.substr(0, slash);
    if (name.find_first_of("+#") != std::string_view::npos) return std::nullopt;
    return shared_subscription{name, rest.substr(slash + 1)};
}

}  // namespace fuzz::reference
