"""Every view and window action of the module loads, for the users who use it."""
from lxml import etree

from odoo.tests import TransactionCase, new_test_user, tagged

from .common import ODOO_MAJOR


def top_level_fields(arch):
    """Names of the fields of an arch's own model (not those of x2many sub-views)."""
    return {node.get("name") for node in etree.fromstring(arch).iter("field")
            if not any(parent.tag == "field" for parent in node.iterancestors())}


@tagged("post_install", "-at_install")
class TestViews(TransactionCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(cls.env, "pbx_view_manager",
                                    groups="base.group_user,pbx_callcenter.pbx_callcenter_group_manager")
        cls.salesperson = new_test_user(cls.env, "pbx_view_sales",
                                        groups="base.group_user,pbx_callcenter.pbx_callcenter_group_user")

    def module_views(self):
        data = self.env["ir.model.data"].search(
            [("module", "=", "pbx_callcenter"), ("model", "=", "ir.ui.view")])
        return self.env["ir.ui.view"].browse(data.mapped("res_id"))

    @staticmethod
    def view_type(view):
        return "list" if ODOO_MAJOR >= 18 and view.type == "tree" else view.type

    def test_the_main_views_exist_for_each_model(self):
        views = self.module_views().filtered(lambda v: v.mode == "primary")
        list_type = "list" if ODOO_MAJOR >= 18 else "tree"
        expected = {
            ("pbx.call", list_type), ("pbx.call", "form"), ("pbx.call", "pivot"),
            ("pbx.call", "graph"), ("pbx.call", "search"),
            ("pbx.connection", list_type), ("pbx.connection", "form"),
            ("pbx.extension", list_type), ("pbx.extension", "search"),
            ("pbx.call.event", list_type), ("pbx.call.event", "form"), ("pbx.call.event", "search"),
        }
        self.assertLessEqual(expected, {(v.model, v.type) for v in views})

    def test_every_primary_view_of_the_module_opens_for_a_manager(self):
        # As the web client does: load the view, then read the fields it shows (the access
        # rights of the model and of each field are checked even on an empty table).
        views = self.module_views().filtered(lambda v: v.mode == "primary")
        self.assertGreaterEqual(len(views), 12)
        for view in views:
            with self.subTest(view=view.xml_id or view.name):
                Model = self.env[view.model].with_user(self.manager)
                loaded = Model.get_views([(view.id, self.view_type(view))])["views"][self.view_type(view)]
                names = top_level_fields(loaded["arch"])
                self.assertTrue(names, "the manager sees the fields of the view")
                Model.search_read([], sorted(names), limit=1)  # AccessError if they may not

    def test_the_call_views_load_for_a_salesperson(self):
        list_type = "list" if ODOO_MAJOR >= 18 else "tree"
        result = self.env["pbx.call"].with_user(self.salesperson).get_views(
            [(False, list_type), (False, "form"), (False, "pivot"), (False, "graph"), (False, "search")])
        self.assertEqual(set(result["views"]), {list_type, "form", "pivot", "graph", "search"})

    def test_the_connection_form_loads_for_a_manager(self):
        result = self.env["pbx.connection"].with_user(self.manager).get_views([(False, "form")])
        described = result["models"]["pbx.connection"]
        self.assertIn("company_id", described.get("fields", described))  # 18 nests under "fields"

    def test_every_window_action_of_the_module_opens_its_views(self):
        data = self.env["ir.model.data"].search(
            [("module", "=", "pbx_callcenter"), ("model", "=", "ir.actions.act_window")])
        actions = self.env["ir.actions.act_window"].browse(data.mapped("res_id"))
        self.assertGreaterEqual(len(actions), 4)
        for action in actions:
            with self.subTest(action=action.xml_id):
                modes = [m.strip() for m in action.view_mode.split(",")]
                views = [(False, mode) for mode in modes] + [(False, "search")]
                result = self.env[action.res_model].with_user(self.manager).get_views(views)
                self.assertEqual(set(result["views"]), set(modes) | {"search"})

    def test_the_menus_are_visible_to_managers(self):
        root = self.env.ref("pbx_callcenter.pbx_callcenter_menu_root")
        menus = self.env["ir.ui.menu"].with_user(self.manager).search([("id", "child_of", root.id)])
        self.assertIn(self.env.ref("pbx_callcenter.pbx_call_event_menu"), menus)
        self.assertIn(self.env.ref("pbx_callcenter.pbx_connection_menu"), menus)

    def test_the_fields_of_every_module_model_are_described_to_who_may_see_them(self):
        # Administrators see every field; managers every one but the credentials (system only).
        admin = self.env.ref("base.user_admin")
        for model in ("pbx.call", "pbx.connection", "pbx.extension", "pbx.call.event"):
            every = set(self.env[model]._fields)
            system_only = {name for name, field in self.env[model]._fields.items()
                           if field.groups == "base.group_system"}
            for user, expected in ((admin, every), (self.manager, every - system_only)):
                with self.subTest(model=model, user=user.login):
                    description = self.env[model].with_user(user).fields_get(
                        attributes=["type", "string", "selection"])
                    self.assertEqual(set(description), expected)
