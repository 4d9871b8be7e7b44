// The one cursor every encoder writes through, in three kinds with one interface (u8, u16,
// u32, vbi, bytes, bytes_from, text, prefixed_text, prefixed_bytes, written), so each packet's
// emit is written once, as a template over the kind:
// - writer (checked): never writes outside the caller's span; a write that would not fit sets
//   overflowed() and writes nothing.
// - planned_writer (unchecked): the write pass of encode, whose plan has already proved the
//   size and whose span was checked against it; a room test per field would only repeat that
//   proof. Precondition: every write fits; under MQTTWIRE_CHECKED (Debug and sanitizer builds)
//   each write is checked against the span, so a wrong plan traps instead of writing past it.
//   encode_with_plan still compares written() with the planned size afterwards, and the encode
//   tests compare both on every packet.
// - size_counter: writes nothing and counts; the plan's sizes are the emit run on it, so the
//   size and the bytes cannot disagree. Inlined, it folds to the arithmetic it replaces.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>
#include <type_traits>

#include "../detail/config.hpp"
#include "../options.hpp"
#include "bytes.hpp"
#include "utf8.hpp"
#include "vbi.hpp"

namespace mqttwire::detail {

/**
 * check_text for a field the encoder is about to write: the short-text screen inline, the full
 * check (same verdict, same offsets) out of line for anything it cannot clear.
 */
[[nodiscard]] MQTTWIRE_ALWAYS_INLINE constexpr text_fault check_field_content(
    std::string_view s, text_rules rules, const leniency& lenient) noexcept {
    if (!std::is_constant_evaluated() && short_text_clean(s.data(), s.size(), rules)) return {};
    return check_text_from(s.data(), s.size(), 0, rules, lenient);
}

/**
 * Copies n bytes at run time without a call for the short fields packets are made of: one or
 * two overlapping fixed-size moves cover 1..32 bytes; longer copies go to memcpy.
 */
template <class T>
MQTTWIRE_ALWAYS_INLINE void copy_bytes(std::byte* dst, const T* src, std::size_t n) noexcept {
    static_assert(sizeof(T) == 1);
#ifdef __OPTIMIZE_SIZE__
    std::memcpy(dst, src, n);  // one call is smaller than the inline moves
#else
    if (n <= 16) {
        if (n >= 8) {
            std::uint64_t a = 0, b = 0;
            std::memcpy(&a, src, 8);
            std::memcpy(&b, src + n - 8, 8);
            std::memcpy(dst, &a, 8);
            std::memcpy(dst + n - 8, &b, 8);
        } else if (n >= 4) {
            std::uint32_t a = 0, b = 0;
            std::memcpy(&a, src, 4);
            std::memcpy(&b, src + n - 4, 4);
            std::memcpy(dst, &a, 4);
            std::memcpy(dst + n - 4, &b, 4);
        } else if (n != 0) {  // 1..3 bytes: first, middle, last (some the same byte)
            const std::byte a = static_cast<std::byte>(src[0]);
            const std::byte m = static_cast<std::byte>(src[n / 2]);
            const std::byte z = static_cast<std::byte>(src[n - 1]);
            dst[0] = a;
            dst[n / 2] = m;
            dst[n - 1] = z;
        }
    } else if (n <= 32) {
        unsigned char a[16], b[16];
        std::memcpy(a, src, 16);
        std::memcpy(b, src + n - 16, 16);
        std::memcpy(dst, a, 16);
        std::memcpy(dst + n - 16, b, 16);
    } else {
        std::memcpy(dst, src, n);
    }
#endif
}

/**
 * The fields every writer builds from its own u16 and bytes_from: a string's length prefix and
 * a span's bytes are written the same way whether they are written or counted.
 */
template <class Writer>
class field_writes {
public:
    /** Bytes of whichever one-byte type they were given in (see byte_input). */
    MQTTWIRE_ALWAYS_INLINE constexpr void bytes(byte_input b) noexcept {
        if (std::is_constant_evaluated())
            b.visit([this](const auto* p, std::size_t n) { self().bytes_from(p, n); });
        else
            self().bytes_from(b.to_span().data(), b.size());
    }
    MQTTWIRE_ALWAYS_INLINE constexpr void text(std::string_view s) noexcept {
        self().bytes_from(s.data(), s.size());
    }
    /** Two Byte Integer length prefix, then the bytes (the caller has checked ≤ 65,535). */
    MQTTWIRE_ALWAYS_INLINE constexpr void prefixed_text(std::string_view s) noexcept {
        self().u16(static_cast<std::uint16_t>(s.size()));
        text(s);
    }
    MQTTWIRE_ALWAYS_INLINE constexpr void prefixed_bytes(byte_input b) noexcept {
        self().u16(static_cast<std::uint16_t>(b.size()));
        bytes(b);
    }

private:
    [[nodiscard]] MQTTWIRE_ALWAYS_INLINE constexpr Writer& self() noexcept {
        return static_cast<Writer&>(*this);
    }
};

/** The checked writer's end and failure flag; the planned_writer carries neither. */
struct writer_bounds {
    std::byte* end = nullptr;
    bool overflow = false;
};
struct no_writer_bounds {};

template <bool Checked>
class basic_writer : public field_writes<basic_writer<Checked>> {
    // The planned_writer keeps its end too under MQTTWIRE_CHECKED, to check the plan.
    static constexpr bool bounded = Checked || MQTTWIRE_CHECKED;

