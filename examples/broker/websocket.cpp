#include "broker/websocket.hpp"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cstring>

namespace mqttwire::broker::websocket {

namespace {

constexpr std::uint8_t op_continuation = 0x0;
constexpr std::uint8_t op_text = 0x1;
constexpr std::uint8_t op_binary = 0x2;
constexpr std::uint8_t op_close = 0x8;
constexpr std::uint8_t op_ping = 0x9;
constexpr std::uint8_t op_pong = 0xA;

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequal(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (lower(a[i]) != lower(b[i])) return false;
    return true;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

/** Whether the comma-separated list `value` (Connection, Upgrade, Sec-WebSocket-Protocol)
 * holds `token`; case-insensitive when `fold`. */
bool has_token(std::string_view value, std::string_view token, bool fold) {
    while (!value.empty()) {
        const std::size_t comma = value.find(',');
        const std::string_view item = trim(value.substr(0, comma));
        if (fold ? iequal(item, token) : item == token) return true;
        if (comma == std::string_view::npos) break;
        value.remove_prefix(comma + 1);
    }
    return false;
}

bool is_base64_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '+' || c == '/';
}

/** RFC 6455 4.1 item 7: the key is 16 random bytes in base64, so 22 characters and "==". */
bool valid_key(std::string_view key) {
    if (key.size() != 24 || key.substr(22) != "==") return false;
    return std::all_of(key.begin(), key.begin() + 22, is_base64_char);
}

/** Close codes a peer may send (RFC 6455 7.4.1 and 7.4.2, and the IANA registry's
 * 1012-1014): 1004-1006 and 1015 are reserved for reports, never sent. */
bool valid_close_code(std::uint16_t code) {
    return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) ||
           (code >= 3000 && code <= 4999);
}

void append(std::vector<std::byte>& out, std::string_view text) {
    const auto* p = reinterpret_cast<const std::byte*>(text.data());
    out.insert(out.end(), p, p + text.size());
}

}  // namespace

std::string accept_value(std::string_view key) {
    std::string input(key);
    input += accept_guid;
    unsigned char digest[SHA_DIGEST_LENGTH];
    SHA1(reinterpret_cast<const unsigned char*>(input.data()), input.size(), digest);
    // 20 bytes are 28 base64 characters; EVP_EncodeBlock adds a NUL.
    unsigned char encoded[4 * ((SHA_DIGEST_LENGTH + 2) / 3) + 1];
    const int n = EVP_EncodeBlock(encoded, digest, SHA_DIGEST_LENGTH);
    return std::string(reinterpret_cast<const char*>(encoded), static_cast<std::size_t>(n));
}

void server::receive(std::span<const std::byte> bytes, std::vector<std::byte>& mqtt,
                     std::vector<std::byte>& wire) {
    if (state_ == state::handshake) {
        const std::size_t used = handshake(bytes, wire);
        bytes = bytes.subspan(used);
    }
    // Frames sent right behind the handshake (a client need not wait for the 101) are read
    // from the same bytes.
    if (state_ == state::open && !bytes.empty()) frames(bytes, mqtt, wire);
}

