// What mqttwire-pub and mqttwire-sub share beyond the session library: turning the parsed
// command line into a session and an endpoint, and mosquitto's wording of their failures.
#pragma once

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <span>
#include <string>
#include <string_view>

#include "client/connection.hpp"
#include "client/session.hpp"
#include "cli/options.hpp"

namespace mqttwire::client_program {

inline std::vector<client::owned_user_property> owned(std::span<const user_property> list) {
    std::vector<client::owned_user_property> out;
    for (const user_property& p : list) out.emplace_back(p.name, p.value);
    return out;
}

inline std::optional<std::string> owned(std::optional<std::string_view> text) {
    if (!text) return std::nullopt;
    return std::string(*text);
}

inline std::optional<std::string> owned(const std::optional<binary_input>& data) {
    if (!data) return std::nullopt;
    const std::span<const std::byte> bytes = data->to_span();
    return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

inline client::session_config session_config_of(const cli::client_config& c) {
    client::session_config s;
    s.version = c.version;
    s.client_id = c.client_id;
    s.keep_alive = c.keep_alive;
    s.clean_start = c.clean_session;
    s.user_name = c.username;
    s.password = c.password;
    s.debug_trace = c.debug;
    s.max_inflight = static_cast<std::uint16_t>(std::min(c.max_inflight, 65535u));
    if (!c.will.topic.empty()) {
        client::will_config w;
        w.topic = c.will.topic;
        const auto payload = std::as_bytes(std::span(c.will.payload));
        w.payload.assign(payload.begin(), payload.end());
        w.qos_level = c.will.qos_level;
        w.retain = c.will.retain;
        const will_properties& p = c.will_properties;
        w.will_delay_interval = p.will_delay_interval;
        w.message_expiry_interval = p.message_expiry_interval;
        w.payload_format_indicator = p.payload_format_indicator;
        w.content_type = owned(p.content_type);
        w.response_topic = owned(p.response_topic);
        w.correlation_data = owned(p.correlation_data);
        w.user_properties = owned(p.user_properties);
        s.will = std::move(w);
    }
    const connect_properties& p = c.connect_properties;
    s.session_expiry_interval = p.session_expiry_interval;
    s.receive_maximum = p.receive_maximum;
    s.maximum_packet_size = p.maximum_packet_size;
    s.topic_alias_maximum = p.topic_alias_maximum;
    s.request_response_information = p.request_response_information;
    s.request_problem_information = p.request_problem_information;
    s.user_properties = owned(p.user_properties);
    return s;
}

/** A PUBLISH with the -D publish properties of the command line. */
inline client::outgoing_message message_of(const cli::client_config& c, std::string topic,
                                           std::vector<std::byte> payload, bool retain) {
    client::outgoing_message m;
    m.topic = std::move(topic);
    m.payload = std::move(payload);
    m.qos_level = c.qos_level;
    m.retain = retain;
    const publish_properties& p = c.publish_properties;
    m.payload_format_indicator = p.payload_format_indicator;
    m.message_expiry_interval = p.message_expiry_interval;
    m.topic_alias = p.topic_alias;
    m.content_type = owned(p.content_type);
    m.response_topic = owned(p.response_topic);
    m.correlation_data = owned(p.correlation_data);
    m.user_properties = owned(p.user_properties);
    return m;
}

inline client::endpoint endpoint_of(const cli::client_config& c) {
    return {.host = c.host,
            .port = c.port,
            .unix_path = c.unix_socket,
            .bind_address = c.bind_address,
            .tcp_nodelay = c.tcp_nodelay};
}

/** Prints why the connection could not be opened, as mosquitto's clients do. */
inline void print_open_error(const cli::client_config& c, const client::connection& conn) {
    if (c.quiet) return;
    if (conn.lookup_failed())
        std::fprintf(stderr, "Unable to connect (Lookup error.).\n");
    else
        std::fprintf(stderr, "Error: %s\n", conn.error().c_str());
}

/** Opens the connection `c` names; false, with the reason printed, when it cannot. */
inline bool open_link(const cli::client_config& c, client::connection& link) {
    if (link.open(endpoint_of(c))) return true;
    print_open_error(c, link);
    return false;
}

/** The session's one-line account of a protocol error by the server. */
inline void print_protocol_error(const client::close_event& e) {
    if (e.error.code != errc::none) {
        const std::string_view n = name(e.error.code);
        const std::string_view m = e.error.message();
        std::fprintf(stderr, "Error: malformed packet from the server: %.*s at byte %u%s%.*s%s%.*s\n",
                     static_cast<int>(n.size()), n.data(), e.error.offset,
                     m.empty() ? "" : ": ", static_cast<int>(m.size()), m.data(),
                     e.error.statement.empty() ? "" : ", ",
                     static_cast<int>(e.error.statement.size()), e.error.statement.data());
    } else {
        std::fprintf(stderr, "Error: protocol error by the server: %.*s\n",
                     static_cast<int>(e.detail.size()), e.detail.data());
    }
}

/**
 * The main() of mqttwire-pub and mqttwire-sub: `parse` argv (without argv[0]), print what the
 * parser says (help, version, refusals), then `run` the configuration.
 */
template <class Config, class Run>
int main_of(int argc, char** argv, const char* program,
            cli::parsed<Config> (*parse)(std::span<const char* const>, std::string_view, long),
            Run run) {
    const std::span<const char* const> args(argv + 1, static_cast<std::size_t>(argc - 1));
    const cli::parsed<Config> parsed = parse(args, program, static_cast<long>(::getpid()));
    if (!parsed.out.empty()) std::fputs(parsed.out.c_str(), stdout);
    if (!parsed.err.empty()) std::fprintf(stderr, "%s\n", parsed.err.c_str());
    if (!parsed.run) return parsed.exit_status;
    return run(parsed.config);
}

}  // namespace mqttwire::client_program
