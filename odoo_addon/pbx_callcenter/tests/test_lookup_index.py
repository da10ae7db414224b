from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL

from .. import hooks
from ..lib import phone


@tagged("post_install", "-at_install")
class TestLookupIndex(TransactionCase):
    """Caller lookup must be an index scan on the phone keys, never a scan of the whole table.

    The planner would pick a sequential scan on a tiny test table anyway, so sequential scans
    are disabled: if the WHERE clause the ORM generates could not use the key indexes, the plan
    would still show a Seq Scan. The plan is taken on an empty probe copy of the table with the
    same indexes: an index built inside the install transaction is flagged indcheckxmin by
    PostgreSQL and hidden from snapshots older than it, which a test running beside another
    long transaction (the other Odoo version's install) cannot control.
    """

    def _plan(self, model, domain):
        table = self.env[model]._table
        self.env.cr.execute(SQL(
            "CREATE TEMP TABLE pbx_probe (LIKE %s INCLUDING INDEXES) ON COMMIT DROP",
            SQL.identifier(table)))
        query = self.env[model].sudo()._search(domain).select()
        probe = SQL(query.code.replace(f'"{table}"', '"pbx_probe"'), *query.params)
        self.env.cr.execute("SET LOCAL enable_seqscan = off")
        self.env.cr.execute(SQL("EXPLAIN %s", probe))
        plan = "\n".join(row[0] for row in self.env.cr.fetchall())
        self.env.cr.execute("DROP TABLE pbx_probe")
        return plan

    def _assert_key_indexes(self, table):
        self.env.cr.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [table])
        definitions = dict(self.env.cr.fetchall())
        for _source, column in hooks.KEY_FIELDS:
            self.assertIn(
                f"({column} text_pattern_ops) WHERE ({column} IS NOT NULL)",
                definitions.get(f"{table}_{column}_pattern_index", ""))

    def _domains(self):
        exact, tail = phone.lookup_keys("+84989464344", "VN", 9)
        Partner = self.env["res.partner"]
        yield "exact", Partner._pbx_key_domain("=", exact)
        yield "tail", Partner._pbx_key_domain("=like", tail + "%")

    def _assert_lookup_is_indexed(self, model):
        self._assert_key_indexes(self.env[model]._table)
        for kind, domain in self._domains():
            plan = self._plan(model, domain)
            for _source, column in hooks.KEY_FIELDS:
                self.assertRegex(plan, rf"Index Cond: .*{column}", f"{kind}:\n{plan}")
            self.assertNotIn("Seq Scan", plan, f"{kind}:\n{plan}")

    def test_contact_lookup_by_exact_and_last_digits_uses_the_key_indexes(self):
        self._assert_lookup_is_indexed("res.partner")

    def test_lead_lookup_by_exact_and_last_digits_uses_the_key_indexes(self):
        self._assert_lookup_is_indexed("crm.lead")

    def test_stored_keys_follow_phone_edits_whatever_the_formatting(self):
        partner = self.env["res.partner"].create({
            "name": "Key Test", "country_id": self.env.ref("base.vn").id,
        })
        for source, column in hooks.KEY_FIELDS:  # phone, and mobile before Odoo 19
            with self.subTest(field=source):
                partner.write({field: False for field, _column in hooks.KEY_FIELDS})
                self.assertFalse(partner[column])
                partner.write({source: "(098) 946-4344"})
                self.assertEqual(partner[column], "44346498948")
                partner.write({source: "0084 98 946 4344"})
                self.assertEqual(partner[column], "44346498948")
                partner.write({source: "0084 98 946 4300"})
                self.assertEqual(partner[column], "00346498948")
                self.assertEqual([partner[other] for _source, other in hooks.KEY_FIELDS
                                  if other != column], [False] * (len(hooks.KEY_FIELDS) - 1))
