// Encode-side MQTT 5.0 properties, typed per packet: a field per property the packet may carry,
// so a misplaced or duplicated property cannot be written. Each field is declared once, with its
// identifier in its type; its value type, the visit order, the identifiers the decoder allows in
// the packet and which of them repeat are all read from these declarations.
#pragma once

#include <cstddef>
#include <tuple>

#include "../detail/config.hpp"
#include "property_field.hpp"
#include "property_id.hpp"

namespace mqttwire {

/** CONNECT properties (5.0 §3.1.2.11). */
struct connect_properties {
    static constexpr property_context context = property_context::connect;

    property_field<property_id::session_expiry_interval> session_expiry_interval{};
    property_field<property_id::receive_maximum> receive_maximum{};
    property_field<property_id::maximum_packet_size> maximum_packet_size{};
    property_field<property_id::topic_alias_maximum> topic_alias_maximum{};
    property_field<property_id::request_response_information> request_response_information{};
    property_field<property_id::request_problem_information> request_problem_information{};
    property_field<property_id::authentication_method> authentication_method{};
    property_field<property_id::authentication_data> authentication_data{};
    property_list<property_id::user_property> user_properties{};

    template <class V>
    MQTTWIRE_ALWAYS_INLINE constexpr void visit(V& v) const {
        detail::visit_fields(*this, v);
    }
};

/** Will Properties of CONNECT (5.0 §3.1.3.2). */
struct will_properties {
    static constexpr property_context context = property_context::will;

    property_field<property_id::will_delay_interval> will_delay_interval{};
    property_field<property_id::payload_format_indicator> payload_format_indicator{};
    property_field<property_id::message_expiry_interval> message_expiry_interval{};
    property_field<property_id::content_type> content_type{};
    property_field<property_id::response_topic> response_topic{};
    property_field<property_id::correlation_data> correlation_data{};
    property_list<property_id::user_property> user_properties{};

    template <class V>
    MQTTWIRE_ALWAYS_INLINE constexpr void visit(V& v) const {
        detail::visit_fields(*this, v);
    }
};

/** CONNACK properties (5.0 §3.2.2.3). */
struct connack_properties {
    static constexpr property_context context = property_context::connack;

    property_field<property_id::session_expiry_interval> session_expiry_interval{};
    property_field<property_id::receive_maximum> receive_maximum{};
    /** at_most_once or at_least_once only. */
    property_field<property_id::maximum_qos> maximum_qos{};
    property_field<property_id::retain_available> retain_available{};
    property_field<property_id::maximum_packet_size> maximum_packet_size{};
    property_field<property_id::assigned_client_identifier> assigned_client_identifier{};
    property_field<property_id::topic_alias_maximum> topic_alias_maximum{};
    property_field<property_id::reason_string> reason_string{};
    property_field<property_id::wildcard_subscription_available> wildcard_subscription_available{};
    property_field<property_id::subscription_identifier_available>
        subscription_identifier_available{};
    property_field<property_id::shared_subscription_available> shared_subscription_available{};
    property_field<property_id::server_keep_alive> server_keep_alive{};
    property_field<property_id::response_information> response_information{};
    property_field<property_id::server_reference> server_reference{};
    property_field<property_id::authentication_method> authentication_method{};
    property_field<property_id::authentication_data> authentication_data{};
    property_list<property_id::user_property> user_properties{};

    template <class V>
    MQTTWIRE_ALWAYS_INLINE constexpr void visit(V& v) const {
        detail::visit_fields(*this, v);
    }
};

/** PUBLISH properties (5.0 §3.3.2.3). */
struct publish_properties {
    static constexpr property_context context = property_context::publish;

    property_field<property_id::payload_format_indicator> payload_format_indicator{};
    property_field<property_id::message_expiry_interval> message_expiry_interval{};
    property_field<property_id::topic_alias> topic_alias{};
    property_field<property_id::response_topic> response_topic{};
    property_field<property_id::correlation_data> correlation_data{};
    property_list<property_id::user_property> user_properties{};
    /** Server to client only (MQTT-3.3.4-6); each 1..268,435,455. */
    property_list<property_id::subscription_identifier> subscription_identifiers{};
    property_field<property_id::content_type> content_type{};

