#!/usr/bin/python3
"""mqttwire-broker against bad clients, from raw sockets (issue 10, point 4).

    broker_faults.py MQTTWIRE_BROKER

Starts mqttwire-broker -v on a free loopback port with its default configuration and checks,
each while a well-behaved witness subscriber stays connected and keeps receiving:

  - a malformed packet closes that connection and is logged; 5.0 gets DISCONNECT 0x81
    (malformed) or 0x82 (protocol error) first;
  - a connection that sends no CONNECT is closed after the default 10 s timeout;
  - a 200 MB CONNECT announced in its fixed header is refused from those bytes: the
    connection closes while the client stalls and the broker's RSS stays small;
  - a subscriber that never reads does not stall another one, its dropped QoS 0 messages
    are logged as mosquitto logs them, and the broker's memory stays bounded;
  - a second CONNECT is a protocol error (5.0: DISCONNECT 0x82);
  - a PUBLISH before CONNECT is never delivered;
  - 5.0 DISCONNECTs from the broker: 0x8E on takeover, 0x94 for a Topic Alias above 10, 0x8D
    after 1.5 × the keep alive, 0x8B on SIGTERM; refusals and protocol errors carry a Reason
    String;
  - 500 concurrent connections are all served.

Packets are written byte by byte here, not with a library, so nothing smooths over what the
broker gets. Every wait is bounded; the whole run takes about 15 s.
"""
import os
import resource
import select
import socket
import struct
import sys
import tempfile
import threading
import time

from interop_support import STEP_TIMEOUT, LoggedBroker, check, failures


# ---- packets, by hand ----------------------------------------------------------------------


def varint(n):
    out = bytearray()
    while True:
        byte = n % 128
        n //= 128
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def text(s):
    b = s.encode() if isinstance(s, str) else s
    return struct.pack("!H", len(b)) + b


def packet(first, body):
    return bytes([first]) + varint(len(body)) + body


def connect(client_id, version=4, keep_alive=60):
    """CONNECT with Clean Start, no will, no properties."""
    props = b"\x00" if version == 5 else b""
    name = b"MQIsdp" if version == 3 else b"MQTT"
    return packet(0x10, text(name) + bytes([version, 0x02]) + struct.pack("!H", keep_alive) +
                  props + text(client_id))


def subscribe(mid, topic, qos, version=4):
    props = b"\x00" if version == 5 else b""
    return packet(0x82, struct.pack("!H", mid) + props + text(topic) + bytes([qos]))


def publish(topic, payload, qos=0, mid=1, version=4):
    props = b"\x00" if version == 5 else b""
    head = text(topic) + (struct.pack("!H", mid) if qos else b"") + props
    return packet(0x30 | (qos << 1), head + payload)


def reason_string(props):
    """The 5.0 Reason String (0x1F) in `props`, a Property Length then properties; or None."""
    if not props:
        return None
    length, shift, i = 0, 0, 0
    while True:
        length |= (props[i] & 0x7F) << shift
        shift += 7
        i += 1
        if not props[i - 1] & 0x80:
            break
    body, at = props[i:i + length], 0
    while at < len(body):
        ident = body[at]
        at += 1
        if ident == 0x1F:
            n = struct.unpack("!H", body[at:at + 2])[0]
            return body[at + 2:at + 2 + n].decode("utf-8", "replace")
        if ident in (0x1A, 0x1C, 0x03, 0x08, 0x12, 0x15, 0x09, 0x16):  # strings, binary data
            at += 2 + struct.unpack("!H", body[at:at + 2])[0]
        elif ident == 0x26:  # a user property: two strings
            for _ in range(2):
                at += 2 + struct.unpack("!H", body[at:at + 2])[0]
        elif ident in (0x02, 0x11, 0x27, 0x18):  # four-byte integers
            at += 4
        elif ident in (0x13, 0x21, 0x22, 0x23):  # two-byte integers
            at += 2
        elif ident == 0x0B:  # a Variable Byte Integer
            while body[at] & 0x80:
                at += 1
            at += 1
        else:  # one-byte values
            at += 1
    return None


