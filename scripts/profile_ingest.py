#!/usr/bin/python3
"""Where one PBX event's time goes: queries per event and a cProfile of call_in and call_out.

    /usr/bin/python3 scripts/profile_ingest.py --src /opt/odoo/17.0 --db DB [--pairs 40]
        [--unknown 0.25] [--missed 0.2] [--top 30]

Runs in-process (no HTTP): `pbx.call.event._receive_canonical` with the same plain request values the
controller passes, on a database with pbx_callcenter installed (it creates an agent, a PBX
connection with extension 101 bound to the agent, and a few contacts; all committed). Prints,
per route: wall ms per event, SQL statements per event grouped by kind and table, and the
functions with the most cumulative time. Complements scripts/bench_ingest.py, which measures
throughput through a real --workers=2 server.
"""
import argparse
import cProfile
import collections
import io
import json
import os
import pstats
import random
import re
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", required=True, help="Odoo source, e.g. /opt/odoo/17.0")
    parser.add_argument("--db", required=True)
    parser.add_argument("--pairs", type=int, default=40)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--unknown", type=float, default=0.25)
    parser.add_argument("--missed", type=float, default=0.2)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--filter", default="",
                        help="only list functions whose file:line(name) matches this regex")
    args = parser.parse_args()

    sys.path.insert(0, args.src)
    from odoo import SUPERUSER_ID, api, release, sql_db
    from odoo.modules.registry import Registry  # explicit: odoo is a namespace package on 19
    from odoo.tools import config

    own = os.path.join(args.src, "odoo", "addons")
    base = own if os.path.isdir(os.path.join(own, "crm")) else f"{args.src}/addons,{own}"
    config.parse_config([f"--addons-path={base},{REPO}/odoo_addon", "-d", args.db,
                         "--http-interface=127.0.0.1", "--log-level=warn"])
    registry = Registry(args.db)

    # ---- fixtures (committed: the events run in their own cursors) ----
    tag = "%06x" % random.randrange(16**6)
    rng = random.Random(tag)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        vn = env.ref("base.vn")
        user = env["res.users"].create({"name": f"Profile agent {tag}",
                                        "login": f"profile-ingest-{tag}"})
        provisioned = env["pbx.connection"].provision({"name": f"Profile {tag}",
                                                       "country_id": vn.id})
        env["pbx.extension"].create({"name": "101", "connection_id": provisioned["id"],
                                     "user_id": user.id})
        known = []
        for i in range(50):
            national = "09%d%07d" % (rng.randrange(10), rng.randrange(10**7))
            env["res.partner"].create({"name": f"Profile {tag} {i}", "phone": national,
                                       "country_id": vn.id})
            known.append(national)
    token = provisioned["token"]

    # ---- SQL counting ----
    counting = {"route": None}
    statements = collections.defaultdict(collections.Counter)
    original_execute = sql_db.Cursor.execute

    def http_in(route, payload):
        body = json.dumps(payload).encode()
        return {"method": "POST", "path": f"/api/callcenter/{route}",
                "headers": {"Authorization": f"Bearer {token}"}, "query": {},
                "remote_addr": "127.0.0.1", "content_type": "application/json",
                "content_length": len(body), "form": None, "read_body": lambda limit: body[:limit]}

    def receive(route, payload):
        with registry.cursor() as cr:  # the request's own cursor, as in HTTP
            env = api.Environment(cr, SUPERUSER_ID, {})
            body = env["pbx.call.event"]._receive_canonical(route, http_in(route, payload))
        if not body.get("ok"):
            raise SystemExit(f"{route} -> {body}")

    # ---- step timers: inclusive wall, CPU and SQL statements of the main steps ----
    active = []  # labels of the steps running now (nested)
    step_totals = {route: collections.defaultdict(lambda: [0, 0.0, 0.0, 0])
                   for route in ("call_in", "call_out")}

    def timed(label, method):
        def wrapper(*a, **kw):
            route = counting["route"]
            if not route:
                return method(*a, **kw)
            active.append(label)
            wall0, cpu0 = time.perf_counter(), time.process_time()
            try:
                return method(*a, **kw)
            finally:
                active.pop()
                total = step_totals[route][label]
                total[0] += 1
                total[1] += time.perf_counter() - wall0
                total[2] += time.process_time() - cpu0
        return wrapper

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        for model, name in STEPS:
            if model in env and hasattr(type(env[model]), name):
                cls = type(env[model])
                setattr(cls, name, timed(f"{model}.{name}", getattr(cls, name)))
    for name in ("commit",):
        setattr(sql_db.Cursor, name, timed(f"cursor.{name}", getattr(sql_db.Cursor, name)))

    def execute(self, query, params=None, log_exceptions=True):
        route = counting["route"]
        if route:
            statements[route][_kind(query)] += 1
            for label in set(active):
                step_totals[route][label][3] += 1
        return original_execute(self, query, params, log_exceptions)

    sql_db.Cursor.execute = execute

    profiles = {"call_in": cProfile.Profile(), "call_out": cProfile.Profile()}
    wall = collections.defaultdict(list)
    cpu = collections.defaultdict(list)
    fresh = set()
    for n in range(args.warmup + 2 * args.pairs):
        measured = n >= args.warmup
        profiled = n >= args.warmup + args.pairs  # the second half, under cProfile
        if rng.random() < args.unknown:
            number = "0236%07d" % rng.randrange(10**7)
            while number in fresh:
                number = "0236%07d" % rng.randrange(10**7)
            fresh.add(number)
        else:
            number = rng.choice(known)
        missed = rng.random() < args.missed
        callid = f"profile-{tag}-{n}"
        out = {"phone": number, "extension": "101", "callid": callid,
               "duration": 0 if missed else 95, "status": "NO ANSWER" if missed else "ANSWERED"}
        if not missed:
            out["billsec"] = 90
        for route, payload in (("call_in", {"phone": number, "extension": "101",
                                            "callid": callid}), ("call_out", out)):
            counting["route"] = route if measured and not profiled else None
            wall0, cpu0 = time.perf_counter(), time.process_time()
            if profiled:
                profiles[route].enable()
            receive(route, payload)
            if profiled:
                profiles[route].disable()
            elif measured:
                wall[route].append((time.perf_counter() - wall0) * 1000)
                cpu[route].append((time.process_time() - cpu0) * 1000)
            counting["route"] = None
    sql_db.Cursor.execute = original_execute

    print(f"Odoo {release.version}, database {args.db}: {args.pairs} pairs measured "
          f"(after {args.warmup}) then {args.pairs} profiled, {args.unknown:.0%} unknown "
          f"numbers, {args.missed:.0%} missed")
    for route in ("call_in", "call_out"):
        n = len(wall[route])
        total = sum(statements[route].values())
        print(f"\n=== {route}: wall {sum(wall[route]) / n:.1f} ms, CPU of this process "
              f"{sum(cpu[route]) / n:.1f} ms, {total / n:.1f} SQL statements per event "
              f"(the request's own cursor included)")
        print("  per event: calls  wall ms  CPU ms  SQL   step (inclusive; nested steps repeat)")
        for label, (count, wall_s, cpu_s, sql) in sorted(
                step_totals[route].items(), key=lambda item: -item[1][1]):
            print(f"  {count / n:14.2f} {1000 * wall_s / n:8.1f} {1000 * cpu_s / n:7.1f} "
                  f"{sql / n:5.1f}   {label}")
        print("  SQL statements per event by kind:")
        for kind, count in statements[route].most_common(args.top):
            print(f"  {count / n:6.2f}  {kind}")
        stream = io.StringIO()
        stats = pstats.Stats(profiles[route], stream=stream)
        stats.sort_stats("cumulative").print_stats(*([args.filter] if args.filter else []),
                                                   args.top)
        print("  cProfile (wall, profiler overhead included):")
        print("\n".join(line for line in stream.getvalue().splitlines() if line.strip()))


