// Regression tests for the fuzzers' findings (fuzz/): each test is the smallest input that
// showed the fault, named for the behaviour it now pins down; the comment names the fuzzer.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <mqttwire/mqttwire.hpp>
#include <span>
#include <string>
#include <vector>

#include "support/error_text.hpp"

namespace {

using namespace mqttwire;

template <std::size_t N>
std::span<const unsigned char> bytes(const std::array<unsigned char, N>& a, std::size_t n = N) {
    return std::span<const unsigned char>(a.data(), n);
}

constexpr codec_options v5_client{.version = protocol_version::v5, .from = sender::client};

codec_options small_v5(sender from) {
    return {.version = protocol_version::v5, .from = from, .maximum_packet_size = 64};
}

// fuzz_frame_split: the same stream gave packet_too_large with no statement when the first
// Remaining Length byte arrived alone, and with the Maximum Packet Size statement once the
// length was complete.
TEST(Frame, MQTT_3_2_2_15_TooLargeBeforeLengthEndsNamesTheStatement) {
    const std::array<unsigned char, 3> stream = {0x30, 0xFF, 0x7F};  // PUBLISH, 16,383 bytes
    const auto early = frame_packet(bytes(stream, 2), small_v5(sender::client));
    const auto late = frame_packet(bytes(stream), small_v5(sender::client));
    ASSERT_TRUE(early.has_error());
    ASSERT_TRUE(late.has_error());
    EXPECT_EQ(early.error().code, errc::packet_too_large);
    EXPECT_EQ(early.error().statement, mqttwire_test::error_text("MQTT-3.2.2-15"));
    EXPECT_EQ(early.error(), late.error());
}

TEST(Frame, MQTT_3_1_2_24_TooLargeFromServerBeforeLengthEndsNamesTheStatement) {
    const std::array<unsigned char, 3> stream = {0x30, 0xFF, 0x7F};
    const auto early = frame_packet(bytes(stream, 2), small_v5(sender::server));
    const auto late = frame_packet(bytes(stream), small_v5(sender::server));
    ASSERT_TRUE(early.has_error());
    EXPECT_EQ(early.error().statement, mqttwire_test::error_text("MQTT-3.1.2-24"));
    EXPECT_EQ(early.error(), late.error());
}

// fuzz_publish_head: a prefix whose Property Length already runs past the packet failed with
// packet_truncated at the end of the prefix; the whole packet fails with
// property_length_overruns_packet at the Property Length.
TEST(V5Publish, HeadWithPropertyLengthPastPacketGivesTheWholePacketsError) {
    // PUBLISH, Remaining Length 5: topic "a", Property Length 9 (only 1 byte is left), 1 byte.
    const std::array<unsigned char, 7> packet = {0x30, 0x05, 0x00, 0x01, 'a', 0x09, 0x00};
    const auto whole = decode_publish(bytes(packet), v5_client);
    ASSERT_FALSE(whole.has_value());
    EXPECT_EQ(whole.error().code, errc::property_length_overruns_packet);
    EXPECT_EQ(whole.error().offset, 5u);
    const auto head = decode_publish_head(bytes(packet, 6), v5_client);
    ASSERT_TRUE(head.has_error());
    EXPECT_EQ(head.error(), whole.error());
}

TEST(V5Publish, HeadWithTopicPastPacketGivesTheWholePacketsError) {
    // PUBLISH, Remaining Length 3: a topic length of 5 that the packet cannot hold.
    const std::array<unsigned char, 5> packet = {0x30, 0x03, 0x00, 0x05, 'a'};
    const auto whole = decode_publish(bytes(packet), v5_client);
    ASSERT_FALSE(whole.has_value());
    EXPECT_EQ(whole.error().code, errc::packet_truncated);
    EXPECT_EQ(whole.error().offset, 2u);
    const auto head = decode_publish_head(bytes(packet, 4), v5_client);
    ASSERT_TRUE(head.has_error());
    EXPECT_EQ(head.error(), whole.error());
}

// fuzz_publish_head: a property value running past the end of its property list, with the
// whole list at hand, was answered "need 1 more byte" until the whole packet had arrived.
TEST(V5Publish, HeadWithPropertyValuePastListFailsAtOnce) {
    // PUBLISH, Remaining Length 10: topic "a", Property Length 2 holding a Topic Alias (0x23)
    // that needs 2 value bytes but has 1; then 4 payload bytes.
    const std::array<unsigned char, 12> packet = {0x30, 0x0A, 0x00, 0x01, 'a', 0x02,
                                                  0x23, 0x00, 'p',  'a',  'y', '!'};
    const auto whole = decode_publish(bytes(packet), v5_client);
    ASSERT_FALSE(whole.has_value());
    EXPECT_EQ(whole.error().code, errc::property_value_overruns);
    const auto head = decode_publish_head(bytes(packet, 8), v5_client);
    ASSERT_TRUE(head.has_error());
    EXPECT_EQ(head.error(), whole.error());
}

// fuzz_publish_head: with the Remaining Length still arriving, the head asked for at least
// 129 more bytes (the packet's lower bound), but a head can be complete well before that.
TEST(V5Publish, HeadNeedWhileLengthArrivesBoundsTheHeadNotThePacket) {
    // PUBLISH, Remaining Length 128 (80 01): topic "a", no properties, 124 payload bytes.
    std::array<unsigned char, 131> packet{};
    const std::array<unsigned char, 7> head_bytes = {0x30, 0x80, 0x01, 0x00, 0x01, 'a', 0x00};
    for (std::size_t i = 0; i < head_bytes.size(); ++i) packet[i] = head_bytes[i];
    const auto two = decode_publish_head(bytes(packet, 2), v5_client);
    ASSERT_TRUE(two.needs_more());
    EXPECT_FALSE(two.need().exact);
    EXPECT_LE(two.need().bytes, 5u);  // 7 bytes complete the head
    const auto seven = decode_publish_head(bytes(packet, 7), v5_client);
    ASSERT_TRUE(seven.is_complete());
    EXPECT_EQ(seven->topic_name, "a");
    EXPECT_EQ(seven->payload_offset, 7u);
    EXPECT_EQ(seven->payload_size, 124u);
}

/** A 3.1.1 QoS 0 PUBLISH whose Topic Name is `topic`. */
std::vector<unsigned char> publish_with_topic(const std::string& topic) {
    std::vector<unsigned char> p(4 + topic.size());
    p[0] = 0x30;
    p[1] = static_cast<unsigned char>(2 + topic.size());
    p[2] = 0x00;
    p[3] = static_cast<unsigned char>(topic.size());
    for (std::size_t i = 0; i < topic.size(); ++i) p[4 + i] = static_cast<unsigned char>(topic[i]);
    return p;
}

// fuzz_utf8_differential: after the 8-byte screen stopped at a word needing a closer look with
// 9 or more bytes left, the short-text screen checked only the first and last 4 of them, so an
// ill-formed byte in between was accepted.
TEST(V311Publish, MQTT_1_5_3_1_IllFormedByteBetweenScreenedWordsIsRejected) {
    const auto packet = publish_with_topic("abcdefghijkl\xFFmnop");
    const codec_options o{.version = protocol_version::v3_1_1, .from = sender::client};
    const auto r = decode_publish(std::span<const unsigned char>(packet), o);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, errc::utf8_ill_formed);
    EXPECT_EQ(r.error().offset, 16u);
}

TEST(V311Publish, MQTT_1_5_3_1_IllFormedByteAtAnyPositionIsRejected) {
    const codec_options o{.version = protocol_version::v3_1_1, .from = sender::client};
    for (std::size_t n = 1; n <= 48; ++n) {
        for (std::size_t at = 0; at < n; ++at) {
            std::string topic(n, 'a');
            topic[at] = '\xFF';
            const auto packet = publish_with_topic(topic);
            const auto r = decode_publish(std::span<const unsigned char>(packet), o);
            ASSERT_FALSE(r.has_value()) << "length " << n << ", bad byte at " << at;
            EXPECT_EQ(r.error().code, errc::utf8_ill_formed);
            EXPECT_EQ(r.error().offset, 4 + at);
        }
    }
}

}  // namespace
