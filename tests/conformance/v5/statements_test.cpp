// MQTT 5.0 normative statements a stateless codec can show: one test per statement (named by
// its id, the 5.0 numbering of ../shared/spec/mqtt-5.0.md), each a decode that must be refused
// with the right errc, offset, statement and reason code, and, where a packet struct can
// express the same fault, an encode that must be refused the same way.
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <mqttwire/mqttwire.hpp>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "v5_test_util.hpp"

namespace {

using namespace v5test;

constexpr reason_code malformed = reason_code::malformed_packet;
constexpr reason_code protocol = reason_code::protocol_error;

// ---------------------------------------------------------------------------------------------
// Packet builders (5.0). Offsets below assume a one-byte Remaining Length (bodies < 128 bytes).
// ---------------------------------------------------------------------------------------------

/** CONNECT: name @2, level @8, flags @9, keep alive @10, Property Length @12. */
bytes connect_bytes(unsigned flags, const bytes& props, const bytes& payload,
                    std::string_view protocol_name = "MQTT", unsigned level = 5) {
    builder b;
    b.str(protocol_name).u8(level).u8(flags).u16(30).props(props).raw(payload);
    return packet(0x10, b.b);
}

/** PUBLISH: Topic Name length @2, topic @4; `packet_id` < 0 leaves it out. */
bytes publish_bytes(unsigned first, std::string_view topic, int packet_id, const bytes& props,
                    const bytes& payload = {}) {
    builder b;
    b.str(topic);
    if (packet_id >= 0) b.u16(static_cast<unsigned>(packet_id));
    b.props(props).raw(payload);
    return packet(first, b.b);
}

/** SUBSCRIBE with Packet Identifier 1: Property Length @4. */
bytes subscribe_bytes(const bytes& props, const bytes& entries) {
    builder b;
    b.u16(1).props(props).raw(entries);
    return packet(0x82, b.b);
}

/** UNSUBSCRIBE with Packet Identifier 1: Property Length @4. */
bytes unsubscribe_bytes(const bytes& props, const bytes& filters) {
    builder b;
    b.u16(1).props(props).raw(filters);
    return packet(0xA2, b.b);
}

bytes str_field(std::string_view s) { return builder{}.str(s).b; }

const std::vector<std::string_view> ill_formed_utf8 = {
    "\xC3",              // truncated 2-byte sequence
    "\xC0\x80",          // overlong NUL
    "\xC1\xBF",          // overlong
    "\xE0\x80\x80",      // overlong 3-byte
    "\xF0\x80\x80\x80",  // overlong 4-byte
    "\xF4\x90\x80\x80",  // above U+10FFFF
    "\xF5\x80\x80\x80",  // invalid lead byte
    "\x80",              // lone continuation byte
    "\xE2\x28\xA1",      // bad continuation
    "\xFF",
};

// =============================================================================================
// 1.5 Data representation
// =============================================================================================

TEST(V5Publish, MQTT_1_5_4_1_IllFormedUtf8InTopicIsMalformed) {
    for (std::string_view bad : ill_formed_utf8) {
        SCOPED_TRACE(testing::PrintToString(bad));
        const std::string topic = "a/" + std::string(bad);
        const expected_error x{errc::utf8_ill_formed, 6, "MQTT-1.5.4-1", malformed};
        EXPECT_TRUE(rejects(V5_DECODER(decode_publish), publish_bytes(0x30, topic, -1, {}),
                            from_client, x));
        publish_packet p;
        p.topic_name = topic;
        EXPECT_TRUE(refuses(p, from_client, {errc::utf8_ill_formed, 0, "MQTT-1.5.4-1", malformed}));
    }
}

TEST(V5Publish, MQTT_1_5_4_1_SurrogateInTopicIsMalformed) {
    for (std::string_view surrogate : {"\xED\xA0\x80", "\xED\xBF\xBF", "\xED\xB0\x80"}) {
        const std::string topic = "ab" + std::string(surrogate);
        EXPECT_TRUE(rejects(V5_DECODER(decode_publish), publish_bytes(0x30, topic, -1, {}),
                            from_client, {errc::utf8_surrogate, 6, "MQTT-1.5.4-1", malformed}));
        publish_packet p;
        p.topic_name = topic;
        EXPECT_TRUE(refuses(p, from_client, {errc::utf8_surrogate, 0, "MQTT-1.5.4-1", malformed}));
    }
    // U+D7FF and U+E000, the neighbours of the surrogate block, are fine.
    for (std::string_view ok : {"\xED\x9F\xBF", "\xEE\x80\x80"})
        EXPECT_TRUE(
            accepts(V5_DECODER(decode_publish), publish_bytes(0x30, ok, -1, {}), from_client));
}

TEST(V5Connect, MQTT_1_5_4_1_IllFormedUtf8InEveryStringFieldIsMalformed) {
    // Client Identifier @15, then a will (no properties), topic, payload, user name.
    const expected_error client_id{errc::utf8_ill_formed, 15, "MQTT-1.5.4-1", malformed};
    EXPECT_TRUE(rejects(V5_DECODER(decode_connect), connect_bytes(0x02, {}, str_field("\xFF")),
                        from_client, client_id));
    const bytes will_topic = builder{}.str("c").u8(0).str("t\xFF").u16(0).b;
    EXPECT_TRUE(rejects(V5_DECODER(decode_connect), connect_bytes(0x06, {}, will_topic),
                        from_client, {errc::utf8_ill_formed, 20, "MQTT-1.5.4-1", malformed}));
    const bytes user = builder{}.str("c").str("\xC0\x80").b;
    EXPECT_TRUE(rejects(V5_DECODER(decode_connect), connect_bytes(0x82, {}, user), from_client,
                        {errc::utf8_ill_formed, 18, "MQTT-1.5.4-1", malformed}));
    // Binary Data is not text: a password of any bytes is fine.
    const bytes password = builder{}.str("c").str(std::string_view("\xFF\x00\xC0", 3)).b;
    EXPECT_TRUE(
        accepts(V5_DECODER(decode_connect), connect_bytes(0x42, {}, password), from_client));
}

TEST(V5Publish, MQTT_1_5_4_2_NullCharacterIsMalformed) {
    const std::string topic("a\0b", 3);
    EXPECT_TRUE(rejects(V5_DECODER(decode_publish), publish_bytes(0x30, topic, -1, {}), from_client,
                        {errc::utf8_null_character, 5, "MQTT-1.5.4-2", malformed}));
    publish_packet p;
    p.topic_name = topic;
    EXPECT_TRUE(refuses(p, from_client, {errc::utf8_null_character, 0, "MQTT-1.5.4-2", malformed}));
    // In a property string too (Content Type: identifier @6, text @9).
    const bytes props = builder{}.u8(0x03).str(std::string("x\0", 2)).b;
    EXPECT_TRUE(rejects(V5_DECODER(decode_publish), publish_bytes(0x30, "t", -1, props),
                        from_client, {errc::utf8_null_character, 10, "MQTT-1.5.4-2", malformed}));
}

TEST(V5Publish, MQTT_1_5_4_3_ByteOrderMarkIsKeptNotStripped) {
    const std::string topic =
        "\xEF\xBB\xBF"
        "a/b";
    const bytes props = builder{}.u8(0x26).str("\xEF\xBB\xBFk").str("v\xEF\xBB\xBF").b;
    const bytes b = publish_bytes(0x30, topic, -1, props);
    const auto r = decode_publish(std::span<const std::uint8_t>(b), from_client);
    ASSERT_TRUE(r.has_value()) << name(r.error().code);
    EXPECT_EQ(r->topic_name, topic);
    EXPECT_EQ(user_properties_of(r->properties),
              (std::vector<user_property_view>{{"\xEF\xBB\xBFk", "v\xEF\xBB\xBF"}}));
    const user_property users[] = {{"\xEF\xBB\xBFk", "v\xEF\xBB\xBF"}};
    publish_packet p;
    p.topic_name = topic;
    p.properties.user_properties = users;
    EXPECT_EQ(encode_ok(p, from_client), b);
}

TEST(V5Publish, MQTT_1_5_5_1_NonMinimalVariableByteIntegersAreMalformed) {
    // Remaining Length 4 spelled 84 00.
    EXPECT_TRUE(rejects(V5_DECODER(decode_publish), bytes{0x30, 0x84, 0x00, 0x00, 0x01, 't', 0x00},
                        from_client,
                        {errc::variable_byte_integer_not_minimal, 2, "MQTT-1.5.5-1", malformed}));
    // Property Length 0 spelled 80 00 (@5).
    EXPECT_TRUE(rejects(V5_DECODER(decode_publish),
                        packet(0x30, builder{}.str("t").raw({0x80, 0x00}).b), from_client,
                        {errc::variable_byte_integer_not_minimal, 5, "MQTT-1.5.5-1", malformed}));
    // Subscription Identifier 1 spelled 81 00 in a server's PUBLISH (@7).
    EXPECT_TRUE(rejects(V5_DECODER(decode_publish),
                        packet(0x30, builder{}.str("t").u8(3).raw({0x0B, 0x81, 0x00}).b),
                        from_server,
                        {errc::variable_byte_integer_not_minimal, 7, "MQTT-1.5.5-1", malformed}));
    // A five-byte Variable Byte Integer is no integer at all.
    EXPECT_TRUE(rejects(V5_DECODER(decode_publish),
                        packet(0x30, builder{}.str("t").raw({0x80, 0x80, 0x80, 0x80, 0x00}).b),
                        from_client, {errc::variable_byte_integer_too_long, 5, "", malformed}));
}

TEST(V5Subscribe, MQTT_1_5_5_1_EncoderWritesMinimalVariableByteIntegers) {
    const subscription list[] = {{"a"}};
    struct sample {
        std::uint32_t value;
        unsigned encoded[4];
        std::size_t size;
    };
    const sample samples[] = {
        {1, {0x01}, 1},
        {127, {0x7F}, 1},
        {128, {0x80, 0x01}, 2},
        {16383, {0xFF, 0x7F}, 2},
        {16384, {0x80, 0x80, 0x01}, 3},
        {2097151, {0xFF, 0xFF, 0x7F}, 3},
        {2097152, {0x80, 0x80, 0x80, 0x01}, 4},
        {268435455, {0xFF, 0xFF, 0xFF, 0x7F}, 4},
    };
    for (const sample& one : samples) {
        subscribe_packet pkt;
        pkt.packet_id = 1;
        pkt.subscriptions = list;
        pkt.properties.subscription_identifier = one.value;
        builder props;
        props.u8(0x0B);
        for (std::size_t i = 0; i < one.size; ++i) props.u8(one.encoded[i]);
        EXPECT_EQ(encode_ok(pkt, from_client),
                  subscribe_bytes(props.b, builder{}.str("a").u8(0).b));
    }
    // A Remaining Length of 128 takes two bytes.
    publish_packet p;
    p.topic_name = "t";
    const std::string payload(124, 'x');
    p.payload = as_span(payload);
    const bytes out = encode_ok(p, from_client);
    ASSERT_GE(out.size(), 3u);
    EXPECT_EQ(out[1], 0x80);
    EXPECT_EQ(out[2], 0x01);
}

TEST(V5Publish, MQTT_1_5_7_1_UserPropertyStringsMustBeWellFormed) {
    // Property Length @5, identifier @6, name length @7, name @9; value length @10, value @12.
    const bytes bad_name = builder{}.u8(0x26).str("\xFF").str("v").b;
    EXPECT_TRUE(rejects(V5_DECODER(decode_publish), publish_bytes(0x30, "t", -1, bad_name),
                        from_client, {errc::utf8_ill_formed, 9, "MQTT-1.5.7-1", malformed}));
    const bytes bad_value = builder{}.u8(0x26).str("k").str(std::string("\0", 1)).b;
    EXPECT_TRUE(rejects(V5_DECODER(decode_publish), publish_bytes(0x30, "t", -1, bad_value),
                        from_client, {errc::utf8_null_character, 12, "MQTT-1.5.7-1", malformed}));
    for (const user_property bad : {user_property{"\xFF", "v"}, user_property{"k", "\xC0\x80"}}) {
        const user_property users[] = {bad};
        publish_packet p;
        p.topic_name = "t";
        p.properties.user_properties = users;
        EXPECT_TRUE(refuses(p, from_client, {errc::utf8_ill_formed, 0, "MQTT-1.5.7-1", malformed}));
    }
}

// =============================================================================================
// 2 Control packet format
// =============================================================================================

struct flagged {
    const char* name;
    bytes packet;  // valid with the required flags
    codec_options opts;
    std::string_view statement;
};

std::vector<flagged> flagged_packets() {
    return {
        {"CONNECT", connect_bytes(0x02, {}, str_field("c")), from_client, "MQTT-2.1.3-1"},
        {"CONNACK", packet(0x20, {0x00, 0x00, 0x00}), from_server, "MQTT-2.1.3-1"},
        {"PUBACK", packet(0x40, {0x00, 0x01}), from_client, "MQTT-2.1.3-1"},
        {"PUBREC", packet(0x50, {0x00, 0x01}), from_client, "MQTT-2.1.3-1"},
        {"PUBREL", packet(0x62, {0x00, 0x01}), from_client, "MQTT-3.6.1-1"},
        {"PUBCOMP", packet(0x70, {0x00, 0x01}), from_client, "MQTT-2.1.3-1"},
        {"SUBSCRIBE", subscribe_bytes({}, builder{}.str("a").u8(0).b), from_client, "MQTT-3.8.1-1"},
        {"SUBACK", packet(0x90, {0x00, 0x01, 0x00, 0x00}), from_server, "MQTT-2.1.3-1"},
        {"UNSUBSCRIBE", unsubscribe_bytes({}, str_field("a")), from_client, "MQTT-3.10.1-1"},
        {"UNSUBACK", packet(0xB0, {0x00, 0x01, 0x00, 0x00}), from_server, "MQTT-2.1.3-1"},
        {"PINGREQ", packet(0xC0, {}), from_client, "MQTT-2.1.3-1"},
        {"PINGRESP", packet(0xD0, {}), from_server, "MQTT-2.1.3-1"},
        {"DISCONNECT", packet(0xE0, {}), from_client, "MQTT-3.14.1-1"},
        {"AUTH", packet(0xF0, {}), from_client, "MQTT-3.15.1-1"},
    };
}

/** Every other value of the low nibble is rejected; `only` selects packets by statement. */
void check_reserved_flags(std::string_view only) {
    int checked = 0;
    for (const flagged& f : flagged_packets()) {
        if (f.statement != only) continue;
        SCOPED_TRACE(f.name);
        EXPECT_TRUE(
            accepts([](auto s, const codec_options& o) { return decode(s, o); }, f.packet, f.opts));
        const unsigned good = f.packet[0] & 0x0Fu;
        for (unsigned flags = 0; flags < 16; ++flags) {
            if (flags == good) continue;
            bytes b = f.packet;
            b[0] = static_cast<std::uint8_t>((b[0] & 0xF0u) | flags);
            const auto r = decode(std::span<const std::uint8_t>(b), f.opts);
            ASSERT_FALSE(r.has_value()) << "flags " << flags;
            EXPECT_TRUE(
                matches(r.error(), {errc::fixed_header_flags_invalid, 0, f.statement, malformed}))
                << "flags " << flags;
            ++checked;
        }
    }
    EXPECT_GT(checked, 0);
}

TEST(V5FixedHeader, MQTT_2_1_3_1_ReservedFlagsMustHoldTheirValue) {
    check_reserved_flags("MQTT-2.1.3-1");
}
TEST(V5Pubrel, MQTT_3_6_1_1_FlagsOtherThan0010AreMalformed) {
    check_reserved_flags("MQTT-3.6.1-1");
}
TEST(V5Subscribe, MQTT_3_8_1_1_FlagsOtherThan0010AreMalformed) {
    check_reserved_flags("MQTT-3.8.1-1");
}
TEST(V5Unsubscribe, MQTT_3_10_1_1_FlagsOtherThan0010AreMalformed) {
    check_reserved_flags("MQTT-3.10.1-1");
}
TEST(V5Disconnect, MQTT_3_14_1_1_ReservedFlagsAreMalformed) {
    check_reserved_flags("MQTT-3.14.1-1");
}
TEST(V5Auth, MQTT_3_15_1_1_ReservedFlagsAreMalformed) { check_reserved_flags("MQTT-3.15.1-1"); }

TEST(V5Publish, MQTT_2_2_1_2_Qos0CarriesNoPacketIdentifier) {
    publish_packet p;
    p.topic_name = "t";
    p.packet_id = 7;
    EXPECT_TRUE(refuses(p, from_client, {errc::value_out_of_range, 0, "MQTT-2.2.1-2", malformed}));
    p.packet_id = 0;
    EXPECT_EQ(encode_ok(p, from_client), publish_bytes(0x30, "t", -1, {}));
    // A decoder cannot tell a stray identifier from the Property Length and payload that
    // follow the topic, so this one is the encoder's to enforce: 00 07 reads as Property
    // Length 0 and a payload starting with 07.
    const auto r =
        decode_publish(std::span<const std::uint8_t>(publish_bytes(0x30, "t", 7, {})), from_client);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->packet_id, 0);
    EXPECT_EQ(r->payload_size, 2u);
}

