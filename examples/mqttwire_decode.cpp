// mqttwire-decode: frames an MQTT byte stream and prints every packet as one JSON object per line.
//
//   mqttwire-decode [--hex] [--version 3|4|5] [--from client|server] [--max-packet-size N] [FILE]
//
// The first user of the codec core and a debugging tool: it calls frame_packet and decode only,
// and shows every field a decoded view holds. See usage_text below for the options and the exit
// statuses, and the README for the JSON format.
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <mqttwire/mqttwire.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace {

using byte_view = std::span<const char>;

// Exit statuses; 64..66 are the sysexits.h values (EX_USAGE, EX_DATAERR, EX_NOINPUT).
constexpr int exit_ok = 0;
constexpr int exit_decode_error = 1;
constexpr int exit_incomplete = 2;
constexpr int exit_usage = 64;
constexpr int exit_bad_hex = 65;
constexpr int exit_no_input = 66;

constexpr std::string_view synopsis =
    "usage: mqttwire-decode [--hex] [--version 3|4|5] [--from client|server]\n"
    "                       [--max-packet-size N] [FILE]\n";

constexpr std::string_view usage_text =
    "\n"
    "Frames the MQTT byte stream in FILE (stdin when FILE is absent or '-') and prints each\n"
    "packet as one JSON object per line.\n"
    "\n"
    "  --hex                 the input is hex text; whitespace and '#' comments are ignored\n"
    "  --version 3|4|5       protocol level: 3 = 3.1, 4 = 3.1.1, 5 = 5.0 (also '3.1', '3.1.1',\n"
    "                        '5.0'); default 5. A CONNECT sets the level of the packets after\n"
    "                        it, so a stream that starts with its CONNECT needs no --version\n"
    "  --from client|server  who sent the bytes (default: client)\n"
    "  --max-packet-size N   reject packets larger than N bytes (default: 268435460)\n"
    "  -h, --help            print this help and exit\n"
    "\n"
    "Exit status: 0 every packet decoded; 1 a packet is malformed (last line: {\"error\": ...});\n"
    "2 the stream ends inside a packet (last line: {\"incomplete\": true, \"need\": N, ...});\n"
    "64 usage error; 65 the --hex input is not hex; 66 FILE cannot be read.\n";

// ---------------------------------------------------------------------------------------------
// Command line
// ---------------------------------------------------------------------------------------------

struct tool_options {
    // The tool's documented defaults; a CONNECT in the stream sets the version it carries.
    mqttwire::codec_options codec{.version = mqttwire::protocol_version::v5,
                                  .from = mqttwire::sender::client};
    bool hex = false;
    bool help = false;
    std::string_view path = "-";
};

std::optional<mqttwire::protocol_version> parse_version(std::string_view text) {
    using mqttwire::protocol_version;
    for (const protocol_version v :
         {protocol_version::v3_1, protocol_version::v3_1_1, protocol_version::v5}) {
        if (text == mqttwire::name(v) || text == std::to_string(static_cast<int>(v))) return v;
    }
    return std::nullopt;
}

std::optional<mqttwire::sender> parse_sender(std::string_view text) {
    if (text == "client") return mqttwire::sender::client;
    if (text == "server") return mqttwire::sender::server;
    return std::nullopt;
}

std::optional<std::uint32_t> parse_packet_size(std::string_view text) {
    if (text.empty() || text.size() > 10) return std::nullopt;
    std::uint64_t n = 0;
    for (const char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        n = n * 10 + static_cast<std::uint64_t>(c - '0');
    }
    // 2 bytes is the smallest packet (PINGREQ); above max_packet_size no packet can exist.
    if (n < 2 || n > mqttwire::max_packet_size) return std::nullopt;
    return static_cast<std::uint32_t>(n);
}

/** Applies one option that takes a value; returns an error text, empty on success. */
std::string apply_option(std::string_view name, std::string_view value, tool_options& out) {
    if (name == "--version") {
        if (const auto v = parse_version(value)) {
            out.codec.version = *v;
            return {};
        }
        return "--version must be 3, 4 or 5, not '" + std::string(value) + "'";
    }
    if (name == "--from") {
        if (const auto s = parse_sender(value)) {
            out.codec.from = *s;
            return {};
        }
        return "--from must be client or server, not '" + std::string(value) + "'";
    }
    if (const auto n = parse_packet_size(value)) {
        out.codec.maximum_packet_size = *n;
        return {};
    }
    return "--max-packet-size must be an integer from 2 to " +
           std::to_string(mqttwire::max_packet_size) + ", not '" + std::string(value) + "'";
}

bool takes_value(std::string_view name) {
    return name == "--version" || name == "--from" || name == "--max-packet-size";
}

/** Parses argv; returns an error text, empty on success. */
std::string parse_args(std::span<const std::string_view> args, tool_options& out) {
    bool have_path = false;
    bool options_done = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string_view arg = args[i];
        const bool is_option = !options_done && arg.size() > 1 && arg.front() == '-';
        if (!is_option) {
            if (have_path) return "more than one FILE given";
            out.path = arg;
            have_path = true;
            continue;
        }
        if (arg == "--") {
            options_done = true;
            continue;
        }
        if (arg == "-h" || arg == "--help") {
            out.help = true;
            continue;
        }
        if (arg == "--hex") {
            out.hex = true;
            continue;
        }
        std::optional<std::string_view> value;
        if (const auto eq = arg.find('='); arg.starts_with("--") && eq != std::string_view::npos) {
            value = arg.substr(eq + 1);
            arg = arg.substr(0, eq);
        }
        if (!takes_value(arg)) return "unknown option '" + std::string(arg) + "'";
        if (!value) {
            if (i + 1 == args.size()) return std::string(arg) + " needs a value";
            value = args[++i];
        }
        if (std::string error = apply_option(arg, *value, out); !error.empty()) return error;
    }
    return {};
}

