// CONNECT (3.1 `MQIsdp`/3, 3.1.1 and 5.0 `MQTT`/4 and /5): the version is read from the packet.
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

/** The will of a CONNECT to encode. */
struct will_message {
    std::string_view topic{};  // a Topic Name: no wildcards
    byte_input payload{};      // char, unsigned char or std::byte
    qos qos_level = qos::at_most_once;
    bool retain = false;
    will_properties properties{};  // 5.0 only
};

/** A CONNECT to encode; `codec_options::version` picks `MQIsdp`/3, `MQTT`/4 or `MQTT`/5. */
struct connect_packet {
    std::string_view client_id{};
    std::uint16_t keep_alive = 0;
    /** CleanSession (3.x) / Clean Start (5.0). */
    bool clean_start = true;
    std::optional<will_message> will{};
    std::optional<std::string_view> user_name{};
    /** Binary data; before 5.0 it needs a user name. */
    std::optional<byte_input> password{};
    connect_properties properties{};
};

/** A decoded will. */
template <byte_like B>
struct will_message_view {
    std::string_view topic{};
    std::span<const B> payload{};
    qos qos_level = qos::at_most_once;
    bool retain = false;
    properties_view<B> properties{};
};

/** A decoded CONNECT. Views into the input. */
template <byte_like B>
struct connect_view {
    /** Taken from the packet's protocol name and level, not from the options. */
    protocol_version version = protocol_version::v5;
    std::uint16_t keep_alive = 0;
    bool clean_start = false;
    std::string_view client_id{};
    properties_view<B> properties{};
    std::optional<will_message_view<B>> will{};
    std::optional<std::string_view> user_name{};
    std::optional<std::span<const B>> password{};
};

