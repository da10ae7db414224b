"""The phone book: /api/callcenter/phonebook.{json,csv,xml} for IP phones and PBX directories,
and the connection form's Phone Book download."""
import csv
import io
import xml.etree.ElementTree as ET
from unittest.mock import patch

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from ..models import pbx_phonebook
from .common import entry_numbers, number_vals
from .test_lookup_routes import ReadRouteCase


@tagged("post_install", "-at_install")
class TestPhonebookExport(ReadRouteCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_company = cls.env["res.company"].create({"name": "Other Company"})

    def setUp(self):
        super().setUp()
        # What the database held before this test: its records are counted, not asserted.
        self.baseline = self.phonebook_json("individuals,companies,leads")
        Partner = self.env["res.partner"]
        self.azure = Partner.create({"name": "Azure & <Interior>", "is_company": True,
                                     "phone": "+84 28 1234 5678", "company_id": self.company.id})
        self.brandon = Partner.create({"name": "Brandon Freeman", "parent_id": self.azure.id,
                                       **number_vals("098 946 43 44", "+84 90 111 2222")})
        self.formula = Partner.create({"name": '=HYPERLINK("http://evil")',
                                       **number_vals(mobile="0911 222 333")})
        self.shared = Partner.create({"name": "Shared Contact", "phone": "0933 000 111",
                                      "company_id": False})
        self.nameless = Partner.create({"type": "invoice", "parent_id": self.azure.id,
                                        "phone": "0944 000 111"})
        self.numberless = Partner.create({"name": "No Number", **number_vals("n/a", "  ")})
        self.archived = Partner.create({"name": "Archived", "phone": "0955 000 111", "active": False})
        self.foreign = Partner.create({"name": "Other's Contact", "phone": "0966 000 111",
                                       "company_id": self.other_company.id})
        self.lead = self.env["crm.lead"].create({"name": "Office chairs", "contact_name": "Lena Lead",
                                                 "partner_name": "Lena Corp", "phone": "0977 000 111"})
        self.lead_without_number = self.env["crm.lead"].create({"name": "Silent lead"})
        self.foreign_lead = self.env["crm.lead"].create(
            {"name": "Foreign lead", "phone": "0988 000 111", "company_id": self.other_company.id})

    def phonebook_json(self, include=None, **kwargs):
        params = {"include": include} if include is not None else {}
        response = self.fetch("phonebook.json", params, **kwargs)
        self.assertEqual(response.status_code, 200, response.text)
        return response.json()

    def entries_by_id(self, data, kind):
        return {entry["id"]: entry for entry in data["entries"] if entry["kind"] == kind}

    def skipped_delta(self, data):
        return {reason: data["skipped"][reason] - self.baseline["skipped"][reason]
                for reason in data["skipped"]}

    # ---- what is in it ----------------------------------------------------------------------

    def test_the_json_phone_book_holds_individuals_and_companies_with_a_name_and_a_number(self):
        data = self.phonebook_json()
        self.assertEqual(data["include"], ["individuals", "companies"])
        self.assertEqual(data["count"], len(data["entries"]))
        individuals = self.entries_by_id(data, "individuals")
        self.assertEqual(individuals[self.brandon.id], {
            "kind": "individuals", "id": self.brandon.id,
            "name": "Azure & <Interior>, Brandon Freeman", "company": "Azure & <Interior>",
            **entry_numbers("0989464344", "+84901112222")})
        self.assertEqual(individuals[self.shared.id]["name"], "Shared Contact")
        formula = individuals[self.formula.id]
        self.assertEqual({"phone": formula["phone"], "mobile": formula["mobile"]},
                         entry_numbers(mobile="0911222333"))
        self.assertEqual(self.entries_by_id(data, "companies")[self.azure.id]["phone"], "+842812345678")
        self.assertFalse(self.entries_by_id(data, "leads"))
        self.assertFalse({self.nameless.id, self.numberless.id, self.archived.id, self.foreign.id}
                         & set(individuals))

    def test_records_without_a_name_or_a_number_are_counted_by_reason(self):
        data = self.phonebook_json("individuals,companies,leads")
        self.assertEqual(self.skipped_delta(data), {"no_name": 1, "no_number": 2})
        self.assertEqual(data["count"] - self.baseline["count"], 5)

    def test_leads_are_in_it_only_when_asked_for_with_their_contact_name(self):
        data = self.phonebook_json("leads")
        self.assertEqual(data["include"], ["leads"])
        self.assertEqual({entry["kind"] for entry in data["entries"]}, {"leads"})
        leads = self.entries_by_id(data, "leads")
        self.assertEqual(leads[self.lead.id], {"kind": "leads", "id": self.lead.id,
                                               "name": "Lena Lead", "company": "Lena Corp",
                                               "phone": "0977000111", "mobile": None})
        self.assertNotIn(self.foreign_lead.id, leads)
        self.assertNotIn(self.lead_without_number.id, leads)

    def test_reading_in_batches_of_three_gives_the_same_phone_book(self):
        whole = self.phonebook_json("individuals,companies,leads")
        with patch.object(pbx_phonebook, "BATCH_SIZE", 3):
            batched = self.phonebook_json("individuals,companies,leads")
        self.assertEqual(batched, whole)
        read = whole["count"] + sum(whole["skipped"].values())
        self.assertGreater(read, 2 * 3, "records read: enough for at least three batches of three")

    def test_the_csv_phone_book_is_formula_safe_and_reports_the_skipped_in_a_header(self):
        response = self.fetch("phonebook.csv", {"include": "individuals"})
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.headers["Content-Type"], "text/csv; charset=utf-8")
        self.assertFalse(response.content.startswith(b"\xef\xbb\xbf"))
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"), newline="")))
        self.assertEqual(rows[0], ["kind", "id", "name", "company", "phone", "mobile"])
        by_id = {row[1]: row for row in rows[1:]}
        self.assertEqual(by_id[str(self.formula.id)][2], '\'=HYPERLINK("http://evil")')
        self.assertEqual(by_id[str(self.brandon.id)][4:],
                         [n or "" for n in entry_numbers("0989464344", "+84901112222").values()])
        self.assertEqual(response.headers["X-Pbx-Count"], str(len(rows) - 1))
        skipped = dict(item.split("=") for item in response.headers["X-Pbx-Skipped"].split(", "))
        baseline = self.phonebook_json("individuals")["skipped"]
        self.assertEqual({key: int(value) for key, value in skipped.items()}, baseline)
        self.assertEqual(int(response.headers["Content-Length"]), len(response.content))
        with_bom = self.fetch("phonebook.csv", {"bom": "1"})
        self.assertTrue(with_bom.content.startswith(b"\xef\xbb\xbfkind,id,name"))

    def test_the_yealink_phone_book_is_a_directory_of_escaped_names_and_their_numbers(self):
        response = self.fetch("phonebook.xml")
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.headers["Content-Type"], "application/xml; charset=utf-8")
        self.assertIn(b"<Name>Azure &amp; &lt;Interior&gt;</Name>", response.content)
        root = ET.fromstring(response.content)
        self.assertEqual(root.tag, "YealinkIPPhoneDirectory")
        directory = {entry.findtext("Name"): [t.text for t in entry.findall("Telephone")]
                     for entry in root.findall("DirectoryEntry")}
        self.assertEqual(directory["Azure & <Interior>, Brandon Freeman"],
                         [n for n in entry_numbers("0989464344", "+84901112222").values() if n])
        self.assertEqual(directory["Azure & <Interior>"], ["+842812345678"])
        self.assertNotIn("Other's Contact", directory)
        self.assertEqual(len(root), int(response.headers["X-Pbx-Count"]))

    def test_the_token_may_come_as_a_query_parameter_bearer_or_api_key(self):
        for auth in ("query", "bearer", "x-api-key"):
            with self.subTest(auth=auth):
                self.assertEqual(self.fetch("phonebook.xml", auth=auth).status_code, 200)

    def test_an_export_writes_nothing(self):
        before = self.created_counts()
        for file_format in ("json", "csv", "xml"):
            self.fetch(f"phonebook.{file_format}", {"include": "individuals,companies,leads"})
        self.assertEqual(self.created_counts(), before)

    # ---- hostile requests ----------------------------------------------------------------------

    def test_without_a_valid_token_from_an_allowed_ip_on_an_enabled_connection_nothing_is_exported(self):
        for token in (None, "pbx_wrong", "x" * 5000):
            with self.subTest(token=token and token[:12]):
                body = self.assertJsonError(self.fetch("phonebook.xml", token=token), "unauthorized")
                self.assertNotIn("entries", body)
        self.connection.sudo().allowed_ips = "192.0.2.0/24"
        self.assertJsonError(self.fetch("phonebook.csv"), "forbidden")
        self.connection.sudo().allowed_ips = False
        self.connection.with_user(self.manager).action_disable()
        self.assertJsonError(self.fetch("phonebook.json"), "integration_disabled")

    def test_bad_kinds_formats_and_flags_answer_400_naming_each(self):
        cases = [
            ("phonebook.json", {"include": "contacts"}, ["include"]),
            ("phonebook.json", {"include": "leads,' OR 1=1 --"}, ["include"]),
            ("phonebook.json", {"include": "ü" * 500}, ["include"]),
            ("phonebook.txt", {}, ["format"]),
            ("phonebook.XML", {}, ["format"]),
            ("phonebook.vcf", {"include": "users", "bom": "maybe"}, ["format", "include", "bom"]),
        ]
        for path, params, fields in cases:
            with self.subTest(path=path, params=params):
                self.assertJsonError(self.fetch(path, params), "invalid_payload", fields)

    def test_other_methods_answer_405(self):
        for method in ("POST", "PUT", "DELETE"):
            with self.subTest(method=method):
                self.assertJsonError(self.fetch("phonebook.xml", method=method), "method_not_allowed")

    # ---- the admin download ---------------------------------------------------------------------

    def test_a_manager_downloads_the_phone_book_and_sees_what_was_skipped(self):
        wizard = self.env["pbx.phonebook.export"].with_user(self.manager).create({
            "connection_id": self.connection.id, "file_format": "csv", "include_leads": True,
        })
        self.assertIn("/api/callcenter/phonebook.csv?include=individuals,companies,leads&token=",
                      wizard.phone_url)
        action = wizard.action_export()
        self.assertEqual((action["res_id"], wizard.state), (wizard.id, "done"))
        expected = self.phonebook_json("individuals,companies,leads")
        self.assertEqual((wizard.count, wizard.skipped_no_name, wizard.skipped_no_number),
                         (expected["count"], expected["skipped"]["no_name"],
                          expected["skipped"]["no_number"]))
        rows = list(csv.reader(io.StringIO(wizard.attachment_id.raw.decode("utf-8"), newline="")))
        self.assertEqual(len(rows) - 1, expected["count"])
        self.assertEqual(wizard.attachment_id.mimetype, "text/csv")
        self.assertEqual(wizard.action_download()["url"],
                         f"/web/content/{wizard.attachment_id.id}?download=true")

    def test_the_download_needs_a_kind_of_record_and_a_manager(self):
        wizard = self.env["pbx.phonebook.export"].with_user(self.manager).create({
            "connection_id": self.connection.id, "include_individuals": False,
            "include_companies": False,
        })
        with self.assertRaises(UserError):
            wizard.action_export()
        with self.assertRaises(UserError):
            wizard.action_download()
        with self.assertRaises(AccessError):
            self.env["pbx.phonebook.export"].with_user(self.salesperson).create(
                {"connection_id": self.connection.id})
