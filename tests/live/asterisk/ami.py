"""A small Asterisk Manager Interface client for tests/live/test_live_asterisk.py (not a test).

It logs in, sends actions and waits for their Response (by ActionID), and keeps every Event it
receives in order, as Asterisk sent it (field order and values untouched), with the time it
arrived: the tier drives the "world" instance with it and records the "pbx" instance's stream,
which it writes as tests/fixtures/ami/real_*.txt (write_capture). Stdlib only; 127.0.0.1 only.
"""
import itertools
import socket
import threading
import time


class AmiError(RuntimeError):
    pass


def parse_block(text):
    """`Key: Value` lines of one AMI message as an ordered list of (key, value)."""
    fields = []
    for line in text.split("\r\n"):
        key, sep, value = line.partition(": ")
        if sep:
            fields.append((key, value))
        elif line.endswith(":"):  # an empty value ("AccountCode: ") may lose its trailing space
            fields.append((line[:-1], ""))
    return fields


class Ami:
    def __init__(self, port, username, secret, timeout=10.0):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.sock.settimeout(None)
        self.timeout = timeout
        self.events = []  # (monotonic time received, [(key, value), ...])
        self.responses = {}
        self.cond = threading.Condition()
        self.ids = itertools.count(1)
        self.closed = False
        self.banner = self._read_banner()
        threading.Thread(target=self._reader, daemon=True).start()
        self.action("Login", Username=username, Secret=secret)

    def _read_banner(self):
        data = b""
        while b"\r\n" not in data:
            chunk = self.sock.recv(1)
            if not chunk:
                raise AmiError("AMI closed before its banner")
            data += chunk
        return data.decode("utf-8", "replace").strip()

    def _reader(self):
        buffer = b""
        while True:
            try:
                chunk = self.sock.recv(65536)
            except OSError:
                chunk = b""
            if not chunk:
                with self.cond:
                    self.closed = True
                    self.cond.notify_all()
                return
            buffer += chunk
            while b"\r\n\r\n" in buffer:
                raw, buffer = buffer.split(b"\r\n\r\n", 1)
                fields = parse_block(raw.decode("utf-8", "replace"))
                if not fields:
                    continue
                with self.cond:
                    if fields[0][0] == "Event":
                        self.events.append((time.monotonic(), fields))
                    elif fields[0][0] == "Response":
                        self.responses[dict(fields).get("ActionID", "")] = dict(fields)
                    self.cond.notify_all()

    def action(self, name, **fields):
        """Send an action; its Response as a dict; AmiError unless it is Success."""
        action_id = f"tier-{next(self.ids)}"
        lines = [f"Action: {name}", f"ActionID: {action_id}"]
        lines += [f"{key}: {value}" for key, value in fields.items()]
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        with self.cond:
            if not self.cond.wait_for(lambda: action_id in self.responses or self.closed, self.timeout):
                raise AmiError(f"no answer to {name} within {self.timeout}s")
            if action_id not in self.responses:
                raise AmiError(f"AMI closed while waiting for {name}")
            response = self.responses.pop(action_id)
        if response.get("Response") != "Success":
            raise AmiError(f"{name}: {response.get('Response')} {response.get('Message', '')}".strip())
        return response

    def wait_event(self, predicate, timeout, since=0):
        """The first event (a dict) from index `since` on that satisfies `predicate`, or None."""
        def found():
            return next((dict(f) for _, f in self.events[since:] if predicate(dict(f))), None)
        with self.cond:
            self.cond.wait_for(lambda: found() is not None or self.closed, timeout)
            return found()

    def mark(self):
        with self.cond:
            return len(self.events)

    def since(self, index):
        with self.cond:
            return [fields for _, fields in self.events[index:]]

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def write_capture(path, header_lines, events):
    """A transcript in the format of tests/fixtures/ami/*.txt: `# ` header lines, then each event
    as `Key: Value` lines, a blank line between events, LF line ends."""
    with open(path, "w", encoding="utf-8") as handle:
        for line in header_lines:
            handle.write(f"# {line}".rstrip() + "\n")
        for fields in events:
            handle.write("\n" + "".join(f"{key}: {value}\n" for key, value in fields))
