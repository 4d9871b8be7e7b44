// mosquitto_sub 2.0's print_message and formatted_print, rebuilt conversion by conversion,
// including its quirks (a field width truncates %p; %x halves the bytes it prints under a
// width; "%-p" pads with as many spaces as the payload is long), since scripts see them.
#include "output.hpp"

#include <cjson/cJSON.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <mqttwire/properties/all_properties.hpp>
#include <optional>
#include <random>

namespace mqttwire::cli {
namespace {

using byte_span = std::span<const std::byte>;

std::string_view as_chars(byte_span b) {
    return {reinterpret_cast<const char*>(b.data()), b.size()};
}

/** What cJSON_CreateString makes of bytes mosquitto holds as a C string: up to the first NUL. */
std::string_view up_to_nul(std::string_view s) { return s.substr(0, s.find('\0')); }

/** A cJSON tree, freed with its root. */
struct json_delete {
    void operator()(cJSON* j) const { cJSON_Delete(j); }
};
using json_tree = std::unique_ptr<cJSON, json_delete>;

/** Text cJSON_Print made. */
struct json_free {
    void operator()(char* s) const { cJSON_free(s); }
};
using json_text = std::unique_ptr<char, json_free>;

/**
 * Puts `item` into `object` under `key` and returns it; nullptr, and `item` freed, when either
 * is missing, as cJSON returns a null pointer when it runs out of memory.
 */
cJSON* add_json(cJSON* object, std::string_view key, cJSON* item) {
    if (object != nullptr && item != nullptr &&
        cJSON_AddItemToObject(object, std::string(key).c_str(), item))
        return item;
    cJSON_Delete(item);
    return nullptr;
}

cJSON* json_string(std::string_view s) { return cJSON_CreateString(std::string(s).c_str()); }

/** mosquitto's property names: the core's, with '-' for '_'. */
std::string kebab_name(property_id id) {
    std::string s(mqttwire::name(id));
    for (char& c : s)
        if (c == '_') c = '-';
    return s;
}

struct field {
    char align = 0;  // '-' or 0
    char pad = ' ';
    int width = 0;
    int precision = -1;
};

class printer {
public:
    printer(const sub_config& cfg, const received_message& msg, const timespec& at,
            std::string* errors)
        : cfg_(cfg), msg_(msg), ns_(at.tv_nsec), errors_(errors) {
        const time_t s = at.tv_sec;
        localtime_r(&s, &tm_);
    }

    std::string out;

    /**
     * Streaming: the payload is not at hand. A plain %p (or the payload of the default and -v
     * output) marks `payload_at` instead of printing; any other use of the payload's bytes
     * sets `cannot_stream`.
     */
    bool streaming = false;
    std::optional<std::size_t> payload_at;
    bool cannot_stream = false;

    void formatted(std::string_view f) {
        const std::size_t len = f.size();
        for (std::size_t i = 0; i < len; ++i) {
            const char c = f[i];
            if (c == '%') {
                field fl;
                if (i < len - 1) {
                    ++i;
                    if (f[i] == '-') {
                        fl.align = '-';
                        if (i < len - 1) ++i;
                    }
                    if (f[i] == '0') {
                        fl.pad = '0';
                        if (i < len - 1) ++i;
                    }
                    while (i < len - 1 && f[i] >= '0' && f[i] <= '9') {
                        fl.width = fl.width * 10 + (f[i] - '0');
                        ++i;
                    }
                    if (f[i] == '.' && i < len - 1) {
                        ++i;
                        fl.precision = 0;
                        while (i < len - 1 && f[i] >= '0' && f[i] <= '9') {
                            fl.precision = fl.precision * 10 + (f[i] - '0');
                            ++i;
                        }
                    }
                    if (i < len) conversion(f[i], fl);
                }
            } else if (c == '@') {
                if (i < len - 1) {
                    ++i;
                    if (f[i] == '@')
                        out += '@';
                    else if (f[i] == 'N')
                        append_printf("%09ld", ns_);
                    else
                        out += time_text(std::string{'%', f[i]}.c_str());
                }
            } else if (c == '\\') {
                if (i < len - 1) {
                    ++i;
                    switch (f[i]) {
                        case '\\': out += '\\'; break;
                        case '0': out += '\0'; break;
                        case 'a': out += '\a'; break;
                        case 'e': out += '\033'; break;
                        case 'n': out += '\n'; break;
                        case 'r': out += '\r'; break;
                        case 't': out += '\t'; break;
                        case 'v': out += '\v'; break;
                        default: break;
                    }
                }
            } else {
                out += c;
            }
        }
        if (cfg_.end_of_line) out += '\n';
    }

