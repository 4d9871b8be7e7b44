// parse_pub and parse_sub: mosquitto 2.0's defaults, every flag, and its refusals word for word
// (refusal_cases.hpp, taken from the real tools).
#include "cli/options.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <mqttwire/mqttwire.hpp>
#include <string>
#include <vector>

#include "refusal_cases.hpp"

namespace {

using namespace mqttwire;
using namespace mqttwire::cli;

parsed<pub_config> pub(std::vector<const char*> args) {
    return parse_pub(args, "mqttwire-pub", 4242);
}
parsed<sub_config> sub(std::vector<const char*> args) {
    return parse_sub(args, "mqttwire-sub", 4242);
}

TEST(Options, PubDefaultsAreMosquittos) {
    const auto r = pub({"-t", "a", "-m", "x"});
    ASSERT_TRUE(r.run) << r.err;
    const client_config& c = r.config.client;
    EXPECT_EQ(c.host, "localhost");
    EXPECT_EQ(c.port, 1883);
    EXPECT_EQ(c.keep_alive, 60);
    EXPECT_EQ(c.version, protocol_version::v3_1_1);
    EXPECT_EQ(c.client_id, "");  // the broker assigns one
    EXPECT_TRUE(c.clean_session);
    EXPECT_EQ(c.qos_level, qos::at_most_once);
    EXPECT_EQ(c.max_inflight, 20u);
    EXPECT_FALSE(c.username.has_value());
    EXPECT_FALSE(c.password.has_value());
    EXPECT_TRUE(c.will.topic.empty());
    EXPECT_FALSE(c.connect_properties.session_expiry_interval.has_value());
    EXPECT_EQ(r.config.topic, "a");
    EXPECT_EQ(r.config.source, message_source::command_line);
    EXPECT_EQ(r.config.message, "x");
    EXPECT_FALSE(r.config.retain);
    EXPECT_EQ(r.config.repeat_count, 1u);
    EXPECT_EQ(r.config.repeat_delay_us, 0u);
    EXPECT_EQ(r.exit_status, 0);
}

TEST(Options, SubDefaultsAreMosquittos) {
    const auto r = sub({"-t", "a/#"});
    ASSERT_TRUE(r.run) << r.err;
    EXPECT_EQ(r.config.topics, std::vector<std::string>{"a/#"});
    EXPECT_EQ(r.config.message_count, 0u);
    EXPECT_TRUE(r.config.end_of_line);
    EXPECT_FALSE(r.config.verbose);
    EXPECT_FALSE(r.config.format.has_value());
    EXPECT_EQ(r.config.random_filter, 10000u);
    EXPECT_EQ(r.config.timeout_s, 0u);
    EXPECT_EQ(r.config.retain_handling, retain_handling::send_on_subscribe);
}

TEST(Options, V3_1WithoutIdGetsMosqAndSeventeenLettersOrDigits) {
    const auto a = pub({"-V", "mqttv31", "-t", "a", "-m", "x"});
    const auto b = pub({"-V", "31", "-t", "a", "-m", "x"});
    ASSERT_TRUE(a.run && b.run);
    for (const std::string& id : {a.config.client.client_id, b.config.client.client_id}) {
        ASSERT_EQ(id.size(), 22u) << id;
        EXPECT_EQ(id.substr(0, 5), "mosq-");
        for (char ch : id.substr(5)) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(ch)));
    }
    EXPECT_NE(a.config.client.client_id, b.config.client.client_id);
}

TEST(Options, IdPrefixAppendsTheProcessId) {
    const auto r = sub({"-I", "pfx-", "-t", "a"});
    ASSERT_TRUE(r.run);
    EXPECT_EQ(r.config.client.client_id, "pfx-4242");
}

