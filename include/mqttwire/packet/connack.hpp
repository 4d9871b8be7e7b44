// CONNACK (3.1.1 §3.2, 5.0 §3.2): acknowledge flags, return code (3.x) or reason code (5.0),
// 5.0 properties.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "../properties/properties_view.hpp"
#include "../properties/property_set.hpp"
#include "common.hpp"
#include "reason_tail.hpp"

namespace mqttwire {

/** A CONNACK to encode (server to client). */
struct connack_packet {
    bool session_present = false;
    /** 5.0 reason code; must stay Success when encoding 3.x. */
    reason_code reason = reason_code::success;
    /** 3.x return code; must stay accepted when encoding 5.0. */
    connect_return_code return_code = connect_return_code::accepted;
    connack_properties properties{};
};

/** A CONNACK refusing a CONNECT, and the protocol version to encode it in (see refuse_connect). */
struct connect_refusal {
    protocol_version version;
    connack_packet packet{};
};

/** A decoded CONNACK: `reason` (5.0) or `return_code` (3.x) is filled, the other left at success.
 */
template <byte_like B>
struct connack_view {
    bool session_present = false;
    reason_code reason = reason_code::success;
    connect_return_code return_code = connect_return_code::accepted;
    properties_view<B> properties{};
};

namespace detail {

template <>
inline constexpr bool drops_diagnostics<connack_packet> = true;

/**
 * The CONNACK rules shared by decode and encode.
 * @par Statements
 * 5.0 MQTT-3.2.2-1 (flags bits 7..1 reserved; also held to 0 in 3.x), MQTT-3.2.2-8 (reason
 * codes), 3.1.1 MQTT-3.2.2-4 / 5.0 MQTT-3.2.2-6 (no Session Present with a failure).
 */
[[nodiscard]] constexpr fault check_connack(std::uint8_t flags, std::uint8_t code,
                                            const codec_options& opts, std::size_t at) noexcept {
    if (flags & 0xFEu) return make_fault(errc::connack_reserved_flags_set, at);
    if (const fault f =
            check_reason_code(packet_type::connack, static_cast<reason_code>(code), opts, at + 1))
        return f;
    if ((flags & 0x01u) && code != 0) return make_fault(errc::session_present_with_failure, at);
    return {};
}

template <byte_like B>
[[nodiscard]] constexpr fault decode_connack_into(const B* p, std::size_t n,
                                                  const codec_options& opts,
                                                  connack_view<B>& out) noexcept {
    frame f;
    if (const fault e = open_packet(p, n, packet_type::connack, opts, f)) return e;
    reader<B> r(p, f.header_size, f.size());
    const std::size_t at = r.offset();
    std::uint8_t flags = 0, code = 0;
    if (!r.read_u8(flags) || !r.read_u8(code)) return make_fault(errc::packet_truncated, at);
    if (const fault e = check_connack(flags, code, opts, at)) return e;
    out.session_present = (flags & 0x01u) != 0;
    if (opts.version == protocol_version::v5) {
        out.reason = static_cast<reason_code>(code);
        if (const fault e = read_properties(r, property_context::connack, opts, out.properties))
            return e;
    } else {
        out.return_code = static_cast<connect_return_code>(code);
    }
    if (!r.at_end()) return make_fault(errc::packet_has_trailing_bytes, r.offset());
    return {};
}

template <byte_like B>
[[nodiscard]] constexpr result<connack_view<B>> decode_connack_at(
    const B* p, std::size_t n, const codec_options& opts) noexcept {
    result<connack_view<B>> res(std::in_place);
    if (const fault e = decode_connack_into(p, n, opts, *res))
        result_access::fail(res, to_error(e, opts.version));
    return res;
}

template <class Writer>
MQTTWIRE_ALWAYS_INLINE constexpr void emit_packet(const connack_packet& c,
                                                  const codec_options& opts,
                                                  const encode_plan& plan, Writer& w,
                                                  bool) noexcept {
    write_fixed_header(w, packet_type::connack, plan);
    w.u8(c.session_present ? 1 : 0);
    const bool v5 = opts.version == protocol_version::v5;
    w.u8(v5 ? static_cast<std::uint8_t>(c.reason) : static_cast<std::uint8_t>(c.return_code));
    if (v5) write_properties(w, c.properties, plan.properties);
}

[[nodiscard]] constexpr fault plan_packet(const connack_packet& c, const codec_options& opts,
                                          encode_plan& plan) noexcept {
    if (const fault f = check_direction(packet_type::connack, opts)) return f;
    const bool v5 = opts.version == protocol_version::v5;
    if (v5 ? c.return_code != connect_return_code::accepted : c.reason != reason_code::success)
        return make_fault(errc::not_in_protocol_version, 0);
    const auto code = static_cast<std::uint8_t>(v5 ? static_cast<std::uint8_t>(c.reason)
                                                   : static_cast<std::uint8_t>(c.return_code));
    if (const fault f = check_connack(c.session_present ? 1 : 0, code, opts, 0)) return f;
    if (const fault f =
            measure_properties(c.properties, opts, plan.properties))
        return f;
    if (!v5 && plan.properties != 0) return make_fault(errc::not_in_protocol_version, 0);
    return finish_plan_by_emit(c, opts, plan);
}

}  // namespace detail

/**
 * How a server answers a CONNECT that failed with `failure` (from decode_connect, or from
 * frame_packet on a connection's first packet), given the level the CONNECT declared
 * (declared_protocol_version): a CONNACK to send before closing, or std::nullopt to close
 * without one. Session Present is 0 (3.1.1 MQTT-3.2.2-4, 5.0 MQTT-3.2.2-6).
 * - Level 5: a 5.0 CONNACK with failure's reason code, where Table 3-1 lists it (5.0 §4.13.1:
 *   a server MAY send a CONNACK with the Reason Code before closing).
 * - Level 3 or 4, or one mqttwire does not speak: a 3.x CONNACK with that reason code's
 *   return code (to_connect_return_code), encoded as 3.1 for level 3 and as 3.1.1 otherwise
 *   (3.1.1 MQTT-3.1.2-2 answers an unsupported level with return code 1 in that format). None
 *   when 3.1.1 has no return code for it: a CONNECT that does not conform is closed without a
 *   CONNACK (3.1.1 MQTT-3.1.4-1, MQTT-3.2.2-6).
 * - Nothing declared (not a CONNECT, not that far, not MQTT), or no failure: none.
 */
[[nodiscard]] constexpr std::optional<connect_refusal> refuse_connect(
    const error& failure, std::optional<protocol_version> declared) noexcept {
    if (failure.code == errc::none || !declared) return std::nullopt;
    const reason_code reason = failure.to_reason_code();
    connect_refusal out{.version = protocol_version::v5};
    if (*declared == protocol_version::v5) {
        if (!is_allowed_reason_code(packet_type::connack, reason, protocol_version::v5,
                                    sender::server))
            return std::nullopt;
        out.packet.reason = reason;
        return out;
    }
    const std::optional<connect_return_code> code = to_connect_return_code(reason);
    if (!code) return std::nullopt;
    out.version =
        *declared == protocol_version::v3_1 ? protocol_version::v3_1 : protocol_version::v3_1_1;
    out.packet.return_code = *code;
    return out;
}

/**
 * Decodes a CONNACK (sent by a server). 3.x: Remaining Length 2; return codes 0..5.
 * 5.0: flags, reason code, Property Length + properties.
 */
template <byte_range R>
[[nodiscard]] constexpr result<connack_view<range_byte_t<R>>> decode_connack(
    R&& packet, const codec_options& opts) noexcept {
    const auto s = detail::as_span(packet);
    return detail::decode_connack_at(s.data(), s.size(), opts);
}

}  // namespace mqttwire
