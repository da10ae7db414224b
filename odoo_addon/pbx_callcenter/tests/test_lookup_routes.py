"""The one lookup answer (pbx.connection._lookup_caller) and the two routes that read it:
/api/callcenter/lookup (JSON) and /api/callcenter/caller_name (plain text for Asterisk/FreePBX)."""
from urllib.parse import urlencode

from odoo.tests import tagged

from ..lib import contract
from .common import _DEFAULT, E164, NUMBER_FORMATS, PbxHttpCase, number_vals

HOSTILE_NUMBERS = [
    "", "   ", "abc", "12", "1" * 65, "0" * 10000, "٠٩٨٩٤٦٤٣٤٤", "电话 0989464344",
    "0989464344' OR '1'='1", "0989464344; DROP TABLE res_partner", "<script>alert(1)</script>",
    "${jndi:ldap://x}", "%00", "0989464344\x00", "0989\u202e464344", "anonymous",
]


class ReadRouteCase(PbxHttpCase):
    """HTTP helpers for the read-only routes, whose answers are not event answers."""

    def fetch(self, path, params=None, token=_DEFAULT, auth="query", method="GET", data=None,
              headers=None, raw_query=None):
        """One request to /api/callcenter/<path>; returns the requests response.

        raw_query: the query string exactly as a PBX sends it (not URL-encoded)."""
        self.assertRoutesUsable()
        token = self.token if token is _DEFAULT else token
        params = dict(params or {})
        hdrs = dict(headers or {})
        if token is not None:
            if auth == "query":
                params["token"] = token
            elif auth == "bearer":
                hdrs["Authorization"] = f"Bearer {token}"
            else:
                hdrs["X-Api-Key"] = token
        query = raw_query if raw_query is not None else urlencode(params)
        url = f"{self.base_url()}/api/callcenter/{path}" + (f"?{query}" if query else "")
        return self.opener.request(method, url, data=data, headers=hdrs, timeout=30)

    def created_counts(self):
        """Calls, events, contacts and leads in the database: a read route changes none."""
        self.env.flush_all()
        return self.counts() + (
            self.env["res.partner"].sudo().with_context(active_test=False).search_count([]),
            self.env["crm.lead"].sudo().with_context(active_test=False).search_count([]),
        )

    def assertJsonError(self, response, code, fields=None):
        self.assertIn("application/json", response.headers.get("Content-Type", ""))
        body = response.json()
        self.assertContract("route_error", body)
        self.assertEqual(response.status_code, contract.ERROR_STATUS[code], body)
        self.assertEqual(body["error"]["code"], code, body)
        if fields is not None:
            self.assertEqual(set(body["error"]["fields"]), set(fields), body)
        return body


