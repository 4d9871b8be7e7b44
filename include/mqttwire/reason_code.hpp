// MQTT 5.0 Reason Codes (and the 3.x CONNACK return codes), with the per-packet allowed sets.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "protocol.hpp"

namespace mqttwire {

/** MQTT 5.0 Reason Code (5.0 §2.4, Table 2-6). Values below 0x80 are success, others failure. */
enum class reason_code : std::uint8_t {
    success = 0x00,  // also "Normal disconnection" and "Granted QoS 0"
    granted_qos_1 = 0x01,
    granted_qos_2 = 0x02,
    disconnect_with_will_message = 0x04,
    no_matching_subscribers = 0x10,
    no_subscription_existed = 0x11,
    continue_authentication = 0x18,
    re_authenticate = 0x19,
    unspecified_error = 0x80,
    malformed_packet = 0x81,
    protocol_error = 0x82,
    implementation_specific_error = 0x83,
    unsupported_protocol_version = 0x84,
    client_identifier_not_valid = 0x85,
    bad_user_name_or_password = 0x86,
    not_authorized = 0x87,
    server_unavailable = 0x88,
    server_busy = 0x89,
    banned = 0x8A,
    server_shutting_down = 0x8B,
    bad_authentication_method = 0x8C,
    keep_alive_timeout = 0x8D,
    session_taken_over = 0x8E,
    topic_filter_invalid = 0x8F,
    topic_name_invalid = 0x90,
    packet_identifier_in_use = 0x91,
    packet_identifier_not_found = 0x92,
    receive_maximum_exceeded = 0x93,
    topic_alias_invalid = 0x94,
    packet_too_large = 0x95,
    message_rate_too_high = 0x96,
    quota_exceeded = 0x97,
    administrative_action = 0x98,
    payload_format_invalid = 0x99,
    retain_not_supported = 0x9A,
    qos_not_supported = 0x9B,
    use_another_server = 0x9C,
    server_moved = 0x9D,
    shared_subscriptions_not_supported = 0x9E,
    connection_rate_exceeded = 0x9F,
    maximum_connect_time = 0xA0,
    subscription_identifiers_not_supported = 0xA1,
    wildcard_subscriptions_not_supported = 0xA2,
};

/** Aliases the specification gives to 0x00 in particular packets. */
inline constexpr reason_code normal_disconnection = reason_code::success;
inline constexpr reason_code granted_qos_0 = reason_code::success;

/** CONNACK return code of MQTT 3.1 and 3.1.1 (3.1.1 Table 3.1). */
enum class connect_return_code : std::uint8_t {
    accepted = 0,
    unacceptable_protocol_version = 1,
    identifier_rejected = 2,
    server_unavailable = 3,
    bad_user_name_or_password = 4,
    not_authorized = 5,
};

/** Snake-case name of a 3.x CONNACK return code ("identifier_rejected"). */
[[nodiscard]] constexpr std::string_view name(connect_return_code code) noexcept {
    switch (code) {
        case connect_return_code::accepted: return "accepted";
        case connect_return_code::unacceptable_protocol_version:
            return "unacceptable_protocol_version";
        case connect_return_code::identifier_rejected: return "identifier_rejected";
        case connect_return_code::server_unavailable: return "server_unavailable";
        case connect_return_code::bad_user_name_or_password: return "bad_user_name_or_password";
        case connect_return_code::not_authorized: return "not_authorized";
    }
    return "unknown";
}

/**
 * The MQTT 3.1/3.1.1 CONNACK return code that says what `code` says in a 5.0 CONNACK, where
 * Table 3.1 has one: Success is 0 (accepted), Unsupported Protocol Version 1, Client
 * Identifier not valid 2, Server unavailable and Server busy 3, Bad User Name or Password 4,
 * Not authorized 5. std::nullopt for every other code: 3.1.1 has no return code for it, and a
 * 3.x server that cannot use one closes the connection without a CONNACK (MQTT-3.2.2-6).
 * @par Wire format
 * 3.1.1 §3.2.2.3 Table 3.1 (return codes 0..5), 5.0 §3.2.2.2 Table 3-1 (reason codes).
 */
[[nodiscard]] constexpr std::optional<connect_return_code> to_connect_return_code(
    reason_code code) noexcept {
    switch (code) {
        case reason_code::success: return connect_return_code::accepted;
        case reason_code::unsupported_protocol_version:
            return connect_return_code::unacceptable_protocol_version;
        case reason_code::client_identifier_not_valid:
            return connect_return_code::identifier_rejected;
        case reason_code::server_unavailable:
        case reason_code::server_busy: return connect_return_code::server_unavailable;
        case reason_code::bad_user_name_or_password:
            return connect_return_code::bad_user_name_or_password;
        case reason_code::not_authorized: return connect_return_code::not_authorized;
        default: return std::nullopt;
    }
}

/** True for 0x80 and above: the operation failed. */
[[nodiscard]] constexpr bool is_failure(reason_code code) noexcept {
    return static_cast<std::uint8_t>(code) >= 0x80;
}

/** Snake-case name of a reason code as the specification words it ("packet_too_large"). */
[[nodiscard]] constexpr std::string_view name(reason_code code) noexcept {
    switch (code) {
        case reason_code::success: return "success";
        case reason_code::granted_qos_1: return "granted_qos_1";
        case reason_code::granted_qos_2: return "granted_qos_2";
        case reason_code::disconnect_with_will_message: return "disconnect_with_will_message";
        case reason_code::no_matching_subscribers: return "no_matching_subscribers";
        case reason_code::no_subscription_existed: return "no_subscription_existed";
        case reason_code::continue_authentication: return "continue_authentication";
        case reason_code::re_authenticate: return "re_authenticate";
        case reason_code::unspecified_error: return "unspecified_error";
        case reason_code::malformed_packet: return "malformed_packet";
        case reason_code::protocol_error: return "protocol_error";
        case reason_code::implementation_specific_error: return "implementation_specific_error";
        case reason_code::unsupported_protocol_version: return "unsupported_protocol_version";
        case reason_code::client_identifier_not_valid: return "client_identifier_not_valid";
        case reason_code::bad_user_name_or_password: return "bad_user_name_or_password";
        case reason_code::not_authorized: return "not_authorized";
        case reason_code::server_unavailable: return "server_unavailable";
        case reason_code::server_busy: return "server_busy";
        case reason_code::banned: return "banned";
        case reason_code::server_shutting_down: return "server_shutting_down";
        case reason_code::bad_authentication_method: return "bad_authentication_method";
        case reason_code::keep_alive_timeout: return "keep_alive_timeout";
        case reason_code::session_taken_over: return "session_taken_over";
        case reason_code::topic_filter_invalid: return "topic_filter_invalid";
        case reason_code::topic_name_invalid: return "topic_name_invalid";
        case reason_code::packet_identifier_in_use: return "packet_identifier_in_use";
        case reason_code::packet_identifier_not_found: return "packet_identifier_not_found";
        case reason_code::receive_maximum_exceeded: return "receive_maximum_exceeded";
        case reason_code::topic_alias_invalid: return "topic_alias_invalid";
        case reason_code::packet_too_large: return "packet_too_large";
        case reason_code::message_rate_too_high: return "message_rate_too_high";
        case reason_code::quota_exceeded: return "quota_exceeded";
        case reason_code::administrative_action: return "administrative_action";
        case reason_code::payload_format_invalid: return "payload_format_invalid";
        case reason_code::retain_not_supported: return "retain_not_supported";
        case reason_code::qos_not_supported: return "qos_not_supported";
        case reason_code::use_another_server: return "use_another_server";
        case reason_code::server_moved: return "server_moved";
        case reason_code::shared_subscriptions_not_supported:
            return "shared_subscriptions_not_supported";
        case reason_code::connection_rate_exceeded: return "connection_rate_exceeded";
        case reason_code::maximum_connect_time: return "maximum_connect_time";
        case reason_code::subscription_identifiers_not_supported:
            return "subscription_identifiers_not_supported";
        case reason_code::wildcard_subscriptions_not_supported:
            return "wildcard_subscriptions_not_supported";
    }
    return "unknown";
}

/**
 * Whether `code` may appear in a packet of `type` sent by `from` under `version`.
 * @par Statements
 * 5.0: MQTT-3.2.2-8, MQTT-3.4.2-1, MQTT-3.5.2-1, MQTT-3.6.2-1, MQTT-3.7.2-1, MQTT-3.9.3-2,
 * MQTT-3.11.3-2, MQTT-3.14.2-1 (and the "Sent by" column of §3.14.2.1), MQTT-3.15.2-1.
 * 3.1.1: MQTT-3.9.3-2. 3.1 SUBACK accepts 0x80 as 3.1.1 does, since 3.1-era brokers send it.
 */
[[nodiscard]] constexpr bool is_allowed_reason_code(packet_type type, reason_code code,
                                                    protocol_version version,
                                                    sender from) noexcept {
    const auto v = static_cast<std::uint8_t>(code);
    if (version != protocol_version::v5) {
        if (type == packet_type::suback) return v <= 2 || v == 0x80;
        if (type == packet_type::connack) return v <= 5;
        return false;
    }
    using rc = reason_code;
    switch (type) {
        case packet_type::connack:
            switch (code) {
                case rc::success:
                case rc::unspecified_error:
                case rc::malformed_packet:
                case rc::protocol_error:
                case rc::implementation_specific_error:
                case rc::unsupported_protocol_version:
                case rc::client_identifier_not_valid:
                case rc::bad_user_name_or_password:
                case rc::not_authorized:
                case rc::server_unavailable:
                case rc::server_busy:
                case rc::banned:
                case rc::bad_authentication_method:
                case rc::topic_name_invalid:
                case rc::packet_too_large:
                case rc::quota_exceeded:
                case rc::payload_format_invalid:
                case rc::retain_not_supported:
                case rc::qos_not_supported:
                case rc::use_another_server:
                case rc::server_moved:
                case rc::connection_rate_exceeded: return true;
                default: return false;
            }
        case packet_type::puback:
        case packet_type::pubrec:
            switch (code) {
                case rc::success:
                case rc::no_matching_subscribers:
                case rc::unspecified_error:
                case rc::implementation_specific_error:
                case rc::not_authorized:
                case rc::topic_name_invalid:
                case rc::packet_identifier_in_use:
                case rc::quota_exceeded:
                case rc::payload_format_invalid: return true;
                default: return false;
            }
        case packet_type::pubrel:
        case packet_type::pubcomp:
            return code == rc::success || code == rc::packet_identifier_not_found;
        case packet_type::suback:
            switch (code) {
                case rc::success:
                case rc::granted_qos_1:
                case rc::granted_qos_2:
                case rc::unspecified_error:
                case rc::implementation_specific_error:
                case rc::not_authorized:
                case rc::topic_filter_invalid:
                case rc::packet_identifier_in_use:
                case rc::quota_exceeded:
                case rc::shared_subscriptions_not_supported:
                case rc::subscription_identifiers_not_supported:
                case rc::wildcard_subscriptions_not_supported: return true;
                default: return false;
            }
        case packet_type::unsuback:
            switch (code) {
                case rc::success:
                case rc::no_subscription_existed:
                case rc::unspecified_error:
                case rc::implementation_specific_error:
                case rc::not_authorized:
                case rc::topic_filter_invalid:
                case rc::packet_identifier_in_use: return true;
                default: return false;
            }
        case packet_type::disconnect:
            switch (code) {
                case rc::success:
                case rc::unspecified_error:
                case rc::malformed_packet:
                case rc::protocol_error:
                case rc::implementation_specific_error:
                case rc::topic_name_invalid:
                case rc::receive_maximum_exceeded:
                case rc::topic_alias_invalid:
                case rc::packet_too_large:
                case rc::message_rate_too_high:
                case rc::quota_exceeded:
                case rc::administrative_action:
                case rc::payload_format_invalid: return true;
                case rc::disconnect_with_will_message: return from == sender::client;
                case rc::not_authorized:
                case rc::server_busy:
                case rc::server_shutting_down:
                case rc::keep_alive_timeout:
                case rc::session_taken_over:
                case rc::topic_filter_invalid:
                case rc::retain_not_supported:
                case rc::qos_not_supported:
                case rc::use_another_server:
                case rc::server_moved:
                case rc::shared_subscriptions_not_supported:
                case rc::connection_rate_exceeded:
                case rc::maximum_connect_time:
                case rc::subscription_identifiers_not_supported:
                case rc::wildcard_subscriptions_not_supported:
                case rc::bad_authentication_method: return from == sender::server;
                default: return false;
            }
        case packet_type::auth:
            return code == rc::success || code == rc::continue_authentication ||
                   code == rc::re_authenticate;
        default: return false;
    }
}

/**
 * Whether `code` is a DISCONNECT reason code at all, for either side: tells a code reserved to
 * the other side (reason_code_not_for_sender) from one in neither table (reason_code_invalid).
 */
[[nodiscard]] constexpr bool is_disconnect_reason_code(reason_code code) noexcept {
    return is_allowed_reason_code(packet_type::disconnect, code, protocol_version::v5,
                                  sender::client) ||
           is_allowed_reason_code(packet_type::disconnect, code, protocol_version::v5,
                                  sender::server);
}

}  // namespace mqttwire
