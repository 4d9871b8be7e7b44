// MQTT 3.1.1 SUBSCRIBE, SUBACK, UNSUBSCRIBE, UNSUBACK, PINGREQ, PINGRESP and DISCONNECT, and the
// rules every packet shares (packet types, fixed-header flags, Remaining Length): known answers,
// round trips of every vector, and one negative test per rule named by its statement.
#include <gtest/gtest.h>

#include <cstddef>
#include <mqttwire/mqttwire.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "../../support/expect.hpp"
#include "../v3_roundtrip.hpp"
#include "../v3_vectors.hpp"

namespace {

using namespace mqttwire;
using namespace mqttwire_test;

constexpr codec_options client{.version = protocol_version::v3_1_1, .from = sender::client};
constexpr codec_options server{.version = protocol_version::v3_1_1, .from = sender::server};

/** SUBSCRIBE with identifier 10 and one filter with the given options byte. */
byte_vector subscribe_one(std::string_view filter, unsigned options = 0) {
    builder b;
    b.u16(10).str(filter).u8(options);
    return b.packet(0x82);
}
byte_vector unsubscribe_one(std::string_view filter) {
    builder b;
    b.u16(10).str(filter);
    return b.packet(0xA2);
}

// ---------------------------------------------------------------------------------------------
// SUBSCRIBE
// ---------------------------------------------------------------------------------------------

TEST(V311Subscribe, KnownAnswerSpecExample) {
    const auto r = decode_subscribe(std::span(v311::subscribe), client);
    ASSERT_TRUE(r.has_value()) << describe(r.error());
    EXPECT_EQ(r->packet_id, 10);
    EXPECT_TRUE(r->properties.empty());
    ASSERT_EQ(r->subscriptions.size(), 2u);
    std::vector<subscription_view> got(r->subscriptions.begin(), r->subscriptions.end());
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0], (subscription_view{"a/b", qos::at_least_once, false, false, {}, 0x01}));
    EXPECT_EQ(got[1], (subscription_view{"c/d", qos::exactly_once, false, false, {}, 0x02}));
    EXPECT_EQ(r->subscriptions.encoded().size(), 12u);

    const subscription subs[] = {{"a/b", qos::at_least_once}, {"c/d", qos::exactly_once}};
    subscribe_packet s;
    s.packet_id = 10;
    s.subscriptions = subs;
    EXPECT_TRUE(encodes_to(s, client, v311::subscribe));
}

TEST(V311Subscribe, MQTT_3_8_1_1_FlagsOtherThan0010AreMalformed) {
    for (unsigned flags = 0; flags < 16; ++flags) {
        if (flags == 0x2) continue;
        byte_vector bytes(std::begin(v311::subscribe), std::end(v311::subscribe));
        bytes[0] = static_cast<unsigned char>(0x80 | flags);
        EXPECT_TRUE(fails_with(decode_subscribe(std::span(bytes), client),
                               errc::fixed_header_flags_invalid, 0, "MQTT-3.8.1-1"))
            << flags;
    }
}

TEST(V311Subscribe, MQTT_2_3_1_1_PacketIdentifierMustBeNonZero) {
    builder b;
    b.u16(0).str("a").u8(0);
    const byte_vector bytes = b.packet(0x82);
    EXPECT_TRUE(fails_with(decode_subscribe(std::span(bytes), client), errc::packet_identifier_zero,
                           2, "MQTT-2.3.1-1"));
    const subscription subs[] = {{"a"}};
    subscribe_packet s;
    s.subscriptions = subs;
    EXPECT_TRUE(refuses(s, client, errc::packet_identifier_zero, "MQTT-2.3.1-1"));
}

