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
