// decode_publish_head at every prefix length: before the variable header is in it asks for
// more (exactly as many as the head lacks once every length field is known, never past the
// head; with the fixed header once the Remaining Length is in), once it is in it gives what
// the whole-packet decode gives, and for a malformed packet it fails with the whole-packet
// decode's error, no later than the bytes that decide it.
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <mqttwire/mqttwire.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "../support/error_text.hpp"
#include "../support/packet_builder.hpp"

namespace {

using namespace mqttwire;
using bytes = std::vector<std::uint8_t>;

using builder = mqttwire_test::basic_packet_builder<std::uint8_t>;

bytes packet(unsigned first, const bytes& body) { return mqttwire_test::whole_packet(first, body); }

std::size_t vbi_size(std::size_t v) { return mqttwire_test::vbi_bytes(v); }

std::span<const std::byte> prefix(const bytes& b, std::size_t k) {
    return std::as_bytes(std::span<const std::uint8_t>(b.data(), k));
}

constexpr codec_options v311_client{protocol_version::v3_1_1, sender::client};
constexpr codec_options v31_client{protocol_version::v3_1, sender::client};
constexpr codec_options v5_client{protocol_version::v5, sender::client};
constexpr codec_options v5_server{protocol_version::v5, sender::server};

/** A PUBLISH and where its lengths and head end. */
struct sample {
    const char* name;
    bytes packet;
    codec_options opts;
    std::size_t lengths_known;  // shortest prefix holding every length field of the head
    std::size_t head_end;       // the payload offset
};

/**
 * Builds a PUBLISH: topic, identifier (if QoS > 0), 5.0 properties, payload; records where the
 * last length field of the head ends (topic length for 3.x, Property Length for 5.0).
 */
sample make(const char* name, unsigned first, std::string_view topic, unsigned id,
            const bytes* props, std::size_t payload, const codec_options& opts) {
    builder body;
    body.str(topic);
    if ((first >> 1) & 3u) body.u16(id);
    const std::size_t props_at = body.b.size();
    if (props) body.vbi(props->size()).raw(*props);
    const std::size_t head = body.b.size();
    body.fill(payload, 0xA5);
    const std::size_t fixed = 1 + vbi_size(body.b.size());
    const std::size_t known = props ? fixed + props_at + vbi_size(props->size()) : fixed + 2;
    return {name, packet(first, body.b), opts, known, fixed + head};
}

std::vector<sample> valid_samples() {
    static const bytes no_props{};
    bytes rich;  // every PUBLISH property, repeated User Properties and Subscription Identifiers
    rich = builder{}
               .u8(0x01)
               .u8(1)
               .u8(0x02)
               .u16(0)
               .u16(60)
               .u8(0x23)
               .u16(7)
               .u8(0x08)
               .str("reply/to")
               .u8(0x09)
               .u16(2)
               .u8(0xCA)
               .u8(0xFE)
               .u8(0x26)
               .str("k")
               .str("1")
               .u8(0x26)
               .str("k")
               .str("2")
               .u8(0x0B)
               .vbi(1)
               .u8(0x0B)
               .vbi(200000)
               .u8(0x03)
               .str("text/plain")
               .b;
    const bytes long_props = builder{}.u8(0x26).str("trace").str(std::string(150, 't')).b;
    const bytes alias = builder{}.u8(0x23).u16(3).b;
    return {
        make("3.1.1 QoS 0", 0x30, "a/b", 0, nullptr, 10, v311_client),
        make("3.1.1 QoS 1, two-byte Remaining Length", 0x32, std::string(200, 't'), 77, nullptr,
             300, v311_client),
        make("3.1.1 QoS 2 retained, empty payload", 0x35, "x", 65535, nullptr, 0, v311_client),
        make("3.1 DUP on QoS 0", 0x38, "old/style", 0, nullptr, 4, v31_client),
        make("5.0 QoS 2 with every property", 0x3C, "sensors/1/temp", 10, &rich, 1000, v5_server),
        make("5.0 QoS 0 without properties or payload", 0x30, "t", 0, &no_props, 0, v5_client),
        make("5.0 two-byte Property Length", 0x33, "a", 1, &long_props, 20, v5_client),
        make("5.0 empty topic with Topic Alias", 0x32, "", 9, &alias, 3, v5_client),
    };
}

TEST(PublishHead, AtEveryPrefixNeedsExactlyTheHeadThenGivesWhatTheWholeDecodeGives) {
    for (const sample& s : valid_samples()) {
        SCOPED_TRACE(s.name);
        const bytes& b = s.packet;
        const auto whole = decode_publish(std::span<const std::uint8_t>(b), s.opts);
        ASSERT_TRUE(whole.has_value()) << name(whole.error().code);
        ASSERT_EQ(whole->payload_offset, s.head_end);
        std::size_t header_size = 2;  // the type byte and the Remaining Length
        while (b[header_size - 1] & 0x80u) ++header_size;
        for (std::size_t k = 0; k <= b.size(); ++k) {
            SCOPED_TRACE(testing::Message() << "prefix " << k << " of " << b.size());
            const auto r = decode_publish_head(prefix(b, k), s.opts);
            if (k < s.head_end) {
                ASSERT_TRUE(r.needs_more()) << (r.has_error() ? name(r.error().code) : "complete");
                const need n = r.need();
                EXPECT_GE(n.bytes, 1u);
                EXPECT_LE(k + n.bytes, s.head_end) << "asks for more than the head";
                EXPECT_EQ(n.exact, k >= s.lengths_known);
                if (n.exact) {
                    EXPECT_EQ(k + n.bytes, s.head_end);
                }
                // Once the Remaining Length is in, the answer carries the fixed header.
                EXPECT_EQ(n.header_known(), k >= header_size);
                if (n.header_known()) {
                    EXPECT_EQ(n.header.type, packet_type::publish);
                    EXPECT_EQ(n.header.flags, b[0] & 0x0Fu);
                    EXPECT_EQ(n.header.header_size, header_size);
                    EXPECT_EQ(n.header.size(), b.size());
                }
                continue;
            }
            ASSERT_TRUE(r.is_complete()) << (r.has_error() ? name(r.error().code) : "need");
            const publish_head_view<std::byte>& h = *r;
            EXPECT_EQ(h.topic_name, whole->topic_name);
            EXPECT_EQ(h.packet_id, whole->packet_id);
            EXPECT_EQ(h.qos_level, whole->qos_level);
            EXPECT_EQ(h.dup, whole->dup);
            EXPECT_EQ(h.retain, whole->retain);
            EXPECT_EQ(h.payload_offset, whole->payload_offset);
            EXPECT_EQ(h.payload_size, whole->payload_size);
            EXPECT_EQ(h.payload_offset + h.payload_size, b.size());
            ASSERT_EQ(h.properties.encoded().size(), whole->properties.encoded().size());
            for (std::size_t i = 0; i < h.properties.encoded().size(); ++i)
                EXPECT_EQ(static_cast<std::uint8_t>(h.properties.encoded()[i]),
                          static_cast<std::uint8_t>(whole->properties.encoded()[i]));
            EXPECT_EQ(h.properties.topic_alias(), whole->properties.topic_alias());
            EXPECT_EQ(h.properties.user_properties().size(),
                      whole->properties.user_properties().size());
            EXPECT_EQ(h.properties.subscription_identifiers().size(),
                      whole->properties.subscription_identifiers().size());
        }
    }
}

TEST(PublishHead, FollowingNeedReachesTheHeadInFewSteps) {
    for (const sample& s : valid_samples()) {
        SCOPED_TRACE(s.name);
        std::size_t k = 0;
        int steps = 0;
        for (;;) {
            const auto r = decode_publish_head(prefix(s.packet, k), s.opts);
            ASSERT_FALSE(r.has_error()) << name(r.error().code);
            if (r.is_complete()) break;
            k += r.need().bytes;
            ASSERT_LE(k, s.packet.size());
            ASSERT_LT(++steps, 12);
        }
        EXPECT_EQ(k, s.head_end);
    }
}

TEST(PublishHead, BytesOfTheNextPacketDoNotChangeTheAnswer) {
    for (const sample& s : valid_samples()) {
        SCOPED_TRACE(s.name);
        bytes stream = s.packet;
        const bytes next = packet(0x30, builder{}.str("n").b);
        stream.insert(stream.end(), next.begin(), next.end());
        const auto r = decode_publish_head(prefix(stream, stream.size()), s.opts);
        ASSERT_TRUE(r.is_complete());
        EXPECT_EQ(r->payload_offset + r->payload_size, s.packet.size());
    }
}

TEST(PublishHead, DecodesCharInputAlike) {
    const sample s = valid_samples()[4];
    const std::string_view text(reinterpret_cast<const char*>(s.packet.data()), s.head_end);
    const auto r = decode_publish_head(text, s.opts);
    ASSERT_TRUE(r.is_complete());
    EXPECT_EQ(r->topic_name, "sensors/1/temp");
    EXPECT_EQ(r->properties.response_topic(), "reply/to");
    EXPECT_EQ(r->payload_size, 1000u);
}

/** A malformed PUBLISH and the shortest prefix that already shows why. */
struct broken {
    const char* name;
    bytes packet;
    codec_options opts;
    std::size_t decisive;
};

std::vector<broken> broken_samples() {
    const auto body = [](std::string_view topic, int id, const bytes* props, std::size_t payload) {
        builder b;
        b.str(topic);
        if (id >= 0) b.u16(static_cast<unsigned>(id));
        if (props) b.vbi(props->size()).raw(*props);
        b.fill(payload, 0x5A);
        return b.b;
    };
    const bytes empty{};
    const bytes not_allowed = builder{}.u8(0x26).str("k").str("v").u8(0x11).u16(0).u16(1).b;
    const bytes value_overrun = builder{}.u8(0x26).str("k").u16(9).u8('v').b;
    const bytes alias_zero = builder{}.u8(0x23).u16(0).b;
    const bytes sub_id = builder{}.u8(0x0B).vbi(4).b;
    const bytes duplicate = builder{}.u8(0x02).u16(0).u16(1).u8(0x02).u16(0).u16(2).b;
    const bytes user = builder{}.u8(0x26).str("k").str("v").b;
    return {
        // Fixed header: decided as soon as it is in.
        {"QoS 3", packet(0x36, body("t", 1, nullptr, 50)), v311_client, 2},
        {"DUP on QoS 0", packet(0x38, body("t", -1, &empty, 50)), v5_client, 2},
        // Topic: decided once the whole topic is in.
        {"wildcard topic", packet(0x30, body("a/#", -1, nullptr, 50)), v311_client, 7},
        {"ill-formed topic", packet(0x30, body("ab\xC3", -1, &empty, 50)), v5_client, 7},
        {"NUL in topic", packet(0x32, body(std::string("a\0", 2), 5, nullptr, 50)), v311_client, 6},
        {"empty topic in 3.1.1", packet(0x30, body("", -1, nullptr, 50)), v311_client, 4},
        // Lengths that run past the packet: decided once the length is in.
        {"topic longer than the packet", packet(0x30, {0x00, 0x40, 'a', 'b', 'c'}), v311_client, 4},
        {"no room for the identifier", packet(0x32, {0x00, 0x02, 'a', 'b', 0x00}), v311_client, 6},
        {"Property Length past the packet", packet(0x30, builder{}.str("t").vbi(300).fill(40, 0).b),
         v5_client, 7},
        {"no Property Length at all", packet(0x32, builder{}.str("t").u16(1).b), v5_client, 7},
        // Identifier 0: decided once the identifier is in.
        {"identifier 0", packet(0x34, body("a/b", 0, &user, 50)), v5_server, 9},
        // Properties: decided once the whole list is in.
        {"property not allowed", packet(0x32, body("t", 1, &not_allowed, 60)), v5_client, 20},
        {"property value past its list", packet(0x32, body("t", 1, &value_overrun, 60)), v5_client,
         15},
        {"repeated property", packet(0x30, body("t", -1, &duplicate, 60)), v5_client, 16},
        {"Topic Alias 0", packet(0x30, body("t", -1, &alias_zero, 60)), v5_client, 9},
        {"Subscription Identifier from a client", packet(0x30, body("t", -1, &sub_id, 60)),
         v5_client, 8},
        {"empty topic without Topic Alias", packet(0x30, body("", -1, &user, 60)), v5_client, 12},
    };
}

TEST(PublishHead, MalformedPacketsFailWithTheWholeDecodeErrorOnceDecided) {
    for (const broken& s : broken_samples()) {
        SCOPED_TRACE(s.name);
        const bytes& b = s.packet;
        const auto whole = decode_publish(std::span<const std::uint8_t>(b), s.opts);
        ASSERT_FALSE(whole.has_value());
        const error e = whole.error();
        ASSERT_LE(s.decisive, b.size());
        for (std::size_t k = 0; k <= b.size(); ++k) {
            SCOPED_TRACE(testing::Message() << "prefix " << k << " of " << b.size());
            const auto r = decode_publish_head(prefix(b, k), s.opts);
            ASSERT_FALSE(r.is_complete());
            if (k >= s.decisive) {
                ASSERT_TRUE(r.has_error()) << "still asks for " << r.need().bytes;
            }
            if (r.has_error()) {
                EXPECT_EQ(r.error(), e) << name(r.error().code) << " at " << r.error().offset
                                        << " \"" << r.error().statement << "\" vs " << name(e.code)
                                        << " at " << e.offset << " \"" << e.statement << "\"";
            } else {
                EXPECT_GE(r.need().bytes, 1u);
                EXPECT_LE(k + r.need().bytes, b.size()) << "asks for more than the packet";
            }
        }
    }
}

TEST(PublishHead, OtherPacketTypesAndOversizedPacketsAreRefusedFromTheirHeader) {
    const bytes puback_packet = packet(0x40, {0x00, 0x01});
    const auto r = decode_publish_head(prefix(puback_packet, 2), v5_client);
    ASSERT_TRUE(r.has_error());
    EXPECT_EQ(r.error().code, errc::packet_type_mismatch);
    // 3.1.1 PUBLISH of 1000 bytes against a 500-byte limit: known from the first three bytes.
    const sample big = valid_samples()[1];
    codec_options small = big.opts;
    small.maximum_packet_size = 500;
    const auto too_large = decode_publish_head(prefix(big.packet, 3), small);
    ASSERT_TRUE(too_large.has_error());
    EXPECT_EQ(too_large.error().code, errc::packet_too_large);
    EXPECT_EQ(too_large.error().offset, 1u);
    const auto whole = decode_publish(std::span<const std::uint8_t>(big.packet), small);
    ASSERT_FALSE(whole.has_value());
    EXPECT_EQ(too_large.error(), whole.error());
    // 5.0 numbers it: the server's limit on what a client sends.
    const sample v5 = valid_samples()[6];
    codec_options limited = v5.opts;
    limited.maximum_packet_size = 100;
    const auto v5_large = decode_publish_head(prefix(v5.packet, 3), limited);
    ASSERT_TRUE(v5_large.has_error());
    EXPECT_EQ(v5_large.error().statement, mqttwire_test::error_text("MQTT-3.2.2-15"));
    EXPECT_EQ(v5_large.error().to_reason_code(), reason_code::packet_too_large);
}

}  // namespace
