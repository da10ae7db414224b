#!/usr/bin/python3
"""Live failure drills (issue 5, item 6): PostgreSQL restarted, and Odoo workers killed, in the
middle of a stream of events sent by a PBX that retries.

Run by scripts/test_all.sh (tier 3) with PBX_ODOO_URL etc. set (see that script's header).
So that the restart disturbs nothing else on the machine, the drill runs on its OWN PostgreSQL
cluster (initdb in PBX_RUN_DIR, a free port, trust auth on 127.0.0.1, stopped and deleted at
the end) holding a copy of the tested database (pg_dump | pg_restore), served by its own
`odoo-bin --workers=2`.

The PBX: 4 threads, each sending call_in then call_out for its calls (unique callids, unknown
numbers: every call auto-creates a contact), resending an event until it gets a 2xx or a 4xx
with backoff (0.1 s doubling to 2 s), 10 s timeout per attempt, like real PBXs. It also drops
the answer of every 20th event once (closes the socket right after sending: the PBX gave up
waiting), so some retries reach a server that already applied the event. Each attempt carries
its own marker in an extra field (`pbx_attempt`), which the journal keeps with the payload.

Drill 1: when 40% of the events are acknowledged, PostgreSQL is restarted (fast shutdown:
every connection killed, then started again). Drill 2: at 30%, 50% and 70%, one HTTP worker
of the --workers=2 master gets SIGKILL (the master respawns it).

After each stream, in the database:
  * every event was acknowledged with a 2xx; no 4xx (a PBX would drop the event);
  * every callid is exactly one pbx.call in its final state with the call_out's duration
    (no event lost, no duplicate call), one auto-created contact per number, one completed
    Call activity in each contact's chatter and one call-back activity per missed number;
  * the journal: exactly one `done` row per event; every other attempt that reached Odoo is
    `duplicate`, or `pending`/`failed` when the fault struck it (those are then re-processed
    with action_reprocess and must become `duplicate` without changing anything); every 2xx
    answer names the journal row of its own attempt;
  * retries per drill and the longest outage seen by the PBX are reported.
One line per test, last line `N passed, N failed`, exit 1 on any failure.
Stdlib + psycopg2 (Debian) only; every request has a timeout; talks only to 127.0.0.1.
"""
import ctypes
import json
import os
import pwd
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter

import psycopg2

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "support"))
import pbx_live as live  # noqa: E402
from pbx_live import check, Soft  # noqa: E402

RUN_DIR = live.run_dir("live_drills")
PAIRS = int(os.environ.get("PBX_DRILL_PAIRS") or 150)   # calls per drill (2 events each)
PBX_THREADS = 4
ATTEMPT_TIMEOUT = 10        # seconds: the PBX gives up waiting for one answer
EVENT_DEADLINE = 180        # seconds: the PBX gives up an event (counted as lost)
DROP_EVERY = 20             # the PBX drops the answer of every Nth event once


def _pg_bin():
    """PostgreSQL's server binaries: PBX_PG_BIN, Debian's 15, or what pg_config says."""
    if os.environ.get("PBX_PG_BIN"):
        return os.environ["PBX_PG_BIN"]
    if os.path.isfile("/usr/lib/postgresql/15/bin/initdb"):
        return "/usr/lib/postgresql/15/bin"
    try:
        return subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True,
                              timeout=10).stdout.strip()
    except OSError:
        return "/usr/lib/postgresql/15/bin"


PG_BIN = _pg_bin()
PG_START_TIMEOUT = 60
FINAL = {"ANSWERED": "ended", "NO ANSWER": "missed"}


# -----------------------------------------------------------------------------------------------
# Our own PostgreSQL cluster
# -----------------------------------------------------------------------------------------------

