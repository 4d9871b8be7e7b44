// The client session driven by bytes alone: what it sends is decoded with the core as a server
// would, what it receives is encoded with the core as a server sends it. No sockets, no clock:
// the tests hand it the time.
#include "client/session.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <algorithm>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace {

using namespace mqttwire;
using namespace mqttwire::client;
using namespace std::chrono_literals;

struct recorder final : session_handler {
    std::vector<std::uint8_t> connack_codes;
    std::vector<std::pair<std::string, std::string>> messages;  // topic, payload
    std::vector<std::pair<std::uint16_t, reason_code>> published;
    std::vector<std::pair<std::uint16_t, std::vector<std::uint8_t>>> subscribed;
    std::vector<close_event> closed;
    std::vector<std::string> trace;

    void on_connack(const connack_event& e) override { connack_codes.push_back(e.code); }
    void on_message(const message_event& m) override {
        messages.emplace_back(std::string(m.topic),
                              std::string(reinterpret_cast<const char*>(m.publish.payload.data()),
                                          m.publish.payload.size()));
    }
    void on_published(std::uint16_t mid, reason_code r) override { published.emplace_back(mid, r); }
    void on_subscribed(std::uint16_t mid, std::span<const std::uint8_t> codes) override {
        subscribed.emplace_back(mid, std::vector<std::uint8_t>(codes.begin(), codes.end()));
    }
    void on_closed(const close_event& e) override { closed.push_back(e); }
    void on_trace(std::string_view line) override { trace.emplace_back(line); }
};

const time_point t0{};

std::span<const std::byte> bytes_of(std::string_view s) {
    return std::as_bytes(std::span<const char>(s.data(), s.size()));
}

std::vector<std::byte> payload_of(std::string_view s) {
    const auto b = bytes_of(s);
    return {b.begin(), b.end()};
}

/** A packet as the server sends it. */
template <class Packet>
std::vector<std::byte> from_server(const Packet& p, protocol_version v) {
    const codec_options opts{.version = v, .from = sender::server};
    const result<std::size_t> size = encoded_size(p, opts);
    EXPECT_TRUE(size.has_value());
    std::vector<std::byte> out(size ? *size : 0);
    if (size) {
        EXPECT_TRUE(encode(p, opts, out).has_value());
    }
    return out;
}

/** One packet the client sent: its type and bytes. */
struct sent_packet {
    packet_type type;
    std::vector<std::byte> bytes;
};

/** Takes everything the session wants to send, cut into packets by the core's framing. */
std::vector<sent_packet> take_output(session& s) {
    std::vector<sent_packet> packets;
    const std::span<const std::byte> out = s.output();
    const codec_options opts{.version = s.version(), .from = sender::client};
    std::size_t at = 0;
    while (at < out.size()) {
        const partial<frame> f = frame_packet(out.subspan(at), opts);
        EXPECT_TRUE(f.is_complete()) << "the client's output is not whole packets";
        if (!f.is_complete()) break;
        const auto packet = out.subspan(at, f->size());
        // Every packet the client sends decodes as a server would read it.
        EXPECT_TRUE(decode(packet, opts).has_value()) << "packet at " << at;
        packets.push_back({f->type, {packet.begin(), packet.end()}});
        at += f->size();
    }
    s.consume_output(out.size());
    return packets;
}

struct fixture : ::testing::Test {
    recorder events;

    session make(session_config c = {}) { return session(std::move(c), events); }

    /** Connects and accepts with a CONNACK carrying `props` (5.0) at time `now`. */
    void establish(session& s, time_point now = t0, connack_properties props = {},
                   bool session_present = false) {
        s.connect(now);
        const auto connect = take_output(s);
        ASSERT_EQ(connect.size(), 1u);
        ASSERT_EQ(connect[0].type, packet_type::connect);
        connack_packet ack{.session_present = session_present};
        if (s.version() == protocol_version::v5) ack.properties = props;
        s.receive(from_server(ack, s.version()), now);
        ASSERT_EQ(s.state(), session_state::connected);
    }
};

session_config v5_config() {
    session_config c;
    c.version = protocol_version::v5;
    return c;
}

TEST_F(fixture, ConnectCarriesTheConfigAndTracesAsMosquitto) {
    session_config c;
    c.keep_alive = 30;
    c.debug_trace = true;
    session s = make(c);
    s.connect(t0);
    const auto out = take_output(s);
    ASSERT_EQ(out.size(), 1u);
    const auto connect =
        decode_connect(out[0].bytes, codec_options{.version = protocol_version::v3_1_1,
                                                   .from = sender::client});
    ASSERT_TRUE(connect.has_value());
    EXPECT_EQ(connect->keep_alive, 30);
    EXPECT_TRUE(connect->clean_start);
    EXPECT_EQ(connect->client_id, "");
    ASSERT_EQ(events.trace.size(), 1u);
    EXPECT_EQ(events.trace[0], "Client (null) sending CONNECT");
}

