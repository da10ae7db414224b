"""3CX: the routes its server-side CRM template calls (lookup, search, contact, journal), exercised
over real HTTP with exactly the requests the shipped template makes (rendered from
vendors/threecx/pbx_callcenter_3cx.xml with sample values), and the template's download from the
connection form."""
import json
from datetime import datetime
from urllib.parse import urlencode

from odoo.tests import tagged
from odoo.tools import mute_logger

from ..lib import contract
from ..vendors.threecx import protocol as threecx
from . import threecx_replay as tpl
from .common import _DEFAULT, E164, PbxHttpCase, entry_numbers, number_vals

XML = tpl.read_template()
SCENARIOS = tpl.scenarios(XML)
PREFIX, MAX_LENGTH = tpl.number_format(tpl.parse(XML))
LOOKUP, SEARCH, REPORT = "", "SearchContacts", "ReportCall"
CREATE, CREATE_FROM_CLIENT = "CreateContactRecord", "CreateContactRecordFromClient"
SECONDS = '[[[DurationTimespan].get_TotalSeconds()].ToString("F0")]'
START_UTC = '[[CallStartTimeUTC].ToString("s")]'
START_LOCAL = '[[CallStartTimeLocal].ToString("s")]'
#: What 3CX puts in the template's variables for one call (the connection's zone is UTC+7).
CALL = {
    "Number": "+84989464344", "CallType": "Inbound", "Agent": "101",
    "AgentEmail": "sally@example.com", "QueueExtension": "", "Duration": "00:01:05", SECONDS: "65",
    START_UTC: "2025-03-14T10:00:00", START_LOCAL: "2025-03-14T17:00:00", "RecordingUrl": "",
    "FirstName": "", "LastName": "", "Email": "", "SearchText": "Quillon",
    "CreateContactEnabled": "True", "ReportCallEnabled": "True",
}
LOGGER = "odoo.addons.pbx_callcenter.models.pbx_call_event"
HOSTILE = ["0989464344' OR '1'='1", "<script>alert(1)</script>", "0989464344; DROP TABLE res_partner",
           "${jndi:ldap://x}", "٠٩٨٩٤٦٤٣٤٤", "12", "9" * 70, "0989\u202e464344"]


class ThreecxCase(PbxHttpCase):
    """Sends what 3CX sends: each scenario's request as the template builds it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.connection.sudo().kind = "threecx"

    def values(self, **changes):
        values = dict(CALL, OdooUrl=self.base_url(), ApiToken=self.token)
        values.update(changes)
        values["Number"] = tpl.format_number(values["Number"], PREFIX, MAX_LENGTH)
        return values

    def send(self, scenario_id, token=_DEFAULT, headers=None, raw=None, method=None,
             content_type="application/json", **changes):
        """The scenario's request as 3CX builds it (token=None: no X-Api-Key header; raw: these
        body bytes instead of the PostValues); returns the requests response."""
        self.assertRoutesUsable()
        values = self.values(**changes)
        if token is not _DEFAULT:
            values["ApiToken"] = token or ""
        request = tpl.simulate_request(SCENARIOS[scenario_id], values)
        hdrs = {key: value for key, value in request["headers"].items() if value}
        if request["body"] is not None or raw is not None:
            hdrs["Content-Type"] = content_type
        hdrs.update(headers or {})
        data = raw
        if raw is None and request["body"] is not None:
            data = json.dumps(request["body"], ensure_ascii=False).encode()
        response = self.opener.request(method or request["method"], request["url"], data=data,
                                       headers=hdrs, timeout=30)
        self.assertIn("application/json", response.headers.get("Content-Type", ""), response.text[:300])
        return response

    def json_of(self, scenario_id, expect=200, **kwargs):
        response = self.send(scenario_id, **kwargs)
        body = response.json()
        self.assertEqual(response.status_code, expect, body)
        return body

    def report(self, expect=200, **changes):
        """ReportCall; its answer is a canonical event answer (responses.json shape)."""
        response = self.send(REPORT, **changes)
        body = response.json()
        self.assertContractResponse(response.status_code, body)
        self.assertEqual(response.status_code, expect, body)
        self.env.invalidate_all()
        return body

    def assertRefusal(self, response, code, fields=None):
        body = response.json()
        self.assertEqual((response.status_code, body["ok"], body["error"]["code"]),
                         (contract.ERROR_STATUS[code], False, code), body)
        if fields is not None:
            self.assertEqual(set(body["error"]["fields"]), set(fields), body)
        return body

    def outputs(self, scenario_id, answer):
        """What 3CX shows: the scenario's Outputs, from its Variables read in `answer`."""
        scenario = SCENARIOS[scenario_id]
        variables = {}
        for name, path in scenario.variables.items():
            found = tpl.read_path(answer, path)
            variables[name] = str(found[0]) if found else ""
        return {kind: tpl.evaluate(value, variables) for kind, value in scenario.outputs.items()}

    def record_counts(self):
        self.env.flush_all()
        return self.counts() + (
            self.env["res.partner"].sudo().with_context(active_test=False).search_count([]),
            self.env["crm.lead"].sudo().with_context(active_test=False).search_count([]),
        )

    def block(self, number=E164):
        self.env["phone.blacklist"].sudo()._add([number])


