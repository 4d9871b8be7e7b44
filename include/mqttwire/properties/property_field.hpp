// The fields of typed property sets: each field's type names its property identifier, so a set
// is written as one list of named fields and everything else (the order the encoder writes, the
// identifiers a packet may carry, which ones repeat) is read from that list, never written again.
#pragma once

#include <cstddef>
#include <cstdint>
#include <concepts>
#include <optional>
#include <span>
#include <type_traits>
#include <utility>

#include "../detail/config.hpp"
#include "property_id.hpp"
#include "property_value.hpp"

namespace mqttwire {

/**
 * A property a set carries at most once: a std::optional of the value type the table gives
 * (property_value_t<Id>), that also knows its identifier. Assigned, compared and read as that
 * std::optional.
 */
template <property_id Id>
struct property_field : std::optional<property_value_t<Id>> {
    using optional_type = std::optional<property_value_t<Id>>;
    static constexpr property_id id = Id;

    using optional_type::optional_type;
    using optional_type::operator=;
    constexpr property_field() noexcept = default;
    /** std::optional takes a scalar of its own type by conversion, which a derived class makes
     * ambiguous: take it here. */
    constexpr property_field& operator=(const property_value_t<Id>& v) noexcept {
        optional_type::operator=(optional_type(v));
        return *this;
    }
    /** From an accessor's std::optional, e.g. `set.content_type = view.content_type()`. */
    constexpr property_field(const optional_type& v) noexcept : optional_type(v) {}  // NOLINT

    [[nodiscard]] constexpr const optional_type& standard() const noexcept { return *this; }

    // Compared as the std::optional it is (std::optional's own mixed comparisons would take a
    // property_field as a value to compare with, not as an optional).
    friend constexpr bool operator==(const property_field& a, const property_field& b) noexcept {
        return a.standard() == b.standard();
    }
    friend constexpr bool operator==(const property_field& a, const optional_type& b) noexcept {
        return a.standard() == b;
    }
    /** With a value (`props.receive_maximum == 10`): equal when set to it, as std::optional. */
    template <class U>
    requires(!std::is_same_v<U, property_field> && !std::is_same_v<U, optional_type> &&
             !std::is_same_v<U, std::nullopt_t> &&
             requires(const property_value_t<Id>& x, const U& u) {
                 { x == u } -> std::convertible_to<bool>;
             })
    friend constexpr bool operator==(const property_field& a, const U& v) noexcept {
        return a.standard() == v;
    }
};

/**
 * A property a set may carry several times (User Property; Subscription Identifier in a
 * server's PUBLISH): a std::span over values of the table's type, in the order they are
 * written, that also knows its identifier.
 */
template <property_id Id>
struct property_list : std::span<const property_value_t<Id>> {
    using span_type = std::span<const property_value_t<Id>>;
    static constexpr property_id id = Id;

    using span_type::span_type;
    constexpr property_list() noexcept = default;
    constexpr property_list(span_type s) noexcept : span_type(s) {}  // NOLINT: a span is a list

