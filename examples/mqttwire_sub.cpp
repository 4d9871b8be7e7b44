// mqttwire-sub: mosquitto_sub (2.0) on the mqttwire client session. Connects, subscribes to
// every -t filter, prints what arrives until -C messages, -W seconds, -E, or the connection ends.
// A large message whose output shows the payload as it is (-N, %p) is printed as it arrives.
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "client/connection.hpp"
#include "client/mosquitto_text.hpp"
#include "client/session.hpp"
#include "cli/output.hpp"
#include "client_program.hpp"

namespace {

using namespace mqttwire;
using client::clock;

/** mosquitto_sub's exit status when -W runs out. */
constexpr int exit_timed_out = 27;

class subscriber final : public client::session_handler {
public:
    explicit subscriber(const cli::sub_config& config) : config_(config) {}

    void on_trace(std::string_view line) override {
        // Not inside a payload being printed: its line waits for the end of the message.
        if (streaming_ && streaming_->printed) {
            held_trace_.emplace_back(line);
            return;
        }
        std::printf("%.*s\n", static_cast<int>(line.size()), line.data());
        std::fflush(stdout);
    }

    void on_connack(const client::connack_event& e) override {
        const time_point_type now = clock::now();
        if (!e.accepted()) {
            refused_ = e.code;
            if (!config_.client.quiet) {
                const std::string_view t = client::refusal_text(config_.client.version, e.code);
                std::fprintf(stderr, "Connection error: %.*s\n", static_cast<int>(t.size()),
                             t.data());
            }
            session_->disconnect(now);
            return;
        }
        if (!config_.topics.empty()) {
            std::vector<client::subscription_request> filters;
            for (const std::string& t : config_.topics)
                filters.push_back({.topic_filter = t,
                                   .max_qos = config_.client.qos_level,
                                   .retain_as_published = config_.retain_as_published,
                                   .retain = config_.retain_handling});
            const subscribe_properties& p = config_.client.subscribe_properties;
            if (session_->subscribe(std::move(filters), now,
                                    {.subscription_identifier = p.subscription_identifier,
                                     .user_properties =
                                         client_program::owned(p.user_properties)}) == 0) {
                const std::string_view n = name(session_->last_error().code);
                std::fprintf(stderr, "Error: cannot subscribe: %.*s\n",
                             static_cast<int>(n.size()), n.data());
                failed_ = true;
                session_->disconnect(now);
                return;
            }
        }
        if (!config_.unsubscribe.empty()) session_->unsubscribe(
                config_.unsubscribe, now,
                client_program::owned(config_.client.unsubscribe_properties.user_properties));
    }

    void on_subscribed(std::uint16_t mid, std::span<const std::uint8_t> codes) override {
        if (config_.client.debug && !config_.client.quiet) {
            std::printf("Subscribed (mid: %d): %d", mid, codes.empty() ? 0 : codes[0]);
            for (std::size_t i = 1; i < codes.size(); ++i) std::printf(", %d", codes[i]);
            std::printf("\n");
            std::fflush(stdout);
        }
        bool any_granted = false;
        for (const std::uint8_t c : codes) any_granted = any_granted || c < 0x80;
        if (!any_granted) {
            if (!config_.client.quiet) std::fprintf(stderr, "All subscription requests were denied.\n");
            denied_ = true;
            session_->disconnect(clock::now());
            return;
        }
        if (config_.exit_after_subscribe) session_->disconnect(clock::now());
    }

    void on_message(const client::message_event& m) override {
        const bool retained = m.publish.retain;
        const time_point_type now = clock::now();
        if (!arrived(m.topic, retained, now)) return;
        timespec when{};
        ::clock_gettime(CLOCK_REALTIME, &when);
        cli::print_message(stdout, config_, {.topic = m.topic, .publish = m.publish}, when);
        count(now);
    }

    client::message_mode message_mode_for(const client::message_head_event& e) override {
        timespec when{};
        ::clock_gettime(CLOCK_REALTIME, &when);
        split_ = cli::stream_around_payload(config_, e.topic, e.head, when);
        return split_ ? client::message_mode::stream : client::message_mode::assemble;
    }

    void on_message_begin(const client::message_head_event& e) override {
        streaming_ = streamed{.topic = std::string(e.topic), .retained = e.head.retain};
        // --remove-retained waits for the end: a message cut short is not removed.
        if (!arrived(e.topic, e.head.retain, clock::now(), false)) {
            if (streaming_) streaming_->counted = false;  // reset if --retained-only ended it
            return;
        }
        streaming_->printed = cli::passes_random_filter(config_);
        if (streaming_->printed) std::fwrite(split_->before.data(), 1, split_->before.size(), stdout);
    }

    void on_message_data(std::span<const std::byte> chunk) override {
        if (streaming_ && streaming_->printed && split_->payload_shown)
            std::fwrite(chunk.data(), 1, chunk.size(), stdout);
    }

