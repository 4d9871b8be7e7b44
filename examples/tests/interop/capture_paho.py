#!/usr/bin/python3
"""Captures Eclipse Paho (Python) client traffic with a Mosquitto broker for mqttwire-decode.

    /usr/bin/python3 examples/tests/interop/capture_paho.py [OUT_DIR]

Needs the Debian packages mosquitto and python3-paho-mqtt (paho-mqtt 1.6). Starts mosquitto on
127.0.0.1 only, puts a recording TCP proxy (127.0.0.1 too) in front of it, and runs, for MQTT
3.1, 3.1.1 and 5.0, a subscriber and a publisher using every feature paho offers at that
level: will, user name, password, CONNECT/PUBLISH/SUBSCRIBE/DISCONNECT properties, subscription
options, QoS 0, 1 and 2 flows, UNSUBSCRIBE. Each connection's two byte streams are written to
OUT_DIR (default: paho/ beside this script) as <level>_<sub|pub>_<client|server>.bin.

vectors.json then says what mqttwire-decode must find in each stream (other packets may come
between; in order for the client's stream): for what the client sent, the fields paho was asked to send; for what the
broker sent, the fields paho itself decoded (its on_connect, on_subscribe, on_message and
on_unsubscribe callbacks), so two independent decoders are compared. All runs are bounded.
"""
import json
import os
import select
import socket
import subprocess
import sys
import tempfile
import threading
import time

import paho.mqtt
import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.reasoncodes import ReasonCodes
from paho.mqtt.subscribeoptions import SubscribeOptions

BROKER_PORT = 18831
PROXY_PORT = 18832
TIMEOUT = 10


# ---------------------------------------------------------------------------------------------
# Recording proxy
# ---------------------------------------------------------------------------------------------

class Proxy(threading.Thread):
    """Forwards each accepted connection to the broker and records both directions."""

    def __init__(self):
        super().__init__(daemon=True)
        self.listener = socket.create_server(("127.0.0.1", PROXY_PORT))
        self.connections = []  # [{"client": bytearray, "server": bytearray}] in accept order
        self.stop = False

    def run(self):
        self.listener.settimeout(0.2)
        while not self.stop:
            try:
                client, _ = self.listener.accept()
            except socket.timeout:
                continue
            record = {"client": bytearray(), "server": bytearray()}
            self.connections.append(record)
            server = socket.create_connection(("127.0.0.1", BROKER_PORT), timeout=TIMEOUT)
            threading.Thread(target=self.pump, args=(client, server, record), daemon=True).start()

    @staticmethod
    def pump(client, server, record):
        peers = {client: (server, "client"), server: (client, "server")}
        deadline = time.monotonic() + 60
        while peers and time.monotonic() < deadline:
            readable, _, _ = select.select(list(peers), [], [], 0.2)
            for sock in readable:
                other, side = peers[sock]
                try:
                    data = sock.recv(65536)
                except OSError:  # a reset ends this direction like a close
                    data = b""
                if data:
                    record[side] += data
                    try:
                        other.sendall(data)
                    except OSError:
                        pass  # the peer is gone; the bytes were sent all the same
                    continue
                del peers[sock]
                try:
                    other.shutdown(socket.SHUT_WR)
                except OSError:
                    pass
        client.close()
        server.close()


# ---------------------------------------------------------------------------------------------
# paho values to mqttwire-decode fields
# ---------------------------------------------------------------------------------------------

BOOLEAN_PROPERTIES = {"request_problem_information", "request_response_information",
                      "retain_available", "wildcard_subscription_available",
                      "subscription_identifier_available", "shared_subscription_available"}


def property_fields(props):
    """A paho Properties object as mqttwire-decode's "properties" object."""
    out = {}
    if props is None:
        return out
    for spec_name in props.names:
        attr = spec_name.replace(" ", "")
        if not hasattr(props, attr):
            continue
        value = getattr(props, attr)
        name = spec_name.lower().replace(" ", "_")
        if name == "user_property":
            value = [list(pair) for pair in value]
        elif name == "subscription_identifier":
            value = value if isinstance(value, list) else [value]
        elif isinstance(value, (bytes, bytearray)):
            value = bytes(value).hex()
        elif name in BOOLEAN_PROPERTIES:
            value = bool(value)
        out[name] = value
    return out


def with_props(fields, props, v5):
    if v5:
        fields["properties"] = property_fields(props)
    return fields


# ---------------------------------------------------------------------------------------------
# The sessions
# ---------------------------------------------------------------------------------------------

