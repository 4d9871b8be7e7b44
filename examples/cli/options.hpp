// The command lines of mqttwire-pub and mqttwire-sub: mosquitto_pub's and mosquitto_sub's (2.0)
// flags, defaults, validation and error messages, parsed into configurations the client
// programs run from. Nothing here touches the network or the file system.
#pragma once

#include <cstdint>
#include <deque>
#include <mqttwire/packet/ranges.hpp>
#include <mqttwire/properties/property_set.hpp>
#include <mqttwire/protocol.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mqttwire::cli {

/** The Will of CONNECT (--will-topic and friends, -D will ...). */
struct will_config {
    std::string topic;    // empty: no Will
    std::string payload;  // --will-payload; empty when not given (a zero-length Will)
    mqttwire::qos qos_level = mqttwire::qos::at_most_once;
    bool retain = false;
};

/**
 * What pub and sub share: the connection, the session, the Will, and the 5.0 properties of
 * every packet a client sends. The property structs view strings this configuration owns, so
 * it moves but does not copy.
 */
struct client_config {
    client_config() = default;
    client_config(const client_config&) = delete;
    client_config& operator=(const client_config&) = delete;
    client_config(client_config&&) = default;
    client_config& operator=(client_config&&) = default;
    ~client_config() = default;

    // Where to connect.
    std::string host = "localhost";  // -h, -L
    std::uint16_t port = 1883;       // -p, -L (TLS ports do not apply: no TLS yet)
    std::string unix_socket;         // --unix: a socket path instead of host and port
    std::string bind_address;        // -A
    bool tcp_nodelay = false;        // --nodelay

    // CONNECT.
    mqttwire::protocol_version version = mqttwire::protocol_version::v3_1_1;  // -V, -D
    /**
     * The Client Identifier to send, resolved: -i as given; -I prefix and the process id; for
     * 3.1 without either, "mosq-" and 17 random letters and digits (3.1 servers refuse an
     * empty one); otherwise empty, for the server to assign.
     */
    std::string client_id;
    bool client_id_given = false;         // -i
    std::string client_id_prefix;         // -I, kept for messages and the -d trace
    std::uint16_t keep_alive = 60;        // -k, 5..65535
    bool clean_session = true;            // -c clears it
    std::optional<std::string> username;  // -u, -L
    std::optional<std::string> password;  // -P, -L
    will_config will;

    // Behaviour.
    mqttwire::qos qos_level = mqttwire::qos::at_most_once;  // -q
    unsigned max_inflight = 20;                             // -M
    bool debug = false;                                     // -d
    bool quiet = false;                                     // --quiet

    // 5.0 properties (-D command name value, and -x, -c for the Session Expiry Interval).
    mqttwire::connect_properties connect_properties{};
    mqttwire::will_properties will_properties{};
    mqttwire::publish_properties publish_properties{};
    mqttwire::subscribe_properties subscribe_properties{};
    mqttwire::unsubscribe_properties unsubscribe_properties{};
    mqttwire::disconnect_properties disconnect_properties{};
    /** -D publish topic-alias: the first PUBLISH carries the topic, later ones only the alias. */
    bool publish_topic_alias = false;

    /** Owns what the property structs view; a deque, so growing it moves nothing. */
    struct property_storage {
        std::deque<std::string> texts;
        std::vector<mqttwire::user_property> connect_user, will_user, publish_user, subscribe_user,
            unsubscribe_user, disconnect_user;
    } storage;
};

/** Where mqttwire-pub's payload comes from (-m, -f, -s, -l, -n). */
enum class message_source : std::uint8_t {
    none,
    command_line,  // -m
    file,          // -f: read (and streamed) by the program
    stdin_whole,   // -s
    stdin_lines,   // -l: one message per line
    empty,         // -n
};

struct pub_config {
    client_config client;
    std::string topic;  // -t, -L
    message_source source = message_source::none;
    std::string message;                // -m
    std::string file;                   // -f
    bool retain = false;                // -r
    unsigned repeat_count = 1;          // --repeat
    std::uint64_t repeat_delay_us = 0;  // --repeat-delay, in microseconds
};

struct sub_config {
    client_config client;
    std::vector<std::string> topics;       // -t (and -L), in order
    std::vector<std::string> filter_out;   // -T
    std::vector<std::string> unsubscribe;  // -U
    bool verbose = false;                  // -v
    unsigned message_count = 0;            // -C; 0: no limit
    bool end_of_line = true;               // -N clears it
    bool no_retained = false;              // -R: skip messages with the retain flag
    bool exit_after_subscribe = false;     // -E
    unsigned timeout_s = 0;                // -W; 0: none (exit status 27 when it fires)
    std::optional<std::string> format;     // -F, validated
    bool pretty = false;                   // --pretty
    bool retained_only = false;            // --retained-only
    bool remove_retained = false;          // --remove-retained
    /** --random-filter in tenths of a percent: 1..10000; 10000 prints every message. */
    unsigned random_filter = 10000;
    bool retain_as_published = false;  // --retain-as-published
    /** The 5.0 Retain Handling of every subscription: -R asks for no retained messages. */
    mqttwire::retain_handling retain_handling = mqttwire::retain_handling::send_on_subscribe;
};

/**
 * The result of parsing: run with `config`, or print `out` (stdout) and `err` (stderr) and exit
 * with `exit_status`. mosquitto's wording is kept where a script may read it, with the
 * program's own name in "Use 'NAME --help' to see usage.".
 */
template <class Config>
struct parsed {
    bool run = false;
    Config config{};
    std::string out;
    std::string err;
    int exit_status = 0;
};

/**
 * Parses `args` (argv without argv[0]). `program` names the program in messages and help;
 * `process_id` builds an -I client id (mosquitto appends getpid()).
 */
[[nodiscard]] parsed<pub_config> parse_pub(std::span<const char* const> args,
                                           std::string_view program, long process_id);
[[nodiscard]] parsed<sub_config> parse_sub(std::span<const char* const> args,
                                           std::string_view program, long process_id);

/** --help text (stdout, exit status 1 as mosquitto's). */
[[nodiscard]] std::string pub_usage(std::string_view program);
[[nodiscard]] std::string sub_usage(std::string_view program);

}  // namespace mqttwire::cli