    void on_message_end(bool complete) override {
        const std::optional<streamed> s = std::move(streaming_);
        streaming_.reset();
        if (!s) return;
        const time_point_type now = clock::now();
        // Cut short by the connection: the broker sends a QoS 1/2 message again, whole.
        if (complete && config_.remove_retained && s->retained) remove_retained(s->topic, now);
        if (complete && s->printed) std::fwrite(split_->after.data(), 1, split_->after.size(), stdout);
        for (const std::string& line : held_trace_) std::printf("%s\n", line.c_str());
        held_trace_.clear();
        std::fflush(stdout);
        if (complete && s->counted) count(now);
    }

    void on_closed(const client::close_event& e) override { closed_ = e; }

    using time_point_type = client::time_point;

    /**
     * A message has arrived: applies --retained-only, --remove-retained (for a whole one),
     * -R and -T; true when it is printed and counted.
     */
    bool arrived(std::string_view topic, bool retained, time_point_type now, bool whole = true) {
        if (config_.retained_only && !retained) {
            session_->disconnect(now);
            return false;
        }
        if (whole && config_.remove_retained && retained) remove_retained(topic, now);
        if (config_.no_retained && retained) return false;
        for (const std::string& f : config_.filter_out)
            if (topic_matches(f, topic)) return false;
        return true;
    }

    void remove_retained(std::string_view topic, time_point_type now) {
        client::outgoing_message clear{.topic = std::string(topic),
                                       .qos_level = qos::at_least_once,
                                       .retain = true};
        session_->publish(std::move(clear), now);
    }

    void count(time_point_type now) {
        ++received_;
        if (config_.message_count != 0 && received_ >= config_.message_count)
            session_->disconnect(now);
    }

    client::session* session_ = nullptr;
    std::optional<std::uint8_t> refused_;
    std::optional<client::close_event> closed_;
    bool denied_ = false;
    bool failed_ = false;  // a request could not be encoded
    unsigned received_ = 0;

private:
    /** The streamed message being printed. */
    struct streamed {
        std::string topic{};
        bool retained = false;
        bool counted = true;   // passed --retained-only, -R and -T
        bool printed = false;  // and --random-filter
    };

    const cli::sub_config& config_;
    /** The output around the payload of the streamed message (stream_around_payload). */
    std::optional<cli::streamed_output> split_;
    std::optional<streamed> streaming_;
    std::vector<std::string> held_trace_;
};

int run(const cli::sub_config& config) {
    const cli::client_config& cc = config.client;
    const client::time_point started = clock::now();
    subscriber handler(config);
    client::session session(client_program::session_config_of(cc), handler);
    handler.session_ = &session;

    client::connection link;
    if (!client_program::open_link(cc, link)) return 1;
    std::optional<client::time_point> until;
    if (config.timeout_s != 0) until = started + std::chrono::seconds(config.timeout_s);

    // As mosquitto_sub: a connection lost (or silent past the keep alive) is opened again a
    // second later, for as long as it takes, and the subscriptions made again on CONNACK.
    auto lost = [&] {
        return handler.closed_ && (handler.closed_->cause == client::close_cause::connection_lost ||
                                   handler.closed_->cause == client::close_cause::keep_alive_timeout);
    };
    session.connect(clock::now());
    client::run_status status = link.run(session, nullptr, until);
    while (status != client::run_status::timed_out && lost()) {
        handler.closed_.reset();
        link.close();
        const client::time_point retry = clock::now() + std::chrono::seconds(1);
        if (until && *until <= retry) {
            status = client::run_status::timed_out;
            break;
        }
        ::usleep(1'000'000);
        if (!link.open(client_program::endpoint_of(cc))) {
            handler.closed_ = client::close_event{.cause = client::close_cause::connection_lost};
            continue;
        }
        session.connect(clock::now());
        status = link.run(session, nullptr, until);
    }
    if (status == client::run_status::timed_out) {
        session.disconnect(clock::now());
        link.run(session, nullptr, clock::now() + std::chrono::seconds(1));
        if (!cc.quiet) std::fprintf(stderr, "Timed out\n");
        return exit_timed_out;
    }
    if (handler.refused_) return *handler.refused_;
    if (handler.denied_ || handler.failed_) return 1;
    if (handler.closed_) {
        switch (handler.closed_->cause) {
            case client::close_cause::client_disconnect: return 0;
            case client::close_cause::protocol_error:
                client_program::print_protocol_error(*handler.closed_);
                return 1;
            case client::close_cause::server_disconnect: {
                const std::string_view t =
                    client::reason_text(static_cast<std::uint8_t>(handler.closed_->reason));
                std::fprintf(stderr, "Error: the server disconnected: %.*s\n",
                             static_cast<int>(t.size()), t.data());
                return 1;
            }
            case client::close_cause::keep_alive_timeout:
                std::fprintf(stderr, "Error: the server did not answer within the keep alive.\n");
                return 1;
            default: break;
        }
    }
    if (!cc.quiet) std::fprintf(stderr, "Error: The connection was lost.\n");
    return 1;
}

}  // namespace

int main(int argc, char** argv) {
    return mqttwire::client_program::main_of<mqttwire::cli::sub_config>(
        argc, argv, "mqttwire-sub", &mqttwire::cli::parse_sub, run);
}
