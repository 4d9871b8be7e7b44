#pragma once
// One connection's unsent bytes: its own (acks, headers, small payloads copied) in one buffer,
// and between them references to payloads kept in the stored messages, which every subscriber
// of a message shares rather than copies. The driver takes them as pieces for one writev.
#include <cstddef>
#include <span>
#include <vector>

#include "broker/message.hpp"
#include "broker/ring.hpp"

namespace mqttwire::broker {

class output_queue {
public:
    [[nodiscard]] bool empty() const { return pending_ == 0; }
    /** Bytes not written yet. */
    [[nodiscard]] std::size_t pending() const { return pending_; }

    /** `n` bytes at the end, after everything queued, for the caller to fill. */
    std::span<std::byte> append(std::size_t n);
    /** Takes back the last `n` bytes of the append() just made (an encode that failed). */
    void unappend(std::size_t n);
    /** `bytes`, which `owner` keeps alive, go out after everything queued: not copied. */
    void append_shared(message_ptr owner, std::span<const std::byte> bytes);

    /** The unsent bytes in order as up to out.size() pieces; returns how many were filled. */
    std::size_t pieces(std::span<std::span<const std::byte>> out) const;
    /** The first `n` unsent bytes were written. */
    void consume(std::size_t n);
    /** Every unsent byte as one span, the shared pieces copied in: for tests and simple use. */
    std::span<const std::byte> contiguous();

private:
    /** A shared piece goes out when the own buffer has been sent up to `at`. */
    struct shared_piece {
        std::size_t at = 0;
        std::span<const std::byte> bytes{};
        message_ptr owner{};
    };
    /** Own capacity kept once everything is written: above it the buffer is released. */
    static constexpr std::size_t keep_capacity = std::size_t{64} << 10;

    void drained();

    std::vector<std::byte> own_{};
    std::size_t own_sent_ = 0;
    ring<shared_piece> shared_{};
    std::size_t shared_sent_ = 0;  // of the front shared piece
    std::size_t pending_ = 0;
};

}  // namespace mqttwire::broker
