"""Caller matching whatever the number format, tie-breaking, and how call_out fields are read
(dates, statuses, recordings)."""
from datetime import datetime

from odoo.tests import tagged

from .common import E164, NUMBER_FORMATS, PbxHttpCase, fixture_cases, number_vals


@tagged("post_install", "-at_install")
class TestMatching(PbxHttpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.connection.auto_create_inbound = False  # an unmatched number shows as record: null

    def matched(self, phone, route="call_in"):
        """The (model, id) the route answers for `phone`, or None."""
        body = self.event(route, phone)
        record = body["record"]
        return (record["model"], record["id"]) if record else None

    def assertAllFormatsMatch(self, record):
        for phone in NUMBER_FORMATS:
            with self.subTest(phone=phone):
                self.assertEqual(self.matched(phone), (record._name, record.id))

    # ---- formats -----------------------------------------------------------------------

    def test_every_number_format_matches_a_contact_stored_with_national_spacing(self):
        partner = self.make_partner("Spaced Contact", phone="098 946 43 44", country_id=self.vn.id)
        self.assertAllFormatsMatch(partner)

    def test_every_number_format_matches_a_contact_stored_without_country(self):
        partner = self.make_partner("Countryless Contact", phone="098 946 43 44")
        self.assertAllFormatsMatch(partner)

    def test_every_number_format_matches_a_contact_by_mobile_stored_internationally(self):
        partner = self.make_partner("Mobile Contact", **number_vals(mobile="+84 98 946 4344"))
        self.assertAllFormatsMatch(partner)

    def test_every_number_format_matches_a_lead_by_phone(self):
        lead = self.make_lead("Lead by phone", phone="098 946 43 44", country_id=self.vn.id)
        self.assertAllFormatsMatch(lead)

    def test_every_number_format_matches_a_lead_by_mobile(self):
        lead = self.make_lead("Lead by mobile", **number_vals(mobile="+84 98 946 4344"))
        self.assertAllFormatsMatch(lead)

    def test_a_company_is_matched(self):
        company = self.make_partner("Azure Interior", is_company=True, phone="+84 98 946 43 44")
        self.assertAllFormatsMatch(company)
        body = self.call_in("0989464344")
        self.assertEqual(body["caller_name"], "Azure Interior")

    def test_outbound_init_and_call_out_match_too(self):
        partner = self.make_partner("Outbound Contact", phone="+84989464344")
        self.assertEqual(self.matched("0989464344", route="init"), ("res.partner", partner.id))
        self.assertEqual(self.matched("0084 98 946 4344", route="call_out"), ("res.partner", partner.id))

    # ---- tie-breaking (pbx.connection._match_caller) --------------------------------------

    def test_an_exact_e164_match_beats_a_match_on_the_last_digits(self):
        tail_only = self.make_partner("Tail Only", phone="098 946 43 44")  # older, no country
        exact = self.make_partner("Exact", phone="+84989464344")
        self.assertLess(tail_only.id, exact.id)
        self.assertEqual(self.matched("0989464344"), ("res.partner", exact.id))

    def test_an_exact_lead_beats_a_contact_matched_on_the_last_digits(self):
        self.make_partner("Tail Only", phone="098 946 43 44")
        lead = self.make_lead("Exact Lead", phone="+84989464344")
        self.assertEqual(self.matched("0989464344"), ("crm.lead", lead.id))

    def test_a_contact_beats_a_lead(self):
        self.make_lead("Older Lead", phone="+84989464344")
        partner = self.make_partner("Newer Contact", phone="+84989464344")
        self.assertEqual(self.matched("0989464344"), ("res.partner", partner.id))

    def test_an_individual_beats_a_company(self):
        self.make_partner("Older Company", is_company=True, phone="+84989464344")
        person = self.make_partner("Newer Person", phone="+84989464344")
        self.assertEqual(self.matched("0989464344"), ("res.partner", person.id))

    def test_the_oldest_of_two_contacts_wins(self):
        oldest = self.make_partner("First Contact", phone="+84989464344")
        self.make_partner("Second Contact", country_id=self.vn.id,
                          **number_vals(mobile="0989464344"))
        self.assertEqual(self.matched("0989464344"), ("res.partner", oldest.id))

    def test_the_newest_of_two_leads_wins(self):
        self.make_lead("First Lead", phone="+84989464344")
        newest = self.make_lead("Second Lead", **number_vals(mobile="+84989464344"))
        self.assertEqual(self.matched("0989464344"), ("crm.lead", newest.id))

    # ---- what must not match ----------------------------------------------------------------

    def test_an_archived_contact_is_not_matched(self):
        self.make_partner("Archived", phone="+84989464344", active=False)
        self.assertIsNone(self.matched("0989464344"))

    def test_an_archived_lead_is_not_matched(self):
        self.make_lead("Lost Lead", phone="+84989464344", active=False)
        self.assertIsNone(self.matched("0989464344"))

    def test_a_contact_of_another_company_is_not_matched(self):
        other = self.env["res.company"].create({"name": "Other Company", "country_id": self.vn.id})
        self.make_partner("Other's Contact", phone="+84989464344", company_id=other.id)
        self.assertIsNone(self.matched("0989464344"))
        mine = self.make_partner("My Contact", phone="+84989464344", company_id=self.company.id)
        self.assertEqual(self.matched("0989464344"), ("res.partner", mine.id))

    def test_a_lead_of_another_company_is_not_matched(self):
        other = self.env["res.company"].create({"name": "Other Company", "country_id": self.vn.id})
        self.make_lead("Other's Lead", phone="+84989464344", company_id=other.id)
        self.assertIsNone(self.matched("0989464344"))

    def test_the_owner_extension_is_the_extension_of_the_matched_records_salesperson(self):
        self.make_partner("Sam's Customer", phone="+84989464344", user_id=self.salesperson2.id)
        body = self.call_in("0989464344", extension="101")
        self.assertEqual(body["owner_extension"], "102")
        self.make_lead("Unowned Lead", phone="+84912345678", user_id=False)
        body = self.call_in("0912345678", extension="101")
        self.assertIsNone(body["owner_extension"])

    def test_a_number_sharing_only_the_last_eight_digits_is_not_matched(self):
        self.assertEqual(self.connection.tail_digits, 9)
        self.make_partner("Almost", phone="+84 88 946 4344")  # ...89464344, 9th digit differs
        self.make_partner("Almost National", phone="088 946 4344")
        self.assertIsNone(self.matched("0989464344"))

    def test_the_number_of_digits_matched_is_configurable(self):
        self.make_partner("Almost", phone="088 946 4344")
        self.assertIsNone(self.matched("0989464344"))
        self.connection.tail_digits = 8
        self.assertIsNotNone(self.matched("0989464344"))

    def test_a_contact_updated_to_the_number_is_matched(self):
        partner = self.make_partner("Changed Number", phone="+84 90 000 0000")
        self.assertIsNone(self.matched("0989464344"))
        partner.phone = "(098) 946-4344"
        partner.country_id = self.vn
        self.assertEqual(self.matched("+84989464344"), ("res.partner", partner.id))

    def test_the_call_stores_the_number_as_received_and_in_e164(self):
        for phone in NUMBER_FORMATS:
            with self.subTest(phone=phone):
                callid = self.new_callid()
                self.call_in(phone, callid)
                call = self.find_call(callid)
                self.assertEqual((call.phone, call.phone_e164), (phone, E164))


@tagged("post_install", "-at_install")
class TestCallOutFields(PbxHttpCase):
    """calldate, status and recordingfile of call_out, as stored on the call."""

    def ended(self, **fields):
        callid = self.new_callid()
        body = self.call_out("0989464344", callid, fields=fields)
        return body, self.find_call(callid)

    def test_a_naive_calldate_is_read_in_the_pbx_timezone(self):
        self.assertEqual(self.connection.tz, "Asia/Ho_Chi_Minh")
        _body, call = self.ended(calldate="2024-01-15 10:20:30", duration=65)
        self.assertEqual(call.start_date, datetime(2024, 1, 15, 3, 20, 30))
        self.assertEqual(call.end_date, datetime(2024, 1, 15, 3, 21, 35))

    def test_iso_z_and_unix_calldates_are_read_as_utc_instants(self):
        for value in ("2024-01-15T10:20:30+07:00", "2024-01-15T03:20:30Z", 1705288830,
                      "1705288830", "1705288830000", 1705288830000):
            with self.subTest(calldate=value):
                _body, call = self.ended(calldate=value)
                self.assertEqual(call.start_date, datetime(2024, 1, 15, 3, 20, 30))

    def test_every_case_of_calldates_json_is_read_the_same_over_http(self):
        for case in fixture_cases("calldates"):
            with self.subTest(case=case["name"]):
                self.connection.tz = case["tz"]
                callid = self.new_callid()
                status, body = self.post("call_out", {"phone": "0989464344", "extension": "101",
                                                      "callid": callid, "calldate": case["value"]})
                absent = case["value"] is None or (isinstance(case["value"], str)
                                                   and not case["value"].strip())
                if case["valid"]:
                    self.assertEqual(status, 200, body)
                    expected = datetime.strptime(case["expected"], "%Y-%m-%dT%H:%M:%S.%fZ")
                    # the instant, to the millisecond the fixture gives (or to the second, when
                    # the database keeps whole seconds only)
                    self.assertIn(self.find_call(callid).start_date,
                                  (expected, expected.replace(microsecond=0)))
                elif absent:  # blank/null optional fields count as absent: the call starts now
                    self.assertEqual(status, 200, body)
                    self.assertTrue(self.find_call(callid).start_date)
                else:
                    self.assertError(status, body, "invalid_payload", ["calldate"])

    def test_a_missing_calldate_means_now(self):
        before = datetime.now().replace(microsecond=0)
        _body, call = self.ended(duration=5)
        self.assertGreaterEqual(call.start_date, before)

    def test_status_variants_give_the_right_final_state(self):
        for status, state in (("ANSWERED", "ended"), ("answered", "ended"), ("NO ANSWER", "missed"),
                              ("no_answer", "missed"), ("BUSY", "busy"), ("FAILED", "failed"),
                              ("CANCEL", "missed"), ("CONGESTION", "failed")):
            with self.subTest(status=status):
                body, call = self.ended(status=status, duration=12)
                self.assertEqual(body["call"]["state"], state)
                self.assertEqual(call.state, state)
                self.assertEqual(call.disposition, status)

    def test_every_case_of_statuses_json_gives_its_state_over_http(self):
        for case in fixture_cases("statuses"):
            with self.subTest(value=case["value"]):
                callid = self.new_callid()
                status, body = self.post("call_out", {
                    "phone": "0989464344", "extension": "101", "callid": callid,
                    "status": case["value"], "duration": 30})
                blank = case["value"] is None or (isinstance(case["value"], str)
                                                  and not case["value"].strip())
                if case["valid"]:
                    self.assertEqual(status, 200, body)
                    self.assertEqual(body["call"]["state"], case["final_state"])
                elif blank:  # absent status: derived from the duration (30 s: answered)
                    self.assertEqual(status, 200, body)
                    self.assertEqual(body["call"]["state"], "ended")
                else:
                    self.assertError(status, body, "invalid_payload", ["status"])
                    self.assertFalse(self.find_call(callid))

    def test_without_status_the_talk_time_decides_answered_or_missed(self):
        for fields, state in (({"duration": 30}, "ended"), ({"duration": 0}, "missed"), ({}, "missed"),
                              ({"duration": 30, "billsec": 0}, "missed"),
                              ({"duration": 30, "billsec": 12}, "ended")):
            with self.subTest(fields=fields):
                body, _call = self.ended(**fields)
                self.assertEqual(body["call"]["state"], state)

    def test_a_recording_file_name_is_joined_to_the_recording_base_url(self):
        _body, call = self.ended(recordingfile="2024/01/15/out 101.wav", duration=3)
        self.assertEqual(call.recording_url,
                         "https://pbx.example.com/recordings/2024/01/15/out%20101.wav")
        self.assertEqual(call.recording_file, "out 101.wav")

    def test_a_recording_base_url_without_trailing_slash_still_joins_as_a_directory(self):
        self.connection.recording_base_url = "https://pbx.example.com/monitor"
        _body, call = self.ended(recordingfile="/rec-1.wav", duration=3)
        self.assertEqual(call.recording_url, "https://pbx.example.com/monitor/rec-1.wav")

    def test_a_full_recording_url_is_kept_as_is(self):
        url = "https://cdn.example.net/rec/abc.mp3?sig=1&x=2"
        _body, call = self.ended(recordingfile=url, duration=3)
        self.assertEqual(call.recording_url, url)
        self.assertEqual(call.recording_file, "abc.mp3")

    def test_a_recording_file_name_without_base_url_is_kept_as_a_name(self):
        self.connection.recording_base_url = False
        _body, call = self.ended(recordingfile="rec-2.wav", duration=3)
        self.assertFalse(call.recording_url)
        self.assertEqual(call.recording_file, "rec-2.wav")
