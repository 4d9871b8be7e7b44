// Encode-side MQTT 5.0 properties, typed per packet: a field per allowed property, so a
// misplaced or duplicated property cannot be written. Sizing and writing share one emit
// (emit_property, counted or written) and the decoder's value rules.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "../error.hpp"
#include "../options.hpp"
#include "../rules/topic.hpp"
#include "../wire/bytes.hpp"
#include "../wire/utf8.hpp"
#include "../wire/vbi.hpp"
#include "../wire/writer.hpp"
#include "property_id.hpp"

namespace mqttwire {

/**
 * A Binary Data property to encode (Correlation Data, Authentication Data): bytes as char,
 * unsigned char or std::byte, so a decoded view's value is passed on as it is.
 */
using binary_input = byte_input;

/** A User Property to encode. */
struct user_property {
    std::string_view name{};
    std::string_view value{};
};

/** CONNECT properties (5.0 §3.1.2.11). */
struct connect_properties {
    std::optional<std::uint32_t> session_expiry_interval{};
    std::optional<std::uint16_t> receive_maximum{};
    std::optional<std::uint32_t> maximum_packet_size{};
    std::optional<std::uint16_t> topic_alias_maximum{};
    std::optional<bool> request_response_information{};
    std::optional<bool> request_problem_information{};
    std::optional<std::string_view> authentication_method{};
    std::optional<binary_input> authentication_data{};
    std::span<const user_property> user_properties{};

    template <class V>
    MQTTWIRE_ALWAYS_INLINE constexpr void visit(V& v) const {
        v(property_id::session_expiry_interval, session_expiry_interval);
        v(property_id::receive_maximum, receive_maximum);
        v(property_id::maximum_packet_size, maximum_packet_size);
        v(property_id::topic_alias_maximum, topic_alias_maximum);
        v(property_id::request_response_information, request_response_information);
        v(property_id::request_problem_information, request_problem_information);
        v(property_id::authentication_method, authentication_method);
        v(property_id::authentication_data, authentication_data);
        v(property_id::user_property, user_properties);
    }
};

/** Will Properties of CONNECT (5.0 §3.1.3.2). */
struct will_properties {
    std::optional<std::uint32_t> will_delay_interval{};
    std::optional<payload_format> payload_format_indicator{};
    std::optional<std::uint32_t> message_expiry_interval{};
    std::optional<std::string_view> content_type{};
    std::optional<std::string_view> response_topic{};
    std::optional<binary_input> correlation_data{};
    std::span<const user_property> user_properties{};

    template <class V>
    MQTTWIRE_ALWAYS_INLINE constexpr void visit(V& v) const {
        v(property_id::will_delay_interval, will_delay_interval);
        v(property_id::payload_format_indicator, payload_format_indicator);
        v(property_id::message_expiry_interval, message_expiry_interval);
        v(property_id::content_type, content_type);
        v(property_id::response_topic, response_topic);
        v(property_id::correlation_data, correlation_data);
        v(property_id::user_property, user_properties);
    }
};

/** CONNACK properties (5.0 §3.2.2.3). */
struct connack_properties {
    std::optional<std::uint32_t> session_expiry_interval{};
    std::optional<std::uint16_t> receive_maximum{};
    std::optional<qos> maximum_qos{};  // at_most_once or at_least_once only
    std::optional<bool> retain_available{};
    std::optional<std::uint32_t> maximum_packet_size{};
    std::optional<std::string_view> assigned_client_identifier{};
    std::optional<std::uint16_t> topic_alias_maximum{};
    std::optional<std::string_view> reason_string{};
    std::optional<bool> wildcard_subscription_available{};
    std::optional<bool> subscription_identifier_available{};
    std::optional<bool> shared_subscription_available{};
    std::optional<std::uint16_t> server_keep_alive{};
    std::optional<std::string_view> response_information{};
    std::optional<std::string_view> server_reference{};
    std::optional<std::string_view> authentication_method{};
    std::optional<binary_input> authentication_data{};
    std::span<const user_property> user_properties{};

