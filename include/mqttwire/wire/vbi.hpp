// Variable Byte Integer (Remaining Length, Property Length, Subscription Identifier): read, size,
// write, with the one validity rule both directions share. read_vbi is the one reader: framing,
// the packet reader, property lists and the property accessors all read through it, and say
// what a truncated one means where they stand (to_errc).
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>

#include "../detail/config.hpp"
#include "../error.hpp"
#include "../protocol.hpp"
#include "bytes.hpp"

namespace mqttwire::detail {

/** Outcome of reading a Variable Byte Integer from a possibly short buffer. */
enum class vbi_status : std::uint8_t { ok, need_more, too_long, not_minimal };

struct vbi_read {
    vbi_status status = vbi_status::need_more;
    std::uint32_t value = 0;
    std::uint8_t length = 0;  // bytes consumed (ok), or bytes seen so far (need_more)
};

/**
 * Reads a Variable Byte Integer from at most `available` bytes.
 * @par Wire format
 * 7 data bits per byte, least significant group first, bit 7 = more follow; at most 4 bytes.
 * A last byte of 0 after a continuation byte means the value fitted in fewer bytes: the
 * encoding is not minimal (5.0 MQTT-1.5.5-1; applied to 3.x too, whose tables imply it).
 */
template <byte_like B>
[[nodiscard]] constexpr vbi_read read_vbi_slow(const B* p, std::size_t available) noexcept {
    vbi_read out;
    std::uint32_t value = 0;
    for (std::uint8_t i = 0; i < 4; ++i) {
        if (i == available) {
            out.status = vbi_status::need_more;
            out.value = value;
            out.length = i;
            return out;
        }
        const std::uint8_t b = to_u8(p[i]);
        value |= static_cast<std::uint32_t>(b & 0x7Fu) << (7u * i);
        if ((b & 0x80u) == 0) {
            out.value = value;
            out.length = static_cast<std::uint8_t>(i + 1);
            out.status = (b == 0 && i > 0) ? vbi_status::not_minimal : vbi_status::ok;
            return out;
        }
    }
    out.status = vbi_status::too_long;
    out.length = 4;
    return out;
}

/**
 * vbi_size by the bit width of the value: one byte per 7 significant bits (widths over 28 are
 * out of range and stay at 4, as the comparisons this table replaced gave).
 */
inline constexpr std::uint8_t vbi_size_by_width[33] = {1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2,
                                                       2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3,
                                                       4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4};

/**
 * The one-byte form (every value below 128: the lengths of small packets, empty property lists):
 * true with `value` set when p[0] is there and ends the integer. A screen in front of read_vbi
 * for callers that take the common case before anything else.
 */
template <byte_like B>
[[nodiscard]] MQTTWIRE_ALWAYS_INLINE constexpr bool read_one_byte_vbi(const B* p,
                                                                      std::size_t available,
                                                                      std::uint32_t& value) noexcept {
    if (available == 0 || (to_u8(p[0]) & 0x80u) != 0) return false;
    value = to_u8(p[0]);
    return true;
}

/** read_vbi_slow with the one- and two-byte forms (every value below 16,384) inline. */
template <byte_like B>
[[nodiscard]] MQTTWIRE_ALWAYS_INLINE constexpr vbi_read read_vbi(const B* p,
                                                                 std::size_t available) noexcept {
    if (std::uint32_t value = 0; read_one_byte_vbi(p, available, value))
        return {vbi_status::ok, value, 1};
    if (available >= 2) {
        const std::uint8_t b0 = to_u8(p[0]);
        const std::uint8_t b1 = to_u8(p[1]);
        if (b1 < 0x80u) {
            return {b1 == 0 ? vbi_status::not_minimal : vbi_status::ok,
                    (b0 & 0x7Fu) | (std::uint32_t{b1} << 7), 2};
        }
    }
    return read_vbi_slow(p, available);
}

/**
 * The Variable Byte Integer at p in input already validated (a stored or decoded property list):
 * it ends within its 4 bytes, and nothing past its last byte is read.
 */
template <byte_like B>
[[nodiscard]] MQTTWIRE_ALWAYS_INLINE constexpr vbi_read read_validated_vbi(const B* p) noexcept {
    return read_vbi(p, 4);
}

/** Bytes a Variable Byte Integer of `value` takes (value ≤ 268,435,455). */
[[nodiscard]] constexpr std::size_t vbi_size(std::uint32_t value) noexcept {
    // Branch-free (the sizes in a stream of packets vary) and no division; `| 1` spares the
    // zero test of bit_width (0 and 1 both take one byte).
    return vbi_size_by_width[std::bit_width(value | 1u)];
}

/**
 * Writes the Variable Byte Integer `value` (≤ 268,435,455) at p, which has room for
 * vbi_size(value) bytes, and returns that size.
 */
[[nodiscard]] MQTTWIRE_ALWAYS_INLINE constexpr std::size_t write_vbi(std::byte* p,
                                                                     std::uint32_t value) noexcept {
    if (value < 128u) {  // every length of a small packet, every empty property list
        p[0] = static_cast<std::byte>(value);
        return 1;
    }
    if (value < 16'384u) {  // packets up to 16 KiB
        p[0] = static_cast<std::byte>((value & 0x7Fu) | 0x80u);
        p[1] = static_cast<std::byte>(value >> 7);
        return 2;
    }
    std::size_t i = 0;
    do {
        std::uint8_t b = static_cast<std::uint8_t>(value & 0x7Fu);
        value >>= 7;
        if (value != 0) b = static_cast<std::uint8_t>(b | 0x80u);
        p[i++] = static_cast<std::byte>(b);
    } while (value != 0);
    return i;
}

/**
 * The errc of a read_vbi status; `truncated` is what an integer cut short by the end of its
 * field means there (the packet's end, a property list's, a property value's).
 */
[[nodiscard]] constexpr errc to_errc(vbi_status s,
                                     errc truncated = errc::packet_truncated) noexcept {
    switch (s) {
        case vbi_status::ok: return errc::none;
        case vbi_status::need_more: return truncated;
        case vbi_status::too_long: return errc::variable_byte_integer_too_long;
        case vbi_status::not_minimal: return errc::variable_byte_integer_not_minimal;
    }
    return errc::packet_truncated;
}

}  // namespace mqttwire::detail