@tagged("post_install", "-at_install")
class TestThreecxLookup(ThreecxCase):

    def test_a_contact_of_a_company_is_shown_with_first_last_and_company_names(self):
        company = self.make_partner("Azure Interior", is_company=True)
        partner = self.make_partner("Brandon Freeman", parent_id=company.id,
                                    email="brandon@azure.example",
                                    **number_vals("0989 464 344", "+84 912 345 678"))
        answer = self.json_of(LOOKUP)
        self.assertEqual((answer["found"], answer["blocked"], len(answer["contacts"])),
                         (True, False, 1))
        shown = self.outputs(LOOKUP, answer)
        self.assertEqual(shown["ContactID"], f"partner-{partner.id}")
        self.assertEqual((shown["FirstName"], shown["LastName"], shown["CompanyName"]),
                         ("Brandon", "Freeman", "Azure Interior"))
        numbers = entry_numbers(E164, "+84912345678")
        self.assertEqual((shown["Email"], shown["PhoneBusiness"], shown["PhoneMobile"]),
                         ("brandon@azure.example", numbers["phone"], numbers["mobile"] or ""))
        self.assertEqual((shown["EntityId"], shown["EntityType"]),
                         (f"partner-{partner.id}", "Contacts"))
        self.assertIn(f"model=res.partner&id={partner.id}", shown["ContactUrl"])

    def test_a_company_is_shown_by_its_company_name(self):
        self.make_partner("Azure Interior", is_company=True, phone=E164)
        shown = self.outputs(LOOKUP, self.json_of(LOOKUP))
        self.assertEqual((shown["FirstName"], shown["LastName"], shown["CompanyName"]),
                         ("", "", "Azure Interior"))

    def test_a_lead_is_shown_with_its_contact_company_and_entity_type(self):
        lead = self.make_lead("Office chairs", contact_name="Jane Doe", partner_name="Doe Ltd",
                              phone="0989464344", email_from="jane@doe.example")
        shown = self.outputs(LOOKUP, self.json_of(LOOKUP))
        self.assertEqual((shown["FirstName"], shown["LastName"], shown["CompanyName"], shown["Email"]),
                         ("Jane", "Doe", "Doe Ltd", "jane@doe.example"))
        self.assertEqual((shown["ContactID"], shown["EntityType"]), (f"lead-{lead.id}", "Leads"))
        self.assertIn(f"model=crm.lead&id={lead.id}", shown["ContactUrl"])

    def test_an_unknown_number_answers_no_contact_so_the_template_finds_none(self):
        answer = self.json_of(LOOKUP, Number="+84911111111")
        self.assertEqual((answer["found"], answer["contacts"]), (False, []))
        self.assertEqual(tpl.read_path(answer, SCENARIOS[LOOKUP].rules[0]), [])

    def test_a_blacklisted_caller_is_not_announced(self):
        self.make_partner("Spam Caller", phone=E164)
        self.block()
        answer = self.json_of(LOOKUP)
        self.assertEqual((answer["found"], answer["blocked"], answer["contacts"]), (False, True, []))

    def test_a_plus_left_unencoded_in_the_query_still_finds_the_caller(self):
        partner = self.make_partner("Brandon Freeman", phone=E164)
        response = self.opener.request(
            "GET", f"{self.base_url()}{threecx.LOOKUP_PATH}?number=+84989464344",
            headers={"X-Api-Key": self.token}, timeout=30)
        self.assertEqual(response.json()["contacts"][0]["id"], f"partner-{partner.id}")

    def test_the_lookup_writes_nothing(self):
        self.make_partner("Brandon Freeman", phone=E164)
        before = self.record_counts()
        self.json_of(LOOKUP)
        self.json_of(LOOKUP, Number="+84911111111")
        self.assertEqual(self.record_counts(), before)

    def test_a_missing_unresolved_or_hostile_number_is_refused_by_name(self):
        for number in ["", "[Number]", *HOSTILE]:
            with self.subTest(number=number):
                self.assertRefusal(self.send(LOOKUP, Number=number), "invalid_payload", {"number"})

    def test_a_request_without_or_with_a_wrong_token_is_refused(self):
        for token in (None, "pbx_wrong", "x" * 5000):
            with self.subTest(token=token[:10] if token else token):
                self.assertRefusal(self.send(LOOKUP, token=token), "unauthorized")

    def test_a_request_from_an_unlisted_ip_is_refused(self):
        self.connection.sudo().allowed_ips = "10.0.0.0/8"
        self.assertRefusal(self.send(LOOKUP), "forbidden")

    def test_a_disabled_integration_answers_503(self):
        self.connection.sudo().enabled = False
        self.assertRefusal(self.send(LOOKUP), "integration_disabled")

    def test_other_methods_are_refused(self):
        for method in ("POST", "PUT", "DELETE"):
            with self.subTest(method=method):
                self.assertRefusal(self.send(LOOKUP, method=method), "method_not_allowed")

    def test_a_connection_requiring_signatures_refuses_3cx_which_cannot_sign(self):
        self.connection.sudo().webhook_secret = "s3cr3t"
        body = self.assertRefusal(self.send(LOOKUP), "forbidden")
        self.assertIn("3CX", body["error"]["message"])

    def test_names_with_markup_and_control_characters_are_answered_as_plain_json_text(self):
        self.make_partner('<img src=x onerror=alert(1)> "Bob"\nO\'Brien', phone=E164)
        response = self.send(LOOKUP)
        self.assertNotIn("\n", response.text)
        shown = self.outputs(LOOKUP, response.json())
        self.assertEqual((shown["FirstName"], shown["LastName"]),
                         ("<img", 'src=x onerror=alert(1)> "Bob" O\'Brien'))


