"""Server actions behind the caller popup's buttons, run as the salesperson who clicks them
(web/src/services/call_popup_service.ts: action_block_number, action_create_partner,
action_create_lead; the notes field writes `notes`)."""
from odoo.tests import tagged

from .common import PbxHttpCase

UNKNOWN = "0911222333"
UNKNOWN_E164 = "+84911222333"


@tagged("post_install", "-at_install")
class TestPopupActions(PbxHttpCase):

    def setUp(self):
        super().setUp()
        self.connection.auto_create_inbound = False  # the popup offers the create buttons
        body = self.call_in(UNKNOWN)
        self.call = self.env["pbx.call"].browse(body["call"]["id"])
        self.my_call = self.call.with_user(self.salesperson)

    def assertRecordAction(self, action, model):
        self.assertEqual(action["type"], "ir.actions.act_window")
        self.assertEqual(action["res_model"], model)
        self.assertIsInstance(action["res_id"], int)
        self.assertGreater(action["res_id"], 0)
        return self.env[model].browse(action["res_id"])

    def test_the_salesperson_blocks_the_number_of_their_call(self):
        self.my_call.action_block_number()
        self.assertTrue(self.call.blocked)
        self.assertTrue(self.env["phone.blacklist"].sudo().search([("number", "=", UNKNOWN_E164)]))
        body = self.call_in(UNKNOWN)
        self.assertIs(body["blocked"], True)

    def test_the_salesperson_creates_a_contact_for_an_unknown_caller(self):
        action = self.my_call.action_create_partner()
        partner = self.assertRecordAction(action, "res.partner")
        self.assertEqual(self.call.partner_id, partner)
        self.assertEqual(partner.phone, UNKNOWN_E164)
        self.assertEqual(partner.user_id, self.salesperson)
        self.assertEqual(partner.company_id, self.company, "the company of the call's PBX")
        body = self.call_in(UNKNOWN)
        self.assertEqual(body["record"], {"model": "res.partner", "id": partner.id,
                                          "name": partner.display_name})

    def test_the_salesperson_creates_a_lead_for_an_unknown_caller(self):
        action = self.my_call.action_create_lead()
        lead = self.assertRecordAction(action, "crm.lead")
        self.assertEqual(self.call.lead_id, lead)
        self.assertEqual(lead.phone, UNKNOWN_E164)
        self.assertEqual(lead.user_id, self.salesperson)

    def test_the_salesperson_opens_the_matched_record(self):
        partner = self.make_partner("Known Caller", phone="+84903123456")
        body = self.call_in("0903123456")
        action = self.env["pbx.call"].browse(body["call"]["id"]).with_user(
            self.salesperson).action_open_record()
        self.assertEqual(self.assertRecordAction(action, "res.partner"), partner)

    def test_the_salesperson_saves_notes_that_the_next_popup_shows(self):
        self.my_call.write({"notes": "Asked for the price list"})
        self.assertEqual(self.call._popup_payload()["notes"], "Asked for the price list")
