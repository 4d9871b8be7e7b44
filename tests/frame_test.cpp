// Framing a stream: complete, need {bytes, exact}, or error. Every known vector is framed at
// every split point and byte by byte (need is exact once the Remaining Length is known); the
// maximum packet size is enforced from the header alone; and every packet and every prefix is
// framed and decoded right before a PROT_NONE page, so any read past the input faults.
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <mqttwire/mqttwire.hpp>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "conformance/v3_vectors.hpp"
#include "support/expect.hpp"
#include "support/guarded_page.hpp"

namespace {

using namespace mqttwire;
using namespace mqttwire_test;

constexpr codec_options v5_client{.version = protocol_version::v5, .from = sender::client};

struct sample {
    std::string name;
    codec_options opts;
    byte_vector bytes;
};

/** The 3.x known answers, plus 5.0 packets and long PUBLISHes made by the encoder. */
const std::vector<sample>& samples() {
    static const std::vector<sample> all = [] {
        std::vector<sample> out;
        for (const known_vector& v : v3_vectors)
            out.push_back({std::string(v.name),
                           {.version = v.version, .from = v.from},
                           byte_vector(v.bytes.begin(), v.bytes.end())});
        const codec_options v5_server{.version = protocol_version::v5, .from = sender::server};
        static const std::string big(20'000, 'b');  // three-byte Remaining Length
        static const std::string mid(300, 'm');     // two-byte Remaining Length
        static const user_property users[] = {{"k", "v"}, {"k", "w"}};
        publish_packet p5;
        p5.topic_name = "t/5";
        p5.payload = as_bytes(mid);
        p5.qos_level = qos::exactly_once;
        p5.packet_id = 9;
        p5.properties.message_expiry_interval = 60;
        p5.properties.user_properties = users;
        out.push_back({"v5/publish_properties", v5_client, encode_ok(p5, v5_client)});
        publish_packet big_publish;
        big_publish.topic_name = "big";
        big_publish.payload = as_bytes(big);
        out.push_back({"v5/publish_big", v5_server, encode_ok(big_publish, v5_server)});
        out.push_back({"v311/publish_big",
                       {.version = protocol_version::v3_1_1, .from = sender::client},
                       encode_ok(big_publish,
                                 {.version = protocol_version::v3_1_1, .from = sender::client})});
        connect_packet c5;
        c5.client_id = "five";
        c5.properties.session_expiry_interval = 30;
        out.push_back({"v5/connect", v5_client, encode_ok(c5, v5_client)});
        out.push_back({"v5/puback_short", v5_server, encode_ok(puback_packet{3}, v5_server)});
        out.push_back({"v5/disconnect_reason", v5_server,
                       encode_ok(disconnect_packet{reason_code::server_shutting_down}, v5_server)});
        out.push_back({"v5/auth", v5_client, encode_ok(auth_packet{}, v5_client)});
        return out;
    }();
    return all;
}

/** The frame of a whole sample, worked out independently from its bytes. */
frame expected_frame(const byte_vector& bytes) {
    frame f;
    f.type = static_cast<packet_type>(bytes[0] >> 4);
    f.flags = static_cast<std::uint8_t>(bytes[0] & 0x0F);
    std::size_t i = 1;
    std::uint32_t shift = 0;
    do {
        f.remaining_length |= static_cast<std::uint32_t>(bytes[i] & 0x7F) << shift;
        shift += 7;
    } while (bytes[i++] & 0x80);
    f.header_size = static_cast<std::uint8_t>(i);
    return f;
}

TEST(Frame, EmptyInputNeedsAtLeastTwoBytes) {
    const auto r = frame_packet(std::span<const unsigned char>{}, v5_client);
    ASSERT_TRUE(r.needs_more());
    EXPECT_EQ(r.need(), (need{2, false}));
}

TEST(Frame, NeedMoreCarriesTheFixedHeaderOnceTheRemainingLengthIsKnown) {
    // 34 05: PUBLISH QoS 2 (flags 4), Remaining Length 5, nothing of it here yet.
    const byte_vector head = {0x34, 0x05, 0x00};
    const auto r = frame_packet(std::span(head).first(2), v5_client);
    ASSERT_TRUE(r.needs_more());
    ASSERT_TRUE(r.need().header_known());
    EXPECT_EQ(r.need().header, (frame{packet_type::publish, 4, 2, 5}));
    EXPECT_EQ(r.need().header.size(), 7u);
    EXPECT_EQ(frame_packet(std::span(head), v5_client).need().header, r.need().header);
    // Not that far: the Remaining Length continues (0x80), or only the type byte is here.
    const byte_vector open = {0x34, 0x80};
    EXPECT_FALSE(frame_packet(std::span(open), v5_client).need().header_known());
    EXPECT_FALSE(frame_packet(std::span(open).first(1), v5_client).need().header_known());
}

TEST(Frame, EveryVectorAtEverySplitPoint) {
    for (const sample& s : samples()) {
        ASSERT_FALSE(s.bytes.empty()) << s.name;
        const frame want = expected_frame(s.bytes);
        ASSERT_EQ(want.size(), s.bytes.size()) << s.name << ": Remaining Length disagrees";
        for (std::size_t n = 0; n <= s.bytes.size(); ++n) {
            const auto r = frame_packet(std::span(s.bytes).first(n), s.opts);
            ASSERT_FALSE(r.has_error()) << s.name << " " << n << ": " << describe(r.error());
            if (n == s.bytes.size()) {
                ASSERT_TRUE(r.is_complete()) << s.name;
                EXPECT_EQ(*r, want) << s.name;
                continue;
            }
            ASSERT_TRUE(r.needs_more()) << s.name << " " << n;
            const std::size_t missing = s.bytes.size() - n;
            if (n >= want.header_size) {
                // The fixed header comes with the answer once the Remaining Length is in.
                EXPECT_EQ(r.need(), (need{missing, true, want})) << s.name << " " << n;
            } else {
                EXPECT_FALSE(r.need().exact) << s.name << " " << n;
                EXPECT_FALSE(r.need().header_known()) << s.name << " " << n;
                EXPECT_EQ(r.need().header, frame{}) << s.name << " " << n;
                EXPECT_GE(r.need().bytes, 1u) << s.name << " " << n;
                EXPECT_LE(r.need().bytes, missing) << s.name << " " << n;
            }
        }
        // The next packet's bytes behind it do not change the frame.
        byte_vector stream = s.bytes;
        stream.insert(stream.end(), {0xC0, 0x00, 0x30});
        const auto r = frame_packet(std::span(stream), s.opts);
        ASSERT_TRUE(r.is_complete()) << s.name;
        EXPECT_EQ(r->size(), s.bytes.size());
    }
}

TEST(Frame, StreamFedByteByByte) {
    // All samples back to back, delivered one byte at a time: each packet is framed exactly
    // when its last byte arrives, the exact need counts down by one per byte, and the framed
    // bytes decode to the sample.
    byte_vector stream;
    for (const sample& s : samples()) stream.insert(stream.end(), s.bytes.begin(), s.bytes.end());
    std::size_t start = 0, index = 0;
    std::size_t last_exact = 0;
    bool exact_seen = false;
    for (std::size_t end = start; end <= stream.size(); ++end) {
        ASSERT_LT(index, samples().size());
        const sample& s = samples()[index];
        const auto window = std::span(stream).subspan(start, end - start);
        const auto r = frame_packet(window, s.opts);
        ASSERT_FALSE(r.has_error()) << s.name;
        if (r.needs_more()) {
            if (r.need().exact) {
                if (exact_seen) {
                    EXPECT_EQ(r.need().bytes, last_exact - 1) << s.name;
                }
                exact_seen = true;
                last_exact = r.need().bytes;
            }
            continue;
        }
        ASSERT_EQ(window.size(), s.bytes.size()) << s.name << " framed early or late";
        const auto decoded = decode(window.first(r->size()), s.opts);
        EXPECT_TRUE(decoded.has_value()) << s.name << ": " << describe(decoded.error());
        start = end;
        exact_seen = false;
        if (++index == samples().size()) break;
    }
    EXPECT_EQ(index, samples().size());
    EXPECT_EQ(start, stream.size());
}

TEST(Frame, FlagsAndContentsAreLeftToDecode) {
    // Framing only needs the fixed header: bad flags or a bad body still frame.
    const byte_vector bad_flags = {0xC1, 0x00};
    ASSERT_TRUE(frame_packet(std::span(bad_flags), v5_client).is_complete());
    EXPECT_TRUE(fails_with(decode(std::span(bad_flags), v5_client),
                           errc::fixed_header_flags_invalid, 0, "MQTT-2.1.3-1"));
    const byte_vector bad_body = {0x30, 0x02, 0xFF, 0xFF};
    ASSERT_TRUE(frame_packet(std::span(bad_body), v5_client).is_complete());
}

TEST(Frame, ForbiddenPacketTypes) {
    const byte_vector zero = {0x00, 0x00};
    for (const protocol_version v :
         {protocol_version::v3_1, protocol_version::v3_1_1, protocol_version::v5}) {
        EXPECT_TRUE(
            fails_with(frame_packet(std::span(zero), {.version = v, .from = sender::client}),
                       errc::packet_type_invalid, 0, ""));
        // Known from the first byte alone.
        EXPECT_TRUE(fails_with(
            frame_packet(std::span(zero).first(1), {.version = v, .from = sender::client}),
            errc::packet_type_invalid, 0, ""));
    }
    const byte_vector auth15 = {0xF0, 0x00};
    EXPECT_TRUE(fails_with(frame_packet(std::span(auth15), {.version = protocol_version::v3_1_1,
                                                            .from = sender::client}),
                           errc::packet_type_invalid, 0, ""));
    EXPECT_TRUE(fails_with(frame_packet(std::span(auth15), {.version = protocol_version::v3_1,
                                                            .from = sender::client}),
                           errc::packet_type_invalid, 0, ""));
    EXPECT_TRUE(
        frame_packet(std::span(auth15), {.version = protocol_version::v5, .from = sender::client})
            .is_complete());
}

TEST(Frame, RemainingLengthEncodingErrors) {
    const byte_vector too_long = {0x30, 0x80, 0x80, 0x80, 0x80, 0x01};
    EXPECT_TRUE(fails_with(frame_packet(std::span(too_long), v5_client),
                           errc::variable_byte_integer_too_long, 4, ""));
    // Known once the 4th length byte shows its continuation bit.
    EXPECT_TRUE(fails_with(frame_packet(std::span(too_long).first(5), v5_client),
                           errc::variable_byte_integer_too_long, 4, ""));
    for (const protocol_version v : {protocol_version::v3_1_1, protocol_version::v5}) {
        const std::string_view statement = v == protocol_version::v5 ? "MQTT-1.5.5-1" : "";
        const byte_vector two = {0x30, 0x80, 0x00};
        EXPECT_TRUE(fails_with(frame_packet(std::span(two), {.version = v, .from = sender::client}),
                               errc::variable_byte_integer_not_minimal, 2, statement));
        const byte_vector four = {0x30, 0xFF, 0xFF, 0x80, 0x00};
        EXPECT_TRUE(
            fails_with(frame_packet(std::span(four), {.version = v, .from = sender::client}),
                       errc::variable_byte_integer_not_minimal, 4, statement));
    }
}

TEST(Frame, MaximumPacketSizeFromACompleteHeader) {
    for (const sender from : {sender::client, sender::server}) {
        codec_options opts{.version = protocol_version::v5, .from = from};
        opts.maximum_packet_size = 100;
        // 30 62: 2 + 98 = 100 bytes, the limit itself: fine, and exact need.
        const byte_vector fits = {0x30, 0x62};
        EXPECT_EQ(frame_packet(std::span(fits), opts).need(),
                  (need{98, true, {packet_type::publish, 0, 2, 98}}));
        const byte_vector over = {0x30, 0x63};
        const std::string_view statement =
            from == sender::client ? "MQTT-3.2.2-15" : "MQTT-3.1.2-24";
        EXPECT_TRUE(
            fails_with(frame_packet(std::span(over), opts), errc::packet_too_large, 1, statement));
        opts.version = protocol_version::v3_1_1;
        EXPECT_TRUE(fails_with(frame_packet(std::span(over), opts), errc::packet_too_large, 1, ""));
    }
    // Decoding applies the same limit.
    codec_options small{.version = protocol_version::v3_1_1, .from = sender::client};
    small.maximum_packet_size = 3;
    EXPECT_TRUE(fails_with(decode(std::span(v311::puback), small), errc::packet_too_large, 1, ""));
    EXPECT_TRUE(to_reason_code(errc::packet_too_large) == reason_code::packet_too_large);
}

TEST(Frame, MaximumPacketSizeBeforeTheRemainingLengthIsComplete) {
    // After k length bytes that all continue, the smallest possible packet is
    // 1 + (k + 1) + 128^k bytes: a limit below that fails at once, a limit at it still waits.
    std::size_t floor = 1;
    for (std::size_t k = 1; k <= 3; ++k) {
        floor *= 128;
        const std::size_t smallest = 1 + (k + 1) + floor;
        byte_vector prefix = {0x30};
        for (std::size_t i = 0; i < k; ++i) prefix.push_back(0x80);
        codec_options opts{.version = protocol_version::v3_1_1, .from = sender::client};
        opts.maximum_packet_size = static_cast<std::uint32_t>(smallest - 1);
        EXPECT_TRUE(
            fails_with(frame_packet(std::span(prefix), opts), errc::packet_too_large, 1, ""))
            << k;
        opts.maximum_packet_size = static_cast<std::uint32_t>(smallest);
        const auto r = frame_packet(std::span(prefix), opts);
        ASSERT_TRUE(r.needs_more()) << k;
        EXPECT_FALSE(r.need().exact);
        EXPECT_EQ(r.need().bytes, smallest - prefix.size()) << k;
        // And the smallest such packet, once its length is in, is exactly at the limit.
        byte_vector header = prefix;
        header.push_back(0x01);
        const auto h = frame_packet(std::span(header), opts);
        ASSERT_TRUE(h.needs_more()) << k;
        EXPECT_EQ(h.need().bytes + header.size(), smallest);
    }
    // In 5.0 the early failure names the same statement as the late one.
    codec_options v5{.version = protocol_version::v5, .from = sender::server};
    v5.maximum_packet_size = 100;
    const byte_vector prefix = {0x30, 0x80};
    EXPECT_TRUE(fails_with(frame_packet(std::span(prefix), v5), errc::packet_too_large, 1,
                           "MQTT-3.1.2-24"));
}

TEST(Frame, LargestRemainingLength) {
    const byte_vector header = {0x30, 0xFF, 0xFF, 0xFF, 0x7F};
    const auto r = frame_packet(std::span(header), v5_client);
    ASSERT_TRUE(r.needs_more());
    EXPECT_EQ(
        r.need(),
        (need{max_remaining_length, true, {packet_type::publish, 0, 5, max_remaining_length}}));
    codec_options opts = v5_client;
    opts.maximum_packet_size = max_packet_size - 1;
    EXPECT_TRUE(fails_with(frame_packet(std::span(header), opts), errc::packet_too_large, 1,
                           "MQTT-3.2.2-15"));
}

/** Decodes with every decoder that applies, so each one meets the guard page. */
void decode_all_ways(std::span<const unsigned char> bytes, const codec_options& opts) {
    (void)decode(bytes, opts);
    (void)frame_packet(bytes, opts);
    (void)decode_publish_head(bytes, opts);
    (void)decode_connect(bytes, opts);
    (void)decode_connack(bytes, opts);
    (void)decode_publish(bytes, opts);
    (void)decode_puback(bytes, opts);
    (void)decode_pubrec(bytes, opts);
    (void)decode_pubrel(bytes, opts);
    (void)decode_pubcomp(bytes, opts);
    (void)decode_subscribe(bytes, opts);
    (void)decode_suback(bytes, opts);
    (void)decode_unsubscribe(bytes, opts);
    (void)decode_unsuback(bytes, opts);
    (void)decode_pingreq(bytes, opts);
    (void)decode_pingresp(bytes, opts);
    (void)decode_disconnect(bytes, opts);
    (void)decode_auth(bytes, opts);
}

/** Walks every lazy range and view of a decoded packet, so iteration meets the page too. */
std::size_t touch(const packet_view<unsigned char>& view) {
    std::size_t n = 0;
    std::visit(
        [&](const auto& v) {
            using V = std::decay_t<decltype(v)>;
            if constexpr (requires { v.subscriptions; })
                for (const auto& s : v.subscriptions) n += s.topic_filter.size();
            if constexpr (requires { v.topic_filters; })
                for (const auto& f : v.topic_filters) n += f.size();
            if constexpr (requires { v.reason_codes; })
                for (const auto c : v.reason_codes) n += static_cast<std::size_t>(c);
            if constexpr (requires { v.properties; })
                for (const auto u : v.properties.user_properties()) n += u.name.size();
            if constexpr (requires { v.payload; })
                for (const auto b : v.payload) n += b;
            if constexpr (std::is_same_v<V, connect_view<unsigned char>>) {
                n += v.client_id.size();
                if (v.will) n += v.will->payload.size() + v.will->topic.size();
            }
        },
        view);
    return n;
}

TEST(Frame, NothingReadsPastTheInput) {
    mqttwire_test::guarded_page page;
    ASSERT_TRUE(page.ok());
    for (const sample& s : samples()) {
        if (s.bytes.size() > page.page_size()) continue;
        // Every prefix, ending on the last readable byte: framing and every decoder.
        for (std::size_t n = 0; n <= s.bytes.size(); ++n) {
            const auto placed = page.place(std::span(s.bytes).first(n));
            decode_all_ways(placed, s.opts);
            const auto r = decode(placed, s.opts);
            if (n < s.bytes.size()) {
                EXPECT_FALSE(r.has_value()) << s.name << " " << n;
            } else {
                ASSERT_TRUE(r.has_value()) << s.name << ": " << describe(r.error());
                EXPECT_GT(touch(*r) + 1, 0u);
            }
        }
        // The whole packet as char and std::byte too.
        EXPECT_TRUE(decode(page.place_chars(s.bytes), s.opts).has_value()) << s.name;
        EXPECT_TRUE(decode(page.place_bytes(s.bytes), s.opts).has_value()) << s.name;
    }
}

TEST(Frame, MalformedPacketsDoNotReadPastTheInput) {
    // Length fields that point past the end, at the page boundary.
    const byte_vector cases[] = {
        {0x30, 0x02, 0x00, 0x05},       // topic length 5, none there
        {0x32, 0x03, 0x00, 0x01, 't'},  // packet identifier missing
        {0x10, 0x0C, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0xC2, 0x00, 0x00, 0x00, 0x01},
        {0x82, 0x05, 0x00, 0x01, 0x00, 0x03, 'a'},           // filter cut, options missing
        {0xA2, 0x04, 0x00, 0x01, 0xFF, 0xFF},                // filter length 65535
        {0x90, 0x02, 0x00, 0x01},                            // no return codes
        {0x30, 0x07, 0x00, 0x05, 'a', 'b', 'c', 'd', 0xE2},  // UTF-8 cut at the end
    };
    mqttwire_test::guarded_page page;
    ASSERT_TRUE(page.ok());
    for (const byte_vector& bytes : cases) {
        for (const protocol_version v : {protocol_version::v3_1_1, protocol_version::v5}) {
            for (const sender from : {sender::client, sender::server}) {
                const codec_options opts{.version = v, .from = from};
                const auto placed = page.place(bytes);
                decode_all_ways(placed, opts);
                EXPECT_FALSE(decode(placed, opts).has_value()) << hex(bytes);
            }
        }
    }
}

}  // namespace
