#!/usr/bin/python3
"""Live install on a populated database (issue 11, item 4): the pre-init hook's side-connection
path (odoo_addon/pbx_callcenter/hooks.py), which only tables of SIDE_MIN_ROWS rows or more take,
so no Odoo test (small database, test mode) ever runs it.

Run by scripts/test_all.sh (tier 3) with PBX_ODOO_SRC, PBX_ODOO_ADDONS_PATH etc. set (see that
script's header); it does not use the served database. Each run builds its own:
  1. scratch database `pbx_live_install_<version>_<pid>`: `odoo-bin -i crm,contacts,
     phone_validation` (the module's dependencies, no demo data), then scripts/seed_contacts.py
     (COPY, as benchmark_install.py seeds: mixed formats, VN/US/FR, some without country or
     number) loads PARTNERS contacts and LEADS leads, both over SIDE_MIN_ROWS, without keys;
  2. `odoo-bin -i pbx_callcenter --stop-after-init` while a writer connection, standing for an
     Odoo process whose registry does not know the keys yet, keeps changing contacts' numbers
     and countries and inserting contacts (raw SQL, write_date stamped like Odoo's). It stops
     when crm_lead gets its key columns, i.e. before the hook re-keys the rows written meanwhile
     (a write after that keeps stale keys until its next edit, as documented in hooks.py);
     every write it makes after the fill has passed the row is counted as `stale`: only the
     re-key can fix it;
  3. checks the hook's log (side connection for both tables, nothing recomputed by the ORM), every
     stored key against lib.phone.index_key, the key indexes and column types, the module state,
     and a caller lookup through the ORM (`odoo-bin shell`) plus the planner's use of the indexes.
The scratch database is dropped whatever happens. One line per test, last line
`N passed, N failed`. Stdlib + psycopg2 (Debian) only; talks only to 127.0.0.1 and the local
PostgreSQL.
"""
import json
import os
import random
import re
import subprocess
import sys
import threading
import time

import psycopg2

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "support"))
import pbx_live as live  # noqa: E402  (puts scripts/ and the module's lib/ on the path)
from pbx_live import REPO, check  # noqa: E402
from lib import phone  # noqa: E402  (the module's pure key function)
import seed_contacts  # noqa: E402  (scripts/: the seeder's number formats, for the writer)

RUN_DIR = live.run_dir("live_install")
MAJOR = int(live.VERSION) if live.VERSION.isdigit() else 0
PARTNERS = 25_000
LEADS = 21_000
SIDE_MIN_ROWS = 20_000   # hooks.SIDE_MIN_ROWS (hooks.py imports odoo: not importable here)
DEPENDENCIES = "crm,contacts,phone_validation"   # __manifest__.json `depends`, base/mail/bus in
ODOO_TIMEOUT = 600       # seconds, one odoo-bin run
WRITER_PACE = 0.005      # seconds between two writes of the concurrent writer
#: Key columns as the module defines them: phone, and mobile before Odoo 19 (no mobile there).
NUMBERS = ("phone", "mobile") if MAJOR < 19 else ("phone",)
KEYS = tuple(f"pbx_{number}_key" for number in NUMBERS)
TABLES = ("res_partner", "crm_lead")
SIDE_LINE = re.compile(r"pbx_callcenter: (\w+) keys filled on a side connection: (\d+) rows read, "
                       r"(\d+) written")
REKEY_LINE = re.compile(r"pbx_callcenter: (\w+): (\d+) rows written during the fill re-keyed")

#: Run in `odoo-bin shell`: the caller lookup every adapter uses, on a connection reading national
#: numbers as Vietnamese; rolled back.
SHELL = """
import json
conn = env["pbx.connection"].create({{"name": "live install lookup",
                                      "country_id": env.ref("base.vn").id}})
found = {{}}
for raw in {raws!r}:
    record = conn._lookup_caller(raw)["record"]
    found[raw] = record and [record["model"], record["id"]]
print("LOOKUP " + json.dumps(found), flush=True)
env.cr.rollback()
"""


def connect(db, **kwargs):
    conn = psycopg2.connect(dbname=db, application_name="pbx-live-install", **kwargs)
    conn.autocommit = True
    return conn


