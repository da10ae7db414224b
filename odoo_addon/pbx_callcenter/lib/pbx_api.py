"""Extension lists from PBX vendors' APIs: requests built and answers read, without any I/O.

Authentication is click-to-dial's (``lib/originate.py``): the same credentials and signing.
The model sends the :class:`~.originate.HttpRequest` objects (``pbx.extension.binding``) and
hands each answer (HTTP status, body bytes) back to a parser here.

- Zadarma: ``GET /v1/pbx/internal/`` -> ``{"status", "pbx_id", "numbers": [...]}``, then
  ``GET /v1/pbx/internal/<n>/info/`` per number -> ``{"status", "name", "record_email", ...}``.
- Yeastar P-Series: with click-to-dial's access token (cached on the connection),
  ``GET /openapi/v1.0/extension/list`` with ``access_token``, ``page``, ``page_size`` ->
  ``{"errcode": 0, "total_number", "data": [{"number", "caller_id_name", "email_addr", ...}]}``,
  sending ``User-Agent: OpenAPI``.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode, urlsplit

from . import originate
from .extension_binding import BindingInputError, ExtensionEntry, check_extension_number, email_key
from .originate import HttpRequest
from .text import excerpt, has_control_chars

ZADARMA_INTERNAL = "/v1/pbx/internal/"
#: Small pages: click-to-dial's sender reads at most originate.MAX_ANSWER_BYTES of an answer.
YEASTAR_PAGE_SIZE = 30
#: Yeastar pages read at most (12,000 extensions).
MAX_PAGES = 400


class PbxApiError(ValueError):
    """Settings that cannot make a request, or an answer other than the documented one."""


# -----------------------------------------------------------------------------
# Helpers
# -----------------------------------------------------------------------------

def _base_url(value: str | None, what: str) -> str:
    text = (value or "").strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname or has_control_chars(text):
        raise PbxApiError(f"{what} must be an http(s) URL, not {text[:80]!r}")
    if parts.query or parts.fragment:
        raise PbxApiError(f"{what} must not hold a query or a fragment")
    return text.rstrip("/")


def _json(status: int, body: bytes, what: str) -> dict[str, Any]:
    try:
        data = json.loads(body.decode("utf-8"))
    except ValueError as error:
        raise PbxApiError(f"{what}: HTTP {status}, the answer is not JSON") from error
    if not isinstance(data, dict):
        raise PbxApiError(f"{what}: HTTP {status}, expected a JSON object")
    return data


def _entry(number: Any, email: Any) -> ExtensionEntry:
    """An extension as pbx.extension stores it (the PBX's display name has no field there)."""
    try:
        checked = check_extension_number(number)
    except BindingInputError as error:
        raise PbxApiError(str(error)) from error
    return ExtensionEntry(number=checked, email=email_key(email) if isinstance(email, str) else None)


# -----------------------------------------------------------------------------
# Zadarma
# -----------------------------------------------------------------------------

def zadarma_get(api_method: str, *, base_url: str | None, key: str, secret: str,
                params: dict[str, str] | None = None) -> HttpRequest:
    """A signed GET of ``params`` plus ``format=json``, which Zadarma's clients always add (and
    sign): ``Client::call()`` in user-api-v1. Signature: originate.zadarma_authorization."""
    if not key or not secret:
        raise PbxApiError("the Zadarma API key and secret are required")
    base = _base_url(base_url or originate.ZADARMA_URL, "the Zadarma API URL")
    query = dict(params or {}, format="json")
    authorization = originate.zadarma_authorization(api_method, query, key, secret)
    url = f"{base}{api_method}?{originate._php_query(sorted(query.items()))}"
    return HttpRequest("GET", url, (("Authorization", authorization),))


def zadarma_internal_list(*, base_url: str | None, key: str, secret: str) -> HttpRequest:
    return zadarma_get(ZADARMA_INTERNAL, base_url=base_url, key=key, secret=secret)


def zadarma_internal_info(number: str, *, base_url: str | None, key: str, secret: str) -> HttpRequest:
    if not number.isascii() or not number.isalnum():
        raise PbxApiError(f"Zadarma extension {number!r} is not alphanumeric")
    return zadarma_get(f"{ZADARMA_INTERNAL}{number}/info/", base_url=base_url, key=key, secret=secret)


def _zadarma_ok(status: int, body: bytes, what: str) -> dict[str, Any]:
    data = _json(status, body, what)
    if not 200 <= status < 300 or data.get("status") != "success":
        detail = data.get("message") or data.get("status") or "no status"
        raise PbxApiError(f"{what}: HTTP {status}, {excerpt(str(detail), originate.MAX_QUOTED)}")
    return data


def parse_zadarma_internal_list(status: int, body: bytes) -> list[str]:
    """The extension numbers of ``/v1/pbx/internal/`` (numbers may come as ints)."""
    numbers = _zadarma_ok(status, body, "Zadarma /v1/pbx/internal/").get("numbers")
    if not isinstance(numbers, list):
        raise PbxApiError("Zadarma /v1/pbx/internal/: 'numbers' is not a list")
    return [_entry(number, None).number for number in numbers]


def parse_zadarma_internal_info(number: str, status: int, body: bytes) -> ExtensionEntry:
    """One extension from ``/v1/pbx/internal/<n>/info/``. Zadarma keeps no user e-mail on an
    extension; the address its recordings are mailed to (``record_email``) is the closest, and
    is what auto-bind then matches."""
    info = _zadarma_ok(status, body, f"Zadarma /v1/pbx/internal/{number}/info/")
    return _entry(number, info.get("email") or info.get("record_email"))


# -----------------------------------------------------------------------------
# Yeastar P-Series
# -----------------------------------------------------------------------------

def yeastar_extension_list(*, base_url: str | None, access_token: str, page: int = 1,
                           page_size: int = YEASTAR_PAGE_SIZE) -> HttpRequest:
    base = _base_url(base_url, "the Yeastar PBX URL")
    query = urlencode({"access_token": access_token, "page": page, "page_size": page_size})
    return HttpRequest(
        "GET", f"{base}{originate.YEASTAR_API}/extension/list?{query}",
        (("User-Agent", originate.YEASTAR_USER_AGENT),),
    )


def parse_yeastar_extension_list(status: int, body: bytes) -> tuple[list[ExtensionEntry], int]:
    """``(extensions of this page, total_number)`` of ``extension/list``."""
    data = _json(status, body, "Yeastar extension/list")
    if not 200 <= status < 300 or data.get("errcode") != 0:
        detail = f"{data.get('errmsg') or ''} (errcode {data.get('errcode')})".strip()
        raise PbxApiError(f"Yeastar extension/list: HTTP {status}, {excerpt(detail, originate.MAX_QUOTED)}")
    rows = data.get("data", [])
    total = data.get("total_number", len(rows) if isinstance(rows, list) else 0)
    if not isinstance(rows, list) or isinstance(total, bool) or not isinstance(total, int):
        raise PbxApiError("Yeastar extension/list: 'data' or 'total_number' malformed")
    entries = []
    for row in rows:
        if not isinstance(row, dict):
            raise PbxApiError("Yeastar extension/list: a row is not an object")
        entries.append(_entry(row.get("number"), row.get("email_addr")))
    return entries, total
