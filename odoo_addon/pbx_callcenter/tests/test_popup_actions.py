"""Server actions behind the caller popup's buttons, run as the salesperson who clicks them
(web/src/services/call_popup_service.ts: action_block_number and its Undo action_unblock_number,
action_create_partner, action_create_lead, popup_calls_in_progress after a reload; the notes
field writes `notes`)."""
import re
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import PbxHttpCase
from .hostile_roles import HostileRolesCase

UNKNOWN = "0911222333"
UNKNOWN_E164 = "+84911222333"


def digits(number):
    return re.sub(r"\D", "", number or "")


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

    def test_undo_of_a_block_unblocks_the_number(self):
        self.my_call.action_block_number()
        self.my_call.action_unblock_number()
        self.assertFalse(self.call.blocked)
        self.assertFalse(self.env["phone.blacklist"].sudo().search([("number", "=", UNKNOWN_E164)]))
        self.assertIs(self.call_in(UNKNOWN)["blocked"], False)

    def test_undo_is_refused_to_others_and_for_numbers_blocked_otherwise(self):
        self.my_call.action_block_number()
        with self.assertRaises(AccessError):
            self.call.with_user(self.salesperson2).action_unblock_number()
        entry = self.env["phone.blacklist"].sudo().search([("number", "=", UNKNOWN_E164)])
        # Too late: the Undo was for right after the block.
        self.env.cr.execute("UPDATE phone_blacklist SET write_date = %s WHERE id = %s",
                            [fields.Datetime.now() - timedelta(hours=1), entry.id])
        entry.invalidate_recordset()
        with self.assertRaises(UserError):
            self.my_call.action_unblock_number()
        self.assertTrue(self.call.blocked)
        self.assertTrue(entry.active)
        # Blacklisted by an administrator: the salesperson's call arrives blocked, no Undo.
        self.env["phone.blacklist"].sudo()._add(["+84911222444"])
        blocked = self.env["pbx.call"].browse(self.call_in("0911222444")["call"]["id"])
        self.assertTrue(blocked.blocked)
        with self.assertRaises(UserError):
            blocked.with_user(self.salesperson).action_unblock_number()
        with self.assertRaises(UserError):
            self.env["pbx.call"].browse(self.call_in("0911222555")["call"]["id"]).with_user(
                self.salesperson).action_unblock_number()
        self.assertEqual(len(self.env["phone.blacklist"].sudo().search(
            [("number", "in", [UNKNOWN_E164, "+84911222444"])])), 2)

    def test_a_reload_gets_the_users_calls_in_progress_as_the_bus_sends_them(self):
        answered = self.env["pbx.call"].browse(self.call_in("0911000001", callid="answered")["call"]["id"])
        answered.sudo().write({"state": "answered"})
        ended = self.env["pbx.call"].browse(self.call_in("0911000002", callid="ended")["call"]["id"])
        ended.sudo().write({"state": "ended"})
        stale = self.env["pbx.call"].browse(self.call_in("0911000003", callid="stale")["call"]["id"])
        stale.sudo().write({"start_date": fields.Datetime.now() - timedelta(hours=1)})
        self.call_in("0911000004", callid="sams", extension="102")
        blocked = self.env["pbx.call"].browse(self.call_in("0911000005", callid="blocked")["call"]["id"])
        blocked.with_user(self.salesperson).action_block_number()
        payloads = self.env["pbx.call"].with_user(self.salesperson).popup_calls_in_progress()
        self.assertEqual([p["call_id"] for p in payloads], [self.call.id, answered.id])
        for payload in payloads:
            self.assertContract("bus_call", payload)
        self.assertEqual(payloads[0], self.call._popup_payload(self.salesperson))
        sams = self.env["pbx.call"].with_user(self.salesperson2).popup_calls_in_progress()
        self.assertEqual([p["callid"] for p in sams], ["sams"])

    def test_a_reload_gets_nothing_for_a_user_without_calls_access(self):
        outsider = self.make_user("pbx_outsider", "Olga Outsider", "sales_team.group_sale_salesman")
        self.assertEqual(self.env["pbx.call"].with_user(outsider).popup_calls_in_progress(), [])

    def assertCreateForm(self, action, model):
        """A new-record form (nothing created yet) linked to the call."""
        self.assertEqual(action["type"], "ir.actions.act_window")
        self.assertEqual(action["res_model"], model)
        self.assertNotIn("res_id", action)
        self.assertEqual(action["context"]["pbx_popup_call_id"], self.call.id)
        return action["context"]

    def popup_form(self, model, context, user=None):
        """The form the web client opens with the action's context, as `user`."""
        return Form(self.env[model].with_user(user or self.salesperson).with_context(**context))

    def test_create_contact_opens_a_form_with_the_number_and_notes_linked_on_save(self):
        self.my_call.write({"notes": "Wants 12 desks\nCall after 3pm"})
        partners_before = self.env["res.partner"].search_count([])
        context = self.assertCreateForm(self.my_call.action_create_partner(), "res.partner")
        self.assertEqual(self.env["res.partner"].search_count([]), partners_before, "nothing created yet")
        form = self.popup_form("res.partner", context)
        self.assertFalse(form.name, "the contact is named by the user, not after the number")
        self.assertEqual(digits(form.phone), UNKNOWN_E164[1:], "as the form formats it")
        self.assertIn("Wants 12 desks", str(form.comment))
        form.name = "Jane Doe"
        partner = form.save()
        self.assertEqual(self.call.partner_id, partner)
        self.assertEqual((partner.name, digits(partner.phone), partner.user_id, partner.company_id),
                         ("Jane Doe", UNKNOWN_E164[1:], self.salesperson, self.company))
        self.assertIn("Call after 3pm", str(partner.comment))
        body = self.call_in(UNKNOWN)
        self.assertEqual(body["record"], {"model": "res.partner", "id": partner.id, "name": "Jane Doe"})

    def test_create_lead_opens_a_form_with_the_number_and_notes_linked_on_save(self):
        self.my_call.write({"notes": "Asked for the price list"})
        context = self.assertCreateForm(self.my_call.action_create_lead(), "crm.lead")
        customer = self.env["res.partner"].with_user(self.salesperson).with_context(**context).name_create(
            "A customer quick-created in the lead form")
        self.assertFalse(self.call.partner_id, f"the lead form linked the customer {customer}")
        form = self.popup_form("crm.lead", context)
        self.assertFalse(form.name)
        form.name = "Desks for the new office"
        lead = form.save()
        self.assertEqual(self.call.lead_id, lead)
        self.assertEqual((digits(lead.phone), lead.user_id), (UNKNOWN_E164[1:], self.salesperson))
        self.assertIn("Asked for the price list", str(lead.description))

    def test_only_the_one_record_saved_from_the_form_is_linked(self):
        context = self.assertCreateForm(self.my_call.action_create_partner(), "res.partner")
        Partner = self.env["res.partner"].with_user(self.salesperson).with_context(**context)
        self.assertEqual(len(Partner.create([{"name": "A"}, {"name": "B"}])), 2)
        self.assertFalse(self.call.partner_id, "a batch is not what the form saves")
        company = Partner.create({"name": "Acme", "is_company": True,
                                  "child_ids": [(0, 0, {"name": "Acme's buyer"})]})
        self.assertEqual(self.call.partner_id, company, "not the contact created inside it")
        again = Partner.create({"name": "Second contact from the same form"})
        self.assertEqual(self.call.partner_id, company, "a call already linked keeps its record")
        self.assertTrue(again.exists())

    def test_a_popup_form_cannot_link_a_call_the_user_may_not_edit(self):
        context = self.assertCreateForm(self.my_call.action_create_partner(), "res.partner")
        names = ["Sam's contact", "Bogus call", "Text call"]
        Partner = self.env["res.partner"].with_user(self.salesperson2)
        with self.assertRaises(AccessError):
            Partner.with_context(**context).create({"name": names[0]})
        with self.assertRaises(UserError):
            Partner.with_context(pbx_popup_call_id=999999999).create({"name": names[1]})
        with self.assertRaises(UserError):
            Partner.with_context(pbx_popup_call_id=str(self.call.id)).create({"name": names[2]})
        self.assertFalse(self.call.partner_id)
        self.assertFalse(self.env["res.partner"].search([("name", "in", names)]))
        with self.assertRaises(AccessError):
            self.call.with_user(self.salesperson2).action_create_lead()

    def test_the_salesperson_opens_the_matched_record(self):
        partner = self.make_partner("Known Caller", phone="+84903123456")
        body = self.call_in("0903123456")
        action = self.env["pbx.call"].browse(body["call"]["id"]).with_user(
            self.salesperson).action_open_record()
        self.assertEqual(self.assertRecordAction(action, "res.partner"), partner)

    def test_the_salesperson_saves_notes_that_the_next_popup_shows(self):
        self.my_call.write({"notes": "Asked for the price list"})
        self.assertEqual(self.call._popup_payload()["notes"], "Asked for the price list")


