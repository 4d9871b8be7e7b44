// mqttwire-broker: an MQTT 3.1 / 3.1.1 / 5.0 broker run like `mosquitto -v`. One thread, one
// epoll loop, non-blocking sockets; the protocol is mqttwire_broker_core's (examples/broker/),
// which this file only feeds with bytes and the time.
//
//   mqttwire-broker [-v] [-p PORT] [-c FILE]
#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "broker/broker.hpp"
#include "broker/config.hpp"
#ifdef MQTTWIRE_BROKER_WEBSOCKET
#include "broker/websocket.hpp"
#endif

#ifndef MQTTWIRE_BROKER_VERSION
#define MQTTWIRE_BROKER_VERSION "0.0.0"
#endif

namespace {

using namespace mqttwire;
using broker::clock;
using broker::conn_id;
using broker::time_point;

constexpr const char* version = MQTTWIRE_BROKER_VERSION;

/** Lines as mosquitto writes them: "<unix seconds>: text", flushed one by one. */
class line_sink : public broker::log_sink {
public:
    void add(std::FILE* f) { files_.push_back(f); }
    void line(broker::log_type, std::string_view text) override {
        const long now = static_cast<long>(std::time(nullptr));
        for (std::FILE* f : files_) {
            std::fprintf(f, "%ld: %.*s\n", now, static_cast<int>(text.size()), text.data());
            std::fflush(f);
        }
    }

private:
    std::vector<std::FILE*> files_{};
};

void usage() {
    std::printf("mqttwire-broker version %s\n\n"
                "mqttwire-broker is an MQTT 3.1, 3.1.1 and 5.0 broker on the mqttwire codec.\n\n"
                "Usage: mqttwire-broker [-c config_file] [-p port] [-v]\n\n"
                " -c : specify the broker config file.\n"
                " -p : start the broker listening on the specified port.\n"
                "      Not recommended in conjunction with the -c option.\n"
                " -v : verbose mode - enable all logging types. This overrides\n"
                "      any logging options given in the config file.\n",
                version);
}

#ifdef MQTTWIRE_BROKER_WEBSOCKET
/**
 * The WebSocket transport of one connection: the RFC 6455 layer between the socket and the
 * engine. `wire` holds whole frames (and the handshake's answer) not yet written; the
 * broker's output is moved into it only once it is empty, so a slow reader's backlog stays
 * in the engine, where its bounds (QoS 0 dropped above 8 MiB, the queue limits) apply.
 */
struct ws_transport {
    explicit ws_transport(broker::websocket::server_options o, std::string peer)
        : server(o), peer_name(std::move(peer)) {}
    broker::websocket::server server;
    std::vector<std::byte> wire{};
    std::size_t sent = 0;
    std::vector<std::byte> mqtt{};  // MQTT bytes of one read, for the engine
    std::string peer_name;
};
#else
struct ws_transport {};
#endif

struct client_socket {
    conn_id id = 0;        // 0: the descriptor is not a client of ours
    bool writing = false;  // EPOLLOUT armed: output is waiting for the socket
    std::unique_ptr<ws_transport> ws{};  // null: plain MQTT over TCP
};

struct listen_socket {
    int fd = -1;
    std::uint16_t port = 0;
    broker::listener_protocol protocol = broker::listener_protocol::mqtt;
};

/** epoll's u64 for the signal fd and the listeners; client ids start above them. */
constexpr std::uint64_t signal_key = 0;
constexpr std::uint64_t first_client_key = std::uint64_t{1} << 32;
/**
 * A client's id carries its descriptor in the low bits (a serial above them keeps ids unique
 * when descriptors are reused), so the sockets are a vector indexed by descriptor: no
 * per-connection node, which 10,000 idle connections would each pay for.
 */
constexpr unsigned fd_bits = 24;
constexpr std::uint64_t fd_mask = (std::uint64_t{1} << fd_bits) - 1;

bool open_listener(const sockaddr* addr, socklen_t len, int family, std::uint16_t port,
                   broker::listener_protocol protocol, std::vector<listen_socket>& out,
                   std::string& error) {
    const int fd = ::socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        error = std::strerror(errno);
        return false;
    }
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    // Each address family gets its own socket, as mosquitto opens them.
    if (family == AF_INET6) ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    if (::bind(fd, addr, len) != 0 || ::listen(fd, 256) != 0) {
        error = std::strerror(errno);
        ::close(fd);
        return false;
    }
    out.push_back({fd, port, protocol});
    return true;
}

