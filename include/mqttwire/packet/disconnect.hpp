// DISCONNECT (3.1.1 §3.14, 5.0 §3.14): empty before 5.0; then a Reason Code and properties,
// each omittable, with codes that depend on which side sends it.
#pragma once

#include <cstddef>

#include "reason_tail.hpp"

namespace mqttwire {

/** A DISCONNECT to encode. 3.x: client only, no reason code, no properties. */
struct disconnect_packet {
    reason_code reason = normal_disconnection;
    disconnect_properties properties{};
};

/** A decoded DISCONNECT. */
template <byte_like B>
struct disconnect_view {
    reason_code reason = normal_disconnection;
    properties_view<B> properties{};
};

namespace detail {

template <>
inline constexpr bool drops_diagnostics<disconnect_packet> = true;

template <byte_like B>
[[nodiscard]] constexpr fault decode_disconnect_into(const B* p, std::size_t n,
                                                     const codec_options& opts,
                                                     disconnect_view<B>& out) noexcept {
    frame f;
    if (const fault e = open_packet(p, n, packet_type::disconnect, opts, f)) return e;
    reader<B> r(p, f.header_size, f.size());
    fault e;
    if (opts.version != protocol_version::v5) {
        if (!r.at_end()) e = make_fault(errc::packet_has_trailing_bytes, r.offset());
    } else {
        e = read_reason_tail(r, packet_type::disconnect, property_context::disconnect, opts,
                             out.reason, out.properties);
    }
    return e;
}

template <byte_like B>
[[nodiscard]] constexpr result<disconnect_view<B>> decode_disconnect_at(
    const B* p, std::size_t n, const codec_options& opts) noexcept {
    result<disconnect_view<B>> res(std::in_place);
    if (const fault e = decode_disconnect_into(p, n, opts, *res))
        result_access::fail(res, to_error(e, opts.version));
    return res;
}

template <class Writer>
MQTTWIRE_ALWAYS_INLINE constexpr void emit_packet(const disconnect_packet& d,
                                                  const codec_options& opts,
                                                  const encode_plan& plan, Writer& w,
                                                  bool) noexcept {
    write_fixed_header(w, packet_type::disconnect, plan);
    write_reason_tail(w, d.reason, d.properties, opts, plan);
}

[[nodiscard]] constexpr fault plan_packet(const disconnect_packet& d, const codec_options& opts,
                                          encode_plan& plan) noexcept {
    if (!may_send(packet_type::disconnect, opts.from, opts.version))
        return make_fault(errc::packet_not_allowed_from_sender, 0);
    if (const fault f = plan_reason_tail(packet_type::disconnect, d.reason, d.properties,
                                         opts, plan))
        return f;
    return finish_plan_by_emit(d, opts, plan);
}

}  // namespace detail

/**
 * Decodes a DISCONNECT sent by `opts.from`.
 * @par Statements
 * MQTT-3.14.1-1 (flags), 5.0 MQTT-3.14.2-1 (reason codes; a code reserved to the other side is
 * errc::reason_code_not_for_sender), MQTT-3.14.2-2 (no Session Expiry Interval from a server).
 */
template <byte_range R>
[[nodiscard]] constexpr result<disconnect_view<range_byte_t<R>>> decode_disconnect(
    R&& packet, const codec_options& opts) noexcept {
    const auto s = detail::as_span(packet);
    return detail::decode_disconnect_at(s.data(), s.size(), opts);
}

}  // namespace mqttwire
