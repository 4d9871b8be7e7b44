// fuzz_broker: the broker's protocol engine (examples/broker, sans-I/O) driven by several
// clients at once with arbitrary bytes, no sockets. The fuzzer plays the epoll driver: it hands
// the broker connections, their bytes and the time, drains every output buffer after each step
// and closes what the broker asks to close.
//
// Input: records, op byte first:
//   op bits 0-1  the client slot (4 slots; one connection each at a time)
//   op bits 2-4  0-3: [op][n][n bytes]: what the slot's client sends (a new connection is
//                     accepted first when the slot has none)
//                4:   [op][n]: time passes, n × 100 ms, then tick() (keep alive, CONNECT
//                     timeout, will delay, session expiry)
//                5:   [op]: the network drops the slot's connection (closed(), its will is due)
//                6-7: as 0-3
// fuzz_make_corpus writes seeds in this form (write_broker_sessions).
// A last record cut short sends what is there.
//
// After every step, checks:
//  1. no crash, no sanitizer report (ASan + UBSan);
//  2. every byte the broker sends decodes, packet by packet, as the client would decode it:
//     frame_packet + decode with the connection's version (before CONNECT: the level its
//     CONNECT declared, as refuse_connect answers; 5 → 5.0, 3 → 3.1, else 3.1.1),
//     sender::server, within the Maximum Packet Size the client's 5.0 CONNECT set
//     (MQTT-3.1.2-24), and no partial packet is ever left in an output buffer; a connection
//     whose first bytes declare no level gets no byte at all;
//  3. a client never receives a PUBLISH on a topic that no filter its client id ever
//     subscribed to (or any that 3.x client sent on that connection) matches: an
//     over-approximation of its subscriptions, since a message queued before an UNSUBSCRIBE
//     may still be delivered (MQTT-3.10.4-3);
//  4. a QoS 1 message the broker acknowledged (PUBACK with a code below 0x80) is delivered
//     to every subscriber that, at that PUBACK, was connected and held a non-shared QoS ≥ 1
//     subscription without No Local matching its topic, SUBACKed on that same connection and
//     not touched since by a SUBSCRIBE or UNSUBSCRIBE — checked at the end of the input, after
//     every still-connected such subscriber (whose own byte stream ends on a packet boundary)
//     has acknowledged all it got, for as many rounds as the broker keeps sending. Excused,
//     because the broker may rightly drop them: messages with a Message Expiry Interval,
//     subscribers with a 5.0 Maximum Packet Size, and a client whose queue overflowed
//     ("Outgoing messages are being dropped for client ..." in the log).
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "broker/broker.hpp"
#include "fuzz_common.hpp"

namespace {

using namespace mqttwire;
namespace b = mqttwire::broker;

constexpr std::size_t slots = 4;

struct drops_sink : b::log_sink {
    std::set<std::string> dropping;  // client ids whose outgoing messages were dropped
    void line(b::log_type, std::string_view text) override {
        constexpr std::string_view prefix = "Outgoing messages are being dropped for client ";
        if (text.starts_with(prefix)) {
            std::string id(text.substr(prefix.size()));
            if (!id.empty() && id.back() == '.') id.pop_back();
            dropping.insert(std::move(id));
        }
    }
};

struct obligation_key {
    std::string topic;
    std::string payload;
    auto operator<=>(const obligation_key&) const = default;
};

/** One connection, as the fuzzer sees it from both ends. */
struct conn_state {
    b::conn_id id = 0;
    bool live = false;
    // The client's side: what it sent, framed as the broker would frame it.
    std::vector<std::byte> sent{};
    bool first_framed = false;
    std::optional<std::uint8_t> declared_level{};
    std::optional<protocol_version> version{};  // from the client's CONNECT
    std::string client_id{};
    std::uint32_t max_packet = max_packet_size;
    bool stream_broken = false;  // our framing of its bytes failed: nothing more is known
    std::map<std::uint16_t, std::string> aliases{};
    /** Every filter sent on this connection: its client id may be assigned only later. */
    std::set<std::string> ever{};
    std::map<std::uint16_t, std::vector<std::pair<std::string, subscription_view>>> pending_subs{};
    struct qos1_sent {
        std::uint16_t mid;
        obligation_key key;
        bool expiry;
    };
    std::deque<qos1_sent> qos1_publishes{};
    // The broker's side.
    std::vector<std::byte> received{};
    std::vector<publish_view<std::byte>> deliveries{};
    bool connected = false;  // a successful CONNACK was received
    /** Non-shared QoS ≥ 1 filters without No Local, SUBACKed on this connection. */
    std::set<std::string> in_force{};
    std::set<std::uint16_t> qos1_unacked{}, qos2_unrecd{}, rel_unacked{};
    std::map<obligation_key, int> owed{};
};

class driver {
public:
    driver() : broker_(config(), sink_) {}

