// Code size of a full use of mqttwire (bench/size.sh): encode every packet type, encode_header,
// frame, decode any packet (decode() and its variant), decode a PUBLISH head. Version and
// sender are run-time values; entry points are reached through a volatile table.
#include <cstddef>
#include <mqttwire/mqttwire.hpp>
#include <span>
#include <variant>

namespace mw = mqttwire;
using bytes_in = std::span<const std::byte>;
using bytes_out = std::span<std::byte>;

volatile std::size_t observed;

template <class Packet>
[[gnu::noinline]] std::size_t encode_any(const Packet& p, const mw::codec_options& o,
                                         bytes_out out) {
    const auto r = mw::encode(p, o, out);
    return r ? *r : 0;
}

[[gnu::noinline]] std::size_t encode_publish_header(const mw::publish& p,
                                                    const mw::codec_options& o, bytes_out out) {
    const auto r = mw::encode_header(p, o, out);
    return r ? *r : 0;
}

[[gnu::noinline]] std::size_t receive(bytes_in in, const mw::codec_options& o) {
    const auto f = mw::frame_packet(in, o);
    if (!f.is_complete()) return 0;
    const auto r = mw::decode(in.first(f->size()), o);
    if (!r) return 0;
    observed = r->index();
    return f->size();
}

[[gnu::noinline]] std::size_t receive_head(bytes_in in, const mw::codec_options& o) {
    const auto h = mw::decode_publish_head(in, o);
    return h.is_complete() ? h->payload_offset : 0;
}

using entry = void (*)();
volatile entry entries[] = {
    reinterpret_cast<entry>(&encode_any<mw::connect>),
    reinterpret_cast<entry>(&encode_any<mw::connack>),
    reinterpret_cast<entry>(&encode_any<mw::publish>),
    reinterpret_cast<entry>(&encode_any<mw::puback>),
    reinterpret_cast<entry>(&encode_any<mw::pubrec>),
    reinterpret_cast<entry>(&encode_any<mw::pubrel>),
    reinterpret_cast<entry>(&encode_any<mw::pubcomp>),
    reinterpret_cast<entry>(&encode_any<mw::subscribe>),
    reinterpret_cast<entry>(&encode_any<mw::suback>),
    reinterpret_cast<entry>(&encode_any<mw::unsubscribe>),
    reinterpret_cast<entry>(&encode_any<mw::unsuback>),
    reinterpret_cast<entry>(&encode_any<mw::pingreq>),
    reinterpret_cast<entry>(&encode_any<mw::pingresp>),
    reinterpret_cast<entry>(&encode_any<mw::disconnect>),
    reinterpret_cast<entry>(&encode_any<mw::auth>),
    reinterpret_cast<entry>(&encode_publish_header),
    reinterpret_cast<entry>(&receive),
    reinterpret_cast<entry>(&receive_head),
};

int main() { return entries[0] == nullptr; }
