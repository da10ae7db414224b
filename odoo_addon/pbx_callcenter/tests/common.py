"""Shared base class and helpers of the pbx_callcenter Odoo tests.

Every route test goes through a real HTTP request (HttpCase.url_open) to the running test
server, so routing, auth, body parsing and the JSON answer are exercised as a PBX sees them.
The shared JSON fixtures of the repository (tests/fixtures/*.json) are read from the source
tree; when they cannot be found the tests fail (they are never skipped).
"""
import contextlib
import itertools
import json as jsonlib
import os
import time
from urllib.parse import urlencode

import requests

from odoo import release
from odoo.tests import common as odoo_tests_common
from odoo.tests.common import HttpCase, new_test_user

from ..lib import contract
from ..models.odoo_compat import PHONE_FIELDS
from .contract_schema import problems as contract_problems

ODOO_MAJOR = release.version_info[0]
LIST_VIEW = "list" if ODOO_MAJOR >= 18 else "tree"

FIXTURES_DIR = os.path.normpath(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "tests", "fixtures")
)

# The number used by the contract's examples, and how it is stored/sent in various formats.
E164 = "+84989464344"
NUMBER_FORMATS = ["+84989464344", "0989464344", "0084 98 946 4344", "(098) 946-4344", "84989464344"]


def number_vals(phone=False, mobile=False):
    """Values of a contact or lead with these numbers. Odoo 19 has no mobile field: a mobile is
    stored in `phone` there, and of both numbers `phone` keeps the phone."""
    if "mobile" in PHONE_FIELDS:
        return {"phone": phone, "mobile": mobile}
    return {"phone": phone or mobile}


def entry_numbers(phone=None, mobile=None):
    """The `phone` and `mobile` of a phone book or lookup entry of a record created with
    `number_vals(phone, mobile)` (numbers as the entry shows them)."""
    vals = number_vals(phone, mobile)
    return {"phone": vals["phone"] or None, "mobile": vals.get("mobile") or None}


_DEFAULT = object()
_callids = itertools.count(1)


class FixtureMissing(AssertionError):
    """The repository's shared fixtures are not where the tests expect them."""


def fixtures_dir():
    if not os.path.isdir(FIXTURES_DIR):
        raise FixtureMissing(
            f"shared fixtures directory not found: {FIXTURES_DIR} (the tests read the repository's "
            "tests/fixtures/*.json next to odoo_addon/; run them from a checkout of the repository)"
        )
    return FIXTURES_DIR


def load_fixture(name):
    """The parsed tests/fixtures/<name>.json; fails loudly when missing or empty."""
    path = os.path.join(fixtures_dir(), f"{name}.json")
    if not os.path.isfile(path):
        raise FixtureMissing(f"fixture file not found: {path}")
    with open(path, encoding="utf-8") as handle:
        data = jsonlib.load(handle)
    if not data.get("cases"):
        raise FixtureMissing(f"fixture {path} has no cases")
    return data


def fixture_cases(name, **where):
    """Cases of a fixture, filtered on equal keys (e.g. valid=True); fails when none match."""
    cases = [
        case for case in load_fixture(name)["cases"]
        if all(case.get(key) == value for key, value in where.items())
    ]
    if not cases:
        raise FixtureMissing(f"no case of {name}.json matches {where}")
    return cases


def read_only_routes_problem(env):
    """Why the PBX routes cannot work (declared read-only, Odoo 18's default for auth="none"),
    or None."""
    adapter = env["ir.http"].routing_map().bind("localhost")
    for route in ("call_in", "init", "call_out"):
        endpoint, _args = adapter.match(f"/api/callcenter/{route}", method="POST")
        readonly = endpoint.routing.get("readonly", False)
        if callable(readonly):
            readonly = readonly(endpoint.func.__self__)
        if readonly:
            return (f"/api/callcenter/{route} is declared read-only (Odoo 18 makes auth='none' "
                    "routes read-only unless they say readonly=False): every event would fail")
    return None


SALESPERSON_GROUPS = "pbx_callcenter.pbx_callcenter_group_user,sales_team.group_sale_salesman"
MANAGER_GROUPS = "pbx_callcenter.pbx_callcenter_group_manager"


# ---- base class ------------------------------------------------------------------------

class SettledBrowserCase(HttpCase):
    """HttpCase whose browser tests end only once the closed browser's last requests are done."""

    def browser_js(self, *args, **kwargs):
        try:
            return super().browser_js(*args, **kwargs)
        finally:
            # A request the browser sent as it closed (its bus worker's /websocket retry) can
            # reach the server after Odoo's own wait and share the test cursor with the next
            # test (seen on 17: "savepoint does not exist", "no results to fetch").
            time.sleep(0.5)
            self._wait_remaining_requests()


