// MQTT 3.1.1 PUBLISH, PUBACK, PUBREC, PUBREL and PUBCOMP: known answers both ways, the head-first
// and header-only paths, and one negative test per rule named by its statement.
#include <gtest/gtest.h>

#include <cstddef>
#include <mqttwire/mqttwire.hpp>
#include <span>
#include <string>
#include <string_view>

#include "../../support/expect.hpp"
#include "../v3_vectors.hpp"

namespace {

using namespace mqttwire;
using namespace mqttwire_test;

constexpr codec_options client{.version = protocol_version::v3_1_1, .from = sender::client};
constexpr codec_options server{.version = protocol_version::v3_1_1, .from = sender::server};

constexpr std::byte payload_123[] = {std::byte{1}, std::byte{2}, std::byte{3}};

/** A PUBLISH with `flags`, the topic, an optional identifier and a payload. */
byte_vector publish_bytes(unsigned flags, std::string_view topic, int packet_id,
                          std::string_view payload = "") {
    builder b;
    b.str(topic);
    if (packet_id >= 0) b.u16(static_cast<unsigned>(packet_id));
    b.raw(payload);
    return b.packet(0x30 | flags);
}

// ---------------------------------------------------------------------------------------------
// Known answers
// ---------------------------------------------------------------------------------------------

TEST(V311Publish, KnownAnswerQos0) {
    const auto r = decode_publish(std::span(v311::publish_qos0), client);
    ASSERT_TRUE(r.has_value()) << describe(r.error());
    EXPECT_EQ(r->topic_name, "a/b");
    EXPECT_EQ(r->qos_level, qos::at_most_once);
    EXPECT_EQ(r->packet_id, 0);
    EXPECT_FALSE(r->dup);
    EXPECT_FALSE(r->retain);
    EXPECT_TRUE(r->properties.empty());
    EXPECT_EQ(r->payload_offset, 7u);
    EXPECT_EQ(r->payload_size, 2u);
    EXPECT_EQ(as_text(r->payload), "hi");
    EXPECT_EQ(r->payload.data(), v311::publish_qos0 + 7);

    publish_packet p;
    p.topic_name = "a/b";
    p.payload = as_bytes("hi");
    EXPECT_TRUE(encodes_to(p, client, v311::publish_qos0));
}

TEST(V311Publish, KnownAnswerQos1SpecExample) {
    for (const codec_options& opts : {client, server}) {
        const auto r = decode_publish(std::span(v311::publish_qos1), opts);
        ASSERT_TRUE(r.has_value()) << describe(r.error());
        EXPECT_EQ(r->topic_name, "a/b");
        EXPECT_EQ(r->qos_level, qos::at_least_once);
        EXPECT_EQ(r->packet_id, 10);
        EXPECT_FALSE(r->dup);
        EXPECT_FALSE(r->retain);
        EXPECT_EQ(r->payload_offset, 9u);
        EXPECT_EQ(r->payload_size, 3u);
        ASSERT_EQ(r->payload.size(), 3u);
        EXPECT_EQ(r->payload[2], 0x03);

        publish_packet p;
        p.topic_name = "a/b";
        p.payload = payload_123;
        p.qos_level = qos::at_least_once;
        p.packet_id = 10;
        EXPECT_TRUE(encodes_to(p, opts, v311::publish_qos1));
    }
}

TEST(V311Publish, KnownAnswerQos2DupRetainEmptyPayload) {
    const auto r = decode_publish(std::span(v311::publish_qos2_dup_retain), client);
    ASSERT_TRUE(r.has_value()) << describe(r.error());
    EXPECT_EQ(r->topic_name, "x");
    EXPECT_EQ(r->qos_level, qos::exactly_once);
    EXPECT_EQ(r->packet_id, 65535);
    EXPECT_TRUE(r->dup);
    EXPECT_TRUE(r->retain);
    EXPECT_EQ(r->payload_size, 0u);
    EXPECT_TRUE(r->payload.empty());

    publish_packet p;
    p.topic_name = "x";
    p.qos_level = qos::exactly_once;
    p.dup = true;
    p.retain = true;
    p.packet_id = 65535;
    EXPECT_TRUE(encodes_to(p, client, v311::publish_qos2_dup_retain));
}

TEST(V311Publish, KnownAnswerSpecUtf8ExampleAsTopic) {
    const auto r = decode_publish(std::span(v311::publish_utf8_topic), client);
    ASSERT_TRUE(r.has_value()) << describe(r.error());
    EXPECT_EQ(r->topic_name, "A\xF0\xAA\x9B\x94");
    EXPECT_TRUE(r->retain);
    EXPECT_TRUE(r->payload.empty());

    publish_packet p;
    p.topic_name = "A\xF0\xAA\x9B\x94";
    p.retain = true;
    EXPECT_TRUE(encodes_to(p, client, v311::publish_utf8_topic));
}

TEST(V311Publish, KnownAnswerTwoByteRemainingLength) {
    const std::string payload(200, 'p');
    const byte_vector bytes = publish_bytes(0x02, "t", 1, payload);
    ASSERT_EQ(bytes[1], 0xCD);  // 205 = 0x4D + 1 * 128
    ASSERT_EQ(bytes[2], 0x01);
    const auto r = decode_publish(std::span(bytes), client);
    ASSERT_TRUE(r.has_value()) << describe(r.error());
    EXPECT_EQ(r->payload_offset, 8u);
    EXPECT_EQ(r->payload_size, 200u);
    publish_packet p;
    p.topic_name = "t";
    p.payload = as_bytes(payload);
    p.qos_level = qos::at_least_once;
    p.packet_id = 1;
    EXPECT_TRUE(encodes_to(p, client, bytes));
}

TEST(V311Publish, EncodeHeaderLeavesThePayloadOut) {
    const std::string payload(300, 'z');
    publish_packet p;
    p.topic_name = "a/b";
    p.payload = as_bytes(payload);
    p.qos_level = qos::exactly_once;
    p.packet_id = 7;
    const byte_vector whole = encode_ok(p, client);
    ASSERT_EQ(whole.size(), 1 + 2 + 5 + 2 + 300u);
    std::byte header[16]{};
    const auto n = encode_header(p, client, header);
    ASSERT_TRUE(n.has_value()) << describe(n.error());
    ASSERT_EQ(*n, whole.size() - payload.size());
    for (std::size_t i = 0; i < *n; ++i) EXPECT_EQ(static_cast<unsigned char>(header[i]), whole[i]);
    EXPECT_TRUE(fails_with(encode_header(p, client, std::span(header).first(*n - 1)),
                           errc::buffer_too_small, static_cast<std::uint32_t>(*n), ""));
}

TEST(V311Publish, HeadDecodesBeforeThePayloadArrives) {
    const std::string payload(1000, 'q');
    const byte_vector bytes = publish_bytes(0x03, "s/t", 513, payload);
    const std::size_t header = 3;  // type byte + two Remaining Length bytes
    const std::size_t head_end = header + 5 + 2;
    for (std::size_t n = 0; n <= bytes.size(); ++n) {
        const auto prefix = std::span(bytes).first(n);
        const auto h = decode_publish_head(prefix, client);
        ASSERT_FALSE(h.has_error()) << n << ": " << describe(h.error());
        if (n < head_end) {
            ASSERT_TRUE(h.needs_more()) << n;
            EXPECT_GE(h.need().bytes, 1u);
            EXPECT_LE(h.need().bytes, head_end - n) << n;
            if (n >= header + 2) {  // topic length known: the head's end is exact
                EXPECT_TRUE(h.need().exact) << n;
                EXPECT_EQ(h.need().bytes, head_end - n) << n;
            }
            continue;
        }
        ASSERT_TRUE(h.is_complete()) << n;
        EXPECT_EQ(h->topic_name, "s/t");
        EXPECT_EQ(h->packet_id, 513);
        EXPECT_EQ(h->qos_level, qos::at_least_once);
        EXPECT_TRUE(h->retain);
        EXPECT_EQ(h->payload_offset, head_end);
        EXPECT_EQ(h->payload_size, 1000u);
    }
    // The head reports the errors the whole packet would.
    const byte_vector bad = publish_bytes(0x02, "a/#", 1, payload);
    EXPECT_TRUE(fails_with(decode_publish_head(std::span(bad).first(12), client),
                           errc::topic_name_has_wildcard, 7, "MQTT-3.3.2-2"));
    const byte_vector bad_id = publish_bytes(0x02, "a", 0, payload);
    EXPECT_TRUE(fails_with(decode_publish_head(std::span(bad_id).first(9), client),
                           errc::packet_identifier_zero, 6, "MQTT-2.3.1-1"));
    EXPECT_TRUE(fails_with(decode_publish_head(std::span(v311::puback), client),
                           errc::packet_type_mismatch, 0, ""));
}

// ---------------------------------------------------------------------------------------------
// Negative cases
// ---------------------------------------------------------------------------------------------

TEST(V311Publish, MQTT_2_3_1_1_Qos1And2NeedNonZeroPacketIdentifier) {
    for (const unsigned flags : {0x02u, 0x04u, 0x0Au, 0x0Du}) {
        const byte_vector bytes = publish_bytes(flags, "t", 0, "x");
        for (const codec_options& opts : {client, server}) {
            EXPECT_TRUE(fails_with(decode_publish(std::span(bytes), opts),
                                   errc::packet_identifier_zero, 5, "MQTT-2.3.1-1"));
            publish_packet p;
            p.topic_name = "t";
            p.qos_level = qos{static_cast<std::uint8_t>((flags >> 1) & 3)};
            p.dup = (flags & 0x08) != 0;
            p.retain = (flags & 0x01) != 0;
            EXPECT_TRUE(refuses(p, opts, errc::packet_identifier_zero, "MQTT-2.3.1-1"));
        }
    }
}

TEST(V311Publish, MQTT_2_3_1_5_Qos0CarriesNoPacketIdentifier) {
    // The decoder reads no identifier in a QoS 0 PUBLISH: what follows the topic is payload.
    const byte_vector bytes = publish_bytes(0x00, "a/b", 10);
    const auto r = decode_publish(std::span(bytes), client);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->packet_id, 0);
    EXPECT_EQ(r->payload_offset, 7u);
    ASSERT_EQ(r->payload.size(), 2u);
    EXPECT_EQ(r->payload[1], 10);
    // The encoder refuses to be given one.
    publish_packet p;
    p.topic_name = "a/b";
    p.packet_id = 10;
    EXPECT_TRUE(refuses(p, client, errc::value_out_of_range, "MQTT-2.3.1-5"));
}