    void send(std::size_t slot, std::span<const std::byte> bytes) {
        conn_state& c = conns_[slot];
        if (!c.live) open(slot);
        client_sent(c, bytes);
        broker_.receive(c.id, bytes, now_);
        settle();
    }

    void advance(std::uint8_t tenths) {
        now_ += std::chrono::milliseconds(100 * std::int64_t{tenths});
        broker_.tick(now_);
        settle();
    }

    void drop(std::size_t slot) {
        conn_state& c = conns_[slot];
        if (!c.live) return;
        c.live = false;
        broker_.closed(c.id, now_);
        settle();
    }

    /** Check 4: every connected subscriber acknowledges what it got, then nothing is owed. */
    void finish() {
        for (int round = 0; round < 64; ++round) {
            bool acted = false;
            for (conn_state& c : conns_) {
                if (!acknowledgeable(c)) continue;
                std::vector<std::byte> acks;
                for (const std::uint16_t mid : c.qos1_unacked)
                    append(acks, puback_packet{.packet_id = mid}, *c.version);
                for (const std::uint16_t mid : c.qos2_unrecd)
                    append(acks, pubrec_packet{.packet_id = mid}, *c.version);
                for (const std::uint16_t mid : c.rel_unacked)
                    append(acks, pubcomp_packet{.packet_id = mid}, *c.version);
                if (acks.empty()) continue;
                acted = true;
                client_sent(c, acks);
                broker_.receive(c.id, acks, now_);
                settle();
            }
            if (!acted) break;
        }
        for (const conn_state& c : conns_) {
            if (!acknowledgeable(c) || excused(c)) continue;
            for (const auto& [key, n] : c.owed)
                FUZZ_CHECK_MSG(n <= 0, "client '" + c.client_id + "' never got QoS 1 '" +
                                           key.topic + "' (" + std::to_string(n) + " owed)");
        }
    }

private:
    static b::broker_config config() {
        b::broker_config c;
        c.log_mask = b::all_log_types;
        return c;
    }

    void open(std::size_t slot) {
        conn_state& c = conns_[slot];
        c = conn_state{};
        c.id = next_id_++;
        c.live = true;
        broker_.accept(c.id, "127.0.0.1", static_cast<std::uint16_t>(40000 + slot), 1883, now_);
    }

    [[nodiscard]] bool acknowledgeable(const conn_state& c) const {
        // Only a client whose own stream ends on a packet boundary can add packets to it.
        return c.live && c.connected && c.version && !c.stream_broken && c.sent.empty();
    }

    [[nodiscard]] bool excused(const conn_state& c) const {
        return c.max_packet != max_packet_size || sink_.dropping.contains(c.client_id);
    }

    template <class Packet>
    static void append(std::vector<std::byte>& out, const Packet& p, protocol_version v) {
        const codec_options opts{.version = v, .from = sender::client};
        const auto size = encoded_size(p, opts);
        FUZZ_CHECK(size);
        const std::size_t at = out.size();
        out.resize(at + *size);
        FUZZ_CHECK(encode(p, opts, std::span(out).subspan(at)));
    }

    // ---- the client's bytes, read as the broker reads them --------------------------------

    void client_sent(conn_state& c, std::span<const std::byte> bytes) {
        if (c.stream_broken) return;
        c.sent.insert(c.sent.end(), bytes.begin(), bytes.end());
        std::size_t at = 0;
        while (at < c.sent.size()) {
            const std::span<const std::byte> rest = std::span(c.sent).subspan(at);
            const codec_options opts =
                !c.first_framed ? before_connect
                : c.version     ? codec_options{.version = *c.version, .from = sender::client}
                                : before_connect;
            if (!c.first_framed && !c.declared_level) {
                if (const auto level = declared_protocol_version(rest))
                    c.declared_level = static_cast<std::uint8_t>(*level);
            }
            const partial<frame> f = frame_packet(rest, opts);
            if (f.needs_more()) break;
            if (f.has_error() || (c.first_framed && !c.version)) {
                c.stream_broken = true;
                break;
            }
            const std::span<const std::byte> packet = rest.first(f->size());
            if (!c.first_framed) {
                c.first_framed = true;
                const auto cv = decode_connect(packet, before_connect);
                if (cv) {
                    c.version = cv->version;
                    c.client_id = std::string(cv->client_id);
                    if (cv->version == protocol_version::v5)
                        c.max_packet = cv->properties.maximum_packet_size().value_or(max_packet_size);
                }
            } else {
                client_packet(c, packet);
            }
            at += f->size();
        }
        c.sent.erase(c.sent.begin(), c.sent.begin() + static_cast<std::ptrdiff_t>(at));
    }