    template <class V>
    MQTTWIRE_ALWAYS_INLINE constexpr void visit(V& v) const {
        v(property_id::session_expiry_interval, session_expiry_interval);
        v(property_id::receive_maximum, receive_maximum);
        v(property_id::maximum_qos, maximum_qos);
        v(property_id::retain_available, retain_available);
        v(property_id::maximum_packet_size, maximum_packet_size);
        v(property_id::assigned_client_identifier, assigned_client_identifier);
        v(property_id::topic_alias_maximum, topic_alias_maximum);
        v(property_id::reason_string, reason_string);
        v(property_id::wildcard_subscription_available, wildcard_subscription_available);
        v(property_id::subscription_identifier_available, subscription_identifier_available);
        v(property_id::shared_subscription_available, shared_subscription_available);
        v(property_id::server_keep_alive, server_keep_alive);
        v(property_id::response_information, response_information);
        v(property_id::server_reference, server_reference);
        v(property_id::authentication_method, authentication_method);
        v(property_id::authentication_data, authentication_data);
        v(property_id::user_property, user_properties);
    }
};

/** PUBLISH properties (5.0 §3.3.2.3). */
struct publish_properties {
    std::optional<payload_format> payload_format_indicator{};
    std::optional<std::uint32_t> message_expiry_interval{};
    std::optional<std::uint16_t> topic_alias{};
    std::optional<std::string_view> response_topic{};
    std::optional<binary_input> correlation_data{};
    std::span<const user_property> user_properties{};
    /** Server to client only (MQTT-3.3.4-6); each 1..268,435,455. */
    std::span<const std::uint32_t> subscription_identifiers{};
    std::optional<std::string_view> content_type{};

    template <class V>
    MQTTWIRE_ALWAYS_INLINE constexpr void visit(V& v) const {
        v(property_id::payload_format_indicator, payload_format_indicator);
        v(property_id::message_expiry_interval, message_expiry_interval);
        v(property_id::topic_alias, topic_alias);
        v(property_id::response_topic, response_topic);
        v(property_id::correlation_data, correlation_data);
        v(property_id::user_property, user_properties);
        v(property_id::subscription_identifier, subscription_identifiers);
        v(property_id::content_type, content_type);
    }
};

/** Properties of PUBACK, PUBREC, PUBREL, PUBCOMP, SUBACK and UNSUBACK. */
struct ack_properties {
    std::optional<std::string_view> reason_string{};
    std::span<const user_property> user_properties{};

    template <class V>
    MQTTWIRE_ALWAYS_INLINE constexpr void visit(V& v) const {
        v(property_id::reason_string, reason_string);
        v(property_id::user_property, user_properties);
    }
};

/** SUBSCRIBE properties (5.0 §3.8.2.1). */
struct subscribe_properties {
    std::optional<std::uint32_t> subscription_identifier{};  // 1..268,435,455
    std::span<const user_property> user_properties{};

    template <class V>
    MQTTWIRE_ALWAYS_INLINE constexpr void visit(V& v) const {
        v(property_id::subscription_identifier, subscription_identifier);
        v(property_id::user_property, user_properties);
    }
};

/** UNSUBSCRIBE properties (5.0 §3.10.2.1). */
struct unsubscribe_properties {
    std::span<const user_property> user_properties{};

    template <class V>
    MQTTWIRE_ALWAYS_INLINE constexpr void visit(V& v) const {
        v(property_id::user_property, user_properties);
    }
};

/** DISCONNECT properties (5.0 §3.14.2.2). */
struct disconnect_properties {
    std::optional<std::uint32_t> session_expiry_interval{};  // client to server only
    std::optional<std::string_view> reason_string{};
    std::optional<std::string_view> server_reference{};
    std::span<const user_property> user_properties{};

    template <class V>
    MQTTWIRE_ALWAYS_INLINE constexpr void visit(V& v) const {
        v(property_id::session_expiry_interval, session_expiry_interval);
        v(property_id::reason_string, reason_string);
        v(property_id::server_reference, server_reference);
        v(property_id::user_property, user_properties);
    }
};

/** AUTH properties (5.0 §3.15.2.2). */
struct auth_properties {
    std::optional<std::string_view> authentication_method{};
    std::optional<binary_input> authentication_data{};
    std::optional<std::string_view> reason_string{};
    std::span<const user_property> user_properties{};

