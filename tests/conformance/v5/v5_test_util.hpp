// Helpers shared by the MQTT 5.0 conformance tests: packet builders that compute the lengths,
// error matchers that check errc, offset, statement and reason code together, and an encode
// wrapper that holds encoded_size and encode to the same answer.
#pragma once

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <mqttwire/mqttwire.hpp>
#include <ostream>
#include <span>
#include <string_view>
#include <vector>

#include "../../support/error_text.hpp"
#include "../../support/packet_builder.hpp"

namespace mqttwire {
// gtest prints scoped enums as raw bytes otherwise.
inline void PrintTo(errc code, std::ostream* os) { *os << name(code); }
inline void PrintTo(reason_code code, std::ostream* os) {
    *os << name(code) << " (0x" << std::hex << unsigned{static_cast<std::uint8_t>(code)} << std::dec
        << ")";
}
inline void PrintTo(const error& e, std::ostream* os) {
    *os << "{" << name(e.code) << ", offset " << e.offset << ", \"" << e.statement << "\"}";
}
inline void PrintTo(const user_property_view& p, std::ostream* os) {
    *os << "\"" << p.name << "\"=\"" << p.value << "\"";
}
}  // namespace mqttwire

namespace v5test {

using namespace mqttwire;

using bytes = std::vector<std::uint8_t>;

inline constexpr codec_options from_client{protocol_version::v5, sender::client};
inline constexpr codec_options from_server{protocol_version::v5, sender::server};

using builder = mqttwire_test::basic_packet_builder<std::uint8_t>;

/** A whole packet: first byte, Remaining Length, body. */
inline bytes packet(unsigned first, const bytes& body) { return mqttwire_test::whole_packet(first, body); }

inline bytes packet(unsigned first, std::initializer_list<unsigned> body) {
    return packet(first, builder{}.raw(body).b);
}

/** Fixed header size of a packet whose body has `body` bytes. */
inline std::size_t header_size(std::size_t body) {
    return 1 + (body < 128 ? 1 : body < 16'384 ? 2 : body < 2'097'152 ? 3 : 4);
}

template <std::size_t N>
bytes to_bytes(const unsigned char (&a)[N]) {
    return bytes(a, a + N);
}

inline std::span<const std::byte> as_bytes(const bytes& b) { return std::as_bytes(std::span(b)); }

/** What a rejection must look like. */
struct expected_error {
    errc code;
    std::uint32_t offset;
    std::string_view statement;
    reason_code reason;
};

inline testing::AssertionResult matches(const error& e, const expected_error& x) {
    // Compiled without texts (MQTTWIRE_NO_ERROR_TEXT), the statement must be empty.
    if (e.code == x.code && e.offset == x.offset &&
        e.statement == mqttwire_test::error_text(x.statement) && e.to_reason_code() == x.reason &&
        to_reason_code(e.code) == x.reason)
        return testing::AssertionSuccess();
    return testing::AssertionFailure()
           << "got {" << name(e.code) << ", offset " << e.offset << ", \"" << e.statement << "\", "
           << name(e.to_reason_code()) << "}, expected {" << name(x.code) << ", offset " << x.offset
           << ", \"" << x.statement << "\", " << name(x.reason) << "}";
}

/** `decode_one` rejects `b` as `x`; the generic decode() rejects it the same way. */
template <class Decode>
testing::AssertionResult rejects(Decode decode_one, const bytes& b, const codec_options& opts,
                                 const expected_error& x) {
    const auto r = decode_one(std::span<const std::uint8_t>(b), opts);
    if (r.has_value()) return testing::AssertionFailure() << "decoded, expected " << name(x.code);
    if (auto m = matches(r.error(), x); !m) return m;
    const auto any = decode(std::span<const std::uint8_t>(b), opts);
    if (any.has_value())
        return testing::AssertionFailure() << "decode() accepted what the packet decoder rejects";
    if (!(any.error() == r.error()))
        return testing::AssertionFailure()
               << "decode() says " << name(any.error().code) << " at " << any.error().offset
               << ", the packet decoder " << name(r.error().code) << " at " << r.error().offset;
    return testing::AssertionSuccess();
}

/** decode_one accepts b; decode() accepts it as the same packet type. */
template <class Decode>
testing::AssertionResult accepts(Decode decode_one, const bytes& b, const codec_options& opts) {
    const auto r = decode_one(std::span<const std::uint8_t>(b), opts);
    if (!r.has_value())
        return testing::AssertionFailure()
               << "rejected: " << name(r.error().code) << " at " << r.error().offset << " \""
               << r.error().statement << "\"";
    const auto any = decode(std::span<const std::uint8_t>(b), opts);
    if (!any.has_value())
        return testing::AssertionFailure() << "decode() rejected: " << name(any.error().code);
    return testing::AssertionSuccess();
}

#define V5_DECODER(fn)                                                 \
    [](auto v5_input_, const ::mqttwire::codec_options& v5_options_) { \
        return ::mqttwire::fn(v5_input_, v5_options_);                 \
    }

/**
 * Encodes `p`, holding encoded_size and encode to the same answer and a buffer one byte short
 * to buffer_too_small with the size needed. Returns the bytes; a failure is reported and yields an
 * empty vector.
 */
template <class Packet>
bytes encode_ok(const Packet& p, const codec_options& opts) {
    const result<std::size_t> size = encoded_size(p, opts);
    if (!size) {
        ADD_FAILURE() << "encoded_size failed: " << name(size.error().code) << " \""
                      << size.error().statement << "\"";
        return {};
    }
    std::vector<std::byte> out(*size);
    const result<std::size_t> n = encode(p, opts, out);
    if (!n) {
        ADD_FAILURE() << "encode failed: " << name(n.error().code);
        return {};
    }
    EXPECT_EQ(*n, *size) << "encoded_size and encode disagree";
    if (*size > 0) {
        std::vector<std::byte> small(*size - 1);
        const result<std::size_t> s = encode(p, opts, small);
        EXPECT_FALSE(s.has_value());
        if (!s) {
            EXPECT_EQ(s.error().code, errc::buffer_too_small);
            EXPECT_EQ(s.error().buffer_size_needed(), *size);
        }
    }
    bytes b(*n);
    for (std::size_t i = 0; i < *n; ++i) b[i] = static_cast<std::uint8_t>(out[i]);
    return b;
}

/** encoded_size and encode both refuse `p` with `x` (the encoder reports offset 0). */
template <class Packet>
testing::AssertionResult refuses(const Packet& p, const codec_options& opts,
                                 const expected_error& x) {
    const result<std::size_t> size = encoded_size(p, opts);
    if (size) return testing::AssertionFailure() << "encoded_size gave " << *size;
    if (auto m = matches(size.error(), x); !m) return m << " (encoded_size)";
    std::vector<std::byte> out(1 << 17);
    const result<std::size_t> n = encode(p, opts, out);
    if (n) return testing::AssertionFailure() << "encode wrote " << *n << " bytes";
    if (!(n.error() == size.error()))
        return testing::AssertionFailure() << "encode says " << name(n.error().code)
                                           << ", encoded_size " << name(size.error().code);
    return testing::AssertionSuccess();
}

/** The decoder's error and the encoder's agree in cause, statement and reason code. */
inline testing::AssertionResult same_cause(const error& decoded, const error& encoded) {
    if (decoded.code == encoded.code && decoded.statement == encoded.statement)
        return testing::AssertionSuccess();
    return testing::AssertionFailure()
           << "decoder: " << name(decoded.code) << " \"" << decoded.statement
           << "\"; encoder: " << name(encoded.code) << " \"" << encoded.statement << "\"";
}

/** Every property identifier mqttwire knows, in identifier order: the property table's own list,
 *  held to the count the specification gives (5.0 §2.2.2.2 defines 27). */
inline constexpr const auto& all_property_ids = mqttwire::property_ids;
static_assert(std::size(all_property_ids) == 27, "MQTT 5.0 defines 27 property identifiers");

/** `props` holds exactly the identifiers in `present`. */
template <class B>
testing::AssertionResult holds_exactly(const properties_view<B>& props,
                                       std::initializer_list<property_id> present) {
    for (property_id id : all_property_ids) {
        bool want = false;
        for (property_id p : present) want = want || p == id;
        if (props.contains(id) != want)
            return testing::AssertionFailure()
                   << spec_name(id) << (want ? " missing" : " present but not expected");
    }
    return testing::AssertionSuccess();
}

template <class B>
std::vector<user_property_view> user_properties_of(const properties_view<B>& props) {
    std::vector<user_property_view> out;
    for (const user_property_view& p : props.user_properties()) out.push_back(p);
    EXPECT_EQ(out.size(), props.user_properties().size());
    return out;
}

template <class B>
std::vector<std::uint32_t> subscription_ids_of(const properties_view<B>& props) {
    std::vector<std::uint32_t> out;
    for (std::uint32_t id : props.subscription_identifiers()) out.push_back(id);
    EXPECT_EQ(out.size(), props.subscription_identifiers().size());
    return out;
}

template <class B>
bytes bytes_of(std::span<const B> s) {
    bytes out;
    for (B b : s) out.push_back(static_cast<std::uint8_t>(b));
    return out;
}

template <class B>
bytes bytes_of(const std::optional<std::span<const B>>& s) {
    if (!s) {
        ADD_FAILURE() << "binary field absent";
        return {};
    }
    return bytes_of(*s);
}

inline std::span<const std::byte> as_span(std::string_view s) {
    return std::as_bytes(std::span<const char>(s.data(), s.size()));
}

}  // namespace v5test
