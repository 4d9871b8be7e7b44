#!/usr/bin/env python3
"""Cross-checks mqttwire-decode against Wireshark's MQTT dissector (tshark), outside CI.

    crosscheck_tshark.py TOOL DIR...

For every accepted vector of DIR/vectors.json (as check_interop.py reads it), wraps the bytes
in one TCP segment (text2pcap; port 1883 on the broker side), dissects them with tshark,
the protocol level given as mqtt.default_version, and compares per packet: the packet type,
the Remaining Length, identifiers, topics, QoS/retain/DUP, CONNECT fields, reason codes, the
property identifiers present and the User Property pairs. Prints every disagreement; exit 1
if there is any. Needs tshark and text2pcap (Debian package tshark).
"""
import json
import os
import subprocess
import sys
import tempfile

TYPES = ["RESERVED", "CONNECT", "CONNACK", "PUBLISH", "PUBACK", "PUBREC", "PUBREL", "PUBCOMP",
         "SUBSCRIBE", "SUBACK", "UNSUBSCRIBE", "UNSUBACK", "PINGREQ", "PINGRESP", "DISCONNECT",
         "AUTH"]
VERSION_NAMES = {"3": "MQTT v3.1", "4": "MQTT v3.1.1", "5": "MQTT v5.0"}
# mqttwire property name -> identifier, for comparing with tshark's mqtt.property_id.
PROPERTY_IDS = {
    "payload_format_indicator": 0x01, "message_expiry_interval": 0x02, "content_type": 0x03,
    "response_topic": 0x08, "correlation_data": 0x09, "subscription_identifier": 0x0B,
    "session_expiry_interval": 0x11, "assigned_client_identifier": 0x12,
    "server_keep_alive": 0x13, "authentication_method": 0x15, "authentication_data": 0x16,
    "request_problem_information": 0x17, "will_delay_interval": 0x18,
    "request_response_information": 0x19, "response_information": 0x1A,
    "server_reference": 0x1C, "reason_string": 0x1F, "receive_maximum": 0x21,
    "topic_alias_maximum": 0x22, "topic_alias": 0x23, "maximum_qos": 0x24,
    "retain_available": 0x25, "user_property": 0x26, "maximum_packet_size": 0x27,
    "wildcard_subscription_available": 0x28, "subscription_identifier_available": 0x29,
    "shared_subscription_available": 0x2A,
}


def read_input(path):
    data = open(path, "rb").read()
    if not path.endswith(".hex"):
        return data
    text = "".join(line.split("#")[0] for line in data.decode().splitlines())
    return bytes.fromhex("".join(text.split()))


def option(args, name, default):
    return args[args.index(name) + 1] if name in args else default


