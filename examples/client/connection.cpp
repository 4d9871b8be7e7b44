#include "client/connection.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

namespace mqttwire::client {

namespace {

int milliseconds_until(time_point deadline, time_point now) {
    if (deadline <= now) return 0;
    const auto ms = std::chrono::ceil<std::chrono::milliseconds>(deadline - now).count();
    return ms > 60'000 ? 60'000 : static_cast<int>(ms);
}

/** Waits for a non-blocking connect() to finish; returns 0 or the errno it failed with. */
int finish_connect(int fd, std::chrono::milliseconds timeout) {
    const time_point deadline = clock::now() + timeout;
    for (;;) {
        pollfd p{.fd = fd, .events = POLLOUT, .revents = 0};
        const int n = ::poll(&p, 1, milliseconds_until(deadline, clock::now()));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return errno;
        if (n == 0) return ETIMEDOUT;
        int err = 0;
        socklen_t len = sizeof err;
        if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) return errno;
        return err;
    }
}

int open_socket(int family) {
    return ::socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
}

}  // namespace

bool connection::open(const endpoint& where) {
    close();
    error_.clear();
    lookup_failed_ = false;
    if (!where.unix_path.empty()) {
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        if (where.unix_path.size() >= sizeof addr.sun_path) {
            error_ = "Unix socket path too long";
            return false;
        }
        std::memcpy(addr.sun_path, where.unix_path.c_str(), where.unix_path.size() + 1);
        const int fd = open_socket(AF_UNIX);
        if (fd < 0) {
            error_ = std::strerror(errno);
            return false;
        }
        int err = 0;
        if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0)
            err = errno == EINPROGRESS || errno == EAGAIN ? finish_connect(fd, where.connect_timeout)
                                                          : errno;
        if (err != 0) {
            ::close(fd);
            error_ = std::strerror(err);
            return false;
        }
        fd_ = fd;
        return true;
    }

    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    const std::string port = std::to_string(where.port);
    if (const int rc = ::getaddrinfo(where.host.c_str(), port.c_str(), &hints, &found); rc != 0) {
        error_ = ::gai_strerror(rc);
        lookup_failed_ = true;
        return false;
    }
    int last_error = ECONNREFUSED;
    for (const addrinfo* a = found; a != nullptr; a = a->ai_next) {
        const int fd = open_socket(a->ai_family);
        if (fd < 0) {
            last_error = errno;
            continue;
        }
        if (!where.bind_address.empty()) {
            addrinfo* local = nullptr;
            addrinfo bind_hints{};
            bind_hints.ai_family = a->ai_family;
            bind_hints.ai_socktype = SOCK_STREAM;
            const bool bound =
                ::getaddrinfo(where.bind_address.c_str(), nullptr, &bind_hints, &local) == 0 &&
                ::bind(fd, local->ai_addr, local->ai_addrlen) == 0;
            if (local != nullptr) ::freeaddrinfo(local);
            if (!bound) {
                last_error = errno;
                ::close(fd);
                continue;
            }
        }
        int err = 0;
        if (::connect(fd, a->ai_addr, a->ai_addrlen) != 0)
            err = errno == EINPROGRESS ? finish_connect(fd, where.connect_timeout) : errno;
        if (err != 0) {
            last_error = err;
            ::close(fd);
            continue;
        }
        if (where.tcp_nodelay) {
            const int on = 1;
            ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
        }
        fd_ = fd;
        break;
    }
    ::freeaddrinfo(found);
    if (fd_ < 0) {
        error_ = std::strerror(last_error);
        return false;
    }
    return true;
}

void connection::close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

bool connection::flush(session& s) {
    while (!s.output().empty()) {
        const std::span<const std::byte> out = s.output();
        const ssize_t n = ::send(fd_, out.data(), out.size(), MSG_NOSIGNAL);
        if (n > 0) {
            s.consume_output(static_cast<std::size_t>(n));
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
        error_ = std::strerror(errno);
        return false;
    }
    return true;
}

bool connection::drain(session& s) {
    std::array<std::byte, 65536> buffer;
    for (;;) {
        const ssize_t n = ::recv(fd_, buffer.data(), buffer.size(), 0);
        if (n > 0) {
            s.receive(std::span<const std::byte>(buffer.data(), static_cast<std::size_t>(n)),
                      clock::now());
            if (s.state() == session_state::disconnected) return true;
            continue;
        }
        if (n == 0) return false;
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) return true;
        error_ = std::strerror(errno);
        return false;
    }
}

run_status connection::run(session& s, const std::function<bool()>& done,
                           std::optional<time_point> until) {
    return loop(s, done, until, -1);
}

run_status connection::run_until_readable(session& s, int watched,
                                          std::optional<time_point> until) {
    return loop(s, nullptr, until, watched);
}

run_status connection::loop(session& s, const std::function<bool()>& done,
                            std::optional<time_point> until, int watched) {
    for (;;) {
        if (!flush(s)) {
            s.connection_closed();
            return run_status::io_error;
        }
        if (done && done()) return run_status::done;
        const bool ended = s.state() == session_state::disconnected;
        if (ended && s.output().empty()) return run_status::closed;
        time_point now = clock::now();
        if (until && now >= *until) return run_status::timed_out;

        std::optional<time_point> wake = s.next_deadline();
        if (until && (!wake || *until < *wake)) wake = until;
        pollfd fds[2] = {{.fd = fd_,
                          .events = static_cast<short>((ended ? 0 : POLLIN) |
                                                       (s.output().empty() ? 0 : POLLOUT)),
                          .revents = 0},
                         {.fd = watched, .events = POLLIN, .revents = 0}};
        pollfd& p = fds[0];
        const int n = ::poll(fds, watched >= 0 ? 2 : 1,
                             wake ? milliseconds_until(*wake, now) : 60'000);
        if (n < 0 && errno != EINTR) {
            error_ = std::strerror(errno);
            s.connection_closed();
            return run_status::io_error;
        }
        if (n > 0 && (p.revents & (POLLIN | POLLHUP | POLLERR)) != 0 && !ended) {
            if (!drain(s)) {
                s.connection_closed();
                return error_.empty() ? run_status::closed : run_status::io_error;
            }
        }
        now = clock::now();
        s.tick(now);
        if (watched >= 0 && n > 0 && fds[1].revents != 0 &&
            s.state() != session_state::disconnected)
            return run_status::done;
    }
}

}  // namespace mqttwire::client
