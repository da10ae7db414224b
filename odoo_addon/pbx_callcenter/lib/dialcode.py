"""Dial codes: labelled prefixes dialled before a number (``LONGDIS:1000;LOCAL:9``)."""

from __future__ import annotations

import re

from .text import has_control_chars

_PREFIX = re.compile(r"[0-9*#]+", re.ASCII)
_LABEL_MAX = 64


def parse_dial_codes(text: str | None) -> list[tuple[str, str]]:
    """``[(label, prefix), ...]`` of ``;``/newline separated ``label:prefix`` entries.

    Empty entries are skipped; ValueError names the first bad entry (no colon,
    empty or duplicate label, prefix not made of digits, ``*`` and ``#``).
    """
    codes: list[tuple[str, str]] = []
    for entry in re.split(r"[;\n]", text or ""):
        entry = entry.strip()
        if not entry:
            continue
        label, colon, prefix = (part.strip() for part in entry.rpartition(":"))
        if not colon or not label or len(label) > _LABEL_MAX or has_control_chars(label):
            raise ValueError(f"dial code {entry[:80]!r}: expected LABEL:PREFIX")
        if not _PREFIX.fullmatch(prefix):
            raise ValueError(f"dial code {entry[:80]!r}: the prefix may only hold digits, * and #")
        if any(label == known for known, _ in codes):
            raise ValueError(f"dial code {entry[:80]!r}: label {label!r} is used twice")
        codes.append((label, prefix))
    return codes


def apply_prefix(number_digits: str, prefix: str) -> str:
    """The number to dial: ``prefix`` (possibly empty) then the number's digits."""
    if not _PREFIX.fullmatch(number_digits or ""):
        raise ValueError("the number may only hold digits, * and #")
    if prefix and not _PREFIX.fullmatch(prefix):
        raise ValueError("the prefix may only hold digits, * and #")
    return (prefix or "") + number_digits
