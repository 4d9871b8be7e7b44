// MQTT 5.0 property rules the standard states without a number (../shared/spec/wire-format.md
// §6): which packets may carry each property, no repeats of single-valued ones, value ranges,
// Authentication Data needs an Authentication Method, value and length overruns. The tables
// below are copied from wire-format.md, not derived from the codec, so the loops check the
// codec against the spec rather than against itself.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mqttwire/mqttwire.hpp>
#include <span>
#include <string_view>
#include <variant>
#include <vector>

#include "v5_test_util.hpp"

namespace {

using namespace v5test;

constexpr reason_code malformed = reason_code::malformed_packet;
constexpr reason_code protocol = reason_code::protocol_error;

/** A packet whose property list can be swapped: bytes before it, after it, who sends it. */
struct context_case {
    const char* name;
    std::vector<unsigned> allowed;  // wire-format.md §6, "Properties per packet"
    unsigned first;
    bytes before;
    bytes after;
    codec_options opts;
    bool will = false;  // the list is CONNECT's Will Properties
};

struct built {
    bytes packet;
    std::uint32_t at;  // offset of the first property byte
};

built assemble(const context_case& c, const bytes& props) {
    builder body;
    body.raw(c.before).props(props).raw(c.after);
    const std::size_t length_size = builder{}.vbi(static_cast<std::uint32_t>(props.size())).size();
    return {packet(c.first, body.b),
            static_cast<std::uint32_t>(header_size(body.size()) + c.before.size() + length_size)};
}

const std::vector<context_case>& contexts() {
    static const std::vector<context_case> all = [] {
        const bytes connect_head = builder{}.str("MQTT").u8(5).u8(0x02).u16(0).b;
        const bytes will_head = builder{}.str("MQTT").u8(5).u8(0x06).u16(0).u8(0).str("c").b;
        const std::vector<unsigned> ack = {0x1F, 0x26};
        return std::vector<context_case>{
            {"CONNECT",
             {0x11, 0x21, 0x27, 0x22, 0x19, 0x17, 0x26, 0x15, 0x16},
             0x10,
             connect_head,
             builder{}.str("c").b,
             from_client},
            {"Will Properties",
             {0x18, 0x01, 0x02, 0x03, 0x08, 0x09, 0x26},
             0x10,
             will_head,
             builder{}.str("w").u16(0).b,
             from_client,
             true},
            {"CONNACK",
             {0x11, 0x21, 0x24, 0x25, 0x27, 0x12, 0x22, 0x1F, 0x26, 0x28, 0x29, 0x2A, 0x13, 0x1A,
              0x1C, 0x15, 0x16},
             0x20,
             {0x00, 0x00},
             {},
             from_server},
            // From a server: only a server's PUBLISH may carry Subscription Identifiers.
            {"PUBLISH",
             {0x01, 0x02, 0x23, 0x08, 0x09, 0x26, 0x0B, 0x03},
             0x32,
             builder{}.str("t").u16(1).b,
             {},
             from_server},
            {"PUBACK", ack, 0x40, {0x00, 0x01, 0x00}, {}, from_client},
            {"PUBREC", ack, 0x50, {0x00, 0x01, 0x00}, {}, from_server},
            {"PUBREL", ack, 0x62, {0x00, 0x01, 0x00}, {}, from_client},
            {"PUBCOMP", ack, 0x70, {0x00, 0x01, 0x00}, {}, from_server},
            {"SUBSCRIBE",
             {0x0B, 0x26},
             0x82,
             {0x00, 0x01},
             builder{}.str("a").u8(0).b,
             from_client},
            {"SUBACK", ack, 0x90, {0x00, 0x01}, {0x00}, from_server},
            {"UNSUBSCRIBE", {0x26}, 0xA2, {0x00, 0x01}, builder{}.str("a").b, from_client},
            {"UNSUBACK", ack, 0xB0, {0x00, 0x01}, {0x00}, from_server},
            // From a client: a server's DISCONNECT may not carry Session Expiry Interval.
            {"DISCONNECT", {0x11, 0x1F, 0x26, 0x1C}, 0xE0, {0x00}, {}, from_client},
            {"AUTH", {0x15, 0x16, 0x1F, 0x26}, 0xF0, {0x18}, {}, from_client},
        };
    }();
    return all;
}

bool allows(const context_case& c, unsigned id) {
    return std::find(c.allowed.begin(), c.allowed.end(), id) != c.allowed.end();
}

/** A valid value of each property's data type (wire-format.md §6, "Type"). */
bytes sample(unsigned id) {
    builder b;
    b.u8(id);
    switch (id) {
        case 0x01:
        case 0x17:
        case 0x19:
        case 0x24:
        case 0x25:
        case 0x28:
        case 0x29:
        case 0x2A: return b.u8(1).b;  // Byte
        case 0x13:
        case 0x21:
        case 0x22:
        case 0x23: return b.u16(5).b;  // Two Byte Integer
        case 0x02:
        case 0x11:
        case 0x18:
        case 0x27: return b.u32(5).b;  // Four Byte Integer
        case 0x0B: return b.vbi(5).b;  // Variable Byte Integer
        case 0x03:
        case 0x08:
        case 0x12:
        case 0x15:
        case 0x1A:
        case 0x1C:
        case 0x1F: return b.str("x").b;  // UTF-8 Encoded String
        case 0x09:
        case 0x16: return b.u16(1).u8(0).b;       // Binary Data
        case 0x26: return b.str("k").str("v").b;  // UTF-8 String Pair
        default: ADD_FAILURE() << "no sample for " << id; return b.b;
    }
}

bytes concat(const bytes& a, const bytes& b) {
    bytes out = a;
    out.insert(out.end(), b.begin(), b.end());
    return out;
}

using view = packet_view<std::uint8_t>;

/** The properties the case's list decoded into. */
const properties_view<std::uint8_t>* properties_in(const view& v, bool will) {
    if (will) {
        const auto* c = std::get_if<connect_view<std::uint8_t>>(&v);
        return c && c->will ? &c->will->properties : nullptr;
    }
    return std::visit(
        [](const auto& p) -> const properties_view<std::uint8_t>* {
            if constexpr (requires { p.properties; })
                return &p.properties;
            else
                return nullptr;
        },
        v);
}

testing::AssertionResult decodes_with(const context_case& c, const bytes& props,
                                      std::initializer_list<property_id> present) {
    const built b = assemble(c, props);
    const auto r = decode(std::span<const std::uint8_t>(b.packet), c.opts);
    if (!r)
        return testing::AssertionFailure()
               << "rejected: " << name(r.error().code) << " at " << r.error().offset;
    const properties_view<std::uint8_t>* p = properties_in(*r, c.will);
    if (!p) return testing::AssertionFailure() << "no property list";
    return holds_exactly(*p, present);
}

testing::AssertionResult decode_rejects(const context_case& c, const built& b,
                                        const expected_error& x) {
    const auto r = decode(std::span<const std::uint8_t>(b.packet), c.opts);
    if (r) return testing::AssertionFailure() << "decoded";
    return matches(r.error(), x);
}

TEST(V5Properties, EachPropertyIsAllowedExactlyInThePacketsTheTableLists) {
    for (const context_case& c : contexts()) {
        SCOPED_TRACE(c.name);
        for (const property_id pid : all_property_ids) {
            const auto id = static_cast<unsigned>(pid);
            SCOPED_TRACE(spec_name(pid));
            if (allows(c, id)) {
                if (pid == property_id::authentication_data) {
                    EXPECT_TRUE(decodes_with(c, concat(sample(0x15), sample(0x16)),
                                             {property_id::authentication_method, pid}));
                } else {
                    EXPECT_TRUE(decodes_with(c, sample(id), {pid}));
                }
            } else {
                const built b = assemble(c, sample(id));
                EXPECT_TRUE(
                    decode_rejects(c, b, {errc::property_not_allowed, b.at, "", malformed}));
                // Also after an allowed property: the offset is the misplaced one's.
                const bytes first = sample(0x26);
                const built b2 = assemble(c, concat(first, sample(id)));
                EXPECT_TRUE(decode_rejects(
                    c, b2,
                    {errc::property_not_allowed, b2.at + static_cast<std::uint32_t>(first.size()),
                     "", malformed}));
            }
        }
    }
}

TEST(V5Properties, UnknownIdentifiersAreMalformed) {
    std::vector<unsigned> known;
    for (property_id pid : all_property_ids) known.push_back(static_cast<unsigned>(pid));
    for (const context_case& c : contexts()) {
        SCOPED_TRACE(c.name);
        for (unsigned id = 0; id < 256; ++id) {
            if (std::find(known.begin(), known.end(), id) != known.end()) continue;
            const built b = assemble(c, builder{}.u8(id).u32(0).b);
            EXPECT_TRUE(
                decode_rejects(c, b, {errc::property_identifier_unknown, b.at, "", malformed}))
                << "identifier 0x" << std::hex << id;
        }
    }
}

TEST(V5Properties, SingleValuedPropertiesMustNotRepeat) {
    for (const context_case& c : contexts()) {
        SCOPED_TRACE(c.name);
        for (unsigned id : c.allowed) {
            SCOPED_TRACE(testing::Message() << "identifier 0x" << std::hex << id);
            const bool repeatable = id == 0x26 || (id == 0x0B && c.first >> 4 == 3);
            // Authentication Data needs its Method in front to get as far as the repeat.
            const bytes lead = id == 0x16 ? sample(0x15) : bytes{};
            const bytes once = concat(lead, sample(id));
            const bytes twice = concat(once, sample(id));
            if (repeatable) {
                const built b = assemble(c, twice);
                const auto r = decode(std::span<const std::uint8_t>(b.packet), c.opts);
                ASSERT_TRUE(r.has_value()) << name(r.error().code);
                const auto* p = properties_in(*r, c.will);
                ASSERT_NE(p, nullptr);
                if (id == 0x26) {
                    EXPECT_EQ(p->user_properties().size(), 2u);
                } else {
                    EXPECT_EQ(subscription_ids_of(*p), (std::vector<std::uint32_t>{5, 5}));
                }
            } else {
                const built b = assemble(c, twice);
                EXPECT_TRUE(
                    decode_rejects(c, b,
                                   {errc::property_duplicate,
                                    b.at + static_cast<std::uint32_t>(once.size()), "", protocol}));
            }
        }
    }
}

struct bad_value {
    unsigned id;
    bytes value;
    errc code;
};

TEST(V5Properties, OutOfRangeValuesAreProtocolErrors) {
    const std::vector<bad_value> bad = {
        {0x01, {0x02}, errc::property_value_invalid},  // Payload Format Indicator: 0 or 1
        {0x01, {0xFF}, errc::property_value_invalid},
        {0x17, {0x02}, errc::property_value_invalid},        // Request Problem Information
        {0x19, {0x02}, errc::property_value_invalid},        // Request Response Information
        {0x24, {0x02}, errc::property_value_invalid},        // Maximum QoS: 0 or 1
        {0x25, {0x02}, errc::property_value_invalid},        // Retain Available
        {0x28, {0x02}, errc::property_value_invalid},        // Wildcard Subscription Available
        {0x29, {0x80}, errc::property_value_invalid},        // Subscription Identifier Available
        {0x2A, {0x02}, errc::property_value_invalid},        // Shared Subscription Available
        {0x21, {0x00, 0x00}, errc::property_value_invalid},  // Receive Maximum 0
        {0x27, {0x00, 0x00, 0x00, 0x00}, errc::property_value_invalid},  // Maximum Packet Size 0
        {0x0B, {0x00}, errc::property_value_invalid},  // Subscription Identifier 0
        {0x23, {0x00, 0x00}, errc::topic_alias_zero},  // Topic Alias 0 (MQTT-3.3.2-8)
    };
    int checked = 0;
    for (const context_case& c : contexts()) {
        SCOPED_TRACE(c.name);
        for (const bad_value& v : bad) {
            if (!allows(c, v.id)) continue;
            SCOPED_TRACE(testing::Message() << "identifier 0x" << std::hex << v.id);
            const built b = assemble(c, concat({static_cast<std::uint8_t>(v.id)}, v.value));
            const bool alias = v.code == errc::topic_alias_zero;
            EXPECT_TRUE(decode_rejects(c, b,
                                       {v.code, b.at + 1, alias ? "MQTT-3.3.2-8" : "",
                                        alias ? reason_code::topic_alias_invalid : protocol}));
            ++checked;
        }
    }
    EXPECT_EQ(checked, 18);
    // The edges that are in range.
    const context_case& connack_case = contexts()[2];
    EXPECT_TRUE(decodes_with(connack_case, {0x24, 0x00}, {property_id::maximum_qos}));
    EXPECT_TRUE(decodes_with(connack_case, {0x21, 0xFF, 0xFF}, {property_id::receive_maximum}));
    EXPECT_TRUE(decodes_with(connack_case, {0x27, 0xFF, 0xFF, 0xFF, 0xFF},
                             {property_id::maximum_packet_size}));
    EXPECT_TRUE(decodes_with(connack_case, {0x11, 0xFF, 0xFF, 0xFF, 0xFF},
                             {property_id::session_expiry_interval}));
    const context_case& publish_case = contexts()[3];
    EXPECT_TRUE(decodes_with(publish_case, {0x0B, 0xFF, 0xFF, 0xFF, 0x7F},
                             {property_id::subscription_identifier}));
    EXPECT_TRUE(decodes_with(publish_case, {0x01, 0x00}, {property_id::payload_format_indicator}));
    EXPECT_TRUE(decodes_with(publish_case, {0x23, 0xFF, 0xFF}, {property_id::topic_alias}));
}

TEST(V5Properties, EncoderRefusesTheOutOfRangeValuesTheDecoderRejects) {
    const expected_error invalid{errc::property_value_invalid, 0, "", protocol};
    connect_packet c;
    c.client_id = "c";
    c.properties.receive_maximum = 0;
    EXPECT_TRUE(refuses(c, from_client, invalid));
    c.properties.receive_maximum = 1;
    c.properties.maximum_packet_size = 0;
    EXPECT_TRUE(refuses(c, from_client, invalid));
    c.properties.maximum_packet_size = 1;
    EXPECT_FALSE(encode_ok(c, from_client).empty());

    will_message w;
    w.topic = "w";
    w.properties.payload_format_indicator = static_cast<payload_format>(2);
    c.will = w;
    EXPECT_TRUE(refuses(c, from_client, invalid));

    connack_packet a;
    a.properties.maximum_qos = qos::exactly_once;
    EXPECT_TRUE(refuses(a, from_server, invalid));
    a.properties.maximum_qos = qos::at_most_once;
    a.properties.receive_maximum = 0;
    EXPECT_TRUE(refuses(a, from_server, invalid));
    a.properties.receive_maximum = {};
    a.properties.maximum_packet_size = 0;
    EXPECT_TRUE(refuses(a, from_server, invalid));

    publish_packet p;
    p.topic_name = "t";
    p.properties.payload_format_indicator = static_cast<payload_format>(2);
    EXPECT_TRUE(refuses(p, from_server, invalid));
    p.properties.payload_format_indicator = {};
    for (std::uint32_t id : {0u, 268'435'456u, 0xFFFFFFFFu}) {
        const std::uint32_t ids[] = {1, id};
        p.properties.subscription_identifiers = ids;
        EXPECT_TRUE(refuses(p, from_server, invalid)) << id;
        subscribe_packet s;
        s.packet_id = 1;
        const subscription list[] = {{"a"}};
        s.subscriptions = list;
        s.properties.subscription_identifier = id;
        EXPECT_TRUE(refuses(s, from_client, invalid)) << id;
    }
}

TEST(V5Properties, EncoderPropertySetsHoldExactlyTheAllowedProperties) {
    // A typed set has a field per property its packet allows, so a misplaced or repeated
    // property cannot be written: the decoder's property_not_allowed and property_duplicate
    // have no encoder input. Checked against the same table as the decoder.
#define V5_FIELD(id, field) \
    if constexpr (requires(const Set& s) { s.field; }) mask |= std::uint64_t{1} << (id)
    const auto fields = []<class Set>(const Set*) {
        std::uint64_t mask = 0;
        V5_FIELD(0x01, payload_format_indicator);
        V5_FIELD(0x02, message_expiry_interval);
        V5_FIELD(0x03, content_type);
        V5_FIELD(0x08, response_topic);
        V5_FIELD(0x09, correlation_data);
        V5_FIELD(0x0B, subscription_identifier);
        V5_FIELD(0x0B, subscription_identifiers);
        V5_FIELD(0x11, session_expiry_interval);
        V5_FIELD(0x12, assigned_client_identifier);
        V5_FIELD(0x13, server_keep_alive);
        V5_FIELD(0x15, authentication_method);
        V5_FIELD(0x16, authentication_data);
        V5_FIELD(0x17, request_problem_information);
        V5_FIELD(0x18, will_delay_interval);
        V5_FIELD(0x19, request_response_information);
        V5_FIELD(0x1A, response_information);
        V5_FIELD(0x1C, server_reference);
        V5_FIELD(0x1F, reason_string);
        V5_FIELD(0x21, receive_maximum);
        V5_FIELD(0x22, topic_alias_maximum);
        V5_FIELD(0x23, topic_alias);
        V5_FIELD(0x24, maximum_qos);
        V5_FIELD(0x25, retain_available);
        V5_FIELD(0x26, user_properties);
        V5_FIELD(0x27, maximum_packet_size);
        V5_FIELD(0x28, wildcard_subscription_available);
        V5_FIELD(0x29, subscription_identifier_available);
        V5_FIELD(0x2A, shared_subscription_available);
        return mask;
    };
#undef V5_FIELD
    const auto table = [](const char* packet) {
        for (const context_case& c : contexts()) {
            if (std::string_view(c.name) != packet) continue;
            std::uint64_t mask = 0;
            for (unsigned id : c.allowed) mask |= std::uint64_t{1} << id;
            return mask;
        }
        ADD_FAILURE() << packet;
        return std::uint64_t{0};
    };
    EXPECT_EQ(fields(static_cast<connect_properties*>(nullptr)), table("CONNECT"));
    EXPECT_EQ(fields(static_cast<will_properties*>(nullptr)), table("Will Properties"));
    EXPECT_EQ(fields(static_cast<connack_properties*>(nullptr)), table("CONNACK"));
    EXPECT_EQ(fields(static_cast<publish_properties*>(nullptr)), table("PUBLISH"));
    for (const char* ack : {"PUBACK", "PUBREC", "PUBREL", "PUBCOMP", "SUBACK", "UNSUBACK"})
        EXPECT_EQ(fields(static_cast<ack_properties*>(nullptr)), table(ack)) << ack;
    EXPECT_EQ(fields(static_cast<subscribe_properties*>(nullptr)), table("SUBSCRIBE"));
    EXPECT_EQ(fields(static_cast<unsubscribe_properties*>(nullptr)), table("UNSUBSCRIBE"));
    EXPECT_EQ(fields(static_cast<disconnect_properties*>(nullptr)), table("DISCONNECT"));
    EXPECT_EQ(fields(static_cast<auth_properties*>(nullptr)), table("AUTH"));
    // Only PUBLISH may repeat the Subscription Identifier: a range there, one value in
    // SUBSCRIBE.
    static_assert(requires(publish_properties p) { p.subscription_identifiers.size(); });
    static_assert(requires(subscribe_properties p) { p.subscription_identifier.has_value(); });
}

TEST(V5Properties, AuthenticationDataWithoutMethodIsProtocolError) {
    for (const context_case& c : contexts()) {
        if (!allows(c, 0x16)) continue;
        SCOPED_TRACE(c.name);
        // Reported at the start of the list: the rule is about the list as a whole.
        const built b = assemble(c, concat(sample(0x26), sample(0x16)));
        EXPECT_TRUE(
            decode_rejects(c, b, {errc::authentication_data_without_method, b.at, "", protocol}));
        // The Method may come after the Data.
        EXPECT_TRUE(
            decodes_with(c, concat(sample(0x16), sample(0x15)),
                         {property_id::authentication_method, property_id::authentication_data}));
    }
    const std::byte data[] = {std::byte{1}};
    const expected_error x{errc::authentication_data_without_method, 0, "", protocol};
    connect_packet c;
    c.client_id = "c";
    c.properties.authentication_data = data;
    EXPECT_TRUE(refuses(c, from_client, x));
    connack_packet a;
    a.properties.authentication_data = data;
    EXPECT_TRUE(refuses(a, from_server, x));
    auth_packet au;
    au.reason = reason_code::continue_authentication;
    au.properties.authentication_data = data;
    EXPECT_TRUE(refuses(au, from_client, x));
    au.properties.authentication_method = "m";
    EXPECT_FALSE(encode_ok(au, from_client).empty());
}

TEST(V5Properties, ValuesRunningPastTheListAreMalformed) {
    const context_case& c = contexts()[3];  // PUBLISH
    // Each value cut short by the Property Length: reported at the property's identifier,
    // except a cut Variable Byte Integer, reported at its value.
    for (const bytes& props :
         {bytes{0x01}, bytes{0x02, 0x00, 0x00}, bytes{0x23, 0x00}, bytes{0x03, 0x00, 0x05, 'x'},
          bytes{0x03, 0x00}, bytes{0x09, 0x00, 0x02, 0x00}, bytes{0x26, 0x00, 0x01, 'k'},
          bytes{0x26, 0x00, 0x01, 'k', 0x00, 0x02, 'v'}}) {
        const built b = assemble(c, props);
        EXPECT_TRUE(decode_rejects(c, b, {errc::property_value_overruns, b.at, "", malformed}))
            << "identifier " << unsigned{props[0]};
    }
    const built vbi = assemble(c, {0x0B, 0x80});
    EXPECT_TRUE(decode_rejects(c, vbi, {errc::property_value_overruns, vbi.at + 1, "", malformed}));
    // A Property Length longer than the rest of the packet: at the Property Length.
    const bytes over = packet(0x32, builder{}.str("t").u16(1).u8(10).raw({0x01, 0x01}).b);
    EXPECT_TRUE(decode_rejects(c, built{over, 0},
                               {errc::property_length_overruns_packet, 7, "", malformed}));
    const bytes over_will = packet(
        0x10, builder{}.str("MQTT").u8(5).u8(0x06).u16(0).u8(0).str("c").u8(40).str("w").u16(0).b);
    EXPECT_TRUE(decode_rejects(contexts()[1], built{over_will, 0},
                               {errc::property_length_overruns_packet, 16, "", malformed}));
}

TEST(V5Publish, ZeroLengthTopicNameNeedsATopicAlias) {
    // 5.0 §3.3.2.3.4: the one exception to MQTT-4.7.3-1.
    const bytes with_other_props =
        packet(0x30, builder{}.str("").props(concat(sample(0x01), sample(0x26))).b);
    EXPECT_TRUE(rejects(V5_DECODER(decode_publish), with_other_props, from_client,
                        {errc::topic_name_empty, 2, "MQTT-4.7.3-1", protocol}));
    const bytes with_alias =
        packet(0x30, builder{}.str("").props(concat(sample(0x23), sample(0x26))).b);
    EXPECT_TRUE(accepts(V5_DECODER(decode_publish), with_alias, from_client));
    const user_property users[] = {{"k", "v"}};
    publish_packet p;
    p.properties.user_properties = users;
    EXPECT_TRUE(refuses(p, from_client, {errc::topic_name_empty, 0, "MQTT-4.7.3-1", protocol}));
    p.properties.topic_alias = 5;
    EXPECT_EQ(encode_ok(p, from_client), with_alias);
}

TEST(V5Connect, MQTT_3_3_2_14_WillResponseTopicWithWildcardIsProtocolError) {
    const context_case& c = contexts()[1];
    const built b = assemble(c, builder{}.u8(0x08).str("r/#").b);
    EXPECT_TRUE(decode_rejects(
        c, b, {errc::response_topic_has_wildcard, b.at + 5, "MQTT-3.3.2-14", protocol}));
}

}  // namespace
