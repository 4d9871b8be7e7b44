// Variable Byte Integer: read, size and write agree on every value class; short, over-long and
// non-minimal encodings are told apart; reads never leave the bytes they are given.
#include <gtest/gtest.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <mqttwire/wire/reader.hpp>
#include <mqttwire/wire/vbi.hpp>
#include <mqttwire/wire/writer.hpp>
#include <span>
#include <vector>

#include "../support/guarded_page.hpp"

namespace {

using namespace mqttwire;
using namespace mqttwire::detail;

struct known {
    std::uint32_t value;
    std::vector<unsigned char> bytes;
};

// The boundaries of the Remaining Length table (3.1.1 §2.2.3 Table 2.4, 5.0 §1.5.5 Table 1-1).
const known boundaries[] = {
    {0, {0x00}},
    {127, {0x7F}},
    {128, {0x80, 0x01}},
    {16'383, {0xFF, 0x7F}},
    {16'384, {0x80, 0x80, 0x01}},
    {2'097'151, {0xFF, 0xFF, 0x7F}},
    {2'097'152, {0x80, 0x80, 0x80, 0x01}},
    {268'435'455, {0xFF, 0xFF, 0xFF, 0x7F}},
};

std::vector<unsigned char> write(std::uint32_t value) {
    std::array<std::byte, 8> buffer{};
    writer w(buffer);
    w.vbi(value);
    std::vector<unsigned char> out;
    for (std::size_t i = 0; i < w.written(); ++i) out.push_back(static_cast<unsigned char>(buffer[i]));
    return out;
}

TEST(Vbi, KnownAnswerTableBoundaries) {
    for (const known& k : boundaries) {
        const vbi_read r = read_vbi(k.bytes.data(), k.bytes.size());
        EXPECT_EQ(r.status, vbi_status::ok) << k.value;
        EXPECT_EQ(r.value, k.value);
        EXPECT_EQ(r.length, k.bytes.size());
        EXPECT_EQ(vbi_size(k.value), k.bytes.size());
        EXPECT_EQ(write(k.value), k.bytes) << k.value;
    }
    EXPECT_EQ(max_variable_byte_integer, 268'435'455u);
    EXPECT_EQ(max_packet_size, 268'435'460u);
}

TEST(Vbi, EveryValueRoundTrips) {
    std::vector<std::uint32_t> values;
    for (std::uint32_t v = 0; v <= 70'000; ++v) values.push_back(v);
    for (std::uint32_t v = 70'000; v <= max_variable_byte_integer - 104'729; v += 104'729)
        values.push_back(v);
    for (const known& k : boundaries) {
        values.push_back(k.value);
        if (k.value != 0) values.push_back(k.value - 1);
        if (k.value != max_variable_byte_integer) values.push_back(k.value + 1);
    }
    for (const std::uint32_t v : values) {
        const auto bytes = write(v);
        ASSERT_EQ(bytes.size(), vbi_size(v)) << v;
        // Reading with extra bytes after the integer stops at its end.
        auto padded = bytes;
        padded.push_back(0xFF);
        const vbi_read r = read_vbi(padded.data(), padded.size());
        ASSERT_EQ(r.status, vbi_status::ok) << v;
        ASSERT_EQ(r.value, v);
        ASSERT_EQ(r.length, bytes.size());
    }
}

TEST(Vbi, NonMinimalEncodingsAreRejected) {
    // A last byte of 0 after a continuation byte: the value fits in fewer bytes.
    const std::vector<std::vector<unsigned char>> padded = {
        {0x80, 0x00}, {0xFF, 0x00}, {0x80, 0x80, 0x00}, {0xFF, 0xFF, 0x00},
        {0x80, 0x80, 0x80, 0x00}, {0x81, 0x80, 0x80, 0x00},
    };
    for (const auto& bytes : padded) {
        const vbi_read r = read_vbi(bytes.data(), bytes.size());
        EXPECT_EQ(r.status, vbi_status::not_minimal);
        EXPECT_EQ(r.length, bytes.size());
    }
    EXPECT_EQ(to_errc(vbi_status::not_minimal), errc::variable_byte_integer_not_minimal);
}

TEST(Vbi, FifthByteIsTooLong) {
    const unsigned char five[] = {0xFF, 0xFF, 0xFF, 0xFF, 0x7F};
    const vbi_read r = read_vbi(five, sizeof five);
    EXPECT_EQ(r.status, vbi_status::too_long);
    EXPECT_EQ(r.length, 4);
    // Known from the 4th byte alone, without waiting for a 5th.
    const vbi_read four = read_vbi(five, 4);
    EXPECT_EQ(four.status, vbi_status::too_long);
    EXPECT_EQ(to_errc(vbi_status::too_long), errc::variable_byte_integer_too_long);
}

TEST(Vbi, ShortInputNeedsMoreAndIsNeverOverRead) {
    mqttwire_test::guarded_page page;
    ASSERT_TRUE(page.ok());
    for (const known& k : boundaries) {
        for (std::size_t n = 0; n < k.bytes.size(); ++n) {
            const auto placed = page.place(std::span(k.bytes).first(n));
            const vbi_read r = read_vbi(placed.data(), placed.size());
            EXPECT_EQ(r.status, vbi_status::need_more) << k.value << " " << n;
            EXPECT_EQ(r.length, n);
        }
        const auto whole = page.place(k.bytes);
        EXPECT_EQ(read_vbi(whole.data(), whole.size()).value, k.value);
    }
    EXPECT_EQ(to_errc(vbi_status::need_more), errc::packet_truncated);
    EXPECT_EQ(to_errc(vbi_status::ok), errc::none);
}

TEST(Vbi, TruncationMeansWhatTheCallerSays) {
    // The one reader serves framing, packets and property lists; only what a cut-short integer
    // is called differs, and every other status keeps its own errc.
    EXPECT_EQ(to_errc(vbi_status::need_more, errc::property_value_overruns),
              errc::property_value_overruns);
    EXPECT_EQ(to_errc(vbi_status::too_long, errc::property_value_overruns),
              errc::variable_byte_integer_too_long);
    EXPECT_EQ(to_errc(vbi_status::not_minimal, errc::property_length_overruns_packet),
              errc::variable_byte_integer_not_minimal);
    EXPECT_EQ(to_errc(vbi_status::ok, errc::property_value_overruns), errc::none);
    const unsigned char cut[] = {0x80, 0x80};
    reader<unsigned char> r(cut, 0, sizeof cut);
    std::uint32_t v = 0;
    EXPECT_EQ(r.read_vbi(v, errc::property_length_overruns_packet),
              errc::property_length_overruns_packet);
    EXPECT_EQ(r.offset(), 0u);
}

TEST(Vbi, OneByteFormIsTheReadersFirstCase) {
    mqttwire_test::guarded_page page;
    ASSERT_TRUE(page.ok());
    for (unsigned b = 0; b < 256; ++b) {
        const unsigned char byte[] = {static_cast<unsigned char>(b)};
        const auto placed = page.place(byte);
        std::uint32_t value = 1000;
        const bool one = read_one_byte_vbi(placed.data(), placed.size(), value);
        const vbi_read full = read_vbi(placed.data(), placed.size());
        EXPECT_EQ(one, full.status == vbi_status::ok) << b;
        if (one) {
            EXPECT_EQ(value, full.value) << b;
            EXPECT_EQ(full.length, 1) << b;
        }
    }
    std::uint32_t value = 7;
    EXPECT_FALSE(read_one_byte_vbi(static_cast<const unsigned char*>(nullptr), 0, value));
    EXPECT_EQ(value, 7u);
}

TEST(Vbi, ValidatedReadStopsAtTheLastByte) {
    // A stored property list holds valid integers only: each is read to its last byte and no
    // further, wherever it ends.
    mqttwire_test::guarded_page page;
    ASSERT_TRUE(page.ok());
    for (const known& k : boundaries) {
        const auto placed = page.place(k.bytes);
        const vbi_read r = read_validated_vbi(placed.data());
        EXPECT_EQ(r.status, vbi_status::ok) << k.value;
        EXPECT_EQ(r.value, k.value);
        EXPECT_EQ(r.length, k.bytes.size());
    }
}

TEST(Vbi, WorksInConstantExpressions) {
    constexpr auto roundtrip = [](std::uint32_t v) {
        std::array<std::byte, 4> buffer{};
        writer w(buffer);
        w.vbi(v);
        std::array<char, 4> text{};
        for (std::size_t i = 0; i < 4; ++i) text[i] = static_cast<char>(buffer[i]);
        const vbi_read r = read_vbi(text.data(), w.written());
        return r.status == vbi_status::ok && r.value == v && r.length == vbi_size(v);
    };
    static_assert(roundtrip(0) && roundtrip(127) && roundtrip(128) && roundtrip(16'384) &&
                  roundtrip(268'435'455));
    SUCCEED();
}

}  // namespace
