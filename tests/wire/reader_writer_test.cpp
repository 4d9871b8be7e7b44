// The two cursors that own every bound: the reader never reads outside [begin, end) and leaves
// its position alone on a failed read; the writer never writes outside its span and stays
// failed once a write did not fit.
#include <gtest/gtest.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <mqttwire/wire/reader.hpp>
#include <mqttwire/wire/writer.hpp>
#include <span>
#include <string_view>
#include <vector>

#include "../support/guarded_page.hpp"

namespace {

using namespace mqttwire;
using namespace mqttwire::detail;

const std::vector<unsigned char> sample = {0x12, 0x34, 0x56, 0x78, 0x9A, 0xBC, 0xDE, 0xF0,
                                           0x00, 0x03, 'a',  'b',  'c',  0x85, 0x01};

TEST(Reader, ReadsBigEndianIntegers) {
    reader<unsigned char> r(sample.data(), 0, sample.size());
    std::uint8_t b = 0;
    std::uint16_t s = 0;
    std::uint32_t w = 0;
    ASSERT_TRUE(r.read_u8(b));
    EXPECT_EQ(b, 0x12);
    ASSERT_TRUE(r.read_u16(s));
    EXPECT_EQ(s, 0x3456);
    ASSERT_TRUE(r.read_u32(w));
    EXPECT_EQ(w, 0x789ABCDEu);
    EXPECT_EQ(r.offset(), 7u);
    EXPECT_EQ(r.remaining(), sample.size() - 7);
    std::span<const unsigned char> text;
    r.limit(r.offset() + 1);
    EXPECT_FALSE(r.read_prefixed(text));  // the limit cuts the length prefix
    r.limit(sample.size());
    ASSERT_TRUE(r.read_u8(b));
    ASSERT_TRUE(r.read_prefixed(text));
    EXPECT_EQ(std::string_view(reinterpret_cast<const char*>(text.data()), text.size()), "abc");
    std::uint32_t v = 0;
    EXPECT_EQ(r.read_vbi(v), errc::none);
    EXPECT_EQ(v, 0x85u);
    EXPECT_TRUE(r.at_end());
}

TEST(Reader, FailedReadsStayInBoundsAndKeepThePosition) {
    mqttwire_test::guarded_page page;
    ASSERT_TRUE(page.ok());
    for (std::size_t n = 0; n < 4; ++n) {
        const auto bytes = page.place(std::span(sample).first(n));
        reader<unsigned char> r(bytes.data(), 0, bytes.size());
        std::uint32_t w = 0;
        EXPECT_FALSE(r.read_u32(w));
        EXPECT_EQ(r.offset(), 0u);
        std::uint16_t s = 0;
        EXPECT_EQ(r.read_u16(s), n >= 2);
        std::span<const unsigned char> span;
        EXPECT_EQ(r.read_bytes(5, span), false);
        EXPECT_EQ(r.rest().size(), n - (n >= 2 ? 2 : 0));
        EXPECT_TRUE(r.at_end());
        std::uint8_t b = 0;
        EXPECT_FALSE(r.read_u8(b));
    }
}

TEST(Reader, PrefixThatOverrunsReportsItsOwnOffset) {
    // Length 5 with 3 bytes behind it: the read fails and the position stays on the length,
    // so the error can point at it.
    const std::vector<unsigned char> bytes = {0xAA, 0x00, 0x05, 'a', 'b', 'c'};
    mqttwire_test::guarded_page page;
    ASSERT_TRUE(page.ok());
    const auto placed = page.place(bytes);
    reader<unsigned char> r(placed.data(), 1, placed.size());
    std::span<const unsigned char> text;
    EXPECT_FALSE(r.read_prefixed(text));
    EXPECT_EQ(r.offset(), 1u);
    std::uint16_t len = 0;
    ASSERT_TRUE(r.read_u16(len));
    EXPECT_EQ(len, 5);
}

TEST(Reader, VariableByteIntegerIsReadInsideTheBounds) {
    const std::vector<unsigned char> bytes = {0x80, 0x80, 0x01, 0xFF};
    reader<unsigned char> cut(bytes.data(), 0, 2);
    std::uint32_t v = 0;
    EXPECT_EQ(cut.read_vbi(v), errc::packet_truncated);
    EXPECT_EQ(cut.offset(), 0u);
    reader<unsigned char> whole(bytes.data(), 0, bytes.size());
    EXPECT_EQ(whole.read_vbi(v), errc::none);
    EXPECT_EQ(v, 16'384u);
    EXPECT_EQ(whole.offset(), 3u);
    const std::vector<unsigned char> padded = {0x80, 0x00};
    reader<unsigned char> p(padded.data(), 0, padded.size());
    EXPECT_EQ(p.read_vbi(v), errc::variable_byte_integer_not_minimal);
    const std::vector<unsigned char> five = {0x80, 0x80, 0x80, 0x80, 0x01};
    reader<unsigned char> f(five.data(), 0, five.size());
    EXPECT_EQ(f.read_vbi(v), errc::variable_byte_integer_too_long);
}

TEST(Reader, WorksOnCharAndStdByte) {
    constexpr auto read = [] {
        constexpr char text[] = "\x01\x02\x00\x02hi";
        reader<char> r(text, 0, 6);
        std::uint16_t id = 0;
        std::span<const char> s;
        return r.read_u16(id) && id == 0x0102 && r.read_prefixed(s) && s.size() == 2 &&
               s[1] == 'i' && r.at_end();
    };
    static_assert(read());
    const std::byte bytes[] = {std::byte{0xFF}, std::byte{0xFE}};
    reader<std::byte> r(bytes, 0, 2);
    std::uint16_t v = 0;
    ASSERT_TRUE(r.read_u16(v));
    EXPECT_EQ(v, 0xFFFE);
}

// ---------------------------------------------------------------------------------------------

TEST(Writer, WritesBigEndianIntegersStringsAndVbi) {
    std::array<std::byte, 32> buffer{};
    writer w(buffer);
    w.u8(0x12);
    w.u16(0x3456);
    w.u32(0x789ABCDE);
    w.vbi(321);
    w.prefixed_text("ab");
    const std::byte bin[] = {std::byte{0xFF}};
    w.prefixed_bytes(bin);
    EXPECT_FALSE(w.overflowed());
    const std::vector<unsigned char> expected = {0x12, 0x34, 0x56, 0x78, 0x9A, 0xBC, 0xDE, 0xC1,
                                                 0x02, 0x00, 0x02, 'a',  'b',  0x00, 0x01, 0xFF};
    ASSERT_EQ(w.written(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i)
        EXPECT_EQ(static_cast<unsigned char>(buffer[i]), expected[i]) << i;
}

TEST(Writer, RefusesWhatDoesNotFitAndWritesNothingOutside) {
    // Each write is tried with every room too small for it: nothing lands past the span (the
    // canary after it survives), nothing partial lands inside it, and the writer stays failed.
    for (std::size_t room = 0; room < 4; ++room) {
        std::array<std::byte, 16> buffer{};
        buffer.fill(std::byte{0xEE});
        writer w{std::span(buffer).first(room)};
        w.u32(0x01020304);
        EXPECT_TRUE(w.overflowed()) << room;
        EXPECT_EQ(w.written(), 0u);
        for (const std::byte b : buffer) EXPECT_EQ(b, std::byte{0xEE});
        // The failure is remembered: encode checks overflowed() once, after the last write.
        w.u8(0x01);
        EXPECT_TRUE(w.overflowed());
        for (std::size_t i = room; i < buffer.size(); ++i) EXPECT_EQ(buffer[i], std::byte{0xEE});
    }
    for (const std::uint32_t value : {128u, 16'384u, 2'097'152u}) {
        std::array<std::byte, 8> buffer{};
        buffer.fill(std::byte{0xEE});
        writer w{std::span(buffer).first(vbi_size(value) - 1)};
        w.vbi(value);
        EXPECT_TRUE(w.overflowed());
        for (const std::byte b : buffer) EXPECT_EQ(b, std::byte{0xEE});
    }
    std::array<std::byte, 8> buffer{};
    buffer.fill(std::byte{0xEE});
    writer w{std::span(buffer).first(3)};
    w.prefixed_text("ab");  // 4 bytes: the length fits, the text does not
    EXPECT_TRUE(w.overflowed());
    EXPECT_EQ(buffer[3], std::byte{0xEE});
}

TEST(Writer, ExactFitIsNotAnOverflow) {
    std::array<std::byte, 7> buffer{};
    writer w(buffer);
    w.u16(1);
    w.text("abcde");
    EXPECT_FALSE(w.overflowed());
    EXPECT_EQ(w.written(), 7u);
    writer empty(std::span<std::byte>{});
    empty.text("");
    empty.bytes({});
    EXPECT_FALSE(empty.overflowed());
}

TEST(Writer, WorksInConstantExpressions) {
    constexpr auto encoded = [] {
        std::array<std::byte, 8> buffer{};
        writer w(buffer);
        w.prefixed_text("hi");
        w.vbi(300);
        return buffer;
    }();
    static_assert(encoded[0] == std::byte{0} && encoded[1] == std::byte{2} &&
                  encoded[2] == std::byte{'h'} && encoded[4] == std::byte{0xAC} &&
                  encoded[5] == std::byte{0x02});
    SUCCEED();
}

/** The same writes on a writer and on a size_counter: the count is what the writer wrote. */
template <class W>
constexpr void sample_writes(W& w) {
    w.u8(0x01);
    w.u16(0x0203);
    w.u32(0x04050607);
    for (const std::uint32_t v : {0u, 127u, 128u, 16'383u, 16'384u, 2'097'152u, 268'435'455u})
        w.vbi(v);
    w.prefixed_text("abc");
    w.text("de");
    constexpr unsigned char raw[] = {0xAA, 0xBB};
    w.prefixed_bytes(raw);
    w.bytes_from("xyz", 3);
}

constexpr bool counter_agrees_with_writer() {
    std::array<std::byte, 64> out{};
    writer w(out);
    sample_writes(w);
    size_counter c;
    sample_writes(c);
    return !w.overflowed() && !c.overflowed() && c.written() == w.written();
}
static_assert(counter_agrees_with_writer());

TEST(SizeCounter, CountsWhatTheWriterWritesForEveryField) {
    EXPECT_TRUE(counter_agrees_with_writer());  // at run time too (memcpy paths)
    std::array<std::byte, 64> out{};
    writer w(out);
    sample_writes(w);
    size_counter c;
    sample_writes(c);
    EXPECT_EQ(c.written(), w.written());
    size_counter nested;
    nested.counted(17);  // a list counted before, added as its size
    EXPECT_EQ(nested.written(), 17u);
}

}  // namespace
