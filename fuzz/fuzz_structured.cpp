// Structure-aware: builds a packet of every type and version from the fuzzer's bytes
// (FuzzedDataProvider), now and then with a deliberately invalid value (bad UTF-8, a wildcard
// in a topic name, packet identifier 0, QoS 3, a property out of range, the wrong sender...).
// Then:
//   - with no invalid value, the encoder must accept the packet;
//   - whatever the encoder accepts decodes to the same fields, and its bytes are those of the
//     small independent serializer below (hand_serialize);
//   - whatever the encoder refuses with errc E, the decoder refuses too when the same fields are
//     serialized by hand, with the same E when exactly one value was invalid. Encoder-only
//     refusals (value_out_of_range, not_in_protocol_version: fields the wire cannot carry) are
//     not checked against the decoder.
//
// Input: any bytes; the first chooses the packet type, version, sender and options.
#include <fuzzer/FuzzedDataProvider.h>

#include "fuzz_common.hpp"

namespace {

namespace mw = mqttwire;
using mw::errc;
using mw::property_id;

// ---------------------------------------------------------------------------------------------
// The independent serializer: the wire format written out again from the specification.
// ---------------------------------------------------------------------------------------------

struct hand_writer {
    std::vector<unsigned char> b;
    void u8(unsigned v) { b.push_back(static_cast<unsigned char>(v & 0xFFu)); }
    void u16(std::size_t v) {
        u8(static_cast<unsigned>(v >> 8));
        u8(static_cast<unsigned>(v));
    }
    void u32(std::uint32_t v) {
        u16(v >> 16);
        u16(v & 0xFFFFu);
    }
    void vbi(std::uint32_t v) {
        do {
            unsigned x = v & 0x7Fu;
            v >>= 7;
            if (v) x |= 0x80u;
            u8(x);
        } while (v);
    }
    void raw(std::string_view s) { b.insert(b.end(), s.begin(), s.end()); }
    void raw(mw::byte_input s) {
        for (std::byte x : s.to_span()) u8(static_cast<unsigned>(x));
    }
    void str(std::string_view s) {
        u16(s.size());
        raw(s);
    }
    void bin(mw::byte_input s) {
        u16(s.size());
        raw(s);
    }
    void append(const hand_writer& o) { b.insert(b.end(), o.b.begin(), o.b.end()); }
};

/** Writes each present property as identifier + value, in the set's declaration order. */
struct hand_properties {
    hand_writer w;
    void operator()(property_id id, const std::optional<std::uint32_t>& v) {
        if (!v) return;
        w.u8(static_cast<unsigned>(id));
        if (id == property_id::subscription_identifier)
            w.vbi(*v);
        else
            w.u32(*v);
    }
    void operator()(property_id id, const std::optional<std::uint16_t>& v) {
        if (!v) return;
        w.u8(static_cast<unsigned>(id));
        w.u16(*v);
    }
    template <class T>
        requires(std::is_same_v<T, bool> || std::is_same_v<T, mw::payload_format> ||
                 std::is_same_v<T, mw::qos>)
    void operator()(property_id id, const std::optional<T>& v) {
        if (!v) return;
        w.u8(static_cast<unsigned>(id));
        w.u8(static_cast<unsigned>(*v));
    }
    void operator()(property_id id, const std::optional<std::string_view>& v) {
        if (!v) return;
        w.u8(static_cast<unsigned>(id));
        w.str(*v);
    }
    void operator()(property_id id, const std::optional<mw::binary_input>& v) {
        if (!v) return;
        w.u8(static_cast<unsigned>(id));
        w.bin(*v);
    }
    void operator()(property_id id, std::span<const mw::user_property> list) {
        for (const auto& p : list) {
            w.u8(static_cast<unsigned>(id));
            w.str(p.name);
            w.str(p.value);
        }
    }
    void operator()(property_id id, std::span<const std::uint32_t> list) {
        for (std::uint32_t v : list) {
            w.u8(static_cast<unsigned>(id));
            w.vbi(v);
        }
    }
};

template <class Set>
hand_writer hand_block(const Set& s) {
    hand_properties h;
    s.visit(h);
    hand_writer out;
    out.vbi(static_cast<std::uint32_t>(h.w.b.size()));
    out.append(h.w);
    return out;
}
template <class Set>
bool no_properties(const Set& s) {
    hand_properties h;
    s.visit(h);
    return h.w.b.empty();
}

struct hand_serializer {
    const mw::codec_options& o;
    bool v5() const { return o.version == mw::protocol_version::v5; }
    template <class Set>
    void props(hand_writer& w, const Set& s) const {
        if (v5()) w.append(hand_block(s));
    }
    /** 5.0 reason code + properties tail, shortest form. */
    template <class Set>
    void tail(hand_writer& w, mw::reason_code r, const Set& s) const {
        if (!v5()) return;
        if (!no_properties(s)) {
            w.u8(static_cast<unsigned>(r));
            w.append(hand_block(s));
        } else if (r != mw::reason_code::success) {
            w.u8(static_cast<unsigned>(r));
        }
    }
    std::vector<unsigned char> frame(unsigned type, unsigned flags, const hand_writer& body) const {
        hand_writer w;
        w.u8(type << 4 | flags);
        w.vbi(static_cast<std::uint32_t>(body.b.size()));
        w.append(body);
        return w.b;
    }

