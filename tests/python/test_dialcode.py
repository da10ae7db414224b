"""lib/dialcode.py: dial code lists and prefixes."""

from __future__ import annotations

import pytest

from lib.dialcode import apply_prefix, parse_dial_codes


def test_label_prefix_pairs_are_read_in_order():
    assert parse_dial_codes("LONGDIS:1000;LOCAL:9") == [("LONGDIS", "1000"), ("LOCAL", "9")]


def test_spaces_newlines_and_empty_entries_are_tolerated():
    assert parse_dial_codes(" LONGDIS : 1000 ;\nLOCAL:9;; \n") == [("LONGDIS", "1000"), ("LOCAL", "9")]


def test_star_and_hash_are_allowed_in_prefixes():
    assert parse_dial_codes("Hidden:*67;Route:#31#") == [("Hidden", "*67"), ("Route", "#31#")]


def test_label_may_contain_colons_and_unicode():
    assert parse_dial_codes("Ligne: extérieure:0") == [("Ligne: extérieure", "0")]


@pytest.mark.parametrize("text", [None, "", " ; \n "])
def test_empty_text_has_no_dial_codes(text):
    assert parse_dial_codes(text) == []


@pytest.mark.parametrize(
    "text, bad",
    [("LOCAL", "LOCAL"), ("LOCAL:", "LOCAL:"), (":9", ":9"), ("LOCAL:9a", "LOCAL:9a"), ("A:1;B:+84", "B:+84"),
     ("A:1;A:2", "A:2"), ("X:1; DROP TABLE x", "DROP TABLE x"), ("A\x00B:9", "A\x00B:9"), ("A" * 65 + ":9", "AAAA")],
)
def test_bad_entry_is_named_in_the_error(text, bad):
    with pytest.raises(ValueError) as caught:
        parse_dial_codes(text)
    assert repr(bad)[1:-1][:40] in str(caught.value)


def test_prefix_is_put_before_the_number():
    assert apply_prefix("0989464344", "9") == "90989464344"


@pytest.mark.parametrize("prefix", ["", None])
def test_no_prefix_keeps_the_number(prefix):
    assert apply_prefix("0989464344", prefix) == "0989464344"


@pytest.mark.parametrize("number, prefix", [("", "9"), ("+84989464344", "9"), ("098 946", "9"), ("0989", "9a"),
                                            ("0989", "1; rm -rf /"), (None, "9")])
def test_non_digit_number_or_prefix_is_refused(number, prefix):
    with pytest.raises(ValueError):
        apply_prefix(number, prefix)
