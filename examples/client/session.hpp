#pragma once
// The client side of one MQTT session, without I/O: bytes in, bytes out, events, a deadline.
//
// A session holds what outlives a network connection (packets in flight both ways, the packet
// identifiers in use) and runs one connection at a time over a transport it never sees. The
// owner feeds it what the socket read (`receive`), the time (`tick`), and commands (`connect`,
// `publish`, `subscribe`, `unsubscribe`, `disconnect`); it writes what to send into `output()`
// and reports what happened to a `session_handler`, synchronously, during those calls. So the
// same object runs under poll (connection.hpp), inside a broker's epoll loop, or in a test that
// hands it bytes.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mqttwire/mqttwire.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "client/payload_source.hpp"

namespace mqttwire::client {

using clock = std::chrono::steady_clock;
using time_point = clock::time_point;

/** A name/value pair the session owns (v5 User Property). */
using owned_user_property = std::pair<std::string, std::string>;

/** The will of a CONNECT. */
struct will_config {
    std::string topic{};
    std::vector<std::byte> payload{};
    qos qos_level = qos::at_most_once;
    bool retain = false;
    // 5.0 will properties.
    std::optional<std::uint32_t> will_delay_interval{};
    std::optional<std::uint32_t> message_expiry_interval{};
    std::optional<payload_format> payload_format_indicator{};
    std::optional<std::string> content_type{};
    std::optional<std::string> response_topic{};
    std::optional<std::string> correlation_data{};
    std::vector<owned_user_property> user_properties{};
};

/** What a CONNECT says; fixed for the life of the session. */
struct session_config {
    protocol_version version = protocol_version::v3_1_1;
    /** Empty: the server assigns one (3.1.1 needs clean_start for that, 3.1 forbids it). */
    std::string client_id{};
    std::uint16_t keep_alive = 60;
    bool clean_start = true;
    std::optional<std::string> user_name{};
    std::optional<std::string> password{};
    std::optional<will_config> will{};
    // 5.0 CONNECT properties; absent ones are not sent.
    std::optional<std::uint32_t> session_expiry_interval{};
    /** How many QoS 1/2 PUBLISH the server may have unacknowledged towards us. */
    std::optional<std::uint16_t> receive_maximum{};
    /** Largest packet we accept; also sent to the server. */
    std::optional<std::uint32_t> maximum_packet_size{};
    /** Topic aliases the server may use towards us (0: none). */
    std::optional<std::uint16_t> topic_alias_maximum{};
    std::optional<bool> request_response_information{};
    std::optional<bool> request_problem_information{};
    std::vector<owned_user_property> user_properties{};
    /** QoS 1/2 messages of ours unacknowledged at once, below the server's Receive Maximum. */
    std::optional<std::uint16_t> max_inflight{};
    /** Report every packet as mosquitto's -d does (session_handler::on_trace). */
    bool debug_trace = false;
    /**
     * An incoming PUBLISH larger than this many bytes is offered to the handler to stream
     * (session_handler::message_mode_for) rather than held whole.
     */
    std::size_t stream_above = std::size_t{1} << 20;
};

/** A message to publish; the session keeps a copy until it is acknowledged. */
struct outgoing_message {
    std::string topic{};
    std::vector<std::byte> payload{};
    /**
     * Set: the payload is read from here instead of `payload`, in chunks as output() drains
     * (shared, so a repeated message and its resends read the same source).
     */
    std::shared_ptr<payload_source> source{};
    qos qos_level = qos::at_most_once;
    bool retain = false;
    // 5.0 PUBLISH properties.
    std::optional<payload_format> payload_format_indicator{};
    std::optional<std::uint32_t> message_expiry_interval{};
    std::optional<std::uint16_t> topic_alias{};
    std::optional<std::string> content_type{};
    std::optional<std::string> response_topic{};
    std::optional<std::string> correlation_data{};
    std::vector<owned_user_property> user_properties{};
};

/** One filter of a SUBSCRIBE. */
struct subscription_request {
    std::string topic_filter{};
    qos max_qos = qos::at_most_once;
    bool no_local = false;
    bool retain_as_published = false;
    retain_handling retain = retain_handling::send_on_subscribe;
};

/** 5.0 SUBSCRIBE / UNSUBSCRIBE properties. */
struct subscribe_options {
    std::optional<std::uint32_t> subscription_identifier{};
    std::vector<owned_user_property> user_properties{};
};

/** Where a connection of the session stands. */
enum class session_state : std::uint8_t {
    disconnected,  // no connection: before connect(), or after the last one ended
    connecting,    // CONNECT sent, waiting for CONNACK
    connected,     // CONNACK accepted
};

/** The CONNACK, accepted or not. */
struct connack_event {
    bool session_present = false;
    /** 5.0 reason code, or the 3.x return code in the same byte (0 is success in both). */
    std::uint8_t code = 0;
    bool accepted() const { return code == 0; }
    const connack_view<std::byte>& packet;
};

/** A PUBLISH from the server, delivered once (QoS 2 when released). */
struct message_event {
    /** The Topic Name, an alias already resolved. */
    std::string_view topic{};
    const publish_view<std::byte>& publish;
};

/** The head of a large PUBLISH from the server, its payload still arriving. */
struct message_head_event {
    /** The Topic Name, an alias already resolved. */
    std::string_view topic{};
    /** Valid during the callback only. */
    const publish_head_view<std::byte>& head;
};

/** How a large PUBLISH reaches the handler. */
enum class message_mode : std::uint8_t {
    assemble,  // held whole, then on_message (as a small one)
    stream,    // on_message_begin, on_message_data per chunk as it arrives, on_message_end
};

/** Why a connection ended. */
enum class close_cause : std::uint8_t {
    client_disconnect,  // disconnect() was called and the DISCONNECT is in output()
    server_disconnect,  // the server sent DISCONNECT (5.0), `reason` holds its reason code
    connect_refused,    // CONNACK with a failure code
    keep_alive_timeout, // nothing from the server for 1.5 times the keep alive
    protocol_error,     // the server broke the protocol; `error` says how (5.0: DISCONNECT sent)
    connection_lost,    // the transport closed (told by the driver through connection_closed())
    payload_unreadable, // a payload_source failed mid-PUBLISH: the bytes announced cannot follow
};

struct close_event {
    close_cause cause = close_cause::connection_lost;
    /** 5.0: the server's DISCONNECT reason code, or the one sent for a protocol error. */
    reason_code reason = reason_code::success;
    /** For protocol_error: the codec's verdict, or a session rule broken (errc::none then). */
    mqttwire::error error{};
    /** A session rule the server broke, in words, when `error` is not the codec's. */
    std::string_view detail{};
    /** 5.0 Reason String of the server's DISCONNECT, if any (valid during the callback). */
    std::optional<std::string_view> reason_string{};
};

/** The events of a session, called during the session's own calls. */
class session_handler {
public:
    virtual ~session_handler() = default;
    virtual void on_connack(const connack_event&) {}
    virtual void on_message(const message_event&) {}
    /**
     * A PUBLISH above session_config::stream_above whose head has arrived: stream it, or hold
     * it whole for on_message (the default, for handlers that need the whole payload).
     */
    virtual message_mode message_mode_for(const message_head_event&) {
        return message_mode::assemble;
    }
    /**
     * A streamed message begins. It is delivered at receipt whatever its QoS: a QoS 2 one is
     * not held until PUBREL (MQTT 4.3.3 allows either), its identifier is, so a resend of it
     * is not delivered again.
     */
    virtual void on_message_begin(const message_head_event&) {}
    /** The next payload bytes of the streamed message, in order (valid during the call). */
    virtual void on_message_data(std::span<const std::byte> /*chunk*/) {}
    /**
     * The streamed message ended: `complete` once its payload is all here (and acknowledged),
     * false when its connection ended first (a QoS 1/2 one comes again on reconnect).
     */
    virtual void on_message_end(bool /*complete*/) {}
    /** SUBACK: the granted QoS or failure code per filter, in order. */
    virtual void on_subscribed(std::uint16_t /*mid*/, std::span<const std::uint8_t> /*codes*/) {}
    virtual void on_unsubscribed(std::uint16_t /*mid*/) {}
    /**
     * A publish is done: QoS 0 as soon as it is in output(), QoS 1 at PUBACK, QoS 2 at PUBCOMP
     * (or at a 5.0 PUBREC with a failure code). `reason` is the 5.0 reason code, else success.
     */
    virtual void on_published(std::uint16_t /*mid*/, reason_code /*reason*/) {}
    virtual void on_closed(const close_event&) {}
    /** One debug line, as mosquitto's clients print them with -d (no newline). */
    virtual void on_trace(std::string_view /*line*/) {}
};

class session {
public:
    session(session_config config, session_handler& handler);

