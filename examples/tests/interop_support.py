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