TEST(V311Publish, MQTT_3_3_1_2_DupOnQos0IsRejected) {
    for (const unsigned flags : {0x08u, 0x09u}) {
        const byte_vector bytes = publish_bytes(flags, "t", -1, "x");
        EXPECT_TRUE(fails_with(decode_publish(std::span(bytes), client), errc::dup_with_qos_0, 0,
                               "MQTT-3.3.1-2"));
        publish_packet p;
        p.topic_name = "t";
        p.dup = true;
        p.retain = (flags & 1) != 0;
        EXPECT_TRUE(refuses(p, server, errc::dup_with_qos_0, "MQTT-3.3.1-2"));
    }
}

TEST(V311Publish, MQTT_3_3_1_4_QosThreeIsMalformed) {
    for (const unsigned flags : {0x06u, 0x07u, 0x0Eu, 0x0Fu}) {
        const byte_vector bytes = publish_bytes(flags, "t", 1, "x");
        EXPECT_TRUE(fails_with(decode_publish(std::span(bytes), client), errc::qos_invalid, 0,
                               "MQTT-3.3.1-4"));
        publish_packet p;
        p.topic_name = "t";
        p.packet_id = 1;
        p.qos_level = qos{3};
        EXPECT_TRUE(refuses(p, client, errc::qos_invalid, "MQTT-3.3.1-4"));
    }
}

