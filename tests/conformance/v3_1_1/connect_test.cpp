// MQTT 3.1.1 CONNECT and CONNACK: known answers both ways, and one negative test per rule,
// named by the statement it shows; each negative case the encode structs can express is also
// refused by the encoder with the same errc and statement.
#include <gtest/gtest.h>

#include <array>
#include <cstddef>
#include <mqttwire/mqttwire.hpp>
#include <span>
#include <string_view>

#include "../../support/expect.hpp"
#include "../v3_vectors.hpp"

namespace {

using namespace mqttwire;
using namespace mqttwire_test;

constexpr codec_options client{.version = protocol_version::v3_1_1, .from = sender::client};
constexpr codec_options server{.version = protocol_version::v3_1_1, .from = sender::server};

constexpr std::byte password_bytes[] = {std::byte{0x01}, std::byte{0x02}};

/** Variable header of a 3.1.1 CONNECT with the given flags, keep alive 0. */
builder connect_header(unsigned flags) {
    builder b;
    b.str("MQTT").u8(4).u8(flags).u16(0);
    return b;
}

// ---------------------------------------------------------------------------------------------
// Known answers
// ---------------------------------------------------------------------------------------------

TEST(V311Connect, KnownAnswerMinimal) {
    const auto r = decode_connect(std::span(v311::connect_minimal), client);
    ASSERT_TRUE(r.has_value()) << describe(r.error());
    EXPECT_EQ(r->version, protocol_version::v3_1_1);
    EXPECT_EQ(r->keep_alive, 60);
    EXPECT_TRUE(r->clean_start);
    EXPECT_EQ(r->client_id, "c1");
    EXPECT_FALSE(r->will.has_value());
    EXPECT_FALSE(r->user_name.has_value());
    EXPECT_FALSE(r->password.has_value());
    EXPECT_TRUE(r->properties.empty());

    connect_packet c;
    c.client_id = "c1";
    c.keep_alive = 60;
    EXPECT_TRUE(encodes_to(c, client, v311::connect_minimal));
}

TEST(V311Connect, KnownAnswerSpecFlagsWithWillUserNameAndPassword) {
    const auto r = decode_connect(std::span(v311::connect_full), client);
    ASSERT_TRUE(r.has_value()) << describe(r.error());
    EXPECT_EQ(r->version, protocol_version::v3_1_1);
    EXPECT_EQ(r->keep_alive, 10);
    EXPECT_TRUE(r->clean_start);
    EXPECT_EQ(r->client_id, "id");
    ASSERT_TRUE(r->will.has_value());
    EXPECT_EQ(r->will->topic, "w/t");
    EXPECT_EQ(as_text(r->will->payload), "bye");
    EXPECT_EQ(r->will->qos_level, qos::at_least_once);
    EXPECT_FALSE(r->will->retain);
    EXPECT_TRUE(r->will->properties.empty());
    ASSERT_TRUE(r->user_name.has_value());
    EXPECT_EQ(*r->user_name, "u");
    ASSERT_TRUE(r->password.has_value());
    ASSERT_EQ(r->password->size(), 2u);
    EXPECT_EQ((*r->password)[0], 0x01);
    EXPECT_EQ((*r->password)[1], 0x02);

    connect_packet c;
    c.client_id = "id";
    c.keep_alive = 10;
    c.will = will_message{.topic = "w/t", .payload = as_bytes("bye"), .qos_level = qos::at_least_once};
    c.user_name = "u";
    c.password = std::span<const std::byte>(password_bytes);
    EXPECT_TRUE(encodes_to(c, client, v311::connect_full));
}

TEST(V311Connect, KnownAnswerEmptyClientIdWithCleanSession) {
    const auto r = decode_connect(std::span(v311::connect_empty_client_id), client);
    ASSERT_TRUE(r.has_value()) << describe(r.error());
    EXPECT_EQ(r->client_id, "");
    EXPECT_TRUE(r->clean_start);
    EXPECT_EQ(r->keep_alive, 0);

    connect_packet c;
    c.client_id = "";
    EXPECT_TRUE(encodes_to(c, client, v311::connect_empty_client_id));
}

TEST(V311Connect, KnownAnswerRetainedQos2WillWithEmptyMessage) {
    const auto r = decode_connect(std::span(v311::connect_will_qos2_retain), client);
    ASSERT_TRUE(r.has_value()) << describe(r.error());
    EXPECT_EQ(r->keep_alive, 65535);
    EXPECT_EQ(r->client_id, "c");
    ASSERT_TRUE(r->will.has_value());
    EXPECT_EQ(r->will->topic, "t");
    EXPECT_TRUE(r->will->payload.empty());
    EXPECT_EQ(r->will->qos_level, qos::exactly_once);
    EXPECT_TRUE(r->will->retain);

    connect_packet c;
    c.client_id = "c";
    c.keep_alive = 65535;
    c.will = will_message{.topic = "t", .qos_level = qos::exactly_once, .retain = true};
    EXPECT_TRUE(encodes_to(c, client, v311::connect_will_qos2_retain));
}

TEST(V311Connect, KnownAnswerUserNameWithoutPassword) {
    const auto r = decode_connect(std::span(v311::connect_user_only), client);
    ASSERT_TRUE(r.has_value()) << describe(r.error());
    EXPECT_FALSE(r->clean_start);
    EXPECT_EQ(r->keep_alive, 30);
    EXPECT_EQ(r->client_id, "client-1");
    EXPECT_EQ(r->user_name, std::optional<std::string_view>("alice"));
    EXPECT_FALSE(r->password.has_value());

    connect_packet c;
    c.client_id = "client-1";
    c.keep_alive = 30;
    c.clean_start = false;
    c.user_name = "alice";
    EXPECT_TRUE(encodes_to(c, client, v311::connect_user_only));
}

TEST(V311Connect, DecodesCharAndStdByteInputAlike) {
    const std::string_view text(reinterpret_cast<const char*>(v311::connect_full),
                                sizeof v311::connect_full);
    std::array<std::byte, sizeof v311::connect_full> bytes{};
    for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = std::byte{v311::connect_full[i]};
    const auto as_char = decode_connect(text, client);
    const auto as_byte = decode_connect(bytes, client);
    ASSERT_TRUE(as_char.has_value());
    ASSERT_TRUE(as_byte.has_value());
    EXPECT_EQ(as_char->client_id, as_byte->client_id);
    EXPECT_EQ(as_char->will->topic, as_byte->will->topic);
    EXPECT_EQ(as_char->will->payload.size(), as_byte->will->payload.size());
    EXPECT_EQ(as_char->user_name, as_byte->user_name);
    EXPECT_EQ(as_byte->password->data(), bytes.data() + 31);
}

TEST(V311Connect, PasswordAndWillMessageAreBinary) {
    // Neither is a UTF-8 string in 3.1.1: NUL and 0xFF are fine.
    builder b = connect_header(0xC4 | 0x02);
    b.str("id").str("t").str(std::string_view("\x00\xFF", 2)).str("u").str(std::string_view("\xFF\x00", 2));
    const auto bytes = b.packet(0x10);
    const auto r = decode_connect(std::span(bytes), client);
    ASSERT_TRUE(r.has_value()) << describe(r.error());
    EXPECT_EQ(as_text(r->will->payload), std::string_view("\x00\xFF", 2));
    EXPECT_EQ(as_text(*r->password), std::string_view("\xFF\x00", 2));

    connect_packet c;
    c.client_id = "id";
    c.will = will_message{.topic = "t", .payload = as_bytes(std::string_view("\x00\xFF", 2))};
    c.user_name = "u";
    c.password = as_bytes(std::string_view("\xFF\x00", 2));
    EXPECT_TRUE(encodes_to(c, client, bytes));
}

TEST(V311Connect, SentByServerIsRejected) {
    EXPECT_TRUE(fails_with(decode_connect(std::span(v311::connect_minimal), server),
                           errc::packet_not_allowed_from_sender, 0, ""));
    connect_packet c;
    c.client_id = "c1";
    EXPECT_TRUE(refuses(c, server, errc::packet_not_allowed_from_sender, ""));
}

// ---------------------------------------------------------------------------------------------
// Variable header: protocol name, level, flags
// ---------------------------------------------------------------------------------------------

TEST(V311Connect, MQTT_3_1_2_1_ProtocolNameOtherThanMqttIsRejected) {
    for (const std::string_view name : {"MQTX", "mqtt", "MQT", "MQTTT", ""}) {
        builder b;
        b.str(name).u8(4).u8(0x02).u16(0).str("c");
        const auto bytes = b.packet(0x10);
        EXPECT_TRUE(fails_with(decode_connect(std::span(bytes), client),
                               errc::protocol_name_invalid, 2, "MQTT-3.1.2-1"))
            << "name \"" << name << "\"";
    }
}

TEST(V311Connect, MQTT_3_1_2_2_UnsupportedProtocolLevelIsReported) {
    for (const unsigned level : {0u, 1u, 2u, 3u, 6u, 0x84u, 0xFFu}) {
        builder b;
        b.str("MQTT").u8(level).u8(0x02).u16(0).str("c");
        const auto bytes = b.packet(0x10);
        EXPECT_TRUE(fails_with(decode_connect(std::span(bytes), client),
                               errc::protocol_version_unsupported, 8, "MQTT-3.1.2-2"))
            << "level " << level;
    }
    // The name and level must agree: MQIsdp is level 3 only.
    builder b;
    b.str("MQIsdp").u8(4).u8(0x02).u16(0).str("c");
    const auto bytes = b.packet(0x10);
    EXPECT_TRUE(fails_with(decode_connect(std::span(bytes), client),
                           errc::protocol_version_unsupported, 10, "MQTT-3.1.2-2"));
    connect_packet c;
    c.client_id = "c";
    EXPECT_TRUE(refuses(c, {.version = protocol_version{6}, .from = sender::client},
                        errc::protocol_version_unsupported, ""));
}

TEST(V311Connect, MQTT_3_1_2_3_ReservedFlagIsMalformed) {
    builder b = connect_header(0x03);
    b.str("c");
    const auto bytes = b.packet(0x10);
    EXPECT_TRUE(fails_with(decode_connect(std::span(bytes), client),
                           errc::connect_reserved_flag_set, 9, "MQTT-3.1.2-3"));
    // The encode struct has no field for the reserved bit: it cannot be set.
}

TEST(V311Connect, MQTT_3_1_2_9_WillFlagRequiresWillTopicAndMessage) {
    {
        builder b = connect_header(0x06);
        b.str("c");
        const std::uint32_t topic_at = b.at();
        const auto bytes = b.packet(0x10);
        EXPECT_TRUE(fails_with(decode_connect(std::span(bytes), client), errc::packet_truncated,
                               topic_at, "MQTT-3.1.2-9"));
    }
    {
        builder b = connect_header(0x06);
        b.str("c").str("w");
        const std::uint32_t message_at = b.at();
        const auto bytes = b.packet(0x10);
        EXPECT_TRUE(fails_with(decode_connect(std::span(bytes), client), errc::packet_truncated,
                               message_at, "MQTT-3.1.2-9"));
    }
    {
        builder b = connect_header(0x06);
        b.str("c").str("w").u8(0x00);  // half a length prefix
        const auto bytes = b.packet(0x10);
        EXPECT_TRUE(fails_with(decode_connect(std::span(bytes), client), errc::packet_truncated,
                               b.at() - 1, "MQTT-3.1.2-9"));
    }
}

TEST(V311Connect, MQTT_3_1_2_11_WillFieldsWithoutWillFlagAreNotPartOfThePacket) {
    // With Will Flag 0 the codec reads no will fields: bytes that look like them are left over.
    // Nothing tells a stray will topic from a stray user name, so the codec names the first
    // unflagged field after the Client Identifier that the flags could have announced.
    builder b = connect_header(0x02);
    b.str("c");
    const std::uint32_t extra_at = b.at();
    b.str("w").str("bye");
    const auto bytes = b.packet(0x10);
    EXPECT_TRUE(fails_with(decode_connect(std::span(bytes), client),
                           errc::packet_has_trailing_bytes, extra_at, "MQTT-3.1.2-18"));
    // Nor does the encoder write any: no will, no will fields.
    connect_packet c;
    c.client_id = "c";
    const auto encoded = encode_ok(c, client);
    ASSERT_EQ(encoded.size(), 15u);
    EXPECT_EQ(encoded[9] & 0x3C, 0);  // Will Flag, Will QoS and Will Retain all 0
}

TEST(V311Connect, MQTT_3_1_2_13_WillQosWithoutWillFlagIsProtocolError) {
    for (const unsigned flags : {0x0Au, 0x12u, 0x1Au}) {
        builder b = connect_header(flags);
        b.str("c");
        const auto bytes = b.packet(0x10);
        EXPECT_TRUE(fails_with(decode_connect(std::span(bytes), client),
                               errc::will_qos_without_will, 9, "MQTT-3.1.2-13"))
            << "flags " << flags;
    }
    // The flags byte reads fine and only its value is forbidden: not malformed.
    EXPECT_EQ(to_reason_code(errc::will_qos_without_will), reason_code::protocol_error);
    // Without a will_message the encoder has no Will QoS to set.
}

TEST(V311Connect, MQTT_3_1_2_14_WillQosThreeIsMalformed) {
    builder b = connect_header(0x1E);
    b.str("c").str("w").str("m");
    const auto bytes = b.packet(0x10);
    EXPECT_TRUE(fails_with(decode_connect(std::span(bytes), client), errc::will_qos_invalid, 9,
                           "MQTT-3.1.2-14"));
    connect_packet c;
    c.client_id = "c";
    c.will = will_message{.topic = "w", .qos_level = qos{3}};
    EXPECT_TRUE(refuses(c, client, errc::will_qos_invalid, "MQTT-3.1.2-14"));
}

TEST(V311Connect, MQTT_3_1_2_15_WillRetainWithoutWillFlagIsProtocolError) {
    builder b = connect_header(0x22);
    b.str("c");
    const auto bytes = b.packet(0x10);
    EXPECT_TRUE(fails_with(decode_connect(std::span(bytes), client),
                           errc::will_retain_without_will, 9, "MQTT-3.1.2-15"));
    EXPECT_EQ(to_reason_code(errc::will_retain_without_will), reason_code::protocol_error);
}

TEST(V311Connect, MQTT_3_1_2_18_NoUserNameWithoutUserNameFlag) {
    builder b = connect_header(0x02);
    b.str("c");
    const std::uint32_t extra_at = b.at();
    b.str("user");
    const auto bytes = b.packet(0x10);
    EXPECT_TRUE(fails_with(decode_connect(std::span(bytes), client),
                           errc::packet_has_trailing_bytes, extra_at, "MQTT-3.1.2-18"));
    const auto ok = decode_connect(std::span(v311::connect_minimal), client);
    ASSERT_TRUE(ok.has_value());
    EXPECT_FALSE(ok->user_name.has_value());
}

TEST(V311Connect, MQTT_3_1_2_19_UserNameFlagRequiresUserName) {
    builder b = connect_header(0x82);
    b.str("c");
    const std::uint32_t user_at = b.at();
    const auto bytes = b.packet(0x10);
    EXPECT_TRUE(fails_with(decode_connect(std::span(bytes), client), errc::packet_truncated,
                           user_at, "MQTT-3.1.2-19"));
    // A length that runs past the packet is the same fault.
    builder longer = connect_header(0x82);
    longer.str("c").u16(5).raw("ab");
    const auto bytes2 = longer.packet(0x10);
    EXPECT_TRUE(fails_with(decode_connect(std::span(bytes2), client), errc::packet_truncated,
                           user_at, "MQTT-3.1.2-19"));
}

TEST(V311Connect, MQTT_3_1_2_20_NoPasswordWithoutPasswordFlag) {
    builder b = connect_header(0x82);
    b.str("c").str("u");
    const std::uint32_t extra_at = b.at();
    b.str("secret");
    const auto bytes = b.packet(0x10);
    EXPECT_TRUE(fails_with(decode_connect(std::span(bytes), client),
                           errc::packet_has_trailing_bytes, extra_at, "MQTT-3.1.2-20"));
}

TEST(V311Connect, MQTT_3_1_2_21_PasswordFlagRequiresPassword) {
    builder b = connect_header(0xC2);
    b.str("c").str("u");
    const std::uint32_t password_at = b.at();
    const auto bytes = b.packet(0x10);
    EXPECT_TRUE(fails_with(decode_connect(std::span(bytes), client), errc::packet_truncated,
                           password_at, "MQTT-3.1.2-21"));
}

TEST(V311Connect, MQTT_3_1_2_22_PasswordWithoutUserNameIsProtocolError) {
    builder b = connect_header(0x42);
    b.str("c").str("pw");
    const auto bytes = b.packet(0x10);
    EXPECT_TRUE(fails_with(decode_connect(std::span(bytes), client),
                           errc::password_without_user_name, 9, "MQTT-3.1.2-22"));
    connect_packet c;
    c.client_id = "c";
    c.password = as_bytes("pw");
    EXPECT_TRUE(refuses(c, client, errc::password_without_user_name, "MQTT-3.1.2-22"));
    EXPECT_EQ(to_reason_code(errc::password_without_user_name), reason_code::protocol_error);
}

// ---------------------------------------------------------------------------------------------
// Payload
// ---------------------------------------------------------------------------------------------

TEST(V311Connect, MQTT_3_1_3_1_PayloadFieldsComeInSpecOrder) {
    // Five distinct fields, each read into its own member; the encoder writes them back in the
    // same order (byte-exact).
    builder b = connect_header(0xE6);
    b.str("ID").str("WT").str("WM").str("UN").str("PW");
    const auto bytes = b.packet(0x10);
    const auto r = decode_connect(std::span(bytes), client);
    ASSERT_TRUE(r.has_value()) << describe(r.error());
    EXPECT_EQ(r->client_id, "ID");
    EXPECT_EQ(r->will->topic, "WT");
    EXPECT_EQ(as_text(r->will->payload), "WM");
    EXPECT_TRUE(r->will->retain);
    EXPECT_EQ(r->user_name, std::optional<std::string_view>("UN"));
    EXPECT_EQ(as_text(*r->password), "PW");

    connect_packet c;
    c.client_id = "ID";
    c.will = will_message{.topic = "WT", .payload = as_bytes("WM"), .retain = true};
    c.user_name = "UN";
    c.password = as_bytes("PW");
    EXPECT_TRUE(encodes_to(c, client, bytes));
}

TEST(V311Connect, MQTT_3_1_3_3_ClientIdentifierMustBePresent) {
    const builder b = connect_header(0x02);
    const auto bytes = b.packet(0x10);
    EXPECT_TRUE(fails_with(decode_connect(std::span(bytes), client), errc::packet_truncated, 12,
                           "MQTT-3.1.3-3"));
    builder half = connect_header(0x02);
    half.u8(0x00);
    const auto bytes2 = half.packet(0x10);
    EXPECT_TRUE(fails_with(decode_connect(std::span(bytes2), client), errc::packet_truncated, 12,
                           "MQTT-3.1.3-3"));
}

TEST(V311Connect, MQTT_3_1_3_4_ClientIdentifierMustBeUtf8) {
    struct bad {
        std::string_view id;
        errc code;
        std::uint32_t at;
        std::string_view statement;
    };
    const bad cases[] = {
        {"\xC3\x28", errc::utf8_ill_formed, 0, "MQTT-1.5.3-1"},
        {"ab\xC0\xAF", errc::utf8_ill_formed, 2, "MQTT-1.5.3-1"},
        {"a\xED\xA0\x80", errc::utf8_surrogate, 1, "MQTT-1.5.3-1"},
        {"\xF4\x90\x80\x80", errc::utf8_ill_formed, 0, "MQTT-1.5.3-1"},
        {"abc\xE2\x82", errc::utf8_ill_formed, 3, "MQTT-1.5.3-1"},
        {std::string_view("a\0b", 3), errc::utf8_null_character, 1, "MQTT-1.5.3-2"},
    };
    for (const bad& c : cases) {
        builder b = connect_header(0x02);
        b.str(c.id);
        const auto bytes = b.packet(0x10);
        EXPECT_TRUE(fails_with(decode_connect(std::span(bytes), client), c.code, 14 + c.at,
                               c.statement))
            << hex(std::span<const char>(c.id));
        connect_packet pkt;
        pkt.client_id = c.id;
        EXPECT_TRUE(refuses(pkt, client, c.code, c.statement)) << hex(std::span<const char>(c.id));
    }
}

TEST(V311Connect, MQTT_3_1_3_7_EmptyClientIdRequiresCleanSession) {
    builder b = connect_header(0x00);
    b.str("");
    const auto bytes = b.packet(0x10);
    EXPECT_TRUE(fails_with(decode_connect(std::span(bytes), client),
                           errc::client_identifier_empty_without_clean_session, 12,
                           "MQTT-3.1.3-7"));
    connect_packet c;
    c.clean_start = false;
    EXPECT_TRUE(refuses(c, client, errc::client_identifier_empty_without_clean_session,
                        "MQTT-3.1.3-7"));
    // The reason a server answers with (CONNACK return code 2, MQTT-3.1.3-8).
    EXPECT_EQ(to_reason_code(errc::client_identifier_empty_without_clean_session),
              reason_code::client_identifier_not_valid);
}

TEST(V311Connect, MQTT_3_1_3_10_WillTopicMustBeUtf8) {
    struct bad {
        std::string_view topic;
        errc code;
        std::uint32_t at;
        std::string_view statement;
    };
    const bad cases[] = {
        {"w\xED\xBF\xBF", errc::utf8_surrogate, 1, "MQTT-1.5.3-1"},
        {"\x80", errc::utf8_ill_formed, 0, "MQTT-1.5.3-1"},
        {std::string_view("w\0", 2), errc::utf8_null_character, 1, "MQTT-1.5.3-2"},
        // A Will Topic is a Topic Name (§3.1.3.3): no wildcards, not empty.
        {"w/#", errc::topic_name_has_wildcard, 2, "MQTT-3.3.2-2"},
        {"+", errc::topic_name_has_wildcard, 0, "MQTT-3.3.2-2"},
    };
    for (const bad& c : cases) {
        builder b = connect_header(0x06);
        b.str("c");
        const std::uint32_t topic_at = b.at();
        b.str(c.topic).str("m");
        const auto bytes = b.packet(0x10);
        EXPECT_TRUE(fails_with(decode_connect(std::span(bytes), client), c.code,
                               topic_at + 2 + c.at, c.statement))
            << hex(std::span<const char>(c.topic));
        connect_packet pkt;
        pkt.client_id = "c";
        pkt.will = will_message{.topic = c.topic, .payload = as_bytes("m")};
        EXPECT_TRUE(refuses(pkt, client, c.code, c.statement))
            << hex(std::span<const char>(c.topic));
    }
}

TEST(V311Connect, MQTT_4_7_3_1_WillTopicMustNotBeEmpty) {
    builder b = connect_header(0x06);
    b.str("c");
    const std::uint32_t topic_at = b.at();
    b.str("").str("m");
    const auto bytes = b.packet(0x10);
    // An empty topic has no character to point at: the error points at its length.
    EXPECT_TRUE(fails_with(decode_connect(std::span(bytes), client), errc::topic_name_empty,
                           topic_at, "MQTT-4.7.3-1"));
    connect_packet pkt;
    pkt.client_id = "c";
    pkt.will = will_message{.topic = ""};
    EXPECT_TRUE(refuses(pkt, client, errc::topic_name_empty, "MQTT-4.7.3-1"));
}

TEST(V311Connect, MQTT_3_1_3_11_UserNameMustBeUtf8) {
    struct bad {
        std::string_view user;
        errc code;
        std::uint32_t at;
        std::string_view statement;
    };
    const bad cases[] = {
        {"\xFF", errc::utf8_ill_formed, 0, "MQTT-1.5.3-1"},
        {"u\xED\xA0\x80", errc::utf8_surrogate, 1, "MQTT-1.5.3-1"},
        {std::string_view("\0", 1), errc::utf8_null_character, 0, "MQTT-1.5.3-2"},
    };
    for (const bad& c : cases) {
        builder b = connect_header(0x82);
        b.str("c");
        const std::uint32_t user_at = b.at();
        b.str(c.user);
        const auto bytes = b.packet(0x10);
        EXPECT_TRUE(fails_with(decode_connect(std::span(bytes), client), c.code,
                               user_at + 2 + c.at, c.statement));
        connect_packet pkt;
        pkt.client_id = "c";
        pkt.user_name = c.user;
        EXPECT_TRUE(refuses(pkt, client, c.code, c.statement));
    }
}

TEST(V311Connect, MQTT_3_1_4_1_NonConformingConnectIsRejected) {
    // The server learns from decode alone that a CONNECT breaks §3.1, before any CONNACK.
    const byte_vector good(std::begin(v311::connect_full), std::end(v311::connect_full));
    ASSERT_TRUE(decode_connect(std::span(good), client).has_value());
    // One byte more than the fields (Remaining Length raised to cover it).
    byte_vector longer = good;
    longer[1] = static_cast<unsigned char>(longer[1] + 1);
    longer.push_back(0x00);
    EXPECT_TRUE(fails_with(decode_connect(std::span(longer), client),
                           errc::packet_has_trailing_bytes, 33, ""));
    // Remaining Length cut inside the protocol name.
    const byte_vector cut = {0x10, 0x03, 0x00, 0x04, 'M'};
    EXPECT_TRUE(fails_with(decode_connect(std::span(cut), client), errc::packet_truncated, 2, ""));
    // Cut inside Connect Flags / Keep Alive.
    const byte_vector cut2 = {0x10, 0x08, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x02};
    EXPECT_TRUE(fails_with(decode_connect(std::span(cut2), client), errc::packet_truncated, 9, ""));
    // Every proper prefix of a Remaining Length shortened to match is rejected, never read past.
    for (std::size_t body = 0; body + 2 < good.size(); ++body) {
        byte_vector shorter(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(body + 2));
        shorter[1] = static_cast<unsigned char>(body);
        EXPECT_FALSE(decode_connect(std::span(shorter), client).has_value()) << body;
    }
}

TEST(V311Connect, MQTT_2_2_2_1_ReservedFixedHeaderFlagsAreMalformed) {
    for (unsigned flags = 1; flags < 16; ++flags) {
        byte_vector bytes(std::begin(v311::connect_minimal), std::end(v311::connect_minimal));
        bytes[0] = static_cast<unsigned char>(0x10 | flags);
        EXPECT_TRUE(fails_with(decode_connect(std::span(bytes), client),
                               errc::fixed_header_flags_invalid, 0, "MQTT-2.2.2-1"));
    }
}

TEST(V311Connect, ControlCharactersNeedLeniency) {
    builder b = connect_header(0x02);
    b.str("a\x1F" "b");
    const auto bytes = b.packet(0x10);
    EXPECT_TRUE(fails_with(decode_connect(std::span(bytes), client),
                           errc::utf8_control_character, 15, ""));
    codec_options lenient = client;
    lenient.leniency.allow_control_characters = true;
    const auto r = decode_connect(std::span(bytes), lenient);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->client_id, "a\x1F" "b");
    connect_packet c;
    c.client_id = "a\x1F" "b";
    EXPECT_TRUE(refuses(c, client, errc::utf8_control_character, ""));
    EXPECT_TRUE(encodes_to(c, lenient, bytes));
}

