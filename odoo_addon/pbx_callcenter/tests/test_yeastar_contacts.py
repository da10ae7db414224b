"""Yeastar contact push: the record of an ended call, of the kinds chosen on the connection, is
created then updated in the PBX's company contacts by the cron, never in the call's request.
A real local HTTP listener stands in for the P-Series OpenAPI (get_token, phonebook/list,
company_contact/create and /update, answered as the developer guide's pages cited in
vendors/yeastar/protocol.py show)."""
import logging
import time
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .fake_pbx import FakePbx, SilentPbx
from .test_yeastar import E164, NUMBER, YeastarCase, cdr, fresh_callid

LOGGER = "odoo.addons.pbx_callcenter.vendors.yeastar.models"
TOKEN = {"errcode": 0, "errmsg": "SUCCESS", "access_token": "TOK", "access_token_expire_time": 1800,
         "refresh_token": "REF", "refresh_token_expire_time": 86400}
BOOKS = {"errcode": 0, "errmsg": "SUCCESS", "total_number": 2, "data": [
    {"id": 3, "name": "All Company Contacts_Phonebook", "total": 7, "member_select": "sel_all"},
    {"id": 7, "name": "Odoo", "total": 0, "member_select": "sel_specific"}]}


class FakeYeastar:
    """The OpenAPI of a P-Series PBX: ``answers[endpoint]`` overrides an endpoint's answer."""

    def __init__(self):
        self.answers, self.next_id = {}, 31

    def __call__(self, received):
        endpoint = received.path.removeprefix("/openapi/v1.0/")
        if endpoint in self.answers:
            return self.answers[endpoint]
        if endpoint == "get_token":
            return 200, TOKEN
        if endpoint == "phonebook/list":
            return 200, BOOKS
        if endpoint == "company_contact/create":
            self.next_id += 1
            return 200, {"errcode": 0, "errmsg": "SUCCESS", "id": self.next_id - 1}
        if endpoint == "company_contact/update":
            return 200, {"errcode": 0, "errmsg": "SUCCESS"}
        return 404, {"errcode": 10001, "errmsg": "INTERFACE NOT EXISTED"}


