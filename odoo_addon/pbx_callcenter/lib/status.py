"""Call statuses (what a PBX reports) and call states (what a pbx.call is in)."""

from __future__ import annotations

import re

#: Accepted PBX dispositions, as documented; matching ignores case, spaces, '_' and '-'.
STATUS_ALIASES: dict[str, str] = {
    "ANSWERED": "answered",
    "ANSWER": "answered",
    "NO ANSWER": "missed",
    "NOANSWER": "missed",
    "CANCEL": "missed",
    "CANCELLED": "missed",
    "CANCELED": "missed",
    "MISSED": "missed",
    "BUSY": "busy",
    "FAILED": "failed",
    "CONGESTION": "failed",
    "CHANUNAVAIL": "failed",
}
STATUSES = ("answered", "missed", "busy", "failed")

STATE_RANK: dict[str, int] = {
    "ringing": 0,
    "dialing": 0,
    "answered": 1,
    "ended": 2,
    "missed": 2,
    "busy": 2,
    "failed": 2,
}
FINAL_RANK = 2

_SEPARATORS = re.compile(r"[ \t_-]+")
_LOOKUP = {_SEPARATORS.sub("", alias): status for alias, status in STATUS_ALIASES.items()}
_FINAL_STATE = {"answered": "ended", "missed": "missed", "busy": "busy", "failed": "failed"}

ACCEPTED_MESSAGE = "must be one of " + ", ".join(STATUS_ALIASES)


def parse_status(value: object) -> str:
    """Canonical status (answered, missed, busy, failed) of a PBX disposition."""
    if not isinstance(value, str):
        raise ValueError(ACCEPTED_MESSAGE)
    status = _LOOKUP.get(_SEPARATORS.sub("", value.strip()).upper())
    if status is None:
        raise ValueError(ACCEPTED_MESSAGE)
    return status


def final_state(status: str) -> str:
    """State of a finished call with this status (an answered call ends as ``ended``)."""
    try:
        return _FINAL_STATE[status]
    except KeyError:
        raise ValueError(f"unknown status {status!r}") from None


def _rank(state: str) -> int:
    try:
        return STATE_RANK[state]
    except (KeyError, TypeError):
        raise ValueError(f"unknown call state {state!r}") from None


def can_move(old_state: str | None, new_state: str) -> bool:
    """Whether a call in ``old_state`` may move to ``new_state``.

    Never to a lower rank; a final state never changes into another final
    state; staying in the same state is allowed (idempotent retries).
    """
    new_rank = _rank(new_state)
    if old_state is None:
        return True
    old_rank = _rank(old_state)
    if old_rank == FINAL_RANK and old_state != new_state:
        return False
    return new_rank >= old_rank
