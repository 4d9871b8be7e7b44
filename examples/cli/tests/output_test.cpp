// format_message / print_message, one conversion at a time, on packets the core encodes and
// decodes. The expected texts are mosquitto_sub 2.0.11's for the same message and format
// (mosquitto_format_test compares the two on a live broker; here the time is fixed).
#include "cli/output.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <mqttwire/mqttwire.hpp>
#include <string>
#include <vector>

#include "cli/options.hpp"

namespace {

using namespace mqttwire;
using namespace mqttwire::cli;

/** A PUBLISH encoded and decoded again, so the view is what a subscriber holds. */
class message {
public:
    message(const publish_packet& p, protocol_version v = protocol_version::v5) : bytes_(1024) {
        const codec_options enc{.version = v, .from = sender::server};
        const auto n = encode(p, enc, bytes_);
        EXPECT_TRUE(n.has_value());
        bytes_.resize(n.has_value() ? *n : 0);
        const auto d = decode_publish(std::span<const std::byte>(bytes_), enc);
        EXPECT_TRUE(d.has_value());
        if (d) view_ = *d;
    }
    received_message received() const { return {view_.topic_name, view_}; }

private:
    std::vector<std::byte> bytes_;
    publish_view<std::byte> view_{};
};

std::span<const std::byte> bytes(std::string_view s) {
    return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

sub_config config(std::vector<const char*> flags) {
    flags.insert(flags.begin(), {"-t", "#"});
    auto r = parse_sub(flags, "mqttwire-sub", 1);
    EXPECT_TRUE(r.run) << r.err;
    return std::move(r.config);
}

class Output : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        ::setenv("TZ", "UTC0", 1);
        ::tzset();
    }
    // 2026-12-04T03:19:34.269647438 UTC
    const timespec at{1796354374, 269647438};

    std::string print(const sub_config& cfg, const message& m, std::string* errors = nullptr) {
        return format_message(cfg, m.received(), at, errors);
    }
    std::string print(std::vector<const char*> flags, const message& m) {
        return print(config(std::move(flags)), m);
    }
};

const publish_packet plain{.topic_name = "smarthome/lights/office", .payload = bytes("ON")};

TEST_F(Output, DefaultIsThePayloadAndANewline) {
    EXPECT_EQ(print(std::vector<const char*>{}, message(plain)), "ON\n");
    EXPECT_EQ(print({"-N"}, message(plain)), "ON");
}

TEST_F(Output, VerboseIsTopicSpacePayload) {
    EXPECT_EQ(print({"-v"}, message(plain)), "smarthome/lights/office ON\n");
    EXPECT_EQ(print({"-v", "-N"}, message(plain)), "smarthome/lights/office ON");
}

TEST_F(Output, EmptyPayloadPrintsNothingUnlessVerbose) {
    const message empty(publish_packet{.topic_name = "a/b"});
    EXPECT_EQ(print(std::vector<const char*>{}, empty), "");
    EXPECT_EQ(print({"-N"}, empty), "");
    EXPECT_EQ(print({"-v"}, empty), "a/b (null)\n");
    EXPECT_EQ(print({"-v", "-N"}, empty), "");  // mosquitto prints nothing at all here
    EXPECT_EQ(print({"-F", "%t:%p:%l"}, empty), "a/b::0\n");  // -F always prints
}

TEST_F(Output, BasicConversions) {
    const message m(publish_packet{.topic_name = "t/1",
                                   .payload = bytes("hi\x01"),
                                   .qos_level = qos::exactly_once,
                                   .retain = true,
                                   .packet_id = 513});
    EXPECT_EQ(print({"-F", "%t|%p|%l|%q|%r|%m|%%"}, m), "t/1|hi\x01|3|2|1|513|%\n");
    EXPECT_EQ(print({"-F", "%x|%X"}, m), "686901|686901\n");
    EXPECT_EQ(print({"-F", "%m"}, message(plain)), "0\n");  // QoS 0: no identifier, 0
}

