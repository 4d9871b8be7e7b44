// topic_matches and split_shared_subscription against the plain references of reference.hpp
// (levels compared one by one; the split done with string_view::find).
//
// Input: the filter, a 0x00 byte, the Topic Name (no selector byte; without a 0x00 the whole
// input is the filter and the name is empty; U+0000 is in no valid topic). When the codec's own
// rules (check_topic_filter, 3.1.1, where
// "$share/" is an ordinary filter, and check_topic_name) accept both, topic_matches must agree
// with the reference. Whatever the text, topic_matches runs on exact-size copies (ASan sees any
// read past either end), and split_shared_subscription must agree with the reference split and
// with the 5.0 filter rule's verdict on the ShareName.
#include "fuzz_common.hpp"
#include "reference.hpp"

namespace {

namespace mw = mqttwire;

std::string_view text_of(const fuzz::exact_copy<>& c) {
    return {reinterpret_cast<const char*>(c.data()), c.size()};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto* nul = static_cast<const std::uint8_t*>(std::memchr(data, 0, size));
    const std::size_t cut = nul ? static_cast<std::size_t>(nul - data) : size;
    const fuzz::exact_copy<> filter_copy(data, cut);
    const std::size_t name_at = nul ? cut + 1 : size;
    const fuzz::exact_copy<> name_copy(data + name_at, size - name_at);
    const std::string_view filter = text_of(filter_copy);
    const std::string_view name = text_of(name_copy);
    const mw::leniency strict{};

    const bool matched = mw::topic_matches(filter, name);  // any input: memory-safe
    bool shared = false;
    const bool valid_filter =
        mw::detail::check_topic_filter(filter.data(), filter.size(), mw::protocol_version::v3_1_1,
                                       strict, shared)
            .code == mw::errc::none;
    const bool valid_name =
        mw::detail::check_topic_name(name.data(), name.size(), strict).code == mw::errc::none;
    if (valid_filter && valid_name)
        FUZZ_CHECK_MSG(matched == fuzz::reference::topic_matches(filter, name),
                       "\"" + std::string(filter) + "\" vs \"" + std::string(name) +
                           "\": library says " + (matched ? "match" : "no match"));

    const auto split = mw::split_shared_subscription(filter);
    const auto ref = fuzz::reference::split_shared_subscription(filter);
    FUZZ_CHECK(split.has_value() == ref.has_value());
    if (split)
        FUZZ_CHECK(split->share_name == ref->share_name &&
                   split->topic_filter == ref->topic_filter);
    // The 5.0 filter rule: a filter it accepts is a shared subscription exactly when it splits;
    // one it refuses for its ShareName does not split.
    const auto v5 = mw::detail::check_topic_filter(filter.data(), filter.size(),
                                                   mw::protocol_version::v5, strict, shared);
    if (v5.code == mw::errc::none) FUZZ_CHECK(split.has_value() == shared);
    if (v5.code == mw::errc::shared_subscription_invalid) FUZZ_CHECK(!split.has_value());
    if (split && valid_name) {
        // A shared subscription matches as its filter part does (when that part is valid).
        bool inner_shared = false;
        if (mw::detail::check_topic_filter(split->topic_filter.data(), split->topic_filter.size(),
                                           mw::protocol_version::v3_1_1, strict, inner_shared)
                .code == mw::errc::none)
            FUZZ_CHECK(mw::topic_matches(split->topic_filter, name) ==
                       fuzz::reference::topic_matches(split->topic_filter, name));
    }
    return 0;
}
