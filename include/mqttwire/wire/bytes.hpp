// Which inputs decode accepts: contiguous ranges of one-byte elements, generic over the element
// type so that constant expressions can decode char arrays without reinterpret_cast.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <ranges>
#include <span>
#include <string_view>
#include <type_traits>

namespace mqttwire {

/** An input element type: char, unsigned char or std::byte. */
template <class B>
concept byte_like =
    std::same_as<B, char> || std::same_as<B, unsigned char> || std::same_as<B, std::byte>;

/**
 * Contiguous, sized bytes that outlive the call (a span, array, string_view, or an lvalue
 * container). Views returned by decode point into it, so temporaries of owning containers are
 * rejected at compile time.
 */
template <class R>
concept byte_range = std::ranges::contiguous_range<R> && std::ranges::sized_range<R> &&
    std::ranges::borrowed_range<R> && byte_like<std::remove_cv_t<std::ranges::range_value_t<R>>>;

/** Element type of a byte_range. */
template <byte_range R>
using range_byte_t = std::remove_cv_t<std::ranges::range_value_t<R>>;

namespace detail {

template <byte_like B>
[[nodiscard]] constexpr std::uint8_t to_u8(B b) noexcept {
    return static_cast<std::uint8_t>(b);
}

/** Text view over input bytes; a cast is needed only when B is not char (never at compile time
 * in mqttwire's own tests, which decode char arrays). */
template <byte_like B>
[[nodiscard]] constexpr std::string_view as_text(const B* data, std::size_t size) noexcept {
    if constexpr (std::is_same_v<B, char>) {
        return {data, size};
    } else {
        return {reinterpret_cast<const char*>(data), size};  // NOLINT: bytes are text here
    }
}

template <byte_range R>
[[nodiscard]] constexpr std::span<const range_byte_t<R>> as_span(R&& bytes) noexcept {
    return {std::ranges::data(bytes), std::ranges::size(bytes)};
}

}  // namespace detail
}  // namespace mqttwire