class Client:
    """One raw connection; `read_packet` returns (type, flags, body), None on EOF or timeout."""

    def __init__(self, port, client_id=None, version=4, rcvbuf=None, keep_alive=60):
        self.sock = socket.socket()
        if rcvbuf:
            # Before connect(), so the window the kernel advertises stays small.
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.settimeout(STEP_TIMEOUT)
        self.sock.connect(("127.0.0.1", port))
        self.buffer = b""
        self.eof = False
        self.version = version
        if client_id is not None:
            self.send(connect(client_id, version, keep_alive))
            ack = self.read_packet()
            if not ack or ack[0] != 2 or ack[2][1] != 0:
                raise RuntimeError(f"CONNECT of {client_id} refused: {ack!r}")

    def send(self, data):
        self.sock.sendall(data)

    def _fill(self, deadline):
        # A poll even when the time is up: bytes or an EOF already there still count.
        left = max(0.0, deadline - time.monotonic())
        ready, _, _ = select.select([self.sock], [], [], left)
        if not ready:
            return False
        try:
            chunk = self.sock.recv(1 << 16)
        except (ConnectionResetError, socket.timeout):
            chunk = b""
        if not chunk:
            self.eof = True
            return False
        self.buffer += chunk
        return True

    def read_packet(self, timeout=STEP_TIMEOUT):
        deadline = time.monotonic() + timeout
        while True:
            b = self.buffer
            if len(b) >= 2:
                length, shift, i = 0, 0, 1
                while i < len(b) and i <= 4:
                    length |= (b[i] & 0x7F) << shift
                    shift += 7
                    i += 1
                    if not b[i - 1] & 0x80:
                        break
                else:
                    i = None
                if i is not None and not b[i - 1] & 0x80 and len(b) >= i + length:
                    self.buffer = b[i + length:]
                    return b[0] >> 4, b[0] & 0x0F, b[i:i + length]
            if not self._fill(deadline):
                return None

    def closed_within(self, timeout):
        """True once the broker has closed the connection (EOF), unread packets discarded."""
        deadline = time.monotonic() + timeout
        while not self.eof:
            if not self._fill(deadline) and not self.eof:
                return False
        return True

    def subscribe(self, topic, qos=0, mid=1):
        self.send(subscribe(mid, topic, qos, self.version))
        ack = self.read_packet()
        return ack is not None and ack[0] == 9

    def next_publish(self, timeout=STEP_TIMEOUT):
        """(topic, payload) of the next PUBLISH, acknowledging QoS 1; None on timeout."""
        while True:
            p = self.read_packet(timeout)
            if p is None:
                return None
            kind, flags, body = p
            if kind != 3:
                continue
            n = struct.unpack("!H", body[:2])[0]
            topic, rest = body[2:2 + n].decode(), body[2 + n:]
            q = (flags >> 1) & 3
            if q:
                mid, rest = rest[:2], rest[2:]
                self.send(packet(0x40, mid))
            if self.version == 5:
                plen = rest[0]  # the tests send no properties: one byte of length 0
                rest = rest[1 + plen:]
            return topic, rest

    def close(self):
        self.sock.close()


class Broker(LoggedBroker):
    def __init__(self, program, workdir):
        # Under AddressSanitizer (CI stage 3) freed blocks wait in a 256 MB quarantine, which
        # the RSS checks would count; 16 MB keeps them meaningful. Ignored by other builds.
        env = dict(os.environ)
        env["ASAN_OPTIONS"] = ":".join(filter(None, [env.get("ASAN_OPTIONS"),
                                                    "quarantine_size_mb=16"]))
        super().__init__(program, workdir, "broker_faults", env=env)


