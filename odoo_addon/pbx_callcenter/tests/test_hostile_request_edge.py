"""Hostile requests at the edge (issue 9, points 3, 4, 8 and 9): a token opens only the routes of
its connection's kind, a body is refused once past the limit whatever its framing (chunked
included), the v2 signature binds method, path and time, and no token reaches the access log."""
import hashlib
import hmac
import json
import logging
import socket
import time
from urllib.parse import urlencode, urlsplit

from odoo.exceptions import AccessError
from odoo.tests import tagged

from ..lib import contract
from ..vendors.threecx import protocol as threecx
from .hostile_roles import KINDS, HostileRolesCase

#: A token of the right shape that names no connection.
WRONG_TOKEN = "pbx_" + "A" * 43
CANONICAL = ("generic", "asterisk")
#: The table of docs/operations.md, Tokens: (name, method, path, query, body, content type,
#: kinds whose token opens the route).
ROUTE_CASES = [
    ("call_in", "POST", "/api/callcenter/call_in", {}, "canonical", "application/json", CANONICAL),
    ("init", "POST", "/api/callcenter/init", {}, "canonical", "application/json", CANONICAL),
    ("call_out", "POST", "/api/callcenter/call_out", {}, "canonical", "application/json", CANONICAL),
    ("zadarma", "POST", "/api/callcenter/zadarma", {}, b"event=NOTIFY_EDGE_TEST",
     "application/x-www-form-urlencoded", ("zadarma",)),
    ("zadarma zd_echo", "GET", "/api/callcenter/zadarma", {"zd_echo": "edge42"}, None, None,
     ("zadarma",)),
    ("yeastar", "POST", "/api/callcenter/yeastar", {}, b'{"type": 30099, "sn": "X", "msg": "{}"}',
     "application/json", ("yeastar",)),
    ("3cx lookup", "GET", threecx.LOOKUP_PATH, {"number": "0989464344"}, None, None, ("threecx",)),
    ("3cx search", "GET", threecx.SEARCH_PATH, {"query": "Gemini"}, None, None, ("threecx",)),
    ("3cx contact", "POST", threecx.CONTACT_PATH, {}, b"{}", "application/json", ("threecx",)),
    ("3cx journal", "POST", threecx.JOURNAL_PATH, {}, b"{}", "application/json", ("threecx",)),
    ("lookup", "GET", "/api/callcenter/lookup", {"number": "0989464344"}, None, None, CANONICAL),
    ("caller_name", "GET", "/api/callcenter/caller_name", {"number": "0989464344"}, None, None,
     CANONICAL),
    ("phonebook", "GET", "/api/callcenter/phonebook.json", {}, None, None, KINDS),
]


class EdgeCase(HostileRolesCase):
    """Raw HTTP helpers: every request goes to the real test server."""

    def send(self, method, path, query=None, body=None, content_type=None, token=None,
             headers=None):
        """One request with the token in the URL (where it leaks most); the requests response."""
        self.assertRoutesUsable()
        self.env.flush_all()
        params = dict(query or {})
        if token is not None:
            params["token"] = token
        hdrs = dict(headers or {})
        if content_type:
            hdrs["Content-Type"] = content_type
        url = self.base_url() + path + ("?" + urlencode(params) if params else "")
        return self.opener.request(method, url, data=body, headers=hdrs, timeout=60)

    def created_counts(self):
        """Calls, events, contacts and leads: a refused request writes none."""
        self.env.flush_all()
        return self.counts() + (
            self.env["res.partner"].sudo().with_context(active_test=False).search_count([]),
            self.env["crm.lead"].sudo().with_context(active_test=False).search_count([]),
        )

    def canonical_body(self, callid=None, **extra):
        return json.dumps({"phone": "0989464344", "extension": "101",
                           "callid": callid or self.new_callid(), **extra}).encode()

    def assertJsonError(self, response, code):
        self.assertIn("application/json", response.headers.get("Content-Type", ""),
                      f"{response.status_code} {response.text[:300]!r}")
        body = response.json()
        self.assertEqual((response.status_code, body["ok"], body["error"]["code"]),
                         (contract.ERROR_STATUS[code], False, code), body)
        return body


# ---- 3: a token opens only the routes of its connection's kind --------------------------------

