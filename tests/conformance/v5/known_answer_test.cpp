// MQTT 5.0 known answers: one byte vector per packet form, a comment per field. Each vector is
// decoded (every field, every property accessor), the matching packet struct is encoded and
// compared byte for byte, and the decoded view is turned back into a struct and re-encoded
// (forwarding round trip). Direction: packets only the other side sends are refused both ways.
#include <gtest/gtest.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <mqttwire/mqttwire.hpp>
#include <span>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "v5_test_util.hpp"

namespace {

using namespace v5test;

// Known answers: one wire field per line, with its comment.
// clang-format off
namespace kat {
// CONNECT 5.0: every CONNECT property, a will with every will property, user name and password.
constexpr unsigned char connect_full[] = {
    0x10, 0xA6, 0x01,                               // CONNECT, Remaining Length 166
    0x00, 0x04, 'M', 'Q', 'T', 'T',                 // Protocol Name "MQTT"
    0x05,                                           // Protocol Version 5
    0xEE,                                           // User+Password+Will Retain+QoS 1+Will+Clean
    0x00, 0x3C,                                     // Keep Alive 60 s
    0x42,                                           // Property Length 66
    0x11, 0x00, 0x00, 0x0E, 0x10,                   // Session Expiry Interval 3600
    0x21, 0x00, 0x14,                               // Receive Maximum 20
    0x27, 0x00, 0x10, 0x00, 0x00,                   // Maximum Packet Size 1048576
    0x22, 0x00, 0x0A,                               // Topic Alias Maximum 10
    0x19, 0x01,                                     // Request Response Information 1
    0x17, 0x00,                                     // Request Problem Information 0
    0x15, 0x00, 0x0B, 'S', 'C', 'R', 'A', 'M',
    '-', 'S', 'H', 'A', '-', '1',                   // Authentication Method "SCRAM-SHA-1"
    0x16, 0x00, 0x03, 0x01, 0x02, 0x03,             // Authentication Data 01 02 03
    0x26, 0x00, 0x06, 'r', 'e', 'g', 'i', 'o',
    'n', 0x00, 0x02, 'e', 'u',                      // User Property "region" = "eu"
    0x26, 0x00, 0x06, 'r', 'e', 'g', 'i', 'o',
    'n', 0x00, 0x02, 'u', 's',                      // User Property "region" = "us"
    0x00, 0x08, 'c', 'l', 'i', 'e', 'n', 't', '-',
    '1',                                            // Client Identifier "client-1"
    0x32,                                           // Will Property Length 50
    0x18, 0x00, 0x00, 0x00, 0x05,                   // Will Delay Interval 5
    0x01, 0x01,                                     // Payload Format Indicator 1 (UTF-8)
    0x02, 0x00, 0x00, 0x00, 0x78,                   // Message Expiry Interval 120
    0x03, 0x00, 0x0A, 't', 'e', 'x', 't', '/',
    'p', 'l', 'a', 'i', 'n',                        // Content Type "text/plain"
    0x08, 0x00, 0x0A, 'r', 'e', 'p', 'l', 'y',
    '/', 'h', 'e', 'r', 'e',                        // Response Topic "reply/here"
    0x09, 0x00, 0x02, 0xCA, 0xFE,                   // Correlation Data CA FE
    0x26, 0x00, 0x01, 'k', 0x00, 0x01, 'v',         // User Property "k" = "v"
    0x00, 0x0A, 'w', 'i', 'l', 'l', '/', 't', 'o',
    'p', 'i', 'c',                                  // Will Topic "will/topic"
    0x00, 0x03, 'b', 'y', 'e',                      // Will Payload "bye"
    0x00, 0x04, 'u', 's', 'e', 'r',                 // User Name "user"
    0x00, 0x03, 0x00, 0xFF, 0x7F,                   // Password 00 FF 7F (binary)
};

// CONNECT 5.0: no will, no user name, no password, no properties, empty Client Identifier.
constexpr unsigned char connect_minimal[] = {
    0x10, 0x0D,                                     // CONNECT, Remaining Length 13
    0x00, 0x04, 'M', 'Q', 'T', 'T',                 // Protocol Name "MQTT"
    0x05,                                           // Protocol Version 5
    0x00,                                           // Connect Flags: none (Clean Start 0)
    0x00, 0x00,                                     // Keep Alive 0 (off)
    0x00,                                           // Property Length 0
    0x00, 0x00,                                     // Client Identifier ""
};

// CONNECT 5.0: a Password without a User Name (allowed in 5.0), will QoS 2 not retained.
constexpr unsigned char connect_password_only[] = {
    0x10, 0x1C,                                     // CONNECT, Remaining Length 28
    0x00, 0x04, 'M', 'Q', 'T', 'T',                 // Protocol Name "MQTT"
    0x05,                                           // Protocol Version 5
    0x56,                                           // Password+Will QoS 2+Will+Clean Start
    0xFF, 0xFF,                                     // Keep Alive 65535 s
    0x00,                                           // Property Length 0
    0x00, 0x01, 'c',                                // Client Identifier "c"
    0x00,                                           // Will Property Length 0
    0x00, 0x01, 'w',                                // Will Topic "w"
    0x00, 0x00,                                     // Will Payload (empty)
    0x00, 0x06, 's', 'e', 'c', 'r', 'e', 't',       // Password "secret"
};

// CONNACK 5.0: Session Present, Success, every CONNACK property.
constexpr unsigned char connack_full[] = {
    0x20, 0x62,                                     // CONNACK, Remaining Length 98
    0x01,                                           // Acknowledge Flags: Session Present
    0x00,                                           // Reason Code 0x00 Success
    0x5F,                                           // Property Length 95
    0x11, 0x00, 0x00, 0x00, 0x3C,                   // Session Expiry Interval 60
    0x21, 0x00, 0x0A,                               // Receive Maximum 10
    0x24, 0x01,                                     // Maximum QoS 1
    0x25, 0x00,                                     // Retain Available 0
    0x27, 0x00, 0x00, 0xFF, 0xFF,                   // Maximum Packet Size 65535
    0x12, 0x00, 0x06, 'a', 'u', 't', 'o', '-',
    '1',                                            // Assigned Client Identifier "auto-1"
    0x22, 0x00, 0x05,                               // Topic Alias Maximum 5
    0x1F, 0x00, 0x07, 'w', 'e', 'l', 'c', 'o',
    'm', 'e',                                       // Reason String "welcome"
    0x28, 0x01,                                     // Wildcard Subscription Available 1
    0x29, 0x00,                                     // Subscription Identifier Available 0
    0x2A, 0x01,                                     // Shared Subscription Available 1
    0x13, 0x00, 0x1E,                               // Server Keep Alive 30
    0x1A, 0x00, 0x05, 'r', 'e', 's', 'p', '/',      // Response Information "resp/"
    0x1C, 0x00, 0x0A, 'o', 't', 'h', 'e', 'r',
    ':', '1', '8', '8', '3',                        // Server Reference "other:1883"
    0x15, 0x00, 0x0B, 'S', 'C', 'R', 'A', 'M',
    '-', 'S', 'H', 'A', '-', '1',                   // Authentication Method "SCRAM-SHA-1"
    0x16, 0x00, 0x02, 0xAA, 0xBB,                   // Authentication Data AA BB
    0x26, 0x00, 0x01, 'x', 0x00, 0x01, 'y',         // User Property "x" = "y"
};

// CONNACK 5.0: refused with 0x9C Use another server, no properties.
constexpr unsigned char connack_refused[] = {
    0x20, 0x03,                                     // CONNACK, Remaining Length 3
    0x00,                                           // Acknowledge Flags: none
    0x9C,                                           // Reason Code 0x9C Use another server
    0x00,                                           // Property Length 0
};

// PUBLISH 5.0 from a server: DUP, QoS 2, RETAIN, every PUBLISH property, user properties
// with a repeated name, three Subscription Identifiers (1, 2 and 4 byte VBIs).
constexpr unsigned char publish_full[] = {
    0x3D, 0x4E,                                     // PUBLISH DUP QoS 2 RETAIN, Remaining Length 78
    0x00, 0x03, 'a', '/', 'b',                      // Topic Name "a/b"
    0x00, 0x0A,                                     // Packet Identifier 10
    0x41,                                           // Property Length 65
    0x01, 0x01,                                     // Payload Format Indicator 1
    0x02, 0x00, 0x00, 0x00, 0x3C,                   // Message Expiry Interval 60
    0x23, 0x00, 0x07,                               // Topic Alias 7
    0x08, 0x00, 0x03, 'r', '/', 't',                // Response Topic "r/t"
    0x09, 0x00, 0x02, 0x01, 0x02,                   // Correlation Data 01 02
    0x26, 0x00, 0x01, 'n', 0x00, 0x01, '1',         // User Property "n" = "1"
    0x26, 0x00, 0x01, 'm', 0x00, 0x01, 'x',         // User Property "m" = "x"
    0x26, 0x00, 0x01, 'n', 0x00, 0x01, '2',         // User Property, name "n" again "n" = "2"
    0x0B, 0x01,                                     // Subscription Identifier 1
    0x0B, 0x80, 0x01,                               // Subscription Identifier 128
    0x0B, 0xFF, 0xFF, 0xFF, 0x7F,                   // Subscription Identifier 268435455
    0x03, 0x00, 0x0A, 't', 'e', 'x', 't', '/',
    'p', 'l', 'a', 'i', 'n',                        // Content Type "text/plain"
    'h', 'e', 'l', 'l', 'o',                        // Payload "hello"
};

// PUBLISH 5.0 QoS 0 from a client: no Packet Identifier, no properties, empty payload.
constexpr unsigned char publish_qos0[] = {
    0x30, 0x04,                                     // PUBLISH QoS 0, Remaining Length 4
    0x00, 0x01, 't',                                // Topic Name "t"
    0x00,                                           // Property Length 0
};

// PUBLISH 5.0 QoS 1: zero-length Topic Name with a Topic Alias.
constexpr unsigned char publish_alias_only[] = {
    0x32, 0x0A,                                     // PUBLISH QoS 1, Remaining Length 10
    0x00, 0x00,                                     // Topic Name ""
    0xFF, 0xFF,                                     // Packet Identifier 65535
    0x03,                                           // Property Length 3
    0x23, 0x00, 0x01,                               // Topic Alias 1
    0x00, 0xFF,                                     // Payload 00 FF
};

// PUBACK 5.0, Remaining Length 2: Packet Identifier only (Success, no properties).
constexpr unsigned char puback_rl2[] = {
    0x40, 0x02,                                     // PUBACK, Remaining Length 2
    0x00, 0x01,                                     // Packet Identifier 1
};

// PUBACK 5.0, Remaining Length 3: Reason Code, no Property Length.
constexpr unsigned char puback_rl3[] = {
    0x40, 0x03,                                     // PUBACK, Remaining Length 3
    0x00, 0x02,                                     // Packet Identifier 2
    0x10,                                           // Reason Code 0x10 No matching subscribers
};

// PUBACK 5.0, Remaining Length >= 4: Reason Code and properties.
constexpr unsigned char puback_rl4[] = {
    0x40, 0x18,                                     // PUBACK, Remaining Length 24
    0x12, 0x34,                                     // Packet Identifier 0x1234
    0x10,                                           // Reason Code 0x10 No matching subscribers
    0x14,                                           // Property Length 20
    0x1F, 0x00, 0x03, 'w', 'h', 'y',                // Reason String "why"
    0x26, 0x00, 0x01, 'k', 0x00, 0x01, 'v',         // User Property "k" = "v"
    0x26, 0x00, 0x01, 'k', 0x00, 0x01, 'w',         // User Property "k" = "w"
};

// PUBREC 5.0, Remaining Length 2: Packet Identifier only (Success, no properties).
constexpr unsigned char pubrec_rl2[] = {
    0x50, 0x02,                                     // PUBREC, Remaining Length 2
    0x00, 0x01,                                     // Packet Identifier 1
};

// PUBREC 5.0, Remaining Length 3: Reason Code, no Property Length.
constexpr unsigned char pubrec_rl3[] = {
    0x50, 0x03,                                     // PUBREC, Remaining Length 3
    0x00, 0x02,                                     // Packet Identifier 2
    0x97,                                           // Reason Code 0x97 Quota exceeded
};

// PUBREC 5.0, Remaining Length >= 4: Reason Code and properties.
constexpr unsigned char pubrec_rl4[] = {
    0x50, 0x18,                                     // PUBREC, Remaining Length 24
    0x12, 0x34,                                     // Packet Identifier 0x1234
    0x97,                                           // Reason Code 0x97 Quota exceeded
    0x14,                                           // Property Length 20
    0x1F, 0x00, 0x03, 'w', 'h', 'y',                // Reason String "why"
    0x26, 0x00, 0x01, 'k', 0x00, 0x01, 'v',         // User Property "k" = "v"
    0x26, 0x00, 0x01, 'k', 0x00, 0x01, 'w',         // User Property "k" = "w"
};

// PUBREL 5.0, Remaining Length 2: Packet Identifier only (Success, no properties).
constexpr unsigned char pubrel_rl2[] = {
    0x62, 0x02,                                     // PUBREL, Remaining Length 2
    0x00, 0x01,                                     // Packet Identifier 1
};

// PUBREL 5.0, Remaining Length 3: Reason Code, no Property Length.
constexpr unsigned char pubrel_rl3[] = {
    0x62, 0x03,                                     // PUBREL, Remaining Length 3
    0x00, 0x02,                                     // Packet Identifier 2
    0x92,                                           // Reason Code 0x92 Packet Identifier not found
};

// PUBREL 5.0, Remaining Length >= 4: Reason Code and properties.
constexpr unsigned char pubrel_rl4[] = {
    0x62, 0x18,                                     // PUBREL, Remaining Length 24
    0x12, 0x34,                                     // Packet Identifier 0x1234
    0x92,                                           // Reason Code 0x92 Packet Identifier not found
    0x14,                                           // Property Length 20
    0x1F, 0x00, 0x03, 'w', 'h', 'y',                // Reason String "why"
    0x26, 0x00, 0x01, 'k', 0x00, 0x01, 'v',         // User Property "k" = "v"
    0x26, 0x00, 0x01, 'k', 0x00, 0x01, 'w',         // User Property "k" = "w"
};

// PUBCOMP 5.0, Remaining Length 2: Packet Identifier only (Success, no properties).
constexpr unsigned char pubcomp_rl2[] = {
    0x70, 0x02,                                     // PUBCOMP, Remaining Length 2
    0x00, 0x01,                                     // Packet Identifier 1
};

// PUBCOMP 5.0, Remaining Length 3: Reason Code, no Property Length.
constexpr unsigned char pubcomp_rl3[] = {
    0x70, 0x03,                                     // PUBCOMP, Remaining Length 3
    0x00, 0x02,                                     // Packet Identifier 2
    0x92,                                           // Reason Code 0x92 Packet Identifier not found
};

// PUBCOMP 5.0, Remaining Length >= 4: Reason Code and properties.
constexpr unsigned char pubcomp_rl4[] = {
    0x70, 0x18,                                     // PUBCOMP, Remaining Length 24
    0x12, 0x34,                                     // Packet Identifier 0x1234
    0x92,                                           // Reason Code 0x92 Packet Identifier not found
    0x14,                                           // Property Length 20
    0x1F, 0x00, 0x03, 'w', 'h', 'y',                // Reason String "why"
    0x26, 0x00, 0x01, 'k', 0x00, 0x01, 'v',         // User Property "k" = "v"
    0x26, 0x00, 0x01, 'k', 0x00, 0x01, 'w',         // User Property "k" = "w"
};

// SUBSCRIBE 5.0: a Subscription Identifier, a User Property, and filters that between them
// set every option bit (QoS 0/1/2, No Local, Retain As Published, Retain Handling 0/1/2).
constexpr unsigned char subscribe_full[] = {
    0x82, 0x26,                                     // SUBSCRIBE, Remaining Length 38
    0x00, 0x0B,                                     // Packet Identifier 11
    0x0A,                                           // Property Length 10
    0x0B, 0xFF, 0x7F,                               // Subscription Identifier 16383
    0x26, 0x00, 0x01, 's', 0x00, 0x01, '1',         // User Property "s" = "1"
    0x00, 0x03, 'a', '/', '+',                      // Topic Filter "a/+"
    0x2E,                                           // Retain Handling 2, RAP, No Local, QoS 2
    0x00, 0x03, 'b', '/', '#',                      // Topic Filter "b/#"
    0x11,                                           // Retain Handling 1, QoS 1
    0x00, 0x0A, '$', 's', 'h', 'a', 'r', 'e', '/',
    'g', '/', 'c',                                  // Topic Filter (shared) "$share/g/c"
    0x08,                                           // Retain Handling 0, RAP, QoS 0
};

// SUBACK 5.0: properties and every Subscribe Reason Code.
constexpr unsigned char suback_full[] = {
    0x90, 0x1F,                                     // SUBACK, Remaining Length 31
    0x00, 0x0B,                                     // Packet Identifier 11
    0x10,                                           // Property Length 16
    0x1F, 0x00, 0x06, 'p', 'a', 'r', 't', 'l',
    'y',                                            // Reason String "partly"
    0x26, 0x00, 0x01, 'a', 0x00, 0x01, 'b',         // User Property "a" = "b"
    0x00, 0x01, 0x02,                               // Granted QoS 0, 1, 2
    0x80, 0x83, 0x87, 0x8F, 0x91, 0x97,             // 0x80 0x83 0x87 0x8F 0x91 0x97 (failures)
    0x9E, 0xA1, 0xA2,                               // 0x9E 0xA1 0xA2 (... not supported)
};

// UNSUBSCRIBE 5.0: a User Property and two filters.
constexpr unsigned char unsubscribe_full[] = {
    0xA2, 0x1B,                                     // UNSUBSCRIBE, Remaining Length 27
    0x00, 0x0C,                                     // Packet Identifier 12
    0x07,                                           // Property Length 7
    0x26, 0x00, 0x01, 'u', 0x00, 0x01, '1',         // User Property "u" = "1"
    0x00, 0x03, 'a', '/', '+',                      // Topic Filter "a/+"
    0x00, 0x0A, '$', 's', 'h', 'a', 'r', 'e', '/',
    'g', '/', '#',                                  // Topic Filter (shared) "$share/g/#"
};

// UNSUBACK 5.0: properties and every Unsubscribe Reason Code.
constexpr unsigned char unsuback_full[] = {
    0xB0, 0x18,                                     // UNSUBACK, Remaining Length 24
    0x00, 0x0C,                                     // Packet Identifier 12
    0x0E,                                           // Property Length 14
    0x1F, 0x00, 0x04, 'd', 'o', 'n', 'e',           // Reason String "done"
    0x26, 0x00, 0x01, 'a', 0x00, 0x01, 'b',         // User Property "a" = "b"
    0x00, 0x11,                                     // Success, No subscription existed
    0x80, 0x83, 0x87, 0x8F, 0x91,                   // 0x80 0x83 0x87 0x8F 0x91 (failures)
};

// PINGREQ.
constexpr unsigned char pingreq[] = {
    0xC0, 0x00,                                     // PINGREQ, Remaining Length 0
};

// PINGRESP.
constexpr unsigned char pingresp[] = {
    0xD0, 0x00,                                     // PINGRESP, Remaining Length 0
};

// DISCONNECT 5.0, Remaining Length 0: Normal disconnection.
constexpr unsigned char disconnect_rl0[] = {
    0xE0, 0x00,                                     // DISCONNECT, Remaining Length 0
};

// DISCONNECT 5.0 from a client, Remaining Length 1: Disconnect with Will Message.
constexpr unsigned char disconnect_rl1_client[] = {
    0xE0, 0x01,                                     // DISCONNECT, Remaining Length 1
    0x04,                                           // Reason Code 0x04 Disconnect with Will Message
};

// DISCONNECT 5.0 from a server, Remaining Length 1: Server shutting down.
constexpr unsigned char disconnect_rl1_server[] = {
    0xE0, 0x01,                                     // DISCONNECT, Remaining Length 1
    0x8B,                                           // Reason Code 0x8B Server shutting down
};

// DISCONNECT 5.0 from a client with every client DISCONNECT property.
constexpr unsigned char disconnect_client_props[] = {
    0xE0, 0x14,                                     // DISCONNECT, Remaining Length 20
    0x00,                                           // Reason Code 0x00 Normal disconnection
    0x12,                                           // Property Length 18
    0x11, 0xFF, 0xFF, 0xFF, 0xFF,                   // Session Expiry Interval 0xFFFFFFFF
    0x1F, 0x00, 0x03, 'b', 'y', 'e',                // Reason String "bye"
    0x26, 0x00, 0x01, 'k', 0x00, 0x01, 'v',         // User Property "k" = "v"
};

// DISCONNECT 5.0 from a server with every server DISCONNECT property.
constexpr unsigned char disconnect_server_props[] = {
    0xE0, 0x1A,                                     // DISCONNECT, Remaining Length 26
    0x9D,                                           // Reason Code 0x9D Server moved
    0x18,                                           // Property Length 24
    0x1F, 0x00, 0x05, 'm', 'o', 'v', 'e', 'd',      // Reason String "moved"
    0x1C, 0x00, 0x06, 'b', ':', '1', '8', '8',
    '3',                                            // Server Reference "b:1883"
    0x26, 0x00, 0x01, 'k', 0x00, 0x01, 'v',         // User Property "k" = "v"
};

// AUTH 5.0, Remaining Length 0: Success.
constexpr unsigned char auth_rl0[] = {
    0xF0, 0x00,                                     // AUTH, Remaining Length 0
};

// AUTH 5.0, Remaining Length 1: Re-authenticate, no Property Length.
constexpr unsigned char auth_rl1[] = {
    0xF0, 0x01,                                     // AUTH, Remaining Length 1
    0x19,                                           // Reason Code 0x19 Re-authenticate
};

// AUTH 5.0 with every AUTH property.
constexpr unsigned char auth_full[] = {
    0xF0, 0x25,                                     // AUTH, Remaining Length 37
    0x18,                                           // Reason Code 0x18 Continue authentication
    0x23,                                           // Property Length 35
    0x15, 0x00, 0x0B, 'S', 'C', 'R', 'A', 'M',
    '-', 'S', 'H', 'A', '-', '1',                   // Authentication Method "SCRAM-SHA-1"
    0x16, 0x00, 0x02, 0x72, 0x3D,                   // Authentication Data 72 3D
    0x1F, 0x00, 0x06, 's', 't', 'e', 'p', ' ',
    '2',                                            // Reason String "step 2"
    0x26, 0x00, 0x01, 'k', 0x00, 0x01, 'v',         // User Property "k" = "v"
};

}  // namespace kat
// clang-format on

template <std::size_t N>
std::span<const std::byte> in(const unsigned char (&a)[N]) {
    return std::as_bytes(std::span<const unsigned char>(a, N));
}

using B = std::byte;

/** Offset of the first property byte: `props_at` is where the Property Length starts. */
template <std::size_t N>
bytes slice(const unsigned char (&a)[N], std::size_t from, std::size_t length) {
    return bytes(a + from, a + from + length);
}

// ---------------------------------------------------------------------------------------------
// View -> packet struct, so a decoded packet can be re-encoded (what a broker does when it
// forwards). The storage keeps the repeated properties the spans point at.
// ---------------------------------------------------------------------------------------------
struct storage {
    std::vector<user_property> users;
    std::vector<std::uint32_t> ids;
    std::vector<subscription> subscriptions;
    std::vector<std::string_view> filters;
    std::vector<reason_code> codes;
};

/** Fills a typed set from a view, field by field as the set declares them, so no property of
 *  any packet can be left out here; the repeated ones are copied into `s`, which the set's spans
 *  then point at. */
template <class Set>
Set to_set(const properties_view<B>& p, storage& s, Set out) {
    for_each_property(out, [&](auto& field) {
        constexpr property_id id = std::remove_cvref_t<decltype(field)>::id;
        if constexpr (id == property_id::user_property) {
            for (const user_property_view& u : p.get_all<id>()) s.users.push_back({u.name, u.value});
            field = s.users;
        } else if constexpr (id == property_id::subscription_identifier &&
                             std::is_same_v<std::remove_cvref_t<decltype(field)>,
                                            property_list<id>>) {
            for (std::uint32_t x : p.get_all<id>()) s.ids.push_back(x);
            field = s.ids;
        } else {
            field = p.get<id>();
        }
    });
    return out;
}

/** Re-encodes any decoded 5.0 packet; the storages must outlive the returned bytes' use. */
struct reencoder {
    codec_options opts;
    storage s1{}, s2{};

