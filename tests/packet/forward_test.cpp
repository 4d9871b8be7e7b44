// Forwarding a decoded PUBLISH: the passed-through properties are the source's bytes (order and
// duplicates kept), each change lands exactly, the new values meet the encoder's rules, the
// versions convert, the receiver's size limit holds; a will and a stored message take the same
// path; encode_header takes a payload size.
#include <gtest/gtest.h>

#include <array>
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
using mqttwire_test::error_text;
using bytes = std::vector<std::byte>;

constexpr codec_options server5{.version = protocol_version::v5, .from = sender::server};
constexpr codec_options client5{.version = protocol_version::v5, .from = sender::client};
constexpr codec_options server311{.version = protocol_version::v3_1_1, .from = sender::server};
constexpr codec_options client311{.version = protocol_version::v3_1_1, .from = sender::client};

using builder = mqttwire_test::basic_packet_builder<std::byte>;

/** A 5.0 PUBLISH (QoS 1, id 9) with the property list `props` and payload "hello". */
bytes publish5(std::string_view topic, const bytes& props, unsigned flags = 0x32) {
    const bytes body = builder{}.str(topic).u16(9).props(props).raw({'h', 'e', 'l', 'l', 'o'}).b;
    return mqttwire_test::whole_packet(flags, body);
}

/** Properties in an order the encoder never writes, with a repeated User Property. */
bytes mixed_properties() {
    return builder{}
        .u8(0x26)
        .str("k")
        .str("1")
        .u8(0x03)
        .str("text/plain")
        .u8(0x26)
        .str("k")
        .str("1")
        .u8(0x01)
        .u8(1)
        .u8(0x02)
        .u16(0)
        .u16(600)
        .u8(0x26)
        .str("b")
        .str("2")
        .u8(0x0B)
        .vbi(300)
        .u8(0x09)
        .str("corr")
        .b;
}

/** Encodes `packet` into a vector of exactly encoded_size bytes. */
template <class Packet>
bytes encode_all(const Packet& packet, const codec_options& opts) {
    const auto size = encoded_size(packet, opts);
    EXPECT_TRUE(size.has_value()) << (size ? "" : name(size.error().code));
    if (!size) return {};
    bytes out(*size);
    const auto n = encode(packet, opts, out);
    EXPECT_TRUE(n.has_value());
    EXPECT_EQ(n ? *n : 0, *size);
    return out;
}

template <class Packet>
bytes header_of(const Packet& packet, const codec_options& opts) {
    bytes out(512);
    const auto n = encode_header(packet, opts, out);
    EXPECT_TRUE(n.has_value()) << (n ? "" : name(n.error().code));
    out.resize(n ? *n : 0);
    return out;
}

/** The source's property bytes without the properties with identifier `id`. */
bytes without(std::span<const std::byte> list, property_id id) {
    bytes out;
    std::size_t pos = 0;
    while (pos < list.size()) {
        const auto pid = static_cast<property_id>(list[pos]);
        std::size_t size = 1;
        const auto len = [&](std::size_t at) {
            return 2 + ((static_cast<std::size_t>(list[at]) << 8) |
                        static_cast<std::size_t>(list[at + 1]));
        };
        switch (type_of(pid)) {
            case property_type::byte: size += 1; break;
            case property_type::two_byte_integer: size += 2; break;
            case property_type::four_byte_integer: size += 4; break;
            case property_type::variable_byte_integer:
                while (static_cast<unsigned>(list[pos + size]) & 0x80u) ++size;
                ++size;
                break;
            case property_type::utf8_string:
            case property_type::binary_data: size += len(pos + 1); break;
            case property_type::utf8_string_pair: {
                const std::size_t a = len(pos + 1);
                size += a + len(pos + 1 + a);
                break;
            }
            case property_type::none: return out;
        }
        if (pid != id)
            for (std::size_t i = 0; i < size; ++i) out.push_back(list[pos + i]);
        pos += size;
    }
    return out;
}

bytes copy_of(std::span<const std::byte> s) { return {s.begin(), s.end()}; }

/** Encoded bytes kept alive with their decode (views into them). */
struct redecoded {
    bytes wire;
    result<publish_view<std::byte>> view;
    explicit operator bool() const { return view.has_value(); }
    const publish_view<std::byte>* operator->() const { return &*view; }
};
template <class Packet>
redecoded encode_decode(const Packet& packet, const codec_options& enc, const codec_options& dec) {
    redecoded r{encode_all(packet, enc), error{}};
    r.view = decode_publish(r.wire, dec);
    return r;
}

