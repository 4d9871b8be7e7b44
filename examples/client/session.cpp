#include "client/session.hpp"

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstring>

namespace mqttwire::client {

namespace {

std::span<const std::byte> as_bytes(std::string_view text) {
    return std::as_bytes(std::span<const char>(text.data(), text.size()));
}

/** Borrowed views of owned user properties, alive as long as `owned`. */
std::vector<user_property> borrow(const std::vector<owned_user_property>& owned) {
    std::vector<user_property> out;
    out.reserve(owned.size());
    for (const auto& [name, value] : owned) out.push_back({name, value});
    return out;
}

std::chrono::milliseconds seconds_ms(std::uint32_t seconds, std::uint32_t per_mille = 1000) {
    return std::chrono::milliseconds(std::int64_t{seconds} * per_mille);
}

bool is_v5(protocol_version v) { return v == protocol_version::v5; }

}  // namespace

session::session(session_config config, session_handler& handler)
    : config_(std::move(config)), handler_(handler), client_id_(config_.client_id) {}

// ---- encoding ---------------------------------------------------------------------------------

codec_options session::decode_options() const {
    return {.version = config_.version,
            .from = sender::server,
            .maximum_packet_size = config_.maximum_packet_size.value_or(max_packet_size)};
}

codec_options session::encode_options() const {
    return {.version = config_.version,
            .from = sender::client,
            .maximum_packet_size = server_maximum_packet_size_};
}

template <class Packet>
bool session::send(const Packet& packet, time_point now) {
    const codec_options opts = encode_options();
    const result<std::size_t> size = encoded_size(packet, opts);
    if (!size) {
        last_error_ = size.error();
        return false;
    }
    std::vector<std::byte>& out = sink();
    const std::size_t at = out.size();
    out.resize(at + *size);
    const result<std::size_t> written = encode(packet, opts, std::span(out).subspan(at));
    if (!written) {  // cannot happen after encoded_size agreed; keep output whole anyway
        out.resize(at);
        last_error_ = written.error();
        return false;
    }
    last_out_ = now;
    return true;
}

const char* session::trace_id() const {
    // mosquitto prints its NULL id through printf's %s.
    return client_id_.empty() ? "(null)" : client_id_.c_str();
}

void session::trace(const char* format, ...) {
    if (!config_.debug_trace) return;
    // Sized by a first pass: a topic may be 65,535 bytes.
    va_list args;
    va_start(args, format);
    va_list again;
    va_copy(again, args);
    const int n = std::vsnprintf(nullptr, 0, format, args);
    va_end(args);
    if (n >= 0) {
        std::string line(static_cast<std::size_t>(n) + 1, '\0');
        std::vsnprintf(line.data(), line.size(), format, again);
        line.pop_back();
        // libmosquitto formats into strlen(format) + 500 bytes and cuts what does not fit.
        const std::size_t cut = std::strlen(format) + 499;
        if (line.size() > cut) line.resize(cut);
        handler_.on_trace(line);
    }
    va_end(again);
}

// ---- commands ---------------------------------------------------------------------------------

void session::connect(time_point now) {
    ++generation_;
    in_.clear();
    out_.clear();
    out_sent_ = 0;
    stream_out_.reset();
    queued_.clear();
    stream_moved_ = false;
    send_pending_ = false;
    stream_in_.reset();
    assembling_ = false;
    topic_aliases_.clear();
    server_receive_maximum_ = 65535;
    server_topic_alias_maximum_ = 0;
    sent_aliases_.clear();
    server_maximum_packet_size_ = max_packet_size;
    keep_alive_ = config_.keep_alive;
    client_id_ = config_.client_id;
    ping_sent_.reset();
    last_in_ = last_out_ = now;
    if (config_.clean_start) {
        // A new session: what was in flight is sent again from the start, as new messages.
        incoming_qos2_.clear();
        for (outgoing_entry& e : outgoing_) {
            e.step = outgoing_step::unsent;
            e.sent_before = false;
        }
    }
    for (outgoing_entry& e : outgoing_) e.resend = false;
    for (pending_request& r : requests_) r.sent = false;

    const bool v5 = is_v5(config_.version);
    const std::vector<user_property> user = borrow(config_.user_properties);
    connect_packet c{.client_id = config_.client_id,
                     .keep_alive = config_.keep_alive,
                     .clean_start = config_.clean_start};
    std::vector<user_property> will_user;
    if (config_.will) {
        const will_config& w = *config_.will;
        will_message will{.topic = w.topic,
                          .payload = w.payload,
                          .qos_level = w.qos_level,
                          .retain = w.retain};
        if (v5) {
            will_user = borrow(w.user_properties);
            // Field by field: assigning a whole will_properties temporary trips g++ 12's
            // -Wmaybe-uninitialized (a false positive on its empty optionals) in Release.
            will_properties& p = will.properties;
            p.will_delay_interval = w.will_delay_interval;
            p.payload_format_indicator = w.payload_format_indicator;
            p.message_expiry_interval = w.message_expiry_interval;
            p.content_type = w.content_type;
            p.response_topic = w.response_topic;
            p.user_properties = std::span<const user_property>(will_user);
            if (w.correlation_data) p.correlation_data = as_bytes(*w.correlation_data);
        }
        c.will = will;
    }
    if (config_.user_name) c.user_name = *config_.user_name;
    if (config_.password) c.password = as_bytes(*config_.password);
    if (v5) {
        c.properties = {.session_expiry_interval = config_.session_expiry_interval,
                        .receive_maximum = config_.receive_maximum,
                        .maximum_packet_size = config_.maximum_packet_size,
                        .topic_alias_maximum = config_.topic_alias_maximum,
                        .request_response_information = config_.request_response_information,
                        .request_problem_information = config_.request_problem_information,
                        .user_properties = user};
    }
    trace("Client %s sending CONNECT", trace_id());
    state_ = session_state::connecting;
    if (!send(c, now)) {
        close({.cause = close_cause::protocol_error,
               .error = last_error_,
               .detail = "the CONNECT cannot be encoded"});
    }
}

std::uint16_t session::allocate_mid() {
    // One counter for every message and request, as mosquitto numbers them (its -d lines show
    // a message id for QoS 0 too); an id still in use is skipped.
    for (;;) {
        last_mid_ = static_cast<std::uint16_t>(last_mid_ == 65535 ? 1 : last_mid_ + 1);
        if (!mid_in_use(last_mid_)) return last_mid_;
    }
}

bool session::mid_in_use(std::uint16_t mid) const {
    return std::any_of(outgoing_.begin(), outgoing_.end(),
                       [&](const outgoing_entry& e) { return e.mid == mid; }) ||
           std::any_of(requests_.begin(), requests_.end(),
                       [&](const pending_request& r) { return r.mid == mid; });
}

std::uint16_t session::publish(outgoing_message message, time_point now) {
    // Checked now with the rules known so far, so a bad topic is the caller's error at once.
    publish_packet probe{.topic_name = message.topic,
                         .payload = message.payload,
                         .qos_level = message.qos_level,
                         .retain = message.retain,
                         .packet_id = static_cast<std::uint16_t>(
                             message.qos_level == qos::at_most_once ? 0 : 1)};
    if (is_v5(config_.version)) probe.properties.topic_alias = message.topic_alias;
    if (message.source) {
        // Only the header is checked: the payload counts by the size it announces.
        const result<std::size_t> head =
            encode_header(probe, message.source->size(), encode_options(), {});
        if (!head && head.error().code != errc::buffer_too_small) {
            last_error_ = head.error();
            return 0;
        }
    } else if (const result<std::size_t> size = encoded_size(probe, encode_options()); !size) {
        last_error_ = size.error();
        return 0;
    }
    const std::uint16_t mid = allocate_mid();
    outgoing_.push_back({.mid = mid, .message = std::move(message)});
    send_ready(now);
    return mid;
}

std::uint16_t session::subscribe(std::vector<subscription_request> filters, time_point now,
                                 subscribe_options options) {
    return queue_request({.subscribe = true,
                          .filters = std::move(filters),
                          .options = std::move(options)},
                         now);
}

std::uint16_t session::unsubscribe(std::vector<std::string> filters, time_point now,
                                   std::vector<owned_user_property> user_properties) {
    return queue_request({.subscribe = false,
                          .topic_filters = std::move(filters),
                          .user_properties = std::move(user_properties)},
                         now);
}

std::uint16_t session::queue_request(pending_request request, time_point now) {
    const std::uint16_t mid = allocate_mid();
    request.mid = mid;
    requests_.push_back(std::move(request));
    if (state_ == session_state::connected) {
        send_request(requests_.back(), now);
        if (!requests_.back().sent) {
            requests_.pop_back();
            return 0;
        }
    }
    return mid;
}

void session::disconnect(time_point now, reason_code reason,
                         std::optional<std::uint32_t> session_expiry_interval) {
    if (state_ == session_state::disconnected) return;
    disconnect_packet d{};
    if (is_v5(config_.version)) {
        d.reason = reason;
        d.properties.session_expiry_interval = session_expiry_interval;
    }
    trace("Client %s sending DISCONNECT", trace_id());
    static_cast<void>(send(d, now));
    close({.cause = close_cause::client_disconnect, .reason = reason});
}

void session::send_publish(outgoing_entry& e, time_point now) {
    const outgoing_message& m = e.message;
    const bool resend = e.sent_before && m.qos_level != qos::at_most_once;
    publish_packet p{.topic_name = m.topic,
                     .payload = m.payload,
                     .qos_level = m.qos_level,
                     .retain = m.retain,
                     .dup = resend,
                     .packet_id = m.qos_level == qos::at_most_once ? std::uint16_t{0} : e.mid};
    std::vector<user_property> user;
    if (is_v5(config_.version)) {
        user = borrow(m.user_properties);
        // An alias the server allows (MQTT-3.3.2-8) replaces the topic once it is set on this
        // connection; one it does not allow is left out and the topic sent whole.
        std::optional<std::uint16_t> alias = m.topic_alias;
        if (alias && *alias > server_topic_alias_maximum_) alias.reset();
        if (alias) {
            const auto known = sent_aliases_.find(*alias);
            if (known != sent_aliases_.end() && known->second == m.topic)
                p.topic_name = {};
            else
                sent_aliases_[*alias] = m.topic;
        }
        p.properties = {.payload_format_indicator = m.payload_format_indicator,
                        .message_expiry_interval = m.message_expiry_interval,
                        .topic_alias = alias,
                        .response_topic = m.response_topic,
                        .user_properties = user,
                        .content_type = m.content_type};
        if (m.correlation_data) p.properties.correlation_data = as_bytes(*m.correlation_data);
    }
    trace("Client %s sending PUBLISH (d%d, q%d, r%d, m%d, '%s', ... (%ld bytes))", trace_id(),
          resend ? 1 : 0, static_cast<int>(m.qos_level), m.retain ? 1 : 0, e.mid,
          p.topic_name.empty() ? "(null)" : m.topic.c_str(),  // alias only: mosquitto's NULL
          static_cast<long>(m.source ? m.source->size() : m.payload.size()));
    const bool sent = m.source ? send_streamed(p, m.source, now) : send(p, now);
    if (!sent) {
        e.step = outgoing_step::unsent;
        return;
    }
    e.sent_before = true;
    e.step = m.qos_level == qos::at_most_once   ? outgoing_step::unsent
             : m.qos_level == qos::at_least_once ? outgoing_step::awaiting_puback
                                                 : outgoing_step::awaiting_pubrec;
}

bool session::send_streamed(const publish_packet& p, const std::shared_ptr<payload_source>& source,
                            time_point now) {
    const codec_options opts = encode_options();
    const std::size_t size = source->size();
    const result<std::size_t> measured = encode_header(p, size, opts, {});
    if (!measured && measured.error().code != errc::buffer_too_small) {
        last_error_ = measured.error();
        return false;
    }
    const std::size_t header = measured ? *measured : measured.error().buffer_size_needed();
    // send_ready starts no stream while one is running, so the header goes into out_ itself.
    const std::size_t at = out_.size();
    out_.resize(at + header);
    const result<std::size_t> written =
        encode_header(p, size, opts, std::span(out_).subspan(at));
    if (!written) {
        out_.resize(at);
        last_error_ = written.error();
        return false;
    }
    out_.resize(at + *written);
    last_out_ = now;
    // The payload follows as output() drains (pump), from offset 0 also for a resend.
    if (size > 0) {
        stream_out_ = outgoing_stream{.source = source, .offset = 0, .size = size};
        pump();
    }
    return true;
}

void session::pump() {
    // Topped up once a quarter chunk is left, so the bytes moved to the front stay few however
    // little the transport takes at a time.
    while (stream_out_ && out_.size() - out_sent_ < stream_chunk / 4) {
        if (out_sent_ > 0) {
            out_.erase(out_.begin(), out_.begin() + static_cast<std::ptrdiff_t>(out_sent_));
            out_sent_ = 0;
        }
        outgoing_stream& st = *stream_out_;
        const std::size_t at = out_.size();
        out_.resize(at + std::min(stream_chunk, st.size - st.offset));
        const std::optional<std::size_t> n =
            st.source->read(st.offset, std::span(out_).subspan(at));
        if (!n || *n == 0 || *n > out_.size() - at) {
            out_.resize(at);
            // What is in output() ends mid-packet: the server drops the connection on it, and
            // nothing queued behind may follow.
            stream_out_.reset();
            queued_.clear();
            if (state_ != session_state::disconnected)
                close({.cause = close_cause::payload_unreadable});
            return;
        }
        out_.resize(at + *n);
        st.offset += *n;
        if (st.offset == st.size) {
            stream_out_.reset();
            out_.insert(out_.end(), queued_.begin(), queued_.end());
            queued_.clear();
            queued_.shrink_to_fit();
            send_pending_ = std::any_of(outgoing_.begin(), outgoing_.end(), [](const auto& e) {
                return e.resend || e.step == outgoing_step::unsent;
            });
        }
    }
}

void session::send_request(pending_request& r, time_point now) {
    const bool v5 = is_v5(config_.version);
    const std::vector<user_property> user =
        borrow(r.subscribe ? r.options.user_properties : r.user_properties);
    if (r.subscribe) {
        std::vector<subscription> list;
        list.reserve(r.filters.size());
        for (const subscription_request& f : r.filters) {
            // No Local, Retain As Published and Retain Handling exist from 5.0 on; before,
            // those bits are reserved and the request asks for the 3.x behaviour.
            subscription entry{.topic_filter = f.topic_filter, .max_qos = f.max_qos};
            if (v5) {
                entry.no_local = f.no_local;
                entry.retain_as_published = f.retain_as_published;
                entry.retain = f.retain;
            }
            list.push_back(entry);
            const unsigned options = (entry.no_local ? 0x04u : 0u) |
                                     (entry.retain_as_published ? 0x08u : 0u) |
                                     (static_cast<unsigned>(entry.retain) << 4);
            trace("Client %s sending SUBSCRIBE (Mid: %d, Topic: %s, QoS: %d, Options: 0x%02x)",
                  trace_id(), r.mid, f.topic_filter.c_str(), static_cast<int>(f.max_qos),
                  options);
        }
        subscribe_packet s{.packet_id = r.mid, .subscriptions = list};
        if (v5) {
            s.properties.subscription_identifier = r.options.subscription_identifier;
            s.properties.user_properties = user;
        }
        r.sent = send(s, now);
    } else {
        std::vector<std::string_view> list(r.topic_filters.begin(), r.topic_filters.end());
        for (const std::string& f : r.topic_filters)
            trace("Client %s sending UNSUBSCRIBE (Mid: %d, Topic: %s)", trace_id(), r.mid,
                  f.c_str());
        unsubscribe_packet u{.packet_id = r.mid, .topic_filters = list};
        if (v5) u.properties.user_properties = user;
        r.sent = send(u, now);
    }
}

std::size_t session::unacknowledged() const {
    return static_cast<std::size_t>(std::count_if(
        outgoing_.begin(), outgoing_.end(),
        [](const outgoing_entry& e) { return e.step != outgoing_step::unsent; }));
}

bool session::send_resends(time_point now) {
    for (outgoing_entry& e : outgoing_) {
        if (!e.resend) continue;
        // A payload still streaming: the resends behind it wait, in their order.
        if (stream_out_) return false;
        e.resend = false;
        if (e.step == outgoing_step::awaiting_puback || e.step == outgoing_step::awaiting_pubrec) {
            send_publish(e, now);
            if (state_ != session_state::connected) return false;  // its payload was unreadable
        } else if (e.step == outgoing_step::awaiting_pubcomp) {
            trace("Client %s sending PUBREL (m%d)", trace_id(), e.mid);
            static_cast<void>(send(pubrel_packet{.packet_id = e.mid}, now));
        }
    }
    return !stream_out_;
}

void session::send_ready(time_point now) {
    if (state_ != session_state::connected) return;
    const std::uint64_t generation = generation_;
    for (pending_request& r : requests_)
        if (!r.sent) send_request(r, now);
    if (!send_resends(now)) return;
    // In order, each QoS 1/2 message while the server's Receive Maximum allows (MQTT-4.9.0-2);
    // a QoS 0 message waits behind a held one, so messages leave in the order given. One
    // payload streams at a time: the next message waits until it is all in output().
    std::size_t in_flight = unacknowledged();
    std::vector<std::pair<std::uint16_t, reason_code>> done;
    for (auto it = outgoing_.begin(); it != outgoing_.end() && !stream_out_;) {
        if (it->step != outgoing_step::unsent) {
            ++it;
            continue;
        }
        const bool qos0 = it->message.qos_level == qos::at_most_once;
        if (!qos0 && in_flight >= std::min(server_receive_maximum_,
                                           config_.max_inflight.value_or(65535)))
            break;
        send_publish(*it, now);
        if (state_ != session_state::connected) return;  // its payload was unreadable
        if (qos0 || it->step == outgoing_step::unsent) {
            // Sent at QoS 0, or cannot be sent at all (too large for this server).
            done.emplace_back(it->mid, qos0 && it->sent_before ? reason_code::success
                                                               : last_error_.to_reason_code());
            it = outgoing_.erase(it);
            continue;
        }
        ++in_flight;
        ++it;
    }
    for (const auto& [mid, reason] : done) {
        if (generation != generation_ || state_ != session_state::connected) return;
        handler_.on_published(mid, reason);
    }
}

// ---- input ------------------------------------------------------------------------------------

void session::receive(std::span<const std::byte> bytes, time_point now) {
    if (state_ == session_state::disconnected || bytes.empty()) return;
    last_in_ = now;
    const std::uint64_t generation = generation_;
    // The payload of a streamed message goes on straight from the caller's bytes, uncopied.
    if (stream_in_ && in_.empty()) {
        const std::size_t took = stream_in(bytes, now);
        if (generation != generation_ || state_ == session_state::disconnected) return;
        bytes = bytes.subspan(took);
        if (bytes.empty()) return;
    }
    in_.insert(in_.end(), bytes.begin(), bytes.end());
    std::size_t at = 0;
    const codec_options opts = decode_options();
    while (state_ != session_state::disconnected && at < in_.size()) {
        const std::span<const std::byte> rest = std::span<const std::byte>(in_).subspan(at);
        if (stream_in_) {
            at += stream_in(rest, now);
            if (generation != generation_) return;
            continue;
        }
        const partial<frame> f = frame_packet(rest, opts);
        if (f.has_error()) {
            fail(f.error(), now);
            break;
        }
        if (f.needs_more() && !f.need().header_known()) break;
        const frame head = f.is_complete() ? *f : f.need().header;
        const bool large = head.type == packet_type::publish && head.size() > config_.stream_above;
        if (large && !assembling_) {
            std::size_t head_size = 0;
            const stream_start started = begin_stream(rest, now, head_size);
            if (generation != generation_) return;
            if (started == stream_start::failed || started == stream_start::incomplete) break;
            if (started == stream_start::started) {
                at += head_size;
                if (stream_in_ && stream_in_->remaining == 0) end_stream_in(now);
                if (generation != generation_) return;
                continue;
            }
        }
        if (f.needs_more()) {
            in_.reserve(at + head.size());
            break;
        }
        const std::size_t size = f->size();
        assembling_ = false;
        handle(rest.first(size), *f, now);
        if (generation != generation_) return;  // a handler started a new connection
        at += size;
    }
    if (state_ == session_state::disconnected)
        in_.clear();
    else
        in_.erase(in_.begin(), in_.begin() + static_cast<std::ptrdiff_t>(at));
    // A streamed payload passed through in_ leaves no large buffer behind.
    if (stream_in_ && in_.capacity() > 2 * stream_chunk) in_.shrink_to_fit();
}

session::stream_start session::begin_stream(std::span<const std::byte> rest, time_point now,
                                            std::size_t& head_size) {
    const partial<publish_head_view<std::byte>> h = decode_publish_head(rest, decode_options());
    if (h.needs_more()) return stream_start::incomplete;
    if (h.has_error()) {
        fail(h.error(), now);
        return stream_start::failed;
    }
    const std::optional<std::string> topic = resolve_topic(*h, now);
    if (!topic) return stream_start::failed;
    bool deliver = true;
    if (h->qos_level == qos::exactly_once) {
        const auto held = incoming_qos2_.find(h->packet_id);
        if (held != incoming_qos2_.end()) {
            // A resend: of one delivered already, swallowed; of one held whole, held again.
            if (!held->second.delivered) {
                assembling_ = true;
                return stream_start::assemble;
            }
            deliver = false;
        } else if (incoming_qos2_.size() >= config_.receive_maximum.value_or(65535)) {
            fail({}, now, "more QoS 2 messages than our Receive Maximum (MQTT-3.3.4-9)",
                 reason_code::receive_maximum_exceeded);
            return stream_start::failed;
        }
    }
    const message_head_event event{.topic = *topic, .head = *h};
    if (deliver) {
        const std::uint64_t generation = generation_;
        const message_mode mode = handler_.message_mode_for(event);
        if (generation != generation_ || state_ == session_state::disconnected)
            return stream_start::failed;
        if (mode == message_mode::assemble) {
            assembling_ = true;
            return stream_start::assemble;
        }
    }
    trace("Client %s received PUBLISH (d%d, q%d, r%d, m%d, '%s', ... (%ld bytes))", trace_id(),
          h->dup ? 1 : 0, static_cast<int>(h->qos_level), h->retain ? 1 : 0, h->packet_id,
          topic->c_str(), static_cast<long>(h->payload_size));
    stream_in_ = incoming_stream{.remaining = h->payload_size,
                                 .qos_level = h->qos_level,
                                 .packet_id = h->packet_id,
                                 .deliver = deliver};
    head_size = h->payload_offset;
    if (deliver) handler_.on_message_begin(event);
    return stream_start::started;
}

std::size_t session::stream_in(std::span<const std::byte> bytes, time_point now) {
    const std::size_t take = std::min(bytes.size(), stream_in_->remaining);
    stream_in_->remaining -= take;
    if (take > 0 && stream_in_->deliver) {
        const std::uint64_t generation = generation_;
        handler_.on_message_data(bytes.first(take));
        if (generation != generation_ || !stream_in_) return take;  // the handler ended it
    }
    if (stream_in_->remaining == 0) end_stream_in(now);
    return take;
}

void session::end_stream_in(time_point now) {
    const incoming_stream done = *stream_in_;
    stream_in_.reset();
    // Acknowledged once the payload is all here, so a message cut short comes again.
    if (done.qos_level == qos::at_least_once) {
        trace("Client %s sending PUBACK (m%d, rc%d)", trace_id(), done.packet_id, 0);
        static_cast<void>(send(puback_packet{.packet_id = done.packet_id}, now));
    } else if (done.qos_level == qos::exactly_once) {
        if (done.deliver) incoming_qos2_[done.packet_id] = held_message{.delivered = true};
        trace("Client %s sending PUBREC (m%d, rc%d)", trace_id(), done.packet_id, 0);
        static_cast<void>(send(pubrec_packet{.packet_id = done.packet_id}, now));
    }
    if (done.deliver) handler_.on_message_end(true);
}

void session::connection_closed() {
    if (state_ == session_state::disconnected) return;
    close({.cause = close_cause::connection_lost});
}

void session::handle(std::span<const std::byte> packet, const frame& f, time_point now) {
    if (state_ == session_state::connecting && f.type != packet_type::connack) {
        fail({}, now, "the server's first packet is not CONNACK (MQTT-3.2.0-1)",
             reason_code::protocol_error);
        return;
    }
    const codec_options opts = decode_options();
    // Every acknowledgement: handled when it decodes, else the session fails on its error.
    const auto on_ack = [&](const auto& decoded) {
        if (decoded) {
            handle_ack(*decoded, now);
        } else {
            fail(decoded.error(), now);
        }
    };
    switch (f.type) {
        case packet_type::connack:
            if (state_ != session_state::connecting) {
                fail({}, now, "a second CONNACK", reason_code::protocol_error);
                return;
            }
            handle_connack(packet, now);
            return;
        case packet_type::publish: handle_publish(packet, now); return;
        case packet_type::puback: return on_ack(decode_puback(packet, opts));
        case packet_type::pubrec: return on_ack(decode_pubrec(packet, opts));
        case packet_type::pubrel: return on_ack(decode_pubrel(packet, opts));
        case packet_type::pubcomp: return on_ack(decode_pubcomp(packet, opts));
        case packet_type::suback: handle_suback(packet, true); return;
        case packet_type::unsuback: handle_suback(packet, false); return;
        case packet_type::pingresp:
            if (const auto p = decode_pingresp(packet, opts); !p) {
                fail(p.error(), now);
                return;
            }
            trace("Client %s received PINGRESP", trace_id());
            ping_sent_.reset();
            return;
        case packet_type::disconnect: handle_disconnect(packet); return;
        default:
            // AUTH (we started no authentication exchange) or a type framing let through.
            fail({}, now, "a packet the server may not send here", reason_code::protocol_error);
            return;
    }
}

void session::handle_connack(std::span<const std::byte> packet, time_point now) {
    const result<connack_view<std::byte>> c = decode_connack(packet, decode_options());
    if (!c) {
        fail(c.error(), now);
        return;
    }
    const bool v5 = is_v5(config_.version);
    const std::uint8_t code = v5 ? static_cast<std::uint8_t>(c->reason)
                                 : static_cast<std::uint8_t>(c->return_code);
    // The id the server assigned names the client from its CONNACK on, as in mosquitto's trace.
    if (v5 && code == 0)
        if (const auto id = c->properties.assigned_client_identifier()) client_id_ = std::string(*id);
    trace("Client %s received CONNACK (%d)", trace_id(), code);
    const connack_event event{.session_present = c->session_present, .code = code, .packet = *c};
    if (code != 0) {
        // The handler may still send DISCONNECT (mosquitto's clients do); then it is closed.
        const std::uint64_t generation = generation_;
        handler_.on_connack(event);
        if (generation == generation_ && state_ != session_state::disconnected)
            close({.cause = close_cause::connect_refused,
                   .reason = static_cast<reason_code>(code),
                   .reason_string = c->properties.reason_string()});
        return;
    }
    if (v5) {
        const properties_view<std::byte>& p = c->properties;
        server_receive_maximum_ = p.receive_maximum().value_or(65535);
        server_topic_alias_maximum_ = p.topic_alias_maximum().value_or(0);
        server_maximum_packet_size_ = p.maximum_packet_size().value_or(max_packet_size);
        if (const auto k = p.server_keep_alive()) keep_alive_ = *k;
    }
    state_ = session_state::connected;
    // Resend what was in flight, in its order, before anything new (MQTT-4.4.0-1).
    for (outgoing_entry& e : outgoing_) e.resend = e.step != outgoing_step::unsent;
    static_cast<void>(send_resends(now));
    const std::uint64_t generation = generation_;
    handler_.on_connack(event);
    if (generation == generation_) send_ready(now);
}

void session::handle_publish(std::span<const std::byte> packet, time_point now) {
    const result<publish_view<std::byte>> p = decode_publish(packet, decode_options());
    if (!p) {
        fail(p.error(), now);
        return;
    }
    const std::optional<std::string> resolved = resolve_topic(*p, now);
    if (!resolved) return;
    const std::string_view topic = *resolved;
    const std::string& topic_text = *resolved;
    trace("Client %s received PUBLISH (d%d, q%d, r%d, m%d, '%s', ... (%ld bytes))", trace_id(),
          p->dup ? 1 : 0, static_cast<int>(p->qos_level), p->retain ? 1 : 0, p->packet_id,
          topic_text.c_str(), static_cast<long>(p->payload.size()));
    switch (p->qos_level) {
        case qos::at_most_once: handler_.on_message({.topic = topic, .publish = *p}); return;
        case qos::at_least_once:
            trace("Client %s sending PUBACK (m%d, rc%d)", trace_id(), p->packet_id, 0);
            static_cast<void>(send(puback_packet{.packet_id = p->packet_id}, now));
            handler_.on_message({.topic = topic, .publish = *p});
            return;
        case qos::exactly_once: {
            // Delivered once, when PUBREL releases it (as libmosquitto does); a DUP resend of
            // an id still held replaces the copy and is not counted twice.
            const auto held = incoming_qos2_.find(p->packet_id);
            const bool known = held != incoming_qos2_.end();
            if (known && held->second.delivered) {  // streamed and delivered already
                trace("Client %s sending PUBREC (m%d, rc%d)", trace_id(), p->packet_id, 0);
                static_cast<void>(send(pubrec_packet{.packet_id = p->packet_id}, now));
                return;
            }
            if (!known && incoming_qos2_.size() >= config_.receive_maximum.value_or(65535)) {
                fail({}, now, "more QoS 2 messages than our Receive Maximum (MQTT-3.3.4-9)",
                     reason_code::receive_maximum_exceeded);
                return;
            }
            incoming_qos2_[p->packet_id] =
                held_message{topic_text, std::vector<std::byte>(packet.begin(), packet.end())};
            trace("Client %s sending PUBREC (m%d, rc%d)", trace_id(), p->packet_id, 0);
            static_cast<void>(send(pubrec_packet{.packet_id = p->packet_id}, now));
            return;
        }
    }
}

std::optional<std::string> session::resolve_topic(const publish_head_view<std::byte>& head,
                                                  time_point now) {
    std::string_view topic = head.topic_name;
    if (is_v5(config_.version)) {
        if (const auto alias = head.properties.topic_alias()) {
            if (*alias > config_.topic_alias_maximum.value_or(0)) {
                fail({}, now, "a Topic Alias above the Topic Alias Maximum we sent (MQTT-3.3.2-9)",
                     reason_code::topic_alias_invalid);
                return std::nullopt;
            }
            if (topic.empty()) {
                const auto known = topic_aliases_.find(*alias);
                if (known == topic_aliases_.end()) {
                    fail({}, now, "a Topic Alias not set on this connection",
                         reason_code::protocol_error);
                    return std::nullopt;
                }
                topic = known->second;
            } else {
                topic_aliases_[*alias] = std::string(topic);
            }
        }
    }
    return std::string(topic);
}

void session::deliver(std::string_view topic, std::span<const std::byte> packet) {
    // A released QoS 2 message, decoded again from the bytes validated when it arrived.
    const result<publish_view<std::byte>> p = decode_publish(packet, decode_options());
    if (!p) return;
    handler_.on_message({.topic = topic, .publish = *p});
}

template <class View>
void session::handle_ack(const View& ack, time_point now) {
    const std::uint16_t mid = ack.packet_id;
    const auto rc = static_cast<int>(ack.reason);
    const auto entry = std::find_if(outgoing_.begin(), outgoing_.end(),
                                    [&](const outgoing_entry& e) { return e.mid == mid; });
    const bool found = entry != outgoing_.end();
    const std::uint64_t generation = generation_;
    auto finish = [&](outgoing_step expected) {
        if (!found || entry->step != expected) return;
        outgoing_.erase(entry);
        handler_.on_published(mid, ack.reason);
        if (generation == generation_) send_ready(now);
    };
    if constexpr (View::type == packet_type::puback) {
        trace("Client %s received PUBACK (Mid: %d, RC:%d)", trace_id(), mid, rc);
        finish(outgoing_step::awaiting_puback);
    } else if constexpr (View::type == packet_type::pubcomp) {
        trace("Client %s received PUBCOMP (Mid: %d, RC:%d)", trace_id(), mid, rc);
        finish(outgoing_step::awaiting_pubcomp);
    } else if constexpr (View::type == packet_type::pubrec) {
        trace("Client %s received PUBREC (Mid: %d)", trace_id(), mid);
        if (found && entry->step == outgoing_step::awaiting_pubrec &&
            static_cast<std::uint8_t>(ack.reason) >= 0x80) {
            finish(outgoing_step::awaiting_pubrec);  // refused: the flow ends here (5.0)
            return;
        }
        pubrel_packet rel{.packet_id = mid};
        if (found && entry->step == outgoing_step::awaiting_pubrec) {
            entry->step = outgoing_step::awaiting_pubcomp;
        } else if (!found && is_v5(config_.version)) {
            rel.reason = reason_code::packet_identifier_not_found;
        }
        trace("Client %s sending PUBREL (m%d)", trace_id(), mid);
        static_cast<void>(send(rel, now));
    } else {  // PUBREL: release the held message
        trace("Client %s received PUBREL (Mid: %d)", trace_id(), mid);
        const auto held = incoming_qos2_.find(mid);
        pubcomp_packet comp{.packet_id = mid};
        if (held == incoming_qos2_.end() && is_v5(config_.version))
            comp.reason = reason_code::packet_identifier_not_found;
        trace("Client %s sending PUBCOMP (m%d)", trace_id(), mid);
        static_cast<void>(send(comp, now));
        if (held != incoming_qos2_.end()) {
            const held_message message = std::move(held->second);
            incoming_qos2_.erase(held);
            if (!message.delivered) deliver(message.topic, message.packet);
        }
    }
}

void session::handle_suback(std::span<const std::byte> packet, bool subscribe) {
    const time_point now = last_in_;
    const codec_options opts = decode_options();
    std::uint16_t mid = 0;
    std::vector<std::uint8_t> codes;
    if (subscribe) {
        const auto s = decode_suback(packet, opts);
        if (!s) {
            fail(s.error(), now);
            return;
        }
        mid = s->packet_id;
        for (const reason_code c : s->reason_codes) codes.push_back(static_cast<std::uint8_t>(c));
        trace("Client %s received SUBACK", trace_id());
    } else {
        const auto u = decode_unsuback(packet, opts);
        if (!u) {
            fail(u.error(), now);
            return;
        }
        mid = u->packet_id;
        trace("Client %s received UNSUBACK", trace_id());
    }
    const auto request = std::find_if(requests_.begin(), requests_.end(), [&](const auto& r) {
        return r.mid == mid && r.sent && r.subscribe == subscribe;
    });
    if (request == requests_.end()) return;  // not ours: nothing to tell
    requests_.erase(request);
    if (subscribe)
        handler_.on_subscribed(mid, codes);
    else
        handler_.on_unsubscribed(mid);
}

void session::handle_disconnect(std::span<const std::byte> packet) {
    const result<disconnect_view<std::byte>> d = decode_disconnect(packet, decode_options());
    if (!d) {
        fail(d.error(), last_in_);
        return;
    }
    // libmosquitto 2.0 words this one line without the client id.
    trace("Received DISCONNECT (%d)", static_cast<int>(d->reason));
    close({.cause = close_cause::server_disconnect,
           .reason = d->reason,
           .reason_string = d->properties.reason_string()});
}

void session::fail(const mqttwire::error& e, time_point now, std::string_view detail,
                   std::optional<reason_code> reason) {
    const reason_code code = reason.value_or(e.disconnect_reason_code(sender::client));
    if (is_v5(config_.version) && state_ != session_state::disconnected) {
        trace("Client %s sending DISCONNECT", trace_id());
        static_cast<void>(send(disconnect_packet{.reason = code}, now));
    }
    close({.cause = close_cause::protocol_error, .reason = code, .error = e, .detail = detail});
}

void session::close(const close_event& event) {
    state_ = session_state::disconnected;
    ping_sent_.reset();
    // Our own DISCONNECT follows a payload being streamed whole; any other end cuts it, and
    // what was queued behind it would be read as payload.
    if (stream_out_ && event.cause != close_cause::client_disconnect) {
        stream_out_.reset();
        queued_.clear();
    }
    if (stream_in_) {
        const bool delivering = stream_in_->deliver;
        stream_in_.reset();
        if (delivering) handler_.on_message_end(false);
    }
    assembling_ = false;
    handler_.on_closed(event);
}

// ---- timers -----------------------------------------------------------------------------------

std::optional<time_point> session::next_deadline() const {
    if (state_ == session_state::disconnected) return std::nullopt;
    if (send_pending_) return last_out_;  // already due: messages wait behind a finished stream
    if (keep_alive_ == 0) return std::nullopt;
    // Silence from the server for 1.5 times the keep alive ends the connection; a PINGREQ
    // goes out once either direction has been quiet for the keep alive (as libmosquitto).
    const time_point timeout = last_in_ + seconds_ms(keep_alive_, 1500);
    if (state_ != session_state::connected || ping_sent_) return timeout;
    return std::min(timeout, std::min(last_in_, last_out_) + seconds_ms(keep_alive_));
}

void session::tick(time_point now) {
    if (state_ == session_state::disconnected) return;
    if (send_pending_) {
        send_pending_ = false;
        send_ready(now);
        if (state_ == session_state::disconnected) return;
    }
    if (stream_moved_) {
        // The server cannot answer a PINGREQ queued behind our payload: while the payload
        // moves, the connection counts as alive both ways.
        stream_moved_ = false;
        last_in_ = last_out_ = now;
    }
    if (keep_alive_ == 0) return;
    if (now >= last_in_ + seconds_ms(keep_alive_, 1500)) {
        close({.cause = close_cause::keep_alive_timeout});
        return;
    }
    if (state_ == session_state::connected && !ping_sent_ &&
        now >= std::min(last_in_, last_out_) + seconds_ms(keep_alive_)) {
        trace("Client %s sending PINGREQ", trace_id());
        if (send(pingreq_packet{}, now)) ping_sent_ = now;
    }
}

void session::consume_output(std::size_t n) {
    out_sent_ = std::min(out_.size(), out_sent_ + n);
    if (out_sent_ == out_.size()) {
        out_.clear();
        out_sent_ = 0;
    }
    if (stream_out_) {
        stream_moved_ = stream_moved_ || n > 0;
        pump();
    }
}

bool session::idle() const {
    return outgoing_.empty() && requests_.empty() && incoming_qos2_.empty();
}

}  // namespace mqttwire::client
