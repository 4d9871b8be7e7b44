// Refused command lines and what mosquitto_pub / mosquitto_sub 2.0.11 print for them on stderr
// ({NAME} for the program name), taken from running the real tools. options_test checks the
// parsers against it; mosquitto_options_test checks it against the installed tools.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mqttwire::cli::test {

enum class program { pub, sub };

struct refusal_case {
    program which;
    std::vector<const char*> args;
    std::string_view expected_err;  // {NAME} stands for the program's name
    bool prints_usage;              // the usage text follows on stdout
};

inline std::string with_program_name(std::string_view text, std::string_view name) {
    std::string out(text);
    for (std::size_t at; (at = out.find("{NAME}")) != std::string::npos;) out.replace(at, 6, name);
    return out;
}

inline const std::vector<refusal_case> refusal_cases = {
    {program::pub, {"-t"}, "Error: -t argument given but no topic specified.\n\n\nUse '{NAME} --help' to see usage.\n", false},
    {program::pub, {"-t", "a", "-m"}, "Error: -m argument given but no message specified.\n\n\nUse '{NAME} --help' to see usage.\n", false},
    {program::pub, {"-q", "3", "-t", "a", "-m", "x"}, "Error: Invalid QoS given: 3\n\nUse '{NAME} --help' to see usage.\n", false},
    {program::pub, {"-t", "a", "-m", "x", "-k", "2"}, "Error: Invalid keepalive given, it must be between 5 and 65535 inclusive.\n\n\nUse '{NAME} --help' to see usage.\n", false},
    {program::pub, {"-t", "a", "-m", "x", "-k", "70000"}, "Error: Invalid keepalive given, it must be between 5 and 65535 inclusive.\n\n\nUse '{NAME} --help' to see usage.\n", false},
    {program::pub, {"-t", "a", "-m", "x", "-V", "6"}, "Error: Invalid protocol version argument given.\n\n\nUse '{NAME} --help' to see usage.\n", false},
    {program::pub, {"-t", "a", "-m", "x", "-c"}, "Error: You must provide a client id if you are using the -c option.\n\nUse '{NAME} --help' to see usage.\n", false},
    {program::pub, {"-V", "5", "-t", "a", "-m", "x", "-c"}, "Error: You must provide a client id if you are using an infinite session expiry interval.\n\nUse '{NAME} --help' to see usage.\n", false},
    {program::pub, {"-t", "a", "-m", "x", "-c", "-I", "p"}, "Error: You must provide a client id if you are using the -c option.\n\nUse '{NAME} --help' to see usage.\n", false},
    {program::pub, {"-t", "a", "-m", "x", "-D", "publish", "user-property", "a"}, "Error: --property argument given but not enough arguments specified.\n\n\nUse '{NAME} --help' to see usage.\n", false},
    {program::pub, {"-t", "a", "-m", "x", "-D", "publish", "correlation-data"}, "Error: --property argument given but not enough arguments specified.\n\n\nUse '{NAME} --help' to see usage.\n", false},
    {program::pub, {"-t", "a", "-m", "x", "-D", "connect", "topic-alias", "3"}, "Error: topic-alias property not allowed for connect in --property argument.\n\n\nUse '{NAME} --help' to see usage.\n", false},
    {program::pub, {"-t", "a", "-m", "x", "-D", "foo", "bar", "1"}, "Error: Invalid command given in --property argument.\n\n\nUse '{NAME} --help' to see usage.\n", false},
    {program::pub, {"-t", "a", "-m", "x", "-D", "publish", "bogus", "1"}, "Error: Invalid property name given in --property argument.\n\n\nUse '{NAME} --help' to see usage.\n", false},
    {program::pub, {"-t", "a", "-m", "x", "-D", "publish", "message-expiry-interval", "-1"}, "Error: Property value (-1) out of range for property message-expiry-interval.\n\n\nUse '{NAME} --help' to see usage.\n", false},
    {program::pub, {"-t", "a", "-m", "x", "-D", "publish", "topic-alias", "70000"}, "Error: Property value (70000) out of range for property topic-alias.\n\n\nUse '{NAME} --help' to see usage.\n", false},
    {program::pub, {"-t", "a", "-m", "x", "-D", "publish", "subscription-identifier", "1"}, "Error: subscription-identifier property not supported for publish in --property argument.\n\n\nUse '{NAME} --help' to see usage.\n", false},
    {program::pub, {"-t", "a", "-m", "x", "-D", "puback", "reason-string", "x"}, "Error: reason-string property not supported for puback in --property argument.\n\n\nUse '{NAME} --help' to see usage.\n", false},
    {program::pub, {"-t", "a", "-m", "x", "-D", "connack", "reason-string", "x"}, "\nUse '{NAME} --help' to see usage.\n", false},
    {program::pub, {"-t", "a", "-m", "x", "-D", "publish", "content-type", "a", "-D", "publish", "content-type", "b"}, "Error in PUBLISH properties: Duplicate property in property list\n\nUse '{NAME} --help' to see usage.\n", false},
    {program::pub, {"-t", "a", "-m", "x", "-D", "connect", "receive-maximum", "0"}, "Error in CONNECT properties: A network protocol error occurred when communicating with the broker.\n\nUse '{NAME} --help' to see usage.\n", false},
    {program::pub, {"-t", "a", "-m", "x", "-D", "publish", "topic-alias", "0"}, "Error in PUBLISH properties: A network protocol error occurred when communicating with the broker.\n\nUse '{NAME} --help' to see usage.\n", false},
    {program::pub, {"-t", "a", "-m", "x", "-D", "connect", "request-problem-information", "2"}, "Error in CONNECT properties: A network protocol error occurred when communicating with the broker.\n\nUse '{NAME} --help' to see usage.\n", false},
    {program::pub, {"-t", "a", "-m", "x", "-x", "abc"}, "Error: session-expiry-interval not a number.\n\n\nUse '{NAME} --help' to see usage.\n", false},
    {program::pub, {"-t", "a", "-m", "x", "-x", "5000000000"}, "Error: session-expiry-interval out of range.\n\n\nUse '{NAME} --help' to see usage.\n", false},
    {program::pub, {"-t", "a", "-m", "x", "-L", "http://x/y"}, "Error: unsupported URL scheme.\n\n\nUse '{NAME} --help' to see usage.\n", false},
    {program::pub, {"-t", "a", "-m", "x", "-L", "mqtt://x"}, "Error: Invalid URL for -L argument specified - topic missing.\n\nUse '{NAME} --help' to see usage.\n", false},
    {program::pub, {"-t", "a", "-m", "x", "-i", "a", "-I", "b"}, "Error: -i and -I argument cannot be used together.\n\n\nUse '{NAME} --help' to see usage.\n", false},
    {program::pub, {"-t", "a", "-m", "x", "-I", "b", "-i", "a"}, "Error: -i and -I argument cannot be used together.\n\n\nUse '{NAME} --help' to see usage.\n", false},
    {program::pub, {"-t", "a", "-m", "x", "--will-payload", "x"}, "Error: Will payload given, but no will topic given.\n\nUse '{NAME} --help' to see usage.\n", false},
    {program::pub, {"-t", "a", "-m", "x", "--will-retain"}, "Error: Will retain given, but no will topic given.\n\nUse '{NAME} --help' to see usage.\n", false},
    {program::pub, {"-t", "a", "-m", "x", "--will-topic", "w/#"}, "Error: Invalid will topic 'w/#', does it contain '+' or '#'?\n\nUse '{NAME} --help' to see usage.\n", false},
    {program::pub, {"-t", "a", "-m", "x", "--will-qos", "3"}, "Error: Invalid will QoS 3.\n\n\nUse '{NAME} --help' to see usage.\n", false},
    {program::pub, {"-t", "a", "-m", "x", "-p", "70000"}, "Error: Invalid port given: 70000\n\nUse '{NAME} --help' to see usage.\n", false},
    {program::pub, {"-t", "a", "-m", "x", "-p", "-1"}, "Error: Invalid port given: -1\n\nUse '{NAME} --help' to see usage.\n", false},
    {program::pub, {"-t", "a", "-m", "x", "-l"}, "Error: Only one type of message can be sent at once.\n\n\nUse '{NAME} --help' to see usage.\n", false},
    {program::pub, {"-t", "a", "-m", "x", "-f", "f"}, "Error: Only one type of message can be sent at once.\n\n\nUse '{NAME} --help' to see usage.\n", false},
    {program::pub, {"-t", "a", "-n", "-s"}, "Error: Only one type of message can be sent at once.\n\n\nUse '{NAME} --help' to see usage.\n", false},
    {program::pub, {"-t", "a/#", "-m", "x"}, "Error: Invalid publish topic 'a/#', does it contain '+' or '#'?\n\nUse '{NAME} --help' to see usage.\n", false},
    {program::pub, {"-t", "a/+/b", "-m", "x"}, "Error: Invalid publish topic 'a/+/b', does it contain '+' or '#'?\n\nUse '{NAME} --help' to see usage.\n", false},
    {program::pub, {"-t", "a\x01""", "-m", "x"}, "Error: Malformed UTF-8 in -t argument.\n\n\nUse '{NAME} --help' to see usage.\n", false},
    {program::pub, {"-t", "a", "-m", "x", "-Z"}, "Error: Unknown option '-Z'.\n\nUse '{NAME} --help' to see usage.\n", false},
    {program::pub, {"-t", "a", "-m", "x", "-v"}, "Error: Unknown option '-v'.\n\nUse '{NAME} --help' to see usage.\n", false},
    {program::pub, {"-t", "a", "-m", "x", "-C", "1"}, "Error: Unknown option '-C'.\n\nUse '{NAME} --help' to see usage.\n", false},
    {program::pub, {"-t", "a", "-m", "x", "-M", "0"}, "Error: Maximum inflight messages must be greater than 0.\n\n\nUse '{NAME} --help' to see usage.\n", false},
    {program::pub, {"-t", "a", "-m", "x", "--repeat", "0"}, "Error: --repeat argument must be >0.\n\n\nUse '{NAME} --help' to see usage.\n", false},
    {program::pub, {"-t", "a", "-m", "x", "--repeat-delay", "-1"}, "Error: --repeat-delay argument must be >=0.0.\n\n\nUse '{NAME} --help' to see usage.\n", false},
    {program::pub, {"-m", "x"}, "Error: Both topic and message must be supplied.\n", true},
    {program::pub, {"-t", "a"}, "Error: Both topic and message must be supplied.\n", true},
    {program::sub, {}, "Error: You must specify a topic to subscribe to.\n\nUse '{NAME} --help' to see usage.\n", false},
    {program::sub, {"-t", "a/#/b"}, "Error: Invalid subscription topic 'a/#/b', are all '+' and '#' wildcards correct?\n\nUse '{NAME} --help' to see usage.\n", false},
    {program::sub, {"-t", "a+"}, "Error: Invalid subscription topic 'a+', are all '+' and '#' wildcards correct?\n\nUse '{NAME} --help' to see usage.\n", false},
    {program::sub, {"-t", "a", "-T", "#/x"}, "Error: Invalid filter topic '#/x', are all '+' and '#' wildcards correct?\n\nUse '{NAME} --help' to see usage.\n", false},
    {program::sub, {"-t", "a", "-U", "x/#/y"}, "Error: Invalid unsubscribe topic 'x/#/y', are all '+' and '#' wildcards correct?\n\nUse '{NAME} --help' to see usage.\n", false},
    {program::sub, {"-t", "a", "-C", "0"}, "Error: Invalid message count \"0\".\n\n\nUse '{NAME} --help' to see usage.\n", false},
    {program::sub, {"-t", "a", "-W", "0"}, "Error: Invalid timeout \"0\".\n\n\nUse '{NAME} --help' to see usage.\n", false},
    {program::sub, {"-t", "a", "-F", "%"}, "Error: Incomplete format specifier.\n\nUse '{NAME} --help' to see usage.\n", false},
    {program::sub, {"-t", "a", "-F", "%-"}, "Error: Incomplete format specifier.\n\nUse '{NAME} --help' to see usage.\n", false},
    {program::sub, {"-t", "a", "-F", "%5"}, "Error: Incomplete format specifier.\n\nUse '{NAME} --help' to see usage.\n", false},
    {program::sub, {"-t", "a", "-F", "%5.2"}, "Error: Incomplete format specifier.\n\nUse '{NAME} --help' to see usage.\n", false},
    {program::sub, {"-t", "a", "-F", "%k"}, "Error: Invalid format specifier 'k'.\n\nUse '{NAME} --help' to see usage.\n", false},
    {program::sub, {"-t", "a", "-F", "abc@"}, "Error: Incomplete format specifier.\n\nUse '{NAME} --help' to see usage.\n", false},
    {program::sub, {"-t", "a", "-F", "x\\"}, "Error: Incomplete escape specifier.\n\nUse '{NAME} --help' to see usage.\n", false},
    {program::sub, {"-t", "a", "-F", "\\q"}, "Error: Invalid escape specifier 'q'.\n\nUse '{NAME} --help' to see usage.\n", false},
    {program::sub, {"-t", "a", "--random-filter", "0"}, "Error: --random-filter chance must be between 0.1-100.0\n\n\nUse '{NAME} --help' to see usage.\n", false},
    {program::sub, {"-t", "a", "-R", "--retained-only"}, "\nError: Combining '-R' and '--retained-only' makes no sense.\n", false},
    {program::sub, {"-t", "a", "-m", "x"}, "Error: Unknown option '-m'.\n\nUse '{NAME} --help' to see usage.\n", false},
    {program::sub, {"-t", "a", "-r"}, "Error: Unknown option '-r'.\n\nUse '{NAME} --help' to see usage.\n", false},
    {program::sub, {"-t", "a", "-n"}, "Error: Unknown option '-n'.\n\nUse '{NAME} --help' to see usage.\n", false},
    {program::sub, {"-t", "a", "--repeat", "2"}, "Error: Unknown option '--repeat'.\n\nUse '{NAME} --help' to see usage.\n", false},
    {program::sub, {"-t", "a", "-V", "5", "-c", "-x", "100"}, "Error: Invalid id and/or clean_session.\n", false},
};

}  // namespace mqttwire::cli::test
