#!/usr/bin/python3
"""Live fuzzing of the PBX event routes against real Odoo servers (issue 5, item 5).

Run by scripts/test_all.sh (tier 3) with PBX_ODOO_URL etc. set (see that script's header).
PBX_FUZZ_N (default 5000) hostile requests per route (call_in, init, call_out) are generated
from a seeded RNG (the seed is printed; PBX_FUZZ_SEED=<seed> replays the same requests):
wrong types, missing fields, huge strings and bodies around the 64 kB limit, encoding tricks
(invalid/overlong UTF-8, UTF-16/32, BOMs, lone surrogate escapes, NUL, RTL, zero-width, emoji,
full-width digits), injection strings (SQL, XSS, CRLF, format strings, path traversal,
javascript: URLs), wrong and missing Content-Types, multipart, malformed JSON (truncated,
trailing garbage, 10,000 levels deep, duplicate keys, 1e999, NaN), bad dates, durations and
statuses, hostile query and form field names, chunked bodies; about 15% are valid events. They
go to the threaded server and to a --workers=2 server on the same database (5 + 3 client threads
taking from one queue, so each server answers its share). Then auth fuzzing (garbage, huge,
misplaced and revoked tokens) and wrong methods.

What it proves:
  * only 200, 400 or 413 for an authenticated POST (never a 5xx, never a dropped connection),
    each in the documented JSON shape; valid events are accepted and keep their callid exactly;
  * rejected payloads change nothing: every new call, contact, lead, activity and chatter
    message belongs to an accepted payload;
  * the journal holds every authenticated event: one pbx.call.event row per request with a valid
    token and a body within the limit, in the state its answer gives (done/duplicate/rejected);
  * bad credentials answer 401 and write nothing; wrong methods answer 405 and write nothing;
  * the servers logged no traceback.
One line per test, last line `N passed, N failed`, exit 1 on any failure.
Stdlib + psycopg2 (Debian) only; every request has a timeout; talks only to 127.0.0.1.
"""
import json
import os
import random
import sys
import threading
import time
import traceback
import urllib.parse
from collections import Counter

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "support"))
import pbx_live as live  # noqa: E402
from pbx_live import check, Soft  # noqa: E402

RUN_DIR = live.run_dir("live_fuzz")
N_PER_ROUTE = int(os.environ.get("PBX_FUZZ_N") or 5000)
SEED = int(os.environ.get("PBX_FUZZ_SEED") or random.SystemRandom().randrange(1, 2**31))
THREADED_CLIENTS = 5        # client threads sending to the threaded server
WORKERS_CLIENTS = 3         # and to the --workers=2 server, all taking from one queue
REQUEST_TIMEOUT = 60
ROUTES = ("call_in", "init", "call_out")
DEFAULT_LIMIT = 65536
FINAL_STATES = {state for state, rank in live.status.STATE_RANK.items() if rank == 2}


# -----------------------------------------------------------------------------------------------
# Hostile values
# -----------------------------------------------------------------------------------------------

TYPE_POOL = [0, -1, 7, 1.5, -0.0, 1e308, 2**64, -(2**63), 10**30, [], [1, 2], ["0912345678"],
             {}, {"a": 1}, {"$ne": None}, None, True, False, "", "   ", [[[]]],
             {"phone": "0912345678"}, "null", "true", "[]"]
UNICODE_POOL = [
    "\u202e0912345678", "091\u200b2345678", "\ufeff0912345678", "０９１２３４５６７８",
    "٠٩١٢٣٤٥٦٧٨", "۰۹۱۲۳۴۵۶۷۸", "𝟎𝟗𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖", "0912345678\u0301", "①②③④⑤⑥⑦⑧⑨",
    "👨‍👩‍👧‍👦", "😀" * 40, "\u0000", "abc\u0000def", "\x7f", "\x85", "\u2028\u2029",
    "\ud800", "\udfff", "a\ud83db", "\U0010ffff", "\ufffe\uffff", "e\u0301\u0302\u0303" * 60,
    "\u00a0101", "１０１", "ｅｘｔ", "İı", "ß" * 100, "x\u200d\u200cy", "\u061c\u200f\u200e",
    "مرحبا", "שלום", "电话", "電話番号", "Tiếng Việt", "\t\n\r\x0b\x0c", "\u180e", "\u3000",
]
INJECTION_POOL = [
    "' OR 1=1--", "'; DROP TABLE pbx_call;--", "\" OR \"\"=\"", "1 UNION SELECT token_hash FROM "
    "pbx_connection", "'; SELECT pg_sleep(10);--", "admin'--", "'||(SELECT version())||'",
    "<script>alert(1)</script>", "\"><script>alert(document.cookie)</script>",
    "<img src=x onerror=alert(1)>", "<svg/onload=alert(1)>", "javascript:alert(1)",
    "JaVaScRiPt:alert(1)", "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)",
    "\r\nSet-Cookie: pwn=1", "abc\r\nX-Injected: 1", "%0d%0aX-Injected:%201", "%00",
    "%s%s%s%s%s%n", "%(password)s", "%x %d %p", "{0}{1}", "{self.__class__}", "{{config}}",
    "${7*7}", "#{7*7}", "${jndi:ldap://127.0.0.1/x}", "`id`", "$(id)", "| id", "; ls -la",
    "../../../../etc/passwd", "..%2F..%2F..%2Fetc%2Fpasswd", "%2e%2e/%2e%2e/etc/passwd",
    "..\\..\\..\\boot.ini", "....//....//etc/passwd", "/etc/passwd", "file:///etc/passwd",
    "http://evil.example/../../x.wav", "\\\\evil\\share\\x.wav", "recording.wav%00.txt",
    "recording.wav\u0000.jpg", "ftp://evil.example/y.wav", "http:///x.wav",
    "//evil.example/x.wav", "https://127.0.0.1/rec/..%2f..%2fsecret.wav", "C:\\rec\\a.wav",
    "__proto__", "constructor", "\\u0000", "\\", "\"", "'", ";", "--", "/*", "*/",
]
RECORDING_POOL = [v for v in INJECTION_POOL if any(m in v for m in ("..", "/", "\\", ":"))]
BAD_DATES = [
    "2024-13-45 25:61:61", "0000-00-00 00:00:00", "9999-12-31T23:59:59Z", "1999-12-31 23:59:59",
    "2024-02-30 10:00:00", "2101-01-01 00:00:00", "-1", "1e20", -5, 1e20, 10**20, "NaN",
    "tomorrow", "2024-01-01T10:00:00+99:99", 253402300800, "１７００００００００",
    "2024-01-01 10:00:00\u0000", "2024-01-01", "10:00:00", "2024-01-01T10:00:00.123456789123Z",
    "2024-01-01 10:00:00 PM", "Mon, 01 Jan 2024 10:00:00 GMT", "99999999999999999999", True,
    [2024, 1, 1], {"date": "2024-01-01"}, "2024-03-10 02:30:00", "2024-11-03 01:30:00",
]
BAD_SECONDS = [-1, "-1", "1e3", "12abc", 604801, 10**30, 1.5, "1.0", "٣", "３", "  ", [], {},
               True, "0x10", "+5", "5 ", "99999999", 1e999, -0.5]
