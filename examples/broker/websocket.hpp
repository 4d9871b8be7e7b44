#pragma once
// The server side of RFC 6455 (WebSocket), sans-I/O, for MQTT over WebSocket: the opening
// handshake, then frames in and out. The driver hands it the bytes a socket read
// (`receive`); it gives back the MQTT bytes the client sent (for the broker engine's
// `receive`, which frames MQTT packets from any split, so frame boundaries do not matter) and
// the bytes to write to the socket (the 101 or the HTTP error, pongs, close frames). The
// broker's output goes out through `append_binary_frame`.
//
// Memory is bounded: the handshake is kept until its blank line, at most `max_handshake`
// bytes; a frame header at most 14 bytes; a control frame's payload at most 125. Data frame
// payloads are unmasked and passed on as they arrive, never held whole.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mqttwire::broker::websocket {

/** Close codes of RFC 6455 section 7.4.1 that this server sends. */
enum class close_code : std::uint16_t {
    normal = 1000,
    going_away = 1001,
    protocol_error = 1002,
    unsupported_data = 1003,
    message_too_big = 1009,
};

/** The GUID of RFC 6455 section 1.3, appended to the key before hashing. */
inline constexpr std::string_view accept_guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/**
 * Sec-WebSocket-Accept for a Sec-WebSocket-Key: base64(SHA-1(key + GUID)), by OpenSSL's SHA1
 * and EVP_EncodeBlock.
 */
std::string accept_value(std::string_view key);

struct server_options {
    /** The request head (request line and header fields) may hold this many bytes. */
    std::size_t max_handshake = 8 * 1024;
    /**
     * The largest data frame payload, and message (all fragments), accepted; above: 1009.
     * The driver sets it from the broker's max_packet_size (or MQTT's own limit).
     */
    std::uint64_t max_message = 268'435'460;
};

class server {
public:
    enum class state : std::uint8_t {
        handshake,  // waiting for the client's opening handshake
        open,       // frames both ways
        closed,     // nothing more is read; close once `wire` is written
    };

    explicit server(server_options options = {}) : options_(options) {}

    /**
     * Bytes read from the socket. MQTT bytes are appended to `mqtt`, bytes to write to
     * `wire`. After a bad handshake or frame, or a close, the state is `closed` and
     * `wire` ends with the HTTP error or close frame; later input is ignored.
     */
    void receive(std::span<const std::byte> bytes, std::vector<std::byte>& mqtt,
                 std::vector<std::byte>& wire);

    /** Ends an open connection from our side (a close frame with `code`), e.g. the broker
     * closed it. Nothing when the handshake is not done or a close went out already. */
    void close(close_code code, std::vector<std::byte>& wire);

    [[nodiscard]] state current() const { return state_; }
    [[nodiscard]] bool is_open() const { return state_ == state::open; }
    /** Why the connection closed (for the log), empty while it has not. */
    [[nodiscard]] const std::string& reason() const { return reason_; }
    /** The subprotocol answered in the 101 ("mqtt" or "mqttv3.1"). */
    [[nodiscard]] const std::string& subprotocol() const { return subprotocol_; }
    /** Where, in the `wire` of the receive() call that closed an open connection, its close
     * frame starts: a driver that passes the MQTT bytes of that call on can put the answers to
     * them before it. */
    [[nodiscard]] std::size_t close_frame_offset() const { return close_at_; }
    /** The request target of the handshake (for the log). */
    [[nodiscard]] const std::string& path() const { return path_; }

    /** Appends one unmasked binary frame (FIN set) of `size` bytes' header, for a payload the
     * caller appends after it. */
    static void append_binary_header(std::uint64_t size, std::vector<std::byte>& wire);
    /** Appends one unmasked frame with `opcode` and `payload`. */
    static void append_frame(std::uint8_t opcode, std::span<const std::byte> payload,
                             std::vector<std::byte>& wire);

private:
    std::size_t handshake(std::span<const std::byte> bytes, std::vector<std::byte>& wire);
    void respond_error(int status, std::string_view text, std::string_view why,
                       std::vector<std::byte>& wire, std::string_view extra_headers = {});
    void frames(std::span<const std::byte> bytes, std::vector<std::byte>& mqtt,
                std::vector<std::byte>& wire);
    /** The frame header in head_ is complete: checks it; false when the connection failed. */
    bool start_frame(std::vector<std::byte>& wire);
    void end_control_frame(std::vector<std::byte>& wire);
    void fail(close_code code, std::string why, std::vector<std::byte>& wire);

    server_options options_;
    state state_ = state::handshake;
    std::string request_{};  // the handshake so far
    std::string reason_{};
    std::string subprotocol_{};
    std::string path_{};
    std::size_t close_at_ = 0;

    // The frame being read.
    std::array<std::uint8_t, 14> head_{};
    std::size_t head_size_ = 0;
    bool in_payload_ = false;
    std::uint8_t opcode_ = 0;
    bool fin_ = false;
    std::array<std::uint8_t, 4> mask_{};
    std::uint64_t remaining_ = 0;  // payload bytes of this frame still to come
    std::uint64_t offset_ = 0;     // payload bytes of this frame already read (mask position)
    std::array<std::byte, 125> control_{};
    std::size_t control_size_ = 0;
    // A fragmented binary message in progress, and its size so far.
    bool in_message_ = false;
    std::uint64_t message_size_ = 0;
};

}  // namespace mqttwire::broker::websocket
