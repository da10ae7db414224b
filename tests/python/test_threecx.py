"""vendors/threecx/protocol.py: 3CX's ReportCall mapped onto a canonical call_out, the create-contact body
and the contact answer of the lookup."""

from __future__ import annotations

import pytest

from pbx_callcenter.vendors.threecx import protocol as threecx
from lib.payload import PayloadError, parse_event

REPORT = {
    "CallType": "Inbound",
    "Number": "0084989464344",
    "Agent": "101",
    "AgentEmail": "sally@example.com",
    "QueueExtension": "",
    "Duration": "00:01:05",
    "DurationSeconds": "65",
    "CallStartTimeUTC": "2025-03-14T10:00:00",
    "CallStartTimeLocal": "2025-03-14T17:00:00",
    "RecordingUrl": "",
}
TZ = "Asia/Ho_Chi_Minh"


def canonical(tz_name=TZ, **changes):
    kind, data = threecx.to_canonical("ReportCall", {**REPORT, **changes}, tz_name)
    assert kind == "call_out"
    return data


def bad_fields(**changes):
    with pytest.raises(PayloadError) as caught:
        threecx.to_canonical("ReportCall", {**REPORT, **changes}, TZ)
    return caught.value.fields


# ---- call types ----------------------------------------------------------------------------

@pytest.mark.parametrize("call_type, direction, status, billsec", [
    ("Inbound", "in", "ANSWERED", 65),
    ("Missed", "in", "MISSED", 0),
    ("Outbound", "out", "ANSWERED", 65),
    ("Notanswered", "out", "NO ANSWER", 0),
])
def test_each_call_type_gives_its_direction_status_and_talk_time(call_type, direction, status, billsec):
    data = canonical(CallType=call_type)
    assert (data["direction"], data["status"], data["duration"], data["billsec"]) == (
        direction, status, 65, billsec)


@pytest.mark.parametrize("call_type, state", [
    ("Inbound", "answered"), ("Missed", "missed"), ("Outbound", "answered"), ("Notanswered", "missed"),
])
def test_the_mapped_call_passes_the_canonical_validation(call_type, state):
    event = parse_event("call_out", canonical(CallType=call_type), TZ)
    assert (event.kind, event.status, event.extension, event.phone) == (
        "call_out", state, "101", "0084989464344")


@pytest.mark.parametrize("spelling", ["inbound", "INBOUND", " Inbound ", "in_bound", "in-bound"])
def test_call_type_ignores_case_spaces_and_separators(spelling):
    assert canonical(CallType=spelling)["direction"] == "in"


@pytest.mark.parametrize("spelling", ["NotAnswered", "not answered", "not_answered"])
def test_not_answered_is_read_in_every_spelling(spelling):
    assert canonical(CallType=spelling)["status"] == "NO ANSWER"


@pytest.mark.parametrize("value", ["Internal", "Answered", "", "[CallType]", 1, None, ["Inbound"]])
def test_an_unknown_or_missing_call_type_is_refused_by_its_3cx_name(value):
    assert set(bad_fields(CallType=value)) == {"CallType"}


# ---- durations -----------------------------------------------------------------------------

@pytest.mark.parametrize("text, seconds", [
    ("00:01:05", 65), ("1:02:03", 3723), ("01:05", 65), ("75:00", 4500), ("65", 65),
    ("65.0", 65), (65, 65), (65.0, 65), ("00:01:05.1234567", 65), ("1.02:00:00", 93600),
    ("168:00:00", 604800), ("0", 0), ("00:00:00", 0),
])
def test_durations_are_read_as_seconds_timespans_or_clock_times(text, seconds):
    assert threecx.parse_duration(text) == seconds


@pytest.mark.parametrize("text", [
    "00:61:00", "00:00:60", "1.24:00:00", "-5", "abc", "1:2", "99999999999", "168:00:01",
    "65.5", 65.5, True, [], {}, "1:02:03:04", "\u0661\u0662", "10 minutes", "",
])
def test_malformed_durations_are_refused(text):
    with pytest.raises(ValueError):
        threecx.parse_duration(text)


def test_the_seconds_value_wins_over_the_clock_time():
    assert canonical(DurationSeconds="66", Duration="00:01:05")["duration"] == 66


def test_the_clock_time_is_used_when_the_seconds_expression_is_unresolved():
    data = canonical(DurationSeconds='[[[DurationTimespan].get_TotalSeconds()].ToString("F0")]',
                     Duration="00:02:00")
    assert data["duration"] == 120


def test_the_clock_time_is_used_when_the_seconds_value_is_unreadable():
    assert canonical(DurationSeconds="1,5", Duration="00:00:07")["duration"] == 7


def test_two_unreadable_durations_are_both_reported():
    assert bad_fields(DurationSeconds="x", Duration="y") == {
        "DurationSeconds": "must be seconds or hh:mm:ss", "Duration": "must be seconds or hh:mm:ss"}


def test_no_duration_at_all_is_a_zero_second_call():
    data = canonical(DurationSeconds="", Duration=None)
    assert (data["duration"], data["billsec"]) == (0, 0)