TEST(Forward, PassedThroughPropertiesAreTheSourceBytesInOrderWithDuplicates) {
    const bytes in = publish5("a/b", mixed_properties());
    const auto src = decode_publish(in, server5);
    ASSERT_TRUE(src);
    const bytes out = encode_all(forward(*src, {.packet_id = 77}), server5);
    const auto got = decode_publish(out, server5);
    ASSERT_TRUE(got) << name(got.error().code);
    EXPECT_EQ(copy_of(got->properties.encoded()), copy_of(src->properties.encoded()));
    EXPECT_EQ(got->properties.user_properties().size(), 3u);
    EXPECT_EQ(got->topic_name, "a/b");
    EXPECT_EQ(got->packet_id, 77);
    EXPECT_EQ(got->qos_level, qos::at_least_once);
    EXPECT_EQ(copy_of(got->payload), copy_of(src->payload));
    // Only the packet id changed: the rest of the packet is the source's, byte for byte.
    bytes expect = in;
    expect[2 + 2 + 3 + 1] = std::byte{77};
    EXPECT_EQ(out, expect);
}

TEST(Forward, EachHeaderChangeLandsExactly) {
    const bytes in = publish5("a/b", mixed_properties(), 0x3B);  // DUP, QoS 1, RETAIN
    const auto src = decode_publish(in, server5);
    ASSERT_TRUE(src);
    const bytes out = encode_all(
        forward(
            *src,
            {.qos_level = qos::exactly_once, .packet_id = 5, .retain = false, .topic_name = "c/d"}),
        server5);
    const auto got = decode_publish(out, server5);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->qos_level, qos::exactly_once);
    EXPECT_EQ(got->packet_id, 5);
    EXPECT_FALSE(got->retain);
    EXPECT_FALSE(got->dup);  // MQTT-3.3.1-3: not carried over
    EXPECT_EQ(got->topic_name, "c/d");
    EXPECT_EQ(copy_of(got->properties.encoded()), copy_of(src->properties.encoded()));

    const bytes q0 = encode_all(forward(*src, {.qos_level = qos::at_most_once}), server5);
    const auto got0 = decode_publish(q0, server5);
    ASSERT_TRUE(got0);
    EXPECT_EQ(got0->qos_level, qos::at_most_once);
    EXPECT_TRUE(got0->retain);  // kept
    const bytes resent = encode_all(forward(*src, {.packet_id = 9, .dup = true}), server5);
    EXPECT_TRUE(decode_publish(resent, server5)->dup);
}

TEST(Forward, MQTT_2_2_1_3_QosAboveZeroNeedsAPacketIdentifier) {
    const bytes in = publish5("a/b", {});
    const auto src = decode_publish(in, client5);
    ASSERT_TRUE(src);
    const auto r = encoded_size(forward(*src, {}), server5);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, errc::packet_identifier_zero);
    const auto q0 =
        encoded_size(forward(*src, {.qos_level = qos::at_most_once, .packet_id = 3}), server5);
    ASSERT_FALSE(q0);
    EXPECT_EQ(q0.error().code, errc::value_out_of_range);
    const auto dup0 =
        encoded_size(forward(*src, {.qos_level = qos::at_most_once, .dup = true}), server5);
    ASSERT_FALSE(dup0);
    EXPECT_EQ(dup0.error().code, errc::dup_with_qos_0);
}

TEST(Forward, TopicAliasSetReplacedKeptRemoved) {
    const bytes props = builder{}.u8(0x23).u16(3).u8(0x26).str("k").str("v").b;
    const bytes in = publish5("a/b", props);
    const auto src = decode_publish(in, client5);
    ASSERT_TRUE(src);
    // Removed by default (MQTT-3.3.2-7: aliases do not cross connections).
    {
        const auto got = encode_decode(forward(*src, {.packet_id = 1}), server5, server5);
        ASSERT_TRUE(got);
        EXPECT_FALSE(got->properties.topic_alias());
        EXPECT_EQ(copy_of(got->properties.encoded()),
                  without(src->properties.encoded(), property_id::topic_alias));
    }
    // Kept.
    {
        const bytes out = encode_all(
            forward(*src, {.packet_id = 1, .topic_alias = topic_alias_change::keep()}), server5);
        const auto got = decode_publish(out, server5);
        ASSERT_TRUE(got);
        EXPECT_EQ(copy_of(got->properties.encoded()), copy_of(src->properties.encoded()));
    }
    // Replaced, and the topic sent empty: the alias alone names it.
    {
        const bytes out = encode_all(
            forward(*src,
                    {.packet_id = 1, .topic_name = "", .topic_alias = topic_alias_change::set(7)}),
            server5);
        const auto got = decode_publish(out, server5);
        ASSERT_TRUE(got) << name(got.error().code);
        EXPECT_EQ(got->topic_name, "");
        EXPECT_EQ(got->properties.topic_alias(), 7);
        int aliases = 0;
        for (std::byte b : got->properties.encoded()) aliases += b == std::byte{0x23};
        EXPECT_EQ(aliases, 1);
    }
}