    [[nodiscard]] constexpr span_type standard() const noexcept { return *this; }
};

namespace detail {

template <class T>
struct is_property_member : std::false_type {};
template <property_id Id>
struct is_property_member<property_field<Id>> : std::true_type {};
template <property_id Id>
struct is_property_member<property_list<Id>> : std::true_type {};

template <class T>
concept property_member = is_property_member<std::remove_cvref_t<T>>::value;

/** Stands in for any field in a brace initializer, to count a set's fields. */
struct any_property_member {
    template <class F>
    requires property_member<F>
    constexpr operator F() const noexcept;  // NOLINT: only named in unevaluated initializers
};

template <class Set, class Indexes>
struct initializable_with : std::false_type {};
template <class Set, std::size_t... I>
requires requires { Set{(void(I), any_property_member{})...}; }
struct initializable_with<Set, std::index_sequence<I...>> : std::true_type {};

/** Largest cap of fields a set may have; a set with more fails the static_assert below. */
inline constexpr std::size_t max_set_fields = 20;

template <class Set, std::size_t... N>
[[nodiscard]] consteval std::size_t count_fields(std::index_sequence<N...>) noexcept {
    std::size_t fields = 0;
    ((fields = initializable_with<Set, std::make_index_sequence<N>>::value ? N : fields), ...);
    return fields;
}

/** How many fields a typed set has (it is an aggregate of property_field / property_list). */
template <class Set>
inline constexpr std::size_t field_count =
    count_fields<Set>(std::make_index_sequence<max_set_fields + 2>{});

template <class F, class... Fields>
MQTTWIRE_ALWAYS_INLINE constexpr void call_each(F& f, Fields&... fields) {
    static_assert((property_member<Fields> && ...),
                  "a typed property set holds property_field and property_list members only");
    (f(fields), ...);
}

}  // namespace detail

/**
 * Calls `f(field)` for each field of a typed property set (connect_properties, ...), in the
 * order they are declared, which is the order the encoder writes them. `field` is the set's
 * property_field<Id> or property_list<Id> (const when `set` is), so `f` knows the identifier at
 * compile time: `std::remove_cvref_t<decltype(field)>::id`.
 */
template <class Set, class F>
MQTTWIRE_ALWAYS_INLINE constexpr void for_each_property(Set& set, F&& f) {
    constexpr std::size_t n = detail::field_count<std::remove_const_t<Set>>;
    static_assert(n >= 1 && n <= detail::max_set_fields, "not a typed property set");
    // C++20 has no reflection: a structured binding, which must spell out how many names it
    // binds, is the one way to reach an aggregate's members without naming them; so one case per
    // field count, and the sets' own declarations stay the only list of their fields.
    if constexpr (n == 1) {
        auto& [f0] = set;
        detail::call_each(f, f0);
    } else if constexpr (n == 2) {
        auto& [f0, f1] = set;
        detail::call_each(f, f0, f1);
    } else if constexpr (n == 3) {
        auto& [f0, f1, f2] = set;
        detail::call_each(f, f0, f1, f2);
    } else if constexpr (n == 4) {
        auto& [f0, f1, f2, f3] = set;
        detail::call_each(f, f0, f1, f2, f3);
    } else if constexpr (n == 5) {
        auto& [f0, f1, f2, f3, f4] = set;
        detail::call_each(f, f0, f1, f2, f3, f4);
    } else if constexpr (n == 6) {
        auto& [f0, f1, f2, f3, f4, f5] = set;
        detail::call_each(f, f0, f1, f2, f3, f4, f5);
    } else if constexpr (n == 7) {
        auto& [f0, f1, f2, f3, f4, f5, f6] = set;
        detail::call_each(f, f0, f1, f2, f3, f4, f5, f6);
    } else if constexpr (n == 8) {
        auto& [f0, f1, f2, f3, f4, f5, f6, f7] = set;
        detail::call_each(f, f0, f1, f2, f3, f4, f5, f6, f7);
    } else if constexpr (n == 9) {
        auto& [f0, f1, f2, f3, f4, f5, f6, f7, f8] = set;
        detail::call_each(f, f0, f1, f2, f3, f4, f5, f6, f7, f8);
    } else if constexpr (n == 10) {
        auto& [f0, f1, f2, f3, f4, f5, f6, f7, f8, f9] = set;
        detail::call_each(f, f0, f1, f2, f3, f4, f5, f6, f7, f8, f9);
    } else if constexpr (n == 11) {
        auto& [f0, f1, f2, f3, f4, f5, f6, f7, f8, f9, f10] = set;
        detail::call_each(f, f0, f1, f2, f3, f4, f5, f6, f7, f8, f9, f10);
    } else if constexpr (n == 12) {
        auto& [f0, f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11] = set;
        detail::call_each(f, f0, f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11);
    } else if constexpr (n == 13) {
        auto& [f0, f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12] = set;
        detail::call_each(f, f0, f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12);
    } else if constexpr (n == 14) {
        auto& [f0, f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12, f13] = set;
        detail::call_each(f, f0, f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12, f13);
    } else if constexpr (n == 15) {
        auto& [f0, f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12, f13, f14] = set;
        detail::call_each(f, f0, f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12, f13, f14);
    } else if constexpr (n == 16) {
        auto& [f0, f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12, f13, f14, f15] = set;
        detail::call_each(f, f0, f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12, f13, f14, f15);
    } else if constexpr (n == 17) {
        auto& [f0, f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12, f13, f14, f15, f16] = set;
        detail::call_each(f, f0, f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12, f13, f14, f15,
                          f16);
    } else if constexpr (n == 18) {
        auto& [f0, f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12, f13, f14, f15, f16, f17] =
            set;
        detail::call_each(f, f0, f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12, f13, f14, f15,
                          f16, f17);
    } else if constexpr (n == 19) {
        auto& [f0, f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12, f13, f14, f15, f16, f17,
               f18] = set;
        detail::call_each(f, f0, f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12, f13, f14, f15,
                          f16, f17, f18);
    } else if constexpr (n == 20) {
        auto& [f0, f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12, f13, f14, f15, f16, f17, f18,
               f19] = set;
        detail::call_each(f, f0, f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12, f13, f14, f15,
                          f16, f17, f18, f19);
    }
}

namespace detail {

/** Hands each field to a visitor as `v(id, value)`, the value as its std::optional or span. */
template <class V>
struct visit_adaptor {
    V& v;
    template <class Field>
    MQTTWIRE_ALWAYS_INLINE constexpr void operator()(const Field& field) const {
        v(Field::id, field.standard());
    }
};

/** The body of each set's visit(): one call of `v` per field, in declaration order. */
template <class Set, class V>
MQTTWIRE_ALWAYS_INLINE constexpr void visit_fields(const Set& set, V& v) {
    visit_adaptor<V> a{v};
    for_each_property(set, a);
}

[[nodiscard]] constexpr std::uint64_t bit(property_id id) noexcept {
    return std::uint64_t{1} << static_cast<std::uint8_t>(id);
}

/** Identifiers of a set's fields (bit per identifier), and of those that may repeat. */
struct set_members {
    std::uint64_t all = 0;
    std::uint64_t repeated = 0;

    template <property_id Id>
    constexpr void operator()(const property_field<Id>&) noexcept {
        all |= bit(Id);
    }
    template <property_id Id>
    constexpr void operator()(const property_list<Id>&) noexcept {
        all |= bit(Id);
        repeated |= bit(Id);
    }
};

template <class Set>
[[nodiscard]] consteval set_members members_of() noexcept {
    set_members m;
    const Set set{};
    for_each_property(set, m);
    return m;
}

}  // namespace detail
}  // namespace mqttwire
