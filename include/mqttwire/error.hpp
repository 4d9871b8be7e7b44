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
    response_topic_has_wildcard,
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
    subscription_requested_qos_invalid,
    subscription_maximum_qos_invalid,
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

// Indexed by errc. The codes follow 5.0's own definitions (§1.2, §4.13): Malformed Packet
// (0x81) where the bytes cannot be parsed as the specification lays them out, or where its
// text calls the case malformed; Protocol Error (0x82) where they parse but carry a value the
// protocol forbids there; a more specific code where §3.2.2.2 or §3.14.2.1 defines one
// (§4.13.1). tests/CONFORMANCE.md quotes the sentence that decides each row.
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
    {"response_topic_has_wildcard", "Response Topic contains a wildcard character ('+' or '#')",
     rc::protocol_error, "", "MQTT-3.3.2-14"},
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
    {"dup_with_qos_0", "DUP is set on a QoS 0 PUBLISH", rc::protocol_error, "MQTT-3.3.1-2",
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
    {"will_qos_without_will", "Will QoS is set but the Will Flag is 0", rc::protocol_error,
     "MQTT-3.1.2-13", "MQTT-3.1.2-11"},
    {"will_retain_without_will", "Will Retain is set but the Will Flag is 0", rc::protocol_error,
     "MQTT-3.1.2-15", "MQTT-3.1.2-13"},
    {"password_without_user_name",
     "Password Flag is set without the User Name Flag (allowed only in MQTT 5.0)",
     rc::protocol_error, "MQTT-3.1.2-22", ""},
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
     rc::protocol_error, "", ""},
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
    {"subscription_requested_qos_invalid", "MQTT 3.x SUBSCRIBE Requested QoS is 3",
     rc::malformed_packet, "MQTT-3.8.3-4", ""},
    {"subscription_maximum_qos_invalid", "MQTT 5.0 subscription option Maximum QoS is 3",
     rc::protocol_error, "", ""},
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

inline constexpr std::size_t errc_count = std::size(errc_table);
inline constexpr std::size_t statement_site_count = std::size(statement_sites);

// The tables above are the source; what a program links is derived from them at compile time,
// so a decoder that fails keeps only the statement ids (to_error), and the names and messages
// are linked only where name() or message() is called. The ids are "MQTT-x.y.z-n": 12 or 13
// characters, kept in fixed 13-byte slots (a short one ends in '\0'), indexed by one byte.
inline constexpr std::size_t statement_slot = 13;

/** Statement ids of every errc (rows 0..errc_count-1), then of every site, per version. */
struct statement_index {
    std::uint8_t v3_1_1 = 0;  // 0: none; else slot + 1
    std::uint8_t v5 = 0;
};

[[nodiscard]] consteval std::string_view statement_source(std::size_t row, bool v5) {
    if (row < errc_count) return v5 ? errc_table[row].v5 : errc_table[row].v3_1_1;
    const statement_pair& pair = statement_sites[row - errc_count];
    return v5 ? pair.v5 : pair.v3_1_1;
}

/** Number of distinct ids in the first `rows` rows, both versions. */
[[nodiscard]] consteval std::size_t distinct_statements(std::size_t rows) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < rows * 2; ++i) {
        const std::string_view id = statement_source(i / 2, i % 2 == 1);
        if (id.empty()) continue;
        bool seen = false;
        for (std::size_t j = 0; j < i && !seen; ++j)
            seen = statement_source(j / 2, j % 2 == 1) == id;
        if (!seen) ++n;
    }
    return n;
}

inline constexpr std::size_t statement_rows = errc_count + statement_site_count;
inline constexpr std::size_t statement_id_count = distinct_statements(statement_rows);

[[nodiscard]] consteval bool statements_fit_slots() {
    for (std::size_t i = 0; i < statement_rows * 2; ++i) {
        const std::size_t n = statement_source(i / 2, i % 2 == 1).size();
        if (n != 0 && n + 1 != statement_slot && n != statement_slot) return false;
    }
    return true;
}
static_assert(statements_fit_slots(), "a statement id must be 12 or 13 characters");
static_assert(statement_id_count < 255, "statement ids are indexed by one byte");

