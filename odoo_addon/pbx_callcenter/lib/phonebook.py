"""The phone book export: which records are in it, and its JSON, CSV and Yealink XML renderings.

An export is written as ``head + entry + separator + entry + ... + tail``: entries are rendered
one by one (the records are read in batches, never all at once) and the head, which carries the
counts, is rendered last, once they are known.

- **JSON**: ``{"ok", "include", "count", "skipped", "entries": [...]}``, UTF-8.
- **CSV**: RFC 4180 (``\\r\\n`` line ends, quoted when needed), UTF-8 *without* a byte order
  mark unless asked for (a BOM helps Excel and confuses most importers and phones). A text cell
  starting with ``= + - @``, a tab or a carriage return gets a leading ``'`` so a spreadsheet
  never reads it as a formula; number cells hold only ``+`` and digits, so they need none.
- **Yealink remote phone book** (``YealinkIPPhoneDirectory``): one ``DirectoryEntry`` per record
  with its ``Name`` and one ``Telephone`` per number; characters XML 1.0 cannot carry are dropped.
"""

from __future__ import annotations

import csv
import io
import json
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from .lookup import one_line
from .phone import MAX_KEY_DIGITS, MIN_DIGITS

KINDS = ("individuals", "companies", "leads")
DEFAULT_KINDS = ("individuals", "companies")
SKIP_REASONS = ("no_name", "no_number")
CSV_COLUMNS = ("kind", "id", "name", "company", "phone", "mobile")
UTF8_BOM = "\ufeff"

#: Rendered entries stay in memory up to this size, then go to a temporary file.
SPOOL_MEMORY = 8 * 1024 * 1024
CHUNK_SIZE = 64 * 1024

_MAX_INCLUDE = 200
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A number starts at its first digit or "+", and ends where its extension or comment starts
# ("x12", "ext. 12", "; ask for Tom").
_NUMBER_START = re.compile(r"[+0-9]")
_NUMBER_END = re.compile(r"[^0-9\s+().\-/]")
# Characters XML 1.0 cannot carry, even escaped.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class Entry:
    """One phone book line: a contact, a company or a lead with at least one number."""

    kind: str
    id: int
    name: str
    company: str
    phone: str | None
    mobile: str | None

    @property
    def numbers(self) -> list[str]:
        """The distinct numbers, phone first."""
        return list(dict.fromkeys(n for n in (self.phone, self.mobile) if n))


@dataclass
class Summary:
    """What an export holds: the kinds asked for, the entries written, the records skipped."""

    include: tuple[str, ...]
    count: int = 0
    skipped: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SKIP_REASONS, 0))

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())

    def skipped_header(self) -> str:
        """``no_name=2, no_number=5``: the ``X-Pbx-Skipped`` header value."""
        return ", ".join(f"{reason}={self.skipped[reason]}" for reason in SKIP_REASONS)


# ---- what goes in ------------------------------------------------------------------------

def parse_include(value: Any) -> tuple[str, ...]:
    """The record kinds of ``include`` (comma separated, any order, duplicates ignored), in
    :data:`KINDS` order; :data:`DEFAULT_KINDS` when absent or blank. ValueError otherwise."""
    if value is None:
        return DEFAULT_KINDS
    if not isinstance(value, str):
        raise ValueError("must be a comma-separated list")
    if len(value) > _MAX_INCLUDE:
        raise ValueError(f"too long (max {_MAX_INCLUDE})")
    asked = {part.strip().lower() for part in value.split(",")} - {""}
    if not asked:
        return DEFAULT_KINDS
    unknown = sorted(asked - set(KINDS))
    if unknown:
        shown = ", ".join(repr(kind[:32]) for kind in unknown[:5])
        raise ValueError(f"unknown kinds {shown}; use {', '.join(KINDS)}")
    return tuple(kind for kind in KINDS if kind in asked)


def dialable(raw: str | None) -> str | None:
    """The number a phone dials for ``raw``: digits, with a leading ``+`` when written so;
    None when it has fewer than 3 or more than 32 digits (the lookup keys' limits).

    The number starts at its first digit or ``+`` (``Tel: +84…``) and ends at the next letter
    or other sign (``+1 555 0100 ext. 12`` dials ``+15550100``); spaces, dots, dashes, slashes
    and parentheses are dropped; other scripts' digits (``٠٩٨…``) are read as digits.
    """
    if not raw:
        return None
    text = raw if raw.isascii() else "".join(
        str(unicodedata.decimal(ch)) if not ch.isascii() and ch.isdecimal() else ch for ch in raw
    )
    start = _NUMBER_START.search(text)
    if start is None:
        return None
    text = _NUMBER_END.split(text[start.start():], 1)[0]
    digits = "".join(ch for ch in text if "0" <= ch <= "9")
    if not MIN_DIGITS <= len(digits) <= MAX_KEY_DIGITS:
        return None
    return ("+" if text.startswith("+") else "") + digits


def skip_reason(name: str | None, numbers: Sequence[str | None]) -> str | None:
    """Why a record stays out of the phone book (one of :data:`SKIP_REASONS`), or None.

    ``numbers`` are already :func:`dialable`. A record without a name is counted as such even
    when it has no number either."""
    if not one_line(name):
        return "no_name"
    if not any(numbers):
        return "no_number"
    return None