@tagged("post_install", "-at_install")
class TestHostileRouteKinds(EdgeCase):

    def test_a_token_opens_only_the_routes_of_its_connections_kind(self):
        for name, method, path, query, body, content_type, allowed in ROUTE_CASES:
            wrong = self.send(method, path, query, self.canonical_body() if body == "canonical" else body,
                              content_type, WRONG_TOKEN)
            self.assertEqual(wrong.status_code, 401, f"{name}: {wrong.text[:300]!r}")
            for kind in KINDS:
                with self.subTest(route=name, kind=kind):
                    before = self.created_counts()
                    response = self.send(
                        method, path, query, self.canonical_body() if body == "canonical" else body,
                        content_type, self.kind_tokens[kind])
                    if kind in allowed:
                        self.assertNotIn(response.status_code, (401, 403),
                                         f"{kind} token on {name}: {response.text[:300]!r}")
                        continue
                    # answered exactly like a token that names no connection, and nothing written
                    self.assertEqual(
                        (response.status_code, response.headers.get("Content-Type"), response.content),
                        (wrong.status_code, wrong.headers.get("Content-Type"), wrong.content),
                        f"{kind} token on {name}")
                    self.assertEqual(self.created_counts(), before, f"{kind} token on {name}")

    def test_a_zadarma_token_cannot_post_canonical_events(self):
        # the attack of the issue: Zadarma's token travels in its URL, so it lands in logs
        callid = self.new_callid()
        before = self.created_counts()
        response = self.send("POST", "/api/callcenter/call_out",
                             body=self.canonical_body(callid, status="NO ANSWER"),
                             content_type="application/json", token=self.kind_tokens["zadarma"])
        self.assertJsonError(response, "unauthorized")
        self.assertEqual(self.created_counts(), before)
        self.assertFalse(self.find_call(callid, self.kind_connections["zadarma"]))


# ---- 4: bodies bounded whatever their framing --------------------------------------------------

LIMIT = 4096


def multipart(fields, boundary="edgeboundary"):
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
             for name, value in fields.items()]
    return ("".join(parts) + f"--{boundary}--\r\n").encode(), f"multipart/form-data; boundary={boundary}"


