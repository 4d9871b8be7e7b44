#pragma once
// A POSIX transport for a client session: one non-blocking TCP or unix-domain socket driven
// with poll(), no threads. It only moves bytes and time between the socket and the session.
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "client/session.hpp"

namespace mqttwire::client {

/** Where to connect. */
struct endpoint {
    std::string host = "localhost";
    std::uint16_t port = 1883;
    /** Non-empty: connect to this unix-domain socket instead of host:port. */
    std::string unix_path{};
    /** Local address to bind before connecting (mosquitto's --bind-address); empty: any. */
    std::string bind_address{};
    /** Disable Nagle's algorithm (TCP_NODELAY). */
    bool tcp_nodelay = false;
    std::chrono::milliseconds connect_timeout{10'000};
};

/** Why run() returned. */
enum class run_status : std::uint8_t {
    done,        // the caller's condition held
    closed,      // the session ended its connection and its output is written
    timed_out,   // `until` passed
    io_error,    // the socket failed; error() says how
};

class connection {
public:
    connection() = default;
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;
    ~connection() { close(); }

    /**
     * Connects (non-blocking, bounded by the endpoint's timeout). Returns false with error()
     * set, worded as the system words it ("Connection refused").
     */
    bool open(const endpoint& where);
    void close();
    [[nodiscard]] bool is_open() const { return fd_ >= 0; }
    [[nodiscard]] int fd() const { return fd_; }
    [[nodiscard]] const std::string& error() const { return error_; }
    /** The last open() failed to resolve the host name (not to reach it). */
    [[nodiscard]] bool lookup_failed() const { return lookup_failed_; }

    /**
     * Moves bytes between the socket and `s` and runs its timers until `done()` holds, the
     * session's connection ends (and what it had to send is written), or `until` passes.
     * The transport closing under the session is told to it (connection_closed) and is
     * `closed` too.
     */
    run_status run(session& s, const std::function<bool()>& done,
                   std::optional<time_point> until = std::nullopt);
    /**
     * As run(), and also returns `done` once `watched` (another descriptor, e.g. stdin) is
     * readable or closed, so its input is read without the connection going quiet meanwhile.
     */
    run_status run_until_readable(session& s, int watched,
                                  std::optional<time_point> until = std::nullopt);

private:
    run_status loop(session& s, const std::function<bool()>& done,
                    std::optional<time_point> until, int watched);
    /** Writes what it can; false on a socket error. */
    bool flush(session& s);
    /** Reads until the socket would block; false when it closed or failed. */
    bool drain(session& s);

    int fd_ = -1;
    std::string error_{};
    bool lookup_failed_ = false;
};

}  // namespace mqttwire::client
