"""Call statuses (what a PBX reports) and call states (what a pbx.call is in)."""

from __future__ import annotations

import re

from . import contracts

_TABLES = contracts.tables()

#: Accepted PBX dispositions, as documented; matching ignores case, spaces, '_' and '-'.
STATUS_ALIASES: dict[str, str] = _TABLES["status_aliases"]
#: The state a call ends in for each canonical status.
_FINAL_STATE: dict[str, str] = _TABLES["final_state"]
STATUSES = tuple(_FINAL_STATE)

#: A call never moves to a lower rank; the final states share FINAL_RANK.
STATE_RANK: dict[str, int] = _TABLES["state_rank"]
FINAL_RANK: int = _TABLES["final_rank"]

_SEPARATORS = re.compile(r"[ \t_-]+")
_LOOKUP = {_SEPARATORS.sub("", alias): status for alias, status in STATUS_ALIASES.items()}

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
