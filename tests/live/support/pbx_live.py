"""Shared by the live tests (tests/live/test_live_*.py), which scripts/test_all.sh runs (tier 3).

Not a test itself: test_all.sh runs tests/live/*.py only, never this folder. A test imports it
with `sys.path.insert(0, <tests/live/support>)`; it adds scripts/ (odoo_prefork, odoo_env) and
the module's pure-Python lib/ (contract constants) to the path too.

What is here: the environment test_all.sh sets, one-line-per-test reporting and the closing
`N passed, N failed`, JSON-RPC as admin, a raw HTTP client (any bytes, any header, a timeout on
every request), psycopg2 queries, PBX connections and numbers, the prefork server's worker
processes, and a checker of the documented answer shapes (tests/fixtures/responses.json).
Stdlib + psycopg2 (Debian) only; talks only to 127.0.0.1.
"""
import http.cookiejar
import json
import os
import random
import signal
import socket
import sys
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request

import psycopg2
from psycopg2 import sql

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
sys.path.insert(0, os.path.join(REPO, "scripts"))
sys.path.insert(0, os.path.join(REPO, "odoo_addon", "pbx_callcenter"))
from lib import contract, status  # noqa: E402  (the module's pure-Python lib, no odoo)
import odoo_prefork  # noqa: E402
from odoo_prefork import PreforkServer, die_with_parent  # noqa: E402,F401 (re-exported)
from odoo_env import odoo_env  # noqa: E402

URL, DB, LOGIN, PASSWORD, VERSION, SRC, ADDONS, PYTHON = odoo_env("http://127.0.0.1:8069", "?")

REQUEST_TIMEOUT = 90        # seconds, every HTTP request unless told otherwise
SERVER_START_TIMEOUT = 180  # seconds, an extra server answering /web/login


def run_dir(name):
    """PBX_RUN_DIR (test_all.sh gives each test its own), else .run/<name>; created."""
    path = os.environ.get("PBX_RUN_DIR") or os.path.join(REPO, ".run", name)
    os.makedirs(path, exist_ok=True)
    return path


# -----------------------------------------------------------------------------------------------
# Reporting: one line per test, last line `N passed, N failed`
# -----------------------------------------------------------------------------------------------

RESULTS = []  # (name, ok, message, seconds)


def record(name, ok, message, seconds):
    RESULTS.append((name, ok, message, seconds))
    print(f"{'PASS' if ok else 'FAIL'} {name} ({seconds:.1f}s): {message}", flush=True)


class CheckFailed(Exception):
    pass


def check(condition, message):
    if not condition:
        raise CheckFailed(message)


class Soft:
    """Checks that are all evaluated; done() fails with every unmet one."""

    def __init__(self):
        self.failures = []

    def expect(self, condition, message):
        if not condition:
            self.failures.append(message)

    def done(self):
        check(not self.failures, "; ".join(self.failures))


def run_test(name, func, *args):
    """Run one counted test; a CheckFailed or any exception is a failure with its message."""
    start = time.monotonic()
    try:
        message = func(*args) or "ok"
        record(name, True, message, time.monotonic() - start)
    except CheckFailed as error:
        record(name, False, str(error), time.monotonic() - start)
    except Exception as error:  # noqa: BLE001 - a crash is a failed test
        if not isinstance(error, RuntimeError):  # ours (RPC, server) explain themselves
            traceback.print_exc(file=sys.stdout)
        record(name, False, f"{type(error).__name__}: {error}", time.monotonic() - start)


def skip_all(names, reason):
    """Count tests that could not run as failed, each with the reason."""
    for name in names:
        record(name, False, f"not run: {reason}", 0.0)


class Terminated(BaseException):
    """SIGTERM (e.g. the runner's timeout): unwind through every finally block, no test catches
    it."""


def on_sigterm(signum, frame):
    raise Terminated(f"signal {signum}")


