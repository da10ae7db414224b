"""lib/payload.py: request body decoding and event validation."""

from __future__ import annotations

from datetime import datetime
from types import MappingProxyType

import pytest

from lib.payload import CallEvent, PayloadError, decode_body, parse_event

BASE = {"phone": "0989464344", "extension": "101", "callid": "1700000000.42"}
FORM = "application/x-www-form-urlencoded"


def out(**changes):
    return parse_event("call_out", {**BASE, **changes})


def bad_fields(kind, data, tz_name="UTC"):
    with pytest.raises(PayloadError) as caught:
        parse_event(kind, data, tz_name)
    return caught.value.fields


# ---- required fields -------------------------------------------------------------

def test_call_in_gives_an_inbound_event():
    assert parse_event("call_in", BASE) == CallEvent(
        kind="call_in", phone="0989464344", extension="101", callid="1700000000.42", direction="in",
    )


def test_init_gives_an_outbound_event():
    assert parse_event("init", BASE).direction == "out"


def test_values_are_stripped():
    event = parse_event("call_in", {"phone": " 0989464344 ", "extension": " 101\t", "callid": " abc "})
    assert (event.phone, event.extension, event.callid) == ("0989464344", "101", "abc")


def test_json_integers_are_taken_as_text():
    event = parse_event("call_in", {"phone": 84989464344, "extension": 101, "callid": 1700000000})
    assert (event.phone, event.extension, event.callid) == ("84989464344", "101", "1700000000")


def test_every_bad_field_is_reported_at_once():
    assert bad_fields("call_in", {}) == {"phone": "required", "extension": "required", "callid": "required"}


@pytest.mark.parametrize("value", [True, 1.5, [], {}, b"0989464344"])
@pytest.mark.parametrize("field", ["phone", "extension", "callid"])
def test_wrong_types_are_refused(field, value):
    assert bad_fields("call_in", {**BASE, field: value}) == {field: "must be a string"}


@pytest.mark.parametrize("field", ["phone", "extension", "callid"])
def test_negative_integers_are_refused(field):
    assert field in bad_fields("call_in", {**BASE, field: -101})


LONGEST = {"phone": "+84 " + " " * 48 + "98 946 43 44", "extension": "1" * 32, "callid": "x" * 128}


@pytest.mark.parametrize("field", LONGEST)
def test_values_at_their_length_limit_are_accepted(field):
    assert getattr(parse_event("call_in", {**BASE, field: LONGEST[field]}), field) == LONGEST[field]


@pytest.mark.parametrize("field", LONGEST)
def test_values_over_their_length_limit_are_refused(field):
    limit = len(LONGEST[field])
    too_long = LONGEST[field][:-1] + "1" + "1"
    assert bad_fields("call_in", {**BASE, field: too_long}) == {field: f"too long (max {limit})"}


@pytest.mark.parametrize(
    "phone",
    ["+84 98 946 43 44", "(098) 946-4344", "098.946.4344", "098/946/4344", "123", "1" * 20, "+1 (650) 253-0000"],
)
def test_phone_formats_are_accepted(phone):
    assert parse_event("call_in", {**BASE, "phone": phone}).phone == phone


@pytest.mark.parametrize(
    "phone",
    ["12", "1" * 21, "abc", "0989464344 ext 5", "0989464344'; DROP TABLE res_partner;--",
     "098\x00946", "\u0660\u0669\u0668",
     "098,946", "+84_989", "＋84989464344", "0989\n464344"],
)
def test_non_phone_text_is_refused(phone):
    assert bad_fields("call_in", {**BASE, "phone": phone}) == {"phone": "not a phone number"}


def test_trailing_newline_in_phone_is_stripped():
    assert parse_event("call_in", {**BASE, "phone": "0989464344\n"}).phone == "0989464344"


@pytest.mark.parametrize("extension", ["101", "*97", "#1", "sip_101@pbx.local", "A-1.2+3", "1" * 32])
def test_extension_formats_are_accepted(extension):
    assert parse_event("call_in", {**BASE, "extension": extension}).extension == extension


@pytest.mark.parametrize("extension", ["10 1", "101;", "été", "101'--", "<b>", "1\x002"])
def test_extension_with_other_characters_is_refused(extension):
    assert bad_fields("call_in", {**BASE, "extension": extension}) == {"extension": "invalid characters"}


