"""lib/status.py: PBX dispositions and call state transitions."""

from __future__ import annotations

import pytest

from lib.status import STATE_RANK, STATUS_ALIASES, can_move, final_state, parse_status

FINALS = ("ended", "missed", "busy", "failed")


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


@pytest.mark.parametrize("state", STATE_RANK)
def test_a_new_call_may_start_in_any_state(state):
    assert can_move(None, state)


@pytest.mark.parametrize("state", STATE_RANK)
def test_staying_in_the_same_state_is_allowed(state):
    assert can_move(state, state)


@pytest.mark.parametrize("old, new", [("ringing", "answered"), ("dialing", "answered"), ("ringing", "missed"),
                                      ("answered", "ended"), ("dialing", "busy"), ("ringing", "dialing")])
def test_moving_forward_is_allowed(old, new):
    assert can_move(old, new)


@pytest.mark.parametrize("old", FINALS)
@pytest.mark.parametrize("new", ["ringing", "dialing", "answered"])
def test_a_final_call_never_moves_backwards(old, new):
    assert not can_move(old, new)


def test_an_answered_call_never_rings_again():
    assert not can_move("answered", "ringing")


@pytest.mark.parametrize("old", FINALS)
@pytest.mark.parametrize("new", FINALS)
def test_a_final_state_never_turns_into_another_final_state(old, new):
    assert can_move(old, new) == (old == new)


@pytest.mark.parametrize("old, new", [("ringing", "hangup"), ("hangup", "ended"), (None, "ANSWERED"), ("ended", None)])
def test_unknown_states_are_an_error(old, new):
    with pytest.raises(ValueError):
        can_move(old, new)