TEST_F(Output, WidthsPrecisionAndFlags) {
    const message m(publish_packet{.topic_name = "topic", .payload = bytes("abcdef")});
    EXPECT_EQ(print({"-F", "[%10t][%-10t][%.3t][%8.2t][%-8.2t]"}, m),
              "[     topic][topic     ][top][      to][to      ]\n");
    EXPECT_EQ(print({"-F", "[%5l][%-5l][%05l][%1l]"}, m), "[    6][6    ][00006][6]\n");
    // A width truncates the payload; "%-p" pads with as many spaces as the payload is long.
    EXPECT_EQ(print({"-F", "[%10p][%-10p][%010p][%3p][%-p]"}, m),
              "[    abcdef][abcdef    ][0000abcdef][abc][abcdef      ]\n");
    // Under a width, %x prints half as many bytes as the width allows, or as there are.
    EXPECT_EQ(print({"-F", "[%4x][%20x][%-6X][%05x]"}, m),
              "[6162][              616263][616263][06162]\n");
}

TEST_F(Output, V5PropertyConversions) {
    const user_property users[] = {{"k", "v"}, {"k", "v 2"}};
    const std::uint32_t ids[] = {7};
    publish_packet p{.topic_name = "v5",
                     .payload = bytes("{}"),
                     .qos_level = qos::at_least_once,
                     .packet_id = 9};
    p.properties.payload_format_indicator = payload_format::utf8;
    p.properties.message_expiry_interval = 3600;
    p.properties.topic_alias = 4;
    p.properties.response_topic = "re/ply";
    p.properties.correlation_data = bytes(std::string_view("c\0d", 3));
    p.properties.user_properties = users;
    p.properties.subscription_identifiers = ids;
    p.properties.content_type = "application/json";
    const message m(p);
    EXPECT_EQ(print({"-F", "%A|%C|%E|%F|%P|%R|%S"}, m),
              "4|application/json|3600|1|k:v k:v 2|re/ply|7\n");
    EXPECT_EQ(print({"-F", "%D"}, m), std::string("c\0d\n", 4));  // the bytes as they are
    EXPECT_EQ(print({"-F", "[%5A][%-5E][%05F][%.3C][%8R][%3S]"}, m),
              "[    4][3600 ][00001][app][  re/ply][  7]\n");
    // Absent: blanks as wide as the field (the pad character for numbers), %R nothing.
    EXPECT_EQ(print({"-F", "[%A][%3A][%03E][%4C][%4R][%2S][%D][%P]"}, message(plain)),
              "[][   ][000][    ][][  ][][]\n");
}

TEST_F(Output, TimeConversions) {
    const message m(plain);
    EXPECT_EQ(print({"-F", "%I|%U|@Y-@m-@d @H:@M:@S.@N|@@|@z"}, m),
              "2026-12-04T03:19:34+0000|1796354374.269647438|2026-12-04 03:19:34.269647438|@|"
              "+0000\n");
    EXPECT_EQ(print({"-F", "[%26I][%-26I][%.4I]"}, m),
              "[  2026-12-04T03:19:34+0000][2026-12-04T03:19:34+0000  ][2026]\n");
}

TEST_F(Output, Escapes) {
    EXPECT_EQ(print({"-F", "\\\\|\\0|\\a|\\e|\\n|\\r|\\t|\\v"}, message(plain)),
              std::string("\\|\0|\a|\033|\n|\r|\t|\v\n", 16));
}

