#pragma once
// Many MQTT clients in one epoll loop, each a mqttwire::client::session over a non-blocking
// loopback socket: the load generator of broker_load.cpp. The sessions do all of MQTT; this
// file only moves bytes and counts what the handlers see.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "client/session.hpp"

namespace mqttwire::load {

using client::clock;
using client::time_point;

/** What the clients of one run saw. */
struct load_stats {
    bool measuring = false;
    /** Messages received by subscribers, ever and within the measured window. */
    std::uint64_t received = 0;
    std::uint64_t received_measured = 0;
    /** Publishes done (QoS 0: handed to the socket buffer, QoS 1: PUBACK). */
    std::uint64_t published_done = 0;
    /** Publish-to-receive latency of each message received in the window, microseconds. */
    std::vector<std::uint32_t> latency_us{};
    /** Per publisher index (payload bytes 8..11): messages received from it. */
    std::vector<std::uint64_t> received_from{};
};

/** The first bytes of every load payload: when it was published and by whom. */
struct payload_stamp {
    static constexpr std::size_t size = 12;
    std::uint64_t sent_ns = 0;
    std::uint32_t publisher = 0;
};

class load_client final : public client::session_handler {
public:
    load_client(client::session_config config, load_stats& stats)
        : session(std::move(config), *this), stats_(stats) {}

    void on_connack(const client::connack_event& e) override {
        connack_ok = e.accepted();
        answered = true;
    }
    void on_subscribed(std::uint16_t, std::span<const std::uint8_t>) override { ++subacks; }
    void on_message(const client::message_event& e) override;
    void on_published(std::uint16_t, reason_code) override { ++stats_.published_done; }
    void on_closed(const client::close_event&) override { closed = true; }

    client::session session;
    int fd = -1;
    bool connecting = true;   // the TCP connect has not completed
    bool want_out = false;    // EPOLLOUT registered: output() did not fit the socket
    bool answered = false;    // CONNACK received
    bool connack_ok = false;
    bool closed = false;
    unsigned subacks = 0;

private:
    load_stats& stats_;
};

class client_pool {
public:
    explicit client_pool(std::uint16_t port);
    client_pool(const client_pool&) = delete;
    client_pool& operator=(const client_pool&) = delete;
    ~client_pool();

    load_client& add(client::session_config config, load_stats& stats);
    [[nodiscard]] std::size_t size() const { return clients_.size(); }
    [[nodiscard]] load_client& at(std::size_t i) { return *clients_[i]; }

    /**
     * Opens every client's socket (at most `batch` TCP handshakes pending at once, so the
     * broker's listen backlog is not overrun), sends CONNECT and waits for every CONNACK.
     * False with error() set when one is refused, fails or `timeout` passes.
     */
    bool connect_all(std::chrono::milliseconds timeout, std::size_t batch = 256);
    /** Serves the sockets until `done()` or `deadline`; returns done(). */
    bool run_until(const std::function<bool()>& done, time_point deadline);
    /** One epoll round: waits up to `timeout_ms` for readiness, reads, writes. */
    void poll_once(int timeout_ms);
    /** Writes what `c` has to send; the rest waits for EPOLLOUT. */
    void flush(load_client& c);
    /** DISCONNECT from every client, written, then every socket closed. */
    void disconnect_all();

    [[nodiscard]] const std::string& error() const { return error_; }

private:
    bool open_socket(load_client& c);
    void watch(load_client& c, bool out);
    void handle(load_client& c, std::uint32_t events);
    void lost(load_client& c);

    std::uint16_t port_;
    int epoll_fd_ = -1;
    std::vector<std::unique_ptr<load_client>> clients_{};
    std::vector<std::byte> read_buffer_ = std::vector<std::byte>(256 * 1024);
    time_point last_tick_{};
    std::string error_{};
};

}  // namespace mqttwire::load
