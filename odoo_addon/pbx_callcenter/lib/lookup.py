"""The number a lookup route is asked about, and the caller name a PBX shows on a phone."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from .payload import PayloadError, _phone

#: Longest caller name answered to a PBX: SIP phones show 15-40 characters, and some PBXs
#: truncate CALLERID(name) at 80 bytes (64 UTF-8 characters may take more, rarely).
MAX_CALLER_NAME = 64

# Characters that end or escape a SIP quoted display-name, or open/close the URI part.
_SIP_UNSAFE = str.maketrans({'"': None, "\\": None, "<": None, ">": None})
_SPACES = re.compile(r"\s+")
_JOINERS = ("\u200c", "\u200d")


def read_number(value: Any) -> str:
    """The number of a lookup request, stripped; PayloadError naming ``number`` otherwise.

    The same rules as the canonical routes' ``phone`` (digits, spaces, ``+().-/``; 3 to 20
    digits; at most 64 characters), so an answer can never be about something that is not a number.
    """
    if value is None:
        raise PayloadError({"number": "required"})
    try:
        return _phone(value)
    except ValueError as error:
        raise PayloadError({"number": str(error)}) from None


def one_line(text: str | None) -> str:
    """``text`` on one line: control characters and line separators (newlines, NUL, tabs)
    become spaces, format characters (bidi overrides, zero-width spaces) are dropped except the
    joiners some scripts need, runs of spaces collapse, the ends are stripped (NFC)."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text)
    if not text.isprintable():  # the per-character pass only for the few that need it
        text = "".join(_display_char(ch) for ch in text)
    return _SPACES.sub(" ", text).strip()


def sip_display_name(name: str | None, max_length: int = MAX_CALLER_NAME) -> str:
    """``name`` made safe as a SIP display name: :func:`one_line`, without ``" \\ < >`` (they
    would end the quoted display name or open the URI), cut at ``max_length`` characters.

    Asterisk's ``CURL()`` puts the body it receives into ``CALLERID(name)`` as is.
    """
    return one_line((name or "").translate(_SIP_UNSAFE))[:max_length].rstrip()


def _display_char(ch: str) -> str:
    category = unicodedata.category(ch)
    if category in ("Cc", "Zl", "Zp"):
        return " "
    if category in ("Cf", "Cs") and ch not in _JOINERS:
        return ""
    return ch
