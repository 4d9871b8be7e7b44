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

[[gnu::noinline]] std::size_t encode_publish_header(const mw::publish_packet& p,
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
    reinterpret_cast<entry>(&encode_any<mw::connect_packet>),
    reinterpret_cast<entry>(&encode_any<mw::connack_packet>),
    reinterpret_cast<entry>(&encode_any<mw::publish_packet>),
    reinterpret_cast<entry>(&encode_any<mw::puback_packet>),
    reinterpret_cast<entry>(&encode_any<mw::pubrec_packet>),
    reinterpret_cast<entry>(&encode_any<mw::pubrel_packet>),
    reinterpret_cast<entry>(&encode_any<mw::pubcomp_packet>),
    reinterpret_cast<entry>(&encode_any<mw::subscribe_packet>),
    reinterpret_cast<entry>(&encode_any<mw::suback_packet>),
    reinterpret_cast<entry>(&encode_any<mw::unsubscribe_packet>),
    reinterpret_cast<entry>(&encode_any<mw::unsuback_packet>),
    reinterpret_cast<entry>(&encode_any<mw::pingreq_packet>),
    reinterpret_cast<entry>(&encode_any<mw::pingresp_packet>),
    reinterpret_cast<entry>(&encode_any<mw::disconnect_packet>),
    reinterpret_cast<entry>(&encode_any<mw::auth_packet>),
    reinterpret_cast<entry>(&encode_publish_header),
    reinterpret_cast<entry>(&receive),
    reinterpret_cast<entry>(&receive_head),
};

int main() { return entries[0] == nullptr; }
