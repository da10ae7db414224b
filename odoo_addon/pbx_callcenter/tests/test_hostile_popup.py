"""Hostile roles, the caller popup (issue 9, point 6): the bus message a user gets is built as
that user, under their access rights and record rules, never as superuser. Checked on the
actual `pbx_callcenter/call` messages the bus sends."""
import json

from odoo.tests import tagged

from .common import E164
from .hostile_roles import HostileRolesCase

OTHER = "+84912000111"


@tagged("post_install", "-at_install")
class TestHostilePopup(HostileRolesCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stage = cls.env["crm.stage"].search([], limit=1)
        cls.ext103 = cls.env["pbx.extension"].create({
            "connection_id": cls.connection.id, "name": "103", "user_id": cls.manager.id})

    def popups(self, user, callid):
        """Payloads of the pbx_callcenter/call messages sent to `user` for call `callid`."""
        found = []
        for row in self.env["bus.bus"].sudo().search([("message", "like", "pbx_callcenter/call")],
                                                     order="id"):
            channel, message = json.loads(row.channel), json.loads(row.message)
            if (message["type"] == "pbx_callcenter/call"
                    and channel[1:] == ["res.partner", user.partner_id.id]
                    and message["payload"]["callid"] == callid):
                self.assertBusPayload(message["payload"])
                found.append(message["payload"])
        return found

    def opportunity(self, name, user, company, **vals):
        return self.make_lead(name, type="opportunity", user_id=user.id if user else False,
                              company_id=company.id, stage_id=self.stage.id, **vals)

    def test_a_salesperson_sees_only_their_own_opportunities_and_calls_of_the_caller(self):
        caller = self.make_partner("Shared Caller", phone=E164)
        own = self.opportunity("Own deal", self.salesperson, self.company, partner_id=caller.id,
                               expected_revenue=500)
        self.opportunity("Colleague secret deal", self.salesperson2, self.company,
                         partner_id=caller.id, expected_revenue=99999)
        # unassigned: only the multi-company rule keeps it out
        self.opportunity("Company B deal", None, self.company_b, partner_id=caller.id,
                         expected_revenue=77777)
        own_call = self.call_out(E164, extension="101", fields={"duration": 30, "status": "ANSWERED"})
        colleague_call = self.call_out(E164, extension="102",
                                       fields={"duration": 40, "status": "ANSWERED"})
        callid = self.new_callid()
        self.call_in(E164, callid, extension="101")
        # the salesperson blocks it from the popup: the payload is sent again, as them too
        self.as_user(self.salesperson, self.find_call(callid)).action_block_number()
        self.env.cr.precommit.run()  # the bus writes its messages just before the commit

        payloads = self.popups(self.salesperson, callid)
        self.assertEqual(len(payloads), 2)
        for payload in payloads:
            self.assertEqual(payload["caller"]["name"], "Shared Caller")
            self.assertEqual(payload["opportunities"], [{
                "id": own.id, "name": "Own deal", "stage": self.stage.name,
                "expected_revenue": 500.0, "expected_revenue_formatted": "$\u00a0500.00"}])
            self.assertEqual([c["id"] for c in payload["last_calls"]], [own_call["call"]["id"]])
            text = json.dumps(payload)
            for secret in ("Colleague secret deal", "99999", "Company B deal", "77777"):
                self.assertNotIn(secret, text)
            self.assertNotIn(colleague_call["call"]["id"], [c["id"] for c in payload["last_calls"]])

    def test_a_colleagues_private_lead_is_not_shown_by_name(self):
        lead = self.make_lead("Confidential tender", type="lead", user_id=self.salesperson2.id,
                              company_id=self.company.id, phone=OTHER, contact_name="Vera Secret",
                              partner_name="Secret Corp", email_from="vera@secret.example",
                              expected_revenue=123456)
        callid = self.new_callid()
        self.call_in(OTHER, callid, extension="101")
        [payload] = self.popups(self.salesperson, callid)
        self.assertIs(payload["known"], True, "the number is known: no 'create' offered")
        self.assertEqual(payload["caller"], {
            "model": "crm.lead", "id": lead.id, "name": "Not visible to you", "company": None,
            "image_url": None, "email": None})
        self.assertEqual(payload["opportunities"], [])
        text = json.dumps(payload)
        for secret in ("Confidential", "Vera", "Secret Corp", "secret.example", "123456"):
            self.assertNotIn(secret, text)

        # its owner sees it by name
        callid = self.new_callid()
        self.call_in(OTHER, callid, extension="102")
        [payload] = self.popups(self.salesperson2, callid)
        self.assertEqual((payload["caller"]["name"], payload["caller"]["company"]),
                         ("Vera Secret", "Secret Corp"))
        self.assertEqual([o["id"] for o in payload["opportunities"]], [lead.id])

    def test_a_manager_who_sees_every_call_gets_everyones_last_calls(self):
        first = self.call_out(E164, extension="101", fields={"duration": 30, "status": "ANSWERED"})
        second = self.call_out(E164, extension="102", fields={"duration": 40, "status": "ANSWERED"})
        self.call_out(E164, extension="201", token=self.token_b,
                      fields={"duration": 50, "status": "ANSWERED"})
        callid = self.new_callid()
        self.call_in(E164, callid, extension="103")
        [payload] = self.popups(self.manager, callid)
        self.assertEqual({c["id"] for c in payload["last_calls"]},
                         {first["call"]["id"], second["call"]["id"]},
                         "every call of the company, none of company B")