TEST(Forward, MQTT_3_3_2_8_TopicAliasZeroIsRefused) {
    const bytes in = publish5("a/b", {});
    const auto src = decode_publish(in, client5);
    ASSERT_TRUE(src);
    const auto r = encoded_size(
        forward(*src, {.packet_id = 1, .topic_alias = topic_alias_change::set(0)}), server5);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, errc::topic_alias_zero);
    EXPECT_EQ(r.error().statement, error_text("MQTT-3.3.2-8"));
}

TEST(Forward, MQTT_4_7_3_1_AliasedSourceNeedsATopicOnceTheAliasIsGone) {
    const bytes in = publish5("", builder{}.u8(0x23).u16(3).b);
    const auto src = decode_publish(in, client5);
    ASSERT_TRUE(src);
    const auto r = encoded_size(forward(*src, {.packet_id = 1}), server5);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, errc::topic_name_empty);
    // The broker resolves the alias and forwards with the topic.
    const bytes out = encode_all(forward(*src, {.packet_id = 1, .topic_name = "a/b"}), server5);
    const auto got = decode_publish(out, server5);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->topic_name, "a/b");
    EXPECT_TRUE(got->properties.empty());
    // A replacement topic is checked as any Topic Name (MQTT-3.3.2-2).
    const auto wild = encoded_size(forward(*src, {.packet_id = 1, .topic_name = "a/#"}), server5);
    ASSERT_FALSE(wild);
    EXPECT_EQ(wild.error().code, errc::topic_name_has_wildcard);
}

TEST(Forward, SubscriptionIdentifiersReplacedAndRemoved) {
    // Two identifiers (the list is walked) and one (cut from the offset table).
    for (const bool two : {true, false}) {
        builder pb;
        pb.u8(0x0B).vbi(300).u8(0x26).str("k").str("v");
        if (two) pb.u8(0x0B).vbi(5);
        pb.u8(0x03).str("ct");
        const bytes in = publish5("a/b", pb.b);
        const auto src = decode_publish(in, server5);
        ASSERT_TRUE(src);
        const std::uint32_t ids[] = {7, 200000};
        const auto got = encode_decode(
            forward(*src, {.packet_id = 1, .subscription_identifiers = ids}), server5, server5);
        ASSERT_TRUE(got);
        std::vector<std::uint32_t> seen;
        for (std::uint32_t id : got->properties.subscription_identifiers()) seen.push_back(id);
        EXPECT_EQ(seen, (std::vector<std::uint32_t>{7, 200000}));
        const bytes kept = without(src->properties.encoded(), property_id::subscription_identifier);
        EXPECT_EQ(without(got->properties.encoded(), property_id::subscription_identifier), kept);

        const auto none = encode_decode(
            forward(*src,
                    {.packet_id = 1, .subscription_identifiers = std::span<const std::uint32_t>{}}),
            server5, server5);
        ASSERT_TRUE(none);
        EXPECT_EQ(copy_of(none->properties.encoded()), kept);
    }
}

TEST(Forward, MQTT_3_3_4_6_NoSubscriptionIdentifierFromAClient) {
    const bytes in = publish5("a/b", builder{}.u8(0x0B).vbi(300).b);
    const auto src = decode_publish(in, server5);
    ASSERT_TRUE(src);
    // A client (a bridge) relaying a server's PUBLISH: the identifiers may not go on.
    const auto kept = encoded_size(forward(*src, {.packet_id = 1}), client5);
    ASSERT_FALSE(kept);
    EXPECT_EQ(kept.error().code, errc::subscription_identifier_from_client);
    EXPECT_EQ(kept.error().statement, error_text("MQTT-3.3.4-6"));
    const std::uint32_t ids[] = {1};
    const auto added =
        encoded_size(forward(*src, {.packet_id = 1, .subscription_identifiers = ids}), client5);
    ASSERT_FALSE(added);
    EXPECT_EQ(added.error().code, errc::subscription_identifier_from_client);
    const auto removed = encoded_size(
        forward(*src,
                {.packet_id = 1, .subscription_identifiers = std::span<const std::uint32_t>{}}),
        client5);
    EXPECT_TRUE(removed);
    const std::uint32_t zero[] = {0};
    const auto bad =
        encoded_size(forward(*src, {.packet_id = 1, .subscription_identifiers = zero}), server5);
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, errc::property_value_invalid);
}

