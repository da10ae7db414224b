"""Decoding and validation of the canonical route payloads (call_in, init, call_out, answer).

Every field is checked and all problems are reported at once in one
:class:`PayloadError`, whose ``fields`` become the ``fields`` of a 400 answer.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl

from . import contracts, dates, recording, status
from .text import has_control_chars

KINDS = ("call_in", "init", "call_out")
#: Kinds of fewer required fields: the call was answered, or is now talked on, by ``extension``
#: (a public route too: a transfer moves the call mid-call; ``phone`` optional), and the call's
#: recording became available after it ended (native adapters only).
ADAPTER_KINDS = ("answer", "recording")
MAX_SECONDS = 604800
MAX_FORM_FIELDS = 1000

_PHONE_CHARS = re.compile(r"[0-9 +().\-/]+", re.ASCII)
_EXTENSION = re.compile(r"[0-9A-Za-z*#+_.@-]+", re.ASCII)
_SECONDS = re.compile(r"[0-9]+", re.ASCII)
#: What ``direction`` may say (lower-cased, trimmed) and the direction each one means.
_DIRECTIONS: dict[str, str] = contracts.tables()["direction_aliases"]
_KIND_DIRECTION = {"call_in": "in", "init": "out"}
_REQUIRED = {"recording": ("callid", "recordingfile"), "answer": ("extension", "callid")}


class PayloadError(ValueError):
    """A payload that cannot be processed; ``fields`` maps each bad field to a short message."""

    def __init__(self, fields: dict[str, str]):
        self.fields = dict(fields)
        super().__init__("; ".join(f"{name}: {message}" for name, message in self.fields.items()))


@dataclass
class CallEvent:
    """A validated event. ``status`` is canonical, ``disposition`` the raw PBX status."""

    kind: str
    phone: str
    extension: str
    callid: str
    calldate: datetime | None = None
    duration: int | None = None
    billsec: int | None = None
    status: str | None = None
    disposition: str | None = None
    recordingfile: str | None = None
    direction: str | None = None


# ---- field readers: return the clean value or raise ValueError(message) ----

def _identifier(value: Any, max_length: int) -> str:
    """A required string (or non-negative JSON integer), stripped, 1..max_length chars."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValueError("must be a string")
    if isinstance(value, int):
        if value < 0:
            raise ValueError("must not be negative")
        value = str(value)
    text = value.strip()
    if not text:
        raise ValueError("required")
    if len(text) > max_length:
        raise ValueError(f"too long (max {max_length})")
    return text


def _phone(value: Any) -> str:
    text = _identifier(value, 64)
    if not _PHONE_CHARS.fullmatch(text) or not 3 <= sum(ch.isdigit() for ch in text) <= 20:
        raise ValueError("not a phone number")
    return text


def _extension(value: Any) -> str:
    text = _identifier(value, 32)
    if not _EXTENSION.fullmatch(text):
        raise ValueError("invalid characters")
    return text


def _callid(value: Any) -> str:
    text = _identifier(value, 128)
    if has_control_chars(text):
        raise ValueError("must not contain control characters")
    return text


def _seconds(value: Any) -> int:
    """Whole seconds 0..MAX_SECONDS from an int, an integral float or a digit string."""
    if isinstance(value, bool):
        raise ValueError("must be an integer")
    if isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer():
            raise ValueError("must be an integer")
        value = int(value)
    elif isinstance(value, str):
        text = value.strip()
        if not _SECONDS.fullmatch(text):
            raise ValueError("must be an integer")
        value = int(text) if len(text) <= 7 else MAX_SECONDS + 1
    elif not isinstance(value, int):
        raise ValueError("must be an integer")
    if not 0 <= value <= MAX_SECONDS:
        raise ValueError(f"out of range (0..{MAX_SECONDS})")
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("must be a string")
    return value.strip()


def _status(value: Any) -> str:
    return status.parse_status(_text(value))


def _recordingfile(value: Any) -> str:
    text = _text(value)
    recording.recording_location(text, None)
    return text


def _direction(value: Any) -> str:
    direction = _DIRECTIONS.get(_text(value).lower())
    if direction is None:
        raise ValueError("must be one of in, out, internal, inbound, outbound")
    return direction


def _is_absent(value: Any) -> bool:
    """Optional fields: missing, null and blank strings (form fields left empty) count as absent."""
    return value is None or (isinstance(value, str) and not value.strip())


# ---- events ----

def _derive_status(duration: int, billsec: int | None) -> str:
    talk = billsec if billsec is not None else duration
    return "answered" if talk > 0 else "missed"