    bytes operator()(const connect_view<B>& v) {
        connect_packet c;
        c.client_id = v.client_id;
        c.keep_alive = v.keep_alive;
        c.clean_start = v.clean_start;
        c.user_name = v.user_name;
        c.password = v.password;
        c.properties = to_set(v.properties, s1, connect_properties{});
        if (v.will) {
            will_message w;
            w.topic = v.will->topic;
            w.payload = v.will->payload;
            w.qos_level = v.will->qos_level;
            w.retain = v.will->retain;
            w.properties = to_set(v.will->properties, s2, will_properties{});
            c.will = w;
        }
        return encode_ok(c, opts);
    }
    bytes operator()(const connack_view<B>& v) {
        connack_packet c;
        c.session_present = v.session_present;
        c.reason = v.reason;
        c.properties = to_set(v.properties, s1, connack_properties{});
        return encode_ok(c, opts);
    }
    bytes operator()(const publish_view<B>& v) {
        publish_packet p;
        p.topic_name = v.topic_name;
        p.payload = v.payload;
        p.qos_level = v.qos_level;
        p.retain = v.retain;
        p.dup = v.dup;
        p.packet_id = v.packet_id;
        p.properties = to_set(v.properties, s1, publish_properties{});
        return encode_ok(p, opts);
    }
    template <packet_type Type>
    bytes operator()(const basic_pub_ack_view<B, Type>& v) {
        basic_pub_ack<Type> a;
        a.packet_id = v.packet_id;
        a.reason = v.reason;
        a.properties = to_set(v.properties, s1, ack_properties{});
        return encode_ok(a, opts);
    }
    bytes operator()(const subscribe_view<B>& v) {
        for (const subscription_view& sv : v.subscriptions)
            s2.subscriptions.push_back(
                {sv.topic_filter, sv.max_qos, sv.no_local, sv.retain_as_published, sv.retain});
        subscribe_packet s;
        s.packet_id = v.packet_id;
        s.subscriptions = s2.subscriptions;
        s.properties = to_set(v.properties, s1, subscribe_properties{});
        return encode_ok(s, opts);
    }
    bytes operator()(const suback_view<B>& v) {
        for (reason_code c : v.reason_codes) s2.codes.push_back(c);
        suback_packet a;
        a.packet_id = v.packet_id;
        a.reason_codes = s2.codes;
        a.properties = to_set(v.properties, s1, ack_properties{});
        return encode_ok(a, opts);
    }
    bytes operator()(const unsubscribe_view<B>& v) {
        for (std::string_view f : v.topic_filters) s2.filters.push_back(f);
        unsubscribe_packet u;
        u.packet_id = v.packet_id;
        u.topic_filters = s2.filters;
        u.properties = to_set(v.properties, s1, unsubscribe_properties{});
        return encode_ok(u, opts);
    }
    bytes operator()(const unsuback_view<B>& v) {
        for (reason_code c : v.reason_codes) s2.codes.push_back(c);
        unsuback_packet a;
        a.packet_id = v.packet_id;
        a.reason_codes = s2.codes;
        a.properties = to_set(v.properties, s1, ack_properties{});
        return encode_ok(a, opts);
    }
    bytes operator()(const pingreq_view&) { return encode_ok(pingreq_packet{}, opts); }
    bytes operator()(const pingresp_view&) { return encode_ok(pingresp_packet{}, opts); }
    bytes operator()(const disconnect_view<B>& v) {
        disconnect_packet d;
        d.reason = v.reason;
        d.properties = to_set(v.properties, s1, disconnect_properties{});
        return encode_ok(d, opts);
    }
    bytes operator()(const auth_view<B>& v) {
        auth_packet a;
        a.reason = v.reason;
        a.properties = to_set(v.properties, s1, auth_properties{});
        return encode_ok(a, opts);
    }
};

/** decode() -> struct -> encode gives `expected` back. */
testing::AssertionResult reencodes_to(std::span<const B> packet, const codec_options& opts,
                                      const bytes& expected) {
    const auto v = decode(packet, opts);
    if (!v)
        return testing::AssertionFailure()
               << "decode failed: " << name(v.error().code) << " at " << v.error().offset;
    reencoder r{opts};
    const bytes out = std::visit(r, *v);
    if (out != expected) return testing::AssertionFailure() << "re-encoded bytes differ";
    return testing::AssertionSuccess();
}

/** Every form of the frame: the vector is exactly one complete packet. */
template <std::size_t N>
void expect_one_frame(const unsigned char (&a)[N], packet_type type) {
    const auto f = frame_packet(in(a), from_client);
    ASSERT_TRUE(f.is_complete());
    EXPECT_EQ(f->type, type);
    EXPECT_EQ(f->size(), N);
    if (N > 1) {
        const auto short_one = frame_packet(in(a).first(N - 1), from_client);
        ASSERT_TRUE(short_one.needs_more());
        if (f->header_size < N) {
            EXPECT_EQ(short_one.need(), (need{1, true, *f}));
        }
    }
}

// =============================================================================================
// CONNECT
// =============================================================================================

TEST(V5Connect, KnownAnswerWithWillPropertiesUserNameAndPassword) {
    expect_one_frame(kat::connect_full, packet_type::connect);
    const auto r = decode_connect(in(kat::connect_full), from_client);
    ASSERT_TRUE(r.has_value()) << name(r.error().code) << " at " << r.error().offset;
    const connect_view<B>& c = *r;
    EXPECT_EQ(c.version, protocol_version::v5);
    EXPECT_EQ(c.keep_alive, 60);
    EXPECT_TRUE(c.clean_start);
    EXPECT_EQ(c.client_id, "client-1");

    const properties_view<B>& p = c.properties;
    EXPECT_TRUE(holds_exactly(
        p, {property_id::session_expiry_interval, property_id::receive_maximum,
            property_id::maximum_packet_size, property_id::topic_alias_maximum,
            property_id::request_response_information, property_id::request_problem_information,
            property_id::authentication_method, property_id::authentication_data,
            property_id::user_property}));
    EXPECT_EQ(p.session_expiry_interval(), 3600u);
    EXPECT_EQ(p.receive_maximum(), 20);
    EXPECT_EQ(p.maximum_packet_size(), 1048576u);
    EXPECT_EQ(p.topic_alias_maximum(), 10);
    EXPECT_EQ(p.request_response_information(), true);
    EXPECT_EQ(p.request_problem_information(), false);
    EXPECT_EQ(p.authentication_method(), "SCRAM-SHA-1");
    EXPECT_EQ(bytes_of(p.authentication_data()), (bytes{1, 2, 3}));
    EXPECT_EQ(user_properties_of(p),
              (std::vector<user_property_view>{{"region", "eu"}, {"region", "us"}}));
    EXPECT_EQ(bytes_of(p.encoded()), slice(kat::connect_full, 14, 66));
    // Accessors of properties CONNECT cannot carry stay empty.
    EXPECT_FALSE(p.topic_alias().has_value());
    EXPECT_FALSE(p.reason_string().has_value());
    EXPECT_FALSE(p.subscription_identifier().has_value());
    EXPECT_EQ(p.subscription_identifiers().size(), 0u);

    ASSERT_TRUE(c.will.has_value());
    const will_message_view<B>& w = *c.will;
    EXPECT_EQ(w.qos_level, qos::at_least_once);
    EXPECT_TRUE(w.retain);
    EXPECT_EQ(w.topic, "will/topic");
    EXPECT_EQ(bytes_of(w.payload), (bytes{'b', 'y', 'e'}));
    const properties_view<B>& wp = w.properties;
    EXPECT_TRUE(holds_exactly(
        wp,
        {property_id::will_delay_interval, property_id::payload_format_indicator,
         property_id::message_expiry_interval, property_id::content_type,
         property_id::response_topic, property_id::correlation_data, property_id::user_property}));
    EXPECT_EQ(wp.will_delay_interval(), 5u);
    EXPECT_EQ(wp.payload_format_indicator(), payload_format::utf8);
    EXPECT_EQ(wp.message_expiry_interval(), 120u);
    EXPECT_EQ(wp.content_type(), "text/plain");
    EXPECT_EQ(wp.response_topic(), "reply/here");
    EXPECT_EQ(bytes_of(wp.correlation_data()), (bytes{0xCA, 0xFE}));
    EXPECT_EQ(user_properties_of(wp), (std::vector<user_property_view>{{"k", "v"}}));
    EXPECT_EQ(bytes_of(wp.encoded()), slice(kat::connect_full, 91, 50));

    EXPECT_EQ(c.user_name, "user");
    EXPECT_EQ(bytes_of(c.password), (bytes{0x00, 0xFF, 0x7F}));

    // The same packet built from structs.
    const user_property users[] = {{"region", "eu"}, {"region", "us"}};
    const user_property will_users[] = {{"k", "v"}};
    const std::byte auth_data[] = {std::byte{1}, std::byte{2}, std::byte{3}};
    const std::byte correlation[] = {std::byte{0xCA}, std::byte{0xFE}};
    const std::byte password[] = {std::byte{0x00}, std::byte{0xFF}, std::byte{0x7F}};
    connect_packet pkt;
    pkt.client_id = "client-1";
    pkt.keep_alive = 60;
    pkt.clean_start = true;
    pkt.properties.session_expiry_interval = 3600;
    pkt.properties.receive_maximum = 20;
    pkt.properties.maximum_packet_size = 1048576;
    pkt.properties.topic_alias_maximum = 10;
    pkt.properties.request_response_information = true;
    pkt.properties.request_problem_information = false;
    pkt.properties.authentication_method = "SCRAM-SHA-1";
    pkt.properties.authentication_data = auth_data;
    pkt.properties.user_properties = users;
    will_message will;
    will.topic = "will/topic";
    will.payload = as_span("bye");
    will.qos_level = qos::at_least_once;
    will.retain = true;
    will.properties.will_delay_interval = 5;
    will.properties.payload_format_indicator = payload_format::utf8;
    will.properties.message_expiry_interval = 120;
    will.properties.content_type = "text/plain";
    will.properties.response_topic = "reply/here";
    will.properties.correlation_data = correlation;
    will.properties.user_properties = will_users;
    pkt.will = will;
    pkt.user_name = "user";
    pkt.password = password;
    EXPECT_EQ(encode_ok(pkt, from_client), to_bytes(kat::connect_full));
    EXPECT_TRUE(reencodes_to(in(kat::connect_full), from_client, to_bytes(kat::connect_full)));
}

TEST(V5Connect, KnownAnswerMinimal) {
    expect_one_frame(kat::connect_minimal, packet_type::connect);
    const auto r = decode_connect(in(kat::connect_minimal), from_client);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->version, protocol_version::v5);
    EXPECT_EQ(r->keep_alive, 0);
    EXPECT_FALSE(r->clean_start);
    EXPECT_EQ(r->client_id, "");
    EXPECT_TRUE(r->properties.empty());
    EXPECT_TRUE(holds_exactly(r->properties, {}));
    EXPECT_EQ(r->properties.user_properties().size(), 0u);
    EXPECT_EQ(r->properties.user_properties().begin(), r->properties.user_properties().end());
    EXPECT_FALSE(r->will.has_value());
    EXPECT_FALSE(r->user_name.has_value());
    EXPECT_FALSE(r->password.has_value());

