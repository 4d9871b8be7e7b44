// PINGREQ and PINGRESP (3.1.1 §3.12–3.13, 5.0 §3.12–3.13): a fixed header and nothing else.
#pragma once

#include <cstddef>

#include "common.hpp"

namespace mqttwire {

/** PINGREQ to encode (client to server). */
struct pingreq_packet {};
/** PINGRESP to encode (server to client). */
struct pingresp_packet {};

/** A decoded PINGREQ. */
struct pingreq_view {};
/** A decoded PINGRESP. */
struct pingresp_view {};

namespace detail {

template <class View, byte_like B>
[[nodiscard]] MQTTWIRE_ALWAYS_INLINE constexpr result<View> decode_empty_at(
    const B* p, std::size_t n, packet_type type, const codec_options& opts) noexcept {
    frame f;
    if (const fault e = open_packet(p, n, type, opts, f)) return to_error(e, opts.version);
    if (f.remaining_length != 0)  // Remaining Length is 0 by definition
        return to_error(make_fault(errc::packet_has_trailing_bytes, f.header_size), opts.version);
    return View{};
}

template <class Writer>
MQTTWIRE_ALWAYS_INLINE constexpr void emit_packet(const pingreq_packet&, const codec_options&,
                                                  const encode_plan& plan, Writer& w,
                                                  bool) noexcept {
    write_fixed_header(w, packet_type::pingreq, plan);
}

template <class Writer>
MQTTWIRE_ALWAYS_INLINE constexpr void emit_packet(const pingresp_packet&, const codec_options&,
                                                  const encode_plan& plan, Writer& w,
                                                  bool) noexcept {
    write_fixed_header(w, packet_type::pingresp, plan);
}

[[nodiscard]] constexpr fault plan_packet(const pingreq_packet& p, const codec_options& opts,
                                          encode_plan& plan) noexcept {
    if (opts.from != sender::client) return make_fault(errc::packet_not_allowed_from_sender, 0);
    return finish_plan_by_emit(p, opts, plan);
}
[[nodiscard]] constexpr fault plan_packet(const pingresp_packet& p, const codec_options& opts,
                                          encode_plan& plan) noexcept {
    if (opts.from != sender::server) return make_fault(errc::packet_not_allowed_from_sender, 0);
    return finish_plan_by_emit(p, opts, plan);
}

}  // namespace detail

/** Decodes a PINGREQ: `C0 00`; anything after the header is malformed. */
template <byte_range R>
[[nodiscard]] constexpr result<pingreq_view> decode_pingreq(
    R&& packet, const codec_options& opts) noexcept {
    const auto s = detail::as_span(packet);
    return detail::decode_empty_at<pingreq_view>(s.data(), s.size(), packet_type::pingreq, opts);
}

/** Decodes a PINGRESP: `D0 00`. */
template <byte_range R>
[[nodiscard]] constexpr result<pingresp_view> decode_pingresp(
    R&& packet, const codec_options& opts) noexcept {
    const auto s = detail::as_span(packet);
    return detail::decode_empty_at<pingresp_view>(s.data(), s.size(), packet_type::pingresp, opts);
}

}  // namespace mqttwire
