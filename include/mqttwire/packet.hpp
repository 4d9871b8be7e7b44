// Decode any packet: dispatch on the type nibble to the packet's own decoder.
#pragma once

#include <cstddef>
#include <variant>

#include "packet/auth.hpp"
#include "packet/connack.hpp"
#include "packet/connect.hpp"
#include "packet/disconnect.hpp"
#include "packet/ping.hpp"
#include "packet/pub_ack.hpp"
#include "packet/publish.hpp"
#include "packet/suback.hpp"
#include "packet/subscribe.hpp"

namespace mqttwire {

/** Any decoded packet; the alternative index is the packet type minus one. */
template <byte_like B>
using packet_view = std::variant<connect_view<B>, connack_view<B>, publish_view<B>, puback_view<B>,
                                 pubrec_view<B>, pubrel_view<B>, pubcomp_view<B>, subscribe_view<B>,
                                 suback_view<B>, unsubscribe_view<B>, unsuback_view<B>,
                                 pingreq_view, pingresp_view, disconnect_view<B>, auth_view<B>>;

/** Packet type of a decoded packet. */
template <byte_like B>
[[nodiscard]] constexpr packet_type type_of(const packet_view<B>& packet) noexcept {
    return static_cast<packet_type>(packet.index() + 1);
}

namespace detail {

template <byte_like B>
[[nodiscard]] constexpr result<packet_view<B>> decode_any_at(const B* p, std::size_t n,
                                                             const codec_options& opts) noexcept {
    if (n == 0) return to_error(make_fault(errc::packet_incomplete, 0), opts.version);
    const auto lift = [](const auto& r) -> result<packet_view<B>> {
        if (!r) return r.error();
        return packet_view<B>(*r);
    };
    switch (static_cast<packet_type>(to_u8(p[0]) >> 4)) {
        case packet_type::connect: return lift(decode_connect_at(p, n, opts));
        case packet_type::connack: return lift(decode_connack_at(p, n, opts));
        case packet_type::publish: return lift(decode_publish_at(p, n, opts));
        case packet_type::puback: return lift(decode_pub_ack_at<packet_type::puback>(p, n, opts));
        case packet_type::pubrec: return lift(decode_pub_ack_at<packet_type::pubrec>(p, n, opts));
        case packet_type::pubrel: return lift(decode_pub_ack_at<packet_type::pubrel>(p, n, opts));
        case packet_type::pubcomp: return lift(decode_pub_ack_at<packet_type::pubcomp>(p, n, opts));
        case packet_type::subscribe:
            return lift(decode_filters_at<B, true, subscribe_view<B>>(p, n, opts));
        case packet_type::suback:
            return lift(decode_sub_ack_at<B, packet_type::suback, suback_view<B>>(p, n, opts));
        case packet_type::unsubscribe:
            return lift(decode_filters_at<B, false, unsubscribe_view<B>>(p, n, opts));
        case packet_type::unsuback:
            return lift(decode_sub_ack_at<B, packet_type::unsuback, unsuback_view<B>>(p, n, opts));
        case packet_type::pingreq:
            return lift(decode_empty_at<pingreq_view>(p, n, packet_type::pingreq, opts));
        case packet_type::pingresp:
            return lift(decode_empty_at<pingresp_view>(p, n, packet_type::pingresp, opts));
        case packet_type::disconnect: return lift(decode_disconnect_at(p, n, opts));
        case packet_type::auth:
            if (opts.version == protocol_version::v5) return lift(decode_auth_at(p, n, opts));
            break;
        case packet_type::reserved: break;
    }
    return to_error(make_fault(errc::packet_type_invalid, 0), opts.version);
}

}  // namespace detail

/**
 * Decodes the complete packet at the front of `packet`, whatever its type, sent by `opts.from`
 * under `opts.version`. Use frame_packet first on a stream; after a CONNECT, set
 * `opts.version` to the version it carries. The view borrows from `packet`.
 */
template <byte_range R>
[[nodiscard]] constexpr result<packet_view<range_byte_t<R>>> decode(
    R&& packet, const codec_options& opts = {}) noexcept {
    const auto s = detail::as_span(packet);
    return detail::decode_any_at(s.data(), s.size(), opts);
}

}  // namespace mqttwire
