#include "broker/log.hpp"

#include <cstdarg>
#include <cstdio>

namespace mqttwire::broker {

std::optional<std::uint32_t> parse_log_type(std::string_view name) {
    struct entry {
        std::string_view name;
        std::uint32_t bits;
    };
    static constexpr entry table[] = {
        {"none", 0},
        {"all", all_log_types},
        {"error", static_cast<std::uint32_t>(log_type::error)},
        {"warning", static_cast<std::uint32_t>(log_type::warning)},
        {"notice", static_cast<std::uint32_t>(log_type::notice)},
        {"information", static_cast<std::uint32_t>(log_type::information)},
        {"subscribe", static_cast<std::uint32_t>(log_type::subscribe)},
        {"unsubscribe", static_cast<std::uint32_t>(log_type::unsubscribe)},
        {"debug", static_cast<std::uint32_t>(log_type::debug)},
        // Accepted as mosquitto does; this broker has no websockets, so nothing is logged.
        {"websockets", 0},
    };
    for (const entry& e : table)
        if (e.name == name) return e.bits;
    return std::nullopt;
}

void logger::printf(log_type type, const char* format, ...) {
    if (!enabled(type)) return;
    va_list args;
    va_start(args, format);
    va_list again;
    va_copy(again, args);
    if (buffer_.size() < 256) buffer_.resize(256);
    int n = std::vsnprintf(buffer_.data(), buffer_.size(), format, args);
    va_end(args);
    if (n >= 0 && static_cast<std::size_t>(n) >= buffer_.size()) {
        // A topic may be 65,535 bytes: grow once to the size the first pass measured.
        buffer_.resize(static_cast<std::size_t>(n) + 1);
        n = std::vsnprintf(buffer_.data(), buffer_.size(), format, again);
    }
    va_end(again);
    if (n < 0) return;
    sink_.line(type, std::string_view(buffer_.data(), static_cast<std::size_t>(n)));
}

}  // namespace mqttwire::broker