@tagged("post_install", "-at_install")
class TestLookupCaller(ReadRouteCase):
    """pbx.connection._lookup_caller: the answer every adapter reads."""

    def lookup(self, number, connection=None):
        return (connection or self.connection).sudo()._lookup_caller(number)

    def test_a_contact_is_found_with_its_company_email_and_owners_extension(self):
        company = self.make_partner("Azure Interior", is_company=True)
        partner = self.make_partner("Brandon Freeman", parent_id=company.id, phone="+84989464344",
                                    email="brandon@azure.example", user_id=self.salesperson.id)
        answer = self.lookup("0989464344")
        self.assertContract("lookup_answer", answer)
        self.assertEqual(answer["record"], {"model": "res.partner", "id": partner.id,
                                            "name": partner.display_name})
        self.assertEqual((answer["found"], answer["e164"], answer["blocked"]), (True, E164, False))
        self.assertEqual(answer["caller_name"], "Azure Interior, Brandon Freeman")
        self.assertEqual(answer["company"], "Azure Interior")
        self.assertEqual(answer["email"], "brandon@azure.example")
        self.assertTrue(answer["url"].endswith(f"/web#model=res.partner&id={partner.id}&view_type=form"))
        self.assertEqual(answer["owner"], {"user_id": self.salesperson.id, "name": "Sally Sales",
                                           "extension": "101"})

    def test_a_company_is_found_as_its_own_company(self):
        company = self.make_partner("Azure Interior", is_company=True,
                                    **number_vals(mobile="+84 98 946 43 44"))
        answer = self.lookup("+84989464344")
        self.assertEqual(answer["record"]["id"], company.id)
        self.assertEqual((answer["caller_name"], answer["company"]), ("Azure Interior", "Azure Interior"))

    def test_a_lead_is_found_by_its_contact_name_and_routed_to_its_salesperson(self):
        lead = self.make_lead("Office chairs", contact_name="Lena Lead", partner_name="Lena Corp",
                              phone="098 946 43 44", email_from="lena@corp.example",
                              user_id=self.salesperson2.id)
        answer = self.lookup("0989464344")
        self.assertEqual(answer["record"], {"model": "crm.lead", "id": lead.id, "name": "Office chairs"})
        self.assertEqual((answer["caller_name"], answer["company"], answer["email"]),
                         ("Lena Lead", "Lena Corp", "lena@corp.example"))
        self.assertEqual(answer["owner"]["extension"], "102")

    def test_an_owner_without_extension_has_a_null_extension(self):
        self.make_partner("Dora's Customer", phone="+84989464344", user_id=self.default_user.id)
        answer = self.lookup("0989464344")
        self.assertContract("lookup_answer", answer)
        self.assertEqual(answer["owner"],
                         {"user_id": self.default_user.id, "name": "Dora Default", "extension": None})
        self.make_lead("Unowned", phone="+84912345678", user_id=False)
        self.assertIsNone(self.lookup("0912345678")["owner"])

    def test_a_blacklisted_number_is_blocked_whether_known_or_not(self):
        self.env["phone.blacklist"].sudo()._add([E164])
        self.assertEqual((self.lookup("0989464344")["blocked"], self.lookup("0989464344")["found"]),
                         (True, False))
        self.make_partner("Spammer", phone=E164)
        answer = self.lookup("0084 98 946 4344")
        self.assertEqual((answer["blocked"], answer["found"], answer["caller_name"]),
                         (True, True, "Spammer"))

    def test_an_unknown_number_is_not_found(self):
        answer = self.lookup("0912 000 111")
        self.assertContract("lookup_answer", answer)
        self.assertEqual(answer, dict(answer, found=False, record=None, caller_name="", company=None,
                                      email=None, url=None, owner=None, blocked=False))
        self.assertEqual((answer["number"], answer["e164"]), ("0912 000 111", "+84912000111"))

    def test_a_record_of_another_company_is_never_returned(self):
        other = self.env["res.company"].create({"name": "Other Company", "country_id": self.vn.id})
        self.make_partner("Other's Contact", phone=E164, company_id=other.id)
        self.make_lead("Other's Lead", phone=E164, company_id=other.id)
        self.assertFalse(self.lookup("0989464344")["found"])
        shared = self.make_partner("Shared Contact", phone=E164, company_id=False)
        self.assertEqual(self.lookup("0989464344")["record"]["id"], shared.id)
        other_connection = self.env["pbx.connection"].sudo().create(
            {"name": "Other PBX", "company_id": other.id, "country_id": self.vn.id})
        self.assertEqual(self.lookup("0989464344", other_connection)["record"]["name"],
                         "Other's Contact")

    def test_every_number_format_finds_a_record_stored_in_every_number_format(self):
        for stored in NUMBER_FORMATS:
            partner = self.make_partner(f"Stored as {stored}", phone=stored)
            for asked in NUMBER_FORMATS:
                with self.subTest(stored=stored, asked=asked):
                    answer = self.lookup(asked)
                    self.assertEqual(answer["record"]["id"], partner.id)
                    self.assertEqual((answer["number"], answer["e164"]), (asked, E164))
            partner.active = False