def parse_event(kind: str, data: Mapping[str, Any], tz_name: str = "UTC") -> CallEvent:
    """Validated :class:`CallEvent` of a route payload; PayloadError lists every bad field.

    call_in/init: only phone, extension and callid are read; direction is
    ``in``/``out`` from the route. call_out: optional fields as in the
    contract; absent duration is 0 (or billsec when only billsec is given),
    absent status is derived from billsec/duration, absent calldate and
    direction stay None (the caller applies "now" and the earlier event's
    direction or ``in``). Unknown fields are ignored.

    ``tz_name`` reads naive calldates; an unknown zone is a configuration
    error (plain ValueError), not a payload error.
    """
    if kind not in KINDS + ADAPTER_KINDS:
        raise ValueError(f"unknown event kind {kind!r}")
    if not isinstance(data, Mapping):
        raise PayloadError({"_body": "must be a JSON object"})
    dates.zone(tz_name)
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}

    def read(name: str, reader: Callable[..., Any], *args: Any) -> None:
        try:
            values[name] = reader(data[name], *args)
        except ValueError as error:
            errors[name] = str(error)

    readers = (("phone", _phone), ("extension", _extension), ("callid", _callid),
               ("recordingfile", _recordingfile))
    required = _REQUIRED.get(kind, ("phone", "extension", "callid"))
    for name, reader in readers:
        if name in required and data.get(name) is None:
            errors[name] = "required"
        elif name in required or (kind in ADAPTER_KINDS and not _is_absent(data.get(name))):
            read(name, reader)

    if kind in ("call_in", "init"):
        if errors:
            raise PayloadError(errors)
        return CallEvent(kind=kind, direction=_KIND_DIRECTION[kind], **values)
    if kind in ADAPTER_KINDS:
        if not _is_absent(data.get("direction")):
            read("direction", _direction)
        if errors:
            raise PayloadError(errors)
        values.setdefault("phone", "")
        values.setdefault("extension", "")
        return CallEvent(kind=kind, **values)

    optional = (
        ("calldate", dates.parse_calldate, tz_name),
        ("duration", _seconds),
        ("billsec", _seconds),
        ("status", _status),
        ("recordingfile", _recordingfile),
        ("direction", _direction),
    )
    for name, reader, *args in optional:
        if not _is_absent(data.get(name)):
            read(name, reader, *args)
    if "status" in values:
        values["disposition"] = data["status"].strip()
    duration, billsec = values.get("duration"), values.get("billsec")
    if duration is not None and billsec is not None and billsec > duration:
        errors["billsec"] = "greater than duration"
    if errors:
        raise PayloadError(errors)
    if duration is None:
        values["duration"] = billsec or 0
    values.setdefault("status", _derive_status(values["duration"], billsec))
    return CallEvent(kind=kind, **values)


# ---- bodies ----

def _media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def _decode_json(text: str) -> dict[str, Any]:
    def reject_constant(name: str) -> Any:
        raise ValueError(f"{name} is not valid JSON")

    try:
        data = json.loads(text, parse_constant=reject_constant)
    except (ValueError, RecursionError):
        raise PayloadError({"_body": "invalid JSON"}) from None
    if not isinstance(data, dict):
        raise PayloadError({"_body": "must be a JSON object"})
    return data


def _decode_form(text: str) -> dict[str, str]:
    try:
        pairs = parse_qsl(
            text, keep_blank_values=True, encoding="utf-8", errors="strict",
            max_num_fields=MAX_FORM_FIELDS,
        )
    except UnicodeDecodeError:
        raise PayloadError({"_body": "invalid UTF-8"}) from None
    except ValueError:
        raise PayloadError({"_body": f"too many fields (max {MAX_FORM_FIELDS})"}) from None
    return dict(pairs)


def _is_text(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def decode_body(raw: bytes, content_type: str | None) -> dict[str, Any]:
    """Fields of a JSON or form-encoded request body (form values stay strings).

    JSON when the content type says so or the body starts with ``{``; form
    when the content type is ``application/x-www-form-urlencoded`` or absent.
    An empty form body is ``{}``.
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise PayloadError({"_body": "invalid UTF-8"}) from None
    text = text.removeprefix("\ufeff")
    media_type = _media_type(content_type)
    if media_type == "application/json" or media_type.endswith("+json") or text.lstrip().startswith("{"):
        data = _decode_json(text)
        # "\ud800" is valid JSON but no valid text: it could be neither stored nor answered.
        bad = {
            key if _is_text(key) else "_body": "invalid unicode (lone surrogate escape)"
            for key, value in data.items()
            if not (_is_text(key) and _is_text(json.dumps(value, ensure_ascii=False)))
        }
        if bad:
            raise PayloadError(bad)
        return data
    if media_type in ("application/x-www-form-urlencoded", ""):
        return _decode_form(text)
    raise PayloadError({"_body": f"unsupported content type {media_type[:100]!r}"})