@tagged("post_install", "-at_install")
class TestHostileChunkedBody(EdgeCase):

    def setUp(self):
        super().setUp()
        self.env["ir.config_parameter"].sudo().set_param("pbx_callcenter.max_body_bytes", str(LIMIT))

    def chunked(self, path, token, body, content_type):
        """POST `body` with Transfer-Encoding: chunked (no Content-Length), 8 kB a chunk."""
        pieces = [body[i:i + 8192] for i in range(0, len(body), 8192)]
        return self.send("POST", path, body=iter(pieces), content_type=content_type, token=token)

    def oversized_cases(self):
        pad = "x" * (64 * 1024)
        fields = {"phone": "0989464344", "extension": "101", "callid": self.new_callid(), "pad": pad}
        generic, zadarma, yeastar, threecx_token = (
            self.kind_tokens[kind] for kind in ("generic", "zadarma", "yeastar", "threecx"))
        form = "application/x-www-form-urlencoded"
        zd_fields = {"event": "NOTIFY_START", "call_start": "2030-01-01 00:00:00",
                     "pbx_call_id": "in_edge", "caller_id": "84989464344", "called_did": "1", "pad": pad}
        report = {"Number": "0989464344", "Agent": "101", "CallType": "Inbound", "pad": pad}
        yeastar_envelope = {"type": 30011, "sn": "X", "msg": json.dumps({"call_id": "1.1", "pad": pad})}
        return [
            ("call_in json", "/api/callcenter/call_in", generic, json.dumps(fields).encode(),
             "application/json"),
            ("call_in urlencoded", "/api/callcenter/call_in", generic, urlencode(fields).encode(), form),
            ("call_in multipart", "/api/callcenter/call_in", generic, *multipart(fields)),
            ("init urlencoded", "/api/callcenter/init", generic, urlencode(fields).encode(), form),
            ("zadarma urlencoded", "/api/callcenter/zadarma", zadarma, urlencode(zd_fields).encode(), form),
            ("zadarma multipart", "/api/callcenter/zadarma", zadarma, *multipart(zd_fields)),
            ("yeastar json", "/api/callcenter/yeastar", yeastar, json.dumps(yeastar_envelope).encode(),
             "application/json"),
            ("3cx journal json", threecx.JOURNAL_PATH, threecx_token, json.dumps(report).encode(),
             "application/json"),
            ("3cx journal urlencoded", threecx.JOURNAL_PATH, threecx_token, urlencode(report).encode(), form),
            ("3cx contact multipart", threecx.CONTACT_PATH, threecx_token, *multipart(report)),
        ]

    def test_a_chunked_body_past_the_limit_is_refused_with_the_json_413_and_writes_nothing(self):
        for name, path, token, body, content_type in self.oversized_cases():
            with self.subTest(case=name):
                self.assertGreater(len(body), 16 * LIMIT)
                before = self.created_counts()
                response = self.chunked(path, token, body, content_type)
                self.assertJsonError(response, "payload_too_large")
                self.assertEqual(self.created_counts(), before, name)

    def test_a_chunked_body_within_the_limit_is_accepted(self):
        token = self.kind_tokens["generic"]
        fields = {"phone": "0989464344", "extension": "101"}
        for name, body, content_type in (
            ("json", json.dumps(dict(fields, callid=self.new_callid())).encode(), "application/json"),
            ("urlencoded", urlencode(dict(fields, callid=self.new_callid())).encode(),
             "application/x-www-form-urlencoded"),
            ("multipart", *multipart(dict(fields, callid=self.new_callid()))),
        ):
            with self.subTest(case=name):
                response = self.chunked("/api/callcenter/call_in", token, body, content_type)
                self.assertEqual(response.status_code, 200, response.text[:300])
                self.assertEqual(response.json()["call"]["state"], "ringing")

    def test_a_form_at_the_limit_is_read_and_one_byte_more_is_refused(self):
        token = self.kind_tokens["generic"]
        head = urlencode({"phone": "0989464344", "extension": "101",
                          "callid": self.new_callid()}).encode() + b"&pad="
        exact = head + b"x" * (LIMIT - len(head))
        self.assertEqual(len(exact), LIMIT)
        response = self.chunked("/api/callcenter/call_in", token, exact, "application/x-www-form-urlencoded")
        self.assertEqual(response.status_code, 200, response.text[:300])
        before = self.created_counts()
        response = self.chunked("/api/callcenter/call_in", token, exact + b"x",
                                "application/x-www-form-urlencoded")
        self.assertJsonError(response, "payload_too_large")
        self.assertEqual(self.created_counts(), before)

    def raw_request(self, head, body_bytes, wait=15):
        """Send `head` and `body_bytes` on a raw socket without ending the chunked body, then
        read the answer (until the server closes); (status, body bytes, seconds waited)."""
        parts = urlsplit(self.base_url())
        sock = socket.create_connection((parts.hostname, parts.port), timeout=wait)
        started = time.monotonic()
        received = b""
        try:
            sock.sendall(head + body_bytes)
            while True:
                try:
                    data = sock.recv(65536)
                except (TimeoutError, ConnectionResetError):
                    break
                if not data:
                    break
                received += data
        finally:
            sock.close()
        waited = time.monotonic() - started
        status_line, _sep, rest = received.partition(b"\r\n")
        status = int(status_line.split()[1]) if status_line.startswith(b"HTTP/") else None
        return status, rest.partition(b"\r\n\r\n")[2], waited

    def test_an_endless_chunked_body_is_refused_once_past_the_limit_without_waiting_for_its_end(self):
        # the server must stop reading at limit + 1 bytes: this body never ends
        self.assertRoutesUsable()
        token = self.kind_tokens["generic"]
        for name, content_type, start in (
            ("json", "application/json", b'{"phone": "0989464344", "extension": "101", "pad": "'),
            ("urlencoded", "application/x-www-form-urlencoded", b"phone=0989464344&extension=101&pad="),
        ):
            with self.subTest(case=name):
                before = self.created_counts()
                data = start + b"x" * (2 * LIMIT)
                with self.requests_allowed():  # Odoo 19 sets the test's request key in there only
                    cookie = ""
                    if getattr(self, "http_request_key", None):  # 18 and 19 tie requests to the test
                        cookie = f"Cookie: test_request_key={self.http_request_key}\r\n"
                    head = (f"POST /api/callcenter/call_in HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                            f"Authorization: Bearer {token}\r\nContent-Type: {content_type}\r\n"
                            f"Transfer-Encoding: chunked\r\n{cookie}\r\n").encode()
                    status, body, waited = self.raw_request(
                        head, b"%x\r\n%s\r\n" % (len(data), data))
                self.assertEqual(status, 413, f"after {waited:.1f} s: {body[:300]!r}")
                self.assertEqual(json.loads(body)["error"]["code"], "payload_too_large")
                self.assertEqual(self.created_counts(), before)