def query(db, sql, params=()):
    conn = connect(db)
    try:
        with conn.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall() if cur.description else None
    finally:
        conn.close()


class Scratch:
    """The scratch database and the odoo-bin processes run on it."""

    def __init__(self):
        self.db = f"pbx_live_install_{MAJOR}_{os.getpid()}"
        self.conf = os.path.join(RUN_DIR, "odoo.conf")
        with open(self.conf, "w", encoding="utf-8") as handle:
            handle.write("[options]\n")  # never a ~/.odoorc
        self.log = os.path.join(RUN_DIR, "odoo.log")
        open(self.log, "w").close()
        self.processes = []

    def odoo(self, *args):
        """Start odoo-bin on the scratch database (no demo data, 127.0.0.1), output to the log."""
        port = live.free_port()
        without_demo = "--without-demo=True" if MAJOR >= 19 else "--without-demo=all"
        command = [live.PYTHON, "odoo-bin", f"--config={self.conf}",
                   f"--addons-path={live.ADDONS}", "-d", self.db, without_demo,
                   "--max-cron-threads=0", "--http-interface=127.0.0.1", f"--http-port={port}",
                   f"--gevent-port={live.free_port((port,))}", "--log-level=info", *args]
        with open(self.log, "a", encoding="utf-8") as out:
            out.write(f"\n$ {' '.join(command)}\n")
            out.flush()
            process = subprocess.Popen(command, cwd=live.SRC, stdin=subprocess.DEVNULL,
                                       stdout=out, stderr=subprocess.STDOUT,
                                       preexec_fn=live.die_with_parent)
        self.processes.append(process)
        return process

    def wait(self, process, what):
        try:
            code = process.wait(timeout=ODOO_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            raise RuntimeError(f"{what}: odoo-bin still running after {ODOO_TIMEOUT}s")
        check(code == 0, f"{what}: odoo-bin exit {code}; log {self.log}:\n{live.log_tail(self.log)}")

    def log_text(self, start=0):
        with open(self.log, encoding="utf-8", errors="replace") as handle:
            handle.seek(start)
            return handle.read()

    def drop(self):
        for process in self.processes:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=30)
        query("postgres", f'DROP DATABASE IF EXISTS "{self.db}" WITH (FORCE)')


# -----------------------------------------------------------------------------------------------
# The concurrent writer
# -----------------------------------------------------------------------------------------------