    connect_packet pkt;
    pkt.client_id = "";
    pkt.clean_start = false;
    EXPECT_EQ(encode_ok(pkt, from_client), to_bytes(kat::connect_minimal));
    EXPECT_TRUE(
        reencodes_to(in(kat::connect_minimal), from_client, to_bytes(kat::connect_minimal)));
}

TEST(V5Connect, KnownAnswerPasswordWithoutUserName) {
    const auto r = decode_connect(in(kat::connect_password_only), from_client);
    ASSERT_TRUE(r.has_value()) << name(r.error().code);
    EXPECT_EQ(r->keep_alive, 65535);
    EXPECT_TRUE(r->clean_start);
    EXPECT_EQ(r->client_id, "c");
    ASSERT_TRUE(r->will.has_value());
    EXPECT_EQ(r->will->qos_level, qos::exactly_once);
    EXPECT_FALSE(r->will->retain);
    EXPECT_EQ(r->will->topic, "w");
    EXPECT_TRUE(r->will->payload.empty());
    EXPECT_TRUE(r->will->properties.empty());
    EXPECT_FALSE(r->user_name.has_value());
    EXPECT_EQ(bytes_of(r->password), (bytes{'s', 'e', 'c', 'r', 'e', 't'}));

    connect_packet pkt;
    pkt.client_id = "c";
    pkt.keep_alive = 65535;
    will_message will;
    will.topic = "w";
    will.qos_level = qos::exactly_once;
    pkt.will = will;
    pkt.password = as_span("secret");
    EXPECT_EQ(encode_ok(pkt, from_client), to_bytes(kat::connect_password_only));
}