TEST(V311Publish, MQTT_3_3_2_1_TopicNameMustBeUtf8) {
    struct bad {
        std::string_view topic;
        errc code;
        std::uint32_t at;
        std::string_view statement;
    };
    const bad cases[] = {
        {"\xC0\x80", errc::utf8_ill_formed, 0, "MQTT-1.5.3-1"},  // overlong U+0000
        {"ab\xE0\x80\x80", errc::utf8_ill_formed, 2, "MQTT-1.5.3-1"},
        {"abcdefgh\xF8", errc::utf8_ill_formed, 8, "MQTT-1.5.3-1"},
        {"a\xEF\xBF", errc::utf8_ill_formed, 1, "MQTT-1.5.3-1"},
    };
    for (const bad& c : cases) {
        const byte_vector bytes = publish_bytes(0x00, c.topic, -1, "p");
        EXPECT_TRUE(
            fails_with(decode_publish(std::span(bytes), client), c.code, 4 + c.at, c.statement));
        publish_packet p;
        p.topic_name = c.topic;
        EXPECT_TRUE(refuses(p, client, c.code, c.statement));
    }
    // The Topic Name is the first field: a length past the packet is truncation.
    const byte_vector cut = {0x30, 0x03, 0x00, 0x05, 'a'};
    EXPECT_TRUE(fails_with(decode_publish(std::span(cut), client), errc::packet_truncated, 2, ""));
    const byte_vector none = {0x30, 0x01, 0x00};
    EXPECT_TRUE(fails_with(decode_publish(std::span(none), client), errc::packet_truncated, 2, ""));
    // So is a missing Packet Identifier.
    const byte_vector no_id = {0x32, 0x04, 0x00, 0x02, 'a', 'b'};
    EXPECT_TRUE(
        fails_with(decode_publish(std::span(no_id), client), errc::packet_truncated, 6, ""));
}

