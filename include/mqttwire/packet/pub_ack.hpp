// PUBACK, PUBREC, PUBREL and PUBCOMP (3.1.1 §3.4–3.7, 5.0 §3.4–3.7): one layout, four types.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "reason_tail.hpp"

namespace mqttwire {

/** An acknowledgement of the QoS 1/2 flows to encode; `Type` is PUBACK, PUBREC, PUBREL or PUBCOMP.
 */
template <packet_type Type>
struct basic_pub_ack {
    std::uint16_t packet_id = 0;
    /** 5.0 only; 3.x acks carry no reason code and must leave it Success. */
    reason_code reason = reason_code::success;
    ack_properties properties{};
};

using puback_packet = basic_pub_ack<packet_type::puback>;
using pubrec_packet = basic_pub_ack<packet_type::pubrec>;
using pubrel_packet = basic_pub_ack<packet_type::pubrel>;
using pubcomp_packet = basic_pub_ack<packet_type::pubcomp>;

/** A decoded PUBACK, PUBREC, PUBREL or PUBCOMP. */
template <byte_like B, packet_type Type>
struct basic_pub_ack_view {
    static constexpr packet_type type = Type;
    std::uint16_t packet_id = 0;
    reason_code reason = reason_code::success;
    properties_view<B> properties{};
};

template <byte_like B>
using puback_view = basic_pub_ack_view<B, packet_type::puback>;
template <byte_like B>
using pubrec_view = basic_pub_ack_view<B, packet_type::pubrec>;
template <byte_like B>
using pubrel_view = basic_pub_ack_view<B, packet_type::pubrel>;
template <byte_like B>
using pubcomp_view = basic_pub_ack_view<B, packet_type::pubcomp>;

namespace detail {

template <packet_type Type>
inline constexpr bool drops_diagnostics<basic_pub_ack<Type>> = true;

/**
 * The body the four acks share, with the type as an argument: forced inline at -O2 (each
 * decoder folds its own type in), one copy for all four under -Os (config.hpp).
 */
template <byte_like B>
[[nodiscard]] MQTTWIRE_ALWAYS_INLINE constexpr fault decode_pub_ack_fields(
    const B* p, std::size_t n, packet_type type, const codec_options& opts,
    std::uint16_t& packet_id, reason_code& reason, properties_view<B>& properties) noexcept {
    frame f;
    if (const fault e = open_packet(p, n, type, opts, f)) return e;
    reader<B> r(p, f.header_size, f.size());
    fault e = read_packet_id(r, packet_id, opts, true);
    if (!e && opts.version != protocol_version::v5 && !r.at_end())
        e = make_fault(errc::packet_has_trailing_bytes, r.offset());  // Remaining Length is 2
    if (!e && opts.version == protocol_version::v5)
        e = read_reason_tail(r, type, property_context::ack, opts, reason, properties);
    return e;
}

template <packet_type Type, byte_like B>
[[nodiscard]] MQTTWIRE_ALWAYS_INLINE constexpr fault decode_pub_ack_into(
    const B* p, std::size_t n, const codec_options& opts,
    basic_pub_ack_view<B, Type>& out) noexcept {
    return decode_pub_ack_fields(p, n, Type, opts, out.packet_id, out.reason, out.properties);
}

template <packet_type Type, byte_like B>
[[nodiscard]] constexpr result<basic_pub_ack_view<B, Type>> decode_pub_ack_at(
    const B* p, std::size_t n, const codec_options& opts) noexcept {
    result<basic_pub_ack_view<B, Type>> res(std::in_place);
    if (const fault e = decode_pub_ack_into<Type>(p, n, opts, *res))
        result_access::fail(res, to_error(e, opts.version));
    return res;
}

template <packet_type Type, class Writer>
MQTTWIRE_ALWAYS_INLINE constexpr void emit_packet(const basic_pub_ack<Type>& a,
                                                  const codec_options& opts,
                                                  const encode_plan& plan, Writer& w,
                                                  bool) noexcept {
    write_fixed_header(w, Type, plan);
    w.u16(a.packet_id);
    write_reason_tail(w, a.reason, a.properties, opts, plan);
}

template <packet_type Type>
[[nodiscard]] constexpr fault plan_packet(const basic_pub_ack<Type>& a, const codec_options& opts,
                                          encode_plan& plan) noexcept {
    if (a.packet_id == 0)
        return make_fault(errc::packet_identifier_zero, 0, statement_site::not_numbered);
    plan.flags = Type == packet_type::pubrel ? 0x2 : 0x0;
    if (const fault f =
            plan_reason_tail(Type, a.reason, a.properties, opts, plan))
        return f;
    return finish_plan_by_emit(a, opts, plan);
}

}  // namespace detail

/**
 * Decodes a PUBACK. 3.x: Remaining Length 2 (Packet Identifier). 5.0: identifier, then the
 * Reason Code and properties, each omittable (Remaining Length 2, 3 or ≥ 4).
 * @par Statements
 * MQTT-3.4.2-1 (5.0 reason codes); identifier 0 is rejected (it can match no PUBLISH).
 */
template <byte_range R>
[[nodiscard]] constexpr auto decode_puback(R&& packet, const codec_options& opts) noexcept {
    const auto s = detail::as_span(packet);
    return detail::decode_pub_ack_at<packet_type::puback>(s.data(), s.size(), opts);
}
/** Decodes a PUBREC; as decode_puback (MQTT-3.5.2-1). */
template <byte_range R>
[[nodiscard]] constexpr auto decode_pubrec(R&& packet, const codec_options& opts) noexcept {
    const auto s = detail::as_span(packet);
    return detail::decode_pub_ack_at<packet_type::pubrec>(s.data(), s.size(), opts);
}
/** Decodes a PUBREL; flags must be 0010 (MQTT-3.6.1-1), reason codes per MQTT-3.6.2-1. */
template <byte_range R>
[[nodiscard]] constexpr auto decode_pubrel(R&& packet, const codec_options& opts) noexcept {
    const auto s = detail::as_span(packet);
    return detail::decode_pub_ack_at<packet_type::pubrel>(s.data(), s.size(), opts);
}
/** Decodes a PUBCOMP; as decode_puback (MQTT-3.7.2-1). */
template <byte_range R>
[[nodiscard]] constexpr auto decode_pubcomp(R&& packet, const codec_options& opts) noexcept {
    const auto s = detail::as_span(packet);
    return detail::decode_pub_ack_at<packet_type::pubcomp>(s.data(), s.size(), opts);
}

}  // namespace mqttwire
