"""Phone number normalisation and the index key used for caller lookup.

A number is stored on partners and leads as an *index key*: its digits,
reversed, so that "ends with the last N digits" becomes a prefix match
(``key LIKE '<reversed tail>%'``) that a b-tree index can serve.

Matching, as done by the Odoo side with :func:`lookup_keys`::

    stored_key = exact_key  OR  stored_key LIKE tail_prefix || '%'
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import phonenumbers

#: A number with fewer digits than this gets no key (and never matches).
MIN_DIGITS = 3
#: Longer digit runs are garbage, not numbers; they get no key (keeps index rows small).
MAX_KEY_DIGITS = 32
#: phonenumbers refuses longer input anyway; skip it early.
_MAX_PARSE_LENGTH = 250

_LEADING_PREFIX = re.compile(r"^\D*(?:00)?")
_INTERNATIONAL_PREFIX = re.compile(r"^\D*00")


@dataclass(frozen=True)
class PhoneNumber:
    """A number as received, with its digits, E.164 form and index key."""

    raw: str
    digits: str
    e164: str | None
    key: str | None


def _clean(text: str) -> str:
    """Unicode decimal digits (Arabic-Indic, full-width...) to ASCII; control characters to spaces."""
    return "".join(
        str(unicodedata.decimal(ch)) if not ch.isascii() and ch.isdecimal()
        else " " if unicodedata.category(ch) == "Cc"
        else ch
        for ch in text
    )


def _parse(text: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None


def _best_e164(text: str, region: str | None) -> str | None:
    """E.164 of ``text``, or None.

    A number written internationally (``+…`` or ``00…``) only has to be *possible*: its
    country is explicit, and Debian's phonenumbers metadata may predate new number ranges.
    A number read through ``region``, or digits guessed as international
    (``84989464344`` → ``+84989464344``), must be *valid*: otherwise ``0989464344`` read
    as US would become the bogus ``+10989464344``.
    """
    if len(text) > _MAX_PARSE_LENGTH:
        return None
    stripped = text.lstrip()
    explicit = stripped.startswith("+") or _INTERNATIONAL_PREFIX.match(stripped) is not None
    region_reading = _parse(text, region)
    if region_reading is not None and (
        phonenumbers.is_valid_number(region_reading)
        or (explicit and phonenumbers.is_possible_number(region_reading))
    ):
        return phonenumbers.format_number(region_reading, phonenumbers.PhoneNumberFormat.E164)
    if not stripped.startswith("+"):
        guess = _parse("+" + _LEADING_PREFIX.sub("", text), None)
        if guess is not None and (
            phonenumbers.is_valid_number(guess)
            or (explicit and phonenumbers.is_possible_number(guess))
        ):
            return phonenumbers.format_number(guess, phonenumbers.PhoneNumberFormat.E164)
    return None


def _strip_international_prefix(digits: str) -> str:
    return digits[2:] if digits.startswith("00") else digits


def _key_of(significant: str) -> str | None:
    if not MIN_DIGITS <= len(significant) <= MAX_KEY_DIGITS:
        return None
    return significant[::-1]


def _significant_digits(e164: str | None, digits: str) -> str:
    """Digits that identify the number: E.164 without '+', else raw digits minus ``00``."""
    return e164[1:] if e164 else _strip_international_prefix(digits)


def normalize(raw: str, country: str | None = None) -> PhoneNumber:
    """Read ``raw`` as a phone number; ``country`` (ISO alpha-2) reads national numbers.

    Never raises on bad input: a number phonenumbers cannot read gets
    ``e164=None`` and a key built from its raw digits.
    """
    if not isinstance(raw, str):
        raise TypeError(f"raw must be a str, not {type(raw).__name__}")
    text = _clean(raw)
    digits = "".join(ch for ch in text if "0" <= ch <= "9")
    region = country.strip().upper() if country else None
    e164 = _best_e164(text, region) if len(digits) >= MIN_DIGITS else None
    key = _key_of(_significant_digits(e164, digits))
    return PhoneNumber(raw=raw, digits=digits, e164=e164, key=key)


def index_key(raw: str | None, country: str | None = None) -> str | None:
    """Index key to store for a phone field value (None for empty/False/None)."""
    if not raw:
        return None
    return normalize(raw, country).key


def lookup_keys(raw: str, country: str | None, tail_digits: int) -> tuple[str | None, str | None]:
    """``(exact_key, tail_prefix)`` to find stored keys matching ``raw``.

    ``tail_prefix`` is the reversed last ``tail_digits`` significant digits, or
    None when the number is shorter than that (exact matching only).
    """
    if isinstance(tail_digits, bool) or not isinstance(tail_digits, int) or tail_digits < MIN_DIGITS:
        raise ValueError(f"tail_digits must be an integer >= {MIN_DIGITS}")
    pn = normalize(raw, country)
    if pn.key is None:
        return None, None
    significant = _significant_digits(pn.e164, pn.digits)
    tail = significant[-tail_digits:][::-1] if len(significant) >= tail_digits else None
    return pn.key, tail
