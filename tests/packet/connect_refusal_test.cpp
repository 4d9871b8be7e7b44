// A server whose CONNECT decode failed: the level the packet declared (declared_protocol_version),
// the 3.1.1 return code of a 5.0 reason code (to_connect_return_code), and the CONNACK to send
// before closing, if any (refuse_connect).
#include <gtest/gtest.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <mqttwire/mqttwire.hpp>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace {

using namespace mqttwire;
using bytes = std::vector<std::uint8_t>;

/** CONNECT with Protocol Name `name`, Protocol Level `level`, flags `flags`, client id "c". */
bytes connect_bytes(std::string_view name, unsigned level, unsigned flags = 0x02) {
    bytes body;
    body.push_back(0);
    body.push_back(static_cast<std::uint8_t>(name.size()));
    for (char ch : name) body.push_back(static_cast<std::uint8_t>(ch));
    body.push_back(static_cast<std::uint8_t>(level));
    body.push_back(static_cast<std::uint8_t>(flags));
    body.insert(body.end(), {0x00, 0x3C});  // Keep Alive
    if (level == 5) body.push_back(0x00);   // Property Length
    body.insert(body.end(), {0x00, 0x01, 'c'});
    body.insert(body.begin(), {0x10, static_cast<std::uint8_t>(body.size())});
    return body;
}

std::span<const std::uint8_t> first(const bytes& b, std::size_t n) {
    return std::span<const std::uint8_t>(b).first(n);
}

constexpr std::optional<protocol_version> none = std::nullopt;

/** declared_protocol_version of a packet built here (a temporary container does not bind). */
std::optional<protocol_version> declared(const bytes& b) { return declared_protocol_version(b); }

// ---------------------------------------------------------------------------------------------
// declared_protocol_version
// ---------------------------------------------------------------------------------------------

TEST(DeclaredProtocolVersion, IsTheLevelByteOfEveryVersion) {
    EXPECT_EQ(declared(connect_bytes("MQTT", 5)), protocol_version::v5);
    EXPECT_EQ(declared(connect_bytes("MQTT", 4)), protocol_version::v3_1_1);
    EXPECT_EQ(declared(connect_bytes("MQIsdp", 3)), protocol_version::v3_1);
}

TEST(DeclaredProtocolVersion, IsKnownFromTheLevelByteOnNotBefore) {
    const bytes b = connect_bytes("MQTT", 4);
    constexpr std::size_t level_at = 8;  // 10 len | 00 04 M Q T T | level
    for (std::size_t n = 0; n <= b.size(); ++n) {
        SCOPED_TRACE(n);
        EXPECT_EQ(declared_protocol_version(first(b, n)),
                  n > level_at ? std::optional{protocol_version::v3_1_1} : none);
    }
}

TEST(DeclaredProtocolVersion, IsGivenWhenTheDecodeFails) {
    // Reserved flag bit 0 set (MQTT-3.1.2-3): the decode fails, the level is still known.
    for (const unsigned level : {4u, 5u}) {
        const bytes b = connect_bytes("MQTT", level, 0x03);
        const auto c = decode_connect(std::span<const std::uint8_t>(b), before_connect);
        ASSERT_FALSE(c.has_value());
        EXPECT_EQ(c.error().code, errc::connect_reserved_flag_set);
        EXPECT_EQ(declared_protocol_version(b), static_cast<protocol_version>(level));
    }
}

TEST(DeclaredProtocolVersion, MQTT_3_1_2_2_IsGivenAsDeclaredForALevelMqttwireDoesNotSpeak) {
    const bytes b = connect_bytes("MQTT", 6);
    const auto c = decode_connect(std::span<const std::uint8_t>(b), before_connect);
    ASSERT_FALSE(c.has_value());
    EXPECT_EQ(c.error().code, errc::protocol_version_unsupported);
    const std::optional<protocol_version> v = declared_protocol_version(b);
    ASSERT_TRUE(v.has_value());
    EXPECT_EQ(static_cast<unsigned>(*v), 6u);
    EXPECT_FALSE(is_supported(*v));
}

