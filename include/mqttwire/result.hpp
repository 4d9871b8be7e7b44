// Return types: result<T> for operations on complete input, partial<T> where input may still be
// arriving ("need N more bytes" is a state of its own, never an error value).
#pragma once

#include <cstddef>

#include "error.hpp"

namespace mqttwire {

/**
 * A value or an error. No exceptions: `value()`, `*` and `->` have the precondition
 * `has_value()`. T is a trivially copyable view or size, so the union needs no bookkeeping and
 * stays usable in constant expressions.
 */
template <class T>
class [[nodiscard]] result {
public:
    using value_type = T;
    using error_type = mqttwire::error;

    constexpr result(T value) noexcept : value_(value), ok_(true) {}  // NOLINT: implicit by design
    constexpr result(error_type err) noexcept : error_(err), ok_(false) {}  // NOLINT

    [[nodiscard]] constexpr bool has_value() const noexcept { return ok_; }
    constexpr explicit operator bool() const noexcept { return ok_; }
    [[nodiscard]] constexpr const T& value() const noexcept { return value_; }
    [[nodiscard]] constexpr T& value() noexcept { return value_; }
    [[nodiscard]] constexpr const T& operator*() const noexcept { return value_; }
    [[nodiscard]] constexpr T& operator*() noexcept { return value_; }
    constexpr const T* operator->() const noexcept { return &value_; }
    constexpr T* operator->() noexcept { return &value_; }
    /** The error; `code == errc::none` when there is a value. */
    [[nodiscard]] constexpr error_type error() const noexcept {
        return ok_ ? error_type{} : error_;
    }

private:
    union {
        T value_;
        error_type error_;
    };
    bool ok_;
};

/** How many more bytes an incomplete input needs. */
struct need {
    /** At least this many more bytes; exactly this many when `exact`. */
    std::size_t bytes = 0;
    /** True once the Remaining Length is known, so the count is the exact shortfall. */
    bool exact = false;
    friend constexpr bool operator==(const need&, const need&) = default;
};

/** State of a partial<T>. */
enum class progress : unsigned char { complete, need_more, failed };

/** A value, a "need more bytes" answer, or an error; for input that may be a stream prefix. */
template <class T>
class [[nodiscard]] partial {
public:
    using value_type = T;
    using error_type = mqttwire::error;
    using need_type = mqttwire::need;

    constexpr partial(T value) noexcept : value_(value), state_(progress::complete) {}  // NOLINT
    constexpr partial(need_type more) noexcept                                          // NOLINT
        : need_(more), state_(progress::need_more) {}
    constexpr partial(error_type err) noexcept : error_(err), state_(progress::failed) {}  // NOLINT

    [[nodiscard]] constexpr progress state() const noexcept { return state_; }
    [[nodiscard]] constexpr bool is_complete() const noexcept {
        return state_ == progress::complete;
    }
    [[nodiscard]] constexpr bool needs_more() const noexcept {
        return state_ == progress::need_more;
    }
    [[nodiscard]] constexpr bool has_error() const noexcept { return state_ == progress::failed; }
    /** Precondition: is_complete(). */
    [[nodiscard]] constexpr const T& value() const noexcept { return value_; }
    [[nodiscard]] constexpr const T& operator*() const noexcept { return value_; }
    constexpr const T* operator->() const noexcept { return &value_; }
    /** The shortfall; zero bytes unless needs_more(). */
    [[nodiscard]] constexpr need_type need() const noexcept {
        return state_ == progress::need_more ? need_ : need_type{};
    }
    /** The error; `code == errc::none` unless has_error(). */
    [[nodiscard]] constexpr error_type error() const noexcept {
        return state_ == progress::failed ? error_ : error_type{};
    }

private:
    union {
        T value_;
        need_type need_;
        error_type error_;
    };
    progress state_;
};

}  // namespace mqttwire
