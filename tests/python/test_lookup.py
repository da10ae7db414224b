"""lib/lookup.py: the number a lookup is asked about, and the name a PBX may show on a phone."""

from __future__ import annotations

import pytest

from lib.lookup import MAX_CALLER_NAME, one_line, read_number, sip_display_name
from lib.payload import PayloadError


@pytest.mark.parametrize("raw, expected", [
    ("0989464344", "0989464344"),
    ("  +84 98 946 43 44 ", "+84 98 946 43 44"),
    (" 84989464344", "84989464344"),  # "+849…" sent unencoded in a query string
    ("(098) 946-4344", "(098) 946-4344"),
    ("0084/98.946.4344", "0084/98.946.4344"),
    ("101", "101"),
    ("0989464344\n", "0989464344"),  # surrounding whitespace, newline included, is only stripped
])
def test_a_number_in_any_usual_format_is_read_stripped(raw, expected):
    assert read_number(raw) == expected


@pytest.mark.parametrize("raw, message", [
    (None, "required"),
    ("", "required"),
    ("   ", "required"),
    ("12", "not a phone number"),
    ("anonymous", "not a phone number"),
    ("0989464344'; DROP TABLE res_partner;--", "not a phone number"),
    ("0989' OR 1=1", "not a phone number"),
    ("<script>alert(1)</script>", "not a phone number"),
    ("٠٩٨٩٤٦٤٣٤٤", "not a phone number"),
    ("0989\n464344", "not a phone number"),  # inside the number, a newline is refused
    ("1" * 21, "not a phone number"),
    ("1" * 65, "too long (max 64)"),
    (["0989464344"], "must be a string"),
    (True, "must be a string"),
])
def test_anything_else_is_refused_naming_the_number_field(raw, message):
    with pytest.raises(PayloadError) as caught:
        read_number(raw)
    assert caught.value.fields == {"number": message}


def test_a_non_negative_integer_is_read_as_its_digits():
    assert read_number(989464344) == "989464344"


def test_a_sip_display_name_loses_quotes_backslashes_and_angle_brackets():
    assert sip_display_name('Brandon "The Boss" <b@x> O\'Neil\\') == "Brandon The Boss b@x O'Neil"


def test_a_sip_display_name_is_on_one_line_without_control_characters():
    assert sip_display_name("Line one\r\nLine\ttwo\x00three\x7f\u2028four") == (
        "Line one Line two three four")


def test_bidi_overrides_and_zero_width_spaces_are_dropped_but_joiners_kept():
    assert sip_display_name("evil\u202egnp.exe\u200b") == "evilgnp.exe"
    assert sip_display_name("می\u200cخواهم") == "می\u200cخواهم"


def test_a_sip_display_name_is_cut_at_64_characters_without_a_trailing_space():
    name = "Nguyễn Thị Minh Khai " * 10
    shown = sip_display_name(name)
    assert len(shown) <= MAX_CALLER_NAME
    assert name.startswith(shown)
    assert not shown.endswith(" ")
    assert sip_display_name("a" * 63 + " b") == "a" * 63


def test_unicode_names_are_kept_and_composed():
    assert sip_display_name("Trần Văn Ơn 田中 太郎") == "Trần Văn Ơn 田中 太郎"
    assert sip_display_name("Tra\u0300n") == "Tr\u00e0n"


@pytest.mark.parametrize("empty", [None, "", "   ", "\"\"", "\n\t", "<>"])
def test_nothing_to_show_gives_an_empty_name(empty):
    assert sip_display_name(empty) == ""


def test_one_line_collapses_every_kind_of_space():
    assert one_line("  a\u00a0\u00a0b \n c  ") == "a b c"
    assert one_line(None) == ""