    // ---- commands -------------------------------------------------------------------------

    /** Starts a connection: the CONNECT goes to output(). Discards the previous one's input. */
    void connect(time_point now);
    /**
     * Queues a message; it is sent once connected and, for QoS 1/2, while the server's Receive
     * Maximum allows. Returns its message id (the packet identifier for QoS 1/2), or 0 when it
     * cannot be encoded (too large for the server, invalid topic): then `last_error()` says why.
     */
    std::uint16_t publish(outgoing_message message, time_point now);
    /** Sends a SUBSCRIBE (once connected); returns its packet identifier, 0 on an encode error. */
    std::uint16_t subscribe(std::vector<subscription_request> filters, time_point now,
                            subscribe_options options = {});
    std::uint16_t unsubscribe(std::vector<std::string> filters, time_point now,
                              std::vector<owned_user_property> user_properties = {});
    /** Sends DISCONNECT and ends the connection (on_closed with client_disconnect). */
    void disconnect(time_point now, reason_code reason = normal_disconnection,
                    std::optional<std::uint32_t> session_expiry_interval = std::nullopt);

    // ---- transport --------------------------------------------------------------------------

    /** Bytes read from the transport, in order, any split. */
    void receive(std::span<const std::byte> bytes, time_point now);
    /** The transport closed under us. */
    void connection_closed();
    /** Runs the timers: PINGREQ when due, close on keep alive timeout. */
    void tick(time_point now);
    /** When tick() has something to do next; nullopt: nothing until more input or commands. */
    [[nodiscard]] std::optional<time_point> next_deadline() const;
    /**
     * Bytes to send. A streamed payload comes a chunk (stream_chunk) at a time: the next one
     * is here once the previous one is consumed.
     */
    [[nodiscard]] std::span<const std::byte> output() const {
        return std::span<const std::byte>(out_).subspan(out_sent_);
    }
    /** `n` bytes of output() were written. */
    void consume_output(std::size_t n);
    /** How much of a streamed payload output() takes in at a time (it holds under 1.25 of it). */
    static constexpr std::size_t stream_chunk = 64 * 1024;

