// Shared by the mqttwire fuzzers: the selector byte, exact-size heap copies, the check macro,
// and the bridge from a decoded view back to the packet struct the encoder takes, with a
// canonical text description of every packet struct so two packets compare field by field.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include <mqttwire/mqttwire.hpp>

namespace fuzz {

namespace mw = mqttwire;

/** Reports a failed check and stops the fuzzer; only ever used inside fuzzers. */
[[noreturn]] inline void fail(const char* what, const char* file, int line,
                              const std::string& detail = {}) {
    std::fprintf(stderr, "%s:%d: check failed: %s\n", file, line, what);
    if (!detail.empty()) std::fprintf(stderr, "%s\n", detail.c_str());
    std::fflush(stderr);
    __builtin_trap();
}

#define FUZZ_CHECK(cond)                                                   \
    do {                                                                   \
        if (!(cond)) ::fuzz::fail(#cond, __FILE__, __LINE__);              \
    } while (0)
#define FUZZ_CHECK_MSG(cond, msg)                                          \
    do {                                                                   \
        if (!(cond)) ::fuzz::fail(#cond, __FILE__, __LINE__, (msg));       \
    } while (0)

/**
 * A heap copy whose allocation ends exactly at the last input byte, so AddressSanitizer
 * reports any read past the end (libFuzzer's own buffer may have slack behind it).
 */
template <class T = unsigned char>
class exact_copy {
public:
    exact_copy(const std::uint8_t* data, std::size_t size)
        : data_(new T[size]), size_(size) {
        if (size != 0) std::memcpy(data_.get(), data, size);
    }
    [[nodiscard]] std::span<const T> span() const noexcept { return {data_.get(), size_}; }
    [[nodiscard]] const T* data() const noexcept { return data_.get(); }
    [[nodiscard]] std::size_t size() const noexcept { return size_; }

private:
    std::unique_ptr<T[]> data_;
    std::size_t size_;
};

/**
 * The selector byte: bits 0-1 version (0 = 3.1, 1 = 3.1.1, 2 and 3 = 5.0), bit 2 sender
 * (1 = server), bit 3 allow_control_characters, bit 4 allow_noncharacters, bits 5-6 maximum
 * packet size (default, 64, 300, 20000). Bit 7 is left to each fuzzer.
 */
inline mw::codec_options options_from(std::uint8_t b) {
    const mw::protocol_version versions[] = {mw::protocol_version::v3_1,
                                             mw::protocol_version::v3_1_1, mw::protocol_version::v5,
                                             mw::protocol_version::v5};
    mw::codec_options o{.version = versions[b & 3u],
                        .from = (b & 4u) ? mw::sender::server : mw::sender::client};
    o.leniency.allow_control_characters = (b & 8u) != 0;
    o.leniency.allow_noncharacters = (b & 16u) != 0;
    switch ((b >> 5) & 3u) {
        case 1: o.maximum_packet_size = 64; break;
        case 2: o.maximum_packet_size = 300; break;
        case 3: o.maximum_packet_size = 20000; break;
        default: break;
    }
    return o;
}

inline std::string describe(const mw::error& e) {
    return std::string(mw::name(e.code)) + "@" + std::to_string(e.offset) + " [" +
           std::string(e.statement) + "]";
}

template <class B>
std::span<const std::byte> as_bytes(std::span<const B> s) {
    return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

/** Owns the arrays that packet structs only point to. */
struct arena {
    std::list<std::vector<mw::user_property>> user_properties;
    std::list<std::vector<std::uint32_t>> ids;
    std::list<std::vector<mw::subscription>> subscriptions;
    std::list<std::vector<std::string_view>> filters;
    std::list<std::vector<mw::reason_code>> codes;
    std::list<std::string> strings;

    template <class T>
    std::span<const T> keep(std::list<std::vector<T>>& where, std::vector<T> v) {
        where.push_back(std::move(v));
        return where.back();
    }
    std::string_view keep(std::string s) {
        strings.push_back(std::move(s));
        return strings.back();
    }
};

// ---------------------------------------------------------------------------------------------
// View -> packet struct.
// ---------------------------------------------------------------------------------------------

/** Fills every field of the property set `Set` from a decoded property list. */
template <class Set, class B>
Set to_set(const mw::properties_view<B>& v, arena& a) {
    Set s{};
    mw::for_each_property(s, [&](auto& field) {
        constexpr mw::property_id id = std::remove_cvref_t<decltype(field)>::id;
        if constexpr (requires { field.size(); }) {
            // A property_list: every value, in wire order, kept in the arena.
            if constexpr (id == mw::property_id::user_property) {
                std::vector<mw::user_property> ups;
                for (const mw::user_property_view& p : v.template get_all<id>())
                    ups.push_back({p.name, p.value});
                field = a.keep(a.user_properties, std::move(ups));
            } else {
                std::vector<std::uint32_t> ids;
                for (std::uint32_t x : v.template get_all<id>()) ids.push_back(x);
                field = a.keep(a.ids, std::move(ids));
            }
        } else if constexpr (mw::type_of(id) == mw::property_type::binary_data) {
            if (auto d = v.template get<id>()) field = as_bytes(*d);
        } else {
            field = v.template get<id>();
        }
    });
    return s;
}

template <class B>
mw::connect_packet to_struct(const mw::connect_view<B>& v, arena& a) {
    mw::connect_packet c;
    c.client_id = v.client_id;
    c.keep_alive = v.keep_alive;
    c.clean_start = v.clean_start;
    if (v.will) {
        mw::will_message w;
        w.topic = v.will->topic;
        w.payload = as_bytes(v.will->payload);
        w.qos_level = v.will->qos_level;
        w.retain = v.will->retain;
        w.properties = to_set<mw::will_properties>(v.will->properties, a);
        c.will = w;
    }
    c.user_name = v.user_name;
    if (v.password) c.password = as_bytes(*v.password);
    c.properties = to_set<mw::connect_properties>(v.properties, a);
    return c;
}
template <class B>
mw::connack_packet to_struct(const mw::connack_view<B>& v, arena& a) {
    mw::connack_packet c;
    c.session_present = v.session_present;
    c.reason = v.reason;
    c.return_code = v.return_code;
    c.properties = to_set<mw::connack_properties>(v.properties, a);
    return c;
}
template <class B>
mw::publish_packet to_struct(const mw::publish_view<B>& v, arena& a) {
    mw::publish_packet p;
    p.topic_name = v.topic_name;
    p.payload = as_bytes(v.payload);
    p.qos_level = v.qos_level;
    p.retain = v.retain;
    p.dup = v.dup;
    p.packet_id = v.packet_id;
    p.properties = to_set<mw::publish_properties>(v.properties, a);
    return p;
}
template <class B, mw::packet_type T>
mw::basic_pub_ack<T> to_struct(const mw::basic_pub_ack_view<B, T>& v, arena& a) {
    mw::basic_pub_ack<T> p;
    p.packet_id = v.packet_id;
    p.reason = v.reason;
    p.properties = to_set<mw::ack_properties>(v.properties, a);
    return p;
}
template <class B>
mw::subscribe_packet to_struct(const mw::subscribe_view<B>& v, arena& a) {
    mw::subscribe_packet s;
    s.packet_id = v.packet_id;
    std::vector<mw::subscription> subs;
    for (const mw::subscription_view& x : v.subscriptions)
        subs.push_back({x.topic_filter, x.max_qos, x.no_local, x.retain_as_published, x.retain});
    s.subscriptions = a.keep(a.subscriptions, std::move(subs));
    s.properties = to_set<mw::subscribe_properties>(v.properties, a);
    return s;
}
template <class B>
mw::unsubscribe_packet to_struct(const mw::unsubscribe_view<B>& v, arena& a) {
    mw::unsubscribe_packet u;
    u.packet_id = v.packet_id;
    std::vector<std::string_view> filters;
    for (std::string_view f : v.topic_filters) filters.push_back(f);
    u.topic_filters = a.keep(a.filters, std::move(filters));
    u.properties = to_set<mw::unsubscribe_properties>(v.properties, a);
    return u;
}
template <class Ack, class View>
Ack sub_ack_struct(const View& v, arena& a) {
    Ack s;
    s.packet_id = v.packet_id;
    std::vector<mw::reason_code> codes;
    for (mw::reason_code c : v.reason_codes) codes.push_back(c);
    s.reason_codes = a.keep(a.codes, std::move(codes));
    s.properties = to_set<mw::ack_properties>(v.properties, a);
    return s;
}
template <class B>
mw::suback_packet to_struct(const mw::suback_view<B>& v, arena& a) {
    return sub_ack_struct<mw::suback_packet>(v, a);
}
template <class B>
mw::unsuback_packet to_struct(const mw::unsuback_view<B>& v, arena& a) {
    return sub_ack_struct<mw::unsuback_packet>(v, a);
}
inline mw::pingreq_packet to_struct(const mw::pingreq_view&, arena&) { return {}; }
inline mw::pingresp_packet to_struct(const mw::pingresp_view&, arena&) { return {}; }
template <class B>
mw::disconnect_packet to_struct(const mw::disconnect_view<B>& v, arena& a) {
    mw::disconnect_packet d;
    d.reason = v.reason;
    d.properties = to_set<mw::disconnect_properties>(v.properties, a);
    return d;
}
template <class B>
mw::auth_packet to_struct(const mw::auth_view<B>& v, arena& a) {
    mw::auth_packet x;
    x.reason = v.reason;
    x.properties = to_set<mw::auth_properties>(v.properties, a);
    return x;
}

// ---------------------------------------------------------------------------------------------
// Packet struct -> canonical text, so "same fields" is a string comparison with a readable diff.
// ---------------------------------------------------------------------------------------------

inline void put_text(std::string& out, std::string_view s) {
    static constexpr char hex[] = "0123456789abcdef";
    out += '"';
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (u >= 0x20 && u < 0x7F && u != '"' && u != '\\') {
            out += c;
        } else {
            out += "\\x";
            out += hex[u >> 4];
            out += hex[u & 0xF];
        }
    }
    out += '"';
}
inline void put_bytes(std::string& out, mw::byte_input in) {
    const std::span<const std::byte> b = in.to_span();
    put_text(out, std::string_view(reinterpret_cast<const char*>(b.data()), b.size()));
}

/** Describes each present property as `name=value;` in the set's own order. */
struct property_describer {
    std::string out;
    template <class T>
    void operator()(mw::property_id id, const std::optional<T>& v) {
        if (!v) return;
        out += std::string(mw::name(id)) + "=";
        if constexpr (std::is_same_v<T, std::string_view>) {
            put_text(out, *v);
        } else if constexpr (std::is_same_v<T, mw::binary_input>) {
            put_bytes(out, *v);
        } else {
            out += std::to_string(static_cast<unsigned long long>(*v));
        }
        out += ';';
    }
    void operator()(mw::property_id id, std::span<const mw::user_property> list) {
        for (const mw::user_property& p : list) {
            out += std::string(mw::name(id)) + "=";
            put_text(out, p.name);
            out += ':';
            put_text(out, p.value);
            out += ';';
        }
    }
    void operator()(mw::property_id id, std::span<const std::uint32_t> list) {
        for (std::uint32_t v : list) out += std::string(mw::name(id)) + "=" + std::to_string(v) + ";";
    }
};

template <class Set>
std::string describe_properties(const Set& s) {
    property_describer d;
    s.visit(d);
    return "{" + d.out + "}";
}

inline std::string num(unsigned long long v) { return std::to_string(v); }
template <class E>
unsigned long long u(E e) {
    return static_cast<unsigned long long>(e);
}

inline std::string describe(const mw::connect_packet& c) {
    std::string s = "CONNECT id=";
    put_text(s, c.client_id);
    s += " keep_alive=" + num(c.keep_alive) + " clean=" + num(c.clean_start);
    if (c.will) {
        s += " will{topic=";
        put_text(s, c.will->topic);
        s += " payload=";
        put_bytes(s, c.will->payload);
        s += " qos=" + num(u(c.will->qos_level)) + " retain=" + num(c.will->retain) +
             " props=" + describe_properties(c.will->properties) + "}";
    }
    if (c.user_name) {
        s += " user=";
        put_text(s, *c.user_name);
    }
    if (c.password) {
        s += " password=";
        put_bytes(s, *c.password);
    }
    return s + " props=" + describe_properties(c.properties);
}
inline std::string describe(const mw::connack_packet& c) {
    return "CONNACK sp=" + num(c.session_present) + " reason=" + num(u(c.reason)) +
           " rc=" + num(u(c.return_code)) + " props=" + describe_properties(c.properties);
}
inline std::string describe(const mw::publish_packet& p) {
    std::string s = "PUBLISH topic=";
    put_text(s, p.topic_name);
    s += " qos=" + num(u(p.qos_level)) + " retain=" + num(p.retain) + " dup=" + num(p.dup) +
         " id=" + num(p.packet_id) + " payload=";
    put_bytes(s, p.payload);
    return s + " props=" + describe_properties(p.properties);
}
template <mw::packet_type T>
std::string describe(const mw::basic_pub_ack<T>& a) {
    return std::string(mw::name(T)) + " id=" + num(a.packet_id) + " reason=" + num(u(a.reason)) +
           " props=" + describe_properties(a.properties);
}
inline std::string describe(const mw::subscribe_packet& x) {
    std::string s = "SUBSCRIBE id=" + num(x.packet_id);
    for (const mw::subscription& sub : x.subscriptions) {
        s += " [";
        put_text(s, sub.topic_filter);
        s += " q" + num(u(sub.max_qos)) + " nl" + num(sub.no_local) + " rap" +
             num(sub.retain_as_published) + " rh" + num(u(sub.retain)) + "]";
    }
    return s + " props=" + describe_properties(x.properties);
}
inline std::string describe(const mw::unsubscribe_packet& x) {
    std::string s = "UNSUBSCRIBE id=" + num(x.packet_id);
    for (std::string_view f : x.topic_filters) {
        s += ' ';
        put_text(s, f);
    }
    return s + " props=" + describe_properties(x.properties);
}
template <class Ack>
std::string describe_sub_ack(const char* what, const Ack& a) {
    std::string s = std::string(what) + " id=" + num(a.packet_id) + " codes=";
    for (mw::reason_code c : a.reason_codes) s += num(u(c)) + ",";
    return s + " props=" + describe_properties(a.properties);
}
inline std::string describe(const mw::suback_packet& a) { return describe_sub_ack("SUBACK", a); }
inline std::string describe(const mw::unsuback_packet& a) {
    return describe_sub_ack("UNSUBACK", a);
}
inline std::string describe(const mw::pingreq_packet&) { return "PINGREQ"; }
inline std::string describe(const mw::pingresp_packet&) { return "PINGRESP"; }
inline std::string describe(const mw::disconnect_packet& d) {
    return "DISCONNECT reason=" + num(u(d.reason)) + " props=" + describe_properties(d.properties);
}
inline std::string describe(const mw::auth_packet& a) {
    return "AUTH reason=" + num(u(a.reason)) + " props=" + describe_properties(a.properties);
}

/** Describes a decoded packet through its struct form. */
template <class B>
std::string describe_view(const mw::packet_view<B>& v) {
    arena a;
    return std::visit([&](const auto& x) { return describe(to_struct(x, a)); }, v);
}

inline std::string hex(std::span<const std::byte> b) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string s;
    for (std::byte x : b) {
        const auto v = static_cast<unsigned>(x);
        s += digits[v >> 4];
        s += digits[v & 0xF];
        s += ' ';
    }
    return s;
}
template <class B>
std::string hex(std::span<const B> b) {
    return hex(as_bytes(b));
}

/** Encodes with encoded_size + encode, checking that the two agree and that a short buffer is
 * refused without a write outside it. */
template <class Packet>
mw::result<std::size_t> encode_checked(const Packet& p, const mw::codec_options& opts,
                                       std::vector<std::byte>& out) {
    const mw::result<std::size_t> size = mw::encoded_size(p, opts);
    out.assign(size ? *size : 0, std::byte{0});
    const mw::result<std::size_t> n = mw::encode(p, opts, out);
    FUZZ_CHECK(size.has_value() == n.has_value());
    if (!n) {
        FUZZ_CHECK(size.error().code == n.error().code);
        return n;
    }
    FUZZ_CHECK(*n == *size);
    if (*size > 0) {
        // One byte short: refused, in an exact-size allocation so a stray write is caught.
        std::unique_ptr<std::byte[]> shortbuf(new std::byte[*size - 1]);
        const auto r = mw::encode(p, opts, std::span<std::byte>(shortbuf.get(), *size - 1));
        FUZZ_CHECK(!r && r.error().code == mw::errc::buffer_too_small);
    }
    return n;
}

}  // namespace fuzz
