#!/usr/bin/python3
"""Live test of scripts/provision_connection.py against a real Odoo.

Run by scripts/test_all.sh (tier 3) with PBX_ODOO_URL etc. set (see that script's header).
API keys are made with `odoo-bin shell` (Odoo makes none over RPC without an identity check): one
for the admin, one for an internal user who is no Call Center manager. Then it proves:
  * with an API key, the script creates the connection and binds the extension, over what the
    server recommends: Odoo 19's JSON-2 API (/json/2/...), XML-RPC on 17 and 18 (no JSON-2
    there), read from the server's request log; the printed token authenticates a call_in;
  * with a login and password it uses XML-RPC on every version, and says on 19 that it is
    deprecated;
  * a wrong key, or the key of a user who may not provision, is refused with a clear message
    and creates nothing.
One line per test, last line `N passed, N failed`, exit 1 on any failure.
"""
import json
import os
import subprocess
import sys
import time
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "support"))
import pbx_live as live  # noqa: E402
from pbx_live import DB, REPO, URL, VERSION, Db, check, post_event, record, run_test  # noqa: E402

RUN_DIR = live.run_dir("live_provision")
SCRIPT = os.path.join(REPO, "scripts", "provision_connection.py")
SHELL_TIMEOUT = 300  # seconds, odoo-bin shell (loads the registry)
SCRIPT_TIMEOUT = 120

#: Run in `odoo-bin shell`: a user who is no Call Center manager, an API key for them and one for
#: the admin (sudo: a persistent key; 17 has no expiration date).
SHELL = """
import inspect
tag = {tag!r}
user = env["res.users"].create({{"name": "Provision outsider " + tag, "login": "provision-" + tag}})
def key(who):
    keys = env["res.users.apikeys"].with_user(who).sudo()
    extra = (False,) if "expiration_date" in inspect.signature(keys._generate).parameters else ()
    return keys._generate(None, "live provision " + tag, *extra)
print("KEYS " + key(env.ref("base.user_admin")) + " " + key(user), flush=True)
env.cr.commit()
"""


def make_keys(tag):
    """(admin key, outsider key), made by `odoo-bin shell` on the tested database."""
    conf = os.path.join(RUN_DIR, "shell.conf")
    with open(conf, "w", encoding="utf-8") as handle:
        handle.write("[options]\n")  # never a ~/.odoorc
    done = subprocess.run(
        [live.PYTHON, "odoo-bin", "shell", f"--config={conf}", f"--addons-path={live.ADDONS}",
         "-d", DB, "--log-level=warn"], cwd=live.SRC, input=SHELL.format(tag=tag),
        capture_output=True, text=True, timeout=SHELL_TIMEOUT)
    lines = [line for line in done.stdout.splitlines() if line.startswith("KEYS ")]
    check(lines, f"odoo-bin shell made no key (exit {done.returncode}): {done.stderr[-800:]}")
    return tuple(lines[-1].split()[1:3])


def provision(name, *options):
    """Run the script; (exit code, stdout, stderr)."""
    done = subprocess.run(
        [live.PYTHON, SCRIPT, "--url", URL, "--db", DB, "--name", name, *options],
        capture_output=True, text=True, timeout=SCRIPT_TIMEOUT,
        env={**os.environ, "ODOO_API_KEY": ""})
    return done.returncode, done.stdout, done.stderr


def log_requests(since):
    """The request paths the served Odoo logged after byte `since` of its log."""
    with open(os.environ["PBX_ODOO_LOG"], "rb") as handle:
        handle.seek(since)
        text = handle.read().decode("utf-8", "replace")
    return [line.split('"')[1].split()[1] for line in text.splitlines()
            if '"POST /' in line and line.count('"') >= 2]


def log_size():
    return os.path.getsize(os.environ["PBX_ODOO_LOG"])


def connections(db, name):
    return db.all("SELECT id, country_id IS NOT NULL FROM pbx_connection WHERE name = %s", [name])


