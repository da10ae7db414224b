"""Ring groups, queues and transfers (issue 13, item 1): a call that rings one extension and is
answered on another is credited to whoever answered it, as the end-of-call event says: its user
and extension, the activity's author, the auto-created contact's owner, and both users' popups."""
import json

from odoo.tests import tagged

from .common import PbxHttpCase

UNKNOWN = "0977000111"
KNOWN_E164 = "+84977000222"


@tagged("post_install", "-at_install")
class TestAnsweredElsewhere(PbxHttpCase):

    def popups(self, user):
        """States of the pbx_callcenter/call notifications sent to `user`, oldest first."""
        states = []
        for row in self.env["bus.bus"].sudo().search([("message", "like", "pbx_callcenter/call")], order="id"):
            channel, message = json.loads(row.channel), json.loads(row.message)
            if channel[1:] == ["res.partner", user.partner_id.id]:
                states.append(message["payload"]["state"])
        return states

    def ring_101_answer_102(self, phone, status="ANSWERED"):
        callid = self.new_callid()
        self.call_in(phone, callid, extension="101")
        body = self.call_out(phone, callid, extension="102",
                             fields={"status": status, "duration": 40, "billsec": 30})
        return self.env["pbx.call"].browse(body["call"]["id"])

    def test_the_member_who_answered_gets_the_call_its_activity_and_the_new_contact(self):
        call = self.ring_101_answer_102(UNKNOWN)
        self.assertEqual((call.extension, call.user_id, call.state), ("102", self.salesperson2, "ended"))
        contact = call.partner_id
        self.assertTrue(call.auto_created)
        self.assertEqual(contact.user_id, self.salesperson2, "the auto-created contact's owner")
        activity = self.env["mail.message"].sudo().search(
            [("model", "=", "res.partner"), ("res_id", "=", contact.id),
             ("mail_activity_type_id", "=", self.call_type.id)])
        self.assertEqual(activity.author_id, self.salesperson2.partner_id, "the activity's author")

    def test_a_known_contacts_owner_is_kept(self):
        owner = self.make_partner("Gemini Furniture", phone=KNOWN_E164, user_id=self.salesperson.id)
        call = self.ring_101_answer_102(KNOWN_E164)
        self.assertEqual((call.user_id, call.partner_id), (self.salesperson2, owner))
        self.assertEqual(owner.user_id, self.salesperson, "only an auto-created contact follows the call")

    def test_both_members_see_the_end_of_the_call(self):
        self.ring_101_answer_102(UNKNOWN)
        self.assertEqual(self.popups(self.salesperson), ["ringing", "ended"])
        self.assertEqual(self.popups(self.salesperson2), ["ended"])

    def test_a_missed_call_stays_with_the_extension_it_rang(self):
        call = self.ring_101_answer_102(UNKNOWN, status="NO ANSWER")
        self.assertEqual((call.extension, call.user_id, call.state), ("101", self.salesperson, "missed"))