struct statement_tables {
    char slots[statement_id_count * statement_slot]{};
    statement_index rows[statement_rows]{};
};

[[nodiscard]] consteval statement_tables make_statement_tables() {
    statement_tables t{};
    std::size_t used = 0;
    for (std::size_t i = 0; i < statement_rows * 2; ++i) {
        const std::string_view id = statement_source(i / 2, i % 2 == 1);
        std::uint8_t slot = 0;
        if (!id.empty()) {
            for (std::size_t k = 0; k < used && slot == 0; ++k)
                if (std::string_view(t.slots + k * statement_slot, id.size()) == id &&
                    (id.size() == statement_slot ||
                     t.slots[k * statement_slot + id.size()] == '\0'))
                    slot = static_cast<std::uint8_t>(k + 1);
            if (slot == 0) {
                for (std::size_t c = 0; c < id.size(); ++c)
                    t.slots[used * statement_slot + c] = id[c];
                slot = static_cast<std::uint8_t>(++used);
            }
        }
        statement_index& row = t.rows[i / 2];
        (i % 2 == 1 ? row.v5 : row.v3_1_1) = slot;
    }
    return t;
}

template <class T>
struct errc_column {
    T values[errc_count]{};
};

template <class T>
[[nodiscard]] consteval errc_column<T> make_errc_column(T errc_info::*field) {
    errc_column<T> c{};
    for (std::size_t i = 0; i < errc_count; ++i) c.values[i] = errc_table[i].*field;
    return c;
}

inline constexpr errc_column<reason_code> errc_reason_codes = make_errc_column(&errc_info::code);

#ifndef MQTTWIRE_NO_ERROR_TEXT
inline constexpr errc_column<std::string_view> errc_names = make_errc_column(&errc_info::name);
inline constexpr errc_column<std::string_view> errc_messages =
    make_errc_column(&errc_info::message);
inline constexpr statement_tables statement_table = make_statement_tables();

/** Statement id of `row` (an errc, or errc_count + a statement_site) in `version`. */
[[nodiscard]] constexpr std::string_view statement_of(std::size_t row,
                                                      protocol_version version) noexcept {
    const statement_index& index = statement_table.rows[row];
    std::uint8_t slot = 0;
    if (version == protocol_version::v5)
        slot = index.v5;
    else if (version == protocol_version::v3_1_1)
        slot = index.v3_1_1;  // MQTT 3.1 has no numbered statements.
    if (slot == 0) return "";
    const char* id = statement_table.slots + (slot - 1) * statement_slot;
    return {id, id[statement_slot - 1] == '\0' ? statement_slot - 1 : statement_slot};
}

#endif

/** Row of `code` in the tables; a value outside the enumeration reads as none. */
[[nodiscard]] constexpr std::size_t errc_row(errc code) noexcept {
    const auto i = static_cast<std::size_t>(code);
    return i < errc_count ? i : 0;
}

}  // namespace detail

// MQTTWIRE_NO_ERROR_TEXT (define it for the whole program, before any mqttwire header): for
// firmware that reports errors as numbers. name() and message() return an empty string and
// error::statement is always empty, so no name, message or statement id is linked. The errc,
// offset and reason code of every error are unchanged, as is every decision to accept or reject.
// Cortex-M4 at -Os (bench/size.sh): the client use goes from 13.4 to 11.2 KB with it; without
// it, calling message() links 4.9 KB more, message() and name() 5.3 KB.

