"""A real local HTTP listener standing in for a PBX API (click-to-dial, extension import).

It listens on 127.0.0.1 (the only host Odoo's test mode lets ``requests`` reach), records every
request it receives and answers with what the test's ``answer`` function returns.
"""
import json
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit


@dataclass
class Received:
    """One request as the PBX saw it."""

    method: str
    path: str
    query: dict
    headers: dict
    body: bytes

    def json(self):
        return json.loads(self.body.decode())

    def form(self):
        return dict(parse_qsl(self.body.decode(), keep_blank_values=True))


def _ok(_received):
    return 200, {"status": "success"}


def routed(routes):
    """An ``answer`` serving ``routes[path] = (status, body)``, or a function of the query
    returning that; unknown paths get 404."""
    def answer(received):
        route = routes.get(received.path, (404, {"status": "error"}))
        return route(received.query) if callable(route) else route
    return answer


@dataclass
class FakePbx:
    """``with FakePbx(answer) as pbx:`` serves on ``pbx.url``; ``pbx.received`` lists requests."""

    answer: object = _ok
    received: list = field(default_factory=list)

    def __enter__(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                parts = urlsplit(self.path)
                received = Received(
                    method=self.command, path=parts.path,
                    query=dict(parse_qsl(parts.query, keep_blank_values=True)),
                    headers={key.lower(): value for key, value in self.headers.items()},
                    body=self.rfile.read(length) if length else b"",
                )
                fake.received.append(received)
                status, body = fake.answer(received)
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = _handle

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}"


class SilentPbx:
    """Accepts connections and never answers: a PBX that hangs."""

    def __enter__(self):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(8)
        return self

    def __exit__(self, *exc):
        self.socket.close()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.socket.getsockname()[1]}"


def closed_port_url():
    """A local URL nothing listens on (connection refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"
