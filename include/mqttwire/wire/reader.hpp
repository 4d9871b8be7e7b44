// The one cursor every decoder reads through. Invariant: pos_ <= end_ <= size of the caller's
// span, so no read can leave it; offsets are counted from the start of the packet.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <type_traits>

#include "../detail/config.hpp"
#include "../error.hpp"
#include "bytes.hpp"
#include "vbi.hpp"

namespace mqttwire::detail {

/** Two bytes big-endian at p: one 16-bit load and a byte swap at run time. */
template <byte_like B>
[[nodiscard]] MQTTWIRE_ALWAYS_INLINE constexpr std::uint16_t load_be16(const B* p) noexcept {
    if (!std::is_constant_evaluated()) {
        std::uint16_t v;
        std::memcpy(&v, p, 2);
        if constexpr (std::endian::native == std::endian::little)
            v = static_cast<std::uint16_t>((v << 8) | (v >> 8));
        return v;
    }
    return static_cast<std::uint16_t>((to_u8(p[0]) << 8) | to_u8(p[1]));
}

/** Four bytes big-endian at p. */
template <byte_like B>
[[nodiscard]] MQTTWIRE_ALWAYS_INLINE constexpr std::uint32_t load_be32(const B* p) noexcept {
    if (!std::is_constant_evaluated()) {
        std::uint32_t v;
        std::memcpy(&v, p, 4);
        if constexpr (std::endian::native == std::endian::little)
            v = (v >> 24) | ((v >> 8) & 0xFF00u) | ((v << 8) & 0xFF0000u) | (v << 24);
        return v;
    }
    return (std::uint32_t{to_u8(p[0])} << 24) | (std::uint32_t{to_u8(p[1])} << 16) |
           (std::uint32_t{to_u8(p[2])} << 8) | std::uint32_t{to_u8(p[3])};
}

template <byte_like B>
class reader {
public:
    /** Reads packet[begin, end). */
    constexpr reader(const B* packet, std::size_t begin, std::size_t end) noexcept
        : data_(packet), pos_(begin), end_(end) {}

    [[nodiscard]] constexpr std::size_t offset() const noexcept { return pos_; }
    [[nodiscard]] constexpr std::size_t end() const noexcept { return end_; }
    [[nodiscard]] constexpr std::size_t remaining() const noexcept { return end_ - pos_; }
    [[nodiscard]] constexpr bool at_end() const noexcept { return pos_ == end_; }
    [[nodiscard]] constexpr const B* data() const noexcept { return data_; }
    [[nodiscard]] constexpr const B* here() const noexcept { return data_ + pos_; }

    [[nodiscard]] MQTTWIRE_ALWAYS_INLINE constexpr bool read_u8(std::uint8_t& out) noexcept {
        if (pos_ == end_) return false;
        out = to_u8(data_[pos_++]);
        return true;
    }
    [[nodiscard]] MQTTWIRE_ALWAYS_INLINE constexpr bool read_u16(std::uint16_t& out) noexcept {
        if (end_ - pos_ < 2) return false;
        out = load_be16(data_ + pos_);
        pos_ += 2;
        return true;
    }
    [[nodiscard]] MQTTWIRE_ALWAYS_INLINE constexpr bool read_u32(std::uint32_t& out) noexcept {
        if (end_ - pos_ < 4) return false;
        out = load_be32(data_ + pos_);
        pos_ += 4;
        return true;
    }
    /**
     * Reads a Variable Byte Integer inside the current bounds; one cut short by them is
     * `truncated` (see to_errc).
     */
    [[nodiscard]] MQTTWIRE_ALWAYS_INLINE constexpr errc read_vbi(
        std::uint32_t& out, errc truncated = errc::packet_truncated) noexcept {
        const vbi_read v = detail::read_vbi(data_ + pos_, end_ - pos_);
        if (v.status != vbi_status::ok) return to_errc(v.status, truncated);
        out = v.value;
        pos_ += v.length;
        return errc::none;
    }
    /** Takes the next `n` bytes as a span. */
    [[nodiscard]] MQTTWIRE_ALWAYS_INLINE constexpr bool read_bytes(
        std::size_t n, std::span<const B>& out) noexcept {
        if (end_ - pos_ < n) return false;
        out = std::span<const B>(data_ + pos_, n);
        pos_ += n;
        return true;
    }
    /** Two Byte Integer length, then that many bytes (UTF-8 string or Binary Data layout). */
    [[nodiscard]] MQTTWIRE_ALWAYS_INLINE constexpr bool read_prefixed(
        std::span<const B>& out) noexcept {
        std::uint16_t n = 0;
        if (!read_u16(n)) return false;
        if (end_ - pos_ < n) {
            pos_ -= 2;  // report the offset of the length that overruns
            return false;
        }
        out = std::span<const B>(data_ + pos_, n);
        pos_ += n;
        return true;
    }
    /** Everything up to the current end. */
    [[nodiscard]] constexpr std::span<const B> rest() noexcept {
        std::span<const B> out(data_ + pos_, end_ - pos_);
        pos_ = end_;
        return out;
    }
    /** Steps over `n` bytes; precondition n <= remaining(). */
    constexpr void skip(std::size_t n) noexcept { pos_ += n; }
    /** Narrows the end to `new_end` (≤ end()), for a sub-block such as a property list. */
    constexpr void limit(std::size_t new_end) noexcept { end_ = new_end; }

private:
    const B* data_;
    std::size_t pos_;
    std::size_t end_;
};

}  // namespace mqttwire::detail