BAD_STATUSES = ["HUNGUP", "answered; DROP TABLE x", "NO\u00a0ANSWER", "ＡＮＳＷＥＲＥＤ", "\u0000",
                1, ["ANSWERED"], {"s": "BUSY"}, "ANSWERED\r\nX: 1", "BUSY" * 500, "unknown",
                "NO_ANSWER", "no-answer", " answered ", "Cancelled", "CHANUNAVAIL", "congestion"]
BAD_DIRECTIONS = ["sideways", "IN\u200b", "ｉｎ", 1, ["in"], "inbound ", "OUTBOUND", "intern"]
GOOD_STATUSES = ["ANSWERED", "answered", "NO ANSWER", "NOANSWER", "BUSY", "FAILED", "CONGESTION",
                 "CANCEL", "no_answer", "Missed"]
GOOD_DIRECTIONS = ["in", "out", "internal", "inbound", "outbound", "IN"]
EXTENSIONS = ["101", "102", "200", "1001", 101]
HOSTILE_QUERIES = ["self=1", "token=garbage", "csrf_token=x", "db=postgres", "debug=assets",
                   "phone=0912345678", "__proto__=x", "callid=%00", "self=1&self=2",
                   "a=" + "x" * 3000, "%ff=%fe", "x[]=1&x[]=2", "redirect=javascript:alert(1)"]
HOSTILE_FORM_NAMES = ["self", "csrf_token", "phone[]", "", "%00", "x" * 2000, "__proto__",
                      "debug", "db", "token", "callid\r\nX: 1", "ß", "\u202e"]

REQUIRED = ("phone", "extension", "callid")
CALL_OUT_FIELDS = ("calldate", "duration", "billsec", "status", "recordingfile", "direction")


class Case:
    """One generated request. `expect` is the set of statuses it may get; `callid` the callid
    an acceptance must answer with (None: any)."""

    __slots__ = ("route", "category", "method", "target", "headers", "body", "chunked",
                 "expect", "callid", "workers", "parts")

    def __init__(self, route, category, body, headers, expect=(200, 400, 413), callid=None,
                 query="", chunked=False, parts=0):
        self.route, self.category, self.method = route, category, "POST"
        self.target = f"/api/callcenter/{route}" + (f"?{query}" if query else "")
        self.headers, self.body, self.chunked = headers, body, chunked
        self.expect, self.callid, self.workers, self.parts = set(expect), callid, False, parts

    def describe(self):
        return (f"{self.route}/{self.category} {self.target[:80]} headers="
                f"{[h for h in self.headers if h[0] != 'Authorization']!r:.160} "
                f"body[{len(self.body)}]={self.body[:160]!r}")


