// mqttwire lives beside POSIX: with the socket, I/O and C library headers included first, a
// global named `bytes`, and `using namespace mqttwire;`, the POSIX calls a driver makes stay
// unambiguous and nothing in the headers shadows them (built with -Wshadow -Werror). It then
// sends a CONNECT through a socket pair and reads it back as a server's first packet.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <array>
#include <cstddef>
#include <span>
#include <vector>

// A name user code plausibly has at global scope before it includes the codec.
static std::vector<unsigned char> bytes;

#include <mqttwire/mqttwire.hpp>

using namespace mqttwire;

namespace {

int failures = 0;

void check(bool ok, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "posix_names_test: %s\n", what);
        ++failures;
    }
}

/** Calls each POSIX function by its plain name; on an invalid descriptor each fails cleanly. */
void call_posix_names() {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(1883);
    check(inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr) == 1, "inet_pton");
    const auto* any = reinterpret_cast<const sockaddr*>(&addr);
    socklen_t len = sizeof addr;
    char c = 0;
    iovec iov{&c, 1};
    check(connect(-1, any, len) == -1, "connect(-1)");
    check(bind(-1, any, len) == -1, "bind(-1)");
    check(listen(-1, 1) == -1, "listen(-1)");
    check(accept(-1, nullptr, nullptr) == -1, "accept(-1)");
    check(send(-1, &c, 1, 0) == -1, "send(-1)");
    check(recv(-1, &c, 1, 0) == -1, "recv(-1)");
    check(read(-1, &c, 1) == -1, "read(-1)");
    check(write(-1, &c, 1) == -1, "write(-1)");
    check(writev(-1, &iov, 1) == -1, "writev(-1)");
    check(readv(-1, &iov, 1) == -1, "readv(-1)");
    check(shutdown(-1, SHUT_RDWR) == -1, "shutdown(-1)");
    check(close(-1) == -1, "close(-1)");
    check(fcntl(-1, F_GETFL) == -1, "fcntl(-1)");
    timeval zero{};
    check(select(0, nullptr, nullptr, nullptr, &zero) == 0, "select");
    check(poll(nullptr, 0, 0) == 0, "poll");
    const int s = socket(AF_INET, SOCK_STREAM, 0);
    check(s >= 0 && close(s) == 0, "socket");
    const int e = epoll_create1(0);
    check(e >= 0 && close(e) == 0, "epoll_create1");
    const int f = open("/dev/null", O_RDONLY);
    check(f >= 0 && close(f) == 0, "open");
    check(time(nullptr) > 0, "time");
    timespec now{};
    check(clock_gettime(CLOCK_MONOTONIC, &now) == 0, "clock_gettime");
    check(signal(SIGPIPE, SIG_IGN) != SIG_ERR, "signal");
    check(kill(getpid(), 0) == 0, "kill");
    check(sleep(0) == 0, "sleep");
    check(remove("/nonexistent/mqttwire-posix-names") == -1, "remove");
    addrinfo hints{};
    hints.ai_flags = AI_NUMERICHOST;
    addrinfo* found = nullptr;
    check(getaddrinfo("127.0.0.1", nullptr, &hints, &found) == 0, "getaddrinfo");
    if (found) freeaddrinfo(found);
}

/** A client's CONNECT through a socket pair, read as a server's first packet. */
void connect_through_a_socket() {
    int fds[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0) {
        check(false, "socketpair");
        return;
    }
    const codec_options client{.version = protocol_version::v3_1_1, .from = sender::client};
    const connect_packet hello{.client_id = "posix", .keep_alive = 30};
    std::array<std::byte, 64> out{};
    const result<std::size_t> n = encode(hello, client, out);
    check(n.has_value(), "encode CONNECT");
    if (n) check(write(fds[0], out.data(), *n) == static_cast<ssize_t>(*n), "write CONNECT");
    check(shutdown(fds[0], SHUT_WR) == 0, "shutdown");

    pollfd ready{fds[1], POLLIN, 0};
    check(poll(&ready, 1, 1000) == 1, "poll (1 s at most)");
    bytes.assign(64, 0);
    const ssize_t got = read(fds[1], bytes.data(), bytes.size());
    check(got > 0, "read CONNECT");
    const std::span<const unsigned char> in(bytes.data(), got > 0 ? std::size_t(got) : 0);
    const partial<frame> f = frame_packet(in, before_connect);
    check(f.is_complete() && f->type == packet_type::connect, "frame_packet before CONNECT");
    if (f.is_complete()) {
        const auto c = decode_connect(in.first(f->size()), before_connect);
        check(c && c->version == protocol_version::v3_1_1 && c->client_id == "posix",
              "decode_connect before CONNECT");
    }
    close(fds[0]);
    close(fds[1]);
}

/** The repeated fields of SUBSCRIBE and SUBACK: their ranges are built from the bytes. */
void decode_repeated_fields() {
    const codec_options server{.version = protocol_version::v3_1_1, .from = sender::server};
    const codec_options client{.version = protocol_version::v3_1_1, .from = sender::client};
    bytes = {0x82, 0x06, 0x00, 0x01, 0x00, 0x01, 'a', 0x01};
    const auto s = decode_subscribe(std::span<const unsigned char>(bytes), client);
    check(s && (*s->subscriptions.begin()).topic_filter == "a", "decode_subscribe");
    bytes = {0x90, 0x03, 0x00, 0x01, 0x01};
    const auto a = decode_suback(std::span<const unsigned char>(bytes), server);
    check(a && *a->reason_codes.begin() == reason_code::granted_qos_1, "decode_suback");
}

}  // namespace

int main() {
    call_posix_names();
    connect_through_a_socket();
    decode_repeated_fields();
    if (failures == 0) std::puts("posix_names_test: ok");
    return failures == 0 ? 0 : 1;
}
