// mqttwire-broker-load: mqttwire-broker and Debian's mosquitto under the same load, side by
// side in one run. Each broker runs on its own free loopback port with the same configuration;
// every scenario runs on each in turn, the order alternating over the rounds, and the table
// gives delivered messages per second, per second of broker CPU, latency, QoS 1 losses and the
// ratio mqttwire/mosquitto. Then both hold the same number of idle connections, for memory.
//
//   mqttwire-broker-load [--seconds S] [--rounds R] [--idle N] [--only SUBSTRING] [-V 311|5]
//                        [--window N] [--mqttwire-broker PATH] [--mosquitto PATH]
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "broker_process.hpp"
#include "client_pool.hpp"

namespace {

using namespace mqttwire;
using namespace mqttwire::load;
namespace fs = std::filesystem;

enum class shape : std::uint8_t { point_to_point, fan_out, fan_in };

struct scenario {
    std::string name;
    shape layout = shape::point_to_point;
    qos level = qos::at_most_once;
    std::size_t payload = 16;
};

struct options {
    double seconds = 2;
    unsigned rounds = 3;
    std::size_t idle = 10'000;
    std::string only{};
    protocol_version version = protocol_version::v3_1_1;
    std::uint64_t window = 64;  // messages per publisher not yet received by all its subscribers
    std::string mqttwire_broker{};
    std::string mosquitto = "/usr/sbin/mosquitto";
    std::size_t pairs = 20;        // point to point: publisher/subscriber pairs
    std::size_t subscribers = 50;  // fan-out: subscribers of the one publisher
    std::size_t publishers = 50;   // fan-in: publishers to the one subscriber
};

/** What one broker did on one scenario, summed over the rounds. */
struct tally {
    std::uint64_t delivered = 0;
    double wall = 0;
    double cpu = 0;
    std::uint64_t lost = 0;
    std::vector<std::uint32_t> latency_us{};
    std::string failure{};
};

struct broker_under_test {
    std::string name;
    std::vector<std::string> argv;
    std::uint16_t port = 0;
    broker_process process{};
};

std::vector<scenario> all_scenarios() {
    std::vector<scenario> out;
    const std::pair<shape, const char*> shapes[] = {
        {shape::point_to_point, "p2p"}, {shape::fan_out, "fan-out"}, {shape::fan_in, "fan-in"}};
    for (const auto& [layout, label] : shapes)
        for (const qos q : {qos::at_most_once, qos::at_least_once})
            for (const std::size_t size : {std::size_t{16}, std::size_t{1024}})
                out.push_back({std::string(label) + " q" +
                                   std::to_string(static_cast<int>(q)) + " " +
                                   (size == 16 ? "16B" : "1KiB"),
                               layout, q, size});
    return out;
}

client::session_config client_config(const options& o, std::string id) {
    client::session_config c;
    c.version = o.version;
    c.client_id = std::move(id);
    c.keep_alive = 60;
    c.max_inflight = static_cast<std::uint16_t>(std::min<std::uint64_t>(o.window, 65535));
    return c;
}

std::uint64_t now_ns() {
    return static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(clock::now().time_since_epoch())
            .count());
}

