"""3CX server-side CRM integration: the call journal and the contact answer.

3CX (v18 and v20) talks to a CRM through an XML template uploaded on the PBX
(``pbx_callcenter_3cx.xml`` beside this file, read by :mod:`.template`). Four of its scenarios
call this module's routes:

- the contact lookup (``Scenario Id=""``) reads :func:`lookup_answer`;
- ``SearchContacts`` (the V20 web client's contact search) sends :func:`read_query`'s text and
  reads :func:`search_answer`;
- ``CreateContactRecord`` / ``CreateContactRecordFromClient`` post :data:`CONTACT_FIELDS`;
- ``ReportCall`` posts :data:`JOURNAL_FIELDS` once a call has ended, mapped here onto a
  canonical ``call_out`` by :func:`to_canonical`.

3CX gives a CRM no call identifier in ``ReportCall``, so :func:`callid_for` derives one from what
identifies a call anyway (agent, number, start second, call type): 3CX retrying the same report
is idempotent, and two calls of one agent with one number starting in the same second are one.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from ...lib import dates, payload, phone, recording
from ...lib.text import has_control_chars

SOURCE = "threecx"
JOURNAL_EVENT = "ReportCall"

LOOKUP_PATH = "/api/callcenter/3cx/lookup"
CONTACT_PATH = "/api/callcenter/3cx/contact"
JOURNAL_PATH = "/api/callcenter/3cx/journal"
SEARCH_PATH = "/api/callcenter/3cx/search"
#: Query parameter of the lookup route.
LOOKUP_NUMBER = "number"
#: Query parameter of the search route, its length bounds and the most contacts it answers.
SEARCH_QUERY = "query"
MIN_QUERY, MAX_QUERY = 2, 100
SEARCH_LIMIT = 20

#: Keys of the ReportCall body, named after the 3CX variables the template puts in them.
JOURNAL_FIELDS = (
    "CallType", "Number", "Agent", "AgentEmail", "QueueExtension", "Duration",
    "DurationSeconds", "CallStartTimeUTC", "CallStartTimeLocal", "RecordingUrl",
)
#: Keys of the create-contact body.
CONTACT_FIELDS = ("number", "first_name", "last_name", "name", "email", "company")
#: Keys of one contact in a lookup answer (the template's Variables read ``contacts.<key>``).
CONTACT_KEYS = (
    "id", "entity_type", "first_name", "last_name", "company", "email",
    "phone_business", "phone_mobile", "url",
)
ANSWER_KEYS = ("ok", "number", "found", "blocked", "created", "contacts")
SEARCH_ANSWER_KEYS = ("ok", "query", "found", "contacts")
ENTITY_TYPES = {"res.partner": "Contacts", "crm.lead": "Leads"}
ENTITY_PREFIXES = {"res.partner": "partner", "crm.lead": "lead"}

#: 3CX ``[CallType]`` -> (direction, canonical status). Inbound and Outbound are answered calls;
#: Notanswered is an outbound call nobody picked up.
CALL_TYPES: dict[str, tuple[str, str]] = {
    "inbound": ("in", "ANSWERED"),
    "missed": ("in", "MISSED"),
    "outbound": ("out", "ANSWERED"),
    "notanswered": ("out", "NO ANSWER"),
}
CALL_TYPE_MESSAGE = "must be one of Inbound, Missed, Outbound, Notanswered"

MAX_TEXT = 256
MAX_NAME = 128
MAX_EMAIL = 254
CALLID_PREFIX = "3cx-"

# A variable 3CX could not resolve may reach us as its own text ("[AgentEmail]"): absent.
_UNRESOLVED = re.compile(r"\[[^\n]*\]")
_SEPARATORS = re.compile(r"[\s_-]+")
# .NET TimeSpan ("c" format): [d.]hh:mm:ss[.fffffff]; 3CX's [Duration] is hh:mm:ss.
_TIMESPAN = re.compile(
    r"(?:(?P<days>\d{1,2})\.)?(?P<hours>\d{1,3}):(?P<minutes>\d{1,2}):(?P<seconds>\d{1,2})"
    r"(?:[.,]\d{1,7})?",
    re.ASCII,
)
_MINUTES_SECONDS = re.compile(r"(?P<minutes>\d{1,4}):(?P<seconds>\d{2})", re.ASCII)
_SECONDS = re.compile(r"\d{1,9}(?:\.0+)?", re.ASCII)
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+", re.ASCII)
_SPACES = re.compile(r"\s+")
# What a person types for a number: digits, an optional leading +, and separators.
_NUMBER_QUERY = re.compile(r"\+?[0-9(][0-9 ().\-/]*", re.ASCII)


# ---- values as 3CX sends them ------------------------------------------------------------

def present(value: Any) -> Any:
    """``value``, or None when absent: missing, null, blank, or an unresolved ``[Variable]``."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        if not text or _UNRESOLVED.fullmatch(text):
            return None
        return text
    return value