# ---- 8: the v2 signature binds method, path and time ------------------------------------------

SECRET = "edge-signing-secret"


def v2_headers(path, raw, timestamp=None, method="POST", secret=SECRET):
    """X-Signature-Timestamp and X-Signature: v2=<hex HMAC-SHA256("<ts>\\n<METHOD>\\n<path>\\n" + body)>,
    computed here independently of lib/tokens.py."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"{stamp}\n{method}\n{path}\n".encode() + raw,
                      hashlib.sha256).hexdigest()
    return {"X-Signature-Timestamp": stamp, "X-Signature": f"v2={digest}"}


@tagged("post_install", "-at_install")
class TestHostileSignatureReplay(EdgeCase):

    def setUp(self):
        super().setUp()
        self.connection.sudo().webhook_secret = SECRET

    def post_signed(self, route, raw, headers):
        return self.send("POST", f"/api/callcenter/{route}", body=raw, content_type="application/json",
                         token=self.token, headers=headers)

    def test_a_v2_signed_call_in_replayed_to_call_out_is_refused_and_the_call_keeps_ringing(self):
        callid = self.new_callid()
        raw = self.canonical_body(callid)
        headers = v2_headers("/api/callcenter/call_in", raw)
        response = self.post_signed("call_in", raw, headers)
        self.assertEqual(response.status_code, 200, response.text[:300])
        self.assertEqual(response.json()["call"]["state"], "ringing")
        before = self.created_counts()
        for route in ("call_out", "init"):
            with self.subTest(route=route):
                self.assertJsonError(self.post_signed(route, raw, headers), "forbidden")
        self.assertEqual(self.created_counts(), before)
        self.assertEqual(self.find_call(callid).state, "ringing")
        # the same request again is a retry of the same event, not a new one
        self.assertEqual(self.post_signed("call_in", raw, headers).json()["duplicate"], True)

    def test_a_stale_future_or_unreadable_timestamp_is_refused(self):
        raw = self.canonical_body()
        now = int(time.time())
        before = self.created_counts()
        for name, headers in (
            ("stale", v2_headers("/api/callcenter/call_in", raw, now - 310)),
            ("future", v2_headers("/api/callcenter/call_in", raw, now + 310)),
            ("missing", {"X-Signature": v2_headers("/api/callcenter/call_in", raw)["X-Signature"]}),
            ("not a number", v2_headers("/api/callcenter/call_in", raw, "12e9")),
            ("milliseconds", v2_headers("/api/callcenter/call_in", raw, now * 1000)),
        ):
            with self.subTest(case=name):
                self.assertJsonError(self.post_signed("call_in", raw, headers), "forbidden")
        self.assertEqual(self.created_counts(), before)
        # within the window both ways
        for offset in (-250, 250):
            with self.subTest(offset=offset):
                raw = self.canonical_body()
                headers = v2_headers("/api/callcenter/call_in", raw, now + offset)
                response = self.post_signed("call_in", raw, headers)
                self.assertEqual(response.status_code, 200, response.text[:300])

    def test_a_tampered_body_method_path_or_secret_is_refused(self):
        raw = self.canonical_body()
        tampered = raw.replace(b"0989464344", b"0989464345")
        good = v2_headers("/api/callcenter/call_in", raw)
        before = self.created_counts()
        for name, body, headers in (
            ("body", tampered, v2_headers("/api/callcenter/call_in", raw)),
            ("method", raw, v2_headers("/api/callcenter/call_in", raw, method="GET")),
            ("path", raw, v2_headers("/api/callcenter/call_in/", raw)),
            ("secret", raw, v2_headers("/api/callcenter/call_in", raw, secret="other")),
            ("truncated", raw, dict(good, **{"X-Signature": good["X-Signature"][:-2]})),
        ):
            with self.subTest(case=name):
                self.assertJsonError(self.post_signed("call_in", body, headers), "forbidden")
        self.assertEqual(self.created_counts(), before)

    def test_the_body_scheme_accepts_both_and_the_request_scheme_only_v2(self):
        connection = self.connection.sudo()
        self.assertEqual(connection.signature_scheme, "body")
        body_signature = lambda raw: {  # noqa: E731
            "X-Signature": "sha256=" + hmac.new(SECRET.encode(), raw, hashlib.sha256).hexdigest()}
        raw = self.canonical_body()
        self.assertEqual(self.post_signed("call_in", raw, body_signature(raw)).status_code, 200)
        connection.signature_scheme = "request"
        raw = self.canonical_body()
        before = self.created_counts()
        self.assertJsonError(self.post_signed("call_in", raw, body_signature(raw)), "forbidden")
        self.assertEqual(self.created_counts(), before)
        response = self.post_signed("call_in", raw, v2_headers("/api/callcenter/call_in", raw))
        self.assertEqual(response.status_code, 200, response.text[:300])

    def test_only_an_administrator_sets_the_signature_scheme(self):
        connection = self.connection
        with self.assertRaises(AccessError):
            self.as_user(self.manager, connection).write({"signature_scheme": "request"})
        self.as_user(self.admin, connection).write({"signature_scheme": "request"})
        self.assertEqual(connection.sudo().signature_scheme, "request")


# ---- 9: tokens never reach the access log -------------------------------------------------------

class LineCapture(logging.Handler):
    """The messages of a logger's records, as its handlers (the log file's) get them."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())


