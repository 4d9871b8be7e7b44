// The broker's sessions, routing, delivery and timers; the per-packet state machine is in
// connection.cpp.
#include "broker/broker.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace mqttwire::broker {

namespace {

/** Above this much unsent output a connected client's QoS 0 messages are dropped. */
constexpr std::size_t qos0_backlog_limit = std::size_t{8} << 20;
/**
 * Payloads up to this size are copied behind their subscriber's header: cheaper than an iovec
 * of their own. Larger ones are sent from the stored message, shared by every subscriber.
 */
constexpr std::size_t copied_payload_limit = 512;

int flag(bool b) { return b ? 1 : 0; }

}  // namespace

broker::broker(broker_config config, log_sink& sink)
    : config_(config), log_(sink, config.log_mask), random_(config.seed) {}

broker::~broker() = default;

// ---- transport ------------------------------------------------------------------------------

void broker::accept(conn_id id, std::string_view address, std::uint16_t peer_port,
                    std::uint16_t listener_port, time_point now) {
    connection& c = connections_.try_emplace(id).first->second;
    c.id = id;
    c.address = std::string(address);
    c.peer_port = peer_port;
    c.listener_port = listener_port;
    c.accepted = c.last_in = now;
    log_.printf(log_type::notice, "New connection from %s:%u on port %u.", c.address.c_str(),
                static_cast<unsigned>(peer_port), static_cast<unsigned>(listener_port));
    arm(c);
}

void broker::receive(conn_id id, std::span<const std::byte> bytes, time_point now) {
    const auto found = connections_.find(id);
    if (found == connections_.end() || bytes.empty()) return;
    connection& c = found->second;
    if (c.at == connection::state::closing) return;
    c.last_in = now;
    // Whole packets are framed straight from the caller's bytes; only a trailing partial
    // packet is copied, so a connection at rest holds no input buffer.
    const bool buffered = !c.in.empty();
    if (buffered) c.in.insert(c.in.end(), bytes.begin(), bytes.end());
    const std::span<const std::byte> data = buffered ? std::span<const std::byte>(c.in) : bytes;
    const connection::state was = c.at;
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
    // A CONNECT accepted: the keep alive replaces the CONNECT timeout.
    if (was == connection::state::awaiting_connect && c.at == connection::state::connected)
        arm(c);
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
    connection& c = found->second;
    if (c.at != connection::state::closing) {
        log_.printf(log_type::notice, "Client %s closed its connection.", c.name.c_str());
        close_connection(c, true, now);
    }
    unlink_timer(c);
    connections_.erase(found);
}

std::optional<time_point> broker::deadline_of(const connection& c) const {
    if (c.at == connection::state::awaiting_connect) return c.accepted + config_.connect_timeout;
    if (c.at == connection::state::connected && c.keep_alive != 0)
        // MQTT-3.1.2-24 / 5.0 MQTT-3.1.2-22: one and a half times the keep alive.
        return c.last_in + std::chrono::milliseconds(std::int64_t{c.keep_alive} * 1500);
    return std::nullopt;
}

