#!/usr/bin/env python3
"""mqttwire-pub and mqttwire-sub against Debian's mosquitto, mosquitto_pub and mosquitto_sub.

    clients_interop.py MQTTWIRE_PUB MQTTWIRE_SUB

Starts its own mosquitto on free loopback ports (one open, one refusing anonymous clients) and
checks, in both directions and between the mqttwire clients themselves: every protocol version
and QoS, retained messages set and cleared, the seed scenario as typed, a 1 MiB payload by hash,
a 64 MiB file streamed through both clients by hash with their peak memory bounded,
persistent sessions, a will on SIGKILL, refusals and -W, and the -d lines against
mosquitto_pub's. Every wait is bounded. Without mosquitto it fails, saying how to install it.
"""
import hashlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

import interop_support
from interop_support import STEP_TIMEOUT, failures, free_port

INSTALL = "install with: apt-get install -y mosquitto mosquitto-clients"
STDBUF = [shutil.which("stdbuf"), "-oL"] if shutil.which("stdbuf") else []


def find_tool(name):
    return interop_support.find_tool(name, "clients_interop", INSTALL)


def check(condition, what):
    return interop_support.check(condition, what, show_ok=False)


class Broker:
    def __init__(self, mosquitto, workdir, name, extra="", port=None):
        self.port = port or free_port()
        conf = os.path.join(workdir, name + ".conf")
        # Its own log file, which mosquitto flushes line by line (stdout it does not): the
        # test reads from it when a subscription is in place. mosquitto started as root runs
        # as user mosquitto, so the file's directory is open to it.
        logs = os.path.join(workdir, "logs")
        os.makedirs(logs, exist_ok=True)
        os.chmod(logs, 0o777)
        os.chmod(workdir, 0o755)
        self.log_file = os.path.join(logs, name + ".log")
        with open(conf, "w") as f:
            f.write(extra if extra.startswith("listener") else
                    f"listener {self.port} 127.0.0.1\n{extra}")
            f.write(f"log_type all\nlog_dest file {self.log_file}\n")
        self.log = open(os.path.join(workdir, name + ".log"), "w")
        self.process = subprocess.Popen([mosquitto, "-c", conf], stdout=self.log,
                                        stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        unix_path = re.search(r"listener 0 (\S+)", extra)
        while time.monotonic() < deadline:
            try:
                if unix_path:
                    with socket.socket(socket.AF_UNIX) as u:
                        u.connect(unix_path.group(1))
                else:
                    socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.05)
        self.stop()
        sys.exit(f"clients_interop: mosquitto ({name}) did not listen within 10 s")

    def subacks(self):
        """How many SUBACKs the broker has sent so far."""
        try:
            with open(self.log_file, "rb") as f:
                return f.read().count(b"Sending SUBACK")
        except OSError:
            return 0

    def wait_for_suback(self, before):
        deadline = time.monotonic() + STEP_TIMEOUT
        while self.subacks() <= before and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.subacks() > before

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def run(cmd, stdin=None):
    return subprocess.run(cmd, input=stdin, capture_output=True, timeout=STEP_TIMEOUT)


