// The one cursor every encoder writes through. Invariant: it never writes outside the caller's
// span; a write that would not fit sets overflowed() and writes nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>
#include <type_traits>

#include "vbi.hpp"

namespace mqttwire::detail {

class writer {
public:
    constexpr explicit writer(std::span<std::byte> out) noexcept
        : data_(out.data()), size_(out.size()) {}

    [[nodiscard]] constexpr std::size_t written() const noexcept { return pos_; }
    [[nodiscard]] constexpr bool overflowed() const noexcept { return overflow_; }

    constexpr void u8(std::uint8_t v) noexcept {
        if (!room(1)) return;
        data_[pos_++] = static_cast<std::byte>(v);
    }
    constexpr void u16(std::uint16_t v) noexcept {
        if (!room(2)) return;
        data_[pos_++] = static_cast<std::byte>(v >> 8);
        data_[pos_++] = static_cast<std::byte>(v & 0xFFu);
    }
    constexpr void u32(std::uint32_t v) noexcept {
        if (!room(4)) return;
        data_[pos_++] = static_cast<std::byte>(v >> 24);
        data_[pos_++] = static_cast<std::byte>((v >> 16) & 0xFFu);
        data_[pos_++] = static_cast<std::byte>((v >> 8) & 0xFFu);
        data_[pos_++] = static_cast<std::byte>(v & 0xFFu);
    }
    constexpr void vbi(std::uint32_t v) noexcept {
        if (!room(vbi_size(v))) return;
        do {
            std::uint8_t b = static_cast<std::uint8_t>(v & 0x7Fu);
            v >>= 7;
            if (v != 0) b = static_cast<std::uint8_t>(b | 0x80u);
            data_[pos_++] = static_cast<std::byte>(b);
        } while (v != 0);
    }
    constexpr void bytes(std::span<const std::byte> b) noexcept {
        if (!room(b.size())) return;
        if (std::is_constant_evaluated()) {
            for (std::byte x : b) data_[pos_++] = x;
        } else if (!b.empty()) {
            std::memcpy(data_ + pos_, b.data(), b.size());
            pos_ += b.size();
        }
    }
    constexpr void text(std::string_view s) noexcept {
        if (!room(s.size())) return;
        if (std::is_constant_evaluated()) {
            for (char c : s) data_[pos_++] = static_cast<std::byte>(c);
        } else if (!s.empty()) {
            std::memcpy(data_ + pos_, s.data(), s.size());
            pos_ += s.size();
        }
    }
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
    [[nodiscard]] constexpr bool room(std::size_t n) noexcept {
        if (overflow_ || size_ - pos_ < n) {
            overflow_ = true;
            return false;
        }
        return true;
    }

    std::byte* data_;
    std::size_t size_;
    std::size_t pos_ = 0;
    bool overflow_ = false;
};

}  // namespace mqttwire::detail
