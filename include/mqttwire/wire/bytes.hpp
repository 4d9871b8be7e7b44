// Which inputs decode and encode accept: contiguous ranges of one-byte elements, generic over
// the element type so that constant expressions can decode char arrays without reinterpret_cast,
// and bytes to encode (byte_input) in whichever of those types a decoded view gave them.
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

/**
 * Bytes to encode (a payload, a password, a Binary Data property) as char, unsigned char or
 * std::byte: what a decoded view gives goes into a packet to encode with no cast, so a relay
 * copies `view.payload` into `publish_packet::payload` as it is. A view: the caller keeps the
 * bytes alive. It remembers which of the three types it points at, so a constant expression
 * reads it without reinterpret_cast; at run time the writer copies it with memcpy.
 *
 * Takes any byte_range (span, std::array, string_view, vector or string lvalue) but a built-in
 * char array: a string literal is one, and its range ends with the terminating NUL, which a
 * payload "ON" should not carry. Pass std::string_view("ON") (or "ON"sv) for text.
 */
class byte_input {
public:
    constexpr byte_input() noexcept = default;
    template <byte_like B>
    constexpr byte_input(const B* data, std::size_t size) noexcept : data_(data), size_(size) {}
    template <byte_range R>
        requires(!std::is_same_v<std::remove_cvref_t<R>, byte_input> &&
                 !(std::is_array_v<std::remove_cvref_t<R>> &&
                   std::is_same_v<range_byte_t<R>, char>))
    constexpr byte_input(R&& bytes_in) noexcept  // NOLINT: implicit, as span's is
        : byte_input(std::ranges::data(bytes_in), std::ranges::size(bytes_in)) {}

    [[nodiscard]] constexpr std::size_t size() const noexcept { return size_; }
    [[nodiscard]] constexpr bool empty() const noexcept { return size_ == 0; }

    /** Calls f(p, size()) with p typed as the bytes were given (const char*, ...). */
    template <class F>
    constexpr decltype(auto) visit(F&& f) const {
        switch (data_.tag) {
            case kind::char_: return f(data_.c, size_);
            case kind::unsigned_char: return f(data_.u, size_);
            default: return f(data_.b, size_);
        }
    }

    /** The bytes as std::byte, at run time (the one cast, which a constant expression avoids). */
    [[nodiscard]] std::span<const std::byte> to_span() const noexcept {
        return {visit([](const auto* p, std::size_t) {
                    return reinterpret_cast<const std::byte*>(p);  // NOLINT: one-byte types
                }),
                size_};
    }

private:
    enum class kind : std::uint8_t { byte, unsigned_char, char_ };
    // Tagged: the member the tag names is the active one, the only one ever read.
    struct pointer {
        constexpr pointer() noexcept : b(nullptr) {}
        constexpr pointer(const std::byte* p) noexcept : b(p), tag(kind::byte) {}
        constexpr pointer(const unsigned char* p) noexcept : u(p), tag(kind::unsigned_char) {}
        constexpr pointer(const char* p) noexcept : c(p), tag(kind::char_) {}
        union {
            const std::byte* b;
            const unsigned char* u;
            const char* c;
        };
        kind tag = kind::byte;
    };
    pointer data_{};
    std::size_t size_ = 0;
};

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