std::string peer_text(const sockaddr_storage& ss, std::uint16_t& port) {
    char text[INET6_ADDRSTRLEN] = "";
    if (ss.ss_family == AF_INET) {
        const auto* a = reinterpret_cast<const sockaddr_in*>(&ss);
        ::inet_ntop(AF_INET, &a->sin_addr, text, sizeof text);
        port = ntohs(a->sin_port);
    } else if (ss.ss_family == AF_INET6) {
        const auto* a = reinterpret_cast<const sockaddr_in6*>(&ss);
        ::inet_ntop(AF_INET6, &a->sin6_addr, text, sizeof text);
        port = ntohs(a->sin6_port);
    }
    return text;
}

class driver {
public:
    driver(broker::broker_config config, line_sink& sink)
        : broker_(config, sink), log_(sink, config.log_mask),
          // A WebSocket frame may be as large as the largest packet the broker accepts.
          max_ws_message_(config.max_packet_size != 0 ? config.max_packet_size
                                                      : mqttwire::max_packet_size) {}

    int epoll_fd = -1;
    std::vector<listen_socket> listeners{};

    int run(int signal_fd) {
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.u64 = signal_key;
        ::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, signal_fd, &ev);
        for (std::size_t i = 0; i < listeners.size(); ++i) {
            ev.data.u64 = i + 1;
            ::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, listeners[i].fd, &ev);
        }
        time_point next_tick = clock::now();
        std::vector<epoll_event> events(256);
        for (;;) {
            const time_point before = clock::now();
            const auto wait =
                std::chrono::duration_cast<std::chrono::milliseconds>(next_tick - before).count();
            // Bounded: the timers run at least once a second.
            const int timeout = static_cast<int>(std::clamp<long long>(wait, 0, 1000));
            const int n = ::epoll_wait(epoll_fd, events.data(), static_cast<int>(events.size()),
                                       timeout);
            const time_point now = clock::now();
            bool stop = false;
            for (int i = 0; i < n; ++i) {
                const epoll_event& e = events[static_cast<std::size_t>(i)];
                if (e.data.u64 == signal_key) {
                    signalfd_siginfo info{};
                    static_cast<void>(::read(signal_fd, &info, sizeof info));
                    stop = true;
                } else if (e.data.u64 < first_client_key) {
                    accept_all(listeners[e.data.u64 - 1], now);
                } else {
                    if (e.events & EPOLLOUT) flush(e.data.u64, now);
                    if (e.events & (EPOLLIN | EPOLLHUP | EPOLLERR | EPOLLRDHUP))
                        read_all(e.data.u64, now);
                }
            }
            if (stop) {
                broker_.shutdown(now);
                flush_ready(now);
                for (std::size_t fd = 0; fd < clients_.size(); ++fd)
                    if (clients_[fd].id != 0) ::close(static_cast<int>(fd));
                clients_.clear();
                return 0;
            }
            if (now >= next_tick) {
                broker_.tick(now);
                const auto deadline = broker_.next_deadline();
                next_tick = now + std::chrono::seconds(1);
                if (deadline && *deadline < next_tick)
                    next_tick = std::max(*deadline, now + std::chrono::milliseconds(10));
            }
            flush_ready(now);
            expire_closing(now);
        }
    }