TEST(Forward, MQTT_3_3_2_6_MessageExpiryReplacedWithWhatRemains) {
    const bytes in = publish5("a/b", mixed_properties());
    const auto src = decode_publish(in, server5);
    ASSERT_TRUE(src);
    ASSERT_EQ(src->properties.message_expiry_interval(), 600u);
    const auto got = encode_decode(forward(*src, {.packet_id = 1, .message_expiry_interval = 540}),
                                   server5, server5);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->properties.message_expiry_interval(), 540u);
    EXPECT_EQ(without(got->properties.encoded(), property_id::message_expiry_interval),
              without(src->properties.encoded(), property_id::message_expiry_interval));
}

TEST(Forward, UserPropertiesAppendedAfterTheSourcesInOrder) {
    const bytes in = publish5("a/b", mixed_properties());
    const auto src = decode_publish(in, server5);
    ASSERT_TRUE(src);
    const user_property more[] = {{"via", "broker-1"}, {"k", "1"}};
    const auto got =
        encode_decode(forward(*src, {.packet_id = 1, .user_properties = more}), server5, server5);
    ASSERT_TRUE(got);
    std::vector<std::string> seen;
    for (const user_property_view& u : got->properties.user_properties())
        seen.push_back(std::string(u.name) + "=" + std::string(u.value));
    EXPECT_EQ(seen, (std::vector<std::string>{"k=1", "k=1", "b=2", "via=broker-1", "k=1"}));
    const user_property bad[] = {{"x\x01", "y"}};
    const auto r = encoded_size(forward(*src, {.packet_id = 1, .user_properties = bad}), server5);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, errc::utf8_control_character);
}

TEST(Forward, From5To311DropsEveryProperty) {
    const bytes in = publish5("a/b", mixed_properties());
    const auto src = decode_publish(in, server5);
    ASSERT_TRUE(src);
    const bytes out = encode_all(forward(*src, {.packet_id = 4}), server311);
    const bytes plain =
        encode_all(publish_packet{.topic_name = "a/b",
                                  .payload = as_bytes(std::span<const char>("hello", 5)),
                                  .qos_level = qos::at_least_once,
                                  .packet_id = 4},
                   server311);
    EXPECT_EQ(out, plain);
    // A 5.0-only change has no place in 3.1.1.
    const auto r =
        encoded_size(forward(*src, {.packet_id = 4, .message_expiry_interval = 1}), server311);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, errc::not_in_protocol_version);
    // Nor has an aliased, empty topic.
    const bytes aliased = publish5("", builder{}.u8(0x23).u16(3).b);
    const auto asrc = decode_publish(aliased, client5);
    ASSERT_TRUE(asrc);
    const auto e = encoded_size(
        forward(*asrc, {.packet_id = 4, .topic_alias = topic_alias_change::keep()}), server311);
    ASSERT_FALSE(e);
    EXPECT_EQ(e.error().code, errc::topic_name_empty);
}

TEST(Forward, From311To5StartsFromAnEmptyList) {
    const bytes in = encode_all(publish_packet{.topic_name = "a/b",
                                               .payload = as_bytes(std::span<const char>("hi", 2)),
                                               .qos_level = qos::at_least_once,
                                               .packet_id = 2},
                                client311);
    const auto src = decode_publish(in, client311);
    ASSERT_TRUE(src);
    const std::uint32_t ids[] = {12};
    const bytes out = encode_all(forward(*src, {.packet_id = 8,
                                                .topic_alias = topic_alias_change::set(1),
                                                .subscription_identifiers = ids}),
                                 server5);
    const auto got = decode_publish(out, server5);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->properties.topic_alias(), 1);
    EXPECT_EQ(got->properties.subscription_identifier(), 12u);
    EXPECT_EQ(got->properties.encoded().size(), 5u);  // alias (3) + identifier (2)
}

