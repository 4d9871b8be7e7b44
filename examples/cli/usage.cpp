// --help of mqttwire-pub and mqttwire-sub: every flag the parser takes, and what is refused.
#include <string>
#include <string_view>

#include "options.hpp"

namespace mqttwire::cli {
namespace {

// Flags both programs take, one per line, after each program's own.
constexpr std::string_view common_flags =
    " -A : bind the outgoing socket to this host/ip address.\n"
    " -c : disable clean session/enable persistent client mode (needs -i).\n"
    " -d : enable debug messages.\n"
    " -D : define an MQTT v5 property: -D command name value (-D command user-property key "
    "value),\n"
    "      command one of connect, publish, subscribe, unsubscribe, disconnect, will; names as\n"
    "      mosquitto's (content-type, message-expiry-interval, ...). Implies -V mqttv5.\n"
    " -h : mqtt host to connect to. Defaults to localhost.\n"
    " -i : id to use for this client. Defaults to none (the broker assigns one); MQTT v3.1\n"
    "      clients get mosq- and random characters.\n"
    " -I : define the client id as id_prefix appended with the process id.\n"
    " -k : keep alive in seconds for this client, 5..65535. Defaults to 60.\n"
    " -L : specify user, password, hostname, port and topic as a URL in the form:\n"
    "      mqtt://[username[:password]@]host[:port]/topic\n"
    " -M : the maximum inflight messages for QoS 1/2. Defaults to 20.\n"
    " -p : network port to connect to. Defaults to 1883.\n"
    " -P : provide a password\n"
    " -u : provide a username\n"
    " -V : specify the version of the MQTT protocol to use when connecting.\n"
    "      Can be mqttv5, mqttv311 or mqttv31 (or 5, 311, 31). Defaults to mqttv311.\n"
    " -x : set the session-expiry-interval property on the CONNECT packet (MQTT v5 only):\n"
    "      0-4294967294 seconds, or -1, 4294967295 or \u221E for a session that does not expire.\n"
    "      Defaults to -1 if -c is also given, or 0 if -c not given.\n"
    " --help : display this message.\n"
    " --nodelay : disable Nagle's algorithm.\n"
    " --quiet : don't print error messages.\n"
    " --unix : connect to a broker through a unix domain socket instead of a TCP socket.\n"
    " --version : print the version and exit.\n"
    " --will-payload : payload for the client Will (default: a zero length message).\n"
    " --will-qos : QoS level for the client Will.\n"
    " --will-retain : if given, make the client Will retained.\n"
    " --will-topic : the topic on which to publish the client Will.\n"
    "\n"
    "Not supported yet, refused with an error: TLS (--cafile --capath --cert --key --keyform\n"
    "--ciphers --insecure --tls-alpn --tls-engine --tls-engine-kpass-sha1 --tls-use-os-certs\n"
    "--tls-version --psk --psk-identity, mqtts:// URLs) and SOCKS proxies (--proxy).\n";

std::string with_name(std::string_view text, std::string_view program) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text.substr(i, 4) == "NAME") {
            out += program;
            i += 3;
        } else {
            out += text[i];
        }
    }
    return out;
}

}  // namespace

std::string pub_usage(std::string_view program) {
    constexpr std::string_view own =
        "NAME publishes a message on a single topic and exits; a drop-in for mosquitto_pub.\n"
        "\n"
        "Usage: NAME {[-h host] [--unix path] [-p port] [-u username] [-P password] -t topic | "
        "-L URL}\n"
        "       {-f file | -l | -n | -m message | -s}\n"
        "       [-c] [-k keepalive] [-q qos] [-r] [--repeat N] [--repeat-delay time] "
        "[-x session-expiry]\n"
        "       [-A bind_address] [--nodelay] [-i id] [-I id_prefix] [-d] [--quiet] "
        "[-M max_inflight]\n"
        "       [--will-topic [--will-payload payload] [--will-qos qos] [--will-retain]]\n"
        "       [-V version] [-D command identifier value]\n"
        "       NAME --help\n"
        "\n"
        " -f : send the contents of a file as the message.\n"
        " -l : read messages from stdin, sending a separate message for each line.\n"
        " -m : message payload to send.\n"
        " -n : send a null (zero length) message.\n"
        " -q : quality of service level to use for all messages. Defaults to 0.\n"
        " -r : message should be retained.\n"
        " -s : read message from stdin, sending the entire input as a message.\n"
        " -t : mqtt topic to publish to.\n"
        " --repeat : if publish mode is -f, -m, or -s, then repeat the publish N times.\n"
        " --repeat-delay : if using --repeat, wait time seconds between publishes. Defaults to "
        "0.\n";
    return with_name(own, program) + std::string(common_flags);
}

std::string sub_usage(std::string_view program) {
    constexpr std::string_view own =
        "NAME subscribes to a set of topics and prints the messages it receives; a drop-in for\n"
        "mosquitto_sub.\n"
        "\n"
        "Usage: NAME {[-h host] [--unix path] [-p port] [-u username] [-P password] -t topic | "
        "-L URL [-t topic]}\n"
        "       [-c] [-k keepalive] [-q qos] [-x session-expiry-interval]\n"
        "       [-C msg_count] [-E] [-R] [--retained-only] [--remove-retained] [-T filter_out] "
        "[-U topic ...]\n"
        "       [-F format] [-W timeout_secs] [-A bind_address] [--nodelay]\n"
        "       [-i id] [-I id_prefix] [-d] [-N] [--quiet] [-v] [--pretty] [--random-filter "
        "chance]\n"
        "       [--will-topic [--will-payload payload] [--will-qos qos] [--will-retain]]\n"
        "       [-V version] [-D command identifier value]\n"
        "       NAME --help\n"
        "\n"
        " -C : disconnect and exit after receiving the 'msg_count' messages.\n"
        " -E : exit once all subscriptions have been acknowledged by the broker.\n"
        " -F : output format: %t topic, %p payload, %x/%X payload in hex, %l length, %m message\n"
        "      id, %q QoS, %r retained, %I ISO 8601 time, %U Unix time, %j/%J JSON, v5 %A topic\n"
        "      alias, %C content type, %D correlation data, %E message expiry, %F payload format,\n"
        "      %P user properties, %R response topic, %S subscription identifier, %% a percent\n"
        "      sign; width, precision, '0' and '-' flags; @ strftime fields (@Y, @N nanoseconds,\n"
        "      @@); escapes \\\\ \\0 \\a \\e \\n \\r \\t \\v.\n"
        " -N : do not add an end of line character when printing the payload.\n"
        " -q : quality of service level to use for the subscription. Defaults to 0.\n"
        " -R : do not print stale messages (those with retain set).\n"
        " -t : mqtt topic to subscribe to. May be repeated multiple times.\n"
        " -T : topic string to filter out of results. May be repeated.\n"
        " -U : unsubscribe from a topic. May be repeated.\n"
        " -v : print published messages verbosely.\n"
        " -W : a timeout in seconds how long to process incoming MQTT messages (exit status 27).\n"
        " --pretty : print formatted output rather than minimised output for JSON output.\n"
        " --random-filter : only print a percentage of received messages (0.1 to 100.0).\n"
        " --retain-as-published : ask for the retain flag as published (MQTT v5).\n"
        " --retained-only : only handle messages with the retained flag set, and exit when the\n"
        "                   first non-retained message is received.\n"
        " --remove-retained : clear every retained message received (use -T to keep some).\n";
    return with_name(own, program) + std::string(common_flags);
}

}  // namespace mqttwire::cli
