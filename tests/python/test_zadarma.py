"""vendors/zadarma/protocol.py on Zadarma's documented notifications (tests/fixtures/zadarma.json), whose
Signature headers were computed with openssl, not with the code under test."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import datetime, timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest
from conftest import FIXTURES

from lib import payload, pbx_api
from pbx_callcenter.vendors.zadarma import protocol as zadarma

FIXTURE = json.loads((FIXTURES / "zadarma.json").read_text(encoding="utf-8"))
CASES = FIXTURE["cases"]
SECRET, TZ = FIXTURE["secret"], FIXTURE["tz"]
IDS = [case["name"] for case in CASES]


def _case(name):
    return next(case for case in CASES if case["name"] == name)


def _fields(name, **changes):
    fields = dict(_case(name)["fields"])
    fields.update(changes)
    return {key: value for key, value in fields.items() if value is not None}


def test_the_fixture_covers_every_event_the_vendor_library_knows():
    assert {case["fields"]["event"] for case in CASES} == set(zadarma.EVENTS)
    assert len(IDS) == len(set(IDS))


# ---- Signature --------------------------------------------------------------------------

@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_each_event_signs_the_fields_its_php_class_concatenates(case):
    event = case["fields"]["event"]
    assert zadarma.signature_string(event, case["fields"]) == case["signed"]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_the_signature_is_base64_of_the_hex_hmac_sha1_as_openssl_computes_it(case):
    assert zadarma.sign(SECRET, case["signed"]) == case["signature"]
    assert zadarma.verify_signature(SECRET, case["fields"]["event"], case["fields"], case["signature"])


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_a_signature_made_with_another_secret_or_over_other_fields_is_refused(case):
    event, fields = case["fields"]["event"], case["fields"]
    assert not zadarma.verify_signature("another-secret", event, fields, case["signature"])
    signed_field = zadarma.SIGNED_FIELDS[event][0]
    tampered = dict(fields, **{signed_field: fields[signed_field] + "0"})
    assert not zadarma.verify_signature(SECRET, event, tampered, case["signature"])


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_the_base64_of_the_raw_hmac_of_zadarmas_typescript_library_is_accepted_too(case):
    event, fields = case["fields"]["event"], case["fields"]
    assert zadarma.sign_raw(SECRET, case["signed"]) == case["signature_raw"]
    assert zadarma.verify_signature(SECRET, event, fields, case["signature_raw"])
    assert not zadarma.verify_signature("another-secret", event, fields, case["signature_raw"])
    signed_field = zadarma.SIGNED_FIELDS[event][0]
    tampered = dict(fields, **{signed_field: fields[signed_field] + "0"})
    assert not zadarma.verify_signature(SECRET, event, tampered, case["signature_raw"])


def test_other_encodings_of_the_hmac_are_refused():
    case = _case("internal")
    hex_digest = hmac.new(SECRET.encode(), case["signed"].encode(), hashlib.sha1).hexdigest()
    raw = hmac.new(SECRET.encode(), case["signed"].encode(), hashlib.sha1).digest()
    for header in (hex_digest, hex_digest.upper(), base64.urlsafe_b64encode(raw + b"\xfb").decode(),
                   base64.b64encode(raw).decode().rstrip("=")):
        assert not zadarma.verify_signature(SECRET, "NOTIFY_INTERNAL", case["fields"], header), header


@pytest.mark.parametrize("header", [None, "", "   ", "not base64 at all", "é" * 56, "\x00"])
def test_missing_or_garbage_signature_headers_are_refused(header):
    case = _case("start")
    assert not zadarma.verify_signature(SECRET, "NOTIFY_START", case["fields"], header)


def test_no_secret_or_an_unknown_event_verifies_nothing():
    case = _case("start")
    assert not zadarma.verify_signature("", "NOTIFY_START", case["fields"], case["signature"])
    assert zadarma.signature_string("NOTIFY_SMS", case["fields"]) is None
    assert not zadarma.verify_signature(SECRET, "NOTIFY_SMS", case["fields"], case["signature"])


def test_missing_signed_fields_count_as_empty_like_php_null():
    assert zadarma.signature_string("NOTIFY_START", {"caller_id": "1", "call_start": "x"}) == "1x"
    assert zadarma.signature_string("NOTIFY_RECORD", {"pbx_call_id": 7, "call_id_with_rec": ["x"]}) == "7"


def test_the_signature_is_surrounding_whitespace_tolerant_only():
    case = _case("record")
    assert zadarma.verify_signature(SECRET, "NOTIFY_RECORD", case["fields"], f" {case['signature']}\t")
    assert not zadarma.verify_signature(SECRET, "NOTIFY_RECORD", case["fields"], case["signature"].lower())


# ---- to_canonical -------------------------------------------------------------------------

@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_each_documented_event_maps_onto_its_canonical_event(case):
    mapped = zadarma.to_canonical(case["fields"]["event"], case["fields"], TZ)
    expected = case["canonical"]
    assert mapped == (None if expected is None else tuple(expected))


@pytest.mark.parametrize("case", [c for c in CASES if c["canonical"]], ids=lambda c: c["name"])
def test_every_mapped_event_is_a_valid_canonical_payload(case):
    kind, canonical = zadarma.to_canonical(case["fields"]["event"], case["fields"], TZ)
    event = payload.parse_event(kind, canonical, "UTC")
    assert event.callid == case["fields"]["pbx_call_id"]


def test_call_start_is_read_in_the_connection_timezone():
    fields = _fields("end_answered_recorded")
    assert zadarma.to_canonical("NOTIFY_END", fields, "UTC")[1]["calldate"] == "2024-11-20T17:00:05Z"
    assert zadarma.to_canonical("NOTIFY_END", fields, "Europe/Moscow")[1]["calldate"] == "2024-11-20T14:00:05Z"


@pytest.mark.parametrize("disposition, status", [
    ("answered", "answered"), ("busy", "busy"), ("cancel", "missed"), ("no answer", "missed"),
    ("failed", "failed"), ("no money", "failed"), ("unallocated number", "failed"),
    ("no limit", "failed"), ("no day limit", "failed"), ("line limit", "failed"),
    ("no money, no limit", "failed"), ("NO  ANSWER", "missed"), ("a new one", "failed"),
])
def test_every_documented_disposition_maps_onto_a_canonical_status(disposition, status):
    fields = _fields("out_end_no_money", disposition=disposition)
    assert zadarma.to_canonical("NOTIFY_OUT_END", fields, TZ)[1]["status"] == status


def test_an_end_without_disposition_leaves_the_status_to_the_duration():
    kind, canonical = zadarma.to_canonical("NOTIFY_END", _fields("end_answered_recorded", disposition=None), TZ)
    assert "status" not in canonical
    assert payload.parse_event(kind, canonical).status == "answered"


def test_a_recording_is_only_taken_when_is_recorded_is_1():
    _kind, canonical = zadarma.to_canonical("NOTIFY_END", _fields("end_answered_recorded", is_recorded="0"), TZ)
    assert "recordingfile" not in canonical
    _kind, canonical = zadarma.to_canonical("NOTIFY_END", _fields("end_answered_recorded", call_id_with_rec=""), TZ)
    assert "recordingfile" not in canonical


def test_an_answer_without_internal_falls_back_on_destination():
    _kind, canonical = zadarma.to_canonical("NOTIFY_ANSWER", _fields("answer", internal=None), TZ)
    assert canonical["extension"] == "102"


def test_unknown_events_change_no_call():
    assert zadarma.to_canonical("NOTIFY_SMS", {"anything": "x"}, TZ) is None
    assert zadarma.to_canonical("", {}, TZ) is None


@pytest.mark.parametrize("event, changes, bad", [
    ("NOTIFY_INTERNAL", {"internal": None}, {"internal"}),
    ("NOTIFY_INTERNAL", {"caller_id": "<script>"}, {"caller_id"}),
    ("NOTIFY_INTERNAL", {"pbx_call_id": None, "call_start": "yesterday"}, {"pbx_call_id", "call_start"}),
    ("NOTIFY_START", {"caller_id": None}, {"caller_id"}),
    ("NOTIFY_START", {"call_start": "2024-13-45 99:00:00"}, {"call_start"}),
    ("NOTIFY_ANSWER", {"internal": None, "destination": None}, {"destination"}),
    ("NOTIFY_ANSWER", {"internal": "1 0 1; DROP TABLE"}, {"internal"}),
    ("NOTIFY_END", {"duration": "-5"}, {"duration"}),
    ("NOTIFY_END", {"duration": "99999999999"}, {"duration"}),
    ("NOTIFY_END", {"call_id_with_rec": "../../etc/passwd"}, {"call_id_with_rec"}),
    ("NOTIFY_END", {"internal": None, "called_did": None}, {"called_did"}),
    ("NOTIFY_OUT_START", {"destination": "x" * 500}, {"destination"}),
    ("NOTIFY_OUT_END", {"internal": None}, {"internal"}),
    ("NOTIFY_RECORD", {"call_id_with_rec": None}, {"call_id_with_rec"}),
    ("NOTIFY_RECORD", {"call_id_with_rec": "a/b"}, {"call_id_with_rec"}),
    ("NOTIFY_RECORD", {"pbx_call_id": "in_\x00"}, {"pbx_call_id"}),
])
def test_malformed_vendor_fields_are_rejected_by_their_zadarma_name(event, changes, bad):
    name = {"NOTIFY_INTERNAL": "internal", "NOTIFY_START": "start", "NOTIFY_ANSWER": "answer",
            "NOTIFY_END": "end_answered_recorded", "NOTIFY_OUT_START": "out_start",
            "NOTIFY_OUT_END": "out_end_no_money", "NOTIFY_RECORD": "record"}[event]
    with pytest.raises(payload.PayloadError) as error:
        zadarma.to_canonical(event, _fields(name, **changes), TZ)
    assert set(error.value.fields) == bad


@pytest.mark.parametrize("value", [["84989464344"], {"a": 1}, 3.5, True])
def test_fields_of_the_wrong_json_type_are_rejected(value):
    with pytest.raises(payload.PayloadError) as error:
        zadarma.to_canonical("NOTIFY_INTERNAL", _fields("internal", caller_id=value), TZ)
    assert set(error.value.fields) == {"caller_id"}


def test_a_body_that_is_not_an_object_is_rejected():
    with pytest.raises(payload.PayloadError):
        zadarma.to_canonical("NOTIFY_END", ["NOTIFY_END"], TZ)


# ---- freshness ----------------------------------------------------------------------------

NOW = datetime(2024, 11, 21, 10, 0, 10)   # naive UTC: 24 h 5 s after the fixtures' call_start (10:00:05 UTC)


def test_an_event_within_the_window_is_fresh():
    zadarma.check_fresh("NOTIFY_INTERNAL", _fields("internal"), TZ, NOW - timedelta(hours=1), 24)


def test_an_event_of_a_call_older_than_the_window_is_refused_on_call_start():
    with pytest.raises(payload.PayloadError) as error:
        zadarma.check_fresh("NOTIFY_INTERNAL", _fields("internal"), TZ, NOW, 24)
    assert set(error.value.fields) == {"call_start"}
    assert "24 h old" in error.value.fields["call_start"]


def test_the_end_of_a_long_call_counts_from_its_end_not_its_start():
    long_end = _fields("end_answered_recorded", duration=str(3 * 3600))
    zadarma.check_fresh("NOTIFY_END", long_end, TZ, NOW + timedelta(hours=2), 24)
    with pytest.raises(payload.PayloadError):
        zadarma.check_fresh("NOTIFY_END", long_end, TZ, NOW + timedelta(hours=3), 24)


def test_an_event_far_in_the_future_points_at_a_wrong_timezone():
    with pytest.raises(payload.PayloadError) as error:
        zadarma.check_fresh("NOTIFY_START", _fields("start"), TZ, NOW - timedelta(days=3), 24)
    assert "future" in error.value.fields["call_start"]


def test_the_check_can_be_turned_off_and_skips_events_without_call_start():
    zadarma.check_fresh("NOTIFY_INTERNAL", _fields("internal"), TZ, NOW + timedelta(days=400), 0)
    zadarma.check_fresh("NOTIFY_RECORD", _fields("record"), TZ, NOW + timedelta(days=400), 24)
    zadarma.check_fresh("NOTIFY_SMS", {"call_start": "2001-01-01 00:00:00"}, TZ, NOW, 24)
    zadarma.check_fresh("NOTIFY_END", _fields("end_answered_recorded", call_start="garbage"), TZ, NOW, 24)


# ---- NOTIFY_START answer -------------------------------------------------------------------

def _lookup(name="Brandon Freeman", extension="101", blocked=False):
    owner = {"user_id": 7, "name": "Sally", "extension": extension} if extension is not False else None
    return {"caller_name": name, "owner": owner, "blocked": blocked}


def test_a_known_caller_gets_their_name_and_nothing_else_by_default():
    answer = zadarma.start_answer(_lookup(), route_to_owner=False, return_timeout=20, reject_blocked=True)
    assert answer == {"caller_name": "Brandon Freeman"}


def test_routing_sends_a_known_caller_to_their_salespersons_extension():
    answer = zadarma.start_answer(_lookup(), route_to_owner=True, return_timeout=20, reject_blocked=True)
    assert answer == {"caller_name": "Brandon Freeman", "redirect": "101", "return_timeout": 20}


@pytest.mark.parametrize("extension", [None, False, "1001", "10", "1a1", "sip:101"])
def test_no_redirect_without_a_three_digit_owner_extension(extension):
    answer = zadarma.start_answer(_lookup(extension=extension), route_to_owner=True, return_timeout=0,
                                  reject_blocked=True)
    assert "redirect" not in answer


def test_a_blocked_number_hears_busy_unless_rejection_is_off():
    lookup = _lookup(blocked=True)
    assert zadarma.start_answer(lookup, route_to_owner=True, return_timeout=20,
                                reject_blocked=True) == {"redirect": "blacklist"}
    assert zadarma.start_answer(lookup, route_to_owner=False, return_timeout=20,
                                reject_blocked=False) == {"caller_name": "Brandon Freeman"}


def test_an_unknown_caller_changes_nothing():
    assert zadarma.start_answer(_lookup(name="", extension=False), route_to_owner=True,
                                return_timeout=20, reject_blocked=True) == {}


def test_caller_names_are_cleaned_and_cut_but_keep_unicode():
    answer = zadarma.start_answer(_lookup(name="Nguyễn\tVăn\x00 An\n" + "x" * 100, extension=False),
                                  route_to_owner=False, return_timeout=0, reject_blocked=True)
    assert answer["caller_name"].startswith("Nguyễn Văn An x")
    assert len(answer["caller_name"]) == zadarma.MAX_CALLER_NAME


@pytest.mark.parametrize("value, ok", [(0, True), (3, True), (3600, True), (1, False), (2, False),
                                       (-1, False), (3601, False)])
def test_return_timeout_is_0_or_at_least_3_seconds(value, ok):
    if ok:
        zadarma.check_return_timeout(value)
    else:
        with pytest.raises(ValueError):
            zadarma.check_return_timeout(value)


# ---- zd_echo --------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["abc123", "c4f5e1b9a2d34e7f8a6b", "a:b.c-d_e", "Zm9v+/=="])
def test_echo_answers_tokens(value):
    assert zadarma.echo_value(value) == value


@pytest.mark.parametrize("value", ["", "<script>alert(1)</script>", "a b", "x" * 129, "é", "a\r\nSet-Cookie: x",
                                   None, ["a"]])
def test_echo_refuses_markup_spaces_and_long_text(value):
    with pytest.raises(ValueError):
        zadarma.echo_value(value)


# ---- recordings ----------------------------------------------------------------------------

def test_the_playback_url_is_a_stable_odoo_route():
    assert zadarma.play_url("https://odoo.example.com/", 3, "1732096805.5183742") == (
        "https://odoo.example.com/pbx_callcenter/zadarma/recording/3/1732096805.5183742")


def test_the_record_request_is_signed_like_zadarmas_client():
    request = zadarma.record_request(base_url="http://127.0.0.1:9", key="KEY", secret="SECRET",
                                     call_id="1732096805.5183742")
    parts = urlsplit(request.url)
    assert (request.method, parts.path) == ("GET", "/v1/pbx/record/request/")
    query = dict(parse_qsl(parts.query))
    assert query == {"call_id": "1732096805.5183742", "format": "json", "lifetime": "1800"}
    # ksorted, RFC 1738-encoded query: what Client::getAuthHeader signs
    assert parts.query == "call_id=1732096805.5183742&format=json&lifetime=1800"
    assert request.headers == (("Authorization", zadarma.zadarma_authorization(
        "/v1/pbx/record/request/", query, "KEY", "SECRET")),)


def test_the_record_request_signature_matches_openssl():
    # q="call_id=1732096805.5183742&format=json&lifetime=1800"
    # printf %s "/v1/pbx/record/request/$q$(printf %s "$q" | md5sum | cut -c1-32)" \
    #   | openssl dgst -sha1 -hmac SECRET | awk '{print $2}' | tr -d '\n' | base64
    request = zadarma.record_request(base_url=None, key="KEY", secret="SECRET", call_id="1732096805.5183742")
    assert request.headers[0][1] == "KEY:" + OPENSSL_RECORD_SIGNATURE


OPENSSL_RECORD_SIGNATURE = "MmZjNmMwNjA0NjEwMGUwOTEzYmYwMTkzOTg4YTIxYjBlOWI1MGRlZA=="


@pytest.mark.parametrize("kwargs", [
    {"call_id": "../x"}, {"call_id": ""}, {"call_id": "1.2", "lifetime": 179},
    {"call_id": "1.2", "lifetime": 5184001}, {"call_id": "1.2", "key": ""},
])
def test_bad_record_requests_are_refused(kwargs):
    arguments = dict({"base_url": None, "key": "k", "secret": "s"}, **kwargs)
    with pytest.raises(pbx_api.PbxApiError):
        zadarma.record_request(**arguments)


@pytest.mark.parametrize("answer, link", [
    ({"status": "success", "link": "https://api.zadarma.com/v1/pbx/record/download/x/1.mp3",
      "lifetime_till": "2024-11-20 18:00:05"}, "https://api.zadarma.com/v1/pbx/record/download/x/1.mp3"),
    ({"status": "success", "links": ["https://a.example/1.mp3", "https://a.example/2.mp3"],
      "lifetime_till": "2024-11-20 18:00:05"}, "https://a.example/1.mp3"),
])
def test_the_record_answer_gives_its_link(answer, link):
    assert zadarma.record_link(200, json.dumps(answer).encode()) == link


@pytest.mark.parametrize("status, body", [
    (200, b'{"status": "error", "message": "Record not found"}'),
    (401, b'{"status": "success", "link": "https://a.example/1.mp3"}'),
    (200, b'{"status": "success"}'),
    (200, b'{"status": "success", "link": "javascript:alert(1)"}'),
    (200, b'{"status": "success", "link": "https://a.example/\\n1.mp3"}'),
    (200, b'{"status": "success", "links": []}'),
    (200, b"<html>"),
    (200, b"[]"),
])
def test_record_answers_without_a_usable_link_are_errors(status, body):
    with pytest.raises(pbx_api.PbxApiError):
        zadarma.record_link(status, body)
