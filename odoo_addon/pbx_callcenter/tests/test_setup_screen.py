"""Setting a PBX up from its connection form: the URLs to configure on the PBX (PBX Setup tab),
*Send test call*, and the binding shown read-only outside the binding screen.

The test call goes through the path of a PBX's events (journal, processing, bus, chatter); the
browser test drives it from the real form in Chromium (web/src/tours/setup_screen_tour.ts).
"""
import json

from odoo.addons.bus.models.bus import channel_with_db, dispatch, hashable
from odoo.addons.bus.tests.common import WebsocketCase
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from ..models.pbx_call import POPUP_NOTIFICATION, PbxCall
from ..models.pbx_connection import TEST_CALL_EVENT, TEST_CALLER_NUMBER, TEST_CALLER_REF
from .common import LIST_VIEW, MANAGER_GROUPS, PbxHttpCase

BASE = "https://odoo.example.com"


class SetupCase(PbxHttpCase):
    """The connection of PbxHttpCase; its manager, Mona, holds extension 199 of it."""

    def bind_manager(self):
        self.ext199.user_id = self.manager

    def sent_test_calls(self):
        return self.env["pbx.call"].sudo().search([("callid", "=like", f"{TEST_CALL_EVENT}_%")])

    def the_test_caller(self):
        return self.env["res.partner"].sudo().with_context(active_test=False).search(
            [("ref", "=", TEST_CALLER_REF)])

    def popup_states(self, call):
        """The states of the popup notifications of `call` sent to its user, in order."""
        messages = self.env["bus.bus"].sudo().search([("message", "like", call.callid)], order="id")
        states = []
        for row in messages:
            message = json.loads(row.message)
            self.assertEqual(message["type"], POPUP_NOTIFICATION)
            self.assertIn(str(call.user_id.partner_id.id), row.channel)
            states.append(message["payload"]["state"])
        return states