TEST_F(fixture, Qos0PublishIsDoneOnceInOutput) {
    session s = make();
    establish(s);
    const std::uint16_t mid =
        s.publish({.topic = "smarthome/lights/office", .payload = payload_of("ON")}, t0);
    EXPECT_EQ(mid, 1);
    const auto out = take_output(s);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].type, packet_type::publish);
    ASSERT_EQ(events.published.size(), 1u);
    EXPECT_EQ(events.published[0].first, mid);
    EXPECT_TRUE(s.idle());
}

TEST_F(fixture, Qos1PublishEndsAtPuback) {
    session s = make();
    establish(s);
    const std::uint16_t mid = s.publish(
        {.topic = "a/b", .payload = payload_of("x"), .qos_level = qos::at_least_once}, t0);
    const auto out = take_output(s);
    ASSERT_EQ(out.size(), 1u);
    const auto p = decode_publish(out[0].bytes, codec_options{.version = protocol_version::v3_1_1,
                                                              .from = sender::client});
    ASSERT_TRUE(p.has_value());
    EXPECT_EQ(p->packet_id, mid);
    EXPECT_FALSE(p->dup);
    EXPECT_FALSE(s.idle());
    EXPECT_TRUE(events.published.empty());
    s.receive(from_server(puback_packet{.packet_id = mid}, protocol_version::v3_1_1), t0);
    ASSERT_EQ(events.published.size(), 1u);
    EXPECT_EQ(events.published[0].first, mid);
    EXPECT_TRUE(s.idle());
}

TEST_F(fixture, Qos2PublishSendsPubrelAtPubrecAndEndsAtPubcomp) {
    session s = make();
    establish(s);
    const std::uint16_t mid = s.publish(
        {.topic = "a/b", .payload = payload_of("x"), .qos_level = qos::exactly_once}, t0);
    take_output(s);
    s.receive(from_server(pubrec_packet{.packet_id = mid}, protocol_version::v3_1_1), t0);
    const auto out = take_output(s);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].type, packet_type::pubrel);
    EXPECT_TRUE(events.published.empty());
    s.receive(from_server(pubcomp_packet{.packet_id = mid}, protocol_version::v3_1_1), t0);
    ASSERT_EQ(events.published.size(), 1u);
    EXPECT_TRUE(s.idle());
}

TEST_F(fixture, MQTT_4_3_3_RefusedPubrecEndsTheFlowInV5) {
    session s = make(v5_config());
    establish(s);
    const std::uint16_t mid = s.publish(
        {.topic = "a", .payload = payload_of("x"), .qos_level = qos::exactly_once}, t0);
    take_output(s);
    s.receive(from_server(pubrec_packet{.packet_id = mid, .reason = reason_code::quota_exceeded},
                          protocol_version::v5),
              t0);
    EXPECT_TRUE(take_output(s).empty());  // no PUBREL after a failure code
    ASSERT_EQ(events.published.size(), 1u);
    EXPECT_EQ(events.published[0].second, reason_code::quota_exceeded);
}

TEST_F(fixture, IncomingQos1IsAcknowledgedAndDelivered) {
    session s = make();
    establish(s);
    s.receive(from_server(publish_packet{.topic_name = "t",
                                         .payload = bytes_of("ON"),
                                         .qos_level = qos::at_least_once,
                                         .packet_id = 7},
                          protocol_version::v3_1_1),
              t0);
    const auto out = take_output(s);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].type, packet_type::puback);
    ASSERT_EQ(events.messages.size(), 1u);
    EXPECT_EQ(events.messages[0], (std::pair<std::string, std::string>{"t", "ON"}));
}

TEST_F(fixture, MQTT_4_3_3_IncomingQos2IsDeliveredOnceAtPubrel) {
    session s = make();
    establish(s);
    const publish_packet p{.topic_name = "t",
                           .payload = bytes_of("ON"),
                           .qos_level = qos::exactly_once,
                           .packet_id = 9};
    s.receive(from_server(p, protocol_version::v3_1_1), t0);
    publish_packet again = p;
    again.dup = true;
    s.receive(from_server(again, protocol_version::v3_1_1), t0);
    auto out = take_output(s);
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[0].type, packet_type::pubrec);
    EXPECT_EQ(out[1].type, packet_type::pubrec);
    EXPECT_TRUE(events.messages.empty());
    s.receive(from_server(pubrel_packet{.packet_id = 9}, protocol_version::v3_1_1), t0);
    out = take_output(s);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].type, packet_type::pubcomp);
    EXPECT_EQ(events.messages.size(), 1u);
    EXPECT_TRUE(s.idle());
}

TEST_F(fixture, PacketsSplitAtEveryByteAreFramedIncrementally) {
    session s = make();
    establish(s);
    const auto bytes = from_server(
        publish_packet{.topic_name = "smarthome/lights/office", .payload = bytes_of("ON")},
        protocol_version::v3_1_1);
    for (const std::byte b : bytes) s.receive(std::span<const std::byte>(&b, 1), t0);
    ASSERT_EQ(events.messages.size(), 1u);
    EXPECT_EQ(events.messages[0].first, "smarthome/lights/office");
}