TEST(V5Connect, DecodesCharUnsignedCharAndByteInputAlike) {
    const std::string_view as_chars(reinterpret_cast<const char*>(kat::connect_full),
                                    sizeof kat::connect_full);
    const auto c = decode_connect(as_chars, from_client);
    const auto u = decode_connect(std::span<const unsigned char>(kat::connect_full), from_client);
    const auto b = decode_connect(in(kat::connect_full), from_client);
    ASSERT_TRUE(c && u && b);
    EXPECT_EQ(c->client_id, b->client_id);
    EXPECT_EQ(u->client_id, b->client_id);
    EXPECT_EQ(c->will->properties.response_topic(), b->will->properties.response_topic());
    EXPECT_EQ(bytes_of(c->password), bytes_of(b->password));
    EXPECT_EQ(bytes_of(u->properties.encoded()), bytes_of(b->properties.encoded()));
}

TEST(V5Connect, FromServerIsNotAllowed) {
    const expected_error x{errc::packet_not_allowed_from_sender, 0, "",
                           reason_code::protocol_error};
    EXPECT_TRUE(
        rejects(V5_DECODER(decode_connect), to_bytes(kat::connect_minimal), from_server, x));
    connect_packet pkt;
    pkt.client_id = "c";
    EXPECT_TRUE(refuses(pkt, from_server, x));
}

// =============================================================================================
// CONNACK
// =============================================================================================

TEST(V5Connack, KnownAnswerWithEveryProperty) {
    expect_one_frame(kat::connack_full, packet_type::connack);
    const auto r = decode_connack(in(kat::connack_full), from_server);
    ASSERT_TRUE(r.has_value()) << name(r.error().code) << " at " << r.error().offset;
    EXPECT_TRUE(r->session_present);
    EXPECT_EQ(r->reason, reason_code::success);
    EXPECT_EQ(r->return_code, connect_return_code::accepted);
    const properties_view<B>& p = r->properties;
    EXPECT_TRUE(holds_exactly(
        p,
        {property_id::session_expiry_interval, property_id::receive_maximum,
         property_id::maximum_qos, property_id::retain_available, property_id::maximum_packet_size,
         property_id::assigned_client_identifier, property_id::topic_alias_maximum,
         property_id::reason_string, property_id::wildcard_subscription_available,
         property_id::subscription_identifier_available, property_id::shared_subscription_available,
         property_id::server_keep_alive, property_id::response_information,
         property_id::server_reference, property_id::authentication_method,
         property_id::authentication_data, property_id::user_property}));
    EXPECT_EQ(p.session_expiry_interval(), 60u);
    EXPECT_EQ(p.receive_maximum(), 10);
    EXPECT_EQ(p.maximum_qos(), qos::at_least_once);
    EXPECT_EQ(p.retain_available(), false);
    EXPECT_EQ(p.maximum_packet_size(), 65535u);
    EXPECT_EQ(p.assigned_client_identifier(), "auto-1");
    EXPECT_EQ(p.topic_alias_maximum(), 5);
    EXPECT_EQ(p.reason_string(), "welcome");
    EXPECT_EQ(p.wildcard_subscription_available(), true);
    EXPECT_EQ(p.subscription_identifier_available(), false);
    EXPECT_EQ(p.shared_subscription_available(), true);
    EXPECT_EQ(p.server_keep_alive(), 30);
    EXPECT_EQ(p.response_information(), "resp/");
    EXPECT_EQ(p.server_reference(), "other:1883");
    EXPECT_EQ(p.authentication_method(), "SCRAM-SHA-1");
    EXPECT_EQ(bytes_of(p.authentication_data()), (bytes{0xAA, 0xBB}));
    EXPECT_EQ(user_properties_of(p), (std::vector<user_property_view>{{"x", "y"}}));
    EXPECT_EQ(bytes_of(p.encoded()), slice(kat::connack_full, 5, 95));

    const user_property users[] = {{"x", "y"}};
    const std::byte auth_data[] = {std::byte{0xAA}, std::byte{0xBB}};
    connack_packet pkt;
    pkt.session_present = true;
    pkt.properties.session_expiry_interval = 60;
    pkt.properties.receive_maximum = 10;
    pkt.properties.maximum_qos = qos::at_least_once;
    pkt.properties.retain_available = false;
    pkt.properties.maximum_packet_size = 65535;
    pkt.properties.assigned_client_identifier = "auto-1";
    pkt.properties.topic_alias_maximum = 5;
    pkt.properties.reason_string = "welcome";
    pkt.properties.wildcard_subscription_available = true;
    pkt.properties.subscription_identifier_available = false;
    pkt.properties.shared_subscription_available = true;
    pkt.properties.server_keep_alive = 30;
    pkt.properties.response_information = "resp/";
    pkt.properties.server_reference = "other:1883";
    pkt.properties.authentication_method = "SCRAM-SHA-1";
    pkt.properties.authentication_data = auth_data;
    pkt.properties.user_properties = users;
    EXPECT_EQ(encode_ok(pkt, from_server), to_bytes(kat::connack_full));
    EXPECT_TRUE(reencodes_to(in(kat::connack_full), from_server, to_bytes(kat::connack_full)));
}

