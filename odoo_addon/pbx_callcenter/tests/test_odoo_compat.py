"""What must hold on every supported Odoo (17.0, 18.0, 19.0) whatever its API: the database
constraints idempotency relies on, the security groups, the version-specific views."""
import importlib
import json
import xmlrpc.client

import psycopg2
import werkzeug.wrappers

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger

from ..models import odoo_compat
from .common import MANAGER_GROUPS, SALESPERSON_GROUPS

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


@tagged("post_install", "-at_install")
class TestCompatShims(TransactionCase):
    """One test per shim of models/odoo_compat.py, each asserting what the shim means on every
    version (a shim answering with another version's API fails here)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.other_company = cls.env["res.company"].create({"name": "Compat Other Co"})
        context = {"no_reset_password": True, "mail_create_nosubscribe": True}
        cls.salesperson = new_test_user(
            cls.env, "compat_sales", groups="base.group_user," + SALESPERSON_GROUPS, context=context,
            company_id=cls.company.id, company_ids=[(6, 0, cls.company.ids)])
        cls.manager = new_test_user(
            cls.env, "compat_manager", groups="base.group_user," + MANAGER_GROUPS, context=context,
            company_id=cls.company.id, company_ids=[(6, 0, cls.company.ids)])
        cls.own = cls.env["pbx.connection"].create({"name": "Compat own", "company_id": cls.company.id})
        cls.foreign = cls.env["pbx.connection"].create(
            {"name": "Compat foreign", "company_id": cls.other_company.id})

    def test_in_test_mode_is_false_where_new_cursors_are_real(self):
        # a TransactionCase leaves the registry's cursors alone (an HttpCase: below)
        self.assertFalse(_opens_a_test_cursor(self.env.registry))
        self.assertIs(odoo_compat.in_test_mode(self.env.registry), False)

    def test_check_access_applies_access_rights_and_record_rules(self):
        as_manager = (self.own | self.foreign).with_user(self.manager)
        odoo_compat.check_access(as_manager.filtered(lambda c: c == self.own), "write")  # allowed
        with self.assertRaises(AccessError):  # record rule: another company
            odoo_compat.check_access(self.foreign.with_user(self.manager), "read")
        with self.assertRaises(AccessError):  # access right: salespeople do not write connections
            odoo_compat.check_access(self.own.with_user(self.salesperson), "write")

    def test_may_access_reads_the_access_rights_only(self):
        Connection = self.env["pbx.connection"]
        self.assertIs(bool(odoo_compat.may_access(Connection.with_user(self.manager), "create")), True)
        self.assertIs(bool(odoo_compat.may_access(Connection.with_user(self.salesperson), "create")), False)
        self.assertIs(bool(odoo_compat.may_access(self.env["pbx.call"].with_user(self.salesperson), "read")),
                      True)

    def test_filtered_access_keeps_what_the_user_may_see(self):
        both = (self.own | self.foreign)
        self.assertEqual(odoo_compat.filtered_access(both.with_user(self.manager), "read"), self.own)
        self.assertEqual(odoo_compat.filtered_access(both, "read"), both)  # superuser
        nobody = self.env["pbx.connection"].with_user(self.salesperson).browse(both.ids)
        self.assertFalse(odoo_compat.filtered_access(nobody, "unlink"))

    def test_user_in_groups_reads_a_field_groups_string(self):
        as_sales = self.env(user=self.salesperson)
        self.assertTrue(odoo_compat.user_in_groups(as_sales, "base.group_system,base.group_user"))
        self.assertFalse(odoo_compat.user_in_groups(as_sales, "base.group_system"))
        self.assertTrue(odoo_compat.user_in_groups(self.env(user=self.manager),
                                                   "pbx_callcenter.pbx_callcenter_group_manager"))

    def test_mobile_is_the_second_number_before_19_and_none_on_19(self):
        values = {"name": "Compat mobile", "phone": "0989464344"}
        if "mobile" in odoo_compat.PHONE_FIELDS:
            values["mobile"] = "0901112222"
        partner = self.env["res.partner"].create(values)
        expected = "0901112222" if odoo_compat.ODOO_MAJOR < 19 else False
        self.assertEqual(odoo_compat.mobile(partner), expected)
        self.assertEqual("mobile" in partner._fields, odoo_compat.ODOO_MAJOR < 19)

    def test_group_users_and_record_groups_follow_the_fields_of_the_version(self):
        group = self.env.ref("pbx_callcenter.pbx_callcenter_group_manager")
        self.assertIn(self.manager, odoo_compat.group_users(group))
        self.assertNotIn(self.salesperson, odoo_compat.group_users(group))
        self.assertIn(group, odoo_compat.record_groups(self.manager))
        self.assertNotIn(group, odoo_compat.record_groups(self.salesperson))

    def test_an_rpc_answer_is_a_plain_dict_to_python_and_json(self):
        answer = odoo_compat.RpcAnswer({"status": "ok", "code": None, "choices": [{"label": None}]})
        self.assertEqual(answer, {"status": "ok", "code": None, "choices": [{"label": None}]})
        self.assertEqual(json.loads(json.dumps(answer))["code"], None)

    def test_an_rpc_answer_goes_over_xmlrpc_with_false_for_none(self):
        marshaller = importlib.import_module(next(
            path for path in odoo_compat.XMLRPC_MODULES if _importable(path))).OdooMarshaller
        dumped = marshaller(allow_none=False).dumps((odoo_compat.RpcAnswer(
            {"code": None, "choices": [{"label": None}], "n": 1}),))
        self.assertEqual(xmlrpc.client.loads(dumped)[0][0],
                         {"code": False, "choices": [{"label": False}], "n": 1})
        with self.assertRaises(TypeError):  # Odoo's own rule for any other dict stays
            marshaller(allow_none=False).dumps(({"code": None},))

    def test_the_werkzeug_request_is_where_the_body_stream_lives(self):
        from werkzeug.test import EnvironBuilder
        from odoo.http import HTTPRequest
        environ = EnvironBuilder(method="POST", data=b"x" * 10).get_environ()
        httprequest = HTTPRequest(environ)
        wrapped = odoo_compat.werkzeug_request(httprequest)
        self.assertIsInstance(wrapped, werkzeug.wrappers.Request)
        self.assertEqual(wrapped.stream.read(), b"x" * 10)


@tagged("post_install", "-at_install")
class TestCompatShimsHttp(HttpCase):
    def test_in_test_mode_is_true_where_new_cursors_are_the_tests(self):
        self.assertTrue(_opens_a_test_cursor(self.env.registry))
        self.assertIs(odoo_compat.in_test_mode(self.env.registry), True)


def _opens_a_test_cursor(registry):
    with registry.cursor() as cr:
        return type(cr).__name__ == "TestCursor"  # odoo.sql_db to 18, odoo.tests.test_cursor on 19


def _importable(path):
    try:
        importlib.import_module(path)
    except ImportError:
        return False
    return True