TEST_F(fixture, MQTT_3_1_2_10_PingreqAtKeepAliveCloseAfterOneAndAHalf) {
    session_config c;
    c.keep_alive = 10;
    session s = make(c);
    establish(s, t0);
    ASSERT_TRUE(s.next_deadline().has_value());
    EXPECT_EQ(*s.next_deadline(), t0 + 10s);
    s.tick(t0 + 9s);
    EXPECT_TRUE(take_output(s).empty());
    s.tick(t0 + 10s);
    const auto out = take_output(s);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].type, packet_type::pingreq);
    EXPECT_EQ(*s.next_deadline(), t0 + 15s);  // nothing heard since t0
    s.tick(t0 + 14s);
    EXPECT_TRUE(events.closed.empty());
    s.tick(t0 + 15s);
    ASSERT_EQ(events.closed.size(), 1u);
    EXPECT_EQ(events.closed[0].cause, close_cause::keep_alive_timeout);
    EXPECT_EQ(s.state(), session_state::disconnected);
}

TEST_F(fixture, PingrespKeepsTheConnection) {
    session_config c;
    c.keep_alive = 10;
    session s = make(c);
    establish(s, t0);
    s.tick(t0 + 10s);
    take_output(s);
    s.receive(from_server(pingresp_packet{}, protocol_version::v3_1_1), t0 + 11s);
    s.tick(t0 + 15s);
    EXPECT_TRUE(events.closed.empty());
    EXPECT_EQ(*s.next_deadline(), t0 + 20s);  // the next PINGREQ: 10 s after the PINGREQ sent
}

TEST_F(fixture, MQTT_3_2_2_ServerKeepAliveReplacesOurs) {
    session_config c = v5_config();
    c.keep_alive = 60;
    session s = make(c);
    establish(s, t0, {.server_keep_alive = 5});
    EXPECT_EQ(s.keep_alive(), 5);
    EXPECT_EQ(*s.next_deadline(), t0 + 5s);
}

TEST_F(fixture, MQTT_4_4_0_1_UnacknowledgedResentWithDupOnReconnect) {
    session_config c;
    c.clean_start = false;
    c.client_id = "phone";
    session s = make(c);
    establish(s);
    const std::uint16_t first = s.publish(
        {.topic = "a", .payload = payload_of("1"), .qos_level = qos::at_least_once}, t0);
    const std::uint16_t second = s.publish(
        {.topic = "a", .payload = payload_of("2"), .qos_level = qos::exactly_once}, t0);
    take_output(s);
    s.receive(from_server(pubrec_packet{.packet_id = second}, protocol_version::v3_1_1), t0);
    take_output(s);  // the PUBREL, lost with the connection
    s.connection_closed();
    ASSERT_EQ(events.closed.back().cause, close_cause::connection_lost);

    establish(s, t0 + 1s, {}, true);
    const auto out = take_output(s);
    ASSERT_EQ(out.size(), 2u);
    ASSERT_EQ(out[0].type, packet_type::publish);
    const auto p = decode_publish(out[0].bytes, codec_options{.version = protocol_version::v3_1_1,
                                                              .from = sender::client});
    ASSERT_TRUE(p.has_value());
    EXPECT_TRUE(p->dup);
    EXPECT_EQ(p->packet_id, first);
    EXPECT_EQ(out[1].type, packet_type::pubrel);  // MQTT-4.4.0-1: PUBREL again, not PUBLISH
    const auto rel = decode_pubrel(out[1].bytes, codec_options{.version = protocol_version::v3_1_1,
                                                               .from = sender::client});
    ASSERT_TRUE(rel.has_value());
    EXPECT_EQ(rel->packet_id, second);
}

TEST_F(fixture, MQTT_4_9_0_2_ServerReceiveMaximumIsRespected) {
    session s = make(v5_config());
    establish(s, t0, {.receive_maximum = 1});
    const std::uint16_t a = s.publish(
        {.topic = "a", .payload = payload_of("1"), .qos_level = qos::at_least_once}, t0);
    const std::uint16_t b = s.publish(
        {.topic = "a", .payload = payload_of("2"), .qos_level = qos::at_least_once}, t0);
    EXPECT_NE(a, b);
    EXPECT_EQ(take_output(s).size(), 1u);  // the second waits
    s.receive(from_server(puback_packet{.packet_id = a}, protocol_version::v5), t0);
    const auto out = take_output(s);
    ASSERT_EQ(out.size(), 1u);
    const auto p = decode_publish(out[0].bytes, codec_options{.version = protocol_version::v5,
                                                              .from = sender::client});
    ASSERT_TRUE(p.has_value());
    EXPECT_EQ(p->packet_id, b);
}

