// Incremental framing of a byte stream: from any prefix, say that a whole packet is here, or
// exactly how many more bytes are needed, or why the stream is broken.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "error.hpp"
#include "options.hpp"
#include "protocol.hpp"
#include "result.hpp"
#include "wire/bytes.hpp"
#include "wire/vbi.hpp"

namespace mqttwire {

/** The fixed header of a complete packet at the front of a stream. */
struct frame {
    packet_type type = packet_type::reserved;
    /** Low nibble of the first byte (DUP/QoS/RETAIN for PUBLISH, reserved bits otherwise). */
    std::uint8_t flags = 0;
    /** Fixed header size: 1 type byte + 1..4 Remaining Length bytes. */
    std::uint8_t header_size = 0;
    std::uint32_t remaining_length = 0;

    /** Bytes of the whole packet; the next packet starts there. */
    [[nodiscard]] constexpr std::size_t size() const noexcept {
        return std::size_t{header_size} + remaining_length;
    }
    friend constexpr bool operator==(const frame&, const frame&) = default;
};

namespace detail {

/**
 * Fixed-header check shared by framing and decoding; `available` may be short of the header.
 * Returns a frame in `out` once the header is complete.
 */
template <byte_like B>
[[nodiscard]] constexpr partial<frame> read_fixed_header(const B* p, std::size_t available,
                                                         const codec_options& opts) noexcept {
    if (available == 0) return need{2, false};
    const std::uint8_t first = to_u8(p[0]);
    const auto type = static_cast<packet_type>(first >> 4);
    if (type == packet_type::reserved ||
        (type == packet_type::auth && opts.version != protocol_version::v5))
        return to_error(make_fault(errc::packet_type_invalid, 0), opts.version);

    const vbi_read v = read_vbi(p + 1, available - 1);
    switch (v.status) {
        case vbi_status::ok: break;
        case vbi_status::need_more: {
            // A minimal encoding of k bytes so far (each with the continuation bit) is worth at
            // least 128^k, so the packet can be judged too large before its length is complete.
            std::size_t floor = 1;
            for (std::uint8_t i = 0; i < v.length; ++i) floor *= 128;
            const std::size_t smallest = 1 + v.length + 1 + (v.length ? floor : 0);
            if (v.length && smallest > opts.maximum_packet_size)
                return to_error(make_fault(errc::packet_too_large, 1), opts.version);
            return need{v.length ? 1 + floor : 1, false};
        }
        case vbi_status::too_long:
            return to_error(make_fault(errc::variable_byte_integer_too_long, 4), opts.version);
        case vbi_status::not_minimal:
            return to_error(make_fault(errc::variable_byte_integer_not_minimal, v.length),
                            opts.version);
    }
    frame f;
    f.type = type;
    f.flags = static_cast<std::uint8_t>(first & 0x0Fu);
    f.header_size = static_cast<std::uint8_t>(1 + v.length);
    f.remaining_length = v.value;
    if (f.size() > opts.maximum_packet_size) {
        const fault tf =
            opts.from == sender::client
                ? make_fault(errc::packet_too_large, 1, statement_site::too_large_for_server)
                : make_fault(errc::packet_too_large, 1, statement_site::too_large_for_client);
        return to_error(tf, opts.version);
    }
    return f;
}

}  // namespace detail

/**
 * Frames the packet at the front of `stream`.
 *
 * Complete: the whole packet is in `stream` (`frame.size()` bytes). Need more: `need().bytes`
 * more bytes at least; `need().exact` once the Remaining Length is known. Failed: packet type 0
 * (or AUTH before 5.0), a Remaining Length over 4 bytes or not minimal, or a packet larger than
 * `opts.maximum_packet_size`, judged from the header bytes before any payload arrives.
 * Flags and contents are checked by decode, not here.
 * @par Wire format
 * Byte 1: type (bits 7..4) and flags (3..0); then the Remaining Length as a Variable Byte
 * Integer of 1..4 bytes.
 */
template <byte_range R>
[[nodiscard]] constexpr partial<frame> frame_packet(R&& stream,
                                                    const codec_options& opts = {}) noexcept {
    const auto s = detail::as_span(stream);
    partial<frame> head = detail::read_fixed_header(s.data(), s.size(), opts);
    if (!head.is_complete()) return head;
    const std::size_t total = head->size();
    if (s.size() < total) return need{total - s.size(), true};
    return head;
}

}  // namespace mqttwire