TEST_F(Output, JsonKeysInMosquittosOrder) {
    const user_property users[] = {{"k", "v"}, {"k", "w"}};
    publish_packet p{.topic_name = "j/1",
                     .payload = bytes("say \"hi\"\\\n\x01\xc3\xa9"),
                     .qos_level = qos::at_least_once,
                     .retain = true,
                     .packet_id = 3};
    p.properties.user_properties = users;
    p.properties.content_type = "ct";
    p.properties.correlation_data = bytes("cd");
    p.properties.message_expiry_interval = 100;
    const message m(p);
    EXPECT_EQ(print({"-F", "%j"}, m),
              "{\"tst\":\"2026-12-04T03:19:34.269647Z+0000\",\"topic\":\"j/1\",\"qos\":1,"
              "\"retain\":1,\"payloadlen\":13,\"mid\":3,\"properties\":{"
              "\"message-expiry-interval\":100,\"correlation-data\":\"cd\",\"user-properties\":"
              "{\"k\":\"v\",\"k\":\"w\"},\"content-type\":\"ct\"},\"payload\":\"say "
              "\\\"hi\\\"\\\\\\n\\u0001\xc3\xa9\"}\n");
    // QoS 0 has no "mid"; 3.1.1 has no "properties"; an empty payload is null.
    EXPECT_EQ(
        print({"-F", "%j"}, message(publish_packet{.topic_name = "e"}, protocol_version::v3_1_1)),
        "{\"tst\":\"2026-12-04T03:19:34.269647Z+0000\",\"topic\":\"e\",\"qos\":0,"
        "\"retain\":0,\"payloadlen\":0,\"payload\":null}\n");
}

TEST_F(Output, JsonPayloadStopsAtNulAsMosquittosCString) {
    const message m(
        publish_packet{.topic_name = "b", .payload = bytes(std::string_view("a\0b", 3))});
    EXPECT_EQ(print({"-F", "%j"}, m),
              "{\"tst\":\"2026-12-04T03:19:34.269647Z+0000\",\"topic\":\"b\",\"qos\":0,"
              "\"retain\":0,\"payloadlen\":3,\"payload\":\"a\"}\n");
}

TEST_F(Output, JsonPayloadReprintedOrRefused) {
    const message json(publish_packet{.topic_name = "j", .payload = bytes("{\"a\": [1, 2.50]}")});
    EXPECT_EQ(print({"-F", "%J"}, json),
              "{\"tst\":\"2026-12-04T03:19:34.269647Z+0000\",\"topic\":\"j\",\"qos\":0,"
              "\"retain\":0,\"payloadlen\":16,\"payload\":{\"a\":[1,2.5]}}\n");
    EXPECT_EQ(print({"-F", "%J", "--pretty"}, json),
              "{\n\t\"tst\":\t\"2026-12-04T03:19:34.269647Z+0000\",\n\t\"topic\":\t\"j\",\n"
              "\t\"qos\":\t0,\n\t\"retain\":\t0,\n\t\"payloadlen\":\t16,\n\t\"payload\":\t{\n"
              "\t\t\"a\":\t[1, 2.5]\n\t}\n}\n");
    std::string errors;
    EXPECT_EQ(print(config({"-F", "<%J>"}), message(plain), &errors), "<>\n");
    EXPECT_EQ(errors,
              "Error: Message payload is not valid JSON on topic smarthome/lights/office.\n");
}

TEST_F(Output, JsonPayloadMustEndWhereTheMessageEnds) {
    // Whitespace may surround the value; a NUL after it ends cJSON's C string before the
    // message's end, which mosquitto refuses (mosquitto_sub 2.0.11 on the same payloads).
    const auto payload_of = [&](std::string_view payload, std::vector<const char*> flags) {
        std::string errors;
        const std::string printed =
            print(config(std::move(flags)),
                  message(publish_packet{.topic_name = "j", .payload = bytes(payload)}), &errors);
        const std::size_t from = printed.find("\"payload\":");
        return errors.empty() && from != std::string::npos ? printed.substr(from) : errors;
    };
    EXPECT_EQ(payload_of(" \t[1, {\"a\":\"\\u00e9\"}]\r\n", {"-F", "%J"}),
              "\"payload\":[1,{\"a\":\"\xc3\xa9\"}]}\n");
    EXPECT_EQ(payload_of(" [1, {}] ", {"-F", "%J", "--pretty"}),
              "\"payload\":\t[1, {\n\t\t}]\n}\n");
    const std::string refused = "Error: Message payload is not valid JSON on topic j.\n";
    EXPECT_EQ(payload_of(std::string_view("[1]\0", 4), {"-F", "%J"}), refused);
    EXPECT_EQ(payload_of(std::string_view("[1]\0 ", 5), {"-F", "%J"}), refused);
    EXPECT_EQ(payload_of("[1] x", {"-F", "%J"}), refused);
    EXPECT_EQ(payload_of("[1,2", {"-F", "%J"}), refused);
}

