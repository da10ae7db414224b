"""Reading PBX vendors' APIs for their extension lists: the shared pieces, without any I/O.

Each vendor unit (``vendors/<name>/protocol.py``) builds its requests (:class:`HttpRequest`,
signed with click-to-dial's credentials) and reads its answers with these helpers; the model
sends them (``pbx.extension.binding``) and hands each answer (HTTP status, body bytes) back.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from .extension_binding import BindingInputError, ExtensionEntry, check_extension_number, email_key
from .text import has_control_chars


class PbxApiError(ValueError):
    """Settings that cannot make a request, or an answer other than the documented one."""


# -----------------------------------------------------------------------------
# Helpers
# -----------------------------------------------------------------------------

def check_base_url(value: str | None, what: str) -> str:
    text = (value or "").strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname or has_control_chars(text):
        raise PbxApiError(f"{what} must be an http(s) URL, not {text[:80]!r}")
    if parts.query or parts.fragment:
        raise PbxApiError(f"{what} must not hold a query or a fragment")
    return text.rstrip("/")


def json_answer(status: int, body: bytes, what: str) -> dict[str, Any]:
    try:
        data = json.loads(body.decode("utf-8"))
    except ValueError as error:
        raise PbxApiError(f"{what}: HTTP {status}, the answer is not JSON") from error
    if not isinstance(data, dict):
        raise PbxApiError(f"{what}: HTTP {status}, expected a JSON object")
    return data


def entry(number: Any, email: Any) -> ExtensionEntry:
    """An extension as pbx.extension stores it (the PBX's display name has no field there)."""
    try:
        checked = check_extension_number(number)
    except BindingInputError as error:
        raise PbxApiError(str(error)) from error
    return ExtensionEntry(number=checked, email=email_key(email) if isinstance(email, str) else None)