TEST(V5Connack, KnownAnswerRefused) {
    const auto r = decode_connack(in(kat::connack_refused), from_server);
    ASSERT_TRUE(r.has_value());
    EXPECT_FALSE(r->session_present);
    EXPECT_EQ(r->reason, reason_code::use_another_server);
    EXPECT_TRUE(r->properties.empty());
    connack_packet pkt;
    pkt.reason = reason_code::use_another_server;
    EXPECT_EQ(encode_ok(pkt, from_server), to_bytes(kat::connack_refused));
}

TEST(V5Connack, FromClientIsNotAllowed) {
    const expected_error x{errc::packet_not_allowed_from_sender, 0, "",
                           reason_code::protocol_error};
    EXPECT_TRUE(
        rejects(V5_DECODER(decode_connack), to_bytes(kat::connack_refused), from_client, x));
    EXPECT_TRUE(refuses(connack_packet{}, from_client, x));
}

// =============================================================================================
// PUBLISH
// =============================================================================================

TEST(V5Publish, KnownAnswerFromServerWithEveryProperty) {
    expect_one_frame(kat::publish_full, packet_type::publish);
    const auto r = decode_publish(in(kat::publish_full), from_server);
    ASSERT_TRUE(r.has_value()) << name(r.error().code) << " at " << r.error().offset;
    const publish_view<B>& v = *r;
    EXPECT_TRUE(v.dup);
    EXPECT_EQ(v.qos_level, qos::exactly_once);
    EXPECT_TRUE(v.retain);
    EXPECT_EQ(v.topic_name, "a/b");
    EXPECT_EQ(v.packet_id, 10);
    const properties_view<B>& p = v.properties;
    EXPECT_TRUE(holds_exactly(
        p, {property_id::payload_format_indicator, property_id::message_expiry_interval,
            property_id::topic_alias, property_id::response_topic, property_id::correlation_data,
            property_id::user_property, property_id::subscription_identifier,
            property_id::content_type}));
    EXPECT_EQ(p.payload_format_indicator(), payload_format::utf8);
    EXPECT_EQ(p.message_expiry_interval(), 60u);
    EXPECT_EQ(p.topic_alias(), 7);
    EXPECT_EQ(p.response_topic(), "r/t");
    EXPECT_EQ(bytes_of(p.correlation_data()), (bytes{1, 2}));
    // Duplicate names are kept, in wire order (MQTT-3.3.2-18 needs the order).
    EXPECT_EQ(user_properties_of(p),
              (std::vector<user_property_view>{{"n", "1"}, {"m", "x"}, {"n", "2"}}));
    EXPECT_EQ(subscription_ids_of(p), (std::vector<std::uint32_t>{1, 128, 268435455}));
    EXPECT_EQ(p.subscription_identifier(), 1u);
    EXPECT_EQ(p.content_type(), "text/plain");
    EXPECT_EQ(bytes_of(p.encoded()), slice(kat::publish_full, 10, 65));
    EXPECT_EQ(v.payload_offset, 75u);
    EXPECT_EQ(v.payload_size, 5u);
    EXPECT_EQ(bytes_of(v.payload), (bytes{'h', 'e', 'l', 'l', 'o'}));

    const user_property users[] = {{"n", "1"}, {"m", "x"}, {"n", "2"}};
    const std::uint32_t ids[] = {1, 128, 268435455};
    const std::byte correlation[] = {std::byte{1}, std::byte{2}};
    publish_packet pkt;
    pkt.topic_name = "a/b";
    pkt.payload = as_span("hello");
    pkt.qos_level = qos::exactly_once;
    pkt.retain = true;
    pkt.dup = true;
    pkt.packet_id = 10;
    pkt.properties.payload_format_indicator = payload_format::utf8;
    pkt.properties.message_expiry_interval = 60;
    pkt.properties.topic_alias = 7;
    pkt.properties.response_topic = "r/t";
    pkt.properties.correlation_data = correlation;
    pkt.properties.user_properties = users;
    pkt.properties.subscription_identifiers = ids;
    pkt.properties.content_type = "text/plain";
    EXPECT_EQ(encode_ok(pkt, from_server), to_bytes(kat::publish_full));
    EXPECT_TRUE(reencodes_to(in(kat::publish_full), from_server, to_bytes(kat::publish_full)));

    // encode_header writes everything but the payload, for writev.
    std::array<std::byte, 128> head{};
    const auto h = encode_header(pkt, from_server, head);
    ASSERT_TRUE(h.has_value());
    EXPECT_EQ(*h, sizeof kat::publish_full - 5);
    EXPECT_EQ(bytes_of(std::span<const std::byte>(head.data(), *h)),
              slice(kat::publish_full, 0, sizeof kat::publish_full - 5));
}

TEST(V5Publish, KnownAnswerQos0FromClient) {
    expect_one_frame(kat::publish_qos0, packet_type::publish);
    const auto r = decode_publish(in(kat::publish_qos0), from_client);
    ASSERT_TRUE(r.has_value());
    EXPECT_FALSE(r->dup);
    EXPECT_FALSE(r->retain);
    EXPECT_EQ(r->qos_level, qos::at_most_once);
    EXPECT_EQ(r->topic_name, "t");
    EXPECT_EQ(r->packet_id, 0);
    EXPECT_TRUE(r->properties.empty());
    EXPECT_TRUE(holds_exactly(r->properties, {}));
    EXPECT_EQ(r->properties.subscription_identifiers().size(), 0u);
    EXPECT_EQ(r->payload_offset, 6u);
    EXPECT_EQ(r->payload_size, 0u);
    EXPECT_TRUE(r->payload.empty());
    publish_packet pkt;
    pkt.topic_name = "t";
    EXPECT_EQ(encode_ok(pkt, from_client), to_bytes(kat::publish_qos0));
    EXPECT_EQ(encode_ok(pkt, from_server), to_bytes(kat::publish_qos0));
    EXPECT_TRUE(accepts(V5_DECODER(decode_publish), to_bytes(kat::publish_qos0), from_server));
}

TEST(V5Publish, KnownAnswerEmptyTopicWithTopicAlias) {
    const auto r = decode_publish(in(kat::publish_alias_only), from_client);
    ASSERT_TRUE(r.has_value()) << name(r.error().code);
    EXPECT_EQ(r->topic_name, "");
    EXPECT_EQ(r->packet_id, 65535);
    EXPECT_EQ(r->qos_level, qos::at_least_once);
    EXPECT_EQ(r->properties.topic_alias(), 1);
    EXPECT_EQ(bytes_of(r->payload), (bytes{0x00, 0xFF}));
    const std::byte payload[] = {std::byte{0x00}, std::byte{0xFF}};
    publish_packet pkt;
    pkt.qos_level = qos::at_least_once;
    pkt.packet_id = 65535;
    pkt.payload = payload;
    pkt.properties.topic_alias = 1;
    EXPECT_EQ(encode_ok(pkt, from_client), to_bytes(kat::publish_alias_only));
}

TEST(V5Publish, PropertiesInAnyOrderDecodeAlikeAndReencodeCanonically) {
    // The properties of publish_full, in reverse order: a decoder must not depend on order,
    // except among User Properties and among Subscription Identifiers.
    const auto canonical = decode_publish(in(kat::publish_full), from_server);
    ASSERT_TRUE(canonical.has_value());
    builder props;
    props.raw({0x03}).str("text/plain");
    props.raw({0x0B, 0x01, 0x0B, 0x80, 0x01, 0x0B, 0xFF, 0xFF, 0xFF, 0x7F});
    props.raw({0x26}).str("n").str("1").raw({0x26}).str("m").str("x");
    props.raw({0x26}).str("n").str("2");
    props.raw({0x09, 0x00, 0x02, 0x01, 0x02});
    props.raw({0x08}).str("r/t");
    props.raw({0x23, 0x00, 0x07});
    props.raw({0x02, 0x00, 0x00, 0x00, 0x3C});
    props.raw({0x01, 0x01});
    builder body;
    body.str("a/b").u16(10).props(props.b).raw({'h', 'e', 'l', 'l', 'o'});
    const bytes shuffled = packet(0x3D, body.b);
    ASSERT_EQ(shuffled.size(), sizeof kat::publish_full);
    const auto r = decode_publish(as_bytes(shuffled), from_server);
    ASSERT_TRUE(r.has_value()) << name(r.error().code) << " at " << r.error().offset;
    const auto& a = r->properties;
    const auto& b = canonical->properties;
    EXPECT_EQ(a.payload_format_indicator(), b.payload_format_indicator());
    EXPECT_EQ(a.message_expiry_interval(), b.message_expiry_interval());
    EXPECT_EQ(a.topic_alias(), b.topic_alias());
    EXPECT_EQ(a.response_topic(), b.response_topic());
    EXPECT_EQ(bytes_of(a.correlation_data()), bytes_of(b.correlation_data()));
    EXPECT_EQ(user_properties_of(a), user_properties_of(b));
    EXPECT_EQ(subscription_ids_of(a), subscription_ids_of(b));
    EXPECT_EQ(a.content_type(), b.content_type());
    EXPECT_TRUE(reencodes_to(as_bytes(shuffled), from_server, to_bytes(kat::publish_full)));
}

