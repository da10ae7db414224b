"""lib/contract.py: the JSON shapes the routes answer and the popup bus payload."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from lib import contract
from lib.contract import error_response, iso_utc, ok_response, popup_payload

OK_ARGS = dict(
    event_id=5, call_id=12, callid="abc", state="ringing", direction="in",
    record={"model": "res.partner", "id": 7, "name": "Azure Interior"}, created=False,
    caller_name="Azure Interior", owner_extension="101", blocked=False, duplicate=False,
)


def popup_args(**changes):
    args = dict(
        call_id=12, callid="abc", connection_id=1, state="ringing", direction="in", phone="0989464344",
        phone_e164="+84989464344", extension="101", known=True, auto_created=False, blocked=False,
        caller={"model": "res.partner", "id": 7, "name": "Azure Interior", "company": None,
                "image_url": "/web/image/res.partner/7/avatar_128", "email": None},
        opportunities=[{"id": 3, "name": "Deal", "stage": "New", "expected_revenue": 1000,
                        "expected_revenue_formatted": "1\u202f000,00\u00a0€"}],
        last_calls=[{"id": 10, "direction": "in", "state": "ended",
                     "start": datetime(2026, 11, 20, 10, 0), "duration": 65}],
        open_in_new_tab=False, notes="",
    )
    args.update(changes)
    return args


def test_ok_response_has_the_contract_shape():
    assert ok_response(**OK_ARGS) == {
        "ok": True, "event_id": 5,
        "call": {"id": 12, "callid": "abc", "state": "ringing", "direction": "in"},
        "record": {"model": "res.partner", "id": 7, "name": "Azure Interior"},
        "created": False, "caller_name": "Azure Interior", "owner_extension": "101",
        "blocked": False, "duplicate": False,
    }


def test_ok_response_without_record():
    assert ok_response(**dict(OK_ARGS, record=None, owner_extension=None))["record"] is None


def test_ok_response_copies_the_record():
    record = dict(OK_ARGS["record"])
    body = ok_response(**dict(OK_ARGS, record=record))
    record["name"] = "changed"
    assert body["record"]["name"] == "Azure Interior"


def test_ok_response_arguments_are_keyword_only():
    with pytest.raises(TypeError):
        ok_response(*OK_ARGS.values())


@pytest.mark.parametrize("record", [{"model": "res.partner", "id": 7},
                                    {"model": "x", "id": 1, "name": "n", "x": 1}, []])
def test_ok_response_refuses_a_malformed_record(record):
    with pytest.raises(TypeError):
        ok_response(**dict(OK_ARGS, record=record))


@pytest.mark.parametrize("change", [{"state": "hangup"}, {"direction": "inbound"}])
def test_ok_response_refuses_unknown_state_or_direction(change):
    with pytest.raises(ValueError):
        ok_response(**dict(OK_ARGS, **change))


@pytest.mark.parametrize(
    "code, status",
    [("invalid_payload", 400), ("unauthorized", 401), ("forbidden", 403), ("method_not_allowed", 405),
     ("payload_too_large", 413), ("integration_disabled", 503), ("processing_failed", 500)],
)
def test_each_error_code_has_its_http_status(code, status):
    http_status, body = error_response(code, "message")
    assert http_status == status
    assert body["ok"] is False and body["error"]["code"] == code and body["error"]["message"] == "message"


def test_invalid_payload_always_carries_fields():
    assert error_response("invalid_payload", "bad", {"phone": "required"})[1] == {
        "ok": False, "error": {"code": "invalid_payload", "message": "bad", "fields": {"phone": "required"}},
    }
    assert error_response("invalid_payload", "bad")[1]["error"]["fields"] == {}


def test_other_errors_carry_no_fields():
    assert "fields" not in error_response("unauthorized", "no token")[1]["error"]
    with pytest.raises(ValueError):
        error_response("unauthorized", "no token", {"token": "bad"})


def test_event_id_is_present_only_when_journaled():
    assert error_response("processing_failed", "boom", event_id=9)[1]["event_id"] == 9
    assert "event_id" not in error_response("processing_failed", "boom")[1]


@pytest.mark.parametrize("code", ["not_found", "", "INVALID_PAYLOAD"])
def test_unknown_error_code_is_refused(code):
    with pytest.raises(ValueError):
        error_response(code, "x")


def test_popup_payload_has_the_contract_keys_in_order():
    payload = popup_payload(**popup_args())
    assert list(payload) == [
        "call_id", "callid", "connection_id", "state", "direction", "phone", "phone_e164", "extension",
        "known", "auto_created", "blocked", "caller", "opportunities", "last_calls", "open_in_new_tab", "notes",
        "transferred_to",
    ]
    assert payload["transferred_to"] is None, "absent: nobody's card is transferred away"
    assert popup_payload(**popup_args(transferred_to="102"))["transferred_to"] == "102"
    assert payload["last_calls"][0]["start"] == "2026-11-20T10:00:00Z"
    assert payload["opportunities"][0]["expected_revenue"] == 1000.0


def test_popup_payload_for_an_unknown_caller():
    payload = popup_payload(**popup_args(known=False, caller=None, opportunities=[], last_calls=[], phone_e164=None))
    assert payload["caller"] is None and payload["opportunities"] == [] and payload["last_calls"] == []


def test_popup_payload_refuses_missing_keys():
    args = popup_args()
    del args["notes"]
    with pytest.raises(TypeError, match="notes"):
        popup_payload(**args)


def test_popup_payload_refuses_unknown_keys():
    with pytest.raises(TypeError, match="password"):
        popup_payload(**popup_args(password="x"))


@pytest.mark.parametrize(
    "change",
    [{"caller": {"model": "res.partner", "id": 7}},
     {"opportunities": [{"id": 3, "name": "Deal"}]},
     {"last_calls": [{"id": 10, "direction": "in", "state": "ended", "start": "x", "duration": 1, "extra": 1}]},
     {"caller": "Azure"}],
)
def test_popup_payload_refuses_malformed_nested_objects(change):
    with pytest.raises(TypeError):
        popup_payload(**popup_args(**change))


def test_popup_payload_does_not_alias_its_inputs():
    caller = dict(popup_args()["caller"])
    payload = popup_payload(**popup_args(caller=caller))
    caller["name"] = "changed"
    assert payload["caller"]["name"] == "Azure Interior"


def test_iso_utc_of_naive_aware_and_string_values():
    assert iso_utc(datetime(2026, 11, 20, 10, 0, 0, 999)) == "2026-11-20T10:00:00Z"
    assert iso_utc(datetime(2026, 11, 20, 17, 0, tzinfo=timezone(timedelta(hours=7)))) == "2026-11-20T10:00:00Z"
    assert iso_utc("2026-11-20T10:00:00Z") == "2026-11-20T10:00:00Z"


# ---- lookup_answer -------------------------------------------------------------------

def _lookup(**overrides):
    values = dict(
        number="0989464344", e164="+84989464344",
        record={"model": "res.partner", "id": 7, "name": "Acme, Jane"},
        caller_name="Jane", company="Acme", email="jane@acme.test",
        url="http://odoo/web#model=res.partner&id=7&view_type=form",
        owner={"user_id": 2, "name": "Sam", "extension": "101"}, blocked=False,
    )
    values.update(overrides)
    return contract.lookup_answer(**values)


def test_lookup_answer_found_carries_record_owner_and_extension():
    answer = _lookup()
    assert answer["found"] is True
    assert answer["record"] == {"model": "res.partner", "id": 7, "name": "Acme, Jane"}
    assert answer["owner"]["extension"] == "101"
    assert list(answer) == ["ok", "number", "e164", "found", "record", "caller_name", "company",
                            "email", "url", "owner", "blocked"]


def test_lookup_answer_unknown_number_is_not_found():
    answer = _lookup(record=None, caller_name="", company=None, email=None, url=None, owner=None)
    assert answer["found"] is False and answer["owner"] is None and answer["caller_name"] == ""


def test_lookup_answer_rejects_an_owner_with_unknown_keys():
    with pytest.raises(TypeError):
        _lookup(owner={"user_id": 2, "name": "Sam", "extension": "101", "phone": "x"})
