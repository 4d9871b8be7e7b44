// Topic matching and shared subscriptions as a server applies them (3.1.1 §4.7, 5.0 §4.7 and
// §4.8.2): topic_matches with the specification's own examples, split_shared_subscription
// against the filter rule the decoders use, and the share name and options byte a decoded
// SUBSCRIBE gives.
#include <gtest/gtest.h>

#include <cstddef>
#include <mqttwire/mqttwire.hpp>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "../support/expect.hpp"

namespace mqttwire {
void PrintTo(const shared_subscription& s, std::ostream* out) {
    *out << "{\"" << s.share_name << "\", \"" << s.topic_filter << "\"}";
}
}  // namespace mqttwire

namespace {

using namespace mqttwire;
using namespace mqttwire_test;

struct match_case {
    std::string_view filter;
    std::string_view topic_name;
    bool matches;
};

::testing::AssertionResult match_is(const match_case& c) {
    if (topic_matches(c.filter, c.topic_name) == c.matches) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "\"" << c.filter << "\" vs \"" << c.topic_name
                                         << "\": expected " << (c.matches ? "" : "no ") << "match";
}

// '#': the parent level and any number of levels below it (§4.7.1.2 and its examples).
const match_case multi_level[] = {
    {"sport/tennis/player1/#", "sport/tennis/player1", true},
    {"sport/tennis/player1/#", "sport/tennis/player1/ranking", true},
    {"sport/tennis/player1/#", "sport/tennis/player1/score/wimbledon", true},
    {"sport/tennis/player1/#", "sport/tennis/player1/", true},
    {"sport/tennis/player1/#", "sport/tennis/player2", false},
    {"sport/tennis/player1/#", "sport/tennis/player10", false},
    {"sport/tennis/player1/#", "sport/tennis", false},
    {"sport/#", "sport", true},
    {"sport/#", "sport/", true},
    {"sport/#", "sport/tennis/x", true},
    {"sport/#", "sports", false},
    {"sport/#", "spor", false},
    {"sport/#", "/sport", false},
    {"#", "sport", true},
    {"#", "/", true},
    {"#", "a/b/c/d", true},
    {"/#", "/", true},
    {"/#", "/a", true},
    {"/#", "a", false},
    {"a/+/#", "a/b", true},
    {"a/+/#", "a/b/c/d", true},
    {"a/+/#", "a", false},
    {"+/#", "a", true},
    {"+/#", "/", true},
};

// '+': exactly one level, an empty one too (§4.7.1.3 and its examples).
const match_case single_level[] = {
    {"sport/tennis/+", "sport/tennis/player1", true},
    {"sport/tennis/+", "sport/tennis/player2", true},
    {"sport/tennis/+", "sport/tennis/player1/ranking", false},
    {"sport/+", "sport", false},
    {"sport/+", "sport/", true},
    {"sport/+", "sport/tennis/player1", false},
    {"+/+", "/finance", true},
    {"/+", "/finance", true},
    {"+", "/finance", false},
    {"+", "finance", true},
    {"+/tennis/#", "sport/tennis/player1", true},
    {"sport/+/player1", "sport/tennis/player1", true},
    {"sport/+/player1", "sport/tennis/player2", false},
    {"a/+/c", "a//c", true},
    {"a/+/c", "a/b/c", true},
    {"a/+/c", "a/b/c/d", false},
    {"a/+/c", "a/c", false},
    {"a/+", "a/", true},
    {"a/+", "a", false},
    {"+/", "/", true},
    {"+/", "a/", true},
    {"+/", "a", false},
    {"+/+/+", "//", true},
    {"+/+/+", "/", false},
};

// No wildcard: the same bytes, level separators included.
const match_case literal[] = {
    {"a/b/c", "a/b/c", true},   {"a/b/c", "a/b", false},
    {"a/b", "a/b/c", false},    {"a/b", "a/b/", false},
    {"/", "/", true},           {"/", "//", false},
    {"a//b", "a//b", true},     {"a//b", "a/b", false},
    {"$share/g/a", "a", false},  // a shared subscription matches with its filter part only
};

TEST(V5TopicMatch, MQTT_4_7_1_1_MultiLevelWildcardMatchesParentAndEveryLevelBelow) {
    for (const match_case& c : multi_level) EXPECT_TRUE(match_is(c));
}

TEST(V5TopicMatch, MQTT_4_7_1_2_SingleLevelWildcardMatchesExactlyOneLevel) {
    for (const match_case& c : single_level) EXPECT_TRUE(match_is(c));
}

// 3.1.1 numbers the same two rules MQTT-4.7.1-2 ('#') and MQTT-4.7.1-3 ('+'); matching does not
// depend on the protocol version.
TEST(V311TopicMatch, MQTT_4_7_1_2_MultiLevelWildcardMatchesParentAndEveryLevelBelow) {
    for (const match_case& c : multi_level) EXPECT_TRUE(match_is(c));
}

TEST(V311TopicMatch, MQTT_4_7_1_3_SingleLevelWildcardMatchesExactlyOneLevel) {
    for (const match_case& c : single_level) EXPECT_TRUE(match_is(c));
}

TEST(TopicMatch, FilterWithoutWildcardsMatchesOnlyTheSameName) {
    for (const match_case& c : literal) EXPECT_TRUE(match_is(c));
}

TEST(TopicMatch, MQTT_4_7_2_1_WildcardFirstDoesNotMatchDollarTopics) {
    const match_case cases[] = {
        {"#", "$SYS/monitor/Clients", false},  // §4.7.2 examples
        {"+/monitor/Clients", "$SYS/monitor/Clients", false},
        {"$SYS/#", "$SYS/monitor/Clients", true},
        {"$SYS/monitor/+", "$SYS/monitor/Clients", true},
        {"$SYS/#", "$SYS", true},
        {"$SYS/#", "$SYS/x", true},
        {"+", "$SYS", false},
        {"+/#", "$SYS/x", false},
        {"#", "$", false},
        {"+/+", "a/$SYS", true},  // only a '$' starting the name counts
        {"#", "a/$SYS", true},
        {"a/#", "a/$SYS", true},
        {"$+", "$x", true},  // invalid filter, but not one starting with a wildcard
    };
    for (const match_case& c : cases) EXPECT_TRUE(match_is(c));
}

TEST(TopicMatch, MQTT_4_7_3_4_MatchingIsByteWiseWithoutNormalisation) {
    const match_case cases[] = {
        {"Sport/#", "sport/x", false},
        {"sport/+", "SPORT/x", false},
        {"ACCOUNTS", "accounts", false},
        {"a /b", "a/b", false},
        {"a/b ", "a/b", false},
        // U+00E9 precomposed against e + U+0301 combining: equal after normalisation only.
        {"caf\xC3\xA9/+", "cafe\xCC\x81/x", false},
        {"caf\xC3\xA9/+", "caf\xC3\xA9/x", true},
        {"+/\xE2\x82\xAC", "\xF0\x9F\x98\x80/\xE2\x82\xAC", true},
    };
    for (const match_case& c : cases) EXPECT_TRUE(match_is(c));
}

// Outside the precondition the answer is the documented one, and no byte outside the views is
// read: each text is cut from a longer buffer whose next byte would change the answer.
TEST(TopicMatch, InvalidInputGivesTheDocumentedAnswer) {
    const match_case cases[] = {
        {"a#b", "a", true},  // the first '#' ends the comparison as a match
        {"a#b", "ab", true},
        {"a/#/b", "a/x", true},
        {"a+", "ab/c", false},  // '+' takes the
                                // rest of the level
        {"a+/c", "ab/c", true},
        {"a/b", "a/+", false},  // a wildcard in the name is an ordinary
                                // byte
        {"a/+", "a/+", true},
        {"", "", true},
        {"", "a", false},
        {"a", "", false},
        {"#", "", true},
        {"+", "", true},
    };
    for (const match_case& c : cases) {
        EXPECT_TRUE(match_is(c));
        const std::string filter = std::string(c.filter) + "/#";
        const std::string name = std::string(c.topic_name) + "/x";
        EXPECT_EQ(topic_matches(std::string_view(filter).substr(0, c.filter.size()),
                                std::string_view(name).substr(0, c.topic_name.size())),
                  c.matches)
            << c.filter << " vs " << c.topic_name;
    }
}

// ---------------------------------------------------------------------------------------------
// split_shared_subscription
// ---------------------------------------------------------------------------------------------

std::optional<shared_subscription> split(std::string_view filter) {
    return split_shared_subscription(filter);
}

TEST(SharedSubscription, SplitGivesShareNameAndFilter) {
    EXPECT_EQ(split("$share/g/a"), (shared_subscription{"g", "a"}));
    EXPECT_EQ(split("$share/consumer1/sport/tennis/+"),
              (shared_subscription{"consumer1", "sport/tennis/+"}));
    EXPECT_EQ(split("$share/g/#"), (shared_subscription{"g", "#"}));
    EXPECT_EQ(split("$share/g//"), (shared_subscription{"g", "/"}));
    EXPECT_EQ(split("$share/g/$SYS/x"), (shared_subscription{"g", "$SYS/x"}));
    EXPECT_EQ(split("$share/$share/a"), (shared_subscription{"$share", "a"}));
    EXPECT_EQ(split("$share/\xE2\x82\xAC/a"), (shared_subscription{"\xE2\x82\xAC", "a"}));
    // Not a shared subscription at all.
    for (const std::string_view f : {"a", "$share", "$sharex/g/a", "$SHARE/g/a", "share/g/a",
                                     "$shar/g/a", "/$share/g/a", "$SYS/#", "#", "+"})
        EXPECT_EQ(split(f), std::nullopt) << f;
}

TEST(SharedSubscription, MQTT_4_8_2_1_ShareNameMustBeAtLeastOneCharacter) {
    EXPECT_EQ(split("$share/"), std::nullopt);
    EXPECT_EQ(split("$share//a"), std::nullopt);
    EXPECT_EQ(split("$share//"), std::nullopt);
    EXPECT_EQ(split("$share/g/a")->share_name, "g");
}

TEST(SharedSubscription, MQTT_4_8_2_2_ShareNameIsFollowedBySlashAndFilter) {
    for (const std::string_view f : {"$share/g", "$share/g/", "$share/g+/a", "$share/+/a",
                                     "$share/#/a", "$share/a#/b", "$share/#", "$share/+"})
        EXPECT_EQ(split(f), std::nullopt) << f;
    // The first '/' after the prefix ends the ShareName: the rest is the filter.
    EXPECT_EQ(split("$share/g/a/b"), (shared_subscription{"g", "a/b"}));
}

// The split is the rule the 5.0 decoder applies: what it accepts as a shared subscription
// splits, what it refuses as one does not, and 3.1.1 (no shared subscriptions) changes neither.
TEST(SharedSubscription, SplitAgreesWithTheFilterRule) {
    const std::string_view filters[] = {
        "$share/g/a",
        "$share/g/#",
        "$share/g/+/x",
        "$share/g",
        "$share/g/",
        "$share//a",
        "$share/",
        "$share/g+/a",
        "$share/#/a",
        "$share",
        "$sharex/g/a",
        "a/b",
        "#",
        "$share/longer-share-name-past-16/a/b",
        "$share/longer-share-name-past-16",
        "$share/long+share-name-past-16/a",
    };
    for (const std::string_view f : filters) {
        bool shared = false;
        const auto t = detail::check_topic_filter(f.data(), f.size(), protocol_version::v5,
                                                  leniency{}, shared);
        const bool split_ok = split(f).has_value();
        if (t.code == errc::none)
            EXPECT_EQ(split_ok, shared) << f;
        else
            EXPECT_FALSE(split_ok) << f;
        EXPECT_EQ(t.code == errc::shared_subscription_invalid, shared && !split_ok) << f;
    }
}

TEST(SharedSubscription, MatchingUsesTheFilterPart) {
    const auto s = split("$share/g/sport/+");
    ASSERT_TRUE(s.has_value());
    EXPECT_TRUE(topic_matches(s->topic_filter, "sport/tennis"));
    EXPECT_FALSE(topic_matches("$share/g/sport/+", "sport/tennis"));
}

// ---------------------------------------------------------------------------------------------
// constexpr
// ---------------------------------------------------------------------------------------------

static_assert(topic_matches("sport/tennis/player1/#", "sport/tennis/player1"));
static_assert(topic_matches("sport/#", "sport"));
static_assert(topic_matches("a/+/c", "a//c"));
static_assert(!topic_matches("+", "/finance"));
static_assert(!topic_matches("#", "$SYS/x"));
static_assert(topic_matches("$SYS/#", "$SYS/x"));
static_assert(split_shared_subscription("$share/g/a/#") == shared_subscription{"g", "a/#"});
static_assert(!split_shared_subscription("$share//a").has_value());
static_assert(!split_shared_subscription("a/b").has_value());

constexpr bool share_name_of_decoded(protocol_version v) {
    constexpr char five[] = {'\x82', 16,  0,   1,   0,   0,   10,  '$', 's',
                             'h',    'a', 'r', 'e', '/', 'g', '/', 'a', '\x11'};
    constexpr char three[] = {'\x82', 15,  0,   1,   0,   10,  '$', 's',   'h',
                              'a',    'r', 'e', '/', 'g', '/', 'a', '\x01'};
    const codec_options opts{.version = v, .from = sender::client};
    const auto r = v == protocol_version::v5 ? decode_subscribe(std::span(five), opts)
                                             : decode_subscribe(std::span(three), opts);
    if (!r) return false;
    const subscription_view s = *r->subscriptions.begin();
    return v == protocol_version::v5 ? s.share_name() == "g" && s.options == 0x11
                                     : s.share_name().empty() && s.options == 0x01;
}
static_assert(share_name_of_decoded(protocol_version::v5));
static_assert(share_name_of_decoded(protocol_version::v3_1_1));

TEST(TopicMatch, IsConstexpr) {
    constexpr bool m = topic_matches("+/+", "/finance");
    EXPECT_TRUE(m);
}

// ---------------------------------------------------------------------------------------------
// subscription_view::share_name and ::options
// ---------------------------------------------------------------------------------------------

byte_vector subscribe_with(protocol_version v,
                           std::initializer_list<std::pair<std::string_view, unsigned>> entries) {
    builder b;
    b.u16(5);
    if (v == protocol_version::v5) b.u8(0);  // Property Length
    for (const auto& [filter, options] : entries) b.str(filter).u8(options);
    return b.packet(0x82);
}

std::vector<subscription_view> decoded(const byte_vector& packet, protocol_version v) {
    const auto r = decode_subscribe(std::span<const unsigned char>(packet),
                                    codec_options{.version = v, .from = sender::client});
    if (!r) {
        ADD_FAILURE() << describe(r.error());
        return {};
    }
    return {r->subscriptions.begin(), r->subscriptions.end()};
}

TEST(SubscriptionView, V5GivesShareNameAndOptionsByte) {
    const byte_vector packet = subscribe_with(
        protocol_version::v5,
        {{"$share/group1/a/+", 0x29}, {"a/b", 0x2E}, {"$share/g/#", 0x00}, {"$sharex/g/a", 0x01}});
    const auto subs = decoded(packet, protocol_version::v5);
    ASSERT_EQ(subs.size(), 4u);
    EXPECT_EQ(subs[0].topic_filter, "$share/group1/a/+");
    EXPECT_EQ(subs[0].share_name(), "group1");
    EXPECT_EQ(subs[0].options, 0x29);
    EXPECT_EQ(subs[0].max_qos, qos::at_least_once);
    EXPECT_TRUE(subs[0].retain_as_published);
    EXPECT_EQ(subs[0].retain, retain_handling::do_not_send);
    EXPECT_EQ(split_shared_subscription(subs[0].topic_filter)->topic_filter, "a/+");
    EXPECT_EQ(subs[1].share_name(), "");
    EXPECT_EQ(subs[1].options, 0x2E);
    EXPECT_TRUE(subs[1].no_local);
    EXPECT_EQ(subs[2].share_name(), "g");
    EXPECT_EQ(subs[2].options, 0x00);
    EXPECT_EQ(subs[3].share_name(), "");
    EXPECT_EQ(subs[3].options, 0x01);
}

TEST(SubscriptionView, V311HasNoShareNameButGivesOptionsByte) {
    for (const protocol_version v : {protocol_version::v3_1_1, protocol_version::v3_1}) {
        const byte_vector packet = subscribe_with(v, {{"$share/group1/a/+", 0x01}, {"a/b", 0x02}});
        const auto subs = decoded(packet, v);
        ASSERT_EQ(subs.size(), 2u);
        EXPECT_EQ(subs[0].topic_filter, "$share/group1/a/+");
        EXPECT_EQ(subs[0].share_name(), "");
        EXPECT_EQ(subs[0].options, 0x01);
        EXPECT_EQ(subs[1].options, 0x02);
        EXPECT_EQ(subs[1].max_qos, qos::exactly_once);
        // A server that gives "$share/" its 5.0 meaning here splits it itself.
        EXPECT_EQ(split_shared_subscription(subs[0].topic_filter),
                  (shared_subscription{"group1", "a/+"}));
    }
}

}  // namespace
