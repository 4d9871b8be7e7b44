// SUBACK and UNSUBACK (3.1.1 §3.9, §3.11; 5.0 §3.9, §3.11): the server's answers, one reason
// code per requested filter (UNSUBACK has none before 5.0).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "../properties/properties_view.hpp"
#include "../properties/property_set.hpp"
#include "common.hpp"
#include "ranges.hpp"
#include "reason_tail.hpp"

namespace mqttwire {

/** A SUBACK to encode: one code per filter (granted QoS 0..2 or a failure). */
struct suback_packet {
    std::uint16_t packet_id = 0;
    std::span<const reason_code> reason_codes{};
    ack_properties properties{};
};

/** A decoded SUBACK. */
template <byte_like B>
struct suback_view {
    std::uint16_t packet_id = 0;
    properties_view<B> properties{};
    reason_code_range<B> reason_codes{};
};

/** An UNSUBACK to encode; `reason_codes` must be empty before 5.0. */
struct unsuback_packet {
    std::uint16_t packet_id = 0;
    std::span<const reason_code> reason_codes{};
    ack_properties properties{};
};

/** A decoded UNSUBACK; `reason_codes` is empty before 5.0. */
template <byte_like B>
struct unsuback_view {
    std::uint16_t packet_id = 0;
    properties_view<B> properties{};
    reason_code_range<B> reason_codes{};
};

namespace detail {

template <>
inline constexpr bool drops_diagnostics<suback_packet> = true;
template <>
inline constexpr bool drops_diagnostics<unsuback_packet> = true;

template <byte_like B, packet_type Type, class View>
[[nodiscard]] constexpr fault decode_sub_ack_into(const B* p, std::size_t n,
                                                  const codec_options& opts, View& out) noexcept {
    frame f;
    if (const fault e = open_packet(p, n, Type, opts, f)) return e;
    reader<B> r(p, f.header_size, f.size());
    fault e = read_packet_id(r, out.packet_id, opts, true);
    if (!e && opts.version == protocol_version::v5)
        e = read_properties(r, property_context::ack, opts, out.properties);
    if (e) return e;
    const bool has_codes = Type == packet_type::suback || opts.version == protocol_version::v5;
    if (!has_codes) {
        if (!r.at_end()) return make_fault(errc::packet_has_trailing_bytes, r.offset());
        return {};
    }
    const std::size_t first = r.offset();
    const std::span<const B> codes = r.rest();
    if (codes.empty()) return make_fault(errc::ack_without_reason_codes, first);
    for (std::size_t i = 0; i < codes.size(); ++i) {
        const auto code = static_cast<reason_code>(to_u8(codes[i]));
        if (const fault bad = check_reason_code(Type, code, opts, first + i)) return bad;
    }
    out.reason_codes = reason_code_range<B>(codes);
    return {};
}

template <byte_like B, packet_type Type, class View>
[[nodiscard]] constexpr result<View> decode_sub_ack_at(const B* p, std::size_t n,
                                                       const codec_options& opts) noexcept {
    result<View> res(std::in_place);
    if (const fault e = decode_sub_ack_into<B, Type, View>(p, n, opts, *res))
        result_access::fail(res, to_error(e, opts.version));
    return res;
}

template <packet_type Type, class Ack, class Writer>
MQTTWIRE_ALWAYS_INLINE constexpr void emit_sub_ack(const Ack& a, const codec_options& opts,
                                                   const encode_plan& plan,
                                                   Writer& w) noexcept {
    write_fixed_header(w, Type, plan);
    w.u16(a.packet_id);
    if (opts.version == protocol_version::v5) write_properties(w, a.properties, plan.properties);
    for (reason_code code : a.reason_codes) w.u8(static_cast<std::uint8_t>(code));
}

template <class Writer>
MQTTWIRE_ALWAYS_INLINE constexpr void emit_packet(const suback_packet& a, const codec_options& opts,
                                                  const encode_plan& plan, Writer& w,
                                                  bool) noexcept {
    emit_sub_ack<packet_type::suback>(a, opts, plan, w);
}

template <class Writer>
MQTTWIRE_ALWAYS_INLINE constexpr void emit_packet(const unsuback_packet& a,
                                                  const codec_options& opts,
                                                  const encode_plan& plan, Writer& w,
                                                  bool) noexcept {
    emit_sub_ack<packet_type::unsuback>(a, opts, plan, w);
}

template <packet_type Type, class Ack>
[[nodiscard]] constexpr fault plan_sub_ack(const Ack& a, const codec_options& opts,
                                           encode_plan& plan) noexcept {
    if (const fault f = check_direction(Type, opts)) return f;
    if (a.packet_id == 0)
        return make_fault(errc::packet_identifier_zero, 0, statement_site::not_numbered);
    if (const fault f =
            measure_properties(a.properties, opts, plan.properties))
        return f;
    const bool v5 = opts.version == protocol_version::v5;
    if (!v5 && plan.properties != 0) return make_fault(errc::not_in_protocol_version, 0);
    const bool has_codes = Type == packet_type::suback || v5;
    if (!has_codes && !a.reason_codes.empty()) return make_fault(errc::not_in_protocol_version, 0);
    if (has_codes && a.reason_codes.empty()) return make_fault(errc::ack_without_reason_codes, 0);
    for (reason_code code : a.reason_codes)
        if (const fault f = check_reason_code(Type, code, opts, 0)) return f;
    return finish_plan_by_emit(a, opts, plan);
}

[[nodiscard]] constexpr fault plan_packet(const suback_packet& a, const codec_options& opts,
                                          encode_plan& plan) noexcept {
    return plan_sub_ack<packet_type::suback>(a, opts, plan);
}
[[nodiscard]] constexpr fault plan_packet(const unsuback_packet& a, const codec_options& opts,
                                          encode_plan& plan) noexcept {
    return plan_sub_ack<packet_type::unsuback>(a, opts, plan);
}

}  // namespace detail

/**
 * Decodes a SUBACK (sent by a server).
 * @par Statements
 * MQTT-3.9.3-2 (allowed codes: 3.x 0x00..0x02 and 0x80; 5.0 the Subscribe Reason Codes);
 * at least one code, since a SUBSCRIBE carries at least one filter.
 */
template <byte_range R>
[[nodiscard]] constexpr result<suback_view<range_byte_t<R>>> decode_suback(
    R&& packet, const codec_options& opts) noexcept {
    using B = range_byte_t<R>;
    const auto s = detail::as_span(packet);
    return detail::decode_sub_ack_at<B, packet_type::suback, suback_view<B>>(s.data(), s.size(),
                                                                             opts);
}

/**
 * Decodes an UNSUBACK (sent by a server). 3.x: Remaining Length 2. 5.0: identifier, properties
 * and one Unsubscribe Reason Code per filter (MQTT-3.11.3-2).
 */
template <byte_range R>
[[nodiscard]] constexpr result<unsuback_view<range_byte_t<R>>> decode_unsuback(
    R&& packet, const codec_options& opts) noexcept {
    using B = range_byte_t<R>;
    const auto s = detail::as_span(packet);
    return detail::decode_sub_ack_at<B, packet_type::unsuback, unsuback_view<B>>(s.data(), s.size(),
                                                                                 opts);
}

}  // namespace mqttwire
