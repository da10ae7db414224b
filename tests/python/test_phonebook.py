"""lib/phonebook.py: which records go in the phone book, and its JSON, CSV and Yealink XML files."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest

from lib import phonebook
from lib.phonebook import (
    CSV_COLUMNS, DEFAULT_KINDS, KINDS, Export, csv_cell, dialable, get_format, make_entry,
    parse_include, skip_reason, xml_text,
)

HOSTILE_NAME = '=Ann "A&B" <Boss>\n=SUM(A1)\x00\x0b\u202e'


def export_of(fmt, entries, skipped=(), bom=False, spool_memory=phonebook.SPOOL_MEMORY):
    export = Export(get_format(fmt, bom=bom), DEFAULT_KINDS, spool_memory=spool_memory)
    for entry in entries:
        export.add(entry)
    for reason in skipped:
        export.skip(reason)
    return export


def sample_entries():
    return [
        make_entry("individuals", 7, "Brandon Freeman", "Azure Interior", "0989464344", "+84901112222"),
        make_entry("companies", 8, "Azure Interior", "Azure Interior", "+842812345678", None),
        make_entry("individuals", 9, HOSTILE_NAME, "-1+1", None, "0911222333"),
        make_entry("leads", 10, "Trần Văn Ơn 田中", "", "0933444555", "0933444555"),
    ]


# ---- include ---------------------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    (None, DEFAULT_KINDS),
    ("", DEFAULT_KINDS),
    (" , ", DEFAULT_KINDS),
    ("leads", ("leads",)),
    ("Leads, INDIVIDUALS,leads", ("individuals", "leads")),
    ("companies,individuals,leads", KINDS),
])
def test_include_names_kinds_in_any_order_and_case(value, expected):
    assert parse_include(value) == expected


@pytest.mark.parametrize("value", ["contacts", "leads,users", "individuals;companies",
                                   "' OR 1=1 --", "x" * 201, ["leads"]])
def test_include_refuses_unknown_kinds_and_non_text(value):
    with pytest.raises(ValueError):
        parse_include(value)


def test_the_include_error_names_the_unknown_kind_shortened():
    with pytest.raises(ValueError, match="unknown kinds 'users'"):
        parse_include("leads,users")
    with pytest.raises(ValueError) as caught:
        parse_include("y" * 150)
    assert len(str(caught.value)) < 120


# ---- numbers and skipping ---------------------------------------------------------------------

@pytest.mark.parametrize("raw, expected", [
    ("+84 98 946 43 44", "+84989464344"),
    ("(098) 946-4344", "0989464344"),
    ("0084 98 946 4344", "0084989464344"),
    ("Tel: +1 555 0100 ext. 12", "+15550100"),
    ("(+84) 98.946.4344", "+84989464344"),
    ("٠٩٨٩٤٦٤٣٤٤", "0989464344"),
    ("101", "101"),
])
def test_a_number_is_written_as_the_digits_a_phone_dials(raw, expected):
    assert dialable(raw) == expected


@pytest.mark.parametrize("raw", [None, "", "   ", "n/a", "12", "+", "1" * 33, "=1+2"])
def test_a_value_without_3_to_32_digits_is_no_number(raw):
    assert dialable(raw) is None


def test_a_record_without_a_name_is_skipped_as_such_even_without_a_number():
    assert skip_reason("", ["0989464344"]) == "no_name"
    assert skip_reason(" \n\t", [None]) == "no_name"
    assert skip_reason(None, [None, None]) == "no_name"


def test_a_named_record_without_a_usable_number_is_skipped_for_that():
    assert skip_reason("Ann", [None, None]) == "no_number"
    assert skip_reason("Ann", []) == "no_number"


def test_a_named_record_with_one_number_is_kept():
    assert skip_reason("Ann", [None, "0989464344"]) is None


def test_an_entry_has_its_texts_on_one_line_and_knows_its_distinct_numbers():
    entry = make_entry("leads", 1, " Ann\n Smith ", None, "0933444555", "0933444555")
    assert (entry.name, entry.company, entry.numbers) == ("Ann Smith", "", ["0933444555"])
    with pytest.raises(ValueError):
        make_entry("users", 1, "Ann", None, "101", None)


# ---- escaping ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_a_csv_text_cell_that_could_be_a_formula_gets_a_quote(text):
    assert csv_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["Ann", "1+2", "a=b", "", " =1"])
def test_other_csv_text_cells_are_unchanged(text):
    assert csv_cell(text) == text


def test_xml_text_escapes_markup_and_drops_what_xml_cannot_carry():
    assert xml_text('a & <b> "c" \x00\x0b\x1f\ufffe d') == 'a &amp; &lt;b&gt; "c"  d'
    assert xml_text(None) == ""


# ---- the three files ----------------------------------------------------------------------------

def test_the_json_file_holds_the_counts_and_every_entry():
    export = export_of("json", sample_entries(), skipped=["no_number", "no_number", "no_name"])
    data = json.loads(export.read())
    assert data["ok"] is True
    assert data["include"] == list(DEFAULT_KINDS)
    assert data["count"] == 4 == len(data["entries"])
    assert data["skipped"] == {"no_name": 1, "no_number": 2}
    assert data["entries"][0] == {"kind": "individuals", "id": 7, "name": "Brandon Freeman",
                                  "company": "Azure Interior", "phone": "0989464344",
                                  "mobile": "+84901112222"}
    assert data["entries"][2]["name"] == '=Ann "A&B" <Boss> =SUM(A1)'
    assert data["entries"][3]["company"] is None


def test_an_empty_phone_book_is_still_a_valid_file_in_every_format():
    assert json.loads(export_of("json", []).read())["entries"] == []
    assert export_of("csv", []).read().decode() == ",".join(CSV_COLUMNS) + "\r\n"
    root = ET.fromstring(export_of("xml", []).read())
    assert root.tag == "YealinkIPPhoneDirectory" and len(root) == 0


def test_the_csv_file_is_rfc4180_utf8_without_bom_and_formula_safe():
    raw = export_of("csv", sample_entries()).read()
    assert not raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
    assert rows[0] == list(CSV_COLUMNS)
    assert rows[1] == ["individuals", "7", "Brandon Freeman", "Azure Interior", "0989464344",
                       "+84901112222"]
    assert rows[3][2:4] == ["'=Ann \"A&B\" <Boss> =SUM(A1)", "'-1+1"]
    assert rows[4][2] == "Trần Văn Ơn 田中"
    assert len(rows) == 5 and all(len(row) == len(CSV_COLUMNS) for row in rows)
    assert raw.count(b"\r\n") == 5


def test_the_csv_file_for_excel_starts_with_a_bom():
    raw = export_of("csv", sample_entries(), bom=True).read()
    assert raw.startswith(b"\xef\xbb\xbfkind,id,name")


def test_the_yealink_file_has_one_directory_entry_per_record_with_each_distinct_number():
    raw = export_of("xml", sample_entries()).read()
    assert raw.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<YealinkIPPhoneDirectory>')
    root = ET.fromstring(raw)
    entries = [(e.findtext("Name"), [t.text for t in e.findall("Telephone")]) for e in root]
    assert entries == [
        ("Brandon Freeman", ["0989464344", "+84901112222"]),
        ("Azure Interior", ["+842812345678"]),
        ('=Ann "A&B" <Boss> =SUM(A1)', ["0911222333"]),
        ("Trần Văn Ơn 田中", ["0933444555"]),
    ]
    assert all(child.tag == "DirectoryEntry" for child in root)


def test_an_injected_closing_tag_in_a_name_stays_text():
    entry = make_entry("individuals", 1, "</Name></DirectoryEntry><DirectoryEntry><Name>x",
                       None, "101", None)
    root = ET.fromstring(export_of("xml", [entry]).read())
    assert len(root) == 1
    assert root[0].findtext("Name").startswith("</Name>")


@pytest.mark.parametrize("fmt", phonebook.FORMATS)
def test_the_announced_size_is_the_size_of_the_file(fmt):
    export = export_of(fmt, sample_entries())
    size = export.size
    assert len(export.read()) == size


def test_a_large_phone_book_goes_to_disk_and_comes_back_in_bounded_chunks():
    entries = [make_entry("individuals", i, f"Contact {i}", None, f"09{i:08d}", None)
               for i in range(20000)]
    export = export_of("csv", entries, spool_memory=64 * 1024)
    assert export._body._rolled  # past 64 KiB the entries live in a temporary file
    chunks = list(export.chunks(chunk_size=4096))
    assert max(len(chunk) for chunk in chunks) <= 4096
    rows = list(csv.reader(io.StringIO(b"".join(chunks).decode(), newline="")))
    assert len(rows) == 20001 and rows[-1][2] == "Contact 19999"
    assert export._body.closed


def test_closing_the_stream_early_closes_the_temporary_file():
    export = export_of("json", sample_entries())
    chunks = export.chunks()
    next(chunks)
    chunks.close()
    assert export._body.closed


def test_only_known_skip_reasons_and_formats_are_accepted():
    with pytest.raises(ValueError):
        export_of("json", []).skip("no_reason")
    for bad in ("txt", "XML", "", None, "json "):
        with pytest.raises(ValueError):
            get_format(bad)


def test_the_skipped_header_lists_every_reason():
    export = export_of("csv", [], skipped=["no_number"] * 3)
    assert export.summary.skipped_header() == "no_name=0, no_number=3"
    assert export.summary.skipped_total == 3
