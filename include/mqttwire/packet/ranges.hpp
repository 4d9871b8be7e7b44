// Lazy ranges over validated repeated fields of SUBSCRIBE, UNSUBSCRIBE, SUBACK and UNSUBACK:
// decode checks every entry once; iteration re-reads the bytes without allocating.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <span>
#include <string_view>
#include <type_traits>

#include "../detail/config.hpp"
#include "../protocol.hpp"
#include "../reason_code.hpp"
#include "../rules/topic_match.hpp"
#include "../wire/bytes.hpp"

namespace mqttwire {

/** Retain Handling option of a 5.0 subscription. */
enum class retain_handling : std::uint8_t {
    send_on_subscribe = 0,
    send_if_new_subscription = 1,
    do_not_send = 2,
};

/**
 * One decoded Topic Filter + Subscription Options pair of a SUBSCRIBE. `topic_filter` is the
 * whole filter as sent, "$share/{ShareName}/" included; a shared subscription matches messages
 * with `split_shared_subscription(topic_filter)->topic_filter`.
 */
struct subscription_view {
    std::string_view topic_filter{};
    qos max_qos = qos::at_most_once;
    bool no_local = false;                                        // 5.0
    bool retain_as_published = false;                             // 5.0
    retain_handling retain = retain_handling::send_on_subscribe;  // 5.0
    /** The Subscription Options byte as received (3.x: the Requested QoS byte). */
    std::uint8_t options = 0;
    /**
     * Whether a "$share/" filter is a shared subscription here: true in a 5.0 SUBSCRIBE. Under
     * 3.1.1 and 3.1 "$share/g/a" is an ordinary filter (a server that gives it the 5.0 meaning
     * there calls split_shared_subscription itself).
     */
    bool shared_subscriptions = false;

    /**
     * The ShareName of a shared subscription (5.0 §4.8.2), empty when this is none, and always
     * empty from a 3.x SUBSCRIBE. Found on request, not while iterating: only a server that
     * places subscriptions pays for it.
     */
    [[nodiscard]] constexpr std::string_view share_name() const noexcept {
        if (!shared_subscriptions) return {};
        const auto split = split_shared_subscription(topic_filter);
        return split ? split->share_name : std::string_view{};
    }
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
        constexpr iterator(const B* pos, bool shared_subscriptions) noexcept
            : pos_(pos), shared_subscriptions_(shared_subscriptions) {}
        [[nodiscard]] constexpr value_type operator*() const noexcept {
            const std::size_t n = length();
            const std::string_view filter = detail::as_text(pos_ + 2, n);
            if constexpr (WithOptions) {
                const std::uint8_t o = detail::to_u8(pos_[2 + n]);
                if constexpr (std::endian::native == std::endian::little)
                    if (!std::is_constant_evaluated())
                        return with_packed_options(filter, o, shared_subscriptions_);
                return {filter,
                        static_cast<qos>(o & 0x3u),
                        (o & 0x4u) != 0,
                        (o & 0x8u) != 0,
                        static_cast<retain_handling>((o >> 4) & 0x3u),
                        o,
                        shared_subscriptions_};
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
        /**
         * The view above with its six option bytes written by one 8-byte store, which keeps
         * iterating about as cheap as before `options` and `shared_subscriptions`: the multiply
         * copies bits 0-1, 2, 3 and 4-5 of the byte to the low bits of bytes 0, 1, 2 and 3
         * (copies of the 6-bit value 0, 6, 13 and 20 bits up: no overlap, no carry); the byte
         * itself is fifth, the flag sixth.
         */
        [[nodiscard]] static value_type with_packed_options(std::string_view filter, std::uint8_t o,
                                                            bool shared) noexcept {
            // The eight bytes from max_qos on: the six fields and the padding.
            constexpr std::size_t at = offsetof(subscription_view, max_qos);
            static_assert(offsetof(subscription_view, options) == at + 4 &&
                          offsetof(subscription_view, shared_subscriptions) == at + 5 &&
                          sizeof(qos) == 1 && sizeof(retain_handling) == 1 && sizeof(bool) == 1 &&
                          sizeof(subscription_view) == at + 8);
            value_type v;
            v.topic_filter = filter;
            const std::uint64_t fields = ((std::uint64_t{o & 0x3Fu} * 0x102041u) & 0x03010103u) |
                                         (std::uint64_t{o} << 32) | (std::uint64_t{shared} << 40);
            std::memcpy(reinterpret_cast<unsigned char*>(&v) + at, &fields, 8);
            return v;
        }
        [[nodiscard]] constexpr std::size_t length() const noexcept {
            return (std::size_t{detail::to_u8(pos_[0])} << 8) | detail::to_u8(pos_[1]);
        }
        const B* pos_ = nullptr;
        bool shared_subscriptions_ = false;
    };

    constexpr topic_filter_list() noexcept = default;
    /**
     * `wire`: `count` validated entries back to back; `shared_subscriptions`: whether
     * "$share/" filters are shared subscriptions (a 5.0 packet), passed on to each
     * subscription_view.
     */
    constexpr topic_filter_list(std::span<const B> wire, std::size_t count,
                                bool shared_subscriptions = false) noexcept
        : bytes_(wire), count_(count), shared_subscriptions_(shared_subscriptions) {}

    [[nodiscard]] constexpr iterator begin() const noexcept {
        return iterator(bytes_.data(), shared_subscriptions_);
    }
    [[nodiscard]] constexpr iterator end() const noexcept {
        return iterator(bytes_.data() + bytes_.size(), shared_subscriptions_);
    }
    [[nodiscard]] constexpr std::size_t size() const noexcept { return count_; }
    [[nodiscard]] constexpr bool empty() const noexcept { return count_ == 0; }
    /** The encoded entries, for forwarding. */
    [[nodiscard]] constexpr std::span<const B> encoded() const noexcept { return bytes_; }

private:
    std::span<const B> bytes_{};
    std::size_t count_ = 0;
    bool shared_subscriptions_ = false;
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
        MQTTWIRE_ASSERT(i < bytes_.size());
        return static_cast<reason_code>(detail::to_u8(bytes_[i]));
    }

private:
    std::span<const B> bytes_{};
};

}  // namespace mqttwire