@tagged("post_install", "-at_install")
class TestThreecxSearch(ThreecxCase):
    """The SearchContacts scenario: what the 3CX web client's contact search finds in Odoo."""

    def search(self, text, expect=200, **kwargs):
        return self.json_of(SEARCH, expect=expect, SearchText=text, **kwargs)

    def found(self, text, **kwargs):
        """The ids of the contacts 3CX lists for `text`, in order."""
        answer = self.search(text, **kwargs)
        self.assertEqual((answer["ok"], answer["found"]), (True, bool(answer["contacts"])), answer)
        return [contact["id"] for contact in answer["contacts"]]

    def test_a_name_finds_contacts_then_leads_in_the_lookups_contact_shape(self):
        company = self.make_partner("Vexmoor Ltd", is_company=True)
        partner = self.make_partner("Quillon Zebedee", parent_id=company.id, phone=E164,
                                    email="qz@vexmoor.example")
        lead = self.make_lead("Desks", contact_name="Quillon Ash", partner_name="Ashbury",
                              email_from="qa@ashbury.example")
        self.make_partner("Somebody Else", phone="+84912345678")
        answer = self.search("quillon")
        self.assertEqual([c["id"] for c in answer["contacts"]], [f"partner-{partner.id}", f"lead-{lead.id}"])
        self.assertEqual(answer["contacts"][0], self.json_of(LOOKUP)["contacts"][0])
        shown = self.outputs(SEARCH, answer)
        self.assertEqual((shown["FirstName"], shown["LastName"], shown["CompanyName"], shown["EntityType"]),
                         ("Quillon", "Zebedee", "Vexmoor Ltd", "Contacts"))
        self.assertEqual(answer["contacts"][1]["entity_type"], "Leads")

    def test_a_company_or_an_email_finds_the_record(self):
        company = self.make_partner("Vexmoor Ltd", is_company=True)
        partner = self.make_partner("Quillon Zebedee", parent_id=company.id, email="qz@quill.example")
        lead = self.make_lead("Desks", partner_name="Ashbury Vexmoor", email_from="buyer@ashbury.example")
        self.assertEqual(self.found("VEXMOOR"), [f"partner-{partner.id}", f"partner-{company.id}", f"lead-{lead.id}"])
        self.assertEqual(self.found("qz@quill.example"), [f"partner-{partner.id}"])
        self.assertEqual(self.found("buyer@ashbury"), [f"lead-{lead.id}"])

    def test_a_number_in_any_format_or_its_last_digits_finds_the_record(self):
        partner = self.make_partner("Quillon Zebedee", **number_vals("0989 464 344"))
        lead = self.make_lead("Desks", contact_name="Quillon Ash", phone="(098) 946-4344")
        self.make_partner("Other Number", phone="+84912345678")
        both = [f"partner-{partner.id}", f"lead-{lead.id}"]
        for text in ("0989464344", "0989 464 344", "+84 989 464 344", "0084989464344", "464344", "4344"):
            with self.subTest(text=text):
                self.assertEqual(self.found(text), both)
        self.assertEqual(self.found("5555555"), [])

    def test_percent_and_underscore_are_matched_literally(self):
        literal = self.make_partner("Quill 50%_off Deals")
        self.make_partner("Quill 50 xyoff Deals")
        under = self.make_partner("Quill a_b Corp")
        self.make_partner("Quill axb Corp")
        self.assertEqual(self.found("50%_off"), [f"partner-{literal.id}"])
        self.assertEqual(self.found("l a_b"), [f"partner-{under.id}"])
        self.assertEqual(self.found("%%"), [])
        self.assertEqual(self.found("__"), [])

    def test_another_companys_contacts_and_leads_are_not_found(self):
        company_b = self.env["res.company"].create({"name": "Quill Company B", "country_id": self.vn.id})
        shared = self.make_partner("Quillon Shared", phone=E164)
        other = self.make_partner("Quillon Other", company_id=company_b.id, phone=E164)
        other_lead = self.make_lead("Quillon Lead B", company_id=company_b.id, user_id=False, phone=E164)
        self.assertEqual(self.found("quillon"), [f"partner-{shared.id}"])
        self.assertEqual(self.found("0989464344"), [f"partner-{shared.id}"])
        result = self.env["pbx.connection"].provision({
            "name": "3CX of B", "kind": "threecx", "company_id": company_b.id, "country_id": self.vn.id})
        self.assertEqual(self.found("quillon", token=result["token"]),
                         [f"partner-{other.id}", f"partner-{shared.id}", f"lead-{other_lead.id}"])

    def test_at_most_twenty_contacts_then_leads_are_listed(self):
        partners = self.env["res.partner"].create([{"name": f"Quillon {n:02d}"} for n in range(15)])
        leads = self.env["crm.lead"].create([{"name": f"Quillon lead {n:02d}"} for n in range(10)])
        self.assertEqual(self.found("quillon"), [f"partner-{p.id}" for p in partners] + [
            f"lead-{lead.id}" for lead in leads.sorted("id", reverse=True)[:5]])
        self.env["res.partner"].create([{"name": f"Quillon {n:02d}"} for n in range(15, 25)])
        found = self.found("quillon")
        self.assertEqual((len(found), {item.split("-")[0] for item in found}), (threecx.SEARCH_LIMIT, {"partner"}))

    def test_a_blacklisted_contact_is_still_listed_by_a_search(self):
        partner = self.make_partner("Quillon Spammer", phone=E164)
        self.block()
        self.assertEqual(self.json_of(LOOKUP)["contacts"], [])
        self.assertEqual(self.found("quillon spammer"), [f"partner-{partner.id}"])

    def test_archived_records_are_not_found(self):
        self.make_partner("Quillon Gone", active=False)
        self.make_lead("Quillon Lost", active=False)
        self.assertEqual(self.found("quillon"), [])

    def test_the_search_writes_nothing(self):
        self.make_partner("Quillon Zebedee", phone=E164)
        before = self.record_counts()
        self.found("quillon")
        self.found("0989464344")
        self.found("nobody-here")
        self.assertEqual(self.record_counts(), before)

    # ---- hostile ---------------------------------------------------------------------------

    def test_no_token_a_wrong_token_or_another_kinds_token_is_refused(self):
        result = self.env["pbx.connection"].with_user(self.manager).provision({
            "name": "Generic PBX", "kind": "generic", "company_id": self.company.id})
        self.make_partner("Quillon Zebedee")
        for token in (None, "pbx_wrong", result["token"]):
            with self.subTest(token=token and token[:8]):
                body = self.assertRefusal(self.send(SEARCH, token=token), "unauthorized")
                self.assertNotIn("Quillon", json.dumps(body))

    def test_a_query_too_short_too_long_unresolved_or_with_control_characters_is_refused_by_name(self):
        for text in ("", "q", " q ", "[SearchText]", "q" * 101, "q" * 10240, "quil%0Alon", "quil%00",
                     "quil%1Blon"):
            with self.subTest(text=text[:20]):
                self.assertRefusal(self.send(SEARCH, SearchText=text), "invalid_payload", {"query"})

    def test_sql_and_markup_in_a_query_are_searched_as_text(self):
        partner = self.make_partner("Quillon O'Brien <b>")
        before = self.record_counts()
        self.assertEqual(self.found("n O'Brien <b"), [f"partner-{partner.id}"])
        for text in ("' OR '1'='1", "quillon'; DROP TABLE res_partner; --", "<script>alert(1)</script>",
                     "\\\\", "quillon\\%"):
            with self.subTest(text=text):
                self.assertEqual(self.found(text), [])
        self.assertEqual(self.record_counts(), before)

    def test_other_methods_a_disabled_integration_and_a_signing_connection_are_refused(self):
        for method in ("POST", "PUT", "DELETE"):
            with self.subTest(method=method):
                self.assertRefusal(self.send(SEARCH, method=method), "method_not_allowed")
        self.connection.sudo().webhook_secret = "s3cr3t"
        self.assertRefusal(self.send(SEARCH), "forbidden")
        self.connection.sudo().write({"webhook_secret": False, "enabled": False})
        self.assertRefusal(self.send(SEARCH), "integration_disabled")


