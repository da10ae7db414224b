"""Ended calls in the chatter, one call-back per missed number, blacklisted numbers."""
import json

from odoo.tests import tagged

from .common import PbxHttpCase

NUMBER = "0988777666"
E164 = "+84988777666"


@tagged("post_install", "-at_install")
class TestActivities(PbxHttpCase):

    def setUp(self):
        super().setUp()
        self.partner = self.make_partner("Gemini Furniture", phone=E164)

    def callbacks(self):
        return self.env["mail.activity"].sudo().search([("pbx_callback_key", "!=", False)])

    def miss(self, extension="101", status="NO ANSWER"):
        return self.call_out(NUMBER, extension=extension,
                             fields={"status": status, "duration": 20, "calldate": "2024-01-15 10:20:30"})

    def test_an_ended_answered_call_is_one_done_call_activity_on_the_contact(self):
        callid = self.new_callid()
        self.call_in(NUMBER, callid)
        self.assertFalse(self.call_messages(self.partner), "nothing logged while ringing")
        self.call_out(NUMBER, callid, fields={"status": "ANSWERED", "duration": 65, "billsec": 60,
                                              "recordingfile": "2024/01/15/rec-7.wav"})
        messages = self.call_messages(self.partner)
        self.assertEqual(len(messages), 1)
        body = str(messages.body)
        self.assertIn(E164, body)
        self.assertIn("1:05", body, "duration")
        self.assertIn("1:00", body, "talk time")
        self.assertIn('href="https://pbx.example.com/recordings/2024/01/15/rec-7.wav"', body)
        self.assertEqual(messages.author_id, self.salesperson.partner_id)
        open_activities = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", self.partner.id)])
        self.assertFalse(open_activities, "the call activity is done, not open")
        self.assertTrue(self.find_call(callid).activity_logged)

    def test_the_salesperson_notes_go_into_the_logged_activity(self):
        callid = self.new_callid()
        self.call_in(NUMBER, callid)
        self.find_call(callid).with_user(self.salesperson).write({"notes": "Wants a quote for 12 desks"})
        self.call_out(NUMBER, callid, fields={"status": "ANSWERED", "duration": 30})
        self.assertIn("Wants a quote for 12 desks", str(self.call_messages(self.partner).body))

    def test_a_call_on_a_lead_is_logged_on_the_lead(self):
        lead = self.make_lead("Gemini Lead", phone="+84987654321")
        self.call_out("0987654321", fields={"status": "ANSWERED", "duration": 30})
        self.assertEqual(len(self.call_messages(lead)), 1)

    def test_a_call_without_contact_or_lead_logs_nothing(self):
        self.connection.auto_create_inbound = False
        before = self.env["mail.message"].sudo().search_count(
            [("mail_activity_type_id", "=", self.call_type.id)])
        body = self.call_out("0977111222", fields={"status": "ANSWERED", "duration": 30})
        self.assertIsNone(body["record"])
        self.assertEqual(self.env["mail.message"].sudo().search_count(
            [("mail_activity_type_id", "=", self.call_type.id)]), before)

    def test_three_missed_calls_from_one_number_make_one_call_back_for_the_extension_user(self):
        for _ in range(3):
            self.miss()
        callbacks = self.callbacks()
        self.assertEqual(len(callbacks), 1)
        self.assertEqual(callbacks.pbx_missed_count, 3)
        self.assertEqual(callbacks.user_id, self.salesperson)
        self.assertEqual(callbacks.activity_type_id, self.call_type)
        self.assertEqual((callbacks.res_model, callbacks.res_id), ("res.partner", self.partner.id))
        # in English's date and time formats (a 12-hour clock from Odoo 19), for a reader with
        # no time zone in a company with none
        self.assertRegex(callbacks.note, r"3 missed call\(s\) from \+84988777666, last at "
                         r"01/15/2024 03:20:30( AM)? \(UTC\)\.",
                         "the count, the number and the last call (10:20:30 in Vietnam)")
        self.assertEqual(len(self.call_messages(self.partner)), 3, "each missed call is logged")

    def test_missed_calls_in_every_number_format_share_one_call_back(self):
        for phone in (NUMBER, E164, "0084 98 877 7666"):
            self.call_out(phone, fields={"status": "NO ANSWER"})
        self.assertEqual(len(self.callbacks()), 1)
        self.assertEqual(self.callbacks().pbx_missed_count, 3)

    def test_a_missed_call_on_an_unbound_extension_goes_to_the_default_responsible(self):
        self.miss(extension="199")
        self.assertEqual(self.callbacks().user_id, self.default_user)

    def test_a_busy_inbound_call_also_asks_for_a_call_back(self):
        self.miss(status="BUSY")
        self.assertEqual(len(self.callbacks()), 1)

    def test_a_missed_call_from_an_unknown_number_asks_for_a_call_back_on_the_call(self):
        self.connection.auto_create_inbound = False
        body = self.call_out("0977111222", fields={"status": "NO ANSWER"})
        callback = self.callbacks()
        self.assertEqual(len(callback), 1)
        self.assertEqual((callback.res_model, callback.res_id), ("pbx.call", body["call"]["id"]))

    def test_answered_and_outbound_calls_ask_for_no_call_back(self):
        self.call_out(NUMBER, fields={"status": "ANSWERED", "duration": 30})
        self.call_out(NUMBER, fields={"status": "NO ANSWER", "direction": "out"})
        self.assertFalse(self.callbacks())

    def test_once_the_call_back_is_done_a_new_missed_call_opens_a_new_one(self):
        self.miss()
        self.callbacks().action_feedback(feedback="Called back")
        self.assertFalse(self.callbacks())
        self.miss()
        self.assertEqual(len(self.callbacks()), 1)
        self.assertEqual(self.callbacks().pbx_missed_count, 1)

    def test_missed_calls_of_two_numbers_make_two_call_backs(self):
        self.miss()
        self.call_out("0903123456", fields={"status": "NO ANSWER"})
        self.assertEqual(len(self.callbacks()), 2)


