// The broker's protocol engine driven with bytes: clients are the client library's sessions
// (examples/client), or hand-written packets where a client would refuse to send them.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "broker/broker.hpp"
#include "broker/config.hpp"
#include "broker/subscriptions.hpp"
#include "client/session.hpp"

namespace {

using namespace mqttwire;
using broker::conn_id;
using std::chrono::seconds;

struct collecting_sink : broker::log_sink {
    std::vector<std::string> lines;
    void line(broker::log_type, std::string_view text) override { lines.emplace_back(text); }
    [[nodiscard]] bool has(std::string_view text) const {
        return std::find(lines.begin(), lines.end(), text) != lines.end();
    }
    [[nodiscard]] bool has_prefix(std::string_view text) const {
        return std::any_of(lines.begin(), lines.end(),
                           [&](const std::string& l) { return l.starts_with(text); });
    }
    [[nodiscard]] std::size_t count(std::string_view text) const {
        return static_cast<std::size_t>(std::count(lines.begin(), lines.end(), text));
    }
};

struct received {
    std::string topic;
    std::string payload;
    qos qos_level;
    bool retain;
    std::vector<std::pair<std::string, std::string>> user_properties;
    std::vector<std::uint32_t> identifiers;
};

struct app : client::session_handler {
    std::vector<received> messages;
    std::optional<std::uint8_t> connack;
    bool session_present = false;
    std::optional<client::close_event> closed;
    std::vector<std::vector<std::uint8_t>> subacks;
    void on_connack(const client::connack_event& e) override {
        connack = e.code;
        session_present = e.session_present;
    }
    void on_message(const client::message_event& e) override {
        received r{std::string(e.topic),
                   std::string(reinterpret_cast<const char*>(e.publish.payload.data()),
                               e.publish.payload.size()),
                   e.publish.qos_level, e.publish.retain, {}, {}};
        for (const auto u : e.publish.properties.user_properties())
            r.user_properties.emplace_back(u.name, u.value);
        for (const std::uint32_t id : e.publish.properties.subscription_identifiers())
            r.identifiers.push_back(id);
        messages.push_back(std::move(r));
    }
    void on_subscribed(std::uint16_t, std::span<const std::uint8_t> codes) override {
        subacks.emplace_back(codes.begin(), codes.end());
    }
    void on_closed(const client::close_event& e) override { closed = e; }
};

struct peer {
    conn_id id;
    app handler;
    std::unique_ptr<client::session> s;
    bool open = true;
    /** Every byte the broker sent to this peer, in order: what the wire carried. */
    std::vector<std::byte> wire;
};

/** A broker and clients wired together in memory; pump() runs until nothing moves. */
struct harness {
    collecting_sink logs;
    broker::broker b;
    broker::time_point now{};
    std::vector<std::unique_ptr<peer>> peers;
    conn_id next_id = 0;

    explicit harness(broker::broker_config config = {}) : b(with_all_logs(config), logs) {}

    static broker::broker_config with_all_logs(broker::broker_config c) {
        c.log_mask = broker::all_log_types;
        return c;
    }

    peer& connect(client::session_config config) {
        auto p = std::make_unique<peer>();
        p->id = ++next_id;
        p->s = std::make_unique<client::session>(std::move(config), p->handler);
        b.accept(p->id, "127.0.0.1", static_cast<std::uint16_t>(40000 + p->id), 1883, now);
        p->s->connect(now);
        peers.push_back(std::move(p));
        pump();
        return *peers.back();
    }

    /** Reconnects an existing peer's session on a new connection. */
    void reconnect(peer& p) {
        p.id = ++next_id;
        p.open = true;
        b.accept(p.id, "127.0.0.1", static_cast<std::uint16_t>(40000 + p.id), 1883, now);
        p.s->connect(now);
        pump();
    }

    peer* find(conn_id id) {
        for (auto& p : peers)
            if (p->id == id && p->open) return p.get();
        return nullptr;
    }

    void pump() {
        for (int round = 0; round < 1000; ++round) {
            bool moved = false;
            for (auto& p : peers) {
                if (!p->open) continue;
                const auto out = p->s->output();
                if (out.empty()) continue;
                const std::vector<std::byte> copy(out.begin(), out.end());
                p->s->consume_output(copy.size());
                b.receive(p->id, copy, now);
                moved = true;
            }
            for (const conn_id id : b.take_ready()) {
                const auto out = b.output(id);
                const std::vector<std::byte> copy(out.begin(), out.end());
                b.consume_output(id, copy.size());
                peer* p = find(id);
                if (p && !copy.empty()) {
                    p->wire.insert(p->wire.end(), copy.begin(), copy.end());
                    p->s->receive(copy, now);
                }
                if (b.close_requested(id)) {
                    b.closed(id, now);
                    if (p) {
                        p->open = false;
                        p->s->connection_closed();
                    }
                }
                moved = true;
            }
            if (!moved) return;
        }
        ADD_FAILURE() << "pump did not settle";
    }

    /** The network drops `p`'s connection: the broker learns it from the transport. */
    void drop(peer& p) {
        p.open = false;
        b.closed(p.id, now);
        p.s->connection_closed();
        pump();
    }

