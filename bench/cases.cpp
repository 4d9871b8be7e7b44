// The benchmark cases: fixtures, answer checks and operations (see cases.hpp).
//
// Every encode fixture is checked once at registration: the packet encodes, its bytes equal the
// hand-written known answer where one is given (P1, P2, P3, PUBACK, PINGREQ), and decoding them
// gives back every field. Each case's check() then runs its own operation once and compares
// the answer; the benchmark binary skips a case whose check fails (SkipWithError).
#include "cases.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <deque>
#include <mqttwire/mqttwire.hpp>
#include <optional>
#include <span>
#include <string_view>
#include <utility>
#include <variant>

namespace mqttwire_bench {
namespace {

namespace mw = mqttwire;
using mw::codec_options;
using mw::packet_type;
using mw::protocol_version;
using mw::qos;
using mw::reason_code;
using mw::sender;
using B = std::byte;
using byte_vec = std::vector<std::byte>;
using in_span = std::span<const std::byte>;

// ------------------------------------------------------------------------------------------
// Registry.
// ------------------------------------------------------------------------------------------

/** Keeps a value alive and opaque to the optimizer (Google Benchmark's DoNotOptimize). */
template <class T>
BENCHMARK_ALWAYS_INLINE inline void use(const T& value) {
    benchmark::DoNotOptimize(value);
}

template <class Check, class Op>
class case_impl final : public bench_case {
public:
    case_impl(Check check, Op op) : check_(std::move(check)), op_(std::move(op)) {}
    [[nodiscard]] std::string check() const override { return check_(); }
    void run(benchmark::State& state) const override {
        for ([[maybe_unused]] auto _ : state) op_();
    }
    void repeat(std::size_t n) const override {
        for (std::size_t i = 0; i < n; ++i) op_();
    }

private:
    Check check_;
    Op op_;
};

std::vector<std::unique_ptr<bench_case>>* g_cases = nullptr;

template <class Check, class Op>
void add(std::string name, std::size_t bytes, std::size_t items, Check check, Op op) {
    auto c = std::make_unique<case_impl<Check, Op>>(std::move(check), std::move(op));
    c->name = std::move(name);
    c->bytes = bytes;
    c->items = items;
    g_cases->push_back(std::move(c));
}

struct version_tag {
    protocol_version version;
    const char* tag;
};
constexpr version_tag v31{protocol_version::v3_1, "v31"};
constexpr version_tag v311{protocol_version::v3_1_1, "v311"};
constexpr version_tag v5{protocol_version::v5, "v5"};
constexpr std::array<version_tag, 3> every_version{v31, v311, v5};

codec_options options(version_tag v, sender from) { return {.version = v.version, .from = from}; }

std::string case_name(std::string_view direction, std::string_view name, version_tag v) {
    std::string s(direction);
    s += '/';
    s += name;
    s += '/';
    s += v.tag;
    return s;
}

// ------------------------------------------------------------------------------------------
// Bytes.
// ------------------------------------------------------------------------------------------

in_span bytes_of(std::string_view s) {
    return std::as_bytes(std::span<const char>(s.data(), s.size()));
}

bool same_bytes(in_span a, mw::byte_input in) {
    const in_span b = in.to_span();
    return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size()) == 0);
}

std::string hex(in_span b) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string s;
    for (std::size_t i = 0; i < b.size() && i < 48; ++i) {
        const auto v = std::to_integer<unsigned>(b[i]);
        s += digits[v >> 4];
        s += digits[v & 0xF];
    }
    if (b.size() > 48) s += "...";
    return s;
}

/** Hand-written known answers, built field by field without the codec's writer. */
class known_answer {
public:
    known_answer& u8(unsigned v) {
        bytes_.push_back(std::byte{static_cast<unsigned char>(v)});
        return *this;
    }
    known_answer& u16(unsigned v) { return u8(v >> 8).u8(v & 0xFFu); }
    known_answer& u32(unsigned v) { return u16(v >> 16).u16(v & 0xFFFFu); }
    known_answer& raw(std::string_view s) {
        for (char c : s) u8(static_cast<unsigned char>(c));
        return *this;
    }
    /** Two-byte length, then the bytes: a UTF-8 string or Binary Data field. */
    known_answer& str(std::string_view s) { return u16(static_cast<unsigned>(s.size())).raw(s); }
    [[nodiscard]] byte_vec done() const { return bytes_; }

private:
    byte_vec bytes_;
};

byte_vec pattern(std::size_t n) {
    byte_vec v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = std::byte{static_cast<unsigned char>(i * 31 + 7)};
    return v;
}

// ------------------------------------------------------------------------------------------
// Comparing a decoded view with the packet that was encoded.
// ------------------------------------------------------------------------------------------

void require(std::string& err, bool ok, std::string_view what) {
    if (!ok && err.empty()) {
        err = std::string(what);
        err += " differs";
    }
}

/** Compares every field of a typed property set with the decoded properties. */
template <class Props>
void compare_properties(std::string& err, const mw::properties_view<B>& view, const Props& want) {
    mw::for_each_property(want, [&](const auto& field) {
        constexpr mw::property_id id = std::remove_cvref_t<decltype(field)>::id;
        bool same = true;
        if constexpr (requires { field.size(); }) {
            // A property_list: the same values in the same order.
            const auto got = view.get_all<id>();
            same = got.size() == field.size();
            std::size_t i = 0;
            for (const auto& g : got) {
                if (!same || i >= field.size()) break;
                if constexpr (id == mw::property_id::user_property)
                    same = g.name == field[i].name && g.value == field[i].value;
                else
                    same = g == field[i];
                ++i;
            }
            same = same && i == field.size();
        } else if constexpr (mw::type_of(id) == mw::property_type::binary_data) {
            const auto got = view.get<id>();
            same = got.has_value() == field.has_value() && (!got || same_bytes(*got, *field));
        } else {
            same = view.get<id>() == field.standard();
        }
        if (!same && err.empty())
            err = "property " + std::string(mw::name(id)) + " differs";
    });
}

void compare(std::string& err, const mw::publish_view<B>& v, const mw::publish_packet& p,
             const codec_options&) {
    require(err, v.topic_name == p.topic_name, "topic_name");
    require(err, v.packet_id == p.packet_id, "packet_id");
    require(err, v.qos_level == p.qos_level, "qos_level");
    require(err, v.dup == p.dup, "dup");
    require(err, v.retain == p.retain, "retain");
    require(err, same_bytes(v.payload, p.payload), "payload");
    require(err, v.payload_size == p.payload.size(), "payload_size");
    compare_properties(err, v.properties, p.properties);
}