    // ---- state ----------------------------------------------------------------------------

    [[nodiscard]] session_state state() const { return state_; }
    /** No message in flight either way and no SUBSCRIBE/UNSUBSCRIBE unanswered. */
    [[nodiscard]] bool idle() const;
    [[nodiscard]] std::size_t messages_in_flight() const { return outgoing_.size(); }
    [[nodiscard]] const session_config& config() const { return config_; }
    /** The client id in force: the configured one, or the server's Assigned Client Identifier. */
    [[nodiscard]] const std::string& client_id() const { return client_id_; }
    [[nodiscard]] protocol_version version() const { return config_.version; }
    /** Why the last publish/subscribe/unsubscribe returned 0. */
    [[nodiscard]] const mqttwire::error& last_error() const { return last_error_; }
    /** The keep alive in force (5.0: the server's Server Keep Alive wins). */
    [[nodiscard]] std::uint16_t keep_alive() const { return keep_alive_; }

private:
    enum class outgoing_step : std::uint8_t { unsent, awaiting_puback, awaiting_pubrec,
                                              awaiting_pubcomp };
    struct outgoing_entry {
        std::uint16_t mid = 0;
        outgoing_message message{};
        outgoing_step step = outgoing_step::unsent;
        bool sent_before = false;  // DUP on resend
        bool resend = false;       // in flight when the connection ended: sent again first
    };
    struct pending_request {
        std::uint16_t mid = 0;
        bool subscribe = true;
        std::vector<subscription_request> filters{};
        std::vector<std::string> topic_filters{};
        subscribe_options options{};
        std::vector<owned_user_property> user_properties{};
        bool sent = false;
    };
    /** A QoS 2 message received, kept until PUBREL releases it. */
    struct held_message {
        std::string topic{};
        std::vector<std::byte> packet{};
        bool delivered = false;  // streamed: delivered at receipt, only its identifier held
    };
    /** The payload of a PUBLISH of ours being pulled into output(). */
    struct outgoing_stream {
        std::shared_ptr<payload_source> source{};
        std::size_t offset = 0;
        std::size_t size = 0;
    };
    /** An incoming PUBLISH whose payload is being passed on as it arrives. */
    struct incoming_stream {
        std::size_t remaining = 0;
        qos qos_level = qos::at_most_once;
        std::uint16_t packet_id = 0;
        bool deliver = true;  // false: a resend of a QoS 2 message already delivered
    };

