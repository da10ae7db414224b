"""Yeastar P-Series, pure (no Odoo, no I/O): webhook events mapped onto the canonical call
events, the OpenAPI client (token, click-to-dial, extension list, inbound-call control,
recordings, company contacts).

The PBX posts ``{"type": <event ID>, "sn": "<PBX serial number>", "msg": "<JSON text>"}``;
``msg`` is itself JSON *text* (help.yeastar.com, P-Series developer guide, "Monitor Events via
Webhook" and every event page). A ``msg`` already decoded into an object is accepted too (the
guide's examples print it unquoted, and a proxy may decode it): both give the same envelope.

Events read (the rest changes no call and is journaled as ignored):

``30011`` Call Status Changed: ``{call_id, members: [{extension: {number, channel_id,
member_status, call_path}} | {inbound: {from, to, trunk_name, channel_id, member_status}} |
{outbound: {from, to, trunk_name, channel_id, member_status}}]}``.

- an extension member answered (ANSWER/ANSWERED) -> ``answer`` by that extension;
- else an inbound member and a ringing extension (RING/ALERT/EARLYMEDIA) -> ``call_in``
  (phone = inbound.from); an outbound member and a ringing/dialling extension -> ``init``
  (phone = outbound.to);
- no inbound/outbound member (internal call, IVR, voicemail), HOLD, BYE -> None: the CDR ends
  the call. Ring groups and queues ring several extensions: the call rings (and pops up) for
  the first one listed; whoever answers takes the call (``answer`` moves it to them).

``30012`` New CDR: ``{call_id, time_start, call_from, call_to, call_duration, talk_duration,
status, type, recording, did_number, ...}`` -> ``call_out``. ``type`` (documented lower case,
sent capitalised in the examples) gives the direction: inbound (phone = call_from, extension =
call_to), outbound (phone = call_to, extension = call_from), internal (phone = call_from,
direction ``internal``: no contact is matched or created). ``status`` ANSWERED (and the guide's
"ANSWERD"), NO ANSWER, BUSY, FAILED; VOICEMAIL and ABANDONED count as missed. ``recording`` is
the file name, joined to the connection's recording base URL by the core.

``30016`` Inbound Call Invitation: no call event (the PBX holds the call until the application
accepts or refuses it, 10 s at most); :func:`invitation` reads what the model needs to answer it.

Blank strings (the PBX pads empty fields with ``" "``) count as absent.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote, urlencode

from ...lib import dates, payload
from ...lib.extension_binding import ExtensionEntry
from ...lib.originate import (
    MAX_QUOTED, HttpRequest, OriginateError, Outcome, check_http_url, clip, json_object, quote_answer, seconds,
)
from ...lib.pbx_api import PbxApiError, check_base_url, entry, json_answer
from ...lib.payload import PayloadError
from ...lib.text import excerpt

CALL_STATUS = "30011"
NEW_CDR = "30012"
INBOUND_INVITATION = "30016"

#: A call that started (30011/30016, from its call id) or ended (30012) longer ago than this is
#: a replay: refused, never turned into a call. Wide enough for a wrong PBX timezone (±14 h)
#: and for the PBX's own retries.
MAX_AGE = timedelta(hours=24)

ANSWERED = frozenset({"ANSWER", "ANSWERED"})
RINGING = frozenset({"RING", "ALERT", "EARLYMEDIA"})
MEMBER_KINDS = ("extension", "inbound", "outbound")
DIRECTIONS = {"inbound": "in", "outbound": "out", "internal": "internal"}
#: CDR statuses (upper-cased, spaces collapsed) -> a canonical status alias of lib/status.py.
CDR_STATUSES = {
    "ANSWERED": "ANSWERED",
    "ANSWERD": "ANSWERED",
    "NO ANSWER": "NO ANSWER",
    "NO ANSWERED": "NO ANSWER",
    "NOANSWER": "NO ANSWER",
    "VOICEMAIL": "NO ANSWER",
    "ABANDONED": "NO ANSWER",
    "BUSY": "BUSY",
    "FAILED": "FAILED",
}
MAX_SERIAL = 64
MAX_EVENT_ID = 10**9

_DIGITS = re.compile(r"[0-9]{1,9}", re.ASCII)
_SPACES = re.compile(r"\s+")
_NAMED_NUMBER = re.compile(r"<([^<>]*)>\s*$")
#: Yeastar call ids are Asterisk unique ids: "<Unix time the call started>.<sequence>".
_CALL_ID_TIME = re.compile(r"([0-9]{9,10})\.[0-9]+", re.ASCII)
#: A download_resource_url: an absolute path of plain characters on the PBX.
_RESOURCE_PATH = re.compile(r"/[A-Za-z0-9._~/-]{1,512}", re.ASCII)


# -----------------------------------------------------------------------------
# Envelope
# -----------------------------------------------------------------------------

def _is_text(value: Any) -> bool:
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _event_id(value: Any) -> str:
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int) and 0 < value < MAX_EVENT_ID:
        return str(value)
    if isinstance(value, str) and _DIGITS.fullmatch(value.strip()) and int(value) > 0:
        return str(int(value))
    raise ValueError


def _decode_msg(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if isinstance(value, str):
        try:
            value = payload._decode_json(value)   # the canonical body's JSON rules
        except PayloadError as error:
            raise PayloadError({"msg": error.fields["_body"]}) from None
    if not isinstance(value, dict):
        raise PayloadError({"msg": "must be a JSON object (or JSON text of one)"})
    if not _is_text(value):
        raise PayloadError({"msg": "invalid unicode (lone surrogate escape)"})
    return value


def parse_envelope(data: Any) -> tuple[str, dict[str, Any]]:
    """``(event ID as text, envelope)`` of a decoded webhook body; ``envelope["msg"]`` is the
    decoded object. PayloadError names ``type``, ``sn`` or ``msg``."""
    if not isinstance(data, Mapping):
        raise PayloadError({"_body": "must be a JSON object"})
    errors: dict[str, str] = {}
    event = ""
    try:
        event = _event_id(data.get("type"))
    except ValueError:
        errors["type"] = "must be a positive integer event ID"
    serial = data.get("sn")
    if serial is not None and not (isinstance(serial, str) and len(serial) <= MAX_SERIAL):
        errors["sn"] = f"must be a string of at most {MAX_SERIAL} characters"
    try:
        msg = _decode_msg(data.get("msg"))
    except PayloadError as error:
        errors.update(error.fields)
        msg = {}
    if errors:
        raise PayloadError(errors)
    return event, {"type": int(event), "sn": serial, "msg": msg}


def serial_matches(expected: str | None, envelope: Mapping[str, Any]) -> bool:
    """Whether the envelope comes from the PBX whose serial number is ``expected`` (always
    True when no serial number is configured). Case and surrounding spaces are ignored."""
    if not (expected or "").strip():
        return True
    serial = envelope.get("sn")
    return isinstance(serial, str) and serial.strip().casefold() == expected.strip().casefold()


def verify_signature(secret: str | None, body: bytes, header: str | None) -> bool:
    """Whether ``X-Signature`` is the Base64 HMAC-SHA256 of the raw body under the webhook's
    secret, as the PBX signs it ("Monitor Events via Webhook"); constant time. An empty secret
    verifies nothing."""
    if not secret or not isinstance(header, str) or len(header) > 256:
        return False
    try:
        received = base64.b64decode(header.strip().encode("ascii"), validate=True)
    except (UnicodeEncodeError, binascii.Error, ValueError):
        return False
    expected = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest()
    return hmac.compare_digest(expected, received)


# -----------------------------------------------------------------------------
# Mapping onto the canonical events
# -----------------------------------------------------------------------------

def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _msg(data: Any) -> Mapping[str, Any]:
    msg = data.get("msg") if isinstance(data, Mapping) else None
    if not isinstance(msg, Mapping):
        raise PayloadError({"msg": "must be a JSON object"})
    return msg


def _member_status(info: Mapping[str, Any], where: str) -> str:
    value = info.get("member_status")
    if _blank(value):
        return ""
    if not isinstance(value, str):
        raise PayloadError({f"{where}.member_status": "must be a string"})
    return value.strip().upper()


def _members(msg: Mapping[str, Any]) -> list[tuple[str, str, Mapping[str, Any], str]]:
    """``(kind, path, info, member_status)`` of every member, in the PBX's order."""
    members = msg.get("members")
    if not isinstance(members, list):
        raise PayloadError({"msg.members": "must be a list"})
    found = []
    for index, member in enumerate(members):
        where = f"msg.members[{index}]"
        if not isinstance(member, Mapping):
            raise PayloadError({where: "must be an object"})
        for kind in MEMBER_KINDS:
            if kind not in member:
                continue
            info = member[kind]
            if not isinstance(info, Mapping):
                raise PayloadError({f"{where}.{kind}": "must be an object"})
            path = f"{where}.{kind}"
            found.append((kind, path, info, _member_status(info, path)))
    return found


