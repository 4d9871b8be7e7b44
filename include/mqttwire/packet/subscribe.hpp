// SUBSCRIBE and UNSUBSCRIBE (3.1.1 §3.8, §3.10; 5.0 §3.8, §3.10): a packet identifier, 5.0
// properties, and at least one topic filter (with options, for SUBSCRIBE).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "../properties/properties_view.hpp"
#include "../properties/property_set.hpp"
#include "../rules/topic.hpp"
#include "common.hpp"
#include "ranges.hpp"

namespace mqttwire {

/** One subscription to request. No Local, Retain As Published and Retain Handling are 5.0 only. */
struct subscription {
    std::string_view topic_filter{};
    qos max_qos = qos::at_most_once;
    bool no_local = false;
    bool retain_as_published = false;
    retain_handling retain = retain_handling::send_on_subscribe;
};

/** A SUBSCRIBE to encode (client to server). */
struct subscribe_packet {
    std::uint16_t packet_id = 0;
    std::span<const subscription> subscriptions{};
    subscribe_properties properties{};
};

/** A decoded SUBSCRIBE; `subscriptions` iterates the validated pairs in wire order. */
template <byte_like B>
struct subscribe_view {
    std::uint16_t packet_id = 0;
    properties_view<B> properties{};
    subscription_range<B> subscriptions{};
};

/** An UNSUBSCRIBE to encode (client to server). */
struct unsubscribe_packet {
    std::uint16_t packet_id = 0;
    std::span<const std::string_view> topic_filters{};
    unsubscribe_properties properties{};
};

/** A decoded UNSUBSCRIBE. */
template <byte_like B>
struct unsubscribe_view {
    std::uint16_t packet_id = 0;
    properties_view<B> properties{};
    topic_filter_range<B> topic_filters{};
};

namespace detail {

/**
 * The Subscription Options byte rule, shared by decode and encode.
 * @par Statements
 * 3.1.1 MQTT-3.8.3-4 (reserved bits, Requested QoS 3: malformed); 5.0 MQTT-3.8.3-5 (bits
 * 7..6), MQTT-3.8.3-4 (No Local on a shared subscription), §3.8.3.1 (Maximum QoS 3 and Retain
 * Handling 3 are Protocol Errors). QoS 3 is one cause with a verdict per version, so one errc
 * per verdict.
 */
[[nodiscard]] constexpr fault check_subscription_options(std::uint8_t options,
                                                         protocol_version version, bool shared,
                                                         std::size_t at) noexcept {
    const std::uint8_t reserved = version == protocol_version::v5 ? 0xC0 : 0xFC;
    if (options & reserved) return make_fault(errc::subscription_options_reserved_bits, at);
    if (version != protocol_version::v5) {
        if ((options & 0x3u) == 3) return make_fault(errc::subscription_requested_qos_invalid, at);
    } else {
        if ((options & 0x3u) == 3) return make_fault(errc::subscription_maximum_qos_invalid, at);
        if (((options >> 4) & 0x3u) == 3) return make_fault(errc::retain_handling_invalid, at);
        if (shared && (options & 0x4u))
            return make_fault(errc::no_local_on_shared_subscription, at);
    }
    return {};
}

[[nodiscard]] constexpr std::uint8_t options_byte(const subscription& s) noexcept {
    return static_cast<std::uint8_t>(static_cast<unsigned>(s.max_qos) | (s.no_local ? 0x4u : 0u) |
                                     (s.retain_as_published ? 0x8u : 0u) |
                                     (static_cast<unsigned>(s.retain) << 4));
}

/**
 * The statement a Topic Filter fault breaks: MQTT-4.8.2-1 when a shared subscription's ShareName
 * is empty ("$share/" then '/' or the end), the errc's own otherwise (MQTT-4.8.2-2 for a
 * ShareName holding '+' or '#', or one not followed by "/filter").
 */
template <byte_like B>
[[nodiscard]] constexpr statement_site filter_fault_site(const B* p, std::size_t n,
                                                         const text_fault& t) noexcept {
    const bool empty_share_name = t.code == errc::shared_subscription_invalid &&
                                  t.offset == share_prefix_size &&
                                  (n == share_prefix_size || to_u8(p[share_prefix_size]) == '/');
    return empty_share_name ? statement_site::share_name_empty : statement_site::errc_default;
}

template <byte_like B, bool WithOptions>
[[nodiscard]] constexpr fault read_filter_list(reader<B>& r, const codec_options& opts,
                                               std::size_t& count) noexcept {
    // A local cursor rather than the reader's: it stays in a register across the filter checks.
    const B* const p = r.data();
    const std::size_t end = r.end();
    std::size_t pos = r.offset();
    std::size_t found = 0;
    while (end - pos >= 2) {
        const std::size_t at = pos;  // the length prefix: where a truncated entry is reported
        const std::size_t len = (std::size_t{to_u8(p[pos])} << 8) | to_u8(p[pos + 1]);
        pos += 2;
        if (end - pos < len) return make_fault(errc::packet_truncated, at);
        const B* const filter = p + pos;
        pos += len;
        bool shared = false;
        const text_fault t = check_topic_filter(filter, len, opts.version, opts.leniency, shared);
        if (t.code != errc::none) {
            fault f = field_fault_at(t, at);
            f.site = filter_fault_site(filter, len, t);
            return f;
        }
        if constexpr (WithOptions) {
            if (pos == end) return make_fault(errc::packet_truncated, pos);
            if (const fault f =
                    check_subscription_options(to_u8(p[pos]), opts.version, shared, pos))
                return f;
            ++pos;
        }
        ++found;
    }
    if (pos != end) return make_fault(errc::packet_truncated, pos);  // half a length prefix
    r.skip(pos - r.offset());
    count = found;
    return {};
}

template <byte_like B, bool WithOptions, class View>
[[nodiscard]] constexpr result<View> decode_filters_at(const B* p, std::size_t n,
                                                       const codec_options& opts) noexcept {
    constexpr packet_type type = WithOptions ? packet_type::subscribe : packet_type::unsubscribe;
    frame f;
    if (const fault e = open_packet(p, n, type, opts, f)) return to_error(e, opts.version);
    reader<B> r(p, f.header_size, f.size());
    View out;
    if (const fault e = read_packet_id(r, out.packet_id, opts)) return to_error(e, opts.version);
    if (opts.version == protocol_version::v5) {
        const property_context ctx =
            WithOptions ? property_context::subscribe : property_context::unsubscribe;
        if (const fault e = read_properties(r, ctx, opts, out.properties))
            return to_error(e, opts.version);
    }
    const std::size_t first = r.offset();
    std::size_t count = 0;
    if (const fault e = read_filter_list<B, WithOptions>(r, opts, count))
        return to_error(e, opts.version);
    if (count == 0) {
        const errc code =
            WithOptions ? errc::subscribe_without_filters : errc::unsubscribe_without_filters;
        return to_error(make_fault(code, first), opts.version);
    }
    if constexpr (WithOptions)
        out.subscriptions = subscription_range<B>(std::span<const B>(p + first, r.offset() - first),
                                                  count, opts.version == protocol_version::v5);
    else
        out.topic_filters =
            topic_filter_range<B>(std::span<const B>(p + first, r.offset() - first), count);
    return out;
}

[[nodiscard]] MQTTWIRE_ALWAYS_INLINE constexpr fault plan_filter(std::string_view filter,
                                                                 const codec_options& opts,
                                                                 bool& shared) noexcept {
    if (filter.size() > max_field_length) return make_fault(errc::field_too_long, 0);
    const text_fault t =
        check_topic_filter(filter.data(), filter.size(), opts.version, opts.leniency, shared);
    if (t.code != errc::none)
        return make_fault(t.code, 0, filter_fault_site(filter.data(), filter.size(), t));
    return {};
}

/** One entry of the SUBSCRIBE payload: Topic Filter, then Subscription Options. */
template <class Writer>
MQTTWIRE_ALWAYS_INLINE constexpr void emit_subscription(Writer& w,
                                                        const subscription& sub) noexcept {
    w.prefixed_text(sub.topic_filter);
    w.u8(options_byte(sub));
}

/** One entry of the UNSUBSCRIBE payload: a Topic Filter. */
template <class Writer>
MQTTWIRE_ALWAYS_INLINE constexpr void emit_unsubscription(Writer& w,
                                                          std::string_view filter) noexcept {
    w.prefixed_text(filter);
}

// The filter lists are the Payload of SUBSCRIBE and UNSUBSCRIBE: each entry is counted by the
// plan's rule loop (plan.payload), so the header count below need not walk the list again.
template <class Writer>
MQTTWIRE_ALWAYS_INLINE constexpr void emit_packet(const subscribe_packet& s,
                                                  const codec_options& opts,
                                                  const encode_plan& plan, Writer& w,
                                                  bool header_only) noexcept {
    write_fixed_header(w, packet_type::subscribe, plan);
    w.u16(s.packet_id);
    if (opts.version == protocol_version::v5) write_properties(w, s.properties, plan.properties);
    if (header_only) return;
    for (const subscription& sub : s.subscriptions) emit_subscription(w, sub);
}

template <class Writer>
MQTTWIRE_ALWAYS_INLINE constexpr void emit_packet(const unsubscribe_packet& u,
                                                  const codec_options& opts,
                                                  const encode_plan& plan, Writer& w,
                                                  bool header_only) noexcept {
    write_fixed_header(w, packet_type::unsubscribe, plan);
    w.u16(u.packet_id);
    if (opts.version == protocol_version::v5) write_properties(w, u.properties, plan.properties);
    if (header_only) return;
    for (std::string_view filter : u.topic_filters) emit_unsubscription(w, filter);
}

[[nodiscard]] constexpr fault plan_packet(const subscribe_packet& s, const codec_options& opts,
                                          encode_plan& plan) noexcept {
    if (const fault f = check_direction(packet_type::subscribe, opts)) return f;
    if (s.packet_id == 0) return make_fault(errc::packet_identifier_zero, 0);
    if (s.subscriptions.empty()) return make_fault(errc::subscribe_without_filters, 0);
    if (const fault f =
            measure_properties(s.properties, opts, plan.properties))
        return f;
    if (opts.version != protocol_version::v5 && plan.properties != 0)
        return make_fault(errc::not_in_protocol_version, 0);
    size_counter payload;
    for (const subscription& sub : s.subscriptions) {
        bool shared = false;
        if (const fault f = plan_filter(sub.topic_filter, opts, shared)) return f;
        if (static_cast<unsigned>(sub.max_qos) > 3 || static_cast<unsigned>(sub.retain) > 3)
            return make_fault(errc::value_out_of_range, 0);
        if (const fault f = check_subscription_options(options_byte(sub), opts.version, shared, 0))
            return f;
        emit_subscription(payload, sub);
    }
    plan.flags = 0x2;
    plan.payload = payload.written();
    return finish_plan_by_emit(s, opts, plan, plan.payload);
}

[[nodiscard]] constexpr fault plan_packet(const unsubscribe_packet& u, const codec_options& opts,
                                          encode_plan& plan) noexcept {
    if (const fault f = check_direction(packet_type::unsubscribe, opts)) return f;
    if (u.packet_id == 0) return make_fault(errc::packet_identifier_zero, 0);
    if (u.topic_filters.empty()) return make_fault(errc::unsubscribe_without_filters, 0);
    if (const fault f = measure_properties(u.properties, opts, plan.properties)) return f;
    if (opts.version != protocol_version::v5 && plan.properties != 0)
        return make_fault(errc::not_in_protocol_version, 0);
    size_counter payload;
    for (std::string_view filter : u.topic_filters) {
        bool shared = false;
        if (const fault f = plan_filter(filter, opts, shared)) return f;
        emit_unsubscription(payload, filter);
    }
    plan.flags = 0x2;
    plan.payload = payload.written();
    return finish_plan_by_emit(u, opts, plan, plan.payload);
}

}  // namespace detail

/**
 * Decodes a SUBSCRIBE (sent by a client).
 * @par Statements
 * MQTT-3.8.1-1 (flags 0010), MQTT-2.3.1-1 / MQTT-2.2.1-3 (identifier non-zero), MQTT-3.8.3-1
 * (filters are UTF-8), 3.1.1 MQTT-3.8.3-3 / 5.0 MQTT-3.8.3-2 (at least one), options per
 * check_subscription_options, filters per check_topic_filter.
 */
template <byte_range R>
[[nodiscard]] constexpr result<subscribe_view<range_byte_t<R>>> decode_subscribe(
    R&& packet, const codec_options& opts) noexcept {
    using B = range_byte_t<R>;
    const auto s = detail::as_span(packet);
    return detail::decode_filters_at<B, true, subscribe_view<B>>(s.data(), s.size(), opts);
}

/**
 * Decodes an UNSUBSCRIBE (sent by a client).
 * @par Statements
 * MQTT-3.10.1-1 (flags 0010), MQTT-3.10.3-1 (filters are UTF-8), MQTT-3.10.3-2 (at least one).
 */
template <byte_range R>
[[nodiscard]] constexpr result<unsubscribe_view<range_byte_t<R>>> decode_unsubscribe(
    R&& packet, const codec_options& opts) noexcept {
    using B = range_byte_t<R>;
    const auto s = detail::as_span(packet);
    return detail::decode_filters_at<B, false, unsubscribe_view<B>>(s.data(), s.size(), opts);
}

}  // namespace mqttwire