@pytest.mark.parametrize("callid", ["1'; DROP TABLE pbx_call;--", "appel-été-通话", "<script>alert(1)</script>", "a b"])
def test_any_printable_callid_is_accepted(callid):
    assert parse_event("call_in", {**BASE, "callid": callid}).callid == callid


@pytest.mark.parametrize("callid", ["a\x00b", "a\rb", "a\x1bb", "a\x7fb", "a\x9bb"])
def test_callid_with_control_characters_is_refused(callid):
    assert bad_fields("call_in", {**BASE, "callid": callid}) == {"callid": "must not contain control characters"}


def test_huge_values_are_refused_quickly():
    huge = "9" * 10_000_000
    assert set(bad_fields("call_out", {"phone": huge, "extension": huge, "callid": huge, "duration": huge})) == {
        "phone", "extension", "callid", "duration",
    }


# ---- call_out optional fields ----------------------------------------------------------

def test_call_out_minimal_defaults():
    event = out()
    assert (event.calldate, event.duration, event.billsec, event.status, event.disposition) == \
        (None, 0, None, "missed", None)
    assert (event.recordingfile, event.direction) == (None, None)


def test_call_out_full_payload():
    event = out(calldate="2024-01-15 10:20:30", duration="65", billsec=60, status="ANSWERED",
                recordingfile="a.wav", direction="outbound")
    assert event == CallEvent(
        kind="call_out", phone="0989464344", extension="101", callid="1700000000.42",
        calldate=datetime(2024, 1, 15, 10, 20, 30), duration=65, billsec=60, status="answered",
        disposition="ANSWERED", recordingfile="a.wav", direction="out",
    )


def test_calldate_is_read_in_the_given_timezone():
    event = parse_event("call_out", {**BASE, "calldate": "2024-01-15 10:20:30"}, "Asia/Ho_Chi_Minh")
    assert event.calldate == datetime(2024, 1, 15, 3, 20, 30)


def test_unknown_timezone_is_a_configuration_error_not_a_payload_error():
    with pytest.raises(ValueError) as caught:
        parse_event("call_out", BASE, "Nowhere/Town")
    assert not isinstance(caught.value, PayloadError)


@pytest.mark.parametrize(
    "changes, expected",
    [({"billsec": 5}, "answered"), ({"billsec": 0, "duration": 30}, "missed"), ({"duration": 30}, "answered"),
     ({"duration": 0}, "missed"), ({}, "missed"), ({"billsec": "0", "duration": "12"}, "missed")],
)
def test_missing_status_is_derived_from_talk_time(changes, expected):
    event = out(**changes)
    assert event.status == expected
    assert event.disposition is None


def test_explicit_status_wins_over_talk_time():
    event = out(status=" no answer ", billsec=12, duration=20)
    assert (event.status, event.disposition) == ("missed", "no answer")


def test_billsec_alone_sets_the_duration():
    assert out(billsec=12).duration == 12


@pytest.mark.parametrize("value, expected", [(0, 0), ("0", 0), (" 42 ", 42), (604800, 604800), (65.0, 65), ("007", 7)])
def test_durations_accept_integers_digit_strings_and_whole_floats(value, expected):
    assert out(duration=value).duration == expected


@pytest.mark.parametrize(
    "value, message",
    [(-1, "out of range (0..604800)"), (604801, "out of range (0..604800)"),
     ("99999999999", "out of range (0..604800)"),
     ("-1", "must be an integer"), ("6.5", "must be an integer"), (6.5, "must be an integer"),
     ("1e3", "must be an integer"),
     (True, "must be an integer"), ([], "must be an integer"), (float("nan"), "must be an integer"),
     ("٤٢", "must be an integer"), (10**100, "out of range (0..604800)")],
)
def test_bad_durations_are_refused(value, message):
    assert bad_fields("call_out", {**BASE, "duration": value, "billsec": value}) == \
        {"duration": message, "billsec": message}


def test_billsec_above_duration_is_refused():
    assert bad_fields("call_out", {**BASE, "duration": 10, "billsec": 11}) == {"billsec": "greater than duration"}


@pytest.mark.parametrize("field", ["calldate", "duration", "billsec", "status", "recordingfile", "direction"])
@pytest.mark.parametrize("blank", [None, "", "  "])
def test_blank_optional_fields_are_absent(field, blank):
    assert out(**{field: blank}) == out()