/** Runs `s` once against a broker; adds to `t`. */
void run_once(const options& o, const scenario& s, broker_under_test& b, tally& t) {
    load_stats stats;
    client_pool pool(b.port);
    struct publisher {
        load_client* client;
        std::string topic;
        std::uint64_t sent = 0;
    };
    std::vector<load_client*> subscribers;
    std::vector<std::string> filters;
    std::vector<publisher> publishers;
    std::uint64_t copies = 1;  // subscribers each message reaches
    const std::string base = "load/" + std::to_string(::getpid()) + "/";
    switch (s.layout) {
        case shape::point_to_point:
            for (std::size_t i = 0; i < o.pairs; ++i) {
                const std::string topic = base + "p2p/" + std::to_string(i);
                subscribers.push_back(&pool.add(client_config(o, "sub-" + std::to_string(i)), stats));
                filters.push_back(topic);
                publishers.push_back(
                    {&pool.add(client_config(o, "pub-" + std::to_string(i)), stats), topic});
            }
            break;
        case shape::fan_out:
            for (std::size_t i = 0; i < o.subscribers; ++i) {
                subscribers.push_back(&pool.add(client_config(o, "sub-" + std::to_string(i)), stats));
                filters.push_back(base + "fan-out");
            }
            publishers.push_back({&pool.add(client_config(o, "pub-0"), stats), base + "fan-out"});
            copies = o.subscribers;
            break;
        case shape::fan_in:
            subscribers.push_back(&pool.add(client_config(o, "sub-0"), stats));
            filters.push_back(base + "fan-in/+");
            for (std::size_t i = 0; i < o.publishers; ++i)
                publishers.push_back({&pool.add(client_config(o, "pub-" + std::to_string(i)), stats),
                                      base + "fan-in/" + std::to_string(i)});
            break;
    }
    stats.received_from.assign(publishers.size(), 0);
    if (!pool.connect_all(std::chrono::seconds(20))) {
        t.failure = pool.error();
        return;
    }
    for (std::size_t i = 0; i < subscribers.size(); ++i) {
        subscribers[i]->session.subscribe({{.topic_filter = filters[i], .max_qos = s.level}},
                                          clock::now());
        pool.flush(*subscribers[i]);
    }
    if (!pool.run_until(
            [&] {
                return std::all_of(subscribers.begin(), subscribers.end(),
                                   [](const load_client* c) { return c->subacks == 1; });
            },
            clock::now() + std::chrono::seconds(10))) {
        t.failure = "not every SUBSCRIBE was answered in time";
        return;
    }

    std::vector<std::byte> payload(s.payload, std::byte{'x'});
    auto publish_ready = [&] {
        for (std::size_t i = 0; i < publishers.size(); ++i) {
            publisher& p = publishers[i];
            if (p.client->closed) continue;
            bool any = false;
            for (;;) {
                const std::uint64_t owed = p.sent * copies;
                const std::uint64_t got = stats.received_from[i];
                if (owed > got && owed - got >= o.window * copies) break;
                payload_stamp stamp{now_ns(), static_cast<std::uint32_t>(i)};
                std::memcpy(payload.data(), &stamp.sent_ns, 8);
                std::memcpy(payload.data() + 8, &stamp.publisher, 4);
                client::outgoing_message m{.topic = p.topic, .payload = payload,
                                           .qos_level = s.level};
                if (p.client->session.publish(std::move(m), clock::now()) == 0) break;
                ++p.sent;
                any = true;
            }
            if (any) pool.flush(*p.client);
        }
    };
    auto drive = [&](time_point until) {
        while (clock::now() < until) {
            publish_ready();
            pool.poll_once(1);
        }
    };

    drive(clock::now() + std::chrono::milliseconds(300));  // warm up: buffers, caches
    stats.measuring = true;
    const double cpu0 = b.process.cpu_seconds();
    const time_point t0 = clock::now();
    drive(t0 + std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(o.seconds)));
    const time_point t1 = clock::now();
    const double cpu1 = b.process.cpu_seconds();
    stats.measuring = false;

    // Drain: every QoS 1 message acknowledged must arrive.
    std::uint64_t sent = 0;
    for (const publisher& p : publishers) sent += p.sent;
    pool.run_until(
        [&] {
            if (s.level == qos::at_most_once) return stats.received >= sent * copies;
            return stats.published_done >= sent && stats.received >= sent * copies;
        },
        clock::now() + std::chrono::seconds(10));
    // QoS 1: acknowledged but never delivered. QoS 0: dropped (allowed, but counted).
    const std::uint64_t owed =
        (s.level == qos::at_least_once ? stats.published_done : sent) * copies;
    t.lost += owed > stats.received ? owed - stats.received : 0;
    pool.disconnect_all();

    t.delivered += stats.received_measured;
    t.wall += std::chrono::duration<double>(t1 - t0).count();
    t.cpu += cpu1 - cpu0;
    t.latency_us.insert(t.latency_us.end(), stats.latency_us.begin(), stats.latency_us.end());
}

double percentile(std::vector<std::uint32_t>& v, double p) {
    if (v.empty()) return 0;
    const auto k = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1));
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
    return v[k];
}

/** Resident memory of a broker holding `n` idle connections, and what one adds. */
struct idle_memory {
    long before_kib = 0;
    long after_kib = 0;
    std::string failure{};
};

