#!/usr/bin/python3
"""mqttwire-broker's WebSocket listener (`listener PORT` + `protocol websockets`) against real
peers and raw sockets.

    broker_websocket.py MQTTWIRE_BROKER [MQTTWIRE_PUB MQTTWIRE_SUB]

Starts mqttwire-broker -v with a TCP and a WebSocket listener on free loopback ports, then:
MQTT.js over ws:// (examples/tests/mqttjs_peer.js, the same checks as over TCP); the crossing
of one broker state (mosquitto_pub over TCP reaches an MQTT.js subscriber over WebSocket, whose
echo reaches mosquitto_sub, and mqttwire-sub when given, over TCP); bad handshakes and frames
from raw sockets answered with the HTTP status or close code RFC 6455 says while the broker
keeps serving; and the config errors (protocol before any listener, http_dir). Every wait is
bounded. A missing peer fails the suite with its install command: it is never skipped.
"""
import base64
import hashlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import interop_support
from interop_support import NPM_CACHE, STEP_TIMEOUT, LoggedBroker, check, failures, free_port

SUITE = "broker_websocket"
INSTALL = "install with: apt-get install -y mosquitto-clients nodejs"
HERE = os.path.dirname(os.path.abspath(__file__))
KEY = "dGhlIHNhbXBsZSBub25jZQ=="


def node_and_modules():
    missing = interop_support.mqttjs_missing()
    if missing:
        sys.exit(f"{SUITE}: {missing}")
    node = shutil.which("node") or shutil.which("node", path="/usr/bin")
    return node, os.path.join(NPM_CACHE, "node_modules")