def expect_disconnect(c, codes, what, names=None, timeout=STEP_TIMEOUT):
    """5.0: the next packet on `c` is a DISCONNECT with one of `codes` (and, with `names`, a
    Reason String holding it), then the connection closes."""
    p = c.read_packet(timeout)
    check(p is not None and p[0] == 14 and p[2][:1] in [bytes([x]) for x in codes],
          f"{what}: DISCONNECT {'/'.join(f'0x{x:02X}' for x in codes)} ({p!r})")
    if names is not None:
        why = p and reason_string(p[2][1:])
        check(why is not None and names in why,
              f"{what}: the DISCONNECT's Reason String names {names} ({why!r})")
    check(c.closed_within(timeout), f"{what}: then the connection is closed")
    c.close()


def witness_still_served(b, witness, publisher, what):
    """The witness gets a fresh message after `what`: the fault disturbed nobody else."""
    marker = f"after {what}".encode()
    publisher.send(publish("faults/witness", marker, qos=1, mid=7))
    publisher.read_packet()  # PUBACK
    got = witness.next_publish()
    check(got == ("faults/witness", marker), f"{what}: the witness still receives ({got!r})")


# ---- the checks ----------------------------------------------------------------------------


def malformed(b, witness, publisher):
    # 3.1.1: a PUBLISH whose topic name has a wildcard (MQTT-3.3.2-2): closed, logged.
    c = Client(b.port, "bad-311")
    c.send(publish("faults/+", b"x"))
    check(c.closed_within(STEP_TIMEOUT), "malformed 3.1.1: the connection is closed")
    check(b.wait_for("Bad packet from bad-311: topic_name_has_wildcard"),
          "malformed 3.1.1: 'Bad packet from bad-311: topic_name_has_wildcard ...' logged")
    check(b.wait_for("Client bad-311 disconnected due to protocol error."),
          "malformed 3.1.1: 'Client bad-311 disconnected due to protocol error.' logged")
    c.close()

    # 5.0: a topic name that is not UTF-8 is a Malformed Packet (MQTT-1.5.4-1): 0x81 first.
    c = Client(b.port, "bad-v5-utf8", version=5)
    c.send(publish(b"faults/\xff", b"x", version=5))
    expect_disconnect(c, [0x81], "malformed 5.0", names="MQTT-")
    check(b.wait_for("Client bad-v5-utf8 disconnected due to malformed packet."),
          "malformed 5.0: 'Client bad-v5-utf8 disconnected due to malformed packet.' logged")
    c.close()

    # 5.0: a reserved flag in SUBSCRIBE's fixed header (MQTT-3.8.1-1).
    c = Client(b.port, "bad-v5-flags", version=5)
    c.send(packet(0x80, struct.pack("!H", 1) + b"\x00" + text("faults/#") + b"\x00"))
    expect_disconnect(c, [0x81, 0x82], "malformed 5.0 flags")
    witness_still_served(b, witness, publisher, "malformed packets")


def huge_connect(b, witness, publisher):
    before = b.rss_kib()
    c = Client(b.port)
    # CONNECT announcing 200,000,000 bytes, then the start of a 5.0 variable header, then
    # nothing: the client stalls with the rest unsent.
    c.send(b"\x10" + varint(200_000_000) + text("MQTT") + b"\x05\x02\x00\x3c")
    # Within 3 s, well before the 10 s CONNECT timeout would close it anyway.
    p = c.read_packet(3)
    check(p is not None and p[0] == 2 and p[2][:2] == b"\x00\x95",
          f"200 MB CONNECT: a 5.0 CONNACK 0x95 (packet too large) from the header ({p!r})")
    check(p is not None and reason_string(p[2][2:]) is not None,
          f"200 MB CONNECT: the CONNACK has a Reason String ({p and reason_string(p[2][2:])!r})")
    check(c.closed_within(3), "200 MB CONNECT: closed while the client stalls")
    after = b.rss_kib()
    check(before is not None and after is not None and after - before < 16 * 1024,
          f"200 MB CONNECT: the broker's RSS stays small ({before} KiB, then {after} KiB)")
    check(b.wait_for("Bad CONNECT from 127.0.0.1:") and "packet_too_large at byte" in b.text(),
          "200 MB CONNECT: 'Bad CONNECT from ...: packet_too_large at byte ...' logged")
    c.close()
    # 3.1.1 has no return code for it: closed without a CONNACK (MQTT-3.2.2-6).
    c = Client(b.port)
    c.send(b"\x10" + varint(200_000_000) + text("MQTT") + b"\x04\x02\x00\x3c")
    check(c.closed_within(3) and c.buffer == b"",
          f"200 MB CONNECT 3.1.1: closed from the header, no CONNACK ({c.buffer!r})")
    c.close()
    witness_still_served(b, witness, publisher, "a 200 MB CONNECT")