class Writer(threading.Thread):
    """Changes contacts' numbers and inserts contacts, one short transaction each, as an Odoo
    process that does not know the key columns: it never writes them, and stamps write_date with
    its transaction's start (UTC), as Odoo does."""

    def __init__(self, db, targets, countries, deadline):
        super().__init__(daemon=True)
        self.db, self.targets, self.countries, self.deadline = db, targets, countries, deadline
        self.rng = random.Random(11)
        self.stop = threading.Event()
        self.written = {}        # partner id -> (numbers, country code) of its last write
        self.stale = set()       # ids written after the fill had passed them
        self.writes = self.inserts = 0
        self.reached_rekey = False
        self.error = None

    def _values(self):
        """(numbers, country code): a new number in one of the seeder's formats, read in its
        country or with none; sometimes no number at all."""
        country = self.rng.choice(sorted(self.countries))
        code = None if self.rng.random() < 0.2 else country
        numbers = []
        for _number in NUMBERS:
            if self.rng.random() < 0.1:
                numbers.append(None)
            else:
                numbers.append(seed_contacts.format_number(
                    self.rng, country, seed_contacts.random_national(self.rng, country)))
        return numbers, code

    def _write(self, cur):
        numbers, code = self._values()
        country_id = self.countries.get(code)
        sets = ", ".join(f"{number} = %s" for number in NUMBERS)
        if self.rng.random() < 0.2:
            cur.execute("SELECT nextval('res_partner_id_seq')")
            rid = cur.fetchone()[0]
            name = f"Written during install {rid}"
            cur.execute(f"""
                INSERT INTO res_partner (id, commercial_partner_id, name, complete_name, active,
                                         type, is_company, country_id, {', '.join(NUMBERS)},
                                         create_date, write_date)
                VALUES (%s, %s, %s, %s, true, 'contact', false, %s, {', '.join('%s' for _n in NUMBERS)},
                        now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC')""",
                        (rid, rid, name, name, country_id, *numbers))
            self.inserts += 1
            inserted = True
        else:
            inserted = False
            rid = self.rng.choice(self.targets)
            cur.execute(f"UPDATE res_partner SET {sets}, country_id = %s, "
                        "write_date = now() AT TIME ZONE 'UTC' WHERE id = %s",
                        (*numbers, country_id, rid))
        self.written[rid] = (numbers, code)
        self.writes += 1
        return rid, numbers, code, inserted

    def run(self):
        try:
            conn = connect(self.db)
            cur = conn.cursor()
            cur.execute("SET lock_timeout = 0")
            while not self.stop.is_set() and time.monotonic() < self.deadline:
                cur.execute("""
                    SELECT to_regclass('res_partner_pbx_phone_key_pattern_index') IS NOT NULL,
                           EXISTS (SELECT 1 FROM pg_attribute
                                    WHERE attrelid = 'crm_lead'::regclass
                                      AND attname = 'pbx_phone_key' AND NOT attisdropped),
                           EXISTS (SELECT 1 FROM pg_attribute
                                    WHERE attrelid = 'res_partner'::regclass
                                      AND attname = 'pbx_phone_key' AND NOT attisdropped)""")
                partner_filled, lead_columns, partner_columns = cur.fetchone()
                if lead_columns:  # the hook is on its last table: the re-key comes next
                    self.reached_rekey = True
                    break
                rid, numbers, code, inserted = self._write(cur)
                if partner_columns:
                    cur.execute(f"SELECT {', '.join(KEYS)} FROM res_partner WHERE id = %s", (rid,))
                    stored = list(cur.fetchone())
                    wrong = stored != [phone.index_key(n, code) for n in numbers]
                    # the fill goes in id order and never back: past a row when it gave it keys
                    # (the writer never sets them), past every row once the indexes are built
                    if wrong and (partner_filled or (any(stored) and not inserted)):
                        self.stale.add(rid)
                    elif not wrong:
                        self.stale.discard(rid)
                self.stop.wait(WRITER_PACE)
            conn.close()
        except Exception as error:  # noqa: BLE001 - reported by the install test
            self.error = f"{type(error).__name__}: {error}"


# -----------------------------------------------------------------------------------------------
# The tests
# -----------------------------------------------------------------------------------------------

def build(scratch, ctx):
    t0 = time.monotonic()
    scratch.wait(scratch.odoo("-i", DEPENDENCIES, "--stop-after-init"), "installing " + DEPENDENCIES)
    deps = time.monotonic() - t0
    state = dict(query(scratch.db, "SELECT name, state FROM ir_module_module "
                                   "WHERE name IN ('crm', 'contacts', 'phone_validation', "
                                   "'pbx_callcenter')"))
    check(state == {"crm": "installed", "contacts": "installed", "phone_validation": "installed",
                    "pbx_callcenter": "uninstalled"}, f"module states after the dependencies: {state}")
    t1 = time.monotonic()
    seeded = subprocess.run(
        [live.PYTHON, os.path.join(REPO, "scripts", "seed_contacts.py"), "--db", scratch.db,
         "--partners", str(PARTNERS), "--leads", str(LEADS)],
        capture_output=True, text=True, timeout=300)
    check(seeded.returncode == 0, f"seed_contacts.py exit {seeded.returncode}: "
                                  f"{seeded.stdout[-500:]} {seeded.stderr[-800:]}")
    check("columns absent: loading without keys" in seeded.stdout,
          f"seed_contacts.py found key columns: {seeded.stdout[-300:]}")
    counts = {table: query(scratch.db, f"SELECT count(*) FROM {table}")[0][0] for table in TABLES}
    check(all(count >= SIDE_MIN_ROWS for count in counts.values()),
          f"rows {counts}: each table must reach SIDE_MIN_ROWS={SIDE_MIN_ROWS}")
    ctx["countries"] = dict(query(scratch.db, "SELECT code, id FROM res_country "
                                              "WHERE code IN ('VN', 'US', 'FR')"))
    # rows the fill reaches first (lowest ids), so that many writes land after it passed them
    ctx["targets"] = [rid for (rid,) in query(
        scratch.db, f"SELECT id FROM res_partner WHERE phone IS NOT NULL AND name LIKE 'Contact %%' "
                    f"ORDER BY id LIMIT {min(5_000, PARTNERS // 2)}")]
    return (f"{scratch.db}: {DEPENDENCIES} in {deps:.0f}s, seeded in {time.monotonic() - t1:.0f}s: "
            f"{counts['res_partner']} contacts, {counts['crm_lead']} leads, no key column")


