#pragma once
// mqttwire-broker's protocol engine, without I/O: the owner hands it connections, the bytes
// they sent and the time, and takes from it the bytes to send per connection, which
// connections to close, log lines and the next deadline. So the same object runs under the
// epoll driver (examples/mqttwire_broker.cpp) or in a test that feeds it bytes.
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>
#include <functional>

#include <mqttwire/mqttwire.hpp>

#include "broker/config.hpp"
#include "broker/connection.hpp"
#include "broker/log.hpp"
#include "broker/message.hpp"
#include "broker/retained.hpp"
#include "broker/session.hpp"
#include "broker/subscriptions.hpp"

namespace mqttwire::broker {

class broker {
public:
    broker(broker_config config, log_sink& sink);
    ~broker();
    broker(const broker&) = delete;
    broker& operator=(const broker&) = delete;

    // ---- transport ----------------------------------------------------------------------

    /** A connection was accepted from `address`:`peer_port` on the listener `listener_port`. */
    void accept(conn_id id, std::string_view address, std::uint16_t peer_port,
                std::uint16_t listener_port, time_point now);
    /** Bytes the connection sent, in order, any split. */
    void receive(conn_id id, std::span<const std::byte> bytes, time_point now);
    /**
     * The connection is gone: closed by the peer or the network (its will is published), or
     * closed by the driver after close_requested() (then only forgotten).
     */
    void closed(conn_id id, time_point now);
    /** Runs the timers: keep alive, CONNECT timeout, will delay, session expiry. */
    void tick(time_point now);
    /** When tick() has something to do next; nullopt: nothing until more input. */
    [[nodiscard]] std::optional<time_point> next_deadline() const;
    /** Ends every connection as a server shutting down (5.0: DISCONNECT 0x8B). */
    void shutdown(time_point now);

    // ---- output -------------------------------------------------------------------------

    /** Connections that got output or a close request since the last take_ready(). */
    std::vector<conn_id> take_ready();
    /** Bytes to send on `id` as one span (empty for an unknown connection): for tests. */
    [[nodiscard]] std::span<const std::byte> output(conn_id id);
    /**
     * Bytes to send on `id` as up to out.size() pieces in order, for one writev: own bytes
     * and payloads shared with other subscribers. Returns how many were filled.
     */
    std::size_t output_pieces(conn_id id, std::span<std::span<const std::byte>> out) const;
    /** `n` bytes of output(id) were written. */
    void consume_output(conn_id id, std::size_t n);
    /** The broker is done with `id`: send its output, close it, then call closed(). */
    [[nodiscard]] bool close_requested(conn_id id) const;

    // ---- state --------------------------------------------------------------------------

    [[nodiscard]] std::size_t connection_count() const { return connections_.size(); }
    [[nodiscard]] std::size_t session_count() const { return sessions_.size(); }
    [[nodiscard]] std::size_t subscription_count() const { return subscriptions_.size(); }
    [[nodiscard]] std::size_t retained_count() const { return retained_.size(); }
    [[nodiscard]] const broker_config& config() const { return config_; }

private:
    // connection.cpp: the protocol state machine of one connection.
    void handle(connection& c, std::span<const std::byte> packet, const frame& f,
                time_point now);
    void handle_connect(connection& c, std::span<const std::byte> packet, time_point now);
    void handle_publish(connection& c, std::span<const std::byte> packet, time_point now);
    void handle_puback(connection& c, std::span<const std::byte> packet, time_point now);
    void handle_pubrec(connection& c, std::span<const std::byte> packet, time_point now);
    void handle_pubrel(connection& c, std::span<const std::byte> packet, time_point now);
    void handle_pubcomp(connection& c, std::span<const std::byte> packet, time_point now);
    void handle_subscribe(connection& c, std::span<const std::byte> packet, time_point now);
    void handle_unsubscribe(connection& c, std::span<const std::byte> packet, time_point now);
    void handle_pingreq(connection& c, std::span<const std::byte> packet, time_point now);
    void handle_disconnect(connection& c, std::span<const std::byte> packet, time_point now);
    /** The client broke the protocol: log it, 5.0 DISCONNECT with `reason`, close. */
    void fail(connection& c, const mqttwire::error& e, time_point now,
              std::optional<reason_code> reason = std::nullopt, std::string_view detail = {});
    /** A CONNACK refusing the CONNECT (5.0: with `why` as its Reason String), then close. */
    void refuse(connection& c, protocol_version version, reason_code reason, time_point now,
                std::string_view why = {});
    /** A first packet that failed to frame or decode as CONNECT: a CONNACK refusing it where
     *  refuse_connect says so, else closed as a protocol error. */
    void bad_connect(connection& c, std::span<const std::byte> packet, const mqttwire::error& e,
                     time_point now);
    /** How the first packet is framed and decoded: before_connect, within connect_size_limit. */
    [[nodiscard]] codec_options connect_options() const;