def check_environment():
    """The variables test_all.sh sets, and a server on 127.0.0.1 only."""
    check(DB and SRC and ADDONS, "PBX_ODOO_DB, PBX_ODOO_SRC and PBX_ODOO_ADDONS_PATH must be set")
    check(urllib.parse.urlsplit(URL).hostname in ("127.0.0.1", "localhost"),
          f"PBX_ODOO_URL {URL} is not on 127.0.0.1")


def main(body):
    """Run a live test: `body(cleanups)` records its tests and appends to `cleanups` what must be
    stopped (servers, connections; run last first, whatever happens, SIGTERM included); then the
    closing `N passed, N failed` line, and exit 1 when anything failed (or nothing ran)."""
    signal.signal(signal.SIGTERM, on_sigterm)
    cleanups = []
    try:
        body(cleanups)
    except Terminated as error:
        record("terminated", False, f"stopped by {error} before the end", 0.0)
    finally:
        for cleanup in reversed(cleanups):
            try:
                cleanup()
            except Exception:  # noqa: BLE001 - the other cleanups still run
                traceback.print_exc(file=sys.stdout)
        passed = sum(1 for result in RESULTS if result[1])
        failed = len(RESULTS) - passed if RESULTS else 1
        print(f"{passed} passed, {failed} failed", flush=True)
        sys.exit(1 if failed else 0)


def log_tail(path, lines=30):
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return "".join(handle.readlines()[-lines:])
    except OSError:
        return "(no log)"


def free_port(exclude=()):
    """A free TCP port on 127.0.0.1: the first free one of PBX_LIVE_PORTS (e.g. 19500-19599)
    when set, for machines where each run keeps to its own ports; else one the kernel picks."""
    spec = os.environ.get("PBX_LIVE_PORTS")
    if not spec:
        return odoo_prefork.free_port(exclude)
    low, high = (int(part) for part in spec.split("-"))
    for port in range(low, high + 1):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        if port not in exclude:
            return port
    raise RuntimeError(f"no free port in PBX_LIVE_PORTS={spec}")


# -----------------------------------------------------------------------------------------------
# HTTP: JSON-RPC as admin, PBX events, raw requests
# -----------------------------------------------------------------------------------------------

class Rpc:
    """JSON-RPC client with its own session cookie."""

    def __init__(self, base_url):
        self.base_url = base_url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.next_id = 0

    def call(self, path, params):
        self.next_id += 1
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "params": params,
                           "id": self.next_id}).encode()
        request = urllib.request.Request(self.base_url + path, data=body,
                                         headers={"Content-Type": "application/json"})
        with self.opener.open(request, timeout=REQUEST_TIMEOUT) as response:
            reply = json.loads(response.read().decode())
        if reply.get("error"):
            error = reply["error"]
            detail = (error.get("data") or {}).get("message") or error.get("message")
            raise RuntimeError(f"JSON-RPC {path} failed: {detail}")
        return reply.get("result")  # absent when the method returned None

    def login(self, db, login, password):
        result = self.call("/web/session/authenticate",
                           {"db": db, "login": login, "password": password})
        if not result or not result.get("uid"):
            raise RuntimeError(f"could not log in as {login} on {db}")
        return result["uid"]

    def kw(self, model, method, args, **kwargs):
        return self.call(f"/web/dataset/call_kw/{model}/{method}",
                         {"model": model, "method": method, "args": args, "kwargs": kwargs})

    def groups_field(self):
        """The groups of a user: `groups_id` before Odoo 19, `group_ids` from 19."""
        fields = self.kw("res.users", "fields_get", [["groups_id", "group_ids"]],
                         attributes=["type"])
        return "group_ids" if "group_ids" in fields else "groups_id"