class PbxHttpCase(SettledBrowserCase):
    """A company-scoped PBX connection provisioned by a Call Center manager, its users and
    extensions, and helpers that talk to the routes over real HTTP."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.vn = env.ref("base.vn")
        cls.company = env.company
        cls.call_type = env.ref("mail.mail_activity_data_call")
        cls.manager = cls.make_user("pbx_manager", "Mona Manager", MANAGER_GROUPS)
        cls.salesperson = cls.make_user("pbx_sales", "Sally Sales", SALESPERSON_GROUPS)
        cls.salesperson2 = cls.make_user("pbx_sales2", "Sam Seller", SALESPERSON_GROUPS)
        cls.default_user = cls.make_user("pbx_default", "Dora Default",
                                         "pbx_callcenter.pbx_callcenter_group_user")
        result = env["pbx.connection"].with_user(cls.manager).provision({
            "name": "Test PBX",
            "company_id": cls.company.id,
            "country_id": cls.vn.id,
            "tz": "Asia/Ho_Chi_Minh",
            "recording_base_url": "https://pbx.example.com/recordings/",
            "default_user_id": cls.default_user.id,
            "auto_create_inbound": True,
            "auto_create_outbound": False,
            "auto_create_model": "partner",
        })
        cls.connection = env["pbx.connection"].browse(result["id"])
        cls.token = result["token"]
        Extension = env["pbx.extension"]
        cls.ext101 = Extension.create({
            "connection_id": cls.connection.id, "name": "101",
            "user_id": cls.salesperson.id, "is_default": True,
        })
        cls.ext102 = Extension.create({
            "connection_id": cls.connection.id, "name": "102", "user_id": cls.salesperson2.id,
        })
        cls.ext199 = Extension.create({"connection_id": cls.connection.id, "name": "199"})
        cls.route_problem = read_only_routes_problem(env)

    @classmethod
    def make_user(cls, login, name, groups, company=None):
        """An internal user (base.group_user plus `groups`) of `company` only (default: the
        test company), with no reset e-mail and no auto-subscription."""
        company = company or cls.company
        return new_test_user(
            cls.env, login, name=name, groups="base.group_user," + groups,
            context={"no_reset_password": True, "mail_create_nosubscribe": True},
            company_id=company.id, company_ids=[(6, 0, company.ids)],
        )

    def assertRoutesUsable(self):
        """Fail fast instead of posting: on Odoo 18 a read-only route makes the test server
        leak its test-cursor lock, and every later request of the run would hang."""
        if self.route_problem:
            self.fail(self.route_problem)

    # ---- HTTP ------------------------------------------------------------------------

    @contextlib.contextmanager
    def requests_allowed(self):
        """Within it, clients other than self.opener (threads, raw sockets) reach the test
        server with self.opener's cookies. Odoo 19 admits a test request only with a cookie set
        for it, and once the test lock is released: allow_requests() does both (do not use
        self.opener inside, it would release the lock twice). Nothing to do on 17 and 18."""
        if ODOO_MAJOR >= 19:
            with self.allow_requests():
                yield
        else:
            yield

    def send_request(self, method, url, **kwargs):
        """`self.opener.request(method, base URL + url, ...)`. On Odoo 19 within
        allow_requests() (a browser test's, or requests_allowed()), where the opener would allow
        requests a second time: a plain session with the opener's cookies and the test cookie."""
        url = self.base_url() + url
        if ODOO_MAJOR >= 19 and self.http_request_key:
            with requests.Session() as session:
                session.cookies.update(self.opener.cookies)
                session.cookies.set(odoo_tests_common.TEST_CURSOR_COOKIE_NAME,
                                    self.http_request_key)
                return session.request(method, url, **kwargs)
        return self.opener.request(method, url, **kwargs)

    def post(self, route, data=None, token=_DEFAULT, json=True, headers=None, raw=None,
             query=None, method="POST", content_type=None, auth="bearer", timeout=30):
        """Send one request to /api/callcenter/<route>; return (status, parsed JSON body).

        token: the connection's token by default, None for none. auth: how the token is sent
        ("bearer", "x-api-key" or "query"). raw: exact body bytes (data is then ignored).
        json=False sends `data` form-encoded. Every answer must be JSON (the contract says
        always) with the keys and types of a valid example of tests/fixtures/responses.json;
        anything else fails the test.
        """
        self.assertRoutesUsable()
        if token is _DEFAULT:
            token = self.token
        hdrs = {}
        params = dict(query or {})
        if token is not None:
            if auth == "bearer":
                hdrs["Authorization"] = f"Bearer {token}"
            elif auth == "x-api-key":
                hdrs["X-Api-Key"] = token
            elif auth == "query":
                params["token"] = token
            else:
                raise ValueError(auth)
        if raw is not None:
            body = raw if isinstance(raw, bytes) else raw.encode("utf-8")
            if content_type:
                hdrs["Content-Type"] = content_type
        elif json:
            body = jsonlib.dumps(data if data is not None else {}, ensure_ascii=False).encode("utf-8")
            hdrs["Content-Type"] = content_type or "application/json"
        else:
            body = urlencode(data or {}).encode("ascii")
            hdrs["Content-Type"] = content_type or "application/x-www-form-urlencoded"
        hdrs.update(headers or {})
        url = f"/api/callcenter/{route}"
        if params:
            url += "?" + urlencode(params)
        response = self.send_request(method, url, data=body if method != "GET" else None,
                                     headers=hdrs, timeout=timeout)
        self.last_response = response
        try:
            parsed = response.json()
        except ValueError:
            self.fail(f"{method} {url} answered {response.status_code} with a non-JSON body: "
                      f"{response.text[:500]!r}")
        self.assertIn("application/json", response.headers.get("Content-Type", ""),
                      f"{method} {url}: the answer must be declared as JSON")
        # every answer, success or error, has the keys and types of responses.json's examples
        self.assertContractResponse(response.status_code, parsed)
        return response.status_code, parsed

    def call_in(self, phone, callid=None, extension="101", **kwargs):
        return self.event("call_in", phone, callid, extension, **kwargs)

    def init(self, phone, callid=None, extension="101", **kwargs):
        return self.event("init", phone, callid, extension, **kwargs)

    def call_out(self, phone, callid=None, extension="101", fields=None, **kwargs):
        return self.event("call_out", phone, callid, extension, fields=fields, **kwargs)

    def event(self, route, phone, callid=None, extension="101", fields=None, expect=200, **kwargs):
        """POST a canonical event; asserts the status (`expect`) and the contract shape."""
        data = {"phone": phone, "extension": extension, "callid": callid or self.new_callid()}
        data.update(fields or {})
        status, body = self.post(route, data, **kwargs)
        self.assertEqual(status, expect, f"{route} {data} answered {status}: {body}")
        self.assertContractResponse(status, body)
        return body

    @staticmethod
    def new_callid():
        return f"test-{next(_callids)}.{os.getpid()}"

    # ---- contract checks --------------------------------------------------------------

    def assertContract(self, name, value):
        """`value` conforms to the JSON Schema contracts/<name>.schema.json (generated from zod)."""
        problems = contract_problems(name, value)
        self.assertFalse(problems, f"{value!r} breaks the {name} contract: {problems}")

    def assertContractResponse(self, status, body):
        """`body` is a route answer of the contract (route_ok, route_ignored or route_error),
        sent with the HTTP status of its error code."""
        self.assertIsInstance(body, dict, f"answer is not a JSON object: {body!r}")
        self.assertIn(body.get("ok"), (True, False), f"answer without boolean ok: {body}")
        ok = "route_ignored" if body.get("ignored") is True else "route_ok"
        self.assertContract(ok if body["ok"] else "route_error", body)
        expected = 200 if body["ok"] else contract.ERROR_STATUS[body["error"]["code"]]
        self.assertEqual(status, expected, body)

    def assertError(self, status, body, code, fields=None):
        """An error answer of `code`; for invalid_payload, `fields` names exactly the bad fields."""
        self.assertContractResponse(status, body)
        self.assertFalse(body["ok"], body)
        self.assertEqual(body["error"]["code"], code, body)
        self.assertEqual(status, contract.ERROR_STATUS[code], body)
        if fields is not None:
            self.assertEqual(set(body["error"]["fields"]), set(fields), body)

    def assertBusPayload(self, payload):
        self.assertContract("bus_call", payload)

    # ---- database helpers ---------------------------------------------------------------

    def counts(self):
        """(number of pbx.call, number of pbx.call.event) in the database."""
        self.env.flush_all()
        return (
            self.env["pbx.call"].sudo().with_context(active_test=False).search_count([]),
            self.env["pbx.call.event"].sudo().search_count([]),
        )

    def assertCounts(self, before, calls=0, events=0, msg=None):
        after = self.counts()
        self.assertEqual(after, (before[0] + calls, before[1] + events),
                         msg or "pbx.call / pbx.call.event counts (before %s)" % (before,))

    def find_call(self, callid, connection=None):
        connection = connection or self.connection
        return self.env["pbx.call"].sudo().search(
            [("connection_id", "=", connection.id), ("callid", "=", callid)])

    def events_of(self, callid=None, connection=None):
        connection = connection or self.connection
        domain = [("connection_id", "=", connection.id)]
        if callid is not None:
            domain.append(("callid", "=", callid))
        return self.env["pbx.call.event"].sudo().search(domain)

    def make_partner(self, name, **vals):
        vals.setdefault("company_id", False)
        return self.env["res.partner"].create(dict(vals, name=name))

    def make_lead(self, name, **vals):
        return self.env["crm.lead"].create(dict(vals, name=name))

    def call_messages(self, record):
        """Chatter messages of a done Call activity on `record`."""
        return self.env["mail.message"].sudo().search([
            ("model", "=", record._name), ("res_id", "=", record.id),
            ("mail_activity_type_id", "=", self.call_type.id),
        ])

    def auto_created(self, e164, model="res.partner"):
        return self.env[model].sudo().with_context(active_test=False).search(
            [("name", "=", f"Automatic New Contact - {e164}")])