def _as_postgres_user():
    """preexec_fn: run as the postgres user when we are root (PostgreSQL refuses root), and
    die with this script (PDEATHSIG is set after the uid change, so it is kept)."""
    if os.geteuid() == 0:
        entry = pwd.getpwnam("postgres")
        os.setgid(entry.pw_gid)
        os.setuid(entry.pw_uid)
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGQUIT)  # PR_SET_PDEATHSIG


class PgCluster:
    """initdb + postgres on 127.0.0.1:<port>, as a child process of this script."""

    def __init__(self, base):
        self.data = os.path.join(base, "pgdata")
        self.log = os.path.join(base, "postgres.log")
        self.sockets = tempfile.mkdtemp(prefix="pbx_drill_pg_")  # short path: socket name limit
        self.port = live.free_port()
        self.process = None

    def _owned(self, path):
        if os.geteuid() == 0:
            entry = pwd.getpwnam("postgres")
            os.chown(path, entry.pw_uid, entry.pw_gid)

    def init(self):
        shutil.rmtree(self.data, ignore_errors=True)
        os.makedirs(self.data, mode=0o700)
        self._owned(self.data)
        self._owned(self.sockets)
        user = "root" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name
        self.user = user
        result = subprocess.run(
            [os.path.join(PG_BIN, "initdb"), "-D", self.data, "-U", user, "--auth=trust",
             "-E", "UTF8", "--locale=C.UTF-8", "-N"],
            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120,
            preexec_fn=_as_postgres_user)
        check(result.returncode == 0, f"initdb failed: {result.stdout[-500:]} {result.stderr[-500:]}")

    def start(self):
        log = open(self.log, "ab")
        self.process = subprocess.Popen(
            [os.path.join(PG_BIN, "postgres"), "-D", self.data, "-p", str(self.port),
             "-k", self.sockets, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off",
             "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
             "-c", "max_connections=80", "-c", "shared_buffers=64MB"],
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            preexec_fn=_as_postgres_user)
        log.close()
        deadline = time.monotonic() + PG_START_TIMEOUT
        while time.monotonic() < deadline:
            check(self.process.poll() is None, f"postgres exited: {self.tail()}")
            try:
                psycopg2.connect(**self.params("postgres")).close()
                return
            except psycopg2.OperationalError:
                time.sleep(0.1)
        raise RuntimeError(f"postgres did not accept connections in {PG_START_TIMEOUT}s")

    def stop(self, sig=signal.SIGINT, timeout=60):
        """SIGINT: fast shutdown (what `pg_ctl restart` does); SIGQUIT: immediate."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(sig)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.send_signal(signal.SIGQUIT)
            self.process.wait(timeout=30)

    def restart(self):
        """Fast shutdown then start; returns the seconds it was unavailable."""
        started = time.monotonic()
        self.stop()
        self.start()
        return time.monotonic() - started

    def params(self, dbname):
        return {"host": "127.0.0.1", "port": self.port, "user": self.user, "dbname": dbname}

    def tail(self):
        return live.log_tail(self.log, 20)

    def remove(self):
        self.stop(signal.SIGQUIT)
        shutil.rmtree(self.data, ignore_errors=True)
        shutil.rmtree(self.sockets, ignore_errors=True)


def copy_database(cluster, source, target):
    """The tested database, copied into our cluster (pg_dump | pg_restore)."""
    env = dict(os.environ, PGHOST="127.0.0.1", PGPORT=str(cluster.port), PGUSER=cluster.user)
    subprocess.run([os.path.join(PG_BIN, "createdb"), target], env=env, check=True,
                   stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
    dump = subprocess.Popen([os.path.join(PG_BIN, "pg_dump"), "-Fc", "-Z0", "--no-owner",
                             "--no-privileges", source], stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=live.die_with_parent)
    restore = subprocess.run([os.path.join(PG_BIN, "pg_restore"), "--no-owner",
                              "--no-privileges", "-d", target], env=env, stdin=dump.stdout,
                             capture_output=True, text=True, timeout=600)
    dump.stdout.close()
    dump_err = dump.stderr.read().decode(errors="replace")
    dump.wait(timeout=60)
    check(dump.returncode == 0, f"pg_dump {source} failed: {dump_err[-500:]}")
    check(restore.returncode == 0, f"pg_restore failed: {restore.stderr[-500:]}")


# -----------------------------------------------------------------------------------------------
# The PBX that retries
# -----------------------------------------------------------------------------------------------

class Attempt:
    __slots__ = ("marker", "started", "ended", "status", "body", "error", "dropped")

    def __init__(self, marker):
        self.marker, self.started, self.ended = marker, time.monotonic(), None
        self.status = self.body = self.error = None
        self.dropped = False

    @property
    def acknowledged(self):
        return self.status is not None and (200 <= self.status < 300 or 400 <= self.status < 500)


class Event:
    def __init__(self, index, route, callid, payload, drop_answer):
        self.index, self.route, self.callid = index, route, callid
        self.payload, self.drop_answer = payload, drop_answer
        self.attempts = []

    @property
    def final(self):
        return self.attempts[-1] if self.attempts and self.attempts[-1].acknowledged else None


class RetryingPbx:
    """PBX_THREADS threads, each streaming its calls' call_in then call_out, resending every
    event until a 2xx or a 4xx answers it."""

    def __init__(self, port, token, events_by_call):
        self.port, self.token = port, token
        self.calls = events_by_call
        self.acked = 0
        self.lock = threading.Lock()
        self.outages = []           # seconds between a thread's first failure and its next answer

    def attempt(self, event, number):
        marker = f"{event.callid}#{event.route}#{number}"
        attempt = Attempt(marker)
        body = json.dumps(dict(event.payload, pbx_attempt=marker)).encode()
        headers = [("Content-Type", "application/json"),
                   ("Authorization", f"Bearer {self.token}")]
        try:
            if event.drop_answer and number == 1:
                attempt.dropped = True
                _send_and_hang_up(self.port, f"/api/callcenter/{event.route}", headers, body)
                attempt.error = "answer dropped by the PBX"
            else:
                status, _, raw = live.raw_request(self.port, "POST",
                                                  f"/api/callcenter/{event.route}", headers, body,
                                                  ATTEMPT_TIMEOUT)
                attempt.status = status
                try:
                    attempt.body = json.loads(raw.decode("utf-8"))
                except ValueError:
                    attempt.body = None
                    attempt.error = f"HTTP {status}: {raw[:120]!r}"
        except Exception as error:  # noqa: BLE001 - the PBX retries whatever went wrong
            attempt.error = f"{type(error).__name__}: {error}"[:200]
        attempt.ended = time.monotonic()
        return attempt

    def deliver(self, event, streak):
        delay = 0.1
        deadline = time.monotonic() + EVENT_DEADLINE
        while True:
            attempt = self.attempt(event, len(event.attempts) + 1)
            event.attempts.append(attempt)
            if attempt.acknowledged:
                if streak[0] is not None and not attempt.dropped:
                    self.outages.append(attempt.ended - streak[0])
                streak[0] = None
                with self.lock:
                    self.acked += 1
                return
            if not attempt.dropped and streak[0] is None:
                streak[0] = attempt.started
            if time.monotonic() > deadline:
                return
            time.sleep(delay * random.uniform(0.8, 1.2) if not attempt.dropped else 0.2)
            if not attempt.dropped:
                delay = min(delay * 2, 2.0)

    def run_thread(self, calls):
        streak = [None]
        for events in calls:
            for event in events:
                self.deliver(event, streak)
                if event.final is None:
                    break  # the call_out of a lost call_in is not sent: already a failure

    def run(self):
        threads = [threading.Thread(target=self.run_thread, args=(self.calls[i::PBX_THREADS],),
                                    daemon=True) for i in range(PBX_THREADS)]
        for thread in threads:
            thread.start()
        return threads


def _send_and_hang_up(port, path, headers, body):
    """Send one request and close the socket without reading the answer."""
    lines = [f"POST {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close",
             f"Content-Length: {len(body)}"] + [f"{k}: {v}" for k, v in headers]
    with socket.create_connection(("127.0.0.1", port), timeout=ATTEMPT_TIMEOUT) as sock:
        sock.sendall("\r\n".join(lines).encode() + b"\r\n\r\n" + body)
        time.sleep(0.05)


def make_calls(fx, label, count):
    calls = []
    for i in range(count):
        national, e164 = fx.number()
        callid = fx.callid(f"{label}{i}")
        status = "NO ANSWER" if i % 5 == 4 else "ANSWERED"
        duration = 30 + i
        base = {"phone": national, "extension": "101", "callid": callid}
        calls.append([
            Event(2 * i, "call_in", callid, base, (2 * i) % DROP_EVERY == DROP_EVERY - 1),
            Event(2 * i + 1, "call_out", callid,
                  dict(base, duration=duration, billsec=duration - 5 if status == "ANSWERED"
                       else 0, status=status),
                  (2 * i + 1) % DROP_EVERY == DROP_EVERY - 1),
        ])
        calls[-1].append((e164, status, duration))
    return calls


def split(calls):
    """(events lists per call, meta per call)."""
    return [c[:2] for c in calls], {c[0].callid: c[2] for c in calls}


# -----------------------------------------------------------------------------------------------
# One drill: stream, fault, checks
# -----------------------------------------------------------------------------------------------

class Drill:
    def __init__(self, name, server, fx, db, rpc):
        self.name, self.server, self.fx, self.db, self.rpc = name, server, fx, db, rpc
        self.connection_id, self.token = fx.connection(f"drill {name}")
        raw_calls = make_calls(fx, name.replace(" ", ""), PAIRS)
        self.calls, self.meta = split(raw_calls)
        self.events = [event for call in self.calls for event in call]
        self.fault_notes = []

    def stream(self, fault):
        """Send everything; `fault(progress)` is called from a watcher thread; returns the
        summary of what the PBX saw."""
        pbx = RetryingPbx(self.server.port, self.token, self.calls)
        started = time.monotonic()
        threads = pbx.run()
        total = len(self.events)
        fault(lambda: pbx.acked / total, threads)
        for thread in threads:
            thread.join(max(1.0, EVENT_DEADLINE * 3 - (time.monotonic() - started)))
        elapsed = time.monotonic() - started
        self.pbx, self.elapsed = pbx, elapsed
        attempts = [a for e in self.events for a in e.attempts]
        retries = sum(len(e.attempts) - 1 for e in self.events)
        failures = Counter(_failure_kind(a) for a in attempts if not a.acknowledged)
        refused = [(e.route, e.callid, e.final.status, e.final.body or e.final.error)
                   for e in self.events if e.final and e.final.status >= 300]
        lost = [(e.route, e.callid, [a.error or a.status for a in e.attempts][-3:])
                for e in self.events if e.final is None]
        self.summary = (f"{len(self.calls)} calls, {total} events by {PBX_THREADS} PBX threads in "
                        f"{elapsed:.0f}s; {'; '.join(self.fault_notes)}; {retries} retries "
                        f"({dict(failures)}), longest outage seen by the PBX "
                        f"{max(pbx.outages, default=0.0):.1f}s")
        soft = Soft()
        soft.expect(not lost, f"{len(lost)} events never acknowledged: {lost[:4]}")
        soft.expect(not refused, f"{len(refused)} events refused with a 3xx/4xx (a PBX drops "
                                 f"them): {refused[:4]}")
        soft.done()
        return self.summary

    def check_calls(self):
        soft = Soft()
        rows = self.db.all(
            "SELECT c.callid, c.state, c.duration, c.end_date, c.partner_id, c.auto_created, "
            "p.name FROM pbx_call c LEFT JOIN res_partner p ON p.id = c.partner_id "
            "WHERE c.connection_id = %s", [self.connection_id])
        by_callid = Counter(row[0] for row in rows)
        soft.expect(len(rows) == len(self.calls), f"{len(rows)} calls for {len(self.calls)} "
                                                  "callids sent")
        dupes = [c for c, n in by_callid.items() if n > 1]
        soft.expect(not dupes, f"duplicate calls for {dupes[:5]}")
        missing = [c for c in self.meta if c not in by_callid]
        soft.expect(not missing, f"calls lost: {missing[:5]}")
        wrong = []
        partners = {}
        for callid, state, duration, end_date, partner_id, auto_created, name in rows:
            e164, status, sent_duration = self.meta.get(callid, (None, None, None))
            if (state != FINAL.get(status) or duration != sent_duration or end_date is None
                    or not partner_id or name != f"Automatic New Contact - {e164}"):
                wrong.append((callid, state, duration, end_date, name))
            partners[callid] = partner_id
        soft.expect(not wrong, f"{len(wrong)} calls not in their final state with the "
                               f"call_out's duration and their auto-created contact: {wrong[:4]}")
        contacts = dict(self.db.all(
            "SELECT phone, count(*) FROM res_partner WHERE phone = ANY(%s) GROUP BY phone",
            [[meta[0] for meta in self.meta.values()]]))
        extra = {k: v for k, v in contacts.items() if v != 1}
        soft.expect(len(contacts) == len(self.meta) and not extra,
                    f"{len(contacts)} numbers with a contact for {len(self.meta)} sent; "
                    f"duplicates {extra}")
        ids = [p for p in partners.values() if p]
        done = dict(self.db.all(
            "SELECT res_id, count(*) FROM mail_message WHERE model = 'res.partner' AND "
            "res_id = ANY(%s) AND mail_activity_type_id IS NOT NULL GROUP BY res_id", [ids]))
        bad = {p: done.get(p, 0) for p in ids if done.get(p, 0) != 1}
        soft.expect(not bad, f"{len(bad)} contacts without exactly one completed Call activity "
                             f"in their chatter: {list(bad.items())[:5]}")
        callbacks = dict(self.db.all(  # active: Odoo 19 archives done activities
            "SELECT res_id, count(*) FROM mail_activity WHERE res_model = 'res.partner' AND "
            "res_id = ANY(%s) AND active GROUP BY res_id", [ids]))
        wrong_cb = [(c, callbacks.get(partners.get(c), 0)) for c, meta in self.meta.items()
                    if callbacks.get(partners.get(c), 0) != (1 if meta[1] == "NO ANSWER" else 0)]
        soft.expect(not wrong_cb, f"call-back activities wrong (callid, open activities): "
                                  f"{wrong_cb[:5]}")
        soft.done()
        missed = sum(1 for meta in self.meta.values() if meta[1] == "NO ANSWER")
        return (f"{len(rows)} calls, each once and final (ended/missed) with its duration; "
                f"{len(contacts)} contacts, one each; one chatter activity per contact; "
                f"{missed} call-backs")

    def journal(self):
        """{event id: (route, callid, state, attempt marker)}; route and callid read from the
        marker, as a row still pending has no callid yet."""
        rows = self.db.all("SELECT id, state, payload FROM pbx_call_event "
                           "WHERE connection_id = %s", [self.connection_id])
        out = {}
        for event_id, state, payload in rows:
            try:
                marker = json.loads(payload).get("pbx_attempt")
                callid, route, _ = marker.rsplit("#", 2)
            except (ValueError, AttributeError, TypeError):
                marker = callid = route = None
            out[event_id] = (route, callid, state, marker)
        return out

    def check_journal(self):
        soft = Soft()
        rows = self.journal()
        by_marker = {row[3]: (event_id, row) for event_id, row in rows.items()}
        soft.expect(None not in by_marker, "journal rows without the attempt marker")
        states = Counter(row[2] for row in rows.values())
        soft.expect(not set(states) - {"done", "duplicate", "pending", "failed"},
                    f"journal states {dict(states)}")
        per_event = {}
        for route, callid, state, marker in rows.values():
            per_event.setdefault((callid, route), Counter())[state] += 1
        not_once = [(k, dict(v)) for k, v in per_event.items() if v["done"] != 1]
        soft.expect(not not_once and len(per_event) == len(self.events),
                    f"{len(per_event)} events journaled for {len(self.events)} sent; events "
                    f"not applied exactly once: {not_once[:5]}")
        mismatched = []
        for event in self.events:
            for attempt in event.attempts:
                if attempt.status != 200:
                    continue
                event_id = (attempt.body or {}).get("event_id")
                row = rows.get(event_id)
                want = "duplicate" if attempt.body.get("duplicate") else "done"
                if row is None or row[3] != attempt.marker or row[2] != want:
                    mismatched.append((attempt.marker, event_id, row))
        soft.expect(not mismatched, f"{len(mismatched)} answers not matching their journal row "
                                    f"(marker, event_id, row): {mismatched[:4]}")
        dropped = [e for e in self.events if e.drop_answer]
        unseen = []
        for event in dropped:
            first = by_marker.get(event.attempts[0].marker)
            if first and first[1][2] in ("done", "duplicate") and \
                    per_event[(event.callid, event.route)]["duplicate"] < 1:
                unseen.append(event.attempts[0].marker)
        soft.expect(not unseen, f"answers dropped by the PBX whose retry is not journaled as "
                                f"duplicate: {unseen[:5]}")
        stranded = sorted(event_id for event_id, row in rows.items()
                          if row[2] in ("pending", "failed"))
        before = self.counts()
        if stranded:
            self.rpc.kw("pbx.call.event", "action_reprocess", [stranded])
            after_rows = self.journal()
            still = {i: after_rows[i][2] for i in stranded if after_rows[i][2] != "duplicate"}
            soft.expect(not still, f"stranded rows re-processed into {still}, expected duplicate")
            soft.expect(self.counts() == before, f"re-processing stranded rows wrote: "
                                                 f"{before} -> {self.counts()}")
        soft.done()
        return (f"journal {dict(states)}: one done per event, {states['duplicate']} retries "
                f"journaled as duplicate ({len(dropped)} answers dropped by the PBX); "
                f"{len(stranded)} rows stranded by the fault re-processed as duplicates")

    def counts(self):
        return self.db.all(
            "SELECT (SELECT count(*) FROM pbx_call), (SELECT count(*) FROM res_partner), "
            "(SELECT count(*) FROM mail_activity), (SELECT count(*) FROM mail_message)")[0]


def _failure_kind(attempt):
    if attempt.dropped:
        return "answer dropped by the PBX"
    if attempt.status is not None:
        error = (attempt.body or {}).get("error") if isinstance(attempt.body, dict) else None
        return f"HTTP {attempt.status} " + (error["code"] if isinstance(error, dict) else "page")
    if (attempt.error or "").startswith("ValueError: incomplete HTTP answer"):
        return "closed without an answer"
    return (attempt.error or "?").split(":", 1)[0]


def wait_progress(progress, threads, share):
    while progress() < share and any(t.is_alive() for t in threads):
        time.sleep(0.05)
    return any(t.is_alive() for t in threads)


# -----------------------------------------------------------------------------------------------
# Main
# -----------------------------------------------------------------------------------------------

class DbReconnecting(live.Db):
    """Queries that survive the restart of our cluster (reconnect once)."""

    def all(self, query, params=()):
        try:
            return super().all(query, params)
        except (psycopg2.OperationalError, psycopg2.InterfaceError):
            self.connect()
            return super().all(query, params)


def main(cleanups):
    print(f"Odoo {live.VERSION}, {live.URL}, database {live.DB}, scratch {RUN_DIR}", flush=True)
    names = {
        "pg": ["PostgreSQL restarted mid-stream: every event acknowledged with a 2xx (PBX "
               "retrying)",
               "PostgreSQL restarted: each callid one final call, one contact, one chatter "
               "activity",
               "PostgreSQL restarted: each event applied once, retries journaled as duplicate"],
        "kill": ["workers killed mid-stream: every event acknowledged with a 2xx (PBX retrying)",
                 "workers killed: each callid one final call, one contact, one chatter activity",
                 "workers killed: each event applied once, retries journaled as duplicate"],
    }
    start = time.monotonic()
    target = f"drill_{live.VERSION}_{os.getpid()}"
    cluster = None
    try:
        live.check_environment()
        cluster = PgCluster(RUN_DIR)
        cleanups.append(cluster.remove)
        cluster.init()
        cluster.start()
        copy_database(cluster, live.DB, target)
        copied = time.monotonic() - start
        server = live.prefork_server(
            os.path.join(RUN_DIR, "workers2.server.log"), db=target,
            extra=["--db_host=127.0.0.1", f"--db_port={cluster.port}",
                   f"--db_user={cluster.user}", f"--data-dir={os.path.join(RUN_DIR, 'data')}",
                   "--limit-time-real=120", "--limit-time-cpu=60"])
        cleanups.append(server.stop)
        server.start()
        rpc = live.Rpc(server.url)
        rpc.login(target, live.LOGIN, live.PASSWORD)
        db = DbReconnecting(target, host="127.0.0.1", port=cluster.port, name="pbx_live_drills")
        cleanups.append(db.close)
        fx = live.Fixtures(rpc, db)
    except Exception as error:  # noqa: BLE001 - nothing else can run
        traceback.print_exc(file=sys.stdout)
        live.record("setup: own PostgreSQL cluster, database copy, --workers=2 server",
                    False, f"{type(error).__name__}: {error}"
                    + (f"\n{cluster.tail()}" if cluster else ""), time.monotonic() - start)
        live.skip_all(names["pg"] + names["kill"], "setup failed")
        return
    live.record("setup: own PostgreSQL cluster, database copy, --workers=2 server", True,
                f"cluster on 127.0.0.1:{cluster.port}, {target} copied in {copied:.0f}s, "
                f"server {server.url}", time.monotonic() - start)

    # Drill 1: PostgreSQL restarted
    drill = Drill("pg restart", server, fx, db, rpc)

    def restart_postgres(progress, threads):
        if wait_progress(progress, threads, 0.4):
            at = progress()
            down = cluster.restart()
            drill.fault_notes.append(f"PostgreSQL restarted at {at:.0%} of the events "
                                     f"(down {down:.1f}s)")
        else:
            drill.fault_notes.append("stream ended before the restart")

    live.run_test(names["pg"][0], drill.stream, restart_postgres)
    live.run_test(names["pg"][1], drill.check_calls)
    live.run_test(names["pg"][2], drill.check_journal)

    # Drill 2: workers killed
    drill2 = Drill("worker kill", server, fx, db, rpc)

    def kill_workers(progress, threads):
        kills = []
        for share in (0.3, 0.5, 0.7):
            if not wait_progress(progress, threads, share):
                break
            pids = live.http_worker_pids(server)
            if pids:
                victim = random.choice(pids)
                if live.kill_quietly(victim):
                    kills.append(victim)
        drill2.fault_notes.append(f"{len(kills)} workers SIGKILLed ({kills})")

    live.run_test(names["kill"][0], drill2.stream, kill_workers)
    live.run_test(names["kill"][1], drill2.check_calls)

    def journal_and_health():
        message = drill2.check_journal()
        workers = live.http_worker_pids(server)
        check(len(workers) == 2, f"{len(workers)} HTTP workers after the kills, expected 2 "
                                 "(respawned by the master)")
        return f"{message}; master respawned: workers {workers}"

    live.run_test(names["kill"][2], journal_and_health)


if __name__ == "__main__":
    live.main(main)
