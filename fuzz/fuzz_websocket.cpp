// The RFC 6455 server layer of mqttwire-broker (examples/broker/websocket.cpp) on arbitrary
// bytes: no crash or sanitizer report; the bytes cut into chunks at fuzzer-chosen points give
// the same MQTT bytes, the same output and the same final state as when fed whole (the layer
// keeps no state that depends on how reads split); once closed, nothing more comes out; after
// a 101, everything the server writes is well-formed unmasked frames (binary never: those are
// the driver's; pong and close only, control frames of at most 125 bytes, a close last); no
// more MQTT bytes than arrived.
//
// Input: a flags byte (bit 0: prepend a valid opening handshake; bits 1-2: the largest
// message, default / 16 / 200 / 70000), a count byte c, then c & 15 chunk lengths of one byte
// each, then the stream. After the listed chunks the rest arrives in one piece.
#include <string_view>
#include <vector>

#include "broker/websocket.hpp"
#include "fuzz_common.hpp"

namespace {

namespace ws = mqttwire::broker::websocket;

struct outcome {
    std::vector<std::byte> mqtt{}, wire{};
    ws::server::state state{};
    std::string reason{};
};

constexpr std::string_view handshake =
    "GET /mqtt HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
    "Sec-WebSocket-Protocol: mqtt\r\n\r\n";

outcome run(ws::server_options o, std::span<const std::byte> stream,
            std::span<const std::size_t> cuts) {
    outcome out;
    ws::server s(o);
    std::size_t at = 0;
    const auto feed = [&](std::size_t n) {
        // An exact-size copy: reading past a chunk is an ASan report.
        const fuzz::exact_copy<std::byte> piece(
            reinterpret_cast<const std::uint8_t*>(stream.data()) + at, n);
        const bool was_closed = s.current() == ws::server::state::closed;
        const std::size_t wire_before = out.wire.size(), mqtt_before = out.mqtt.size();
        s.receive(piece.span(), out.mqtt, out.wire);
        if (was_closed) {
            FUZZ_CHECK(out.wire.size() == wire_before);
            FUZZ_CHECK(out.mqtt.size() == mqtt_before);
            FUZZ_CHECK(s.current() == ws::server::state::closed);
        }
        at += n;
    };
    for (const std::size_t c : cuts) feed(std::min(c, stream.size() - at));
    feed(stream.size() - at);
    out.state = s.current();
    out.reason = s.reason();
    FUZZ_CHECK(out.mqtt.size() <= stream.size());
    FUZZ_CHECK((out.state == ws::server::state::closed) == !out.reason.empty());
    return out;
}

/** After the 101 (or nothing, for an HTTP error), the server's frames are well-formed. */
void check_frames(const outcome& o) {
    std::string_view text(reinterpret_cast<const char*>(o.wire.data()), o.wire.size());
    if (text.starts_with("HTTP/1.1 ") && !text.starts_with("HTTP/1.1 101 ")) {
        FUZZ_CHECK(o.state == ws::server::state::closed);
        FUZZ_CHECK(o.mqtt.empty());
        return;
    }
    std::size_t i = 0;
    if (text.starts_with("HTTP/1.1 101 ")) {
        const std::size_t end = text.find("\r\n\r\n");
        FUZZ_CHECK(end != std::string_view::npos);
        i = end + 4;
    } else {
        FUZZ_CHECK(o.wire.empty());
        FUZZ_CHECK(o.mqtt.empty());
    }
    bool closed = false;
    while (i < o.wire.size()) {
        FUZZ_CHECK(!closed);  // nothing after a close frame
        FUZZ_CHECK(i + 2 <= o.wire.size());
        const auto b0 = std::to_integer<unsigned>(o.wire[i]);
        const auto b1 = std::to_integer<unsigned>(o.wire[i + 1]);
        FUZZ_CHECK((b0 & 0xF0) == 0x80);  // FIN, no reserved bits
        FUZZ_CHECK((b0 & 0x0F) == 0x8 || (b0 & 0x0F) == 0xA);
        FUZZ_CHECK(b1 <= 125);  // unmasked, a control frame's size
        if ((b0 & 0x0F) == 0x8) {
            FUZZ_CHECK(b1 == 0 || b1 == 2);
            closed = true;
        }
        i += 2 + b1;
        FUZZ_CHECK(i <= o.wire.size());
    }
    FUZZ_CHECK(closed == (o.state == ws::server::state::closed));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    const unsigned flags = data[0];
    const std::size_t count = data[1] & 15u;
    if (size < 2 + count) return 0;
    std::vector<std::size_t> cuts;
    for (std::size_t i = 0; i < count; ++i) cuts.push_back(data[2 + i]);
    std::vector<std::byte> stream;
    if (flags & 1u) {
        const auto* h = reinterpret_cast<const std::byte*>(handshake.data());
        stream.assign(h, h + handshake.size());
    }
    const auto* rest = reinterpret_cast<const std::byte*>(data + 2 + count);
    stream.insert(stream.end(), rest, rest + (size - 2 - count));

    ws::server_options o;
    o.max_handshake = 1024;
    constexpr std::uint64_t limits[4] = {268'435'460, 16, 200, 70000};
    o.max_message = limits[(flags >> 1) & 3u];

    const outcome whole = run(o, stream, {});
    const outcome cut = run(o, stream, cuts);
    FUZZ_CHECK(whole.mqtt == cut.mqtt);
    FUZZ_CHECK(whole.wire == cut.wire);
    FUZZ_CHECK(whole.state == cut.state);
    FUZZ_CHECK(whole.reason == cut.reason);
    check_frames(whole);
    return 0;
}