TEST(V5Publish, MQTT_2_2_1_3_PacketIdentifierZeroIsRefused) {
    // Not a `codec` statement (it also needs "currently unused"), but its non-zero half is
    // checkable from the bytes.
    EXPECT_TRUE(rejects(V5_DECODER(decode_publish), publish_bytes(0x32, "t", 0, {}), from_client,
                        {errc::packet_identifier_zero, 5, "MQTT-2.2.1-3", protocol}));
    EXPECT_TRUE(rejects(V5_DECODER(decode_publish), publish_bytes(0x34, "t", 0, {}), from_server,
                        {errc::packet_identifier_zero, 5, "MQTT-2.2.1-4", protocol}));
    publish_packet p;
    p.topic_name = "t";
    p.qos_level = qos::at_least_once;
    EXPECT_TRUE(
        refuses(p, from_client, {errc::packet_identifier_zero, 0, "MQTT-2.2.1-3", protocol}));
    EXPECT_TRUE(
        refuses(p, from_server, {errc::packet_identifier_zero, 0, "MQTT-2.2.1-4", protocol}));
    EXPECT_TRUE(rejects(V5_DECODER(decode_subscribe),
                        packet(0x82, builder{}.u16(0).u8(0).str("a").u8(0).b), from_client,
                        {errc::packet_identifier_zero, 2, "MQTT-2.2.1-3", protocol}));
    EXPECT_TRUE(rejects(V5_DECODER(decode_unsubscribe),
                        packet(0xA2, builder{}.u16(0).u8(0).str("a").b), from_client,
                        {errc::packet_identifier_zero, 2, "MQTT-2.2.1-3", protocol}));
}