#: (model, method) timed per event: the pipeline of pbx.call.event._receive_canonical
STEPS = [
    ("pbx.connection", "_gate"), ("pbx.connection", "_find_by_token"),
    ("pbx.call.event", "_journal"), ("pbx.call.event", "_process_isolated"),
    ("pbx.call.event", "_process"), ("pbx.call", "_apply_event"),
    ("pbx.call", "_create_from_event"), ("pbx.connection", "_find_extension"),
    ("pbx.call", "_is_blacklisted"), ("pbx.connection", "_match_caller"),
    ("pbx.call", "_auto_create"), ("pbx.call", "create"), ("pbx.call", "_merge_event"),
    ("pbx.call", "_on_ended"), ("pbx.call", "_log_activity"), ("mail.activity", "create"),
    ("mail.activity", "action_feedback"), ("pbx.call", "_schedule_callback"),
    ("pbx.call", "_notify_popup"), ("pbx.call", "_popup_payload"), ("pbx.call", "_response"),
    ("res.partner", "create"), ("bus.bus", "_sendone"),
]


_WORDS = re.compile(r'\b(SELECT|INSERT INTO|UPDATE|DELETE FROM|SAVEPOINT|RELEASE|ROLLBACK|'
                    r'SET|NOTIFY|LISTEN)\b', re.I)
_TABLE = re.compile(r'\b(?:FROM|INTO|UPDATE)\s+"?([a-z_0-9]+)"?', re.I)


def _kind(query):
    text = query.decode() if isinstance(query, bytes) else str(query)
    word = _WORDS.search(text)
    table = _TABLE.search(text)
    head = word.group(1).upper() if word else text.split(None, 1)[0][:20]
    if "pg_advisory_xact_lock" in text:
        return "SELECT pg_advisory_xact_lock"
    return f"{head} {table.group(1) if table else ''}".strip()


if __name__ == "__main__":
    main()