TEST(V311Subscribe, MQTT_3_8_3_1_TopicFiltersMustBeUtf8) {
    struct bad {
        std::string_view filter;
        errc code;
        std::uint32_t at;
        std::string_view statement;
    };
    const bad cases[] = {
        {"\xFF", errc::utf8_ill_formed, 0, "MQTT-1.5.3-1"},
        {"a/\xED\xA0\x80", errc::utf8_surrogate, 2, "MQTT-1.5.3-1"},
        {"a/\xC1\xBF", errc::utf8_ill_formed, 2, "MQTT-1.5.3-1"},
        {std::string_view("#\0", 2), errc::utf8_null_character, 1, "MQTT-1.5.3-2"},
    };
    for (const bad& c : cases) {
        const byte_vector bytes = subscribe_one(c.filter);
        EXPECT_TRUE(
            fails_with(decode_subscribe(std::span(bytes), client), c.code, 6 + c.at, c.statement));
        const subscription subs[] = {{c.filter}};
        EXPECT_TRUE(refuses(subscribe_packet{1, subs}, client, c.code, c.statement));
    }
    // A later filter is checked as well as the first.
    builder b;
    b.u16(10).str("ok").u8(1).str("\xC3").u8(1);
    const byte_vector bytes = b.packet(0x82);
    EXPECT_TRUE(fails_with(decode_subscribe(std::span(bytes), client), errc::utf8_ill_formed, 11,
                           "MQTT-1.5.3-1"));
}

TEST(V311Subscribe, MQTT_3_8_3_3_AtLeastOneFilterIsRequired) {
    const byte_vector bytes = {0x82, 0x02, 0x00, 0x0A};
    EXPECT_TRUE(fails_with(decode_subscribe(std::span(bytes), client),
                           errc::subscribe_without_filters, 4, "MQTT-3.8.3-3"));
    EXPECT_TRUE(
        refuses(subscribe_packet{10}, client, errc::subscribe_without_filters, "MQTT-3.8.3-3"));
}

TEST(V311Subscribe, MQTT_3_8_3_4_ReservedOptionBitsAreMalformed) {
    for (unsigned bit = 2; bit < 8; ++bit) {
        const byte_vector bytes = subscribe_one("a/b", 1u << bit);
        EXPECT_TRUE(fails_with(decode_subscribe(std::span(bytes), client),
                               errc::subscription_options_reserved_bits, 9, "MQTT-3.8.3-4"))
            << bit;
    }
    // The 5.0 options live in those bits; the encoder will not write them under 3.1.1.
    subscription no_local{"a/b"};
    no_local.no_local = true;
    EXPECT_TRUE(refuses(subscribe_packet{10, std::span(&no_local, 1)}, client,
                        errc::subscription_options_reserved_bits, "MQTT-3.8.3-4"));
    subscription rap{"a/b"};
    rap.retain_as_published = true;
    EXPECT_TRUE(refuses(subscribe_packet{10, std::span(&rap, 1)}, client,
                        errc::subscription_options_reserved_bits, "MQTT-3.8.3-4"));
    subscription handling{"a/b"};
    handling.retain = retain_handling::do_not_send;
    EXPECT_TRUE(refuses(subscribe_packet{10, std::span(&handling, 1)}, client,
                        errc::subscription_options_reserved_bits, "MQTT-3.8.3-4"));
}

TEST(V311Subscribe, MQTT_3_8_3_4_RequestedQosThreeIsMalformed) {
    const byte_vector bytes = subscribe_one("a/b", 3);
    EXPECT_TRUE(fails_with(decode_subscribe(std::span(bytes), client),
                           errc::subscription_requested_qos_invalid, 9, "MQTT-3.8.3-4"));
    const subscription subs[] = {{"a/b", qos{3}}};
    EXPECT_TRUE(refuses(subscribe_packet{10, subs}, client,
                        errc::subscription_requested_qos_invalid, "MQTT-3.8.3-4"));
    // The text says malformed here; 5.0's Maximum QoS 3 is a Protocol Error instead.
    EXPECT_EQ(to_reason_code(errc::subscription_requested_qos_invalid),
              reason_code::malformed_packet);
}

TEST(V311Subscribe, MQTT_4_7_1_2_MultiLevelWildcardMustStandAloneAtTheEnd) {
    struct bad {
        std::string_view filter;
        std::uint32_t at;
    };
    for (const bad& c : {bad{"a#", 1}, bad{"a/#/b", 2}, bad{"#/", 0}, bad{"##", 0}, bad{"a/b#", 3},
                         bad{"+/a#", 3}}) {
        const byte_vector bytes = subscribe_one(c.filter);
        EXPECT_TRUE(fails_with(decode_subscribe(std::span(bytes), client),
                               errc::multi_level_wildcard_misplaced, 6 + c.at, "MQTT-4.7.1-2"))
            << c.filter;
        const subscription subs[] = {{c.filter}};
        EXPECT_TRUE(refuses(subscribe_packet{10, subs}, client,
                            errc::multi_level_wildcard_misplaced, "MQTT-4.7.1-2"))
            << c.filter;
    }
    for (const std::string_view ok : {"#", "a/#", "/#", "+/#", "a//#"}) {
        const byte_vector bytes = subscribe_one(ok);
        EXPECT_TRUE(decode_subscribe(std::span(bytes), client).has_value()) << ok;
    }
}

