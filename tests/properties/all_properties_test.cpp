// all_properties(): every property of a validated list, in wire order, each with the value the
// typed accessors give and its own wire bytes.
#include <gtest/gtest.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <mqttwire/mqttwire.hpp>
#include <span>
#include <string_view>
#include <vector>

namespace mqttwire {
namespace {

constexpr codec_options server_v5{.version = protocol_version::v5, .from = sender::server};

// A server's PUBLISH 5.0 with one property of every type PUBLISH can carry, two User Properties
// with the same name and two Subscription Identifiers.
// clang-format off
constexpr char publish_all_types[] = {
    '\x30', 0x37,                           // PUBLISH QoS 0, Remaining Length 55
    0x00, 0x03, 'a', '/', 'b',               // Topic Name "a/b"
    0x2F,                                    // Property Length 47
    0x01, 0x01,                              // Payload Format Indicator 1
    0x02, 0x00, 0x00, 0x01, 0x2C,            // Message Expiry Interval 300
    0x26, 0x00, 0x01, 'k', 0x00, 0x01, '1',  // User Property k=1
    0x23, 0x00, 0x07,                        // Topic Alias 7
    0x0B, '\x81', 0x01,                      // Subscription Identifier 129
    0x09, 0x00, 0x02, 0x0A, 0x0B,            // Correlation Data 0a 0b
    0x26, 0x00, 0x01, 'k', 0x00, 0x01, '2',  // User Property k=2
    0x03, 0x00, 0x04, 't', 'e', 'x', 't',    // Content Type "text"
    0x0B, 0x05,                              // Subscription Identifier 5
    0x08, 0x00, 0x03, 'r', '/', 's',         // Response Topic "r/s"
    'O', 'N'};                               // payload
// clang-format on

constexpr std::span<const char> publish_bytes{publish_all_types};

TEST(AllProperties, EveryPropertyInWireOrderWithItsValue) {
    const auto r = decode_publish(publish_bytes, server_v5);
    ASSERT_TRUE(r.has_value()) << name(r.error().code);
    std::vector<property_entry<char>> got;
    for (const property_entry<char>& e : all_properties(r->properties)) got.push_back(e);
    ASSERT_EQ(got.size(), 10u);
    using enum property_id;
    const property_id order[] = {
        payload_format_indicator, message_expiry_interval, user_property, topic_alias,
        subscription_identifier,  correlation_data,        user_property, content_type,
        subscription_identifier,  response_topic};
    for (std::size_t i = 0; i < got.size(); ++i) {
        EXPECT_EQ(got[i].id, order[i]) << i;
        EXPECT_EQ(got[i].type, type_of(order[i])) << i;
    }
    const properties_view<char>& p = r->properties;
    EXPECT_EQ(got[0].integer, static_cast<std::uint32_t>(*p.payload_format_indicator()));
    EXPECT_EQ(got[1].integer, *p.message_expiry_interval());
    EXPECT_EQ(got[1].integer, 300u);
    EXPECT_EQ(got[2].pair, (user_property_view{"k", "1"}));
    EXPECT_EQ(got[3].integer, *p.topic_alias());
    EXPECT_EQ(got[4].integer, 129u);
    EXPECT_EQ(got[5].binary.size(), 2u);
    EXPECT_EQ(got[5].binary.data(), p.correlation_data()->data());
    EXPECT_EQ(got[6].pair, (user_property_view{"k", "2"}));
    EXPECT_EQ(got[7].text, *p.content_type());
    EXPECT_EQ(got[8].integer, 5u);
    EXPECT_EQ(got[9].text, "r/s");
    // Values other than the one the type names stay empty.
    EXPECT_TRUE(got[7].binary.empty());
    EXPECT_EQ(got[7].integer, 0u);
    EXPECT_TRUE(got[2].text.empty());
}

TEST(AllProperties, EntriesAreTheWireBytesEndToEnd) {
    const auto r = decode_publish(publish_bytes, server_v5);
    ASSERT_TRUE(r.has_value()) << name(r.error().code);
    const std::span<const char> list = r->properties.encoded();
    std::size_t at = 0;
    for (const property_entry<char>& e : all_properties(r->properties)) {
        EXPECT_EQ(e.offset, at);
        EXPECT_EQ(e.encoded.data(), list.data() + at);
        EXPECT_EQ(static_cast<std::uint8_t>(e.encoded[0]), static_cast<std::uint8_t>(e.id));
        at += e.encoded.size();
    }
    EXPECT_EQ(at, list.size());
}

TEST(AllProperties, RepeatedPropertiesMatchTheirRanges) {
    const auto r = decode_publish(publish_bytes, server_v5);
    ASSERT_TRUE(r.has_value()) << name(r.error().code);
    std::vector<user_property_view> pairs;
    std::vector<std::uint32_t> ids;
    for (const property_entry<char>& e : all_properties(r->properties)) {
        if (e.id == property_id::user_property) pairs.push_back(e.pair);
        if (e.id == property_id::subscription_identifier) ids.push_back(e.integer);
    }
    EXPECT_EQ(pairs, (std::vector<user_property_view>(r->properties.user_properties().begin(),
                                                      r->properties.user_properties().end())));
    EXPECT_EQ(ids, (std::vector<std::uint32_t>(r->properties.subscription_identifiers().begin(),
                                               r->properties.subscription_identifiers().end())));
}

TEST(AllProperties, EmptyListHasNoEntries) {
    constexpr char empty_props[] = {'\x30', 0x06, 0x00, 0x03, 'a', '/', 'b', 0x00};
    const auto r = decode_publish(std::span<const char>(empty_props), server_v5);
    ASSERT_TRUE(r.has_value()) << name(r.error().code);
    EXPECT_TRUE(all_properties(r->properties).empty());
    EXPECT_EQ(all_properties(r->properties).begin(), all_properties(r->properties).end());
}

TEST(AllProperties, WorksForEveryByteType) {
    std::array<std::byte, sizeof publish_all_types> bytes{};
    for (std::size_t i = 0; i < bytes.size(); ++i)
        bytes[i] = static_cast<std::byte>(publish_all_types[i]);
    const auto r = decode_publish(bytes, server_v5);
    ASSERT_TRUE(r.has_value()) << name(r.error().code);
    std::size_t n = 0;
    for (const property_entry<std::byte>& e : all_properties(r->properties)) {
        if (e.id == property_id::correlation_data) {
            EXPECT_EQ(e.binary[0], std::byte{0x0A});
        }
        ++n;
    }
    EXPECT_EQ(n, 10u);
}

// In a constant expression: the sum of every integer value and the count of entries.
constexpr std::uint32_t integer_sum() {
    const auto r = decode_publish(publish_bytes, server_v5);
    if (!r) return 0;
    std::uint32_t sum = 0;
    for (const property_entry<char>& e : all_properties(r->properties)) sum += e.integer + 1000;
    return sum;
}
static_assert(integer_sum() == 1 + 300 + 7 + 129 + 5 + 10 * 1000);

}  // namespace
}  // namespace mqttwire
