// Decode any packet: dispatch on the type nibble to the packet's own decoder.
#pragma once

#include <cstddef>
#include <variant>

#include "packet/auth.hpp"
#include "packet/connack.hpp"
#include "packet/connect.hpp"
#include "packet/disconnect.hpp"
#include "packet/forward.hpp"
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

/**
 * Decodes into alternative I of the variant where it lies in the result: `into(view)` fills a
 * default-initialised view in place (no zeroing, no copy) and returns the fault, numbered in
 * `version` as it stands afterwards (CONNECT sets it from the packet).
 */
template <std::size_t I, byte_like B, class Into>
[[nodiscard]] MQTTWIRE_ALWAYS_INLINE constexpr result<packet_view<B>> decode_alternative(
    Into into, const required<protocol_version>& version) noexcept {
    using view = std::variant_alternative_t<I, packet_view<B>>;
    fault failure{};
    result<packet_view<B>> res(std::in_place, std::in_place_index<I>,
                               build_in_place<view>(into, &failure));
    if (failure) result_access::fail(res, to_error(failure, version));
    return res;
}

template <byte_like B>
[[nodiscard]] constexpr result<packet_view<B>> decode_any_at(const B* p, std::size_t n,
                                                             const codec_options& opts) noexcept {
    if (n == 0) return to_error(make_fault(errc::packet_incomplete, 0), opts.version);
    // Decoders of other headers, that return a result of their own, are lifted (one copy).
    const auto lift = [](const auto& r) -> result<packet_view<B>> {
        if (!r) return r.error();
        return packet_view<B>(*r);
    };
    const auto in_place = [&](auto index, auto into) {
        return decode_alternative<decltype(index)::value, B>(
            [&](auto& view) { return into(p, n, opts, view); }, opts.version);
    };
    using pt = packet_type;
    switch (static_cast<packet_type>(to_u8(p[0]) >> 4)) {
        case pt::connect: {
            codec_options o = opts;  // takes the packet's version
            return decode_alternative<0, B>(
                [&](connect_view<B>& v) { return decode_connect_into(p, n, o, v); }, o.version);
        }
        case pt::connack:
            return in_place(std::integral_constant<std::size_t, 1>{},
                            [](auto&&... a) { return decode_connack_into(a...); });
        case pt::publish:
            return in_place(std::integral_constant<std::size_t, 2>{},
                            [](auto&&... a) { return decode_publish_into(a...); });
        case pt::puback:
            return in_place(std::integral_constant<std::size_t, 3>{},
                            [](auto&&... a) { return decode_pub_ack_into<pt::puback>(a...); });
        case pt::pubrec:
            return in_place(std::integral_constant<std::size_t, 4>{},
                            [](auto&&... a) { return decode_pub_ack_into<pt::pubrec>(a...); });
        case pt::pubrel:
            return in_place(std::integral_constant<std::size_t, 5>{},
                            [](auto&&... a) { return decode_pub_ack_into<pt::pubrel>(a...); });
        case pt::pubcomp:
            return in_place(std::integral_constant<std::size_t, 6>{},
                            [](auto&&... a) { return decode_pub_ack_into<pt::pubcomp>(a...); });
        case pt::subscribe: return lift(decode_filters_at<B, true, subscribe_view<B>>(p, n, opts));
        case pt::suback:
            return in_place(std::integral_constant<std::size_t, 8>{}, [](auto&&... a) {
                return decode_sub_ack_into<B, pt::suback, suback_view<B>>(a...);
            });
        case pt::unsubscribe:
            return lift(decode_filters_at<B, false, unsubscribe_view<B>>(p, n, opts));
        case pt::unsuback:
            return in_place(std::integral_constant<std::size_t, 10>{}, [](auto&&... a) {
                return decode_sub_ack_into<B, pt::unsuback, unsuback_view<B>>(a...);
            });
        case pt::pingreq: return lift(decode_empty_at<pingreq_view>(p, n, pt::pingreq, opts));
        case pt::pingresp: return lift(decode_empty_at<pingresp_view>(p, n, pt::pingresp, opts));
        case pt::disconnect:
            return in_place(std::integral_constant<std::size_t, 13>{},
                            [](auto&&... a) { return decode_disconnect_into(a...); });
        case pt::auth:
            if (opts.version == protocol_version::v5) {
                return in_place(std::integral_constant<std::size_t, 14>{},
                                [](auto&&... a) { return decode_auth_into(a...); });
            }
            break;
        case pt::reserved: break;
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
    R&& packet, const codec_options& opts) noexcept {
    const auto s = detail::as_span(packet);
    return detail::decode_any_at(s.data(), s.size(), opts);
}

}  // namespace mqttwire
