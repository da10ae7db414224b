#!/usr/bin/python3
"""Live concurrency tests: PBX retries and parallel events against real Odoo servers.

Run by scripts/test_all.sh (tier 3) with PBX_ODOO_URL etc. set (see that script's header).
What it proves, on the provided threaded server AND on a multi-process server it starts itself
(--workers=2, same database), and across both at once:
  * 20 identical call_in fired at the same instant -> one pbx.call, one auto-created contact,
    20 journaled events (1 done + 19 duplicate), 20 x HTTP 200 naming the same call, one popup;
  * 20 identical call_out -> one completed Call activity in the contact's chatter, 19 duplicates;
  * different callids from one unknown number at the same instant -> one auto-created contact;
  * different answered calls from one known contact at the same instant -> each applied (the
    follower insert they all make is retried, not failed);
  * the TypeScript simulator (`npm run simulate -- --scenario all`) passes end to end;
  * the popup (bus.bus row, type pbx_callcenter/call, to the bound user's partner) is written
    by a prefork worker too.
One line per test, last line `N passed, N failed`, exit 1 on any failure.
Stdlib + psycopg2 (Debian) only; every request has a timeout; talks only to 127.0.0.1.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "support"))
import pbx_live as live  # noqa: E402
from pbx_live import (DB, REPO, URL, VERSION, Fixtures, Rpc, Soft, check, post_event,  # noqa: E402
                      record, run_test)

RUN_DIR = live.run_dir("live_concurrency")

COPIES = 20                 # concurrent copies of one event
REQUEST_TIMEOUT = live.REQUEST_TIMEOUT
SIMULATOR_TIMEOUT = 300     # seconds, npm run simulate
POPUP_TYPE = "pbx_callcenter/call"


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


class Db(live.Db):
    """The shared queries, plus contacts, chatter and popups."""

    def auto_contacts(self, e164):
        """Partners named like the module's auto-created contact for e164, or carrying it."""
        return [row[0] for row in self.all(
            "SELECT id FROM res_partner WHERE name = %s OR phone = %s ORDER BY id",
            [f"Automatic New Contact - {e164}", e164])]

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
    # active: Odoo 19 archives a done activity (17 and 18 delete it)
    open_activities = db.one("SELECT count(*) FROM mail_activity WHERE res_model = 'res.partner' "
                             "AND res_id = %s AND active", [context["partner_id"]])
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


def known_contact_callids(fx, db, urls, label, n_callids):
    """Calls from one existing contact ending at the same instant: each leaves a done Call
    activity for the agent, and each subscribes the agent to the contact, so the transactions
    race on Odoo's follower insert (seen once in the fuzz as an HTTP 500)."""
    connection_id, token = fx.connection(label)
    national, e164 = fx.number()
    partner_id = fx.rpc.kw("res.partner", "create", [{"name": f"Live known {label} {fx.tag}",
                                                     "phone": e164}])
    callids = [fx.callid(f"{label}{i}") for i in range(n_callids)]
    for callid in callids:  # ringing first, one by one: the ends below race, not the creations
        status, body, text = post_event(urls[0], "call_in", token, {
            "phone": national, "extension": "101", "callid": callid})
        check(status == 200 and body and body.get("ok"), f"call_in -> {status} {text[:300]}")
    jobs = [(urls[i % len(urls)], "call_out", token,
             {"phone": national, "extension": "101", "callid": callid,
              "duration": 30, "billsec": 20, "status": "ANSWERED"})
            for i, callid in enumerate(callids)]
    results, peak = fire_together(jobs)
    check_all_ok(db, results)
    soft = Soft()
    events = db.event_states(connection_id, "call_out")
    soft.expect(events == {"done": n_callids}, f"call_out journal {events}, expected "
                                               f"done={n_callids}")
    calls = db.calls(connection_id)
    soft.expect({row[3] for row in calls} == {partner_id},
                f"calls point at contacts {sorted({row[3] for row in calls})}, expected "
                f"{partner_id}")
    messages = db.done_activity_messages("res.partner", partner_id)
    soft.expect(messages == n_callids, f"{messages} done-activity chatter messages, expected "
                                       f"{n_callids}")
    followers = db.one("SELECT count(*) FROM mail_followers WHERE res_model = 'res.partner' "
                       "AND res_id = %s AND partner_id = %s", [partner_id, fx.partner_id])
    soft.expect(followers == 1, f"the agent follows the contact {followers} times")
    soft.done()
    return (f"{n_callids} callids over {len(urls)} server(s) (peak {peak} in flight) -> "
            f"journal {events}, {messages} Call activities, agent follows once")


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

def main(cleanups):
    print(f"Odoo {VERSION}, {URL}, database {DB}, scratch {RUN_DIR}", flush=True)
    rpc = Rpc(URL)
    workers = live.prefork_server(os.path.join(RUN_DIR, "workers2.server.log"))
    cleanups.append(workers.stop)
    start = time.monotonic()
    try:
        live.check_environment()
        rpc.login(DB, live.LOGIN, live.PASSWORD)
        db = Db(DB, name="pbx_live_concurrency")
        cleanups.append(db.close)
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
        "two servers: 12 calls from one known contact ending at once -> 12 Call activities, "
        "no failed event",
    ]
    if not up:
        for name in names:
            record(name, False, "not run: the --workers=2 server did not start", 0.0)
        return
    multi = {}

    def both_workers():
        pids = live.request_pids(workers.log, "/api/callcenter/call_in")
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
    run_test(names[7], known_contact_callids, fx, db, both, "known", 12)


if __name__ == "__main__":
    live.main(main)