std::int64_t broker::second_of(time_point t) {
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

void broker::unlink_timer(connection& c) {
    if (!c.timed) return;
    if (c.timer_prev) c.timer_prev->timer_next = c.timer_next;
    else wheel_[c.timer_slot] = c.timer_next;
    if (c.timer_next) c.timer_next->timer_prev = c.timer_prev;
    c.timer_prev = c.timer_next = nullptr;
    c.timed = false;
}

void broker::arm(connection& c) {
    unlink_timer(c);
    const auto when = deadline_of(c);
    if (!when) return;
    const std::int64_t sec = second_of(*when);
    if (!wheel_started_) {
        wheel_started_ = true;
        wheel_done_ = second_of(c.accepted) - 1;
    }
    // Already looked at (a deadline in the past, or this second's): the current slot, which
    // every tick looks at again.
    const std::int64_t slot_sec = std::max(sec, wheel_done_ + 1);
    const auto slot = static_cast<std::uint8_t>(static_cast<std::uint64_t>(slot_sec) % wheel_slots);
    c.timer_slot = slot;
    c.timer_prev = nullptr;
    c.timer_next = wheel_[slot];
    if (c.timer_next) c.timer_next->timer_prev = &c;
    wheel_[slot] = &c;
    c.timed = true;
    if (slot_sec == wheel_done_ + 1 && (!wheel_soonest_ || *when < *wheel_soonest_))
        wheel_soonest_ = *when;
}

void broker::tick(time_point now) {
    std::vector<connection*> expired;
    const std::int64_t now_sec = second_of(now);
    if (wheel_started_ && now_sec > wheel_done_) {
        // Each slot once even after a long gap: the wheel holds every second modulo its span.
        const std::int64_t first = std::max(wheel_done_ + 1, now_sec - std::int64_t{wheel_slots} + 1);
        // The current second's slot is looked at again by the next tick: what is due later
        // in this second is not missed.
        wheel_done_ = now_sec - 1;
        wheel_soonest_.reset();
        for (std::int64_t sec = first; sec <= now_sec; ++sec) {
            const auto slot = static_cast<std::size_t>(static_cast<std::uint64_t>(sec) % wheel_slots);
            connection* c = wheel_[slot];
            wheel_[slot] = nullptr;
            while (c) {
                connection* next = c->timer_next;
                c->timed = false;
                c->timer_prev = c->timer_next = nullptr;
                const auto when = deadline_of(*c);
                if (when && *when <= now) expired.push_back(c);
                else if (when) arm(*c);
                c = next;
            }
        }
    }
    for (connection* c : expired) {
        if (c->at == connection::state::closing) continue;
        log_.printf(log_type::notice, "Client %s has exceeded timeout, disconnecting.",
                    c->name.c_str());
        if (c->at == connection::state::connected && c->version == protocol_version::v5)
            static_cast<void>(send(*c, disconnect_packet{.reason = reason_code::keep_alive_timeout}));
        close_connection(*c, true, now);
    }
    while (!session_timers_.empty() && session_timers_.front().when <= now) {
        std::pop_heap(session_timers_.begin(), session_timers_.end(), std::greater<>{});
        const session_timer t = std::move(session_timers_.back());
        session_timers_.pop_back();
        const auto found = sessions_.find(t.client_id);
        // A session of the same id started since is not this entry's.
        if (found == sessions_.end() || found->second->serial != t.serial) continue;
        session& s = *found->second;
        if (s.will_at && *s.will_at <= now) publish_will(s, now);
        if (s.expires && *s.expires <= now) end_session(s, now);
    }
}

std::optional<time_point> broker::next_deadline() const {
    // The wheel's next second, or sooner what is due in the current one; a connection heard
    // from since is only looked at early, never late.
    std::optional<time_point> next;
    if (wheel_started_) next = time_point(std::chrono::seconds(wheel_done_ + 2));
    if (wheel_soonest_ && (!next || *wheel_soonest_ < *next)) next = wheel_soonest_;
    if (!session_timers_.empty() && (!next || session_timers_.front().when < *next))
        next = session_timers_.front().when;
    return next;
}

void broker::shutdown(time_point now) {
    for (auto& [id, c] : connections_) {
        if (c.at == connection::state::closing) continue;
        if (c.at == connection::state::connected && c.version == protocol_version::v5)
            static_cast<void>(
                send(c, disconnect_packet{.reason = reason_code::server_shutting_down}));
        // A broker that stops is not a client that vanished: no will (as mosquitto).
        close_connection(c, false, now);
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
        if (found != connections_.end()) found->second.listed = false;
    }
    return out;
}

std::span<const std::byte> broker::output(conn_id id) {
    const auto found = connections_.find(id);
    if (found == connections_.end()) return {};
    return found->second.out.contiguous();
}

std::size_t broker::output_pieces(conn_id id, std::span<std::span<const std::byte>> out) const {
    const auto found = connections_.find(id);
    if (found == connections_.end()) return 0;
    return found->second.out.pieces(out);
}

void broker::consume_output(conn_id id, std::size_t n) {
    const auto found = connections_.find(id);
    if (found == connections_.end()) return;
    found->second.out.consume(n);
}

bool broker::close_requested(conn_id id) const {
    const auto found = connections_.find(id);
    return found != connections_.end() && found->second.at == connection::state::closing;
}

codec_options broker::encode_options(const connection& c) const {
    return {.version = c.version, .from = sender::server,
            .maximum_packet_size = c.maximum_packet_size};
}

// ---- sessions -------------------------------------------------------------------------------

void broker::close_connection(connection& c, bool will, time_point now) {
    if (c.at == connection::state::closing) return;
    c.at = connection::state::closing;
    unlink_timer(c);
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
            session_timers_.push_back({*s->will_at, s->serial, s->client_id});
            std::push_heap(session_timers_.begin(), session_timers_.end(), std::greater<>{});
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
        session_timers_.push_back({*s->expires, s->serial, s->client_id});
        std::push_heap(session_timers_.begin(), session_timers_.end(), std::greater<>{});
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
        static_cast<void>(write_publish(*c, m, q, retain, identifiers, 0, false, now));
        return;
    }
    // Offline, QoS 0 is not kept (mosquitto's queue_qos0_messages false).
    if (!online && q == qos::at_most_once) return;
    queued_message item{.msg = m, .qos_level = q, .retain = retain,
                        .identifiers = {identifiers.begin(), identifiers.end()}};
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
    static_cast<void>(enqueue(s, std::move(item)));
}

