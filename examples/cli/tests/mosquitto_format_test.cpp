// print_message against the real mosquitto_sub: a mosquitto broker on a free loopback port, one
// mosquitto_sub per output format and one receiver of our own (the core's encoder and decoder
// on a blocking socket) subscribed to the same filter; mosquitto_pub publishes a set of
// messages (retained, QoS 0/1/2, 5.0 properties, binary, empty, JSON); each mosquitto_sub's
// output must equal what format_message makes of the packets our receiver got. The time
// conversions are left out (two receivers, two clocks) but %j's "tst" is masked and compared.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mqttwire/mqttwire.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "cli/options.hpp"
#include "cli/output.hpp"
#include "mosquitto_tools.hpp"

namespace {

using namespace mqttwire::cli::test;

std::uint16_t free_loopback_port() {
    const int s = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    (void)::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
    ::close(s);
    return ntohs(a.sin_port);
}

/** A subscriber on a blocking socket that keeps every PUBLISH it receives, acked. */
class raw_subscriber {
public:
    /** 5.0 with `subscription_id`, or 3.1.1 when it is 0. */
    bool connect(std::uint16_t port, std::string_view client_id, std::string_view filter,
                 std::uint32_t subscription_id) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return false;
        const mqttwire::codec_options opts{.version = subscription_id != 0
                                                          ? mqttwire::protocol_version::v5
                                                          : mqttwire::protocol_version::v3_1_1,
                                           .from = mqttwire::sender::client};
        mqttwire::connect_packet c{.client_id = client_id, .keep_alive = 60};
        if (!send(c, opts)) return false;
        if (!next_packet(5s) || (packet_[0] >> 4) != 2) return false;  // CONNACK
        const mqttwire::subscription sub{.topic_filter = filter,
                                         .max_qos = mqttwire::qos::exactly_once};
        mqttwire::subscribe_packet s{.packet_id = 1, .subscriptions = {&sub, 1}};
        if (subscription_id != 0) s.properties.subscription_identifier = subscription_id;
        if (!send(s, opts)) return false;
        return next_packet(5s) && (packet_[0] >> 4) == 9;  // SUBACK
    }

    /** Receives until `count` PUBLISH packets are kept or `limit` passes. */
    bool receive(std::size_t count, clock_type::duration limit) {
        const auto end = clock_type::now() + limit;
        while (publishes.size() < count) {
            const auto left = end - clock_type::now();
            if (left <= 0s ||
                !next_packet(std::chrono::duration_cast<std::chrono::milliseconds>(left)))
                return false;
            const unsigned type = packet_[0] >> 4;
            const auto id_at = [&](std::size_t at) {
                return static_cast<std::uint16_t>((packet_[at] << 8) | packet_[at + 1]);
            };
            if (type == 3) {
                publishes.push_back(packet_);
                const unsigned q = (packet_[0] >> 1) & 3;
                if (q != 0) {
                    // The identifier follows the topic; answer PUBACK or PUBREC.
                    const std::size_t topic_at = header_size_;
                    const std::size_t topic_len =
                        std::size_t{packet_[topic_at]} << 8 | packet_[topic_at + 1];
                    const std::uint16_t id = id_at(topic_at + 2 + topic_len);
                    const unsigned char ack[] = {static_cast<unsigned char>(q == 1 ? 0x40 : 0x50),
                                                 2, static_cast<unsigned char>(id >> 8),
                                                 static_cast<unsigned char>(id & 0xFF)};
                    (void)::write(fd_, ack, sizeof ack);
                }
            } else if (type == 6) {  // PUBREL: PUBCOMP
                const std::uint16_t id = id_at(header_size_);
                const unsigned char comp[] = {0x70, 2, static_cast<unsigned char>(id >> 8),
                                              static_cast<unsigned char>(id & 0xFF)};
                (void)::write(fd_, comp, sizeof comp);
            }
        }
        return true;
    }

    ~raw_subscriber() {
        if (fd_ >= 0) ::close(fd_);
    }

    std::vector<std::vector<unsigned char>> publishes;

private:
    template <class Packet>
    bool send(const Packet& p, const mqttwire::codec_options& opts) {
        std::vector<std::byte> buf(1024);
        const auto n = mqttwire::encode(p, opts, buf);
        if (!n) return false;
        return ::write(fd_, buf.data(), *n) == static_cast<ssize_t>(*n);
    }