TEST(V5Puback, PacketIdentifierZeroIsRefusedWithoutAStatement) {
    // An ack carrying 0 can match no request; no numbered statement says so, and the decoder
    // and encoder must agree on that.
    for (unsigned first : {0x40u, 0x50u, 0x62u, 0x70u}) {
        for (const codec_options& opts : {from_client, from_server}) {
            const auto r = decode(std::span<const std::uint8_t>(packet(first, {0x00, 0x00})), opts);
            ASSERT_FALSE(r.has_value());
            EXPECT_TRUE(matches(r.error(), {errc::packet_identifier_zero, 2, "", protocol}))
                << "type " << (first >> 4);
        }
    }
    EXPECT_TRUE(
        refuses(puback_packet{}, from_client, {errc::packet_identifier_zero, 0, "", protocol}));
    EXPECT_TRUE(
        refuses(pubrel_packet{}, from_server, {errc::packet_identifier_zero, 0, "", protocol}));
    const reason_code codes[] = {reason_code::success};
    suback_packet s;
    s.reason_codes = codes;
    EXPECT_TRUE(refuses(s, from_server, {errc::packet_identifier_zero, 0, "", protocol}));
    EXPECT_TRUE(rejects(V5_DECODER(decode_suback), packet(0x90, {0x00, 0x00, 0x00, 0x00}),
                        from_server, {errc::packet_identifier_zero, 2, "", protocol}));
    EXPECT_TRUE(rejects(V5_DECODER(decode_unsuback), packet(0xB0, {0x00, 0x00, 0x00, 0x00}),
                        from_server, {errc::packet_identifier_zero, 2, "", protocol}));
}

TEST(V5Connack, MQTT_2_2_2_1_PropertyLengthMustBePresent) {
    EXPECT_TRUE(rejects(V5_DECODER(decode_connack), packet(0x20, {0x00, 0x00}), from_server,
                        {errc::property_length_overruns_packet, 4, "MQTT-2.2.2-1", malformed}));
    EXPECT_TRUE(rejects(V5_DECODER(decode_publish), packet(0x30, builder{}.str("t").b), from_client,
                        {errc::property_length_overruns_packet, 5, "MQTT-2.2.2-1", malformed}));
    EXPECT_TRUE(rejects(V5_DECODER(decode_publish), packet(0x32, builder{}.str("t").u16(1).b),
                        from_client,
                        {errc::property_length_overruns_packet, 7, "MQTT-2.2.2-1", malformed}));
    EXPECT_TRUE(rejects(V5_DECODER(decode_suback), packet(0x90, {0x00, 0x01}), from_server,
                        {errc::property_length_overruns_packet, 4, "MQTT-2.2.2-1", malformed}));
    EXPECT_TRUE(rejects(V5_DECODER(decode_unsuback), packet(0xB0, {0x00, 0x01}), from_server,
                        {errc::property_length_overruns_packet, 4, "MQTT-2.2.2-1", malformed}));
    EXPECT_TRUE(rejects(V5_DECODER(decode_subscribe), packet(0x82, {0x00, 0x01}), from_client,
                        {errc::property_length_overruns_packet, 4, "MQTT-2.2.2-1", malformed}));
    EXPECT_TRUE(rejects(V5_DECODER(decode_unsubscribe), packet(0xA2, {0x00, 0x01}), from_client,
                        {errc::property_length_overruns_packet, 4, "MQTT-2.2.2-1", malformed}));
    const bytes no_props = packet(0x10, builder{}.str("MQTT").u8(5).u8(2).u16(0).b);
    EXPECT_TRUE(rejects(V5_DECODER(decode_connect), no_props, from_client,
                        {errc::property_length_overruns_packet, 12, "MQTT-2.2.2-1", malformed}));
    // The encoder always writes it, 0 included.
    EXPECT_EQ(encode_ok(connack_packet{}, from_server), packet(0x20, {0x00, 0x00, 0x00}));
    const reason_code codes[] = {reason_code::success};
    unsuback_packet u;
    u.packet_id = 1;
    u.reason_codes = codes;
    EXPECT_EQ(encode_ok(u, from_server), packet(0xB0, {0x00, 0x01, 0x00, 0x00}));
}

// =============================================================================================
// 3.1 CONNECT
// =============================================================================================

TEST(V5Connect, MQTT_3_1_2_1_ProtocolNameMustBeMqtt) {
    for (std::string_view bad : {"MQTX", "mqtt", "MQT", "MQTTT", ""}) {
        SCOPED_TRACE(bad);
        EXPECT_TRUE(rejects(V5_DECODER(decode_connect),
                            connect_bytes(0x02, {}, str_field("c"), bad), from_client,
                            {errc::protocol_name_invalid, 2, "MQTT-3.1.2-1",
                             reason_code::unsupported_protocol_version}));
    }
    // A known name with a level it does not go with (MQTT-3.1.2-2 is the server's answer).
    EXPECT_TRUE(rejects(V5_DECODER(decode_connect),
                        connect_bytes(0x02, {}, str_field("c"), "MQIsdp", 5), from_client,
                        {errc::protocol_version_unsupported, 10, "MQTT-3.1.2-2",
                         reason_code::unsupported_protocol_version}));
    EXPECT_TRUE(rejects(V5_DECODER(decode_connect),
                        connect_bytes(0x02, {}, str_field("c"), "MQTT", 6), from_client,
                        {errc::protocol_version_unsupported, 8, "MQTT-3.1.2-2",
                         reason_code::unsupported_protocol_version}));
}

TEST(V5Connect, MQTT_3_1_2_3_ReservedFlagIsMalformed) {
    EXPECT_TRUE(rejects(V5_DECODER(decode_connect), connect_bytes(0x03, {}, str_field("c")),
                        from_client,
                        {errc::connect_reserved_flag_set, 9, "MQTT-3.1.2-3", malformed}));
}

TEST(V5Connect, MQTT_3_1_2_9_WillFieldsMustBePresent) {
    // Will Properties, Will Topic, Will Payload: each missing in turn (Client Identifier "c"
    // ends @15).
    const expected_error props{errc::property_length_overruns_packet, 16, "MQTT-3.1.2-9",
                               malformed};
    EXPECT_TRUE(rejects(V5_DECODER(decode_connect), connect_bytes(0x06, {}, str_field("c")),
                        from_client, props));
    EXPECT_TRUE(rejects(V5_DECODER(decode_connect),
                        connect_bytes(0x06, {}, builder{}.str("c").u8(0).b), from_client,
                        {errc::packet_truncated, 17, "MQTT-3.1.2-9", malformed}));
    EXPECT_TRUE(rejects(V5_DECODER(decode_connect),
                        connect_bytes(0x06, {}, builder{}.str("c").u8(0).str("w").b), from_client,
                        {errc::packet_truncated, 20, "MQTT-3.1.2-9", malformed}));
    EXPECT_TRUE(rejects(V5_DECODER(decode_connect),
                        connect_bytes(0x06, {}, builder{}.str("c").u8(0).str("w").u16(5).b),
                        from_client, {errc::packet_truncated, 20, "MQTT-3.1.2-9", malformed}));
}

TEST(V5Connect, MQTT_3_1_2_11_WillQosWithoutWillIsProtocolError) {
    for (unsigned flags : {0x0Au, 0x12u, 0x1Au}) {
        EXPECT_TRUE(rejects(V5_DECODER(decode_connect), connect_bytes(flags, {}, str_field("c")),
                            from_client,
                            {errc::will_qos_without_will, 9, "MQTT-3.1.2-11", protocol}));
    }
}