@tagged("post_install", "-at_install")
class TestHostileTokenLogs(EdgeCase):

    def access_log_lines(self, method, url, data=None):
        """(response, werkzeug's log lines of the request): the request line is written by the
        server's thread, maybe after the answer reached us, so wait for it (5 s at most)."""
        logger = logging.getLogger("werkzeug")
        capture, level = LineCapture(), logger.level
        logger.addHandler(capture)
        logger.setLevel(logging.INFO)
        try:
            response = self.opener.request(method, self.base_url() + url, data=data, timeout=30)
            path = url.split("?")[0]
            deadline = time.monotonic() + 5
            while not any(path in line for line in capture.lines) and time.monotonic() < deadline:
                time.sleep(0.05)
        finally:
            logger.removeHandler(capture)
            logger.setLevel(level)
        return response, capture.lines

    def test_the_capture_sees_the_raw_line_without_the_redaction(self):
        # control: what the test below reads is the real request line, token included
        logger = logging.getLogger("werkzeug")
        removed = [f for f in logger.filters if type(f).__name__ == "RedactTokens"]
        self.assertTrue(removed, "the redaction filter is installed on werkzeug's logger")
        token = self.kind_tokens["generic"]
        for redaction in removed:
            logger.removeFilter(redaction)
        try:
            _response, lines = self.access_log_lines(
                "GET", f"/api/callcenter/lookup?token={token}&number=0989464344")
        finally:
            for redaction in removed:
                logger.addFilter(redaction)
        self.assertIn(token, "\n".join(lines))

    def test_the_access_log_shows_no_token_whatever_the_route_or_answer(self):
        token = self.kind_tokens["generic"]
        zadarma_token = self.kind_tokens["zadarma"]
        for method, url, status in (
            ("GET", f"/api/callcenter/lookup?token={token}&number=0989464344", 200),
            ("GET", f"/api/callcenter/caller_name?number=0989464344&token={token}", 200),
            ("GET", f"/api/callcenter/zadarma?zd_echo=abc&token={zadarma_token}", 200),
            ("GET", f"/api/callcenter/lookup?token={zadarma_token}&number=0989464344", 401),
            ("POST", f"/api/callcenter/call_in?token={token}", 400),
            ("GET", f"/api/callcenter/nowhere?token={token}", 404),
            ("GET", f"/web/login?token={token}", 200),
        ):
            with self.subTest(url=url.split("?")[0], status=status):
                response, lines = self.access_log_lines(method, url, b"{}" if method == "POST" else None)
                self.assertEqual(response.status_code, status, response.text[:200])
                text = "\n".join(lines)
                self.assertIn(url.split("?")[0] + "?", text, "the request line is logged")
                self.assertIn("token=***", text)
                for secret in (token, zadarma_token, token[4:], zadarma_token[4:]):
                    self.assertNotIn(secret, text)