def post_event(base_url, route, token, payload, timeout=REQUEST_TIMEOUT):
    """POST one PBX event as JSON; returns (status or None, parsed JSON or None, text)."""
    request = urllib.request.Request(
        f"{base_url}/api/callcenter/{route}", data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
        method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status_code, text = response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        status_code, text = error.code, error.read().decode("utf-8", "replace")
    except Exception as error:  # noqa: BLE001 - reported as a failed request
        return None, None, f"{type(error).__name__}: {error}"
    try:
        return status_code, json.loads(text), text
    except ValueError:
        return status_code, None, text


def _latin1(value):
    return value if isinstance(value, bytes) else value.encode("latin-1")


def raw_request(port, method, target, headers=(), body=b"", timeout=REQUEST_TIMEOUT,
                chunked=False):
    """One HTTP/1.1 request over a fresh socket to 127.0.0.1:port, written byte for byte (any
    header value, any body, no client-side validation). Content-Length is added unless the
    body is sent `chunked`. Returns (status, {lowercase header: value}, body bytes); raises
    OSError/ValueError on a transport failure or a reply that is not HTTP."""
    lines = [f"{method} {target} HTTP/1.1".encode("latin-1"),
             f"Host: 127.0.0.1:{port}".encode(), b"Connection: close"]
    lines += [_latin1(name) + b": " + _latin1(value) for name, value in headers]
    if chunked:
        lines.append(b"Transfer-Encoding: chunked")
        payload = b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + 4096]), body[i:i + 4096])
                           for i in range(0, len(body), 4096)) + b"0\r\n\r\n"
    else:
        lines.append(b"Content-Length: %d" % len(body))
        payload = body
    data = b"\r\n".join(lines) + b"\r\n\r\n" + payload
    chunks = []
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        try:
            sock.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered (e.g. 413) without reading everything: read its answer
        deadline = time.monotonic() + timeout
        while True:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                if chunks:
                    break
                raise
            if not chunk:
                break
            chunks.append(chunk)
            if time.monotonic() > deadline:
                raise TimeoutError(f"no complete answer in {timeout}s")
    return parse_response(b"".join(chunks))


def parse_response(raw):
    head, sep, rest = raw.partition(b"\r\n\r\n")
    if not sep:
        raise ValueError(f"incomplete HTTP answer: {raw[:200]!r}")
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/") or not parts[1].isdigit():
        raise ValueError(f"not an HTTP status line: {lines[0][:200]!r}")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = headers.get("content-length")
    body = rest[:int(length)] if length and length.isdigit() else rest
    return int(parts[1]), headers, body


# -----------------------------------------------------------------------------------------------
# The documented answers (docs/api.md, tests/fixtures/responses.json)
# -----------------------------------------------------------------------------------------------

OK_KEYS = {"ok", "event_id", "call", "record", "created", "caller_name", "owner_extension",
           "blocked", "duplicate"}
RECORD_MODELS = ("res.partner", "crm.lead")


def _positive_int(value):
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _text(value):
    return isinstance(value, str) and value != ""


def shape_error(http_status, body):
    """Why `body` (parsed JSON) is not the documented answer for `http_status`, or None."""
    if not isinstance(body, dict):
        return "not a JSON object"
    if http_status == 200:
        return _ok_shape_error(body)
    return _error_shape_error(http_status, body)


def _ok_shape_error(body):
    if set(body) != OK_KEYS:
        return f"keys {sorted(body)}"
    if body["ok"] is not True or not _positive_int(body["event_id"]):
        return "ok/event_id"
    call = body["call"]
    if not (isinstance(call, dict) and set(call) == {"id", "callid", "state", "direction"}
            and _positive_int(call["id"]) and _text(call["callid"])
            and call["state"] in status.STATE_RANK and call["direction"] in contract.DIRECTIONS):
        return f"call {call!r}"
    record_ = body["record"]
    if record_ is not None and not (
            isinstance(record_, dict) and set(record_) == {"model", "id", "name"}
            and record_["model"] in RECORD_MODELS and _positive_int(record_["id"])
            and _text(record_["name"])):
        return f"record {record_!r}"
    if not all(isinstance(body[key], bool) for key in ("created", "blocked", "duplicate")):
        return "created/blocked/duplicate not booleans"
    if body["created"] and (record_ is None or body["blocked"]):
        return "created without a record, or a blocked number created one"
    if not isinstance(body["caller_name"], str):
        return "caller_name"
    if body["owner_extension"] is not None and not _text(body["owner_extension"]):
        return "owner_extension"
    return None


