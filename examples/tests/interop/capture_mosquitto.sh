#!/usr/bin/env bash
# Captures real Mosquitto traffic for the mqttwire-decode interop test: the seed scenario
#
#   mosquitto_sub -V <v> -q 1 -t smarthome/lights/office      (waits for one message)
#   mosquitto_pub -V <v> -q 1 -t smarthome/lights/office -m ON
#
# for v = mqttv31, mqttv311 and mqttv5, against a broker on 127.0.0.1 only, recorded with tshark
# on the loopback interface. Each TCP connection's two byte streams go to OUT_DIR as raw files
#
#   <v>_<sub|pub>_client.bin   what the client sent   (decode with --from client)
#   <v>_<sub|pub>_server.bin   what the broker sent   (decode with --from server --version N)
#
# with capture.pcap, and vectors.json (read by check_interop.py) giving the packet sequence
# each stream must decode to. Needs root (capture on lo) and the Debian packages mosquitto,
# mosquitto-clients, tshark and python3. Every step is bounded by a timeout.
#
#   bash examples/tests/interop/capture_mosquitto.sh [OUT_DIR]
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${1:-$here/mosquitto}
port=18830
topic=smarthome/lights/office
work=$(mktemp -d)
pids=()

cleanup() {
    local pid
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

wait_for() {  # wait_for SECONDS COMMAND...: poll until COMMAND succeeds
    local deadline=$((SECONDS + $1))
    shift
    until "$@" 2>/dev/null; do
        ((SECONDS < deadline)) || { echo "timed out waiting for: $*" >&2; exit 1; }
        sleep 0.1
    done
}

cat >"$work/mosquitto.conf" <<EOF
listener $port 127.0.0.1
allow_anonymous true
persistence false
log_dest stderr
EOF
timeout 120 mosquitto -c "$work/mosquitto.conf" 2>"$work/mosquitto.log" &
pids+=($!)
wait_for 10 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port"

timeout 120 tshark -i lo -f "tcp port $port" -w "$work/capture.pcap" 2>"$work/tshark.log" &
pids+=($!)
wait_for 10 grep -q "Capturing on" "$work/tshark.log"
sleep 1  # the log line comes just before the capture filter is live
# The probe connection above is not in the capture: it was made before tshark started.

for v in mqttv31 mqttv311 mqttv5; do
    timeout 20 mosquitto_sub -h 127.0.0.1 -p "$port" -V "$v" -q 1 -t "$topic" -C 1 -W 15 \
        -i "sub-$v" >"$work/sub-$v.out" &
    sub=$!
    sleep 1  # let the subscription settle before publishing
    timeout 20 mosquitto_pub -h 127.0.0.1 -p "$port" -V "$v" -q 1 -t "$topic" -m ON -i "pub-$v"
    wait "$sub"
    [[ "$(cat "$work/sub-$v.out")" == ON ]] || { echo "$v: subscriber got no ON" >&2; exit 1; }
done
sleep 1
kill -INT "${pids[1]}"
wait "${pids[1]}" || true

mkdir -p "$out"
cp "$work/capture.pcap" "$out/capture.pcap"
# One line per TCP segment with payload: stream index, source port, payload hex.
tshark -r "$out/capture.pcap" -Y "tcp.len > 0" -T fields -e tcp.stream -e tcp.srcport \
    -e tcp.payload >"$work/segments.txt"

python3 - "$work/segments.txt" "$out" "$port" "$topic" <<'PY'
import json, os, sys

segments, out, port, topic = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
streams = {}  # stream index -> {"client": bytes, "server": bytes}
for line in open(segments):
    index, source, payload = line.split()
    side = "server" if source == port else "client"
    streams.setdefault(int(index), {"client": b"", "server": b""})[side] += bytes.fromhex(payload)

versions = [("mqttv31", 3), ("mqttv311", 4), ("mqttv5", 5)]
roles = [(v, level, role) for v, level in versions for role in ("sub", "pub")]
if len(streams) != len(roles):
    sys.exit(f"expected {len(roles)} TCP connections, captured {len(streams)}")

payload = "ON".encode().hex()
def ack(level, packet_type, **fields):
    if level == 5:
        fields["reason_code"] = 0
    return dict(type=packet_type, **fields)

def expected(level, role, side):
    connack = ack(level, "CONNACK", session_present=False) if level == 5 else \
        dict(type="CONNACK", session_present=False, return_code=0)
    if role == "sub" and side == "client":
        return [dict(type="CONNECT", protocol_version=level, client_id=f"sub-{name}", clean_start=True),
                dict(type="SUBSCRIBE", subscriptions=[dict(topic_filter=topic, qos=1)
                     | (dict(no_local=False, retain_as_published=False, retain_handling=0) if level == 5 else {})]),
                ack(level, "PUBACK"),
                dict(type="DISCONNECT")]
    if role == "sub":
        return [connack, dict(type="SUBACK", reason_codes=[1]),
                dict(type="PUBLISH", topic_name=topic, qos=1, retain=False, dup=False, payload=payload,
                     payload_text="ON")]
    if side == "client":
        return [dict(type="CONNECT", protocol_version=level, client_id=f"pub-{name}", clean_start=True),
                dict(type="PUBLISH", topic_name=topic, qos=1, retain=False, dup=False, payload=payload,
                     payload_text="ON"),
                dict(type="DISCONNECT")]
    return [connack, ack(level, "PUBACK")]

vectors = []
for index, (name, level, role) in zip(sorted(streams), roles):
    for side in ("client", "server"):
        file = f"{name}_{role}_{side}.bin"
        with open(os.path.join(out, file), "wb") as f:
            f.write(streams[index][side])
        args = ["--from", side] + (["--version", str(level)] if side == "server" else [])
        vector = dict(file=file, args=args, packets=expected(level, role, side))
        if side == "client":
            # mosquitto_sub -C 1 may send DISCONNECT twice (its message callback and its exit
            # both disconnect): a client quirk, not a codec matter.
            vector["may_follow"] = ["DISCONNECT"]
        vectors.append(vector)
with open(os.path.join(out, "vectors.json"), "w") as f:
    json.dump(dict(generator="Mosquitto broker and clients, captured by capture_mosquitto.sh",
                   vectors=vectors), f, indent=1)
    f.write("\n")
print(f"{len(vectors)} streams in {out}")
PY
mosquitto_version=$(mosquitto -h 2>/dev/null | sed -n 's/^mosquitto version //p' | head -n 1)
echo "captured with mosquitto $mosquitto_version and $(tshark --version | head -n 1)" \
    >"$out/README.txt"
