// Test packets written field by field, with their lengths computed: the one byte builder of
// the unit tests. `Byte` is the element type the test decodes from (std::uint8_t, std::byte).
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <vector>

namespace mqttwire_test {

template <class Byte>
struct basic_packet_builder {
    std::vector<Byte> b;

    basic_packet_builder& u8(unsigned v) {
        b.push_back(static_cast<Byte>(v & 0xFFu));
        return *this;
    }
    basic_packet_builder& u16(unsigned v) { return u8(v >> 8).u8(v & 0xFFu); }
    basic_packet_builder& u32(std::uint32_t v) { return u16(v >> 16).u16(v & 0xFFFFu); }
    /** A Variable Byte Integer; values past the protocol's maximum are written as given. */
    basic_packet_builder& vbi(std::size_t v) {
        do {
            unsigned byte = static_cast<unsigned>(v & 0x7Fu);
            v >>= 7;
            if (v != 0) byte |= 0x80u;
            u8(byte);
        } while (v != 0);
        return *this;
    }
    /** A UTF-8 Encoded String or Binary Data: two-byte length, then the bytes. */
    basic_packet_builder& str(std::string_view s) {
        u16(static_cast<unsigned>(s.size()));
        for (const char c : s) u8(static_cast<unsigned char>(c));
        return *this;
    }
    basic_packet_builder& raw(const std::vector<Byte>& more) {
        b.insert(b.end(), more.begin(), more.end());
        return *this;
    }
    basic_packet_builder& raw(std::initializer_list<unsigned> more) {
        for (const unsigned v : more) u8(v);
        return *this;
    }
    basic_packet_builder& fill(std::size_t n, unsigned v) {
        b.insert(b.end(), n, static_cast<Byte>(v & 0xFFu));
        return *this;
    }
    /** A Property Length and the properties. */
    basic_packet_builder& props(const std::vector<Byte>& list) { return vbi(list.size()).raw(list); }
    [[nodiscard]] std::size_t size() const { return b.size(); }
};

/** A whole packet: first byte, Remaining Length, body. */
template <class Byte>
[[nodiscard]] std::vector<Byte> whole_packet(unsigned first, const std::vector<Byte>& body) {
    return basic_packet_builder<Byte>{}.u8(first).vbi(body.size()).raw(body).b;
}

/** Bytes a Variable Byte Integer of `v` takes. */
[[nodiscard]] inline std::size_t vbi_bytes(std::size_t v) {
    return basic_packet_builder<std::uint8_t>{}.vbi(v).size();
}

}  // namespace mqttwire_test
