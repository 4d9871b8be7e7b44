// UTF-8 string validation, differential: the library's default build (SSE2 screen and 16-byte
// block check, scalar check) against the same headers built with -DMQTTWIRE_FORCE_SCALAR (byte
// screen, scalar check) and against a plain reference written from the Unicode table
// (reference.hpp). All three must give the same errc and the same offset, for plain strings and
// for topic names (wildcards rejected).
//
// Input: selector byte (bit 0 topic name, bit 1 allow_control_characters, bit 2
// allow_noncharacters, bits 3-6 where the text starts in its allocation), then the text.
#include "fuzz_common.hpp"
#include "reference.hpp"
#include "scalar_copy.hpp"

namespace {

namespace mw = mqttwire;

template <class B>
fuzz::reference::outcome library(const B* p, std::size_t n, bool topic, const mw::leniency& l) {
    const auto f = mw::detail::check_text(
        p, n, topic ? mw::detail::text_rules::topic_name : mw::detail::text_rules::string, l);
    return {f.code, f.offset};
}

std::string show(mw::errc code, std::size_t offset) {
    return std::string(mw::name(code)) + "@" + std::to_string(offset);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const bool topic = (data[0] & 1u) != 0;
    mw::leniency l;
    l.allow_control_characters = (data[0] & 2u) != 0;
    l.allow_noncharacters = (data[0] & 4u) != 0;
    const std::size_t shift = (data[0] >> 3) & 15u;
    const std::size_t n = size - 1;

    // The text ends exactly at the end of its allocation and starts `shift` bytes into it, so
    // every alignment of the 16- and 8-byte loads is tried and any over-read is caught.
    std::unique_ptr<unsigned char[]> buf(new unsigned char[shift + n]);
    std::memset(buf.get(), 'a', shift);
    if (n != 0) std::memcpy(buf.get() + shift, data + 1, n);
    const unsigned char* p = buf.get() + shift;

    const auto fast = library(p, n, topic, l);
    const auto ref = fuzz::reference::check_text(p, n, topic, l.allow_control_characters,
                                                 l.allow_noncharacters);
    const auto scalar =
        fuzz::scalar::check_text(p, n, topic, l.allow_control_characters, l.allow_noncharacters);
    FUZZ_CHECK_MSG(fast.code == ref.code && fast.offset == ref.offset,
                   "library " + show(fast.code, fast.offset) + " vs reference " +
                       show(ref.code, ref.offset));
    FUZZ_CHECK_MSG(static_cast<std::uint8_t>(fast.code) == scalar.code &&
                       fast.offset == scalar.offset,
                   "library " + show(fast.code, fast.offset) + " vs FORCE_SCALAR " +
                       show(static_cast<mw::errc>(scalar.code), scalar.offset));

    // The same through the char and std::byte instantiations.
    const auto as_char = library(reinterpret_cast<const char*>(p), n, topic, l);
    const auto as_byte = library(reinterpret_cast<const std::byte*>(p), n, topic, l);
    FUZZ_CHECK(as_char.code == fast.code && as_char.offset == fast.offset);
    FUZZ_CHECK(as_byte.code == fast.code && as_byte.offset == fast.offset);
    return 0;
}
