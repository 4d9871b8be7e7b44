// A validated MQTT 5.0 property list: checked once at decode (allowed here, not duplicated, value
// in range, inside the packet), then singletons are read in O(1) and repeated properties iterate
// in wire order over the original bytes.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <span>
#include <string_view>
#include <type_traits>

#include "../detail/config.hpp"
#include "../error.hpp"
#include "../options.hpp"
#include "../protocol.hpp"
#include "../result.hpp"
#include "../rules/topic.hpp"
#include "../wire/bytes.hpp"
#include "../wire/reader.hpp"
#include "../wire/utf8.hpp"
#include "property_id.hpp"
#include "property_rules.hpp"
#include "property_value.hpp"

namespace mqttwire {

namespace detail {

/** Bytes a property value of `type` takes at p (validated input only). */
template <byte_like B>
[[nodiscard]] constexpr std::size_t value_size(property_type type, const B* p) noexcept {
    switch (type) {
        case property_type::byte: return 1;
        case property_type::two_byte_integer: return 2;
        case property_type::four_byte_integer: return 4;
        case property_type::variable_byte_integer: return read_validated_vbi(p).length;
        case property_type::utf8_string:
        case property_type::binary_data: return 2 + ((std::size_t{to_u8(p[0])} << 8) | to_u8(p[1]));
        case property_type::utf8_string_pair: {
            const std::size_t a = 2 + ((std::size_t{to_u8(p[0])} << 8) | to_u8(p[1]));
            return a + 2 + ((std::size_t{to_u8(p[a])} << 8) | to_u8(p[a + 1]));
        }
        case property_type::none: return 0;
    }
    return 0;
}

template <byte_like B>
[[nodiscard]] constexpr std::uint32_t be_at(const B* p, std::size_t n) noexcept {
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < n; ++i) v = (v << 8) | to_u8(p[i]);
    return v;
}

template <byte_like B>
[[nodiscard]] constexpr std::uint32_t vbi_at(const B* p) noexcept {
    return read_validated_vbi(p).value;
}

/** The UTF-8 String whose two-byte length is at p. */
template <byte_like B>
[[nodiscard]] constexpr std::string_view text_at(const B* p) noexcept {
    return as_text(p + 2, be_at(p, 2));
}

/** The Binary Data whose two-byte length is at p. */
template <byte_like B>
[[nodiscard]] constexpr std::span<const B> binary_at(const B* p) noexcept {
    return std::span<const B>(p + 2, be_at(p, 2));
}

/** The UTF-8 String Pair at p. */
template <byte_like B>
[[nodiscard]] constexpr user_property_view pair_at(const B* p) noexcept {
    const std::size_t n = be_at(p, 2);
    return {as_text(p + 2, n), text_at(p + 2 + n)};
}

/** The value of property Id whose value bytes start at p (validated input only). */
template <property_id Id, byte_like B>
[[nodiscard]] constexpr property_view_value_t<B, Id> read_value(const B* p) noexcept {
    using T = property_view_value_t<B, Id>;
    constexpr property_type type = type_of(Id);
    if constexpr (type == property_type::byte) {
        if constexpr (std::is_same_v<T, bool>)
            return to_u8(*p) != 0;
        else
            return static_cast<T>(to_u8(*p));
    } else if constexpr (type == property_type::two_byte_integer) {
        return static_cast<std::uint16_t>(be_at(p, 2));
    } else if constexpr (type == property_type::four_byte_integer) {
        return be_at(p, 4);
    } else if constexpr (type == property_type::variable_byte_integer) {
        return vbi_at(p);
    } else if constexpr (type == property_type::utf8_string) {
        return text_at(p);
    } else if constexpr (type == property_type::binary_data) {
        return binary_at(p);
    } else {
        return pair_at(p);
    }
}

struct properties_access;

}  // namespace detail

/** Iterates the properties with one identifier (User Property or Subscription Identifier). */
template <byte_like B, property_id Id>
class property_range {
public:
    using value_type = property_view_value_t<B, Id>;

    class iterator {
    public:
        using value_type = property_view_value_t<B, Id>;
        using difference_type = std::ptrdiff_t;
        using iterator_category = std::forward_iterator_tag;

        constexpr iterator() noexcept = default;
        constexpr iterator(const B* pos, const B* end) noexcept : pos_(pos), end_(end) { seek(); }
        [[nodiscard]] constexpr value_type operator*() const noexcept {
            return detail::read_value<Id>(pos_ + 1);
        }
        constexpr iterator& operator++() noexcept {
            advance();
            seek();
            return *this;
        }
        constexpr iterator operator++(int) noexcept {
            iterator old = *this;
            ++*this;
            return old;
        }
        friend constexpr bool operator==(const iterator& a, const iterator& b) noexcept {
            return a.pos_ == b.pos_;
        }

