// publish_packet_id_offset: where a broker patches each subscriber's Packet Identifier in the
// one PUBLISH it encoded for all of them (MQTT-3.3.2: fixed header, Remaining Length, Topic
// Name, then the identifier).
#include <gtest/gtest.h>

#include <array>
#include <cstddef>
#include <mqttwire/mqttwire.hpp>
#include <optional>
#include <span>
#include <vector>

namespace {

using namespace mqttwire;

constexpr codec_options server(protocol_version v) { return {v, sender::server}; }

std::vector<std::byte> encoded(const publish_packet& p, protocol_version v) {
    const result<std::size_t> size = encoded_size(p, server(v));
    EXPECT_TRUE(size.has_value());
    std::vector<std::byte> out(size ? *size : 0);
    EXPECT_TRUE(encode(p, server(v), out).has_value());
    return out;
}

std::uint16_t id_at(const std::vector<std::byte>& b, std::size_t at) {
    return static_cast<std::uint16_t>(std::to_integer<unsigned>(b[at]) << 8 |
                                      std::to_integer<unsigned>(b[at + 1]));
}

// In a constant expression: 3.1.1 QoS 1 "a/b", identifier 0x1234 at byte 7.
constexpr std::optional<std::size_t> offset_of_known() {
    constexpr std::array<unsigned char, 9> bytes = {0x32, 0x07, 0x00, 0x03, 'a',
                                                    '/',  'b',  0x12, 0x34};
    return publish_packet_id_offset(bytes);
}
static_assert(offset_of_known() == 7);
static_assert(!publish_packet_id_offset(std::array<unsigned char, 5>{0x30, 0x03, 0x00, 0x01, 'a'}));

TEST(PublishPacketIdOffset, FindsTheIdentifierInEveryVersion) {
    const std::vector<std::byte> payload(300, std::byte{'x'});  // a two-byte Remaining Length
    for (const protocol_version v :
         {protocol_version::v3_1, protocol_version::v3_1_1, protocol_version::v5}) {
        for (const qos q : {qos::at_least_once, qos::exactly_once}) {
            publish_packet p{.topic_name = "load/topic", .payload = payload, .qos_level = q,
                             .packet_id = 0xBEEF};
            if (v == protocol_version::v5) p.properties.content_type = "text/plain";
            const std::vector<std::byte> b = encoded(p, v);
            const auto at = publish_packet_id_offset(b);
            ASSERT_TRUE(at.has_value());
            EXPECT_EQ(*at, 1 + 2 + 2 + p.topic_name.size());
            EXPECT_EQ(id_at(b, *at), 0xBEEF);
            // A header alone (as encode_header writes it) is enough.
            EXPECT_EQ(publish_packet_id_offset(std::span(b).first(*at + 2)), at);
        }
    }
}

TEST(PublishPacketIdOffset, NoneWithoutAnIdentifierOrAPublish) {
    const publish_packet q0{.topic_name = "t", .payload = {}};
    EXPECT_FALSE(publish_packet_id_offset(encoded(q0, protocol_version::v3_1_1)));
    const std::array<unsigned char, 2> pingreq = {0xC0, 0x00};
    EXPECT_FALSE(publish_packet_id_offset(pingreq));
    const std::array<unsigned char, 0> nothing{};
    EXPECT_FALSE(publish_packet_id_offset(nothing));
}

TEST(PublishPacketIdOffset, NoneWhenTooShortToHoldIt) {
    publish_packet p{.topic_name = "abc", .payload = {}, .qos_level = qos::at_least_once,
                     .packet_id = 7};
    const std::vector<std::byte> b = encoded(p, protocol_version::v3_1_1);
    for (std::size_t n = 0; n < b.size(); ++n)
        EXPECT_FALSE(publish_packet_id_offset(std::span(b).first(n))) << n;
    EXPECT_EQ(publish_packet_id_offset(b), 7u);
    // A Remaining Length that never ends is not read past its four bytes.
    const std::array<unsigned char, 8> endless = {0x32, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00};
    EXPECT_FALSE(publish_packet_id_offset(endless));
}

}  // namespace