def with_api_key(db, ctx):
    name = f"Provision key {ctx['tag']}"
    since = log_size()
    code, out, err = provision(name, "--api-key", ctx["admin_key"], "--login", live.LOGIN,
                               "--country", "VN", "--extension", f"101={ctx['login']}")
    check(code == 0, f"exit {code}: {err.strip()[-300:]}")
    result = json.loads(out)
    rows = connections(db, name)
    check([row[0] for row in rows] == [result["id"]], f"connections named {name!r}: {rows}")
    check(rows[0][1], "the connection has no country")
    bound = db.all("SELECT e.name, u.login FROM pbx_extension e "
                   "JOIN res_users u ON u.id = e.user_id WHERE e.connection_id = %s", [result["id"]])
    check(bound == [("101", ctx["login"])], f"extensions {bound}")
    time.sleep(0.5)  # the request log line is written after the answer
    paths = log_requests(since)
    used = "/json/2/pbx.connection/provision" if int(VERSION) >= 19 else "/xmlrpc/2/object"
    check(any(path.startswith(used) for path in paths),  # 19 logs /xmlrpc/2/object#<model.method>
          f"expected {used} in the server's request log, saw {sorted(set(paths))}")
    check(not any(path.startswith("/xmlrpc") for path in paths) or int(VERSION) < 19,
          f"XML-RPC used on Odoo {VERSION}: {paths}")
    status, body, text = post_event(URL, "call_in", result["token"], {
        "phone": "0911000111", "extension": "101", "callid": f"provision-{ctx['tag']}"})
    check(status == 200 and body and body.get("ok"),
          f"call_in with the printed token: {status} {text[:200]}")
    return f"connection {result['id']} over {used}, extension 101 -> {ctx['login']}, token accepted"


def with_password(db, ctx):
    name = f"Provision password {ctx['tag']}"
    since = log_size()
    code, out, err = provision(name, "--login", live.LOGIN, "--password", live.PASSWORD)
    check(code == 0, f"exit {code}: {err.strip()[-300:]}")
    result = json.loads(out)
    check([row[0] for row in connections(db, name)] == [result["id"]], "no such connection")
    time.sleep(0.5)
    check(any(path.startswith("/xmlrpc/2/object") for path in log_requests(since)),
          "no XML-RPC request in the server's log")
    deprecated = "deprecated" in err
    check(deprecated == (int(VERSION) >= 19),
          f"deprecation note on stderr: {deprecated} on Odoo {VERSION} ({err.strip()!r})")
    return f"connection {result['id']} over XML-RPC; stderr {err.strip()!r}"


def refused(db, ctx, label, options, expected):
    name = f"Provision {label} {ctx['tag']}"
    code, out, err = provision(name, *options)
    check(code != 0, f"exit 0, printed {out.strip()!r}")
    check(expected in err, f"stderr {err.strip()!r}, expected {expected!r} in it")
    check(not connections(db, name), "a connection was created")
    return f"exit {code}: {err.strip()}"


def main(cleanups):
    print(f"Odoo {VERSION}, {URL}, database {DB}, scratch {RUN_DIR}", flush=True)
    start = time.monotonic()
    try:
        live.check_environment()
        db = Db(DB, name="pbx_live_provision")
        cleanups.append(db.close)
        tag = f"{int(time.time())}{os.getpid()}"
        admin_key, outsider_key = make_keys(tag)
        ctx = {"tag": tag, "admin_key": admin_key, "outsider_key": outsider_key,
               "login": f"provision-{tag}"}
    except Exception as error:  # noqa: BLE001 - nothing else can run
        traceback.print_exc(file=sys.stdout)
        record("setup: API keys by odoo-bin shell", False, f"{type(error).__name__}: {error}",
               time.monotonic() - start)
        return
    record("setup: API keys by odoo-bin shell", True, f"keys for admin and {ctx['login']}",
           time.monotonic() - start)
    run_test("API key: connection and extension created over JSON-2 (19) or XML-RPC (17, 18)",
             with_api_key, db, ctx)
    run_test("login + password: XML-RPC, said deprecated on 19 only", with_password, db, ctx)
    wrong = "Odoo refused the API key" if int(VERSION) >= 19 else "authentication failed"
    run_test("a wrong API key is refused, nothing created", refused, db, ctx, "wrong key",
             ["--api-key", "0" * 40, "--login", live.LOGIN], wrong)
    run_test("a user who is no Call Center manager is refused, nothing created", refused, db, ctx,
             "outsider", ["--api-key", ctx["outsider_key"], "--login", ctx["login"]],
             "Odoo refused pbx.connection.provision")


if __name__ == "__main__":
    live.main(main)
