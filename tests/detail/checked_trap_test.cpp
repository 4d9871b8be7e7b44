// MQTTWIRE_CHECKED with the default hook: misuse stops the program at the faulty access (a trap),
// rather than reading the wrong member of a union or writing past the caller's buffer.
#include <array>
#include <cstddef>
#include <span>

#define MQTTWIRE_CHECKED 1
#include <gtest/gtest.h>

#include <mqttwire/mqttwire.hpp>

namespace mqttwire {
namespace {

constexpr codec_options client_v5{.version = protocol_version::v5, .from = sender::client};

TEST(CheckedTrapDeathTest, ValueOfAnErrorResultTraps) {
    const std::array<std::byte, 1> truncated{std::byte{0x30}};
    const auto r = decode_publish(truncated, client_v5);
    ASSERT_FALSE(r.has_value());
    EXPECT_DEATH(static_cast<void>(r.value().topic_name.size()), "");
}

TEST(CheckedTrapDeathTest, PlannedWriteBeyondTheSpanTraps) {
    std::array<std::byte, 2> buffer{};
    EXPECT_DEATH(
        {
            detail::planned_writer w{std::span<std::byte>(buffer)};
            w.u32(1);
        },
        "");
}

}  // namespace
}  // namespace mqttwire