private:
    void accept_all(const listen_socket& l, time_point now) {
        for (;;) {
            sockaddr_storage ss{};
            socklen_t len = sizeof ss;
            const int fd = ::accept4(l.fd, reinterpret_cast<sockaddr*>(&ss), &len,
                                     SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (fd < 0) return;  // EAGAIN, or out of descriptors: the next turn tries again
            const int one = 1;
            ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            if (static_cast<std::uint64_t>(fd) > fd_mask) {
                ::close(fd);
                continue;
            }
            const conn_id id = (next_serial_++ << fd_bits) | static_cast<std::uint64_t>(fd);
            epoll_event ev{};
            ev.events = EPOLLIN | EPOLLRDHUP;
            ev.data.u64 = id;
            if (::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev) != 0) {
                ::close(fd);
                continue;
            }
            if (clients_.size() <= static_cast<std::size_t>(fd))
                clients_.resize(static_cast<std::size_t>(fd) + 1);
            client_socket& s = clients_[static_cast<std::size_t>(fd)];
            s = {id, false, nullptr};
            std::uint16_t port = 0;
            const std::string address = peer_text(ss, port);
#ifdef MQTTWIRE_BROKER_WEBSOCKET
            if (l.protocol == broker::listener_protocol::websockets) {
                broker::websocket::server_options o;
                o.max_message = max_ws_message_;
                s.ws = std::make_unique<ws_transport>(o, address + ":" + std::to_string(port));
            }
#endif
            // The engine's CONNECT timeout runs from here, so a WebSocket handshake that
            // stalls is closed by it too.
            broker_.accept(id, address, port, l.port, now);
        }
    }

    /** The socket of `id`, or nullptr when it is gone. */
    client_socket* socket_of(conn_id id) {
        const std::size_t fd = static_cast<std::size_t>(id & fd_mask);
        return fd < clients_.size() && clients_[fd].id == id ? &clients_[fd] : nullptr;
    }
    static int fd_of(conn_id id) { return static_cast<int>(id & fd_mask); }

    void read_all(conn_id id, time_point now) {
        if (!socket_of(id)) return;
        const int fd = fd_of(id);
        for (;;) {
            if (broker_.close_requested(id)) return;
            const ssize_t n = ::read(fd, buffer_, sizeof buffer_);
            if (n > 0) {
                const std::span<const std::byte> got(buffer_, static_cast<std::size_t>(n));
#ifdef MQTTWIRE_BROKER_WEBSOCKET
                if (client_socket* s = socket_of(id); s && s->ws) {
                    if (!receive_ws(id, *s, got, now)) return;
                    continue;
                }
#endif
                broker_.receive(id, got, now);
                continue;
            }
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
            if (n < 0 && errno == EINTR) continue;
            // The peer closed, or the connection failed.
            drop(id, now);
            return;
        }
    }

    void drop(conn_id id, time_point now) {
        client_socket* s = socket_of(id);
        if (!s) return;
        *s = {};  // frees the WebSocket transport too
        ::close(fd_of(id));
        closing_.erase(id);
        broker_.closed(id, now);
    }

    /** iovecs per writev: enough to drain a turn's output of a busy subscriber at once. */
    static constexpr std::size_t max_pieces = 64;

