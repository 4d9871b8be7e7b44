// MQTT 5.0 property identifiers (5.0 §2.2.2.2): names, data types, which packets may carry each,
// and the value rules that the decoder and the encoder share.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "../error.hpp"
#include "../options.hpp"

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

/** What a Byte property's value stands for: it decides the C++ type sets and views use. */
enum class byte_meaning : std::uint8_t {
    number,          // not a Byte, or a plain number
    flag,            // 0 or 1: std::optional<bool>
    payload_format,  // payload_format
    qos,             // qos (Maximum QoS)
};

struct property_info {
    property_type type = property_type::none;
    std::uint8_t slot = 0xFF;  // index in properties_view's offset table
    std::string_view name{};
    std::string_view spec_name{};
    byte_meaning meaning = byte_meaning::number;
};

inline constexpr property_info property_table[max_property_id + 1] = {
    {},
    {property_type::byte, 0, "payload_format_indicator", "Payload Format Indicator",
     byte_meaning::payload_format},
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
    {property_type::byte, 11, "request_problem_information", "Request Problem Information",
     byte_meaning::flag},
    {property_type::four_byte_integer, 12, "will_delay_interval", "Will Delay Interval"},
    {property_type::byte, 13, "request_response_information", "Request Response Information",
     byte_meaning::flag},
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
    {property_type::byte, 20, "maximum_qos", "Maximum QoS", byte_meaning::qos},
    {property_type::byte, 21, "retain_available", "Retain Available", byte_meaning::flag},
    {property_type::utf8_string_pair, 26, "user_property", "User Property"},
    {property_type::four_byte_integer, 22, "maximum_packet_size", "Maximum Packet Size"},
    {property_type::byte, 23, "wildcard_subscription_available", "Wildcard Subscription Available",
     byte_meaning::flag},
    {property_type::byte, 24, "subscription_identifier_available",
     "Subscription Identifier Available", byte_meaning::flag},
    {property_type::byte, 25, "shared_subscription_available", "Shared Subscription Available",
     byte_meaning::flag},
};

/**
 * The two properties a packet may carry from one side only, and the fault from the other:
 * no Subscription Identifier in a client's PUBLISH (MQTT-3.3.4-6), no Session Expiry Interval
 * in a server's DISCONNECT (MQTT-3.14.2-2).
 */
struct sender_rule {
    property_context context;
    property_id id;
    sender only_from;
    errc wrong_sender;
};
inline constexpr sender_rule sender_rules[] = {
    {property_context::publish, property_id::subscription_identifier, sender::server,
     errc::subscription_identifier_from_client},
    {property_context::disconnect, property_id::session_expiry_interval, sender::client,
     errc::session_expiry_from_server},
};

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
    // Every Byte property is a 0/1 flag, a Payload Format Indicator (0 or 1) or a Maximum QoS
    // (0 or 1).
    if (id <= p{max_property_id} &&
        property_table[static_cast<std::uint8_t>(id)].type == property_type::byte)
        return value <= 1 ? errc::none : errc::property_value_invalid;
    switch (id) {
        case p::receive_maximum:
        case p::maximum_packet_size: return value != 0 ? errc::none : errc::property_value_invalid;
        case p::subscription_identifier:
            return value != 0 && value <= max_variable_byte_integer ? errc::none
                                                                    : errc::property_value_invalid;
        case p::topic_alias: return value != 0 ? errc::none : errc::topic_alias_zero;
        default: return errc::none;
    }
}

[[nodiscard]] consteval std::size_t count_properties() noexcept {
    std::size_t n = 0;
    for (const property_info& row : property_table) n += row.type != property_type::none;
    return n;
}

}  // namespace detail

/** How many property identifiers MQTT 5.0 defines (27). */
inline constexpr std::size_t property_count = detail::count_properties();

/** Every defined property identifier, in identifier order: for code that handles each one. */
inline constexpr std::array<property_id, property_count> property_ids = [] {
    std::array<property_id, property_count> out{};
    std::size_t n = 0;
    for (std::size_t i = 0; i <= max_property_id; ++i)
        if (detail::property_table[i].type != property_type::none)
            out[n++] = static_cast<property_id>(i);
    return out;
}();

namespace detail {

/** Entries of properties_view's offset table: one per property (the first, if repeated). */
inline constexpr std::size_t property_slot_count = property_count;

/** The slots are 0 .. property_count - 1, each used once. */
[[nodiscard]] consteval bool slots_are_a_permutation() noexcept {
    std::uint64_t used = 0;
    for (const property_info& row : property_table) {
        if (row.type == property_type::none) continue;
        if (row.slot >= property_slot_count || ((used >> row.slot) & 1u)) return false;
        used |= std::uint64_t{1} << row.slot;
    }
    return true;
}
static_assert(slots_are_a_permutation());

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
    return i <= max_property_id && detail::property_table[i].meaning == detail::byte_meaning::flag;
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
