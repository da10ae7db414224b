"""Zadarma, pure (no Odoo, no I/O): notifications (webhooks) and their signatures, the
NOTIFY_START answer, click-to-dial (the callback API), the extension list and the recording API.

Checked against the vendor's own code, zadarma/user-api-v1 (commit bfdb755):

- ``lib/Webhook/Notify*.php``: the fields of each event and its ``getSignatureString()``;
- ``lib/Api.php`` ``getWebhookEvent()``: an unknown ``event`` is ignored *before* any signature
  check; the ``Signature`` header must equal ``Client::encodeSignature(string)``, i.e.
  ``base64_encode(hash_hmac('sha1', string, secret))``. PHP's ``hash_hmac`` returns the *hex*
  digest, so the header is the base64 of 40 hex characters, not of the 20 raw bytes; Zadarma's
  TypeScript library (zadarma/user-api-typescript ``src/Webhook.ts``) sends the base64 of the 20
  raw bytes instead: both are accepted;
- ``lib/Webhook/Request.php``: what a NOTIFY_START/NOTIFY_IVR answer may hold (``redirect`` with
  ``return_timeout``, ``caller_name``, ``hangup``, IVR options), sent as a JSON object;
- ``lib/Api.php`` ``getPbxRecord()``: ``/v1/pbx/record/request/`` takes ``call_id`` or
  ``pbx_call_id`` and ``lifetime`` (180..5184000 s, default 1800), and answers ``link`` (or
  ``links`` when only ``pbx_call_id`` was given) and ``lifetime_till``;
- ``examples/callinfo_callback.php`` (history): ``GET ?zd_echo=X`` must answer ``X``, and
  notifications come from 185.45.152.42.

How each event maps onto the canonical events (see :func:`to_canonical`):

=================  =========================================================================
NOTIFY_START       None: the call is at the PBX (IVR, queue), no extension yet. Answered with
                   :func:`start_answer`.
NOTIFY_IVR         None (a digit was pressed in the IVR).
NOTIFY_INTERNAL    ``call_in``: ``caller_id`` rings extension ``internal``.
NOTIFY_ANSWER      ``answer`` (direction in): extension ``internal`` picked up.
NOTIFY_END         ``call_out`` direction in: ``disposition``, ``duration``, ``call_start``,
                   the recording when ``is_recorded`` is 1.
NOTIFY_OUT_START   ``init``: extension ``internal`` dials ``destination``.
NOTIFY_OUT_END     ``call_out`` direction out.
NOTIFY_RECORD      ``recording``: ``call_id_with_rec`` of call ``pbx_call_id``.
other names        None: journaled and ignored, like the vendor's library does.
=================  =========================================================================

The call id is ``pbx_call_id`` (the same through the IVR, the queue and every extension rung).
``call_start`` is a naive ``Y-m-d H:i:s``; it is read in the connection's PBX timezone, which
must be the timezone of the Zadarma account (its API's ``/v1/info/timezone/``).

What Zadarma leaves unsigned (see SIGNED_FIELDS): the call id ``pbx_call_id`` of every event but
NOTIFY_RECORD; ``internal`` of INTERNAL, ANSWER and END; ``duration``, ``disposition``,
``status_code``, ``is_recorded`` and ``call_id_with_rec`` of END and OUT_END, and OUT_END's
``caller_id``. START, IVR, INTERNAL and END of one call sign the same string, as do OUT_START and
OUT_END. So a signature is bound to the first call id it came with (models.py), and
:func:`check_fresh` credits at most MAX_CREDITED_DURATION of the unsigned duration.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote, quote_plus, urlsplit

from ...lib import dates, payload
from ...lib.extension_binding import ExtensionEntry
from ...lib.originate import (
    MAX_QUOTED, HttpRequest, OriginateError, Outcome, check_http_url, clip, json_object, quote_answer,
)
from ...lib.pbx_api import PbxApiError, check_base_url, entry, json_answer
from ...lib.text import excerpt, has_control_chars

START = "NOTIFY_START"
INTERNAL = "NOTIFY_INTERNAL"
ANSWER = "NOTIFY_ANSWER"
END = "NOTIFY_END"
OUT_START = "NOTIFY_OUT_START"
OUT_END = "NOTIFY_OUT_END"
RECORD = "NOTIFY_RECORD"
IVR = "NOTIFY_IVR"
EVENTS = (START, INTERNAL, ANSWER, END, OUT_START, OUT_END, RECORD, IVR)

#: The fields concatenated, in this order, into each event's signed string (getSignatureString).
SIGNED_FIELDS: dict[str, tuple[str, ...]] = {
    START: ("caller_id", "called_did", "call_start"),
    IVR: ("caller_id", "called_did", "call_start"),  # NotifyIvr extends NotifyStart
    INTERNAL: ("caller_id", "called_did", "call_start"),
    ANSWER: ("caller_id", "destination", "call_start"),
    END: ("caller_id", "called_did", "call_start"),
    OUT_START: ("internal", "destination", "call_start"),
    OUT_END: ("internal", "destination", "call_start"),
    RECORD: ("pbx_call_id", "call_id_with_rec"),
}

#: NotifyEnd/NotifyOutEnd ``disposition`` values -> canonical statuses. The billing refusals
#: (no money, unallocated number, limits) are calls that could not be made: failed.
DISPOSITIONS: dict[str, str] = {
    "answered": "answered",
    "busy": "busy",
    "cancel": "missed",
    "no answer": "missed",
    "failed": "failed",
    "no money": "failed",
    "unallocated number": "failed",
    "no limit": "failed",
    "no day limit": "failed",
    "line limit": "failed",
    "no money, no limit": "failed",
}
#: A disposition Zadarma may add later: the call ended without a conversation we know of.
UNKNOWN_DISPOSITION = "failed"

#: What an ``event`` field must look like to be journaled under its own name.
EVENT_NAME = re.compile(r"[A-Z][A-Z0-9_]{0,63}", re.ASCII)
#: ``call_id_with_rec`` (e.g. ``1700000000.123456``): also a path segment of the playback URL.
_RECORD_ID = re.compile(r"[0-9A-Za-z._-]{1,128}", re.ASCII)
#: ``zd_echo`` values answered: enough for any random token, nothing a browser could render.
_ECHO = re.compile(r"[A-Za-z0-9._:+/=-]{1,128}", re.ASCII)
#: A PBX extension Zadarma can redirect to is a three-digit number (redirect's documentation).
_REDIRECT_EXTENSION = re.compile(r"[0-9]{3}", re.ASCII)
#: Caller names longer than this are cut (a phone's display has room for far less).
MAX_CALLER_NAME = 64

#: Vendor field named in the errors for each canonical field it fills.
_VENDOR_FIELD = {"callid": "pbx_call_id", "calldate": "call_start", "duration": "duration",
                 "status": "disposition", "recordingfile": "call_id_with_rec"}

RECORD_REQUEST = "/v1/pbx/record/request/"
RECORD_LIFETIME = 1800
MIN_RECORD_LIFETIME, MAX_RECORD_LIFETIME = 180, 5184000
#: Path of the Odoo route that plays a Zadarma recording (controllers.py).
PLAY_ROUTE = "/pbx_callcenter/zadarma/recording"
DEFAULT_MAX_AGE_HOURS = 24
#: The most of an END's (unsigned) ``duration`` that :func:`check_fresh` credits, in seconds.
MAX_CREDITED_DURATION = 4 * 3600


# -----------------------------------------------------------------------------
# Signature
# -----------------------------------------------------------------------------

def _text(value: Any) -> str:
    """A field as PHP concatenates it: strings as they are, integers in decimal, else ''."""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return ""


def signature_string(event: str, fields: Mapping[str, Any]) -> str | None:
    """The string Zadarma signs for ``event`` (None for an event with no known signature).
    A missing field counts as empty, as PHP's null does."""
    names = SIGNED_FIELDS.get(event)
    if names is None:
        return None
    return "".join(_text(fields.get(name)) for name in names)


