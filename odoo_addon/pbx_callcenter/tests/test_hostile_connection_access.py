"""Hostile roles (issue 9): a manager of another company acting on company A's connection or
exporting its phone book, a Call Center manager who is not an administrator setting admin-only
fields, and how much of a PBX's answer a user gets to read back.

Dials and imports talk over real HTTP to a local listener standing in for the PBX (fake_pbx.py).
"""
import json

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..lib import originate
from ..vendors.yeastar import protocol as yeastar
from ..vendors.zadarma import protocol as zadarma
from ..lib.text import has_control_chars
from .fake_pbx import FakePbx, routed
from .hostile_roles import HostileRolesCase

#: Public actions of pbx.connection (models/*.py) that must exist; the test runs every
#: action_* method the model has, these and any added later.
CONNECTION_ACTIONS = (
    "rotate_token", "action_generate_token", "action_enable", "action_disable",
    "action_disconnect", "action_view_calls", "action_download_threecx_template",
    "action_yeastar_recordings_through_odoo", "action_send_test_call",
)
#: What those actions could change or clear, read back as the superuser.
WATCHED = ("token_hash", "token_hint", "enabled", "webhook_secret", "allowed_ips",
           "recording_base_url", "originate_url", "originate_headers", "zadarma_api_key",
           "zadarma_api_secret", "yeastar_serial")
INTERNAL_URL = "http://127.0.0.1:9/admin?dump=all"
MARKER = "SECRET-END-OF-ANSWER-7f3a"
#: About 2 kB of an internal page: markup, control characters, the marker at its very end.
HOSTILE_ANSWER = (
    "<html><head><title>Router admin</title><script>steal(document.cookie)</script></head>"
    "<body>\x1b[2J\x00\x07<h1>Internal</h1><p>" + "lorem ipsum " * 160 + MARKER + "</p></body></html>"
)


def zadarma_routes(numbers=(301,)):
    """A Zadarma API listing `numbers`, each with an e-mail."""
    routes = {"/v1/pbx/internal/": (200, {"status": "success", "pbx_id": 7, "numbers": list(numbers)})}
    for number in numbers:
        routes[f"/v1/pbx/internal/{number}/info/"] = (
            200, {"status": "success", "number": number, "record_email": f"x{number}@example.com"})
    return routed(routes)


class HostileAccessCase(HostileRolesCase):

    def snapshot(self, connection):
        """The watched values and the extensions of `connection`, read from the database."""
        self.env.flush_all()
        self.env.invalidate_all()
        connection = connection.sudo()
        values = connection.read(list(WATCHED))[0]
        values["extension_ids"] = sorted(connection.extension_ids.ids)
        return values

    def ring(self, token, extension="101"):
        status, body = self.post("call_in", {"phone": "0989464344", "extension": extension,
                                             "callid": self.new_callid()}, token=token)
        return status, body

    def use_zadarma_api(self, connection, url):
        connection.sudo().write({"originate_url": url, "zadarma_api_key": "KEY-A",
                                 "zadarma_api_secret": "SECRET-A"})


# ---- 1. actions on another company's connection ------------------------------------------

