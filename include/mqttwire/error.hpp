// Error values: one cause per errc, with its message, the MQTT 5 reason code a peer should be
// sent, and the normative statement it breaks in each protocol version.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string_view>

#include "protocol.hpp"
#include "reason_code.hpp"

namespace mqttwire {

/** Why a packet could not be decoded or encoded. Each value names one cause. */
enum class errc : std::uint8_t {
    none = 0,
    // Framing and structure.
    packet_type_invalid,
    packet_not_allowed_from_sender,
    packet_type_mismatch,
    fixed_header_flags_invalid,
    variable_byte_integer_too_long,
    variable_byte_integer_not_minimal,
    packet_too_large,
    packet_incomplete,
    packet_truncated,
    packet_has_trailing_bytes,
    // Strings.
    utf8_ill_formed,
    utf8_surrogate,
    utf8_null_character,
    utf8_control_character,
    utf8_noncharacter,
    field_too_long,
    // Topics.
    topic_name_empty,
    topic_name_has_wildcard,
    topic_filter_empty,
    multi_level_wildcard_misplaced,
    single_level_wildcard_misplaced,
    shared_subscription_invalid,
    no_local_on_shared_subscription,
    // PUBLISH and packet identifiers.
    qos_invalid,
    dup_with_qos_0,
    packet_identifier_zero,
    topic_alias_zero,
    subscription_identifier_from_client,
    // CONNECT / CONNACK.
    protocol_name_invalid,
    protocol_version_unsupported,
    connect_reserved_flag_set,
    will_qos_invalid,
    will_qos_without_will,
    will_retain_without_will,
    password_without_user_name,
    client_identifier_length_invalid,
    client_identifier_empty_without_clean_session,
    connack_reserved_flags_set,
    session_present_with_failure,
    // Reason codes.
    reason_code_invalid,
    reason_code_not_for_sender,
    // SUBSCRIBE / UNSUBSCRIBE and their acks.
    subscribe_without_filters,
    unsubscribe_without_filters,
    ack_without_reason_codes,
    subscription_options_reserved_bits,
    subscription_qos_invalid,
    retain_handling_invalid,
    // Properties.
    property_length_overruns_packet,
    property_value_overruns,
    property_identifier_unknown,
    property_not_allowed,
    property_duplicate,
    property_value_invalid,
    authentication_data_without_method,
    session_expiry_from_server,
    // Encoding only.
    buffer_too_small,
    value_out_of_range,
    not_in_protocol_version,
};

namespace detail {

struct errc_info {
    std::string_view name{};
    std::string_view message{};
    reason_code code{};
    std::string_view v3_1_1;  // statement id in 3.1.1 numbering, empty when none applies
    std::string_view v5;      // statement id in 5.0 numbering
};

using rc = reason_code;

// Indexed by errc. Malformed (0x81) means the bytes cannot be read as the spec lays them out;
// Protocol Error (0x82) means they read fine but carry something the spec forbids there.
inline constexpr errc_info errc_table[] = {
    {"none", "no error", rc::success, "", ""},
    {"packet_type_invalid", "packet type 0 is forbidden, and AUTH (15) exists only in MQTT 5.0",
     rc::malformed_packet, "", ""},
    {"packet_not_allowed_from_sender",
     "this packet type may only be sent by the other side of the connection", rc::protocol_error,
     "", ""},
    {"packet_type_mismatch", "the bytes hold a different packet type than the one asked for",
     rc::protocol_error, "", ""},
    {"fixed_header_flags_invalid",
     "reserved fixed-header flag bits do not hold their required value", rc::malformed_packet,
     "MQTT-2.2.2-1", "MQTT-2.1.3-1"},
    {"variable_byte_integer_too_long", "variable byte integer continues past its 4th byte",
     rc::malformed_packet, "", ""},
    {"variable_byte_integer_not_minimal",
     "variable byte integer is not encoded in the fewest bytes", rc::malformed_packet, "",
     "MQTT-1.5.5-1"},
    {"packet_too_large", "packet is larger than the maximum packet size", rc::packet_too_large, "",
     ""},
    {"packet_incomplete",
     "the bytes end before the packet does; frame the stream first to learn how many are needed",
     rc::malformed_packet, "", ""},
    {"packet_truncated", "a field runs past the end given by the Remaining Length",
     rc::malformed_packet, "", ""},
    {"packet_has_trailing_bytes", "bytes remain after the last field of the packet",
     rc::malformed_packet, "", ""},
    {"utf8_ill_formed", "string is not well-formed UTF-8", rc::malformed_packet, "MQTT-1.5.3-1",
     "MQTT-1.5.4-1"},
    {"utf8_surrogate", "string encodes a surrogate code point (U+D800..U+DFFF)",
     rc::malformed_packet, "MQTT-1.5.3-1", "MQTT-1.5.4-1"},
    {"utf8_null_character", "string contains U+0000", rc::malformed_packet, "MQTT-1.5.3-2",
     "MQTT-1.5.4-2"},
    {"utf8_control_character",
     "string contains a control character (U+0001..U+001F, U+007F..U+009F); allowed only with "
     "leniency.allow_control_characters",
     rc::malformed_packet, "", ""},
    {"utf8_noncharacter",
     "string contains a Unicode noncharacter; allowed only with leniency.allow_noncharacters",
     rc::malformed_packet, "", ""},
    {"field_too_long", "string or binary field is longer than 65,535 bytes", rc::malformed_packet,
     "MQTT-4.7.3-3", "MQTT-4.7.3-3"},
    {"topic_name_empty", "topic name is empty", rc::protocol_error, "MQTT-4.7.3-1", "MQTT-4.7.3-1"},
    {"topic_name_has_wildcard", "topic name contains a wildcard character ('+' or '#')",
     rc::topic_name_invalid, "MQTT-3.3.2-2", "MQTT-3.3.2-2"},
    {"topic_filter_empty", "topic filter is empty", rc::topic_filter_invalid, "MQTT-4.7.3-1",
     "MQTT-4.7.3-1"},
    {"multi_level_wildcard_misplaced",
     "'#' must be a whole level and the last character of the topic filter",
     rc::topic_filter_invalid, "MQTT-4.7.1-2", "MQTT-4.7.1-1"},
    {"single_level_wildcard_misplaced", "'+' must occupy a whole level of the topic filter",
     rc::topic_filter_invalid, "MQTT-4.7.1-3", "MQTT-4.7.1-2"},
    {"shared_subscription_invalid",
     "shared subscription must be $share/{ShareName}/{filter} with a non-empty ShareName free of "
     "'/', '+' and '#'",
     rc::topic_filter_invalid, "", "MQTT-4.8.2-2"},
    {"no_local_on_shared_subscription", "No Local is set on a shared subscription",
     rc::protocol_error, "", "MQTT-3.8.3-4"},
    {"qos_invalid", "QoS 3 is not a quality of service", rc::malformed_packet, "MQTT-3.3.1-4",
     "MQTT-3.3.1-4"},
    {"dup_with_qos_0", "DUP is set on a QoS 0 PUBLISH", rc::malformed_packet, "MQTT-3.3.1-2",
     "MQTT-3.3.1-2"},
    {"packet_identifier_zero", "packet identifier must be non-zero", rc::protocol_error,
     "MQTT-2.3.1-1", "MQTT-2.2.1-3"},
    {"topic_alias_zero", "Topic Alias 0 is not permitted", rc::topic_alias_invalid, "",
     "MQTT-3.3.2-8"},
    {"subscription_identifier_from_client",
     "a PUBLISH sent by a client must not carry a Subscription Identifier", rc::protocol_error, "",
     "MQTT-3.3.4-6"},
    {"protocol_name_invalid", "protocol name is not \"MQTT\" (or \"MQIsdp\" for level 3)",
     rc::unsupported_protocol_version, "MQTT-3.1.2-1", "MQTT-3.1.2-1"},
    {"protocol_version_unsupported",
     "protocol level is not 3 (MQIsdp), 4 or 5 (MQTT), or does not match the protocol name",
     rc::unsupported_protocol_version, "MQTT-3.1.2-2", "MQTT-3.1.2-2"},
    {"connect_reserved_flag_set", "reserved CONNECT flag (bit 0) is set", rc::malformed_packet,
     "MQTT-3.1.2-3", "MQTT-3.1.2-3"},
    {"will_qos_invalid", "Will QoS is 3", rc::malformed_packet, "MQTT-3.1.2-14", "MQTT-3.1.2-12"},
    {"will_qos_without_will", "Will QoS is set but the Will Flag is 0", rc::malformed_packet,
     "MQTT-3.1.2-13", "MQTT-3.1.2-11"},
    {"will_retain_without_will", "Will Retain is set but the Will Flag is 0", rc::malformed_packet,
     "MQTT-3.1.2-15", "MQTT-3.1.2-13"},
    {"password_without_user_name",
     "Password Flag is set without the User Name Flag (allowed only in MQTT 5.0)",
     rc::malformed_packet, "MQTT-3.1.2-22", ""},
    {"client_identifier_length_invalid", "MQTT 3.1 client identifier must be 1 to 23 characters",
     rc::client_identifier_not_valid, "", ""},
    {"client_identifier_empty_without_clean_session",
     "an empty client identifier requires CleanSession 1", rc::client_identifier_not_valid,
     "MQTT-3.1.3-7", ""},
    {"connack_reserved_flags_set", "reserved CONNACK acknowledge flags (bits 7..1) are set",
     rc::malformed_packet, "", "MQTT-3.2.2-1"},
    {"session_present_with_failure", "Session Present is set with a non-zero return/reason code",
     rc::protocol_error, "MQTT-3.2.2-4", "MQTT-3.2.2-6"},
    {"reason_code_invalid", "reason or return code is not one this packet may carry",
     rc::malformed_packet, "", ""},
    {"reason_code_not_for_sender", "this DISCONNECT reason code may only be sent by the other side",
     rc::protocol_error, "", "MQTT-3.14.2-1"},
    {"subscribe_without_filters", "SUBSCRIBE carries no topic filter", rc::protocol_error,
     "MQTT-3.8.3-3", "MQTT-3.8.3-2"},
    {"unsubscribe_without_filters", "UNSUBSCRIBE carries no topic filter", rc::protocol_error,
     "MQTT-3.10.3-2", "MQTT-3.10.3-2"},
    {"ack_without_reason_codes", "SUBACK/UNSUBACK carries no return/reason code",
     rc::protocol_error, "", ""},
    {"subscription_options_reserved_bits", "reserved bits of the subscription options are set",
     rc::malformed_packet, "MQTT-3.8.3-4", "MQTT-3.8.3-5"},
    {"subscription_qos_invalid", "requested subscription QoS is 3", rc::protocol_error,
     "MQTT-3.8.3-4", ""},
    {"retain_handling_invalid", "Retain Handling is 3", rc::protocol_error, "", ""},
    {"property_length_overruns_packet", "Property Length runs past the end of the packet",
     rc::malformed_packet, "", ""},
    {"property_value_overruns", "a property value runs past the end of the properties",
     rc::malformed_packet, "", ""},
    {"property_identifier_unknown", "unknown property identifier", rc::malformed_packet, "", ""},
    {"property_not_allowed", "property is not allowed in this packet", rc::malformed_packet, "",
     ""},
    {"property_duplicate", "property that may appear once appears more than once",
     rc::protocol_error, "", ""},
    {"property_value_invalid", "property value is out of its allowed range", rc::protocol_error, "",
     ""},
    {"authentication_data_without_method",
     "Authentication Data is present without an Authentication Method", rc::protocol_error, "", ""},
    {"session_expiry_from_server",
     "a DISCONNECT sent by the server must not carry Session Expiry Interval", rc::protocol_error,
     "", "MQTT-3.14.2-2"},
    {"buffer_too_small", "output buffer is too small for the encoded packet", rc::unspecified_error,
     "", ""},
    {"value_out_of_range", "a value given to the encoder is outside its field's range",
     rc::malformed_packet, "", ""},
    {"not_in_protocol_version", "the field or packet does not exist in this protocol version",
     rc::protocol_error, "", ""},
};

[[nodiscard]] constexpr const errc_info& info(errc code) noexcept {
    const auto i = static_cast<std::size_t>(code);
    return i < std::size(errc_table) ? errc_table[i] : errc_table[0];
}

}  // namespace detail

/** Identifier of the error value ("topic_name_has_wildcard"). */
[[nodiscard]] constexpr std::string_view name(errc code) noexcept {
    return detail::info(code).name;
}
/** One-sentence explanation for logs and tools. */
[[nodiscard]] constexpr std::string_view message(errc code) noexcept {
    return detail::info(code).message;
}
/**
 * MQTT 5 reason code a receiver should send (in CONNACK before a session, DISCONNECT after)
 * when it meets this error: 0x81 Malformed Packet, 0x82 Protocol Error, 0x95 Packet too large…
 */
[[nodiscard]] constexpr reason_code to_reason_code(errc code) noexcept {
    return detail::info(code).code;
}
/** Default statement broken by `code` in the numbering of `version`; empty when none. */
[[nodiscard]] constexpr std::string_view statement(errc code, protocol_version version) noexcept {
    if (version == protocol_version::v5) return detail::info(code).v5;
    if (version == protocol_version::v3_1_1) return detail::info(code).v3_1_1;
    return {};  // MQTT 3.1 has no numbered statements.
}

/**
 * A decode or encode failure: what, where (offset of the first offending byte from the start
 * of the packet), and which normative statement of the version in force it breaks.
 */
struct error {
    errc code = errc::none;
    std::uint32_t offset = 0;
    std::string_view statement{};  // e.g. "MQTT-3.3.1-4"; empty when no numbered one applies