    [[nodiscard]] codec_options decode_options() const;
    [[nodiscard]] codec_options encode_options() const;
    template <class Packet>
    bool send(const Packet& packet, time_point now);
    void send_publish(outgoing_entry& entry, time_point now);
    /** The header of a PUBLISH whose payload `source` gives; the payload follows via pump(). */
    bool send_streamed(const publish_packet& p, const std::shared_ptr<payload_source>& source,
                       time_point now);
    /** Numbers a SUBSCRIBE or UNSUBSCRIBE and sends it if connected; 0 when it cannot. */
    std::uint16_t queue_request(pending_request request, time_point now);
    void send_request(pending_request& request, time_point now);
    void send_ready(time_point now);
    /** Sends again what was in flight, in order; false while a stream holds the rest back. */
    bool send_resends(time_point now);
    [[nodiscard]] std::size_t unacknowledged() const;
    std::uint16_t allocate_mid();
    [[nodiscard]] bool mid_in_use(std::uint16_t mid) const;

    /** Room for the next packet: output(), or behind the payload being streamed. */
    std::vector<std::byte>& sink() { return stream_out_ ? queued_ : out_; }
    /** Tops output() up from the payload being streamed; the packets queued follow it. */
    void pump();
    enum class stream_start : std::uint8_t { started, incomplete, assemble, failed };
    /** Offers the large PUBLISH at the front of `rest` (a prefix of it) to the handler. */
    stream_start begin_stream(std::span<const std::byte> rest, time_point now,
                              std::size_t& head_size);
    /** Passes on payload bytes of the incoming stream; returns how many it took. */
    std::size_t stream_in(std::span<const std::byte> bytes, time_point now);
    void end_stream_in(time_point now);
    /** Resolves a Topic Alias (5.0); nullopt when the server broke a rule (fail() called). */
    std::optional<std::string> resolve_topic(const publish_head_view<std::byte>& head,
                                             time_point now);
    void handle(std::span<const std::byte> packet, const frame& f, time_point now);
    void handle_connack(std::span<const std::byte> packet, time_point now);
    void handle_publish(std::span<const std::byte> packet, time_point now);
    void deliver(std::string_view topic, std::span<const std::byte> packet);
    template <class View>
    void handle_ack(const View& ack, time_point now);
    void handle_suback(std::span<const std::byte> packet, bool subscribe);
    void handle_disconnect(std::span<const std::byte> packet);
    /** The server broke the protocol: 5.0 DISCONNECT with the reason first, then close. */
    void fail(const mqttwire::error& e, time_point now, std::string_view detail = {},
              std::optional<reason_code> reason = std::nullopt);
    void close(const close_event& event);
    void trace(const char* format, ...) __attribute__((format(printf, 2, 3)));
    [[nodiscard]] const char* trace_id() const;

    session_config config_;
    session_handler& handler_;
    std::string client_id_{};
    session_state state_ = session_state::disconnected;

    // Session state: survives reconnects unless clean start.
    std::deque<outgoing_entry> outgoing_{};
    std::deque<pending_request> requests_{};
    std::map<std::uint16_t, held_message> incoming_qos2_;
    std::uint16_t last_mid_ = 0;
    /** Counts connect() calls: a loop that called the handler stops if it started a new one. */
    std::uint64_t generation_ = 0;

    // Connection state.
    std::vector<std::byte> in_{};
    std::vector<std::byte> out_{};
    std::size_t out_sent_ = 0;
    std::optional<outgoing_stream> stream_out_{};
    /** Packets to send once the streamed payload is all in output(). */
    std::vector<std::byte> queued_{};
    /** Bytes of a stream went out since the last tick: the connection is not idle. */
    bool stream_moved_ = false;
    /** A stream ended with messages still waiting: tick() sends them. */
    bool send_pending_ = false;
    std::optional<incoming_stream> stream_in_{};
    /** The PUBLISH at the front of in_ was offered and is to be held whole. */
    bool assembling_ = false;
    std::map<std::uint16_t, std::string> topic_aliases_{};
    std::uint16_t server_receive_maximum_ = 65535;
    std::uint16_t server_topic_alias_maximum_ = 0;
    /** Topic Aliases we set on this connection: later messages to that topic send the alias. */
    std::map<std::uint16_t, std::string> sent_aliases_{};
    std::uint32_t server_maximum_packet_size_ = max_packet_size;
    std::uint16_t keep_alive_ = 0;
    time_point last_in_{};
    time_point last_out_{};
    std::optional<time_point> ping_sent_{};
    mqttwire::error last_error_{};
};

}  // namespace mqttwire::client