@tagged("post_install", "-at_install")
class TestHostileCrossCompanyActions(HostileAccessCase):

    def test_a_manager_of_company_b_can_run_no_action_on_company_a_connection(self):
        self.connection.sudo().write({"webhook_secret": False, "allowed_ips": "127.0.0.0/8"})
        before = self.snapshot(self.connection)
        theirs = self.as_user(self.manager_b, self.connection)
        actions = {name for name in dir(theirs) if name.startswith("action_")} | {"rotate_token"}
        self.assertLessEqual(set(CONNECTION_ACTIONS), actions)
        for name in sorted(actions):
            with self.subTest(action=name), self.assertRaises(AccessError):
                getattr(theirs, name)()
        self.assertEqual(self.snapshot(self.connection), before, "nothing changed on A")
        status, body = self.ring(self.token)
        self.assertEqual(status, 200, f"A's token still works: {body}")
        # the 3CX template route looks the connection up as the user
        self.authenticate("pbx_manager_b", "pbx_manager_b")
        with mute_logger("odoo.http"):
            response = self.url_open(f"/pbx_callcenter/3cx/template/{self.connection.id}")
        self.assertNotEqual(response.status_code, 200)
        self.assertNotIn("<Crm", response.text)

    def test_a_manager_of_company_b_cannot_import_or_add_extensions_on_company_a(self):
        connection = self.kind_connections["zadarma"]
        Binding = self.as_user(self.manager_b, "pbx.extension.binding")
        with FakePbx(zadarma_routes()) as pbx:
            self.use_zadarma_api(connection, pbx.url)
            before = self.snapshot(connection)
            calls = {
                "import_extensions": lambda: Binding.import_extensions(connection.id),
                "add_extensions": lambda: Binding.add_extensions(connection.id, ["150"]),
                "auto_bind": lambda: Binding.auto_bind(connection.id),
            }
            for name, call in calls.items():
                with self.subTest(method=name), self.assertRaises(AccessError):
                    call()
            self.assertEqual(pbx.received, [], "A's PBX API was never called with A's credentials")
        self.assertEqual(self.snapshot(connection), before)
        with self.assertRaisesRegex(UserError, "Unknown PBX connection id"):
            Binding.import_extensions(987654321)

    def test_the_manager_of_company_a_can_still_run_every_action(self):
        mine = self.as_user(self.manager, self.connection)
        self.assertEqual(mine.action_view_calls()["domain"], [("connection_id", "=", self.connection.id)])
        self.assertEqual(mine.action_download_threecx_template()["type"], "ir.actions.act_url")
        mine.action_yeastar_recordings_through_odoo()
        self.assertIn(f"/pbx_callcenter/yeastar/{self.connection.id}/recording/",
                      self.connection.recording_base_url)
        mine.action_disable()
        self.assertFalse(self.connection.enabled)
        mine.action_enable()
        self.assertTrue(self.connection.enabled)
        self.assertIn("pbx_", mine.action_generate_token()["params"]["message"])
        token = mine.rotate_token()
        self.assertEqual(self.ring(self.token)[0], 401, "the old token is gone")
        self.assertEqual(self.ring(token)[0], 200)
        mine.action_disconnect()
        self.assertFalse(self.connection.sudo().token_hash)
        self.assertFalse(self.connection.extension_ids)
        connection = self.kind_connections["zadarma"]
        with FakePbx(zadarma_routes((301, 302))) as pbx:
            self.use_zadarma_api(connection, pbx.url)
            result = self.as_user(self.manager, "pbx.extension.binding").import_extensions(connection.id)
        self.assertEqual(result["created"], ["301", "302"])


# ---- 2. phone book of another company ----------------------------------------------------

@tagged("post_install", "-at_install")
class TestHostilePhonebookExport(HostileAccessCase):

    def setUp(self):
        super().setUp()
        self.make_partner("Secret Customer of A", phone="0912345678", company_id=self.company.id)
        self.Wizard = self.env["pbx.phonebook.export"].sudo()

    def exported(self):
        """Wizards and attachments holding company A's phone book."""
        self.env.flush_all()
        wizards = self.Wizard.search([("connection_id", "=", self.connection.id)])
        attachments = self.env["ir.attachment"].sudo().search(
            [("name", "=like", f"phonebook-{self.connection.id}.%")])
        return wizards | self.Wizard, attachments

    def test_a_manager_of_company_b_cannot_export_company_a_phone_book(self):
        Wizard = self.as_user(self.manager_b, "pbx.phonebook.export")
        with self.assertRaises(AccessError):
            Wizard.create({"connection_id": self.connection.id, "file_format": "json"})
        with self.assertRaises(AccessError):
            Wizard.with_context(default_connection_id=self.connection.id).create({"file_format": "csv"})
        own = Wizard.create({"connection_id": self.connection_b.id})
        with self.assertRaises(AccessError):
            own.write({"connection_id": self.connection.id})
        # a wizard that reached A's connection some other way is still refused at the action
        own.sudo().connection_id = self.connection
        with self.assertRaises(AccessError):
            own.action_export()
        wizards, attachments = self.exported()
        self.assertEqual(wizards, own.sudo())
        self.assertFalse(attachments, "no phone book of A was written")

    def test_the_manager_of_company_a_exports_from_the_connection_button(self):
        Wizard = self.as_user(self.manager, "pbx.phonebook.export")
        wizard = Wizard.with_context(default_connection_id=self.connection.id).create({"file_format": "json"})
        wizard.action_export()
        entries = json.loads(wizard.attachment_id.raw)["entries"]
        self.assertIn("Secret Customer of A", [entry["name"] for entry in entries])