    [[nodiscard]] constexpr std::string_view message() const noexcept {
        return mqttwire::message(code);
    }
    [[nodiscard]] constexpr reason_code to_reason_code() const noexcept {
        return mqttwire::to_reason_code(code);
    }
    friend constexpr bool operator==(const error&, const error&) = default;
};

namespace detail {

/**
 * A check site whose statement differs from its errc's default (the same cause can break a
 * packet-specific statement). Kept as a one-byte index so a fault fits in a register.
 */
enum class statement_site : std::uint8_t {
    errc_default,
    not_numbered,
    pubrel_flags,
    subscribe_flags,
    unsubscribe_flags,
    disconnect_flags,
    auth_flags,
    server_packet_id,
    qos_0_packet_id,
    will_fields_missing,
    user_name_missing,
    password_missing,
    response_topic,
    string_pair,
    too_large_for_server,
    too_large_for_client,
    share_name_empty,
    connack_reason_code,
    puback_reason_code,
    pubrec_reason_code,
    pubrel_reason_code,
    pubcomp_reason_code,
    suback_reason_code,
    unsuback_reason_code,
    disconnect_reason_code,
    auth_reason_code,
    property_length_missing,
    client_id_missing,
    user_name_unflagged,
    password_unflagged,
};

struct statement_pair {
    std::string_view v3_1_1{};
    std::string_view v5{};
};

// Indexed by statement_site; an empty string means no numbered statement applies.
inline constexpr statement_pair statement_sites[] = {
    {},
    {},
    {"MQTT-3.6.1-1", "MQTT-3.6.1-1"},
    {"MQTT-3.8.1-1", "MQTT-3.8.1-1"},
    {"MQTT-3.10.1-1", "MQTT-3.10.1-1"},
    {"MQTT-3.14.1-1", "MQTT-3.14.1-1"},
    {"", "MQTT-3.15.1-1"},
    {"MQTT-2.3.1-1", "MQTT-2.2.1-4"},
    {"MQTT-2.3.1-5", "MQTT-2.2.1-2"},
    {"MQTT-3.1.2-9", "MQTT-3.1.2-9"},
    {"MQTT-3.1.2-19", "MQTT-3.1.2-17"},
    {"MQTT-3.1.2-21", "MQTT-3.1.2-19"},
    {"", "MQTT-3.3.2-14"},
    {"", "MQTT-1.5.7-1"},
    {"", "MQTT-3.2.2-15"},
    {"", "MQTT-3.1.2-24"},
    {"", "MQTT-4.8.2-1"},
    {"", "MQTT-3.2.2-8"},
    {"", "MQTT-3.4.2-1"},
    {"", "MQTT-3.5.2-1"},
    {"", "MQTT-3.6.2-1"},
    {"", "MQTT-3.7.2-1"},
    {"MQTT-3.9.3-2", "MQTT-3.9.3-2"},
    {"", "MQTT-3.11.3-2"},
    {"", "MQTT-3.14.2-1"},
    {"", "MQTT-3.15.2-1"},
    {"", "MQTT-2.2.2-1"},
    {"MQTT-3.1.3-3", "MQTT-3.1.3-3"},
    {"MQTT-3.1.2-18", "MQTT-3.1.2-16"},
    {"MQTT-3.1.2-20", "MQTT-3.1.2-18"},
};

/** Where a rule failed, before the protocol version picks the statement numbering. */
struct fault {
    errc code = errc::none;
    statement_site site = statement_site::errc_default;
    std::uint32_t offset = 0;

    constexpr explicit operator bool() const noexcept { return code != errc::none; }
};

[[nodiscard]] constexpr fault make_fault(
    errc code, std::size_t offset, statement_site site = statement_site::errc_default) noexcept {
    return {code, site, static_cast<std::uint32_t>(offset)};
}

[[nodiscard]] constexpr error to_error(const fault& f, protocol_version version) noexcept {
    error e{f.code, f.offset, {}};
    if (f.site == statement_site::errc_default) {
        e.statement = mqttwire::statement(f.code, version);
    } else {
        const statement_pair& pair = statement_sites[static_cast<std::uint8_t>(f.site)];
        if (version == protocol_version::v5)
            e.statement = pair.v5;
        else if (version == protocol_version::v3_1_1)
            e.statement = pair.v3_1_1;
    }
    return e;
}

}  // namespace detail
}  // namespace mqttwire