def install(scratch, ctx):
    start = os.path.getsize(scratch.log)
    t0 = time.monotonic()
    process = scratch.odoo("-i", "pbx_callcenter", "--stop-after-init")
    writer = Writer(scratch.db, ctx["targets"], ctx["countries"], t0 + ODOO_TIMEOUT)
    ctx["writer"] = writer
    writer.start()
    try:
        scratch.wait(process, "installing pbx_callcenter")
    finally:
        writer.stop.set()
        writer.join(timeout=60)
    seconds = time.monotonic() - t0
    log = scratch.log_text(start)
    side = {table: (int(read), int(written)) for table, read, written in SIDE_LINE.findall(log)}
    rekeyed = {table: int(n) for table, n in REKEY_LINE.findall(log)}
    recomputed = sorted(set(re.findall(r"Prepare computation of (\S+pbx_\w+_key)", log)))
    state = query(scratch.db, "SELECT state FROM ir_module_module WHERE name = 'pbx_callcenter'")
    soft = live.Soft()
    soft.expect(writer.error is None, f"writer failed: {writer.error}")
    soft.expect(set(side) == set(TABLES),
                f"side-connection fill logged for {sorted(side)}, expected {list(TABLES)}")
    soft.expect(all(read > 0 and written > 0 for read, written in side.values()),
                f"side fills read/written nothing: {side}")
    soft.expect("keys filled in the install transaction" not in log,
                "the in-transaction path ran on a populated database")
    soft.expect(not recomputed, f"the ORM recomputed {recomputed} on every row")
    soft.expect(state == [("installed",)], f"pbx_callcenter state {state}")
    soft.expect(writer.reached_rekey, "the writer never saw crm_lead get its key columns")
    soft.expect(len(writer.stale) >= 5,
                f"only {len(writer.stale)} writes landed after the fill passed their row: the "
                "re-key of rows written meanwhile was not exercised")
    soft.expect(rekeyed.get("res_partner", 0) >= len(writer.stale),
                f"re-key logged {rekeyed}, fewer than the {len(writer.stale)} rows written after "
                "the fill")
    soft.done()
    return (f"install {seconds:.0f}s; " + "; ".join(
        f"{table} side fill {read} read/{written} written" for table, (read, written) in side.items())
        + f"; concurrent writer: {writer.writes} writes ({writer.inserts} inserts) on "
          f"{len(writer.written)} contacts, {len(writer.stale)} after the fill had passed them; "
          f"re-keyed {rekeyed}")


def every_key(scratch, ctx):
    writer = ctx.get("writer")
    wrong, total, keyed = [], 0, 0
    for table in TABLES:
        columns = ", ".join(f"t.{number}" for number in NUMBERS)
        rows = query(scratch.db, f"""
            SELECT t.id, {columns}, c.code, {', '.join(f't.{key}' for key in KEYS)}
              FROM {table} t LEFT JOIN res_country c ON c.id = t.country_id ORDER BY t.id""")
        for rid, *rest in rows:
            numbers, code, stored = rest[:len(NUMBERS)], rest[len(NUMBERS)], rest[len(NUMBERS) + 1:]
            expected = [phone.index_key(number, code or None) for number in numbers]
            total += 1
            keyed += any(expected)
            if list(stored) != expected:
                wrong.append((table, rid, numbers, code, stored, expected))
    concurrent = set(writer.written if writer else ())
    wrong_written = [w for w in wrong if w[0] == "res_partner" and w[1] in concurrent]
    check(not wrong, f"{len(wrong)} of {total} rows with keys other than lib.phone.index_key, "
                     f"{len(wrong_written)} of them written during the install "
                     f"(stale after the fill: {sum(1 for w in wrong_written if w[1] in writer.stale)}); "
                     f"e.g. {wrong[:3]}")
    check(keyed > 0.8 * (PARTNERS + LEADS), f"only {keyed} rows have a key")
    stale_ok = len(writer.stale) if writer else 0
    return (f"{total} rows ({keyed} with a number) keyed as index_key(number, country), incl. "
            f"{len(concurrent)} contacts written during the install, {stale_ok} of them after "
            "the fill had passed them")