namespace detail {

/** Protocol name on the wire for a version: "MQIsdp" for 3.1, "MQTT" otherwise. */
[[nodiscard]] constexpr std::string_view protocol_name(protocol_version version) noexcept {
    // Sizes spelled out: at -Os g++ 12 otherwise calls strlen on the chosen literal.
    return version == protocol_version::v3_1 ? std::string_view("MQIsdp", 6)
                                             : std::string_view("MQTT", 4);
}

template <byte_like B>
[[nodiscard]] constexpr bool equals(std::span<const B> field, std::string_view text) noexcept {
    if (field.size() != text.size()) return false;
    for (std::size_t i = 0; i < text.size(); ++i)
        if (to_u8(field[i]) != static_cast<std::uint8_t>(text[i])) return false;
    return true;
}

/**
 * Characters of validated UTF-8 (bytes that do not continue a sequence) where the 3.1 client
 * identifier rule needs them; elsewhere only emptiness matters, so the byte count does.
 */
template <byte_like B>
[[nodiscard]] constexpr std::size_t client_id_length(std::span<const B> text,
                                                     protocol_version version) noexcept {
    if (version != protocol_version::v3_1) return text.size();
    std::size_t n = 0;
    for (B b : text) n += !is_continuation_byte(to_u8(b));
    return n;
}

/**
 * The Connect Flags and Client Identifier rules, shared by decode and encode.
 * @par Statements
 * MQTT-3.1.2-3 (reserved bit), 3.1.1 MQTT-3.1.2-13/-14/-15 and 5.0 MQTT-3.1.2-11/-12/-13
 * (will QoS and retain), 3.1.1 MQTT-3.1.2-22 (password needs user name; not in 5.0),
 * 3.1.1 MQTT-3.1.3-7 (empty client id needs CleanSession), 3.1 client id of 1..23 characters.
 */
[[nodiscard]] constexpr fault check_connect_flags(std::uint8_t flags, protocol_version version,
                                                  std::size_t at) noexcept {
    if (flags & 0x01u) return make_fault(errc::connect_reserved_flag_set, at);
    const bool will = (flags & 0x04u) != 0;
    const unsigned will_qos = (flags >> 3) & 0x3u;
    if (!will && will_qos != 0) return make_fault(errc::will_qos_without_will, at);
    if (!will && (flags & 0x20u)) return make_fault(errc::will_retain_without_will, at);
    if (will && will_qos == 3) return make_fault(errc::will_qos_invalid, at);
    if (version != protocol_version::v5 && (flags & 0x40u) && !(flags & 0x80u))
        return make_fault(errc::password_without_user_name, at);
    return {};
}

[[nodiscard]] constexpr fault check_client_id(std::size_t characters, bool clean_start,
                                              protocol_version version, std::size_t at) noexcept {
    if (version == protocol_version::v3_1 && (characters == 0 || characters > 23))
        return make_fault(errc::client_identifier_length_invalid, at);
    if (version == protocol_version::v3_1_1 && characters == 0 && !clean_start)
        return make_fault(errc::client_identifier_empty_without_clean_session, at);
    return {};
}

/**
 * Decodes a whole CONNECT into `out` (default-constructed where it will live). `opts.version`
 * becomes the packet's version once its level is read: a fault is numbered in it.
 */
template <byte_like B>
[[nodiscard]] constexpr fault decode_connect_into(const B* p, std::size_t n, codec_options& opts,
                                                  connect_view<B>& out) noexcept {
    frame f;
    if (const fault e = open_packet(p, n, packet_type::connect, opts, f)) return e;
    reader<B> r(p, f.header_size, f.header_size + std::size_t{f.remaining_length});

    const std::size_t name_at = r.offset();
    std::span<const B> name{};
    std::uint8_t level = 0;
    if (!r.read_prefixed(name) || !r.read_u8(level))
        return make_fault(errc::packet_truncated, name_at);
    const bool mqtt = equals(name, "MQTT");
    if (!mqtt && !equals(name, "MQIsdp")) return make_fault(errc::protocol_name_invalid, name_at);
    if (mqtt ? (level != 4 && level != 5) : level != 3)
        return make_fault(errc::protocol_version_unsupported, name_at + name.size() + 2);
    opts.version = static_cast<protocol_version>(level);
    out.version = opts.version;
    const bool v5 = opts.version == protocol_version::v5;

    const std::size_t flags_at = r.offset();
    std::uint8_t flags = 0;
    if (!r.read_u8(flags) || !r.read_u16(out.keep_alive))
        return make_fault(errc::packet_truncated, flags_at);
    if (const fault e = check_connect_flags(flags, opts.version, flags_at)) return e;
    out.clean_start = (flags & 0x02u) != 0;
    if (v5) {
        if (const fault e = read_properties(r, property_context::connect, opts, out.properties))
            return e;
    }

    // MQTT-3.1.3-1: Client Identifier, [Will Properties,] Will Topic, Will Payload, User Name,
    // Password, each present only when its flag says so.
    const std::size_t id_at = r.offset();
    std::span<const B> id{};
    if (fault e = read_string(r, id, opts.leniency)) {
        if (e.code == errc::packet_truncated) e.site = statement_site::client_id_missing;
        return e;
    }
    if (const fault e = check_client_id(client_id_length(id, opts.version), out.clean_start,
                                        opts.version, id_at))
        return e;
    out.client_id = as_text(id.data(), id.size());

    if (flags & 0x04u) {
        fault failure{};
        // Built where the optional holds it: the will view is neither zeroed nor copied.
        out.will.emplace(build_in_place<will_message_view<B>>(
            [&](will_message_view<B>& will) {
                will.qos_level = static_cast<qos>((flags >> 3) & 0x3u);
                will.retain = (flags & 0x20u) != 0;
                if (v5) {
                    if (const fault e =
                            read_properties(r, property_context::will, opts, will.properties))
                        return e;
                }
                const std::size_t topic_at = r.offset();
                std::span<const B> topic;
                if (!r.read_prefixed(topic))
                    return make_fault(errc::packet_truncated, topic_at,
                                      statement_site::will_fields_missing);
                if (const text_fault t =
                        check_topic_name(topic.data(), topic.size(), opts.leniency);
                    t.code != errc::none)
                    return field_fault_at(t, topic_at);
                const std::size_t payload_at = r.offset();
                if (!r.read_prefixed(will.payload))
                    return make_fault(errc::packet_truncated, payload_at,
                                      statement_site::will_fields_missing);
                will.topic = as_text(topic.data(), topic.size());
                return fault{};
            },
            &failure));
        if (failure) return failure;
    }
    if (flags & 0x80u) {
        const std::size_t at = r.offset();
        std::span<const B> user;
        if (!r.read_prefixed(user))
            return make_fault(errc::packet_truncated, at, statement_site::user_name_missing);
        const text_fault t =
            check_text(user.data(), user.size(), text_rules::string, opts.leniency);
        if (t.code != errc::none) return text_fault_at(t, at + 2);
        out.user_name = as_text(user.data(), user.size());
    }
    if (flags & 0x40u) {
        const std::size_t at = r.offset();
        std::span<const B> password;
        if (!r.read_prefixed(password))
            return make_fault(errc::packet_truncated, at, statement_site::password_missing);
        out.password = password;
    }
    if (!r.at_end()) {
        // Bytes after the last flagged field: a User Name or Password its flag says is absent
        // (3.1.1 MQTT-3.1.2-18/-20, 5.0 MQTT-3.1.2-16/-18).
        const statement_site site = !(flags & 0x80u)   ? statement_site::user_name_unflagged
                                    : !(flags & 0x40u) ? statement_site::password_unflagged
                                                       : statement_site::errc_default;
        return make_fault(errc::packet_has_trailing_bytes, r.offset(), site);
    }
    return {};
}

template <byte_like B>
[[nodiscard]] constexpr result<connect_view<B>> decode_connect_at(const B* p, std::size_t n,
                                                                  codec_options opts) noexcept {
    result<connect_view<B>> res(std::in_place);
    if (const fault e = decode_connect_into(p, n, opts, *res))
        result_access::fail(res, to_error(e, opts.version));
    return res;
}

/** declared_protocol_version on p[0, n): the level byte after a known Protocol Name, if any. */
template <byte_like B>
[[nodiscard]] constexpr std::optional<protocol_version> declared_version_at(
    const B* p, std::size_t n) noexcept {
    if (n < 2 || (to_u8(p[0]) >> 4) != static_cast<std::uint8_t>(packet_type::connect))
        return std::nullopt;
    // A Remaining Length that is not minimal still says where the packet ends.
    const vbi_read length = read_vbi(p + 1, n - 1);
    if (length.status != vbi_status::ok && length.status != vbi_status::not_minimal)
        return std::nullopt;
    const std::size_t begin = std::size_t{1} + length.length;
    const std::size_t end = n - begin < length.value ? n : begin + length.value;
    reader<B> r(p, begin, end);
    std::span<const B> name{};
    std::uint8_t level = 0;
    if (!r.read_prefixed(name) || !r.read_u8(level)) return std::nullopt;
    if (!equals(name, "MQTT") && !equals(name, "MQIsdp")) return std::nullopt;
    return static_cast<protocol_version>(level);
}

[[nodiscard]] constexpr std::uint8_t connect_flags(const connect_packet& c) noexcept {
    unsigned flags = c.clean_start ? 0x02u : 0u;
    if (c.will) {
        flags |=
            0x04u | (static_cast<unsigned>(c.will->qos_level) << 3) | (c.will->retain ? 0x20u : 0u);
    }
    if (c.password) flags |= 0x40u;
    if (c.user_name) flags |= 0x80u;
    return static_cast<std::uint8_t>(flags);
}

template <class Writer>
MQTTWIRE_ALWAYS_INLINE constexpr void emit_packet(const connect_packet& c,
                                                  const codec_options& opts,
                                                  const encode_plan& plan, Writer& w,
                                                  bool) noexcept {
    write_fixed_header(w, packet_type::connect, plan);
    // One literal per branch, so each copy has a constant size: through protocol_name() g++ 12
    // -O3 sees a 4-or-6-byte source reach the writer's 16-byte copy path (-Warray-bounds).
    if (opts.version == protocol_version::v3_1)
        w.prefixed_text("MQIsdp");
    else
        w.prefixed_text("MQTT");
    w.u8(static_cast<std::uint8_t>(opts.version.value));
    w.u8(connect_flags(c));
    w.u16(c.keep_alive);
    const bool v5 = opts.version == protocol_version::v5;
    if (v5) write_properties(w, c.properties, plan.properties);
    w.prefixed_text(c.client_id);
    if (c.will) {
        if (v5) write_properties(w, c.will->properties, plan.will_properties);
        w.prefixed_text(c.will->topic);
        w.prefixed_bytes(c.will->payload);
    }
    if (c.user_name) w.prefixed_text(*c.user_name);
    if (c.password) w.prefixed_bytes(*c.password);
}

[[nodiscard]] constexpr fault plan_packet(const connect_packet& c, const codec_options& opts,
                                          encode_plan& plan) noexcept {
    if (const fault f = check_direction(packet_type::connect, opts)) return f;
    if (!is_supported(opts.version)) return make_fault(errc::protocol_version_unsupported, 0);
    const bool v5 = opts.version == protocol_version::v5;
    if (c.will && static_cast<unsigned>(c.will->qos_level) > 3)
        return make_fault(errc::value_out_of_range, 0);
    if (const fault f = check_connect_flags(connect_flags(c), opts.version, 0)) return f;
    if (const fault f =
            measure_properties(c.properties, opts, plan.properties))
        return f;
    if (!v5 && plan.properties != 0) return make_fault(errc::not_in_protocol_version, 0);

    if (const fault f = check_field_text(c.client_id, opts.leniency)) return f;
    if (const fault f = check_client_id(
            client_id_length(std::span<const char>(c.client_id.data(), c.client_id.size()),
                             opts.version),
            c.clean_start, opts.version, 0))
        return f;
    if (c.will) {
        if (const fault f = measure_properties(c.will->properties, opts, plan.will_properties))
            return f;
        if (!v5 && plan.will_properties != 0) return make_fault(errc::not_in_protocol_version, 0);
        if (c.will->topic.size() > max_field_length) return make_fault(errc::field_too_long, 0);
        if (const text_fault t =
                check_topic_name(c.will->topic.data(), c.will->topic.size(), opts.leniency);
            t.code != errc::none)
            return make_fault(t.code, 0);
        if (c.will->payload.size() > max_field_length) return make_fault(errc::field_too_long, 0);
    }
    if (c.user_name) {
        if (const fault f = check_field_text(*c.user_name, opts.leniency)) return f;
    }
    if (c.password && c.password->size() > max_field_length)
        return make_fault(errc::field_too_long, 0);
    return finish_plan_by_emit(c, opts, plan);
}

}  // namespace detail