    void payload_line() {
        const bool empty = payload_size() == 0;
        if (cfg_.verbose) {
            if (!empty) {
                out += msg_.topic;
                out += ' ';
                whole_payload();
                if (cfg_.end_of_line) out += '\n';
            } else if (cfg_.end_of_line) {
                out += msg_.topic;
                out += " (null)\n";
            }
        } else if (!empty) {
            whole_payload();
            if (cfg_.end_of_line) out += '\n';
        }
    }

private:
    /** The announced size: a streamed message's payload is not in `payload`. */
    std::size_t payload_size() const {
        return std::max(msg_.publish.payload.size(), msg_.publish.payload_size);
    }

    void whole_payload() {
        if (streaming)
            payload_at = out.size();
        else
            out += as_chars(msg_.publish.payload);
    }

    template <class... A>
    void append_printf(const char* fmt, A... a) {
        const int n = std::snprintf(nullptr, 0, fmt, a...);
        if (n <= 0) return;
        std::string buf(static_cast<std::size_t>(n) + 1, '\0');
        std::snprintf(buf.data(), buf.size(), fmt, a...);
        buf.pop_back();
        out += buf;
    }

    std::string time_text(const char* fmt) const {
        char buf[100];
        const std::size_t n = std::strftime(buf, sizeof buf, fmt, &tm_);
        return std::string(buf, n);
    }

    void integer(long long value, const field& fl) {
        const int v = static_cast<int>(value);  // mosquitto prints every number as an int
        if (fl.width == 0)
            append_printf("%d", v);
        else if (fl.align == '-')
            append_printf("%-*d", fl.width, v);
        else if (fl.pad == '0')
            append_printf("%0*d", fl.width, v);
        else
            append_printf("%*d", fl.width, v);
    }

    void text(std::string_view value, const field& fl) {
        const std::string v(value);
        if (fl.width == 0 && fl.precision == -1)
            out += v;
        else if (fl.precision == -1)
            append_printf(fl.align == '-' ? "%-*s" : "%*s", fl.width, v.c_str());
        else if (fl.width == 0)
            append_printf(fl.align == '-' ? "%-.*s" : "%.*s", fl.precision, v.c_str());
        else
            append_printf(fl.align == '-' ? "%-*.*s" : "%*.*s", fl.width, fl.precision, v.c_str());
    }

    void blank(char pad, int width) { out.append(static_cast<std::size_t>(width), pad); }

    /** hex: 0 raw, 1 lower case, 2 upper case. */
    void payload(int hex, const field& fl) {
        if (streaming) {
            if (hex != 0 || fl.width != 0 || fl.align == '-' || payload_at)
                cannot_stream = true;
            else
                payload_at = out.size();
            return;
        }
        const std::string_view p = as_chars(msg_.publish.payload);
        int n = static_cast<int>(p.size());
        int padlen = 0;
        if (fl.width > 0) {
            if (n > fl.width) n = fl.width;
            if (hex > 0) {
                n /= 2;
                padlen = fl.width - n * 2;
            } else {
                padlen = fl.width - n;
            }
        } else {
            padlen = fl.width - n;
        }
        if (fl.align != '-' && padlen > 0) out.append(static_cast<std::size_t>(padlen), fl.pad);
        const std::string_view shown = p.substr(0, static_cast<std::size_t>(n));
        if (hex == 0) {
            out += shown;
        } else {
            for (const char c : shown)
                append_printf(hex == 1 ? "%02x" : "%02X", unsigned{static_cast<unsigned char>(c)});
        }
        // printf("%*s", padlen, "") pads |padlen| spaces: a negative width left-justifies.
        if (fl.align == '-')
            out.append(static_cast<std::size_t>(padlen < 0 ? -padlen : padlen), ' ');
    }

