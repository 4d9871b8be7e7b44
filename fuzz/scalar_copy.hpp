// The library's UTF-8 and topic rules as built with -DMQTTWIRE_FORCE_SCALAR (scalar_copy.cpp),
// callable next to the default (vector) build in the same fuzzer.
#pragma once

#include <cstddef>
#include <cstdint>

namespace fuzz::scalar {

/** errc as its underlying value, and the offset, as the library reports them. */
struct outcome {
    std::uint8_t code = 0;
    std::size_t offset = 0;
    bool shared = false;  // topic filters only
};

outcome check_text(const unsigned char* p, std::size_t n, bool topic_name, bool allow_control,
                   bool allow_noncharacters);
outcome check_topic_name(const unsigned char* p, std::size_t n, bool allow_control,
                         bool allow_noncharacters, bool may_be_empty);
outcome check_topic_filter(const unsigned char* p, std::size_t n, std::uint8_t version,
                           bool allow_control, bool allow_noncharacters);

}  // namespace fuzz::scalar