/**
 * Decodes a CONNECT (sent by a client). The protocol version comes from the packet: (`MQIsdp`,
 * 3), (`MQTT`, 4) or (`MQTT`, 5); `opts.version` only numbers the statements of errors found
 * before the level is read, so a server's first read passes `before_connect`. The Will Message
 * and Password are binary in every version.
 * @par Statements
 * MQTT-3.1.2-1, MQTT-3.1.2-2 (name and level, reason code 0x84 / return code 1), flags per
 * check_connect_flags, MQTT-3.1.2-9 (will fields present), 3.1.1 MQTT-3.1.2-18..-21 and 5.0
 * MQTT-3.1.2-16..-19 (user name and password present exactly when flagged), MQTT-3.1.3-1,
 * MQTT-3.1.3-3, MQTT-3.1.3-4, 3.1.1 MQTT-3.1.3-10/-11, 5.0 MQTT-3.1.3-11/-12, MQTT-3.1.4-1.
 * On failure, declared_protocol_version(packet) and refuse_connect say how to answer.
 */
template <byte_range R>
[[nodiscard]] constexpr result<connect_view<range_byte_t<R>>> decode_connect(
    R&& packet, const codec_options& opts) noexcept {
    const auto s = detail::as_span(packet);
    return detail::decode_connect_at(s.data(), s.size(), opts);
}