    std::vector<unsigned char> operator()(const mw::connect_packet& c) const {
        hand_writer w;
        w.str(o.version == mw::protocol_version::v3_1 ? "MQIsdp" : "MQTT");
        w.u8(static_cast<unsigned>(o.version.value));
        unsigned flags = c.clean_start ? 0x02u : 0u;
        if (c.will)
            flags |= 0x04u | static_cast<unsigned>(c.will->qos_level) << 3 |
                     (c.will->retain ? 0x20u : 0u);
        if (c.password) flags |= 0x40u;
        if (c.user_name) flags |= 0x80u;
        w.u8(flags);
        w.u16(c.keep_alive);
        props(w, c.properties);
        w.str(c.client_id);
        if (c.will) {
            props(w, c.will->properties);
            w.str(c.will->topic);
            w.bin(c.will->payload);
        }
        if (c.user_name) w.str(*c.user_name);
        if (c.password) w.bin(*c.password);
        return frame(1, 0, w);
    }
    std::vector<unsigned char> operator()(const mw::connack_packet& c) const {
        hand_writer w;
        w.u8(c.session_present ? 1 : 0);
        w.u8(v5() ? static_cast<unsigned>(c.reason) : static_cast<unsigned>(c.return_code));
        props(w, c.properties);
        return frame(2, 0, w);
    }
    std::vector<unsigned char> operator()(const mw::publish_packet& p) const {
        hand_writer w;
        const unsigned q = static_cast<unsigned>(p.qos_level);
        w.str(p.topic_name);
        if (q != 0) w.u16(p.packet_id);
        props(w, p.properties);
        w.raw(p.payload);
        return frame(3, (p.dup ? 8u : 0u) | (q & 3u) << 1 | (p.retain ? 1u : 0u), w);
    }
    template <mw::packet_type T>
    std::vector<unsigned char> operator()(const mw::basic_pub_ack<T>& a) const {
        hand_writer w;
        w.u16(a.packet_id);
        tail(w, a.reason, a.properties);
        return frame(static_cast<unsigned>(T), T == mw::packet_type::pubrel ? 2 : 0, w);
    }
    std::vector<unsigned char> operator()(const mw::subscribe_packet& s) const {
        hand_writer w;
        w.u16(s.packet_id);
        props(w, s.properties);
        for (const auto& sub : s.subscriptions) {
            w.str(sub.topic_filter);
            w.u8(static_cast<unsigned>(sub.max_qos) | (sub.no_local ? 4u : 0u) |
                 (sub.retain_as_published ? 8u : 0u) | static_cast<unsigned>(sub.retain) << 4);
        }
        return frame(8, 2, w);
    }
    std::vector<unsigned char> operator()(const mw::unsubscribe_packet& u) const {
        hand_writer w;
        w.u16(u.packet_id);
        props(w, u.properties);
        for (std::string_view f : u.topic_filters) w.str(f);
        return frame(10, 2, w);
    }
    template <class Ack>
    std::vector<unsigned char> sub_ack(unsigned type, const Ack& a, bool codes) const {
        hand_writer w;
        w.u16(a.packet_id);
        props(w, a.properties);
        if (codes)
            for (mw::reason_code c : a.reason_codes) w.u8(static_cast<unsigned>(c));
        return frame(type, 0, w);
    }
    std::vector<unsigned char> operator()(const mw::suback_packet& a) const {
        return sub_ack(9, a, true);
    }
    std::vector<unsigned char> operator()(const mw::unsuback_packet& a) const {
        return sub_ack(11, a, v5());
    }
    std::vector<unsigned char> operator()(const mw::pingreq_packet&) const {
        return frame(12, 0, {});
    }
    std::vector<unsigned char> operator()(const mw::pingresp_packet&) const {
        return frame(13, 0, {});
    }
    std::vector<unsigned char> operator()(const mw::disconnect_packet& d) const {
        hand_writer w;
        tail(w, d.reason, d.properties);
        return frame(14, 0, w);
    }
    std::vector<unsigned char> operator()(const mw::auth_packet& a) const {
        hand_writer w;
        tail(w, a.reason, a.properties);
        return frame(15, 0, w);
    }
};

// ---------------------------------------------------------------------------------------------
// The generator.
// ---------------------------------------------------------------------------------------------

class generator {
public:
    generator(FuzzedDataProvider& in, const mw::codec_options& o, fuzz::arena& a)
        : in_(in), o_(o), a_(a) {}

