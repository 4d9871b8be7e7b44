// Sizing, checking and writing a typed property set (typed_properties.hpp): sizing and writing
// share one visit of its fields and the decoder's value rules.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "../error.hpp"
#include "../options.hpp"
#include "../rules/topic.hpp"
#include "../wire/utf8.hpp"
#include "../wire/vbi.hpp"
#include "../wire/writer.hpp"
#include "property_id.hpp"
#include "typed_properties.hpp"

namespace mqttwire {

namespace detail {

/**
 * Sizes a property set and checks it against the rules the decoder applies (string content,
 * value ranges, direction, Authentication Data needing a Method). `size` is the byte count of
 * the list without its Property Length.
 */
class property_measure {
public:
    constexpr property_measure(property_context ctx, const codec_options& opts) noexcept
        : ctx_(ctx), opts_(opts) {}

    std::size_t size = 0;
    fault failure{};
    bool has_auth_method = false;
    bool has_auth_data = false;

    constexpr void operator()(property_id id, const std::optional<std::uint32_t>& v) noexcept {
        if (!v) return;
        if (id == property_id::subscription_identifier) {
            number(id, *v);
            size += 1 + vbi_size(*v);
            return;
        }
        number(id, *v);
        size += 5;
    }
    constexpr void operator()(property_id id, const std::optional<std::uint16_t>& v) noexcept {
        if (!v) return;
        number(id, *v);
        size += 3;
    }
    constexpr void operator()(property_id id, const std::optional<bool>& v) noexcept {
        if (v) size += 2;
        (void)id;
    }
    constexpr void operator()(property_id id, const std::optional<payload_format>& v) noexcept {
        if (!v) return;
        number(id, static_cast<std::uint8_t>(*v));
        size += 2;
    }
    constexpr void operator()(property_id id, const std::optional<qos>& v) noexcept {
        if (!v) return;
        number(id, static_cast<std::uint8_t>(*v));
        size += 2;
    }
    constexpr void operator()(property_id id, const std::optional<std::string_view>& v) noexcept {
        if (!v) return;
        if (id == property_id::authentication_method) has_auth_method = true;
        text(*v, id);
        size += 3 + v->size();
    }
    constexpr void operator()(property_id id,
                              const std::optional<std::span<const std::byte>>& v) noexcept {
        if (!v) return;
        if (id == property_id::authentication_data) has_auth_data = true;
        if (v->size() > max_field_length) fail(errc::field_too_long);
        size += 3 + v->size();
    }
    constexpr void operator()(property_id, std::span<const user_property> list) noexcept {
        for (const user_property& p : list) {
            text(p.name, property_id::user_property);
            text(p.value, property_id::user_property);
            size += 5 + p.name.size() + p.value.size();
        }
    }
    constexpr void operator()(property_id id, std::span<const std::uint32_t> ids) noexcept {
        if (!ids.empty() && opts_.from == sender::client)
            fail(errc::subscription_identifier_from_client);
        for (std::uint32_t v : ids) {
            number(id, v);
            size += 1 + vbi_size(v);
        }
    }

    /** Cross-property rules, after every field has been visited. */
    constexpr void finish() noexcept {
        if (has_auth_data && !has_auth_method) fail(errc::authentication_data_without_method);
        if (size > max_variable_byte_integer) fail(errc::packet_too_large);
    }

private:
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
};

/** Writes a property set measured by property_measure. */
template <class Writer>
class property_emit {
public:
    constexpr explicit property_emit(Writer w) noexcept : w_(w) {}
    [[nodiscard]] constexpr Writer writer_after() const noexcept { return w_; }

    MQTTWIRE_ALWAYS_INLINE constexpr void operator()(
        property_id id, const std::optional<std::uint32_t>& v) noexcept {
        if (!v) return;
        head(id);
        if (id == property_id::subscription_identifier)
            w_.vbi(*v);
        else
            w_.u32(*v);
    }
    MQTTWIRE_ALWAYS_INLINE constexpr void operator()(
        property_id id, const std::optional<std::uint16_t>& v) noexcept {
        if (!v) return;
        head(id);
        w_.u16(*v);
    }
    MQTTWIRE_ALWAYS_INLINE constexpr void operator()(property_id id,
                                                     const std::optional<bool>& v) noexcept {
        if (!v) return;
        head(id);
        w_.u8(*v ? 1 : 0);
    }
    MQTTWIRE_ALWAYS_INLINE constexpr void operator()(
        property_id id, const std::optional<payload_format>& v) noexcept {
        if (!v) return;
        head(id);
        w_.u8(static_cast<std::uint8_t>(*v));
    }
    MQTTWIRE_ALWAYS_INLINE constexpr void operator()(property_id id,
                                                     const std::optional<qos>& v) noexcept {
        if (!v) return;
        head(id);
        w_.u8(static_cast<std::uint8_t>(*v));
    }
    MQTTWIRE_ALWAYS_INLINE constexpr void operator()(
        property_id id, const std::optional<std::string_view>& v) noexcept {
        if (!v) return;
        head(id);
        w_.prefixed_text(*v);
    }
    MQTTWIRE_ALWAYS_INLINE constexpr void operator()(
        property_id id, const std::optional<std::span<const std::byte>>& v) noexcept {
        if (!v) return;
        head(id);
        w_.prefixed_bytes(*v);
    }
    MQTTWIRE_ALWAYS_INLINE constexpr void operator()(property_id id,
                                                     std::span<const user_property> list) noexcept {
        for (const user_property& p : list) {
            head(id);
            w_.prefixed_text(p.name);
            w_.prefixed_text(p.value);
        }
    }
    MQTTWIRE_ALWAYS_INLINE constexpr void operator()(property_id id,
                                                     std::span<const std::uint32_t> ids) noexcept {
        for (std::uint32_t v : ids) {
            head(id);
            w_.vbi(v);
        }
    }

private:
    MQTTWIRE_ALWAYS_INLINE constexpr void head(property_id id) noexcept {
        w_.u8(static_cast<std::uint8_t>(id));
    }
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
    size = m.size;
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

template <class Writer, class Props>
MQTTWIRE_ALWAYS_INLINE constexpr void write_properties(Writer& w, const Props& props,
                                                       std::size_t size) noexcept {
    w.vbi(static_cast<std::uint32_t>(size));
    if (size != 0) w = write_property_list(w, props);
}

}  // namespace detail
}  // namespace mqttwire
