// Round trip: whatever decodes must encode again (the packet struct built from the view), that
// encoding must decode to the same fields, and where the input was in canonical form the bytes
// must be identical. fuzz/README.md lists the non-canonical inputs and why they differ.
//
// Input: selector byte (fuzz::options_from), then the packet bytes.
#include "fuzz_common.hpp"

namespace {

namespace mw = mqttwire;
using B = unsigned char;

/** Records the order in which a property set writes its properties. */
struct order_recorder {
    std::vector<mw::property_id> ids;
    template <class T>
    void operator()(mw::property_id id, const T&) {
        ids.push_back(id);
    }
};

/**
 * Whether a decoded property list is in the order the typed encoder writes: each identifier
 * in the set's declaration order, repeated ones (User Property, Subscription Identifier)
 * contiguous.
 */
template <class Set>
bool in_encoder_order(const mw::properties_view<B>& props) {
    order_recorder rec;
    Set{}.visit(rec);
    auto rank = [&](std::uint8_t id) {
        for (std::size_t i = 0; i < rec.ids.size(); ++i)
            if (static_cast<std::uint8_t>(rec.ids[i]) == id) return i;
        return rec.ids.size();
    };
    const auto bytes = props.encoded();
    std::size_t last = 0;
    for (std::size_t i = 0; i < bytes.size();) {
        const std::uint8_t id = bytes[i];
        const std::size_t r = rank(id);
        if (r < last) return false;
        last = r;
        std::size_t value = 0;
        switch (mw::type_of(static_cast<mw::property_id>(id))) {
            case mw::property_type::byte: value = 1; break;
            case mw::property_type::two_byte_integer: value = 2; break;
            case mw::property_type::four_byte_integer: value = 4; break;
            case mw::property_type::variable_byte_integer:
                value = 1;
                while (bytes[i + value] & 0x80u) ++value;
                break;
            case mw::property_type::utf8_string:
            case mw::property_type::binary_data:
                value = 2 + (std::size_t{bytes[i + 1]} << 8 | bytes[i + 2]);
                break;
            case mw::property_type::utf8_string_pair: {
                const std::size_t a = 2 + (std::size_t{bytes[i + 1]} << 8 | bytes[i + 2]);
                value = a + 2 + (std::size_t{bytes[i + 1 + a]} << 8 | bytes[i + 2 + a]);
                break;
            }
            case mw::property_type::none: return false;
        }
        i += 1 + value;
    }
    return true;
}

/** 5.0 acks, DISCONNECT and AUTH: whether the optional tail was sent in its shortest form. */
bool shortest_tail(const mw::frame& f, std::size_t base, mw::reason_code reason,
                   const mw::properties_view<B>& props) {
    std::size_t body = base;
    if (!props.empty()) {
        const std::size_t n = props.encoded().size();
        body += 1 + (n < 128 ? 1 : n < 16384 ? 2 : n < 2097152 ? 3 : 4) + n;
    } else if (reason != mw::reason_code::success) {
        body += 1;
    }
    return f.remaining_length == body;
}

struct canonical_check {
    const mw::frame& f;
    mw::protocol_version version;
    bool v5() const { return version == mw::protocol_version::v5; }

