#pragma once
// The broker's settings and the mosquitto.conf subset that sets them.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <mqttwire/mqttwire.hpp>

#include "broker/log.hpp"

namespace mqttwire::broker {

/** What the protocol engine obeys (no sockets here: listeners are the driver's). */
struct broker_config {
    bool allow_anonymous = true;
    /** Largest keep alive granted; 0 is no limit (mosquitto's default is 65535). */
    std::uint16_t max_keepalive = 65535;
    /** Largest packet accepted from a client, 0: no limit beyond the protocol's. */
    std::uint32_t max_packet_size = 0;
    /** QoS 1/2 messages in flight to one client; 0: no limit but the client's Receive Maximum. */
    std::uint16_t max_inflight_messages = 20;
    /** Messages queued per client beyond those in flight; 0: no limit. */
    std::size_t max_queued_messages = 1000;
    /** Payload bytes queued per client; 0: no limit. */
    std::size_t max_queued_bytes = 0;
    /** Largest payload accepted; 0: no limit. */
    std::uint32_t message_size_limit = 0;
    bool retain_available = true;
    qos max_qos = qos::exactly_once;
    /** Seconds a persistent 3.x session (or a 5.0 one that never expires) lives offline. */
    std::optional<std::uint32_t> persistent_client_expiration{};
    /** Topic Aliases a 5.0 client may use towards us (mosquitto's max_topic_alias default). */
    std::uint16_t max_topic_alias = 10;
    /** A connection that sends no CONNECT is closed after this long. */
    std::chrono::seconds connect_timeout{10};
    /** Seeds the assigned client identifiers. */
    std::uint64_t seed = 0;
    std::uint32_t log_mask = default_log_mask;
};

/** What a listener speaks: mosquitto's `protocol` option (mqtt by default). */
enum class listener_protocol : std::uint8_t { mqtt, websockets };

struct listener_config {
    std::uint16_t port = 1883;
    /** Empty: every address. */
    std::string address{};
    listener_protocol protocol = listener_protocol::mqtt;
};

enum class log_destination : std::uint8_t { stderr_stream, stdout_stream, file, none };

/** A parsed configuration file. */
struct config_file {
    broker_config broker{};
    std::vector<listener_config> listeners{};
    /** log_type lines seen: they replace the default mask. */
    bool log_type_set = false;
    std::vector<log_destination> log_dest{};
    std::string log_file{};
};

struct config_result {
    bool ok = true;
    /** mosquitto's wording of the problem, one line per entry. */
    std::vector<std::string> errors{};
};

/**
 * Reads mosquitto.conf text (`name` is the file name for messages) into `out`. An unknown
 * option or a bad value is an error naming its line, in mosquitto's words.
 */
config_result parse_config(std::string_view text, std::string_view name, config_file& out);

}  // namespace mqttwire::broker
