// The pieces derived from the property table and the typed sets' field declarations: value
// types, the identifiers each packet allows (checked against 5.0 Table 2-4 written out again
// here), which ones repeat, the visit order, the view's generic accessor, and every field of
// every set going through the encoder and back out of the view's accessor for its identifier.
#include <gtest/gtest.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <mqttwire/mqttwire.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace mqttwire {
namespace {

using enum property_id;
using ctx = property_context;

// ---------------------------------------------------------------------------------------------
// Value types follow the Data Type column (and what a Byte stands for).
// ---------------------------------------------------------------------------------------------

static_assert(std::is_same_v<property_value_t<session_expiry_interval>, std::uint32_t>);
static_assert(std::is_same_v<property_value_t<subscription_identifier>, std::uint32_t>);
static_assert(std::is_same_v<property_value_t<receive_maximum>, std::uint16_t>);
static_assert(std::is_same_v<property_value_t<request_problem_information>, bool>);
static_assert(std::is_same_v<property_value_t<payload_format_indicator>, payload_format>);
static_assert(std::is_same_v<property_value_t<maximum_qos>, qos>);
static_assert(std::is_same_v<property_value_t<content_type>, std::string_view>);
static_assert(std::is_same_v<property_value_t<correlation_data>, binary_input>);
static_assert(std::is_same_v<property_value_t<user_property>, struct user_property>);
static_assert(std::is_same_v<property_view_value_t<char, correlation_data>, std::span<const char>>);
static_assert(std::is_same_v<property_view_value_t<char, user_property>, user_property_view>);

/** For every identifier: the view's accessor gives the encoder's value type (but for bytes). */
template <std::size_t... I>
consteval bool view_types_follow_the_table(std::index_sequence<I...>) {
    return ((std::is_same_v<decltype(properties_view<std::byte>{}.get<property_ids[I]>()),
                            std::optional<property_value_t<property_ids[I]>>> ||
             type_of(property_ids[I]) == property_type::utf8_string_pair ||
             (type_of(property_ids[I]) == property_type::binary_data &&
              std::is_same_v<decltype(properties_view<std::byte>{}.get<property_ids[I]>()),
                             std::optional<std::span<const std::byte>>>)) &&
            ...);
}
static_assert(view_types_follow_the_table(std::make_index_sequence<property_count>{}));

// The named accessors are the generic one.
static_assert(std::is_same_v<decltype(properties_view<char>{}.maximum_qos()), std::optional<qos>>);
static_assert(
    std::is_same_v<decltype(properties_view<char>{}.retain_available()), std::optional<bool>>);
static_assert(
    std::is_same_v<decltype(properties_view<char>{}.user_properties()), user_property_range<char>>);

static_assert(property_count == 27);
static_assert(property_ids.front() == payload_format_indicator);
static_assert(property_ids.back() == shared_subscription_available);

// ---------------------------------------------------------------------------------------------
// Sets: fields counted and visited in declaration order; each field's type is its property's.
// ---------------------------------------------------------------------------------------------

static_assert(detail::field_count<connect_properties> == 9);
static_assert(detail::field_count<will_properties> == 7);
static_assert(detail::field_count<connack_properties> == 17);
static_assert(detail::field_count<publish_properties> == 8);
static_assert(detail::field_count<ack_properties> == 2);
static_assert(detail::field_count<subscribe_properties> == 2);
static_assert(detail::field_count<unsubscribe_properties> == 1);
static_assert(detail::field_count<disconnect_properties> == 4);
static_assert(detail::field_count<auth_properties> == 4);

static_assert(
    std::is_same_v<decltype(publish_properties{}.content_type), property_field<content_type>>);
static_assert(std::is_same_v<decltype(publish_properties{}.subscription_identifiers),
                             property_list<subscription_identifier>>);
static_assert(std::is_same_v<property_set_for<ctx::publish>, publish_properties>);
static_assert(std::is_same_v<property_set_for<ctx::ack>, ack_properties>);

/** Records the identifiers a set's visit() hands out. */
struct id_recorder {
    std::array<property_id, 20> ids{};
    std::size_t n = 0;
    template <class T>
    constexpr void operator()(property_id id, const T&) {
        ids[n++] = id;
    }
};

/** for_each_property and visit() agree, one call per field. */
template <class Set>
consteval bool visit_is_for_each_property() {
    id_recorder by_visit;
    const Set set{};
    set.visit(by_visit);
    std::size_t i = 0;
    bool same = by_visit.n == detail::field_count<Set>;
    for_each_property(set, [&](const auto& field) {
        same = same && by_visit.ids[i++] == std::remove_cvref_t<decltype(field)>::id;
    });
    return same;
}
static_assert(visit_is_for_each_property<connect_properties>());
static_assert(visit_is_for_each_property<connack_properties>());
static_assert(visit_is_for_each_property<publish_properties>());
static_assert(visit_is_for_each_property<auth_properties>());

consteval bool publish_visits_in_declaration_order() {
    id_recorder r;
    publish_properties{}.visit(r);
    const property_id want[] = {payload_format_indicator,
                                message_expiry_interval,
                                topic_alias,
                                response_topic,
                                correlation_data,
                                user_property,
                                subscription_identifier,
                                content_type};
    for (std::size_t i = 0; i < 8; ++i)
        if (r.ids[i] != want[i]) return false;
    return r.n == 8;
}
static_assert(publish_visits_in_declaration_order());

// A field compares as the std::optional it is: two empty ones are equal.
static_assert(property_field<content_type>{} == std::optional<std::string_view>{});
static_assert(std::optional<std::string_view>{} == property_field<content_type>{});
static_assert(property_field<content_type>{"a"} != std::optional<std::string_view>{});
static_assert(property_field<topic_alias>{7} == std::optional<std::uint16_t>{7});

// ---------------------------------------------------------------------------------------------
// The Packets column (5.0 Table 2-4), written out again from the specification; the library
// derives it from the sets' fields.
// ---------------------------------------------------------------------------------------------

constexpr std::uint64_t mask(std::initializer_list<property_id> ids) {
    std::uint64_t m = 0;
    for (property_id id : ids) m |= std::uint64_t{1} << static_cast<unsigned>(id);
    return m;
}

TEST(PropertyTable, Table2_4_PacketsColumnIsTheSetsFields) {
    struct row {
        ctx where;
        std::uint64_t ids;
    };
    const row table[] = {
        {ctx::connect,
         mask({session_expiry_interval, authentication_method, authentication_data,
               request_problem_information, request_response_information, receive_maximum,
               topic_alias_maximum, user_property, maximum_packet_size})},
        {ctx::will, mask({payload_format_indicator, message_expiry_interval, content_type,
                          response_topic, correlation_data, will_delay_interval, user_property})},
        {ctx::connack,
         mask({session_expiry_interval, assigned_client_identifier, server_keep_alive,
               authentication_method, authentication_data, response_information, server_reference,
               reason_string, receive_maximum, topic_alias_maximum, maximum_qos, retain_available,
               user_property, maximum_packet_size, wildcard_subscription_available,
               subscription_identifier_available, shared_subscription_available})},
        {ctx::publish,
         mask({payload_format_indicator, message_expiry_interval, content_type, response_topic,
               correlation_data, subscription_identifier, topic_alias, user_property})},
        {ctx::ack, mask({reason_string, user_property})},
        {ctx::subscribe, mask({subscription_identifier, user_property})},
        {ctx::unsubscribe, mask({user_property})},
        {ctx::disconnect,
         mask({session_expiry_interval, server_reference, reason_string, user_property})},
        {ctx::auth,
         mask({authentication_method, authentication_data, reason_string, user_property})},
    };
    for (const row& r : table) {
        EXPECT_EQ(detail::allowed_properties(r.where), r.ids) << static_cast<int>(r.where);
        // The public question a driver asks (is -D CONNECT topic-alias allowed?) is the same bit.
        for (const property_id id : property_ids)
            EXPECT_EQ(property_allowed_in(r.where, id), (r.ids & mask({id})) != 0)
                << static_cast<int>(r.where) << " " << spec_name(id);
    }
}

TEST(PropertyTable, PublicValueCheckIsTheDecodersRule) {
    // 5.0 §3.1.2.11.3: "It is a Protocol Error to include the Receive Maximum value of 0".
    const error zero = check_property_value(receive_maximum, 0);
    EXPECT_EQ(zero.code, errc::property_value_invalid);
    EXPECT_EQ(zero.statement, statement(errc::property_value_invalid, protocol_version::v5));
    EXPECT_EQ(check_property_value(receive_maximum, 1), error{});
    // MQTT-3.3.2-8: a Topic Alias of 0 is its own fault.
    EXPECT_EQ(check_property_value(topic_alias, 0).code, errc::topic_alias_zero);
    EXPECT_EQ(check_property_value(payload_format_indicator, 2).code,
              errc::property_value_invalid);
    EXPECT_EQ(check_property_value(subscription_identifier, max_variable_byte_integer), error{});
    EXPECT_EQ(check_property_value(subscription_identifier, max_variable_byte_integer + 1).code,
              errc::property_value_invalid);
    static_assert(check_property_value(maximum_qos, 2).code == errc::property_value_invalid);
    static_assert(property_allowed_in(ctx::publish, topic_alias));
    static_assert(!property_allowed_in(ctx::connect, topic_alias));
}

TEST(PropertyTable, UserPropertyRepeatsEverywhereSubscriptionIdentifierInPublishOnly) {
    for (std::size_t c = 0; c < detail::property_context_count; ++c) {
        const auto where = static_cast<ctx>(c);
        EXPECT_TRUE(detail::may_repeat(user_property, where)) << c;
        EXPECT_EQ(detail::may_repeat(subscription_identifier, where), where == ctx::publish) << c;
        for (property_id id : property_ids) {
            if (id != user_property && id != subscription_identifier) {
                EXPECT_FALSE(detail::may_repeat(id, where)) << c << " " << name(id);
            }
        }
    }
    EXPECT_TRUE(may_repeat(user_property));
    EXPECT_TRUE(may_repeat(subscription_identifier));
    EXPECT_FALSE(may_repeat(topic_alias));
    EXPECT_FALSE(may_repeat(static_cast<property_id>(0x04)));
}

// ---------------------------------------------------------------------------------------------
// Every field of every set, encoded and read back through the view's accessor of its identifier.
// ---------------------------------------------------------------------------------------------

constexpr std::array<std::byte, 3> sample_bytes{std::byte{1}, std::byte{0}, std::byte{0xFF}};
constexpr std::array<struct user_property, 2> sample_users{{{"k", "1"}, {"k", "2"}}};
constexpr std::array<std::uint32_t, 2> sample_ids{268435455, 1};

/** Sets every field to a value its property allows. */
struct fill_every_field {
    template <property_id Id>
    constexpr void operator()(property_field<Id>& f) const {
        using T = property_value_t<Id>;
        if constexpr (std::is_same_v<T, bool>)
            f = true;
        else if constexpr (std::is_same_v<T, payload_format>)
            f = payload_format::utf8;
        else if constexpr (std::is_same_v<T, qos>)
            f = qos::at_least_once;
        else if constexpr (std::is_same_v<T, std::string_view>)
            f = std::string_view("a/b");
        else if constexpr (std::is_same_v<T, binary_input>)
            f = binary_input(std::span<const std::byte>(sample_bytes));
        else
            f = static_cast<T>(Id == maximum_packet_size ? 70000 : 300);
    }
    constexpr void operator()(property_list<user_property>& f) const { f = sample_users; }
    constexpr void operator()(property_list<subscription_identifier>& f) const { f = sample_ids; }
};

/** Every field of `set` is what the view's accessor for its identifier reads. */
template <class Set, byte_like B>
void expect_fields_read_back(const Set& set, const properties_view<B>& view) {
    for_each_property(set, [&](const auto& field) {
        constexpr property_id id = std::remove_cvref_t<decltype(field)>::id;
        SCOPED_TRACE(std::string(name(id)));
        EXPECT_TRUE(view.contains(id));
        if constexpr (requires { field.size(); }) {
            const auto got = view.template get_all<id>();
            ASSERT_EQ(got.size(), field.size());
            std::size_t i = 0;
            for (const auto& v : got) {
                if constexpr (id == user_property)
                    EXPECT_EQ(v, (user_property_view{field[i].name, field[i].value}));
                else
                    EXPECT_EQ(v, field[i]);
                ++i;
            }
            EXPECT_EQ(i, field.size());
        } else if constexpr (type_of(id) == property_type::binary_data) {
            const auto got = view.template get<id>();
            ASSERT_TRUE(got.has_value());
            const std::span<const std::byte> want = field->to_span();
            ASSERT_EQ(got->size(), want.size());
            for (std::size_t i = 0; i < got->size(); ++i) EXPECT_EQ((*got)[i], want[i]);
        } else {
            EXPECT_EQ(view.template get<id>(), field.standard());
        }
    });
}

template <class Packet>
std::vector<std::byte> encode_all(const Packet& packet, const codec_options& opts) {
    const auto size = encoded_size(packet, opts);
    EXPECT_TRUE(size.has_value()) << (size ? "" : name(size.error().code));
    if (!size) return {};
    std::vector<std::byte> out(*size);
    const auto n = encode(packet, opts, out);
    EXPECT_TRUE(n.has_value());
    return out;
}

constexpr codec_options client5{.version = protocol_version::v5, .from = sender::client};
constexpr codec_options server5{.version = protocol_version::v5, .from = sender::server};

/** Encodes a packet carrying `set` (full), decodes it, and checks every field read back. */
template <class Set>
void round_trip_full_set() {
    Set set{};
    for_each_property(set, fill_every_field{});
    std::vector<std::byte> wire;
    bool will = false;
    if constexpr (Set::context == ctx::connect) {
        wire = encode_all(connect_packet{.client_id = "c", .properties = set}, client5);
    } else if constexpr (Set::context == ctx::will) {
        will = true;
        wire = encode_all(
            connect_packet{.client_id = "c", .will = will_message{.topic = "w", .properties = set}},
            client5);
    } else if constexpr (Set::context == ctx::connack) {
        wire = encode_all(connack_packet{.properties = set}, server5);
    } else if constexpr (Set::context == ctx::publish) {
        wire = encode_all(publish_packet{.topic_name = "t", .properties = set}, server5);
    } else if constexpr (Set::context == ctx::ack) {
        wire = encode_all(puback_packet{.packet_id = 1, .properties = set}, server5);
    } else if constexpr (Set::context == ctx::subscribe) {
        const subscription subs[] = {{.topic_filter = "f"}};
        wire = encode_all(
            subscribe_packet{.packet_id = 1, .subscriptions = subs, .properties = set}, client5);
    } else if constexpr (Set::context == ctx::unsubscribe) {
        const std::string_view filters[] = {"f"};
        wire = encode_all(
            unsubscribe_packet{.packet_id = 1, .topic_filters = filters, .properties = set},
            client5);
    } else if constexpr (Set::context == ctx::disconnect) {
        wire = encode_all(disconnect_packet{.properties = set}, client5);
    } else {
        wire = encode_all(auth_packet{.properties = set}, client5);
    }
    const bool from_server =
        Set::context == ctx::connack || Set::context == ctx::publish || Set::context == ctx::ack;
    const auto r = decode(std::span<const std::byte>(wire), from_server ? server5 : client5);
    ASSERT_TRUE(r.has_value()) << name(r.error().code);
    std::visit(
        [&](const auto& v) {
            if constexpr (requires { v.will; }) {
                if (will) {
                    ASSERT_TRUE(v.will.has_value());
                    expect_fields_read_back(set, v.will->properties);
                    return;
                }
            }
            if constexpr (requires { v.properties; })
                expect_fields_read_back(set, v.properties);
            else
                ADD_FAILURE() << "no properties";
        },
        *r);
}

TEST(PropertyTable, EveryFieldOfEverySetReadsBackThroughItsAccessor) {
    []<std::size_t... I>(std::index_sequence<I...>) {
        (round_trip_full_set<std::tuple_element_t<I, detail::all_property_sets>>(), ...);
    }
    (std::make_index_sequence<detail::property_context_count>{});
}

TEST(PropertyTable, NamedAccessorsAreTheGenericOne) {
    connack_properties set{};
    for_each_property(set, fill_every_field{});
    const auto wire = encode_all(connack_packet{.properties = set}, server5);
    const auto r = decode_connack(std::span<const std::byte>(wire), server5);
    ASSERT_TRUE(r.has_value()) << name(r.error().code);
    const properties_view<std::byte>& p = r->properties;
    EXPECT_EQ(p.session_expiry_interval(), p.get<session_expiry_interval>());
    EXPECT_EQ(p.maximum_qos(), std::optional<qos>(qos::at_least_once));
    EXPECT_EQ(p.retain_available(), std::optional<bool>(true));
    EXPECT_EQ(p.maximum_packet_size(), std::optional<std::uint32_t>(70000));
    EXPECT_EQ(p.reason_string(), p.get<reason_string>());
    EXPECT_EQ(p.user_properties().size(), 2u);
    EXPECT_FALSE(p.topic_alias().has_value());
}

// MQTT-3.3.4-6 and MQTT-3.14.2-2 from the one sender table, in decode and encode alike.
TEST(PropertyTable, MQTT_3_3_4_6_SenderRuleFromTheTable) {
    publish_packet p{.topic_name = "t"};
    p.properties.subscription_identifiers = sample_ids;
    const auto wire = encode_all(p, server5);
    const auto r = decode_publish(std::span<const std::byte>(wire), client5);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, errc::subscription_identifier_from_client);
    std::array<std::byte, 64> out{};
    const auto e = encode(p, client5, out);
    ASSERT_FALSE(e.has_value());
    EXPECT_EQ(e.error().code, errc::subscription_identifier_from_client);
}

TEST(PropertyTable, MQTT_3_14_2_2_SenderRuleFromTheTable) {
    disconnect_packet d{};
    d.properties.session_expiry_interval = 5;
    const auto wire = encode_all(d, client5);
    const auto r = decode_disconnect(std::span<const std::byte>(wire), server5);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, errc::session_expiry_from_server);
    std::array<std::byte, 64> out{};
    const auto e = encode(d, server5, out);
    ASSERT_FALSE(e.has_value());
    EXPECT_EQ(e.error().code, errc::session_expiry_from_server);
}

}  // namespace
}  // namespace mqttwire