@tagged("post_install", "-at_install")
class TestBlacklist(PbxHttpCase):

    def popups(self):
        return self.env["bus.bus"].sudo().search([("message", "like", "pbx_callcenter/call")])

    def test_a_blacklisted_number_is_blocked_creates_nothing_and_sends_no_popup(self):
        self.env["phone.blacklist"].sudo()._add(["+84935123123"])
        popups = len(self.popups())
        for phone in ("0935123123", "+84935123123", "0084 93 512 3123"):
            with self.subTest(phone=phone):
                body = self.call_in(phone)
                self.assertIs(body["blocked"], True)
                self.assertIsNone(body["record"])
                self.assertIs(body["created"], False)
                self.assertEqual(body["caller_name"], "")
                self.assertTrue(self.env["pbx.call"].browse(body["call"]["id"]).blocked)
        self.assertFalse(self.auto_created("+84935123123"))
        self.assertEqual(len(self.popups()), popups, "no popup for a blocked number")

    def test_a_missed_call_from_a_blocked_number_asks_for_no_call_back(self):
        # blocking a number is meant to stop it bothering anyone: no popup, no record, and no
        # "call back" task for a salesperson
        self.env["phone.blacklist"].sudo()._add(["+84935123123"])
        for _ in range(2):
            body = self.call_out("0935123123", fields={"status": "NO ANSWER", "duration": 10})
            self.assertIs(body["blocked"], True)
            self.assertEqual(body["call"]["state"], "missed")
        callbacks = self.env["mail.activity"].sudo().search([("pbx_callback_key", "!=", False)])
        self.assertFalse(callbacks, f"call-back scheduled for a blocked number: {callbacks.mapped('summary')}")

    def test_blocking_a_number_from_a_call_blocks_its_next_calls(self):
        body = self.call_in("0903123456")
        self.assertIs(body["blocked"], False)
        self.env["pbx.call"].browse(body["call"]["id"]).with_user(self.manager).action_block_number()
        self.assertTrue(self.env["phone.blacklist"].sudo().search([("number", "=", "+84903123456")]))
        again = self.call_in("0903123456")
        self.assertIs(again["blocked"], True)

    def test_an_unblocked_number_rings_normally_again(self):
        blacklist = self.env["phone.blacklist"].sudo()
        blacklist._add(["+84935123123"])
        blacklist._remove(["+84935123123"])
        body = self.call_in("0935123123")
        self.assertIs(body["blocked"], False)
        self.assertIs(body["created"], True)