TEST(V5Connect, MQTT_3_1_2_12_WillQos3IsMalformed) {
    const bytes will = builder{}.str("c").u8(0).str("w").u16(0).b;
    EXPECT_TRUE(rejects(V5_DECODER(decode_connect), connect_bytes(0x1E, {}, will), from_client,
                        {errc::will_qos_invalid, 9, "MQTT-3.1.2-12", malformed}));
    connect_packet c;
    c.client_id = "c";
    will_message w;
    w.topic = "w";
    w.qos_level = static_cast<qos>(3);
    c.will = w;
    EXPECT_TRUE(refuses(c, from_client, {errc::will_qos_invalid, 0, "MQTT-3.1.2-12", malformed}));
}

TEST(V5Connect, MQTT_3_1_2_13_WillRetainWithoutWillIsProtocolError) {
    EXPECT_TRUE(rejects(V5_DECODER(decode_connect), connect_bytes(0x22, {}, str_field("c")),
                        from_client,
                        {errc::will_retain_without_will, 9, "MQTT-3.1.2-13", protocol}));
}

TEST(V5Connect, MQTT_3_1_2_16_UserNameWithoutItsFlagIsMalformed) {
    // Flags say: no user name, no password; a user name follows the Client Identifier @16.
    EXPECT_TRUE(rejects(V5_DECODER(decode_connect),
                        connect_bytes(0x02, {}, builder{}.str("c").str("user").b), from_client,
                        {errc::packet_has_trailing_bytes, 16, "MQTT-3.1.2-16", malformed}));
}

TEST(V5Connect, MQTT_3_1_2_17_UserNameFlagWithoutUserNameIsMalformed) {
    EXPECT_TRUE(rejects(V5_DECODER(decode_connect), connect_bytes(0x82, {}, str_field("c")),
                        from_client, {errc::packet_truncated, 16, "MQTT-3.1.2-17", malformed}));
    EXPECT_TRUE(rejects(V5_DECODER(decode_connect),
                        connect_bytes(0x82, {}, builder{}.str("c").u16(4).raw({'u'}).b),
                        from_client, {errc::packet_truncated, 16, "MQTT-3.1.2-17", malformed}));
}

TEST(V5Connect, MQTT_3_1_2_18_PasswordWithoutItsFlagIsMalformed) {
    // User name flagged and present, password not flagged but present @22.
    EXPECT_TRUE(rejects(V5_DECODER(decode_connect),
                        connect_bytes(0x82, {}, builder{}.str("c").str("user").str("pw").b),
                        from_client,
                        {errc::packet_has_trailing_bytes, 22, "MQTT-3.1.2-18", malformed}));
}

TEST(V5Connect, MQTT_3_1_2_19_PasswordFlagWithoutPasswordIsMalformed) {
    EXPECT_TRUE(rejects(V5_DECODER(decode_connect),
                        connect_bytes(0xC2, {}, builder{}.str("c").str("user").b), from_client,
                        {errc::packet_truncated, 22, "MQTT-3.1.2-19", malformed}));
    // 5.0 allows a password alone.
    EXPECT_TRUE(accepts(V5_DECODER(decode_connect),
                        connect_bytes(0x42, {}, builder{}.str("c").str("pw").b), from_client));
}

/** A packet of `size` bytes and one byte more than the limit, encoded by `opts.from`. */
template <class Packet, class Decode>
void check_maximum_packet_size(const Packet& pkt, codec_options opts, Decode decode_one,
                               std::string_view statement) {
    const bytes b = encode_ok(pkt, opts);
    ASSERT_FALSE(b.empty());
    opts.maximum_packet_size = static_cast<std::uint32_t>(b.size());
    EXPECT_EQ(encode_ok(pkt, opts), b);
    EXPECT_TRUE(accepts(decode_one, b, opts));
    opts.maximum_packet_size = static_cast<std::uint32_t>(b.size() - 1);
    EXPECT_TRUE(
        refuses(pkt, opts, {errc::packet_too_large, 0, statement, reason_code::packet_too_large}));
    EXPECT_TRUE(rejects(decode_one, b, opts,
                        {errc::packet_too_large, 1, statement, reason_code::packet_too_large}));
    const auto f = frame_packet(std::span<const std::uint8_t>(b), opts);
    ASSERT_TRUE(f.has_error());
    EXPECT_TRUE(
        matches(f.error(), {errc::packet_too_large, 1, statement, reason_code::packet_too_large}));
}

TEST(V5Publish, MQTT_3_1_2_24_ServerMustNotSendBeyondClientMaximumPacketSize) {
    const std::string payload(300, 'p');
    publish_packet p;
    p.topic_name = "t";
    p.payload = as_span(payload);
    check_maximum_packet_size(p, from_server, V5_DECODER(decode_publish), "MQTT-3.1.2-24");
}

TEST(V5Publish, MQTT_3_2_2_15_ClientMustNotSendBeyondServerMaximumPacketSize) {
    publish_packet p;
    p.topic_name = "a/b";
    p.payload = as_span("hello");
    check_maximum_packet_size(p, from_client, V5_DECODER(decode_publish), "MQTT-3.2.2-15");
}

TEST(V5Connect, MQTT_3_1_3_1_PayloadFieldsAreReadInTheirOrder) {
    // User Name and Password both flagged but written password first: the decoder reads the
    // binary password where the User Name must be, and the user name text as the password.
    const bytes swapped = builder{}.str("c").str("\xFF\xFE").str("user").b;
    EXPECT_TRUE(rejects(V5_DECODER(decode_connect), connect_bytes(0xC2, {}, swapped), from_client,
                        {errc::utf8_ill_formed, 18, "MQTT-1.5.4-1", malformed}));
    // Will Topic before the Will Properties: "w" read as Property Length 0 and a topic of
    // length 0x0177 that runs past the packet.
    const bytes will_first = builder{}.str("c").str("w").u8(0).u16(0).b;
    EXPECT_TRUE(rejects(V5_DECODER(decode_connect), connect_bytes(0x06, {}, will_first),
                        from_client, {errc::packet_truncated, 17, "MQTT-3.1.2-9", malformed}));
}

TEST(V5Connect, MQTT_3_1_3_3_ClientIdentifierMustBePresent) {
    EXPECT_TRUE(rejects(V5_DECODER(decode_connect), connect_bytes(0x02, {}, {}), from_client,
                        {errc::packet_truncated, 13, "MQTT-3.1.3-3", malformed}));
    EXPECT_TRUE(rejects(V5_DECODER(decode_connect), connect_bytes(0x02, {}, {0x00}), from_client,
                        {errc::packet_truncated, 13, "MQTT-3.1.3-3", malformed}));
    // Empty is present: a server may assign one (MQTT-3.1.3-6).
    EXPECT_TRUE(
        accepts(V5_DECODER(decode_connect), connect_bytes(0x00, {}, str_field("")), from_client));
}

TEST(V5Connect, MQTT_3_1_3_4_ClientIdentifierMustBeUtf8) {
    EXPECT_TRUE(rejects(V5_DECODER(decode_connect),
                        connect_bytes(0x02, {}, str_field("ab\xED\xA0\x80")), from_client,
                        {errc::utf8_surrogate, 17, "MQTT-1.5.4-1", malformed}));
    connect_packet c;
    c.client_id = "ab\xED\xA0\x80";
    EXPECT_TRUE(refuses(c, from_client, {errc::utf8_surrogate, 0, "MQTT-1.5.4-1", malformed}));
    c.client_id = std::string_view("a\0", 2);
    EXPECT_TRUE(refuses(c, from_client, {errc::utf8_null_character, 0, "MQTT-1.5.4-2", malformed}));
}

TEST(V5Connect, MQTT_3_1_3_11_WillTopicMustBeAUtf8TopicName) {
    // Will Topic content @19 (Client Identifier "c" @13, Will Property Length @16).
    const auto will = [](std::string_view topic) {
        return connect_bytes(0x06, {}, builder{}.str("c").u8(0).str(topic).u16(0).b);
    };
    EXPECT_TRUE(rejects(V5_DECODER(decode_connect), will("a\xC3"), from_client,
                        {errc::utf8_ill_formed, 20, "MQTT-1.5.4-1", malformed}));
    EXPECT_TRUE(rejects(
        V5_DECODER(decode_connect), will("a/#"), from_client,
        {errc::topic_name_has_wildcard, 21, "MQTT-3.3.2-2", reason_code::topic_name_invalid}));
    EXPECT_TRUE(rejects(V5_DECODER(decode_connect), will(""), from_client,
                        {errc::topic_name_empty, 17, "MQTT-4.7.3-1", protocol}));
    connect_packet c;
    c.client_id = "c";
    will_message w;
    w.topic = "a/+";
    c.will = w;
    EXPECT_TRUE(refuses(
        c, from_client,
        {errc::topic_name_has_wildcard, 0, "MQTT-3.3.2-2", reason_code::topic_name_invalid}));
    w.topic = "";
    c.will = w;
    EXPECT_TRUE(refuses(c, from_client, {errc::topic_name_empty, 0, "MQTT-4.7.3-1", protocol}));
}

