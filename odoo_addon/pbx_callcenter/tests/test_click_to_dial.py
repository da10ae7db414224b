"""Click-to-dial: res.users.pbx_dial against a real local HTTP listener standing in for the PBX."""
import base64
import hashlib
import hmac
import time
from datetime import datetime, timedelta

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged

from .common import SettledBrowserCase
from .contract_schema import problems
from .fake_pbx import FakePbx, SilentPbx, closed_port_url

CONTACT_PHONE = "+84 98 946 43 44"       # read with the connection's country, Vietnam
NATIONAL = "0989464344"                  # ...as dialled from Vietnam
CODES = "LONGDIS:1000;LOCAL:9"


def zadarma_signature(path, params, secret):
    """Zadarma's own client (user-api-py-v1): base64 of the hex HMAC-SHA1 of path + qs + md5(qs)."""
    query = "&".join(f"{key}={value}" for key, value in sorted(params.items()))
    signed = path + query + hashlib.md5(query.encode()).hexdigest()
    return base64.b64encode(hmac.new(secret.encode(), signed.encode(), hashlib.sha1).hexdigest().encode()).decode()


@tagged("post_install", "-at_install")
class TestClickToDial(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesperson = new_test_user(
            cls.env, login="dial_salesperson", groups="base.group_user,sales_team.group_sale_salesman"
        )
        cls.connection = cls.env["pbx.connection"].create({
            "name": "Dial PBX", "country_id": cls.env.ref("base.vn").id, "dial_codes": CODES,
        })
        cls.extension = cls.env["pbx.extension"].create({
            "name": "101", "connection_id": cls.connection.id, "user_id": cls.salesperson.id,
            "is_default": True, "dial_code": "LOCAL",
        })

    def dial(self, number=CONTACT_PHONE, prefix_label=None, user=None):
        result = self.env["res.users"].with_user(user or self.salesperson).pbx_dial(number, prefix_label)
        self.assertEqual(problems("dial_result", result), [], result)
        return result

    def configure(self, **vals):
        self.connection.write(vals)

    def generic(self, pbx, **vals):
        self.configure(**{
            "originate_method": "generic_http",
            "originate_url": pbx.url + "/originate?ext={extension}&to={number}",
            "originate_http_method": "POST", "originate_body_format": "json",
            "originate_body": '{"from": "{extension}", "to": "{number}", "e164": "{e164}"}', **vals,
        })

    # ---- generic HTTP template ---------------------------------------------------

    def test_generic_template_sends_extension_and_prefixed_number(self):
        with FakePbx(lambda r: (200, {"ok": True})) as pbx:
            self.generic(pbx, originate_headers="Authorization: Bearer s3cret")
            result = self.dial()
        self.assertEqual(result["status"], "ok", result)
        self.assertEqual((result["extension"], result["number"]), ("101", "9" + NATIONAL))
        [received] = pbx.received
        self.assertEqual((received.method, received.path), ("POST", "/originate"))
        self.assertEqual(received.query, {"ext": "101", "to": "9" + NATIONAL})
        self.assertEqual(received.json(), {"from": "101", "to": "9" + NATIONAL, "e164": "+84989464344"})
        self.assertEqual(received.headers["authorization"], "Bearer s3cret")
        self.assertEqual(received.headers["content-type"], "application/json")

    def test_generic_get_and_form_bodies(self):
        with FakePbx(lambda r: (204, b"")) as pbx:
            self.generic(pbx, originate_http_method="GET")
            self.assertEqual(self.dial()["status"], "ok")
            self.configure(originate_http_method="PUT", originate_body_format="form",
                           originate_body="exten={number}&channel=SIP/{extension}")
            self.assertEqual(self.dial()["status"], "ok")
        get, put = pbx.received
        self.assertEqual((get.method, get.body, get.query["to"]), ("GET", b"", "9" + NATIONAL))
        self.assertEqual(put.method, "PUT")
        self.assertEqual(put.form(), {"exten": "9" + NATIONAL, "channel": "SIP/101"})

    def test_generic_refusal_is_a_clear_error(self):
        with FakePbx(lambda r: (403, {"error": "extension locked"})) as pbx:
            self.generic(pbx)
            result = self.dial()
        self.assertEqual((result["status"], result["code"]), ("error", "refused"))
        self.assertIn("refused", result["message"])
        self.assertIn("HTTP 403", result["message"])
        self.assertIn("extension locked", result["message"])

    def test_no_prefix_and_default_extension_first(self):
        other = self.env["pbx.extension"].create({
            "name": "100", "connection_id": self.connection.id, "user_id": self.salesperson.id,
        })
        self.extension.dial_code = "none"
        with FakePbx(lambda r: (200, {})) as pbx:
            self.generic(pbx)
            self.assertEqual(self.dial()["number"], NATIONAL)
            self.extension.is_default = False
            other.is_default = True
            self.assertEqual(self.dial()["extension"], "100")
            other.is_default = False
            self.assertEqual(self.dial()["extension"], "101", "no default: the first one")
        self.assertEqual([r.query["ext"] for r in pbx.received], ["101", "100", "101"])

    # ---- ask ---------------------------------------------------------------------------

    def test_ask_returns_the_choices_then_dials_the_chosen_prefix(self):
        self.extension.dial_code = "ask"
        with FakePbx(lambda r: (200, {})) as pbx:
            self.generic(pbx)
            asked = self.dial()
            self.assertEqual(asked["status"], "ask")
            self.assertEqual(asked["choices"], [
                {"label": "LONGDIS", "prefix": "1000"}, {"label": "LOCAL", "prefix": "9"},
                {"label": "", "prefix": ""},
            ])
            self.assertFalse(pbx.received, "asking must not call the PBX")
            self.assertEqual(self.dial(prefix_label="LONGDIS")["number"], "1000" + NATIONAL)
            self.assertEqual(self.dial(prefix_label="")["number"], NATIONAL)
            unknown = self.dial(prefix_label="MOON")
        self.assertEqual([r.query["to"] for r in pbx.received], ["1000" + NATIONAL, NATIONAL])
        self.assertEqual((unknown["status"], unknown["code"]), ("error", "bad_dial_code"))

    # ---- Zadarma ---------------------------------------------------------------------

    def test_zadarma_callback_is_signed_like_zadarma_clients(self):
        answer = {"status": "success", "from": 101, "to": 84989464344, "time": 1700000000}
        with FakePbx(lambda r: (200, answer)) as pbx:
            self.extension.dial_code = "none"
            self.configure(originate_method="zadarma", originate_url=pbx.url,
                           originate_number_format="e164",
                           zadarma_api_key="KEY1", zadarma_api_secret="SECRET1")
            result = self.dial()
        self.assertEqual(result["status"], "ok", result)
        [received] = pbx.received
        self.assertEqual((received.method, received.path), ("GET", "/v1/request/callback/"))
        self.assertEqual(received.query, {"format": "json", "from": "101", "to": "84989464344"})
        expected = "KEY1:" + zadarma_signature("/v1/request/callback/", received.query, "SECRET1")
        self.assertEqual(received.headers["authorization"], expected)

    def test_zadarma_error_status_is_a_refusal(self):
        with FakePbx(lambda r: (200, {"status": "error", "message": "Wrong parameters!"})) as pbx:
            self.configure(originate_method="zadarma", originate_url=pbx.url,
                           zadarma_api_key="K", zadarma_api_secret="S")
            result = self.dial()
        self.assertEqual((result["status"], result["code"]), ("error", "refused"))
        self.assertIn("Wrong parameters!", result["message"])

    # ---- Yeastar ---------------------------------------------------------------------

    def yeastar(self, pbx):
        self.configure(originate_method="yeastar", originate_url=pbx.url,
                       yeastar_client_id="CID", yeastar_client_secret="CSECRET")

    @staticmethod
    def yeastar_answer(tokens, dial_errors=()):
        """get_token/refresh_token hand out ``tokens`` in turn; dials fail with ``dial_errors`` first."""
        tokens, dial_errors = list(tokens), list(dial_errors)

        def answer(received):
            if received.path in ("/openapi/v1.0/get_token", "/openapi/v1.0/refresh_token"):
                return 200, {"errcode": 0, "errmsg": "SUCCESS", "access_token": tokens.pop(0),
                             "access_token_expire_time": 1800, "refresh_token": "R",
                             "refresh_token_expire_time": 86400}
            if dial_errors:
                return 200, dial_errors.pop(0)
            return 200, {"errcode": 0, "errmsg": "SUCCESS", "call_id": "1700000000.42"}
        return answer

    def test_yeastar_gets_a_token_then_dials_and_reuses_the_token(self):
        with FakePbx(self.yeastar_answer(["T1"])) as pbx:
            self.yeastar(pbx)
            self.assertEqual(self.dial()["status"], "ok")
            self.assertEqual(self.dial(prefix_label=None)["status"], "ok")
        token, dial, again = pbx.received
        self.assertEqual((token.method, token.path), ("POST", "/openapi/v1.0/get_token"))
        self.assertEqual(token.json(), {"username": "CID", "password": "CSECRET"})
        self.assertEqual(token.headers["user-agent"], "OpenAPI")
        self.assertEqual((dial.method, dial.path), ("POST", "/openapi/v1.0/call/dial"))
        self.assertEqual(dial.query, {"access_token": "T1"})
        self.assertEqual(dial.json(), {"caller": "101", "callee": "9" + NATIONAL})
        self.assertEqual((again.path, again.query), ("/openapi/v1.0/call/dial", {"access_token": "T1"}))

    def test_yeastar_expired_token_is_refreshed(self):
        with FakePbx(self.yeastar_answer(["T2"])) as pbx:
            self.yeastar(pbx)
            self.connection.sudo().write({
                "yeastar_access_token": "OLD", "yeastar_token_expiry": datetime.now() - timedelta(minutes=1),
                "yeastar_refresh_token": "R0", "yeastar_refresh_expiry": datetime.now() + timedelta(hours=1),
            })
            self.assertEqual(self.dial()["status"], "ok")
        refresh, dial = pbx.received
        self.assertEqual((refresh.path, refresh.json()), ("/openapi/v1.0/refresh_token", {"refresh_token": "R0"}))
        self.assertEqual(dial.query, {"access_token": "T2"})
        self.assertEqual(self.connection.sudo().yeastar_access_token, "T2")

    def test_yeastar_rejected_cached_token_is_replaced_once(self):
        expired = {"errcode": 10004, "errmsg": "ACCESS TOKEN EXPIRED"}
        with FakePbx(self.yeastar_answer(["T1", "T3"], [{}, expired])) as pbx:
            self.yeastar(pbx)
            self.dial()   # T1, dial answers {} (refused): the token stays cached
            self.assertEqual(self.dial()["status"], "ok")
        paths = [(r.path.rsplit("/", 1)[-1], r.query.get("access_token")) for r in pbx.received]
        self.assertEqual(paths, [("get_token", None), ("dial", "T1"), ("dial", "T1"),
                                 ("get_token", None), ("dial", "T3")])

    def test_yeastar_refusals_are_clear_errors(self):
        refused = {"errcode": 60002, "errmsg": "EXTENSION NOT EXIST"}
        with FakePbx(self.yeastar_answer(["T1"], [refused])) as pbx:
            self.yeastar(pbx)
            result = self.dial()
        self.assertEqual((result["status"], result["code"]), ("error", "refused"))
        self.assertIn("EXTENSION NOT EXIST", result["message"])
        bad_login = {"errcode": 20004, "errmsg": "INVALID USERNAME OR PASSWORD"}
        with FakePbx(lambda r: (200, bad_login)) as pbx:
            self.yeastar(pbx)
            result = self.dial()
        self.assertEqual((result["status"], result["code"]), ("error", "refused"))
        self.assertIn("INVALID USERNAME OR PASSWORD", result["message"])
        self.assertEqual([r.path for r in pbx.received], ["/openapi/v1.0/get_token"])

    # ---- unreachable ------------------------------------------------------------------

    def test_closed_port_is_unreachable_at_once(self):
        self.configure(originate_method="generic_http", originate_url=closed_port_url() + "/x")
        started = time.monotonic()
        result = self.dial()
        self.assertLess(time.monotonic() - started, 5)
        self.assertEqual((result["status"], result["code"]), ("error", "unreachable"))
        self.assertIn("could not be reached", result["message"])

    def test_a_pbx_that_never_answers_is_given_up_within_5_seconds(self):
        with SilentPbx() as pbx:
            self.configure(originate_method="yeastar", originate_url=pbx.url,
                           yeastar_client_id="CID", yeastar_client_secret="CSECRET")
            started = time.monotonic()
            result = self.dial()
            elapsed = time.monotonic() - started
        self.assertEqual((result["status"], result["code"]), ("error", "unreachable"))
        self.assertLess(elapsed, 5.5)
        self.assertGreater(elapsed, 4.5)

    # ---- no extension, disabled, link, bad input ------------------------------------

    def test_no_extension_is_a_clear_error(self):
        nobody = new_test_user(self.env, login="dial_nobody", groups="base.group_user")
        result = self.dial(user=nobody)
        self.assertEqual((result["status"], result["code"]), ("error", "no_extension"))
        self.assertIn("no PBX extension", result["message"])

    def test_disabled_connection_is_a_clear_error(self):
        self.connection.enabled = False
        result = self.dial()
        self.assertEqual((result["status"], result["code"]), ("error", "disabled"))

    def test_link_mode_returns_a_tel_or_sip_link_without_calling_anything(self):
        self.assertEqual(self.dial()["url"], "tel:9" + NATIONAL)   # default: link, tel:{number}
        self.configure(originate_link="sip:{number}@pbx.example.com")
        result = self.dial()
        self.assertEqual((result["status"], result["url"]), ("link", "sip:9" + NATIONAL + "@pbx.example.com"))

    def test_nothing_dialable_is_a_bad_number(self):
        for number in ("", "call me", False, None, "1" * 80):
            self.assertEqual(self.dial(number)["code"], "bad_number", number)

    def test_misconfigured_method_is_reported_without_a_traceback(self):
        self.configure(originate_method="zadarma")   # no API key
        result = self.dial()
        self.assertEqual((result["status"], result["code"]), ("error", "not_configured"))
        self.assertIn("Ask your administrator", result["message"])
        self.assertNotIn("API key", result["message"], "details are for administrators only")
        admin = self.env.ref("base.user_admin")
        self.env["pbx.extension"].create({"name": "999", "connection_id": self.connection.id, "user_id": admin.id})
        self.assertIn("API key", self.dial(user=admin)["message"])

    # ---- settings ------------------------------------------------------------------------

    def test_credentials_are_for_administrators_only(self):
        connection = self.connection.with_user(self.salesperson)
        for name in ("zadarma_api_secret", "yeastar_client_secret", "yeastar_access_token",
                     "originate_headers", "originate_url"):
            with self.assertRaises(AccessError, msg=name):
                connection.read([name])

    def test_invalid_dial_codes_and_links_are_refused_on_save(self):
        with self.assertRaises(ValidationError):
            self.connection.dial_codes = "LOCAL"
        with self.assertRaises(ValidationError):
            self.extension.dial_code = "MOON"
        with self.assertRaises(ValidationError):
            self.connection.originate_link = "javascript:alert(1)"
        with self.assertRaises(ValidationError):
            self.connection.dial_codes = "LONGDIS:1000"   # the extension uses LOCAL


@tagged("post_install", "-at_install")
class TestClickToDialBrowser(SettledBrowserCase):
    """In a real browser: clicking a contact's number makes the PBX listener receive the call."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesperson = new_test_user(
            cls.env, login="dial_tour", groups="base.group_user,sales_team.group_sale_salesman",
        )
        cls.partner = cls.env["res.partner"].create({
            "name": "Tour Caller", "phone": CONTACT_PHONE, "email": "tour.caller@example.com",
        })
        cls.connection = cls.env["pbx.connection"].create({
            "name": "Tour PBX", "country_id": cls.env.ref("base.vn").id, "dial_codes": CODES,
        })
        cls.extension = cls.env["pbx.extension"].create({
            "name": "101", "connection_id": cls.connection.id, "user_id": cls.salesperson.id,
            "is_default": True, "dial_code": "LOCAL",
        })

    def setUp(self):
        super().setUp()
        self.pbx = FakePbx(lambda received: (200, {"ok": True}))
        self.pbx.__enter__()
        self.addCleanup(self.pbx.__exit__, None, None, None)
        self.connection.write({
            "originate_method": "generic_http", "originate_http_method": "POST",
            "originate_url": self.pbx.url + "/originate",
            "originate_body": '{"extension": "{extension}", "number": "{number}"}',
        })

    def assert_dialled(self, number):
        [received] = self.pbx.received
        self.assertEqual((received.method, received.path), ("POST", "/originate"))
        self.assertEqual(received.json(), {"extension": "101", "number": number})

    def form_url(self):
        return f"/web#id={self.partner.id}&model=res.partner&view_type=form"

    def session_dial(self, login):
        self.authenticate(login, login)
        return self.make_jsonrpc_request("/web/session/get_session_info", {}).get("pbx_callcenter_dial")

    # The tour clicks Odoo's own "Call" link (form) or the number (list, kanban), then opens
    # the menu beside it and checks the device's tel: link and the menu's place.

    def test_form_call_link_calls_through_the_pbx(self):
        self.start_tour(self.form_url(), "pbx_callcenter_click_to_dial", login="dial_tour")
        self.assert_dialled("9" + NATIONAL)

    def test_list_number_calls_without_opening_the_record(self):
        self.start_tour("/web#action=contacts.action_contacts&view_type=list",
                        "pbx_callcenter_click_to_dial", login="dial_tour")
        self.assert_dialled("9" + NATIONAL)

    def test_kanban_number_calls_without_opening_the_record(self):
        self.start_tour("/web#action=contacts.action_contacts&view_type=kanban",
                        "pbx_callcenter_click_to_dial", login="dial_tour")
        self.assert_dialled("9" + NATIONAL)

    def test_ask_chooser_in_the_form_stays_in_the_viewport(self):
        self.extension.dial_code = "ask"
        self.start_tour(self.form_url(), "pbx_callcenter_click_to_dial_ask", login="dial_tour")
        self.assert_dialled("1000" + NATIONAL)

    def test_ask_chooser_in_a_kanban_card_stays_in_the_viewport(self):
        self.extension.dial_code = "ask"
        self.start_tour("/web#action=contacts.action_contacts&view_type=kanban",
                        "pbx_callcenter_click_to_dial_ask", login="dial_tour")
        self.assert_dialled("1000" + NATIONAL)

    def test_without_an_extension_odoos_tel_link_is_left_alone(self):
        new_test_user(self.env, login="dial_none", groups="base.group_user,sales_team.group_sale_salesman")
        for view in ("list", "kanban"):
            self.start_tour(f"/web#action=contacts.action_contacts&view_type={view}",
                            "pbx_callcenter_click_to_dial_none", login="dial_none")
        self.assertFalse(self.pbx.received)

    def test_session_names_the_extension_only_when_it_can_dial(self):
        self.assertEqual(self.session_dial("dial_tour"), {"extension": "101"})
        self.env["pbx.extension"].create({
            "name": "102", "connection_id": self.connection.id, "user_id": self.salesperson.id,
        })
        self.extension.is_default = False
        self.assertEqual(self.session_dial("dial_tour"), {"extension": "101"}, "no default: the first one")
        self.connection.enabled = False
        self.assertIs(self.session_dial("dial_tour"), False)
        new_test_user(self.env, login="dial_none", groups="base.group_user")
        self.assertIs(self.session_dial("dial_none"), False)