def _hmac(secret: str, text: str):
    return hmac.new(secret.encode("utf-8"), text.encode("utf-8"), hashlib.sha1)


def _base64_of_hex(mac) -> str:
    return base64.b64encode(mac.hexdigest().encode("ascii")).decode("ascii")


def _base64_of_raw(mac) -> str:
    return base64.b64encode(mac.digest()).decode("ascii")


def sign(secret: str, text: str) -> str:
    """``base64_encode(hash_hmac('sha1', text, secret))``: base64 of the *hex* HMAC-SHA1."""
    return _base64_of_hex(_hmac(secret, text))


def sign_raw(secret: str, text: str) -> str:
    """Base64 of the *raw* HMAC-SHA1, as Zadarma's TypeScript library computes the same header
    (zadarma/user-api-typescript ``src/Webhook.ts``: ``createHmac('sha1', secret)
    .update(string).digest('base64')``)."""
    return _base64_of_raw(_hmac(secret, text))


def verify_signature(secret: str, event: str, fields: Mapping[str, Any], header: str | None) -> bool:
    """Whether ``header`` (the ``Signature`` header) signs ``event``'s fields, in either of the
    two encodings Zadarma's own libraries use (PHP: base64 of the hex HMAC; TypeScript: base64
    of the raw HMAC); constant time. False without a secret, without a header, or for an event
    with no known signature."""
    text = signature_string(event, fields)
    if not secret or text is None or not isinstance(header, str) or not header.strip():
        return False
    given = header.strip().encode("utf-8", "replace")
    mac = _hmac(secret, text)  # one HMAC, compared in both encodings
    fits_hex = hmac.compare_digest(_base64_of_hex(mac).encode("ascii"), given)
    fits_raw = hmac.compare_digest(_base64_of_raw(mac).encode("ascii"), given)
    return fits_hex or fits_raw


