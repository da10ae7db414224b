"""A production-like multi-process Odoo (`--workers=N`) started beside an existing database.

For the live tests and benches that need prefork workers, not the threaded server the runners
start: `PreforkServer(src, addons, db, log).start()` ... `.stop()`. Stdlib only; the server is
in its own process group and gets SIGTERM if the caller dies (even by SIGKILL).
"""
import ctypes
import os
import signal
import socket
import subprocess
import time
import urllib.request


def free_port(exclude=()):
    """A TCP port nobody listens on (the kernel's choice), not in `exclude`."""
    for _ in range(50):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        if port not in exclude:
            return port
    raise RuntimeError("no free port")


def wait_http(url, timeout, process=None):
    """True as soon as `url` answers 200; False on timeout or when `process` has exited."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                if response.status == 200:
                    return True
        except Exception:  # noqa: BLE001 - not up yet
            pass
        time.sleep(0.5)
    return False


def die_with_parent():
    """preexec_fn: the child gets SIGTERM if its parent dies, even by SIGKILL (Linux prctl)."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


class PreforkServer:
    """odoo-bin --workers=N on `db` (which must have the modules installed), 127.0.0.1 only.

    `extra` options are appended (e.g. limits). `url` is set once started."""

    def __init__(self, src, addons, db, log, python="/usr/bin/python3", workers=2,
                 port=None, gevent_port=None, extra=()):
        self.src, self.addons, self.db, self.log = src, addons, db, log
        self.python, self.workers, self.extra = python, workers, list(extra)
        self.port = port or free_port()
        self.gevent_port = gevent_port or free_port(exclude={self.port})
        self.process = None
        self.url = f"http://127.0.0.1:{self.port}"

    def start(self, timeout=180):
        conf = os.path.splitext(self.log)[0] + ".conf"
        with open(conf, "w") as handle:
            handle.write("[options]\n")  # never pick up a ~/.odoorc
        command = [self.python, "odoo-bin", f"--config={conf}", f"--addons-path={self.addons}",
                   "-d", self.db, f"--db-filter=^{self.db}$", "--http-interface=127.0.0.1",
                   f"--http-port={self.port}", f"--gevent-port={self.gevent_port}",
                   f"--workers={self.workers}", "--max-cron-threads=0", "--log-level=info",
                   # a worker serves one request at a time (request, journal, processing and
                   # bus cursors): keep its pool small, PostgreSQL allows 100 clients in all
                   "--db_maxconn=8", *self.extra]
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(command, cwd=self.src, stdin=subprocess.DEVNULL,
                                            stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True, preexec_fn=die_with_parent)
        if not wait_http(self.url + "/web/login", timeout, self.process):
            raise RuntimeError(f"--workers={self.workers} server on port {self.port} did not "
                               f"answer /web/login in {timeout}s; log tail:\n" + self.tail())
        return self

    @property
    def pid(self):
        return self.process.pid if self.process else None

    def tail(self, lines=30):
        try:
            with open(self.log, encoding="utf-8", errors="replace") as handle:
                return "".join(handle.readlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self):
        """SIGTERM to the master (graceful), then SIGKILL to its own process group if needed."""
        if not self.process or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)  # the group created by start_new_session
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