TEST(V311Connect, MQTT_1_5_3_3_ByteOrderMarkInClientIdIsKept) {
    builder b = connect_header(0x02);
    b.str("\xEF\xBB\xBFid");
    const auto bytes = b.packet(0x10);
    const auto r = decode_connect(std::span(bytes), client);
    ASSERT_TRUE(r.has_value()) << describe(r.error());
    EXPECT_EQ(r->client_id, "\xEF\xBB\xBFid");
    connect_packet c;
    c.client_id = "\xEF\xBB\xBFid";
    EXPECT_TRUE(encodes_to(c, client, bytes));
}

// ---------------------------------------------------------------------------------------------
// CONNACK
// ---------------------------------------------------------------------------------------------

TEST(V311Connack, KnownAnswerAccepted) {
    const auto r = decode_connack(std::span(v311::connack_accepted), server);
    ASSERT_TRUE(r.has_value()) << describe(r.error());
    EXPECT_FALSE(r->session_present);
    EXPECT_EQ(r->return_code, connect_return_code::accepted);
    EXPECT_EQ(r->reason, reason_code::success);
    EXPECT_TRUE(r->properties.empty());
    EXPECT_TRUE(encodes_to(connack_packet{}, server, v311::connack_accepted));
}

TEST(V311Connack, KnownAnswerSessionPresent) {
    const auto r = decode_connack(std::span(v311::connack_session_present), server);
    ASSERT_TRUE(r.has_value()) << describe(r.error());
    EXPECT_TRUE(r->session_present);
    EXPECT_EQ(r->return_code, connect_return_code::accepted);
    EXPECT_TRUE(
        encodes_to(connack_packet{.session_present = true}, server, v311::connack_session_present));
}

