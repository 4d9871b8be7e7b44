// Compile-time tests: every packet type in every protocol version (3.1, 3.1.1, 5.0) is encoded
// into a std::array<std::byte, N>, copied to a std::array<char, N>, framed and decoded, and
// its fields compared, all inside static_assert. Framing and a few errors too. Compiling this
// file is the test; the TEST below only makes it a gtest executable.
#include <gtest/gtest.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <mqttwire/mqttwire.hpp>
#include <span>
#include <string_view>

#include "../support/error_text.hpp"

namespace {

using namespace mqttwire;

constexpr protocol_version v3_1 = protocol_version::v3_1;
constexpr protocol_version v3_1_1 = protocol_version::v3_1_1;
constexpr protocol_version v5 = protocol_version::v5;

constexpr codec_options client(protocol_version v) { return {v, sender::client}; }
constexpr codec_options server(protocol_version v) { return {v, sender::server}; }

constexpr std::size_t capacity = 256;

/**
 * Encodes `pkt` (encoded_size agreeing), copies the bytes to char, checks that they frame as
 * one whole packet and that every shorter prefix needs more, then hands them to `check`.
 */
template <class Packet, class Check>
constexpr bool round_trip(const Packet& pkt, const codec_options& opts, Check check) {
    std::array<std::byte, capacity> out{};
    const result<std::size_t> size = encoded_size(pkt, opts);
    const result<std::size_t> n = encode(pkt, opts, out);
    if (!size || !n || *size != *n || *n > capacity) return false;
    std::array<char, capacity> in{};
    for (std::size_t i = 0; i < *n; ++i) in[i] = static_cast<char>(out[i]);
    const std::span<const char> bytes(in.data(), *n);
    const partial<frame> f = frame_packet(bytes, opts);
    if (!f.is_complete() || f->size() != *n) return false;
    for (std::size_t k = 0; k < *n; ++k)
        if (!frame_packet(bytes.first(k), opts).needs_more()) return false;
    return check(bytes);
}

template <std::size_t N>
constexpr std::array<std::byte, N - 1> bin(const char (&s)[N]) {
    std::array<std::byte, N - 1> out{};
    for (std::size_t i = 0; i + 1 < N; ++i) out[i] = static_cast<std::byte>(s[i]);
    return out;
}

template <class B>
constexpr bool same(std::span<const B> a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (static_cast<char>(a[i]) != b[i]) return false;
    return true;
}

template <class B>
constexpr bool same(const std::optional<std::span<const B>>& a, std::string_view b) {
    return a.has_value() && same(*a, b);
}

// ---------------------------------------------------------------------------------------------
// CONNECT
// ---------------------------------------------------------------------------------------------

constexpr bool connect_round_trip(protocol_version v) {
    const auto will_payload = bin("gone");
    const auto password = bin("pw");
    const user_property users[] = {{"a", "1"}, {"a", "2"}};
    connect_packet c;
    c.client_id = "dev-7";
    c.keep_alive = 45;
    c.clean_start = v != v5;
    will_message w;
    w.topic = "dev/7/status";
    w.payload = will_payload;
    w.qos_level = qos::at_least_once;
    w.retain = true;
    if (v == v5) {
        w.properties.will_delay_interval = 30;
        w.properties.content_type = "text/plain";
        c.properties.session_expiry_interval = 600;
        c.properties.receive_maximum = 10;
        c.properties.user_properties = users;
    }
    c.will = w;
    c.user_name = "user";
    c.password = std::span<const std::byte>(password);
    return round_trip(c, client(v), [&](std::span<const char> b) {
        const auto r = decode_connect(b, client(v));
        if (!r || r->version != v || r->client_id != "dev-7" || r->keep_alive != 45 ||
            r->clean_start != (v != v5) || !r->will || r->user_name != "user" ||
            !same(r->password, "pw"))
            return false;
        const will_message_view<char>& rw = *r->will;
        if (rw.topic != "dev/7/status" || !same(rw.payload, "gone") ||
            rw.qos_level != qos::at_least_once || !rw.retain)
            return false;
        if (v != v5) return r->properties.empty() && rw.properties.empty();
        const auto up = r->properties.user_properties();
        auto it = up.begin();
        return r->properties.session_expiry_interval() == 600u &&
               r->properties.receive_maximum() == 10 && up.size() == 2 && (*it).value == "1" &&
               (*++it).value == "2" && rw.properties.will_delay_interval() == 30u &&
               rw.properties.content_type() == "text/plain";
    });
}
static_assert(connect_round_trip(v3_1));
static_assert(connect_round_trip(v3_1_1));
static_assert(connect_round_trip(v5));

// ---------------------------------------------------------------------------------------------
// CONNACK
// ---------------------------------------------------------------------------------------------

constexpr bool connack_round_trip(protocol_version v) {
    connack_packet c;
    c.session_present = true;
    if (v == v5) {
        c.properties.assigned_client_identifier = "auto-9";
        c.properties.maximum_qos = qos::at_least_once;
        c.properties.server_keep_alive = 20;
    }
    const bool accepted = round_trip(c, server(v), [&](std::span<const char> b) {
        const auto r = decode_connack(b, server(v));
        if (!r || !r->session_present || r->reason != reason_code::success ||
            r->return_code != connect_return_code::accepted)
            return false;
        if (v != v5) return b.size() == 4 && r->properties.empty();
        return r->properties.assigned_client_identifier() == "auto-9" &&
               r->properties.maximum_qos() == qos::at_least_once &&
               r->properties.server_keep_alive() == 20;
    });
    connack_packet refused;
    if (v == v5)
        refused.reason = reason_code::bad_user_name_or_password;
    else
        refused.return_code = connect_return_code::bad_user_name_or_password;
    return accepted && round_trip(refused, server(v), [&](std::span<const char> b) {
               const auto r = decode_connack(b, server(v));
               return r && !r->session_present &&
                      (v == v5 ? r->reason == reason_code::bad_user_name_or_password
                               : r->return_code == connect_return_code::bad_user_name_or_password);
           });
}
static_assert(connack_round_trip(v3_1));
static_assert(connack_round_trip(v3_1_1));
static_assert(connack_round_trip(v5));

// ---------------------------------------------------------------------------------------------
// PUBLISH
// ---------------------------------------------------------------------------------------------

constexpr bool publish_round_trip(protocol_version v) {
    const auto payload = bin("21.5");
    const std::uint32_t ids[] = {3, 300};
    const user_property users[] = {{"unit", "C"}};
    publish_packet p;
    p.topic_name = "sensors/temp";
    p.payload = payload;
    p.qos_level = qos::exactly_once;
    p.retain = true;
    p.dup = true;
    p.packet_id = 4242;
    if (v == v5) {
        p.properties.message_expiry_interval = 60;
        p.properties.subscription_identifiers = ids;
        p.properties.user_properties = users;
        p.properties.correlation_data = std::span<const std::byte>(payload);
    }
    const bool full = round_trip(p, server(v), [&](std::span<const char> b) {
        const auto r = decode_publish(b, server(v));
        if (!r || r->topic_name != "sensors/temp" || !same(r->payload, "21.5") ||
            r->qos_level != qos::exactly_once || !r->retain || !r->dup || r->packet_id != 4242 ||
            r->payload_size != 4 || r->payload_offset + 4 != b.size())
            return false;
        const auto head = decode_publish_head(b.first(r->payload_offset), server(v));
        if (!head.is_complete() || head->topic_name != "sensors/temp" || head->payload_size != 4)
            return false;
        if (v != v5) return r->properties.empty();
        const auto sub = r->properties.subscription_identifiers();
        auto it = sub.begin();
        return r->properties.message_expiry_interval() == 60u && sub.size() == 2 && *it == 3 &&
               *++it == 300 && (*r->properties.user_properties().begin()).name == "unit" &&
               same(r->properties.correlation_data(), "21.5");
    });
    publish_packet q0;
    q0.topic_name = "t";
    return full && round_trip(q0, client(v), [&](std::span<const char> b) {
               const auto r = decode_publish(b, client(v));
               return r && r->qos_level == qos::at_most_once && r->packet_id == 0 &&
                      r->payload.empty() && b.size() == (v == v5 ? 6u : 5u);
           });
}
static_assert(publish_round_trip(v3_1));
static_assert(publish_round_trip(v3_1_1));
static_assert(publish_round_trip(v5));

// ---------------------------------------------------------------------------------------------
// PUBACK, PUBREC, PUBREL, PUBCOMP
// ---------------------------------------------------------------------------------------------

template <packet_type Type, class Decode>
constexpr bool pub_ack_round_trip(protocol_version v, Decode decode_one, reason_code failure) {
    basic_pub_ack<Type> a;
    a.packet_id = 7;
    const bool plain = round_trip(a, client(v), [&](std::span<const char> b) {
        const auto r = decode_one(b, client(v));
        return r && r->packet_id == 7 && r->reason == reason_code::success && b.size() == 4 &&
               (static_cast<unsigned>(b[0]) & 0xFFu) >> 4 == static_cast<unsigned>(Type);
    });
    if (v != v5) return plain;
    a.reason = failure;
    a.properties.reason_string = "no";
    return plain && round_trip(a, server(v), [&](std::span<const char> b) {
               const auto r = decode_one(b, server(v));
               return r && r->packet_id == 7 && r->reason == failure &&
                      r->properties.reason_string() == "no";
           });
}

#define MQTTWIRE_ACK_CASES(type, decoder, failure)                                       \
    static_assert(pub_ack_round_trip<packet_type::type>(                                 \
        v3_1, [](auto b, const codec_options& o) { return decoder(b, o); }, failure));   \
    static_assert(pub_ack_round_trip<packet_type::type>(                                 \
        v3_1_1, [](auto b, const codec_options& o) { return decoder(b, o); }, failure)); \
    static_assert(pub_ack_round_trip<packet_type::type>(                                 \
        v5, [](auto b, const codec_options& o) { return decoder(b, o); }, failure))

MQTTWIRE_ACK_CASES(puback, decode_puback, reason_code::no_matching_subscribers);
MQTTWIRE_ACK_CASES(pubrec, decode_pubrec, reason_code::quota_exceeded);
MQTTWIRE_ACK_CASES(pubrel, decode_pubrel, reason_code::packet_identifier_not_found);
MQTTWIRE_ACK_CASES(pubcomp, decode_pubcomp, reason_code::packet_identifier_not_found);
#undef MQTTWIRE_ACK_CASES

// ---------------------------------------------------------------------------------------------
// SUBSCRIBE, SUBACK, UNSUBSCRIBE, UNSUBACK
// ---------------------------------------------------------------------------------------------

constexpr bool subscribe_round_trip(protocol_version v) {
    subscription list[2] = {{"a/+", qos::exactly_once}, {"b/#", qos::at_least_once}};
    subscribe_packet s;
    s.packet_id = 12;
    if (v == v5) {
        list[0].no_local = true;
        list[0].retain = retain_handling::do_not_send;
        list[1].retain_as_published = true;
        s.properties.subscription_identifier = 99;
    }
    s.subscriptions = list;
    return round_trip(s, client(v), [&](std::span<const char> b) {
        const auto r = decode_subscribe(b, client(v));
        if (!r || r->packet_id != 12 || r->subscriptions.size() != 2) return false;
        auto it = r->subscriptions.begin();
        const subscription_view first = *it;
        const subscription_view second = *++it;
        if (first.topic_filter != "a/+" || first.max_qos != qos::exactly_once ||
            second.topic_filter != "b/#" || second.max_qos != qos::at_least_once)
            return false;
        if (v != v5) return !first.no_local && !second.retain_as_published;
        return first.no_local && first.retain == retain_handling::do_not_send &&
               second.retain_as_published && r->properties.subscription_identifier() == 99u;
    });
}
static_assert(subscribe_round_trip(v3_1));
static_assert(subscribe_round_trip(v3_1_1));
static_assert(subscribe_round_trip(v5));

constexpr bool suback_round_trip(protocol_version v) {
    const reason_code codes[] = {reason_code::granted_qos_2, reason_code::success,
                                 reason_code::unspecified_error};
    suback_packet a;
    a.packet_id = 12;
    a.reason_codes = codes;
    if (v == v5) a.properties.reason_string = "partial";
    return round_trip(a, server(v), [&](std::span<const char> b) {
        const auto r = decode_suback(b, server(v));
        return r && r->packet_id == 12 && r->reason_codes.size() == 3 &&
               r->reason_codes[0] == reason_code::granted_qos_2 &&
               r->reason_codes[2] == reason_code::unspecified_error &&
               (v != v5 || r->properties.reason_string() == "partial");
    });
}
static_assert(suback_round_trip(v3_1));
static_assert(suback_round_trip(v3_1_1));
static_assert(suback_round_trip(v5));

constexpr bool unsubscribe_round_trip(protocol_version v) {
    const std::string_view filters[] = {"a/+", "c"};
    const user_property users[] = {{"why", "done"}};
    unsubscribe_packet u;
    u.packet_id = 13;
    u.topic_filters = filters;
    if (v == v5) u.properties.user_properties = users;
    return round_trip(u, client(v), [&](std::span<const char> b) {
        const auto r = decode_unsubscribe(b, client(v));
        if (!r || r->packet_id != 13 || r->topic_filters.size() != 2) return false;
        auto it = r->topic_filters.begin();
        return *it == "a/+" && *++it == "c" &&
               r->properties.user_properties().size() == (v == v5 ? 1u : 0u);
    });
}
static_assert(unsubscribe_round_trip(v3_1));
static_assert(unsubscribe_round_trip(v3_1_1));
static_assert(unsubscribe_round_trip(v5));

constexpr bool unsuback_round_trip(protocol_version v) {
    const reason_code codes[] = {reason_code::success, reason_code::no_subscription_existed};
    unsuback_packet a;
    a.packet_id = 13;
    if (v == v5) a.reason_codes = codes;  // 3.x UNSUBACK carries none
    return round_trip(a, server(v), [&](std::span<const char> b) {
        const auto r = decode_unsuback(b, server(v));
        if (!r || r->packet_id != 13) return false;
        if (v != v5) return r->reason_codes.empty() && b.size() == 4;
        return r->reason_codes.size() == 2 &&
               r->reason_codes[1] == reason_code::no_subscription_existed;
    });
}
static_assert(unsuback_round_trip(v3_1));
static_assert(unsuback_round_trip(v3_1_1));
static_assert(unsuback_round_trip(v5));

// ---------------------------------------------------------------------------------------------
// PINGREQ, PINGRESP, DISCONNECT, AUTH
// ---------------------------------------------------------------------------------------------

constexpr bool ping_round_trip(protocol_version v) {
    return round_trip(pingreq_packet{}, client(v),
                      [&](std::span<const char> b) {
                          return decode_pingreq(b, client(v)).has_value() && b.size() == 2;
                      }) &&
           round_trip(pingresp_packet{}, server(v), [&](std::span<const char> b) {
               return decode_pingresp(b, server(v)).has_value() && b.size() == 2;
           });
}
static_assert(ping_round_trip(v3_1));
static_assert(ping_round_trip(v3_1_1));
static_assert(ping_round_trip(v5));

constexpr bool disconnect_round_trip(protocol_version v) {
    const bool plain = round_trip(disconnect_packet{}, client(v), [&](std::span<const char> b) {
        const auto r = decode_disconnect(b, client(v));
        return r && r->reason == normal_disconnection && b.size() == 2;
    });
    if (v != v5) return plain;
    disconnect_packet d;
    d.reason = reason_code::server_moved;
    d.properties.server_reference = "other:1883";
    return plain && round_trip(d, server(v), [&](std::span<const char> b) {
               const auto r = decode_disconnect(b, server(v));
               return r && r->reason == reason_code::server_moved &&
                      r->properties.server_reference() == "other:1883";
           });
}
static_assert(disconnect_round_trip(v3_1));
static_assert(disconnect_round_trip(v3_1_1));
static_assert(disconnect_round_trip(v5));

constexpr bool auth_round_trip() {
    const auto data = bin("nonce");
    auth_packet a;
    a.reason = reason_code::continue_authentication;
    a.properties.authentication_method = "SCRAM-SHA-256";
    a.properties.authentication_data = std::span<const std::byte>(data);
    return round_trip(a, client(v5), [&](std::span<const char> b) {
        const auto r = decode_auth(b, client(v5));
        return r && r->reason == reason_code::continue_authentication &&
               r->properties.authentication_method() == "SCRAM-SHA-256" &&
               same(r->properties.authentication_data(), "nonce");
    });
}
static_assert(auth_round_trip());

// AUTH does not exist before 5.0: neither side of the codec will handle it.
constexpr bool no_auth_before_v5(protocol_version v) {
    std::array<std::byte, 8> out{};
    const auto e = encode(auth_packet{}, client(v), out);
    constexpr std::string_view bytes("\xF0\x00", 2);
    const auto d = decode(bytes, client(v));
    return !e && e.error().code == errc::not_in_protocol_version && !d &&
           d.error().code == errc::packet_type_invalid;
}
static_assert(no_auth_before_v5(v3_1));
static_assert(no_auth_before_v5(v3_1_1));

// The generic decode() picks the alternative by packet type at compile time too.
constexpr bool generic_decode() {
    constexpr std::string_view suback_bytes("\x90\x03\x00\x05\x01", 5);
    const auto r = decode(suback_bytes, server(v3_1_1));
    return r && type_of(*r) == packet_type::suback &&
           std::get_if<suback_view<char>>(&*r)->packet_id == 5;
}
static_assert(generic_decode());

// ---------------------------------------------------------------------------------------------
// Framing
// ---------------------------------------------------------------------------------------------

constexpr bool frame_needs(std::string_view s, need expected) {
    const auto f = frame_packet(s, client(v5));
    return f.needs_more() && f.need() == expected;
}
static_assert(frame_needs("", {2, false}));
static_assert(frame_needs(std::string_view("\x30", 1), {1, false}));
// Once the Remaining Length is read, the answer carries the fixed header.
constexpr frame publish_5{packet_type::publish, 0, 2, 5};
static_assert(frame_needs(std::string_view("\x30\x05", 2), {5, true, publish_5}));
static_assert(frame_needs(std::string_view("\x30\x05\x00\x01", 4), {3, true, publish_5}));
static_assert(frame_needs(std::string_view("\x30\x80", 2), {129, false}));  // RL >= 128
static_assert(frame_needs(std::string_view("\x30\x80\x01", 3),
                          {128, true, {packet_type::publish, 0, 3, 128}}));
static_assert(!frame_packet(std::string_view("\x30", 1), client(v5)).need().header_known());

constexpr bool frame_is(std::string_view s, frame expected) {
    const auto f = frame_packet(s, client(v5));
    return f.is_complete() && *f == expected;
}
static_assert(frame_is(std::string_view("\xC0\x00", 2), {packet_type::pingreq, 0, 2, 0}));
static_assert(frame_is(std::string_view("\x3B\x02\x00\x00\xFF", 5),
                       {packet_type::publish, 0xB, 2, 2}));
static_assert(frame_packet(std::string_view("\x3B\x02\x00\x00\xFF", 5), client(v5))->size() == 4);

constexpr bool frame_fails(std::string_view s, errc code, std::uint32_t offset,
                           const codec_options& opts = client(v5)) {
    const auto f = frame_packet(s, opts);
    return f.has_error() && f.error().code == code && f.error().offset == offset;
}
static_assert(frame_fails(std::string_view("\x00\x00", 2), errc::packet_type_invalid, 0));
static_assert(frame_fails(std::string_view("\xF0\x00", 2), errc::packet_type_invalid, 0,
                          client(v3_1_1)));
static_assert(frame_fails(std::string_view("\x30\x80\x00", 3),
                          errc::variable_byte_integer_not_minimal, 2));
static_assert(frame_fails(std::string_view("\x30\xFF\xFF\xFF\xFF\x01", 6),
                          errc::variable_byte_integer_too_long, 4));
static_assert(frame_fails(std::string_view("\x30\x7F", 2), errc::packet_too_large, 1,
                          codec_options{v5, sender::client, 100}));

// ---------------------------------------------------------------------------------------------
// Errors at compile time: the code, the offset, the statement in the version's numbering.
// ---------------------------------------------------------------------------------------------

template <class Result>
constexpr bool fails(const Result& r, errc code, std::uint32_t offset, std::string_view statement) {
    return !r.has_value() && r.error().code == code && r.error().offset == offset &&
           r.error().statement == mqttwire_test::error_text(statement);
}

// QoS 3 PUBLISH: one cause, numbered per version (3.1 has no numbered statements).
constexpr std::string_view qos3("\x36\x05\x00\x01t\x00\x01", 7);
static_assert(fails(decode_publish(qos3, client(v5)), errc::qos_invalid, 0, "MQTT-3.3.1-4"));
static_assert(fails(decode_publish(qos3, client(v3_1_1)), errc::qos_invalid, 0, "MQTT-3.3.1-4"));
static_assert(fails(decode_publish(qos3, client(v3_1)), errc::qos_invalid, 0, ""));
static_assert(to_reason_code(errc::qos_invalid) == reason_code::malformed_packet);

// Topic wildcard: 0x90 Topic Name invalid; the encoder refuses the same topic.
constexpr std::string_view wildcard(
    "\x30\x06\x00\x03"
    "a/#\x00",
    8);
static_assert(fails(decode_publish(wildcard, client(v5)), errc::topic_name_has_wildcard, 6,
                    "MQTT-3.3.2-2"));
static_assert([] {
    publish_packet p;
    p.topic_name = "a/#";
    std::array<std::byte, 16> out{};
    return fails(encode(p, client(v5), out), errc::topic_name_has_wildcard, 0, "MQTT-3.3.2-2");
}());
static_assert(to_reason_code(errc::topic_name_has_wildcard) == reason_code::topic_name_invalid);

// DISCONNECT 0x8B (Server shutting down) from a client: reserved to the other side (0x82).
constexpr std::string_view shutting_down("\xE0\x01\x8B", 3);
static_assert(fails(decode_disconnect(shutting_down, client(v5)), errc::reason_code_not_for_sender,
                    2, "MQTT-3.14.2-1"));
static_assert(decode_disconnect(shutting_down, server(v5)).has_value());
static_assert(to_reason_code(errc::reason_code_not_for_sender) == reason_code::protocol_error);

// Password without a user name: a Protocol Error in 3.1.1 (MQTT-3.1.2-22), allowed in 5.0.
static_assert([] {
    const auto pw = bin("pw");
    connect_packet c;
    c.client_id = "c";
    c.password = std::span<const std::byte>(pw);
    std::array<std::byte, 32> out{};
    return fails(encode(c, client(v3_1_1), out), errc::password_without_user_name, 0,
                 "MQTT-3.1.2-22") &&
           encode(c, client(v5), out).has_value();
}());

// A buffer one byte short: the error says the size needed.
static_assert([] {
    std::array<std::byte, 1> out{};
    const auto r = encode(pingreq_packet{}, client(v5), out);
    return fails(r, errc::buffer_too_small, 2, "") && r.error().buffer_size_needed() == 2;
}());

TEST(Constexpr, EveryStaticAssertAboveHeldAtCompileTime) {
    // Reaching here means the file compiled; one run-time twin keeps the two paths honest.
    EXPECT_TRUE(publish_round_trip(v5));
    EXPECT_TRUE(connect_round_trip(v3_1));
}

}  // namespace