void compare(std::string& err, const mw::connect_view<B>& v, const mw::connect_packet& c,
             const codec_options& o) {
    require(err, v.version == o.version, "version");
    require(err, v.client_id == c.client_id, "client_id");
    require(err, v.keep_alive == c.keep_alive, "keep_alive");
    require(err, v.clean_start == c.clean_start, "clean_start");
    require(err, v.will.has_value() == c.will.has_value(), "will");
    if (v.will && c.will) {
        require(err, v.will->topic == c.will->topic, "will topic");
        require(err, same_bytes(v.will->payload, c.will->payload), "will payload");
        require(err, v.will->qos_level == c.will->qos_level, "will qos");
        require(err, v.will->retain == c.will->retain, "will retain");
        compare_properties(err, v.will->properties, c.will->properties);
    }
    require(err, v.user_name == c.user_name, "user_name");
    require(err, v.password.has_value() == c.password.has_value(), "password");
    if (v.password && c.password)
        require(err, same_bytes(*v.password, *c.password), "password bytes");
    compare_properties(err, v.properties, c.properties);
}

void compare(std::string& err, const mw::connack_view<B>& v, const mw::connack_packet& c,
             const codec_options&) {
    require(err, v.session_present == c.session_present, "session_present");
    require(err, v.reason == c.reason, "reason");
    require(err, v.return_code == c.return_code, "return_code");
    compare_properties(err, v.properties, c.properties);
}

template <packet_type Type>
void compare(std::string& err, const mw::basic_pub_ack_view<B, Type>& v,
             const mw::basic_pub_ack<Type>& a, const codec_options&) {
    require(err, v.packet_id == a.packet_id, "packet_id");
    require(err, v.reason == a.reason, "reason");
    compare_properties(err, v.properties, a.properties);
}

void compare(std::string& err, const mw::subscribe_view<B>& v, const mw::subscribe_packet& s,
             const codec_options&) {
    require(err, v.packet_id == s.packet_id, "packet_id");
    compare_properties(err, v.properties, s.properties);
    require(err, v.subscriptions.size() == s.subscriptions.size(), "subscription count");
    std::size_t i = 0;
    for (const mw::subscription_view& got : v.subscriptions) {
        if (i >= s.subscriptions.size()) break;
        const mw::subscription& want = s.subscriptions[i++];
        require(err, got.topic_filter == want.topic_filter, "topic_filter");
        require(err, got.max_qos == want.max_qos, "max_qos");
        require(err, got.no_local == want.no_local, "no_local");
        require(err, got.retain_as_published == want.retain_as_published, "retain_as_published");
        require(err, got.retain == want.retain, "retain_handling");
    }
    require(err, i == s.subscriptions.size(), "subscriptions iterated");
}

void compare(std::string& err, const mw::unsubscribe_view<B>& v, const mw::unsubscribe_packet& u,
             const codec_options&) {
    require(err, v.packet_id == u.packet_id, "packet_id");
    compare_properties(err, v.properties, u.properties);
    require(err, v.topic_filters.size() == u.topic_filters.size(), "filter count");
    std::size_t i = 0;
    for (const std::string_view got : v.topic_filters) {
        if (i >= u.topic_filters.size()) break;
        require(err, got == u.topic_filters[i++], "topic_filter");
    }
    require(err, i == u.topic_filters.size(), "filters iterated");
}

template <class View, class Ack>
void compare_codes(std::string& err, const View& v, const Ack& a) {
    require(err, v.packet_id == a.packet_id, "packet_id");
    compare_properties(err, v.properties, a.properties);
    require(err, v.reason_codes.size() == a.reason_codes.size(), "reason code count");
    std::size_t i = 0;
    for (const reason_code got : v.reason_codes) {
        if (i >= a.reason_codes.size()) break;
        require(err, got == a.reason_codes[i++], "reason code");
    }
}

void compare(std::string& err, const mw::suback_view<B>& v, const mw::suback_packet& a,
             const codec_options&) {
    compare_codes(err, v, a);
}
void compare(std::string& err, const mw::unsuback_view<B>& v, const mw::unsuback_packet& a,
             const codec_options&) {
    compare_codes(err, v, a);
}
void compare(std::string&, const mw::pingreq_view&, const mw::pingreq_packet&,
             const codec_options&) {}
void compare(std::string&, const mw::pingresp_view&, const mw::pingresp_packet&,
             const codec_options&) {}
void compare(std::string& err, const mw::disconnect_view<B>& v, const mw::disconnect_packet& d,
             const codec_options&) {
    require(err, v.reason == d.reason, "reason");
    compare_properties(err, v.properties, d.properties);
}
void compare(std::string& err, const mw::auth_view<B>& v, const mw::auth_packet& a,
             const codec_options&) {
    require(err, v.reason == a.reason, "reason");
    compare_properties(err, v.properties, a.properties);
}

// ------------------------------------------------------------------------------------------
// Consuming a decoded view: every field goes through DoNotOptimize, repeated fields are
// iterated, so no decoding work can be elided.
// ------------------------------------------------------------------------------------------

BENCHMARK_ALWAYS_INLINE inline void consume(const mw::properties_view<B>& p) { use(p); }

BENCHMARK_ALWAYS_INLINE inline void consume(const mw::publish_view<B>& v) {
    use(v.topic_name);
    use(v.packet_id);
    use(v.qos_level);
    use(v.dup);
    use(v.retain);
    consume(v.properties);
    use(v.payload_offset);
    use(v.payload_size);
    use(v.payload);
}

BENCHMARK_ALWAYS_INLINE inline void consume(const mw::publish_head_view<B>& v) {
    use(v.topic_name);
    use(v.packet_id);
    use(v.qos_level);
    use(v.dup);
    use(v.retain);
    consume(v.properties);
    use(v.payload_offset);
    use(v.payload_size);
}

BENCHMARK_ALWAYS_INLINE inline void consume(const mw::connect_view<B>& v) {
    use(v.version);
    use(v.keep_alive);
    use(v.clean_start);
    use(v.client_id);
    consume(v.properties);
    if (v.will) {
        use(v.will->topic);
        use(v.will->payload);
        use(v.will->qos_level);
        use(v.will->retain);
        consume(v.will->properties);
    }
    use(v.user_name);
    use(v.password);
}

BENCHMARK_ALWAYS_INLINE inline void consume(const mw::connack_view<B>& v) {
    use(v.session_present);
    use(v.reason);
    use(v.return_code);
    consume(v.properties);
}

template <packet_type Type>
BENCHMARK_ALWAYS_INLINE inline void consume(const mw::basic_pub_ack_view<B, Type>& v) {
    use(v.packet_id);
    use(v.reason);
    consume(v.properties);
}

BENCHMARK_ALWAYS_INLINE inline void consume(const mw::subscribe_view<B>& v) {
    use(v.packet_id);
    consume(v.properties);
    for (const mw::subscription_view& s : v.subscriptions) use(s);
}

BENCHMARK_ALWAYS_INLINE inline void consume(const mw::unsubscribe_view<B>& v) {
    use(v.packet_id);
    consume(v.properties);
    for (const std::string_view f : v.topic_filters) use(f);
}

