// MQTT 5.0 property lists on their own: the library's reader against a reference validator
// written from 5.0 §2.2.2.2 (Table 2-4) and the value rules of §3.x; on success, the typed
// property set rebuilt from the view's accessors and ranges encodes to the same entries (each
// identifier's values in the same order) and the same length.
//
// Input: context byte (low nibble mod 9: CONNECT, Will, CONNACK, PUBLISH, ack, SUBSCRIBE,
// UNSUBSCRIBE, DISCONNECT, AUTH; bit 4 sender = server; bit 5 allow_control_characters; bit 6
// allow_noncharacters), then Property Length + properties (bytes after the list are ignored).
#include <algorithm>
#include <map>

#include "fuzz_common.hpp"
#include "reference.hpp"

namespace {

namespace mw = mqttwire;
using mw::errc;
using ctx = mw::property_context;

enum class kind { none, byte, two, four, vbi, text, binary, pair };

// Table 2-4, written out again: identifier, data type, and the packets that may carry it.
struct spec_row {
    std::uint8_t id;
    kind type;
    std::vector<ctx> where;
};
const std::vector<spec_row>& spec_table() {
    static const std::vector<spec_row> rows = {
        {0x01, kind::byte, {ctx::publish, ctx::will}},
        {0x02, kind::four, {ctx::publish, ctx::will}},
        {0x03, kind::text, {ctx::publish, ctx::will}},
        {0x08, kind::text, {ctx::publish, ctx::will}},
        {0x09, kind::binary, {ctx::publish, ctx::will}},
        {0x0B, kind::vbi, {ctx::publish, ctx::subscribe}},
        {0x11, kind::four, {ctx::connect, ctx::connack, ctx::disconnect}},
        {0x12, kind::text, {ctx::connack}},
        {0x13, kind::two, {ctx::connack}},
        {0x15, kind::text, {ctx::connect, ctx::connack, ctx::auth}},
        {0x16, kind::binary, {ctx::connect, ctx::connack, ctx::auth}},
        {0x17, kind::byte, {ctx::connect}},
        {0x18, kind::four, {ctx::will}},
        {0x19, kind::byte, {ctx::connect}},
        {0x1A, kind::text, {ctx::connack}},
        {0x1C, kind::text, {ctx::connack, ctx::disconnect}},
        {0x1F, kind::text, {ctx::connack, ctx::ack, ctx::disconnect, ctx::auth}},
        {0x21, kind::two, {ctx::connect, ctx::connack}},
        {0x22, kind::two, {ctx::connect, ctx::connack}},
        {0x23, kind::two, {ctx::publish}},
        {0x24, kind::byte, {ctx::connack}},
        {0x25, kind::byte, {ctx::connack}},
        {0x26,
         kind::pair,
         {ctx::connect, ctx::will, ctx::connack, ctx::publish, ctx::ack, ctx::subscribe,
          ctx::unsubscribe, ctx::disconnect, ctx::auth}},
        {0x27, kind::four, {ctx::connect, ctx::connack}},
        {0x28, kind::byte, {ctx::connack}},
        {0x29, kind::byte, {ctx::connack}},
        {0x2A, kind::byte, {ctx::connack}},
    };
    return rows;
}
const spec_row* row_of(std::uint8_t id) {
    for (const spec_row& r : spec_table())
        if (r.id == id) return &r;
    return nullptr;
}

struct verdict {
    errc code = errc::none;
    std::size_t offset = 0;
    std::map<std::uint8_t, std::vector<std::string>> values;  // raw value bytes, in wire order
    std::size_t length = 0;
};

std::uint16_t be16(const unsigned char* p) { return static_cast<std::uint16_t>(p[0] << 8 | p[1]); }

/** The reference: what the property list at p[0, n) should decode to. */
verdict reference(const unsigned char* p, std::size_t n, ctx where, const mw::codec_options& o) {
    verdict v;
    auto fail = [&](errc c, std::size_t at) {
        v.code = c;
        v.offset = at;
        return v;
    };
    // Property Length: a Variable Byte Integer of at most 4 bytes, minimal.
    std::uint32_t length = 0;
    std::size_t i = 0;
    for (;; ++i) {
        if (i == 4) return fail(errc::variable_byte_integer_too_long, 0);
        if (i == n) return fail(errc::property_length_overruns_packet, 0);
        length |= std::uint32_t{p[i] & 0x7Fu} << (7 * i);
        if (!(p[i] & 0x80u)) {
            if (i > 0 && p[i] == 0) return fail(errc::variable_byte_integer_not_minimal, 0);
            break;
        }
    }
    const std::size_t begin = i + 1;
    if (length > n - begin) return fail(errc::property_length_overruns_packet, 0);
    const std::size_t end = begin + length;
    v.length = length;
    std::vector<std::uint8_t> seen;
    bool method = false, data = false;
    for (std::size_t at = begin; at < end;) {
        const std::uint8_t id = p[at];
        const spec_row* row = row_of(id);
        if (!row) return fail(errc::property_identifier_unknown, at);
        if (std::find(row->where.begin(), row->where.end(), where) == row->where.end())
            return fail(errc::property_not_allowed, at);
        const bool repeatable = id == 0x26 || (id == 0x0B && where == ctx::publish);
        if (!repeatable && std::find(seen.begin(), seen.end(), id) != seen.end())
            return fail(errc::property_duplicate, at);
        seen.push_back(id);
        const std::size_t value_at = at + 1;
        const std::size_t room = end - value_at;
        std::size_t size = 0;
        std::uint32_t number = 0;
        switch (row->type) {
            case kind::byte:
            case kind::two:
            case kind::four:
                size = row->type == kind::byte ? 1 : row->type == kind::two ? 2 : 4;
                if (room < size) return fail(errc::property_value_overruns, at);
                for (std::size_t k = 0; k < size; ++k) number = number << 8 | p[value_at + k];
                break;
            case kind::vbi: {
                std::size_t k = 0;
                for (;; ++k) {
                    if (k == 4) return fail(errc::variable_byte_integer_too_long, value_at);
                    if (k == room) return fail(errc::property_value_overruns, value_at);
                    number |= std::uint32_t{p[value_at + k] & 0x7Fu} << (7 * k);
                    if (!(p[value_at + k] & 0x80u)) break;
                }
                if (k > 0 && p[value_at + k] == 0)
                    return fail(errc::variable_byte_integer_not_minimal, value_at);
                size = k + 1;
                break;
            }
            case kind::text:
            case kind::binary: {
                if (room < 2 || room - 2 < be16(p + value_at))
                    return fail(errc::property_value_overruns, at);
                const std::size_t len = be16(p + value_at);
                size = 2 + len;
                if (row->type == kind::text) {
                    const auto t =
                        id == 0x08
                            ? fuzz::reference::check_topic_name(
                                  p + value_at + 2, len, o.leniency.allow_control_characters,
                                  o.leniency.allow_noncharacters, false)
                            : fuzz::reference::check_text(p + value_at + 2, len, false,
                                                          o.leniency.allow_control_characters,
                                                          o.leniency.allow_noncharacters);
                    // A wildcard in a Response Topic is a Protocol Error of its own (0x82), not
                    // an invalid Topic Name: the Response Topic is not the packet's Topic Name.
                    if (id == 0x08 && t.code == errc::topic_name_has_wildcard)
                        return fail(errc::response_topic_has_wildcard, value_at + 2 + t.offset);
                    if (t.code != errc::none) return fail(t.code, value_at + 2 + t.offset);
                }
                break;
            }
            case kind::pair: {
                if (room < 2 || room - 2 < be16(p + value_at))
                    return fail(errc::property_value_overruns, at);
                const std::size_t a = be16(p + value_at);
                if (room - 2 - a < 2 || room - 4 - a < be16(p + value_at + 2 + a))
                    return fail(errc::property_value_overruns, at);
                const std::size_t b = be16(p + value_at + 2 + a);
                size = 4 + a + b;
                const bool ctl = o.leniency.allow_control_characters;
                const bool nc = o.leniency.allow_noncharacters;
                auto t = fuzz::reference::check_text(p + value_at + 2, a, false, ctl, nc);
                if (t.code != errc::none) return fail(t.code, value_at + 2 + t.offset);
                t = fuzz::reference::check_text(p + value_at + 4 + a, b, false, ctl, nc);
                if (t.code != errc::none) return fail(t.code, value_at + 4 + a + t.offset);
                break;
            }
            case kind::none: break;
        }
        // Value ranges (5.0 §3.1.2.11, §3.2.2.3, §3.3.2.3, §3.8.2.1).
        switch (id) {
            case 0x01:
            case 0x17:
            case 0x19:
            case 0x24:
            case 0x25:
            case 0x28:
            case 0x29:
            case 0x2A:
                if (number > 1) return fail(errc::property_value_invalid, value_at);
                break;
            case 0x21:
            case 0x27:
            case 0x0B:
                if (number == 0) return fail(errc::property_value_invalid, value_at);
                break;
            case 0x23:
                if (number == 0) return fail(errc::topic_alias_zero, value_at);
                break;
            default: break;
        }
        if (id == 0x0B && where == ctx::publish && o.from == mw::sender::client)
            return fail(errc::subscription_identifier_from_client, at);
        if (id == 0x11 && where == ctx::disconnect && o.from == mw::sender::server)
            return fail(errc::session_expiry_from_server, at);
        method = method || id == 0x15;
        data = data || id == 0x16;
        v.values[id].emplace_back(reinterpret_cast<const char*>(p + value_at), size);
        at = value_at + size;
    }
    if (data && !method) return fail(errc::authentication_data_without_method, begin);
    return v;
}

template <class Set>
void round_trip(const mw::properties_view<unsigned char>& view, const verdict& expect, ctx where,
                const mw::codec_options& opts) {
    fuzz::arena a;
    const Set set = fuzz::to_set<Set>(view, a);
    std::size_t size = 0;
    FUZZ_CHECK(where == Set::context);
    const auto f = mw::detail::measure_properties(set, opts, size);
    FUZZ_CHECK_MSG(!f, "decoded properties do not encode: " + std::string(mw::name(f.code)));
    FUZZ_CHECK(size == expect.length);
    std::vector<std::byte> out(5 + size);
    mw::detail::writer w(out);
    mw::detail::write_properties(w, set, size);
    FUZZ_CHECK(!w.overflowed());
    const verdict again =
        reference(reinterpret_cast<const unsigned char*>(out.data()), w.written(), where, opts);
    FUZZ_CHECK(again.code == errc::none && again.length == expect.length);
    FUZZ_CHECK_MSG(again.values == expect.values,
                   "entries differ after the round trip through " + fuzz::describe_properties(set));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const auto where = static_cast<ctx>((data[0] & 15u) % 9);
    // Properties exist only in 5.0.
    mw::codec_options opts{.version = mw::protocol_version::v5,
                           .from = (data[0] & 16u) ? mw::sender::server : mw::sender::client};
    opts.leniency.allow_control_characters = (data[0] & 32u) != 0;
    opts.leniency.allow_noncharacters = (data[0] & 64u) != 0;
    const fuzz::exact_copy<> in(data + 1, size - 1);

    mw::detail::reader<unsigned char> r(in.data(), 0, in.size());
    mw::properties_view<unsigned char> view;
    const mw::detail::fault f = mw::detail::read_properties(r, where, opts, view);
    const verdict expect = reference(in.data(), in.size(), where, opts);
    FUZZ_CHECK_MSG(f.code == expect.code && (f.code == errc::none || f.offset == expect.offset),
                   "library " + std::string(mw::name(f.code)) + "@" + std::to_string(f.offset) +
                       " vs reference " + std::string(mw::name(expect.code)) + "@" +
                       std::to_string(expect.offset));
    if (f) return 0;
    FUZZ_CHECK(view.encoded().size() == expect.length);
    FUZZ_CHECK(view.user_properties().size() ==
               (expect.values.count(0x26) ? expect.values.at(0x26).size() : 0));
    switch (where) {
        case ctx::connect: round_trip<mw::connect_properties>(view, expect, where, opts); break;
        case ctx::will: round_trip<mw::will_properties>(view, expect, where, opts); break;
        case ctx::connack: round_trip<mw::connack_properties>(view, expect, where, opts); break;
        case ctx::publish: round_trip<mw::publish_properties>(view, expect, where, opts); break;
        case ctx::ack: round_trip<mw::ack_properties>(view, expect, where, opts); break;
        case ctx::subscribe: round_trip<mw::subscribe_properties>(view, expect, where, opts); break;
        case ctx::unsubscribe:
            round_trip<mw::unsubscribe_properties>(view, expect, where, opts);
            break;
        case ctx::disconnect:
            round_trip<mw::disconnect_properties>(view, expect, where, opts);
            break;
        case ctx::auth: round_trip<mw::auth_properties>(view, expect, where, opts); break;
    }
    return 0;
}