TEST(V311Connack, KnownAnswerEveryReturnCode) {
    for (unsigned code = 0; code <= 5; ++code) {
        const byte_vector bytes = {0x20, 0x02, 0x00, static_cast<unsigned char>(code)};
        const auto r = decode_connack(std::span(bytes), server);
        ASSERT_TRUE(r.has_value()) << code;
        EXPECT_EQ(r->return_code, connect_return_code{static_cast<std::uint8_t>(code)});
        EXPECT_EQ(r->reason, reason_code::success);  // the 5.0 field stays untouched
        connack_packet c;
        c.return_code = connect_return_code{static_cast<std::uint8_t>(code)};
        EXPECT_TRUE(encodes_to(c, server, bytes));
    }
    const auto r = decode_connack(std::span(v311::connack_not_authorized), server);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->return_code, connect_return_code::not_authorized);
}

TEST(V311Connack, ReservedReturnCodesAreRejected) {
    for (const unsigned code : {6u, 0x80u, 0x87u, 0xFFu}) {
        const byte_vector bytes = {0x20, 0x02, 0x00, static_cast<unsigned char>(code)};
        EXPECT_TRUE(fails_with(decode_connack(std::span(bytes), server),
                               errc::reason_code_invalid, 3, ""))
            << code;
        connack_packet c;
        c.return_code = connect_return_code{static_cast<std::uint8_t>(code)};
        EXPECT_TRUE(refuses(c, server, errc::reason_code_invalid, "")) << code;
    }
}

