// The "Reason Code, then properties, both omittable" tail that 5.0 PUBACK, PUBREC, PUBREL,
// PUBCOMP, DISCONNECT and AUTH share (5.0 §3.4.2.1, §3.14.2.1, §3.15.2.1 short forms).
#pragma once

#include <cstddef>
#include <string_view>

#include "../properties/properties_view.hpp"
#include "../properties/property_set.hpp"
#include "../reason_code.hpp"
#include "common.hpp"

namespace mqttwire::detail {

/** Site naming the allowed reason codes of each packet type. */
[[nodiscard]] constexpr statement_site reason_code_site(packet_type type) noexcept {
    switch (type) {
        case packet_type::connack: return statement_site::connack_reason_code;
        case packet_type::puback: return statement_site::puback_reason_code;
        case packet_type::pubrec: return statement_site::pubrec_reason_code;
        case packet_type::pubrel: return statement_site::pubrel_reason_code;
        case packet_type::pubcomp: return statement_site::pubcomp_reason_code;
        case packet_type::suback: return statement_site::suback_reason_code;
        case packet_type::unsuback: return statement_site::unsuback_reason_code;
        case packet_type::disconnect: return statement_site::disconnect_reason_code;
        case packet_type::auth: return statement_site::auth_reason_code;
        default: return statement_site::not_numbered;
    }
}

/** The shared rule for a reason code in `type` sent by `opts.from`, decode and encode alike. */
[[nodiscard]] constexpr fault check_reason_code(packet_type type, reason_code code,
                                                const codec_options& opts,
                                                std::size_t at) noexcept {
    if (is_allowed_reason_code(type, code, opts.version, opts.from)) return {};
    if (type == packet_type::disconnect && is_disconnect_reason_code(code))
        return make_fault(errc::reason_code_not_for_sender, at);
    return make_fault(errc::reason_code_invalid, at, reason_code_site(type));
}

/**
 * Reads the optional Reason Code and Property Length + properties that end the packet. Absent
 * fields take their defaults: Success / Normal disconnection, no properties.
 */
template <byte_like B>
[[nodiscard]] constexpr fault read_reason_tail(reader<B>& r, packet_type type, property_context ctx,
                                               const codec_options& opts, reason_code& code,
                                               properties_view<B>& props) noexcept {
    code = reason_code::success;
    if (r.at_end()) return {};
    const std::size_t at = r.offset();
    std::uint8_t raw = 0;
    (void)r.read_u8(raw);
    code = static_cast<reason_code>(raw);
    if (const fault f = check_reason_code(type, code, opts, at)) return f;
    if (r.at_end()) return {};
    if (const fault f = read_properties(r, ctx, opts, props)) return f;
    if (!r.at_end()) return make_fault(errc::packet_has_trailing_bytes, r.offset());
    return {};
}

/** Checks the tail and measures its properties; write_reason_tail picks the shortest form. */
template <class Props>
[[nodiscard]] constexpr fault plan_reason_tail(packet_type type, reason_code code,
                                               const Props& props, const codec_options& opts,
                                               encode_plan& plan) noexcept {
    if (const fault f = measure_properties(props, opts, plan.properties)) return f;
    if (opts.version != protocol_version::v5) {
        if (code != reason_code::success || plan.properties != 0)
            return make_fault(errc::not_in_protocol_version, 0);
        return {};
    }
    return check_reason_code(type, code, opts, 0);
}

/** The tail in its shortest equivalent form: nothing for Success without properties. */
template <class Writer, class Props>
MQTTWIRE_ALWAYS_INLINE constexpr void write_reason_tail(Writer& w, reason_code code,
                                                        const Props& props,
                                                        const codec_options& opts,
                                                        const encode_plan& plan) noexcept {
    if (opts.version != protocol_version::v5) return;
    if (plan.properties == 0 && code == reason_code::success) return;
    w.u8(static_cast<std::uint8_t>(code));
    if (plan.properties != 0) write_properties(w, props, plan.properties);
}

}  // namespace mqttwire::detail