@tagged("post_install", "-at_install")
class TestLookupRoute(ReadRouteCase):
    """GET/POST /api/callcenter/lookup: the lookup answer as JSON."""

    def test_the_route_answers_the_lookup_answer_with_the_token_sent_any_way(self):
        partner = self.make_partner("Brandon Freeman", phone="+84989464344", user_id=self.salesperson.id)
        expected = self.connection.sudo()._lookup_caller("0989464344")
        for auth in ("query", "bearer", "x-api-key"):
            with self.subTest(auth=auth):
                response = self.fetch("lookup", {"number": "0989464344"}, auth=auth)
                self.assertEqual(response.status_code, 200, response.text)
                self.assertIn("application/json", response.headers["Content-Type"])
                self.assertEqual(response.headers["Cache-Control"], "no-store")
                self.assertEqual(response.json(), expected)
                self.assertContract("lookup_answer", response.json())
                self.assertEqual(response.json()["record"]["id"], partner.id)

    def test_a_form_post_and_a_query_post_are_read_like_a_get(self):
        self.make_partner("Brandon Freeman", phone="+84989464344")
        by_form = self.fetch("lookup", method="POST", data={"number": "0989464344"})
        by_query = self.fetch("lookup", {"number": "0989464344"}, method="POST")
        for response in (by_form, by_query):
            self.assertEqual(response.status_code, 200, response.text)
            self.assertEqual(response.json()["caller_name"], "Brandon Freeman")

    def test_an_unknown_number_answers_200_not_found(self):
        response = self.fetch("lookup", {"number": "+84 912 000 111"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual((response.json()["found"], response.json()["record"]), (False, None))

    def test_a_lookup_writes_nothing_even_for_an_unknown_number_with_auto_create_on(self):
        self.assertTrue(self.connection.auto_create_inbound)
        self.make_partner("Brandon Freeman", phone="+84989464344")
        before = self.created_counts()
        for number in ("0989464344", "0912000111"):
            self.assertEqual(self.fetch("lookup", {"number": number}).status_code, 200)
            self.assertEqual(self.fetch("caller_name", {"number": number}).status_code, 200)
        self.assertEqual(self.created_counts(), before)

    def test_a_missing_or_hostile_number_answers_400_naming_the_number(self):
        self.assertJsonError(self.fetch("lookup", {}), "invalid_payload", ["number"])
        for number in HOSTILE_NUMBERS:
            with self.subTest(number=number[:40]):
                self.assertJsonError(self.fetch("lookup", {"number": number}),
                                     "invalid_payload", ["number"])

    def test_no_token_a_wrong_token_or_a_token_hash_answer_401(self):
        for token in (None, "", "pbx_" + "A" * 43, self.token[:-1], "x" * 5000, "' OR 1=1 --"):
            with self.subTest(token=token and token[:20]):
                self.assertJsonError(self.fetch("lookup", {"number": "0989464344"}, token=token),
                                     "unauthorized")

    def test_a_source_ip_outside_the_allow_list_answers_403(self):
        self.connection.sudo().allowed_ips = "10.0.0.0/8"
        self.assertJsonError(self.fetch("lookup", {"number": "0989464344"}), "forbidden")
        self.connection.sudo().allowed_ips = "127.0.0.1, ::1"
        self.assertEqual(self.fetch("lookup", {"number": "0989464344"}).status_code, 200)

    def test_a_disabled_connection_answers_503(self):
        self.connection.with_user(self.manager).action_disable()
        self.assertJsonError(self.fetch("lookup", {"number": "0989464344"}), "integration_disabled")

    def test_other_methods_answer_405(self):
        for method in ("PUT", "PATCH", "DELETE"):
            with self.subTest(method=method):
                self.assertJsonError(self.fetch("lookup", {"number": "0989464344"}, method=method),
                                     "method_not_allowed")


@tagged("post_install", "-at_install")
class TestCallerNameRoute(ReadRouteCase):
    """GET /api/callcenter/caller_name: a FreePBX Caller ID Lookup Source (HTTP). Asterisk puts
    the body into CALLERID(name), so it is the name only, and empty for every error."""

    def assertPlainText(self, response, status, text):
        self.assertEqual(response.status_code, status, response.content)
        self.assertEqual(response.headers["Content-Type"], "text/plain; charset=utf-8")
        self.assertEqual(response.content, text.encode("utf-8"))

    def assertEmptyError(self, response, status):
        """An error: its status says what, its body is empty (it would show as a name)."""
        self.assertPlainText(response, status, "")
        self.assertEqual(response.headers.get("Content-Length"), "0")

    def test_a_known_number_answers_the_name_only_as_utf8_text(self):
        self.make_partner("Trần Văn Ơn", phone="+84989464344")
        self.assertPlainText(self.fetch("caller_name", {"number": "0989464344"}), 200, "Trần Văn Ơn")

    def test_the_number_as_freepbx_sends_it_unencoded_is_found(self):
        # ${CALLERID(num)} is pasted into the URL as is: "+84…" arrives as " 84…".
        self.make_partner("Brandon Freeman", phone="0989464344")
        for number in NUMBER_FORMATS:
            with self.subTest(number=number):
                response = self.fetch("caller_name", raw_query=f"number={number}&token={self.token}")
                self.assertPlainText(response, 200, "Brandon Freeman")

    def test_a_lead_answers_its_contact_name(self):
        self.make_lead("Office chairs", contact_name="Lena Lead",
                       **number_vals(mobile="+84989464344"))
        self.assertPlainText(self.fetch("caller_name", {"number": "0989464344"}), 200, "Lena Lead")

    def test_a_name_that_would_break_a_sip_display_name_is_cleaned_and_cut(self):
        self.make_partner('Brandon "The\r\nBoss" <Freeman>\\\x07\u202e', phone="+84989464344")
        self.assertPlainText(self.fetch("caller_name", {"number": "0989464344"}), 200,
                             "Brandon The Boss Freeman")
        self.make_partner("N" * 300, phone="+84912345678")
        self.assertPlainText(self.fetch("caller_name", {"number": "0912345678"}), 200, "N" * 64)

    def test_an_unknown_number_answers_an_empty_200(self):
        self.assertPlainText(self.fetch("caller_name", {"number": "0912000111"}), 200, "")

    def test_a_blacklisted_number_answers_an_empty_200_even_when_known(self):
        self.make_partner("Spammer", phone=E164)
        self.env["phone.blacklist"].sudo()._add([E164])
        self.assertPlainText(self.fetch("caller_name", {"number": "0989464344"}), 200, "")

    def test_every_error_answers_its_status_with_an_empty_body(self):
        self.make_partner("Brandon Freeman", phone="+84989464344")
        number = {"number": "0989464344"}
        self.assertEmptyError(self.fetch("caller_name", number, token=None), 401)
        self.assertEmptyError(self.fetch("caller_name", number, token="pbx_wrong"), 401)
        self.assertEmptyError(self.fetch("caller_name", number, token="x" * 5000), 401)
        self.assertEmptyError(self.fetch("caller_name", number, method="DELETE"), 405)
        self.assertEmptyError(self.fetch("caller_name", {}), 400)
        for hostile in HOSTILE_NUMBERS:
            with self.subTest(number=hostile[:40]):
                self.assertEmptyError(self.fetch("caller_name", {"number": hostile}), 400)
        self.connection.sudo().allowed_ips = "192.0.2.1"
        self.assertEmptyError(self.fetch("caller_name", number), 403)
        self.connection.sudo().allowed_ips = False
        self.connection.with_user(self.manager).action_disable()
        self.assertEmptyError(self.fetch("caller_name", number), 503)
        self.connection.with_user(self.manager).action_enable()
        self.assertPlainText(self.fetch("caller_name", number), 200, "Brandon Freeman")

    def test_an_injection_in_the_query_string_answers_an_empty_400(self):
        raw = f"number=0989464344%0d%0aX-Injected:%20yes&token={self.token}"
        response = self.fetch("caller_name", raw_query=raw)
        self.assertEmptyError(response, 400)
        self.assertNotIn("X-Injected", response.headers)
