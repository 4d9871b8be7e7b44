// Unit tests of the RFC 6455 server layer (examples/broker/websocket.hpp): the opening
// handshake, frames in and out, close codes, and MQTT bytes reaching the broker engine as a
// TCP stream would. Named after the RFC 6455 section each shows.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "broker/broker.hpp"
#include "broker/websocket.hpp"

namespace {

using namespace mqttwire::broker;
using websocket::server;

std::vector<std::byte> bytes_of(std::string_view s) {
    const auto* p = reinterpret_cast<const std::byte*>(s.data());
    return {p, p + s.size()};
}

std::string text_of(const std::vector<std::byte>& b) {
    return {reinterpret_cast<const char*>(b.data()), b.size()};
}

std::vector<std::byte> hex(std::initializer_list<unsigned> values) {
    std::vector<std::byte> out;
    for (const unsigned v : values) out.push_back(static_cast<std::byte>(v));
    return out;
}

/** A client frame: masked (unless told otherwise) with a fixed key. */
std::vector<std::byte> client_frame(unsigned opcode, const std::vector<std::byte>& payload,
                                    bool fin = true, bool masked = true, unsigned rsv = 0) {
    std::vector<std::byte> f;
    f.push_back(static_cast<std::byte>((fin ? 0x80u : 0u) | (rsv << 4) | opcode));
    const unsigned mask_bit = masked ? 0x80u : 0u;
    const std::size_t n = payload.size();
    if (n < 126) {
        f.push_back(static_cast<std::byte>(mask_bit | n));
    } else if (n <= 0xFFFF) {
        f.push_back(static_cast<std::byte>(mask_bit | 126));
        f.push_back(static_cast<std::byte>(n >> 8));
        f.push_back(static_cast<std::byte>(n & 0xFF));
    } else {
        f.push_back(static_cast<std::byte>(mask_bit | 127));
        for (int shift = 56; shift >= 0; shift -= 8)
            f.push_back(static_cast<std::byte>((n >> shift) & 0xFF));
    }
    const unsigned char key[4] = {0x37, 0xfa, 0x21, 0x3d};
    if (masked)
        for (const unsigned char k : key) f.push_back(static_cast<std::byte>(k));
    for (std::size_t i = 0; i < n; ++i)
        f.push_back(masked ? payload[i] ^ static_cast<std::byte>(key[i % 4]) : payload[i]);
    return f;
}

std::string request(std::string_view extra = "Sec-WebSocket-Protocol: mqtt\r\n",
                    std::string_view version = "13",
                    std::string_view key = "dGhlIHNhbXBsZSBub25jZQ==") {
    return "GET /mqtt HTTP/1.1\r\nHost: localhost:8080\r\nUpgrade: websocket\r\n"
           "Connection: keep-alive, Upgrade\r\nSec-WebSocket-Key: " +
           std::string(key) + "\r\nSec-WebSocket-Version: " + std::string(version) + "\r\n" +
           std::string(extra) + "\r\n";
}

/** A server past its handshake. */
struct open_server {
    server s{};
    std::vector<std::byte> mqtt{}, wire{};
    open_server() {
        s.receive(bytes_of(request()), mqtt, wire);
        wire.clear();
    }
    void feed(const std::vector<std::byte>& b) { s.receive(b, mqtt, wire); }
};

std::vector<std::byte> close_frame(unsigned code) {
    return hex({0x88, 0x02, code >> 8, code & 0xFF});
}

TEST(WebSocket, RFC6455_1_3_AcceptValueOfTheRfcExample) {
    EXPECT_EQ(websocket::accept_value("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST(WebSocket, RFC6455_4_2_2_HandshakeAnswers101WithAcceptAndMqtt) {
    server s;
    std::vector<std::byte> mqtt, wire;
    s.receive(bytes_of(request("Sec-WebSocket-Protocol: mqttv3.1, mqtt\r\n")), mqtt, wire);
    EXPECT_TRUE(s.is_open());
    EXPECT_EQ(text_of(wire),
              "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
              "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
              "Sec-WebSocket-Protocol: mqtt\r\n\r\n");
    EXPECT_EQ(s.path(), "/mqtt");
}

TEST(WebSocket, RFC6455_4_2_2_Mqttv31SubprotocolAsMosquitto) {
    server s;
    std::vector<std::byte> mqtt, wire;
    s.receive(bytes_of(request("Sec-WebSocket-Protocol: mqttv3.1\r\n")), mqtt, wire);
    EXPECT_TRUE(s.is_open());
    EXPECT_NE(text_of(wire).find("Sec-WebSocket-Protocol: mqttv3.1\r\n"), std::string::npos);
}

TEST(WebSocket, RFC6455_4_2_2_NoSubprotocolOfferedIsServedWithoutOne) {
    server s;
    std::vector<std::byte> mqtt, wire;
    s.receive(bytes_of(request("")), mqtt, wire);
    EXPECT_TRUE(s.is_open());
    EXPECT_EQ(text_of(wire).find("Sec-WebSocket-Protocol"), std::string::npos);
}

/** The status line of what the server answered to `req`, and that it closes. */
std::string refusal(const std::string& req) {
    server s;
    std::vector<std::byte> mqtt, wire;
    s.receive(bytes_of(req), mqtt, wire);
    EXPECT_EQ(s.current(), server::state::closed);
    EXPECT_FALSE(s.reason().empty());
    const std::string t = text_of(wire);
    EXPECT_NE(t.find("\r\nConnection: close\r\n"), std::string::npos) << t;
    return t.substr(0, t.find("\r\n"));
}

TEST(WebSocket, RFC6455_4_2_2_OnlyOtherSubprotocolsIs400) {
    EXPECT_EQ(refusal(request("Sec-WebSocket-Protocol: chat\r\n")), "HTTP/1.1 400 Bad Request");
}

TEST(WebSocket, RFC6455_4_4_OtherVersionIs426WithVersion13) {
    server s;
    std::vector<std::byte> mqtt, wire;
    s.receive(bytes_of(request("Sec-WebSocket-Protocol: mqtt\r\n", "8")), mqtt, wire);
    const std::string t = text_of(wire);
    EXPECT_EQ(t.substr(0, t.find("\r\n")), "HTTP/1.1 426 Upgrade Required");
    EXPECT_NE(t.find("\r\nSec-WebSocket-Version: 13\r\n"), std::string::npos);
    EXPECT_EQ(s.current(), server::state::closed);
}

TEST(WebSocket, RFC6455_4_2_1_BadRequestsAre400) {
    EXPECT_EQ(refusal(request("", "13", "short")), "HTTP/1.1 400 Bad Request");
    EXPECT_EQ(refusal("GET /mqtt HTTP/1.1\r\nHost: h\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n"
                      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"),
              "HTTP/1.1 400 Bad Request");
    EXPECT_EQ(refusal("GET /mqtt HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\n"
                      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"),
              "HTTP/1.1 400 Bad Request");
    EXPECT_EQ(refusal("GET /mqtt HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"),
              "HTTP/1.1 400 Bad Request");
    EXPECT_EQ(refusal("GET /mqtt HTTP/1.0\r\nHost: h\r\n\r\n"), "HTTP/1.1 400 Bad Request");
    EXPECT_EQ(refusal("garbage\r\n\r\n"), "HTTP/1.1 400 Bad Request");
    EXPECT_EQ(refusal("GET / HTTP/1.1\r\nHost h\r\n\r\n"), "HTTP/1.1 400 Bad Request");
}

TEST(WebSocket, RFC6455_4_2_1_PlainGetIs404AndPostIs405) {
    EXPECT_EQ(refusal("GET /index.html HTTP/1.1\r\nHost: h\r\n\r\n"), "HTTP/1.1 404 Not Found");
    EXPECT_EQ(refusal("POST /mqtt HTTP/1.1\r\nHost: h\r\n\r\n"),
              "HTTP/1.1 405 Method Not Allowed");
}

TEST(WebSocket, RFC6455_4_1_HandshakeByteByByte) {
    server s;
    std::vector<std::byte> mqtt, wire;
    const std::string r = request();
    for (const char c : r) {
        EXPECT_EQ(s.current(), server::state::handshake);
        s.receive(bytes_of(std::string_view(&c, 1)), mqtt, wire);
    }
    EXPECT_TRUE(s.is_open());
    EXPECT_EQ(text_of(wire).substr(0, 12), "HTTP/1.1 101");
}

TEST(WebSocket, OversizedHandshakeIs431AndBounded) {
    server s(websocket::server_options{1024, 1000});
    std::vector<std::byte> mqtt, wire;
    const std::string junk(300, 'x');
    s.receive(bytes_of("GET / HTTP/1.1\r\n"), mqtt, wire);
    for (int i = 0; i < 10 && s.current() == server::state::handshake; ++i)
        s.receive(bytes_of("X-Junk: " + junk + "\r\n"), mqtt, wire);
    EXPECT_EQ(s.current(), server::state::closed);
    EXPECT_EQ(text_of(wire).substr(0, 44), "HTTP/1.1 431 Request Header Fields Too Large");
    // Later input is ignored.
    wire.clear();
    s.receive(bytes_of("more"), mqtt, wire);
    EXPECT_TRUE(wire.empty());
}

TEST(WebSocket, RFC6455_4_1_FramesRightBehindTheHandshake) {
    server s;
    std::vector<std::byte> mqtt, wire;
    std::vector<std::byte> in = bytes_of(request());
    const auto f = client_frame(2, hex({0xC0, 0x00}));
    in.insert(in.end(), f.begin(), f.end());
    s.receive(in, mqtt, wire);
    EXPECT_TRUE(s.is_open());
    EXPECT_EQ(mqtt, hex({0xC0, 0x00}));
}

TEST(WebSocket, RFC6455_5_1_UnmaskedClientFrameIsClose1002) {
    open_server o;
    o.feed(client_frame(2, hex({0xC0, 0x00}), true, false));
    EXPECT_EQ(o.s.current(), server::state::closed);
    EXPECT_EQ(o.wire, close_frame(1002));
    EXPECT_TRUE(o.mqtt.empty());
}

TEST(WebSocket, RFC6455_5_2_ReservedBitsAreClose1002) {
    for (const unsigned rsv : {1u, 2u, 4u}) {
        open_server o;
        o.feed(client_frame(2, hex({0xC0, 0x00}), true, true, rsv));
        EXPECT_EQ(o.wire, close_frame(1002)) << rsv;
    }
}

TEST(WebSocket, RFC6455_5_2_ReservedOpcodesAreClose1002) {
    for (const unsigned op : {3u, 7u, 0xBu, 0xFu}) {
        open_server o;
        o.feed(client_frame(op, {}));
        EXPECT_EQ(o.wire, close_frame(1002)) << op;
    }
}

TEST(WebSocket, RFC6455_5_2_NonMinimalLengthIsClose1002) {
    open_server o;
    o.feed(hex({0x82, 0xFE, 0x00, 0x05, 1, 2, 3, 4}));
    EXPECT_EQ(o.wire, close_frame(1002));
}

TEST(WebSocket, RFC6455_5_3_PayloadIsUnmaskedAtEveryLength) {
    for (const std::size_t n : {0u, 1u, 125u, 126u, 65535u, 65536u, 70000u}) {
        open_server o;
        std::vector<std::byte> payload(n);
        for (std::size_t i = 0; i < n; ++i) payload[i] = static_cast<std::byte>(i * 7);
        const auto f = client_frame(2, payload);
        // In two pieces, cut inside the header when it is long enough.
        const std::size_t cut = std::min<std::size_t>(3, f.size());
        o.feed({f.begin(), f.begin() + static_cast<std::ptrdiff_t>(cut)});
        o.feed({f.begin() + static_cast<std::ptrdiff_t>(cut), f.end()});
        EXPECT_TRUE(o.s.is_open()) << n;
        EXPECT_EQ(o.mqtt, payload) << n;
        EXPECT_TRUE(o.wire.empty());
    }
}

TEST(WebSocket, RFC6455_5_4_FragmentedMessageWithPingBetween) {
    open_server o;
    o.feed(client_frame(2, hex({1, 2}), false));
    o.feed(client_frame(9, hex({0xAA})));
    o.feed(client_frame(0, hex({3}), false));
    o.feed(client_frame(0, hex({4, 5}), true));
    EXPECT_TRUE(o.s.is_open());
    EXPECT_EQ(o.mqtt, hex({1, 2, 3, 4, 5}));
    EXPECT_EQ(o.wire, hex({0x8A, 0x01, 0xAA}));  // the pong, between the fragments
    // A new message may follow.
    o.feed(client_frame(2, hex({6})));
    EXPECT_EQ(o.mqtt.back(), std::byte{6});
}

TEST(WebSocket, RFC6455_5_4_ContinuationWithoutMessageIsClose1002) {
    open_server o;
    o.feed(client_frame(0, hex({1})));
    EXPECT_EQ(o.wire, close_frame(1002));
}

TEST(WebSocket, RFC6455_5_4_NewMessageInsideFragmentedOneIsClose1002) {
    open_server o;
    o.feed(client_frame(2, hex({1}), false));
    o.feed(client_frame(2, hex({2})));
    EXPECT_EQ(o.wire, close_frame(1002));
}

TEST(WebSocket, RFC6455_5_5_LongOrFragmentedControlFrameIsClose1002) {
    {
        open_server o;
        o.feed(client_frame(9, std::vector<std::byte>(126)));
        EXPECT_EQ(o.wire, close_frame(1002));
    }
    {
        open_server o;
        o.feed(client_frame(9, hex({1}), false));
        EXPECT_EQ(o.wire, close_frame(1002));
    }
}

TEST(WebSocket, RFC6455_5_5_2_PingGetsPongWithItsPayload) {
    open_server o;
    std::vector<std::byte> payload(125, std::byte{0x5A});
    o.feed(client_frame(9, payload));
    std::vector<std::byte> expected = hex({0x8A, 125});
    expected.insert(expected.end(), payload.begin(), payload.end());
    EXPECT_EQ(o.wire, expected);
    EXPECT_TRUE(o.s.is_open());
}

TEST(WebSocket, RFC6455_5_5_3_UnsolicitedPongIsIgnored) {
    open_server o;
    o.feed(client_frame(0xA, hex({1, 2})));
    EXPECT_TRUE(o.wire.empty());
    EXPECT_TRUE(o.s.is_open());
}

TEST(WebSocket, RFC6455_5_5_1_CloseIsAnsweredWithItsCode) {
    open_server o;
    auto payload = hex({0x03, 0xE8});  // 1000
    const auto reason = bytes_of("bye");
    payload.insert(payload.end(), reason.begin(), reason.end());
    o.feed(client_frame(8, payload));
    EXPECT_EQ(o.wire, close_frame(1000));
    EXPECT_EQ(o.s.current(), server::state::closed);
    EXPECT_EQ(o.s.close_frame_offset(), 0u);
    // Nothing is read after a close.
    o.wire.clear();
    o.feed(client_frame(2, hex({1})));
    EXPECT_TRUE(o.mqtt.empty());
    EXPECT_TRUE(o.wire.empty());
}

TEST(WebSocket, RFC6455_5_5_1_EmptyCloseIsAnsweredEmpty) {
    open_server o;
    o.feed(client_frame(8, {}));
    EXPECT_EQ(o.wire, hex({0x88, 0x00}));
}

TEST(WebSocket, RFC6455_7_4_BadCloseCodesAreClose1002) {
    for (const unsigned code : {0u, 999u, 1004u, 1005u, 1006u, 1015u, 2000u, 5000u}) {
        open_server o;
        o.feed(client_frame(8, hex({code >> 8, code & 0xFF})));
        EXPECT_EQ(o.wire, close_frame(1002)) << code;
    }
    open_server o;
    o.feed(client_frame(8, hex({0x03})));
    EXPECT_EQ(o.wire, close_frame(1002));
}

TEST(WebSocket, RFC6455_5_6_TextFrameIsClose1003) {
    open_server o;
    o.feed(client_frame(1, bytes_of("hello")));
    EXPECT_EQ(o.wire, close_frame(1003));
    EXPECT_TRUE(o.mqtt.empty());
}

TEST(WebSocket, RFC6455_7_4_1_OversizedMessageIsClose1009) {
    server s(websocket::server_options{8192, 100});
    std::vector<std::byte> mqtt, wire;
    s.receive(bytes_of(request()), mqtt, wire);
    wire.clear();
    // Refused from its header, before its payload arrives.
    const auto f = client_frame(2, std::vector<std::byte>(101));
    s.receive(std::span(f).first(8), mqtt, wire);
    EXPECT_EQ(wire, close_frame(1009));
    EXPECT_TRUE(mqtt.empty());
    // And a fragmented message over the bound, though each frame is under it.
    server t(websocket::server_options{8192, 100});
    t.receive(bytes_of(request()), mqtt, wire);
    wire.clear();
    t.receive(client_frame(2, std::vector<std::byte>(60), false), mqtt, wire);
    t.receive(client_frame(0, std::vector<std::byte>(60)), mqtt, wire);
    EXPECT_EQ(wire, close_frame(1009));
}

TEST(WebSocket, RFC6455_5_2_ServerFramesAreUnmaskedBinary) {
    for (const std::size_t n : {0u, 125u, 126u, 65535u, 65536u}) {
        std::vector<std::byte> wire;
        server::append_binary_header(n, wire);
        ASSERT_GE(wire.size(), 2u);
        EXPECT_EQ(wire[0], std::byte{0x82});
        EXPECT_EQ(std::to_integer<unsigned>(wire[1]) & 0x80u, 0u);  // no mask bit
        EXPECT_EQ(wire.size(), n < 126 ? 2u : n <= 0xFFFF ? 4u : 10u) << n;
    }
    std::vector<std::byte> wire;
    server s;
    s.close(websocket::close_code::normal, wire);
    EXPECT_TRUE(wire.empty());  // no close before the handshake is done
    open_server o;
    o.s.close(websocket::close_code::going_away, o.wire);
    EXPECT_EQ(o.wire, close_frame(1001));
}

// MQTT over WebSocket through the broker engine: the bytes it gets must frame as on TCP.

struct null_sink : log_sink {
    void line(log_type, std::string_view) override {}
};

const std::vector<std::byte> connect_packet =
    hex({0x10, 0x0D, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x02, 0x00, 0x3C, 0x00, 0x01, 'a'});
const std::vector<std::byte> subscribe_packet =
    hex({0x82, 0x06, 0x00, 0x01, 0x00, 0x01, 't', 0x00});
const std::vector<std::byte> pingreq_packet = hex({0xC0, 0x00});
const std::vector<std::byte> expected_replies =
    hex({0x20, 0x02, 0x00, 0x00, 0x90, 0x03, 0x00, 0x01, 0x00, 0xD0, 0x00});

std::vector<std::byte> through_engine(const std::vector<std::vector<std::byte>>& frames) {
    null_sink sink;
    broker b(broker_config{}, sink);
    const time_point now{};
    b.accept(1, "127.0.0.1", 5000, 8080, now);
    open_server o;
    for (const auto& f : frames) {
        o.feed(f);
        b.receive(1, o.mqtt, now);
        o.mqtt.clear();
    }
    EXPECT_TRUE(o.s.is_open());
    const auto out = b.output(1);
    return {out.begin(), out.end()};
}

TEST(WebSocket, MqttPacketsSplitAcrossFramesFrameAsOnTcp) {
    std::vector<std::byte> all = connect_packet;
    all.insert(all.end(), subscribe_packet.begin(), subscribe_packet.end());
    all.insert(all.end(), pingreq_packet.begin(), pingreq_packet.end());
    // One byte per frame, as one fragmented message.
    std::vector<std::vector<std::byte>> frames;
    for (std::size_t i = 0; i < all.size(); ++i)
        frames.push_back(client_frame(i == 0 ? 2 : 0, {all[i]}, i + 1 == all.size()));
    EXPECT_EQ(through_engine(frames), expected_replies);
    // Three unfragmented messages, cut inside the packets.
    EXPECT_EQ(through_engine({client_frame(2, {all.begin(), all.begin() + 5}),
                              client_frame(2, {all.begin() + 5, all.begin() + 17}),
                              client_frame(2, {all.begin() + 17, all.end()})}),
              expected_replies);
}

TEST(WebSocket, MqttPacketsCoalescedInOneFrameFrameAsOnTcp) {
    std::vector<std::byte> all = connect_packet;
    all.insert(all.end(), subscribe_packet.begin(), subscribe_packet.end());
    all.insert(all.end(), pingreq_packet.begin(), pingreq_packet.end());
    const auto f = client_frame(2, all);
    EXPECT_EQ(through_engine({f}), expected_replies);
    // The same frame delivered byte by byte by the socket.
    std::vector<std::vector<std::byte>> pieces;
    for (const std::byte b : f) pieces.push_back({b});
    EXPECT_EQ(through_engine(pieces), expected_replies);
}

}  // namespace