    template <class V>
    MQTTWIRE_ALWAYS_INLINE constexpr void visit(V& v) const {
        detail::visit_fields(*this, v);
    }
};

/** Properties of PUBACK, PUBREC, PUBREL, PUBCOMP, SUBACK and UNSUBACK. */
struct ack_properties {
    static constexpr property_context context = property_context::ack;

    property_field<property_id::reason_string> reason_string{};
    property_list<property_id::user_property> user_properties{};

    template <class V>
    MQTTWIRE_ALWAYS_INLINE constexpr void visit(V& v) const {
        detail::visit_fields(*this, v);
    }
};

/** SUBSCRIBE properties (5.0 §3.8.2.1). */
struct subscribe_properties {
    static constexpr property_context context = property_context::subscribe;

    /** 1..268,435,455; at most one (5.0 §3.8.2.1.2). */
    property_field<property_id::subscription_identifier> subscription_identifier{};
    property_list<property_id::user_property> user_properties{};

    template <class V>
    MQTTWIRE_ALWAYS_INLINE constexpr void visit(V& v) const {
        detail::visit_fields(*this, v);
    }
};

/** UNSUBSCRIBE properties (5.0 §3.10.2.1). */
struct unsubscribe_properties {
    static constexpr property_context context = property_context::unsubscribe;

    property_list<property_id::user_property> user_properties{};

    template <class V>
    MQTTWIRE_ALWAYS_INLINE constexpr void visit(V& v) const {
        detail::visit_fields(*this, v);
    }
};

/** DISCONNECT properties (5.0 §3.14.2.2). */
struct disconnect_properties {
    static constexpr property_context context = property_context::disconnect;

    /** Client to server only (MQTT-3.14.2-2). */
    property_field<property_id::session_expiry_interval> session_expiry_interval{};
    property_field<property_id::reason_string> reason_string{};
    property_field<property_id::server_reference> server_reference{};
    property_list<property_id::user_property> user_properties{};

    template <class V>
    MQTTWIRE_ALWAYS_INLINE constexpr void visit(V& v) const {
        detail::visit_fields(*this, v);
    }
};

/** AUTH properties (5.0 §3.15.2.2). */
struct auth_properties {
    static constexpr property_context context = property_context::auth;

    property_field<property_id::authentication_method> authentication_method{};
    property_field<property_id::authentication_data> authentication_data{};
    property_field<property_id::reason_string> reason_string{};
    property_list<property_id::user_property> user_properties{};

    template <class V>
    MQTTWIRE_ALWAYS_INLINE constexpr void visit(V& v) const {
        detail::visit_fields(*this, v);
    }
};

namespace detail {

/** Every typed set; each names its property_context, so the order here does not matter. */
using all_property_sets =
    std::tuple<connect_properties, will_properties, connack_properties, publish_properties,
               ack_properties, subscribe_properties, unsubscribe_properties, disconnect_properties,
               auth_properties>;

inline constexpr std::size_t property_context_count = std::tuple_size_v<all_property_sets>;

template <property_context Ctx, std::size_t I = 0>
[[nodiscard]] consteval std::size_t index_of_set() noexcept {
    if constexpr (I == property_context_count) {
        static_assert(I != property_context_count, "no typed property set for this context");
        return I;
    } else if constexpr (std::tuple_element_t<I, all_property_sets>::context == Ctx) {
        return I;
    } else {
        return index_of_set<Ctx, I + 1>();
    }
}

}  // namespace detail

/** The typed property set of a context: property_set_for<property_context::publish> is
 * publish_properties. */
template <property_context Ctx>
using property_set_for =
    std::tuple_element_t<detail::index_of_set<Ctx>(), detail::all_property_sets>;

}  // namespace mqttwire