    bool operator()(const mw::connect_view<B>& v) const {
        return in_encoder_order<mw::connect_properties>(v.properties) &&
               (!v.will || in_encoder_order<mw::will_properties>(v.will->properties));
    }
    bool operator()(const mw::connack_view<B>& v) const {
        return in_encoder_order<mw::connack_properties>(v.properties);
    }
    bool operator()(const mw::publish_view<B>& v) const {
        return in_encoder_order<mw::publish_properties>(v.properties);
    }
    template <mw::packet_type T>
    bool operator()(const mw::basic_pub_ack_view<B, T>& v) const {
        if (T == mw::packet_type::pubrel && f.flags != 0x2) return false;  // 3.1 DUP flag
        return !v5() || (in_encoder_order<mw::ack_properties>(v.properties) &&
                         shortest_tail(f, 2, v.reason, v.properties));
    }
    bool operator()(const mw::subscribe_view<B>& v) const {
        return f.flags == 0x2 && in_encoder_order<mw::subscribe_properties>(v.properties);
    }
    bool operator()(const mw::unsubscribe_view<B>& v) const {
        return f.flags == 0x2 && in_encoder_order<mw::unsubscribe_properties>(v.properties);
    }
    bool operator()(const mw::suback_view<B>& v) const {
        return in_encoder_order<mw::ack_properties>(v.properties);
    }
    bool operator()(const mw::unsuback_view<B>& v) const {
        return in_encoder_order<mw::ack_properties>(v.properties);
    }
    bool operator()(const mw::pingreq_view&) const { return true; }
    bool operator()(const mw::pingresp_view&) const { return true; }
    bool operator()(const mw::disconnect_view<B>& v) const {
        return !v5() || (in_encoder_order<mw::disconnect_properties>(v.properties) &&
                         shortest_tail(f, 0, v.reason, v.properties));
    }
    bool operator()(const mw::auth_view<B>& v) const {
        return in_encoder_order<mw::auth_properties>(v.properties) &&
               shortest_tail(f, 0, v.reason, v.properties);
    }
};

/** Size of the property at list[i] (validated input). */
std::size_t property_size(std::span<const B> list, std::size_t i) {
    std::size_t value = 0;
    switch (mw::type_of(static_cast<mw::property_id>(list[i]))) {
        case mw::property_type::byte: value = 1; break;
        case mw::property_type::two_byte_integer: value = 2; break;
        case mw::property_type::four_byte_integer: value = 4; break;
        case mw::property_type::variable_byte_integer:
            value = 1;
            while (list[i + value] & 0x80u) ++value;
            break;
        case mw::property_type::utf8_string:
        case mw::property_type::binary_data:
            value = 2 + (std::size_t{list[i + 1]} << 8 | list[i + 2]);
            break;
        case mw::property_type::utf8_string_pair: {
            const std::size_t a = 2 + (std::size_t{list[i + 1]} << 8 | list[i + 2]);
            value = a + 2 + (std::size_t{list[i + 1 + a]} << 8 | list[i + 2 + a]);
            break;
        }
        case mw::property_type::none: break;
    }
    return 1 + value;
}

/** The list without the properties whose identifier is in `dropped` (bit per identifier). */
std::vector<std::byte> without(std::span<const B> list, std::uint64_t dropped) {
    std::vector<std::byte> out;
    for (std::size_t i = 0; i < list.size();) {
        const std::size_t n = property_size(list, i);
        if (!((dropped >> list[i]) & 1u))
            for (std::size_t k = 0; k < n; ++k) out.push_back(static_cast<std::byte>(list[i + k]));
        i += n;
    }
    return out;
}

constexpr std::uint64_t id_bit(mw::property_id id) {
    return std::uint64_t{1} << static_cast<unsigned>(id);
}

/**
 * Forwarding: the source with changes chosen by `knob`, to 5.0 or 3.1.1 as a server sends it,
 * decodes to the source's fields with exactly those changes; the passed-through properties are
 * the source's bytes (the changed ones left out) and come first; header only + payload is the
 * whole packet.
 */
void check_forward(const mw::publish_view<B>& src, const mw::leniency& lenient, std::uint8_t knob) {
    const bool to_v5 = (knob & 1u) == 0;
    const mw::codec_options to{
        .version = to_v5 ? mw::protocol_version::v5 : mw::protocol_version::v3_1_1,
        .from = mw::sender::server,
        .leniency = lenient};
    static constexpr std::uint32_t ids[] = {1, 268435455};
    static constexpr mw::user_property users[] = {{"fwd", "1"}};
    mw::publish_changes ch;
    ch.qos_level = static_cast<mw::qos>((knob >> 1) % 3);
    ch.packet_id = ch.qos_level != mw::qos::at_most_once ? static_cast<std::uint16_t>(knob + 1) : 0;
    if (knob & 8u) ch.retain = !src.retain;
    if (to_v5) {
        if (knob & 16u) ch.topic_alias = mw::topic_alias_change::set(3);
        if (knob & 32u) ch.topic_alias = mw::topic_alias_change::keep();
        if (knob & 64u) ch.subscription_identifiers = std::span<const std::uint32_t>(ids);
        if (knob & 128u) {
            ch.message_expiry_interval = 7;
            ch.user_properties = users;
        }
    }
    const bool alias_kept = ch.topic_alias.what == mw::topic_alias_change::action::keep &&
                            src.properties.contains(mw::property_id::topic_alias);
    if (src.topic_name.empty() && !alias_kept) ch.topic_name = "re/solved";
    const auto f = mw::forward(src, ch);
    const auto size = mw::encoded_size(f, to);
    FUZZ_CHECK_MSG(size.has_value(), "forward refused: " + fuzz::describe(size.error()));
    std::vector<std::byte> out(*size);
    const auto n = mw::encode(f, to, out);
    FUZZ_CHECK(n && *n == out.size());
    const auto got = mw::decode_publish(std::span<const std::byte>(out), to);
    FUZZ_CHECK_MSG(got.has_value(), "forward does not decode: " + fuzz::describe(got.error()));
    FUZZ_CHECK(got->topic_name == (ch.topic_name ? *ch.topic_name : src.topic_name));
    FUZZ_CHECK(got->qos_level == *ch.qos_level && got->packet_id == ch.packet_id);
    FUZZ_CHECK(got->retain == (ch.retain ? *ch.retain : src.retain) && !got->dup);
    FUZZ_CHECK(got->payload.size() == src.payload.size() &&
               (src.payload.empty() ||
                std::memcmp(got->payload.data(), src.payload.data(), src.payload.size()) == 0));
    const auto list = got->properties.encoded();
    if (!to_v5) {
        FUZZ_CHECK(list.empty());
    } else {
        const std::uint64_t dropped =
            id_bit(mw::property_id::will_delay_interval) |
            (ch.topic_alias.what != mw::topic_alias_change::action::keep
                 ? id_bit(mw::property_id::topic_alias)
                 : 0) |
            (ch.subscription_identifiers ? id_bit(mw::property_id::subscription_identifier) : 0) |
            (ch.message_expiry_interval ? id_bit(mw::property_id::message_expiry_interval) : 0);
        const std::vector<std::byte> kept = without(src.properties.encoded(), dropped);
        FUZZ_CHECK_MSG(
            list.size() >= kept.size() &&
                (kept.empty() || std::memcmp(list.data(), kept.data(), kept.size()) == 0),
            "passed-through properties differ");
        if (ch.topic_alias.what == mw::topic_alias_change::action::set)
            FUZZ_CHECK(got->properties.topic_alias() == std::optional<std::uint16_t>(3));
        else if (ch.topic_alias.what == mw::topic_alias_change::action::remove)
            FUZZ_CHECK(!got->properties.topic_alias());
        if (ch.subscription_identifiers) {
            std::vector<std::uint32_t> seen;
            for (const std::uint32_t id : got->properties.subscription_identifiers())
                seen.push_back(id);
            FUZZ_CHECK(seen == std::vector<std::uint32_t>(std::begin(ids), std::end(ids)));
        }
        if (ch.message_expiry_interval)
            FUZZ_CHECK(got->properties.message_expiry_interval() ==
                       std::optional<std::uint32_t>(7));
        // Nothing but the changes was added.
        std::size_t added = 0;
        if (ch.topic_alias.what == mw::topic_alias_change::action::set) added += 3;
        if (ch.subscription_identifiers) added += 2 + 5;
        if (ch.message_expiry_interval) added += 5 + 5 + 3 + 1;
        FUZZ_CHECK(list.size() == kept.size() + added);
    }
    const auto h = mw::encode_header(
        mw::forward(static_cast<const mw::publish_head_view<B>&>(src), ch), to, out);
    FUZZ_CHECK(h && *h + src.payload.size() == *n);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    mw::codec_options opts = fuzz::options_from(data[0]);
    const fuzz::exact_copy<> in(data + 1, size - 1);
    const auto first = mw::decode(in.span(), opts);
    if (!first) return 0;
    const auto framed = mw::frame_packet(in.span(), opts);
    FUZZ_CHECK(framed.is_complete());
    const std::span<const B> packet = in.span().first(framed->size());

    // CONNECT carries its own version; the encoder takes it from the options.
    if (const auto* c = std::get_if<mw::connect_view<B>>(&*first)) opts.version = c->version;
    const std::string before = fuzz::describe_view(*first);

    fuzz::arena a;
    std::vector<std::byte> out;
    const mw::result<std::size_t> n = std::visit(
        [&](const auto& v) { return fuzz::encode_checked(fuzz::to_struct(v, a), opts, out); },
        *first);
    FUZZ_CHECK_MSG(n.has_value(), "decoded but does not encode: " + fuzz::describe(n.error()) +
                                      "\n" + before + "\n" + fuzz::hex(packet));

    const auto second = mw::decode(std::span<const std::byte>(out), opts);
    FUZZ_CHECK_MSG(second.has_value(),
                   "re-encoding does not decode: " + fuzz::describe(second.error()) + "\n" +
                       before + "\n" + fuzz::hex(std::span<const std::byte>(out)));
    const std::string after = fuzz::describe_view(*second);
    FUZZ_CHECK_MSG(before == after, before + "\nvs\n" + after);

    const bool canonical = std::visit(canonical_check{*framed, opts.version}, *first);
    const bool same =
        out.size() == packet.size() && std::memcmp(out.data(), packet.data(), packet.size()) == 0;
    FUZZ_CHECK_MSG(!canonical || same,
                   "canonical input re-encoded differently:\n" + fuzz::hex(packet) + "\n" +
                       fuzz::hex(std::span<const std::byte>(out)) + "\n" + before);
    // The encoder's output is canonical by definition: it must be a fixed point.
    if (!same) {
        fuzz::arena a2;
        std::vector<std::byte> again;
        const auto m = std::visit(
            [&](const auto& v) {
                return fuzz::encode_checked(fuzz::to_struct(v, a2), opts, again);
            },
            *second);
        FUZZ_CHECK(m && again == out);
    }

    // PUBLISH: encode_header is encode without the payload.
    if (const auto* p = std::get_if<mw::publish_view<B>>(&*first)) {
        fuzz::arena a3;
        const mw::publish_packet pub = fuzz::to_struct(*p, a3);
        std::vector<std::byte> head(out.size());
        const auto h = mw::encode_header(pub, opts, head);
        FUZZ_CHECK(h && *h + p->payload.size() == out.size());
        FUZZ_CHECK(std::memcmp(head.data(), out.data(), *h) == 0);
        check_forward(*p, opts.leniency, data[size - 1]);
    }
    return 0;
}