def dissect(data, from_server, version):
    """tshark's MQTT layers for `data` sent in one TCP segment."""
    with tempfile.TemporaryDirectory() as tmp:
        dump = os.path.join(tmp, "dump.txt")
        with open(dump, "w") as f:
            for i in range(0, len(data), 16):
                f.write("%06x %s\n" % (i, " ".join("%02x" % b for b in data[i:i + 16])))
        pcap = os.path.join(tmp, "x.pcap")
        ports = "1883,50000" if from_server else "50000,1883"
        subprocess.run(["text2pcap", "-q", "-T", ports, dump, pcap], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        out = subprocess.run(
            ["tshark", "-r", pcap, "-o", f"mqtt.default_version:{VERSION_NAMES[version]}",
             "-o", "tcp.desegment_tcp_streams:TRUE", "--no-duplicate-keys", "-T", "json",
             "-J", "mqtt"], capture_output=True, check=True).stdout
    frames = json.loads(out)
    layers = []
    for frame in frames:
        mqtt = frame["_source"]["layers"].get("mqtt", [])
        layers += mqtt if isinstance(mqtt, list) else [mqtt]
    return layers


def values(node, key):
    """Every value of `key` anywhere under `node`, in document order."""
    found = []
    if isinstance(node, dict):
        for k, v in node.items():
            if k == key:
                found += v if isinstance(v, list) else [v]
            else:
                found += values(v, key)
    elif isinstance(node, list):
        for item in node:
            found += values(item, key)
    return found


def first(node, key):
    found = values(node, key)
    return found[0] if found else None


def our_properties(packet):
    """(identifiers present, user property pairs) over properties and will properties."""
    ids, pairs = set(), []
    for props in (packet.get("properties"), (packet.get("will") or {}).get("properties")):
        for name, value in (props or {}).items():
            ids.add(PROPERTY_IDS[name])
            if name == "user_property":
                pairs += [tuple(p) for p in value]
    return ids, pairs


def vbi_size(n):
    return 1 if n < 128 else 2 if n < 16384 else 3 if n < 2097152 else 4


def compare(ours, theirs):
    problems = []

    def check(what, mine, other):
        if other is not None and str(mine) != str(other):
            problems.append(f"{ours['type']} {what}: mqttwire {mine!r}, tshark {other!r}")

    check("type", TYPES.index(ours["type"]), first(theirs, "mqtt.msgtype"))
    length = int(first(theirs, "mqtt.len") or 0)
    check("size", ours["size"], 1 + vbi_size(length) + length)
    if "packet_id" in ours:
        check("packet identifier", ours["packet_id"], first(theirs, "mqtt.msgid"))
    if ours["type"] == "PUBLISH":
        check("topic", ours["topic_name"], first(theirs, "mqtt.topic"))
        check("QoS", ours["qos"], first(theirs, "mqtt.qos"))
        check("retain", int(ours["retain"]), first(theirs, "mqtt.retain"))
        check("DUP", int(ours["dup"]), first(theirs, "mqtt.dupflag"))
    if ours["type"] == "CONNECT":
        check("level", ours["protocol_version"], first(theirs, "mqtt.ver"))
        check("keep alive", ours["keep_alive"], first(theirs, "mqtt.kalive"))
        check("client id", ours["client_id"], first(theirs, "mqtt.clientid"))
        check("clean start", int(ours["clean_start"]), first(theirs, "mqtt.conflag.cleansess"))
        if "will" in ours:
            check("will topic", ours["will"]["topic"], first(theirs, "mqtt.willtopic"))
        if "user_name" in ours:
            check("user name", ours["user_name"], first(theirs, "mqtt.username"))
    if ours["type"] in ("SUBSCRIBE", "UNSUBSCRIBE"):
        filters = [s["topic_filter"] for s in ours.get("subscriptions", [])] or ours.get(
            "topic_filters", [])
        check("topic filters", filters, values(theirs, "mqtt.topic") or None)
    if ours["type"] == "SUBSCRIBE":
        qos = values(theirs, "mqtt.sub.qos") or values(theirs, "mqtt.subscription_options_qos")
        check("requested QoS", [sub["qos"] for sub in ours["subscriptions"]],
              [int(q, 0) for q in qos] or None)
    if "reason_codes" in ours:
        codes = values(theirs, "mqtt.suback.qos") or values(
            theirs, f"mqtt.{ours['type'].lower()}.reason_code")
        check("reason codes", ours["reason_codes"], [int(c, 0) for c in codes] or None)
    if "reason_code" in ours:
        rc = first(theirs, f"mqtt.{ours['type'].lower()}.reason_code")
        check("reason code", ours["reason_code"], int(rc, 0) if rc else None)
    if "return_code" in ours:
        rc = first(theirs, "mqtt.conack.val")
        check("return code", ours["return_code"], int(rc, 0) if rc else None)
    if "session_present" in ours:
        check("session present", int(ours["session_present"]), first(theirs, "mqtt.conack.flags.sp"))
    ids, pairs = our_properties(ours)
    their_ids = {int(i, 0) for i in values(theirs, "mqtt.property_id")}
    if ids or their_ids:
        check("property identifiers", sorted(ids), sorted(their_ids))
    their_pairs = list(zip(values(theirs, "mqtt.prop_key"), values(theirs, "mqtt.prop_value")))
    if pairs or their_pairs:
        check("user properties", pairs, their_pairs)
    return problems


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    tool = sys.argv[1]
    total = disagreements = 0
    for directory in sys.argv[2:]:
        vectors = json.load(open(os.path.join(directory, "vectors.json")))["vectors"]
        for vector in vectors:
            if "rejected" in vector:
                continue
            path = os.path.join(directory, vector["file"])
            args = vector.get("args", [])
            run = [tool] + args + (["--hex"] if path.endswith(".hex") else []) + [path]
            ours = [json.loads(line) for line in
                    subprocess.run(run, capture_output=True, check=False).stdout.splitlines()]
            from_server = option(args, "--from", "client") == "server"
            version = option(args, "--version", str(ours[0].get("protocol_version", 5)))
            theirs = dissect(read_input(path), from_server, version)
            problems = []
            if len(ours) != len(theirs):
                problems.append(f"mqttwire {len(ours)} packets, tshark {len(theirs)}")
            for mine, other in zip(ours, theirs):
                problems += compare(mine, other)
            total += 1
            disagreements += bool(problems)
            for problem in problems:
                print(f"{vector['file']}: {problem}")
    print(f"{total} vectors cross-checked, {disagreements} with disagreements")
    return 1 if disagreements else 0


if __name__ == "__main__":
    sys.exit(main())
