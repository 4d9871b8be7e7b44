// AUTH (5.0 §3.15): enhanced authentication exchange; Reason Code and properties omittable.
#pragma once

#include <cstddef>

#include "reason_tail.hpp"

namespace mqttwire {

/** An AUTH to encode (5.0 only, either side). */
struct auth_packet {
    reason_code reason = reason_code::success;
    auth_properties properties{};
};

/** A decoded AUTH. */
template <byte_like B>
struct auth_view {
    reason_code reason = reason_code::success;
    properties_view<B> properties{};
};

namespace detail {

template <>
inline constexpr bool drops_diagnostics<auth_packet> = true;

template <byte_like B>
[[nodiscard]] constexpr fault decode_auth_into(const B* p, std::size_t n, const codec_options& opts,
                                               auth_view<B>& out) noexcept {
    frame f;
    if (const fault e = open_packet(p, n, packet_type::auth, opts, f)) return e;
    reader<B> r(p, f.header_size, f.size());
    if (const fault e = read_reason_tail(r, packet_type::auth, property_context::auth, opts,
                                         out.reason, out.properties))
        return e;
    return {};
}

template <byte_like B>
[[nodiscard]] constexpr result<auth_view<B>> decode_auth_at(const B* p, std::size_t n,
                                                            const codec_options& opts) noexcept {
    result<auth_view<B>> res(std::in_place);
    if (const fault e = decode_auth_into(p, n, opts, *res))
        result_access::fail(res, to_error(e, opts.version));
    return res;
}

template <class Writer>
MQTTWIRE_ALWAYS_INLINE constexpr void emit_packet(const auth_packet& a, const codec_options& opts,
                                                  const encode_plan& plan, Writer& w,
                                                  bool) noexcept {
    write_fixed_header(w, packet_type::auth, plan);
    write_reason_tail(w, a.reason, a.properties, opts, plan);
}

[[nodiscard]] constexpr fault plan_packet(const auth_packet& a, const codec_options& opts,
                                          encode_plan& plan) noexcept {
    if (opts.version != protocol_version::v5) return make_fault(errc::not_in_protocol_version, 0);
    if (const fault f = plan_reason_tail(packet_type::auth, a.reason, a.properties, opts, plan))
        return f;
    return finish_plan_by_emit(a, opts, plan);
}

}  // namespace detail

/**
 * Decodes an AUTH (5.0 only; type 15 before 5.0 is errc::packet_type_invalid).
 * @par Statements
 * MQTT-3.15.1-1 (flags), MQTT-3.15.2-1 (reason codes 0x00, 0x18, 0x19); Authentication Data
 * without Authentication Method is a Protocol Error.
 */
template <byte_range R>
[[nodiscard]] constexpr result<auth_view<range_byte_t<R>>> decode_auth(
    R&& packet, const codec_options& opts) noexcept {
    const auto s = detail::as_span(packet);
    return detail::decode_auth_at(s.data(), s.size(), opts);
}

}  // namespace mqttwire