// ---------------------------------------------------------------------------------------------
// Input
// ---------------------------------------------------------------------------------------------

std::optional<std::string> read_all(std::string_view path) {
    std::FILE* file = stdin;
    if (path != "-") file = std::fopen(std::string(path).c_str(), "rb");
    if (file == nullptr) return std::nullopt;
    std::string data;
    std::vector<char> chunk(1 << 16);
    std::size_t n = 0;
    while ((n = std::fread(chunk.data(), 1, chunk.size(), file)) > 0) data.append(chunk.data(), n);
    const bool failed = std::ferror(file) != 0;
    if (file != stdin) std::fclose(file);
    if (failed) return std::nullopt;
    return data;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/** Hex text to bytes; whitespace and '#' comments (to the end of the line) are skipped. */
std::string parse_hex(std::string_view text, std::string& error) {
    std::string bytes;
    int high = -1;
    bool in_comment = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_comment) {
            in_comment = c != '\n';
            continue;
        }
        if (c == '#') {
            in_comment = true;
            continue;
        }
        if (is_space(c)) continue;
        const int digit = hex_value(c);
        if (digit < 0) {
            error = "not a hex digit at character " + std::to_string(i);
            return {};
        }
        if (high < 0) {
            high = digit;
        } else {
            bytes.push_back(static_cast<char>(high * 16 + digit));
            high = -1;
        }
    }
    if (high >= 0) error = "odd number of hex digits";
    return bytes;
}

// ---------------------------------------------------------------------------------------------
// JSON output: one object per line
// ---------------------------------------------------------------------------------------------

char hex_digit(unsigned v) { return "0123456789abcdef"[v & 0xFu]; }

/** Builds one line of JSON; commas are placed by tracking whether a value opens a container. */
class json_line {
public:
    json_line& key(std::string_view k) {
        separate();
        quote(k);
        text_ += ':';
        after_key_ = true;
        return *this;
    }
    void begin_object() { open('{'); }
    void end_object() { close('}'); }
    void begin_array() { open('['); }
    void end_array() { close(']'); }
    void string(std::string_view s) {
        separate();
        quote(s);
    }
    void number(std::uint64_t n) {
        separate();
        text_ += std::to_string(n);
    }
    void boolean(bool b) {
        separate();
        text_ += b ? "true" : "false";
    }
    void null() {
        separate();
        text_ += "null";
    }
    /** Binary data as lowercase hex, two digits a byte. */
    template <class B>
    void hex(std::span<const B> data) {
        separate();
        text_ += '"';
        for (const B b : data) {
            const auto u = static_cast<unsigned char>(b);
            text_ += hex_digit(u >> 4u);
            text_ += hex_digit(u);
        }
        text_ += '"';
    }
    void print(std::FILE* out) const { std::fprintf(out, "%s\n", text_.c_str()); }

private:
    void separate() {
        if (!after_key_ && !first_) text_ += ',';
        after_key_ = false;
        first_ = false;
    }
    void open(char c) {
        separate();
        text_ += c;
        first_ = true;
    }
    void close(char c) {
        text_ += c;
        first_ = false;
    }
    // Decoded strings are valid UTF-8, so only '"', '\' and C0 controls need escaping; the
    // latter appear only under leniency, and always as \u00XX.
    void quote(std::string_view s) {
        text_ += '"';
        for (const char c : s) {
            const auto u = static_cast<unsigned char>(c);
            if (c == '"' || c == '\\') {
                text_ += '\\';
                text_ += c;
            } else if (u < 0x20) {
                text_ += "\\u00";
                text_ += hex_digit(u >> 4u);
                text_ += hex_digit(u);
            } else {
                text_ += c;
            }
        }
        text_ += '"';
    }

