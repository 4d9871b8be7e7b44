// Code size of a client's use of mqttwire (bench/size.sh): encode CONNECT, PUBLISH, SUBSCRIBE,
// PUBACK, PINGREQ and DISCONNECT; frame and decode what a server sends a client (CONNACK,
// PUBLISH, PUBACK/PUBREC/PUBREL/PUBCOMP, SUBACK, PINGRESP). Version and sender are run-time
// values, as in a client that speaks 3.1.1 and 5.0. Entry points are reached through a
// volatile table, so none is dropped or specialised for known inputs.
//
// With MQTTWIRE_SIZE_VERSION defined (v3_1_1 or v5; bench/size.sh's client-3.1.1 and
// client-5.0 rows) the client speaks that one version: the options are compile-time constants
// (sent by the client when encoding, by the server when decoding) and the run-time ones are
// ignored, so the compiler may drop what the other versions need.
#include <cstddef>
#include <cstdint>
#include <mqttwire/mqttwire.hpp>
#include <span>

namespace mw = mqttwire;
using bytes_in = std::span<const std::byte>;
using bytes_out = std::span<std::byte>;

// Fields a client acts on; volatile so reading them is not optimised away.
volatile std::size_t observed;

#ifdef MQTTWIRE_SIZE_VERSION
constexpr mw::codec_options to_server{mw::protocol_version::MQTTWIRE_SIZE_VERSION,
                                      mw::sender::client};
constexpr mw::codec_options from_server{mw::protocol_version::MQTTWIRE_SIZE_VERSION,
                                        mw::sender::server};
constexpr const mw::codec_options& sent(const mw::codec_options&) { return to_server; }
constexpr const mw::codec_options& received(const mw::codec_options&) { return from_server; }
#else
constexpr const mw::codec_options& sent(const mw::codec_options& o) { return o; }
constexpr const mw::codec_options& received(const mw::codec_options& o) { return o; }
#endif

[[gnu::noinline]] std::size_t encode_connect(const mw::connect_packet& p,
                                             const mw::codec_options& o, bytes_out out) {
    const auto r = mw::encode(p, sent(o), out);
    return r ? *r : 0;
}
[[gnu::noinline]] std::size_t encode_publish(const mw::publish_packet& p,
                                             const mw::codec_options& o, bytes_out out) {
    const auto r = mw::encode(p, sent(o), out);
    return r ? *r : 0;
}
[[gnu::noinline]] std::size_t encode_subscribe(const mw::subscribe_packet& p,
                                               const mw::codec_options& o, bytes_out out) {
    const auto r = mw::encode(p, sent(o), out);
    return r ? *r : 0;
}
[[gnu::noinline]] std::size_t encode_puback(const mw::puback_packet& p, const mw::codec_options& o,
                                            bytes_out out) {
    const auto r = mw::encode(p, sent(o), out);
    return r ? *r : 0;
}
[[gnu::noinline]] std::size_t encode_pingreq(const mw::codec_options& o, bytes_out out) {
    const auto r = mw::encode(mw::pingreq_packet{}, sent(o), out);
    return r ? *r : 0;
}
[[gnu::noinline]] std::size_t encode_disconnect(const mw::disconnect_packet& p,
                                                const mw::codec_options& o, bytes_out out) {
    const auto r = mw::encode(p, sent(o), out);
    return r ? *r : 0;
}

/** Frames the packet at the front of `in`, decodes it, returns its size (0: wait or drop). */
[[gnu::noinline]] std::size_t receive(bytes_in in, const mw::codec_options& o) {
    const auto f = mw::frame_packet(in, received(o));
    if (!f.is_complete()) return 0;
    const bytes_in p = in.first(f->size());
    bool ok = false;
    switch (f->type) {
        case mw::packet_type::connack:
            if (const auto r = mw::decode_connack(p, received(o))) {
                observed = static_cast<std::size_t>(r->reason) + r->session_present;
                if (const auto m = r->properties.receive_maximum()) observed = *m;
                ok = true;
            }
            break;
        case mw::packet_type::publish:
            if (const auto r = mw::decode_publish(p, received(o))) {
                observed = r->topic_name.size() + r->payload.size() + r->packet_id;
                ok = true;
            }
            break;
        case mw::packet_type::puback:
            if (const auto r = mw::decode_puback(p, received(o)))
                observed = r->packet_id, ok = true;
            break;
        case mw::packet_type::pubrec:
            if (const auto r = mw::decode_pubrec(p, received(o)))
                observed = r->packet_id, ok = true;
            break;
        case mw::packet_type::pubrel:
            if (const auto r = mw::decode_pubrel(p, received(o)))
                observed = r->packet_id, ok = true;
            break;
        case mw::packet_type::pubcomp:
            if (const auto r = mw::decode_pubcomp(p, received(o)))
                observed = r->packet_id, ok = true;
            break;
        case mw::packet_type::suback:
            if (const auto r = mw::decode_suback(p, received(o))) {
                for (const mw::reason_code c : r->reason_codes)
                    observed = static_cast<std::size_t>(c);
                ok = true;
            }
            break;
        case mw::packet_type::pingresp: ok = mw::decode_pingresp(p, received(o)).has_value(); break;
        default: break;
    }
    return ok ? f->size() : 0;
}

using entry = void (*)();
// The table is volatile: the linker keeps every entry and the compiler cannot see its callers.
volatile entry entries[] = {
    reinterpret_cast<entry>(&encode_connect),   reinterpret_cast<entry>(&encode_publish),
    reinterpret_cast<entry>(&encode_subscribe), reinterpret_cast<entry>(&encode_puback),
    reinterpret_cast<entry>(&encode_pingreq),   reinterpret_cast<entry>(&encode_disconnect),
    reinterpret_cast<entry>(&receive),
};

int main() { return entries[0] == nullptr; }