@tagged("post_install", "-at_install")
class TestThreecxReportCall(ThreecxCase):

    def test_an_answered_inbound_call_is_one_ended_call_with_its_chatter_activity(self):
        partner = self.make_partner("Brandon Freeman", phone=E164)
        before = self.counts()
        body = self.report()
        self.assertCounts(before, calls=1, events=1)
        call = self.env["pbx.call"].sudo().browse(body["call"]["id"])
        self.assertEqual((call.direction, call.state, call.partner_id, call.user_id),
                         ("in", "ended", partner, self.salesperson))
        self.assertEqual((call.duration, call.talk_time, call.start_date),
                         (65, 65, datetime(2025, 3, 14, 10, 0, 0)))
        self.assertTrue(call.callid.startswith("3cx-"))
        self.assertEqual(len(self.call_messages(partner)), 1)
        event = call.event_ids
        self.assertEqual((event.source, event.native_event, event.route, event.state),
                         ("threecx", "ReportCall", "call_out", "done"))
        self.assertEqual(json.loads(event.payload)["AgentEmail"], "sally@example.com")

    def test_an_answered_outbound_call_is_an_ended_outgoing_call(self):
        body = self.report(CallType="Outbound", Agent="102")
        call = self.env["pbx.call"].sudo().browse(body["call"]["id"])
        self.assertEqual((call.direction, call.state, call.user_id),
                         ("out", "ended", self.salesperson2))

    def test_a_missed_call_asks_for_a_call_back_and_creates_the_unknown_caller(self):
        body = self.report(CallType="Missed", Duration="00:00:00", **{SECONDS: "0"})
        call = self.env["pbx.call"].sudo().browse(body["call"]["id"])
        self.assertEqual((call.direction, call.state, call.talk_time, call.auto_created),
                         ("in", "missed", 0, True))
        callbacks = self.env["mail.activity"].sudo().search([("pbx_callback_key", "!=", False)])
        self.assertEqual(len(callbacks), 1)
        self.assertEqual((callbacks.res_model, callbacks.res_id, callbacks.user_id),
                         ("res.partner", call.partner_id.id, self.salesperson))

    def test_an_unanswered_outbound_call_is_missed_without_call_back(self):
        body = self.report(CallType="Notanswered", Duration="00:00:00", **{SECONDS: "0"})
        call = self.env["pbx.call"].sudo().browse(body["call"]["id"])
        self.assertEqual((call.direction, call.state), ("out", "missed"))
        self.assertFalse(self.env["mail.activity"].sudo().search([("pbx_callback_key", "!=", False)]))

    def test_a_retried_report_is_one_call_one_activity_and_a_duplicate_event(self):
        partner = self.make_partner("Brandon Freeman", phone=E164)
        first = self.report()
        before = self.counts()
        again = self.report()
        local_only = self.report(**{START_UTC: ""})
        self.assertCounts(before, calls=0, events=2)
        self.assertEqual({first["call"]["id"], again["call"]["id"], local_only["call"]["id"]},
                         {first["call"]["id"]})
        self.assertEqual((first["duplicate"], again["duplicate"], local_only["duplicate"]),
                         (False, True, True))
        self.assertEqual(len(self.call_messages(partner)), 1)
        self.assertEqual(self.events_of(first["call"]["callid"]).mapped("state"),
                         ["duplicate", "duplicate", "done"])

    def test_another_second_or_agent_is_another_call(self):
        first = self.report()
        later = self.report(**{START_UTC: "2025-03-14T10:00:01"})
        other_agent = self.report(Agent="102")
        self.assertEqual(len({first["call"]["id"], later["call"]["id"], other_agent["call"]["id"]}), 3)

    def test_variables_this_3cx_leaves_unresolved_are_ignored(self):
        body = self.report(AgentEmail="[AgentEmail]", RecordingUrl="[RecordingUrl]",
                           QueueExtension="[QueueExtension]", Duration="00:02:00",
                           **{SECONDS: SECONDS})
        call = self.env["pbx.call"].sudo().browse(body["call"]["id"])
        self.assertEqual((call.duration, call.recording_url), (120, False))

    def test_a_recording_url_from_3cx_is_linked_to_the_call(self):
        url = "https://pbx.example.com:5001/recordings/101/call.wav"
        body = self.report(RecordingUrl=url)
        self.assertEqual(self.env["pbx.call"].sudo().browse(body["call"]["id"]).recording_url, url)

    def test_a_missed_queue_call_without_agent_goes_to_the_queue_extension(self):
        body = self.report(CallType="Missed", Agent="", QueueExtension="199", Duration="00:00:00",
                           **{SECONDS: "0"})
        call = self.env["pbx.call"].sudo().browse(body["call"]["id"])
        self.assertEqual((call.extension, call.state, call.user_id.id), ("199", "missed", False))

    def test_a_form_encoded_report_is_read_too(self):
        request = tpl.simulate_request(SCENARIOS[REPORT], self.values())
        body = self.report(raw=urlencode(request["body"]).encode(),
                           content_type="application/x-www-form-urlencoded")
        self.assertEqual(body["call"]["state"], "ended")

    # ---- hostile ---------------------------------------------------------------------------

    def test_no_or_a_wrong_token_is_refused_and_journals_nothing(self):
        before = self.counts()
        for token in (None, "pbx_wrong"):
            with self.subTest(token=token):
                self.report(expect=401, token=token)
        self.assertCounts(before)

    def test_an_unlisted_ip_a_disabled_integration_and_a_get_are_refused(self):
        before = self.counts()
        self.assertRefusal(self.send(REPORT, method="GET"), "method_not_allowed")
        self.connection.sudo().allowed_ips = "192.0.2.1"
        self.report(expect=403)
        self.connection.sudo().write({"allowed_ips": False, "enabled": False})
        self.report(expect=503)
        self.assertCounts(before)

    def test_malformed_call_type_duration_and_start_are_refused_by_name_and_kept(self):
        cases = [
            ({"CallType": "Internal"}, {"CallType"}),
            ({"Duration": "1 minute", SECONDS: "lots"}, {"Duration", "DurationSeconds"}),
            ({START_UTC: "14/03/2025", START_LOCAL: "yesterday"},
             {"CallStartTimeUTC", "CallStartTimeLocal"}),
            ({START_UTC: "", START_LOCAL: ""}, {"CallStartTimeUTC"}),
            ({"Agent": "101; DROP TABLE pbx_call", "CallType": ""}, {"Agent", "CallType"}),
        ]
        for changes, fields in cases:
            with self.subTest(changes=changes):
                before = self.counts()
                body = self.report(expect=400, **changes)
                self.assertEqual(set(body["error"]["fields"]), fields)
                self.assertCounts(before, calls=0, events=1)
                event = self.env["pbx.call.event"].sudo().browse(body["event_id"])
                self.assertEqual((event.state, event.source, event.native_event),
                                 ("rejected", "threecx", "ReportCall"))

    def test_hostile_numbers_are_refused(self):
        for number in HOSTILE:
            with self.subTest(number=number):
                body = self.report(expect=400, Number=number)
                self.assertEqual(set(body["error"]["fields"]), {"Number"})

    def test_a_body_that_is_not_json_is_kept_as_received_and_refused(self):
        for raw in (b"{not json", b"[1, 2]", b'{"CallType": "\\ud800"}', "\u00e9t\u00e9\x00".encode()):
            with self.subTest(raw=raw):
                body = self.report(expect=400, raw=raw)
                event = self.env["pbx.call.event"].sudo().browse(body["event_id"])
                self.assertEqual((event.state, event.source), ("rejected", "threecx"))

    def test_a_huge_body_is_refused_before_anything_is_journaled(self):
        before = self.counts()
        raw = json.dumps(dict(CALL, AgentEmail="x" * 70000)).encode()
        self.report(expect=413, raw=raw)
        self.assertCounts(before)

    def test_unicode_and_markup_in_ignored_fields_are_kept_in_the_journal(self):
        body = self.report(AgentEmail="sälly+<b>\U0001F4DE</b>@exämple.com")
        event = self.env["pbx.call.event"].sudo().browse(body["event_id"])
        self.assertIn("\U0001F4DE", event.payload)

    def test_a_connection_requiring_signatures_refuses_the_journal(self):
        self.connection.sudo().webhook_secret = "s3cr3t"
        before = self.counts()
        self.report(expect=403)
        self.assertCounts(before)