template <class View>
BENCHMARK_ALWAYS_INLINE inline void consume_codes(const View& v) {
    use(v.packet_id);
    consume(v.properties);
    for (const reason_code c : v.reason_codes) use(c);
}
BENCHMARK_ALWAYS_INLINE inline void consume(const mw::suback_view<B>& v) { consume_codes(v); }
BENCHMARK_ALWAYS_INLINE inline void consume(const mw::unsuback_view<B>& v) { consume_codes(v); }
BENCHMARK_ALWAYS_INLINE inline void consume(const mw::pingreq_view& v) { use(v); }
BENCHMARK_ALWAYS_INLINE inline void consume(const mw::pingresp_view& v) { use(v); }
BENCHMARK_ALWAYS_INLINE inline void consume(const mw::disconnect_view<B>& v) {
    use(v.reason);
    consume(v.properties);
}
BENCHMARK_ALWAYS_INLINE inline void consume(const mw::auth_view<B>& v) {
    use(v.reason);
    consume(v.properties);
}

// ------------------------------------------------------------------------------------------
// The decoder of each packet struct's type.
// ------------------------------------------------------------------------------------------

inline auto decode_as(const mw::publish_packet*, in_span s, const codec_options& o) {
    return mw::decode_publish(s, o);
}
inline auto decode_as(const mw::connect_packet*, in_span s, const codec_options& o) {
    return mw::decode_connect(s, o);
}
inline auto decode_as(const mw::connack_packet*, in_span s, const codec_options& o) {
    return mw::decode_connack(s, o);
}
template <packet_type Type>
inline auto decode_as(const mw::basic_pub_ack<Type>*, in_span s, const codec_options& o) {
    if constexpr (Type == packet_type::puback) return mw::decode_puback(s, o);
    if constexpr (Type == packet_type::pubrec) return mw::decode_pubrec(s, o);
    if constexpr (Type == packet_type::pubrel) return mw::decode_pubrel(s, o);
    if constexpr (Type == packet_type::pubcomp) return mw::decode_pubcomp(s, o);
}
inline auto decode_as(const mw::subscribe_packet*, in_span s, const codec_options& o) {
    return mw::decode_subscribe(s, o);
}
inline auto decode_as(const mw::suback_packet*, in_span s, const codec_options& o) {
    return mw::decode_suback(s, o);
}
inline auto decode_as(const mw::unsubscribe_packet*, in_span s, const codec_options& o) {
    return mw::decode_unsubscribe(s, o);
}
inline auto decode_as(const mw::unsuback_packet*, in_span s, const codec_options& o) {
    return mw::decode_unsuback(s, o);
}
inline auto decode_as(const mw::pingreq_packet*, in_span s, const codec_options& o) {
    return mw::decode_pingreq(s, o);
}
inline auto decode_as(const mw::pingresp_packet*, in_span s, const codec_options& o) {
    return mw::decode_pingresp(s, o);
}
inline auto decode_as(const mw::disconnect_packet*, in_span s, const codec_options& o) {
    return mw::decode_disconnect(s, o);
}
inline auto decode_as(const mw::auth_packet*, in_span s, const codec_options& o) {
    return mw::decode_auth(s, o);
}

std::string error_text(const char* what, const mw::error& e) {
    std::string s = what;
    s += ": ";
    s += mw::name(e.code);
    s += " at ";
    s += std::to_string(e.offset);
    return s;
}

// ------------------------------------------------------------------------------------------
// One packet: encode, encode_header, decode, memcpy.
// ------------------------------------------------------------------------------------------

template <class P>
struct packet_fixture {
    explicit packet_fixture(const codec_options& o) : opts(o) {}
    P packet{};
    codec_options opts;
    byte_vec wire;                // the encoded packet, checked at registration
    byte_vec out;                 // encode target
    std::size_t header_size = 0;  // encode_header size (PUBLISH only)
    std::string setup_error;      // why the fixture itself is wrong, if it is
};

/** Decodes `wire` and compares it with the packet; empty when they agree. */
template <class P>
std::string round_trip_error(const packet_fixture<P>& fx) {
    const auto r = decode_as(static_cast<const P*>(nullptr), in_span(fx.wire), fx.opts);
    if (!r) return error_text("decode failed", r.error());
    std::string err;
    compare(err, *r, fx.packet, fx.opts);
    return err;
}

template <class P>
std::shared_ptr<packet_fixture<P>> make_fixture(const P& packet, codec_options opts,
                                                const byte_vec* known) {
    auto fx = std::make_shared<packet_fixture<P>>(opts);
    fx->packet = packet;
    const auto size = mw::encoded_size(packet, opts);
    if (!size) {
        fx->setup_error = error_text("encoded_size failed", size.error());
        return fx;
    }
    fx->wire.assign(*size, std::byte{0});
    fx->out.assign(*size, std::byte{0});
    const auto written = mw::encode(packet, opts, std::span<std::byte>(fx->wire));
    if (!written) {
        fx->setup_error = error_text("encode failed", written.error());
        return fx;
    }
    if (*written != *size) {
        fx->setup_error = "encode wrote a size other than encoded_size";
        return fx;
    }
    if (known && !same_bytes(fx->wire, *known)) {
        fx->setup_error =
            "encode differs from the known answer: got " + hex(fx->wire) + " want " + hex(*known);
        return fx;
    }
    fx->setup_error = round_trip_error(*fx);
    return fx;
}

template <class P>
void add_encode(std::string_view name, version_tag ver,
                const std::shared_ptr<packet_fixture<P>>& fx) {
    add(
        case_name("encode", name, ver), fx->wire.size(), 1,
        [fx] {
            if (!fx->setup_error.empty()) return fx->setup_error;
            std::fill(fx->out.begin(), fx->out.end(), std::byte{0});
            const auto r = mw::encode(fx->packet, fx->opts, std::span<std::byte>(fx->out));
            if (!r) return error_text("encode failed", r.error());
            if (*r != fx->wire.size() || !same_bytes(fx->out, fx->wire))
                return std::string("encode gave other bytes");
            return std::string();
        },
        [fx] {
            const auto r = mw::encode(fx->packet, fx->opts, std::span<std::byte>(fx->out));
            use(r);
            use(fx->out.data());
        });
}

template <class P>
void add_decode(std::string_view name, version_tag ver,
                const std::shared_ptr<packet_fixture<P>>& fx) {
    add(
        case_name("decode", name, ver), fx->wire.size(), 1,
        [fx] {
            if (!fx->setup_error.empty()) return fx->setup_error;
            return round_trip_error(*fx);
        },
        [fx] {
            const in_span in(fx->wire);
            const auto r = decode_as(static_cast<const P*>(nullptr), in, fx->opts);
            use(r.has_value());
            consume(*r);
        });
}

template <class P>
void add_memcpy(std::string_view name, version_tag ver,
                const std::shared_ptr<packet_fixture<P>>& fx) {
    add(
        case_name("memcpy", name, ver), fx->wire.size(), 1,
        [fx] {
            if (!fx->setup_error.empty()) return fx->setup_error;
            std::fill(fx->out.begin(), fx->out.end(), std::byte{0});
            std::memcpy(fx->out.data(), fx->wire.data(), fx->wire.size());
            return same_bytes(fx->out, fx->wire) ? std::string() : std::string("memcpy differs");
        },
        [fx] {
            std::memcpy(fx->out.data(), fx->wire.data(), fx->wire.size());
            use(fx->out.data());
        });
}

