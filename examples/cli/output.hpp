// What mqttwire-sub prints for each message, byte for byte as mosquitto_sub 2.0 prints it: the
// payload, -v, -N, and every -F conversion.
#pragma once

#include <cstddef>
#include <cstdio>
#include <ctime>
#include <mqttwire/packet/publish.hpp>
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

/** Why -F would refuse `format`, in mosquitto's words; empty when it is valid. */
[[nodiscard]] std::string format_error(std::string_view format);

}  // namespace mqttwire::cli