    void conversion(char c, const field& fl) {
        const auto& props = msg_.publish.properties;
        switch (c) {
            case '%': out += '%'; break;
            case 'A':
                if (const auto a = props.topic_alias())
                    integer(*a, fl);
                else
                    blank(fl.pad, fl.width);
                break;
            case 'C':
                if (const auto t = props.content_type())
                    text(*t, fl);
                else
                    blank(' ', fl.width);
                break;
            case 'D':
                if (const auto d = props.correlation_data()) out += as_chars(*d);
                break;
            case 'E':
                if (const auto e = props.message_expiry_interval())
                    integer(*e, fl);
                else
                    blank(fl.pad, fl.width);
                break;
            case 'F':
                if (const auto f = props.payload_format_indicator())
                    integer(static_cast<int>(*f), fl);
                else
                    blank(fl.pad, fl.width);
                break;
            case 'I': {
                const std::string t = time_text("%FT%T%z");
                if (!t.empty())
                    text(t, fl);
                else
                    blank(' ', fl.width);
                break;
            }
            case 'j': json(true); break;
            case 'J': json(false); break;
            case 'l': integer(static_cast<long long>(payload_size()), fl); break;
            case 'm': integer(msg_.publish.packet_id, fl); break;
            case 'P': {
                bool first = true;
                for (const user_property_view u : props.user_properties()) {
                    if (!first) out += ' ';
                    first = false;
                    out += u.name;
                    out += ':';
                    out += u.value;
                }
                break;
            }
            case 'p': payload(0, fl); break;
            case 'q':
                out += static_cast<char>('0' + static_cast<int>(msg_.publish.qos_level));
                break;
            case 'R':
                if (const auto r = props.response_topic()) text(*r, fl);
                break;
            case 'r': out += msg_.publish.retain ? '1' : '0'; break;
            case 'S':
                if (const auto s = props.subscription_identifier())
                    integer(*s, fl);
                else
                    blank(fl.pad, fl.width);
                break;
            case 't': text(msg_.topic, fl); break;
            case 'U':
                out += time_text("%s");
                append_printf(".%09ld", ns_);
                break;
            case 'x': payload(1, fl); break;
            case 'X': payload(2, fl); break;
            default: break;
        }
    }

    /** mosquitto's json_print: a cJSON tree of the message, printed by cJSON. */
    void json(bool escaped) {
        if (streaming) {
            cannot_stream = true;
            return;
        }
        const auto& pub = msg_.publish;
        const json_tree root(cJSON_CreateObject());
        bool built = true;  // false once cJSON runs out of memory
        const auto add = [&built](cJSON* object, std::string_view key, cJSON* item) {
            cJSON* const added = add_json(object, key, item);
            built = built && added != nullptr;
            return added;
        };
        cJSON* const r = root.get();
        char micros[32];
        std::snprintf(micros, sizeof micros, ".%06ld", ns_ / 1000);
        add(r, "tst", json_string(time_text("%Y-%m-%dT%H:%M:%S") + micros + "Z" + time_text("%z")));
        add(r, "topic", json_string(msg_.topic));
        add(r, "qos", cJSON_CreateNumber(static_cast<int>(pub.qos_level)));
        add(r, "retain", cJSON_CreateNumber(pub.retain ? 1 : 0));
        add(r, "payloadlen", cJSON_CreateNumber(static_cast<double>(pub.payload.size())));
        if (pub.qos_level != qos::at_most_once) add(r, "mid", cJSON_CreateNumber(pub.packet_id));
        if (!pub.properties.empty()) {
            cJSON* const list = add(r, "properties", cJSON_CreateObject());
            cJSON* user = nullptr;
            for (const auto& e : all_properties(pub.properties)) {
                switch (e.id) {
                    case property_id::user_property:
                        if (user == nullptr)
                            user = add(list, "user-properties", cJSON_CreateObject());
                        add(user, e.pair.name, json_string(e.pair.value));
                        break;
                    case property_id::content_type:
                    case property_id::response_topic:
                        add(list, kebab_name(e.id), json_string(e.text));
                        break;
                    case property_id::correlation_data:
                        add(list, kebab_name(e.id), json_string(up_to_nul(as_chars(e.binary))));
                        break;
                    default:
                        add(list, kebab_name(e.id),
                            cJSON_CreateNumber(static_cast<double>(e.integer)));
                        break;
                }
            }
        }
        const std::string_view payload = as_chars(pub.payload);
        if (payload.empty()) {
            add(r, "payload", cJSON_CreateNull());
        } else if (escaped) {
            add(r, "payload", json_string(up_to_nul(payload)));
        } else {
            // mosquitto hands cJSON the payload as a C string and wants the JSON to end where
            // the payload does: a NUL before that end refuses it.
            const std::string text(payload);
            const char* end = nullptr;
            cJSON* const parsed = cJSON_ParseWithOpts(text.c_str(), &end, 1);
            if (parsed == nullptr || end != text.c_str() + text.size()) {
                cJSON_Delete(parsed);
                report("Error: Message payload is not valid JSON on topic " +
                       std::string(msg_.topic) + ".\n");
                return;
            }
            add(r, "payload", parsed);
        }
        const json_text printed(built ? (cfg_.pretty ? cJSON_Print(r) : cJSON_PrintUnformatted(r))
                                      : nullptr);
        if (!printed) {
            report("Error: Out of memory.\n");
            return;
        }
        out += printed.get();
    }