TEST(V5Connect, MQTT_3_1_3_12_UserNameMustBeUtf8) {
    EXPECT_TRUE(rejects(V5_DECODER(decode_connect),
                        connect_bytes(0x82, {}, builder{}.str("c").str("u\xF5").b), from_client,
                        {errc::utf8_ill_formed, 19, "MQTT-1.5.4-1", malformed}));
    connect_packet c;
    c.client_id = "c";
    c.user_name = "u\xF5";
    EXPECT_TRUE(refuses(c, from_client, {errc::utf8_ill_formed, 0, "MQTT-1.5.4-1", malformed}));
}

TEST(V5Connect, MQTT_3_1_4_1_ConnectMustMatchTheFormat) {
    // Every field present, then one byte too many (@26).
    const bytes extra = builder{}.str("c").str("user").str("pw").u8(0).b;
    EXPECT_TRUE(rejects(V5_DECODER(decode_connect), connect_bytes(0xC2, {}, extra), from_client,
                        {errc::packet_has_trailing_bytes, 26, "", malformed}));
    // Cut inside the fixed part of the variable header.
    EXPECT_TRUE(rejects(V5_DECODER(decode_connect),
                        packet(0x10, builder{}.str("MQTT").u8(5).u8(2).b), from_client,
                        {errc::packet_truncated, 9, "", malformed}));
    EXPECT_TRUE(rejects(V5_DECODER(decode_connect), packet(0x10, builder{}.str("MQTT").b),
                        from_client, {errc::packet_truncated, 2, "", malformed}));
}

// =============================================================================================
// 3.2 CONNACK
// =============================================================================================

TEST(V5Connack, MQTT_3_2_2_1_ReservedAcknowledgeFlagsAreMalformed) {
    for (unsigned bit = 1; bit < 8; ++bit) {
        const unsigned flags = 1u << bit;
        EXPECT_TRUE(rejects(V5_DECODER(decode_connack), packet(0x20, {flags, 0x00, 0x00}),
                            from_server,
                            {errc::connack_reserved_flags_set, 2, "MQTT-3.2.2-1", malformed}));
    }
}

TEST(V5Connack, MQTT_3_2_2_6_SessionPresentWithFailureIsRefused) {
    EXPECT_TRUE(rejects(V5_DECODER(decode_connack), packet(0x20, {0x01, 0x80, 0x00}), from_server,
                        {errc::session_present_with_failure, 2, "MQTT-3.2.2-6", protocol}));
    connack_packet c;
    c.session_present = true;
    c.reason = reason_code::not_authorized;
    EXPECT_TRUE(
        refuses(c, from_server, {errc::session_present_with_failure, 0, "MQTT-3.2.2-6", protocol}));
    c.reason = reason_code::success;
    EXPECT_EQ(encode_ok(c, from_server), packet(0x20, {0x01, 0x00, 0x00}));
}

/**
 * Every byte value as a reason code: `allowed` decode and encode, the rest are refused as
 * reason_code_invalid at `offset` with `statement`: a Protocol Error, since the packet parses
 * and only the value is forbidden there.
 */
template <class Decode, class MakePacket, class MakeStruct>
void check_reason_codes(const std::set<unsigned>& allowed, Decode decode_one,
                        MakePacket make_packets, MakeStruct make_struct, std::uint32_t offset,
                        std::string_view statement, const codec_options& opts,
                        std::uint32_t encode_offset = 0) {
    for (unsigned code = 0; code < 256; ++code) {
        SCOPED_TRACE(testing::Message() << "reason code 0x" << std::hex << code);
        const bool ok = allowed.count(code) != 0;
        for (const bytes& b : make_packets(code)) {
            if (ok)
                EXPECT_TRUE(accepts(decode_one, b, opts));
            else
                EXPECT_TRUE(rejects(decode_one, b, opts,
                                    {errc::reason_code_invalid, offset, statement, protocol}));
        }
        const auto pkt = make_struct(static_cast<reason_code>(code));
        if (ok)
            EXPECT_FALSE(encode_ok(pkt, opts).empty());
        else
            EXPECT_TRUE(refuses(pkt, opts,
                                {errc::reason_code_invalid, encode_offset, statement, protocol}));
    }
}

TEST(V5Connack, MQTT_3_2_2_8_ReasonCodeMustBeAConnectReasonCode) {
    check_reason_codes(
        {0x00, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89,
         0x8A, 0x8C, 0x90, 0x95, 0x97, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9F},
        V5_DECODER(decode_connack),
        [](unsigned c) {
            return std::vector<bytes>{packet(0x20, {0x00, c, 0x00})};
        },
        [](reason_code c) {
            connack_packet a;
            a.reason = c;
            return a;
        },
        // The encoder names the reason code's place after the flags byte (offset 1).
        3, "MQTT-3.2.2-8", from_server, 1);
}

// =============================================================================================
// 3.3 PUBLISH
// =============================================================================================

TEST(V5Publish, MQTT_3_3_1_2_DupWithQos0IsProtocolError) {
    EXPECT_TRUE(rejects(V5_DECODER(decode_publish), publish_bytes(0x38, "t", -1, {}), from_client,
                        {errc::dup_with_qos_0, 0, "MQTT-3.3.1-2", protocol}));
    EXPECT_TRUE(rejects(V5_DECODER(decode_publish), publish_bytes(0x39, "t", -1, {}), from_server,
                        {errc::dup_with_qos_0, 0, "MQTT-3.3.1-2", protocol}));
    publish_packet p;
    p.topic_name = "t";
    p.dup = true;
    EXPECT_TRUE(refuses(p, from_client, {errc::dup_with_qos_0, 0, "MQTT-3.3.1-2", protocol}));
    EXPECT_TRUE(refuses(p, from_server, {errc::dup_with_qos_0, 0, "MQTT-3.3.1-2", protocol}));
    p.qos_level = qos::at_least_once;
    p.packet_id = 1;
    EXPECT_EQ(encode_ok(p, from_client), publish_bytes(0x3A, "t", 1, {}));
}

TEST(V5Publish, MQTT_3_3_1_4_QosThreeIsMalformed) {
    for (unsigned first : {0x36u, 0x37u, 0x3Eu, 0x3Fu}) {
        EXPECT_TRUE(rejects(V5_DECODER(decode_publish), publish_bytes(first, "t", 1, {}),
                            from_client, {errc::qos_invalid, 0, "MQTT-3.3.1-4", malformed}));
    }
    publish_packet p;
    p.topic_name = "t";
    p.packet_id = 1;
    p.qos_level = static_cast<qos>(3);
    EXPECT_TRUE(refuses(p, from_client, {errc::qos_invalid, 0, "MQTT-3.3.1-4", malformed}));
}

TEST(V5Publish, MQTT_3_3_2_1_TopicNameMustBeAUtf8StringFirst) {
    // Topic length running past the packet.
    EXPECT_TRUE(rejects(V5_DECODER(decode_publish), packet(0x30, {0x00, 0x09, 't', 0x00}),
                        from_client, {errc::packet_truncated, 2, "", malformed}));
    EXPECT_TRUE(rejects(V5_DECODER(decode_publish), packet(0x30, {0x00}), from_client,
                        {errc::packet_truncated, 2, "", malformed}));
    EXPECT_TRUE(rejects(V5_DECODER(decode_publish), publish_bytes(0x30, "t\xC3\x28", -1, {}),
                        from_client, {errc::utf8_ill_formed, 5, "MQTT-1.5.4-1", malformed}));
}

TEST(V5Publish, MQTT_3_3_2_2_TopicNameWildcardIsRefused) {
    for (std::string_view topic : {"+", "#", "a/+", "a/#", "a+b", "sport/tennis#"}) {
        SCOPED_TRACE(topic);
        const auto at = static_cast<std::uint32_t>(4 + topic.find_first_of("+#"));
        const expected_error x{errc::topic_name_has_wildcard, at, "MQTT-3.3.2-2",
                               reason_code::topic_name_invalid};
        EXPECT_TRUE(rejects(V5_DECODER(decode_publish), publish_bytes(0x30, topic, -1, {}),
                            from_client, x));
        publish_packet p;
        p.topic_name = topic;
        EXPECT_TRUE(refuses(p, from_client, {x.code, 0, x.statement, x.reason}));
    }
}

TEST(V5Publish, MQTT_3_3_2_8_TopicAliasZeroIsRefused) {
    // Topic "t", identifier, Property Length @7, Topic Alias @8, value @9.
    const bytes props = builder{}.u8(0x23).u16(0).b;
    EXPECT_TRUE(
        rejects(V5_DECODER(decode_publish), publish_bytes(0x32, "t", 1, props), from_client,
                {errc::topic_alias_zero, 9, "MQTT-3.3.2-8", reason_code::topic_alias_invalid}));
    publish_packet p;
    p.topic_name = "t";
    p.properties.topic_alias = 0;
    EXPECT_TRUE(
        refuses(p, from_server,
                {errc::topic_alias_zero, 0, "MQTT-3.3.2-8", reason_code::topic_alias_invalid}));
}