class Session:
    """One paho client; callbacks record what paho decoded from the broker."""

    def __init__(self, client_id, protocol):
        self.v5 = protocol == mqtt.MQTTv5
        self.client = mqtt.Client(client_id=client_id, protocol=protocol,
                                  clean_session=None if self.v5 else True)
        self.seen = []  # expected server packets, from paho's own decoding
        self.events = {}
        for name in ("connect", "subscribe", "unsubscribe", "publish", "message"):
            self.events[name] = threading.Event()
        self.messages = 0
        self.client.on_connect = self.on_connect
        self.client.on_subscribe = self.on_subscribe
        self.client.on_unsubscribe = self.on_unsubscribe
        self.client.on_message = self.on_message
        self.client.on_publish = lambda c, u, mid: self.events["publish"].set()

    def wait(self, name):
        if not self.events[name].wait(TIMEOUT):
            sys.exit(f"timed out waiting for {name}")
        self.events[name].clear()

    def on_connect(self, client, userdata, flags, rc, properties=None):
        fields = {"type": "CONNACK", "session_present": bool(flags.get("session present"))}
        if self.v5:
            fields["reason_code"] = rc.value
        else:
            fields["return_code"] = rc
        self.seen.append(with_props(fields, properties, self.v5))
        self.events["connect"].set()

    def on_subscribe(self, client, userdata, mid, granted, properties=None):
        codes = [g.value for g in granted] if self.v5 else list(granted)
        self.seen.append(with_props({"type": "SUBACK", "packet_id": mid, "reason_codes": codes},
                                    properties, self.v5))
        self.events["subscribe"].set()

    def on_unsubscribe(self, client, userdata, mid, properties=None, reasons=None):
        fields = {"type": "UNSUBACK", "packet_id": mid}
        if self.v5:
            codes = reasons if isinstance(reasons, list) else [reasons]
            fields["reason_codes"] = [r.value for r in codes]
        self.seen.append(with_props(fields, properties, self.v5))
        self.events["unsubscribe"].set()

    def on_message(self, client, userdata, msg):
        fields = {"type": "PUBLISH", "topic_name": msg.topic, "qos": msg.qos,
                  "retain": bool(msg.retain)}
        if msg.qos:
            fields["packet_id"] = msg.mid
        with_props(fields, getattr(msg, "properties", None), self.v5)
        fields["payload"] = msg.payload.hex()
        # Text payloads (UTF-8 without U+0000) are shown as payload_text by mqttwire-decode.
        try:
            if b"\0" not in msg.payload:
                fields["payload_text"] = msg.payload.decode("utf-8")
        except UnicodeDecodeError:
            pass
        self.seen.append(fields)
        self.messages += 1
        self.events["message"].set()


def connect_packet(client_id, level, v5, clean, keep_alive, props, will=None, user=None,
                   password=None):
    fields = {"type": "CONNECT", "protocol_version": level, "clean_start": clean,
              "keep_alive": keep_alive}
    with_props(fields, props, v5)
    fields["client_id"] = client_id
    if will:
        fields["will"] = will
    if user is not None:
        fields["user_name"] = user
    if password is not None:
        fields["password"] = password.hex()
    return fields


