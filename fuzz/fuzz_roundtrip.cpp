// Round trip: whatever decodes must encode again (the packet struct built from the view), that
// encoding must decode to the same fields, and where the input was in canonical form the bytes
// must be identical. fuzz/README.md lists the non-canonical inputs and why they differ.
//
// A PUBLISH is also forwarded (check_forward) with changes read from the bytes after it.
//
// Input: selector byte (fuzz::options_from), then the packet bytes, then for a PUBLISH the
// forwarding changes (seeds with none take the packet's last four bytes).
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

/** Reads the forwarding changes from bytes; past the end every value is 0. */
struct change_reader {
    std::span<const B> in;
    std::size_t at = 0;
    std::uint8_t u8() { return at < in.size() ? in[at++] : 0; }
    std::uint16_t u16() { return static_cast<std::uint16_t>(u8() << 8 | u8()); }
    std::uint32_t u32() { return std::uint32_t{u16()} << 16 | u16(); }
    /** Up to 12 characters, now and then with one a rule forbids (control, wildcard, bad UTF-8). */
    std::string_view text(std::list<std::string>& keep) {
        static constexpr std::string_view pieces[] = {"a", "b/", "é", "+", "#", "\x01",
                                                      "\xFF", "\xEF\xBF\xBF", "/", "x"};
        std::string t;
        const unsigned n = u8() % 13;
        for (unsigned i = 0; i < n; ++i) t += pieces[u8() % std::size(pieces)];
        return keep.emplace_back(std::move(t));
    }
};

/**
 * The publish_packet a broker without `forward` would encode for the same changes: the
 * reference that decides which forwards are refused.
 */
mw::publish_packet forwarded_struct(const mw::publish_view<B>& src, const mw::publish_changes& ch,
                                    bool to_v5, fuzz::arena& a) {
    mw::publish_packet p = fuzz::to_struct(src, a);
    p.qos_level = ch.qos_level ? *ch.qos_level : src.qos_level;
    p.packet_id = ch.packet_id;
    p.retain = ch.retain ? *ch.retain : src.retain;
    p.dup = ch.dup;
    if (ch.topic_name) p.topic_name = *ch.topic_name;
    using action = mw::topic_alias_change::action;
    if (!to_v5) {
        // The source's properties are dropped; added ones are refused (after their checks).
        mw::publish_properties added;
        if (ch.topic_alias.what == action::set) added.topic_alias = ch.topic_alias.alias;
        if (ch.subscription_identifiers) added.subscription_identifiers = *ch.subscription_identifiers;
        added.message_expiry_interval = ch.message_expiry_interval;
        added.user_properties = ch.user_properties;
        p.properties = added;
        return p;
    }
    mw::publish_properties& pp = p.properties;
    if (ch.topic_alias.what == action::remove) pp.topic_alias.reset();
    if (ch.topic_alias.what == action::set) pp.topic_alias = ch.topic_alias.alias;
    if (ch.subscription_identifiers) pp.subscription_identifiers = *ch.subscription_identifiers;
    if (ch.message_expiry_interval) pp.message_expiry_interval = ch.message_expiry_interval;
    std::vector<mw::user_property> users(pp.user_properties.begin(), pp.user_properties.end());
    users.insert(users.end(), ch.user_properties.begin(), ch.user_properties.end());
    pp.user_properties = a.keep(a.user_properties, std::move(users));
    return p;
}

/**
 * Forwarding: the source with changes read from `knobs` (QoS, packet id, RETAIN, DUP, topic,
 * Topic Alias set/keep/remove, Subscription Identifiers, expiry, added User Properties, now and
 * then an invalid one), to 5.0 or 3.1.1, as a server or a client, within a Maximum Packet Size:
 *   - refused exactly when encoding the same fields as a publish_packet is, with the same errc
 *     (the source's own bytes, validated by the decoder, pass both);
 *   - else of the same size, decoding to the source's fields with exactly the changes applied,
 *     the passed-through properties first and byte-identical (wire order, duplicates kept),
 *     nothing else added;
 *   - encode_header is encode without the payload, also for a header-only forward of a
 *     publish_head_view announcing another payload size, which decodes with that payload.
 */