    std::vector<std::string> faults;

    bool v5() const { return o_.version == mw::protocol_version::v5; }
    bool client() const { return o_.from == mw::sender::client; }

    /** True one time in `n` (never once the input is used up). */
    bool one_in(unsigned n) { return in_.ConsumeIntegralInRange<unsigned>(0, n - 1) == n - 1; }
    /** Decides to break a rule now and then, and records it. */
    bool inject(const char* what) {
        if (!one_in(16)) return false;
        faults.emplace_back(what);
        return true;
    }
    template <class T>
    T pick(std::initializer_list<T> values) {
        const auto i = in_.ConsumeIntegralInRange<std::size_t>(0, values.size() - 1);
        return *(values.begin() + i);
    }

    /** Valid text pieces: ASCII, 2-, 3- and 4-byte UTF-8 (never a wildcard or '/'). */
    std::string word() {
        std::string s;
        const auto n = in_.ConsumeIntegralInRange<unsigned>(1, 3);
        for (unsigned i = 0; i < n; ++i)
            s += pick<const char*>({"a", "b", "sensor", "0", "\xC3\xA9", "\xE2\x82\xAC",
                                    "\xF0\x9F\x98\x80", "$", " ", "~", "\xEF\xBB\xBF", "-_"});
        return s;
    }
    /** One bad piece for a UTF-8 string, recorded as a fault when strict mode rejects it. */
    std::string bad_utf8_piece() {
        switch (in_.ConsumeIntegralInRange<int>(0, 6)) {
            case 0: faults.emplace_back("overlong"); return "\xC0\x80";
            case 1: faults.emplace_back("surrogate"); return "\xED\xA0\x80";
            case 2: faults.emplace_back("invalid byte"); return "\xFF";
            case 3: faults.emplace_back("NUL"); return std::string(1, '\0');
            case 4: faults.emplace_back("lone continuation"); return "\x80";
            case 5:
                if (!o_.leniency.allow_control_characters) faults.emplace_back("control");
                return "\x01";
            default:
                if (!o_.leniency.allow_noncharacters) faults.emplace_back("noncharacter");
                return "\xEF\xBF\xBF";
        }
    }
    std::string_view text(bool allow_empty = true) {
        std::string s;
        const auto n = in_.ConsumeIntegralInRange<unsigned>(allow_empty ? 0 : 1, 3);
        for (unsigned i = 0; i < n; ++i) s += word();
        if (one_in(20)) s += bad_utf8_piece();
        return a_.keep(std::move(s));
    }
    std::string_view topic_name(bool may_be_empty = false) {
        std::string s;
        const auto levels = in_.ConsumeIntegralInRange<unsigned>(may_be_empty ? 0 : 1, 3);
        for (unsigned i = 0; i < levels; ++i) s += (i ? "/" : "") + word();
        if (!s.empty() && one_in(12)) s = "/" + s;
        if (s.empty() && !may_be_empty) s = "t";
        if (one_in(20)) s += bad_utf8_piece();
        if (inject("wildcard in topic name")) s += pick<const char*>({"+", "#", "/+", "/#"});
        if (!may_be_empty && inject("empty topic name")) s.clear();
        return a_.keep(std::move(s));
    }
    std::string_view topic_filter(bool& shared) {
        std::string s;
        shared = false;
        if (v5() && one_in(5)) {
            shared = true;
            s = "$share/" + word() + "/";
            if (inject("empty share name")) s = "$share//";
        }
        const auto levels = in_.ConsumeIntegralInRange<unsigned>(1, 3);
        for (unsigned i = 0; i < levels; ++i) {
            if (i) s += "/";
            const int k = in_.ConsumeIntegralInRange<int>(0, 3);
            if (k == 0)
                s += "+";
            else if (k == 1 && i + 1 == levels)
                s += "#";
            else
                s += word();
        }
        if (one_in(20)) s = bad_utf8_piece() + "/" + s;  // a level of its own: wildcards stay valid
        if (inject("misplaced wildcard")) s += pick<const char*>({"a#", "#/a", "x+", "+y"});
        if (inject("empty filter")) s.clear();
        return a_.keep(std::move(s));
    }
    std::span<const std::byte> blob() {
        const auto n = in_.ConsumeIntegralInRange<std::size_t>(0, 24);
        return fuzz::as_bytes(std::span<const char>(a_.keep(in_.ConsumeBytesAsString(n))));
    }
    std::uint16_t packet_id() {
        if (inject("packet identifier 0")) return 0;
        return in_.ConsumeIntegralInRange<std::uint16_t>(1, 65535);
    }
    mw::qos qos_level() { return static_cast<mw::qos>(in_.ConsumeIntegralInRange<unsigned>(0, 2)); }