TEST(Options, ProtocolVersionNames) {
    EXPECT_EQ(pub({"-V", "mqttv311", "-t", "a", "-n"}).config.client.version,
              protocol_version::v3_1_1);
    EXPECT_EQ(pub({"-V", "311", "-t", "a", "-n"}).config.client.version, protocol_version::v3_1_1);
    EXPECT_EQ(pub({"-V", "mqttv5", "-t", "a", "-n"}).config.client.version, protocol_version::v5);
    EXPECT_EQ(pub({"-V", "5", "-t", "a", "-n"}).config.client.version, protocol_version::v5);
    EXPECT_EQ(pub({"--protocol-version", "31", "-t", "a", "-n"}).config.client.version,
              protocol_version::v3_1);
}

TEST(Options, ConnectionFlags) {
    const auto r = pub({"-h",      "broker.example",
                        "-p",      "1884",
                        "-k",      "30",
                        "-i",      "me",
                        "-u",      "user",
                        "-P",      "pw",
                        "-q",      "2",
                        "-c",      "-d",
                        "--quiet", "--nodelay",
                        "-A",      "127.0.0.1",
                        "-M",      "5",
                        "-t",      "t",
                        "-r",      "-m",
                        "m"});
    ASSERT_TRUE(r.run) << r.err;
    const client_config& c = r.config.client;
    EXPECT_EQ(c.host, "broker.example");
    EXPECT_EQ(c.port, 1884);
    EXPECT_EQ(c.keep_alive, 30);
    EXPECT_EQ(c.client_id, "me");
    EXPECT_EQ(c.username, "user");
    EXPECT_EQ(c.password, "pw");
    EXPECT_EQ(c.qos_level, qos::exactly_once);
    EXPECT_FALSE(c.clean_session);
    EXPECT_TRUE(c.debug);
    EXPECT_TRUE(c.quiet);
    EXPECT_TRUE(c.tcp_nodelay);
    EXPECT_EQ(c.bind_address, "127.0.0.1");
    EXPECT_EQ(c.max_inflight, 5u);
    EXPECT_TRUE(r.config.retain);
}

TEST(Options, UnixSocketReplacesHostAndPort) {
    const auto r = sub({"--unix", "/tmp/m.sock", "-t", "a"});
    ASSERT_TRUE(r.run);
    EXPECT_EQ(r.config.client.unix_socket, "/tmp/m.sock");
    EXPECT_EQ(r.config.client.port, 0);
}

TEST(Options, UrlGivesUserPasswordHostPortAndTopic) {
    const auto p = pub({"-L", "mqtt://ann:secret@example.org:1999/home/light", "-m", "ON"});
    ASSERT_TRUE(p.run) << p.err;
    EXPECT_EQ(p.config.client.username, "ann");
    EXPECT_EQ(p.config.client.password, "secret");
    EXPECT_EQ(p.config.client.host, "example.org");
    EXPECT_EQ(p.config.client.port, 1999);
    EXPECT_EQ(p.config.topic, "home/light");

    const auto s = sub({"-L", "MQTT://h/a/+", "-t", "b"});
    ASSERT_TRUE(s.run) << s.err;
    EXPECT_EQ(s.config.client.host, "h");
    EXPECT_EQ(s.config.client.port, 1883);
    EXPECT_FALSE(s.config.client.username.has_value());
    EXPECT_EQ(s.config.topics, (std::vector<std::string>{"a/+", "b"}));
}

TEST(Options, MessageSources) {
    EXPECT_EQ(pub({"-t", "a", "-f", "file.bin"}).config.source, message_source::file);
    EXPECT_EQ(pub({"-t", "a", "-f", "file.bin"}).config.file, "file.bin");
    EXPECT_EQ(pub({"-t", "a", "-s"}).config.source, message_source::stdin_whole);
    EXPECT_EQ(pub({"-t", "a", "-l"}).config.source, message_source::stdin_lines);
    EXPECT_EQ(pub({"-t", "a", "-n"}).config.source, message_source::empty);
    EXPECT_EQ(pub({"-t", "a", "--null-message"}).config.source, message_source::empty);
}