def _error_shape_error(http_status, body):
    if not set(body) <= {"ok", "error", "event_id"} or body.get("ok") is not False:
        return f"keys {sorted(body)} / ok {body.get('ok')!r}"
    error = body.get("error")
    if not isinstance(error, dict) or contract.ERROR_STATUS.get(error.get("code")) != http_status:
        return f"error {error!r} for HTTP {http_status}"
    if not _text(error.get("message")):
        return "error without a message"
    fields = error.get("fields")
    if error["code"] == "invalid_payload":
        if set(error) != {"code", "message", "fields"} or not (
                isinstance(fields, dict) and fields
                and all(_text(k) and _text(v) for k, v in fields.items())):
            return f"invalid_payload fields {fields!r}"
    elif set(error) != {"code", "message"}:
        return f"error keys {sorted(error)}"
    if "event_id" in body and not _positive_int(body["event_id"]):
        return f"event_id {body['event_id']!r}"
    return None


def check_shape_checker():
    """shape_error agrees with every case of tests/fixtures/responses.json (the team
    contract): it must accept the valid ones and refuse the invalid ones."""
    with open(os.path.join(REPO, "tests", "fixtures", "responses.json"), encoding="utf-8") as f:
        cases = json.load(f)["cases"]
    wrong = []
    for case in cases:
        value = case["value"]
        error = value.get("error") if isinstance(value, dict) else None
        code = error.get("code") if isinstance(error, dict) else None
        if code in contract.ERROR_STATUS:
            http_status = contract.ERROR_STATUS[code]
        else:  # an answer that claims success is read as a 200, any other as a 400
            http_status = 200 if isinstance(value, dict) and value.get("ok") is True else 400
        accepted = shape_error(http_status, value) is None
        if accepted != case["valid"]:
            wrong.append(case["name"])
    check(not wrong, f"the answer checker disagrees with responses.json on {wrong}")
    return f"{len(cases)} cases of tests/fixtures/responses.json"


# -----------------------------------------------------------------------------------------------
# Database (psycopg2, autocommit: every query sees what the servers committed)
# -----------------------------------------------------------------------------------------------

class Db:
    def __init__(self, dbname, host=None, port=None, name="pbx_live"):
        self.params = {"dbname": dbname, "application_name": name}
        if host:
            self.params.update(host=host, port=port)
        self.cnx = None
        self.numbers = {}
        self.connect()

    def connect(self):
        self.cnx = psycopg2.connect(**self.params)
        self.cnx.autocommit = True

    def all(self, query, params=()):
        with self.cnx.cursor() as cr:
            cr.execute(query, params)
            return cr.fetchall()

    def one(self, query, params=()):
        rows = self.all(query, params)
        return rows[0][0] if rows else None

    def close(self):
        if self.cnx is not None:
            self.cnx.close()

    def calls(self, connection_id):
        return self.all("SELECT id, callid, state, partner_id, auto_created FROM pbx_call "
                        "WHERE connection_id = %s ORDER BY id", [connection_id])

    def event_states(self, connection_id, route):
        return dict(self.all("SELECT state, count(*) FROM pbx_call_event WHERE connection_id = %s "
                             "AND route = %s GROUP BY state", [connection_id, route]))

    def number_columns(self, table):
        """The number columns of res_partner / crm_lead: phone, and mobile before Odoo 19."""
        if table not in self.numbers:
            self.numbers[table] = [name for (name,) in self.all(
                "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
                "AND column_name IN ('phone', 'mobile') ORDER BY column_name DESC", [table])]
        return self.numbers[table]

    def number_known(self, digits9):
        """Whether a contact, lead or call has a number containing `digits9`."""
        like = f"%{digits9}%"
        counts = [sql.SQL(
            "(SELECT count(*) FROM {} WHERE regexp_replace(concat_ws(' ', {}), '[^0-9 ]', '', 'g') "
            "LIKE %(like)s)").format(sql.Identifier(table), sql.SQL(", ").join(
                map(sql.Identifier, self.number_columns(table))))
            for table in ("res_partner", "crm_lead")]
        counts.append(sql.SQL("(SELECT count(*) FROM pbx_call WHERE phone_e164 LIKE %(like)s)"))
        return bool(self.one(sql.SQL("SELECT {}").format(sql.SQL(" + ").join(counts)),
                             {"like": like}))


