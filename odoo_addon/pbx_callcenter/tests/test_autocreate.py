"""Unknown numbers: automatic contacts or leads, per direction, owned by the right user."""
from odoo.tests import tagged

from .common import PbxHttpCase

UNKNOWN = "0911222333"
UNKNOWN_E164 = "+84911222333"
NAME = f"Automatic New Contact - {UNKNOWN_E164}"


@tagged("post_install", "-at_install")
class TestAutoCreate(PbxHttpCase):

    def configure(self, inbound=False, outbound=False, model="partner"):
        self.connection.write({"auto_create_inbound": inbound, "auto_create_outbound": outbound,
                               "auto_create_model": model})

    def assertCreated(self, body, model, owner):
        record = self.env[model].browse(body["record"]["id"])
        self.assertIs(body["created"], True)
        self.assertEqual(body["record"], {"model": model, "id": record.id, "name": NAME})
        self.assertEqual(record.name, NAME)
        self.assertEqual(record.phone, UNKNOWN_E164)
        self.assertEqual(record.user_id, owner)
        self.assertEqual(record.company_id, self.company)
        self.assertEqual(body["caller_name"], NAME)
        call = self.env["pbx.call"].browse(body["call"]["id"])
        self.assertTrue(call.auto_created)
        self.assertEqual(call.partner_id if model == "res.partner" else call.lead_id, record)
        return record

    def assertNotCreated(self, body):
        self.assertIsNone(body["record"])
        self.assertIs(body["created"], False)
        self.assertEqual(body["caller_name"], "")
        self.assertFalse(self.auto_created(UNKNOWN_E164))
        self.assertFalse(self.auto_created(UNKNOWN_E164, "crm.lead"))

    def test_inbound_on_creates_a_contact_owned_by_the_extension_user(self):
        self.configure(inbound=True)
        body = self.call_in(UNKNOWN)
        partner = self.assertCreated(body, "res.partner", self.salesperson)
        self.assertFalse(partner.is_company)
        self.assertEqual(body["owner_extension"], "101")
        self.assertEqual(len(self.auto_created(UNKNOWN_E164)), 1)

    def test_inbound_on_as_lead_creates_a_lead_owned_by_the_extension_user(self):
        self.configure(inbound=True, model="lead")
        body = self.call_in(UNKNOWN, extension="102")
        self.assertCreated(body, "crm.lead", self.salesperson2)
        self.assertEqual(body["owner_extension"], "102")
        self.assertFalse(self.auto_created(UNKNOWN_E164), "no contact besides the lead")

    def test_inbound_on_an_unbound_extension_gives_the_record_to_the_default_responsible(self):
        self.configure(inbound=True)
        body = self.call_in(UNKNOWN, extension="199")
        self.assertCreated(body, "res.partner", self.default_user)
        self.assertIsNone(body["owner_extension"], "the default responsible has no extension")

    def test_a_call_to_an_unconfigured_extension_gives_the_record_to_the_default_responsible(self):
        self.configure(inbound=True)
        body = self.call_in(UNKNOWN, extension="777")
        self.assertCreated(body, "res.partner", self.default_user)
        call = self.env["pbx.call"].browse(body["call"]["id"])
        self.assertFalse(call.extension_id)
        self.assertEqual(call.extension, "777")

    def test_the_default_responsible_owner_is_routed_to_their_extension(self):
        self.configure(inbound=True)
        self.connection.default_user_id = self.salesperson2
        body = self.call_in(UNKNOWN, extension="199")
        self.assertCreated(body, "res.partner", self.salesperson2)
        self.assertEqual(body["owner_extension"], "102")

    def test_inbound_off_creates_nothing_and_answers_an_empty_caller_name(self):
        self.configure(inbound=False, outbound=True)
        body = self.call_in(UNKNOWN)
        self.assertNotCreated(body)
        self.assertIsNone(body["owner_extension"])

    def test_outbound_on_creates_a_contact_for_an_unknown_dialled_number(self):
        self.configure(inbound=False, outbound=True)
        body = self.init(UNKNOWN)
        self.assertEqual(body["call"]["direction"], "out")
        self.assertCreated(body, "res.partner", self.salesperson)

    def test_outbound_on_as_lead_creates_a_lead(self):
        self.configure(outbound=True, model="lead")
        body = self.init(UNKNOWN, extension="102")
        self.assertCreated(body, "crm.lead", self.salesperson2)

    def test_outbound_off_creates_nothing(self):
        self.configure(inbound=True, outbound=False)
        body = self.init(UNKNOWN)
        self.assertNotCreated(body)

    def test_an_outbound_call_out_alone_follows_the_outbound_switch(self):
        self.configure(inbound=True, outbound=False)
        body = self.call_out(UNKNOWN, fields={"direction": "out", "duration": 5})
        self.assertNotCreated(body)
        self.configure(inbound=False, outbound=True)
        body = self.call_out(UNKNOWN, fields={"direction": "out", "duration": 5})
        self.assertCreated(body, "res.partner", self.salesperson)

    def test_an_inbound_call_out_alone_follows_the_inbound_switch(self):
        self.configure(inbound=True)
        body = self.call_out(UNKNOWN, fields={"duration": 0, "status": "NO ANSWER"})
        self.assertEqual(body["call"]["state"], "missed")
        self.assertCreated(body, "res.partner", self.salesperson)

    def test_a_second_call_from_the_new_number_matches_the_created_contact(self):
        self.configure(inbound=True)
        first = self.call_in(UNKNOWN)
        second = self.call_in("+84 91 122 2333")
        self.assertIs(second["created"], False)
        self.assertEqual(second["record"], first["record"])
        self.assertEqual(len(self.auto_created(UNKNOWN_E164)), 1)

    def test_auto_created_contacts_belong_to_the_connection_company(self):
        other = self.env["res.company"].create({"name": "PBX Company B", "country_id": self.vn.id})
        result = self.env["pbx.connection"].provision({
            "name": "PBX of B", "company_id": other.id, "country_id": self.vn.id,
            "auto_create_inbound": True})
        body = self.call_in(UNKNOWN, token=result["token"])
        self.assertIs(body["created"], True)
        partner = self.env["res.partner"].browse(body["record"]["id"])
        self.assertEqual(partner.company_id, other)
        self.assertFalse(partner.user_id, "no extension user, no default responsible")

    def test_an_internal_call_between_extensions_creates_nothing(self):
        self.configure(inbound=True, outbound=True)
        body = self.call_in("102", extension="101")
        self.assertEqual(body["call"]["direction"], "internal")
        self.assertIsNone(body["record"])
        self.assertIs(body["created"], False)

    def test_a_number_that_cannot_be_normalised_is_created_under_its_digits(self):
        self.configure(inbound=True)
        body = self.call_in("999")
        self.assertIs(body["created"], True)
        self.assertEqual(body["record"]["name"], "Automatic New Contact - 999")
