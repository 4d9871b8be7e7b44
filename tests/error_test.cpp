// The error vocabulary: every errc has a unique snake_case name, a message, a failure reason
// code (none excepted), and statements that exist in the standard they cite; 3.1 errors never
// name a statement. Built with MQTTWIRE_NO_ERROR_TEXT, every text must be empty instead
// (support/expect.hpp, error_text) and the source tables are checked as they are.
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <mqttwire/mqttwire.hpp>
#include <set>
#include <string>
#include <string_view>

#include "support/expect.hpp"
#include "support/statement_ids.hpp"

namespace {

using namespace mqttwire;
using mqttwire_test::error_text;

// The table is indexed by errc: one row per enumerator, the last one included.
static_assert(std::size(detail::errc_table) ==
                  static_cast<std::size_t>(errc::not_in_protocol_version) + 1,
              "errc_table needs one row per errc (update this test when appending an errc)");
constexpr std::size_t errc_count = std::size(detail::errc_table);

errc nth(std::size_t i) { return static_cast<errc>(i); }

template <std::size_t N>
bool listed(std::string_view id, const std::string_view (&ids)[N]) {
    for (const std::string_view x : ids)
        if (x == id) return true;
    return false;
}

TEST(Error, EveryErrcHasANonEmptyNameAndMessage) {
    for (std::size_t i = 0; i < errc_count; ++i) {
        EXPECT_FALSE(detail::errc_table[i].name.empty()) << i;
        EXPECT_FALSE(detail::errc_table[i].message.empty()) << detail::errc_table[i].name;
        EXPECT_EQ(name(nth(i)), error_text(detail::errc_table[i].name));
    }
    EXPECT_EQ(name(errc::none), error_text("none"));
    EXPECT_EQ(name(errc::topic_name_has_wildcard), error_text("topic_name_has_wildcard"));
}

TEST(Error, NamesAreUniqueSnakeCase) {
    std::set<std::string_view> seen;
    for (std::size_t i = 0; i < errc_count; ++i) {
        const std::string_view n = detail::errc_table[i].name;
        EXPECT_TRUE(seen.insert(n).second) << "duplicate name " << n;
        for (const char c : n)
            EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_') << n;
        EXPECT_NE(n.front(), '_');
        EXPECT_NE(n.back(), '_');
    }
    std::set<std::string_view> messages;
    for (std::size_t i = 0; i < errc_count; ++i)
        EXPECT_TRUE(messages.insert(detail::errc_table[i].message).second) << i;
}

TEST(Error, ReasonCodesAreFailuresExceptForNone) {
    EXPECT_EQ(to_reason_code(errc::none), reason_code::success);
    for (std::size_t i = 1; i < errc_count; ++i) {
        const reason_code rc = to_reason_code(nth(i));
        EXPECT_GE(static_cast<unsigned>(rc), 0x80u) << name(nth(i));
        EXPECT_TRUE(is_failure(rc)) << name(nth(i));
        EXPECT_NE(mqttwire::name(rc), "unknown") << name(nth(i));
    }
    // The classes the style guide fixes: malformed, protocol error, too large.
    EXPECT_EQ(to_reason_code(errc::utf8_ill_formed), reason_code::malformed_packet);
    EXPECT_EQ(to_reason_code(errc::qos_invalid), reason_code::malformed_packet);
    EXPECT_EQ(to_reason_code(errc::packet_identifier_zero), reason_code::protocol_error);
    EXPECT_EQ(to_reason_code(errc::packet_too_large), reason_code::packet_too_large);
}

// 5.0 §3.14.2.1: a DISCONNECT carries only the codes of its sender's table; an error whose own
// code is not there is sent as its class.
TEST(Error, MQTT_3_14_2_1_DisconnectReasonIsOneTheSenderMaySend) {
    for (const sender from : {sender::client, sender::server}) {
        for (std::size_t i = 1; i < errc_count; ++i) {
            const reason_code own = to_reason_code(nth(i));
            const reason_code sent = disconnect_reason_code(nth(i), from);
            EXPECT_TRUE(is_allowed_reason_code(packet_type::disconnect, sent,
                                               protocol_version::v5, from))
                << name(nth(i));
            if (is_allowed_reason_code(packet_type::disconnect, own, protocol_version::v5, from))
                EXPECT_EQ(sent, own) << name(nth(i));
            else
                EXPECT_EQ(sent, own == reason_code::malformed_packet ? own
                                                                     : reason_code::protocol_error)
                    << name(nth(i));
        }
    }
    static_assert(disconnect_reason_code(errc::packet_too_large, sender::server) ==
                  reason_code::packet_too_large);
    static_assert(disconnect_reason_code(errc::protocol_version_unsupported, sender::server) ==
                  reason_code::protocol_error);
    static_assert(error{errc::utf8_ill_formed, 3, ""}.disconnect_reason_code(sender::client) ==
                  reason_code::malformed_packet);
}

TEST(Error, StatementsNameRealStatementIds) {
    using mqttwire_test::statement_ids_v3_1_1;
    using mqttwire_test::statement_ids_v5;
    for (std::size_t i = 0; i < errc_count; ++i) {
        const std::string_view v311 = detail::errc_table[i].v3_1_1;
        const std::string_view v5 = detail::errc_table[i].v5;
        EXPECT_EQ(statement(nth(i), protocol_version::v3_1_1), error_text(v311));
        EXPECT_EQ(statement(nth(i), protocol_version::v5), error_text(v5));
        if (!v311.empty()) {
            EXPECT_TRUE(listed(v311, statement_ids_v3_1_1)) << v311;
        }
        if (!v5.empty()) {
            EXPECT_TRUE(listed(v5, statement_ids_v5)) << v5;
        }
    }
    for (const detail::statement_pair& site : detail::statement_sites) {
        if (!site.v3_1_1.empty()) {
            EXPECT_TRUE(listed(site.v3_1_1, statement_ids_v3_1_1)) << site.v3_1_1;
        }
        if (!site.v5.empty()) {
            EXPECT_TRUE(listed(site.v5, statement_ids_v5)) << site.v5;
        }
    }
    EXPECT_TRUE(statement(errc::none, protocol_version::v3_1_1).empty());
    EXPECT_TRUE(statement(errc::none, protocol_version::v5).empty());
}

// What a program links is derived from errc_table and statement_sites at compile time; every
// value must come out as the tables spell it.
TEST(Error, LinkedTablesGiveTheValuesOfTheSourceTables) {
    for (std::size_t i = 0; i < errc_count; ++i) {
        const detail::errc_info& row = detail::errc_table[i];
        EXPECT_EQ(name(nth(i)), error_text(row.name));
        EXPECT_EQ(message(nth(i)), error_text(row.message));
        EXPECT_EQ(to_reason_code(nth(i)), row.code);
        EXPECT_EQ(statement(nth(i), protocol_version::v3_1_1), error_text(row.v3_1_1)) << row.name;
        EXPECT_EQ(statement(nth(i), protocol_version::v5), error_text(row.v5)) << row.name;
        const detail::fault f = detail::make_fault(nth(i), 7);
        EXPECT_EQ(detail::to_error(f, protocol_version::v3_1_1),
                  (error{nth(i), 7, error_text(row.v3_1_1)}));
        EXPECT_EQ(detail::to_error(f, protocol_version::v5),
                  (error{nth(i), 7, error_text(row.v5)}));
    }
    for (std::size_t s = 0; s < std::size(detail::statement_sites); ++s) {
        const detail::statement_pair& pair = detail::statement_sites[s];
        if (s == static_cast<std::size_t>(detail::statement_site::errc_default)) continue;
        const detail::fault f = detail::make_fault(errc::fixed_header_flags_invalid, 1,
                                                   static_cast<detail::statement_site>(s));
        EXPECT_EQ(detail::to_error(f, protocol_version::v3_1_1).statement, error_text(pair.v3_1_1))
            << s;
        EXPECT_EQ(detail::to_error(f, protocol_version::v5).statement, error_text(pair.v5)) << s;
    }
    static_assert(statement(errc::will_qos_invalid, protocol_version::v3_1_1) ==
                  error_text("MQTT-3.1.2-14"));
    static_assert(statement(errc::will_qos_invalid, protocol_version::v5) ==
                  error_text("MQTT-3.1.2-12"));
    static_assert(message(errc::packet_too_large) ==
                  error_text("packet is larger than the maximum packet size"));
}

TEST(Error, MQTT31ErrorsNeverNameAStatement) {
    for (std::size_t i = 0; i < errc_count; ++i) {
        EXPECT_TRUE(statement(nth(i), protocol_version::v3_1).empty()) << name(nth(i));
        const error e = detail::to_error(detail::make_fault(nth(i), 3), protocol_version::v3_1);
        EXPECT_TRUE(e.statement.empty());
        EXPECT_NE(e.statement.data(), nullptr);  // empty, but printable with "%.*s"
    }
    for (std::size_t s = 0; s < std::size(detail::statement_sites); ++s) {
        const auto site = static_cast<detail::statement_site>(s);
        const error e = detail::to_error(
            detail::make_fault(errc::fixed_header_flags_invalid, 0, site), protocol_version::v3_1);
        EXPECT_TRUE(e.statement.empty()) << s;
    }
}

TEST(Error, ToErrorPicksTheNumberingOfTheVersion) {
    const detail::fault f = detail::make_fault(errc::will_qos_invalid, 9);
    EXPECT_EQ(detail::to_error(f, protocol_version::v3_1_1),
              (error{errc::will_qos_invalid, 9, error_text("MQTT-3.1.2-14")}));
    EXPECT_EQ(detail::to_error(f, protocol_version::v5),
              (error{errc::will_qos_invalid, 9, error_text("MQTT-3.1.2-12")}));
    EXPECT_EQ(detail::to_error(f, protocol_version::v3_1), (error{errc::will_qos_invalid, 9, ""}));
    // A site override replaces the errc's default.
    const detail::fault flags = detail::make_fault(errc::fixed_header_flags_invalid, 0,
                                                   detail::statement_site::pubrel_flags);
    EXPECT_EQ(detail::to_error(flags, protocol_version::v3_1_1).statement,
              error_text("MQTT-3.6.1-1"));
    const detail::fault plain = detail::make_fault(errc::fixed_header_flags_invalid, 0);
    EXPECT_EQ(detail::to_error(plain, protocol_version::v3_1_1).statement,
              error_text("MQTT-2.2.2-1"));
    EXPECT_EQ(detail::to_error(plain, protocol_version::v5).statement, error_text("MQTT-2.1.3-1"));
    const detail::fault none =
        detail::make_fault(errc::packet_identifier_zero, 2, detail::statement_site::not_numbered);
    EXPECT_TRUE(detail::to_error(none, protocol_version::v3_1_1).statement.empty());
    EXPECT_TRUE(detail::to_error(none, protocol_version::v5).statement.empty());
}

TEST(Error, ValueHelpers) {
    const error e{errc::qos_invalid, 0, "MQTT-3.3.1-4"};
    EXPECT_EQ(e.message(), message(errc::qos_invalid));
    EXPECT_EQ(e.to_reason_code(), reason_code::malformed_packet);
    EXPECT_EQ(e, (error{errc::qos_invalid, 0, "MQTT-3.3.1-4"}));
    EXPECT_NE(e, (error{errc::qos_invalid, 1, "MQTT-3.3.1-4"}));
    // A code outside the table reads as none rather than out of bounds.
    EXPECT_EQ(name(static_cast<errc>(250)), error_text("none"));
    EXPECT_EQ(to_reason_code(static_cast<errc>(250)), reason_code::success);
    static_assert(name(errc::packet_too_large) == error_text("packet_too_large"));
    static_assert(to_reason_code(errc::packet_too_large) == reason_code::packet_too_large);
}

TEST(Error, ResultCarriesNoErrorWithAValue) {
    const result<std::size_t> ok = std::size_t{5};
    EXPECT_TRUE(ok.has_value());
    EXPECT_EQ(ok.error().code, errc::none);
    const result<std::size_t> bad = error{errc::buffer_too_small, 0, ""};
    EXPECT_FALSE(bad.has_value());
    EXPECT_EQ(bad.error().code, errc::buffer_too_small);
    const partial<std::size_t> more = need{3, true};
    EXPECT_EQ(more.error().code, errc::none);
    EXPECT_EQ(more.need(), (need{3, true}));
    const partial<std::size_t> done = std::size_t{1};
    EXPECT_EQ(done.need(), need{});
}

}  // namespace
