// mqttwire: header-only, allocation-free, constexpr MQTT 3.1 / 3.1.1 / 5.0 codec.
// Umbrella header: include this one to get the whole codec.
#pragma once

namespace mqttwire {
inline constexpr int version_major = 0;
inline constexpr int version_minor = 1;
inline constexpr int version_patch = 0;
}  // namespace mqttwire
