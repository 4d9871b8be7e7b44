// codec_options has no silent defaults: the protocol version and the sender are named in every
// call, or the call does not compile; before CONNECT, `before_connect` says what is assumed.
#include <gtest/gtest.h>

#include <array>
#include <cstddef>
#include <mqttwire/mqttwire.hpp>
#include <span>
#include <string_view>
#include <type_traits>

#include "support/error_text.hpp"

namespace {

using namespace mqttwire;
using bytes_in = std::span<const unsigned char>;

// ---------------------------------------------------------------------------------------------
// What does not compile (requires-expressions over a template parameter, so a failure is
// `false`, not an error).
// ---------------------------------------------------------------------------------------------

template <class O>
concept default_constructible = requires {
    O{};
};
template <class O>
concept constructible_without_version = requires {
    O{.from = sender::client};
};
template <class O>
concept constructible_without_sender = requires {
    O{.version = protocol_version::v5};
};
template <class O>
concept constructible_with_both = requires {
    O{.version = protocol_version::v3_1_1, .from = sender::client};
};

static_assert(!std::is_default_constructible_v<codec_options>);
static_assert(!default_constructible<codec_options>);
static_assert(!constructible_without_version<codec_options>);
static_assert(!constructible_without_sender<codec_options>);
static_assert(constructible_with_both<codec_options>);

// Every entry point takes the options; none has a default for them.
template <class R>
concept frames_without_options = requires(R r) {
    frame_packet(r);
};
template <class R>
concept decodes_without_options = requires(R r) {
    decode(r);
};
template <class R>
concept decodes_publish_without_options = requires(R r) {
    decode_publish(r);
};
template <class R>
concept decodes_head_without_options = requires(R r) {
    decode_publish_head(r);
};
template <class R>
concept decodes_connect_without_options = requires(R r) {
    decode_connect(r);
};
template <class P>
concept sizes_without_options = requires(P p) {
    encoded_size(p);
};
template <class P>
concept encodes_without_options = requires(P p, std::span<std::byte> out) {
    encode(p, out);
};
template <class P>
concept encodes_header_without_options = requires(P p, std::span<std::byte> out) {
    encode_header(p, out);
};
template <class R>
concept decodes_publish_with_options = requires(R r, const codec_options& o) {
    decode_publish(r, o);
};

static_assert(!frames_without_options<bytes_in>);
static_assert(!decodes_without_options<bytes_in>);
static_assert(!decodes_publish_without_options<bytes_in>);
static_assert(!decodes_head_without_options<bytes_in>);
static_assert(!decodes_connect_without_options<bytes_in>);
static_assert(!sizes_without_options<publish_packet>);
static_assert(!encodes_without_options<publish_packet>);
static_assert(!encodes_header_without_options<publish_packet>);
static_assert(decodes_publish_with_options<bytes_in>);

// ---------------------------------------------------------------------------------------------
// What the required fields cost: nothing. Same layout, literal, structural, usable in constant
// expressions and as a template argument, comparable and switchable like the enum.
// ---------------------------------------------------------------------------------------------

static_assert(sizeof(required<protocol_version>) == sizeof(protocol_version));
static_assert(sizeof(required<sender>) == sizeof(sender));
static_assert(std::is_trivially_copyable_v<codec_options>);
static_assert(std::is_trivially_destructible_v<codec_options>);
static_assert(std::is_aggregate_v<codec_options>);
static_assert(std::is_convertible_v<protocol_version, required<protocol_version>>);
static_assert(std::is_convertible_v<required<protocol_version>, protocol_version>);

constexpr codec_options v311_client{.version = protocol_version::v3_1_1, .from = sender::client};
static_assert(v311_client.version == protocol_version::v3_1_1);
static_assert(v311_client.from == sender::client && v311_client.from != sender::server);
static_assert(v311_client.maximum_packet_size == max_packet_size);
static_assert(v311_client.leniency == leniency{});

template <codec_options O>
constexpr protocol_version version_of = O.version;
static_assert(
    version_of<codec_options{.version = protocol_version::v3_1, .from = sender::server}> ==
    protocol_version::v3_1);

constexpr int level(const codec_options& o) {
    switch (o.version) {
        case protocol_version::v3_1: return 3;
        case protocol_version::v3_1_1: return 4;
        case protocol_version::v5: return 5;
    }
    return 0;
}
static_assert(level(v311_client) == 4);

// ---------------------------------------------------------------------------------------------
// The 3.1.1 PUBLISH that 5.0 rules misread: QoS 0, topic "a/b", payload 00 'O' 'N'. Read as
// 5.0, the payload's first byte is a Property Length of 0 and the payload shrinks to "ON";
// that used to be what a call without options did. Now such a call does not compile (above),
// and the version named gives the payload sent.
// ---------------------------------------------------------------------------------------------

constexpr std::array<unsigned char, 10> v311_publish = {0x30, 0x08, 0x00, 0x03, 'a',
                                                        '/',  'b',  0x00, 'O',  'N'};

constexpr bool reads_whole_payload() {
    // Text views of unsigned char input need a reinterpret_cast: constant expressions use char.
    const std::string_view packet(
        "\x30\x08\x00\x03"
        "a/b"
        "\x00"
        "ON",
        10);
    const auto p =
        decode_publish(packet, {.version = protocol_version::v3_1_1, .from = sender::server});
    return p && p->topic_name == "a/b" && p->payload.size() == 3 && p->payload[0] == '\0' &&
           p->payload[1] == 'O' && p->payload[2] == 'N';
}
static_assert(reads_whole_payload());

TEST(Options, V311PublishIsReadWithTheVersionNamed) {
    const auto p = decode_publish(bytes_in(v311_publish),
                                  {.version = protocol_version::v3_1_1, .from = sender::server});
    ASSERT_TRUE(p.has_value());
    EXPECT_EQ(p->topic_name, "a/b");
    ASSERT_EQ(p->payload.size(), 3u);
    EXPECT_EQ(p->payload[0], 0x00);
    EXPECT_EQ(p->payload[1], 'O');
    EXPECT_EQ(p->payload[2], 'N');
    EXPECT_TRUE(p->properties.encoded().empty());
    // The misreading the old default produced, now only on request.
    const auto as_v5 = decode_publish(bytes_in(v311_publish),
                                      {.version = protocol_version::v5, .from = sender::server});
    ASSERT_TRUE(as_v5.has_value());
    EXPECT_EQ(as_v5->payload.size(), 2u);
}

// ---------------------------------------------------------------------------------------------
// A server's first read: the version is not known before CONNECT, which carries it.
// ---------------------------------------------------------------------------------------------

static_assert(before_connect.version == protocol_version::v5);
static_assert(before_connect.from == sender::client);

template <std::size_t N>
std::span<const std::byte> encode_connect(std::array<std::byte, N>& out, protocol_version v) {
    const connect_packet hello{.client_id = "first", .keep_alive = 10};
    const auto n = encode(hello, {.version = v, .from = sender::client}, out);
    return n ? std::span<const std::byte>(out.data(), *n) : std::span<const std::byte>{};
}

TEST(Options, ServerFirstReadTakesTheVersionFromConnect) {
    for (const protocol_version v :
         {protocol_version::v3_1, protocol_version::v3_1_1, protocol_version::v5}) {
        std::array<std::byte, 64> out{};
        const auto stream = encode_connect(out, v);
        ASSERT_FALSE(stream.empty()) << name(v);
        const auto f = frame_packet(stream, before_connect);
        ASSERT_TRUE(f.is_complete()) << name(v);
        EXPECT_EQ(f->type, packet_type::connect);
        const auto c = decode_connect(stream.first(f->size()), before_connect);
        ASSERT_TRUE(c.has_value()) << name(v);
        EXPECT_EQ(c->version, v);
        EXPECT_EQ(c->client_id, "first");
        // decode() dispatches to the same decoder.
        const auto any = decode(stream.first(f->size()), before_connect);
        ASSERT_TRUE(any.has_value()) << name(v);
        EXPECT_EQ(std::get_if<connect_view<std::byte>>(&*any)->version, v);
        // The rest of the connection speaks the packet's version.
        const codec_options rest{.version = c->version, .from = sender::client};
        EXPECT_EQ(rest.version, v);
    }
}

TEST(Options, ServerFirstReadNumbersConnectErrorsInThePacketsVersion) {
    // 3.1.1 CONNECT with Will Flag and Will QoS 3 (flags 0x1E): MQTT-3.1.2-14 in 3.1.1, where
    // 5.0 would name MQTT-3.1.2-12. Read with before_connect (5.0 until the level is read).
    const std::array<unsigned char, 15> connect311 = {0x10, 0x0D, 0x00, 0x04, 'M',  'Q',  'T', 'T',
                                                      0x04, 0x1E, 0x00, 0x0A, 0x00, 0x01, 'c'};
    const auto c = decode_connect(bytes_in(connect311), before_connect);
    ASSERT_FALSE(c.has_value());
    EXPECT_EQ(c.error().code, errc::will_qos_invalid);
    EXPECT_EQ(c.error().statement, mqttwire_test::error_text("MQTT-3.1.2-14"));
    const auto any = decode(bytes_in(connect311), before_connect);
    ASSERT_FALSE(any.has_value());
    EXPECT_EQ(any.error(), c.error());
}

}  // namespace