void add_encode_header(std::string_view name, version_tag ver,
                       const std::shared_ptr<packet_fixture<mw::publish_packet>>& fx) {
    const std::size_t header = fx->wire.size() - fx->packet.payload.size();
    add(
        case_name("encode_header", name, ver), header, 1,
        [fx, header] {
            if (!fx->setup_error.empty()) return fx->setup_error;
            std::fill(fx->out.begin(), fx->out.end(), std::byte{0});
            const auto r = mw::encode_header(fx->packet, fx->opts, std::span<std::byte>(fx->out));
            if (!r) return error_text("encode_header failed", r.error());
            if (*r != header ||
                !same_bytes(in_span(fx->out).first(header), in_span(fx->wire).first(header)))
                return std::string("encode_header gave other bytes");
            return std::string();
        },
        [fx] {
            const auto r = mw::encode_header(fx->packet, fx->opts, std::span<std::byte>(fx->out));
            use(r);
            use(fx->out.data());
        });
}

/** encode, decode and memcpy cases of one packet in one version. */
template <class P>
std::shared_ptr<packet_fixture<P>> add_packet(std::string_view name, version_tag ver, sender from,
                                              const P& packet, const byte_vec* known = nullptr) {
    auto fx = make_fixture(packet, options(ver, from), known);
    add_encode(name, ver, fx);
    add_decode(name, ver, fx);
    add_memcpy(name, ver, fx);
    return fx;
}

// ------------------------------------------------------------------------------------------
// The packets.
// ------------------------------------------------------------------------------------------

constexpr std::string_view office = "smarthome/lights/office";

mw::publish_packet make_p1() {
    mw::publish_packet p;
    p.topic_name = office;
    p.payload = bytes_of("ON");
    p.qos_level = qos::at_least_once;
    p.packet_id = 1;
    return p;
}

mw::publish_packet make_p2() {
    mw::publish_packet p;
    p.topic_name = "test";
    p.payload = bytes_of("test");
    return p;
}

constexpr std::array<mw::user_property, 2> p3_user_properties{{
    {"source", "sensor-7"},
    {"room", "office"},
}};
constexpr std::array<std::uint32_t, 1> p3_subscription_ids{300};
constexpr std::string_view p3_payload = R"({"state":"ON"})";  // 14 bytes

mw::publish_packet make_p3() {
    mw::publish_packet p = make_p1();
    p.payload = bytes_of(p3_payload);
    p.properties.payload_format_indicator = mw::payload_format::utf8;
    p.properties.message_expiry_interval = 3600;
    p.properties.content_type = "application/json";
    p.properties.response_topic = "smarthome/replies/office";
    p.properties.correlation_data = bytes_of("req-0042");
    p.properties.user_properties = p3_user_properties;
    p.properties.subscription_identifiers = p3_subscription_ids;
    return p;
}

byte_vec p1_known(version_tag v) {
    known_answer k;
    k.u8(0x32);                                         // PUBLISH, QoS 1
    k.u8(v.version == protocol_version::v5 ? 30 : 29);  // Remaining Length
    k.str(office);                                      // Topic Name
    k.u16(1);                                           // Packet Identifier
    if (v.version == protocol_version::v5) k.u8(0);     // Property Length
    k.raw("ON");                                        // payload
    return k.done();
}

byte_vec p2_known(version_tag v) {
    known_answer k;
    k.u8(0x30);                                         // PUBLISH, QoS 0
    k.u8(v.version == protocol_version::v5 ? 11 : 10);  // Remaining Length
    k.str("test");                                      // Topic Name
    if (v.version == protocol_version::v5) k.u8(0);     // Property Length
    k.raw("test");                                      // payload
    return k.done();
}

byte_vec p3_known() {
    known_answer k;
    k.u8(0x32);                                  // PUBLISH, QoS 1
    k.u8(0x8F).u8(0x01);                         // Remaining Length 143
    k.str(office);                               // Topic Name
    k.u16(1);                                    // Packet Identifier
    k.u8(101);                                   // Property Length
    k.u8(0x01).u8(0x01);                         // Payload Format Indicator: UTF-8
    k.u8(0x02).u32(3600);                        // Message Expiry Interval
    k.u8(0x08).str("smarthome/replies/office");  // Response Topic
    k.u8(0x09).str("req-0042");                  // Correlation Data
    k.u8(0x26).str("source").str("sensor-7");    // User Property
    k.u8(0x26).str("room").str("office");        // User Property
    k.u8(0x0B).u8(0xAC).u8(0x02);                // Subscription Identifier 300
    k.u8(0x03).str("application/json");          // Content Type
    k.raw(p3_payload);                           // payload
    return k.done();
}

const byte_vec& payload_of(std::size_t n) {
    static const byte_vec b64 = pattern(64);
    static const byte_vec b1k = pattern(1024);
    static const byte_vec b64k = pattern(65536);
    return n == 64 ? b64 : n == 1024 ? b1k : b64k;
}

mw::publish_packet make_sized(std::size_t payload, std::uint16_t id = 1) {
    mw::publish_packet p = make_p1();
    p.payload = payload_of(payload);
    p.packet_id = id;
    return p;
}

constexpr std::array<mw::user_property, 1> connect_user_properties{{{"app", "thermostat"}}};

mw::connect_packet make_connect(version_tag v) {
    mw::connect_packet c;
    c.client_id = "sensor-office-17";
    c.keep_alive = 60;
    c.clean_start = true;
    mw::will_message w;
    w.topic = "smarthome/status/sensor-office-17";
    w.payload = bytes_of("offline");
    w.qos_level = qos::at_least_once;
    w.retain = true;
    if (v.version == protocol_version::v5) {
        w.properties.will_delay_interval = 30;
        w.properties.payload_format_indicator = mw::payload_format::utf8;
        w.properties.message_expiry_interval = 600;
        w.properties.content_type = "text/plain";
        c.properties.session_expiry_interval = 3600;
        c.properties.receive_maximum = 32;
        c.properties.maximum_packet_size = 65536;
        c.properties.topic_alias_maximum = 16;
        c.properties.user_properties = connect_user_properties;
    }
    c.will = w;
    c.user_name = "alice";
    c.password = bytes_of("s3cr3t-passw0rd");
    return c;
}

mw::connack_packet make_connack(version_tag v) {
    mw::connack_packet c;
    c.session_present = true;
    if (v.version == protocol_version::v5) {
        c.properties.receive_maximum = 64;
        c.properties.maximum_packet_size = 1048576;
        c.properties.topic_alias_maximum = 16;
        c.properties.server_keep_alive = 120;
    }
    return c;
}

