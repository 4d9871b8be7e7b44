// The C++ type of each property's value, derived from its row of the property table (data type,
// and what a Byte stands for): what a typed property set holds to encode, and what a
// properties_view gives back. Written once here, so a set's field and the view's accessor for
// the same identifier cannot disagree.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <type_traits>

#include "../protocol.hpp"
#include "../wire/bytes.hpp"
#include "property_id.hpp"

namespace mqttwire {

/** A User Property to encode. */
struct user_property {
    std::string_view name{};
    std::string_view value{};
};

/** One User Property, as views into the packet. */
struct user_property_view {
    std::string_view name{};
    std::string_view value{};
    friend constexpr bool operator==(const user_property_view&,
                                     const user_property_view&) = default;
};

namespace detail {

/** The type of one value of property Id, with Binary Data as `Binary` and a pair as `Pair`. */
template <property_id Id, class Binary, class Pair>
[[nodiscard]] consteval auto property_value_type() noexcept {
    constexpr auto raw = static_cast<std::uint8_t>(Id);
    static_assert(raw <= max_property_id && property_table[raw].type != property_type::none,
                  "not a property identifier");
    constexpr property_info row = property_table[raw];
    if constexpr (row.type == property_type::byte) {
        if constexpr (row.meaning == byte_meaning::flag)
            return std::type_identity<bool>{};
        else if constexpr (row.meaning == byte_meaning::payload_format)
            return std::type_identity<payload_format>{};
        else if constexpr (row.meaning == byte_meaning::qos)
            return std::type_identity<qos>{};
        else
            return std::type_identity<std::uint8_t>{};
    } else if constexpr (row.type == property_type::two_byte_integer) {
        return std::type_identity<std::uint16_t>{};
    } else if constexpr (row.type == property_type::four_byte_integer ||
                         row.type == property_type::variable_byte_integer) {
        return std::type_identity<std::uint32_t>{};
    } else if constexpr (row.type == property_type::utf8_string) {
        return std::type_identity<std::string_view>{};
    } else if constexpr (row.type == property_type::binary_data) {
        return std::type_identity<Binary>{};
    } else {
        return std::type_identity<Pair>{};
    }
}

}  // namespace detail

/**
 * A Binary Data property to encode (Correlation Data, Authentication Data): bytes as char,
 * unsigned char or std::byte, so a decoded view's value is passed on as it is.
 */
using binary_input = byte_input;

/** Type of one value of property Id given to the encoder (a typed set's field holds these). */
template <property_id Id>
using property_value_t =
    typename decltype(detail::property_value_type<Id, binary_input, user_property>())::type;

/** Type of one value of property Id read from a decoded list of `B` bytes. */
template <byte_like B, property_id Id>
using property_view_value_t =
    typename decltype(detail::property_value_type<Id, std::span<const B>,
                                                  user_property_view>())::type;

}  // namespace mqttwire
