// PUBLISH (3.1.1 §3.3, 5.0 §3.3): decode whole or head-first for payloads larger than a buffer;
// encode whole or header-only for writev.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "../properties/properties_view.hpp"
#include "../properties/property_set.hpp"
#include "../rules/topic.hpp"
#include "common.hpp"

namespace mqttwire {

/** A PUBLISH to encode. Views: the caller keeps topic, payload and properties alive. */
struct publish_packet {
    std::string_view topic_name{};
    /** Bytes as char, unsigned char or std::byte: a publish_view's payload goes in as it is. */
    byte_input payload{};
    qos qos_level = qos::at_most_once;
    bool retain = false;
    bool dup = false;
    /** Non-zero for QoS 1 and 2; must be 0 for QoS 0 (no identifier is sent). */
    std::uint16_t packet_id = 0;
    publish_properties properties{};
};

/**
 * Everything of a decoded PUBLISH but its payload: available as soon as the variable header
 * has arrived. Views into the input.
 */
template <byte_like B>
struct publish_head_view {
    std::string_view topic_name{};  // empty only with a 5.0 Topic Alias
    std::uint16_t packet_id = 0;    // 0 for QoS 0
    qos qos_level = qos::at_most_once;
    bool dup = false;
    bool retain = false;
    properties_view<B> properties{};
    /** Offset of the payload from the start of the packet. */
    std::size_t payload_offset = 0;
    /** Payload bytes the packet announces. */
    std::size_t payload_size = 0;
};

/** A decoded PUBLISH. Views into the input: valid while the input bytes are. */
template <byte_like B>
struct publish_view : publish_head_view<B> {
    std::span<const B> payload{};
};

namespace detail {

/**
 * Reads the PUBLISH variable header; `r` ends at the packet end or, for head-first decoding,
 * at the end of the bytes that have arrived.
 * @par Statements
 * MQTT-3.3.1-4 (QoS 3), MQTT-3.3.1-2 (DUP with QoS 0; not a 3.1 rule), MQTT-3.3.2-1 and
 * MQTT-3.3.2-2 (Topic Name), MQTT-2.3.1-1 / MQTT-2.2.1-3 / MQTT-2.2.1-4 (identifier non-zero),
 * MQTT-4.7.3-1 (empty topic without a 5.0 Topic Alias), properties per read_properties.
 */
template <byte_like B>
[[nodiscard]] MQTTWIRE_ALWAYS_INLINE constexpr fault read_publish_head(
    reader<B>& r, std::uint8_t flags, const codec_options& opts,
    publish_head_view<B>& out) noexcept {
    const std::uint8_t q = (flags >> 1) & 0x3u;
    if (q == 3) return make_fault(errc::qos_invalid, 0);
    out.qos_level = static_cast<qos>(q);
    out.dup = (flags & 0x8u) != 0;
    out.retain = (flags & 0x1u) != 0;
    if (out.dup && q == 0 && opts.version != protocol_version::v3_1)
        return make_fault(errc::dup_with_qos_0, 0);

    const std::size_t topic_at = r.offset();
    std::span<const B> topic{};
    if (!r.read_prefixed(topic)) return make_fault(errc::packet_truncated, topic_at);
    const bool v5 = opts.version == protocol_version::v5;
    if (const text_fault t = check_topic_name(topic.data(), topic.size(), opts.leniency, v5);
        t.code != errc::none)
        return field_fault_at(t, topic_at);
    out.topic_name = as_text(topic.data(), topic.size());
    if (q != 0) {
        if (const fault f = read_packet_id(r, out.packet_id, opts)) return f;
    }
    if (v5) {
        if (const fault f = read_properties(r, property_context::publish, opts, out.properties))
            return f;
        // 5.0 §3.3.2.3.4: a zero-length Topic Name is allowed only with a Topic Alias.
        if (topic.empty() && !out.properties.contains(property_id::topic_alias))
            return make_fault(errc::topic_name_empty, topic_at);
    }
    out.payload_offset = r.offset();
    return {};
}

/**
 * Where the variable header ends, as far as the bytes that have arrived tell; or the fault the
 * whole packet gives, once a length field at hand already runs past the packet's end and every
 * field before it has arrived (no byte still to come can change the verdict then).
 */
struct head_end {
    std::size_t at = 0;
    bool exact = false;  // false: a lower bound, a length field is still missing
    fault failure{};
};

template <byte_like B>
[[nodiscard]] constexpr head_end publish_head_end(const B* p, std::size_t n, const frame& f,
                                                  protocol_version version) noexcept {
    const std::size_t size = f.size();
    std::size_t at = f.header_size;
    if (size - at < 2) return {at, false, make_fault(errc::packet_truncated, at)};
    if (n < at + 2) return {at + 2, false, {}};
    const std::size_t topic_at = at;
    at += 2 + ((std::size_t{to_u8(p[at])} << 8) | to_u8(p[at + 1]));
    if (at > size) return {at, false, make_fault(errc::packet_truncated, topic_at)};
    const bool has_id = ((f.flags >> 1) & 0x3u) != 0;
    const bool v5 = version == protocol_version::v5;
    // The whole packet checks the topic's content before any later field.
    if (n < at) return {at + (has_id ? 2 : 0) + (v5 ? 1 : 0), !v5, {}};
    if (has_id) {
        if (size - at < 2) return {at, false, make_fault(errc::packet_truncated, at)};
        at += 2;
        if (n < at) return {at + (v5 ? 1 : 0), !v5, {}};  // and the identifier (non-zero) next
    }
    if (!v5) return {at, true, {}};
    if (size == at) return {at, false, make_fault(errc::property_length_overruns_packet, at)};
    if (n <= at) return {at + 1, false, {}};
    const vbi_read v = read_vbi(p + at, n - at);
    if (v.status != vbi_status::ok) return {n + 1, false, {}};
    if (v.value > size - at - v.length)
        return {at, false, make_fault(errc::property_length_overruns_packet, at)};
    return {at + v.length + v.value, true, {}};
}

/** Decodes a whole PUBLISH into `out` (default-constructed by the caller, where it will live). */
template <byte_like B>
[[nodiscard]] MQTTWIRE_ALWAYS_INLINE constexpr fault decode_publish_into(
    const B* p, std::size_t n, const codec_options& opts, publish_view<B>& out) noexcept {
    frame f;
    if (const fault e = open_packet(p, n, packet_type::publish, opts, f)) return e;
    reader<B> r(p, f.header_size, f.header_size + std::size_t{f.remaining_length});
    if (const fault e = read_publish_head(r, f.flags, opts, out)) return e;
    out.payload = r.rest();
    out.payload_size = out.payload.size();
    return {};
}

template <byte_like B>
[[nodiscard]] constexpr result<publish_view<B>> decode_publish_at(
    const B* p, std::size_t n, const codec_options& opts) noexcept {
    // Built in place and returned by name: the view is never copied.
    result<publish_view<B>> res(std::in_place);
    if (const fault e = decode_publish_into(p, n, opts, *res))
        result_access::fail(res, to_error(e, opts.version));
    return res;
}

/**
 * The fixed-header and Packet Identifier rules of a PUBLISH to encode, shared by the plain and
 * the forwarded PUBLISH: QoS 0..2 (MQTT-3.3.1-4), no DUP with QoS 0 (MQTT-3.3.1-2), a non-zero
 * identifier exactly when QoS > 0 (MQTT-2.2.1-3/-4).
 */
[[nodiscard]] MQTTWIRE_ALWAYS_INLINE constexpr fault check_publish_flags(
    std::uint8_t q, bool dup, std::uint16_t packet_id, const codec_options& opts) noexcept {
    if (q > 2) return make_fault(errc::qos_invalid, 0);
    if (dup && q == 0 && opts.version != protocol_version::v3_1)
        return make_fault(errc::dup_with_qos_0, 0);
    if (q != 0 && packet_id == 0) {
        return opts.from == sender::server
                   ? make_fault(errc::packet_identifier_zero, 0, statement_site::server_packet_id)
                   : make_fault(errc::packet_identifier_zero, 0);
    }
    if (q == 0 && packet_id != 0)
        return make_fault(errc::value_out_of_range, 0, statement_site::qos_0_packet_id);
    return {};
}

/** Fixed-header flags of a PUBLISH. */
[[nodiscard]] MQTTWIRE_ALWAYS_INLINE constexpr std::uint8_t publish_flags(std::uint8_t q, bool dup,
                                                                          bool retain) noexcept {
    return static_cast<std::uint8_t>((dup ? 0x8u : 0u) | (unsigned{q} << 1) | (retain ? 1u : 0u));
}

/**
 * A Topic Name to encode: at most 65,535 bytes and the Topic Name rules (empty only with a
 * 5.0 Topic Alias, `aliased`).
 */
[[nodiscard]] MQTTWIRE_ALWAYS_INLINE constexpr fault check_topic_to_send(
    std::string_view topic, bool aliased, const codec_options& opts) noexcept {
    if (topic.size() > max_field_length) return make_fault(errc::field_too_long, 0);
    // A short clean topic passes every Topic Name rule; anything else gets the full check.
    if (std::is_constant_evaluated() || topic.empty() ||
        !short_text_clean(topic.data(), topic.size(), text_rules::topic_name)) {
        if (const text_fault t =
                check_topic_name(topic.data(), topic.size(), opts.leniency, aliased);
            t.code != errc::none)
            return make_fault(t.code, 0);
    }
    return {};
}

template <class Writer>
MQTTWIRE_ALWAYS_INLINE constexpr void emit_packet(const publish_packet& p,
                                                  const codec_options& opts,
                                                  const encode_plan& plan, Writer& w,
                                                  bool header_only) noexcept {
    write_fixed_header(w, packet_type::publish, plan);
    w.prefixed_text(p.topic_name);
    if (p.qos_level != qos::at_most_once) w.u16(p.packet_id);
    if (opts.version == protocol_version::v5) write_properties(w, p.properties, plan.properties);
    if (!header_only) w.bytes(p.payload);
}

// PUBLISH is most of the traffic: planned and written inline in encode, with the plan and the
// cursor in registers. `payload` is the size announced (p.payload.size() but for encode_header
// given a size).
[[nodiscard]] MQTTWIRE_ALWAYS_INLINE constexpr fault plan_publish(const publish_packet& p,
                                                                  std::size_t payload,
                                                                  const codec_options& opts,
                                                                  encode_plan& plan) noexcept {
    // The rules of check_publish_flags and check_topic_to_send, written out: clang 14 keeps
    // the helpers' faults apart and the P1 encode grows by 14 % of its instructions.
    const auto q = static_cast<std::uint8_t>(p.qos_level);
    if (q > 2) return make_fault(errc::qos_invalid, 0);
    if (p.dup && q == 0 && opts.version != protocol_version::v3_1)
        return make_fault(errc::dup_with_qos_0, 0);
    if (q != 0 && p.packet_id == 0) {
        return opts.from == sender::server
                   ? make_fault(errc::packet_identifier_zero, 0, statement_site::server_packet_id)
                   : make_fault(errc::packet_identifier_zero, 0);
    }
    if (q == 0 && p.packet_id != 0)
        return make_fault(errc::value_out_of_range, 0, statement_site::qos_0_packet_id);
    if (p.topic_name.size() > max_field_length) return make_fault(errc::field_too_long, 0);
    const bool v5 = opts.version == protocol_version::v5;
    const bool aliased = v5 && p.properties.topic_alias.has_value();
    if (std::is_constant_evaluated() || p.topic_name.empty() ||
        !short_text_clean(p.topic_name.data(), p.topic_name.size(), text_rules::topic_name)) {
        if (const text_fault t =
                check_topic_name(p.topic_name.data(), p.topic_name.size(), opts.leniency, aliased);
            t.code != errc::none)
            return make_fault(t.code, 0);
    }
    if (const fault f =
            measure_properties(p.properties, opts, plan.properties))
        return f;
    if (!v5 && plan.properties != 0) return make_fault(errc::not_in_protocol_version, 0);
    plan.flags =
        static_cast<std::uint8_t>((p.dup ? 0x8u : 0u) | (unsigned{q} << 1) | (p.retain ? 1u : 0u));
    plan.payload = payload;
    return finish_plan_by_emit(p, opts, plan, payload);
}

[[nodiscard]] MQTTWIRE_ALWAYS_INLINE constexpr fault plan_packet(const publish_packet& p,
                                                                 const codec_options& opts,
                                                                 encode_plan& plan) noexcept {
    return plan_publish(p, p.payload.size(), opts, plan);
}

}  // namespace detail

/**
 * Decodes the complete PUBLISH at the front of `packet`.
 * @par Wire format
 * Fixed header `0011 DUP QoS QoS RETAIN`; Topic Name (UTF-8 string); Packet Identifier if
 * QoS > 0; 5.0: Property Length + properties; the payload is the rest of the packet.
 * @return errc::qos_invalid, dup_with_qos_0, packet_truncated, utf8_*, topic_name_empty,
 * topic_name_has_wildcard, packet_identifier_zero, property_*, topic_alias_zero,
 * subscription_identifier_from_client, packet_too_large, packet_incomplete,
 * packet_type_mismatch. The view borrows from `packet`.
 */
template <byte_range R>
[[nodiscard]] constexpr result<publish_view<range_byte_t<R>>> decode_publish(
    R&& packet, const codec_options& opts) noexcept {
    const auto s = detail::as_span(packet);
    return detail::decode_publish_at(s.data(), s.size(), opts);
}

/**
 * Decodes a PUBLISH's fixed and variable header from a prefix of the packet, so a driver can
 * act on topic, identifier and properties and then pass the payload on in chunks.
 * Complete once the variable header is here; otherwise need (exact when it can be known;
 * with the fixed header once the Remaining Length has been read) or the error the whole packet
 * would give.
 */
template <byte_range R>
[[nodiscard]] constexpr partial<publish_head_view<range_byte_t<R>>> decode_publish_head(
    R&& prefix, const codec_options& opts) noexcept {
    using B = range_byte_t<R>;
    const auto s = detail::as_span(prefix);
    const B* p = s.data();
    const std::size_t n = s.size();
    const detail::header_scan head = detail::scan_fixed_header(p, n, opts);
    if (head.failure) return detail::to_error(head.failure, opts.version);
    // The fixed header's own shortfall bounds the packet, not the head, which may end long
    // before it: only the next Remaining Length byte (two bytes from nothing) is certain.
    if (head.need != 0) return need{n == 0 ? 2u : 1u, false};
    const frame f = head.head;
    if (n >= f.size()) {
        const result<publish_view<B>> whole = detail::decode_publish_at(p, n, opts);
        if (!whole) return whole.error();
        return static_cast<const publish_head_view<B>&>(*whole);
    }
    if (f.type != packet_type::publish)
        return detail::to_error(detail::make_fault(errc::packet_type_mismatch, 0), opts.version);
    detail::reader<B> r(p, f.header_size, n);
    publish_head_view<B> out;
    const detail::fault e = detail::read_publish_head(r, f.flags, opts, out);
    if (!e) {
        out.payload_size = f.size() - out.payload_offset;
        return out;
    }
    const bool truncation = e.code == errc::packet_truncated ||
                            e.code == errc::property_length_overruns_packet ||
                            e.code == errc::property_value_overruns;
    if (!truncation) return detail::to_error(e, opts.version);
    const detail::head_end end = detail::publish_head_end(p, n, f, opts.version);
    if (end.failure) return detail::to_error(end.failure, opts.version);
    // The whole head is here: the overrun lies inside it (a property value past the end of
    // the property list), so the whole packet fails the same way.
    if (end.at <= n) return detail::to_error(e, opts.version);
    // A head that would end past the packet fails once the packet is in: never ask beyond it
    // (those bytes belong to the next packet, or never come).
    if (end.at > f.size()) return need{f.size() - n, false, f};
    return need{end.at - n, end.exact, f};
}

/**
 * Encodes everything of `p` but its payload; send these bytes then `p.payload` (writev) and the
 * payload is never copied. Returns the header bytes written; a short `out` fails with
 * buffer_too_small, whose buffer_size_needed() is the header size.
 */
[[nodiscard]] constexpr result<std::size_t> encode_header(const publish_packet& p,
                                                          const codec_options& opts,
                                                          std::span<std::byte> out) noexcept {
    return detail::encode_with_plan(p, opts, out, true);
}

/**
 * Encodes everything of `p` but its payload, for a payload of `payload_size` bytes that need
 * not exist yet: a payload larger than any buffer is then relayed chunk by chunk as it arrives.
 * Every check of `encode` runs, the Remaining Length and the receiver's Maximum Packet Size
 * counting `payload_size` bytes. `p.payload` is not read: the size given is the one announced.
 * Returns the header bytes written.
 */
[[nodiscard]] constexpr result<std::size_t> encode_header(const publish_packet& p,
                                                          std::size_t payload_size,
                                                          const codec_options& opts,
                                                          std::span<std::byte> out) noexcept {
    detail::encode_plan plan;
    if (const detail::fault f = detail::plan_publish(p, payload_size, opts, plan))
        return detail::encode_failure(f, opts.version);
    return detail::write_planned(p, opts, plan, out, true);
}

/**
 * Where the Packet Identifier starts in an encoded PUBLISH (or its header), so that a broker
 * that encoded one copy of a message can give each subscriber its own identifier by patching
 * two bytes (and DUP / QoS / RETAIN in byte 0) instead of encoding again. The identifier
 * follows the fixed header, the Remaining Length and the Topic Name (MQTT-3.3.2).
 * @return nullopt for a QoS 0 PUBLISH (it has none), bytes that do not start with a PUBLISH
 * fixed header, or too few of them to hold the identifier's two bytes. Only the header is
 * read: the packet is not validated (it is one the caller encoded).
 */
template <class R>
    requires byte_range<const R&>  // only an offset comes back: a temporary is fine
[[nodiscard]] constexpr std::optional<std::size_t> publish_packet_id_offset(
    const R& encoded) noexcept {
    const auto s = detail::as_span(encoded);
    const std::size_t n = s.size();
    if (n < 2) return std::nullopt;
    const std::uint8_t first = detail::to_u8(s[0]);
    if ((first >> 4) != static_cast<std::uint8_t>(packet_type::publish) || (first & 0x6u) == 0)
        return std::nullopt;
    std::size_t at = 1;  // the Remaining Length: at most four bytes, the last below 0x80
    while (at < n && at < 5 && (detail::to_u8(s[at]) & 0x80u) != 0) ++at;
    if (at >= n || at == 5) return std::nullopt;
    ++at;
    if (n - at < 2) return std::nullopt;
    const std::size_t topic =
        std::size_t{detail::to_u8(s[at])} << 8 | std::size_t{detail::to_u8(s[at + 1])};
    at += 2;
    if (n - at < topic || n - at - topic < 2) return std::nullopt;
    return at + topic;
}

}  // namespace mqttwire
