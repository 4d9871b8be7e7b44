// Re-encoding a decoded 3.x packet: the view's fields become the encode struct, so a round trip
// shows that decode reads every field the encoder writes (3.x has no properties to carry).
#pragma once

#include <cstddef>
#include <mqttwire/mqttwire.hpp>
#include <span>
#include <string_view>
#include <variant>
#include <vector>

#include "../support/expect.hpp"

namespace mqttwire_test {

inline std::span<const std::byte> to_bytes(std::span<const unsigned char> s) {
    return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

/** Decodes `bytes` with decode() and encodes what it read; empty and a failure on error. */
inline byte_vector reencode(std::span<const unsigned char> bytes, mqttwire::codec_options opts) {
    using namespace mqttwire;
    using B = unsigned char;
    const auto decoded = decode(bytes, opts);
    if (!decoded) {
        ADD_FAILURE() << "decode: " << describe(decoded.error()) << " for " << hex(bytes);
        return {};
    }
    const packet_view<B>& view = *decoded;
    if (const auto* v = std::get_if<connect_view<B>>(&view)) {
        connect_packet c;
        c.client_id = v->client_id;
        c.keep_alive = v->keep_alive;
        c.clean_start = v->clean_start;
        if (v->will) {
            will_message w;
            w.topic = v->will->topic;
            w.payload = to_bytes(v->will->payload);
            w.qos_level = v->will->qos_level;
            w.retain = v->will->retain;
            c.will = w;
        }
        c.user_name = v->user_name;
        if (v->password) c.password = to_bytes(*v->password);
        opts.version = v->version;
        return encode_ok(c, opts);
    }
    if (const auto* v = std::get_if<connack_view<B>>(&view)) {
        connack_packet c;
        c.session_present = v->session_present;
        c.reason = v->reason;
        c.return_code = v->return_code;
        return encode_ok(c, opts);
    }
    if (const auto* v = std::get_if<publish_view<B>>(&view)) {
        publish_packet p;
        p.topic_name = v->topic_name;
        p.payload = to_bytes(v->payload);
        p.qos_level = v->qos_level;
        p.retain = v->retain;
        p.dup = v->dup;
        p.packet_id = v->packet_id;
        return encode_ok(p, opts);
    }
    if (const auto* v = std::get_if<puback_view<B>>(&view))
        return encode_ok(puback_packet{v->packet_id}, opts);
    if (const auto* v = std::get_if<pubrec_view<B>>(&view))
        return encode_ok(pubrec_packet{v->packet_id}, opts);
    if (const auto* v = std::get_if<pubrel_view<B>>(&view))
        return encode_ok(pubrel_packet{v->packet_id}, opts);
    if (const auto* v = std::get_if<pubcomp_view<B>>(&view))
        return encode_ok(pubcomp_packet{v->packet_id}, opts);
    if (const auto* v = std::get_if<subscribe_view<B>>(&view)) {
        std::vector<subscription> subs;
        for (const subscription_view s : v->subscriptions)
            subs.push_back({s.topic_filter, s.max_qos, s.no_local, s.retain_as_published, s.retain});
        subscribe_packet s;
        s.packet_id = v->packet_id;
        s.subscriptions = subs;
        return encode_ok(s, opts);
    }
    if (const auto* v = std::get_if<suback_view<B>>(&view)) {
        std::vector<reason_code> codes(v->reason_codes.begin(), v->reason_codes.end());
        suback_packet s;
        s.packet_id = v->packet_id;
        s.reason_codes = codes;
        return encode_ok(s, opts);
    }
    if (const auto* v = std::get_if<unsubscribe_view<B>>(&view)) {
        std::vector<std::string_view> filters(v->topic_filters.begin(), v->topic_filters.end());
        unsubscribe_packet u;
        u.packet_id = v->packet_id;
        u.topic_filters = filters;
        return encode_ok(u, opts);
    }
    if (const auto* v = std::get_if<unsuback_view<B>>(&view)) {
        unsuback_packet u;
        u.packet_id = v->packet_id;
        return encode_ok(u, opts);
    }
    if (std::holds_alternative<pingreq_view>(view)) return encode_ok(pingreq_packet{}, opts);
    if (std::holds_alternative<pingresp_view>(view)) return encode_ok(pingresp_packet{}, opts);
    if (std::holds_alternative<disconnect_view<B>>(view))
        return encode_ok(disconnect_packet{}, opts);
    ADD_FAILURE() << "no 3.x re-encoding for packet type " << name(type_of(view));
    return {};
}

}  // namespace mqttwire_test