def second_connect(b, witness, publisher):
    c = Client(b.port, "twice-311")
    c.send(connect("twice-311"))
    check(c.closed_within(STEP_TIMEOUT), "second CONNECT 3.1.1: the connection is closed")
    check(b.wait_for("Protocol error from twice-311: a second CONNECT"),
          "second CONNECT 3.1.1: logged as a protocol error")
    c.close()
    c = Client(b.port, "twice-v5", version=5)
    c.send(connect("twice-v5", version=5))
    expect_disconnect(c, [0x82], "second CONNECT 5.0", names="MQTT-3.1.0-2")
    witness_still_served(b, witness, publisher, "a second CONNECT")


def server_disconnects(b, witness, publisher):
    """5.0: the broker's own DISCONNECTs carry the reason code the spec gives each cause."""
    # Client id takeover (MQTT-3.1.4-3): the old connection gets 0x8E.
    old = Client(b.port, "taken", version=5)
    new = Client(b.port, "taken", version=5)
    expect_disconnect(old, [0x8E], "takeover 5.0")
    new.close()
    # A Topic Alias above the broker's Topic Alias Maximum, 10 (MQTT-3.3.2-9): 0x94.
    c = Client(b.port, "alias", version=5)
    c.send(packet(0x30, text("faults/alias") + b"\x03\x23\x00\x0b" + b"x"))
    expect_disconnect(c, [0x94], "Topic Alias 11 of 10")
    # Keep alive 1 s and silence: closed after 1.5 s (MQTT-3.1.2-22) with 0x8D.
    c = Client(b.port, "sleepy", version=5, keep_alive=1)
    started = time.monotonic()
    expect_disconnect(c, [0x8D], "keep alive 5.0")
    took = time.monotonic() - started
    check(1.4 <= took <= 3.5, f"keep alive 5.0: closed after {took:.1f} s, 1.5 × 1 s")
    check(b.wait_for("Client sleepy has exceeded timeout, disconnecting."),
          "keep alive 5.0: 'Client sleepy has exceeded timeout, disconnecting.' logged")
    witness_still_served(b, witness, publisher, "server DISCONNECTs")


def publish_before_connect(b, witness, publisher):
    c = Client(b.port)
    c.send(publish("faults/witness", b"early", qos=0) + connect("sneaky"))
    check(c.closed_within(STEP_TIMEOUT), "PUBLISH before CONNECT: the connection is closed")
    check(b.wait_for("the first packet is not CONNECT"),
          "PUBLISH before CONNECT: logged as a protocol error")
    c.close()
    # The witness's next message is the marker, not "early": it was never delivered.
    witness_still_served(b, witness, publisher, "a PUBLISH before CONNECT")


