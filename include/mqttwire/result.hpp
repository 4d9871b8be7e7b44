// Return types: result<T> for operations on complete input, partial<T> where input may still be
// arriving ("need N more bytes" is a state of its own, never an error value).
#pragma once

#include <cstddef>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>

#include "detail/config.hpp"
#include "error.hpp"
#include "protocol.hpp"

namespace mqttwire {

namespace detail {
struct result_access;
}  // namespace detail

/**
 * A value or an error. No exceptions: `value()`, `*` and `->` have the precondition
 * `has_value()`, checked under MQTTWIRE_CHECKED (detail/config.hpp). T is a trivially copyable view
 * or size, so the union needs no bookkeeping and stays usable in constant expressions.
 */
template <class T>
class [[nodiscard]] result {
public:
    using value_type = T;
    using error_type = mqttwire::error;

    constexpr result(T value) noexcept : value_(value), ok_(true) {}  // NOLINT: implicit by design
    constexpr result(error_type err) noexcept : error_(err), ok_(false) {}  // NOLINT
    /**
     * Constructs the value in place from `args`: a decoder fills a large view where the caller
     * receives it, instead of building it elsewhere and copying it in.
     */
    template <class... Args>
    constexpr explicit result(std::in_place_t, Args&&... args) noexcept : ok_(true) {
        if constexpr (sizeof...(Args) == 0) {
            // Default-, not value-initialised: a view leaves its property offset table
            // unwritten (see properties_view), and value-initialisation would zero it.
            if (std::is_constant_evaluated())
                std::construct_at(std::addressof(value_));
            else
                ::new (static_cast<void*>(std::addressof(value_))) T;
        } else {
            std::construct_at(std::addressof(value_), std::forward<Args>(args)...);
        }
    }

    [[nodiscard]] constexpr bool has_value() const noexcept { return ok_; }
    constexpr explicit operator bool() const noexcept { return ok_; }
    /** Precondition: has_value() (checked under MQTTWIRE_CHECKED). */
    [[nodiscard]] constexpr const T& value() const noexcept {
        MQTTWIRE_ASSERT(ok_);
        return value_;
    }
    [[nodiscard]] constexpr T& value() noexcept {
        MQTTWIRE_ASSERT(ok_);
        return value_;
    }
    [[nodiscard]] constexpr const T& operator*() const noexcept { return value(); }
    [[nodiscard]] constexpr T& operator*() noexcept { return value(); }
    constexpr const T* operator->() const noexcept { return &value(); }
    constexpr T* operator->() noexcept { return &value(); }
    /** The error; `code == errc::none` when there is a value. */
    [[nodiscard]] constexpr error_type error() const noexcept {
        return ok_ ? error_type{} : error_;
    }

private:
    friend struct detail::result_access;

    union {
        T value_;
        error_type error_;
    };
    bool ok_;
};

namespace detail {
/** Lets a decoder that built its view in place turn the result into an error without a copy. */
struct result_access {
    template <class T>
    static constexpr void fail(result<T>& r, const error& err) noexcept {
        std::construct_at(&r.error_, err);
        r.ok_ = false;
    }
};

/**
 * Stands for a View to be built where it is stored: a std::optional or std::variant that
 * constructs its value from this object gets the View returned by the conversion, which
 * compilers build in place (default-initialised, no copy). `fill` returns the fault, if any.
 */
template <class View, class Fill>
struct in_place_builder {
    Fill fill;
    fault* failure;
    // NOLINTNEXTLINE(google-explicit-constructor): the conversion is the point
    MQTTWIRE_ALWAYS_INLINE constexpr operator View() const noexcept {
        View v;
        *failure = fill(v);
        return v;
    }
};

template <class View, class Fill>
[[nodiscard]] constexpr in_place_builder<View, Fill> build_in_place(Fill fill,
                                                                    fault* failure) noexcept {
    return {fill, failure};
}
}  // namespace detail

/** How many more bytes an incomplete input needs, and the fixed header once it is known. */
struct need {
    /** At least this many more bytes; exactly this many when `exact`. */
    std::size_t bytes = 0;
    /**
     * True when the count is the exact shortfall: from frame_packet, once the Remaining Length
     * is known; from decode_publish_head, once the end of the variable header is.
     */
    bool exact = false;
    /**
     * The fixed header (type, flags, header size, Remaining Length) once it has been read, so
     * a driver need not parse it again; all zero before (see header_known()).
     */
    frame header{};

    /** True once `header` holds the fixed header: the Remaining Length has been read. */
    [[nodiscard]] constexpr bool header_known() const noexcept { return header.header_size != 0; }
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
    /** Precondition: is_complete() (checked under MQTTWIRE_CHECKED). */
    [[nodiscard]] constexpr const T& value() const noexcept {
        MQTTWIRE_ASSERT(state_ == progress::complete);
        return value_;
    }
    [[nodiscard]] constexpr const T& operator*() const noexcept { return value(); }
    constexpr const T* operator->() const noexcept { return &value(); }
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