    private:
        constexpr void advance() noexcept {
            const auto type = type_of(static_cast<property_id>(detail::to_u8(*pos_)));
            pos_ += 1 + detail::value_size(type, pos_ + 1);
        }
        constexpr void seek() noexcept {
            while (pos_ != end_ && detail::to_u8(*pos_) != static_cast<std::uint8_t>(Id)) advance();
        }
        const B* pos_ = nullptr;
        const B* end_ = nullptr;
    };

    constexpr property_range() noexcept = default;
    constexpr property_range(const B* first, const B* end, std::size_t count) noexcept
        : first_(first), end_(end), count_(count) {}

    [[nodiscard]] constexpr iterator begin() const noexcept { return {first_, end_}; }
    [[nodiscard]] constexpr iterator end() const noexcept { return {end_, end_}; }
    [[nodiscard]] constexpr std::size_t size() const noexcept { return count_; }
    [[nodiscard]] constexpr bool empty() const noexcept { return count_ == 0; }

private:
    const B* first_ = nullptr;
    const B* end_ = nullptr;
    std::size_t count_ = 0;
};

template <byte_like B>
using user_property_range = property_range<B, property_id::user_property>;
template <byte_like B>
using subscription_identifier_range = property_range<B, property_id::subscription_identifier>;

/**
 * Validated MQTT 5.0 properties of one packet (or of a CONNECT's will). A view: valid while the
 * decoded bytes are. Empty (no properties) for 3.1 and 3.1.1 packets.
 */
template <byte_like B>
class properties_view {
public:
    /**
     * Empty. The offset table is only written as properties are found and only read where
     * `present_` says so; leaving it unwritten keeps every decode from clearing 108 bytes
     * (zeroed only during constant evaluation, which does not allow copying unwritten values).
     */
    constexpr properties_view() noexcept {  // NOLINT: slots_ is deliberately not initialised
        if (std::is_constant_evaluated()) slots_ = {};
    }

    /** True when the packet carried no property. */
    [[nodiscard]] constexpr bool empty() const noexcept { return size_ == 0; }
    /** The encoded property list (without its Property Length), for forwarding as is. */
    [[nodiscard]] constexpr std::span<const B> encoded() const noexcept { return {data_, size_}; }
    /** Whether a property with this identifier is present. */
    [[nodiscard]] constexpr bool contains(property_id id) const noexcept { return slot(id) != 0; }

    /**
     * The value of property Id (the first one, if it repeats), typed as the property table
     * says: std::optional<property_view_value_t<B, Id>>, empty when the list does not hold it.
     */
    template <property_id Id>
    [[nodiscard]] constexpr std::optional<property_view_value_t<B, Id>> get() const noexcept {
        if (const auto at = slot(Id)) return detail::read_value<Id>(data_ + at);
        return std::nullopt;
    }
    /** Every value of a property that may repeat, in wire order. */
    template <property_id Id>
    requires(may_repeat(Id))
        [[nodiscard]] constexpr property_range<B, Id> get_all() const noexcept {
        const auto at = slot(Id);
        const B* end = data_ + size_;
        return {at ? data_ + at - 1 : end, end, counts_[detail::counter_of(Id)]};
    }

