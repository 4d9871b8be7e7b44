#include "broker/config.hpp"

#include <charconv>

namespace mqttwire::broker {

namespace {

std::vector<std::string_view> tokens_of(std::string_view line) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
        const std::size_t start = i;
        while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
        if (i > start) out.push_back(line.substr(start, i - start));
    }
    return out;
}

template <class T>
bool parse_number(std::string_view text, T& value) {
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    return ec == std::errc{} && end == text.data() + text.size();
}

/** mosquitto's durations: a number and h, d, w, m or y. */
std::optional<std::uint32_t> parse_duration(std::string_view text) {
    if (text.size() < 2) return std::nullopt;
    std::uint64_t n = 0;
    if (!parse_number(text.substr(0, text.size() - 1), n)) return std::nullopt;
    std::uint64_t unit = 0;
    switch (text.back()) {
        case 'h': unit = 3600; break;
        case 'd': unit = 86400; break;
        case 'w': unit = 86400 * 7; break;
        case 'm': unit = 86400 * 30; break;
        case 'y': unit = 86400 * 365; break;
        default: return std::nullopt;
    }
    const std::uint64_t seconds = n * unit;
    if (n != 0 && seconds / n != unit) return std::nullopt;
    return seconds > 0xFFFFFFFEu ? 0xFFFFFFFEu : static_cast<std::uint32_t>(seconds);
}

}  // namespace

config_result parse_config(std::string_view text, std::string_view name, config_file& out) {
    config_result result;
    int line_number = 0;
    const auto fail = [&](std::string message) {
        result.ok = false;
        result.errors.push_back(std::move(message));
        result.errors.push_back("Error found at " + std::string(name) + ":" +
                                std::to_string(line_number) + ".");
    };
    while (!text.empty() && result.ok) {
        ++line_number;
        const std::size_t eol = text.find('\n');
        std::string_view line = text.substr(0, eol);
        text = eol == std::string_view::npos ? std::string_view{} : text.substr(eol + 1);
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
        const std::vector<std::string_view> t = tokens_of(line);
        if (t.empty() || t[0].front() == '#') continue;
        const std::string_view key = t[0];
        const std::string k(key);
        const auto empty_value = [&] {
            fail("Error: Empty " + k + " value in configuration.");
        };
        const auto invalid = [&](std::string_view what) {
            fail("Error: Invalid " + k + " value (" + std::string(what) + ").");
        };
        const auto boolean = [&](bool& value) {
            if (t.size() < 2) return empty_value();
            if (t[1] == "true" || t[1] == "1")
                value = true;
            else if (t[1] == "false" || t[1] == "0")
                value = false;
            else
                invalid(t[1]);
        };
        const auto number = [&](auto& value, std::uint64_t max) {
            if (t.size() < 2) return empty_value();
            std::uint64_t n = 0;
            if (!parse_number(t[1], n) || n > max) return invalid(t[1]);
            value = static_cast<std::remove_reference_t<decltype(value)>>(n);
        };
        broker_config& b = out.broker;
        if (key == "listener") {
            listener_config l;
            if (t.size() < 2) {
                empty_value();
            } else if (!parse_number(t[1], l.port)) {
                invalid(t[1]);
            } else {
                if (t.size() > 2) l.address = std::string(t[2]);
                out.listeners.push_back(std::move(l));
            }
        } else if (key == "protocol") {
            // Per listener, as in mosquitto: it applies to the last `listener` line.
            if (t.size() < 2) {
                empty_value();
            } else if (out.listeners.empty()) {
                fail("Error: The protocol option requires a listener to be defined first.");
            } else if (t[1] == "mqtt") {
                out.listeners.back().protocol = listener_protocol::mqtt;
            } else if (t[1] == "websockets") {
                out.listeners.back().protocol = listener_protocol::websockets;
            } else {
                invalid(t[1]);
            }
        } else if (key == "http_dir") {
            // mosquitto serves static files on a websockets listener with it; not yet here.
            fail("Error: http_dir is not supported by mqttwire-broker yet.");
        } else if (key == "allow_anonymous") {
            boolean(b.allow_anonymous);
        } else if (key == "max_keepalive") {
            number(b.max_keepalive, 65535);
        } else if (key == "max_packet_size") {
            number(b.max_packet_size, max_packet_size);
        } else if (key == "max_inflight_messages") {
            number(b.max_inflight_messages, 65535);
        } else if (key == "max_queued_messages") {
            number(b.max_queued_messages, 0xFFFFFFFFu);
        } else if (key == "max_queued_bytes") {
            number(b.max_queued_bytes, 0xFFFFFFFFFFu);
        } else if (key == "message_size_limit") {
            number(b.message_size_limit, max_remaining_length);
        } else if (key == "retain_available") {
            boolean(b.retain_available);
        } else if (key == "max_qos") {
            std::uint8_t q = 0;
            number(q, 2);
            b.max_qos = static_cast<qos>(q);
        } else if (key == "persistent_client_expiration") {
            if (t.size() < 2) {
                empty_value();
            } else if (const auto d = parse_duration(t[1])) {
                b.persistent_client_expiration = *d;
            } else {
                fail("Error: Invalid persistent_client_expiration duration in configuration.");
            }
        } else if (key == "log_type") {
            if (t.size() < 2) {
                empty_value();
            } else if (const auto bits = parse_log_type(t[1])) {
                if (!out.log_type_set) b.log_mask = 0;
                out.log_type_set = true;
                b.log_mask |= *bits;
            } else {
                fail("Error: Invalid log_type value (" + std::string(t[1]) + ").");
            }
        } else if (key == "log_dest") {
            if (t.size() < 2) {
                empty_value();
            } else if (t[1] == "stderr") {
                out.log_dest.push_back(log_destination::stderr_stream);
            } else if (t[1] == "stdout") {
                out.log_dest.push_back(log_destination::stdout_stream);
            } else if (t[1] == "none") {
                out.log_dest.push_back(log_destination::none);
            } else if (t[1] == "file") {
                if (t.size() < 3) {
                    fail("Error: Empty \"file\" log destination in configuration.");
                } else {
                    // The rest of the line, as mosquitto takes it: a path may hold spaces.
                    const std::size_t at = static_cast<std::size_t>(t[2].data() - line.data());
                    out.log_file = std::string(line.substr(at));
                    out.log_dest.push_back(log_destination::file);
                }
            } else {
                fail("Error: Invalid log_dest value (" + std::string(t[1]) + ").");
            }
        } else {
            fail("Error: Unknown configuration variable \"" + k + "\".");
        }
    }
    return result;
}

}  // namespace mqttwire::broker