def _call_status(msg: Mapping[str, Any]) -> tuple[str, dict[str, Any], dict[str, str]] | None:
    members = _members(msg)
    extensions = [m for m in members if m[0] == "extension"]
    external = next((m for m in members if m[0] == "inbound"), None) or next(
        (m for m in members if m[0] == "outbound"), None)
    if external is None:
        return None  # internal call, IVR, voicemail...: the CDR records it
    kind, path, info, _status = external
    phone_field = "from" if kind == "inbound" else "to"
    direction = "in" if kind == "inbound" else "out"
    answered = [m for m in extensions if m[3] in ANSWERED]
    ringing = [m for m in extensions if m[3] in RINGING]
    if answered:
        route, extension = "answer", answered[0]
    elif ringing:
        route, extension = ("call_in" if kind == "inbound" else "init"), ringing[0]
    else:
        return None  # HOLD, BYE, nobody ringing yet
    canonical = {
        "phone": info.get(phone_field),
        "extension": extension[2].get("number"),
        "callid": msg.get("call_id"),
    }
    if route == "answer":
        canonical["direction"] = direction
    names = {"phone": f"{path}.{phone_field}", "extension": f"{extension[1]}.number",
             "callid": "msg.call_id", "direction": path}
    return route, canonical, names


def _number(value: Any) -> Any:
    """``"Tom Smith<5503301>"`` -> ``"5503301"``; anything else unchanged."""
    if isinstance(value, str):
        match = _NAMED_NUMBER.search(value)
        if match:
            return match.group(1)
    return value


