#pragma once
// A message the broker holds: the bytes it arrived in (a PUBLISH, or the CONNECT of a will),
// decoded once, and forwarded from those bytes to every subscriber.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <mqttwire/mqttwire.hpp>

namespace mqttwire::broker {

using clock = std::chrono::steady_clock;
using time_point = clock::time_point;

struct message {
    /** The packet as received; `view` points into it (a vector's buffer survives a move). */
    std::vector<std::byte> bytes{};
    publish_view<std::byte> view{};
    /** The Topic Name, a 5.0 Topic Alias resolved: `view.topic_name` may be empty. */
    std::string topic{};
    /** Who published it (session serial), for No Local. */
    std::uint64_t origin = 0;
    time_point received{};
    /** From the Message Expiry Interval: the message is not delivered after it. */
    std::optional<time_point> expires{};

    [[nodiscard]] bool expired(time_point now) const { return expires && now >= *expires; }
    /** What is left of the Message Expiry Interval, for the forwarded copy (MQTT-3.3.2-6). */
    [[nodiscard]] std::optional<std::uint32_t> remaining_expiry(time_point now) const {
        if (!expires) return std::nullopt;
        const auto left = std::chrono::duration_cast<std::chrono::seconds>(*expires - now);
        return static_cast<std::uint32_t>(left.count() < 1 ? 1 : left.count());
    }
};

using message_ptr = std::shared_ptr<const message>;

}  // namespace mqttwire::broker
