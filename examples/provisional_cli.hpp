// PROVISIONAL: a small subset of examples/cli/ (being written on another branch), with the same
// names and fields, so mqttwire-pub and mqttwire-sub build and run until that branch is merged;
// then this file goes and the programs include "cli/options.hpp" and "cli/output.hpp".
#pragma once

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <mqttwire/mqttwire.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mqttwire::cli {

struct will_config {
    std::string topic{};
    std::string payload{};
    qos qos_level = qos::at_most_once;
    bool retain = false;
};

struct client_config {
    std::string host = "localhost";
    std::uint16_t port = 1883;
    std::string unix_socket{};
    std::string bind_address{};
    bool tcp_nodelay = false;
    protocol_version version = protocol_version::v3_1_1;
    std::string client_id{};
    std::uint16_t keep_alive = 60;
    bool clean_session = true;
    std::optional<std::string> username{};
    std::optional<std::string> password{};
    will_config will{};
    qos qos_level = qos::at_most_once;
    bool debug = false;
    bool quiet = false;
    std::optional<std::uint32_t> session_expiry;  // -x
};

enum class message_source : std::uint8_t { none, command_line, file, stdin_whole, stdin_lines,
                                           empty };

struct pub_config {
    client_config client;
    std::string topic{};
    message_source source = message_source::none;
    std::string message{};
    std::string file{};
    bool retain = false;
    unsigned repeat_count = 1;
    std::uint64_t repeat_delay_us = 0;
};

struct sub_config {
    client_config client;
    std::vector<std::string> topics{};
    std::vector<std::string> filter_out{};
    std::vector<std::string> unsubscribe{};
    bool verbose = false;
    unsigned message_count = 0;
    bool end_of_line = true;
    bool no_retained = false;
    bool exit_after_subscribe = false;
    unsigned timeout_s = 0;
    bool retained_only = false;
    bool remove_retained = false;
    mqttwire::retain_handling retain_handling = mqttwire::retain_handling::send_on_subscribe;
};

template <class Config>
struct parsed {
    bool run = false;
    Config config{};
    std::string out{};
    std::string err{};
    int exit_status = 0;
};

namespace provisional {

inline std::optional<protocol_version> version_of(std::string_view v) {
    if (v == "31" || v == "mqttv31") return protocol_version::v3_1;
    if (v == "311" || v == "mqttv311") return protocol_version::v3_1_1;
    if (v == "5" || v == "mqttv5") return protocol_version::v5;
    return std::nullopt;
}

inline std::string random_id() {
    static constexpr char alphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    std::srand(static_cast<unsigned>(std::time(nullptr)) ^ static_cast<unsigned>(std::clock()));
    std::string id = "mosq-";
    for (int i = 0; i < 17; ++i) id += alphabet[std::rand() % 62];
    return id;
}

/** The flags both programs take; returns false (with `err`) if `args[i]` is one it rejects. */
inline bool common_flag(std::span<const char* const> args, std::size_t& i, client_config& c,
                        std::string& err, bool& handled) {
    handled = true;
    const std::string_view a = args[i];
    auto value = [&]() -> std::optional<std::string> {
        if (i + 1 >= args.size()) return std::nullopt;
        return std::string(args[++i]);
    };
    std::optional<std::string> v{};
    if (a == "-d" || a == "--debug") { c.debug = true; return true; }
    if (a == "--quiet") { c.quiet = true; return true; }
    if (a == "--nodelay") { c.tcp_nodelay = true; return true; }
    if (a == "-c" || a == "--disable-clean-session") { c.clean_session = false; return true; }
    const bool valued = a == "-h" || a == "-p" || a == "-i" || a == "-k" || a == "-V" ||
                        a == "-q" || a == "-u" || a == "-P" || a == "--unix" || a == "-x" ||
                        a == "--will-topic" || a == "--will-payload" || a == "--will-qos" ||
                        a == "--host" || a == "--port" || a == "--id" || a == "--keepalive" ||
                        a == "--qos" || a == "--protocol-version";
    if (a == "--will-retain") { c.will.retain = true; return true; }
    if (!valued) { handled = false; return true; }
    if (!(v = value())) { err = "Error: " + std::string(a) + " argument given but no value specified."; return false; }
    if (a == "-h" || a == "--host") c.host = *v;
    else if (a == "-p" || a == "--port") c.port = static_cast<std::uint16_t>(std::atoi(v->c_str()));
    else if (a == "-i" || a == "--id") c.client_id = *v;
    else if (a == "-k" || a == "--keepalive") {
        const int k = std::atoi(v->c_str());
        if (k < 5 || k > 65535) { err = "Error: Invalid keepalive given, it must be between 5 and 65535 inclusive."; return false; }
        c.keep_alive = static_cast<std::uint16_t>(k);
    } else if (a == "-V" || a == "--protocol-version") {
        const auto ver = version_of(*v);
        if (!ver) { err = "Error: Invalid protocol version argument given."; return false; }
        c.version = *ver;
    } else if (a == "-q" || a == "--qos") {
        const int q = std::atoi(v->c_str());
        if (q < 0 || q > 2) { err = "Error: Invalid QoS given: " + *v; return false; }
        c.qos_level = static_cast<qos>(q);
    } else if (a == "-u") c.username = *v;
    else if (a == "-P") c.password = *v;
    else if (a == "--unix") c.unix_socket = *v;
    else if (a == "-x") c.session_expiry = static_cast<std::uint32_t>(std::strtoul(v->c_str(), nullptr, 10));
    else if (a == "--will-topic") c.will.topic = *v;
    else if (a == "--will-payload") c.will.payload = *v;
    else if (a == "--will-qos") c.will.qos_level = static_cast<qos>(std::atoi(v->c_str()));
    return true;
}

inline void finish_client(client_config& c) {
    if (c.client_id.empty() && c.version == protocol_version::v3_1) c.client_id = random_id();
}

}  // namespace provisional

inline parsed<pub_config> parse_pub(std::span<const char* const> args, std::string_view program,
                                    long) {
    parsed<pub_config> r;
    pub_config& p = r.config;
    for (std::size_t i = 0; i < args.size(); ++i) {
        bool handled = false;
        if (!provisional::common_flag(args, i, p.client, r.err, handled)) {
            r.exit_status = 1;
            return r;
        }
        if (handled) continue;
        const std::string_view a = args[i];
        auto next = [&]() -> std::optional<std::string> {
            if (i + 1 >= args.size()) return std::nullopt;
            return std::string(args[++i]);
        };
        std::optional<std::string> v;
        if (a == "-r" || a == "--retain") p.retain = true;
        else if (a == "-n" || a == "--null-message") p.source = message_source::empty;
        else if (a == "-s" || a == "--stdin-file") p.source = message_source::stdin_whole;
        else if (a == "-l" || a == "--stdin-line") p.source = message_source::stdin_lines;
        else if ((a == "-t" || a == "--topic") && (v = next())) p.topic = *v;
        else if ((a == "-m" || a == "--message") && (v = next())) { p.message = *v; p.source = message_source::command_line; }
        else if ((a == "-f" || a == "--file") && (v = next())) { p.file = *v; p.source = message_source::file; }
        else if (a == "--repeat" && (v = next())) p.repeat_count = static_cast<unsigned>(std::atoi(v->c_str()));
        else if (a == "--repeat-delay" && (v = next())) p.repeat_delay_us = static_cast<std::uint64_t>(std::atof(v->c_str()) * 1e6);
        else {
            r.err = "Error: Unknown option '" + std::string(a) + "'.\nUse '" + std::string(program) + " --help' to see usage.";
            r.exit_status = 1;
            return r;
        }
    }
    if (p.topic.empty() || p.source == message_source::none) {
        r.err = "Error: Both topic and message must be supplied.\nUse '" + std::string(program) + " --help' to see usage.";
        r.exit_status = 1;
        return r;
    }
    if (detail::check_topic_name(p.topic.data(), p.topic.size(), leniency{}).code != errc::none) {
        r.err = "Error: Invalid publish topic '" + p.topic + "', does it contain '+' or '#'?\nUse '" + std::string(program) + " --help' to see usage.";
        r.exit_status = 1;
        return r;
    }
    provisional::finish_client(p.client);
    r.run = true;
    return r;
}

inline parsed<sub_config> parse_sub(std::span<const char* const> args, std::string_view program,
                                    long) {
    parsed<sub_config> r;
    sub_config& s = r.config;
    for (std::size_t i = 0; i < args.size(); ++i) {
        bool handled = false;
        if (!provisional::common_flag(args, i, s.client, r.err, handled)) {
            r.exit_status = 1;
            return r;
        }
        if (handled) continue;
        const std::string_view a = args[i];
        auto next = [&]() -> std::optional<std::string> {
            if (i + 1 >= args.size()) return std::nullopt;
            return std::string(args[++i]);
        };
        std::optional<std::string> v;
        if (a == "-v" || a == "--verbose") s.verbose = true;
        else if (a == "-N") s.end_of_line = false;
        else if (a == "-R") s.no_retained = true;
        else if (a == "-E") s.exit_after_subscribe = true;
        else if (a == "--retained-only") s.retained_only = true;
        else if (a == "--remove-retained") s.remove_retained = true;
        else if ((a == "-t" || a == "--topic") && (v = next())) s.topics.push_back(*v);
        else if (a == "-T" && (v = next())) s.filter_out.push_back(*v);
        else if (a == "-U" && (v = next())) s.unsubscribe.push_back(*v);
        else if ((a == "-C") && (v = next())) s.message_count = static_cast<unsigned>(std::atoi(v->c_str()));
        else if ((a == "-W") && (v = next())) s.timeout_s = static_cast<unsigned>(std::atoi(v->c_str()));
        else {
            r.err = "Error: Unknown option '" + std::string(a) + "'.\nUse '" + std::string(program) + " --help' to see usage.";
            r.exit_status = 1;
            return r;
        }
    }
    if (s.topics.empty() && s.unsubscribe.empty()) {
        r.err = "Error: You must specify a topic to subscribe to.\nUse '" + std::string(program) + " --help' to see usage.";
        r.exit_status = 1;
        return r;
    }
    for (const std::string& t : s.topics) {
        bool shared = false;
        if (detail::check_topic_filter(t.data(), t.size(), s.client.version, leniency{}, shared).code != errc::none) {
            r.err = "Error: Invalid subscription topic '" + t + "', are all '+' and '#' wildcards correct?\nUse '" + std::string(program) + " --help' to see usage.";
            r.exit_status = 1;
            return r;
        }
    }
    provisional::finish_client(s.client);
    r.run = true;
    return r;
}

struct received_message {
    std::string_view topic{};
    const publish_view<std::byte>& publish;
};

inline void print_message(std::FILE* out, const sub_config& cfg, const received_message& m,
                          const timespec&) {
    const auto payload = m.publish.payload;
    if (cfg.verbose) {
        std::fprintf(out, "%.*s ", static_cast<int>(m.topic.size()), m.topic.data());
        if (payload.empty()) std::fputs("(null)", out);
    } else if (payload.empty()) {
        return;
    }
    std::fwrite(payload.data(), 1, payload.size(), out);
    if (cfg.end_of_line) std::fputc('\n', out);
    std::fflush(out);
}

}  // namespace mqttwire::cli