TEST(V311Publish, MQTT_1_5_3_1_SurrogateInTopicIsMalformed) {
    for (const std::string_view topic : {"\xED\xA0\x80", "x\xED\xBF\xBF"}) {
        const byte_vector bytes = publish_bytes(0x00, topic, -1);
        const std::uint32_t at = topic[0] == 'x' ? 5 : 4;
        EXPECT_TRUE(fails_with(decode_publish(std::span(bytes), client), errc::utf8_surrogate, at,
                               "MQTT-1.5.3-1"));
        publish_packet p;
        p.topic_name = topic;
        EXPECT_TRUE(refuses(p, client, errc::utf8_surrogate, "MQTT-1.5.3-1"));
    }
}

TEST(V311Publish, MQTT_1_5_3_2_NullInTopicIsMalformed) {
    const std::string_view topic("a/\0", 3);
    const byte_vector bytes = publish_bytes(0x00, topic, -1);
    EXPECT_TRUE(fails_with(decode_publish(std::span(bytes), client), errc::utf8_null_character, 6,
                           "MQTT-1.5.3-2"));
    publish_packet p;
    p.topic_name = topic;
    EXPECT_TRUE(refuses(p, client, errc::utf8_null_character, "MQTT-1.5.3-2"));
}

TEST(V311Publish, MQTT_4_7_3_2_TopicNameMustNotContainNull) {
    const std::string_view topic("\0", 1);
    const byte_vector bytes = publish_bytes(0x02, topic, 3);
    EXPECT_TRUE(fails_with(decode_publish(std::span(bytes), client), errc::utf8_null_character, 4,
                           "MQTT-1.5.3-2"));
}

TEST(V311Publish, MQTT_1_5_3_3_ByteOrderMarkIsKept) {
    const std::string_view topic =
        "\xEF\xBB\xBF"
        "a/\xEF\xBB\xBF";
    const byte_vector bytes = publish_bytes(0x00, topic, -1, "x");
    const auto r = decode_publish(std::span(bytes), client);
    ASSERT_TRUE(r.has_value()) << describe(r.error());
    EXPECT_EQ(r->topic_name, topic);  // neither skipped nor stripped
    EXPECT_EQ(r->topic_name.size(), 8u);
    publish_packet p;
    p.topic_name = topic;
    p.payload = as_bytes("x");
    EXPECT_TRUE(encodes_to(p, client, bytes));
}

TEST(V311Publish, MQTT_3_3_2_2_TopicNameMustNotContainWildcards) {
    struct bad {
        std::string_view topic;
        std::uint32_t at;
    };
    for (const bad& c : {bad{"#", 0}, bad{"+", 0}, bad{"a/+", 2}, bad{"a/#", 2}, bad{"a+b", 1},
                         bad{"sport/tennis#", 12}, bad{"abcdefghij/+", 11}}) {
        const byte_vector bytes = publish_bytes(0x00, c.topic, -1);
        EXPECT_TRUE(fails_with(decode_publish(std::span(bytes), client),
                               errc::topic_name_has_wildcard, 4 + c.at, "MQTT-3.3.2-2"))
            << c.topic;
        publish_packet p;
        p.topic_name = c.topic;
        EXPECT_TRUE(refuses(p, client, errc::topic_name_has_wildcard, "MQTT-3.3.2-2")) << c.topic;
    }
}