@tagged("post_install", "-at_install")
class TestPopup(PbxHttpCase):
    """The bus notification that opens the caller popup."""

    def popups(self, partner):
        """Payloads of pbx_callcenter/call notifications sent to `partner`, oldest first."""
        found = []
        for row in self.env["bus.bus"].sudo().search([("message", "like", "pbx_callcenter/call")],
                                                     order="id"):
            channel, message = json.loads(row.channel), json.loads(row.message)
            if message["type"] == "pbx_callcenter/call" and channel[1:] == ["res.partner", partner.id]:
                found.append(message["payload"])
        return found

    def all_popups(self):
        return self.env["bus.bus"].sudo().search_count([("message", "like", "pbx_callcenter/call")])

    def test_call_in_to_a_bound_extension_notifies_its_user_with_the_contract_payload(self):
        company = self.make_partner("Azure Interior", is_company=True)
        contact = self.make_partner("Brandon Freeman", parent_id=company.id, phone="+84989464344",
                                    email="brandon@example.com")
        stage = self.env["crm.stage"].search([], limit=1)
        opportunity = self.make_lead("Office Design", type="opportunity", partner_id=company.id,
                                     expected_revenue=1000, stage_id=stage.id,
                                     user_id=self.salesperson.id)  # the popup shows what they may read
        earlier = self.call_out("0989464344", fields={"duration": 65, "status": "ANSWERED",
                                                      "calldate": "2024-01-15T10:00:00Z"})
        callid = self.new_callid()
        body = self.call_in("0989464344", callid)
        payloads = [p for p in self.popups(self.salesperson.partner_id) if p["callid"] == callid]
        self.assertEqual(len(payloads), 1)
        payload = payloads[0]
        self.assertBusPayload(payload)
        self.assertEqual(payload["call_id"], body["call"]["id"])
        self.assertEqual(payload["connection_id"], self.connection.id)
        self.assertEqual((payload["state"], payload["direction"]), ("ringing", "in"))
        self.assertEqual((payload["phone"], payload["phone_e164"]), ("0989464344", "+84989464344"))
        self.assertEqual(payload["extension"], "101")
        self.assertEqual((payload["known"], payload["auto_created"], payload["blocked"]),
                         (True, False, False))
        self.assertEqual(payload["caller"], {
            "model": "res.partner", "id": contact.id, "name": contact.display_name,
            "company": "Azure Interior",
            "image_url": f"/web/image/res.partner/{contact.id}/avatar_128",
            "email": "brandon@example.com",
        })
        self.assertEqual(payload["opportunities"], [{
            "id": opportunity.id, "name": "Office Design", "stage": stage.name,
            "expected_revenue": 1000.0,
            # Odoo's format_amount: the company currency (USD in a fresh database), in English
            "expected_revenue_formatted": "$\u00a01,000.00"}])
        self.assertEqual(payload["last_calls"], [{
            "id": earlier["call"]["id"], "direction": "in", "state": "ended",
            "start": "2024-01-15T10:00:00Z", "duration": 65}])
        self.assertIs(payload["open_in_new_tab"], False)
        self.assertEqual(payload["notes"], "")

    def test_the_popup_follows_the_call_state_until_it_ends(self):
        callid = self.new_callid()
        self.call_in("0989464344", callid)
        self.call_out("0989464344", callid, fields={"duration": 20, "status": "ANSWERED"})
        states = [p["state"] for p in self.popups(self.salesperson.partner_id) if p["callid"] == callid]
        self.assertEqual(states, ["ringing", "ended"])

    def test_init_notifies_the_user_dialling_out(self):
        callid = self.new_callid()
        self.init("0989464344", callid, extension="102")
        payloads = [p for p in self.popups(self.salesperson2.partner_id) if p["callid"] == callid]
        self.assertEqual(len(payloads), 1)
        self.assertBusPayload(payloads[0])
        self.assertEqual((payloads[0]["state"], payloads[0]["direction"]), ("dialing", "out"))
        self.assertFalse([p for p in self.popups(self.salesperson.partner_id) if p["callid"] == callid])

    def test_an_unknown_and_an_auto_created_caller_are_shown_as_such(self):
        self.connection.auto_create_inbound = False
        callid = self.new_callid()
        self.call_in("0977111222", callid)
        unknown = [p for p in self.popups(self.salesperson.partner_id) if p["callid"] == callid][0]
        self.assertBusPayload(unknown)
        self.assertEqual((unknown["known"], unknown["auto_created"], unknown["caller"]), (False, False, None))
        self.connection.auto_create_inbound = True
        callid = self.new_callid()
        self.call_in("0966000111", callid)
        created = [p for p in self.popups(self.salesperson.partner_id) if p["callid"] == callid][0]
        self.assertBusPayload(created)
        self.assertEqual((created["known"], created["auto_created"]), (False, True))
        self.assertEqual(created["caller"]["name"], "Automatic New Contact - +84966000111")

    def test_a_call_to_an_unbound_extension_sends_no_popup(self):
        before = self.all_popups()
        self.call_in("0989464344", extension="199")
        self.call_in("0989464344", extension="777")  # not even a known extension
        self.assertEqual(self.all_popups(), before)

    def test_a_duplicate_event_sends_no_second_popup(self):
        callid = self.new_callid()
        self.call_in("0989464344", callid)
        self.call_in("0989464344", callid)
        self.assertEqual(len([p for p in self.popups(self.salesperson.partner_id)
                              if p["callid"] == callid]), 1)
