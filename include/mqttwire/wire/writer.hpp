// The one cursor every encoder writes through. Invariant: it never writes outside the caller's
// span; a write that would not fit sets overflowed() and writes nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>
#include <type_traits>

#include "../detail/config.hpp"
#include "vbi.hpp"

namespace mqttwire::detail {

class writer {
    // Defined first: clang 14 does not see later member templates in constant evaluation.
    [[nodiscard]] MQTTWIRE_ALWAYS_INLINE constexpr bool room(std::size_t n) noexcept {
        if (static_cast<std::size_t>(end_ - cur_) < n) {
            overflow_ = true;
            return false;
        }
        return true;
    }

    template <class T>
    MQTTWIRE_ALWAYS_INLINE constexpr void copy(const T* src, std::size_t n) noexcept {
        if (!room(n)) return;
        if (std::is_constant_evaluated()) {
            for (std::size_t i = 0; i < n; ++i) cur_[i] = static_cast<std::byte>(src[i]);
        } else if (n >= 8 && n <= 16) {
            // Topics and small payloads: two overlapping fixed-size copies, no call.
            std::memcpy(cur_, src, 8);
            std::memcpy(cur_ + n - 8, src + n - 8, 8);
        } else if (n < 8) {
            for (std::size_t i = 0; i < n; ++i) cur_[i] = static_cast<std::byte>(src[i]);
        } else {
            std::memcpy(cur_, src, n);
        }
        cur_ += n;
    }

public:
    constexpr explicit writer(std::span<std::byte> out) noexcept
        : begin_(out.data()), cur_(out.data()), end_(out.data() + out.size()) {}

    [[nodiscard]] constexpr std::size_t written() const noexcept {
        return static_cast<std::size_t>(cur_ - begin_);
    }
    [[nodiscard]] constexpr bool overflowed() const noexcept { return overflow_; }

    constexpr void u8(std::uint8_t v) noexcept {
        if (!room(1)) return;
        *cur_++ = static_cast<std::byte>(v);
    }
    constexpr void u16(std::uint16_t v) noexcept {
        if (!room(2)) return;
        cur_[0] = static_cast<std::byte>(v >> 8);
        cur_[1] = static_cast<std::byte>(v & 0xFFu);
        cur_ += 2;
    }
    constexpr void u32(std::uint32_t v) noexcept {
        if (!room(4)) return;
        cur_[0] = static_cast<std::byte>(v >> 24);
        cur_[1] = static_cast<std::byte>((v >> 16) & 0xFFu);
        cur_[2] = static_cast<std::byte>((v >> 8) & 0xFFu);
        cur_[3] = static_cast<std::byte>(v & 0xFFu);
        cur_ += 4;
    }
    constexpr void vbi(std::uint32_t v) noexcept {
        if (!room(vbi_size(v))) return;
        do {
            std::uint8_t b = static_cast<std::uint8_t>(v & 0x7Fu);
            v >>= 7;
            if (v != 0) b = static_cast<std::uint8_t>(b | 0x80u);
            *cur_++ = static_cast<std::byte>(b);
        } while (v != 0);
    }
    constexpr void bytes(std::span<const std::byte> b) noexcept { copy(b.data(), b.size()); }
    constexpr void text(std::string_view s) noexcept { copy(s.data(), s.size()); }
    /** Two Byte Integer length prefix, then the bytes (the caller has checked ≤ 65,535). */
    constexpr void prefixed_text(std::string_view s) noexcept {
        u16(static_cast<std::uint16_t>(s.size()));
        text(s);
    }
    constexpr void prefixed_bytes(std::span<const std::byte> b) noexcept {
        u16(static_cast<std::uint16_t>(b.size()));
        bytes(b);
    }

private:
    std::byte* begin_;
    std::byte* cur_;
    std::byte* end_;
    bool overflow_ = false;
};

}  // namespace mqttwire::detail