TEST(Forward, MQTT_3_1_2_24_ReceiversMaximumPacketSizeHonoured) {
    const bytes in = publish5("a/b", mixed_properties());
    const auto src = decode_publish(in, server5);
    ASSERT_TRUE(src);
    const auto f = forward(*src, {.packet_id = 1});
    const auto size = encoded_size(f, server5);
    ASSERT_TRUE(size);
    codec_options small = server5;
    small.maximum_packet_size = static_cast<std::uint32_t>(*size - 1);
    const auto r = encoded_size(f, small);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, errc::packet_too_large);
    EXPECT_EQ(r.error().statement,
              error_text("MQTT-3.1.2-24"));  // the server then drops it, MQTT-3.1.2-25
    bytes buf(64);
    EXPECT_EQ(encode_header(
                  forward(static_cast<const publish_head_view<std::byte>&>(*src), {.packet_id = 1}),
                  small, buf)
                  .error()
                  .code,
              errc::packet_too_large);
    small.maximum_packet_size = static_cast<std::uint32_t>(*size);
    EXPECT_TRUE(encoded_size(f, small));
    // A client's forward to a server: MQTT-3.2.2-15.
    codec_options client_small = client5;
    client_small.maximum_packet_size = 8;
    const bytes plain = publish5("a/b", {});
    const auto psrc = decode_publish(plain, client5);
    ASSERT_TRUE(psrc);
    const auto c = encoded_size(forward(*psrc, {.packet_id = 1}), client_small);
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().statement, error_text("MQTT-3.2.2-15"));
}

TEST(Forward, WillPublishedWithoutWillDelay) {
    const user_property up[] = {{"k", "v"}};
    const bytes connect = encode_all(
        connect_packet{.client_id = "c1",
                       .will = will_message{.topic = "last/will",
                                            .payload = as_bytes(std::span<const char>("bye", 3)),
                                            .qos_level = qos::at_least_once,
                                            .retain = true,
                                            .properties = {.will_delay_interval = 30,
                                                           .message_expiry_interval = 90,
                                                           .content_type = "text/plain",
                                                           .user_properties = up}}},
        client5);
    const auto c = decode_connect(connect, client5);
    ASSERT_TRUE(c) << name(c.error().code);
    ASSERT_TRUE(c->will);
    const publish_view<std::byte> will = will_publish(*c->will);
    const bytes out = encode_all(forward(will, {.packet_id = 3}), server5);
    const auto got = decode_publish(out, server5);
    ASSERT_TRUE(got) << name(got.error().code);
    EXPECT_EQ(got->topic_name, "last/will");
    EXPECT_TRUE(got->retain);
    EXPECT_EQ(got->qos_level, qos::at_least_once);
    EXPECT_EQ(copy_of(got->payload), copy_of(c->will->payload));
    EXPECT_FALSE(got->properties.contains(property_id::will_delay_interval));
    EXPECT_EQ(copy_of(got->properties.encoded()),
              without(c->will->properties.encoded(), property_id::will_delay_interval));
    EXPECT_EQ(got->properties.message_expiry_interval(), 90u);
}

TEST(Forward, SeveralLeftOutPropertiesCutInWireOrder) {
    // Expiry, alias and identifier left out at once, between kept properties: the cuts found
    // from the decoder's offset table and copied around in wire order.
    const bytes props = builder{}
                            .u8(0x26).str("k").str("1")
                            .u8(0x0B).vbi(20000)
                            .u8(0x03).str("ct")
                            .u8(0x23).u16(3)
                            .u8(0x26).str("k").str("1")
                            .u8(0x02).u16(0).u16(600)
                            .u8(0x09).str("corr")
                            .b;
    const bytes in = publish5("a/b", props);
    const auto src = decode_publish(in, server5);
    ASSERT_TRUE(src);
    const std::uint32_t ids[] = {9};
    const auto got = encode_decode(forward(*src, {.packet_id = 1,
                                                  .subscription_identifiers = ids,
                                                  .message_expiry_interval = 42}),
                                   server5, server5);
    ASSERT_TRUE(got);
    const bytes kept =
        without(without(without(src->properties.encoded(), property_id::subscription_identifier),
                        property_id::topic_alias),
                property_id::message_expiry_interval);
    const bytes list = copy_of(got->properties.encoded());
    ASSERT_GE(list.size(), kept.size());
    EXPECT_EQ(bytes(list.begin(), list.begin() + static_cast<std::ptrdiff_t>(kept.size())), kept);
    EXPECT_EQ(list.size(), kept.size() + 5 + 2);  // expiry, identifier 9: nothing else added
    EXPECT_EQ(got->properties.message_expiry_interval(), 42u);
    EXPECT_EQ(got->properties.subscription_identifier(), 9u);
    EXPECT_FALSE(got->properties.topic_alias());
    EXPECT_EQ(got->properties.user_properties().size(), 2u);

    // A will: the Will Delay Interval and the replaced expiry both cut.
    const bytes connect = encode_all(
        connect_packet{.client_id = "c1",
                       .will = will_message{.topic = "w",
                                            .payload = {},
                                            .properties = {.will_delay_interval = 30,
                                                           .message_expiry_interval = 90,
                                                           .content_type = "text/plain"}}},
        client5);
    const auto c = decode_connect(connect, client5);
    ASSERT_TRUE(c && c->will);
    const publish_view<std::byte> will = will_publish(*c->will);
    const auto w = encode_decode(forward(will, {.message_expiry_interval = 5}), server5, server5);
    ASSERT_TRUE(w);
    EXPECT_FALSE(w->properties.contains(property_id::will_delay_interval));
    EXPECT_EQ(w->properties.message_expiry_interval(), 5u);
    EXPECT_EQ(w->properties.content_type(), "text/plain");
}