TEST(V5Publish, MQTT_3_3_2_13_ResponseTopicMustBeUtf8) {
    // Response Topic content @9 (Property Length @5, identifier @6, length @7).
    const bytes props = builder{}.u8(0x08).str("r\xC3").b;
    EXPECT_TRUE(rejects(V5_DECODER(decode_publish), publish_bytes(0x30, "t", -1, props),
                        from_client, {errc::utf8_ill_formed, 10, "MQTT-1.5.4-1", malformed}));
    publish_packet p;
    p.topic_name = "t";
    p.properties.response_topic = "r\xC3";
    EXPECT_TRUE(refuses(p, from_client, {errc::utf8_ill_formed, 0, "MQTT-1.5.4-1", malformed}));
    // The same in a will.
    const bytes will_props = builder{}.u8(0x08).str("\xED\xB0\x80").b;
    EXPECT_TRUE(
        rejects(V5_DECODER(decode_connect),
                connect_bytes(0x06, {}, builder{}.str("c").props(will_props).str("w").u16(0).b),
                from_client, {errc::utf8_surrogate, 20, "MQTT-1.5.4-1", malformed}));
}

TEST(V5Publish, MQTT_3_3_2_14_ResponseTopicWildcardIsProtocolError) {
    for (std::string_view topic : {"r/+", "#", "a#"}) {
        SCOPED_TRACE(topic);
        const bytes props = builder{}.u8(0x08).str(topic).b;
        const auto at = static_cast<std::uint32_t>(9 + topic.find_first_of("+#"));
        EXPECT_TRUE(rejects(V5_DECODER(decode_publish), publish_bytes(0x30, "t", -1, props),
                            from_client,
                            {errc::response_topic_has_wildcard, at, "MQTT-3.3.2-14", protocol}));
        publish_packet p;
        p.topic_name = "t";
        p.properties.response_topic = topic;
        EXPECT_TRUE(refuses(p, from_client,
                            {errc::response_topic_has_wildcard, 0, "MQTT-3.3.2-14", protocol}));
        connect_packet c;
        c.client_id = "c";
        will_message w;
        w.topic = "w";
        w.properties.response_topic = topic;
        c.will = w;
        EXPECT_TRUE(refuses(c, from_client,
                            {errc::response_topic_has_wildcard, 0, "MQTT-3.3.2-14", protocol}));
    }
}

TEST(V5Publish, MQTT_3_3_2_19_ContentTypeMustBeUtf8) {
    const bytes props = builder{}.u8(0x03).str("text/\xFF").b;
    EXPECT_TRUE(rejects(V5_DECODER(decode_publish), publish_bytes(0x30, "t", -1, props),
                        from_client, {errc::utf8_ill_formed, 14, "MQTT-1.5.4-1", malformed}));
    publish_packet p;
    p.topic_name = "t";
    p.properties.content_type = "text/\xFF";
    EXPECT_TRUE(refuses(p, from_client, {errc::utf8_ill_formed, 0, "MQTT-1.5.4-1", malformed}));
}

TEST(V5Publish, MQTT_3_3_4_6_SubscriptionIdentifierFromClientIsRefused) {
    // Identifier @6 of the first property: the client may not send it at all.
    const bytes props = builder{}.u8(0x0B).vbi(5).b;
    EXPECT_TRUE(rejects(V5_DECODER(decode_publish), publish_bytes(0x30, "t", -1, props),
                        from_client,
                        {errc::subscription_identifier_from_client, 6, "MQTT-3.3.4-6", protocol}));
    EXPECT_TRUE(
        accepts(V5_DECODER(decode_publish), publish_bytes(0x30, "t", -1, props), from_server));
    const std::uint32_t ids[] = {5};
    publish_packet p;
    p.topic_name = "t";
    p.properties.subscription_identifiers = ids;
    EXPECT_TRUE(refuses(p, from_client,
                        {errc::subscription_identifier_from_client, 0, "MQTT-3.3.4-6", protocol}));
    EXPECT_EQ(encode_ok(p, from_server), publish_bytes(0x30, "t", -1, props));
}

// =============================================================================================
// 3.4 - 3.7 PUBACK, PUBREC, PUBREL, PUBCOMP
// =============================================================================================

template <packet_type Type, class Decode>
void check_pub_ack_reason_codes(const std::set<unsigned>& allowed, Decode decode_one,
                                std::string_view statement) {
    constexpr unsigned first =
        (static_cast<unsigned>(Type) << 4) | (Type == packet_type::pubrel ? 2u : 0u);
    for (const codec_options& opts : {from_client, from_server}) {
        check_reason_codes(
            allowed, decode_one,
            [](unsigned c) {
                return std::vector<bytes>{packet(first, {0x00, 0x01, c}),
                                          packet(first, {0x00, 0x01, c, 0x00})};
            },
            [](reason_code c) {
                basic_pub_ack<Type> a;
                a.packet_id = 1;
                a.reason = c;
                return a;
            },
            4, statement, opts);
    }
}

const std::set<unsigned> puback_codes = {0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99};

TEST(V5Puback, MQTT_3_4_2_1_ReasonCodeMustBeAPubackReasonCode) {
    check_pub_ack_reason_codes<packet_type::puback>(puback_codes, V5_DECODER(decode_puback),
                                                    "MQTT-3.4.2-1");
}
TEST(V5Pubrec, MQTT_3_5_2_1_ReasonCodeMustBeAPubrecReasonCode) {
    check_pub_ack_reason_codes<packet_type::pubrec>(puback_codes, V5_DECODER(decode_pubrec),
                                                    "MQTT-3.5.2-1");
}
TEST(V5Pubrel, MQTT_3_6_2_1_ReasonCodeMustBeAPubrelReasonCode) {
    check_pub_ack_reason_codes<packet_type::pubrel>({0x00, 0x92}, V5_DECODER(decode_pubrel),
                                                    "MQTT-3.6.2-1");
}
TEST(V5Pubcomp, MQTT_3_7_2_1_ReasonCodeMustBeAPubcompReasonCode) {
    check_pub_ack_reason_codes<packet_type::pubcomp>({0x00, 0x92}, V5_DECODER(decode_pubcomp),
                                                     "MQTT-3.7.2-1");
}

// =============================================================================================
// 3.8 - 3.11 SUBSCRIBE, SUBACK, UNSUBSCRIBE, UNSUBACK
// =============================================================================================

TEST(V5Subscribe, MQTT_3_8_3_1_TopicFiltersMustBeUtf8) {
    // Filter content @7 (Property Length @4, filter length @5).
    EXPECT_TRUE(rejects(V5_DECODER(decode_subscribe),
                        subscribe_bytes({}, builder{}.str("a/\xFF").u8(0).b), from_client,
                        {errc::utf8_ill_formed, 9, "MQTT-1.5.4-1", malformed}));
    EXPECT_TRUE(rejects(V5_DECODER(decode_subscribe),
                        subscribe_bytes({}, builder{}.str(std::string("a\0", 2)).u8(0).b),
                        from_client, {errc::utf8_null_character, 8, "MQTT-1.5.4-2", malformed}));
    // A filter length that runs past the packet.
    EXPECT_TRUE(rejects(V5_DECODER(decode_subscribe), subscribe_bytes({}, {0x00, 0x05, 'a'}),
                        from_client, {errc::packet_truncated, 5, "", malformed}));
    // A filter without its options byte.
    EXPECT_TRUE(rejects(V5_DECODER(decode_subscribe), subscribe_bytes({}, str_field("a")),
                        from_client, {errc::packet_truncated, 8, "", malformed}));
    const subscription list[] = {{"a/\xFF"}};
    subscribe_packet s;
    s.packet_id = 1;
    s.subscriptions = list;
    EXPECT_TRUE(refuses(s, from_client, {errc::utf8_ill_formed, 0, "MQTT-1.5.4-1", malformed}));
}

TEST(V5Subscribe, MQTT_3_8_3_2_AtLeastOneTopicFilterIsRequired) {
    EXPECT_TRUE(rejects(V5_DECODER(decode_subscribe), subscribe_bytes({}, {}), from_client,
                        {errc::subscribe_without_filters, 5, "MQTT-3.8.3-2", protocol}));
    const bytes props = builder{}.u8(0x0B).vbi(3).b;
    EXPECT_TRUE(rejects(V5_DECODER(decode_subscribe), subscribe_bytes(props, {}), from_client,
                        {errc::subscribe_without_filters, 7, "MQTT-3.8.3-2", protocol}));
    subscribe_packet s;
    s.packet_id = 1;
    EXPECT_TRUE(
        refuses(s, from_client, {errc::subscribe_without_filters, 0, "MQTT-3.8.3-2", protocol}));
}