TEST(Options, RepeatAndDelay) {
    const auto r = pub({"-t", "a", "-m", "x", "--repeat", "3", "--repeat-delay", "0.25"});
    ASSERT_TRUE(r.run);
    EXPECT_EQ(r.config.repeat_count, 3u);
    EXPECT_EQ(r.config.repeat_delay_us, 250000u);
}

TEST(Options, WillFlags) {
    const auto r = pub({"--will-topic", "w/t", "--will-payload", "gone", "--will-qos", "1",
                        "--will-retain", "-t", "a", "-n"});
    ASSERT_TRUE(r.run) << r.err;
    EXPECT_EQ(r.config.client.will.topic, "w/t");
    EXPECT_EQ(r.config.client.will.payload, "gone");
    EXPECT_EQ(r.config.client.will.qos_level, qos::at_least_once);
    EXPECT_TRUE(r.config.client.will.retain);
}

TEST(Options, SubFlags) {
    const auto r = sub({"-t",
                        "a",
                        "-t",
                        "b/#",
                        "-v",
                        "-C",
                        "3",
                        "-N",
                        "-R",
                        "-E",
                        "-W",
                        "9",
                        "-T",
                        "a/secret",
                        "-U",
                        "old/#",
                        "-F",
                        "%t %p",
                        "--pretty",
                        "--remove-retained",
                        "--random-filter",
                        "50",
                        "--retain-as-published"});
    ASSERT_TRUE(r.run) << r.err;
    const sub_config& s = r.config;
    EXPECT_EQ(s.topics, (std::vector<std::string>{"a", "b/#"}));
    EXPECT_TRUE(s.verbose);
    EXPECT_EQ(s.message_count, 3u);
    EXPECT_FALSE(s.end_of_line);
    EXPECT_TRUE(s.no_retained);
    EXPECT_EQ(s.retain_handling, retain_handling::do_not_send);
    EXPECT_TRUE(s.exit_after_subscribe);
    EXPECT_EQ(s.timeout_s, 9u);
    EXPECT_EQ(s.filter_out, std::vector<std::string>{"a/secret"});
    EXPECT_EQ(s.unsubscribe, std::vector<std::string>{"old/#"});
    EXPECT_EQ(s.format, "%t %p");
    EXPECT_TRUE(s.pretty);
    EXPECT_TRUE(s.remove_retained);
    EXPECT_EQ(s.random_filter, 500u);  // mosquitto keeps tenths of a percent
    EXPECT_TRUE(s.retain_as_published);
    EXPECT_TRUE(sub({"-t", "a", "--retained-only"}).config.retained_only);
}

TEST(Options, SessionExpiry) {
    // 5.0 with -c and no -x: a session that never expires.
    const auto c = sub({"-V", "5", "-c", "-i", "me", "-t", "a"});
    ASSERT_TRUE(c.run) << c.err;
    EXPECT_EQ(c.config.client.connect_properties.session_expiry_interval.standard(), 0xFFFFFFFFu);
    const auto x = sub({"-V", "5", "-x", "0x10", "-t", "a"});
    ASSERT_TRUE(x.run) << x.err;
    EXPECT_EQ(x.config.client.connect_properties.session_expiry_interval.standard(), 16u);
    for (const char* infinite : {"-1", "4294967295", "\u221E"}) {
        const auto r = sub({"-V", "5", "-i", "me", "-x", infinite, "-t", "a"});
        ASSERT_TRUE(r.run) << r.err;
        EXPECT_EQ(r.config.client.connect_properties.session_expiry_interval.standard(),
                  0xFFFFFFFFu);
    }
    // Not under 3.1.1, and 0 is not sent.
    EXPECT_FALSE(sub({"-x", "60", "-t", "a"})
                     .config.client.connect_properties.session_expiry_interval.has_value());
    EXPECT_FALSE(sub({"-V", "5", "-x", "0", "-t", "a"})
                     .config.client.connect_properties.session_expiry_interval.has_value());
}

