// MQTTWIRE_CHECKED with a hook of the program's own: misuse reaches the hook instead of being
// undefined behaviour, and a write the encoder's plan did not allow for is dropped, not made.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace {
int hook_calls = 0;
std::string_view last_check;
void record_check(const char* expression_text) noexcept {
    ++hook_calls;
    last_check = expression_text;
}
}  // namespace

#define MQTTWIRE_CHECKED 1
#define MQTTWIRE_ASSERT_HOOK(expression_text, file, line) record_check(expression_text)
#include <gtest/gtest.h>

#include <mqttwire/mqttwire.hpp>

namespace mqttwire {
namespace {

constexpr codec_options client_v5{.version = protocol_version::v5, .from = sender::client};

class CheckedHook : public ::testing::Test {
protected:
    void SetUp() override {
        hook_calls = 0;
        last_check = {};
    }
};

TEST_F(CheckedHook, ValueOfAnErrorResultReachesTheHook) {
    const std::array<std::byte, 1> truncated{std::byte{0x30}};
    const auto r = decode_publish(truncated, client_v5);
    ASSERT_FALSE(r.has_value());
    static_cast<void>(r.value());
    EXPECT_EQ(hook_calls, 1);
    EXPECT_EQ(last_check, "ok_");
    static_cast<void>(r->topic_name);
    EXPECT_EQ(hook_calls, 2);
}

TEST_F(CheckedHook, ValueOfAResultWithAValueDoesNot) {
    constexpr std::array<char, 9> packet{'\x30', '\x07', '\x00', '\x03', 'a', '/', 'b', 'O', 'N'};
    const auto r =
        decode_publish(packet, {.version = protocol_version::v3_1_1, .from = sender::client});
    ASSERT_TRUE(r.has_value()) << name(r.error().code);
    EXPECT_EQ(r->topic_name, "a/b");
    EXPECT_EQ(hook_calls, 0);
}

TEST_F(CheckedHook, ValueOfAPartialThatNeedsMoreReachesTheHook) {
    const std::array<std::byte, 1> first{std::byte{0xC0}};
    const partial<frame> f = frame_packet(first, client_v5);
    ASSERT_TRUE(f.needs_more());
    static_cast<void>(f.value());
    EXPECT_EQ(hook_calls, 1);
}

TEST_F(CheckedHook, ReasonCodeIndexPastTheEndReachesTheHook) {
    // SUBACK, packet id 1, one reason code (3.1.1), then a byte of the next packet: the hook
    // returns, so the access past the range goes on and must stay inside this buffer.
    constexpr std::array<char, 6> stream{'\x90', '\x03', '\x00', '\x01', '\x00', '\xC0'};
    const auto r = decode_suback(std::span<const char>(stream).first(5),
                                 {.version = protocol_version::v3_1_1, .from = sender::server});
    ASSERT_TRUE(r.has_value()) << name(r.error().code);
    static_cast<void>(r->reason_codes[0]);
    EXPECT_EQ(hook_calls, 0);
    static_cast<void>(r->reason_codes[1]);
    EXPECT_EQ(hook_calls, 1);
}

TEST_F(CheckedHook, PlannedWriteBeyondTheSpanIsDroppedNotMade) {
    std::array<std::byte, 4> buffer{};
    buffer.fill(std::byte{0xEE});
    detail::planned_writer w(std::span<std::byte>(buffer).first(2));
    w.u16(0x0102);
    EXPECT_EQ(hook_calls, 0);
    w.u8(0x03);  // the plan said two bytes
    EXPECT_EQ(hook_calls, 1);
    EXPECT_EQ(w.written(), 2u);
    EXPECT_EQ(buffer[2], std::byte{0xEE});
    w.u32(0x04050607);
    EXPECT_EQ(hook_calls, 2);
    EXPECT_EQ(buffer[3], std::byte{0xEE});
}

TEST_F(CheckedHook, EncodeWithinThePlanNeverReachesTheHook) {
    std::array<std::byte, 64> out{};
    const publish_packet p{
        .topic_name = "smarthome/lights/office", .qos_level = qos::at_least_once, .packet_id = 1};
    const auto n = encode(p, client_v5, out);
    ASSERT_TRUE(n.has_value());
    EXPECT_EQ(*n, 2u + 2u + 23u + 2u + 1u);
    EXPECT_EQ(hook_calls, 0);
}

}  // namespace
}  // namespace mqttwire
