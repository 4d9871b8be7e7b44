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

/** Every option of the codec. The same struct configures encode, decode and framing. */
struct codec_options {
    /** Protocol level in force. CONNECT decoding reads it from the packet instead. */
    protocol_version version = protocol_version::v5;
    /**
     * Who sent (decode) or sends (encode) the packet. Decides which packet types, DISCONNECT
     * reason codes and properties are legal (e.g. only a server's PUBLISH may carry a
     * Subscription Identifier).
     */
    sender from = sender::client;
    /**
     * Largest whole packet accepted or produced (5.0 Maximum Packet Size; a receiver's own
     * limit when decoding, the peer's when encoding). Checked from the fixed header alone.
     */
    std::uint32_t maximum_packet_size = mqttwire::max_packet_size;
    /** SHOULD/MAY relaxations; strict when default-constructed. */
    mqttwire::leniency leniency{};
};

}  // namespace mqttwire
