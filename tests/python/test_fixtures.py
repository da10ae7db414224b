"""Every case of the shared JSON fixtures (also read by the TypeScript and Odoo tests) goes through lib."""

from __future__ import annotations

import json

import pytest
from conftest import FIXTURES, fixture_cases

from lib import dates, payload, phone, status

FIXTURE_NAMES = ("numbers.json", "calldates.json", "statuses.json", "payloads.json")


def _ids(cases):
    return [case["name"] if "name" in case else repr(case["value"]) for case in cases]


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_fixture_files_are_documented_lists_of_cases(name):
    data = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    assert set(data) == {"description", "cases"}
    assert isinstance(data["description"], str) and len(data["description"]) > 40
    assert data["cases"]


@pytest.mark.parametrize("name", ("numbers.json", "calldates.json", "payloads.json"))
def test_fixture_case_names_are_unique(name):
    names = [case["name"] for case in fixture_cases(name)]
    assert len(names) == len(set(names))


NUMBER_CASES = fixture_cases("numbers.json")


@pytest.mark.parametrize("case", NUMBER_CASES, ids=_ids(NUMBER_CASES))
def test_numbers_fixture_case_normalizes_as_documented(case):
    pn = phone.normalize(case["raw"], case["country"])
    assert (pn.digits, pn.e164, pn.key) == (case["digits"], case["e164"], case["key"])
    assert phone.index_key(case["raw"], case["country"]) == case["key"]


DATE_CASES = fixture_cases("calldates.json")


@pytest.mark.parametrize("case", DATE_CASES, ids=_ids(DATE_CASES))
def test_calldates_fixture_case_parses_as_documented(case):
    if not case["valid"]:
        with pytest.raises(ValueError):
            dates.parse_calldate(case["value"], case["tz"])
        assert case["expected"] is None
        return
    parsed = dates.parse_calldate(case["value"], case["tz"])
    assert parsed.tzinfo is None
    assert parsed.isoformat(timespec="milliseconds") + "Z" == case["expected"]


STATUS_CASES = fixture_cases("statuses.json")


@pytest.mark.parametrize("case", STATUS_CASES, ids=_ids(STATUS_CASES))
def test_statuses_fixture_case_maps_as_documented(case):
    if not case["valid"]:
        with pytest.raises(ValueError):
            status.parse_status(case["value"])
        assert case["status"] is None and case["final_state"] is None
        return
    canonical = status.parse_status(case["value"])
    assert canonical == case["status"]
    assert status.final_state(canonical) == case["final_state"]


PAYLOAD_CASES = fixture_cases("payloads.json")


def test_payloads_fixture_has_enough_valid_and_invalid_cases():
    assert len(PAYLOAD_CASES) >= 25
    assert sum(case["valid"] for case in PAYLOAD_CASES) >= 10
    assert sum(not case["valid"] for case in PAYLOAD_CASES) >= 15


@pytest.mark.parametrize("case", PAYLOAD_CASES, ids=_ids(PAYLOAD_CASES))
def test_payloads_fixture_case_validates_as_documented(case):
    assert case["valid"] == (case["fields"] == [])
    if case["valid"]:
        event = payload.parse_event(case["kind"], case["payload"])
        assert event.kind == case["kind"]
        assert event.phone and event.extension and event.callid
        return
    with pytest.raises(payload.PayloadError) as caught:
        payload.parse_event(case["kind"], case["payload"])
    assert sorted(caught.value.fields) == sorted(case["fields"])


@pytest.mark.parametrize("case", PAYLOAD_CASES, ids=_ids(PAYLOAD_CASES))
def test_payloads_fixture_case_decodes_from_its_json_body(case):
    body = json.dumps(case["payload"]).encode("utf-8")
    assert payload.decode_body(body, "application/json") == case["payload"]
