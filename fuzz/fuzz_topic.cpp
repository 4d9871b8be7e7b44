// Topic Names and Topic Filters on their own: the library (default build and the
// -DMQTTWIRE_FORCE_SCALAR build) against the plain reference of reference.hpp: same errc, same
// offset, same "is a shared subscription" answer. Also checks that what the filter rules accept
// survives a SUBSCRIBE/UNSUBSCRIBE encode and decode, and that an accepted Topic Name survives
// a PUBLISH encode and decode.
//
// Input: selector byte (bit 0 filter instead of name, bits 1-2 version 3.1/3.1.1/5.0/5.0, bit 3
// allow_control_characters, bit 4 allow_noncharacters, bit 5 name may be empty), then the text.
#include "fuzz_common.hpp"
#include "reference.hpp"
#include "scalar_copy.hpp"

namespace {

namespace mw = mqttwire;

std::string show(mw::errc code, std::size_t offset) {
    return std::string(mw::name(code)) + "@" + std::to_string(offset);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const bool filter = (data[0] & 1u) != 0;
    const mw::protocol_version versions[] = {mw::protocol_version::v3_1,
                                             mw::protocol_version::v3_1_1, mw::protocol_version::v5,
                                             mw::protocol_version::v5};
    // Topic rules do not depend on the sender.
    mw::codec_options opts{.version = versions[(data[0] >> 1) & 3u], .from = mw::sender::client};
    opts.leniency.allow_control_characters = (data[0] & 8u) != 0;
    opts.leniency.allow_noncharacters = (data[0] & 16u) != 0;
    const bool may_be_empty = (data[0] & 32u) != 0;
    const fuzz::exact_copy<> text(data + 1, size - 1);
    const unsigned char* p = text.data();
    const std::size_t n = text.size();
    const bool ctl = opts.leniency.allow_control_characters;
    const bool nonchar = opts.leniency.allow_noncharacters;
    const auto version = static_cast<std::uint8_t>(opts.version.value);

    fuzz::reference::outcome lib;
    fuzz::reference::outcome ref;
    fuzz::scalar::outcome scalar;
    if (filter) {
        bool shared = false;
        const auto f = mw::detail::check_topic_filter(p, n, opts.version, opts.leniency, shared);
        lib = {f.code, f.offset, shared};
        ref = fuzz::reference::check_topic_filter(p, n, opts.version, ctl, nonchar);
        scalar = fuzz::scalar::check_topic_filter(p, n, version, ctl, nonchar);
    } else {
        const auto f = mw::detail::check_topic_name(p, n, opts.leniency, may_be_empty);
        lib = {f.code, f.offset, false};
        ref = fuzz::reference::check_topic_name(p, n, ctl, nonchar, may_be_empty);
        scalar = fuzz::scalar::check_topic_name(p, n, ctl, nonchar, may_be_empty);
    }
    FUZZ_CHECK_MSG(lib.code == ref.code && lib.offset == ref.offset,
                   "library " + show(lib.code, lib.offset) + " vs reference " +
                       show(ref.code, ref.offset));
    // The shared flag matters only when the filter is valid (a subscription's No Local rule).
    FUZZ_CHECK(lib.code != mw::errc::none || lib.shared == ref.shared);
    FUZZ_CHECK_MSG(static_cast<std::uint8_t>(lib.code) == scalar.code && lib.offset == scalar.offset &&
                       lib.shared == scalar.shared,
                   "library " + show(lib.code, lib.offset) + " vs FORCE_SCALAR " +
                       show(static_cast<mw::errc>(scalar.code), scalar.offset));

    // Through whole packets: accepted text encodes and decodes back unchanged; rejected text
    // is refused by the encoder with the same errc.
    const std::string_view s(reinterpret_cast<const char*>(p), n);
    std::vector<std::byte> out;
    if (filter) {
        const mw::subscription sub{s, mw::qos::at_least_once};
        mw::subscribe_packet pkt;
        pkt.packet_id = 7;
        pkt.subscriptions = std::span<const mw::subscription>(&sub, 1);
        const auto e = fuzz::encode_checked(pkt, opts, out);
        if (lib.code != mw::errc::none) {
            FUZZ_CHECK(!e && e.error().code == lib.code);
            return 0;
        }
        if (!e) {
            FUZZ_CHECK(n > mw::max_field_length);  // the only other reason
            return 0;
        }
        const auto d = mw::decode_subscribe(std::span<const std::byte>(out), opts);
        FUZZ_CHECK(d && d->subscriptions.size() == 1 && (*d->subscriptions.begin()).topic_filter == s);
        const mw::unsubscribe_packet un{7, std::span<const std::string_view>(&s, 1), {}};
        FUZZ_CHECK(fuzz::encode_checked(un, opts, out).has_value());
    } else {
        mw::publish_packet pkt;
        pkt.topic_name = s;
        if (may_be_empty && opts.version == mw::protocol_version::v5) pkt.properties.topic_alias = 1;
        const auto e = fuzz::encode_checked(pkt, opts, out);
        const bool empty_ok = may_be_empty && opts.version == mw::protocol_version::v5;
        const auto expect =
            n == 0 && !empty_ok ? mw::errc::topic_name_empty
                                : fuzz::reference::check_topic_name(p, n, ctl, nonchar, true).code;
        if (expect != mw::errc::none) {
            FUZZ_CHECK(!e && e.error().code == expect);
            return 0;
        }
        if (!e) {
            FUZZ_CHECK(n > mw::max_field_length);
            return 0;
        }
        const auto d = mw::decode_publish(std::span<const std::byte>(out), opts);
        FUZZ_CHECK(d && d->topic_name == s);
    }
    return 0;
}
