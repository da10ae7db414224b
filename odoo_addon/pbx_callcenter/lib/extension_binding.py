"""The extension binding screen's contract: RPC result builders, input parsers, auto-bind.

Pure Python (no odoo import), tested in tests/python; the model
``pbx.extension.binding`` feeds it records and writes what it returns. The
shapes are those of ``web/src/schemas/extension_binding.ts``, whose generated
JSON Schemas (``contracts/binding_*.schema.json``) give the key lists below.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from . import contracts
from .text import has_control_chars

USER_KINDS: tuple[str, ...] = tuple(contracts.tables()["user_kinds"])
CONNECTION_KEYS = contracts.object_keys("binding_data", "connections", "[]")
USER_KEYS = contracts.object_keys("binding_data", "users", "[]")
EXTENSION_KEYS = contracts.object_keys("binding_data", "extensions", "*", "[]")
PAIR_KEYS = contracts.object_keys("binding_auto_bind", "pairs", "[]")
MAX_EXTENSION_LENGTH = 32
MAX_ENTRIES = 1000
_EMAIL = re.compile(r"[^@\s<>]+@[^@\s<>]+")
_ENTRY_SEPARATORS = re.compile(r"[,;\t]")


class BindingInputError(ValueError):
    """Input of save_bindings / add_extensions that cannot be applied; ``str()`` says why."""


# -----------------------------------------------------------------------------
# Builders (RPC results)
# -----------------------------------------------------------------------------

def _exact(what: str, data: Mapping[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    missing = [key for key in keys if key not in data]
    unknown = sorted(set(data) - set(keys))
    if missing or unknown:
        raise TypeError(f"{what}: missing keys {missing}, unknown keys {unknown}")
    return {key: data[key] for key in keys}


def connection_row(**values: Any) -> dict[str, Any]:
    return _exact("connection", values, CONNECTION_KEYS)


def extension_row(**values: Any) -> dict[str, Any]:
    row = _exact("extension", values, EXTENSION_KEYS)
    row["email"] = row["email"] or None
    row["user_id"] = row["user_id"] or None
    return row


def user_row(**values: Any) -> dict[str, Any]:
    row = _exact("user", values, USER_KEYS)
    if row["kind"] not in USER_KINDS:
        raise ValueError(f"unknown user kind {row['kind']!r}")
    row["email"] = row["email"] or None
    # JSON object keys are strings: connection id -> extension id
    row["bindings"] = {str(conn): ext for conn, ext in sorted(row["bindings"].items())}
    return row


def binding_data(
    connections: list[dict[str, Any]],
    users: list[dict[str, Any]],
    extensions: Mapping[int, list[dict[str, Any]]],
) -> dict[str, Any]:
    """``get_binding_data()``: every connection has an (possibly empty) extension list."""
    by_connection = {str(conn["id"]): list(extensions.get(conn["id"], [])) for conn in connections}
    return {"connections": connections, "users": users, "extensions": by_connection}


def user_kind(*, share: bool, public: bool) -> str:
    if public:
        return "public"
    return "portal" if share else "internal"


# -----------------------------------------------------------------------------
# E-mail addresses
# -----------------------------------------------------------------------------

def email_key(value: str | None) -> str | None:
    """Case-insensitive comparison key of an address (``"Ann <A@x.com>"`` -> ``a@x.com``)."""
    if not value or not isinstance(value, str):
        return None
    match = _EMAIL.search(value.strip())
    return match.group(0).lower() if match else None


# -----------------------------------------------------------------------------
# Auto-bind
# -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Candidate:
    """A user or an extension as auto-bind sees it."""

    id: int
    name: str
    email: str | None


def auto_bind_pairs(
    users: Iterable[Candidate], extensions: Iterable[Candidate]
) -> tuple[list[dict[str, Any]], list[str]]:
    """Pair users and extensions sharing an e-mail address (case-insensitive).

    The caller passes only *free* users (no extension on the connection yet) and *unbound*
    extensions. An address held by two users, or by two extensions, is ambiguous: it is
    not paired and returned in the second list (sorted). Pairs are sorted by extension name.
    """
    users_by_email: dict[str, list[Candidate]] = {}
    for user in users:
        key = email_key(user.email)
        if key:
            users_by_email.setdefault(key, []).append(user)
    extensions_by_email: dict[str, list[Candidate]] = {}
    for extension in extensions:
        key = email_key(extension.email)
        if key:
            extensions_by_email.setdefault(key, []).append(extension)
    pairs, ambiguous = [], []
    for key in sorted(set(users_by_email) & set(extensions_by_email)):
        matched_users, matched_extensions = users_by_email[key], extensions_by_email[key]
        if len(matched_users) > 1 or len(matched_extensions) > 1:
            ambiguous.append(key)
            continue
        user, extension = matched_users[0], matched_extensions[0]
        pairs.append(_exact("pair", {
            "user_id": user.id, "user_name": user.name,
            "extension_id": extension.id, "extension_name": extension.name, "email": key,
        }, PAIR_KEYS))
    pairs.sort(key=lambda pair: (pair["extension_name"], pair["extension_id"]))
    return pairs, ambiguous


# -----------------------------------------------------------------------------
# save_bindings input
# -----------------------------------------------------------------------------

_UNSET = object()


@dataclass(frozen=True)
class BindingChange:
    """Bind ``extension_id`` to ``user_id`` (None: unbind).

    ``previous_user_id`` is the user the screen showed (None: free); ``UNCHECKED`` when the
    caller did not say, in which case an extension bound to someone else is refused.
    """

    extension_id: int
    user_id: int | None
    previous_user_id: int | None | object = _UNSET


UNCHECKED = _UNSET


def _record_id(value: Any, what: str, nullable: bool) -> int | None:
    if nullable and (value is None or value is False):
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise BindingInputError(f"{what} must be a positive integer id, got {value!r}")
    return value


def parse_changes(changes: Any) -> list[BindingChange]:
    """Validate the ``changes`` of ``save_bindings``: a list of
    ``{"extension_id": int, "user_id": int | null, "previous_user_id"?: int | null}``,
    each extension at most once."""
    if not isinstance(changes, list):
        raise BindingInputError("changes must be a list")
    if len(changes) > MAX_ENTRIES:
        raise BindingInputError(f"at most {MAX_ENTRIES} changes at once")
    parsed, seen = [], set()
    for index, change in enumerate(changes):
        if not isinstance(change, dict):
            raise BindingInputError(f"change #{index + 1} must be an object")
        unknown = sorted(set(change) - {"extension_id", "user_id", "previous_user_id"})
        if unknown:
            raise BindingInputError(f"change #{index + 1}: unknown keys {unknown}")
        if "extension_id" not in change or "user_id" not in change:
            raise BindingInputError(f"change #{index + 1} needs extension_id and user_id")
        extension_id = _record_id(change["extension_id"], "extension_id", nullable=False)
        if extension_id in seen:
            raise BindingInputError(
                f"extension id {extension_id} appears twice: an extension is bound to one user"
            )
        seen.add(extension_id)
        previous = (
            _record_id(change["previous_user_id"], "previous_user_id", nullable=True)
            if "previous_user_id" in change else UNCHECKED
        )
        parsed.append(BindingChange(
            extension_id=extension_id,
            user_id=_record_id(change["user_id"], "user_id", nullable=True),
            previous_user_id=previous,
        ))
    return parsed


# -----------------------------------------------------------------------------
# Extension numbers (manual entry, CSV paste, PBX imports)
# -----------------------------------------------------------------------------

@dataclass(frozen=True)
class ExtensionEntry:
    number: str
    email: str | None = None


def check_extension_number(value: Any) -> str:
    """An extension number as stored: stripped, 1-32 characters, no whitespace or control."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise BindingInputError(f"an extension number must be text, got {value!r}")
    number = value.strip()
    if not number:
        raise BindingInputError("an extension number cannot be empty")
    if len(number) > MAX_EXTENSION_LENGTH:
        raise BindingInputError(f"extension {number[:40]!r} is longer than {MAX_EXTENSION_LENGTH}")
    if any(ch.isspace() for ch in number) or has_control_chars(number):
        raise BindingInputError(f"extension {number!r} contains spaces or control characters")
    return number


