// The broker's sessions, routing, delivery and timers; the per-packet state machine is in
// connection.cpp.
#include "broker/broker.hpp"

#include <algorithm>
#include <cstdio>

namespace mqttwire::broker {

namespace {

/** Above this much unsent output a connected client's QoS 0 messages are dropped. */
constexpr std::size_t qos0_backlog_limit = std::size_t{8} << 20;
/** Output buffers above this capacity are released once they drain. */
constexpr std::size_t output_keep_capacity = std::size_t{64} << 10;

int flag(bool b) { return b ? 1 : 0; }

}  // namespace

broker::broker(broker_config config, log_sink& sink)
    : config_(config), log_(sink, config.log_mask), random_(config.seed) {}

broker::~broker() = default;

// ---- transport ------------------------------------------------------------------------------

void broker::accept(conn_id id, std::string_view address, std::uint16_t peer_port,
                    std::uint16_t listener_port, time_point now) {
    auto c = std::make_unique<connection>();
    c->id = id;
    c->address = std::string(address);
    c->peer_port = peer_port;
    c->listener_port = listener_port;
    c->accepted = c->last_in = now;
    log_.printf(log_type::notice, "New connection from %s:%u on port %u.", c->address.c_str(),
                static_cast<unsigned>(peer_port), static_cast<unsigned>(listener_port));
    connections_[id] = std::move(c);
}

void broker::receive(conn_id id, std::span<const std::byte> bytes, time_point now) {
    const auto found = connections_.find(id);
    if (found == connections_.end() || bytes.empty()) return;
    connection& c = *found->second;
    if (c.at == connection::state::closing) return;
    c.last_in = now;
    // Whole packets are framed straight from the caller's bytes; only a trailing partial
    // packet is copied, so a connection at rest holds no input buffer.
    const bool buffered = !c.in.empty();
    if (buffered) c.in.insert(c.in.end(), bytes.begin(), bytes.end());
    const std::span<const std::byte> data = buffered ? std::span<const std::byte>(c.in) : bytes;
    std::size_t at = 0;
    while (c.at != connection::state::closing && at < data.size()) {
        const bool first = c.at == connection::state::awaiting_connect;
        codec_options opts = codec_options{.version = c.version, .from = sender::client};
        if (config_.max_packet_size != 0) opts.maximum_packet_size = config_.max_packet_size;
        if (first) opts = connect_options();
        const std::span<const std::byte> rest = data.subspan(at);
        const partial<frame> f = frame_packet(rest, opts);
        if (f.needs_more()) break;
        if (f.has_error()) {
            if (first)
                bad_connect(c, rest, f.error(), now);
            else
                fail(c, f.error(), now);
            break;
        }
        handle(c, rest.first(f->size()), *f, now);
        at += f->size();
    }
    if (c.at == connection::state::closing) {
        c.in.clear();
    } else if (buffered) {
        c.in.erase(c.in.begin(), c.in.begin() + static_cast<std::ptrdiff_t>(at));
    } else {
        c.in.assign(bytes.begin() + static_cast<std::ptrdiff_t>(at), bytes.end());
    }
}

void broker::closed(conn_id id, time_point now) {
    const auto found = connections_.find(id);
    if (found == connections_.end()) return;
    connection& c = *found->second;
    if (c.at != connection::state::closing) {
        log_.printf(log_type::notice, "Client %s closed its connection.", c.name.c_str());
        close_connection(c, true, now);
    }
    connections_.erase(found);
}

void broker::tick(time_point now) {
    std::vector<connection*> expired;
    for (auto& [id, c] : connections_) {
        if (c->at == connection::state::awaiting_connect) {
            if (now - c->accepted >= config_.connect_timeout) expired.push_back(c.get());
        } else if (c->at == connection::state::connected && c->keep_alive != 0) {
            // MQTT-3.1.2-24 / 5.0 MQTT-3.1.2-22: one and a half times the keep alive.
            const auto limit = std::chrono::milliseconds(std::int64_t{c->keep_alive} * 1500);
            if (now - c->last_in >= limit) expired.push_back(c.get());
        }
    }
    for (connection* c : expired) {
        log_.printf(log_type::notice, "Client %s has exceeded timeout, disconnecting.",
                    c->name.c_str());
        if (c->at == connection::state::connected && c->version == protocol_version::v5)
            static_cast<void>(send(*c, disconnect_packet{.reason = reason_code::keep_alive_timeout}));
        close_connection(*c, true, now);
    }
    std::vector<session*> wills;
    std::vector<session*> ended;
    for (auto& [id, s] : sessions_) {
        if (s->will_at && *s->will_at <= now) wills.push_back(s.get());
        if (s->expires && *s->expires <= now) ended.push_back(s.get());
    }
    for (session* s : wills) publish_will(*s, now);
    for (session* s : ended) end_session(*s, now);
}

std::optional<time_point> broker::next_deadline() const {
    std::optional<time_point> next;
    const auto consider = [&](time_point t) {
        if (!next || t < *next) next = t;
    };
    for (const auto& [id, c] : connections_) {
        if (c->at == connection::state::awaiting_connect)
            consider(c->accepted + config_.connect_timeout);
        else if (c->at == connection::state::connected && c->keep_alive != 0)
            consider(c->last_in + std::chrono::milliseconds(std::int64_t{c->keep_alive} * 1500));
    }
    for (const auto& [id, s] : sessions_) {
        if (s->will_at) consider(*s->will_at);
        if (s->expires) consider(*s->expires);
    }
    return next;
}

void broker::shutdown(time_point now) {
    for (auto& [id, c] : connections_) {
        if (c->at == connection::state::closing) continue;
        if (c->at == connection::state::connected && c->version == protocol_version::v5)
            static_cast<void>(
                send(*c, disconnect_packet{.reason = reason_code::server_shutting_down}));
        // A broker that stops is not a client that vanished: no will (as mosquitto).
        close_connection(*c, false, now);
    }
}

// ---- output ---------------------------------------------------------------------------------

void broker::mark_ready(connection& c) {
    if (c.listed) return;
    c.listed = true;
    ready_.push_back(c.id);
}

std::vector<conn_id> broker::take_ready() {
    std::vector<conn_id> out;
    out.swap(ready_);
    for (const conn_id id : out) {
        const auto found = connections_.find(id);
        if (found != connections_.end()) found->second->listed = false;
    }
    return out;
}

std::span<const std::byte> broker::output(conn_id id) const {
    const auto found = connections_.find(id);
    if (found == connections_.end()) return {};
    const connection& c = *found->second;
    return std::span<const std::byte>(c.out).subspan(c.out_sent);
}

void broker::consume_output(conn_id id, std::size_t n) {
    const auto found = connections_.find(id);
    if (found == connections_.end()) return;
    connection& c = *found->second;
    c.out_sent = std::min(c.out.size(), c.out_sent + n);
    if (c.out_sent == c.out.size()) {
        c.out.clear();
        c.out_sent = 0;
        if (c.out.capacity() > output_keep_capacity) c.out.shrink_to_fit();
    } else if (c.out_sent > c.out.size() / 2) {
        c.out.erase(c.out.begin(), c.out.begin() + static_cast<std::ptrdiff_t>(c.out_sent));
        c.out_sent = 0;
    }
}

bool broker::close_requested(conn_id id) const {
    const auto found = connections_.find(id);
    return found != connections_.end() && found->second->at == connection::state::closing;
}

codec_options broker::encode_options(const connection& c) const {
    return {.version = c.version, .from = sender::server,
            .maximum_packet_size = c.maximum_packet_size};
}

// ---- sessions -------------------------------------------------------------------------------

void broker::close_connection(connection& c, bool will, time_point now) {
    if (c.at == connection::state::closing) return;
    c.at = connection::state::closing;
    mark_ready(c);
    session* s = c.sess;
    if (!s) return;
    c.sess = nullptr;
    s->conn = nullptr;
    if (will && s->will) {
        const bool session_lasts = !s->expiry_interval || *s->expiry_interval > 0;
        if (s->will_delay > 0 && session_lasts) {
            // 5.0 §3.1.3.2.2: the will waits for the delay or the session's end, whichever
            // comes first; a new connection of the session cancels it (MQTT-3.1.3-9).
            std::uint32_t delay = s->will_delay;
            if (s->expiry_interval) delay = std::min(delay, *s->expiry_interval);
            s->will_at = now + std::chrono::seconds(delay);
        } else {
            publish_will(*s, now);
        }
    } else {
        s->will.reset();
    }
    if (s->expiry_interval && *s->expiry_interval == 0) {
        end_session(*s, now);
    } else if (s->expiry_interval) {
        s->expires = now + std::chrono::seconds(*s->expiry_interval);
    }
}

void broker::end_session(session& s, time_point now) {
    if (s.will_at) publish_will(s, now);
    for (const auto& [share, filter] : s.filters) subscriptions_.unsubscribe(&s, share, filter);
    if (s.conn) s.conn->sess = nullptr;
    const std::string id = s.client_id;
    sessions_.erase(id);
}

void broker::publish_will(session& s, time_point now) {
    const message_ptr will = std::move(s.will);
    s.will.reset();
    s.will_at.reset();
    if (will) route(will, now);
}

std::string broker::assign_client_id() {
    // mosquitto's form: "auto-" and a random UUID in upper-case hexadecimal.
    for (;;) {
        const std::uint64_t a = random_(), b = random_();
        char text[48];
        std::snprintf(text, sizeof text, "auto-%08X-%04X-%04X-%04X-%012llX",
                      static_cast<unsigned>(a >> 32), static_cast<unsigned>((a >> 16) & 0xFFFF),
                      static_cast<unsigned>(a & 0xFFFF), static_cast<unsigned>(b >> 48),
                      static_cast<unsigned long long>(b & 0xFFFFFFFFFFFFull));
        if (!sessions_.contains(text)) return text;
    }
}

// ---- routing and delivery -------------------------------------------------------------------

void broker::route(const message_ptr& m, time_point now) {
    if (m->view.retain && config_.retain_available) retained_.store(m);
    matches_.clear();
    subscriptions_.match(
        m->topic,
        [&](const subscriber& sub) {
            // 5.0 MQTT-3.8.3-3: No Local keeps a client's own messages from it.
            if (sub.options.no_local && sub.who->serial == m->origin) return;
            matches_.push_back(sub);
        },
        [](const session* s) { return s->conn != nullptr; });
    if (matches_.empty()) return;
    // One delivery per session however many of its subscriptions match, at the highest QoS
    // granted, with every Subscription Identifier (5.0 §3.3.4).
    std::sort(matches_.begin(), matches_.end(),
              [](const subscriber& a, const subscriber& b) { return a.who < b.who; });
    for (std::size_t i = 0; i < matches_.size();) {
        session* who = matches_[i].who;
        qos granted = qos::at_most_once;
        bool as_published = false;
        identifiers_.clear();
        for (; i < matches_.size() && matches_[i].who == who; ++i) {
            const subscription_options& o = matches_[i].options;
            granted = std::max(granted, o.max_qos);
            as_published = as_published || o.retain_as_published;
            if (o.identifier != 0) identifiers_.push_back(o.identifier);
        }
        const qos q = std::min(granted, m->view.qos_level);
        // MQTT-3.3.1-12/-13: RETAIN is cleared towards ordinary subscriptions unless Retain
        // As Published asks for it.
        deliver(*who, m, q, as_published && m->view.retain, identifiers_, now);
    }
}

std::size_t broker::inflight_limit(const connection& c) const {
    const std::size_t configured =
        config_.max_inflight_messages == 0 ? 65535 : config_.max_inflight_messages;
    return std::min<std::size_t>(configured, c.receive_maximum);
}

bool broker::enqueue(session& s, queued_message q) {
    const std::size_t size = q.msg->view.payload.size();
    const bool full =
        (config_.max_queued_messages != 0 && s.queue.size() >= config_.max_queued_messages) ||
        (config_.max_queued_bytes != 0 && s.queued_bytes + size > config_.max_queued_bytes);
    if (full) {
        if (!s.dropping)
            log_.printf(log_type::notice, "Outgoing messages are being dropped for client %s.",
                        s.client_id.c_str());
        s.dropping = true;
        return false;
    }
    s.queued_bytes += size;
    s.queue.push_back(std::move(q));
    return true;
}

void broker::deliver(session& s, const message_ptr& m, qos q, bool retain,
                     std::span<const std::uint32_t> identifiers, time_point now) {
    if (m->expired(now)) return;
    queued_message item{.msg = m, .qos_level = q, .retain = retain,
                        .identifiers = {identifiers.begin(), identifiers.end()}};
    connection* c = s.conn;
    const bool online = c && c->at == connection::state::connected;
    if (online && q == qos::at_most_once) {
        if (c->pending_output() > qos0_backlog_limit) {
            // A slow reader: QoS 0 is dropped rather than buffered without bound.
            if (!s.dropping)
                log_.printf(log_type::notice, "Outgoing messages are being dropped for client %s.",
                            s.client_id.c_str());
            s.dropping = true;
            return;
        }
        static_cast<void>(write_publish(*c, item, 0, false, now));
        return;
    }
    if (online && s.queue.empty() && s.inflight.size() < inflight_limit(*c)) {
        const std::uint16_t mid = s.next_mid();
        if (write_publish(*c, item, mid, false, now)) {
            s.inflight.push_back({.mid = mid,
                                  .at = q == qos::at_least_once
                                            ? inflight_message::step::awaiting_puback
                                            : inflight_message::step::awaiting_pubrec,
                                  .message = std::move(item)});
        }
        return;
    }
    // Offline, QoS 0 is not kept (mosquitto's queue_qos0_messages false).
    if (!online && q == qos::at_most_once) return;
    static_cast<void>(enqueue(s, std::move(item)));
}

bool broker::write_publish(connection& c, const queued_message& q, std::uint16_t mid, bool dup,
                           time_point now) {
    const message& m = *q.msg;
    publish_changes changes{.qos_level = q.qos_level,
                            .packet_id = q.qos_level == qos::at_most_once ? std::uint16_t{0} : mid,
                            .retain = q.retain,
                            .dup = dup};
    // A source that leaned on a Topic Alias carries no topic: the resolved one goes out.
    if (m.view.topic_name.empty()) changes.topic_name = std::string_view(m.topic);
    if (c.version == protocol_version::v5) {
        changes.subscription_identifiers = std::span<const std::uint32_t>(q.identifiers);
        if (m.expires) changes.message_expiry_interval = m.remaining_expiry(now);
    }
    const auto forwarded = forward(m.view, changes);
    const codec_options opts = encode_options(c);
    const result<std::size_t> size = encoded_size(forwarded, opts);
    if (!size) {
        // Over the client's Maximum Packet Size: not sent to it (5.0 MQTT-3.1.2-25).
        log_.printf(log_type::debug, "Dropping too large PUBLISH for %s (%.*s).", c.name.c_str(),
                    static_cast<int>(name(size.error().code).size()),
                    name(size.error().code).data());
        return false;
    }
    const std::size_t at = c.out.size();
    c.out.resize(at + *size);
    if (!encode(forwarded, opts, std::span(c.out).subspan(at))) {
        c.out.resize(at);
        return false;
    }
    mark_ready(c);
    log_.printf(log_type::debug, "Sending PUBLISH to %s (d%d, q%d, r%d, m%u, '%s', ... (%ld bytes))",
                c.name.c_str(), flag(dup), static_cast<int>(q.qos_level), flag(q.retain),
                static_cast<unsigned>(mid), m.topic.c_str(),
                static_cast<long>(m.view.payload.size()));
    return true;
}

void broker::pump(session& s, time_point now) {
    connection* c = s.conn;
    if (!c || c->at != connection::state::connected) return;
    while (!s.queue.empty()) {
        queued_message& front = s.queue.front();
        const std::size_t size = front.msg->view.payload.size();
        if (!front.msg->expired(now)) {
            if (front.qos_level == qos::at_most_once) {
                static_cast<void>(write_publish(*c, front, 0, false, now));
            } else {
                if (s.inflight.size() >= inflight_limit(*c)) break;
                const std::uint16_t mid = s.next_mid();
                if (write_publish(*c, front, mid, false, now)) {
                    s.inflight.push_back({.mid = mid,
                                          .at = front.qos_level == qos::at_least_once
                                                    ? inflight_message::step::awaiting_puback
                                                    : inflight_message::step::awaiting_pubrec,
                                          .message = std::move(front)});
                }
            }
        }
        s.queued_bytes -= std::min(s.queued_bytes, size);
        s.queue.pop_front();
    }
    if (s.queue.empty()) {
        s.queued_bytes = 0;
        s.dropping = false;
    }
}

void broker::resume(session& s, time_point now) {
    connection* c = s.conn;
    if (!c) return;
    // MQTT-4.4.0-1: unacknowledged PUBLISH again with DUP, PUBREL again, in their order.
    for (inflight_message& m : s.inflight) {
        if (m.at == inflight_message::step::awaiting_pubcomp) {
            if (send(*c, pubrel_packet{.packet_id = m.mid}))
                log_.printf(log_type::debug, "Sending PUBREL to %s (m%u)", c->name.c_str(),
                            static_cast<unsigned>(m.mid));
        } else {
            static_cast<void>(write_publish(*c, m.message, m.mid, true, now));
        }
    }
    pump(s, now);
}

}  // namespace mqttwire::broker