    void advance(std::chrono::milliseconds by) {
        now += by;
        for (auto& p : peers)
            if (p->open) p->s->tick(now);
        b.tick(now);
        pump();
    }
};

client::session_config cfg(std::string id, protocol_version v = protocol_version::v3_1_1,
                           bool clean = true) {
    client::session_config c;
    c.version = v;
    c.client_id = std::move(id);
    c.clean_start = clean;
    return c;
}

std::vector<std::byte> bytes_of(std::string_view text) {
    const auto* p = reinterpret_cast<const std::byte*>(text.data());
    return {p, p + text.size()};
}

client::outgoing_message msg(std::string topic, std::string payload, qos q = qos::at_most_once,
                             bool retain = false) {
    client::outgoing_message m;
    m.topic = std::move(topic);
    m.payload = bytes_of(payload);
    m.qos_level = q;
    m.retain = retain;
    return m;
}

void subscribe(harness& h, peer& p, std::string filter, qos q = qos::at_most_once) {
    p.s->subscribe({{.topic_filter = std::move(filter), .max_qos = q}}, h.now);
    h.pump();
}

void publish(harness& h, peer& p, client::outgoing_message m) {
    p.s->publish(std::move(m), h.now);
    h.pump();
}

/** A raw connection: bytes in, the broker's answer out. */
std::vector<std::uint8_t> raw(harness& h, conn_id id, std::initializer_list<std::uint8_t> in) {
    std::vector<std::byte> b;
    for (const std::uint8_t x : in) b.push_back(static_cast<std::byte>(x));
    h.b.receive(id, b, h.now);
    std::vector<std::uint8_t> out;
    for (const std::byte x : h.b.output(id)) out.push_back(static_cast<std::uint8_t>(x));
    h.b.consume_output(id, out.size());
    return out;
}

/** The raw bytes of one packet from the broker, decoded as a client of `v` would. */
template <class View>
View decoded_as(const std::vector<std::uint8_t>& out, protocol_version v) {
    static std::vector<std::byte> keep;  // the view points into it
    keep.clear();
    for (const std::uint8_t x : out) keep.push_back(static_cast<std::byte>(x));
    const auto d = decode(keep, codec_options{.version = v, .from = sender::server});
    EXPECT_TRUE(d) << testing::PrintToString(out);
    if (!d) return View{};
    const View* view = std::get_if<View>(&*d);
    EXPECT_NE(view, nullptr) << testing::PrintToString(out);
    return view ? *view : View{};
}

// ---- the seed and the log lines ---------------------------------------------------------------

TEST(Broker, SeedScenarioQos1WithMosquittoLogLines) {
    harness h;
    peer& phone = h.connect(cfg("phone"));
    ASSERT_EQ(phone.handler.connack, 0);
    subscribe(h, phone, "smarthome/lights/office", qos::at_least_once);
    peer& sw = h.connect(cfg("switch"));
    publish(h, sw, msg("smarthome/lights/office", "ON", qos::at_least_once));
    ASSERT_EQ(phone.handler.messages.size(), 1u);
    EXPECT_EQ(phone.handler.messages[0].payload, "ON");
    EXPECT_EQ(phone.handler.messages[0].qos_level, qos::at_least_once);
    sw.s->disconnect(h.now);
    h.pump();
    h.drop(phone);

    for (const char* line : {
             "New connection from 127.0.0.1:40001 on port 1883.",
             "New client connected from 127.0.0.1:40001 as phone (p2, c1, k60).",
             "No will message specified.",
             "Sending CONNACK to phone (0, 0)",
             "Received SUBSCRIBE from phone",
             "\tsmarthome/lights/office (QoS 1)",
             "phone 1 smarthome/lights/office",
             "Sending SUBACK to phone",
             "Received PUBLISH from switch (d0, q1, r0, m1, 'smarthome/lights/office', ... (2 bytes))",
             "Sending PUBACK to switch (m1, rc0)",
             "Sending PUBLISH to phone (d0, q1, r0, m1, 'smarthome/lights/office', ... (2 bytes))",
             "Received PUBACK from phone (Mid: 1, RC:0)",
             "Received DISCONNECT from switch",
             "Client switch disconnected.",
             "Client phone closed its connection.",
         })
        EXPECT_TRUE(h.logs.has(line)) << line;
    // The message goes to the subscriber before the PUBACK to the publisher: mosquitto 2.0.11
    // -v logs them in that order.
    const auto at = [&](std::string_view l) {
        return std::find(h.logs.lines.begin(), h.logs.lines.end(), l) - h.logs.lines.begin();
    };
    EXPECT_LT(at("Sending PUBLISH to phone (d0, q1, r0, m1, 'smarthome/lights/office', ... (2 bytes))"),
              at("Sending PUBACK to switch (m1, rc0)"));
}

// ---- CONNECT / CONNACK --------------------------------------------------------------------------

TEST(Broker, MQTT_3_1_2_2_UnsupportedLevelIsReturnCode1) {
    harness h;
    h.b.accept(1, "127.0.0.1", 5000, 1883, h.now);
    // "MQTT" level 6, clean session, keep alive 60, client id "a".
    const auto out = raw(h, 1, {0x10, 0x0d, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x06, 0x02, 0x00, 0x3c,
                                0x00, 0x01, 'a'});
    EXPECT_EQ(out, (std::vector<std::uint8_t>{0x20, 0x02, 0x00, 0x01}));
    EXPECT_TRUE(h.b.close_requested(1));
}

TEST(Broker, MQTT_3_1_2_2_V5UnsupportedVersionIsReason0x84) {
    harness h;
    h.b.accept(1, "127.0.0.1", 5000, 1883, h.now);
    // "MQIsdp" declaring level 5: the level is 5.0's, the name is not.
    const auto out = raw(h, 1, {0x10, 0x10, 0x00, 0x06, 'M', 'Q', 'I', 's', 'd', 'p', 0x05, 0x02,
                                0x00, 0x3c, 0x00, 0x00, 0x01, 'a'});
    // 0x84 with a Reason String saying why (5.0 §3.2.2.3.8).
    ASSERT_GE(out.size(), 4u);
    EXPECT_EQ(out[0], 0x20);
    EXPECT_EQ(out[3], 0x84);
    const auto ack = decoded_as<connack_view<std::byte>>(out, protocol_version::v5);
    EXPECT_EQ(ack.reason, reason_code::unsupported_protocol_version);
    EXPECT_TRUE(ack.properties.reason_string());
    EXPECT_TRUE(h.b.close_requested(1));
}

TEST(Broker, MQTT_3_1_3_8_EmptyIdWithoutCleanSessionIsIdentifierRejected) {
    harness h;
    h.b.accept(1, "127.0.0.1", 5000, 1883, h.now);
    const auto out = raw(h, 1, {0x10, 0x0c, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x00, 0x00, 0x3c,
                                0x00, 0x00});
    EXPECT_EQ(out, (std::vector<std::uint8_t>{0x20, 0x02, 0x00, 0x02}));
    EXPECT_TRUE(h.b.close_requested(1));
}

TEST(Broker, MQTT_3_1_3_6_EmptyIdIsAssigned) {
    harness h;
    peer& a = h.connect(cfg("", protocol_version::v3_1_1));
    EXPECT_EQ(a.handler.connack, 0);
    EXPECT_TRUE(h.logs.has_prefix("New client connected from 127.0.0.1:40001 as auto-"));
    peer& b = h.connect(cfg("", protocol_version::v5));
    EXPECT_EQ(b.handler.connack, 0);
    // 5.0 MQTT-3.2.2-16: the Assigned Client Identifier names it.
    EXPECT_TRUE(b.s->client_id().starts_with("auto-")) << b.s->client_id();
    EXPECT_EQ(b.s->client_id().size(), 5u + 36u);
}

TEST(Broker, MQTT_3_1_0_1_PublishBeforeConnectIsNeverDelivered) {
    harness h;
    peer& sub = h.connect(cfg("sub"));
    subscribe(h, sub, "#");
    h.b.accept(99, "127.0.0.1", 5000, 1883, h.now);
    raw(h, 99, {0x30, 0x05, 0x00, 0x01, 't', 'h', 'i'});
    EXPECT_TRUE(h.b.close_requested(99));
    h.pump();
    EXPECT_TRUE(sub.handler.messages.empty());
}

TEST(Broker, MQTT_3_1_0_2_SecondConnectIsProtocolError) {
    harness h;
    peer& a = h.connect(cfg("a", protocol_version::v5));
    h.b.receive(a.id, bytes_of(std::string_view("\x10\x0e\x00\x04MQTT\x05\x02\x00\x3c\x00\x00\x01z", 16)),
                h.now);
    h.pump();
    ASSERT_TRUE(a.handler.closed);
    EXPECT_EQ(a.handler.closed->cause, client::close_cause::server_disconnect);
    EXPECT_EQ(a.handler.closed->reason, reason_code::protocol_error);
    EXPECT_TRUE(h.logs.has("Client a disconnected due to protocol error."));
}

// 5.0 §4.9 (Flow Control): the CONNACK gives our Receive Maximum (max_inflight_messages, 20 by
// default as mosquitto's); one more QoS 2 PUBLISH left unreleased is DISCONNECT 0x93.
TEST(Broker, MQTT_4_9_0_1_MoreQos2ThanOurReceiveMaximumIsDisconnect0x93) {
    struct receive_maximum_app : app {
        std::optional<std::uint16_t> receive_maximum;
        void on_connack(const client::connack_event& e) override {
            app::on_connack(e);
            receive_maximum = e.packet.properties.receive_maximum();
        }
    };
    harness h;
    peer& a = h.connect(cfg("a", protocol_version::v5));
    // The harness's peers keep their handler; read the CONNACK of a second client directly.
    receive_maximum_app watcher;
    client::session watched(cfg("watched", protocol_version::v5), watcher);
    h.b.accept(99, "127.0.0.1", 40099, 1883, h.now);
    watched.connect(h.now);
    const auto connect_bytes = watched.output();
    h.b.receive(99, std::vector<std::byte>(connect_bytes.begin(), connect_bytes.end()), h.now);
    watched.consume_output(connect_bytes.size());
    const auto connack = h.b.output(99);
    watched.receive(std::vector<std::byte>(connack.begin(), connack.end()), h.now);
    EXPECT_EQ(watcher.receive_maximum, std::optional<std::uint16_t>(20));

    std::vector<std::byte> flood;  // 21 QoS 2 PUBLISH to "t", never released
    for (std::uint8_t id = 1; id <= 21; ++id)
        for (const int x : {0x34, 0x07, 0x00, 0x01, int{'t'}, 0x00, int{id}, 0x00, int{'x'}})
            flood.push_back(static_cast<std::byte>(x));
    h.b.receive(a.id, flood, h.now);
    h.pump();
    ASSERT_TRUE(a.handler.closed);
    EXPECT_EQ(a.handler.closed->cause, client::close_cause::server_disconnect);
    EXPECT_EQ(a.handler.closed->reason, reason_code::receive_maximum_exceeded);
}

TEST(Broker, MQTT_3_1_4_3_TakeoverClosesOldConnection) {
    harness h;
    peer& first = h.connect(cfg("same", protocol_version::v5));
    peer& second = h.connect(cfg("same", protocol_version::v5));
    EXPECT_EQ(second.handler.connack, 0);
    ASSERT_TRUE(first.handler.closed);
    EXPECT_EQ(first.handler.closed->reason, reason_code::session_taken_over);
    EXPECT_TRUE(h.logs.has("Client same already connected, closing old connection."));
    EXPECT_EQ(h.b.session_count(), 1u);
}

TEST(Broker, MQTT_3_2_2_1_SessionPresentAndQueuedMessagesOnReconnect) {
    harness h;
    peer& sub = h.connect(cfg("keeper", protocol_version::v3_1_1, false));
    EXPECT_FALSE(sub.handler.session_present);
    subscribe(h, sub, "a/b", qos::at_least_once);
    h.drop(sub);
    peer& pub = h.connect(cfg("pub"));
    publish(h, pub, msg("a/b", "while away", qos::at_least_once));
    publish(h, pub, msg("a/b", "qos0 not kept", qos::at_most_once));
    h.reconnect(sub);
    EXPECT_TRUE(sub.handler.session_present);
    ASSERT_EQ(sub.handler.messages.size(), 1u);
    EXPECT_EQ(sub.handler.messages[0].payload, "while away");
}

TEST(Broker, MQTT_3_1_2_4_CleanStartDiscardsTheSession) {
    harness h;
    peer& sub = h.connect(cfg("keeper", protocol_version::v3_1_1, false));
    subscribe(h, sub, "a/b", qos::at_least_once);
    h.drop(sub);
    peer& again = h.connect(cfg("keeper", protocol_version::v3_1_1, true));
    EXPECT_FALSE(again.handler.session_present);
    peer& pub = h.connect(cfg("pub"));
    publish(h, pub, msg("a/b", "x", qos::at_least_once));
    EXPECT_TRUE(again.handler.messages.empty());
}

TEST(Broker, MQTT_3_1_2_5_V5SessionExpiryEndsTheSession) {
    harness h;
    auto c = cfg("v5keeper", protocol_version::v5, false);
    c.session_expiry_interval = 10;
    peer& sub = h.connect(c);
    subscribe(h, sub, "x", qos::at_least_once);
    h.drop(sub);
    EXPECT_EQ(h.b.session_count(), 1u);
    h.advance(seconds(11));
    EXPECT_EQ(h.b.session_count(), 0u);
    EXPECT_EQ(h.b.subscription_count(), 0u);
}

// ---- QoS --------------------------------------------------------------------------------------

TEST(Broker, MQTT_4_3_3_Qos2ExactlyOnceBothWays) {
    for (const auto v : {protocol_version::v3_1, protocol_version::v3_1_1, protocol_version::v5}) {
        harness h;
        peer& sub = h.connect(cfg("sub", v));
        subscribe(h, sub, "q2", qos::exactly_once);
        peer& pub = h.connect(cfg("pub", v));
        publish(h, pub, msg("q2", "once", qos::exactly_once));
        ASSERT_EQ(sub.handler.messages.size(), 1u) << name(v);
        EXPECT_EQ(sub.handler.messages[0].qos_level, qos::exactly_once);
        EXPECT_TRUE(h.logs.has("Received PUBREL from pub (Mid: 1)"));
        EXPECT_TRUE(h.logs.has("Received PUBCOMP from sub (Mid: 1, RC:0)"));
    }
}

TEST(Broker, MQTT_3_8_4_6_DeliveredAtTheLowerOfBothQos) {
    harness h;
    peer& sub = h.connect(cfg("sub"));
    subscribe(h, sub, "t", qos::at_least_once);
    peer& pub = h.connect(cfg("pub"));
    publish(h, pub, msg("t", "2 to 1", qos::exactly_once));
    publish(h, pub, msg("t", "0 stays 0", qos::at_most_once));
    ASSERT_EQ(sub.handler.messages.size(), 2u);
    EXPECT_EQ(sub.handler.messages[0].qos_level, qos::at_least_once);
    EXPECT_EQ(sub.handler.messages[1].qos_level, qos::at_most_once);
}

// ---- retained -----------------------------------------------------------------------------------

TEST(Broker, MQTT_3_3_1_6_RetainedSetReplacedAndCleared) {
    harness h;
    peer& pub = h.connect(cfg("pub"));
    publish(h, pub, msg("r/1", "first", qos::at_least_once, true));
    publish(h, pub, msg("r/1", "second", qos::at_least_once, true));
    peer& sub = h.connect(cfg("sub"));
    subscribe(h, sub, "r/+", qos::at_least_once);
    ASSERT_EQ(sub.handler.messages.size(), 1u);
    EXPECT_EQ(sub.handler.messages[0].payload, "second");
    EXPECT_TRUE(sub.handler.messages[0].retain);  // MQTT-3.3.1-8
    // A live message on the subscription: RETAIN 0 (MQTT-3.3.1-9).
    publish(h, pub, msg("r/1", "third", qos::at_least_once, true));
    ASSERT_EQ(sub.handler.messages.size(), 2u);
    EXPECT_FALSE(sub.handler.messages[1].retain);
    // MQTT-3.3.1-10: an empty retained payload clears it.
    publish(h, pub, msg("r/1", "", qos::at_most_once, true));
    EXPECT_EQ(h.b.retained_count(), 0u);
    peer& late = h.connect(cfg("late"));
    subscribe(h, late, "r/#");
    EXPECT_TRUE(late.handler.messages.empty());
}

// ---- wills --------------------------------------------------------------------------------------

client::session_config with_will(std::string id, protocol_version v,
                                 std::optional<std::uint32_t> delay = std::nullopt) {
    auto c = cfg(std::move(id), v);
    client::will_config w;
    w.topic = "wills/" + c.client_id;
    w.payload = bytes_of("gone");
    w.qos_level = qos::at_least_once;
    w.will_delay_interval = delay;
    c.will = w;
    return c;
}

TEST(Broker, MQTT_3_1_2_8_WillOnAbruptClose) {
    harness h;
    peer& watcher = h.connect(cfg("watcher"));
    subscribe(h, watcher, "wills/#", qos::at_least_once);
    peer& dying = h.connect(with_will("dying", protocol_version::v3_1_1));
    EXPECT_TRUE(h.logs.has("Will message specified (4 bytes) (r0, q1)."));
    h.drop(dying);
    ASSERT_EQ(watcher.handler.messages.size(), 1u);
    EXPECT_EQ(watcher.handler.messages[0].topic, "wills/dying");
    EXPECT_EQ(watcher.handler.messages[0].payload, "gone");
}

TEST(Broker, MQTT_3_14_4_3_NoWillAfterDisconnect) {
    harness h;
    peer& watcher = h.connect(cfg("watcher"));
    subscribe(h, watcher, "wills/#");
    peer& leaving = h.connect(with_will("leaving", protocol_version::v5));
    leaving.s->disconnect(h.now);
    h.pump();
    EXPECT_TRUE(watcher.handler.messages.empty());
}

TEST(Broker, MQTT_3_1_3_9_WillDelayHoldsTheWill) {
    harness h;
    peer& watcher = h.connect(cfg("watcher"));
    subscribe(h, watcher, "wills/#");
    auto c = with_will("late", protocol_version::v5, 5);
    c.session_expiry_interval = 60;
    peer& late = h.connect(c);
    h.drop(late);
    EXPECT_TRUE(watcher.handler.messages.empty());
    h.advance(seconds(3));
    EXPECT_TRUE(watcher.handler.messages.empty());
    h.advance(seconds(3));
    EXPECT_EQ(watcher.handler.messages.size(), 1u);
}

TEST(Broker, MQTT_3_1_3_9_ReconnectCancelsDelayedWill) {
    harness h;
    peer& watcher = h.connect(cfg("watcher"));
    subscribe(h, watcher, "wills/#");
    auto c = with_will("back", protocol_version::v5, 5);
    c.session_expiry_interval = 60;
    c.clean_start = false;
    peer& back = h.connect(c);
    h.drop(back);
    h.advance(seconds(2));
    h.reconnect(back);
    h.advance(seconds(10));
    EXPECT_TRUE(watcher.handler.messages.empty());
}

// ---- topics ---------------------------------------------------------------------------------------

TEST(Broker, MQTT_4_7_1_WildcardsMatchByLevel) {
    harness h;
    peer& plus = h.connect(cfg("plus"));
    subscribe(h, plus, "home/+/temp");
    peer& hash = h.connect(cfg("hash"));
    subscribe(h, hash, "home/#");
    peer& pub = h.connect(cfg("pub"));
    publish(h, pub, msg("home/kitchen/temp", "21"));
    publish(h, pub, msg("home", "parent"));
    publish(h, pub, msg("home/a/b/c", "deep"));
    EXPECT_EQ(plus.handler.messages.size(), 1u);
    EXPECT_EQ(hash.handler.messages.size(), 3u);
}

TEST(Broker, MQTT_4_7_2_1_DollarTopicsNotMatchedByFirstLevelWildcard) {
    harness h;
    peer& all = h.connect(cfg("all"));
    subscribe(h, all, "#");
    peer& sys = h.connect(cfg("sys"));
    subscribe(h, sys, "$SYS/#");
    peer& pub = h.connect(cfg("pub"));
    publish(h, pub, msg("$SYS/broker/x", "1"));
    EXPECT_TRUE(all.handler.messages.empty());
    EXPECT_EQ(sys.handler.messages.size(), 1u);
}

TEST(Broker, MQTT_4_8_2_SharedSubscriptionRoundRobin) {
    harness h;
    peer& a = h.connect(cfg("a", protocol_version::v5));
    subscribe(h, a, "$share/g/jobs");
    peer& b = h.connect(cfg("b", protocol_version::v3_1_1));  // mosquitto shares for 3.1.1 too
    subscribe(h, b, "$share/g/jobs");
    peer& pub = h.connect(cfg("pub"));
    for (int i = 0; i < 4; ++i) publish(h, pub, msg("jobs", std::to_string(i)));
    EXPECT_EQ(a.handler.messages.size(), 2u);
    EXPECT_EQ(b.handler.messages.size(), 2u);
}

TEST(Broker, MQTT_3_10_4_UnsubscribeStopsDelivery) {
    harness h;
    peer& sub = h.connect(cfg("sub", protocol_version::v5));
    subscribe(h, sub, "u");
    sub.s->unsubscribe({"u"}, h.now);
    h.pump();
    EXPECT_TRUE(h.logs.has("Sending UNSUBACK to sub"));
    peer& pub = h.connect(cfg("pub"));
    publish(h, pub, msg("u", "x"));
    EXPECT_TRUE(sub.handler.messages.empty());
    EXPECT_EQ(h.b.subscription_count(), 0u);
}

// ---- 5.0 pass-through ---------------------------------------------------------------------------

TEST(Broker, MQTT_3_3_2_17_UserPropertiesPassedThroughUnchanged) {
    harness h;
    peer& sub = h.connect(cfg("sub", protocol_version::v5));
    sub.s->subscribe({{.topic_filter = "p", .max_qos = qos::at_least_once}}, h.now,
                     {.subscription_identifier = 7});
    h.pump();
    peer& pub = h.connect(cfg("pub", protocol_version::v5));
    auto m = msg("p", "v", qos::at_least_once);
    m.user_properties = {{"k", "v"}, {"k", "w"}};
    publish(h, pub, std::move(m));
    ASSERT_EQ(sub.handler.messages.size(), 1u);
    EXPECT_EQ(sub.handler.messages[0].user_properties,
              (std::vector<std::pair<std::string, std::string>>{{"k", "v"}, {"k", "w"}}));
    EXPECT_EQ(sub.handler.messages[0].identifiers, (std::vector<std::uint32_t>{7}));
    // The same message to a 3.1.1 subscriber loses its properties and still arrives.
    peer& old = h.connect(cfg("old"));
    subscribe(h, old, "p");
    publish(h, pub, msg("p", "again"));
    EXPECT_EQ(old.handler.messages.size(), 1u);
}

// ---- keep alive, bad packets, ping ----------------------------------------------------------------

TEST(Broker, MQTT_3_1_2_24_KeepAliveTimeoutAfterOneAndAHalf) {
    harness h;
    auto c = cfg("sleepy");
    c.keep_alive = 10;
    peer& p = h.connect(c);
    // The client stays silent: advance only the broker's clock.
    h.now += seconds(14);
    h.b.tick(h.now);
    h.pump();
    EXPECT_TRUE(p.open);
    h.now += seconds(1);
    h.b.tick(h.now);
    h.pump();
    EXPECT_FALSE(p.open);
    EXPECT_TRUE(h.logs.has("Client sleepy has exceeded timeout, disconnecting."));
}

TEST(Broker, PingreqAnsweredAndKeepsTheConnection) {
    harness h;
    auto c = cfg("pinger");
    c.keep_alive = 10;
    peer& p = h.connect(c);
    for (int i = 0; i < 6; ++i) h.advance(seconds(5));
    EXPECT_TRUE(p.open);
    EXPECT_TRUE(h.logs.has("Received PINGREQ from pinger"));
    EXPECT_TRUE(h.logs.has("Sending PINGRESP to pinger"));
}

TEST(Broker, MQTT_3_3_2_2_WildcardTopicNameClosesWithTheCodecsReason) {
    harness h;
    peer& p = h.connect(cfg("bad", protocol_version::v5));
    // PUBLISH QoS 0, topic "a/#", no properties.
    h.b.receive(p.id, bytes_of(std::string_view("\x30\x06\x00\x03" "a/#" "\x00", 8)), h.now);
    h.pump();
    ASSERT_TRUE(p.handler.closed);
    EXPECT_EQ(p.handler.closed->reason, reason_code::topic_name_invalid);
    EXPECT_TRUE(h.logs.has_prefix("Bad packet from bad: topic_name_has_wildcard at byte 6"))
        << testing::PrintToString(h.logs.lines);
}

TEST(Broker, MQTT_1_5_5_MalformedLengthBeforeConnectIsClosed) {
    harness h;
    h.b.accept(7, "127.0.0.1", 5000, 1883, h.now);
    const auto out = raw(h, 7, {0x10, 0xff, 0xff, 0xff, 0xff, 0x01});
    EXPECT_TRUE(out.empty());
    EXPECT_TRUE(h.b.close_requested(7));
}

TEST(Broker, ConnectTimeoutClosesASilentConnection) {
    harness h;
    h.b.accept(7, "127.0.0.1", 5000, 1883, h.now);
    h.now += seconds(11);
    h.b.tick(h.now);
    EXPECT_TRUE(h.b.close_requested(7));
}

/** Topic Name and Topic Alias of each PUBLISH in `wire` (5.0, from the server). */
std::vector<std::pair<std::string, std::optional<std::uint16_t>>> publish_topics(
    std::span<const std::byte> wire) {
    std::vector<std::pair<std::string, std::optional<std::uint16_t>>> out;
    const codec_options opts{.version = protocol_version::v5, .from = sender::server};
    while (!wire.empty()) {
        const auto f = frame_packet(wire, opts);
        if (!f.is_complete()) {
            ADD_FAILURE() << "the broker's output does not frame";
            break;
        }
        const auto packet = wire.first(f->size());
        if (f->type == packet_type::publish) {
            const auto p = decode_publish(packet, opts);
            if (!p) {
                ADD_FAILURE() << "a PUBLISH does not decode: " << name(p.error().code);
                break;
            }
            out.emplace_back(std::string(p->topic_name), p->properties.topic_alias());
        }
        wire = wire.subspan(f->size());
    }
    return out;
}

// 5.0 §3.3.2.3.4: a sender may replace a Topic Name by an alias the receiver allows (up to its
// Topic Alias Maximum), the topic sent once with the alias, then the alias alone; the mapping
// belongs to the connection (MQTT-3.3.2-7).
TEST(Broker, MQTT_3_3_2_7_TopicAliasesTowardsTheClientOnItsConnection) {
    harness h;
    client::session_config phone_config = cfg("phone", protocol_version::v5);
    phone_config.topic_alias_maximum = 1;
    peer& phone = h.connect(phone_config);
    subscribe(h, phone, "smarthome/#");
    peer& light = h.connect(cfg("switch", protocol_version::v5));
    publish(h, light, msg("smarthome/lights/office", "ON"));
    publish(h, light, msg("smarthome/lights/office", "OFF"));
    publish(h, light, msg("smarthome/lights/hall", "ON"));  // beyond the maximum: in full
    ASSERT_EQ(phone.handler.messages.size(), 3u);
    EXPECT_EQ(phone.handler.messages[1].topic, "smarthome/lights/office");
    EXPECT_EQ(phone.handler.messages[1].payload, "OFF");
    EXPECT_EQ(phone.handler.messages[2].topic, "smarthome/lights/hall");
    using seen = std::vector<std::pair<std::string, std::optional<std::uint16_t>>>;
    EXPECT_EQ(publish_topics(phone.wire),
              (seen{{"smarthome/lights/office", 1}, {"", 1}, {"smarthome/lights/hall", {}}}));

    // A new connection starts with no aliases; a client that allows none gets none.
    h.drop(phone);
    phone.wire.clear();
    h.reconnect(phone);
    subscribe(h, phone, "smarthome/#");
    peer& other = h.connect(cfg("other", protocol_version::v5));
    subscribe(h, other, "smarthome/#");
    other.wire.clear();
    publish(h, light, msg("smarthome/lights/office", "ON"));
    EXPECT_EQ(publish_topics(phone.wire), (seen{{"smarthome/lights/office", 1}}));
    EXPECT_EQ(publish_topics(other.wire), (seen{{"smarthome/lights/office", {}}}));
}

TEST(Broker, MaxPacketSizeRefusesFromTheHeader) {
    broker::broker_config c;
    c.max_packet_size = 1000;
    harness h(c);
    peer& p = h.connect(cfg("big", protocol_version::v5));
    // A PUBLISH announcing 200 MB: judged from the header, before any payload.
    h.b.receive(p.id, bytes_of(std::string_view("\x30\x80\x80\x80\x60", 5)), h.now);
    h.pump();
    ASSERT_TRUE(p.handler.closed);
    EXPECT_EQ(p.handler.closed->reason, reason_code::packet_too_large);
}

TEST(Broker, V5_3_2_2_3_6_ConnectOver1MiBRefusedFromItsHeaderWith0x95) {
    // A CONNECT announcing 200 MB, and only its first bytes: refused before any payload (the
    // broker's CONNECT limit is 1 MiB), with a CONNACK 0x95 because the level byte says 5.0.
    harness h;
    h.b.accept(7, "127.0.0.1", 5000, 1883, h.now);
    const auto out = raw(h, 7, {0x10, 0x80, 0x84, 0xAF, 0x5F, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x05});
    EXPECT_TRUE(h.b.close_requested(7));
    const auto ack = decoded_as<connack_view<std::byte>>(out, protocol_version::v5);
    EXPECT_EQ(ack.reason, reason_code::packet_too_large);
    EXPECT_TRUE(ack.properties.reason_string());
    EXPECT_TRUE(h.logs.has_prefix("Bad CONNECT from 127.0.0.1:5000: packet_too_large at byte"))
        << testing::PrintToString(h.logs.lines);
}

TEST(Broker, MQTT_3_2_2_6_Level4ConnectOver1MiBClosedWithoutConnack) {
    // 3.1.1 has no return code for a packet too large: closed without a CONNACK.
    harness h;
    h.b.accept(7, "127.0.0.1", 5000, 1883, h.now);
    const auto out = raw(h, 7, {0x10, 0x81, 0x80, 0x40, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04});
    EXPECT_TRUE(out.empty()) << testing::PrintToString(out);
    EXPECT_TRUE(h.b.close_requested(7));
}

TEST(Broker, MQTT_3_1_0_2_V5SecondConnectDisconnectCarriesAReasonString) {
    harness h;
    h.b.accept(7, "127.0.0.1", 5000, 1883, h.now);
    const std::initializer_list<std::uint8_t> connect = {
        0x10, 0x0e, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x05, 0x02, 0x00, 0x3c, 0x00, 0x00, 0x01, 'z'};
    static_cast<void>(raw(h, 7, connect));  // the CONNACK
    const auto out = raw(h, 7, connect);
    EXPECT_TRUE(h.b.close_requested(7));
    const auto d = decoded_as<disconnect_view<std::byte>>(out, protocol_version::v5);
    EXPECT_EQ(d.reason, reason_code::protocol_error);
    const auto why = d.properties.reason_string();
    ASSERT_TRUE(why);
    EXPECT_NE(std::string_view(*why).find("MQTT-3.1.0-2"), std::string_view::npos);
}

TEST(Broker, MQTT_3_1_2_29_V5RefusalConnackCarriesAReasonString) {
    // An Authentication Method (0x15 "x"): enhanced authentication is not supported, 0x8C.
    harness h;
    h.b.accept(7, "127.0.0.1", 5000, 1883, h.now);
    const auto out = raw(h, 7, {0x10, 0x12, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x05, 0x02, 0x00,
                                0x3c, 0x04, 0x15, 0x00, 0x01, 'x', 0x00, 0x01, 'z'});
    EXPECT_TRUE(h.b.close_requested(7));
    const auto ack = decoded_as<connack_view<std::byte>>(out, protocol_version::v5);
    EXPECT_EQ(ack.reason, reason_code::bad_authentication_method);
    EXPECT_TRUE(ack.properties.reason_string());
}

// ---- the pieces -----------------------------------------------------------------------------------

TEST(SubscriptionTree, PrunesAndMatches) {
    broker::subscription_tree t;
    auto* a = reinterpret_cast<broker::session*>(0x10);
    auto* b = reinterpret_cast<broker::session*>(0x20);
    EXPECT_TRUE(t.subscribe(a, "", "a/+/c", {}));
    EXPECT_FALSE(t.subscribe(a, "", "a/+/c", {.max_qos = qos::at_least_once}));
    EXPECT_TRUE(t.subscribe(b, "", "a/#", {}));
    EXPECT_TRUE(t.subscribe(b, "", "+", {}));
    std::vector<broker::session*> hits;
    const auto collect = [&](std::string_view topic) {
        hits.clear();
        t.match(topic, [&](const broker::subscriber& s) { hits.push_back(s.who); },
                [](const broker::session*) { return true; });
        return hits.size();
    };
    EXPECT_EQ(collect("a/b/c"), 2u);
    EXPECT_EQ(collect("a//c"), 2u);
    EXPECT_EQ(collect("a"), 2u);  // "a/#" and "+"
    EXPECT_EQ(collect("$a"), 0u);
    EXPECT_TRUE(t.unsubscribe(a, "", "a/+/c"));
    EXPECT_FALSE(t.unsubscribe(a, "", "a/+/c"));
    EXPECT_EQ(collect("a/b/c"), 1u);
    EXPECT_EQ(t.size(), 2u);
}

TEST(Config, UnknownOptionNamesItsLine) {
    broker::config_file f;
    const auto r = broker::parse_config("listener 1884 127.0.0.1\n# comment\nfoo bar\n", "x.conf", f);
    EXPECT_FALSE(r.ok);
    ASSERT_EQ(r.errors.size(), 2u);
    EXPECT_EQ(r.errors[0], "Error: Unknown configuration variable \"foo\".");
    EXPECT_EQ(r.errors[1], "Error found at x.conf:3.");
}

TEST(Config, TheSupportedOptions) {
    broker::config_file f;
    const auto r = broker::parse_config(
        "listener 1884\nallow_anonymous false\nmax_keepalive 30\nmax_packet_size 5000\n"
        "max_inflight_messages 5\nmax_queued_messages 7\nmessage_size_limit 100\n"
        "retain_available false\nmax_qos 1\npersistent_client_expiration 2h\n"
        "log_type error\nlog_type debug\nlog_dest stderr\n",
        "y.conf", f);
    ASSERT_TRUE(r.ok) << (r.errors.empty() ? "" : r.errors[0]);
    ASSERT_EQ(f.listeners.size(), 1u);
    EXPECT_EQ(f.listeners[0].port, 1884);
    EXPECT_FALSE(f.broker.allow_anonymous);
    EXPECT_EQ(f.broker.max_keepalive, 30);
    EXPECT_EQ(f.broker.max_packet_size, 5000u);
    EXPECT_EQ(f.broker.max_inflight_messages, 5);
    EXPECT_EQ(f.broker.max_queued_messages, 7u);
    EXPECT_EQ(f.broker.message_size_limit, 100u);
    EXPECT_FALSE(f.broker.retain_available);
    EXPECT_EQ(f.broker.max_qos, qos::at_least_once);
    EXPECT_EQ(f.broker.persistent_client_expiration, 7200u);
    EXPECT_EQ(f.broker.log_mask, static_cast<std::uint32_t>(broker::log_type::error) |
                                     static_cast<std::uint32_t>(broker::log_type::debug));
}

TEST(Broker, MaxQueuedMessagesDropsAndLogsOnce) {
    broker::broker_config c;
    c.max_queued_messages = 2;
    harness h(c);
    peer& sub = h.connect(cfg("slow", protocol_version::v3_1_1, false));
    subscribe(h, sub, "q", qos::at_least_once);
    h.drop(sub);
    peer& pub = h.connect(cfg("pub"));
    for (int i = 0; i < 5; ++i) publish(h, pub, msg("q", std::to_string(i), qos::at_least_once));
    EXPECT_EQ(h.logs.count("Outgoing messages are being dropped for client slow."), 1u);
    h.reconnect(sub);
    EXPECT_EQ(sub.handler.messages.size(), 2u);
}

}  // namespace
