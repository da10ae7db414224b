"""Retries, duplicates and events out of order (true concurrency: tests/live/test_live_concurrency.py)."""
from odoo.tests import tagged

from .common import PbxHttpCase


@tagged("post_install", "-at_install")
class TestIdempotency(PbxHttpCase):

    def setUp(self):
        super().setUp()
        self.partner = self.make_partner("Azure Interior", phone="0989464344", country_id=self.vn.id)

    def test_the_same_call_in_twice_yields_one_call_and_a_duplicate_answer(self):
        callid = self.new_callid()
        before = self.counts()
        first = self.call_in("0989464344", callid)
        second = self.call_in("0989464344", callid)
        self.assertIs(first["duplicate"], False)
        self.assertIs(second["duplicate"], True)
        self.assertEqual(first["call"], second["call"])
        self.assertEqual(first["record"], second["record"])
        self.assertNotEqual(first["event_id"], second["event_id"])
        self.assertCounts(before, calls=1, events=2)
        self.assertEqual(self.events_of(callid).mapped("state"), ["duplicate", "done"])

    def test_the_same_call_out_twice_logs_one_chatter_entry_on_the_contact(self):
        callid = self.new_callid()
        self.call_in("0989464344", callid)
        fields = {"duration": 65, "billsec": 60, "status": "ANSWERED", "calldate": "2024-01-15 10:20:30"}
        first = self.call_out("0989464344", callid, fields=fields)
        second = self.call_out("0989464344", callid, fields=fields)
        self.assertIs(first["duplicate"], False)
        self.assertIs(second["duplicate"], True)
        self.assertEqual(second["call"]["state"], "ended")
        self.assertEqual(len(self.find_call(callid)), 1)
        self.assertEqual(len(self.call_messages(self.partner)), 1)

    def test_a_different_call_out_after_the_end_does_not_change_the_call(self):
        callid = self.new_callid()
        self.call_out("0989464344", callid, fields={"duration": 65, "status": "ANSWERED"})
        body = self.call_out("0989464344", callid, fields={"duration": 5, "status": "BUSY"})
        self.assertIs(body["duplicate"], True)
        call = self.find_call(callid)
        self.assertEqual((call.state, call.duration), ("ended", 65))
        self.assertEqual(len(self.call_messages(self.partner)), 1)

    def test_twenty_retries_of_a_call_in_yield_one_call_one_contact_and_twenty_events(self):
        # One after the other: HttpCase's test server serialises requests on the test cursor, so
        # true concurrency (and the advisory locks it needs) is tested by the live tier,
        # tests/live/test_live_concurrency.py, on a server with worker processes.
        callid = self.new_callid()
        before = self.counts()
        results = [self.post("call_in", {"phone": "0944555666", "extension": "101", "callid": callid})
                   for _ in range(20)]
        for status, body in results:
            self.assertEqual(status, 200, body)
        bodies = [body for _status, body in results]
        self.assertEqual([body["duplicate"] for body in bodies], [False] + [True] * 19)
        self.assertEqual(len({body["call"]["id"] for body in bodies}), 1)
        self.assertEqual(len({body["record"]["id"] for body in bodies}), 1)
        self.assertEqual([body["created"] for body in bodies], [True] * 20,
                         "every answer reports the call's auto-created contact")
        self.assertEqual(len({body["event_id"] for body in bodies}), 20, "one event per copy")
        self.assertCounts(before, calls=1, events=20)
        self.assertEqual(len(self.auto_created("+84944555666")), 1, "one contact, not one per copy")
        self.assertEqual(self.events_of(callid).mapped("state"), ["duplicate"] * 19 + ["done"])

    def test_call_out_before_call_in_yields_a_complete_call(self):
        callid = self.new_callid()
        body = self.call_out("0989464344", callid, fields={
            "calldate": "2024-01-15 10:20:30", "duration": 65, "billsec": 60, "status": "ANSWERED"})
        self.assertEqual(body["call"]["state"], "ended")
        self.assertEqual(body["call"]["direction"], "in")
        self.assertEqual(body["record"]["id"], self.partner.id)
        call = self.find_call(callid)
        self.assertEqual(str(call.start_date), "2024-01-15 03:20:30")
        self.assertEqual(str(call.end_date), "2024-01-15 03:21:35")
        self.assertEqual(str(call.answer_date), "2024-01-15 03:20:35")
        self.assertEqual((call.duration, call.talk_time), (65, 60))
        self.assertEqual(call.user_id, self.salesperson)
        self.assertTrue(call.activity_logged)
        self.assertEqual(len(self.call_messages(self.partner)), 1)

    def test_a_missed_call_out_without_call_in_is_complete_too(self):
        callid = self.new_callid()
        body = self.call_out("0989464344", callid, fields={"calldate": 1705314030, "duration": 20,
                                                           "status": "NO ANSWER"})
        self.assertEqual(body["call"]["state"], "missed")
        call = self.find_call(callid)
        self.assertEqual(str(call.start_date), "2024-01-15 10:20:30")
        self.assertEqual((call.duration, call.talk_time), (20, 0))
        self.assertFalse(call.answer_date)
        self.assertTrue(call.activity_logged)
        self.assertEqual(len(self.call_messages(self.partner)), 1)

    def test_a_late_call_in_does_not_move_an_ended_call_back_nor_log_again(self):
        callid = self.new_callid()
        self.call_out("0989464344", callid, fields={"duration": 65, "status": "ANSWERED"})
        messages = len(self.call_messages(self.partner))
        bus_before = self.env["bus.bus"].sudo().search_count([])
        for route in ("call_in", "init"):
            with self.subTest(route=route):
                body = self.event(route, "0989464344", callid)
                self.assertIs(body["duplicate"], True)
                self.assertEqual(body["call"]["state"], "ended")
                self.assertEqual(body["call"]["direction"], "in")
        call = self.find_call(callid)
        self.assertEqual((call.state, call.duration), ("ended", 65))
        self.assertEqual(len(self.call_messages(self.partner)), messages)
        self.assertEqual(self.env["bus.bus"].sudo().search_count([]), bus_before,
                         "a duplicate sends no popup")

    def test_init_then_call_out_keeps_the_outbound_direction(self):
        callid = self.new_callid()
        self.init("0989464344", callid)
        body = self.call_out("0989464344", callid, fields={"duration": 10, "status": "ANSWERED",
                                                           "direction": "in"})
        self.assertEqual(body["call"], {"id": self.find_call(callid).id, "callid": callid,
                                        "state": "ended", "direction": "out"})

    def test_call_out_alone_uses_its_direction_field(self):
        for direction, expected in (("out", "out"), ("outbound", "out"), ("inbound", "in"),
                                    ("internal", "internal")):
            with self.subTest(direction=direction):
                body = self.call_out("0989464344", fields={"duration": 3, "direction": direction})
                self.assertEqual(body["call"]["direction"], expected)

    def test_the_same_callid_on_two_connections_is_two_calls(self):
        other = self.env["pbx.connection"].with_user(self.manager).provision(
            {"name": "Second PBX", "company_id": self.company.id, "country_id": self.vn.id})
        callid = self.new_callid()
        first = self.call_in("0989464344", callid)
        second = self.call_in("0989464344", callid, token=other["token"])
        self.assertNotEqual(first["call"]["id"], second["call"]["id"])
        self.assertIs(second["duplicate"], False)