idle_memory measure_idle(const options& o, broker_under_test& b, const fs::path& dir) {
    idle_memory m;
    // A fresh broker: one that has just carried the load keeps the memory it grew to.
    if (!b.process.start(b.argv, b.port, (dir / (b.name + "-idle.log")).string(),
                         std::chrono::seconds(5))) {
        m.failure = b.process.error();
        return m;
    }
    m.before_kib = b.process.resident_kib();
    load_stats stats;
    client_pool pool(b.port);
    for (std::size_t i = 0; i < o.idle; ++i)
        pool.add(client_config(o, "idle-" + std::to_string(i)), stats);
    if (!pool.connect_all(std::chrono::seconds(60))) {
        m.failure = pool.error();
        return m;
    }
    pool.run_until([] { return false; }, clock::now() + std::chrono::milliseconds(500));
    m.after_kib = b.process.resident_kib();
    pool.disconnect_all();
    return m;
}

std::string write_config(const fs::path& dir, const std::string& name, std::uint16_t port) {
    const fs::path file = dir / (name + ".conf");
    std::ofstream out(file);
    // The same settings for both; the queue limit is raised so that neither drops a message.
    out << "listener " << port << " 127.0.0.1\n"
        << "allow_anonymous true\n"
        << "max_queued_messages 1000000\n";
    return file.string();
}

std::string default_mqttwire_broker() {
    std::error_code ec;
    const fs::path self = fs::read_symlink("/proc/self/exe", ec);
    return (self.parent_path().parent_path() / "examples" / "mqttwire-broker").string();
}

int usage() {
    std::fprintf(stderr,
                 "usage: mqttwire-broker-load [--seconds S] [--rounds R] [--idle N] "
                 "[--only SUBSTRING] [-V 311|5] [--window N]\n"
                 "                            [--mqttwire-broker PATH] [--mosquitto PATH]\n");
    return 64;
}

std::optional<options> parse(int argc, char** argv) {
    options o;
    o.mqttwire_broker = default_mqttwire_broker();
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (i + 1 >= argc) return std::nullopt;
        const char* v = argv[++i];
        if (a == "--seconds") o.seconds = std::atof(v);
        else if (a == "--rounds") o.rounds = static_cast<unsigned>(std::atoi(v));
        else if (a == "--idle") o.idle = static_cast<std::size_t>(std::atol(v));
        else if (a == "--only") o.only = v;
        else if (a == "--window") o.window = static_cast<std::uint64_t>(std::atol(v));
        else if (a == "--mqttwire-broker") o.mqttwire_broker = v;
        else if (a == "--mosquitto") o.mosquitto = v;
        else if (a == "-V" && std::strcmp(v, "5") == 0) o.version = protocol_version::v5;
        else if (a == "-V" && std::strcmp(v, "311") == 0) o.version = protocol_version::v3_1_1;
        else return std::nullopt;
    }
    if (o.seconds <= 0 || o.rounds == 0 || o.window == 0) return std::nullopt;
    return o;
}

}  // namespace

