"""Click-to-dial: the request asking a PBX to originate a call, and reading its answer.

Pure: this module builds requests and reads answers; ``models/pbx_originate.py`` sends them
(with ``requests``, within a total deadline) and turns the outcome into the RPC result built by
:func:`dial_result`, whose shape is the contract checked by ``web/src/schemas/dial_result.ts``.

Originate methods:

``generic_http``
    An admin-written template: URL, HTTP method and body, with the placeholders ``{extension}``,
    ``{number}`` (what the PBX dials: dial-code prefix + number) and ``{e164}``. Values are
    percent-encoded in the URL and in form bodies, JSON-escaped in JSON bodies.
``zadarma``, ``yeastar``, ...
    A vendor's API, in its unit (``vendors/<name>/protocol.py``), built with the shapes and
    readers of this module (:class:`HttpRequest`, :class:`Outcome`, :func:`json_object`...).
``link``
    No request: a ``tel:``/``sip:`` link the browser follows (softphone, IP phone app).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, quote_plus, urlsplit

import phonenumbers

from . import contracts, phone
from .dialcode import parse_dial_codes
from .text import excerpt, has_control_chars

HTTP_METHODS = ("GET", "POST", "PUT")
BODY_FORMATS = ("json", "form", "text")
NUMBER_FORMATS = ("dialable", "e164")
LINK_SCHEMES = tuple(contracts.tables()["link_schemes"])


#: Longest number accepted from a phone field, and longest number sent to a PBX.
MAX_RAW_LENGTH = 64
MAX_DIAL_DIGITS = 32
#: How much of a PBX's answer is read and quoted back.
MAX_ANSWER_BYTES = 65536
MAX_QUOTED = 200

#: The dial result's statuses and error codes (no_extension, disabled, not_configured,
#: bad_number, bad_dial_code, unreachable, refused), from web/src/schemas/dial_result.ts.
STATUSES = tuple(contracts.tables()["dial_statuses"])
ERROR_CODES = tuple(contracts.tables()["dial_error_codes"])

ASK = "ask"
NO_PREFIX = ("", "none", "no", "no prefix")

_PLACEHOLDER = re.compile(r"\{(extension|number|e164)\}")
_HEADER_NAME = re.compile(r"[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}")
_DIALABLE = re.compile(r"[0-9*#]+")


class OriginateError(ValueError):
    """Input or configuration that cannot make a request; ``code`` is one of ERROR_CODES."""

    def __init__(self, code: str, detail: str):
        if code not in ERROR_CODES:
            raise ValueError(f"unknown error code {code!r}")
        super().__init__(detail)
        self.code = code


# -----------------------------------------------------------------------------
# Shapes
# -----------------------------------------------------------------------------

@dataclass(frozen=True)
class HttpRequest:
    """One HTTP request to send; ``headers`` in sending order."""

    method: str
    url: str
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes | None = None


@dataclass(frozen=True)
class Outcome:
    """What a PBX answered: accepted or not, and its own words (never translated)."""

    ok: bool
    detail: str = ""


@dataclass(frozen=True)
class DialChoice:
    """One entry of the *ask* chooser; ``label == ""`` is "no prefix"."""

    label: str
    prefix: str


# -----------------------------------------------------------------------------
# The number and its prefix
# -----------------------------------------------------------------------------

def dial_digits(raw: object, country: str | None = None, number_format: str = "dialable") -> str:
    """The digits (and ``*``/``#``) a PBX dials for a phone field value ``raw``.

    ``dialable``: national format for numbers of ``country``, else the international form as
    dialled from ``country`` (``00…``, ``011…``); ``e164``: E.164 digits without ``+``. A number
    phonenumbers cannot read (an internal extension, a service code) keeps its own digits.
    """
    if number_format not in NUMBER_FORMATS:
        raise OriginateError("not_configured", f"unknown number format {number_format!r}")
    if not isinstance(raw, str) or not raw.strip() or len(raw) > MAX_RAW_LENGTH:
        raise OriginateError("bad_number", "no phone number to dial")
    pn = phone.normalize(raw, country)
    if pn.e164 and number_format == "e164":
        digits = pn.e164[1:]
    elif pn.e164 and country:
        parsed = phonenumbers.parse(pn.e164, None)
        formatted = phonenumbers.format_out_of_country_calling_number(parsed, country.upper())
        digits = "".join(ch for ch in formatted if ch.isascii() and ch.isdigit())
    elif pn.e164:
        digits = pn.e164[1:]
    else:
        digits = "".join(ch for ch in raw if ch in "0123456789*#")
    if not _DIALABLE.fullmatch(digits) or len(digits) > MAX_DIAL_DIGITS:
        raise OriginateError("bad_number", f"nothing dialable in {raw[:MAX_RAW_LENGTH]!r}")
    return digits


def e164_of(raw: str, country: str | None = None) -> str:
    """``+84989464344``, or ``""`` when the number is not a valid international one."""
    return phone.normalize(raw, country).e164 or ""


def resolve_dial_code(
    setting: str | None, connection_codes: str | None, chosen: str | None = None
) -> str | list[DialChoice]:
    """The prefix to dial, or the choices to ask for.

    ``setting`` is the extension's dial code:

    * empty or ``none`` — no prefix;
    * ``ask`` — ask among the connection's codes (``LONGDIS:1000;LOCAL:9``) and "no prefix";
      with ``chosen`` (a label, ``""`` for no prefix), the prefix of that choice;
    * a label of the connection's codes (``LOCAL``) — that code's prefix;
    * the extension's own codes: one entry (``LOCAL:9``) is a fixed prefix, several are asked;
    * a bare prefix (``9``, ``*67``) — that prefix.

    OriginateError ``bad_dial_code`` for an invalid setting or an unknown choice.
    """
    text = (setting or "").strip()
    try:
        codes = parse_dial_codes(connection_codes)
        if text.lower() in NO_PREFIX:
            return ""
        if text.lower() == ASK:
            choices = codes
        elif ":" in text:
            choices = parse_dial_codes(text)
            if len(choices) == 1:
                return choices[0][1]
        else:
            by_label = dict(codes)
            folded = {label.casefold(): prefix for label, prefix in codes}
            if text in by_label:
                return by_label[text]
            if text.casefold() in folded:
                return folded[text.casefold()]
            if _DIALABLE.fullmatch(text):
                return text
            raise ValueError(f"dial code {text[:64]!r} is neither none, ask, a prefix nor a known label")
    except ValueError as error:
        raise OriginateError("bad_dial_code", str(error)) from error
    if not choices:
        return ""
    options = [DialChoice(label, prefix) for label, prefix in choices] + [DialChoice("", "")]
    if chosen is None:
        return options
    for option in options:
        if option.label == chosen:
            return option.prefix
    raise OriginateError("bad_dial_code", f"unknown dial code {chosen[:64]!r}")


# -----------------------------------------------------------------------------
# Templates
# -----------------------------------------------------------------------------

def _json_escape(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)[1:-1]


def _url_escape(value: str) -> str:
    return quote(value, safe="")


def _form_escape(value: str) -> str:
    return quote_plus(value, safe="")


def render(template: str, values: Mapping[str, str], escape: Callable[[str], str]) -> str:
    """``template`` with each ``{extension}``/``{number}``/``{e164}`` replaced by its escaped value.

    Other braces are left alone, so JSON templates need no doubling.
    """
    return _PLACEHOLDER.sub(lambda match: escape(values.get(match.group(1), "")), template)


def check_http_url(url: str, what: str) -> str:
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or has_control_chars(url):
        raise OriginateError("not_configured", f"{what} must be an http(s) URL, not {url[:80]!r}")
    return url


def parse_headers(text: str | None) -> tuple[tuple[str, str], ...]:
    """``Name: value`` lines (empty lines skipped); ValueError names the first bad line."""
    headers = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        name, colon, value = line.partition(":")
        name, value = name.strip(), value.strip()
        if not colon or not _HEADER_NAME.fullmatch(name) or has_control_chars(value):
            raise ValueError(f"header line {line[:40]!r}: expected Name: value")
        headers.append((name, value))
    return tuple(headers)


def generic_request(
    *,
    url_template: str,
    http_method: str,
    body_template: str | None,
    body_format: str,
    headers: str | None,
    values: Mapping[str, str],
) -> HttpRequest:
    """The admin's HTTP template filled in for one call."""
    method = (http_method or "").upper()
    if method not in HTTP_METHODS:
        raise OriginateError("not_configured", f"unsupported HTTP method {http_method!r}")
    if body_format not in BODY_FORMATS:
        raise OriginateError("not_configured", f"unknown body format {body_format!r}")
    check_http_url(url_template, "the originate URL")
    url = check_http_url(render(url_template.strip(), values, _url_escape), "the originate URL")
    try:
        extra = parse_headers(headers)
    except ValueError as error:
        raise OriginateError("not_configured", str(error)) from error
    body = None
    content_type: tuple[tuple[str, str], ...] = ()
    if (body_template or "").strip() and method != "GET":
        if body_format == "json":
            text = render(body_template, values, _json_escape)
            try:
                json.loads(text)
            except ValueError as error:
                raise OriginateError("not_configured", f"the body template is not valid JSON: {error}") from error
            content_type = (("Content-Type", "application/json"),)
        elif body_format == "form":
            text = render(body_template.strip(), values, _form_escape)
            content_type = (("Content-Type", "application/x-www-form-urlencoded"),)
        else:
            text = render(body_template, values, str)
            content_type = (("Content-Type", "text/plain; charset=utf-8"),)
        body = text.encode("utf-8")
    names = {name.lower() for name, _ in extra}
    defaults = tuple(header for header in content_type if header[0].lower() not in names)
    return HttpRequest(method, url, defaults + extra, body)


def http_outcome(status: int, body: bytes) -> Outcome:
    """A generic PBX accepted the call when it answered 2xx."""
    if 200 <= status < 300:
        return Outcome(True)
    return Outcome(False, f"HTTP {status}{quote_answer(body)}")


def link_url(template: str | None, values: Mapping[str, str]) -> str:
    """The ``tel:``/``sip:`` URL to follow, ``tel:{number}`` by default."""
    template = (template or "").strip() or "tel:{number}"
    scheme = template.partition(":")[0].lower()
    if scheme not in LINK_SCHEMES or has_control_chars(template) or len(template) > 512:
        raise OriginateError(
            "not_configured", f"the link must start with {', '.join(s + ':' for s in LINK_SCHEMES)}"
        )
    return render(template, values, lambda value: quote(value, safe="+*"))


# -----------------------------------------------------------------------------
# Answers
# -----------------------------------------------------------------------------

def json_object(body: bytes) -> dict[str, Any]:
    try:
        value = json.loads(body.decode("utf-8", "replace"))
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def seconds(value: Any, default: int) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= 10 * 86400:
        return value
    return default


def clip(text: str) -> str:
    """The short, sanitised excerpt of a PBX's words that a user may read (never its answer)."""
    return excerpt(text, MAX_QUOTED)


def quote_answer(body: bytes) -> str:
    text = clip(body[:MAX_ANSWER_BYTES].decode("utf-8", "replace"))
    return f": {text}" if text else ""


# -----------------------------------------------------------------------------
# The RPC result (contract: tests/fixtures/dial_results.json, web/src/schemas/dial_result.ts)
# -----------------------------------------------------------------------------

def dial_result(
    status: str,
    message: str = "",
    *,
    code: str | None = None,
    extension: str | None = None,
    number: str | None = None,
    url: str | None = None,
    choices: Sequence[DialChoice] = (),
) -> dict[str, Any]:
    """The one shape ``res.users.pbx_dial`` returns; every key always present.

    ``ok``: the PBX accepted (``extension``, ``number`` dialled). ``ask``: show ``choices`` and
    call again with the chosen label. ``link``: follow ``url``. ``error``: ``code`` and ``message``.
    """
    return {
        "status": status,
        "code": code,
        "message": message,
        "extension": extension,
        "number": number,
        "url": url,
        "choices": [{"label": choice.label, "prefix": choice.prefix} for choice in choices],
    }