    // One accessor per property, named as the property table names it.
    [[nodiscard]] constexpr auto payload_format_indicator() const noexcept {
        return get<property_id::payload_format_indicator>();
    }
    [[nodiscard]] constexpr auto message_expiry_interval() const noexcept {
        return get<property_id::message_expiry_interval>();
    }
    [[nodiscard]] constexpr auto content_type() const noexcept {
        return get<property_id::content_type>();
    }
    [[nodiscard]] constexpr auto response_topic() const noexcept {
        return get<property_id::response_topic>();
    }
    [[nodiscard]] constexpr auto correlation_data() const noexcept {
        return get<property_id::correlation_data>();
    }
    /** First Subscription Identifier (SUBSCRIBE carries at most one). */
    [[nodiscard]] constexpr auto subscription_identifier() const noexcept {
        return get<property_id::subscription_identifier>();
    }
    /** Every Subscription Identifier, in wire order (a server's PUBLISH may carry several). */
    [[nodiscard]] constexpr auto subscription_identifiers() const noexcept {
        return get_all<property_id::subscription_identifier>();
    }
    [[nodiscard]] constexpr auto session_expiry_interval() const noexcept {
        return get<property_id::session_expiry_interval>();
    }
    [[nodiscard]] constexpr auto assigned_client_identifier() const noexcept {
        return get<property_id::assigned_client_identifier>();
    }
    [[nodiscard]] constexpr auto server_keep_alive() const noexcept {
        return get<property_id::server_keep_alive>();
    }
    [[nodiscard]] constexpr auto authentication_method() const noexcept {
        return get<property_id::authentication_method>();
    }
    [[nodiscard]] constexpr auto authentication_data() const noexcept {
        return get<property_id::authentication_data>();
    }
    [[nodiscard]] constexpr auto request_problem_information() const noexcept {
        return get<property_id::request_problem_information>();
    }
    [[nodiscard]] constexpr auto will_delay_interval() const noexcept {
        return get<property_id::will_delay_interval>();
    }
    [[nodiscard]] constexpr auto request_response_information() const noexcept {
        return get<property_id::request_response_information>();
    }
    [[nodiscard]] constexpr auto response_information() const noexcept {
        return get<property_id::response_information>();
    }
    [[nodiscard]] constexpr auto server_reference() const noexcept {
        return get<property_id::server_reference>();
    }
    [[nodiscard]] constexpr auto reason_string() const noexcept {
        return get<property_id::reason_string>();
    }
    [[nodiscard]] constexpr auto receive_maximum() const noexcept {
        return get<property_id::receive_maximum>();
    }
    [[nodiscard]] constexpr auto topic_alias_maximum() const noexcept {
        return get<property_id::topic_alias_maximum>();
    }
    [[nodiscard]] constexpr auto topic_alias() const noexcept {
        return get<property_id::topic_alias>();
    }
    [[nodiscard]] constexpr auto maximum_qos() const noexcept {
        return get<property_id::maximum_qos>();
    }
    [[nodiscard]] constexpr auto retain_available() const noexcept {
        return get<property_id::retain_available>();
    }
    [[nodiscard]] constexpr auto maximum_packet_size() const noexcept {
        return get<property_id::maximum_packet_size>();
    }
    [[nodiscard]] constexpr auto wildcard_subscription_available() const noexcept {
        return get<property_id::wildcard_subscription_available>();
    }
    [[nodiscard]] constexpr auto subscription_identifier_available() const noexcept {
        return get<property_id::subscription_identifier_available>();
    }
    [[nodiscard]] constexpr auto shared_subscription_available() const noexcept {
        return get<property_id::shared_subscription_available>();
    }
    /** User Property pairs in wire order, duplicates kept (MQTT-3.3.2-18 needs the order). */
    [[nodiscard]] constexpr auto user_properties() const noexcept {
        return get_all<property_id::user_property>();
    }

private:
    friend struct detail::properties_access;  // the decoder fills the offset table

    const B* data_ = nullptr;
    std::uint32_t size_ = 0;
    std::uint32_t present_ = 0;  // bit i: slots_[i] holds the value offset of a property
    // A count per repeatable identifier (detail::counter_of), and one no one reads (every other
    // property), so that the decoder counts without a branch.
    std::array<std::uint32_t, detail::repeatable_count + 1> counts_{};
    std::array<std::uint32_t, detail::property_slot_count> slots_;  // valid where present_ says

    [[nodiscard]] constexpr std::uint32_t slot(property_id id) const noexcept {
        const auto raw = static_cast<std::uint8_t>(id);
        if (raw > max_property_id) return 0;
        const std::uint8_t i = detail::property_layouts[raw].slot;
        return (present_ >> i) & 1u ? slots_[i] : 0;
    }
};