/** The error encode gives for `packet`, or errc::none. */
template <class Packet>
errc refusal(const Packet& packet, const codec_options& opts) {
    const auto r = encoded_size(packet, opts);
    return r ? errc::none : r.error().code;
}

TEST(Forward, RefusedWithTheFaultEncodeOfTheSamePublishPacketGives) {
    // Several bad values at once: the forward reports the one encode reports for a
    // publish_packet with the same fields (flags, topic, properties in their order, size).
    const bytes in = publish5("a/b", builder{}.u8(0x0B).vbi(300).b);
    const auto src = decode_publish(in, server5);
    ASSERT_TRUE(src);
    const user_property control[] = {{"k", std::string_view("\x01", 1)}};
    const std::uint32_t zero[] = {0};
    struct case_t {
        publish_changes changes;
        publish_packet same;  // what encode would get (of the source's properties, those
                              // a rule here reads)
        codec_options to;
    };
    const std::uint32_t kept_id[] = {300};
    const case_t cases[] = {
        // A wildcard topic before a zero alias.
        {{.packet_id = 1, .topic_name = "a/+", .topic_alias = topic_alias_change::set(0)},
         {.topic_name = "a/+", .qos_level = qos::at_least_once, .packet_id = 1,
          .properties = {.topic_alias = 0}},
         server5},
        // A zero alias before a bad User Property.
        {{.packet_id = 1, .topic_alias = topic_alias_change::set(0), .user_properties = control},
         {.topic_name = "a/b", .qos_level = qos::at_least_once, .packet_id = 1,
          .properties = {.topic_alias = 0, .user_properties = control}},
         server5},
        // A bad User Property before a kept Subscription Identifier from a client.
        {{.packet_id = 1, .user_properties = control},
         {.topic_name = "a/b", .qos_level = qos::at_least_once, .packet_id = 1,
          .properties = {.user_properties = control, .subscription_identifiers = kept_id}},
         client5},
        // From a client, new identifiers before their range.
        {{.packet_id = 1, .subscription_identifiers = zero},
         {.topic_name = "a/b", .qos_level = qos::at_least_once, .packet_id = 1,
          .properties = {.subscription_identifiers = zero}},
         client5},
        // To 3.1.1: a zero alias is still refused as such, a good one as not in 3.1.1.
        {{.packet_id = 1, .topic_alias = topic_alias_change::set(0)},
         {.topic_name = "a/b", .qos_level = qos::at_least_once, .packet_id = 1,
          .properties = {.topic_alias = 0}},
         server311},
        {{.packet_id = 1, .topic_alias = topic_alias_change::set(2)},
         {.topic_name = "a/b", .qos_level = qos::at_least_once, .packet_id = 1,
          .properties = {.topic_alias = 2}},
         server311},
        // Packet identifier 0 before everything else.
        {{.topic_name = "a/#", .user_properties = control},
         {.topic_name = "a/#", .qos_level = qos::at_least_once,
          .properties = {.user_properties = control}},
         server5},
    };
    for (const case_t& t : cases) {
        const errc want = refusal(t.same, t.to);
        ASSERT_NE(want, errc::none);
        EXPECT_EQ(refusal(forward(*src, t.changes), t.to), want) << name(want);
    }
}

