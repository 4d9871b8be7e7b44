// The ASCII/wildcard screen: each of its three forms (bytes, 64-bit words, SSE2 vectors) flags
// exactly the bytes its one definition, passes_screen, fails, at every length, start and
// alignment, without reading outside the text; and what the callers build on it (the whole-text
// skip, the short-text test) agrees with it.
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <mqttwire/wire/text_screen.hpp>
#include <random>
#include <span>
#include <string_view>
#include <vector>

#include "../support/guarded_page.hpp"

namespace {

using namespace mqttwire::detail;

constexpr text_rules both_rules[] = {text_rules::string, text_rules::topic_name};

/** Bit k for byte i + k of p[i, min(i + 32, n)) that fails the screen, from the definition. */
unsigned expected_flags(const unsigned char* p, std::size_t n, std::size_t i, text_rules rules) {
    unsigned flags = 0;
    for (std::size_t k = 0; i + k < n && k < 32; ++k)
        if (!passes_screen(p[i + k], rules)) flags |= 1u << k;
    return flags;
}

template <screen_form Form>
void check_form_on(std::span<const unsigned char> text, text_rules rules) {
    const unsigned char* p = text.data();
    const std::size_t n = text.size();
    for (std::size_t i = 0; i <= n; ++i) {
        const unsigned want = expected_flags(p, n, i, rules);
        ASSERT_EQ((screen_chunk_as<Form, true>(p, n, i, rules)), want)
            << "form " << static_cast<int>(Form) << " n " << n << " i " << i;
        // Without exact positions only "some byte fails" counts; under 16 bytes a byte before
        // i may count too (the callers start at 0 there).
        const unsigned any = screen_chunk_as<Form, false>(p, n, i, rules);
        if (want != 0) {
            ASSERT_NE(any, 0u) << "n " << n << " i " << i;
        } else if (n >= 16 || i == 0) {
            ASSERT_EQ(any, 0u) << "n " << n << " i " << i;
        }
        std::size_t at = i;
        const bool clean = skip_clean_ascii<Form>(p, n, at, rules);
        bool all = true;
        std::size_t first = n;
        for (std::size_t k = i; k < n; ++k)
            if (!passes_screen(p[k], rules)) {
                all = false;
                first = k;
                break;
            }
        // The one allowed difference: the vector form of a text under 16 bytes screens it whole.
        const bool whole = Form == screen_form::vectors && n < 16 && i > 0;
        if (!(whole && all)) {
            ASSERT_EQ(clean, all) << "n " << n << " i " << i;
        }
        if (!clean) {
            ASSERT_GE(at, i);
            ASSERT_LE(at, first) << "n " << n << " i " << i;
        }
    }
}

void check_every_form(std::span<const unsigned char> text, text_rules rules) {
    check_form_on<screen_form::bytes>(text, rules);
    check_form_on<screen_form::words>(text, rules);
#if defined(__SSE2__) && !defined(MQTTWIRE_FORCE_SCALAR)
    check_form_on<screen_form::vectors>(text, rules);
#endif
}

TEST(TextScreen, DefinitionIsPrintableAsciiWithoutWildcardsForTopics) {
    for (unsigned c = 0; c < 256; ++c) {
        const bool printable = c >= 0x20 && c <= 0x7E;
        EXPECT_EQ(passes_screen(static_cast<std::uint8_t>(c), text_rules::string), printable) << c;
        EXPECT_EQ(passes_screen(static_cast<std::uint8_t>(c), text_rules::topic_name),
                  printable && c != '+' && c != '#')
            << c;
        EXPECT_EQ(is_wildcard(static_cast<std::uint8_t>(c)), c == '+' || c == '#') << c;
    }
}

TEST(TextScreen, WordFormFlagsExactlyTheFailingBytes) {
    // Every byte value in every lane, next to neighbours of every class: no borrow or carry may
    // flag a passing neighbour or hide a failing byte.
    const unsigned char neighbours[] = {'a', 0x00, 0x1F, 0x20, 0x7E, 0x7F, 0x80, 0xFF, '+', '#'};
    for (const text_rules rules : both_rules) {
        for (const unsigned char around : neighbours) {
            for (unsigned value = 0; value < 256; ++value) {
                for (unsigned lane = 0; lane < 8; ++lane) {
                    unsigned char bytes[8];
                    std::memset(bytes, around, sizeof bytes);
                    bytes[lane] = static_cast<unsigned char>(value);
                    std::uint64_t w = 0;
                    for (unsigned k = 0; k < 8; ++k) w |= std::uint64_t{bytes[k]} << (8 * k);
                    unsigned want = 0;
                    for (unsigned k = 0; k < 8; ++k)
                        if (!passes_screen(bytes[k], rules)) want |= 1u << k;
                    ASSERT_EQ(pack_word_flags(flagged_in_word(w, rules)), want)
                        << value << " in lane " << lane << " among " << unsigned{around};
                }
            }
        }
    }
}

TEST(TextScreen, PackedWordFlagsKeepEveryLane) {
    for (unsigned m = 0; m < 256; ++m) {
        std::uint64_t flags = 0;
        for (unsigned k = 0; k < 8; ++k)
            if (m & (1u << k)) flags |= std::uint64_t{0x80} << (8 * k);
        ASSERT_EQ(pack_word_flags(flags), m);
    }
}

TEST(TextScreen, EveryFormFlagsTheSameBytesAtEveryLengthAndStart) {
    // One failing byte of each class at every position of texts of 0..72 bytes, each placed to
    // end at a protected page: an exact answer and no read past the text.
    mqttwire_test::guarded_page page;
    ASSERT_TRUE(page.ok());
    const unsigned char odd[] = {0x00, 0x1F, 0x7F, 0x80, 0xC3, 0xFF, '+', '#'};
    for (const text_rules rules : both_rules) {
        for (std::size_t n = 0; n <= 72; ++n) {
            std::vector<unsigned char> text(n, 'a');
            check_every_form(page.place(text), rules);
            for (std::size_t k = 0; k < n; ++k) {
                for (const unsigned char c : odd) {
                    text.assign(n, 'a');
                    text[k] = c;
                    check_every_form(page.place(text), rules);
                }
            }
        }
    }
}

TEST(TextScreen, EveryFormAgreesOnRandomTexts) {
    std::mt19937 rng(20261204);
    mqttwire_test::guarded_page page;
    ASSERT_TRUE(page.ok());
    for (int round = 0; round < 3000; ++round) {
        const std::size_t n = rng() % 100;
        std::vector<unsigned char> text(n);
        for (auto& b : text)
            b = rng() % 16 == 0 ? static_cast<unsigned char>(rng()) : static_cast<unsigned char>(
                                                                          0x20 + rng() % 0x5F);
        for (const text_rules rules : both_rules) check_every_form(page.place(text), rules);
    }
}

TEST(TextScreen, ShortTextTestCoversUpTo32Bytes) {
    for (const text_rules rules : both_rules) {
        for (std::size_t n = 0; n <= 40; ++n) {
            std::vector<char> text(n, 'x');
            EXPECT_EQ(short_text_clean(text.data(), n, rules), n <= 32) << n;
            for (std::size_t k = 0; k < n && n <= 32; ++k) {
                text.assign(n, 'x');
                text[k] = '\x7F';
                EXPECT_FALSE(short_text_clean(text.data(), n, rules)) << n << " at " << k;
                text[k] = '#';
                EXPECT_EQ(short_text_clean(text.data(), n, rules), rules == text_rules::string)
                    << n << " at " << k;
            }
        }
    }
}

TEST(TextScreen, WorksInConstantExpressions) {
    constexpr std::string_view clean = "sensors/kitchen/temperature/celsius";
    static_assert(short_text_clean("a/b", 3, text_rules::topic_name));
    static_assert(!short_text_clean("a/+", 3, text_rules::topic_name));
    static_assert(short_text_clean("a/+", 3, text_rules::string));
    static_assert(!short_text_clean("caf\xC3\xA9", 5, text_rules::string));
    static_assert(screen_chunk<true>("ab\x01" "d#", 5, 0, text_rules::topic_name) == 0b10100u);
    static_assert(screen_chunk<true>(clean.data(), clean.size(), 3, text_rules::string) == 0);
    // '+' in the top lane, NUL in the others: all 8 flagged; as a string only the NULs.
    static_assert(pack_word_flags(flagged_in_word(0x2B00000000000000ull, text_rules::topic_name)) ==
                  0xFFu);
    static_assert(pack_word_flags(flagged_in_word(0x2B00000000000000ull, text_rules::string)) ==
                  0x7Fu);
    SUCCEED();
}

}  // namespace