TEST_F(fixture, MQTT_3_3_4_9_MoreQos2ThanOurReceiveMaximumIsDisconnected) {
    session_config c = v5_config();
    c.receive_maximum = 1;
    session s = make(c);
    establish(s);
    for (const std::uint16_t id : {std::uint16_t{1}, std::uint16_t{2}})
        s.receive(from_server(publish_packet{.topic_name = "t",
                                             .qos_level = qos::exactly_once,
                                             .packet_id = id},
                              protocol_version::v5),
                  t0);
    const auto out = take_output(s);
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[0].type, packet_type::pubrec);
    ASSERT_EQ(out[1].type, packet_type::disconnect);
    const auto d = decode_disconnect(out[1].bytes, codec_options{.version = protocol_version::v5,
                                                                 .from = sender::client});
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(d->reason, reason_code::receive_maximum_exceeded);
}

TEST_F(fixture, MQTT_3_3_2_12_TopicAliasesReceivedAreResolved) {
    session_config c = v5_config();
    c.topic_alias_maximum = 4;
    session s = make(c);
    establish(s);
    publish_packet first{.topic_name = "smarthome/lights/office", .payload = bytes_of("ON")};
    first.properties.topic_alias = 2;
    s.receive(from_server(first, protocol_version::v5), t0);
    publish_packet second{.topic_name = "", .payload = bytes_of("OFF")};
    second.properties.topic_alias = 2;
    s.receive(from_server(second, protocol_version::v5), t0);
    ASSERT_EQ(events.messages.size(), 2u);
    EXPECT_EQ(events.messages[1],
              (std::pair<std::string, std::string>{"smarthome/lights/office", "OFF"}));
}

TEST_F(fixture, MQTT_3_3_2_9_TopicAliasAboveOurMaximumIsDisconnected) {
    session_config c = v5_config();
    c.topic_alias_maximum = 1;
    session s = make(c);
    establish(s);
    publish_packet p{.topic_name = "t"};
    p.properties.topic_alias = 2;
    s.receive(from_server(p, protocol_version::v5), t0);
    const auto out = take_output(s);
    ASSERT_EQ(out.size(), 1u);
    const auto d = decode_disconnect(out[0].bytes, codec_options{.version = protocol_version::v5,
                                                                 .from = sender::client});
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(d->reason, reason_code::topic_alias_invalid);
    ASSERT_EQ(events.closed.size(), 1u);
    EXPECT_EQ(events.closed[0].cause, close_cause::protocol_error);
    EXPECT_TRUE(events.messages.empty());
}

TEST_F(fixture, UnknownTopicAliasIsAProtocolError) {
    session_config c = v5_config();
    c.topic_alias_maximum = 4;
    session s = make(c);
    establish(s);
    publish_packet p{.topic_name = ""};
    p.properties.topic_alias = 3;
    s.receive(from_server(p, protocol_version::v5), t0);
    ASSERT_EQ(events.closed.size(), 1u);
    EXPECT_EQ(events.closed[0].reason, reason_code::protocol_error);
}

// A PUBLISH whose Topic Name holds a wildcard, as a broken server could send it: written by
// hand, since the core's encoder refuses it.
const std::string_view wildcard_publish("\x30\x05\x00\x03" "a/#", 7);

TEST_F(fixture, MQTT_3_3_2_2_MalformedPacketGetsDisconnectWithTheCodecsReasonInV5) {
    session s = make(v5_config());
    establish(s);
    const std::string packet = std::string(wildcard_publish) + std::string(1, '\0');  // props
    std::string v5_packet = packet;
    v5_packet[1] = 6;  // Remaining Length with the empty property list
    s.receive(bytes_of(v5_packet), t0);
    const auto out = take_output(s);
    ASSERT_EQ(out.size(), 1u);
    const auto d = decode_disconnect(out[0].bytes, codec_options{.version = protocol_version::v5,
                                                                 .from = sender::client});
    ASSERT_TRUE(d.has_value());
    ASSERT_EQ(events.closed.size(), 1u);
    const close_event& e = events.closed[0];
    EXPECT_EQ(e.cause, close_cause::protocol_error);
    EXPECT_NE(e.error.code, errc::none);
    EXPECT_EQ(d->reason, e.error.to_reason_code());
    EXPECT_EQ(d->reason, reason_code::topic_name_invalid);
    EXPECT_TRUE(events.messages.empty());
}

TEST_F(fixture, MalformedPacketClosesWithoutDisconnectIn311) {
    session s = make();
    establish(s);
    s.receive(bytes_of(wildcard_publish), t0);
    EXPECT_TRUE(take_output(s).empty());
    ASSERT_EQ(events.closed.size(), 1u);
    EXPECT_EQ(events.closed[0].cause, close_cause::protocol_error);
    EXPECT_NE(events.closed[0].error.code, errc::none);
    EXPECT_EQ(s.state(), session_state::disconnected);
}

TEST_F(fixture, MQTT_3_2_0_1_FirstPacketOtherThanConnackIsAProtocolError) {
    session s = make();
    s.connect(t0);
    take_output(s);
    s.receive(from_server(pingresp_packet{}, protocol_version::v3_1_1), t0);
    ASSERT_EQ(events.closed.size(), 1u);
    EXPECT_EQ(events.closed[0].cause, close_cause::protocol_error);
}

