// What a server does with topics once they are decoded (3.1.1 §4.7, 5.0 §4.7 and §4.8.2):
// match a Topic Filter against a Topic Name, and split a shared subscription into its ShareName
// and the filter it matches with.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "topic.hpp"

namespace mqttwire {

/**
 * Whether the Topic Filter `filter` matches the Topic Name `topic_name`: byte-wise and
 * case-sensitive, with no normalisation (MQTT-4.7.3-4). '+' matches exactly one level, an empty
 * one too ("a/+/c" matches "a//c", "sport/+" matches "sport/", "+" matches "" but not "/x");
 * '#' matches its parent level and any number of levels below it ("sport/#" matches "sport",
 * "sport/" and "sport/a/b"; "#" matches every name). A filter starting with '+' or '#' does not
 * match a name starting with '$' (MQTT-4.7.2-1); "$SYS/#" does match "$SYS/x".
 *
 * A shared subscription "$share/{ShareName}/{filter}" matches with its `filter` part only:
 * split it first (split_shared_subscription); its whole text is matched here as a literal.
 *
 * Expects a valid filter and a valid name (as the decoders and encoders accept them: '#' only as
 * a whole last level, '+' only as a whole level, no wildcard in the name). Given anything else
 * the answer is still deterministic and never reads outside the two views: the first '#' of the
 * filter ends the comparison as a match, a '+' consumes the rest of the name's level, and a
 * wildcard in the name is an ordinary byte.
 *
 * One pass over the two texts, no allocation: a server calls it per subscription per message.
 */
[[nodiscard]] constexpr bool topic_matches(std::string_view filter,
                                           std::string_view topic_name) noexcept {
    const std::size_t fn = filter.size();
    const std::size_t tn = topic_name.size();
    if (fn != 0 && tn != 0 && topic_name[0] == '$' && (filter[0] == '+' || filter[0] == '#'))
        return false;  // MQTT-4.7.2-1
    std::size_t f = 0;
    std::size_t t = 0;
    while (f < fn) {
        const char c = filter[f];
        if (c == '#') return true;
        if (c == '+') {
            while (t < tn && topic_name[t] != '/') ++t;
            ++f;
            continue;
        }
        if (t == tn || topic_name[t] != c) {
            // The name ended at a level boundary where the filter goes on with "/#": '#'
            // matches the parent level too ("sport/#" matches "sport").
            return t == tn && c == '/' && f + 2 == fn && filter[f + 1] == '#';
        }
        ++f;
        ++t;
    }
    return t == tn;
}

/** The two parts of a shared subscription's Topic Filter, views into it. */
struct shared_subscription {
    std::string_view share_name{};
    /** The filter that messages are matched with (topic_matches). */
    std::string_view topic_filter{};
    friend constexpr bool operator==(const shared_subscription&,
                                     const shared_subscription&) = default;
};

/**
 * Splits "$share/{ShareName}/{filter}" into its ShareName and filter; nullopt when `filter` does
 * not start with "$share/" or breaks the ShareName rules: an empty ShareName (MQTT-4.8.2-1), a
 * ShareName holding '+' or '#', or no '/' and non-empty filter after it (MQTT-4.8.2-2). The
 * ShareName ends at the first '/' after the prefix. The same rule the 5.0 decoders and encoders
 * apply, but independent of the protocol version: a server may give "$share/" its 5.0 meaning
 * for 3.1.1 clients too, where the codec passes it as an ordinary filter. The filter part is
 * not checked here; the decoders have checked it already as part of the whole filter.
 */
[[nodiscard]] constexpr std::optional<shared_subscription> split_shared_subscription(
    std::string_view filter) noexcept {
    if (!detail::starts_with_share_prefix(filter.data(), filter.size())) return std::nullopt;
    std::size_t start = 0;
    if (detail::check_share_name(filter.data(), filter.size(), start).code != errc::none)
        return std::nullopt;
    const std::size_t name_size = start - 1 - detail::share_prefix_size;
    return shared_subscription{filter.substr(detail::share_prefix_size, name_size),
                               filter.substr(start)};
}

}  // namespace mqttwire
