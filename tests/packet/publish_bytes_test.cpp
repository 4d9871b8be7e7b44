// Encode inputs take the byte type the views give (issue 8 item 7): a PUBLISH, CONNECT or
// property value is encoded from char, unsigned char or std::byte alike, in constant
// expressions too, and a decoded publish_view<char> is relayed with no cast.
#include <gtest/gtest.h>

#include <array>
#include <cstddef>
#include <mqttwire/mqttwire.hpp>
#include <span>
#include <string_view>
#include <vector>

#include "../support/error_text.hpp"

namespace {

using namespace mqttwire;
using mqttwire_test::code_name;

constexpr codec_options client(protocol_version v) { return {v, sender::client}; }

constexpr char payload_char[] = {0x01, 0x02, 0x03};
constexpr unsigned char payload_uchar[] = {0x01, 0x02, 0x03};
constexpr std::array<std::byte, 3> payload_byte = {std::byte{1}, std::byte{2}, std::byte{3}};
constexpr unsigned char correlation_uchar[] = {0xC0, 0xFF, 0xEE};

// 5.0 PUBLISH QoS 0 "a", Correlation Data C0 FF EE, payload 01 02 03 (5.0 §3.3, §3.3.2.3.6).
constexpr std::array<int, 15> known_answer = {0x30, 0x0D, 0x00, 0x01, 'a',  0x06, 0x09, 0x00,
                                              0x03, 0xC0, 0xFF, 0xEE, 0x01, 0x02, 0x03};

constexpr std::array<int, 15> encoded(byte_input payload, binary_input correlation) {
    publish_packet p{.topic_name = "a", .payload = payload};
    p.properties.correlation_data = correlation;
    std::array<std::byte, 32> out{};
    const result<std::size_t> n = encode(p, client(protocol_version::v5), out);
    const result<std::size_t> size = encoded_size(p, client(protocol_version::v5));
    std::array<int, 15> got{};
    if (!n || !size || *n != *size || *n != got.size()) return got;
    for (std::size_t i = 0; i < got.size(); ++i) got[i] = std::to_integer<int>(out[i]);
    return got;
}

static_assert(encoded(std::span<const char>(payload_char), correlation_uchar) == known_answer);
static_assert(encoded(payload_uchar, std::string_view("\xC0\xFF\xEE")) == known_answer);
static_assert(encoded(payload_byte, correlation_uchar) == known_answer);

// CONNECT: will payload and password from char and unsigned char, constexpr.
constexpr bool connect_takes_every_byte_type() {
    connect_packet c{.client_id = "c"};
    c.user_name = "u";
    c.password = std::string_view("pw");
    c.will = will_message{.topic = "w", .payload = payload_uchar};
    std::array<std::byte, 64> out{};
    const result<std::size_t> n = encode(c, client(protocol_version::v3_1_1), out);
    if (!n) return false;
    std::array<char, 64> in{};  // decoded as char: a constant expression reads no std::byte text
    for (std::size_t i = 0; i < *n; ++i) in[i] = static_cast<char>(out[i]);
    const result<connect_view<char>> back =
        decode_connect(std::span<const char>(in.data(), *n), client(protocol_version::v3_1_1));
    return back && back->password && back->password->size() == 2 &&
           (*back->password)[1] == 'w' && back->will && back->will->payload.size() == 3 &&
           back->will->payload[2] == 3;
}
static_assert(connect_takes_every_byte_type());

TEST(PublishBytes, AViewOfCharIsRelayedWithNoCast) {
    const std::vector<int> wire(known_answer.begin(), known_answer.end());
    std::vector<char> in;
    for (const int b : wire) in.push_back(static_cast<char>(b));
    const codec_options opts = client(protocol_version::v5);
    const result<publish_view<char>> view = decode_publish(in, opts);
    ASSERT_TRUE(view) << code_name(view.error().code);

    publish_packet relay{.topic_name = view->topic_name, .payload = view->payload};
    relay.properties.correlation_data = view->properties.correlation_data();
    ASSERT_TRUE(relay.properties.correlation_data);

    std::array<std::byte, 32> out{};
    const result<std::size_t> n = encode(relay, opts, out);
    ASSERT_TRUE(n) << code_name(n.error().code);
    ASSERT_EQ(*n, in.size());
    for (std::size_t i = 0; i < in.size(); ++i)
        EXPECT_EQ(std::to_integer<int>(out[i]), static_cast<unsigned char>(in[i])) << i;
}

TEST(PublishBytes, RunTimeEncodesAgreeForEveryByteType) {
    const std::vector<unsigned char> u(std::begin(payload_uchar), std::end(payload_uchar));
    const std::vector<char> c(std::begin(payload_char), std::end(payload_char));
    const std::vector<std::byte> b(payload_byte.begin(), payload_byte.end());
    for (const byte_input payload : {byte_input(u), byte_input(c), byte_input(b)})
        EXPECT_EQ(encoded(payload, correlation_uchar), known_answer);
}

}  // namespace
