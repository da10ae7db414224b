"""contracts/ (generated from web/src/schemas by `npm run build`) and lib/contracts.py: the shared
fixtures are judged by the JSON Schemas as by zod, the lib builders answer what the schemas say,
and lib reads its tables from tables.json."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import MODULE, ROOT, fixture_cases

from lib import contract, contracts, extension_binding, payload, status
from pbx_callcenter.tests.contract_schema import problems, validator

SCHEMA_NAMES = sorted(path.name[: -len(".schema.json")] for path in contracts.CONTRACTS_DIR.glob("*.schema.json"))

#: Invalid fixture cases whose rule JSON Schema cannot state (ids that refer to each other,
#: uniqueness of one key among items): only zod (web/tests/schemas) rejects them.
ZOD_ONLY = {
    "every connection has an extension list",
    "a binding names an extension bound to that user",
    "an extension is not bound to two users",
    "an extension id is listed once",
    "an extension is proposed to one user only",
}


def _ids(cases):
    return [case["name"] for case in cases]


def _response_schema(value):
    return "route_ok" if isinstance(value, dict) and value.get("ok") is True else "route_error"


CASES = (
    [(_response_schema(case["value"]), case) for case in fixture_cases("responses.json")]
    + [("bus_call", case) for case in fixture_cases("bus_call.json")]
    + [("dial_result", case) for case in fixture_cases("dial_results.json")]
    + [(f"binding_{case['kind']}", case) for case in fixture_cases("extension_binding.json")]
)


# ---- the files ------------------------------------------------------------------------

def test_there_is_a_schema_for_every_boundary_shape():
    assert set(SCHEMA_NAMES) == {
        "call_in_payload", "call_out_payload", "answer_payload", "route_ok", "route_error", "route_ignored",
        "lookup_answer", "bus_call", "dial_result", "binding_data", "binding_auto_bind",
        "binding_save", "binding_add", "binding_import",
    }


@pytest.mark.parametrize("name", SCHEMA_NAMES + ["tables"])
def test_each_file_says_it_is_generated_from_which_typescript_file(name):
    path = contracts.CONTRACTS_DIR / (f"{name}.schema.json" if name != "tables" else "tables.json")
    comment = json.loads(path.read_text(encoding="utf-8"))["$comment"]
    assert comment.startswith("GENERATED from web/src/") and "npm run build" in comment
    sources = comment[len("GENERATED from "):comment.index(" by ")]
    for source in sources.split(", "):
        assert (ROOT / source.split(" ")[0]).is_file(), source


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_each_schema_is_a_valid_json_schema_2020_12(name):
    assert contracts.schema(name)["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    validator(name)  # check_schema raises on an invalid schema


# ---- the shared fixtures, judged by the schemas -------------------------------------------

@pytest.mark.parametrize("name, case", CASES, ids=[f"{name}: {case['name']}" for name, case in CASES])
def test_fixture_case_is_judged_by_the_json_schema_as_by_zod(name, case):
    found = problems(name, case["value"])
    if case["valid"]:
        assert found == []
    elif case["name"] in ZOD_ONLY:
        assert found == [], "the schema now states this rule: drop the case from ZOD_ONLY"
    else:
        assert found, f"the schema accepts the invalid case {case['name']!r}"


def test_zod_only_names_real_invalid_cases():
    invalid = {case["name"] for _name, case in CASES if not case["valid"]}
    assert ZOD_ONLY <= invalid


PAYLOAD_CASES = [case for case in fixture_cases("payloads.json") if case["valid"]]


@pytest.mark.parametrize("case", PAYLOAD_CASES, ids=_ids(PAYLOAD_CASES))
def test_every_valid_payload_fits_the_payload_schema_of_its_route(case):
    name = "call_out_payload" if case["kind"] == "call_out" else "call_in_payload"
    assert problems(name, case["payload"]) == []
    payload.parse_event(case["kind"], case["payload"])


def test_the_payload_schema_refuses_a_payload_without_its_required_fields():
    assert problems("call_in_payload", {"phone": "0989464344"}) == [
        "<root>: 'callid' is a required property", "<root>: 'extension' is a required property",
    ]


# ---- what lib builds ----------------------------------------------------------------------

OK_ARGS = dict(
    event_id=5, call_id=12, callid="abc", state="ended", direction="in",
    record={"model": "crm.lead", "id": 7, "name": "Deal"}, created=True,
    caller_name="Jane", owner_extension="101", blocked=False, duplicate=False,
)


def test_ok_response_fits_route_ok():
    assert problems("route_ok", contract.ok_response(**OK_ARGS)) == []


def test_a_created_record_that_was_blocked_does_not_fit_route_ok():
    assert problems("route_ok", contract.ok_response(**dict(OK_ARGS, blocked=True)))


@pytest.mark.parametrize("code", sorted(contract.ERROR_STATUS))
def test_every_error_response_fits_route_error(code):
    fields = {"phone": "required"} if code == "invalid_payload" else None
    _status, body = contract.error_response(code, "message", fields, event_id=3)
    assert problems("route_error", body) == []


def test_ignored_response_fits_route_ignored():
    assert problems("route_ignored", contract.ignored_response(4)) == []


@pytest.mark.parametrize("found", [True, False])
def test_lookup_answer_fits_lookup_answer(found):
    answer = contract.lookup_answer(
        number="0989464344", e164="+84989464344",
        record={"model": "res.partner", "id": 7, "name": "Jane"} if found else None,
        caller_name="Jane" if found else "", company=None, email=None, url=None,
        owner={"user_id": 2, "name": "Sam", "extension": None} if found else None, blocked=False,
    )
    assert problems("lookup_answer", answer) == []


def test_popup_payload_fits_bus_call():
    payload_ = contract.popup_payload(
        call_id=12, callid="abc", connection_id=1, state="ringing", direction="in", phone="0989464344",
        phone_e164=None, extension="101", known=False, auto_created=False, blocked=False, caller=None,
        opportunities=[{"id": 3, "name": "Deal", "stage": None, "expected_revenue": 0,
                        "expected_revenue_formatted": "$\u00a00.00"}],
        last_calls=[{"id": 10, "direction": "out", "state": "missed", "start": "2026-11-20T10:00:00Z",
                     "duration": 0}],
        open_in_new_tab=True, notes="",
    )
    assert problems("bus_call", payload_) == []
    assert problems("bus_call", dict(payload_, known=True)) != []


def test_binding_builders_fit_binding_data():
    data = extension_binding.binding_data(
        [extension_binding.connection_row(id=1, name="PBX", kind="zadarma", can_import=True)],
        [extension_binding.user_row(id=2, name="Ann", login="ann", email=False, kind="portal", bindings={1: 10})],
        {1: [extension_binding.extension_row(id=10, name="101", email=False, user_id=2)]},
    )
    assert problems("binding_data", data) == []


def test_auto_bind_pairs_fit_binding_auto_bind():
    pairs, ambiguous = extension_binding.auto_bind_pairs(
        [extension_binding.Candidate(2, "Ann", "Ann <ANN@x.io>")], [extension_binding.Candidate(10, "101", "ann@x.io")]
    )
    assert pairs
    assert problems("binding_auto_bind", {"connection_id": 1, "pairs": pairs, "ambiguous": ambiguous}) == []


# ---- tables and key lists -------------------------------------------------------------------

def test_lib_reads_its_tables_from_tables_json():
    tables = json.loads((contracts.CONTRACTS_DIR / "tables.json").read_text(encoding="utf-8"))
    assert status.STATE_RANK == tables["state_rank"] and status.FINAL_RANK == tables["final_rank"]
    assert status.STATUS_ALIASES == tables["status_aliases"]
    assert {s: status.final_state(s) for s in status.STATUSES} == tables["final_state"]
    assert list(contract.DIRECTIONS) == tables["directions"]
    assert contract.ERROR_STATUS == tables["error_status"]
    assert contract.BUS_TYPE == tables["bus_call_type"]
    assert list(extension_binding.USER_KINDS) == tables["user_kinds"]


def test_builder_key_lists_come_from_the_schemas():
    assert contract.POPUP_KEYS == tuple(contracts.schema("bus_call")["oneOf"][0]["properties"])
    assert contract.OWNER_KEYS == ("user_id", "name", "extension")
    assert extension_binding.EXTENSION_KEYS == ("id", "name", "email", "user_id")


def test_a_path_the_schema_does_not_have_is_a_clear_error():
    with pytest.raises(contracts.ContractError, match="bus_call.schema.json has no caller.nickname"):
        contracts.object_keys("bus_call", "caller", "nickname")


def test_a_missing_contract_file_says_how_to_make_it(tmp_path, monkeypatch):
    monkeypatch.setattr(contracts, "CONTRACTS_DIR", tmp_path)
    with pytest.raises(contracts.ContractError, match="npm run build"):
        contracts.tables()
    (tmp_path / "tables.json").write_text("[1]", encoding="utf-8")
    with pytest.raises(contracts.ContractError, match="must hold a JSON object"):
        contracts.tables()


def test_lib_finds_the_contracts_from_any_working_directory_without_node(tmp_path):
    code = ("import sys; sys.path.insert(0, sys.argv[1]); from lib import status, contract; "
            "print(status.STATE_RANK['ended'], contract.ERROR_STATUS['unauthorized'])")
    out = subprocess.run([sys.executable, "-c", code, str(MODULE)], cwd=tmp_path, env={"PATH": "/nonexistent"},
                         capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["2", "401"]


@pytest.mark.parametrize("body, valid", [
    ({"extension": "102", "callid": "1796307065.16"}, True),
    ({"extension": 102, "callid": 1796307065, "phone": "0919280154", "direction": "inbound"}, True),
    ({"callid": "1796307065.16"}, False),
    ({"extension": "102"}, False),
])
def test_the_answer_route_and_its_contract_agree(body, valid):
    """POST /api/callcenter/answer: the generated schema and parse_event accept and refuse alike
    (the schema, of zod's input side, cannot hold the character rules: parse_event's tests do)."""
    try:
        payload.parse_event("answer", body)
        accepted = True
    except payload.PayloadError:
        accepted = False
    assert accepted == valid
    assert (problems("answer_payload", body) == []) == valid, problems("answer_payload", body)
