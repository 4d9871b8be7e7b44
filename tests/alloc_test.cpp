// The codec never allocates: every global operator new / delete is replaced by a counting one,
// then every packet type of every version is sized, encoded, framed, decoded (whole, generic
// and head-first) and iterated while the count must stay 0. malloc itself cannot be replaced
// portably; operator new is what a C++ library would reach for.
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <mqttwire/mqttwire.hpp>
#include <new>
#include <span>
#include <string_view>
#include <variant>

namespace {

std::atomic<std::size_t> allocations{0};
std::atomic<std::size_t> deallocations{0};

void* allocate(std::size_t size) {
    allocations.fetch_add(1, std::memory_order_relaxed);
    return std::malloc(size == 0 ? 1 : size);
}
void* allocate_aligned(std::size_t size, std::align_val_t align) {
    allocations.fetch_add(1, std::memory_order_relaxed);
    const auto a = static_cast<std::size_t>(align);
    const std::size_t rounded = (size + a - 1) / a * a;
    return std::aligned_alloc(a, rounded == 0 ? a : rounded);
}
void release(void* p) noexcept {
    if (p == nullptr) return;
    deallocations.fetch_add(1, std::memory_order_relaxed);
    std::free(p);
}

}  // namespace

// Every replaceable form ([new.delete]): plain, array, nothrow, aligned, sized.
void* operator new(std::size_t size) {
    if (void* p = allocate(size)) return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t size) {
    if (void* p = allocate(size)) return p;
    throw std::bad_alloc();
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept { return allocate(size); }
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept { return allocate(size); }
void* operator new(std::size_t size, std::align_val_t align) {
    if (void* p = allocate_aligned(size, align)) return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t size, std::align_val_t align) {
    if (void* p = allocate_aligned(size, align)) return p;
    throw std::bad_alloc();
}
void* operator new(std::size_t size, std::align_val_t align, const std::nothrow_t&) noexcept {
    return allocate_aligned(size, align);
}
void* operator new[](std::size_t size, std::align_val_t align, const std::nothrow_t&) noexcept {
    return allocate_aligned(size, align);
}
void operator delete(void* p) noexcept { release(p); }
void operator delete[](void* p) noexcept { release(p); }
void operator delete(void* p, std::size_t) noexcept { release(p); }
void operator delete[](void* p, std::size_t) noexcept { release(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { release(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { release(p); }
void operator delete(void* p, std::align_val_t) noexcept { release(p); }
void operator delete[](void* p, std::align_val_t) noexcept { release(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { release(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { release(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { release(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { release(p); }

namespace {

using namespace mqttwire;

// Keeps a new-expression from being elided: its result escapes through a volatile.
int* volatile escape = nullptr;

TEST(Alloc, CounterSeesEveryFormOfNew) {
    const std::size_t before = allocations.load();
    escape = new int(7);
    EXPECT_EQ(allocations.load(), before + 1);
    delete escape;
    escape = new int[3];
    EXPECT_EQ(allocations.load(), before + 2);
    delete[] escape;
    escape = new (std::nothrow) int(1);
    EXPECT_EQ(allocations.load(), before + 3);
    delete escape;
    struct alignas(64) wide {
        char bytes[64];
    };
    wide* volatile w = new wide;
    EXPECT_EQ(allocations.load(), before + 4);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(w) % 64, 0u);
    delete w;
    EXPECT_GE(deallocations.load(), 4u);
}

const std::byte payload[] = {std::byte{1}, std::byte{2}, std::byte{3}, std::byte{4}};
const user_property users[] = {{"k", "v"}, {"region", "eu"}};
const subscription subs[] = {{"a/+", qos::at_least_once}, {"b/#", qos::exactly_once}};
const subscription subs5[] = {{"a/+", qos::at_least_once, true, true,
                               retain_handling::send_if_new_subscription},
                              {"$share/g/b/#", qos::exactly_once}};
const std::string_view filters[] = {"a/+", "b/#"};
const reason_code suback_codes[] = {granted_qos_0, reason_code::granted_qos_1,
                                    reason_code::unspecified_error};
const reason_code unsuback_codes[] = {reason_code::success, reason_code::no_subscription_existed};

/** Everything the loop below found wrong; checked after counting stops. */
struct tally {
    std::size_t encoded = 0;
    std::size_t decoded = 0;
    std::size_t failures = 0;
    std::size_t touched = 0;
};

/** Sizes, encodes, frames, decodes and iterates one packet; no allocation allowed in here. */
template <class Packet>
void exercise(const Packet& packet, const codec_options& opts, tally& t) {
    std::array<std::byte, 1024> buffer{};
    const auto size = encoded_size(packet, opts);
    const auto written = encode(packet, opts, buffer);
    if (!size || !written || *size != *written) {
        ++t.failures;
        return;
    }
    ++t.encoded;
    const auto bytes = std::span<const std::byte>(buffer).first(*written);
    const auto framed = frame_packet(bytes, opts);
    if (!framed.is_complete() || framed->size() != bytes.size()) ++t.failures;
    const auto decoded = decode(bytes, opts);
    if (!decoded) {
        ++t.failures;
        return;
    }
    ++t.decoded;
    std::visit(
        [&](const auto& v) {
            if constexpr (requires { v.subscriptions; })
                for (const auto& s : v.subscriptions) t.touched += s.topic_filter.size();
            if constexpr (requires { v.topic_filters; })
                for (const auto& f : v.topic_filters) t.touched += f.size();
            if constexpr (requires { v.reason_codes; })
                for (const auto c : v.reason_codes) t.touched += static_cast<std::size_t>(c) + 1;
            if constexpr (requires { v.properties; }) {
                for (const auto u : v.properties.user_properties()) t.touched += u.value.size();
                t.touched += v.properties.encoded().size();
            }
            if constexpr (requires { v.payload; }) t.touched += v.payload.size();
        },
        *decoded);
    if (decoded->index() == 2) {  // PUBLISH: head-first and header-only paths too
        const auto head = decode_publish_head(bytes.first(bytes.size() - 1), opts);
        if (!head.is_complete()) ++t.failures;
    }
}

/** Encodes `publish_packet` header-only as well. */
void exercise_header(const publish_packet& p, const codec_options& opts, tally& t) {
    std::array<std::byte, 256> buffer{};
    if (!encode_header(p, opts, buffer)) ++t.failures;
}

void every_packet(protocol_version version, tally& t) {
    const bool v5 = version == protocol_version::v5;
    const codec_options client{.version = version, .from = sender::client};
    const codec_options server{.version = version, .from = sender::server};

    connect_packet c;
    c.client_id = "client-1";
    c.keep_alive = 30;
    c.will = will_message{.topic = "will/t", .payload = payload, .qos_level = qos::at_least_once};
    c.user_name = "user";
    c.password = std::span<const std::byte>(payload);
    if (v5) {
        c.properties.session_expiry_interval = 60;
        c.properties.user_properties = users;
        c.will->properties.will_delay_interval = 5;
    }
    exercise(c, client, t);

    connack_packet ca;
    ca.session_present = true;
    if (v5) ca.properties.assigned_client_identifier = "assigned";
    exercise(ca, server, t);

    publish_packet p;
    p.topic_name = "sport/tennis/player1";
    p.payload = payload;
    p.qos_level = qos::at_least_once;
    p.packet_id = 10;
    if (v5) {
        p.properties.message_expiry_interval = 100;
        p.properties.user_properties = users;
    }
    exercise(p, client, t);
    exercise_header(p, client, t);

    exercise(puback_packet{1}, client, t);
    exercise(pubrec_packet{2}, server, t);
    exercise(pubrel_packet{3}, client, t);
    exercise(pubcomp_packet{4}, server, t);
    if (v5) {
        puback_packet failed{5, reason_code::quota_exceeded};
        failed.properties.reason_string = "quota";
        exercise(failed, server, t);
    }

    subscribe_packet s;
    s.packet_id = 11;
    s.subscriptions = v5 ? std::span<const subscription>(subs5) : std::span<const subscription>(subs);
    if (v5) s.properties.subscription_identifier = 7;
    exercise(s, client, t);

    exercise(suback_packet{11, suback_codes}, server, t);
    exercise(unsubscribe_packet{12, filters}, client, t);
    unsuback_packet ua{12};
    if (v5) ua.reason_codes = unsuback_codes;
    exercise(ua, server, t);
    exercise(pingreq_packet{}, client, t);
    exercise(pingresp_packet{}, server, t);
    exercise(disconnect_packet{}, client, t);
    if (v5) {
        disconnect_packet d{reason_code::server_shutting_down};
        d.properties.reason_string = "bye";
        exercise(d, server, t);
        auth_packet a{reason_code::continue_authentication};
        a.properties.authentication_method = "SCRAM";
        a.properties.authentication_data = std::span<const std::byte>(payload);
        exercise(a, client, t);
    }
}

TEST(Alloc, EveryPacketOfEveryVersionRunsWithoutAllocating) {
    tally t;
    const std::size_t before = allocations.load();
    for (const protocol_version v :
         {protocol_version::v3_1, protocol_version::v3_1_1, protocol_version::v5})
        every_packet(v, t);
    const std::size_t during = allocations.load() - before;
    EXPECT_EQ(during, 0u) << "operator new was called " << during << " times";
    EXPECT_EQ(t.failures, 0u);
    // 14 packets in 3.1 and 3.1.1, 17 in 5.0 (a failing PUBACK, DISCONNECT and AUTH added).
    EXPECT_EQ(t.encoded, 14u + 14u + 17u);
    EXPECT_EQ(t.decoded, t.encoded);
    EXPECT_GT(t.touched, 0u);
}

TEST(Alloc, ErrorsDoNotAllocateEither) {
    const std::size_t before = allocations.load();
    const unsigned char bad[] = {0x32, 0x05, 0x00, 0x01, '#', 0x00, 0x01};
    const auto r =
        decode(std::span(bad), {.version = protocol_version::v3_1_1, .from = sender::client});
    publish_packet p;
    p.topic_name = "a/#";
    std::array<std::byte, 16> small{};
    const auto e = encode(p, {.version = protocol_version::v5, .from = sender::client}, small);
    const std::size_t during = allocations.load() - before;
    EXPECT_EQ(during, 0u);
    EXPECT_FALSE(r.has_value());
    EXPECT_FALSE(e.has_value());
    EXPECT_EQ(r.error().code, errc::topic_name_has_wildcard);
}

}  // namespace
