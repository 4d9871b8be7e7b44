// What mqttwire-pub and mqttwire-sub share beyond the session library: turning the parsed
// command line into a session and an endpoint, and mosquitto's wording of their failures.
#pragma once

#include <cstdio>
#include <string>

#include "client/connection.hpp"
#include "client/session.hpp"
#include "provisional_cli.hpp"

namespace mqttwire::client_program {

inline client::session_config session_config_of(const cli::client_config& c) {
    client::session_config s;
    s.version = c.version;
    s.client_id = c.client_id;
    s.keep_alive = c.keep_alive;
    s.clean_start = c.clean_session;
    s.user_name = c.username;
    s.password = c.password;
    s.debug_trace = c.debug;
    if (!c.will.topic.empty()) {
        client::will_config w;
        w.topic = c.will.topic;
        const auto payload = std::as_bytes(std::span(c.will.payload));
        w.payload.assign(payload.begin(), payload.end());
        w.qos_level = c.will.qos_level;
        w.retain = c.will.retain;
        s.will = std::move(w);
    }
    if (c.version == protocol_version::v5) {
        // mosquitto: -c without -x keeps the session forever after the connection.
        s.session_expiry_interval = c.session_expiry;
        if (!c.clean_session && !s.session_expiry_interval) s.session_expiry_interval = 0xFFFFFFFFu;
    }
    return s;
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

}  // namespace mqttwire::client_program