TEST(V311Subscribe, MQTT_4_7_1_3_SingleLevelWildcardMustFillItsLevel) {
    struct bad {
        std::string_view filter;
        std::uint32_t at;
    };
    for (const bad& c :
         {bad{"a+", 1}, bad{"+a", 0}, bad{"a/+b", 2}, bad{"a/b+/c", 3}, bad{"++", 0}}) {
        const byte_vector bytes = subscribe_one(c.filter);
        EXPECT_TRUE(fails_with(decode_subscribe(std::span(bytes), client),
                               errc::single_level_wildcard_misplaced, 6 + c.at, "MQTT-4.7.1-3"))
            << c.filter;
        const subscription subs[] = {{c.filter}};
        EXPECT_TRUE(refuses(subscribe_packet{10, subs}, client,
                            errc::single_level_wildcard_misplaced, "MQTT-4.7.1-3"))
            << c.filter;
    }
    for (const std::string_view ok : {"+", "+/+", "/+", "+/", "sport/+/player1", "+/tennis/#"}) {
        const byte_vector bytes = subscribe_one(ok);
        EXPECT_TRUE(decode_subscribe(std::span(bytes), client).has_value()) << ok;
    }
}

TEST(V311Subscribe, MQTT_4_7_3_1_TopicFilterMustNotBeEmpty) {
    const byte_vector bytes = subscribe_one("");
    EXPECT_TRUE(fails_with(decode_subscribe(std::span(bytes), client), errc::topic_filter_empty, 4,
                           "MQTT-4.7.3-1"));  // the length field: there is no character
    const subscription subs[] = {{""}};
    EXPECT_TRUE(
        refuses(subscribe_packet{10, subs}, client, errc::topic_filter_empty, "MQTT-4.7.3-1"));
}

TEST(V311Subscribe, MQTT_4_7_3_2_TopicFilterMustNotContainNull) {
    const std::string_view filter("a/\0/b", 5);
    const byte_vector bytes = subscribe_one(filter);
    EXPECT_TRUE(fails_with(decode_subscribe(std::span(bytes), client), errc::utf8_null_character, 8,
                           "MQTT-1.5.3-2"));
}

TEST(V311Subscribe, MQTT_4_7_3_3_TopicFilterLongerThan65535BytesCannotBeEncoded) {
    const std::string too_long(65536, 'f');
    const subscription subs[] = {{too_long}};
    EXPECT_TRUE(refuses(subscribe_packet{10, subs}, client, errc::field_too_long, "MQTT-4.7.3-3"));
}

TEST(V311Subscribe, TruncatedPairsAreMalformed) {
    builder no_options;
    no_options.u16(10).str("a/b");
    const byte_vector bytes = no_options.packet(0x82);
    EXPECT_TRUE(
        fails_with(decode_subscribe(std::span(bytes), client), errc::packet_truncated, 9, ""));
    builder half_length;
    half_length.u16(10).str("a").u8(0).u8(0);
    const byte_vector bytes2 = half_length.packet(0x82);
    EXPECT_TRUE(
        fails_with(decode_subscribe(std::span(bytes2), client), errc::packet_truncated, 8, ""));
    const byte_vector no_id = {0x82, 0x01, 0x00};
    EXPECT_TRUE(
        fails_with(decode_subscribe(std::span(no_id), client), errc::packet_truncated, 2, ""));
}

TEST(V311Subscribe, SharedSubscriptionSyntaxIsAnOrdinaryFilterIn311) {
    for (const std::string_view filter : {"$share/g/a", "$share//a", "$share/#", "$share/+/x"}) {
        const byte_vector bytes = subscribe_one(filter, 1);
        const auto r = decode_subscribe(std::span(bytes), client);
        ASSERT_TRUE(r.has_value()) << filter << ": " << describe(r.error());
        EXPECT_EQ((*r->subscriptions.begin()).topic_filter, filter);
    }
}