@tagged("post_install", "-at_install")
class TestSetupScreen(SetupCase):

    def setUp(self):
        super().setUp()
        self.env["ir.config_parameter"].sudo().set_param("web.base.url", BASE + "/")

    def kind_connection(self, kind):
        return self.env["pbx.connection"].create({"name": f"Setup {kind}", "kind": kind})

    # ---- the URLs ------------------------------------------------------------------

    def test_a_generic_connection_shows_its_canonical_routes_from_the_base_url(self):
        connection = self.connection.with_user(self.manager)
        self.assertTrue(connection.setup_canonical)
        self.assertEqual(connection.setup_call_in_url, BASE + "/api/callcenter/call_in")
        self.assertEqual(connection.setup_init_url, BASE + "/api/callcenter/init")
        self.assertEqual(connection.setup_call_out_url, BASE + "/api/callcenter/call_out")
        self.assertEqual(connection.setup_lookup_url, BASE + "/api/callcenter/lookup")
        self.assertEqual(connection.setup_phonebook_url,
                         BASE + "/api/callcenter/phonebook.xml?token=YOUR_TOKEN")

    def test_each_kind_shows_its_own_routes_only(self):
        asterisk = self.kind_connection("asterisk")
        self.assertEqual(asterisk.setup_call_out_url, BASE + "/api/callcenter/call_out")
        self.assertEqual(asterisk.setup_lookup_url, BASE + "/api/callcenter/lookup")
        for kind, own_field, own_url in (
            ("zadarma", "zadarma_webhook_url", BASE + "/api/callcenter/zadarma?token=YOUR_TOKEN"),
            ("yeastar", "yeastar_webhook_url", BASE + "/api/callcenter/yeastar?token=YOUR_API_TOKEN"),
            ("threecx", "setup_base_url", BASE),
        ):
            with self.subTest(kind=kind):
                connection = self.kind_connection(kind)
                self.assertFalse(connection.setup_canonical)
                self.assertFalse(connection.setup_call_in_url, "its token would be refused there")
                self.assertFalse(connection.setup_lookup_url)
                self.assertEqual(connection[own_field], own_url)
                self.assertEqual(connection.setup_phonebook_url,
                                 BASE + "/api/callcenter/phonebook.xml?token=YOUR_TOKEN")

    def test_the_form_shows_each_url_with_a_copy_button_and_the_test_button(self):
        arch = self.env["pbx.connection"].with_user(self.manager).get_views(
            [(False, "form")])["views"]["form"]["arch"]
        for name in ("setup_call_in_url", "setup_init_url", "setup_call_out_url",
                     "setup_lookup_url", "setup_phonebook_url", "zadarma_webhook_url",
                     "yeastar_webhook_url", "setup_base_url"):
            self.assertRegex(arch, rf'name="{name}"[^>]*widget="CopyClipboardChar"'
                                   rf'|widget="CopyClipboardChar"[^>]*name="{name}"', name)
        self.assertIn('name="action_send_test_call"', arch)

    # ---- one place to bind -------------------------------------------------------------

    def test_the_extension_lists_show_the_binding_read_only_with_a_link_to_the_screen(self):
        action = self.env.ref("pbx_callcenter.pbx_extension_binding_action")
        form = self.env["pbx.connection"].with_user(self.manager).get_views(
            [(False, "form")])["views"]["form"]["arch"]
        listed = self.env["pbx.extension"].with_user(self.manager).get_views(
            [(False, LIST_VIEW)])["views"][LIST_VIEW]["arch"]
        for arch in (form, listed):
            self.assertRegex(arch, r'name="user_id"[^>]*readonly="(1|True)"')
            self.assertIn(f'name="{action.id}"', arch)

    # ---- the test call ---------------------------------------------------------------

    def test_a_test_call_rings_then_ends_with_popup_journal_and_chatter(self):
        self.bind_manager()
        result = self.connection.with_user(self.manager).action_send_test_call()
        call = self.sent_test_calls()
        self.assertEqual(len(call), 1)
        self.assertEqual((call.state, call.direction, call.user_id, call.extension),
                         ("ended", "in", self.manager, "199"))
        caller = self.the_test_caller()
        self.assertEqual(len(caller), 1)
        self.assertEqual((caller.phone, caller.company_id), (TEST_CALLER_NUMBER, self.company))
        self.assertEqual(call.partner_id, caller, "the test caller is matched, not auto-created")
        self.assertEqual(self.popup_states(call), ["ringing", "ended"])
        events = self.events_of(call.callid)
        self.assertEqual(sorted(events.mapped("route")), ["call_in", "call_out"])
        self.assertEqual(set(events.mapped("state")), {"done"})
        self.assertEqual(set(events.mapped("native_event")), {TEST_CALL_EVENT},
                         "the journal marks the events as a test")
        self.assertEqual(len(self.call_messages(caller)), 1, "the call is in the caller's chatter")
        self.assertEqual(result["tag"], "display_notification")
        message = result["params"]["message"]
        self.assertIn("Extension 199 (you) rang, then the call ended (ended)", message)
        self.assertIn(caller.display_name, message)

    def test_a_second_test_call_reuses_the_test_caller(self):
        self.bind_manager()
        connection = self.connection.with_user(self.manager)
        connection.action_send_test_call()
        self.the_test_caller().write({"phone": False, "active": False})  # someone archived it
        self.env.flush_all()  # the action reads it from its own cursor
        connection.action_send_test_call()
        self.env.invalidate_all()
        self.assertEqual(len(self.sent_test_calls()), 2)
        caller = self.the_test_caller()
        self.assertEqual(len(caller), 1)
        self.assertTrue(caller.active)
        self.assertEqual(set(self.sent_test_calls().partner_id), set(caller))

    # ---- hostile ---------------------------------------------------------------------

    def assertNothingWritten(self, before):
        self.assertCounts(before)
        self.assertFalse(self.sent_test_calls())

    def test_a_salesperson_cannot_send_a_test_call(self):
        before = self.counts()
        with self.assertRaisesRegex(AccessError, "Only Call Center managers"):
            self.connection.with_user(self.salesperson).action_send_test_call()  # holds 101
        self.assertNothingWritten(before)

    def test_another_companys_connection_is_refused(self):
        company_b = self.env["res.company"].create({"name": "Setup Company B"})
        manager_b = self.make_user("pbx_setup_manager_b", "Bea B", MANAGER_GROUPS, company_b)
        self.ext199.user_id = manager_b  # even bound on it
        before = self.counts()
        with self.assertRaises(AccessError):
            self.env["pbx.connection"].with_user(manager_b).with_context(
                allowed_company_ids=company_b.ids).browse(self.connection.id).action_send_test_call()
        self.assertNothingWritten(before)

    def test_a_manager_without_an_extension_here_gets_a_clear_error(self):
        other = self.env["pbx.connection"].create({"name": "Other PBX"})
        self.env["pbx.extension"].create({"connection_id": other.id, "name": "301",
                                          "user_id": self.manager.id, "is_default": True})
        before = self.counts()
        with self.assertRaisesRegex(UserError, "You have no extension on Test PBX: bind one"):
            self.connection.with_user(self.manager).action_send_test_call()
        self.assertNothingWritten(before)
        self.assertFalse(self.the_test_caller(), "no test contact either")

    def test_a_disabled_connection_gets_a_clear_error(self):
        self.bind_manager()
        self.connection.enabled = False
        before = self.counts()
        with self.assertRaisesRegex(UserError, "Test PBX is disabled"):
            self.connection.with_user(self.manager).action_send_test_call()
        self.assertNothingWritten(before)


@tagged("post_install", "-at_install")
class TestSetupScreenTour(SetupCase, WebsocketCase):
    """In Chromium: the manager opens the connection, sees the URLs and sends a test call."""

    def setUp(self):
        super().setUp()
        # The URLs the tour checks are built on the test server's own address.
        self.env["ir.config_parameter"].sudo().set_param("web.base.url", self.base_url())
        original = PbxCall._notify_popup

        def _notify_popup(call, user=None):
            original(call, user)
            # what PostgreSQL NOTIFY does in production (see test_popup_browser.py)
            channel = hashable(channel_with_db(call.env.cr.dbname, (user or call.user_id).partner_id))
            for websocket in list(dispatch._channels_to_ws.get(channel, ())):
                websocket.trigger_notification_dispatching()

        self.patch(PbxCall, "_notify_popup", _notify_popup)

    def test_a_manager_sees_the_urls_and_sends_a_test_call(self):
        self.bind_manager()
        self.start_tour(f"/web#id={self.connection.id}&model=pbx.connection&view_type=form",
                        "pbx_callcenter_setup_screen", login=self.manager.login, timeout=120)
        call = self.sent_test_calls()
        self.assertEqual((len(call), call.state, call.user_id), (1, "ended", self.manager))
        self.assertEqual(len(self.call_messages(self.the_test_caller())), 1)
