#!/bin/sh
# The seed scenario end to end, on this machine:
#
#     examples/seed_demo.sh [--paho] [BUILD_DIR]      (default: build)
#
# A light switch publishes ON to smarthome/lights/office at QoS 1 and the phone app, subscribed
# to that topic, shows it. Three programs play it, each announced as a terminal of its own:
#   broker       BUILD_DIR/examples/mqttwire-broker -v, on a free loopback port
#   phone app    BUILD_DIR/examples/mqttwire-sub -t smarthome/lights/office -q 1
#   light switch BUILD_DIR/examples/mqttwire-pub -t smarthome/lights/office -m ON -q 1
# With --paho the phone app and the light switch are the seed's paho-mqtt 2 scripts,
# examples/seed/listener.py and client.py, run as they are but for the port (paho-mqtt 2 from
# examples/tests/fetch_paho2.sh's cache, $MQTTWIRE_PAHO2_CACHE or ~/.cache/mqttwire/paho2).
# Exit status 0 when the phone app showed exactly ON, else 1. Every wait is bounded, and the
# broker, the subscriber and the temporary files are gone when it ends, however it ends.
set -u

paho=
if [ "${1:-}" = --paho ]; then
    paho=1
    shift
fi
build=${1:-build}
here=$(dirname "$0")
broker_program=$build/examples/mqttwire-broker
pub=$build/examples/mqttwire-pub
sub=$build/examples/mqttwire-sub
topic=smarthome/lights/office

fail() {
    echo "seed demo: FAILED: $*" >&2
    exit 1
}

if [ -n "$paho" ]; then
    programs=$broker_program
    python=/usr/bin/python3
    [ -x "$python" ] || fail "$python not found; install it with: apt-get install python3"
    paho_cache=${MQTTWIRE_PAHO2_CACHE:-$HOME/.cache/mqttwire/paho2}
    paho_path=$(sh "$here/tests/fetch_paho2.sh" "$paho_cache") ||
        fail "paho-mqtt 2 is not in $paho_cache; fetch it with: sh $here/tests/fetch_paho2.sh $paho_cache"
else
    programs="$broker_program $pub $sub"
fi
for program in $programs; do
    [ -x "$program" ] || fail "$program not found; build it first:" \
        "cmake --build $build --target mqttwire-broker mqttwire-pub mqttwire-sub"
done

work=$(mktemp -d "${TMPDIR:-/tmp}/seed_demo.XXXXXX") || fail "cannot make a temporary directory"
broker_pid=
sub_pid=
cleanup() {
    [ -n "$sub_pid" ] && kill "$sub_pid" 2>/dev/null
    [ -n "$broker_pid" ] && kill "$broker_pid" 2>/dev/null
    [ -n "$sub_pid" ] && wait "$sub_pid" 2>/dev/null
    [ -n "$broker_pid" ] && wait "$broker_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

# bounded COMMAND...: COMMAND, killed after 10 s (coreutils timeout, when there is one).
bounded() {
    if command -v timeout >/dev/null 2>&1; then timeout 10 "$@"; else "$@"; fi
}

# wait_for FILE TEXT PID: until FILE holds TEXT (true), PID exits or 10 s pass (false).
wait_for() {
    tries=0
    while ! grep -q "$2" "$1" 2>/dev/null; do
        kill -0 "$3" 2>/dev/null || return 1
        tries=$((tries + 1))
        [ "$tries" -le 100 ] || return 1
        sleep 0.1
    done
}

# The broker, on the first free port of a few random ones (it exits if the port is taken).
# -v logs every packet to its stderr, which is how this script sees the subscription land.
echo "[broker]       \$ mqttwire-broker -v -c mqttwire.conf   (listener PORT 127.0.0.1)"
for attempt in 1 2 3 4 5; do
    port=$(( $(od -An -N2 -tu2 /dev/urandom) % 30000 + 20000 ))
    printf 'listener %s 127.0.0.1\nallow_anonymous true\n' "$port" >"$work/mqttwire.conf"
    "$broker_program" -c "$work/mqttwire.conf" -v >"$work/broker.log" 2>&1 &
    broker_pid=$!
    wait_for "$work/broker.log" " running" "$broker_pid" && break
    wait "$broker_pid" 2>/dev/null
    broker_pid=
done
[ -n "$broker_pid" ] || { cat "$work/broker.log" >&2; fail "mqttwire-broker did not start"; }
echo "[broker]       listening on 127.0.0.1:$port"

# with_port SCRIPT: the seed's script as it is, but for its PORT line.
with_port() {
    sed "s/^PORT = 1883\$/PORT = $port/" "$here/seed/$1" >"$work/$1"
    grep -q "^PORT = $port\$" "$work/$1" || fail "$here/seed/$1 has no line PORT = 1883"
}

if [ -n "$paho" ]; then
    with_port listener.py
    with_port client.py
    echo "[phone app]    \$ python3 examples/seed/listener.py   (port $port)"
    PYTHONPATH=$paho_path "$python" "$work/listener.py" >"$work/phone.out" 2>"$work/phone.err" &
else
    echo "[phone app]    \$ mqttwire-sub -p $port -t $topic -q 1"
    "$sub" -p "$port" -t "$topic" -q 1 >"$work/phone.out" 2>"$work/phone.err" &
fi
sub_pid=$!
wait_for "$work/broker.log" "Sending SUBACK" "$sub_pid" ||
    { cat "$work/phone.err" >&2; fail "the phone app did not subscribe within 10 s"; }
echo "[phone app]    subscribed to $topic, waiting"

if [ -n "$paho" ]; then
    echo "[light switch] \$ python3 examples/seed/client.py   (port $port)"
    PYTHONPATH=$paho_path bounded "$python" "$work/client.py" >"$work/switch.out" 2>&1 ||
        { cat "$work/switch.out" >&2; fail "client.py exited with status $?"; }
    expected="$topic: ON"
else
    echo "[light switch] \$ mqttwire-pub -p $port -t $topic -m ON -q 1"
    bounded "$pub" -p "$port" -t "$topic" -m ON -q 1 || fail "mqttwire-pub exited with status $?"
    expected=ON
fi
echo "[light switch] published ON, acknowledged by the broker (QoS 1)"

wait_for "$work/phone.out" "ON" "$sub_pid"
sleep 0.2  # anything else it would print
echo "[phone app]    printed:"
sed 's/^/                 /' "$work/phone.out"
[ "$(grep -v '^Connected with result code' "$work/phone.out")" = "$expected" ] ||
    fail "the phone app did not show ON (exactly one line)"
echo "seed demo: the phone app shows ON"
