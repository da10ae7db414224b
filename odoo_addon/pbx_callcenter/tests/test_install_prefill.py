import datetime

from odoo.tests import TransactionCase, tagged

from .. import hooks
from ..models.odoo_compat import PHONE_FIELDS
from .common import NUMBER_FORMATS

# What users type, and what they should not: every one must get the key the ORM gives it.
PHONES = NUMBER_FORMATS + [
    "+1 (212) 555-0100", "212.555.0100", "001 212 555 0100", "+33 6 12 34 56 78", "06 12 34 56 78",
    "0033612345678", "024 3825 1234", "+84 24 3825 1234", "(028) 3823-4567", "٠٩٨٩٤٦٤٣٤٤",
    "０９８９４６４３４４", "ext. 42", "12", "   ", "", "not a number", "+", "00",
    "1" * 40, "0989464344 ext 12", "tel:+84989464344", "\t+84\n989 464 344",
]
COUNTRIES = ["base.vn", "base.us", "base.fr", None]
#: The key columns, in the order of the number fields (phone, and mobile before Odoo 19).
KEYS = [column for _source, column in hooks.KEY_FIELDS]


@tagged("post_install", "-at_install")
class TestInstallPrefill(TransactionCase):
    """The install hook's bulk fill stores exactly the keys the ORM compute stores."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        partner_vals, lead_vals = [], []
        for i, number in enumerate(PHONES):
            country = COUNTRIES[i % len(COUNTRIES)]
            other = COUNTRIES[(i + 1) % len(COUNTRIES)]
            mobile = PHONES[(i * 7 + 3) % len(PHONES)] if i % 3 else False
            for xmlid, vals in ((country, partner_vals), (other, lead_vals)):
                vals.append({
                    "name": f"Prefill {i}", **dict(zip(PHONE_FIELDS, (number, mobile))),
                    "country_id": cls.env.ref(xmlid).id if xmlid else False,
                })
        cls.partners = cls.env["res.partner"].create(partner_vals)
        cls.leads = cls.env["crm.lead"].create(lead_vals)
        cls.env.flush_all()

    def _stored_keys(self, records):
        self.env.cr.execute(
            f"SELECT id, {', '.join(KEYS)} FROM {records._table} WHERE id = ANY(%s)", [records.ids])
        return {rid: tuple(keys) for rid, *keys in self.env.cr.fetchall()}

    def _wipe_keys(self, records, value=None):
        self.env.cr.execute(
            f"UPDATE {records._table} SET {', '.join(f'{key} = %s' for key in KEYS)} "
            "WHERE id = ANY(%s)", [*(value for _key in KEYS), records.ids])
        records.invalidate_recordset(KEYS)

    def _assert_fill_matches_the_compute(self, records):
        expected = self._stored_keys(records)  # computed by the ORM at create(), flushed
        self.assertGreater(sum(1 for keys in expected.values() if keys[0]), len(records) // 2)
        for position in range(1, len(KEYS)):  # a mobile key too, before Odoo 19
            self.assertTrue(any(keys[position] for keys in expected.values()))
        self.assertTrue(any(keys[0] is None for keys in expected.values()))
        self._wipe_keys(records)
        read, written = hooks.fill_keys(
            self.env.cr, records._table, "t.id = ANY(%s)", (records.ids,), batch_size=7)
        self.assertEqual(self._stored_keys(records), expected)
        self.env.cr.execute(
            f"SELECT count(*) FROM {records._table} WHERE id = ANY(%s) "
            f"AND ({' OR '.join(f'{field} IS NOT NULL' for field in PHONE_FIELDS)})", [records.ids])
        self.assertEqual(read, self.env.cr.fetchone()[0])  # rows with no number are skipped
        self.assertEqual(written, sum(1 for keys in expected.values() if any(keys)))

    def test_bulk_fill_gives_contacts_the_keys_the_orm_computes(self):
        self._assert_fill_matches_the_compute(self.partners)

    def test_bulk_fill_gives_leads_the_keys_the_orm_computes(self):
        self._assert_fill_matches_the_compute(self.leads)

    def test_bulk_fill_rewrites_only_rows_whose_keys_are_wrong(self):
        expected = self._stored_keys(self.partners)
        wrong = self.partners[:5]
        self._wipe_keys(wrong, "999")
        read, written = hooks.fill_keys(
            self.env.cr, "res_partner", "t.id = ANY(%s)", (self.partners.ids,), batch_size=10)
        self.assertEqual((read, written), (len(self.partners), 5))
        self.assertEqual(self._stored_keys(self.partners), expected)

    def test_key_rows_reads_a_national_number_through_the_row_country_like_the_compute(self):
        rows = [(1, "0989464344", None, "VN"), (2, "0989464344", "(212) 555-0100", "US"),
                (3, "0989464344", None, None), (4, None, "+33 6 12 34 56 78", "")]
        rows = [(rid, *numbers[:len(PHONE_FIELDS)], code) for rid, *numbers, code in rows]
        partners = self.env["res.partner"].create([
            {"name": f"Row {rid}", **{field: n or False for field, n in zip(PHONE_FIELDS, numbers)},
             "country_id": self.env["res.country"].search([("code", "=", code)]).id if code else False}
            for rid, *numbers, code in rows])
        computed = [tuple(p[key] or None for key in KEYS) for p in partners]
        self.assertEqual([keys[1:] for keys in hooks.key_rows(rows)], computed)
        self.assertEqual(computed[0][0], "44346498948")
        self.assertNotEqual(computed[0][0], computed[2][0])  # no country: raw digits

    def test_pre_init_on_a_populated_database_restores_every_key_in_char_typed_columns(self):
        expected = {**self._stored_keys(self.partners), **self._stored_keys(self.leads)}
        self._wipe_keys(self.partners)
        self._wipe_keys(self.leads)
        hooks.pre_init_hook(self.env)  # a test database is small: the in-transaction path
        self.assertEqual({**self._stored_keys(self.partners), **self._stored_keys(self.leads)},
                         expected)
        for table in hooks.KEYED_TABLES:
            self.env.cr.execute("""
                SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a
                 WHERE a.attrelid = %s::regclass AND a.attname LIKE 'pbx\\_%%\\_key'""", [table])
            # the type Odoo gives a Char: _auto_init finds nothing to convert or recompute
            self.assertEqual(dict(self.env.cr.fetchall()),
                             {key: "character varying" for key in KEYS})

    def test_rows_written_during_the_install_are_rekeyed_and_no_older_row(self):
        recent, old = self.partners[:3], self.partners[3:6]
        expected = self._stored_keys(recent | old)
        now = datetime.datetime.now()
        self.env.cr.execute("UPDATE res_partner SET write_date = %s WHERE id = ANY(%s)",
                            [now - datetime.timedelta(hours=1), old.ids])
        self.env.cr.execute("UPDATE res_partner SET write_date = %s WHERE id = ANY(%s)",
                            [now, recent.ids])
        self._wipe_keys(recent | old, "0")
        hooks.rekey_written_since(self.env.cr, now - datetime.timedelta(minutes=1))
        after = self._stored_keys(recent | old)
        self.assertEqual({rid: after[rid] for rid in recent.ids},
                         {rid: expected[rid] for rid in recent.ids})
        self.assertEqual({rid: after[rid] for rid in old.ids},
                         {rid: ("0",) * len(KEYS) for rid in old.ids})