def _cdr_status(value: Any) -> str:
    if not isinstance(value, str):
        raise PayloadError({"msg.status": "must be a string"})
    status = CDR_STATUSES.get(_SPACES.sub(" ", value.strip().upper()))
    if status is None:
        raise PayloadError({"msg.status": "must be one of ANSWERED, NO ANSWER, BUSY, FAILED, "
                                          "VOICEMAIL, ABANDONED"})
    return status


def _cdr(msg: Mapping[str, Any]) -> tuple[str, dict[str, Any], dict[str, str]]:
    call_type = msg.get("type")
    direction = DIRECTIONS.get(call_type.strip().lower()) if isinstance(call_type, str) else None
    if direction is None:
        raise PayloadError({"msg.type": "must be Inbound, Outbound or Internal"})
    caller, callee = _number(msg.get("call_from")), _number(msg.get("call_to"))
    if direction == "out":
        phone, extension, names = callee, caller, ("msg.call_to", "msg.call_from")
    else:
        phone, extension, names = caller, callee, ("msg.call_from", "msg.call_to")
    canonical: dict[str, Any] = {
        "phone": phone,
        "extension": extension,
        "callid": msg.get("call_id"),
        "direction": direction,
        "status": _cdr_status(msg.get("status")),
    }
    optional = (("calldate", "time_start"), ("duration", "call_duration"),
                ("billsec", "talk_duration"), ("recordingfile", "recording"))
    for name, vendor in optional:
        if not _blank(msg.get(vendor)):
            canonical[name] = msg[vendor].strip() if isinstance(msg[vendor], str) else msg[vendor]
    vendor_names = {
        "phone": names[0], "extension": names[1], "callid": "msg.call_id", "direction": "msg.type",
        "status": "msg.status", **{name: f"msg.{vendor}" for name, vendor in optional},
    }
    return "call_out", canonical, vendor_names


MAPPERS = {CALL_STATUS: _call_status, NEW_CDR: _cdr}


def to_canonical(native_event: str, data: Mapping[str, Any], tz_name: str = "UTC"):
    """``(kind, canonical dict)`` of a Yeastar envelope (see :func:`parse_envelope`), or None
    for an event that changes no call. PayloadError names the vendor's fields (``msg.call_to``,
    ``msg.members[1].extension.number``...)."""
    mapper = MAPPERS.get(str(native_event))
    if mapper is None:
        return None
    mapped = mapper(_msg(data))
    if mapped is None:
        return None
    kind, canonical, names = mapped
    try:
        payload.parse_event(kind, canonical, tz_name)
    except PayloadError as error:
        raise PayloadError({names.get(name, name): message
                            for name, message in error.fields.items()}) from None
    return kind, canonical


