"""Who may post events: tokens, source IPs, signatures, the enabled switch, the method."""
import json

from odoo.tests import tagged

from ..lib import tokens
from .common import PbxHttpCase


@tagged("post_install", "-at_install")
class TestAuth(PbxHttpCase):

    def payload(self, phone="0989464344"):
        return {"phone": phone, "extension": "101", "callid": self.new_callid()}

    def assertRefused(self, code, **post_kwargs):
        """The request is refused with `code` and writes no call and no event."""
        before = self.counts()
        route = post_kwargs.pop("route", "call_in")
        data = post_kwargs.pop("data", None) or self.payload()
        status, body = self.post(route, data, **post_kwargs)
        self.assertError(status, body, code)
        self.assertNotIn("event_id", body)
        self.assertCounts(before, msg=f"{code}: nothing may be written")
        return body

    # ---- tokens ------------------------------------------------------------------------

    def test_a_request_without_token_is_refused_with_401_and_writes_nothing(self):
        for route in ("call_in", "init", "call_out"):
            with self.subTest(route=route):
                self.assertRefused("unauthorized", route=route, token=None)

    def test_a_wrong_token_is_refused_with_401_and_writes_nothing(self):
        for token in ("pbx_" + "A" * 43, self.token[:-1], self.token + "x", "Bearer", "x" * 300, ""):
            with self.subTest(token=token):
                if token:
                    self.assertRefused("unauthorized", token=token)
                else:
                    self.assertRefused("unauthorized", headers={"Authorization": "Bearer "}, token=None)

    def test_the_token_hash_is_not_accepted_as_a_token(self):
        self.assertRefused("unauthorized", token=tokens.hash_token(self.token))

    def test_a_token_in_another_authorization_scheme_is_refused(self):
        self.assertRefused("unauthorized", token=None, headers={"Authorization": f"Basic {self.token}"})

    def test_the_token_of_a_deleted_connection_is_refused(self):
        result = self.env["pbx.connection"].with_user(self.manager).provision(
            {"name": "Short-lived PBX", "company_id": self.company.id})
        status, _body = self.post("call_in", self.payload(), token=result["token"])
        self.assertEqual(status, 200)
        connection = self.env["pbx.connection"].browse(result["id"])
        self.env["pbx.call"].sudo().search([("connection_id", "=", connection.id)]).unlink()
        connection.with_user(self.manager).unlink()
        self.assertRefused("unauthorized", token=result["token"])

    def test_the_old_token_of_a_rotated_connection_is_refused(self):
        old = self.token
        new = self.connection.with_user(self.manager).rotate_token()
        self.assertNotEqual(old, new)
        self.assertRefused("unauthorized", token=old)
        status, body = self.post("call_in", self.payload(), token=new)
        self.assertEqual(status, 200, body)

    def test_the_token_is_accepted_as_bearer_x_api_key_or_query_parameter(self):
        for auth in ("bearer", "x-api-key", "query"):
            with self.subTest(auth=auth):
                before = self.counts()
                status, body = self.post("call_in", self.payload(), auth=auth)
                self.assertEqual(status, 200, body)
                self.assertContractResponse(status, body)
                self.assertCounts(before, calls=1, events=1)

    def test_the_bearer_scheme_is_case_insensitive(self):
        status, body = self.post("call_in", self.payload(), token=None,
                                 headers={"Authorization": f"bearer {self.token}"})
        self.assertEqual(status, 200, body)

    def test_the_token_of_an_archived_connection_is_refused(self):
        self.connection.with_user(self.manager).active = False
        self.assertRefused("unauthorized")

    def test_a_token_of_a_disconnected_connection_is_refused(self):
        self.connection.with_user(self.manager).action_disconnect()
        self.assertRefused("unauthorized")

    # ---- source IPs ----------------------------------------------------------------------

    def test_a_source_ip_outside_the_allow_list_is_refused_with_403_and_writes_nothing(self):
        self.connection.sudo().allowed_ips = "10.0.0.0/8\n192.168.1.7, 2001:db8::/32"
        body = self.assertRefused("forbidden")
        self.assertIn("127.0.0.1", body["error"]["message"])

    def test_a_source_ip_inside_the_allow_list_is_accepted(self):
        self.connection.sudo().allowed_ips = "10.0.0.0/8, 127.0.0.0/8 ::1"
        status, body = self.post("call_in", self.payload())
        self.assertEqual(status, 200, body)

    def test_a_wrong_token_from_an_unlisted_ip_still_answers_401(self):
        self.connection.sudo().allowed_ips = "10.0.0.1"
        self.assertRefused("unauthorized", token="pbx_nope")

    # ---- webhook signature -----------------------------------------------------------------

    def signed(self, secret="s3cr3t-signing-key"):
        self.connection.sudo().webhook_secret = secret
        return secret

    def test_a_signed_connection_refuses_a_request_without_signature_with_403(self):
        self.signed()
        self.assertRefused("forbidden")

    def test_a_signed_connection_refuses_an_invalid_signature_with_403(self):
        secret = self.signed()
        data = self.payload()
        raw = json.dumps(data).encode()
        other = json.dumps(dict(data, callid="other")).encode()
        for signature in ("sha256=" + "0" * 64, "garbage", tokens.sign("wrong-secret", raw),
                          tokens.sign(secret, other), tokens.sign(secret, raw)[:-2]):
            with self.subTest(signature=signature):
                self.assertRefused("forbidden", raw=raw, content_type="application/json",
                                   headers={"X-Signature": signature})

    def test_a_signed_connection_accepts_a_valid_signature(self):
        secret = self.signed()
        raw = json.dumps(self.payload()).encode()
        # The same body three times: the first creates the call, the others are its duplicates.
        for index, signature in enumerate((
                tokens.sign(secret, raw), tokens.sign(secret, raw)[len("sha256="):],
                tokens.sign(secret, raw).upper().replace("SHA256=", "sha256="))):
            with self.subTest(signature=signature):
                before = self.counts()
                status, body = self.post("call_in", raw=raw, content_type="application/json",
                                         headers={"X-Signature": signature})
                self.assertEqual(status, 200, body)
                self.assertIs(body["duplicate"], index > 0, body)
                self.assertCounts(before, calls=1 if index == 0 else 0, events=1)

    def test_a_signed_connection_refuses_form_encoded_bodies(self):
        secret = self.signed()
        data = self.payload()
        from urllib.parse import urlencode
        raw = urlencode(data).encode()
        self.assertRefused("forbidden", data=data, json=False,
                           headers={"X-Signature": tokens.sign(secret, raw)})

    # ---- enabled switch and method ------------------------------------------------------------

    def test_a_disabled_connection_answers_503_and_writes_nothing_not_even_an_event(self):
        self.connection.with_user(self.manager).action_disable()
        for route in ("call_in", "init", "call_out"):
            with self.subTest(route=route):
                self.assertRefused("integration_disabled", route=route)
        self.assertEqual(self.connection.token_hint[-4:], self.token[-4:], "disabling keeps the token")
        self.connection.with_user(self.manager).action_enable()
        status, body = self.post("call_in", self.payload())
        self.assertEqual(status, 200, body)

    def test_a_disabled_connection_answers_503_even_to_an_invalid_payload(self):
        self.connection.enabled = False
        self.assertRefused("integration_disabled", data={"phone": "nope"})

    def test_get_and_other_methods_answer_405_and_write_nothing(self):
        for method in ("GET", "PUT", "DELETE", "PATCH"):
            with self.subTest(method=method):
                before = self.counts()
                status, body = self.post("call_in", self.payload(), method=method)
                self.assertError(status, body, "method_not_allowed")
                self.assertCounts(before)

    def test_get_without_token_answers_405(self):
        status, body = self.post("call_out", None, token=None, method="GET")
        self.assertError(status, body, "method_not_allowed")