TEST_F(Output, FormatErrorsAreMosquittos) {
    EXPECT_EQ(format_error("%t %p @Y \\n %-05.3p %%"), "");
    EXPECT_EQ(format_error("%"), "Error: Incomplete format specifier.\n");
    EXPECT_EQ(format_error("%-"), "Error: Incomplete format specifier.\n");
    EXPECT_EQ(format_error("%5.2"), "Error: Incomplete format specifier.\n");
    EXPECT_EQ(format_error("%y"), "Error: Invalid format specifier 'y'.\n");
    EXPECT_EQ(format_error("@"), "Error: Incomplete format specifier.\n");
    EXPECT_EQ(format_error("\\"), "Error: Incomplete escape specifier.\n");
    EXPECT_EQ(format_error("\\x"), "Error: Invalid escape specifier 'x'.\n");
}

TEST_F(Output, PrintMessageWritesAndFlushes) {
    std::FILE* f = std::tmpfile();
    ASSERT_NE(f, nullptr);
    const message m(plain);
    print_message(f, config({"-v"}), m.received(), at);
    std::rewind(f);
    char buf[64] = {};
    const std::size_t n = std::fread(buf, 1, sizeof buf, f);
    std::fclose(f);
    EXPECT_EQ(std::string(buf, n), "smarthome/lights/office ON\n");
}

TEST_F(Output, StreamedOutputIsThePrintedOutputSplitAroundThePayload) {
    publish_packet p{.topic_name = "big/file",
                     .payload = bytes("0123456789"),
                     .qos_level = qos::at_least_once,
                     .packet_id = 5};
    p.properties.content_type = "bin";
    const message m(p);
    for (std::vector<const char*> flags : {std::vector<const char*>{},
                                           {"-v"},
                                           {"-N"},
                                           {"-v", "-N"},
                                           {"-F", "%t %l %p|%C|%m"},
                                           {"-F", "%p"},
                                           {"-F", "%t only"},
                                           {"-F", "%.3p"}}) {
        const sub_config cfg = config(flags);
        const std::string whole = print(cfg, m);
        publish_head_view<std::byte> head = m.received().publish;
        const auto split = stream_around_payload(cfg, "big/file", head, at);
        ASSERT_TRUE(split.has_value()) << (flags.empty() ? "" : flags.back());
        const std::string payload = split->payload_shown ? "0123456789" : "";
        EXPECT_EQ(split->before + payload + split->after, whole)
            << (flags.empty() ? "" : flags.back());
    }
    EXPECT_FALSE(
        stream_around_payload(config({"-F", "%t only"}), "big/file", m.received().publish, at)
            ->payload_shown);
    // Formats that need the payload's bytes, or show it twice or padded, cannot stream.
    for (const char* f : {"%x", "%X", "%j", "%J", "%p%p", "%5p", "%-p"})
        EXPECT_FALSE(stream_around_payload(config({"-F", f}), "big/file", m.received().publish, at))
            << f;
}

TEST_F(Output, RandomFilterPrintsAboutTheShareAsked) {
    // --random-filter 50 keeps 500 in 10000 (mosquitto's tenths of a percent): about 5%.
    const sub_config cfg = config({"--random-filter", "50"});
    const message m(plain);
    int printed = 0;
    for (int k = 0; k < 4000; ++k) {
        std::FILE* f = std::tmpfile();
        print_message(f, cfg, m.received(), at);
        printed += std::ftell(f) > 0 ? 1 : 0;
        std::fclose(f);
    }
    EXPECT_GT(printed, 100);
    EXPECT_LT(printed, 320);
}

}  // namespace