    void report(const std::string& error) {
        if (errors_) *errors_ += error;
    }

    const sub_config& cfg_;
    const received_message& msg_;
    long ns_;
    std::string* errors_;
    std::tm tm_{};
};

}  // namespace

std::string format_message(const sub_config& cfg, const received_message& msg,
                           const struct timespec& received_at, std::string* errors) {
    printer p(cfg, msg, received_at, errors);
    if (cfg.format)
        p.formatted(*cfg.format);
    else
        p.payload_line();
    return std::move(p.out);
}

std::optional<streamed_output> stream_around_payload(const sub_config& cfg, std::string_view topic,
                                                     const publish_head_view<std::byte>& head,
                                                     const struct timespec& received_at) {
    publish_view<std::byte> without_payload{};
    static_cast<publish_head_view<std::byte>&>(without_payload) = head;
    const received_message msg{topic, without_payload};
    printer p(cfg, msg, received_at, nullptr);
    p.streaming = true;
    if (cfg.format)
        p.formatted(*cfg.format);
    else
        p.payload_line();
    if (p.cannot_stream) return std::nullopt;
    streamed_output r;
    r.payload_shown = p.payload_at.has_value();
    const std::size_t at = p.payload_at.value_or(p.out.size());
    r.before = p.out.substr(0, at);
    r.after = p.out.substr(at);
    return r;
}

bool passes_random_filter(const sub_config& cfg) {
    if (cfg.random_filter >= 10000) return true;
    static std::mt19937 random{std::random_device{}()};
    return random() % 10000 < cfg.random_filter;
}

void print_message(std::FILE* out, const sub_config& cfg, const received_message& msg,
                   const struct timespec& received_at) {
    if (!passes_random_filter(cfg)) return;
    std::string errors;
    const std::string text = format_message(cfg, msg, received_at, &errors);
    if (!errors.empty() && !cfg.client.quiet) std::fputs(errors.c_str(), stderr);
    std::fwrite(text.data(), 1, text.size(), out);
    std::fflush(out);
}

std::string format_error(std::string_view f) {
    const std::size_t len = f.size();
    const std::string incomplete = "Error: Incomplete format specifier.\n";
    const auto digit = [&](std::size_t k) { return k < len && f[k] >= '0' && f[k] <= '9'; };
    constexpr std::string_view conversions = "%ACDEFIlmPpqRSrtjJUxX";
    constexpr std::string_view escapes = "\\0aenrtv";
    for (std::size_t i = 0; i < len; ++i) {
        if (f[i] == '%') {
            if (i == len - 1) return incomplete;
            if (f[i + 1] == '0' || f[i + 1] == '-') {
                if (++i == len - 1) return incomplete;
            }
            while (digit(i + 1))
                if (++i == len - 1) return incomplete;
            if (f[i + 1] == '.') {
                if (++i == len - 1) return incomplete;
                while (digit(i + 1))
                    if (++i == len - 1) return incomplete;
            }
            if (conversions.find(f[i + 1]) == std::string_view::npos)
                return std::string("Error: Invalid format specifier '") + f[i + 1] + "'.\n";
            ++i;
        } else if (f[i] == '@') {
            if (i == len - 1) return incomplete;
            ++i;
        } else if (f[i] == '\\') {
            if (i == len - 1) return "Error: Incomplete escape specifier.\n";
            if (escapes.find(f[i + 1]) == std::string_view::npos)
                return std::string("Error: Invalid escape specifier '") + f[i + 1] + "'.\n";
            ++i;
        }
    }
    return {};
}

}  // namespace mqttwire::cli