def make_entry(kind: str, record_id: int, name: str, company: str | None,
               phone: str | None, mobile: str | None) -> Entry:
    """An entry with its texts on one line (numbers already :func:`dialable`)."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    return Entry(kind, record_id, one_line(name), one_line(company), phone, mobile)


# ---- how it comes out --------------------------------------------------------------------

def csv_cell(value: Any) -> str:
    """A CSV cell's text: a text starting like a formula gets a leading ``'``."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def xml_text(value: str | None) -> str:
    """``value`` escaped for XML element content, without the characters XML cannot carry."""
    text = _XML_INVALID.sub("", value or "")
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class _Format:
    """A renderer: ``head(summary)``, then ``entry(entry)`` per entry with ``separator`` between
    two, then ``tail(summary)``; served as ``media_type``, saved as ``phonebook.<extension>``."""

    media_type = ""
    extension = ""
    separator = ""

    def head(self, summary: Summary) -> str:
        raise NotImplementedError

    def entry(self, entry: Entry) -> str:
        raise NotImplementedError

    def tail(self, summary: Summary) -> str:
        return ""


class JsonFormat(_Format):
    media_type = "application/json; charset=utf-8"
    extension = "json"
    separator = ",\n"

    def head(self, summary: Summary) -> str:
        meta = {"ok": True, "include": list(summary.include), "count": summary.count,
                "skipped": dict(summary.skipped)}
        return json.dumps(meta, ensure_ascii=False)[:-1] + ', "entries": [\n'

    def entry(self, entry: Entry) -> str:
        return json.dumps({
            "kind": entry.kind, "id": entry.id, "name": entry.name,
            "company": entry.company or None, "phone": entry.phone, "mobile": entry.mobile,
        }, ensure_ascii=False)

    def tail(self, summary: Summary) -> str:
        return "\n]}\n"


class CsvFormat(_Format):
    media_type = "text/csv; charset=utf-8"
    extension = "csv"

    def __init__(self, bom: bool = False):
        self.bom = bom

    @staticmethod
    def _row(cells: Iterable[Any]) -> str:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\r\n").writerow(cells)
        return buffer.getvalue()

    def head(self, summary: Summary) -> str:
        return (UTF8_BOM if self.bom else "") + self._row(CSV_COLUMNS)

    def entry(self, entry: Entry) -> str:
        return self._row((entry.kind, entry.id, csv_cell(entry.name), csv_cell(entry.company),
                          entry.phone or "", entry.mobile or ""))


class YealinkFormat(_Format):
    media_type = "application/xml; charset=utf-8"
    extension = "xml"

    def head(self, summary: Summary) -> str:
        return '<?xml version="1.0" encoding="UTF-8"?>\n<YealinkIPPhoneDirectory>\n'

    def entry(self, entry: Entry) -> str:
        telephones = "".join(f"<Telephone>{xml_text(n)}</Telephone>" for n in entry.numbers)
        return f"<DirectoryEntry><Name>{xml_text(entry.name)}</Name>{telephones}</DirectoryEntry>\n"

    def tail(self, summary: Summary) -> str:
        return "</YealinkIPPhoneDirectory>\n"


FORMATS = ("json", "csv", "xml")


def get_format(name: Any, bom: bool = False) -> _Format:
    """The renderer of ``name`` (json, csv or xml); ValueError otherwise. ``bom``: CSV only."""
    if name == "json":
        return JsonFormat()
    if name == "csv":
        return CsvFormat(bom=bom)
    if name == "xml":
        return YealinkFormat()
    raise ValueError(f"unknown format; use {', '.join(FORMATS)}")


class Export:
    """A phone book being written: entries are rendered as they come into a spooled temporary
    file (in memory up to ``spool_memory`` bytes, then on disk), so the size of the phone book
    never has to fit in memory. Once every entry is in, :meth:`chunks` yields the whole file
    (the head, rendered last since it carries the counts, then the entries, then the tail)."""

    def __init__(self, renderer: _Format, include: Sequence[str], spool_memory: int = SPOOL_MEMORY):
        self.renderer = renderer
        self.summary = Summary(tuple(include))
        self._body = tempfile.SpooledTemporaryFile(max_size=spool_memory)
        self._body_size = 0

    def _write(self, text: str) -> None:
        data = text.encode("utf-8")
        self._body.write(data)
        self._body_size += len(data)

    def add(self, entry: Entry) -> None:
        if self.summary.count:
            self._write(self.renderer.separator)
        self._write(self.renderer.entry(entry))
        self.summary.count += 1

    def skip(self, reason: str) -> None:
        if reason not in SKIP_REASONS:
            raise ValueError(f"unknown skip reason {reason!r}")
        self.summary.skipped[reason] += 1

    def _head(self) -> bytes:
        return self.renderer.head(self.summary).encode("utf-8")

    def _tail(self) -> bytes:
        return self.renderer.tail(self.summary).encode("utf-8")

    @property
    def size(self) -> int:
        """Bytes :meth:`chunks` yields (a Content-Length)."""
        return len(self._head()) + self._body_size + len(self._tail())

    def chunks(self, chunk_size: int = CHUNK_SIZE) -> Iterator[bytes]:
        """The file, in pieces of at most ``chunk_size`` bytes of entries; the temporary file is
        closed (and deleted) at the end, or when the consumer closes the iterator early."""
        try:
            yield self._head()
            self._body.seek(0)
            while piece := self._body.read(chunk_size):
                yield piece
            yield self._tail()
        finally:
            self._body.close()

    def read(self) -> bytes:
        """The whole file at once (for a download stored as an attachment)."""
        return b"".join(self.chunks())
