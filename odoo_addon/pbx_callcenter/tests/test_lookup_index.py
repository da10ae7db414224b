from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL

from ..lib import phone


@tagged("post_install", "-at_install")
class TestLookupIndex(TransactionCase):
    """Caller lookup must be an index scan on the phone keys, never a scan of the whole table.

    The planner would pick a sequential scan on a tiny test table anyway, so sequential scans
    are disabled for the transaction: if the WHERE clause the ORM generates could not use the
    key indexes, the plan would still show a Seq Scan (at a prohibitive cost).
    """

    def _plan(self, model, domain):
        query = self.env[model].sudo()._search(domain)
        self.env.cr.execute("SET LOCAL enable_seqscan = off")
        self.env.cr.execute(SQL("EXPLAIN %s", query.select()))
        return "\n".join(row[0] for row in self.env.cr.fetchall())

    def _domains(self):
        exact, tail = phone.lookup_keys("+84989464344", "VN", 9)
        yield "exact", ["|", ("pbx_phone_key", "=", exact), ("pbx_mobile_key", "=", exact)]
        yield "tail", ["|", ("pbx_phone_key", "=like", tail + "%"),
                       ("pbx_mobile_key", "=like", tail + "%")]

    def test_contact_lookup_by_exact_and_last_digits_uses_the_key_indexes(self):
        for kind, domain in self._domains():
            plan = self._plan("res.partner", domain)
            self.assertIn("res_partner_pbx_phone_key_pattern_index", plan, f"{kind}:\n{plan}")
            self.assertIn("res_partner_pbx_mobile_key_pattern_index", plan, f"{kind}:\n{plan}")
            self.assertNotIn("Seq Scan", plan, f"{kind}:\n{plan}")

    def test_lead_lookup_by_exact_and_last_digits_uses_the_key_indexes(self):
        for kind, domain in self._domains():
            plan = self._plan("crm.lead", domain)
            self.assertIn("crm_lead_pbx_phone_key_pattern_index", plan, f"{kind}:\n{plan}")
            self.assertIn("crm_lead_pbx_mobile_key_pattern_index", plan, f"{kind}:\n{plan}")
            self.assertNotIn("Seq Scan", plan, f"{kind}:\n{plan}")

    def test_stored_keys_follow_phone_edits_whatever_the_formatting(self):
        partner = self.env["res.partner"].create({
            "name": "Key Test", "phone": "(098) 946-4344",
            "country_id": self.env.ref("base.vn").id,
        })
        self.assertEqual(partner.pbx_phone_key, "44346498948")
        self.assertFalse(partner.pbx_mobile_key)
        partner.write({"phone": False, "mobile": "0084 98 946 4344"})
        self.assertFalse(partner.pbx_phone_key)
        self.assertEqual(partner.pbx_mobile_key, "44346498948")