int main(int argc, char** argv) {
    const std::optional<options> parsed = parse(argc, argv);
    if (!parsed) return usage();
    const options& o = *parsed;
    if (::access(o.mosquitto.c_str(), X_OK) != 0) {
        std::fprintf(stderr, "mosquitto not found at %s: apt-get install -y mosquitto\n",
                     o.mosquitto.c_str());
        return 1;
    }
    if (::access(o.mqttwire_broker.c_str(), X_OK) != 0) {
        std::fprintf(stderr,
                     "mqttwire-broker not found at %s: cmake --build build --target "
                     "mqttwire-broker (or pass --mqttwire-broker PATH)\n",
                     o.mqttwire_broker.c_str());
        return 1;
    }
    // Both brokers inherit this limit: 10,000 idle connections need as many descriptors.
    rlimit files{};
    ::getrlimit(RLIMIT_NOFILE, &files);
    files.rlim_cur = files.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &files);
    if (o.idle + 64 > files.rlim_cur) {
        std::fprintf(stderr, "--idle %zu needs more file descriptors than the limit %llu\n",
                     o.idle, static_cast<unsigned long long>(files.rlim_cur));
        return 1;
    }

    const fs::path dir = fs::temp_directory_path() / ("mqttwire-broker-load-" +
                                                      std::to_string(::getpid()));
    fs::create_directories(dir);
    broker_under_test brokers[2];
    brokers[0].name = "mqttwire";
    brokers[1].name = "mosquitto";
    for (broker_under_test& b : brokers) {
        b.port = free_loopback_port();
        const std::string conf = write_config(dir, b.name, b.port);
        b.argv = {b.name == "mqttwire" ? o.mqttwire_broker : o.mosquitto, "-c", conf};
        if (!b.process.start(b.argv, b.port, (dir / (b.name + ".log")).string(),
                             std::chrono::seconds(5))) {
            std::fprintf(stderr, "%s\n", b.process.error().c_str());
            return 1;
        }
    }

    std::printf("load: %s, %u round(s) of %.1f s per scenario and broker, window %llu, "
                "%zu pairs / 1 to %zu / %zu to 1; %u cores\n",
                o.version == protocol_version::v5 ? "MQTT 5.0" : "MQTT 3.1.1", o.rounds,
                o.seconds, static_cast<unsigned long long>(o.window), o.pairs, o.subscribers,
                o.publishers, std::thread::hardware_concurrency());
    std::printf("%-18s %-10s %12s %14s %9s %9s %7s %6s\n", "scenario", "broker", "msgs/s",
                "msgs/cpu-s", "p50 us", "p99 us", "cpu s", "lost");
    int status = 0;
    for (const scenario& s : all_scenarios()) {
        if (!o.only.empty() && s.name.find(o.only) == std::string::npos) continue;
        tally tallies[2];
        for (unsigned r = 0; r < o.rounds; ++r)
            for (unsigned k = 0; k < 2; ++k) {
                const unsigned which = (r % 2 == 0) ? k : 1 - k;  // alternate who goes first
                run_once(o, s, brokers[which], tallies[which]);
            }
        double rate[2] = {0, 0}, per_cpu[2] = {0, 0};
        for (unsigned k = 0; k < 2; ++k) {
            tally& t = tallies[k];
            if (!t.failure.empty()) {
                std::printf("%-18s %-10s failed: %s\n", s.name.c_str(), brokers[k].name.c_str(),
                            t.failure.c_str());
                status = 1;
                continue;
            }
            rate[k] = t.wall > 0 ? static_cast<double>(t.delivered) / t.wall : 0;
            per_cpu[k] = t.cpu > 0 ? static_cast<double>(t.delivered) / t.cpu : 0;
            const double p50 = percentile(t.latency_us, 0.50);
            const double p99 = percentile(t.latency_us, 0.99);
            std::printf("%-18s %-10s %12.0f %14.0f %9.0f %9.0f %7.2f %6llu\n", s.name.c_str(),
                        brokers[k].name.c_str(), rate[k], per_cpu[k], p50, p99, t.cpu,
                        static_cast<unsigned long long>(t.lost));
            // An acknowledged QoS 1 message that never arrives is a broker bug, not a figure.
            if (s.level == qos::at_least_once && t.lost != 0) status = 1;
        }
        if (rate[1] > 0 && per_cpu[1] > 0)
            std::printf("%-18s %-10s %11.2fx %13.2fx\n", s.name.c_str(), "ratio", rate[0] / rate[1],
                        per_cpu[0] / per_cpu[1]);
        std::fflush(stdout);
    }
    if (o.idle > 0) {
        std::printf("\nidle connections: %zu\n%-10s %12s %12s %16s\n", o.idle, "broker",
                    "RSS before", "RSS after", "bytes/connection");
        for (broker_under_test& b : brokers) {
            const idle_memory m = measure_idle(o, b, dir);
            if (!m.failure.empty()) {
                std::printf("%-10s failed: %s\n", b.name.c_str(), m.failure.c_str());
                status = 1;
                continue;
            }
            std::printf("%-10s %9ld KiB %9ld KiB %16.0f\n", b.name.c_str(), m.before_kib,
                        m.after_kib,
                        static_cast<double>(m.after_kib - m.before_kib) * 1024.0 /
                            static_cast<double>(o.idle));
        }
    }
    for (broker_under_test& b : brokers) b.process.stop();
    fs::remove_all(dir);
    return status;
}