# ---- start time ----------------------------------------------------------------------------

def test_the_utc_start_is_the_call_date():
    assert canonical()["calldate"] == "2025-03-14T10:00:00Z"


def test_the_local_start_is_read_in_the_connection_timezone():
    assert canonical(CallStartTimeUTC="")["calldate"] == "2025-03-14T10:00:00Z"


def test_an_explicit_offset_is_honoured():
    assert canonical(CallStartTimeUTC="2025-03-14T12:00:00+02:00")["calldate"] == "2025-03-14T10:00:00Z"


def test_an_unresolved_utc_start_falls_back_to_the_local_one():
    data = canonical(CallStartTimeUTC='[[CallStartTimeUTC].ToString("s")]')
    assert data["calldate"] == "2025-03-14T10:00:00Z"


def test_a_start_time_is_required():
    assert bad_fields(CallStartTimeUTC="", CallStartTimeLocal=None) == {
        "CallStartTimeUTC": "required (or CallStartTimeLocal)"}


@pytest.mark.parametrize("value", [
    "14/03/2025 10:00", "yesterday", "2025-02-30T10:00:00", "1899-01-01T00:00:00",
])
def test_unreadable_start_times_are_refused_by_their_3cx_names(value):
    assert set(bad_fields(CallStartTimeUTC=value, CallStartTimeLocal=value)) == {
        "CallStartTimeUTC", "CallStartTimeLocal"}


# ---- the synthesized call id -----------------------------------------------------------------

def test_the_same_report_always_gets_the_same_call_id():
    assert canonical()["callid"] == canonical()["callid"]


def test_the_call_id_is_short_and_prefixed():
    callid = canonical()["callid"]
    assert callid.startswith("3cx-") and len(callid) == 44
    assert all(ch in "0123456789abcdef" for ch in callid[4:])


def test_utc_and_local_starts_of_one_instant_give_one_call_id():
    assert canonical()["callid"] == canonical(CallStartTimeUTC="")["callid"]


def test_the_number_prefix_does_not_change_the_call_id():
    assert canonical(Number="+84989464344")["callid"] == canonical(Number="0084989464344")["callid"]


def test_the_duration_and_the_email_do_not_change_the_call_id():
    assert canonical()["callid"] == canonical(DurationSeconds="3", AgentEmail="x@example.com")["callid"]


@pytest.mark.parametrize("changes", [
    {"Agent": "102"},
    {"Number": "0084989464345"},
    {"CallStartTimeUTC": "2025-03-14T10:00:01"},
    {"CallType": "Missed"},
])
def test_a_different_agent_number_second_or_type_is_a_different_call(changes):
    assert canonical(**changes)["callid"] != canonical()["callid"]


def test_fractions_of_a_second_do_not_change_the_call_id():
    assert canonical(CallStartTimeUTC="2025-03-14T10:00:00.900")["callid"] == canonical()["callid"]


# ---- agent, number, recording ----------------------------------------------------------------

def test_the_agent_is_the_extension():
    assert canonical(Agent=" 205 ")["extension"] == "205"


def test_the_queue_takes_the_call_when_no_agent_did():
    assert canonical(CallType="Missed", Agent="", QueueExtension="800")["extension"] == "800"


def test_an_unresolved_agent_counts_as_missing():
    assert canonical(Agent="[Agent]", QueueExtension="800")["extension"] == "800"


def test_a_call_without_agent_or_queue_is_refused():
    assert bad_fields(Agent="", QueueExtension="") == {"Agent": "required"}


@pytest.mark.parametrize("value", [
    "101; DROP TABLE pbx_call", "<b>101</b>", "10 1", "x" * 40, "١٠١",
])
def test_hostile_agents_are_refused(value):
    assert set(bad_fields(Agent=value)) == {"Agent"}


@pytest.mark.parametrize("value", [
    "' OR 1=1 --", "<script>alert(1)</script>", "12", "+" + "9" * 30, "\U0001F4DE 0989464344",
    "0989464344\x00", "9" * 10000, {"n": 1}, True,
])
def test_hostile_numbers_are_refused(value):
    assert set(bad_fields(Number=value)) == {"Number"}


def test_every_error_is_reported_at_once_with_3cx_names():
    fields = bad_fields(CallType="?", Number="x", Agent="", QueueExtension=None, Duration="?",
                        DurationSeconds=None, CallStartTimeUTC="?", CallStartTimeLocal=None)
    assert set(fields) == {"CallType", "Number", "Agent", "Duration", "CallStartTimeUTC"}
    assert set(fields) <= set(threecx.JOURNAL_FIELDS)


def test_an_https_recording_url_is_kept():
    url = "https://pbx.example.com/recordings/101/call%201.wav"
    assert canonical(RecordingUrl=url)["recordingfile"] == url


@pytest.mark.parametrize("value", [
    "", "[RecordingUrl]", "javascript:alert(1)", "ftp://pbx/x.wav", "https://pbx/../etc/passwd",
    "https://pbx/a\x00.wav", 42,
])
def test_an_unusable_recording_url_is_left_out_without_failing_the_call(value):
    assert "recordingfile" not in canonical(RecordingUrl=value)