    std::string text_;
    bool first_ = true;
    bool after_key_ = false;
};

// ---------------------------------------------------------------------------------------------
// Properties: keys are mqttwire::name(property_id), e.g. "message_expiry_interval".
// ---------------------------------------------------------------------------------------------

using properties = mqttwire::properties_view<char>;
using property_entry = mqttwire::property_entry<char>;

/** The value of one property, as its type (and, for a Byte, whether it is a flag) says. */
void put_value(json_line& j, const property_entry& e) {
    using type = mqttwire::property_type;
    switch (e.type) {
        case type::byte:
            if (mqttwire::is_flag(e.id))
                j.boolean(e.integer != 0);
            else
                j.number(e.integer);
            break;
        case type::two_byte_integer:
        case type::four_byte_integer:
        case type::variable_byte_integer: j.number(e.integer); break;
        case type::utf8_string: j.string(e.text); break;
        case type::binary_data: j.hex(e.binary); break;
        case type::utf8_string_pair:
            j.begin_array();
            j.string(e.pair.name);
            j.string(e.pair.value);
            j.end_array();
            break;
        case type::none: break;
    }
}

/**
 * Every property present, in identifier order; the two that may repeat (User Property,
 * Subscription Identifier) as arrays of their values in wire order.
 */
void put_properties(json_line& j, const properties& p) {
    j.key("properties");
    j.begin_object();
    for (const mqttwire::property_id id : mqttwire::property_ids) {
        if (!p.contains(id)) continue;
        const bool repeatable = mqttwire::may_repeat(id);
        j.key(mqttwire::name(id));
        if (repeatable) j.begin_array();
        for (const property_entry& e : mqttwire::all_properties(p)) {
            if (e.id != id) continue;
            put_value(j, e);
            if (!repeatable) break;
        }
        if (repeatable) j.end_array();
    }
    j.end_object();
}

// ---------------------------------------------------------------------------------------------
// Packets: one put_fields overload per view type.
// ---------------------------------------------------------------------------------------------

/** What the JSON of a packet depends on besides its view. */
struct packet_context {
    mqttwire::protocol_version version;
    bool v5() const { return version == mqttwire::protocol_version::v5; }
};

/**
 * A payload is shown as text too when it is well-formed UTF-8 without U+0000, by the codec's own
 * UTF-8 String check: control characters and noncharacters are allowed (a reader wants "ON\n"
 * as text; the JSON escapes the controls), U+0000 is not (it marks binary data more often than
 * text). The empty payload is text (""), so `payload_text` is present exactly when the payload
 * is text.
 */
bool is_text(byte_view payload) {
    constexpr mqttwire::leniency any_code_point{.allow_control_characters = true,
                                                .allow_noncharacters = true};
    // Only the code is read: the version picks a statement text, which is not shown.
    return mqttwire::check_utf8_character_data(std::string_view(payload.data(), payload.size()),
                                               mqttwire::protocol_version::v5, any_code_point)
               .code == mqttwire::errc::none;
}

std::string_view as_text(byte_view payload) { return {payload.data(), payload.size()}; }

void put_reason(json_line& j, mqttwire::reason_code code) {
    j.key("reason_code").number(static_cast<std::uint8_t>(code));
    j.key("reason_name").string(mqttwire::name(code));
}

