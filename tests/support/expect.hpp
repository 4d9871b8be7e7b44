// Assertions shared by the primitive, framing and 3.x conformance tests: an error is checked
// for its errc, offset and statement together, and an encode is checked against known bytes
// through encoded_size, a short buffer and an exact one.
// Built with MQTTWIRE_NO_ERROR_TEXT they require every statement to be empty (error_text.hpp).
#pragma once

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <mqttwire/mqttwire.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "error_text.hpp"

namespace mqttwire_test {

using byte_vector = std::vector<unsigned char>;

/** "10 0e 00 04 …" for failure messages. */
template <class B>
std::string hex(std::span<const B> bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (const B b : bytes) {
        const auto v = static_cast<unsigned>(static_cast<unsigned char>(b));
        if (!out.empty()) out += ' ';
        out += digits[v >> 4];
        out += digits[v & 0xF];
    }
    return out;
}
inline std::string hex(const byte_vector& bytes) {
    return hex(std::span<const unsigned char>(bytes));
}

inline std::span<const std::byte> as_bytes(std::string_view text) {
    return {reinterpret_cast<const std::byte*>(text.data()), text.size()};
}
inline std::string_view as_text(std::span<const unsigned char> bytes) {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

inline std::string describe(const mqttwire::error& e) {
    return code_name(e.code) + " at " + std::to_string(e.offset) + " [" + std::string(e.statement) +
           "]";
}

/**
 * The error matches in code, offset and statement (empty statement = none expected; with
 * MQTTWIRE_NO_ERROR_TEXT every statement must be empty).
 */
inline ::testing::AssertionResult error_is(const mqttwire::error& e, mqttwire::errc code,
                                           std::uint32_t offset, std::string_view statement) {
    statement = error_text(statement);
    if (e.code == code && e.offset == offset && e.statement == statement)
        return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure()
           << "got " << describe(e) << ", expected " << code_name(code) << " at " << offset << " ["
           << statement << "]";
}

template <class T>
::testing::AssertionResult fails_with(const mqttwire::result<T>& r, mqttwire::errc code,
                                      std::uint32_t offset, std::string_view statement) {
    if (r.has_value()) return ::testing::AssertionFailure() << "decoded without error";
    return error_is(r.error(), code, offset, statement);
}

template <class T>
::testing::AssertionResult fails_with(const mqttwire::partial<T>& r, mqttwire::errc code,
                                      std::uint32_t offset, std::string_view statement) {
    if (!r.has_error())
        return ::testing::AssertionFailure()
               << (r.is_complete() ? "complete" : "needs more") << " instead of an error";
    return error_is(r.error(), code, offset, statement);
}

/**
 * `packet` encodes to exactly `expected`: encoded_size agrees, a buffer one byte short is
 * refused with buffer_too_small (saying the size needed) and left unwritten past its end, an exact
 * buffer is filled.
 */
template <class Packet>
::testing::AssertionResult encodes_to(const Packet& packet, const mqttwire::codec_options& opts,
                                      std::span<const unsigned char> expected) {
    const mqttwire::result<std::size_t> size = mqttwire::encoded_size(packet, opts);
    if (!size) return ::testing::AssertionFailure() << "encoded_size: " << describe(size.error());
    if (*size != expected.size())
        return ::testing::AssertionFailure()
               << "encoded_size " << *size << ", expected " << expected.size();
    std::vector<std::byte> buffer(expected.size() + 8, std::byte{0xEE});
    if (!expected.empty()) {
        const auto short_result =
            mqttwire::encode(packet, opts, std::span(buffer).first(expected.size() - 1));
        if (short_result.has_value() ||
            short_result.error().code != mqttwire::errc::buffer_too_small)
            return ::testing::AssertionFailure() << "a buffer one byte short was not refused";
        if (short_result.error().buffer_size_needed() != expected.size())
            return ::testing::AssertionFailure()
                   << "buffer_too_small needs " << short_result.error().buffer_size_needed()
                   << ", not " << expected.size();
        for (std::size_t i = expected.size() - 1; i < buffer.size(); ++i)
            if (buffer[i] != std::byte{0xEE})
                return ::testing::AssertionFailure() << "short encode wrote past its buffer";
    }
    const auto written = mqttwire::encode(packet, opts, std::span(buffer).first(expected.size()));
    if (!written) return ::testing::AssertionFailure() << "encode: " << describe(written.error());
    if (*written != expected.size())
        return ::testing::AssertionFailure() << "encode wrote " << *written << " bytes";
    const auto got = std::span<const std::byte>(buffer).first(*written);
    for (std::size_t i = 0; i < expected.size(); ++i) {
        if (static_cast<unsigned char>(got[i]) != expected[i])
            return ::testing::AssertionFailure() << "byte " << i << " differs\n  got      "
                                                 << hex(got) << "\n  expected " << hex(expected);
    }
    if (buffer[expected.size()] != std::byte{0xEE})
        return ::testing::AssertionFailure() << "encode wrote past the packet";
    return ::testing::AssertionSuccess();
}

/** The encoder refuses `packet` with `code` and `statement`, from encoded_size and encode. */
template <class Packet>
::testing::AssertionResult refuses(const Packet& packet, const mqttwire::codec_options& opts,
                                   mqttwire::errc code, std::string_view statement) {
    std::vector<std::byte> buffer(1024);
    const auto size = mqttwire::encoded_size(packet, opts);
    const auto written = mqttwire::encode(packet, opts, buffer);
    if (size.has_value()) return ::testing::AssertionFailure() << "encoded_size gave a size";
    if (written.has_value()) return ::testing::AssertionFailure() << "encode wrote the packet";
    if (size.error() != written.error())
        return ::testing::AssertionFailure() << "encoded_size said " << describe(size.error())
                                             << ", encode said " << describe(written.error());
    statement = error_text(statement);
    if (size.error().code != code || size.error().statement != statement)
        return ::testing::AssertionFailure() << "got " << describe(size.error()) << ", expected "
                                             << code_name(code) << " [" << statement << "]";
    return ::testing::AssertionSuccess();
}

/** Builds packet bytes field by field; `packet()` prepends the fixed header. */
class builder {
public:
    builder& u8(unsigned v) {
        bytes_.push_back(static_cast<unsigned char>(v));
        return *this;
    }
    builder& u16(unsigned v) {
        bytes_.push_back(static_cast<unsigned char>(v >> 8));
        bytes_.push_back(static_cast<unsigned char>(v & 0xFF));
        return *this;
    }
    /** Raw bytes, no length prefix. */
    builder& raw(std::string_view text) {
        // push_back, not vector::insert: g++ 12 at -O3 reports a false -Warray-bounds for the
        // insert after inlining (the memmove of a vector that just grew).
        for (const char c : text) bytes_.push_back(static_cast<unsigned char>(c));
        return *this;
    }
    /** A Two Byte Integer length, then the bytes (UTF-8 string or binary layout). */
    builder& str(std::string_view text) {
        u16(static_cast<unsigned>(text.size()));
        return raw(text);
    }
    /** Offset the next byte will have in packet(): the body size plus a header of 2 bytes. */
    [[nodiscard]] std::uint32_t at() const { return static_cast<std::uint32_t>(2 + bytes_.size()); }
    [[nodiscard]] const byte_vector& body() const { return bytes_; }
    /** Fixed header byte `first`, the minimal Remaining Length, the body. */
    [[nodiscard]] byte_vector packet(unsigned first) const {
        byte_vector out{static_cast<unsigned char>(first)};
        std::size_t n = bytes_.size();
        do {
            auto b = static_cast<unsigned char>(n & 0x7F);
            n >>= 7;
            if (n != 0) b = static_cast<unsigned char>(b | 0x80);
            out.push_back(b);
        } while (n != 0);
        out.insert(out.end(), bytes_.begin(), bytes_.end());
        return out;
    }

private:
    byte_vector bytes_;
};

/** Encodes a packet the test knows to be valid; empty on failure (with a test failure). */
template <class Packet>
byte_vector encode_ok(const Packet& packet, const mqttwire::codec_options& opts) {
    std::vector<std::byte> buffer(70'000);
    const auto written = mqttwire::encode(packet, opts, buffer);
    if (!written) {
        ADD_FAILURE() << "encode: " << describe(written.error());
        return {};
    }
    byte_vector out(*written);
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<unsigned char>(buffer[i]);
    return out;
}

}  // namespace mqttwire_test