    template <class V>
    MQTTWIRE_ALWAYS_INLINE constexpr void visit(V& v) const {
        v(property_id::authentication_method, authentication_method);
        v(property_id::authentication_data, authentication_data);
        v(property_id::reason_string, reason_string);
        v(property_id::user_property, user_properties);
    }
};

namespace detail {

/**
 * Writes one property, identifier and value, the same way to every writer kind: written by
 * property_emit, counted by property_measure.
 */
template <class Writer>
MQTTWIRE_ALWAYS_INLINE constexpr void emit_property(Writer& w, property_id id,
                                                    std::uint32_t v) noexcept {
    w.u8(static_cast<std::uint8_t>(id));
    if (id == property_id::subscription_identifier)
        w.vbi(v);
    else
        w.u32(v);
}
template <class Writer>
MQTTWIRE_ALWAYS_INLINE constexpr void emit_property(Writer& w, property_id id,
                                                    std::uint16_t v) noexcept {
    w.u8(static_cast<std::uint8_t>(id));
    w.u16(v);
}
template <class Writer>
MQTTWIRE_ALWAYS_INLINE constexpr void emit_property(Writer& w, property_id id, bool v) noexcept {
    w.u8(static_cast<std::uint8_t>(id));
    w.u8(v ? 1 : 0);
}
template <class Writer>
MQTTWIRE_ALWAYS_INLINE constexpr void emit_property(Writer& w, property_id id,
                                                    payload_format v) noexcept {
    w.u8(static_cast<std::uint8_t>(id));
    w.u8(static_cast<std::uint8_t>(v));
}
template <class Writer>
MQTTWIRE_ALWAYS_INLINE constexpr void emit_property(Writer& w, property_id id, qos v) noexcept {
    w.u8(static_cast<std::uint8_t>(id));
    w.u8(static_cast<std::uint8_t>(v));
}
template <class Writer>
MQTTWIRE_ALWAYS_INLINE constexpr void emit_property(Writer& w, property_id id,
                                                    std::string_view v) noexcept {
    w.u8(static_cast<std::uint8_t>(id));
    w.prefixed_text(v);
}
template <class Writer>
MQTTWIRE_ALWAYS_INLINE constexpr void emit_property(Writer& w, property_id id,
                                                    binary_input v) noexcept {
    w.u8(static_cast<std::uint8_t>(id));
    w.prefixed_bytes(v);
}
template <class Writer>
MQTTWIRE_ALWAYS_INLINE constexpr void emit_property(Writer& w, property_id id,
                                                    const user_property& v) noexcept {
    w.u8(static_cast<std::uint8_t>(id));
    w.prefixed_text(v.name);
    w.prefixed_text(v.value);
}

/**
 * Checks a property set against the rules the decoder applies (string content, value ranges,
 * direction, Authentication Data needing a Method) and counts it with emit_property: `size()`
 * is the byte count of the list without its Property Length.
 */
class property_measure {
public:
    constexpr property_measure(property_context ctx, const codec_options& opts) noexcept
        : ctx_(ctx), opts_(opts) {}

    fault failure{};

    [[nodiscard]] constexpr std::size_t size() const noexcept { return count_.written(); }

    template <class T>
    MQTTWIRE_ALWAYS_INLINE constexpr void operator()(property_id id,
                                                     const std::optional<T>& v) noexcept {
        if (!v) return;
        check(id, *v);
        emit_property(count_, id, *v);
    }
    constexpr void operator()(property_id id, std::span<const user_property> list) noexcept {
        for (const user_property& p : list) {
            text(p.name, id);
            text(p.value, id);
            emit_property(count_, id, p);
        }
    }
    constexpr void operator()(property_id id, std::span<const std::uint32_t> ids) noexcept {
        if (!ids.empty() && opts_.from == sender::client)
            fail(errc::subscription_identifier_from_client);
        for (std::uint32_t v : ids) {
            number(id, v);
            emit_property(count_, id, v);
        }
    }

    /** Cross-property rules, after every field has been visited. */
    constexpr void finish() noexcept {
        if (has_auth_data_ && !has_auth_method_) fail(errc::authentication_data_without_method);
        if (size() > max_variable_byte_integer) fail(errc::packet_too_large);
    }

private:
    constexpr void check(property_id id, std::uint32_t v) noexcept { number(id, v); }
    constexpr void check(property_id id, std::uint16_t v) noexcept { number(id, v); }
    constexpr void check(property_id, bool) noexcept {}
    constexpr void check(property_id id, payload_format v) noexcept {
        number(id, static_cast<std::uint8_t>(v));
    }
    constexpr void check(property_id id, qos v) noexcept {
        number(id, static_cast<std::uint8_t>(v));
    }
    constexpr void check(property_id id, std::string_view v) noexcept {
        if (id == property_id::authentication_method) has_auth_method_ = true;
        text(v, id);
    }
    constexpr void check(property_id id, binary_input v) noexcept {
        if (id == property_id::authentication_data) has_auth_data_ = true;
        if (v.size() > max_field_length) fail(errc::field_too_long);
    }

