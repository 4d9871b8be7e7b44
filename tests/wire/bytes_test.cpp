// byte_input: bytes to encode in the byte type a decoded view gives (char, unsigned char,
// std::byte), read in constant expressions without a cast and copied with memcpy at run time.
#include <gtest/gtest.h>

#include <array>
#include <cstddef>
#include <mqttwire/mqttwire.hpp>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace {

using namespace mqttwire;

constexpr char as_char[] = {0x01, 0x02, 0x7F};
constexpr unsigned char as_unsigned_char[] = {0x01, 0x02, 0x7F};
constexpr std::array<std::byte, 3> as_std_byte = {std::byte{0x01}, std::byte{0x02},
                                                  std::byte{0x7F}};

/** The bytes `in` names, read back through visit (as the writer does at compile time). */
constexpr std::array<int, 3> read_back(byte_input in) {
    std::array<int, 3> out{};
    in.visit([&](const auto* p, std::size_t n) {
        for (std::size_t i = 0; i < n && i < out.size(); ++i)
            out[i] = static_cast<unsigned char>(p[i]);
    });
    return out;
}

constexpr std::array<int, 3> expected = {0x01, 0x02, 0x7F};
static_assert(read_back(std::span<const char>(as_char)) == expected);
static_assert(read_back(as_unsigned_char) == expected);
static_assert(read_back(as_std_byte) == expected);
static_assert(read_back(std::string_view("\x01\x02\x7F")) == expected);
static_assert(byte_input(as_unsigned_char).size() == 3 && byte_input().empty());

// A string literal is a char array whose range ends with its NUL: refused, use string_view.
static_assert(!std::is_convertible_v<const char (&)[4], byte_input>);
// A temporary container would be gone before the encode: refused, as decode refuses it.
static_assert(!std::is_convertible_v<std::vector<std::byte>, byte_input>);
static_assert(!std::is_convertible_v<std::string, byte_input>);
static_assert(std::is_convertible_v<std::vector<std::byte>&, byte_input>);
static_assert(std::is_convertible_v<const std::string&, byte_input>);
static_assert(std::is_convertible_v<std::span<const unsigned char>, byte_input>);

TEST(ByteInput, EveryByteTypeGivesTheSameBytesAtRunTime) {
    const std::vector<char> c(std::begin(as_char), std::end(as_char));
    const std::vector<unsigned char> u(std::begin(as_unsigned_char), std::end(as_unsigned_char));
    const std::vector<std::byte> b(as_std_byte.begin(), as_std_byte.end());
    for (const byte_input in : {byte_input(c), byte_input(u), byte_input(b)}) {
        ASSERT_EQ(in.size(), 3u);
        EXPECT_EQ(read_back(in), expected);
        EXPECT_EQ(std::to_integer<int>(in.to_span()[2]), 0x7F);
    }
    EXPECT_EQ(byte_input(c).to_span().data(), reinterpret_cast<const std::byte*>(c.data()));
}

}  // namespace
