// JSON as mosquitto_sub prints it for -F %j and %J: mosquitto builds a cJSON tree, so the
// output follows cJSON's printer (number format, escapes, --pretty layout) and %J re-prints a
// payload after cJSON's parser has read it. This is that parser and printer, rebuilt.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mqttwire::cli {

struct json_member;

/** A JSON value; an object keeps its members in order, repeated keys included. */
struct json_value {
    enum class kind { null, boolean, number, string, array, object };
    kind type = kind::null;
    bool boolean = false;
    double number = 0;
    std::string text;
    std::vector<json_value> items;
    std::vector<json_member> members;

    static json_value make_string(std::string_view s);
    static json_value make_number(double d);
    static json_value make_object();
    json_value& add(std::string_view key, json_value v);
};

struct json_member {
    std::string key;
    json_value value;
};

/**
 * The value `text` holds, as cJSON_ParseWithOpts(require_null_terminated) reads it: nullopt
 * when it is not JSON, has anything but whitespace after the value, or holds a NUL byte.
 */
[[nodiscard]] std::optional<json_value> parse_json(std::string_view text);

/** Appends `v` as cJSON_PrintUnformatted (or cJSON_Print, `pretty`) prints it. */
void append_json(std::string& out, const json_value& v, bool pretty);

}  // namespace mqttwire::cli