def test_unknown_status_lists_accepted_values():
    message = bad_fields("call_out", {**BASE, "status": "HUNG UP"})["status"]
    assert "ANSWERED" in message and "NO ANSWER" in message and "CHANUNAVAIL" in message


def test_status_must_be_a_string():
    assert bad_fields("call_out", {**BASE, "status": 1}) == {"status": "must be a string"}


@pytest.mark.parametrize("value, expected", [("in", "in"), ("INBOUND", "in"), ("out", "out"), ("Outbound", "out"),
                                             ("internal", "internal")])
def test_directions_are_normalised(value, expected):
    assert out(direction=value).direction == expected


@pytest.mark.parametrize("value", ["sideways", "incoming", 1, True])
def test_unknown_direction_is_refused(value):
    assert "direction" in bad_fields("call_out", {**BASE, "direction": value})


@pytest.mark.parametrize("value", ["../x.wav", "javascript:alert(1)", "a\x00.wav", "x" * 2049, 12])
def test_bad_recordingfile_is_refused(value):
    assert "recordingfile" in bad_fields("call_out", {**BASE, "recordingfile": value})


def test_recording_url_is_kept_as_given():
    assert out(recordingfile=" https://pbx/rec/a.wav ").recordingfile == "https://pbx/rec/a.wav"


@pytest.mark.parametrize("kind", ["call_in", "init"])
def test_call_in_and_init_ignore_call_out_fields(kind):
    event = parse_event(kind, {**BASE, "status": "??", "duration": -1, "calldate": "x", "direction": "internal"})
    assert (event.status, event.duration, event.calldate) == (None, None, None)


def test_unknown_fields_are_ignored():
    assert parse_event("call_in", {**BASE, "uniqueid": object(), "__class__": "x"}) == parse_event("call_in", BASE)


def test_any_mapping_is_accepted():
    assert parse_event("call_in", MappingProxyType(BASE)).phone == "0989464344"


@pytest.mark.parametrize("data", [None, [], "phone=1", b"{}", 42, [("phone", "1")]])
def test_non_mapping_body_is_refused(data):
    assert bad_fields("call_in", data) == {"_body": "must be a JSON object"}


def test_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError) as caught:
        parse_event("call_end", BASE)
    assert not isinstance(caught.value, PayloadError)


def test_payload_error_is_a_value_error_with_a_readable_message():
    error = PayloadError({"phone": "required", "callid": "too long (max 128)"})
    assert isinstance(error, ValueError)
    assert str(error) == "phone: required; callid: too long (max 128)"


# ---- decode_body ------------------------------------------------------------------

def test_json_body_is_decoded():
    assert decode_body(b'{"phone": 84989464344, "extension": "101"}', "application/json; charset=utf-8") == {
        "phone": 84989464344, "extension": "101",
    }


@pytest.mark.parametrize("content_type", [None, "", "text/plain", "application/octet-stream", FORM])
def test_body_starting_with_a_brace_is_json_whatever_the_content_type(content_type):
    assert decode_body(b' \n{"a": "1"}', content_type) == {"a": "1"}


def test_json_with_a_byte_order_mark_is_decoded():
    assert decode_body('\ufeff{"a": 1}'.encode(), "application/json") == {"a": 1}


def test_vendor_json_content_type_is_json():
    assert decode_body(b'{"a": 1}', "application/vnd.pbx+json") == {"a": 1}


def test_form_body_is_decoded_with_last_value_winning():
    body = b"phone=%2B84+98&extension=101&phone=0989464344&empty="
    assert decode_body(body, FORM) == {"phone": "0989464344", "extension": "101", "empty": ""}


def test_form_values_stay_strings():
    assert decode_body(b"duration=65&callid=1.5", "Application/X-WWW-Form-Urlencoded; charset=UTF-8") == {
        "duration": "65", "callid": "1.5",
    }


def test_form_body_without_content_type_is_accepted():
    assert decode_body("callid=%C3%A9t%C3%A9".encode(), None) == {"callid": "été"}


@pytest.mark.parametrize("content_type", [FORM, None])
def test_empty_form_body_is_an_empty_dict(content_type):
    assert decode_body(b"", content_type) == {}