TEST_F(fixture, RefusedConnackIsReportedAndCloses) {
    session s = make();
    s.connect(t0);
    take_output(s);
    s.receive(from_server(connack_packet{.return_code = connect_return_code::not_authorized},
                          protocol_version::v3_1_1),
              t0);
    ASSERT_EQ(events.connack_codes.size(), 1u);
    EXPECT_EQ(events.connack_codes[0], 5);
    ASSERT_EQ(events.closed.size(), 1u);
    EXPECT_EQ(events.closed[0].cause, close_cause::connect_refused);
}

TEST_F(fixture, ServerDisconnectReasonIsReported) {
    session_config c = v5_config();
    c.debug_trace = true;
    session s = make(c);
    establish(s);
    s.receive(from_server(disconnect_packet{.reason = reason_code::server_shutting_down},
                          protocol_version::v5),
              t0);
    ASSERT_EQ(events.closed.size(), 1u);
    EXPECT_EQ(events.closed[0].cause, close_cause::server_disconnect);
    EXPECT_EQ(events.closed[0].reason, reason_code::server_shutting_down);
    EXPECT_EQ(events.trace.back(), "Received DISCONNECT (139)");
}

TEST_F(fixture, SubackReportsGrantedCodesAndTraces) {
    session_config c;
    c.debug_trace = true;
    session s = make(c);
    establish(s);
    const std::uint16_t mid =
        s.subscribe({{.topic_filter = "a/#", .max_qos = qos::at_least_once}}, t0);
    const auto out = take_output(s);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].type, packet_type::subscribe);
    const reason_code granted[] = {reason_code::granted_qos_1};
    s.receive(from_server(suback_packet{.packet_id = mid, .reason_codes = granted},
                          protocol_version::v3_1_1),
              t0);
    ASSERT_EQ(events.subscribed.size(), 1u);
    EXPECT_EQ(events.subscribed[0].second, std::vector<std::uint8_t>{1});
    EXPECT_EQ(events.trace.at(2),
              "Client (null) sending SUBSCRIBE (Mid: 1, Topic: a/#, QoS: 1, Options: 0x00)");
    EXPECT_EQ(events.trace.at(3), "Client (null) received SUBACK");
}

TEST_F(fixture, PacketIdsSkipThoseInUse) {
    session s = make();
    establish(s);
    std::vector<std::uint16_t> ids;
    for (int i = 0; i < 3; ++i)
        ids.push_back(s.publish(
            {.topic = "a", .payload = payload_of("x"), .qos_level = qos::at_least_once}, t0));
    EXPECT_EQ(ids, (std::vector<std::uint16_t>{1, 2, 3}));
}

TEST_F(fixture, PublishToAnInvalidTopicIsRefusedAtOnce) {
    session s = make();
    establish(s);
    EXPECT_EQ(s.publish({.topic = "a/+", .payload = payload_of("x")}, t0), 0);
    EXPECT_NE(s.last_error().code, errc::none);
    EXPECT_TRUE(take_output(s).empty());
}

}  // namespace

namespace {

TEST_F(fixture, MQTT_3_3_2_8_OutgoingTopicAliasSentOnceThenAloneWithinTheServersMaximum) {
    session s = make(v5_config());
    establish(s, t0, {.topic_alias_maximum = 2});
    const codec_options as_server{.version = protocol_version::v5, .from = sender::client};
    for (int i = 0; i < 2; ++i)
        s.publish({.topic = "smarthome/lights/office", .payload = payload_of("ON"),
                   .topic_alias = std::uint16_t{1}},
                  t0);
    s.publish({.topic = "other", .payload = payload_of("x"), .topic_alias = std::uint16_t{3}}, t0);
    const auto out = take_output(s);
    ASSERT_EQ(out.size(), 3u);
    const auto first = decode_publish(out[0].bytes, as_server);
    const auto second = decode_publish(out[1].bytes, as_server);
    const auto third = decode_publish(out[2].bytes, as_server);
    ASSERT_TRUE(first && second && third);
    EXPECT_EQ(first->topic_name, "smarthome/lights/office");
    EXPECT_EQ(first->properties.topic_alias(), std::optional<std::uint16_t>{1});
    EXPECT_EQ(second->topic_name, "");
    EXPECT_EQ(second->properties.topic_alias(), std::optional<std::uint16_t>{1});
    EXPECT_EQ(third->topic_name, "other");  // alias 3 is above the server's maximum: left out
    EXPECT_FALSE(third->properties.topic_alias().has_value());
}

TEST_F(fixture, MaxInflightHoldsMessagesBelowTheServersReceiveMaximum) {
    session_config c;
    c.max_inflight = 2;
    session s = make(c);
    establish(s);
    for (int i = 0; i < 3; ++i)
        s.publish({.topic = "a", .payload = payload_of("x"), .qos_level = qos::at_least_once}, t0);
    EXPECT_EQ(take_output(s).size(), 2u);
    s.receive(from_server(puback_packet{.packet_id = 1}, protocol_version::v3_1_1), t0);
    EXPECT_EQ(take_output(s).size(), 1u);
}

// ---- streamed payloads ------------------------------------------------------------------------

/** A payload in memory behind the payload_source interface; counts its reads from offset 0. */
struct memory_source final : payload_source {
    std::vector<std::byte> data;
    std::size_t reads_from_start = 0;
    std::optional<std::size_t> fail_from{};  // reads at or past this offset fail