TEST(V5Publish, EitherSideMaySend) {
    EXPECT_TRUE(
        accepts(V5_DECODER(decode_publish), to_bytes(kat::publish_alias_only), from_client));
    EXPECT_TRUE(
        accepts(V5_DECODER(decode_publish), to_bytes(kat::publish_alias_only), from_server));
    EXPECT_TRUE(accepts(V5_DECODER(decode_publish), to_bytes(kat::publish_full), from_server));
}

// =============================================================================================
// PUBACK, PUBREC, PUBREL, PUBCOMP
// =============================================================================================

template <packet_type Type, class Decode, std::size_t N2, std::size_t N3, std::size_t N4>
void check_ack_forms(Decode decode_one, const unsigned char (&rl2)[N2],
                     const unsigned char (&rl3)[N3], const unsigned char (&rl4)[N4],
                     reason_code code) {
    for (const codec_options& opts : {from_client, from_server}) {
        SCOPED_TRACE(opts.from == sender::client ? "from client" : "from server");
        expect_one_frame(rl2, Type);
        const auto a = decode_one(in(rl2), opts);
        ASSERT_TRUE(a.has_value()) << name(a.error().code);
        EXPECT_EQ(a->packet_id, 1);
        EXPECT_EQ(a->reason, reason_code::success);
        EXPECT_TRUE(a->properties.empty());
        basic_pub_ack<Type> pkt_a;
        pkt_a.packet_id = 1;
        EXPECT_EQ(encode_ok(pkt_a, opts), to_bytes(rl2));

        const auto b = decode_one(in(rl3), opts);
        ASSERT_TRUE(b.has_value()) << name(b.error().code);
        EXPECT_EQ(b->packet_id, 2);
        EXPECT_EQ(b->reason, code);
        EXPECT_TRUE(b->properties.empty());
        basic_pub_ack<Type> pkt_b;
        pkt_b.packet_id = 2;
        pkt_b.reason = code;
        EXPECT_EQ(encode_ok(pkt_b, opts), to_bytes(rl3));

        const auto c = decode_one(in(rl4), opts);
        ASSERT_TRUE(c.has_value()) << name(c.error().code);
        EXPECT_EQ(c->packet_id, 0x1234);
        EXPECT_EQ(c->reason, code);
        EXPECT_TRUE(
            holds_exactly(c->properties, {property_id::reason_string, property_id::user_property}));
        EXPECT_EQ(c->properties.reason_string(), "why");
        EXPECT_EQ(user_properties_of(c->properties),
                  (std::vector<user_property_view>{{"k", "v"}, {"k", "w"}}));
        const user_property users[] = {{"k", "v"}, {"k", "w"}};
        basic_pub_ack<Type> pkt_c;
        pkt_c.packet_id = 0x1234;
        pkt_c.reason = code;
        pkt_c.properties.reason_string = "why";
        pkt_c.properties.user_properties = users;
        EXPECT_EQ(encode_ok(pkt_c, opts), to_bytes(rl4));

        EXPECT_TRUE(reencodes_to(in(rl2), opts, to_bytes(rl2)));
        EXPECT_TRUE(reencodes_to(in(rl3), opts, to_bytes(rl3)));
        EXPECT_TRUE(reencodes_to(in(rl4), opts, to_bytes(rl4)));
    }
}

/** Longer-than-needed forms decode to the same ack and re-encode in the shortest form. */
template <packet_type Type>
void check_shortest_form(unsigned first, reason_code code) {
    const auto c = static_cast<unsigned>(code);
    const bytes rl2 = packet(first, {0x00, 0x05});
    const bytes rl3 = packet(first, {0x00, 0x05, c});
    // Reason Code Success spelled out, with or without an empty Property Length.
    EXPECT_TRUE(reencodes_to(as_bytes(packet(first, {0x00, 0x05, 0x00})), from_client, rl2));
    EXPECT_TRUE(reencodes_to(as_bytes(packet(first, {0x00, 0x05, 0x00, 0x00})), from_client, rl2));
    // A failure code with an empty Property Length drops the Property Length.
    EXPECT_TRUE(reencodes_to(as_bytes(packet(first, {0x00, 0x05, c, 0x00})), from_client, rl3));
    basic_pub_ack<Type> a;
    a.packet_id = 5;
    EXPECT_EQ(encode_ok(a, from_client), rl2);
    a.reason = code;
    EXPECT_EQ(encode_ok(a, from_client), rl3);
    // Properties force the Reason Code to be written, even Success.
    const user_property users[] = {{"a", "b"}};
    a.reason = reason_code::success;
    a.properties.user_properties = users;
    builder props;
    props.raw({0x26}).str("a").str("b");
    builder body;
    body.u16(5).u8(0x00).props(props.b);
    EXPECT_EQ(encode_ok(a, from_client), packet(first, body.b));
}

TEST(V5Puback, KnownAnswersInAllThreeLengths) {
    check_ack_forms<packet_type::puback>(V5_DECODER(decode_puback), kat::puback_rl2,
                                         kat::puback_rl3, kat::puback_rl4,
                                         reason_code::no_matching_subscribers);
}
TEST(V5Puback, EncoderEmitsShortestForm) {
    check_shortest_form<packet_type::puback>(0x40, reason_code::no_matching_subscribers);
}
TEST(V5Pubrec, KnownAnswersInAllThreeLengths) {
    check_ack_forms<packet_type::pubrec>(V5_DECODER(decode_pubrec), kat::pubrec_rl2,
                                         kat::pubrec_rl3, kat::pubrec_rl4,
                                         reason_code::quota_exceeded);
}
TEST(V5Pubrec, EncoderEmitsShortestForm) {
    check_shortest_form<packet_type::pubrec>(0x50, reason_code::quota_exceeded);
}
TEST(V5Pubrel, KnownAnswersInAllThreeLengths) {
    check_ack_forms<packet_type::pubrel>(V5_DECODER(decode_pubrel), kat::pubrel_rl2,
                                         kat::pubrel_rl3, kat::pubrel_rl4,
                                         reason_code::packet_identifier_not_found);
}
TEST(V5Pubrel, EncoderEmitsShortestForm) {
    check_shortest_form<packet_type::pubrel>(0x62, reason_code::packet_identifier_not_found);
}
TEST(V5Pubcomp, KnownAnswersInAllThreeLengths) {
    check_ack_forms<packet_type::pubcomp>(V5_DECODER(decode_pubcomp), kat::pubcomp_rl2,
                                          kat::pubcomp_rl3, kat::pubcomp_rl4,
                                          reason_code::packet_identifier_not_found);
}
TEST(V5Pubcomp, EncoderEmitsShortestForm) {
    check_shortest_form<packet_type::pubcomp>(0x70, reason_code::packet_identifier_not_found);
}

// =============================================================================================
// SUBSCRIBE, SUBACK, UNSUBSCRIBE, UNSUBACK
// =============================================================================================

TEST(V5Subscribe, KnownAnswerWithEveryOptionBitAndSubscriptionIdentifier) {
    expect_one_frame(kat::subscribe_full, packet_type::subscribe);
    const auto r = decode_subscribe(in(kat::subscribe_full), from_client);
    ASSERT_TRUE(r.has_value()) << name(r.error().code) << " at " << r.error().offset;
    EXPECT_EQ(r->packet_id, 11);
    EXPECT_TRUE(holds_exactly(r->properties,
                              {property_id::subscription_identifier, property_id::user_property}));
    EXPECT_EQ(r->properties.subscription_identifier(), 16383u);
    EXPECT_EQ(subscription_ids_of(r->properties), (std::vector<std::uint32_t>{16383}));
    EXPECT_EQ(user_properties_of(r->properties), (std::vector<user_property_view>{{"s", "1"}}));
    ASSERT_EQ(r->subscriptions.size(), 3u);
    EXPECT_FALSE(r->subscriptions.empty());
    std::vector<subscription_view> subs(r->subscriptions.begin(), r->subscriptions.end());
    ASSERT_EQ(subs.size(), 3u);
    EXPECT_EQ(subs[0], (subscription_view{"a/+", qos::exactly_once, true, true,
                                          retain_handling::do_not_send, 0x2E, true}));
    EXPECT_EQ(subs[1], (subscription_view{"b/#", qos::at_least_once, false, false,
                                          retain_handling::send_if_new_subscription, 0x11, true}));
    EXPECT_EQ(subs[2], (subscription_view{"$share/g/c", qos::at_most_once, false, true,
                                          retain_handling::send_on_subscribe, 0x08, true}));
    EXPECT_EQ(subs[2].share_name(), "g");
    EXPECT_EQ(subs[0].share_name(), "");
    EXPECT_EQ(bytes_of(r->subscriptions.encoded()), slice(kat::subscribe_full, 15, 25));

    const subscription list[] = {
        {"a/+", qos::exactly_once, true, true, retain_handling::do_not_send},
        {"b/#", qos::at_least_once, false, false, retain_handling::send_if_new_subscription},
        {"$share/g/c", qos::at_most_once, false, true, retain_handling::send_on_subscribe},
    };
    const user_property users[] = {{"s", "1"}};
    subscribe_packet pkt;
    pkt.packet_id = 11;
    pkt.subscriptions = list;
    pkt.properties.subscription_identifier = 16383;
    pkt.properties.user_properties = users;
    EXPECT_EQ(encode_ok(pkt, from_client), to_bytes(kat::subscribe_full));
    EXPECT_TRUE(reencodes_to(in(kat::subscribe_full), from_client, to_bytes(kat::subscribe_full)));
}

TEST(V5Subscribe, FromServerIsNotAllowed) {
    const expected_error x{errc::packet_not_allowed_from_sender, 0, "",
                           reason_code::protocol_error};
    EXPECT_TRUE(
        rejects(V5_DECODER(decode_subscribe), to_bytes(kat::subscribe_full), from_server, x));
    const subscription list[] = {{"a"}};
    subscribe_packet pkt;
    pkt.packet_id = 1;
    pkt.subscriptions = list;
    EXPECT_TRUE(refuses(pkt, from_server, x));
}