    /** A property set: each field present or not, with a valid value or an injected bad one. */
    template <class Set>
    Set properties(mw::property_context ctx) {
        Set s{};
        if (!v5()) return s;
        if constexpr (requires { s.payload_format_indicator; })
            if (one_in(3))
                s.payload_format_indicator = static_cast<mw::payload_format>(
                    inject("payload format 2") ? 2 : in_.ConsumeIntegralInRange<int>(0, 1));
        if constexpr (requires { s.message_expiry_interval; })
            if (one_in(3)) s.message_expiry_interval = in_.ConsumeIntegral<std::uint32_t>();
        if constexpr (requires { s.content_type; })
            if (one_in(3)) s.content_type = text();
        if constexpr (requires { s.response_topic; })
            if (one_in(3)) s.response_topic = topic_name();
        if constexpr (requires { s.correlation_data; })
            if (one_in(3)) s.correlation_data = blob();
        if constexpr (requires { s.subscription_identifiers; }) {
            if (one_in(3)) {
                std::vector<std::uint32_t> ids;
                const auto n = in_.ConsumeIntegralInRange<unsigned>(1, 3);
                for (unsigned i = 0; i < n; ++i)
                    ids.push_back(inject("subscription identifier 0")
                                      ? 0
                                      : in_.ConsumeIntegralInRange<std::uint32_t>(1, 268'435'455));
                if (client()) faults.emplace_back("subscription identifier from client");
                s.subscription_identifiers = a_.keep(a_.ids, std::move(ids));
            }
        } else if constexpr (requires { s.subscription_identifier; }) {
            if (one_in(3))
                s.subscription_identifier =
                    inject("subscription identifier 0")
                        ? 0
                        : in_.ConsumeIntegralInRange<std::uint32_t>(1, 268'435'455);
        }
        if constexpr (requires { s.session_expiry_interval; })
            if (one_in(3)) {
                s.session_expiry_interval = in_.ConsumeIntegral<std::uint32_t>();
                if (ctx == mw::property_context::disconnect && !client())
                    faults.emplace_back("session expiry from server");
            }
        if constexpr (requires { s.assigned_client_identifier; })
            if (one_in(3)) s.assigned_client_identifier = text();
        if constexpr (requires { s.server_keep_alive; })
            if (one_in(3)) s.server_keep_alive = in_.ConsumeIntegral<std::uint16_t>();
        if constexpr (requires { s.authentication_method; })
            if (one_in(3)) s.authentication_method = text();
        if constexpr (requires { s.authentication_data; })
            if (one_in(3)) {
                s.authentication_data = blob();
                if (!s.authentication_method) faults.emplace_back("auth data without method");
            }
        if constexpr (requires { s.request_problem_information; })
            if (one_in(3)) s.request_problem_information = in_.ConsumeBool();
        if constexpr (requires { s.will_delay_interval; })
            if (one_in(3)) s.will_delay_interval = in_.ConsumeIntegral<std::uint32_t>();
        if constexpr (requires { s.request_response_information; })
            if (one_in(3)) s.request_response_information = in_.ConsumeBool();
        if constexpr (requires { s.response_information; })
            if (one_in(3)) s.response_information = text();
        if constexpr (requires { s.server_reference; })
            if (one_in(3)) s.server_reference = text();
        if constexpr (requires { s.reason_string; })
            if (one_in(3)) s.reason_string = text();
        if constexpr (requires { s.receive_maximum; })
            if (one_in(3))
                s.receive_maximum = inject("receive maximum 0")
                                        ? 0
                                        : in_.ConsumeIntegralInRange<std::uint16_t>(1, 65535);
        if constexpr (requires { s.topic_alias_maximum; })
            if (one_in(3)) s.topic_alias_maximum = in_.ConsumeIntegral<std::uint16_t>();
        if constexpr (requires { s.topic_alias; })
            if (one_in(3))
                s.topic_alias = inject("topic alias 0")
                                    ? 0
                                    : in_.ConsumeIntegralInRange<std::uint16_t>(1, 65535);
        if constexpr (requires { s.maximum_qos; })
            if (one_in(3))
                s.maximum_qos = inject("maximum qos 2")
                                    ? mw::qos::exactly_once
                                    : static_cast<mw::qos>(in_.ConsumeIntegralInRange<int>(0, 1));
        if constexpr (requires { s.retain_available; })
            if (one_in(3)) s.retain_available = in_.ConsumeBool();
        if constexpr (requires { s.maximum_packet_size; })
            if (one_in(3))
                s.maximum_packet_size =
                    inject("maximum packet size 0")
                        ? 0
                        : in_.ConsumeIntegralInRange<std::uint32_t>(1, 0xFFFFFFFF);
        if constexpr (requires { s.wildcard_subscription_available; })
            if (one_in(3)) s.wildcard_subscription_available = in_.ConsumeBool();
        if constexpr (requires { s.subscription_identifier_available; })
            if (one_in(3)) s.subscription_identifier_available = in_.ConsumeBool();
        if constexpr (requires { s.shared_subscription_available; })
            if (one_in(3)) s.shared_subscription_available = in_.ConsumeBool();
        if (one_in(3)) {
            std::vector<mw::user_property> ups;
            const auto n = in_.ConsumeIntegralInRange<unsigned>(1, 3);
            for (unsigned i = 0; i < n; ++i) ups.push_back({text(), text()});
            s.user_properties = a_.keep(a_.user_properties, std::move(ups));
        }
        return s;
    }