constexpr std::array<mw::subscription, 1> subscriptions_1{{
    {"smarthome/+/office", qos::at_least_once},
}};
constexpr std::array<mw::subscription, 8> subscriptions_8_v3{{
    {"smarthome/lights/#", qos::at_least_once},
    {"smarthome/+/temperature", qos::at_most_once},
    {"smarthome/kitchen/oven/state", qos::exactly_once},
    {"$SYS/broker/clients/connected", qos::at_most_once},
    {"factory/line-3/+/vibration", qos::at_least_once},
    {"weather/stations/+/humidity", qos::at_most_once},
    {"alerts/#", qos::exactly_once},
    {"devices/thermostat-42/commands", qos::at_least_once},
}};
constexpr std::array<mw::subscription, 8> subscriptions_8_v5{{
    {"smarthome/lights/#", qos::at_least_once, true, false, mw::retain_handling::send_on_subscribe},
    {"smarthome/+/temperature", qos::at_most_once, false, true,
     mw::retain_handling::send_if_new_subscription},
    {"smarthome/kitchen/oven/state", qos::exactly_once, true, true,
     mw::retain_handling::do_not_send},
    {"$SYS/broker/clients/connected", qos::at_most_once},
    {"$share/analytics/factory/+/vibration", qos::at_least_once, false, true,
     mw::retain_handling::do_not_send},
    {"weather/stations/+/humidity", qos::at_most_once, true, false,
     mw::retain_handling::send_if_new_subscription},
    {"alerts/#", qos::exactly_once},
    {"devices/thermostat-42/commands", qos::at_least_once, true, true,
     mw::retain_handling::send_on_subscribe},
}};
constexpr std::array<mw::user_property, 1> subscribe_user_properties{{{"tenant", "home-7"}}};

mw::subscribe_packet make_subscribe(version_tag v, std::size_t count) {
    mw::subscribe_packet s;
    s.packet_id = 10;
    const bool v5v = v.version == protocol_version::v5;
    if (count == 1)
        s.subscriptions = subscriptions_1;
    else
        s.subscriptions = v5v ? std::span<const mw::subscription>(subscriptions_8_v5)
                              : std::span<const mw::subscription>(subscriptions_8_v3);
    if (v5v && count != 1) {
        s.properties.subscription_identifier = 42;
        s.properties.user_properties = subscribe_user_properties;
    }
    return s;
}

constexpr std::array<reason_code, 1> suback_1_codes{reason_code::granted_qos_1};
// 0x80 (failure) exists from 3.1.1 on; MQTT 3.1 grants only QoS 0..2.
constexpr std::array<reason_code, 8> suback_8_v31{
    reason_code::granted_qos_1, reason_code::success,       reason_code::granted_qos_2,
    reason_code::success,       reason_code::granted_qos_1, reason_code::success,
    reason_code::granted_qos_2, reason_code::granted_qos_1};
constexpr std::array<reason_code, 8> suback_8_v311{
    reason_code::granted_qos_1, reason_code::success,           reason_code::granted_qos_2,
    reason_code::success,       reason_code::unspecified_error, reason_code::success,
    reason_code::granted_qos_2, reason_code::granted_qos_1};
constexpr std::array<reason_code, 8> suback_8_v5{
    reason_code::granted_qos_1, reason_code::success,        reason_code::granted_qos_2,
    reason_code::success,       reason_code::not_authorized, reason_code::success,
    reason_code::granted_qos_2, reason_code::granted_qos_1};

mw::suback_packet make_suback(version_tag v, std::size_t count) {
    mw::suback_packet a;
    a.packet_id = 10;
    if (count == 1)
        a.reason_codes = suback_1_codes;
    else if (v.version == protocol_version::v5)
        a.reason_codes = suback_8_v5;
    else if (v.version == protocol_version::v3_1_1)
        a.reason_codes = suback_8_v311;
    else
        a.reason_codes = suback_8_v31;
    return a;
}

constexpr std::array<std::string_view, 1> unsubscribe_1_filters{"smarthome/+/office"};
constexpr std::array<reason_code, 1> unsuback_1_codes{reason_code::success};

mw::unsubscribe_packet make_unsubscribe() {
    mw::unsubscribe_packet u;
    u.packet_id = 11;
    u.topic_filters = unsubscribe_1_filters;
    return u;
}

mw::unsuback_packet make_unsuback(version_tag v) {
    mw::unsuback_packet a;
    a.packet_id = 11;
    if (v.version == protocol_version::v5) a.reason_codes = unsuback_1_codes;
    return a;
}

mw::auth_packet make_auth() {
    mw::auth_packet a;
    a.reason = reason_code::continue_authentication;
    a.properties.authentication_method = "SCRAM-SHA-256";
    a.properties.authentication_data = bytes_of("n,,n=alice,r=rOprNGfwEbeRWgbNEkqO");
    return a;
}

template <packet_type Type>
mw::basic_pub_ack<Type> make_ack() {
    mw::basic_pub_ack<Type> a;
    a.packet_id = 1234;
    return a;
}

// ------------------------------------------------------------------------------------------
// Streams: many packets framed and decoded end to end.
// ------------------------------------------------------------------------------------------

/** Decodes one framed packet with its own decoder (what a driver's switch does). */
BENCHMARK_ALWAYS_INLINE inline bool decode_framed(in_span p, packet_type type,
                                                  const codec_options& o) {
    const auto go = [](const auto& r) {
        consume(*r);
        return r.has_value();
    };
    switch (type) {
        case packet_type::connect: return go(mw::decode_connect(p, o));
        case packet_type::connack: return go(mw::decode_connack(p, o));
        case packet_type::publish: return go(mw::decode_publish(p, o));
        case packet_type::puback: return go(mw::decode_puback(p, o));
        case packet_type::pubrec: return go(mw::decode_pubrec(p, o));
        case packet_type::pubrel: return go(mw::decode_pubrel(p, o));
        case packet_type::pubcomp: return go(mw::decode_pubcomp(p, o));
        case packet_type::subscribe: return go(mw::decode_subscribe(p, o));
        case packet_type::suback: return go(mw::decode_suback(p, o));
        case packet_type::unsubscribe: return go(mw::decode_unsubscribe(p, o));
        case packet_type::unsuback: return go(mw::decode_unsuback(p, o));
        case packet_type::pingreq: return go(mw::decode_pingreq(p, o));
        case packet_type::pingresp: return go(mw::decode_pingresp(p, o));
        case packet_type::disconnect: return go(mw::decode_disconnect(p, o));
        case packet_type::auth: return go(mw::decode_auth(p, o));
        case packet_type::reserved: break;
    }
    return false;
}

struct stream_fixture {
    explicit stream_fixture(const codec_options& o) : opts(o) {}
    codec_options opts;
    byte_vec wire;
    byte_vec out;
    std::size_t packets = 0;
    std::vector<mw::publish_packet> publishes;  // for the encode stream
    std::string setup_error;

