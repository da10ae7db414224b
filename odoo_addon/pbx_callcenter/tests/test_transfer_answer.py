"""Transfers followed mid-call (issue 13, item 5): POST /api/callcenter/answer names the
extension that talks on the call now. An answered call answered again by another extension (a
blind or attended transfer's target) moves to it: extension, user, an auto-created contact's
owner; the previous user's popup says where it went and the new user's shows the call. Same
gate, journal and idempotency as the other canonical routes."""
import json

from odoo.tests import tagged

from .common import PbxHttpCase

UNKNOWN = "0977000333"


@tagged("post_install", "-at_install")
class TestTransferAnswer(PbxHttpCase):

    def popups(self, user, callid):
        """(state, extension, transferred_to) of the popups of `callid` sent to `user`, in order."""
        seen = []
        for row in self.env["bus.bus"].sudo().search([("message", "like", callid)], order="id"):
            channel, message = json.loads(row.channel), json.loads(row.message)
            payload = message["payload"]
            if message["type"] == "pbx_callcenter/call" and channel[1:] == ["res.partner", user.partner_id.id]:
                self.assertBusPayload(payload)
                seen.append((payload["state"], payload["extension"], payload["transferred_to"]))
        return seen

    def answer(self, callid, extension, expect=200, **kwargs):
        status, body = self.post("answer", {"callid": callid, "extension": extension}, **kwargs)
        self.assertEqual(status, expect, body)
        return body

    def journal(self, callid=None):
        domain = [("connection_id", "=", self.connection.id), ("route", "=", "answer")]
        return self.env["pbx.call.event"].sudo().search(domain + ([("callid", "=", callid)] if callid else []))

    def answered_by_101(self, phone=UNKNOWN):
        callid = self.new_callid()
        body = self.call_in(phone, callid, extension="101")
        self.answer(callid, "101")
        return callid, self.env["pbx.call"].browse(body["call"]["id"])

    def test_an_answered_call_moves_to_the_transfer_target_with_its_new_contact(self):
        callid, call = self.answered_by_101()
        self.assertEqual((call.state, call.user_id, call.extension), ("answered", self.salesperson, "101"))
        body = self.answer(callid, "102")
        self.assertEqual((body["duplicate"], body["call"]["state"]), (False, "answered"))
        call.invalidate_recordset()
        self.assertEqual((call.extension, call.extension_id, call.user_id), ("102", self.ext102, self.salesperson2))
        self.assertEqual(call.partner_id.user_id, self.salesperson2, "the auto-created contact's owner")
        self.assertEqual(self.journal(callid).mapped("state"), ["done", "done"])
        # The end names 102 as well: the activity is 102's, talk time the PBX's.
        self.call_out(UNKNOWN, callid, extension="102", fields={"status": "ANSWERED", "duration": 14, "billsec": 11})
        call.invalidate_recordset()
        self.assertEqual((call.state, call.user_id, call.talk_time), ("ended", self.salesperson2, 11))

    def test_the_previous_user_is_told_where_the_call_went_and_the_target_gets_the_popup(self):
        callid, _call = self.answered_by_101()
        self.answer(callid, "102")
        self.assertEqual(self.popups(self.salesperson, callid),
                         [("ringing", "101", None), ("answered", "101", None), ("answered", "102", "102")])
        self.assertEqual(self.popups(self.salesperson2, callid), [("answered", "102", None)])
        self.call_out(UNKNOWN, callid, extension="102", fields={"status": "ANSWERED", "duration": 14, "billsec": 11})
        self.assertEqual(self.popups(self.salesperson2, callid)[-1], ("ended", "102", None))
        self.assertEqual(len(self.popups(self.salesperson, callid)), 3, "101 hears nothing more of it")

    def test_a_repeated_answer_is_a_duplicate_and_notifies_nobody(self):
        callid, call = self.answered_by_101()
        self.answer(callid, "102")
        bus = self.env["bus.bus"].sudo().search_count([])
        body = self.answer(callid, "102")
        self.assertTrue(body["duplicate"])
        self.assertEqual(self.env["bus.bus"].sudo().search_count([]), bus)
        self.assertEqual(self.journal(callid).mapped("state"), ["duplicate", "done", "done"])

    def test_an_answer_after_the_end_changes_nothing(self):
        callid, call = self.answered_by_101()
        self.call_out(UNKNOWN, callid, extension="101", fields={"status": "ANSWERED", "duration": 9, "billsec": 5})
        self.assertTrue(self.answer(callid, "102")["duplicate"])
        call.invalidate_recordset()
        self.assertEqual((call.state, call.user_id), ("ended", self.salesperson))

    def test_the_first_answer_of_a_ringing_call_by_another_member_moves_it(self):
        callid = self.new_callid()
        call_id = self.call_in(UNKNOWN, callid, extension="101")["call"]["id"]
        self.answer(callid, "102")
        call = self.env["pbx.call"].browse(call_id)
        self.assertEqual((call.state, call.user_id), ("answered", self.salesperson2))
        self.assertEqual(self.popups(self.salesperson, callid)[-1], ("answered", "102", "102"))

    # ---- hostile cases ------------------------------------------------------------------

    def test_an_unknown_call_is_journaled_ignored_and_creates_nothing(self):
        calls = self.env["pbx.call"].sudo().search_count([])
        callid = self.new_callid()
        body = self.answer(callid, "102")
        self.assertEqual((body["ignored"], body["call"]), (True, None))
        self.assertEqual(self.journal(callid).state, "ignored")
        self.assertEqual(self.env["pbx.call"].sudo().search_count([]), calls)

    def test_another_connections_call_is_not_touched(self):
        other = self.env["pbx.connection"].with_user(self.manager).provision({
            "name": "Other PBX", "company_id": self.company.id, "country_id": self.vn.id,
        })
        other_connection = self.env["pbx.connection"].browse(other["id"])
        self.env["pbx.extension"].create({"connection_id": other_connection.id, "name": "101",
                                          "user_id": self.salesperson.id})
        callid = self.new_callid()
        status, body = self.post("call_in", {"phone": UNKNOWN, "extension": "101", "callid": callid},
                                 token=other["token"])
        self.assertEqual(status, 200, body)
        self.post("answer", {"callid": callid, "extension": "101"}, token=other["token"])
        body = self.answer(callid, "102")  # this connection's token: no call of that id here
        self.assertTrue(body["ignored"])
        call = self.env["pbx.call"].sudo().search([("callid", "=", callid)])
        self.assertEqual((call.connection_id, call.extension, call.user_id),
                         (other_connection, "101", self.salesperson))

    def test_a_bad_extension_is_refused_and_an_unknown_one_moves_nothing(self):
        callid, call = self.answered_by_101()
        rejected = len(self.journal().filtered(lambda event: event.state == "rejected"))
        status, body = self.post("answer", {"callid": callid, "extension": "10 2; DROP"})
        self.assertError(status, body, "invalid_payload", fields=["extension"])
        status, body = self.post("answer", {"callid": callid})
        self.assertError(status, body, "invalid_payload", fields=["extension"])
        self.assertTrue(self.answer(callid, "555")["duplicate"], "no extension 555 on this connection")
        call.invalidate_recordset()
        self.assertEqual((call.extension, call.user_id), ("101", self.salesperson))
        self.assertEqual(self.journal(callid).mapped("state"), ["duplicate", "done"])
        self.assertEqual(len(self.journal().filtered(lambda event: event.state == "rejected")), rejected + 2,
                         "both refusals journaled")

    def test_get_and_no_token_are_refused_and_write_nothing(self):
        callid, call = self.answered_by_101()
        before = len(self.journal())
        status, body = self.post("answer", query={"callid": callid, "extension": "102"}, method="GET",
                                 auth="query")
        self.assertError(status, body, "method_not_allowed")
        status, body = self.post("answer", {"callid": callid, "extension": "102"}, token=None)
        self.assertError(status, body, "unauthorized")
        status, body = self.post("answer", {"callid": callid, "extension": "102"}, token="pbx_not-a-token")
        self.assertError(status, body, "unauthorized")
        self.assertEqual(len(self.journal()), before)
        call.invalidate_recordset()
        self.assertEqual(call.user_id, self.salesperson)