    mw::reason_code reason(mw::packet_type type) {
        // A code this packet may carry from this sender, or now and then any byte at all.
        if (!v5()) return mw::reason_code::success;
        const auto code = static_cast<mw::reason_code>(in_.ConsumeIntegral<std::uint8_t>());
        if (mw::is_allowed_reason_code(type, code, o_.version, o_.from)) return code;
        if (inject("reason code not allowed")) return code;
        return mw::reason_code::success;
    }

    FuzzedDataProvider& in_;
    const mw::codec_options& o_;
    fuzz::arena& a_;
};

// One builder per packet type.

mw::connect_packet make_connect(generator& g) {
    mw::connect_packet c;
    c.keep_alive = g.in_.ConsumeIntegral<std::uint16_t>();
    c.clean_start = g.in_.ConsumeBool();
    if (g.o_.version == mw::protocol_version::v3_1) {
        std::string id(g.in_.ConsumeIntegralInRange<std::size_t>(1, 23), 'c');
        if (g.inject("3.1 client id length")) id = g.one_in(2) ? "" : std::string(24, 'c');
        c.client_id = g.a_.keep(std::move(id));
    } else {
        c.client_id = g.text();
        if (c.client_id.empty() && !c.clean_start && g.o_.version == mw::protocol_version::v3_1_1)
            c.clean_start = !g.inject("empty client id without clean session");
    }
    if (g.one_in(2)) {
        mw::will_message w;
        w.topic = g.topic_name();
        w.payload = g.blob();
        w.qos_level = g.inject("will qos 3") ? static_cast<mw::qos>(3) : g.qos_level();
        w.retain = g.in_.ConsumeBool();
        w.properties = g.properties<mw::will_properties>(mw::property_context::will);
        c.will = w;
    }
    if (g.one_in(2)) c.user_name = g.text();
    if (g.one_in(2)) {
        c.password = g.blob();
        if (!c.user_name && !g.v5()) {
            if (!g.inject("password without user name")) c.user_name = "u";
        }
    }
    c.properties = g.properties<mw::connect_properties>(mw::property_context::connect);
    return c;
}

mw::connack_packet make_connack(generator& g) {
    mw::connack_packet c;
    if (g.v5()) {
        c.reason = g.reason(mw::packet_type::connack);
    } else {
        c.return_code = static_cast<mw::connect_return_code>(g.in_.ConsumeIntegralInRange<int>(0, 5));
        if (g.inject("return code 6")) c.return_code = static_cast<mw::connect_return_code>(6);
    }
    const bool failure = g.v5() ? c.reason != mw::reason_code::success
                                : c.return_code != mw::connect_return_code::accepted;
    c.session_present = !failure && g.in_.ConsumeBool();
    if (failure && g.inject("session present with failure")) c.session_present = true;
    c.properties = g.properties<mw::connack_properties>(mw::property_context::connack);
    return c;
}

mw::publish_packet make_publish(generator& g) {
    mw::publish_packet p;
    p.properties = g.properties<mw::publish_properties>(mw::property_context::publish);
    p.topic_name = g.topic_name(g.v5() && p.properties.topic_alias.has_value());
    p.payload = g.blob();
    p.qos_level = g.qos_level();
    if (g.inject("qos 3")) p.qos_level = static_cast<mw::qos>(3);
    p.retain = g.in_.ConsumeBool();
    p.dup = p.qos_level != mw::qos::at_most_once && g.in_.ConsumeBool();
    if (p.qos_level == mw::qos::at_most_once && g.o_.version != mw::protocol_version::v3_1 &&
        g.inject("dup with qos 0"))
        p.dup = true;
    p.packet_id = p.qos_level == mw::qos::at_most_once ? 0 : g.packet_id();
    return p;
}

template <mw::packet_type T>
mw::basic_pub_ack<T> make_pub_ack(generator& g) {
    mw::basic_pub_ack<T> a;
    a.packet_id = g.packet_id();
    a.reason = g.reason(T);
    a.properties = g.properties<mw::ack_properties>(mw::property_context::ack);
    return a;
}

mw::subscribe_packet make_subscribe(generator& g) {
    mw::subscribe_packet s;
    s.packet_id = g.packet_id();
    std::vector<mw::subscription> subs;
    const bool none = g.inject("no filter");
    const auto n = none ? 0u : g.in_.ConsumeIntegralInRange<unsigned>(1, 3);
    for (unsigned i = 0; i < n; ++i) {
        mw::subscription sub;
        bool shared = false;
        sub.topic_filter = g.topic_filter(shared);
        sub.max_qos = g.inject("subscription qos 3") ? static_cast<mw::qos>(3) : g.qos_level();
        if (g.v5()) {
            sub.no_local = !shared && g.in_.ConsumeBool();
            if (shared && g.inject("no local on shared")) sub.no_local = true;
            sub.retain_as_published = g.in_.ConsumeBool();
            sub.retain = static_cast<mw::retain_handling>(g.in_.ConsumeIntegralInRange<int>(0, 2));
            if (g.inject("retain handling 3")) sub.retain = static_cast<mw::retain_handling>(3);
        } else if (g.inject("5.0 option bits before 5.0")) {
            sub.no_local = true;
        }
        subs.push_back(sub);
    }
    s.subscriptions = g.a_.keep(g.a_.subscriptions, std::move(subs));
    s.properties = g.properties<mw::subscribe_properties>(mw::property_context::subscribe);
    return s;
}

mw::unsubscribe_packet make_unsubscribe(generator& g) {
    mw::unsubscribe_packet u;
    u.packet_id = g.packet_id();
    std::vector<std::string_view> filters;
    const auto n = g.in_.ConsumeIntegralInRange<unsigned>(1, 3);
    for (unsigned i = 0; i < n; ++i) {
        bool shared = false;
        filters.push_back(g.topic_filter(shared));
    }
    if (g.inject("no filter")) filters.clear();
    u.topic_filters = g.a_.keep(g.a_.filters, std::move(filters));
    u.properties = g.properties<mw::unsubscribe_properties>(mw::property_context::unsubscribe);
    return u;
}

template <class Ack>
Ack make_sub_ack(generator& g, mw::packet_type type) {
    Ack a;
    a.packet_id = g.packet_id();
    std::vector<mw::reason_code> codes;
    if (type == mw::packet_type::suback || g.v5()) {
        const auto n = g.in_.ConsumeIntegralInRange<unsigned>(1, 4);
        for (unsigned i = 0; i < n; ++i) {
            auto c = static_cast<mw::reason_code>(g.in_.ConsumeIntegral<std::uint8_t>());
            if (!mw::is_allowed_reason_code(type, c, g.o_.version, g.o_.from) &&
                !g.inject("reason code not allowed"))
                c = mw::reason_code::success;
            codes.push_back(c);
        }
        if (g.inject("no reason code")) codes.clear();
    }
    a.reason_codes = g.a_.keep(g.a_.codes, std::move(codes));
    a.properties = g.properties<mw::ack_properties>(mw::property_context::ack);
    return a;
}

mw::disconnect_packet make_disconnect(generator& g) {
    mw::disconnect_packet d;
    d.reason = g.reason(mw::packet_type::disconnect);
    d.properties = g.properties<mw::disconnect_properties>(mw::property_context::disconnect);
    return d;
}

mw::auth_packet make_auth(generator& g) {
    mw::auth_packet a;
    a.reason = g.reason(mw::packet_type::auth);
    a.properties = g.properties<mw::auth_properties>(mw::property_context::auth);
    return a;
}

/** Errors that only the encoder can give: the field has no representation on the wire. */
bool encoder_only(errc e) {
    return e == errc::value_out_of_range || e == errc::not_in_protocol_version ||
           e == errc::buffer_too_small;
}

template <class Packet>
void check(const Packet& pkt, generator& g, const mw::codec_options& opts) {
    const hand_serializer hand{opts};
    std::vector<unsigned char> wire = hand(pkt);
    Packet expected = pkt;
    // 5.0: diagnostics (Reason String, then User Properties) are left out to fit the limit,
    // when the size is all that is wrong with the packet (the encoder validates first).
    if constexpr (requires { expected.properties.reason_string; }) {
        if (wire.size() > opts.maximum_packet_size && g.faults.empty() &&
            expected.properties.reason_string && opts.version == mw::protocol_version::v5 &&
            !std::is_same_v<Packet, mw::connect_packet> &&
            !std::is_same_v<Packet, mw::publish_packet>) {
            expected.properties.reason_string.reset();
            wire = hand(expected);
        }
    }
    if constexpr (requires { expected.properties.reason_string; }) {
        if (wire.size() > opts.maximum_packet_size && g.faults.empty() &&
            !expected.properties.user_properties.empty() &&
            opts.version == mw::protocol_version::v5) {
            expected.properties.user_properties = {};
            wire = hand(expected);
        }
    }
    if (wire.size() > opts.maximum_packet_size) g.faults.emplace_back("too large");
    if (wire.size() > mw::max_packet_size) return;

    std::vector<std::byte> out;
    const auto enc = fuzz::encode_checked(pkt, opts, out);
    std::string faults;
    for (const auto& f : g.faults) faults += f + "; ";
    const std::string what = fuzz::describe(pkt) + "\nfaults: " + faults;
    if (g.faults.empty())
        FUZZ_CHECK_MSG(enc.has_value(), "valid packet refused: " + fuzz::describe(enc.error()) +
                                            "\n" + what);
    const fuzz::exact_copy<> hand_copy(wire.data(), wire.size());
    const auto decoded = mw::decode(hand_copy.span(), opts);
    if (enc) {
        const auto d = mw::decode(std::span<const std::byte>(out), opts);
        FUZZ_CHECK_MSG(d.has_value(), "encoded but does not decode: " +
                                          fuzz::describe(d.error()) + "\n" + what);
        const std::string got = fuzz::describe_view(*d);
        FUZZ_CHECK_MSG(got == fuzz::describe(expected), got + "\nvs\n" + fuzz::describe(expected));
        // The encoder and the hand serializer write the same bytes.
        const bool same = out.size() == wire.size() &&
                          std::memcmp(out.data(), wire.data(), wire.size()) == 0;
        FUZZ_CHECK_MSG(same, "encoder: " + fuzz::hex(std::span<const std::byte>(out)) +
                                 "\nby hand: " + fuzz::hex(std::span<const unsigned char>(wire)) +
                                 "\n" + what);
        return;
    }
    const errc e = enc.error().code;
    if (encoder_only(e)) return;
    FUZZ_CHECK_MSG(!decoded.has_value(), "encoder refuses (" + fuzz::describe(enc.error()) +
                                             ") what the decoder accepts:\n" + what + "\n" +
                                             fuzz::hex(std::span<const unsigned char>(wire)));
    if (g.faults.size() == 1)
        FUZZ_CHECK_MSG(decoded.error().code == e, "encoder " + fuzz::describe(enc.error()) +
                                                      " vs decoder " +
                                                      fuzz::describe(decoded.error()) + "\n" +
                                                      what);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    const auto type = static_cast<mw::packet_type>(in.ConsumeIntegralInRange<int>(1, 15));
    mw::codec_options opts = fuzz::options_from(in.ConsumeIntegral<std::uint8_t>());
    fuzz::arena a;
    generator g(in, opts, a);
    if (!mw::may_send(type, opts.from, opts.version) && type != mw::packet_type::auth)
        g.faults.emplace_back("wrong sender");
    switch (type) {
        case mw::packet_type::connect: check(make_connect(g), g, opts); break;
        case mw::packet_type::connack: check(make_connack(g), g, opts); break;
        case mw::packet_type::publish: check(make_publish(g), g, opts); break;
        case mw::packet_type::puback:
            check(make_pub_ack<mw::packet_type::puback>(g), g, opts);
            break;
        case mw::packet_type::pubrec:
            check(make_pub_ack<mw::packet_type::pubrec>(g), g, opts);
            break;
        case mw::packet_type::pubrel:
            check(make_pub_ack<mw::packet_type::pubrel>(g), g, opts);
            break;
        case mw::packet_type::pubcomp:
            check(make_pub_ack<mw::packet_type::pubcomp>(g), g, opts);
            break;
        case mw::packet_type::subscribe: check(make_subscribe(g), g, opts); break;
        case mw::packet_type::suback:
            check(make_sub_ack<mw::suback_packet>(g, mw::packet_type::suback), g, opts);
            break;
        case mw::packet_type::unsubscribe: check(make_unsubscribe(g), g, opts); break;
        case mw::packet_type::unsuback:
            check(make_sub_ack<mw::unsuback_packet>(g, mw::packet_type::unsuback), g, opts);
            break;
        case mw::packet_type::pingreq: check(mw::pingreq_packet{}, g, opts); break;
        case mw::packet_type::pingresp: check(mw::pingresp_packet{}, g, opts); break;
        case mw::packet_type::disconnect: check(make_disconnect(g), g, opts); break;
        case mw::packet_type::auth:
            if (opts.version != mw::protocol_version::v5) g.faults.emplace_back("auth before 5.0");
            check(make_auth(g), g, opts);
            break;
        default: break;
    }
    return 0;
}