    template <class P>
    void append(const P& packet) {
        const auto size = mw::encoded_size(packet, opts);
        if (!size) {
            if (setup_error.empty()) setup_error = error_text("stream encode", size.error());
            return;
        }
        const std::size_t at = wire.size();
        wire.resize(at + *size);
        if (!mw::encode(packet, opts, std::span<std::byte>(wire).subspan(at)))
            setup_error = "stream encode failed";
        ++packets;
    }
};

/** Frames and decodes the whole stream; returns how many packets decoded. */
template <bool Generic>
BENCHMARK_ALWAYS_INLINE inline std::size_t frame_and_decode(const stream_fixture& fx) {
    const std::byte* p = fx.wire.data();
    const std::size_t n = fx.wire.size();
    std::size_t at = 0;
    std::size_t good = 0;
    while (at < n) {
        const auto f = mw::frame_packet(in_span(p + at, n - at), fx.opts);
        if (!f.is_complete()) break;
        const std::size_t size = f->size();
        const in_span packet(p + at, size);
        if constexpr (Generic) {
            const auto r = mw::decode(packet, fx.opts);
            if (r) std::visit([](const auto& v) { consume(v); }, *r);
            good += r.has_value() ? 1 : 0;
        } else {
            good += decode_framed(packet, f->type, fx.opts) ? 1 : 0;
        }
        at += size;
    }
    return good;
}

void add_stream_decode(std::string_view direction, std::string_view name, version_tag ver,
                       const std::shared_ptr<stream_fixture>& fx, bool generic) {
    const auto check = [fx, generic] {
        if (!fx->setup_error.empty()) return fx->setup_error;
        const std::size_t got =
            generic ? frame_and_decode<true>(*fx) : frame_and_decode<false>(*fx);
        if (got != fx->packets)
            return "decoded " + std::to_string(got) + " of " + std::to_string(fx->packets);
        return std::string();
    };
    if (generic)
        add(case_name(direction, name, ver), fx->wire.size(), fx->packets, check,
            [fx] { use(frame_and_decode<true>(*fx)); });
    else
        add(case_name(direction, name, ver), fx->wire.size(), fx->packets, check,
            [fx] { use(frame_and_decode<false>(*fx)); });
}

BENCHMARK_ALWAYS_INLINE inline std::size_t encode_stream(stream_fixture& fx) {
    const std::span<std::byte> out(fx.out);
    std::size_t at = 0;
    for (const mw::publish_packet& p : fx.publishes) at += *mw::encode(p, fx.opts, out.subspan(at));
    return at;
}

void add_stream_memcpy(std::string_view name, version_tag ver,
                       const std::shared_ptr<stream_fixture>& fx) {
    add(
        case_name("memcpy", name, ver), fx->wire.size(), fx->packets,
        [fx] {
            if (!fx->setup_error.empty()) return fx->setup_error;
            fx->out.assign(fx->wire.size(), std::byte{0});
            std::memcpy(fx->out.data(), fx->wire.data(), fx->wire.size());
            return same_bytes(fx->out, fx->wire) ? std::string() : std::string("memcpy differs");
        },
        [fx] {
            std::memcpy(fx->out.data(), fx->wire.data(), fx->wire.size());
            use(fx->out.data());
        });
}

void add_streams(version_tag ver) {
    // 64 QoS 1 PUBLISHes with 1 KiB payloads (~67 KB, the size of a large socket read).
    auto big = std::make_shared<stream_fixture>(options(ver, sender::client));
    for (std::uint16_t id = 1; id <= 64; ++id) {
        big->publishes.push_back(make_sized(1024, id));
        big->append(big->publishes.back());
    }
    big->out.assign(big->wire.size(), std::byte{0});
    add_stream_decode("frame_decode", "stream_1KiB", ver, big, false);
    add(
        case_name("encode", "stream_1KiB", ver), big->wire.size(), big->packets,
        [big] {
            if (!big->setup_error.empty()) return big->setup_error;
            std::fill(big->out.begin(), big->out.end(), std::byte{0});
            const std::size_t n = encode_stream(*big);
            if (n != big->wire.size() || !same_bytes(big->out, big->wire))
                return std::string("stream encode gave other bytes");
            return std::string();
        },
        [big] {
            use(encode_stream(*big));
            use(big->out.data());
        });
    add_stream_memcpy("stream_1KiB", ver, big);

    // What a broker reads from one client: CONNECT, then 32 rounds of publishes of several
    // sizes, the acks of both QoS flows, SUBSCRIBE, UNSUBSCRIBE and PINGREQ; then DISCONNECT.
    auto mixed = std::make_shared<stream_fixture>(options(ver, sender::client));
    mixed->append(make_connect(ver));
    for (int round = 0; round < 32; ++round) {
        mixed->append(make_p1());
        mixed->append(make_p2());
        mixed->append(make_sized(64));
        mixed->append(make_ack<packet_type::puback>());
        mixed->append(make_ack<packet_type::pubrec>());
        mixed->append(make_ack<packet_type::pubrel>());
        mixed->append(make_ack<packet_type::pubcomp>());
        mixed->append(make_subscribe(ver, 8));
        mixed->append(make_unsubscribe());
        mixed->append(mw::pingreq_packet{});
    }
    mixed->append(mw::disconnect_packet{});
    mixed->out.assign(mixed->wire.size(), std::byte{0});
    add_stream_decode("frame_decode", "stream_mixed", ver, mixed, false);
    add_stream_decode("frame_decode_any", "stream_mixed", ver, mixed, true);
    add_stream_memcpy("stream_mixed", ver, mixed);
}

// ------------------------------------------------------------------------------------------
// Framing a prefix: the "need N more bytes" answers; the PUBLISH head of a large packet.
// ------------------------------------------------------------------------------------------

void add_framing(version_tag ver) {
    const auto big = make_fixture(make_sized(65536), options(ver, sender::client), nullptr);
    auto prefix = [big](std::size_t n) { return in_span(big->wire).first(n); };

    // Type byte and the first of three Remaining Length bytes: the size is not known yet.
    add(
        case_name("frame_need", "partial_header", ver), 2, 1,
        [big, prefix] {
            if (!big->setup_error.empty()) return big->setup_error;
            const auto f = mw::frame_packet(prefix(2), big->opts);
            if (!f.needs_more() || f.need().exact || f.need().bytes == 0)
                return std::string("expected an inexact need");
            return std::string();
        },
        [big] {
            const auto f = mw::frame_packet(in_span(big->wire).first(2), big->opts);
            use(f.need());
        });
    // Header complete, body short: the exact shortfall.
    add(
        case_name("frame_need", "partial_body", ver), 100, 1,
        [big, prefix] {
            if (!big->setup_error.empty()) return big->setup_error;
            const auto f = mw::frame_packet(prefix(100), big->opts);
            if (!f.needs_more() || !f.need().exact || f.need().bytes != big->wire.size() - 100)
                return std::string("expected an exact need of the rest");
            return std::string();
        },
        [big] {
            const auto f = mw::frame_packet(in_span(big->wire).first(100), big->opts);
            use(f.need());
        });
    // The head of a 64 KiB PUBLISH from its first 64 bytes (payload still arriving).
    add(
        case_name("decode_head", "publish_64KiB", ver), 64, 1,
        [big, prefix] {
            if (!big->setup_error.empty()) return big->setup_error;
            const auto h = mw::decode_publish_head(prefix(64), big->opts);
            if (!h.is_complete()) return std::string("head not complete");
            if (h->topic_name != office || h->payload_size != 65536 || h->packet_id != 1)
                return std::string("head fields differ");
            return std::string();
        },
        [big] {
            const auto h = mw::decode_publish_head(in_span(big->wire).first(64), big->opts);
            use(h.state());
            consume(*h);
        });
}

