#!/usr/bin/python3
"""The demo as its salesperson sees it (issue 12, point 4).

Runs `npm run demo` (scripts/demo.sh) on this tier's Odoo source, on free ports and a scratch
database `pbx_live_demo_<version>_<pid>` with demo data (it does not use the served database),
then:
  1. the banner names the extension the database binds to the salesperson it advertises;
  2. scripts/demo_check.mjs, in Chromium, logs in with that login and checks, one line each: a
     popup names the known caller, another shows an unknown number, the missed call left a
     call-back activity, clicking the caller's phone calls through the demo's PBX stand-in,
     whose call comes back answered and recorded, and the recording is a WAV file it serves.
demo.sh and everything it started are stopped (SIGTERM to its process group) and the database
dropped whatever happens. One line per test, last line `N passed, N failed`.
"""
import os
import re
import signal
import subprocess
import sys
import time

import psycopg2

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "support"))
import pbx_live as live  # noqa: E402
from pbx_live import REPO, check  # noqa: E402

RUN_DIR = live.run_dir("live_demo")
DB = f"pbx_live_demo_{live.VERSION}_{os.getpid()}"
DEMO_TIMEOUT = 900   # seconds: install with demo data, serve, simulated calls
CHECK_TIMEOUT = 400  # seconds: scripts/demo_check.mjs
READY = "Odoo runs until Ctrl-C"
BANNER = re.compile(r"salesperson\s+login (\S+) / password (\S+)\s+extension (\S+)")


def start_demo(cleanups):
    port = live.free_port()
    log_path = os.path.join(RUN_DIR, "demo.out")
    # the stand-in's port: demo.sh takes a free one when it starts it, after the install
    env = dict(os.environ, ODOO_SRC=live.SRC, PORT=str(port), HOST="127.0.0.1", PBX_DEMO_DB=DB,
               RUN_DIR=os.path.join(RUN_DIR, "demo"))
    env.pop("PBX_PORT", None)
    log = open(log_path, "w", encoding="utf-8")  # noqa: SIM115 - closed by the cleanup
    demo = subprocess.Popen(["bash", "scripts/demo.sh"], cwd=REPO, env=env, stdin=subprocess.DEVNULL,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def stop():
        if demo.poll() is None:
            os.killpg(demo.pid, signal.SIGTERM)  # demo.sh stops Odoo and the stand-in
            try:
                demo.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(demo.pid, signal.SIGKILL)
                demo.wait()
        log.close()
        subprocess.run(["dropdb", "--if-exists", "--force", DB], check=False,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    cleanups.append(stop)

    deadline = time.monotonic() + DEMO_TIMEOUT
    while time.monotonic() < deadline and demo.poll() is None:
        with open(log_path, encoding="utf-8", errors="replace") as handle:
            if READY in handle.read():
                break
        time.sleep(2)
    with open(log_path, encoding="utf-8", errors="replace") as handle:
        output = handle.read()
    if READY not in output:
        raise RuntimeError(f"the demo did not start (exit {demo.poll()}):\n{live.log_tail(log_path)}")
    return f"http://127.0.0.1:{port}", output


def test_banner(output):
    match = BANNER.search(output)
    check(match, "the banner names no salesperson with an extension")
    login, _password, extension = match.groups()
    with psycopg2.connect(dbname=DB) as conn, conn.cursor() as cr:
        cr.execute("SELECT e.name FROM pbx_extension e JOIN res_users u ON u.id = e.user_id "
                   "WHERE u.login = %s", [login])
        bound = [row[0] for row in cr.fetchall()]
    check(bound == [extension], f"the banner says {login} has extension {extension}, the database {bound}")
    return f"{login} on extension {extension}"


def run_check(url, login, password):
    """scripts/demo_check.mjs: each of its `ok`/`FAIL` lines is one test."""
    try:
        done = subprocess.run(["node", "scripts/demo_check.mjs", "--url", url, "--db", DB, "--login", login,
                               "--password", password], cwd=REPO, stdin=subprocess.DEVNULL, capture_output=True,
                              text=True, timeout=CHECK_TIMEOUT,
                              env=dict(os.environ, PBX_DEMO_CHECK_SHOTS=RUN_DIR))
        output = done.stdout + done.stderr
    except subprocess.TimeoutExpired as error:
        output = f"{error.stdout or ''}timed out after {CHECK_TIMEOUT}s"
    lines = [line for line in output.splitlines() if line.startswith(("ok   ", "FAIL "))]
    for line in lines:
        name, _, detail = line[5:].partition(": ")
        live.record(f"demo: {name}", line.startswith("ok"), detail or "ok", 0.0)
    if not lines or "all checks passed" not in output:
        live.record("demo: scripts/demo_check.mjs", False, output.strip()[-1500:], 0.0)


def body(cleanups):
    started = {}

    def start():
        started["url"], started["output"] = start_demo(cleanups)
        return started["url"]
    live.run_test("the demo starts with demo data and its PBX stand-in", start)
    if "url" not in started:
        live.skip_all(["demo: the salesperson's checks"], "the demo did not start")
        return
    live.run_test("the banner names the extension of the salesperson it advertises", test_banner,
                  started["output"])
    match = BANNER.search(started["output"])
    run_check(started["url"], *(match.groups()[:2] if match else ("sales", "sales")))


if __name__ == "__main__":
    live.main(body)