    // Defined first: clang 14 does not see later member templates in constant evaluation.
    [[nodiscard]] MQTTWIRE_ALWAYS_INLINE constexpr bool room(std::size_t n) noexcept {
        if constexpr (Checked) {
            if (static_cast<std::size_t>(bounds_.end - cur_) < n) {
                bounds_.overflow = true;
                return false;
            }
        } else if constexpr (bounded) {
            // A write the plan did not allow for: a bug in the plan, found before it writes.
            const bool planned = static_cast<std::size_t>(bounds_.end - cur_) >= n;
            MQTTWIRE_ASSERT(planned);
            if (!planned) return false;
        } else {
            (void)n;
        }
        return true;
    }

    template <class T>
    MQTTWIRE_ALWAYS_INLINE constexpr void copy(const T* src, std::size_t n) noexcept {
        if (!room(n)) return;
        if (std::is_constant_evaluated()) {
            for (std::size_t i = 0; i < n; ++i) cur_[i] = static_cast<std::byte>(src[i]);
        } else {
            copy_bytes(cur_, src, n);
        }
        cur_ += n;
    }

public:
    constexpr explicit basic_writer(std::span<std::byte> out) noexcept
        : begin_(out.data()), cur_(out.data()) {
        if constexpr (bounded) bounds_.end = out.data() + out.size();
    }

    [[nodiscard]] constexpr std::size_t written() const noexcept {
        return static_cast<std::size_t>(cur_ - begin_);
    }
    /** Always false for the planned_writer, which never tests room. */
    [[nodiscard]] constexpr bool overflowed() const noexcept {
        if constexpr (Checked)
            return bounds_.overflow;
        else
            return false;
    }

    MQTTWIRE_ALWAYS_INLINE constexpr void u8(std::uint8_t v) noexcept {
        if (!room(1)) return;
        *cur_++ = static_cast<std::byte>(v);
    }
    MQTTWIRE_ALWAYS_INLINE constexpr void u16(std::uint16_t v) noexcept {
        if (!room(2)) return;
        cur_[0] = static_cast<std::byte>(v >> 8);
        cur_[1] = static_cast<std::byte>(v & 0xFFu);
        cur_ += 2;
    }
    MQTTWIRE_ALWAYS_INLINE constexpr void u32(std::uint32_t v) noexcept {
        if (!room(4)) return;
        cur_[0] = static_cast<std::byte>(v >> 24);
        cur_[1] = static_cast<std::byte>((v >> 16) & 0xFFu);
        cur_[2] = static_cast<std::byte>((v >> 8) & 0xFFu);
        cur_[3] = static_cast<std::byte>(v & 0xFFu);
        cur_ += 4;
    }
    MQTTWIRE_ALWAYS_INLINE constexpr void vbi(std::uint32_t v) noexcept {
        if (!room(vbi_size(v))) return;
        cur_ += write_vbi(cur_, v);
    }
    /** Bytes of any one-byte type (char, unsigned char, std::byte), as a decoded view gives. */
    template <class T>
    MQTTWIRE_ALWAYS_INLINE constexpr void bytes_from(const T* src, std::size_t n) noexcept {
        copy(src, n);
    }

private:
    std::byte* begin_;
    std::byte* cur_;
    // Without bounds the planned_writer is two pointers: passed and returned in registers.
    [[no_unique_address]] std::conditional_t<bounded, writer_bounds, no_writer_bounds> bounds_{};
};

using writer = basic_writer<true>;
using planned_writer = basic_writer<false>;

/** Counts the bytes an emit writes, writing none (see the top of this file). */
class size_counter : public field_writes<size_counter> {
public:
    [[nodiscard]] constexpr std::size_t written() const noexcept { return count_; }
    /** Never: a count has no end. */
    [[nodiscard]] constexpr bool overflowed() const noexcept { return false; }

    MQTTWIRE_ALWAYS_INLINE constexpr void u8(std::uint8_t) noexcept { count_ += 1; }
    MQTTWIRE_ALWAYS_INLINE constexpr void u16(std::uint16_t) noexcept { count_ += 2; }
    MQTTWIRE_ALWAYS_INLINE constexpr void u32(std::uint32_t) noexcept { count_ += 4; }
    MQTTWIRE_ALWAYS_INLINE constexpr void vbi(std::uint32_t v) noexcept { count_ += vbi_size(v); }
    template <class T>
    MQTTWIRE_ALWAYS_INLINE constexpr void bytes_from(const T*, std::size_t n) noexcept {
        count_ += n;
    }
    /**
     * n bytes this same emit has counted already, on another size_counter: a nested list
     * (properties) whose size the plan keeps for its length prefix, so it is counted once.
     */
    MQTTWIRE_ALWAYS_INLINE constexpr void counted(std::size_t n) noexcept { count_ += n; }

private:
    std::size_t count_ = 0;
};

/** True for the writer that only counts. */
template <class Writer>
inline constexpr bool counts_only = std::is_same_v<Writer, size_counter>;

}  // namespace mqttwire::detail