@tagged("post_install", "-at_install")
class TestThreecxCreateContact(ThreecxCase):

    def test_a_contact_typed_in_the_web_client_is_created_once(self):
        before = self.record_counts()
        ann = {"FirstName": "Ann", "LastName": "Lee", "Email": "ann@lee.example"}
        answer = self.json_of(CREATE_FROM_CLIENT, **ann)
        again = self.json_of(CREATE_FROM_CLIENT, **ann)
        partner = self.env["res.partner"].sudo().search([("phone", "=", E164)])
        self.assertEqual((partner.name, partner.email, partner.company_id),
                         ("Ann Lee", "ann@lee.example", self.company))
        self.assertEqual((answer["created"], again["created"]), (True, False))
        self.assertEqual(self.outputs(CREATE_FROM_CLIENT, again)["ContactID"], f"partner-{partner.id}")
        self.assertEqual(self.record_counts(), before[:2] + (before[2] + 1, before[3]))

    def test_the_automatic_creation_names_the_caller_by_number(self):
        answer = self.json_of(CREATE)
        partner = self.env["res.partner"].sudo().search([("phone", "=", E164)])
        self.assertEqual(partner.name, f"Automatic New Contact - {E164}")
        self.assertEqual(self.outputs(CREATE, answer)["FirstName"], "Automatic")

    def test_a_lead_is_created_when_the_connection_creates_leads(self):
        self.connection.sudo().auto_create_model = "lead"
        answer = self.json_of(CREATE_FROM_CLIENT, FirstName="Ann", LastName="Lee",
                              Email="ann@lee.example")
        lead = self.env["crm.lead"].sudo().search([("phone", "=", E164)])
        self.assertEqual((lead.contact_name, lead.email_from), ("Ann Lee", "ann@lee.example"))
        self.assertEqual(self.outputs(CREATE_FROM_CLIENT, answer)["EntityType"], "Leads")

    def test_an_existing_caller_is_returned_not_duplicated(self):
        lead = self.make_lead("Office chairs", contact_name="Jane Doe", phone="0989464344")
        before = self.record_counts()
        answer = self.json_of(CREATE_FROM_CLIENT, FirstName="Other", LastName="Name")
        self.assertEqual((answer["created"], answer["contacts"][0]["id"]), (False, f"lead-{lead.id}"))
        self.assertEqual(self.record_counts(), before)

    def test_nothing_is_created_for_a_blacklisted_number(self):
        self.block()
        before = self.record_counts()
        answer = self.json_of(CREATE_FROM_CLIENT, FirstName="Ann")
        self.assertEqual((answer["blocked"], answer["contacts"]), (True, []))
        self.assertEqual(self.record_counts(), before)

    def test_markup_in_a_name_is_stored_as_text(self):
        self.json_of(CREATE_FROM_CLIENT, FirstName="<script>alert(1)</script>", LastName="O'Brien\x00")
        partner = self.env["res.partner"].sudo().search([("phone", "=", E164)])
        self.assertEqual(partner.name, "<script>alert(1)</script> O'Brien")

    def test_bad_fields_and_bodies_are_refused_and_create_nothing(self):
        before = self.record_counts()
        self.assertRefusal(self.send(CREATE_FROM_CLIENT, Email="not-an-email"),
                           "invalid_payload", {"email"})
        self.assertRefusal(self.send(CREATE_FROM_CLIENT, Number="[Number]"),
                           "invalid_payload", {"number"})
        self.assertRefusal(self.send(CREATE, raw=b"{broken"), "invalid_payload", {"_body"})
        huge = json.dumps({"number": "1" * 70000}).encode()
        self.assertRefusal(self.send(CREATE, raw=huge), "payload_too_large")
        for number in HOSTILE:
            with self.subTest(number=number):
                self.assertRefusal(self.send(CREATE, Number=number), "invalid_payload", {"number"})
        self.assertEqual(self.record_counts(), before)

    def test_unauthenticated_disabled_and_wrong_method_requests_are_refused(self):
        before = self.record_counts()
        self.assertRefusal(self.send(CREATE, token=None), "unauthorized")
        self.assertRefusal(self.send(CREATE, method="GET"), "method_not_allowed")
        self.connection.sudo().enabled = False
        self.assertRefusal(self.send(CREATE), "integration_disabled")
        self.assertEqual(self.record_counts(), before)