TEST(V5Subscribe, MQTT_3_8_3_4_NoLocalOnSharedSubscriptionIsProtocolError) {
    // Options byte @17 after "$share/g/a".
    EXPECT_TRUE(rejects(V5_DECODER(decode_subscribe),
                        subscribe_bytes({}, builder{}.str("$share/g/a").u8(0x04).b), from_client,
                        {errc::no_local_on_shared_subscription, 17, "MQTT-3.8.3-4", protocol}));
    // Not shared: No Local is fine.
    EXPECT_TRUE(accepts(V5_DECODER(decode_subscribe),
                        subscribe_bytes({}, builder{}.str("$shared/a").u8(0x04).b), from_client));
    const subscription list[] = {{"a"}, {"$share/g/#", qos::at_least_once, true}};
    subscribe_packet s;
    s.packet_id = 1;
    s.subscriptions = list;
    EXPECT_TRUE(refuses(s, from_client,
                        {errc::no_local_on_shared_subscription, 0, "MQTT-3.8.3-4", protocol}));
}

TEST(V5Subscribe, MQTT_3_8_3_5_ReservedOptionBitsAreMalformed) {
    for (unsigned options : {0x40u, 0x80u, 0xC0u, 0x41u}) {
        EXPECT_TRUE(rejects(
            V5_DECODER(decode_subscribe), subscribe_bytes({}, builder{}.str("a").u8(options).b),
            from_client, {errc::subscription_options_reserved_bits, 8, "MQTT-3.8.3-5", malformed}));
    }
    // Every defined bit pattern is accepted.
    for (unsigned options = 0; options < 0x40; ++options) {
        if ((options & 0x3u) == 3 || (options >> 4) == 3) continue;
        EXPECT_TRUE(accepts(V5_DECODER(decode_subscribe),
                            subscribe_bytes({}, builder{}.str("a").u8(options).b), from_client))
            << options;
    }
}

TEST(V5Subscribe, MaximumQos3AndRetainHandling3AreProtocolErrors) {
    // 5.0 §3.8.3.1, no numbered statement.
    EXPECT_TRUE(rejects(V5_DECODER(decode_subscribe),
                        subscribe_bytes({}, builder{}.str("a").u8(0x03).b), from_client,
                        {errc::subscription_maximum_qos_invalid, 8, "", protocol}));
    EXPECT_TRUE(rejects(V5_DECODER(decode_subscribe),
                        subscribe_bytes({}, builder{}.str("a").u8(0x30).b), from_client,
                        {errc::retain_handling_invalid, 8, "", protocol}));
    subscription sub{"a"};
    sub.max_qos = static_cast<qos>(3);
    subscribe_packet s;
    s.packet_id = 1;
    s.subscriptions = std::span<const subscription>(&sub, 1);
    EXPECT_TRUE(refuses(s, from_client, {errc::subscription_maximum_qos_invalid, 0, "", protocol}));
    sub.max_qos = qos::at_most_once;
    sub.retain = static_cast<retain_handling>(3);
    EXPECT_TRUE(refuses(s, from_client, {errc::retain_handling_invalid, 0, "", protocol}));
}

TEST(V5Suback, MQTT_3_9_3_2_ReasonCodesMustBeSubscribeReasonCodes) {
    check_reason_codes(
        {0x00, 0x01, 0x02, 0x80, 0x83, 0x87, 0x8F, 0x91, 0x97, 0x9E, 0xA1, 0xA2},
        V5_DECODER(decode_suback),
        [](unsigned c) {
            return std::vector<bytes>{packet(0x90, {0x00, 0x01, 0x00, c}),
                                      packet(0x90, {0x00, 0x01, 0x00, c, 0x00, 0x01})};
        },
        [](reason_code c) {
            static reason_code one[1];
            one[0] = c;
            suback_packet a;
            a.packet_id = 1;
            a.reason_codes = one;
            return a;
        },
        5, "MQTT-3.9.3-2", from_server);
    // The offset is the code's own: the third of three here.
    EXPECT_TRUE(rejects(V5_DECODER(decode_suback),
                        packet(0x90, {0x00, 0x01, 0x00, 0x00, 0x01, 0x03}), from_server,
                        {errc::reason_code_invalid, 7, "MQTT-3.9.3-2", protocol}));
    EXPECT_TRUE(rejects(V5_DECODER(decode_suback), packet(0x90, {0x00, 0x01, 0x00}), from_server,
                        {errc::ack_without_reason_codes, 5, "", protocol}));
}

TEST(V5Unsubscribe, MQTT_3_10_3_1_TopicFiltersMustBeUtf8) {
    EXPECT_TRUE(rejects(V5_DECODER(decode_unsubscribe),
                        unsubscribe_bytes({}, builder{}.str("ok").str("a\xC0\x80").b), from_client,
                        {errc::utf8_ill_formed, 12, "MQTT-1.5.4-1", malformed}));
    EXPECT_TRUE(rejects(V5_DECODER(decode_unsubscribe), unsubscribe_bytes({}, {0x00, 0x02, 'a'}),
                        from_client, {errc::packet_truncated, 5, "", malformed}));
    const std::string_view filters[] = {"ok", "a\xC0\x80"};
    unsubscribe_packet u;
    u.packet_id = 1;
    u.topic_filters = filters;
    EXPECT_TRUE(refuses(u, from_client, {errc::utf8_ill_formed, 0, "MQTT-1.5.4-1", malformed}));
}

TEST(V5Unsubscribe, MQTT_3_10_3_2_AtLeastOneTopicFilterIsRequired) {
    EXPECT_TRUE(rejects(V5_DECODER(decode_unsubscribe), unsubscribe_bytes({}, {}), from_client,
                        {errc::unsubscribe_without_filters, 5, "MQTT-3.10.3-2", protocol}));
    unsubscribe_packet u;
    u.packet_id = 1;
    EXPECT_TRUE(
        refuses(u, from_client, {errc::unsubscribe_without_filters, 0, "MQTT-3.10.3-2", protocol}));
}

TEST(V5Unsuback, MQTT_3_11_3_2_ReasonCodesMustBeUnsubscribeReasonCodes) {
    check_reason_codes(
        {0x00, 0x11, 0x80, 0x83, 0x87, 0x8F, 0x91}, V5_DECODER(decode_unsuback),
        [](unsigned c) {
            return std::vector<bytes>{packet(0xB0, {0x00, 0x01, 0x00, c})};
        },
        [](reason_code c) {
            static reason_code one[1];
            one[0] = c;
            unsuback_packet a;
            a.packet_id = 1;
            a.reason_codes = one;
            return a;
        },
        5, "MQTT-3.11.3-2", from_server);
    EXPECT_TRUE(rejects(V5_DECODER(decode_unsuback), packet(0xB0, {0x00, 0x01, 0x00}), from_server,
                        {errc::ack_without_reason_codes, 5, "", protocol}));
}

// =============================================================================================
// 3.14 DISCONNECT, 3.15 AUTH
// =============================================================================================

TEST(V5Disconnect, MQTT_3_14_2_2_SessionExpiryFromServerIsRefused) {
    // Reason Code @2, Property Length @3, Session Expiry Interval @4.
    const bytes b = packet(0xE0, builder{}.u8(0x00).props(builder{}.u8(0x11).u32(10).b).b);
    EXPECT_TRUE(rejects(V5_DECODER(decode_disconnect), b, from_server,
                        {errc::session_expiry_from_server, 4, "MQTT-3.14.2-2", protocol}));
    EXPECT_TRUE(accepts(V5_DECODER(decode_disconnect), b, from_client));
    disconnect_packet d;
    d.properties.session_expiry_interval = 10;
    EXPECT_TRUE(
        refuses(d, from_server, {errc::session_expiry_from_server, 0, "MQTT-3.14.2-2", protocol}));
    EXPECT_EQ(encode_ok(d, from_client), b);
}

TEST(V5Auth, MQTT_3_15_2_1_ReasonCodeMustBeAnAuthenticateReasonCode) {
    for (const codec_options& opts : {from_client, from_server}) {
        check_reason_codes(
            {0x00, 0x18, 0x19}, V5_DECODER(decode_auth),
            [](unsigned c) {
                return std::vector<bytes>{packet(0xF0, {c}), packet(0xF0, {c, 0x00})};
            },
            [](reason_code c) {
                auth_packet a;
                a.reason = c;
                return a;
            },
            2, "MQTT-3.15.2-1", opts);
    }
}

// =============================================================================================
// 4.7, 4.8 Topic names, topic filters, shared subscriptions
// =============================================================================================

