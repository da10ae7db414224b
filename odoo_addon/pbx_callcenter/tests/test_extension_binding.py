"""The extension binding screen's server side (pbx.extension.binding) and the recording link.

Imports talk to a real HTTP listener on 127.0.0.1 standing in for the PBX's API.
"""
import socket

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged

from ..vendors.zadarma import protocol as zadarma
from ..models import odoo_compat
from .common import SettledBrowserCase
from .contract_schema import problems
from .fake_pbx import FakePbx, routed

MANAGER_GROUPS = "base.group_user,pbx_callcenter.pbx_callcenter_group_manager"
USER_CTX = {"no_reset_password": True, "mail_create_nosubscribe": True}


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@tagged("post_install", "-at_install")
class TestExtensionBinding(TransactionCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.Binding = env["pbx.extension.binding"]
        cls.manager = new_test_user(
            env, "pbx_bind_manager", groups=MANAGER_GROUPS, context=USER_CTX,
            name="Mona Binder", email="mona@example.com",
        )
        cls.salesperson = new_test_user(
            env, "pbx_bind_sales", context=USER_CTX, name="Sally Binder",
            groups="base.group_user,pbx_callcenter.pbx_callcenter_group_user",
            email="Sally.Sales@Example.com",
        )
        cls.portal = new_test_user(
            env, "pbx_bind_portal", groups="base.group_portal", context=USER_CTX,
            name="Pat Portal", email="pat.portal@example.com",
        )
        cls.archived = new_test_user(
            env, "pbx_bind_archived", context=USER_CTX, name="Archie Archived",
            email="archie@example.com",
        )
        cls.archived.active = False
        cls.colleague = new_test_user(
            env, "pbx_bind_colleague", context=USER_CTX, name="Cole Colleague",
            email="cole@example.com",
        )
        cls.public = env.ref("base.public_user")
        Connection = env["pbx.connection"]
        cls.office = Connection.create({"name": "Office PBX", "kind": "generic"})
        cls.cloud = Connection.create({"name": "Cloud PBX", "kind": "zadarma"})
        Extension = env["pbx.extension"]
        cls.ext101 = Extension.create({"connection_id": cls.office.id, "name": "101",
                                       "email": "SALLY.sales@example.com"})
        cls.ext102 = Extension.create({"connection_id": cls.office.id, "name": "102",
                                       "email": "PAT.Portal@example.com"})
        cls.ext103 = Extension.create({"connection_id": cls.office.id, "name": "103",
                                       "user_id": cls.manager.id, "is_default": True,
                                       "email": "mona@example.com"})
        cls.ext201 = Extension.create({"connection_id": cls.cloud.id, "name": "201"})

    def as_manager(self):
        return self.Binding.with_user(self.manager)

    def _user(self, data, user):
        return next(row for row in data["users"] if row["id"] == user.id)

    # ---- get_binding_data ----------------------------------------------------------

    def test_data_lists_active_internal_users_only_with_email_and_bindings(self):
        data = self.as_manager().get_binding_data()
        self.assertEqual(problems("binding_data", data), [])
        listed = {row["id"] for row in data["users"]}
        self.assertNotIn(self.public.id, listed, "the public user cannot hold an extension")
        self.assertNotIn(self.portal.id, listed, "portal users cannot hold an extension")
        self.assertNotIn(self.archived.id, listed, "archived users are not listed")
        self.assertEqual({row["kind"] for row in data["users"]}, {"internal"})
        self.assertEqual(self._user(data, self.colleague)["email"], "cole@example.com")
        self.assertEqual(self._user(data, self.colleague)["login"], "pbx_bind_colleague")
        names = [row["name"].lower() for row in data["users"]]
        self.assertEqual(names, sorted(names), "by name")
        self.assertEqual(self._user(data, self.manager)["bindings"], {str(self.office.id): self.ext103.id})
        self.assertEqual(self._user(data, self.salesperson)["bindings"], {})

    def test_data_has_the_extensions_of_each_connection(self):
        data = self.as_manager().get_binding_data()
        connections = {row["id"]: row for row in data["connections"]}
        self.assertEqual(connections[self.office.id]["can_import"], False)
        self.assertEqual(connections[self.cloud.id]["can_import"], True)
        self.assertEqual(connections[self.cloud.id]["kind"], "zadarma")
        office = data["extensions"][str(self.office.id)]
        self.assertEqual([row["name"] for row in office], ["101", "102", "103"])
        self.assertEqual(office[2], {"id": self.ext103.id, "name": "103",
                                     "email": "mona@example.com", "user_id": self.manager.id})
        self.assertEqual(office[0]["user_id"], None)

    def test_data_shows_the_default_extension_of_a_user_holding_two(self):
        self.ext101.write({"user_id": self.manager.id})
        data = self.as_manager().get_binding_data()
        self.assertEqual(problems("binding_data", data), [])
        self.assertEqual(self._user(data, self.manager)["bindings"][str(self.office.id)], self.ext103.id)

    # ---- managers only ---------------------------------------------------------------

    def test_every_method_is_for_managers_only(self):
        calls = {
            "get_binding_data": lambda b: b.get_binding_data(),
            "auto_bind": lambda b: b.auto_bind(self.office.id),
            "save_bindings": lambda b: b.save_bindings([]),
            "add_extensions": lambda b: b.add_extensions(self.office.id, ["150"]),
            "import_extensions": lambda b: b.import_extensions(self.cloud.id),
        }
        for user in (self.salesperson, self.portal):
            for name, call in calls.items():
                with self.subTest(user=user.login, method=name), self.assertRaises(AccessError):
                    call(self.Binding.with_user(user))
        self.assertFalse(self.env["pbx.extension"].search([("name", "=", "150")]))

    # ---- save_bindings ---------------------------------------------------------------

    def test_save_binds_and_releases_and_returns_fresh_data(self):
        result = self.as_manager().save_bindings([
            {"extension_id": self.ext101.id, "user_id": self.salesperson.id, "previous_user_id": None},
            {"extension_id": self.ext102.id, "user_id": self.colleague.id},
            {"extension_id": self.ext201.id, "user_id": self.colleague.id},
            {"extension_id": self.ext103.id, "user_id": None, "previous_user_id": self.manager.id},
        ])
        self.assertEqual(problems("binding_save", result), [])
        self.assertEqual(result["changed"], 4)
        self.assertEqual(self.ext101.user_id, self.salesperson)
        self.assertEqual(self.ext102.user_id, self.colleague)
        self.assertEqual(self.ext201.user_id, self.colleague)
        self.assertFalse(self.ext103.user_id)
        self.assertFalse(self.ext103.is_default, "a released extension is nobody's default")
        self.assertTrue(self.ext101.is_default, "a user's first extension becomes their default")
        self.assertEqual(self._user(result["data"], self.salesperson)["bindings"],
                         {str(self.office.id): self.ext101.id})

    def test_public_portal_and_archived_users_cannot_be_bound(self):
        # assertRaises (not ...Regex) rolls its block back to a savepoint
        for user in (self.public, self.portal, self.archived):
            with self.subTest(user=user.login):
                with self.assertRaises(UserError) as caught:
                    self.as_manager().save_bindings([
                        {"extension_id": self.ext101.id, "user_id": self.salesperson.id},
                        {"extension_id": self.ext102.id, "user_id": user.id},
                    ])
                self.assertIn("Only active internal users", str(caught.exception))
                # nor by any other path: the extension itself refuses them
                with self.assertRaises(ValidationError) as caught:
                    self.ext102.with_user(self.manager).write({"user_id": user.id})
                self.assertIn("only active internal users", str(caught.exception))
                with self.assertRaises(ValidationError) as caught:
                    self.env["pbx.extension"].create({"connection_id": self.cloud.id,
                                                      "name": "299", "user_id": user.id})
                self.assertIn("only active internal users", str(caught.exception))
                self.env.invalidate_all()
        self.assertFalse(self.ext101.user_id, "nothing of a refused batch is written")
        self.assertFalse(self.ext102.user_id)

    def test_a_second_extension_is_not_made_default(self):
        self.as_manager().save_bindings([
            {"extension_id": self.ext201.id, "user_id": self.manager.id},
        ])
        self.assertEqual(self.ext201.user_id, self.manager)
        self.assertFalse(self.ext201.is_default)
        self.assertTrue(self.ext103.is_default)

    def test_moving_a_default_extension_promotes_the_old_owners_next_one(self):
        self.ext201.user_id = self.manager
        self.as_manager().save_bindings([
            {"extension_id": self.ext103.id, "user_id": self.salesperson.id,
             "previous_user_id": self.manager.id},
        ])
        self.assertEqual(self.ext103.user_id, self.salesperson)
        self.assertTrue(self.ext103.is_default)
        self.assertTrue(self.ext201.is_default, "the manager keeps a default extension")

    def test_an_extension_already_bound_is_not_bound_twice(self):
        binder = self.as_manager()
        with self.assertRaisesRegex(UserError, "already bound to Mona Binder"):
            binder.save_bindings([{"extension_id": self.ext103.id, "user_id": self.salesperson.id}])
        with self.assertRaisesRegex(UserError, "changed meanwhile"):
            binder.save_bindings([{"extension_id": self.ext103.id, "user_id": self.salesperson.id,
                                   "previous_user_id": None}])
        with self.assertRaisesRegex(UserError, "appears twice"):
            binder.save_bindings([
                {"extension_id": self.ext101.id, "user_id": self.salesperson.id},
                {"extension_id": self.ext101.id, "user_id": self.portal.id},
            ])
        self.assertEqual(self.ext103.user_id, self.manager)
        self.assertFalse(self.ext101.user_id)

    def test_unknown_ids_are_named_in_the_error(self):
        binder = self.as_manager()
        with self.assertRaisesRegex(UserError, r"Unknown extension id\(s\): 999999"):
            binder.save_bindings([{"extension_id": 999999, "user_id": self.salesperson.id}])
        with self.assertRaisesRegex(UserError, r"Unknown user id\(s\): 999998"):
            binder.save_bindings([{"extension_id": self.ext101.id, "user_id": 999998}])
        with self.assertRaisesRegex(UserError, "positive integer"):
            binder.save_bindings([{"extension_id": "101", "user_id": self.salesperson.id}])
        with self.assertRaisesRegex(UserError, "Unknown PBX connection id"):
            binder.auto_bind(999997)

    def test_save_is_all_or_nothing(self):
        # no assertRaises here: its savepoint would hide a half-written batch
        failed = False
        try:
            self.as_manager().save_bindings([
                {"extension_id": self.ext101.id, "user_id": self.salesperson.id},
                {"extension_id": self.ext102.id, "user_id": self.colleague.id},
                {"extension_id": self.ext103.id, "user_id": self.colleague.id},  # bound to Mona
            ])
        except UserError:
            failed = True
        self.assertTrue(failed)
        self.env.invalidate_all()
        self.assertFalse(self.ext101.user_id)
        self.assertFalse(self.ext102.user_id)
        self.assertEqual(self.ext103.user_id, self.manager)

    # ---- auto_bind -------------------------------------------------------------------

    def test_auto_bind_proposes_pairs_sharing_an_email_without_saving(self):
        result = self.as_manager().auto_bind(self.office.id)
        self.assertEqual(problems("binding_auto_bind", result), [])
        self.assertEqual(result["connection_id"], self.office.id)
        self.assertEqual(result["pairs"], [
            {"user_id": self.salesperson.id, "user_name": "Sally Binder",
             "extension_id": self.ext101.id, "extension_name": "101",
             "email": "sally.sales@example.com"},
        ], "102 shares Pat's address, but a portal user cannot hold an extension")
        self.assertFalse(self.ext101.user_id, "auto-bind only proposes")
        self.assertFalse(self.ext102.user_id)
        self.as_manager().save_bindings([
            {"extension_id": pair["extension_id"], "user_id": pair["user_id"], "previous_user_id": None}
            for pair in result["pairs"]
        ])
        self.assertEqual(self.ext101.user_id, self.salesperson)
        self.assertFalse(self.ext102.user_id)

    def test_auto_bind_skips_bound_users_and_ambiguous_addresses(self):
        self.ext102.user_id = self.colleague  # Cole already has an extension here
        self.env["pbx.extension"].create({"connection_id": self.office.id, "name": "104",
                                          "email": "cole@example.com"})
        new_test_user(self.env, "pbx_bind_twin", context=USER_CTX, name="Sally Twin",
                      email="sally.sales@example.com")
        result = self.as_manager().auto_bind(self.office.id)
        self.assertEqual(result["pairs"], [])
        self.assertEqual(result["ambiguous"], ["sally.sales@example.com"])

    # ---- add_extensions --------------------------------------------------------------

    def test_add_extensions_by_hand_and_csv_paste(self):
        result = self.as_manager().add_extensions(
            self.office.id, ["110", "111, Zoe@Example.com", {"number": "101"}, ""]
        )
        self.assertEqual(problems("binding_add", result), [])
        self.assertEqual(result["created"], ["110", "111"])
        self.assertEqual(result["unchanged"], ["101"])
        created = self.env["pbx.extension"].search([("connection_id", "=", self.office.id),
                                                    ("name", "in", ["110", "111"])])
        self.assertEqual(created.mapped("email"), [False, "zoe@example.com"])
        names = [row["name"] for row in result["data"]["extensions"][str(self.office.id)]]
        self.assertIn("111", names)

    def test_add_extensions_refuses_bad_numbers_and_creates_none(self):
        with self.assertRaisesRegex(UserError, "contains spaces"):
            self.as_manager().add_extensions(self.office.id, ["120", "12 1"])
        with self.assertRaisesRegex(UserError, "at least one"):
            self.as_manager().add_extensions(self.office.id, [" "])
        self.assertFalse(self.env["pbx.extension"].search([("name", "=", "120")]))

    # ---- import_extensions -------------------------------------------------------------

    def _configure(self, connection, kind, url, key="api-key", secret="api-secret"):
        """The connection's click-to-dial API settings (models/pbx_originate.py)."""
        credentials = {
            "zadarma": ("zadarma_api_key", "zadarma_api_secret"),
            "yeastar": ("yeastar_client_id", "yeastar_client_secret"),
        }[kind]
        connection.sudo().write({
            "kind": kind, "originate_url": url, credentials[0]: key, credentials[1]: secret,
        })

    def test_import_from_zadarma_api(self):
        routes = {
            "/v1/pbx/internal/": (200, {"status": "success", "pbx_id": 1234, "numbers": [201, 202, 203]}),
            "/v1/pbx/internal/201/info/": (200, {"status": "success", "number": 201, "name": "Ann",
                                                 "record_email": "Ann@Example.com"}),
            "/v1/pbx/internal/202/info/": (200, {"status": "success", "number": 202, "name": "Bob",
                                                 "record_email": "bob@example.com"}),
            "/v1/pbx/internal/203/info/": (429, {"status": "error", "message": "Too many requests"}),
        }
        with FakePbx(routed(routes)) as pbx:
            self._configure(self.cloud, "zadarma", pbx.url + "/")
            result = self.as_manager().import_extensions(self.cloud.id)
        self.assertEqual(problems("binding_import", result), [])
        self.assertEqual([request.path for request in pbx.received], [
            "/v1/pbx/internal/", "/v1/pbx/internal/201/info/",
            "/v1/pbx/internal/202/info/", "/v1/pbx/internal/203/info/"])
        for request in pbx.received:
            # format=json is sent and signed, as Zadarma's own clients do (user-api-v1 Client::call)
            self.assertEqual(request.query, {"format": "json"})
            self.assertEqual(request.headers["authorization"], zadarma.zadarma_authorization(
                request.path, request.query, "api-key", "api-secret"))
        self.assertEqual(result["fetched"], 3)
        self.assertEqual(result["created"], ["202", "203"])
        self.assertEqual(result["updated"], ["201"], "the PBX's e-mail fills ours")
        extensions = self.cloud.extension_ids.sorted("name")
        self.assertEqual(extensions.mapped("name"), ["201", "202", "203"])
        self.assertEqual(extensions.mapped("email"), ["ann@example.com", "bob@example.com", False])

    def test_import_from_yeastar_api_reads_every_page(self):
        def page(rows, total=3):
            return {"errcode": 0, "errmsg": "SUCCESS", "total_number": total, "data": rows}
        pages = [page([{"id": 1, "number": "1000", "email_addr": "sally.sales@example.com"},
                       {"id": 2, "number": "1001", "email_addr": ""}]),
                 page([{"id": 3, "number": "1002", "email_addr": "x@example.com"}])]
        routes = {
            "/openapi/v1.0/get_token": (200, {
                "errcode": 0, "errmsg": "SUCCESS", "access_token": "tok1",
                "access_token_expire_time": 1800, "refresh_token": "ref1",
                "refresh_token_expire_time": 86400,
            }),
            "/openapi/v1.0/extension/list": lambda query: (200, pages[int(query["page"]) - 1]),
        }
        with FakePbx(routed(routes)) as pbx:
            self._configure(self.office, "yeastar", pbx.url, "client-id", "client-secret")
            result = self.as_manager().import_extensions(self.office.id)
        self.assertEqual(problems("binding_import", result), [])
        token_request, first, second = pbx.received
        self.assertEqual(token_request.method, "POST")
        self.assertEqual(token_request.json(), {"username": "client-id", "password": "client-secret"})
        self.assertEqual(first.query["access_token"], "tok1")
        self.assertEqual((first.query["page"], second.query["page"]), ("1", "2"))
        self.assertEqual(first.headers["user-agent"], "OpenAPI")
        self.assertEqual(result["created"], ["1000", "1001", "1002"])
        auto = self.as_manager().auto_bind(self.office.id)
        self.assertEqual(auto["ambiguous"], ["sally.sales@example.com"],
                         "the imported 1000 shares Sally's address with 101: neither is proposed")

    def test_import_errors_are_clear_and_write_nothing(self):
        with self.assertRaisesRegex(UserError, "has no extension API"):
            self.as_manager().import_extensions(self.office.id)
        self._configure(self.cloud, "zadarma", f"http://127.0.0.1:{_free_port()}")
        with self.assertRaisesRegex(UserError, "Cloud PBX did not answer in time"):
            self.as_manager().import_extensions(self.cloud.id)
        routes = {"/v1/pbx/internal/": (401, {"status": "error", "message": "Not authorized"})}
        with FakePbx(routed(routes)) as pbx:
            self._configure(self.cloud, "zadarma", pbx.url)
            with self.assertRaisesRegex(UserError, "Cloud PBX: .*HTTP 401, Not authorized"):
                self.as_manager().import_extensions(self.cloud.id)
        self.assertEqual(self.cloud.extension_ids, self.ext201)

    # ---- recordings ------------------------------------------------------------------------

    def test_the_chatter_entry_of_a_call_keeps_its_recording_link(self):
        partner = self.env["res.partner"].create({"name": "Rita Recorded", "phone": "+84989464344"})
        url = "https://pbx.example.com/rec/out-101.wav"
        call = self.env["pbx.call"].create({
            "connection_id": self.office.id, "callid": "rec-1", "direction": "in", "state": "ended",
            "phone": "+84989464344", "partner_id": partner.id, "user_id": self.manager.id,
            "start_date": "2026-01-05 10:00:00", "duration": 65, "talk_time": 60,
            "recording_url": url,
        })
        call._log_activity()
        message = partner.message_ids.filtered(lambda m: url in (m.body or ""))
        self.assertTrue(message, "the recording link survives the HTML sanitizer")
        self.assertIn(f'href="{url}"', message[0].body)


@tagged("post_install", "-at_install")
class TestExtensionBindingTour(SettledBrowserCase):
    """In a real browser (Chromium), on the real web client: web/src/tours/*_tour.ts."""

    def test_menu_is_for_managers(self):
        menu = self.env.ref("pbx_callcenter.pbx_extension_binding_menu")
        self.assertEqual(menu.parent_id, self.env.ref("pbx_callcenter.pbx_callcenter_menu_config"))
        self.assertEqual(odoo_compat.record_groups(menu),
                         self.env.ref("pbx_callcenter.pbx_callcenter_group_manager"))
        self.assertEqual(menu.action.tag, "pbx_callcenter.extension_binding")

    def test_an_admin_binds_an_extension_on_the_screen(self):
        connection = self.env["pbx.connection"].create({"name": "Tour PBX", "kind": "generic"})
        extension = self.env["pbx.extension"].create({"connection_id": connection.id, "name": "7001"})
        agent = new_test_user(self.env, "pbx_tour_agent", context=USER_CTX, name="Tour Agent",
                              email="tour.agent@example.com")
        self.start_tour("/web#action=pbx_callcenter.pbx_extension_binding_action",
                        "pbx_callcenter_extension_binding", login="admin")
        self.env.invalidate_all()
        self.assertEqual(extension.user_id, agent)
        self.assertTrue(extension.is_default)

    def test_the_call_form_plays_the_recording(self):
        connection = self.env["pbx.connection"].create({"name": "Tour PBX", "kind": "generic"})
        call = self.env["pbx.call"].create({
            "connection_id": connection.id, "callid": "tour-rec-1", "direction": "in",
            "state": "ended", "phone": "+84989464344", "start_date": "2026-01-05 10:00:00",
            "recording_url": "https://pbx.example.com/rec/tour-101.wav",
        })
        self.start_tour(f"/web#id={call.id}&model=pbx.call&view_type=form",
                        "pbx_callcenter_recording_player", login="admin")