TEST(V311Connack, MQTT_3_2_2_4_SessionPresentWithRefusalIsRejected) {
    for (unsigned code = 1; code <= 5; ++code) {
        const byte_vector bytes = {0x20, 0x02, 0x01, static_cast<unsigned char>(code)};
        EXPECT_TRUE(fails_with(decode_connack(std::span(bytes), server),
                               errc::session_present_with_failure, 2, "MQTT-3.2.2-4"));
        connack_packet c;
        c.session_present = true;
        c.return_code = connect_return_code{static_cast<std::uint8_t>(code)};
        EXPECT_TRUE(refuses(c, server, errc::session_present_with_failure, "MQTT-3.2.2-4"));
    }
}

TEST(V311Connack, ReservedAcknowledgeFlagsAreMalformed) {
    for (unsigned flags = 2; flags < 256; flags <<= 1) {
        const byte_vector bytes = {0x20, 0x02, static_cast<unsigned char>(flags), 0x00};
        EXPECT_TRUE(fails_with(decode_connack(std::span(bytes), server),
                               errc::connack_reserved_flags_set, 2, ""))
            << flags;
    }
}

TEST(V311Connack, RemainingLengthOtherThanTwoIsMalformed) {
    const byte_vector longer = {0x20, 0x03, 0x00, 0x00, 0x00};
    EXPECT_TRUE(fails_with(decode_connack(std::span(longer), server),
                           errc::packet_has_trailing_bytes, 4, ""));
    const byte_vector shorter = {0x20, 0x01, 0x00};
    EXPECT_TRUE(fails_with(decode_connack(std::span(shorter), server), errc::packet_truncated, 2,
                           ""));
    const byte_vector empty = {0x20, 0x00};
    EXPECT_TRUE(fails_with(decode_connack(std::span(empty), server), errc::packet_truncated, 2,
                           ""));
}

TEST(V311Connack, MQTT_2_2_2_1_ReservedFixedHeaderFlagsAreMalformed) {
    for (unsigned flags = 1; flags < 16; ++flags) {
        const byte_vector bytes = {static_cast<unsigned char>(0x20 | flags), 0x02, 0x00, 0x00};
        EXPECT_TRUE(fails_with(decode_connack(std::span(bytes), server),
                               errc::fixed_header_flags_invalid, 0, "MQTT-2.2.2-1"));
    }
}

TEST(V311Connack, SentByClientIsRejected) {
    EXPECT_TRUE(fails_with(decode_connack(std::span(v311::connack_accepted), client),
                           errc::packet_not_allowed_from_sender, 0, ""));
    EXPECT_TRUE(refuses(connack_packet{}, client, errc::packet_not_allowed_from_sender, ""));
}

TEST(V311Connack, ReasonCodesAndPropertiesAreNotIn311) {
    connack_packet c;
    c.reason = reason_code::not_authorized;
    EXPECT_TRUE(refuses(c, server, errc::not_in_protocol_version, ""));
    connack_packet p;
    p.properties.server_keep_alive = 5;
    EXPECT_TRUE(refuses(p, server, errc::not_in_protocol_version, ""));
}

}  // namespace