TEST(V311Subscribe, SentByServerIsRejected) {
    EXPECT_TRUE(fails_with(decode_subscribe(std::span(v311::subscribe), server),
                           errc::packet_not_allowed_from_sender, 0, ""));
    const subscription subs[] = {{"a"}};
    EXPECT_TRUE(
        refuses(subscribe_packet{1, subs}, server, errc::packet_not_allowed_from_sender, ""));
}

TEST(V311Subscribe, PropertiesAreNotIn311) {
    const subscription subs[] = {{"a"}};
    subscribe_packet s{1, subs};
    s.properties.subscription_identifier = 5;
    EXPECT_TRUE(refuses(s, client, errc::not_in_protocol_version, ""));
}

// ---------------------------------------------------------------------------------------------
// SUBACK
// ---------------------------------------------------------------------------------------------

TEST(V311Suback, KnownAnswerSpecExample) {
    const auto r = decode_suback(std::span(v311::suback), server);
    ASSERT_TRUE(r.has_value()) << describe(r.error());
    EXPECT_EQ(r->packet_id, 10);
    ASSERT_EQ(r->reason_codes.size(), 3u);
    EXPECT_EQ(r->reason_codes[0], granted_qos_0);
    EXPECT_EQ(r->reason_codes[1], reason_code::granted_qos_2);
    EXPECT_EQ(r->reason_codes[2], reason_code::unspecified_error);  // 0x80 Failure
    const std::vector<reason_code> seen(r->reason_codes.begin(), r->reason_codes.end());
    EXPECT_EQ(seen.size(), 3u);

    const reason_code codes[] = {granted_qos_0, reason_code::granted_qos_2,
                                 reason_code::unspecified_error};
    EXPECT_TRUE(encodes_to(suback_packet{10, codes}, server, v311::suback));
}

TEST(V311Suback, MQTT_3_9_3_2_ReservedReturnCodesAreRejected) {
    for (unsigned code = 0; code < 256; ++code) {
        const bool allowed = code <= 2 || code == 0x80;
        const byte_vector bytes = {0x90, 0x04, 0x00, 0x0A, 0x01, static_cast<unsigned char>(code)};
        const auto r = decode_suback(std::span(bytes), server);
        const reason_code codes[] = {reason_code::granted_qos_1,
                                     reason_code{static_cast<std::uint8_t>(code)}};
        if (allowed) {
            EXPECT_TRUE(r.has_value()) << code;
            EXPECT_TRUE(encodes_to(suback_packet{10, codes}, server, bytes)) << code;
        } else {
            EXPECT_TRUE(fails_with(r, errc::reason_code_invalid, 5, "MQTT-3.9.3-2")) << code;
            EXPECT_TRUE(refuses(suback_packet{10, codes}, server, errc::reason_code_invalid,
                                "MQTT-3.9.3-2"))
                << code;
        }
    }
}

TEST(V311Suback, AtLeastOneReturnCodeIsRequired) {
    const byte_vector bytes = {0x90, 0x02, 0x00, 0x0A};
    EXPECT_TRUE(
        fails_with(decode_suback(std::span(bytes), server), errc::ack_without_reason_codes, 4, ""));
    EXPECT_TRUE(refuses(suback_packet{10}, server, errc::ack_without_reason_codes, ""));
}

TEST(V311Suback, PacketIdentifierZeroIsRejected) {
    const byte_vector bytes = {0x90, 0x03, 0x00, 0x00, 0x00};
    EXPECT_TRUE(
        fails_with(decode_suback(std::span(bytes), server), errc::packet_identifier_zero, 2, ""));
    const reason_code codes[] = {granted_qos_0};
    EXPECT_TRUE(refuses(suback_packet{0, codes}, server, errc::packet_identifier_zero, ""));
}

TEST(V311Suback, SentByClientIsRejected) {
    EXPECT_TRUE(fails_with(decode_suback(std::span(v311::suback), client),
                           errc::packet_not_allowed_from_sender, 0, ""));
}

