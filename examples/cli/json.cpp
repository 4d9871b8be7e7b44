// cJSON 1.7's reading and printing rules, as mosquitto_sub's JSON output shows them.
#include "json.hpp"

#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace mqttwire::cli {

json_value json_value::make_string(std::string_view s) {
    json_value v;
    v.type = kind::string;
    v.text = std::string(s);
    return v;
}

json_value json_value::make_number(double d) {
    json_value v;
    v.type = kind::number;
    v.number = d;
    return v;
}

json_value json_value::make_object() {
    json_value v;
    v.type = kind::object;
    return v;
}

json_value& json_value::add(std::string_view key, json_value v) {
    members.push_back({std::string(key), std::move(v)});
    return members.back().value;
}

namespace {

constexpr int nesting_limit = 1000;  // cJSON's CJSON_NESTING_LIMIT

class reader {
public:
    explicit reader(std::string_view text) : s_(text) {}

    bool value(json_value& out, int depth) {
        if (at_word("null")) {
            out.type = json_value::kind::null;
            return true;
        }
        if (at_word("false")) {
            out.type = json_value::kind::boolean;
            return true;
        }
        if (at_word("true")) {
            out.type = json_value::kind::boolean;
            out.boolean = true;
            return true;
        }
        if (i_ >= s_.size()) return false;
        const char c = s_[i_];
        if (c == '"') {
            out.type = json_value::kind::string;
            return string(out.text);
        }
        if (c == '-' || (c >= '0' && c <= '9')) return number(out);
        if (c == '[') return array(out, depth);
        if (c == '{') return object(out, depth);
        return false;
    }

    void skip_whitespace() {
        while (i_ < s_.size() && static_cast<unsigned char>(s_[i_]) <= 32) ++i_;
    }
    void skip_bom() {
        if (s_.substr(0, 3) == "\xEF\xBB\xBF") i_ = 3;
    }
    bool at_end() const { return i_ == s_.size(); }

private:
    bool at_word(std::string_view w) {
        if (s_.substr(i_, w.size()) != w) return false;
        i_ += w.size();
        return true;
    }

    bool number(json_value& out) {
        // cJSON copies the characters a number may hold (at most 63) and lets strtod decide.
        char buf[64];
        std::size_t n = 0;
        while (n < sizeof buf - 1 && i_ + n < s_.size() &&
               std::strchr("0123456789+-eE.", s_[i_ + n]) != nullptr && s_[i_ + n] != '\0') {
            buf[n] = s_[i_ + n];
            ++n;
        }
        buf[n] = '\0';
        char* end = nullptr;
        const double d = std::strtod(buf, &end);
        if (end == buf) return false;
        i_ += static_cast<std::size_t>(end - buf);
        out.type = json_value::kind::number;
        out.number = d;
        return true;
    }

