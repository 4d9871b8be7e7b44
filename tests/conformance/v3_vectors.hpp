// Known-answer byte vectors for MQTT 3.1.1 and 3.1, every packet type in its legal direction,
// one comment per field. The conformance suites decode and re-encode them; the framing and
// allocation tests walk the whole list.
#pragma once

#include <mqttwire/mqttwire.hpp>
#include <span>
#include <string_view>

namespace mqttwire_test {

struct known_vector {
    std::string_view name;
    mqttwire::protocol_version version;
    mqttwire::sender from;
    std::span<const unsigned char> bytes;
};

namespace v311 {

// CONNECT, the least a client can send.
inline constexpr unsigned char connect_minimal[] = {
    0x10, 0x0E,                    // CONNECT, Remaining Length 14
    0x00, 0x04, 'M', 'Q', 'T', 'T',  // Protocol Name "MQTT"
    0x04,                          // Protocol Level 4 (3.1.1)
    0x02,                          // Connect Flags: CleanSession
    0x00, 0x3C,                    // Keep Alive 60 s
    0x00, 0x02, 'c', '1',          // Client Identifier "c1"
};

// CONNECT with the flags and keep alive of the 3.1.1 spec's variable header example (§3.1.2.10,
// Figure 3.6: flags 0xCE, keep alive 10) and every payload field (§3.1.3 order).
inline constexpr unsigned char connect_full[] = {
    0x10, 0x1F,                    // CONNECT, Remaining Length 31
    0x00, 0x04, 'M', 'Q', 'T', 'T',  // Protocol Name "MQTT"
    0x04,                          // Protocol Level 4
    0xCE,                          // User Name, Password, Will QoS 1, Will Flag, CleanSession
    0x00, 0x0A,                    // Keep Alive 10 s
    0x00, 0x02, 'i', 'd',          // Client Identifier "id"
    0x00, 0x03, 'w', '/', 't',     // Will Topic "w/t"
    0x00, 0x03, 'b', 'y', 'e',     // Will Message "bye"
    0x00, 0x01, 'u',               // User Name "u"
    0x00, 0x02, 0x01, 0x02,        // Password 01 02
};

// CONNECT with a zero-byte Client Identifier (allowed with CleanSession 1, MQTT-3.1.3-6/-7).
inline constexpr unsigned char connect_empty_client_id[] = {
    0x10, 0x0C,                    // CONNECT, Remaining Length 12
    0x00, 0x04, 'M', 'Q', 'T', 'T',  // Protocol Name
    0x04,                          // Protocol Level 4
    0x02,                          // Connect Flags: CleanSession
    0x00, 0x00,                    // Keep Alive 0 (off)
    0x00, 0x00,                    // Client Identifier "" (zero bytes)
};

// CONNECT with a retained QoS 2 will whose message is empty.
inline constexpr unsigned char connect_will_qos2_retain[] = {
    0x10, 0x12,                    // CONNECT, Remaining Length 18
    0x00, 0x04, 'M', 'Q', 'T', 'T',  // Protocol Name
    0x04,                          // Protocol Level 4
    0x36,                          // Will Retain, Will QoS 2, Will Flag, CleanSession
    0xFF, 0xFF,                    // Keep Alive 65535 s
    0x00, 0x01, 'c',               // Client Identifier "c"
    0x00, 0x01, 't',               // Will Topic "t"
    0x00, 0x00,                    // Will Message: zero bytes
};

// CONNECT with a user name and no password, CleanSession 0.
inline constexpr unsigned char connect_user_only[] = {
    0x10, 0x1B,                    // CONNECT, Remaining Length 27
    0x00, 0x04, 'M', 'Q', 'T', 'T',  // Protocol Name
    0x04,                          // Protocol Level 4
    0x80,                          // Connect Flags: User Name only, CleanSession 0
    0x00, 0x1E,                    // Keep Alive 30 s
    0x00, 0x08, 'c', 'l', 'i', 'e', 'n', 't', '-', '1',  // Client Identifier "client-1"
    0x00, 0x05, 'a', 'l', 'i', 'c', 'e',                 // User Name "alice"
};

inline constexpr unsigned char connack_accepted[] = {
    0x20, 0x02,  // CONNACK, Remaining Length 2
    0x00,        // Connect Acknowledge Flags: Session Present 0
    0x00,        // Return code 0: Connection Accepted
};

inline constexpr unsigned char connack_session_present[] = {
    0x20, 0x02,  // CONNACK, Remaining Length 2
    0x01,        // Session Present 1
    0x00,        // Connection Accepted
};

inline constexpr unsigned char connack_not_authorized[] = {
    0x20, 0x02,  // CONNACK, Remaining Length 2
    0x00,        // Session Present 0 (MQTT-3.2.2-4)
    0x05,        // Return code 5: not authorized
};

inline constexpr unsigned char publish_qos0[] = {
    0x30, 0x07,                // PUBLISH, QoS 0, Remaining Length 7
    0x00, 0x03, 'a', '/', 'b',  // Topic Name "a/b"
    'h', 'i',                  // Payload "hi"
};

// The variable header is the 3.1.1 spec's PUBLISH example (§3.3.2.3, Figure 3.11).
inline constexpr unsigned char publish_qos1[] = {
    0x32, 0x0A,                // PUBLISH, QoS 1, Remaining Length 10
    0x00, 0x03, 'a', '/', 'b',  // Topic Name "a/b"
    0x00, 0x0A,                // Packet Identifier 10
    0x01, 0x02, 0x03,          // Payload
};

inline constexpr unsigned char publish_qos2_dup_retain[] = {
    0x3D, 0x05,       // PUBLISH, DUP, QoS 2, RETAIN, Remaining Length 5
    0x00, 0x01, 'x',  // Topic Name "x"
    0xFF, 0xFF,       // Packet Identifier 65535
                      // Payload: zero bytes
};

// The topic is the 3.1.1 spec's UTF-8 example "A𪛔" (§1.5.3, Figure 1.3: U+0041 U+2A6D4).
inline constexpr unsigned char publish_utf8_topic[] = {
    0x31, 0x07,                          // PUBLISH, QoS 0, RETAIN, Remaining Length 7
    0x00, 0x05, 0x41, 0xF0, 0xAA, 0x9B, 0x94,  // Topic Name "A\U0002A6D4"
};

inline constexpr unsigned char puback[] = {
    0x40, 0x02,  // PUBACK, Remaining Length 2
    0x00, 0x0A,  // Packet Identifier 10
};
inline constexpr unsigned char pubrec[] = {
    0x50, 0x02,  // PUBREC, Remaining Length 2
    0x00, 0x0B,  // Packet Identifier 11
};
inline constexpr unsigned char pubrel[] = {
    0x62, 0x02,  // PUBREL, flags 0010 (MQTT-3.6.1-1), Remaining Length 2
    0x00, 0x0C,  // Packet Identifier 12
};
inline constexpr unsigned char pubcomp[] = {
    0x70, 0x02,  // PUBCOMP, Remaining Length 2
    0x01, 0x0D,  // Packet Identifier 269
};

// The 3.1.1 spec's SUBSCRIBE example (§3.8.2 Figure 3.21 identifier 10, §3.8.3 Figure 3.23).
inline constexpr unsigned char subscribe[] = {
    0x82, 0x0E,                // SUBSCRIBE, flags 0010 (MQTT-3.8.1-1), Remaining Length 14
    0x00, 0x0A,                // Packet Identifier 10
    0x00, 0x03, 'a', '/', 'b',  // Topic Filter "a/b"
    0x01,                      // Requested QoS 1
    0x00, 0x03, 'c', '/', 'd',  // Topic Filter "c/d"
    0x02,                      // Requested QoS 2
};

// The 3.1.1 spec's SUBACK example (§3.9.3, Figure 3.26): granted QoS 0, QoS 2, Failure.
inline constexpr unsigned char suback[] = {
    0x90, 0x05,        // SUBACK, Remaining Length 5
    0x00, 0x0A,        // Packet Identifier 10
    0x00, 0x02, 0x80,  // Return codes: QoS 0, QoS 2, Failure
};

// The 3.1.1 spec's UNSUBSCRIBE example (§3.10.3, Figure 3.30).
inline constexpr unsigned char unsubscribe[] = {
    0xA2, 0x0C,                // UNSUBSCRIBE, flags 0010 (MQTT-3.10.1-1), Remaining Length 12
    0x00, 0x0A,                // Packet Identifier 10
    0x00, 0x03, 'a', '/', 'b',  // Topic Filter "a/b"
    0x00, 0x03, 'c', '/', 'd',  // Topic Filter "c/d"
};

inline constexpr unsigned char unsuback[] = {
    0xB0, 0x02,  // UNSUBACK, Remaining Length 2
    0x00, 0x0A,  // Packet Identifier 10
};
inline constexpr unsigned char pingreq[] = {0xC0, 0x00};     // PINGREQ, Remaining Length 0
inline constexpr unsigned char pingresp[] = {0xD0, 0x00};    // PINGRESP, Remaining Length 0
inline constexpr unsigned char disconnect[] = {0xE0, 0x00};  // DISCONNECT, Remaining Length 0

}  // namespace v311

namespace v31 {

inline constexpr unsigned char connect_minimal[] = {
    0x10, 0x10,                                  // CONNECT, Remaining Length 16
    0x00, 0x06, 'M', 'Q', 'I', 's', 'd', 'p',    // Protocol Name "MQIsdp"
    0x03,                                        // Protocol Level 3 (3.1)
    0x02,                                        // Connect Flags: CleanSession
    0x00, 0x3C,                                  // Keep Alive 60 s
    0x00, 0x02, 'c', '1',                        // Client Identifier "c1"
};

inline constexpr unsigned char connect_full[] = {
    0x10, 0x21,                                  // CONNECT, Remaining Length 33
    0x00, 0x06, 'M', 'Q', 'I', 's', 'd', 'p',    // Protocol Name "MQIsdp"
    0x03,                                        // Protocol Level 3
    0xCE,                                        // User Name, Password, Will QoS 1, Will, Clean
    0x00, 0x0A,                                  // Keep Alive 10 s
    0x00, 0x02, 'i', 'd',                        // Client Identifier "id"
    0x00, 0x03, 'w', '/', 't',                   // Will Topic "w/t"
    0x00, 0x03, 'b', 'y', 'e',                   // Will Message "bye"
    0x00, 0x01, 'u',                             // User Name "u"
    0x00, 0x02, 'p', 'w',                        // Password "pw"
};

// The longest Client Identifier 3.1 allows: 23 characters.
inline constexpr unsigned char connect_client_id_23[] = {
    0x10, 0x25,                                  // CONNECT, Remaining Length 37
    0x00, 0x06, 'M', 'Q', 'I', 's', 'd', 'p',    // Protocol Name "MQIsdp"
    0x03,                                        // Protocol Level 3
    0x00,                                        // Connect Flags: CleanSession 0
    0x00, 0x00,                                  // Keep Alive 0
    0x00, 0x17,                                  // Client Identifier, 23 bytes:
    'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l',
    'm', 'n', 'o', 'p', 'q', 'r', 's', 't', 'u', 'v', 'w',
};

inline constexpr unsigned char connack_accepted[] = {
    0x20, 0x02,  // CONNACK, Remaining Length 2
    0x00,        // Topic Name Compression Response (reserved)
    0x00,        // Return code 0: Connection Accepted
};
inline constexpr unsigned char connack_identifier_rejected[] = {
    0x20, 0x02,  // CONNACK, Remaining Length 2
    0x00,        // reserved
    0x02,        // Return code 2: identifier rejected
};

// 3.1 does not forbid DUP on QoS 0 (3.1.1 MQTT-3.3.1-2 does).
inline constexpr unsigned char publish_qos0_dup[] = {
    0x38, 0x05,                // PUBLISH, DUP, QoS 0, Remaining Length 5
    0x00, 0x03, 'a', '/', 'b',  // Topic Name "a/b"
};
inline constexpr unsigned char publish_qos1[] = {
    0x32, 0x07,       // PUBLISH, QoS 1, Remaining Length 7
    0x00, 0x01, 't',  // Topic Name "t"
    0x00, 0x01,       // Message ID 1
    'o', 'k',         // Payload "ok"
};
inline constexpr unsigned char puback[] = {0x40, 0x02, 0x00, 0x07};  // PUBACK, Message ID 7
inline constexpr unsigned char pubrec[] = {0x50, 0x02, 0x00, 0x07};  // PUBREC, Message ID 7
inline constexpr unsigned char pubrel[] = {0x62, 0x02, 0x00, 0x07};  // PUBREL, QoS 1, ID 7
// 3.1 re-delivers PUBREL, SUBSCRIBE and UNSUBSCRIBE with DUP set: flags 1010.
inline constexpr unsigned char pubrel_dup[] = {0x6A, 0x02, 0x00, 0x07};  // PUBREL, DUP, QoS 1
inline constexpr unsigned char pubcomp[] = {0x70, 0x02, 0x00, 0x07};     // PUBCOMP, ID 7

inline constexpr unsigned char subscribe[] = {
    0x82, 0x06,       // SUBSCRIBE, QoS 1, Remaining Length 6
    0x00, 0x07,       // Message ID 7
    0x00, 0x01, 't',  // Topic "t"
    0x01,             // Requested QoS 1
};
inline constexpr unsigned char subscribe_dup[] = {
    0x8A, 0x06,       // SUBSCRIBE, DUP, QoS 1, Remaining Length 6
    0x00, 0x07,       // Message ID 7
    0x00, 0x01, 't',  // Topic "t"
    0x01,             // Requested QoS 1
};
inline constexpr unsigned char suback[] = {
    0x90, 0x03,  // SUBACK, Remaining Length 3
    0x00, 0x07,  // Message ID 7
    0x01,        // Granted QoS 1
};
inline constexpr unsigned char unsubscribe[] = {
    0xA2, 0x05,       // UNSUBSCRIBE, QoS 1, Remaining Length 5
    0x00, 0x07,       // Message ID 7
    0x00, 0x01, 't',  // Topic "t"
};
inline constexpr unsigned char unsubscribe_dup[] = {
    0xAA, 0x05,       // UNSUBSCRIBE, DUP, QoS 1, Remaining Length 5
    0x00, 0x07,       // Message ID 7
    0x00, 0x01, 't',  // Topic "t"
};
inline constexpr unsigned char unsuback[] = {0xB0, 0x02, 0x00, 0x07};  // UNSUBACK, ID 7
inline constexpr unsigned char pingreq[] = {0xC0, 0x00};               // PINGREQ
inline constexpr unsigned char pingresp[] = {0xD0, 0x00};              // PINGRESP
inline constexpr unsigned char disconnect[] = {0xE0, 0x00};            // DISCONNECT

}  // namespace v31

/** Every vector above, with the version and sender to decode it under. */
inline constexpr known_vector v3_vectors[] = {
    {"v311/connect_minimal", mqttwire::protocol_version::v3_1_1, mqttwire::sender::client,
     v311::connect_minimal},
    {"v311/connect_full", mqttwire::protocol_version::v3_1_1, mqttwire::sender::client,
     v311::connect_full},
    {"v311/connect_empty_client_id", mqttwire::protocol_version::v3_1_1,
     mqttwire::sender::client, v311::connect_empty_client_id},
    {"v311/connect_will_qos2_retain", mqttwire::protocol_version::v3_1_1,
     mqttwire::sender::client, v311::connect_will_qos2_retain},
    {"v311/connect_user_only", mqttwire::protocol_version::v3_1_1, mqttwire::sender::client,
     v311::connect_user_only},
    {"v311/connack_accepted", mqttwire::protocol_version::v3_1_1, mqttwire::sender::server,
     v311::connack_accepted},
    {"v311/connack_session_present", mqttwire::protocol_version::v3_1_1,
     mqttwire::sender::server, v311::connack_session_present},
    {"v311/connack_not_authorized", mqttwire::protocol_version::v3_1_1,
     mqttwire::sender::server, v311::connack_not_authorized},
    {"v311/publish_qos0", mqttwire::protocol_version::v3_1_1, mqttwire::sender::client,
     v311::publish_qos0},
    {"v311/publish_qos1", mqttwire::protocol_version::v3_1_1, mqttwire::sender::server,
     v311::publish_qos1},
    {"v311/publish_qos2_dup_retain", mqttwire::protocol_version::v3_1_1,
     mqttwire::sender::client, v311::publish_qos2_dup_retain},
    {"v311/publish_utf8_topic", mqttwire::protocol_version::v3_1_1, mqttwire::sender::client,
     v311::publish_utf8_topic},
    {"v311/puback", mqttwire::protocol_version::v3_1_1, mqttwire::sender::client, v311::puback},
    {"v311/pubrec", mqttwire::protocol_version::v3_1_1, mqttwire::sender::server, v311::pubrec},
    {"v311/pubrel", mqttwire::protocol_version::v3_1_1, mqttwire::sender::client, v311::pubrel},
    {"v311/pubcomp", mqttwire::protocol_version::v3_1_1, mqttwire::sender::server,
     v311::pubcomp},
    {"v311/subscribe", mqttwire::protocol_version::v3_1_1, mqttwire::sender::client,
     v311::subscribe},
    {"v311/suback", mqttwire::protocol_version::v3_1_1, mqttwire::sender::server, v311::suback},
    {"v311/unsubscribe", mqttwire::protocol_version::v3_1_1, mqttwire::sender::client,
     v311::unsubscribe},
    {"v311/unsuback", mqttwire::protocol_version::v3_1_1, mqttwire::sender::server,
     v311::unsuback},
    {"v311/pingreq", mqttwire::protocol_version::v3_1_1, mqttwire::sender::client,
     v311::pingreq},
    {"v311/pingresp", mqttwire::protocol_version::v3_1_1, mqttwire::sender::server,
     v311::pingresp},
    {"v311/disconnect", mqttwire::protocol_version::v3_1_1, mqttwire::sender::client,
     v311::disconnect},
    {"v31/connect_minimal", mqttwire::protocol_version::v3_1, mqttwire::sender::client,
     v31::connect_minimal},
    {"v31/connect_full", mqttwire::protocol_version::v3_1, mqttwire::sender::client,
     v31::connect_full},
    {"v31/connect_client_id_23", mqttwire::protocol_version::v3_1, mqttwire::sender::client,
     v31::connect_client_id_23},
    {"v31/connack_accepted", mqttwire::protocol_version::v3_1, mqttwire::sender::server,
     v31::connack_accepted},
    {"v31/connack_identifier_rejected", mqttwire::protocol_version::v3_1,
     mqttwire::sender::server, v31::connack_identifier_rejected},
    {"v31/publish_qos0_dup", mqttwire::protocol_version::v3_1, mqttwire::sender::client,
     v31::publish_qos0_dup},
    {"v31/publish_qos1", mqttwire::protocol_version::v3_1, mqttwire::sender::server,
     v31::publish_qos1},
    {"v31/puback", mqttwire::protocol_version::v3_1, mqttwire::sender::client, v31::puback},
    {"v31/pubrec", mqttwire::protocol_version::v3_1, mqttwire::sender::server, v31::pubrec},
    {"v31/pubrel", mqttwire::protocol_version::v3_1, mqttwire::sender::client, v31::pubrel},
    {"v31/pubrel_dup", mqttwire::protocol_version::v3_1, mqttwire::sender::client,
     v31::pubrel_dup},
    {"v31/pubcomp", mqttwire::protocol_version::v3_1, mqttwire::sender::server, v31::pubcomp},
    {"v31/subscribe", mqttwire::protocol_version::v3_1, mqttwire::sender::client,
     v31::subscribe},
    {"v31/subscribe_dup", mqttwire::protocol_version::v3_1, mqttwire::sender::client,
     v31::subscribe_dup},
    {"v31/suback", mqttwire::protocol_version::v3_1, mqttwire::sender::server, v31::suback},
    {"v31/unsubscribe", mqttwire::protocol_version::v3_1, mqttwire::sender::client,
     v31::unsubscribe},
    {"v31/unsubscribe_dup", mqttwire::protocol_version::v3_1, mqttwire::sender::client,
     v31::unsubscribe_dup},
    {"v31/unsuback", mqttwire::protocol_version::v3_1, mqttwire::sender::server, v31::unsuback},
    {"v31/pingreq", mqttwire::protocol_version::v3_1, mqttwire::sender::client, v31::pingreq},
    {"v31/pingresp", mqttwire::protocol_version::v3_1, mqttwire::sender::server, v31::pingresp},
    {"v31/disconnect", mqttwire::protocol_version::v3_1, mqttwire::sender::client,
     v31::disconnect},
};

}  // namespace mqttwire_test