bool broker::write_publish(connection& c, const message_ptr& msg, qos q, bool retain,
                           std::span<const std::uint32_t> identifiers, std::uint16_t mid,
                           bool dup, time_point now) {
    const message& m = *msg;
    if (layouts_of_ != msg) {
        layouts_of_ = msg;
        layouts_.clear();
        layout_bytes_.clear();
        layout_ids_.clear();
    }
    const bool v5 = c.version == protocol_version::v5;
    const bool with_id = q != qos::at_most_once;
    if (!v5) identifiers = {};
    const std::optional<std::uint32_t> expiry =
        v5 && m.expires ? m.remaining_expiry(now) : std::nullopt;
    // 5.0 Topic Alias towards the client (MQTT-3.3.2-7: ours, per connection): the topic's
    // alias once set, or a new one while the client's Topic Alias Maximum allows, else none.
    std::uint16_t alias = 0;
    bool alias_only = false;
    if (v5 && c.topic_alias_maximum != 0) {
        if (!c.sent_aliases) c.sent_aliases = std::make_unique<outgoing_aliases>();
        const auto known = c.sent_aliases->find(std::string_view(m.topic));
        if (known != c.sent_aliases->end()) {
            alias = known->second;
            alias_only = true;
        } else if (c.sent_aliases->size() < c.topic_alias_maximum) {
            alias = static_cast<std::uint16_t>(c.sent_aliases->size() + 1);
        }
    }
    const layout* found = nullptr;
    for (const layout& l : layouts_) {
        if (l.version == c.version && l.with_id == with_id && l.expiry == expiry &&
            l.alias == alias && l.alias_only == alias_only &&
            std::ranges::equal(std::span(layout_ids_).subspan(l.ids_at, l.ids_count),
                               identifiers)) {
            found = &l;
            break;
        }
    }
    if (!found) {
        // This layout's header, encoded once for every subscriber of the message: QoS, DUP,
        // RETAIN and the Packet Identifier are patched per subscriber below.
        layout l{.version = c.version, .with_id = with_id, .expiry = expiry,
                 .alias = alias, .alias_only = alias_only,
                 .ids_at = layout_ids_.size(), .ids_count = identifiers.size(),
                 .at = layout_bytes_.size()};
        layout_ids_.insert(layout_ids_.end(), identifiers.begin(), identifiers.end());
        publish_changes changes{.qos_level = q,
                                .packet_id = with_id ? std::uint16_t{1} : std::uint16_t{0},
                                .retain = false,
                                .dup = false};
        // A source that leaned on a Topic Alias carries no topic: the resolved one goes out.
        if (m.view.topic_name.empty()) changes.topic_name = std::string_view(m.topic);
        if (v5) {
            changes.subscription_identifiers = identifiers;
            if (expiry) changes.message_expiry_interval = expiry;
            if (alias != 0) changes.topic_alias = topic_alias_change::set(alias);
            if (alias_only) changes.topic_name = std::string_view();
        }
        const auto forwarded = forward(m.view, changes);
        const codec_options opts{.version = c.version, .from = sender::server};
        const result<std::size_t> size = encoded_size(forwarded, opts);
        if (size) {
            const std::size_t header = *size - m.view.payload.size();
            layout_bytes_.resize(l.at + header);
            const auto written = encode_header(
                forwarded, opts, std::span(layout_bytes_).subspan(l.at, header));
            if (written && *written == header) {
                l.size = header;
                l.total = *size;
                if (with_id)
                    l.id_offset = publish_packet_id_offset(
                                      std::span(layout_bytes_).subspan(l.at, header))
                                      .value_or(0);
            } else {
                l.error = written ? errc::packet_too_large : written.error().code;
            }
        } else {
            l.error = size.error().code;
        }
        if (l.error == errc::none && with_id && l.id_offset == 0) l.error = errc::packet_truncated;
        layouts_.push_back(l);
        found = &layouts_.back();
    }
    const layout& l = *found;
    const errc refused = l.error != errc::none                   ? l.error
                         : l.total > c.maximum_packet_size ? errc::packet_too_large
                                                                 : errc::none;
    if (refused != errc::none) {
        // Over the client's Maximum Packet Size: not sent to it (5.0 MQTT-3.1.2-25).
        log_.printf(log_type::debug, "Dropping too large PUBLISH for %s (%.*s).", c.name.c_str(),
                    static_cast<int>(name(refused).size()), name(refused).data());
        return false;
    }
    const std::span<const std::byte> payload = m.view.payload;
    const bool copied = payload.size() <= copied_payload_limit;
    const std::span<std::byte> out = c.out.append(l.size + (copied ? payload.size() : 0));
    std::memcpy(out.data(), layout_bytes_.data() + l.at, l.size);
    out[0] = static_cast<std::byte>(0x30u | (dup ? 0x08u : 0u) |
                                    (static_cast<unsigned>(q) << 1) | (retain ? 1u : 0u));
    if (with_id) {
        out[l.id_offset] = static_cast<std::byte>(mid >> 8);
        out[l.id_offset + 1] = static_cast<std::byte>(mid & 0xFF);
    }
    if (copied) {
        if (!payload.empty()) std::memcpy(out.data() + l.size, payload.data(), payload.size());
    } else {
        c.out.append_shared(msg, payload);
    }
    // Only a PUBLISH that goes out sets its alias: one dropped above never told the client.
    if (alias != 0 && !alias_only) c.sent_aliases->emplace(m.topic, alias);
    mark_ready(c);
    log_.printf(log_type::debug, "Sending PUBLISH to %s (d%d, q%d, r%d, m%u, '%s', ... (%ld bytes))",
                c.name.c_str(), flag(dup), static_cast<int>(q), flag(retain),
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