// ------------------------------------------------------------------------------------------
// UTF-8 validation: ASCII and mixed text, directly and through a PUBLISH topic.
// ------------------------------------------------------------------------------------------

std::string ascii_text(std::size_t n) {
    constexpr std::string_view seed = "smarthome/lights/office/temperature-sensor-42/";
    std::string s;
    while (s.size() < n) s += seed;
    s.resize(n);
    return s;
}

/** About 1/4 ASCII by bytes; the rest 2-, 3- and 4-byte sequences. Whole code points only. */
std::string mixed_text(std::size_t n) {
    constexpr std::string_view seed = "Grüße aus Köln! 東京の天気は晴れ。Привет, мир — ça va? 🌍🚀 ";
    std::string s;
    while (s.size() + seed.size() <= n) s += seed;
    while (s.size() < n) s += 'a';
    return s;
}

void add_text(std::string_view name, std::string text) {
    auto t = std::make_shared<std::pair<std::string, std::string>>(std::move(text), std::string());
    t->second.assign(t->first.size(), '\0');
    const std::size_t n = t->first.size();
    add(
        "utf8/" + std::string(name), n, 1,
        [t] {
            const auto f = mw::detail::check_text(t->first.data(), t->first.size(),
                                                  mw::detail::text_rules::string, mw::leniency{});
            if (f.code != mw::errc::none) return "text rejected: " + std::string(mw::name(f.code));
            return std::string();
        },
        [t] {
            const auto f = mw::detail::check_text(t->first.data(), t->first.size(),
                                                  mw::detail::text_rules::string, mw::leniency{});
            use(f);
        });
    add(
        "memcpy/utf8_" + std::string(name), n, 1, [] { return std::string(); },
        [t] {
            std::memcpy(t->second.data(), t->first.data(), t->first.size());
            use(t->second.data());
        });
}

/** Storage for texts that packet fixtures view; deque elements never move. */
std::deque<std::string>& kept_texts() {
    static std::deque<std::string> texts;
    return texts;
}

void add_long_topic(std::string_view name, std::string topic) {
    mw::publish_packet p;
    p.topic_name = kept_texts().emplace_back(std::move(topic));
    p.payload = bytes_of("x");
    add_decode(name, v5, make_fixture(p, options(v5, sender::client), nullptr));
}

// ------------------------------------------------------------------------------------------
// Forwarding: a server sends the decoded P3 on to a subscriber (new packet id, a Topic Alias
// set, the Subscription Identifier replaced by the subscriber's), header only, by `forward`
// and, as the baseline in the same run, by rebuilding publish_properties from the view.
// ------------------------------------------------------------------------------------------

struct forward_fixture {
    explicit forward_fixture(const codec_options& o) : to(o) {}
    byte_vec wire;  // P3 as received
    std::optional<mw::publish_view<B>> source;
    codec_options to;
    byte_vec out = byte_vec(256);
    mw::publish_changes changes;
    // The rebuild's storage for the User Properties: user_property_view and user_property are
    // different types, so they are copied one by one.
    std::array<mw::user_property, 8> users{};
    std::string setup_error;
};

constexpr std::array<std::uint32_t, 1> forward_subscription_ids{42};

/** The source decoded again from `header` + payload, checked against the changes. */
std::string forwarded_error(const forward_fixture& fx, in_span header) {
    byte_vec whole(header.begin(), header.end());
    whole.insert(whole.end(), fx.source->payload.begin(), fx.source->payload.end());
    const auto r = mw::decode_publish(in_span(whole), fx.to);
    if (!r) return error_text("the forwarded packet does not decode", r.error());
    const mw::publish_view<B>& s = *fx.source;
    if (r->topic_name != s.topic_name || r->packet_id != 7 || !same_bytes(r->payload, s.payload))
        return "forwarded header fields differ";
    if (fx.to.version != protocol_version::v5)
        return r->properties.empty() ? std::string() : "3.1.1 forward kept properties";
    const auto& pr = r->properties;
    if (pr.topic_alias() != std::optional<std::uint16_t>(5) ||
        pr.subscription_identifier() != std::optional<std::uint32_t>(42) ||
        pr.subscription_identifiers().size() != 1)
        return "forwarded properties differ";
    // Every other property is the source's, byte for byte and in the same order.
    auto passed_through = [](const mw::properties_view<B>& list) {
        std::vector<in_span> out;
        for (const mw::property_entry<B>& e : mw::all_properties(list))
            if (e.id != mw::property_id::topic_alias &&
                e.id != mw::property_id::subscription_identifier)
                out.push_back(e.encoded);
        return out;
    };
    const std::vector<in_span> got = passed_through(pr);
    const std::vector<in_span> want = passed_through(s.properties);
    if (!std::equal(got.begin(), got.end(), want.begin(), want.end(), same_bytes))
        return "forwarded properties differ";
    return std::string();
}

/** The rebuild a broker writes without `forward`: every property field by field. */
mw::publish_packet rebuild(forward_fixture& fx) {
    const mw::publish_view<B>& s = *fx.source;
    mw::publish_packet p;
    p.topic_name = s.topic_name;
    p.qos_level = s.qos_level;
    p.retain = s.retain;
    p.packet_id = 7;
    p.payload = s.payload;
    if (fx.to.version == protocol_version::v5) {
        const mw::properties_view<B>& v = s.properties;
        mw::publish_properties& pp = p.properties;
        pp.payload_format_indicator = v.payload_format_indicator();
        pp.message_expiry_interval = v.message_expiry_interval();
        pp.content_type = v.content_type();
        pp.response_topic = v.response_topic();
        pp.correlation_data = v.correlation_data();
        std::size_t n = 0;
        for (const mw::user_property_view& u : v.user_properties())
            if (n < fx.users.size()) fx.users[n++] = {u.name, u.value};
        pp.user_properties = std::span<const mw::user_property>(fx.users.data(), n);
        pp.topic_alias = 5;
        pp.subscription_identifiers = forward_subscription_ids;
    }
    return p;
}