TEST(Options, PropertiesLandInTheCoresStructsAndImplyV5) {
    auto r = pub({"-t",
                  "a",
                  "-m",
                  "x",
                  "-D",
                  "connect",
                  "receive-maximum",
                  "10",
                  "-D",
                  "CONNECT",
                  "User-Property",
                  "ck",
                  "cv",
                  "-D",
                  "connect",
                  "authentication-method",
                  "SCRAM",
                  "-D",
                  "connect",
                  "authentication-data",
                  "abc",
                  "-D",
                  "connect",
                  "request-problem-information",
                  "0",
                  "-D",
                  "publish",
                  "content-type",
                  "text/plain",
                  "-D",
                  "publish",
                  "message-expiry-interval",
                  "120",
                  "-D",
                  "publish",
                  "payload-format-indicator",
                  "1",
                  "-D",
                  "publish",
                  "response-topic",
                  "r/t",
                  "-D",
                  "publish",
                  "correlation-data",
                  "id-1",
                  "-D",
                  "publish",
                  "topic-alias",
                  "3",
                  "-D",
                  "publish",
                  "user-property",
                  "k",
                  "v1",
                  "-D",
                  "publish",
                  "user-property",
                  "k",
                  "v2",
                  "-D",
                  "will",
                  "will-delay-interval",
                  "30",
                  "-D",
                  "disconnect",
                  "reason-string",
                  "bye",
                  "-D",
                  "disconnect",
                  "session-expiry-interval",
                  "5"});
    ASSERT_TRUE(r.run) << r.err;
    const client_config& c = r.config.client;
    EXPECT_EQ(c.version, protocol_version::v5);
    EXPECT_EQ(c.connect_properties.receive_maximum.standard(), 10);
    ASSERT_EQ(c.connect_properties.user_properties.size(), 1u);
    EXPECT_EQ(c.connect_properties.user_properties[0].name, "ck");
    EXPECT_EQ(c.connect_properties.user_properties[0].value, "cv");
    EXPECT_EQ(c.connect_properties.authentication_method.standard(), "SCRAM");
    ASSERT_TRUE(c.connect_properties.authentication_data.has_value());
    EXPECT_EQ(c.connect_properties.authentication_data->size(), 3u);
    EXPECT_EQ(c.connect_properties.request_problem_information.standard(), false);
    const publish_properties& p = c.publish_properties;
    EXPECT_EQ(p.content_type.standard(), "text/plain");
    EXPECT_EQ(p.message_expiry_interval.standard(), 120u);
    EXPECT_EQ(p.payload_format_indicator.standard(), payload_format::utf8);
    EXPECT_EQ(p.response_topic.standard(), "r/t");
    ASSERT_TRUE(p.correlation_data.has_value());
    const std::span<const std::byte> correlation = p.correlation_data->to_span();
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(correlation.data()), correlation.size()),
              "id-1");
    EXPECT_EQ(p.topic_alias.standard(), 3);
    EXPECT_TRUE(c.publish_topic_alias);
    ASSERT_EQ(p.user_properties.size(), 2u);
    EXPECT_EQ(p.user_properties[1].value, "v2");
    EXPECT_EQ(c.will_properties.will_delay_interval.standard(), 30u);
    EXPECT_EQ(c.disconnect_properties.reason_string.standard(), "bye");
    EXPECT_EQ(c.disconnect_properties.session_expiry_interval.standard(), 5u);

    // The views survive a move of the configuration.
    const pub_config moved = std::move(r.config);
    EXPECT_EQ(moved.client.publish_properties.content_type.standard(), "text/plain");
    EXPECT_EQ(moved.client.publish_properties.user_properties[0].name, "k");

    // The encoder takes them as they are.
    std::byte buf[512];
    const codec_options opts{.version = protocol_version::v5, .from = sender::client};
    const publish_packet packet{.topic_name = moved.topic,
                                .properties = moved.client.publish_properties};
    EXPECT_TRUE(encode(packet, opts, buf).has_value());
}

