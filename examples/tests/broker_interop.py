#!/usr/bin/python3
"""mqttwire-broker against real peers: Debian's mosquitto_pub/mosquitto_sub, paho-mqtt 1.6,
paho-mqtt 2 running the seed's listener.py and client.py, MQTT.js, and mqttwire-pub/mqttwire-sub.

    broker_interop.py MQTTWIRE_BROKER [MQTTWIRE_PUB MQTTWIRE_SUB]

Starts mqttwire-broker -v on a free loopback port and checks 3.1, 3.1.1 and 5.0 at QoS 0/1/2,
retained set and clear, wildcards, the seed scenario as typed, a will on SIGKILL, a persistent
session, shared subscriptions (5.0 and 3.1.1), a 1 MiB payload by hash, paho publish/subscribe, the seed's paho 2 scripts as the seed has them (only the port
changed), MQTT.js (examples/tests/mqttjs_peer.js), the mqttwire clients, the -v log lines, a
config error and a clean SIGTERM shutdown. Every wait is bounded; the broker is killed at the end. A missing peer
fails the suite with its install command: it is never skipped.
"""
import hashlib
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time

import interop_support
from interop_support import STEP_TIMEOUT, LoggedBroker, check, failures, free_port

INSTALL = "install with: apt-get install -y mosquitto-clients python3-paho-mqtt"
HERE = os.path.dirname(os.path.abspath(__file__))
SEED = os.path.join(HERE, "..", "seed")
# Where .ci/run stage 0 puts Debian 13's python3-paho-mqtt 2, which Debian 12 does not
# package (the tests never download; MQTT.js's cache is interop_support.NPM_CACHE).
PAHO2_CACHE = os.environ.get("MQTTWIRE_PAHO2_CACHE",
                             os.path.expanduser("~/.cache/mqttwire/paho2"))


def find_tool(name):
    return interop_support.find_tool(name, "broker_interop", INSTALL)


class Broker(LoggedBroker):
    def __init__(self, program, workdir, args=(), port=None):
        super().__init__(program, workdir, "broker_interop", args, port)


def run(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, timeout=STEP_TIMEOUT)
    except subprocess.TimeoutExpired as e:
        return subprocess.CompletedProcess(cmd, None, e.stdout or b"", e.stderr or b"")


