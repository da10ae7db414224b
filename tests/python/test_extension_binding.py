"""lib/extension_binding.py: binding screen results, save/add inputs, auto-bind pairing."""

from __future__ import annotations

import pytest
from conftest import fixture_cases

from lib import extension_binding as eb
from pbx_callcenter.tests.contract_schema import problems

CASES = fixture_cases("extension_binding.json")
RESULT_KINDS = ("data", "auto_bind", "save", "add", "import")


def test_fixture_covers_every_result_kind_valid_and_invalid():
    # each case is judged by its JSON Schema in test_contracts.py, by zod in web/tests/schemas
    assert len({case["name"] for case in CASES}) == len(CASES)
    for kind in RESULT_KINDS:
        assert {case["valid"] for case in CASES if case["kind"] == kind} == {True, False}, kind


# ---- builders -------------------------------------------------------------------------

def test_builders_give_the_fixture_shape():
    data = eb.binding_data(
        [eb.connection_row(id=1, name="PBX", kind="zadarma", can_import=True),
         eb.connection_row(id=3, name="Other", kind="generic", can_import=False)],
        [eb.user_row(id=2, name="Admin", login="admin", email=False, kind="internal",
                     bindings={1: 10})],
        {1: [eb.extension_row(id=10, name="101", email=False, user_id=2)]},
    )
    assert problems("binding_data", data) == []
    assert data["extensions"] == {"1": [{"id": 10, "name": "101", "email": None, "user_id": 2}],
                                  "3": []}
    assert data["users"][0]["bindings"] == {"1": 10}
    assert data["users"][0]["email"] is None


def test_builders_refuse_missing_or_unknown_keys():
    with pytest.raises(TypeError):
        eb.connection_row(id=1, name="PBX", kind="generic")
    with pytest.raises(TypeError):
        eb.extension_row(id=1, name="101", email=None, user_id=None, label="x")
    with pytest.raises(ValueError):
        eb.user_row(id=1, name="a", login="a", email=None, kind="guest", bindings={})


@pytest.mark.parametrize("share, public, kind", [
    (False, False, "internal"), (True, False, "portal"), (True, True, "public"),
])
def test_user_kind(share, public, kind):
    assert eb.user_kind(share=share, public=public) == kind


@pytest.mark.parametrize("raw, key", [
    ("Ann@Example.COM", "ann@example.com"),
    ("  ann@example.com ", "ann@example.com"),
    ('"Ann" <ann@example.com>', "ann@example.com"),
    ("", None), (None, None), (False, None), ("not an address", None),
])
def test_email_key(raw, key):
    assert eb.email_key(raw) == key


# ---- auto-bind --------------------------------------------------------------------------

def _c(id_, name, email):
    return eb.Candidate(id_, name, email)


def test_auto_bind_pairs_on_case_insensitive_email():
    pairs, ambiguous = eb.auto_bind_pairs(
        [_c(7, "Ann", "Ann@Example.com"), _c(8, "Bob", "bob@example.com"), _c(9, "Eve", None)],
        [_c(12, "103", "ann@example.COM"), _c(13, "104", None), _c(14, "105", "carl@example.com")],
    )
    assert pairs == [{"user_id": 7, "user_name": "Ann", "extension_id": 12,
                      "extension_name": "103", "email": "ann@example.com"}]
    assert ambiguous == []


def test_auto_bind_leaves_shared_addresses_alone():
    pairs, ambiguous = eb.auto_bind_pairs(
        [_c(7, "Ann", "team@example.com"), _c(8, "Bob", "team@example.com"),
         _c(9, "Carl", "carl@example.com")],
        [_c(12, "103", "team@example.com"), _c(14, "105", "carl@example.com"),
         _c(15, "106", "carl@example.com")],
    )
    assert pairs == []
    assert ambiguous == ["carl@example.com", "team@example.com"]


def test_auto_bind_pairs_are_sorted_by_extension():
    pairs, _ = eb.auto_bind_pairs(
        [_c(1, "A", "a@x.io"), _c(2, "B", "b@x.io")],
        [_c(20, "202", "a@x.io"), _c(21, "201", "b@x.io")],
    )
    assert [pair["extension_name"] for pair in pairs] == ["201", "202"]
    assert problems("binding_auto_bind", {"connection_id": 1, "pairs": pairs, "ambiguous": []}) == []


# ---- save_bindings input --------------------------------------------------------------

def test_parse_changes_reads_binds_releases_and_previous_users():
    changes = eb.parse_changes([
        {"extension_id": 10, "user_id": 7},
        {"extension_id": 11, "user_id": None, "previous_user_id": 7},
        {"extension_id": 12, "user_id": False, "previous_user_id": False},
    ])
    assert changes[0] == eb.BindingChange(10, 7)
    assert changes[0].previous_user_id is eb.UNCHECKED
    assert changes[1] == eb.BindingChange(11, None, 7)
    assert changes[2] == eb.BindingChange(12, None, None)


@pytest.mark.parametrize("changes, message", [
    ({"extension_id": 1, "user_id": 2}, "a list"),
    ([[1, 2]], "an object"),
    ([{"extension_id": 1}], "needs extension_id and user_id"),
    ([{"extension_id": 1, "user_id": 2, "default": True}], "unknown keys"),
    ([{"extension_id": "1", "user_id": 2}], "positive integer"),
    ([{"extension_id": True, "user_id": 2}], "positive integer"),
    ([{"extension_id": 0, "user_id": 2}], "positive integer"),
    ([{"extension_id": 1, "user_id": -3}], "positive integer"),
    ([{"extension_id": 1, "user_id": 2}, {"extension_id": 1, "user_id": 3}], "appears twice"),
])
def test_parse_changes_refuses(changes, message):
    with pytest.raises(eb.BindingInputError, match=message):
        eb.parse_changes(changes)


# ---- add_extensions input -------------------------------------------------------------

def test_parse_entries_reads_numbers_csv_lines_and_objects():
    entries = eb.parse_entries([
        "101", " 102 ; Bob@Example.com ", "103\tcarl@example.com", "", "  ",
        {"number": "104", "email": "dan@example.com"}, {"number": 105}, 106,
    ])
    assert entries == [
        eb.ExtensionEntry("101"), eb.ExtensionEntry("102", "bob@example.com"),
        eb.ExtensionEntry("103", "carl@example.com"), eb.ExtensionEntry("104", "dan@example.com"),
        eb.ExtensionEntry("105"), eb.ExtensionEntry("106"),
    ]


@pytest.mark.parametrize("entries, message", [
    ("101", "a list"),
    (["101", "101"], "listed twice"),
    (["10 1"], "spaces"),
    (["1" * 33], "longer than"),
    (["101,not-an-address"], "not an e-mail"),
    (["101,Ann,ann@x.io"], "expected 'number' or 'number,email'"),
    ([{"number": "101", "name": "Ann"}], "unknown keys"),
    ([{"email": "a@x.io"}], "must be text"),
    ([None], "must be text"),
    (["101\x00"], "control"),
])
def test_parse_entries_refuses(entries, message):
    with pytest.raises(eb.BindingInputError, match=message):
        eb.parse_entries(entries)
