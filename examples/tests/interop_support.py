"""What the interop scripts share: the list of failed checks, finding a peer program, a free
loopback port, and mqttwire-broker run with -v into a log file the checks read."""
import os
import shutil
import signal
import socket
import subprocess
import sys
import time

STEP_TIMEOUT = 10  # seconds any one client or exchange may take
HERE = os.path.dirname(os.path.abspath(__file__))
# Where .ci/run stage 0 puts npm's mqtt (MQTT.js); the tests never download it.
NPM_CACHE = os.environ.get("MQTTWIRE_NPM_CACHE", os.path.expanduser("~/.cache/mqttwire/npm"))
failures = []


def check(condition, what, show_ok=True):
    """Records `what` as failed unless `condition`; prints the verdict. Returns `condition`."""
    if not condition:
        failures.append(what)
        print("FAIL:", what, flush=True)
    elif show_ok:
        print("ok:", what, flush=True)
    return condition


def find_tool(name, suite, install):
    """The path of program `name` (also in /usr/sbin), or the suite stops with `install`."""
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin:/usr/bin")
    if not found:
        sys.exit(f"{suite}: {name} not found; {install}")
    return found


def mqttjs_missing():
    """Why MQTT.js cannot run here, with the command that fixes it; None when it can."""
    if not (shutil.which("node") or shutil.which("node", path="/usr/bin")):
        return "node not found; install with: apt-get install -y nodejs npm"
    if not os.path.isfile(os.path.join(NPM_CACHE, "node_modules", "mqtt", "package.json")):
        return (f"MQTT.js is missing from {NPM_CACHE}; install with: npm install --prefix "
                f"{NPM_CACHE} mqtt@5")
    return None


def check_mqttjs_peer(target, label):
    """Runs mqttjs_peer.js against `target` (a port or a ws:// URL): its five checks, one
    'ok:' line each, must all pass; counted, so that a script that stops early cannot pass."""
    missing = mqttjs_missing()
    if missing:
        check(False, f"{label}: {missing}")
        return
    node = shutil.which("node") or shutil.which("node", path="/usr/bin")
    try:
        r = subprocess.run([node, os.path.join(HERE, "mqttjs_peer.js"), str(target)],
                           env=dict(os.environ, NODE_PATH=os.path.join(NPM_CACHE, "node_modules")),
                           capture_output=True, timeout=60)
    except subprocess.TimeoutExpired as e:
        r = subprocess.CompletedProcess(e.cmd, None, e.stdout or b"", e.stderr or b"")
    out = r.stdout.decode("utf-8", "replace")
    for line in out.splitlines():
        print(f"  {label}", line, flush=True)
    check(r.returncode == 0 and out.count("ok: ") == 5,
          f"{label}: mqttjs_peer.js exit {r.returncode} {r.stderr.decode('utf-8', 'replace')!r}")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LoggedBroker:
    """mqttwire-broker -v on a free loopback port (or with `args` holding -c), its output in a
    log file; ready once it accepts a connection."""

    def __init__(self, program, workdir, suite, args=(), port=None, env=None):
        self.port = port or free_port()
        self.log_path = os.path.join(workdir, f"broker-{self.port}.log")
        self.log = open(self.log_path, "wb")
        cmd = [program, "-v", *args]
        if "-c" not in args:
            cmd += ["-p", str(self.port)]
        self.process = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + STEP_TIMEOUT
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.05)
        self.kill()
        sys.exit(f"{suite}: mqttwire-broker did not listen within {STEP_TIMEOUT} s:\n"
                 f"{self.text()}")

    def text(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def count(self, needle):
        return self.text().count(needle)

    def wait_for(self, needle, before=0, timeout=STEP_TIMEOUT):
        """Until the log holds `needle` more than `before` times (bounded by `timeout`)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.count(needle) > before:
                return True
            time.sleep(0.02)
        return False

    def rss_kib(self):
        with open(f"/proc/{self.process.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return None

    def stop(self):
        """SIGTERM: a clean shutdown; returns the exit status (None if it had to be killed)."""
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.kill()
            return None

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=5)
        self.log.close()