@pytest.mark.parametrize(
    "raw, content_type, message",
    [
        (b"\xff\xfe{}", "application/json", "invalid UTF-8"),
        (b"phone=\xe9", FORM, "invalid UTF-8"),
        (b"phone=%E9", FORM, "invalid UTF-8"),
        (b"", "application/json", "invalid JSON"),
        (b"{bad json", "application/json", "invalid JSON"),
        (b'{"a": NaN}', "application/json", "invalid JSON"),
        (b'{"a": Infinity}', None, "invalid JSON"),
        (b'{"a": 1} trailing', "application/json", "invalid JSON"),
        (b"[" * 200_000, "application/json", "invalid JSON"),
        (b'{"a": ' + b"9" * 5000 + b"}", "application/json", "invalid JSON"),
        (b"[]", "application/json", "must be a JSON object"),
        (b'"phone"', "application/json", "must be a JSON object"),
        (b"null", "application/json", "must be a JSON object"),
        (b"phone=1", "text/plain", "unsupported content type 'text/plain'"),
        (b"<xml/>", "application/xml", "unsupported content type 'application/xml'"),
        (b"x", "multipart/form-data; boundary=x", "unsupported content type 'multipart/form-data'"),
        (b"&".join([b"a=1"] * 1001), FORM, "too many fields (max 1000)"),
    ],
)
def test_bad_bodies_are_refused_as_body_errors(raw, content_type, message):
    with pytest.raises(PayloadError) as caught:
        decode_body(raw, content_type)
    assert caught.value.fields == {"_body": message}


def test_decoded_form_body_validates_end_to_end():
    data = decode_body(b"phone=0989464344&extension=101&callid=abc&duration=65&billsec=&status=BUSY", FORM)
    event = parse_event("call_out", data)
    assert (event.duration, event.billsec, event.status, event.disposition) == (65, None, "busy", "BUSY")


def test_a_lone_surrogate_escape_is_refused_and_names_its_field():
    cases = (
        (b'{"phone": "0989\\ud800464344", "extension": "101", "callid": "x"}', {"phone"}),
        (b'{"phone": "0989464344", "callid": ["\\udfff"], "note": "\\ud800"}', {"callid", "note"}),
        (b'{"\\ud800": "x", "phone": "0989464344"}', {"_body"}),
    )
    for body, fields in cases:
        with pytest.raises(PayloadError) as caught:
            decode_body(body, "application/json")
        assert set(caught.value.fields) == fields
        assert set(caught.value.fields.values()) == {"invalid unicode (lone surrogate escape)"}


def test_a_json_body_with_a_valid_surrogate_pair_escape_is_read():
    data = decode_body(b'{"callid": "\\ud83d\\ude00"}', "application/json")
    assert data == {"callid": "\U0001F600"}


# ---- answer (also a route) and recording (native adapters only) ----------------------------

def test_answer_event_needs_extension_and_callid_and_checks_a_phone_given():
    event = parse_event("answer", {"phone": "0989464344", "extension": "101", "callid": "z1",
                                   "direction": "inbound"})
    assert (event.kind, event.extension, event.direction, event.phone) == ("answer", "101", "in", "0989464344")
    assert parse_event("answer", {"extension": "102", "callid": "z1"}).phone == ""
    with pytest.raises(PayloadError) as error:
        parse_event("answer", {"callid": "z1", "phone": "abc"})
    assert set(error.value.fields) == {"phone", "extension"}
    with pytest.raises(PayloadError) as error:
        parse_event("answer", {"callid": "z1", "extension": "1 0 2"})
    assert set(error.value.fields) == {"extension"}


def test_recording_event_needs_only_callid_and_file():
    event = parse_event("recording", {"callid": "z1", "recordingfile": "https://pbx/r/1.mp3"})
    assert (event.kind, event.recordingfile, event.phone) == ("recording", "https://pbx/r/1.mp3", "")
    with pytest.raises(PayloadError) as error:
        parse_event("recording", {"callid": "z1", "recordingfile": "../../etc/passwd"})
    assert "recordingfile" in error.value.fields
    with pytest.raises(PayloadError) as error:
        parse_event("recording", {"callid": "z1"})
    assert error.value.fields == {"recordingfile": "required"}


def test_recording_event_checks_a_phone_when_one_is_given():
    with pytest.raises(PayloadError) as error:
        parse_event("recording", {"callid": "z1", "recordingfile": "a.wav", "phone": "abc"})
    assert "phone" in error.value.fields
