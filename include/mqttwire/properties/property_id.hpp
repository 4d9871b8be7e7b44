// MQTT 5.0 property identifiers (5.0 §2.2.2.2): names, data types, which packets may carry each,
// and the value rules that the decoder and the encoder share.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "../error.hpp"

namespace mqttwire {

/** Identifier of an MQTT 5.0 property. */
enum class property_id : std::uint8_t {
    payload_format_indicator = 0x01,
    message_expiry_interval = 0x02,
    content_type = 0x03,
    response_topic = 0x08,
    correlation_data = 0x09,
    subscription_identifier = 0x0B,
    session_expiry_interval = 0x11,
    assigned_client_identifier = 0x12,
    server_keep_alive = 0x13,
    authentication_method = 0x15,
    authentication_data = 0x16,
    request_problem_information = 0x17,
    will_delay_interval = 0x18,
    request_response_information = 0x19,
    response_information = 0x1A,
    server_reference = 0x1C,
    reason_string = 0x1F,
    receive_maximum = 0x21,
    topic_alias_maximum = 0x22,
    topic_alias = 0x23,
    maximum_qos = 0x24,
    retain_available = 0x25,
    user_property = 0x26,
    maximum_packet_size = 0x27,
    wildcard_subscription_available = 0x28,
    subscription_identifier_available = 0x29,
    shared_subscription_available = 0x2A,
};

/** Data type of a property value (5.0 §1.5). */
enum class property_type : std::uint8_t {
    none,  // not a property identifier
    byte,
    two_byte_integer,
    four_byte_integer,
    variable_byte_integer,
    utf8_string,
    binary_data,
    utf8_string_pair,
};

/** Which property list is being read or written: each allows its own identifiers. */
enum class property_context : std::uint8_t {
    connect,
    will,
    connack,
    publish,
    ack,  // PUBACK, PUBREC, PUBREL, PUBCOMP, SUBACK, UNSUBACK
    subscribe,
    unsubscribe,
    disconnect,
    auth,
};

/** Payload Format Indicator values. */
enum class payload_format : std::uint8_t { unspecified = 0, utf8 = 1 };

/** Largest property identifier; every identifier fits in one Variable Byte Integer byte. */
inline constexpr std::uint8_t max_property_id = 0x2A;

namespace detail {

struct property_info {
    property_type type = property_type::none;
    std::uint8_t slot = 0xFF;  // index in properties_view's offset table
    std::string_view name{};
    std::string_view spec_name{};
    /** A Byte that is a yes/no flag (0 or 1), as opposed to a small number or code. */
    bool flag = false;
};

inline constexpr property_info property_table[max_property_id + 1] = {
    {},
    {property_type::byte, 0, "payload_format_indicator", "Payload Format Indicator"},
    {property_type::four_byte_integer, 1, "message_expiry_interval", "Message Expiry Interval"},
    {property_type::utf8_string, 2, "content_type", "Content Type"},
    {},
    {},
    {},
    {},
    {property_type::utf8_string, 3, "response_topic", "Response Topic"},
    {property_type::binary_data, 4, "correlation_data", "Correlation Data"},
    {},
    {property_type::variable_byte_integer, 5, "subscription_identifier", "Subscription Identifier"},
    {},
    {},
    {},
    {},
    {},
    {property_type::four_byte_integer, 6, "session_expiry_interval", "Session Expiry Interval"},
    {property_type::utf8_string, 7, "assigned_client_identifier", "Assigned Client Identifier"},
    {property_type::two_byte_integer, 8, "server_keep_alive", "Server Keep Alive"},
    {},
    {property_type::utf8_string, 9, "authentication_method", "Authentication Method"},
    {property_type::binary_data, 10, "authentication_data", "Authentication Data"},
    {property_type::byte, 11, "request_problem_information", "Request Problem Information", true},
    {property_type::four_byte_integer, 12, "will_delay_interval", "Will Delay Interval"},
    {property_type::byte, 13, "request_response_information", "Request Response Information", true},
    {property_type::utf8_string, 14, "response_information", "Response Information"},
    {},
    {property_type::utf8_string, 15, "server_reference", "Server Reference"},
    {},
    {},
    {property_type::utf8_string, 16, "reason_string", "Reason String"},
    {},
    {property_type::two_byte_integer, 17, "receive_maximum", "Receive Maximum"},
    {property_type::two_byte_integer, 18, "topic_alias_maximum", "Topic Alias Maximum"},
    {property_type::two_byte_integer, 19, "topic_alias", "Topic Alias"},
    {property_type::byte, 20, "maximum_qos", "Maximum QoS"},
    {property_type::byte, 21, "retain_available", "Retain Available", true},
    {property_type::utf8_string_pair, 26, "user_property", "User Property"},
    {property_type::four_byte_integer, 22, "maximum_packet_size", "Maximum Packet Size"},
    {property_type::byte, 23, "wildcard_subscription_available", "Wildcard Subscription Available",
     true},
    {property_type::byte, 24, "subscription_identifier_available",
     "Subscription Identifier Available", true},
    {property_type::byte, 25, "shared_subscription_available", "Shared Subscription Available",
     true},
};

/** Entries of properties_view's offset table: one per property (the first, if repeated). */
inline constexpr std::size_t property_slot_count = 27;

[[nodiscard]] constexpr std::uint64_t bit(property_id id) noexcept {
    return std::uint64_t{1} << static_cast<std::uint8_t>(id);
}

/** Identifiers allowed per context (derived from the Packets column of 5.0 Table 2-4). */
[[nodiscard]] constexpr std::uint64_t allowed_properties(property_context ctx) noexcept {
    using p = property_id;
    switch (ctx) {
        case property_context::connect:
            return bit(p::session_expiry_interval) | bit(p::receive_maximum) |
                   bit(p::maximum_packet_size) | bit(p::topic_alias_maximum) |
                   bit(p::request_response_information) | bit(p::request_problem_information) |
                   bit(p::user_property) | bit(p::authentication_method) |
                   bit(p::authentication_data);
        case property_context::will:
            return bit(p::will_delay_interval) | bit(p::payload_format_indicator) |
                   bit(p::message_expiry_interval) | bit(p::content_type) | bit(p::response_topic) |
                   bit(p::correlation_data) | bit(p::user_property);
        case property_context::connack:
            return bit(p::session_expiry_interval) | bit(p::receive_maximum) | bit(p::maximum_qos) |
                   bit(p::retain_available) | bit(p::maximum_packet_size) |
                   bit(p::assigned_client_identifier) | bit(p::topic_alias_maximum) |
                   bit(p::reason_string) | bit(p::user_property) |
                   bit(p::wildcard_subscription_available) |
                   bit(p::subscription_identifier_available) |
                   bit(p::shared_subscription_available) | bit(p::server_keep_alive) |
                   bit(p::response_information) | bit(p::server_reference) |
                   bit(p::authentication_method) | bit(p::authentication_data);
        case property_context::publish:
            return bit(p::payload_format_indicator) | bit(p::message_expiry_interval) |
                   bit(p::topic_alias) | bit(p::response_topic) | bit(p::correlation_data) |
                   bit(p::user_property) | bit(p::subscription_identifier) | bit(p::content_type);
        case property_context::ack: return bit(p::reason_string) | bit(p::user_property);
        case property_context::subscribe:
            return bit(p::subscription_identifier) | bit(p::user_property);
        case property_context::unsubscribe: return bit(p::user_property);
        case property_context::disconnect:
            return bit(p::session_expiry_interval) | bit(p::reason_string) | bit(p::user_property) |
                   bit(p::server_reference);
        case property_context::auth:
            return bit(p::authentication_method) | bit(p::authentication_data) |
                   bit(p::reason_string) | bit(p::user_property);
    }
    return 0;
}

/** Whether the identifier may repeat in this context. */
[[nodiscard]] constexpr bool may_repeat(property_id id, property_context ctx) noexcept {
    return id == property_id::user_property ||
           (id == property_id::subscription_identifier && ctx == property_context::publish);
}

/**
 * The fault a text check's `code` makes in property `id` at `at`, for decode and encode alike.
 * A Response Topic is checked with the Topic Name rules but is not the Topic Name: a wildcard
 * there is response_topic_has_wildcard (MQTT-3.3.2-14, a Protocol Error), not the Topic Name's
 * topic_name_has_wildcard (0x90). Either string of a User Property names MQTT-1.5.7-1; any other
 * fault keeps its errc's own statement (an ill-formed Response Topic breaks MQTT-1.5.4-1).
 */
[[nodiscard]] constexpr fault property_text_fault(property_id id, errc code,
                                                  std::size_t at) noexcept {
    if (id == property_id::user_property) return make_fault(code, at, statement_site::string_pair);
    if (id == property_id::response_topic && code == errc::topic_name_has_wildcard)
        return make_fault(errc::response_topic_has_wildcard, at);
    return make_fault(code, at);
}

/**
 * The value rule of a numeric property, shared by decode and encode: errc::none, or why not.
 * @par Statements
 * 5.0 MQTT-3.3.2-8 (Topic Alias 0); the rest are the "It is a Protocol Error" sentences of
 * §3.1.2.11, §3.2.2.3 and §3.3.2.3 (0/1 flags, Receive Maximum 0, Maximum Packet Size 0,
 * Maximum QoS above 1, Subscription Identifier 0).
 */
[[nodiscard]] constexpr errc check_numeric_property(property_id id, std::uint32_t value) noexcept {
    using p = property_id;
    switch (id) {
        case p::payload_format_indicator:
        case p::request_problem_information:
        case p::request_response_information:
        case p::maximum_qos:
        case p::retain_available:
        case p::wildcard_subscription_available:
        case p::subscription_identifier_available:
        case p::shared_subscription_available:
            return value <= 1 ? errc::none : errc::property_value_invalid;
        case p::receive_maximum:
        case p::maximum_packet_size: return value != 0 ? errc::none : errc::property_value_invalid;
        case p::subscription_identifier:
            return value != 0 && value <= max_variable_byte_integer ? errc::none
                                                                    : errc::property_value_invalid;
        case p::topic_alias: return value != 0 ? errc::none : errc::topic_alias_zero;
        default: return errc::none;
    }
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
    std::uint8_t counter = 2;  // count kept per identifier: 0 User Property, 1 Subscription Id.
};

[[nodiscard]] consteval auto make_property_layouts() {
    std::array<property_layout, max_property_id + 1> out{};
    for (std::size_t i = 0; i <= max_property_id; ++i) {
        const auto id = static_cast<property_id>(i);
        property_layout& l = out[i];
        l.type = property_table[i].type;
        if (l.type == property_type::none) continue;
        l.slot = property_table[i].slot;
        l.counter = id == property_id::user_property             ? 0
                    : id == property_id::subscription_identifier ? 1
                                                                 : 2;
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

/** Property data type, or property_type::none for an unknown identifier. */
[[nodiscard]] constexpr property_type type_of(property_id id) noexcept {
    const auto i = static_cast<std::uint8_t>(id);
    return i <= max_property_id ? detail::property_table[i].type : property_type::none;
}
/**
 * True for the properties whose value is a yes/no flag (Request Problem Information, Retain
 * Available, ...): their accessors return std::optional<bool>. Payload Format Indicator and
 * Maximum QoS are Bytes too, but a format and a QoS, not flags.
 */
[[nodiscard]] constexpr bool is_flag(property_id id) noexcept {
    const auto i = static_cast<std::uint8_t>(id);
    return i <= max_property_id && detail::property_table[i].flag;
}
/** snake_case name ("message_expiry_interval"); empty for an unknown identifier. */
[[nodiscard]] constexpr std::string_view name(property_id id) noexcept {
    const auto i = static_cast<std::uint8_t>(id);
    return i <= max_property_id ? detail::property_table[i].name : std::string_view{};
}
/** Name as the specification writes it ("Message Expiry Interval"). */
[[nodiscard]] constexpr std::string_view spec_name(property_id id) noexcept {
    const auto i = static_cast<std::uint8_t>(id);
    return i <= max_property_id ? detail::property_table[i].spec_name : std::string_view{};
}

}  // namespace mqttwire
