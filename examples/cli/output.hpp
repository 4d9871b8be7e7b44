// What mqttwire-sub prints for each message, byte for byte as mosquitto_sub 2.0 prints it: the
// payload, -v, -N, and every -F conversion.
#pragma once

#include <cstddef>
#include <cstdio>
#include <ctime>
#include <mqttwire/packet/publish.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "options.hpp"

namespace mqttwire::cli {

/** A PUBLISH as the subscriber prints it. */
struct received_message {
    std::string_view topic;  // resolved through a Topic Alias
    const mqttwire::publish_view<std::byte>& publish;
};

/**
 * Writes `msg` to `out` as mosquitto_sub would with `cfg` (-F, -v, -N, --pretty,
 * --random-filter), then flushes. `received_at` (CLOCK_REALTIME) feeds the time conversions.
 * A %J payload that is not JSON is reported on stderr (unless --quiet), as mosquitto does.
 */
void print_message(std::FILE* out, const sub_config& cfg, const received_message& msg,
                   const struct timespec& received_at);

/** The same output, as a string (no --random-filter, no flush); for tests and callers that
 *  write elsewhere. Errors (a %J payload that is not JSON) go to `errors`. */
[[nodiscard]] std::string format_message(const sub_config& cfg, const received_message& msg,
                                         const struct timespec& received_at,
                                         std::string* errors = nullptr);

/** The output of a message split around its payload, which goes between as received. */
struct streamed_output {
    std::string before;
    std::string after;
    bool payload_shown = false;  // false: the output does not show the payload; drop it
};

/**
 * For a payload too large to hold: what print_message would print, split around the payload,
 * from the PUBLISH head alone, when the payload appears at most once and as it is (the default
 * output, -v, or -F with one plain %p and no %x, %X, %j, %J or padded %p). nullopt otherwise:
 * hold the whole message and call print_message. The caller applies passes_random_filter.
 */
[[nodiscard]] std::optional<streamed_output> stream_around_payload(
    const sub_config& cfg, std::string_view topic,
    const mqttwire::publish_head_view<std::byte>& head, const struct timespec& received_at);

/** --random-filter's draw for one message (print_message makes it itself). */
[[nodiscard]] bool passes_random_filter(const sub_config& cfg);

/** Why -F would refuse `format`, in mosquitto's words; empty when it is valid. */
[[nodiscard]] std::string format_error(std::string_view format);

}  // namespace mqttwire::cli
