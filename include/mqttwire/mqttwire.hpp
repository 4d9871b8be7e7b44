// mqttwire: header-only, allocation-free, constexpr MQTT 3.1 / 3.1.1 / 5.0 codec.
// Umbrella header: include this one to get the whole codec.
#pragma once

#include "error.hpp"
#include "frame.hpp"
#include "options.hpp"
#include "packet.hpp"
#include "properties/all_properties.hpp"
#include "properties/properties_view.hpp"
#include "properties/property_field.hpp"
#include "properties/property_id.hpp"
#include "properties/property_rules.hpp"
#include "properties/property_set.hpp"
#include "properties/property_value.hpp"
#include "properties/typed_properties.hpp"
#include "protocol.hpp"
#include "reason_code.hpp"
#include "result.hpp"
#include "rules/topic_match.hpp"

namespace mqttwire {
inline constexpr int version_major = 0;
inline constexpr int version_minor = 1;
inline constexpr int version_patch = 0;
}  // namespace mqttwire