// ---------------------------------------------------------------------------------------------
// UNSUBSCRIBE, UNSUBACK
// ---------------------------------------------------------------------------------------------

TEST(V311Unsubscribe, KnownAnswerSpecExample) {
    const auto r = decode_unsubscribe(std::span(v311::unsubscribe), client);
    ASSERT_TRUE(r.has_value()) << describe(r.error());
    EXPECT_EQ(r->packet_id, 10);
    ASSERT_EQ(r->topic_filters.size(), 2u);
    const std::vector<std::string_view> got(r->topic_filters.begin(), r->topic_filters.end());
    EXPECT_EQ(got, (std::vector<std::string_view>{"a/b", "c/d"}));

    const std::string_view filters[] = {"a/b", "c/d"};
    EXPECT_TRUE(encodes_to(unsubscribe_packet{10, filters}, client, v311::unsubscribe));
}

TEST(V311Unsubscribe, MQTT_3_10_1_1_FlagsOtherThan0010AreMalformed) {
    for (unsigned flags = 0; flags < 16; ++flags) {
        if (flags == 0x2) continue;
        byte_vector bytes(std::begin(v311::unsubscribe), std::end(v311::unsubscribe));
        bytes[0] = static_cast<unsigned char>(0xA0 | flags);
        EXPECT_TRUE(fails_with(decode_unsubscribe(std::span(bytes), client),
                               errc::fixed_header_flags_invalid, 0, "MQTT-3.10.1-1"))
            << flags;
    }
}

TEST(V311Unsubscribe, MQTT_3_10_3_1_TopicFiltersMustBeUtf8) {
    const byte_vector bytes = unsubscribe_one("a/\xE0\x9F\xBF");
    EXPECT_TRUE(fails_with(decode_unsubscribe(std::span(bytes), client), errc::utf8_ill_formed, 8,
                           "MQTT-1.5.3-1"));
    const std::string_view filters[] = {"a/\xE0\x9F\xBF"};
    EXPECT_TRUE(
        refuses(unsubscribe_packet{10, filters}, client, errc::utf8_ill_formed, "MQTT-1.5.3-1"));
    // Packed one after another: the second is read where the first ends.
    builder b;
    b.u16(10).str("a").str("b/#");
    const byte_vector two = b.packet(0xA2);
    const auto r = decode_unsubscribe(std::span(two), client);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(*++r->topic_filters.begin(), "b/#");
}

TEST(V311Unsubscribe, MQTT_3_10_3_2_AtLeastOneFilterIsRequired) {
    const byte_vector bytes = {0xA2, 0x02, 0x00, 0x0A};
    EXPECT_TRUE(fails_with(decode_unsubscribe(std::span(bytes), client),
                           errc::unsubscribe_without_filters, 4, "MQTT-3.10.3-2"));
    EXPECT_TRUE(refuses(unsubscribe_packet{10}, client, errc::unsubscribe_without_filters,
                        "MQTT-3.10.3-2"));
}

TEST(V311Unsubscribe, MQTT_4_7_1_2_FiltersFollowTheWildcardRules) {
    const byte_vector bytes = unsubscribe_one("a/#/b");
    EXPECT_TRUE(fails_with(decode_unsubscribe(std::span(bytes), client),
                           errc::multi_level_wildcard_misplaced, 8, "MQTT-4.7.1-2"));
    const byte_vector plus = unsubscribe_one("a+");
    EXPECT_TRUE(fails_with(decode_unsubscribe(std::span(plus), client),
                           errc::single_level_wildcard_misplaced, 7, "MQTT-4.7.1-3"));
    const byte_vector empty = unsubscribe_one("");
    EXPECT_TRUE(fails_with(decode_unsubscribe(std::span(empty), client), errc::topic_filter_empty,
                           4, "MQTT-4.7.3-1"));
    const std::string_view filters[] = {"a+"};
    EXPECT_TRUE(refuses(unsubscribe_packet{10, filters}, client,
                        errc::single_level_wildcard_misplaced, "MQTT-4.7.1-3"));
}