TEST(V5Suback, KnownAnswerWithEveryReasonCode) {
    expect_one_frame(kat::suback_full, packet_type::suback);
    const auto r = decode_suback(in(kat::suback_full), from_server);
    ASSERT_TRUE(r.has_value()) << name(r.error().code) << " at " << r.error().offset;
    EXPECT_EQ(r->packet_id, 11);
    EXPECT_EQ(r->properties.reason_string(), "partly");
    EXPECT_EQ(user_properties_of(r->properties), (std::vector<user_property_view>{{"a", "b"}}));
    EXPECT_TRUE(
        holds_exactly(r->properties, {property_id::reason_string, property_id::user_property}));
    const std::vector<reason_code> codes = {
        reason_code::success,
        reason_code::granted_qos_1,
        reason_code::granted_qos_2,
        reason_code::unspecified_error,
        reason_code::implementation_specific_error,
        reason_code::not_authorized,
        reason_code::topic_filter_invalid,
        reason_code::packet_identifier_in_use,
        reason_code::quota_exceeded,
        reason_code::shared_subscriptions_not_supported,
        reason_code::subscription_identifiers_not_supported,
        reason_code::wildcard_subscriptions_not_supported,
    };
    ASSERT_EQ(r->reason_codes.size(), codes.size());
    EXPECT_EQ(std::vector<reason_code>(r->reason_codes.begin(), r->reason_codes.end()), codes);
    for (std::size_t i = 0; i < codes.size(); ++i) EXPECT_EQ(r->reason_codes[i], codes[i]);

    const user_property users[] = {{"a", "b"}};
    suback_packet pkt;
    pkt.packet_id = 11;
    pkt.reason_codes = codes;
    pkt.properties.reason_string = "partly";
    pkt.properties.user_properties = users;
    EXPECT_EQ(encode_ok(pkt, from_server), to_bytes(kat::suback_full));
    EXPECT_TRUE(reencodes_to(in(kat::suback_full), from_server, to_bytes(kat::suback_full)));
}

TEST(V5Suback, FromClientIsNotAllowed) {
    const expected_error x{errc::packet_not_allowed_from_sender, 0, "",
                           reason_code::protocol_error};
    EXPECT_TRUE(rejects(V5_DECODER(decode_suback), to_bytes(kat::suback_full), from_client, x));
    const reason_code codes[] = {reason_code::success};
    suback_packet pkt;
    pkt.packet_id = 1;
    pkt.reason_codes = codes;
    EXPECT_TRUE(refuses(pkt, from_client, x));
}

TEST(V5Unsubscribe, KnownAnswerWithUserProperty) {
    expect_one_frame(kat::unsubscribe_full, packet_type::unsubscribe);
    const auto r = decode_unsubscribe(in(kat::unsubscribe_full), from_client);
    ASSERT_TRUE(r.has_value()) << name(r.error().code) << " at " << r.error().offset;
    EXPECT_EQ(r->packet_id, 12);
    EXPECT_TRUE(holds_exactly(r->properties, {property_id::user_property}));
    EXPECT_EQ(user_properties_of(r->properties), (std::vector<user_property_view>{{"u", "1"}}));
    ASSERT_EQ(r->topic_filters.size(), 2u);
    EXPECT_EQ(std::vector<std::string_view>(r->topic_filters.begin(), r->topic_filters.end()),
              (std::vector<std::string_view>{"a/+", "$share/g/#"}));

    const std::string_view filters[] = {"a/+", "$share/g/#"};
    const user_property users[] = {{"u", "1"}};
    unsubscribe_packet pkt;
    pkt.packet_id = 12;
    pkt.topic_filters = filters;
    pkt.properties.user_properties = users;
    EXPECT_EQ(encode_ok(pkt, from_client), to_bytes(kat::unsubscribe_full));
    EXPECT_TRUE(
        reencodes_to(in(kat::unsubscribe_full), from_client, to_bytes(kat::unsubscribe_full)));
}

TEST(V5Unsubscribe, FromServerIsNotAllowed) {
    const expected_error x{errc::packet_not_allowed_from_sender, 0, "",
                           reason_code::protocol_error};
    EXPECT_TRUE(
        rejects(V5_DECODER(decode_unsubscribe), to_bytes(kat::unsubscribe_full), from_server, x));
    const std::string_view filters[] = {"a"};
    unsubscribe_packet pkt;
    pkt.packet_id = 1;
    pkt.topic_filters = filters;
    EXPECT_TRUE(refuses(pkt, from_server, x));
}

TEST(V5Unsuback, KnownAnswerWithEveryReasonCode) {
    expect_one_frame(kat::unsuback_full, packet_type::unsuback);
    const auto r = decode_unsuback(in(kat::unsuback_full), from_server);
    ASSERT_TRUE(r.has_value()) << name(r.error().code) << " at " << r.error().offset;
    EXPECT_EQ(r->packet_id, 12);
    EXPECT_EQ(r->properties.reason_string(), "done");
    EXPECT_EQ(user_properties_of(r->properties), (std::vector<user_property_view>{{"a", "b"}}));
    const std::vector<reason_code> codes = {
        reason_code::success,
        reason_code::no_subscription_existed,
        reason_code::unspecified_error,
        reason_code::implementation_specific_error,
        reason_code::not_authorized,
        reason_code::topic_filter_invalid,
        reason_code::packet_identifier_in_use,
    };
    EXPECT_EQ(std::vector<reason_code>(r->reason_codes.begin(), r->reason_codes.end()), codes);

    const user_property users[] = {{"a", "b"}};
    unsuback_packet pkt;
    pkt.packet_id = 12;
    pkt.reason_codes = codes;
    pkt.properties.reason_string = "done";
    pkt.properties.user_properties = users;
    EXPECT_EQ(encode_ok(pkt, from_server), to_bytes(kat::unsuback_full));
    EXPECT_TRUE(reencodes_to(in(kat::unsuback_full), from_server, to_bytes(kat::unsuback_full)));
}

TEST(V5Unsuback, FromClientIsNotAllowed) {
    const expected_error x{errc::packet_not_allowed_from_sender, 0, "",
                           reason_code::protocol_error};
    EXPECT_TRUE(rejects(V5_DECODER(decode_unsuback), to_bytes(kat::unsuback_full), from_client, x));
    const reason_code codes[] = {reason_code::success};
    unsuback_packet pkt;
    pkt.packet_id = 1;
    pkt.reason_codes = codes;
    EXPECT_TRUE(refuses(pkt, from_client, x));
}

// =============================================================================================
// PINGREQ, PINGRESP
// =============================================================================================

TEST(V5Pingreq, KnownAnswer) {
    expect_one_frame(kat::pingreq, packet_type::pingreq);
    EXPECT_TRUE(decode_pingreq(in(kat::pingreq), from_client).has_value());
    EXPECT_EQ(encode_ok(pingreq_packet{}, from_client), to_bytes(kat::pingreq));
    EXPECT_TRUE(reencodes_to(in(kat::pingreq), from_client, to_bytes(kat::pingreq)));
}

TEST(V5Pingreq, FromServerIsNotAllowed) {
    const expected_error x{errc::packet_not_allowed_from_sender, 0, "",
                           reason_code::protocol_error};
    EXPECT_TRUE(rejects(V5_DECODER(decode_pingreq), to_bytes(kat::pingreq), from_server, x));
    EXPECT_TRUE(refuses(pingreq_packet{}, from_server, x));
}

TEST(V5Pingresp, KnownAnswer) {
    expect_one_frame(kat::pingresp, packet_type::pingresp);
    EXPECT_TRUE(decode_pingresp(in(kat::pingresp), from_server).has_value());
    EXPECT_EQ(encode_ok(pingresp_packet{}, from_server), to_bytes(kat::pingresp));
    EXPECT_TRUE(reencodes_to(in(kat::pingresp), from_server, to_bytes(kat::pingresp)));
}

TEST(V5Pingresp, FromClientIsNotAllowed) {
    const expected_error x{errc::packet_not_allowed_from_sender, 0, "",
                           reason_code::protocol_error};
    EXPECT_TRUE(rejects(V5_DECODER(decode_pingresp), to_bytes(kat::pingresp), from_client, x));
    EXPECT_TRUE(refuses(pingresp_packet{}, from_client, x));
}

// =============================================================================================
// DISCONNECT
// =============================================================================================

TEST(V5Disconnect, KnownAnswersInAllThreeLengths) {
    for (const codec_options& opts : {from_client, from_server}) {
        const auto r = decode_disconnect(in(kat::disconnect_rl0), opts);
        ASSERT_TRUE(r.has_value());
        EXPECT_EQ(r->reason, normal_disconnection);
        EXPECT_TRUE(r->properties.empty());
        EXPECT_EQ(encode_ok(disconnect_packet{}, opts), to_bytes(kat::disconnect_rl0));
    }

    const auto c1 = decode_disconnect(in(kat::disconnect_rl1_client), from_client);
    ASSERT_TRUE(c1.has_value());
    EXPECT_EQ(c1->reason, reason_code::disconnect_with_will_message);
    EXPECT_TRUE(c1->properties.empty());
    disconnect_packet d1;
    d1.reason = reason_code::disconnect_with_will_message;
    EXPECT_EQ(encode_ok(d1, from_client), to_bytes(kat::disconnect_rl1_client));

    const auto s1 = decode_disconnect(in(kat::disconnect_rl1_server), from_server);
    ASSERT_TRUE(s1.has_value());
    EXPECT_EQ(s1->reason, reason_code::server_shutting_down);
    disconnect_packet d2;
    d2.reason = reason_code::server_shutting_down;
    EXPECT_EQ(encode_ok(d2, from_server), to_bytes(kat::disconnect_rl1_server));

    const auto c2 = decode_disconnect(in(kat::disconnect_client_props), from_client);
    ASSERT_TRUE(c2.has_value()) << name(c2.error().code);
    EXPECT_EQ(c2->reason, normal_disconnection);
    EXPECT_TRUE(
        holds_exactly(c2->properties, {property_id::session_expiry_interval,
                                       property_id::reason_string, property_id::user_property}));
    EXPECT_EQ(c2->properties.session_expiry_interval(), 0xFFFFFFFFu);
    EXPECT_EQ(c2->properties.reason_string(), "bye");
    EXPECT_EQ(user_properties_of(c2->properties), (std::vector<user_property_view>{{"k", "v"}}));
    const user_property users[] = {{"k", "v"}};
    disconnect_packet d3;
    d3.properties.session_expiry_interval = 0xFFFFFFFFu;
    d3.properties.reason_string = "bye";
    d3.properties.user_properties = users;
    EXPECT_EQ(encode_ok(d3, from_client), to_bytes(kat::disconnect_client_props));

    const auto s2 = decode_disconnect(in(kat::disconnect_server_props), from_server);
    ASSERT_TRUE(s2.has_value()) << name(s2.error().code);
    EXPECT_EQ(s2->reason, reason_code::server_moved);
    EXPECT_TRUE(holds_exactly(
        s2->properties,
        {property_id::reason_string, property_id::server_reference, property_id::user_property}));
    EXPECT_EQ(s2->properties.reason_string(), "moved");
    EXPECT_EQ(s2->properties.server_reference(), "b:1883");
    disconnect_packet d4;
    d4.reason = reason_code::server_moved;
    d4.properties.reason_string = "moved";
    d4.properties.server_reference = "b:1883";
    d4.properties.user_properties = users;
    EXPECT_EQ(encode_ok(d4, from_server), to_bytes(kat::disconnect_server_props));

    EXPECT_TRUE(reencodes_to(in(kat::disconnect_rl0), from_client, to_bytes(kat::disconnect_rl0)));
    EXPECT_TRUE(reencodes_to(in(kat::disconnect_rl1_client), from_client,
                             to_bytes(kat::disconnect_rl1_client)));
    EXPECT_TRUE(reencodes_to(in(kat::disconnect_rl1_server), from_server,
                             to_bytes(kat::disconnect_rl1_server)));
    EXPECT_TRUE(reencodes_to(in(kat::disconnect_client_props), from_client,
                             to_bytes(kat::disconnect_client_props)));
    EXPECT_TRUE(reencodes_to(in(kat::disconnect_server_props), from_server,
                             to_bytes(kat::disconnect_server_props)));
}