@tagged("post_install", "-at_install")
class TestPopupActionsOtherCompany(HostileRolesCase):
    """The popup's actions on a call of company B, as users of company A."""

    def setUp(self):
        super().setUp()
        status, body = self.post("call_in", {"phone": UNKNOWN, "extension": "201",
                                             "callid": "b-call"}, token=self.token_b)
        self.assertEqual(status, 200, body)
        self.call_b = self.env["pbx.call"].browse(body["call"]["id"])

    def test_a_reload_never_brings_another_companys_call(self):
        own = self.as_user(self.user_b, "pbx.call").popup_calls_in_progress()
        self.assertEqual([p["callid"] for p in own], ["b-call"])
        self.call_b.sudo().write({"user_id": self.salesperson.id})  # e.g. a binding moved since
        for user in (self.salesperson, self.manager):
            self.assertEqual(self.as_user(user, "pbx.call").popup_calls_in_progress(), [])

    def test_the_buttons_refuse_another_companys_call(self):
        for action in ("action_create_partner", "action_create_lead", "action_block_number",
                       "action_unblock_number"):
            with self.assertRaises(AccessError, msg=action):
                getattr(self.as_user(self.manager, self.call_b), action)()
        Partner = self.as_user(self.manager, "res.partner").with_context(
            pbx_popup_call_id=self.call_b.id)
        with self.assertRaises(AccessError):
            Partner.create({"name": "Linked across companies"})
        self.assertFalse(self.call_b.partner_id or self.call_b.blocked)