    // broker.cpp: sessions, routing, delivery, timers.
    [[nodiscard]] codec_options encode_options(const connection& c) const;
    template <class Packet>
    bool send(connection& c, const Packet& packet);
    void mark_ready(connection& c);
    /** Ends `c`'s connection; `will`: publish (or schedule) the will, as for a lost one. */
    void close_connection(connection& c, bool will, time_point now);
    void end_session(session& s, time_point now);
    void publish_will(session& s, time_point now);
    void route(const message_ptr& m, time_point now);
    void deliver(session& s, const message_ptr& m, qos q, bool retain,
                 std::span<const std::uint32_t> identifiers, time_point now);
    /** Writes one PUBLISH to `c`; false when it cannot go to this client (too large). */
    bool write_publish(connection& c, const message_ptr& msg, qos q, bool retain,
                       std::span<const std::uint32_t> identifiers, std::uint16_t mid, bool dup,
                       time_point now);
    bool write_publish(connection& c, const queued_message& q, std::uint16_t mid, bool dup,
                       time_point now) {
        return write_publish(c, q.msg, q.qos_level, q.retain, q.identifiers, mid, dup, now);
    }
    /** Sends queued messages while the in-flight window allows. */
    void pump(session& s, time_point now);
    void resume(session& s, time_point now);
    [[nodiscard]] std::size_t inflight_limit(const connection& c) const;
    bool enqueue(session& s, queued_message q);
    std::string assign_client_id();

    broker_config config_;
    logger log_;
    // Connections in the map's nodes (stable addresses, one allocation each); sessions by a
    // view of their own client_id, which is not stored twice.
    std::unordered_map<conn_id, connection> connections_{};
    std::unordered_map<std::string_view, std::unique_ptr<session>> sessions_{};
    subscription_tree subscriptions_{};
    retained_store retained_{};
    std::vector<conn_id> ready_{};
    std::uint64_t next_serial_ = 1;
    std::mt19937_64 random_;
    /** Reused by route(): the matching subscriptions of one message, merged per session. */
    std::vector<subscriber> matches_{};
    std::vector<std::uint32_t> identifiers_{};

    /**
     * Connection timers (CONNECT timeout, keep alive) in a wheel of one-second slots, each a
     * list linked through its connections: arming, re-arming and closing are O(1) and a tick
     * looks only at the slots of the seconds that passed, never at every connection. A slot
     * holds a connection due in that second (or a multiple of the wheel's span later); a
     * look at one not due yet moves it to the slot of its real deadline, which every byte in
     * moves on (so it is not re-linked per byte, only once per keep alive).
     */
    static constexpr std::size_t wheel_slots = 256;
    [[nodiscard]] static std::int64_t second_of(time_point t);
    /** When `c` is due: its CONNECT timeout or keep alive; nullopt: never. */
    [[nodiscard]] std::optional<time_point> deadline_of(const connection& c) const;
    void arm(connection& c);
    void unlink_timer(connection& c);
    std::array<connection*, wheel_slots> wheel_{};
    std::int64_t wheel_done_ = 0;  // every slot up to this second has been looked at
    bool wheel_started_ = false;
    /** The earliest deadline left in the current second's slot by the last look at it. */
    std::optional<time_point> wheel_soonest_{};

    /** Session timers (delayed wills, expiry), rare next to connections: a min-heap. */
    struct session_timer {
        time_point when{};
        std::uint64_t serial = 0;
        std::string client_id{};
        friend bool operator>(const session_timer& a, const session_timer& b) {
            return a.when > b.when;
        }
    };
    std::vector<session_timer> session_timers_{};

    /**
     * The last forwarded message's encoded headers, one per outgoing layout (protocol
     * version, with or without a Packet Identifier, Subscription Identifiers, remaining
     * expiry): every subscriber of that layout gets a copy with its own flags and identifier
     * patched in, and its payload shared or copied (write_publish). Holding the message keeps
     * its address from being reused by another while the cache names it.
     */
    struct layout {
        protocol_version version = protocol_version::v3_1_1;
        bool with_id = false;
        std::optional<std::uint32_t> expiry{};
        std::uint16_t alias = 0;      // 5.0 Topic Alias; 0: none
        bool alias_only = false;      // the alias stands for the topic, which is left out
        std::size_t ids_at = 0, ids_count = 0;  // in layout_ids_
        std::size_t at = 0, size = 0;           // the header, in layout_bytes_
        std::size_t id_offset = 0;              // of the Packet Identifier in the header
        std::size_t total = 0;                  // header and payload
        errc error = errc::none;
    };
    message_ptr layouts_of_{};
    std::vector<layout> layouts_{};
    std::vector<std::byte> layout_bytes_{};
    std::vector<std::uint32_t> layout_ids_{};
};

// In the header: connection.cpp and broker.cpp both send packets.
template <class Packet>
bool broker::send(connection& c, const Packet& packet) {
    const codec_options opts = encode_options(c);
    const result<std::size_t> size = encoded_size(packet, opts);
    if (!size) return false;
    if (!encode(packet, opts, c.out.append(*size))) {
        c.out.unappend(*size);
        return false;
    }
    mark_ready(c);
    return true;
}

}  // namespace mqttwire::broker