#ifdef MQTTWIRE_BROKER_WEBSOCKET
    /** Socket bytes through the WebSocket layer; false when reading should stop (closed). */
    bool receive_ws(conn_id id, client_socket& s, std::span<const std::byte> got,
                    time_point now) {
        ws_transport& t = *s.ws;
        const bool was_open = t.server.is_open();
        t.server.receive(got, t.mqtt, t.wire);
        if (!was_open && t.server.is_open())
            log_.printf(broker::log_type::debug, "WebSocket connection from %s (%s, %s).",
                        t.peer_name.c_str(), t.server.path().c_str(),
                        t.server.subprotocol().empty() ? "no subprotocol"
                                                       : t.server.subprotocol().c_str());
        const bool closed = t.server.current() == broker::websocket::server::state::closed;
        if (!t.mqtt.empty()) {
            broker_.receive(id, t.mqtt, now);
            t.mqtt.clear();
            // Bounded: one read's worth is kept for reuse, more is given back.
            if (t.mqtt.capacity() > sizeof buffer_) t.mqtt.shrink_to_fit();
            if (closed && t.server.close_frame_offset() <= t.wire.size()) {
                // The close came in the same read as MQTT packets: the broker's answers to
                // them go out first, then the close frame (after which nothing may be sent).
                const std::size_t at = t.server.close_frame_offset();
                std::vector<std::byte> tail(t.wire.begin() + static_cast<std::ptrdiff_t>(at),
                                            t.wire.end());
                t.wire.resize(at);
                while (take_broker_frame(id, t)) {
                }
                t.wire.insert(t.wire.end(), tail.begin(), tail.end());
            }
        }
        if (closed)
            log_.printf(broker::log_type::notice, "WebSocket client %s: %s.", t.peer_name.c_str(),
                        t.server.reason().c_str());
        if (closed || t.sent < t.wire.size()) {
            // The answer (101, pong, close, HTTP error) goes out now; a peer that does not
            // read its close is dropped after a bounded wait.
            if (!flush(id, now) && closed && !closing_.contains(id))
                closing_[id] = now + std::chrono::seconds(5);
        }
        return !closed && socket_of(id) != nullptr;
    }

    /** Moves up to ws_frame_cap bytes of the broker's output for `id` into `t.wire` as one
     * binary frame; false when the broker has none. */
    bool take_broker_frame(conn_id id, ws_transport& t) {
        std::span<const std::byte> pieces[max_pieces];
        const std::size_t count = broker_.output_pieces(id, pieces);
        std::size_t total = 0;
        for (std::size_t i = 0; i < count && total < ws_frame_cap; ++i)
            total += std::min(pieces[i].size(), ws_frame_cap - total);
        if (total == 0) return false;
        broker::websocket::server::append_binary_header(total, t.wire);
        std::size_t left = total;
        for (std::size_t i = 0; i < count && left > 0; ++i) {
            const std::size_t k = std::min(pieces[i].size(), left);
            t.wire.insert(t.wire.end(), pieces[i].begin(),
                          pieces[i].begin() + static_cast<std::ptrdiff_t>(k));
            left -= k;
        }
        broker_.consume_output(id, total);
        return true;
    }

    /** flush() for a WebSocket connection: the broker's output in binary frames. */
    bool flush_ws(conn_id id, client_socket& s, time_point now) {
        ws_transport& t = *s.ws;
        const int fd = fd_of(id);
        for (;;) {
            if (t.sent == t.wire.size()) {
                t.wire.clear();
                t.sent = 0;
                if (t.wire.capacity() > ws_frame_cap) t.wire.shrink_to_fit();
                if (t.server.is_open()) {
                    if (take_broker_frame(id, t)) {
                    } else if (broker_.close_requested(id)) {
                        // The broker is done: a close frame after its last packet.
                        t.server.close(broker::websocket::close_code::normal, t.wire);
                    }
                }
                if (t.wire.empty()) break;
            }
            const ssize_t n = ::write(fd, t.wire.data() + t.sent, t.wire.size() - t.sent);
            if (n > 0) {
                t.sent += static_cast<std::size_t>(n);
                continue;
            }
            if (const std::optional<bool> done = after_failed_write(id, s, n, now)) return *done;
        }
        arm_output(id, s, false);
        // Closed (refused handshake, close frame sent or answered) and all written; or the
        // broker closed it before the handshake was done.
        if (!t.server.is_open() &&
            (t.server.current() == broker::websocket::server::state::closed ||
             broker_.close_requested(id)))
            drop(id, now);
        return true;
    }
#endif

    /**
     * After a write that moved nothing (`n` <= 0): nullopt to try again (EINTR); false when the
     * socket is full (EPOLLOUT armed); true when the connection failed and was dropped.
     */
    std::optional<bool> after_failed_write(conn_id id, client_socket& s, ssize_t n,
                                           time_point now) {
        if (n < 0 && errno == EINTR) return std::nullopt;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            arm_output(id, s, true);
            return false;
        }
        drop(id, now);
        return true;
    }

    /** EPOLLOUT on while output waits for the socket, off once it is out. */
    void arm_output(conn_id id, client_socket& s, bool on) {
        if (s.writing == on) return;
        epoll_event ev{};
        ev.events = on ? EPOLLIN | EPOLLOUT | EPOLLRDHUP : EPOLLIN | EPOLLRDHUP;
        ev.data.u64 = id;
        ::epoll_ctl(epoll_fd, EPOLL_CTL_MOD, fd_of(id), &ev);
        s.writing = on;
    }

    /** Writes what the broker has for `id`; true when it is all out. */
    bool flush(conn_id id, time_point now) {
        client_socket* found = socket_of(id);
        if (!found) return true;
        client_socket& s = *found;
#ifdef MQTTWIRE_BROKER_WEBSOCKET
        if (s.ws) return flush_ws(id, s, now);
#endif
        const int fd = fd_of(id);
        for (;;) {
            // Own bytes and shared payloads, as many pieces as one writev takes here.
            std::span<const std::byte> pieces[max_pieces];
            const std::size_t count = broker_.output_pieces(id, pieces);
            if (count == 0) break;
            iovec iov[max_pieces];
            for (std::size_t i = 0; i < count; ++i)
                iov[i] = {const_cast<std::byte*>(pieces[i].data()), pieces[i].size()};
            const ssize_t n = ::writev(fd, iov, static_cast<int>(count));
            if (n > 0) {
                broker_.consume_output(id, static_cast<std::size_t>(n));
                continue;
            }
            if (const std::optional<bool> done = after_failed_write(id, s, n, now)) return *done;
        }
        arm_output(id, s, false);
        if (broker_.close_requested(id)) drop(id, now);
        return true;
    }

    void flush_ready(time_point now) {
        for (const conn_id id : broker_.take_ready()) {
            if (!flush(id, now) && broker_.close_requested(id) && !closing_.contains(id))
                closing_[id] = now + std::chrono::seconds(5);
        }
    }

    /** A connection the broker closed whose peer does not read its last bytes: bounded. */
    void expire_closing(time_point now) {
        std::vector<conn_id> late;
        for (const auto& [id, deadline] : closing_)
            if (now >= deadline) late.push_back(id);
        for (const conn_id id : late) drop(id, now);
    }