def _string(value: Any, max_length: int = MAX_TEXT) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValueError("must be a string")
    text = str(value).strip()
    if len(text) > max_length:
        raise ValueError(f"too long (max {max_length})")
    return text


def parse_duration(value: Any) -> int:
    """Whole seconds of a 3CX duration: ``hh:mm:ss`` (``[Duration]``), a .NET TimeSpan
    (``[d.]hh:mm:ss[.fffffff]``), ``mm:ss`` or a number of seconds. Fractions are dropped."""
    if isinstance(value, float):
        value = payload._seconds(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return payload._seconds(value)
    text = _string(value, 32)
    if _SECONDS.fullmatch(text):
        return payload._seconds(text.split(".", 1)[0])
    match = _TIMESPAN.fullmatch(text) or _MINUTES_SECONDS.fullmatch(text)
    if not match:
        raise ValueError("must be seconds or hh:mm:ss")
    parts = match.groupdict()
    minutes, seconds = int(parts["minutes"]), int(parts["seconds"])
    hours = int(parts.get("hours") or 0)
    if seconds > 59 or (("hours" in parts) and minutes > 59):
        raise ValueError("not a valid duration")
    if parts.get("days") is not None and hours > 23:
        raise ValueError("not a valid duration")
    total = ((int(parts.get("days") or 0) * 24 + hours) * 60 + minutes) * 60 + seconds
    return payload._seconds(total)


def parse_call_type(value: Any) -> str:
    """The canonical key of a 3CX ``[CallType]`` (case, spaces, '_' and '-' ignored)."""
    if not isinstance(value, str):
        raise ValueError(CALL_TYPE_MESSAGE)
    key = _SEPARATORS.sub("", value).lower()
    if key not in CALL_TYPES:
        raise ValueError(CALL_TYPE_MESSAGE)
    return key


def _start_time(data: Mapping[str, Any], tz_name: str, errors: dict[str, str]) -> datetime | None:
    """The call's start in naive UTC: the first readable of CallStartTimeUTC (a naive value is
    UTC) and CallStartTimeLocal (a naive value is in the connection's timezone)."""
    problems = {}
    for key, zone in (("CallStartTimeUTC", "UTC"), ("CallStartTimeLocal", tz_name)):
        value = present(data.get(key))
        if value is None:
            continue
        try:
            return dates.parse_calldate(value, zone)
        except ValueError as error:
            problems[key] = str(error)
    errors.update(problems or {"CallStartTimeUTC": "required (or CallStartTimeLocal)"})
    return None


def _duration(data: Mapping[str, Any], errors: dict[str, str]) -> int:
    """Seconds of the call: the first readable of DurationSeconds and Duration; 0 without one."""
    problems = {}
    for key in ("DurationSeconds", "Duration"):
        value = present(data.get(key))
        if value is None:
            continue
        try:
            return parse_duration(value)
        except ValueError as error:
            problems[key] = str(error)
    errors.update(problems)
    return 0


def _significant_digits(number: str) -> str:
    digits = "".join(ch for ch in number if "0" <= ch <= "9")
    return digits[2:] if digits.startswith("00") else digits


def callid_for(agent: str, number: str, start: datetime, call_type: str) -> str:
    """A deterministic call id for a ReportCall (3CX sends none): the same report gives the same
    id however often 3CX retries it. ``start`` is naive UTC, taken to the second."""
    identity = "|".join((
        agent.strip(), _significant_digits(number), start.strftime("%Y-%m-%dT%H:%M:%S"), call_type,
    ))
    return CALLID_PREFIX + hashlib.sha256(identity.encode("utf-8")).hexdigest()[:40]


def _recording_url(value: Any) -> str | None:
    """An http(s) recording URL, or None: the URL is optional and depends on the 3CX version,
    so one we cannot use is left out rather than failing the call's journal."""
    value = present(value)
    if not isinstance(value, str):
        return None
    try:
        url, _filename = recording.recording_location(value, None)
    except ValueError:
        return None
    return url


# ---- ReportCall -> canonical call_out ----------------------------------------------------------

def to_canonical(
    native_event: str, data: Mapping[str, Any], tz_name: str,
) -> tuple[str, dict[str, Any]] | None:
    """Map a 3CX ``ReportCall`` body onto a canonical ``call_out`` (see module docstring).

    The agent's extension is ``Agent`` (``QueueExtension`` when no agent took the call). Raises
    payload.PayloadError naming the 3CX fields; other events change no call (None).
    """
    if native_event != JOURNAL_EVENT:
        return None
    if not isinstance(data, Mapping):
        raise payload.PayloadError({"_body": "must be a JSON object"})
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}

    def read(key: str, reader: Any, required: bool = True) -> None:
        value = present(data.get(key))
        if value is None:
            if required:
                errors[key] = "required"
            return
        try:
            values[key] = reader(value)
        except ValueError as error:
            errors[key] = str(error)

    read("CallType", parse_call_type)
    read("Number", payload._phone)
    agent_key = "Agent" if present(data.get("Agent")) is not None else "QueueExtension"
    if present(data.get(agent_key)) is None:
        errors["Agent"] = "required"
    else:
        read(agent_key, payload._extension)
    seconds = _duration(data, errors)
    start = _start_time(data, tz_name, errors)
    if errors:
        raise payload.PayloadError(errors)

    call_type = values["CallType"]
    direction, status = CALL_TYPES[call_type]
    agent = values[agent_key]
    canonical = {
        "phone": values["Number"],
        "extension": agent,
        "callid": callid_for(agent, values["Number"], start, call_type),
        "calldate": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "duration": seconds,
        "billsec": seconds if status == "ANSWERED" else 0,
        "status": status,
        "direction": direction,
    }
    recording_url = _recording_url(data.get("RecordingUrl"))
    if recording_url:
        canonical["recordingfile"] = recording_url
    return "call_out", canonical