TEST(V311Publish, MQTT_4_7_1_1_WildcardsAreForFiltersOnly) {
    // '+' and '#' are refused in a Topic Name (PUBLISH here, the Will Topic in the CONNECT
    // suite) and accepted in a Topic Filter (SUBSCRIBE).
    const byte_vector bytes = publish_bytes(0x00, "sport/+/player1", -1);
    EXPECT_TRUE(fails_with(decode_publish(std::span(bytes), client), errc::topic_name_has_wildcard,
                           10, "MQTT-3.3.2-2"));
    builder s;
    s.u16(1).str("sport/+/player1").u8(0);
    const byte_vector sub = s.packet(0x82);
    EXPECT_TRUE(decode_subscribe(std::span(sub), client).has_value());
    // Characters that only look like wildcards are fine: U+FF0B FULLWIDTH PLUS SIGN.
    const byte_vector lookalike = publish_bytes(0x00, "a/\xEF\xBC\x8B", -1);
    EXPECT_TRUE(decode_publish(std::span(lookalike), client).has_value());
}

TEST(V311Publish, MQTT_4_7_3_1_TopicNameMustNotBeEmpty) {
    const byte_vector bytes = publish_bytes(0x00, "", -1, "payload");
    EXPECT_TRUE(fails_with(decode_publish(std::span(bytes), client), errc::topic_name_empty, 2,
                           "MQTT-4.7.3-1"));
    const byte_vector qos1 = publish_bytes(0x02, "", 1);
    EXPECT_TRUE(fails_with(decode_publish(std::span(qos1), client), errc::topic_name_empty, 2,
                           "MQTT-4.7.3-1"));
    publish_packet p;
    EXPECT_TRUE(refuses(p, client, errc::topic_name_empty, "MQTT-4.7.3-1"));
}

TEST(V311Publish, MQTT_4_7_3_3_TopicNameLongerThan65535BytesCannotBeEncoded) {
    const std::string longest(65535, 'a');
    const byte_vector bytes = publish_bytes(0x00, longest, -1);
    const auto r = decode_publish(std::span(bytes), client);
    ASSERT_TRUE(r.has_value()) << describe(r.error());
    EXPECT_EQ(r->topic_name.size(), 65535u);
    publish_packet p;
    p.topic_name = longest;
    EXPECT_TRUE(encodes_to(p, client, bytes));
    const std::string too_long(65536, 'a');
    p.topic_name = too_long;
    EXPECT_TRUE(refuses(p, client, errc::field_too_long, "MQTT-4.7.3-3"));
}

TEST(V311Publish, PropertiesAreNotIn311) {
    publish_packet p;
    p.topic_name = "t";
    p.properties.message_expiry_interval = 5;
    EXPECT_TRUE(refuses(p, client, errc::not_in_protocol_version, ""));
}

TEST(V311Publish, PacketTooLargeForTheReceiverIsRefused) {
    codec_options small = client;
    small.maximum_packet_size = 8;
    // 30 06 00 01 74 + 3 payload bytes = 8 bytes: fits exactly.
    publish_packet p;
    p.topic_name = "t";
    p.payload = payload_123;
    const byte_vector fits = encode_ok(p, small);
    ASSERT_EQ(fits.size(), 8u);
    EXPECT_TRUE(decode_publish(std::span(fits), small).has_value());
    p.payload = as_bytes("1234");
    EXPECT_TRUE(refuses(p, small, errc::packet_too_large, ""));
    const byte_vector bigger = publish_bytes(0x00, "t", -1, "1234");
    EXPECT_TRUE(
        fails_with(decode_publish(std::span(bigger), small), errc::packet_too_large, 1, ""));
}

// ---------------------------------------------------------------------------------------------
// PUBACK, PUBREC, PUBREL, PUBCOMP
// ---------------------------------------------------------------------------------------------

template <class View>
void expect_ack(const result<View>& r, std::uint16_t id) {
    ASSERT_TRUE(r.has_value()) << describe(r.error());
    EXPECT_EQ(r->packet_id, id);
    EXPECT_EQ(r->reason, reason_code::success);
    EXPECT_TRUE(r->properties.empty());
}

TEST(V311Puback, KnownAnswer) {
    for (const codec_options& opts : {client, server}) {
        expect_ack(decode_puback(std::span(v311::puback), opts), 10);
        EXPECT_TRUE(encodes_to(puback_packet{10}, opts, v311::puback));
    }
}
TEST(V311Pubrec, KnownAnswer) {
    for (const codec_options& opts : {client, server}) {
        expect_ack(decode_pubrec(std::span(v311::pubrec), opts), 11);
        EXPECT_TRUE(encodes_to(pubrec_packet{11}, opts, v311::pubrec));
    }
}
TEST(V311Pubrel, KnownAnswer) {
    for (const codec_options& opts : {client, server}) {
        expect_ack(decode_pubrel(std::span(v311::pubrel), opts), 12);
        EXPECT_TRUE(encodes_to(pubrel_packet{12}, opts, v311::pubrel));
    }
}
TEST(V311Pubcomp, KnownAnswer) {
    for (const codec_options& opts : {client, server}) {
        expect_ack(decode_pubcomp(std::span(v311::pubcomp), opts), 269);
        EXPECT_TRUE(encodes_to(pubcomp_packet{269}, opts, v311::pubcomp));
    }
}