#ifdef MQTTWIRE_BROKER_WEBSOCKET
    /** The largest binary frame the driver makes of the broker's output. */
    static constexpr std::size_t ws_frame_cap = 256 * 1024;
#endif

    broker::broker broker_;
    [[maybe_unused]] broker::logger log_;  // used by the WebSocket transport only
    [[maybe_unused]] std::uint64_t max_ws_message_;
    std::vector<client_socket> clients_{};  // by descriptor
    std::unordered_map<conn_id, time_point> closing_{};
    std::uint64_t next_serial_ = first_client_key >> fd_bits;
    std::byte buffer_[64 * 1024];
};

bool read_file(const std::string& path, std::string& text) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    std::ostringstream s;
    s << in.rdbuf();
    text = s.str();
    return true;
}

void print_error(const std::string& text) {
    std::fprintf(stderr, "%ld: %s\n", static_cast<long>(std::time(nullptr)), text.c_str());
}

}  // namespace

int main(int argc, char** argv) {
    bool verbose = false;
    std::optional<std::uint16_t> port;
    std::string config_path;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        if (a == "-v" || a == "--verbose") {
            verbose = true;
        } else if ((a == "-p" || a == "--port") && i + 1 < argc) {
            const std::string_view v = argv[++i];
            std::uint16_t p = 0;
            const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), p);
            if (ec != std::errc{} || end != v.data() + v.size() || p == 0) {
                std::fprintf(stderr, "Error: Invalid port specified (%s).\n", argv[i]);
                return 1;
            }
            port = p;
        } else if ((a == "-c" || a == "--config-file") && i + 1 < argc) {
            config_path = argv[++i];
        } else if (a == "-h" || a == "--help") {
            usage();
            return 0;
        } else {
            std::fprintf(stderr, "Error: Unknown option '%s'.\n", argv[i]);
            usage();
            return 1;
        }
    }

    broker::config_file cf;
    if (!config_path.empty()) {
        std::string text;
        if (!read_file(config_path, text)) {
            print_error("Error: Unable to open config file " + config_path + ".");
            return 1;
        }
        const broker::config_result r = broker::parse_config(text, config_path, cf);
        if (!r.ok) {
            for (const std::string& e : r.errors) print_error(e);
            return 3;
        }
    }
    if (verbose) cf.broker.log_mask = broker::all_log_types;
    cf.broker.seed = std::random_device{}();

    line_sink sink;
    std::FILE* log_file = nullptr;
    if (cf.log_dest.empty()) cf.log_dest.push_back(broker::log_destination::stderr_stream);
    for (const broker::log_destination d : cf.log_dest) {
        switch (d) {
            case broker::log_destination::stderr_stream: sink.add(stderr); break;
            case broker::log_destination::stdout_stream: sink.add(stdout); break;
            case broker::log_destination::none: break;
            case broker::log_destination::file:
                log_file = std::fopen(cf.log_file.c_str(), "a");
                if (!log_file) {
                    print_error("Error: Unable to open log file " + cf.log_file + " for writing.");
                    return 1;
                }
                sink.add(log_file);
                break;
        }
    }
    broker::logger log(sink, cf.broker.log_mask);
    log.printf(broker::log_type::notice, "mqttwire-broker version %s starting", version);
    if (config_path.empty())
        log.printf(broker::log_type::notice, "Using default config.");
    else
        log.printf(broker::log_type::notice, "Config loaded from %s.", config_path.c_str());

    // No listener configured: loopback only, as mosquitto 2 does.
    const bool local_only = cf.listeners.empty();
    if (local_only) {
        cf.listeners.push_back({port.value_or(1883), "127.0.0.1"});
        cf.listeners.push_back({port.value_or(1883), "::1"});
        log.printf(broker::log_type::notice,
                   "Starting in local only mode. Connections will only be possible from clients "
                   "running on this machine.");
        log.printf(broker::log_type::notice,
                   "Create a configuration file which defines a listener to allow remote access.");
        log.printf(broker::log_type::notice,
                   "For more details see https://mosquitto.org/documentation/authentication-methods/");
    } else if (port) {
        cf.listeners.push_back({*port, ""});
    }