    bool fill(std::size_t want, std::chrono::milliseconds limit) {
        const auto end = clock_type::now() + limit;
        while (in_.size() < want) {
            const auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(end - clock_type::now());
            if (left.count() <= 0) return false;
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
            unsigned char buf[4096];
            const ssize_t r = ::read(fd_, buf, sizeof buf);
            if (r <= 0) return false;
            in_.insert(in_.end(), buf, buf + r);
        }
        return true;
    }

    bool next_packet(std::chrono::milliseconds limit) {
        if (!fill(2, limit)) return false;
        std::size_t length = 0, at = 1;
        for (unsigned shift = 0;; shift += 7, ++at) {
            if (!fill(at + 1, limit)) return false;
            length |= std::size_t{in_[at] & 0x7Fu} << shift;
            if (!(in_[at] & 0x80u)) break;
        }
        header_size_ = at + 1;
        if (!fill(header_size_ + length, limit)) return false;
        packet_.assign(in_.begin(), in_.begin() + static_cast<long>(header_size_ + length));
        in_.erase(in_.begin(), in_.begin() + static_cast<long>(header_size_ + length));
        return true;
    }

    int fd_ = -1;
    std::vector<unsigned char> in_, packet_;
    std::size_t header_size_ = 0;
};

/**
 * Replaces the value of every "tst" key, which holds each receiver's own clock. Built by
 * appending: std::string::replace in place trips g++ 12's -Wrestrict, a false positive.
 */
std::string mask_timestamps(std::string_view s) {
    constexpr std::string_view key = "\"tst\":";
    constexpr auto npos = std::string_view::npos;
    std::string masked;
    for (;;) {
        const std::size_t at = s.find(key);
        const std::size_t open = at == npos ? npos : s.find('"', at + key.size());
        const std::size_t close = open == npos ? npos : s.find('"', open + 1);
        if (close == npos) break;
        masked.append(s.substr(0, open + 1)).append("T");
        s.remove_prefix(close);
    }
    masked.append(s);
    return masked;
}

struct format_case {
    std::string name;
    std::vector<std::string> flags;  // mosquitto_sub's output flags, parsed by parse_sub as well
    bool v3_1_1 = false;             // subscribe with 3.1.1 (no properties) instead of 5.0
};