TEST(V5Disconnect, EncoderEmitsShortestForm) {
    // Normal disconnection spelled out, with and without an empty Property Length.
    EXPECT_TRUE(reencodes_to(as_bytes(packet(0xE0, {0x00})), from_client, packet(0xE0, {})));
    EXPECT_TRUE(reencodes_to(as_bytes(packet(0xE0, {0x00, 0x00})), from_client, packet(0xE0, {})));
    EXPECT_TRUE(
        reencodes_to(as_bytes(packet(0xE0, {0x8E, 0x00})), from_server, packet(0xE0, {0x8E})));
    const user_property users[] = {{"a", "b"}};
    disconnect_packet d;
    d.properties.user_properties = users;
    builder body;
    body.u8(0x00).props(builder{}.raw({0x26}).str("a").str("b").b);
    EXPECT_EQ(encode_ok(d, from_server), packet(0xE0, body.b));
}

/** DISCONNECT Reason Codes by sender, from the "Sent by" column of 5.0 §3.14.2.1. */
enum class sent_by { nobody, client, server, both };

sent_by disconnect_sender(unsigned code) {
    switch (code) {
        case 0x04: return sent_by::client;
        case 0x87:
        case 0x89:
        case 0x8B:
        case 0x8D:
        case 0x8E:
        case 0x8F:
        case 0x9A:
        case 0x9B:
        case 0x9C:
        case 0x9D:
        case 0x9E:
        case 0x9F:
        case 0xA0:
        case 0xA1:
        case 0xA2:
        // 0x8C Bad authentication method: Table 2-6 lists it for DISCONNECT, the DISCONNECT
        // table does not; mqttwire lets a server send it (the side that judges authentication).
        case 0x8C: return sent_by::server;
        case 0x00:
        case 0x80:
        case 0x81:
        case 0x82:
        case 0x83:
        case 0x90:
        case 0x93:
        case 0x94:
        case 0x95:
        case 0x96:
        case 0x97:
        case 0x98:
        case 0x99: return sent_by::both;
        default: return sent_by::nobody;
    }
}

TEST(V5Disconnect, MQTT_3_14_2_1_ReasonCodesOfTheOtherSideAreNotForSender) {
    for (unsigned code = 0; code < 256; ++code) {
        for (const codec_options& opts : {from_client, from_server}) {
            SCOPED_TRACE(testing::Message() << "code 0x" << std::hex << code << " from "
                                            << (opts.from == sender::client ? "client" : "server"));
            const sent_by who = disconnect_sender(code);
            const bool mine = who == sent_by::both ||
                              (who == sent_by::client && opts.from == sender::client) ||
                              (who == sent_by::server && opts.from == sender::server);
            disconnect_packet d;
            d.reason = static_cast<reason_code>(code);
            for (const bytes& b : {packet(0xE0, {code}), packet(0xE0, {code, 0x00})}) {
                if (mine) {
                    EXPECT_TRUE(accepts(V5_DECODER(decode_disconnect), b, opts));
                } else if (who != sent_by::nobody) {
                    EXPECT_TRUE(rejects(V5_DECODER(decode_disconnect), b, opts,
                                        {errc::reason_code_not_for_sender, 2, "MQTT-3.14.2-1",
                                         reason_code::protocol_error}));
                } else {
                    EXPECT_TRUE(rejects(V5_DECODER(decode_disconnect), b, opts,
                                        {errc::reason_code_invalid, 2, "MQTT-3.14.2-1",
                                         reason_code::protocol_error}));
                }
            }
            if (mine) {
                EXPECT_EQ(encode_ok(d, opts), code == 0 ? packet(0xE0, {}) : packet(0xE0, {code}));
            } else if (who != sent_by::nobody) {
                EXPECT_TRUE(refuses(d, opts,
                                    {errc::reason_code_not_for_sender, 0, "MQTT-3.14.2-1",
                                     reason_code::protocol_error}));
            } else {
                EXPECT_TRUE(refuses(
                    d, opts,
                    {errc::reason_code_invalid, 0, "MQTT-3.14.2-1", reason_code::protocol_error}));
            }
        }
    }
}

// =============================================================================================
// AUTH
// =============================================================================================

TEST(V5Auth, KnownAnswersInAllThreeLengths) {
    for (const codec_options& opts : {from_client, from_server}) {
        SCOPED_TRACE(opts.from == sender::client ? "from client" : "from server");
        const auto a0 = decode_auth(in(kat::auth_rl0), opts);
        ASSERT_TRUE(a0.has_value());
        EXPECT_EQ(a0->reason, reason_code::success);
        EXPECT_TRUE(a0->properties.empty());
        EXPECT_EQ(encode_ok(auth_packet{}, opts), to_bytes(kat::auth_rl0));

        const auto a1 = decode_auth(in(kat::auth_rl1), opts);
        ASSERT_TRUE(a1.has_value());
        EXPECT_EQ(a1->reason, reason_code::re_authenticate);
        EXPECT_TRUE(a1->properties.empty());
        auth_packet p1;
        p1.reason = reason_code::re_authenticate;
        EXPECT_EQ(encode_ok(p1, opts), to_bytes(kat::auth_rl1));

        const auto a2 = decode_auth(in(kat::auth_full), opts);
        ASSERT_TRUE(a2.has_value()) << name(a2.error().code);
        EXPECT_EQ(a2->reason, reason_code::continue_authentication);
        EXPECT_TRUE(holds_exactly(
            a2->properties, {property_id::authentication_method, property_id::authentication_data,
                             property_id::reason_string, property_id::user_property}));
        EXPECT_EQ(a2->properties.authentication_method(), "SCRAM-SHA-1");
        EXPECT_EQ(bytes_of(a2->properties.authentication_data()), (bytes{0x72, 0x3D}));
        EXPECT_EQ(a2->properties.reason_string(), "step 2");
        EXPECT_EQ(user_properties_of(a2->properties),
                  (std::vector<user_property_view>{{"k", "v"}}));
        const user_property users[] = {{"k", "v"}};
        auth_packet p2;
        p2.reason = reason_code::continue_authentication;
        p2.properties.authentication_method = "SCRAM-SHA-1";
        p2.properties.authentication_data = as_span("r=");
        p2.properties.reason_string = "step 2";
        p2.properties.user_properties = users;
        EXPECT_EQ(encode_ok(p2, opts), to_bytes(kat::auth_full));

        EXPECT_TRUE(reencodes_to(in(kat::auth_rl0), opts, to_bytes(kat::auth_rl0)));
        EXPECT_TRUE(reencodes_to(in(kat::auth_rl1), opts, to_bytes(kat::auth_rl1)));
        EXPECT_TRUE(reencodes_to(in(kat::auth_full), opts, to_bytes(kat::auth_full)));
    }
}

TEST(V5Auth, EncoderEmitsShortestForm) {
    EXPECT_TRUE(reencodes_to(as_bytes(packet(0xF0, {0x00})), from_client, packet(0xF0, {})));
    EXPECT_TRUE(reencodes_to(as_bytes(packet(0xF0, {0x00, 0x00})), from_client, packet(0xF0, {})));
    EXPECT_TRUE(
        reencodes_to(as_bytes(packet(0xF0, {0x18, 0x00})), from_server, packet(0xF0, {0x18})));
}

// =============================================================================================
// Every known answer through the generic decode(): right alternative, right type.
// =============================================================================================

TEST(V5Decode, GenericDecodeDispatchesEveryKnownAnswer) {
    struct item {
        std::span<const std::byte> packet;
        codec_options opts;
        packet_type type;
    };
    const item items[] = {
        {in(kat::connect_full), from_client, packet_type::connect},
        {in(kat::connack_full), from_server, packet_type::connack},
        {in(kat::publish_full), from_server, packet_type::publish},
        {in(kat::puback_rl4), from_client, packet_type::puback},
        {in(kat::pubrec_rl4), from_client, packet_type::pubrec},
        {in(kat::pubrel_rl4), from_client, packet_type::pubrel},
        {in(kat::pubcomp_rl4), from_client, packet_type::pubcomp},
        {in(kat::subscribe_full), from_client, packet_type::subscribe},
        {in(kat::suback_full), from_server, packet_type::suback},
        {in(kat::unsubscribe_full), from_client, packet_type::unsubscribe},
        {in(kat::unsuback_full), from_server, packet_type::unsuback},
        {in(kat::pingreq), from_client, packet_type::pingreq},
        {in(kat::pingresp), from_server, packet_type::pingresp},
        {in(kat::disconnect_server_props), from_server, packet_type::disconnect},
        {in(kat::auth_full), from_client, packet_type::auth},
    };
    for (const item& it : items) {
        SCOPED_TRACE(name(it.type));
        const auto v = decode(it.packet, it.opts);
        ASSERT_TRUE(v.has_value()) << name(v.error().code);
        EXPECT_EQ(type_of(*v), it.type);
        EXPECT_EQ(v->index() + 1, static_cast<std::size_t>(it.type));
        // Asking for the wrong packet type is a mismatch, not a misparse.
        if (it.type != packet_type::publish) {
            const auto p = decode_publish(it.packet, it.opts);
            ASSERT_FALSE(p.has_value());
            EXPECT_EQ(p.error().code, errc::packet_type_mismatch);
        }
    }
}

}  // namespace
