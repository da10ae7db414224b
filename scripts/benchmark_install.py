#!/usr/bin/python3
"""Install, upgrade, lock and lookup figures of pbx_callcenter on 1.2M rows (issue 5, items 1-2).

    scripts/benchmark_install.py --odoo /opt/odoo/17.0 [--partners 1000000] [--leads 200000]
                                 [--no-baseline] [--prepare-only] [--reseed] [--port N] [--json FILE]

1. Base database ``big_bench_<major>``, kept and reused from run to run (its COMMENT records what
   was seeded; it is rebuilt when that differs, or with --reseed): Odoo with crm, contacts and
   phone_validation, no demo data, then scripts/seed_contacts.py (COPY) without pbx keys, as a
   database that never had the module. Drop it with ``dropdb big_bench_<major>``.
2. Twice, on a fresh clone of it (``createdb -T``): "ours" (this checkout: the pre-init hook fills
   the keys in bulk), then the baseline (the same module with its hooks taken out of the manifest:
   the ORM computes the keys record by record, as before the hook existed):
   - autovacuum is turned off on res_partner and crm_lead, so that nothing but the install itself
     can refresh the planner's statistics before the lookups below run;
   - `-i pbx_callcenter` is timed while probe connections read one contact and one lead, and take
     the lock a write takes on their tables, every 0.5 s (ours also updates the rows), each probe
     recording how long it waited: the longest wait is how long the install kept that table
     locked against it (see probes_for);
   - scripts/benchmark_lookup.py right after the install (ours: 1,000 numbers, best of 3 rounds,
     and the two slow methods on 50; baseline: ours only);
   - `-u pbx_callcenter`, timed and probed the same way; the clone is dropped.
Prints every figure beside its baseline (same run, same machine) and the ratio.
"""

import argparse
import ast
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

import psycopg2

from odoo_prefork import free_port

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
PY = os.environ.get("ODOO_PYTHON", "/usr/bin/python3")
DEPENDENCIES = "crm,contacts,phone_validation"


def log(msg):
    print(msg, flush=True)


def odoo_major(src):
    with open(os.path.join(src, "odoo", "release.py")) as f:
        return int(re.search(r"^version_info\s*=\s*\((\d+),", f.read(), re.M).group(1))


def addons_of(src):
    inner = os.path.join(src, "odoo", "addons")
    return inner if os.path.isdir(os.path.join(inner, "crm")) else os.path.join(src, "addons") + "," + inner


def psql(db, query, params=None, fetch=False):
    conn = psycopg2.connect(dbname=db)
    conn.autocommit = True
    try:
        cur = conn.cursor()
        cur.execute(query, params)
        return cur.fetchall() if fetch else None
    finally:
        conn.close()