def indexes_and_columns(scratch, ctx):
    soft = live.Soft()
    found = []
    for table in TABLES:
        types = dict(query(scratch.db, """
            SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a
             WHERE a.attrelid = %s::regclass AND a.attname LIKE 'pbx\\_%%\\_key'
               AND NOT a.attisdropped""", (table,)))
        soft.expect(types == {key: "character varying" for key in KEYS},
                    f"{table} key columns {types}, expected {KEYS} as character varying")
        for key in KEYS:
            name = f"{table}_{key}_pattern_index"  # models/pbx_phone_key_mixin.py key_indexes
            rows = query(scratch.db, """
                SELECT i.indisvalid, i.indisready, pg_get_indexdef(i.indexrelid)
                  FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                 WHERE c.relname = %s""", (name,))
            if not rows:
                soft.expect(False, f"index {name} missing")
                continue
            valid, ready, definition = rows[0]
            soft.expect(valid and ready, f"index {name} valid={valid} ready={ready}")
            soft.expect(f"({key} text_pattern_ops) WHERE ({key} IS NOT NULL)" in definition,
                        f"index {name}: {definition}")
            found.append(name)
        extra = query(scratch.db, """
            SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
             WHERE i.indrelid = %s::regclass AND c.relname LIKE '%%pbx%%key%%'
               AND c.relname NOT IN %s""", (table, tuple(found) or ("",)))
        soft.expect(not extra, f"{table}: other key indexes {extra} (built twice?)")
    soft.done()
    return f"{', '.join(found)} valid; {', '.join(KEYS)} character varying on both tables"


def _index_names(plan):
    names = set()
    if isinstance(plan, dict):
        if "Index Name" in plan:
            names.add(plan["Index Name"])
        for value in plan.values():
            names |= _index_names(value)
    elif isinstance(plan, list):
        for value in plan:
            names |= _index_names(value)
    return names


def _unique_readable(db, table, extra_where="", ids=None, limit=3, order="t.id"):
    """(id, E.164 of its phone) of rows whose phone key is readable and held by no other row of
    either table (so the lookup has one answer), read with their own country."""
    where = "t.id = ANY(%s)" if ids is not None else "TRUE"
    rows = query(db, f"""
        SELECT t.id, t.phone, c.code, t.pbx_phone_key FROM {table} t
          LEFT JOIN res_country c ON c.id = t.country_id
         WHERE {where} AND t.pbx_phone_key IS NOT NULL {extra_where}
         ORDER BY {order} LIMIT 400""", (sorted(ids),) if ids is not None else ())
    picked = []
    for rid, number, code, key in rows:
        e164 = phone.normalize(number, code).e164
        if not e164 or e164 == number:
            continue  # looked up in another format than stored
        holders = query(db, " UNION ALL ".join(
            f"SELECT 1 FROM {other} WHERE {column} = %s" for other in TABLES for column in KEYS),
            (key,) * (len(TABLES) * len(KEYS)))
        if len(holders) == 1:
            picked.append((rid, e164))
        if len(picked) == limit:
            break
    return picked


