#!/usr/bin/python3
"""Live concurrency tests: PBX retries and parallel events against real Odoo servers.

Run by scripts/test_all.sh (tier 3) with PBX_ODOO_URL etc. set (see that script's header).
What it proves, on the provided threaded server AND on a multi-process server it starts itself
(--workers=2, same database), and across both at once:
  * 20 identical call_in fired at the same instant -> one pbx.call, one auto-created contact,
    20 journaled events (1 done + 19 duplicate), 20 x HTTP 200 naming the same call, one popup;
  * 20 identical call_out -> one completed Call activity in the contact's chatter, 19 duplicates;
  * different callids from one unknown number at the same instant -> one auto-created contact;
  * the TypeScript simulator (`npm run simulate -- --scenario all`) passes end to end;
  * the popup (bus.bus row, type pbx_callcenter/call, to the bound user's partner) is written
    by a prefork worker too.
One line per test, last line `N passed, N failed`, exit 1 on any failure.
Stdlib + psycopg2 (Debian) only; every request has a timeout; talks only to 127.0.0.1.
"""
import ctypes
import http.cookiejar
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request

import psycopg2

URL = os.environ.get("PBX_ODOO_URL", "http://127.0.0.1:8069").rstrip("/")
DB = os.environ.get("PBX_ODOO_DB", "")
LOGIN = os.environ.get("PBX_ODOO_LOGIN", "admin")
PASSWORD = os.environ.get("PBX_ODOO_PASSWORD", "admin")
VERSION = os.environ.get("PBX_ODOO_VERSION", "?")
SRC = os.environ.get("PBX_ODOO_SRC", "")
ADDONS = os.environ.get("PBX_ODOO_ADDONS_PATH", "")
PYTHON = os.environ.get("PBX_ODOO_PYTHON", "/usr/bin/python3")
RUN_DIR = os.environ.get("PBX_RUN_DIR") or os.path.join(os.getcwd(), ".run", "live_concurrency")
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

COPIES = 20                 # concurrent copies of one event
REQUEST_TIMEOUT = 90        # seconds, every HTTP request
SERVER_START_TIMEOUT = 180  # seconds, the workers=2 server answering /web/login
SIMULATOR_TIMEOUT = 300     # seconds, npm run simulate
POPUP_TYPE = "pbx_callcenter/call"

RESULTS = []  # (name, ok, message, seconds)


# -----------------------------------------------------------------------------------------------
# Reporting
# -----------------------------------------------------------------------------------------------

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


# -----------------------------------------------------------------------------------------------
# HTTP: JSON-RPC as admin, PBX events
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
        return reply["result"]

    def login(self, db, login, password):
        result = self.call("/web/session/authenticate",
                           {"db": db, "login": login, "password": password})
        if not result or not result.get("uid"):
            raise RuntimeError(f"could not log in as {login} on {db}")
        return result["uid"]

    def kw(self, model, method, args, **kwargs):
        return self.call(f"/web/dataset/call_kw/{model}/{method}",
                         {"model": model, "method": method, "args": args, "kwargs": kwargs})


def post_event(base_url, route, token, payload):
    """POST one PBX event; returns (status or None, parsed JSON or None, text)."""
    request = urllib.request.Request(
        f"{base_url}/api/callcenter/{route}", data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
        method="POST")
    try:
        with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT) as response:
            status, text = response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        status, text = error.code, error.read().decode("utf-8", "replace")
    except Exception as error:  # noqa: BLE001 - reported as a failed request
        return None, None, f"{type(error).__name__}: {error}"
    try:
        return status, json.loads(text), text
    except ValueError:
        return status, None, text


