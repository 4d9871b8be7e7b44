// Lazy ranges over validated repeated fields of SUBSCRIBE, UNSUBSCRIBE, SUBACK and UNSUBACK:
// decode checks every entry once; iteration re-reads the bytes without allocating.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <span>
#include <string_view>
#include <type_traits>

#include "../protocol.hpp"
#include "../reason_code.hpp"
#include "../wire/bytes.hpp"

namespace mqttwire {

/** Retain Handling option of a 5.0 subscription. */
enum class retain_handling : std::uint8_t {
    send_on_subscribe = 0,
    send_if_new_subscription = 1,
    do_not_send = 2,
};

/** One decoded Topic Filter + Subscription Options pair of a SUBSCRIBE. */
struct subscription_view {
    std::string_view topic_filter{};
    qos max_qos = qos::at_most_once;
    bool no_local = false;                                        // 5.0
    bool retain_as_published = false;                             // 5.0
    retain_handling retain = retain_handling::send_on_subscribe;  // 5.0
    friend constexpr bool operator==(const subscription_view&, const subscription_view&) = default;
};

/**
 * Length-prefixed strings packed back to back, each optionally followed by one options byte:
 * the SUBSCRIBE payload (WithOptions) or the UNSUBSCRIBE payload.
 */
template <byte_like B, bool WithOptions>
class topic_filter_list {
public:
    using value_type = std::conditional_t<WithOptions, subscription_view, std::string_view>;

    class iterator {
    public:
        using value_type = topic_filter_list::value_type;
        using difference_type = std::ptrdiff_t;
        using iterator_category = std::forward_iterator_tag;

        constexpr iterator() noexcept = default;
        constexpr explicit iterator(const B* pos) noexcept : pos_(pos) {}
        [[nodiscard]] constexpr value_type operator*() const noexcept {
            const std::size_t n = length();
            const std::string_view filter = detail::as_text(pos_ + 2, n);
            if constexpr (WithOptions) {
                const std::uint8_t o = detail::to_u8(pos_[2 + n]);
                return {filter, static_cast<qos>(o & 0x3u), (o & 0x4u) != 0, (o & 0x8u) != 0,
                        static_cast<retain_handling>((o >> 4) & 0x3u)};
            } else {
                return filter;
            }
        }
        constexpr iterator& operator++() noexcept {
            pos_ += 2 + length() + (WithOptions ? 1 : 0);
            return *this;
        }
        constexpr iterator operator++(int) noexcept {
            iterator old = *this;
            ++*this;
            return old;
        }
        friend constexpr bool operator==(const iterator& a, const iterator& b) noexcept {
            return a.pos_ == b.pos_;
        }

    private:
        [[nodiscard]] constexpr std::size_t length() const noexcept {
            return (std::size_t{detail::to_u8(pos_[0])} << 8) | detail::to_u8(pos_[1]);
        }
        const B* pos_ = nullptr;
    };

    constexpr topic_filter_list() noexcept = default;
    constexpr topic_filter_list(std::span<const B> wire, std::size_t count) noexcept
        : bytes_(wire), count_(count) {}

    [[nodiscard]] constexpr iterator begin() const noexcept { return iterator(bytes_.data()); }
    [[nodiscard]] constexpr iterator end() const noexcept {
        return iterator(bytes_.data() + bytes_.size());
    }
    [[nodiscard]] constexpr std::size_t size() const noexcept { return count_; }
    [[nodiscard]] constexpr bool empty() const noexcept { return count_ == 0; }
    /** The encoded entries, for forwarding. */
    [[nodiscard]] constexpr std::span<const B> encoded() const noexcept { return bytes_; }

private:
    std::span<const B> bytes_{};
    std::size_t count_ = 0;
};

template <byte_like B>
using subscription_range = topic_filter_list<B, true>;
template <byte_like B>
using topic_filter_range = topic_filter_list<B, false>;

/** Reason codes of a SUBACK or UNSUBACK, one byte each, validated at decode. */
template <byte_like B>
class reason_code_range {
public:
    class iterator {
    public:
        using value_type = reason_code;
        using difference_type = std::ptrdiff_t;
        using iterator_category = std::forward_iterator_tag;

        constexpr iterator() noexcept = default;
        constexpr explicit iterator(const B* pos) noexcept : pos_(pos) {}
        [[nodiscard]] constexpr reason_code operator*() const noexcept {
            return static_cast<reason_code>(detail::to_u8(*pos_));
        }
        constexpr iterator& operator++() noexcept {
            ++pos_;
            return *this;
        }
        constexpr iterator operator++(int) noexcept {
            iterator old = *this;
            ++pos_;
            return old;
        }
        friend constexpr bool operator==(const iterator& a, const iterator& b) noexcept {
            return a.pos_ == b.pos_;
        }

    private:
        const B* pos_ = nullptr;
    };

    constexpr reason_code_range() noexcept = default;
    constexpr explicit reason_code_range(std::span<const B> wire) noexcept : bytes_(wire) {}

    [[nodiscard]] constexpr iterator begin() const noexcept { return iterator(bytes_.data()); }
    [[nodiscard]] constexpr iterator end() const noexcept {
        return iterator(bytes_.data() + bytes_.size());
    }
    [[nodiscard]] constexpr std::size_t size() const noexcept { return bytes_.size(); }
    [[nodiscard]] constexpr bool empty() const noexcept { return bytes_.empty(); }
    /** The i-th reason code; precondition i < size(). */
    [[nodiscard]] constexpr reason_code operator[](std::size_t i) const noexcept {
        return static_cast<reason_code>(detail::to_u8(bytes_[i]));
    }

private:
    std::span<const B> bytes_{};
};

}  // namespace mqttwire
