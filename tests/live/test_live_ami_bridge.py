#!/usr/bin/python3
"""Live test of the Asterisk AMI bridge (web/src/bridge) between a fake Asterisk and a real Odoo.

Run by scripts/test_all.sh (tier 3) with PBX_ODOO_URL etc. set (see that script's header).
It starts a fake AMI server (stdlib TCP, 127.0.0.1) and the real bridge as an admin deploys it:
the built single file (odoo_addon/pbx_callcenter/tools/ami_bridge/pbx_ami_bridge.mjs, `npm run
build`) copied alone into a scratch directory and run as `node pbx_ami_bridge.mjs --config <file>`,
pointed at the served Odoo with a freshly provisioned connection token, then proves:
  * an inbound answered call replayed from tests/fixtures/ami/inbound_answered.txt becomes one
    pbx.call (ended, inbound, 65 s, 57 s of talk, start from the Cdr in the PBX timezone) on
    the known contact, with its completed Call activity in the contact's chatter;
  * click-to-dial: Odoo's generic_http originate method, configured as documented
    (URL http://<bridge>/originate, header Authorization: Bearer, JSON body), makes the bridge
    send an AMI Originate for the user's extension and the number; Asterisk's refusal comes
    back to the user as Odoo's "refused" dial result with Asterisk's message;
  * the bridge stops cleanly on SIGTERM with nothing left in its queue.
One line per test, last line `N passed, N failed`, exit 1 on any failure.
Stdlib + psycopg2 (Debian) only; every wait has a timeout; talks only to 127.0.0.1.
"""
import json
import os
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

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "support"))
import pbx_live as live  # noqa: E402
from pbx_live import DB, LOGIN, PASSWORD, REPO, URL, CheckFailed, Db, Rpc, check, run_test  # noqa: E402

RUN_DIR = live.run_dir("live_ami_bridge")
FIXTURES = os.path.join(REPO, "tests", "fixtures", "ami")
BRIDGE_FILE = os.path.join(REPO, "odoo_addon", "pbx_callcenter", "tools", "ami_bridge", "pbx_ami_bridge.mjs")

REQUEST_TIMEOUT = 60      # seconds, every request of the bridge to Odoo
BRIDGE_START_TIMEOUT = 30  # seconds, node start + AMI login
CALL_TIMEOUT = 60         # seconds, a replayed call reaching pbx_call
ORIGINATE_TOKEN = "live-originate-" + "".join(random.choice("abcdef0123456789") for _ in range(24))