def fire_together(jobs):
    """Send jobs [(base_url, route, token, payload)] from one thread each, released together by
    a barrier. Returns ([(status, body, text)] in job order, peak), peak being the largest
    number of requests in flight at the same time, as seen from the client."""
    barrier = threading.Barrier(len(jobs))
    results = [(None, None, "thread did not finish")] * len(jobs)
    spans = [None] * len(jobs)

    def worker(index, job):
        try:
            barrier.wait(timeout=60)
        except threading.BrokenBarrierError:
            pass  # still send: a late start is less concurrent, not wrong
        started = time.monotonic()
        results[index] = post_event(*job)
        spans[index] = (started, time.monotonic())

    threads = [threading.Thread(target=worker, args=(i, job), daemon=True)
               for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + REQUEST_TIMEOUT + 90
    for thread in threads:
        thread.join(max(0.1, deadline - time.monotonic()))
    done = [span for span in spans if span]
    peak = max((sum(1 for a, b in done if a <= start < b) for start, _ in done), default=0)
    return results, peak


def wait_http(url, timeout, process=None):
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
    """preexec_fn: the child gets SIGTERM if this script dies, even by SIGKILL (Linux prctl)."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


class Terminated(BaseException):
    """SIGTERM (e.g. the runner's timeout): unwind through every finally block, no test catches
    it."""


def on_sigterm(signum, frame):
    raise Terminated(f"signal {signum}")


def free_port(exclude=()):
    for _ in range(50):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        if port not in exclude:
            return port
    raise RuntimeError("no free port")


# -----------------------------------------------------------------------------------------------
# Database checks (psycopg2, autocommit: every query sees what the servers committed)
# -----------------------------------------------------------------------------------------------

class Db:
    def __init__(self, dbname):
        self.cnx = psycopg2.connect(dbname=dbname, application_name="pbx_live_concurrency")
        self.cnx.autocommit = True

    def all(self, query, params=()):
        with self.cnx.cursor() as cr:
            cr.execute(query, params)
            return cr.fetchall()

    def one(self, query, params=()):
        rows = self.all(query, params)
        return rows[0][0] if rows else None

    def close(self):
        self.cnx.close()

    def calls(self, connection_id):
        return self.all("SELECT id, callid, state, partner_id, auto_created FROM pbx_call "
                        "WHERE connection_id = %s ORDER BY id", [connection_id])

    def event_states(self, connection_id, route):
        return dict(self.all("SELECT state, count(*) FROM pbx_call_event WHERE connection_id = %s "
                             "AND route = %s GROUP BY state", [connection_id, route]))

    def auto_contacts(self, e164):
        """Partners named like the module's auto-created contact for e164, or carrying it."""
        return [row[0] for row in self.all(
            "SELECT id FROM res_partner WHERE name = %s OR phone = %s ORDER BY id",
            [f"Automatic New Contact - {e164}", e164])]

    def number_known(self, digits9):
        like = f"%{digits9}%"
        return bool(self.one(
            "SELECT (SELECT count(*) FROM res_partner WHERE regexp_replace(coalesce(phone, '') || "
            "' ' || coalesce(mobile, ''), '[^0-9 ]', '', 'g') LIKE %s) + "
            "(SELECT count(*) FROM crm_lead WHERE regexp_replace(coalesce(phone, '') || ' ' || "
            "coalesce(mobile, ''), '[^0-9 ]', '', 'g') LIKE %s) + "
            "(SELECT count(*) FROM pbx_call WHERE phone_e164 LIKE %s)", [like, like, like]))

    def done_activity_messages(self, model, res_id):
        return self.one("SELECT count(*) FROM mail_message WHERE model = %s AND res_id = %s "
                        "AND mail_activity_type_id IS NOT NULL", [model, res_id])

    def popups(self, partner_id, callid):
        """bus.bus rows of type pbx_callcenter/call for this partner and PBX call id."""
        found = []
        rows = self.all("SELECT id, channel, message FROM bus_bus WHERE message LIKE %s "
                        "ORDER BY id", [f"%{POPUP_TYPE}%"])
        for row_id, channel, message in rows:
            try:
                channel, message = json.loads(channel), json.loads(message)
            except ValueError:
                continue
            targets_partner = (isinstance(channel, list) and len(channel) >= 3
                               and channel[0] == DB and channel[1] == "res.partner"
                               and channel[2] == partner_id)
            if (targets_partner and message.get("type") == POPUP_TYPE
                    and (message.get("payload") or {}).get("callid") == callid):
                found.append((row_id, message["payload"]))
        return found


# -----------------------------------------------------------------------------------------------
# Fixtures: connections, extension bound to a user, fresh numbers
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
        self.count = 0

    def connection(self, label, extension="101"):
        """A fresh PBX connection (country VN) with `extension` bound to the agent user."""
        self.count += 1
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
# Multi-process server (--workers=2), same database
# -----------------------------------------------------------------------------------------------

class WorkersServer:
    def __init__(self):
        self.process = None
        self.port = self.gevent_port = None
        self.log = os.path.join(RUN_DIR, "workers2.server.log")
        self.url = None

    def start(self):
        self.port = free_port()
        self.gevent_port = free_port(exclude={self.port})
        conf = os.path.join(RUN_DIR, "workers2.conf")
        with open(conf, "w") as handle:
            handle.write("[options]\n")  # never pick up a ~/.odoorc
        command = [PYTHON, "odoo-bin", f"--config={conf}", f"--addons-path={ADDONS}", "-d", DB,
                   f"--db-filter=^{DB}$", "--http-interface=127.0.0.1",
                   f"--http-port={self.port}", f"--gevent-port={self.gevent_port}",
                   "--workers=2", "--max-cron-threads=0", "--log-level=info",
                   # a worker serves one request at a time (request, journal, processing and
                   # bus cursors): keep its pool small, PostgreSQL allows 100 clients in all
                   "--db_maxconn=8"]
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(command, cwd=SRC, stdin=subprocess.DEVNULL,
                                            stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True, preexec_fn=die_with_parent)
        self.url = f"http://127.0.0.1:{self.port}"
        if not wait_http(self.url + "/web/login", SERVER_START_TIMEOUT, self.process):
            raise RuntimeError(f"--workers=2 server on port {self.port} did not answer "
                               f"/web/login in {SERVER_START_TIMEOUT}s; log tail:\n"
                               + self.tail())

    def tail(self, lines=30):
        try:
            with open(self.log, encoding="utf-8", errors="replace") as handle:
                return "".join(handle.readlines()[-lines:])
        except OSError:
            return "(no log)"

    def request_pids(self, path):
        """PIDs of the processes that logged a request line for `path`."""
        pids = set()
        with open(self.log, encoding="utf-8", errors="replace") as handle:
            for line in handle:
                if f"POST {path}" in line:
                    parts = line.split()
                    if len(parts) > 2 and parts[2].isdigit():
                        pids.add(int(parts[2]))
        return pids

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


# -----------------------------------------------------------------------------------------------
# Scenarios
# -----------------------------------------------------------------------------------------------

def check_all_ok(db, results):
    bad = [(status, text[:200]) for status, body, text in results
           if status != 200 or not isinstance(body, dict) or not body.get("ok")]
    if bad:
        # a 404 or an HTML 500 usually means PostgreSQL refused a connection: say so
        in_use = db.one("SELECT count(*) FROM pg_stat_activity")
        limit = db.one("SHOW max_connections")
        check(False, f"{len(bad)}/{len(results)} responses not 200 ok "
                     f"(PostgreSQL clients now {in_use}/{limit}), e.g. {bad[:3]}")


def check_responses(db, results, peak, expect_state):
    """All 200 ok, one call id, exactly one non-duplicate; returns the response bodies."""
    check_all_ok(db, results)
    check(peak >= 2, "the requests did not overlap in time")
    bodies = [body for _, body, _ in results]
    ids = {body["call"]["id"] for body in bodies}
    check(len(ids) == 1, f"responses name {len(ids)} different calls: {sorted(ids)}")
    firsts = sum(1 for body in bodies if body.get("duplicate") is False)
    check(firsts == 1, f"{firsts} responses with duplicate=false, expected exactly 1")
    states = {body["call"]["state"] for body in bodies}
    check(expect_state in states, f"call states in responses {states}, expected {expect_state}")
    return bodies


def concurrent_call_in(fx, db, urls, label, server_label, context):
    """COPIES identical call_in, spread over `urls`: one call, one contact, 1 done + N-1 dup.
    Fills `context` (for the call_out test) as soon as the call exists."""
    connection_id, token = fx.connection(label)
    national, e164 = fx.number()
    callid = fx.callid(label)
    payload = {"phone": national, "extension": "101", "callid": callid}
    started = time.monotonic()
    results, peak = fire_together([(urls[i % len(urls)], "call_in", token, payload)
                                   for i in range(COPIES)])
    elapsed = time.monotonic() - started
    bodies = check_responses(db, results, peak, "ringing")
    calls = db.calls(connection_id)
    check(len(calls) == 1, f"{len(calls)} pbx.call rows for callid {callid}, expected 1")
    call_id, _, state, partner_id, auto_created = calls[0]
    context.update(connection_id=connection_id, token=token, callid=callid, national=national,
                   e164=e164, partner_id=partner_id, call_id=call_id)
    soft = Soft()
    soft.expect(bodies[0]["call"]["id"] == call_id,
                "responses name another call than the database")
    soft.expect(state == "ringing" and auto_created,
                f"call state={state} auto_created={auto_created}")
    contacts = db.auto_contacts(e164)
    soft.expect(len(contacts) == 1, f"{len(contacts)} contacts 'Automatic New Contact - {e164}' "
                                    f"(ids {contacts}), expected 1")
    soft.expect(contacts[:1] == [partner_id], f"call partner {partner_id} is not the auto contact")
    record_ids = {(body.get("record") or {}).get("id") for body in bodies}
    soft.expect(record_ids == {partner_id}, f"responses name records {record_ids}")
    events = db.event_states(connection_id, "call_in")
    soft.expect(events == {"done": 1, "duplicate": COPIES - 1},
                f"call_in journal {events}, expected done=1 duplicate={COPIES - 1}")
    popups = db.popups(fx.partner_id, callid)
    soft.expect(len(popups) == 1,
                f"{len(popups)} popups (bus.bus) for the {COPIES} copies, expected 1")
    soft.done()
    return (f"{COPIES} copies on {server_label} in {elapsed:.1f}s (peak {peak} in flight) -> "
            f"call {call_id}, contact {partner_id} '{e164}', journal {events}, 1 popup")


def concurrent_call_out(fx, db, urls, context, server_label):
    """COPIES identical call_out on the call: one completed activity in the chatter."""
    check(context, "not run: the call_in test created no call")
    payload = {"phone": context["national"], "extension": "101", "callid": context["callid"],
               "duration": 65, "billsec": 60, "status": "ANSWERED"}
    started = time.monotonic()
    results, peak = fire_together([(urls[i % len(urls)], "call_out", context["token"], payload)
                                   for i in range(COPIES)])
    elapsed = time.monotonic() - started
    bodies = check_responses(db, results, peak, "ended")
    soft = Soft()
    soft.expect(bodies[0]["call"]["id"] == context["call_id"],
                "call_out answered with another call")
    calls = db.calls(context["connection_id"])
    soft.expect(len(calls) == 1 and calls[0][2] == "ended", f"calls after call_out: {calls}")
    messages = db.done_activity_messages("res.partner", context["partner_id"])
    soft.expect(messages == 1, f"{messages} done-activity chatter messages on contact "
                               f"{context['partner_id']}, expected 1")
    open_activities = db.one("SELECT count(*) FROM mail_activity WHERE res_model = 'res.partner' "
                             "AND res_id = %s", [context["partner_id"]])
    soft.expect(open_activities == 0, f"{open_activities} open activities left on the contact")
    events = db.event_states(context["connection_id"], "call_out")
    soft.expect(events == {"done": 1, "duplicate": COPIES - 1},
                f"call_out journal {events}, expected done=1 duplicate={COPIES - 1}")
    soft.done()
    return (f"{COPIES} copies on {server_label} in {elapsed:.1f}s (peak {peak} in flight) -> "
            f"state ended, journal {events}, 1 chatter activity message")


def same_number_callids(fx, db, urls, label, n_callids, copies_per_callid):
    """Different callids from one unknown number at the same instant: one auto-created contact.
    Jobs alternate over `urls`, so each callid's copies are split across the servers too."""
    connection_id, token = fx.connection(label)
    national, e164 = fx.number()
    callids = [fx.callid(f"{label}{i}") for i in range(n_callids)]
    jobs = []
    for callid in callids:
        for _ in range(copies_per_callid):
            jobs.append((urls[len(jobs) % len(urls)], "call_in", token,
                         {"phone": national, "extension": "101", "callid": callid}))
    results, _ = fire_together(jobs)
    check_all_ok(db, results)
    calls = db.calls(connection_id)
    check(len(calls) == len(callids), f"{len(calls)} calls for {len(callids)} callids")
    contacts = db.auto_contacts(e164)
    check(len(contacts) == 1,
          f"{len(contacts)} contacts for {e164} (ids {contacts}), expected exactly 1")
    partners = {row[3] for row in calls}
    check(partners == {contacts[0]}, f"calls point at contacts {partners}, expected {contacts}")
    creators = sum(1 for row in calls if row[4])
    check(creators == 1, f"{creators} calls flagged auto_created, expected 1")
    return (f"{len(callids)} callids x {copies_per_callid} over {len(urls)} server(s) -> "
            f"{len(calls)} calls, 1 contact {contacts[0]}")


def simulator(fx, db, sim_run):
    npm = shutil.which("npm")
    check(npm, "npm is not on PATH")
    connection_id, token = fx.connection("simulator", extension="101")
    national, _ = fx.number()
    command = [npm, "run", "simulate", "--", "--url", URL, "--token", token, "--db", DB,
               "--scenario", "all", "--phone", national, "--extension", "101"]
    out_path = os.path.join(RUN_DIR, "simulate.out")
    with open(out_path, "wb") as out:
        process = subprocess.Popen(command, cwd=REPO, stdin=subprocess.DEVNULL, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        rc = "timeout"
        try:
            rc = process.wait(timeout=SIMULATOR_TIMEOUT)
        except subprocess.TimeoutExpired:
            pass
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)  # npm and its node child: our own group
                process.wait(timeout=10)
    with open(out_path, encoding="utf-8", errors="replace") as handle:
        output = handle.read()
    tail = "\n".join(output.strip().splitlines()[-15:])
    sim_run["connection_id"] = connection_id
    check(rc == 0, f"simulator exit {rc}; output tail:\n{tail}")
    last = output.strip().splitlines()[-1] if output.strip() else ""
    return f"exit 0: '{last}' (output in {out_path})"


def simulator_journal(db, sim_run):
    """Every event the simulator sent is journaled as done or duplicate (none left pending)."""
    check(sim_run.get("connection_id"), "the simulator did not run")
    calls = db.calls(sim_run["connection_id"])
    events = {}
    for route in ("call_in", "init", "call_out"):
        for state, count in db.event_states(sim_run["connection_id"], route).items():
            events[state] = events.get(state, 0) + count
    check(calls, "the simulator's run left no pbx.call")
    check(events and set(events) <= {"done", "duplicate"},
          f"journal states {events}, expected only done/duplicate")
    return f"{len(calls)} calls, journal {events}"


def bus_popup(fx, db, base_url, server_label):
    connection_id, token = fx.connection("bus")
    national, _ = fx.number()
    callid = fx.callid("bus")
    status, body, text = post_event(base_url, "call_in", token,
                                    {"phone": national, "extension": "101", "callid": callid})
    check(status == 200 and body and body.get("ok"), f"call_in -> {status} {text[:300]}")
    popups = []
    for _ in range(20):  # bounded: the row is committed with the event
        popups = db.popups(fx.partner_id, callid)
        if popups:
            break
        time.sleep(0.25)
    check(len(popups) == 1, f"{len(popups)} bus.bus rows of type {POPUP_TYPE} for partner "
                            f"{fx.partner_id} and callid {callid}, expected 1")
    payload = popups[0][1]
    check(payload.get("call_id") == body["call"]["id"] and payload.get("state") == "ringing"
          and payload.get("connection_id") == connection_id and payload.get("extension") == "101",
          f"popup payload {payload}")
    return f"bus.bus row {popups[0][0]} on {server_label} -> partner {fx.partner_id}"


# -----------------------------------------------------------------------------------------------
# Main
# -----------------------------------------------------------------------------------------------

def main():
    signal.signal(signal.SIGTERM, on_sigterm)
    os.makedirs(RUN_DIR, exist_ok=True)
    print(f"Odoo {VERSION}, {URL}, database {DB}, scratch {RUN_DIR}", flush=True)
    rpc = Rpc(URL)
    db = None
    workers = WorkersServer()
    try:
        start = time.monotonic()
        try:
            check(DB and SRC and ADDONS, "PBX_ODOO_DB, PBX_ODOO_SRC and PBX_ODOO_ADDONS_PATH "
                                          "must be set")
            check(urllib.parse.urlsplit(URL).hostname in ("127.0.0.1", "localhost"),
                  f"PBX_ODOO_URL {URL} is not on 127.0.0.1")
            rpc.login(DB, LOGIN, PASSWORD)
            db = Db(DB)
            fx = Fixtures(rpc, db)
        except Exception as error:  # noqa: BLE001 - nothing else can run
            traceback.print_exc(file=sys.stdout)
            record("setup: admin session, user, VN country", False,
                   f"{type(error).__name__}: {error}", time.monotonic() - start)
            return
        record("setup: admin session, user, VN country", True,
               f"agent user {fx.user_id} (partner {fx.partner_id})", time.monotonic() - start)

        # 1. threaded server
        threaded = {}
        run_test("threaded: 20 concurrent call_in -> 1 call, 1 contact, 1 done + 19 duplicate",
                 concurrent_call_in, fx, db, [URL], "thr", "threaded server", threaded)
        run_test("threaded: 20 concurrent call_out -> 1 chatter activity, 19 duplicate",
                 concurrent_call_out, fx, db, [URL], threaded, "threaded server")

        # 3. two callids, one unknown number
        run_test("threaded: 2 callids from one unknown number at once -> 1 contact",
                 same_number_callids, fx, db, [URL], "num", 2, 1)

        # 4. simulator
        sim_run = {}
        run_test("simulator: npm run simulate -- --scenario all exits 0", simulator, fx, db,
                 sim_run)
        run_test("simulator: every event journaled as done or duplicate", simulator_journal, db,
                 sim_run)

        # 2. workers=2 server, and both servers on one database
        start = time.monotonic()
        up = False
        try:
            workers.start()
            up = True
            record("workers=2: extra server starts on the same database", True,
                   f"{workers.url} (gevent {workers.gevent_port}), log {workers.log}",
                   time.monotonic() - start)
        except Exception as error:  # noqa: BLE001
            record("workers=2: extra server starts on the same database", False, str(error),
                   time.monotonic() - start)
        names = [
            "workers=2: 20 concurrent call_in -> 1 call, 1 contact, 1 done + 19 duplicate",
            "workers=2: requests served by both worker processes",
            "workers=2: 20 concurrent call_out -> 1 chatter activity, 19 duplicate",
            "two servers: 20 call_in split over both ports -> 1 call, 1 contact",
            "two servers: 20 call_out split over both ports -> 1 chatter activity",
            "two servers: 6 callids x 2 copies from one unknown number at once -> 1 contact",
            "workers=2: popup bus.bus row to the bound user's partner",
        ]
        if not up:
            for name in names:
                record(name, False, "not run: the --workers=2 server did not start", 0.0)
            return
        multi = {}

        def both_workers():
            pids = workers.request_pids("/api/callcenter/call_in")
            check(len(pids) >= 2, f"call_in requests logged by processes {sorted(pids)}, "
                                  "expected 2 different workers")
            return f"call_in handled by worker pids {sorted(pids)}"

        run_test(names[0], concurrent_call_in, fx, db, [workers.url], "wrk", "workers=2", multi)
        run_test(names[1], both_workers)
        run_test(names[2], concurrent_call_out, fx, db, [workers.url], multi, "workers=2")
        split = {}
        both = [URL, workers.url]
        run_test(names[3], concurrent_call_in, fx, db, both, "two", "both servers", split)
        run_test(names[4], concurrent_call_out, fx, db, both, split, "both servers")
        run_test(names[5], same_number_callids, fx, db, both, "num2", 6, 2)
        run_test(names[6], bus_popup, fx, db, workers.url, "workers=2")
    except Terminated as error:
        record("terminated", False, f"stopped by {error} before the end", 0.0)
    finally:
        workers.stop()
        if db is not None:
            db.close()
        passed = sum(1 for result in RESULTS if result[1])
        failed = len(RESULTS) - passed
        if not RESULTS:
            failed = 1
        print(f"{passed} passed, {failed} failed", flush=True)
        sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