TEST(Forward, HeaderOnlyFromAHeadBeforeThePayloadArrives) {
    bytes in = publish5("a/b", mixed_properties());
    // A payload larger than the bytes at hand: only the head has arrived.
    const std::size_t payload = 100000;
    {
        bytes body(in.begin() + 2, in.end() - 5);
        for (std::size_t i = 0; i < payload; ++i) body.push_back(std::byte{0x5A});
        in = builder{}.u8(0x32).vbi(body.size()).raw(body).b;
    }
    const auto whole = decode_publish(in, server5);
    ASSERT_TRUE(whole);
    const std::span<const std::byte> head_bytes(in.data(), whole->payload_offset + 10);
    const auto head = decode_publish_head(head_bytes, server5);
    ASSERT_TRUE(head.is_complete());
    EXPECT_EQ(head->payload_size, payload);
    const std::uint32_t ids[] = {42};
    const publish_changes ch{
        .packet_id = 6, .topic_alias = topic_alias_change::set(2), .subscription_identifiers = ids};
    const bytes header = header_of(forward(*head, ch), server5);
    bytes joined = header;
    for (std::byte b : whole->payload) joined.push_back(b);
    EXPECT_EQ(joined, encode_all(forward(*whole, ch), server5));
    EXPECT_EQ(header, header_of(forward(*whole, ch), server5));
    EXPECT_EQ(*encoded_size(forward(*head, ch), server5), joined.size());
}

TEST(EncodeHeader, PayloadSizeInsteadOfThePayload) {
    const std::string payload(70000, 'x');
    publish_packet p{.topic_name = "big/one", .qos_level = qos::at_least_once, .packet_id = 3};
    const bytes sized = header_of(p, client5);  // empty payload
    bytes out(64);
    const auto n = encode_header(p, payload.size(), client5, out);
    ASSERT_TRUE(n);
    out.resize(*n);
    p.payload = as_bytes(std::span<const char>(payload));
    EXPECT_EQ(out, header_of(p, client5));
    EXPECT_NE(out, sized);
    // p.payload is not read: the size given is announced.
    bytes again(64);
    again.resize(*encode_header(p, 3, client5, again));
    const auto small = decode_publish_head(again, client5);
    ASSERT_TRUE(small.is_complete());
    EXPECT_EQ(small->payload_size, 3u);
    // Every check runs: the receiver's limit counts the payload size.
    codec_options limit = client5;
    limit.maximum_packet_size = 1000;
    const auto r = encode_header(p, payload.size(), limit, out);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, errc::packet_too_large);
    EXPECT_EQ(r.error().statement, error_text("MQTT-3.2.2-15"));
    const auto big = encode_header(p, std::size_t{1} << 28, client5, out);
    ASSERT_FALSE(big);
    EXPECT_EQ(big.error().code, errc::packet_too_large);
}

TEST(DecodeProperties, StoredRetainedMessageResentWithItsExpiryReplaced) {
    // Kept as topic + property bytes + payload after the first delivery.
    const bytes in = publish5("a/b", mixed_properties(), 0x33);
    std::string topic;
    bytes props, payload;
    {
        const auto src = decode_publish(in, server5);
        ASSERT_TRUE(src);
        topic = std::string(src->topic_name);
        props = copy_of(src->properties.encoded());
        payload = copy_of(src->payload);
    }
    const auto reopened = decode_properties(props, property_context::publish, server5);
    ASSERT_TRUE(reopened);
    publish_view<std::byte> stored;
    stored.topic_name = topic;
    stored.qos_level = qos::at_least_once;
    stored.retain = true;
    stored.properties = *reopened;
    stored.payload = payload;
    stored.payload_size = payload.size();
    const auto got = encode_decode(forward(stored, {.packet_id = 2, .message_expiry_interval = 10}),
                                   server5, server5);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->properties.message_expiry_interval(), 10u);
    EXPECT_TRUE(got->retain);
    EXPECT_EQ(without(got->properties.encoded(), property_id::message_expiry_interval),
              without(props, property_id::message_expiry_interval));
    // Or kept as the PUBLISH's bytes: decode again and forward the same way.
    const auto again = decode_publish(in, server5);
    ASSERT_TRUE(again);
    EXPECT_EQ(
        encode_all(forward(*again, {.packet_id = 2, .message_expiry_interval = 10}), server5),
        encode_all(forward(stored, {.packet_id = 2, .message_expiry_interval = 10}), server5));
}

TEST(DecodeProperties, StoredBytesAreValidatedAgain) {
    bytes props = mixed_properties();
    EXPECT_TRUE(decode_properties(props, property_context::publish, server5));
    // A Subscription Identifier is not the client's to send (MQTT-3.3.4-6).
    const auto client = decode_properties(props, property_context::publish, client5);
    ASSERT_FALSE(client);
    EXPECT_EQ(client.error().code, errc::subscription_identifier_from_client);
    props.pop_back();  // the Correlation Data now runs past the list
    const auto cut = decode_properties(props, property_context::publish, server5);
    ASSERT_FALSE(cut);
    EXPECT_EQ(cut.error().code, errc::property_value_overruns);
    const bytes will_delay = builder{}.u8(0x18).u16(0).u16(5).b;
    EXPECT_TRUE(decode_properties(will_delay, property_context::will, server5));
    const auto wrong = decode_properties(will_delay, property_context::publish, server5);
    ASSERT_FALSE(wrong);
    EXPECT_EQ(wrong.error().code, errc::property_not_allowed);
    EXPECT_EQ(wrong.error().offset, 0u);
}