# ---- 5. admin-only fields, and what a PBX's answer may show -------------------------------

@tagged("post_install", "-at_install")
class TestHostileAdminOnlyFields(HostileAccessCase):

    ADMIN_VALUES = {
        "originate_method": "generic_http", "originate_url": INTERNAL_URL,
        "originate_headers": "X-Internal: yes", "webhook_secret": "manager-chosen",
        "allowed_ips": "0.0.0.0/0", "zadarma_api_secret": "S", "yeastar_client_secret": "S",
    }

    def count(self):
        self.env.flush_all()
        return self.env["pbx.connection"].sudo().with_context(active_test=False).search_count([])

    def test_the_admin_only_fields_are_those_of_the_settings_group(self):
        restricted = {name for name, field in self.env["pbx.connection"]._fields.items()
                      if field.groups == "base.group_system"}
        self.assertLessEqual(set(self.ADMIN_VALUES), restricted)
        denied = self.as_user(self.manager, self.connection)._fields_denied()
        self.assertEqual(denied, restricted)
        self.assertFalse(self.as_user(self.admin, self.connection)._fields_denied())

    def test_a_manager_cannot_set_admin_only_fields_by_any_path(self):
        Connection = self.as_user(self.manager, "pbx.connection")
        base = {"name": "Manager's PBX", "company_id": self.company.id}
        count = self.count()
        before = self.snapshot(self.connection)
        mine = self.as_user(self.manager, self.connection)
        paths = {
            "provision": lambda n, v: Connection.provision(dict(base, **{n: v})),
            "create": lambda n, v: Connection.create(dict(base, **{n: v})),
            "default_* create": lambda n, v: Connection.with_context(**{f"default_{n}": v}).create(base),
            "default_* provision": lambda n, v: Connection.with_context(**{f"default_{n}": v}).provision(base),
            "copy": lambda n, v: mine.copy({n: v}),
            "write": lambda n, v: mine.write({n: v}),
        }
        for path, attempt in paths.items():
            for name, value in self.ADMIN_VALUES.items():
                with self.subTest(path=path, field=name):
                    with self.assertRaises(AccessError) as caught:
                        attempt(name, value)
                    self.assertIn(name, str(caught.exception), "the error names the field")
        # the import (base_import's load) reports the refusal instead of raising
        result = Connection.load(["name", "originate_url"], [["Imported PBX", INTERNAL_URL]])
        self.assertFalse(result["ids"], result)
        self.assertIn("originate_url", str(result["messages"]))
        self.assertEqual(self.count(), count, "no connection was created")
        self.assertEqual(self.snapshot(self.connection), before)

    def test_personal_defaults_and_duplicates_do_not_carry_admin_only_values(self):
        IrDefault = self.as_user(self.manager, "ir.default")
        IrDefault.set("pbx.connection", "originate_url", INTERNAL_URL, user_id=True)
        IrDefault.set("pbx.connection", "originate_method", "generic_http", user_id=True)
        created = self.as_user(self.manager, "pbx.connection").create(
            {"name": "Defaults PBX", "company_id": self.company.id}).sudo()
        self.assertEqual((created.originate_url, created.originate_method), (False, "link"))
        self.connection.sudo().write({"originate_method": "generic_http", "allowed_ips": "10.0.0.0/8",
                                      "originate_url": "https://pbx.example.com/dial"})
        duplicate = self.as_user(self.manager, self.connection).copy().sudo()
        self.assertEqual((duplicate.originate_method, duplicate.originate_url, duplicate.allowed_ips),
                         ("link", False, False), "a manager's duplicate leaves admin settings empty")
        self.assertEqual(duplicate.country_id, self.connection.country_id)

    def test_an_admin_still_sets_admin_only_fields_on_every_path(self):
        Connection = self.as_user(self.admin, "pbx.connection")
        values = dict(self.ADMIN_VALUES, allowed_ips="10.0.0.0/8")
        result = Connection.provision(dict(values, name="Admin PBX", company_id=self.company.id))
        provisioned = Connection.browse(result["id"]).sudo()
        self.assertEqual(provisioned.read(list(values))[0] | {"id": provisioned.id},
                         dict(values, id=provisioned.id))
        by_default = Connection.with_context(default_originate_url=INTERNAL_URL).create(
            {"name": "Admin default", "company_id": self.company.id})
        self.assertEqual(by_default.originate_url, INTERNAL_URL)
        duplicate = Connection.browse(provisioned.id).copy({"originate_headers": "X-Copy: 1"})
        self.assertEqual((duplicate.originate_url, duplicate.originate_headers, duplicate.allowed_ips),
                         (INTERNAL_URL, "X-Copy: 1", "10.0.0.0/8"))
        self.as_user(self.admin, self.connection).write({"originate_url": "https://pbx.example.com/d"})
        self.assertEqual(self.connection.sudo().originate_url, "https://pbx.example.com/d")

    # ---- the PBX's answer --------------------------------------------------------------

    def assertShortExcerpt(self, message):
        self.assertTrue(message)
        self.assertNotIn(MARKER, message)
        self.assertNotIn("lorem ipsum " * 20, message)
        for markup in ("<", ">", "script", "&lt;"):
            self.assertNotIn(markup, message, "markup is stripped")
        self.assertFalse(has_control_chars(message), repr(message))
        self.assertLessEqual(len(message), originate.MAX_QUOTED + 100, message)

    def dial_over_http(self):
        """pbx_dial as the salesperson through the web client's JSON-RPC."""
        self.env.flush_all()
        self.authenticate("pbx_sales", "pbx_sales")
        return self.make_jsonrpc_request("/web/dataset/call_kw/res.users/pbx_dial", {
            "model": "res.users", "method": "pbx_dial", "args": ["0989464344"], "kwargs": {}})

    def test_a_dial_error_shows_only_a_short_sanitised_excerpt_of_the_pbx_answer(self):
        body = HOSTILE_ANSWER.encode()
        self.assertGreater(len(body), 2000)
        cases = {
            "generic_http": ({"originate_url": "{url}/originate", "originate_body": '{"to": "{number}"}'},
                             routed({"/originate": (500, body)})),
            "zadarma": ({"originate_url": "{url}", "zadarma_api_key": "K", "zadarma_api_secret": "S"},
                        routed({zadarma.ZADARMA_CALLBACK: (200, {"status": "error",
                                                                 "message": HOSTILE_ANSWER})})),
            "yeastar": ({"originate_url": "{url}", "yeastar_client_id": "C", "yeastar_client_secret": "S"},
                        routed({f"{yeastar.YEASTAR_API}/get_token": (
                            200, {"errcode": 10004, "errmsg": HOSTILE_ANSWER})})),
        }
        for method, (settings, answer) in cases.items():
            with self.subTest(method=method), FakePbx(answer) as pbx:
                self.connection.sudo().write(dict(
                    {key: value.replace("{url}", pbx.url) for key, value in settings.items()},
                    originate_method=method))
                result = self.dial_over_http()
                self.assertTrue(pbx.received, "the PBX was asked")
                self.assertEqual((result["status"], result["code"]), ("error", "refused"), result)
                self.assertShortExcerpt(result["message"])

    def test_an_import_error_shows_only_a_short_sanitised_excerpt_of_the_pbx_answer(self):
        connection = self.kind_connections["zadarma"]
        answer = routed({"/v1/pbx/internal/": (401, {"status": "error", "message": HOSTILE_ANSWER})})
        with FakePbx(answer) as pbx:
            self.use_zadarma_api(connection, pbx.url)
            with self.assertRaises(UserError) as caught:
                self.as_user(self.admin, "pbx.extension.binding").import_extensions(connection.id)
        self.assertShortExcerpt(str(caught.exception))