std::size_t server::handshake(std::span<const std::byte> bytes, std::vector<std::byte>& wire) {
    // Searching from a few bytes before the new ones finds a terminator split across reads.
    const std::size_t search_from = request_.size() < 3 ? 0 : request_.size() - 3;
    const std::size_t room = options_.max_handshake + 4 - request_.size();
    const std::size_t take = std::min(bytes.size(), room);
    request_.append(reinterpret_cast<const char*>(bytes.data()), take);
    const std::size_t end = request_.find("\r\n\r\n", search_from);
    if (end == std::string::npos) {
        // Only once no room is left, so that where reads split cannot change the verdict.
        if (request_.size() >= options_.max_handshake + 4) {
            respond_error(431, "Request Header Fields Too Large", "handshake too large", wire);
        }
        return bytes.size();
    }
    const std::size_t head_size = end + 4;
    // The bytes after the blank line are frames: give them back to receive().
    const std::size_t used = take - (request_.size() - head_size);
    request_.resize(end);
    const std::string request = std::move(request_);
    request_ = {};

    std::string_view rest = request;
    const std::size_t eol = rest.find("\r\n");
    const std::string_view request_line = rest.substr(0, eol);
    rest = eol == std::string_view::npos ? std::string_view{} : rest.substr(eol + 2);

    // Request line: method SP request-target SP HTTP-version (RFC 9112 3).
    const std::size_t sp1 = request_line.find(' ');
    const std::size_t sp2 =
        sp1 == std::string_view::npos ? sp1 : request_line.find(' ', sp1 + 1);
    if (sp2 == std::string_view::npos || request_line.find(' ', sp2 + 1) != std::string_view::npos) {
        respond_error(400, "Bad Request", "malformed request line", wire);
        return used;
    }
    const std::string_view method = request_line.substr(0, sp1);
    const std::string_view target = request_line.substr(sp1 + 1, sp2 - sp1 - 1);
    const std::string_view version = request_line.substr(sp2 + 1);
    path_ = std::string(target.substr(0, 256));
    if (method != "GET") {
        respond_error(405, "Method Not Allowed", "method is not GET", wire, "Allow: GET\r\n");
        return used;
    }
    // RFC 6455 4.1 item 2: HTTP/1.1 or higher; HTTP/2 and later do not arrive as this text.
    if (version != "HTTP/1.1" || target.empty()) {
        respond_error(400, "Bad Request", "not an HTTP/1.1 request", wire);
        return used;
    }

    std::string upgrade, connection, key, ws_version, protocols;
    bool has_host = false, has_upgrade = false;
    while (!rest.empty()) {
        const std::size_t line_end = rest.find("\r\n");
        const std::string_view line = rest.substr(0, line_end);
        rest = line_end == std::string_view::npos ? std::string_view{} : rest.substr(line_end + 2);
        const std::size_t colon = line.find(':');
        // No colon, an empty name, or an obsolete line folding (RFC 9112 5.2): refused.
        if (colon == std::string_view::npos || colon == 0 || line.front() == ' ' ||
            line.front() == '\t') {
            respond_error(400, "Bad Request", "malformed header field", wire);
            return used;
        }
        const std::string_view name = line.substr(0, colon);
        const std::string_view value = trim(line.substr(colon + 1));
        // Fields that may repeat are lists: joined with commas (RFC 9110 5.3).
        const auto add = [&](std::string& to) {
            if (!to.empty()) to += ',';
            to += value;
        };
        if (iequal(name, "host")) {
            has_host = true;
        } else if (iequal(name, "upgrade")) {
            has_upgrade = true;
            add(upgrade);
        } else if (iequal(name, "connection")) {
            add(connection);
        } else if (iequal(name, "sec-websocket-key")) {
            add(key);
        } else if (iequal(name, "sec-websocket-version")) {
            add(ws_version);
        } else if (iequal(name, "sec-websocket-protocol")) {
            add(protocols);
        }
    }
    if (!has_upgrade) {
        // A plain HTTP GET: this listener serves no files (http_dir is not implemented).
        respond_error(404, "Not Found", "plain HTTP request, no http_dir", wire);
        return used;
    }
    if (!has_token(upgrade, "websocket", true)) {
        respond_error(400, "Bad Request", "Upgrade is not websocket", wire);
        return used;
    }
    if (!has_token(connection, "upgrade", true)) {
        respond_error(400, "Bad Request", "Connection does not hold Upgrade", wire);
        return used;
    }
    if (!has_host) {
        respond_error(400, "Bad Request", "no Host", wire);
        return used;
    }
    // RFC 6455 4.4: another version is answered 426 with the versions we speak.
    if (ws_version != "13") {
        respond_error(426, "Upgrade Required", "Sec-WebSocket-Version is not 13", wire,
                      "Sec-WebSocket-Version: 13\r\n");
        return used;
    }
    if (!valid_key(key)) {
        respond_error(400, "Bad Request", "bad Sec-WebSocket-Key", wire);
        return used;
    }
    // "mqtt" is the name MQTT 5.0 6.0 and 3.1.1 6.0 give; "mqttv3.1" is what 3.1 clients
    // offered, which mosquitto also accepts. A client that offers no subprotocol at all is
    // served too (MQTT is all this port speaks); one that offers only others is refused,
    // since answering without a subprotocol would only make it fail the connection.
    if (has_token(protocols, "mqtt", false)) {
        subprotocol_ = "mqtt";
    } else if (has_token(protocols, "mqttv3.1", false)) {
        subprotocol_ = "mqttv3.1";
    } else if (!protocols.empty()) {
        respond_error(400, "Bad Request", "no supported subprotocol (mqtt, mqttv3.1)", wire);
        return used;
    }
    std::string response =
        "HTTP/1.1 101 Switching Protocols\r\n"
        "Upgrade: websocket\r\n"
        "Connection: Upgrade\r\n"
        "Sec-WebSocket-Accept: " +
        accept_value(key) + "\r\n";
    if (!subprotocol_.empty()) response += "Sec-WebSocket-Protocol: " + subprotocol_ + "\r\n";
    response += "\r\n";
    append(wire, response);
    state_ = state::open;
    return used;
}

