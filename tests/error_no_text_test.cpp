// MQTTWIRE_NO_ERROR_TEXT (the firmware build, error.hpp): errors keep their errc, offset and
// reason code, and every packet is accepted or refused as in the default build; only the texts
// (name, message, statement id) are empty. The expected values are those of the default build
// (tests/constexpr, the conformance tests), with the statement left out.
#define MQTTWIRE_NO_ERROR_TEXT 1

#include <gtest/gtest.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <mqttwire/mqttwire.hpp>
#include <span>
#include <string_view>

namespace {

using namespace mqttwire;

constexpr codec_options client(protocol_version v) { return {v, sender::client}; }

template <class Result>
constexpr bool fails(const Result& r, errc code, std::uint32_t offset) {
    return !r.has_value() && r.error().code == code && r.error().offset == offset &&
           r.error().statement.empty();
}

constexpr std::string_view qos3("\x36\x05\x00\x01t\x00\x01", 7);
constexpr std::string_view wildcard(
    "\x30\x06\x00\x03"
    "a/#\x00",
    8);
constexpr std::string_view shutting_down("\xE0\x01\x8B", 3);
// PUBREL whose reserved flags are 0000 instead of 0010 (a site-specific statement by default).
constexpr std::string_view pubrel_flags("\x60\x02\x00\x01", 4);

static_assert(name(errc::qos_invalid).empty());
// Empty, but never a null pointer: printf("%.*s", 0, nullptr) is undefined, and g++ refuses it
// (-Wformat-overflow) in the README's example.
static_assert(name(errc::qos_invalid).data() != nullptr);
static_assert(message(errc::qos_invalid).data() != nullptr);
static_assert(statement(errc::qos_invalid, protocol_version::v5).data() != nullptr);
static_assert(decode_publish(qos3, client(protocol_version::v5)).error().statement.data() !=
              nullptr);
static_assert(error{}.statement.data() != nullptr);
static_assert(message(errc::qos_invalid).empty());
static_assert(statement(errc::qos_invalid, protocol_version::v5).empty());
static_assert(to_reason_code(errc::qos_invalid) == reason_code::malformed_packet);
static_assert(fails(decode_publish(qos3, client(protocol_version::v5)), errc::qos_invalid, 0));
static_assert(fails(decode_publish(wildcard, client(protocol_version::v5)),
                    errc::topic_name_has_wildcard, 6));

TEST(ErrorNoText, NamesMessagesAndStatementsAreEmpty) {
    for (std::size_t i = 0; i <= static_cast<std::size_t>(errc::not_in_protocol_version); ++i) {
        const auto code = static_cast<errc>(i);
        EXPECT_TRUE(name(code).empty()) << i;
        EXPECT_TRUE(message(code).empty()) << i;
        EXPECT_TRUE(statement(code, protocol_version::v3_1_1).empty()) << i;
        EXPECT_TRUE(statement(code, protocol_version::v5).empty()) << i;
        EXPECT_TRUE((error{code, 0, {}}.message().empty())) << i;
    }
}

TEST(ErrorNoText, ReasonCodesAreKept) {
    EXPECT_EQ(to_reason_code(errc::none), reason_code::success);
    EXPECT_EQ(to_reason_code(errc::utf8_ill_formed), reason_code::malformed_packet);
    EXPECT_EQ(to_reason_code(errc::packet_identifier_zero), reason_code::protocol_error);
    EXPECT_EQ(to_reason_code(errc::packet_too_large), reason_code::packet_too_large);
    EXPECT_EQ(to_reason_code(errc::topic_name_has_wildcard), reason_code::topic_name_invalid);
    EXPECT_EQ(to_reason_code(static_cast<errc>(250)), reason_code::success);
}

TEST(ErrorNoText, DecodeErrorsKeepCodeAndOffset) {
    for (const protocol_version v :
         {protocol_version::v3_1, protocol_version::v3_1_1, protocol_version::v5}) {
        EXPECT_TRUE(fails(decode_publish(qos3, client(v)), errc::qos_invalid, 0));
        EXPECT_TRUE(
            fails(decode_pubrel(pubrel_flags, client(v)), errc::fixed_header_flags_invalid, 0));
    }
    EXPECT_TRUE(fails(decode_publish(wildcard, client(protocol_version::v5)),
                      errc::topic_name_has_wildcard, 6));
    EXPECT_TRUE(fails(decode_disconnect(shutting_down, client(protocol_version::v5)),
                      errc::reason_code_not_for_sender, 2));
    EXPECT_TRUE(
        decode_disconnect(shutting_down, codec_options{protocol_version::v5, sender::server})
            .has_value());
    const partial<frame> f = frame_packet(std::string_view("\x30\x7F", 2),
                                          codec_options{protocol_version::v5, sender::client, 100});
    EXPECT_TRUE(f.has_error());
    EXPECT_EQ(f.error(), (error{errc::packet_too_large, 1, {}}));
}

TEST(ErrorNoText, EncodeErrorsKeepCodeAndOffset) {
    publish_packet p;
    p.topic_name = "a/#";
    std::array<std::byte, 16> out{};
    EXPECT_TRUE(
        fails(encode(p, client(protocol_version::v5), out), errc::topic_name_has_wildcard, 0));
    std::array<std::byte, 1> small{};
    EXPECT_TRUE(fails(encode(pingreq_packet{}, client(protocol_version::v5), small),
                      errc::buffer_too_small, 2));
    p.topic_name = "a/b";
    EXPECT_TRUE(encode(p, client(protocol_version::v5), out).has_value());
}

}  // namespace
