// Every property of a validated list, one entry each, in wire order: for tools, logs and tests
// that handle properties generically (print them, compare them, copy some of them) instead of
// naming the accessor of each of the 27 identifiers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <span>
#include <string_view>

#include "../wire/bytes.hpp"
#include "properties_view.hpp"
#include "property_id.hpp"

namespace mqttwire {

/**
 * One property of a validated list. Which value member holds the value follows `type`
 * (type_of(id)): `integer` for byte, two-byte, four-byte and variable byte integers, `text` for a
 * UTF-8 string, `binary` for binary data, `pair` for a User Property. The others are empty.
 */
template <byte_like B>
struct property_entry {
    property_id id{};
    property_type type = property_type::none;
    std::uint32_t integer = 0;
    std::string_view text{};
    std::span<const B> binary{};
    user_property_view pair{};
    /** The property as it is on the wire, identifier included: forward it as it is. */
    std::span<const B> encoded{};
    /** Offset of the identifier from the start of the list (properties_view::encoded()). */
    std::size_t offset = 0;

    friend constexpr bool operator==(const property_entry& a, const property_entry& b) noexcept {
        return a.id == b.id && a.type == b.type && a.integer == b.integer && a.text == b.text &&
               a.binary.data() == b.binary.data() && a.binary.size() == b.binary.size() &&
               a.pair == b.pair && a.offset == b.offset;
    }
};

namespace detail {

/** The entry of the property whose identifier is at p[at] of a validated list. */
template <byte_like B>
[[nodiscard]] constexpr property_entry<B> read_property_entry(const B* p, std::size_t at) noexcept {
    property_entry<B> e;
    e.id = static_cast<property_id>(to_u8(p[at]));
    e.type = type_of(e.id);
    e.offset = at;
    const B* v = p + at + 1;
    const std::size_t size = value_size(e.type, v);
    e.encoded = std::span<const B>(p + at, 1 + size);
    switch (e.type) {
        case property_type::byte:
        case property_type::two_byte_integer:
        case property_type::four_byte_integer: e.integer = be_at(v, size); break;
        case property_type::variable_byte_integer: e.integer = vbi_at(v); break;
        case property_type::utf8_string: e.text = text_at(v); break;
        case property_type::binary_data: e.binary = binary_at(v); break;
        case property_type::utf8_string_pair: e.pair = pair_at(v); break;
        case property_type::none: break;
    }
    return e;
}

}  // namespace detail

/** A forward range over the entries of a validated property list; iterating allocates nothing. */
template <byte_like B>
class property_entry_range {
public:
    class iterator {
    public:
        using value_type = property_entry<B>;
        using difference_type = std::ptrdiff_t;
        using iterator_category = std::forward_iterator_tag;

        constexpr iterator() noexcept = default;
        constexpr iterator(const B* list, std::size_t at) noexcept : list_(list), at_(at) {}

        [[nodiscard]] constexpr property_entry<B> operator*() const noexcept {
            return detail::read_property_entry(list_, at_);
        }
        constexpr iterator& operator++() noexcept {
            const auto type = type_of(static_cast<property_id>(detail::to_u8(list_[at_])));
            at_ += 1 + detail::value_size(type, list_ + at_ + 1);
            return *this;
        }
        constexpr iterator operator++(int) noexcept {
            iterator old = *this;
            ++*this;
            return old;
        }
        friend constexpr bool operator==(const iterator& a, const iterator& b) noexcept {
            return a.at_ == b.at_;
        }

    private:
        const B* list_ = nullptr;
        std::size_t at_ = 0;
    };

    constexpr property_entry_range() noexcept = default;
    constexpr explicit property_entry_range(std::span<const B> list) noexcept : list_(list) {}

    [[nodiscard]] constexpr iterator begin() const noexcept { return {list_.data(), 0}; }
    [[nodiscard]] constexpr iterator end() const noexcept { return {list_.data(), list_.size()}; }
    [[nodiscard]] constexpr bool empty() const noexcept { return list_.empty(); }

private:
    std::span<const B> list_{};
};

/**
 * Every property of `properties` in wire order, repeated ones (User Property, Subscription
 * Identifier) as often as they occur. The list was validated when it was decoded, so the walk
 * reads sizes without checking them again.
 */
template <byte_like B>
[[nodiscard]] constexpr property_entry_range<B> all_properties(
    const properties_view<B>& properties) noexcept {
    return property_entry_range<B>(properties.encoded());
}

}  // namespace mqttwire