    void client_packet(conn_state& c, std::span<const std::byte> packet) {
        const codec_options opts{.version = *c.version, .from = sender::client};
        const auto d = decode(packet, opts);
        if (!d) return;  // the broker closes the connection on it
        if (const auto* s = std::get_if<subscribe_view<std::byte>>(&*d)) {
            auto& pending = c.pending_subs[s->packet_id];
            pending.clear();
            for (const subscription_view& sub : s->subscriptions) {
                const std::string filter(sub.topic_filter);
                subscribed_[c.client_id].insert(filter);
                c.ever.insert(filter);
                c.in_force.erase(filter);
                pending.emplace_back(filter, sub);
            }
        } else if (const auto* u = std::get_if<unsubscribe_view<std::byte>>(&*d)) {
            for (const std::string_view filter : u->topic_filters)
                c.in_force.erase(std::string(filter));
        } else if (const auto* p = std::get_if<publish_view<std::byte>>(&*d)) {
            std::string topic(p->topic_name);
            bool known = true;
            if (const auto alias = p->properties.topic_alias()) {
                if (topic.empty()) {
                    const auto it = c.aliases.find(*alias);
                    known = it != c.aliases.end();
                    if (known) topic = it->second;
                } else {
                    c.aliases[*alias] = topic;
                }
            }
            if (known && p->qos_level == qos::at_least_once) {
                const std::string payload(reinterpret_cast<const char*>(p->payload.data()),
                                          p->payload.size());
                c.qos1_publishes.push_back(
                    {p->packet_id, {std::move(topic), payload},
                     p->properties.message_expiry_interval().has_value()});
            }
        } else if (const auto* a = std::get_if<puback_view<std::byte>>(&*d)) {
            c.qos1_unacked.erase(a->packet_id);
        } else if (const auto* r = std::get_if<pubrec_view<std::byte>>(&*d)) {
            c.qos2_unrecd.erase(r->packet_id);
        } else if (const auto* k = std::get_if<pubcomp_view<std::byte>>(&*d)) {
            c.rel_unacked.erase(k->packet_id);
        }
    }

    // ---- the broker's bytes, read as the client reads them ---------------------------------

    void settle() {
        for (int round = 0; round < 64; ++round) {
            static_cast<void>(broker_.take_ready());
            bool moved = false;
            for (conn_state& c : conns_) {
                if (!c.live) continue;
                const auto out = broker_.output(c.id);
                if (out.empty()) continue;
                c.received.insert(c.received.end(), out.begin(), out.end());
                broker_.consume_output(c.id, out.size());
                moved = true;
            }
            // Two passes: a step's PUBACK to a publisher creates its obligations (check 4)
            // before any subscriber's copy of that message is counted, whichever slot comes
            // first here (the broker routes right after the PUBACK, in the same receive()).
            for (conn_state& c : conns_)
                if (c.live) broker_received(c);
            for (conn_state& c : conns_) {
                for (const publish_view<std::byte>& p : c.deliveries) delivered(c, p);
                c.deliveries.clear();
                c.received.clear();
            }
            for (conn_state& c : conns_) {
                if (c.live && broker_.close_requested(c.id)) {
                    c.live = false;
                    broker_.closed(c.id, now_);
                    moved = true;
                }
            }
            if (!moved) return;
        }
    }

    void broker_received(conn_state& c) {
        // Before the CONNACK, the client reads it in the format its CONNECT declared.
        protocol_version v = protocol_version::v3_1_1;
        if (c.connected && c.version) {
            v = *c.version;
        } else if (!c.received.empty()) {
            FUZZ_CHECK_MSG(c.declared_level.has_value(),
                           "output to a connection whose bytes declared no protocol level");
            if (*c.declared_level == 5) v = protocol_version::v5;
            if (*c.declared_level == 3) v = protocol_version::v3_1;
        }
        std::size_t at = 0;
        while (at < c.received.size()) {
            const std::span<const std::byte> rest = std::span(c.received).subspan(at);
            const codec_options opts{.version = v, .from = sender::server,
                                     .maximum_packet_size = c.max_packet};
            const partial<frame> f = frame_packet(rest, opts);
            FUZZ_CHECK_MSG(!f.needs_more(), "the broker left a partial packet in its output");
            FUZZ_CHECK_MSG(!f.has_error(), std::string("broker output does not frame: ") +
                                               std::string(name(f.error().code)));
            const auto d = decode(rest.first(f->size()), opts);
            FUZZ_CHECK_MSG(d.has_value(), std::string("broker output does not decode: ") +
                                              std::string(name(d.error().code)));
            if (const auto* p = std::get_if<publish_view<std::byte>>(&*d))
                c.deliveries.push_back(*p);  // views into c.received, kept until the 2nd pass
            else
                broker_packet(c, *d);
            if (c.connected && c.version) v = *c.version;
            at += f->size();
        }
    }

