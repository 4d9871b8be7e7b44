// mqttwire-pub: mosquitto_pub (2.0) on the mqttwire client session. Connects, publishes the
// message(s) the command line names, waits until each is acknowledged, disconnects. A -f file
// is streamed from disk as the socket takes it, never held whole.
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "client/connection.hpp"
#include "client/file_payload.hpp"
#include "client/mosquitto_text.hpp"
#include "client/session.hpp"
#include "client_program.hpp"

namespace {

using namespace mqttwire;
using client::clock;

class publisher final : public client::session_handler {
public:
    explicit publisher(const cli::pub_config& config) : config_(config) {}

    void on_trace(std::string_view line) override {
        std::printf("%.*s\n", static_cast<int>(line.size()), line.data());
        std::fflush(stdout);
    }
    void on_connack(const client::connack_event& e) override {
        if (e.accepted()) return;
        refused_ = e.code;
        if (!config_.client.quiet) {
            const std::string_view text = client::refusal_text(config_.client.version, e.code);
            std::fprintf(stderr, "Connection error: %.*s\n", static_cast<int>(text.size()),
                         text.data());
        }
        session_->disconnect(clock::now());
    }
    void on_closed(const client::close_event& e) override { closed_ = e; }

    client::session* session_ = nullptr;
    std::optional<std::uint8_t> refused_;
    std::optional<client::close_event> closed_;

private:
    const cli::pub_config& config_;
};

std::optional<std::vector<std::byte>> read_stream(std::istream& in) {
    std::vector<char> data{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (in.bad()) return std::nullopt;
    const auto bytes = std::as_bytes(std::span(data));
    return std::vector<std::byte>(bytes.begin(), bytes.end());
}

/** The payload of -m, -s, -n, or -f read whole; nullopt (error printed) if unreadable. */
std::optional<std::vector<std::byte>> whole_payload(const cli::pub_config& c) {
    switch (c.source) {
        case cli::message_source::command_line: {
            const auto bytes = std::as_bytes(std::span(c.message));
            return std::vector<std::byte>(bytes.begin(), bytes.end());
        }
        case cli::message_source::file: {
            std::ifstream file(c.file, std::ios::binary);
            std::optional<std::vector<std::byte>> data;
            if (file) data = read_stream(file);
            if (!data) std::fprintf(stderr, "Error: Unable to read file \"%s\".\n", c.file.c_str());
            return data;
        }
        case cli::message_source::stdin_whole: {
            auto data = read_stream(std::cin);
            if (!data) std::fprintf(stderr, "Error: Problem reading from stdin.\n");
            return data;
        }
        default: return std::vector<std::byte>{};
    }
}

/** What one message carries: bytes in memory, or a file read as it is sent. */
struct payload {
    std::vector<std::byte> bytes{};
    std::shared_ptr<client::payload_source> source{};
};

/**
 * The payload of -m, -f, -s or -n; nullopt (with the error printed) if it cannot be read. A
 * regular file is streamed; anything else -f names (a pipe, /dev/stdin) is read whole.
 */
std::optional<payload> single_payload(const cli::pub_config& c) {
    if (c.source == cli::message_source::file) {
        if (std::shared_ptr<client::payload_source> file = client::file_payload::open(c.file)) {
            if (file->size() > max_remaining_length) {
                std::fprintf(stderr,
                             "Error: File \"%s\" is too large to publish (%zu bytes, MQTT's limit "
                             "is %u).\n",
                             c.file.c_str(), file->size(), max_remaining_length);
                return std::nullopt;
            }
            return payload{.source = std::move(file)};
        }
    }
    std::optional<std::vector<std::byte>> bytes = whole_payload(c);
    if (!bytes) return std::nullopt;
    return payload{.bytes = std::move(*bytes)};
}

int run(const cli::pub_config& config) {
    const cli::client_config& cc = config.client;
    publisher handler(config);
    client::session session(client_program::session_config_of(cc), handler);
    handler.session_ = &session;

    client::connection link;
    if (!client_program::open_link(cc, link)) return 1;
    auto ended = [&] { return session.state() == client::session_state::disconnected; };
    auto failed = [&]() -> int {
        if (handler.refused_) {
            if (!cc.quiet)
                std::fprintf(stderr, "Error: %s\n",
                             cc.version == protocol_version::v5
                                 ? "A network protocol error occurred when communicating with "
                                   "the broker."
                                 : "The connection was refused.");
            return *handler.refused_;
        }
        if (handler.closed_ && handler.closed_->cause == client::close_cause::protocol_error) {
            client_program::print_protocol_error(*handler.closed_);
        } else if (handler.closed_ &&
                   handler.closed_->cause == client::close_cause::server_disconnect) {
            const std::string_view t =
                client::reason_text(static_cast<std::uint8_t>(handler.closed_->reason));
            std::fprintf(stderr, "Error: the server disconnected: %.*s\n",
                         static_cast<int>(t.size()), t.data());
        } else if (handler.closed_ &&
                   handler.closed_->cause == client::close_cause::keep_alive_timeout) {
            std::fprintf(stderr, "Error: the server did not answer within the keep alive.\n");
        } else if (handler.closed_ &&
                   handler.closed_->cause == client::close_cause::payload_unreadable) {
            std::fprintf(stderr, "Error: Unable to read file \"%s\".\n", config.file.c_str());
        } else if (!cc.quiet) {
            std::fprintf(stderr, "Error: The connection was lost.\n");
        }
        return 1;
    };

    session.connect(clock::now());
    link.run(session, [&] { return session.state() == client::session_state::connected; });
    if (ended()) {
        link.run(session, nullptr);  // flush the DISCONNECT of a refusal
        return failed();
    }

    auto publish_one = [&](std::vector<std::byte> bytes,
                           std::shared_ptr<client::payload_source> source = {}) -> bool {
        client::outgoing_message m =
            client_program::message_of(cc, config.topic, std::move(bytes), config.retain);
        m.source = std::move(source);
        if (session.publish(std::move(m), clock::now()) == 0) {
            const std::string_view n = name(session.last_error().code);
            std::fprintf(stderr, "Error: cannot publish: %.*s\n", static_cast<int>(n.size()),
                         n.data());
            return false;
        }
        return true;
    };
    auto settle = [&] {
        link.run(session, [&] { return session.idle() && session.output().empty(); });
        return !ended();
    };

    if (config.source == cli::message_source::stdin_lines) {
        // Lines are read as they come while the connection is served (keep alive, acks), so
        // `tail -f log | mqttwire-pub -l` stays connected however slow the lines are.
        std::string pending;
        std::array<char, 65536> chunk;
        for (;;) {
            link.run_until_readable(session, STDIN_FILENO);
            if (ended()) return failed();
            const ssize_t n = ::read(STDIN_FILENO, chunk.data(), chunk.size());
            if (n < 0 && errno == EINTR) continue;
            if (n > 0) pending.append(chunk.data(), static_cast<std::size_t>(n));
            std::size_t start = 0;
            for (std::size_t nl; (nl = pending.find('\n', start)) != std::string::npos;
                 start = nl + 1) {
                const auto bytes = std::as_bytes(std::span(pending).subspan(start, nl - start));
                if (!publish_one(std::vector<std::byte>(bytes.begin(), bytes.end()))) return 1;
            }
            pending.erase(0, start);
            if (n <= 0) break;  // end of input (a last line without newline is sent too)
            link.run(session, [&] { return session.output().empty(); });
            if (ended()) return failed();
        }
        if (!pending.empty()) {
            const auto bytes = std::as_bytes(std::span(pending));
            if (!publish_one(std::vector<std::byte>(bytes.begin(), bytes.end()))) return 1;
        }
        if (!settle()) return failed();
    } else {
        const std::optional<payload> message = single_payload(config);
        if (!message) return 1;
        for (unsigned i = 0; i < config.repeat_count; ++i) {
            if (i > 0 && config.repeat_delay_us > 0) {
                const auto until = clock::now() + std::chrono::microseconds(config.repeat_delay_us);
                link.run(session, [&] { return ended(); }, until);
                if (ended()) return failed();
            }
            if (!publish_one(message->bytes, message->source)) return 1;
            if (!settle()) return failed();
        }
    }
    session.disconnect(clock::now());
    link.run(session, nullptr);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    return mqttwire::client_program::main_of<mqttwire::cli::pub_config>(
        argc, argv, "mqttwire-pub", &mqttwire::cli::parse_pub, run);
}
