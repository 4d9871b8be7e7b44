// UTF-8 string content rules. The same file is built twice: as is (SSE2 screen and block check
// in front of the scalar check) and with -DMQTTWIRE_FORCE_SCALAR (byte screen, scalar check). Both builds compare the
// codec against an independent reference decoder on every alignment and length 0..40 with
// every interesting sequence at every position, so the two paths are held to one answer; in the
// default build the runtime answers are also compared with constant evaluation (scalar path).
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <mqttwire/wire/utf8.hpp>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "../support/guarded_page.hpp"

namespace {

using namespace mqttwire;
using namespace mqttwire::detail;

/**
 * Reference: decode each code point by its bit pattern, then classify it. Written without the
 * codec's range tables; the one codec convention it follows is the error's name for ED A0..BF,
 * which is reported as a surrogate rather than as ill-formed.
 */
text_fault reference(const unsigned char* p, std::size_t n, text_rules rules,
                     const leniency& lenient) {
    std::size_t i = 0;
    while (i < n) {
        const unsigned b0 = p[i];
        std::size_t len = 0;
        std::uint32_t cp = 0, min = 0;
        if (b0 < 0x80) {
            len = 1, cp = b0;
        } else if ((b0 & 0xE0) == 0xC0) {
            len = 2, cp = b0 & 0x1F, min = 0x80;
        } else if ((b0 & 0xF0) == 0xE0) {
            len = 3, cp = b0 & 0x0F, min = 0x800;
        } else if ((b0 & 0xF8) == 0xF0) {
            len = 4, cp = b0 & 0x07, min = 0x10000;
        } else {
            return {errc::utf8_ill_formed, i};
        }
        if (n - i < len) return {errc::utf8_ill_formed, i};
        if (b0 == 0xED && p[i + 1] >= 0xA0 && p[i + 1] <= 0xBF) return {errc::utf8_surrogate, i};
        for (std::size_t k = 1; k < len; ++k) {
            if ((p[i + k] & 0xC0) != 0x80) return {errc::utf8_ill_formed, i};
            cp = (cp << 6) | (p[i + k] & 0x3Fu);
        }
        if (cp < min || cp > 0x10FFFF) return {errc::utf8_ill_formed, i};
        if (cp == 0) return {errc::utf8_null_character, i};
        const bool control = cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
        if (control && !lenient.allow_control_characters)
            return {errc::utf8_control_character, i};
        if (rules == text_rules::topic_name && (cp == '+' || cp == '#'))
            return {errc::topic_name_has_wildcard, i};
        const bool nonchar = (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE;
        if (nonchar && !lenient.allow_noncharacters) return {errc::utf8_noncharacter, i};
        i += len;
    }
    return {};
}

// Sequences worth putting at every position: valid ones of each length, each kind of fault,
// and the characters the topic rule and the controls rule single out.
const std::string_view specials[] = {
    std::string_view("\x00", 1), "\x01", "\x1F", "\x7F", "+", "#", " ", "~", "/",
    "\xC2\x80", "\xC2\x9F", "\xC2\xA0", "\xC3\xA9", "\xDF\xBF",
    "\xE0\xA0\x80", "\xE0\x9F\xBF", "\xE2\x82\xAC", "\xED\x9F\xBF", "\xED\xA0\x80",
    "\xED\xBF\xBF", "\xEE\x80\x80", "\xEF\xBB\xBF", "\xEF\xB7\x8F", "\xEF\xB7\x90",
    "\xEF\xB7\xAF", "\xEF\xB7\xB0", "\xEF\xBF\xBD", "\xEF\xBF\xBE", "\xEF\xBF\xBF",
    "\xF0\x90\x80\x80", "\xF0\x8F\xBF\xBF", "\xF0\x9F\x98\x80", "\xF0\x9F\xBF\xBE",
    "\xF3\xBF\xBF\xBF", "\xF4\x8F\xBF\xBD", "\xF4\x8F\xBF\xBF", "\xF4\x90\x80\x80",
    "\xF5\x80\x80\x80", "\x80", "\xBF", "\xC0\x80", "\xC1\xBF", "\xFE", "\xFF", "\xE2\x82",
    "\xC3", "\xF0\x9F\x98",
    // Valid, but flagged by the block check for the scalar check to decide.
    "\xEF\xB7\x80", "\xEF\xB7\xB0", "\xE0\xBF\xBF", "\xF4\x80\x80\x80", "\xF0\x9F\xBF\xBD",
    "\xC2\xBF", "\xED\x80\x80",
};

const leniency strict{};
const leniency lenient{true, true};
const leniency controls_only{true, false};

bool same(const text_fault& a, const text_fault& b) {
    return a.code == b.code && (a.code == errc::none || a.offset == b.offset);
}

std::string show(const unsigned char* p, std::size_t n) {
    std::string out;
    char buf[4];
    for (std::size_t i = 0; i < n; ++i) {
        std::snprintf(buf, sizeof buf, "%02x ", p[i]);
        out += buf;
    }
    return out;
}

TEST(Utf8, AgreesWithReferenceAtEveryAlignmentAndLength) {
    alignas(64) unsigned char buffer[64 + 48];
    std::size_t checked = 0;
    for (std::size_t align = 0; align < 16; ++align) {
        unsigned char* p = buffer + align;
        for (std::size_t n = 0; n <= 40; ++n) {
            // Clean ASCII first, then each special at each position (cut off by the end when
            // it does not fit, which makes a truncated sequence).
            for (std::size_t i = 0; i < n; ++i) p[i] = static_cast<unsigned char>('a' + i % 26);
            for (const std::string_view s : specials) {
                for (std::size_t at = 0; at < (n == 0 ? 1 : n); ++at) {
                    for (std::size_t i = 0; i < n; ++i)
                        p[i] = static_cast<unsigned char>('a' + i % 26);
                    for (std::size_t k = 0; k < s.size() && at + k < n; ++k)
                        p[at + k] = static_cast<unsigned char>(s[k]);
                    for (const text_rules rules : {text_rules::string, text_rules::topic_name}) {
                        for (const leniency& l : {strict, lenient, controls_only}) {
                            const text_fault got = check_text(p, n, rules, l);
                            const text_fault want = reference(p, n, rules, l);
                            ++checked;
                            if (!same(got, want)) {
                                ADD_FAILURE()
                                    << "align " << align << " n " << n << ": " << show(p, n)
                                    << "\n got " << name(got.code) << " at " << got.offset
                                    << ", want " << name(want.code) << " at " << want.offset;
                                return;
                            }
                        }
                    }
                }
            }
        }
    }
    EXPECT_GT(checked, 1'000'000u);
}

TEST(Utf8, AgreesWithReferenceOnRandomText) {
    // Mostly printable ASCII with special sequences mixed in, random lengths and alignments.
    std::mt19937 rng(20141029);
    alignas(64) unsigned char buffer[16 + 96];
#ifdef NDEBUG
    constexpr int rounds = 300'000;
#else
    constexpr int rounds = 60'000;
#endif
    for (int round = 0; round < rounds; ++round) {
        const std::size_t align = rng() % 16;
        const std::size_t n = rng() % 96;
        unsigned char* p = buffer + align;
        std::size_t i = 0;
        while (i < n) {
            if (rng() % 8 != 0) {
                p[i++] = static_cast<unsigned char>(0x20 + rng() % 0x5F);
                continue;
            }
            const std::string_view s = specials[rng() % std::size(specials)];
            for (std::size_t k = 0; k < s.size() && i < n; ++k)
                p[i++] = static_cast<unsigned char>(s[k]);
        }
        const text_rules rules = rng() % 2 ? text_rules::string : text_rules::topic_name;
        const leniency& l = rng() % 3 == 0 ? lenient : strict;
        const text_fault got = check_text(p, n, rules, l);
        const text_fault want = reference(p, n, rules, l);
        ASSERT_TRUE(same(got, want)) << show(p, n) << "\n got " << name(got.code) << " at "
                                     << got.offset << ", want " << name(want.code) << " at "
                                     << want.offset;
    }
}

/**
 * Valid text of every sequence length, cut to whole code points and padded with ASCII: as a
 * base it keeps the block check (not the ASCII screen) in charge, so a special placed in it
 * lands at every position of a 16-byte block and across block boundaries.
 */
std::vector<unsigned char> mixed_base(std::size_t n) {
    constexpr std::string_view units[] = {"\xC3\xA9", "a", "\xE6\x9D\xB1", "\xF0\x9F\x8C\x8D",
                                          "\xD0\xBF", "bc", "\xE2\x80\x94", "\xF3\xA0\x80\x81"};
    std::vector<unsigned char> out;
    for (std::size_t u = 0; out.size() < n; ++u) {
        const std::string_view s = units[u % std::size(units)];
        if (out.size() + s.size() > n) {
            out.resize(n, 'z');
            break;
        }
        out.insert(out.end(), s.begin(), s.end());
    }
    return out;
}

const leniency noncharacters_only{false, true};

TEST(Utf8, AgreesWithReferenceAtEveryPositionOfMixedText) {
    alignas(64) unsigned char buffer[16 + 80];
    std::size_t checked = 0;
#ifdef NDEBUG
    constexpr std::size_t alignments[] = {0, 1, 13};
#else
    constexpr std::size_t alignments[] = {5};
#endif
    for (const std::size_t align : alignments) {
        unsigned char* p = buffer + align;
        for (std::size_t n = 1; n <= 80; ++n) {
          // Mixed text, and ASCII after one non-ASCII character (blocks of ASCII after the
          // block check started).
          std::vector<unsigned char> ascii_after(n, 'q');
          if (n >= 2) ascii_after[0] = 0xC3, ascii_after[1] = 0xA9;
          for (const std::vector<unsigned char>& base : {mixed_base(n), ascii_after}) {
            for (const std::string_view s : specials) {
                for (std::size_t at = 0; at < n; ++at) {
                    std::copy(base.begin(), base.end(), p);
                    for (std::size_t k = 0; k < s.size() && at + k < n; ++k)
                        p[at + k] = static_cast<unsigned char>(s[k]);
                    for (const text_rules rules : {text_rules::string, text_rules::topic_name}) {
                        for (const leniency& l :
                             {strict, lenient, controls_only, noncharacters_only}) {
                            const text_fault got = check_text(p, n, rules, l);
                            const text_fault want = reference(p, n, rules, l);
                            ++checked;
                            if (!same(got, want)) {
                                ADD_FAILURE()
                                    << "align " << align << " n " << n << ": " << show(p, n)
                                    << "\n got " << name(got.code) << " at " << got.offset
                                    << ", want " << name(want.code) << " at " << want.offset;
                                return;
                            }
                        }
                    }
                }
            }
          }
        }
    }
    EXPECT_GT(checked, 1'000'000u);
}

TEST(Utf8, FaultOffsetIsTheFaultySequenceAtEveryBlockPosition) {
    // Known answers, independent of the reference: in valid 3-byte text (no ASCII to resync
    // on), each fault starts exactly at `at`, for every `at` in two 16-byte blocks and the
    // bytes around them; the fault's errc is the same wherever it falls.
    struct fault_case {
        std::string_view bytes;
        errc code;
    };
    const fault_case faults[] = {
        {std::string_view("\x00", 1), errc::utf8_null_character},
        {"\x1F", errc::utf8_control_character},
        {"\x7F", errc::utf8_control_character},
        {"\xC2\x9F", errc::utf8_control_character},
        {"\xC0\xAF", errc::utf8_ill_formed},
        {"\xE0\x9F\xBF", errc::utf8_ill_formed},
        {"\xED\xA0\x80", errc::utf8_surrogate},
        {"\xEF\xB7\x90", errc::utf8_noncharacter},
        {"\xEF\xBF\xBE", errc::utf8_noncharacter},
        {"\xF0\x8F\xBF\xBF", errc::utf8_ill_formed},
        {"\xF0\x9F\xBF\xBF", errc::utf8_noncharacter},
        {"\xF4\x90\x80\x80", errc::utf8_ill_formed},
        {"\xF5\x80\x80\x80", errc::utf8_ill_formed},
        {"\x80", errc::utf8_ill_formed},
        {"\xE6\x9D", errc::utf8_ill_formed},  // cut short by the next lead
    };
    for (const fault_case& f : faults) {
        for (std::size_t at = 0; at <= 40; ++at) {
            // `at` bytes before the fault, non-ASCII first so the block check runs from the
            // start; after it "東" repeated.
            std::string text = at >= 2 ? "\xC3\xA9" + std::string(at - 2, 'x') : std::string(at, 'x');
            text += f.bytes;
            while (text.size() < at + 48) text += "\xE6\x9D\xB1";
            for (const std::size_t cut : {text.size(), at + f.bytes.size() + 3}) {
                const text_fault got =
                    check_text(text.data(), std::min(cut, text.size()), text_rules::string, strict);
                EXPECT_EQ(got.code, f.code) << show(reinterpret_cast<const unsigned char*>(
                                                        f.bytes.data()), f.bytes.size())
                                            << " at " << at;
                EXPECT_EQ(got.offset, at) << show(reinterpret_cast<const unsigned char*>(
                                                      f.bytes.data()), f.bytes.size())
                                          << " at " << at;
            }
        }
    }
}

TEST(Utf8, LenientModesPassWhatTheyAllowInsideBlocks) {
    // Long mixed text full of what a leniency allows: the block check flags each, the scalar
    // check passes it, and a real fault far behind them is still found at its offset.
    std::string text;
    for (int i = 0; i < 40; ++i) text += "\xC3\xA9\x01\xC2\x85\xE6\x9D\xB1\xEF\xB7\x90\x7F\xF0\x9F\xBF\xBE";
    const auto check = [&](const std::string& s, const leniency& l) {
        return check_text(s.data(), s.size(), text_rules::string, l);
    };
    EXPECT_EQ(check(text, lenient).code, errc::none);
    const text_fault controls = check(text, controls_only);
    EXPECT_EQ(controls.code, errc::utf8_noncharacter);
    EXPECT_EQ(controls.offset, 8u);
    const text_fault nonchars = check(text, noncharacters_only);
    EXPECT_EQ(nonchars.code, errc::utf8_control_character);
    EXPECT_EQ(nonchars.offset, 2u);
    const std::size_t at = text.size() - 5;  // the last DEL
    std::string broken = text;
    broken[at] = '\0';
    const text_fault null = check(broken, lenient);
    EXPECT_EQ(null.code, errc::utf8_null_character);
    EXPECT_EQ(null.offset, at);
}

TEST(Utf8, AgreesWithReferenceOnLongMixedRandomText) {
    // Mostly valid non-ASCII text with a rare special: flagged blocks, scalar stretches and
    // the return to blocks after them, over texts of several blocks.
    std::mt19937 rng(19700101);
    alignas(64) unsigned char buffer[16 + 320];
    const std::vector<unsigned char> pool = mixed_base(64);
#ifdef NDEBUG
    constexpr int rounds = 100'000;
#else
    constexpr int rounds = 20'000;
#endif
    for (int round = 0; round < rounds; ++round) {
        const std::size_t align = rng() % 16;
        const std::size_t n = rng() % 320;
        unsigned char* p = buffer + align;
        std::size_t i = 0;
        const std::size_t start = rng() % 56;  // a code point boundary of mixed_base or not
        while (i < n) {
            if (rng() % 64 != 0) {
                p[i] = pool[(start + i) % pool.size()];
                ++i;
                continue;
            }
            const std::string_view s = specials[rng() % std::size(specials)];
            for (std::size_t k = 0; k < s.size() && i < n; ++k)
                p[i++] = static_cast<unsigned char>(s[k]);
        }
        const text_rules rules = rng() % 2 ? text_rules::string : text_rules::topic_name;
        const leniency& l = rng() % 3 == 0 ? lenient : strict;
        const text_fault got = check_text(p, n, rules, l);
        const text_fault want = reference(p, n, rules, l);
        ASSERT_TRUE(same(got, want)) << show(p, n) << "\n got " << name(got.code) << " at "
                                     << got.offset << ", want " << name(want.code) << " at "
                                     << want.offset;
    }
}

struct known {
    std::string_view text;
    text_rules rules;
    errc code;
    std::size_t offset;
};

const known known_cases[] = {
    {"", text_rules::string, errc::none, 0},
    {"hello/world", text_rules::string, errc::none, 0},
    {"A\xF0\xAA\x9B\x94", text_rules::string, errc::none, 0},  // 3.1.1 Figure 1.3
    {"\xEF\xBB\xBF" "BOM", text_rules::string, errc::none, 0},  // MQTT-1.5.3-3: kept, valid
    {std::string_view("ab\0", 3), text_rules::string, errc::utf8_null_character, 2},
    {"ab\xC0\x80", text_rules::string, errc::utf8_ill_formed, 2},  // overlong U+0000
    {"\xED\xA0\x80", text_rules::string, errc::utf8_surrogate, 0},
    {"x\xED\xBF\xBF", text_rules::string, errc::utf8_surrogate, 1},
    {"\xF4\x90\x80\x80", text_rules::string, errc::utf8_ill_formed, 0},
    {"abc\x1B[0m", text_rules::string, errc::utf8_control_character, 3},
    {"0123456789\x7F", text_rules::string, errc::utf8_control_character, 10},
    {"\xC2\x85", text_rules::string, errc::utf8_control_character, 0},
    {"\xEF\xBF\xBF", text_rules::string, errc::utf8_noncharacter, 0},
    {"a+b", text_rules::string, errc::none, 0},
    {"a+b", text_rules::topic_name, errc::topic_name_has_wildcard, 1},
    {"0123456789abcdef/#", text_rules::topic_name, errc::topic_name_has_wildcard, 17},
};

TEST(Utf8, KnownAnswers) {
    for (const known& k : known_cases) {
        const text_fault f = check_text(k.text.data(), k.text.size(), k.rules, strict);
        EXPECT_EQ(f.code, k.code) << k.text;
        if (k.code != errc::none) {
            EXPECT_EQ(f.offset, k.offset) << k.text;
        }
    }
}

TEST(Utf8, LeniencyRelaxesOnlyWhatItNames) {
    const std::string_view control = "a\x01";
    const std::string_view c1 = "a\xC2\x9F";
    const std::string_view nonchar = "a\xEF\xB7\x90";
    const auto check = [](std::string_view s, const leniency& l) {
        return check_text(s.data(), s.size(), text_rules::string, l).code;
    };
    EXPECT_EQ(check(control, strict), errc::utf8_control_character);
    EXPECT_EQ(check(control, {true, false}), errc::none);
    EXPECT_EQ(check(control, {false, true}), errc::utf8_control_character);
    EXPECT_EQ(check(c1, {true, false}), errc::none);
    EXPECT_EQ(check(nonchar, strict), errc::utf8_noncharacter);
    EXPECT_EQ(check(nonchar, {false, true}), errc::none);
    EXPECT_EQ(check(nonchar, {true, false}), errc::utf8_noncharacter);
    // Never relaxed: NUL, surrogates, ill-formed sequences.
    EXPECT_EQ(check(std::string_view("\0", 1), lenient), errc::utf8_null_character);
    EXPECT_EQ(check("\xED\xA0\x80", lenient), errc::utf8_surrogate);
    EXPECT_EQ(check("\xC0\xAF", lenient), errc::utf8_ill_formed);
}

TEST(Utf8, NeverReadsPastTheEnd) {
    // Text ending on the last byte before a PROT_NONE page, at every length, clean or ending
    // in a sequence cut short: a read past the end faults.
    mqttwire_test::guarded_page page;
    ASSERT_TRUE(page.ok());
    for (std::size_t n = 0; n <= 40; ++n) {
        for (const std::string_view tail : {std::string_view(), std::string_view("\xE2"),
                                            std::string_view("\xF0\x9F\x98"),
                                            std::string_view("\xC3\xA9")}) {
            std::vector<unsigned char> bytes(n, 'x');
            for (std::size_t k = 0; k < tail.size() && k < n; ++k)
                bytes[n - std::min(n, tail.size()) + k] = static_cast<unsigned char>(tail[k]);
            const auto placed = page.place(bytes);
            for (const text_rules rules : {text_rules::string, text_rules::topic_name}) {
                const text_fault got = check_text(placed.data(), placed.size(), rules, strict);
                const text_fault want = reference(placed.data(), placed.size(), rules, strict);
                EXPECT_TRUE(same(got, want)) << n;
            }
        }
    }
}

TEST(Utf8, CharUnsignedCharAndStdByteInputAgree) {
    const std::string_view text = "caf\xC3\xA9/\xF0\x9F\x98\x80#";
    const auto* u = reinterpret_cast<const unsigned char*>(text.data());
    const auto* b = reinterpret_cast<const std::byte*>(text.data());
    const text_fault c = check_text(text.data(), text.size(), text_rules::topic_name, strict);
    EXPECT_EQ(c.code, errc::topic_name_has_wildcard);
    EXPECT_EQ(c.offset, 10u);
    EXPECT_TRUE(same(check_text(u, text.size(), text_rules::topic_name, strict), c));
    EXPECT_TRUE(same(check_text(b, text.size(), text_rules::topic_name, strict), c));
}

// Constant evaluation always takes the scalar loop: its answers, computed at compile time,
// must equal the runtime answers (screened, unless this is the scalar build) for the same text.
constexpr std::string_view constexpr_samples[] = {
    "", "a", "abcdefgh", "abcdefghijklmnop", "abcdefghijklmnopq", "0123456789abcdef/+",
    "0123456789abcdefghijklmnopqrstuvwxyz\x7F", "0123456789ab\xC3\xA9", "0123456789abcde\xE2",
    "\xEF\xBB\xBF" "0123456789abcdef0123", "0123456789abcdef\xED\xA0\x80",
    "0123456789abcdef\xEF\xB7\x90", "0123456789abcdef0123456\x1F", "01234567#",
};
constexpr auto constexpr_answers = [] {
    std::array<text_fault, std::size(constexpr_samples)> out{};
    for (std::size_t i = 0; i < out.size(); ++i) {
        const std::string_view s = constexpr_samples[i];
        out[i] = check_text(s.data(), s.size(), text_rules::topic_name, leniency{});
    }
    return out;
}();

TEST(Utf8, RuntimeAgreesWithConstantEvaluation) {
    static_assert(constexpr_answers[0].code == errc::none);
    static_assert(constexpr_answers[5].code == errc::topic_name_has_wildcard);
    for (std::size_t i = 0; i < std::size(constexpr_samples); ++i) {
        const std::string_view s = constexpr_samples[i];
        const text_fault runtime = check_text(s.data(), s.size(), text_rules::topic_name, strict);
        EXPECT_TRUE(same(runtime, constexpr_answers[i])) << i;
    }
}

// The public checks: the same rule as the codec's own strings, with the statement of the
// version asked for; a string also within the length a two-byte prefix allows.
TEST(Utf8PublicChecks, MQTT_1_5_4_1_IllFormedUtf8IsRefusedWithItsOffset) {
    using mqttwire::protocol_version;
    const mqttwire::error e = mqttwire::check_utf8_string("ok\xE2\x82", protocol_version::v5);
    EXPECT_NE(e.code, mqttwire::errc::none);
    EXPECT_EQ(e.offset, 2u);
    EXPECT_EQ(e.statement, mqttwire::statement(e.code, protocol_version::v5));
    EXPECT_EQ(mqttwire::check_utf8_string("caf\xC3\xA9", protocol_version::v3_1_1),
              mqttwire::error{});
}

TEST(Utf8PublicChecks, MQTT_1_5_4_2_NullCharacterIsRefusedEvenWhenLenient) {
    using mqttwire::protocol_version;
    constexpr mqttwire::leniency any{.allow_control_characters = true,
                                     .allow_noncharacters = true};
    const std::string with_null("a\0b", 3);
    EXPECT_NE(mqttwire::check_utf8_string(with_null, protocol_version::v5, any).code,
              mqttwire::errc::none);
    EXPECT_EQ(mqttwire::check_utf8_string("a\tb", protocol_version::v5, any).code,
              mqttwire::errc::none);
    EXPECT_NE(mqttwire::check_utf8_string("a\tb", protocol_version::v5).code,
              mqttwire::errc::none);
}

TEST(Utf8PublicChecks, CharacterDataHasNoLengthLimitAStringHasOne) {
    using mqttwire::protocol_version;
    const std::string big(mqttwire::max_field_length + 1, 'x');
    EXPECT_EQ(mqttwire::check_utf8_character_data(big, protocol_version::v5), mqttwire::error{});
    EXPECT_EQ(mqttwire::check_utf8_string(big, protocol_version::v5).code,
              mqttwire::errc::field_too_long);
    static_assert(mqttwire::check_utf8_string("ON", protocol_version::v5).code ==
                  mqttwire::errc::none);
    static_assert(mqttwire::check_utf8_character_data("\xFF", protocol_version::v5).code !=
                  mqttwire::errc::none);
}

}  // namespace