def wait_until(condition, timeout, step=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    return condition()


def unused_number(db):
    """A Vietnamese mobile number (national form, 091...) that no contact, lead or call has, so the
    call can only match the contact this test creates."""
    for _ in range(50):
        national = "091" + "".join(random.choice("0123456789") for _ in range(7))
        if not db.number_known(national[1:]):
            return national
    raise RuntimeError("no unused phone number found")


# -----------------------------------------------------------------------------------------------
# Fake Asterisk
# -----------------------------------------------------------------------------------------------

def load_transcript(name, replacements):
    with open(os.path.join(FIXTURES, name), encoding="utf-8") as handle:
        text = "\n".join(line for line in handle.read().split("\n") if not line.startswith("#"))
    for old, new in replacements:
        text = text.replace(old, new)
    return [block.strip() for block in text.split("\n\n") if block.strip()]


class FakeAmi:
    """Banner, Login, Ping, CoreShowChannels (none), Originate (answer from `originate_answer`)."""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.actions = []
        self.client = None
        self.lock = threading.Lock()
        self.logged_in = threading.Event()
        self.originate_answer = {"Response": "Success", "Message": "Originate successfully queued"}
        self.closed = False
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while not self.closed:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            threading.Thread(target=self.serve, args=(conn,), daemon=True).start()

    def send(self, conn, fields):
        text = "".join(f"{key}: {value}\r\n" for key, value in fields.items()) + "\r\n"
        with self.lock:
            conn.sendall(text.encode())

    def serve(self, conn):
        conn.sendall(b"Asterisk Call Manager/9.0.0\r\n")
        buffer = b""
        while True:
            try:
                data = conn.recv(65536)
            except OSError:
                return
            if not data:
                return
            buffer += data
            while b"\r\n\r\n" in buffer:
                raw, buffer = buffer.split(b"\r\n\r\n", 1)
                action = dict(line.split(": ", 1) for line in raw.decode().split("\r\n") if ": " in line)
                self.actions.append(action)
                self.answer(conn, action)

    def answer(self, conn, action):
        name, aid = action.get("Action", "").lower(), action.get("ActionID", "")
        if name == "login":
            self.send(conn, {"Response": "Success", "ActionID": aid, "Message": "Authentication accepted"})
            self.client = conn
            self.logged_in.set()
        elif name == "ping":
            self.send(conn, {"Response": "Success", "ActionID": aid, "Ping": "Pong", "Timestamp": f"{time.time():.6f}"})
        elif name == "coreshowchannels":
            self.send(conn, {"Response": "Success", "ActionID": aid,
                             "EventList": "start", "Message": "Channels will follow"})
            self.send(conn, {"Event": "CoreShowChannelsComplete", "ActionID": aid,
                             "EventList": "Complete", "ListItems": "0"})
        elif name == "originate":
            self.send(conn, {**self.originate_answer, "ActionID": aid})
        else:
            self.send(conn, {"Response": "Error", "ActionID": aid, "Message": "Invalid/unknown command"})

    def replay(self, blocks):
        with self.lock:
            for block in blocks:
                self.client.sendall((block.replace("\n", "\r\n") + "\r\n\r\n").encode())

    def close(self):
        self.closed = True
        self.server.close()


# -----------------------------------------------------------------------------------------------
# Tests
# -----------------------------------------------------------------------------------------------

class Context:
    def __init__(self, db):
        self.db = db
        self.tag = f"{int(time.time())}{random.randint(100, 999)}"
        self.admin = Rpc(URL)
        self.admin.login(DB, LOGIN, PASSWORD)
        vn = self.admin.kw("res.country", "search", [[["code", "=", "VN"]]], limit=1)[0]
        self.agent_login = f"ami-agent-{self.tag}"
        self.agent_id = self.admin.kw("res.users", "create", [{
            "name": f"AMI agent {self.tag}", "login": self.agent_login, "password": f"pw-{self.tag}-x9",
            self.admin.groups_field(): [(4, self.admin.kw("ir.model.data", "check_object_reference",
                                                          ["sales_team", "group_sale_salesman"])[1])],
        }])
        provisioned = self.admin.kw("pbx.connection", "provision", [{
            "name": f"Asterisk live {self.tag}", "kind": "asterisk", "country_id": vn, "tz": "Asia/Ho_Chi_Minh"}])
        self.connection_id, self.token = provisioned["id"], provisioned["token"]
        self.admin.kw("pbx.extension", "create", [{
            "name": "101", "connection_id": self.connection_id, "user_id": self.agent_id, "is_default": True}])
        self.national = unused_number(db)
        self.partner_id = self.admin.kw("res.partner", "create", [{
            "name": f"AMI caller {self.tag}", "phone": "+84" + self.national[1:]}])
        self.linkedid = f"{int(time.time())}.{random.randint(1000, 9999)}"


def start_bridge(ctx, ami):
    originate_port = live.free_port()
    queue_dir = os.path.join(RUN_DIR, f"queue-{ctx.tag}")
    config = {
        "ami": {"host": "127.0.0.1", "port": ami.port, "username": "odoo", "secret": "live"},
        "odoo": {"url": URL, "token": ctx.token, "timeoutMs": REQUEST_TIMEOUT * 1000},
        "queueDir": queue_dir,
        "reconnect": {"initialMs": 200, "maxMs": 2000},
        "retry": {"initialMs": 200, "maxMs": 2000},
        "calls": {"cdrGraceMs": 500},
        "originate": {"listenHost": "127.0.0.1", "listenPort": originate_port, "token": ORIGINATE_TOKEN},
    }
    config_path = os.path.join(RUN_DIR, f"bridge-{ctx.tag}.json")
    with open(config_path, "w", encoding="utf-8") as handle:
        json.dump(config, handle)
    log = open(os.path.join(RUN_DIR, f"bridge-{ctx.tag}.log"), "w", encoding="utf-8")
    bridge_dir = tempfile.mkdtemp(prefix="pbx-ami-bridge-")  # the file alone, no node_modules reachable
    shutil.copy(BRIDGE_FILE, bridge_dir)
    node = shutil.which("node") or "node"
    process = subprocess.Popen([node, "pbx_ami_bridge.mjs", "--config", config_path],
                               cwd=bridge_dir, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    return process, originate_port, queue_dir, log, bridge_dir


def test_inbound_call(ctx, ami):
    blocks = load_transcript("inbound_answered.txt", [
        ("1732100102.84", ctx.linkedid), ("1732100102.85", ctx.linkedid + "1"), ("0989464344", ctx.national)])
    ami.replay(blocks)
    row = wait_until(lambda: ctx.db.all(
        "SELECT state, direction, duration, talk_time, partner_id, extension, user_id, start_date::text, "
        "disposition FROM pbx_call WHERE connection_id = %s AND callid = %s AND state = 'ended'",
        [ctx.connection_id, ctx.linkedid]), CALL_TIMEOUT)
    check(row, f"no ended pbx.call {ctx.linkedid} within {CALL_TIMEOUT}s")
    state, direction, duration, talk, partner, extension, user, start, disposition = row[0]
    check((state, direction, duration, talk) == ("ended", "in", 65, 57),
          f"call is {state}/{direction}/{duration}s/{talk}s, expected ended/in/65s/57s")
    check((partner, extension, user) == (ctx.partner_id, "101", ctx.agent_id),
          f"call on partner {partner}, extension {extension}, user {user}")
    check(start == "2024-11-20 10:55:02", f"start {start}: the Cdr's 17:55:02 in Asia/Ho_Chi_Minh is 10:55:02 UTC")
    events = ctx.db.all("SELECT route, state FROM pbx_call_event WHERE connection_id = %s AND callid = %s ORDER BY id",
                        [ctx.connection_id, ctx.linkedid])
    # the bridge tells Odoo who picked up (answer) as it happens, then the end (call_out)
    check(events == [("call_in", "done"), ("answer", "done"), ("call_out", "done")], f"journal {events}")
    activities = ctx.db.all("SELECT count(*) FROM mail_message WHERE model = 'res.partner' AND res_id = %s "
                            "AND mail_activity_type_id IS NOT NULL", [ctx.partner_id])[0][0]
    check(activities == 1, f"{activities} completed Call activities in the contact's chatter, expected 1")
    return f"pbx.call {ctx.linkedid} ended, 65 s / 57 s, {disposition}, 1 chatter activity"


def configure_click_to_dial(ctx, originate_port):
    ctx.admin.kw("pbx.connection", "write", [[ctx.connection_id], {
        "originate_method": "generic_http",
        "originate_url": f"http://127.0.0.1:{originate_port}/originate",
        "originate_http_method": "POST",
        "originate_body_format": "json",
        "originate_body": '{"extension": "{extension}", "number": "{number}"}',
        "originate_headers": f"Authorization: Bearer {ORIGINATE_TOKEN}",
    }])
    agent = Rpc(URL)
    agent.login(DB, ctx.agent_login, f"pw-{ctx.tag}-x9")
    return agent


def test_click_to_dial(ctx, ami, originate_port):
    agent = configure_click_to_dial(ctx, originate_port)
    before = len(ami.actions)
    result = agent.kw("res.users", "pbx_dial", ["+84 98 946 4344"])
    check(result.get("status") == "ok", f"pbx_dial answered {result}")
    originates = [action for action in ami.actions[before:] if action.get("Action") == "Originate"]
    check(len(originates) == 1, f"{len(originates)} Originate actions reached Asterisk")
    action = originates[0]
    expected = {"Channel": "PJSIP/101", "Context": "from-internal", "Exten": "0989464344", "Priority": "1",
                "Async": "true", "CallerID": "0989464344", "Timeout": "30000"}
    check({key: action.get(key) for key in expected} == expected, f"Originate was {action}")
    return f"Originate {action['Channel']} -> {action['Exten']} (ActionID {action.get('ActionID')})"


def test_click_to_dial_refused(ctx, ami, originate_port):
    agent = configure_click_to_dial(ctx, originate_port)
    ami.originate_answer = {"Response": "Error", "Message": "Permission denied"}
    try:
        result = agent.kw("res.users", "pbx_dial", ["0989464344"])
    finally:
        ami.originate_answer = {"Response": "Success", "Message": "Originate successfully queued"}
    check(result.get("status") == "error" and result.get("code") == "refused", f"pbx_dial answered {result}")
    check("Permission denied" in (result.get("message") or ""), f"message {result.get('message')!r}")
    return f"refused: {result['message'][:80]}"


def test_clean_stop(process, queue_dir):
    process.send_signal(signal.SIGTERM)
    try:
        code = process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        raise CheckFailed("the bridge did not stop within 30 s of SIGTERM")
    check(code == 0, f"exit status {code}")
    left = [name for name in os.listdir(os.path.join(queue_dir, "pending")) if name.endswith(".json")]
    check(not left, f"{len(left)} events left in the queue")
    rejected = os.path.join(queue_dir, "rejected.jsonl")
    if os.path.exists(rejected):
        with open(rejected, encoding="utf-8") as handle:
            raise CheckFailed(f"Odoo rejected events: {handle.read()[:300]}")
    return "exit 0, queue empty, nothing rejected"


def main(cleanups):
    ami = FakeAmi()
    cleanups.append(ami.close)
    start = time.monotonic()
    try:
        live.check_environment()
        db = Db(DB, name="pbx_live_ami_bridge")
        cleanups.append(db.close)
        ctx = Context(db)
        process, originate_port, queue_dir, log, bridge_dir = start_bridge(ctx, ami)
        cleanups.append(lambda: shutil.rmtree(bridge_dir, ignore_errors=True))
        cleanups.append(log.close)
        cleanups.append(lambda: stop_process(process))
    except Exception as error:  # noqa: BLE001 - nothing else can run
        traceback.print_exc(file=sys.stdout)
        live.record("setup: agent, Asterisk connection, contact, bridge process", False,
                    f"{type(error).__name__}: {error}", time.monotonic() - start)
        return
    started = wait_until(lambda: ami.logged_in.is_set() or process.poll() is not None, BRIDGE_START_TIMEOUT)
    if not ami.logged_in.is_set():
        log.flush()
        print(live.log_tail(log.name))
        run_test("the bridge starts and logs in to Asterisk", lambda: check(False, f"no AMI login ({started})"))
        return
    wait_until(lambda: any(a.get("Action") == "CoreShowChannels" for a in ami.actions), 10)
    run_test("an inbound AMI call becomes an ended pbx.call with its chatter activity", test_inbound_call, ctx, ami)
    run_test("click-to-dial through generic_http reaches Asterisk as an Originate", test_click_to_dial,
             ctx, ami, originate_port)
    run_test("Asterisk's refusal of the Originate reaches the user", test_click_to_dial_refused,
             ctx, ami, originate_port)
    run_test("the bridge stops on SIGTERM with an empty queue", test_clean_stop, process, queue_dir)


def stop_process(process):
    if process.poll() is None:
        process.kill()
        process.wait(timeout=10)


if __name__ == "__main__":
    live.main(main)
