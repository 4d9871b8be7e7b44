// Decodes any bytes as a packet of each protocol version, from an exact-size heap copy so that
// AddressSanitizer catches any read past the end; touches every field and lazy range of the
// result; checks that decode(), the per-type decoder and frame_packet() agree.
//
// Input: selector byte (fuzz::options_from; bit 7 = decode as char instead of unsigned char),
// then the packet bytes.
#include "fuzz_common.hpp"

namespace {

namespace mw = mqttwire;

volatile std::size_t sink;

template <class B>
void touch(const mw::properties_view<B>& p) {
    std::size_t s = p.encoded().size();
    s += p.payload_format_indicator().has_value();
    s += p.message_expiry_interval().value_or(0);
    s += p.content_type().value_or("").size();
    s += p.response_topic().value_or("").size();
    if (auto d = p.correlation_data()) s += d->size();
    s += p.subscription_identifier().value_or(0);
    std::size_t ids = 0;
    for (std::uint32_t id : p.subscription_identifiers()) {
        s += id;
        ++ids;
    }
    FUZZ_CHECK(ids == p.subscription_identifiers().size());
    s += p.session_expiry_interval().value_or(0);
    s += p.assigned_client_identifier().value_or("").size();
    s += p.server_keep_alive().value_or(0);
    s += p.authentication_method().value_or("").size();
    if (auto d = p.authentication_data()) s += d->size();
    s += p.request_problem_information().value_or(false);
    s += p.will_delay_interval().value_or(0);
    s += p.request_response_information().value_or(false);
    s += p.response_information().value_or("").size();
    s += p.server_reference().value_or("").size();
    s += p.reason_string().value_or("").size();
    s += p.receive_maximum().value_or(0);
    s += p.topic_alias_maximum().value_or(0);
    s += p.topic_alias().value_or(0);
    if (auto q = p.maximum_qos()) s += static_cast<std::size_t>(*q);
    s += p.retain_available().value_or(false);
    s += p.maximum_packet_size().value_or(0);
    s += p.wildcard_subscription_available().value_or(false);
    s += p.subscription_identifier_available().value_or(false);
    s += p.shared_subscription_available().value_or(false);
    std::size_t ups = 0;
    for (const mw::user_property_view& up : p.user_properties()) {
        s += up.name.size() + up.value.size();
        ++ups;
    }
    FUZZ_CHECK(ups == p.user_properties().size());
    // all_properties() tiles the list exactly, one entry per property, each known to the view.
    std::size_t at = 0, entry_ups = 0, entry_ids = 0;
    for (const mw::property_entry<B>& e : mw::all_properties(p)) {
        FUZZ_CHECK(e.offset == at && e.encoded.data() == p.encoded().data() + at);
        FUZZ_CHECK(p.contains(e.id) && e.type == mw::type_of(e.id));
        entry_ups += e.id == mw::property_id::user_property;
        entry_ids += e.id == mw::property_id::subscription_identifier;
        s += e.integer + e.text.size() + e.binary.size() + e.pair.name.size() + e.pair.value.size();
        at += e.encoded.size();
    }
    FUZZ_CHECK(at == p.encoded().size());
    FUZZ_CHECK(entry_ups == ups && entry_ids == ids);
    // Every byte of the list lies inside the packet the view came from: read them all.
    for (B b : p.encoded()) s += static_cast<std::uint8_t>(b);
    sink = s;
}

template <class B>
void touch_text(std::string_view t) {
    std::size_t s = 0;
    for (char c : t) s += static_cast<unsigned char>(c);
    sink = s;
}

template <class B>
struct toucher {
    void operator()(const mw::connect_view<B>& v) const {
        touch_text<B>(v.client_id);
        touch(v.properties);
        if (v.will) {
            touch_text<B>(v.will->topic);
            for (B b : v.will->payload) sink = static_cast<std::uint8_t>(b);
            touch(v.will->properties);
        }
        if (v.user_name) touch_text<B>(*v.user_name);
        if (v.password)
            for (B b : *v.password) sink = static_cast<std::uint8_t>(b);
    }
    void operator()(const mw::publish_view<B>& v) const {
        touch_text<B>(v.topic_name);
        touch(v.properties);
        FUZZ_CHECK(v.payload.size() == v.payload_size);
        for (B b : v.payload) sink = static_cast<std::uint8_t>(b);
    }
    void operator()(const mw::subscribe_view<B>& v) const {
        touch(v.properties);
        std::size_t n = 0;
        for (const mw::subscription_view& s : v.subscriptions) {
            touch_text<B>(s.topic_filter);
            // The decoder accepted the filter, so a 5.0 "$share/" one has a ShareName.
            const bool shared = s.topic_filter.starts_with("$share/");
            FUZZ_CHECK(s.share_name().empty() == !(s.shared_subscriptions && shared));
            // The options byte and the fields read from it agree (bits 7-6 are reserved).
            FUZZ_CHECK((s.options & 0x3Fu) ==
                       (static_cast<unsigned>(s.max_qos) | (s.no_local ? 0x4u : 0u) |
                        (s.retain_as_published ? 0x8u : 0u) |
                        (static_cast<unsigned>(s.retain) << 4)));
            ++n;
        }
        FUZZ_CHECK(n == v.subscriptions.size() && n > 0);
    }
    void operator()(const mw::unsubscribe_view<B>& v) const {
        touch(v.properties);
        std::size_t n = 0;
        for (std::string_view f : v.topic_filters) {
            touch_text<B>(f);
            ++n;
        }
        FUZZ_CHECK(n == v.topic_filters.size() && n > 0);
    }
    template <class V>
    void operator()(const V& v) const {
        if constexpr (requires { v.properties; }) touch(v.properties);
        if constexpr (requires { v.reason_codes; }) {
            std::size_t n = 0;
            for (mw::reason_code c : v.reason_codes) n += static_cast<std::size_t>(c);
            for (std::size_t i = 0; i < v.reason_codes.size(); ++i)
                n += static_cast<std::size_t>(v.reason_codes[i]);
            sink = n;
        }
    }
};

/** A per-type decoder's answer, reduced to what decode() must agree with. */
template <class R>
mw::error outcome(const R& r) {
    return r ? mw::error{} : r.error();
}

template <class B>
void run(std::span<const B> in, const mw::codec_options& opts) {
    const auto any = mw::decode(in, opts);
    if (any) std::visit(toucher<B>{}, *any);

    // Every per-type decoder on the same bytes: the one for the packet's own type agrees with
    // decode(); the others fail (type mismatch, or a fixed-header fault found first).
    const mw::error e[] = {
        outcome(mw::decode_connect(in, opts)),  outcome(mw::decode_connack(in, opts)),
        outcome(mw::decode_publish(in, opts)),  outcome(mw::decode_puback(in, opts)),
        outcome(mw::decode_pubrec(in, opts)),   outcome(mw::decode_pubrel(in, opts)),
        outcome(mw::decode_pubcomp(in, opts)),  outcome(mw::decode_subscribe(in, opts)),
        outcome(mw::decode_suback(in, opts)),   outcome(mw::decode_unsubscribe(in, opts)),
        outcome(mw::decode_unsuback(in, opts)), outcome(mw::decode_pingreq(in, opts)),
        outcome(mw::decode_pingresp(in, opts)), outcome(mw::decode_disconnect(in, opts)),
        outcome(mw::decode_auth(in, opts)),
    };
    const unsigned type = in.empty() ? 0u : static_cast<std::uint8_t>(in[0]) >> 4;
    const mw::error whole = outcome(any);
    for (unsigned t = 1; t <= 15; ++t) {
        const mw::error& mine = e[t - 1];
        if (t == type && !(t == 15 && opts.version != mw::protocol_version::v5)) {
            FUZZ_CHECK_MSG(mine == whole, fuzz::describe(mine) + " vs " + fuzz::describe(whole));
        } else {
            FUZZ_CHECK(mine.code != mw::errc::none);
        }
    }

    // Framing agrees with decoding about where the packet ends and what is wrong with its header.
    const auto f = mw::frame_packet(in, opts);
    if (any) {
        FUZZ_CHECK(f.is_complete() && f->size() <= in.size());
        FUZZ_CHECK(f->type == type_of(*any));
    } else {
        const mw::error err = any.error();
        FUZZ_CHECK(err.offset <= in.size());
        if (f.has_error()) {
            FUZZ_CHECK_MSG(err == f.error(),
                           fuzz::describe(err) + " vs " + fuzz::describe(f.error()));
        } else if (f.needs_more()) {
            FUZZ_CHECK(err.code == mw::errc::packet_incomplete);
        } else {
            // A complete frame is never "incomplete" to the decoder, and a fault lies inside it.
            FUZZ_CHECK(err.code != mw::errc::packet_incomplete);
            FUZZ_CHECK(err.offset <= f->size());
        }
        // MQTT 3.1 has no numbered statements (CONNECT numbers by the version it carries).
        if (opts.version == mw::protocol_version::v3_1 && type != 1)
            FUZZ_CHECK(err.statement.empty());
        FUZZ_CHECK(!mw::name(err.code).empty() && !mw::message(err.code).empty());
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const mw::codec_options opts = fuzz::options_from(data[0]);
    if (data[0] & 0x80u) {
        const fuzz::exact_copy<char> in(data + 1, size - 1);
        run(in.span(), opts);
    } else {
        const fuzz::exact_copy<unsigned char> in(data + 1, size - 1);
        run(in.span(), opts);
    }
    return 0;
}
