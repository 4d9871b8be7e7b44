// Incremental framing of a byte stream: from any prefix, say that a whole packet is here, or
// exactly how many more bytes are needed, or why the stream is broken.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "detail/config.hpp"
#include "error.hpp"
#include "options.hpp"
#include "protocol.hpp"
#include "result.hpp"
#include "wire/bytes.hpp"
#include "wire/vbi.hpp"

namespace mqttwire {

// `frame`, the fixed header this returns, is defined in protocol.hpp, so that a "need more"
// answer (result.hpp) can carry it too.

namespace detail {

/** What the fixed-header bytes at hand say: a frame, a shortfall, or a fault. */
struct header_scan {
    fault failure{};
    frame head{};
    std::size_t need = 0;  // > 0: the header itself is incomplete; a lower bound
};

/** The statement a too-large packet breaks: the receiver's Maximum Packet Size. */
[[nodiscard]] constexpr statement_site too_large_site(sender from) noexcept {
    return from == sender::client ? statement_site::too_large_for_server
                                  : statement_site::too_large_for_client;
}

/**
 * Reads the fixed header from `available` bytes (possibly fewer than the header). Shared by
 * framing and by every decoder, so both apply the same type, length and size rules.
 */
template <byte_like B>
[[nodiscard]] MQTTWIRE_ALWAYS_INLINE constexpr header_scan scan_fixed_header(
    const B* p, std::size_t available, const codec_options& opts) noexcept {
    header_scan out;
    if (available == 0) {
        out.need = 2;
        return out;
    }
    const std::uint8_t first = to_u8(p[0]);
    const auto type = static_cast<packet_type>(first >> 4);
    if (type == packet_type::reserved ||
        (type == packet_type::auth && opts.version != protocol_version::v5)) {
        out.failure = make_fault(errc::packet_type_invalid, 0);
        return out;
    }
    out.head.type = type;
    out.head.flags = static_cast<std::uint8_t>(first & 0x0Fu);
    {
        const vbi_read v = read_vbi(p + 1, available - 1);
        switch (v.status) {
            case vbi_status::ok: break;
            case vbi_status::need_more: {
                // A minimal encoding of k bytes so far (each with the continuation bit) is worth
                // at least 128^k, so the packet can be judged too large before its length is
                // complete.
                std::size_t floor = 1;
                for (std::uint8_t i = 0; i < v.length; ++i) floor *= 128;
                const std::size_t smallest = 1 + v.length + 1 + (v.length ? floor : 0);
                if (v.length && smallest > opts.maximum_packet_size) {
                    out.failure = make_fault(errc::packet_too_large, 1, too_large_site(opts.from));
                    return out;
                }
                out.need = v.length ? 1 + floor : 1;
                return out;
            }
            case vbi_status::too_long:
                out.failure = make_fault(errc::variable_byte_integer_too_long, 4);
                return out;
            case vbi_status::not_minimal:
                out.failure = make_fault(errc::variable_byte_integer_not_minimal, v.length);
                return out;
        }
        out.head.header_size = static_cast<std::uint8_t>(1 + v.length);
        out.head.remaining_length = v.value;
    }
    if (out.head.size() > opts.maximum_packet_size) {
        out.failure = make_fault(errc::packet_too_large, 1, too_large_site(opts.from));
    }
    return out;
}

}  // namespace detail

/**
 * Frames the packet at the front of `stream`.
 *
 * Complete: the whole packet is in `stream` (`frame.size()` bytes). Need more: `need().bytes`
 * more bytes at least; once the Remaining Length is known, `need().exact` and `need().header`
 * holds the fixed header, so a driver reads it from there. Failed: packet type 0
 * (or AUTH before 5.0), a Remaining Length over 4 bytes or not minimal, or a packet larger than
 * `opts.maximum_packet_size`, judged from the header bytes before any payload arrives.
 * Flags and contents are checked by decode, not here. Before CONNECT, pass `before_connect`.
 * @par Wire format
 * Byte 1: type (bits 7..4) and flags (3..0); then the Remaining Length as a Variable Byte
 * Integer of 1..4 bytes.
 */
template <byte_range R>
[[nodiscard]] MQTTWIRE_ALWAYS_INLINE constexpr partial<frame> frame_packet(
    R&& stream, const codec_options& opts) noexcept {
    const auto s = detail::as_span(stream);
    const detail::header_scan h = detail::scan_fixed_header(s.data(), s.size(), opts);
    if (h.failure) return detail::to_error(h.failure, opts.version);
    if (h.need != 0) return need{h.need, false};
    if (s.size() < h.head.size()) return need{h.head.size() - s.size(), true, h.head};
    return h.head;
}

}  // namespace mqttwire