TEST(DeclaredProtocolVersion, MQTT_3_1_2_1_IsNoneForAProtocolNameThatIsNotMqtt) {
    EXPECT_EQ(declared(connect_bytes("MQTX", 4)), none);
    EXPECT_EQ(declared(connect_bytes("HTTP/1.1", 4)), none);
}

TEST(DeclaredProtocolVersion, IsNoneWhenTheBytesDoNotGetThatFar) {
    // Not a CONNECT.
    const bytes publish = {0x30, 0x09, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x00, 0x00};
    EXPECT_EQ(declared_protocol_version(publish), none);
    // A Remaining Length that is incomplete or longer than four bytes.
    const bytes open_length = {0x10, 0x80};
    EXPECT_EQ(declared_protocol_version(open_length), none);
    const bytes five_bytes = {0x10, 0x80, 0x80, 0x80, 0x80, 0x01, 0x00,
                              0x04, 'M',  'Q',  'T',  'T',  4};
    EXPECT_EQ(declared_protocol_version(five_bytes), none);
    // A Remaining Length that ends before the level byte: what follows is another packet.
    bytes short_length = connect_bytes("MQTT", 4);
    short_length[1] = 6;
    EXPECT_EQ(declared_protocol_version(short_length), none);
    // A Protocol Name whose length runs past what is here.
    const bytes long_name = {0x10, 0x0A, 0x00, 0x20, 'M', 'Q', 'T', 'T', 0x04};
    EXPECT_EQ(declared_protocol_version(long_name), none);
}

TEST(DeclaredProtocolVersion, WorksInAConstantExpression) {
    constexpr std::array<std::byte, 9> v5{std::byte{0x10}, std::byte{0x0D}, std::byte{0},
                                          std::byte{4},    std::byte{'M'},  std::byte{'Q'},
                                          std::byte{'T'},  std::byte{'T'},  std::byte{5}};
    static_assert(declared_protocol_version(v5) == protocol_version::v5);
    static_assert(!declared_protocol_version(std::span(v5).first(8)).has_value());
    static_assert(!declared_protocol_version(std::string_view("\x30\x00", 2)).has_value());
}

// ---------------------------------------------------------------------------------------------
// to_connect_return_code
// ---------------------------------------------------------------------------------------------

TEST(ConnectReturnCode, FollowsTable3_1OfMqtt311) {
    // 3.1.1 §3.2.2.3 Table 3.1 against 5.0 §3.2.2.2 Table 3-1.
    static_assert(to_connect_return_code(reason_code::success) == connect_return_code::accepted);
    static_assert(to_connect_return_code(reason_code::unsupported_protocol_version) ==
                  connect_return_code::unacceptable_protocol_version);
    static_assert(to_connect_return_code(reason_code::client_identifier_not_valid) ==
                  connect_return_code::identifier_rejected);
    static_assert(to_connect_return_code(reason_code::server_unavailable) ==
                  connect_return_code::server_unavailable);
    static_assert(to_connect_return_code(reason_code::server_busy) ==
                  connect_return_code::server_unavailable);
    static_assert(to_connect_return_code(reason_code::bad_user_name_or_password) ==
                  connect_return_code::bad_user_name_or_password);
    static_assert(to_connect_return_code(reason_code::not_authorized) ==
                  connect_return_code::not_authorized);
    static_assert(static_cast<unsigned>(*to_connect_return_code(reason_code{0x84})) == 1);
    static_assert(static_cast<unsigned>(*to_connect_return_code(reason_code{0x85})) == 2);
    static_assert(static_cast<unsigned>(*to_connect_return_code(reason_code{0x88})) == 3);
    static_assert(static_cast<unsigned>(*to_connect_return_code(reason_code{0x89})) == 3);
    static_assert(static_cast<unsigned>(*to_connect_return_code(reason_code{0x86})) == 4);
    static_assert(static_cast<unsigned>(*to_connect_return_code(reason_code{0x87})) == 5);
}

TEST(ConnectReturnCode, MQTT_3_2_2_6_IsNoneForEveryOtherCode) {
    for (unsigned v = 0; v < 256; ++v) {
        SCOPED_TRACE(v);
        const auto code = static_cast<reason_code>(v);
        const bool listed = v == 0x00 || (v >= 0x84 && v <= 0x89);
        EXPECT_EQ(to_connect_return_code(code).has_value(), listed);
    }
}