void check_forward(const mw::publish_view<B>& src, const mw::leniency& lenient,
                   std::span<const B> knobs) {
    change_reader r{knobs};
    std::list<std::string> texts;
    const std::uint8_t mode = r.u8();
    const bool to_v5 = (mode & 1u) == 0;
    mw::codec_options to{.version = to_v5 ? mw::protocol_version::v5 : mw::protocol_version::v3_1_1,
                         .from = (mode & 2u) ? mw::sender::client : mw::sender::server,
                         .leniency = lenient};
    if (mode & 4u) to.maximum_packet_size = 16 + r.u8();
    mw::publish_changes ch;
    const std::uint8_t what = r.u8();
    if (what & 1u) ch.qos_level = static_cast<mw::qos>(r.u8() % 3);
    const mw::qos q = ch.qos_level ? *ch.qos_level : src.qos_level;
    ch.packet_id = q != mw::qos::at_most_once ? static_cast<std::uint16_t>(r.u16() | 1u) : 0;
    if (what & 2u) ch.retain = (r.u8() & 1u) != 0;
    ch.dup = q != mw::qos::at_most_once && (what & 4u);
    if (what & 8u) ch.topic_name = r.text(texts);
    switch ((what >> 4) & 3u) {
        case 1: ch.topic_alias = mw::topic_alias_change::keep(); break;
        case 2: ch.topic_alias = mw::topic_alias_change::set(static_cast<std::uint16_t>(r.u16() | 1u)); break;
        default: break;
    }
    std::vector<std::uint32_t> ids;
    if (what & 64u) {
        const unsigned n = r.u8() % 4;  // 0: every Subscription Identifier removed
        for (unsigned i = 0; i < n; ++i) ids.push_back(1 + r.u32() % 268435455u);
        ch.subscription_identifiers = std::span<const std::uint32_t>(ids);
    }
    std::vector<mw::user_property> users;
    if (what & 128u) {
        if (r.u8() & 1u) ch.message_expiry_interval = r.u32();
        const unsigned n = r.u8() % 3;
        for (unsigned i = 0; i < n; ++i) {
            const std::string_view name = r.text(texts);
            users.push_back({name, r.text(texts)});
        }
        ch.user_properties = users;
    }
    // One invalid value now and then: what the broker must not be able to send.
    switch (r.u8()) {
        case 1: ch.topic_alias = mw::topic_alias_change::set(0); break;
        case 2: ids.push_back(0); ch.subscription_identifiers = std::span<const std::uint32_t>(ids); break;
        case 3: ids.push_back(268435456u); ch.subscription_identifiers = std::span<const std::uint32_t>(ids); break;
        case 4: ch.packet_id = ch.packet_id ? 0 : 1; break;
        case 5: ch.dup = true; break;
        case 6: ch.qos_level = static_cast<mw::qos>(3); break;
        case 7: ch.topic_name = ""; break;
        default: break;
    }

    fuzz::arena a;
    const mw::publish_packet want = forwarded_struct(src, ch, to_v5, a);
    const auto ref_size = mw::encoded_size(want, to);
    std::vector<std::byte> ref(ref_size ? *ref_size : 0);
    const auto ref_n = mw::encode(want, to, ref);
    const auto f = mw::forward(src, ch);
    const auto size = mw::encoded_size(f, to);
    FUZZ_CHECK_MSG(size.has_value() == ref_n.has_value(),
                   std::string("forward and publish_packet disagree: ") +
                       (size ? "forward accepts, encode refuses " + fuzz::describe(ref_n.error())
                             : "forward refuses " + fuzz::describe(size.error())) +
                       "\n" + fuzz::describe(want));
    if (!size) {
        FUZZ_CHECK_MSG(size.error().code == ref_n.error().code,
                       fuzz::describe(size.error()) + " vs " + fuzz::describe(ref_n.error()));
        std::vector<std::byte> out(64);
        const auto n = mw::encode(f, to, out);
        FUZZ_CHECK(!n && n.error().code == size.error().code);
        return;
    }
    // Reordered and re-encoded, the reference has the forward's size.
    FUZZ_CHECK_MSG(*size == *ref_n, std::to_string(*size) + " vs " + std::to_string(*ref_n));
    std::vector<std::byte> out(*size);
    const auto n = mw::encode(f, to, out);
    FUZZ_CHECK(n && *n == out.size());
    const auto got = mw::decode_publish(std::span<const std::byte>(out), to);
    FUZZ_CHECK_MSG(got.has_value(), "forward does not decode: " + fuzz::describe(got.error()));
    FUZZ_CHECK(got->topic_name == want.topic_name);
    FUZZ_CHECK(got->qos_level == want.qos_level && got->packet_id == want.packet_id);
    FUZZ_CHECK(got->retain == want.retain && got->dup == want.dup);
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
        // Every property as the reference has it, so nothing else was added.
        const mw::publish_properties& wp = want.properties;
        const auto& gp = got->properties;
        FUZZ_CHECK(gp.topic_alias() == wp.topic_alias);
        FUZZ_CHECK(gp.message_expiry_interval() == wp.message_expiry_interval);
        std::vector<std::uint32_t> seen_ids;
        for (const std::uint32_t id : gp.subscription_identifiers()) seen_ids.push_back(id);
        FUZZ_CHECK(std::ranges::equal(seen_ids, wp.subscription_identifiers));
        std::vector<mw::user_property> seen_users;
        for (const mw::user_property_view u : gp.user_properties()) seen_users.push_back({u.name, u.value});
        FUZZ_CHECK(seen_users.size() == wp.user_properties.size());
        for (std::size_t i = 0; i < seen_users.size(); ++i)
            FUZZ_CHECK(seen_users[i].name == wp.user_properties[i].name &&
                       seen_users[i].value == wp.user_properties[i].value);
        FUZZ_CHECK(gp.payload_format_indicator() == wp.payload_format_indicator);
        FUZZ_CHECK(gp.content_type() == wp.content_type);
        FUZZ_CHECK(gp.response_topic() == wp.response_topic);
        FUZZ_CHECK(gp.correlation_data().has_value() == wp.correlation_data.has_value());
    }
    // Header only: encode without the payload.
    std::vector<std::byte> head(out.size());
    const auto h = mw::encode_header(f, to, head);
    FUZZ_CHECK(h && *h + src.payload.size() == *n && std::memcmp(head.data(), out.data(), *h) == 0);
    // A head announcing another payload size: refused exactly as encode_header of the
    // publish_packet with that size, else followed by that many bytes it decodes.
    mw::publish_head_view<B> announced = src;
    announced.payload_size = r.u16();
    std::vector<std::byte> ref_head(out.size() + 8);  // a longer Remaining Length at most
    const auto ref_h = mw::encode_header(want, announced.payload_size, to, ref_head);
    head.resize(ref_head.size());
    const auto hh = mw::encode_header(mw::forward(announced, ch), to, head);
    FUZZ_CHECK(hh.has_value() == ref_h.has_value());
    if (!hh) {
        FUZZ_CHECK(hh.error().code == ref_h.error().code);
        return;
    }
    FUZZ_CHECK(*hh == *ref_h);
    std::vector<std::byte> whole(head.begin(), head.begin() + static_cast<std::ptrdiff_t>(*hh));
    whole.resize(*hh + announced.payload_size, std::byte{0x5A});
    const auto again = mw::decode_publish(std::span<const std::byte>(whole), to);
    FUZZ_CHECK_MSG(again.has_value(), "announced head does not decode: " + fuzz::describe(again.error()));
    FUZZ_CHECK(again->payload.size() == announced.payload_size &&
               again->topic_name == got->topic_name && again->packet_id == got->packet_id &&
               std::ranges::equal(again->properties.encoded(), list));
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
        // The changes: the bytes after the packet, or (seeds without any) its last four.
        std::span<const B> knobs = in.span().subspan(framed->size());
        if (knobs.empty()) knobs = packet.last(std::min<std::size_t>(4, packet.size()));
        check_forward(*p, opts.leniency, knobs);
    }
    return 0;
}
