// What the decoder checks per context and per identifier, derived from the property table and
// the typed sets: the identifiers each packet allows (the sets' fields), those that may repeat
// (the sets' property_list fields), the sender rules, and the one-read-per-property layout.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <tuple>
#include <utility>

#include "../error.hpp"
#include "../options.hpp"
#include "property_field.hpp"
#include "property_id.hpp"
#include "typed_properties.hpp"

namespace mqttwire {
namespace detail {

/** What the decoder checks of a property list in one context (bit per identifier). */
struct context_rules {
    std::uint64_t allowed = 0;
    std::uint64_t repeatable = 0;
    /** Allowed from the server only, or from the client only (sender_rules). */
    std::uint64_t server_only = 0;
    std::uint64_t client_only = 0;
};

template <std::size_t... I>
[[nodiscard]] consteval auto make_context_rules(std::index_sequence<I...>) noexcept {
    std::array<context_rules, property_context_count> out{};
    ((out[static_cast<std::size_t>(std::tuple_element_t<I, all_property_sets>::context)] =
          context_rules{members_of<std::tuple_element_t<I, all_property_sets>>().all,
                        members_of<std::tuple_element_t<I, all_property_sets>>().repeated}),
     ...);
    for (const sender_rule& r : sender_rules) {
        context_rules& c = out[static_cast<std::size_t>(r.context)];
        (r.only_from == sender::server ? c.server_only : c.client_only) |= bit(r.id);
    }
    return out;
}

/** Indexed by property_context. */
inline constexpr auto property_context_rules =
    make_context_rules(std::make_index_sequence<property_context_count>{});

/** Identifiers allowed per context (5.0 Table 2-4's Packets column: the typed sets' fields). */
[[nodiscard]] constexpr std::uint64_t allowed_properties(property_context ctx) noexcept {
    return property_context_rules[static_cast<std::size_t>(ctx)].allowed;
}

/** Whether the identifier may repeat in this context (a property_list field of its set). */
[[nodiscard]] constexpr bool may_repeat(property_id id, property_context ctx) noexcept {
    return (property_context_rules[static_cast<std::size_t>(ctx)].repeatable & bit(id)) != 0;
}

/** Identifiers `from` may not send in this context (bit per identifier; sender_rules). */
[[nodiscard]] constexpr std::uint64_t wrong_sender_properties(property_context ctx,
                                                              sender from) noexcept {
    const context_rules& rules = property_context_rules[static_cast<std::size_t>(ctx)];
    return from == sender::client ? rules.server_only : rules.client_only;
}

/** The fault of a property sent by the side its sender rule forbids. */
[[nodiscard]] constexpr errc wrong_sender_error(property_context ctx, property_id id) noexcept {
    for (const sender_rule& r : sender_rules)
        if (r.context == ctx && r.id == id) return r.wrong_sender;
    return errc::none;
}

[[nodiscard]] consteval std::uint64_t repeatable_anywhere() noexcept {
    std::uint64_t m = 0;
    for (const context_rules& c : property_context_rules) m |= c.repeatable;
    return m;
}

/** Identifiers that may repeat in some packet (User Property, Subscription Identifier). */
inline constexpr std::uint64_t repeatable_properties = repeatable_anywhere();
inline constexpr std::uint8_t repeatable_count =
    static_cast<std::uint8_t>(std::popcount(repeatable_properties));

/**
 * Which of properties_view's counters counts `id`: one per repeatable identifier, in identifier
 * order, and repeatable_count for all the others (a count no one reads, so the decoder counts
 * without a branch).
 */
[[nodiscard]] constexpr std::uint8_t counter_of(property_id id) noexcept {
    if (!(repeatable_properties & bit(id))) return repeatable_count;
    return static_cast<std::uint8_t>(std::popcount(repeatable_properties & (bit(id) - 1)));
}

/**
 * What the decoder's property loop needs of one identifier, in one 12-byte entry: type, slot,
 * and the value rule of check_numeric_property as a range (a value outside [min, max] is
 * `value_error`), so that the loop makes one table read per property.
 */
struct property_layout {
    property_type type = property_type::none;
    std::uint8_t slot = 31;  // unknown identifiers: a presence bit that is never set
    std::uint8_t min = 0;
    errc value_error = errc::none;
    std::uint32_t max = 0xFFFFFFFFu;
    std::uint8_t counter = repeatable_count;  // its count in properties_view (see counter_of)
};

[[nodiscard]] consteval auto make_property_layouts() {
    std::array<property_layout, max_property_id + 1> out{};
    for (std::size_t i = 0; i <= max_property_id; ++i) {
        const auto id = static_cast<property_id>(i);
        property_layout& l = out[i];
        l.type = property_table[i].type;
        if (l.type == property_type::none) continue;
        l.slot = property_table[i].slot;
        l.counter = counter_of(id);
        // Read the rule back from check_numeric_property: 0 rejected, above 1 rejected, above
        // the largest Variable Byte Integer rejected.
        const errc at_zero = check_numeric_property(id, 0);
        const errc at_two = check_numeric_property(id, 2);
        const errc past_vbi = check_numeric_property(id, max_variable_byte_integer + 1);
        l.min = at_zero != errc::none ? 1 : 0;
        l.max = at_two != errc::none     ? 1u
                : past_vbi != errc::none ? max_variable_byte_integer
                                         : 0xFFFFFFFFu;
        l.value_error = at_zero != errc::none ? at_zero : at_two != errc::none ? at_two : past_vbi;
    }
    return out;
}

inline constexpr auto property_layouts = make_property_layouts();

/** The table's ranges say exactly what check_numeric_property says. */
[[nodiscard]] consteval bool property_layouts_agree() {
    constexpr std::uint32_t top = max_variable_byte_integer;
    constexpr std::uint32_t samples[] = {0, 1, 2, 3, 0xFFFF, 0x10000, top, top + 1, 0xFFFFFFFFu};
    for (std::size_t i = 0; i <= max_property_id; ++i) {
        const property_layout& l = property_layouts[i];
        if (l.type == property_type::none) continue;
        for (const std::uint32_t v : samples) {
            const errc table = v < l.min || v > l.max ? l.value_error : errc::none;
            if (table != check_numeric_property(static_cast<property_id>(i), v)) return false;
        }
    }
    return true;
}
static_assert(property_layouts_agree());

}  // namespace detail

/** Whether the identifier may occur more than once in some packet's property list. */
[[nodiscard]] constexpr bool may_repeat(property_id id) noexcept {
    return static_cast<std::uint8_t>(id) <= max_property_id &&
           (detail::repeatable_properties & detail::bit(id)) != 0;
}

/**
 * Whether a packet of context `ctx` may carry property `id` at all (5.0 Table 2-4, read from the
 * typed sets as the decoder reads it); which side may send it is sender_rules' business.
 */
[[nodiscard]] constexpr bool property_allowed_in(property_context ctx, property_id id) noexcept {
    return (detail::allowed_properties(ctx) & detail::bit(id)) != 0;
}

/**
 * Whether the numeric property `id` may hold `value` (a value typed by a user, read from a
 * file): errc::none, or the fault the decoder gives the same value, with its 5.0 statement.
 * @par Statements
 * 5.0 MQTT-3.3.2-8 (Topic Alias 0) and the "It is a Protocol Error" sentences of §3.1.2.11,
 * §3.2.2.3 and §3.3.2.3.
 */
[[nodiscard]] constexpr error check_property_value(property_id id, std::uint32_t value) noexcept {
    return detail::to_error(detail::make_fault(detail::check_numeric_property(id, value), 0),
                            protocol_version::v5);
}

}  // namespace mqttwire
