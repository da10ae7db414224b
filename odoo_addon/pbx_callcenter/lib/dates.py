"""Parsing of the ``calldate`` a PBX sends into a naive UTC datetime."""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MIN_YEAR = 2000
MAX_YEAR = 2100
#: Timestamps at or above this are milliseconds (13 digits); seconds would be past year 2100.
_MILLIS_THRESHOLD = 10**12
#: Digit strings longer than this are out of range whatever their unit (avoids huge ints).
_MAX_TIMESTAMP_DIGITS = 16

_DATETIME = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})[T ](?P<time>\d{2}:\d{2}:\d{2})(?:[.,](?P<frac>\d{1,9}))?"
    r"(?P<offset>Z|z|[+-]\d{2}:?\d{2})?",
    re.ASCII,
)
_TIMESTAMP = re.compile(r"\d+(?:\.\d+)?", re.ASCII)

_OUT_OF_RANGE = f"year out of range ({MIN_YEAR}..{MAX_YEAR})"
ACCEPTED_FORMATS = "YYYY-MM-DD HH:MM:SS, ISO 8601 with offset or Z, or a Unix timestamp"


def zone(tz_name: str | None) -> ZoneInfo:
    """The IANA zone named ``tz_name`` (empty means UTC); ValueError when unknown."""
    try:
        return ZoneInfo(tz_name or "UTC")
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ValueError(f"unknown timezone {tz_name!r}") from None


def _check_range(value: datetime) -> datetime:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValueError(_OUT_OF_RANGE)
    return value


def _from_timestamp(seconds: float) -> datetime:
    if not math.isfinite(seconds):
        raise ValueError("not a valid timestamp")
    if seconds >= _MILLIS_THRESHOLD:
        seconds /= 1000
    epoch = datetime(1970, 1, 1)
    try:
        return _check_range(epoch + timedelta(seconds=seconds))
    except OverflowError:
        raise ValueError(_OUT_OF_RANGE) from None


def _from_text(text: str, tz: ZoneInfo) -> datetime:
    if _TIMESTAMP.fullmatch(text):
        if len(text.split(".")[0]) > _MAX_TIMESTAMP_DIGITS:
            raise ValueError(_OUT_OF_RANGE)
        return _from_timestamp(float(text))
    match = _DATETIME.fullmatch(text)
    if not match:
        raise ValueError(f"unsupported date format (expected {ACCEPTED_FORMATS})")
    try:
        local = datetime.fromisoformat(f"{match['date']}T{match['time']}")
    except ValueError:
        raise ValueError("not a valid date or time") from None
    local = local.replace(microsecond=int((match["frac"] or "0")[:6].ljust(6, "0")))
    offset = match["offset"]
    if offset is None:
        aware = local.replace(tzinfo=tz)
    elif offset in ("Z", "z"):
        aware = local.replace(tzinfo=timezone.utc)
    else:
        hours, minutes = int(offset[1:3]), int(offset[-2:])
        if hours > 23 or minutes > 59:
            raise ValueError("not a valid UTC offset")
        sign = -1 if offset[0] == "-" else 1
        aware = local.replace(tzinfo=timezone(sign * timedelta(hours=hours, minutes=minutes)))
    return _check_range(aware.astimezone(timezone.utc).replace(tzinfo=None))


def parse_calldate(value: object, tz_name: str = "UTC") -> datetime:
    """Naive UTC datetime of a PBX ``calldate``.

    Naive texts (``2024-03-10 02:30:00``) are read in ``tz_name`` (DST-aware;
    an ambiguous time takes its first occurrence). Numbers and digit strings are
    Unix timestamps, in milliseconds when 13 digits long.
    """
    tz = zone(tz_name)
    if isinstance(value, bool):
        raise ValueError("must be a date string or a timestamp")
    if isinstance(value, int) and abs(value) >= 10**_MAX_TIMESTAMP_DIGITS:
        raise ValueError(_OUT_OF_RANGE)
    if isinstance(value, (int, float)):
        return _from_timestamp(float(value))
    if not isinstance(value, str):
        raise ValueError("must be a date string or a timestamp")
    text = value.strip()
    if not text:
        raise ValueError("must not be empty")
    return _from_text(text, tz)
