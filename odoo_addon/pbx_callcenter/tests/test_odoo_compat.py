"""What must hold on every supported Odoo (17.0, 18.0, 19.0) whatever its API: the database
constraints idempotency relies on, the security groups, the version-specific views."""
import psycopg2

from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from ..models import odoo_compat

#: (table, constraint, type, definition) the module declares; 19 ignores `_sql_constraints`.
CONSTRAINTS = [
    ("pbx_call", "pbx_call_callid_connection_uniq", "u", "UNIQUE (connection_id, callid)"),
    ("pbx_extension", "pbx_extension_name_connection_uniq", "u", "UNIQUE (connection_id, name)"),
    ("pbx_connection", "pbx_connection_tail_digits_range", "c",
     "CHECK (((tail_digits >= 6) AND (tail_digits <= 15)))"),
    ("pbx_zadarma_signature", "pbx_zadarma_signature_signature_connection_uniq", "u",
     "UNIQUE (connection_id, signature)"),
]


@tagged("post_install", "-at_install")
class TestOdooCompat(TransactionCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.connection = cls.env["pbx.connection"].create({"name": "Compat PBX"})

    def assertViolates(self, error, query, params):
        with self.assertRaises(error), mute_logger("odoo.sql_db"), self.env.cr.savepoint():
            self.env.cr.execute(query, params)

    # ---- database constraints -------------------------------------------------------------

    def test_the_unique_and_check_constraints_exist_in_the_database(self):
        for table, name, kind, definition in CONSTRAINTS:
            with self.subTest(constraint=name):
                self.env.cr.execute("""
                    SELECT c.contype, pg_get_constraintdef(c.oid) FROM pg_constraint c
                     WHERE c.conrelid = %s::regclass AND c.conname = %s""", [table, name])
                self.assertEqual(self.env.cr.fetchall(), [(kind, definition)])
                if kind == "u":  # a unique constraint is enforced by its unique index
                    self.env.cr.execute(
                        "SELECT indexdef FROM pg_indexes WHERE tablename = %s AND indexname = %s",
                        [table, name])
                    [(index,)] = self.env.cr.fetchall()
                    self.assertIn("CREATE UNIQUE INDEX", index)

    def test_a_second_call_with_the_same_id_on_a_connection_is_refused_by_the_database(self):
        values = {"connection_id": self.connection.id, "callid": "compat-1", "direction": "in",
                  "state": "ringing", "phone": "0989464344"}
        self.env["pbx.call"].create(values)
        self.env.flush_all()
        # raw SQL: the database itself must refuse it, whatever the ORM checks first
        self.assertViolates(
            psycopg2.errors.UniqueViolation,
            "INSERT INTO pbx_call (connection_id, callid, direction, state, phone) "
            "VALUES (%s, %s, 'in', 'ringing', '0989464344')",
            [self.connection.id, "compat-1"])
        other = self.env["pbx.connection"].create({"name": "Other PBX"})
        self.env["pbx.call"].create(dict(values, connection_id=other.id))
        self.env.flush_all()

    def test_an_extension_twice_on_a_connection_and_too_few_digits_are_refused_by_the_database(self):
        self.env["pbx.extension"].create({"connection_id": self.connection.id, "name": "101"})
        self.env.flush_all()
        self.assertViolates(
            psycopg2.errors.UniqueViolation,
            "INSERT INTO pbx_extension (connection_id, name) VALUES (%s, '101')",
            [self.connection.id])
        self.assertViolates(
            psycopg2.errors.CheckViolation,
            "UPDATE pbx_connection SET tail_digits = 5 WHERE id = %s", [self.connection.id])

    # ---- security groups ------------------------------------------------------------------

    def test_the_groups_sit_in_the_call_center_category_and_admins_manage(self):
        category = self.env.ref("pbx_callcenter.module_category_pbx_callcenter")
        for xmlid in ("pbx_callcenter_group_user", "pbx_callcenter_group_manager"):
            group = self.env.ref(f"pbx_callcenter.{xmlid}")
            with self.subTest(group=xmlid):
                if odoo_compat.GROUP_PRIVILEGES:  # 19: group -> privilege -> category
                    privilege = self.env.ref(
                        "pbx_callcenter.res_groups_privilege_pbx_callcenter")
                    self.assertEqual(group.privilege_id, privilege)
                    self.assertEqual(privilege.category_id, category)
                    self.assertEqual(privilege.name, "Call Center")
                else:
                    self.assertEqual(group.category_id, category)
        manager = self.env.ref("pbx_callcenter.pbx_callcenter_group_manager").with_context(
            active_test=False)  # user_root is archived
        admins = self.env.ref("base.user_root") | self.env.ref("base.user_admin")
        self.assertEqual(odoo_compat.group_users(manager) & admins, admins)
        self.assertIn(manager, odoo_compat.record_groups(self.env.ref("base.user_admin")))

    # ---- views ----------------------------------------------------------------------------

    def test_the_contact_card_and_list_dial_their_numbers_through_the_phone_widget(self):
        Partner = self.env["res.partner"]
        for view_type in ("kanban", "list" if odoo_compat.ODOO_MAJOR >= 18 else "tree"):
            with self.subTest(view=view_type):
                arch = Partner.get_views([(False, view_type)])["views"][view_type]["arch"]
                for field in odoo_compat.PHONE_FIELDS if view_type != "kanban" else ("phone",):
                    self.assertRegex(arch, rf'<field name="{field}"[^>]* widget="phone"')

    def test_the_views_of_other_versions_are_not_loaded(self):
        for xmlid, (first, last) in odoo_compat.VERSIONED_RECORDS.items():
            with self.subTest(view=xmlid):
                view = self.env.ref(xmlid, raise_if_not_found=False)
                self.assertEqual(bool(view), first <= odoo_compat.ODOO_MAJOR <= last)
