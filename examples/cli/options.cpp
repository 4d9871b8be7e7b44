// mosquitto 2.0's client_config_line_proc, client_config_load and the checks of pub/sub main(),
// rebuilt flag by flag: the same flags, defaults, order of checks and messages.
#include "options.hpp"

#include <strings.h>

#include <cstdlib>
#include <mqttwire/properties/property_id.hpp>
#include <mqttwire/rules/topic.hpp>
#include <random>

#include "output.hpp"

namespace mqttwire::cli {
namespace {

enum class program_kind { pub, sub };

// The commands -D names, with mosquitto's spelling; `context` is the core's property list.
struct property_command {
    std::string_view name;
    std::optional<property_context> context;  // none: mosquitto knows it, no property list
};
constexpr property_command property_commands[] = {
    {"connect", property_context::connect}, {"connack", property_context::connack},
    {"publish", property_context::publish}, {"puback", property_context::ack},
    {"pubrec", property_context::ack},      {"pubrel", property_context::ack},
    {"pubcomp", property_context::ack},     {"subscribe", property_context::subscribe},
    {"suback", property_context::ack},      {"unsubscribe", property_context::unsubscribe},
    {"unsuback", property_context::ack},    {"disconnect", property_context::disconnect},
    {"auth", property_context::auth},       {"will", property_context::will},
};

bool equal_ignoring_case(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; };
        if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
}

/** mosquitto's property names are the core's names with '-' for '_'. */
std::optional<property_id> property_by_name(std::string_view name) {
    for (unsigned i = 1; i <= max_property_id; ++i) {
        const auto id = static_cast<property_id>(i);
        std::string kebab(mqttwire::name(id));
        if (kebab.empty()) continue;
        for (char& c : kebab)
            if (c == '_') c = '-';
        if (equal_ignoring_case(kebab, name)) return id;
    }
    return std::nullopt;
}

std::string_view property_list_name(property_context ctx) {
    switch (ctx) {
        case property_context::connect: return "CONNECT";
        case property_context::publish: return "PUBLISH";
        case property_context::subscribe: return "SUBSCRIBE";
        case property_context::unsubscribe: return "UNSUBSCRIBE";
        case property_context::disconnect: return "DISCONNECT";
        case property_context::will: return "Will";
        default: return "";
    }
}

/** C's atoi/atol as mosquitto calls them: leading number, garbage after it ignored. */
long leading_long(const char* s) { return std::strtol(s, nullptr, 10); }
int leading_int(const char* s) { return static_cast<int>(leading_long(s)); }

/** One -D value, before it is placed in a property struct. */
struct property_value {
    property_id id{};
    std::uint32_t number = 0;
    std::string_view text{}, key{};
};

class parser {
public:
    parser(program_kind kind, std::span<const char* const> args, client_config& c, pub_config* pub,
           sub_config* sub)
        : kind_(kind), args_(args), c_(c), pub_(pub), sub_(sub) {}

    /** false: `error` holds the message (possibly empty, as mosquitto's for -D connack). */
    bool parse_flags();
    /** The checks client_config_load makes once every flag is read. */
    bool check_config(long process_id);

    std::string error;
    bool help = false;
    bool version = false;
    bool tls_refused = false;

private:
    bool fail(std::string message) {
        error = std::move(message);
        return false;
    }
    bool is(std::string_view flag) const { return args_[i_] == flag; }
    bool is(std::string_view a, std::string_view b) const { return is(a) || is(b); }
    bool last() const { return i_ + 1 >= args_.size(); }
    const char* next() { return args_[++i_]; }
    bool unknown() { return fail("Error: Unknown option '" + std::string(args_[i_]) + "'.\n"); }

    bool add_topic(std::string_view topic, std::string_view flag);
    bool check_filter_arg(std::string_view filter, std::string_view flag, std::string_view what);
    bool parse_property();
    bool parse_url(std::string_view url);
    bool message_mode(message_source source);
    bool store_property(property_context ctx, const property_value& v);
    bool check_property_values(property_context ctx);
    void point_property_spans();

    program_kind kind_;
    std::span<const char* const> args_;
    std::size_t i_ = 0;
    client_config& c_;
    pub_config* pub_;
    sub_config* sub_;