@tagged("post_install", "-at_install")
class TestThreecxTemplateDownload(ThreecxCase):

    def test_a_manager_downloads_the_template_with_this_odoos_url_and_no_token(self):
        self.env["ir.config_parameter"].sudo().set_param("web.base.url", "https://odoo.example.com")
        action = self.connection.with_user(self.manager).action_download_threecx_template()
        self.assertEqual((action["type"], action["target"]), ("ir.actions.act_url", "download"))
        self.authenticate("pbx_manager", "pbx_manager")
        response = self.url_open(action["url"])
        self.assertEqual(response.status_code, 200)
        self.assertIn("attachment", response.headers["Content-Disposition"])
        params = tpl.parameters(tpl.parse(response.text))
        self.assertEqual((params["OdooUrl"], params["ApiToken"]), ("https://odoo.example.com", ""))
        self.assertNotIn(self.token, response.text)
        self.assertEqual(set(tpl.scenarios(response.text)), set(SCENARIOS))

    def test_a_salesperson_cannot_download_it(self):
        self.authenticate("pbx_sales", "pbx_sales")
        with mute_logger("odoo.http"):
            response = self.url_open(f"/pbx_callcenter/3cx/template/{self.connection.id}")
        self.assertNotEqual(response.status_code, 200)
        self.assertNotIn("<Crm", response.text)

    def test_the_button_shows_only_on_3cx_connections(self):
        arch = self.env["pbx.connection"].with_user(self.manager).get_view(view_type="form")["arch"]
        self.assertIn('name="action_download_threecx_template"', arch)
        self.assertRegex(
            arch, r'name="action_download_threecx_template"[^>]*invisible="kind != \'threecx\'"')