@tagged("post_install", "-at_install")
class TestYeastarContacts(YeastarCase):

    def setUp(self):
        super().setUp()
        self.api = FakeYeastar()
        self.pbx = FakePbx(self.api)
        self.pbx.__enter__()
        self.addCleanup(self.pbx.__exit__, None, None, None)
        self.connection.sudo().write({
            "originate_url": self.pbx.url, "yeastar_client_id": "CID", "yeastar_client_secret": "CSECRET",
            "yeastar_contact_sync": True, "yeastar_contact_group": "odoo",
        })
        self.Contact = self.env["pbx.yeastar.contact"].sudo()
        self.partner = self.make_partner("Gemini Furniture", phone=E164, email="sales@gemini.example")

    def end_call(self, number=NUMBER):
        """A call from ``number`` ended (its CDR); the event's answer."""
        status, answer = self.send(30012, cdr(fresh_callid(), call_from=number))
        self.assertEqual(status, 200, answer)
        return answer

    def row(self, record):
        return self.Contact.search([("connection_id", "=", self.connection.id),
                                    ("res_model", "=", record._name), ("res_id", "=", record.id)])

    def push(self):
        self.Contact._cron_push()
        self.env.invalidate_all()

    def sent(self):
        """(endpoint, access token, JSON body) of each request the PBX received, then forgotten."""
        sent = [(r.path.removeprefix("/openapi/v1.0/"), r.query.get("access_token"), r.json() if r.body else None)
                for r in self.pbx.received]
        self.pbx.received.clear()
        return sent

    def test_the_called_contact_is_created_in_the_chosen_phonebook_then_updated(self):
        self.end_call()
        self.assertEqual(self.sent(), [], "nothing is sent to the PBX within the call's request")
        self.assertEqual(self.row(self.partner).state, "pending")
        self.push()
        self.assertEqual(self.sent(), [
            ("get_token", None, {"username": "CID", "password": "CSECRET"}),
            ("phonebook/list", "TOK", None),
            ("company_contact/create", "TOK", {
                "first_name": "Gemini Furniture", "company": "", "email": "sales@gemini.example",
                "number_list": [{"num_type": "business_number", "number": E164}],
                "phonebook_id_list": [7]}),
        ])
        row = self.row(self.partner)
        self.assertEqual((row.state, row.yeastar_id, row.phonebook_id, row.kind), ("done", 31, 7, "individuals"))
        self.partner.write({"name": "Gemini Furniture Ltd", "phone": "+84 988 777 666"})
        self.end_call()
        self.push()
        # the token and the phonebook's id are remembered; an update keeps the PBX's phonebooks
        self.assertEqual(self.sent(), [("company_contact/update", "TOK", {
            "id": 31, "first_name": "Gemini Furniture Ltd", "company": "", "email": "sales@gemini.example",
            "number_list": [{"num_type": "business_number", "number": E164}]})])
        self.assertEqual((self.row(self.partner).state, len(self.Contact.search([]))), ("done", 1))

    def test_a_contact_deleted_on_the_pbx_is_created_again_and_a_new_phonebook_is_joined(self):
        self.end_call()
        self.push()
        self.sent()
        self.connection.sudo().yeastar_contact_group = "3"   # an id: no phonebook/list
        self.api.answers["company_contact/update"] = (200, {"errcode": 60001, "errmsg": "DATA NOT FOUND"})
        self.end_call()
        self.push()
        sent = self.sent()
        self.assertEqual([(endpoint, body.get("id"), body.get("phonebook_id_list")) for endpoint, _t, body in sent],
                         [("company_contact/update", 31, [3]), ("company_contact/create", None, [3])])
        row = self.row(self.partner)
        self.assertEqual((row.state, row.yeastar_id, row.phonebook_id), ("done", 32, 3))

    def test_only_the_kinds_chosen_are_pushed(self):
        company = self.make_partner("Lotus Ltd", is_company=True, phone="+84911111111")
        lead = self.make_lead("Website enquiry", contact_name="Lan Tran", partner_name="Lotus Ltd",
                              phone="+84912345678", email_from="lan@lotus.example")
        self.connection.sudo().write({"yeastar_contact_individuals": False, "yeastar_contact_companies": False,
                                      "yeastar_contact_leads": True})
        for number in (NUMBER, "0911111111", "0912345678"):
            self.end_call(number)
        self.assertFalse(self.row(self.partner) | self.row(company))
        self.push()
        self.assertEqual(self.sent()[-1], ("company_contact/create", "TOK", {
            "first_name": "Lan Tran", "company": "Lotus Ltd", "email": "lan@lotus.example",
            "number_list": [{"num_type": "business_number", "number": "+84912345678"}],
            "phonebook_id_list": [7]}))
        self.assertEqual((self.row(lead).state, self.row(lead).kind), ("done", "leads"))
        self.connection.sudo().write({"yeastar_contact_companies": True, "yeastar_contact_sync": False})
        self.end_call("0911111111")
        self.assertFalse(self.row(company), "nothing is queued while the push is off")
        self.connection.sudo().yeastar_contact_sync = True
        self.end_call("0911111111")
        self.assertEqual((self.row(company).kind, self.row(company).state), ("companies", "pending"))

    def test_a_record_without_a_number_is_reported_on_the_connection_not_pushed(self):
        callid = fresh_callid()
        self.send(30012, cdr(callid, status="NO ANSWER", call_duration=0, talk_duration=0))
        self.push()
        self.sent()
        # the number was removed from the contact after the call matched it: the next call's
        # push reports it (logged, and listed on the connection), sends nothing
        self.partner.phone = False
        with self.assertLogs(LOGGER, logging.INFO) as logs:   # "INFO" is 25 once Odoo renamed it
            self.Contact._queue(self.find_call(callid))
        row = self.row(self.partner)
        self.assertEqual((row.state, row.problem, row.yeastar_id), ("skipped", "Skipped: no number", 31))
        self.assertIn("no_number", "\n".join(logs.output))
        self.assertIn(row, self.connection.with_user(self.manager).yeastar_contact_ids)
        with self.assertRaises(AccessError):
            self.Contact.with_user(self.salesperson).browse(row.id).read(["state"])
        # queued with a number, emptied before the cron ran: skipped at push time, not sent
        self.partner.phone = E164
        self.end_call()
        self.partner.phone = False
        self.push()
        self.assertEqual((self.row(self.partner).state, self.sent()), ("skipped", []))

    def test_a_dead_pbx_leaves_the_call_fast_and_the_record_is_pushed_later(self):
        with SilentPbx() as silent:
            self.connection.sudo().originate_url = silent.url
            started = time.monotonic()
            self.end_call()
            self.end_call("0912345678")   # auto-created contact: a second row of the same PBX
            self.assertLess(time.monotonic() - started, 3, "the call's events never wait for the PBX")
            started = time.monotonic()
            with mute_logger(LOGGER):
                self.push()
            self.assertLess(time.monotonic() - started, 8, "one attempt per run against a dead PBX")
        rows = self.Contact.search([("connection_id", "=", self.connection.id)], order="id")
        self.assertEqual([(r.state, r.attempts) for r in rows], [("pending", 1), ("pending", 0)])
        self.assertIn("could not be reached", rows[0].problem)
        self.assertGreater(rows[0].next_attempt, fields.Datetime.now())
        self.connection.sudo().originate_url = self.pbx.url
        self.push()
        self.assertEqual([r.state for r in rows], ["pending", "done"], "the first waits for its next attempt")
        rows[0].next_attempt = fields.Datetime.now() - timedelta(seconds=1)
        self.push()
        self.assertEqual([(r.state, r.problem) for r in rows], [("done", False), ("done", False)])

    def test_hostile_answers_are_retried_with_their_reason_then_failed(self):
        self.end_call()
        row = self.row(self.partner)
        cases = [
            ("company_contact/create", (200, b"<html><body>Login</body></html>"), "HTTP 200: Login"),
            ("company_contact/create", (500, {"errcode": -2, "errmsg": "INTERNAL SERVER ERROR"}),
             "INTERNAL SERVER ERROR (errcode -2)"),
            ("company_contact/create", (200, {"errcode": 0, "errmsg": "SUCCESS"}), "no contact id"),
            ("phonebook/list", (200, b"not json"), "HTTP 200: not json"),
            ("get_token", (200, {"errcode": 10005, "errmsg": "ACCESS DENIED"}), "ACCESS DENIED"),
        ]
        with mute_logger(LOGGER):
            for attempt, (endpoint, answer, reason) in enumerate(cases, 1):
                with self.subTest(endpoint=endpoint, reason=reason):
                    self.api.answers = {endpoint: answer}
                    self.connection.sudo().write({"yeastar_access_token": False, "yeastar_contact_phonebook": 0})
                    row.next_attempt = False
                    self.push()
                    self.assertEqual((row.state, row.attempts, row.yeastar_id), ("pending", attempt, 0))
                    self.assertIn(reason, row.problem)
            row.next_attempt = False
            self.push()
        self.assertEqual((row.state, row.attempts), ("failed", 6), "given up after 6 attempts")
        self.assertIn("ACCESS DENIED", row.problem)
        self.api.answers = {}
        self.connection.with_user(self.manager).action_yeastar_push_contacts()
        self.assertEqual((row.state, row.attempts), ("pending", 0), "the manager asks for it again")
        self.push()
        self.assertEqual(row.state, "done")

    def test_a_rejected_cached_token_is_replaced_once(self):
        self.connection.sudo().write({"yeastar_access_token": "OLD",
                                      "yeastar_token_expiry": fields.Datetime.now() + timedelta(minutes=20),
                                      "yeastar_contact_group": False})
        expired = {"errcode": 10004, "errmsg": "TOKEN EXPIRED"}

        def answers(received):
            if received.query.get("access_token") == "OLD":
                return 200, expired
            return self.api(received)
        self.pbx.answer = answers
        self.end_call()
        self.push()
        self.assertEqual([(endpoint, token) for endpoint, token, _body in self.sent()],
                         [("company_contact/create", "OLD"), ("get_token", None), ("company_contact/create", "TOK")])
        self.assertEqual(self.row(self.partner).state, "done")
