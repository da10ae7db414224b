"""lib/status.py: PBX dispositions and the state a call ends in."""

from __future__ import annotations

import pytest

from lib.status import STATUS_ALIASES, final_state, parse_status


@pytest.mark.parametrize("alias, expected", sorted(STATUS_ALIASES.items()))
def test_every_documented_disposition_maps_to_its_status(alias, expected):
    assert parse_status(alias) == expected
    assert parse_status(alias.lower()) == expected


@pytest.mark.parametrize("value, expected", [
    ("NO ANSWER", "missed"), ("no_answer", "missed"), ("No-Answer", "missed"), ("noanswer", "missed"),
    ("  NO  ANSWER \t", "missed"), ("CHAN_UNAVAIL", "failed"), ("chan-unavail", "failed"),
])
def test_case_spaces_underscores_and_dashes_do_not_matter(value, expected):
    assert parse_status(value) == expected


@pytest.mark.parametrize(
    "value",
    ["", "HANGUP", "ringing", "ended", "NO\x00ANSWER", "NO\nANSWER", "ANSWERED; DROP TABLE pbx_call", "ÀNSWERED",
     "X" * 100_000, None, 1, True, b"BUSY", ["BUSY"]],
)
def test_unknown_values_are_rejected_listing_the_accepted_ones(value):
    with pytest.raises(ValueError) as caught:
        parse_status(value)
    assert "NO ANSWER" in str(caught.value) and "CONGESTION" in str(caught.value)


def test_final_state_of_each_status():
    assert [final_state(s) for s in ("answered", "missed", "busy", "failed")] == ["ended", "missed", "busy", "failed"]


def test_final_state_of_an_unknown_status_is_an_error():
    with pytest.raises(ValueError):
        final_state("ANSWERED")
