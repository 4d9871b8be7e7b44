// What every packet's decoder and encoder share: opening a complete packet (fixed header, type,
// direction, reserved flags), and the plan-then-write encode driver, whose sizes are counts of
// the same emit that writes.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "../error.hpp"
#include "../frame.hpp"
#include "../options.hpp"
#include "../protocol.hpp"
#include "../result.hpp"
#include "../wire/bytes.hpp"
#include "../wire/reader.hpp"
#include "../wire/utf8.hpp"
#include "../wire/vbi.hpp"
#include "../wire/writer.hpp"

namespace mqttwire::detail {

/**
 * Required fixed-header flags of every type but PUBLISH (3.1.1 Table 2.2, 5.0 Table 2-2).
 * MQTT 3.1 sends PUBREL, SUBSCRIBE and UNSUBSCRIBE as QoS 1 messages that may carry DUP, so
 * 1010 is legal there; other 3.1 flags are held to 0 as every known sender writes them.
 */
[[nodiscard]] constexpr bool flags_valid(packet_type type, std::uint8_t flags,
                                         protocol_version version) noexcept {
    switch (type) {
        case packet_type::publish: return true;  // checked by the PUBLISH decoder
        case packet_type::pubrel:
        case packet_type::subscribe:
        case packet_type::unsubscribe:
            return flags == 0x2 || (version == protocol_version::v3_1 && flags == 0xA);
        default: return flags == 0;
    }
}

/** The statement that names a packet type's reserved flags, where it has its own. */
[[nodiscard]] constexpr fault flags_fault(packet_type type) noexcept {
    switch (type) {
        case packet_type::pubrel:
            return make_fault(errc::fixed_header_flags_invalid, 0, statement_site::pubrel_flags);
        case packet_type::subscribe:
            return make_fault(errc::fixed_header_flags_invalid, 0, statement_site::subscribe_flags);
        case packet_type::unsubscribe:
            return make_fault(errc::fixed_header_flags_invalid, 0,
                              statement_site::unsubscribe_flags);
        case packet_type::disconnect:
            return make_fault(errc::fixed_header_flags_invalid, 0,
                              statement_site::disconnect_flags);
        case packet_type::auth:
            return make_fault(errc::fixed_header_flags_invalid, 0, statement_site::auth_flags);
        default: return make_fault(errc::fixed_header_flags_invalid, 0);
    }
}

/**
 * Opens one complete packet at the front of p[0, n): fixed header valid, whole packet present,
 * of the `expected` type, sendable by `opts.from`, reserved flags as required.
 */
template <byte_like B>
[[nodiscard]] MQTTWIRE_ALWAYS_INLINE constexpr fault open_packet(const B* p, std::size_t n,
                                                                 packet_type expected,
                                                                 const codec_options& opts,
                                                                 frame& out) noexcept {
    // The common case first: the expected type and a one-byte Remaining Length. Anything else
    // (another type, AUTH before 5.0, a longer length) takes the full scan below, which reports
    // its faults in their order.
    std::uint32_t length = 0;
    if (n >= 2 && (to_u8(p[0]) >> 4) == static_cast<std::uint8_t>(expected) &&
        read_one_byte_vbi(p + 1, n - 1, length) &&
        (expected != packet_type::auth || opts.version == protocol_version::v5)) {
        out.type = expected;
        out.flags = static_cast<std::uint8_t>(to_u8(p[0]) & 0x0Fu);
        out.header_size = 2;
        out.remaining_length = length;
        const std::size_t size = std::size_t{2} + length;
        if (size > opts.maximum_packet_size)
            return make_fault(errc::packet_too_large, 1, too_large_site(opts.from));
        if (n < size) return make_fault(errc::packet_incomplete, n);
        if (!may_send(expected, opts.from, opts.version))
            return make_fault(errc::packet_not_allowed_from_sender, 0);
        if (!flags_valid(expected, out.flags, opts.version)) return flags_fault(expected);
        return {};
    }
    const header_scan h = scan_fixed_header(p, n, opts);
    if (h.failure) return h.failure;
    if (h.need != 0 || n < h.head.size()) return make_fault(errc::packet_incomplete, n);
    out = h.head;
    if (out.type != expected) return make_fault(errc::packet_type_mismatch, 0);
    if (!may_send(out.type, opts.from, opts.version))
        return make_fault(errc::packet_not_allowed_from_sender, 0);
    if (!flags_valid(out.type, out.flags, opts.version)) return flags_fault(out.type);
    return {};
}

/** The encoder's side of the direction rule: `opts.from` may send `type`. */
[[nodiscard]] constexpr fault check_direction(packet_type type,
                                              const codec_options& opts) noexcept {
    if (!may_send(type, opts.from, opts.version))
        return make_fault(errc::packet_not_allowed_from_sender, 0);
    return {};
}

/** A fault from a text check found at `base` in the packet. */
[[nodiscard]] constexpr fault text_fault_at(const text_fault& t, std::size_t base) noexcept {
    return make_fault(t.code, base + t.offset);
}

/**
 * A fault from checking the string field whose length prefix is at `field_at`: an empty topic
 * is reported at its length prefix (there is no character to point at), anything else at the
 * offending byte.
 */
[[nodiscard]] constexpr fault field_fault_at(const text_fault& t, std::size_t field_at) noexcept {
    if (t.code == errc::topic_name_empty || t.code == errc::topic_filter_empty)
        return make_fault(t.code, field_at);
    return text_fault_at(t, field_at + 2);
}

/** Reads a UTF-8 Encoded String field and validates its content. */
template <byte_like B>
[[nodiscard]] constexpr fault read_string(reader<B>& r, std::span<const B>& out,
                                          const leniency& lenient) noexcept {
    const std::size_t at = r.offset();
    if (!r.read_prefixed(out)) return make_fault(errc::packet_truncated, at);
    const text_fault t = check_text(out.data(), out.size(), text_rules::string, lenient);
    if (t.code != errc::none) return text_fault_at(t, at + 2);
    return {};
}

/** Reads a Two Byte Integer Packet Identifier that must be non-zero. */
template <byte_like B>
[[nodiscard]] MQTTWIRE_ALWAYS_INLINE constexpr fault read_packet_id(reader<B>& r,
                                                                    std::uint16_t& out,
                                                                    const codec_options& opts,
                                                                    bool ack = false) noexcept {
    const std::size_t at = r.offset();
    if (!r.read_u16(out)) return make_fault(errc::packet_truncated, at);
    if (out == 0) {
        // MQTT-2.2.1-3/-4 (3.1.1 MQTT-2.3.1-1) bind requests; an ack's 0 breaks no numbered one.
        if (ack) return make_fault(errc::packet_identifier_zero, at, statement_site::not_numbered);
        return opts.from == sender::server
                   ? make_fault(errc::packet_identifier_zero, at, statement_site::server_packet_id)
                   : make_fault(errc::packet_identifier_zero, at);
    }
    return {};
}

/**
 * Everything the encoder learns while validating, so the write pass recomputes nothing. The
 * sizes are counts of the emit itself (size_counter); the nested ones are kept because a
 * length prefix needs them before the bytes it counts.
 */
struct encode_plan {
    std::uint8_t flags = 0;
    std::uint32_t remaining_length = 0;
    std::size_t total = 0;
    std::size_t properties = 0;       // size of the property list, without its length
    std::size_t will_properties = 0;  // CONNECT only
    // The Payload, counted apart from the header: PUBLISH's, left in place by encode_header;
    // SUBSCRIBE's and UNSUBSCRIBE's filter list, counted entry by entry as its rules are checked.
    std::size_t payload = 0;
};

/**
 * The plan `Packet`'s encoder fills: encode_plan, or a packet's extension of it where the write
 * pass needs more of what validation found (a forward's cut in the source property list).
 */
template <class Packet>
struct plan_of {
    using type = encode_plan;
};
template <class Packet>
using plan_of_t = typename plan_of<Packet>::type;

template <class Writer>
MQTTWIRE_ALWAYS_INLINE constexpr void write_fixed_header(Writer& w, packet_type type,
                                                         const encode_plan& plan) noexcept {
    w.u8(static_cast<std::uint8_t>((static_cast<std::uint8_t>(type) << 4) | plan.flags));
    w.vbi(plan.remaining_length);
}

/** Bytes of the fixed header `plan` gives, counted from write_fixed_header. */
[[nodiscard]] MQTTWIRE_ALWAYS_INLINE constexpr std::size_t fixed_header_size(
    const encode_plan& plan) noexcept {
    size_counter c;
    write_fixed_header(c, packet_type::reserved, plan);  // the type does not change the size
    return c.written();
}

/** Sets remaining_length and total from the body size and checks both limits. */
[[nodiscard]] MQTTWIRE_ALWAYS_INLINE constexpr fault finish_plan(
    encode_plan& plan, std::size_t body, const codec_options& opts) noexcept {
    if (body > max_remaining_length) return make_fault(errc::packet_too_large, 0);
    plan.remaining_length = static_cast<std::uint32_t>(body);
    plan.total = fixed_header_size(plan) + body;
    // The peer's limit: MQTT-3.2.2-15 for a client, MQTT-3.1.2-24 for a server, as decoding.
    if (plan.total > opts.maximum_packet_size)
        return make_fault(errc::packet_too_large, 0, too_large_site(opts.from));
    return {};
}

/**
 * The size half of plan_packet, once its rules have passed: the body is emit_packet run on a
 * size_counter, header only, plus the `payload` bytes announced (PUBLISH; encode_header given a
 * size reads no payload, and `plan.payload` is set by the caller). Needs every nested size
 * emit_packet reads from the plan (properties, will_properties) set first. The count includes
 * a fixed header, whose Remaining Length is not known yet: counted with 0, as
 * fixed_header_size counts it, and taken away.
 */
template <class Packet, class Plan>
[[nodiscard]] MQTTWIRE_ALWAYS_INLINE constexpr fault finish_plan_by_emit(
    const Packet& packet, const codec_options& opts, Plan& plan,
    std::size_t payload = 0) noexcept {
    Plan counting = plan;
    counting.remaining_length = 0;
    size_counter c;
    emit_packet(packet, opts, counting, c, true);
    return finish_plan(plan, c.written() - fixed_header_size(counting) + payload, opts);
}

/** A UTF-8 Encoded String field to encode: at most 65,535 bytes, content per check_text. */
[[nodiscard]] constexpr fault check_field_text(std::string_view s,
                                               const leniency& lenient) noexcept {
    if (s.size() > max_field_length) return make_fault(errc::field_too_long, 0);
    const text_fault t = check_field_content(s, text_rules::string, lenient);
    if (t.code != errc::none) return make_fault(t.code, 0);
    return {};
}

/**
 * True for packets whose Reason String and User Properties are diagnostics: when they would
 * push the packet past the receiver's Maximum Packet Size the sender leaves them out instead of
 * failing (5.0 MQTT-3.2.2-19/-20, 3.4.2-2/-3, 3.5.2-2/-3, 3.6.2-2/-3, 3.7.2-2/-3, 3.9.2-1/-2,
 * 3.11.2-1/-2, 3.14.2-3/-4, 3.15.2-2/-3). Specialised by each such packet's header.
 */
template <class Packet>
inline constexpr bool drops_diagnostics = false;

/**
 * Plans `packet` within `opts.maximum_packet_size`, leaving out first the Reason String, then
 * the User Properties, where the packet allows it and only when that is what makes it fit.
 */
template <class Packet>
[[nodiscard]] constexpr fault plan_within_limit(Packet& packet, const codec_options& opts,
                                                plan_of_t<Packet>& plan) noexcept {
    fault f = plan_packet(packet, opts, plan);
    if constexpr (drops_diagnostics<Packet>) {
        if (f.code == errc::packet_too_large && packet.properties.reason_string) {
            packet.properties.reason_string.reset();
            plan = {};
            f = plan_packet(packet, opts, plan);
        }
        if (f.code == errc::packet_too_large && !packet.properties.user_properties.empty()) {
            packet.properties.user_properties = {};
            plan = {};
            f = plan_packet(packet, opts, plan);
        }
    }
    return f;
}

/** The error return of the encoders, kept out of their straight-line path. */
[[nodiscard]] MQTTWIRE_NOINLINE constexpr result<std::size_t> encode_failure(
    const fault& f, protocol_version version) noexcept {
    return to_error(f, version);
}

template <class Packet>
[[nodiscard]] MQTTWIRE_ALWAYS_INLINE constexpr result<std::size_t> write_planned(
    const Packet& packet, const codec_options& opts, const plan_of_t<Packet>& plan,
    std::span<std::byte> out, bool header_only) noexcept {
    const std::size_t size = header_only ? plan.total - plan.payload : plan.total;
    // The offset of buffer_too_small is the size needed (error::buffer_size_needed).
    if (out.size() < size)
        return encode_failure(make_fault(errc::buffer_too_small, size), opts.version);
    // The plan has proved every write of emit_packet fits in `size` bytes, and `out` holds them.
    planned_writer w(out.first(size));
    emit_packet(packet, opts, plan, w, header_only);
    if (w.written() != size)  // the plan and the writer disagree: a bug
        return encode_failure(make_fault(errc::buffer_too_small, w.written()), opts.version);
    return size;
}

/**
 * Encode driver: plan (validate + size) first, then write. `Packet` provides
 * `plan_packet(packet, opts, plan) -> fault` and
 * `emit_packet(packet, opts, plan, Writer&, header_only)`, a template over the writer kind that
 * plan_packet sizes with (finish_plan_by_emit on a size_counter) and that writes here on a
 * planned_writer. Inlined into encode and encode_header (its only callers), so `header_only` is
 * a constant there.
 */
template <class Packet>
[[nodiscard]] MQTTWIRE_ALWAYS_INLINE constexpr result<std::size_t> encode_with_plan(
    const Packet& packet, const codec_options& opts, std::span<std::byte> out,
    bool header_only) noexcept {
    plan_of_t<Packet> plan;
    if constexpr (drops_diagnostics<Packet>) {
        Packet fitted = packet;
        if (const fault f = plan_within_limit(fitted, opts, plan))
            return encode_failure(f, opts.version);
        return write_planned(fitted, opts, plan, out, header_only);
    } else {
        if (const fault f = plan_packet(packet, opts, plan)) return encode_failure(f, opts.version);
        return write_planned(packet, opts, plan, out, header_only);
    }
}

}  // namespace mqttwire::detail

