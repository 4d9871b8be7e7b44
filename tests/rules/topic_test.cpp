// Topic Name and Topic Filter rules (3.1.1 §4.7, 5.0 §4.7 and §4.8.2): the shared predicates
// every decoder and encoder calls, table by table for both versions, `$share/` included.
#include <gtest/gtest.h>

#include <cstddef>
#include <mqttwire/error.hpp>
#include <mqttwire/rules/topic.hpp>
#include <string>
#include <string_view>

namespace {

using namespace mqttwire;
using namespace mqttwire::detail;

constexpr leniency strict{};

struct filter_case {
    std::string_view filter;
    errc code;
    std::size_t offset;
    bool shared = false;
};

::testing::AssertionResult filter_is(const filter_case& c, protocol_version version) {
    bool shared = !c.shared;  // must be overwritten
    const text_fault f = check_topic_filter(c.filter.data(), c.filter.size(), version, strict, shared);
    if (f.code != c.code || (c.code != errc::none && f.offset != c.offset))
        return ::testing::AssertionFailure()
               << "\"" << c.filter << "\" (" << name(version) << "): got " << name(f.code) << " at "
               << f.offset << ", expected " << name(c.code) << " at " << c.offset;
    if (c.code == errc::none && shared != c.shared)
        return ::testing::AssertionFailure() << "\"" << c.filter << "\": shared " << shared;
    return ::testing::AssertionSuccess();
}

// Valid in 3.1.1 and 5.0 alike, none of them a shared subscription.
const filter_case valid_filters[] = {
    {"#", errc::none, 0},
    {"+", errc::none, 0},
    {"/", errc::none, 0},
    {"//", errc::none, 0},
    {"a", errc::none, 0},
    {"a/b/c", errc::none, 0},
    {"a/#", errc::none, 0},
    {"/#", errc::none, 0},
    {"a/+", errc::none, 0},
    {"+/+", errc::none, 0},
    {"/+", errc::none, 0},
    {"+/", errc::none, 0},
    {"a//b", errc::none, 0},
    {"+/tennis/#", errc::none, 0},
    {"sport/tennis/player1/#", errc::none, 0},  // 3.1.1 §4.7.1.2 examples
    {"sport/+/player1", errc::none, 0},
    {"$SYS/#", errc::none, 0},
    {"$SYS/+/x", errc::none, 0},
    {"\xE2\x82\xAC/+/\xF0\x9F\x98\x80", errc::none, 0},
    {"$share", errc::none, 0},
    {"$sharex/g/a", errc::none, 0},
    {"$SHARE/g/a", errc::none, 0},
    {"share/g/a", errc::none, 0},
};

// Invalid in 3.1.1 and 5.0 alike.
const filter_case invalid_filters[] = {
    {"", errc::topic_filter_empty, 0},                      // MQTT-4.7.3-1
    {"a#", errc::multi_level_wildcard_misplaced, 1},        // 3.1.1 MQTT-4.7.1-2
    {"#a", errc::multi_level_wildcard_misplaced, 0},
    {"#/", errc::multi_level_wildcard_misplaced, 0},
    {"a/#/b", errc::multi_level_wildcard_misplaced, 2},
    {"##", errc::multi_level_wildcard_misplaced, 0},
    {"sport/tennis#", errc::multi_level_wildcard_misplaced, 12},
    {"#+", errc::multi_level_wildcard_misplaced, 0},
    {"a+", errc::single_level_wildcard_misplaced, 1},       // 3.1.1 MQTT-4.7.1-3
    {"+a", errc::single_level_wildcard_misplaced, 0},
    {"++", errc::single_level_wildcard_misplaced, 0},
    {"+#", errc::single_level_wildcard_misplaced, 0},
    {"a/+b", errc::single_level_wildcard_misplaced, 2},
    {"sport+", errc::single_level_wildcard_misplaced, 5},
    {"a/b+/c", errc::single_level_wildcard_misplaced, 3},
    {std::string_view("a/\0", 3), errc::utf8_null_character, 2},  // MQTT-4.7.3-2
    {"a/\xFF", errc::utf8_ill_formed, 2},
    {"a/\x01", errc::utf8_control_character, 2},
    {"\xED\xA0\x80/#", errc::utf8_surrogate, 0},
};

TEST(Topic, FiltersValidInBothVersions) {
    for (const filter_case& c : valid_filters) {
        EXPECT_TRUE(filter_is(c, protocol_version::v3_1_1));
        EXPECT_TRUE(filter_is(c, protocol_version::v5));
        EXPECT_TRUE(filter_is(c, protocol_version::v3_1));
    }
    const std::string longest(65535, 'a');
    EXPECT_TRUE(filter_is({longest, errc::none, 0}, protocol_version::v3_1_1));
}

TEST(Topic, FiltersInvalidInBothVersions) {
    for (const filter_case& c : invalid_filters) {
        EXPECT_TRUE(filter_is(c, protocol_version::v3_1_1));
        EXPECT_TRUE(filter_is(c, protocol_version::v5));
        EXPECT_TRUE(filter_is(c, protocol_version::v3_1));
    }
}

TEST(Topic, MQTT_4_8_2_1_SharedSubscriptionsIn5) {
    const filter_case valid[] = {
        {"$share/g/a", errc::none, 0, true},
        {"$share/g/#", errc::none, 0, true},
        {"$share/g/+", errc::none, 0, true},
        {"$share/g//", errc::none, 0, true},
        {"$share/group-1/sport/+/player1/#", errc::none, 0, true},
        {"$share/\xC3\xA9/a", errc::none, 0, true},
        {"$share/g/$share/h/a", errc::none, 0, true},
    };
    for (const filter_case& c : valid) EXPECT_TRUE(filter_is(c, protocol_version::v5));

    const filter_case invalid[] = {
        {"$share/", errc::shared_subscription_invalid, 7},      // ShareName empty (4.8.2-1)
        {"$share//a", errc::shared_subscription_invalid, 7},    // ShareName empty
        {"$share/g", errc::shared_subscription_invalid, 8},     // no '/' and filter (4.8.2-2)
        {"$share/g/", errc::shared_subscription_invalid, 8},    // empty filter after it
        {"$share/#/a", errc::shared_subscription_invalid, 7},   // wildcard in ShareName
        {"$share/+/a", errc::shared_subscription_invalid, 7},
        {"$share/g#/a", errc::shared_subscription_invalid, 8},
        {"$share/g+/a", errc::shared_subscription_invalid, 8},
        {"$share/g/a#", errc::multi_level_wildcard_misplaced, 10},  // the inner filter's rules
        {"$share/g/+a", errc::single_level_wildcard_misplaced, 9},
        {"$share/g/a/#/b", errc::multi_level_wildcard_misplaced, 11},
    };
    for (const filter_case& c : invalid) EXPECT_TRUE(filter_is(c, protocol_version::v5));
}

TEST(Topic, SharePrefixIsAnOrdinaryFilterBefore5) {
    // In 3.1.1 and 3.1 `$share/...` has no meaning: only the wildcard rules apply.
    const filter_case cases[] = {
        {"$share/g/a", errc::none, 0},
        {"$share/", errc::none, 0},
        {"$share//a", errc::none, 0},
        {"$share/g", errc::none, 0},
        {"$share/+/a", errc::none, 0},
        {"$share/#", errc::none, 0},
        {"$share/#/a", errc::multi_level_wildcard_misplaced, 7},
        {"$share/g#/a", errc::multi_level_wildcard_misplaced, 8},
        {"$share/g+/a", errc::single_level_wildcard_misplaced, 8},
    };
    for (const filter_case& c : cases) {
        EXPECT_TRUE(filter_is(c, protocol_version::v3_1_1));
        EXPECT_TRUE(filter_is(c, protocol_version::v3_1));
    }
}

struct name_case {
    std::string_view topic;
    errc code;
    std::size_t offset;
};

TEST(Topic, NamesFollowTheUtf8RulesAndCarryNoWildcard) {
    const name_case valid[] = {{"a", errc::none, 0},         {"/", errc::none, 0},
                               {"a/b", errc::none, 0},       {"$SYS/broker/load", errc::none, 0},
                               {" ", errc::none, 0},         {"a//b/", errc::none, 0},
                               {"\xEF\xBB\xBF", errc::none, 0}, {"$share/g/a", errc::none, 0}};
    const name_case invalid[] = {
        {"", errc::topic_name_empty, 0},  // MQTT-4.7.3-1
        {"+", errc::topic_name_has_wildcard, 0},
        {"#", errc::topic_name_has_wildcard, 0},
        {"a/+", errc::topic_name_has_wildcard, 2},
        {"sport/tennis/#", errc::topic_name_has_wildcard, 13},
        {"0123456789abcdef0123456789+", errc::topic_name_has_wildcard, 26},
        {std::string_view("a\0", 2), errc::utf8_null_character, 1},
        {"a\xC3", errc::utf8_ill_formed, 1},
        {"a\x7F", errc::utf8_control_character, 1},
    };
    for (const name_case& c : valid) {
        const text_fault f = check_topic_name(c.topic.data(), c.topic.size(), strict);
        EXPECT_EQ(f.code, errc::none) << c.topic;
    }
    for (const name_case& c : invalid) {
        const text_fault f = check_topic_name(c.topic.data(), c.topic.size(), strict);
        EXPECT_EQ(f.code, c.code) << c.topic;
        EXPECT_EQ(f.offset, c.offset) << c.topic;
    }
}

TEST(Topic, EmptyNameOnlyWhereTheCallerAllowsIt) {
    // 5.0 PUBLISH with a Topic Alias may carry an empty Topic Name; nothing else may.
    EXPECT_EQ(check_topic_name("", 0, strict).code, errc::topic_name_empty);
    EXPECT_EQ(check_topic_name("", 0, strict, true).code, errc::none);
    EXPECT_EQ(check_topic_name("a+", 2, strict, true).code, errc::topic_name_has_wildcard);
}

TEST(Topic, LeniencyAppliesToTopicsToo) {
    const leniency lenient{true, true};
    EXPECT_EQ(check_topic_name("a\x01", 2, lenient).code, errc::none);
    bool shared = false;
    EXPECT_EQ(check_topic_filter("a/\x01/#", 5, protocol_version::v3_1_1, lenient, shared).code,
              errc::none);
    EXPECT_EQ(check_topic_name("a/#", 3, lenient).code, errc::topic_name_has_wildcard);
}

TEST(Topic, WildcardsAtBlockEdgesInLongFilters) {
    // Filters longer than the 16- and 32-byte screens, with the wildcard on either side of an
    // edge, and the overlapping loads of the last bytes.
    const std::string a15(15, 'a'), a16(16, 'a'), a31(31, 'a'), a32(32, 'a'), a40(40, 'a');
    struct owned_case {  // filter_case only views its text
        std::string filter;
        errc code;
        std::size_t offset;
    };
    const owned_case cases[] = {
        {a15 + "/+", errc::none, 0},
        {a15 + "/#", errc::none, 0},
        {a16 + "/+/" + a16, errc::none, 0},
        {a31 + "/+/" + a15 + "/#", errc::none, 0},
        {a15 + "+", errc::single_level_wildcard_misplaced, 15},
        {a16 + "+", errc::single_level_wildcard_misplaced, 16},
        {a16 + "/+a", errc::single_level_wildcard_misplaced, 17},
        {a31 + "/+" + a15, errc::single_level_wildcard_misplaced, 32},
        {a32 + "#", errc::multi_level_wildcard_misplaced, 32},
        {a40 + "/#/", errc::multi_level_wildcard_misplaced, 41},
        {a40 + "/+/" + a40 + "#", errc::multi_level_wildcard_misplaced, 83},
        {"+" + a40, errc::single_level_wildcard_misplaced, 0},
        {a40 + "\x7F" + "/+", errc::utf8_control_character, 40},
        {"a+" + a40 + "\x01", errc::utf8_control_character, 42},  // text faults come first
        {a31 + "/" + "\xC3\xA9" + "/+", errc::none, 0},
    };
    for (const owned_case& c : cases) {
        EXPECT_TRUE(filter_is({c.filter, c.code, c.offset}, protocol_version::v3_1_1));
        EXPECT_TRUE(filter_is({c.filter, c.code, c.offset}, protocol_version::v5));
    }
}

TEST(Topic, ScreenAgreesWithTheRuleByRuleCheck) {
    // check_topic_filter passes most filters through a block screen; every verdict, offset and
    // `shared` must be what the rules one by one give, for one odd byte at every position of
    // filters of every length up to past three blocks.
    const char odd[] = {'+', '#', '/', '\x01', '\x7F', '\xC3', '\0', '$'};
    const std::string_view prefixes[] = {"", "$share/g/", "$share/", "$share/g+/", "a/"};
    for (const leniency lenient : {leniency{}, leniency{true, true}}) {
        for (const std::string_view prefix : prefixes) {
            for (std::size_t n = 1; n <= 72; ++n) {
                for (std::size_t k = 0; k < n; ++k) {
                    for (const char c : odd) {
                        for (const bool levels : {false, true}) {
                            std::string f(prefix);
                            for (std::size_t i = 0; i < n; ++i)
                                f += levels && i % 5 == 4 ? '/' : 'a';
                            f[prefix.size() + k] = c;
                            for (const protocol_version v :
                                 {protocol_version::v3_1_1, protocol_version::v5}) {
                                bool shared_fast = false, shared_rules = true;
                                const text_fault fast =
                                    check_topic_filter(f.data(), f.size(), v, lenient, shared_fast);
                                const text_fault rules = check_topic_filter_rules(
                                    f.data(), f.size(), v, lenient, shared_rules);
                                ASSERT_EQ(fast.code, rules.code) << f;
                                ASSERT_EQ(fast.offset, rules.offset) << f;
                                if (rules.code == errc::none) {
                                    ASSERT_EQ(shared_fast, shared_rules) << f;
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

TEST(Topic, RulesWorkInConstantExpressions) {
    constexpr auto filter_ok = [](std::string_view f, protocol_version v) {
        bool shared = false;
        return check_topic_filter(f.data(), f.size(), v, leniency{}, shared).code == errc::none;
    };
    static_assert(filter_ok("$share/g/#", protocol_version::v5));
    static_assert(!filter_ok("$share//a", protocol_version::v5));
    static_assert(filter_ok("$share//a", protocol_version::v3_1_1));
    static_assert(!filter_ok("a/#/b", protocol_version::v3_1_1));
    static_assert(check_topic_name("a/b", 3, leniency{}).code == errc::none);
    static_assert(check_topic_name("a/+", 3, leniency{}).code == errc::topic_name_has_wildcard);
    SUCCEED();
}

// The public checks a driver calls on text from a user: the same rules, with the statement of
// the version asked for and the offset into the text.
TEST(TopicPublicChecks, MQTT_4_7_3_1_TopicNameMustNotBeEmpty) {
    const error e = mqttwire::check_topic_name("", protocol_version::v3_1_1);
    EXPECT_EQ(e.code, errc::topic_name_empty);
    EXPECT_EQ(e.statement, statement(errc::topic_name_empty, protocol_version::v3_1_1));
    EXPECT_EQ(mqttwire::check_topic_name("smarthome/lights/office", protocol_version::v5),
              error{});
}

TEST(TopicPublicChecks, MQTT_3_3_2_2_TopicNameMustNotContainWildcards) {
    for (const protocol_version v : {protocol_version::v3_1, protocol_version::v3_1_1,
                                     protocol_version::v5}) {
        const error e = mqttwire::check_topic_name("home/+/x", v);
        EXPECT_EQ(e.code, errc::topic_name_has_wildcard);
        EXPECT_EQ(e.offset, 5u);
        EXPECT_EQ(e.statement, statement(errc::topic_name_has_wildcard, v));
        EXPECT_EQ(mqttwire::check_topic_name("a#", v).offset, 1u);
    }
}

TEST(TopicPublicChecks, MQTT_1_5_4_1_IllFormedUtf8InATopicIsRefused) {
    const error e = mqttwire::check_topic_name("ab\xC3", protocol_version::v5);
    EXPECT_NE(e.code, errc::none);
    EXPECT_EQ(e.offset, 2u);
    // Control characters: refused strictly, accepted when the caller says so.
    EXPECT_NE(mqttwire::check_topic_name("a\x01", protocol_version::v5).code, errc::none);
    EXPECT_EQ(mqttwire::check_topic_name("a\x01", protocol_version::v5,
                                         leniency{.allow_control_characters = true})
                  .code,
              errc::none);
}

TEST(TopicPublicChecks, ATopicLongerThanAStringCanBeIsRefused) {
    const std::string longest(max_field_length, 'a');
    EXPECT_EQ(mqttwire::check_topic_name(longest, protocol_version::v5).code, errc::none);
    EXPECT_EQ(mqttwire::check_topic_name(longest + "a", protocol_version::v5).code,
              errc::field_too_long);
    EXPECT_EQ(mqttwire::check_topic_filter(longest + "a", protocol_version::v5).code,
              errc::field_too_long);
}

TEST(TopicPublicChecks, MQTT_4_7_1_2_MultiLevelWildcardMustBeLast) {
    EXPECT_EQ(mqttwire::check_topic_filter("a/#", protocol_version::v3_1_1), error{});
    const error e = mqttwire::check_topic_filter("a/#/b", protocol_version::v3_1_1);
    EXPECT_EQ(e.code, errc::multi_level_wildcard_misplaced);
    EXPECT_EQ(e.offset, 2u);
    EXPECT_EQ(e.statement,
              statement(errc::multi_level_wildcard_misplaced, protocol_version::v3_1_1));
}

TEST(TopicPublicChecks, MQTT_4_7_1_3_SingleLevelWildcardMustBeAWholeLevel) {
    EXPECT_EQ(mqttwire::check_topic_filter("+/a/+", protocol_version::v5), error{});
    EXPECT_EQ(mqttwire::check_topic_filter("a+", protocol_version::v5).code,
              errc::single_level_wildcard_misplaced);
    EXPECT_EQ(mqttwire::check_topic_filter("", protocol_version::v5).code,
              errc::topic_filter_empty);
}

TEST(TopicPublicChecks, MQTT_4_8_2_1_ShareNameOnlyUnderVersion5) {
    EXPECT_EQ(mqttwire::check_topic_filter("$share/g/a/#", protocol_version::v5), error{});
    EXPECT_EQ(mqttwire::check_topic_filter("$share//a", protocol_version::v5).code,
              errc::shared_subscription_invalid);
    // 3.1.1 has no shared subscriptions: the same text is an ordinary filter.
    EXPECT_EQ(mqttwire::check_topic_filter("$share//a", protocol_version::v3_1_1), error{});
}

TEST(TopicPublicChecks, WorkInConstantExpressions) {
    static_assert(mqttwire::check_topic_name("a/b", protocol_version::v5).code == errc::none);
    static_assert(mqttwire::check_topic_name("a/#", protocol_version::v5).code ==
                  errc::topic_name_has_wildcard);
    static_assert(mqttwire::check_topic_filter("a/#", protocol_version::v5).code == errc::none);
    static_assert(mqttwire::check_topic_filter("#/a", protocol_version::v5).code ==
                  errc::multi_level_wildcard_misplaced);
    SUCCEED();
}

}  // namespace