def run_level(name, protocol, level):
    v5 = protocol == mqtt.MQTTv5
    topic_base = f"paho/{name}"
    sent = {"sub": [], "pub": []}

    # Subscriber: will, credentials, properties, two subscriptions, then unsubscribe.
    sub = Session(f"paho-sub-{name}", protocol)
    will_props = None
    will = {"topic": f"{topic_base}/will", "payload": b"sub gone".hex(), "qos": 1, "retain": True}
    if v5:
        will_props = Properties(PacketTypes.WILLMESSAGE)
        will_props.WillDelayInterval = 5
        will_props.ContentType = "text/plain"
        will_props.UserProperty = [("kind", "will")]
        will["properties"] = property_fields(will_props)
    sub.client.will_set(will["topic"], b"sub gone", qos=1, retain=True, properties=will_props)
    sub.client.username_pw_set("paho-user", b"s3cr\xc3\xa9t")
    connect_props = None
    if v5:
        connect_props = Properties(PacketTypes.CONNECT)
        connect_props.SessionExpiryInterval = 0
        connect_props.ReceiveMaximum = 16
        connect_props.MaximumPacketSize = 65536
        connect_props.TopicAliasMaximum = 4
        connect_props.RequestProblemInformation = 1
        connect_props.UserProperty = [("client", "paho"), ("client", "python")]
    sub.client.connect("127.0.0.1", PROXY_PORT, keepalive=30, properties=connect_props)
    sent["sub"].append(connect_packet(f"paho-sub-{name}", level, v5, True, 30, connect_props,
                                      will, "paho-user", b"s3cr\xc3\xa9t"))
    sub.client.loop_start()
    sub.wait("connect")

    filters = [(f"{topic_base}/+/state", 2), (f"{topic_base}/#", 1)]
    sub_props = None
    if v5:
        sub_props = Properties(PacketTypes.SUBSCRIBE)
        sub_props.SubscriptionIdentifier = 42
        sub_props.UserProperty = [("sub", "1")]
        options = [SubscribeOptions(qos=2, noLocal=True, retainAsPublished=True, retainHandling=1),
                   SubscribeOptions(qos=1, retainHandling=2)]
        _, mid = sub.client.subscribe([(f, o) for (f, _), o in zip(filters, options)],
                                      properties=sub_props)
        subscriptions = [{"topic_filter": f, "qos": o.QoS, "no_local": o.noLocal,
                          "retain_as_published": o.retainAsPublished,
                          "retain_handling": o.retainHandling}
                         for (f, _), o in zip(filters, options)]
    else:
        _, mid = sub.client.subscribe(filters)
        subscriptions = [{"topic_filter": f, "qos": q} for f, q in filters]
    sent["sub"].append(with_props({"type": "SUBSCRIBE", "packet_id": mid,
                                   "subscriptions": subscriptions}, sub_props, v5))
    sub.wait("subscribe")

    # Publisher: QoS 0, 1 and 2, with properties at 5.0.
    pub = Session(f"paho-pub-{name}", protocol)
    pub.client.connect("127.0.0.1", PROXY_PORT, keepalive=60)
    sent["pub"].append(connect_packet(f"paho-pub-{name}", level, v5, True, 60,
                                      Properties(PacketTypes.CONNECT) if v5 else None))
    pub.client.loop_start()
    pub.wait("connect")
    for qos in (0, 1, 2):
        topic = f"{topic_base}/lamp{qos}/state"
        payload = f"ON {qos} \u00e9".encode()
        pub_props = None
        if v5:
            pub_props = Properties(PacketTypes.PUBLISH)
            pub_props.PayloadFormatIndicator = 1
            pub_props.MessageExpiryInterval = 3600
            pub_props.ContentType = "text/plain; charset=utf-8"
            pub_props.ResponseTopic = f"{topic_base}/reply"
            pub_props.CorrelationData = bytes([qos, 0xFF])
            pub_props.UserProperty = [("qos", str(qos)), ("qos", "again")]
        info = pub.client.publish(topic, payload, qos=qos, retain=qos == 1, properties=pub_props)
        fields = {"type": "PUBLISH", "topic_name": topic, "qos": qos, "retain": qos == 1}
        if qos:
            fields["packet_id"] = info.mid
        with_props(fields, pub_props, v5)
        fields["payload"] = payload.hex()
        sent["pub"].append(fields)
        pub.wait("publish")
        sub.wait("message")

    unsub_props = None
    if v5:
        unsub_props = Properties(PacketTypes.UNSUBSCRIBE)
        unsub_props.UserProperty = [("bye", "now")]
    _, mid = sub.client.unsubscribe([f for f, _ in filters], properties=unsub_props)
    sent["sub"].append(with_props({"type": "UNSUBSCRIBE", "packet_id": mid,
                                   "topic_filters": [f for f, _ in filters]}, unsub_props, v5))
    sub.wait("unsubscribe")

    for session, role in ((sub, "sub"), (pub, "pub")):
        if v5 and role == "sub":
            props = Properties(PacketTypes.DISCONNECT)
            props.ReasonString = "done"
            session.client.disconnect(ReasonCodes(PacketTypes.DISCONNECT, "Normal disconnection"),
                                      properties=props)
            sent[role].append({"type": "DISCONNECT", "reason_code": 0,
                               "properties": property_fields(props)})
        else:
            session.client.disconnect()
            sent[role].append({"type": "DISCONNECT"})
        session.client.loop_stop()
    return [("sub", sent["sub"], sub.seen), ("pub", sent["pub"], pub.seen)]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "paho")
    os.makedirs(out, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        conf = os.path.join(work, "mosquitto.conf")
        with open(conf, "w") as f:
            f.write(f"listener {BROKER_PORT} 127.0.0.1\nallow_anonymous true\n"
                    "persistence false\n")
        broker = subprocess.Popen(["timeout", "120", "mosquitto", "-c", conf],
                                  stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + TIMEOUT
            while True:
                try:
                    socket.create_connection(("127.0.0.1", BROKER_PORT), timeout=1).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        sys.exit("mosquitto did not start")
                    time.sleep(0.1)
            proxy = Proxy()
            proxy.start()
            runs = []
            for name, protocol, level in (("mqttv31", mqtt.MQTTv31, 3),
                                          ("mqttv311", mqtt.MQTTv311, 4),
                                          ("mqttv5", mqtt.MQTTv5, 5)):
                runs += [(name, level) + run for run in run_level(name, protocol, level)]
            time.sleep(0.5)  # let the proxy see both sides close
            proxy.stop = True
        finally:
            broker.terminate()
            broker.wait()

    if len(proxy.connections) != len(runs):
        sys.exit(f"expected {len(runs)} connections, recorded {len(proxy.connections)}")
    vectors = []
    for (name, level, role, sent, seen), record in zip(runs, proxy.connections):
        for side, packets in (("client", sent), ("server", seen)):
            file = f"{name}_{role}_{side}.bin"
            with open(os.path.join(out, file), "wb") as f:
                f.write(record[side])
            args = ["--from", side] + (["--version", str(level)] if side == "server" else [])
            # paho reports a QoS 2 message on PUBREL, so what it saw is not in wire order.
            vectors.append({"file": file, "args": args,
                            ("in_order" if side == "client" else "all_of"): packets})
    with open(os.path.join(out, "vectors.json"), "w") as f:
        json.dump({"generator": f"paho-mqtt {paho.mqtt.__version__} (python3-paho-mqtt) with "
                   "mosquitto, captured by capture_paho.py",
                   "vectors": vectors}, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"{len(vectors)} streams in {out}")


if __name__ == "__main__":
    main()