void server::respond_error(int status, std::string_view text, std::string_view why,
                           std::vector<std::byte>& wire, std::string_view extra_headers) {
    const std::string body = std::string(why) + "\n";
    std::string response = "HTTP/1.1 " + std::to_string(status) + " " + std::string(text) +
                           "\r\nConnection: close\r\nContent-Type: text/plain\r\n"
                           "Content-Length: " +
                           std::to_string(body.size()) + "\r\n" + std::string(extra_headers) +
                           "\r\n" + body;
    append(wire, response);
    request_.clear();
    request_.shrink_to_fit();
    state_ = state::closed;
    reason_ = "WebSocket handshake refused (" + std::to_string(status) + "): " + std::string(why);
}

void server::frames(std::span<const std::byte> bytes, std::vector<std::byte>& mqtt,
                    std::vector<std::byte>& wire) {
    std::size_t i = 0;
    while (i < bytes.size() && state_ == state::open) {
        if (!in_payload_) {
            head_[head_size_++] = static_cast<std::uint8_t>(bytes[i++]);
            if (head_size_ < 2) continue;
            const std::size_t ext = (head_[1] & 0x7F) == 126 ? 2 : (head_[1] & 0x7F) == 127 ? 8 : 0;
            // The first two bytes say most of what is wrong: checked before waiting for more.
            if (head_size_ == 2 && !start_frame(wire)) return;
            if (head_size_ < 2 + ext + 4) continue;
            // The whole header is here: length and mask.
            std::uint64_t length = head_[1] & 0x7F;
            if (ext > 0) {
                length = 0;
                for (std::size_t k = 0; k < ext; ++k) length = (length << 8) | head_[2 + k];
                // RFC 6455 5.2: the most significant bit of a 64-bit length is 0, and the
                // length is in the fewest bytes that hold it.
                if ((ext == 8 && (length >> 63) != 0) || (ext == 2 && length < 126) ||
                    (ext == 8 && length <= 0xFFFF))
                    return fail(close_code::protocol_error, "bad frame length", wire);
            }
            std::copy_n(head_.begin() + static_cast<std::ptrdiff_t>(2 + ext), 4, mask_.begin());
            if (opcode_ < 0x8) {
                if (length > options_.max_message ||
                    message_size_ + length > options_.max_message)
                    return fail(close_code::message_too_big,
                                "WebSocket message over " + std::to_string(options_.max_message) +
                                    " bytes",
                                wire);
                message_size_ += length;
            }
            remaining_ = length;
            offset_ = 0;
            control_size_ = 0;
            in_payload_ = true;
        }
        // Payload: unmasked as it arrives (RFC 6455 5.3), byte j with mask byte j % 4.
        const std::size_t k = static_cast<std::size_t>(
            std::min<std::uint64_t>(remaining_, bytes.size() - i));
        const bool control = opcode_ >= 0x8;
        for (std::size_t j = 0; j < k; ++j) {
            const std::byte b = bytes[i + j] ^ static_cast<std::byte>(mask_[(offset_ + j) & 3]);
            if (control)
                control_[control_size_++] = b;
            else
                mqtt.push_back(b);
        }
        i += k;
        offset_ += k;
        remaining_ -= k;
        if (remaining_ == 0) {
            in_payload_ = false;
            head_size_ = 0;
            if (control) end_control_frame(wire);
            else if (fin_) message_size_ = 0;
        }
    }
}