class Generator:
    """Hostile requests from one seeded RNG; the same seed gives the same requests."""

    def __init__(self, seed, token, limit):
        self.rng = random.Random(seed)
        self.token, self.limit = token, limit
        self.serial = 0
        self.tag = f"fz{seed:x}"
        self.callers = ["9" + "".join(self.rng.choice("0123456789") for _ in range(8))
                        for _ in range(60)]

    # ---- valid material ----

    def callid(self):
        self.serial += 1
        shapes = [f"{self.tag}-{self.serial}", f"1700000000.{self.serial}-{self.tag}",
                  f"{self.tag}-{self.serial}-{self.rng.getrandbits(64):016x}",
                  f"  {self.tag}.{self.serial}  "]
        return self.rng.choice(shapes)

    def phone(self):
        """A Vietnamese mobile in one of the formats PBXs send. Most calls come from a pool of
        known callers (as in production, and a match costs Odoo less than a new contact), the
        rest from numbers never seen (each auto-creates a contact)."""
        if self.rng.random() < 0.75:
            digits = self.rng.choice(self.callers)
        else:
            digits = "9" + "".join(self.rng.choice("0123456789") for _ in range(8))
        return self.rng.choice([
            "0" + digits, "+84" + digits, "0084" + digits, f"0{digits[:2]} {digits[2:5]} "
            f"{digits[5:]}", f"(0{digits[:2]}) {digits[2:5]}-{digits[5:]}", "84" + digits,
            f"+84 {digits[:2]} {digits[2:5]} {digits[5:]}", f"0{digits[:2]}.{digits[2:5]}."
            f"{digits[5:]}", int("84" + digits)])

    def calldate(self):
        ts = self.rng.randint(1_600_000_000, 1_900_000_000)
        text = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(ts))
        return self.rng.choice([text, text.replace(" ", "T") + "Z", text + "+07:00", ts,
                                str(ts), ts * 1000, f"{text}.123", float(ts)])

    def valid_payload(self, route):
        data = {"phone": self.phone(), "extension": self.rng.choice(EXTENSIONS),
                "callid": self.callid()}
        if route == "call_out":
            duration = self.rng.randint(0, 3600)
            optional = {
                "calldate": self.calldate(), "duration": self.rng.choice([duration, str(duration)]),
                "billsec": self.rng.randint(0, duration), "status": self.rng.choice(GOOD_STATUSES),
                "recordingfile": self.rng.choice([
                    f"2024/01/01/out-{self.serial}.wav", f"rec {self.serial}.mp3",
                    f"https://pbx.example/rec/{self.serial}.wav", ""]),
                "direction": self.rng.choice(GOOD_DIRECTIONS)}
            for name in CALL_OUT_FIELDS:
                if self.rng.random() < 0.7:
                    data[name] = optional[name]
        if self.rng.random() < 0.2:  # unknown fields are ignored
            data[self.rng.choice(["uniqueid", "src", "note", "x"])] = self.rng.choice(
                INJECTION_POOL + UNICODE_POOL[:10] + [[1, {"a": None}], 1e300, None])
        return data

    @staticmethod
    def accepted_callid(data):
        callid = data.get("callid")
        if isinstance(callid, int) and not isinstance(callid, bool):
            return str(callid)
        return callid.strip() if isinstance(callid, str) else None

    # ---- serialisation ----

    def auth(self):
        return [("Authorization", f"Bearer {self.token}")]

    def json_bytes(self, data, ensure_ascii=None):
        if ensure_ascii is None:
            ensure_ascii = self.rng.random() < 0.5
        return json.dumps(data, ensure_ascii=ensure_ascii).encode("utf-8", "surrogatepass")

    @staticmethod
    def form_value(value):
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (list, dict)):
            return json.dumps(value)
        return str(value)

    def form_bytes(self, data):
        pairs = [(k, self.form_value(v)) for k, v in data.items()]
        return urllib.parse.urlencode(pairs, encoding="utf-8", errors="surrogatepass").encode()

    def multipart_bytes(self, data, boundary=None):
        boundary = boundary or f"----fuzz{self.rng.getrandbits(48):x}"
        out = []
        for key, value in data.items():
            name = str(key).replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")
            out.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                       .encode("utf-8", "surrogatepass")
                       + self.form_value(value).encode("utf-8", "surrogatepass") + b"\r\n")
        out.append(f"--{boundary}--\r\n".encode())
        return b"".join(out), f"multipart/form-data; boundary={boundary}"

    def encode(self, data, fmt=None):
        """(body, headers) of a payload dict in a valid encoding (JSON mostly)."""
        fmt = fmt or self.rng.choices(["json", "form", "multipart", "json-noct"], [70, 15, 8, 7])[0]
        if fmt == "json":
            return self.json_bytes(data), [("Content-Type", self.rng.choice([
                "application/json", "application/json; charset=utf-8", "Application/JSON"]))]
        if fmt == "form":
            return self.form_bytes(data), [("Content-Type", "application/x-www-form-urlencoded")]
        if fmt == "multipart":
            body, ctype = self.multipart_bytes(data)
            return body, [("Content-Type", ctype)]
        return self.json_bytes(data), []

    def case(self, route, category, data, expect=(200, 400, 413), fmt=None, callid=None,
             **kwargs):
        body, headers = self.encode(data, fmt)
        return self.finish(Case(route, category, body, self.auth() + headers, expect,
                                callid, **kwargs))

    def finish(self, case):
        """Bodies over the limit must get 413 (and nothing else), bodies within it never."""
        if len(case.body) > self.limit or case.parts > 1000:
            case.expect = {413}
        else:
            case.expect.discard(413)
        return case

    # ---- categories ----

    def cat_valid(self, route):
        data = self.valid_payload(route)
        fmt = self.rng.choices(["json", "form", "multipart", "json-noct", "bom", "chunked"],
                               [60, 12, 8, 8, 6, 6])[0]
        if fmt == "bom":
            body = b"\xef\xbb\xbf" + self.json_bytes(data)
            case = Case(route, "valid", body, self.auth() + [("Content-Type", "application/json")],
                        {200}, self.accepted_callid(data))
        elif fmt == "chunked":
            case = Case(route, "valid", self.json_bytes(data),
                        self.auth() + [("Content-Type", "application/json")], {200},
                        self.accepted_callid(data), chunked=True)
        else:
            return self.case(route, "valid", data, {200}, fmt, self.accepted_callid(data))
        return self.finish(case)

    def fields_of(self, route):
        return REQUIRED + (CALL_OUT_FIELDS if route == "call_out" else ())

    def cat_wrong_type(self, route):
        data = self.valid_payload(route)
        names = self.rng.sample(self.fields_of(route), self.rng.randint(1, 2))
        for name in names:
            data[name] = self.rng.choice(TYPE_POOL)
        fmt = self.rng.choices(["json", "form", "multipart"], [80, 12, 8])[0]
        certain = any(name in REQUIRED and self._unreadable(data[name], fmt) for name in names)
        return self.case(route, "wrong type", data, {400} if certain else (200, 400), fmt)

    @staticmethod
    def _unreadable(value, fmt):
        """Whether a required field holding `value` is refused whatever it is: absent or blank
        in any encoding; in JSON also a boolean, float, array, object or negative integer (a
        non-negative JSON integer is read as its digits)."""
        if value is None or isinstance(value, str) and not value.strip():
            return True
        if fmt != "json":  # form values are strings: "[]", "true", "1.5" may be read
            return False
        return isinstance(value, (bool, float, list, dict)) or (
            isinstance(value, int) and value < 0)

    def cat_missing(self, route):
        data = self.valid_payload(route)
        for name in self.rng.sample(REQUIRED, self.rng.randint(1, 3)):
            if self.rng.random() < 0.7:
                del data[name]
            else:
                data[name] = None
        return self.case(route, "missing field", data, {400})

    def cat_huge(self, route):
        data = self.valid_payload(route)
        size = self.rng.choice([129, 200, 1100, 4000, 20000, 60000, 65400, 65600, 70000])
        filler = self.rng.choice(["x", "9", "é", "😀", " ", "0912345678"])
        if self.rng.random() < 0.05:  # far over the limit: refused before it is read
            size, filler = self.rng.choice([200000, 1000000]), "x"
        value = (filler * (size // len(filler) + 1))[:size]
        where = self.rng.choice(list(self.fields_of(route)) + ["padding"])
        data[where] = value
        if self.rng.random() < 0.2:  # many small fields instead of one big
            for i in range(self.rng.choice([100, 1200, 3000])):
                data[f"f{i}"] = "v"
        return self.case(route, "huge", data)

    def cat_unicode(self, route):
        data = self.valid_payload(route)
        for name in self.rng.sample(self.fields_of(route), self.rng.randint(1, 2)):
            value = self.rng.choice(UNICODE_POOL)
            old = data.get(name, "")
            data[name] = self.rng.choice([value, f"{old}{value}", f"{value}{old}"])
        if self.rng.random() < 0.15:  # unicode in a key, lone surrogate in a key
            data[self.rng.choice(UNICODE_POOL)] = "1"
        return self.case(route, "unicode", data, fmt=self.rng.choice(["json", "json", "form"]))

    def cat_injection(self, route):
        data = self.valid_payload(route)
        for name in self.rng.sample(self.fields_of(route), self.rng.randint(1, 2)):
            pool = RECORDING_POOL if name == "recordingfile" else INJECTION_POOL
            data[name] = self.rng.choice(pool)
        callid = data["callid"]
        expect_callid = callid.strip() if isinstance(callid, str) else None
        return self.case(route, "injection", data, callid=expect_callid)

    def cat_content_type(self, route):
        data = self.valid_payload(route)
        callid = self.accepted_callid(data)
        json_body, form_body = self.json_bytes(data), self.form_bytes(data)
        variant = self.rng.randrange(12)
        auth = self.auth()
        if variant == 0:    # JSON sent as a form: Odoo parses it as one odd field name
            return self.finish(Case(route, "content-type", json_body, auth + [
                ("Content-Type", "application/x-www-form-urlencoded")], {400}))
        if variant == 1:    # a form sent as JSON
            return self.finish(Case(route, "content-type", form_body, auth + [
                ("Content-Type", "application/json")], {400}))
        if variant == 2:    # a form without a Content-Type is read as a form
            return self.finish(Case(route, "content-type", form_body, auth, {200}, callid))
        if variant == 3:    # JSON labelled text/plain, +json, or with a foreign charset
            ctype = self.rng.choice(["text/plain", "application/vnd.api+json", "text/json",
                                     "application/json; charset=latin-1", "text/xml"])
            return self.finish(Case(route, "content-type", json_body, auth + [
                ("Content-Type", ctype)], {200}, callid))
        if variant == 4:    # XML or plain text body
            body = self.rng.choice([b"<call><phone>0912345678</phone></call>", b"phone 0912",
                                    b"\x00\x01\x02", b"[1,2,3]"])
            ctype = self.rng.choice(["application/xml", "text/plain", "application/octet-stream"])
            return self.finish(Case(route, "content-type", body, auth + [("Content-Type", ctype)],
                                    {400}))
        if variant == 5:    # multipart without a boundary, or with the wrong one
            body, ctype = self.multipart_bytes(data)
            ctype = self.rng.choice(["multipart/form-data", "multipart/form-data; boundary=nope"])
            return self.finish(Case(route, "content-type", body, auth + [("Content-Type", ctype)],
                                    {400}))
        if variant == 6:    # multipart with a file part named like a field
            boundary = "fuzzfile"
            body = (f'--{boundary}\r\nContent-Disposition: form-data; name="phone"; '
                    f'filename="../../x.txt"\r\nContent-Type: text/plain\r\n\r\n0912345678\r\n'
                    f'--{boundary}--\r\n').encode()
            return self.finish(Case(route, "content-type", body, auth + [
                ("Content-Type", f"multipart/form-data; boundary={boundary}")], {400}))
        if variant == 7:    # more than 1000 tiny multipart parts, still under the byte limit
            boundary = "b"
            count = self.rng.choice([1001, 1200])
            body = b"".join(b'--b\r\nContent-Disposition: form-data; name="f%d"\r\n\r\n1\r\n' % i
                            for i in range(count)) + b"--b--\r\n"
            return self.finish(Case(route, "content-type", body, auth + [
                ("Content-Type", f"multipart/form-data; boundary={boundary}")], {400, 413},
                parts=count))
        if variant == 8:    # two Content-Type headers
            return self.finish(Case(route, "content-type", json_body, auth + [
                ("Content-Type", "application/json"), ("Content-Type", "text/plain")]))
        if variant == 9:    # an absurd Content-Type
            ctype = self.rng.choice(["application/json; charset=utf-16", ";;;", "\u00e9/\u00e9",
                                     "application/" + "j" * 3000, "*/*", "multipart/mixed"])
            return self.finish(Case(route, "content-type", json_body,
                                    auth + [("Content-Type", ctype.encode("utf-8"))]))
        if variant == 10:   # empty body
            ctype = self.rng.choice([[("Content-Type", "application/json")], []])
            return self.finish(Case(route, "content-type", b"", auth + ctype, {400}))
        body, ctype = self.multipart_bytes(data)  # a valid multipart form
        return self.finish(Case(route, "content-type", body, auth + [("Content-Type", ctype)],
                                {200}, callid))

    def cat_encoding(self, route):
        data = self.valid_payload(route)
        text = json.dumps(data, ensure_ascii=False)
        auth_json = self.auth() + [("Content-Type", "application/json")]
        variant = self.rng.randrange(9)
        if variant == 0:
            codec = self.rng.choice(["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
            return self.finish(Case(route, "encoding", text.encode(codec), auth_json, {400}))
        if variant == 1:    # bytes that are no UTF-8 spliced into a string value
            bad = self.rng.choice([b"\xff", b"\xc0\xaf", b"\xe0\x80\xaf", b"\xed\xa0\x80",
                                   b"\xf4\x90\x80\x80", b"\xe2\x82", b"\x80", b"\xfe\xff",
                                   b"\xf8\x88\x80\x80\x80", b"\xc1\xbf"])
            body = self.json_bytes(data, ensure_ascii=True)
            cut = body.index(b'"', body.index(b":") + 1) + 1
            return self.finish(Case(route, "encoding", body[:cut] + bad + body[cut:], auth_json,
                                    {400}))
        if variant == 2:    # latin-1 body
            data["note"] = "café crème"
            return self.finish(Case(route, "encoding",
                                    json.dumps(data, ensure_ascii=False).encode("latin-1", "replace"),
                                    auth_json, {400}))
        if variant == 3:    # raw NUL bytes inside or after the JSON
            body = self.json_bytes(data)
            where = self.rng.choice(["inside", "after", "before"])
            if where == "inside":
                cut = body.index(b'"', body.index(b":") + 1) + 1
                body = body[:cut] + b"\x00" + body[cut:]
            elif where == "after":
                body += b"\x00"
            else:
                body = b"\x00" + body
            return self.finish(Case(route, "encoding", body, auth_json, {400}))
        if variant == 4:    # lone surrogate escapes in a value or a key
            escape = self.rng.choice(["\\ud800", "\\udfff", "\\ud83d\\u0041", "\\udbff"])
            body = self.json_bytes(data, ensure_ascii=True)
            if self.rng.random() < 0.5:
                body = body[:-1] + f', "k{escape}": 1}}'.encode()
            else:
                cut = body.index(b'"', body.index(b":") + 1) + 1
                body = body[:cut] + escape.encode() + body[cut:]
            return self.finish(Case(route, "encoding", body, auth_json, {400}))
        if variant == 5:    # a double BOM, or a UTF-16 BOM before UTF-8
            prefix = self.rng.choice([b"\xef\xbb\xbf\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"])
            return self.finish(Case(route, "encoding", prefix + self.json_bytes(data), auth_json,
                                    {400}))
        if variant == 6:    # percent-encoded invalid UTF-8 in a form
            body = self.form_bytes(data) + b"&note=%FF%FE%C0%AF"
            ctype = self.rng.choice([[("Content-Type", "application/x-www-form-urlencoded")], []])
            return self.finish(Case(route, "encoding", body, self.auth() + ctype))
        if variant == 7:    # CESU-8 (surrogates encoded one by one) of an emoji
            data["note"] = "\ud83d\ude00"
            return self.finish(Case(route, "encoding", json.dumps(data, ensure_ascii=False)
                                    .encode("utf-8", "surrogatepass"), auth_json, {400}))
        # escapes of control characters and of NUL in every field
        for name in REQUIRED:
            if isinstance(data[name], str):
                data[name] = data[name] + self.rng.choice(["\u0000", "\u001b[31m", "\b", "\u007f"])
        return self.finish(Case(route, "encoding", self.json_bytes(data, True), auth_json, {400}))

    def cat_malformed_json(self, route):
        data = self.valid_payload(route)
        body = self.json_bytes(data)
        auth_json = self.auth() + [("Content-Type", "application/json")]
        variant = self.rng.randrange(12)
        expect, callid = {400}, None
        if variant == 0:
            body = body[:self.rng.randrange(1, len(body) - 1)]
        elif variant == 1:
            body += self.rng.choice([b"}", b"garbage", b",{}", b"]", b"{}", b"\"", b"//x"])
        elif variant == 2:
            depth = self.rng.choice([1000, 10000])
            body = self.rng.choice([b"[" * depth + b"]" * depth,
                                    b'{"a":' * depth + b"1" + b"}" * depth])
        elif variant == 3:      # deep nesting in an ignored field
            depth = self.rng.choice([50, 500, 10000])
            body = body[:-1] + b', "deep": ' + b"[" * depth + b"]" * depth + b"}"
            expect = {400} if depth > 900 else {200, 400}
        elif variant == 4:      # duplicate keys: the last one counts
            first, last = self.callid(), self.callid()
            body = body[:-1] + f', "callid": {json.dumps(first)}, "callid": {json.dumps(last)}}}'.encode()
            expect, callid = {200, 400}, last.strip()
        elif variant == 5:
            number = self.rng.choice([b"1e999", b"-1e999", b"1" + b"0" * 5000, b"1e-999",
                                      b"123456789012345678901234567890", b"-0", b"0.0000001"])
            field = self.rng.choice([b"duration", b"billsec", b"calldate", b"callid", b"phone",
                                     b"ignored"])
            body = body[:-1] + b', "' + field + b'": ' + number + b"}"
            expect = {400} if number.startswith(b"10000") else {200, 400}
        elif variant == 6:
            literal = self.rng.choice([b"NaN", b"Infinity", b"-Infinity", b"nan", b"undefined"])
            body = body[:-1] + b', "duration": ' + literal + b"}"
        elif variant == 7:
            body = self.rng.choice([b"[]", b'"call"', b"123", b"null", b"true", b"[{}]",
                                    b"[" + body + b"]", b""])
        elif variant == 8:      # JavaScript, not JSON
            body = self.rng.choice([body.replace(b'"', b"'"), body[:-1] + b",}",
                                    b"/*c*/" + body, b"{phone: 1}", body.replace(b":", b"=")])
        elif variant == 9:
            body = b"{" * self.rng.choice([1, 2, 100])
        elif variant == 10:     # valid JSON padded with whitespace: accepted
            body = b" \n\t" + body + b"\n \r\n"
            expect, callid = {200}, self.accepted_callid(data)
        else:                   # an object as a string inside the JSON
            body = json.dumps(json.dumps(data)).encode()
        return self.finish(Case(route, "malformed json", body, auth_json, expect, callid))

    def cat_bad_values(self, route):
        """Bad calldates, durations, statuses, directions, recording files (read on call_out,
        ignored by call_in and init)."""
        data = self.valid_payload(route)
        name = self.rng.choice(CALL_OUT_FIELDS)
        pool = {"calldate": BAD_DATES, "duration": BAD_SECONDS, "billsec": BAD_SECONDS,
                "status": BAD_STATUSES, "direction": BAD_DIRECTIONS,
                "recordingfile": RECORDING_POOL}[name]
        data[name] = self.rng.choice(pool)
        if name == "billsec" and self.rng.random() < 0.3:
            data["duration"], data["billsec"] = 10, 11
        return self.case(route, "bad value", data)

    def cat_names(self, route):
        """Hostile query strings and form field names."""
        data = self.valid_payload(route)
        callid = self.accepted_callid(data)
        if self.rng.random() < 0.5:
            query = self.rng.choice(HOSTILE_QUERIES)
            return self.case(route, "query/names", data, (200,), "json", callid, query=query)
        for _ in range(self.rng.randint(1, 3)):
            data[self.rng.choice(HOSTILE_FORM_NAMES)] = self.rng.choice(["1", "", "x" * 100])
        fmt = self.rng.choice(["form", "multipart", "json"])
        return self.case(route, "query/names", data, fmt=fmt)

    CATEGORIES = (("valid", 15), ("wrong type", 12), ("missing field", 7), ("huge", 7),
                  ("unicode", 10), ("injection", 10), ("content-type", 10),
                  ("malformed json", 10), ("encoding", 8), ("bad value", 7), ("query/names", 4))

    def cases(self, route, count):
        makers = {"valid": self.cat_valid, "wrong type": self.cat_wrong_type,
                  "missing field": self.cat_missing, "huge": self.cat_huge,
                  "unicode": self.cat_unicode, "injection": self.cat_injection,
                  "content-type": self.cat_content_type, "malformed json": self.cat_malformed_json,
                  "encoding": self.cat_encoding, "bad value": self.cat_bad_values,
                  "query/names": self.cat_names}
        names = [name for name, _ in self.CATEGORIES]
        weights = [weight for _, weight in self.CATEGORIES]
        out = []
        for _ in range(count):
            out.append(makers[self.rng.choices(names, weights)[0]](route))
        return out


# -----------------------------------------------------------------------------------------------
# Sending and judging
# -----------------------------------------------------------------------------------------------

class Outcome:
    __slots__ = ("case", "status", "body", "error", "headers")

    def __init__(self, case, status=None, body=None, error=None, headers=None):
        self.case, self.status, self.body, self.error = case, status, body, error
        self.headers = headers or {}


def send(case, port):
    try:
        status, headers, raw = live.raw_request(port, case.method, case.target, case.headers,
                                                case.body, REQUEST_TIMEOUT, case.chunked)
    except Exception as error:  # noqa: BLE001 - a transport failure is a finding
        return Outcome(case, error=f"{type(error).__name__}: {error}")
    try:
        body = json.loads(raw.decode("utf-8"))
    except ValueError:
        body = None
    outcome = Outcome(case, status, body, headers=headers)
    if body is None:
        outcome.error = f"HTTP {status}, not JSON: {raw[:200]!r}"
    return outcome


def send_all(cases, ports):
    """Outcomes in case order. Client threads per server take the next case from one queue, so
    each server gets the share it can answer (the threaded one is GIL-bound, the prefork one
    has two processes)."""
    todo = iter(list(enumerate(cases)))
    lock = threading.Lock()
    outcomes = [None] * len(cases)

    def client(port, workers):
        while True:
            with lock:
                item = next(todo, None)
            if item is None:
                return
            index, case = item
            case.workers = workers
            outcomes[index] = send(case, port)

    threads = [threading.Thread(target=client, args=(ports[0], False), daemon=True)
               for _ in range(THREADED_CLIENTS)]
    threads += [threading.Thread(target=client, args=(ports[1], True), daemon=True)
                for _ in range(WORKERS_CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def judge(outcome):
    """Why an outcome breaks the contract, or None."""
    case, status = outcome.case, outcome.status
    if outcome.error:
        return outcome.error
    if not (200 <= status < 300 or 400 <= status < 500):
        return f"HTTP {status} {json.dumps(outcome.body)[:300]}"
    problem = live.shape_error(status, outcome.body)
    if problem:
        return f"HTTP {status} not the documented shape ({problem}): {json.dumps(outcome.body)[:300]}"
    if status not in case.expect:
        return f"HTTP {status}, expected {sorted(case.expect)}: {json.dumps(outcome.body)[:300]}"
    if any(name.lower().startswith("x-injected") or name == "set-cookie" and "pwn" in value
           for name, value in outcome.headers.items()):
        return f"injected response header: {outcome.headers}"
    if status == 200 and case.callid is not None and outcome.body["call"]["callid"] != case.callid:
        return f"callid {outcome.body['call']['callid']!r} answered for {case.callid!r}"
    if status == 200 and case.route == "call_out" and outcome.body["call"]["state"] not in FINAL_STATES:
        return f"call_out accepted but the call is {outcome.body['call']['state']}"
    if status != 413 and not live._positive_int(outcome.body.get("event_id")):
        return f"an authenticated event answered without its journal row: {outcome.body}"
    return None


class Run:
    """Everything sent and received, for the checks after the fuzz."""

    def __init__(self):
        self.outcomes = []
        self.lock = threading.Lock()

    def add(self, outcomes):
        with self.lock:
            self.outcomes.extend(outcomes)

    def accepted(self):
        return [o for o in self.outcomes if o.status == 200 and isinstance(o.body, dict)]


def fuzz_route(gen, route, ports, run):
    cases = gen.cases(route, N_PER_ROUTE)
    started = time.monotonic()
    outcomes = send_all(cases, ports)
    run.add(outcomes)
    elapsed = time.monotonic() - started
    problems = []
    for outcome in outcomes:
        why = judge(outcome)
        if why:
            problems.append((outcome.case, why))
    statuses = Counter(o.status for o in outcomes)
    categories = Counter(o.case.category for o in outcomes)
    summary = (f"{len(cases)} requests in {elapsed:.0f}s ({len(cases) / elapsed:.0f}/s), "
               f"{sum(o.case.workers for o in outcomes)} to workers=2; answers "
               f"{dict(sorted(statuses.items(), key=lambda kv: str(kv[0])))}; "
               f"categories {dict(categories)}")
    if problems:
        by_kind = Counter(f"{case.category}: {why[:60]}" for case, why in problems)
        samples = "\n".join(f"    - {why[:400]}\n      request {case.describe()}"
                            for case, why in problems[:8])
        check(False, f"{len(problems)}/{len(cases)} answers break the contract "
                     f"(seed {SEED}); {summary}\n  kinds: {dict(by_kind.most_common(10))}\n"
                     f"  samples:\n{samples}")
    return summary


# -----------------------------------------------------------------------------------------------
# Database checks
# -----------------------------------------------------------------------------------------------

TABLES = ("pbx_call", "pbx_call_event", "res_partner", "crm_lead", "mail_activity",
          "mail_message")


def high_water(db):
    return {table: db.one(f"SELECT coalesce(max(id), 0) FROM {table}") for table in TABLES}


def counts(db):
    return {table: db.one(f"SELECT count(*) FROM {table}") for table in TABLES}


def check_nothing_else_written(db, connection_id, before, run):
    """Every row created since `before` belongs to an accepted payload."""
    accepted = run.accepted()
    calls = {o.body["call"]["id"]: o.body["call"]["callid"] for o in accepted}
    created_records = {(o.body["record"]["model"], o.body["record"]["id"])
                       for o in accepted if o.body["created"]}
    records = {(o.body["record"]["model"], o.body["record"]["id"])
               for o in accepted if o.body["record"]}
    soft = Soft()
    new_calls = db.all("SELECT id, callid, connection_id, state, end_date FROM pbx_call "
                       "WHERE id > %s", [before["pbx_call"]])
    soft.expect({row[0]: row[1] for row in new_calls} == calls,
                f"{len(new_calls)} new calls vs {len(calls)} named by accepted answers; not "
                f"answered: {[r[:2] for r in new_calls if r[0] not in calls][:5]}, missing: "
                f"{[c for c in calls if c not in {r[0] for r in new_calls}][:5]}")
    soft.expect(all(row[2] == connection_id for row in new_calls),
                "calls written on another connection")
    ended = {o.body["call"]["id"] for o in accepted if o.case.route == "call_out"}
    half = [row[:2] for row in new_calls if row[0] in ended
            and (row[3] not in FINAL_STATES or row[4] is None)]
    soft.expect(not half, f"calls ended by an accepted call_out but not final in the database "
                          f"(half-written): {half[:5]}")
    new_partners = {("res.partner", row[0]) for row in db.all(
        "SELECT id FROM res_partner WHERE id > %s", [before["res_partner"]])}
    new_leads = {("crm.lead", row[0]) for row in db.all(
        "SELECT id FROM crm_lead WHERE id > %s", [before["crm_lead"]])}
    soft.expect(new_partners | new_leads == created_records,
                f"{len(new_partners)} new contacts and {len(new_leads)} new leads vs "
                f"{len(created_records)} answered created=true; unexplained: "
                f"{sorted((new_partners | new_leads) - created_records)[:5]}")
    owners = records | {("pbx.call", call_id) for call_id in calls}
    activities = db.all("SELECT res_model, res_id FROM mail_activity WHERE id > %s",
                        [before["mail_activity"]])
    stray = [row for row in activities if tuple(row) not in owners]
    soft.expect(not stray, f"{len(stray)} new activities on records no accepted payload "
                           f"named: {stray[:5]}")
    messages = db.all("SELECT model, res_id FROM mail_message WHERE id > %s",
                      [before["mail_message"]])
    stray = [row for row in messages if tuple(row) not in owners]
    soft.expect(not stray, f"{len(stray)} new chatter messages on records no accepted payload "
                           f"named: {stray[:5]}")
    soft.done()
    return (f"{len(run.outcomes) - len(accepted)} rejected requests wrote nothing; "
            f"{len(accepted)} accepted -> {len(calls)} calls, {len(created_records)} "
            f"auto-created contacts, {len(activities)} activities, {len(messages)} messages")


def check_journal(db, connection_id, run):
    """One journal row per authenticated request within the size limit, in its answer's state."""
    journaled = [o for o in run.outcomes if o.status is not None and o.status != 413]
    answered = {}
    for outcome in journaled:
        event_id = outcome.body.get("event_id") if isinstance(outcome.body, dict) else None
        answered.setdefault(event_id, []).append(outcome)
    rows = {row[0]: row[1:] for row in db.all(
        "SELECT id, state, call_id, route FROM pbx_call_event WHERE connection_id = %s",
        [connection_id])}
    soft = Soft()
    missing = [o.case.describe()[:200] for o in answered.get(None, [])]
    soft.expect(not missing, f"{len(missing)} authenticated answers without event_id: "
                             f"{missing[:3]}")
    shared = {k: len(v) for k, v in answered.items() if k is not None and len(v) > 1}
    soft.expect(not shared, f"answers sharing one journal row: {list(shared.items())[:5]}")
    ids = {k for k in answered if k is not None}
    soft.expect(set(rows) == ids, f"{len(rows)} journal rows vs {len(ids)} event ids answered; "
                                  f"not answered: {sorted(set(rows) - ids)[:5]}, not in the "
                                  f"journal: {sorted(ids - set(rows))[:5]}")
    wrong = []
    for event_id, outcomes in answered.items():
        if event_id not in rows:
            continue
        state, call_id, route = rows[event_id]
        outcome = outcomes[0]
        if outcome.status == 200:
            good = state in ("done", "duplicate") and call_id == outcome.body["call"]["id"] and (
                state == "duplicate") == outcome.body["duplicate"]
        else:
            good = state == "rejected" and call_id is None
        if not good or route != outcome.case.route:
            wrong.append((event_id, outcome.status, state, call_id, route))
    soft.expect(not wrong, f"{len(wrong)} journal rows in another state than their answer "
                           f"(id, HTTP, state, call, route): {wrong[:5]}")
    states = Counter(row[0] for row in rows.values())
    soft.expect(not set(states) - {"done", "duplicate", "rejected"},
                f"journal states {dict(states)}: pending or failed rows left")
    soft.done()
    too_large = sum(1 for o in run.outcomes if o.status == 413)
    return (f"{len(journaled)} authenticated requests -> {len(rows)} journal rows "
            f"{dict(states)}; {too_large} bodies over the limit answered 413, not journaled")


def check_logs(logs):
    """No traceback or ERROR line in the servers' logs since the fuzz started. A log that is
    not named (PBX_ODOO_LOG unset), cannot be read or is empty fails: it would prove nothing."""
    found, unread = [], []
    for path, offset in logs:
        if not path:
            unread.append("a server log is not named (PBX_ODOO_LOG unset)")
            continue
        try:
            with open(path, "rb") as handle:
                handle.seek(offset)
                text = handle.read().decode("utf-8", "replace")
        except OSError as error:
            unread.append(f"{path}: {error}")
            continue
        if not text.strip():  # thousands of requests, each logged at info level
            unread.append(f"{path}: nothing logged since the fuzz started")
            continue
        for line in text.splitlines():
            if " ERROR " in line or line.startswith("Traceback"):
                found.append(f"{os.path.basename(path)}: {line[:300]}")
    check(not unread, "server logs that prove nothing: " + "; ".join(unread))
    check(not found, f"{len(found)} error lines, e.g.:\n  " + "\n  ".join(found[:6]))
    return f"{len(logs)} server logs read, no ERROR line, no traceback"


def log_offset(path):
    try:
        return os.path.getsize(path)
    except (OSError, TypeError):
        return 0


# -----------------------------------------------------------------------------------------------
# Auth fuzzing and wrong methods: 401 / 405, nothing written
# -----------------------------------------------------------------------------------------------

def auth_cases(rng, token, revoked, disconnected, gen):
    bad_tokens = [
        "", "garbage", token[:-1], token + "x", token.upper(), token[::-1], "pbx_",
        token.replace("pbx_", "PBX_"), revoked, disconnected, "' OR '1'='1", "*", "%",
        "null", "undefined", "Bearer", "pbx_" + "A" * 43, "\u00e9" * 20, token + "\x00",
        __import__("hashlib").sha256(token.encode()).hexdigest(), "x" * 257, "x" * 8000,
        token[-4:],
    ]
    cases = []
    for i in range(len(bad_tokens) * 9):
        route = ROUTES[i % 3]
        data = gen.valid_payload(route)
        body = json.dumps(data).encode()
        bad = bad_tokens[i % len(bad_tokens)]
        bad_b = bad.encode("utf-8", "surrogatepass")
        # an empty Bearer counts as no Authorization header at all: where a valid token follows
        # elsewhere, the garbage must be there
        bad_first = bad_b or b"garbage"
        variant = (i // len(bad_tokens)) % 9
        headers = [("Content-Type", "application/json")]
        query = ""
        if variant == 0:
            headers.append(("Authorization", b"Bearer " + bad_b))
        elif variant == 1:      # garbage first wins over a valid X-Api-Key and ?token=
            headers += [("Authorization", b"Bearer " + bad_first), ("X-Api-Key", token)]
            query = f"token={token}"
        elif variant == 2:      # garbage X-Api-Key wins over a valid ?token=
            headers.append(("X-Api-Key", bad_first))
            query = f"token={token}"
        elif variant == 3:
            query = "token=" + urllib.parse.quote(bad or "x", errors="surrogatepass")
        elif variant == 4:      # wrong schemes carrying the valid token
            scheme = rng.choice([b"Basic ", b"Token ", b"bearer", b"Bearer\t", b"", b"Digest "])
            headers.append(("Authorization", scheme + token.encode()))
        elif variant == 5:      # huge Authorization headers
            size = rng.choice([4096, 16384, 60000])
            headers.append(("Authorization", b"Bearer " + b"A" * size))
        elif variant == 6:      # two Authorization headers, garbage first
            headers += [("Authorization", b"Bearer " + bad_first),
                        ("Authorization", b"Bearer " + token.encode())]
        elif variant == 7:      # no credentials at all, as a form or JSON
            if rng.random() < 0.5:
                headers = [("Content-Type", "application/x-www-form-urlencoded")]
                body = gen.form_bytes(data)
        else:                   # the token in the body or a cookie, where it is never read
            data["token"] = token
            body = json.dumps(data).encode()
            headers.append(("Cookie", f"token={token}; session_id=x"))
        cases.append(Case(route, "auth", body, headers, {401}, query=query))
    return cases


def method_cases(rng, token, gen):
    cases = []
    for i in range(60):
        route = ROUTES[i % 3]
        case = gen.case(route, "method", gen.valid_payload(route), {405}, "json")
        case.method = rng.choice(["GET", "PUT", "PATCH", "DELETE"])
        if case.method == "GET" and rng.random() < 0.5:
            case.body = b""
        cases.append(case)
    return cases


def fuzz_without_writes(db, cases, ports, expected_code):
    before = counts(db)
    outcomes = send_all(cases, ports)
    after = counts(db)
    problems = []
    for outcome in outcomes:
        why = outcome.error
        if not why and outcome.status not in outcome.case.expect:
            why = f"HTTP {outcome.status}: {json.dumps(outcome.body)[:200]}"
        if not why:
            problem = live.shape_error(outcome.status, outcome.body)
            if problem or outcome.body["error"]["code"] != expected_code:
                why = f"not a {expected_code} answer ({problem}): {json.dumps(outcome.body)[:200]}"
        if not why and "event_id" in outcome.body:
            why = f"answered with a journal row: {outcome.body}"
        if why:
            problems.append(f"{why}\n      request {outcome.case.describe()}")
    changed = {t: (before[t], after[t]) for t in TABLES if before[t] != after[t]}
    check(not problems, f"{len(problems)}/{len(cases)} wrong answers, e.g.\n    "
                        + "\n    ".join(problems[:6]))
    check(not changed, f"rows written: {changed}")
    return (f"{len(cases)} requests ({sum(c.workers for c in cases)} to workers=2) -> "
            f"{Counter(o.status for o in outcomes)}, tables unchanged {before}")


# -----------------------------------------------------------------------------------------------
# Main
# -----------------------------------------------------------------------------------------------

def main(cleanups):
    print(f"Odoo {live.VERSION}, {live.URL}, database {live.DB}, scratch {RUN_DIR}", flush=True)
    print(f"fuzz seed {SEED} (replay: PBX_FUZZ_SEED={SEED}), {N_PER_ROUTE} requests per route",
          flush=True)
    rpc = live.Rpc(live.URL)
    workers = live.prefork_server(os.path.join(RUN_DIR, "workers2.server.log"))
    cleanups.append(workers.stop)
    names = [f"{route}: {N_PER_ROUTE} hostile requests (seed {SEED}) -> only 200/400/413, each "
             "in the documented JSON shape, valid events accepted" for route in ROUTES]
    later = ["rejected payloads change nothing: every new call, contact, lead, activity and "
             "chatter message belongs to an accepted payload",
             "the journal holds every authenticated event, in the state its answer gives",
             "auth fuzz: garbage, huge, misplaced, revoked tokens -> 401 JSON, nothing written",
             "wrong methods (GET, PUT, PATCH, DELETE) with a valid token -> 405 JSON, nothing "
             "written",
             "no ERROR line or traceback in the servers' logs"]
    start = time.monotonic()
    try:
        live.check_environment()
        rpc.login(live.DB, live.LOGIN, live.PASSWORD)
        db = live.Db(live.DB, name="pbx_live_fuzz")
        cleanups.append(db.close)
        fx = live.Fixtures(rpc, db)
        connection_id, token = fx.connection("fuzz")
        revoked_id, revoked = fx.connection("fuzz revoked")
        rpc.kw("pbx.connection", "rotate_token", [[revoked_id]])
        gone_id, disconnected = fx.connection("fuzz disconnected")
        rpc.kw("pbx.connection", "action_disconnect", [[gone_id]])
        limit = int(db.one("SELECT value FROM ir_config_parameter WHERE key = "
                           "'pbx_callcenter.max_body_bytes'") or DEFAULT_LIMIT)
        server_log = os.environ.get("PBX_ODOO_LOG")
        logs = [(server_log, log_offset(server_log))]
        workers.start()
        logs.append((workers.log, 0))
        ports = (int(live.URL.rsplit(":", 1)[1]), workers.port)
    except Exception as error:  # noqa: BLE001 - nothing else can run
        traceback.print_exc(file=sys.stdout)
        live.record("setup: admin session, PBX connections, --workers=2 server", False,
                    f"{type(error).__name__}: {error}", time.monotonic() - start)
        live.skip_all(names + later, "setup failed")
        return
    live.record("setup: admin session, PBX connections, --workers=2 server", True,
                f"connection {connection_id}, body limit {limit} bytes, threaded port "
                f"{ports[0]}, workers=2 port {ports[1]}", time.monotonic() - start)
    live.run_test("the answer checker agrees with tests/fixtures/responses.json",
                  live.check_shape_checker)

    gen = Generator(SEED, token, limit)
    before = high_water(db)
    run = Run()
    for route, name in zip(ROUTES, names):
        live.run_test(name, fuzz_route, gen, route, ports, run)
    live.run_test(later[0], check_nothing_else_written, db, connection_id, before, run)
    live.run_test(later[1], check_journal, db, connection_id, run)
    rng = random.Random(SEED + 1)
    live.run_test(later[2], fuzz_without_writes, db,
                  auth_cases(rng, token, revoked, disconnected, gen), ports, "unauthorized")
    live.run_test(later[3], fuzz_without_writes, db, method_cases(rng, token, gen), ports,
                  "method_not_allowed")
    live.run_test(later[4], check_logs, logs)


if __name__ == "__main__":
    live.main(main)