/**
 * The protocol level a CONNECT declares, read from the front of `packet` (the whole packet, or
 * the prefix that has arrived), for a server whose decode_connect or frame_packet failed: the
 * level says how the client reads a CONNACK (5: a 5.0 reason code; 3, 4: a 3.x return code;
 * see refuse_connect). The byte is returned as declared, also a level mqttwire does not speak
 * (is_supported() is false), or one that does not match the name ("MQIsdp" with 4).
 *
 * std::nullopt when the bytes do not get that far: not a CONNECT, a Remaining Length that is
 * incomplete or longer than 4 bytes, a Protocol Name or level byte missing (within the bytes
 * given and the Remaining Length), or a Protocol Name other than "MQTT" and "MQIsdp" (the
 * client does not speak MQTT: 3.1.1 and 5.0 MQTT-3.1.2-1 let the server close). Nothing else
 * is checked, and at most the first 14 bytes are read.
 * @par Wire format
 * Fixed header `0001 xxxx` + Remaining Length; Protocol Name (UTF-8 string "MQTT" or
 * "MQIsdp"); Protocol Level (one byte).
 */
template <byte_range R>
[[nodiscard]] constexpr std::optional<protocol_version> declared_protocol_version(
    R&& packet) noexcept {
    const auto s = detail::as_span(packet);
    return detail::declared_version_at(s.data(), s.size());
}

}  // namespace mqttwire
