// The 5.0 "MUST NOT add a Reason String / User Properties if that would exceed the receiver's
// Maximum Packet Size" statements: the encoder, told the peer's limit, leaves them out (Reason
// String first) instead of failing, and fails only when the packet cannot fit without them.
#include <gtest/gtest.h>

#include <array>
#include <cstddef>
#include <mqttwire/mqttwire.hpp>

namespace {

using namespace mqttwire;

constexpr user_property kUser[] = {{"trace", "0123456789"}};

codec_options limit(std::uint32_t max, sender from) {
    return {.version = protocol_version::v5, .from = from, .maximum_packet_size = max};
}

// Encodes `packet` three times: with room for everything, with room only without the Reason
// String, and with room only without both; checks what the decoder sees each time.
template <class Packet, class Decode>
void expect_diagnostics_dropped(Packet packet, sender from, Decode decode) {
    packet.properties.reason_string = "a reason that takes space";
    packet.properties.user_properties = kUser;
    const auto full = encoded_size(packet, limit(max_packet_size, from));
    ASSERT_TRUE(full.has_value()) << name(full.error().code);

    Packet without_reason = packet;
    without_reason.properties.reason_string.reset();
    const auto smaller = encoded_size(without_reason, limit(max_packet_size, from));
    ASSERT_TRUE(smaller.has_value());
    Packet bare = without_reason;
    bare.properties.user_properties = {};
    const auto smallest = encoded_size(bare, limit(max_packet_size, from));
    ASSERT_TRUE(smallest.has_value());

    std::array<std::byte, 256> out{};
    // Everything fits: nothing is dropped.
    auto n = encode(packet, limit(static_cast<std::uint32_t>(*full), from), out);
    ASSERT_TRUE(n.has_value());
    EXPECT_EQ(*n, *full);
    auto d = decode(std::span<const std::byte>(out.data(), *n), limit(max_packet_size, from));
    ASSERT_TRUE(d.has_value()) << name(d.error().code);
    EXPECT_TRUE(d->properties.reason_string().has_value());
    EXPECT_EQ(d->properties.user_properties().size(), 1u);

    // One byte short: the Reason String goes, the User Property stays.
    const auto one_short = limit(static_cast<std::uint32_t>(*full - 1), from);
    EXPECT_EQ(*encoded_size(packet, one_short), *smaller);
    n = encode(packet, one_short, out);
    ASSERT_TRUE(n.has_value());
    EXPECT_EQ(*n, *smaller);
    d = decode(std::span<const std::byte>(out.data(), *n), limit(max_packet_size, from));
    ASSERT_TRUE(d.has_value());
    EXPECT_FALSE(d->properties.reason_string().has_value());
    EXPECT_EQ(d->properties.user_properties().size(), 1u);

    // Room only for the bare packet: both go.
    n = encode(packet, limit(static_cast<std::uint32_t>(*smallest), from), out);
    ASSERT_TRUE(n.has_value());
    EXPECT_EQ(*n, *smallest);
    d = decode(std::span<const std::byte>(out.data(), *n), limit(max_packet_size, from));
    ASSERT_TRUE(d.has_value());
    EXPECT_FALSE(d->properties.reason_string().has_value());
    EXPECT_TRUE(d->properties.user_properties().empty());

    // Smaller still: nothing left to drop, so the encoder refuses.
    n = encode(packet, limit(static_cast<std::uint32_t>(*smallest - 1), from), out);
    ASSERT_FALSE(n.has_value());
    EXPECT_EQ(n.error().code, errc::packet_too_large);
    EXPECT_EQ(n.error().to_reason_code(), reason_code::packet_too_large);
}

}  // namespace

TEST(V5Connack, MQTT_3_2_2_19_And_20_DiagnosticsDroppedToFitClientMaximum) {
    expect_diagnostics_dropped(
        connack_packet{}, sender::server,
        [](auto bytes, const codec_options& o) { return decode_connack(bytes, o); });
}

TEST(V5Puback, MQTT_3_4_2_2_And_3_DiagnosticsDroppedToFitMaximum) {
    expect_diagnostics_dropped(
        puback_packet{.packet_id = 1}, sender::client,
        [](auto bytes, const codec_options& o) { return decode_puback(bytes, o); });
}

TEST(V5Pubrec, MQTT_3_5_2_2_And_3_DiagnosticsDroppedToFitMaximum) {
    expect_diagnostics_dropped(
        pubrec_packet{.packet_id = 1}, sender::server,
        [](auto bytes, const codec_options& o) { return decode_pubrec(bytes, o); });
}

TEST(V5Pubrel, MQTT_3_6_2_2_And_3_DiagnosticsDroppedToFitMaximum) {
    expect_diagnostics_dropped(
        pubrel_packet{.packet_id = 1}, sender::client,
        [](auto bytes, const codec_options& o) { return decode_pubrel(bytes, o); });
}

TEST(V5Pubcomp, MQTT_3_7_2_2_And_3_DiagnosticsDroppedToFitMaximum) {
    expect_diagnostics_dropped(
        pubcomp_packet{.packet_id = 1}, sender::server,
        [](auto bytes, const codec_options& o) { return decode_pubcomp(bytes, o); });
}

TEST(V5Suback, MQTT_3_9_2_1_And_2_DiagnosticsDroppedToFitClientMaximum) {
    static constexpr reason_code codes[] = {reason_code::granted_qos_1};
    expect_diagnostics_dropped(
        suback_packet{.packet_id = 1, .reason_codes = codes}, sender::server,
        [](auto bytes, const codec_options& o) { return decode_suback(bytes, o); });
}

TEST(V5Unsuback, MQTT_3_11_2_1_And_2_DiagnosticsDroppedToFitClientMaximum) {
    static constexpr reason_code codes[] = {reason_code::success};
    expect_diagnostics_dropped(
        unsuback_packet{.packet_id = 1, .reason_codes = codes}, sender::server,
        [](auto bytes, const codec_options& o) { return decode_unsuback(bytes, o); });
}

TEST(V5Disconnect, MQTT_3_14_2_3_And_4_DiagnosticsDroppedToFitMaximum) {
    expect_diagnostics_dropped(
        disconnect_packet{.reason = reason_code::unspecified_error}, sender::client,
        [](auto bytes, const codec_options& o) { return decode_disconnect(bytes, o); });
}

TEST(V5Auth, MQTT_3_15_2_2_And_3_DiagnosticsDroppedToFitMaximum) {
    auth_packet a{.reason = reason_code::continue_authentication};
    a.properties.authentication_method = "SCRAM-SHA-1";
    expect_diagnostics_dropped(a, sender::server, [](auto bytes, const codec_options& o) {
        return decode_auth(bytes, o);
    });
}

TEST(V5Publish, UserPropertiesAreApplicationDataAndNeverDropped) {
    // PUBLISH User Properties belong to the message (MQTT-3.3.2-17): too large is an error.
    publish_packet p{.topic_name = "t"};
    p.properties.user_properties = kUser;
    const auto size = encoded_size(p, limit(max_packet_size, sender::client));
    ASSERT_TRUE(size.has_value());
    std::array<std::byte, 64> out{};
    const auto n = encode(p, limit(static_cast<std::uint32_t>(*size - 1), sender::client), out);
    ASSERT_FALSE(n.has_value());
    EXPECT_EQ(n.error().code, errc::packet_too_large);
}