TEST(V5Publish, MQTT_4_7_0_1_WildcardsAreNotAllowedInTopicNames) {
    for (std::string_view topic : {"a/+/c", "#"}) {
        const auto at = static_cast<std::uint32_t>(4 + topic.find_first_of("+#"));
        EXPECT_TRUE(rejects(
            V5_DECODER(decode_publish), publish_bytes(0x30, topic, -1, {}), from_server,
            {errc::topic_name_has_wildcard, at, "MQTT-3.3.2-2", reason_code::topic_name_invalid}));
    }
    // ... while the same characters are fine in a filter.
    EXPECT_TRUE(accepts(V5_DECODER(decode_subscribe),
                        subscribe_bytes({}, builder{}.str("a/+/c").u8(0).str("#").u8(0).b),
                        from_client));
}

/** `filter` is refused in SUBSCRIBE and UNSUBSCRIBE, decode and encode. */
void expect_bad_filter(std::string_view filter, errc code, std::uint32_t at_in_filter,
                       std::string_view statement) {
    SCOPED_TRACE(filter);
    const reason_code rc = reason_code::topic_filter_invalid;
    // SUBSCRIBE: filter content @7; UNSUBSCRIBE: likewise.
    EXPECT_TRUE(rejects(V5_DECODER(decode_subscribe),
                        subscribe_bytes({}, builder{}.str(filter).u8(0).b), from_client,
                        {code, 7 + at_in_filter, statement, rc}));
    EXPECT_TRUE(rejects(V5_DECODER(decode_unsubscribe), unsubscribe_bytes({}, str_field(filter)),
                        from_client, {code, 7 + at_in_filter, statement, rc}));
    const subscription list[] = {{filter}};
    subscribe_packet s;
    s.packet_id = 1;
    s.subscriptions = list;
    EXPECT_TRUE(refuses(s, from_client, {code, 0, statement, rc}));
    const std::string_view filters[] = {filter};
    unsubscribe_packet u;
    u.packet_id = 1;
    u.topic_filters = filters;
    EXPECT_TRUE(refuses(u, from_client, {code, 0, statement, rc}));
}

void expect_good_filter(std::string_view filter) {
    SCOPED_TRACE(filter);
    EXPECT_TRUE(accepts(V5_DECODER(decode_subscribe),
                        subscribe_bytes({}, builder{}.str(filter).u8(0).b), from_client));
    const subscription list[] = {{filter}};
    subscribe_packet s;
    s.packet_id = 1;
    s.subscriptions = list;
    EXPECT_EQ(encode_ok(s, from_client), subscribe_bytes({}, builder{}.str(filter).u8(0).b));
}

TEST(V5Subscribe, MQTT_4_7_1_1_MultiLevelWildcardMustBeLastAndAlone) {
    for (std::string_view ok : {"#", "a/#", "/#", "a/b/#", "+/#"}) expect_good_filter(ok);
    expect_bad_filter("a#", errc::multi_level_wildcard_misplaced, 1, "MQTT-4.7.1-1");
    expect_bad_filter("a/#/b", errc::multi_level_wildcard_misplaced, 2, "MQTT-4.7.1-1");
    expect_bad_filter("#/", errc::multi_level_wildcard_misplaced, 0, "MQTT-4.7.1-1");
    expect_bad_filter("a/b#", errc::multi_level_wildcard_misplaced, 3, "MQTT-4.7.1-1");
    expect_bad_filter("##", errc::multi_level_wildcard_misplaced, 0, "MQTT-4.7.1-1");
}

TEST(V5Subscribe, MQTT_4_7_1_2_SingleLevelWildcardMustFillItsLevel) {
    for (std::string_view ok : {"+", "+/a", "a/+", "a/+/b", "+/+", "/+"}) expect_good_filter(ok);
    expect_bad_filter("a+", errc::single_level_wildcard_misplaced, 1, "MQTT-4.7.1-2");
    expect_bad_filter("+a", errc::single_level_wildcard_misplaced, 0, "MQTT-4.7.1-2");
    expect_bad_filter("a/+b/c", errc::single_level_wildcard_misplaced, 2, "MQTT-4.7.1-2");
    expect_bad_filter("++", errc::single_level_wildcard_misplaced, 0, "MQTT-4.7.1-2");
}

TEST(V5Publish, MQTT_4_7_3_1_TopicsMustBeAtLeastOneCharacter) {
    // An empty Topic Name is allowed only with a Topic Alias (§3.3.2.3.4). Empty topics are
    // reported at their length prefix: there is no character to point at.
    EXPECT_TRUE(rejects(V5_DECODER(decode_publish), publish_bytes(0x30, "", -1, {}), from_client,
                        {errc::topic_name_empty, 2, "MQTT-4.7.3-1", protocol}));
    publish_packet p;
    EXPECT_TRUE(refuses(p, from_client, {errc::topic_name_empty, 0, "MQTT-4.7.3-1", protocol}));
    EXPECT_TRUE(rejects(
        V5_DECODER(decode_subscribe), subscribe_bytes({}, builder{}.str("").u8(0).b), from_client,
        {errc::topic_filter_empty, 5, "MQTT-4.7.3-1", reason_code::topic_filter_invalid}));
    EXPECT_TRUE(
        rejects(V5_DECODER(decode_unsubscribe), unsubscribe_bytes({}, str_field("")), from_client,
                {errc::topic_filter_empty, 5, "MQTT-4.7.3-1", reason_code::topic_filter_invalid}));
    const subscription list[] = {{""}};
    subscribe_packet s;
    s.packet_id = 1;
    s.subscriptions = list;
    EXPECT_TRUE(
        refuses(s, from_client,
                {errc::topic_filter_empty, 0, "MQTT-4.7.3-1", reason_code::topic_filter_invalid}));
}

TEST(V5Subscribe, MQTT_4_7_3_2_NullCharacterInTopicsIsMalformed) {
    EXPECT_TRUE(rejects(V5_DECODER(decode_subscribe),
                        subscribe_bytes({}, builder{}.str(std::string("a/\0", 3)).u8(0).b),
                        from_client, {errc::utf8_null_character, 9, "MQTT-1.5.4-2", malformed}));
    EXPECT_TRUE(rejects(V5_DECODER(decode_publish),
                        publish_bytes(0x30, std::string("\0", 1), -1, {}), from_client,
                        {errc::utf8_null_character, 4, "MQTT-1.5.4-2", malformed}));
}

TEST(V5Publish, MQTT_4_7_3_3_TopicsLongerThan65535BytesAreRefused) {
    // A two-byte length cannot say more; the encoder is the side that can be asked to.
    const std::string longest(65535, 'a');
    const std::string too_long(65536, 'a');
    publish_packet p;
    p.topic_name = too_long;
    EXPECT_TRUE(refuses(p, from_client, {errc::field_too_long, 0, "MQTT-4.7.3-3", malformed}));
    p.topic_name = longest;
    const bytes b = encode_ok(p, from_client);
    const auto r = decode_publish(std::span<const std::uint8_t>(b), from_client);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->topic_name.size(), 65535u);
    const subscription list[] = {{too_long}};
    subscribe_packet s;
    s.packet_id = 1;
    s.subscriptions = list;
    EXPECT_TRUE(refuses(s, from_client, {errc::field_too_long, 0, "MQTT-4.7.3-3", malformed}));
    const std::string_view filters[] = {too_long};
    unsubscribe_packet u;
    u.packet_id = 1;
    u.topic_filters = filters;
    EXPECT_TRUE(refuses(u, from_client, {errc::field_too_long, 0, "MQTT-4.7.3-3", malformed}));
    connect_packet c;
    c.client_id = "c";
    will_message w;
    w.topic = too_long;
    c.will = w;
    EXPECT_TRUE(refuses(c, from_client, {errc::field_too_long, 0, "MQTT-4.7.3-3", malformed}));
}

TEST(V5Subscribe, MQTT_4_8_2_1_ShareNameMustBeAtLeastOneCharacter) {
    expect_bad_filter("$share//a", errc::shared_subscription_invalid, 7, "MQTT-4.8.2-1");
    expect_bad_filter("$share/", errc::shared_subscription_invalid, 7, "MQTT-4.8.2-1");
    expect_good_filter("$share/g/a");
    expect_good_filter("$share/group-1/a/+/#");
}

TEST(V5Subscribe, MQTT_4_8_2_2_ShareNameIsFollowedBySlashAndFilter) {
    expect_bad_filter("$share/g", errc::shared_subscription_invalid, 8, "MQTT-4.8.2-2");
    expect_bad_filter("$share/g/", errc::shared_subscription_invalid, 8, "MQTT-4.8.2-2");
    expect_bad_filter("$share/g+/a", errc::shared_subscription_invalid, 8, "MQTT-4.8.2-2");
    expect_bad_filter("$share/#/a", errc::shared_subscription_invalid, 7, "MQTT-4.8.2-2");
    // The filter after the ShareName obeys the filter rules.
    expect_bad_filter("$share/g/a#", errc::multi_level_wildcard_misplaced, 10, "MQTT-4.7.1-1");
    // Not shared at all: ordinary filters.
    expect_good_filter("$sharex/a");
    expect_good_filter("$SHARE/g");
}

}  // namespace