bool server::start_frame(std::vector<std::byte>& wire) {
    const std::uint8_t b0 = head_[0], b1 = head_[1];
    fin_ = (b0 & 0x80) != 0;
    opcode_ = b0 & 0x0F;
    // RFC 6455 5.2: no extension was negotiated, so the reserved bits are 0.
    if ((b0 & 0x70) != 0) {
        fail(close_code::protocol_error, "reserved bits set", wire);
        return false;
    }
    // RFC 6455 5.1: a server closes the connection on an unmasked client frame.
    if ((b1 & 0x80) == 0) {
        fail(close_code::protocol_error, "unmasked client frame", wire);
        return false;
    }
    switch (opcode_) {
        case op_continuation:
            if (!in_message_) {
                fail(close_code::protocol_error, "continuation frame without a message", wire);
                return false;
            }
            in_message_ = !fin_;
            return true;
        case op_text:
            // MQTT is binary (MQTT 5.0 6.0: "MUST be sent as binary data frames").
            fail(close_code::unsupported_data, "text frame", wire);
            return false;
        case op_binary:
            if (in_message_) {
                fail(close_code::protocol_error, "new message inside a fragmented one", wire);
                return false;
            }
            in_message_ = !fin_;
            message_size_ = 0;
            return true;
        case op_close:
        case op_ping:
        case op_pong:
            // RFC 6455 5.5: control frames are at most 125 bytes and never fragmented.
            if (!fin_ || (b1 & 0x7F) > 125) {
                fail(close_code::protocol_error, "fragmented or long control frame", wire);
                return false;
            }
            return true;
        default:
            fail(close_code::protocol_error, "reserved opcode " + std::to_string(opcode_), wire);
            return false;
    }
}

void server::end_control_frame(std::vector<std::byte>& wire) {
    const std::span<const std::byte> payload(control_.data(), control_size_);
    if (opcode_ == op_ping) {
        // RFC 6455 5.5.2: the pong carries the ping's application data.
        append_frame(op_pong, payload, wire);
    } else if (opcode_ == op_close) {
        // RFC 6455 5.5.1: no payload, or a 2-byte code and a reason.
        if (control_size_ == 1) return fail(close_code::protocol_error, "1-byte close", wire);
        close_at_ = wire.size();
        if (control_size_ == 0) {
            append_frame(op_close, {}, wire);
            reason_ = "WebSocket close from the client";
        } else {
            const auto code = static_cast<std::uint16_t>(
                (std::to_integer<unsigned>(control_[0]) << 8) | std::to_integer<unsigned>(control_[1]));
            if (!valid_close_code(code))
                return fail(close_code::protocol_error,
                            "invalid close code " + std::to_string(code), wire);
            // RFC 6455 5.5.1: the reply usually echoes the code it got.
            append_frame(op_close, payload.first(2), wire);
            reason_ = "WebSocket close from the client (" + std::to_string(code) + ")";
        }
        state_ = state::closed;
    }
    // A pong (unsolicited, as we send no pings) is ignored, as 5.5.3 allows.
}

void server::fail(close_code code, std::string why, std::vector<std::byte>& wire) {
    const auto c = static_cast<std::uint16_t>(code);
    const std::byte payload[2] = {static_cast<std::byte>(c >> 8), static_cast<std::byte>(c & 0xFF)};
    close_at_ = wire.size();
    append_frame(op_close, payload, wire);
    state_ = state::closed;
    reason_ = "WebSocket " + std::to_string(c) + ": " + why;
}

void server::close(close_code code, std::vector<std::byte>& wire) {
    if (state_ != state::open) return;
    const auto c = static_cast<std::uint16_t>(code);
    const std::byte payload[2] = {static_cast<std::byte>(c >> 8), static_cast<std::byte>(c & 0xFF)};
    append_frame(op_close, payload, wire);
    state_ = state::closed;
    reason_ = "closed by the broker";
}

void server::append_binary_header(std::uint64_t size, std::vector<std::byte>& wire) {
    const auto put = [&](std::uint64_t v) { wire.push_back(static_cast<std::byte>(v & 0xFF)); };
    put(0x80 | op_binary);
    if (size < 126) {
        put(size);
    } else if (size <= 0xFFFF) {
        put(126);
        put(size >> 8);
        put(size);
    } else {
        put(127);
        for (int shift = 56; shift >= 0; shift -= 8) put(size >> shift);
    }
}

void server::append_frame(std::uint8_t opcode, std::span<const std::byte> payload,
                          std::vector<std::byte>& wire) {
    const std::size_t at = wire.size();
    append_binary_header(payload.size(), wire);
    wire[at] = static_cast<std::byte>(0x80 | opcode);
    wire.insert(wire.end(), payload.begin(), payload.end());
}

}  // namespace mqttwire::broker::websocket