# ---- lookup and create-contact bodies ---------------------------------------------------------

def read_number(value: Any, field: str = LOOKUP_NUMBER) -> str:
    """The number 3CX asks about (``[Number]``), stripped; PayloadError naming ``field``."""
    value = present(value)
    if value is None:
        raise payload.PayloadError({field: "required"})
    try:
        return payload._phone(value)
    except ValueError as error:
        raise payload.PayloadError({field: str(error)}) from None


def clean_text(value: Any, max_length: int = MAX_NAME) -> str:
    """One line of text for a name: NFC, control and format characters to spaces, runs of
    spaces collapsed, cut at ``max_length``."""
    if not value:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    text = "".join(" " if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp") else ch
                   for ch in text)
    return _SPACES.sub(" ", text).strip()[:max_length].rstrip()


def parse_contact(data: Any) -> dict[str, str]:
    """Validated create-contact values (number required, the rest optional, '' when absent);
    PayloadError names each bad field."""
    if not isinstance(data, Mapping):
        raise payload.PayloadError({"_body": "must be a JSON object"})
    errors: dict[str, str] = {}
    values = {key: "" for key in CONTACT_FIELDS}
    try:
        values["number"] = read_number(data.get("number"))
    except payload.PayloadError as error:
        errors.update(error.fields)
    for key in ("first_name", "last_name", "name", "company"):
        value = present(data.get(key))
        if value is None:
            continue
        try:
            values[key] = clean_text(_string(value, 4 * MAX_NAME))
        except ValueError as error:
            errors[key] = str(error)
    email = present(data.get("email"))
    if email is not None:
        try:
            email = _string(email, MAX_EMAIL)
            if not _EMAIL.fullmatch(email) or any(unicodedata.category(ch) == "Cc" for ch in email):
                raise ValueError("not an e-mail address")
            values["email"] = email
        except ValueError as error:
            errors["email"] = str(error)
    if errors:
        raise payload.PayloadError(errors)
    return values


def contact_display_name(values: Mapping[str, str]) -> str:
    """The name of a contact to create: ``name``, else first and last name, else ''."""
    return values.get("name") or " ".join(
        part for part in (values.get("first_name"), values.get("last_name")) if part)


# ---- the lookup answer -------------------------------------------------------------------------

def split_name(name: str | None) -> tuple[str, str]:
    """(first name, last name) of a full name: its first word, then the rest."""
    words = clean_text(name).split(" ", 1)
    return words[0], words[1] if len(words) > 1 else ""


def contact_names(
    model: str,
    name: str | None,
    *,
    is_company: bool = False,
    parent_name: str | None = None,
    contact_name: str | None = None,
    partner_name: str | None = None,
) -> tuple[str, str, str]:
    """(FirstName, LastName, CompanyName) 3CX shows for a contact or lead.

    A company is its CompanyName only; a person is split into first and last name, with their
    company's name. A lead shows its contact's name, else its company, else its title.
    """
    if model == "crm.lead":
        company = clean_text(partner_name)
        if clean_text(contact_name):
            return (*split_name(contact_name), company)
        if company:
            return "", "", company
        return clean_text(name), "", ""
    if is_company:
        return "", "", clean_text(name)
    return (*split_name(name), clean_text(parent_name))