TEST(V311Unsubscribe, MQTT_2_3_1_1_PacketIdentifierMustBeNonZero) {
    builder b;
    b.u16(0).str("a");
    const byte_vector bytes = b.packet(0xA2);
    EXPECT_TRUE(fails_with(decode_unsubscribe(std::span(bytes), client),
                           errc::packet_identifier_zero, 2, "MQTT-2.3.1-1"));
    const std::string_view filters[] = {"a"};
    EXPECT_TRUE(refuses(unsubscribe_packet{0, filters}, client, errc::packet_identifier_zero,
                        "MQTT-2.3.1-1"));
}

TEST(V311Unsuback, KnownAnswer) {
    const auto r = decode_unsuback(std::span(v311::unsuback), server);
    ASSERT_TRUE(r.has_value()) << describe(r.error());
    EXPECT_EQ(r->packet_id, 10);
    EXPECT_TRUE(r->reason_codes.empty());
    EXPECT_TRUE(encodes_to(unsuback_packet{10}, server, v311::unsuback));
}

TEST(V311Unsuback, RemainingLengthOtherThanTwoIsMalformed) {
    const byte_vector longer = {0xB0, 0x03, 0x00, 0x0A, 0x00};
    EXPECT_TRUE(fails_with(decode_unsuback(std::span(longer), server),
                           errc::packet_has_trailing_bytes, 4, ""));
    const byte_vector shorter = {0xB0, 0x01, 0x0A};
    EXPECT_TRUE(
        fails_with(decode_unsuback(std::span(shorter), server), errc::packet_truncated, 2, ""));
    // The 5.0 reason codes cannot be written under 3.1.1.
    const reason_code codes[] = {reason_code::success};
    EXPECT_TRUE(refuses(unsuback_packet{10, codes}, server, errc::not_in_protocol_version, ""));
}

TEST(V311Unsuback, PacketIdentifierZeroIsRejected) {
    const byte_vector bytes = {0xB0, 0x02, 0x00, 0x00};
    EXPECT_TRUE(
        fails_with(decode_unsuback(std::span(bytes), server), errc::packet_identifier_zero, 2, ""));
    EXPECT_TRUE(refuses(unsuback_packet{0}, server, errc::packet_identifier_zero, ""));
}

// ---------------------------------------------------------------------------------------------
// PINGREQ, PINGRESP, DISCONNECT
// ---------------------------------------------------------------------------------------------

TEST(V311Pingreq, KnownAnswer) {
    EXPECT_TRUE(decode_pingreq(std::span(v311::pingreq), client).has_value());
    EXPECT_TRUE(encodes_to(pingreq_packet{}, client, v311::pingreq));
    EXPECT_TRUE(refuses(pingreq_packet{}, server, errc::packet_not_allowed_from_sender, ""));
    EXPECT_TRUE(fails_with(decode_pingreq(std::span(v311::pingreq), server),
                           errc::packet_not_allowed_from_sender, 0, ""));
}

TEST(V311Pingresp, KnownAnswer) {
    EXPECT_TRUE(decode_pingresp(std::span(v311::pingresp), server).has_value());
    EXPECT_TRUE(encodes_to(pingresp_packet{}, server, v311::pingresp));
    EXPECT_TRUE(refuses(pingresp_packet{}, client, errc::packet_not_allowed_from_sender, ""));
}

TEST(V311Disconnect, KnownAnswer) {
    const auto r = decode_disconnect(std::span(v311::disconnect), client);
    ASSERT_TRUE(r.has_value()) << describe(r.error());
    EXPECT_EQ(r->reason, normal_disconnection);
    EXPECT_TRUE(r->properties.empty());
    EXPECT_TRUE(encodes_to(disconnect_packet{}, client, v311::disconnect));
}

TEST(V311Disconnect, MQTT_3_14_1_1_ReservedFlagsMustBeZero) {
    for (unsigned flags = 1; flags < 16; ++flags) {
        const byte_vector bytes = {static_cast<unsigned char>(0xE0 | flags), 0x00};
        EXPECT_TRUE(fails_with(decode_disconnect(std::span(bytes), client),
                               errc::fixed_header_flags_invalid, 0, "MQTT-3.14.1-1"))
            << flags;
    }
}