// Forwarding works in a constant expression: decode, forward with every kind of change, encode.
constexpr bool forwarded_at_compile_time() {
    constexpr char in[] = {0x32, 19, 0, 3,  'a',  '/', 'b',  0, 9,   9,  0x02,
                           0,    0,  0, 60, 0x0B, 5,   0x01, 1, 'h', 'i'};
    const auto src = decode_publish(std::span<const char>(in), server5);
    if (!src) return false;
    const std::uint32_t ids[] = {7};
    const user_property up[] = {{"k", "v"}};
    const auto f = forward(*src, {.packet_id = 4,
                                  .topic_alias = topic_alias_change::set(1),
                                  .subscription_identifiers = ids,
                                  .message_expiry_interval = 30,
                                  .user_properties = up});
    std::array<std::byte, 64> out{};
    const auto n = encode(f, server5, out);
    if (!n) return false;
    std::array<char, 64> text{};  // decoded as char: a std::byte view is not text in constexpr
    for (std::size_t i = 0; i < *n; ++i) text[i] = static_cast<char>(out[i]);
    const auto got = decode_publish(std::span<const char>(text.data(), *n), server5);
    if (!got) return false;
    return got->packet_id == 4 && got->properties.message_expiry_interval() == 30u &&
           got->properties.topic_alias() == 1 && got->properties.subscription_identifier() == 7u &&
           got->properties.payload_format_indicator() == payload_format::utf8 &&
           got->properties.user_properties().size() == 1 && got->payload.size() == 2;
}
static_assert(forwarded_at_compile_time());

// One property cut (the identifier replaced) at compile time: the offset-table path.
constexpr bool one_cut_at_compile_time() {
    constexpr char in[] = {0x32, 19, 0, 3,  'a',  '/', 'b',  0, 9,   9,  0x02,
                           0,    0,  0, 60, 0x0B, 5,   0x01, 1, 'h', 'i'};
    const auto src = decode_publish(std::span<const char>(in), server5);
    if (!src) return false;
    const std::uint32_t ids[] = {200};
    std::array<std::byte, 64> out{};
    const auto n = encode(forward(*src, {.packet_id = 4, .subscription_identifiers = ids}),
                          server5, out);
    // Expiry kept as it was, identifier 5 (1 byte) out, 200 (2 bytes) in.
    return n && *n == sizeof in + 1 && out[9] == std::byte{10} && out[10] == std::byte{0x02} &&
           out[15] == std::byte{0x01} && out[17] == std::byte{0x0B} &&
           out[18] == std::byte{0xC8} && out[19] == std::byte{0x01};
}
static_assert(one_cut_at_compile_time());

constexpr bool stored_properties_reopen_at_compile_time() {
    constexpr char list[] = {0x02, 0, 0, 0, 60, 0x23, 0, 1};
    const auto v =
        decode_properties(std::span<const char>(list), property_context::publish, client5);
    return v && v->message_expiry_interval() == 60u && v->topic_alias() == 1;
}
static_assert(stored_properties_reopen_at_compile_time());

constexpr bool header_with_payload_size_at_compile_time() {
    std::array<std::byte, 16> out{};
    const auto n = encode_header(publish_packet{.topic_name = "t"}, 300, client5, out);
    // 0x30, Remaining Length 3 + 1 + 300 = 304 (two bytes), topic.
    return n && *n == 3 + 3 + 1 && out[1] == std::byte{0xB0} && out[2] == std::byte{0x02};
}
static_assert(header_with_payload_size_at_compile_time());

// A header-only forward has no payload: encode refuses it at compile time, encode_header takes it.
template <class P>
concept encodes_whole = requires(const P& p, std::span<std::byte> out) {
    mqttwire::encode(p, server5, out);
};
template <class P>
concept encodes_header = requires(const P& p, std::span<std::byte> out) {
    mqttwire::encode_header(p, server5, out);
};
static_assert(!encodes_whole<forwarded_publish_head<std::byte>>);
static_assert(encodes_header<forwarded_publish_head<std::byte>>);
static_assert(encodes_whole<forwarded_publish<char>>);
static_assert(encodes_header<forwarded_publish<unsigned char>>);

}  // namespace