    constexpr void fail(const fault& f) noexcept {
        if (!failure) failure = f;
    }
    constexpr void fail(errc e) noexcept { fail(make_fault(e, 0)); }
    constexpr void number(property_id id, std::uint32_t v) noexcept {
        if (const errc e = check_numeric_property(id, v); e != errc::none) fail(e);
        if (id == property_id::session_expiry_interval && ctx_ == property_context::disconnect &&
            opts_.from == sender::server)
            fail(errc::session_expiry_from_server);
    }
    constexpr void text(std::string_view s, property_id id) noexcept {
        if (s.size() > max_field_length) return fail(errc::field_too_long);
        const text_fault f = id == property_id::response_topic
                                 ? check_topic_name(s.data(), s.size(), opts_.leniency)
                                 : check_field_content(s, text_rules::string, opts_.leniency);
        if (f.code != errc::none) fail(property_text_fault(id, f.code, 0));
    }

    property_context ctx_;
    const codec_options& opts_;
    size_counter count_{};
    bool has_auth_method_ = false;
    bool has_auth_data_ = false;
};

/** Writes a property set measured by property_measure, through the same emit_property. */
template <class Writer>
class property_emit {
public:
    constexpr explicit property_emit(Writer w) noexcept : w_(w) {}
    [[nodiscard]] constexpr Writer writer_after() const noexcept { return w_; }

    template <class T>
    MQTTWIRE_ALWAYS_INLINE constexpr void operator()(property_id id,
                                                     const std::optional<T>& v) noexcept {
        if (v) emit_property(w_, id, *v);
    }
    template <class T>
    MQTTWIRE_ALWAYS_INLINE constexpr void operator()(property_id id,
                                                     std::span<const T> list) noexcept {
        for (const T& v : list) emit_property(w_, id, v);
    }

private:
    Writer w_;  // a copy, handed back by writer_after(): kept in registers once inlined
};

/** Finds whether a property set holds any property, without measuring it. */
struct property_presence {
    bool any = false;

    template <class T>
    constexpr void operator()(property_id, const std::optional<T>& v) noexcept {
        any |= v.has_value();
    }
    template <class T>
    constexpr void operator()(property_id, std::span<const T> list) noexcept {
        any |= !list.empty();
    }
};

/** True when the set holds at least one property. */
template <class Props>
[[nodiscard]] MQTTWIRE_ALWAYS_INLINE constexpr bool has_properties(const Props& props) noexcept {
    property_presence p;
    props.visit(p);
    return p.any;
}

/** Measures and validates a non-empty property set (see measure_properties). */
template <class Props>
[[nodiscard]] MQTTWIRE_NOINLINE constexpr fault measure_property_list(const Props& props,
                                                                      property_context ctx,
                                                                      const codec_options& opts,
                                                                      std::size_t& size) noexcept {
    property_measure m(ctx, opts);
    props.visit(m);
    m.finish();
    size = m.size();
    return m.failure;
}

/** Measures and validates a property set; returns the fault, sets `size`. */
template <class Props>
[[nodiscard]] MQTTWIRE_ALWAYS_INLINE constexpr fault measure_properties(
    const Props& props, property_context ctx, const codec_options& opts,
    std::size_t& size) noexcept {
    // Most packets carry no property: one test per field, inline, instead of the measuring
    // visit (an empty set breaks no rule).
    if (!has_properties(props)) {
        size = 0;
        return {};
    }
    return measure_property_list(props, ctx, opts, size);
}

/** True when the set holds no property at all. */
template <class Props>
[[nodiscard]] constexpr bool no_properties(const Props& props, property_context ctx,
                                           const codec_options& opts) noexcept {
    std::size_t size = 0;
    (void)measure_properties(props, ctx, opts, size);
    return size == 0;
}

/**
 * Writes the properties of a non-empty set. Out of line, and the writer goes by value both
 * ways: the caller's cursor never has its address taken, so it can stay in a register.
 */
template <class Writer, class Props>
[[nodiscard]] MQTTWIRE_NOINLINE constexpr Writer write_property_list(Writer w,
                                                                     const Props& props) noexcept {
    property_emit<Writer> e(w);
    props.visit(e);
    return e.writer_after();
}

/**
 * Property Length, then the list of `size` bytes measure_properties counted. A size_counter
 * takes that size as it is: the list is counted once, by the emit_property that writes it.
 */
template <class Writer, class Props>
MQTTWIRE_ALWAYS_INLINE constexpr void write_properties(Writer& w, const Props& props,
                                                       std::size_t size) noexcept {
    w.vbi(static_cast<std::uint32_t>(size));
    if constexpr (counts_only<Writer>)
        w.counted(size);
    else if (size != 0)
        w = write_property_list(w, props);
}

}  // namespace detail
}  // namespace mqttwire