def crossing(b, node, modules, url, tcp_port, tcp_sub, tcp_pub, name):
    """tcp_pub (TCP) -> MQTT.js (WebSocket) -> tcp_sub (TCP), through one broker."""
    run = f"{os.getpid()}-{name}"
    t_in, t_out = f"cross/{run}/to-ws", f"cross/{run}/from-ws"
    before = b.count("Sending SUBACK")
    sub = subprocess.Popen([tcp_sub, "-p", str(tcp_port), "-t", t_out, "-q", "1", "-C", "1",
                            "-W", str(STEP_TIMEOUT)], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
    ready = b.wait_for("Sending SUBACK", before)
    ws = subprocess.Popen([node, os.path.join(HERE, "mqttjs_ws_cross.js"), url, t_in, t_out],
                          env=dict(os.environ, NODE_PATH=modules), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE)
    ready = ready and b.wait_for("Sending SUBACK", before + 1)
    check(ready, f"{name}: both subscribers subscribed")
    r = subprocess.run([tcp_pub, "-p", str(tcp_port), "-t", t_in, "-m", "ON", "-q", "1"],
                       capture_output=True, timeout=STEP_TIMEOUT)
    check(r.returncode == 0, f"{name}: the TCP publisher published ({r.stderr!r})")
    try:
        ws_out, ws_err = ws.communicate(timeout=STEP_TIMEOUT + 2)
    except subprocess.TimeoutExpired:
        ws.kill()
        ws_out, ws_err = ws.communicate()
    check(f"got {t_in} ON".encode() in ws_out,
          f"{name}: TCP -> WebSocket: MQTT.js got the message ({ws_out!r} {ws_err!r})")
    try:
        sub_out, sub_err = sub.communicate(timeout=STEP_TIMEOUT + 2)
    except subprocess.TimeoutExpired:
        sub.kill()
        sub_out, sub_err = sub.communicate()
    check(sub_out == b"echo:ON\n",
          f"{name}: WebSocket -> TCP: the TCP subscriber got the echo ({sub_out!r} {sub_err!r})")


def raw(port, data, wait_close=True):
    """Sends `data` on a fresh connection; returns what came back until close (bounded)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=STEP_TIMEOUT)
    s.sendall(data)
    got = b""
    deadline = time.monotonic() + STEP_TIMEOUT
    try:
        while time.monotonic() < deadline:
            chunk = s.recv(65536)
            if not chunk:
                break
            got += chunk
            if not wait_close and b"\r\n\r\n" in got:
                break
    except socket.timeout:
        got += b"<timeout>"
    s.close()
    return got


def handshake(extra="Sec-WebSocket-Protocol: mqtt\r\n", version="13"):
    return (f"GET /mqtt HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {KEY}\r\n"
            f"Sec-WebSocket-Version: {version}\r\n{extra}\r\n").encode()


def masked(opcode, payload, fin=True, mask=True):
    key = b"\x01\x02\x03\x04"
    head = bytes([(0x80 if fin else 0) | opcode])
    n = len(payload)
    m = 0x80 if mask else 0
    if n < 126:
        head += bytes([m | n])
    elif n <= 0xFFFF:
        head += bytes([m | 126]) + n.to_bytes(2, "big")
    else:
        head += bytes([m | 127]) + n.to_bytes(8, "big")
    if not mask:
        return head + payload
    return head + key + bytes(c ^ key[i % 4] for i, c in enumerate(payload))


def server_frames(data):
    """[(first byte, payload)] of the unmasked frames in `data` (a cut frame is left out)."""
    out = []
    while len(data) >= 2:
        n, at = data[1] & 0x7F, 2
        if n == 126:
            n, at = int.from_bytes(data[2:4], "big"), 4
        elif n == 127:
            n, at = int.from_bytes(data[2:10], "big"), 10
        if len(data) < at + n:
            break
        out.append((data[0], data[at:at + n]))
        data = data[at + n:]
    return out


def close_code_of(reply):
    """The code of the close frame after the 101 in `reply`, or None."""
    at = reply.find(b"\r\n\r\n")
    frame = reply[at + 4:] if at >= 0 else b""
    if len(frame) >= 4 and frame[0] == 0x88 and frame[1] == 2:
        return int.from_bytes(frame[2:4], "big")
    return None


def bad_clients(ws_port, tcp_port, mo_pub):
    accept = base64.b64encode(hashlib.sha1((KEY + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")
                                           .encode()).digest())
    r = raw(ws_port, handshake(), wait_close=False)
    check(r.startswith(b"HTTP/1.1 101 ") and b"Sec-WebSocket-Accept: " + accept in r
          and b"Sec-WebSocket-Protocol: mqtt\r\n" in r, f"handshake: 101 with the accept value {r!r}")
    r = raw(ws_port, handshake(version="8"))
    check(r.startswith(b"HTTP/1.1 426 ") and b"Sec-WebSocket-Version: 13\r\n" in r,
          f"handshake: version 8 gets 426 with Sec-WebSocket-Version: 13 ({r[:60]!r})")
    r = raw(ws_port, b"GET /mqtt HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n\r\n")
    check(r.startswith(b"HTTP/1.1 400 "), f"handshake: no key gets 400 ({r[:40]!r})")
    r = raw(ws_port, b"POST /mqtt HTTP/1.1\r\nHost: x\r\n\r\n")
    check(r.startswith(b"HTTP/1.1 405 "), f"handshake: POST gets 405 ({r[:40]!r})")
    r = raw(ws_port, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    check(r.startswith(b"HTTP/1.1 404 "), f"handshake: a plain GET gets 404 ({r[:40]!r})")
    r = raw(ws_port, b"GET / HTTP/1.1\r\nX: " + b"x" * 20000 + b"\r\n\r\n")
    check(r.startswith(b"HTTP/1.1 431 "), f"handshake: 20 kB of header gets 431 ({r[:40]!r})")
    connect = bytes.fromhex("100d00044d5154540402003c000161")
    r = raw(ws_port, handshake() + masked(2, connect, mask=False))
    check(close_code_of(r) == 1002, f"frames: an unmasked frame gets close 1002 ({r[-8:]!r})")
    r = raw(ws_port, handshake() + masked(1, b"hello"))
    check(close_code_of(r) == 1003, f"frames: a text frame gets close 1003 ({r[-8:]!r})")
    r = raw(ws_port, handshake() + masked(2, b"", mask=True)[:1] + bytes([0xFF]) +
            (1 << 40).to_bytes(8, "big") + b"\x01\x02\x03\x04")
    check(close_code_of(r) == 1009, f"frames: a 1 TB frame gets close 1009 ({r[-8:]!r})")
    # CONNECT split across two frames, then PINGREQ: CONNACK and PINGRESP in binary frames.
    r = raw(ws_port, handshake() + masked(2, connect[:5]) + masked(2, connect[5:] + b"\xc0\x00")
            + masked(8, b"\x03\xe8"))
    frames = server_frames(r[r.find(b"\r\n\r\n") + 4:])
    mqtt = b"".join(p for op, p in frames if op == 0x82)
    check(mqtt == b"\x20\x02\x00\x00\xd0\x00" and frames[-1:] == [(0x88, b"\x03\xe8")],
          f"frames: CONNACK and PINGRESP in binary frames, then the close echoed ({frames!r})")
    # A stalled handshake holds nothing for ever: the broker's CONNECT timeout applies.
    r = subprocess.run([mo_pub, "-p", str(tcp_port), "-t", "after/bad", "-m", "x", "-q", "1"],
                       capture_output=True, timeout=STEP_TIMEOUT)
    check(r.returncode == 0, "the broker still serves TCP clients after the bad ones")


def config_errors(program, workdir):
    for text, needle, line in (("protocol websockets\n", "requires a listener", 1),
                               (f"listener {free_port()}\nprotocol websockets\nhttp_dir /tmp\n",
                                "http_dir", 3),
                               (f"listener {free_port()}\nprotocol mqttx\n", "Invalid protocol", 2)):
        path = os.path.join(workdir, "bad.conf")
        with open(path, "w") as f:
            f.write(text)
        r = subprocess.run([program, "-c", path], capture_output=True, timeout=STEP_TIMEOUT)
        err = r.stderr.decode()
        check(r.returncode not in (0, None) and needle in err and f"{path}:{line}." in err,
              f"config: {text.splitlines()[-1]!r} is an error naming line {line} ({err!r})")


def main():
    if len(sys.argv) not in (2, 4):
        sys.exit(__doc__)
    program = sys.argv[1]
    mo_pub = interop_support.find_tool("mosquitto_pub", SUITE, INSTALL)
    mo_sub = interop_support.find_tool("mosquitto_sub", SUITE, INSTALL)
    node, modules = node_and_modules()
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as workdir:
        tcp_port, ws_port = free_port(), free_port()
        conf = os.path.join(workdir, "ws.conf")
        with open(conf, "w") as f:
            f.write(f"listener {tcp_port} 127.0.0.1\n"
                    f"listener {ws_port} 127.0.0.1\nprotocol websockets\n")
        b = LoggedBroker(program, workdir, SUITE, ["-c", conf], port=tcp_port)
        url = f"ws://127.0.0.1:{ws_port}/mqtt"
        try:
            check(f"Opening websockets ipv4 listen socket on port {ws_port}." in b.text(),
                  "log: the WebSocket listener is opened")
            interop_support.check_mqttjs_peer(url, "MQTT.js ws://")
            crossing(b, node, modules, url, tcp_port, mo_sub, mo_pub, "mosquitto clients")
            if len(sys.argv) == 4:
                crossing(b, node, modules, url, tcp_port, sys.argv[3], sys.argv[2],
                         "mqttwire clients")
            bad_clients(ws_port, tcp_port, mo_pub)
            check("WebSocket connection from 127.0.0.1:" in b.text(),
                  "log: WebSocket connections are logged")
        finally:
            status = b.stop()
        check(status == 0, f"SIGTERM: mqttwire-broker exited {status}")
        config_errors(program, workdir)
        if failures:
            print(b.text()[-4000:])
    print(f"{SUITE}: {len(failures)} failure(s) in {time.monotonic() - started:.1f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
