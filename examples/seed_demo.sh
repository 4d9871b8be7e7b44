#!/bin/sh
# The seed scenario end to end, on this machine:
#
#     examples/seed_demo.sh [BUILD_DIR]      (default: build)
#
# A light switch publishes ON to smarthome/lights/office at QoS 1 and the phone app, subscribed
# to that topic, shows it. Three programs play it, each announced as a terminal of its own:
#   broker       Debian's mosquitto on a free loopback port (mqttwire has no broker of its own)
#   phone app    BUILD_DIR/examples/mqttwire-sub -t smarthome/lights/office -q 1
#   light switch BUILD_DIR/examples/mqttwire-pub -t smarthome/lights/office -m ON -q 1
# Exit status 0 when the phone app printed exactly ON, else 1. Every wait is bounded, and the
# broker, the subscriber and the temporary files are gone when it ends, however it ends.
set -u

build=${1:-build}
pub=$build/examples/mqttwire-pub
sub=$build/examples/mqttwire-sub
topic=smarthome/lights/office

fail() {
    echo "seed demo: FAILED: $*" >&2
    exit 1
}

for program in "$pub" "$sub"; do
    [ -x "$program" ] || fail "$program not found; build it first:" \
        "cmake --build $build --target mqttwire-pub mqttwire-sub"
done
broker_program=$(command -v mosquitto || command -v /usr/sbin/mosquitto) ||
    fail "mosquitto (the broker) not found; install it with: apt-get install mosquitto"

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
echo "[broker]       mosquitto (Debian's; mqttwire has no broker of its own yet)"
for attempt in 1 2 3 4 5; do
    port=$(( $(od -An -N2 -tu2 /dev/urandom) % 30000 + 20000 ))
    printf 'listener %s 127.0.0.1\nallow_anonymous true\n' "$port" >"$work/mosquitto.conf"
    "$broker_program" -c "$work/mosquitto.conf" -v >"$work/broker.log" 2>&1 &
    broker_pid=$!
    wait_for "$work/broker.log" " running" "$broker_pid" && break
    wait "$broker_pid" 2>/dev/null
    broker_pid=
done
[ -n "$broker_pid" ] || { cat "$work/broker.log" >&2; fail "mosquitto did not start"; }
echo "[broker]       listening on 127.0.0.1:$port"

echo "[phone app]    \$ mqttwire-sub -p $port -t $topic -q 1"
"$sub" -p "$port" -t "$topic" -q 1 >"$work/phone.out" 2>"$work/phone.err" &
sub_pid=$!
wait_for "$work/broker.log" "Sending SUBACK" "$sub_pid" ||
    { cat "$work/phone.err" >&2; fail "the phone app did not subscribe within 10 s"; }
echo "[phone app]    subscribed to $topic, waiting"

echo "[light switch] \$ mqttwire-pub -p $port -t $topic -m ON -q 1"
bounded "$pub" -p "$port" -t "$topic" -m ON -q 1 || fail "mqttwire-pub exited with status $?"
echo "[light switch] published ON, acknowledged by the broker (QoS 1)"

wait_for "$work/phone.out" . "$sub_pid"
sleep 0.2  # anything else it would print
echo "[phone app]    printed:"
sed 's/^/                 /' "$work/phone.out"
[ "$(cat "$work/phone.out")" = ON ] && [ "$(wc -l <"$work/phone.out")" -eq 1 ] ||
    fail "the phone app did not print ON (exactly one line)"
echo "seed demo: the phone app shows ON"
