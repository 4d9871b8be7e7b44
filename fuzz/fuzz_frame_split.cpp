// Stream framing: a byte stream cut into chunks at fuzzer-chosen points must frame into exactly
// the packets (or the error, or the final shortfall) it frames into when fed whole; and every
// "need more" answer is honest: with need.exact, exactly need.bytes more complete the packet;
// otherwise no fewer than need.bytes more can.
//
// Input: selector byte (fuzz::options_from; bit 7 = feed byte by byte), a count byte c, then
// c & 15 chunk lengths of one byte each, then the stream. After the listed chunks the rest of
// the stream arrives in one piece.
#include "fuzz_common.hpp"

namespace {

namespace mw = mqttwire;

/** What framing said about one position of the stream. */
struct step {
    mw::progress state{};
    mw::frame head{};
    mw::need need{};
    mw::error err{};
    friend bool operator==(const step&, const step&) = default;
};

step frame_at(std::span<const unsigned char> bytes, const mw::codec_options& opts) {
    // An exact-size copy, so framing can read nothing past what has "arrived".
    const fuzz::exact_copy<> copy(bytes.data(), bytes.size());
    const auto r = mw::frame_packet(copy.span(), opts);
    step s;
    s.state = r.state();
    if (r.is_complete()) s.head = *r;
    s.need = r.need();
    s.err = r.error();
    return s;
}

/** The need answer for `have` bytes at `begin` of `stream`, checked against more bytes. */
void check_need_honest(std::span<const unsigned char> stream, std::size_t begin, std::size_t have,
                       const mw::need& need, const mw::codec_options& opts) {
    FUZZ_CHECK(need.bytes > 0);
    // Exact once the Remaining Length is known, and then the answer carries the fixed header.
    FUZZ_CHECK(need.exact == need.header_known());
    FUZZ_CHECK(!need.exact || need.header.size() == have + need.bytes);
    const std::size_t left = stream.size() - begin;
    const std::size_t target = have + need.bytes;
    if (need.exact) {
        // The Remaining Length is known: the packet is exactly `target` bytes.
        if (target <= left) {
            const step s = frame_at(stream.subspan(begin, target), opts);
            FUZZ_CHECK(s.state == mw::progress::complete && s.head.size() == target);
            FUZZ_CHECK(s.head == need.header);
            const step one_short = frame_at(stream.subspan(begin, target - 1), opts);
            FUZZ_CHECK(one_short.state == mw::progress::need_more && one_short.need.bytes == 1 &&
                       one_short.need.exact);
        }
    } else if (target - 1 <= left && target - 1 > have) {
        // A lower bound: one byte fewer than promised never completes a packet.
        const step s = frame_at(stream.subspan(begin, target - 1), opts);
        FUZZ_CHECK(s.state != mw::progress::complete);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    const mw::codec_options opts = fuzz::options_from(data[0]);
    const bool byte_by_byte = (data[0] & 0x80u) != 0;
    const std::size_t cuts = std::min<std::size_t>(data[1] & 15u, size - 2);
    std::vector<std::size_t> chunks;
    for (std::size_t i = 0; i < cuts; ++i) chunks.push_back(data[2 + i]);
    const fuzz::exact_copy<> whole_copy(data + 2 + cuts, size - 2 - cuts);
    const std::span<const unsigned char> stream = whole_copy.span();

    // Fed whole: the packets, then the final state (a shortfall or an error).
    std::vector<step> whole;
    for (std::size_t pos = 0;;) {
        const step s = frame_at(stream.subspan(pos), opts);
        whole.push_back(s);
        if (s.state != mw::progress::complete) {
            if (s.state == mw::progress::need_more)
                check_need_honest(stream, pos, stream.size() - pos, s.need, opts);
            break;
        }
        FUZZ_CHECK(s.head.size() >= 2 && s.head.size() <= stream.size() - pos);
        // A framed packet is never "incomplete" to the decoder.
        const fuzz::exact_copy<> packet(stream.data() + pos, s.head.size());
        const auto d = mw::decode(packet.span(), opts);
        FUZZ_CHECK(d || d.error().code != mw::errc::packet_incomplete);
        pos += s.head.size();
    }

    // Fed in chunks, as a driver that accumulates bytes and frames after each read.
    std::vector<step> chunked;
    std::size_t consumed = 0;  // start of the unframed bytes
    std::size_t arrived = 0;
    std::size_t next_chunk = 0;
    bool done = false;
    while (!done) {
        std::size_t n = 0;
        if (byte_by_byte) {
            n = 1;
        } else if (next_chunk < chunks.size()) {
            n = chunks[next_chunk++];
        } else {
            n = stream.size() - arrived;
        }
        arrived = std::min(stream.size(), arrived + n);
        const bool last = arrived == stream.size();
        while (true) {
            const std::size_t have = arrived - consumed;
            const step s = frame_at(stream.subspan(consumed, have), opts);
            if (s.state == mw::progress::complete) {
                chunked.push_back(s);
                consumed += s.head.size();
                continue;
            }
            if (s.state == mw::progress::failed) {
                // An error seen early must be the error the whole stream gives there.
                chunked.push_back(s);
                done = true;
            } else {
                check_need_honest(stream, consumed, have, s.need, opts);
                if (last) {
                    chunked.push_back(s);
                    done = true;
                }
            }
            break;
        }
    }
    FUZZ_CHECK(chunked.size() == whole.size());
    for (std::size_t i = 0; i < whole.size(); ++i) {
        // Design point (fuzz/README.md): a partial Remaining Length already worth more than the
        // maximum packet size is refused as too large, even though the bytes still to come
        // could make it malformed instead (not minimal, or a fifth byte). Both answers close
        // the stream; only that pair may differ.
        const mw::errc late = whole[i].err.code;
        if (chunked[i].err.code == mw::errc::packet_too_large &&
            (late == mw::errc::variable_byte_integer_not_minimal ||
             late == mw::errc::variable_byte_integer_too_long))
            continue;
        FUZZ_CHECK_MSG(chunked[i] == whole[i],
                       "packet " + std::to_string(i) + ": " + fuzz::describe(chunked[i].err) +
                           " vs " + fuzz::describe(whole[i].err));
    }
    return 0;
}
