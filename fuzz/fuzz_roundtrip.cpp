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
    FUZZ_CHECK_MSG(second.has_value(), "re-encoding does not decode: " +
                                           fuzz::describe(second.error()) + "\n" + before +
                                           "\n" + fuzz::hex(std::span<const std::byte>(out)));
    const std::string after = fuzz::describe_view(*second);
    FUZZ_CHECK_MSG(before == after, before + "\nvs\n" + after);

    const bool canonical = std::visit(canonical_check{*framed, opts.version}, *first);
    const bool same = out.size() == packet.size() &&
                      std::memcmp(out.data(), packet.data(), packet.size()) == 0;
    FUZZ_CHECK_MSG(!canonical || same, "canonical input re-encoded differently:\n" +
                                           fuzz::hex(packet) + "\n" +
                                           fuzz::hex(std::span<const std::byte>(out)) + "\n" +
                                           before);
    // The encoder's output is canonical by definition: it must be a fixed point.
    if (!same) {
        fuzz::arena a2;
        std::vector<std::byte> again;
        const auto m = std::visit(
            [&](const auto& v) { return fuzz::encode_checked(fuzz::to_struct(v, a2), opts, again); },
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
    }
    return 0;
}
