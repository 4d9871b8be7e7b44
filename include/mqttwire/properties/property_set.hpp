// Sizing, checking and writing a typed property set (typed_properties.hpp): sizing and writing
// share one emit (emit_property, counted or written) and the decoder's value rules.
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
#include "property_rules.hpp"
#include "typed_properties.hpp"

namespace mqttwire {

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
        : ctx_(ctx), opts_(opts), wrong_sender_(wrong_sender_properties(ctx, opts.from)) {}

    fault failure{};

    [[nodiscard]] constexpr std::size_t size() const noexcept { return count_.written(); }

    template <class T>
    MQTTWIRE_ALWAYS_INLINE constexpr void operator()(property_id id,
                                                     const std::optional<T>& v) noexcept {
        if (!v) return;
        from_sender(id);
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
        if (!ids.empty()) from_sender(id);
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
    }
    /** The decoder's sender rule (sender_rules): a property only the other side may send. */
    constexpr void from_sender(property_id id) noexcept {
        if (wrong_sender_ & bit(id)) fail(wrong_sender_error(ctx_, id));
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
    /** Identifiers this sender may not send in this context. */
    std::uint64_t wrong_sender_;
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
                                                                      const codec_options& opts,
                                                                      std::size_t& size) noexcept {
    // The set's own context, a constant: the sender rules of the contexts that have none fold
    // away.
    property_measure m(Props::context, opts);
    props.visit(m);
    m.finish();
    size = m.size();
    return m.failure;
}

/** Measures and validates a property set by the rules of its packet; returns the fault, sets
 * `size`. */
template <class Props>
[[nodiscard]] MQTTWIRE_ALWAYS_INLINE constexpr fault measure_properties(
    const Props& props, const codec_options& opts, std::size_t& size) noexcept {
    // Most packets carry no property: one test per field, inline, instead of the measuring
    // visit (an empty set breaks no rule).
    if (!has_properties(props)) {
        size = 0;
        return {};
    }
    return measure_property_list(props, opts, size);
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