/** Identifier of the error value ("topic_name_has_wildcard"); empty with MQTTWIRE_NO_ERROR_TEXT. */
[[nodiscard]] constexpr std::string_view name(errc code) noexcept {
#ifdef MQTTWIRE_NO_ERROR_TEXT
    static_cast<void>(code);
    return "";
#else
    return detail::errc_names.values[detail::errc_row(code)];
#endif
}
/** One-sentence explanation for logs and tools; empty with MQTTWIRE_NO_ERROR_TEXT. */
[[nodiscard]] constexpr std::string_view message(errc code) noexcept {
#ifdef MQTTWIRE_NO_ERROR_TEXT
    static_cast<void>(code);
    return "";
#else
    return detail::errc_messages.values[detail::errc_row(code)];
#endif
}
/**
 * MQTT 5 reason code a receiver should send (in CONNACK before a session, DISCONNECT after)
 * when it meets this error: 0x81 Malformed Packet, 0x82 Protocol Error, 0x95 Packet too large…
 */
[[nodiscard]] constexpr reason_code to_reason_code(errc code) noexcept {
    return detail::errc_reason_codes.values[detail::errc_row(code)];
}
/**
 * The reason code of the DISCONNECT that `from` sends when it meets this error on a 5.0
 * connection: to_reason_code(code) where that side's DISCONNECT table has it (5.0 §3.14.2.1),
 * else the class it falls in: Malformed Packet stays, anything else (0x84 Unsupported Protocol
 * Version, 0x85 Client Identifier not valid, a code of the other side) is Protocol Error.
 */
[[nodiscard]] constexpr reason_code disconnect_reason_code(errc code, sender from) noexcept {
    const reason_code rc = to_reason_code(code);
    if (is_allowed_reason_code(packet_type::disconnect, rc, protocol_version::v5, from)) return rc;
    return rc == reason_code::malformed_packet ? rc : reason_code::protocol_error;
}
/**
 * Default statement broken by `code` in the numbering of `version`; empty when none (always
 * for MQTT 3.1, and with MQTTWIRE_NO_ERROR_TEXT).
 */
[[nodiscard]] constexpr std::string_view statement(errc code, protocol_version version) noexcept {
#ifdef MQTTWIRE_NO_ERROR_TEXT
    static_cast<void>(code);
    static_cast<void>(version);
    return "";
#else
    return detail::statement_of(detail::errc_row(code), version);
#endif
}

/**
 * A decode or encode failure: what, where (offset of the first offending byte from the start
 * of the packet), and which normative statement of the version in force it breaks.
 */
struct error {
    errc code = errc::none;
    /**
     * Offset of the first offending byte from the start of the packet; for buffer_too_small,
     * the size the buffer needs instead (see buffer_size_needed()), so no error grows a field.
     */
    std::uint32_t offset = 0;
    // e.g. "MQTT-3.3.1-4"; empty when no numbered one applies, never null (printf's "%.*s").
    std::string_view statement = "";

    /**
     * For buffer_too_small: the bytes the output buffer must hold (the whole packet from
     * encode, the header from encode_header); 0 for every other error.
     */
    [[nodiscard]] constexpr std::size_t buffer_size_needed() const noexcept {
        return code == errc::buffer_too_small ? offset : 0;
    }

    [[nodiscard]] constexpr std::string_view message() const noexcept {
        return mqttwire::message(code);
    }
    [[nodiscard]] constexpr reason_code to_reason_code() const noexcept {
        return mqttwire::to_reason_code(code);
    }
    /** See mqttwire::disconnect_reason_code: what a DISCONNECT from `from` says of it. */
    [[nodiscard]] constexpr reason_code disconnect_reason_code(sender from) const noexcept {
        return mqttwire::disconnect_reason_code(code, from);
    }
    friend constexpr bool operator==(const error&, const error&) = default;
};

namespace detail {

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
#ifdef MQTTWIRE_NO_ERROR_TEXT
    static_cast<void>(version);
    return {f.code, f.offset, ""};
#else
    const std::size_t row = f.site == statement_site::errc_default
                                ? errc_row(f.code)
                                : errc_count + static_cast<std::uint8_t>(f.site);
    return {f.code, f.offset, statement_of(row, version)};
#endif
}

}  // namespace detail
}  // namespace mqttwire
