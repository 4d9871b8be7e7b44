#pragma once
// The broker's log: mosquitto's categories (log_type) and its -v wording, formatted only when
// the category is enabled, so a quiet broker pays one mask test per line it does not print.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mqttwire::broker {

/** mosquitto's log_type values, as bits of a mask. */
enum class log_type : std::uint32_t {
    error = 1u << 0,
    warning = 1u << 1,
    notice = 1u << 2,
    information = 1u << 3,
    subscribe = 1u << 4,
    unsubscribe = 1u << 5,
    debug = 1u << 6,
};

/** mosquitto's default without -v or log_type: error, warning, notice, information. */
inline constexpr std::uint32_t default_log_mask = 0x0Fu;
/** log_type all, which -v selects. */
inline constexpr std::uint32_t all_log_types = 0x7Fu;

/** The bits of a mosquitto.conf log_type value ("all", "none", "debug", ...); nullopt if unknown. */
[[nodiscard]] std::optional<std::uint32_t> parse_log_type(std::string_view name);

/** Where finished lines go (without the time prefix and without a newline). */
class log_sink {
public:
    virtual ~log_sink() = default;
    virtual void line(log_type type, std::string_view text) = 0;
};

class logger {
public:
    logger(log_sink& sink, std::uint32_t mask) : sink_(sink), mask_(mask) {}
    [[nodiscard]] bool enabled(log_type type) const {
        return (mask_ & static_cast<std::uint32_t>(type)) != 0;
    }
    void set_mask(std::uint32_t mask) { mask_ = mask; }
    /** printf-style; formatted into one reused buffer, so a line costs no allocation. */
    void printf(log_type type, const char* format, ...) __attribute__((format(printf, 3, 4)));

private:
    log_sink& sink_;
    std::uint32_t mask_;
    std::string buffer_{};
};

}  // namespace mqttwire::broker
