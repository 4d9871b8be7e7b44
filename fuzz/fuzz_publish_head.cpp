// PUBLISH head-first decoding: for every prefix of a packet, decode_publish_head() is complete
// only with the same head the whole packet decodes to, asks for more bytes honestly (exact
// means exactly that many more complete the head), and fails only as the whole packet fails.
//
// Input: selector byte (fuzz::options_from), then the packet bytes.
#include "fuzz_common.hpp"

namespace {

namespace mw = mqttwire;
using view = mw::publish_head_view<unsigned char>;

std::string describe_head(const view& h) {
    fuzz::arena a;
    mw::publish_packet p;
    p.topic_name = h.topic_name;
    p.packet_id = h.packet_id;
    p.qos_level = h.qos_level;
    p.dup = h.dup;
    p.retain = h.retain;
    p.properties = fuzz::to_set<mw::publish_properties>(h.properties, a);
    return fuzz::describe(p) + " payload_offset=" + std::to_string(h.payload_offset) +
           " payload_size=" + std::to_string(h.payload_size);
}

struct head_answer {
    mw::progress state{};
    std::string head;  // when complete
    mw::need need{};
    mw::error err{};
};

head_answer head_of(std::span<const unsigned char> in, std::size_t k,
                    const mw::codec_options& opts) {
    const fuzz::exact_copy<> prefix(in.data(), k);
    const auto r = mw::decode_publish_head(prefix.span(), opts);
    head_answer a;
    a.state = r.state();
    if (r.is_complete()) {
        a.head = describe_head(*r);
        FUZZ_CHECK(r->payload_offset <= k);
    }
    a.need = r.need();
    a.err = r.error();
    return a;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const mw::codec_options opts = fuzz::options_from(data[0]);
    const fuzz::exact_copy<> in(data + 1, size - 1);
    const auto whole = mw::decode_publish(in.span(), opts);
    const auto framed = mw::frame_packet(in.span(), opts);
    const std::size_t packet_size = framed.is_complete() ? framed->size() : in.size();
    const std::string whole_head = whole ? describe_head(*whole) : std::string();
    // With the packet cut short there is no whole packet to compare with: only the honesty
    // of the need answers is checked then.
    const bool comparable = framed.is_complete();

    // Every prefix up to the packet's end (the bytes after it belong to the next packet);
    // long packets are sampled past their first 512 bytes to bound the quadratic cost. Once
    // the head is complete it stays complete: past the next prefix only the last is checked.
    std::size_t first_complete = 0;
    bool completed = false;
    for (std::size_t k = 0; k <= packet_size;
         k = completed && k > first_complete && k < packet_size
                 ? packet_size
                 : k + (k < 512 ? 1 : 1 + k / 64)) {
        const head_answer a = head_of(in.span(), k, opts);
        if (completed) FUZZ_CHECK(a.state == mw::progress::complete || !comparable);
        if (a.state == mw::progress::complete && !completed) {
            completed = true;
            first_complete = k;
        }
        switch (a.state) {
            case mw::progress::complete:
                if (!comparable) break;
                FUZZ_CHECK_MSG(whole.has_value(),
                               "head complete at " + std::to_string(k) + " but whole fails: " +
                                   fuzz::describe(whole.error()));
                FUZZ_CHECK_MSG(a.head == whole_head, a.head + "\nvs\n" + whole_head);
                break;
            case mw::progress::failed:
                if (!comparable) break;
                FUZZ_CHECK_MSG(!whole.has_value(),
                               "prefix " + std::to_string(k) + " fails with " +
                                   fuzz::describe(a.err) + " but the whole packet decodes");
                FUZZ_CHECK_MSG(a.err.code == whole.error().code,
                               "prefix " + std::to_string(k) + ": " + fuzz::describe(a.err) +
                                   " vs whole " + fuzz::describe(whole.error()));
                break;
            case mw::progress::need_more: {
                FUZZ_CHECK(a.need.bytes > 0);
                if (whole) FUZZ_CHECK(k < whole->payload_offset);
                // The fixed header comes with the answer once its Remaining Length is in, and
                // it is the one framing finds.
                if (framed.is_complete())
                    FUZZ_CHECK(a.need.header_known() == (k >= framed->header_size) &&
                               (!a.need.header_known() || a.need.header == *framed));
                const std::size_t target = k + a.need.bytes;
                if (a.need.exact && target <= packet_size) {
                    const head_answer b = head_of(in.span(), target, opts);
                    FUZZ_CHECK_MSG(b.state != mw::progress::need_more,
                                   "exact need of " + std::to_string(a.need.bytes) + " at " +
                                       std::to_string(k) + " still needs " +
                                       std::to_string(b.need.bytes));
                } else if (!a.need.exact && target - 1 > k && target - 1 <= packet_size) {
                    const head_answer b = head_of(in.span(), target - 1, opts);
                    FUZZ_CHECK_MSG(b.state != mw::progress::complete,
                                   "need of at least " + std::to_string(a.need.bytes) + " at " +
                                       std::to_string(k) + " but complete one byte earlier");
                }
                break;
            }
        }
    }
    return 0;
}