void put_will(json_line& j, const mqttwire::will_message_view<char>& will, packet_context ctx) {
    j.key("will");
    j.begin_object();
    j.key("topic").string(will.topic);
    j.key("payload").hex(will.payload);
    j.key("qos").number(static_cast<std::uint8_t>(will.qos_level));
    j.key("retain").boolean(will.retain);
    if (ctx.v5()) put_properties(j, will.properties);
    j.end_object();
}

void put_fields(json_line& j, const mqttwire::connect_view<char>& c, packet_context) {
    const packet_context own{c.version};  // a CONNECT carries its own level
    j.key("protocol_version").number(static_cast<std::uint8_t>(c.version));
    j.key("clean_start").boolean(c.clean_start);
    j.key("keep_alive").number(c.keep_alive);
    if (own.v5()) put_properties(j, c.properties);
    j.key("client_id").string(c.client_id);
    if (c.will) put_will(j, *c.will, own);
    if (c.user_name) j.key("user_name").string(*c.user_name);
    if (c.password) j.key("password").hex(*c.password);
}

void put_fields(json_line& j, const mqttwire::connack_view<char>& c, packet_context ctx) {
    j.key("session_present").boolean(c.session_present);
    if (ctx.v5()) {
        put_reason(j, c.reason);
        put_properties(j, c.properties);
    } else {
        j.key("return_code").number(static_cast<std::uint8_t>(c.return_code));
        j.key("return_code_name").string(mqttwire::name(c.return_code));
    }
}

void put_fields(json_line& j, const mqttwire::publish_view<char>& p, packet_context ctx) {
    j.key("topic_name").string(p.topic_name);
    j.key("qos").number(static_cast<std::uint8_t>(p.qos_level));
    j.key("dup").boolean(p.dup);
    j.key("retain").boolean(p.retain);
    if (p.qos_level != mqttwire::qos::at_most_once) j.key("packet_id").number(p.packet_id);
    if (ctx.v5()) put_properties(j, p.properties);
    j.key("payload").hex(p.payload);
    if (is_text(p.payload)) j.key("payload_text").string(as_text(p.payload));
}

template <mqttwire::packet_type Type>
void put_fields(json_line& j, const mqttwire::basic_pub_ack_view<char, Type>& a,
                packet_context ctx) {
    j.key("packet_id").number(a.packet_id);
    if (!ctx.v5()) return;
    put_reason(j, a.reason);
    put_properties(j, a.properties);
}

void put_fields(json_line& j, const mqttwire::subscribe_view<char>& s, packet_context ctx) {
    j.key("packet_id").number(s.packet_id);
    if (ctx.v5()) put_properties(j, s.properties);
    j.key("subscriptions");
    j.begin_array();
    for (const mqttwire::subscription_view sub : s.subscriptions) {
        j.begin_object();
        j.key("topic_filter").string(sub.topic_filter);
        j.key("qos").number(static_cast<std::uint8_t>(sub.max_qos));
        if (ctx.v5()) {
            j.key("no_local").boolean(sub.no_local);
            j.key("retain_as_published").boolean(sub.retain_as_published);
            j.key("retain_handling").number(static_cast<std::uint8_t>(sub.retain));
        }
        j.end_object();
    }
    j.end_array();
}

void put_reason_codes(json_line& j, const mqttwire::reason_code_range<char>& codes) {
    j.key("reason_codes");
    j.begin_array();
    for (const mqttwire::reason_code code : codes) j.number(static_cast<std::uint8_t>(code));
    j.end_array();
    j.key("reason_names");
    j.begin_array();
    for (const mqttwire::reason_code code : codes) j.string(mqttwire::name(code));
    j.end_array();
}

void put_fields(json_line& j, const mqttwire::suback_view<char>& s, packet_context ctx) {
    j.key("packet_id").number(s.packet_id);
    if (ctx.v5()) put_properties(j, s.properties);
    put_reason_codes(j, s.reason_codes);
}

void put_fields(json_line& j, const mqttwire::unsubscribe_view<char>& u, packet_context ctx) {
    j.key("packet_id").number(u.packet_id);
    if (ctx.v5()) put_properties(j, u.properties);
    j.key("topic_filters");
    j.begin_array();
    for (const std::string_view filter : u.topic_filters) j.string(filter);
    j.end_array();
}

void put_fields(json_line& j, const mqttwire::unsuback_view<char>& u, packet_context ctx) {
    j.key("packet_id").number(u.packet_id);
    if (!ctx.v5()) return;  // a 3.x UNSUBACK carries nothing else
    put_properties(j, u.properties);
    put_reason_codes(j, u.reason_codes);
}

