#pragma once
// One network connection as the protocol engine sees it: where it stands (waiting for CONNECT,
// connected, closing), the bytes not framed yet, the bytes to send, and what its CONNECT
// negotiated.
#include <cstdint>
#include <string>
#include <vector>

#include "broker/message.hpp"
#include "broker/output.hpp"
#include "broker/small_map.hpp"

namespace mqttwire::broker {

class session;
using conn_id = std::uint64_t;

struct connection {
    enum class state : std::uint8_t { awaiting_connect, connected, closing };

    conn_id id = 0;
    std::string address{};
    std::uint16_t peer_port = 0;
    std::uint16_t listener_port = 0;
    state at = state::awaiting_connect;
    protocol_version version = protocol_version::v3_1_1;
    session* sess = nullptr;
    /** The client id as logged; "<unknown>" before CONNECT, as mosquitto prints it. */
    std::string name = "<unknown>";

    std::vector<std::byte> in{};
    output_queue out{};
    /** Already listed in broker::ready(). */
    bool listed = false;
    /** In the broker's timer wheel: the slot's list, linked through the connection. */
    bool timed = false;
    std::uint8_t timer_slot = 0;
    connection* timer_prev = nullptr;
    connection* timer_next = nullptr;

    time_point accepted{};
    time_point last_in{};
    std::uint16_t keep_alive = 0;

    // What the client's 5.0 CONNECT asked of us.
    std::uint16_t receive_maximum = 65535;
    std::uint32_t maximum_packet_size = max_packet_size;
    /** Topic Aliases the client set towards us (5.0), by alias. */
    small_map<std::uint16_t, std::string> aliases{};

    [[nodiscard]] std::size_t pending_output() const { return out.pending(); }
};

}  // namespace mqttwire::broker