def db_comment(db):
    rows = psql("postgres", "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                "WHERE datname = %s", (db,), fetch=True)
    return rows[0][0] if rows else None


def run(cmd, logfile, cwd=None):
    """Run a command, output to logfile; returns (seconds, exit code)."""
    t0 = time.monotonic()
    with open(logfile, "a") as out:
        out.write("\n$ %s\n" % " ".join(cmd))
        out.flush()
        code = subprocess.call(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                               cwd=cwd)
    return time.monotonic() - t0, code


class Odoo:
    def __init__(self, src, addons, port, workdir):
        self.src, self.addons, self.port = src, addons, port
        self.conf = os.path.join(workdir, "odoo.conf")
        # no demo data: Odoo 19 reads a boolean (and warns on "all"), 17 and 18 a module list
        self.without_demo = "--without-demo=" + ("True" if odoo_major(src) >= 19 else "all")
        with open(self.conf, "w") as f:
            f.write("[options]\n")  # never the user's ~/.odoorc

    def __call__(self, db, logfile, *args):
        return run([PY, "odoo-bin", "--config=" + self.conf, "--addons-path=" + self.addons,
                    "-d", db, self.without_demo, "--stop-after-init", "--max-cron-threads=0",
                    "--http-interface=127.0.0.1", "--http-port=%d" % self.port,
                    "--gevent-port=%d" % (self.port + 1)] + list(args),
                   logfile, cwd=self.src)


# ---- lock probes -------------------------------------------------------------------------------

class Probe(threading.Thread):
    """Runs one statement (in its own transaction) every `interval` s on its own connection and
    records how long each took: the longest is how long the install kept it waiting."""

    def __init__(self, db, name, query, params=(), interval=0.5):
        super().__init__(daemon=True)
        self.db, self.name, self.query, self.params, self.interval = db, name, query, params, interval
        self.waits = []
        self.stop = threading.Event()
        self.error = None

    def run(self):
        try:
            conn = psycopg2.connect(dbname=self.db, application_name="pbx-bench-probe")
            cur = conn.cursor()
            cur.execute("SET lock_timeout = 0; SET statement_timeout = 0")
            conn.commit()
            while not self.stop.is_set():
                t0 = time.monotonic()
                cur.execute(self.query, self.params)
                conn.commit()
                wait = time.monotonic() - t0
                self.waits.append(wait)
                self.stop.wait(max(0.0, self.interval - wait))
            conn.close()
        except Exception as exc:  # reported with the figures, never silently
            self.error = repr(exc)

    def summary(self):
        waits = self.waits or [0.0]
        return {"probes": len(self.waits), "longest_wait_s": max(waits),
                "waited_over_1s": sum(w for w in waits if w > 1.0), "error": self.error}


def probes_for(db, row_writes):
    """Per table: a read; the table lock every write takes (ROW EXCLUSIVE), alone, so that no
    row changes; with `row_writes`, also a real update of a row the keys are filled on.

    The baseline gets no row update: Odoo's install transaction (REPEATABLE READ) then fails with
    "could not serialize access due to concurrent update" when the ORM recomputes that row,
    which is itself a finding (any contact edited during the ORM install makes it fail).
    """
    out = []
    for table in ("res_partner", "crm_lead"):
        rid = psql(db, f"SELECT id FROM {table} WHERE phone IS NOT NULL AND id > 100 "
                   "ORDER BY id LIMIT 1", fetch=True)[0][0]
        out.append(Probe(db, table + " read", f"SELECT phone FROM {table} WHERE id = %s", (rid,)))
        out.append(Probe(db, table + " write lock", f"LOCK TABLE {table} IN ROW EXCLUSIVE MODE"))
        if row_writes:
            # write_date = write_date: a real row write that changes nothing the hook looks at
            out.append(Probe(db, table + " row update",
                             f"UPDATE {table} SET write_date = write_date WHERE id = %s", (rid,)))
    return out


def probed(db, action, row_writes):
    probes = probes_for(db, row_writes)
    for p in probes:
        p.start()
    time.sleep(1.0)  # a few unblocked probes first: the reference wait
    seconds, code = action()
    for p in probes:
        p.stop.set()
    for p in probes:
        p.join(timeout=600)
    return seconds, code, {p.name: p.summary() for p in probes}


# ---- the runs ----------------------------------------------------------------------------------

def prepare(args, odoo, base, logfile):
    want = "pbx_callcenter big bench: %d partners, %d leads, seed 42, without pbx keys" % (
        args.partners, args.leads)
    if not args.reseed and db_comment(base) == want:
        log("reusing %s (%s)" % (base, want))
        return
    log("building %s: %s (minutes; log %s)" % (base, want, logfile))
    subprocess.call(["dropdb", "--if-exists", base])
    subprocess.check_call(["createdb", base])
    seconds, code = odoo(base, logfile, "-i", DEPENDENCIES)
    if code:
        raise SystemExit("installing %s into %s failed (see %s)" % (DEPENDENCIES, base, logfile))
    seeded, code = run([PY, os.path.join(HERE, "seed_contacts.py"), "--db", base, "--partners",
                        str(args.partners), "--leads", str(args.leads)], logfile)
    if code:
        raise SystemExit("seeding %s failed (see %s)" % (base, logfile))
    psql(base, "COMMENT ON DATABASE %s IS %%s" % base, (want,))
    log("%s ready: dependencies %.0f s, seeded in %.0f s" % (base, seconds, seeded))


def baseline_addons(workdir):
    """A copy of the module without its install hooks: the ORM computes the keys itself."""
    dest = os.path.join(workdir, "baseline_addons")
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(os.path.join(REPO, "odoo_addon", "pbx_callcenter"),
                    os.path.join(dest, "pbx_callcenter"),
                    ignore=shutil.ignore_patterns("__pycache__", "tests"))
    manifest = os.path.join(dest, "pbx_callcenter", "__manifest__.py")
    with open(manifest) as f:
        data = ast.literal_eval(f.read())
    data.pop("pre_init_hook", None)
    data.pop("post_init_hook", None)
    with open(manifest, "w") as f:
        f.write(repr(data))
    return dest


def one_run(args, src, odoo, base, clone, label, lookup_args, logfile, workdir, row_writes):
    log("--- %s: clone %s -> %s" % (label, base, clone))
    subprocess.call(["dropdb", "--if-exists", clone])
    t0 = time.monotonic()
    subprocess.check_call(["createdb", "-T", base, clone])
    log("    cloned in %.0f s" % (time.monotonic() - t0))
    for table in ("res_partner", "crm_lead"):
        psql(clone, f"ALTER TABLE {table} SET (autovacuum_enabled = false)")
    result = {}
    try:
        start = os.path.getsize(logfile)
        seconds, code, locks = probed(clone, lambda: odoo(clone, logfile, "-i", "pbx_callcenter"),
                                      row_writes)
        if code:
            raise SystemExit("%s: install failed (see %s)" % (label, logfile))
        with open(logfile) as f:
            f.seek(start)
            lines = f.readlines()
        result["hook_log"] = [line.split("pbx_callcenter.hooks: ")[1].strip()
                              for line in lines if "pbx_callcenter.hooks: " in line]
        # Odoo logs "Prepare computation of <field>" for each stored computed field it will
        # compute on every existing row: none of ours may appear when the hook ran
        result["orm_recomputed"] = sorted({line.split("Prepare computation of ")[1].strip()
                                           for line in lines if "Prepare computation of " in line})
        result["install_s"], result["install_locks"] = seconds, locks
        log("    install %.1f s; longest waits: %s" % (seconds, ", ".join(
            "%s %.2f s" % (k, v["longest_wait_s"]) for k, v in locks.items())))
        for line in result["hook_log"]:
            log("      " + line)
        log("      fields the ORM computed on existing rows: %s"
            % (", ".join(result["orm_recomputed"]) or "none"))
        out = os.path.join(workdir, "lookup_%s.json" % label)
        _s, code = run([PY, os.path.join(HERE, "benchmark_lookup.py"), "--db", clone, "--odoo", src,
                        "--json", out] + lookup_args, logfile)
        if code:
            raise SystemExit("%s: benchmark_lookup failed (see %s)" % (label, logfile))
        with open(out) as f:
            result["lookup"] = json.load(f)
        log("    lookup right after install: p50 %.2f ms, p95 %.2f ms (best of rounds with p95 %s; "
            "load averages %s)" % (
                result["lookup"]["ours"]["p50"], result["lookup"]["ours"]["p95"],
                ", ".join("%.2f" % r["p95"] for r in result["lookup"]["rounds"]),
                ", ".join("%.1f" % r["load"] for r in result["lookup"]["rounds"])))
        seconds, code, locks = probed(clone, lambda: odoo(clone, logfile, "-u", "pbx_callcenter"),
                                      row_writes)
        if code:
            raise SystemExit("%s: upgrade failed (see %s)" % (label, logfile))
        result["upgrade_s"], result["upgrade_locks"] = seconds, locks
        log("    upgrade %.1f s" % seconds)
    finally:
        if not args.keep:
            subprocess.call(["dropdb", "--if-exists", clone])
    return result


def ratio(ours, base):
    if ours <= 0 or base < 0.05:
        return "n/a (both negligible)" if base < 0.05 else "n/a"
    return "%.0f×" % (base / ours) if base / ours >= 10 else "%.1f×" % (base / ours)


def report(tag, ours, base):
    def line(what, value, unit, baseline=None, base_name="baseline"):
        text = "[%s] %-52s %9.2f %s" % (tag, what, value, unit)
        if baseline is not None:
            text += "  (%s %.2f %s, ratio %s)" % (base_name, baseline, unit, ratio(value, baseline))
        log(text)

    def b(*path):  # the baseline's figure, or None without a baseline run
        value = base
        for key in path:
            if value is None:
                return None
            value = value.get(key)
        return value

    orm = "baseline ORM compute"
    line("install -i pbx_callcenter", ours["install_s"], "s", b("install_s"), orm)
    for probe in ("res_partner write lock", "res_partner read", "crm_lead write lock",
                  "crm_lead read", "res_partner row update", "crm_lead row update"):
        line("longest wait of a %s during -i" % probe, ours["install_locks"][probe]["longest_wait_s"],
             "s", b("install_locks", probe, "longest_wait_s"), orm)
    log("[%s] fields the ORM computed row by row at install: %s (baseline: %s)" % (
        tag, ", ".join(ours.get("orm_recomputed", [])) or "none",
        ", ".join(b("orm_recomputed") or []) or "none"))
    line("lookup p95 right after install (autovacuum off)", ours["lookup"]["ours"]["p95"], "ms",
         b("lookup", "ours", "p95"), orm)
    line("upgrade -u pbx_callcenter", ours["upgrade_s"], "s", b("upgrade_s"), "baseline")
    line("longest wait of a res_partner write lock during -u",
         ours["upgrade_locks"]["res_partner write lock"]["longest_wait_s"], "s",
         b("upgrade_locks", "res_partner write lock", "longest_wait_s"), "baseline")
    lk = ours["lookup"]
    log("[%s] lookup on %d contacts + %d leads, %d numbers (%d re-formatted hits, %d misses):"
        % (tag, lk["partners"], lk["leads"], lk["numbers"], lk["hits"], lk["misses"]))
    line("ours _match_caller p50", lk["ours"]["p50"], "ms")
    line("ours _match_caller p95", lk["ours"]["p95"], "ms", lk["scan"]["p95"],
         "baseline REGEXP_REPLACE scan")
    line("ours _match_caller p95", lk["ours"]["p95"], "ms", lk["odoo"]["p95"],
         "baseline phone_mobile_search")
    line("phone_mobile_search p50 (n=%d)" % lk["odoo"]["n"], lk["odoo"]["p50"], "ms")
    line("REGEXP_REPLACE scan p50 (n=%d)" % lk["scan"]["n"], lk["scan"]["p50"], "ms")
    log("[%s] hits found: ours %d/%d (same last 9 digits), misses with no record %d/%d; "
        "phone_mobile_search %d/%d, scan %d/%d; stored keys = ORM compute on %d/%d sampled records"
        % (tag, lk["found_tail"], lk["hits"], lk["miss_clean"], lk["misses"], lk["odoo_hits"],
           lk["scan_hit_total"], lk["scan_hits"], lk["scan_hit_total"], lk["parity_ok"],
           lk["parity_total"]))
    longest = max(ours["install_locks"][p]["longest_wait_s"] for p in ours["install_locks"])
    met = (lk["target_met"] and lk["ours"]["p95"] <= 5 and longest < 180)
    log("[%s] targets (lookup p95 <= 5 ms right after install, >= 100x the scan, no table locked "
        "over a few minutes): %s" % (tag, "MET" if met else "MISSED"))
    return met


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--odoo", default="/opt/odoo/17.0")
    ap.add_argument("--partners", type=int, default=1_000_000)
    ap.add_argument("--leads", type=int, default=200_000)
    ap.add_argument("--port", type=int, default=0, help="HTTP port (default: a free one)")
    ap.add_argument("--no-baseline", action="store_true", help="skip the ORM-compute install")
    ap.add_argument("--prepare-only", action="store_true")
    ap.add_argument("--reseed", action="store_true")
    ap.add_argument("--keep", action="store_true", help="keep the clones (big_bench_<major>_*)")
    ap.add_argument("--scan-n", type=int, default=50)
    ap.add_argument("--json")
    args = ap.parse_args()

    src = os.path.abspath(args.odoo)
    major = odoo_major(src)
    tag = "odoo%d" % major
    base = "big_bench_%d" % major
    workdir = tempfile.mkdtemp(prefix="pbx_big_%d_" % major)
    logfile = os.path.join(workdir, "odoo.log")
    open(logfile, "a").close()
    port = args.port or free_port()
    ours_addons = addons_of(src) + "," + os.path.join(REPO, "odoo_addon")
    log("[%s] big bench: base %s, log %s" % (tag, base, logfile))
    prepare(args, Odoo(src, ours_addons, port, workdir), base, logfile)
    if args.prepare_only:
        return 0
    ours = one_run(args, src, Odoo(src, ours_addons, port, workdir), base, base + "_ours", "ours",
                   ["--n", "1000", "--scan-n", str(args.scan_n)], logfile, workdir, True)
    baseline = None
    if not args.no_baseline:
        orm_addons = addons_of(src) + "," + baseline_addons(workdir)
        baseline = one_run(args, src, Odoo(src, orm_addons, port, workdir), base, base + "_orm",
                           "baseline", ["--n", "1000", "--scan-n", "0"], logfile, workdir, False)
    met = report(tag, ours, baseline)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"odoo": major, "ours": ours, "baseline": baseline, "targets_met": met}, f,
                      indent=1)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