TEST(V311Disconnect, OnlyTheClientSendsItIn311) {
    EXPECT_TRUE(fails_with(decode_disconnect(std::span(v311::disconnect), server),
                           errc::packet_not_allowed_from_sender, 0, ""));
    EXPECT_TRUE(refuses(disconnect_packet{}, server, errc::packet_not_allowed_from_sender, ""));
    EXPECT_TRUE(refuses(disconnect_packet{reason_code::unspecified_error}, client,
                        errc::not_in_protocol_version, ""));
}

TEST(V311Pingreq, RemainingLengthMustBeZero) {
    for (const unsigned type : {0xC0u, 0xD0u, 0xE0u}) {
        const byte_vector bytes = {static_cast<unsigned char>(type), 0x01, 0x00};
        const codec_options opts = type == 0xD0 ? server : client;
        EXPECT_TRUE(
            fails_with(decode(std::span(bytes), opts), errc::packet_has_trailing_bytes, 2, ""))
            << type;
    }
}

// ---------------------------------------------------------------------------------------------
// Every packet
// ---------------------------------------------------------------------------------------------

TEST(V311Packet, MQTT_2_2_2_2_EveryInvalidFixedHeaderFlagValueIsRejected) {
    // For every type and each of the 16 flag values, with an otherwise valid body: only the
    // value of Table 2.2 (any for PUBLISH) decodes.
    struct body_of {
        unsigned type;
        sender from;
        byte_vector body;
        unsigned required;
    };
    const body_of types[] = {
        {1, sender::client, {v311::connect_minimal + 2, std::end(v311::connect_minimal)}, 0},
        {2, sender::server, {0x00, 0x00}, 0},
        {4, sender::client, {0x00, 0x01}, 0},
        {5, sender::client, {0x00, 0x01}, 0},
        {6, sender::client, {0x00, 0x01}, 2},
        {7, sender::client, {0x00, 0x01}, 0},
        {8, sender::client, {0x00, 0x01, 0x00, 0x01, 't', 0x00}, 2},
        {9, sender::server, {0x00, 0x01, 0x00}, 0},
        {10, sender::client, {0x00, 0x01, 0x00, 0x01, 't'}, 2},
        {11, sender::server, {0x00, 0x01}, 0},
        {12, sender::client, {}, 0},
        {13, sender::server, {}, 0},
        {14, sender::client, {}, 0},
    };
    for (const body_of& t : types) {
        for (unsigned flags = 0; flags < 16; ++flags) {
            byte_vector bytes = {static_cast<unsigned char>(t.type << 4 | flags),
                                 static_cast<unsigned char>(t.body.size())};
            bytes.insert(bytes.end(), t.body.begin(), t.body.end());
            const codec_options opts{.version = protocol_version::v3_1_1, .from = t.from};
            const auto r = decode(std::span(bytes), opts);
            if (flags == t.required) {
                EXPECT_TRUE(r.has_value()) << t.type << ": " << describe(r.error());
            } else {
                ASSERT_FALSE(r.has_value()) << t.type << " flags " << flags;
                EXPECT_EQ(r.error().code, errc::fixed_header_flags_invalid);
                EXPECT_EQ(r.error().offset, 0u);
                // Each type names its own statement; none when the texts are compiled out.
                EXPECT_EQ(r.error().statement.empty(), !has_error_text);
            }
        }
    }
}

TEST(V311Packet, PacketTypeZeroIsForbidden) {
    const byte_vector bytes = {0x00, 0x00};
    EXPECT_TRUE(fails_with(decode(std::span(bytes), client), errc::packet_type_invalid, 0, ""));
    EXPECT_TRUE(
        fails_with(frame_packet(std::span(bytes), client), errc::packet_type_invalid, 0, ""));
}

TEST(V311Packet, AuthIsForbiddenIn311) {
    const byte_vector bytes = {0xF0, 0x00};
    for (const codec_options& opts : {client, server}) {
        EXPECT_TRUE(fails_with(decode(std::span(bytes), opts), errc::packet_type_invalid, 0, ""));
        EXPECT_TRUE(
            fails_with(decode_auth(std::span(bytes), opts), errc::packet_type_invalid, 0, ""));
        EXPECT_TRUE(
            fails_with(frame_packet(std::span(bytes), opts), errc::packet_type_invalid, 0, ""));
        EXPECT_TRUE(refuses(auth_packet{}, opts, errc::not_in_protocol_version, ""));
    }
}

