// Forwarding a decoded PUBLISH (or a will) to a subscriber: the changes a broker makes, applied
// while the already-validated property bytes are copied as they are.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <type_traits>

#include "../properties/properties_view.hpp"
#include "../properties/property_set.hpp"
#include "common.hpp"
#include "connect.hpp"
#include "publish.hpp"

namespace mqttwire {

/** What a forwarded PUBLISH does with a Topic Alias. */
struct topic_alias_change {
    enum class action : std::uint8_t { remove, keep, set };
    action what = action::remove;
    std::uint16_t alias = 0;  // with action::set: 1..the receiver's Topic Alias Maximum

    /** No Topic Alias: the source's is dropped (the default, see publish_changes). */
    [[nodiscard]] static constexpr topic_alias_change remove() noexcept { return {}; }
    /** The source's Topic Alias, if any, is copied (only right on the connection it came on). */
    [[nodiscard]] static constexpr topic_alias_change keep() noexcept { return {action::keep, 0}; }
    /** This Topic Alias replaces the source's, if any. */
    [[nodiscard]] static constexpr topic_alias_change set(std::uint16_t value) noexcept {
        return {action::set, value};
    }
};

/**
 * The changes a broker makes to a PUBLISH it forwards. Every unset field keeps the source's
 * value, except two that belong to one connection and are never carried over by default: DUP
 * (MQTT-3.3.1-3: an outgoing DUP says only whether that packet is a retransmission) and the
 * Topic Alias (MQTT-3.3.2-7: alias mappings do not cross connections).
 */
struct publish_changes {
    /** QoS of the outgoing PUBLISH (the granted one); unset: the source's. */
    std::optional<qos> qos_level{};
    /** Non-zero when the outgoing QoS is above 0, else 0 (MQTT-2.2.1-2/-3). */
    std::uint16_t packet_id = 0;
    /** RETAIN of the outgoing PUBLISH; unset: the source's. */
    std::optional<bool> retain{};
    /** DUP of the outgoing PUBLISH: true only when resending it (MQTT-3.3.1-3). */
    bool dup = false;
    /** Replaces the Topic Name; "" with a Topic Alias set sends the alias alone (5.0). */
    std::optional<std::string_view> topic_name{};
    topic_alias_change topic_alias{};
    /**
     * Replaces every Subscription Identifier (5.0, server only, MQTT-3.3.4-6); an empty span
     * removes them. Unset: the source's are copied.
     */
    std::optional<std::span<const std::uint32_t>> subscription_identifiers{};
    /** Replaces the Message Expiry Interval: the time left (MQTT-3.3.2-6). Unset: copied. */
    std::optional<std::uint32_t> message_expiry_interval{};
    /** User Properties added after the source's, which are all kept in order (5.0). */
    std::span<const user_property> user_properties{};
};

/**
 * A PUBLISH forwarded with its header only: `encode_header` and `encoded_size` take it; the
 * payload (`source->payload_size` bytes) is sent after it as it arrives. `encode` refuses it at
 * compile time: the payload is not there. Built by `forward`; `source` must outlive it.
 */
template <byte_like B>
struct forwarded_publish_head {
    const publish_head_view<B>* source = nullptr;
    publish_changes changes{};
};

/** A whole PUBLISH forwarded: `encode`, `encode_header` and `encoded_size` take it. */
template <byte_like B>
struct forwarded_publish : forwarded_publish_head<B> {
    std::span<const B> payload{};
};

/**
 * The PUBLISH `source` with `changes`, to encode for one subscriber. Nothing is copied here:
 * the result points at `source`.
 *
 * Encoding it copies every property of the source but those the changes replace or remove as
 * the validated bytes they are, in wire order with duplicates kept, and checks only the new
 * values, by the rules `encode` applies to a `publish_packet`. Across versions: to 3.1.1 or
 * 3.1 every property is dropped (a 5.0-only change is errc::not_in_protocol_version, an empty
 * topic errc::topic_name_empty); from 3.x to 5.0 the list starts empty. A packet above
 * `codec_options::maximum_packet_size` (the receiver's) is errc::packet_too_large: a server
 * then discards the message for that client (5.0 MQTT-3.1.2-25).
 */
template <byte_like B>
[[nodiscard]] constexpr forwarded_publish<B> forward(const publish_view<B>& source,
                                                     const publish_changes& changes) noexcept {
    forwarded_publish<B> f;
    f.source = &source;
    f.changes = changes;
    f.payload = source.payload;
    return f;
}

/**
 * The PUBLISH whose head is `source` with `changes`, header only (see forwarded_publish_head):
 * for a payload still arriving, relayed chunk by chunk after `encode_header`.
 */
template <byte_like B>
[[nodiscard]] constexpr forwarded_publish_head<B> forward(const publish_head_view<B>& source,
                                                          const publish_changes& changes) noexcept {
    return {&source, changes};
}

// The result points at its source: a temporary would be gone before the encode.
template <byte_like B>
forwarded_publish<B> forward(const publish_view<B>&&, const publish_changes&) = delete;
template <byte_like B>
forwarded_publish_head<B> forward(const publish_head_view<B>&&, const publish_changes&) = delete;

/**
 * A will decoded from a CONNECT as the PUBLISH a server sends for it (5.0 §3.1.2.5): topic,
 * payload, QoS and RETAIN of the will, its properties as the PUBLISH's. Forward the result:
 * the Will Delay Interval, which no PUBLISH carries, is left out by the copy. Views into the
 * CONNECT's bytes.
 */
template <byte_like B>
[[nodiscard]] constexpr publish_view<B> will_publish(const will_message_view<B>& will) noexcept {
    publish_view<B> p;
    p.topic_name = will.topic;
    p.qos_level = will.qos_level;
    p.retain = will.retain;
    p.properties = will.properties;
    p.payload = will.payload;
    p.payload_size = will.payload.size();
    return p;
}

namespace detail {

/** The presence bit of `Id` in properties_view's offset table (a constant, never a load). */
template <property_id Id>
inline constexpr std::uint32_t slot_bit =
    std::uint32_t{1} << property_layouts[static_cast<std::uint8_t>(Id)].slot;

/** Checks added User Properties (MQTT-1.5.4-1/-2, MQTT-1.5.7-1), out of line. */
[[nodiscard]] MQTTWIRE_NOINLINE constexpr fault check_user_properties(
    std::span<const user_property> users, const codec_options& opts) noexcept {
    for (const user_property& u : users) {
        for (const std::string_view text : {u.name, u.value}) {
            if (text.size() > max_field_length) return make_fault(errc::field_too_long, 0);
            const text_fault t = check_field_content(text, text_rules::string, opts.leniency);
            if (t.code != errc::none)
                return property_text_fault(property_id::user_property, t.code, 0);
        }
    }
    return {};
}

/** Writes (or counts) added User Properties, out of line: rare next to the other changes. */
template <class Writer>
MQTTWIRE_NOINLINE constexpr void write_user_properties(
    Writer& w, std::span<const user_property> users) noexcept {
    for (const user_property& u : users) {
        w.u8(static_cast<std::uint8_t>(property_id::user_property));
        w.prefixed_text(u.name);
        w.prefixed_text(u.value);
    }
}

/**
 * Checks the properties a forward adds, by the rules and in the order the encoder applies to a
 * publish_properties (so both report the same first fault): MQTT-3.3.2-8 (alias 0), User
 * Property text (MQTT-1.5.4-1/-2, MQTT-1.5.7-1), MQTT-3.3.4-6 (no Subscription Identifier
 * from a client, new or kept from `source`) and the Subscription Identifier range.
 */
template <byte_like B>
[[nodiscard]] MQTTWIRE_ALWAYS_INLINE constexpr fault check_added(
    const publish_changes& c, const properties_view<B>& source,
    const codec_options& opts) noexcept {
    if (c.topic_alias.what == topic_alias_change::action::set) {
        if (const errc e = check_numeric_property(property_id::topic_alias, c.topic_alias.alias);
            e != errc::none)
            return make_fault(e, 0);
    }
    if (!c.user_properties.empty())
        if (const fault e = check_user_properties(c.user_properties, opts)) return e;
    if (c.subscription_identifiers) {
        if (!c.subscription_identifiers->empty() && opts.from == sender::client)
            return make_fault(errc::subscription_identifier_from_client, 0);
        for (const std::uint32_t id : *c.subscription_identifiers) {
            if (const errc e = check_numeric_property(property_id::subscription_identifier, id);
                e != errc::none)
                return make_fault(e, 0);
        }
    } else if (opts.from == sender::client &&
               source.contains(property_id::subscription_identifier)) {
        return make_fault(errc::subscription_identifier_from_client, 0);
    }
    return {};
}

/** Whether a forward adds any property. */
[[nodiscard]] MQTTWIRE_ALWAYS_INLINE constexpr bool adds_properties(
    const publish_changes& c) noexcept {
    return c.topic_alias.what == topic_alias_change::action::set ||
           c.message_expiry_interval.has_value() ||
           (c.subscription_identifiers && !c.subscription_identifiers->empty()) ||
           !c.user_properties.empty();
}

/** Writes (or counts) the properties check_added has checked, after the source's. */
template <class Writer>
MQTTWIRE_ALWAYS_INLINE constexpr void write_added(Writer& w, const publish_changes& c) noexcept {
    if (c.message_expiry_interval) {
        w.u8(static_cast<std::uint8_t>(property_id::message_expiry_interval));
        w.u32(*c.message_expiry_interval);
    }
    if (c.topic_alias.what == topic_alias_change::action::set) {
        w.u8(static_cast<std::uint8_t>(property_id::topic_alias));
        w.u16(c.topic_alias.alias);
    }
    if (c.subscription_identifiers) {
        for (const std::uint32_t id : *c.subscription_identifiers) {
            w.u8(static_cast<std::uint8_t>(property_id::subscription_identifier));
            w.vbi(id);
        }
    }
    if (!c.user_properties.empty()) write_user_properties(w, c.user_properties);
}

/** Slots of the source properties a forward leaves out: replaced, removed, or not PUBLISH's. */
[[nodiscard]] MQTTWIRE_ALWAYS_INLINE constexpr std::uint32_t dropped_slots(
    const publish_changes& c) noexcept {
    return slot_bit<property_id::will_delay_interval> |
           (c.topic_alias.what != topic_alias_change::action::keep
                ? slot_bit<property_id::topic_alias>
                : 0) |
           (c.subscription_identifiers ? slot_bit<property_id::subscription_identifier> : 0) |
           (c.message_expiry_interval ? slot_bit<property_id::message_expiry_interval> : 0);
}

/** Bytes a property of `id` takes, identifier included, when its value has a fixed size. */
[[nodiscard]] constexpr std::uint32_t fixed_property_size(property_id id) noexcept {
    return static_cast<std::uint32_t>(1 + value_size<std::byte>(type_of(id), nullptr));
}

/** Calls f(std::integral_constant<property_id, Id>) for each property dropped_slots can name. */
template <class F>
MQTTWIRE_ALWAYS_INLINE constexpr void for_each_droppable(F&& f) noexcept {
    f(std::integral_constant<property_id, property_id::will_delay_interval>{});
    f(std::integral_constant<property_id, property_id::message_expiry_interval>{});
    f(std::integral_constant<property_id, property_id::topic_alias>{});
    f(std::integral_constant<property_id, property_id::subscription_identifier>{});
}

/** Bytes of the Variable Byte Integer at p (validated input only). */
template <byte_like B>
[[nodiscard]] MQTTWIRE_ALWAYS_INLINE constexpr std::uint32_t vbi_length_at(const B* p) noexcept {
    std::uint32_t n = 1;
    while (to_u8(p[n - 1]) & 0x80u) ++n;
    return n;
}

/**
 * One property the forward leaves out, as [begin, end) of the source list: the first (for
 * every droppable property but the Subscription Identifier, the only) one with its identifier,
 * found through the decoder's offset table.
 */
struct property_cut {
    std::uint32_t begin = 0;
    std::uint32_t end = 0;
};

template <property_id Id, byte_like B>
[[nodiscard]] MQTTWIRE_ALWAYS_INLINE constexpr property_cut cut_of(
    const properties_view<B>& v) noexcept {
    constexpr std::uint8_t slot = property_layouts[static_cast<std::uint8_t>(Id)].slot;
    const std::uint32_t value = properties_access::value_offset(v, slot);
    if constexpr (Id == property_id::subscription_identifier)
        return {value - 1, value + vbi_length_at(v.encoded().data() + value)};
    else
        return {value - 1, value - 1 + fixed_property_size(Id)};
}

/** Whether the cut of `hits` (present, dropped) is more than the first property of each. */
template <byte_like B>
[[nodiscard]] MQTTWIRE_ALWAYS_INLINE constexpr bool cuts_repeated(const properties_view<B>& v,
                                                                  std::uint32_t hits) noexcept {
    return (hits & slot_bit<property_id::subscription_identifier>) != 0 &&
           properties_access::subscription_identifier_count(v) > 1;
}

/** Whether `hits` (present, dropped) is one property: the cut is then single_cut. */
template <byte_like B>
[[nodiscard]] MQTTWIRE_ALWAYS_INLINE constexpr bool single_hit(const properties_view<B>& v,
                                                               std::uint32_t hits) noexcept {
    return (hits & (hits - 1)) == 0 && !cuts_repeated(v, hits);
}

/** The cut of the one property in the slot `hit` (single_hit): no walk, no table. */
template <byte_like B>
[[nodiscard]] MQTTWIRE_ALWAYS_INLINE constexpr property_cut single_cut(
    const properties_view<B>& v, std::uint32_t hit) noexcept {
    static_assert(fixed_property_size(property_id::message_expiry_interval) ==
                  fixed_property_size(property_id::will_delay_interval));
    const std::uint32_t value =
        properties_access::value_offset(v, static_cast<std::uint8_t>(std::countr_zero(hit)));
    const std::uint32_t size =
        hit == slot_bit<property_id::subscription_identifier>
            ? 1 + vbi_length_at(v.encoded().data() + value)
        : hit == slot_bit<property_id::topic_alias>
            ? fixed_property_size(property_id::topic_alias)
            : fixed_property_size(property_id::message_expiry_interval);
    return {value - 1, value - 1 + size};
}

/**
 * Copies (or counts) the source list but the properties in the slots `hits`, when more than
 * one is left out: the cuts sorted by position (at most four), or with repeated Subscription
 * Identifiers the list walked property by property.
 */
template <class Writer, byte_like B>
MQTTWIRE_NOINLINE constexpr void write_kept_cut(Writer& w, const properties_view<B>& v,
                                                std::uint32_t hits) noexcept {
    const B* data = v.encoded().data();
    const std::size_t n = v.encoded().size();
    if (cuts_repeated(v, hits)) {
        std::size_t pos = 0, run = 0;
        while (pos != n) {
            const auto raw = to_u8(data[pos]);
            const std::size_t size =
                1 + value_size(type_of(static_cast<property_id>(raw)), data + pos + 1);
            if ((hits >> property_layouts[raw].slot) & 1u) {
                w.bytes_from(data + run, pos - run);
                run = pos + size;
            }
            pos += size;
        }
        w.bytes_from(data + run, n - run);
        return;
    }
    std::array<property_cut, 4> cuts{};  // one per droppable property
    std::size_t count = 0;
    for_each_droppable([&](auto id) {
        if ((hits & slot_bit<id()>) == 0) return;
        const property_cut cut = cut_of<id()>(v);
        std::size_t i = count++;
        for (; i > 0 && cuts[i - 1].begin > cut.begin; --i) cuts[i] = cuts[i - 1];
        cuts[i] = cut;
    });
    std::size_t from = 0;
    for (std::size_t i = 0; i < count; ++i) {
        w.bytes_from(data + from, cuts[i].begin - from);
        from = cuts[i].end;
    }
    w.bytes_from(data + from, n - from);
}

/**
 * What a forward's emit takes from its plan besides encode_plan: the topic, and the source
 * properties left out, found once.
 */
struct forward_plan : encode_plan {
    std::string_view topic{};
    std::uint32_t hits = 0;  // slots of the source properties left out (present, dropped)
    property_cut cut{};      // their cut when one property (single_hit); else end == 0
};

/**
 * Copies (or counts) the source list but the properties in the slots `hits`: `cut` is their cut
 * when they are one property (single_hit), else end == 0.
 */
template <class Writer, byte_like B>
MQTTWIRE_ALWAYS_INLINE constexpr void write_kept(Writer& w, const properties_view<B>& v,
                                                 std::uint32_t hits, property_cut cut) noexcept {
    const std::span<const B> list = v.encoded();
    if (hits == 0) {  // nothing of the source left out: one copy
        w.bytes_from(list.data(), list.size());
    } else if (cut.end != 0) {
        // One property left out (a replaced Subscription Identifier or Topic Alias, the
        // remaining expiry): the bytes before and after it.
        w.bytes_from(list.data(), cut.begin);
        w.bytes_from(list.data() + cut.end, list.size() - cut.end);
    } else {
        write_kept_cut(w, v, hits);
    }
}

/** The forward's property list: the source's kept, then the added ones. */
template <class Writer, byte_like B>
MQTTWIRE_ALWAYS_INLINE constexpr void write_forward_properties(Writer& w,
                                                               const forwarded_publish_head<B>& f,
                                                               std::uint32_t hits,
                                                               property_cut cut) noexcept {
    write_kept(w, f.source->properties, hits, cut);
    write_added(w, f.changes);
}

/**
 * Writes (or counts) the forward's header: fixed header, topic, identifier, 5.0 properties.
 * The count takes the property list's size from the plan, counted there by this same
 * write_forward_properties.
 */
template <class Writer, byte_like B>
MQTTWIRE_ALWAYS_INLINE constexpr void emit_forward_header(const forwarded_publish_head<B>& f,
                                                          const codec_options& opts,
                                                          const forward_plan& plan,
                                                          Writer& w) noexcept {
    write_fixed_header(w, packet_type::publish, plan);
    w.prefixed_text(plan.topic);
    if (plan.flags & 0x6u) w.u16(f.changes.packet_id);
    if (opts.version != protocol_version::v5) return;
    w.vbi(static_cast<std::uint32_t>(plan.properties));
    if constexpr (counts_only<Writer>)
        w.counted(plan.properties);
    else
        write_forward_properties(w, f, plan.hits, plan.cut);
}

/**
 * Plans a forward of `payload` payload bytes, with the checks in the order encode applies them
 * to a publish_packet: flags, topic, properties, size. The sizes are counts of the emit.
 * @par Statements
 * As plan_publish for the header; MQTT-4.7.3-1 / 5.0 §3.3.2.3.4 (empty topic only with an
 * alias), MQTT-3.1.2-24 / MQTT-3.2.2-15 (the receiver's Maximum Packet Size); the added
 * properties' as check_added.
 */
template <class Forward>
[[nodiscard]] MQTTWIRE_ALWAYS_INLINE constexpr fault plan_forward(const Forward& f,
                                                                  std::size_t payload,
                                                                  const codec_options& opts,
                                                                  forward_plan& plan) noexcept {
    const auto& s = *f.source;
    const publish_changes& c = f.changes;
    const auto q = static_cast<std::uint8_t>(c.qos_level ? *c.qos_level : s.qos_level);
    if (const fault e = check_publish_flags(q, c.dup, c.packet_id, opts)) return e;
    const bool v5 = opts.version == protocol_version::v5;
    const std::string_view topic = c.topic_name ? *c.topic_name : s.topic_name;
    const bool aliased = v5 && (c.topic_alias.what == topic_alias_change::action::set ||
                                (c.topic_alias.what == topic_alias_change::action::keep &&
                                 s.properties.contains(property_id::topic_alias)));
    if (c.topic_name) {
        if (const fault e = check_topic_to_send(topic, aliased, opts)) return e;
    } else if (topic.empty() && !aliased) {
        // The source's topic passed its decoder; only the alias it leaned on can be gone.
        return make_fault(errc::topic_name_empty, 0);
    }
    if (v5) {
        if (const fault e = check_added(c, s.properties, opts)) return e;
        // Counted from locals, which the compiler folds; the plan then keeps the cut found.
        const std::uint32_t hits = properties_access::present(s.properties) & dropped_slots(c);
        const property_cut cut =
            hits != 0 && single_hit(s.properties, hits) ? single_cut(s.properties, hits)
                                                        : property_cut{};
        size_counter list;
        write_forward_properties(list, f, hits, cut);
        plan.hits = hits;
        plan.cut = cut;
        plan.properties = list.written();
    } else if (adds_properties(c)) {
        // The added values are checked first, as encode checks a publish_packet's.
        if (const fault e = check_added(c, decltype(s.properties){}, opts)) return e;
        return make_fault(errc::not_in_protocol_version, 0);
    }
    plan.topic = topic;
    plan.flags = publish_flags(q, c.dup, c.retain ? *c.retain : s.retain);
    plan.payload = payload;
    return finish_plan_by_emit(f, opts, plan, payload);
}

// plan_packet and emit_packet make a forward an encodable_packet (found by ADL, as every
// packet's), with a forward_plan as its plan.
template <byte_like B>
[[nodiscard]] MQTTWIRE_ALWAYS_INLINE constexpr fault plan_packet(const forwarded_publish_head<B>& f,
                                                                 const codec_options& opts,
                                                                 forward_plan& plan) noexcept {
    return plan_forward(f, f.source->payload_size, opts, plan);
}
template <class Writer, byte_like B>
MQTTWIRE_ALWAYS_INLINE constexpr void emit_packet(const forwarded_publish_head<B>& f,
                                                  const codec_options& opts,
                                                  const forward_plan& plan, Writer& w,
                                                  bool) noexcept {
    emit_forward_header(f, opts, plan, w);
}
template <byte_like B>
[[nodiscard]] MQTTWIRE_ALWAYS_INLINE constexpr fault plan_packet(const forwarded_publish<B>& f,
                                                                 const codec_options& opts,
                                                                 forward_plan& plan) noexcept {
    return plan_forward(f, f.payload.size(), opts, plan);
}
template <class Writer, byte_like B>
MQTTWIRE_ALWAYS_INLINE constexpr void emit_packet(const forwarded_publish<B>& f,
                                                  const codec_options& opts,
                                                  const forward_plan& plan, Writer& w,
                                                  bool header_only) noexcept {
    emit_forward_header(f, opts, plan, w);
    if (!header_only) w.bytes_from(f.payload.data(), f.payload.size());
}

}  // namespace detail

template <byte_like B>
struct detail::plan_of<forwarded_publish_head<B>> {
    using type = detail::forward_plan;
};
template <byte_like B>
struct detail::plan_of<forwarded_publish<B>> {
    using type = detail::forward_plan;
};

/** A header-only forward has no payload to encode: use encode_header, then send the payload. */
template <byte_like B>
result<std::size_t> encode(const forwarded_publish_head<B>&, const codec_options&,
                           std::span<std::byte>) = delete;

/**
 * Encodes the forwarded PUBLISH but its payload (`source->payload_size` bytes for a
 * header-only forward), to be sent after these bytes. Returns the header bytes written.
 */
template <byte_like B>
[[nodiscard]] constexpr result<std::size_t> encode_header(const forwarded_publish_head<B>& f,
                                                          const codec_options& opts,
                                                          std::span<std::byte> out) noexcept {
    return detail::encode_with_plan(f, opts, out, true);
}
template <byte_like B>
[[nodiscard]] constexpr result<std::size_t> encode_header(const forwarded_publish<B>& f,
                                                          const codec_options& opts,
                                                          std::span<std::byte> out) noexcept {
    return detail::encode_with_plan(f, opts, out, true);
}

}  // namespace mqttwire
