// The protocol state machine of one connection: CONNECT first, then every packet a client may
// send, each decoded by the core and answered as MQTT 3.1, 3.1.1 or 5.0 asks.
#include <algorithm>

#include "broker/broker.hpp"

namespace mqttwire::broker {

namespace {

int flag(bool b) { return b ? 1 : 0; }

/** mosquitto's protocol numbers in "New client connected ... (p%d": 1, 2, 5. */
int mosquitto_protocol(protocol_version v) {
    switch (v) {
        case protocol_version::v3_1: return 1;
        case protocol_version::v3_1_1: return 2;
        case protocol_version::v5: return 5;
    }
    return 0;
}

std::optional<time_point> expiry_of(const properties_view<std::byte>& p, time_point now) {
    if (const auto seconds = p.message_expiry_interval())
        return now + std::chrono::seconds(*seconds);
    return std::nullopt;
}

/**
 * The largest first packet: a CONNECT's fields are at most 64 KiB each (client id, will topic,
 * will payload, user name, password: 2-byte lengths), so 1 MiB leaves room for properties,
 * while a peer that has not connected cannot make the broker buffer up to 256 MiB (a CONNECT
 * announcing 200 MB is refused from its header bytes). max_packet_size lowers it further.
 */
constexpr std::uint32_t connect_size_limit = std::uint32_t{1} << 20;

}  // namespace

codec_options broker::connect_options() const {
    codec_options opts = before_connect;
    opts.maximum_packet_size = connect_size_limit;
    if (config_.max_packet_size != 0)
        opts.maximum_packet_size = std::min(config_.max_packet_size, connect_size_limit);
    return opts;
}

void broker::handle(connection& c, std::span<const std::byte> packet, const frame& f,
                    time_point now) {
    if (c.at == connection::state::awaiting_connect) {
        if (f.type != packet_type::connect) {
            fail(c, {}, now, reason_code::protocol_error,
                 "the first packet is not CONNECT (MQTT-3.1.0-1)");
            return;
        }
        handle_connect(c, packet, now);
        return;
    }
    switch (f.type) {
        case packet_type::connect:
            fail(c, {}, now, reason_code::protocol_error, "a second CONNECT (MQTT-3.1.0-2)");
            return;
        case packet_type::publish: handle_publish(c, packet, now); return;
        case packet_type::puback: handle_puback(c, packet, now); return;
        case packet_type::pubrec: handle_pubrec(c, packet, now); return;
        case packet_type::pubrel: handle_pubrel(c, packet, now); return;
        case packet_type::pubcomp: handle_pubcomp(c, packet, now); return;
        case packet_type::subscribe: handle_subscribe(c, packet, now); return;
        case packet_type::unsubscribe: handle_unsubscribe(c, packet, now); return;
        case packet_type::pingreq: handle_pingreq(c, packet, now); return;
        case packet_type::disconnect: handle_disconnect(c, packet, now); return;
        case packet_type::auth:
            fail(c, {}, now, reason_code::protocol_error,
                 "AUTH without an authentication exchange");
            return;
        default: {
            // CONNACK, SUBACK, UNSUBACK, PINGRESP: the codec names the fault.
            const auto decoded =
                decode(packet, codec_options{.version = c.version, .from = sender::client});
            fail(c, decoded ? mqttwire::error{errc::packet_not_allowed_from_sender, 0, ""}
                            : decoded.error(),
                 now);
            return;
        }
    }
}

void broker::fail(connection& c, const mqttwire::error& e, time_point now,
                  std::optional<reason_code> reason, std::string_view detail) {
    if (c.at == connection::state::closing) return;
    const reason_code rc = reason                ? *reason
                           : e.code != errc::none ? e.disconnect_reason_code(sender::server)
                                                  : reason_code::protocol_error;
    if (e.code != errc::none) {
        const std::string_view n = name(e.code);
        const std::string_view m = e.message();
        log_.printf(log_type::notice, "Bad packet from %s: %.*s at byte %u: %.*s%s%.*s",
                    c.name.c_str(), static_cast<int>(n.size()), n.data(),
                    static_cast<unsigned>(e.offset), static_cast<int>(m.size()), m.data(),
                    e.statement.empty() ? "" : ", ", static_cast<int>(e.statement.size()),
                    e.statement.data());
    } else {
        log_.printf(log_type::notice, "Protocol error from %s: %.*s", c.name.c_str(),
                    static_cast<int>(detail.size()), detail.data());
    }
    log_.printf(log_type::notice, "Client %s disconnected due to %s.", c.name.c_str(),
                rc == reason_code::malformed_packet ? "malformed packet" : "protocol error");
    if (c.at == connection::state::connected && c.version == protocol_version::v5) {
        // Its Reason String (5.0 §3.14.2.2.3) is what the log says: the codec's message with
        // the statement, or the broker's own detail. DISCONNECT may carry it whatever Request
        // Problem Information said (MQTT-3.1.2-29); the codec drops it where it would exceed
        // the client's Maximum Packet Size (MQTT-3.14.2-3).
        std::string why = e.code != errc::none ? std::string(e.message()) : std::string(detail);
        if (e.code != errc::none && !e.statement.empty()) {
            why += why.empty() ? "" : ", ";
            why += e.statement;
        }
        disconnect_packet d{.reason = rc};
        if (!why.empty()) d.properties.reason_string = std::string_view(why);
        static_cast<void>(send(c, d));
    }
    close_connection(c, true, now);
}

void broker::refuse(connection& c, protocol_version version, reason_code reason,
                    time_point now, std::string_view why) {
    c.version = version;
    connack_packet ack{};
    std::uint8_t code = static_cast<std::uint8_t>(reason);
    if (version == protocol_version::v5) {
        ack.reason = reason;
        // 5.0 §3.2.2.3.8: a human-readable cause; CONNACK may carry it even when the client
        // set Request Problem Information to 0 (MQTT-3.1.2-29), and the codec leaves it out
        // where it would exceed the client's Maximum Packet Size (MQTT-3.2.2-19).
        if (!why.empty()) ack.properties.reason_string = why;
    } else {
        const auto rc = to_connect_return_code(reason);
        ack.return_code = rc ? *rc : connect_return_code::server_unavailable;
        code = static_cast<std::uint8_t>(ack.return_code);
    }
    if (send(c, ack))
        log_.printf(log_type::debug, "Sending CONNACK to %s (0, %d)", c.name.c_str(), code);
    close_connection(c, false, now);
}

void broker::bad_connect(connection& c, std::span<const std::byte> packet,
                         const mqttwire::error& e, time_point now) {
    // `packet` may be only the header bytes of a CONNECT refused by its size: its level is
    // read from what is there, so a 5.0 client still learns why (0x95).
    const auto declared = declared_protocol_version(packet);
    if (const auto refusal = refuse_connect(e, declared)) {
        const std::string_view n = name(e.code);
        log_.printf(log_type::notice, "Bad CONNECT from %s:%u: %.*s at byte %u%s%.*s",
                    c.address.c_str(), static_cast<unsigned>(c.peer_port),
                    static_cast<int>(n.size()), n.data(), static_cast<unsigned>(e.offset),
                    e.statement.empty() ? "" : ", ", static_cast<int>(e.statement.size()),
                    e.statement.data());
        refuse(c, refusal->version,
               refusal->version == protocol_version::v5 ? refusal->packet.reason
                                                        : e.to_reason_code(),
               now, e.message());
        return;
    }
    fail(c, e, now);
}

void broker::handle_connect(connection& c, std::span<const std::byte> packet, time_point now) {
    const codec_options opts = connect_options();
    const result<connect_view<std::byte>> decoded = decode_connect(packet, opts);
    if (!decoded) {
        bad_connect(c, packet, decoded.error(), now);
        return;
    }
    const connect_view<std::byte>& cv = *decoded;
    const bool v5 = cv.version == protocol_version::v5;
    c.version = cv.version;
    if (v5 && cv.properties.authentication_method()) {
        refuse(c, cv.version, reason_code::bad_authentication_method, now,
               "enhanced authentication is not supported");
        return;
    }
    if (!config_.allow_anonymous && !cv.user_name) {
        log_.printf(log_type::notice, "Client %.*s disconnected, not authorised.",
                    static_cast<int>(cv.client_id.size()), cv.client_id.data());
        refuse(c, cv.version, reason_code::not_authorized, now,
               "anonymous clients are not allowed (allow_anonymous false)");
        return;
    }
    std::uint16_t keep_alive = cv.keep_alive;
    std::optional<std::uint16_t> server_keep_alive;
    if (keep_alive > config_.max_keepalive || (keep_alive == 0 && config_.max_keepalive < 65535)) {
        if (!v5) {
            // mosquitto refuses a 3.x keep alive it will not grant: 3.x cannot lower it.
            refuse(c, cv.version, reason_code::client_identifier_not_valid, now);
            return;
        }
        keep_alive = config_.max_keepalive;
        server_keep_alive = keep_alive;
    }

    std::string id(cv.client_id);
    const bool assigned = id.empty();  // the codec let it through only where it may be assigned
    if (assigned) id = assign_client_id();

    if (const auto it = sessions_.find(id); it != sessions_.end() && it->second->conn) {
        connection& old = *it->second->conn;
        log_.printf(log_type::notice, "Client %s already connected, closing old connection.",
                    id.c_str());
        if (old.version == protocol_version::v5)
            static_cast<void>(send(old, disconnect_packet{.reason = reason_code::session_taken_over}));
        close_connection(old, true, now);  // MQTT-3.1.4-3
    }
    session* s = nullptr;
    bool present = false;
    if (const auto it = sessions_.find(id); it != sessions_.end()) {
        if (cv.clean_start) {
            end_session(*it->second, now);  // MQTT-3.1.2-4: a clean start discards it
        } else {
            s = it->second.get();
            present = true;
            s->will.reset();
            s->will_at.reset();  // MQTT-3.1.3-9: a new connection cancels a delayed will
            s->expires.reset();
        }
    }
    if (!s) {
        auto created = std::make_unique<session>(id, next_serial_++);
        s = created.get();
        sessions_.emplace(s->client_id, std::move(created));  // the key views the session's id
    }
    // How long the session outlives this connection.
    std::optional<std::uint32_t> expiry;
    if (v5) {
        const std::uint32_t asked = cv.properties.session_expiry_interval().value_or(0);
        if (asked != 0xFFFFFFFFu) expiry = asked;
    } else if (cv.clean_start) {
        expiry = 0;
    }
    if (!expiry && config_.persistent_client_expiration) expiry = config_.persistent_client_expiration;
    s->expiry_interval = expiry;

    s->conn = &c;
    c.sess = s;
    c.name = id;
    c.at = connection::state::connected;
    c.keep_alive = keep_alive;
    if (v5) {
        c.receive_maximum = cv.properties.receive_maximum().value_or(65535);
        c.maximum_packet_size = cv.properties.maximum_packet_size().value_or(max_packet_size);
        c.topic_alias_maximum = cv.properties.topic_alias_maximum().value_or(0);
    }

    if (cv.user_name) {
        log_.printf(log_type::notice, "New client connected from %s:%u as %s (p%d, c%d, k%u, u'%.*s').",
                    c.address.c_str(), static_cast<unsigned>(c.peer_port), id.c_str(),
                    mosquitto_protocol(cv.version), flag(cv.clean_start),
                    static_cast<unsigned>(keep_alive), static_cast<int>(cv.user_name->size()),
                    cv.user_name->data());
    } else {
        log_.printf(log_type::notice, "New client connected from %s:%u as %s (p%d, c%d, k%u).",
                    c.address.c_str(), static_cast<unsigned>(c.peer_port), id.c_str(),
                    mosquitto_protocol(cv.version), flag(cv.clean_start),
                    static_cast<unsigned>(keep_alive));
    }
    if (cv.will) {
        // The will is kept as the CONNECT's bytes, decoded again where they are stored.
        auto m = std::make_shared<message>();
        m->bytes.assign(packet.begin(), packet.end());
        const result<connect_view<std::byte>> again = decode_connect(m->bytes, opts);
        if (again && again->will) {
            m->view = will_publish(*again->will);
            m->topic = std::string(m->view.topic_name);
            m->origin = s->serial;
            m->received = now;
            if (v5) {
                m->expires = expiry_of(again->will->properties, now);
                s->will_delay = again->will->properties.will_delay_interval().value_or(0);
            } else {
                s->will_delay = 0;
            }
            log_.printf(log_type::debug, "Will message specified (%ld bytes) (r%d, q%d).",
                        static_cast<long>(m->view.payload.size()), flag(m->view.retain),
                        static_cast<int>(m->view.qos_level));
            log_.printf(log_type::debug, "\t%s", m->topic.c_str());
            s->will = std::move(m);
        }
    } else {
        log_.printf(log_type::debug, "No will message specified.");
    }

    connack_packet ack{.session_present = present};
    if (v5) {
        connack_properties& p = ack.properties;
        if (assigned) p.assigned_client_identifier = std::string_view(c.name);
        if (config_.max_topic_alias != 0) p.topic_alias_maximum = config_.max_topic_alias;
        if (config_.max_qos != qos::exactly_once) p.maximum_qos = config_.max_qos;
        if (!config_.retain_available) p.retain_available = false;
        if (config_.max_packet_size != 0) p.maximum_packet_size = config_.max_packet_size;
        if (server_keep_alive) p.server_keep_alive = *server_keep_alive;
        // Our Receive Maximum is max_inflight_messages (0: unlimited, 65535: the default).
        if (config_.max_inflight_messages != 0 && config_.max_inflight_messages != 65535)
            p.receive_maximum = config_.max_inflight_messages;
    }
    if (send(c, ack))
        log_.printf(log_type::debug, "Sending CONNACK to %s (%d, 0)", c.name.c_str(),
                    flag(present));
    if (present) resume(*s, now);
}

void broker::handle_publish(connection& c, std::span<const std::byte> packet, time_point now) {
    session& s = *c.sess;
    codec_options opts{.version = c.version, .from = sender::client};
    if (config_.max_packet_size != 0) opts.maximum_packet_size = config_.max_packet_size;
    // The one copy of the message: decoded where it is stored, forwarded from there.
    auto m = std::make_shared<message>();
    m->bytes.assign(packet.begin(), packet.end());
    const result<publish_view<std::byte>> p = decode_publish(m->bytes, opts);
    if (!p) {
        fail(c, p.error(), now);
        return;
    }
    m->view = *p;
    std::string_view topic = p->topic_name;
    if (const auto alias = p->properties.topic_alias()) {
        if (*alias > config_.max_topic_alias) {
            fail(c, {}, now, reason_code::topic_alias_invalid,
                 "Topic Alias above our Topic Alias Maximum (MQTT-3.3.2-9)");
            return;
        }
        if (topic.empty()) {
            const auto known = c.aliases.find(*alias);
            if (known == c.aliases.end()) {
                fail(c, {}, now, reason_code::protocol_error,
                     "a Topic Alias that was never set (5.0 §3.3.2.3.4)");
                return;
            }
            topic = known->second;
        } else {
            c.aliases[*alias] = std::string(topic);
        }
    }
    m->topic = std::string(topic);
    const auto q = p->qos_level;
    log_.printf(log_type::debug, "Received PUBLISH from %s (d%d, q%d, r%d, m%u, '%s', ... (%ld bytes))",
                c.name.c_str(), flag(p->dup), static_cast<int>(q), flag(p->retain),
                static_cast<unsigned>(p->packet_id), m->topic.c_str(),
                static_cast<long>(p->payload.size()));
    if (q > config_.max_qos) {
        fail(c, {}, now, reason_code::qos_not_supported,
             "QoS above the Maximum QoS (MQTT-3.2.2-11)");
        return;
    }
    if (p->retain && !config_.retain_available) {
        fail(c, {}, now, reason_code::retain_not_supported,
             "RETAIN where Retain Available is 0 (MQTT-3.2.2-14)");
        return;
    }
    const bool v5 = c.version == protocol_version::v5;
    reason_code rc = reason_code::success;
    if (config_.message_size_limit != 0 && p->payload.size() > config_.message_size_limit) {
        log_.printf(log_type::debug, "Dropped too large PUBLISH from %s (d%d, q%d, r%d, m%u, '%s', ... (%ld bytes))",
                    c.name.c_str(), flag(p->dup), static_cast<int>(q), flag(p->retain),
                    static_cast<unsigned>(p->packet_id), m->topic.c_str(),
                    static_cast<long>(p->payload.size()));
        rc = reason_code::packet_too_large;
    }
    m->origin = s.serial;
    m->received = now;
    if (v5) m->expires = expiry_of(p->properties, now);
    const int shown = v5 ? static_cast<int>(rc) : 0;
    switch (q) {
        case qos::at_most_once:
            if (rc == reason_code::success) route(m, now);
            return;
        case qos::at_least_once:
            // Routed before the PUBACK, so the -v lines come in mosquitto's order.
            if (rc == reason_code::success) route(m, now);
            if (send(c, puback_packet{.packet_id = p->packet_id,
                                      .reason = v5 ? rc : reason_code::success}))
                log_.printf(log_type::debug, "Sending PUBACK to %s (m%u, rc%d)", c.name.c_str(),
                            static_cast<unsigned>(p->packet_id), shown);
            return;
        case qos::exactly_once:
            // 5.0 §4.9: more QoS 2 messages unreleased than the Receive Maximum we gave.
            if (v5 && config_.max_inflight_messages != 0 &&
                s.incoming_qos2.size() >= config_.max_inflight_messages &&
                s.incoming_qos2.find(p->packet_id) == s.incoming_qos2.end())
                return fail(c, {}, now, reason_code::receive_maximum_exceeded,
                            "more QoS 2 PUBLISH unreleased than the Receive Maximum");
            // Held until PUBREL; a resend of the same id replaces it (it is the same message).
            if (rc == reason_code::success) s.incoming_qos2[p->packet_id] = m;
            if (send(c, pubrec_packet{.packet_id = p->packet_id,
                                      .reason = v5 ? rc : reason_code::success}))
                log_.printf(log_type::debug, "Sending PUBREC to %s (m%u, rc%d)", c.name.c_str(),
                            static_cast<unsigned>(p->packet_id), shown);
            return;
    }
}

void broker::handle_puback(connection& c, std::span<const std::byte> packet, time_point now) {
    const auto a = decode_puback(packet, codec_options{.version = c.version, .from = sender::client});
    if (!a) return fail(c, a.error(), now);
    log_.printf(log_type::debug, "Received PUBACK from %s (Mid: %u, RC:%d)", c.name.c_str(),
                static_cast<unsigned>(a->packet_id), static_cast<int>(a->reason));
    session& s = *c.sess;
    const auto it = std::find_if(s.inflight.begin(), s.inflight.end(), [&](const inflight_message& m) {
        return m.mid == a->packet_id && m.at == inflight_message::step::awaiting_puback;
    });
    if (it != s.inflight.end()) s.inflight.erase(it);
    pump(s, now);
}

void broker::handle_pubrec(connection& c, std::span<const std::byte> packet, time_point now) {
    const auto a = decode_pubrec(packet, codec_options{.version = c.version, .from = sender::client});
    if (!a) return fail(c, a.error(), now);
    log_.printf(log_type::debug, "Received PUBREC from %s (Mid: %u)", c.name.c_str(),
                static_cast<unsigned>(a->packet_id));
    session& s = *c.sess;
    const auto it = std::find_if(s.inflight.begin(), s.inflight.end(), [&](const inflight_message& m) {
        return m.mid == a->packet_id && m.at != inflight_message::step::awaiting_puback;
    });
    if (static_cast<std::uint8_t>(a->reason) >= 0x80) {
        // 5.0: a PUBREC with a failure code ends the flow (MQTT-4.3.3-9 ... no PUBREL).
        if (it != s.inflight.end()) s.inflight.erase(it);
        pump(s, now);
        return;
    }
    pubrel_packet rel{.packet_id = a->packet_id};
    if (it != s.inflight.end()) {
        it->at = inflight_message::step::awaiting_pubcomp;
        it->message.msg.reset();  // only the packet id is needed from here on
    } else if (c.version == protocol_version::v5) {
        rel.reason = reason_code::packet_identifier_not_found;
    }
    if (send(c, rel))
        log_.printf(log_type::debug, "Sending PUBREL to %s (m%u)", c.name.c_str(),
                    static_cast<unsigned>(a->packet_id));
}

void broker::handle_pubcomp(connection& c, std::span<const std::byte> packet, time_point now) {
    const auto a = decode_pubcomp(packet, codec_options{.version = c.version, .from = sender::client});
    if (!a) return fail(c, a.error(), now);
    log_.printf(log_type::debug, "Received PUBCOMP from %s (Mid: %u, RC:%d)", c.name.c_str(),
                static_cast<unsigned>(a->packet_id), static_cast<int>(a->reason));
    session& s = *c.sess;
    const auto it = std::find_if(s.inflight.begin(), s.inflight.end(), [&](const inflight_message& m) {
        return m.mid == a->packet_id && m.at == inflight_message::step::awaiting_pubcomp;
    });
    if (it != s.inflight.end()) s.inflight.erase(it);
    pump(s, now);
}

void broker::handle_pubrel(connection& c, std::span<const std::byte> packet, time_point now) {
    const auto a = decode_pubrel(packet, codec_options{.version = c.version, .from = sender::client});
    if (!a) return fail(c, a.error(), now);
    log_.printf(log_type::debug, "Received PUBREL from %s (Mid: %u)", c.name.c_str(),
                static_cast<unsigned>(a->packet_id));
    session& s = *c.sess;
    const auto held = s.incoming_qos2.find(a->packet_id);
    message_ptr m;
    pubcomp_packet comp{.packet_id = a->packet_id};
    if (held != s.incoming_qos2.end()) {
        m = held->second;
        s.incoming_qos2.erase(held);
    } else if (c.version == protocol_version::v5) {
        comp.reason = reason_code::packet_identifier_not_found;
    }
    if (send(c, comp))
        log_.printf(log_type::debug, "Sending PUBCOMP to %s (m%u)", c.name.c_str(),
                    static_cast<unsigned>(a->packet_id));
    if (m) route(m, now);
}

void broker::handle_subscribe(connection& c, std::span<const std::byte> packet, time_point now) {
    const auto sv = decode_subscribe(packet, codec_options{.version = c.version, .from = sender::client});
    if (!sv) return fail(c, sv.error(), now);
    session& s = *c.sess;
    log_.printf(log_type::debug, "Received SUBSCRIBE from %s", c.name.c_str());
    const std::uint32_t identifier =
        c.version == protocol_version::v5 ? sv->properties.subscription_identifier().value_or(0) : 0;
    std::vector<reason_code> codes;
    struct retained_request {
        std::string_view filter;
        qos granted;
    };
    std::vector<retained_request> retained;
    for (const subscription_view& sub : sv->subscriptions) {
        log_.printf(log_type::debug, "\t%.*s (QoS %d)", static_cast<int>(sub.topic_filter.size()),
                    sub.topic_filter.data(), static_cast<int>(sub.max_qos));
        const qos granted = std::min(sub.max_qos, config_.max_qos);
        // "$share/" is a shared subscription for 3.1.1 clients too, as mosquitto has it.
        const auto shared = split_shared_subscription(sub.topic_filter);
        const std::string_view share = shared ? shared->share_name : std::string_view{};
        const std::string_view filter = shared ? shared->topic_filter : sub.topic_filter;
        const subscription_options options{.max_qos = granted,
                                           .no_local = sub.no_local,
                                           .retain_as_published = sub.retain_as_published,
                                           .retain = sub.retain,
                                           .identifier = identifier};
        const bool is_new = subscriptions_.subscribe(&s, share, filter, options);
        if (is_new) s.filters.emplace_back(std::string(share), std::string(filter));
        log_.printf(log_type::subscribe, "%s %d %.*s", c.name.c_str(), static_cast<int>(granted),
                    static_cast<int>(sub.topic_filter.size()), sub.topic_filter.data());
        codes.push_back(static_cast<reason_code>(granted));
        // 3.1.1 MQTT-3.3.1-6 and 5.0 Retain Handling; a shared subscription gets none (5.0
        // §4.8.2).
        if (!shared && (sub.retain == retain_handling::send_on_subscribe ||
                        (sub.retain == retain_handling::send_if_new_subscription && is_new)))
            retained.push_back({filter, granted});
    }
    if (send(c, suback_packet{.packet_id = sv->packet_id, .reason_codes = codes}))
        log_.printf(log_type::debug, "Sending SUBACK to %s", c.name.c_str());
    const std::uint32_t ids[1] = {identifier};
    const std::span<const std::uint32_t> id_span(ids, identifier != 0 ? 1 : 0);
    for (const retained_request& r : retained) {
        retained_.match(r.filter, [&](const message_ptr& m) {
            deliver(s, m, std::min(r.granted, m->view.qos_level), true, id_span, now);
        });
    }
}

void broker::handle_unsubscribe(connection& c, std::span<const std::byte> packet,
                                time_point now) {
    const auto uv =
        decode_unsubscribe(packet, codec_options{.version = c.version, .from = sender::client});
    if (!uv) return fail(c, uv.error(), now);
    session& s = *c.sess;
    log_.printf(log_type::debug, "Received UNSUBSCRIBE from %s", c.name.c_str());
    std::vector<reason_code> codes;
    for (const std::string_view text : uv->topic_filters) {
        log_.printf(log_type::debug, "\t%.*s", static_cast<int>(text.size()), text.data());
        const auto shared = split_shared_subscription(text);
        const std::string_view share = shared ? shared->share_name : std::string_view{};
        const std::string_view filter = shared ? shared->topic_filter : text;
        const bool removed = subscriptions_.unsubscribe(&s, share, filter);
        if (removed) {
            const auto it = std::find_if(s.filters.begin(), s.filters.end(), [&](const auto& f) {
                return f.first == share && f.second == filter;
            });
            if (it != s.filters.end()) s.filters.erase(it);
        }
        log_.printf(log_type::unsubscribe, "%s %.*s", c.name.c_str(),
                    static_cast<int>(text.size()), text.data());
        codes.push_back(removed ? reason_code::success : reason_code::no_subscription_existed);
    }
    unsuback_packet ack{.packet_id = uv->packet_id};
    if (c.version == protocol_version::v5) ack.reason_codes = codes;
    if (send(c, ack)) log_.printf(log_type::debug, "Sending UNSUBACK to %s", c.name.c_str());
}

void broker::handle_pingreq(connection& c, std::span<const std::byte> packet, time_point now) {
    const auto p = decode_pingreq(packet, codec_options{.version = c.version, .from = sender::client});
    if (!p) return fail(c, p.error(), now);
    log_.printf(log_type::debug, "Received PINGREQ from %s", c.name.c_str());
    if (send(c, pingresp_packet{}))
        log_.printf(log_type::debug, "Sending PINGRESP to %s", c.name.c_str());
}

void broker::handle_disconnect(connection& c, std::span<const std::byte> packet,
                               time_point now) {
    const auto d =
        decode_disconnect(packet, codec_options{.version = c.version, .from = sender::client});
    if (!d) return fail(c, d.error(), now);
    log_.printf(log_type::debug, "Received DISCONNECT from %s", c.name.c_str());
    session& s = *c.sess;
    if (c.version == protocol_version::v5) {
        if (const auto expiry = d->properties.session_expiry_interval()) {
            if (s.expiry_interval && *s.expiry_interval == 0 && *expiry != 0) {
                fail(c, {}, now, reason_code::protocol_error,
                     "a Session Expiry Interval after CONNECT said 0 (MQTT-3.14.2-2)");
                return;
            }
            s.expiry_interval = *expiry == 0xFFFFFFFFu ? std::nullopt
                                                       : std::optional<std::uint32_t>(*expiry);
        }
    }
    log_.printf(log_type::notice, "Client %s disconnected.", c.name.c_str());
    // MQTT-3.14.4-3: a normal DISCONNECT discards the will; 5.0 0x04 asks for it anyway.
    close_connection(c, d->reason == reason_code::disconnect_with_will_message, now);
}

}  // namespace mqttwire::broker
