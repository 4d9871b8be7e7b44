// The options every encode, decode and framing call takes: one struct, so the encoder and the
// decoder are always configured with the same rules.
#pragma once

#include <cstdint>

#include "protocol.hpp"

namespace mqttwire {

/**
 * Opt-in relaxations of SHOULD / MAY rules, each named for what it lets through. Framing,
 * length and bounds rules are never relaxable.
 */
struct leniency {
    /**
     * Accept C0 (U+0001..U+001F) and C1 (U+007F..U+009F) control characters in UTF-8 strings.
     * The spec says senders SHOULD NOT use them and a receiver MAY treat them as malformed
     * (3.1.1 §1.5.3, 5.0 §1.5.4); strict mode rejects them, as Mosquitto does. Risk: control
     * characters in topics and client ids reach logs and terminals.
     */
    bool allow_control_characters = false;
    /**
     * Accept Unicode noncharacters (U+FDD0..U+FDEF, U+xFFFE, U+xFFFF). Same SHOULD NOT / MAY as
     * control characters. Risk: such strings may be rejected by other peers downstream.
     */
    bool allow_noncharacters = false;

    friend constexpr bool operator==(const leniency&, const leniency&) = default;
};

/**
 * A setting the caller must choose: it has no default constructor, so an aggregate that holds
 * one cannot be built without naming its value (`codec_options{}` does not compile). It
 * converts to and from `T` implicitly and costs nothing: it is `T` with the default removed.
 */
template <class T>
struct required {
    /** Public so that the holder stays a structural type (usable as a template argument). */
    T value;

    required() = delete;  // no default: name it, e.g. codec_options{.version = ..., .from = ...}
    constexpr required(T chosen) noexcept : value(chosen) {}
    constexpr operator T() const noexcept { return value; }
};

/**
 * Every option of the codec. The same struct configures encode, decode and framing. The
 * version and the sender have no default: a wrong one does not fail loudly (a 3.1.1 PUBLISH
 * read as 5.0 takes its first payload byte for a Property Length; a client's rules applied to
 * a server's packet reject valid packets and let forbidden ones through), so both are named in
 * every `codec_options{.version = ..., .from = ...}`. Before CONNECT, use `before_connect`.
 */
struct codec_options {
    /** Protocol level in force. CONNECT decoding reads it from the packet instead. */
    required<protocol_version> version;
    /**
     * Who sent (decode) or sends (encode) the packet. Decides which packet types, DISCONNECT
     * reason codes and properties are legal (e.g. only a server's PUBLISH may carry a
     * Subscription Identifier).
     */
    required<sender> from;
    /**
     * Largest whole packet accepted or produced (5.0 Maximum Packet Size; a receiver's own
     * limit when decoding, the peer's when encoding). Checked from the fixed header alone.
     */
    std::uint32_t maximum_packet_size = mqttwire::max_packet_size;
    /** SHOULD/MAY relaxations; strict when default-constructed. */
    mqttwire::leniency leniency{};
};

/**
 * The options of a server's first read on a connection, before it knows the version: frame
 * the packet and decode it with `decode_connect` (or `decode`), which take the version from
 * the packet itself. Until the protocol level is read, errors (a broken fixed header, a bad
 * protocol name) are numbered in 5.0, the newest level, and framing lets an AUTH header
 * through, which is not a CONNECT either. Copy it to set `maximum_packet_size` or `leniency`;
 * afterwards use `codec_options{.version = connect->version, .from = sender::client}`.
 */
inline constexpr codec_options before_connect{.version = protocol_version::v5,
                                              .from = sender::client};

}  // namespace mqttwire