def _entry_email(value: Any, number: str) -> str | None:
    if value is None or value is False or value == "":
        return None
    key = email_key(value) if isinstance(value, str) else None
    if not key:
        raise BindingInputError(f"extension {number}: {value!r} is not an e-mail address")
    return key


def parse_entries(entries: Any) -> list[ExtensionEntry]:
    """Validate the ``numbers`` of ``add_extensions``: strings (``"101"``, or a pasted CSV
    line ``"101,ann@example.com"``) and/or ``{"number", "email"?}`` objects. Duplicates in
    the input are refused; blank strings are skipped."""
    if not isinstance(entries, list):
        raise BindingInputError("numbers must be a list")
    if len(entries) > MAX_ENTRIES:
        raise BindingInputError(f"at most {MAX_ENTRIES} extensions at once")
    parsed, seen = [], set()
    for entry in entries:
        if isinstance(entry, str):
            if not entry.strip():
                continue
            cells = [cell.strip() for cell in _ENTRY_SEPARATORS.split(entry)]
            if len(cells) > 2:
                raise BindingInputError(f"{entry!r}: expected 'number' or 'number,email'")
            number = check_extension_number(cells[0])
            email = _entry_email(cells[1] if len(cells) == 2 else None, number)
        elif isinstance(entry, dict):
            unknown = sorted(set(entry) - {"number", "email"})
            if unknown:
                raise BindingInputError(f"unknown keys {unknown} in {entry!r}")
            number = check_extension_number(entry.get("number"))
            email = _entry_email(entry.get("email"), number)
        else:
            number = check_extension_number(entry)
            email = None
        if number in seen:
            raise BindingInputError(f"extension {number} is listed twice")
        seen.add(number)
        parsed.append(ExtensionEntry(number=number, email=email))
    return parsed
