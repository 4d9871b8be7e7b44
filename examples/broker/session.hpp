#pragma once
// What outlives a network connection of one client: its subscriptions, the QoS 1/2 messages in
// flight both ways, the messages queued for it, its will and when the session ends.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "broker/message.hpp"
#include "broker/ring.hpp"
#include "broker/small_map.hpp"
#include "broker/subscriptions.hpp"

namespace mqttwire::broker {

struct connection;

/** A message for this client, not sent yet (offline, or its in-flight window is full). */
struct queued_message {
    message_ptr msg{};
    qos qos_level = qos::at_most_once;
    bool retain = false;
    /** 5.0 Subscription Identifiers of the matching subscriptions. */
    std::vector<std::uint32_t> identifiers{};
};

/** A QoS 1/2 message sent to the client and not acknowledged yet. */
struct inflight_message {
    enum class step : std::uint8_t { awaiting_puback, awaiting_pubrec, awaiting_pubcomp };
    std::uint16_t mid = 0;
    step at = step::awaiting_puback;
    queued_message message{};
};

class session {
public:
    session(std::string id, std::uint64_t number) : client_id(std::move(id)), serial(number) {}

    std::string client_id;
    /** Unique over the broker's life: No Local compares it, a pointer could be reused. */
    std::uint64_t serial;
    connection* conn = nullptr;

    /** Seconds the session outlives its connection; nullopt: forever (3.x CleanSession 0). */
    std::optional<std::uint32_t> expiry_interval{};
    /** When an offline session ends. */
    std::optional<time_point> expires{};

    /** The will of the current (or last) connection, as the PUBLISH it becomes. */
    message_ptr will{};
    std::uint32_t will_delay = 0;
    /** When a will held back by its Will Delay Interval is published. */
    std::optional<time_point> will_at{};

    // Rings, not std::deque: an idle session's queues cost no allocation (see ring.hpp).
    ring<inflight_message> inflight{};
    ring<queued_message> queue{};
    std::size_t queued_bytes = 0;
    /**
     * QoS 2 messages received and not released yet, by packet id: routed at PUBREL, as
     * mosquitto does, so a resent PUBLISH replaces the held copy and is never routed twice.
     */
    small_map<std::uint16_t, message_ptr> incoming_qos2{};
    /** (ShareName, filter) of every subscription, to remove them when the session ends. */
    std::vector<std::pair<std::string, std::string>> filters{};
    /** "Outgoing messages are being dropped" is logged once per episode, as mosquitto does. */
    bool dropping = false;

    /** The next free packet identifier: one counter, skipping those still in flight. */
    std::uint16_t next_mid() {
        for (;;) {
            last_mid_ = static_cast<std::uint16_t>(last_mid_ == 65535 ? 1 : last_mid_ + 1);
            bool used = false;
            for (const inflight_message& m : inflight) used = used || m.mid == last_mid_;
            if (!used) return last_mid_;
        }
    }

private:
    std::uint16_t last_mid_ = 0;
};

}  // namespace mqttwire::broker