namespace mqttwire {

/** A packet struct mqttwire can encode (publish_packet, connect_packet, puback_packet, …). */
template <class Packet>
concept encodable_packet = requires(const Packet& p, const codec_options& o,
                                    detail::plan_of_t<Packet>& plan, detail::planned_writer& w) {
    { plan_packet(p, o, plan) } -> std::same_as<detail::fault>;
    emit_packet(p, o, plan, w, false);
};

/**
 * Exact number of bytes `encode` will write for `packet`, or the error it would return: the
 * same validation runs, so a size is only ever given for an encodable packet.
 */
template <encodable_packet Packet>
[[nodiscard]] constexpr result<std::size_t> encoded_size(const Packet& packet,
                                                         const codec_options& opts) noexcept {
    detail::plan_of_t<Packet> plan;
    Packet fitted = packet;
    if (const detail::fault f = detail::plan_within_limit(fitted, opts, plan))
        return detail::to_error(f, opts.version);
    return plan.total;
}

/**
 * Encodes `packet` into `out` and returns the bytes written. Validates with the decoder's rules
 * first (it refuses whatever the decoder would reject), never writes outside `out`, and emits
 * the shortest equivalent form where 5.0 allows several.
 * @return errc::buffer_too_small when `out` is short (error::buffer_size_needed() says how
 * large it must be); any rule's errc otherwise.
 */
template <encodable_packet Packet>
[[nodiscard]] constexpr result<std::size_t> encode(const Packet& packet, const codec_options& opts,
                                                   std::span<std::byte> out) noexcept {
    return detail::encode_with_plan(packet, opts, out, false);
}

}  // namespace mqttwire