TEST(Options, SubscribeAndUnsubscribeProperties) {
    const auto r = sub({"-t", "a", "-D", "subscribe", "subscription-identifier", "42", "-D",
                        "unsubscribe", "user-property", "u", "1"});
    ASSERT_TRUE(r.run) << r.err;
    EXPECT_EQ(r.config.client.subscribe_properties.subscription_identifier.standard(), 42u);
    ASSERT_EQ(r.config.client.unsubscribe_properties.user_properties.size(), 1u);
    EXPECT_EQ(r.config.client.unsubscribe_properties.user_properties[0].name, "u");
}

TEST(Options, MessageCountBelow20LimitsReceiveMaximumUnder5) {
    EXPECT_EQ(sub({"-V", "5", "-C", "3", "-t", "a"})
                  .config.client.connect_properties.receive_maximum.standard(),
              3);
    EXPECT_FALSE(sub({"-V", "5", "-C", "20", "-t", "a"})
                     .config.client.connect_properties.receive_maximum.has_value());
    EXPECT_FALSE(
        sub({"-C", "3", "-t", "a"}).config.client.connect_properties.receive_maximum.has_value());
    EXPECT_EQ(sub({"-V", "5", "-C", "3", "-D", "connect", "receive-maximum", "9", "-t", "a"})
                  .config.client.connect_properties.receive_maximum.standard(),
              9);
}

TEST(Options, VersionGoesToStdoutWithStatus1) {
    const auto r = pub({"--version"});
    EXPECT_FALSE(r.run);
    EXPECT_EQ(r.exit_status, 1);
    EXPECT_EQ(r.out.rfind("mqttwire-pub version ", 0), 0u) << r.out;
    EXPECT_NE(r.out.find(" running on mqttwire.\n"), std::string::npos) << r.out;
}

TEST(Options, ALaterVersionFlagOverridesTheV5ThatDImplies) {
    const auto r = pub({"-D", "publish", "content-type", "x", "-V", "311", "-t", "a", "-n"});
    ASSERT_TRUE(r.run);
    EXPECT_EQ(r.config.client.version, protocol_version::v3_1_1);
}

TEST(Options, HelpGoesToStdoutWithStatus1) {
    for (const auto& r : {pub({"--help"}), pub({"-t", "a", "--help"})}) {
        EXPECT_FALSE(r.run);
        EXPECT_EQ(r.exit_status, 1);
        EXPECT_TRUE(r.err.empty());
        EXPECT_NE(r.out.find("Usage: mqttwire-pub"), std::string::npos);
    }
    const auto s = sub({"--help"});
    EXPECT_NE(s.out.find("Usage: mqttwire-sub"), std::string::npos);
}

TEST(Options, HelpListsEveryFlag) {
    const std::string common[] = {"-A",           "-c",
                                  "-d",           "-D",
                                  "-h",           "-i",
                                  "-I",           "-k",
                                  "-L",           "-M",
                                  "-p",           "-P",
                                  "-u",           "-V",
                                  "-x",           "--help",
                                  "--nodelay",    "--quiet",
                                  "--unix",       "--will-payload",
                                  "--will-qos",   "--will-retain",
                                  "--will-topic", "--cafile",
                                  "--psk",        "--proxy"};
    const std::string pub_only[] = {"-f", "-l", "-m", "-n",       "-q",
                                    "-r", "-s", "-t", "--repeat", "--repeat-delay"};
    const std::string sub_only[] = {"-C",
                                    "-E",
                                    "-F",
                                    "-N",
                                    "-q",
                                    "-R",
                                    "-t",
                                    "-T",
                                    "-U",
                                    "-v",
                                    "-W",
                                    "--pretty",
                                    "--random-filter",
                                    "--retained-only",
                                    "--remove-retained"};
    const std::string p = pub_usage("x"), s = sub_usage("x");
    // The flag as a word: after a space or '(' and before anything that cannot continue it.
    const auto lists = [](const std::string& text, const std::string& flag) {
        for (std::size_t at = 0; (at = text.find(flag, at)) != std::string::npos; ++at) {
            const char before = at == 0 ? ' ' : text[at - 1];
            const char after = at + flag.size() < text.size() ? text[at + flag.size()] : ' ';
            if ((before == ' ' || before == '(') &&
                !(std::isalnum(static_cast<unsigned char>(after)) || after == '-'))
                return true;
        }
        return false;
    };
    for (const std::string& f : common) {
        EXPECT_TRUE(lists(p, f)) << f;
        EXPECT_TRUE(lists(s, f)) << f;
    }
    for (const std::string& f : pub_only) EXPECT_TRUE(lists(p, f)) << f;
    for (const std::string& f : sub_only) EXPECT_TRUE(lists(s, f)) << f;
}

