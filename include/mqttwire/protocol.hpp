// Protocol-level vocabulary shared by every packet: versions, packet types, the fixed header,
// QoS, who sends.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mqttwire {

/** The protocol level byte of CONNECT; 3 is MQTT 3.1 (`MQIsdp`), 4 is 3.1.1, 5 is 5.0. */
enum class protocol_version : std::uint8_t { v3_1 = 3, v3_1_1 = 4, v5 = 5 };

/** Control packet type, the high nibble of the first fixed-header byte. */
enum class packet_type : std::uint8_t {
    reserved = 0,
    connect = 1,
    connack = 2,
    publish = 3,
    puback = 4,
    pubrec = 5,
    pubrel = 6,
    pubcomp = 7,
    subscribe = 8,
    suback = 9,
    unsubscribe = 10,
    unsuback = 11,
    pingreq = 12,
    pingresp = 13,
    disconnect = 14,
    auth = 15,
};

/**
 * The fixed header of a packet: what frame_packet finds at the front of a stream, and what a
 * "need more" answer carries once the Remaining Length has been read.
 */
struct frame {
    packet_type type = packet_type::reserved;
    /** Low nibble of the first byte (DUP/QoS/RETAIN for PUBLISH, reserved bits otherwise). */
    std::uint8_t flags = 0;
    /** Fixed header size: 1 type byte + 1..4 Remaining Length bytes; 0 in an unknown header. */
    std::uint8_t header_size = 0;
    std::uint32_t remaining_length = 0;

    /** Bytes of the whole packet; the next packet starts there. */
    [[nodiscard]] constexpr std::size_t size() const noexcept {
        return std::size_t{header_size} + remaining_length;
    }
    friend constexpr bool operator==(const frame&, const frame&) = default;
};

/** Quality of service of a PUBLISH, a will, or a subscription. */
enum class qos : std::uint8_t { at_most_once = 0, at_least_once = 1, exactly_once = 2 };

/** Which end of the connection produced the bytes: decides which packets and codes are legal. */
enum class sender : std::uint8_t { client, server };

/** Upper-case packet name as the specification writes it ("PUBLISH"). */
[[nodiscard]] constexpr std::string_view name(packet_type type) noexcept {
    constexpr std::string_view names[] = {"RESERVED",  "CONNECT",  "CONNACK",     "PUBLISH",
                                          "PUBACK",    "PUBREC",   "PUBREL",      "PUBCOMP",
                                          "SUBSCRIBE", "SUBACK",   "UNSUBSCRIBE", "UNSUBACK",
                                          "PINGREQ",   "PINGRESP", "DISCONNECT",  "AUTH"};
    return names[static_cast<std::uint8_t>(type) & 0x0F];
}

/** "3.1", "3.1.1" or "5.0". */
[[nodiscard]] constexpr std::string_view name(protocol_version version) noexcept {
    switch (version) {
        case protocol_version::v3_1: return "3.1";
        case protocol_version::v3_1_1: return "3.1.1";
        case protocol_version::v5: return "5.0";
    }
    return "unknown";
}

/** True for the three levels mqttwire speaks. */
[[nodiscard]] constexpr bool is_supported(protocol_version version) noexcept {
    return version == protocol_version::v3_1 || version == protocol_version::v3_1_1 ||
           version == protocol_version::v5;
}

/**
 * Whether `from` may send a packet of `type` under `version`.
 * @par Wire format
 * Direction column of the packet type table (3.1.1 Table 2.1, 5.0 Table 2-1): DISCONNECT is
 * client-only before 5.0, AUTH exists only in 5.0.
 */
[[nodiscard]] constexpr bool may_send(packet_type type, sender from,
                                      protocol_version version) noexcept {
    const bool client = from == sender::client;
    switch (type) {
        case packet_type::connect:
        case packet_type::subscribe:
        case packet_type::unsubscribe:
        case packet_type::pingreq: return client;
        case packet_type::connack:
        case packet_type::suback:
        case packet_type::unsuback:
        case packet_type::pingresp: return !client;
        case packet_type::publish:
        case packet_type::puback:
        case packet_type::pubrec:
        case packet_type::pubrel:
        case packet_type::pubcomp: return true;
        case packet_type::disconnect: return client || version == protocol_version::v5;
        case packet_type::auth: return version == protocol_version::v5;
        case packet_type::reserved: return false;
    }
    return false;
}

/** Largest Remaining Length a Variable Byte Integer can carry (268,435,455). */
inline constexpr std::uint32_t max_remaining_length = 268'435'455;
/** Largest possible packet: 1 type byte + 4 length bytes + max_remaining_length. */
inline constexpr std::uint32_t max_packet_size = 1 + 4 + max_remaining_length;
/** Largest value of a Variable Byte Integer (Subscription Identifier, Property Length). */
inline constexpr std::uint32_t max_variable_byte_integer = max_remaining_length;
/** Longest UTF-8 string or binary field: its length prefix is two bytes. */
inline constexpr std::size_t max_field_length = 65'535;

}  // namespace mqttwire
