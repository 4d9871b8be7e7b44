// The texts a test expects from an error (name(), message(), error::statement) depend on
// MQTTWIRE_NO_ERROR_TEXT (error.hpp), which CI's -Os stage defines for the whole program: there
// every text is empty, so a test compares with error_text("MQTT-3.3.1-4") and, built either
// way, still fails on a wrong text; the errc, offset and reason code are compared as they are.
#pragma once

#include <mqttwire/mqttwire.hpp>
#include <string>
#include <string_view>

namespace mqttwire_test {

/** False when the texts are compiled out. */
#ifdef MQTTWIRE_NO_ERROR_TEXT
inline constexpr bool has_error_text = false;
#else
inline constexpr bool has_error_text = true;
#endif

/** `expected` in the default build; empty when the texts are compiled out. */
constexpr std::string_view error_text(std::string_view expected) {
    return has_error_text ? expected : std::string_view{};
}

/** name(code), or "errc N" when the names are compiled out, for failure messages. */
inline std::string code_name(mqttwire::errc code) {
    const std::string_view n = mqttwire::name(code);
    if (!n.empty()) return std::string(n);
    return "errc " + std::to_string(static_cast<unsigned>(code));
}

}  // namespace mqttwire_test