def contact(
    *,
    model: str,
    record_id: int,
    first_name: str,
    last_name: str,
    company: str,
    email: str | None,
    phone_business: str | None,
    phone_mobile: str | None,
    url: str | None,
) -> dict[str, str]:
    """One contact of a lookup answer: every value a string ('' when unknown), so a 3CX
    Variable never reads ``null``."""
    if model not in ENTITY_TYPES:
        raise ValueError(f"unsupported model {model!r}")
    return {
        "id": f"{ENTITY_PREFIXES[model]}-{int(record_id)}",
        "entity_type": ENTITY_TYPES[model],
        "first_name": clean_text(first_name),
        "last_name": clean_text(last_name),
        "company": clean_text(company),
        "email": clean_text(email, MAX_EMAIL),
        "phone_business": clean_text(phone_business, 64),
        "phone_mobile": clean_text(phone_mobile, 64),
        "url": url or "",
    }


def lookup_answer(
    number: str, contacts: list[dict[str, str]], blocked: bool, created: bool = False,
) -> dict[str, Any]:
    """The body the template's contact scenarios read. ``contacts`` is empty for an unknown or
    blacklisted number: the template's Rule on ``contacts.id`` then finds nothing."""
    for item in contacts:
        if tuple(item) != CONTACT_KEYS:
            raise ValueError(f"contact keys must be {CONTACT_KEYS}")
    return {
        "ok": True,
        "number": number,
        "found": bool(contacts),
        "blocked": bool(blocked),
        "created": bool(created),
        "contacts": list(contacts),
    }


# ---- the contact search -----------------------------------------------------------------------

def read_query(value: Any, field: str = SEARCH_QUERY) -> str:
    """The text 3CX searches for (``[SearchText]``): NFC, runs of spaces collapsed,
    MIN_QUERY..MAX_QUERY characters, no control character; PayloadError naming ``field``."""
    value = present(value)
    if value is None:
        raise payload.PayloadError({field: "required"})
    if not isinstance(value, str):
        raise payload.PayloadError({field: "must be a string"})
    if has_control_chars(value):
        raise payload.PayloadError({field: "must not contain control characters"})
    text = _SPACES.sub(" ", unicodedata.normalize("NFC", value)).strip()
    if len(text) < MIN_QUERY:
        raise payload.PayloadError({field: f"too short (min {MIN_QUERY})"})
    if len(text) > MAX_QUERY:
        raise payload.PayloadError({field: f"too long (max {MAX_QUERY})"})
    return text


def is_number_query(text: str) -> bool:
    """Whether ``text`` is a number to find on phone fields (digits, an optional ``+`` and
    separators, at least lib.phone.MIN_DIGITS digits) rather than a name or an e-mail."""
    return bool(_NUMBER_QUERY.fullmatch(text)) and sum(ch.isdigit() for ch in text) >= phone.MIN_DIGITS


def number_keys(text: str, country: str | None, tail_digits: int) -> tuple[str | None, tuple[str, ...]]:
    """``(exact key, key prefixes)`` of the phone keys a number query finds (lib.phone keys are
    reversed digits): the whole number in any format, as the caller lookup matches it, and
    every number ending with the digits typed."""
    exact, tail = phone.lookup_keys(text, country, tail_digits)
    digits = "".join(ch for ch in text if ch.isdigit())
    digits = digits[2:] if digits.startswith("00") else digits
    typed = digits[::-1] if phone.MIN_DIGITS <= len(digits) <= phone.MAX_KEY_DIGITS else None
    return exact, tuple(dict.fromkeys(key for key in (tail, typed) if key))


def search_answer(query: str, contacts: list[dict[str, str]]) -> dict[str, Any]:
    """The body the ``SearchContacts`` scenario reads: the contacts found (those of
    :func:`contact`, at most SEARCH_LIMIT), empty when none matches."""
    if len(contacts) > SEARCH_LIMIT:
        raise ValueError(f"at most {SEARCH_LIMIT} contacts")
    for item in contacts:
        if tuple(item) != CONTACT_KEYS:
            raise ValueError(f"contact keys must be {CONTACT_KEYS}")
    return {"ok": True, "query": query, "found": bool(contacts), "contacts": list(contacts)}