void add_forward(const packet_fixture<mw::publish_packet>& p3, version_tag ver) {
    auto fx = std::make_shared<forward_fixture>(options(ver, sender::server));
    fx->wire = p3.wire;
    const auto r = mw::decode_publish(in_span(fx->wire), p3.opts);
    if (r)
        fx->source.emplace(*r);
    else
        fx->setup_error = error_text("P3 does not decode", r.error());
    if (ver.version == protocol_version::v5) {
        fx->changes.topic_alias = mw::topic_alias_change::set(5);
        fx->changes.subscription_identifiers = forward_subscription_ids;
    }
    fx->changes.packet_id = 7;
    const std::size_t header = p3.wire.size() - p3.packet.payload.size();
    add(
        case_name("forward", "P3", ver), header, 1,
        [fx] {
            if (!fx->setup_error.empty()) return fx->setup_error;
            const auto n = mw::encode_header(mw::forward(*fx->source, fx->changes), fx->to,
                                             std::span<std::byte>(fx->out));
            if (!n) return error_text("forward failed", n.error());
            return forwarded_error(*fx, in_span(fx->out).first(*n));
        },
        [fx] {
            const auto n = mw::encode_header(mw::forward(*fx->source, fx->changes), fx->to,
                                             std::span<std::byte>(fx->out));
            use(n);
            use(fx->out.data());
        });
    add(
        case_name("rebuild", "P3", ver), header, 1,
        [fx] {
            if (!fx->setup_error.empty()) return fx->setup_error;
            const auto n = mw::encode_header(rebuild(*fx), fx->to, std::span<std::byte>(fx->out));
            if (!n) return error_text("rebuild failed", n.error());
            return forwarded_error(*fx, in_span(fx->out).first(*n));
        },
        [fx] {
            const auto n = mw::encode_header(rebuild(*fx), fx->to, std::span<std::byte>(fx->out));
            use(n);
            use(fx->out.data());
        });
}

// ------------------------------------------------------------------------------------------
// Every case.
// ------------------------------------------------------------------------------------------

void register_all() {
    // P1 and P2 (named in the issue), in every version; P3 as a server sends it.
    for (const version_tag v : every_version) {
        const byte_vec k1 = p1_known(v);
        const auto p1 = add_packet("P1", v, sender::client, make_p1(), &k1);
        add_encode_header("P1", v, p1);
        add(
            case_name("decode_any", "P1", v), p1->wire.size(), 1,
            [p1] {
                if (!p1->setup_error.empty()) return p1->setup_error;
                const auto r = mw::decode(in_span(p1->wire), p1->opts);
                if (!r || r->index() != 2) return std::string("decode() did not give a PUBLISH");
                return std::string();
            },
            [p1] {
                const auto r = mw::decode(in_span(p1->wire), p1->opts);
                use(r.has_value());
                if (const auto* pv = std::get_if<mw::publish_view<B>>(&*r)) consume(*pv);
            });
        const byte_vec k2 = p2_known(v);
        add_packet("P2", v, sender::client, make_p2(), &k2);
    }
    {
        const byte_vec k3 = p3_known();
        const auto p3 = add_packet("P3", v5, sender::server, make_p3(), &k3);
        add_encode_header("P3", v5, p3);
        add_forward(*p3, v5);
        add_forward(*p3, v311);
        // decode, then read every property through its accessor, as a consumer would.
        add(
            case_name("decode_access", "P3", v5), p3->wire.size(), 1,
            [p3] {
                if (!p3->setup_error.empty()) return p3->setup_error;
                return round_trip_error(*p3);
            },
            [p3] {
                const auto r = mw::decode_publish(in_span(p3->wire), p3->opts);
                use(r.has_value());
                const mw::publish_view<B>& v = *r;
                use(v.topic_name);
                use(v.packet_id);
                use(v.payload);
                const mw::properties_view<B>& pr = v.properties;
                use(pr.payload_format_indicator());
                use(pr.message_expiry_interval());
                use(pr.content_type());
                use(pr.response_topic());
                use(pr.correlation_data());
                for (const mw::user_property_view& u : pr.user_properties()) use(u);
                for (const std::uint32_t id : pr.subscription_identifiers()) use(id);
            });
    }

    // PUBLISH by payload size.
    for (const version_tag v : {v311, v5}) {
        for (const auto& [name, size] : {std::pair<const char*, std::size_t>{"publish_64B", 64},
                                         {"publish_1KiB", 1024},
                                         {"publish_64KiB", 65536}}) {
            const auto fx = add_packet(name, v, sender::client, make_sized(size));
            add_encode_header(name, v, fx);
        }
    }

    // Every other packet type in every version it exists in.
    for (const version_tag v : every_version) {
        add_packet("connect", v, sender::client, make_connect(v));
        add_packet("connack", v, sender::server, make_connack(v));
        if (v.version == protocol_version::v5) {
            const byte_vec puback_known = known_answer().u8(0x40).u8(2).u16(1234).done();
            add_packet("puback", v, sender::client, make_ack<packet_type::puback>(), &puback_known);
        } else {
            add_packet("puback", v, sender::client, make_ack<packet_type::puback>());
        }
        add_packet("pubrec", v, sender::client, make_ack<packet_type::pubrec>());
        add_packet("pubrel", v, sender::client, make_ack<packet_type::pubrel>());
        add_packet("pubcomp", v, sender::client, make_ack<packet_type::pubcomp>());
        add_packet("subscribe_1", v, sender::client, make_subscribe(v, 1));
        add_packet("subscribe_8", v, sender::client, make_subscribe(v, 8));
        add_packet("suback_1", v, sender::server, make_suback(v, 1));
        add_packet("suback_8", v, sender::server, make_suback(v, 8));
        add_packet("unsubscribe_1", v, sender::client, make_unsubscribe());
        add_packet("unsuback_1", v, sender::server, make_unsuback(v));
        const byte_vec pingreq_known = known_answer().u8(0xC0).u8(0).done();
        add_packet("pingreq", v, sender::client, mw::pingreq_packet{}, &pingreq_known);
        add_packet("pingresp", v, sender::server, mw::pingresp_packet{});
        add_packet("disconnect", v, sender::client, mw::disconnect_packet{});
    }
    add_packet("auth", v5, sender::client, make_auth());

    // Streams, framing and the PUBLISH head.
    for (const version_tag v : {v311, v5}) add_streams(v);
    add_framing(v5);

    // UTF-8 validation.
    add_text("ascii_64B", ascii_text(64));
    add_text("ascii_1KiB", ascii_text(1024));
    add_text("ascii_16KiB", ascii_text(16384));
    add_text("mixed_1KiB", mixed_text(1024));
    add_text("mixed_16KiB", mixed_text(16384));
    add_long_topic("topic_ascii_16KiB", ascii_text(16384));
    add_long_topic("topic_mixed_16KiB", mixed_text(16384));
}

std::vector<std::unique_ptr<bench_case>> build() {
    std::vector<std::unique_ptr<bench_case>> cases;
    g_cases = &cases;
    register_all();
    g_cases = nullptr;
    return cases;
}

}  // namespace

const std::vector<std::unique_ptr<bench_case>>& all_cases() {
    static const std::vector<std::unique_ptr<bench_case>> cases = build();
    return cases;
}

}  // namespace mqttwire_bench