    explicit memory_source(std::vector<std::byte> d) : data(std::move(d)) {}
    std::size_t size() const override { return data.size(); }
    std::optional<std::size_t> read(std::size_t offset, std::span<std::byte> out) override {
        if (fail_from && offset >= *fail_from) return std::nullopt;
        if (offset == 0) ++reads_from_start;
        // Short reads on purpose: the session must ask again for the rest.
        const std::size_t n = std::min(out.size(), std::size_t{40'000});
        std::copy_n(data.begin() + static_cast<std::ptrdiff_t>(offset), n, out.begin());
        return n;
    }
};

std::vector<std::byte> random_bytes(std::size_t n, unsigned seed) {
    std::mt19937 gen(seed);
    std::vector<std::byte> out(n);
    for (std::byte& b : out) b = static_cast<std::byte>(gen() & 0xFF);
    return out;
}

/** Everything the session sends, taken `step` bytes at a time; output() stays bounded. */
std::vector<std::byte> drain(session& s, std::size_t step) {
    std::vector<std::byte> all;
    while (!s.output().empty()) {
        const std::span<const std::byte> out = s.output();
        EXPECT_LE(out.size(), 2 * session::stream_chunk) << "output holds too much of a stream";
        const std::size_t n = std::min(step, out.size());
        all.insert(all.end(), out.begin(), out.begin() + static_cast<std::ptrdiff_t>(n));
        s.consume_output(n);
    }
    return all;
}

/** The bytes cut into packets by the core's framing; every one decodes as a server reads it. */
std::vector<sent_packet> packets_of(std::span<const std::byte> out, protocol_version v) {
    std::vector<sent_packet> packets;
    const codec_options opts{.version = v, .from = sender::client};
    std::size_t at = 0;
    while (at < out.size()) {
        const partial<frame> f = frame_packet(out.subspan(at), opts);
        EXPECT_TRUE(f.is_complete()) << "the output is not whole packets at " << at;
        if (!f.is_complete()) break;
        const auto packet = out.subspan(at, f->size());
        EXPECT_TRUE(decode(packet, opts).has_value()) << "packet at " << at;
        packets.push_back({f->type, {packet.begin(), packet.end()}});
        at += f->size();
    }
    return packets;
}

std::vector<std::byte> payload_in(const sent_packet& p, protocol_version v) {
    const auto d = decode_publish(p.bytes, codec_options{.version = v, .from = sender::client});
    EXPECT_TRUE(d.has_value());
    if (!d) return {};
    return {d->payload.begin(), d->payload.end()};
}

TEST_F(fixture, StreamedPublishIsWholeAtEveryDrainSize) {
    const std::vector<std::byte> data = random_bytes(200'000, 1);
    for (const protocol_version v : {protocol_version::v3_1_1, protocol_version::v5}) {
        for (const std::size_t step : {std::size_t{1}, std::size_t{7}, std::size_t{4096},
                                       session::stream_chunk - 1, session::stream_chunk + 1,
                                       std::size_t{1} << 30}) {
            session_config c;
            c.version = v;
            c.debug_trace = true;
            session s = make(c);
            establish(s);
            auto source = std::make_shared<memory_source>(data);
            const std::uint16_t mid = s.publish(
                {.topic = "big", .source = source, .qos_level = qos::at_least_once}, t0);
            ASSERT_NE(mid, 0);
            EXPECT_EQ(events.trace.back(),
                      "Client (null) sending PUBLISH (d0, q1, r0, m1, 'big', ... (200000 bytes))");
            const auto out = packets_of(drain(s, step), v);
            ASSERT_EQ(out.size(), 1u) << "step " << step;
            EXPECT_EQ(payload_in(out[0], v), data) << "step " << step;
            s.receive(from_server(puback_packet{.packet_id = mid}, v), t0);
            EXPECT_TRUE(s.idle());
        }
    }
}

TEST_F(fixture, PacketsDueDuringAStreamFollowIt) {
    session_config c;
    c.stream_above = 1 << 30;
    session s = make(c);
    establish(s);
    const std::vector<std::byte> data = random_bytes(300'000, 2);
    s.publish({.topic = "big", .source = std::make_shared<memory_source>(data),
               .qos_level = qos::at_least_once},
              t0);
    const std::span<const std::byte> first = s.output();
    std::vector<std::byte> sent(first.begin(), first.begin() + 1000);
    s.consume_output(1000);
    // Meanwhile: a QoS 1 message from the server (PUBACK due), a SUBSCRIBE, another message.
    s.receive(from_server(publish_packet{.topic_name = "in", .payload = bytes_of("x"),
                                         .qos_level = qos::at_least_once, .packet_id = 9},
                          protocol_version::v3_1_1),
              t0);
    s.subscribe({{.topic_filter = "f"}}, t0);
    s.publish({.topic = "small", .payload = payload_of("after")}, t0);
    const std::vector<std::byte> rest = drain(s, 5000);
    sent.insert(sent.end(), rest.begin(), rest.end());
    // The message waiting behind the stream goes at the next tick, due at once.
    ASSERT_TRUE(s.next_deadline().has_value());
    EXPECT_LE(*s.next_deadline(), t0);
    s.tick(t0);
    const std::vector<std::byte> last = drain(s, 5000);
    sent.insert(sent.end(), last.begin(), last.end());

    const auto out = packets_of(sent, protocol_version::v3_1_1);
    ASSERT_EQ(out.size(), 4u);
    EXPECT_EQ(out[0].type, packet_type::publish);
    EXPECT_EQ(payload_in(out[0], protocol_version::v3_1_1), data);
    EXPECT_EQ(out[1].type, packet_type::puback);
    EXPECT_EQ(out[2].type, packet_type::subscribe);
    EXPECT_EQ(out[3].type, packet_type::publish);
    EXPECT_EQ(payload_in(out[3], protocol_version::v3_1_1), payload_of("after"));
}

TEST_F(fixture, MQTT_4_4_0_1_StreamedPublishResentFromTheStartOnReconnect) {
    session_config c;
    c.clean_start = false;
    c.client_id = "phone";
    session s = make(c);
    establish(s);
    const std::vector<std::byte> data = random_bytes(150'000, 3);
    auto source = std::make_shared<memory_source>(data);
    const std::uint16_t mid =
        s.publish({.topic = "big", .source = source, .qos_level = qos::exactly_once}, t0);
    const std::span<const std::byte> out = s.output();
    s.consume_output(out.size());  // part of the payload, then the connection is lost
    s.connection_closed();
    establish(s, t0 + 1s, {}, true);
    const auto again = packets_of(drain(s, 3000), protocol_version::v3_1_1);
    ASSERT_EQ(again.size(), 1u);
    const auto p = decode_publish(again[0].bytes, codec_options{.version = protocol_version::v3_1_1,
                                                                .from = sender::client});
    ASSERT_TRUE(p.has_value());
    EXPECT_TRUE(p->dup);
    EXPECT_EQ(p->packet_id, mid);
    EXPECT_EQ(payload_in(again[0], protocol_version::v3_1_1), data);
    EXPECT_EQ(source->reads_from_start, 2u);
}

TEST_F(fixture, UnreadablePayloadSourceEndsTheConnection) {
    session s = make();
    establish(s);
    auto source = std::make_shared<memory_source>(random_bytes(200'000, 4));
    source->fail_from = 100'000;
    s.publish({.topic = "big", .source = source, .qos_level = qos::at_least_once}, t0);
    s.subscribe({{.topic_filter = "f"}}, t0);  // queued behind the payload: never sent
    const std::vector<std::byte> sent = drain(s, 10'000);
    ASSERT_FALSE(events.closed.empty());
    EXPECT_EQ(events.closed.back().cause, close_cause::payload_unreadable);
    EXPECT_LT(sent.size(), 200'000u);
}

/** A handler that streams every large message and records how it came. */
struct streaming_recorder final : session_handler {
    message_mode mode = message_mode::stream;
    std::vector<std::string> begun;  // topics
    std::vector<std::byte> payload;
    std::size_t chunks = 0;
    std::vector<bool> ended;  // complete flags
    std::vector<std::string> whole;  // payloads of on_message
    std::vector<std::string> order;  // "begin", "data", "end", "message"

    message_mode message_mode_for(const message_head_event&) override { return mode; }
    void on_message_begin(const message_head_event& e) override {
        begun.emplace_back(e.topic);
        order.emplace_back("begin");
    }
    void on_message_data(std::span<const std::byte> chunk) override {
        payload.insert(payload.end(), chunk.begin(), chunk.end());
        ++chunks;
        if (order.back() != "data") order.emplace_back("data");
    }
    void on_message_end(bool complete) override {
        ended.push_back(complete);
        order.emplace_back("end");
    }
    void on_message(const message_event& m) override {
        whole.emplace_back(reinterpret_cast<const char*>(m.publish.payload.data()),
                           m.publish.payload.size());
        order.emplace_back("message");
    }
};

/** Connects `s` as the fixture does, for a session with another handler. */
void accept(session& s) {
    s.connect(t0);
    s.consume_output(s.output().size());
    s.receive(from_server(connack_packet{}, s.version()), t0);
    ASSERT_EQ(s.state(), session_state::connected);
}

TEST(session_streaming, IncomingLargePublishArrivesInChunksAtEverySplit) {
    const std::vector<std::byte> data = random_bytes(100'000, 5);
    for (const protocol_version v : {protocol_version::v3_1_1, protocol_version::v5}) {
        std::vector<std::byte> wire = from_server(
            publish_packet{.topic_name = "big", .payload = data, .qos_level = qos::at_least_once,
                           .packet_id = 7},
            v);
        const std::vector<std::byte> small =
            from_server(publish_packet{.topic_name = "s", .payload = bytes_of("tail")}, v);
        wire.insert(wire.end(), small.begin(), small.end());
        for (const std::size_t split : {std::size_t{1}, std::size_t{3}, std::size_t{1000},
                                        std::size_t{65536}, wire.size()}) {
            streaming_recorder h;
            session_config c;
            c.version = v;
            c.stream_above = 10'000;
            session s(c, h);
            accept(s);
            for (std::size_t at = 0; at < wire.size(); at += split)
                s.receive(std::span(wire).subspan(at, std::min(split, wire.size() - at)), t0);
            ASSERT_EQ(h.begun, std::vector<std::string>{"big"}) << "split " << split;
            EXPECT_EQ(h.payload, data) << "split " << split;
            EXPECT_EQ(h.ended, std::vector<bool>{true});
            EXPECT_EQ(h.whole, std::vector<std::string>{"tail"});
            EXPECT_EQ(h.order, (std::vector<std::string>{"begin", "data", "end", "message"}));
            if (split < 1000) {
                EXPECT_GT(h.chunks, 1u);
            }
            const auto out = packets_of(drain(s, 1 << 20), v);
            ASSERT_EQ(out.size(), 1u);
            EXPECT_EQ(out[0].type, packet_type::puback);
        }
    }
}

TEST(session_streaming, HandlerMayAskForTheWholeMessage) {
    const std::vector<std::byte> data = random_bytes(50'000, 6);
    const std::vector<std::byte> wire = from_server(
        publish_packet{.topic_name = "big", .payload = data}, protocol_version::v3_1_1);
    streaming_recorder h;
    h.mode = message_mode::assemble;
    session s({.stream_above = 1000}, h);
    accept(s);
    for (std::size_t at = 0; at < wire.size(); at += 999)
        s.receive(std::span(wire).subspan(at, std::min<std::size_t>(999, wire.size() - at)), t0);
    EXPECT_TRUE(h.begun.empty());
    ASSERT_EQ(h.whole.size(), 1u);
    EXPECT_EQ(h.whole[0].size(), data.size());
    EXPECT_EQ(std::memcmp(h.whole[0].data(), data.data(), data.size()), 0);
}

TEST(session_streaming, MQTT_4_3_3_StreamedQos2IsDeliveredAtReceiptAndOnce) {
    const std::vector<std::byte> data = random_bytes(30'000, 7);
    const publish_packet p{.topic_name = "big", .payload = data, .qos_level = qos::exactly_once,
                           .packet_id = 3};
    publish_packet resend = p;
    resend.dup = true;
    streaming_recorder h;
    session s({.stream_above = 1000}, h);
    accept(s);
    s.receive(from_server(p, protocol_version::v3_1_1), t0);
    EXPECT_EQ(h.ended, std::vector<bool>{true});
    auto out = packets_of(drain(s, 1 << 20), protocol_version::v3_1_1);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].type, packet_type::pubrec);
    EXPECT_FALSE(s.idle());  // the identifier is held until PUBREL

    // A resend before PUBREL is acknowledged again, not delivered again (streamed or whole).
    s.receive(from_server(resend, protocol_version::v3_1_1), t0);
    EXPECT_EQ(h.begun.size(), 1u);
    out = packets_of(drain(s, 1 << 20), protocol_version::v3_1_1);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].type, packet_type::pubrec);

    s.receive(from_server(pubrel_packet{.packet_id = 3}, protocol_version::v3_1_1), t0);
    out = packets_of(drain(s, 1 << 20), protocol_version::v3_1_1);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].type, packet_type::pubcomp);
    EXPECT_EQ(h.begun.size(), 1u);
    EXPECT_TRUE(h.whole.empty());
    EXPECT_TRUE(s.idle());
}

TEST(session_streaming, ConnectionLostMidPayloadEndsTheMessageIncompleteAndUnacknowledged) {
    const std::vector<std::byte> data = random_bytes(30'000, 8);
    const std::vector<std::byte> wire = from_server(
        publish_packet{.topic_name = "big", .payload = data,
                       .qos_level = qos::at_least_once, .packet_id = 4},
        protocol_version::v3_1_1);
    streaming_recorder h;
    session s({.stream_above = 1000}, h);
    accept(s);
    s.receive(std::span(wire).first(20'000), t0);
    EXPECT_EQ(h.payload.size(), 20'000u - (wire.size() - 30'000u));
    s.connection_closed();
    EXPECT_EQ(h.ended, std::vector<bool>{false});
    EXPECT_TRUE(s.output().empty());  // no PUBACK: the broker sends it again
}

}  // namespace
