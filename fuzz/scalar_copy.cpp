// The UTF-8 and topic rules compiled with -DMQTTWIRE_FORCE_SCALAR (set by fuzz/CMakeLists.txt).
// The headers are included inside a namespace of their own: their inline functions would
// otherwise share names with the vector build of the other translation units, and the linker
// would keep one of the two. The standard headers they use are included first, outside it, so
// their include guards keep them out of the namespace.
#include <bit>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <ranges>
#include <span>
#include <string_view>
#include <type_traits>

#ifndef MQTTWIRE_FORCE_SCALAR
#error "scalar_copy.cpp must be built with -DMQTTWIRE_FORCE_SCALAR"
#endif

namespace fuzz_scalar_build {
#include <mqttwire/rules/topic.hpp>
}  // namespace fuzz_scalar_build

#include "scalar_copy.hpp"

namespace fuzz::scalar {

namespace lib = fuzz_scalar_build::mqttwire;

namespace {
lib::leniency make_leniency(bool allow_control, bool allow_noncharacters) {
    lib::leniency l;
    l.allow_control_characters = allow_control;
    l.allow_noncharacters = allow_noncharacters;
    return l;
}
outcome from(const lib::detail::text_fault& f) {
    return {static_cast<std::uint8_t>(f.code), f.offset, false};
}
}  // namespace

outcome check_text(const unsigned char* p, std::size_t n, bool topic_name, bool allow_control,
                   bool allow_noncharacters) {
    return from(lib::detail::check_text(
        p, n, topic_name ? lib::detail::text_rules::topic_name : lib::detail::text_rules::string,
        make_leniency(allow_control, allow_noncharacters)));
}

outcome check_topic_name(const unsigned char* p, std::size_t n, bool allow_control,
                         bool allow_noncharacters, bool may_be_empty) {
    return from(lib::detail::check_topic_name(
        p, n, make_leniency(allow_control, allow_noncharacters), may_be_empty));
}

outcome check_topic_filter(const unsigned char* p, std::size_t n, std::uint8_t version,
                           bool allow_control, bool allow_noncharacters) {
    bool shared = false;
    outcome o = from(lib::detail::check_topic_filter(
        p, n, static_cast<lib::protocol_version>(version),
        make_leniency(allow_control, allow_noncharacters), shared));
    o.shared = shared;
    return o;
}

}  // namespace fuzz::scalar