class Subscriber:
    """A subscriber process, ready once the broker has logged its SUBACK."""

    def __init__(self, broker, cmd):
        before = broker.count("Sending SUBACK")
        self.process = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.ready = broker.wait_for("Sending SUBACK", before)

    def finish(self):
        try:
            out, err = self.process.communicate(timeout=STEP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            out, err = self.process.communicate()
            return None, out, err
        return self.process.returncode, out, err

    def kill(self, sig=signal.SIGKILL):
        self.process.send_signal(sig)
        try:
            self.process.communicate(timeout=STEP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.communicate()


def mosquitto_scenarios(b, mo_pub, mo_sub):
    p = ["-p", str(b.port)]
    # Every version and QoS, mosquitto_pub to mosquitto_sub.
    for version in ("mqttv31", "mqttv311", "mqttv5"):
        for q in ("0", "1", "2"):
            topic = f"interop/{version}/q{q}"
            s = Subscriber(b, [mo_sub, *p, "-V", version, "-t", topic, "-q", q, "-C", "1",
                               "-W", str(STEP_TIMEOUT)])
            if check(s.ready, f"{version} QoS {q}: mosquitto_sub subscribed"):
                r = run([mo_pub, *p, "-V", version, "-t", topic, "-m", f"hello {version} {q}",
                         "-q", q])
                check(r.returncode == 0, f"{version} QoS {q}: mosquitto_pub exit {r.returncode} "
                      f"{r.stderr!r}")
            status, out, err = s.finish()
            check(status == 0 and out == f"hello {version} {q}\n".encode(),
                  f"{version} QoS {q}: received {out!r} (exit {status}, {err!r})")

    # The seed scenario as typed, only the port added.
    s = Subscriber(b, [mo_sub, *p, "-t", "smarthome/lights/office", "-q", "1", "-C", "1",
                       "-W", str(STEP_TIMEOUT)])
    if s.ready:
        run([mo_pub, *p, "-t", "smarthome/lights/office", "-m", "ON", "-q", "1"])
    status, out, _ = s.finish()
    check(out == b"ON\n", f"seed: the phone app shows {out!r}")

    # Retained: set, replaced, delivered on subscribe with RETAIN, cleared by an empty payload.
    run([mo_pub, *p, "-t", "retained/lamp", "-m", "first", "-r", "-q", "1"])
    run([mo_pub, *p, "-t", "retained/lamp", "-m", "second", "-r", "-q", "1"])
    r = run([mo_sub, *p, "-t", "retained/#", "-C", "1", "-W", "5", "-F", "%r %t %p"])
    check(r.stdout == b"1 retained/lamp second\n", f"retained: got {r.stdout!r}")
    run([mo_pub, *p, "-t", "retained/lamp", "-n", "-r"])
    r = run([mo_sub, *p, "-t", "retained/#", "-C", "1", "-W", "1"])
    check(r.stdout == b"" and r.returncode == 27, f"retained cleared: got {r.stdout!r} "
          f"exit {r.returncode}")

    # Wildcards, and a '$' topic that a first-level wildcard does not match.
    s = Subscriber(b, [mo_sub, *p, "-t", "home/+/temp", "-t", "#", "-C", "2", "-v",
                       "-W", str(STEP_TIMEOUT)])
    if s.ready:
        run([mo_pub, *p, "-t", "$SYS/hidden", "-m", "no"])
        run([mo_pub, *p, "-t", "home/kitchen/temp", "-m", "21"])
    status, out, _ = s.finish()
    check(out == b"home/kitchen/temp 21\nhome/kitchen/temp 21\n" or
          out == b"home/kitchen/temp 21\n",
          f"wildcards: got {out!r}")
    check(b"$SYS" not in out, "wildcards: '#' does not match $SYS/hidden")

    # A will on SIGKILL of its client.
    watcher = Subscriber(b, [mo_sub, *p, "-t", "wills/#", "-C", "1", "-v", "-W",
                             str(STEP_TIMEOUT)])
    victim = Subscriber(b, [mo_sub, *p, "-t", "nothing", "-i", "victim", "--will-topic",
                            "wills/victim", "--will-payload", "died", "--will-qos", "1"])
    check(watcher.ready and victim.ready, "will: both clients subscribed")
    victim.kill(signal.SIGKILL)
    status, out, _ = watcher.finish()
    check(out == b"wills/victim died\n", f"will: watcher got {out!r}")
    check(b.wait_for("Client victim closed its connection.", 0),
          "will: 'Client victim closed its connection.' logged")

    # No will after a normal DISCONNECT.
    watcher = Subscriber(b, [mo_sub, *p, "-t", "wills2/#", "-C", "1", "-W", "2"])
    r = run([mo_pub, *p, "-t", "other", "-m", "x", "--will-topic", "wills2/polite",
             "--will-payload", "nope"])
    status, out, _ = watcher.finish()
    check(out == b"" and status == 27, f"no will after DISCONNECT: got {out!r}")

    # A persistent session: subscribe, go away, a message is queued, come back and get it.
    for version in ("mqttv311", "mqttv5"):
        ident = f"persist-{version}"
        extra = ["-x", "3600"] if version == "mqttv5" else []
        first = Subscriber(b, [mo_sub, *p, "-V", version, "-c", "-i", ident, "-q", "1",
                               "-t", f"persist/{version}", *extra])
        check(first.ready, f"persistent {version}: first connection subscribed")
        before = b.count(f"Client {ident} ")
        # SIGKILL, not SIGTERM: a client told to stop may still acknowledge (and not print) a
        # message that reaches it before its DISCONNECT reaches the broker.
        first.kill(signal.SIGKILL)
        check(b.wait_for(f"Client {ident} ", before),
              f"persistent {version}: the broker saw the first connection end")
        run([mo_pub, *p, "-V", version, "-t", f"persist/{version}", "-m", "queued", "-q", "1"])
        r = run([mo_sub, *p, "-V", version, "-c", "-i", ident, "-q", "1",
                 "-t", f"persist/{version}", "-C", "1", "-W", str(STEP_TIMEOUT - 1), *extra])
        if not check(r.stdout == b"queued\n", f"persistent {version}: reconnect got {r.stdout!r}"):
            print("\n".join(l for l in b.text().splitlines() if ident in l))


def shared_and_large_scenarios(b, mo_pub, mo_sub, workdir):
    p = ["-p", str(b.port)]
    # Shared subscriptions ($share/{ShareName}/{filter}): each message goes to one member of
    # the group, in 5.0 and, as mosquitto serves it, in 3.1.1; a plain subscriber gets them all.
    for version in ("mqttv5", "mqttv311"):
        topic = f"shared/{version}/lamp"
        members = [Subscriber(b, [mo_sub, *p, "-V", version, "-t", f"$share/group/{topic}",
                                  "-q", "1", "-C", "2", "-W", "5"]) for _ in range(2)]
        plain = Subscriber(b, [mo_sub, *p, "-V", version, "-t", topic, "-q", "1", "-C", "4",
                               "-W", "5"])
        if check(all(m.ready for m in members) and plain.ready,
                 f"shared {version}: the group and a plain subscriber subscribed"):
            for n in range(4):
                run([mo_pub, *p, "-V", version, "-t", topic, "-m", f"m{n}", "-q", "1"])
        got = sorted(line for m in members for line in m.finish()[1].split())
        check(got == [b"m0", b"m1", b"m2", b"m3"],
              f"shared {version}: the group got each message once between them: {got!r}")
        status, out, _ = plain.finish()
        check(out.split() == [b"m0", b"m1", b"m2", b"m3"],
              f"shared {version}: the plain subscriber got all four: {out!r}")

    # A 1 MiB payload at QoS 1, byte for byte (compared by SHA-256).
    payload = os.urandom(1 << 20)
    path = os.path.join(workdir, "one-mib.bin")
    with open(path, "wb") as f:
        f.write(payload)
    s = Subscriber(b, [mo_sub, *p, "-t", "large/file", "-q", "1", "-C", "1", "-N",
                       "-W", str(STEP_TIMEOUT)])
    if s.ready:
        r = run([mo_pub, *p, "-t", "large/file", "-f", path, "-q", "1"])
        check(r.returncode == 0, f"1 MiB: mosquitto_pub exit {r.returncode} {r.stderr!r}")
    status, out, _ = s.finish()
    check(hashlib.sha256(out).hexdigest() == hashlib.sha256(payload).hexdigest(),
          f"1 MiB: received {len(out)} bytes, SHA-256 "
          f"{'equal' if out == payload else 'different'}")


def paho_scenario(b):
    try:
        import paho.mqtt.client as mqtt
    except ImportError:
        check(False, f"paho-mqtt is not importable by {sys.executable}; {INSTALL}")
        return
    for name, proto in (("3.1.1", mqtt.MQTTv311), ("5.0", mqtt.MQTTv5)):
        got = []
        subscribed = threading.Event()
        arrived = threading.Event()
        sub = mqtt.Client(client_id=f"paho-sub-{name}", protocol=proto)
        sub.on_subscribe = lambda *args: subscribed.set()

        def on_message(client, userdata, message, got=got, arrived=arrived):
            got.append((message.topic, message.payload, message.qos))
            arrived.set()
        sub.on_message = on_message
        sub.connect("127.0.0.1", b.port, keepalive=30)
        sub.subscribe("paho/#", qos=1)
        sub.loop_start()
        try:
            if not check(subscribed.wait(STEP_TIMEOUT), f"paho {name}: SUBACK"):
                continue
            pub = mqtt.Client(client_id=f"paho-pub-{name}", protocol=proto)
            pub.connect("127.0.0.1", b.port, keepalive=30)
            pub.loop_start()
            info = pub.publish("paho/lights", b"ON", qos=1)
            info.wait_for_publish(timeout=STEP_TIMEOUT)
            check(info.is_published(), f"paho {name}: PUBACK")
            check(arrived.wait(STEP_TIMEOUT) and got == [("paho/lights", b"ON", 1)],
                  f"paho {name}: subscriber got {got!r}")
            pub.disconnect()
            pub.loop_stop()
        finally:
            sub.disconnect()
            sub.loop_stop()


def paho2_seed_scenario(b):
    """The seed's listener.py and client.py, unchanged but for their `PORT = 1883` line."""
    site = os.path.join(PAHO2_CACHE, "root", "usr", "lib", "python3", "dist-packages")
    if not os.path.isdir(os.path.join(site, "paho")):
        check(False, f"paho-mqtt 2 is missing from {PAHO2_CACHE}; fetch it with: sh "
              f"{os.path.join(HERE, 'fetch_paho2.sh')} {PAHO2_CACHE}")
        return
    env = dict(os.environ, PYTHONPATH=site)
    with tempfile.TemporaryDirectory() as scratch:
        scripts = {}
        for name in ("listener.py", "client.py"):
            with open(os.path.join(SEED, name)) as f:
                source = f.read()
            if not check(source.count("\nPORT = 1883\n") == 1,
                         f"paho 2 seed: {name} has one 'PORT = 1883' line"):
                return
            scripts[name] = os.path.join(scratch, name)
            with open(scripts[name], "w") as f:
                f.write(source.replace("\nPORT = 1883\n", f"\nPORT = {b.port}\n"))
        before = b.count("Sending SUBACK")
        listener = subprocess.Popen([sys.executable, scripts["listener.py"]], env=env,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        lines = []
        shown = threading.Event()

        def read_lines():
            for line in listener.stdout:
                lines.append(line.decode("utf-8", "replace").rstrip("\n"))
                if lines[-1] == "smarthome/lights/office: ON":
                    shown.set()
        reader = threading.Thread(target=read_lines, daemon=True)
        reader.start()
        try:
            if check(b.wait_for("Sending SUBACK", before), "paho 2 seed: listener.py subscribed"):
                r = subprocess.run([sys.executable, scripts["client.py"]], env=env,
                                   capture_output=True, timeout=STEP_TIMEOUT)
                check(r.returncode == 0 and
                      r.stdout == b"Published ON to smarthome/lights/office\n",
                      f"paho 2 seed: client.py exit {r.returncode}, printed {r.stdout!r} "
                      f"{r.stderr!r}")
                check(shown.wait(STEP_TIMEOUT), f"paho 2 seed: listener.py printed "
                      f"'smarthome/lights/office: ON' ({lines!r})")
            check(lines[:1] == ["Connected with result code Success"],
                  f"paho 2 seed: listener.py connected ({lines[:1]!r})")
        finally:
            listener.kill()
            _, err = listener.communicate(timeout=STEP_TIMEOUT)
            reader.join(timeout=STEP_TIMEOUT)
        if not shown.is_set():
            print("listener.py stderr:", err.decode("utf-8", "replace"))


def mqttjs_scenario(b):
    """examples/tests/mqttjs_peer.js: MQTT.js's checks, one 'ok:' line each, exit 0 for all."""
    interop_support.check_mqttjs_peer(b.port, "MQTT.js")


def mqttwire_clients_scenario(b, mq_pub, mq_sub):
    p = ["-p", str(b.port)]
    for version in ("mqttv31", "mqttv311", "mqttv5"):
        s = Subscriber(b, [mq_sub, *p, "-V", version, "-t", "mw/+", "-q", "2", "-C", "1", "-v",
                           "-W", str(STEP_TIMEOUT)])
        if s.ready:
            r = run([mq_pub, *p, "-V", version, "-t", "mw/x", "-m", "from mqttwire", "-q", "2"])
            check(r.returncode == 0, f"mqttwire-pub {version}: exit {r.returncode} {r.stderr!r}")
        status, out, err = s.finish()
        check(out == b"mw/x from mqttwire\n", f"mqttwire-sub {version}: got {out!r} {err!r}")


def log_checks(b):
    text = b.text()
    lines = [re.sub(r"^\d+: ", "", l) for l in text.splitlines()]
    check(all(re.match(r"^\d+: ", l) for l in text.splitlines() if l),
          "log: every line starts with '<unix seconds>: '")
    for expected in (
            "mqttwire-broker version ",
            "Using default config.",
            "Starting in local only mode. Connections will only be possible from clients running "
            "on this machine.",
            "Create a configuration file which defines a listener to allow remote access.",
            "For more details see https://mosquitto.org/documentation/authentication-methods/",
            f"Opening ipv4 listen socket on port {b.port}.",
            "No will message specified.",
            "Received SUBSCRIBE from ",
            "\tsmarthome/lights/office (QoS 1)",
            "Sending SUBACK to ",
            "Received PUBLISH from ",
            "Sending PUBACK to ",
            "Received PUBACK from ",
            "Received PUBREC from ",
            "Sending PUBREL to ",
            "Received PUBREL from ",
            "Sending PUBCOMP to ",
            "Received DISCONNECT from ",
            "Will message specified (4 bytes) (r0, q1).",
    ):
        check(any(l.startswith(expected) for l in lines), f"log: a line {expected!r}")
    patterns = (
        r"^New connection from 127\.0\.0\.1:\d+ on port \d+\.$",
        r"^New client connected from 127\.0\.0\.1:\d+ as victim \(p2, c1, k60\)\.$",
        r"^New client connected from 127\.0\.0\.1:\d+ as persist-mqttv5 \(p5, c0, k60\)\.$",
        r"^Sending CONNACK to persist-mqttv311 \(1, 0\)$",
        r"^Received PUBLISH from \S+ \(d0, q1, r0, m1, 'smarthome/lights/office', \.\.\. "
        r"\(2 bytes\)\)$",
        r"^Sending PUBLISH to \S+ \(d0, q1, r0, m\d+, 'smarthome/lights/office', \.\.\. "
        r"\(2 bytes\)\)$",
        r"^\S+ 1 smarthome/lights/office$",
        r"^Received PUBACK from \S+ \(Mid: \d+, RC:0\)$",
        r"^Client \S+ disconnected\.$",
        r"^Client victim closed its connection\.$",
    )
    for pattern in patterns:
        check(any(re.match(pattern, l) for l in lines), f"log: a line matching {pattern!r}")


def config_scenarios(program, workdir):
    bad = os.path.join(workdir, "bad.conf")
    with open(bad, "w") as f:
        f.write("allow_anonymous true\nfoo bar\n")
    r = run([program, "-c", bad])
    err = r.stderr.decode()
    check(r.returncode not in (0, None), f"config: an unknown option fails (exit {r.returncode})")
    check('Error: Unknown configuration variable "foo".' in err and f"{bad}:2." in err,
          f"config: the error names the option and its line: {err!r}")

    port = free_port()
    good = os.path.join(workdir, "good.conf")
    with open(good, "w") as f:
        f.write(f"listener {port} 127.0.0.1\nmax_keepalive 100\nmax_qos 2\n")
    b = Broker(program, workdir, ["-c", good], port=port)
    r = run([find_tool("mosquitto_pub"), "-p", str(port), "-t", "c", "-m", "x", "-q", "1"])
    check(r.returncode == 0, f"config: a client publishes through the configured listener")
    status = b.stop()
    text = b.text()
    check(f"Config loaded from {good}." in text, "config: 'Config loaded from' logged")
    check("local only mode" not in text, "config: a listener turns local only mode off")
    check(status == 0 and "terminating" in text, f"SIGTERM: clean exit {status}")


def main():
    if len(sys.argv) not in (2, 4):
        sys.exit(__doc__)
    program = sys.argv[1]
    mo_pub = find_tool("mosquitto_pub")
    mo_sub = find_tool("mosquitto_sub")
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as workdir:
        b = Broker(program, workdir)
        try:
            mosquitto_scenarios(b, mo_pub, mo_sub)
            shared_and_large_scenarios(b, mo_pub, mo_sub, workdir)
            paho_scenario(b)
            paho2_seed_scenario(b)
            mqttjs_scenario(b)
            if len(sys.argv) == 4:
                mqttwire_clients_scenario(b, sys.argv[2], sys.argv[3])
            log_checks(b)
        finally:
            status = b.stop()
        check(status == 0, f"SIGTERM: mqttwire-broker exited {status}")
        config_scenarios(program, workdir)
        if failures:
            print(b.text()[-4000:])
    took = time.monotonic() - started
    print(f"broker_interop: {len(failures)} failure(s) in {took:.1f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