#ifndef MQTTWIRE_BROKER_WEBSOCKET
    // Built without OpenSSL: a WebSocket listener cannot be served, so it is an error, not a
    // plain MQTT port in its place.
    for (const broker::listener_config& l : cf.listeners) {
        if (l.protocol == broker::listener_protocol::websockets) {
            print_error("Error: Websockets support not available (mqttwire-broker was built "
                        "without OpenSSL; install libssl-dev and rebuild), listener on port " +
                        std::to_string(l.port) + ".");
            return 3;
        }
    }
#endif
    driver d(cf.broker, sink);
    for (const broker::listener_config& l : cf.listeners) {
        addrinfo hints{};
        hints.ai_family = AF_UNSPEC;
        hints.ai_socktype = SOCK_STREAM;
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
        addrinfo* found = nullptr;
        const std::string service = std::to_string(l.port);
        if (::getaddrinfo(l.address.empty() ? nullptr : l.address.c_str(), service.c_str(), &hints,
                          &found) != 0) {
            log.printf(broker::log_type::error, "Error creating listener: %s",
                       l.address.c_str());
            return 1;
        }
        for (addrinfo* a = found; a; a = a->ai_next) {
            const bool v4 = a->ai_family == AF_INET;
            if (!v4 && a->ai_family != AF_INET6) continue;
            const bool ws = l.protocol == broker::listener_protocol::websockets;
            log.printf(broker::log_type::notice, "Opening %s%s listen socket on port %u.",
                       ws ? "websockets " : "", v4 ? "ipv4" : "ipv6",
                       static_cast<unsigned>(l.port));
            std::string error;
            if (!open_listener(a->ai_addr, a->ai_addrlen, a->ai_family, l.port, l.protocol,
                               d.listeners, error)) {
                // A host without IPv6 still serves IPv4 loopback.
                if (local_only && !v4) {
                    log.printf(broker::log_type::warning, "Warning: %s", error.c_str());
                    continue;
                }
                log.printf(broker::log_type::error, "Error: %s", error.c_str());
                ::freeaddrinfo(found);
                return 1;
            }
        }
        ::freeaddrinfo(found);
    }
    if (d.listeners.empty()) {
        log.printf(broker::log_type::error, "Error: Unable to open any listen socket.");
        return 1;
    }

    // SIGINT and SIGTERM arrive through a descriptor in the loop: no handler runs mid-turn.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    sigprocmask(SIG_BLOCK, &signals, nullptr);
    const int signal_fd = ::signalfd(-1, &signals, SFD_NONBLOCK | SFD_CLOEXEC);
    // A peer that vanished mid-write is a return code, not a signal.
    ::signal(SIGPIPE, SIG_IGN);
    d.epoll_fd = ::epoll_create1(EPOLL_CLOEXEC);
    if (signal_fd < 0 || d.epoll_fd < 0) {
        log.printf(broker::log_type::error, "Error: %s", std::strerror(errno));
        return 1;
    }
    log.printf(broker::log_type::notice, "mqttwire-broker version %s running", version);
    const int status = d.run(signal_fd);
    log.printf(broker::log_type::notice, "mqttwire-broker version %s terminating", version);
    for (const listen_socket& l : d.listeners) ::close(l.fd);
    if (log_file) std::fclose(log_file);
    return status;
}