def slow_reader(b, witness, publisher):
    # `slow` subscribes and never reads again; `fast` reads everything. 256 MiB of QoS 0 go
    # past: far beyond the broker's 8 MiB QoS 0 backlog for one client plus the socket buffers,
    # so a broker that kept them all would pass the 96 MiB RSS bound below (ASan: about 55 MiB).
    slow = Client(b.port, "slow", rcvbuf=4096)
    check(slow.subscribe("flood/#"), "slow reader: subscribed")
    fast = Client(b.port, "fast")
    check(fast.subscribe("flood/#"), "slow reader: the fast reader subscribed")
    payload = b"x" * 65536
    total, batch = 4096, 16
    received = 0
    started = time.monotonic()
    for i in range(0, total, batch):
        # A QoS 1 message closes each batch: once its PUBACK is back the broker has handled
        # the batch, so the fast reader's share never piles up in the broker either.
        data = b"".join(publish("flood/data", payload) for _ in range(batch - 1))
        publisher.send(data + publish("flood/data", payload, qos=1, mid=9))
        ack = publisher.read_packet()
        if ack is None or ack[0] != 4:
            check(False, f"slow reader: PUBACK of batch {i} ({ack!r})")
            break
        while received < i + batch:
            got = fast.next_publish()
            if got is None:
                break
            received += 1
        if received < i + batch:
            break
    took = time.monotonic() - started
    check(received == total, f"slow reader: the fast reader got {received} of {total} "
          f"64 KiB messages in {took:.1f} s")
    check(b.wait_for("Outgoing messages are being dropped for client slow."),
          "slow reader: 'Outgoing messages are being dropped for client slow.' logged")
    rss = b.rss_kib()
    check(rss < 96 * 1024, f"slow reader: the broker's RSS stays under 96 MiB ({rss} KiB)")
    slow.close()
    fast.close()
    witness_still_served(b, witness, publisher, "a slow reader")


def many_connections(b, witness, publisher, count=500):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = count + 64
    if soft < need:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(need, hard), hard))
    clients = []
    try:
        started = time.monotonic()
        # Every CONNECT goes out before any CONNACK is read: 500 connections at once.
        for i in range(count):
            c = Client(b.port)
            c.send(connect(f"many-{i}") + subscribe(1, "many/all", 0))
            clients.append(c)
        acked = sum(1 for c in clients
                    if (p := c.read_packet()) and p[0] == 2 and p[2][1] == 0 and
                    (p := c.read_packet()) and p[0] == 9)
        check(acked == count, f"{count} connections: {acked} got CONNACK and SUBACK")
        publisher.send(publish("many/all", b"to all", qos=1, mid=11))
        publisher.read_packet()
        got = sum(1 for c in clients if c.next_publish() == ("many/all", b"to all"))
        check(got == count, f"{count} connections: {got} received the message "
              f"({time.monotonic() - started:.1f} s)")
    finally:
        for c in clients:
            c.close()
    witness_still_served(b, witness, publisher, f"{count} connections")


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as workdir:
        b = Broker(sys.argv[1], workdir)
        try:
            witness = Client(b.port, "witness")
            check(witness.subscribe("faults/witness", qos=1), "witness subscribed")
            publisher = Client(b.port, "publisher")
            # Opened first, checked last: the 10 s CONNECT timeout runs during the others, a
            # thread noting when the broker closes it.
            silent = Client(b.port)
            silent_at = time.monotonic()
            silent_closed = []
            watcher = threading.Thread(target=lambda: silent_closed.append(
                silent.closed_within(13) and time.monotonic() - silent_at))
            watcher.start()
            malformed(b, witness, publisher)
            huge_connect(b, witness, publisher)
            second_connect(b, witness, publisher)
            publish_before_connect(b, witness, publisher)
            server_disconnects(b, witness, publisher)
            slow_reader(b, witness, publisher)
            many_connections(b, witness, publisher)
            watcher.join(timeout=15)
            after = silent_closed[0] if silent_closed else None
            check(after is not None and after is not False and 9.5 <= after <= 12,
                  f"no CONNECT: closed after the 10 s timeout ({after} s)")
            check(b.wait_for("Client <unknown> has exceeded timeout, disconnecting."),
                  "no CONNECT: 'Client <unknown> has exceeded timeout, disconnecting.' logged")
            witness_still_served(b, witness, publisher, "all of it")
            # SIGTERM with a 5.0 client connected: DISCONNECT 0x8B, server shutting down.
            last = Client(b.port, "last", version=5)
        finally:
            status = b.stop()
        p = last.read_packet(3)
        check(p is not None and p[0] == 14 and p[2][:1] == b"\x8b",
              f"shutdown: a 5.0 client gets DISCONNECT 0x8B ({p!r})")
        check(status == 0, f"SIGTERM: mqttwire-broker exited {status}")
        if failures:
            print(b.text()[-6000:])
    print(f"broker_faults: {len(failures)} failure(s) in {time.monotonic() - started:.1f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
