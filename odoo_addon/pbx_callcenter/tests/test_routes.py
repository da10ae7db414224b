"""Happy paths of the three PBX routes, answered exactly as the team contract says."""
import json
import os

from werkzeug.exceptions import NotFound
from werkzeug.test import EnvironBuilder

from odoo import http
from odoo.tests import tagged

from ..lib import contract
from .common import (E164, FIXTURES_DIR, PbxHttpCase, fixture_cases, load_fixture,
                     read_only_routes_problem)


@tagged("post_install", "-at_install")
class TestRoutes(PbxHttpCase):

    def test_the_shared_fixtures_are_found_next_to_the_module(self):
        self.assertTrue(os.path.isdir(FIXTURES_DIR), FIXTURES_DIR)
        for name in ("payloads", "responses", "bus_call", "numbers", "calldates", "statuses"):
            self.assertTrue(load_fixture(name)["cases"], name)

    def test_the_contract_check_judges_every_example_of_responses_json_as_documented(self):
        for case in fixture_cases("responses"):
            value = case["value"]
            error = value.get("error") if isinstance(value, dict) else None
            # the status of the code when there is one: an invalid case fails on its body alone
            status = contract.ERROR_STATUS.get(error.get("code"), 200) if isinstance(error, dict) else 200
            with self.subTest(case=case["name"]):
                if case["valid"]:
                    self.assertContractResponse(status, value)
                else:
                    with self.assertRaises(AssertionError):
                        self.assertContractResponse(status, value)

    def test_call_in_from_a_known_contact_answers_ringing_with_the_contact(self):
        partner = self.make_partner("Azure Interior", phone="098 946 43 44", country_id=self.vn.id,
                                    user_id=self.salesperson.id)
        callid = self.new_callid()
        body = self.call_in("0989464344", callid)
        call = self.find_call(callid)
        self.assertEqual(len(call), 1)
        self.assertEqual(body, {
            "ok": True,
            "event_id": body["event_id"],
            "call": {"id": call.id, "callid": callid, "state": "ringing", "direction": "in"},
            "record": {"model": "res.partner", "id": partner.id, "name": "Azure Interior"},
            "created": False,
            "caller_name": "Azure Interior",
            "owner_extension": "101",
            "blocked": False,
            "duplicate": False,
        })
        event = self.env["pbx.call.event"].sudo().browse(body["event_id"])
        self.assertEqual((event.route, event.state, event.call_id), ("call_in", "done", call))
        self.assertEqual(call.partner_id, partner)
        self.assertEqual(call.user_id, self.salesperson)
        self.assertEqual(call.extension_id, self.ext101)
        self.assertEqual(call.phone, "0989464344")
        self.assertEqual(call.phone_e164, E164)
        self.assertEqual(call.company_id, self.company)

    def test_init_to_a_known_lead_answers_dialing_outbound_with_the_lead(self):
        lead = self.make_lead("Office furniture", phone="0912345678", country_id=self.vn.id,
                              user_id=self.salesperson2.id)
        callid = self.new_callid()
        body = self.init("+84 912 345 678", callid, extension="102")
        call = self.find_call(callid)
        self.assertEqual(body["call"], {"id": call.id, "callid": callid, "state": "dialing",
                                        "direction": "out"})
        self.assertEqual(body["record"], {"model": "crm.lead", "id": lead.id, "name": "Office furniture"})
        self.assertEqual(body["caller_name"], "Office furniture")
        self.assertEqual(body["owner_extension"], "102")
        self.assertIs(body["created"], False)
        self.assertIs(body["duplicate"], False)
        self.assertEqual(call.lead_id, lead)
        self.assertEqual(call.user_id, self.salesperson2)

    def test_call_out_after_call_in_ends_the_call_with_its_record(self):
        partner = self.make_partner("Deco Addict", phone="0903123456", country_id=self.vn.id)
        callid = self.new_callid()
        first = self.call_in("0903123456", callid)
        body = self.call_out("0903123456", callid, fields={
            "calldate": "2024-01-15 10:20:30", "duration": 65, "billsec": 60,
            "status": "ANSWERED", "recordingfile": "2024/01/15/in-101.wav",
        })
        call = self.find_call(callid)
        self.assertEqual(body["call"], {"id": call.id, "callid": callid, "state": "ended", "direction": "in"})
        self.assertEqual(first["call"]["id"], call.id)
        self.assertNotEqual(first["event_id"], body["event_id"])
        self.assertEqual(body["record"], {"model": "res.partner", "id": partner.id, "name": "Deco Addict"})
        self.assertIs(body["duplicate"], False)
        self.assertEqual(call.duration, 65)
        self.assertEqual(call.talk_time, 60)
        self.assertEqual(str(call.start_date), "2024-01-15 03:20:30")
        self.assertEqual(str(call.end_date), "2024-01-15 03:21:35")
        self.assertEqual(str(call.answer_date), "2024-01-15 03:20:35")
        self.assertEqual(call.recording_url, "https://pbx.example.com/recordings/2024/01/15/in-101.wav")
        self.assertEqual(len(self.events_of(callid)), 2)

    def test_unknown_number_without_owner_answers_null_owner_extension(self):
        self.connection.auto_create_inbound = False
        body = self.call_in("0977111222", extension="199")
        self.assertIsNone(body["record"])
        self.assertIsNone(body["owner_extension"])
        self.assertEqual(body["caller_name"], "")

    def test_form_encoded_events_are_accepted_like_json(self):
        callid = self.new_callid()
        body = self.call_in("0966000111", callid, json=False)
        self.assertEqual(body["call"]["state"], "ringing")
        body = self.call_out("0966000111", callid, json=False, fields={
            "duration": "30", "billsec": "", "status": "NO ANSWER", "calldate": ""})
        self.assertEqual(body["call"]["state"], "missed")
        self.assertEqual(self.find_call(callid).duration, 30)

    def test_answers_are_utf8_json_and_not_cached(self):
        status, body = self.post("call_in", {"phone": "0935123123", "extension": "101",
                                             "callid": self.new_callid()})
        self.assertEqual(status, 200)
        self.assertTrue(body["ok"])
        self.assertIn("no-store", self.last_response.headers.get("Cache-Control", ""))
        self.assertIn("application/json", self.last_response.headers["Content-Type"])

    def test_the_pbx_routes_run_in_a_read_write_transaction(self):
        # Odoo 18 serves auth="none" routes in a read-only transaction unless the route says
        # readonly=False; these routes write (journal, calls), so they must say so. (Odoo 17
        # has no read-only routes: there the key is simply absent.)
        self.assertIsNone(read_only_routes_problem(self.env))

    def test_without_a_reachable_database_the_routes_answer_a_retryable_500_not_a_404(self):
        # When Odoo cannot reach PostgreSQL (a restart) it serves requests without a database,
        # where the PBX routes do not exist: the 404 made PBXs drop the event (found by
        # tests/live/test_live_drills.py). Odoo's own database-free dispatch, for real:
        def serve_without_database(path):
            environ = EnvironBuilder(path=path, method="POST", data=b"{}",
                                     content_type="application/json").get_environ()
            return http.Request(http.HTTPRequest(environ))._serve_nodb()

        for route in ("call_in", "init", "call_out"):
            with self.subTest(route=route):
                response = serve_without_database(f"/api/callcenter/{route}")
                body = json.loads(response.get_data())
                self.assertContractResponse(response.status_code, body)
                self.assertEqual(body["error"]["code"], "processing_failed")
                self.assertNotIn("event_id", body, "nothing was saved")
                self.assertEqual(response.headers.get("Retry-After"), "1")
        with self.assertRaises(NotFound):  # every other page keeps Odoo's 404
            serve_without_database("/api/callcenterx/call_in")