namespace detail {

/** The decoder's way in to a properties_view's offset table. */
struct properties_access {
    template <byte_like B>
    static constexpr void start(properties_view<B>& v, const B* data, std::uint32_t size) noexcept {
        v.data_ = data;
        v.size_ = size;
    }
    /** Records a property whose value starts at `offset`; `first`: its identifier is new. */
    template <byte_like B>
    static constexpr void record(properties_view<B>& v, const property_layout& info,
                                 std::uint32_t offset, bool first) noexcept {
        if (first) {
            v.slots_[info.slot] = offset;
            v.present_ |= std::uint32_t{1} << info.slot;
        }
        ++v.counts_[info.counter];
    }
    /** Bit i: slot i of the offset table holds the first property with that slot. */
    template <byte_like B>
    [[nodiscard]] static constexpr std::uint32_t present(const properties_view<B>& v) noexcept {
        return v.present_;
    }
    /** Offset in the list of the value of the first property using `slot` (when present). */
    template <byte_like B>
    [[nodiscard]] static constexpr std::uint32_t value_offset(const properties_view<B>& v,
                                                              std::uint8_t slot) noexcept {
        return v.slots_[slot];
    }
    /** How many Subscription Identifiers the list holds. */
    template <byte_like B>
    [[nodiscard]] static constexpr std::uint32_t subscription_identifier_count(
        const properties_view<B>& v) noexcept {
        return v.counts_[counter_of(property_id::subscription_identifier)];
    }
};

/**
 * Reads a Property Length and the property list after it, validating every rule once (without
 * `Prefixed`: the reader holds just the list, as stored).
 * @par Statements
 * 5.0 MQTT-1.5.4-1/-2 and MQTT-1.5.7-1 (strings), MQTT-3.3.2-8, MQTT-3.3.2-13/-14 (Response
 * Topic is a Topic Name), MQTT-3.3.4-6 (no Subscription Identifier from a client),
 * MQTT-3.14.2-2 (no Session Expiry Interval from a server's DISCONNECT); §2.2.2.2 (identifier
 * allowed in this packet, single-valued ones not repeated).
 */
template <byte_like B, bool Prefixed = true>
[[nodiscard]] MQTTWIRE_NOINLINE constexpr fault read_property_list(
    reader<B>& r, property_context ctx, const codec_options& opts,
    properties_view<B>& out) noexcept {
    std::uint32_t length = 0;
    if constexpr (!Prefixed) {
        // A stored list (decode_properties): the reader holds exactly the list.
        length = static_cast<std::uint32_t>(r.remaining());
    } else {
        const std::size_t length_at = r.offset();
        // MQTT-2.2.2-1: the Property Length is there even for no properties; for a will, the Will
        // Properties field is one the Will Flag requires (MQTT-3.1.2-9).
        if (r.at_end())
            return make_fault(errc::property_length_overruns_packet, length_at,
                              ctx == property_context::will
                                  ? statement_site::will_fields_missing
                                  : statement_site::property_length_missing);
        if (const errc e = r.read_vbi(length, errc::property_length_overruns_packet);
            e != errc::none)
            return make_fault(e, length_at);
        if (length > r.remaining())
            return make_fault(errc::property_length_overruns_packet, length_at);
    }

    const std::size_t begin = r.offset();
    const std::size_t end = begin + length;
    const B* const data = r.data();
    properties_access::start(out, data + begin, length);
    r = reader<B>(data, end, r.end());

    using p = property_id;
    const context_rules& rules = property_context_rules[static_cast<std::size_t>(ctx)];
    const std::uint64_t allowed = rules.allowed;
    // Identifiers that may not repeat here.
    const std::uint64_t single = ~rules.repeatable;
    // Identifiers this sender may not send here (sender_rules).
    const std::uint64_t wrong_sender = wrong_sender_properties(ctx, opts.from);
    std::uint64_t seen = 0;
    std::size_t pos = begin;
    while (pos != end) {
        const std::size_t at = pos;
        const std::uint8_t raw = to_u8(data[at]);
        // Identifiers are Variable Byte Integers, but all defined ones are below 0x80: a first
        // byte with the continuation bit is an unknown (or non-minimal) identifier either way.
        if (raw > max_property_id) return make_fault(errc::property_identifier_unknown, at);
        const std::uint64_t b = std::uint64_t{1} << raw;
        const property_layout info = property_layouts[raw];
        if (!(allowed & b))
            return make_fault(info.type == property_type::none ? errc::property_identifier_unknown
                                                               : errc::property_not_allowed,
                              at);
        if (seen & b & single) return make_fault(errc::property_duplicate, at);
        const std::size_t value_at = at + 1;
        const std::size_t left = end - value_at;  // bytes after the identifier
        std::uint32_t number = 0;
        bool numeric = true;
        if (info.type <= property_type::four_byte_integer) {
            // byte, two_byte_integer, four_byte_integer: 1, 2 or 4 bytes.
            const std::size_t size = std::size_t{1} << (static_cast<unsigned>(info.type) - 1);
            if (left < size) return make_fault(errc::property_value_overruns, at);
            const B* v = data + value_at;
            number = size == 1 ? to_u8(*v) : size == 2 ? load_be16(v) : load_be32(v);
            pos = value_at + size;
        } else if (info.type == property_type::variable_byte_integer) {
            const vbi_read v = read_vbi(data + value_at, left);
            if (v.status != vbi_status::ok)
                return make_fault(to_errc(v.status, errc::property_value_overruns), value_at);
            number = v.value;
            pos = value_at + v.length;
        } else {
            // utf8_string, binary_data, utf8_string_pair: one or two length-prefixed fields,
            // both inside the list before either's content is judged.
            if (left < 2) return make_fault(errc::property_value_overruns, at);
            const std::size_t n1 = load_be16(data + value_at);
            if (left - 2 < n1) return make_fault(errc::property_value_overruns, at);
            pos = value_at + 2 + n1;
            std::size_t field[2] = {value_at, pos};
            std::size_t fields = 1;
            if (info.type == property_type::utf8_string_pair) {
                if (end - pos < 2) return make_fault(errc::property_value_overruns, at);
                const std::size_t n2 = load_be16(data + pos);
                if (end - pos - 2 < n2) return make_fault(errc::property_value_overruns, at);
                pos += 2 + n2;
                fields = 2;
            } else if (info.type == property_type::binary_data) {
                fields = 0;
            }
            numeric = false;
            const bool topic = raw == static_cast<std::uint8_t>(p::response_topic);
            for (std::size_t k = 0; k < fields; ++k) {
                const std::size_t f = field[k];
                const std::size_t n = k == 0 ? n1 : pos - f - 2;
                // A Response Topic is a Topic Name (MQTT-3.3.2-13/-14): not empty, no wildcard.
                if (topic && n == 0)
                    return property_text_fault(p::response_topic, errc::topic_name_empty, f + 2);
                // Constant rules at each call: the screen inlines for both.
                const text_fault tf =
                    topic ? check_text(data + f + 2, n, text_rules::topic_name, opts.leniency)
                          : check_text(data + f + 2, n, text_rules::string, opts.leniency);
                if (tf.code != errc::none)
                    return property_text_fault(static_cast<property_id>(raw), tf.code,
                                               f + 2 + tf.offset);
            }
        }
        if (numeric) {
            if (number < info.min || number > info.max)
                return make_fault(info.value_error, value_at);
            if (wrong_sender & b)
                return make_fault(wrong_sender_error(ctx, static_cast<property_id>(raw)), at);
        }
        properties_access::record(out, info, static_cast<std::uint32_t>(value_at - begin),
                                  !(seen & b));
        seen |= b;
    }
    if ((seen & bit(p::authentication_data)) && !(seen & bit(p::authentication_method)))
        return make_fault(errc::authentication_data_without_method, begin);
    return {};
}

/** Reads a Property Length and its list; an empty list (the common case) stays inline. */
template <byte_like B>
[[nodiscard]] MQTTWIRE_ALWAYS_INLINE constexpr fault read_properties(
    reader<B>& r, property_context ctx, const codec_options& opts,
    properties_view<B>& out) noexcept {
    if (!r.at_end() && to_u8(*r.here()) == 0) {
        r.skip(1);
        properties_access::start(out, r.here(), 0);
        return {};
    }
    // The list reader works on a copy, so the caller's reader never has its address taken
    // and can stay in registers.
    reader<B> list = r;
    const fault f = read_property_list(list, ctx, opts, out);
    r = list;
    return f;
}

}  // namespace detail

/**
 * Reopens a stored property list: the bytes of `properties_view::encoded()` (the list without
 * its Property Length) kept with a retained or queued message, or a will. Validated again with
 * every rule the decoder applies in `ctx` (stored bytes may have been corrupted, and a check is
 * cheap next to the I/O that follows); error offsets count from the start of `list`.
 * @return errc::property_*, utf8_*, topic_name_*, topic_alias_zero,
 * subscription_identifier_from_client, session_expiry_from_server, packet_too_large (a list
 * longer than a Property Length can say). The view borrows from `list`.
 */
template <byte_range R>
[[nodiscard]] constexpr result<properties_view<range_byte_t<R>>> decode_properties(
    R&& list, property_context ctx, const codec_options& opts) noexcept {
    using B = range_byte_t<R>;
    const auto s = detail::as_span(list);
    properties_view<B> out;
    if (s.size() > max_variable_byte_integer)
        return detail::to_error(detail::make_fault(errc::packet_too_large, 0), opts.version);
    detail::reader<B> r(s.data(), 0, s.size());
    if (const detail::fault f = detail::read_property_list<B, false>(r, ctx, opts, out))
        return detail::to_error(f, opts.version);
    return out;
}

}  // namespace mqttwire
