// Writes the seed corpus of every fuzzer: valid packets of every type and version made with the
// encoder, plus malformed ones written by hand. Run from the repository root:
//
//   build-fuzz/fuzz/fuzz_make_corpus fuzz/corpus
//
// Each file is the fuzzer's input: a selector byte (see fuzz_common.hpp) and then the bytes.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include <mqttwire/mqttwire.hpp>

namespace {

namespace mw = mqttwire;
namespace fs = std::filesystem;
using bytes = std::vector<unsigned char>;

fs::path root;

void write(const std::string& target, const std::string& name, std::uint8_t selector,
           const bytes& body) {
    const fs::path dir = root / target;
    fs::create_directories(dir);
    std::ofstream out(dir / name, std::ios::binary);
    out.put(static_cast<char>(selector));
    out.write(reinterpret_cast<const char*>(body.data()), static_cast<std::streamsize>(body.size()));
}

/** A fuzz_topic_match input: filter, 0x00, name (that target reads no selector byte). */
void write_match(const std::string& name, std::string_view filter, std::string_view topic_name) {
    const fs::path dir = root / "fuzz_topic_match";
    fs::create_directories(dir);
    std::ofstream out(dir / name, std::ios::binary);
    out.write(filter.data(), static_cast<std::streamsize>(filter.size()));
    out.put('\0');
    out.write(topic_name.data(), static_cast<std::streamsize>(topic_name.size()));
}

std::uint8_t selector(mw::protocol_version v, mw::sender from) {
    const std::uint8_t bits = v == mw::protocol_version::v3_1 ? 0 : v == mw::protocol_version::v3_1_1 ? 1 : 2;
    return static_cast<std::uint8_t>(bits | (from == mw::sender::server ? 4u : 0u));
}

std::string tag(mw::protocol_version v) {
    return v == mw::protocol_version::v3_1 ? "v31" : v == mw::protocol_version::v3_1_1 ? "v311" : "v5";
}

template <class Packet>
bytes encode(const Packet& p, const mw::codec_options& o) {
    std::vector<std::byte> out(4096);
    const auto n = mw::encode(p, o, out);
    if (!n) {
        std::fprintf(stderr, "encode failed: %s\n", std::string(mw::name(n.error().code)).c_str());
        std::exit(1);
    }
    bytes b(*n);
    for (std::size_t i = 0; i < *n; ++i) b[i] = static_cast<unsigned char>(out[i]);
    return b;
}

std::span<const std::byte> raw(std::string_view s) {
    return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

struct packet {
    std::string name;
    mw::sender from;
    bytes wire;
};

std::vector<packet> valid_packets(mw::protocol_version v) {
    const bool v5 = v == mw::protocol_version::v5;
    const mw::codec_options client{v, mw::sender::client};
    const mw::codec_options server{v, mw::sender::server};
    static const mw::user_property ups[] = {{"k", "v"}, {"region", "eu-\xC3\xA9"}};
    static const std::uint32_t sub_ids[] = {1, 300};
    std::vector<packet> out;

    mw::connect_packet c;
    c.client_id = "client-1";
    c.keep_alive = 60;
    out.push_back({"connect_min", mw::sender::client, encode(c, client)});
    c.will = mw::will_message{"will/topic", raw("bye"), mw::qos::at_least_once, true, {}};
    c.user_name = "user";
    c.password = raw("secret");
    if (v5) {
        c.properties.session_expiry_interval = 30;
        c.properties.receive_maximum = 10;
        c.properties.authentication_method = "SCRAM";
        c.properties.authentication_data = raw("xyz");
        c.properties.user_properties = ups;
        c.will->properties.will_delay_interval = 5;
        c.will->properties.content_type = "text/plain";
        c.will->properties.response_topic = "re/ply";
    }
    out.push_back({"connect_full", mw::sender::client, encode(c, client)});

    mw::connack_packet ca;
    ca.session_present = true;
    if (v5) {
        ca.properties.maximum_qos = mw::qos::at_least_once;
        ca.properties.assigned_client_identifier = "auto-1";
        ca.properties.topic_alias_maximum = 8;
        ca.properties.reason_string = "ok";
    }
    out.push_back({"connack", mw::sender::server, encode(ca, server)});

    mw::publish_packet p;
    p.topic_name = "a/b";
    p.payload = raw("hello");
    out.push_back({"publish_qos0", mw::sender::client, encode(p, client)});
    p.qos_level = mw::qos::exactly_once;
    p.packet_id = 7;
    p.retain = true;
    if (v5) {
        p.properties.payload_format_indicator = mw::payload_format::utf8;
        p.properties.message_expiry_interval = 60;
        p.properties.correlation_data = raw("cd");
        p.properties.user_properties = ups;
    }
    out.push_back({"publish_qos2", mw::sender::client, encode(p, client)});
    if (v5) {
        p.topic_name = "";
        p.properties.topic_alias = 3;
        p.properties.subscription_identifiers = sub_ids;
        out.push_back({"publish_alias", mw::sender::server, encode(p, server)});
    }

    mw::puback_packet pa{9};
    out.push_back({"puback", mw::sender::client, encode(pa, client)});
    mw::pubrec_packet pr{9};
    mw::pubrel_packet pl{9};
    mw::pubcomp_packet pc{9};
    if (v5) {
        pr.reason = mw::reason_code::no_matching_subscribers;
        pl.reason = mw::reason_code::packet_identifier_not_found;
        pl.properties.reason_string = "gone";
        pc.properties.user_properties = ups;
    }
    out.push_back({"pubrec", mw::sender::server, encode(pr, server)});
    out.push_back({"pubrel", mw::sender::client, encode(pl, client)});
    out.push_back({"pubcomp", mw::sender::server, encode(pc, server)});

    const mw::subscription subs_v3[] = {{"a/+/c", mw::qos::at_least_once}, {"#", mw::qos::exactly_once}};
    const mw::subscription subs_v5[] = {
        {"a/+/c", mw::qos::at_least_once, true, true, mw::retain_handling::do_not_send},
        {"$share/g/s/#", mw::qos::exactly_once}};
    mw::subscribe_packet s{11, v5 ? std::span<const mw::subscription>(subs_v5) : subs_v3, {}};
    if (v5) s.properties.subscription_identifier = 42;
    out.push_back({"subscribe", mw::sender::client, encode(s, client)});
    const mw::reason_code granted[] = {mw::reason_code::granted_qos_1, mw::reason_code::unspecified_error};
    out.push_back(
        {"suback", mw::sender::server, encode(mw::suback_packet{11, granted, {}}, server)});
    const std::string_view filters[] = {"a/+/c", "#"};
    out.push_back({"unsubscribe", mw::sender::client,
                   encode(mw::unsubscribe_packet{12, filters, {}}, client)});
    const mw::reason_code unsub_codes[] = {mw::reason_code::success, mw::reason_code::no_subscription_existed};
    mw::unsuback_packet ua{12, {}, {}};
    if (v5) ua.reason_codes = unsub_codes;
    out.push_back({"unsuback", mw::sender::server, encode(ua, server)});
    out.push_back({"pingreq", mw::sender::client, encode(mw::pingreq_packet{}, client)});
    out.push_back({"pingresp", mw::sender::server, encode(mw::pingresp_packet{}, server)});
    out.push_back({"disconnect", mw::sender::client, encode(mw::disconnect_packet{}, client)});
    if (v5) {
        mw::disconnect_packet d{mw::reason_code::server_shutting_down, {}};
        d.properties.server_reference = "other:1883";
        out.push_back({"disconnect_server", mw::sender::server, encode(d, server)});
        mw::auth_packet a{mw::reason_code::continue_authentication, {}};
        a.properties.authentication_method = "SCRAM";
        a.properties.authentication_data = raw("\x01\x02");
        out.push_back({"auth", mw::sender::client, encode(a, client)});
    }
    return out;
}

// Hand-made malformed packets: each breaks one rule.
const std::vector<std::pair<std::string, bytes>> malformed = {
    {"reserved_type", {0x00, 0x00}},
    {"vbi_five_bytes", {0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01}},
    {"vbi_not_minimal", {0x30, 0x80, 0x00}},
    {"truncated", {0x30, 0x0A, 0x00, 0x03, 'a'}},
    {"pingreq_trailing", {0xC0, 0x01, 0x00}},
    {"publish_qos3", {0x36, 0x07, 0x00, 0x01, 'a', 0x00, 0x01, 0x00, 'x'}},
    {"publish_wildcard", {0x30, 0x05, 0x00, 0x03, 'a', '/', '#'}},
    {"publish_bad_utf8", {0x30, 0x05, 0x00, 0x03, 'a', 0xC0, 0x80}},
    {"publish_surrogate", {0x30, 0x05, 0x00, 0x03, 0xED, 0xA0, 0x80}},
    {"pubrel_bad_flags", {0x60, 0x02, 0x00, 0x01}},
    {"subscribe_no_filter", {0x82, 0x02, 0x00, 0x01}},
    {"subscribe_bad_filter", {0x82, 0x07, 0x00, 0x01, 0x00, 0x02, 'a', '#', 0x00}},
    {"connect_bad_name", {0x10, 0x0C, 0x00, 0x04, 'M', 'Q', 'T', 'X', 0x04, 0x02, 0x00, 0x3C,
                          0x00, 0x00}},
    {"connack_reserved", {0x20, 0x02, 0x02, 0x00}},
    {"puback_id_zero", {0x40, 0x02, 0x00, 0x00}},
    {"v5_property_duplicate", {0x30, 0x0B, 0x00, 0x01, 'a', 0x06, 0x02, 0, 0, 0, 1, 0x02, 0, 0, 0}},
    {"v5_property_unknown", {0x30, 0x06, 0x00, 0x01, 'a', 0x01, 0x7F, 'x'}},
};

void write_utf8_and_topics() {
    const std::vector<std::pair<std::string, std::string>> texts = {
        {"ascii", "sensors/kitchen/temperature"},
        {"long_ascii", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ/+-_"},
        {"two_byte", "caf\xC3\xA9 na\xC3\xAFve"},
        {"three_byte", "\xE2\x82\xAC \xE0\xA0\x80 \xEF\xBF\xBD"},
        {"four_byte", "\xF0\x9F\x98\x80 \xF4\x8F\xBF\xBD"},
        {"overlong", "ab\xC0\xAF"},
        {"surrogate", "0123456789abcdef\xED\xA0\x80"},
        {"truncated", "0123456789\xE2\x82"},
        {"nul", "a\x00z"},
        {"control", "tab\there\x7F"},
        {"c1_control", "x\xC2\x85y"},
        {"noncharacter", "x\xEF\xB7\x90y\xF0\x9F\xBF\xBE"},
        {"bom", "\xEF\xBB\xBFtopic"},
        {"wildcards", "sport/+/player1/#"},
        {"shared", "$share/group/sensors/#"},
        {"shared_bad", "$share//x"},
        {"misplaced", "a/b#/c+"},
        {"levels", "/"},
    };
    for (const auto& [name, text] : texts) {
        const bytes b(text.begin(), text.end());
        write("fuzz_utf8_differential", name, 0x00, b);
        write("fuzz_utf8_differential", name + "_topic_shift5", static_cast<std::uint8_t>(1 | (5 << 3)), b);
        write("fuzz_topic", name + "_name", 0x04, b);
        write("fuzz_topic", name + "_filter_v5", 0x05, b);
        write("fuzz_topic", name + "_filter_v311", 0x03, b);
    }
}

void write_topic_matches() {
    // The specification's examples (3.1.1 and 5.0 §4.7.1.2, §4.7.1.3, §4.7.2), shared
    // subscriptions, empty levels and a few invalid filters.
    const char* const cases[][3] = {
        {"multi_parent", "sport/tennis/player1/#", "sport/tennis/player1"},
        {"multi_deep", "sport/tennis/player1/#", "sport/tennis/player1/score/wimbledon"},
        {"multi_all", "#", "sport/tennis"},
        {"multi_dollar", "#", "$SYS/monitor/Clients"},
        {"single", "sport/tennis/+", "sport/tennis/player1"},
        {"single_too_deep", "sport/tennis/+", "sport/tennis/player1/ranking"},
        {"single_empty_level", "sport/+", "sport/"},
        {"single_no_level", "sport/+", "sport"},
        {"single_leading", "+/+", "/finance"},
        {"single_dollar", "+/monitor/Clients", "$SYS/monitor/Clients"},
        {"dollar_literal", "$SYS/#", "$SYS/monitor/Clients"},
        {"mixed", "a/+/c/#", "a//c/d/e"},
        {"shared", "$share/group/sport/#", "sport/tennis"},
        {"shared_long", "$share/a-share-name-longer-than-16/x/+", "x/y"},
        {"shared_empty_name", "$share//a", "a"},
        {"shared_wild_name", "$share/g+/a", "a"},
        {"invalid_hash", "a/#/b", "a/x/b"},
        {"invalid_plus", "a+/b", "ab/b"},
        {"wild_name", "a/+", "a/#"},
    };
    for (const auto& c : cases) write_match(c[0], c[1], c[2]);
}

void write_properties() {
    // Property lists (with their Property Length) for each context, taken from real packets.
    const mw::codec_options o{.version = mw::protocol_version::v5, .from = mw::sender::client};
    auto block = [&](auto props, mw::property_context ctx, std::uint8_t ctx_bits, std::string name,
                     bool server = false) {
        mw::codec_options opts = o;
        if (server) opts.from = mw::sender::server;
        std::size_t size = 0;
        if (ctx != decltype(props)::context) std::exit(2);
        if (mw::detail::measure_properties(props, opts, size)) std::exit(2);
        std::vector<std::byte> out(size + 4);
        mw::detail::writer w(out);
        mw::detail::write_properties(w, props, size);
        bytes b(w.written());
        for (std::size_t i = 0; i < b.size(); ++i) b[i] = static_cast<unsigned char>(out[i]);
        write("fuzz_properties", name, static_cast<std::uint8_t>(ctx_bits | (server ? 16u : 0u)), b);
    };
    static const mw::user_property ups[] = {{"a", "b"}, {"a", "c"}};
    static const std::uint32_t ids[] = {1, 128, 16384};
    mw::connect_properties cp;
    cp.session_expiry_interval = 1;
    cp.maximum_packet_size = 1024;
    cp.request_problem_information = false;
    cp.authentication_method = "m";
    cp.authentication_data = raw("d");
    cp.user_properties = ups;
    block(cp, mw::property_context::connect, 0, "connect");
    mw::will_properties wp;
    wp.payload_format_indicator = mw::payload_format::utf8;
    wp.response_topic = "r/t";
    wp.correlation_data = raw("c");
    block(wp, mw::property_context::will, 1, "will");
    mw::connack_properties ap;
    ap.maximum_qos = mw::qos::at_most_once;
    ap.retain_available = true;
    ap.server_keep_alive = 10;
    ap.response_information = "info";
    block(ap, mw::property_context::connack, 2, "connack", true);
    mw::publish_properties pp;
    pp.topic_alias = 1;
    pp.message_expiry_interval = 9;
    pp.subscription_identifiers = ids;
    pp.content_type = "json";
    block(pp, mw::property_context::publish, 3, "publish", true);
    mw::ack_properties kp;
    kp.reason_string = "why";
    kp.user_properties = ups;
    block(kp, mw::property_context::ack, 4, "ack");
    mw::subscribe_properties sp;
    sp.subscription_identifier = 268'435'455;
    block(sp, mw::property_context::subscribe, 5, "subscribe");
    mw::unsubscribe_properties up;
    up.user_properties = ups;
    block(up, mw::property_context::unsubscribe, 6, "unsubscribe");
    mw::disconnect_properties dp;
    dp.session_expiry_interval = 0;
    dp.server_reference = "s";
    block(dp, mw::property_context::disconnect, 7, "disconnect");
    mw::auth_properties xp;
    xp.authentication_method = "m";
    block(xp, mw::property_context::auth, 8, "auth");
    // Malformed: overrun, unknown id, duplicate, zero Topic Alias, non-minimal VBI id value.
    write("fuzz_properties", "overrun", 3, {0x05, 0x02, 0x00});
    write("fuzz_properties", "unknown", 3, {0x02, 0x7F, 0x00});
    write("fuzz_properties", "duplicate", 3, {0x06, 0x23, 0x00, 0x01, 0x23, 0x00, 0x02});
    write("fuzz_properties", "alias_zero", 3, {0x03, 0x23, 0x00, 0x00});
    write("fuzz_properties", "subid_not_minimal", 5, {0x03, 0x0B, 0x81, 0x00});
}

/**
 * fuzz_broker's seeds: whole sessions of several clients, as records [op][n][n bytes] (op bits
 * 0-1 the client slot, bits 2-4 the action: 0 send, 4 time passes n × 100 ms, 5 the connection
 * drops, with no length byte; see fuzz_broker.cpp).
 */
class session_script {
public:
    explicit session_script(mw::protocol_version v) : v_(v) {}

    template <class Packet>
    session_script& send(unsigned slot, const Packet& p) {
        const bytes wire = encode(p, mw::codec_options{.version = v_, .from = mw::sender::client});
        for (std::size_t at = 0; at < wire.size(); at += 255) {
            const std::size_t n = std::min<std::size_t>(255, wire.size() - at);
            out_.push_back(static_cast<unsigned char>(slot));
            out_.push_back(static_cast<unsigned char>(n));
            out_.insert(out_.end(), wire.begin() + static_cast<std::ptrdiff_t>(at),
                        wire.begin() + static_cast<std::ptrdiff_t>(at + n));
        }
        return *this;
    }
    session_script& wait(unsigned slot, unsigned char tenths) {
        out_.push_back(static_cast<unsigned char>(slot | (4u << 2)));
        out_.push_back(tenths);
        return *this;
    }
    session_script& drop(unsigned slot) {
        out_.push_back(static_cast<unsigned char>(slot | (5u << 2)));
        return *this;
    }
    void write(const std::string& name) const {
        const fs::path dir = root / "fuzz_broker";
        fs::create_directories(dir);
        std::ofstream f(dir / (name + "_" + tag(v_)), std::ios::binary);
        f.write(reinterpret_cast<const char*>(out_.data()), static_cast<std::streamsize>(out_.size()));
    }

private:
    mw::protocol_version v_;
    bytes out_{};
};

void write_broker_sessions() {
    using mw::qos;
    const unsigned char on[] = {'O', 'N'};
    for (mw::protocol_version v :
         {mw::protocol_version::v3_1, mw::protocol_version::v3_1_1, mw::protocol_version::v5}) {
        const bool v5 = v == mw::protocol_version::v5;
        // The seed: a phone subscribes with QoS 1, a switch publishes ON at QoS 1 twice, the
        // phone acknowledges the first, the switch disconnects; the phone stays connected, so
        // both messages are owed to it at the end (fuzz_broker's check 4).
        const mw::subscription office[] = {{.topic_filter = "smarthome/lights/office",
                                            .max_qos = qos::at_least_once}};
        session_script(v)
            .send(0, mw::connect_packet{.client_id = "phone", .keep_alive = 60})
            .send(0, mw::subscribe_packet{.packet_id = 1, .subscriptions = office})
            .send(1, mw::connect_packet{.client_id = "switch", .keep_alive = 60})
            .send(1, mw::publish_packet{.topic_name = "smarthome/lights/office", .payload = on,
                                        .qos_level = qos::at_least_once, .packet_id = 1})
            .send(0, mw::puback_packet{.packet_id = 1})
            .send(1, mw::publish_packet{.topic_name = "smarthome/lights/office", .payload = on,
                                        .qos_level = qos::at_least_once, .packet_id = 2})
            .send(1, mw::disconnect_packet{})
            .write("seed");
        // Wildcards, QoS 2 both ways, a retained message, a will on a dropped connection, and
        // the keep alive running out.
        const mw::subscription wild[] = {{.topic_filter = "home/+/temp", .max_qos = qos::exactly_once},
                                         {.topic_filter = "wills/#", .max_qos = qos::at_least_once}};
        const unsigned char died[] = {'d', 'i', 'e', 'd'};
        session_script(v)
            .send(0, mw::connect_packet{.client_id = "sub", .keep_alive = 5})
            .send(0, mw::subscribe_packet{.packet_id = 2, .subscriptions = wild})
            .send(1, mw::connect_packet{.client_id = "pub", .keep_alive = 60})
            .send(1, mw::publish_packet{.topic_name = "home/kitchen/temp", .payload = on,
                                        .qos_level = qos::exactly_once, .retain = true,
                                        .packet_id = 7})
            .send(1, mw::pubrel_packet{.packet_id = 7})
            .send(0, mw::pubrec_packet{.packet_id = 1})
            .send(0, mw::pubcomp_packet{.packet_id = 1})
            .send(2, mw::connect_packet{.client_id = "victim", .keep_alive = 60,
                                        .will = mw::will_message{.topic = "wills/victim",
                                                                 .payload = died,
                                                                 .qos_level = qos::at_least_once}})
            .drop(2)
            .send(0, mw::pingreq_packet{})
            .wait(0, 100)
            .write("qos2_will_keepalive");
        // A persistent session: subscribe, drop, a QoS 1 message is queued, reconnect.
        mw::connect_packet persistent{.client_id = "persist", .keep_alive = 60, .clean_start = false};
        if (v5) persistent.properties.session_expiry_interval = 3600u;
        const mw::subscription queued[] = {{.topic_filter = "q/#", .max_qos = qos::at_least_once}};
        session_script(v)
            .send(0, persistent)
            .send(0, mw::subscribe_packet{.packet_id = 3, .subscriptions = queued})
            .drop(0)
            .send(1, mw::connect_packet{.client_id = "pub", .keep_alive = 60})
            .send(1, mw::publish_packet{.topic_name = "q/a", .payload = on,
                                        .qos_level = qos::at_least_once, .packet_id = 2})
            .send(0, persistent)
            .send(0, mw::puback_packet{.packet_id = 1})
            .write("persistent_session");
        if (v5) {
            // 5.0: a Topic Alias set then used, a shared subscription, No Local.
            const mw::subscription opts[] = {{.topic_filter = "$share/g/t/#", .max_qos = qos::at_least_once},
                                             {.topic_filter = "t/#", .max_qos = qos::at_least_once,
                                              .no_local = true}};
            mw::publish_packet aliased{.topic_name = "t/x", .payload = on,
                                       .qos_level = qos::at_least_once, .packet_id = 4};
            aliased.properties.topic_alias = std::uint16_t{3};
            mw::publish_packet by_alias{.topic_name = "", .payload = on,
                                        .qos_level = qos::at_least_once, .packet_id = 5};
            by_alias.properties.topic_alias = std::uint16_t{3};
            session_script(v)
                .send(0, mw::connect_packet{.client_id = "a", .keep_alive = 60})
                .send(0, mw::subscribe_packet{.packet_id = 1, .subscriptions = opts})
                .send(1, mw::connect_packet{.client_id = "", .keep_alive = 60})
                .send(1, aliased)
                .send(1, by_alias)
                .send(0, aliased)
                .write("aliases_shared_nolocal");
        }
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s <corpus-dir>\n", argv[0]);
        return 2;
    }
    root = argv[1];
    for (mw::protocol_version v :
         {mw::protocol_version::v3_1, mw::protocol_version::v3_1_1, mw::protocol_version::v5}) {
        bytes stream;  // every packet of this version back to back
        for (const packet& p : valid_packets(v)) {
            const std::string name = p.name + "_" + tag(v);
            const std::uint8_t sel = selector(v, p.from);
            write("fuzz_decode", name, sel, p.wire);
            write("fuzz_roundtrip", name, sel, p.wire);
            if (p.name.rfind("publish", 0) == 0) {
                write("fuzz_publish_head", name, sel, p.wire);
                // Forwarded (fuzz_roundtrip's check_forward reads the bytes after the packet):
                // to 5.0 with every change (QoS 2, id 5, RETAIN, DUP, topic "ab/x", alias 7,
                // identifiers 6 and 65537, expiry 60, User Property "a"="é", a 256-byte
                // announced payload), and to 3.1.1 with QoS 1 and topic "ax".
                static constexpr std::uint8_t to5_changes[] = {
                    0x00, 0xEF, 2, 0, 5, 1, 3, 0, 1, 9, 0, 7, 2, 0, 0, 0, 5,
                    0,    1,    0, 0, 1, 0, 0, 0, 0x3C, 1, 1, 0, 1, 2, 0, 1, 0};
                static constexpr std::uint8_t to311_changes[] = {0x01, 0x09, 1, 0, 5, 2, 0, 9, 0, 0, 0};
                bytes to5 = p.wire;
                to5.insert(to5.end(), std::begin(to5_changes), std::end(to5_changes));
                write("fuzz_roundtrip", name + "_forwarded_v5", sel, to5);
                bytes to311 = p.wire;
                to311.insert(to311.end(), std::begin(to311_changes), std::end(to311_changes));
                write("fuzz_roundtrip", name + "_forwarded_v311", sel, to311);
            }
            // Framing: the packet in three chunks (1 byte, 3 bytes, the rest).
            bytes framed = {3, 1, 3};
            framed.insert(framed.end(), p.wire.begin(), p.wire.end());
            write("fuzz_frame_split", name, sel, framed);
            if (p.from == mw::sender::client) stream.insert(stream.end(), p.wire.begin(), p.wire.end());
        }
        bytes whole = {0};  // no cuts: fed whole
        whole.insert(whole.end(), stream.begin(), stream.end());
        write("fuzz_frame_split", "stream_" + tag(v), selector(v, mw::sender::client), whole);
        write("fuzz_frame_split", "stream_bytewise_" + tag(v),
              static_cast<std::uint8_t>(selector(v, mw::sender::client) | 0x80u), whole);
    }
    for (const auto& [name, wire] : malformed) {
        write("fuzz_decode", "bad_" + name, 2, wire);
        write("fuzz_roundtrip", "bad_" + name, 2, wire);
        bytes framed = {2, 1, 1};
        framed.insert(framed.end(), wire.begin(), wire.end());
        write("fuzz_frame_split", "bad_" + name, 2, framed);
        if ((wire[0] >> 4) == 3) write("fuzz_publish_head", "bad_" + name, 2, wire);
    }
    // Too large for a 64-byte limit, judged from the first length byte.
    write("fuzz_frame_split", "too_large_early", 0x22, {0x01, 0x02, 0x30, 0xFF, 0x7F});
    write_utf8_and_topics();
    write_topic_matches();
    write_properties();
    write_broker_sessions();
    // The structure-aware fuzzer reads its choices from anywhere: a few plain patterns.
    for (std::size_t k = 0; k < 8; ++k) {
        bytes b(64);
        for (std::size_t i = 0; i < b.size(); ++i) b[i] = static_cast<unsigned char>(i * (2 * k + 1) + k);
        write("fuzz_structured", "pattern_" + std::to_string(k), static_cast<std::uint8_t>(k), b);
    }
    return 0;
}