    std::int64_t session_expiry_ = -1;  // -1: not given
    bool will_payload_given_ = false;
    bool will_retain_given_ = false;
    // Every -D value in order, per list, for the duplicate and value checks made afterwards.
    std::vector<std::pair<property_context, property_value>> properties_;
};

enum class topic_verdict { valid, malformed_utf8, not_a_topic_name };

/** mosquitto's order: the UTF-8 rules over the whole text first, then the Topic Name rules. */
topic_verdict judge_topic_name(std::string_view t) {
    if (check_utf8_string(t, protocol_version::v5).code != errc::none)
        return topic_verdict::malformed_utf8;
    if (check_topic_name(t, protocol_version::v5).code != errc::none)
        return topic_verdict::not_a_topic_name;
    return topic_verdict::valid;
}

bool parser::add_topic(std::string_view topic, std::string_view flag) {
    if (kind_ == program_kind::pub) {
        const topic_verdict v = judge_topic_name(topic);
        if (v == topic_verdict::malformed_utf8)
            return fail("Error: Malformed UTF-8 in " + std::string(flag) + " argument.\n\n");
        if (v == topic_verdict::not_a_topic_name)
            return fail("Error: Invalid publish topic '" + std::string(topic) +
                        "', does it contain '+' or '#'?\n");
        pub_->topic = std::string(topic);
        return true;
    }
    if (!check_filter_arg(topic, flag, "subscription")) return false;
    sub_->topics.emplace_back(topic);
    return true;
}

bool parser::check_filter_arg(std::string_view filter, std::string_view flag,
                              std::string_view what) {
    switch (check_topic_filter(filter, protocol_version::v5).code) {
        case errc::none: return true;
        case errc::topic_filter_empty:
        case errc::multi_level_wildcard_misplaced:
        case errc::single_level_wildcard_misplaced:
        case errc::shared_subscription_invalid:
            return fail("Error: Invalid " + std::string(what) + " topic '" + std::string(filter) +
                        "', are all '+' and '#' wildcards correct?\n");
        default: break;
    }
    return fail("Error: Malformed UTF-8 in " + std::string(flag) + " argument.\n\n");
}

bool parser::message_mode(message_source source) {
    if (pub_->source != message_source::none)
        return fail("Error: Only one type of message can be sent at once.\n\n");
    pub_->source = source;
    return true;
}

bool parser::parse_url(std::string_view url) {
    constexpr std::string_view mqtt = "mqtt://", mqtts = "mqtts://";
    if (url.size() >= mqtt.size() && equal_ignoring_case(url.substr(0, mqtt.size()), mqtt)) {
        url.remove_prefix(mqtt.size());
        c_.port = 1883;
    } else if (url.size() >= mqtts.size() &&
               equal_ignoring_case(url.substr(0, mqtts.size()), mqtts)) {
        tls_refused = true;
        return fail("Error: TLS support not available.\n\n");
    } else {
        return fail("Error: unsupported URL scheme.\n\n");
    }
    const std::size_t slash = url.find('/');
    if (slash == std::string_view::npos)
        return fail("Error: Invalid URL for -L argument specified - topic missing.\n");
    if (!add_topic(url.substr(slash + 1), "-L topic")) return false;
    std::string_view authority = url.substr(0, slash);
    if (const std::size_t at = authority.find('@'); at != std::string_view::npos) {
        std::string_view user = authority.substr(0, at);
        if (const std::size_t colon = user.find(':'); colon != std::string_view::npos) {
            c_.password = std::string(user.substr(colon + 1));
            user = user.substr(0, colon);
        }
        c_.username = std::string(user);
        authority.remove_prefix(at + 1);
    }
    if (const std::size_t colon = authority.find(':'); colon != std::string_view::npos) {
        c_.port = static_cast<std::uint16_t>(
            leading_int(std::string(authority.substr(colon + 1)).c_str()));
        authority = authority.substr(0, colon);
    }
    c_.host = std::string(authority);
    return true;
}

bool parser::parse_property() {
    // i_ is at -D; three arguments follow (four for a User Property).
    if (i_ + 3 >= args_.size())
        return fail("Error: --property argument given but not enough arguments specified.\n\n");
    const std::string_view command = args_[i_ + 1];
    const std::string_view name = args_[i_ + 2];
    const property_command* cmd = nullptr;
    for (const property_command& pc : property_commands)
        if (equal_ignoring_case(pc.name, command)) cmd = &pc;
    if (!cmd) return fail("Error: Invalid command given in --property argument.\n\n");
    const std::optional<property_id> id = property_by_name(name);
    if (!id) return fail("Error: Invalid property name given in --property argument.\n\n");
    const property_context ctx = *cmd->context;
    if (!property_allowed_in(ctx, *id))
        return fail("Error: " + std::string(name) + " property not allowed for " +
                    std::string(command) + " in --property argument.\n\n");
    property_value v;
    v.id = *id;
    const bool pair = *id == property_id::user_property;
    if (pair && i_ + 4 >= args_.size())
        return fail("Error: --property argument given but not enough arguments specified.\n\n");
    const char* value = args_[i_ + (pair ? 4 : 3)];
    if (pair) v.key = args_[i_ + 3];
    i_ += pair ? 4 : 3;

    const std::string not_supported = "Error: " + std::string(name) +
                                      " property not supported for " + std::string(command) +
                                      " in --property argument.\n\n";
    switch (ctx) {
        case property_context::connack: return fail("");  // mosquitto says nothing here
        case property_context::ack:
        case property_context::auth: return fail(not_supported);
        case property_context::publish:
            if (*id == property_id::subscription_identifier) return fail(not_supported);
            if (*id == property_id::topic_alias) c_.publish_topic_alias = true;
            break;
        default: break;
    }

    const property_type type = type_of(*id);
    std::uint32_t max = 0;
    switch (type) {
        case property_type::byte: max = 0xFF; break;
        case property_type::two_byte_integer: max = 0xFFFF; break;
        case property_type::four_byte_integer:
        case property_type::variable_byte_integer: max = 0xFFFFFFFFu; break;
        default: break;
    }
    if (max != 0) {
        const long n = leading_long(value);
        if (n < 0 || static_cast<unsigned long>(n) > max)
            return fail("Error: Property value (" + std::to_string(n) +
                        ") out of range for property " + std::string(name) + ".\n\n");
        v.number = static_cast<std::uint32_t>(n);
    } else {
        v.text = value;
        if (type == property_type::binary_data && v.text.size() > 0xFFFF)
            return fail("Error: Property value too long for property " + std::string(name) +
                        ".\n\n");
    }
    properties_.emplace_back(ctx, v);
    c_.version = protocol_version::v5;  // -D implies 5.0 (a later -V may still change it)
    return true;
}

bool parser::parse_flags() {
    const bool is_pub = kind_ == program_kind::pub;
    const bool is_sub = kind_ == program_kind::sub;
    // TLS and the SOCKS proxy come in a later issue: each is refused by name.
    constexpr std::string_view refused_with_value[] = {"--cafile",
                                                       "--capath",
                                                       "--cert",
                                                       "--ciphers",
                                                       "--key",
                                                       "--keyform",
                                                       "--psk",
                                                       "--psk-identity",
                                                       "--tls-alpn",
                                                       "--tls-engine",
                                                       "--tls-engine-kpass-sha1",
                                                       "--tls-version",
                                                       "--proxy"};
    constexpr std::string_view refused_alone[] = {"--insecure", "--tls-use-os-certs"};

    for (i_ = 0; i_ < args_.size(); ++i_) {
        const std::string_view a = args_[i_];
        bool refused = false;
        for (std::string_view r : refused_with_value) refused |= a == r;
        for (std::string_view r : refused_alone) refused |= a == r;
        if (refused) {
            tls_refused = true;
            return fail("Error: " + std::string(a) +
                        " is not supported: " + (a == "--proxy" ? "SOCKS proxies" : "TLS") +
                        " will come in a later version.\n");
        }
        if (is("-A")) {
            if (last()) return fail("Error: -A argument given but no address specified.\n\n");
            c_.bind_address = next();
        } else if (is("-C")) {
            if (!is_sub) return unknown();
            if (last()) return fail("Error: -C argument given but no count specified.\n\n");
            const int n = leading_int(next());
            if (n < 1)
                return fail("Error: Invalid message count \"" + std::to_string(n) + "\".\n\n");
            sub_->message_count = static_cast<unsigned>(n);
        } else if (is("-c", "--disable-clean-session")) {
            c_.clean_session = false;
        } else if (is("-d", "--debug")) {
            c_.debug = true;
        } else if (is("-D", "--property")) {
            if (!parse_property()) return false;
        } else if (is("-E")) {
            if (!is_sub) return unknown();
            sub_->exit_after_subscribe = true;
        } else if (is("-f", "--file")) {
            if (!is_pub) return unknown();
            if (pub_->source != message_source::none)
                return fail("Error: Only one type of message can be sent at once.\n\n");
            if (last()) return fail("Error: -f argument given but no file specified.\n\n");
            pub_->source = message_source::file;
            pub_->file = next();
        } else if (is("-F")) {
            if (!is_sub) return unknown();
            if (last()) return fail("Error: -F argument given but no format specified.\n\n");
            std::string format = next();
            if (std::string e = format_error(format); !e.empty()) return fail(e);
            sub_->format = std::move(format);
        } else if (is("--help")) {
            help = true;
            return false;
        } else if (is("-h", "--host")) {
            if (last()) return fail("Error: -h argument given but no host specified.\n\n");
            c_.host = next();
        } else if (is("-i", "--id")) {
            if (!c_.client_id_prefix.empty())
                return fail("Error: -i and -I argument cannot be used together.\n\n");
            if (last()) return fail("Error: -i argument given but no id specified.\n\n");
            c_.client_id = next();
            c_.client_id_given = true;
        } else if (is("-I", "--id-prefix")) {
            if (c_.client_id_given)
                return fail("Error: -i and -I argument cannot be used together.\n\n");
            if (last()) return fail("Error: -I argument given but no id prefix specified.\n\n");
            c_.client_id_prefix = next();
        } else if (is("-k", "--keepalive")) {
            if (last()) return fail("Error: -k argument given but no keepalive specified.\n\n");
            const int k = leading_int(next());
            if (k < 5 || k > 65535)
                return fail(
                    "Error: Invalid keepalive given, it must be between 5 and 65535 "
                    "inclusive.\n\n");
            c_.keep_alive = static_cast<std::uint16_t>(k);
        } else if (is("-L", "--url")) {
            if (last()) return fail("Error: -L argument given but no URL specified.\n\n");
            if (!parse_url(next())) return false;
        } else if (is("-l", "--stdin-line")) {
            if (!is_pub) return unknown();
            if (!message_mode(message_source::stdin_lines)) return false;
        } else if (is("-m", "--message")) {
            if (!is_pub) return unknown();
            if (pub_->source != message_source::none)
                return fail("Error: Only one type of message can be sent at once.\n\n");
            if (last()) return fail("Error: -m argument given but no message specified.\n\n");
            pub_->message = next();
            if (pub_->message.size() > 268435455u)
                return fail("Error: Message length must be less than 268435455 bytes.\n\n");
            pub_->source = message_source::command_line;
        } else if (is("-M")) {
            if (last()) return fail("Error: -M argument given but max_inflight not specified.\n\n");
            const int m = leading_int(next());
            if (m < 1) return fail("Error: Maximum inflight messages must be greater than 0.\n\n");
            c_.max_inflight = static_cast<unsigned>(m);
        } else if (is("--nodelay")) {
            c_.tcp_nodelay = true;
        } else if (is("-n", "--null-message")) {
            if (!is_pub) return unknown();
            if (!message_mode(message_source::empty)) return false;
        } else if (is("-N")) {
            if (!is_sub) return unknown();
            sub_->end_of_line = false;
        } else if (is("-p", "--port")) {
            if (last()) return fail("Error: -p argument given but no port specified.\n\n");
            const int p = leading_int(next());
            if (p < 0 || p > 65535)
                return fail("Error: Invalid port given: " + std::to_string(p) + "\n");
            c_.port = static_cast<std::uint16_t>(p);
        } else if (is("--pretty")) {
            if (!is_sub) return unknown();
            sub_->pretty = true;
        } else if (is("-P", "--pw")) {
            if (last()) return fail("Error: -P argument given but no password specified.\n\n");
            c_.password = next();
        } else if (is("-q", "--qos")) {
            if (last()) return fail("Error: -q argument given but no QoS specified.\n\n");
            const int q = leading_int(next());
            if (q < 0 || q > 2)
                return fail("Error: Invalid QoS given: " + std::to_string(q) + "\n");
            c_.qos_level = static_cast<qos>(q);
        } else if (is("--quiet")) {
            c_.quiet = true;
        } else if (is("-r", "--retain")) {
            if (!is_pub) return unknown();
            pub_->retain = true;
        } else if (is("-R")) {
            if (!is_sub) return unknown();
            sub_->no_retained = true;
            sub_->retain_handling = retain_handling::do_not_send;
        } else if (is("--random-filter")) {
            if (!is_sub) return unknown();
            if (last())
                return fail("Error: --random-filter argument given but no chance specified.\n\n");
            const int chance = static_cast<int>(10.0 * std::atof(next()));
            if (chance > 10000 || chance < 1)
                return fail("Error: --random-filter chance must be between 0.1-100.0\n\n");
            sub_->random_filter = static_cast<unsigned>(chance);
        } else if (is("--remove-retained")) {
            if (!is_sub) return unknown();
            sub_->remove_retained = true;
        } else if (is("--repeat")) {
            if (!is_pub) return unknown();
            if (last()) return fail("Error: --repeat argument given but no count specified.\n\n");
            const int n = leading_int(next());
            if (n < 1) return fail("Error: --repeat argument must be >0.\n\n");
            pub_->repeat_count = static_cast<unsigned>(n);
        } else if (is("--repeat-delay")) {
            if (!is_pub) return unknown();
            if (last())
                return fail("Error: --repeat-delay argument given but no time specified.\n\n");
            const float f = static_cast<float>(std::atof(next()));
            if (f < 0.0f) return fail("Error: --repeat-delay argument must be >=0.0.\n\n");
            pub_->repeat_delay_us = static_cast<std::uint64_t>(f * 1.0e6f);
        } else if (is("--retain-as-published")) {
            if (!is_sub) return unknown();
            sub_->retain_as_published = true;
        } else if (is("--retained-only")) {
            if (!is_sub) return unknown();
            sub_->retained_only = true;
        } else if (is("-s", "--stdin-file")) {
            if (!is_pub) return unknown();
            if (!message_mode(message_source::stdin_whole)) return false;
        } else if (is("-t", "--topic")) {
            if (last()) return fail("Error: -t argument given but no topic specified.\n\n");
            if (!add_topic(next(), "-t")) return false;
        } else if (is("-T", "--filter-out")) {
            if (!is_sub) return unknown();
            if (last()) return fail("Error: -T argument given but no topic filter specified.\n\n");
            const std::string_view f = next();
            if (!check_filter_arg(f, "-T", "filter")) return false;
            sub_->filter_out.emplace_back(f);
        } else if (is("-U", "--unsubscribe")) {
            if (!is_sub) return unknown();
            if (last())
                return fail("Error: -U argument given but no unsubscribe topic specified.\n\n");
            const std::string_view f = next();
            if (!check_filter_arg(f, "-U", "unsubscribe")) return false;
            sub_->unsubscribe.emplace_back(f);
        } else if (is("-u", "--username")) {
            if (last()) return fail("Error: -u argument given but no username specified.\n\n");
            c_.username = next();
        } else if (is("--unix")) {
            if (last())
                return fail("Error: --unix argument given but no socket path specified.\n\n");
            c_.unix_socket = next();
            c_.port = 0;
        } else if (is("-V", "--protocol-version")) {
            if (last())
                return fail(
                    "Error: --protocol-version argument given but no version specified.\n\n");
            const std::string_view v = next();
            if (v == "mqttv31" || v == "31") {
                c_.version = protocol_version::v3_1;
            } else if (v == "mqttv311" || v == "311") {
                c_.version = protocol_version::v3_1_1;
            } else if (v == "mqttv5" || v == "5") {
                c_.version = protocol_version::v5;
            } else {
                return fail("Error: Invalid protocol version argument given.\n\n");
            }
        } else if (is("-v", "--verbose")) {
            if (!is_sub) return unknown();
            sub_->verbose = true;
        } else if (is("--version")) {
            version = true;
            return false;
        } else if (is("-W")) {
            if (!is_sub) return unknown();
            if (last()) return fail("Error: -W argument given but no timeout specified.\n\n");
            const int t = leading_int(next());
            if (t < 1) return fail("Error: Invalid timeout \"" + std::to_string(t) + "\".\n\n");
            sub_->timeout_s = static_cast<unsigned>(t);
        } else if (is("--will-payload")) {
            if (last())
                return fail(
                    "Error: --will-payload argument given but no will payload specified.\n\n");
            c_.will.payload = next();
            will_payload_given_ = true;
        } else if (is("--will-qos")) {
            if (last())
                return fail("Error: --will-qos argument given but no will QoS specified.\n\n");
            const int q = leading_int(next());
            if (q < 0 || q > 2)
                return fail("Error: Invalid will QoS " + std::to_string(q) + ".\n\n");
            c_.will.qos_level = static_cast<qos>(q);
        } else if (is("--will-retain")) {
            c_.will.retain = true;
            will_retain_given_ = true;
        } else if (is("--will-topic")) {
            if (last())
                return fail("Error: --will-topic argument given but no will topic specified.\n\n");
            const std::string_view t = next();
            const topic_verdict v = judge_topic_name(t);
            if (v == topic_verdict::malformed_utf8)
                return fail("Error: Malformed UTF-8 in --will-topic argument.\n\n");
            if (v == topic_verdict::not_a_topic_name)
                return fail("Error: Invalid will topic '" + std::string(t) +
                            "', does it contain '+' or '#'?\n");
            c_.will.topic = std::string(t);
        } else if (is("-x")) {
            if (last())
                return fail(
                    "Error: -x argument given but no session expiry interval specified.\n\n");
            const char* v = next();
            if (std::string_view(v) == "\u221E") {
                session_expiry_ = 0xFFFFFFFF;
            } else {
                char* end = nullptr;
                const long long x = std::strtoll(v, &end, 0);
                if (end == v || *end != '\0')
                    return fail("Error: session-expiry-interval not a number.\n\n");
                if (x > 0xFFFFFFFFll || x < -1)
                    return fail("Error: session-expiry-interval out of range.\n\n");
                session_expiry_ = x == -1 ? 0xFFFFFFFFll : x;
            }
        } else {
            return unknown();
        }
    }
    return true;
}

bool parser::store_property(property_context ctx, const property_value& v) {
    auto& s = c_.storage;
    const auto text = [&]() -> std::string_view { return s.texts.emplace_back(v.text); };
    const auto bytes = [&]() {
        const std::string& t = s.texts.emplace_back(v.text);
        return std::span<const std::byte>(reinterpret_cast<const std::byte*>(t.data()), t.size());
    };
    const auto pair = [&](std::vector<user_property>& list) {
        const std::string& k = s.texts.emplace_back(v.key);
        const std::string& val = s.texts.emplace_back(v.text);
        list.push_back({k, val});
    };
    using p = property_id;
    const auto u16 = [&] { return static_cast<std::uint16_t>(v.number); };
    const auto flag = [&] { return v.number != 0; };
    switch (ctx) {
        case property_context::connect: {
            connect_properties& cp = c_.connect_properties;
            switch (v.id) {
                case p::session_expiry_interval: cp.session_expiry_interval = v.number; break;
                case p::receive_maximum: cp.receive_maximum = u16(); break;
                case p::maximum_packet_size: cp.maximum_packet_size = v.number; break;
                case p::topic_alias_maximum: cp.topic_alias_maximum = u16(); break;
                case p::request_response_information:
                    cp.request_response_information = flag();
                    break;
                case p::request_problem_information: cp.request_problem_information = flag(); break;
                case p::authentication_method: cp.authentication_method = text(); break;
                case p::authentication_data: cp.authentication_data = bytes(); break;
                case p::user_property: pair(s.connect_user); break;
                default: break;
            }
            break;
        }
        case property_context::will: {
            will_properties& wp = c_.will_properties;
            switch (v.id) {
                case p::will_delay_interval: wp.will_delay_interval = v.number; break;
                case p::payload_format_indicator:
                    wp.payload_format_indicator = static_cast<payload_format>(v.number);
                    break;
                case p::message_expiry_interval: wp.message_expiry_interval = v.number; break;
                case p::content_type: wp.content_type = text(); break;
                case p::response_topic: wp.response_topic = text(); break;
                case p::correlation_data: wp.correlation_data = bytes(); break;
                case p::user_property: pair(s.will_user); break;
                default: break;
            }
            break;
        }
        case property_context::publish: {
            publish_properties& pp = c_.publish_properties;
            switch (v.id) {
                case p::payload_format_indicator:
                    pp.payload_format_indicator = static_cast<payload_format>(v.number);
                    break;
                case p::message_expiry_interval: pp.message_expiry_interval = v.number; break;
                case p::topic_alias: pp.topic_alias = u16(); break;
                case p::response_topic: pp.response_topic = text(); break;
                case p::correlation_data: pp.correlation_data = bytes(); break;
                case p::content_type: pp.content_type = text(); break;
                case p::user_property: pair(s.publish_user); break;
                default: break;
            }
            break;
        }
        case property_context::subscribe:
            if (v.id == p::subscription_identifier)
                c_.subscribe_properties.subscription_identifier = v.number;
            else
                pair(s.subscribe_user);
            break;
        case property_context::unsubscribe: pair(s.unsubscribe_user); break;
        case property_context::disconnect: {
            disconnect_properties& dp = c_.disconnect_properties;
            switch (v.id) {
                case p::session_expiry_interval: dp.session_expiry_interval = v.number; break;
                case p::reason_string: dp.reason_string = text(); break;
                case p::server_reference: dp.server_reference = text(); break;
                case p::user_property: pair(s.disconnect_user); break;
                default: break;
            }
            break;
        }
        default: break;
    }
    return true;
}

/**
 * mosquitto_property_check_all's rules (a repeated single-valued property; 0/1 flags above 1;
 * Receive Maximum, Topic Alias, Maximum Packet Size 0) with its messages, then the core's
 * value rules mosquitto leaves to the broker (Payload Format Indicator above 1, Subscription
 * Identifier 0, a wildcard in a Response Topic, Authentication Data without a Method): the
 * encoder would refuse those, so they are refused here, in the same words.
 */
bool parser::check_property_values(property_context ctx) {
    const std::string head = "Error in " + std::string(property_list_name(ctx)) + " properties: ";
    bool has_method = false, has_data = false;
    for (std::size_t a = 0; a < properties_.size(); ++a) {
        const auto& [actx, v] = properties_[a];
        if (actx != ctx) continue;
        const property_type type = type_of(v.id);
        const bool numeric = type == property_type::byte ||
                             type == property_type::two_byte_integer ||
                             type == property_type::four_byte_integer ||
                             type == property_type::variable_byte_integer;
        if (numeric && check_property_value(v.id, v.number).code != errc::none)
            return fail(head +
                        "A network protocol error occurred when communicating with the broker.\n");
        if (v.id == property_id::response_topic) {
            if (check_topic_name(v.text, protocol_version::v5).code != errc::none)
                return fail(head +
                            "A network protocol error occurred when communicating with the "
                            "broker.\n");
        }
        has_method |= v.id == property_id::authentication_method;
        has_data |= v.id == property_id::authentication_data;
        if (v.id == property_id::user_property) continue;
        for (std::size_t b = a + 1; b < properties_.size(); ++b)
            if (properties_[b].first == ctx && properties_[b].second.id == v.id)
                return fail(head + "Duplicate property in property list\n");
    }
    if (has_data && !has_method)
        return fail(head +
                    "A network protocol error occurred when communicating with the broker.\n");
    return true;
}

void parser::point_property_spans() {
    auto& s = c_.storage;
    c_.connect_properties.user_properties = s.connect_user;
    c_.will_properties.user_properties = s.will_user;
    c_.publish_properties.user_properties = s.publish_user;
    c_.subscribe_properties.user_properties = s.subscribe_user;
    c_.unsubscribe_properties.user_properties = s.unsubscribe_user;
    c_.disconnect_properties.user_properties = s.disconnect_user;
}

/** "mosq-" and 17 letters and digits: libmosquitto's id for a 3.1 client given none. */
std::string generated_v3_1_client_id() {
    constexpr std::string_view alphabet =
        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    std::random_device seed;
    std::mt19937 random(seed());
    std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
    std::string id = "mosq-";
    for (int k = 0; k < 17; ++k) id += alphabet[pick(random)];
    return id;
}

bool parser::check_config(long process_id) {
    if (will_payload_given_ && c_.will.topic.empty())
        return fail("Error: Will payload given, but no will topic given.\n");
    if (will_retain_given_ && c_.will.topic.empty())
        return fail("Error: Will retain given, but no will topic given.\n");

    const bool no_id = !c_.client_id_given || !c_.client_id_prefix.empty();
    bool session_expiry_set = false;
    if (c_.version == protocol_version::v5) {
        if (!c_.clean_session && session_expiry_ == -1) session_expiry_ = 0xFFFFFFFF;
        if (session_expiry_ > 0) {
            if (session_expiry_ == 0xFFFFFFFF && no_id)
                return fail(
                    "Error: You must provide a client id if you are using an infinite session "
                    "expiry interval.\n");
            session_expiry_set = true;
        }
    } else if (!c_.clean_session && no_id) {
        return fail("Error: You must provide a client id if you are using the -c option.\n");
    }

    if (kind_ == program_kind::sub && sub_->topics.empty())
        return fail("Error: You must specify a topic to subscribe to.\n");

    // Properties are stored only now: -x adds its Session Expiry Interval after every -D, as
    // mosquitto does (a -D connect session-expiry-interval as well is then a duplicate).
    if (session_expiry_set)
        properties_.emplace_back(property_context::connect,
                                 property_value{property_id::session_expiry_interval,
                                                static_cast<std::uint32_t>(session_expiry_),
                                                {},
                                                {}});
    for (property_context ctx :
         {property_context::connect, property_context::publish, property_context::subscribe,
          property_context::unsubscribe, property_context::disconnect, property_context::will})
        if (!check_property_values(ctx)) return false;
    for (const auto& [ctx, v] : properties_) store_property(ctx, v);
    point_property_spans();
    // mosquitto_sub -C N (N < 20, libmosquitto's default) asks for no more than N messages in
    // flight, so that it does not receive more than it prints before disconnecting.
    if (kind_ == program_kind::sub && c_.version == protocol_version::v5 &&
        sub_->message_count > 0 && sub_->message_count < 20 &&
        !c_.connect_properties.receive_maximum)
        c_.connect_properties.receive_maximum = static_cast<std::uint16_t>(sub_->message_count);

    if (!c_.client_id_prefix.empty()) {
        c_.client_id = c_.client_id_prefix + std::to_string(process_id);
    } else if (!c_.client_id_given && c_.version == protocol_version::v3_1) {
        c_.client_id = generated_v3_1_client_id();
    }
    return true;
}

std::string use_help(std::string_view program) {
    return "\nUse '" + std::string(program) + " --help' to see usage.\n";
}

std::string version_line(std::string_view program) {
    return std::string(program) + " version " MQTTWIRE_CLI_VERSION " running on mqttwire.\n";
}

template <class Config>
parsed<Config> parse(program_kind kind, std::span<const char* const> args, std::string_view program,
                     long process_id) {
    parsed<Config> r;
    pub_config* pub = nullptr;
    sub_config* sub = nullptr;
    if constexpr (std::is_same_v<Config, pub_config>)
        pub = &r.config;
    else
        sub = &r.config;
    parser p(kind, args, r.config.client, pub, sub);
    r.exit_status = 1;
    const bool flags_ok = p.parse_flags();
    if (p.help) {
        r.out = kind == program_kind::pub ? pub_usage(program) : sub_usage(program);
        return r;
    }
    if (p.version) {
        r.out = version_line(program);
        return r;
    }
    if (!flags_ok || !p.check_config(process_id)) {
        r.err = p.error + use_help(program);
        return r;
    }
    if constexpr (std::is_same_v<Config, pub_config>) {
        if (r.config.topic.empty() || r.config.source == message_source::none) {
            r.err = "Error: Both topic and message must be supplied.\n";
            r.out = pub_usage(program);
            return r;
        }
    } else {
        if (r.config.no_retained && r.config.retained_only) {
            r.err = "\nError: Combining '-R' and '--retained-only' makes no sense.\n";
            return r;
        }
    }
    // mosquitto_new refuses a persistent session without an id (-c -x N under 5.0), after the
    // checks above and with no usage hint.
    if (!r.config.client.clean_session && r.config.client.client_id.empty()) {
        r.err = kind == program_kind::pub ? "Error: Invalid id.\n"
                                          : "Error: Invalid id and/or clean_session.\n";
        return r;
    }
    r.run = true;
    r.exit_status = 0;
    return r;
}

}  // namespace

parsed<pub_config> parse_pub(std::span<const char* const> args, std::string_view program,
                             long process_id) {
    return parse<pub_config>(program_kind::pub, args, program, process_id);
}

parsed<sub_config> parse_sub(std::span<const char* const> args, std::string_view program,
                             long process_id) {
    return parse<sub_config>(program_kind::sub, args, program, process_id);
}

}  // namespace mqttwire::cli
