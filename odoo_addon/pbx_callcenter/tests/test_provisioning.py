"""Connections created, re-keyed and disconnected by scripts and managers."""
import re

from odoo.exceptions import AccessError
from odoo.tests import tagged

from ..lib import tokens
from .common import PbxHttpCase

TOKEN_FORMAT = re.compile(r"^pbx_[A-Za-z0-9_-]{43}$")


@tagged("post_install", "-at_install")
class TestProvisioning(PbxHttpCase):

    def ring(self, token):
        return self.post("call_in", {"phone": "0989464344", "extension": "101",
                                     "callid": self.new_callid()}, token=token)

    def test_provision_as_manager_returns_an_id_and_a_token_that_works_on_the_routes(self):
        result = self.env["pbx.connection"].with_user(self.manager).provision({
            "name": "Scripted PBX", "company_id": self.company.id, "kind": "asterisk"})
        self.assertEqual(set(result), {"id", "token"})
        self.assertRegex(result["token"], TOKEN_FORMAT)
        connection = self.env["pbx.connection"].browse(result["id"])
        self.assertEqual(connection.sudo().token_hash, tokens.hash_token(result["token"]))
        self.assertEqual(connection.token_hint, "…" + result["token"][-4:])
        status, body = self.ring(result["token"])
        self.assertEqual(status, 200, body)
        self.assertEqual(self.env["pbx.call"].browse(body["call"]["id"]).connection_id, connection)

    def test_two_provisioned_connections_get_different_tokens(self):
        Connection = self.env["pbx.connection"].with_user(self.manager)
        first = Connection.provision({"name": "One", "company_id": self.company.id})
        second = Connection.provision({"name": "Two", "company_id": self.company.id})
        self.assertNotEqual(first["token"], second["token"])

    def test_provision_as_a_salesperson_is_refused(self):
        count = self.env["pbx.connection"].search_count([])
        with self.assertRaises(AccessError):
            self.env["pbx.connection"].with_user(self.salesperson).provision(
                {"name": "Rogue PBX", "company_id": self.company.id})
        self.assertEqual(self.env["pbx.connection"].search_count([]), count)

    def test_rotate_token_invalidates_the_old_token(self):
        old = self.token
        self.assertEqual(self.ring(old)[0], 200)
        new = self.connection.with_user(self.manager).rotate_token()
        self.assertRegex(new, TOKEN_FORMAT)
        status, body = self.ring(old)
        self.assertError(status, body, "unauthorized")
        self.assertEqual(self.ring(new)[0], 200)

    def test_rotate_token_as_a_salesperson_is_refused(self):
        with self.assertRaises(AccessError):
            self.connection.with_user(self.salesperson).rotate_token()
        self.assertEqual(self.ring(self.token)[0], 200, "the token still works")

    def test_generating_a_token_from_the_form_shows_it_once(self):
        action = self.connection.with_user(self.manager).action_generate_token()
        self.assertEqual(action["tag"], "display_notification")
        token = re.search(r"pbx_[A-Za-z0-9_-]{43}", action["params"]["message"]).group(0)
        self.assertTrue(action["params"]["sticky"])
        self.assertEqual(self.ring(token)[0], 200)
        self.assertEqual(self.ring(self.token)[0], 401)

    def test_disconnect_clears_credentials_and_bindings_and_keeps_calls_and_contacts(self):
        status, body = self.ring(self.token)
        self.assertEqual(status, 200, body)
        self.connection.sudo().write({"webhook_secret": "s3cret", "allowed_ips": "127.0.0.1"})
        call = self.env["pbx.call"].browse(body["call"]["id"])
        partner = call.partner_id
        self.assertTrue(partner, "auto-created contact")
        self.connection.with_user(self.manager).action_disconnect()
        connection = self.connection.sudo()
        self.assertFalse(connection.token_hash)
        self.assertFalse(connection.token_hint)
        self.assertFalse(connection.webhook_secret)
        self.assertFalse(connection.allowed_ips)
        self.assertFalse(connection.enabled)
        self.assertFalse(connection.extension_ids)
        self.assertTrue(call.exists())
        self.assertEqual(call.connection_id, self.connection)
        self.assertTrue(partner.exists())
        self.assertEqual(connection.call_count, 1)
        status, body = self.ring(self.token)
        self.assertError(status, body, "unauthorized")

    def test_a_disconnected_connection_can_be_reconnected_with_a_new_token(self):
        self.connection.with_user(self.manager).action_disconnect()
        token = self.connection.with_user(self.manager).rotate_token()
        self.connection.with_user(self.manager).action_enable()
        self.assertEqual(self.ring(token)[0], 200)

    def test_disconnect_as_a_salesperson_is_refused(self):
        with self.assertRaises(AccessError):
            self.connection.with_user(self.salesperson).action_disconnect()
        self.assertTrue(self.connection.extension_ids)

    def test_only_managers_switch_the_integration_on_and_off(self):
        with self.assertRaises(AccessError):
            self.connection.with_user(self.salesperson).action_disable()
        self.connection.with_user(self.manager).action_disable()
        self.assertFalse(self.connection.enabled)

    def test_the_allowed_ips_are_validated_on_save(self):
        from odoo.exceptions import ValidationError
        with self.assertRaises(ValidationError):
            self.connection.sudo().allowed_ips = "10.0.0.0/8, not-an-ip"
        self.connection.sudo().allowed_ips = "10.0.0.0/8\n2001:db8::/32 192.168.1.7"

    def test_the_calls_of_a_connection_open_from_its_form(self):
        self.ring(self.token)
        action = self.connection.with_user(self.manager).action_view_calls()
        self.assertEqual(action["res_model"], "pbx.call")
        calls = self.env["pbx.call"].search(action["domain"])
        self.assertEqual(len(calls), 1)
