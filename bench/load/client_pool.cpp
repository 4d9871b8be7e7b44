#include "client_pool.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

namespace mqttwire::load {

void load_client::on_message(const client::message_event& e) {
    ++stats_.received;
    const auto payload = e.publish.payload;
    if (payload.size() < payload_stamp::size) return;
    payload_stamp stamp;
    std::memcpy(&stamp.sent_ns, payload.data(), 8);
    std::memcpy(&stamp.publisher, payload.data() + 8, 4);
    if (stamp.publisher < stats_.received_from.size()) ++stats_.received_from[stamp.publisher];
    if (!stats_.measuring) return;
    ++stats_.received_measured;
    const auto now_ns = static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(clock::now().time_since_epoch())
            .count());
    const std::uint64_t us = now_ns > stamp.sent_ns ? (now_ns - stamp.sent_ns) / 1000 : 0;
    stats_.latency_us.push_back(us > UINT32_MAX ? UINT32_MAX : static_cast<std::uint32_t>(us));
}

client_pool::client_pool(std::uint16_t port)
    : port_(port), epoll_fd_(::epoll_create1(EPOLL_CLOEXEC)) {}

client_pool::~client_pool() {
    for (const auto& c : clients_)
        if (c->fd >= 0) ::close(c->fd);
    if (epoll_fd_ >= 0) ::close(epoll_fd_);
}

load_client& client_pool::add(client::session_config config, load_stats& stats) {
    clients_.push_back(std::make_unique<load_client>(std::move(config), stats));
    return *clients_.back();
}

bool client_pool::open_socket(load_client& c) {
    c.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c.fd < 0) {
        error_ = std::string("socket: ") + std::strerror(errno);
        return false;
    }
    // Latency is measured per message: Nagle would hold small publishes back.
    const int on = 1;
    ::setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port_);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(c.fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0 &&
        errno != EINPROGRESS) {
        error_ = std::string("connect: ") + std::strerror(errno);
        return false;
    }
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT;
    ev.data.ptr = &c;
    c.want_out = true;
    if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, c.fd, &ev) != 0) {
        error_ = std::string("epoll_ctl: ") + std::strerror(errno);
        return false;
    }
    return true;
}

void client_pool::watch(load_client& c, bool out) {
    if (c.want_out == out || c.fd < 0) return;
    epoll_event ev{};
    ev.events = EPOLLIN | (out ? EPOLLOUT : 0u);
    ev.data.ptr = &c;
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, c.fd, &ev);
    c.want_out = out;
}

void client_pool::lost(load_client& c) {
    if (c.fd < 0) return;
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, c.fd, nullptr);
    ::close(c.fd);
    c.fd = -1;
    c.closed = true;
    c.session.connection_closed();
}

void client_pool::flush(load_client& c) {
    if (c.fd < 0 || c.connecting) return;
    for (;;) {
        const std::span<const std::byte> out = c.session.output();
        if (out.empty()) break;
        const ssize_t n = ::send(c.fd, out.data(), out.size(), MSG_NOSIGNAL);
        if (n > 0) {
            c.session.consume_output(static_cast<std::size_t>(n));
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            watch(c, true);
            return;
        }
        lost(c);
        return;
    }
    watch(c, false);
}

void client_pool::handle(load_client& c, std::uint32_t events) {
    const time_point now = clock::now();
    if (c.connecting) {
        int err = 0;
        socklen_t len = sizeof err;
        if ((events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) == 0) return;
        if (::getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0) {
            error_ = std::string("connect: ") + std::strerror(err != 0 ? err : errno);
            lost(c);
            return;
        }
        c.connecting = false;
        c.session.connect(now);
        flush(c);
        return;
    }
    if (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
        for (;;) {
            const ssize_t n = ::recv(c.fd, read_buffer_.data(), read_buffer_.size(), 0);
            if (n > 0) {
                c.session.receive(std::span(read_buffer_).first(static_cast<std::size_t>(n)),
                                  now);
                if (static_cast<std::size_t>(n) < read_buffer_.size()) break;
                continue;
            }
            if (n < 0 && errno == EINTR) continue;
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
            lost(c);
            return;
        }
    }
    flush(c);
}

void client_pool::poll_once(int timeout_ms) {
    std::array<epoll_event, 512> events;
    const int n = ::epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()),
                               timeout_ms);
    for (int i = 0; i < n; ++i)
        handle(*static_cast<load_client*>(events[static_cast<std::size_t>(i)].data.ptr),
               events[static_cast<std::size_t>(i)].events);
    // Keep alive: a run is shorter than the keep alive, but a slow one must not be cut.
    const time_point now = clock::now();
    if (now - last_tick_ > std::chrono::seconds(1)) {
        last_tick_ = now;
        for (const auto& c : clients_) {
            if (c->fd < 0 || c->connecting) continue;
            c->session.tick(now);
            flush(*c);
        }
    }
}

bool client_pool::run_until(const std::function<bool()>& done, time_point deadline) {
    while (!done()) {
        if (clock::now() >= deadline) return done();
        poll_once(1);
    }
    return true;
}

bool client_pool::connect_all(std::chrono::milliseconds timeout, std::size_t batch) {
    const time_point deadline = clock::now() + timeout;
    std::size_t opened = 0;
    for (;;) {
        std::size_t answered = 0;
        for (std::size_t i = 0; i < opened; ++i) {
            const load_client& c = *clients_[i];
            if (c.answered && !c.connack_ok) {
                error_ = "the broker refused a client's CONNECT";
                return false;
            }
            if (c.closed && !c.answered) {
                if (error_.empty()) error_ = "a client's connection closed before its CONNACK";
                return false;
            }
            answered += c.answered ? 1 : 0;
        }
        if (answered == clients_.size()) return true;
        while (opened < clients_.size() && opened - answered < batch)
            if (!open_socket(*clients_[opened++])) return false;
        if (clock::now() >= deadline) {
            error_ = "not every client got its CONNACK in time";
            return false;
        }
        poll_once(5);
    }
}

void client_pool::disconnect_all() {
    const time_point now = clock::now();
    for (const auto& c : clients_) {
        if (c->fd < 0 || c->connecting) continue;
        c->session.disconnect(now);
        flush(*c);
    }
    for (const auto& c : clients_) {
        if (c->fd < 0) continue;
        ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, c->fd, nullptr);
        ::close(c->fd);
        c->fd = -1;
    }
}

}  // namespace mqttwire::load