TEST(V311Pubrel, MQTT_3_6_1_1_FlagsOtherThan0010AreMalformed) {
    for (unsigned flags = 0; flags < 16; ++flags) {
        if (flags == 0x2) continue;
        const byte_vector bytes = {static_cast<unsigned char>(0x60 | flags), 0x02, 0x00, 0x0C};
        EXPECT_TRUE(fails_with(decode_pubrel(std::span(bytes), client),
                               errc::fixed_header_flags_invalid, 0, "MQTT-3.6.1-1"))
            << flags;
    }
}

TEST(V311Puback, MQTT_2_2_2_1_ReservedFixedHeaderFlagsAreMalformed) {
    for (const unsigned type : {0x40u, 0x50u, 0x70u}) {
        for (unsigned flags = 1; flags < 16; ++flags) {
            const byte_vector bytes = {static_cast<unsigned char>(type | flags), 0x02, 0x00, 0x01};
            EXPECT_TRUE(fails_with(decode(std::span(bytes), client),
                                   errc::fixed_header_flags_invalid, 0, "MQTT-2.2.2-1"))
                << type << " " << flags;
        }
    }
}

TEST(V311Puback, RemainingLengthOtherThanTwoIsMalformed) {
    for (const unsigned type : {0x40u, 0x50u, 0x62u, 0x70u}) {
        const byte_vector longer = {static_cast<unsigned char>(type), 0x03, 0x00, 0x0A, 0x00};
        EXPECT_TRUE(
            fails_with(decode(std::span(longer), client), errc::packet_has_trailing_bytes, 4, ""))
            << type;
        const byte_vector shorter = {static_cast<unsigned char>(type), 0x01, 0x00};
        EXPECT_TRUE(fails_with(decode(std::span(shorter), client), errc::packet_truncated, 2, ""))
            << type;
        const byte_vector empty = {static_cast<unsigned char>(type), 0x00};
        EXPECT_TRUE(fails_with(decode(std::span(empty), client), errc::packet_truncated, 2, ""))
            << type;
    }
}

TEST(V311Puback, PacketIdentifierZeroIsRejected) {
    // An ack of identifier 0 can match no PUBLISH (MQTT-2.3.1-1 keeps 0 out of them).
    for (const unsigned type : {0x40u, 0x50u, 0x62u, 0x70u}) {
        const byte_vector bytes = {static_cast<unsigned char>(type), 0x02, 0x00, 0x00};
        EXPECT_TRUE(
            fails_with(decode(std::span(bytes), client), errc::packet_identifier_zero, 2, ""))
            << type;
    }
    EXPECT_TRUE(refuses(puback_packet{0}, client, errc::packet_identifier_zero, ""));
    EXPECT_TRUE(refuses(pubrec_packet{0}, client, errc::packet_identifier_zero, ""));
    EXPECT_TRUE(refuses(pubrel_packet{0}, client, errc::packet_identifier_zero, ""));
    EXPECT_TRUE(refuses(pubcomp_packet{0}, client, errc::packet_identifier_zero, ""));
}

TEST(V311Puback, ReasonCodesAndPropertiesAreNotIn311) {
    EXPECT_TRUE(refuses(puback_packet{1, reason_code::no_matching_subscribers}, client,
                        errc::not_in_protocol_version, ""));
    EXPECT_TRUE(refuses(pubrel_packet{1, reason_code::packet_identifier_not_found}, client,
                        errc::not_in_protocol_version, ""));
    puback_packet with_properties{1};
    with_properties.properties.reason_string = "why";
    EXPECT_TRUE(refuses(with_properties, client, errc::not_in_protocol_version, ""));
}

TEST(V311Puback, WrongTypeIsAMismatch) {
    EXPECT_TRUE(fails_with(decode_puback(std::span(v311::pubrec), client),
                           errc::packet_type_mismatch, 0, ""));
    EXPECT_TRUE(fails_with(decode_pubcomp(std::span(v311::pubrel), client),
                           errc::packet_type_mismatch, 0, ""));
}

}  // namespace