# -----------------------------------------------------------------------------
# Replays
# -----------------------------------------------------------------------------

def call_reference_time(native_event: str, envelope: Mapping[str, Any], tz_name: str = "UTC") -> datetime | None:
    """When the call behind an event last happened, as a naive UTC datetime: a CDR's end
    (time_start + call_duration), else the start encoded in the call id; None when unknown."""
    msg = envelope.get("msg") if isinstance(envelope, Mapping) else None
    if not isinstance(msg, Mapping):
        return None
    if str(native_event) == NEW_CDR and not _blank(msg.get("time_start")):
        try:
            start = dates.parse_calldate(msg["time_start"], tz_name)
        except ValueError:
            return None
        try:
            seconds = payload._seconds(msg.get("call_duration") or 0)
        except ValueError:
            seconds = 0
        return start + timedelta(seconds=seconds)
    call_id = msg.get("call_id")
    match = _CALL_ID_TIME.fullmatch(call_id.strip()) if isinstance(call_id, str) else None
    if match:
        return datetime(1970, 1, 1) + timedelta(seconds=int(match.group(1)))
    return None


def replay_problem(native_event: str, envelope: Mapping[str, Any], tz_name: str,
                   now: datetime) -> dict[str, str] | None:
    """``{field: message}`` when the event belongs to a call older than MAX_AGE (a replay),
    else None. ``now`` is naive UTC."""
    when = call_reference_time(native_event, envelope, tz_name)
    if when is None or now - when <= MAX_AGE:
        return None
    field = "msg.time_start" if str(native_event) == NEW_CDR else "msg.call_id"
    hours = int(MAX_AGE.total_seconds() // 3600)
    return {field: f"the call dates from {when:%Y-%m-%d %H:%M:%S} UTC, more than {hours} h ago: "
                   "a replayed event is not applied"}


# -----------------------------------------------------------------------------
# 30016: the inbound call waiting to be accepted or refused
# -----------------------------------------------------------------------------

def invitation(envelope: Mapping[str, Any]) -> tuple[str, Any]:
    """``(channel_id, caller number)`` of a 30016 invitation's inbound member."""
    for kind, path, info, _status in _members(_msg(envelope)):
        if kind != "inbound":
            continue
        channel = info.get("channel_id")
        if not isinstance(channel, str) or not channel.strip() or len(channel) > 256:
            raise PayloadError({f"{path}.channel_id": "required"})
        return channel.strip(), _number(info.get("from"))
    raise PayloadError({"msg.members": "no inbound member"})


def inbound_control_request(*, base_url: str | None, access_token: str, accept: bool,
                            channel_id: str) -> HttpRequest:
    """``POST call/accept_inbound`` (the PBX routes the call at once) or
    ``call/refuse_inbound`` (the PBX drops it) for the invitation's channel."""
    endpoint = "call/accept_inbound" if accept else "call/refuse_inbound"
    return yeastar_api_request(base_url=base_url, access_token=access_token, endpoint=endpoint,
                               data={"channel_id": channel_id})


def recording_download_request(*, base_url: str | None, access_token: str, filename: str) -> HttpRequest:
    """``GET recording/download?file=…``: answers ``download_resource_url`` (valid 30 min)."""
    return yeastar_api_request(base_url=base_url, access_token=access_token,
                               endpoint="recording/download", query={"file": filename})


def recording_resource(status: int, body: bytes) -> str | Outcome:
    """The ``download_resource_url`` of a recording/download answer: a path on the PBX itself
    (``/api/download/…``), never another host; else the refusal."""
    try:
        answer = json.loads(body.decode("utf-8", "replace"))
    except ValueError:
        answer = None
    resource = answer.get("download_resource_url") if isinstance(answer, dict) else None
    if not (200 <= status < 300 and answer.get("errcode") == 0):
        return yeastar_outcome(status, body)
    if (not isinstance(resource, str) or not _RESOURCE_PATH.fullmatch(resource)
            or any(segment in ("", ".", "..") for segment in resource[1:].split("/"))):
        return Outcome(False, "the PBX answered no usable download_resource_url")
    return resource


def recording_file_request(*, base_url: str | None, access_token: str, resource: str) -> HttpRequest:
    """``GET {base_url}{download_resource_url}?access_token=…``: the recording itself."""
    url = f"{_yeastar_base(base_url)}{resource}?{urlencode({'access_token': access_token}, quote_via=quote, safe='')}"
    return HttpRequest("GET", url, (("User-Agent", YEASTAR_USER_AGENT),))


# -----------------------------------------------------------------------------
# The OpenAPI: access token (get_token, refresh_token) and click-to-dial (call/dial)
# -----------------------------------------------------------------------------

YEASTAR_API = "/openapi/v1.0"


YEASTAR_USER_AGENT = "OpenAPI"


#: A cached Yeastar token is not used in its last minute (the dial must not race its expiry).
TOKEN_MARGIN = 60


@dataclass(frozen=True)
class YeastarToken:
    """A Yeastar access token and refresh token, with their expiry as Unix times."""

    access_token: str
    expires_at: float
    refresh_token: str
    refresh_expires_at: float


def _yeastar_base(base_url: str | None) -> str:
    return check_http_url(base_url or "", "the Yeastar PBX URL").rstrip("/")


def _yeastar_post(url: str, data: dict[str, Any]) -> HttpRequest:
    headers = (("Content-Type", "application/json"), ("User-Agent", YEASTAR_USER_AGENT))
    return HttpRequest("POST", url, headers, json.dumps(data).encode())


def yeastar_token_request(*, base_url: str | None, client_id: str, client_secret: str) -> HttpRequest:
    """``POST /openapi/v1.0/get_token`` with the Client ID and Secret as username/password."""
    if not client_id or not client_secret:
        raise OriginateError("not_configured", "the Yeastar Client ID and Client Secret are required")
    url = f"{_yeastar_base(base_url)}{YEASTAR_API}/get_token"
    return _yeastar_post(url, {"username": client_id, "password": client_secret})


def yeastar_refresh_request(*, base_url: str | None, refresh_token: str) -> HttpRequest:
    """``POST /openapi/v1.0/refresh_token``: a new token pair without sending the secret."""
    url = f"{_yeastar_base(base_url)}{YEASTAR_API}/refresh_token"
    return _yeastar_post(url, {"refresh_token": refresh_token})


def yeastar_token(status: int, body: bytes, now: float) -> YeastarToken | Outcome:
    """The token pair of a get_token/refresh_token answer, or the refusal."""
    answer = json_object(body)
    access = answer.get("access_token")
    if not (200 <= status < 300 and answer.get("errcode") == 0 and isinstance(access, str) and access):
        return _yeastar_refusal(status, body, answer)
    refresh = answer.get("refresh_token")
    return YeastarToken(
        access_token=access,
        expires_at=now + seconds(answer.get("access_token_expire_time"), 1800),
        refresh_token=refresh if isinstance(refresh, str) else "",
        refresh_expires_at=now + seconds(answer.get("refresh_token_expire_time"), 86400),
    )


def yeastar_token_usable(expires_at: float | None, now: float) -> bool:
    """Whether a cached token still has more than TOKEN_MARGIN seconds to live."""
    return bool(expires_at) and expires_at - TOKEN_MARGIN > now


def yeastar_api_request(*, base_url: str | None, access_token: str, endpoint: str,
                        data: dict[str, Any] | None = None,
                        query: Mapping[str, str] | None = None) -> HttpRequest:
    """An OpenAPI call carrying the token as ``?access_token=``: a JSON POST of ``data``, or
    a GET (with ``query``) when there is none; always with ``User-Agent: OpenAPI``."""
    params = {**(query or {}), "access_token": access_token}
    url = f"{_yeastar_base(base_url)}{YEASTAR_API}/{endpoint}?{urlencode(params, safe='', quote_via=quote)}"
    if data is None:
        return HttpRequest("GET", url, (("User-Agent", YEASTAR_USER_AGENT),))
    return _yeastar_post(url, data)


def yeastar_dial_request(*, base_url: str | None, access_token: str, extension: str, number: str) -> HttpRequest:
    """``POST /openapi/v1.0/call/dial?access_token=…``: ring ``caller``, then call ``callee``."""
    return yeastar_api_request(base_url=base_url, access_token=access_token, endpoint="call/dial",
                               data={"caller": extension, "callee": number})


def yeastar_outcome(status: int, body: bytes) -> Outcome:
    """Yeastar accepted the call when it answered ``errcode`` 0."""
    answer = json_object(body)
    if 200 <= status < 300 and answer.get("errcode") == 0:
        return Outcome(True)
    return _yeastar_refusal(status, body, answer)


def yeastar_token_rejected(outcome: Outcome) -> bool:
    """Whether a refused dial blames the access token (expired or revoked): worth one retry."""
    return not outcome.ok and "TOKEN" in outcome.detail.upper()


def _yeastar_refusal(status: int, body: bytes, answer: Mapping[str, Any]) -> Outcome:
    errmsg, errcode = answer.get("errmsg"), answer.get("errcode")
    if isinstance(errmsg, str) and errmsg.strip():
        return Outcome(False, clip(f"{errmsg} (errcode {errcode})"))
    return Outcome(False, f"HTTP {status}{quote_answer(body)}")


# -----------------------------------------------------------------------------
# The extension list: GET extension/list, page by page, with the access token
# -----------------------------------------------------------------------------

#: Small pages: click-to-dial's sender reads at most originate.MAX_ANSWER_BYTES of an answer.
YEASTAR_PAGE_SIZE = 30


#: Yeastar pages read at most (12,000 extensions).
MAX_PAGES = 400


def yeastar_extension_list(*, base_url: str | None, access_token: str, page: int = 1,
                           page_size: int = YEASTAR_PAGE_SIZE) -> HttpRequest:
    base = check_base_url(base_url, "the Yeastar PBX URL")
    query = urlencode({"access_token": access_token, "page": page, "page_size": page_size})
    return HttpRequest(
        "GET", f"{base}{YEASTAR_API}/extension/list?{query}",
        (("User-Agent", YEASTAR_USER_AGENT),),
    )


def parse_yeastar_extension_list(status: int, body: bytes) -> tuple[list[ExtensionEntry], int]:
    """``(extensions of this page, total_number)`` of ``extension/list``."""
    data = json_answer(status, body, "Yeastar extension/list")
    if not 200 <= status < 300 or data.get("errcode") != 0:
        detail = f"{data.get('errmsg') or ''} (errcode {data.get('errcode')})".strip()
        raise PbxApiError(f"Yeastar extension/list: HTTP {status}, {excerpt(detail, MAX_QUOTED)}")
    rows = data.get("data", [])
    total = data.get("total_number", len(rows) if isinstance(rows, list) else 0)
    if not isinstance(rows, list) or isinstance(total, bool) or not isinstance(total, int):
        raise PbxApiError("Yeastar extension/list: 'data' or 'total_number' malformed")
    entries = []
    for row in rows:
        if not isinstance(row, dict):
            raise PbxApiError("Yeastar extension/list: a row is not an object")
        entries.append(entry(row.get("number"), row.get("email_addr")))
    return entries, total


# -----------------------------------------------------------------------------
# Company contacts: CRM records pushed one way into the PBX's company contacts
# -----------------------------------------------------------------------------
# help.yeastar.com, P-Series Appliance/Software/Cloud Edition developer guide:
# - "Add a Company Contact": POST company_contact/create {first_name (required), last_name,
#   company, email, phonebook_id_list: [int], number_list (required): [{num_type, number}]}
#   -> {errcode, errmsg, id};
# - "Edit a Company Contact": POST company_contact/update {id, ...the same fields, optional};
# - "Query Phonebook List": GET phonebook/list?page&page_size -> {total_number, data: [{id,
#   name, total, member_select}]};
# - "Error Code and Error Message": 60001 DATA NOT FOUND (the contact was deleted on the PBX).

#: errcode of an update whose contact no longer exists on the PBX.
DATA_NOT_FOUND = 60001
#: Longest text sent in a contact field (the PBX refuses what it cannot store).
CONTACT_TEXT_MAX = 127
#: Odoo's numbers -> Yeastar's num_type.
NUMBER_TYPES = (("phone", "business_number"), ("mobile", "mobile_number"))
_PHONEBOOK_ID = re.compile(r"[0-9]{1,9}", re.ASCII)


@dataclass(frozen=True)
class CompanyContact:
    """What Odoo pushes of a record: its name, company, e-mail and dialable numbers by kind."""

    name: str
    company: str = ""
    email: str = ""
    phone: str | None = None
    mobile: str | None = None


def contact_body(contact: CompanyContact, phonebook_id: int | None = None) -> dict[str, Any]:
    """The JSON body of company_contact/create (and, with ``id``, /update). The whole name is
    the first name (the only required one: names are not split by guess); ``phonebook_id``
    adds ``phonebook_id_list``. ValueError without a name or a number."""
    name = contact.name.strip()[:CONTACT_TEXT_MAX]
    numbers = [{"num_type": num_type, "number": getattr(contact, field)}
               for field, num_type in NUMBER_TYPES if getattr(contact, field)]
    if not name or not numbers:
        raise ValueError("a company contact needs a name and a number")
    body: dict[str, Any] = {
        "first_name": name,
        "company": contact.company.strip()[:CONTACT_TEXT_MAX],
        "email": contact.email.strip()[:CONTACT_TEXT_MAX],
        "number_list": numbers,
    }
    if phonebook_id:
        body["phonebook_id_list"] = [phonebook_id]
    return body


def contact_create_request(*, base_url: str | None, access_token: str,
                           body: dict[str, Any]) -> HttpRequest:
    """``POST company_contact/create``."""
    return yeastar_api_request(base_url=base_url, access_token=access_token,
                               endpoint="company_contact/create", data=body)


def contact_update_request(*, base_url: str | None, access_token: str, contact_id: int,
                           body: dict[str, Any]) -> HttpRequest:
    """``POST company_contact/update`` of the contact ``contact_id``."""
    return yeastar_api_request(base_url=base_url, access_token=access_token,
                               endpoint="company_contact/update", data={"id": contact_id, **body})


def contact_created(status: int, body: bytes) -> int | Outcome:
    """The new contact's id of a company_contact/create answer, or the refusal."""
    answer = json_object(body)
    contact_id = answer.get("id")
    if not (200 <= status < 300 and answer.get("errcode") == 0):
        return _yeastar_refusal(status, body, answer)
    if isinstance(contact_id, bool) or not isinstance(contact_id, int) or contact_id <= 0:
        return Outcome(False, "the PBX answered no contact id")
    return contact_id


def contact_gone(status: int, body: bytes) -> bool:
    """Whether an update was refused because the contact no longer exists on the PBX."""
    return 200 <= status < 300 and json_object(body).get("errcode") == DATA_NOT_FOUND


def phonebook_reference(value: str | None) -> int | str | None:
    """The phonebook chosen on the connection: its id (digits), its name, or None (blank)."""
    text = (value or "").strip()
    if not text:
        return None
    return int(text) if _PHONEBOOK_ID.fullmatch(text) and int(text) > 0 else text


def phonebook_list_request(*, base_url: str | None, access_token: str, page: int = 1,
                           page_size: int = YEASTAR_PAGE_SIZE) -> HttpRequest:
    """``GET phonebook/list`` page by page."""
    return yeastar_api_request(base_url=base_url, access_token=access_token,
                               endpoint="phonebook/list",
                               query={"page": str(page), "page_size": str(page_size)})


def parse_phonebook_list(status: int, body: bytes) -> tuple[dict[int, str], int]:
    """``({id: name} of this page, total_number)`` of ``phonebook/list``; PbxApiError."""
    data = json_answer(status, body, "Yeastar phonebook/list")
    if not 200 <= status < 300 or data.get("errcode") != 0:
        detail = f"{data.get('errmsg') or ''} (errcode {data.get('errcode')})".strip()
        raise PbxApiError(f"Yeastar phonebook/list: HTTP {status}, {excerpt(detail, MAX_QUOTED)}")
    rows, total = data.get("data", []), data.get("total_number", 0)
    if not isinstance(rows, list) or isinstance(total, bool) or not isinstance(total, int):
        raise PbxApiError("Yeastar phonebook/list: 'data' or 'total_number' malformed")
    books = {}
    for row in rows:
        if not isinstance(row, dict):
            raise PbxApiError("Yeastar phonebook/list: a row is not an object")
        book_id, name = row.get("id"), row.get("name")
        if isinstance(book_id, int) and not isinstance(book_id, bool) and isinstance(name, str):
            books[book_id] = name
    return books, total


def find_phonebook(books: Mapping[int, str], name: str) -> int | None:
    """The id of the phonebook called ``name`` (case and surrounding spaces ignored)."""
    wanted = name.strip().casefold()
    return next((book_id for book_id, book in books.items() if book.strip().casefold() == wanted), None)