// ---------------------------------------------------------------------------------------------
// refuse_connect
// ---------------------------------------------------------------------------------------------

/** What refuse_connect makes of decoding `b` before CONNECT. */
std::optional<connect_refusal> refusal_of(const bytes& b) {
    const auto c = decode_connect(std::span<const std::uint8_t>(b), before_connect);
    EXPECT_FALSE(c.has_value());
    return refuse_connect(c.error(), declared_protocol_version(b));
}

TEST(RefuseConnect, MQTT_3_1_2_2_UnsupportedLevelGetsReturnCode1In311) {
    const std::optional<connect_refusal> r = refusal_of(connect_bytes("MQTT", 6));
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->version, protocol_version::v3_1_1);
    EXPECT_EQ(r->packet.return_code, connect_return_code::unacceptable_protocol_version);
    EXPECT_FALSE(r->packet.session_present);
    // And it encodes as the four bytes a 3.x client reads.
    std::array<std::byte, 8> out{};
    const auto n = encode(r->packet, {.version = r->version, .from = sender::server}, out);
    ASSERT_TRUE(n.has_value());
    ASSERT_EQ(*n, 4u);
    EXPECT_EQ(out[3], std::byte{0x01});
}

TEST(RefuseConnect, MQTT_3_1_4_1_A311CONNECTWithoutReturnCodeIsClosedWithoutCONNACK) {
    // Reserved flag set: Malformed (0x81), which 3.1.1's Table 3.1 cannot say.
    EXPECT_FALSE(refusal_of(connect_bytes("MQTT", 4, 0x03)).has_value());
}

TEST(RefuseConnect, MQTT_4_13_1_A5CONNECTGetsItsReasonCode) {
    const std::optional<connect_refusal> r = refusal_of(connect_bytes("MQTT", 5, 0x03));
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->version, protocol_version::v5);
    EXPECT_EQ(r->packet.reason, reason_code::malformed_packet);
    std::array<std::byte, 8> out{};
    const auto n = encode(r->packet, {.version = r->version, .from = sender::server}, out);
    ASSERT_TRUE(n.has_value());
    EXPECT_EQ(out[3], std::byte{0x81});
}

TEST(RefuseConnect, MQTT_3_1_3_9_A31ClientIdentifierTooLongGetsReturnCode2In31) {
    // 3.1: a client identifier over 23 characters is refused with return code 2.
    bytes b = connect_bytes("MQIsdp", 3);
    b.pop_back();
    b.pop_back();
    b.pop_back();
    const std::string_view id = "abcdefghijklmnopqrstuvwx";  // 24 characters
    b.push_back(0);
    b.push_back(static_cast<std::uint8_t>(id.size()));
    for (char ch : id) b.push_back(static_cast<std::uint8_t>(ch));
    b[1] = static_cast<std::uint8_t>(b.size() - 2);
    const std::optional<connect_refusal> r = refusal_of(b);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->version, protocol_version::v3_1);
    EXPECT_EQ(r->packet.return_code, connect_return_code::identifier_rejected);
}

TEST(RefuseConnect, IsNoneWithoutADeclaredLevelOrWithoutAFailure) {
    EXPECT_FALSE(refuse_connect(error{errc::packet_truncated, 2, ""}, std::nullopt).has_value());
    EXPECT_FALSE(refuse_connect(error{}, protocol_version::v5).has_value());
    // 5.0: a code outside CONNACK's Table 3-1 (here Topic Filter invalid) gets no CONNACK.
    EXPECT_FALSE(
        refuse_connect(error{errc::topic_filter_empty, 0, ""}, protocol_version::v5).has_value());
    static_assert(!refuse_connect(error{}, protocol_version::v3_1_1).has_value());
    static_assert(
        refuse_connect(error{errc::protocol_version_unsupported, 8, ""}, protocol_version::v3_1_1)
            ->packet.return_code == connect_return_code::unacceptable_protocol_version);
}

}  // namespace