TEST(V311Packet, RemainingLengthMustBeMinimal) {
    const byte_vector padded = {0xC0, 0x80, 0x00};
    EXPECT_TRUE(fails_with(decode(std::span(padded), client),
                           errc::variable_byte_integer_not_minimal, 2, ""));
    const byte_vector padded_ack = {0x40, 0x82, 0x00, 0x00, 0x01};
    EXPECT_TRUE(fails_with(decode(std::span(padded_ack), client),
                           errc::variable_byte_integer_not_minimal, 2, ""));
    const byte_vector five = {0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F};
    EXPECT_TRUE(
        fails_with(decode(std::span(five), client), errc::variable_byte_integer_too_long, 4, ""));
}

TEST(V311Packet, IncompleteInputIsNotDecoded) {
    const std::span<const unsigned char> whole(v311::connect_full);
    for (std::size_t n = 0; n < whole.size(); ++n) {
        EXPECT_TRUE(fails_with(decode(whole.first(n), client), errc::packet_incomplete,
                               static_cast<std::uint32_t>(n), ""))
            << n;
    }
}

TEST(V311Packet, DecodeDispatchesOnTheTypeNibble) {
    for (const known_vector& v : v3_vectors) {
        if (v.version != protocol_version::v3_1_1) continue;
        const codec_options opts{.version = v.version, .from = v.from};
        const auto r = decode(v.bytes, opts);
        ASSERT_TRUE(r.has_value()) << v.name << ": " << describe(r.error());
        EXPECT_EQ(static_cast<unsigned>(type_of(*r)), static_cast<unsigned>(v.bytes[0] >> 4))
            << v.name;
        // The packet belongs to its sender only: from the other side it is refused, except the
        // types both sides send.
        const codec_options other{
            .version = v.version,
            .from = v.from == sender::client ? sender::server : sender::client};
        const auto type = static_cast<packet_type>(v.bytes[0] >> 4);
        const bool both = type == packet_type::publish || type == packet_type::puback ||
                          type == packet_type::pubrec || type == packet_type::pubrel ||
                          type == packet_type::pubcomp;
        EXPECT_EQ(decode(v.bytes, other).has_value(), both) << v.name;
    }
}

TEST(V311Packet, EveryVectorRoundTrips) {
    for (const known_vector& v : v3_vectors) {
        if (v.version != protocol_version::v3_1_1) continue;
        const byte_vector again = reencode(v.bytes, {.version = v.version, .from = v.from});
        EXPECT_EQ(hex(again), hex(v.bytes)) << v.name;
    }
}

TEST(V311Packet, GeneratedPublishesRoundTrip) {
    // A deterministic sweep of QoS, flags, topic and payload lengths across the one- and
    // two-byte Remaining Length boundary.
    std::string topic, payload;
    for (unsigned q = 0; q < 3; ++q) {
        for (std::size_t topic_len = 1; topic_len < 40; topic_len += 7) {
            for (std::size_t payload_len = 100; payload_len < 140; ++payload_len) {
                topic.assign(topic_len, 'a');
                topic[topic_len / 2] = '/';
                payload.assign(payload_len, static_cast<char>(payload_len));
                publish_packet p;
                p.topic_name = topic;
                p.payload = as_bytes(payload);
                p.qos_level = qos{static_cast<std::uint8_t>(q)};
                p.packet_id = q ? static_cast<std::uint16_t>(payload_len) : 0;
                p.retain = (payload_len & 1) != 0;
                p.dup = q != 0 && (payload_len & 2) != 0;
                const byte_vector bytes = encode_ok(p, client);
                ASSERT_FALSE(bytes.empty());
                const auto r = decode_publish(std::span(bytes), client);
                ASSERT_TRUE(r.has_value()) << describe(r.error());
                EXPECT_EQ(r->topic_name, topic);
                EXPECT_EQ(as_text(r->payload), payload);
                EXPECT_EQ(r->qos_level, p.qos_level);
                EXPECT_EQ(r->packet_id, p.packet_id);
                EXPECT_EQ(r->retain, p.retain);
                EXPECT_EQ(r->dup, p.dup);
            }
        }
    }
}

}  // namespace
