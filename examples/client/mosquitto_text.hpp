#pragma once
// The words mosquitto 2.0's clients use for CONNACK refusals and 5.0 reason codes, so a script
// that reads their error lines reads ours the same.
#include <cstdint>
#include <mqttwire/protocol.hpp>
#include <string_view>

namespace mqttwire::client {

/** mosquitto_connack_string(): a 3.x CONNACK return code ("Connection Refused: ..."). */
[[nodiscard]] std::string_view connack_text(std::uint8_t return_code);
/** mosquitto_reason_string(): a 5.0 reason code ("Not authorized"). */
[[nodiscard]] std::string_view reason_text(std::uint8_t reason_code);
/** The text of a CONNACK refusal in `version`: one of the two above. */
[[nodiscard]] std::string_view refusal_text(protocol_version version, std::uint8_t code);

}  // namespace mqttwire::client