def lookup(scratch, ctx):
    writer = ctx.get("writer")
    db = scratch.db
    wanted = {}
    # seeded contacts the writer did not touch (it writes the lowest ids)
    for rid, raw in _unique_readable(db, "res_partner", "AND t.name LIKE 'Contact %%'",
                                     order="t.id DESC"):
        wanted[raw] = ["res.partner", rid]
    for rid, raw in _unique_readable(db, "crm_lead", "AND t.active"):
        wanted[raw] = ["crm.lead", rid]
    stale = _unique_readable(db, "res_partner", ids=writer.stale, limit=5) if writer else []
    for rid, raw in stale:
        wanted[raw] = ["res.partner", rid]
    check(stale, "no contact written after the fill to look up")
    done = subprocess.run(
        [live.PYTHON, "odoo-bin", "shell", f"--config={scratch.conf}", f"--addons-path={live.ADDONS}",
         "-d", db, "--log-level=warn"], cwd=live.SRC,
        input=SHELL.format(raws=sorted(wanted)), capture_output=True, text=True, timeout=300)
    with open(os.path.join(RUN_DIR, "shell.out"), "w", encoding="utf-8") as out:
        out.write(done.stdout + "\n--- stderr\n" + done.stderr)
    lines = [line for line in done.stdout.splitlines() if line.startswith("LOOKUP ")]
    check(lines, f"odoo-bin shell printed no lookup (exit {done.returncode}, output in "
                 f"{RUN_DIR}/shell.out): {done.stdout[-600:]} {done.stderr[-1500:]}")
    found = json.loads(lines[-1][len("LOOKUP "):])
    wrong = {raw: (found.get(raw), want) for raw, want in wanted.items() if found.get(raw) != want}
    check(not wrong, f"lookup (found, expected) by number: {wrong}")
    # the planner answers the lookup's key predicates from the indexes right after the install
    plans = []
    for table in TABLES:
        key = query(db, f"SELECT pbx_phone_key FROM {table} WHERE pbx_phone_key IS NOT NULL "
                        "ORDER BY id DESC LIMIT 1")[0][0]
        for predicate, value in (("=", key), ("LIKE", key[:9] + "%")):
            plan = query(db, f"EXPLAIN (FORMAT JSON) SELECT id FROM {table} "
                             f"WHERE pbx_phone_key {predicate} %s", (value,))[0][0]
            names = _index_names(plan)
            check(f"{table}_pbx_phone_key_pattern_index" in names,
                  f"{table} pbx_phone_key {predicate}: plan uses no key index: {json.dumps(plan)}")
            plans.append(f"{table} {predicate}")
    return (f"{len(wanted)} numbers found through pbx.connection._lookup_caller (E.164 of stored "
            f"national/other formats), {len(stale)} of contacts written after the fill; index "
            f"scans for {', '.join(plans)}")


NAMES = [
    "install: scratch database with the dependencies and contacts over SIDE_MIN_ROWS",
    "install: populated database, concurrent writer: side-connection fill of both tables, "
    "writes re-keyed",
    "install: every stored key is index_key(number, country), concurrent writes included",
    "install: key indexes valid, key columns character varying",
    "install: caller lookup by number through the ORM, on the key indexes",
]


def main(cleanups):
    start = time.monotonic()
    try:
        check(live.SRC and live.ADDONS and MAJOR, "PBX_ODOO_SRC, PBX_ODOO_ADDONS_PATH and "
                                                  "PBX_ODOO_VERSION must be set")
        scratch = Scratch()
    except Exception as error:  # noqa: BLE001 - nothing else can run
        live.record(NAMES[0], False, f"{type(error).__name__}: {error}", time.monotonic() - start)
        live.skip_all(NAMES[1:], "setup failed")
        return
    cleanups.append(scratch.drop)
    ctx = {}
    live.run_test(NAMES[0], build, scratch, ctx)
    if not live.RESULTS[-1][1]:
        live.skip_all(NAMES[1:], "no scratch database")
        return
    live.run_test(NAMES[1], install, scratch, ctx)
    installed = query(scratch.db, "SELECT state FROM ir_module_module "
                                  "WHERE name = 'pbx_callcenter'") == [("installed",)]
    if not installed:
        live.skip_all(NAMES[2:], "pbx_callcenter not installed")
        return
    live.run_test(NAMES[2], every_key, scratch, ctx)
    live.run_test(NAMES[3], indexes_and_columns, scratch, ctx)
    live.run_test(NAMES[4], lookup, scratch, ctx)
    print(f"total {time.monotonic() - start:.0f}s", flush=True)


if __name__ == "__main__":
    live.main(main)
