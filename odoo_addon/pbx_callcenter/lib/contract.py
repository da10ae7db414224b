"""Builders of the JSON the routes answer and of the popup bus payload.

One builder per shape of the team contract. The tables and the key list of each
object come from ``contracts/`` (generated from the zod schemas in ``web/src/schemas``),
so the Python side cannot drift from them.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from . import contracts
from .status import STATE_RANK

_TABLES = contracts.tables()
DIRECTIONS: tuple[str, ...] = tuple(_TABLES["directions"])
BUS_TYPE: str = _TABLES["bus_call_type"]
#: The HTTP status each error code is sent with.
ERROR_STATUS: dict[str, int] = _TABLES["error_status"]

RECORD_KEYS = contracts.object_keys("route_ok", "record")
POPUP_KEYS = contracts.object_keys("bus_call")
CALLER_KEYS = contracts.object_keys("bus_call", "caller")
OPPORTUNITY_KEYS = contracts.object_keys("bus_call", "opportunities", "[]")
LAST_CALL_KEYS = contracts.object_keys("bus_call", "last_calls", "[]")
OWNER_KEYS = contracts.object_keys("lookup_answer", "owner")


def _exact(what: str, data: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    """Copy of ``data`` in ``keys`` order; TypeError on a missing or unknown key."""
    if not isinstance(data, dict):
        raise TypeError(f"{what} must be a dict")
    missing = [key for key in keys if key not in data]
    unknown = sorted(set(data) - set(keys))
    if missing or unknown:
        raise TypeError(f"{what}: missing keys {missing}, unknown keys {unknown}")
    return {key: data[key] for key in keys}


def _check_state(state: str, direction: str) -> None:
    if state not in STATE_RANK:
        raise ValueError(f"unknown call state {state!r}")
    if direction not in DIRECTIONS:
        raise ValueError(f"unknown direction {direction!r}")


def iso_utc(value: datetime | str) -> str:
    """``2026-11-20T10:00:00Z`` for a datetime (naive means UTC); strings pass through."""
    if isinstance(value, str):
        return value
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value.replace(microsecond=0).isoformat() + "Z"


def ok_response(
    *,
    event_id: int,
    call_id: int,
    callid: str,
    state: str,
    direction: str,
    record: dict[str, Any] | None,
    created: bool,
    caller_name: str,
    owner_extension: str | None,
    blocked: bool,
    duplicate: bool,
) -> dict[str, Any]:
    """Body of a 200 answer to ``call_in``/``init``/``call_out``."""
    _check_state(state, direction)
    return {
        "ok": True,
        "event_id": event_id,
        "call": {"id": call_id, "callid": callid, "state": state, "direction": direction},
        "record": None if record is None else _exact("record", record, RECORD_KEYS),
        "created": created,
        "caller_name": caller_name,
        "owner_extension": owner_extension,
        "blocked": blocked,
        "duplicate": duplicate,
    }


def ignored_response(event_id: int) -> dict[str, Any]:
    """Body of a 200 answer to a native event that was journaled but changes no call."""
    return {"ok": True, "event_id": event_id, "call": None, "ignored": True}


def lookup_answer(
    *,
    number: str,
    e164: str | None,
    record: dict[str, Any] | None,
    caller_name: str,
    company: str | None,
    email: str | None,
    url: str | None,
    owner: dict[str, Any] | None,
    blocked: bool,
) -> dict[str, Any]:
    """The one lookup answer every adapter reads: who is calling from ``number``, the name to
    show on the phone, the salesperson who owns the record and their extension (for routing),
    and whether the number is blacklisted. ``found`` is False when nothing matched."""
    return {
        "ok": True,
        "number": number,
        "e164": e164,
        "found": record is not None,
        "record": None if record is None else _exact("record", record, RECORD_KEYS),
        "caller_name": caller_name,
        "company": company,
        "email": email,
        "url": url,
        "owner": None if owner is None else _exact("owner", owner, OWNER_KEYS),
        "blocked": bool(blocked),
    }


def error_response(
    code: str,
    message: str,
    fields: dict[str, str] | None = None,
    event_id: int | None = None,
) -> tuple[int, dict[str, Any]]:
    """``(http_status, body)`` of an error; ``fields`` only (and always) for invalid_payload."""
    if code not in ERROR_STATUS:
        raise ValueError(f"unknown error code {code!r}")
    error: dict[str, Any] = {"code": code, "message": message}
    if code == "invalid_payload":
        error["fields"] = dict(fields or {})
    elif fields:
        raise ValueError("fields are only reported for invalid_payload")
    body: dict[str, Any] = {"ok": False, "error": error}
    if event_id is not None:
        body["event_id"] = event_id
    return ERROR_STATUS[code], body


def popup_payload(**kwargs: Any) -> dict[str, Any]:
    """Payload of the ``pbx_callcenter/call`` bus notification; TypeError on missing/unknown keys.

    ``last_calls[].start`` may be given as a naive UTC datetime; ``transferred_to`` (optional
    in the contract) defaults to None.
    """
    payload = _exact("popup_payload", {"transferred_to": None, **kwargs}, POPUP_KEYS)
    _check_state(payload["state"], payload["direction"])
    caller = payload["caller"]
    payload["caller"] = None if caller is None else _exact("caller", caller, CALLER_KEYS)
    payload["opportunities"] = [
        _exact("opportunity", opportunity, OPPORTUNITY_KEYS) for opportunity in payload["opportunities"]
    ]
    for opportunity in payload["opportunities"]:
        opportunity["expected_revenue"] = float(opportunity["expected_revenue"] or 0.0)
    payload["last_calls"] = [_exact("last_call", call, LAST_CALL_KEYS) for call in payload["last_calls"]]
    for call in payload["last_calls"]:
        call["start"] = iso_utc(call["start"])
    return payload