class Subscriber:
    """A subscriber started with -d, ready once it printed its 'Subscribed' line."""

    def __init__(self, cmd):
        # mosquitto_sub does not flush its trace lines into a pipe: stdbuf makes stdout lines.
        self.process = subprocess.Popen(STDBUF + cmd + ["-d"], stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE)
        self.head = b""
        deadline = time.monotonic() + STEP_TIMEOUT
        os.set_blocking(self.process.stdout.fileno(), False)
        while b"Subscribed (mid:" not in self.head and time.monotonic() < deadline:
            chunk = self.process.stdout.read()
            if chunk:
                self.head += chunk
            elif self.process.poll() is not None:
                break
            else:
                time.sleep(0.01)
        os.set_blocking(self.process.stdout.fileno(), True)
        self.ready = b"Subscribed (mid:" in self.head

    def finish(self):
        """Waits for the subscriber to exit; returns (status, stdout, stderr)."""
        try:
            out, err = self.process.communicate(timeout=STEP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            out, err = self.process.communicate()
            return None, self.head + out, err
        return self.process.returncode, self.head + out, err


def payload_lines(debug_output):
    """The lines of a -d subscriber's output that are not its trace."""
    return [line for line in debug_output.split(b"\n")
            if line and not line.startswith(b"Client ") and not line.startswith(b"Subscribed (")]


def normalise_trace(text):
    """Generated ids: mosq-... (3.1, by the client) and auto-... (assigned by mosquitto)."""
    text = re.sub(rb"mosq-[A-Za-z0-9]+", b"mosq-ID", text)
    return re.sub(rb"auto-[0-9A-F-]+", b"auto-ID", text)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    mq_pub, mq_sub = sys.argv[1], sys.argv[2]
    mosquitto = find_tool("mosquitto")
    mo_pub = find_tool("mosquitto_pub")
    mo_sub = find_tool("mosquitto_sub")
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as workdir:
        broker = Broker(mosquitto, workdir, "open", "allow_anonymous true\n")
        refusing = Broker(mosquitto, workdir, "refusing", "allow_anonymous false\n")
        try:
            scenarios(broker, refusing.port, workdir, mq_pub, mq_sub, mo_pub, mo_sub)
            reconnect_scenario(mosquitto, workdir, mq_sub, mo_pub)
            unix_socket_scenario(mosquitto, workdir, mq_pub, mq_sub, mo_pub, mo_sub)
        finally:
            broker.stop()
            refusing.stop()
    took = time.monotonic() - started
    print(f"clients_interop: {len(failures)} failure(s) in {took:.1f} s")
    return 1 if failures else 0


def scenarios(broker, refusing_port, workdir, mq_pub, mq_sub, mo_pub, mo_sub):
    p = ["-p", str(broker.port)]

    # The seed scenario, as typed (only the port added): the phone app shows ON. Published
    # once the broker has answered the subscription (its log says so).
    before = broker.subacks()
    seed = subprocess.Popen([mq_sub, *p, "-t", "smarthome/lights/office", "-q", "1"],
                            stdout=subprocess.PIPE)
    if check(broker.wait_for_suback(before), "seed: mqttwire-sub did not subscribe"):
        r = run([mq_pub, *p, "-t", "smarthome/lights/office", "-m", "ON"])
        check(r.returncode == 0, f"seed: mqttwire-pub exit {r.returncode} {r.stderr!r}")
    deadline = time.monotonic() + STEP_TIMEOUT
    shown = b""
    os.set_blocking(seed.stdout.fileno(), False)
    while time.monotonic() < deadline and b"ON\n" not in shown:
        chunk = seed.stdout.read()
        if chunk:
            shown += chunk
        else:
            time.sleep(0.02)
    time.sleep(0.2)  # anything more it would print
    shown += seed.stdout.read() or b""
    seed.terminate()
    seed.wait(timeout=5)
    check(shown == b"ON\n", f"seed: mqttwire-sub showed {shown!r}, not b'ON\\n'")

    # Every version and QoS, each direction and mqttwire to mqttwire.
    pairs = [("mqttwire-pub -> mosquitto_sub", mq_pub, mo_sub),
             ("mosquitto_pub -> mqttwire-sub", mo_pub, mq_sub),
             ("mqttwire-pub -> mqttwire-sub", mq_pub, mq_sub)]
    for version in ["31", "311", "5"]:
        for qos in ["0", "1", "2"]:
            for label, pub, sub in pairs:
                what = f"{label} -V {version} -q {qos}"
                topic = f"matrix/{version}/{qos}/{label[:8]}"
                message = f"hello {version} {qos}"
                s = Subscriber([sub, *p, "-V", version, "-q", qos, "-t", topic, "-C", "1", "-v"])
                if not check(s.ready, f"{what}: subscriber not ready"):
                    s.finish()
                    continue
                # --nodelay (TCP_NODELAY) on every mqttwire publisher of the matrix.
                nodelay = ["--nodelay"] if pub == mq_pub else []
                r = run([pub, *p, "-V", version, "-q", qos, "-t", topic, "-m", message, *nodelay])
                check(r.returncode == 0, f"{what}: publisher exit {r.returncode} {r.stderr!r}")
                status, out, err = s.finish()
                check(status == 0, f"{what}: subscriber exit {status} {err!r}")
                check(payload_lines(out) == [f"{topic} {message}".encode()],
                      f"{what}: subscriber printed {payload_lines(out)!r}")
                check(f"received PUBLISH (d0, q{qos}, r0,".encode() in out,
                      f"{what}: not received at QoS {qos}: {out!r}")

    # -d lines of mqttwire-sub against mosquitto_sub's, both subscribed to the same message.
    for version in ["31", "311", "5"]:
        for qos in ["0", "1", "2"]:
            topic = f"trace/{version}/{qos}"
            cmd = [*p, "-V", version, "-q", qos, "-t", topic, "-C", "1", "-i", "watcher" + qos]
            # Each under its own id (a second connection with one id takes the first over).
            ours, theirs = Subscriber([mq_sub, *cmd[:-1], cmd[-1] + "a"]), Subscriber(
                [mo_sub, *cmd[:-1], cmd[-1] + "b"])
            if not check(ours.ready and theirs.ready, f"sub -d -V {version} -q {qos}: not ready"):
                ours.finish(), theirs.finish()
                continue
            run([mo_pub, *p, "-V", version, "-q", qos, "-t", topic, "-m", "ON"])
            (s1, o1, _), (s2, o2, _) = ours.finish(), theirs.finish()
            o1 = o1.replace(b"watcher" + qos.encode() + b"a", b"ID")
            o2 = o2.replace(b"watcher" + qos.encode() + b"b", b"ID")
            check(s1 == s2 == 0 and o1 == o2 and b"received PUBLISH" in o1,
                  f"sub -d -V {version} -q {qos}: {s1} {o1!r} vs {s2} {o2!r}")

    # -E, -U and --retained-only, side by side on the same retained messages.
    run([mo_pub, *p, "-t", "kept/1", "-m", "one", "-r"])
    run([mo_pub, *p, "-t", "kept/2", "-m", "two", "-r"])
    for extra in [["-E", "-d"], ["-t", "x", "-U", "x", "-d", "-W", "1"],
                  ["--retained-only", "-v", "-W", "1"], ["-R", "-d", "-W", "1"]]:
        cmd = [*p, "-t", "kept/#", *extra]
        ours, theirs = run([mq_sub, *cmd]), run([mo_sub, *cmd])
        check((ours.returncode, ours.stdout, ours.stderr) ==
              (theirs.returncode, theirs.stdout, theirs.stderr),
              f"sub {extra}: {ours.returncode} {ours.stdout!r} {ours.stderr!r} vs "
              f"{theirs.returncode} {theirs.stdout!r} {theirs.stderr!r}")
    run([mo_pub, *p, "-t", "kept/1", "-n", "-r"])
    run([mo_pub, *p, "-t", "kept/2", "-n", "-r"])

    # 5.0 properties given with -D pass through, read back with -F by the other side's sub.
    props = ["-D", "publish", "user-property", "room", "office", "-D", "publish", "content-type",
             "text/plain", "-D", "publish", "response-topic", "reply/here", "-D", "publish",
             "correlation-data", "c0ffee", "-D", "publish", "payload-format-indicator", "1"]
    for label, pub, sub in pairs:
        s = Subscriber([sub, *p, "-V", "5", "-t", "props", "-C", "1", "-F", "%C|%P|%R|%D|%F|%p"])
        if not check(s.ready, f"-D {label}: subscriber not ready"):
            s.finish()
            continue
        run([pub, *p, "-V", "5", "-t", "props", "-m", "ON", *props])
        status, out, err = s.finish()
        check(payload_lines(out) == [b"text/plain|room:office|reply/here|c0ffee|1|ON"],
              f"-D {label}: {payload_lines(out)!r} {err!r}")

    # Retained: set, seen by a later subscriber of either kind, cleared.
    for version in ["311", "5"]:
        topic = f"retained/{version}"
        r = run([mq_pub, *p, "-V", version, "-t", topic, "-m", "kept", "-r", "-q", "1"])
        check(r.returncode == 0, f"retained set -V {version}: exit {r.returncode}")
        for sub in [mq_sub, mo_sub]:
            r = run([sub, *p, "-V", version, "-t", topic, "-C", "1", "-v", "-W", "5"])
            check(r.stdout == f"{topic} kept\n".encode(),
                  f"retained -V {version} via {os.path.basename(sub)}: {r.stdout!r} {r.stderr!r}")
        r = run([mq_pub, *p, "-V", version, "-t", topic, "-n", "-r"])
        check(r.returncode == 0, f"retained clear -V {version}: exit {r.returncode}")
        for sub in [mq_sub, mo_sub]:
            r = run([sub, *p, "-V", version, "-t", topic, "-C", "1", "-W", "1"])
            check(r.returncode == 27 and r.stdout == b"" and r.stderr == b"Timed out\n",
                  f"retained cleared -V {version} via {os.path.basename(sub)}: "
                  f"exit {r.returncode} {r.stdout!r} {r.stderr!r}")

    # 1 MiB of random bytes, compared by hash, both directions.
    big = os.path.join(workdir, "big.bin")
    data = os.urandom(1 << 20)
    with open(big, "wb") as f:
        f.write(data)
    digest = hashlib.sha256(data).hexdigest()
    # Retained, so the subscriber needs no -d to know when to start: its output is the payload.
    for label, pub, sub in pairs:
        r = run([pub, *p, "-q", "1", "-t", "big", "-r", "-f", big])
        check(r.returncode == 0, f"1 MiB {label}: publisher exit {r.returncode} {r.stderr!r}")
        r = run([sub, *p, "-q", "1", "-t", "big", "-C", "1", "-N", "-W", "5"])
        check(r.returncode == 0 and hashlib.sha256(r.stdout).hexdigest() == digest,
              f"1 MiB {label}: exit {r.returncode}, {len(r.stdout)} bytes, hash differs")
    run([mq_pub, *p, "-t", "big", "-r", "-n"])

    large_payload_scenario(broker, workdir, mq_pub, mq_sub, mo_sub)

    # Persistent session: what is published while the subscriber is away arrives on reconnect.
    for version, extra in [("311", []), ("5", ["-x", "60"])]:
        ident = f"persistent-{version}"
        base = [mq_sub, *p, "-V", version, "-q", "1", "-t", f"away/{version}", "-c", "-i", ident,
                *extra]
        r = run(base + ["-E"])
        check(r.returncode == 0, f"persistent -V {version}: first connection exit {r.returncode}")
        r = run([mq_pub, *p, "-V", version, "-q", "1", "-t", f"away/{version}", "-m", "queued"])
        check(r.returncode == 0, f"persistent -V {version}: publish exit {r.returncode}")
        r = run(base + ["-C", "1", "-W", "5"])
        check(r.returncode == 0 and r.stdout == b"queued\n",
              f"persistent -V {version}: got {r.stdout!r} exit {r.returncode} {r.stderr!r}")

    # A will, sent by the broker when the connection dies without DISCONNECT.
    watcher = Subscriber([mo_sub, *p, "-t", "will/topic", "-C", "1", "-q", "1"])
    victim = subprocess.Popen([mq_sub, *p, "-t", "will/other", "--will-topic", "will/topic",
                               "--will-payload", "gone", "--will-qos", "1", "-d"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + STEP_TIMEOUT
    line = b""
    while b"Subscribed" not in line and time.monotonic() < deadline:
        line = victim.stdout.readline()
        if not line:
            break
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=5)
    status, out, err = watcher.finish()
    check(payload_lines(out) == [b"gone"], f"will on SIGKILL: watcher printed {out!r}")

    # Refused: the CONNACK's code is the exit status, with mosquitto_pub's own lines.
    for version in ["311", "5"]:
        cmd = ["-p", str(refusing_port), "-V", version, "-t", "t", "-m", "m"]
        ours, theirs = run([mq_pub, *cmd]), run([mo_pub, *cmd])
        check(ours.returncode == theirs.returncode and ours.returncode != 0,
              f"refused -V {version}: exit {ours.returncode}, mosquitto_pub {theirs.returncode}")
        check(ours.stderr == theirs.stderr,
              f"refused -V {version}: {ours.stderr!r} vs {theirs.stderr!r}")
        sub_cmd = ["-p", str(refusing_port), "-V", version, "-t", "t"]
        ours, theirs = run([mq_sub, *sub_cmd]), run([mo_sub, *sub_cmd])
        check(ours.returncode == theirs.returncode and ours.stderr == theirs.stderr,
              f"refused sub -V {version}: {ours.returncode} {ours.stderr!r} vs "
              f"{theirs.returncode} {theirs.stderr!r}")

    # -d lines of mqttwire-pub against mosquitto_pub's, on a topic nobody subscribes to.
    for version in ["31", "311", "5"]:
        for qos in ["0", "1", "2"]:
            for ident in [[], ["-i", "light-switch"]]:
                cmd = [*p, "-V", version, "-q", qos, "-t", "nobody/listens", "-m", "ON", "-d",
                       *ident]
                ours, theirs = run([mq_pub, *cmd]), run([mo_pub, *cmd])
                check(normalise_trace(ours.stdout) == normalise_trace(theirs.stdout) and
                      ours.returncode == theirs.returncode,
                      f"-d -V {version} -q {qos} {ident}: {ours.stdout!r} vs {theirs.stdout!r}")
    # ... and of --repeat, -r, -n.
    for extra in [["--repeat", "3", "-q", "1"], ["-r", "-n", "-q", "2"], ["-l", "-q", "1"],
                  ["-V", "5", "-D", "publish", "topic-alias", "1", "--repeat", "3", "-q", "1"]]:
        cmd = [*p, "-t", "nobody/listens", "-d", "-i", "x", *extra]
        if "-n" not in extra and "-l" not in extra:
            cmd += ["-m", "ON"]
        ours = run([mq_pub, *cmd], stdin=b"line 1\nline 2\n")
        theirs = run([mo_pub, *cmd], stdin=b"line 1\nline 2\n")
        # With -l the acknowledgements interleave with the lines as the timing falls, in
        # mosquitto_pub as in ours: the same lines, in any order.
        same = (sorted(ours.stdout.split(b"\n")) == sorted(theirs.stdout.split(b"\n"))
                if "-l" in extra else ours.stdout == theirs.stdout)
        check(same, f"-d {extra}: {ours.stdout!r} vs {theirs.stdout!r}")

    bad_broker_scenario(mq_sub)

    # A topic longer than libmosquitto's trace buffer: the line is cut where mosquitto cuts it.
    cmd = [*p, "-t", "long/" + "t" * 1000, "-m", "x", "-d", "-i", "x", "-q", "1"]
    ours, theirs = run([mq_pub, *cmd]), run([mo_pub, *cmd])
    check(ours.stdout == theirs.stdout, f"-d long topic: {ours.stdout!r} vs {theirs.stdout!r}")

    # -W: exit status 27 and "Timed out", as mosquitto_sub.
    ours = run([mq_sub, *p, "-t", "quiet/topic", "-W", "1"])
    check(ours.returncode == 27 and ours.stderr == b"Timed out\n",
          f"-W 1: exit {ours.returncode} {ours.stderr!r}")

    # Unreachable: a port nobody listens on.
    closed = ["-p", str(free_port()), "-t", "t", "-m", "m"]
    ours, theirs = run([mq_pub, *closed]), run([mo_pub, *closed])
    check(ours.returncode == theirs.returncode and ours.stderr == theirs.stderr,
          f"unreachable: {ours.returncode} {ours.stderr!r} vs {theirs.returncode} {theirs.stderr!r}")


def reconnect_scenario(mosquitto, workdir, mq_sub, mo_pub):
    """The broker restarts under a subscriber: as mosquitto_sub, it connects again and
    subscribes again, and gets what is published then."""
    broker = Broker(mosquitto, workdir, "restarting", "allow_anonymous true\n")
    port = broker.port
    s = Subscriber([mq_sub, "-p", str(port), "-t", "again", "-C", "1", "-W", "8"])
    check(s.ready, "reconnect: subscriber not ready")
    broker.stop()
    broker = Broker(mosquitto, workdir, "restarted", "allow_anonymous true\n", port=port)
    try:
        deadline = time.monotonic() + 5
        status = None
        while time.monotonic() < deadline and status is None:
            run([mo_pub, "-p", str(port), "-t", "again", "-m", "back"])
            time.sleep(0.3)
            status = s.process.poll()
        status, out, err = s.finish()
        check(status == 0 and payload_lines(out) == [b"back"],
              f"reconnect: exit {status}, printed {out!r} {err!r}")
    finally:
        broker.stop()


def unix_socket_scenario(mosquitto, workdir, mq_pub, mq_sub, mo_pub, mo_sub):
    """--unix: a broker listening on a unix-domain socket only, both directions."""
    # mosquitto started as root runs as user mosquitto: the socket's directory must let it in.
    sockets = os.path.join(workdir, "sockets")
    os.mkdir(sockets)
    os.chmod(sockets, 0o777)
    os.chmod(workdir, 0o755)
    path = os.path.join(sockets, "broker.sock")
    broker = Broker(mosquitto, workdir, "unix", f"listener 0 {path}\nallow_anonymous true\n")
    try:
        for label, pub, sub in [("mqttwire-pub -> mosquitto_sub", mq_pub, mo_sub),
                                ("mosquitto_pub -> mqttwire-sub", mo_pub, mq_sub)]:
            s = Subscriber([sub, "--unix", path, "-t", "local", "-C", "1", "-q", "1"])
            if not check(s.ready, f"--unix {label}: subscriber not ready"):
                s.finish()
                continue
            r = run([pub, "--unix", path, "-t", "local", "-m", "via unix", "-q", "1"])
            check(r.returncode == 0, f"--unix {label}: publisher exit {r.returncode} {r.stderr!r}")
            status, out, err = s.finish()
            check(status == 0 and payload_lines(out) == [b"via unix"],
                  f"--unix {label}: {status} {out!r} {err!r}")
    finally:
        broker.stop()


PEAK_RSS_LIMIT_KIB = 16 * 1024
# AddressSanitizer (CI stage 3) maps shadow memory and keeps freed blocks in quarantine, which
# RSS counts: an instrumented client gets this much more room, and a small quarantine.
ASAN_RSS_ALLOWANCE_KIB = 32 * 1024


def peak_rss_limit_kib(program):
    with open(program, "rb") as f:
        instrumented = b"__asan_init" in f.read()
    return PEAK_RSS_LIMIT_KIB + (ASAN_RSS_ALLOWANCE_KIB if instrumented else 0)


GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None


def measured(cmd, report):
    """`cmd` under GNU time writing its peak RSS to `report`: a fork of Python would count
    the interpreter's own memory (exec keeps the high-water mark), time's fork does not."""
    return [GNU_TIME, "-f", "%M", "-o", report, *cmd] if GNU_TIME else cmd


def wait_measured(process, report, timeout):
    """Waits for `process` within `timeout` s: (exit status or None, peak RSS KiB, seconds).
    Without GNU time the peak is /proc's VmHWM, polled until the process exits."""
    began = time.monotonic()
    deadline = began + timeout
    peak = 0
    while process.poll() is None and time.monotonic() < deadline:
        if not GNU_TIME:
            try:
                with open(f"/proc/{process.pid}/status") as f:
                    for line in f:
                        if line.startswith("VmHWM:"):
                            peak = max(peak, int(line.split()[1]))
            except OSError:
                pass
        time.sleep(0.005)
    took = time.monotonic() - began
    if process.poll() is None:
        process.kill()
        process.wait()
        return None, peak, took
    if GNU_TIME:
        try:
            with open(report) as f:
                peak = int(f.read().strip().split()[-1])
        except (OSError, ValueError, IndexError):
            peak = -1
    return process.returncode, peak, took


def large_payload_scenario(broker, workdir, mq_pub, mq_sub, mo_sub):
    """64 MiB at QoS 1: mqttwire-pub -f streams it, mqttwire-sub -N streams it out, neither
    holding it (peak RSS below 16 MiB); mosquitto_sub receives the same bytes."""
    p = ["-p", str(broker.port)]
    began = time.monotonic()
    path = os.path.join(workdir, "large.bin")
    digest = hashlib.sha256()
    with open(path, "wb") as f:
        for _ in range(64):
            block = os.urandom(1 << 20)
            digest.update(block)
            f.write(block)
    digest = digest.hexdigest()
    outputs = {name: os.path.join(workdir, f"large.{name}.out")
               for name in ("mqttwire-sub", "mosquitto_sub")}
    subscribers = {}
    before = broker.subacks()
    for name, sub in (("mqttwire-sub", mq_sub), ("mosquitto_sub", mo_sub)):
        cmd = [sub, *p, "-q", "1", "-t", "large", "-C", "1", "-N", "-W", str(STEP_TIMEOUT)]
        with open(outputs[name], "wb") as out:
            subscribers[name] = subprocess.Popen(measured(cmd, outputs[name] + ".rss"),
                                                 stdout=out, stderr=subprocess.PIPE)
    deadline = time.monotonic() + STEP_TIMEOUT
    while broker.subacks() < before + 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    if not check(broker.subacks() >= before + 2, "64 MiB: the subscribers did not subscribe"):
        for s in subscribers.values():
            s.kill()
            s.wait()
        return
    report = path + ".rss"
    publisher = subprocess.Popen(measured([mq_pub, *p, "-q", "1", "-t", "large", "-f", path],
                                          report), stderr=subprocess.PIPE)
    status, rss, took = wait_measured(publisher, report, STEP_TIMEOUT)
    print(f"clients_interop: 64 MiB mqttwire-pub -f: {took:.2f} s, peak RSS {rss} KiB",
          flush=True)
    check(status == 0, f"64 MiB mqttwire-pub: exit {status} {publisher.stderr.read()!r}")
    check(0 < rss < peak_rss_limit_kib(mq_pub), f"64 MiB mqttwire-pub: peak RSS {rss} KiB")
    for name, s in subscribers.items():
        status, rss, took = wait_measured(s, outputs[name] + ".rss", STEP_TIMEOUT)
        with open(outputs[name], "rb") as f:
            got = hashlib.sha256(f.read()).hexdigest()
        check(status == 0 and got == digest,
              f"64 MiB to {name}: exit {status}, hash differs or {s.stderr.read()!r}")
        if name == "mqttwire-sub":
            print(f"clients_interop: 64 MiB mqttwire-sub -N: {took:.2f} s after the publisher, "
                  f"peak RSS {rss} KiB", flush=True)
            check(0 < rss < peak_rss_limit_kib(mq_sub), f"64 MiB mqttwire-sub: peak RSS {rss} KiB")
        os.unlink(outputs[name])
    os.unlink(path)

    # Past the protocol's limit: one line, before anything is sent (a sparse file: no disk).
    huge = os.path.join(workdir, "huge.bin")
    with open(huge, "wb") as f:
        f.truncate(300 << 20)
    r = run([mq_pub, *p, "-t", "large", "-f", huge])
    lines = r.stderr.decode(errors="replace").strip().split("\n")
    check(r.returncode != 0 and len(lines) == 1 and "too large" in lines[0],
          f"300 MiB file: exit {r.returncode} {r.stderr!r}")
    os.unlink(huge)
    r = run([mq_pub, *p, "-t", "large", "-f", os.path.join(workdir, "missing.bin")])
    check(r.returncode != 0 and r.stderr.endswith(b'Unable to read file "' +
                                                  os.path.join(workdir, "missing.bin").encode() +
                                                  b'".\n'),
          f"missing file: exit {r.returncode} {r.stderr!r}")
    print(f"clients_interop: 64 MiB scenario took {time.monotonic() - began:.1f} s", flush=True)


def recv_packet(conn):
    """One whole packet from a blocking socket (the fixed header's length, then the rest)."""
    data = b""
    while len(data) < 2 or (data[-1] & 0x80 and len(data) < 5):
        chunk = conn.recv(1)
        if not chunk:
            return data
        data += chunk
    length, shift = 0, 0
    for b in data[1:]:
        length |= (b & 0x7F) << shift
        shift += 7
    total = len(data) + length
    while len(data) < total:
        chunk = conn.recv(total - len(data))
        if not chunk:
            break
        data += chunk
    return data


def bad_broker_scenario(mq_sub):
    """A server that sends a PUBLISH with a wildcard in its Topic Name, which no broker may."""
    for version in ["311", "5"]:
        v5 = version == "5"
        server = socket.socket()
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        server.settimeout(STEP_TIMEOUT)
        received = []

        def serve():
            try:
                conn, _ = server.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(3)
                try:
                    recv_packet(conn)  # CONNECT
                    conn.sendall(b"\x20\x03\x00\x00\x00" if v5 else b"\x20\x02\x00\x00")
                    recv_packet(conn)  # SUBSCRIBE, packet identifier 1
                    conn.sendall(b"\x90\x04\x00\x01\x00\x00" if v5 else b"\x90\x03\x00\x01\x00")
                    conn.sendall(b"\x30\x06\x00\x03a/#\x00" if v5 else b"\x30\x05\x00\x03a/#")
                    while True:
                        chunk = conn.recv(65536)
                        if not chunk:
                            break
                        received.append(chunk)
                except OSError:
                    pass

        thread = threading.Thread(target=serve)
        thread.start()
        began = time.monotonic()
        r = run([mq_sub, "-p", str(server.getsockname()[1]), "-V", version, "-t", "a/+"])
        took = time.monotonic() - began
        thread.join(timeout=STEP_TIMEOUT)
        server.close()
        what = f"malformed PUBLISH from the server, -V {version}"
        check(r.returncode != 0 and took < 3, f"{what}: exit {r.returncode} after {took:.1f} s")
        lines = r.stderr.decode(errors="replace").strip().split("\n")
        check(len(lines) == 1 and "topic_name" in lines[0] and r.stdout == b"",
              f"{what}: printed {r.stdout!r} / {r.stderr!r}")
        sent = b"".join(received)
        # 5.0: DISCONNECT with the codec's reason code, Topic Name invalid (0x90), before closing.
        expected = b"\xe0\x01\x90" if v5 else b""
        check(sent == expected, f"{what}: the client sent {sent!r} after it, not {expected!r}")


if __name__ == "__main__":
    sys.exit(main())