# -----------------------------------------------------------------------------------------------
# Fixtures: an agent user, PBX connections with extension 101 bound to it, fresh numbers
# -----------------------------------------------------------------------------------------------

class Fixtures:
    def __init__(self, rpc, db):
        self.rpc, self.db = rpc, db
        self.tag = f"{int(time.time())}-{random.randint(1000, 9999)}"
        self.vn = rpc.kw("res.country", "search", [[["code", "=", "VN"]]], limit=1)[0]
        self.user_id = rpc.kw("res.users", "create", [{
            "name": f"PBX live agent {self.tag}", "login": f"pbx-live-{self.tag}"}])
        self.partner_id = rpc.kw("res.users", "read", [[self.user_id], ["partner_id"]])[0][
            "partner_id"][0]
        self.used = set()

    def connection(self, label, extension="101"):
        """A fresh PBX connection (country VN) with `extension` bound to the agent user."""
        provisioned = self.rpc.kw("pbx.connection", "provision", [{
            "name": f"live {label} {self.tag}", "country_id": self.vn}])
        self.rpc.kw("pbx.extension", "create", [{
            "name": extension, "connection_id": provisioned["id"], "user_id": self.user_id}])
        return provisioned["id"], provisioned["token"]

    def number(self):
        """A Vietnamese mobile number (national form, 091...) nobody in the database has."""
        for _ in range(50):
            national = "091" + "".join(random.choice("0123456789") for _ in range(7))
            if national in self.used or self.db.number_known(national[1:]):
                continue
            self.used.add(national)
            return national, "+84" + national[1:]
        raise RuntimeError("no fresh number found")

    def callid(self, label):
        return f"live-{label}-{self.tag}-{random.randint(0, 10**6)}"


# -----------------------------------------------------------------------------------------------
# Prefork servers (scripts/odoo_prefork.py): their worker processes and request log
# -----------------------------------------------------------------------------------------------

def prefork_server(log, extra=(), db=None):
    """A --workers=2 server (not started) on `db` (default: the tested one)."""
    port = free_port()
    return PreforkServer(SRC, ADDONS, db or DB, log, python=PYTHON, extra=extra, port=port,
                         gevent_port=free_port(exclude={port}))


def child_pids(pid):
    """PIDs of the direct children of `pid` (from /proc)."""
    children = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            children.append(int(entry))
    return children


def http_worker_pids(server):
    """The HTTP workers of a prefork master (not its gevent/long-polling child)."""
    workers = []
    for pid in child_pids(server.pid):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as handle:
                argv = handle.read().split(b"\0")
        except OSError:
            continue
        if b"gevent" not in argv:
            workers.append(pid)
    return workers


def request_pids(log, path):
    """PIDs of the processes that logged a request line for `path` in a server log."""
    pids = set()
    with open(log, encoding="utf-8", errors="replace") as handle:
        for line in handle:
            if f"POST {path}" in line:
                parts = line.split()
                if len(parts) > 2 and parts[2].isdigit():
                    pids.add(int(parts[2]))
    return pids


def kill_quietly(pid, sig=signal.SIGKILL):
    try:
        os.kill(pid, sig)
        return True
    except ProcessLookupError:
        return False