    void delivered(conn_state& c, const publish_view<std::byte>& p) {
        const std::string topic(p.topic_name);
        FUZZ_CHECK_MSG(!topic.empty(), "a PUBLISH without a Topic Name (we set no alias)");
        bool matched = false;
        for (const auto* filters : {&subscribed_[c.client_id], &c.ever}) {
            for (const std::string& filter : *filters) {
                const auto shared = split_shared_subscription(filter);
                matched = matched ||
                          topic_matches(shared ? shared->topic_filter : std::string_view(filter),
                                        topic);
            }
        }
        FUZZ_CHECK_MSG(matched, "'" + c.client_id + "' got '" + topic +
                                    "' without a subscription matching it");
        // Counted by (topic, payload): a copy of an identical message satisfies the obligation.
        const std::string payload(reinterpret_cast<const char*>(p.payload.data()),
                                  p.payload.size());
        const auto owed = c.owed.find({topic, payload});
        if (owed != c.owed.end() && owed->second > 0) --owed->second;
        if (p.qos_level == qos::at_least_once) c.qos1_unacked.insert(p.packet_id);
        if (p.qos_level == qos::exactly_once) c.qos2_unrecd.insert(p.packet_id);
    }

    void broker_packet(conn_state& c, const packet_view<std::byte>& d) {
        if (const auto* a = std::get_if<connack_view<std::byte>>(&d)) {
            FUZZ_CHECK_MSG(!c.connected, "a second CONNACK");
            const bool ok = a->reason == reason_code::success &&
                            a->return_code == connect_return_code::accepted;
            if (ok) {
                FUZZ_CHECK_MSG(c.version.has_value(), "CONNACK 0 for a CONNECT that does not decode");
                c.connected = true;
                if (const auto assigned = a->properties.assigned_client_identifier()) {
                    c.client_id = std::string(std::string_view(*assigned));
                    subscribed_[c.client_id].insert(c.ever.begin(), c.ever.end());
                }
            }
        } else if (const auto* s = std::get_if<suback_view<std::byte>>(&d)) {
            const auto it = c.pending_subs.find(s->packet_id);
            if (it == c.pending_subs.end()) return;
            std::size_t i = 0;
            for (const auto code : s->reason_codes) {
                if (i >= it->second.size()) break;
                const auto& [filter, sub] = it->second[i++];
                const auto granted = static_cast<std::uint8_t>(code);
                if (granted >= 1 && granted <= 2 && !sub.no_local &&
                    !split_shared_subscription(filter))
                    c.in_force.insert(filter);
            }
            c.pending_subs.erase(it);
        } else if (const auto* rel = std::get_if<pubrel_view<std::byte>>(&d)) {
            c.rel_unacked.insert(rel->packet_id);
        } else if (const auto* ack = std::get_if<puback_view<std::byte>>(&d)) {
            // PUBACKs come in the order of the QoS 1 PUBLISHes the broker accepted.
            if (c.qos1_publishes.empty() || c.qos1_publishes.front().mid != ack->packet_id) return;
            const conn_state::qos1_sent sent = c.qos1_publishes.front();
            c.qos1_publishes.pop_front();
            if (static_cast<std::uint8_t>(ack->reason) >= 0x80 || sent.expiry) return;
            for (conn_state& other : conns_) {
                if (!other.live || !other.connected) continue;
                const bool matches = std::any_of(other.in_force.begin(), other.in_force.end(),
                                                 [&](const std::string& f) {
                                                     return topic_matches(f, sent.key.topic);
                                                 });
                if (matches) ++other.owed[sent.key];
            }
        }
    }

    drops_sink sink_{};
    b::broker broker_;
    b::time_point now_{};
    b::conn_id next_id_ = 1;
    std::array<conn_state, slots> conns_{};
    /** Every filter each client id ever sent in a SUBSCRIBE (check 3). */
    std::map<std::string, std::set<std::string>> subscribed_{};
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    driver d;
    std::size_t at = 0;
    while (at + 2 <= size) {
        const std::uint8_t op = data[at];
        const std::uint8_t n = data[at + 1];
        at += 2;
        const std::size_t slot = op & 3u;
        const unsigned action = (op >> 2) & 7u;
        if (action == 4) {
            d.advance(n);
            continue;
        }
        if (action == 5) {
            d.drop(slot);
            at -= 1;  // no length byte: the next record starts here
            continue;
        }
        const std::size_t len = std::min<std::size_t>(n, size - at);
        if (len > 0)
            d.send(slot, std::span(reinterpret_cast<const std::byte*>(data + at), len));
        at += len;
    }
    d.finish();
    return 0;
}