TEST(Options, TlsAndProxyFlagsAreRefusedInOneLine) {
    for (const char* flag : {"--cafile", "--capath", "--cert", "--key", "--ciphers", "--psk",
                             "--psk-identity", "--tls-version", "--tls-alpn", "--proxy"}) {
        const auto r = pub({"-t", "a", "-m", "x", flag, "value"});
        EXPECT_FALSE(r.run);
        EXPECT_EQ(r.exit_status, 1);
        EXPECT_EQ(r.err.substr(0, r.err.find('\n') + 1),
                  "Error: " + std::string(flag) + " is not supported: " +
                      (std::string(flag) == "--proxy" ? "SOCKS proxies" : "TLS") +
                      " will come in a later version.\n");
    }
    for (const char* flag : {"--insecure", "--tls-use-os-certs"})
        EXPECT_FALSE(sub({"-t", "a", flag}).run);
    EXPECT_EQ(
        pub({"-L", "mqtts://h/t", "-m", "x"}).err.rfind("Error: TLS support not available.\n", 0),
        0u);
}

TEST(Options, RefusalsAreMosquittosWordForWord) {
    for (const test::refusal_case& c : test::refusal_cases) {
        const bool is_pub = c.which == test::program::pub;
        const std::string name = is_pub ? "mqttwire-pub" : "mqttwire-sub";
        const auto [run, err, out, status] = [&] {
            if (is_pub) {
                const auto r = pub(c.args);
                return std::tuple{r.run, r.err, r.out, r.exit_status};
            }
            const auto r = sub(c.args);
            return std::tuple{r.run, r.err, r.out, r.exit_status};
        }();
        std::string shown;
        for (const char* a : c.args) shown += std::string(a) + " ";
        EXPECT_FALSE(run) << shown;
        EXPECT_EQ(status, 1) << shown;
        EXPECT_EQ(err, test::with_program_name(c.expected_err, name)) << shown;
        EXPECT_EQ(!out.empty(), c.prints_usage) << shown;
    }
}

// Beyond mosquitto's own checks: what the core's encoder would refuse is refused up front.
TEST(Options, ValuesTheEncoderWouldRefuseAreRefusedAtParse) {
    for (std::vector<const char*> args :
         {std::vector<const char*>{"-D", "publish", "payload-format-indicator", "2"},
          std::vector<const char*>{"-D", "subscribe", "subscription-identifier", "0"},
          std::vector<const char*>{"-D", "publish", "response-topic", "r/#"},
          std::vector<const char*>{"-D", "connect", "authentication-data", "x"},
          std::vector<const char*>{"-t", ""}}) {
        args.insert(args.begin(), {"-t", "a"});
        const auto r = sub(args);
        EXPECT_FALSE(r.run) << args[2];
        EXPECT_EQ(r.exit_status, 1);
        EXPECT_EQ(r.err.find("Error"), r.err.empty() ? std::string::npos : 0u) << r.err;
    }
}

}  // namespace