# -----------------------------------------------------------------------------
# Events
# -----------------------------------------------------------------------------

def _field(data: Mapping[str, Any], name: str, errors: dict[str, str], required: bool = True) -> str:
    value = data.get(name)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors[name] = "required"
        return ""
    if not isinstance(value, str):
        errors[name] = "must be a string"
        return ""
    return value.strip()


def _call_start(data: Mapping[str, Any], tz_name: str, errors: dict[str, str]) -> datetime | None:
    raw = _field(data, "call_start", errors)
    if not raw:
        return None
    try:
        return dates.parse_calldate(raw, tz_name)
    except ValueError as error:
        errors["call_start"] = str(error)
        return None


def _iso(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def _disposition(value: str) -> str:
    return DISPOSITIONS.get(" ".join(value.lower().split()), UNKNOWN_DISPOSITION)


def _recording(data: Mapping[str, Any], errors: dict[str, str], required: bool) -> str:
    """``call_id_with_rec`` when the event carries a recording ('' when it does not)."""
    record_id = _field(data, "call_id_with_rec", errors, required)
    if record_id and not _RECORD_ID.fullmatch(record_id):
        errors["call_id_with_rec"] = "not a Zadarma call id (letters, digits, '.', '_', '-')"
        return ""
    return record_id


def _validated(kind: str, canonical: dict[str, Any], extension_field: str,
               phone_field: str) -> tuple[str, dict[str, Any]]:
    """``(kind, canonical)`` once lib.payload accepts it; its errors name the vendor's fields."""
    try:
        payload.parse_event(kind, canonical, "UTC")
    except payload.PayloadError as error:
        names = dict(_VENDOR_FIELD, phone=phone_field, extension=extension_field)
        raise payload.PayloadError(
            {names.get(name, name): message for name, message in error.fields.items()}) from None
    return kind, canonical


def to_canonical(native_event: str, data: Mapping[str, Any], tz_name: str = "UTC"):
    """``(kind, canonical dict)`` of a Zadarma notification, or None for one that changes no
    call (NOTIFY_START, NOTIFY_IVR, unknown events). PayloadError names the vendor's fields.

    ``call_start`` is read in ``tz_name`` and handed over in UTC (``…Z``).
    """
    if not isinstance(data, Mapping):
        raise payload.PayloadError({"_body": "must be form fields or a JSON object"})
    if native_event not in EVENTS:
        return None
    errors: dict[str, str] = {}
    callid = _field(data, "pbx_call_id", errors)
    if native_event == RECORD:
        record_id = _recording(data, errors, required=True)
        if errors:
            raise payload.PayloadError(errors)
        return _validated("recording", {"callid": callid, "recordingfile": record_id}, "", "")
    start = _call_start(data, tz_name, errors)
    if native_event in (START, IVR):
        _field(data, "caller_id", errors)
        _field(data, "called_did", errors, required=False)
        if errors:
            raise payload.PayloadError(errors)
        return None
    if native_event in (INTERNAL, ANSWER, END):
        phone, phone_field = _field(data, "caller_id", errors), "caller_id"
        extension, extension_field = _field(data, "internal", errors, required=False), "internal"
        if not extension and native_event == ANSWER:
            extension, extension_field = _field(data, "destination", errors), "destination"
        elif not extension and native_event == END:
            # Ended before reaching an extension (IVR, queue): the number that was called.
            extension, extension_field = _field(data, "called_did", errors), "called_did"
        elif not extension:
            errors["internal"] = "required"
        direction = "in"
    else:
        phone, phone_field = _field(data, "destination", errors), "destination"
        extension, extension_field = _field(data, "internal", errors), "internal"
        direction = "out"
    canonical: dict[str, Any] = {"phone": phone, "extension": extension, "callid": callid}
    if native_event in (END, OUT_END):
        duration = _field(data, "duration", errors, required=False)
        disposition = _field(data, "disposition", errors, required=False)
        recorded = _field(data, "is_recorded", errors, required=False) == "1"
        record_id = _recording(data, errors, required=False) if recorded else ""
        canonical.update(direction=direction, duration=duration or "0")
        if start is not None:
            canonical["calldate"] = _iso(start)
        if disposition:
            canonical["status"] = _disposition(disposition)
        if record_id:
            canonical["recordingfile"] = record_id
    elif native_event == ANSWER:
        canonical["direction"] = "in"
    if errors:
        raise payload.PayloadError(errors)
    kind = {INTERNAL: "call_in", ANSWER: "answer", END: "call_out",
            OUT_START: "init", OUT_END: "call_out"}[native_event]
    return _validated(kind, canonical, extension_field, phone_field)


def check_fresh(native_event: str, data: Mapping[str, Any], tz_name: str, now: datetime,
                max_age_hours: int) -> None:
    """PayloadError (on ``call_start``) for an event whose call ended more than
    ``max_age_hours`` before ``now`` (naive UTC), or that starts that long after it: a replay,
    or a PBX timezone that is not the Zadarma account's. The end is ``call_start + duration``,
    so the END of a long call is still fresh; the duration is not signed, so at most
    MAX_CREDITED_DURATION of it counts. ``max_age_hours <= 0`` turns the check off;
    events without ``call_start`` (NOTIFY_RECORD, unknown ones) and unreadable dates (which
    :func:`to_canonical` reports) pass."""
    if max_age_hours <= 0 or native_event not in EVENTS or native_event == RECORD:
        return
    errors: dict[str, str] = {}
    start = _call_start(data, tz_name, errors)
    if start is None:
        return
    duration = 0
    if native_event in (END, OUT_END):
        text = _field(data, "duration", errors, required=False)
        duration = int(text) if text.isascii() and text.isdigit() and len(text) <= 7 else 0
    window = timedelta(hours=max_age_hours)
    if start + timedelta(seconds=min(duration, MAX_CREDITED_DURATION)) < now - window:
        raise payload.PayloadError({"call_start": (
            f"{_iso(start)} is more than {max_age_hours} h old: a replayed or long-delayed event "
            "(check the PBX timezone if every event is refused)")})
    if start > now + window:
        raise payload.PayloadError({"call_start": (
            f"{_iso(start)} is more than {max_age_hours} h in the future: check the PBX timezone")})


def call_id(data: Mapping[str, Any]) -> str:
    """The notification's ``pbx_call_id`` as the events are mapped with it ('' when missing)."""
    return _field(data, "pbx_call_id", {}, required=False)


# -----------------------------------------------------------------------------
# Answers
# -----------------------------------------------------------------------------

def _clean_name(name: Any) -> str:
    if not isinstance(name, str):
        return ""
    text = " ".join("".join(" " if has_control_chars(ch) else ch for ch in name).split())
    return text[:MAX_CALLER_NAME].rstrip()


def start_answer(lookup: Mapping[str, Any], *, route_to_owner: bool, return_timeout: int,
                 reject_blocked: bool) -> dict[str, Any]:
    """The JSON Zadarma reads in the answer to NOTIFY_START, from a lookup answer
    (lib.contract.lookup_answer):

    * ``{"redirect": "blacklist"}`` (busy tone) for a blocked number when ``reject_blocked``;
    * ``caller_name``: the known caller's name, shown on the phone (SIP CallerName);
    * ``redirect`` to the owner's extension, with ``return_timeout`` (0: never back to the
      menu, >= 3: seconds before the call returns to the menu), when ``route_to_owner`` and the
      owner has a three-digit extension.

    ``{}`` changes nothing: the call follows the PBX's own scenario.
    """
    if lookup.get("blocked") and reject_blocked:
        return {"redirect": "blacklist"}
    answer: dict[str, Any] = {}
    name = _clean_name(lookup.get("caller_name"))
    if name:
        answer["caller_name"] = name
    owner = lookup.get("owner") or {}
    extension = owner.get("extension")
    if route_to_owner and isinstance(extension, str) and _REDIRECT_EXTENSION.fullmatch(extension):
        answer["redirect"] = extension
        answer["return_timeout"] = int(return_timeout)
    return answer


def check_return_timeout(value: int) -> None:
    """ValueError unless ``value`` is a return_timeout Zadarma accepts: 0 or at least 3."""
    if value != 0 and not 3 <= value <= 3600:
        raise ValueError("must be 0 (never return to the menu) or 3 to 3600 seconds")


def echo_value(value: Any) -> str:
    """The ``zd_echo`` to answer (URL validation); ValueError for anything but a short token,
    so that the route never reflects markup or long text."""
    if not isinstance(value, str) or not _ECHO.fullmatch(value):
        raise ValueError("must be 1 to 128 letters, digits or ._:+/=-")
    return value


# -----------------------------------------------------------------------------
# Recordings
# -----------------------------------------------------------------------------

def is_record_id(value: Any) -> bool:
    """Whether ``value`` is a ``call_id_with_rec`` (what our playback URL carries)."""
    return isinstance(value, str) and bool(_RECORD_ID.fullmatch(value.strip()))


def play_url(base_url: str, connection_id: int, record_id: str) -> str:
    """The stable Odoo URL that plays recording ``record_id`` of a connection: it asks
    Zadarma for a fresh link each time, so the link in the chatter never expires."""
    return f"{(base_url or '').rstrip('/')}{PLAY_ROUTE}/{int(connection_id)}/{quote(record_id.strip(), safe='')}"


def record_request(*, base_url: str | None, key: str, secret: str, call_id: str,
                   lifetime: int = RECORD_LIFETIME) -> HttpRequest:
    """Signed ``GET /v1/pbx/record/request/?call_id=…&format=json&lifetime=…``."""
    if not is_record_id(call_id):
        raise PbxApiError(f"{call_id!r} is not a Zadarma call id")
    if not MIN_RECORD_LIFETIME <= lifetime <= MAX_RECORD_LIFETIME:
        raise PbxApiError(f"lifetime must be {MIN_RECORD_LIFETIME}..{MAX_RECORD_LIFETIME} s")
    params = {"call_id": call_id.strip(), "lifetime": str(lifetime)}
    return zadarma_get(RECORD_REQUEST, params=params, base_url=base_url, key=key, secret=secret)


def record_link(status: int, body: bytes) -> str:
    """The link of a ``/v1/pbx/record/request/`` answer (``link``, else the first of ``links``);
    PbxApiError for a refusal or anything but an http(s) URL."""
    what = f"Zadarma {RECORD_REQUEST}"
    data = json_answer(status, body, what)
    if not 200 <= status < 300 or data.get("status") != "success":
        detail = data.get("message") or data.get("status") or "no status"
        raise PbxApiError(f"{what}: HTTP {status}, {excerpt(str(detail), MAX_QUOTED)}")
    link = data.get("link")
    links = data.get("links")
    if not link and isinstance(links, list) and links:
        link = links[0]
    parts = urlsplit(link) if isinstance(link, str) else None
    if (parts is None or parts.scheme not in ("http", "https") or not parts.hostname
            or has_control_chars(link) or len(link) > 4096):
        raise PbxApiError(f"{what}: no http(s) link in the answer")
    return link


# -----------------------------------------------------------------------------
# Click-to-dial: the callback API (signed like Zadarma's own clients: user-api-v1
# lib/Client.php, user-api-py-v1 zadarma/api.py)
# -----------------------------------------------------------------------------

ZADARMA_URL = "https://api.zadarma.com"


ZADARMA_CALLBACK = "/v1/request/callback/"


def _php_query(params: Sequence[tuple[str, str]]) -> str:
    """PHP ``http_build_query(..., PHP_QUERY_RFC1738)``: like urlencode, but ``~`` escaped."""
    return "&".join(
        f"{quote_plus(key, safe='')}={quote_plus(value, safe='')}".replace("~", "%7E")
        for key, value in params
    )


def zadarma_authorization(method_path: str, params: Mapping[str, str], key: str, secret: str) -> str:
    """``Authorization`` header value: ``key:base64(hex(HMAC-SHA1(secret, path + qs + md5(qs))))``.

    ``qs`` is the key-sorted, RFC 1738-encoded query, as signed by Zadarma's PHP and Python clients.
    """
    query = _php_query(sorted(params.items()))
    signed = method_path + query + hashlib.md5(query.encode()).hexdigest()
    digest = hmac.new(secret.encode(), signed.encode(), hashlib.sha1).hexdigest()
    return f"{key}:{base64.b64encode(digest.encode()).decode()}"


def zadarma_request(*, base_url: str | None, key: str, secret: str, extension: str, number: str) -> HttpRequest:
    """The callback request: Zadarma rings ``extension``, then connects it to ``number``."""
    if not key or not secret:
        raise OriginateError("not_configured", "the Zadarma API key and secret are required")
    base = check_http_url(base_url or ZADARMA_URL, "the Zadarma API URL").rstrip("/")
    params = {"format": "json", "from": extension, "to": number}
    query = _php_query(sorted(params.items()))
    authorization = zadarma_authorization(ZADARMA_CALLBACK, params, key, secret)
    return HttpRequest("GET", f"{base}{ZADARMA_CALLBACK}?{query}", (("Authorization", authorization),))


def zadarma_outcome(status: int, body: bytes) -> Outcome:
    """Zadarma answers ``{"status": "success", ...}`` or ``{"status": "error", "message": ...}``."""
    answer = json_object(body)
    if 200 <= status < 300 and answer.get("status") == "success":
        return Outcome(True)
    message = answer.get("message")
    if isinstance(message, str) and message.strip():
        return Outcome(False, clip(message))
    return Outcome(False, f"HTTP {status}{quote_answer(body)}")


# -----------------------------------------------------------------------------
# The extension list: GET /v1/pbx/internal/, then /v1/pbx/internal/<n>/info/ per number
# -----------------------------------------------------------------------------

ZADARMA_INTERNAL = "/v1/pbx/internal/"


def zadarma_get(api_method: str, *, base_url: str | None, key: str, secret: str,
                params: dict[str, str] | None = None) -> HttpRequest:
    """A signed GET of ``params`` plus ``format=json``, which Zadarma's clients always add (and
    sign): ``Client::call()`` in user-api-v1. Signature: zadarma_authorization."""
    if not key or not secret:
        raise PbxApiError("the Zadarma API key and secret are required")
    base = check_base_url(base_url or ZADARMA_URL, "the Zadarma API URL")
    query = dict(params or {}, format="json")
    authorization = zadarma_authorization(api_method, query, key, secret)
    url = f"{base}{api_method}?{_php_query(sorted(query.items()))}"
    return HttpRequest("GET", url, (("Authorization", authorization),))


def zadarma_internal_list(*, base_url: str | None, key: str, secret: str) -> HttpRequest:
    return zadarma_get(ZADARMA_INTERNAL, base_url=base_url, key=key, secret=secret)


def zadarma_internal_info(number: str, *, base_url: str | None, key: str, secret: str) -> HttpRequest:
    if not number.isascii() or not number.isalnum():
        raise PbxApiError(f"Zadarma extension {number!r} is not alphanumeric")
    return zadarma_get(f"{ZADARMA_INTERNAL}{number}/info/", base_url=base_url, key=key, secret=secret)


def _zadarma_ok(status: int, body: bytes, what: str) -> dict[str, Any]:
    data = json_answer(status, body, what)
    if not 200 <= status < 300 or data.get("status") != "success":
        detail = data.get("message") or data.get("status") or "no status"
        raise PbxApiError(f"{what}: HTTP {status}, {excerpt(str(detail), MAX_QUOTED)}")
    return data


def parse_zadarma_internal_list(status: int, body: bytes) -> list[str]:
    """The extension numbers of ``/v1/pbx/internal/`` (numbers may come as ints)."""
    numbers = _zadarma_ok(status, body, "Zadarma /v1/pbx/internal/").get("numbers")
    if not isinstance(numbers, list):
        raise PbxApiError("Zadarma /v1/pbx/internal/: 'numbers' is not a list")
    return [entry(number, None).number for number in numbers]


def parse_zadarma_internal_info(number: str, status: int, body: bytes) -> ExtensionEntry:
    """One extension from ``/v1/pbx/internal/<n>/info/``. Zadarma keeps no user e-mail on an
    extension; the address its recordings are mailed to (``record_email``) is the closest, and
    is what auto-bind then matches."""
    info = _zadarma_ok(status, body, f"Zadarma /v1/pbx/internal/{number}/info/")
    return entry(number, info.get("email") or info.get("record_email"))
