"""vendors/yeastar/protocol.py: Yeastar P-Series webhook bodies (tests/fixtures/yeastar.json) onto canonical events."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import datetime

import pytest
from conftest import FIXTURES, fixture_cases

from lib import payload
from pbx_callcenter.vendors.yeastar import protocol as yeastar
from lib.payload import PayloadError

CASES = fixture_cases("yeastar.json")
VALID = [case for case in CASES if case["valid"]]
INVALID = [case for case in CASES if not case["valid"]]


def _ids(cases):
    return [case["name"] for case in cases]


def test_fixture_is_a_documented_list_of_uniquely_named_cases_citing_their_source():
    data = json.loads((FIXTURES / "yeastar.json").read_text(encoding="utf-8"))
    assert set(data) == {"description", "cases"} and "developer guide" in data["description"]
    assert len(_ids(CASES)) == len(set(_ids(CASES)))
    assert all(case["source"].startswith("https://help.yeastar.com/") for case in CASES)
    assert {"30011", "30012", "30016"} <= {str(case["body"].get("type")) for case in VALID}


@pytest.mark.parametrize("case", VALID, ids=_ids(VALID))
def test_valid_body_maps_onto_the_documented_canonical_event(case):
    event, envelope = yeastar.parse_envelope(case["body"])
    assert event == str(case["body"]["type"])
    assert isinstance(envelope["msg"], dict)
    mapped = yeastar.to_canonical(event, envelope, "Asia/Ho_Chi_Minh")
    expected = case["expected"]
    if expected is None:
        assert mapped is None
    else:
        kind, canonical = mapped
        assert {"kind": kind, "canonical": canonical} == expected
        payload.parse_event(kind, canonical, "Asia/Ho_Chi_Minh")  # the core accepts it as is
    if "invitation" in case:
        channel, caller = yeastar.invitation(envelope)
        assert {"channel_id": channel, "from": caller} == case["invitation"]


@pytest.mark.parametrize("case", INVALID, ids=_ids(INVALID))
def test_malformed_body_is_refused_naming_the_vendor_fields(case):
    with pytest.raises(PayloadError) as raised:
        event, envelope = yeastar.parse_envelope(case["body"])
        if case["stage"] == "invitation":
            yeastar.invitation(envelope)
        else:
            yeastar.to_canonical(event, envelope, "UTC")
    assert sorted(raised.value.fields) == sorted(case["fields"])
    stage_of_failure = "envelope"
    try:
        yeastar.parse_envelope(case["body"])
    except PayloadError:
        pass
    else:
        stage_of_failure = case["stage"]
    assert stage_of_failure == case["stage"]


def test_msg_as_text_and_as_object_give_the_same_envelope():
    msg = {"call_id": "1.2", "members": []}
    as_text = yeastar.parse_envelope({"type": 30011, "sn": "S", "msg": json.dumps(msg)})
    as_object = yeastar.parse_envelope({"type": "30011", "sn": "S", "msg": msg})
    assert as_text == as_object == ("30011", {"type": 30011, "sn": "S", "msg": msg})


@pytest.mark.parametrize("body", [
    [], "text", None,
    {"type": 30011, "msg": '{"call_id": "\\ud800"}'},   # lone surrogate inside msg's JSON text
    {"type": 30011, "msg": "[" * 100000 + "]" * 100000},  # nesting beyond the recursion limit
    {"type": 10**12, "msg": "{}"},
])
def test_garbage_envelopes_are_payload_errors_never_crashes(body):
    with pytest.raises(PayloadError):
        yeastar.parse_envelope(body)


def test_missing_msg_is_an_empty_object_and_known_events_then_name_their_fields():
    event, envelope = yeastar.parse_envelope({"type": 30012})
    assert envelope["msg"] == {}
    with pytest.raises(PayloadError) as raised:
        yeastar.to_canonical(event, envelope)
    assert set(raised.value.fields) == {"msg.type"}


def test_to_canonical_refuses_data_without_an_object_msg():
    with pytest.raises(PayloadError) as raised:
        yeastar.to_canonical("30011", {"msg": "not decoded"})
    assert raised.value.fields == {"msg": "must be a JSON object"}


@pytest.mark.parametrize("expected, serial, ok", [
    (None, "3631A2124XXX", True), ("", None, True), ("3631A2124XXX", " 3631a2124xxx ", True),
    ("3631A2124XXX", "9999", False), ("3631A2124XXX", None, False), ("3631A2124XXX", 3631, False),
])
def test_serial_number_check(expected, serial, ok):
    assert yeastar.serial_matches(expected, {"sn": serial}) is ok


# ---- replays ------------------------------------------------------------------------------

def _envelope(case_name):
    case = next(case for case in CASES if case["name"] == case_name)
    return yeastar.parse_envelope(case["body"])


def test_cdr_age_is_measured_from_its_end_in_the_pbx_timezone():
    event, envelope = _envelope("30012 internal CDR (documented example: extension 2005 calls 2002)")
    # 2022-04-27 19:04:36 in Ho Chi Minh City (UTC+7) + 24 s
    assert yeastar.call_reference_time(event, envelope, "Asia/Ho_Chi_Minh") == datetime(2022, 4, 27, 12, 5, 0)
    fresh = datetime(2022, 4, 28, 12, 5, 0)
    assert yeastar.replay_problem(event, envelope, "Asia/Ho_Chi_Minh", fresh) is None
    stale = yeastar.replay_problem(event, envelope, "Asia/Ho_Chi_Minh", datetime(2022, 4, 28, 12, 5, 1))
    assert list(stale) == ["msg.time_start"] and "replayed" in stale["msg.time_start"]


def test_call_status_age_comes_from_the_unix_time_in_the_call_id():
    event, envelope = _envelope("30011 inbound call rings an extension")
    assert yeastar.call_reference_time(event, envelope) == datetime(2022, 4, 2, 1, 8, 46)   # 1648861726
    assert yeastar.replay_problem(event, envelope, "UTC", datetime(2022, 4, 2, 2, 0)) is None
    assert list(yeastar.replay_problem(event, envelope, "UTC", datetime(2022, 4, 3, 2, 0))) == ["msg.call_id"]


@pytest.mark.parametrize("msg", [{"call_id": "abc"}, {"call_id": 5}, {}, {"time_start": "garbage"}])
def test_events_without_a_readable_time_are_never_called_replays(msg):
    envelope = {"type": 30012, "sn": None, "msg": dict(msg, call_duration="x")}
    for event in ("30011", "30012"):
        assert yeastar.replay_problem(event, envelope, "UTC", datetime(2100, 1, 1)) is None


# ---- 30016 and the OpenAPI requests -----------------------------------------------------------

def test_invitation_without_an_inbound_member_is_refused():
    with pytest.raises(PayloadError) as raised:
        yeastar.invitation({"msg": {"call_id": "1.1", "members": [{"extension": {"number": "2002"}}]}})
    assert raised.value.fields == {"msg.members": "no inbound member"}


@pytest.mark.parametrize("accept, endpoint", [(True, "accept_inbound"), (False, "refuse_inbound")])
def test_inbound_control_posts_the_channel_with_the_token_in_the_query(accept, endpoint):
    request = yeastar.inbound_control_request(base_url="https://pbx:8088/", access_token="t/1",
                                              accept=accept, channel_id="PJSIP/trunk-x-0001")
    assert (request.method, request.url) == ("POST",
                                             f"https://pbx:8088/openapi/v1.0/call/{endpoint}?access_token=t%2F1")
    assert json.loads(request.body) == {"channel_id": "PJSIP/trunk-x-0001"}
    assert ("User-Agent", "OpenAPI") in request.headers


def test_recording_download_asks_for_the_file_by_name():
    request = yeastar.recording_download_request(base_url="https://pbx:8088", access_token="T",
                                                 filename="2022 a&b.wav")
    assert request.method == "GET" and request.body is None
    assert request.url == "https://pbx:8088/openapi/v1.0/recording/download?file=2022%20a%26b.wav&access_token=T"
    assert ("User-Agent", "OpenAPI") in request.headers


def test_documented_webhook_signature_is_base64_of_hmac_sha256_of_the_raw_body():
    secret, body = "mvM5JZeCqxDCMUdpgGzCTPGGbOcOouDr", b'{"type":30012,"sn":"S","msg":"{}"}'
    header = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()
    assert yeastar.verify_signature(secret, body, header)
    assert yeastar.verify_signature(secret, body, f"  {header} ")
    assert not yeastar.verify_signature(secret, body + b" ", header)
    assert not yeastar.verify_signature("other", body, header)
    assert not yeastar.verify_signature("", body, header)
    for garbage in (None, "", "sha256=", "ü" * 10, header[:-4], "A" * 5000):
        assert not yeastar.verify_signature(secret, body, garbage)


def test_recording_resource_is_a_path_on_the_pbx_itself():
    good = json.dumps({"errcode": 0, "errmsg": "SUCCESS", "file": "a.wav",
                       "download_resource_url":
                       "/api/download/Recording-X.7.0.6-1-download-20220412175901-M8zB66xYUNTNMr2D.wav"})
    assert yeastar.recording_resource(200, good.encode()) == \
        "/api/download/Recording-X.7.0.6-1-download-20220412175901-M8zB66xYUNTNMr2D.wav"
    for url in ("https://evil.example/x.wav", "//evil.example/x.wav", "/api/../../etc/passwd", "/a//b",
                "/api/x.wav?redirect=http://evil", "/api/x y.wav", "", None, 5, "/" + "a" * 600):
        body = json.dumps({"errcode": 0, "download_resource_url": url}).encode()
        refused = yeastar.recording_resource(200, body)
        assert isinstance(refused, yeastar.Outcome) and not refused.ok, url
    refusal = yeastar.recording_resource(200, b'{"errcode": 10004, "errmsg": "ACCESS TOKEN EXPIRED"}')
    assert refusal == yeastar.Outcome(False, "ACCESS TOKEN EXPIRED (errcode 10004)")
    assert not yeastar.recording_resource(502, b"<html>").ok


def test_recording_file_request_appends_the_token_to_the_resource():
    request = yeastar.recording_file_request(base_url="https://pbx:8088/", access_token="t&1",
                                             resource="/api/download/Recording-1.wav")
    assert (request.method, request.url) == ("GET", "https://pbx:8088/api/download/Recording-1.wav?access_token=t%261")


# ---- company contacts (help.yeastar.com P-Series developer guide: "Add a Company Contact",
# "Edit a Company Contact", "Query Phonebook List", "Error Code and Error Message") ----------

def test_contact_create_posts_the_documented_fields_with_the_token_in_the_query():
    contact = yeastar.CompanyContact(name=" Lan Tran ", company="Lotus Ltd", email="lan@lotus.example",
                                     phone="+84912345678", mobile="0987654321")
    request = yeastar.contact_create_request(base_url="https://pbx:8088/", access_token="t/1",
                                             body=yeastar.contact_body(contact, 7))
    assert (request.method, request.url) == (
        "POST", "https://pbx:8088/openapi/v1.0/company_contact/create?access_token=t%2F1")
    assert ("User-Agent", "OpenAPI") in request.headers
    assert json.loads(request.body) == {
        "first_name": "Lan Tran", "company": "Lotus Ltd", "email": "lan@lotus.example",
        "number_list": [{"num_type": "business_number", "number": "+84912345678"},
                        {"num_type": "mobile_number", "number": "0987654321"}],
        "phonebook_id_list": [7]}


def test_contact_update_names_the_contact_and_joins_no_phonebook_unless_asked():
    body = yeastar.contact_body(yeastar.CompanyContact(name="Tom", mobile="+15550100"))
    request = yeastar.contact_update_request(base_url="https://pbx", access_token="T", contact_id=31, body=body)
    assert request.url == "https://pbx/openapi/v1.0/company_contact/update?access_token=T"
    assert json.loads(request.body) == {"id": 31, "first_name": "Tom", "company": "", "email": "",
                                        "number_list": [{"num_type": "mobile_number", "number": "+15550100"}]}


@pytest.mark.parametrize("contact", [yeastar.CompanyContact(name="  ", phone="+15550100"),
                                     yeastar.CompanyContact(name="Tom")])
def test_a_contact_without_a_name_or_a_number_is_never_sent(contact):
    with pytest.raises(ValueError):
        yeastar.contact_body(contact)


def test_contact_texts_are_clipped():
    body = yeastar.contact_body(yeastar.CompanyContact(name="N" * 500, company="C" * 500, phone="123"))
    assert len(body["first_name"]) == len(body["company"]) == yeastar.CONTACT_TEXT_MAX


def test_contact_created_reads_the_id_and_refuses_anything_else():
    assert yeastar.contact_created(200, b'{"errcode": 0, "errmsg": "SUCCESS", "id": 31}') == 31
    for status, body, detail in [
        (200, b'{"errcode": 0, "errmsg": "SUCCESS"}', "the PBX answered no contact id"),
        (200, b'{"errcode": 0, "id": true}', "the PBX answered no contact id"),
        (200, b'{"errcode": 0, "id": "31"}', "the PBX answered no contact id"),
        (200, b'{"errcode": 10004, "errmsg": "TOKEN EXPIRED"}', "TOKEN EXPIRED (errcode 10004)"),
        (500, b"<html><body>Bad Gateway</body></html>", "HTTP 500: Bad Gateway"),
        (200, b"", "HTTP 200"),
    ]:
        assert yeastar.contact_created(status, body) == yeastar.Outcome(False, detail), body


def test_only_data_not_found_means_the_contact_is_gone():
    assert yeastar.contact_gone(200, b'{"errcode": 60001, "errmsg": "DATA NOT FOUND"}')
    for status, body in [(200, b'{"errcode": 0}'), (404, b'{"errcode": 60001}'), (200, b"<html>"),
                         (200, b'{"errcode": 70093, "errmsg": "PHONEBOOK_NOT_EXISTED"}')]:
        assert not yeastar.contact_gone(status, body)


@pytest.mark.parametrize("value, reference", [(None, None), ("  ", None), ("7", 7), (" 12 ", 12), ("0", "0"),
                                              ("Odoo", "Odoo"), ("1234567890", "1234567890")])
def test_the_phonebook_is_chosen_by_id_or_by_name(value, reference):
    assert yeastar.phonebook_reference(value) == reference


def test_phonebook_list_pages_and_names():
    request = yeastar.phonebook_list_request(base_url="https://pbx", access_token="T", page=2)
    assert (request.method, request.url) == (
        "GET", "https://pbx/openapi/v1.0/phonebook/list?page=2&page_size=30&access_token=T")
    body = json.dumps({"errcode": 0, "errmsg": "SUCCESS", "total_number": 2, "data": [
        {"id": 3, "name": "All Company Contacts_Phonebook", "total": 7, "member_select": "sel_all"},
        {"id": 5, "name": " Vendor ", "total": 2, "member_select": "sel_specific"},
        {"id": "6", "name": "not an id"}]}).encode()
    books, total = yeastar.parse_phonebook_list(200, body)
    assert (books, total) == ({3: "All Company Contacts_Phonebook", 5: " Vendor "}, 2)
    assert yeastar.find_phonebook(books, "vendor") == 5 and yeastar.find_phonebook(books, "Vend") is None


@pytest.mark.parametrize("status, body", [(200, b"<html>"), (200, b"[]"), (500, b'{"errcode": -2}'),
                                          (200, b'{"errcode": 0, "data": {}}'), (200, b'{"errcode": 0, "data": [1]}'),
                                          (200, b'{"errcode": 0, "data": [], "total_number": true}')])
def test_a_hostile_phonebook_list_is_an_api_error(status, body):
    with pytest.raises(yeastar.PbxApiError):
        yeastar.parse_phonebook_list(status, body)