void put_fields(json_line&, const mqttwire::pingreq_view&, packet_context) {}
void put_fields(json_line&, const mqttwire::pingresp_view&, packet_context) {}

/** DISCONNECT and AUTH: a 5.0 reason code and properties, nothing before 5.0. */
template <class View>
requires std::same_as<View, mqttwire::disconnect_view<char>> ||
    std::same_as<View, mqttwire::auth_view<char>>
void put_fields(json_line& j, const View& v, packet_context ctx) {
    if (!ctx.v5()) return;
    put_reason(j, v.reason);
    put_properties(j, v.properties);
}

void print_packet(const mqttwire::packet_view<char>& packet, std::size_t offset, std::size_t size,
                  packet_context ctx) {
    json_line j;
    j.begin_object();
    j.key("type").string(mqttwire::name(mqttwire::type_of(packet)));
    j.key("offset").number(offset);
    j.key("size").number(size);
    std::visit([&](const auto& view) { put_fields(j, view, ctx); }, packet);
    j.end_object();
    j.print(stdout);
}

void print_error(const mqttwire::error& e, std::size_t packet_offset) {
    json_line j;
    j.begin_object();
    j.key("error").string(mqttwire::name(e.code));
    j.key("message").string(e.message());
    j.key("reason_code").number(static_cast<std::uint8_t>(e.to_reason_code()));
    j.key("offset").number(packet_offset + e.offset);
    j.key("statement");
    if (e.statement.empty())
        j.null();
    else
        j.string(e.statement);
    j.end_object();
    j.print(stdout);
}

void print_incomplete(mqttwire::need more) {
    json_line j;
    j.begin_object();
    j.key("incomplete").boolean(true);
    j.key("need").number(more.bytes);
    j.key("exact").boolean(more.exact);
    j.end_object();
    j.print(stdout);
}

// ---------------------------------------------------------------------------------------------
// The stream loop
// ---------------------------------------------------------------------------------------------

/** Frames and decodes every packet of `stream`, printing each; returns the exit status. */
int decode_stream(byte_view stream, mqttwire::codec_options opts) {
    std::size_t at = 0;
    while (at < stream.size()) {
        const byte_view rest = stream.subspan(at);
        const mqttwire::partial<mqttwire::frame> framed = mqttwire::frame_packet(rest, opts);
        if (framed.needs_more()) {
            print_incomplete(framed.need());
            return exit_incomplete;
        }
        if (framed.has_error()) {
            print_error(framed.error(), at);
            return exit_decode_error;
        }
        const byte_view packet = rest.first(framed->size());
        const auto decoded = mqttwire::decode(packet, opts);
        if (!decoded) {
            print_error(decoded.error(), at);
            return exit_decode_error;
        }
        print_packet(*decoded, at, packet.size(), packet_context{opts.version});
        // The packets after a CONNECT speak its level (MQTT-3.1.2-2 picks it there).
        if (const auto* c = std::get_if<mqttwire::connect_view<char>>(&*decoded))
            opts.version = c->version;
        at += packet.size();
    }
    return exit_ok;
}

int run(std::span<const std::string_view> args) {
    tool_options options;
    if (const std::string error = parse_args(args, options); !error.empty()) {
        std::fprintf(stderr, "mqttwire-decode: %s\n%sTry 'mqttwire-decode --help'.\n",
                     error.c_str(), synopsis.data());
        return exit_usage;
    }
    if (options.help) {
        std::fputs(synopsis.data(), stdout);
        std::fputs(usage_text.data(), stdout);
        return exit_ok;
    }
    std::optional<std::string> input = read_all(options.path);
    if (!input) {
        std::fprintf(stderr, "mqttwire-decode: cannot read '%s'\n",
                     std::string(options.path).c_str());
        return exit_no_input;
    }
    if (options.hex) {
        std::string error;
        *input = parse_hex(*input, error);
        if (!error.empty()) {
            std::fprintf(stderr, "mqttwire-decode: --hex input: %s\n", error.c_str());
            return exit_bad_hex;
        }
    }
    return decode_stream(byte_view(*input), options.codec);
}

}  // namespace

int main(int argc, char** argv) {
    const std::vector<std::string_view> args(argv + 1, argv + argc);
    return run(args);
}