    static unsigned hex4(std::string_view h) {
        unsigned v = 0;
        for (char c : h) {
            v <<= 4;
            if (c >= '0' && c <= '9')
                v |= unsigned(c - '0');
            else if (c >= 'a' && c <= 'f')
                v |= unsigned(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F')
                v |= unsigned(c - 'A' + 10);
            else
                return 0;  // cJSON's parse_hex4 fails, which it reports as 0
        }
        return v;
    }

    static void put_utf8(std::string& out, unsigned cp) {
        if (cp < 0x80) {
            out += char(cp);
        } else if (cp < 0x800) {
            out += char(0xC0 | (cp >> 6));
            out += char(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out += char(0xE0 | (cp >> 12));
            out += char(0x80 | ((cp >> 6) & 0x3F));
            out += char(0x80 | (cp & 0x3F));
        } else {
            out += char(0xF0 | (cp >> 18));
            out += char(0x80 | ((cp >> 12) & 0x3F));
            out += char(0x80 | ((cp >> 6) & 0x3F));
            out += char(0x80 | (cp & 0x3F));
        }
    }

    bool string(std::string& out) {
        // The closing quote first, skipping escaped characters, as cJSON does.
        std::size_t end = i_ + 1;
        while (end < s_.size() && s_[end] != '"') {
            if (s_[end] == '\\') ++end;
            ++end;
        }
        if (end >= s_.size()) return false;
        std::size_t k = i_ + 1;
        while (k < end) {
            if (s_[k] != '\\') {
                out += s_[k++];
                continue;
            }
            if (end - k < 2) return false;
            const char e = s_[k + 1];
            switch (e) {
                case 'b': out += '\b'; break;
                case 'f': out += '\f'; break;
                case 'n': out += '\n'; break;
                case 'r': out += '\r'; break;
                case 't': out += '\t'; break;
                case '"':
                case '\\':
                case '/': out += e; break;
                case 'u': {
                    if (end - k < 6) return false;
                    const unsigned first = hex4(s_.substr(k + 2, 4));
                    if (first >= 0xDC00 && first <= 0xDFFF) return false;
                    unsigned cp = first;
                    std::size_t used = 6;
                    if (first >= 0xD800 && first <= 0xDBFF) {
                        if (end - k < 12 || s_[k + 6] != '\\' || s_[k + 7] != 'u') return false;
                        const unsigned second = hex4(s_.substr(k + 8, 4));
                        if (second < 0xDC00 || second > 0xDFFF) return false;
                        cp = 0x10000 + (((first & 0x3FF) << 10) | (second & 0x3FF));
                        used = 12;
                    }
                    put_utf8(out, cp);
                    k += used;
                    continue;
                }
                default: return false;
            }
            k += 2;
        }
        i_ = end + 1;
        return true;
    }

    bool array(json_value& out, int depth) {
        if (depth >= nesting_limit) return false;
        out.type = json_value::kind::array;
        ++i_;
        skip_whitespace();
        if (i_ < s_.size() && s_[i_] == ']') {
            ++i_;
            return true;
        }
        for (;;) {
            skip_whitespace();
            json_value item;
            if (!value(item, depth + 1)) return false;
            out.items.push_back(std::move(item));
            skip_whitespace();
            if (i_ >= s_.size()) return false;
            if (s_[i_] == ',') {
                ++i_;
                continue;
            }
            if (s_[i_] != ']') return false;
            ++i_;
            return true;
        }
    }

    bool object(json_value& out, int depth) {
        if (depth >= nesting_limit) return false;
        out.type = json_value::kind::object;
        ++i_;
        skip_whitespace();
        if (i_ < s_.size() && s_[i_] == '}') {
            ++i_;
            return true;
        }
        for (;;) {
            skip_whitespace();
            std::string key;
            if (i_ >= s_.size() || s_[i_] != '"' || !string(key)) return false;
            skip_whitespace();
            if (i_ >= s_.size() || s_[i_] != ':') return false;
            ++i_;
            skip_whitespace();
            json_value member;
            if (!value(member, depth + 1)) return false;
            out.members.push_back({std::move(key), std::move(member)});
            skip_whitespace();
            if (i_ >= s_.size()) return false;
            if (s_[i_] == ',') {
                ++i_;
                continue;
            }
            if (s_[i_] != '}') return false;
            ++i_;
            return true;
        }
    }

    std::string_view s_;
    std::size_t i_ = 0;
};

void append_number(std::string& out, double d) {
    char buf[32];
    if (std::isnan(d) || std::isinf(d)) {
        out += "null";
        return;
    }
    // 15 significant digits when they give the same double back, else 17 ("-0" stays "-0").
    std::snprintf(buf, sizeof buf, "%1.15g", d);
    const double back = std::strtod(buf, nullptr);
    const double larger = std::fabs(back) > std::fabs(d) ? std::fabs(back) : std::fabs(d);
    if (!(std::fabs(back - d) <= larger * DBL_EPSILON)) std::snprintf(buf, sizeof buf, "%1.17g", d);
    out += buf;
}

void append_string(std::string& out, std::string_view s) {
    out += '"';
    for (const char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (c < 32) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", unsigned{c});
                    out += buf;
                } else {
                    out += ch;
                }
        }
    }
    out += '"';
}

void append_value(std::string& out, const json_value& v, bool pretty, std::size_t& depth) {
    switch (v.type) {
        case json_value::kind::null: out += "null"; break;
        case json_value::kind::boolean: out += v.boolean ? "true" : "false"; break;
        case json_value::kind::number: append_number(out, v.number); break;
        case json_value::kind::string: append_string(out, v.text); break;
        case json_value::kind::array:
            out += '[';
            ++depth;
            for (std::size_t k = 0; k < v.items.size(); ++k) {
                append_value(out, v.items[k], pretty, depth);
                if (k + 1 < v.items.size()) out += pretty ? ", " : ",";
            }
            out += ']';
            --depth;
            break;
        case json_value::kind::object:
            out += '{';
            ++depth;
            if (pretty) out += '\n';
            for (std::size_t k = 0; k < v.members.size(); ++k) {
                if (pretty) out.append(depth, '\t');
                append_string(out, v.members[k].key);
                out += ':';
                if (pretty) out += '\t';
                append_value(out, v.members[k].value, pretty, depth);
                if (k + 1 < v.members.size()) out += ',';
                if (pretty) out += '\n';
            }
            if (pretty) out.append(depth - 1, '\t');
            out += '}';
            --depth;
            break;
    }
}

}  // namespace

std::optional<json_value> parse_json(std::string_view text) {
    if (text.find('\0') != std::string_view::npos) return std::nullopt;
    reader r(text);
    r.skip_bom();
    r.skip_whitespace();
    json_value v;
    if (!r.value(v, 0)) return std::nullopt;
    r.skip_whitespace();
    if (!r.at_end()) return std::nullopt;
    return v;
}

void append_json(std::string& out, const json_value& v, bool pretty) {
    std::size_t depth = 0;
    append_value(out, v, pretty, depth);
}

}  // namespace mqttwire::cli