TEST(MosquittoSub, FormatOutputMatchesMosquittoSubOnTheSameMessages) {
    const std::string mosquitto = find_program("mosquitto");
    const std::string mosquitto_sub = find_program("mosquitto_sub");
    const std::string mosquitto_pub = find_program("mosquitto_pub");
    if (mosquitto.empty() || mosquitto_sub.empty() || mosquitto_pub.empty())
        FAIL() << "mosquitto, mosquitto_sub or mosquitto_pub not found; " << install_hint;

    char dir_template[] = "/tmp/mqttwire-format-XXXXXX";
    ASSERT_NE(::mkdtemp(dir_template), nullptr);
    const std::string dir = dir_template;
    struct remove_dir {
        std::string path;
        ~remove_dir() {
            std::error_code ignored;
            std::filesystem::remove_all(path, ignored);
        }
    } const cleanup{dir};
    const std::uint16_t port = free_loopback_port();
    const std::string port_text = std::to_string(port);

    child broker({mosquitto, "-v", "-p", port_text}, dir + "/broker.out", dir + "/broker.err");
    ASSERT_TRUE(broker.started());
    const auto broker_up = [&] {
        raw_subscriber probe;
        return probe.connect(port, "mqttwire-format-probe", "probe/#", 1);
    };
    const auto up_by = clock_type::now() + 5s;
    while (!broker_up()) {
        ASSERT_LT(clock_type::now(), up_by)
            << "mosquitto did not accept connections: " << read_file(dir + "/broker.err");
        std::this_thread::sleep_for(50ms);
    }

    const auto publish = [&](std::vector<std::string> args) {
        std::vector<std::string> argv{mosquitto_pub, "-p", port_text};
        argv.insert(argv.end(), args.begin(), args.end());
        child pub(argv, dir + "/pub.out", dir + "/pub.err");
        const std::optional<int> status = pub.wait_for(5s);
        ASSERT_TRUE(status.has_value()) << "mosquitto_pub did not finish";
        ASSERT_EQ(*status, 0) << read_file(dir + "/pub.err");
        // libmosquitto hands a QoS 2 message over at PUBREL, a round trip later than the
        // PUBLISH: a pause keeps a QoS 0 message sent next from overtaking it in the output.
        std::this_thread::sleep_for(100ms);
    };

    // Retained before anyone subscribes: every subscriber gets it with the retain flag.
    publish({"-V", "5", "-q", "1", "-r", "-t", "fmt/retained", "-m", "kept", "-D", "publish",
             "content-type", "text/plain"});

    const std::vector<format_case> cases = {
        {"default", {}},
        {"verbose", {"-v"}},
        {"verbose_no_eol", {"-v", "-N"}},
        {"no_eol", {"-N"}},
        {"fields", {"-F", "%t|%l|%q|%r|%m|%p"}},
        {"hex", {"-F", "%x|%X"}},
        {"payload_widths", {"-F", "%10p|%-10p|%010p|%-p|%3p"}},
        {"hex_widths", {"-F", "%4x|%10x|%-6X|%-x|%05x"}},
        {"int_flags", {"-F", "%05l|%-5l|%5l|%3m|%-3m|%03m"}},
        {"text_flags", {"-F", "%.3t|%10.2t|%-10t|%20t|%-.4t|%.t"}},
        {"v5_properties", {"-F", "%A|%C|%D|%E|%F|%P|%R|%S|"}},
        {"v5_widths", {"-F", "%5C|%-5E|%05F|%5A|%5S|%-8R|%.2C|%07E"}},
        {"escapes", {"-F", "%%|\\t|\\\\|\\e|\\a|\\v|\\r|\\0|\\n@@"}},
        {"json", {"-F", "%j"}},
        {"json_payload", {"-F", "%J"}},
        {"json_pretty", {"-F", "%j", "--pretty"}},
        {"json_payload_pretty", {"-F", "%J", "--pretty"}},
        {"json_no_eol", {"-F", "%j", "-N"}},
        {"v3_1_1_json", {"-F", "%j"}, true},
        {"v3_1_1_fields", {"-F", "%t|%l|%q|%r|%m|%A|%C|%3E|%P|%R|%S|%p"}, true},
        {"v3_1_1_verbose", {"-v"}, true},
    };

    // One mosquitto_sub per case, each with its own client id so the broker log shows it.
    std::vector<std::unique_ptr<child>> subs;
    for (std::size_t k = 0; k < cases.size(); ++k) {
        std::vector<std::string> argv{mosquitto_sub,
                                      "-p",
                                      port_text,
                                      "-q",
                                      "2",
                                      "-t",
                                      "fmt/#",
                                      "-C",
                                      "8",
                                      "-W",
                                      "20",
                                      "-i",
                                      "sub-" + std::to_string(k)};
        const std::vector<std::string> version =
            cases[k].v3_1_1 ? std::vector<std::string>{"-V", "311"}
                            : std::vector<std::string>{
                                  "-V", "5", "-D", "subscribe", "subscription-identifier", "7"};
        argv.insert(argv.end(), version.begin(), version.end());
        argv.insert(argv.end(), cases[k].flags.begin(), cases[k].flags.end());
        subs.push_back(std::make_unique<child>(argv, dir + "/" + cases[k].name + ".out",
                                               dir + "/" + cases[k].name + ".err"));
        ASSERT_TRUE(subs.back()->started());
    }
    raw_subscriber ours_v5, ours_v3_1_1;
    ASSERT_TRUE(ours_v5.connect(port, "mqttwire-format-v5", "fmt/#", 7));
    ASSERT_TRUE(ours_v3_1_1.connect(port, "mqttwire-format-v3_1_1", "fmt/#", 0));
    const auto subscribed_by = clock_type::now() + 10s;
    for (std::size_t k = 0; k < cases.size(); ++k) {
        const std::string needle = "Received SUBSCRIBE from sub-" + std::to_string(k) + "\n";
        while (read_file(dir + "/broker.out").find(needle) == std::string::npos &&
               read_file(dir + "/broker.err").find(needle) == std::string::npos) {
            ASSERT_LT(clock_type::now(), subscribed_by)
                << "mosquitto_sub " << cases[k].name << " did not subscribe";
            std::this_thread::sleep_for(20ms);
        }
    }

    const std::string binary_file = dir + "/binary.bin";
    {
        std::ofstream b(binary_file, std::ios::binary);
        for (int v = 0; v < 256; v += 17) b.put(static_cast<char>(v));
        b.put('\0');
        b << "after NUL";
    }
    publish({"-q", "0", "-t", "fmt/plain", "-m", "ON"});
    publish(
        {"-V",
         "5",
         "-q",
         "1",
         "-t",
         "fmt/json",
         "-m",
         R"({"a": [1, 2.50, "x\u00e9\n", {"n": {}}], "b":{}, "c":[], "d":1e3, "e":true, "f":null, "g":-0.1})",
         "-D",
         "publish",
         "content-type",
         "application/json",
         "-D",
         "publish",
         "response-topic",
         "fmt/reply",
         "-D",
         "publish",
         "correlation-data",
         "corr-1",
         "-D",
         "publish",
         "user-property",
         "k",
         "v",
         "-D",
         "publish",
         "user-property",
         "k",
         "v 2",
         "-D",
         "publish",
         "payload-format-indicator",
         "1",
         "-D",
         "publish",
         "message-expiry-interval",
         "3600"});
    publish({"-q", "2", "-t", "fmt/binary", "-f", binary_file});
    publish({"-q", "1", "-t", "fmt/empty", "-n"});
    publish({"-q", "2", "-r", "-t", "fmt/live/retained", "-m", "say \"hi\"\\ \t tab\nline"});
    publish({"-V", "5", "-q", "0", "-t", "fmt/a/b/c", "-m", "12345678901234567890", "-D", "publish",
             "payload-format-indicator", "0"});
    publish({"-q", "1", "-t", "fmt/x", "-m", "[1,2"});

    for (raw_subscriber* ours : {&ours_v5, &ours_v3_1_1})
        ASSERT_TRUE(ours->receive(8, 10s))
            << "our subscriber got " << ours->publishes.size() << " messages";
    const timespec now{};
    for (std::size_t k = 0; k < cases.size(); ++k) {
        const std::optional<int> status = subs[k]->wait_for(10s);
        ASSERT_TRUE(status.has_value()) << cases[k].name << ": mosquitto_sub did not exit";
        EXPECT_EQ(*status, 0) << cases[k].name << ": "
                              << read_file(dir + "/" + cases[k].name + ".err");

        std::vector<const char*> args{"-t", "fmt/#"};
        for (const std::string& f : cases[k].flags) args.push_back(f.c_str());
        const auto parsed = mqttwire::cli::parse_sub(args, "mqttwire-sub", 1);
        ASSERT_TRUE(parsed.run) << cases[k].name << ": " << parsed.err;

        const mqttwire::codec_options opts{.version = cases[k].v3_1_1
                                                          ? mqttwire::protocol_version::v3_1_1
                                                          : mqttwire::protocol_version::v5,
                                           .from = mqttwire::sender::server};
        std::string expected_errors, ours_text;
        for (const auto& packet : (cases[k].v3_1_1 ? ours_v3_1_1 : ours_v5).publishes) {
            const auto p = mqttwire::decode_publish(
                std::span<const std::byte>(reinterpret_cast<const std::byte*>(packet.data()),
                                           packet.size()),
                opts);
            ASSERT_TRUE(p.has_value());
            const mqttwire::cli::received_message m{p->topic_name, *p};
            ours_text += mqttwire::cli::format_message(parsed.config, m, now, &expected_errors);
        }
        const std::string theirs = read_file(dir + "/" + cases[k].name + ".out");
        EXPECT_EQ(mask_timestamps(ours_text), mask_timestamps(theirs)) << "case " << cases[k].name;
        EXPECT_EQ(expected_errors, read_file(dir + "/" + cases[k].name + ".err"))
            << "case " << cases[k].name;
    }
}

}  // namespace