def test_other_vendor_events_change_no_call():
    assert threecx.to_canonical("ReportChat", REPORT, TZ) is None


@pytest.mark.parametrize("body", [[], "ReportCall", None, 42])
def test_a_body_that_is_not_an_object_is_refused(body):
    with pytest.raises(PayloadError) as caught:
        threecx.to_canonical("ReportCall", body, TZ)
    assert caught.value.fields == {"_body": "must be a JSON object"}


def test_unknown_keys_are_ignored():
    assert canonical(Transcription="hello", Sentiment="1")["extension"] == "101"


# ---- create-contact body ---------------------------------------------------------------------

def test_a_contact_needs_a_number():
    with pytest.raises(PayloadError) as caught:
        threecx.parse_contact({"first_name": "Ann"})
    assert caught.value.fields == {"number": "required"}


def test_contact_values_are_cleaned_and_absent_ones_are_empty():
    values = threecx.parse_contact({"number": " 0989464344 ", "first_name": " Ann\n\u202eX ",
                                    "last_name": "[LastName]", "email": "ann@example.com"})
    assert values == {"number": "0989464344", "first_name": "Ann X", "last_name": "", "name": "",
                      "email": "ann@example.com", "company": ""}


@pytest.mark.parametrize("email", [
    "not-an-email", "a@b@c", "a b@c.d", "x" * 250 + "@e.com", 5, "a\x07@b.c",
])
def test_bad_emails_are_refused(email):
    with pytest.raises(PayloadError) as caught:
        threecx.parse_contact({"number": "0989464344", "email": email})
    assert set(caught.value.fields) == {"email"}


def test_overlong_names_are_refused_and_long_ones_cut():
    with pytest.raises(PayloadError):
        threecx.parse_contact({"number": "0989464344", "name": "x" * 600})
    assert len(threecx.parse_contact({"number": "0989464344", "name": "y" * 300})["name"]) == 128


def test_the_display_name_prefers_the_full_name_then_first_and_last():
    assert threecx.contact_display_name({"name": "Acme", "first_name": "Ann"}) == "Acme"
    named = {"name": "", "first_name": "Ann", "last_name": "Lee"}
    assert threecx.contact_display_name(named) == "Ann Lee"
    assert threecx.contact_display_name({"name": "", "first_name": "", "last_name": ""}) == ""


# ---- the contact answer ------------------------------------------------------------------------

@pytest.mark.parametrize("name, first, last", [
    ("John Smith", "John", "Smith"), ("Nguyễn Văn An", "Nguyễn", "Văn An"),
    ("Madonna", "Madonna", ""),
    ("  John   Ronald  Tolkien ", "John", "Ronald Tolkien"), ("", "", ""), (None, "", ""),
])
def test_full_names_are_split_into_first_word_and_the_rest(name, first, last):
    assert threecx.split_name(name) == (first, last)


def test_a_company_shows_as_its_company_name_only():
    assert threecx.contact_names("res.partner", "Acme Corp", is_company=True) == ("", "", "Acme Corp")


def test_a_person_shows_with_their_company():
    assert threecx.contact_names("res.partner", "Ann Lee", parent_name="Acme") == ("Ann", "Lee", "Acme")


def test_a_lead_shows_its_contact_then_its_company_then_its_title():
    assert threecx.contact_names("crm.lead", "Deal", contact_name="Ann Lee", partner_name="Acme") == (
        "Ann", "Lee", "Acme")
    assert threecx.contact_names("crm.lead", "Deal", partner_name="Acme") == ("", "", "Acme")
    assert threecx.contact_names("crm.lead", "Website inquiry") == ("Website inquiry", "", "")


def test_a_contact_has_every_key_as_a_string():
    item = threecx.contact(model="crm.lead", record_id=7, first_name="Ann", last_name="",
                           company="", email=None, phone_business="+84989464344",
                           phone_mobile=None, url="https://odoo.example.com/web#id=7")
    assert tuple(item) == threecx.CONTACT_KEYS
    assert all(isinstance(value, str) for value in item.values())
    assert (item["id"], item["entity_type"], item["email"]) == ("lead-7", "Leads", "")


def test_a_contact_of_another_model_is_a_programming_error():
    with pytest.raises(ValueError):
        threecx.contact(model="res.users", record_id=1, first_name="", last_name="", company="",
                        email=None, phone_business=None, phone_mobile=None, url=None)


def test_an_answer_without_contacts_is_not_found():
    answer = threecx.lookup_answer("0989464344", [], blocked=True)
    assert (answer["found"], answer["blocked"], answer["contacts"]) == (False, True, [])
    assert tuple(answer) == threecx.ANSWER_KEYS


def test_an_answer_refuses_a_malformed_contact():
    with pytest.raises(ValueError):
        threecx.lookup_answer("0989464344", [{"id": "partner-1"}], blocked=False)
